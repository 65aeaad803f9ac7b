package service_test

import (
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// sameRefusal fails unless the refusal a form's read gives (opened) is the
// refusal its write gives (sent): same code, words and related record.
func sameRefusal(t *testing.T, what string, opened, sent error) {
	t.Helper()
	o := wantCode(t, what+" (opened)", opened, domain.CodeConflict)
	s := wantCode(t, what+" (sent)", sent, domain.CodeConflict)
	if o.Message != s.Message || (o.Related == nil) != (s.Related == nil) || o.Related != nil && *o.Related != *s.Related {
		t.Errorf("%s: opened %q %+v; sent %q %+v", what, o.Message, o.Related, s.Message, s.Related)
	}
}

// TestFormsOfDealtWithRecords: the reads behind the review and correction
// forms refuse, once a submission or spend return was decided or
// corrected, exactly as the write would; a correction to review comes with
// the approved figures it would replace.
func TestFormsOfDealtWithRecords(t *testing.T) {
	w := newWorld(t)
	w.addReporting()
	approve := body(map[string]any{"decision": "approve"})

	// OutcomeAPending corrects OutcomeA, approved: those figures count.
	c := must(w.openA(lead).OutcomeToReview(w.OutcomeAPending))
	if err := c.Refusal(); err != nil || c.CorrectedBy != "" || c.Counted == nil || c.Counted.ID != w.OutcomeA ||
		c.Counted.Counts[domain.MetricReferrals] != 10 {
		t.Fatalf("a correction to review: %v %+v", err, c)
	}
	_, err := w.openA(plOwn).OutcomeToReview(w.OutcomeAPending)
	wantCode(t, "a project lead opening a review", err, domain.CodeForbidden)

	// Decided (approved before review): refused as a decision is.
	c = must(w.openA(lead).OutcomeToReview(w.OutcomeA))
	_, sent := w.openA(lead).ReviewOutcome(w.OutcomeA, approve)
	sameRefusal(t, "reviewing an approved submission", c.Refusal(), sent)

	// Corrected (OutcomeA by OutcomeAPending): the correction form is
	// refused as its correction is, naming the correction.
	_, opened := w.openA(plOwn).OutcomeToCorrect(w.OutcomeA)
	in := outcomeBody(map[string]int64{"referrals": 12})
	in["replaces"] = w.OutcomeA
	_, sent = w.openA(plOwn).SubmitOutcome(body(in))
	sameRefusal(t, "correcting a corrected submission", opened, sent)
	if de := wantCode(t, "", opened, domain.CodeConflict); de.Related == nil || de.Related.ID != w.OutcomeAPending {
		t.Errorf("the refusal names %+v, want the correction %s", de.Related, w.OutcomeAPending)
	}
	if _, err := w.openA(plOwn).OutcomeToCorrect(w.OutcomeAPending); err != nil {
		t.Errorf("the newest submission's correction form: %v", err)
	}

	// A pending submission corrected before review: its review names the
	// newest correction.
	in["replaces"] = w.OutcomeAPending
	newer := must(w.openA(plOwn).SubmitOutcome(body(in)))
	c = must(w.openA(lead).OutcomeToReview(w.OutcomeAPending))
	_, sent = w.openA(lead).ReviewOutcome(w.OutcomeAPending, approve)
	sameRefusal(t, "reviewing a corrected submission", c.Refusal(), sent)
	if c.CorrectedBy != newer.ID {
		t.Errorf("corrected by %q, want %s", c.CorrectedBy, newer.ID)
	}
	// The newest still replaces OutcomeA's approved figures.
	if c = must(w.openA(lead).OutcomeToReview(newer.ID)); c.Refusal() != nil || c.Counted == nil || c.Counted.ID != w.OutcomeA {
		t.Errorf("the newest correction to review: %+v", c)
	}

	// A spend return corrected: its correction form is refused likewise.
	fix := spendBody(4_000_00, 300_00)
	fix["replaces"] = w.SpendXA
	first := must(w.open(plOwn).SubmitSpend(w.GXA, body(fix)))
	_, opened = w.open(plOwn).SpendToCorrect(w.GXA, w.SpendXA)
	_, sent = w.open(plOwn).SubmitSpend(w.GXA, body(fix))
	sameRefusal(t, "correcting a corrected spend return", opened, sent)
	if de := wantCode(t, "", opened, domain.CodeConflict); de.Related == nil || de.Related.ID != first.ID {
		t.Errorf("the spend refusal names %+v, want %s", de.Related, first.ID)
	}
}
