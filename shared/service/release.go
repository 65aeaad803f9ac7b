package service

import (
	"slices"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// Payments falling due with their trigger. A payment's status says at
// once what its trigger says (SPEC, "Money"): a dated payment is due from
// its date, so one made with its date come is made due (CreatePayment);
// one on a target falls due in the transaction of the approval (or,
// without review, the submission) whose counted figures take the target
// over its threshold, or of the change of the target that takes it there
// on the figures counted already (UpdateTarget); one on a return in the
// transaction that accepts the return. An import, whose rows are written
// many transactions apart, makes due what its rows fire in one transaction
// after them (releaseImport). The notifier's pass stays as the safety net: for dated payments
// whose date comes later, and for anything a change leaves to it.
//
// What a change reads is bounded, whatever the programme holds: one Query
// of the payments waiting on targets when it counts figures, one of those
// waiting on each return it accepts (the index holds them by what they
// wait on), each at most maxRelease; then, only when some were found, one
// read of them by key with their grants and targets, and, only when a
// target's figure moves, one read of the years of figures its window
// needs, with the figures version the milestone decision is then
// conditioned on. A change that finds more than it reads, or more than its
// transaction holds (storage keeps to DynamoDB's 100 items), makes those
// it can due and leaves the rest to the notifier (Release.Later), whose
// FallDue is conditioned as the change is: each payment falls due, and is
// emailed, once.

// maxRelease bounds the payments a change reads to make due, on its
// targets and on each return it accepts: a few tranches of a few grants
// hang on one target or return; a programme that hangs more on one has
// the rest made due by the notifier's next run.
const maxRelease = 20

// releaseTries is how many times a change is planned with its release
// before it is planned without (Release.Later): a busy programme's other
// changes move the figures a milestone decision is conditioned on, and
// must not keep an approval from being written.
const releaseTries = maxPlans / 2

// releaseCase is what a change that may fire payments' triggers does:
// how it moves the counted figures (fc), the returns it writes (ws: those
// it accepts fire their payments), and, for a change of a target, the
// target as changed.
type releaseCase struct {
	fc domain.FigureChange
	// written says fc's figures are stored already (an import's, written
	// over many transactions before its release): the targets they move
	// are judged on the figures as stored, not on those plus fc.
	written bool
	ws      []ReturnWrite
	// anyReturn finds the payments on the returns ws accepts with one
	// Query of every payment waiting on a return (an import may accept
	// hundreds of returns), not one a return.
	anyReturn bool
	// target, when not nil, is a target as a change of it leaves it: the
	// payments waiting on it are judged on it, on the figures as stored.
	target *domain.Target
}

// planRelease settles which payments a change makes due with it: fc is how
// it moves the counted figures, ws the returns it writes (those it
// accepts fire their payments). The change is the scope's project's, so
// the project the emails name is the scope's.
func (sc *Scope) planRelease(fc domain.FigureChange, ws []ReturnWrite) (Release, error) {
	return sc.planReleaseOf(releaseCase{fc: fc, ws: ws})
}

// planReleaseOf is planRelease of any change (releaseCase). A change
// outside one project (an import, a target's) reads the names of the
// projects its emails name with the payments.
func (sc *Scope) planReleaseOf(rc releaseCase) (Release, error) {
	var rel Release
	accepted := map[string]domain.Return{}
	var queries []func() ([]domain.Payment, bool, error)
	for _, w := range rc.ws {
		if w.After.State != domain.StateAccepted || (w.Before != nil && w.Before.State == domain.StateAccepted) {
			continue
		}
		_, seen := accepted[w.After.ID]
		first := len(accepted) == 0
		accepted[w.After.ID] = w.After // a return written twice: as it ends
		if seen || (rc.anyReturn && !first) {
			continue
		}
		id := w.After.ID
		if rc.anyReturn {
			id = ""
		}
		queries = append(queries, func() ([]domain.Payment, bool, error) {
			return sc.s.store.PaymentsWaitingOn(sc.ctx, sc.programmeID, domain.TriggerReturn, id, maxRelease)
		})
	}
	switch {
	case rc.target != nil:
		id := rc.target.ID
		queries = append(queries, func() ([]domain.Payment, bool, error) {
			return sc.s.store.PaymentsWaitingOn(sc.ctx, sc.programmeID, domain.TriggerMilestone, id, maxRelease)
		})
	case countsFigures(rc.fc):
		queries = append(queries, func() ([]domain.Payment, bool, error) {
			return sc.s.store.PaymentsWaitingOn(sc.ctx, sc.programmeID, domain.TriggerMilestone, "", maxRelease)
		})
	}
	if len(queries) == 0 {
		return rel, nil
	}
	found := make([][]domain.Payment, len(queries))
	more := make([]bool, len(queries))
	reads := make([]func() error, len(queries))
	for i, q := range queries {
		reads[i] = func() (err error) { found[i], more[i], err = q(); return err }
	}
	if err := parallel(reads...); err != nil {
		return rel, err
	}
	var waiting []domain.Payment
	for i, ps := range found {
		rel.Later = rel.Later || more[i]
		waiting = append(waiting, ps...)
	}
	if rc.anyReturn {
		// Only those on a return the change accepts: the others wait on.
		waiting = slices.DeleteFunc(waiting, func(p domain.Payment) bool {
			_, ok := accepted[p.Trigger.ReturnID]
			return p.Trigger.Kind == domain.TriggerReturn && !ok
		})
	}
	if len(waiting) > maxRelease {
		waiting, rel.Later = waiting[:maxRelease], true
	}
	if len(waiting) == 0 {
		return rel, nil
	}
	// The index may be a moment behind: each is read again by its key,
	// consistently, with its grant and target, in one request.
	names := map[string]string{}
	if sc.projectID != "" {
		names[sc.projectID] = sc.project.Name
	}
	pays, grants, targets, err := sc.readWaiting(waiting, rc.target, names)
	if err != nil {
		return rel, err
	}
	start := sc.programme.StartDate
	moved := map[string]domain.Target{}
	if rc.target != nil {
		moved[rc.target.ID] = *rc.target
	} else {
		for _, t := range targets {
			if t.Moves(start, rc.fc) {
				moved[t.ID] = t
			}
		}
	}
	var currents map[string]int64
	var version int64
	if len(moved) > 0 {
		ts := slices.Collect(mapValues(moved))
		keys := domain.SeriesKeys(ts, start)
		if len(keys) > MaxFiguresAsOf {
			// Windows of more years than one read holds: the notifier's.
			rel.Later, moved = true, nil
		} else {
			series, v, err := sc.s.store.FiguresAsOf(sc.ctx, sc.programmeID, keys)
			if err != nil {
				return rel, storeErr(err, "", nil)
			}
			if !rc.written && rc.target == nil {
				series = domain.WithFigures(series, rc.fc)
			}
			currents, version = domain.Currents(ts, start, series), v
		}
	}
	now := sc.s.now()
	today := domain.UKDate(now)
	for _, w := range waiting {
		p, ok := pays[w.ID]
		g, gok := grants[p.GrantID]
		if !ok || !gok {
			continue // gone, or no longer as the index said
		}
		var words domain.TriggerWords
		switch p.Trigger.Kind {
		case domain.TriggerMilestone:
			t, ok := moved[p.Trigger.TargetID]
			if !ok || !p.FallsDue(&t, currents[t.ID], nil) {
				continue
			}
			words.Target = &t
			rel.Figures = &version
		case domain.TriggerReturn:
			r, ok := accepted[p.Trigger.ReturnID]
			if !ok || !p.FallsDue(nil, 0, &r) {
				continue
			}
			words.Return = &r
		default:
			continue
		}
		after, _ := p.FallDue(today, now)
		if words.Target != nil {
			after.Trigger.Record(*words.Target)
		}
		if on := p.Trigger.ProjectID(words.Target); on != "" {
			words.Project = names[on]
		}
		rel.Falling = append(rel.Falling, Falling{Grant: g, Before: p, After: after,
			Note:  domain.PaymentDueNotice(sc.programmeID, g, after, today, words, now),
			Audit: domain.NewAuditEvent(sc.caller, sc.programmeID, domain.EntityPayment, p.ID, domain.ActionChange, p, after, now)})
	}
	return rel, nil
}

// releaseOf is planRelease for a change planned with its release, and,
// for one planned again too often (releaseTries), a release left to the
// notifier: the change still marks the programme's figures changed.
func (sc *Scope) releaseOf(fc domain.FigureChange, ws []ReturnWrite, release bool) (Release, error) {
	if !release {
		return Release{Later: true}, nil
	}
	return sc.planRelease(fc, ws)
}

// countsFigures reports whether fc counts any figure: only then can a
// target's figure rise.
func countsFigures(fc domain.FigureChange) bool {
	for _, o := range fc.Count {
		for _, n := range o.Counts {
			if n != 0 {
				return true
			}
		}
	}
	return false
}

// readWaiting reads the payments an index listed as waiting, by key, with
// their grants and targets, in one request: the payments still scheduled
// with the trigger the index gave (by id), their grants and their targets
// (each by id; changed, when not nil, is a target as a change leaves it,
// which is not read). A change outside a project (an import, a target's)
// reads with them, into names, the names of the projects the payments'
// triggers are on.
func (sc *Scope) readWaiting(waiting []domain.Payment, changed *domain.Target, names map[string]string) (map[string]domain.Payment, map[string]domain.Grant, map[string]domain.Target, error) {
	pays := make([]domain.Payment, len(waiting))
	payGets := make([]*Get, len(waiting))
	var gets []*Get
	grantGets, targetGets, projectGets := map[string]*Get{}, map[string]*Get{}, map[string]*Get{}
	for i, w := range waiting {
		payGets[i] = &Get{Ref: domain.GrantRef(domain.EntityPayment, w.GrantID, w.ID), Into: &pays[i]}
		gets = append(gets, payGets[i])
		if grantGets[w.GrantID] == nil {
			grantGets[w.GrantID] = &Get{Ref: domain.Ref(domain.EntityGrant, w.GrantID), Into: &domain.Grant{}}
			gets = append(gets, grantGets[w.GrantID])
		}
		id := w.Trigger.TargetID
		if w.Trigger.Kind == domain.TriggerMilestone && targetGets[id] == nil && (changed == nil || changed.ID != id) {
			targetGets[id] = &Get{Ref: domain.Ref(domain.EntityTarget, id), Into: &domain.Target{}}
			gets = append(gets, targetGets[id])
		}
		// A target's project as the payment recorded it (or as the change
		// leaves it): one moved since is named by the notifier's email.
		if on := w.Trigger.ProjectID(changed); sc.projectID == "" && on != "" && domain.ValidID(on) && names[on] == "" && projectGets[on] == nil {
			projectGets[on] = &Get{Ref: domain.Ref(domain.EntityProject, on), Into: &domain.Project{}}
			gets = append(gets, projectGets[on])
		}
	}
	if err := sc.s.store.Read(sc.ctx, sc.programmeID, gets...); err != nil {
		return nil, nil, nil, storeErr(err, "", nil)
	}
	byID := map[string]domain.Payment{}
	for i, w := range waiting {
		p := pays[i]
		if payGets[i].Found && p.Status == domain.PaymentScheduled && p.Trigger.Kind == w.Trigger.Kind && p.Trigger.TargetID == w.Trigger.TargetID &&
			p.Trigger.ReturnID == w.Trigger.ReturnID {
			byID[p.ID] = p
		}
	}
	grants := map[string]domain.Grant{}
	for id, g := range grantGets {
		if g.Found {
			grants[id] = *g.Into.(*domain.Grant)
		}
	}
	targets := map[string]domain.Target{}
	for id, g := range targetGets {
		if g.Found {
			targets[id] = *g.Into.(*domain.Target)
		}
	}
	if changed != nil {
		targets[changed.ID] = *changed
	}
	for id, g := range projectGets {
		if g.Found {
			names[id] = g.Into.(*domain.Project).Name
		}
	}
	return byID, grants, targets, nil
}

// mapValues yields m's values in the order of their keys, so what is read
// and written does not depend on a map's order.
func mapValues[V any](m map[string]V) func(yield func(V) bool) {
	return func(yield func(V) bool) {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			if !yield(m[k]) {
				return
			}
		}
	}
}
