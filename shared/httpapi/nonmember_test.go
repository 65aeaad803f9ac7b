package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestNonMemberLearnsNothingFromTheRequestsForm: a caller with no
// membership of a programme gets 404 for everything in it (SPEC, Roles),
// whatever else is wrong with the request: a missing or unreadable
// If-Match, a body not JSON or too large, a query string that cannot be
// read, a bad Idempotency-Key (audit-surface N1: these answered 428, 415,
// 413 and 400 first). So does a programme that is not there. A member is
// told what is wrong with the request, as before.
func TestNonMemberLearnsNothingFromTheRequestsForm(t *testing.T) {
	t.Parallel()
	h := newMemAPI(t)
	f := h.fixture(t)
	target := h.Build(t).Target(f.P1, map[string]any{"metric": "peopleIntoWork", "value": 60, "deadline": "2026-03-31", "notify": []string{}}).ID
	big := `{"name":"` + strings.Repeat("a", 70<<10) + `"}`
	cases := []struct {
		name string
		req  func(p, as string) testkit.Req
		// member is what the programme's lead is told.
		member int
	}{
		{"a change without If-Match", func(p, as string) testkit.Req {
			return testkit.Request(http.MethodPatch, p+"/targets/"+target, as, map[string]any{"value": 61})
		}, http.StatusPreconditionRequired},
		{"a change with If-Match \"-1\"", func(p, as string) testkit.Req {
			return testkit.Request(http.MethodPatch, p+"/targets/"+target, as, map[string]any{"value": 61}, "If-Match", `"-1"`)
		}, http.StatusBadRequest},
		{"a body that is not JSON", func(p, as string) testkit.Req {
			return testkit.Request(http.MethodPost, p+"/funders", as, "name=x", "Content-Type", "text/plain")
		}, http.StatusUnsupportedMediaType},
		{"a JSON body for an import", func(p, as string) testkit.Req {
			return testkit.Request(http.MethodPost, p+"/imports?dryRun=true", as, `{}`)
		}, http.StatusUnsupportedMediaType},
		{"a body over 64 KiB", func(p, as string) testkit.Req {
			return testkit.Request(http.MethodPost, p+"/funders", as, big)
		}, http.StatusRequestEntityTooLarge},
		{"a limit that is no number", func(p, as string) testkit.Req {
			return testkit.Request(http.MethodGet, p+"/grants?limit=abc", as, nil)
		}, http.StatusBadRequest},
		{"a parameter given twice", func(p, as string) testkit.Req {
			return testkit.Request(http.MethodGet, p+"/funders?limit=1&limit=2", as, nil)
		}, http.StatusBadRequest},
		{"an empty Idempotency-Key", func(p, as string) testkit.Req {
			return testkit.Request(http.MethodPost, p+"/funders", as, testkit.FunderBody("F"), "Idempotency-Key", " ")
		}, http.StatusBadRequest},
		{"a bad body", func(p, as string) testkit.Req {
			return testkit.Request(http.MethodPost, p+"/funders", as, `{"name":`)
		}, http.StatusBadRequest},
	}
	before := h.Snapshot(t)
	for _, c := range cases {
		for _, who := range []struct{ name, as, p string }{
			{"a non-member", uOutsider, f.p1("")},
			{"the lead of another programme", uLead2, f.p1("")},
			{"a lead, in a programme not there", uLead, "/programmes/" + domain.NewID()},
			{"an administrator, in a programme not there", uAdmin, "/programmes/" + domain.NewID()},
		} {
			testkit.WantErr(t, h.Do(t, c.req(who.p, who.as)), http.StatusNotFound, "not_found")
		}
		if r := h.Do(t, c.req(f.p1(""), uLead)); r.Status != c.member {
			t.Errorf("%s, as the lead: %s, want %d", c.name, r, c.member)
		}
	}
	// A funder, a member, is told its change has no If-Match, before
	// that it may not make it.
	testkit.WantErr(t, h.Do(t, cases[0].req(f.p1(""), uFunderX)), http.StatusPreconditionRequired, "precondition_required")
	testkit.SameSnapshot(t, "refused requests", before, h.Snapshot(t))
}
