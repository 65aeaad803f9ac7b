package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestReviewWarnsOfFiguresAlongside: a lead reviewing a submission is told
// when another for the same project and period already counts or awaits
// review, so as not to approve figures sent twice; a correction of the
// figures counted is not such a one, nor another project's.
func TestReviewWarnsOfFiguresAlongside(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	_, pending := h.reportingFixture(t, f) // July to September 2011, awaiting review
	ctx := context.Background()
	pa := "/app/programmes/" + f.PID + "/projects/" + f.ProjectA
	lead := h.as(t, uLead)
	const warning = `data-testid="period-alongside"`
	review := func(id string) page { return lead.get(pa + "/outcomes/" + id + "/review") }

	if pg := review(pending); pg.Status != http.StatusOK || strings.Contains(pg.Body, warning) {
		t.Errorf("the review of the quarter's only submission: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	must(h.Svc.OpenProject(ctx, testkit.AdminCaller(), f.PID, f.ProjectB).SubmitOutcome(body(map[string]any{
		"periodStart": "2011-07-01", "periodEnd": "2011-09-30", "counts": map[string]int{"referrals": 5}})))
	if pg := review(pending); strings.Contains(pg.Body, warning) {
		t.Errorf("another project's figures for the quarter are warned of\n%s", excerpt(pg.Body))
	}

	pl := h.Svc.OpenProject(ctx, caller(uPL), f.PID, f.ProjectA)
	twice := must(pl.SubmitOutcomeChecked(body(map[string]any{"periodStart": "2011-07-01", "periodEnd": "2011-09-30",
		"counts": map[string]int{"referrals": 70, "peopleIntoWork": 15}}), true))
	link := func(o string) string { return `<a class="nhsuk-link" href="` + pa + `/outcomes/` + o + `">sent by ` }
	wantOnPage(t, "the review of figures sent twice", review(twice.ID), http.StatusOK, warning,
		"Another submission for July to September 2011 is also waiting for review: "+link(pending)+uPL+" on ")
	wantOnPage(t, "the review of the first figures", review(pending), http.StatusOK, warning,
		"Another submission for July to September 2011 is also waiting for review: "+link(twice.ID)+uPL+" on ")

	if _, err := h.Svc.OpenProject(ctx, caller(uLead), f.PID, f.ProjectA).ReviewOutcome(pending, body(map[string]any{"decision": "approve"})); err != nil {
		t.Fatal(err)
	}
	pg := review(twice.ID)
	wantOnPage(t, "the review of figures sent twice, the first approved", pg, http.StatusOK, warning,
		"Another submission for July to September 2011 is already counted: "+link(pending)+uPL+" on ",
		"If you approve this one too, both sets of figures will count.")
	// A correction of the counted figures replaces them: nothing to warn of.
	fix := must(pl.SubmitOutcome(body(map[string]any{"periodStart": "2011-07-01", "periodEnd": "2011-09-30",
		"counts": map[string]int{"referrals": 71}, "replaces": pending})))
	if pg := review(fix.ID); !strings.Contains(pg.Body, "Another submission for July to September 2011 is also waiting for review: "+link(twice.ID)) ||
		strings.Contains(pg.Body, "is already counted") {
		t.Errorf("the review of a correction warns of the figures it corrects, or not of the others\n%s", excerpt(pg.Body))
	}
}
