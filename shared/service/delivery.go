package service

import (
	"github.com/fundtrack/fundtrack/shared/domain"
)

// inProject checks the scope's project for a read or a write. For reading,
// a project whose records the caller may not see is not found. For
// writing, every member can see that the project exists (GET
// …/projects/{id}), so a caller who may not write to it is forbidden.
func (sc *Scope) inProject(write bool, gets ...*Get) error {
	if err := sc.load(gets...); err != nil {
		return err
	}
	if !sc.hasProj || (!write && !sc.access.CanReadProject(sc.projectID)) {
		return domain.NotFound("project")
	}
	if write && !sc.access.CanWriteProject(sc.projectID) {
		return forbidden("record figures for this project")
	}
	return nil
}

// getInProject reads one record of the scope's project, with the access
// check when it is not known yet; write says the record is read to change
// it, which needs the right to write to the project.
func (sc *Scope) getInProject(e domain.Entity, id string, into any, what string, w bool) error {
	if sc.projectID == "" || !domain.ValidID(sc.projectID) {
		if err := sc.load(); err != nil {
			return err
		}
		return domain.NotFound("project")
	}
	if !domain.ValidID(id) {
		if err := sc.inProject(w); err != nil {
			return err
		}
		return domain.NotFound(what)
	}
	g := &Get{Ref: domain.ProjectRef(e, sc.projectID, id), Into: into}
	if err := sc.inProject(w, g); err != nil {
		return err
	}
	if !g.Found {
		return domain.NotFound(what)
	}
	return nil
}

// listInProject reads a list of the scope's project beside the access check.
func listInProject[T any](sc *Scope, list func() ([]T, string, error)) ([]T, string, error) {
	var items []T
	var next string
	err := sc.alongside(func() (err error) {
		if !domain.ValidID(sc.projectID) {
			return nil // answered below as not found
		}
		items, next, err = list()
		return err
	})
	if err == nil {
		err = sc.inProject(false)
	}
	return listErr(items, next, err)
}

// CreatePost records a post funded by a grant of the project or of the
// programme as a whole.
func (sc *Scope) CreatePost(body Decoder) (domain.Post, error) {
	if err := sc.inProject(true); err != nil {
		return domain.Post{}, err
	}
	in, err := decodeValid[domain.PostInput](body)
	if err != nil {
		return domain.Post{}, sc.withPostGrant(err, in.GrantID)
	}
	if err := sc.checkPostGrant(in.GrantID); err != nil {
		return domain.Post{}, err
	}
	now := sc.s.now()
	p := domain.Post{ID: domain.NewID(), ProjectID: sc.projectID, Title: in.Title, GrantID: in.GrantID, FTE: in.FTE,
		Contract: in.Contract, StartDate: in.StartDate, EndDate: in.EndDate, Status: in.Status, Version: 1, CreatedAt: now, UpdatedAt: now}
	ch := sc.change(domain.EntityPost, p.ID, domain.ActionCreate, nil, p)
	return p, storeErr(sc.s.store.CreatePost(sc.ctx, sc.programmeID, p, ch), "project", postRefs(p))
}

func postRefs(p domain.Post) refFields {
	return refFields{}.add(domain.EntityProject, p.ProjectID, "projectId").add(domain.EntityGrant, p.GrantID, "grantId")
}

// checkPostGrant refuses a grant of another project: a post is paid from
// its own project's grants or the programme's.
func (sc *Scope) checkPostGrant(grantID string) error {
	var g domain.Grant
	gt := &Get{Ref: domain.Ref(domain.EntityGrant, grantID), Into: &g}
	if err := sc.load(gt); err != nil {
		return err
	}
	if !gt.Found || (g.ProjectID != "" && g.ProjectID != sc.projectID) {
		return &domain.Error{Code: domain.CodeValidation, Message: "the grant does not fund this project",
			Fields: map[string]string{"grantId": "must be a grant of this project or of the programme as a whole"}}
	}
	return nil
}

// withPostGrant adds to a validation error the post's grant when it may
// not pay for the post, so one answer names every bad field.
func (sc *Scope) withPostGrant(err error, grantID string) error {
	if domain.ErrorCode(err) != domain.CodeValidation || !domain.ValidID(grantID) {
		return err
	}
	return domain.MergeProblems(err, sc.checkPostGrant(grantID))
}

// Post returns one post.
func (sc *Scope) Post(id string) (domain.Post, error) {
	var p domain.Post
	return p, sc.getInProject(domain.EntityPost, id, &p, "post", false)
}

// ListPosts lists the project's posts.
func (sc *Scope) ListPosts(p Page) ([]domain.Post, string, error) {
	return listInProject(sc, func() ([]domain.Post, string, error) {
		return sc.s.store.ListPosts(sc.ctx, sc.programmeID, sc.projectID, p)
	})
}

// UpdatePost changes a post (its status, say) if ifMatch accepts its version.
func (sc *Scope) UpdatePost(id string, ifMatch func(int64) bool, body Decoder) (domain.Post, error) {
	var first domain.Post
	if err := sc.getInProject(domain.EntityPost, id, &first, "post", true); err != nil {
		return domain.Post{}, err
	}
	var patch domain.PostPatch
	derr := body(&patch)
	return updateLoop(sc.ctx, ifMatch, func(round int) (domain.Post, error) {
		before := first
		if round > 1 {
			var err error
			if before, err = sc.Post(id); err != nil {
				return domain.Post{}, err
			}
		}
		in := patch.Apply(before.Input())
		if err := domain.MergeProblems(derr, in.Validate()); err != nil {
			if in.GrantID == before.GrantID {
				return domain.Post{}, err
			}
			return domain.Post{}, sc.withPostGrant(err, in.GrantID)
		}
		if err := domain.CheckText(in); err != nil { // personal data, in the post as it would be stored
			return domain.Post{}, err
		}
		if in.GrantID != before.GrantID {
			if err := sc.checkPostGrant(in.GrantID); err != nil {
				return domain.Post{}, err
			}
		}
		if !ifMatch(before.Version) {
			return domain.Post{}, stale()
		}
		after := before
		after.Title, after.GrantID, after.FTE, after.Contract = in.Title, in.GrantID, in.FTE, in.Contract
		after.StartDate, after.EndDate, after.Status = in.StartDate, in.EndDate, in.Status
		after.Version, after.UpdatedAt = before.Version+1, sc.s.now()
		ch := sc.change(domain.EntityPost, id, domain.ActionChange, before, after)
		return after, storeErr(sc.s.store.UpdatePost(sc.ctx, sc.programmeID, before, after, ch), "post", postRefs(after))
	})
}

// CreateCohort records an internship cohort.
func (sc *Scope) CreateCohort(body Decoder) (domain.Cohort, error) {
	if err := sc.inProject(true); err != nil {
		return domain.Cohort{}, err
	}
	in, err := decodeValid[domain.CohortInput](body)
	if err != nil {
		return domain.Cohort{}, err
	}
	now := sc.s.now()
	co := domain.Cohort{ID: domain.NewID(), ProjectID: sc.projectID, Name: in.Name, Places: in.Places, StartDate: in.StartDate,
		EndDate: in.EndDate, Version: 1, CreatedAt: now, UpdatedAt: now}
	ch := sc.change(domain.EntityCohort, co.ID, domain.ActionCreate, nil, co)
	return co, storeErr(sc.s.store.CreateCohort(sc.ctx, sc.programmeID, co, ch), "project",
		refFields{}.add(domain.EntityProject, co.ProjectID, "projectId"))
}

// Cohort returns one cohort.
func (sc *Scope) Cohort(id string) (domain.Cohort, error) {
	var c domain.Cohort
	return c, sc.getInProject(domain.EntityCohort, id, &c, "cohort", false)
}

// ListCohorts lists the project's cohorts.
func (sc *Scope) ListCohorts(p Page) ([]domain.Cohort, string, error) {
	return listInProject(sc, func() ([]domain.Cohort, string, error) {
		return sc.s.store.ListCohorts(sc.ctx, sc.programmeID, sc.projectID, p)
	})
}

// UpdateCohort changes a cohort if ifMatch accepts its version.
func (sc *Scope) UpdateCohort(id string, ifMatch func(int64) bool, body Decoder) (domain.Cohort, error) {
	var first domain.Cohort
	if err := sc.getInProject(domain.EntityCohort, id, &first, "cohort", true); err != nil {
		return domain.Cohort{}, err
	}
	var patch domain.CohortPatch
	derr := body(&patch)
	return updateLoop(sc.ctx, ifMatch, func(round int) (domain.Cohort, error) {
		before := first
		if round > 1 {
			var err error
			if before, err = sc.Cohort(id); err != nil {
				return domain.Cohort{}, err
			}
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
		after.Version, after.UpdatedAt = before.Version+1, sc.s.now()
		ch := sc.change(domain.EntityCohort, id, domain.ActionChange, before, after)
		return after, storeErr(sc.s.store.UpdateCohort(sc.ctx, sc.programmeID, before, after, ch), "cohort", nil)
	})
}

// SubmitOutcome records counts for a period, or (with replaces) corrects an
// earlier submission of the same project. Notes or measure names holding
// personal data of the people supported are refused (decodeValid) and
// nothing is stored.
func (sc *Scope) SubmitOutcome(body Decoder) (domain.Outcome, error) {
	if err := sc.inProject(true); err != nil {
		return domain.Outcome{}, err
	}
	in, err := decodeValid[domain.OutcomeInput](body)
	if err != nil {
		// Name a cohort or replaced submission that is not there too.
		refs := refFields{}
		if in.CohortID != "" {
			refs = append(refs, refField{ref: domain.ProjectRef(domain.EntityCohort, sc.projectID, in.CohortID), field: "cohortId"})
		}
		if in.Replaces != "" {
			refs = append(refs, refField{ref: domain.ProjectRef(domain.EntityOutcome, sc.projectID, in.Replaces), field: "replaces"})
		}
		return domain.Outcome{}, sc.withRefs(err, refs)
	}
	var old *domain.Outcome
	if in.Replaces != "" {
		var o domain.Outcome
		g := &Get{Ref: domain.ProjectRef(domain.EntityOutcome, sc.projectID, in.Replaces), Into: &o}
		if domain.ValidID(in.Replaces) {
			if err := sc.load(g); err != nil {
				return domain.Outcome{}, err
			}
		}
		if !g.Found {
			return domain.Outcome{}, &domain.Error{Code: domain.CodeValidation, Message: "there is no such submission to correct",
				Fields: map[string]string{"replaces": "not a submission of this project"}}
		}
		old = &o
	}
	o := domain.Outcome{ID: domain.NewID(), ProjectID: sc.projectID, PeriodStart: in.PeriodStart, PeriodEnd: in.PeriodEnd,
		CohortID: in.CohortID, Counts: in.Counts, Measures: in.Measures, Notes: in.Notes, Replaces: in.Replaces,
		SubmittedAt: sc.s.now(), SubmittedBy: sc.caller.Email}
	action := domain.ActionCreate
	if old != nil {
		action = domain.ActionCorrect
	}
	ch := sc.change(domain.EntityOutcome, o.ID, action, old, o)
	refs := refFields{}.add(domain.EntityProject, o.ProjectID, "projectId")
	if o.CohortID != "" {
		refs = append(refs, refField{ref: domain.ProjectRef(domain.EntityCohort, o.ProjectID, o.CohortID), field: "cohortId"})
	}
	if old != nil {
		refs = append(refs, refField{ref: domain.ProjectRef(domain.EntityOutcome, o.ProjectID, old.ID), field: "replaces"})
	}
	return o, storeErr(sc.s.store.CreateOutcome(sc.ctx, sc.programmeID, o, old, ch), "project", refs)
}

// Outcome returns one submission.
func (sc *Scope) Outcome(id string) (domain.Outcome, error) {
	var o domain.Outcome
	return o, sc.getInProject(domain.EntityOutcome, id, &o, "outcome submission", false)
}

// ListOutcomes lists the project's submissions, corrections included.
func (sc *Scope) ListOutcomes(p Page) ([]domain.Outcome, string, error) {
	return listInProject(sc, func() ([]domain.Outcome, string, error) {
		return sc.s.store.ListOutcomes(sc.ctx, sc.programmeID, sc.projectID, p)
	})
}

// GrantOption is a grant a post may be paid from, as offered to whoever
// records the post: only its id and title, since a project lead may not
// read the programme-wide grants themselves.
type GrantOption struct {
	ID          string
	Title       string
	ProjectWide bool // a grant to the whole programme rather than this project
}

// PostGrants lists the grants the project's posts may be paid from: the
// project's own and the programme's (the rule checkPostGrant enforces).
func (sc *Scope) PostGrants() ([]GrantOption, error) {
	if err := sc.inProject(true); err != nil {
		return nil, err
	}
	grants, err := all(sc, func(p Page) ([]domain.Grant, string, error) {
		return sc.s.store.ListGrants(sc.ctx, sc.programmeID, GrantFilter{}, p)
	})
	if err != nil {
		return nil, err
	}
	var out []GrantOption
	for _, g := range grants {
		if g.ProjectID == "" || g.ProjectID == sc.projectID {
			out = append(out, GrantOption{ID: g.ID, Title: g.Title, ProjectWide: g.ProjectID == ""})
		}
	}
	return out, nil
}

// all pages through a whole list of the programme, for the few answers
// that need every item (progress, exports); each page is one Query of up
// to MaxLimit items, so a typical programme costs one request per list.
func all[T any](sc *Scope, list func(Page) ([]T, string, error)) ([]T, error) {
	var out []T
	p := Page{Limit: MaxLimit}
	for {
		items, next, err := list(p)
		if err != nil {
			return nil, storeErr(err, "", nil)
		}
		out = append(out, items...)
		if next == "" {
			return out, nil
		}
		p.Cursor = next
	}
}

// ThisProject returns the project the scope was opened on: every member
// may see that it exists (its records follow their own rules).
func (sc *Scope) ThisProject() (domain.Project, error) {
	if err := sc.load(); err != nil {
		return domain.Project{}, err
	}
	if !sc.hasProj {
		return domain.Project{}, domain.NotFound("project")
	}
	return sc.project, nil
}
