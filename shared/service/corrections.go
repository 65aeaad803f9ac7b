package service

import "github.com/fundtrack/fundtrack/shared/domain"

// newestCorrection is the newest correction of record id among xs (a
// project's submissions, a grant's spend returns): the one that replaced
// it, or the one that replaced that, and so on; "" when id was never
// corrected. It is what a refusal to act on a corrected record links to,
// as the store's refusal names it (see AlreadyCorrectedError).
func newestCorrection[T any](xs []T, id string, idOf, replaces func(T) string) string {
	next := make(map[string]string, len(xs))
	for _, x := range xs {
		if r := replaces(x); r != "" {
			next[r] = idOf(x)
		}
	}
	newest := ""
	// A chain is at most as long as the list: the bound only guards a
	// loop the store would never have written.
	for cur, steps := id, 0; next[cur] != "" && steps <= len(xs); steps++ {
		newest, cur = next[cur], next[cur]
	}
	return newest
}

// OutcomeToCorrect is the submission a project lead's correction form
// starts from. One corrected already is refused as SubmitOutcome would
// refuse its correction (409, naming the newest correction), so the form
// is not offered when its only result is that refusal. It reads the
// project's submissions: only a correction knows what it corrected.
func (sc *Scope) OutcomeToCorrect(id string) (domain.Outcome, error) {
	var o domain.Outcome
	if err := sc.getInProject(domain.EntityOutcome, id, &o, "outcome submission", true); err != nil {
		return domain.Outcome{}, err
	}
	o.Status = o.EffectiveStatus()
	items, err := all(sc, sc.ListOutcomes)
	if err != nil {
		return domain.Outcome{}, err
	}
	if by := newestCorrection(items, id, outcomeID, outcomeReplaces); by != "" {
		return domain.Outcome{}, alreadyCorrected(&AlreadyCorrectedError{Replaced: domain.ProjectRef(domain.EntityOutcome, sc.projectID, id),
			By: domain.ProjectRef(domain.EntityOutcome, sc.projectID, by)}, "correct")
	}
	return o, nil
}

// SpendToCorrect is the spend return a correction form starts from. One
// corrected already is refused as SubmitSpend would refuse its correction
// (409, naming the newest correction).
func (sc *Scope) SpendToCorrect(grantID, id string) (domain.SpendReturn, error) {
	var s domain.SpendReturn
	g, err := sc.underGrant(domain.EntitySpend, grantID, id, &s, "spend return")
	if err != nil {
		return domain.SpendReturn{}, err
	}
	if !sc.access.CanSubmitSpend(g) {
		return domain.SpendReturn{}, forbidden("report spend on this grant")
	}
	items, err := all(sc, func(p Page) ([]domain.SpendReturn, string, error) { return sc.ListSpend(grantID, p) })
	if err != nil {
		return domain.SpendReturn{}, err
	}
	if by := newestCorrection(items, id, spendID, spendReplaces); by != "" {
		return domain.SpendReturn{}, alreadyCorrected(&AlreadyCorrectedError{Replaced: domain.GrantRef(domain.EntitySpend, grantID, id),
			By: domain.GrantRef(domain.EntitySpend, grantID, by)}, "correct")
	}
	return s, nil
}

// ReviewCase is a submission as a lead deciding on it sees it.
type ReviewCase struct {
	Outcome domain.Outcome
	// CorrectedBy is the newest correction of the submission, if it was
	// corrected: the one to review instead.
	CorrectedBy string
	// Counted is, for a correction of approved figures, the approved
	// submission whose figures count until Outcome is approved (and keep
	// counting if changes are asked for instead).
	Counted *domain.Outcome
}

// Refusal is what ReviewOutcome would answer a decision on the submission
// now: a submission already decided, or corrected since, is a conflict;
// nil while a decision can be made.
func (c ReviewCase) Refusal() error {
	if err := undecided(c.Outcome); err != nil {
		return err
	}
	if c.CorrectedBy != "" {
		o := c.Outcome
		return alreadyCorrected(&AlreadyCorrectedError{Replaced: domain.ProjectRef(domain.EntityOutcome, o.ProjectID, o.ID),
			By: domain.ProjectRef(domain.EntityOutcome, o.ProjectID, c.CorrectedBy)}, "review")
	}
	return nil
}

// OutcomeToReview reads a submission for a lead's decision (leads and
// admins). One awaiting review comes with what the decision depends on:
// whether it was corrected since, and for a correction the approved
// figures it would replace, from the project's submissions (one Query per
// hundred). See Refusal for whether a decision can still be made.
func (sc *Scope) OutcomeToReview(id string) (ReviewCase, error) {
	// Read as ReviewOutcome reads it, so each role gets its answer.
	var o domain.Outcome
	if err := sc.getInProject(domain.EntityOutcome, id, &o, "outcome submission", false); err != nil {
		return ReviewCase{}, err
	}
	if !sc.access.CanManage() {
		return ReviewCase{}, forbidden("review submissions")
	}
	o.Status = o.EffectiveStatus()
	c := ReviewCase{Outcome: o}
	if o.Status != domain.OutcomePending {
		return c, nil // decided: Refusal says so, and nothing else matters
	}
	items, err := all(sc, sc.ListOutcomes)
	if err != nil {
		return ReviewCase{}, err
	}
	c.CorrectedBy = newestCorrection(items, id, outcomeID, outcomeReplaces)
	for i := range items {
		if o.ReplacesApproved != "" && items[i].ID == o.ReplacesApproved {
			c.Counted = &items[i]
		}
	}
	return c, nil
}

func outcomeID(o domain.Outcome) string         { return o.ID }
func outcomeReplaces(o domain.Outcome) string   { return o.Replaces }
func spendID(s domain.SpendReturn) string       { return s.ID }
func spendReplaces(s domain.SpendReturn) string { return s.Replaces }
