package service

import (
	"context"
	"errors"
	"sync"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// Portfolio lists the programmes the caller belongs to (every programme,
// for administrators), a page at a time, each with its headline figures as
// far as the caller's roles in it let them see (domain.BuildPortfolioItem:
// money of the grants they may read; the programme's counted figures,
// targets and overdue returns, which every member reads in progress).
//
// A page costs three round trips, whatever the programmes hold: the
// memberships (one Query), the programmes with their running figures,
// targets and schedules (one BatchGetItem per 100 records), then the
// years of figures the targets' windows need with the schedules' return
// counts (likewise). A web session's check (CheckSession) is one more
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
	sums, err := s.store.Summaries(ctx, ids)
	if err != nil {
		return nil, "", storeErr(err, "", nil)
	}
	want := make(map[string]FigureKeys, len(sums))
	for id, sum := range sums {
		fk := FigureKeys{Series: domain.SeriesKeys(sum.Targets, sum.Programme.StartDate)}
		for _, sch := range sum.Schedules {
			fk.Schedules = append(fk.Schedules, sch.ID)
		}
		if len(fk.Series)+len(fk.Schedules) > 0 {
			want[id] = fk
		}
	}
	figs, err := s.store.Figures(ctx, want)
	if err != nil {
		return nil, "", storeErr(err, "", nil)
	}
	today := domain.UKDate(s.now())
	items := make([]domain.PortfolioItem, 0, len(ms))
	for _, m := range ms {
		sum, ok := sums[m.ProgrammeID]
		if !ok {
			continue // removed between the two reads
		}
		f := figs[m.ProgrammeID]
		sum.Stats = f.Stats
		a := domain.NewAccess(c.Identity, m.Roles)
		if !a.IsMember() {
			continue // a membership with no roles is no membership
		}
		currents := domain.Currents(sum.Targets, sum.Programme.StartDate, f.Series)
		items = append(items, domain.BuildPortfolioItem(sum, m.Roles, a, currents, today))
	}
	return items, next, nil
}

// Report is the programme's report for the period from..to (YYYY-MM-DD,
// both included): every member may read it, each seeing the money of the
// grants they may read (domain.BuildReport). Bad or reversed dates are a
// validation error naming the field, given only to members.
//
// Two round trips, whatever the history: the targets, the reporting setup
// and the period's money beside the access check; then the years of
// figures the period and the targets' windows cover.
func (sc *Scope) Report(from, to string) (domain.Report, error) {
	period, perr := domain.ParsePeriod(from, to)
	var (
		targets     []domain.Target
		setup       ReportingSetup
		paid, spent map[domain.FundingKey]int64
	)
	err := sc.alongside(func() error {
		var wg sync.WaitGroup
		var errs [3]error
		wg.Add(2)
		go func() { defer wg.Done(); targets, errs[0] = all(sc.listTargets) }()
		go func() { defer wg.Done(); setup, errs[1] = sc.s.store.ReportingSetup(sc.ctx, sc.programmeID) }()
		if perr == nil {
			wg.Add(1)
			go func() { defer wg.Done(); paid, spent, errs[2] = sc.s.store.PeriodMoney(sc.ctx, sc.programmeID, period) }()
		}
		wg.Wait()
		return storeErr(errors.Join(errs[:]...), "", nil)
	})
	if err != nil {
		return domain.Report{}, err
	}
	if perr != nil {
		return domain.Report{}, perr
	}
	start := sc.programme.StartDate
	chosen := domain.ReportTargets(targets, start, period)
	series, measures, err := sc.s.store.PeriodSeries(sc.ctx, sc.programmeID, domain.ReportSeriesKeys(period, chosen, start))
	if err != nil {
		return domain.Report{}, storeErr(err, "", nil)
	}
	return domain.BuildReport(domain.ReportInput{Programme: sc.programme, Period: period, Targets: chosen, Series: series,
		Measures: measures, Schedules: setup.Schedules, Stats: setup.Stats, Paid: paid, Spent: spent,
		Today: domain.UKDate(sc.s.now())}, sc.access), nil
}
