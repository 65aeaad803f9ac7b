package service

import (
	"context"
	"strconv"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/store"
)

// CreateTarget sets a target (leads and admins).
func (s *Service) CreateTarget(ctx context.Context, c domain.Caller, programmeID string, body Decoder) (domain.Target, error) {
	sc, err := s.open(ctx, c, programmeID)
	if err != nil {
		return domain.Target{}, err
	}
	if !sc.access.CanManage() {
		return domain.Target{}, forbidden("set targets")
	}
	var in domain.TargetInput
	derr := body(&in)
	if err := domain.MergeProblems(derr, in.Validate()); err != nil {
		return domain.Target{}, s.withRefs(ctx, programmeID, err, targetRefs(in)...)
	}
	now := s.now()
	t := domain.Target{ID: domain.NewID(), Metric: in.Metric, Value: in.Value, Deadline: in.Deadline, StartDate: in.StartDate,
		ProjectID: in.ProjectID, Notify: nonNil(in.Notify), Thresholds: in.Thresholds, Version: 1, CreatedAt: now, UpdatedAt: now}
	due := t.NextCheck(sc.programme.StartDate, domain.DateOf(now))
	return t, s.store.CreateTarget(ctx, programmeID, t, due, sc.audit(s, domain.EntityTarget, t.ID, domain.ActionCreate, nil, t))
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Target returns one target; every member may read targets.
func (s *Service) Target(ctx context.Context, c domain.Caller, programmeID, id string) (domain.Target, error) {
	if _, err := s.open(ctx, c, programmeID); err != nil {
		return domain.Target{}, err
	}
	if !domain.ValidID(id) {
		return domain.Target{}, domain.NotFound("target")
	}
	return s.store.Target(ctx, programmeID, id)
}

// ListTargets lists a programme's targets.
func (s *Service) ListTargets(ctx context.Context, c domain.Caller, programmeID string, p Page) ([]domain.Target, string, error) {
	if _, err := s.open(ctx, c, programmeID); err != nil {
		return nil, "", err
	}
	return s.store.ListTargets(ctx, programmeID, p)
}

// UpdateTarget changes a target if ifMatch accepts its version. The fields
// of TargetInput may change; a target's id and history stay.
func (s *Service) UpdateTarget(ctx context.Context, c domain.Caller, programmeID, id string, ifMatch func(int64) bool, body Decoder) (domain.Target, error) {
	sc, err := s.open(ctx, c, programmeID)
	if err != nil {
		return domain.Target{}, err
	}
	if !domain.ValidID(id) {
		return domain.Target{}, domain.NotFound("target")
	}
	first, err := s.store.Target(ctx, programmeID, id)
	if err != nil {
		return domain.Target{}, err
	}
	if !sc.access.CanManage() {
		return domain.Target{}, forbidden("change targets")
	}
	var patch domain.TargetPatch
	derr := body(&patch)
	read := reuseFirst(first, func() (domain.Target, error) { return s.store.Target(ctx, programmeID, id) })
	return change(ifMatch, func() (domain.Target, error) {
		before, err := read()
		if err != nil {
			return domain.Target{}, err
		}
		in := patch.Apply(before.Input())
		if err := domain.MergeProblems(derr, in.Validate()); err != nil {
			return domain.Target{}, s.withRefs(ctx, programmeID, err, targetRefs(in)...)
		}
		if !ifMatch(before.Version) {
			return domain.Target{}, stale()
		}
		after := before
		after.Metric, after.Value, after.Deadline, after.StartDate = in.Metric, in.Value, in.Deadline, in.StartDate
		after.ProjectID, after.Notify, after.Thresholds = in.ProjectID, nonNil(in.Notify), in.Thresholds
		after.Version, after.UpdatedAt = before.Version+1, s.now()
		ev := sc.audit(s, domain.EntityTarget, id, domain.ActionChange, before, after)
		due := after.NextCheck(sc.programme.StartDate, domain.DateOf(after.UpdatedAt))
		return after, s.store.UpdateTarget(ctx, programmeID, before, after, due, ev)
	})
}

func targetRefs(in domain.TargetInput) []store.Ref {
	refs := []store.Ref{{Field: "projectId", Kind: domain.EntityProject, ID: in.ProjectID}}
	for i, f := range in.Notify {
		refs = append(refs, store.Ref{Field: "notify[" + strconv.Itoa(i) + "]", Kind: domain.EntityFunder, ID: f})
	}
	return refs
}
