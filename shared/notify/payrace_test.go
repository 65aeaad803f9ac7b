package notify_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/notify"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// settleAfterStatusRead is the notifier's storage for a run a lead
// overtakes at the worst moment: the run reads a payment's status under
// its email's lease (still due), and the lead's change (settle: paid or
// cancelled) lands just then, before the run fixes the email's
// recipients or claims any of them. Only the payments named in settle
// are overtaken, each once.
type settleAfterStatusRead struct {
	notify.Storage
	settle func(ctx context.Context, grantID, paymentID string) (bool, error)
	mu     sync.Mutex
	done   map[string]bool
	errs   []error
}

func (s *settleAfterStatusRead) PaymentNow(ctx context.Context, programmeID, grantID, id string) (domain.Payment, error) {
	pay, err := s.Storage.PaymentNow(ctx, programmeID, grantID, id)
	if err != nil || pay.Status != domain.PaymentDue {
		return pay, err
	}
	s.mu.Lock()
	first := !s.done[id]
	if s.done == nil {
		s.done = map[string]bool{}
	}
	s.done[id] = true
	s.mu.Unlock()
	if first {
		if _, serr := s.settle(ctx, grantID, id); serr != nil {
			s.mu.Lock()
			s.errs = append(s.errs, serr)
			s.mu.Unlock()
		}
	}
	return pay, err // as read: due
}

// overtaken is how many payments the lead's change overtook a run on.
func (s *settleAfterStatusRead) overtaken() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.done)
}

// TestPaymentPaidBetweenItsReadAndItsClaim: a lead marks a payment paid,
// or cancels one, exactly between the run's read of its status (still
// due) and the run's claim of its email's first recipient. The lead's
// change withdraws the email in its own transaction, and the run's claim
// (conditioned on the email being there and pending) fails: no email goes
// to SES (the emulator holds none of them), and the email reads withdrawn
// at once (not listed, 404 by id, its deletion in the audit trail by the
// lead, not needed paid or cancelled). Both ways an email is recorded are
// covered: by the API when the payment was made due (recipients fixed
// when sent: SetRecipients finds it gone), and by the run itself, which
// makes a dated payment due and sends its email in the same pass. A
// payment left alone is emailed as ever.
func TestPaymentPaidBetweenItsReadAndItsClaim(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w, g := e.moneyWorld()
	b := e.build()
	apiMade := b.Payment(w.prog.ID, g.ID, testkit.DatedPaymentBody(1_000_00, "2026-01-02")) // due when made
	runMade := b.Payment(w.prog.ID, g.ID, testkit.DatedPaymentBody(2_000_00, "2026-01-07")) // due on the run's day
	alone := b.Payment(w.prog.ID, g.ID, testkit.DatedPaymentBody(3_000_00, "2026-01-03"))
	if apiMade.Status != domain.PaymentDue || runMade.Status != domain.PaymentScheduled {
		t.Fatalf("payments made: %+v %+v", apiMade, runMade)
	}
	if _, ok := e.notifications(w.prog.ID)[domain.PaymentNotificationID(runMade.ID)]; ok {
		t.Fatal("a scheduled payment has an email")
	}
	to := map[string]domain.PaymentStatus{apiMade.ID: domain.PaymentCancelled, runMade.ID: domain.PaymentPaid}
	racing := &settleAfterStatusRead{Storage: e.st, settle: func(ctx context.Context, grantID, id string) (bool, error) {
		status, ok := to[id]
		if !ok {
			return false, nil
		}
		body := obj{"status": string(status)}
		if status == domain.PaymentPaid {
			body["paidDate"] = "2026-01-07"
		}
		_, err := e.svc.Open(ctx, testkit.Caller(w.lead), w.prog.ID).UpdatePayment(grantID, id, func(int64) bool { return true }, testkit.Body(body))
		return true, err
	}}

	e.clk.Set("2026-01-07T09:00:00Z")
	n := e.notifier()
	n.Store = racing
	rep, err := runSafely(t.Context(), n)
	if err != nil {
		t.Fatalf("the run overtaken: %v (%+v)", err, rep)
	}
	if len(racing.errs) > 0 {
		t.Fatalf("the lead's changes: %v", racing.errs)
	}
	if racing.overtaken() != 3 { // the two settled, and the one left alone
		t.Fatalf("the run read %d payments' status, want 3", racing.overtaken())
	}
	recipients := append(slices.Clone(w.dwp.Contacts), w.lead)
	if rep.PaymentsDue != 1 || rep.Emails != len(recipients) || rep.Sent != 1 {
		t.Errorf("the run: %+v, want the dated payment made due, and only the one left alone emailed", rep)
	}
	if calls := e.ses.calls(); len(calls) != len(recipients) {
		t.Errorf("SES asked to send %v, want only the email of the payment left alone", calls)
	}
	e.clk.Add(time.Hour) // past any lease the run held
	if rep := e.run(); rep.Emails != 0 || rep.PaymentsDue != 0 || rep.NotNeeded != 0 {
		t.Errorf("a later run: %+v", rep)
	}
	e.expectMail(each(paymentSubject("£3,000.00", "on 3 January 2026"), recipients...))

	notes := e.notifications(w.prog.ID)
	for id, status := range to {
		if p := e.payment(w.prog.ID, g.ID, id); p.Status != status {
			t.Errorf("payment %s: %+v, want %s", id, p, status)
		}
		nid := domain.PaymentNotificationID(id)
		if n, ok := notes[nid]; ok {
			t.Errorf("the email of payment %s, %s between the run's read and its claim, is listed: %+v", id, status, n)
		}
		if _, err := e.svc.Open(t.Context(), testkit.Caller(w.lead), w.prog.ID).Notification(nid); domain.ErrorCode(err) != domain.CodeNotFound {
			t.Errorf("the email of payment %s read by id: %v, want not found", id, err)
		}
		hist, _, err := e.st.History(t.Context(), w.prog.ID, domain.Ref(domain.EntityNotification, nid), service.Page{})
		if err != nil {
			t.Fatal(err)
		}
		if len(hist) != 1 || hist[0].Action != domain.ActionDelete || hist[0].ActorEmail != w.lead ||
			fmt.Sprint(hist[0].Changes["notNeeded"].Before) != string(status) {
			t.Errorf("the email of payment %s: history %+v, want its deletion by the lead, not needed %q", id, hist, status)
		}
	}
	if n := notes[domain.PaymentNotificationID(alone.ID)]; n.Status != domain.NotificationSent || len(n.Delivered) != len(recipients) {
		t.Errorf("the email of the payment left alone: %+v", n)
	}
}
