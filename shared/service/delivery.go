package service

import (
	"context"
	"errors"
	"sync"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/store"
)

// project opens a programme and one of its projects. For reading, a
// project whose records the caller may not see is not found. For writing,
// every member can see that the project exists (GET …/projects/{id}), so a
// caller who may not write to it is forbidden.
func (s *Service) project(ctx context.Context, c domain.Caller, programmeID, projectID string, write bool) (scope, error) {
	if !domain.ValidID(projectID) {
		projectID = "" // never looked up; answered below as not found
	}
	sc, project, err := s.openWith(ctx, c, programmeID, projectID)
	if err != nil {
		return sc, err
	}
	if project == nil || (!write && !sc.access.CanReadProject(projectID)) {
		return sc, domain.NotFound("project")
	}
	if write && !sc.access.CanWriteProject(projectID) {
		return sc, forbidden("record figures for this project")
	}
	return sc, nil
}

// CreatePost records a post funded by a grant of the project or of the
// programme as a whole.
func (s *Service) CreatePost(ctx context.Context, c domain.Caller, programmeID, projectID string, body Decoder) (domain.Post, error) {
	sc, err := s.project(ctx, c, programmeID, projectID, true)
	if err != nil {
		return domain.Post{}, err
	}
	in, err := decodeValid[domain.PostInput](body)
	if err != nil {
		return domain.Post{}, err
	}
	if err := s.checkPostGrant(ctx, programmeID, projectID, in.GrantID); err != nil {
		return domain.Post{}, err
	}
	now := s.now()
	p := domain.Post{ID: domain.NewID(), ProjectID: projectID, Title: in.Title, GrantID: in.GrantID, FTE: in.FTE,
		Contract: in.Contract, StartDate: in.StartDate, EndDate: in.EndDate, Status: in.Status, Version: 1, CreatedAt: now, UpdatedAt: now}
	return p, s.store.CreatePost(ctx, programmeID, p, sc.audit(s, domain.EntityPost, p.ID, domain.ActionCreate, nil, p))
}

// checkPostGrant refuses a grant of another project: a post is paid from
// its own project's grants or the programme's.
func (s *Service) checkPostGrant(ctx context.Context, programmeID, projectID, grantID string) error {
	g, err := s.store.Grant(ctx, programmeID, grantID)
	if domain.ErrorCode(err) == domain.CodeNotFound || (err == nil && g.ProjectID != "" && g.ProjectID != projectID) {
		return &domain.Error{Code: domain.CodeValidation, Message: "the grant does not fund this project",
			Fields: map[string]string{"grantId": "must be a grant of this project or of the programme as a whole"}}
	}
	return err
}

// Post returns one post.
func (s *Service) Post(ctx context.Context, c domain.Caller, programmeID, projectID, id string) (domain.Post, error) {
	if _, err := s.project(ctx, c, programmeID, projectID, false); err != nil {
		return domain.Post{}, err
	}
	if !domain.ValidID(id) {
		return domain.Post{}, domain.NotFound("post")
	}
	return s.store.Post(ctx, programmeID, projectID, id)
}

// ListPosts lists a project's posts.
func (s *Service) ListPosts(ctx context.Context, c domain.Caller, programmeID, projectID string, p Page) ([]domain.Post, string, error) {
	if _, err := s.project(ctx, c, programmeID, projectID, false); err != nil {
		return nil, "", err
	}
	return s.store.ListPosts(ctx, programmeID, projectID, p)
}

// UpdatePost changes a post (its status, say) if ifMatch accepts its version.
func (s *Service) UpdatePost(ctx context.Context, c domain.Caller, programmeID, projectID, id string, ifMatch func(int64) bool, body Decoder) (domain.Post, error) {
	sc, err := s.project(ctx, c, programmeID, projectID, true)
	if err != nil {
		return domain.Post{}, err
	}
	if !domain.ValidID(id) {
		return domain.Post{}, domain.NotFound("post")
	}
	var patch domain.PostPatch
	derr := body(&patch)
	return change(ifMatch, func() (domain.Post, error) {
		before, err := s.store.Post(ctx, programmeID, projectID, id)
		if err != nil {
			return domain.Post{}, err
		}
		in := patch.Apply(before.Input())
		if err := domain.MergeProblems(derr, in.Validate()); err != nil {
			return domain.Post{}, err
		}
		if err := domain.CheckText(in); err != nil { // personal data, in the post as it would be stored
			return domain.Post{}, err
		}
		if in.GrantID != before.GrantID {
			if err := s.checkPostGrant(ctx, programmeID, projectID, in.GrantID); err != nil {
				return domain.Post{}, err
			}
		}
		if !ifMatch(before.Version) {
			return domain.Post{}, stale()
		}
		after := before
		after.Title, after.GrantID, after.FTE, after.Contract = in.Title, in.GrantID, in.FTE, in.Contract
		after.StartDate, after.EndDate, after.Status = in.StartDate, in.EndDate, in.Status
		after.Version, after.UpdatedAt = before.Version+1, s.now()
		ev := sc.audit(s, domain.EntityPost, id, domain.ActionChange, before, after)
		return after, s.store.UpdatePost(ctx, programmeID, before, after, ev)
	})
}

// CreateCohort records an internship cohort.
func (s *Service) CreateCohort(ctx context.Context, c domain.Caller, programmeID, projectID string, body Decoder) (domain.Cohort, error) {
	sc, err := s.project(ctx, c, programmeID, projectID, true)
	if err != nil {
		return domain.Cohort{}, err
	}
	in, err := decodeValid[domain.CohortInput](body)
	if err != nil {
		return domain.Cohort{}, err
	}
	now := s.now()
	co := domain.Cohort{ID: domain.NewID(), ProjectID: projectID, Name: in.Name, Places: in.Places, StartDate: in.StartDate,
		EndDate: in.EndDate, Version: 1, CreatedAt: now, UpdatedAt: now}
	return co, s.store.CreateCohort(ctx, programmeID, co, sc.audit(s, domain.EntityCohort, co.ID, domain.ActionCreate, nil, co))
}

// Cohort returns one cohort.
func (s *Service) Cohort(ctx context.Context, c domain.Caller, programmeID, projectID, id string) (domain.Cohort, error) {
	if _, err := s.project(ctx, c, programmeID, projectID, false); err != nil {
		return domain.Cohort{}, err
	}
	if !domain.ValidID(id) {
		return domain.Cohort{}, domain.NotFound("cohort")
	}
	return s.store.Cohort(ctx, programmeID, projectID, id)
}

// ListCohorts lists a project's cohorts.
func (s *Service) ListCohorts(ctx context.Context, c domain.Caller, programmeID, projectID string, p Page) ([]domain.Cohort, string, error) {
	if _, err := s.project(ctx, c, programmeID, projectID, false); err != nil {
		return nil, "", err
	}
	return s.store.ListCohorts(ctx, programmeID, projectID, p)
}

// UpdateCohort changes a cohort if ifMatch accepts its version.
func (s *Service) UpdateCohort(ctx context.Context, c domain.Caller, programmeID, projectID, id string, ifMatch func(int64) bool, body Decoder) (domain.Cohort, error) {
	sc, err := s.project(ctx, c, programmeID, projectID, true)
	if err != nil {
		return domain.Cohort{}, err
	}
	if !domain.ValidID(id) {
		return domain.Cohort{}, domain.NotFound("cohort")
	}
	var patch domain.CohortPatch
	derr := body(&patch)
	return change(ifMatch, func() (domain.Cohort, error) {
		before, err := s.store.Cohort(ctx, programmeID, projectID, id)
		if err != nil {
			return domain.Cohort{}, err
		}
		in := patch.Apply(before.Input())
		if err := domain.MergeProblems(derr, in.Validate()); err != nil {
			return domain.Cohort{}, err
		}
		if err := domain.CheckText(in); err != nil { // personal data, in the cohort as it would be stored
			return domain.Cohort{}, err
		}
		if !ifMatch(before.Version) {
			return domain.Cohort{}, stale()
		}
		after := before
		after.Name, after.Places, after.StartDate, after.EndDate = in.Name, in.Places, in.StartDate, in.EndDate
		after.Version, after.UpdatedAt = before.Version+1, s.now()
		ev := sc.audit(s, domain.EntityCohort, id, domain.ActionChange, before, after)
		return after, s.store.UpdateCohort(ctx, programmeID, before, after, ev)
	})
}

// SubmitOutcome records counts for a period, or (with replaces) corrects an
// earlier submission of the same project. Notes or measure names holding
// personal data of the people supported are refused (decodeValid) and
// nothing is stored.
func (s *Service) SubmitOutcome(ctx context.Context, c domain.Caller, programmeID, projectID string, body Decoder) (domain.Outcome, error) {
	sc, err := s.project(ctx, c, programmeID, projectID, true)
	if err != nil {
		return domain.Outcome{}, err
	}
	in, err := decodeValid[domain.OutcomeInput](body)
	if err != nil {
		return domain.Outcome{}, err
	}
	var old *domain.Outcome
	if in.Replaces != "" {
		o, err := s.store.Outcome(ctx, programmeID, projectID, in.Replaces)
		if domain.ErrorCode(err) == domain.CodeNotFound {
			return domain.Outcome{}, &domain.Error{Code: domain.CodeValidation, Message: "there is no such submission to correct",
				Fields: map[string]string{"replaces": "not a submission of this project"}}
		}
		if err != nil {
			return domain.Outcome{}, err
		}
		old = &o
	}
	o := domain.Outcome{ID: domain.NewID(), ProjectID: projectID, PeriodStart: in.PeriodStart, PeriodEnd: in.PeriodEnd,
		CohortID: in.CohortID, Counts: in.Counts, Measures: in.Measures, Notes: in.Notes, Replaces: in.Replaces,
		SubmittedAt: s.now(), SubmittedBy: c.Email}
	action := domain.ActionCreate
	if old != nil {
		action = domain.ActionCorrect
	}
	ev := sc.audit(s, domain.EntityOutcome, o.ID, action, old, o)
	return o, s.store.CreateOutcome(ctx, programmeID, o, old, ev)
}

// Outcome returns one submission.
func (s *Service) Outcome(ctx context.Context, c domain.Caller, programmeID, projectID, id string) (domain.Outcome, error) {
	if _, err := s.project(ctx, c, programmeID, projectID, false); err != nil {
		return domain.Outcome{}, err
	}
	if !domain.ValidID(id) {
		return domain.Outcome{}, domain.NotFound("outcome submission")
	}
	return s.store.Outcome(ctx, programmeID, projectID, id)
}

// ListOutcomes lists a project's submissions, corrections included.
func (s *Service) ListOutcomes(ctx context.Context, c domain.Caller, programmeID, projectID string, p Page) ([]domain.Outcome, string, error) {
	if _, err := s.project(ctx, c, programmeID, projectID, false); err != nil {
		return nil, "", err
	}
	return s.store.ListOutcomes(ctx, programmeID, projectID, p)
}

// Progress is the programme's standing from its running totals: a fixed
// handful of DynamoDB requests however much history there is (see
// docs/dynamodb.md). The four reads after the access check are independent,
// so they go out together.
func (s *Service) Progress(ctx context.Context, c domain.Caller, programmeID string) (domain.Progress, error) {
	sc, err := s.open(ctx, c, programmeID)
	if err != nil {
		return domain.Progress{}, err
	}
	var (
		wg       sync.WaitGroup
		t        domain.Totals
		funders  []domain.Funder
		projects []domain.Project
		targets  []domain.Target
		errs     [4]error
	)
	wg.Add(4)
	go func() { defer wg.Done(); t, errs[0] = s.store.Totals(ctx, programmeID) }()
	go func() { defer wg.Done(); funders, errs[1] = store.All(ctx, s.store.ListFunders, programmeID) }()
	go func() { defer wg.Done(); projects, errs[2] = store.All(ctx, s.store.ListProjects, programmeID) }()
	go func() { defer wg.Done(); targets, errs[3] = store.All(ctx, s.store.ListTargets, programmeID) }()
	wg.Wait()
	if err := errors.Join(errs[:]...); err != nil {
		return domain.Progress{}, err
	}
	return domain.BuildProgress(sc.programme, t, funders, projects, targets, s.now()), nil
}

// GrantOption is a grant a post may be paid from, as offered to whoever
// records the post: only its id and title, since a project lead may not read
// the programme-wide grants themselves.
type GrantOption struct {
	ID          string
	Title       string
	ProjectWide bool // a grant to the whole programme rather than this project
}

// PostGrants lists the grants a project's posts may be paid from: the
// project's own and the programme's (the rule checkPostGrant enforces).
func (s *Service) PostGrants(ctx context.Context, c domain.Caller, programmeID, projectID string) ([]GrantOption, error) {
	if _, err := s.project(ctx, c, programmeID, projectID, true); err != nil {
		return nil, err
	}
	grants, err := store.All(ctx, func(ctx context.Context, pid string, p Page) ([]domain.Grant, string, error) {
		return s.store.ListGrants(ctx, pid, store.GrantFilter{}, p)
	}, programmeID)
	if err != nil {
		return nil, err
	}
	var out []GrantOption
	for _, g := range grants {
		if g.ProjectID == "" || g.ProjectID == projectID {
			out = append(out, GrantOption{ID: g.ID, Title: g.Title, ProjectWide: g.ProjectID == ""})
		}
	}
	return out, nil
}
