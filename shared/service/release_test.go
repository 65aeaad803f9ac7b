package service_test

// A payment's status says what its trigger says as soon as it holds: a
// dated payment is due when made once its date has come; a payment on a
// target falls due in the change whose counted figures take the target
// over its threshold; one on a return in the change that accepts the
// return. Each with its email recorded pending, for the notifier to send.

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

func milestoneAt(target string, threshold int64) map[string]any {
	return map[string]any{"amountPence": 1_00, "trigger": map[string]any{"kind": "milestone", "targetId": target, "threshold": threshold}}
}

func onReturn(ret string) map[string]any {
	return map[string]any{"amountPence": 2_00, "trigger": map[string]any{"kind": "return", "returnId": ret}}
}

// dueNote checks payment p is due since since with its email recorded
// pending (its recipients left for the notifier to fix as it sends it),
// and returns the email.
func (w *world) dueNote(t *testing.T, what string, p domain.Payment, since string) domain.Notification {
	t.Helper()
	if p.Status != domain.PaymentDue || p.DueSince != domain.MustDate(since) {
		t.Errorf("%s: %s since %s, want due since %s", what, p.Status, p.DueSince, since)
	}
	n, err := w.open(lead).Notification(domain.PaymentNotificationID(p.ID))
	if err != nil {
		t.Fatalf("%s: its email: %v", what, err)
	}
	if n.Kind != domain.KindPaymentDue || n.Status != domain.NotificationPending || len(n.Recipients) != 0 || n.PaymentID != p.ID ||
		n.GrantID != p.GrantID || n.AmountPence != p.AmountPence || n.On != domain.MustDate(since) {
		t.Errorf("%s: its email %+v", what, n)
	}
	return n
}

// scheduledStill checks payment id of grant is still scheduled, with no
// email.
func (w *world) scheduledStill(t *testing.T, what, grant, id string) {
	t.Helper()
	p := must(w.open(lead).Payment(grant, id))
	if p.Status != domain.PaymentScheduled {
		t.Errorf("%s: %s, want scheduled", what, p.Status)
	}
	if _, err := w.open(lead).Notification(domain.PaymentNotificationID(id)); domain.ErrorCode(err) != domain.CodeNotFound {
		t.Errorf("%s: an email is recorded (%v)", what, err)
	}
}

// TestDatedPaymentDueWhenMade: a dated payment made on or after its date
// is due from its date at once, with its email, and counts in progress'
// due money and the portfolio's payments due; one with its date to come
// is scheduled.
func TestDatedPaymentDueWhenMade(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	sc := w.open(lead)
	today := must(sc.CreatePayment(w.GXA, body(paymentBody(1_000_00, "2026-01-15"))))
	past := must(sc.CreatePayment(w.GX, body(paymentBody(2_000_00, "2025-12-01"))))
	later := must(sc.CreatePayment(w.GXA, body(paymentBody(4_000_00, "2026-01-16"))))
	w.dueNote(t, "dated today", today, "2026-01-15")
	n := w.dueNote(t, "dated last month", past, "2025-12-01")
	if n.Because != "due on 1 December 2025" || !slices0(n.FunderIDs, w.X) || n.GrantTitle == "" {
		t.Errorf("the email of one dated last month: %+v", n)
	}
	if later.Status != domain.PaymentScheduled || later.DueSince != (domain.Date{}) {
		t.Errorf("dated tomorrow: %+v", later)
	}
	if got := must(sc.Payment(w.GX, past.ID)); got.Status != domain.PaymentDue || got.Version != 1 {
		t.Errorf("as stored: %+v", got)
	}
	money := must(sc.Progress()).Money
	if money.DuePence != 3_000_00 {
		t.Errorf("progress: due %d, want £3,000 (today's and last month's)", money.DuePence)
	}
	for _, g := range money.ByGrant {
		if want := map[string]int64{w.GXA: 1_000_00, w.GX: 2_000_00}[g.GrantID]; g.DuePence != want {
			t.Errorf("grant %s: due %d, want %d", g.GrantID, g.DuePence, want)
		}
	}
	items, _ := must2(w.svc.Portfolio(w.ctx, caller(lead), service.Page{}))
	for _, it := range items {
		if it.ProgrammeID == w.P && it.PaymentsDue != 2 {
			t.Errorf("portfolio: %d payments due, want 2", it.PaymentsDue)
		}
	}
	// Its creation says so in the audit trail: made due, not scheduled.
	for _, ev := range w.auditTrail(w.P) {
		if ev.EntityID == past.ID && (ev.Action != domain.ActionCreate || ev.Changes["status"].After != string(domain.PaymentDue)) {
			t.Errorf("the audit trail: %+v", ev)
		}
	}
}

// TestMilestonePaymentDueWithApproval: approving figures that take a
// target over a payment's threshold makes the payment due in the same
// change, with its email; a payment on a threshold not reached, and one
// on a threshold a request for changes would have reached, stay
// scheduled. The payment records the target it fell due on.
func TestMilestonePaymentDueWithApproval(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.addReporting()
	sc := w.open(lead)
	// Counted now: 2 into work of a target of 60. OutcomeAPending, awaiting
	// review, corrects it to 3: 5% of 60.
	at5 := must(sc.CreatePayment(w.GXA, body(milestoneAt(w.TargetA, 5))))
	at10 := must(sc.CreatePayment(w.GXA, body(milestoneAt(w.TargetA, 10))))
	if at5.Status != domain.PaymentScheduled {
		t.Fatalf("a payment on a threshold not reached: %+v", at5)
	}
	must(w.openA(lead).ReviewOutcome(w.OutcomeAPending, body(map[string]any{"decision": "approve"})))
	got := must(sc.Payment(w.GXA, at5.ID))
	n := w.dueNote(t, "on 5%, approved", got, "2026-01-15")
	if got.Trigger.TargetMetric != domain.MetricPeopleIntoWork || got.Trigger.TargetValue != 60 || got.Version != 2 {
		t.Errorf("the payment as it fell due: %+v", got.Trigger)
	}
	if n.Because != "when 5% of Bradford IPS's target of 60 people into work is reached" || n.ProjectID != w.A {
		t.Errorf("its email: %+v", n)
	}
	w.scheduledStill(t, "on 10%", w.GXA, at10.ID)
	if m := must(sc.Progress()).Money; m.DuePence != 1_00 {
		t.Errorf("progress: due %d, want the one payment", m.DuePence)
	}
	if n := w.st.Waiting(w.P); n != 1 {
		t.Errorf("%d payments waiting, want the one on 10%%", n)
	}
	// Who made it due, and with which request: the lead's approval.
	found := false
	for _, ev := range w.auditTrail(w.P) {
		if ev.EntityID == at5.ID && ev.Action == domain.ActionChange {
			found = ev.ActorEmail == emails[lead] && ev.RequestID == "req-"+string(lead) && ev.Changes["status"].After == string(domain.PaymentDue)
		}
	}
	if !found {
		t.Error("no audit event of the lead's approval making the payment due")
	}
}

// TestMilestonePaymentDueWithSubmission: without review a submission
// counts at once, and makes due in its own change the payments whose
// threshold its figures reach.
func TestMilestonePaymentDueWithSubmission(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	sc := w.open(lead)
	at10 := must(sc.CreatePayment(w.GXA, body(milestoneAt(w.TargetA, 10)))) // 6 of 60
	at20 := must(sc.CreatePayment(w.GXA, body(milestoneAt(w.TargetA, 20))))
	must(w.openA(plOwn).SubmitOutcome(body(map[string]any{"periodStart": "2025-07-01", "periodEnd": "2025-09-30",
		"counts": map[string]int64{"peopleIntoWork": 4}})))
	w.dueNote(t, "on 10%", must(sc.Payment(w.GXA, at10.ID)), "2026-01-15")
	w.scheduledStill(t, "on 20%", w.GXA, at20.ID)
	// Figures of another metric, or of another project, make nothing due.
	must(w.openA(plOwn).SubmitOutcome(body(map[string]any{"periodStart": "2025-10-01", "periodEnd": "2025-12-31",
		"counts": map[string]int64{"referrals": 40}})))
	must(w.openB(plOther).SubmitOutcome(body(map[string]any{"periodStart": "2025-10-01", "periodEnd": "2025-12-31",
		"counts": map[string]int64{"peopleIntoWork": 40}})))
	w.scheduledStill(t, "on 20%, after other figures", w.GXA, at20.ID)
}

// TestReturnPaymentDueWithAcceptance: approving the submission that fills
// a return makes due, in the same change, the payments on that return; a
// payment on a return accepted already is due when it is made.
func TestReturnPaymentDueWithAcceptance(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.addReporting()
	sc := w.open(lead)
	q3 := domain.ReturnID(w.Schedule, w.A, domain.MustDate("2025-07-01"))
	onQ3 := must(sc.CreatePayment(w.GX, body(onReturn(q3))))
	other := must(sc.CreatePayment(w.GX, body(onReturn(domain.ReturnID(w.Schedule, w.A, domain.MustDate("2025-10-01"))))))
	sub := must(w.openA(plOwn).SubmitOutcome(body(map[string]any{"periodStart": "2025-07-01", "periodEnd": "2025-09-30",
		"counts": map[string]int64{"referrals": 4}})))
	w.scheduledStill(t, "its return submitted, awaiting review", w.GX, onQ3.ID)
	must(w.openA(lead).ReviewOutcome(sub.ID, body(map[string]any{"decision": "approve"})))
	n := w.dueNote(t, "its return accepted", must(sc.Payment(w.GX, onQ3.ID)), "2026-01-15")
	if n.Because != "when Bradford IPS's return for July to September 2025 is accepted" || n.ProjectID != w.A {
		t.Errorf("its email: %+v", n)
	}
	w.scheduledStill(t, "on another return", w.GX, other.ID)

	// ReturnA is accepted already (filled by OutcomeA before review).
	now := must(sc.CreatePayment(w.GX, body(onReturn(w.ReturnA))))
	n = w.dueNote(t, "made on a return accepted already", now, "2026-01-15")
	if !strings.Contains(n.Because, "Bradford IPS's return for April to June 2025") {
		t.Errorf("its email: %+v", n)
	}
}

// TestMilestonePaymentDueWhenMade: a payment on a threshold its target
// has reached already is due when it is made.
func TestMilestonePaymentDueWhenMade(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	sc := w.open(lead)
	reached := must(sc.CreatePayment(w.GXA, body(milestoneAt(w.TargetA, 3)))) // 2 of 60 counted: 3.3%
	n := w.dueNote(t, "on 3%", reached, "2026-01-15")
	if n.Because != "when 3% of Bradford IPS's target of 60 people into work is reached" {
		t.Errorf("its email: %+v", n)
	}
	if w.st.Waiting(w.P) != 0 {
		t.Error("a payment due when made counts as waiting")
	}
	notYet := must(sc.CreatePayment(w.GXA, body(milestoneAt(w.TargetA, 4))))
	w.scheduledStill(t, "on 4%", w.GXA, notYet.ID)
}

// TestReleasePlannedAgainWhenFiguresMove: a target changed between the
// approval's read and its write (so the figures it judged the threshold
// on are no longer so) has the approval planned again: the payment the
// stale figures would have released stays scheduled, and the approval is
// made.
func TestReleasePlannedAgainWhenFiguresMove(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.addReporting()
	sc := w.open(lead)
	at5 := must(sc.CreatePayment(w.GXA, body(milestoneAt(w.TargetA, 5))))
	var once atomic.Bool
	w.st.Before = func(op string) error {
		if op != "ReviewOutcome" || !once.CompareAndSwap(false, true) {
			return nil
		}
		// 5% of 200 is 10: the approval's 3 no longer reaches it.
		_, err := sc.UpdateTarget(w.TargetA, always, body(map[string]any{"value": 200}))
		return err
	}
	y := must(w.openA(lead).ReviewOutcome(w.OutcomeAPending, body(map[string]any{"decision": "approve"})))
	w.st.Before = nil
	if y.Status != domain.OutcomeApproved || !once.Load() {
		t.Errorf("the approval: %+v", y)
	}
	w.scheduledStill(t, "on 5% of a target raised meanwhile", w.GXA, at5.ID)
}

// TestReleaseOfAPaymentPaidMeanwhile: a payment the approval would make
// due, paid between the approval's read and its write, is left paid, and
// the approval made; the other payment it releases falls due.
func TestReleaseOfAPaymentPaidMeanwhile(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.addReporting()
	sc := w.open(lead)
	at5 := must(sc.CreatePayment(w.GXA, body(milestoneAt(w.TargetA, 5))))
	paid := must(sc.CreatePayment(w.GXA, body(milestoneAt(w.TargetA, 4))))
	var once atomic.Bool
	w.st.Before = func(op string) error {
		if op != "ReviewOutcome" || !once.CompareAndSwap(false, true) {
			return nil
		}
		_, err := sc.UpdatePayment(w.GXA, paid.ID, always, body(map[string]any{"status": "paid", "paidDate": "2026-01-14"}))
		return err
	}
	y := must(w.openA(lead).ReviewOutcome(w.OutcomeAPending, body(map[string]any{"decision": "approve"})))
	w.st.Before = nil
	if y.Status != domain.OutcomeApproved || !once.Load() {
		t.Errorf("the approval: %+v", y)
	}
	if p := must(sc.Payment(w.GXA, paid.ID)); p.Status != domain.PaymentPaid {
		t.Errorf("paid meanwhile: %+v", p)
	}
	if _, err := sc.Notification(domain.PaymentNotificationID(paid.ID)); domain.ErrorCode(err) != domain.CodeNotFound {
		t.Errorf("the payment paid meanwhile has an email recorded: %v", err)
	}
	w.dueNote(t, "on 5%", must(sc.Payment(w.GXA, at5.ID)), "2026-01-15")
}

// TestReleaseBounded: a change reads at most a bounded number of the
// payments waiting on its targets; those it does not read are left
// waiting, with the programme marked changed for the notifier.
func TestReleaseBounded(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	sc := w.open(lead)
	const n = 25
	var ids []string
	for range n {
		ids = append(ids, must(sc.CreatePayment(w.GXA, body(milestoneAt(w.TargetA, 10)))).ID)
	}
	changes, _ := w.st.Changes(w.P)
	must(w.openA(plOwn).SubmitOutcome(body(map[string]any{"periodStart": "2025-07-01", "periodEnd": "2025-09-30",
		"counts": map[string]int64{"peopleIntoWork": 4}})))
	due := 0
	for _, id := range ids {
		if must(sc.Payment(w.GXA, id)).Status == domain.PaymentDue {
			due++
		}
	}
	if due == 0 || due == n {
		t.Errorf("%d of %d payments on one target made due at once, want some, not all", due, n)
	}
	if after, dirty := w.st.Changes(w.P); !dirty || after <= changes || w.st.Waiting(w.P) != int64(n-due) {
		t.Errorf("left to the notifier: changes %d → %d, marked %v, waiting %d", changes, after, dirty, w.st.Waiting(w.P))
	}
}

func slices0(s []string, want string) bool { return len(s) == 1 && s[0] == want }

func must2[A, B any](a A, b B, err error) (A, B) {
	if err != nil {
		panic(errors.New("must2: " + err.Error()))
	}
	return a, b
}

// TestMilestonePaymentDueWithTargetChange: a target changed so that the
// figures counted already reach a payment's threshold (its value
// lowered) makes the payment due in the same change, with its email and
// its audit event by the lead who changed it; a payment on a threshold
// still not reached stays scheduled. A change that cannot reach a new
// threshold (a higher value, whom it notifies) does not look for
// payments at all.
func TestMilestonePaymentDueWithTargetChange(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	sc := w.open(lead)
	at10 := must(sc.CreatePayment(w.GXA, body(milestoneAt(w.TargetA, 10)))) // 2 of 60 counted: 3.3%
	at20 := must(sc.CreatePayment(w.GXA, body(milestoneAt(w.TargetA, 20))))
	var mu sync.Mutex
	var ops []string
	w.st.Before = func(op string) error {
		mu.Lock()
		defer mu.Unlock()
		ops = append(ops, op)
		return nil
	}
	must(sc.UpdateTarget(w.TargetA, always, body(map[string]any{"value": 70, "notify": []string{}})))
	if slices.Contains(ops, "PaymentsWaitingOn") {
		t.Errorf("a target raised looked for payments to make due: %v", ops)
	}
	w.scheduledStill(t, "on 10% of a target raised", w.GXA, at10.ID)
	w.st.Before = nil

	audit := w.auditTrail(w.P)
	tg := must(sc.UpdateTarget(w.TargetA, always, body(map[string]any{"value": 20}))) // 2 of 20: 10%
	got := must(sc.Payment(w.GXA, at10.ID))
	n := w.dueNote(t, "on 10% of a target lowered", got, "2026-01-15")
	if got.Trigger.TargetValue != 20 || got.Version != 2 {
		t.Errorf("the payment as it fell due: %+v", got)
	}
	if n.Because != "when 10% of Bradford IPS's target of 20 people into work is reached" || n.ProjectID != w.A {
		t.Errorf("its email: %+v", n)
	}
	w.scheduledStill(t, "on 20%", w.GXA, at20.ID)
	if w.st.Waiting(w.P) != 1 {
		t.Errorf("%d payments waiting, want the one on 20%%", w.st.Waiting(w.P))
	}
	events := newEvents(audit, w.auditTrail(w.P))
	var target, payment bool
	for _, ev := range events {
		switch ev.EntityID {
		case tg.ID:
			target = ev.ActorEmail == emails[lead]
		case at10.ID:
			payment = ev.ActorEmail == emails[lead] && ev.RequestID == "req-"+string(lead) &&
				ev.Action == domain.ActionChange && ev.Changes["status"].After == string(domain.PaymentDue)
		}
	}
	if !target || !payment || len(events) != 2 {
		t.Errorf("audit events of the change: %+v, want the target's and the payment's, by the lead", events)
	}
	if m := must(sc.Progress()).Money; m.DuePence != 1_00 {
		t.Errorf("progress: due %d, want the one payment", m.DuePence)
	}

	// A window that takes in more figures: the programme's target on
	// people into work for 2026 alone reaches nothing; moved back to take
	// in 2025, it reaches 2 of 10.
	whole := must(sc.CreateTarget(body(map[string]any{"metric": "peopleIntoWork", "value": 10, "deadline": "2026-12-31",
		"startDate": "2026-01-01", "notify": []string{}})))
	onWhole := must(sc.CreatePayment(w.GX, body(milestoneAt(whole.ID, 20))))
	w.scheduledStill(t, "on 20% of the programme's 2026", w.GX, onWhole.ID)
	must(sc.UpdateTarget(whole.ID, always, body(map[string]any{"startDate": "2025-04-01"})))
	n = w.dueNote(t, "on a window moved back", must(sc.Payment(w.GX, onWhole.ID)), "2026-01-15")
	if n.Because != "when 20% of the programme's target of 10 people into work is reached" {
		t.Errorf("its email: %+v", n)
	}
}

// TestTargetChangePlannedAgainWhenFiguresMove: figures corrected between
// a target change's read and its write (so the figures it judged a
// threshold reached on are no longer so) have the change planned again:
// the payment the stale figures would have released stays scheduled, and
// the target is changed.
func TestTargetChangePlannedAgainWhenFiguresMove(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	sc := w.open(lead)
	at10 := must(sc.CreatePayment(w.GXA, body(milestoneAt(w.TargetA, 10))))
	var once atomic.Bool
	w.st.Before = func(op string) error {
		if op != "UpdateTarget" || !once.CompareAndSwap(false, true) {
			return nil
		}
		// 1 of 20 is 5%: the lower value no longer reaches 10%.
		in := outcomeBody(map[string]int64{"referrals": 10, "peopleIntoWork": 1})
		in["replaces"] = w.OutcomeA
		_, err := w.openA(plOwn).SubmitOutcome(body(in))
		return err
	}
	tg := must(sc.UpdateTarget(w.TargetA, always, body(map[string]any{"value": 20}))) // 2 of 20 as first read: 10%
	w.st.Before = nil
	if !once.Load() || tg.Value != 20 || must(sc.Target(w.TargetA)).Value != 20 {
		t.Errorf("the target change: %+v", tg)
	}
	w.scheduledStill(t, "on 10% of figures corrected meanwhile", w.GXA, at10.ID)
}

// TestImportMakesPaymentsDue: an import committed without review counts
// its figures at once, and makes due, once its rows are written, the
// payments on the targets they take over their thresholds and on the
// returns they accept, as an approval would: each with its email and an
// audit event of the importer's request. A dry run makes nothing due.
func TestImportMakesPaymentsDue(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	sc := w.open(lead)
	sched := must(sc.CreateSchedule(body(map[string]any{"name": "Quarterly returns", "frequency": "quarterly",
		"firstPeriodStart": "2025-01-01", "lastPeriodEnd": "2025-12-31"}))).ID
	q3 := domain.ReturnID(sched, w.A, domain.MustDate("2025-07-01"))
	at10 := must(sc.CreatePayment(w.GXA, body(milestoneAt(w.TargetA, 10)))) // 2 of 60 counted
	at20 := must(sc.CreatePayment(w.GXA, body(milestoneAt(w.TargetA, 20))))
	onQ3 := must(sc.CreatePayment(w.GX, body(onReturn(q3))))
	onQ4 := must(sc.CreatePayment(w.GX, body(onReturn(domain.ReturnID(sched, w.A, domain.MustDate("2025-10-01"))))))
	file := csv(importHeader, "Bradford IPS,2025-07-01,2025-09-30,5,4,", "Leeds IPS,2025-07-01,2025-09-30,5,40,")

	must(sc.Import(file, true))
	w.scheduledStill(t, "on 10%, after a dry run", w.GXA, at10.ID)
	w.scheduledStill(t, "on Q3, after a dry run", w.GX, onQ3.ID)

	audit := w.auditTrail(w.P)
	must(sc.Import(file, false)) // A: 6 of 60
	w.dueNote(t, "on 10%, imported", must(sc.Payment(w.GXA, at10.ID)), "2026-01-15")
	n := w.dueNote(t, "on Q3, its return accepted by the import", must(sc.Payment(w.GX, onQ3.ID)), "2026-01-15")
	if n.Because != "when Bradford IPS's return for July to September 2025 is accepted" || n.ProjectID != w.A {
		t.Errorf("its email: %+v", n)
	}
	w.scheduledStill(t, "on 20%", w.GXA, at20.ID)
	w.scheduledStill(t, "on Q4", w.GX, onQ4.ID)
	made := 0
	for _, ev := range newEvents(audit, w.auditTrail(w.P)) {
		if ev.Entity == domain.EntityPayment {
			made++
			if ev.ActorEmail != emails[lead] || ev.RequestID != "req-"+string(lead) || ev.Changes["status"].After != string(domain.PaymentDue) {
				t.Errorf("the audit event of a payment made due: %+v", ev)
			}
		}
	}
	if made != 2 || w.st.Waiting(w.P) != 2 {
		t.Errorf("%d payments made due in the audit trail, %d waiting; want 2 and 2", made, w.st.Waiting(w.P))
	}
}

// TestImportUnderReviewMakesNothingDue: rows imported while review is on
// wait, pending, and count nothing: no payment falls due until a lead
// approves them.
func TestImportUnderReviewMakesNothingDue(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.addReporting()
	sc := w.open(lead)
	at10 := must(sc.CreatePayment(w.GXA, body(milestoneAt(w.TargetA, 10))))
	res := must(sc.Import(csv(importHeader, "Bradford IPS,2025-07-01,2025-09-30,5,4,"), false))
	w.scheduledStill(t, "on 10%, the rows awaiting review", w.GXA, at10.ID)
	must(w.openA(lead).ReviewOutcome(res.Submissions[0], body(map[string]any{"decision": "approve"})))
	w.dueNote(t, "on 10%, approved", must(sc.Payment(w.GXA, at10.ID)), "2026-01-15")
}

// TestReviewOffCountsNothingYet: turning review off counts no figure
// (submissions awaiting review stay pending), so it makes nothing due;
// the approval of one awaiting review, review off, does. Figures a lead
// records with review off count at once and make due what they reach.
func TestReviewOffCountsNothingYet(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.addReporting()
	sc := w.open(lead)
	at5 := must(sc.CreatePayment(w.GXA, body(milestoneAt(w.TargetA, 5)))) // 2 of 60 counted; 3 pending
	at10 := must(sc.CreatePayment(w.GXA, body(milestoneAt(w.TargetA, 10))))
	must(sc.UpdateProgramme(always, body(map[string]any{"reviewOutcomes": false})))
	w.scheduledStill(t, "on 5%, review turned off", w.GXA, at5.ID)
	must(w.openA(lead).ReviewOutcome(w.OutcomeAPending, body(map[string]any{"decision": "approve"})))
	w.dueNote(t, "on 5%, approved with review off", must(sc.Payment(w.GXA, at5.ID)), "2026-01-15")
	w.scheduledStill(t, "on 10%", w.GXA, at10.ID)
	must(w.openA(lead).SubmitOutcome(body(map[string]any{"periodStart": "2025-10-01", "periodEnd": "2025-12-31",
		"counts": map[string]int64{"peopleIntoWork": 3}}))) // 6 of 60
	w.dueNote(t, "on 10%, recorded by a lead with review off", must(sc.Payment(w.GXA, at10.ID)), "2026-01-15")
}

// TestImportCutOffMakesDueWhatItWrote: an import cut off half way (the
// database gives up on its second transaction) answers as ever, saying to
// send the file again, but makes due first what the rows it did write
// fire, as a finished import does: here the target payment the first
// row's figures take over its threshold and the return payment on the
// return that row accepts. What the unwritten row would fire stays
// scheduled, and sending the file again finishes it.
func TestImportCutOffMakesDueWhatItWrote(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	sc := w.open(lead)
	sched := must(sc.CreateSchedule(body(map[string]any{"name": "Quarterly returns", "frequency": "quarterly",
		"firstPeriodStart": "2025-01-01", "lastPeriodEnd": "2025-12-31"}))).ID
	at10 := must(sc.CreatePayment(w.GXA, body(milestoneAt(w.TargetA, 10)))) // 2 of 60 counted
	at20 := must(sc.CreatePayment(w.GXA, body(milestoneAt(w.TargetA, 20))))
	onQ3 := must(sc.CreatePayment(w.GX, body(onReturn(domain.ReturnID(sched, w.A, domain.MustDate("2025-07-01"))))))
	onQ4 := must(sc.CreatePayment(w.GX, body(onReturn(domain.ReturnID(sched, w.A, domain.MustDate("2025-10-01"))))))
	// Q3 takes A to 6 of 60 (10%); Q4, never written, would take it to 12.
	file := csv(importHeader, "Bradford IPS,2025-07-01,2025-09-30,5,4,", "Bradford IPS,2025-10-01,2025-12-31,5,6,")
	w.st.ImportBatch = 1
	calls := 0
	w.st.Before = func(op string) error {
		if op == "ImportOutcomes" {
			if calls++; calls == 2 {
				return fmt.Errorf("%w: throttled", service.ErrUnavailable)
			}
		}
		return nil
	}
	_, err := sc.Import(file, false)
	if de := wantCode(t, "cut off", err, domain.CodeUnavailable); !strings.Contains(de.Message, "1 of its 2") {
		t.Errorf("message %q", de.Message)
	}
	w.dueNote(t, "on 10%, by the row written", must(sc.Payment(w.GXA, at10.ID)), "2026-01-15")
	w.dueNote(t, "on Q3, its return accepted by the row written", must(sc.Payment(w.GX, onQ3.ID)), "2026-01-15")
	w.scheduledStill(t, "on 20%, the row that would reach it not written", w.GXA, at20.ID)
	w.scheduledStill(t, "on Q4, its row not written", w.GX, onQ4.ID)

	w.st.Before = nil
	must(sc.Import(file, false))
	w.dueNote(t, "on 20%, once the file is sent again", must(sc.Payment(w.GXA, at20.ID)), "2026-01-15")
	w.dueNote(t, "on Q4, once the file is sent again", must(sc.Payment(w.GX, onQ4.ID)), "2026-01-15")
}
