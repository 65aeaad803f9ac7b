package service_test

// A payment's status says what its trigger says as soon as it holds: a
// dated payment is due when made once its date has come; a payment on a
// target falls due in the change whose counted figures take the target
// over its threshold; one on a return in the change that accepts the
// return. Each with its email recorded pending, for the notifier to send.

import (
	"errors"
	"strings"
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
