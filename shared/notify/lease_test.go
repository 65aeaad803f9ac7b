package notify_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
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
// the lease sends nothing; after the lease the rest are sent, and the
// contact who already had it is not emailed again.
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
	if n.Status != domain.NotificationPending || n.Attempts != 1 || !slices.Equal(n.Delivered, w.contacts[:1]) {
		t.Errorf("after the dead run: %+v", n)
	}

	e.clk.Add(30 * time.Second) // inside the notifier's one-minute lease
	if rep := e.run(); rep.Emails != 0 {
		t.Errorf("run under the lease: %+v", rep)
	}
	e.clk.Add(time.Minute)
	if rep := e.run(); rep.Emails != 3 || rep.Sent != 1 {
		t.Errorf("run after the lease: %+v", rep)
	}
	e.expectMail(each(reachedSubject, w.contacts...))
	n = e.notifications(w.prog.ID)[id]
	if n.Status != domain.NotificationSent || n.Attempts != 2 || len(n.Delivered) != 4 {
		t.Errorf("finally: %+v", n)
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
