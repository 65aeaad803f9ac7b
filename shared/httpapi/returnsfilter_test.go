package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestReturnsFilterOfNoRecord: the returns list asked for a project or a
// schedule that the programme does not have (an id of nothing, or of
// another programme's) is 400 naming the parameter, to every member, not
// an empty list that reads as "nothing expected" (audit-surface N5). Over
// DynamoDB Local, since the project is read in the access check's
// BatchGetItem; a non-member still finds nothing there, and a project
// lead asking for another project of the programme is refused as before.
func TestReturnsFilterOfNoRecord(t *testing.T) {
	t.Parallel()
	w := newRCWorld(t, nil)
	a := w.a
	sid, _ := a.Create(t, w.lead, w.path("/schedules"), map[string]any{"name": "Q", "frequency": "quarterly",
		"firstPeriodStart": "2026-01-01", "lastPeriodEnd": "2026-12-31"})
	other, _ := a.Create(t, w.lead, w.path("/projects"), map[string]any{"name": "Leeds internships", "leadOrganisation": "Aspiro",
		"startDate": "2026-01-01", "endDate": "2027-12-31"})
	elsewhere, _ := a.Create(t, uAdmin, "/programmes", map[string]any{"name": "Elsewhere", "leadOrganisation": "Aspiro",
		"startDate": "2026-01-01", "endDate": "2027-12-31"})
	farProject, _ := a.Create(t, uAdmin, "/programmes/"+elsewhere+"/projects", map[string]any{"name": "Far", "leadOrganisation": "Aspiro",
		"startDate": "2026-01-01", "endDate": "2027-12-31"})
	farSchedule, _ := a.Create(t, uAdmin, "/programmes/"+elsewhere+"/schedules", map[string]any{"name": "Far", "frequency": "yearly",
		"firstPeriodStart": "2026-01-01", "lastPeriodEnd": "2026-12-31"})
	none := domain.NewID()
	for _, as := range []string{uAdmin, w.lead, w.funder, w.pl} {
		for _, c := range []struct {
			query string
			field string
		}{
			{"projectId=" + none, "projectId"},
			{"projectId=" + farProject, "projectId"},
			{"projectId=" + none + "&status=overdue", "projectId"},
			{"projectId=" + none + "&scheduleId=" + sid, "projectId"},
			{"scheduleId=" + none, "scheduleId"},
			{"scheduleId=" + farSchedule, "scheduleId"},
			{"scheduleId=" + none + "&status=open", "scheduleId"},
			{"scheduleId=" + none + "&projectId=" + w.project, "scheduleId"},
		} {
			r := a.Do(t, testkit.Request(http.MethodGet, w.path("/returns?"+c.query), as, nil))
			if e := testkit.WantErr(t, r, http.StatusBadRequest, "validation_failed"); len(e.Fields) != 1 || e.Fields[c.field] == "" {
				t.Errorf("%s: returns?%s: fields %v, want %s alone", as, c.query, e.Fields, c.field)
			}
		}
		if as != w.funder { // a funder reads no corrections under way
			r := a.Do(t, testkit.Request(http.MethodGet, w.path("/returns?correction=changes-requested&projectId="+none), as, nil))
			if e := testkit.WantErr(t, r, http.StatusBadRequest, "validation_failed"); e.Fields["projectId"] == "" {
				t.Errorf("%s: corrections of no project: fields %v, want projectId", as, e.Fields)
			}
		}
	}
	testkit.WantErr(t, a.Do(t, testkit.Request(http.MethodGet, w.path("/returns?projectId="+none), "outsider@example.org", nil)), 404, "not_found")
	testkit.WantErr(t, a.Do(t, testkit.Request(http.MethodGet, w.path("/returns?projectId="+other), w.pl, nil)), 404, "not_found")
	// The programme's own project and schedule are listed as before.
	for _, q := range []string{"projectId=" + w.project, "projectId=" + other, "scheduleId=" + sid, "scheduleId=" + sid + "&projectId=" + w.project + "&status=upcoming"} {
		if rs := testkit.ListAll[domain.Return](t, a, w.lead, w.path("/returns?"+q)); len(rs) == 0 {
			t.Errorf("returns?%s: none, want the schedule's", q)
		}
	}
}
