package service

import (
	"context"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/store"
)

// CreateGrant records a grant award (leads and admins).
func (s *Service) CreateGrant(ctx context.Context, c domain.Caller, programmeID string, body Decoder) (domain.Grant, error) {
	sc, err := s.open(ctx, c, programmeID)
	if err != nil {
		return domain.Grant{}, err
	}
	if !sc.access.CanManage() {
		return domain.Grant{}, forbidden("record grants")
	}
	in, err := decodeValid[domain.GrantInput](body)
	if err != nil {
		return domain.Grant{}, s.withRefs(ctx, programmeID, err, grantRefs(in)...)
	}
	now := s.now()
	g := domain.Grant{ID: domain.NewID(), FunderID: in.FunderID, ProjectID: in.ProjectID, Title: in.Title,
		Description: in.Description, AmountPence: in.AmountPence, Currency: in.Currency, AwardDate: in.AwardDate,
		StartDate: in.StartDate, EndDate: in.EndDate, Version: 1, CreatedAt: now, UpdatedAt: now}
	return g, s.store.CreateGrant(ctx, programmeID, g, sc.audit(s, domain.EntityGrant, g.ID, domain.ActionCreate, nil, g))
}

// Grant returns one grant the caller may read; any other is not found.
func (s *Service) Grant(ctx context.Context, c domain.Caller, programmeID, id string) (domain.Grant, error) {
	sc, err := s.open(ctx, c, programmeID)
	if err != nil {
		return domain.Grant{}, err
	}
	return s.readableGrant(ctx, sc, id)
}

func (s *Service) readableGrant(ctx context.Context, sc scope, id string) (domain.Grant, error) {
	if !domain.ValidID(id) {
		return domain.Grant{}, domain.NotFound("grant")
	}
	g, err := s.store.Grant(ctx, sc.programme.ID, id)
	if err != nil {
		return domain.Grant{}, err
	}
	if !sc.access.CanReadGrant(g) {
		return domain.Grant{}, domain.NotFound("grant")
	}
	return g, nil
}

// ListGrants lists the grants the caller may read.
func (s *Service) ListGrants(ctx context.Context, c domain.Caller, programmeID string, p Page) ([]domain.Grant, string, error) {
	sc, err := s.open(ctx, c, programmeID)
	if err != nil {
		return nil, "", err
	}
	var f store.GrantFilter
	if !sc.access.CanReadAllGrants() {
		f = store.GrantFilter{Funders: sc.access.Funders, Projects: sc.access.Projects}
	}
	return s.store.ListGrants(ctx, programmeID, f, p)
}

// UpdateGrant changes a grant if ifMatch accepts its current version (the
// ETag the client read), so no one overwrites a change they have not seen.
func (s *Service) UpdateGrant(ctx context.Context, c domain.Caller, programmeID, id string, ifMatch func(version int64) bool, body Decoder) (domain.Grant, error) {
	sc, err := s.open(ctx, c, programmeID)
	if err != nil {
		return domain.Grant{}, err
	}
	first, err := s.readableGrant(ctx, sc, id)
	if err != nil {
		return domain.Grant{}, err
	}
	if !sc.access.CanManage() {
		return domain.Grant{}, forbidden("change grants")
	}
	var patch domain.GrantPatch
	derr := body(&patch)
	read := reuseFirst(first, func() (domain.Grant, error) { return s.readableGrant(ctx, sc, id) })
	return change(ifMatch, func() (domain.Grant, error) {
		before, err := read()
		if err != nil {
			return domain.Grant{}, err
		}
		in := patch.Apply(before.Input())
		if err := domain.MergeProblems(derr, in.Validate()); err != nil {
			return domain.Grant{}, s.withRefs(ctx, programmeID, err, grantRefs(in)...)
		}
		if err := domain.CheckText(in); err != nil { // personal data, in the grant as it would be stored
			return domain.Grant{}, err
		}
		if !ifMatch(before.Version) {
			return domain.Grant{}, stale()
		}
		after := before
		after.FunderID, after.ProjectID, after.Title, after.Description = in.FunderID, in.ProjectID, in.Title, in.Description
		after.AmountPence, after.Currency, after.AwardDate, after.StartDate, after.EndDate = in.AmountPence, in.Currency, in.AwardDate, in.StartDate, in.EndDate
		after.Version, after.UpdatedAt = before.Version+1, s.now()
		ev := sc.audit(s, domain.EntityGrant, id, domain.ActionChange, before, after)
		return after, s.store.UpdateGrant(ctx, programmeID, before, after, ev)
	})
}

func grantRefs(in domain.GrantInput) []store.Ref {
	return []store.Ref{{Field: "funderId", Kind: domain.EntityFunder, ID: in.FunderID}, {Field: "projectId", Kind: domain.EntityProject, ID: in.ProjectID}}
}
