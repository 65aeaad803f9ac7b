package service

import (
	"errors"
	"slices"

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
	if !sc.hasProj {
		return domain.NotFound("project")
	}
	if !write && !sc.access.CanReadProject(sc.projectID) {
		// The caller can read that the project exists (GET
		// …/projects/{id}), so "project not found" would contradict
		// what it has just read; its records stay unseen all the same.
		return errProjectRecordsHidden
	}
	if write && !sc.access.CanWriteProject(sc.projectID) {
		return forbidden("record figures for this project")
	}
	return nil
}

// errProjectRecordsHidden answers a member who may see a project but not
// its records (a project lead asking about another project's).
var errProjectRecordsHidden = domain.Errorf(domain.CodeNotFound,
	"this project's records are not visible to you: a project lead sees its own project's only")

// getInProject reads one record of the scope's project, with the access
// check when it is not known yet; write says the record is read to change
// it, which needs the right to write to the project. The record is judged
// as a read would judge it first: one a caller may not see (another
// project's, to a project lead) or that is not there is not found (404),
// whatever they meant to do with it, so a change and a read of one
// address agree; only a record the caller reads but may not change is
// forbidden (403: a funder's).
func (sc *Scope) getInProject(e domain.Entity, id string, into any, what string, w bool) error {
	_, err := sc.getRevInProject(e, id, into, what, w)
	return err
}

// getRevInProject is getInProject, answering the record's dependents
// revision too (Get.Rev).
func (sc *Scope) getRevInProject(e domain.Entity, id string, into any, what string, w bool) (int64, error) {
	if sc.projectID == "" || !domain.ValidID(sc.projectID) {
		if err := sc.load(); err != nil {
			return 0, err
		}
		return 0, domain.NotFound("project")
	}
	if !domain.ValidID(id) {
		if err := sc.inProject(false); err != nil {
			return 0, err
		}
		return 0, domain.NotFound(what)
	}
	g := &Get{Ref: domain.ProjectRef(e, sc.projectID, id), Into: into}
	if err := sc.inProject(false, g); err != nil {
		return 0, err
	}
	if !g.Found {
		return 0, domain.NotFound(what)
	}
	if w {
		if err := sc.inProject(true); err != nil {
			return 0, err
		}
	}
	return g.Rev, nil
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

// MayRecord is the access check of CreatePost, CreateCohort and
// SubmitOutcome, on its own: the project is there and the caller may
// record its figures. A replay of a saved answer to one of them asks it.
func (sc *Scope) MayRecord() error { return sc.inProject(true) }

// CreatePost records a post funded by a grant of the project or of the
// programme as a whole.
func (sc *Scope) CreatePost(body Decoder) (domain.Post, error) {
	if err := sc.MayRecord(); err != nil {
		return domain.Post{}, err
	}
	in, err := decodeValid[domain.PostInput](body)
	if err != nil {
		return domain.Post{}, sc.withPostGrant(err, in.GrantID)
	}
	paidFrom, err := sc.postGrant(in.GrantID)
	if err != nil {
		return domain.Post{}, err
	}
	now := sc.s.now()
	p := domain.Post{ID: domain.NewID(), ProjectID: sc.projectID, Title: in.Title, GrantID: in.GrantID, FTE: in.FTE,
		Contract: in.Contract, StartDate: in.StartDate, EndDate: in.EndDate, Status: in.Status, Version: 1, CreatedAt: now, UpdatedAt: now}
	ch := sc.change(domain.EntityPost, p.ID, domain.ActionCreate, nil, p)
	ch.Premises = []Premise{paidFrom}
	err = sc.asMember(ch, sc.MayRecord, func(ch Change) error { return sc.s.store.CreatePost(sc.ctx, sc.programmeID, p, ch) })
	return p, storeErr(err, "project", postRefs(p))
}

func postRefs(p domain.Post) refFields {
	return refFields{}.add(domain.EntityProject, p.ProjectID, "projectId").add(domain.EntityGrant, p.GrantID, "grantId")
}

// checkPostGrant refuses a grant of another project: a post is paid from
// its own project's grants or the programme's.
func (sc *Scope) checkPostGrant(grantID string) error {
	_, err := sc.postGrant(grantID)
	return err
}

// postGrant is checkPostGrant that answers, for a post to be paid from
// the grant, the write's premise: the grant still of this project (or
// the programme's), and not given to another project by a change that
// read the posts before this one (see grantGuard).
func (sc *Scope) postGrant(grantID string) (Premise, error) {
	var g domain.Grant
	gt := &Get{Ref: domain.Ref(domain.EntityGrant, grantID), Into: &g}
	if err := sc.load(gt); err != nil {
		return Premise{}, err
	}
	if !gt.Found {
		// As an id that is none is told (another programme's included):
		// only a grant the programme has is said to be another project's.
		return Premise{}, &domain.Error{Code: domain.CodeValidation, Message: "the request refers to something that is not there",
			Fields: map[string]string{"grantId": domain.ProblemNotFoundRef}}
	}
	if g.ProjectID != "" && g.ProjectID != sc.projectID {
		return Premise{}, &domain.Error{Code: domain.CodeValidation, Message: "the grant does not fund this project",
			Fields: map[string]string{"grantId": "must be a grant of this project or of the programme as a whole"}}
	}
	return dependsOnGrant(g, "the grant's project was changed while the post was being saved: "+
		"a post is paid from its own project's grants or the programme's, so look at the grant again and retry", "ProjectID"), nil
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
		if err := domain.WithText(domain.MergeProblems(derr, in.Validate()), in); err != nil { // with personal data in the text as it would be stored
			if in.GrantID == before.GrantID {
				return domain.Post{}, err
			}
			return domain.Post{}, sc.withPostGrant(err, in.GrantID)
		}
		var premises []Premise
		if in.GrantID != before.GrantID {
			paidFrom, err := sc.postGrant(in.GrantID)
			if err != nil {
				return domain.Post{}, err
			}
			premises = []Premise{paidFrom}
		}
		if !ifMatch(before.Version) {
			return domain.Post{}, versionRefused()
		}
		after := before
		after.Title, after.GrantID, after.FTE, after.Contract = in.Title, in.GrantID, in.FTE, in.Contract
		after.StartDate, after.EndDate, after.Status = in.StartDate, in.EndDate, in.Status
		ch, changed := sc.changeOf(domain.EntityPost, id, before, after)
		if !changed {
			return before, nil
		}
		after.Version, after.UpdatedAt = before.Version+1, sc.s.now()
		ch.Premises = premises
		err := sc.asMember(ch, sc.MayRecord, func(ch Change) error {
			return sc.s.store.UpdatePost(sc.ctx, sc.programmeID, before, after, ch)
		})
		return after, storeErr(err, "post", postRefs(after))
	})
}

// CreateCohort records an internship cohort.
func (sc *Scope) CreateCohort(body Decoder) (domain.Cohort, error) {
	if err := sc.MayRecord(); err != nil {
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
	err = sc.asMember(ch, sc.MayRecord, func(ch Change) error { return sc.s.store.CreateCohort(sc.ctx, sc.programmeID, co, ch) })
	return co, storeErr(err, "project", refFields{}.add(domain.EntityProject, co.ProjectID, "projectId"))
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
		if err := domain.WithText(domain.MergeProblems(derr, in.Validate()), in); err != nil { // with personal data in the text as it would be stored
			return domain.Cohort{}, err
		}
		if !ifMatch(before.Version) {
			return domain.Cohort{}, versionRefused()
		}
		after := before
		after.Name, after.Places, after.StartDate, after.EndDate = in.Name, in.Places, in.StartDate, in.EndDate
		ch, changed := sc.changeOf(domain.EntityCohort, id, before, after)
		if !changed {
			return before, nil
		}
		after.Version, after.UpdatedAt = before.Version+1, sc.s.now()
		err := sc.asMember(ch, sc.MayRecord, func(ch Change) error {
			return sc.s.store.UpdateCohort(sc.ctx, sc.programmeID, before, after, ch)
		})
		return after, storeErr(err, "cohort", nil)
	})
}

// SubmitOutcome records counts for a period, or (with replaces) corrects an
// earlier submission of the same project. Notes or measure names holding
// personal data of the people supported are refused (decodeValid) and
// nothing is stored.
//
// When the programme reviews submissions it waits, pending, for a lead:
// its figures count only once approved (a correction of an approved
// submission leaves the approved figures counted until then). It fills
// the returns for its exact period (see Return.Fill) in the same
// transaction.
func (sc *Scope) SubmitOutcome(body Decoder) (domain.Outcome, error) {
	return sc.submitOutcome(body, true)
}

// SubmitOutcomeChecked is SubmitOutcome for a person at the outcome form,
// who may not know that the period's figures were sent already (the
// browser's back button, the link in an old "return overdue" email): new
// figures, not a correction, for a project, exact period and cohort (or no
// cohort) that already has submissions are refused with *PeriodSentError,
// unless add says they are to be added to those (a second team's, say).
// Another cohort's figures for the period, or the project's general ones,
// are not those: a project with cohorts sends one submission for each
// (SPEC). The API takes such figures as they come: counts are added up
// over submissions.
//
// The check reads the period's submissions before the write and is not
// part of it: it keeps a person from sending figures twice by accident,
// not two people from sending them at the same moment.
func (sc *Scope) SubmitOutcomeChecked(body Decoder, add bool) (domain.Outcome, error) {
	return sc.submitOutcome(body, add)
}

// PeriodSentError refuses new figures for a project, period and cohort
// that already has submissions, sent without saying they add to them
// (SubmitOutcomeChecked). Sent are the current submissions (none corrected
// or taken over since: domain.CurrentSubmissions) of that period and
// cohort, newest first; Problems is what else is
// wrong with the
// figures (nil for nothing), so that a form names every problem at once.
type PeriodSentError struct {
	Sent     []domain.Outcome
	Problems error
}

func (e *PeriodSentError) Error() string {
	return "figures for " + domain.PeriodText(e.Sent[0].PeriodStart, e.Sent[0].PeriodEnd) + " were sent already"
}

// Unwrap is what a transport that does not know the refusal shows: a
// conflict saying what to do.
func (e *PeriodSentError) Unwrap() error {
	return domain.Errorf(domain.CodeConflict, "%s: correct those figures, or say that these are to be added to them", e.Error())
}

func (sc *Scope) submitOutcome(body Decoder, add bool) (domain.Outcome, error) {
	var setup ReportingSetup
	if err := sc.beside(func() (err error) {
		setup, err = sc.s.store.ReportingSetup(sc.ctx, sc.programmeID)
		return err
	}, sc.MayRecord); err != nil {
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
		err = sc.withRefs(err, refs)
	}
	if !add {
		if sent := sc.sentAlready(in, err); sent != nil {
			return domain.Outcome{}, sent
		}
	}
	if err != nil {
		return domain.Outcome{}, err
	}
	base := domain.Outcome{ID: domain.NewID(), ProjectID: sc.projectID, PeriodStart: in.PeriodStart, PeriodEnd: in.PeriodEnd,
		CohortID: in.CohortID, Counts: in.Counts, Measures: in.Measures, Notes: in.Notes, Replaces: in.Replaces,
		SubmittedAt: sc.s.now(), SubmittedBy: sc.caller.Email}
	var werr error
	for plan := 1; ; plan++ {
		if plan > 1 {
			if err := sc.planAgain(werr, &setup, sc.MayRecord); err != nil {
				return domain.Outcome{}, err
			}
		}
		sub, err := sc.planSubmission(base, setup, plan <= releaseTries)
		if err != nil {
			return domain.Outcome{}, err
		}
		o := sub.Outcome
		refs := refFields{}.add(domain.EntityProject, o.ProjectID, "projectId")
		if o.CohortID != "" {
			refs = append(refs, refField{ref: domain.ProjectRef(domain.EntityCohort, o.ProjectID, o.CohortID), field: "cohortId"})
		}
		action := domain.ActionCreate
		var before any
		if sub.Old != nil {
			action, before = domain.ActionCorrect, sub.Old
			refs = append(refs, refField{ref: domain.ProjectRef(domain.EntityOutcome, o.ProjectID, sub.Old.ID), field: "replaces"})
		}
		ch := sc.change(domain.EntityOutcome, o.ID, action, before, o)
		// Pending or counted (the review setting) and the period's rule
		// (the dates) were decided on the programme as read: a change of
		// them landing first refuses this, to be decided again.
		ch.Premises = sc.asRead(submissionReads...)
		werr = sc.s.store.CreateOutcome(sc.ctx, sc.programmeID, sub, ch)
		if !errors.Is(werr, ErrChanged) || plan >= maxPlans {
			return o, storeErr(werr, "project", refs)
		}
	}
}

// submissionReads are the fields of the programme a submission is planned
// on: its review setting decides whether it waits for a lead or counts at
// once; its dates, which periods new figures may be for
// (Outcome.CheckPeriod) and the windows of the targets whose payments
// counted figures make due (planRelease).
var submissionReads = []string{"ReviewOutcomes", "StartDate", "EndDate"}

// planAgain reads again what a write refused with ErrChanged (refused)
// was planned on: the reporting setup into setup and, when the refusal
// was the programme's (errReadAgain), the programme and the caller's
// access, both at once (one round trip), then checks with may that the
// caller may still make the write.
func (sc *Scope) planAgain(refused error, setup *ReportingSetup, may func() error) error {
	if !errors.Is(refused, errReadAgain) {
		var err error
		*setup, err = sc.setup()
		return err
	}
	return sc.beside(func() (err error) { *setup, err = sc.s.store.ReportingSetup(sc.ctx, sc.programmeID); return err },
		func() error {
			if err := sc.reread(); err != nil {
				return err
			}
			return may()
		})
}

// sentAlready is the refusal of new figures in for a period and cohort
// the project has submissions for (PeriodSentError, with problems, what
// else is wrong with them), or what stopped it from looking; nil when in
// corrects a submission, names no whole period, or its period has none for
// its cohort (or none without one, for figures without a cohort). Figures
// whose problems are not about their fields (a failed read) are not looked
// at.
func (sc *Scope) sentAlready(in domain.OutcomeInput, problems error) error {
	if in.Replaces != "" || !wholePeriod(in.PeriodStart, in.PeriodEnd) {
		return nil
	}
	if code := domain.ErrorCode(problems); problems != nil && code != domain.CodeValidation && code != domain.CodePersonalData {
		return nil
	}
	sent, err := sc.periodOutcomes(in.PeriodStart, in.PeriodEnd)
	if err != nil {
		return err
	}
	if sent = currentOf(sent, in.CohortID); len(sent) == 0 {
		return nil
	}
	return &PeriodSentError{Sent: sent, Problems: problems}
}

func wholePeriod(start, end domain.Date) bool {
	return !start.IsZero() && !end.IsZero() && !end.Before(start)
}

// periodLimit is how many of a period's submissions are read: far more
// than a period holds (a submission and its few corrections).
const periodLimit = MaxLimit

// periodOutcomes reads the scope's project's submissions for exactly the
// period start to end, corrections included, newest first: one Query of
// them, whatever the project's history. Past periodLimit it reads the
// newest, which still gives each chain read its newest correction (a
// correction is newer than what it corrects).
func (sc *Scope) periodOutcomes(start, end domain.Date) ([]domain.Outcome, error) {
	os, err := sc.s.store.ListPeriodOutcomes(sc.ctx, sc.programmeID, sc.projectID, start, end, periodLimit)
	return os, storeErr(err, "", nil)
}

// currentOf are those of a period's submissions for cohortID ("" for
// those without a cohort) that stand (domain.CurrentSubmissions: none
// corrected, nor taken over by new figures once sent back), newest first, each
// with its effective status. The period's index holds every cohort's
// submissions: they are told apart here, from the one Query's answer, as
// a project with cohorts sends one submission for each.
func currentOf(period []domain.Outcome, cohortID string) []domain.Outcome {
	var cur []domain.Outcome
	for _, o := range domain.CurrentSubmissions(period) {
		if o.CohortID == cohortID {
			o.Status = o.EffectiveStatus()
			cur = append(cur, o)
		}
	}
	return cur
}

// SentForPeriod is what the scope's project already sent for exactly the
// period start to end and cohort cohortID ("" for its general figures,
// those for no cohort): its submissions that stand (currentOf: none
// corrected or taken over; each the one to correct), newest first, for those who write to the project
// (the outcome form says so before figures are sent twice). One Query,
// whatever the project's history; none for dates that are not a period.
func (sc *Scope) SentForPeriod(start, end domain.Date, cohortID string) ([]domain.Outcome, error) {
	if err := sc.inProject(true); err != nil {
		return nil, err
	}
	if !wholePeriod(start, end) {
		return nil, nil
	}
	os, err := sc.periodOutcomes(start, end)
	if err != nil {
		return nil, err
	}
	return currentOf(os, cohortID), nil
}

// planSubmission reads what storing base depends on (the submission it
// corrects, the approved one it takes over from, the returns it fills)
// and settles what the write moves. Its period is checked here, where the
// submission it corrects is known (domain.Outcome.CheckPeriod). One that
// counts at once (no review) makes due, with release, the payments its
// figures or the returns it accepts fire (see planRelease).
func (sc *Scope) planSubmission(base domain.Outcome, setup ReportingSetup, release bool) (Submission, error) {
	var old, counted *domain.Outcome
	if base.Replaces != "" {
		var o domain.Outcome
		g := &Get{Ref: domain.ProjectRef(domain.EntityOutcome, sc.projectID, base.Replaces), Into: &o}
		if domain.ValidID(base.Replaces) {
			if err := sc.load(g); err != nil {
				return Submission{}, err
			}
		}
		if !g.Found {
			return Submission{}, &domain.Error{Code: domain.CodeValidation, Message: "there is no such submission to correct",
				Fields: map[string]string{"replaces": domain.ProblemNotFoundRef}}
		}
		old = &o
	}
	if err := base.CheckPeriod(old, sc.programme, domain.UKDate(sc.s.now())); err != nil {
		return Submission{}, err
	}
	o := domain.NewSubmission(base, old, sc.programme.ReviewOutcomes)
	if o.Status == domain.OutcomeApproved && o.ReplacesApproved != "" {
		// It counts at once, in place of the approved figures.
		if old.ID == o.ReplacesApproved {
			counted = old
		} else {
			c, err := sc.readOutcome(o.ReplacesApproved)
			if err != nil {
				return Submission{}, err
			}
			counted = &c
		}
	}
	sub := Submission{Outcome: o, Old: old, Figures: domain.Submitting(o, old, counted), Seq: setup.Seq}
	ws, planned, err := sc.fills(setup, o, true, func(r domain.Return) (domain.Return, bool) { return r.Fill(o) })
	if err != nil {
		return Submission{}, err
	}
	sub.Returns, sub.Planned = ws, planned
	if sub.TakesOver, err = sc.takeOvers(o, ws, sc.findOutcome); err != nil {
		return Submission{}, err
	}
	if o.Status == domain.OutcomeApproved {
		if sub.Release, err = sc.releaseOf(sub.Figures, ws, release); err != nil {
			return Submission{}, err
		}
	}
	if o.Status == domain.OutcomePending {
		n := sc.submissionNotice(o, domain.KindAwaitingReview, ws)
		sub.Notify = &n
	}
	return sub, nil
}

// takeOvers are the submissions sent back for changes that o takes over
// (domain.Outcome.TakesOver) on the returns it fills (ws): each found by
// find, one read a submission (none unless a return o fills was sent
// back, and one return holds one submission, whatever the history).
func (sc *Scope) takeOvers(o domain.Outcome, ws []ReturnWrite, find func(string) (domain.Outcome, bool, error)) ([]domain.Outcome, error) {
	var out []domain.Outcome
	seen := map[string]bool{}
	for _, w := range ws {
		if w.Before == nil || w.After.SubmissionID != o.ID {
			continue
		}
		id := w.Before.SentBack()
		if id == "" || id == o.Replaces || seen[id] {
			continue
		}
		seen[id] = true
		sent, found, err := find(id)
		if err != nil {
			return nil, err
		}
		if found && o.TakesOver(sent) {
			out = append(out, sent)
		}
	}
	return out, nil
}

// readOutcome reads a submission of the scope's project, which must be there.
func (sc *Scope) readOutcome(id string) (domain.Outcome, error) {
	o, found, err := sc.findOutcome(id)
	if err == nil && !found {
		err = errors.New("submission " + id + " is missing")
	}
	return o, err
}

// findOutcome reads a submission of the scope's project by its key,
// reporting whether it is there.
func (sc *Scope) findOutcome(id string) (domain.Outcome, bool, error) {
	o, _, found, err := sc.findOutcomeRev(id)
	return o, found, err
}

// readOutcomeRev is readOutcome, answering the submission's dependents
// revision too (Get.Rev).
func (sc *Scope) readOutcomeRev(id string) (domain.Outcome, int64, error) {
	o, rev, found, err := sc.findOutcomeRev(id)
	if err == nil && !found {
		err = errors.New("submission " + id + " is missing")
	}
	return o, rev, err
}

// findOutcomeRev is findOutcome with the submission's dependents
// revision.
func (sc *Scope) findOutcomeRev(id string) (domain.Outcome, int64, bool, error) {
	var o domain.Outcome
	g := &Get{Ref: domain.ProjectRef(domain.EntityOutcome, sc.projectID, id), Into: &o}
	if err := sc.load(g); err != nil {
		return o, 0, false, err
	}
	return o, g.Rev, g.Found, nil
}

// fills reads the returns of the scope's project for o's exact period, one
// per schedule covering the project that has that period, with the
// project itself (one request), and plans what change does to each. A
// return not written yet (its schedule, or the project's dates, changed a
// moment ago and its returns are still being written) is written here
// when its schedule expects it of the project as read now
// (domain.Schedule.ReturnFor: not for a period outside the project's
// dates), so no return misses its submission. The project is read again
// here, after the setup: a change of its dates moves the setup's sequence
// on, so one landing after this read fails the submission's check of it
// and the submission is planned again on the new dates. One landing the
// other way (a narrowing planned on a list of the returns from before this
// one is written) is refused by its guard: planned are the premises of the
// returns written here (createdOn), which move the project's revision on.
// A review (create false) only changes returns there already, which hold
// what it decides on: it reads no project, and a return not written is
// left alone.
func (sc *Scope) fills(setup ReportingSetup, o domain.Outcome, create bool, change func(domain.Return) (domain.Return, bool)) (ws []ReturnWrite, planned []Premise, err error) {
	var gets []*Get
	var schedules []domain.Schedule
	for _, s := range setup.Schedules {
		if !s.Covers(o.ProjectID) {
			continue
		}
		if _, ok := s.PeriodOf(o.PeriodStart, o.PeriodEnd); !ok {
			continue
		}
		schedules = append(schedules, s)
		gets = append(gets, &Get{Ref: domain.Ref(domain.EntityReturn, domain.ReturnID(s.ID, o.ProjectID, o.PeriodStart)), Into: &domain.Return{}})
	}
	if len(gets) == 0 {
		return nil, nil, nil
	}
	if err := sc.load(); err != nil { // the access read first: it reads the project itself
		return nil, nil, err
	}
	pr := &Get{Ref: domain.Ref(domain.EntityProject, o.ProjectID), Into: &domain.Project{}}
	reads := gets
	if create {
		reads = append(slices.Clone(gets), pr)
	}
	if err := sc.load(reads...); err != nil {
		return nil, nil, err
	}
	project := domain.Project{ID: o.ProjectID}
	var found *domain.Project
	if pr.Found {
		project = *pr.Into.(*domain.Project)
		found = &project
	}
	for i, g := range gets {
		var before *domain.Return
		var cur domain.Return
		if g.Found {
			r := *g.Into.(*domain.Return)
			before, cur = &r, r
		} else if e, ok := schedules[i].ReturnFor(project, o.PeriodStart, o.PeriodEnd, sc.s.now()); ok && create {
			cur = e
		} else {
			continue
		}
		if after, ok := change(cur); ok {
			ws = append(ws, ReturnWrite{Before: before, After: after})
		}
	}
	return ws, createdOn(schedules, found, ws), nil
}

// createdOn are the premises of the returns of ws a submission writes
// itself (Before nil), as a generation's returns carry them (plannedOn):
// the last period of each of their schedules (found among schedules, as
// read) and the dates of their project as read (project; nil when it was
// not found, and then the submission's check that it is there fails).
// None when it writes none.
func createdOn(schedules []domain.Schedule, project *domain.Project, ws []ReturnWrite) []Premise {
	var made []domain.Schedule
	for _, w := range ws {
		if w.Before != nil || slices.ContainsFunc(made, func(s domain.Schedule) bool { return s.ID == w.After.ScheduleID }) {
			continue
		}
		if i := slices.IndexFunc(schedules, func(s domain.Schedule) bool { return s.ID == w.After.ScheduleID }); i >= 0 {
			made = append(made, schedules[i])
		}
	}
	if len(made) == 0 {
		return nil
	}
	var projects []domain.Project
	if project != nil {
		projects = append(projects, *project)
	}
	return plannedOn(made, projects)
}

// submissionNotice is the email a submission calls for: to the leads when
// it awaits review, to the project's leads when changes are requested.
// Its recipients are the people in those roles when it is sent.
func (sc *Scope) submissionNotice(o domain.Outcome, kind domain.NotificationKind, ws []ReturnWrite) domain.Notification {
	now := sc.s.now()
	n := domain.Notification{ID: domain.SubmissionNotificationID(o.ID, kind), Kind: kind, Status: domain.NotificationPending,
		SubmissionID: o.ID, ProjectID: o.ProjectID, PeriodStart: o.PeriodStart, PeriodEnd: o.PeriodEnd,
		CreatedAt: now, ProgrammeID: sc.programmeID, On: domain.UKDate(now)}
	if len(ws) > 0 {
		n.ReturnID, n.DueDate = ws[0].After.ID, ws[0].After.DueDate
	}
	if o.Review != nil {
		n.Comment = o.Review.Comment
	}
	if kind == domain.KindAwaitingReview && sc.access.Lead {
		// Sent by one of the leads it goes to: not emailed about it. (An
		// administrator who is no lead is not among them anyway.)
		n.SentBy = domain.NormaliseEmail(o.SubmittedBy)
	}
	return n
}

// Outcome returns one submission. Funders read approved figures only: a
// submission not approved is not there for them, and a correction names
// for them the approved submission it took over from (AsApproved).
func (sc *Scope) Outcome(id string) (domain.Outcome, error) {
	o, err := sc.storedOutcome(id)
	if err != nil {
		return o, err
	}
	if sc.funderOnly(sc.projectID) {
		o = o.AsApproved()
	}
	o.Status = o.EffectiveStatus()
	return o, nil
}

// storedOutcome is a submission as stored, to whoever may read it.
func (sc *Scope) storedOutcome(id string) (domain.Outcome, error) {
	var o domain.Outcome
	if err := sc.getInProject(domain.EntityOutcome, id, &o, "outcome submission", false); err != nil {
		return o, err
	}
	if sc.funderOnly(sc.projectID) && !o.Counted() {
		return domain.Outcome{}, domain.NotFound("outcome submission")
	}
	return o, nil
}

// ListOutcomes lists the project's submissions, corrections included
// (funders: approved ones only). Those who write to the project, the
// common case, have their list read beside the access check; a funder's
// depends on being a funder, so it is read after it.
func (sc *Scope) ListOutcomes(p Page) ([]domain.Outcome, string, error) {
	items, next, err := listInProject(sc, func() ([]domain.Outcome, string, error) {
		return sc.s.store.ListOutcomes(sc.ctx, sc.programmeID, sc.projectID, OutcomeFilter{}, p)
	})
	funder := err == nil && sc.funderOnly(sc.projectID)
	if funder {
		items, next, err = listErr(sc.s.store.ListOutcomes(sc.ctx, sc.programmeID, sc.projectID, OutcomeFilter{ApprovedOnly: true}, p))
	}
	deriveCorrectedBy(items) // for those corrected before it was recorded (not a funder's: AsApproved)
	for i := range items {
		if funder {
			items[i] = items[i].AsApproved()
		}
		items[i].Status = items[i].EffectiveStatus()
	}
	return listErr(items, next, err)
}

// GrantOption is a grant a post may be paid from, as offered to whoever
// records the post: only its id and title, since a project lead may not
// read the programme-wide grants themselves, yet records the posts they
// pay (README, "Where fundtrack reads the SPEC differently").
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
	grants, err := all(sc.listGrants)
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

// all is Every at MaxLimit, its failure a storage failure.
func all[T any](list func(Page) ([]T, string, error)) ([]T, error) {
	out, err := Every(MaxLimit, list)
	if err != nil {
		return nil, storeErr(err, "", nil)
	}
	return out, nil
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
