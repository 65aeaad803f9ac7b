package service

import (
	"errors"
	"sync"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// besideNewest runs read (the record's read, with its access check)
// beside the read of the newest correction of the record ref names (the
// one that replaced it, or the one that replaced that, and so on; "" when
// it was never corrected): one round trip. The newest correction is what a
// refusal to act on a corrected record links to, as the store's refusal
// names it (see AlreadyCorrectedError). Storage reads it from the
// correction markers, one read a link, so it costs the same whatever the
// project's or grant's history; it is dropped when read fails, so
// nobody learns of a record they may not read.
func (sc *Scope) besideNewest(ref domain.RecordRef, read func() error) (string, error) {
	var (
		wg    sync.WaitGroup
		by    string
		byErr error
	)
	if domain.ValidID(sc.programmeID) && domain.ValidID(ref.ID) {
		wg.Go(func() {
			by, byErr = sc.s.store.NewestCorrection(sc.ctx, sc.programmeID, ref.Entity, ref.ID)
		})
	}
	err := read()
	wg.Wait()
	if err != nil {
		return "", err
	}
	return by, storeErr(byErr, "", nil)
}

// correctedBy is the refusal to do something (a verb: "correct") to the
// record ref names, corrected by the record by; nil when by is "".
func correctedBy(ref domain.RecordRef, by, do string) error {
	if by == "" {
		return nil
	}
	newest := ref
	newest.ID = by
	return alreadyCorrected(&AlreadyCorrectedError{Replaced: ref, By: newest}, do)
}

// OutcomeToCorrect is the submission a project lead's correction form
// starts from. One corrected already is refused as SubmitOutcome would
// refuse its correction (409, naming the newest correction), so the form
// is not offered when its only result is that refusal.
func (sc *Scope) OutcomeToCorrect(id string) (domain.Outcome, error) {
	var o domain.Outcome
	ref := domain.ProjectRef(domain.EntityOutcome, sc.projectID, id)
	by, err := sc.besideNewest(ref, func() error {
		return sc.getInProject(domain.EntityOutcome, id, &o, "outcome submission", true)
	})
	if err == nil {
		err = correctedBy(ref, by, "correct")
	}
	if err != nil {
		return domain.Outcome{}, err
	}
	o.Status = o.EffectiveStatus()
	return o, nil
}

// SpendToCorrect is the spend return a correction form starts from. One
// corrected already is refused as SubmitSpend would refuse its correction
// (409, naming the newest correction).
func (sc *Scope) SpendToCorrect(grantID, id string) (domain.SpendReturn, error) {
	var s domain.SpendReturn
	ref := domain.GrantRef(domain.EntitySpend, grantID, id)
	by, err := sc.besideNewest(ref, func() error {
		g, err := sc.underGrant(domain.EntitySpend, grantID, id, &s, "spend return")
		if err == nil && !sc.access.CanSubmitSpend(g) {
			err = forbidden("report spend on this grant")
		}
		return err
	})
	if err == nil {
		err = correctedBy(ref, by, "correct")
	}
	if err != nil {
		return domain.SpendReturn{}, err
	}
	return s, nil
}

// ReviewCase is a submission as a lead deciding on it sees it.
type ReviewCase struct {
	Outcome domain.Outcome
	// CorrectedBy is the newest correction of the submission, if it was
	// corrected: the one to review instead, unless it is decided too.
	CorrectedBy string
	// NewestStatus is CorrectedBy's status, read only when there is one
	// (the refusal's path): a newest correction already decided leaves a
	// lead nothing to review, and Refusal must not send them to it.
	NewestStatus domain.OutcomeStatus
	// Counted is, for a correction of approved figures, the approved
	// submission whose figures count until Outcome is approved (and keep
	// counting if changes are asked for instead).
	Counted *domain.Outcome
	// Alongside is, for a submission awaiting review, what else counts or
	// awaits review for exactly its project, period and cohort
	// (domain.Alongside):
	// approving it would add its figures to those, so a lead is told
	// before approving figures sent twice.
	Alongside []domain.PeriodEntry
	// Cohort is, for a submission awaiting review that is a cohort's, that
	// cohort (nil when not found): a project with cohorts sends one
	// submission a period for each, which would otherwise look alike.
	Cohort *domain.Cohort
	// Own says the caller sent the submission, awaiting review,
	// themselves (ownReview): with another lead in the programme a
	// decision is refused (Refusal says so); as its only lead they may
	// decide, and the form says their review is recorded as one of their
	// own figures.
	Own bool
	// ownRefusal is ownReview's refusal, when there is another lead.
	ownRefusal error
}

// Refusal is what ReviewOutcome would answer a decision on the submission
// now: a submission already decided, or corrected since, is a conflict;
// nil while a decision can be made. One corrected since, decided or not,
// names its newest correction: that is the one a lead may still have to
// decide on (a submission sent back for changes and then corrected, say),
// where the decided submission itself is a dead end. When that correction
// is decided as well, the refusal says so rather than asking for a review:
// an old link (from an earlier digest email, say) leads nowhere to act.
func (c ReviewCase) Refusal() error {
	o := c.Outcome
	if c.CorrectedBy != "" {
		ref := domain.ProjectRef(domain.EntityOutcome, o.ProjectID, o.ID)
		by := ref
		by.ID = c.CorrectedBy
		return alreadyCorrected(&AlreadyCorrectedError{Replaced: ref, By: by, NewestDecided: decision(c.NewestStatus)}, "review")
	}
	if err := undecided(o); err != nil {
		return err
	}
	return c.ownRefusal
}

// decision is st if it is a decision made (approved, sent back), else "".
func decision(st domain.OutcomeStatus) domain.OutcomeStatus {
	if st == domain.OutcomeApproved || st == domain.OutcomeChangesRequested {
		return st
	}
	return ""
}

// newestStatus is the status of by, the newest correction of a submission
// of the scope's project ("" for none, or none found): one read by its
// key, made only on a refusal's path.
func (sc *Scope) newestStatus(by string) (domain.OutcomeStatus, error) {
	if by == "" {
		return "", nil
	}
	n, found, err := sc.findOutcome(by)
	if err != nil || !found {
		return "", err
	}
	return n.EffectiveStatus(), nil
}

// OutcomeToReview reads a submission for a lead's decision (leads and
// admins). One awaiting review comes with what the decision depends on:
// whether it was corrected since (its correction markers, read beside the
// submission), and for a correction the approved submission it would
// replace (ReplacesApproved, read by its key), or for one corrected since
// the status of its newest correction (read by its key): whatever the
// project's history. See Refusal for whether a decision can still be made.
func (sc *Scope) OutcomeToReview(id string) (ReviewCase, error) {
	var o domain.Outcome
	by, err := sc.besideNewest(domain.ProjectRef(domain.EntityOutcome, sc.projectID, id), func() error {
		// Read as ReviewOutcome reads it, so each role gets its answer.
		_, err := sc.reviewable(id, &o)
		return err
	})
	if err != nil {
		return ReviewCase{}, err
	}
	o.Status = o.EffectiveStatus()
	c := ReviewCase{Outcome: o, CorrectedBy: by}
	if by != "" { // refused whatever its own status: Refusal says what became of the correction
		if c.NewestStatus, err = sc.newestStatus(by); err != nil {
			return ReviewCase{}, err
		}
	}
	if o.Status != domain.OutcomePending {
		return c, nil // decided: Refusal says so, and the figures do not matter
	}
	// The period's other submissions are read beside the approved ones
	// this would replace: one Query, whatever the project's history.
	// Its cohort, if it is a cohort's, is read beside them too (one
	// GetItem more; access is known by now, so straight from the store).
	var (
		period               []domain.Outcome
		periodErr, cohortErr error
		cohort               domain.Cohort
		cohortGet            *Get
		wg                   sync.WaitGroup
	)
	wg.Go(func() { period, periodErr = sc.periodOutcomes(o.PeriodStart, o.PeriodEnd) })
	if o.CohortID != "" {
		cohortGet = &Get{Ref: domain.ProjectRef(domain.EntityCohort, sc.projectID, o.CohortID), Into: &cohort}
		wg.Go(func() { cohortErr = storeErr(sc.s.store.Read(sc.ctx, sc.programmeID, cohortGet), "cohort", nil) })
	}
	if o.ReplacesApproved != "" {
		counted, found, err := sc.findOutcome(o.ReplacesApproved)
		if err != nil {
			wg.Wait()
			return ReviewCase{}, err
		}
		if found {
			c.Counted = &counted
		}
	}
	wg.Wait()
	for _, err := range []error{periodErr, cohortErr} {
		if err != nil {
			return ReviewCase{}, err
		}
	}
	c.Alongside = domain.Alongside(o, period)
	if cohortGet != nil && cohortGet.Found {
		c.Cohort = &cohort
	}
	if by == "" {
		c.Own = o.SentBy(sc.caller.Email)
		if _, err := sc.ownReview(o); errors.Is(err, ErrOwnSubmission) {
			c.ownRefusal = err
		} else if err != nil {
			return ReviewCase{}, err
		}
	}
	return c, nil
}

// deriveCorrectedBy fills in the correctedBy of those of outcomes (one
// page of a list) that a correction among them replaces but that record
// none: submissions corrected before the store recorded correctedBy
// (a correction, through its replaces, is all that says so). A
// correction on another page of the list, or a take-over (which only the
// store's correctedBy records, and which came with it), is not derived:
// reading it would cost a request a submission, and a page of a list is
// a bounded number of requests. A single submission's read
// (Scope.Outcome) derives nothing for the same reason: its newest
// correction is one read more (besideNewest), and not the one that
// replaced it when it was corrected more than once.
func deriveCorrectedBy(outcomes []domain.Outcome) {
	by := map[string]string{}
	for _, o := range outcomes {
		if o.Replaces != "" {
			by[o.Replaces] = o.ID
		}
	}
	for i, o := range outcomes {
		if o.CorrectedBy == "" && by[o.ID] != "" {
			outcomes[i].CorrectedBy = by[o.ID]
		}
	}
}
