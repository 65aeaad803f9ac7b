package service

import (
	"context"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/export"
	"github.com/fundtrack/fundtrack/shared/store"
)

// GrantExport gathers what the grant exports (CSV, 360Giving) show: every
// grant the caller may read, by the same rules as ListGrants, paged through
// in full, with the programme's funders and projects to name them. It costs
// the programme-and-roles read plus one Query per 100 grants, funders and
// projects: a few requests for any real programme.
func (s *Service) GrantExport(ctx context.Context, c domain.Caller, programmeID string) (export.GrantSet, error) {
	sc, err := s.open(ctx, c, programmeID)
	if err != nil {
		return export.GrantSet{}, err
	}
	var f store.GrantFilter
	if !sc.access.CanReadAllGrants() {
		f = store.GrantFilter{Funders: sc.access.Funders, Projects: sc.access.Projects}
	}
	grants, err := store.All(ctx, func(ctx context.Context, id string, p store.Page) ([]domain.Grant, string, error) {
		return s.store.ListGrants(ctx, id, f, p)
	}, programmeID)
	if err != nil {
		return export.GrantSet{}, err
	}
	set := export.GrantSet{Programme: sc.programme, Grants: grants}
	if len(grants) == 0 {
		return set, nil // nothing to name
	}
	if set.Funders, err = store.All(ctx, s.store.ListFunders, programmeID); err != nil {
		return export.GrantSet{}, err
	}
	for i := range set.Funders {
		set.Funders[i] = funderView(sc.access, set.Funders[i])
	}
	if set.Projects, err = store.All(ctx, s.store.ListProjects, programmeID); err != nil {
		return export.GrantSet{}, err
	}
	return set, nil
}

// OutcomeSummary gathers the open outcome summary: the programme's projects
// and running totals, for every member (it is meant for publication, and
// export.OutcomeSummaryCSV applies disclosure control). Like Progress it
// reads no history: the programme-and-roles read, the totals item and one
// Query per 100 projects.
func (s *Service) OutcomeSummary(ctx context.Context, c domain.Caller, programmeID string) (export.OutcomeSet, error) {
	sc, err := s.open(ctx, c, programmeID)
	if err != nil {
		return export.OutcomeSet{}, err
	}
	t, err := s.store.Totals(ctx, programmeID)
	if err != nil {
		return export.OutcomeSet{}, err
	}
	projects, err := store.All(ctx, s.store.ListProjects, programmeID)
	if err != nil {
		return export.OutcomeSet{}, err
	}
	return export.OutcomeSet{Programme: sc.programme, Projects: projects, Totals: t}, nil
}
