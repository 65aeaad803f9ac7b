package service_test

// A milestone tranche falls due when its target crosses the threshold on
// counted figures, and stays due until it is paid or cancelled, whatever
// the figures do after (the SPEC's "crosses"). What the figures say now is
// shown beside it: the API's milestoneMetNow, the grant page's and the
// payments CSV's flag. A tranche still scheduled is answered with the
// target it waits on as it is now.

import (
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// metNow is a view's milestoneMetNow as words, for messages: "true",
// "false" or "absent".
func metNow(v domain.PaymentView) string {
	switch {
	case v.MilestoneMetNow == nil:
		return "absent"
	case *v.MilestoneMetNow:
		return "true"
	}
	return "false"
}

// TestMilestoneTrancheStaysDueWhenFiguresFallBack: the audit's repro. A
// tranche on 5% of A's target of 60 falls due when a correction taking
// the figure to 3 is approved; a later approved correction takes it back
// to 1. The tranche stays due (and its email stays pending), but every
// reading of it says its milestone is no longer met; a second tranche on
// the same trigger, made now, is scheduled and says the same.
func TestMilestoneTrancheStaysDueWhenFiguresFallBack(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.addReporting()
	sc := w.open(lead)
	made := must(sc.CreatePaymentNow(w.GXA, body(milestoneAt(w.TargetA, 5)))) // 2 of 60 counted: 3.3%
	if made.Status != domain.PaymentScheduled || metNow(made) != "false" {
		t.Fatalf("made on 5%% with 2 of 60 counted: %s, met now %s", made.Status, metNow(made))
	}
	must(w.openA(lead).ReviewOutcome(w.OutcomeAPending, body(map[string]any{"decision": "approve"}))) // 3 of 60: 5%
	if v := must(sc.PaymentNow(w.GXA, made.ID)); v.Status != domain.PaymentDue || metNow(v) != "true" {
		t.Fatalf("once 3 of 60 are approved: %s, met now %s", v.Status, metNow(v))
	}
	in := outcomeBody(map[string]int64{"referrals": 11, "peopleIntoWork": 1})
	in["replaces"] = w.OutcomeAPending
	down := must(w.openA(plOwn).SubmitOutcome(body(in)))
	must(w.openA(lead).ReviewOutcome(down.ID, body(map[string]any{"decision": "approve"}))) // 1 of 60: 1.7%

	v := must(sc.PaymentNow(w.GXA, made.ID))
	if v.Status != domain.PaymentDue || v.DueSince != domain.MustDate("2026-01-15") || metNow(v) != "false" {
		t.Errorf("after the correction down: %s since %s, met now %s; want still due, not met now", v.Status, v.DueSince, metNow(v))
	}
	w.dueNote(t, "its email, after the correction down", v.Payment, "2026-01-15")
	stored := must(sc.Payment(w.GXA, made.ID))
	if !sameJSON(stored, v.Payment) {
		t.Errorf("the view of a due tranche changed its record:\n%+v\n%+v", stored, v.Payment)
	}
	again := must(sc.CreatePaymentNow(w.GXA, body(milestoneAt(w.TargetA, 5))))
	if again.Status != domain.PaymentScheduled || metNow(again) != "false" {
		t.Errorf("a second tranche on the same trigger: %s, met now %s", again.Status, metNow(again))
	}

	// The list says the same of each; a dated payment says nothing.
	views := mustList(sc.ListPaymentsNow(w.GXA, pageAll))
	want := map[string]string{w.PayXA: "absent", made.ID: "false", again.ID: "false"}
	if len(views) != len(want) {
		t.Fatalf("%d payments listed, want %d", len(views), len(want))
	}
	for _, v := range views {
		if metNow(v) != want[v.ID] {
			t.Errorf("listed %s (%s): met now %s, want %s", v.ID, v.Status, metNow(v), want[v.ID])
		}
	}
	// The grant's page flags the due one alone; the CSV has the target's
	// figure now to judge it on.
	acc := must(sc.GrantAccount(w.GXA))
	for _, p := range acc.Payments {
		if got := acc.Milestones.NoLongerMet(p); got != (p.ID == made.ID) {
			t.Errorf("the grant page's flag on %s (%s): %v", p.ID, p.Status, got)
		}
	}
	set := must(sc.PaymentExport())
	if got, ok := set.Currents[w.TargetA]; !ok || got != 1 {
		t.Errorf("the export's figure for the target: %d %v, want 1", got, ok)
	}

	// Paid, it is no longer judged.
	must(sc.UpdatePayment(w.GXA, made.ID, always, body(map[string]any{"status": "paid", "paidDate": "2026-01-15"})))
	if v := must(sc.PaymentNow(w.GXA, made.ID)); metNow(v) != "absent" {
		t.Errorf("paid: met now %s, want absent", metNow(v))
	}
	acc = must(sc.GrantAccount(w.GXA))
	for _, p := range acc.Payments {
		if acc.Milestones.NoLongerMet(p) {
			t.Errorf("the grant page flags %s (%s)", p.ID, p.Status)
		}
	}
}

// TestScheduledTrancheAnsweredOnItsTargetNow: the audit's finding 6. A
// tranche still scheduled waits on its target as it is now: the API
// answers its trigger with the target's value now (what the grant page
// and the CSV name), while the stored record, and a tranche due, keep the
// value recorded when it was made or fell due.
func TestScheduledTrancheAnsweredOnItsTargetNow(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	sc := w.open(lead)
	waiting := must(sc.CreatePaymentNow(w.GXA, body(milestoneAt(w.TargetA, 50)))) // 2 of 60
	due := must(sc.CreatePaymentNow(w.GXA, body(milestoneAt(w.TargetA, 3))))      // 2 of 60: 3.3%
	if waiting.Trigger.TargetValue != 60 || due.Status != domain.PaymentDue || due.Trigger.TargetValue != 60 {
		t.Fatalf("as made: %+v, %+v", waiting, due)
	}
	must(sc.UpdateTarget(w.TargetA, always, body(map[string]any{"value": 80}))) // 2 of 80: 2.5%
	v := must(sc.PaymentNow(w.GXA, waiting.ID))
	if v.Status != domain.PaymentScheduled || v.Trigger.TargetValue != 80 || v.Trigger.TargetMetric != domain.MetricPeopleIntoWork ||
		v.Trigger.TargetProjectID != w.A || metNow(v) != "false" {
		t.Errorf("scheduled, its target raised to 80: %+v, met now %s", v.Trigger, metNow(v))
	}
	if stored := must(sc.Payment(w.GXA, waiting.ID)); stored.Trigger.TargetValue != 60 {
		t.Errorf("the stored record: %+v, want the value it was made on", stored.Trigger)
	}
	d := must(sc.PaymentNow(w.GXA, due.ID))
	if d.Status != domain.PaymentDue || d.Trigger.TargetValue != 60 || metNow(d) != "false" {
		t.Errorf("due on 3%% of 60, the target raised to 80: %+v, met now %s; want the value it fell due on, not met now", d.Trigger, metNow(d))
	}
	for _, v := range mustList(sc.ListPaymentsNow(w.GXA, pageAll)) {
		want := map[string]int64{waiting.ID: 80, due.ID: 60}[v.ID]
		if v.Trigger.Kind == domain.TriggerMilestone && v.Trigger.TargetValue != want {
			t.Errorf("listed %s (%s): target value %d, want %d", v.ID, v.Status, v.Trigger.TargetValue, want)
		}
	}
}
