package notify_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/smithy-go/middleware"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/email"
)

// TestRunDiedAfterClaimResumesAfterLease: a run claimed a milestone and
// leased it, then died before sending (the claim and lease are made here
// straight through the store, exactly as the notifier makes them). While
// the lease holds, other runs leave it alone; once it has run out the next
// run sends it, once.
func TestRunDiedAfterClaimResumesAfterLease(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w, tg := reachedWorld(e)
	now := e.clk.Now()
	note := domain.Notification{
		ID: domain.NotificationID(tg.ID, domain.KindReached, 100), TargetID: tg.ID, Threshold: 100, Kind: domain.KindReached,
		Status: domain.NotificationPending, CreatedAt: now, ProgrammeID: w.prog.ID, Figure: 61, Value: 60,
		Metric: domain.MetricPeopleIntoWork, ProjectID: w.project.ID, On: domain.DateOf(now),
		Recipients: w.contacts, FunderIDs: []string{w.dwp.ID, w.doh.ID},
	}
	claimed, err := e.st.ClaimNotification(t.Context(), note)
	if err != nil || !claimed {
		t.Fatalf("claim: %v %v", claimed, err)
	}
	if again, err := e.st.ClaimNotification(t.Context(), note); err != nil || again {
		t.Fatalf("second claim of the same milestone: %v %v", again, err)
	}
	leased, ok, err := e.st.LeaseNotification(t.Context(), w.prog.ID, note.ID, now, 5*time.Minute)
	if err != nil || !ok || leased.Attempts != 1 {
		t.Fatalf("lease: %+v %v %v", leased, ok, err)
	}
	// The dead run got no further: the programme is still marked changed.

	// A minute later the lease still holds: this run finds the milestone
	// claimed and cannot take the lease, so it sends nothing.
	e.clk.Add(time.Minute)
	rep := e.run()
	if rep.ProgrammesChanged != 1 || rep.Claimed != 0 || rep.Emails != 0 {
		t.Errorf("run under the lease: %+v", rep)
	}
	e.clk.Add(3 * time.Minute)
	if rep := e.run(); rep.Emails != 0 {
		t.Errorf("run just before the lease ends: %+v", rep)
	}
	e.expectMail(nil)

	e.clk.Add(2 * time.Minute) // 6 minutes after the lease was taken
	rep = e.run()
	if rep.Emails != 4 || rep.Sent != 1 || rep.Claimed != 0 {
		t.Errorf("run after the lease: %+v", rep)
	}
	n := e.notifications(w.prog.ID)[note.ID]
	if n.Status != domain.NotificationSent || n.Attempts != 2 || n.Figure != 61 {
		t.Errorf("notification %+v", n)
	}
	e.clk.Add(10 * time.Minute)
	if rep := e.run(); rep.Emails != 0 {
		t.Errorf("later run: %+v", rep)
	}
	e.expectMail(each(reachedSubject, w.contacts...))
}

// TestRunDiedMidSendResumes: a run delivers to one contact, then dies
// (its context ends) in the middle of the next send. The next run within
// the lease sends nothing; after the lease the rest are sent, the contact
// who already had it is not emailed again, and neither is the one the
// dead run was sending to: SES may have taken that email, so it is
// recorded as not known to be delivered (at most once, not at least once).
// (Before recipients were claimed ahead of the send, that contact was
// emailed again.)
func TestRunDiedMidSendResumes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w, tg := reachedWorld(e)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	e.ses.setFail(func(_ string, call int) error {
		if call == 1 {
			cancel() // the function times out while sending the second email
			return ctx.Err()
		}
		return nil
	})
	if _, err := runSafely(ctx, e.notifier()); err == nil {
		t.Fatal("the dying run reported no error")
	}
	e.ses.setFail(nil)
	e.expectMail(each(reachedSubject, w.contacts[0]))
	id := domain.NotificationID(tg.ID, domain.KindReached, 100)
	n := e.notifications(w.prog.ID)[id]
	if n.Status != domain.NotificationPending || n.Attempts != 1 || !slices.Equal(n.Delivered, w.contacts[:1]) ||
		!slices.Equal(n.Sending, w.contacts[1:2]) {
		t.Errorf("after the dead run: %+v", n)
	}

	e.clk.Add(30 * time.Second) // inside the notifier's one-minute lease
	if rep := e.run(); rep.Emails != 0 {
		t.Errorf("run under the lease: %+v", rep)
	}
	e.clk.Add(time.Minute)
	if rep := e.run(); rep.Emails != 2 || rep.Sent != 0 || rep.Failed != 1 {
		t.Errorf("run after the lease: %+v", rep)
	}
	e.expectMail(merge(each(reachedSubject, w.contacts[0]), each(reachedSubject, w.contacts[2:]...)))
	if calls := e.ses.calls(); calls[w.contacts[1]] != 1 {
		t.Errorf("SES was asked %d times for %s, want once", calls[w.contacts[1]], w.contacts[1])
	}
	n = e.notifications(w.prog.ID)[id]
	if n.Status != domain.NotificationFailed || n.Attempts != 2 || len(n.Delivered) != 3 ||
		!slices.Equal(n.Sending, w.contacts[1:2]) || !strings.Contains(n.LastError, "not known to be delivered to "+w.contacts[1]) ||
		!strings.Contains(n.LastError, "a run stopped while sending") {
		t.Errorf("finally: %+v", n)
	}
	e.clk.Add(10 * time.Minute)
	if rep := e.run(); rep.Emails != 0 {
		t.Errorf("later run: %+v", rep)
	}
}

// dieAfterSend hands each email to SES and, once SES has taken the
// call-th (from 0), ends the run's context before the notifier hears
// back: the function timing out (or being killed) just after SES took it.
type dieAfterSend struct {
	email.Sender
	call   int
	cancel context.CancelFunc
	calls  int
}

func (d *dieAfterSend) Send(ctx context.Context, m email.Message) error {
	err := d.Sender.Send(ctx, m)
	d.calls++
	if d.calls == d.call+1 {
		d.cancel()
		return context.Canceled
	}
	return err
}

// failMarkDelivered fails, while armed, every update that records a
// recipient delivered: a run that dies between the send and recording it.
type failMarkDelivered struct{ armed atomic.Bool }

func (f *failMarkDelivered) option(o *dynamodb.Options) {
	o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
		return s.Initialize.Add(middleware.InitializeMiddlewareFunc("failMarkDelivered",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				if u, ok := in.Parameters.(*dynamodb.UpdateItemInput); ok && f.armed.Load() &&
					strings.Contains(aws.ToString(u.UpdateExpression), "#list") && u.ExpressionAttributeNames["#list"] == "delivered" {
					return middleware.InitializeOutput{}, middleware.Metadata{}, errors.New("run died")
				}
				return next.HandleInitialize(ctx, in)
			}), middleware.Before)
	})
}

// TestRunDiedAfterSendNeverResends: SES takes an email and the run dies
// before recording it delivered (killed, or its write of the delivery
// fails). Runs after the lease send the rest, never that one again, and
// the notification says it is not known to have arrived, so the leads
// can check. This is the audit's duplicate (a kill -9 between Send and
// MarkDelivered): before the fix the contact got the email twice.
func TestRunDiedAfterSendNeverResends(t *testing.T) {
	t.Parallel()
	for _, how := range []string{"killed", "delivery not recorded"} {
		t.Run(how, func(t *testing.T) {
			t.Parallel()
			f := &failMarkDelivered{}
			e := newEnv(t, f.option)
			w, tg := reachedWorld(e)
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			n := e.notifier()
			if how == "killed" {
				n.Email = &dieAfterSend{Sender: n.Email, call: 1, cancel: cancel}
			} else {
				e.ses.setFail(func(_ string, call int) error {
					f.armed.Store(call == 1) // the second send goes; recording it fails
					return nil
				})
			}
			if _, err := runSafely(ctx, n); err == nil {
				t.Fatal("the dying run reported no error")
			}
			f.armed.Store(false)
			e.ses.setFail(nil)
			e.expectMail(each(reachedSubject, w.contacts[:2]...))

			e.clk.Add(2 * time.Minute) // past the lease
			if rep := e.run(); rep.Emails != 2 || rep.Failed != 1 {
				t.Errorf("run after the lease: %+v", rep)
			}
			e.clk.Add(10 * time.Minute)
			if rep := e.run(); rep.Emails != 0 {
				t.Errorf("later run: %+v", rep)
			}
			e.expectMail(each(reachedSubject, w.contacts...))
			note := e.notifications(w.prog.ID)[domain.NotificationID(tg.ID, domain.KindReached, 100)]
			if note.Status != domain.NotificationFailed || !slices.Equal(note.Sending, w.contacts[1:2]) ||
				slices.Contains(note.Delivered, w.contacts[1]) || len(note.Delivered) != 3 ||
				!strings.Contains(note.LastError, "not known to be delivered to "+w.contacts[1]) {
				t.Errorf("notification %+v", note)
			}
		})
	}
}

// TestLeaseHeldByLiveRun: while one run holds a lease (here: taken through
// the store with a long lease), another run started at the same moment
// sends nothing, even though the notification is pending.
func TestLeaseHeldByLiveRun(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w, tg := reachedWorld(e)
	e.run() // claims and sends the reached email
	// A second, missed-deadline milestone claimed and leased by "another run".
	now := e.clk.Now()
	note := domain.Notification{ID: domain.NotificationID(tg.ID, domain.KindMissed, 100), TargetID: tg.ID, Threshold: 100,
		Kind: domain.KindMissed, Status: domain.NotificationPending, CreatedAt: now, ProgrammeID: w.prog.ID, Figure: 61,
		Value: 60, Metric: domain.MetricPeopleIntoWork, On: domain.DateOf(now), Recipients: []string{w.lead}}
	if ok, err := e.st.ClaimNotification(t.Context(), note); !ok || err != nil {
		t.Fatal(ok, err)
	}
	if _, ok, err := e.st.LeaseNotification(t.Context(), w.prog.ID, note.ID, now, time.Hour); !ok || err != nil {
		t.Fatal(ok, err)
	}
	for range 3 {
		e.clk.Add(10 * time.Minute)
		if rep := e.run(); rep.Emails != 0 {
			t.Errorf("run while another holds the lease: %+v", rep)
		}
	}
	// A lease cannot be taken twice at once, and not at all once finished.
	if _, ok, _ := e.st.LeaseNotification(t.Context(), w.prog.ID, note.ID, e.clk.Now(), time.Minute); ok {
		t.Error("leased a notification another run holds")
	}
	if _, ok, _ := e.st.LeaseNotification(t.Context(), w.prog.ID, domain.NotificationID(tg.ID, domain.KindReached, 100),
		e.clk.Now().Add(24*time.Hour), time.Minute); ok {
		t.Error("leased a notification already sent")
	}
	e.expectMail(each(reachedSubject, w.contacts...))
}

// TestOvertakenRunSendsNothingTwice: a run stalls inside SES's call for
// longer than its lease; another run takes the notification over (the
// stalled address counts as not known to be delivered) and sends the
// rest. When the stalled run wakes, its call completes, and it finds the
// lease gone: nobody gets the email twice.
func TestOvertakenRunSendsNothingTwice(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w, tg := reachedWorld(e)
	stalled, resume := make(chan struct{}), make(chan struct{})
	e.ses.setFail(func(_ string, call int) error {
		if call == 0 {
			close(stalled)
			<-resume
		}
		return nil
	})
	done := make(chan error)
	go func() {
		_, err := runSafely(t.Context(), e.notifier())
		done <- err
	}()
	<-stalled
	e.clk.Add(2 * time.Minute) // past the stalled run's lease
	if rep := e.run(); rep.Emails != 3 || rep.Failed != 1 {
		t.Errorf("the run that took over: %+v", rep)
	}
	close(resume)
	if err := <-done; err != nil {
		t.Errorf("the stalled run: %v", err)
	}
	for to, n := range e.ses.calls() {
		if n != 1 {
			t.Errorf("%d SendEmail calls to %s", n, to)
		}
	}
	e.expectMail(each(reachedSubject, w.contacts...))
	n := e.notifications(w.prog.ID)[domain.NotificationID(tg.ID, domain.KindReached, 100)]
	if n.Status != domain.NotificationFailed || !strings.Contains(n.LastError, "not known to be delivered to "+w.contacts[0]) {
		t.Errorf("notification %+v", n)
	}
}
