package store_test

import (
	"reflect"
	"slices"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// ctPortfolio: what a portfolio and a period report read. The DynamoDB
// store keeps summaries on write (awards by funder and project, targets,
// schedules' due days, measures by day); the fake works them out from the
// records. Both must give the same answers, through every kind of change.
func ctPortfolio(c *ct) {
	p, q := c.programme(), c.programme()
	x, y := c.funder(p.ID), c.funder(p.ID)
	a, b := c.project(p.ID), c.project(p.ID)
	now := time.Now().UTC()

	// Memberships: a funder in p and a lead in q, one page at a time.
	dwp := "dwp@example.org"
	for pid, roles := range map[string][]domain.Role{p.ID: {{Role: domain.RoleFunder, FunderID: x.ID}}, q.ID: {{Role: domain.RoleLead}}} {
		m := domain.Member{Email: dwp, Roles: roles, UpdatedAt: now}
		c.ok(c.st.PutMember(c.ctx, pid, m, nil, c.change(pid, domain.EntityMember, dwp, domain.ActionCreate, nil, m)))
	}
	ms := ctAll(c, 1, func(pg service.Page) ([]service.Membership, string, error) { return c.st.Memberships(c.ctx, dwp, pg) })
	want := []service.Membership{{ProgrammeID: p.ID, Roles: []domain.Role{{Role: domain.RoleFunder, FunderID: x.ID}}},
		{ProgrammeID: q.ID, Roles: []domain.Role{{Role: domain.RoleLead}}}}
	slices.SortFunc(want, func(a, b service.Membership) int { return cmpString(a.ProgrammeID, b.ProgrammeID) })
	ctSame(c, "memberships", ms, want)
	// By key, as an administrator's page of programmes reads them: a
	// programme it is no member of (or that is not there) is left out.
	other := c.programme()
	byKey, err := c.st.MemberRoles(c.ctx, dwp, []string{p.ID, other.ID, q.ID, domain.NewID()})
	c.ok(err)
	ctSame(c, "memberships by programme", byKey, map[string][]domain.Role{
		p.ID: {{Role: domain.RoleFunder, FunderID: x.ID}}, q.ID: {{Role: domain.RoleLead}}})

	// Awards by funder and project, through a grant moving funder, project
	// and amount.
	gxa := c.grant(p.ID, x.ID, a.ID, 100)
	gx := c.grant(p.ID, x.ID, "", 50)
	gyb := c.grant(p.ID, y.ID, b.ID, 30)
	moved := gyb
	moved.FunderID, moved.ProjectID, moved.AmountPence, moved.Version = x.ID, a.ID, 40, 2
	c.ok(c.st.UpdateGrant(c.ctx, p.ID, gyb, moved, c.change(p.ID, domain.EntityGrant, gyb.ID, domain.ActionChange, gyb, moved)))

	// Targets, one changed after it was set; a quarterly schedule whose
	// due days change.
	t1 := domain.Target{ID: domain.NewID(), Metric: domain.MetricPeopleIntoWork, Value: 10, Deadline: domain.MustDate("2026-12-31"),
		Notify: []string{}, Thresholds: []int64{100}, Version: 1, CreatedAt: now, UpdatedAt: now}
	t2 := domain.Target{ID: domain.NewID(), Metric: domain.MetricReferrals, Value: 40, StartDate: domain.MustDate("2025-06-01"),
		Deadline: domain.MustDate("2025-12-31"), ProjectID: a.ID, Notify: []string{x.ID}, Thresholds: []int64{50, 100}, Version: 1, CreatedAt: now, UpdatedAt: now}
	for _, t := range []domain.Target{t1, t2} {
		c.ok(c.st.CreateTarget(c.ctx, p.ID, t, domain.Date{}, c.change(p.ID, domain.EntityTarget, t.ID, domain.ActionCreate, nil, t)))
	}
	t1b := t1
	t1b.Value, t1b.Version = 12, 2
	c.ok(c.st.UpdateTarget(c.ctx, p.ID, t1, t1b, domain.Date{}, service.Release{}, c.change(p.ID, domain.EntityTarget, t1.ID, domain.ActionChange, t1, t1b)))
	// Figures: a submission with a measure, corrected (before the
	// schedule: a submission plans on the reporting setup it read).
	piw, ref := domain.MetricPeopleIntoWork, domain.MetricReferrals
	o1 := ctOutcome(a.ID, "", "2025-06-30", map[domain.Metric]int64{piw: 3, ref: 9}, domain.Measure{Name: "self_confidence", BaselineMean: 3, LatestMean: 6, Respondents: 4})
	c.ok(c.submit(p.ID, o1, nil))
	fix := ctOutcome(a.ID, "", "2025-07-31", map[domain.Metric]int64{piw: 4, ref: 10}, domain.Measure{Name: "self_confidence", BaselineMean: 2, LatestMean: 5, Respondents: 2})
	c.ok(c.submit(p.ID, fix, &o1))
	c.ok(c.submit(p.ID, ctOutcome(b.ID, "", "2025-07-31", map[domain.Metric]int64{piw: 1}), nil))

	setup, err := c.st.ReportingSetup(c.ctx, p.ID)
	c.ok(err)
	sched := domain.Schedule{ID: domain.NewID(), Name: "Quarterly", Frequency: domain.Quarterly, FirstPeriodStart: domain.MustDate("2025-01-01"),
		LastPeriodEnd: domain.MustDate("2025-12-31"), DueDays: 20, Reminders: []int64{7}, Version: 1, CreatedAt: now, UpdatedAt: now}
	c.ok(c.st.CreateSchedule(c.ctx, p.ID, sched, setup.Seq, nil, c.change(p.ID, domain.EntitySchedule, sched.ID, domain.ActionCreate, nil, sched)))
	later := sched
	later.DueDays, later.Version = 30, 2
	c.ok(c.st.UpdateSchedule(c.ctx, p.ID, sched, later, setup.Seq+1, nil, nil, c.change(p.ID, domain.EntitySchedule, sched.ID, domain.ActionChange, sched, later)))
	c.ok(c.st.CreateReturns(c.ctx, p.ID, domain.ExpectedReturns(later, []domain.Project{a, b}, now)))

	// Money: a payment paid in May (on X's whole-programme grant, which
	// then moves to Y: its money goes with it), one due on X's grant to A,
	// one cancelled; spend on X's grant to A for the quarter to June,
	// corrected.
	pay := func(g domain.Grant, amount int64, status domain.PaymentStatus) domain.Payment {
		due := domain.MustDate("2025-05-01")
		pm := domain.Payment{ID: domain.NewID(), GrantID: g.ID, AmountPence: amount, DueDate: &due, Trigger: domain.Trigger{Kind: domain.TriggerDate},
			Status: status, Version: 1, CreatedAt: now, UpdatedAt: now}
		c.ok(c.st.CreatePayment(c.ctx, p.ID, g, pm, nil, c.change(p.ID, domain.EntityPayment, pm.ID, domain.ActionCreate, nil, pm)))
		return pm
	}
	paid := pay(gx, 20, domain.PaymentScheduled)
	paidAfter := paid
	paidAfter.Status, paidAfter.PaidDate, paidAfter.Version = domain.PaymentPaid, domain.MustDate("2025-05-10"), 2
	c.ok(c.st.UpdatePayment(c.ctx, p.ID, gx, paid, paidAfter, nil, c.change(p.ID, domain.EntityPayment, paid.ID, domain.ActionChange, paid, paidAfter)))
	pay(gxa, 30, domain.PaymentDue)
	cancelled := pay(gxa, 5, domain.PaymentDue)
	cancelledAfter := cancelled
	cancelledAfter.Status, cancelledAfter.Version = domain.PaymentCancelled, 2
	c.ok(c.st.UpdatePayment(c.ctx, p.ID, gxa, cancelled, cancelledAfter, nil, c.change(p.ID, domain.EntityPayment, cancelled.ID, domain.ActionChange, cancelled, cancelledAfter)))
	spends := 0
	spend := func(amount int64, old *domain.SpendReturn) domain.SpendReturn {
		sp := domain.SpendReturn{ID: domain.NewID(), GrantID: gxa.ID, PeriodStart: domain.MustDate("2025-04-01"), PeriodEnd: domain.MustDate("2025-06-30"),
			Lines: []domain.BudgetLine{{Category: domain.CategoryStaff, AmountPence: amount}}, TotalPence: amount, SubmittedAt: now, SubmittedBy: "pl@example.org"}
		c.ok(c.st.CreateSpend(c.ctx, p.ID, sp, old, spends, c.change(p.ID, domain.EntitySpend, sp.ID, domain.ActionCreate, old, sp)))
		spends++
		return sp
	}
	first := spend(12, nil)
	spend(15, &first)
	gxMoved := gx
	gxMoved.FunderID, gxMoved.Version = y.ID, 2
	c.ok(c.st.UpdateGrant(c.ctx, p.ID, gx, gxMoved, c.change(p.ID, domain.EntityGrant, gx.ID, domain.ActionChange, gx, gxMoved)))

	// A project renamed: the summary names it as it is now.
	d := domain.Project{ID: domain.NewID(), Name: "Leeds", LeadOrganisation: "LYPFT", StartDate: domain.MustDate("2025-01-01"),
		EndDate: domain.MustDate("2026-12-31"), Version: 1, CreatedAt: now}
	c.ok(c.st.CreateProject(c.ctx, p.ID, d, nil, c.change(p.ID, domain.EntityProject, d.ID, domain.ActionCreate, nil, d)))
	dRenamed := d
	dRenamed.Name, dRenamed.Version = "Leeds IPS", 2
	c.ok(c.st.UpdateProject(c.ctx, p.ID, d, dRenamed, nil, c.change(p.ID, domain.EntityProject, d.ID, domain.ActionChange, d, dRenamed)))

	sums, err := c.st.Summaries(c.ctx, []string{p.ID, q.ID, domain.NewID()})
	c.ok(err)
	if len(sums) != 2 {
		c.Fatalf("%d summaries, want the two programmes there", len(sums))
	}
	sp := sums[p.ID]
	ctSame(c, "projects' names", sp.ProjectNames, map[string]string{a.ID: a.Name, b.ID: b.Name, d.ID: "Leeds IPS"})
	if sp.Programme.ID != p.ID || sp.Totals.AwardedPence != 190 || sp.Totals.Programme[piw] != 5 {
		c.Errorf("summary of p: %+v", sp)
	}
	if got, want := nonZero(sp.Funding.Awarded), (map[domain.FundingKey]int64{{FunderID: x.ID, ProjectID: a.ID}: 140, {FunderID: y.ID}: 50}); !reflect.DeepEqual(got, want) {
		c.Errorf("awards by funder and project: %v, want %v", got, want)
	}
	if got, want := nonZero(sp.Funding.Paid), (map[domain.FundingKey]int64{{FunderID: y.ID}: 20}); !reflect.DeepEqual(got, want) {
		c.Errorf("paid by funder and project: %v, want %v", got, want)
	}
	if got, want := nonZero(sp.Funding.Due), (map[domain.FundingKey]int64{{FunderID: x.ID, ProjectID: a.ID}: 1}); !reflect.DeepEqual(got, want) {
		c.Errorf("payments due by funder and project: %v, want %v", got, want)
	}
	for _, cs := range []struct {
		from, to    string
		paid, spent map[domain.FundingKey]int64
	}{
		{"2025-04-01", "2025-06-30", map[domain.FundingKey]int64{{FunderID: y.ID}: 20}, map[domain.FundingKey]int64{{FunderID: x.ID, ProjectID: a.ID}: 15}},
		{"2025-05-11", "2025-06-29", map[domain.FundingKey]int64{}, map[domain.FundingKey]int64{}},
		{"2024-01-01", "2025-05-10", map[domain.FundingKey]int64{{FunderID: y.ID}: 20}, map[domain.FundingKey]int64{}},
	} {
		paid, spent, err := c.st.PeriodMoney(c.ctx, p.ID, domain.Period{Start: domain.MustDate(cs.from), End: domain.MustDate(cs.to)})
		c.ok(err)
		if !reflect.DeepEqual(nonZero(paid), cs.paid) || !reflect.DeepEqual(nonZero(spent), cs.spent) {
			c.Errorf("money from %s to %s: paid %v spent %v, want %v %v", cs.from, cs.to, paid, spent, cs.paid, cs.spent)
		}
	}
	wantTargets := []domain.Target{{ID: t1.ID, Metric: piw, Value: 12, Deadline: t1.Deadline},
		{ID: t2.ID, Metric: ref, Value: 40, StartDate: t2.StartDate, Deadline: t2.Deadline, ProjectID: a.ID}}
	slices.SortFunc(wantTargets, func(a, b domain.Target) int { return cmpString(a.ID, b.ID) })
	ctSame(c, "targets summarised", sp.Targets, wantTargets)
	ctSame(c, "schedules summarised", sp.Schedules, []domain.Schedule{{ID: sched.ID, DueDays: 30}})
	if sq := sums[q.ID]; sq.Programme.ID != q.ID || len(sq.Targets) != 0 || len(sq.Schedules) != 0 || sq.Totals.AwardedPence != 0 {
		c.Errorf("summary of an empty programme: %+v", sq)
	}

	// The figures the portfolio reads next, as the single-programme reads
	// give them.
	keys := domain.SeriesKeys(sp.Targets, p.StartDate)
	figs, err := c.st.Figures(c.ctx, map[string]service.FigureKeys{p.ID: {Series: keys, Schedules: []string{sched.ID}}})
	c.ok(err)
	series, err := c.st.Series(c.ctx, p.ID, keys)
	c.ok(err)
	setup, err = c.st.ReportingSetup(c.ctx, p.ID)
	c.ok(err)
	if got, want := ctNonZero(figs[p.ID].Series), ctNonZero(series); !reflect.DeepEqual(got, want) || len(got) == 0 {
		c.Errorf("figures' series %v, want %v", got, want)
	}
	ctSame(c, "figures' return counts", figs[p.ID].Stats[sched.ID], setup.Stats[sched.ID])
	if n := setup.Stats[sched.ID].Expected[domain.MustDate("2025-03-31")]; n != 2 {
		c.Errorf("expected returns for the first quarter: %d, want 2", n)
	}
	// Each project's counts of the schedule, kept beside the schedule's
	// since it was made (so marked in the setup and the summary): its own
	// returns', the two adding up to the schedule's; a project with no
	// return of it has none.
	if len(setup.Schedules) != 1 || !setup.Schedules[0].CountedByProject || !sp.Schedules[0].CountedByProject {
		c.Errorf("a schedule made here keeps its counts by project: setup %+v, summary %+v", setup.Schedules, sp.Schedules)
	}
	byProject, err := c.st.Figures(c.ctx, map[string]service.FigureKeys{p.ID: {Projects: []string{a.ID, b.ID, d.ID}, ProjectSchedules: []string{sched.ID}}})
	c.ok(err)
	mine := byProject[p.ID].ProjectStats
	for _, j := range []string{a.ID, b.ID} {
		st := mine[j][sched.ID]
		for _, end := range []string{"2025-03-31", "2025-06-30", "2025-09-30", "2025-12-31"} {
			if st.Expected[domain.MustDate(end)] != 1 || st.Unsent[domain.MustDate(end)] != 1 {
				c.Errorf("project %s's counts of the quarter to %s: %+v, want its one return, not sent", j, end, st)
			}
		}
	}
	if st := mine[d.ID][sched.ID]; st.ScheduleID != sched.ID || len(ctNonZeroCounts(st.Expected)) != 0 {
		c.Errorf("a project with no return of the schedule: %+v", st)
	}
	all := domain.Access{Projects: map[string]bool{a.ID: true, b.ID: true}}.ReturnStatsSeen(nil, mine)[sched.ID]
	if !reflect.DeepEqual(ctNonZeroCounts(all.Expected), ctNonZeroCounts(setup.Stats[sched.ID].Expected)) ||
		!reflect.DeepEqual(ctNonZeroCounts(all.Unsent), ctNonZeroCounts(setup.Stats[sched.ID].Unsent)) {
		c.Errorf("the projects' counts add up to %+v, the schedule's are %+v", all, setup.Stats[sched.ID])
	}
	if len(byProject[p.ID].Stats) != 0 {
		c.Errorf("the schedule's own counts read when only the projects' were asked for: %+v", byProject[p.ID].Stats)
	}

	// A report's series: the counts as Series gives them, and the measures
	// of the programme's years by day (the correction's, not the first's).
	ps, measures, err := c.st.PeriodSeries(c.ctx, p.ID, []domain.SeriesKey{{Year: 2025}, {ProjectID: a.ID, Year: 2025}, {Year: 2024}})
	c.ok(err)
	if got, want := ctNonZero(ps), (map[domain.SeriesKey]domain.DaySeries{
		{Year: 2025}: {domain.MustDate("2025-07-31"): {piw: 5, ref: 10}}, {ProjectID: a.ID, Year: 2025}: {domain.MustDate("2025-07-31"): {piw: 4, ref: 10}}, {Year: 2024}: {}}); !reflect.DeepEqual(got, want) {
		c.Errorf("period series %v, want %v", got, want)
	}
	got := map[domain.Date]map[string]domain.MeasureSums{}
	for day, byName := range measures {
		for name, s := range byName {
			if s.Respondents != 0 {
				if got[day] == nil {
					got[day] = map[string]domain.MeasureSums{}
				}
				got[day][name] = s
			}
		}
	}
	if want := (map[domain.Date]map[string]domain.MeasureSums{
		domain.MustDate("2025-07-31"): {"self_confidence": {Respondents: 2, BaselineSum: 4, LatestSum: 10}}}); !reflect.DeepEqual(got, want) {
		c.Errorf("measures by day %v, want %v", got, want)
	}
}

func cmpString(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// nonZero is m without its zero figures: a figure moved back to zero is
// kept by DynamoDB, never by the fake.
func nonZero[K comparable](m map[K]int64) map[K]int64 {
	out := map[K]int64{}
	for k, v := range m {
		if v != 0 {
			out[k] = v
		}
	}
	return out
}
