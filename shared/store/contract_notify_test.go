package store_test

// The storage contract of the notifier (notify.Storage; see
// contract_test.go): the conditional writes that keep each email to at
// most once (claims, leases, per-recipient claims, finishing) and the
// indexes a run reads (changed programmes, due targets, returns and
// payments, pending notifications, unfinished generations), held to the
// same answers in the DynamoDB store and memstore, so the notifier's rule
// tests over memstore say what it does over DynamoDB.

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

func TestContractNotifier(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		run  func(c *ct)
	}{
		{"claims and leases", ctLeases},
		{"withdrawing one never emailed", ctWithdraw},
		{"recipients and finishing", ctFinish},
		{"readdressing a leased notification", ctReaddress},
		{"a recipient's claim on what makes them one", ctClaimPremised},
		{"a milestone's claim on its target's notify list", ctClaimOnNotifyList},
		{"pending notifications by shard", ctPending},
		{"changed programmes and due targets", ctDueTargets},
		{"waking a target", ctWakeTarget},
		{"due returns", ctDueReturns},
		{"returns removed with a schedule's last periods", ctRemovedReturns},
		{"returns moved with a project's dates", ctProjectDatesReturns},
		{"a return's reminders", ctReminderClaims},
		{"unfinished generations", ctGenerations},
		{"due and waiting payments", ctDuePayments},
		{"submissions awaiting review", ctAwaitsReview},
		{"digests: including and covering", ctDigest},
	}
	for _, im := range ctImpls {
		t.Run(im.name, func(t *testing.T) {
			t.Parallel()
			for _, cs := range cases {
				t.Run(cs.name, func(t *testing.T) {
					t.Parallel()
					st := im.open(t)
					cs.run(&ct{T: t, st: st, ctx: context.Background(), dirty: func(p string) (int64, bool) { return im.dirty(t, st, p) },
						waiting: func(p string) int64 { return im.waiting(t, st, p) },
						who:     domain.Caller{Identity: domain.Identity{Subject: "sub-lead", Email: "lead@example.org"}}})
				})
			}
		})
	}
}

// ctNote claims a pending milestone notification of programme pid to to.
func ctNote(c *ct, pid string, threshold int64, to ...string) domain.Notification {
	c.Helper()
	return ctNoteAt(c, pid, threshold, time.Now().UTC().Truncate(time.Millisecond), to...)
}

// ctNoteAt is ctNote recorded at.
func ctNoteAt(c *ct, pid string, threshold int64, at time.Time, to ...string) domain.Notification {
	c.Helper()
	target := domain.NewID()
	n := domain.Notification{ID: domain.NotificationID(target, domain.KindReached, threshold), ProgrammeID: pid, TargetID: target,
		Threshold: threshold, Kind: domain.KindReached, Status: domain.NotificationPending, Recipients: to,
		CreatedAt: at, Metric: domain.MetricReferrals, Value: 100, Figure: threshold}
	if claimed, err := c.st.ClaimNotification(c.ctx, n); err != nil || !claimed {
		c.Fatalf("claim %s: %v %v", n.ID, claimed, err)
	}
	return n
}

func (c *ct) note(pid, id string) domain.Notification {
	c.Helper()
	n, ok := ctGet[domain.Notification](c, pid, domain.Ref(domain.EntityNotification, id))
	if !ok {
		c.Fatalf("notification %s is not there", id)
	}
	return n
}

// ctLeases: a claim succeeds once; a lease is taken once until it runs
// out (compared in milliseconds), each counting an attempt; a released
// lease may be taken at once; a finished notification is leased no more.
func ctLeases(c *ct) {
	p := c.programme()
	n := ctNote(c, p.ID, 50, "a@example.org")
	if again, err := c.st.ClaimNotification(c.ctx, n); err != nil || again {
		c.Errorf("claimed twice: %v %v", again, err)
	}
	now := time.Now().UTC().Truncate(time.Millisecond)
	lease := func(at time.Time, want bool, attempts int64) {
		c.Helper()
		got, ok, err := c.st.LeaseNotification(c.ctx, p.ID, n.ID, at, time.Minute)
		if err != nil || ok != want {
			c.Fatalf("lease at +%v: %v %v, want %v", at.Sub(now), ok, err, want)
		}
		if ok && (got.ID != n.ID || got.Attempts != attempts || got.Status != domain.NotificationPending) {
			c.Errorf("leased at +%v: %+v, want attempt %d", at.Sub(now), got, attempts)
		}
	}
	lease(now, true, 1)
	lease(now.Add(30*time.Second), false, 0)
	lease(now.Add(time.Minute), false, 0) // runs until its last millisecond
	lease(now.Add(time.Minute+time.Millisecond), true, 2)
	if got := c.note(p.ID, n.ID); got.Attempts != 2 {
		c.Errorf("%d attempts recorded, want 2", got.Attempts)
	}
	c.ok(c.st.ReleaseNotification(c.ctx, p.ID, n.ID, "a@example.org", "throttled"))
	lease(now.Add(time.Minute+2*time.Millisecond), true, 3) // released: at once
	if got := c.note(p.ID, n.ID); got.LastError != "throttled" {
		c.Errorf("the release's error: %q", got.LastError)
	}
	sent := n
	sent.Status, sent.Attempts = domain.NotificationSent, 3
	c.ok(c.st.FinishNotification(c.ctx, sent, c.change(p.ID, domain.EntityNotification, n.ID, domain.ActionSend, nil, map[string]any{"status": "sent"}).Audit))
	lease(now.Add(time.Hour), false, 0)
	if _, ok, err := c.st.LeaseNotification(c.ctx, p.ID, "nothing.reached-50", now, time.Minute); err != nil || ok {
		c.Errorf("leased a notification that is not there: %v %v", ok, err)
	}
}

// ctFinish: recipients are claimed once per lease and settled delivered
// or rejected; a release withdraws its recipient's claim; finishing is
// once, with one audit event, and leaves Sending as told.
func ctFinish(c *ct) {
	p := c.programme()
	a, b, d := "a@example.org", "b@example.org", "d@example.org"
	n := ctNote(c, p.ID, 50, a, b, d)
	now := time.Now().UTC().Truncate(time.Millisecond)
	if _, ok, err := c.st.LeaseNotification(c.ctx, p.ID, n.ID, now, time.Minute); err != nil || !ok {
		c.Fatalf("lease: %v %v", ok, err)
	}
	claim := func(attempt int64, to string, want bool) {
		c.Helper()
		if ok, err := c.st.ClaimRecipient(c.ctx, p.ID, n.ID, attempt, to); err != nil || ok != want {
			c.Errorf("claim %s under attempt %d: %v %v, want %v", to, attempt, ok, err, want)
		}
	}
	claim(1, a, true)
	claim(1, a, false)
	c.ok(c.st.MarkDelivered(c.ctx, p.ID, n.ID, a))
	claim(1, a, false) // delivered
	claim(1, b, true)
	c.ok(c.st.MarkRejected(c.ctx, p.ID, n.ID, b))
	claim(1, d, true)
	c.ok(c.st.ReleaseNotification(c.ctx, p.ID, n.ID, d, "throttled"))
	got := c.note(p.ID, n.ID)
	if !slices.Equal(got.Delivered, []string{a}) || !slices.Equal(got.Rejected, []string{b}) || len(got.Sending) != 0 {
		c.Errorf("after delivered, rejected and released: %+v", got)
	}
	if _, ok, err := c.st.LeaseNotification(c.ctx, p.ID, n.ID, now, time.Minute); err != nil || !ok {
		c.Fatalf("lease after the release: %v %v", ok, err)
	}
	claim(1, d, false) // the released lease's attempt is over
	claim(2, d, true)  // a run stops here: d's email may have gone

	events := func() int {
		return len(ctAll(c, 100, func(pg service.Page) ([]domain.AuditEvent, string, error) {
			return c.st.History(c.ctx, p.ID, domain.Ref(domain.EntityNotification, n.ID), pg)
		}))
	}
	before := events()
	failed := got
	at := now.Add(time.Second)
	failed.Status, failed.LastError, failed.Sending, failed.SentAt = domain.NotificationFailed, "not known to be delivered to "+d, []string{d}, &at
	ev := func() domain.AuditEvent {
		return c.change(p.ID, domain.EntityNotification, n.ID, domain.ActionSend, nil, map[string]any{"status": "failed"}).Audit
	}
	c.ok(c.st.FinishNotification(c.ctx, failed, ev()))
	c.ok(c.st.FinishNotification(c.ctx, failed, ev())) // finished already: nothing
	if n := events() - before; n != 1 {
		c.Errorf("finishing twice wrote %d audit events, want 1", n)
	}
	got = c.note(p.ID, n.ID)
	if got.Status != domain.NotificationFailed || got.LastError != failed.LastError || !slices.Equal(got.Sending, []string{d}) ||
		got.SentAt == nil || !got.SentAt.Equal(at) || !slices.Equal(got.Delivered, []string{a}) || got.Attempts != 2 {
		c.Errorf("finished: %+v", got)
	}
	claim(2, d, false) // no longer pending

	// A notification recorded without recipients gets them once.
	bare := ctNote(c, p.ID, 100)
	if got := c.note(p.ID, bare.ID); got.Recipients != nil {
		c.Errorf("recorded without recipients: %v", got.Recipients)
	}
	to, err := c.st.SetRecipients(c.ctx, p.ID, bare.ID, []string{a}, map[string][]string{"f1": {a}})
	c.ok(err)
	again, err := c.st.SetRecipients(c.ctx, p.ID, bare.ID, []string{b}, map[string][]string{"f1": {b}})
	c.ok(err)
	if !slices.Equal(to, []string{a}) || !slices.Equal(again, []string{a}) {
		c.Errorf("recipients set %v, then %v; want the first both times", to, again)
	}
	if got := c.note(p.ID, bare.ID).FunderContacts; !slices.Equal(got["f1"], []string{a}) || len(got) != 1 {
		c.Errorf("funder contacts set with the recipients: %v, want the first", got)
	}
	// Settled as not needed, one never given recipients lists none.
	none := ctNote(c, p.ID, 75)
	settled := none
	settled.Status, settled.NotNeeded = domain.NotificationSent, domain.NotNeededReviewed
	c.ok(c.st.FinishNotification(c.ctx, settled, c.change(p.ID, domain.EntityNotification, none.ID, domain.ActionSend, nil, map[string]any{}).Audit))
	if got := c.note(p.ID, none.ID); got.Recipients == nil || len(got.Recipients) != 0 || got.NotNeeded != domain.NotNeededReviewed {
		c.Errorf("settled unsent: recipients %#v, %q", got.Recipients, got.NotNeeded)
	}
}

// ctClaimPremised: a recipient's claim with premises (what makes the
// address a recipient as the caller read it: a funder's contacts, a
// member's roles) is made only while each still holds; once a contact is
// taken off the funder, or a lead's roles change or the lead is removed,
// it is refused with service.ErrNoLongerRecipient and nothing is written,
// until it is claimed on a read made since. A claim the notification's
// own conditions refuse (another lease's) is false with no error, even
// when a premise fails too.
func ctClaimPremised(c *ct) {
	p := c.programme()
	a, b, l := "a@example.org", "b@example.org", "l@example.org"
	now := time.Now().UTC().Truncate(time.Millisecond)
	f := domain.Funder{ID: domain.NewID(), Name: "DWP", Contacts: []string{a, b}, Version: 1, CreatedAt: now}
	c.ok(c.st.CreateFunder(c.ctx, p.ID, f, c.change(p.ID, domain.EntityFunder, f.ID, domain.ActionCreate, nil, f)))
	lead := domain.Member{Email: l, Roles: []domain.Role{{Role: domain.RoleLead}}, UpdatedAt: now}
	c.ok(c.st.PutMember(c.ctx, p.ID, lead, nil, c.change(p.ID, domain.EntityMember, l, domain.ActionCreate, nil, lead)))

	n := ctNote(c, p.ID, 50, a, b, l)
	leased, ok, err := c.st.LeaseNotification(c.ctx, p.ID, n.ID, now, time.Minute)
	if err != nil || !ok {
		c.Fatalf("lease: %v %v", ok, err)
	}
	claim := func(to string, attempt int64, want bool, wantErr error, holds ...service.Premise) {
		c.Helper()
		before := c.note(p.ID, n.ID).Sending
		got, err := c.st.ClaimRecipient(c.ctx, p.ID, n.ID, attempt, to, holds...)
		if got != want || !errors.Is(err, wantErr) || (wantErr == nil && err != nil) {
			c.Errorf("claim %s (attempt %d): %v %v, want %v %v", to, attempt, got, err, want, wantErr)
		}
		if after := c.note(p.ID, n.ID).Sending; !want && !slices.Equal(after, before) {
			c.Errorf("refused claim of %s wrote sending %v (was %v)", to, after, before)
		}
	}
	claim(a, leased.Attempts, true, nil, service.ContactPremise(f))

	// b is taken off the funder: a claim on the read before is refused.
	after := f
	after.Contacts, after.Version = []string{a}, 2
	c.ok(c.st.UpdateFunder(c.ctx, p.ID, f, after, c.change(p.ID, domain.EntityFunder, f.ID, domain.ActionChange, f, after)))
	claim(b, leased.Attempts, false, service.ErrNoLongerRecipient, service.ContactPremise(f))
	// Another lease's claim is refused as that, whatever its premise.
	claim(b, leased.Attempts-1, false, nil, service.ContactPremise(f))

	// The lead, on their roles as read; a change of them refuses a claim
	// on the read before, one on the read after is made.
	changed := lead
	changed.Roles, changed.UpdatedAt = append(slices.Clone(lead.Roles), domain.Role{Role: domain.RoleFunder, FunderID: f.ID}), now.Add(time.Second)
	c.ok(c.st.PutMember(c.ctx, p.ID, changed, &lead, c.change(p.ID, domain.EntityMember, l, domain.ActionChange, lead, changed)))
	claim(l, leased.Attempts, false, service.ErrNoLongerRecipient, service.MemberPremise(lead))
	claim(l, leased.Attempts, true, nil, service.MemberPremise(changed))

	// Removed from the programme: refused.
	m := ctNote(c, p.ID, 75, l)
	leasedM, ok, err := c.st.LeaseNotification(c.ctx, p.ID, m.ID, now, time.Minute)
	if err != nil || !ok {
		c.Fatalf("lease: %v %v", ok, err)
	}
	c.ok(c.st.DeleteMember(c.ctx, p.ID, changed, c.change(p.ID, domain.EntityMember, l, domain.ActionDelete, changed, nil)))
	if got, err := c.st.ClaimRecipient(c.ctx, p.ID, m.ID, leasedM.Attempts, l, service.MemberPremise(changed)); got || !errors.Is(err, service.ErrNoLongerRecipient) {
		c.Errorf("claim of a removed lead: %v %v", got, err)
	}
	if got := c.note(p.ID, m.ID); got.Sending != nil {
		c.Errorf("refused claim wrote sending %v", got.Sending)
	}
	// Without premises it is claimed as ever.
	if got, err := c.st.ClaimRecipient(c.ctx, p.ID, m.ID, leasedM.Attempts, l); !got || err != nil {
		c.Errorf("claim with no premise: %v %v", got, err)
	}

	// A payment-due email's, on its grant's funder as read too: the grant
	// given to another funder refuses a claim on the read before (its
	// contact's premise holding still), one on the read after is made.
	y := domain.Funder{ID: domain.NewID(), Name: "DH", Contacts: []string{b}, Version: 1, CreatedAt: now}
	c.ok(c.st.CreateFunder(c.ctx, p.ID, y, c.change(p.ID, domain.EntityFunder, y.ID, domain.ActionCreate, nil, y)))
	g := c.grant(p.ID, f.ID, "", 100)
	moved := g
	moved.FunderID, moved.Version = y.ID, 2
	pn := ctNote(c, p.ID, 90, a, b)
	leasedP, ok, err := c.st.LeaseNotification(c.ctx, p.ID, pn.ID, now, time.Minute)
	if err != nil || !ok {
		c.Fatalf("lease: %v %v", ok, err)
	}
	c.ok(c.st.UpdateGrant(c.ctx, p.ID, g, moved, c.change(p.ID, domain.EntityGrant, g.ID, domain.ActionChange, g, moved)))
	if got, err := c.st.ClaimRecipient(c.ctx, p.ID, pn.ID, leasedP.Attempts, a, service.ContactPremise(after),
		service.GrantFunderPremise(g.ID, f.ID)); got || !errors.Is(err, service.ErrNoLongerRecipient) {
		c.Errorf("claim on the grant's funder before it moved: %v %v", got, err)
	}
	if got := c.note(p.ID, pn.ID); got.Sending != nil {
		c.Errorf("refused claim wrote sending %v", got.Sending)
	}
	if got, err := c.st.ClaimRecipient(c.ctx, p.ID, pn.ID, leasedP.Attempts, b, service.ContactPremise(y),
		service.GrantFunderPremise(g.ID, y.ID)); !got || err != nil {
		c.Errorf("claim on the grant's funder now: %v %v", got, err)
	}
}

// ctClaimOnNotifyList: a milestone's claim (ClaimNotification, and
// ClaimNotifications for thresholds crossed at once) on its target's
// notify list as read (service.TargetNotifyPremise) is refused with
// service.ErrNoLongerRecipient once the list has changed, writing
// nothing, and made on the list as it now stands; one claimed already is
// answered so (false, "taken") whatever the premise; an empty list read
// as empty holds.
func ctClaimOnNotifyList(c *ct) {
	p := c.programme()
	x, y := c.funder(p.ID), c.funder(p.ID)
	tg := domain.Target{ID: domain.NewID(), Metric: domain.MetricPeopleIntoWork, Value: 10, Deadline: domain.MustDate("2026-12-31"),
		Notify: []string{x.ID}, Version: 1}
	c.ok(c.st.CreateTarget(c.ctx, p.ID, tg, domain.Date{}, c.change(p.ID, domain.EntityTarget, tg.ID, domain.ActionCreate, nil, tg)))
	moved := tg
	moved.Notify, moved.Version = []string{y.ID}, 2
	c.ok(c.st.UpdateTarget(c.ctx, p.ID, tg, moved, domain.Date{}, service.Release{}, c.change(p.ID, domain.EntityTarget, tg.ID, domain.ActionChange, tg, moved)))
	now := time.Now().UTC().Truncate(time.Millisecond)
	note := func(kind domain.NotificationKind, threshold int64, funder domain.Funder) domain.Notification {
		return domain.Notification{ID: domain.NotificationID(tg.ID, kind, threshold), ProgrammeID: p.ID, TargetID: tg.ID,
			Threshold: threshold, Kind: kind, Status: domain.NotificationPending, Recipients: funder.Contacts,
			FunderIDs: []string{funder.ID}, CreatedAt: now, Metric: tg.Metric, Value: tg.Value, Figure: 11}
	}
	absent := func(ids ...string) {
		c.Helper()
		for _, id := range ids {
			if n, ok := ctGet[domain.Notification](c, p.ID, domain.Ref(domain.EntityNotification, id)); ok {
				c.Errorf("a refused claim wrote %+v", n)
			}
		}
	}

	missed := note(domain.KindMissed, 0, x)
	if got, err := c.st.ClaimNotification(c.ctx, missed, service.TargetNotifyPremise(tg)); got || !errors.Is(err, service.ErrNoLongerRecipient) {
		c.Errorf("claim on the notify list before it changed: %v %v", got, err)
	}
	absent(missed.ID)
	low, high := note(domain.KindReached, 50, x), note(domain.KindReached, 100, x)
	low.Status, low.CoveredBy, high.Covers = domain.NotificationSent, high.ID, []int64{50}
	if taken, err := c.st.ClaimNotifications(c.ctx, []domain.Notification{low, high}, service.TargetNotifyPremise(tg)); taken != "" || !errors.Is(err, service.ErrNoLongerRecipient) {
		c.Errorf("claims on the notify list before it changed: %q %v", taken, err)
	}
	absent(low.ID, high.ID)

	missed = note(domain.KindMissed, 0, y)
	if got, err := c.st.ClaimNotification(c.ctx, missed, service.TargetNotifyPremise(moved)); !got || err != nil {
		c.Errorf("claim on the notify list now: %v %v", got, err)
	}
	low, high = note(domain.KindReached, 50, y), note(domain.KindReached, 100, y)
	low.Status, low.CoveredBy, high.Covers = domain.NotificationSent, high.ID, []int64{50}
	if taken, err := c.st.ClaimNotifications(c.ctx, []domain.Notification{low, high}, service.TargetNotifyPremise(moved)); taken != "" || err != nil {
		c.Errorf("claims on the notify list now: %q %v", taken, err)
	}
	if got := c.note(p.ID, high.ID); !slices.Equal(got.FunderIDs, []string{y.ID}) {
		c.Errorf("claimed: %+v", got)
	}
	// Claimed already: so answered, the stale premise notwithstanding.
	if got, err := c.st.ClaimNotification(c.ctx, missed, service.TargetNotifyPremise(tg)); got || err != nil {
		c.Errorf("claimed again on a stale list: %v %v", got, err)
	}
	if taken, err := c.st.ClaimNotifications(c.ctx, []domain.Notification{low, high}, service.TargetNotifyPremise(tg)); taken != low.ID || err != nil {
		c.Errorf("claims again on a stale list: %q %v", taken, err)
	}

	// A list read empty holds while it is empty.
	quiet := domain.Target{ID: domain.NewID(), Metric: domain.MetricPeopleIntoWork, Value: 10, Deadline: domain.MustDate("2026-12-31"),
		Notify: []string{}, Version: 1}
	c.ok(c.st.CreateTarget(c.ctx, p.ID, quiet, domain.Date{}, c.change(p.ID, domain.EntityTarget, quiet.ID, domain.ActionCreate, nil, quiet)))
	n := note(domain.KindMissed, 0, y)
	n.ID, n.TargetID = domain.NotificationID(quiet.ID, domain.KindMissed, 0), quiet.ID
	if got, err := c.st.ClaimNotification(c.ctx, n, service.TargetNotifyPremise(quiet)); !got || err != nil {
		c.Errorf("claim on an empty list still empty: %v %v", got, err)
	}
}

// ctReaddress: a leased notification's recipients, those withdrawn and
// each funder's contacts are recorded as given, with the audit event, only
// under the lease that holds it and only while it is pending; a later
// readdress with none withdrawn removes them. Claims, deliveries and
// refusals are left as they were. Anything else writes nothing, and is
// not an error.
func ctReaddress(c *ct) {
	p := c.programme()
	a, b, d, x := "a@example.org", "b@example.org", "d@example.org", "x@example.org"
	n := ctNote(c, p.ID, 50, a, b, d)
	now := time.Now().UTC().Truncate(time.Millisecond)
	leased, ok, err := c.st.LeaseNotification(c.ctx, p.ID, n.ID, now, time.Minute)
	if err != nil || !ok {
		c.Fatalf("lease: %v %v", ok, err)
	}
	if ok, err := c.st.ClaimRecipient(c.ctx, p.ID, n.ID, 1, a); err != nil || !ok {
		c.Fatalf("claim %s: %v %v", a, ok, err)
	}
	c.ok(c.st.MarkDelivered(c.ctx, p.ID, n.ID, a))
	if ok, err := c.st.ClaimRecipient(c.ctx, p.ID, n.ID, 1, b); err != nil || !ok {
		c.Fatalf("claim %s: %v %v", b, ok, err)
	}
	events := func() int {
		return len(ctAll(c, 100, func(pg service.Page) ([]domain.AuditEvent, string, error) {
			return c.st.History(c.ctx, p.ID, domain.Ref(domain.EntityNotification, n.ID), pg)
		}))
	}
	before := events()
	readdress := func(m domain.Notification, want bool) {
		c.Helper()
		ev := c.change(p.ID, domain.EntityNotification, n.ID, domain.ActionChange, n.RecipientsRecord(), m.RecipientsRecord()).Audit
		if ok, err := c.st.ReaddressNotification(c.ctx, m, ev); err != nil || ok != want {
			c.Errorf("readdress under attempt %d to %v: %v %v, want %v", m.Attempts, m.Recipients, ok, err, want)
		}
	}
	to := leased
	to.Recipients = []string{a, b, x}
	to.Withdrawn = []domain.Withdrawal{{Email: d, Reason: domain.WithdrawnNoLongerContact}}
	to.FunderContacts = map[string][]string{"f1": {a, d}, "f2": {b, x}}
	stale := to
	stale.Attempts = 0
	readdress(stale, false) // not this lease's
	if got := c.note(p.ID, n.ID); !slices.Equal(got.Recipients, []string{a, b, d}) || got.Withdrawn != nil || got.FunderContacts != nil {
		c.Errorf("readdressed under another lease: %+v", got)
	}
	readdress(to, true)
	got := c.note(p.ID, n.ID)
	if !slices.Equal(got.Recipients, to.Recipients) || !slices.Equal(got.Withdrawn, to.Withdrawn) ||
		len(got.FunderContacts) != 2 || !slices.Equal(got.FunderContacts["f1"], []string{a, d}) || !slices.Equal(got.FunderContacts["f2"], []string{b, x}) {
		c.Errorf("readdressed: recipients %v, withdrawn %v, funder contacts %v", got.Recipients, got.Withdrawn, got.FunderContacts)
	}
	if !slices.Equal(got.Delivered, []string{a}) || !slices.Equal(got.Sending, []string{b}) || got.Attempts != 1 || got.Status != domain.NotificationPending {
		c.Errorf("readdressing touched what happened to the email: %+v", got)
	}
	if n := events() - before; n != 1 {
		c.Errorf("readdressing wrote %d audit events, want 1", n)
	}
	// d back among the funder's contacts: none withdrawn now, and funder
	// contacts left as they are when not given.
	back := to
	back.Recipients, back.Withdrawn, back.FunderContacts = []string{a, b, d, x}, nil, nil
	readdress(back, true)
	if got := c.note(p.ID, n.ID); !slices.Equal(got.Recipients, back.Recipients) || got.Withdrawn != nil || len(got.FunderContacts) != 2 {
		c.Errorf("readdressed again: recipients %v, withdrawn %v, funder contacts %v", got.Recipients, got.Withdrawn, got.FunderContacts)
	}
	// Nobody left to email is an empty list, not none recorded.
	nobody := to
	nobody.Recipients, nobody.Withdrawn, nobody.FunderContacts = []string{}, nil, nil
	readdress(nobody, true)
	if got := c.note(p.ID, n.ID); got.Recipients == nil || len(got.Recipients) != 0 {
		c.Errorf("readdressed to nobody: %#v", got.Recipients)
	}
	// Funders given are recorded; an empty list (a milestone's, every
	// funder taken off its target's notify list) removes them.
	kept := nobody
	kept.FunderIDs = []string{"f1"}
	readdress(kept, true)
	if got := c.note(p.ID, n.ID); !slices.Equal(got.FunderIDs, []string{"f1"}) {
		c.Errorf("readdressed to funder f1: funders %v", got.FunderIDs)
	}
	none := nobody
	none.FunderIDs = []string{}
	readdress(none, true)
	if got := c.note(p.ID, n.ID); len(got.FunderIDs) != 0 {
		c.Errorf("readdressed to no funder: funders %v", got.FunderIDs)
	}

	finished := got
	finished.Status = domain.NotificationSent
	c.ok(c.st.FinishNotification(c.ctx, finished, c.change(p.ID, domain.EntityNotification, n.ID, domain.ActionSend, nil, map[string]any{"status": "sent"}).Audit))
	before = events()
	readdress(to, false) // no longer pending
	if n := events() - before; n != 0 {
		c.Errorf("a refused readdress wrote %d audit events", n)
	}
	gone := to
	gone.ID = domain.NotificationID(domain.NewID(), domain.KindReached, 50)
	if ok, err := c.st.ReaddressNotification(c.ctx, gone, c.change(p.ID, domain.EntityNotification, gone.ID, domain.ActionChange, nil, gone.RecipientsRecord()).Audit); err != nil || ok {
		c.Errorf("readdressed a notification that is not there: %v %v", ok, err)
	}
}

// ctWithdraw: a notification never emailed is withdrawn (deleted, with its
// audit event) only by the lease that holds it, only while nothing of it
// went to SES; one recorded covered by a carrier only while it still is.
// Anything else withdraws nothing and is not an error.
func ctWithdraw(c *ct) {
	p := c.programme()
	now := time.Now().UTC()
	a := "a@example.org"
	withdraw := func(n domain.Notification) bool {
		c.Helper()
		ok, err := c.st.WithdrawNotification(c.ctx, n, c.change(p.ID, domain.EntityNotification, n.ID, domain.ActionDelete,
			map[string]any{"status": "pending"}, nil).Audit)
		c.ok(err)
		return ok
	}
	there := func(id string) bool {
		_, ok := ctGet[domain.Notification](c, p.ID, domain.Ref(domain.EntityNotification, id))
		return ok
	}
	lease := func(id string) domain.Notification {
		c.Helper()
		n, ok, err := c.st.LeaseNotification(c.ctx, p.ID, id, now, time.Minute)
		if err != nil || !ok {
			c.Fatalf("lease %s: %v %v", id, ok, err)
		}
		return n
	}

	n := lease(ctNote(c, p.ID, 10, a).ID)
	stale := n
	stale.Attempts--
	if withdraw(stale) || !there(n.ID) {
		c.Errorf("withdrawn under a lease that is not held")
	}
	if !withdraw(n) || there(n.ID) {
		c.Errorf("not withdrawn under its lease")
	}
	if withdraw(n) {
		c.Errorf("withdrawn twice")
	}
	hist := ctAll(c, 100, func(pg service.Page) ([]domain.AuditEvent, string, error) {
		return c.st.History(c.ctx, p.ID, domain.Ref(domain.EntityNotification, n.ID), pg)
	})
	if !slices.ContainsFunc(hist, func(ev domain.AuditEvent) bool { return ev.Action == domain.ActionDelete }) {
		c.Errorf("history after withdrawing: %+v", hist)
	}
	if slices.ContainsFunc(ctAll(c, 100, func(pg service.Page) ([]domain.Notification, string, error) {
		return c.st.ListNotifications(c.ctx, p.ID, nil, pg)
	}), func(l domain.Notification) bool { return l.ID == n.ID }) {
		c.Errorf("a withdrawn notification is listed")
	}

	// One claimed for a recipient (its email may have gone) stays.
	claimed := lease(ctNote(c, p.ID, 20, a).ID)
	if ok, err := c.st.ClaimRecipient(c.ctx, p.ID, claimed.ID, claimed.Attempts, a); err != nil || !ok {
		c.Fatalf("claim: %v %v", ok, err)
	}
	if withdraw(claimed) || !there(claimed.ID) {
		c.Errorf("withdrawn while an email of it was being sent")
	}
	c.ok(c.st.MarkDelivered(c.ctx, p.ID, claimed.ID, a))
	if withdraw(claimed) || !there(claimed.ID) {
		c.Errorf("withdrawn once delivered to someone")
	}

	// One recorded covered by a carrier, only while it still is.
	carrier := lease(ctNote(c, p.ID, 40, a).ID)
	covered := lease(ctNote(c, p.ID, 30, a).ID)
	if ok, err := c.st.IncludeNotifications(c.ctx, p.ID, carrier.ID, carrier.Attempts, []string{covered.ID}); err != nil || !ok {
		c.Fatalf("include: %v %v", ok, err)
	}
	sent := covered
	sent.CoveredBy = carrier.ID
	if ok, err := c.st.CoverNotification(c.ctx, sent, carrier.Attempts, c.change(p.ID, domain.EntityNotification, covered.ID,
		domain.ActionSend, nil, map[string]any{}).Audit); err != nil || !ok {
		c.Fatalf("cover: %v %v", ok, err)
	}
	byOther := sent
	byOther.CoveredBy = carrier.ID + "x"
	if withdraw(byOther) || !there(covered.ID) {
		c.Errorf("withdrawn as covered by a carrier it is not covered by")
	}
	if !withdraw(sent) || there(covered.ID) {
		c.Errorf("not withdrawn as covered by its carrier")
	}
}

// pending lists one shard's pending notifications a page at a time.
func (c *ct) pending(shard, limit int) []string {
	c.Helper()
	got := ctAll(c, limit, func(pg service.Page) ([]domain.Notification, string, error) {
		return c.st.PendingNotifications(c.ctx, shard, pg)
	})
	return ids(got, func(n domain.Notification) string { return n.ID })
}

// ctPending: what is pending is listed in its programme's shard, oldest
// first; what is recorded sent, or finished, is not.
func ctPending(c *ct) {
	p := c.programme()
	shard := service.ShardOf(p.ID)
	// 20 ms apart within a second, at times whose RFC 3339 forms
	// ("….1Z", "….12Z") sort the wrong way round as strings.
	base := time.Now().UTC().Truncate(time.Second).Add(-2 * time.Second)
	second := ctNoteAt(c, p.ID, 50, base.Add(120*time.Millisecond), "a@example.org")
	first := ctNoteAt(c, p.ID, 25, base.Add(100*time.Millisecond), "a@example.org")
	covered := domain.Notification{ID: domain.NotificationID(domain.NewID(), domain.KindReached, 10), ProgrammeID: p.ID, Kind: domain.KindReached,
		Status: domain.NotificationSent, Recipients: []string{"a@example.org"}, CreatedAt: time.Now().UTC(), Threshold: 10}
	if ok, err := c.st.ClaimNotification(c.ctx, covered); err != nil || !ok {
		c.Fatalf("claim covered: %v %v", ok, err)
	}
	if got := c.pending(shard, 1); !slices.Equal(got, []string{first.ID, second.ID}) {
		c.Errorf("pending %v, want %v", got, []string{first.ID, second.ID})
	}
	if got := c.pending((shard+1)%service.Shards, 10); len(got) != 0 {
		c.Errorf("another shard lists %v", got)
	}
	done := first
	done.Status = domain.NotificationSent
	c.ok(c.st.FinishNotification(c.ctx, done, c.change(p.ID, domain.EntityNotification, first.ID, domain.ActionSend, nil, map[string]any{}).Audit))
	if got := c.pending(shard, 10); !slices.Equal(got, []string{second.ID}) {
		c.Errorf("pending once one is finished: %v", got)
	}
	if _, _, err := c.st.PendingNotifications(c.ctx, service.Shards, service.Page{}); err == nil {
		c.Error("a shard past the last listed")
	}
}

// ctDueTargets: a changed programme is listed in its shard with its
// change count; a target is due on its check day, moved only from where
// it was read, and out of the index when moved to no day; the due list
// and the target list both carry the day it sits there (DueOn).
func ctDueTargets(c *ct) {
	p := c.programme()
	shard := service.ShardOf(p.ID)
	day := domain.MustDate("2026-02-02")
	tg := domain.Target{ID: domain.NewID(), Metric: domain.MetricPeopleIntoWork, Value: 60, Deadline: domain.MustDate("2026-03-31"),
		Notify: []string{}, Version: 1, CreatedAt: time.Now().UTC(), UpdatedAt: time.Now().UTC()}
	c.ok(c.st.CreateTarget(c.ctx, p.ID, tg, day, c.change(p.ID, domain.EntityTarget, tg.ID, domain.ActionCreate, nil, tg)))
	dirty := ctAll(c, 1, func(pg service.Page) ([]service.DirtyProgramme, string, error) {
		return c.st.DirtyProgrammes(c.ctx, shard, pg)
	})
	if changes, _ := c.dirty(p.ID); len(dirty) != 1 || dirty[0].ProgrammeID != p.ID || dirty[0].Changes != changes || changes == 0 {
		c.Errorf("changed programmes %+v, want %s with %d changes", dirty, p.ID, changes)
	}
	c.ok(c.st.ClearDirty(c.ctx, p.ID, dirty[0].Changes))
	if again, _, err := c.st.DirtyProgrammes(c.ctx, shard, service.Page{}); err != nil || len(again) != 0 {
		c.Errorf("changed programmes once cleared: %+v %v", again, err)
	}

	due := func(on domain.Date) []service.DueTarget {
		c.Helper()
		return ctAll(c, 1, func(pg service.Page) ([]service.DueTarget, string, error) {
			return c.st.DueTargets(c.ctx, shard, on, pg)
		})
	}
	if got := due(day.AddDays(-1)); len(got) != 0 {
		c.Errorf("due the day before: %+v", got)
	}
	got := due(day)
	if len(got) != 1 || got[0].ProgrammeID != p.ID || got[0].Target.ID != tg.ID || got[0].DueKey == "" || got[0].Target.DueOn != day {
		c.Fatalf("due on the day: %+v", got)
	}
	ctListedDue(c, p.ID, tg.ID, day)
	read := got[0]
	next := day.AddDays(7)
	c.ok(c.st.RescheduleTarget(c.ctx, read, next))
	if got := due(next.AddDays(-1)); len(got) != 0 {
		c.Errorf("still due before the next check: %+v", got)
	}
	ctListedDue(c, p.ID, tg.ID, next)
	c.ok(c.st.RescheduleTarget(c.ctx, read, domain.Date{})) // moved since read: nothing
	moved := due(next)
	if len(moved) != 1 || moved[0].Target.ID != tg.ID || moved[0].Target.DueOn != next {
		c.Fatalf("a stale move took the target out: %+v", moved)
	}
	// A change of the target puts it where the service says; a move read
	// before it is refused.
	after := tg
	after.Value, after.Version, after.UpdatedAt = 80, 2, tg.UpdatedAt.Add(time.Second)
	c.ok(c.st.UpdateTarget(c.ctx, p.ID, tg, after, day.AddDays(30), service.Release{}, c.change(p.ID, domain.EntityTarget, tg.ID, domain.ActionChange, tg, after)))
	c.ok(c.st.RescheduleTarget(c.ctx, moved[0], domain.Date{}))
	if got := due(day.AddDays(30)); len(got) != 1 || got[0].Target.Value != 80 || got[0].Target.DueOn != day.AddDays(30) {
		c.Fatalf("after the change: %+v", got)
	}
	ctListedDue(c, p.ID, tg.ID, day.AddDays(30))
	c.ok(c.st.RescheduleTarget(c.ctx, due(day.AddDays(30))[0], domain.Date{}))
	if got := due(day.AddDays(3650)); len(got) != 0 {
		c.Errorf("moved to no day, still due: %+v", got)
	}
	ctListedDue(c, p.ID, tg.ID, domain.Date{})
}

// ctListedDue checks that target id of programme pid is listed
// (ListTargets) with the day it sits in the due index, on: what the
// notifier decides not to wake it on (zero: not in the index).
func ctListedDue(c *ct, pid, id string, on domain.Date) {
	c.Helper()
	for _, tg := range ctAll(c, 1, func(pg service.Page) ([]domain.Target, string, error) { return c.st.ListTargets(c.ctx, pid, pg) }) {
		if tg.ID == id {
			if tg.DueOn != on {
				c.Errorf("target %s listed due on %q, want %q", id, tg.DueOn, on)
			}
			return
		}
	}
	c.Errorf("target %s not listed", id)
}

// ctWakeTarget: a target out of the due index is put in it on the day it
// is woken for; one due earlier stays where it is, one due later is
// brought forward; a target that is not there is not made (its item
// would be listed due, empty). The target list's DueOn follows each.
func ctWakeTarget(c *ct) {
	p := c.programme()
	shard := service.ShardOf(p.ID)
	day := domain.MustDate("2026-10-02")
	tg := domain.Target{ID: domain.NewID(), Metric: domain.MetricPeopleIntoWork, Value: 60, Deadline: domain.MustDate("2026-06-30"),
		Notify: []string{}, Version: 1, CreatedAt: time.Now().UTC(), UpdatedAt: time.Now().UTC()}
	c.ok(c.st.CreateTarget(c.ctx, p.ID, tg, domain.Date{}, c.change(p.ID, domain.EntityTarget, tg.ID, domain.ActionCreate, nil, tg)))
	due := func(on domain.Date) []service.DueTarget {
		c.Helper()
		return ctAll(c, 1, func(pg service.Page) ([]service.DueTarget, string, error) {
			return c.st.DueTargets(c.ctx, shard, on, pg)
		})
	}
	if got := due(day.AddDays(3650)); len(got) != 0 {
		c.Fatalf("a target created with no check is due: %+v", got)
	}
	ctListedDue(c, p.ID, tg.ID, domain.Date{})
	c.ok(c.st.WakeTarget(c.ctx, p.ID, tg.ID, day))
	ctListedDue(c, p.ID, tg.ID, day)
	if got := due(day.AddDays(-1)); len(got) != 0 {
		c.Errorf("woken for %s, due the day before: %+v", day, got)
	}
	got := due(day)
	if len(got) != 1 || got[0].Target.ID != tg.ID || got[0].Target.Value != 60 {
		c.Fatalf("woken for %s, due on it: %+v", day, got)
	}
	c.ok(c.st.WakeTarget(c.ctx, p.ID, tg.ID, day.AddDays(5))) // due sooner already: stays
	if again := due(day); len(again) != 1 || again[0].DueKey != got[0].DueKey {
		c.Errorf("woken for later, moved from %s: %+v", got[0].DueKey, again)
	}
	ctListedDue(c, p.ID, tg.ID, day)
	c.ok(c.st.WakeTarget(c.ctx, p.ID, tg.ID, day.AddDays(-2))) // brought forward
	earlier := due(day.AddDays(-2))
	if len(earlier) != 1 || earlier[0].DueKey == got[0].DueKey || earlier[0].Target.DueOn != day.AddDays(-2) {
		c.Fatalf("woken for earlier: %+v", earlier)
	}
	ctListedDue(c, p.ID, tg.ID, day.AddDays(-2))
	c.ok(c.st.RescheduleTarget(c.ctx, got[0], domain.Date{})) // read before the wake: moves nothing
	if still := due(day); len(still) != 1 {
		c.Errorf("a move read before the wake took the target out: %+v", still)
	}
	c.ok(c.st.WakeTarget(c.ctx, p.ID, domain.NewID(), day)) // no such target
	if all := due(day.AddDays(3650)); len(all) != 1 || all[0].Target.ID != tg.ID {
		c.Errorf("waking a target that is not there made one: %+v", all)
	}
}

// ctRemovedReturns: a schedule whose last period moves earlier deletes
// the returns of the periods it no longer has in its own transaction:
// they leave the lists and the notifier's index, and their counts, the
// schedule's and each project's, go with them. A return sent (or changed)
// since it was read is not deleted: the whole change is ErrChanged.
func ctRemovedReturns(c *ct) {
	p := c.programme()
	a, b := c.project(p.ID), c.project(p.ID)
	shard := service.ShardOf(p.ID)
	now := time.Now().UTC()
	sched := domain.Schedule{ID: domain.NewID(), Name: "Quarterly", Frequency: domain.Quarterly, FirstPeriodStart: domain.MustDate("2026-01-01"),
		LastPeriodEnd: domain.MustDate("2026-12-31"), DueDays: 20, Reminders: []int64{7}, Version: 1, CreatedAt: now, UpdatedAt: now}
	c.ok(c.st.CreateSchedule(c.ctx, p.ID, sched, 0, nil, c.change(p.ID, domain.EntitySchedule, sched.ID, domain.ActionCreate, nil, sched)))
	returns := domain.ExpectedReturns(sched, []domain.Project{a, b}, now)
	// A's third quarter is sent; the change below read it as expected.
	stored := slices.Clone(returns)
	var gone []domain.Return
	for i, r := range returns {
		if r.PeriodEnd.After(domain.MustDate("2026-06-30")) {
			gone = append(gone, r)
		}
		if r.ProjectID == a.ID && r.PeriodEnd == domain.MustDate("2026-09-30") {
			stored[i].State, stored[i].SubmissionID, stored[i].SubmittedAt = domain.StateSubmitted, domain.NewID(), &now
		}
	}
	c.ok(c.st.CreateReturns(c.ctx, p.ID, stored))
	lastQ := domain.MustDate("2026-12-31")
	shorter := sched
	shorter.LastPeriodEnd, shorter.Version = domain.MustDate("2026-06-30"), 2
	if err := c.st.UpdateSchedule(c.ctx, p.ID, sched, shorter, 1, nil, gone, c.change(p.ID, domain.EntitySchedule, sched.ID, domain.ActionChange, sched, shorter)); !errors.Is(err, service.ErrChanged) {
		c.Fatalf("removing a return sent since it was read: %v, want ErrChanged", err)
	}
	if got, ok, _ := c.st.Schedule(c.ctx, p.ID, sched.ID); !ok || got.Version != 1 {
		c.Fatalf("the refused change stored the schedule: %+v", got)
	}
	// A stale version of an unsent one: refused too.
	stale := slices.Clone(gone)
	stale = slices.DeleteFunc(stale, func(r domain.Return) bool { return r.PeriodEnd != lastQ })
	stale[0].Version = 7
	if err := c.st.UpdateSchedule(c.ctx, p.ID, sched, shorter, 1, nil, stale, c.change(p.ID, domain.EntitySchedule, sched.ID, domain.ActionChange, sched, shorter)); !errors.Is(err, service.ErrChanged) {
		c.Fatalf("removing a return changed since it was read: %v, want ErrChanged", err)
	}
	shorter.LastPeriodEnd = domain.MustDate("2026-09-30") // the sent return's period stays
	gone = slices.DeleteFunc(gone, func(r domain.Return) bool { return !r.PeriodEnd.After(shorter.LastPeriodEnd) })
	if len(gone) != 2 {
		c.Fatalf("%d returns to remove, want the last quarter's 2", len(gone))
	}
	c.ok(c.st.UpdateSchedule(c.ctx, p.ID, sched, shorter, 1, nil, gone, c.change(p.ID, domain.EntitySchedule, sched.ID, domain.ActionChange, sched, shorter)))

	setup, err := c.st.ReportingSetup(c.ctx, p.ID)
	c.ok(err)
	if st := setup.Stats[sched.ID]; st.Expected[lastQ] != 0 || st.Unsent[lastQ] != 0 || st.Expected[domain.MustDate("2026-09-30")] != 2 ||
		st.Unsent[domain.MustDate("2026-09-30")] != 1 || st.Submitted != 1 {
		c.Errorf("the schedule's counts after the removal: %+v", st)
	}
	left := ctAll(c, 3, func(pg service.Page) ([]domain.Return, string, error) {
		return c.st.ListReturns(c.ctx, p.ID, service.ReturnFilter{ProjectIDs: []string{a.ID, b.ID}}, pg)
	})
	if len(left) != 6 {
		c.Errorf("%d returns listed after the removal, want 6", len(left))
	}
	for _, r := range left {
		if r.PeriodEnd == lastQ {
			c.Errorf("removed return %s still listed", r.ID)
		}
	}
	due := ctAll(c, 10, func(pg service.Page) ([]service.DueReturn, string, error) {
		return c.st.DueReturns(c.ctx, shard, domain.MustDate("2030-01-01"), pg)
	})
	for _, d := range due {
		if d.Return.PeriodEnd == lastQ {
			c.Errorf("removed return %s still in the notifier's index", d.Return.ID)
		}
	}
	if len(due) != 5 {
		c.Errorf("%d returns in the notifier's index, want the 5 unsent that stay", len(due))
	}
}

// ctProjectDatesReturns: new dates of a project delete, in the project's
// own transaction, the unsent returns of the periods it no longer runs
// during (they leave the lists, the counts and the notifier's index),
// record the generation of the newly covered periods' returns (with the
// dates it ran before) and move the setup's sequence on. A sequence moved
// meanwhile, or a return sent since it was read, refuses the whole change
// (ErrChanged), the project left as it was.
func ctProjectDatesReturns(c *ct) {
	p := c.programme()
	var a, b domain.Project
	for _, pr := range []*domain.Project{&a, &b} {
		*pr = c.newProject("Bradford IPS " + domain.NewID())
		pr.Version = 1
		c.ok(c.st.CreateProject(c.ctx, p.ID, *pr, nil, c.change(p.ID, domain.EntityProject, pr.ID, domain.ActionCreate, nil, *pr)))
	}
	shard := service.ShardOf(p.ID)
	now := time.Now().UTC().Truncate(time.Second)
	sched := domain.Schedule{ID: domain.NewID(), Name: "Quarterly", Frequency: domain.Quarterly, FirstPeriodStart: domain.MustDate("2026-01-01"),
		LastPeriodEnd: domain.MustDate("2026-12-31"), DueDays: 20, Reminders: []int64{7}, Version: 1, CreatedAt: now, UpdatedAt: now}
	c.ok(c.st.CreateSchedule(c.ctx, p.ID, sched, 0, nil, c.change(p.ID, domain.EntitySchedule, sched.ID, domain.ActionCreate, nil, sched)))
	returns := domain.ExpectedReturns(sched, []domain.Project{a, b}, now)
	q1, q2 := domain.MustDate("2026-03-31"), domain.MustDate("2026-06-30")
	stored := slices.Clone(returns)
	var goneA, goneB []domain.Return
	for i, r := range returns {
		switch {
		case r.ProjectID == a.ID && !r.PeriodEnd.After(q2):
			goneA = append(goneA, r)
		case r.ProjectID == b.ID && r.PeriodEnd == q1:
			goneB = append(goneB, r) // read as unsent; sent before the change lands
			stored[i].State, stored[i].SubmissionID, stored[i].SubmittedAt = domain.StateSubmitted, domain.NewID(), &now
		}
	}
	c.ok(c.st.CreateReturns(c.ctx, p.ID, stored))
	setup, err := c.st.ReportingSetup(c.ctx, p.ID)
	c.ok(err)
	project := func(id string) domain.Project {
		var pr domain.Project
		c.ok(c.st.Read(c.ctx, p.ID, &service.Get{Ref: domain.Ref(domain.EntityProject, id), Into: &pr}))
		return pr
	}

	laterB := b
	laterB.StartDate, laterB.Version = domain.MustDate("2026-04-01"), 2
	if err := c.st.UpdateProject(c.ctx, p.ID, b, laterB, &service.ProjectReturns{Seq: setup.Seq, Removed: goneB},
		c.change(p.ID, domain.EntityProject, b.ID, domain.ActionChange, b, laterB)); !errors.Is(err, service.ErrChanged) {
		c.Fatalf("removing a return sent since it was read: %v, want ErrChanged", err)
	}
	// A starts in the third quarter, runs a year longer and is renamed,
	// in one change: its first two quarters' returns go.
	after := a
	after.Name, after.Version = a.Name+" Pathways", 2
	after.StartDate, after.EndDate = domain.MustDate("2026-07-01"), domain.MustDate("2027-12-31")
	ran := a
	gen := &service.Generation{ID: domain.NewID(), ProgrammeID: p.ID, ProjectID: a.ID, StartedAt: now, Ran: &ran}
	rc := &service.ProjectReturns{Seq: setup.Seq + 1, Gen: gen, Removed: goneA}
	ch := c.change(p.ID, domain.EntityProject, a.ID, domain.ActionChange, a, after)
	if err := c.st.UpdateProject(c.ctx, p.ID, a, after, rc, ch); !errors.Is(err, service.ErrChanged) {
		c.Fatalf("a change planned on a setup moved on since: %v, want ErrChanged", err)
	}
	if got := project(a.ID); got.Name != a.Name || got.StartDate != a.StartDate {
		c.Fatalf("the refused change stored the project: %+v", got)
	}
	rc.Seq = setup.Seq
	c.ok(c.st.UpdateProject(c.ctx, p.ID, a, after, rc, ch))

	if got := project(a.ID); got.Name != after.Name || got.StartDate != after.StartDate || got.EndDate != after.EndDate {
		c.Errorf("the project after the change: %+v", got)
	}
	moved, err := c.st.ReportingSetup(c.ctx, p.ID)
	c.ok(err)
	if moved.Seq != setup.Seq+1 {
		c.Errorf("the setup's sequence %d after the change, want %d", moved.Seq, setup.Seq+1)
	}
	if st := moved.Stats[sched.ID]; st.Expected[q1] != 1 || st.Unsent[q1] != 0 || st.Expected[q2] != 1 || st.Unsent[q2] != 1 ||
		st.Expected[domain.MustDate("2026-09-30")] != 2 {
		c.Errorf("the schedule's counts after the change: %+v", st)
	}
	left := ctAll(c, 3, func(pg service.Page) ([]domain.Return, string, error) {
		return c.st.ListReturns(c.ctx, p.ID, service.ReturnFilter{ProjectIDs: []string{a.ID}}, pg)
	})
	if len(left) != 2 || left[0].PeriodStart != after.StartDate {
		c.Errorf("A's returns after the change: %+v", left)
	}
	due := ctAll(c, 10, func(pg service.Page) ([]service.DueReturn, string, error) {
		return c.st.DueReturns(c.ctx, shard, domain.MustDate("2030-01-01"), pg)
	})
	for _, d := range due {
		if d.Return.ProjectID == a.ID && !d.Return.PeriodEnd.After(q2) {
			c.Errorf("removed return %s still in the notifier's index", d.Return.ID)
		}
	}
	if len(due) != 5 {
		c.Errorf("%d returns in the notifier's index, want the 5 unsent that stay", len(due))
	}
	gens := ctAll(c, 1, func(pg service.Page) ([]service.Generation, string, error) {
		return c.st.Generations(c.ctx, shard, now.Add(time.Second), pg)
	})
	if len(gens) != 1 || gens[0].ID != gen.ID || gens[0].ProjectID != a.ID || gens[0].Ran == nil ||
		gens[0].Ran.StartDate != a.StartDate || gens[0].Ran.EndDate != a.EndDate {
		c.Errorf("the generation of the newly covered periods: %+v", gens)
	}
}

// ctDueReturns: a return not sent is due on its first check, moved only
// from where it was read, and put back by a recheck; a sent one never is.
func ctDueReturns(c *ct) {
	p := c.programme()
	a := c.project(p.ID)
	shard := service.ShardOf(p.ID)
	now := time.Now().UTC()
	sched := domain.Schedule{ID: domain.NewID(), Name: "Quarterly", Frequency: domain.Quarterly, FirstPeriodStart: domain.MustDate("2026-01-01"),
		LastPeriodEnd: domain.MustDate("2026-06-30"), DueDays: 20, Reminders: []int64{7}, Version: 1, CreatedAt: now, UpdatedAt: now}
	c.ok(c.st.CreateSchedule(c.ctx, p.ID, sched, 0, nil, c.change(p.ID, domain.EntitySchedule, sched.ID, domain.ActionCreate, nil, sched)))
	if got, ok, err := c.st.Schedule(c.ctx, p.ID, sched.ID); err != nil || !ok || got.ID != sched.ID {
		c.Errorf("the schedule read alone: %v %v %+v", ok, err, got)
	}
	if _, ok, err := c.st.Schedule(c.ctx, p.ID, domain.NewID()); err != nil || ok {
		c.Errorf("a schedule that is not there: %v %v", ok, err)
	}
	returns := domain.ExpectedReturns(sched, []domain.Project{a}, now)
	if len(returns) != 2 {
		c.Fatalf("%d returns expected", len(returns))
	}
	sent := returns[1]
	sent.State, sent.SubmissionID, sent.SubmittedAt = domain.StateSubmitted, domain.NewID(), &now
	c.ok(c.st.CreateReturns(c.ctx, p.ID, []domain.Return{returns[0], sent}))
	first := returns[0].FirstCheck()

	due := func(on domain.Date) []service.DueReturn {
		c.Helper()
		return ctAll(c, 1, func(pg service.Page) ([]service.DueReturn, string, error) {
			return c.st.DueReturns(c.ctx, shard, on, pg)
		})
	}
	if got := due(first.AddDays(-1)); len(got) != 0 {
		c.Errorf("due before its first check: %+v", got)
	}
	got := due(domain.MustDate("2030-01-01"))
	if len(got) != 1 || got[0].ProgrammeID != p.ID || got[0].Return.ID != returns[0].ID || got[0].Return.State != domain.StateExpected {
		c.Fatalf("due returns: %+v (the sent one never)", got)
	}
	read := got[0]
	next := first.AddDays(5)
	c.ok(c.st.RescheduleReturn(c.ctx, read, next))
	if got := due(next.AddDays(-1)); len(got) != 0 {
		c.Errorf("due before its next look: %+v", got)
	}
	c.ok(c.st.RescheduleReturn(c.ctx, read, domain.Date{})) // moved since read: nothing
	if got := due(next); len(got) != 1 {
		c.Fatalf("a stale move took the return out: %+v", got)
	}
	c.ok(c.st.RescheduleReturn(c.ctx, due(next)[0], domain.Date{}))
	if got := due(domain.MustDate("2030-01-01")); len(got) != 0 {
		c.Errorf("out of the index, still due: %+v", got)
	}
	recheck := domain.MustDate("2026-04-10")
	// Of other projects only, or of none: not this one.
	c.ok(c.st.RecheckReturns(c.ctx, p.ID, sched.ID, []string{domain.NewID()}, domain.Date{}, domain.Date{}, recheck))
	c.ok(c.st.RecheckReturns(c.ctx, p.ID, sched.ID, []string{}, domain.Date{}, domain.Date{}, recheck))
	if got := due(domain.MustDate("2030-01-01")); len(got) != 0 {
		c.Errorf("rechecked for other projects: %+v", got)
	}
	// Of this project, outside the period ends asked for: not either.
	c.ok(c.st.RecheckReturns(c.ctx, p.ID, sched.ID, []string{a.ID}, returns[0].PeriodEnd.AddDays(1), domain.Date{}, recheck))
	if got := due(domain.MustDate("2030-01-01")); len(got) != 0 {
		c.Errorf("rechecked outside its range: %+v", got)
	}
	c.ok(c.st.RecheckReturns(c.ctx, p.ID, sched.ID, []string{a.ID}, returns[0].PeriodEnd, returns[0].PeriodEnd.AddDays(1), recheck))
	if got := due(recheck); len(got) != 1 || got[0].Return.ID != returns[0].ID {
		c.Errorf("after a recheck of its project (the sent one left out): %+v", got)
	}
	c.ok(c.st.RescheduleReturn(c.ctx, due(recheck)[0], domain.Date{}))
	c.ok(c.st.RecheckReturns(c.ctx, p.ID, sched.ID, nil, domain.Date{}, domain.Date{}, recheck))
	if got := due(recheck); len(got) != 1 || got[0].Return.ID != returns[0].ID {
		c.Errorf("after a recheck (the sent one left out): %+v", got)
	}
	// A run that read it before a recheck for the same day (the change
	// that called for it came after the run looked) does not move it on:
	// the next run looks again.
	read = due(recheck)[0]
	c.ok(c.st.RecheckReturns(c.ctx, p.ID, sched.ID, nil, domain.Date{}, domain.Date{}, recheck))
	c.ok(c.st.RescheduleReturn(c.ctx, read, recheck.AddDays(3)))
	if got := due(recheck); len(got) != 1 || got[0].Return.ID != returns[0].ID || got[0].ProgrammeID != p.ID {
		c.Fatalf("a run that read it before the recheck moved it on: %+v", got)
	}
	c.ok(c.st.RescheduleReturn(c.ctx, due(recheck)[0], recheck.AddDays(3)))
	if got := due(recheck.AddDays(2)); len(got) != 0 {
		c.Errorf("moved on by a run that read it after the recheck, still due: %+v", got)
	}
	if got := due(recheck.AddDays(3)); len(got) != 1 {
		c.Errorf("moved on by a run that read it after the recheck: %+v", got)
	}
}

// ctReminderClaims: a return's reminder is claimed with the return, only
// while it is expected and was not reminded on or after the reminder's
// day (whatever the reminder's days, so a schedule's reminders changed
// call for no second reminder), and the day it went is read back with the
// return.
func ctReminderClaims(c *ct) {
	p := c.programme()
	a := c.project(p.ID)
	now := time.Now().UTC()
	sched := domain.Schedule{ID: domain.NewID(), Name: "Quarterly", Frequency: domain.Quarterly, FirstPeriodStart: domain.MustDate("2026-01-01"),
		LastPeriodEnd: domain.MustDate("2026-06-30"), DueDays: 20, Reminders: []int64{7, 1}, Version: 1, CreatedAt: now, UpdatedAt: now}
	c.ok(c.st.CreateSchedule(c.ctx, p.ID, sched, 0, nil, c.change(p.ID, domain.EntitySchedule, sched.ID, domain.ActionCreate, nil, sched)))
	returns := domain.ExpectedReturns(sched, []domain.Project{a}, now)
	sent := returns[1]
	sent.State, sent.SubmissionID, sent.SubmittedAt = domain.StateSubmitted, domain.NewID(), &now
	c.ok(c.st.CreateReturns(c.ctx, p.ID, []domain.Return{returns[0], sent}))
	q1 := returns[0] // due 2026-04-20
	claim := func(r domain.Return, days int64, on string) bool {
		c.Helper()
		n := domain.Notification{ID: domain.ReturnNotificationID(r.ID, domain.ReturnNotice{Kind: domain.KindReminder, Reminder: days}),
			Kind: domain.KindReminder, Status: domain.NotificationPending, ReturnID: r.ID, ProjectID: r.ProjectID, PeriodStart: r.PeriodStart,
			PeriodEnd: r.PeriodEnd, DueDate: r.DueDate, CreatedAt: now, ProgrammeID: p.ID, On: domain.MustDate(on),
			Recipients: []string{"pl@example.org"}, Reminder: &days}
		ok, err := c.st.ClaimNotification(c.ctx, n)
		c.ok(err)
		return ok
	}
	remindedOn := func() domain.Date {
		c.Helper()
		rs, _, err := c.st.ListReturns(c.ctx, p.ID, service.ReturnFilter{ProjectIDs: []string{a.ID}}, service.Page{Limit: 10})
		c.ok(err)
		for _, r := range rs {
			if r.ID == q1.ID {
				return r.RemindedOn
			}
		}
		c.Fatalf("Q1 not listed: %+v", rs)
		return domain.Date{}
	}
	if !remindedOn().IsZero() {
		c.Errorf("a return never reminded: reminded on %s", remindedOn())
	}
	for _, step := range []struct {
		days  int64
		on    string
		claim bool
	}{
		{7, "2026-04-13", true},
		{7, "2026-04-13", false},  // claimed before
		{8, "2026-04-13", false},  // its day (the 12th) is before the reminder that went
		{10, "2026-04-15", false}, // likewise, on a later day
		{6, "2026-04-14", true},   // its day came after the reminder that went
		{5, "2026-04-15", true},
		{4, "2026-04-16", true},
		{5, "2026-04-16", false}, // a reminder went that day: one a day at most
		{1, "2026-04-19", true},
	} {
		if got := claim(q1, step.days, step.on); got != step.claim {
			c.Errorf("reminder %d claimed on %s: %v, want %v", step.days, step.on, got, step.claim)
		}
	}
	if got := remindedOn(); got != domain.MustDate("2026-04-19") {
		c.Errorf("reminded on %s, want the day of the last reminder claimed", got)
	}
	if claim(sent, 7, "2026-07-13") {
		c.Error("a reminder of a return sent was claimed")
	}
	// A reminder with no return (as some tests record one) is claimed as
	// any notification.
	other := q1
	other.ID = domain.ReturnID(domain.NewID(), a.ID, q1.PeriodStart)
	if claim(other, 7, "2026-04-13") {
		c.Error("a reminder of a return that is not there was claimed")
	}

	// The first recipient of a return's email is claimed only while the
	// return is expected: Q1's reminder is; an overdue email of the
	// return sent, or of one not there (removed), is not, and nothing is
	// written.
	overdue := func(r domain.Return) domain.Notification {
		c.Helper()
		n := domain.Notification{ID: domain.ReturnNotificationID(r.ID, domain.ReturnNotice{Kind: domain.KindOverdue}),
			Kind: domain.KindOverdue, Status: domain.NotificationPending, ReturnID: r.ID, ProjectID: r.ProjectID, PeriodStart: r.PeriodStart,
			PeriodEnd: r.PeriodEnd, DueDate: r.DueDate, CreatedAt: now, ProgrammeID: p.ID, On: domain.MustDate("2026-08-01"),
			Recipients: []string{"pl@example.org"}}
		ok, err := c.st.ClaimNotification(c.ctx, n)
		c.ok(err)
		if !ok {
			c.Fatalf("overdue email of %s not claimed", r.ID)
		}
		return n
	}
	for _, cs := range []struct {
		id      string
		ret     string
		claimed bool
		why     domain.NotNeededReason
	}{
		{domain.ReturnNotificationID(q1.ID, domain.ReturnNotice{Kind: domain.KindReminder, Reminder: 7}), q1.ID, true, ""},
		{overdue(sent).ID, sent.ID, false, domain.NotNeededSubmitted},
		{overdue(other).ID, other.ID, false, domain.NotNeededRemoved},
	} {
		leased, ok, err := c.st.LeaseNotification(c.ctx, p.ID, cs.id, time.Now().UTC(), time.Minute)
		c.ok(err)
		if !ok {
			c.Fatalf("%s not leased", cs.id)
		}
		claimed, why, err := c.st.ClaimReturnRecipient(c.ctx, p.ID, cs.id, leased.Attempts, "pl@example.org", cs.ret)
		c.ok(err)
		if claimed != cs.claimed || why != cs.why {
			c.Errorf("%s: claimed %v, not needed %q; want %v, %q", cs.id, claimed, why, cs.claimed, cs.why)
		}
		if n := c.note(p.ID, cs.id); slices.Contains(n.Sending, "pl@example.org") != cs.claimed {
			c.Errorf("%s: sending %v after the claim", cs.id, n.Sending)
		}
	}
	// Claimed already: not again, as ClaimRecipient.
	leased := c.note(p.ID, domain.ReturnNotificationID(q1.ID, domain.ReturnNotice{Kind: domain.KindReminder, Reminder: 7}))
	if claimed, why, err := c.st.ClaimReturnRecipient(c.ctx, p.ID, leased.ID, leased.Attempts, "pl@example.org", q1.ID); err != nil || claimed || why != "" {
		c.Errorf("a recipient claimed twice: %v %q %v", claimed, why, err)
	}

	// Its premises are checked with it: a project lead removed since the
	// caller read them is not claimed, and nothing is written.
	gone := domain.Member{Email: "pl2@example.org", Roles: []domain.Role{{Role: domain.RoleProjectLead, ProjectID: a.ID}}, UpdatedAt: now}
	c.ok(c.st.PutMember(c.ctx, p.ID, gone, nil, c.change(p.ID, domain.EntityMember, gone.Email, domain.ActionCreate, nil, gone)))
	od := overdue(q1)
	leasedOD, ok, err := c.st.LeaseNotification(c.ctx, p.ID, od.ID, time.Now().UTC(), time.Minute)
	if err != nil || !ok {
		c.Fatalf("%s not leased: %v", od.ID, err)
	}
	c.ok(c.st.DeleteMember(c.ctx, p.ID, gone, c.change(p.ID, domain.EntityMember, gone.Email, domain.ActionDelete, gone, nil)))
	if claimed, why, err := c.st.ClaimReturnRecipient(c.ctx, p.ID, od.ID, leasedOD.Attempts, gone.Email, q1.ID, service.MemberPremise(gone)); claimed || why != "" ||
		!errors.Is(err, service.ErrNoLongerRecipient) {
		c.Errorf("a removed project lead's claim: %v %q %v", claimed, why, err)
	}
	if n := c.note(p.ID, od.ID); n.Sending != nil {
		c.Errorf("a refused claim wrote sending %v", n.Sending)
	}
}

// ctGenerations: a generation is listed once started before the time
// asked about, until finished.
func ctGenerations(c *ct) {
	p := c.programme()
	shard := service.ShardOf(p.ID)
	// Whole seconds: the index's sort key is the time in RFC 3339 with
	// trailing zeros cut, which compares by fractions only roughly.
	now := time.Now().UTC().Truncate(time.Second)
	sched := domain.Schedule{ID: domain.NewID(), Name: "Quarterly", Frequency: domain.Quarterly, FirstPeriodStart: domain.MustDate("2026-01-01"),
		LastPeriodEnd: domain.MustDate("2026-06-30"), DueDays: 20, Reminders: []int64{7}, Version: 1, CreatedAt: now, UpdatedAt: now}
	gen := service.Generation{ID: domain.NewID(), ProgrammeID: p.ID, ScheduleID: sched.ID, StartedAt: now}
	c.ok(c.st.CreateSchedule(c.ctx, p.ID, sched, 0, &gen, c.change(p.ID, domain.EntitySchedule, sched.ID, domain.ActionCreate, nil, sched)))
	list := func(before time.Time) []service.Generation {
		return ctAll(c, 1, func(pg service.Page) ([]service.Generation, string, error) {
			return c.st.Generations(c.ctx, shard, before, pg)
		})
	}
	if got := list(now); len(got) != 0 {
		c.Errorf("listed before it started: %+v", got)
	}
	got := list(now.Add(time.Second))
	if len(got) != 1 || got[0].ID != gen.ID || got[0].ScheduleID != sched.ID || !got[0].StartedAt.Equal(now) {
		c.Fatalf("unfinished generations: %+v", got)
	}
	c.ok(c.st.FinishGeneration(c.ctx, p.ID, gen.ID))
	if got := list(now.Add(time.Hour)); len(got) != 0 {
		c.Errorf("listed once finished: %+v", got)
	}
}

// ctDuePayments: a scheduled date payment is due from its date until it
// falls due (once); a payment waiting on a target is listed as waiting.
func ctDuePayments(c *ct) {
	p := c.programme()
	x := c.funder(p.ID)
	g := c.grant(p.ID, x.ID, "", 100_00)
	shard := service.ShardOf(p.ID)
	dated := ctPayment(g.ID, 10_00, domain.Trigger{Kind: domain.TriggerDate}, "2026-03-01")
	c.ok(c.pay(p.ID, g, dated))
	tg := domain.Target{ID: domain.NewID(), Metric: domain.MetricPeopleIntoWork, Value: 10, Deadline: domain.MustDate("2026-12-31"), Notify: []string{}}
	c.ok(c.st.CreateTarget(c.ctx, p.ID, tg, domain.Date{}, c.change(p.ID, domain.EntityTarget, tg.ID, domain.ActionCreate, nil, tg)))
	waits := ctPayment(g.ID, 20_00, domain.Trigger{Kind: domain.TriggerMilestone, TargetID: tg.ID, Threshold: 100}, "2026-12-31")
	c.ok(c.pay(p.ID, g, waits))

	due := func(on string) []service.DuePayment {
		c.Helper()
		return ctAll(c, 1, func(pg service.Page) ([]service.DuePayment, string, error) {
			return c.st.DuePayments(c.ctx, shard, domain.MustDate(on), pg)
		})
	}
	if got := due("2026-02-28"); len(got) != 0 {
		c.Errorf("due before its date: %+v", got)
	}
	got := due("2026-03-01")
	if len(got) != 1 || got[0].ProgrammeID != p.ID || got[0].Payment.ID != dated.ID {
		c.Fatalf("due on its date: %+v", got)
	}
	waiting := ctAll(c, 1, func(pg service.Page) ([]domain.Payment, string, error) { return c.st.WaitingPayments(c.ctx, p.ID, pg) })
	if len(waiting) != 1 || waiting[0].ID != waits.ID {
		c.Errorf("waiting payments: %+v", waiting)
	}
	now := time.Now().UTC().Truncate(time.Millisecond)
	after, _ := dated.FallDue(domain.MustDate("2026-03-01"), now)
	note := domain.Notification{ID: domain.PaymentNotificationID(dated.ID), Kind: domain.KindPaymentDue, ProgrammeID: p.ID, PaymentID: dated.ID,
		Status: domain.NotificationPending, Recipients: []string{"grants@dwp.example"}, CreatedAt: now, GrantID: g.ID, AmountPence: dated.AmountPence}
	ev := func() domain.AuditEvent {
		return c.change(p.ID, domain.EntityPayment, dated.ID, domain.ActionChange, dated, after).Audit
	}
	if fell, err := c.st.FallDue(c.ctx, p.ID, g, dated, after, note, ev(), nil); err != nil || !fell {
		c.Fatalf("fall due: %v %v", fell, err)
	}
	if fell, err := c.st.FallDue(c.ctx, p.ID, g, dated, after, note, ev(), nil); err != nil || fell {
		c.Errorf("fell due twice: %v %v", fell, err)
	}
	if got := due("2030-01-01"); len(got) != 0 {
		c.Errorf("due once it fell due: %+v", got)
	}
	if got := c.pending(shard, 10); !slices.Equal(got, []string{note.ID}) {
		c.Errorf("its email is not pending: %v", got)
	}
}

// ctAwaitsReview: a pending submission awaits review until corrected; a
// submission that is not there does not.
func ctAwaitsReview(c *ct) {
	p := c.programme()
	a := c.project(p.ID)
	// Submitted for review: pending, in the review queue.
	submit := func(o domain.Outcome, old *domain.Outcome) domain.Outcome {
		c.Helper()
		action := domain.ActionCreate
		if old != nil {
			o.Replaces, action = old.ID, domain.ActionCorrect
		}
		o = domain.NewSubmission(o, old, true)
		sub := service.Submission{Outcome: o, Old: old, Figures: domain.Submitting(o, old, nil)}
		c.ok(c.st.CreateOutcome(c.ctx, p.ID, sub, c.change(p.ID, domain.EntityOutcome, o.ID, action, old, o)))
		return o
	}
	o := submit(ctOutcome(a.ID, "", "2026-01-31", map[domain.Metric]int64{domain.MetricPeopleIntoWork: 2}), nil)
	awaits, status, err := c.st.AwaitsReview(c.ctx, p.ID, a.ID, o.ID)
	if err != nil || !awaits || status != domain.OutcomePending {
		c.Errorf("a pending submission: awaits %v, %q, %v", awaits, status, err)
	}
	if corrected, err := c.st.Corrected(c.ctx, p.ID, o.ID); err != nil || corrected {
		c.Errorf("corrected before it was: %v %v", corrected, err)
	}
	submit(ctOutcome(a.ID, "", "2026-01-31", map[domain.Metric]int64{domain.MetricPeopleIntoWork: 3}), &o)
	awaits, status, err = c.st.AwaitsReview(c.ctx, p.ID, a.ID, o.ID)
	if err != nil || awaits || status != domain.OutcomePending {
		c.Errorf("a corrected submission: awaits %v, %q, %v", awaits, status, err)
	}
	if corrected, err := c.st.Corrected(c.ctx, p.ID, o.ID); err != nil || !corrected {
		c.Errorf("not corrected: %v %v", corrected, err)
	}
	if awaits, status, err := c.st.AwaitsReview(c.ctx, p.ID, a.ID, domain.NewID()); err != nil || awaits || status != "" {
		c.Errorf("a submission not there: %v %q %v", awaits, status, err)
	}
	if pr, err := c.st.Programme(c.ctx, p.ID); err != nil || pr.ID != p.ID {
		c.Errorf("the programme read alone: %+v %v", pr, err)
	}
	if _, err := c.st.Programme(c.ctx, domain.NewID()); !errors.Is(err, service.ErrNotFound) {
		c.Errorf("a programme not there: %v", err)
	}
}

// ctDigest: a leased notification records once, under its lease, what
// its email stands for; another is covered by it (recorded sent, no
// email, out of the pending list, with its audit event) only under both
// leases and only if the carrier includes it; finishing the carrier
// records what it stood for in the end.
func ctDigest(c *ct) {
	p := c.programme()
	shard := service.ShardOf(p.ID)
	carrier, a, b, stray := ctNote(c, p.ID, 10), ctNote(c, p.ID, 20), ctNote(c, p.ID, 30), ctNote(c, p.ID, 40)
	now := time.Now().UTC().Truncate(time.Millisecond)
	for _, n := range []domain.Notification{carrier, a, b, stray} {
		if _, ok, err := c.st.LeaseNotification(c.ctx, p.ID, n.ID, now, time.Minute); err != nil || !ok {
			c.Fatalf("lease %s: %v %v", n.ID, ok, err)
		}
	}
	include := func(attempt int64, want bool) {
		c.Helper()
		if ok, err := c.st.IncludeNotifications(c.ctx, p.ID, carrier.ID, attempt, []string{a.ID, b.ID}); err != nil || ok != want {
			c.Errorf("include under attempt %d: %v %v, want %v", attempt, ok, err, want)
		}
	}
	include(2, false) // not its lease
	include(1, true)
	include(1, false) // includes some already
	if got := c.note(p.ID, carrier.ID); !slices.Equal(got.Includes, []string{a.ID, b.ID}) || got.Status != domain.NotificationPending {
		c.Errorf("carrier after including: %+v", got)
	}
	events := func(id string) int {
		return len(ctAll(c, 100, func(pg service.Page) ([]domain.AuditEvent, string, error) {
			return c.st.History(c.ctx, p.ID, domain.Ref(domain.EntityNotification, id), pg)
		}))
	}
	to := []string{"lead@example.org"}
	cover := func(n domain.Notification, attempt, carrierAttempt int64, want bool) {
		c.Helper()
		n.Status, n.CoveredBy, n.Recipients, n.Attempts = domain.NotificationSent, carrier.ID, to, attempt
		before := events(n.ID)
		ev := c.change(p.ID, domain.EntityNotification, n.ID, domain.ActionSend, nil, map[string]any{"coveredBy": carrier.ID}).Audit
		ok, err := c.st.CoverNotification(c.ctx, n, carrierAttempt, ev)
		if err != nil || ok != want {
			c.Errorf("cover %s under attempts %d, %d: %v %v, want %v", n.ID, attempt, carrierAttempt, ok, err, want)
		}
		if wrote := events(n.ID) - before; wrote != map[bool]int{true: 1}[want] {
			c.Errorf("cover %s wrote %d audit events", n.ID, wrote)
		}
	}
	cover(a, 1, 2, false) // not the carrier's lease
	cover(a, 2, 1, false) // not a's lease
	cover(stray, 1, 1, false)
	cover(a, 1, 1, true)
	cover(a, 1, 1, false) // covered already
	got := c.note(p.ID, a.ID)
	if got.Status != domain.NotificationSent || got.CoveredBy != carrier.ID || !slices.Equal(got.Recipients, to) ||
		len(got.Delivered) != 0 || got.SentAt != nil {
		c.Errorf("covered: %+v", got)
	}
	if pending := c.pending(shard, 100); slices.Contains(pending, a.ID) || !slices.Contains(pending, b.ID) {
		c.Errorf("pending after covering a: %v", pending)
	}
	// A run that takes the carrier over, once its lease is out, stops the
	// first covering any more.
	if _, ok, err := c.st.LeaseNotification(c.ctx, p.ID, carrier.ID, now.Add(2*time.Minute), time.Minute); err != nil || !ok {
		c.Fatalf("lease the carrier again: %v %v", ok, err)
	}
	cover(b, 1, 1, false)
	if got := c.note(p.ID, b.ID); got.Status != domain.NotificationPending || got.CoveredBy != "" {
		c.Errorf("covered under a lost lease: %+v", got)
	}
	// That run covers it itself (the first died before it could), once it
	// holds its lease too: the carrier's includes, recorded once, still
	// name it.
	cover(b, 2, 2, false) // b's lease is not yet its
	if _, ok, err := c.st.LeaseNotification(c.ctx, p.ID, b.ID, now.Add(2*time.Minute), time.Minute); err != nil || !ok {
		c.Fatalf("lease b again: %v %v", ok, err)
	}
	cover(b, 2, 1, false) // the carrier's lease the first run lost
	cover(b, 2, 2, true)
	if pending := c.pending(shard, 100); slices.Contains(pending, b.ID) || !slices.Contains(pending, carrier.ID) {
		c.Errorf("pending after covering b under the new leases: %v", pending)
	}
	finished := carrier
	finished.Status, finished.Includes = domain.NotificationSent, []string{a.ID, b.ID}
	c.ok(c.st.FinishNotification(c.ctx, finished, c.change(p.ID, domain.EntityNotification, carrier.ID, domain.ActionSend, nil, map[string]any{}).Audit))
	if got := c.note(p.ID, carrier.ID); !slices.Equal(got.Includes, []string{a.ID, b.ID}) || got.Status != domain.NotificationSent {
		c.Errorf("carrier finished: %+v", got)
	}
	// One that ends up standing for none lists none.
	alone := ctNote(c, p.ID, 50)
	if _, ok, err := c.st.LeaseNotification(c.ctx, p.ID, alone.ID, now, time.Minute); err != nil || !ok {
		c.Fatalf("lease: %v %v", ok, err)
	}
	if ok, err := c.st.IncludeNotifications(c.ctx, p.ID, alone.ID, 1, []string{b.ID}); err != nil || !ok {
		c.Fatalf("include: %v %v", ok, err)
	}
	finished = alone
	finished.Status, finished.Includes = domain.NotificationSent, []string{}
	c.ok(c.st.FinishNotification(c.ctx, finished, c.change(p.ID, domain.EntityNotification, alone.ID, domain.ActionSend, nil, map[string]any{}).Audit))
	if got := c.note(p.ID, alone.ID); got.Includes != nil {
		c.Errorf("a carrier that covered none: includes %v", got.Includes)
	}
}

func ctNotifications(c *ct) {
	p := c.programme()
	x, y := domain.NewID(), domain.NewID()
	target := domain.NewID()
	var want []string
	for i, th := range []int64{10, 20, 30, 40, 50} {
		n := domain.Notification{ID: domain.NotificationID(target, domain.KindReached, th), ProgrammeID: p.ID, TargetID: target,
			Threshold: th, Kind: domain.KindReached, Status: domain.NotificationPending, Recipients: []string{"x@example.org"},
			FunderIDs: []string{x}, CreatedAt: time.Now().UTC(), Metric: domain.MetricReferrals, Value: 100, Figure: th}
		if i%2 == 1 {
			n.FunderIDs, n.Recipients = []string{y}, []string{"y@example.org"}
		} else {
			want = append(want, n.ID)
		}
		claimed, err := c.st.ClaimNotification(c.ctx, n)
		if err != nil || !claimed {
			c.Fatalf("claim %s: %v %v", n.ID, claimed, err)
		}
		if again, err := c.st.ClaimNotification(c.ctx, n); err != nil || again {
			c.Errorf("a notification claimed twice: %v %v", again, err)
		}
	}
	keepX := func(n domain.Notification) bool { return slices.Contains(n.FunderIDs, x) }
	got := ctAll(c, 2, func(pg service.Page) ([]domain.Notification, string, error) {
		return c.st.ListNotifications(c.ctx, p.ID, keepX, pg)
	})
	if g := ids(got, func(n domain.Notification) string { return n.ID }); !slices.Equal(g, sorted(want)) {
		c.Errorf("funder X's notifications %v, want %v (pages filled past the others)", g, sorted(want))
	}
	all := ctAll(c, 3, func(pg service.Page) ([]domain.Notification, string, error) {
		return c.st.ListNotifications(c.ctx, p.ID, nil, pg)
	})
	if len(all) != 5 || all[0].Recipients[0] == "" || all[0].Status != domain.NotificationPending {
		c.Errorf("every notification: %+v", all)
	}
	var n domain.Notification
	g := &service.Get{Ref: domain.Ref(domain.EntityNotification, all[0].ID), Into: &n}
	c.ok(c.st.Read(c.ctx, p.ID, g))
	if !g.Found || n.ID != all[0].ID {
		c.Errorf("a notification read as a record: %v %+v", g.Found, n)
	}
}

// ctRecipientClaims: the notifier claims each recipient before sending
// (at most once): only under the lease of the attempt that claims, only
// while the notification is pending, and only an address not claimed,
// delivered or refused already.
func ctRecipientClaims(c *ct) {
	p := c.programme()
	target := domain.NewID()
	note := func(th int64, status domain.NotificationStatus) domain.Notification {
		n := domain.Notification{ID: domain.NotificationID(target, domain.KindReached, th), ProgrammeID: p.ID, TargetID: target,
			Threshold: th, Kind: domain.KindReached, Status: status, CreatedAt: time.Now().UTC(), Attempts: 1,
			Recipients: []string{"a@example.org", "b@example.org", "c@example.org", "d@example.org"},
			Delivered:  []string{"a@example.org"}, Rejected: []string{"b@example.org"},
			Metric: domain.MetricReferrals, Value: 100, Figure: th}
		if claimed, err := c.st.ClaimNotification(c.ctx, n); err != nil || !claimed {
			c.Fatalf("claim %s: %v %v", n.ID, claimed, err)
		}
		return n
	}
	claim := func(n domain.Notification, attempt int64, to string, want bool) {
		c.Helper()
		if ok, err := c.st.ClaimRecipient(c.ctx, p.ID, n.ID, attempt, to); err != nil || ok != want {
			c.Errorf("claim %s of %d%% under attempt %d: %v %v, want %v", to, n.Threshold, attempt, ok, err, want)
		}
	}
	pending := note(10, domain.NotificationPending)
	claim(pending, 1, "c@example.org", true)
	claim(pending, 1, "c@example.org", false) // claimed already
	claim(pending, 2, "d@example.org", false) // not this lease's
	claim(pending, 0, "d@example.org", false)
	claim(pending, 1, "a@example.org", false) // delivered
	claim(pending, 1, "b@example.org", false) // refused for good
	claim(pending, 1, "d@example.org", true)
	var got domain.Notification
	g := &service.Get{Ref: domain.Ref(domain.EntityNotification, pending.ID), Into: &got}
	c.ok(c.st.Read(c.ctx, p.ID, g))
	slices.Sort(got.Sending)
	if !g.Found || !slices.Equal(got.Sending, []string{"c@example.org", "d@example.org"}) || got.Attempts != 1 ||
		!slices.Equal(got.Delivered, []string{"a@example.org"}) || got.Status != domain.NotificationPending {
		c.Errorf("after the claims: %v %+v", g.Found, got)
	}

	claim(note(20, domain.NotificationSent), 1, "c@example.org", false) // finished
	claim(domain.Notification{ID: domain.NotificationID(target, domain.KindReached, 30)}, 1, "c@example.org", false)
}
