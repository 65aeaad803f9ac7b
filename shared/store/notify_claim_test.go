package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/testenv"
)

// TestClaimRecipientAtMostOnce: a recipient is claimed before its email
// goes to SES, only under the lease that claims it, and only once: a
// claim left by a run that died stays until the notification finishes
// (recorded as not known to be delivered); delivery and refusal settle
// it, and a passing failure withdraws it for a later run to retry.
func TestClaimRecipientAtMostOnce(t *testing.T) {
	t.Parallel()
	db, table := testenv.Table(t)
	w := dsSetup(t, db, table)
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	n := domain.Notification{ID: domain.NotificationID(domain.NewID(), domain.KindReached, 100), ProgrammeID: w.P,
		Kind: domain.KindReached, Threshold: 100, Status: domain.NotificationPending, CreatedAt: now,
		Recipients: []string{"a@example.org", "b@example.org", "c@example.org", "d@example.org"}}
	if ok, err := w.st.ClaimNotification(ctx, n); !ok || err != nil {
		t.Fatal(ok, err)
	}
	read := func() domain.Notification {
		t.Helper()
		var got domain.Notification
		g := &service.Get{Ref: domain.Ref(domain.EntityNotification, n.ID), Into: &got}
		if err := w.st.Read(ctx, w.P, g); err != nil || !g.Found {
			t.Fatal(err, g.Found)
		}
		return got
	}
	claim := func(attempt int64, to string, want bool) {
		t.Helper()
		if ok, err := w.st.ClaimRecipient(ctx, w.P, n.ID, attempt, to); err != nil || ok != want {
			t.Errorf("claim %s under attempt %d: %v %v, want %v", to, attempt, ok, err, want)
		}
	}
	first, ok, err := w.st.LeaseNotification(ctx, w.P, n.ID, now, time.Minute)
	if err != nil || !ok || first.Attempts != 1 {
		t.Fatal(first, ok, err)
	}
	claim(1, "a@example.org", true)
	claim(1, "a@example.org", false) // claimed already
	claim(2, "b@example.org", false) // not this lease's
	if err := w.st.MarkDelivered(ctx, w.P, n.ID, "a@example.org"); err != nil {
		t.Fatal(err)
	}
	claim(1, "a@example.org", false) // delivered
	claim(1, "b@example.org", true)
	if err := w.st.MarkRejected(ctx, w.P, n.ID, "b@example.org"); err != nil {
		t.Fatal(err)
	}
	claim(1, "b@example.org", false) // refused for good
	claim(1, "c@example.org", true)
	if err := w.st.ReleaseNotification(ctx, w.P, n.ID, "c@example.org", "throttled"); err != nil {
		t.Fatal(err)
	}
	if got := read(); got.Sending != nil || !slices.Equal(got.Delivered, []string{"a@example.org"}) ||
		!slices.Equal(got.Rejected, []string{"b@example.org"}) || got.LastError != "throttled" {
		t.Errorf("after delivery, refusal and release: %+v", got)
	}

	// The next lease claims c again (released), and d; then it dies.
	second, ok, err := w.st.LeaseNotification(ctx, w.P, n.ID, now, time.Minute)
	if err != nil || !ok || second.Attempts != 2 {
		t.Fatal(second, ok, err)
	}
	claim(1, "c@example.org", false) // the first lease is over
	claim(2, "c@example.org", true)
	claim(2, "d@example.org", true)
	if err := w.st.MarkDelivered(ctx, w.P, n.ID, "c@example.org"); err != nil {
		t.Fatal(err)
	}
	third, ok, err := w.st.LeaseNotification(ctx, w.P, n.ID, now.Add(2*time.Minute), time.Minute)
	if err != nil || !ok || !slices.Equal(third.Sending, []string{"d@example.org"}) {
		t.Fatalf("the lease after a run died sending to d: %+v %v %v", third, ok, err)
	}
	claim(3, "d@example.org", false) // never sent twice

	third.Status, third.LastError = domain.NotificationFailed, "not known to be delivered to d@example.org"
	ev := domain.NewAuditEvent(domain.Caller{Identity: domain.Identity{Subject: "n", Email: "n@example.org"}}, w.P,
		domain.EntityNotification, n.ID, domain.ActionSend, nil, map[string]any{"status": "failed"}, now)
	if err := w.st.FinishNotification(ctx, third, ev); err != nil {
		t.Fatal(err)
	}
	if got := read(); got.Status != domain.NotificationFailed || !slices.Equal(got.Sending, []string{"d@example.org"}) ||
		!slices.Equal(got.Delivered, []string{"a@example.org", "c@example.org"}) {
		t.Errorf("finished: %+v", got)
	}
	claim(3, "a@example.org", false) // finished: nothing is claimed any more
}

// TestClaimNotificationsAllOrNone: a target's thresholds crossed at once
// are claimed in one change: when one was claimed before, none is written
// and its id is answered; otherwise all are, each with its claim event. A
// release with no address gives the lease back and keeps the claims.
func TestClaimNotificationsAllOrNone(t *testing.T) {
	t.Parallel()
	db, table := testenv.Table(t)
	w := dsSetup(t, db, table)
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	target := domain.NewID()
	note := func(th int64) domain.Notification {
		return domain.Notification{ID: domain.NotificationID(target, domain.KindReached, th), ProgrammeID: w.P, TargetID: target,
			Kind: domain.KindReached, Threshold: th, Status: domain.NotificationPending, CreatedAt: now, Recipients: []string{"a@example.org"}}
	}
	found := func(th int64) bool {
		t.Helper()
		var got domain.Notification
		g := &service.Get{Ref: domain.Ref(domain.EntityNotification, note(th).ID), Into: &got}
		if err := w.st.Read(ctx, w.P, g); err != nil {
			t.Fatal(err)
		}
		return g.Found
	}
	if ok, err := w.st.ClaimNotification(ctx, note(50)); !ok || err != nil {
		t.Fatal(ok, err)
	}
	covered, top := note(25), note(100)
	covered.Status, covered.CoveredBy, top.Covers = domain.NotificationSent, top.ID, []int64{25, 50}
	fifty := note(50)
	fifty.Status, fifty.CoveredBy = domain.NotificationSent, top.ID
	if taken, err := w.st.ClaimNotifications(ctx, []domain.Notification{covered, fifty, top}); err != nil || taken != fifty.ID {
		t.Fatalf("claim with 50%% taken: %q, %v", taken, err)
	}
	if found(25) || found(100) {
		t.Fatal("a claim of several wrote some of them")
	}
	top.Covers = []int64{25}
	if taken, err := w.st.ClaimNotifications(ctx, []domain.Notification{covered, top}); err != nil || taken != "" {
		t.Fatalf("claim: %q, %v", taken, err)
	}
	if !found(25) || !found(100) {
		t.Fatal("not all claimed")
	}
	for _, th := range []int64{25, 100} {
		evs, _, err := w.st.History(ctx, w.P, domain.Ref(domain.EntityNotification, note(th).ID), service.Page{Limit: 10})
		if err != nil || len(evs) != 1 {
			t.Errorf("%d%%: history %v, %v", th, evs, err)
		}
	}
	leased, ok, err := w.st.LeaseNotification(ctx, w.P, top.ID, now, time.Hour)
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	if ok, err := w.st.ClaimRecipient(ctx, w.P, top.ID, leased.Attempts, "a@example.org"); !ok || err != nil {
		t.Fatal(ok, err)
	}
	if err := w.st.ReleaseNotification(ctx, w.P, top.ID, "", "stopping"); err != nil {
		t.Fatal(err)
	}
	again, ok, err := w.st.LeaseNotification(ctx, w.P, top.ID, now, time.Hour)
	if err != nil || !ok || !slices.Equal(again.Sending, []string{"a@example.org"}) || again.LastError != "stopping" {
		t.Errorf("after a release with no address: %+v, %v, %v", again, ok, err)
	}
}
