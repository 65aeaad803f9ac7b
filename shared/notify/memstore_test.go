package notify_test

// The notifier's rules over the in-memory fake (shared/service/memstore),
// which shared/store's contract tests hold to the DynamoDB store's
// answers: no DynamoDB Local, no SES emulator, so each runs in
// milliseconds. The tests beside this file check the same rules end to end
// on the real store and the emulator.

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/email"
	"github.com/fundtrack/fundtrack/shared/notify"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/service/memstore"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// memMail is an email.Sender that keeps what it is given; fail, when set,
// may answer a send with an error instead (call counts from 0 over all
// sends), and the email is then not kept.
type memMail struct {
	mu    sync.Mutex
	sent  []email.Message
	sends map[string]int // every send asked for, by recipient, failed ones included
	fail  func(to string, call int) error
	call  int
}

func (m *memMail) Send(_ context.Context, msg email.Message) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.sends == nil {
		m.sends = map[string]int{}
	}
	m.sends[msg.To]++
	call := m.call
	m.call++
	if m.fail != nil {
		if err := m.fail(msg.To, call); err != nil {
			return err
		}
	}
	m.sent = append(m.sent, msg)
	return nil
}

// to is every email delivered to each recipient.
func (m *memMail) to() map[string][]email.Message {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := map[string][]email.Message{}
	for _, msg := range m.sent {
		out[msg.To] = append(out[msg.To], msg)
	}
	return out
}

func (m *memMail) asked() map[string]int {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := map[string]int{}
	for k, v := range m.sends {
		out[k] = v
	}
	return out
}

// memEnv is a world over memstore: the service writes records through it
// on a fake clock, and notifiers run over it.
type memEnv struct {
	t    *testing.T
	st   *memstore.Store
	svc  *service.Service
	clk  *testkit.Clock
	mail *memMail
	log  *slog.Logger // the notifiers' log, in the test's output (testLogger)
}

func newMemEnv(t *testing.T) *memEnv {
	st := memstore.New()
	clk := testkit.NewClock("2026-01-05T09:00:00Z")
	return &memEnv{t: t, st: st, svc: service.New(st, clk.Now), clk: clk, mail: &memMail{}, log: testLogger(t)}
}

// notifier runs over storage (the fake, or a wrapper of it); its lease is
// a minute so tests can step past it with the clock.
func (e *memEnv) notifier(storage notify.Storage) *notify.Notifier {
	return &notify.Notifier{Store: storage, Email: e.mail, Now: e.clk.Now, Links: notify.Links{Base: webBase},
		Logger: e.log, Lease: time.Minute}
}

func (e *memEnv) run() notify.Report {
	e.t.Helper()
	rep, err := runSafely(e.t.Context(), e.notifier(e.st))
	if err != nil {
		e.t.Fatalf("notifier run: %v (report %+v)", err, rep)
	}
	return rep
}

// memWorld is a programme with a project, two funders of two contacts
// each, a lead, and a target of 60 people into work telling both funders
// at thresholds (100% alone when none are given).
type memWorld struct {
	prog     domain.Programme
	project  domain.Project
	contacts []string // sorted
	target   domain.Target
}

func (e *memEnv) world(thresholds ...int64) memWorld {
	b := testkit.NewBuilder(e.t, e.svc)
	var w memWorld
	w.prog = b.Programme(obj{"name": "Working for Wellness", "leadOrganisation": "Bradford District Care NHS Foundation Trust",
		"startDate": "2026-01-01", "endDate": "2027-12-31"})
	w.project = b.Project(w.prog.ID, obj{"name": "Bradford IPS", "leadOrganisation": "Aspiro", "startDate": "2026-01-01", "endDate": "2027-12-31"})
	dwp := b.Funder(w.prog.ID, obj{"name": "Department for Work and Pensions", "contacts": []string{"grants@dwp.example.gov.uk", "officer@dwp.example.gov.uk"}})
	doh := b.Funder(w.prog.ID, obj{"name": "Department of Health", "contacts": []string{"commissioning@dh.example.gov.uk", "finance@dh.example.gov.uk"}})
	w.contacts = slices.Sorted(slices.Values(slices.Concat(dwp.Contacts, doh.Contacts)))
	b.Member(w.prog.ID, "network.lead@lpt.example.nhs.uk", testkit.RoleLead())
	in := obj{"metric": "peopleIntoWork", "value": 60, "deadline": "2026-12-31", "projectId": w.project.ID, "notify": []string{dwp.ID, doh.ID}}
	if thresholds != nil {
		in["thresholds"] = thresholds
	}
	w.target = b.Target(w.prog.ID, in)
	return w
}

// reach records n people into work for the world's project, on 2 March.
func (e *memEnv) reach(w memWorld, n int64) {
	e.clk.Set("2026-03-02T10:30:00Z")
	testkit.NewBuilder(e.t, e.svc).Outcome(w.prog.ID, w.project.ID, obj{"periodStart": "2026-01-01", "periodEnd": "2026-01-31",
		"counts": obj{"peopleIntoWork": n, "referrals": 4 * n}})
}

func (e *memEnv) note(w memWorld, id string) domain.Notification {
	e.t.Helper()
	var n domain.Notification
	g := &service.Get{Ref: domain.Ref(domain.EntityNotification, id), Into: &n}
	if err := e.st.Read(e.t.Context(), w.prog.ID, g); err != nil || !g.Found {
		e.t.Fatalf("notification %s: %v %v", id, g.Found, err)
	}
	return n
}

// withdrawn checks the notification id was withdrawn unsent for reason:
// no longer there to read (so never listed), its history ending in its
// deletion by the notifier, saying why.
func (e *memEnv) withdrawn(w memWorld, id string, reason domain.NotNeededReason) {
	e.t.Helper()
	e.withdrawnBy(w, id, reason, notify.Actor.Email)
}

// withdrawnBy is withdrawn by actor: the notifier, or the lead whose
// change withdrew it.
func (e *memEnv) withdrawnBy(w memWorld, id string, reason domain.NotNeededReason, actor string) {
	e.t.Helper()
	g := &service.Get{Ref: domain.Ref(domain.EntityNotification, id), Into: &domain.Notification{}}
	if err := e.st.Read(e.t.Context(), w.prog.ID, g); err != nil || g.Found {
		e.t.Errorf("notification %s never emailed: still there (%v %v)", id, g.Found, err)
	}
	hist, _, err := e.st.History(e.t.Context(), w.prog.ID, domain.Ref(domain.EntityNotification, id), service.Page{})
	if err != nil {
		e.t.Fatal(err)
	}
	if len(hist) == 0 || hist[0].Action != domain.ActionDelete || hist[0].ActorEmail != actor ||
		fmt.Sprint(hist[0].Changes["notNeeded"].Before) != string(reason) {
		e.t.Errorf("notification %s: history %+v, want its deletion by %s, not needed %q", id, hist, actor, reason)
	}
}

// onceEach checks every contact has exactly one email, and nobody else any.
func (e *memEnv) onceEach(contacts []string) map[string][]email.Message {
	e.t.Helper()
	got := e.mail.to()
	for _, to := range contacts {
		if len(got[to]) != 1 {
			e.t.Errorf("%d emails to %s, want 1", len(got[to]), to)
		}
	}
	for to, msgs := range got {
		if !slices.Contains(contacts, to) {
			e.t.Errorf("%d emails to %s, who should have none", len(msgs), to)
		}
	}
	return got
}

// TestMemOverlappingRunsSendEachOnce: runs that overlap over one reached
// target, all sending at once, email each contact once between them.
func TestMemOverlappingRunsSendEachOnce(t *testing.T) {
	t.Parallel()
	e := newMemEnv(t)
	w := e.world()
	e.reach(w, 61)
	var wg sync.WaitGroup
	reps := make([]notify.Report, 4)
	for i := range reps {
		wg.Go(func() {
			rep, err := runSafely(t.Context(), e.notifier(e.st))
			if err != nil {
				t.Errorf("run %d: %v", i, err)
			}
			reps[i] = rep
		})
	}
	wg.Wait()
	claimed, sent, emails := 0, 0, 0
	for _, r := range reps {
		claimed, sent, emails = claimed+r.Claimed, sent+r.Sent, emails+r.Emails
	}
	if claimed != 1 || sent != 1 || emails != 4 {
		t.Errorf("between them: %d claimed, %d sent, %d emails; want 1, 1, 4 (%+v)", claimed, sent, emails, reps)
	}
	e.onceEach(w.contacts)
	if n := e.note(w, domain.NotificationID(w.target.ID, domain.KindReached, 100)); n.Status != domain.NotificationSent ||
		!slices.Equal(n.Delivered, w.contacts) || n.Attempts != 1 {
		t.Errorf("notification %+v", n)
	}
	if rep := e.run(); rep.Claimed+rep.Emails != 0 {
		t.Errorf("a later run: %+v", rep)
	}
}

// dieAfterClaim is the notifier's storage for a run that dies just after
// claiming a recipient, before handing the email to SES or hearing back:
// the claim is stored, and the run gets an error instead.
type dieAfterClaim struct {
	notify.Storage
	mu   sync.Mutex
	died string // the recipient claimed as the run died
}

func (d *dieAfterClaim) ClaimRecipient(ctx context.Context, programmeID, id string, attempt int64, to string, holds ...service.Premise) (bool, error) {
	ok, err := d.Storage.ClaimRecipient(ctx, programmeID, id, attempt, to, holds...)
	d.mu.Lock()
	defer d.mu.Unlock()
	if err != nil || !ok || d.died != "" {
		return ok, err
	}
	d.died = to
	return false, errors.New("run died")
}

// TestMemRunDiedAfterClaimingRecipient: whether the email to a recipient
// claimed by a run that died went is not known, so no later run sends it
// again; the rest go once, and the notification fails saying whom to check
// with.
func TestMemRunDiedAfterClaimingRecipient(t *testing.T) {
	t.Parallel()
	e := newMemEnv(t)
	w := e.world()
	e.reach(w, 61)
	dying := &dieAfterClaim{Storage: e.st}
	if _, err := runSafely(t.Context(), e.notifier(dying)); err == nil {
		t.Fatal("the dying run reported no error")
	}
	if dying.died == "" {
		t.Fatal("no recipient was claimed")
	}
	if rep := e.run(); rep.Emails != 0 {
		t.Errorf("a run while the dead one's lease holds sent: %+v", rep)
	}
	e.clk.Add(time.Minute + time.Millisecond)
	rep := e.run()
	if rep.Emails != 3 || rep.Failed != 1 || rep.Sent != 0 {
		t.Errorf("the run after the lease: %+v", rep)
	}
	rest := slices.DeleteFunc(slices.Clone(w.contacts), func(to string) bool { return to == dying.died })
	e.onceEach(rest)
	if n := e.mail.asked()[dying.died]; n != 0 {
		t.Errorf("%d sends to %s, claimed by the run that died; want none", n, dying.died)
	}
	n := e.note(w, domain.NotificationID(w.target.ID, domain.KindReached, 100))
	if n.Status != domain.NotificationFailed || !strings.Contains(n.LastError, "not known to be delivered to "+dying.died) ||
		!slices.Equal(n.Sending, []string{dying.died}) || !slices.Equal(n.Delivered, rest) {
		t.Errorf("notification %+v", n)
	}
	e.clk.Add(time.Hour)
	if rep := e.run(); rep.Emails != 0 {
		t.Errorf("a later run: %+v", rep)
	}
}

// TestMemOneChangeCrossingTwoThresholds: one change that crosses 50% and
// 100% sends one email to each contact, naming 100%; 50% is recorded as
// covered by it and never sent on its own.
func TestMemOneChangeCrossingTwoThresholds(t *testing.T) {
	t.Parallel()
	e := newMemEnv(t)
	w := e.world(50, 100)
	e.reach(w, 61)
	if rep := e.run(); rep.Claimed != 2 || rep.Sent != 1 || rep.Emails != 4 {
		t.Errorf("report %+v", rep)
	}
	for to, msgs := range e.onceEach(w.contacts) {
		if len(msgs) == 1 && (!strings.Contains(msgs[0].Text, "100%") || strings.Contains(msgs[0].Subject, "50%")) {
			t.Errorf("the email to %s does not name 100%%: %q\n%s", to, msgs[0].Subject, msgs[0].Text)
		}
	}
	full := domain.NotificationID(w.target.ID, domain.KindReached, 100)
	n50, n100 := e.note(w, domain.NotificationID(w.target.ID, domain.KindReached, 50)), e.note(w, full)
	if n50.Status != domain.NotificationSent || n50.CoveredBy != full || len(n50.Delivered) != 0 || n50.Attempts != 0 {
		t.Errorf("50%%: %+v", n50)
	}
	if n100.Status != domain.NotificationSent || !slices.Equal(n100.Covers, []int64{50}) || !slices.Equal(n100.Delivered, w.contacts) {
		t.Errorf("100%%: %+v", n100)
	}
	e.clk.Add(24 * time.Hour)
	if rep := e.run(); rep.Claimed+rep.Emails != 0 {
		t.Errorf("a later run: %+v", rep)
	}
}

// TestMemPassingFailureRetriedPermanentNot: a passing SES failure is
// retried on the next run (and stops this one: the lease is given back);
// an address SES refuses for good is never tried again, and the
// notification fails naming it.
func TestMemPassingFailureRetriedPermanentNot(t *testing.T) {
	t.Parallel()
	e := newMemEnv(t)
	w := e.world()
	e.reach(w, 61)
	// Recipients go in order: the second fails once in passing, the last
	// is refused every time.
	flaky, refused := w.contacts[1], w.contacts[3]
	e.mail.fail = func(to string, call int) error {
		switch {
		case to == flaky && call == 1:
			return memThrottled()
		case to == refused:
			return &email.PermanentError{Err: errors.New("MessageRejected: address is not verified")}
		}
		return nil
	}
	if rep := e.run(); rep.Emails != 2 || rep.Retrying != 1 || rep.Sent+rep.Failed != 0 {
		t.Errorf("first run: %+v", rep)
	}
	n := e.note(w, domain.NotificationID(w.target.ID, domain.KindReached, 100))
	if n.Status != domain.NotificationPending || !slices.Equal(n.Delivered, w.contacts[:1]) || len(n.Sending) != 0 || n.LastError == "" {
		t.Errorf("after the passing failure: %+v", n)
	}
	e.clk.Add(time.Second) // the lease was given back: no need to wait it out
	if rep := e.run(); rep.Emails != 3 || rep.Failed != 1 || rep.Retrying != 0 {
		t.Errorf("second run: %+v", rep)
	}
	e.clk.Add(time.Hour)
	if rep := e.run(); rep.Emails != 0 {
		t.Errorf("third run: %+v", rep)
	}
	asked := e.mail.asked()
	want := map[string]int{w.contacts[0]: 1, flaky: 2, w.contacts[2]: 1, refused: 1}
	for to, n := range want {
		if asked[to] != n {
			t.Errorf("%d sends to %s, want %d", asked[to], to, n)
		}
	}
	e.onceEach(w.contacts[:3])
	n = e.note(w, domain.NotificationID(w.target.ID, domain.KindReached, 100))
	if n.Status != domain.NotificationFailed || !slices.Equal(n.Rejected, []string{refused}) || !slices.Equal(n.Delivered, w.contacts[:3]) ||
		!strings.Contains(n.LastError, "not delivered to "+refused) || n.Attempts != 2 {
		t.Errorf("finished: %+v", n)
	}
}

// TestMemReturnPaymentDueThoughCorrected: a payment waiting on a return
// falls due with the approval that accepts the return, and stays due when
// the approved submission is corrected before the notifier next runs (the
// approved figures stand until the correction is approved, and so does
// the return's acceptance): the run sends its email, once.
func TestMemReturnPaymentDueThoughCorrected(t *testing.T) {
	t.Parallel()
	e := newMemEnv(t)
	w := e.world()
	b := testkit.NewBuilder(t, e.svc)
	f := b.Funder(w.prog.ID, obj{"name": "Tudor Trust", "contacts": []string{"grants@tudor.example.org"}})
	g := b.Grant(w.prog.ID, obj{"funderId": f.ID, "projectId": w.project.ID, "title": "Employment specialists",
		"amountPence": 100_000_00, "currency": "GBP", "awardDate": "2026-01-01", "startDate": "2026-01-01", "endDate": "2027-12-31"})
	admin := e.svc.Open(t.Context(), testkit.AdminCaller(), w.prog.ID)
	sched := must(admin.CreateSchedule(testkit.Body(obj{"name": "Quarterly returns", "frequency": "quarterly",
		"firstPeriodStart": "2026-01-01", "lastPeriodEnd": "2026-12-31"})))
	must(admin.UpdateProgramme(func(int64) bool { return true }, testkit.Body(obj{"reviewOutcomes": true})))
	q1 := domain.ReturnID(sched.ID, w.project.ID, domain.MustDate("2026-01-01"))
	pay := b.Payment(w.prog.ID, g.ID, obj{"amountPence": 20_000_00, "trigger": obj{"kind": "return", "returnId": q1}})
	e.run()

	e.clk.Set("2026-04-03T09:00:00Z")
	q1Figures := func(n int64, replaces string) obj {
		in := obj{"periodStart": "2026-01-01", "periodEnd": "2026-03-31", "counts": obj{"peopleIntoWork": n}}
		if replaces != "" {
			in["replaces"] = replaces
		}
		return in
	}
	sub := b.Outcome(w.prog.ID, w.project.ID, q1Figures(4, ""))
	// Sent by an administrator (the builder's), reviewed by the lead.
	project := e.svc.OpenProject(t.Context(), testkit.Caller("network.lead@lpt.example.nhs.uk"), w.prog.ID, w.project.ID)
	must(project.ReviewOutcome(sub.ID, testkit.Body(obj{"decision": "approve"})))
	// Corrected before the notifier has seen the acceptance, and sent back.
	fix := b.Outcome(w.prog.ID, w.project.ID, q1Figures(40, sub.ID))
	must(project.ReviewOutcome(fix.ID, testkit.Body(obj{"decision": "request-changes", "comment": "Ten times the referrals?"})))

	p := must(admin.Payment(g.ID, pay.ID))
	if p.Status != domain.PaymentDue || p.DueSince.String() != "2026-04-03" {
		t.Errorf("payment on the accepted return: %+v", p)
	}
	e.clk.Set("2026-04-04T09:00:00Z")
	if rep := e.run(); rep.PaymentsDue != 0 {
		t.Errorf("the run after the return was accepted made a payment due again: %+v", rep)
	}
	e.run()
	sent := 0
	for _, m := range e.mail.to()["grants@tudor.example.org"] {
		if strings.HasPrefix(m.Subject, "Payment due: £20,000.00") {
			sent++
		}
	}
	if sent != 1 {
		t.Errorf("%d payment-due emails to the funder's contact, want 1", sent)
	}
	if n := e.note(w, domain.PaymentNotificationID(pay.ID)); n.Status != domain.NotificationSent ||
		!slices.Equal(n.FunderContacts[f.ID], []string{"grants@tudor.example.org"}) {
		t.Errorf("its notification: %+v", n)
	}
}

// memPayWorld is a world with a grant from a funder of one contact, and a
// payment of it whose date has passed: due when made, its email recorded
// with it, pending, to the funder's contact and the lead.
type memPayWorld struct {
	memWorld
	grant      domain.Grant
	pay        domain.Payment
	funder     string // its one contact
	lead       string
	noteID     string
	recipients []string // who the payment's email goes to, sorted
}

func (e *memEnv) payWorld() memPayWorld {
	e.t.Helper()
	w := memPayWorld{memWorld: e.world(), funder: "grants@tudor.example.org", lead: "network.lead@lpt.example.nhs.uk"}
	b := testkit.NewBuilder(e.t, e.svc)
	f := b.Funder(w.prog.ID, obj{"name": "Tudor Trust", "contacts": []string{w.funder}})
	w.grant = b.Grant(w.prog.ID, obj{"funderId": f.ID, "projectId": w.project.ID, "title": "Employment specialists",
		"amountPence": 100_000_00, "currency": "GBP", "awardDate": "2026-01-01", "startDate": "2026-01-01", "endDate": "2027-12-31"})
	w.pay = b.Payment(w.prog.ID, w.grant.ID, testkit.DatedPaymentBody(5_000_00, "2026-01-02"))
	w.noteID = domain.PaymentNotificationID(w.pay.ID)
	w.recipients = []string{w.funder, w.lead}
	if n := e.note(w.memWorld, w.noteID); w.pay.Status != domain.PaymentDue || n.Status != domain.NotificationPending {
		e.t.Fatalf("payment %+v, its email %+v: want due, its email pending", w.pay, n)
	}
	return w
}

// settlePayment marks the world's payment paid, or cancels it, as a lead.
func (e *memEnv) settlePayment(w memPayWorld, status domain.PaymentStatus) {
	e.t.Helper()
	body := obj{"status": string(status)}
	if status == domain.PaymentPaid {
		body["paidDate"] = domain.UKDate(e.clk.Now()).String()
	}
	if _, err := e.svc.Open(e.t.Context(), testkit.Caller(w.lead), w.prog.ID).UpdatePayment(w.grant.ID, w.pay.ID,
		func(int64) bool { return true }, testkit.Body(body)); err != nil {
		e.t.Fatal(err)
	}
}

// TestMemPaymentEmailWithdrawnOncePaidOrCancelled: a payment's email not
// yet sent when its payment is recorded paid, or cancelled, is withdrawn
// by that change: deleted with an audit event (the lead's) saying why,
// gone from the pending list at once. The runs after (four at once, here)
// have nothing to do with it, and no email goes.
func TestMemPaymentEmailWithdrawnOncePaidOrCancelled(t *testing.T) {
	t.Parallel()
	for _, status := range []domain.PaymentStatus{domain.PaymentPaid, domain.PaymentCancelled} {
		t.Run(string(status), func(t *testing.T) {
			t.Parallel()
			e := newMemEnv(t)
			w := e.payWorld()
			e.clk.Add(time.Minute)
			e.settlePayment(w, status)
			e.withdrawnBy(w.memWorld, w.noteID, domain.NotNeededReason(status), w.lead)
			for shard := range service.Shards {
				pending, _, err := e.st.PendingNotifications(t.Context(), shard, service.Page{Limit: 100})
				if err != nil || len(pending) != 0 {
					t.Errorf("pending once its payment was %s: %+v %v", status, pending, err)
				}
			}
			total := runsAtOnce(t, 4, func() *notify.Notifier { return e.notifier(e.st) })
			e.clk.Add(time.Hour) // past any lease
			if rep := e.run(); rep.Emails+rep.NotNeeded != 0 {
				t.Errorf("a later run: %+v", rep)
			}
			if total.NotNeeded != 0 || total.Emails != 0 {
				t.Errorf("the runs: %+v, want nothing to do", total)
			}
			if got := e.mail.asked(); len(got) != 0 {
				t.Errorf("emails asked for: %v", got)
			}
			e.withdrawnBy(w.memWorld, w.noteID, domain.NotNeededReason(status), w.lead)
		})
	}
}

// TestMemPaymentPaidBetweenItsReadAndItsClaim: the lead's change landing
// between a run's read of the payment's status (still due) and its claim
// of the first recipient withdraws the email there and then, and the
// run's claim finds it gone: nothing is asked of the mail sender, and the
// email reads withdrawn, by the lead. The rule held on the in-memory
// fake as on DynamoDB (TestPaymentPaidBetweenItsReadAndItsClaim), for
// four runs at once: only one reads it due before the change.
func TestMemPaymentPaidBetweenItsReadAndItsClaim(t *testing.T) {
	t.Parallel()
	for _, status := range []domain.PaymentStatus{domain.PaymentPaid, domain.PaymentCancelled} {
		t.Run(string(status), func(t *testing.T) {
			t.Parallel()
			e := newMemEnv(t)
			w := e.payWorld()
			e.clk.Add(time.Minute)
			racing := &settleAfterStatusRead{Storage: e.st, settle: func(ctx context.Context, grantID, id string) (bool, error) {
				body := obj{"status": string(status)}
				if status == domain.PaymentPaid {
					body["paidDate"] = domain.UKDate(e.clk.Now()).String()
				}
				_, err := e.svc.Open(ctx, testkit.Caller(w.lead), w.prog.ID).UpdatePayment(grantID, id, func(int64) bool { return true }, testkit.Body(body))
				return true, err
			}}
			total := runsAtOnce(t, 4, func() *notify.Notifier { return e.notifier(racing) })
			if len(racing.errs) > 0 || racing.overtaken() != 1 {
				t.Fatalf("the lead's change: %v, overtaking %d runs' reads, want 1", racing.errs, racing.overtaken())
			}
			e.clk.Add(time.Hour) // past any lease
			if rep := e.run(); rep.Emails+rep.NotNeeded != 0 {
				t.Errorf("a later run: %+v", rep)
			}
			if total.Emails != 0 || total.Sent != 0 {
				t.Errorf("the runs: %+v, want no email", total)
			}
			if got := e.mail.asked(); len(got) != 0 {
				t.Errorf("emails asked for: %v", got)
			}
			if p := must(e.svc.Open(t.Context(), testkit.AdminCaller(), w.prog.ID).Payment(w.grant.ID, w.pay.ID)); p.Status != status {
				t.Errorf("the payment: %+v, want %s", p, status)
			}
			e.withdrawnBy(w.memWorld, w.noteID, domain.NotNeededReason(status), w.lead)
		})
	}
}

// TestMemPaymentEmailRetriedPaidMeanwhile: a payment's email the funder
// had, whose send to the lead failed in passing, is not retried once the
// payment is paid: the change that records it paid settles it at once,
// listed sent (the funder had it), saying why the rest was not sent, not
// withdrawn, and no run has anything left to do with it.
func TestMemPaymentEmailRetriedPaidMeanwhile(t *testing.T) {
	t.Parallel()
	e := newMemEnv(t)
	w := e.payWorld()
	e.mail.fail = func(to string, _ int) error {
		if to == w.lead {
			return memThrottled()
		}
		return nil
	}
	if rep := e.run(); rep.Emails != 2 || rep.Retrying != 1 {
		t.Errorf("first run: %+v", rep)
	}
	e.mail.fail = nil
	e.clk.Add(time.Minute)
	e.settlePayment(w, domain.PaymentPaid)
	n := e.note(w.memWorld, w.noteID)
	if n.Status != domain.NotificationSent || n.NotNeeded != domain.NotNeededPaid || !slices.Equal(n.Delivered, []string{w.funder}) || n.SentAt == nil {
		t.Errorf("its notification once paid: %+v, want sent to the funder, not needed: paid", n)
	}
	if rep := e.run(); rep.Emails != 0 || rep.NotNeeded != 0 || rep.Sent != 0 {
		t.Errorf("the run after it was paid: %+v", rep)
	}
	e.onceEach([]string{w.funder})
}

// payAtClaim is the notifier's storage for a run that a lead overtakes:
// the payment is marked paid just as the run claims the email's first
// recipient (after the run read it still due).
type payAtClaim struct {
	notify.Storage
	once sync.Once
	pay  func()
}

func (p *payAtClaim) ClaimRecipient(ctx context.Context, programmeID, id string, attempt int64, to string, holds ...service.Premise) (bool, error) {
	ok, err := p.Storage.ClaimRecipient(ctx, programmeID, id, attempt, to, holds...)
	if ok && err == nil {
		p.once.Do(p.pay)
	}
	return ok, err
}

// TestMemPaymentPaidWhileItsEmailGoes: a payment paid while its email is
// being sent (its first recipient claimed) does not withdraw half of it:
// it goes to every recipient once, stays listed sent, and no later run
// emails or withdraws it.
func TestMemPaymentPaidWhileItsEmailGoes(t *testing.T) {
	t.Parallel()
	e := newMemEnv(t)
	w := e.payWorld()
	racing := &payAtClaim{Storage: e.st, pay: func() { e.settlePayment(w, domain.PaymentPaid) }}
	rep, err := runSafely(t.Context(), e.notifier(racing))
	if err != nil || rep.Sent != 1 || rep.Emails != 2 || rep.NotNeeded != 0 {
		t.Errorf("the run overtaken: %+v %v", rep, err)
	}
	if p := must(e.svc.Open(t.Context(), testkit.AdminCaller(), w.prog.ID).Payment(w.grant.ID, w.pay.ID)); p.Status != domain.PaymentPaid {
		t.Fatalf("the payment was not paid during the run: %+v", p)
	}
	e.clk.Add(time.Hour)
	if rep := e.run(); rep.Emails+rep.NotNeeded != 0 {
		t.Errorf("a later run: %+v", rep)
	}
	e.onceEach(w.recipients)
	if n := e.note(w.memWorld, w.noteID); n.Status != domain.NotificationSent || n.NotNeeded != "" || len(n.Delivered) != 2 {
		t.Errorf("its notification: %+v", n)
	}
}

// memThrottled is SES throttling as email.SES reports it: SES did not take
// the email (a passing failure), and the run stops sending.
func memThrottled() error {
	return &email.PassingError{Err: errors.New("429 maximum sending rate exceeded"), Code: "TooManyRequestsException", Stop: true}
}
