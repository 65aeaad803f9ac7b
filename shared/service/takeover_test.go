package service_test

// A return sent back for changes takes the project's next submission for
// its period as the answer (Return.Fill), correction or not. Once it has,
// the submission sent back is done with as if corrected: its own
// correction would be a second answer to the same request, awaiting
// approval beside the first, and approving both would count the period
// twice (audit W6). These are the rules over the in-memory fake; the
// store's own tests check the condition on DynamoDB.

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// takeOverWorld is a reviewing programme with a quarterly schedule for
// 2026, on 2026-04-05 (the first quarter's returns open), and the
// project lead's first-quarter submission sent back: it and the return.
func takeOverWorld(t *testing.T) (w *world, sent domain.Outcome, returnID string) {
	t.Helper()
	w, c := reportingWorld(t)
	must(w.open(lead).UpdateProgramme(always, body(map[string]any{"reviewOutcomes": true})))
	s := must(w.open(lead).CreateSchedule(body(quarterly2026())))
	c.set("2026-04-05T09:00:00Z")
	returnID = domain.ReturnID(s.ID, w.A, domain.MustDate("2026-01-01"))
	sent = must(w.openA(plOwn).SubmitOutcome(body(q1(4, ""))))
	must(w.openA(lead).ReviewOutcome(sent.ID, body(map[string]any{"decision": "request-changes", "comment": "Check referrals."})))
	return w, sent, returnID
}

// q1 is a first-quarter submission of n referrals, correcting replaces
// unless it is "".
func q1(n int, replaces string) map[string]any {
	in := map[string]any{"periodStart": "2026-01-01", "periodEnd": "2026-03-31", "counts": map[string]int{"referrals": n}}
	if replaces != "" {
		in["replaces"] = replaces
	}
	return in
}

// referrals are the programme's counted referrals (OutcomeA's 10 to start
// with) and those awaiting review.
func referrals(w *world) (counted, pending int64) {
	pr := must(w.open(lead).Progress())
	return pr.Totals[domain.MetricReferrals], pr.Pending.Totals[domain.MetricReferrals]
}

// TestCorrectionOfSubmissionTakenOverRefused: the audit's repro. A
// submission sent back, then new figures for its return without
// replaces: the return holds them, and the one sent back is marked
// corrected by them. Its correction is refused as a second correction
// is (409, naming the newest), the correction form too, and nothing is
// stored; the new figures count once approved, and are the ones to
// correct.
func TestCorrectionOfSubmissionTakenOverRefused(t *testing.T) {
	w, sent, rid := takeOverWorld(t)
	n1 := must(w.openA(plOwn).SubmitOutcome(body(q1(4, ""))))
	if r := must(w.open(lead).Return(rid)); r.Status != domain.ReturnSubmitted || r.SubmissionID != n1.ID {
		t.Fatalf("the return after new figures: %+v", r)
	}
	if got := must(w.openA(lead).Outcome(sent.ID)); got.CorrectedBy != n1.ID || got.Status != domain.OutcomeChangesRequested {
		t.Errorf("the submission sent back: correctedBy %q status %s, want %s and changes-requested", got.CorrectedBy, got.Status, n1.ID)
	}
	want := "that submission has already been corrected; correct the newest one (" + n1.ID + ") instead"
	err := w.unchanged(func() error {
		_, err := w.openA(plOwn).SubmitOutcome(body(q1(5, sent.ID)))
		return err
	})
	for what, err := range map[string]error{"the correction": err, "the correction form": func() error {
		_, err := w.openA(plOwn).OutcomeToCorrect(sent.ID)
		return err
	}()} {
		de := wantCode(t, what, err, domain.CodeConflict)
		if de != nil && (de.Message != want || de.Related == nil || de.Related.ID != n1.ID) {
			t.Errorf("%s: %q (related %+v), want %q", what, de.Message, de.Related, want)
		}
		var ce *service.AlreadyCorrectedError
		if !errors.As(err, &ce) {
			t.Errorf("%s: %v is not an AlreadyCorrectedError", what, err)
		}
	}
	must(w.openA(lead).ReviewOutcome(n1.ID, body(map[string]any{"decision": "approve"})))
	if c, p := referrals(w); c != 14 || p != 0 {
		t.Errorf("after approving the new figures: counted %d, pending %d; want 14 and 0 (the quarter once)", c, p)
	}
	fix := must(w.openA(plOwn).SubmitOutcome(body(q1(6, n1.ID))))
	must(w.openA(lead).ReviewOutcome(fix.ID, body(map[string]any{"decision": "approve"})))
	if c, _ := referrals(w); c != 16 {
		t.Errorf("after approving the new figures' correction: counted %d, want 16", c)
	}
	if r := must(w.open(lead).Return(rid)); r.Status != domain.ReturnAccepted || r.SubmissionID != fix.ID {
		t.Errorf("the return at the end: %+v", r)
	}
}

// TestNewFiguresAfterCorrectionOfSubmissionSentBack: the other order. The
// submission sent back is corrected first, and the return holds the
// correction. New figures for the period then are figures sent twice:
// the outcome form refuses them unless they are to be added
// (PeriodSentError, naming the correction); the API takes them as added
// figures (SPEC: counts add up over submissions), filling no return and
// taking nothing over, and a lead reviewing them is told what else awaits
// review for the period (Alongside). The correction stays the one to
// review and correct.
func TestNewFiguresAfterCorrectionOfSubmissionSentBack(t *testing.T) {
	w, sent, rid := takeOverWorld(t)
	fix := must(w.openA(plOwn).SubmitOutcome(body(q1(5, sent.ID))))
	err := w.unchanged(func() error {
		_, err := w.openA(plOwn).SubmitOutcomeChecked(body(q1(4, "")), false)
		return err
	})
	var ps *service.PeriodSentError
	if !errors.As(err, &ps) || len(ps.Sent) != 1 || ps.Sent[0].ID != fix.ID {
		t.Errorf("new figures at the form: %v, want the period named sent, with the correction", err)
	}
	added := must(w.openA(plOwn).SubmitOutcome(body(q1(4, ""))))
	if r := must(w.open(lead).Return(rid)); r.Status != domain.ReturnSubmitted || r.SubmissionID != fix.ID {
		t.Errorf("the return after added figures: %+v, want it on the correction", r)
	}
	if got := must(w.openA(lead).Outcome(fix.ID)); got.CorrectedBy != "" {
		t.Errorf("the correction was taken over by added figures: correctedBy %q", got.CorrectedBy)
	}
	rc := must(w.openA(lead).OutcomeToReview(added.ID))
	if rc.Refusal() != nil || len(rc.Alongside) != 1 || rc.Alongside[0].Outcome.ID != fix.ID || rc.Alongside[0].Counted {
		t.Errorf("reviewing the added figures: refusal %v, alongside %+v; want the correction named as awaiting review", rc.Refusal(), rc.Alongside)
	}
	must(w.openA(lead).ReviewOutcome(fix.ID, body(map[string]any{"decision": "approve"})))
	if r := must(w.open(lead).Return(rid)); r.Status != domain.ReturnAccepted || r.SubmissionID != fix.ID {
		t.Errorf("the return once the correction is approved: %+v", r)
	}
}

// TestAnotherCohortDoesNotTakeOver: a project with cohorts sends one
// submission a period for each, so another cohort's figures (or its
// general ones) filling a return sent back on one cohort's are not the
// answer to it: that one can still be corrected.
func TestAnotherCohortDoesNotTakeOver(t *testing.T) {
	w, c := reportingWorld(t)
	must(w.open(lead).UpdateProgramme(always, body(map[string]any{"reviewOutcomes": true})))
	must(w.open(lead).CreateSchedule(body(quarterly2026())))
	c.set("2026-04-05T09:00:00Z")
	cohortFigures := q1(4, "")
	cohortFigures["cohortId"] = w.CohortA
	sent := must(w.openA(plOwn).SubmitOutcome(body(cohortFigures)))
	must(w.openA(lead).ReviewOutcome(sent.ID, body(map[string]any{"decision": "request-changes", "comment": "Check referrals."})))
	general := must(w.openA(plOwn).SubmitOutcome(body(q1(2, ""))))
	if got := must(w.openA(lead).Outcome(sent.ID)); got.CorrectedBy != "" {
		t.Errorf("the cohort's submission was taken over by the general figures %s: correctedBy %q", general.ID, got.CorrectedBy)
	}
	cohortFigures = q1(5, sent.ID)
	cohortFigures["cohortId"] = w.CohortA
	must(w.openA(plOwn).SubmitOutcome(body(cohortFigures)))
}

// TestTakeOverRacesCorrection: new figures and a correction of the
// submission sent back, sent at once, many times: either the correction
// came first (it holds the return, the new figures are added ones) or the
// new figures did (they hold the return and the correction is refused).
// Never both answers to one request.
func TestTakeOverRacesCorrection(t *testing.T) {
	for range 20 {
		w, sent, rid := takeOverWorld(t)
		var n1, fix domain.Outcome
		var fixErr error
		var wg sync.WaitGroup
		wg.Go(func() { n1 = must(w.openA(plOwn).SubmitOutcome(body(q1(4, "")))) })
		wg.Go(func() { fix, fixErr = w.openA(plOwn).SubmitOutcome(body(q1(5, sent.ID))) })
		wg.Wait()
		r := must(w.open(lead).Return(rid))
		got := must(w.openA(lead).Outcome(sent.ID))
		switch {
		case fixErr == nil:
			if r.SubmissionID != fix.ID || got.CorrectedBy != fix.ID {
				t.Fatalf("the correction stored: return on %s, sent back one corrected by %s; want both %s (new figures %s)",
					r.SubmissionID, got.CorrectedBy, fix.ID, n1.ID)
			}
		case domain.ErrorCode(fixErr) == domain.CodeConflict:
			if r.SubmissionID != n1.ID || got.CorrectedBy != n1.ID {
				t.Fatalf("the correction refused: return on %s, sent back one corrected by %s; want both %s",
					r.SubmissionID, got.CorrectedBy, n1.ID)
			}
		default:
			t.Fatalf("the correction: %v", fixErr)
		}
	}
}

// TestCorrectedSubmissionSaysByWhat: a submission corrected keeps the
// status it had (a pending one corrected before review stays "pending",
// as SPEC's statuses are fixed), and says which submission corrected it
// (correctedBy), so a list tells it from one still awaiting review
// (audit N4). Funders, who read approved figures only, are not told: the
// correction may await review.
func TestCorrectedSubmissionSaysByWhat(t *testing.T) {
	w, _ := reportingWorld(t)
	w.addReporting() // OutcomeAPending corrects OutcomeA, awaiting review
	fix := must(w.openA(plOwn).SubmitOutcome(body(map[string]any{"periodStart": "2025-04-01", "periodEnd": "2025-06-30",
		"counts": map[string]int{"referrals": 12}, "replaces": w.OutcomeAPending})))
	want := map[string]string{w.OutcomeA: w.OutcomeAPending, w.OutcomeAPending: fix.ID, fix.ID: ""}
	for _, r := range []role{lead, plOwn} {
		for _, o := range mustList(w.openA(r).ListOutcomes(service.Page{})) {
			if by, ok := want[o.ID]; ok && o.CorrectedBy != by {
				t.Errorf("%s lists %s corrected by %q, want %q", r, o.ID, o.CorrectedBy, by)
			}
			if o.ID == w.OutcomeAPending && o.Status != domain.OutcomePending {
				t.Errorf("%s lists the submission corrected before review as %s", r, o.Status)
			}
		}
		if got := must(w.openA(r).Outcome(w.OutcomeAPending)); got.CorrectedBy != fix.ID {
			t.Errorf("%s reads %s corrected by %q, want %s", r, got.ID, got.CorrectedBy, fix.ID)
		}
	}
	for _, o := range mustList(w.openA(funderOwn).ListOutcomes(service.Page{})) {
		if o.CorrectedBy != "" {
			t.Errorf("a funder is told %s was corrected by %s", o.ID, o.CorrectedBy)
		}
	}
	if got := must(w.openA(funderOwn).Outcome(w.OutcomeA)); got.CorrectedBy != "" {
		t.Errorf("a funder reads %s corrected by %s", got.ID, got.CorrectedBy)
	}
}

// TestSubmissionTakenOverIsNotCurrent: once new figures take over the
// submission sent back, they alone stand for the period. The outcome
// form's note of what was sent names them only, and so does its refusal
// of figures sent twice; an import's row for the period is weighed
// against them (not refused as a period held twice): unchanged with their
// figures, else their correction, even with the figures sent back. A lead
// reviewing them is told of nothing alongside. The one taken over is
// still in the project's list, replaced by them (history).
func TestSubmissionTakenOverIsNotCurrent(t *testing.T) {
	w, sent, rid := takeOverWorld(t)
	n1 := must(w.openA(plOwn).SubmitOutcome(body(q1(5, ""))))
	start, end := domain.MustDate("2026-01-01"), domain.MustDate("2026-03-31")
	if got := outcomeIDs(must(w.openA(plOwn).SentForPeriod(start, end, ""))); len(got) != 1 || got[0] != n1.ID {
		t.Errorf("sent for the period: %v, want only the new figures %s (not %s, taken over)", got, n1.ID, sent.ID)
	}
	err := w.unchanged(func() error {
		_, err := w.openA(plOwn).SubmitOutcomeChecked(body(q1(6, "")), false)
		return err
	})
	var ps *service.PeriodSentError
	if !errors.As(err, &ps) || len(ps.Sent) != 1 || ps.Sent[0].ID != n1.ID {
		t.Errorf("figures sent twice at the form: %v, want the period named sent, with the new figures only", err)
	}
	if rc := must(w.openA(lead).OutcomeToReview(n1.ID)); rc.Refusal() != nil || rc.Alongside != nil {
		t.Errorf("reviewing the new figures: refusal %v, alongside %+v; want nothing alongside", rc.Refusal(), rc.Alongside)
	}

	row := func(n int) service.ImportFile {
		return csv("project,periodStart,periodEnd,referrals", fmt.Sprintf("Bradford IPS,2026-01-01,2026-03-31,%d", n))
	}
	for _, dryRun := range []bool{true, false} {
		res := must(w.openA(plOwn).Import(row(5), dryRun))
		wantResult(t, res, 1, 0, 0, 1)
		if !dryRun && (len(res.Submissions) != 1 || res.Submissions[0] != n1.ID) {
			t.Errorf("the new figures' row names %v, want %s", res.Submissions, n1.ID)
		}
	}
	res := must(w.openA(plOwn).Import(row(4), false)) // the figures sent back
	wantResult(t, res, 1, 0, 1, 0)
	fix := must(w.openA(plOwn).Outcome(res.Submissions[0]))
	if fix.Replaces != n1.ID {
		t.Errorf("the row's correction replaces %q, want the new figures %s", fix.Replaces, n1.ID)
	}
	must(w.openA(lead).ReviewOutcome(fix.ID, body(map[string]any{"decision": "approve"})))
	if c, p := referrals(w); c != 14 || p != 0 {
		t.Errorf("after approving the row: counted %d, pending %d; want 14 and 0 (the quarter once)", c, p)
	}
	if r := must(w.open(lead).Return(rid)); r.Status != domain.ReturnAccepted || r.SubmissionID != fix.ID {
		t.Errorf("the return at the end: %+v", r)
	}
	listed := map[string]string{}
	for _, o := range mustList(w.openA(plOwn).ListOutcomes(service.Page{})) {
		listed[o.ID] = o.CorrectedBy
	}
	if by, ok := listed[sent.ID]; !ok || by != n1.ID {
		t.Errorf("the project's list: %s listed %v, corrected by %q; want it there, replaced by %s", sent.ID, ok, by, n1.ID)
	}
}
