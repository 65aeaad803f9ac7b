package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestGrantPageGivesGivingAdvice: a lead who records a grant awarded in the
// future is told, on the grant's page the form goes to, what 360Giving
// would flag, with a link to the award date on the edit form; corrected,
// the advice is gone. A grant with nothing to flag shows none, and a
// funder, who cannot change the grant, is not shown it.
func TestGrantPageGivesGivingAdvice(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	lead := h.as(t, uLead)
	p := "/app/programmes/" + f.PID
	const advice = `data-testid="giving-advice"`

	if pg := lead.get(p + "/grants/" + f.GrantX); pg.Status != http.StatusOK || strings.Contains(pg.Body, advice) {
		t.Fatalf("a grant with nothing to flag: %d, want no advice\n%s", pg.Status, excerpt(pg.Body))
	}

	lead.get(p + "/grants/new")
	form := url.Values{"funderId": {f.FunderX}, "projectId": {f.ProjectA}, "title": {"Employment specialists 2099"},
		"amountPence": {"1,000"}, "awardDate-day": {"1"}, "awardDate-month": {"1"}, "awardDate-year": {"2099"},
		"startDate-day": {"1"}, "startDate-month": {"10"}, "startDate-year": {"2010"},
		"endDate-day": {"31"}, "endDate-month": {"12"}, "endDate-year": {"2099"}}
	pg := lead.post(p+"/grants/new", form)
	if pg.Status != http.StatusSeeOther {
		t.Fatalf("record grant: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	loc := pg.Header.Get("Location")
	pg = lead.get(loc)
	for _, want := range []string{advice, "Before you publish this grant to 360Giving", "Award date is in the future",
		`href="` + loc + `/edit#f-awardDate-day"`} {
		if !strings.Contains(pg.Body, want) {
			t.Fatalf("the grant page after recording a grant awarded in 2099 lacks %q:\n%s", want, excerpt(pg.Body))
		}
	}
	if strings.Count(pg.Body, `data-testid="advice"`) != 1 {
		t.Errorf("advice items: want 1 (the award date)\n%s", excerpt(pg.Body))
	}

	if fu := h.as(t, uFunder).get(loc); fu.Status != http.StatusOK || strings.Contains(fu.Body, advice) {
		t.Errorf("the funder's view of the grant: %d, want it without the advice\n%s", fu.Status, excerpt(fu.Body))
	}

	lead.get(loc + "/edit")
	form.Set("version", "1")
	form.Set("awardDate-year", "2010")
	if pg = lead.post(loc+"/edit", form); pg.Status != http.StatusSeeOther {
		t.Fatalf("correct the award date: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	if pg = lead.get(pg.Header.Get("Location")); strings.Contains(pg.Body, advice) {
		t.Errorf("the grant page after the date is corrected still gives advice:\n%s", excerpt(pg.Body))
	}
}
