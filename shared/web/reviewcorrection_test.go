package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// TestReviewFormOfACorrection: a correction of approved figures says on its
// review form that it is a correction, shows the figures that count now
// beside its own, and words the choice truly: asking for changes leaves
// the earlier approved figures counted (they do stay counted). A first
// submission keeps the plain wording.
func TestReviewFormOfACorrection(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	_, pending := h.reportingFixture(t, f)
	pa := "/app/programmes/" + f.PID + "/projects/" + f.ProjectA
	ctx := context.Background()
	lead := h.as(t, uLead)
	const nothingCounts = "Ask for changes: nothing counts"

	first := lead.get(pa + "/outcomes/" + pending + "/review")
	if first.Status != http.StatusOK || !strings.Contains(first.Body, nothingCounts) ||
		strings.Contains(first.Body, `data-testid="outcome-corrects"`) || strings.Contains(first.Body, `data-testid="counted-figures"`) {
		t.Errorf("the review form of a first submission: %d\n%s", first.Status, excerpt(first.Body))
	}
	if _, err := h.Svc.OpenProject(ctx, caller(uLead), f.PID, f.ProjectA).ReviewOutcome(pending, body(map[string]any{"decision": "approve"})); err != nil {
		t.Fatal(err)
	}
	pl := h.Svc.OpenProject(ctx, caller(uPL), f.PID, f.ProjectA)
	correction := must(pl.SubmitOutcome(body(outcomeCorrection(must(pl.Outcome(pending)), 16))))

	review := pa + "/outcomes/" + correction.ID + "/review"
	pg := lead.get(review)
	if pg.Status != http.StatusOK {
		t.Fatalf("the review form of a correction: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	for _, want := range []string{
		`data-testid="outcome-corrects">This is a correction of <a class="nhsuk-link" href="` + pa + `/outcomes/` + pending + `">`,
		`data-testid="counted-figures"`, `data-testid="counted-link">approved submission</a>`,
		`data-testid="counted-peopleIntoWork">15<`, `data-testid="corrected-peopleIntoWork">16<`,
		`data-testid="counted-referrals">70<`, `data-testid="corrected-referrals">70<`,
		"Ask for changes: the earlier approved figures keep counting",
		"Approve: these figures count from now, in place of the earlier approved figures",
	} {
		if !strings.Contains(pg.Body, want) {
			t.Errorf("the review form of a correction lacks %q\n%s", want, excerpt(pg.Body))
		}
	}
	if strings.Contains(pg.Body, nothingCounts) {
		t.Errorf("the review form of a correction says %q", nothingCounts)
	}
	// Shown again with its problem, it still says so.
	bad := lead.post(review, url.Values{"decision": {"request-changes"}, "comment": {" "}})
	if bad.Status != http.StatusBadRequest || !strings.Contains(bad.Body, `data-testid="counted-peopleIntoWork">15<`) ||
		!strings.Contains(bad.Body, "the earlier approved figures keep counting") {
		t.Errorf("the review form of a correction shown again: %d\n%s", bad.Status, excerpt(bad.Body))
	}

	// What the page says is what happens: sent back, the approved figures
	// count as they did.
	intoWork := func() int64 {
		return must(h.Svc.Open(ctx, caller(uLead), f.PID).Progress()).Totals[domain.MetricPeopleIntoWork]
	}
	before := intoWork()
	if pg := lead.post(review, url.Values{"decision": {"request-changes"}, "comment": {"Please split referrals by source."}}); pg.Status != http.StatusSeeOther {
		t.Fatalf("asking for changes: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	if after := intoWork(); after != before {
		t.Errorf("people into work after changes were asked for: %d, were %d with the approved figures", after, before)
	}
}
