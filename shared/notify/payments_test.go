package notify_test

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/notify"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// moneyWorld is a world with a DWP grant of £100,000 to its project.
func (e *env) moneyWorld() (world, domain.Grant) {
	e.t.Helper()
	w := e.world()
	g := e.build().Grant(w.prog.ID, obj{"funderId": w.dwp.ID, "projectId": w.project.ID, "title": "Employment specialists",
		"amountPence": 100_000_00, "currency": "GBP", "awardDate": "2025-11-01", "startDate": "2026-01-01", "endDate": "2027-12-31"})
	return w, g
}

// payment reads a payment as a lead would.
func (e *env) payment(programmeID, grantID, id string) domain.Payment {
	e.t.Helper()
	p, err := e.svc.Open(e.t.Context(), testkit.AdminCaller(), programmeID).Payment(grantID, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

// paymentSubject is the subject of the email saying a payment of the
// moneyWorld's grant fell due: its amount and, briefly, what released it.
func paymentSubject(pounds, released string) string {
	return "Payment due: " + pounds + " for Employment specialists, " + released + " (Bradford IPS, Working for Wellness)"
}

// TestMilestonePaymentFallsDueOnce: a payment on a target falls due with
// the submission whose counted figures take the target over its
// threshold, its email recorded with it; the funder's contacts and the
// programme's leads are emailed once, whatever runs overlap; the payment
// stays due, and nobody is emailed again, when the figures fall and rise
// again.
func TestMilestonePaymentFallsDueOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w, g := e.moneyWorld()
	tg := e.projectTarget(w, 60, "2026-12-31")
	pay := e.build().Payment(w.prog.ID, g.ID, testkit.MilestonePaymentBody(25_000_00, tg.ID, 50))
	want := each(paymentSubject("£25,000.00", "at 50% of the target of 60 people into work"), append(slices.Clone(w.dwp.Contacts), w.lead)...)

	if rep := e.run(); rep.PaymentsDue != 0 || rep.Emails != 0 {
		t.Fatalf("nothing reached yet, but: %+v", rep)
	}
	if p := e.payment(w.prog.ID, g.ID, pay.ID); p.Status != domain.PaymentScheduled {
		t.Fatalf("before the threshold: %+v", p)
	}
	e.clk.Set("2026-03-02T10:30:00Z")
	first := e.submit(w.prog.ID, w.project.ID, 29, "") // 29 of 60: under half
	if p := e.payment(w.prog.ID, g.ID, pay.ID); p.Status != domain.PaymentScheduled {
		t.Fatalf("29 of 60 made a 50%% payment due: %+v", p)
	}
	if rep := e.run(); rep.PaymentsDue != 0 {
		t.Fatalf("29 of 60 made a 50%% payment due: %+v", rep)
	}
	e.clk.Set("2026-03-09T08:00:00Z")
	second := e.submit(w.prog.ID, w.project.ID, 1, "") // 30 of 60
	// Due with the submission, before any run.
	p := e.payment(w.prog.ID, g.ID, pay.ID)
	if p.Status != domain.PaymentDue || p.DueSince.String() != "2026-03-09" || p.Version != 2 {
		t.Errorf("after the threshold: %+v", p)
	}
	if note := e.notifications(w.prog.ID)[domain.PaymentNotificationID(pay.ID)]; note.Status != domain.NotificationPending {
		t.Errorf("its email, before any run: %+v", note)
	}
	// Four runs at once: the email goes once to each, and none makes the
	// payment due again.
	rep := runsAtOnce(t, 4, func() *notify.Notifier { return e.notifier() })
	e.run() // and any email a run left half sent goes now
	if rep.PaymentsDue != 0 || rep.Sent != 1 {
		t.Errorf("overlapping runs made the payment due %d times and sent its email %d times, want 0 and 1", rep.PaymentsDue, rep.Sent)
	}
	e.expectMail(want)
	for _, m := range e.mail() {
		// Like every email: from fundtrack by name, naming its period (the
		// grant's) and linking to the grant in the web app.
		if m.From != sender {
			t.Errorf("email to %s from %q", m.To(), m.From)
		}
		for _, s := range []string{"Amount: £25,000.00", "Grant: Employment specialists", "Project: Bradford IPS",
			"Due since: 9 March 2026", "when 50% of Bradford IPS's target of 60 people into work is reached",
			"Grant period: January 2026 to December 2027",
			webBase + "/app/programmes/" + w.prog.ID + "/grants/" + g.ID} {
			if !strings.Contains(m.Body.Text, s) {
				t.Errorf("email to %s lacks %q:\n%s", m.To(), s, m.Body.Text)
			}
		}
	}
	note := e.notifications(w.prog.ID)[domain.PaymentNotificationID(pay.ID)]
	if note.Kind != domain.KindPaymentDue || note.Status != domain.NotificationSent || note.PaymentID != pay.ID || note.AmountPence != 25_000_00 ||
		!slices.Equal(note.FunderIDs, []string{w.dwp.ID}) || len(note.Delivered) != 3 {
		t.Errorf("the payment's notification: %+v", note)
	}
	// Its send is in the audit trail, naming the payment and the amount.
	sentEvents, _, err := e.st.History(t.Context(), w.prog.ID, domain.Ref(domain.EntityNotification, note.ID), service.Page{})
	if err != nil {
		t.Fatal(err)
	}
	if len(sentEvents) != 1 || sentEvents[0].Action != domain.ActionSend || sentEvents[0].Changes["paymentId"].After != pay.ID ||
		pence(sentEvents[0].Changes["amountPence"].After) != 25_000_00 {
		t.Errorf("the notification's audit: %+v", sentEvents)
	}

	// The count falls below half, then rises again: the payment stays due
	// and nobody is emailed again.
	e.clk.Add(time.Hour)
	fixed := e.submit(w.prog.ID, w.project.ID, 0, second.ID) // 29 of 60
	e.run()
	if p := e.payment(w.prog.ID, g.ID, pay.ID); p.Status != domain.PaymentDue {
		t.Errorf("after the figures fell: %+v", p)
	}
	e.clk.Add(time.Hour)
	e.submit(w.prog.ID, w.project.ID, 40, first.ID) // 40 of 60
	e.submit(w.prog.ID, w.project.ID, 5, fixed.ID)
	if rep := e.run(); rep.PaymentsDue != 0 || rep.Claimed != 0 {
		t.Errorf("the figures rose again: %+v", rep)
	}
	e.expectMail(want)
	// The audit trail has the payment falling due with the submission:
	// by who sent it, in its request, at its time.
	hist, _, err := e.st.History(t.Context(), w.prog.ID, domain.Ref(domain.EntityPayment, pay.ID), service.Page{})
	if err != nil {
		t.Fatal(err)
	}
	subHist, _, err := e.st.History(t.Context(), w.prog.ID, domain.ProjectRef(domain.EntityOutcome, w.project.ID, second.ID), service.Page{})
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 2 || len(subHist) == 0 || hist[0].ActorEmail != subHist[0].ActorEmail || hist[0].RequestID != subHist[0].RequestID ||
		!hist[0].At.Equal(subHist[0].At) || hist[0].Changes["status"].After != "due" {
		t.Errorf("the payment's history: %+v (the submission's: %+v)", hist, subHist)
	}
}

// TestMilestonePaymentEmailSaysWhenNoLongerMet: a milestone tranche stays
// due when the figures that made it due are corrected down before its
// email goes (the SPEC's "crosses"; nothing is taken back), and its email
// still goes, once, to the funder's contacts and the leads; but it says,
// in one sentence, that the milestone is no longer met on the counted
// figures and the tranche stays due until paid or cancelled. The email of
// a tranche whose milestone still holds says nothing of the kind, and no
// later run sends either again.
func TestMilestonePaymentEmailSaysWhenNoLongerMet(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w, g := e.moneyWorld()
	tg := e.projectTarget(w, 60, "2026-12-31")
	half := e.build().Payment(w.prog.ID, g.ID, testkit.MilestonePaymentBody(25_000_00, tg.ID, 50))
	tenth := e.build().Payment(w.prog.ID, g.ID, testkit.MilestonePaymentBody(1_000_00, tg.ID, 10))
	e.clk.Set("2026-03-09T08:00:00Z")
	first := e.submit(w.prog.ID, w.project.ID, 30, "") // 30 of 60: both due, their emails pending
	for _, id := range []string{half.ID, tenth.ID} {
		if p := e.payment(w.prog.ID, g.ID, id); p.Status != domain.PaymentDue {
			t.Fatalf("after 30 of 60: %+v", p)
		}
	}
	e.clk.Add(time.Hour)
	e.submit(w.prog.ID, w.project.ID, 20, first.ID) // corrected to 20 of 60 before the run: a third
	rep := e.run()
	if rep.Sent != 2 || rep.PaymentsDue != 0 || rep.NotNeeded != 0 {
		t.Errorf("the run: %+v, want both emails sent and nothing else", rep)
	}
	recipients := append(slices.Clone(w.dwp.Contacts), w.lead)
	halfSubject := paymentSubject("£25,000.00", "at 50% of the target of 60 people into work")
	tenthSubject := paymentSubject("£1,000.00", "at 10% of the target of 60 people into work")
	e.expectMail(merge(each(halfSubject, recipients...), each(tenthSubject, recipients...)))
	for _, m := range e.mail() {
		says := strings.Contains(m.Body.Text, notify.NoLongerMetSentence) && strings.Contains(m.Body.HTML, "no longer met")
		if says != (m.Subject == halfSubject) {
			t.Errorf("email %q to %s says the milestone is no longer met: %v\n%s", m.Subject, m.To(), says, m.Body.Text)
		}
	}
	for _, id := range []string{half.ID, tenth.ID} {
		if p := e.payment(w.prog.ID, g.ID, id); p.Status != domain.PaymentDue {
			t.Errorf("after the correction and the run: %+v, want still due", p)
		}
		if n := e.notifications(w.prog.ID)[domain.PaymentNotificationID(id)]; n.Status != domain.NotificationSent || len(n.Delivered) != len(recipients) {
			t.Errorf("the email of %s: %+v", id, n)
		}
	}
	e.clk.Add(24 * time.Hour)
	if rep := e.run(); rep.Emails != 0 {
		t.Errorf("a later run: %+v", rep)
	}
	e.expectMail(merge(each(halfSubject, recipients...), each(tenthSubject, recipients...)))
}

// TestMilestonePaymentRecordsTheTargetItFellDueOn: a payment on a target
// falls due on the target as it is when the figures reach it, which may
// have changed since the payment was made. The email says so, and the payment
// records that target (it recorded the one it was made on before), so the
// grant page names what released it whatever becomes of the target after.
func TestMilestonePaymentRecordsTheTargetItFellDueOn(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w, g := e.moneyWorld()
	tg := e.projectTarget(w, 60, "2026-12-31")
	pay := e.build().Payment(w.prog.ID, g.ID, testkit.MilestonePaymentBody(25_000_00, tg.ID, 50))
	if pay.Trigger.TargetValue != 60 {
		t.Fatalf("the payment recorded %+v, want its target of 60", pay.Trigger)
	}
	lead := e.svc.Open(t.Context(), testkit.AdminCaller(), w.prog.ID)
	if _, err := lead.UpdateTarget(tg.ID, func(int64) bool { return true }, testkit.Body(obj{"value": 40})); err != nil {
		t.Fatal(err)
	}
	e.clk.Set("2026-03-02T10:30:00Z")
	e.submit(w.prog.ID, w.project.ID, 20, "") // 20 of 40: half
	e.run()
	p := e.payment(w.prog.ID, g.ID, pay.ID)
	if p.Status != domain.PaymentDue || p.Trigger.TargetValue != 40 || p.Trigger.TargetMetric != domain.MetricPeopleIntoWork ||
		p.Trigger.TargetProjectID != w.project.ID {
		t.Errorf("the payment that fell due on the target as changed: %+v, want it to record that target (40 people into work)", p)
	}
	var sent int
	for _, m := range e.mail() {
		if m.Subject != paymentSubject("£25,000.00", "at 50% of the target of 40 people into work") {
			continue
		}
		sent++
		if want := "when 50% of Bradford IPS's target of 40 people into work is reached"; !strings.Contains(m.Body.Text, want) {
			t.Errorf("the payment-due email to %s lacks %q:\n%s", m.To(), want, m.Body.Text)
		}
	}
	if sent == 0 {
		t.Error("no payment-due email")
	}
}

// TestDatedPaymentFallsDueOnItsDate: a dated payment made with its date
// to come falls due in the first run on or after its date (due since that
// date), once; one made after its date is due when made (since its date),
// its email sent by the next run, once; one paid or cancelled before its
// date never falls due.
func TestDatedPaymentFallsDueOnItsDate(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w, g := e.moneyWorld()
	b := e.build()
	march := b.Payment(w.prog.ID, g.ID, testkit.DatedPaymentBody(30_000_00, "2026-03-01"))
	past := b.Payment(w.prog.ID, g.ID, testkit.DatedPaymentBody(10_000_00, "2025-12-31")) // already past on 5 January
	if past.Status != domain.PaymentDue || past.DueSince.String() != "2025-12-31" {
		t.Errorf("a payment made past its date: %+v", past)
	}
	early := b.Payment(w.prog.ID, g.ID, testkit.DatedPaymentBody(5_000_00, "2026-02-01"))
	b.PayNow(w.prog.ID, g.ID, early.ID, "2026-01-05")
	gone := b.Payment(w.prog.ID, g.ID, testkit.DatedPaymentBody(1_00, "2026-02-15"))
	if _, err := e.svc.Open(t.Context(), testkit.AdminCaller(), w.prog.ID).UpdatePayment(g.ID, gone.ID, func(int64) bool { return true },
		testkit.Body(obj{"status": "cancelled"})); err != nil {
		t.Fatal(err)
	}

	rep := e.run() // 2026-01-05
	if rep.PaymentsDue != 0 || rep.Sent != 1 {
		t.Errorf("first run: %+v, want the email of the payment made past its date, and nothing more made due", rep)
	}
	if p := e.payment(w.prog.ID, g.ID, past.ID); p.Status != domain.PaymentDue || p.DueSince.String() != "2025-12-31" {
		t.Errorf("a payment past its date: %+v", p)
	}
	e.clk.Set("2026-02-28T23:59:00Z")
	if rep := e.run(); rep.PaymentsDue != 0 {
		t.Errorf("the day before: %+v", rep)
	}
	e.clk.Set("2026-03-01T00:01:00Z")
	if rep := e.run(); rep.PaymentsDue != 1 {
		t.Errorf("on the day: %+v", rep)
	}
	e.clk.Add(24 * time.Hour)
	if rep := e.run(); rep.PaymentsDue != 0 || rep.Emails != 0 {
		t.Errorf("the day after: %+v", rep)
	}
	if p := e.payment(w.prog.ID, g.ID, march.ID); p.Status != domain.PaymentDue || p.DueSince.String() != "2026-03-01" {
		t.Errorf("the March payment: %+v", p)
	}
	recipients := append(slices.Clone(w.dwp.Contacts), w.lead)
	e.expectMail(merge(each(paymentSubject("£30,000.00", "on 1 March 2026"), recipients...),
		each(paymentSubject("£10,000.00", "on 31 December 2025"), recipients...)))
	for _, id := range []string{early.ID, gone.ID} {
		if _, ok := e.notifications(w.prog.ID)[domain.PaymentNotificationID(id)]; ok {
			t.Errorf("payment %s, paid or cancelled before its date, was emailed", id)
		}
	}
	// Progress: £40,000 due, £5,000 paid.
	m := must(e.svc.Open(t.Context(), testkit.AdminCaller(), w.prog.ID).Progress()).Money
	if m.DuePence != 40_000_00 || m.PaidPence != 5_000_00 {
		t.Errorf("money: %+v", m)
	}
}

// TestPaymentEmailRetried: a payment's email that fails for a passing
// reason is retried on the next run, to whoever did not get it (here a
// payment due when made: its email recorded by the API, with no
// recipients until the run fixes them).
func TestPaymentEmailRetried(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w, g := e.moneyWorld()
	e.build().Payment(w.prog.ID, g.ID, testkit.DatedPaymentBody(7_500_00, "2026-01-01"))
	e.ses.setFail(func(to string, _ int) error {
		if to == w.lead {
			return throttled()
		}
		return nil
	})
	if rep := e.run(); rep.PaymentsDue != 0 || rep.Retrying != 1 {
		t.Errorf("first run: %+v", rep)
	}
	e.ses.setFail(nil)
	e.clk.Add(time.Minute)
	if rep := e.run(); rep.PaymentsDue != 0 || rep.Sent != 1 {
		t.Errorf("second run: %+v", rep)
	}
	e.expectMail(each(paymentSubject("£7,500.00", "on 1 January 2026"), append(slices.Clone(w.dwp.Contacts), w.lead)...))
	if calls := e.ses.calls(); calls[w.lead] != 2 || calls[w.dwp.Contacts[0]] != 1 {
		t.Errorf("send calls: %v", calls)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestPaymentsOnApprovedFigures: with review on, a submission that would
// cross a milestone payment's threshold and fill a return a payment waits
// on makes neither due while it awaits review; the lead's approval counts
// its figures and accepts the return, and makes both due with it; the
// next run emails the funder's contacts and the lead once each.
func TestPaymentsOnApprovedFigures(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w, g := e.moneyWorld()
	tg := e.projectTarget(w, 60, "2026-12-31")
	admin := e.svc.Open(t.Context(), testkit.AdminCaller(), w.prog.ID)
	sched := must(admin.CreateSchedule(testkit.Body(obj{"name": "Quarterly returns", "frequency": "quarterly",
		"firstPeriodStart": "2026-01-01", "lastPeriodEnd": "2026-12-31"})))
	must(admin.UpdateProgramme(func(int64) bool { return true }, testkit.Body(obj{"reviewOutcomes": true})))
	q1 := domain.ReturnID(sched.ID, w.project.ID, domain.MustDate("2026-01-01"))
	b := e.build()
	onReturn := b.Payment(w.prog.ID, g.ID, obj{"amountPence": 20_000_00, "trigger": obj{"kind": "return", "returnId": q1}})
	onTarget := b.Payment(w.prog.ID, g.ID, testkit.MilestonePaymentBody(30_000_00, tg.ID, 50))
	if rep := e.run(); rep.PaymentsDue != 0 {
		t.Fatalf("before anything was sent: %+v", rep)
	}

	e.clk.Set("2026-04-03T09:00:00Z")
	sub := b.Outcome(w.prog.ID, w.project.ID, obj{"periodStart": "2026-01-01", "periodEnd": "2026-03-31",
		"counts": obj{"peopleIntoWork": 40, "referrals": 150}})
	if sub.Status != domain.OutcomePending {
		t.Fatalf("the submission is %s, want pending", sub.Status)
	}
	if rep := e.run(); rep.PaymentsDue != 0 {
		t.Errorf("a submission awaiting review made payments due: %+v", rep)
	}
	for _, id := range []string{onReturn.ID, onTarget.ID} {
		if p := e.payment(w.prog.ID, g.ID, id); p.Status != domain.PaymentScheduled {
			t.Errorf("payment %s before approval: %s", id, p.Status)
		}
	}

	e.clk.Set("2026-04-07T09:00:00Z")
	if _, err := e.svc.OpenProject(t.Context(), testkit.Caller(w.lead), w.prog.ID, w.project.ID).ReviewOutcome(sub.ID,
		testkit.Body(obj{"decision": "approve"})); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{onReturn.ID, onTarget.ID} {
		if p := e.payment(w.prog.ID, g.ID, id); p.Status != domain.PaymentDue || p.DueSince.String() != "2026-04-07" {
			t.Errorf("payment %s after approval: %+v", id, p)
		}
	}
	if m := must(admin.Progress()).Money; m.DuePence != 50_000_00 {
		t.Errorf("progress after approval, before any run: due %d, want both payments", m.DuePence)
	}
	if rep := e.run(); rep.PaymentsDue != 0 {
		t.Errorf("after approval: %+v, want no payment left for the run to make due", rep)
	}
	e.run()
	recipients := append(slices.Clone(w.dwp.Contacts), w.lead)
	want := merge(each(paymentSubject("£20,000.00", "on the return for January to March 2026"), recipients...),
		each(paymentSubject("£30,000.00", "at 50% of the target of 60 people into work"), recipients...))
	got := e.inbox.Count(t)
	for k, n := range want {
		if got[k] != n {
			t.Errorf("%d emails to %s: %q, want %d", got[k], k[0], k[1], n)
		}
	}
	if n := e.notifications(w.prog.ID)[domain.PaymentNotificationID(onReturn.ID)]; n.Because != "when Bradford IPS's return for January to March 2026 is accepted" {
		t.Errorf("the return payment's email says it fell due %q", n.Because)
	}
}

// TestPaymentsOfOneAmountReadApart: three payments of one grant, of the
// same amount, falling due at once (on a date, a target and a return)
// are emailed with three subjects, each saying briefly what released it:
// with the same subject, mail clients threaded them as one email sent
// three times.
func TestPaymentsOfOneAmountReadApart(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w, g := e.moneyWorld()
	tg := e.projectTarget(w, 60, "2026-12-31")
	admin := e.svc.Open(t.Context(), testkit.AdminCaller(), w.prog.ID)
	sched := must(admin.CreateSchedule(testkit.Body(obj{"name": "Quarterly returns", "frequency": "quarterly",
		"firstPeriodStart": "2026-01-01", "lastPeriodEnd": "2026-12-31"})))
	b := e.build()
	b.Payment(w.prog.ID, g.ID, obj{"amountPence": 20_000_00, "trigger": obj{"kind": "return",
		"returnId": domain.ReturnID(sched.ID, w.project.ID, domain.MustDate("2026-01-01"))}})
	b.Payment(w.prog.ID, g.ID, testkit.MilestonePaymentBody(20_000_00, tg.ID, 50))
	b.Payment(w.prog.ID, g.ID, testkit.DatedPaymentBody(20_000_00, "2026-04-01"))

	e.clk.Set("2026-04-03T09:00:00Z")
	b.Outcome(w.prog.ID, w.project.ID, obj{"periodStart": "2026-01-01", "periodEnd": "2026-03-31",
		"counts": obj{"peopleIntoWork": 30, "referrals": 120}})
	// The target's and the return's fell due with the submission; the
	// dated one, made before its date, falls due in the run.
	if rep := e.run(); rep.PaymentsDue != 1 {
		t.Fatalf("one run: %+v, want the dated payment due", rep)
	}
	e.run()
	recipients := append(slices.Clone(w.dwp.Contacts), w.lead)
	want := merge(each(paymentSubject("£20,000.00", "on 1 April 2026"), recipients...),
		each(paymentSubject("£20,000.00", "at 50% of the target of 60 people into work"), recipients...),
		each(paymentSubject("£20,000.00", "on the return for January to March 2026"), recipients...))
	got := e.inbox.Count(t)
	for k, n := range want {
		if got[k] != n {
			t.Errorf("%d emails to %s: %q, want %d", got[k], k[0], k[1], n)
		}
	}
	for k, n := range got {
		if _, ok := want[k]; !ok && strings.HasPrefix(k[1], "Payment") {
			t.Errorf("unexpected: %d emails to %s: %q", n, k[0], k[1])
		}
	}
}

// TestPaymentEmailNamesTheProject: a payment of a grant to the whole
// programme, released by one project's return or target, says which
// project's: with many projects each sending a return for the same
// month, the funder could not otherwise tell which released the money.
// Its subject and Project row name that project too, as a project
// grant's name the grant's project. A programme-wide target is the
// programme's: its subject names the programme alone.
func TestPaymentEmailNamesTheProject(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w := e.world()
	leeds := e.project(w.prog.ID, "Leeds internships")
	b := e.build()
	g := b.Grant(w.prog.ID, obj{"funderId": w.dwp.ID, "title": "Programme grant", "amountPence": 100_000_00, "currency": "GBP",
		"awardDate": "2026-01-01", "startDate": "2026-01-01", "endDate": "2027-12-31"})
	admin := e.svc.Open(t.Context(), testkit.AdminCaller(), w.prog.ID)
	sched := must(admin.CreateSchedule(testkit.Body(obj{"name": "Monthly returns", "frequency": "monthly",
		"firstPeriodStart": "2026-01-01", "lastPeriodEnd": "2026-12-31"})))
	onReturn := b.Payment(w.prog.ID, g.ID, obj{"amountPence": 1_234_56, "trigger": obj{"kind": "return",
		"returnId": domain.ReturnID(sched.ID, w.project.ID, domain.MustDate("2026-01-01"))}})
	onTarget := b.Payment(w.prog.ID, g.ID, testkit.MilestonePaymentBody(2_000_00, e.projectTarget(w, 20, "2026-12-31").ID, 100))
	wide := e.target(w.prog.ID, obj{"metric": "referrals", "value": 10, "deadline": "2026-12-31", "notify": []string{w.dwp.ID}})
	onWide := b.Payment(w.prog.ID, g.ID, testkit.MilestonePaymentBody(3_000_00, wide.ID, 50))

	e.clk.Set("2026-02-03T09:00:00Z")
	b.Outcome(w.prog.ID, w.project.ID, obj{"periodStart": "2026-01-01", "periodEnd": "2026-01-31",
		"counts": obj{"peopleIntoWork": 20, "referrals": 3}})
	b.Outcome(w.prog.ID, leeds.ID, obj{"periodStart": "2026-01-01", "periodEnd": "2026-01-31", "counts": obj{"referrals": 2}})
	// Each fell due with the submission that released it.
	for _, id := range []string{onReturn.ID, onTarget.ID, onWide.ID} {
		if p := e.payment(w.prog.ID, g.ID, id); p.Status != domain.PaymentDue || p.DueSince.String() != "2026-02-03" {
			t.Errorf("payment %s after the returns: %+v", id, p)
		}
	}
	if rep := e.run(); rep.PaymentsDue != 0 {
		t.Fatalf("after the returns: %+v, want nothing left for the run to make due", rep)
	}
	e.run()
	want := map[string]string{
		"£1,234.56": "when Bradford IPS's return for January 2026 is accepted",
		"£2,000.00": "when 100% of Bradford IPS's target of 20 people into work is reached",
		"£3,000.00": "when 50% of the programme's target of 10 referrals is reached",
	}
	notes := e.notifications(w.prog.ID)
	for id, amount := range map[string]string{onReturn.ID: "£1,234.56", onTarget.ID: "£2,000.00", onWide.ID: "£3,000.00"} {
		if got := notes[domain.PaymentNotificationID(id)].Because; got != want[amount] {
			t.Errorf("the %s payment fell due %q, want %q", amount, got, want[amount])
		}
	}
	subjects := map[string]string{
		"£1,234.56": "Payment due: £1,234.56 for Programme grant, on the return for January 2026 (Bradford IPS, Working for Wellness)",
		"£2,000.00": "Payment due: £2,000.00 for Programme grant, at 100% of the target of 20 people into work (Bradford IPS, Working for Wellness)",
		"£3,000.00": "Payment due: £3,000.00 for Programme grant, at 50% of the programme's target of 10 referrals (Working for Wellness)",
	}
	seen := map[string]bool{}
	for _, m := range e.mail() {
		for amount, because := range want {
			sentence := "A payment of " + amount + " of the grant \"Programme grant\" fell due on 3 February 2026: " + because + "."
			if strings.Contains(m.Body.Text, "Amount: "+amount) {
				seen[amount] = true
				if !strings.Contains(m.Body.Text, sentence) || !strings.Contains(m.Body.Text, "Due: "+because) {
					t.Errorf("email to %s lacks %q:\n%s", m.To(), sentence, m.Body.Text)
				}
				if m.Subject != subjects[amount] || strings.Contains(m.Body.Text, "Project: Bradford IPS") != (amount != "£3,000.00") {
					t.Errorf("email to %s for %s: subject %q, want %q\n%s", m.To(), amount, m.Subject, subjects[amount], m.Body.Text)
				}
			}
		}
	}
	if len(seen) != len(want) {
		t.Errorf("emails for %v, want all of %v", seen, want)
	}
}

// pence is an amount read back from the audit trail, where numbers come
// back as JSON numbers (float64) from the table, or as stored in memory.
func pence(v any) int64 {
	switch n := v.(type) {
	case int64:
		return n
	case float64:
		return int64(n)
	}
	return -1
}

// TestRunDatesWritesWhenMade: a run's writes are dated by the clock as
// each is made, not by the run's start. A payment created while a run is
// under way, already past its date, is due when made, its email recorded
// then; the run sends it, dated after the payment's creation, never
// before it existed (a run may last minutes). A dated payment the run
// itself makes due is dated when the run makes it, not when it began.
func TestRunDatesWritesWhenMade(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w, g := e.moneyWorld()
	dated := e.build().Payment(w.prog.ID, g.ID, testkit.DatedPaymentBody(1_000_00, "2026-01-06"))
	e.clk.Set("2026-01-06T09:00:00Z")
	n := e.notifier()
	var pay domain.Payment
	var once sync.Once
	n.Now = func() time.Time {
		now := e.clk.Now()
		// The run's first look at the clock is its start: a lead creates
		// the payment a second later, and the run goes on.
		once.Do(func() {
			e.clk.Add(time.Second)
			pay = e.build().Payment(w.prog.ID, g.ID, testkit.DatedPaymentBody(2_500_00, "2026-01-01"))
			e.clk.Add(time.Second)
		})
		return now
	}
	start := e.clk.Now()
	rep, err := runSafely(t.Context(), n)
	if err != nil || rep.PaymentsDue != 1 || rep.Sent != 2 {
		t.Fatalf("run: %+v, %v: want the dated payment made due, and both emails sent", rep, err)
	}
	p := e.payment(w.prog.ID, g.ID, pay.ID)
	if p.Status != domain.PaymentDue || !p.CreatedAt.After(start) || !p.UpdatedAt.Equal(p.CreatedAt) {
		t.Errorf("payment created at %v (run started %v): status %s, updated at %v", p.CreatedAt, start, p.Status, p.UpdatedAt)
	}
	note := e.notifications(w.prog.ID)[domain.PaymentNotificationID(p.ID)]
	if note.CreatedAt.Before(p.CreatedAt) || note.SentAt == nil || note.SentAt.Before(p.CreatedAt) {
		t.Errorf("payment created at %v: its email created at %v, sent at %v", p.CreatedAt, note.CreatedAt, note.SentAt)
	}
	hist, _, err := e.st.History(t.Context(), w.prog.ID, domain.Ref(domain.EntityPayment, p.ID), service.Page{})
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 1 || hist[0].Action != domain.ActionCreate || hist[0].Changes["status"].After != "due" {
		t.Errorf("the payment's history, newest first: %+v", hist)
	}
	// The one the run made due: dated when it was made, to the
	// millisecond as the API writes, after the run began.
	d := e.payment(w.prog.ID, g.ID, dated.ID)
	if d.Status != domain.PaymentDue || !d.UpdatedAt.After(start) || !d.UpdatedAt.Equal(d.UpdatedAt.Truncate(time.Millisecond)) {
		t.Errorf("the payment the run made due: %+v (run started %v)", d, start)
	}
	hist, _, err = e.st.History(t.Context(), w.prog.ID, domain.Ref(domain.EntityPayment, d.ID), service.Page{})
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 2 || hist[0].ActorEmail != "notifier@fundtrack" || !hist[0].At.After(start) {
		t.Errorf("the dated payment's history, newest first: %+v", hist)
	}
}

// TestPaymentDueWhenMadeEmailedOnce: a payment due when it is made (its
// date passed) has its email recorded by the API with it; four runs at
// once send it once to each of the funder's contacts and the programme's
// leads (fixing its recipients then), later runs never again, and none of
// them makes the payment due a second time.
func TestPaymentDueWhenMadeEmailedOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w, g := e.moneyWorld()
	pay := e.build().Payment(w.prog.ID, g.ID, testkit.DatedPaymentBody(12_000_00, "2025-12-01"))
	if pay.Status != domain.PaymentDue || pay.DueSince.String() != "2025-12-01" {
		t.Fatalf("made past its date: %+v", pay)
	}
	if note := e.notifications(w.prog.ID)[domain.PaymentNotificationID(pay.ID)]; note.Status != domain.NotificationPending || len(note.Recipients) != 0 {
		t.Fatalf("its email before any run: %+v", note)
	}
	total := runsAtOnce(t, 4, func() *notify.Notifier { return e.notifier() })
	e.clk.Add(10 * time.Minute) // past any lease a run left
	e.run()
	e.clk.Add(24 * time.Hour)
	if rep := e.run(); rep.Emails != 0 || rep.PaymentsDue != 0 {
		t.Errorf("a later run: %+v", rep)
	}
	if total.PaymentsDue != 0 || total.Sent != 1 {
		t.Errorf("the overlapping runs: %+v, want the email sent once and nothing made due", total)
	}
	recipients := append(slices.Clone(w.dwp.Contacts), w.lead)
	e.expectMail(each(paymentSubject("£12,000.00", "on 1 December 2025"), recipients...))
	note := e.notifications(w.prog.ID)[domain.PaymentNotificationID(pay.ID)]
	if note.Status != domain.NotificationSent || len(note.Delivered) != len(recipients) ||
		!slices.Equal(note.FunderContacts[w.dwp.ID], w.dwp.Contacts) {
		t.Errorf("its notification once sent: %+v", note)
	}
}

// TestPaymentEmailWithdrawnOncePaidOrCancelled: a payment's email that
// has not gone when a lead records the payment paid, or cancels it, is
// never sent (it would tell the funder "leads record it once it is paid"
// of a payment paid already): the lead's change withdraws it in its own
// transaction, deleted with an audit event (the lead's) saying why, so the
// notifications list stops showing it at once and reading it by id is
// 404, as an awaiting-review email reviewed first. A run then has nothing
// to do with it. A payment still due is emailed (one GetItem of its
// status first), and one paid after its email went leaves that email
// listed sent, and emails nobody again.
func TestPaymentEmailWithdrawnOncePaidOrCancelled(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w, g := e.moneyWorld()
	b := e.build()
	// Three payments past their date: each due when made, its email
	// recorded with it, pending.
	paid := b.Payment(w.prog.ID, g.ID, testkit.DatedPaymentBody(1_000_00, "2026-01-02"))
	cancelled := b.Payment(w.prog.ID, g.ID, testkit.DatedPaymentBody(2_000_00, "2026-01-03"))
	stillDue := b.Payment(w.prog.ID, g.ID, testkit.DatedPaymentBody(3_000_00, "2026-01-04"))
	for _, p := range []domain.Payment{paid, cancelled, stillDue} {
		if note, ok := e.notifications(w.prog.ID)[domain.PaymentNotificationID(p.ID)]; p.Status != domain.PaymentDue || !ok || note.Status != domain.NotificationPending {
			t.Fatalf("payment %+v, its email %v %+v: want due, its email pending", p, ok, note)
		}
	}
	e.clk.Add(time.Minute) // a lead marks one paid, and cancels one, a minute later
	b.PayNow(w.prog.ID, g.ID, paid.ID, "2026-01-05")
	if _, err := e.svc.Open(t.Context(), testkit.AdminCaller(), w.prog.ID).UpdatePayment(g.ID, cancelled.ID, func(int64) bool { return true },
		testkit.Body(obj{"status": "cancelled"})); err != nil {
		t.Fatal(err)
	}

	// Withdrawn at once, before any run.
	notes := e.notifications(w.prog.ID)
	for p, reason := range map[string]domain.NotNeededReason{paid.ID: domain.NotNeededPaid, cancelled.ID: domain.NotNeededCancelled} {
		id := domain.PaymentNotificationID(p)
		if n, ok := notes[id]; ok {
			t.Errorf("the email of payment %s, %s before it went, is listed: %+v", p, reason, n)
		}
		if _, err := e.svc.Open(t.Context(), testkit.Caller(w.lead), w.prog.ID).Notification(id); domain.ErrorCode(err) != domain.CodeNotFound {
			t.Errorf("the email of payment %s, %s before it went, read by id: %v", p, reason, err)
		}
		hist, _, err := e.st.History(t.Context(), w.prog.ID, domain.Ref(domain.EntityNotification, id), service.Page{})
		if err != nil {
			t.Fatal(err)
		}
		if len(hist) != 1 || hist[0].Action != domain.ActionDelete || hist[0].ActorEmail != testkit.AdminCaller().Email ||
			fmt.Sprint(hist[0].Changes["notNeeded"].Before) != string(reason) {
			t.Errorf("the email of payment %s: history %+v, want its deletion by the lead's change, not needed %q", p, hist, reason)
		}
	}

	e.clk.Add(time.Minute)
	var rep notify.Report
	used := e.count.Measure(func() { rep = e.run() })
	recipients := append(slices.Clone(w.dwp.Contacts), w.lead)
	if rep.NotNeeded != 0 || rep.Sent != 1 || rep.Emails != len(recipients) || rep.PaymentsDue != 0 {
		t.Errorf("the run: %+v, want one sent and nothing else", rep)
	}
	// The payment-due email still pending costs two GetItems (of its
	// payment's status, and of its grant's funder now), and the
	// programme's read once.
	if used.Ops["GetItem"] != 2+1 {
		t.Errorf("run read %d items one by one, want 3: %v", used.Ops["GetItem"], used.Ops)
	}
	e.clk.Add(24 * time.Hour)
	if rep := e.run(); rep.Emails != 0 || rep.NotNeeded != 0 {
		t.Errorf("a later run: %+v", rep)
	}
	e.expectMail(each(paymentSubject("£3,000.00", "on 4 January 2026"), recipients...))

	notes = e.notifications(w.prog.ID)
	if n := notes[domain.PaymentNotificationID(stillDue.ID)]; n.Status != domain.NotificationSent || n.NotNeeded != "" || len(n.Delivered) != len(recipients) {
		t.Errorf("the email of the payment still due: %+v", n)
	}

	// Paid once its email went: it stays listed sent, and nobody is
	// emailed again.
	b.PayNow(w.prog.ID, g.ID, stillDue.ID, "2026-01-06")
	e.clk.Add(time.Hour)
	if rep := e.run(); rep.Emails != 0 || rep.NotNeeded != 0 {
		t.Errorf("the run after the sent one was paid: %+v", rep)
	}
	if n := e.notifications(w.prog.ID)[domain.PaymentNotificationID(stillDue.ID)]; n.Status != domain.NotificationSent || n.NotNeeded != "" || n.SentAt == nil {
		t.Errorf("the email sent before its payment was paid: %+v", n)
	}
	e.expectMail(each(paymentSubject("£3,000.00", "on 4 January 2026"), recipients...))
}

// TestPaymentEmailSomeHadSettledWhenPaid: a payment-due email some had
// when a passing failure stopped it (a retry waits), whose payment a lead
// then records paid, is settled by that change at once: no longer
// pending, sent to those who have it (or failed, saying why, when nobody
// has it), notNeeded paid, the lead's change in its history; no run
// emails anyone about it after, nor has anything left to settle.
func TestPaymentEmailSomeHadSettledWhenPaid(t *testing.T) {
	t.Parallel()
	for _, someHaveIt := range []bool{true, false} {
		t.Run(map[bool]string{true: "delivered to some", false: "refused by some, delivered to none"}[someHaveIt], func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			w, g := e.moneyWorld()
			b := e.build()
			p := b.Payment(w.prog.ID, g.ID, testkit.DatedPaymentBody(7_500_00, "2026-01-01")) // due when made
			e.ses.setFail(func(to string, _ int) error {
				switch {
				case to == w.lead:
					return throttled()
				case !someHaveIt:
					return rejected()
				}
				return nil
			})
			if rep := e.run(); rep.Retrying != 1 {
				t.Fatalf("first run: %+v", rep)
			}
			e.ses.setFail(nil)
			id := domain.PaymentNotificationID(p.ID)
			if n := e.notifications(w.prog.ID)[id]; n.Status != domain.NotificationPending {
				t.Fatalf("after a passing failure: %+v", n)
			}
			e.clk.Add(time.Minute)
			b.PayNow(w.prog.ID, g.ID, p.ID, "2026-01-05")

			n := e.notifications(w.prog.ID)[id]
			want := domain.NotificationSent
			if !someHaveIt {
				want = domain.NotificationFailed
			}
			if n.Status != want || n.NotNeeded != domain.NotNeededPaid || (n.SentAt != nil) != someHaveIt ||
				!someHaveIt && !strings.Contains(n.LastError, "no longer needed: a lead recorded the payment paid") {
				t.Errorf("the email once its payment was paid: %+v, want %s, not needed paid", n, want)
			}
			hist, _, err := e.st.History(t.Context(), w.prog.ID, domain.Ref(domain.EntityNotification, id), service.Page{})
			if err != nil {
				t.Fatal(err)
			}
			if len(hist) == 0 || hist[0].Action != domain.ActionSend || hist[0].ActorEmail != testkit.AdminCaller().Email {
				t.Errorf("history %+v, want it settled by the lead's change", hist)
			}
			pending, _, err := e.st.PendingNotifications(t.Context(), service.ShardOf(w.prog.ID), service.Page{Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			if slices.ContainsFunc(pending, func(x domain.Notification) bool { return x.ID == id }) {
				t.Error("still in the pending index")
			}
			e.clk.Add(time.Hour)
			if rep := e.run(); rep.Emails != 0 || rep.NotNeeded != 0 || rep.Sent != 0 {
				t.Errorf("the run after: %+v, want nothing to do", rep)
			}
			if someHaveIt {
				// Recipients go in order: the first contact had it, the lead's
				// send failed, and nobody after was tried.
				if !slices.Equal(n.Delivered, []string{w.dwp.Contacts[0]}) {
					t.Errorf("delivered to %v, want the first contact", n.Delivered)
				}
				e.expectMail(each(paymentSubject("£7,500.00", "on 1 January 2026"), w.dwp.Contacts[0]))
			} else {
				e.expectMail(nil)
			}
		})
	}
}
