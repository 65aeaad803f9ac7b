package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/auth"
	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// apiState is what an admin sees of programme 1: item counts of every
// collection and the exact answers for one grant and one member.
type apiState struct {
	programmes, funders, projects, grants, members int
	grantXA, grantETag, memberPLA                  string
}

func (h *apiH) state(t *testing.T, f *apiFixture) apiState {
	t.Helper()
	// The reads are independent; run them together to keep the test quick.
	var st apiState
	var g, m testkit.Resp
	counts := []struct {
		n    *int
		path string
	}{
		{&st.programmes, "/programmes"}, {&st.funders, f.p1("/funders")}, {&st.projects, f.p1("/projects")},
		{&st.grants, f.p1("/grants")}, {&st.members, f.p1("/members")},
	}
	errs := make([]error, len(counts)+2)
	var wg sync.WaitGroup
	for i, c := range counts {
		wg.Go(func() {
			r, err := h.Send(testkit.Req{Method: "GET", Path: c.path + "?limit=100", As: uAdmin})
			var l testkit.List[json.RawMessage]
			switch {
			case err != nil:
				errs[i] = err
			case r.Status != 200 || json.Unmarshal(r.Body, &l) != nil || l.NextCursor != nil:
				errs[i] = fmt.Errorf("GET %s: %s", c.path, r)
			}
			*c.n = len(l.Items)
		})
	}
	wg.Go(func() {
		g, errs[len(counts)] = h.Send(testkit.Req{Method: "GET", Path: f.p1("/grants/" + f.GrantXA), As: uAdmin})
	})
	wg.Go(func() {
		m, errs[len(counts)+1] = h.Send(testkit.Req{Method: "GET", Path: f.p1("/members/" + uPLA), As: uAdmin})
	})
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if g.Status != 200 || m.Status != 200 {
		t.Fatalf("reading the grant and member: %s / %s", g, m)
	}
	st.grantXA, st.grantETag, st.memberPLA = string(g.Body), g.Header.Get("ETag"), string(m.Body)
	return st
}

// TestAPIRefusedWritesStoreNothing sends writes that must be refused (401,
// 403, 404, 400, 405, 412, 413, 415, 422, 428) and checks after each that
// the storage holds exactly what it held before (no record, total, audit
// event, idempotency claim or membership written) and that an admin sees
// the same collections, the same grant and the same member. Every case
// runs over the in-memory store; the first of each status runs over
// DynamoDB Local too, where a refused write must leave the tables as they
// were.
func TestAPIRefusedWritesStoreNothing(t *testing.T) {
	t.Parallel()
	t.Run("memory", func(t *testing.T) {
		t.Parallel()
		apiRefusedWritesStoreNothing(t, newMemAPI(t), false)
	})
	t.Run("DynamoDB", func(t *testing.T) {
		t.Parallel()
		apiRefusedWritesStoreNothing(t, newAPI(t), true)
	})
}

// apiRefusedWritesStoreNothing is TestAPIRefusedWritesStoreNothing over
// h's storage: every case, or with onePerStatus the first of each status.
func apiRefusedWritesStoreNothing(t *testing.T, h *apiH, onePerStatus bool) {
	f := h.fixture(t)

	// An idempotent create whose key the 422 case reuses.
	h.Want(t, 201, testkit.Req{Method: "POST", Path: f.p1("/funders"), As: uLead, Body: testkit.FunderBody("Keyed funder"),
		Header: map[string]string{"Idempotency-Key": "nochange-key"}})

	expired, _ := auth.MintLocal([]byte(testkit.Secret), uAdmin, "", []string{"admins"}, time.Minute, time.Now().Add(-time.Hour))
	bigFunder := `{"name":"` + strings.Repeat("x", 70<<10) + `","contacts":["a@example.org"]}`
	ifMatch := func(tag string) map[string]string { return map[string]string{"If-Match": tag} }
	member := func(email string) string { return f.p1("/members/" + url.PathEscape(email)) }
	lead := map[string]any{"roles": []any{testkit.RoleLead()}}

	cases := []struct {
		name   string
		status int
		code   string
		req    testkit.Req
	}{
		{"funder without a token", 401, "unauthenticated", testkit.Req{Method: "POST", Path: f.p1("/funders"), Body: testkit.FunderBody("F")}},
		{"member without a token", 401, "unauthenticated", testkit.Req{Method: "PUT", Path: member(uOutsider), Body: lead}},
		{"delete member without a token", 401, "unauthenticated", testkit.Req{Method: "DELETE", Path: member(uPLA)}},
		{"grant with an expired admin token", 401, "unauthenticated", testkit.Req{Method: "POST", Path: f.p1("/grants"),
			Body: testkit.GrantBody("G", f.X, f.A, testkit.GrantPence), Header: map[string]string{"Authorization": "Bearer " + expired}}},
		{"patch with a garbage token", 401, "unauthenticated", testkit.Req{Method: "PATCH", Path: f.p1("/grants/" + f.GrantXA),
			Body: `{"title":"x"}`, Header: map[string]string{"Authorization": "Bearer x.y.z", "If-Match": `"1"`}}},

		{"programme by a lead", 403, "forbidden", testkit.Req{Method: "POST", Path: "/programmes", As: uLead, Body: testkit.ProgrammeBody("P")}},
		{"funder by a project lead", 403, "forbidden", testkit.Req{Method: "POST", Path: f.p1("/funders"), As: uPLA, Body: testkit.FunderBody("F")}},
		{"project by a funder", 403, "forbidden", testkit.Req{Method: "POST", Path: f.p1("/projects"), As: uFunderX, Body: testkit.ProjectBody("P")}},
		{"grant by a project lead", 403, "forbidden", testkit.Req{Method: "POST", Path: f.p1("/grants"), As: uPLA, Body: testkit.GrantBody("G", f.X, f.A, testkit.GrantPence)}},
		{"project lead making themself lead", 403, "forbidden", testkit.Req{Method: "PUT", Path: member(uPLA), As: uPLA, Body: lead}},
		{"funder deleting a member", 403, "forbidden", testkit.Req{Method: "DELETE", Path: member(uPLA), As: uFunderX}},
		{"project lead patching its grant", 403, "forbidden", testkit.Req{Method: "PATCH", Path: f.p1("/grants/" + f.GrantXA), As: uPLA,
			Body: `{"amountPence":1}`, Header: ifMatch(`"1"`)}},

		{"funder by an outsider", 404, "not_found", testkit.Req{Method: "POST", Path: f.p1("/funders"), As: uOutsider, Body: testkit.FunderBody("F")}},
		{"outsider making themself lead", 404, "not_found", testkit.Req{Method: "PUT", Path: member(uOutsider), As: uOutsider, Body: lead}},
		{"patch by an outsider", 404, "not_found", testkit.Req{Method: "PATCH", Path: f.p1("/grants/" + f.GrantXA), As: uOutsider,
			Body: `{"amountPence":1}`, Header: ifMatch(`"1"`)}},
		{"grant in another programme", 404, "not_found", testkit.Req{Method: "POST", Path: f.p2("/grants"), As: uLead, Body: testkit.GrantBody("G", f.Z, f.C, testkit.GrantPence)}},
		{"patch of another programme's grant", 404, "not_found", testkit.Req{Method: "PATCH", Path: f.p1("/grants/" + f.GrantZC), As: uLead,
			Body: `{"amountPence":1}`, Header: ifMatch(`"1"`)}},
		{"patch of a grant that does not exist", 404, "not_found", testkit.Req{Method: "PATCH", Path: f.p1("/grants/" + domain.NewID()), As: uAdmin,
			Body: `{"amountPence":1}`, Header: ifMatch("*")}},
		{"delete of a member that does not exist", 404, "not_found", testkit.Req{Method: "DELETE", Path: member("nobody@example.org"), As: uLead}},
		{"funder in a programme that does not exist", 404, "not_found", testkit.Req{Method: "POST", Path: "/programmes/" + domain.NewID() + "/funders", As: uAdmin, Body: testkit.FunderBody("F")}},
		{"member in a programme that does not exist", 404, "not_found", testkit.Req{Method: "PUT", Path: "/programmes/" + domain.NewID() + "/members/a@example.org", As: uAdmin, Body: lead}},

		{"invalid funder", 400, "validation_failed", testkit.Req{Method: "POST", Path: f.p1("/funders"), As: uLead, Body: `{"name":"","contacts":["x"]}`}},
		{"grant naming another programme's funder", 400, "validation_failed", testkit.Req{Method: "POST", Path: f.p1("/grants"), As: uLead, Body: testkit.GrantBody("G", f.Z, f.A, testkit.GrantPence)}},
		{"grant naming another programme's project", 400, "validation_failed", testkit.Req{Method: "POST", Path: f.p1("/grants"), As: uLead, Body: testkit.GrantBody("G", f.X, f.C, testkit.GrantPence)}},
		{"new member naming another programme's project", 400, "validation_failed", testkit.Req{Method: "PUT", Path: member("new@example.org"), As: uLead,
			Body: map[string]any{"roles": []any{testkit.RoleProjectLead(f.C)}}}},
		{"existing member moved to another programme's project", 400, "validation_failed", testkit.Req{Method: "PUT", Path: member(uPLA), As: uLead,
			Body: map[string]any{"roles": []any{testkit.RoleLead(), testkit.RoleProjectLead(f.C)}}}},
		{"member with a bad email", 400, "validation_failed", testkit.Req{Method: "PUT", Path: member("not an email"), As: uLead, Body: lead}},
		{"patch to another programme's funder", 400, "validation_failed", testkit.Req{Method: "PATCH", Path: f.p1("/grants/" + f.GrantXA), As: uLead,
			Body: `{"funderId":"` + f.Z + `","amountPence":1}`, Header: ifMatch(`"1"`)}},
		{"patch ending before it starts", 400, "validation_failed", testkit.Req{Method: "PATCH", Path: f.p1("/grants/" + f.GrantXA), As: uLead,
			Body: `{"startDate":"2025-02-01","endDate":"2025-01-31","amountPence":1}`, Header: ifMatch(`"1"`)}},

		{"wrong method", 405, "method_not_allowed", testkit.Req{Method: "DELETE", Path: f.p1("/funders"), As: uAdmin}},
		{"stale If-Match", 412, "precondition_failed", testkit.Req{Method: "PATCH", Path: f.p1("/grants/" + f.GrantXA), As: uLead,
			Body: `{"amountPence":1}`, Header: ifMatch(`"7"`)}},
		{"body over 64 KiB", 413, "payload_too_large", testkit.Req{Method: "POST", Path: f.p1("/funders"), As: uLead, Body: bigFunder}},
		{"patch over 64 KiB", 413, "payload_too_large", testkit.Req{Method: "PATCH", Path: f.p1("/grants/" + f.GrantXA), As: uLead,
			Body: `{"title":"` + strings.Repeat("x", 70<<10) + `"}`, Header: ifMatch(`"1"`)}},
		{"grant as text", 415, "unsupported_media_type", testkit.Req{Method: "POST", Path: f.p1("/grants"), As: uLead,
			Body: mustJSON(testkit.GrantBody("G", f.X, f.A, testkit.GrantPence)), Header: map[string]string{"Content-Type": "text/plain"}}},
		{"member as a form", 415, "unsupported_media_type", testkit.Req{Method: "PUT", Path: member("new@example.org"), As: uLead,
			Body: "roles=lead", Header: map[string]string{"Content-Type": "application/x-www-form-urlencoded"}}},
		{"idempotency key reused", 422, "idempotency_key_reused", testkit.Req{Method: "POST", Path: f.p1("/funders"), As: uLead,
			Body: testkit.FunderBody("Another funder"), Header: map[string]string{"Idempotency-Key": "nochange-key"}}},
		{"patch without If-Match", 428, "precondition_required", testkit.Req{Method: "PATCH", Path: f.p1("/grants/" + f.GrantXA), As: uLead,
			Body: `{"amountPence":1}`}},
	}

	want := h.state(t, f)
	if want.grantETag != `"1"` || want.funders != 3 || want.grants != 3 || want.members != 5 {
		t.Fatalf("unexpected starting state %+v", want)
	}
	before := h.Snapshot(t)
	seen := map[int]bool{}
	for _, c := range cases {
		if onePerStatus && seen[c.status] {
			continue
		}
		seen[c.status] = true
		r := h.Do(t, c.req)
		if r.Status != c.status {
			t.Errorf("%s: got %s, want %d", c.name, r, c.status)
		} else {
			testkit.WantErr(t, r, c.status, c.code)
		}
		after := h.Snapshot(t)
		testkit.SameSnapshot(t, c.name, before, after)
		before = after
		if got := h.state(t, f); got != want {
			t.Errorf("%s: an admin now sees\n %+v\nnot\n %+v", c.name, got, want)
		}
	}

	if len(seen) != 10 {
		t.Errorf("the cases cover %d statuses, want the 10 named above", len(seen))
	}

	// And the refused requests left no way in: the outsider is still outside.
	testkit.WantErr(t, h.Do(t, testkit.Req{Method: "GET", Path: f.p1(""), As: uOutsider}), http.StatusNotFound, "not_found")
}
