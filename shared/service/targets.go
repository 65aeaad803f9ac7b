package service

import (
	"strconv"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// CreateTarget sets a target (leads and admins), its window within the
// programme's dates (domain.TargetInput.CheckWindow).
func (sc *Scope) CreateTarget(body Decoder) (domain.Target, error) {
	if err := sc.manage("set targets"); err != nil {
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
	if err := sc.s.store.CreateTarget(sc.ctx, sc.programmeID, t, due, ch); err != nil {
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
	return Premise{Ref: domain.Ref(domain.EntityProgramme, sc.programmeID), Record: sc.programme,
		Fields: []string{"StartDate", "EndDate"}, Dependent: true,
		Err: domain.Errorf(domain.CodeConflict, "the programme's dates were changed while the target was being saved: "+
			"a target's dates must lie within the programme's, so look at the programme's dates again and retry")}
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
func (sc *Scope) UpdateTarget(id string, ifMatch func(int64) bool, body Decoder) (domain.Target, error) {
	first, err := sc.Target(id)
	if err != nil {
		return domain.Target{}, err
	}
	if !sc.access.CanManage() {
		return domain.Target{}, forbidden("change targets")
	}
	var patch domain.TargetPatch
	derr := body(&patch)
	return updateLoop(sc.ctx, ifMatch, func(round int) (domain.Target, error) {
		before := first
		if round > 1 {
			if before, err = sc.Target(id); err != nil {
				return domain.Target{}, err
			}
		}
		in := patch.Apply(before.Input())
		refs := targetRefs(in)
		if err := domain.MergeProblems(derr, in.Validate(), in.CheckWindow(sc.programme)); err != nil {
			return domain.Target{}, sc.withRefs(err, refs)
		}
		if !ifMatch(before.Version) {
			return domain.Target{}, stale()
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
		if moved(before.Deadline, after.Deadline) || moved(before.StartDate, after.StartDate) {
			// Only a window that moves was checked against the dates: one
			// that stays is in what a change of the dates reads.
			ch.Premises = []Premise{sc.withinDates()}
		}
		if err := sc.s.store.UpdateTarget(sc.ctx, sc.programmeID, before, after, due, ch); err != nil {
			return after, storeErr(err, "target", refs)
		}
		if len(ch.Premises) > 0 {
			sc.wrote(nil, 1)
		}
		return after, nil
	})
}

func targetRefs(in domain.TargetInput) refFields {
	refs := refFields{}.add(domain.EntityProject, in.ProjectID, "projectId")
	for i, f := range in.Notify {
		refs = refs.add(domain.EntityFunder, f, "notify["+strconv.Itoa(i)+"]")
	}
	return refs
}
