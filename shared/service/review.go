package service

import (
	"errors"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// MayReviewOutcome is ReviewOutcome's access check on its own.
func (sc *Scope) MayReviewOutcome(id string) error {
	var y domain.Outcome
	_, err := sc.reviewable(id, &y)
	return err
}

// reviewable reads the submission id into y, with its dependents
// revision, once the caller may review it: ReviewOutcome's access check.
// What the caller may not read is not there for them, before whether they
// may review is asked (SPEC, Errors: "Not there or not visible: 404"): a
// funder, who reads approved figures only (storedOutcome), is told a
// pending or sent-back submission is not found, as reading it would, not
// that they may not review it, which would tell them it exists.
func (sc *Scope) reviewable(id string, y *domain.Outcome) (int64, error) {
	rev, err := sc.getRevInProject(domain.EntityOutcome, id, y, "outcome submission", false)
	if err != nil {
		return 0, err
	}
	if sc.funderOnly(sc.projectID) && !y.Counted() {
		*y = domain.Outcome{}
		return 0, domain.NotFound("outcome submission")
	}
	return rev, sc.mayReview()
}

// mayReview checks the caller's roles let them review submissions.
func (sc *Scope) mayReview() error {
	if !sc.access.CanManage() {
		return forbidden("review submissions")
	}
	return nil
}

// ReviewOutcome records a lead's decision on a submission awaiting review
// (leads and admins): approving counts its figures, in place of the
// approved submission it corrects if any, in the same transaction as the
// decision; requesting changes counts nothing and, through the
// personal-data guard, tells the project's leads why. Either moves the
// returns the submission fills. A submission already decided, or
// corrected meanwhile, is a conflict: nothing is counted twice.
//
// The returns it moves are read after the submission and its dependents
// revision: a new schedule's returns filled from the submission and
// written after that read (CompleteGeneration, which premises them on the
// submission's status and moves that revision on) are not among those
// read, so the decision is guarded on the revision, and planned again
// finding them; it never leaves such a return at the status it had
// before the decision.
func (sc *Scope) ReviewOutcome(id string, body Decoder) (domain.Outcome, error) {
	var setup ReportingSetup
	var y domain.Outcome
	var rev int64
	if err := sc.beside(func() (err error) {
		setup, err = sc.s.store.ReportingSetup(sc.ctx, sc.programmeID)
		return err
	}, func() (err error) { rev, err = sc.reviewable(id, &y); return err }); err != nil {
		return domain.Outcome{}, err
	}
	// decodeValid runs the comment through the personal-data guard.
	in, err := decodeValid[domain.ReviewInput](body)
	if err != nil {
		return domain.Outcome{}, err
	}
	var werr error
	bySubmitter := false
	for plan := 1; ; plan++ {
		if plan > 1 {
			if err := sc.planAgain(werr, &setup, sc.mayReview); err != nil {
				return domain.Outcome{}, err
			}
			if y, rev, err = sc.readOutcomeRev(id); err != nil {
				return domain.Outcome{}, err
			}
		}
		if undecided(y) != nil {
			return domain.Outcome{}, sc.refuseDecided(y)
		}
		if plan == 1 && y.CorrectedBy == "" { // one corrected since is refused as such by the store
			if bySubmitter, err = sc.ownReview(y); err != nil {
				return domain.Outcome{}, err
			}
		}
		rv, err := sc.planReview(y, in, bySubmitter, setup, plan <= releaseTries)
		if err != nil {
			return domain.Outcome{}, err
		}
		ch := sc.change(domain.EntityOutcome, id, domain.ActionReview, rv.Before, rv.After)
		ch.Guard = &Guard{Ref: domain.ProjectRef(domain.EntityOutcome, y.ProjectID, y.ID), Rev: rev, Err: ErrChanged}
		// Made as a lead: a lead removed meanwhile decides nothing.
		ch.Premises = sc.asRead()
		err = sc.s.store.ReviewOutcome(sc.ctx, sc.programmeID, rv, ch)
		werr = err
		var corrected *AlreadyCorrectedError
		if errors.As(err, &corrected) {
			st, err := sc.newestStatus(corrected.By.ID)
			if err != nil {
				return domain.Outcome{}, err
			}
			c := *corrected
			c.NewestDecided = decision(st)
			return domain.Outcome{}, alreadyCorrected(&c, "review")
		}
		if !errors.Is(err, ErrChanged) || plan >= maxPlans {
			return rv.After, storeErr(err, "outcome submission", nil)
		}
	}
}

// ErrOwnSubmission is the cause of the refusal of a decision on figures
// the reviewer sent themselves while the programme has another lead, who
// must review them (see ownReview).
var ErrOwnSubmission = errors.New("a lead's decision on figures they sent, while another lead can review them")

// ownReview says whether a decision by the caller on y, awaiting review,
// is on figures they sent themselves (domain.Outcome.SentBy), and refuses
// it (409 conflict, wrapping ErrOwnSubmission) while the programme has
// another lead. The rule a real programme needs: the network lead's check
// is what lets funders see figures (SPEC, reporting cycle), and a check
// by whoever entered them is no check, so another lead reviews them, as
// the review queue lists them for every lead. A programme with one lead
// still needs its lead's own figures to count: that lead may decide, and
// the review records that the reviewer sent them (bySubmitter; shown in
// the API, the audit trail and the submission's page), so whoever reads
// the figures knows nobody else checked them. This holds for every role
// that may review: a lead, a lead who is also the project's lead, and an
// administrator (who is no member: any lead of the programme is another
// lead). The members are read only for a decision on one's own figures
// (one Query, every page); the rule is decided on them as read (a lead
// added or removed at that moment is seen a moment later), and the review
// says which way it went.
func (sc *Scope) ownReview(y domain.Outcome) (bySubmitter bool, err error) {
	if !y.SentBy(sc.caller.Email) {
		return false, nil
	}
	members, err := all(func(p Page) ([]domain.Member, string, error) {
		return sc.s.store.ListMembers(sc.ctx, sc.programmeID, p)
	})
	if err != nil {
		return false, storeErr(err, "", nil)
	}
	me := domain.NormaliseEmail(sc.caller.Email)
	for _, m := range members {
		if m.Email != me && hasLead(m.Roles) {
			return false, &domain.Error{Code: domain.CodeConflict, Err: ErrOwnSubmission,
				Message: "you sent these figures yourself, so another lead of the programme must review them " +
					"(figures count for funders only once someone other than whoever entered them has checked them); " +
					"they wait in the review queue of the programme's other leads"}
		}
	}
	return true, nil
}

// planReview settles what a decision on y, still undecided (ReviewOutcome
// refuses one decided first), writes: with release, an approval makes due
// the payments its figures or the returns it accepts fire (see
// planRelease); without, it leaves them to the notifier. bySubmitter
// says the caller sent y, being the programme's only lead (ownReview):
// the review records it.
func (sc *Scope) planReview(y domain.Outcome, in domain.ReviewInput, bySubmitter bool, setup ReportingSetup, release bool) (OutcomeReview, error) {
	var counted *domain.Outcome
	if in.Decision == domain.DecisionApprove && y.ReplacesApproved != "" {
		c, err := sc.readOutcome(y.ReplacesApproved)
		if err != nil {
			return OutcomeReview{}, err
		}
		counted = &c
	}
	review := domain.Review{Decision: in.Decision, By: sc.caller.Email, At: sc.s.now(), Comment: in.Comment, BySubmitter: bySubmitter}
	after := y
	after.Review = &review
	after.Status = domain.OutcomeApproved
	if in.Decision == domain.DecisionRequestChanges {
		after.Status = domain.OutcomeChangesRequested
	}
	rv := OutcomeReview{Before: y, After: after, Figures: domain.Reviewing(y, in.Decision, counted)}
	ws, _, err := sc.fills(setup, y, false, func(r domain.Return) (domain.Return, bool) { return r.Reviewed(y, review) })
	if err != nil {
		return OutcomeReview{}, err
	}
	rv.Returns = ws
	if in.Decision == domain.DecisionApprove {
		if rv.Release, err = sc.releaseOf(rv.Figures, ws, release); err != nil {
			return OutcomeReview{}, err
		}
	}
	if in.Decision == domain.DecisionRequestChanges {
		n := sc.submissionNotice(after, domain.KindChangesRequested, ws)
		rv.Notify = &n
	}
	return rv, nil
}

// refuseDecided is the refusal of a decision on y, decided already: as
// ReviewCase.Refusal words it, naming the newest correction if y was
// corrected since, and whether that is decided too. The correction markers
// and the newest correction are read on this refusal alone, two reads
// whatever the project's history.
func (sc *Scope) refuseDecided(y domain.Outcome) error {
	by, err := sc.s.store.NewestCorrection(sc.ctx, sc.programmeID, domain.EntityOutcome, y.ID)
	if err != nil {
		return storeErr(err, "", nil)
	}
	st, err := sc.newestStatus(by)
	if err != nil {
		return err
	}
	return ReviewCase{Outcome: y, CorrectedBy: by, NewestStatus: st}.Refusal()
}

// ErrNotForReview is the cause of the refusal of a decision on a
// submission sent while its programme did not review submissions: its
// figures counted when it was sent, and no lead approved it, so "already
// approved" would not say why there is nothing to decide.
var ErrNotForReview = errors.New("a decision on a submission sent without review")

// undecided refuses a decision on y once it has one: only a submission
// awaiting review can be reviewed. One approved with no review was sent
// while the programme did not review submissions (domain.NewSubmission,
// the only approval without one), and is refused as such, wrapping
// ErrNotForReview: whether the programme reviews now or not, what was
// true when it was sent is what answers for it.
func undecided(y domain.Outcome) error {
	if st := y.EffectiveStatus(); st != domain.OutcomePending {
		if st == domain.OutcomeApproved && y.Review == nil {
			return &domain.Error{Code: domain.CodeConflict, Err: ErrNotForReview,
				Message: "this submission was sent while the programme did not review submissions, so its figures counted " +
					"when it was sent; only a submission awaiting review can be reviewed"}
		}
		what := "approved"
		if st == domain.OutcomeChangesRequested {
			what = "sent back for changes"
		}
		return domain.Errorf(domain.CodeConflict, "this submission has already been %s; only a submission awaiting review can be reviewed", what)
	}
	return nil
}

// ListPendingOutcomes lists the programme's submissions awaiting review,
// oldest first (leads and admins): the review queue, read from an index
// of pending submissions alone.
func (sc *Scope) ListPendingOutcomes(p Page) ([]domain.Outcome, string, error) {
	var items []domain.Outcome
	var next string
	err := sc.alongside(func() (err error) {
		items, next, err = sc.s.store.ListPendingOutcomes(sc.ctx, sc.programmeID, p)
		return err
	})
	if err == nil && !sc.access.CanManage() {
		return nil, "", forbidden("see the submissions awaiting review")
	}
	return listErr(items, next, err)
}

// CohortsOf are the cohorts that outcomes (of any of the programme's
// projects, such as a page of the review queue) were sent for, by id: a
// project with cohorts sends a submission a period for each, and a list
// that did not name them would show two alike. The caller's access is
// checked first; only cohorts of projects whose records the caller may
// read are read, in one BatchGetItem per 100 (none when no outcome is a
// cohort's). A cohort not found is left out.
func (sc *Scope) CohortsOf(outcomes []domain.Outcome) (map[string]domain.Cohort, error) {
	if err := sc.load(); err != nil {
		return nil, err
	}
	out := map[string]domain.Cohort{}
	var gets []*Get
	seen := map[string]bool{}
	for _, o := range outcomes {
		if o.CohortID == "" || seen[o.CohortID] || !domain.ValidID(o.CohortID) || !domain.ValidID(o.ProjectID) ||
			!sc.access.CanReadProject(o.ProjectID) {
			continue
		}
		seen[o.CohortID] = true
		gets = append(gets, &Get{Ref: domain.ProjectRef(domain.EntityCohort, o.ProjectID, o.CohortID), Into: new(domain.Cohort)})
	}
	if err := sc.load(gets...); err != nil {
		return nil, err
	}
	for _, g := range gets {
		if g.Found {
			c := g.Into.(*domain.Cohort)
			out[c.ID] = *c
		}
	}
	return out, nil
}
