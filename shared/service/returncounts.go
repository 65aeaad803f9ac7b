package service

import (
	"context"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// Return counts as far as the caller may see them (SPEC, "Portfolio and
// reports"): a lead or a funder reads every project's returns, so its
// counts are the schedules' own, kept on write (SCHEDSTAT#<s>) and read
// with the reporting setup; a project lead reads its own projects'
// returns only, so its counts are its projects' own, kept on write beside
// the schedule's (docs/dynamodb.md, "Returns") and read by key in the same
// BatchGetItems as the years of figures. Neither reads a return, so
// progress, a report and a page of portfolio lines cost what they cost
// whatever the history. The one exception is a schedule made before
// counts were kept by project (none is deployed): its counts by project
// are incomplete, so a project lead's are counted from its projects'
// returns, a Query a project a page (a schedule has at most 120 periods).

// figureKeys asks for the years series names and the return counts of
// schedules a caller sees: the schedules' own when projects is nil (a lead
// or funder: domain.Access.ReturnProjects), else each of those projects'
// own of the schedules that keep them.
func figureKeys(series []domain.SeriesKey, schedules []domain.Schedule, projects []string) FigureKeys {
	fk := FigureKeys{Series: series}
	for _, sch := range schedules {
		switch {
		case projects == nil:
			fk.Schedules = append(fk.Schedules, sch.ID)
		case sch.CountedByProject:
			fk.ProjectSchedules = append(fk.ProjectSchedules, sch.ID)
		}
	}
	if len(fk.ProjectSchedules) > 0 {
		fk.Projects = projects
	}
	return fk
}

// empty reports whether fk asks for nothing.
func (fk FigureKeys) empty() bool {
	return len(fk.Series)+len(fk.Schedules)+len(fk.ProjectSchedules) == 0
}

// uncountedStats counts, from their returns, projects' return counts of
// those schedules made before counts were kept by project: by project and
// then schedule, nil when every schedule keeps them (projects nil: a
// caller who sees every return needs none).
func (s *Service) uncountedStats(ctx context.Context, programmeID string, schedules []domain.Schedule, projects []string) (map[string]map[string]domain.ReturnStats, error) {
	uncounted := map[string]bool{}
	for _, sch := range schedules {
		if !sch.CountedByProject {
			uncounted[sch.ID] = true
		}
	}
	if len(projects) == 0 || len(uncounted) == 0 {
		return nil, nil
	}
	returns, err := all(func(p Page) ([]domain.Return, string, error) {
		return s.store.ListReturns(ctx, programmeID, ReturnFilter{ProjectIDs: projects}, p)
	})
	if err != nil {
		return nil, err
	}
	mine := returns[:0]
	for _, r := range returns {
		if uncounted[r.ScheduleID] {
			mine = append(mine, r)
		}
	}
	out := domain.ReturnStatsOf(mine)
	// A schedule with no return of a project yet counts nothing for it,
	// whatever its partial counts by project say.
	for _, j := range projects {
		if out[j] == nil {
			out[j] = map[string]domain.ReturnStats{}
		}
		for id := range uncounted {
			if _, ok := out[j][id]; !ok {
				out[j][id] = domain.ReturnStats{ScheduleID: id}
			}
		}
	}
	return out, nil
}

// withUncounted puts counts by project from uncountedStats into f.
func (f *Figures) withUncounted(by map[string]map[string]domain.ReturnStats) {
	if len(by) == 0 {
		return
	}
	if f.ProjectStats == nil {
		f.ProjectStats = map[string]map[string]domain.ReturnStats{}
	}
	for j, schedules := range by {
		if f.ProjectStats[j] == nil {
			f.ProjectStats[j] = map[string]domain.ReturnStats{}
		}
		for id, st := range schedules {
			f.ProjectStats[j][id] = st
		}
	}
}

// projectFigures reads one programme's years of figures (series) with
// the return counts of projects (a project lead's; nil for a caller who
// sees every return, whose counts come with the reporting setup) of
// schedules: one BatchGetItem per 100 keys, and for a schedule made
// before counts were kept by project its projects' returns, at the same
// time.
func (s *Service) projectFigures(ctx context.Context, programmeID string, series []domain.SeriesKey, schedules []domain.Schedule, projects []string) (Figures, error) {
	fk := figureKeys(series, schedules, projects)
	fk.Schedules = nil // the schedules' own come with the reporting setup
	f := Figures{Series: map[domain.SeriesKey]domain.DaySeries{}}
	var uncounted map[string]map[string]domain.ReturnStats
	var reads []func() error
	if !fk.empty() {
		reads = append(reads, func() error {
			figs, err := s.store.Figures(ctx, map[string]FigureKeys{programmeID: fk})
			if err == nil {
				f = figs[programmeID]
			}
			return err
		})
	}
	reads = append(reads, func() (err error) {
		uncounted, err = s.uncountedStats(ctx, programmeID, schedules, projects)
		return err
	})
	if err := parallel(reads...); err != nil {
		return Figures{}, err
	}
	if f.Series == nil {
		f.Series = map[domain.SeriesKey]domain.DaySeries{}
	}
	f.withUncounted(uncounted)
	return f, nil
}
