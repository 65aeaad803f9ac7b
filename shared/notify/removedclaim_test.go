package notify_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/notify"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// afterClaim is the notifier's storage for a run overtaken just after it
// claims a notification: then (once for each id it names) runs before
// the run goes on to send it.
type afterClaim struct {
	notify.Storage
	then map[string]func(ctx context.Context) error
	mu   sync.Mutex
	errs []error
}

func (a *afterClaim) ClaimNotification(ctx context.Context, n domain.Notification, holds ...service.Premise) (bool, error) {
	claimed, err := a.Storage.ClaimNotification(ctx, n, holds...)
	a.mu.Lock()
	f := a.then[n.ID]
	delete(a.then, n.ID)
	a.mu.Unlock()
	if claimed && err == nil && f != nil {
		if ferr := f(ctx); ferr != nil {
			a.mu.Lock()
			a.errs = append(a.errs, ferr)
			a.mu.Unlock()
		}
	}
	return claimed, err
}

// TestReturnGoneAfterItsEmailWasClaimed: a run claims a return's reminder
// and another's overdue email, and just then a lead moves the schedule's
// last period earlier, removing the first return, and the project lead
// sends the second. Neither email goes: its first recipient's claim
// checks the return is still expected, in one transaction, so the run
// withdraws it (not listed, its deletion in the history saying why), and
// no later run sends it.
func TestReturnGoneAfterItsEmailWasClaimed(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.clk.Set("2026-10-13T09:00:00Z") // Q3 due 20 October: its 7-day reminder today; Q2 (due 20 July) overdue
	c := e.cycleWith(false)
	q2 := domain.ReturnID(c.schedule.ID, c.project.ID, domain.MustDate("2026-04-01"))
	q3 := domain.ReturnID(c.schedule.ID, c.project.ID, domain.MustDate("2026-07-01"))
	reminder := domain.ReturnNotificationID(q3, domain.ReturnNotice{Kind: domain.KindReminder, Reminder: 7})
	overdue := domain.ReturnNotificationID(q2, domain.ReturnNotice{Kind: domain.KindOverdue})
	racing := &afterClaim{Storage: e.st, then: map[string]func(ctx context.Context) error{
		reminder: func(ctx context.Context) error {
			_, err := e.svc.Open(ctx, testkit.Caller(c.lead), c.prog.ID).UpdateSchedule(c.schedule.ID, func(int64) bool { return true },
				testkit.Body(obj{"lastPeriodEnd": "2026-06-30"}))
			return err
		},
		overdue: func(ctx context.Context) error {
			_, err := c.as(c.projLead).SubmitOutcome(testkit.Body(obj{"periodStart": "2026-04-01", "periodEnd": "2026-06-30",
				"counts": obj{"peopleIntoWork": 3}}))
			return err
		},
	}}
	n := e.notifier()
	n.Store = racing
	rep, err := runSafely(t.Context(), n)
	if err != nil || len(racing.errs) > 0 {
		t.Fatalf("the run: %v %v (%+v)", err, racing.errs, rep)
	}
	if len(racing.then) != 0 {
		t.Fatalf("not claimed: %v", racing.then)
	}
	// The one email: the leads told the Q2 return awaits their review.
	if rep.Claimed != 2 || rep.Emails != 1 || rep.NotNeeded != 2 {
		t.Errorf("the run: %+v, want both claimed, neither emailed, both not needed", rep)
	}
	e.run()
	e.expectMail(each("Submission awaiting review: April to June 2026 (Aspiro internships, Bradford IPS network)", c.lead))
	notes := e.notifications(c.prog.ID)
	for id, reason := range map[string]domain.NotNeededReason{reminder: domain.NotNeededRemoved, overdue: domain.NotNeededSubmitted} {
		if n, ok := notes[id]; ok {
			t.Errorf("%s is listed: %+v", id, n)
		}
		hist, _, err := e.st.History(t.Context(), c.prog.ID, domain.Ref(domain.EntityNotification, id), service.Page{})
		if err != nil {
			t.Fatal(err)
		}
		if len(hist) != 2 || hist[0].Action != domain.ActionDelete || hist[0].ActorEmail != notify.Actor.Email ||
			fmt.Sprint(hist[0].Changes["notNeeded"].Before) != string(reason) {
			t.Errorf("%s: history %+v, want its claim, then its deletion by the notifier, not needed %q", id, hist, reason)
		}
	}
}
