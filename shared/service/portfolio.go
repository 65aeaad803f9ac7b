package service

import (
	"context"
	"slices"
	"sync"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// Portfolio lists the programmes the caller belongs to (every programme,
// for administrators), a page at a time, each with its headline figures as
// far as the caller's roles in it let them see (domain.BuildPortfolioItem:
// money of the grants they may read; the programme's counted figures and
// targets, which every member reads in progress; the overdue returns of
// the projects whose returns they may read: a project lead's own).
//
// A page costs three round trips, whatever the programmes hold: the
// memberships (one Query; an administrator's, the programmes), the
// programmes with their running figures, targets and schedules (one
// BatchGetItem per 100 records; an administrator's own roles in them
// beside, likewise), then the
// years of figures the targets' windows need with the return counts each
// caller sees, the schedules' or a project lead's projects' (likewise). A web session's check (CheckSession) is one more
// read, sent beside them.
func (s *Service) Portfolio(ctx context.Context, c domain.Caller, p Page) ([]domain.PortfolioItem, string, error) {
	var items []domain.PortfolioItem
	var next string
	err := s.besideSession(ctx, c, func() (err error) {
		items, next, err = s.portfolio(ctx, c, p)
		return err
	})
	if err != nil {
		return nil, "", err
	}
	return items, next, nil
}

func (s *Service) portfolio(ctx context.Context, c domain.Caller, p Page) ([]domain.PortfolioItem, string, error) {
	var ms []Membership
	var next string
	if c.IsAdmin() {
		progs, n, err := s.store.ListProgrammes(ctx, p)
		if err != nil {
			return nil, "", storeErr(err, "", nil)
		}
		for _, pr := range progs {
			ms = append(ms, Membership{ProgrammeID: pr.ID})
		}
		next = n
	} else {
		var err error
		if ms, next, err = s.store.Memberships(ctx, c.Email, p); err != nil {
			return nil, "", storeErr(err, "", nil)
		}
	}
	if len(ms) == 0 {
		return []domain.PortfolioItem{}, next, nil
	}
	ids := make([]string, len(ms))
	for i, m := range ms {
		ids[i] = m.ProgrammeID
	}
	var (
		sums  map[string]domain.ProgrammeSummary
		roles map[string][]domain.Role
	)
	reads := []func() error{func() (err error) { sums, err = s.store.Summaries(ctx, ids); return }}
	if c.IsAdmin() {
		// An administrator sees every programme, and its roles in those
		// it is also a member of (as members lists them), read by key
		// beside the summaries: [] only where it holds none.
		reads = append(reads, func() (err error) { roles, err = s.store.MemberRoles(ctx, c.Email, ids); return })
	}
	if err := parallel(reads...); err != nil {
		return nil, "", err
	}
	for i := range ms {
		if r, ok := roles[ms[i].ProgrammeID]; ok {
			ms[i].Roles = r
		}
	}
	// Each programme's return counts are those the caller may see there:
	// the schedules' own for a lead or funder, a project lead's own
	// projects' (domain.Access.ReturnProjects), read by key with the rest.
	want := make(map[string]FigureKeys, len(sums))
	mine := map[string][]string{}
	for _, m := range ms {
		sum, ok := sums[m.ProgrammeID]
		if !ok {
			continue
		}
		projects := domain.NewAccess(c.Identity, m.Roles).ReturnProjects()
		if projects != nil {
			mine[m.ProgrammeID] = projects
		}
		if fk := figureKeys(domain.SeriesKeys(sum.Targets, sum.Programme.StartDate), sum.Schedules, projects); !fk.empty() {
			want[m.ProgrammeID] = fk
		}
	}
	figs, uncounted, err := s.portfolioFigures(ctx, want, sums, mine)
	if err != nil {
		return nil, "", err
	}
	today := domain.UKDate(s.now())
	items := make([]domain.PortfolioItem, 0, len(ms))
	for _, m := range ms {
		sum, ok := sums[m.ProgrammeID]
		if !ok {
			continue // removed between the two reads
		}
		f := figs[m.ProgrammeID]
		f.withUncounted(uncounted[m.ProgrammeID])
		sum.Stats, sum.ProjectStats = f.Stats, f.ProjectStats
		a := domain.NewAccess(c.Identity, m.Roles)
		if !a.IsMember() {
			continue // a membership with no roles is no membership
		}
		currents := domain.Currents(sum.Targets, sum.Programme.StartDate, f.Series)
		items = append(items, domain.BuildPortfolioItem(sum, m.Roles, a, currents, today))
	}
	return items, next, nil
}

// portfolioFigures reads what want asks of a page of programmes (one
// BatchGetItem per 100 keys, sent together) and, at the same time, for a
// project lead's programme with a schedule made before return counts were
// kept by project, its projects' counts of those from their returns (by
// programme, then project and schedule).
func (s *Service) portfolioFigures(ctx context.Context, want map[string]FigureKeys, sums map[string]domain.ProgrammeSummary,
	mine map[string][]string) (map[string]Figures, map[string]map[string]map[string]domain.ReturnStats, error) {
	var (
		figs      map[string]Figures
		uncounted = map[string]map[string]map[string]domain.ReturnStats{}
		mu        sync.Mutex
	)
	reads := []func() error{func() (err error) { figs, err = s.store.Figures(ctx, want); return err }}
	for id, projects := range mine {
		if !slices.ContainsFunc(sums[id].Schedules, func(sch domain.Schedule) bool { return !sch.CountedByProject }) {
			continue // every count by key: nothing to count from returns
		}
		reads = append(reads, func() error {
			by, err := s.uncountedStats(ctx, id, sums[id].Schedules, projects)
			mu.Lock()
			defer mu.Unlock()
			uncounted[id] = by
			return err
		})
	}
	if err := parallel(reads...); err != nil {
		return nil, nil, err
	}
	return figs, uncounted, nil
}

// Report is the programme's report for the period from..to (YYYY-MM-DD,
// both included): every member may read it, each seeing the money of the
// grants they may read (domain.BuildReport). Bad or reversed dates are a
// validation error naming the field, given only to members.
//
// Two round trips, whatever the history: the targets, the reporting setup
// and the period's money beside the access check; then the years of
// figures the period and the targets' windows cover, and beside them a
// project lead's own return counts, by key (its returns are all it may
// read, so its counts are theirs: domain.Access.ReturnStatsSeen).
func (sc *Scope) Report(from, to string) (domain.Report, error) {
	period, perr := domain.ParsePeriod(from, to)
	var (
		targets     []domain.Target
		setup       ReportingSetup
		paid, spent map[domain.FundingKey]int64
	)
	err := sc.alongside(func() error {
		reads := []func() error{
			func() (err error) { targets, err = all(sc.listTargets); return err },
			func() (err error) { setup, err = sc.s.store.ReportingSetup(sc.ctx, sc.programmeID); return err },
		}
		if perr == nil {
			reads = append(reads, func() (err error) {
				paid, spent, err = sc.s.store.PeriodMoney(sc.ctx, sc.programmeID, period)
				return err
			})
		}
		return parallel(reads...)
	})
	if err != nil {
		return domain.Report{}, err
	}
	if perr != nil {
		return domain.Report{}, perr
	}
	start := sc.programme.StartDate
	var (
		series   map[domain.SeriesKey]domain.DaySeries
		measures domain.DayMeasures
		mine     Figures
		errs     [2]error
		wg       sync.WaitGroup
	)
	// A project lead's return counts are its own projects', read by key
	// beside the years of figures.
	if projects := sc.access.ReturnProjects(); projects != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mine, errs[1] = sc.s.projectFigures(sc.ctx, sc.programmeID, nil, setup.Schedules, projects)
		}()
	}
	series, measures, errs[0] = sc.s.store.PeriodSeries(sc.ctx, sc.programmeID, domain.ReportSeriesKeys(period, targets, start))
	wg.Wait()
	if errs[0] != nil {
		return domain.Report{}, storeErr(errs[0], "", nil)
	}
	if errs[1] != nil {
		return domain.Report{}, errs[1]
	}
	return domain.BuildReport(domain.ReportInput{Programme: sc.programme, Period: period, Targets: targets, Series: series,
		Measures: measures, Schedules: setup.Schedules, Stats: setup.Stats, ProjectStats: mine.ProjectStats, Paid: paid, Spent: spent,
		Today: domain.UKDate(sc.s.now())}, sc.access), nil
}
