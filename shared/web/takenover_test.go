package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
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

// TestOutcomeFormNamesOnlyWhatTookOver: the outcome form opened for the
// period of a submission taken over (sent back, then new figures sent for
// its return) says only the new figures were sent, and offers their
// correction, not the one taken over's; figures typed for the period
// without the box are refused naming the new figures alone.
func TestOutcomeFormNamesOnlyWhatTookOver(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	_, sentBack := h.reportingFixture(t, f) // July to September 2011, sent by the administrator
	pa := "/app/programmes/" + f.PID + "/projects/" + f.ProjectA
	ctx := context.Background()
	must(h.Svc.OpenProject(ctx, caller(uLead), f.PID, f.ProjectA).ReviewOutcome(sentBack,
		body(map[string]any{"decision": "request-changes", "comment": "Check referrals."})))
	fresh := must(h.Svc.OpenProject(ctx, caller(uPL), f.PID, f.ProjectA).SubmitOutcome(body(map[string]any{
		"periodStart": "2011-07-01", "periodEnd": "2011-09-30", "counts": map[string]int{"referrals": 71, "peopleIntoWork": 15}})))
	pl := h.as(t, uPL)
	said := "You sent the figures for July to September 2011 on " + domain.UKDate(fresh.SubmittedAt).Long()
	correct := `href="` + pa + `/outcomes/new?replaces=` + fresh.ID + `" id="correct-sent"`

	pg := pl.get(pa + "/outcomes/new?periodStart=2011-07-01&periodEnd=2011-09-30")
	wantOnPage(t, "the form for the quarter taken over", pg, http.StatusOK, `data-testid="period-sent"`, said+".", correct)
	if n := strings.Count(pg.Body, `data-testid="sent-line"`); n != 1 || strings.Contains(pg.Body, uAdmin+" sent") ||
		strings.Contains(pg.Body, "replaces="+sentBack) {
		t.Errorf("the form names %d submissions sent, want the new figures only (not %s, taken over)\n%s", n, sentBack, excerpt(pg.Body))
	}

	again := pl.post(pa+"/outcomes/new", withKey(outcomeForm(), formKeyOf(t, pg)))
	wantOnPage(t, "the quarter sent again", again, http.StatusBadRequest,
		said+". Correct those figures, or select the box to add these figures to them", correct)
	if n := strings.Count(again.Body, `data-testid="sent-line"`); n != 1 || strings.Contains(again.Body, uAdmin+" sent") {
		t.Errorf("the refusal names %d submissions sent, want the new figures only\n%s", n, excerpt(again.Body))
	}
}
