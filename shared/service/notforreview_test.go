package service_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// TestReviewOfASubmissionSentWithoutReview: a decision on a submission
// sent while the programme did not review submissions is refused saying
// so (its figures counted when it was sent), not "already approved", by
// the form's read and the decision alike: in a programme without review,
// and for one sent before review was switched on. One approved by a lead
// is still "already approved".
func TestReviewOfASubmissionSentWithoutReview(t *testing.T) {
	w := newWorld(t)
	approve := body(map[string]any{"decision": "approve"})
	const want = "this submission was sent while the programme did not review submissions, so its figures counted when it was sent"
	refused := func(what, id string) {
		t.Helper()
		c := must(w.openA(lead).OutcomeToReview(id))
		_, sent := w.openA(lead).ReviewOutcome(id, approve)
		sameRefusal(t, what, c.Refusal(), sent)
		if de := wantCode(t, what, sent, domain.CodeConflict); de != nil && !strings.HasPrefix(de.Message, want) {
			t.Errorf("%s: %q, want it to begin %q", what, de.Message, want)
		}
		if !errors.Is(sent, service.ErrNotForReview) {
			t.Errorf("%s: %v, want it to wrap ErrNotForReview", what, sent)
		}
	}
	refused("a submission in a programme without review", w.OutcomeA)
	if o := must(w.openA(lead).Outcome(w.OutcomeA)); o.Review != nil || o.EffectiveStatus() != domain.OutcomeApproved {
		t.Errorf("the refusal changed the submission: %+v", o)
	}

	// Sent before review was switched on, never corrected since.
	early := must(w.openA(plOwn).SubmitOutcome(body(map[string]any{"periodStart": "2025-07-01", "periodEnd": "2025-09-30",
		"counts": map[string]int64{"referrals": 2}}))).ID
	w.addReporting() // review on; OutcomeAPending corrects OutcomeA, awaiting review
	refused("a submission sent before review was switched on", early)

	must(w.openA(lead).ReviewOutcome(w.OutcomeAPending, approve))
	_, sent := w.openA(lead).ReviewOutcome(w.OutcomeAPending, approve)
	if de := wantCode(t, "approved by a lead", sent, domain.CodeConflict); de != nil &&
		(errors.Is(sent, service.ErrNotForReview) || !strings.Contains(de.Message, "has already been approved")) {
		t.Errorf("a submission approved by a lead: %q, want already approved", de.Message)
	}
}
