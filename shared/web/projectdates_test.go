package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestProjectFormNamesTheDateThatWouldDropASentReturn: moving a project's
// start past a period its figures were sent for would remove that
// period's return, which a schedule keeps once something is sent for it:
// the project form is shown again, 400, with the refusal beside the start
// date, saying which date would do, and nothing saved; a start that keeps
// it saves.
func TestProjectFormNamesTheDateThatWouldDropASentReturn(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	must(h.Svc.Open(t.Context(), caller(uLead), f.PID).CreateSchedule(body(map[string]any{"name": "Quarterly",
		"frequency": "quarterly", "firstPeriodStart": "2010-10-01", "lastPeriodEnd": "2012-03-31"})))
	lead := h.as(t, uLead)
	path := "/app/programmes/" + f.PID + "/projects/" + f.ProjectA + "/edit"
	form := url.Values{"name": {"Bradford employment service"}, "leadOrganisation": {"Bradford District Care"}, "version": {"1"},
		"startDate-day": {"1"}, "startDate-month": {"4"}, "startDate-year": {"2011"},
		"endDate-day": {"31"}, "endDate-month": {"3"}, "endDate-year": {"2012"}}
	lead.get(path)
	pg := lead.post(path, form)
	if pg.Status != http.StatusBadRequest || !strings.Contains(pg.Body, `id="f-startDate-error"`) ||
		!strings.Contains(pg.Body, "Start date must not be after 31 March 2011: figures were sent for the period 1 January 2011 to 31 March 2011") {
		t.Fatalf("moving the start past a sent return: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	if p := must(h.Svc.OpenProject(t.Context(), caller(uLead), f.PID, f.ProjectA).ThisProject()); p.StartDate.String() != "2010-10-01" {
		t.Errorf("refused, yet the start date is %s", p.StartDate)
	}
	if pg = lead.post(path, with(form, "startDate-month", "1")); pg.Status != http.StatusSeeOther {
		t.Fatalf("a start that keeps the sent return: %d\n%s", pg.Status, excerpt(pg.Body))
	}
}
