package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestChangeFundersAndProjects: funders and projects change by PATCH with
// If-Match like grants — leads only, stale versions refused, bad fields
// named and nothing stored, every change in the record's history.
func TestChangeFundersAndProjects(t *testing.T) {
	t.Parallel()
	h := newMemAPI(t)
	f := h.fixture(t)
	funder, project := f.p1("/funders/"+f.X), f.p1("/projects/"+f.A)
	patch := func(as, path, ifMatch string, body any) testkit.Resp {
		return h.Do(t, testkit.Request(http.MethodPatch, path, as, body, "If-Match", ifMatch))
	}

	// Who may: leads and admins; a project lead or funder is refused; an
	// outsider learns nothing.
	for as, want := range map[string]int{uPLA: 403, uFunderX: 403, uOutsider: 404, uLead2: 404} {
		if r := patch(as, funder, "*", map[string]any{"name": "Renamed"}); r.Status != want {
			t.Errorf("PATCH funder as %s: %d, want %d", as, r.Status, want)
		}
		if r := patch(as, project, "*", map[string]any{"orgId": "GB-NHS-TAD"}); r.Status != want {
			t.Errorf("PATCH project as %s: %d, want %d", as, r.Status, want)
		}
	}

	// A contact moves on: the funder's contacts change, with a new ETag.
	got := h.Want(t, http.StatusOK, testkit.Request(http.MethodGet, funder, uLead, nil))
	if got.Header.Get("ETag") != `"1"` {
		t.Fatalf("funder ETag %q, want \"1\"", got.Header.Get("ETag"))
	}
	r := h.Want(t, http.StatusOK, testkit.Request(http.MethodPatch, funder, uLead, map[string]any{"contacts": []string{"New.Contact@Funder.example.org"}}, "If-Match", `"1"`))
	if fx := testkit.Decode[domain.Funder](t, r); len(fx.Contacts) != 1 || fx.Contacts[0] != "new.contact@funder.example.org" || fx.Version != 2 || r.Header.Get("ETag") != `"2"` {
		t.Errorf("changed funder %+v (ETag %s)", fx, r.Header.Get("ETag"))
	}
	testkit.WantErr(t, patch(uLead, funder, `"1"`, map[string]any{"name": "Stale"}), http.StatusPreconditionFailed, "precondition_failed")
	testkit.WantErr(t, h.Do(t, testkit.Request(http.MethodPatch, funder, uLead, map[string]any{"name": "No If-Match"})), http.StatusPreconditionRequired, "precondition_required")

	// Bad fields are named, personal data refused, and nothing is stored.
	snap := h.Snapshot(t)
	testkit.WantFields(t, patch(uLead, funder, `"2"`, map[string]any{"contacts": []string{}, "orgId": "GB-GOR-DWP"}), "contacts", "orgId")
	testkit.WantFields(t, patch(uLead, project, `"1"`, map[string]any{"endDate": "1999-01-01", "orgId": "GB-NHS-!!"}), "endDate", "orgId")
	testkit.WantErr(t, patch(uLead, project, `"1"`, map[string]any{"area": "Call 07700 900123"}), http.StatusUnprocessableEntity, "personal_data_detected")
	testkit.SameSnapshot(t, "refused changes", snap, h.Snapshot(t))

	// A project's org-id, once known, is added.
	r = h.Want(t, http.StatusOK, testkit.Request(http.MethodPatch, project, uLead, map[string]any{"orgId": "GB-NHS-TAD", "postcode": "bd18 3la"}, "If-Match", `"1"`))
	if pr := testkit.Decode[domain.Project](t, r); pr.OrgID != "GB-NHS-TAD" || pr.Postcode != "BD18 3LA" || pr.Version != 2 {
		t.Errorf("changed project %+v", pr)
	}

	// Each change is in the record's history, newest first.
	for path, field := range map[string]string{funder: "contacts", project: "orgId"} {
		hist := testkit.Decode[testkit.List[domain.AuditEvent]](t, h.Want(t, http.StatusOK, testkit.Request(http.MethodGet, path+"/history", uLead, nil)))
		if len(hist.Items) != 2 || hist.Items[0].Action != domain.ActionChange || hist.Items[0].Changes[field].After == nil {
			t.Errorf("%s history: %+v", path, hist.Items)
		}
	}
}
