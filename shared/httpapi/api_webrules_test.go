package httpapi_test

import (
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestAPIGrantKeepsItsPostsProject: PATCH of a grant's projectId while a
// post of its project is paid from it is 400 naming projectId and the
// post, and the grant stays as it was.
func TestAPIGrantKeepsItsPostsProject(t *testing.T) {
	t.Parallel()
	a := newMemAPI(t)
	w := dhSetup(t, a)
	a.Create(t, uPLA, w.prj(w.A, "/posts"), testkit.Merge(testkit.PostBody(w.GXA, "filled"), map[string]any{"title": "Job coach"}))
	r := a.Do(t, testkit.Req{Method: "PATCH", Path: w.pp("/grants/" + w.GXA), As: uLead, Body: map[string]any{"projectId": w.B},
		Header: map[string]string{"If-Match": `"1"`}})
	e := testkit.WantFields(t, r, "projectId")
	if msg := e.Fields["projectId"]; !strings.Contains(msg, "Project A (Job coach)") {
		t.Errorf("projectId: %q, want the posts named", msg)
	}
	g := a.Want(t, 200, testkit.Req{Method: "GET", Path: w.pp("/grants/" + w.GXA), As: uLead})
	if !strings.Contains(string(g.Body), `"projectId":"`+w.A+`"`) || g.Header.Get("ETag") != `"1"` {
		t.Errorf("the refused change changed the grant: %s %s", g.Header.Get("ETag"), g.Body)
	}
}

// TestAPIProgrammeKeepsALead: the programme's only lead cannot be removed
// (409) or lose the lead role (400 naming roles) by a lead; an
// administrator may.
func TestAPIProgrammeKeepsALead(t *testing.T) {
	t.Parallel()
	a := newMemAPI(t)
	w := dhSetup(t, a)
	member := w.pp("/members/" + uLead)
	testkit.WantErr(t, a.Do(t, testkit.Req{Method: "DELETE", Path: member, As: uLead}), 409, "conflict")
	testkit.WantFields(t, a.Do(t, testkit.Req{Method: "PUT", Path: member, As: uLead,
		Body: testkit.RolesBody(testkit.RoleFunder(w.X))}), "roles")
	a.Want(t, 200, testkit.Req{Method: "GET", Path: member, As: uLead})
	a.Want(t, 200, testkit.Req{Method: "PUT", Path: member, As: uAdmin, Body: testkit.RolesBody(testkit.RoleFunder(w.X))})
}
