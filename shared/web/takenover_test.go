package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
)

// TestSubmissionTakenOverOffersNoCorrection: a submission sent back for
// changes, then new figures for its return sent without correcting it,
// which take it over (its correctedBy names them): neither its page nor
// the project page offers to correct it (the form would only be the 409
// page). Both say it was replaced by new figures and link to the newest
// submission, which is the one to correct; once the new figures are
// corrected in turn, that correction.
func TestSubmissionTakenOverOffersNoCorrection(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	_, sentBack := h.reportingFixture(t, f)
	pa := "/app/programmes/" + f.PID + "/projects/" + f.ProjectA
	ctx := context.Background()
	leadSc := h.Svc.OpenProject(ctx, caller(uLead), f.PID, f.ProjectA)
	plSc := h.Svc.OpenProject(ctx, caller(uPL), f.PID, f.ProjectA)
	must(leadSc.ReviewOutcome(sentBack, body(map[string]any{"decision": "request-changes", "comment": "Check referrals."})))
	fresh := must(plSc.SubmitOutcome(body(map[string]any{
		"periodStart": "2011-07-01", "periodEnd": "2011-09-30", "counts": map[string]int{"referrals": 71, "peopleIntoWork": 15}})))
	if by := must(plSc.Outcome(sentBack)).CorrectedBy; by != fresh.ID {
		t.Fatalf("the submission sent back is corrected by %q, want the new figures %s", by, fresh.ID)
	}
	pl, lead := h.as(t, uPL), h.as(t, uLead)

	check := func(newest string) {
		t.Helper()
		for who, b := range map[string]*browser{"project lead": pl, "lead": lead} {
			pg := b.get(pa + "/outcomes/" + sentBack)
			if pg.Status != http.StatusOK {
				t.Fatalf("%s: the page of the submission taken over: %d\n%s", who, pg.Status, excerpt(pg.Body))
			}
			if strings.Contains(pg.Body, `id="correct-outcome"`) || strings.Contains(pg.Body, "replaces="+sentBack) {
				t.Errorf("%s: the page of the submission taken over offers to correct it\n%s", who, excerpt(pg.Body))
			}
			status := between(pg.Body, `data-testid="outcome-status">`, "</dd>")
			for _, want := range []string{">Changes requested<", "replaced by new figures sent for its period",
				`href="` + pa + `/outcomes/` + newest + `" data-testid="correction-link">see the newest submission`} {
				if !strings.Contains(status, want) {
					t.Errorf("%s: the page of the submission taken over says %q, want %q", who, status, want)
				}
			}
			row := between(fromOutcomeLink(b.get(pa).Body, pa, sentBack), "</a>", "</td>")
			for _, want := range []string{">Changes requested<", `· replaced by <a class="nhsuk-link" href="` + pa + `/outcomes/` + newest + `"`} {
				if !strings.Contains(row, want) {
					t.Errorf("%s: the project page says of the submission taken over %q, want %q", who, row, want)
				}
			}
		}
		// The newest is the one to correct: its page offers it.
		if pg := pl.get(pa + "/outcomes/" + newest); !strings.Contains(pg.Body, `id="correct-outcome"`) {
			t.Errorf("the page of the newest submission offers no correction\n%s", excerpt(pg.Body))
		}
	}
	check(fresh.ID)

	fix := must(plSc.SubmitOutcome(body(outcomeCorrection(fresh, 16))))
	check(fix.ID)
}
