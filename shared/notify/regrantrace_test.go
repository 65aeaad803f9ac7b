package notify_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/notify"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// regrantAfterRead is the notifier's storage for a run a lead overtakes
// at the worst moment: each time the run reads a payment's grant's funder
// (GrantFunder, as it addresses the email under its lease), the lead
// gives the grant to the other funder (move) just after, before the run
// claims any recipient. The run is answered the funder as read. Only the
// first moves reads are overtaken.
type regrantAfterRead struct {
	notify.Storage
	move func(ctx context.Context, grantID, from string) error
	mu   sync.Mutex
	left int // moves still to make
	errs []error
}

func (s *regrantAfterRead) GrantFunder(ctx context.Context, programmeID, grantID string) (string, error) {
	funder, err := s.Storage.GrantFunder(ctx, programmeID, grantID)
	if err != nil || funder == "" {
		return funder, err
	}
	s.mu.Lock()
	move := s.left > 0
	s.left--
	s.mu.Unlock()
	if move {
		if merr := s.move(ctx, grantID, funder); merr != nil {
			s.mu.Lock()
			s.errs = append(s.errs, merr)
			s.mu.Unlock()
		}
	}
	return funder, err // as read: before the move
}

func (s *regrantAfterRead) stop() {
	s.mu.Lock()
	s.left = 0
	s.mu.Unlock()
}

// TestPaymentEmailRegrantedBetweenReadAndClaim: a lead gives a grant to
// another funder exactly between the run's read of the grant's funder
// (as it addresses a payment-due email) and its claim of the email's
// recipients. No contact of the funder the run read is ever emailed: the
// claims are conditioned on the grant's funder as read, so they fail, and
// the run reads the grant again and readdresses the email to the funder
// it then has. Both ways a payment-due email is recorded are covered:
// by the API as the payment was made (recipients fixed as it is sent),
// and by the run itself, making a dated payment due in the same pass.
// Once, the email goes in the same run to the new funder's contacts and
// the lead; moved on every read (more often than a run reads the people
// again), it goes in no run that keeps being overtaken, and then in the
// next run to the contacts of the funder the grant has at last. Either
// way each recipient has it once, however many runs follow (DynamoDB
// Local and the SES emulator).
func TestPaymentEmailRegrantedBetweenReadAndClaim(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name  string
		moves int
	}{
		{"moved once", 1},
		{"moved on every read", 2 * 2 * (notify.MaxRereads + 1)}, // two emails, each read 1+MaxRereads times, and more
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			w, g := e.moneyWorld() // the grant is DWP's
			b := e.build()
			apiMade := b.Payment(w.prog.ID, g.ID, testkit.DatedPaymentBody(1_000_00, "2026-01-02")) // due when made
			runMade := b.Payment(w.prog.ID, g.ID, testkit.DatedPaymentBody(2_000_00, "2026-01-07")) // due on the run's day
			if apiMade.Status != domain.PaymentDue || runMade.Status != domain.PaymentScheduled {
				t.Fatalf("payments made: %+v %+v", apiMade, runMade)
			}
			var mu sync.Mutex
			funderNow := w.dwp.ID
			racing := &regrantAfterRead{Storage: e.st, left: c.moves, move: func(ctx context.Context, grantID, from string) error {
				to := w.doh.ID
				if from == w.doh.ID {
					to = w.dwp.ID
				}
				_, err := e.svc.Open(ctx, testkit.AdminCaller(), w.prog.ID).UpdateGrant(grantID, func(int64) bool { return true },
					testkit.Body(obj{"funderId": to}))
				if err == nil {
					mu.Lock()
					funderNow = to
					mu.Unlock()
				}
				return err
			}}
			e.clk.Set("2026-01-07T09:00:00Z")
			n := e.notifier()
			n.Store = racing
			rep, err := runSafely(t.Context(), n)
			if err != nil {
				t.Fatalf("the run overtaken: %v (%+v)", err, rep)
			}
			racing.stop()
			if len(racing.errs) > 0 {
				t.Fatalf("the lead's changes: %v", racing.errs)
			}
			if rep.PaymentsDue != 1 || rep.Reread == 0 {
				t.Errorf("the run overtaken: %+v, want the dated payment made due and the people read again", rep)
			}
			if c.moves > 1 && rep.Emails != 0 {
				t.Errorf("the run overtaken on every read sent %d emails, want none (%+v)", rep.Emails, rep)
			}
			for range 2 { // the next run (past any lease), and one more
				e.clk.Add(time.Hour)
				e.run()
			}

			mu.Lock()
			final := funderNow
			mu.Unlock()
			if got, err := e.st.GrantFunder(t.Context(), w.prog.ID, g.ID); err != nil || got != final {
				t.Fatalf("the grant's funder: %q %v, want %q", got, err, final)
			}
			now, former := w.doh, w.dwp
			if final == w.dwp.ID {
				now, former = w.dwp, w.doh
			}
			want := merge(
				each(paymentSubject("£1,000.00", "on 2 January 2026"), append(slices.Clone(now.Contacts), w.lead)...),
				each(paymentSubject("£2,000.00", "on 7 January 2026"), append(slices.Clone(now.Contacts), w.lead)...))
			e.expectMail(want)
			for to, calls := range e.ses.calls() {
				if slices.Contains(former.Contacts, to) {
					t.Errorf("SES was asked %d times to send to %s, a contact of the funder the grant no longer has", calls, to)
				}
			}
			notes := e.notifications(w.prog.ID)
			for _, p := range []domain.Payment{apiMade, runMade} {
				n := notes[domain.PaymentNotificationID(p.ID)]
				if n.Status != domain.NotificationSent || !slices.Equal(n.FunderIDs, []string{now.ID}) ||
					slices.ContainsFunc(n.Delivered, func(a string) bool { return slices.Contains(former.Contacts, a) }) {
					t.Errorf("the email of payment %s once sent: %+v, want sent for %s alone", p.ID, n, now.Name)
				}
			}
		})
	}
}
