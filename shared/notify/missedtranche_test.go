package notify_test

import (
	"context"
	"slices"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// leaveReviewReleaseToNotifier is a service's storage whose approvals
// make no payment due themselves and leave them to the notifier
// (Release.Later), as one does that finds more payments than one
// transaction holds: so the notifier is the one that makes a tranche due.
type leaveReviewReleaseToNotifier struct{ service.Storer }

func (s leaveReviewReleaseToNotifier) ReviewOutcome(ctx context.Context, programmeID string, rv service.OutcomeReview, ch service.Change) error {
	rv.Release = service.Release{Later: true}
	return s.Storer.ReviewOutcome(ctx, programmeID, rv, ch)
}

// playTranche: a programme that reviews its submissions has a target of
// 60 people into work by 31 December 2026 (10 counted, December's 55
// awaiting review: "missed" is held on 21 January, the day it may first
// go) and, for the same project, one of 100 referrals by the end of 2027
// with a tranche on its 50%. On 21 January, before the run, a lead
// approves 60 referrals, the approval leaving the tranche to the
// notifier. The run reads the changed programme's figures with their
// version (a tranche waits), holds "missed" back, reading the review
// queue and the figures again, and makes the tranche due on that second
// read: with the version it too carries, so no third read of the
// tranche's target's years is made for it.
func (rig missedRig) playTranche() {
	t := rig.t
	t.Helper()
	rig.clk.Set("2026-01-05T09:00:00Z")
	b, prog, project, funder := missedWorld(t, rig.svc, rig.contact, rig.lead)
	b.Target(prog.ID, obj{"metric": "peopleIntoWork", "value": 60, "deadline": "2026-12-31", "projectId": project.ID, "notify": []string{funder.ID}})
	referrals := b.Target(prog.ID, obj{"metric": "referrals", "value": 100, "deadline": "2027-12-31", "projectId": project.ID, "notify": []string{funder.ID}})
	g := b.Grant(prog.ID, obj{"funderId": funder.ID, "projectId": project.ID, "title": "Employment specialists",
		"amountPence": 100_000_00, "currency": "GBP", "awardDate": "2026-01-01", "startDate": "2026-01-01", "endDate": "2027-12-31"})
	pay := b.Payment(prog.ID, g.ID, testkit.MilestonePaymentBody(25_000_00, referrals.ID, 50))
	b.Outcome(prog.ID, project.ID, obj{"periodStart": "2026-01-01", "periodEnd": "2026-01-31", "counts": obj{"peopleIntoWork": 10}})
	reviewOutcomes(t, rig.svc, prog.ID)
	rig.run()

	rig.clk.Set("2027-01-10T09:00:00Z")
	b.Outcome(prog.ID, project.ID, obj{"periodStart": "2026-12-01", "periodEnd": "2026-12-31", "counts": obj{"peopleIntoWork": 55}})
	sent := b.Outcome(prog.ID, project.ID, obj{"periodStart": "2026-11-01", "periodEnd": "2026-11-30", "counts": obj{"referrals": 60}})
	rig.run()

	rig.clk.Set("2027-01-21T05:00:00Z")
	leaving := service.New(leaveReviewReleaseToNotifier{rig.st}, rig.clk.Now)
	if _, err := leaving.OpenProject(t.Context(), testkit.Caller(rig.lead), prog.ID, project.ID).ReviewOutcome(sent.ID,
		testkit.Body(obj{"decision": "approve"})); err != nil {
		t.Fatal(err)
	}
	payment := func() domain.Payment {
		p, err := rig.svc.Open(t.Context(), testkit.AdminCaller(), prog.ID).Payment(g.ID, pay.ID)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	if p := payment(); p.Status != domain.PaymentScheduled {
		t.Fatalf("the approval made the tranche %s, want it left to the notifier", p.Status)
	}

	rig.clk.Set("2027-01-21T06:00:00Z")
	var due, waiting int
	look := func() {
		rep := rig.run()
		due, waiting = rep.PaymentsDue, rep.MissedWaiting
	}
	switch {
	case rig.ops != nil:
		ops := rig.ops(look)
		t.Logf("the run on 21 January: %v", ops)
		// The changed programme's figures, the review queue, the figures
		// again, the tranche falling due: between the queue and the
		// tranche, one read, with the version.
		queue, fell := slices.Index(ops, "ListPendingOutcomes"), slices.Index(ops, "FallDue")
		if queue < 0 || fell < queue {
			t.Fatalf("the run on 21 January: %v, want the review queue read, then the tranche made due", ops)
		}
		var reads []string
		for _, op := range ops[queue:fell] {
			if op == "Series" || op == "FiguresAsOf" {
				reads = append(reads, op)
			}
		}
		if !slices.Equal(reads, []string{"FiguresAsOf"}) {
			t.Errorf("figure reads between the review queue and the tranche falling due: %v, want one, with the version (FiguresAsOf)", reads)
		}
	default:
		used := rig.count.Measure(look)
		t.Logf("the run on 21 January: %d requests: %v", used.Requests, used.Ops)
		// With the version (TransactGetItems): the changed programme's
		// figures, then again after the review queue. Without it
		// (BatchGetItem): the due target's figures, twice (before and
		// after the queue), and the figures the payment-due email is
		// judged on as it goes.
		if used.Ops["TransactGetItems"] != 2 || used.Ops["BatchGetItem"] != 3 {
			t.Errorf("the run on 21 January read the figures with their version %d times (want 2) and without %d times (want 3): %v",
				used.Ops["TransactGetItems"], used.Ops["BatchGetItem"], used.Ops)
		}
	}
	if due != 1 || waiting == 0 {
		t.Errorf("the run on 21 January made %d payments due (want 1) and held %d \"missed\" back (want it held)", due, waiting)
	}
	if p := payment(); p.Status != domain.PaymentDue {
		t.Errorf("the tranche %s after the run, want due", p.Status)
	}
	if n := rig.subjects(); len(n) != 1 {
		t.Errorf("emails to the funder's contact by subject %v, want the payment's alone", n)
	}
}

// TestMemMissedHeldKeepsTheFiguresVersion: a changed programme whose
// figures were read with their version, because a milestone tranche
// waits, and whose "missed" is held for review, reads its figures again
// after the review queue with their version too, and the tranche falls
// due on that read alone. On the in-memory fake.
func TestMemMissedHeldKeepsTheFiguresVersion(t *testing.T) {
	t.Parallel()
	memMissedRig(t).playTranche()
}

// TestMissedHeldKeepsTheFiguresVersion is
// TestMemMissedHeldKeepsTheFiguresVersion on DynamoDB Local, its
// requests counted.
func TestMissedHeldKeepsTheFiguresVersion(t *testing.T) {
	t.Parallel()
	localMissedRig(t).playTranche()
}
