package store_test

import (
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// ctCountsFloor: a write that would take one of a schedule's counts of
// returns below zero is refused (service.ErrCountsBelowZero), and writes
// nothing: a change planned on a return as it never was (here: as not
// sent, at the version of the return stored as sent, so its own check
// passes) would leave the counts not matching the returns, and a
// negative count shown. The same write, one return at a time or in an
// import, is refused alike.
func ctCountsFloor(c *ct) {
	now := time.Now().UTC()
	p := c.programme()
	a := c.project(p.ID)
	setup, err := c.st.ReportingSetup(c.ctx, p.ID)
	c.ok(err)
	sched := domain.Schedule{ID: domain.NewID(), Name: "Quarterly", Frequency: domain.Quarterly, FirstPeriodStart: domain.MustDate("2025-01-01"),
		LastPeriodEnd: domain.MustDate("2025-06-30"), DueDays: 20, Reminders: []int64{7}, Version: 1, CreatedAt: now, UpdatedAt: now}
	c.ok(c.st.CreateSchedule(c.ctx, p.ID, sched, setup.Seq, nil, c.change(p.ID, domain.EntitySchedule, sched.ID, domain.ActionCreate, nil, sched)))
	returns := domain.ExpectedReturns(sched, []domain.Project{a}, now)
	o := ctOutcome(a.ID, "", returns[0].PeriodEnd.String(), map[domain.Metric]int64{domain.MetricReferrals: 3})
	o.PeriodStart = returns[0].PeriodStart
	o = domain.NewSubmission(o, nil, false)
	filled, ok := returns[0].Fill(o)
	if !ok {
		c.Fatalf("the submission fills no return: %+v", returns[0])
	}
	// The first quarter's return is written sent already: never counted
	// as not sent.
	c.ok(c.st.CreateReturns(c.ctx, p.ID, []domain.Return{filled, returns[1]}))
	setup, err = c.st.ReportingSetup(c.ctx, p.ID)
	c.ok(err)
	before := setup.Stats[sched.ID]
	if n := before.Unsent[returns[0].PeriodEnd]; n != 0 {
		c.Fatalf("not sent in the first quarter: %d, want 0", n)
	}
	unsent := returns[0]
	unsent.Version = 1
	sub := service.Submission{Outcome: o, Figures: domain.Submitting(o, nil, nil), Seq: setup.Seq,
		Returns: []service.ReturnWrite{{Before: &unsent, After: filled}}}
	c.unchanged(p.ID, func() error {
		return c.st.CreateOutcome(c.ctx, p.ID, sub, c.change(p.ID, domain.EntityOutcome, o.ID, domain.ActionCreate, nil, o))
	}, func(err error) { ctIs(c, "a submission taking the counts below zero", err, service.ErrCountsBelowZero) })
	lock := "lock " + p.ID
	c.ok(c.st.LockImports(c.ctx, p.ID, lock, now, time.Minute))
	c.unchanged(p.ID, func() error {
		b := service.ImportBatch{Lock: lock, Submissions: []service.Submission{sub},
			Changes: []service.Change{c.change(p.ID, domain.EntityOutcome, o.ID, domain.ActionCreate, nil, o)}}
		_, err := c.st.ImportOutcomes(c.ctx, p.ID, b)
		return err
	}, func(err error) { ctIs(c, "an import taking the counts below zero", err, service.ErrCountsBelowZero) })
	after, err := c.st.ReportingSetup(c.ctx, p.ID)
	c.ok(err)
	ctSame(c, "the schedule's counts", after.Stats[sched.ID], before)
}
