package service_test

import (
	"errors"
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

// TestCorrectionFormsFollowTheChain: the correction and review forms
// learn whether a record was corrected, and by which correction, from
// storage's correction markers, never by listing the project's
// submissions or the grant's spend returns (which grow with every month
// of a programme): never corrected, the form opens; corrected once, the
// refusal names that correction; twice, the newest. (Storing a spend
// return lists the grant's returns, to refuse one for days already
// reported: that is the write's, not the form's.)
func TestCorrectionFormsFollowTheChain(t *testing.T) {
	w := newWorld(t)
	listed := errors.New("the form listed every record to find its corrections")
	writing := false
	w.st.Before = func(op string) error {
		if op == "ListOutcomes" || op == "ListSpend" && !writing {
			return listed
		}
		return nil
	}
	names := func(what string, err error, newest string) {
		t.Helper()
		if de := wantCode(t, what, err, domain.CodeConflict); de.Related == nil || de.Related.ID != newest {
			t.Errorf("%s names %+v, want the newest correction %s", what, de.Related, newest)
		}
	}
	correct := func(old string) string {
		in := outcomeBody(map[string]int64{"referrals": 12})
		in["replaces"] = old
		return must(w.openA(plOwn).SubmitOutcome(body(in))).ID
	}
	fixSpend := func(old string) string {
		in := spendBody(4_000_00, 300_00)
		in["replaces"] = old
		writing = true
		defer func() { writing = false }()
		return must(w.open(plOwn).SubmitSpend(w.GXA, body(in))).ID
	}

	// Never corrected.
	if o, err := w.openA(plOwn).OutcomeToCorrect(w.OutcomeA); err != nil || o.ID != w.OutcomeA {
		t.Fatalf("the correction form of a submission never corrected: %v %+v", err, o)
	}
	if s, err := w.open(plOwn).SpendToCorrect(w.GXA, w.SpendXA); err != nil || s.ID != w.SpendXA {
		t.Fatalf("the correction form of a spend return never corrected: %v %+v", err, s)
	}

	// Once, then twice.
	first := correct(w.OutcomeA)
	_, err := w.openA(plOwn).OutcomeToCorrect(w.OutcomeA)
	names("a submission corrected once", err, first)
	second := correct(first)
	for _, id := range []string{w.OutcomeA, first} {
		_, err := w.openA(plOwn).OutcomeToCorrect(id)
		names("a submission of a chain corrected twice", err, second)
	}
	if _, err := w.openA(plOwn).OutcomeToCorrect(second); err != nil {
		t.Errorf("the newest submission's correction form: %v", err)
	}
	spendFirst := fixSpend(w.SpendXA)
	_, err = w.open(plOwn).SpendToCorrect(w.GXA, w.SpendXA)
	names("a spend return corrected once", err, spendFirst)
	spendSecond := fixSpend(spendFirst)
	for _, id := range []string{w.SpendXA, spendFirst} {
		_, err := w.open(plOwn).SpendToCorrect(w.GXA, id)
		names("a spend return of a chain corrected twice", err, spendSecond)
	}
	if _, err := w.open(plOwn).SpendToCorrect(w.GXA, spendSecond); err != nil {
		t.Errorf("the newest spend return's correction form: %v", err)
	}

	// With review: a correction of approved figures awaiting a decision,
	// never corrected, corrected, corrected again; each time with the
	// approved figures it would replace.
	must(w.open(admin).UpdateProgramme(always, body(map[string]any{"reviewOutcomes": true})))
	pending := correct(second)
	c := must(w.openA(lead).OutcomeToReview(pending))
	if c.Refusal() != nil || c.CorrectedBy != "" || c.Counted == nil || c.Counted.ID != second {
		t.Fatalf("a correction to review, never corrected: %+v", c)
	}
	newer := correct(pending)
	c = must(w.openA(lead).OutcomeToReview(pending))
	names("reviewing a submission corrected once", c.Refusal(), newer)
	newest := correct(newer)
	c = must(w.openA(lead).OutcomeToReview(pending))
	names("reviewing a submission corrected twice", c.Refusal(), newest)
	if c.CorrectedBy != newest || c.Counted == nil || c.Counted.ID != second {
		t.Errorf("a submission corrected twice, to review: %+v", c)
	}
	if c = must(w.openA(lead).OutcomeToReview(newest)); c.Refusal() != nil || c.Counted == nil || c.Counted.ID != second ||
		c.Counted.Counts[domain.MetricReferrals] != 12 {
		t.Errorf("the newest correction to review: %+v", c)
	}
}

// TestReviewOfADecidedSubmissionCorrectedSince: a submission sent back for
// changes and then corrected is refused a decision naming the correction
// (the one awaiting the lead's decision), opened or sent, read from the
// correction markers alone; decided and never corrected, the refusal
// stays "already decided".
func TestReviewOfADecidedSubmissionCorrectedSince(t *testing.T) {
	w := newWorld(t)
	w.addReporting()
	must(w.openA(lead).ReviewOutcome(w.OutcomeAPending, body(map[string]any{"decision": "request-changes", "comment": "Add into work."})))
	approve := body(map[string]any{"decision": "approve"})

	c := must(w.openA(lead).OutcomeToReview(w.OutcomeAPending))
	_, sent := w.openA(lead).ReviewOutcome(w.OutcomeAPending, approve)
	sameRefusal(t, "reviewing a submission sent back, not corrected", c.Refusal(), sent)
	if de := wantCode(t, "", sent, domain.CodeConflict); de.Related != nil {
		t.Errorf("a submission never corrected names %+v", de.Related)
	}

	in := outcomeBody(map[string]int64{"referrals": 11, "peopleIntoWork": 4})
	in["replaces"] = w.OutcomeAPending
	fix := must(w.openA(plOwn).SubmitOutcome(body(in))).ID
	w.st.Before = func(op string) error {
		if op == "ListOutcomes" {
			return errors.New("the review form listed the project's submissions")
		}
		return nil
	}
	c = must(w.openA(lead).OutcomeToReview(w.OutcomeAPending))
	_, sent = w.openA(lead).ReviewOutcome(w.OutcomeAPending, approve)
	sameRefusal(t, "reviewing a submission sent back and corrected", c.Refusal(), sent)
	if de := wantCode(t, "", c.Refusal(), domain.CodeConflict); de.Related == nil || de.Related.ID != fix || c.CorrectedBy != fix {
		t.Errorf("the refusal names %+v (corrected by %q), want the correction %s", de.Related, c.CorrectedBy, fix)
	}
	if c = must(w.openA(lead).OutcomeToReview(fix)); c.Refusal() != nil {
		t.Errorf("the correction to review: %v", c.Refusal())
	}
}
