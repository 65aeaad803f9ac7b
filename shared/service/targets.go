package service

import (
	"errors"
	"strconv"
	"strings"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// MayCreateTarget is CreateTarget's access check on its own.
func (sc *Scope) MayCreateTarget() error { return sc.manage("set targets") }

// CreateTarget sets a target (leads and admins), its window within the
// programme's dates (domain.TargetInput.CheckWindow).
func (sc *Scope) CreateTarget(body Decoder) (domain.Target, error) {
	if err := sc.MayCreateTarget(); err != nil {
		return domain.Target{}, err
	}
	var in domain.TargetInput
	derr := body(&in)
	refs := targetRefs(in)
	if err := domain.MergeProblems(derr, in.Validate(), in.CheckWindow(sc.programme)); err != nil {
		return domain.Target{}, sc.withRefs(err, refs)
	}
	now := sc.s.now()
	t := domain.Target{ID: domain.NewID(), Metric: in.Metric, Value: in.Value, Deadline: in.Deadline, StartDate: in.StartDate,
		ProjectID: in.ProjectID, Notify: nonNil(in.Notify), Thresholds: in.Thresholds, Version: 1, CreatedAt: now, UpdatedAt: now}
	due := t.NextCheck(sc.programme.StartDate, domain.UKDate(now))
	ch := sc.change(domain.EntityTarget, t.ID, domain.ActionCreate, nil, t)
	ch.Premises = []Premise{sc.withinDates()}
	if err := sc.asMember(ch, sc.MayCreateTarget, func(ch Change) error {
		return sc.s.store.CreateTarget(sc.ctx, sc.programmeID, t, due, ch)
	}); err != nil {
		return t, storeErr(err, "programme", refs)
	}
	sc.wrote(nil, 1)
	return t, nil
}

// withinDates is the premise of a target whose window was checked
// against the programme's dates (CheckWindow): they are still as read
// (a change of the programme's name or anything else is no matter), and
// the target counts as the programme's dependent, so a narrowing of the
// dates that read the targets before this one lands is refused too (see
// UpdateProgramme's Guard).
func (sc *Scope) withinDates() Premise {
	return sc.datesPremise("the programme's dates were changed while the target was being saved: " +
		"a target's dates must lie within the programme's, so look at the programme's dates again and retry")
}

// datesPremise is the premise of a dependent checked against the
// programme's dates (a target's window, a schedule's periods), refused
// with a conflict saying why.
func (sc *Scope) datesPremise(why string) Premise {
	return Premise{Ref: domain.Ref(domain.EntityProgramme, sc.programmeID), Record: sc.programme,
		Fields: []string{"StartDate", "EndDate"}, Dependent: true, Err: domain.Errorf(domain.CodeConflict, "%s", why)}
}

// moved reports whether a date changed.
func moved(a, b domain.Date) bool { return a.Before(b) || b.Before(a) }

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Target returns one target; every member may read targets.
func (sc *Scope) Target(id string) (domain.Target, error) {
	var t domain.Target
	return t, sc.get(domain.Ref(domain.EntityTarget, id), &t, "target")
}

// ListTargets lists the programme's targets.
func (sc *Scope) ListTargets(p Page) ([]domain.Target, string, error) {
	var items []domain.Target
	var next string
	err := sc.alongside(func() (err error) {
		items, next, err = sc.s.store.ListTargets(sc.ctx, sc.programmeID, p)
		return err
	})
	return listErr(items, next, err)
}

// UpdateTarget changes a target if ifMatch accepts its version. The fields
// of TargetInput may change; a target's id and history stay.
//
// A target changed so that its figure may reach a waiting payment's
// threshold (mayReachMore: a lower value, another metric, window, or
// project but for a programme's target given to a project) makes that payment due in the same change, as an approval does.
//
// A target given to a project may not leave a payment of another
// project's grant waiting on it (grantsStayPaidOn): that change reads
// the payments after the target, so it is guarded against one made on
// the target meanwhile (Guard).
func (sc *Scope) UpdateTarget(id string, ifMatch func(int64) bool, body Decoder) (domain.Target, error) {
	var first domain.Target
	firstRev, err := sc.getRev(domain.Ref(domain.EntityTarget, id), &first, "target")
	if err != nil {
		return domain.Target{}, err
	}
	if !sc.access.CanManage() {
		return domain.Target{}, forbidden("change targets")
	}
	var patch domain.TargetPatch
	derr := body(&patch)
	return updateLoop(sc.ctx, ifMatch, func(round int) (domain.Target, error) {
		before, rev := first, firstRev
		if round > 1 {
			before = domain.Target{}
			if rev, err = sc.getRev(domain.Ref(domain.EntityTarget, id), &before, "target"); err != nil {
				return domain.Target{}, err
			}
		}
		in := patch.Apply(before.Input())
		refs := targetRefs(in)
		if err := domain.MergeProblems(derr, in.Validate(), in.CheckWindow(sc.programme)); err != nil {
			return domain.Target{}, sc.withRefs(err, refs)
		}
		if !ifMatch(before.Version) {
			return domain.Target{}, versionRefused()
		}
		var premises []Premise
		var guard *Guard
		if in.ProjectID != before.ProjectID && in.ProjectID != "" {
			if premises, err = sc.grantsStayPaidOn(id, in.ProjectID); err != nil {
				return domain.Target{}, err
			}
			guard = &Guard{Ref: domain.Ref(domain.EntityTarget, id), Rev: rev,
				Err: domain.Errorf(domain.CodeConflict, "a payment was set to wait on this target while the target was being given to another project: "+
					"a project's grant is paid on its own project's targets or the programme's, so look at the payments waiting on it again and retry")}
		}
		after := before
		after.Metric, after.Value, after.Deadline, after.StartDate = in.Metric, in.Value, in.Deadline, in.StartDate
		after.ProjectID, after.Notify, after.Thresholds = in.ProjectID, nonNil(in.Notify), in.Thresholds
		ch, changed := sc.changeOf(domain.EntityTarget, id, before, after)
		if !changed {
			return before, nil
		}
		after.Version, after.UpdatedAt = before.Version+1, sc.s.now()
		due := after.NextCheck(sc.programme.StartDate, domain.UKDate(after.UpdatedAt))
		window := moved(before.Deadline, after.Deadline) || moved(before.StartDate, after.StartDate)
		if window {
			// Only a window that moves was checked against the dates: one
			// that stays is in what a change of the dates reads.
			premises = append(premises, sc.withinDates())
		}
		ch.Premises, ch.Guard = premises, guard
		for plan := 1; ; plan++ {
			// A target that may now be reached makes due with it the
			// payments waiting on it whose threshold it is (see
			// planRelease), conditioned on the figures it judged them on:
			// another change of them meanwhile has it planned again.
			var rel Release
			if mayReachMore(before, after) {
				if plan > releaseTries {
					rel.Later = true
				} else if rel, err = sc.planReleaseOf(releaseCase{target: &after}); err != nil {
					return after, err
				}
			}
			err := sc.asMember(ch, sc.mayManage("change targets"), func(ch Change) error {
				return sc.s.store.UpdateTarget(sc.ctx, sc.programmeID, before, after, due, rel, ch)
			})
			if errors.Is(err, ErrChanged) && plan < maxPlans {
				continue
			}
			if err != nil {
				return after, storeErr(err, "target", refs)
			}
			break
		}
		if window {
			sc.wrote(nil, 1)
		}
		return after, nil
	})
}

// mayReachMore reports whether a change of a target from before to after
// may take it over a payment's threshold it was not over: a lower value,
// or another metric, window or project (figures it did not count). A
// higher value, a change of whom it notifies, or a programme's target
// given to one project (whose figures are part of the programme's)
// reaches nothing new.
func mayReachMore(before, after domain.Target) bool {
	return after.Value < before.Value || after.Metric != before.Metric ||
		(after.ProjectID != before.ProjectID && before.ProjectID != "") ||
		moved(before.StartDate, after.StartDate) || moved(before.Deadline, after.Deadline)
}

// grantsStayPaidOn refuses to give target id to project to while a
// payment still scheduled of another project's grant waits on it: a
// project's grant is paid on its own project's targets or the
// programme's (Trigger.CheckGrant, which a new payment is held to), and
// the grant's project lead could not read the target it waits on. Read
// only when the target goes to a project: the programme's payments (one
// Query a page of 100, on the table, so a payment just made is in it)
// and the grants of those waiting on it (one BatchGetItem).
//
// The grants it read are the change's premises: each still of the
// project it was read with, so a grant given to another project at the
// same moment cannot slip past the rule (UpdateGrant checks the targets
// from its side).
func (sc *Scope) grantsStayPaidOn(id, to string) ([]Premise, error) {
	payments, err := all(sc.listPayments)
	if err != nil {
		return nil, err
	}
	grants := map[string]*domain.Grant{}
	var gets []*Get
	var waiting []domain.Payment
	for _, p := range payments {
		if p.Status != domain.PaymentScheduled || p.Trigger.Kind != domain.TriggerMilestone || p.Trigger.TargetID != id {
			continue
		}
		waiting = append(waiting, p)
		if grants[p.GrantID] == nil {
			grants[p.GrantID] = &domain.Grant{}
			gets = append(gets, &Get{Ref: domain.Ref(domain.EntityGrant, p.GrantID), Into: grants[p.GrantID]})
		}
	}
	if len(gets) == 0 {
		return nil, nil
	}
	if err := sc.load(gets...); err != nil {
		return nil, err
	}
	found := map[string]bool{}
	for _, g := range gets {
		found[g.Ref.ID] = g.Found
	}
	const shown = 5
	var other []string
	n := 0
	for _, p := range waiting {
		g := grants[p.GrantID]
		if !found[p.GrantID] || g.ProjectID == "" || g.ProjectID == to {
			continue
		}
		if n++; n <= shown {
			other = append(other, g.Title+" ("+domain.Pounds(p.AmountPence)+")")
		}
	}
	if n > shown {
		other = append(other, "and "+strconv.Itoa(n-shown)+" more")
	}
	if len(other) > 0 {
		return nil, &domain.Error{Code: domain.CodeValidation, Message: "payments of another project's grants wait on this target",
			Fields: map[string]string{"projectId": "cannot change while payments of another project's grants wait on this target (" +
				strings.Join(other, "; ") + "): a project's grant is paid on its own project's targets or the programme's, " +
				"so cancel those payments first, or leave the target to the whole programme"}}
	}
	var premises []Premise
	for _, g := range gets {
		if g.Found {
			premises = append(premises, Premise{Ref: g.Ref, Record: *grants[g.Ref.ID], Fields: []string{"ProjectID"},
				Err: domain.Errorf(domain.CodeConflict, "a grant whose payment waits on this target was given to another project "+
					"while the target was being given to another project: look at the payments waiting on this target again and retry")})
		}
	}
	return premises, nil
}

func targetRefs(in domain.TargetInput) refFields {
	refs := refFields{}.add(domain.EntityProject, in.ProjectID, "projectId")
	for i, f := range in.Notify {
		refs = refs.add(domain.EntityFunder, f, "notify["+strconv.Itoa(i)+"]")
	}
	return refs
}
