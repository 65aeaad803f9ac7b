package httpapi_test

import (
	"bytes"
	"net/url"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestAPIPatchNullAndNoChange: null for a field that cannot be empty is
// 400 naming it ("must not be null"), not "not sent"; null clears a field
// that may be empty; a PATCH or member PUT that changes nothing answers
// 200 with the record as it is, keeps its ETag and writes nothing (no new
// version, no audit event). Every case runs over the in-memory store; the
// first of each kind runs over DynamoDB Local too, where a PATCH that
// changes nothing must leave the tables as they were.
func TestAPIPatchNullAndNoChange(t *testing.T) {
	t.Parallel()
	t.Run("memory", func(t *testing.T) {
		t.Parallel()
		apiPatchNullAndNoChange(t, newMemAPI(t), false)
	})
	t.Run("DynamoDB", func(t *testing.T) {
		t.Parallel()
		apiPatchNullAndNoChange(t, newAPI(t), true)
	})
}

// apiPatchNullAndNoChange is TestAPIPatchNullAndNoChange over h's storage:
// every case, or with onePerKind the first of each subtest's.
func apiPatchNullAndNoChange(t *testing.T, h *apiH, onePerKind bool) {
	f := h.fixture(t)
	// first says whether to run case i: all of them, or only the first.
	first := func(i int) bool { return !onePerKind || i == 0 }
	patch := func(path, ifMatch string, body any) testkit.Req {
		return testkit.Req{Method: "PATCH", Path: f.p1(path), As: uLead, Body: body, Header: map[string]string{"If-Match": ifMatch}}
	}
	get := func(path string) testkit.Resp {
		return h.Want(t, 200, testkit.Req{Method: "GET", Path: f.p1(path), As: uLead})
	}

	t.Run("null for a field that cannot be empty", func(t *testing.T) {
		for i, c := range []struct {
			path, body string
			fields     []string
		}{
			{"/grants/" + f.GrantXA, `{"title":null,"amountPence":null}`, []string{"title", "amountPence"}},
			{"/funders/" + f.X, `{"name":null,"contacts":null}`, []string{"name", "contacts"}},
			{"/projects/" + f.A, `{"name":null,"startDate":null}`, []string{"name", "startDate"}},
			{"", `{"reviewOutcomes":null,"endDate":null}`, []string{"reviewOutcomes", "endDate"}},
		} {
			if !first(i) {
				continue
			}
			before := h.Snapshot(t)
			e := testkit.WantFields(t, h.Do(t, patch(c.path, "*", c.body)), c.fields...)
			for _, fl := range c.fields {
				if e.Fields[fl] != "must not be null" {
					t.Errorf("PATCH %s %s: %s: %q, want %q", c.path, c.body, fl, e.Fields[fl], "must not be null")
				}
			}
			testkit.SameSnapshot(t, "a refused PATCH", before, h.Snapshot(t))
		}
	})

	t.Run("null clears a field that may be empty", func(t *testing.T) {
		r := h.Want(t, 200, patch("/projects/"+f.A, "*", `{"area":null}`))
		if p := testkit.Decode[domain.Project](t, r); p.Area != "" || p.Name == "" {
			t.Errorf("after area: null the project is %+v, want no area and the rest as it was", p)
		}
	})

	t.Run("a PATCH that changes nothing", func(t *testing.T) {
		g := testkit.Decode[domain.Grant](t, get("/grants/"+f.GrantXA))
		for i, c := range []struct {
			path string
			body any
		}{
			{"/grants/" + f.GrantXA, `{}`},
			{"/grants/" + f.GrantXA, map[string]any{"title": g.Title, "amountPence": g.AmountPence}},
			{"/funders/" + f.X, `{}`},
			{"/projects/" + f.B, map[string]any{"name": "Project B", "area": "Bradford"}},
			{"", `{}`},
		} {
			if !first(i) {
				continue
			}
			was := get(c.path)
			before := h.Snapshot(t)
			r := h.Want(t, 200, patch(c.path, was.Header.Get("ETag"), c.body))
			if !bytes.Equal(r.Body, was.Body) || r.Header.Get("ETag") != was.Header.Get("ETag") {
				t.Errorf("PATCH %s %v answered %s %s, want the record as it was: %s %s", c.path, c.body,
					r.Header.Get("ETag"), r.Body, was.Header.Get("ETag"), was.Body)
			}
			testkit.SameSnapshot(t, "PATCH "+c.path, before, h.Snapshot(t))
		}
	})

	t.Run("a member given the roles they have", func(t *testing.T) {
		path := "/members/" + url.PathEscape(uPLA)
		was := get(path)
		before := h.Snapshot(t)
		r := h.Want(t, 200, testkit.Req{Method: "PUT", Path: f.p1(path), As: uLead,
			Body: map[string]any{"roles": []any{testkit.RoleProjectLead(f.A)}}})
		if !bytes.Equal(r.Body, was.Body) {
			t.Errorf("PUT answered %s, want the member as it was: %s", r.Body, was.Body)
		}
		testkit.SameSnapshot(t, "a PUT of the same roles", before, h.Snapshot(t))
	})
}

// TestAPICreateAnswersETag: a create of every type that changes by PATCH
// with If-Match answers the new item's ETag, the one its GET would give,
// so a client can change what it has just made without reading it first.
// Funders and projects once answered none.
func TestAPICreateAnswersETag(t *testing.T) {
	t.Parallel()
	h := newMemAPI(t)
	f := h.fixture(t)
	for _, c := range []struct {
		path  string
		body  any
		patch any
	}{
		{f.p1("/funders"), testkit.FunderBody("Funder ETag", "etag@example.org"), map[string]any{"name": "Funder ETag 2"}},
		{f.p1("/projects"), testkit.ProjectBody("Project ETag"), map[string]any{"name": "Project ETag 2"}},
	} {
		id, r := h.Create(t, uLead, c.path, c.body)
		if et := r.Header.Get("ETag"); et != `"1"` {
			t.Errorf("POST %s: ETag = %q, want \"1\"", c.path, et)
			continue
		}
		h.Want(t, 200, testkit.Request("PATCH", c.path+"/"+id, uLead, c.patch, "If-Match", r.Header.Get("ETag")))
	}
}
