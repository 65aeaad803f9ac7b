package store_test

// The storage contract of money (see contract_test.go): payments never add
// up to more than their grant, the money figures each change moves, a
// payment falling due at most once, spend returns and their corrections.

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

func ctPayment(grantID string, pence int64, trigger domain.Trigger, due string) domain.Payment {
	now := time.Now().UTC()
	p := domain.Payment{ID: domain.NewID(), GrantID: grantID, AmountPence: pence, Trigger: trigger, Status: domain.PaymentScheduled,
		Version: 1, CreatedAt: now, UpdatedAt: now}
	if due != "" {
		d := domain.MustDate(due)
		p.DueDate = &d
	}
	return p
}

func (c *ct) pay(pid string, g domain.Grant, p domain.Payment) error {
	return c.st.CreatePayment(c.ctx, pid, g, p, nil, c.change(pid, domain.EntityPayment, p.ID, domain.ActionCreate, nil, p))
}

func (c *ct) changePayment(pid string, g domain.Grant, before, after domain.Payment) error {
	return c.st.UpdatePayment(c.ctx, pid, g, before, after, nil, c.change(pid, domain.EntityPayment, after.ID, domain.ActionChange, before, after))
}

func (c *ct) money(pid, grantID string) domain.GrantMoney {
	c.Helper()
	m, err := c.st.Money(c.ctx, pid)
	c.ok(err)
	return m[grantID]
}

var dated = domain.Trigger{Kind: domain.TriggerDate}

func ctPayments(c *ct) {
	p := c.programme()
	x, a := c.funder(p.ID), c.project(p.ID)
	g := c.grant(p.ID, x.ID, a.ID, 100_00)
	other := c.grant(p.ID, x.ID, "", 50_00)
	tg := domain.Target{ID: domain.NewID(), Metric: domain.MetricPeopleIntoWork, Value: 10, Deadline: domain.MustDate("2026-12-31"), Notify: []string{}}
	c.ok(c.st.CreateTarget(c.ctx, p.ID, tg, domain.Date{}, c.change(p.ID, domain.EntityTarget, tg.ID, domain.ActionCreate, nil, tg)))
	changes, _ := c.dirty(p.ID)

	p1 := ctPayment(g.ID, 60_00, dated, "2025-06-30")
	c.ok(c.pay(p.ID, g, p1))
	p2 := ctPayment(g.ID, 40_00, domain.Trigger{Kind: domain.TriggerMilestone, TargetID: tg.ID, Threshold: 50}, "")
	c.ok(c.pay(p.ID, g, p2))
	if n, ok := c.dirty(p.ID); !ok || n != changes+1 {
		c.Errorf("a payment on a target: changes %d (was %d), marked %v; want the figures marked changed", n, changes, ok)
	}
	if n := c.waiting(p.ID); n != 1 {
		c.Errorf("%d payments waiting, want 1", n)
	}
	c.unchanged(p.ID, func() error { return c.pay(p.ID, g, ctPayment(g.ID, 1, dated, "2025-07-01")) }, func(err error) {
		ctIs(c, "a penny over the award", err, service.ErrOverCommitted)
	})
	noTarget := domain.NewID()
	c.unchanged(p.ID, func() error {
		return c.pay(p.ID, other, ctPayment(other.ID, 1, domain.Trigger{Kind: domain.TriggerMilestone, TargetID: noTarget, Threshold: 100}, ""))
	}, func(err error) {
		ctMissing(c, "a payment on a target not there", err, domain.Ref(domain.EntityTarget, noTarget))
	})
	noReturn := domain.ReturnID(domain.NewID(), a.ID, domain.MustDate("2025-04-01"))
	c.unchanged(p.ID, func() error {
		return c.pay(p.ID, other, ctPayment(other.ID, 1, domain.Trigger{Kind: domain.TriggerReturn, ReturnID: noReturn}, ""))
	}, func(err error) {
		ctMissing(c, "a payment on a return not there", err, domain.Ref(domain.EntityReturn, noReturn))
	})
	ghost := ctGrant(x.ID, "", 10_00)
	c.unchanged(p.ID, func() error { return c.pay(p.ID, ghost, ctPayment(ghost.ID, 1, dated, "2025-07-01")) }, func(err error) {
		ctMissing(c, "a payment of a grant not there", err, domain.Ref(domain.EntityGrant, ghost.ID))
	})
	c.ok(c.pay(p.ID, other, ctPayment(other.ID, 50_00, dated, "2025-01-31")))

	if got, ok := ctGet[domain.Payment](c, p.ID, domain.GrantRef(domain.EntityPayment, g.ID, p1.ID)); !ok {
		c.Error("a payment was not read back")
	} else {
		ctSame(c, "payment", got, p1)
	}
	if _, ok := ctGet[domain.Payment](c, p.ID, domain.GrantRef(domain.EntityPayment, other.ID, p1.ID)); ok {
		c.Error("a payment was read under another grant")
	}
	list := ctAll(c, 1, func(pg service.Page) ([]domain.Payment, string, error) {
		return c.st.ListPayments(c.ctx, p.ID, g.ID, pg)
	})
	if got := ids(list, func(p domain.Payment) string { return p.ID }); !slices.Equal(got, sorted([]string{p1.ID, p2.ID})) {
		c.Errorf("the grant's payments %v, want %v", got, sorted([]string{p1.ID, p2.ID}))
	}
	all := ctAll(c, 2, func(pg service.Page) ([]domain.Payment, string, error) { return c.st.ListPayments(c.ctx, p.ID, "", pg) })
	if len(all) != 3 {
		c.Errorf("%d payments in the programme, want 3", len(all))
	}
	_, next, err := c.st.ListPayments(c.ctx, p.ID, g.ID, service.Page{Limit: 1})
	c.ok(err)
	_, _, err = c.st.ListPayments(c.ctx, p.ID, other.ID, service.Page{Limit: 1, Cursor: next})
	ctIs(c, "one grant's cursor on another's payments", err, service.ErrBadCursor)

	// Cancelling gives the amount back; a smaller award must leave room.
	cancelled := p1
	cancelled.Status, cancelled.Version = domain.PaymentCancelled, 2
	c.ok(c.changePayment(p.ID, g, p1, cancelled))
	c.unchanged(p.ID, func() error { return c.changePayment(p.ID, g, p1, cancelled) }, func(err error) {
		ctIs(c, "a change on a stale version", err, service.ErrStale)
	})
	c.ok(c.pay(p.ID, g, ctPayment(g.ID, 55_00, dated, "2025-09-30")))
	smaller := func(pence int64) (domain.Grant, error) {
		cur, _ := ctGet[domain.Grant](c, p.ID, domain.Ref(domain.EntityGrant, g.ID))
		next := cur
		next.AmountPence, next.Version = pence, cur.Version+1
		return next, c.st.UpdateGrant(c.ctx, p.ID, cur, next, c.change(p.ID, domain.EntityGrant, g.ID, domain.ActionChange, cur, next))
	}
	c.unchanged(p.ID, func() error { _, err := smaller(94_99); return err }, func(err error) {
		ctIs(c, "an award below its payments", err, service.ErrOverCommitted)
	})
	g, err = smaller(95_00)
	c.ok(err)
	c.unchanged(p.ID, func() error { return c.pay(p.ID, g, ctPayment(g.ID, 1, dated, "2025-07-01")) }, func(err error) {
		ctIs(c, "a penny over the smaller award", err, service.ErrOverCommitted)
	})
	g, err = smaller(100_00)
	c.ok(err)
	c.ok(c.pay(p.ID, g, ctPayment(g.ID, 5_00, dated, "2025-07-01")))
	// A grant whose headroom was never set (no payment yet) may shrink to
	// anything, and then takes payments up to its new amount.
	fresh := c.grant(p.ID, x.ID, "", 10_00)
	moved := fresh
	moved.AmountPence, moved.Version = 8_00, 2
	c.ok(c.st.UpdateGrant(c.ctx, p.ID, fresh, moved, c.change(p.ID, domain.EntityGrant, fresh.ID, domain.ActionChange, fresh, moved)))
	c.unchanged(p.ID, func() error { return c.pay(p.ID, moved, ctPayment(moved.ID, 8_01, dated, "2025-07-01")) }, func(err error) {
		ctIs(c, "more than a shrunk award", err, service.ErrOverCommitted)
	})
	c.ok(c.pay(p.ID, moved, ctPayment(moved.ID, 8_00, dated, "2025-07-01")))
	for _, id := range []string{g.ID, other.ID, moved.ID} {
		if m := c.money(p.ID, id); m.PaidPence != 0 || m.DuePence != 0 || m.SpentPence != 0 {
			c.Errorf("scheduled payments moved the paid or due figures of %s: %+v", id, m)
		}
	}
}

func ctPaymentLife(c *ct) {
	p := c.programme()
	x := c.funder(p.ID)
	g := c.grant(p.ID, x.ID, "", 100_00)
	tg := domain.Target{ID: domain.NewID(), Metric: domain.MetricPeopleIntoWork, Value: 10, Deadline: domain.MustDate("2026-12-31"), Notify: []string{}}
	c.ok(c.st.CreateTarget(c.ctx, p.ID, tg, domain.Date{}, c.change(p.ID, domain.EntityTarget, tg.ID, domain.ActionCreate, nil, tg)))
	ms := ctPayment(g.ID, 30_00, domain.Trigger{Kind: domain.TriggerMilestone, TargetID: tg.ID, Threshold: 100}, "2026-03-31")
	c.ok(c.pay(p.ID, g, ms))
	// PaymentNow (what the notifier checks before a payment-due email
	// goes) reads each status as it stands, with the payment's trigger
	// (its email says whether its milestone is still met); the zero
	// payment for no such payment.
	status := func(grantID, id string, want domain.PaymentStatus) {
		c.Helper()
		got, err := c.st.PaymentNow(c.ctx, p.ID, grantID, id)
		if err != nil || got.Status != want {
			c.Errorf("status of payment %s: %q %v, want %q", id, got.Status, err, want)
		}
		wantTrigger := domain.Trigger{}
		switch {
		case want == "":
		case id == ms.ID:
			wantTrigger = ms.Trigger
		default:
			wantTrigger = dated
		}
		if got.Trigger.Kind != wantTrigger.Kind || got.Trigger.TargetID != wantTrigger.TargetID || got.Trigger.Threshold != wantTrigger.Threshold {
			c.Errorf("trigger of payment %s: %+v, want %+v", id, got.Trigger, wantTrigger)
		}
	}
	status(g.ID, ms.ID, domain.PaymentScheduled)
	status(g.ID, domain.NewID(), "")
	status(domain.NewID(), ms.ID, "")

	now := time.Now().UTC().Truncate(time.Millisecond)
	due, _ := ms.FallDue(domain.DateOf(now), now)
	note := domain.Notification{ID: domain.PaymentNotificationID(ms.ID), Kind: domain.KindPaymentDue, ProgrammeID: p.ID, PaymentID: ms.ID,
		Status: domain.NotificationPending, Recipients: []string{"grants@dwp.example"}, FunderIDs: []string{x.ID}, CreatedAt: now,
		GrantID: g.ID, AmountPence: ms.AmountPence}
	ev := func() domain.AuditEvent {
		return c.change(p.ID, domain.EntityPayment, ms.ID, domain.ActionChange, ms, due).Audit
	}
	events := len(ctAll(c, 100, func(pg service.Page) ([]domain.AuditEvent, string, error) {
		return c.st.History(c.ctx, p.ID, domain.Ref(domain.EntityPayment, ms.ID), pg)
	}))
	// On a target, on the figures version it was judged on: not on one
	// the figures have moved from (nothing written), on the one they
	// still have.
	_, version, err := c.st.FiguresAsOf(c.ctx, p.ID, nil)
	c.ok(err)
	unmoved := c.state(p.ID)
	stale := version + 1
	if fell, err := c.st.FallDue(c.ctx, p.ID, g, ms, due, note, ev(), &stale); err != nil || fell {
		c.Errorf("fell due on a figures version that is not the programme's: %v %v", fell, err)
	}
	if c.state(p.ID) != unmoved {
		c.Error("falling due on a stale figures version changed something")
	}
	status(g.ID, ms.ID, domain.PaymentScheduled)
	if _, ok := ctGet[domain.Notification](c, p.ID, domain.Ref(domain.EntityNotification, note.ID)); ok {
		c.Error("falling due on a stale figures version recorded its email")
	}
	ok, err := c.st.FallDue(c.ctx, p.ID, g, ms, due, note, ev(), &version)
	c.ok(err)
	if !ok {
		c.Fatal("a scheduled payment did not fall due")
	}
	before := c.state(p.ID)
	if again, err := c.st.FallDue(c.ctx, p.ID, g, ms, due, note, ev(), nil); err != nil || again {
		c.Errorf("fell due twice: %v %v", again, err)
	}
	if c.state(p.ID) != before {
		c.Error("falling due again changed something")
	}
	if got, _ := ctGet[domain.Payment](c, p.ID, domain.GrantRef(domain.EntityPayment, g.ID, ms.ID)); got.Status != domain.PaymentDue || got.Version != 2 {
		c.Errorf("after falling due: %+v", got)
	}
	if got, ok := ctGet[domain.Notification](c, p.ID, domain.Ref(domain.EntityNotification, note.ID)); !ok || got.PaymentID != ms.ID {
		c.Errorf("the payment's email was not recorded with it: %v %+v", ok, got)
	}
	status(g.ID, ms.ID, domain.PaymentDue)
	history := ctAll(c, 100, func(pg service.Page) ([]domain.AuditEvent, string, error) {
		return c.st.History(c.ctx, p.ID, domain.Ref(domain.EntityPayment, ms.ID), pg)
	})
	if len(history) != events+1 {
		c.Errorf("falling due wrote %d audit events, want 1", len(history)-events)
	}
	if m := c.money(p.ID, g.ID); m.DuePence != 30_00 || m.PaidPence != 0 {
		c.Errorf("once due: %+v", m)
	}
	if n := c.waiting(p.ID); n != 0 {
		c.Errorf("%d payments waiting once it fell due", n)
	}
	paid := due
	paid.Status, paid.PaidDate, paid.Version = domain.PaymentPaid, domain.DateOf(now), 3
	c.ok(c.changePayment(p.ID, g, due, paid))
	status(g.ID, ms.ID, domain.PaymentPaid)
	if m := c.money(p.ID, g.ID); m.DuePence != 0 || m.PaidPence != 30_00 {
		c.Errorf("once paid: %+v", m)
	}
	// A paid payment does not fall due, nor does a cancelled one.
	if again, err := c.st.FallDue(c.ctx, p.ID, g, paid, paid, domain.Notification{ID: "x.payment-due", ProgrammeID: p.ID}, ev(), nil); err != nil || again {
		c.Errorf("a paid payment fell due: %v %v", again, err)
	}
	gone := ctPayment(g.ID, 10_00, dated, "2025-01-01")
	c.ok(c.pay(p.ID, g, gone))
	cancelled := gone
	cancelled.Status, cancelled.Version = domain.PaymentCancelled, 2
	c.ok(c.changePayment(p.ID, g, gone, cancelled))
	status(g.ID, gone.ID, domain.PaymentCancelled)
	fell, _ := gone.FallDue(domain.DateOf(now), now)
	if again, err := c.st.FallDue(c.ctx, p.ID, g, gone, fell, domain.Notification{ID: domain.PaymentNotificationID(gone.ID), ProgrammeID: p.ID}, ev(), nil); err != nil || again {
		c.Errorf("a cancelled payment fell due: %v %v", again, err)
	}
}

func ctSpend(c *ct) {
	p := c.programme()
	x := c.funder(p.ID)
	g := c.grant(p.ID, x.ID, "", 100_00)
	spend := func(lines ...domain.BudgetLine) domain.SpendReturn {
		return domain.SpendReturn{ID: domain.NewID(), GrantID: g.ID, PeriodStart: domain.MustDate("2025-04-01"), PeriodEnd: domain.MustDate("2025-06-30"),
			Lines: lines, TotalPence: domain.Total(lines), SubmittedAt: time.Now().UTC(), SubmittedBy: "pl@example.org"}
	}
	seen := 0 // the grant's spend returns stored so far
	submitOn := func(s domain.SpendReturn, old *domain.SpendReturn, planned int) error {
		action := domain.ActionCreate
		if old != nil {
			s.Replaces, action = old.ID, domain.ActionCorrect
		}
		err := c.st.CreateSpend(c.ctx, p.ID, s, old, planned, c.change(p.ID, domain.EntitySpend, s.ID, action, old, s))
		if err == nil {
			seen++
		}
		return err
	}
	submit := func(s domain.SpendReturn, old *domain.SpendReturn) error { return submitOn(s, old, seen) }
	s1 := spend(domain.BudgetLine{Category: "staff", AmountPence: 70_00}, domain.BudgetLine{Category: "travel", AmountPence: 5_00})
	c.ok(submit(s1, nil))
	s2 := spend(domain.BudgetLine{Category: "equipment", AmountPence: 1_00})
	// A return planned on the grant's returns before s1 was stored (none)
	// is refused, and stores nothing: its rules were checked without s1.
	c.unchanged(p.ID, func() error { return submitOn(s2, nil, 0) }, func(err error) {
		if !errors.Is(err, service.ErrChanged) {
			c.Errorf("a spend return planned on a list without the last one stored: %v, want ErrChanged", err)
		}
	})
	c.ok(submit(s2, nil))
	want := domain.GrantMoney{SpentPence: 76_00, SpentBy: map[domain.BudgetCategory]int64{"staff": 70_00, "travel": 5_00, "equipment": 1_00}}
	ctSame(c, "spend", c.money(p.ID, g.ID), want)

	fix := spend(domain.BudgetLine{Category: "staff", AmountPence: 65_00})
	c.ok(submit(fix, &s1))
	want = domain.GrantMoney{SpentPence: 66_00, SpentBy: map[domain.BudgetCategory]int64{"staff": 65_00, "equipment": 1_00}}
	ctSame(c, "spend after a correction", c.money(p.ID, g.ID), want)
	one, err := c.st.GrantMoney(c.ctx, p.ID, g.ID)
	c.ok(err)
	ctSame(c, "one grant's money", one, want)
	none, err := c.st.GrantMoney(c.ctx, p.ID, domain.NewID())
	c.ok(err)
	ctSame(c, "a grant with no money yet", none, domain.GrantMoney{})
	c.unchanged(p.ID, func() error { return submit(spend(domain.BudgetLine{Category: "staff", AmountPence: 1}), &s1) }, func(err error) {
		var ac *service.AlreadyCorrectedError
		if !errors.As(err, &ac) || ac.By != domain.GrantRef(domain.EntitySpend, g.ID, fix.ID) || ac.Replaced != domain.GrantRef(domain.EntitySpend, g.ID, s1.ID) {
			c.Errorf("a second correction: %v (%+v), want one naming %s", err, ac, fix.ID)
		}
	})
	ghost := ctGrant(x.ID, "", 1)
	lost := spend(domain.BudgetLine{Category: "staff", AmountPence: 1})
	lost.GrantID = ghost.ID
	c.unchanged(p.ID, func() error { return submitOn(lost, nil, 0) }, func(err error) {
		ctMissing(c, "spend on a grant not there", err, domain.Ref(domain.EntityGrant, ghost.ID))
	})
	list := ctAll(c, 2, func(pg service.Page) ([]domain.SpendReturn, string, error) {
		return c.st.ListSpend(c.ctx, p.ID, g.ID, pg)
	})
	if got := ids(list, func(s domain.SpendReturn) string { return s.ID }); !slices.Equal(got, sorted([]string{s1.ID, s2.ID, fix.ID})) {
		c.Errorf("spend returns %v", got)
	}
	if got, ok := ctGet[domain.SpendReturn](c, p.ID, domain.GrantRef(domain.EntitySpend, g.ID, fix.ID)); !ok {
		c.Error("a spend return was not read back")
	} else {
		fix.Replaces = s1.ID
		ctSame(c, "spend return", got, fix)
	}
	ctNewest(c, p.ID, domain.EntitySpend, map[string]string{s1.ID: fix.ID, fix.ID: "", s2.ID: ""})
	refix := spend(domain.BudgetLine{Category: "staff", AmountPence: 60_00})
	c.ok(submit(refix, &fix))
	ctNewest(c, p.ID, domain.EntitySpend, map[string]string{s1.ID: refix.ID, fix.ID: refix.ID, refix.ID: "", s2.ID: ""})
	// A submission's markers are not a spend return's.
	ctNewest(c, p.ID, domain.EntityOutcome, map[string]string{s1.ID: ""})
}

// ctRelease: the payments a change makes due with it (service.Release).
// The payments waiting on a trigger are listed by trigger; the figures
// are read with their version, which every change of the figures moves; a
// submission that releases a payment makes it due, records its email and
// its audit event and moves its grant's figures, all in its own change,
// refused (nothing written) when the figures or the payment moved since
// they were read.
func ctRelease(c *ct) {
	p := c.programme()
	x, a := c.funder(p.ID), c.project(p.ID)
	g := c.grant(p.ID, x.ID, "", 100_00)
	now := time.Now().UTC()
	tg := domain.Target{ID: domain.NewID(), Metric: domain.MetricPeopleIntoWork, Value: 10, Deadline: domain.MustDate("2026-12-31"), Notify: []string{},
		Version: 1, CreatedAt: now, UpdatedAt: now}
	c.ok(c.st.CreateTarget(c.ctx, p.ID, tg, domain.Date{}, c.change(p.ID, domain.EntityTarget, tg.ID, domain.ActionCreate, nil, tg)))
	sched := domain.Schedule{ID: domain.NewID(), Name: "Quarterly", Frequency: domain.Quarterly, FirstPeriodStart: domain.MustDate("2025-01-01"),
		LastPeriodEnd: domain.MustDate("2025-06-30"), DueDays: 20, Reminders: []int64{7}, Version: 1, CreatedAt: now, UpdatedAt: now}
	c.ok(c.st.CreateSchedule(c.ctx, p.ID, sched, 0, nil, c.change(p.ID, domain.EntitySchedule, sched.ID, domain.ActionCreate, nil, sched)))
	returns := domain.ExpectedReturns(sched, []domain.Project{a}, now)
	c.ok(c.st.CreateReturns(c.ctx, p.ID, returns))

	at50 := ctPayment(g.ID, 10_00, domain.Trigger{Kind: domain.TriggerMilestone, TargetID: tg.ID, Threshold: 50}, "")
	at100 := ctPayment(g.ID, 20_00, domain.Trigger{Kind: domain.TriggerMilestone, TargetID: tg.ID, Threshold: 100}, "")
	onQ1 := ctPayment(g.ID, 30_00, domain.Trigger{Kind: domain.TriggerReturn, ReturnID: returns[0].ID}, "")
	onQ2 := ctPayment(g.ID, 5_00, domain.Trigger{Kind: domain.TriggerReturn, ReturnID: returns[1].ID}, "")
	for _, pm := range []domain.Payment{at50, at100, onQ1, onQ2} {
		c.ok(c.pay(p.ID, g, pm))
	}
	waitingOn := func(kind domain.TriggerKind, id string, limit int) ([]string, bool) {
		c.Helper()
		ps, more, err := c.st.PaymentsWaitingOn(c.ctx, p.ID, kind, id, limit)
		c.ok(err)
		return sorted(ids(ps, func(p domain.Payment) string { return p.ID })), more
	}
	if got, more := waitingOn(domain.TriggerMilestone, "", 10); !slices.Equal(got, sorted([]string{at50.ID, at100.ID})) || more {
		c.Errorf("waiting on targets: %v (more %v)", got, more)
	}
	if got, more := waitingOn(domain.TriggerMilestone, tg.ID, 1); len(got) != 1 || !more {
		c.Errorf("waiting on the target, one at most: %v (more %v)", got, more)
	}
	if got, _ := waitingOn(domain.TriggerReturn, returns[0].ID, 10); !slices.Equal(got, []string{onQ1.ID}) {
		c.Errorf("waiting on Q1's return: %v", got)
	}
	if got, _ := waitingOn(domain.TriggerReturn, domain.ReturnID(sched.ID, a.ID, domain.MustDate("2025-07-01")), 10); len(got) != 0 {
		c.Errorf("waiting on a return nobody waits on: %v", got)
	}

	keys := domain.SeriesKeys([]domain.Target{tg}, p.StartDate)
	var read domain.Project
	series, v0, err := c.st.FiguresAsOf(c.ctx, p.ID, keys, &service.Get{Ref: domain.Ref(domain.EntityProject, a.ID), Into: &read})
	c.ok(err)
	if tg.Current(p.StartDate, series) != 0 || read.ID != a.ID {
		c.Errorf("figures before any: %v, project %q", series, read.ID)
	}
	o := ctOutcome(a.ID, "", "2025-03-31", map[domain.Metric]int64{domain.MetricPeopleIntoWork: 6})
	o.PeriodStart = domain.MustDate("2025-01-01")
	o = domain.NewSubmission(o, nil, false)
	fc := domain.Submitting(o, nil, nil)
	accepted, ok := returns[0].Fill(o)
	if !ok || accepted.State != domain.StateAccepted {
		c.Fatalf("the submission does not accept Q1's return: %+v", accepted)
	}
	today := domain.DateOf(now)
	falling := func(pm domain.Payment, words domain.TriggerWords) service.Falling {
		after, _ := pm.FallDue(today, now)
		return service.Falling{Grant: g, Before: pm, After: after, Note: domain.PaymentDueNotice(p.ID, g, after, today, words, now),
			Audit: c.change(p.ID, domain.EntityPayment, pm.ID, domain.ActionChange, pm, after).Audit}
	}
	setup, err := c.st.ReportingSetup(c.ctx, p.ID)
	c.ok(err)
	sub := func(figures int64) service.Submission {
		return service.Submission{Outcome: o, Figures: fc, Returns: []service.ReturnWrite{{Before: &returns[0], After: accepted}}, Seq: setup.Seq,
			Release: service.Release{Falling: []service.Falling{falling(at50, domain.TriggerWords{Target: &tg}),
				falling(onQ1, domain.TriggerWords{Return: &accepted})}, Figures: &figures}}
	}
	write := func(s service.Submission) error {
		return c.st.CreateOutcome(c.ctx, p.ID, s, c.change(p.ID, domain.EntityOutcome, o.ID, domain.ActionCreate, nil, o))
	}

	// The figures moved since they were read (a target changed): refused.
	moved := tg
	moved.Version, moved.UpdatedAt = 2, now.Add(time.Second)
	c.ok(c.st.UpdateTarget(c.ctx, p.ID, tg, moved, domain.Date{}, service.Release{}, c.change(p.ID, domain.EntityTarget, tg.ID, domain.ActionChange, tg, moved)))
	tg = moved
	_, v1, err := c.st.FiguresAsOf(c.ctx, p.ID, keys)
	c.ok(err)
	if v1 == v0 {
		c.Fatalf("a target's change left the figures version at %d", v0)
	}
	c.unchanged(p.ID, func() error { return write(sub(v0)) }, func(err error) {
		ctIs(c, "a release on figures that moved", err, service.ErrChanged)
	})
	// A payment released meanwhile (paid): refused.
	paid := onQ1
	paid.Status, paid.PaidDate, paid.Version = domain.PaymentPaid, today, 2
	c.ok(c.changePayment(p.ID, g, onQ1, paid))
	c.unchanged(p.ID, func() error { return write(sub(v1)) }, func(err error) {
		ctIs(c, "a release of a payment paid meanwhile", err, service.ErrChanged)
	})
	back := paid
	back.Status, back.PaidDate, back.Version = domain.PaymentScheduled, domain.Date{}, 3
	c.ok(c.changePayment(p.ID, g, paid, back))
	onQ1 = back

	_, v2, err := c.st.FiguresAsOf(c.ctx, p.ID, keys)
	c.ok(err)
	waitingBefore := c.waiting(p.ID)
	c.ok(write(sub(v2)))
	for _, pm := range []domain.Payment{at50, onQ1} {
		got, _ := ctGet[domain.Payment](c, p.ID, domain.GrantRef(domain.EntityPayment, g.ID, pm.ID))
		if got.Status != domain.PaymentDue || got.DueSince != today || got.Version != pm.Version+1 {
			c.Errorf("released with the submission: %+v", got)
		}
		n, ok := ctGet[domain.Notification](c, p.ID, domain.Ref(domain.EntityNotification, domain.PaymentNotificationID(pm.ID)))
		if !ok || n.Status != domain.NotificationPending || n.Recipients != nil || n.PaymentID != pm.ID {
			c.Errorf("its email: %v %+v", ok, n)
		}
		if hist := ctAll(c, 100, func(pg service.Page) ([]domain.AuditEvent, string, error) {
			return c.st.History(c.ctx, p.ID, domain.Ref(domain.EntityPayment, pm.ID), pg)
		}); hist[0].Action != domain.ActionChange || hist[0].Changes["status"].After != string(domain.PaymentDue) {
			c.Errorf("its audit trail: %+v", hist[0])
		}
	}
	if m := c.money(p.ID, g.ID); m.DuePence != 40_00 {
		c.Errorf("the grant's due money: %+v", m)
	}
	if n := c.waiting(p.ID); n != waitingBefore-2 {
		c.Errorf("%d payments waiting, want %d", n, waitingBefore-2)
	}
	if got, _ := waitingOn(domain.TriggerMilestone, "", 10); !slices.Equal(got, []string{at100.ID}) {
		c.Errorf("waiting on targets after: %v", got)
	}
	series, v3, err := c.st.FiguresAsOf(c.ctx, p.ID, keys)
	c.ok(err)
	if v3 == v2 || tg.Current(p.StartDate, series) != 6 {
		c.Errorf("after the submission: version %d (was %d), figure %d", v3, v2, tg.Current(p.StartDate, series))
	}

	// A change of the target (6 of 6: at100 reached) makes at100 due in
	// its own transaction, refused on figures that moved since.
	lowered := tg
	lowered.Value, lowered.Version, lowered.UpdatedAt = 6, tg.Version+1, now.Add(2*time.Second)
	byTarget := func(seen int64) service.Release {
		f := falling(at100, domain.TriggerWords{Target: &lowered})
		f.After.Trigger.Record(lowered)
		return service.Release{Falling: []service.Falling{f}, Figures: &seen}
	}
	changeTarget := func(rel service.Release) error {
		return c.st.UpdateTarget(c.ctx, p.ID, tg, lowered, domain.Date{}, rel,
			c.change(p.ID, domain.EntityTarget, tg.ID, domain.ActionChange, tg, lowered))
	}
	c.unchanged(p.ID, func() error { return changeTarget(byTarget(v2)) }, func(err error) {
		ctIs(c, "a target's change releasing on figures that moved", err, service.ErrChanged)
	})
	c.ok(changeTarget(byTarget(v3)))
	got, _ := ctGet[domain.Payment](c, p.ID, domain.GrantRef(domain.EntityPayment, g.ID, at100.ID))
	if got.Status != domain.PaymentDue || got.DueSince != today || got.Trigger.TargetValue != 6 {
		c.Errorf("released with the target's change: %+v", got)
	}
	if _, ok := ctGet[domain.Notification](c, p.ID, domain.Ref(domain.EntityNotification, domain.PaymentNotificationID(at100.ID))); !ok {
		c.Error("no email recorded for the payment released with the target's change")
	}
	_, v4, err := c.st.FiguresAsOf(c.ctx, p.ID, keys)
	c.ok(err)
	if v4 == v3 {
		c.Errorf("a target's change left the figures version at %d", v3)
	}

	// A release of its own (an import's, after its rows): onQ2 made due,
	// refused on figures that moved since; its audit event written.
	onQ2Accepted := returns[1]
	onQ2Accepted.State = domain.StateAccepted
	alone := func(seen int64) service.Release {
		return service.Release{Falling: []service.Falling{falling(onQ2, domain.TriggerWords{Return: &onQ2Accepted})}, Figures: &seen}
	}
	c.unchanged(p.ID, func() error { return c.st.ReleasePayments(c.ctx, p.ID, alone(v3)) }, func(err error) {
		ctIs(c, "a release alone on figures that moved", err, service.ErrChanged)
	})
	c.ok(c.st.ReleasePayments(c.ctx, p.ID, alone(v4)))
	got, _ = ctGet[domain.Payment](c, p.ID, domain.GrantRef(domain.EntityPayment, g.ID, onQ2.ID))
	if got.Status != domain.PaymentDue || got.DueSince != today {
		c.Errorf("released alone: %+v", got)
	}
	if hist := ctAll(c, 100, func(pg service.Page) ([]domain.AuditEvent, string, error) {
		return c.st.History(c.ctx, p.ID, domain.Ref(domain.EntityPayment, onQ2.ID), pg)
	}); len(hist) == 0 || hist[0].Changes["status"].After != string(domain.PaymentDue) {
		c.Errorf("the audit trail of the payment released alone: %+v", hist)
	}
	if m := c.money(p.ID, g.ID); m.DuePence != 40_00+20_00+5_00 {
		c.Errorf("the grant's due money: %+v", m)
	}
	if n := c.waiting(p.ID); n != waitingBefore-4 {
		c.Errorf("%d payments waiting, want %d", n, waitingBefore-4)
	}
	// Released again: the payment is no longer scheduled.
	c.unchanged(p.ID, func() error { return c.st.ReleasePayments(c.ctx, p.ID, alone(v4)) }, func(err error) {
		ctIs(c, "a release of a payment made due already", err, service.ErrChanged)
	})
}

// ctPaymentEmailWithdrawn: a due payment marked paid or cancelled while
// its payment-due email is pending withdraws that email in the same
// change (deleted, with its own audit event), whatever lease a notifier
// run holds on it: no recipient of it can be claimed, nor its recipients
// fixed, nor can it be leased, after. The deletion is conditioned on the
// email being sent to nobody, and the change that leaves an email some
// had is conditioned on its not being so again: either found otherwise is
// service.ErrChanged, and nothing is written.
func ctPaymentEmailWithdrawn(c *ct) {
	p := c.programme()
	x := c.funder(p.ID)
	g := c.grant(p.ID, x.ID, "", 100_00)
	now := time.Now().UTC().Truncate(time.Millisecond)
	dueOne := func(pence int64) (domain.Payment, domain.Notification) {
		c.Helper()
		pm := ctPayment(g.ID, pence, dated, "2025-06-30")
		pm, _ = pm.FallDue(domain.MustDate("2025-06-30"), now)
		pm.Version = 1
		note := domain.PaymentDueNotice(p.ID, g, pm, domain.MustDate("2025-06-30"), domain.TriggerWords{}, now)
		c.ok(c.st.CreatePayment(c.ctx, p.ID, g, pm, &service.DueAtOnce{Note: note},
			c.change(p.ID, domain.EntityPayment, pm.ID, domain.ActionCreate, nil, pm)))
		return pm, note
	}
	read := func(id string) (domain.Notification, bool) {
		c.Helper()
		return ctGet[domain.Notification](c, p.ID, domain.Ref(domain.EntityNotification, id))
	}
	settle := func(before domain.Payment, status domain.PaymentStatus, note domain.Notification, withdraw bool) error {
		after := before
		after.Status, after.Version = status, before.Version+1
		if status == domain.PaymentPaid {
			after.PaidDate = domain.DateOf(now)
		}
		e := &service.PaymentEmail{Note: note}
		if withdraw {
			ev := c.change(p.ID, domain.EntityNotification, note.ID, domain.ActionDelete,
				note.WithdrawnRecord(domain.NotNeededReason(status)), nil).Audit
			e.Withdraw = &ev
		}
		return c.st.UpdatePayment(c.ctx, p.ID, g, before, after, e,
			c.change(p.ID, domain.EntityPayment, before.ID, domain.ActionChange, before, after))
	}

	// Leased by a run (which read the payment still due), then paid: the
	// email is gone, and the run can do nothing more with it.
	paid, note := dueOne(10_00)
	leased, ok, err := c.st.LeaseNotification(c.ctx, p.ID, note.ID, now, time.Minute)
	c.ok(err)
	if !ok {
		c.Fatal("a pending payment-due email was not leased")
	}
	c.ok(settle(paid, domain.PaymentPaid, leased, true))
	if n, ok := read(note.ID); ok {
		c.Errorf("the email of a payment paid before it went is still there: %+v", n)
	}
	if claimed, err := c.st.ClaimRecipient(c.ctx, p.ID, note.ID, leased.Attempts, "grants@dwp.example"); err != nil || claimed {
		c.Errorf("a recipient of a withdrawn email claimed: %v %v", claimed, err)
	}
	if _, err := c.st.SetRecipients(c.ctx, p.ID, note.ID, []string{"grants@dwp.example"}, nil); !errors.Is(err, service.ErrNotFound) {
		c.Errorf("recipients fixed on a withdrawn email: %v, want not found", err)
	}
	if _, ok, err := c.st.LeaseNotification(c.ctx, p.ID, note.ID, now.Add(time.Hour), time.Minute); err != nil || ok {
		c.Errorf("a withdrawn email leased: %v %v", ok, err)
	}
	if n, ok := read(note.ID); ok {
		c.Errorf("the withdrawn email came back: %+v", n)
	}
	for shard := range service.Shards {
		pending, _, err := c.st.PendingNotifications(c.ctx, shard, service.Page{Limit: 100})
		c.ok(err)
		for _, n := range pending {
			if n.ID == note.ID {
				c.Errorf("a withdrawn email listed pending: %+v", n)
			}
		}
	}
	hist := ctAll(c, 100, func(pg service.Page) ([]domain.AuditEvent, string, error) {
		return c.st.History(c.ctx, p.ID, domain.Ref(domain.EntityNotification, note.ID), pg)
	})
	if len(hist) != 1 || hist[0].Action != domain.ActionDelete || fmt.Sprint(hist[0].Changes["notNeeded"].Before) != string(domain.NotNeededPaid) {
		c.Errorf("the withdrawn email's history: %+v, want its deletion, not needed: paid", hist)
	}
	if got, _ := ctGet[domain.Payment](c, p.ID, domain.GrantRef(domain.EntityPayment, g.ID, paid.ID)); got.Status != domain.PaymentPaid {
		c.Errorf("the payment: %+v", got)
	}

	// Planned on a read of the email unsent, but a run claimed a recipient
	// since: refused, nothing written; planned again on what it is now
	// (being sent), the change only checks it stays so.
	cancelled, note2 := dueOne(20_00)
	leased2, _, err := c.st.LeaseNotification(c.ctx, p.ID, note2.ID, now, time.Minute)
	c.ok(err)
	if claimed, err := c.st.ClaimRecipient(c.ctx, p.ID, note2.ID, leased2.Attempts, "grants@dwp.example"); err != nil || !claimed {
		c.Fatalf("claim: %v %v", claimed, err)
	}
	c.unchanged(p.ID, func() error { return settle(cancelled, domain.PaymentCancelled, leased2, true) }, func(err error) {
		ctIs(c, "withdrawing an email being sent", err, service.ErrChanged)
	})
	sending, ok := read(note2.ID)
	if !ok || len(sending.Sending) != 1 {
		c.Fatalf("the email being sent after a refused withdrawal: %v %+v", ok, sending)
	}
	// A passing failure gives its only claim back: unsent again, so a
	// change planned on it being sent is refused too.
	c.ok(c.st.ReleaseNotification(c.ctx, p.ID, note2.ID, "grants@dwp.example", "429"))
	c.unchanged(p.ID, func() error { return settle(cancelled, domain.PaymentCancelled, sending, false) }, func(err error) {
		ctIs(c, "a change planned on an email being sent that is unsent again", err, service.ErrChanged)
	})
	// Claimed again and delivered: the change goes through, the email
	// stays (the notifier settles the rest), and no event of it is written.
	leased2, _, err = c.st.LeaseNotification(c.ctx, p.ID, note2.ID, now.Add(time.Hour), time.Minute)
	c.ok(err)
	if claimed, err := c.st.ClaimRecipient(c.ctx, p.ID, note2.ID, leased2.Attempts, "grants@dwp.example"); err != nil || !claimed {
		c.Fatalf("claim again: %v %v", claimed, err)
	}
	c.ok(c.st.MarkDelivered(c.ctx, p.ID, note2.ID, "grants@dwp.example"))
	had, _ := read(note2.ID)
	c.ok(settle(cancelled, domain.PaymentCancelled, had, false))
	if n, ok := read(note2.ID); !ok || n.Status != domain.NotificationPending || !slices.Equal(n.Delivered, []string{"grants@dwp.example"}) {
		c.Errorf("the email some had, once its payment was cancelled: %v %+v", ok, n)
	}
	if got, _ := ctGet[domain.Payment](c, p.ID, domain.GrantRef(domain.EntityPayment, g.ID, cancelled.ID)); got.Status != domain.PaymentCancelled {
		c.Errorf("the payment: %+v", got)
	}
	if hist := ctAll(c, 100, func(pg service.Page) ([]domain.AuditEvent, string, error) {
		return c.st.History(c.ctx, p.ID, domain.Ref(domain.EntityNotification, note2.ID), pg)
	}); len(hist) != 0 {
		c.Errorf("the email some had: history %+v, want none", hist)
	}

	// One some had and nobody is being sent (a retry waits), paid: the
	// change finishes it (Finish), conditioned on its delivered and
	// refused as read and nobody being sent it; a run holding its lease
	// can claim nobody more.
	third, note3 := dueOne(30_00)
	leased3, _, err := c.st.LeaseNotification(c.ctx, p.ID, note3.ID, now, time.Minute)
	c.ok(err)
	if claimed, err := c.st.ClaimRecipient(c.ctx, p.ID, note3.ID, leased3.Attempts, "grants@dwp.example"); err != nil || !claimed {
		c.Fatalf("claim: %v %v", claimed, err)
	}
	c.ok(c.st.MarkDelivered(c.ctx, p.ID, note3.ID, "grants@dwp.example"))
	finish := func(read domain.Notification) error {
		after := third
		after.Status, after.Version, after.PaidDate = domain.PaymentPaid, third.Version+1, domain.DateOf(now)
		done := read.SettledUnneeded(domain.NotNeededPaid, now)
		ev := c.change(p.ID, domain.EntityNotification, note3.ID, domain.ActionSend, nil, done.SentRecord()).Audit
		return c.st.UpdatePayment(c.ctx, p.ID, g, third, after, &service.PaymentEmail{Note: read, Finish: &done, FinishEvent: &ev},
			c.change(p.ID, domain.EntityPayment, third.ID, domain.ActionChange, third, after))
	}
	c.unchanged(p.ID, func() error { return finish(leased3) }, func(err error) { // read before it was delivered
		ctIs(c, "finishing an email on a stale read of who has it", err, service.ErrChanged)
	})
	had3, _ := read(note3.ID)
	c.ok(finish(had3))
	if n, ok := read(note3.ID); !ok || n.Status != domain.NotificationSent || n.NotNeeded != domain.NotNeededPaid || n.SentAt == nil ||
		!slices.Equal(n.Delivered, []string{"grants@dwp.example"}) {
		c.Errorf("the email some had, once its payment was paid: %v %+v", ok, n)
	}
	if claimed, err := c.st.ClaimRecipient(c.ctx, p.ID, note3.ID, leased3.Attempts, "lead@example.org"); err != nil || claimed {
		c.Errorf("a recipient of a finished email claimed: %v %v", claimed, err)
	}
	for shard := range service.Shards {
		pending, _, err := c.st.PendingNotifications(c.ctx, shard, service.Page{Limit: 100})
		c.ok(err)
		for _, n := range pending {
			if n.ID == note3.ID {
				c.Errorf("a finished email listed pending: %+v", n)
			}
		}
	}
	if hist := ctAll(c, 100, func(pg service.Page) ([]domain.AuditEvent, string, error) {
		return c.st.History(c.ctx, p.ID, domain.Ref(domain.EntityNotification, note3.ID), pg)
	}); len(hist) != 1 || hist[0].Action != domain.ActionSend {
		c.Errorf("the finished email's history: %+v, want its send event", hist)
	}
}
