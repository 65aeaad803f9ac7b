package service

import (
	"maps"
	"slices"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/export"
)

// Progress is the programme's standing from its running totals: a fixed
// handful of DynamoDB requests however much history there is (see
// docs/dynamodb.md, "Cost of the progress report"). The first reads do
// not depend on the caller's roles, so they all go out beside the access
// check: one round trip; then the years of figures the targets need, with
// a project lead's own return counts by key in the same BatchGetItem.
func (sc *Scope) Progress() (domain.Progress, error) {
	var (
		t        domain.Totals
		funders  []domain.Funder
		projects []domain.Project
		targets  []domain.Target
		grants   []domain.Grant
		money    map[string]domain.GrantMoney
		setup    ReportingSetup
	)
	err := sc.alongside(func() error {
		return parallel(
			func() (err error) { t, err = sc.s.store.Totals(sc.ctx, sc.programmeID); return err },
			func() (err error) { funders, err = all(sc.listFunders); return err },
			func() (err error) { projects, err = all(sc.listProjects); return err },
			func() (err error) { targets, err = all(sc.listTargets); return err },
			// Every grant, read whoever asks so the read can go out beside
			// the access check; the caller's share is chosen once access is
			// known.
			func() (err error) { grants, err = all(sc.listGrants); return err },
			func() (err error) { money, err = sc.s.store.Money(sc.ctx, sc.programmeID); return err },
			func() (err error) { setup, err = sc.s.store.ReportingSetup(sc.ctx, sc.programmeID); return err },
		)
	})
	if err != nil {
		return domain.Progress{}, err
	}
	// A project lead's return counts are its own projects' (the returns
	// it may read): read by key with the years of figures, in the same
	// BatchGetItem. Everyone else's are the schedules', in the setup.
	showReturns := sc.access.CanManage() || len(sc.access.Projects) > 0
	mine := sc.access.ReturnProjects()
	var series map[domain.SeriesKey]domain.DaySeries
	var byProject map[string]map[string]domain.ReturnStats
	if showReturns && mine != nil {
		f, err := sc.s.projectFigures(sc.ctx, sc.programmeID, domain.SeriesKeys(targets, sc.programme.StartDate), setup.Schedules, mine)
		if err != nil {
			return domain.Progress{}, err
		}
		series, byProject = f.Series, f.ProjectStats
	} else if series, err = sc.targetSeries(targets); err != nil {
		return domain.Progress{}, err
	}
	currents := domain.Currents(targets, sc.programme.StartDate, series)
	pr := domain.BuildProgress(sc.programme, t, funders, projects, targets, currents, sc.s.now())
	pr.Trends = domain.TargetTrends(targets, sc.programme.StartDate, series)
	// A funder sees its own funder's awards, not every funder's.
	if own := sc.access.FundingFunders(); own != nil {
		pr.OnlyFunders(own)
	}
	sc.money(&pr, t, grants, money)
	// Leads and project leads see what awaits review and how returns
	// stand; funders never see figures a lead has not approved. A project
	// lead's pending figures and return counts are its own projects':
	// another project's submissions and returns are not visible to it.
	if showReturns {
		pending := t.PendingFigures()
		if !sc.access.CanManage() {
			pending = t.PendingFiguresOf(sc.access.Projects)
		}
		counts := domain.CountReturns(setup.Schedules, sc.access.ReturnStatsSeen(setup.Stats, byProject), domain.UKDate(pr.AsOf))
		pr.Pending, pr.Returns = &pending, &counts
	}
	return pr, nil
}

// targetSeries are the years of figures the targets' windows cover, for
// each target's figure over its own window: one more read, whatever the
// history.
func (sc *Scope) targetSeries(targets []domain.Target) (map[domain.SeriesKey]domain.DaySeries, error) {
	keys := domain.SeriesKeys(targets, sc.programme.StartDate)
	if len(keys) == 0 {
		return map[domain.SeriesKey]domain.DaySeries{}, nil
	}
	series, err := sc.s.store.Series(sc.ctx, sc.programmeID, keys)
	if err != nil {
		return nil, storeErr(err, "", nil)
	}
	return series, nil
}

// GrantExport gathers what the grant exports (CSV, 360Giving) show: every
// grant the caller may read, by the same rules as ListGrants, paged
// through in full, with the programme's funders and projects to name them
// and the grants' payments. It costs the access read, one Query per 100
// grants, then one per 100 funders, projects and payments, sent together:
// a few requests in three round trips for any real programme.
func (sc *Scope) GrantExport() (export.GrantSet, error) {
	if err := sc.load(); err != nil {
		return export.GrantSet{}, err
	}
	f := grantFilter(sc.access)
	grants, err := all(func(p Page) ([]domain.Grant, string, error) {
		return sc.s.store.ListGrants(sc.ctx, sc.programmeID, f, p)
	})
	if err != nil {
		return export.GrantSet{}, err
	}
	set := export.GrantSet{Programme: sc.programme, Grants: grants}
	if !sc.access.CanReadAllGrants() {
		set.SelectedFunders, set.SelectedProjects = slices.Sorted(maps.Keys(f.Funders)), slices.Sorted(maps.Keys(f.Projects))
		set.Selection = export.GrantSelection(set.SelectedFunders, set.SelectedProjects)
	}
	if len(grants) == 0 {
		return set, nil // nothing to name
	}
	// With their payments: the 360Giving package shows what was paid.
	if err := sc.namesAndPayments(&set); err != nil {
		return export.GrantSet{}, err
	}
	return set, nil
}

// OutcomeSummary gathers the open outcome summary: the programme's projects
// and running totals, for every member (it is meant for publication, and
// export.OutcomeSummaryCSV applies disclosure control). Like Progress it
// reads no history, and its reads go out beside the access check.
func (sc *Scope) OutcomeSummary() (export.OutcomeSet, error) {
	var t domain.Totals
	var projects []domain.Project
	err := sc.alongside(func() error {
		return parallel(
			func() (err error) { t, err = sc.s.store.Totals(sc.ctx, sc.programmeID); return err },
			func() (err error) { projects, err = all(sc.listProjects); return err },
		)
	})
	if err != nil {
		return export.OutcomeSet{}, err
	}
	return export.OutcomeSet{Programme: sc.programme, Projects: projects, Totals: t}, nil
}
