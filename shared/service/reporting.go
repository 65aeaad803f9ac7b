package service

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// The reporting cycle: schedules and the returns they expect. A schedule
// expects a return of each project it covers for each period; returns are
// records of their own (see docs/dynamodb.md, "Returns"), written when the
// schedule (or a project) is created, so listing them by status is a range
// of an index rather than arithmetic over history.

// maxPlans bounds how often a write is planned again after what it was
// planned on changed meanwhile (ErrChanged): each round some other writer
// got in first, so this covers that many racing writers.
const maxPlans = 8

// beside runs read in parallel with first, the scope's first read (which
// checks access), so both cost one round trip; read's result is dropped if
// first fails. read must not depend on the caller's roles.
func (sc *Scope) beside(read func() error, first func() error) error {
	var readErr error
	done := make(chan struct{})
	go func() { defer close(done); readErr = read() }()
	err := first()
	<-done
	if err != nil {
		return err
	}
	return storeErr(readErr, "", nil)
}

// setup reads the programme's reporting setup.
func (sc *Scope) setup() (ReportingSetup, error) {
	st, err := sc.s.store.ReportingSetup(sc.ctx, sc.programmeID)
	return st, storeErr(err, "", nil)
}

func (sc *Scope) today() domain.Date { return domain.UKDate(sc.s.now()) }

// MayCreateSchedule is CreateSchedule's access check on its own.
func (sc *Scope) MayCreateSchedule() error { return sc.manage("manage reporting schedules") }

// CreateSchedule sets up a reporting schedule (leads and admins) and the
// returns it expects: one per covered project and period, each filled by
// any submission already made for its exact period.
func (sc *Scope) CreateSchedule(body Decoder) (domain.Schedule, error) {
	var setup ReportingSetup
	var projects []domain.Project
	err := sc.beside(func() (err error) {
		if setup, err = sc.s.store.ReportingSetup(sc.ctx, sc.programmeID); err != nil {
			return err
		}
		projects, err = all(sc.listProjects)
		return err
	}, sc.MayCreateSchedule)
	if err != nil {
		return domain.Schedule{}, err
	}
	var in domain.ScheduleInput
	derr := body(&in)
	verr := in.Validate()
	now := sc.s.now()
	s := domain.Schedule{ID: domain.NewID(), Name: in.Name, Frequency: in.Frequency, FirstPeriodStart: in.FirstPeriodStart,
		LastPeriodEnd: in.LastPeriodEnd, Reminders: in.Reminders, ProjectIDs: in.ProjectIDs,
		Version: 1, CreatedAt: now, UpdatedAt: now}
	s = s.DateReminders(nil, domain.UKDate(now))
	var werr error
	if verr == nil {
		werr = s.CheckWithin(sc.programme) // its periods only once they are well formed
	}
	if err := domain.WithText(domain.MergeProblems(derr, verr, werr, unknownProjects(in.ProjectIDs, projects)), in); err != nil { // with personal data in the text as it would be stored
		return domain.Schedule{}, err
	}
	s.DueDays = *in.DueDays
	gen := &Generation{ID: domain.NewID(), ProgrammeID: sc.programmeID, ScheduleID: s.ID, StartedAt: now}
	ch := sc.change(domain.EntitySchedule, s.ID, domain.ActionCreate, nil, s)
	// Its periods were checked against the programme's dates: a change of
	// them landing first refuses this, and one planned before this lands
	// is refused by its guard (UpdateProgramme).
	ch.Premises = []Premise{sc.scheduleWithinDates()}
	for round := 1; ; round++ {
		err := sc.asMember(ch, sc.MayCreateSchedule, func(ch Change) error {
			return sc.s.store.CreateSchedule(sc.ctx, sc.programmeID, s, setup.Seq, gen, ch)
		})
		if !errors.Is(err, ErrChanged) || round >= maxPlans {
			if err != nil {
				return domain.Schedule{}, storeErr(err, "programme", nil)
			}
			break
		}
		if setup, err = sc.setup(); err != nil {
			return domain.Schedule{}, err
		}
	}
	sc.wrote(nil, 1)
	// The schedule stands; its returns follow. Should writing them fail,
	// the generation recorded with the schedule is finished by the
	// notifier, so the answer is still the schedule created.
	sc.leftOver("writing the returns of a new schedule", sc.s.CompleteGeneration(sc.ctx, *gen))
	return s, nil
}

// scheduleWithinDates is the premise of a schedule whose periods were
// checked against the programme's dates (Schedule.CheckWithin).
func (sc *Scope) scheduleWithinDates() Premise {
	return sc.datesPremise("the programme's dates were changed while the reporting schedule was being saved: " +
		"a schedule's periods must lie within the programme's dates, so look at the programme's dates again and retry")
}

// unknownProjects names each of ids that is not one of projects.
func unknownProjects(ids []string, projects []domain.Project) error {
	p := domain.Problems{}
	for i, id := range ids {
		if domain.ValidID(id) && !slices.ContainsFunc(projects, func(pr domain.Project) bool { return pr.ID == id }) {
			p.Add("projectIds["+strconv.Itoa(i)+"]", domain.ProblemNotFoundRef)
		}
	}
	return p.Err()
}

// Schedule returns one schedule; every member may read schedules, which
// say what the returns they can see are.
func (sc *Scope) Schedule(id string) (domain.Schedule, error) {
	var s domain.Schedule
	return s, sc.get(domain.Ref(domain.EntitySchedule, id), &s, "schedule")
}

// ListSchedules lists the programme's schedules.
func (sc *Scope) ListSchedules(p Page) ([]domain.Schedule, string, error) {
	var items []domain.Schedule
	var next string
	err := sc.alongside(func() (err error) {
		items, next, err = sc.s.store.ListSchedules(sc.ctx, sc.programmeID, p)
		return err
	})
	return listErr(items, next, err)
}

// UpdateSchedule changes a schedule's name or reminders, or moves its last
// period later (adding the returns the new periods expect) or earlier
// (removing the returns of the periods it no longer has, none of them
// sent: see returnsAfter), if ifMatch accepts its version. A last period
// end that moves is checked against the programme's dates
// (Schedule.CheckWithin), which are then its premise.
func (sc *Scope) UpdateSchedule(id string, ifMatch func(int64) bool, body Decoder) (domain.Schedule, error) {
	var first domain.Schedule
	ref := domain.Ref(domain.EntitySchedule, id)
	firstRev, err := sc.getRev(ref, &first, "schedule")
	if err != nil {
		return domain.Schedule{}, err
	}
	if !sc.access.CanManage() {
		return domain.Schedule{}, forbidden("manage reporting schedules")
	}
	var patch domain.SchedulePatch
	derr := body(&patch)
	var gen *Generation
	after, err := updateLoop(sc.ctx, ifMatch, func(round int) (domain.Schedule, error) {
		before, rev := first, firstRev
		if round > 1 {
			if rev, err = sc.getRev(ref, &before, "schedule"); err != nil {
				return domain.Schedule{}, err
			}
		}
		after, perr := patch.Apply(before)
		var werr error
		if perr == nil && after.LastPeriodEnd != before.LastPeriodEnd {
			werr = after.CheckWithin(sc.programme)
		}
		if err := domain.WithText(domain.MergeProblems(derr, perr, werr), after); err != nil { // with personal data in the text as it would be stored
			return domain.Schedule{}, err
		}
		if !ifMatch(before.Version) {
			return domain.Schedule{}, versionRefused()
		}
		gen = nil
		ch, changed := sc.changeOf(domain.EntitySchedule, id, before, after)
		if !changed {
			return before, nil
		}
		now := sc.s.now()
		after.Version, after.UpdatedAt = before.Version+1, now
		// A reminder day added today counts from today: one already passed
		// goes late only as a return's first reminder (domain.Return.NoticeOn).
		after = after.DateReminders(&before, domain.UKDate(now))
		moved := after.LastPeriodEnd != before.LastPeriodEnd
		if after.LastPeriodEnd.After(before.LastPeriodEnd) {
			gen = &Generation{ID: domain.NewID(), ProgrammeID: sc.programmeID, ScheduleID: id, StartedAt: now}
		}
		if moved {
			ch.Premises = []Premise{sc.scheduleWithinDates()}
		}
		shortened := after.LastPeriodEnd.Before(before.LastPeriodEnd)
		for plan := 1; ; plan++ {
			if plan > 1 && shortened {
				// The schedule's revision as it is now: returns written
				// since the last read moved it on (see the guard below).
				var cur domain.Schedule
				if rev, err = sc.getRev(ref, &cur, "schedule"); err != nil {
					return domain.Schedule{}, err
				}
				if cur.Version != before.Version {
					return domain.Schedule{}, stale()
				}
			}
			// Another schedule added meanwhile moves the setup on; that is
			// no change to this schedule, so plan again rather than refuse.
			// So does a return to remove that was filled meanwhile: read
			// again, it is refused as sent. So do returns of the schedule
			// written after its returns were read (a generation's, planned
			// on its old last period: CompleteGeneration), which move its
			// revision on: the change is guarded on the revision read
			// before the returns were, and plans again on a fresh list.
			setup, err := sc.setup()
			if err != nil {
				return domain.Schedule{}, err
			}
			var removed []domain.Return
			if shortened {
				if removed, err = sc.returnsAfter(before, after.LastPeriodEnd); err != nil {
					return domain.Schedule{}, err
				}
				ch.Guard = &Guard{Ref: ref, Rev: rev, Err: ErrChanged}
			}
			err = sc.asMember(ch, sc.mayManage("manage reporting schedules"), func(ch Change) error {
				return sc.s.store.UpdateSchedule(sc.ctx, sc.programmeID, before, after, setup.Seq, gen, removed, ch)
			})
			if errors.Is(err, ErrChanged) && plan >= maxPlans && shortened {
				return domain.Schedule{}, domain.Errorf(domain.CodeConflict, "the schedule's returns kept changing while its last period was being moved: "+
					"look at its returns again and retry")
			}
			if !errors.Is(err, ErrChanged) || plan >= maxPlans {
				if err == nil && moved {
					sc.wrote(nil, 1)
				}
				return after, storeErr(err, "schedule", nil)
			}
		}
	})
	if err != nil {
		return domain.Schedule{}, err
	}
	if !slices.Equal(first.Reminders, after.Reminders) {
		// Returns due within the reach of any reminder were placed in the
		// notifier's index by the old reminders: have it look at them
		// again today (best effort: the others are placed as they come).
		today := sc.today()
		sc.leftOver("rechecking reminders after a schedule change", sc.s.store.RecheckReturns(sc.ctx, sc.programmeID, id, nil,
			today.AddDays(-int(after.DueDays)), today.AddDays(domain.MaxReminderDays+1-int(after.DueDays)), today))
	}
	if gen != nil {
		sc.leftOver("writing the returns of a changed schedule", sc.s.CompleteGeneration(sc.ctx, *gen))
	}
	return after, nil
}

// maxRemovedReturns bounds the returns one change of a schedule's last
// period or of a project's dates removes: each is an item of the change's
// transaction, beside the counts it moves (DynamoDB takes 100 items a
// transaction). A schedule's are of one schedule and at most 40 projects,
// whose counts are an item each: with its own items (the schedule, the
// setup, the programme's premise, the caller's membership, the audit
// event, an edit form's claim) at most 87.
const maxRemovedReturns = 40

// maxTxItems is DynamoDB's bound on the items of one transaction.
const maxTxItems = 100

// maxProjectChangeItems are the items of a change of a project's dates
// besides the removal of its returns, at most: the project, the totals'
// copy of its name, its new and old name markers, the setup's sequence,
// a generation of newly covered periods' returns, the check of the
// caller's membership (asMember), the audit event and an edit form's
// idempotency claim (store.UpdateProject).
const maxProjectChangeItems = 9

// maxRemovedSchedules bounds the schedules whose returns one change of a
// project's dates removes: each adds two items to the change's
// transaction, the schedule's counts and the project's counts of it, so
// with maxRemovedReturns returns and the change's own items it holds at
// most 100 (25 schedules: TestProjectDatesRemovalWithinTheItemLimit).
const maxRemovedSchedules = (maxTxItems - maxProjectChangeItems - maxRemovedReturns) / 2

// returnsAfter are the returns of schedule s whose periods end after end,
// for its last period to move back to end: every one must be unsent (the
// figures sent for a period stay its return's), and no payment may wait
// on one. The projects s covers (those it names, or the programme's: one
// Query, every page), then one Query a project of its returns of s (the
// table's keys, by period start: end is the last day of a period, so
// the periods ending after it start after it; read consistently; sent
// together, every page) and, when there are returns to remove, one of
// the programme's payments.
//
// The list is read consistently, on the first plan as on every plan
// again, for the reason returnsOutside's is: the change is guarded on the
// schedule's dependents revision, read (consistently) before the list,
// which every write of its returns moves on, so a return written just
// before that read is within the guard and must be in the list. An index
// (GSI1 RETS#…, eventually consistent) may not show it yet, and the
// change would then commit, leaving that return owed after the schedule's
// last period for ever (TestScheduleShorteningReadsReturnsConsistently).
// The projects are read from the table too: a project made a moment
// before, whose returns were written since, is in the list.
func (sc *Scope) returnsAfter(s domain.Schedule, end domain.Date) ([]domain.Return, error) {
	projects := s.ProjectIDs
	if len(projects) == 0 {
		ps, err := all(func(p Page) ([]domain.Project, string, error) {
			return sc.s.store.ListProjects(sc.ctx, sc.programmeID, p)
		})
		if err != nil {
			return nil, err
		}
		for _, pr := range ps {
			projects = append(projects, pr.ID)
		}
	}
	if len(projects) == 0 {
		return nil, nil
	}
	f := ReturnFilter{ProjectIDs: projects, Starts: []StartRange{{ScheduleID: s.ID, From: end.AddDays(1)}}}
	listed, err := all(func(p Page) ([]domain.Return, string, error) {
		return sc.s.store.ListReturns(sc.ctx, sc.programmeID, f, p)
	})
	if err != nil {
		return nil, err
	}
	returns := listed[:0]
	for _, r := range listed {
		if r.PeriodEnd.After(end) {
			returns = append(returns, r)
		}
	}
	refuse := func(why string) error {
		return &domain.Error{Code: domain.CodeValidation, Message: "the schedule's last period cannot move back to " + end.String(),
			Fields: map[string]string{"lastPeriodEnd": why}}
	}
	var sent *domain.Return
	ids := map[string]domain.Return{}
	for i, r := range returns {
		if r.Sent() && (sent == nil || r.PeriodEnd.After(sent.PeriodEnd)) {
			sent = &returns[i]
		}
		ids[r.ID] = r
	}
	if sent != nil {
		return nil, refuse("must not be before " + sent.PeriodEnd.String() + ": figures were sent for the period " +
			sent.PeriodStart.String() + " to " + sent.PeriodEnd.String() + ", and a return something was sent for stays expected")
	}
	if len(returns) > maxRemovedReturns {
		// The earliest period end that removes few enough returns.
		byEnd := map[domain.Date]int{}
		for _, r := range returns {
			byEnd[r.PeriodEnd]++
		}
		ps := s.Periods()
		n, step := 0, s.LastPeriodEnd
		for i := len(ps) - 1; i > 0 && n+byEnd[ps[i].End] <= maxRemovedReturns; i-- {
			n += byEnd[ps[i].End]
			step = ps[i-1].End
		}
		if step == s.LastPeriodEnd {
			return nil, refuse("cannot move earlier: the last period alone expects " + strconv.Itoa(byEnd[s.LastPeriodEnd]) +
				" returns, and one change removes at most " + strconv.Itoa(maxRemovedReturns))
		}
		return nil, refuse("would remove " + strconv.Itoa(len(returns)) + " returns at once, and one change removes at most " +
			strconv.Itoa(maxRemovedReturns) + ": move it back in steps, first to " + step.String())
	}
	if len(returns) == 0 {
		return nil, nil
	}
	payments, err := all(sc.listPayments)
	if err != nil {
		return nil, err
	}
	for _, p := range payments {
		if r, ok := ids[p.Trigger.ReturnID]; ok && p.Status == domain.PaymentScheduled && p.Trigger.Kind == domain.TriggerReturn {
			return nil, refuse("must not be before " + r.PeriodEnd.String() + ": a payment of " + domain.Pounds(p.AmountPence) +
				" waits on the return for the period " + r.PeriodStart.String() + " to " + r.PeriodEnd.String() +
				"; cancel that payment first")
		}
	}
	return returns, nil
}

// projectReturns is what new dates of a project (before to after) do to
// its returns, nil when nothing: a schedule expects a return only for the
// periods the project runs during (domain.Schedule.ReturnFor), so dates
// that widen call for the returns of the periods newly covered (a
// generation of the project's, written after the change as a new
// project's are), and dates that narrow remove the returns of the periods
// no longer covered (returnsOutside), in the change's transaction. Either
// way the setup's sequence moves on, so a submission planned on the old
// dates plans again. One Query of the setup, and the returns' when the
// dates narrow.
func (sc *Scope) projectReturns(before, after domain.Project) (*ProjectReturns, error) {
	if before.StartDate == after.StartDate && before.EndDate == after.EndDate {
		return nil, nil
	}
	setup, err := sc.setup()
	if err != nil {
		return nil, err
	}
	var covering []domain.Schedule
	for _, s := range setup.Schedules {
		if s.Covers(after.ID) {
			covering = append(covering, s)
		}
	}
	if len(covering) == 0 {
		return nil, nil
	}
	rc := &ProjectReturns{Seq: setup.Seq}
	endsLater := !before.EndDate.IsZero() && (after.EndDate.IsZero() || after.EndDate.After(before.EndDate))
	if after.StartDate.Before(before.StartDate) || endsLater {
		ran := before
		rc.Gen = &Generation{ID: domain.NewID(), ProgrammeID: sc.programmeID, ProjectID: after.ID, StartedAt: sc.s.now(), Ran: &ran}
	}
	startsLater := after.StartDate.After(before.StartDate)
	endsEarlier := !after.EndDate.IsZero() && (before.EndDate.IsZero() || after.EndDate.Before(before.EndDate))
	if startsLater || endsEarlier {
		if rc.Removed, err = sc.returnsOutside(after, covering, startsLater, endsEarlier); err != nil {
			return nil, err
		}
	}
	return rc, nil
}

// projectDatesGuard guards a change of project id's dates on its
// dependents revision rev, as read before its returns were listed:
// returns written for the project since (a generation's, planned on its
// old dates: CompleteGeneration) moved the revision on, so the change,
// which did not see them, is refused (ErrChanged) and planned again on a
// fresh list, removing them too when they lie outside the new dates.
func projectDatesGuard(id string, rev int64) *Guard {
	return &Guard{Ref: domain.Ref(domain.EntityProject, id), Rev: rev, Err: ErrChanged}
}

// returnsOutside are the returns of project pr, of the schedules covering
// it, for periods it no longer runs during: those ending before its new
// start date (when it starts later) and those starting after its new end
// date (when it ends earlier). Like a schedule's last period moving back
// (returnsAfter), every one must be unsent (the figures sent for a period
// stay its return's), no payment may wait on one, and one change removes
// at most maxRemovedReturns, of at most maxRemovedSchedules schedules
// (tooManyRemoved); else the change is refused naming startDate
// or endDate and the date that would do. One Query a schedule and side
// of the project's returns (the table's keys, by period start, read
// consistently; sent together, every page) and, when there are returns to
// remove, one of the programme's payments.
//
// The list is read consistently, on the first plan as on every plan
// again, because nothing else makes up for a return it misses: the
// change is guarded on the project's dependents revision, which every
// write of its returns moves on, but that revision is read (consistently)
// before the list, so a return written just before that read is within
// the guard and must be in the list. An index (GSI2 RETP#…, eventually
// consistent) may not show it yet, and the change would then commit,
// leaving that return owed outside the project's dates for ever: most
// likely on a plan again, which follows just such a write
// (TestProjectDatesNarrowingReadsReturnsConsistently).
func (sc *Scope) returnsOutside(pr domain.Project, schedules []domain.Schedule, startsLater, endsEarlier bool) ([]domain.Return, error) {
	f := ReturnFilter{ProjectIDs: []string{pr.ID}}
	for _, s := range schedules {
		// By period start: a period ending before the new start begins
		// before it (those that begin before it and end on or after it
		// are read and kept, one a schedule at most); one starting after
		// the new end is exactly the range after it.
		if startsLater {
			f.Starts = append(f.Starts, StartRange{ScheduleID: s.ID, To: pr.StartDate})
		}
		if endsEarlier {
			f.Starts = append(f.Starts, StartRange{ScheduleID: s.ID, From: pr.EndDate.AddDays(1)})
		}
	}
	listed, err := all(func(p Page) ([]domain.Return, string, error) {
		return sc.s.store.ListReturns(sc.ctx, sc.programmeID, f, p)
	})
	if err != nil {
		return nil, err
	}
	// Before the start (by period end) and after the end (by period
	// start): a period ending after the new end may still begin by it.
	var before, after []domain.Return
	seen := map[string]bool{}
	for _, r := range listed {
		switch {
		case seen[r.ID]:
		case startsLater && r.PeriodEnd.Before(pr.StartDate):
			before = append(before, r)
		case endsEarlier && r.PeriodStart.After(pr.EndDate):
			after = append(after, r)
		}
		seen[r.ID] = true
	}
	// Nearest the dates the project keeps first: a date moving in steps
	// removes the furthest first, from the end of the list.
	slices.SortStableFunc(before, func(a, b domain.Return) int { return b.PeriodEnd.Time().Compare(a.PeriodEnd.Time()) })
	slices.SortStableFunc(after, func(a, b domain.Return) int { return a.PeriodStart.Time().Compare(b.PeriodStart.Time()) })
	type side struct {
		field, words string
		rs           []domain.Return
		// bound is the furthest the date may move and keep r's period.
		bound func(domain.Return) domain.Date
		of    string
	}
	sides := []side{
		{"startDate", "after", before, func(r domain.Return) domain.Date { return r.PeriodEnd }, "ending"},
		{"endDate", "before", after, func(r domain.Return) domain.Date { return r.PeriodStart }, "starting"},
	}
	// furthest is the last of rs (the furthest from the dates kept) that
	// holds, if any: the one whose period bounds the date.
	furthest := func(rs []domain.Return, holds func(domain.Return) bool) (domain.Return, bool) {
		for i := len(rs) - 1; i >= 0; i-- {
			if holds(rs[i]) {
				return rs[i], true
			}
		}
		return domain.Return{}, false
	}
	p := domain.Problems{}
	for _, sd := range sides {
		if r, ok := furthest(sd.rs, domain.Return.Sent); ok {
			p.Add(sd.field, "must not be "+sd.words+" "+sd.bound(r).String()+": figures were sent for the period "+
				r.PeriodStart.String()+" to "+r.PeriodEnd.String()+", so the project keeps its return")
			continue
		}
		if why := tooManyRemoved(sd.rs); why != "" {
			// The furthest date that removes few enough: the bound of the
			// nearest period it need not remove yet.
			n := len(sd.rs)
			step, last := sd.bound(sd.rs[n-removable(sd.rs)-1]), sd.bound(sd.rs[n-1])
			if step == last {
				p.Add(sd.field, why+", fewer than the periods "+sd.of+" on "+last.String()+" alone have")
			} else {
				p.Add(sd.field, why+": move it in steps, first to "+step.String())
			}
		}
	}
	removed := append(before, after...)
	if why := tooManyRemoved(removed); len(p) == 0 && why != "" {
		p.Add("endDate", "with the new start date, "+why+": change one date at a time")
	}
	if len(p) == 0 && len(removed) > 0 {
		payments, err := all(func(pg Page) ([]domain.Payment, string, error) {
			return sc.s.store.ListPayments(sc.ctx, sc.programmeID, "", pg)
		})
		if err != nil {
			return nil, err
		}
		waits := map[string]domain.Payment{}
		for _, py := range payments {
			if py.Status == domain.PaymentScheduled && py.Trigger.Kind == domain.TriggerReturn {
				waits[py.Trigger.ReturnID] = py
			}
		}
		for _, sd := range sides {
			if r, ok := furthest(sd.rs, func(r domain.Return) bool { _, ok := waits[r.ID]; return ok }); ok {
				p.Add(sd.field, "must not be "+sd.words+" "+sd.bound(r).String()+": a payment of "+domain.Pounds(waits[r.ID].AmountPence)+
					" waits on the return for the period "+r.PeriodStart.String()+" to "+r.PeriodEnd.String()+"; cancel that payment first")
			}
		}
	}
	if len(p) > 0 {
		return nil, &domain.Error{Code: domain.CodeValidation,
			Message: "the project's dates cannot change so: a return of a period outside them could not be removed", Fields: p}
	}
	return removed, nil
}

// tooManyRemoved says why one change of a project's dates cannot remove
// rs at once ("" when it can): more than maxRemovedReturns returns, or
// returns of more than maxRemovedSchedules schedules, would make its
// transaction more than DynamoDB takes.
func tooManyRemoved(rs []domain.Return) string {
	if n := len(rs); n > maxRemovedReturns {
		return "would remove " + strconv.Itoa(n) + " returns at once, and one change removes at most " + strconv.Itoa(maxRemovedReturns)
	}
	if k := removedSchedules(rs); k > maxRemovedSchedules {
		return "would remove returns of " + strconv.Itoa(k) + " schedules at once, and one change removes those of at most " +
			strconv.Itoa(maxRemovedSchedules) + " schedules"
	}
	return ""
}

// removedSchedules is how many schedules rs are returns of.
func removedSchedules(rs []domain.Return) int {
	seen := map[string]bool{}
	for _, r := range rs {
		seen[r.ScheduleID] = true
	}
	return len(seen)
}

// removable is how many of rs, from the end, one change removes at once
// (see tooManyRemoved).
func removable(rs []domain.Return) int {
	seen := map[string]bool{}
	for i := len(rs) - 1; i >= 0; i-- {
		seen[rs[i].ScheduleID] = true
		if len(rs)-i > maxRemovedReturns || len(seen) > maxRemovedSchedules {
			return len(rs) - 1 - i
		}
	}
	return len(rs)
}

// CompleteGeneration writes the returns a generation calls for that are
// not written yet, each in the state the submissions already made give it,
// and clears the generation. It is safe to run again, and beside
// submissions: a return written meanwhile (a submission fills a return of
// a new schedule by writing it) is left as it is. The API runs it after
// the change that records the generation; the notifier runs it for any a
// failure left behind.
//
// The returns are planned on the projects' dates and the schedules' last
// periods as read, and written only while those are still so (the
// premises CreateReturns takes): a project's dates or a schedule's last
// period changed meanwhile (two edits a moment apart, a widening's
// returns still being written when a narrowing lands) plans them again
// on the new ones, so no return is written for a period they no longer
// cover. The change landing second the other way (a narrowing planned on
// a list of returns from before these were written) is refused by its
// guard and plans again (projectDatesGuard).
func (s *Service) CompleteGeneration(ctx context.Context, g Generation) error {
	for plan := 1; ; plan++ {
		err := s.writeGeneration(ctx, g)
		if err == nil {
			break
		}
		if !errors.Is(err, ErrChanged) || plan >= maxPlans {
			return err
		}
	}
	return s.store.FinishGeneration(ctx, g.ProgrammeID, g.ID)
}

// writeGeneration is one plan of CompleteGeneration: the returns g calls
// for on fresh reads, written while what they were planned on stands
// (else ErrChanged).
func (s *Service) writeGeneration(ctx context.Context, g Generation) error {
	setup, err := s.store.ReportingSetup(ctx, g.ProgrammeID)
	if err != nil {
		return err
	}
	var schedules []domain.Schedule
	for _, sc := range setup.Schedules {
		if g.ScheduleID == "" || sc.ID == g.ScheduleID {
			schedules = append(schedules, sc)
		}
	}
	var projects []domain.Project
	if len(schedules) > 0 {
		if g.ProjectID != "" {
			var pr domain.Project
			get := &Get{Ref: domain.Ref(domain.EntityProject, g.ProjectID), Into: &pr}
			if err := s.store.Read(ctx, g.ProgrammeID, get); err != nil {
				return err
			}
			if get.Found {
				projects = append(projects, pr)
			}
		} else if projects, err = Every(MaxLimit, func(p Page) ([]domain.Project, string, error) {
			return s.store.ListProjects(ctx, g.ProgrammeID, p)
		}); err != nil {
			return err
		}
	}
	var returns []domain.Return
	for _, sc := range schedules {
		for _, r := range domain.ExpectedReturns(sc, projects, g.StartedAt) {
			if g.Ran == nil || !g.Ran.RunsDuring(domain.Period{Start: r.PeriodStart, End: r.PeriodEnd}) {
				returns = append(returns, r)
			}
		}
	}
	if len(returns) == 0 {
		return nil
	}
	outcomes, err := Every(MaxLimit, func(p Page) ([]domain.Outcome, string, error) {
		return s.store.ListOutcomes(ctx, g.ProgrammeID, g.ProjectID, OutcomeFilter{}, p)
	})
	if err != nil {
		return err
	}
	byProject := map[string][]domain.Outcome{}
	for _, o := range outcomes {
		byProject[o.ProjectID] = append(byProject[o.ProjectID], o)
	}
	planned := plannedOn(schedules, projects)
	filled := map[string]bool{}
	for i, r := range returns {
		var head *domain.Outcome
		returns[i], head = r.FilledFrom(byProject[r.ProjectID])
		if head != nil && !filled[head.ID] {
			filled[head.ID] = true
			planned = append(planned, filledFrom(*head))
		}
	}
	return s.store.CreateReturns(ctx, g.ProgrammeID, returns, planned...)
}

// filledFrom is the premise of returns filled from submission o: its
// status as read, as a dependent's premise, so that a review landing
// before the returns are written refuses them (planned again, they take
// the decision), and one planned on a read of the returns from before
// (a return not written yet is left alone) is refused by its guard on
// the submission's revision (ReviewOutcome) and planned again, finding
// them.
func filledFrom(o domain.Outcome) Premise {
	return Premise{Ref: domain.ProjectRef(domain.EntityOutcome, o.ProjectID, o.ID), Record: o,
		Fields: []string{"Status"}, Dependent: true, Err: ErrChanged}
}

// plannedOn are the premises of returns planned on schedules and
// projects as read (see ReportingStore.CreateReturns): each schedule's
// last period (the only part of its layout that may change) and each
// project's dates, as dependents' premises, so that a write of returns
// moves the revision a change of those guards on (projectDatesGuard,
// UpdateSchedule).
func plannedOn(schedules []domain.Schedule, projects []domain.Project) []Premise {
	out := make([]Premise, 0, len(schedules)+len(projects))
	for _, sc := range schedules {
		out = append(out, Premise{Ref: domain.Ref(domain.EntitySchedule, sc.ID), Record: sc,
			Fields: []string{"LastPeriodEnd"}, Dependent: true, Err: ErrChanged})
	}
	for _, pr := range projects {
		out = append(out, Premise{Ref: domain.Ref(domain.EntityProject, pr.ID), Record: pr,
			Fields: []string{"StartDate", "EndDate"}, Dependent: true, Err: ErrChanged})
	}
	return out
}

// ReturnQuery is what a list of returns asks for: a status, a project, a
// schedule, each optional.
type ReturnQuery struct {
	Status     domain.ReturnStatus
	ProjectID  string
	ScheduleID string
	// Correction narrows to the accepted returns whose newest correction
	// has this status; only changes-requested (sent back) is listed by
	// index, and only to those who may see corrections (leads, and a
	// project's project leads): the API's ?correction=.
	Correction domain.OutcomeStatus
	// ToSend lists what the project's leads have to send or correct: the
	// returns open and overdue, those sent back for changes and the
	// accepted ones whose correction was sent back (the web app's "your
	// returns to send"), in one read; not with Status or Correction, and,
	// like Correction, only of projects the caller writes to.
	ToSend bool
	// PeriodEnds narrows to returns whose periods end in [From, To) (the
	// web app's grid of periods); either may be zero.
	From, To domain.Date
	// Blank names the filters the request gave with no value (the API's
	// "?status="): refused, naming each, once the caller is known to be
	// a member, rather than read as no filter and answered with every
	// return. The web app's forms send "" for "all" and leave this out.
	Blank []string
	// FromRequest says ProjectID came from the caller (the API's query),
	// not from a record just read (the web app's pages): it is then read
	// in the access check, and one that names none of the programme's
	// projects is refused, naming projectId, rather than answered with no
	// returns as if none were expected of it. A ScheduleID is always
	// checked against the schedules the filtered list reads anyway.
	FromRequest bool
}

// blankReturnFilter is what each of a list's filters, given empty, is told.
var blankReturnFilter = map[string]string{
	"status":     "must not be empty: one of upcoming, open, overdue, submitted, changes-requested, accepted, or leave status out for returns of every status",
	"projectId":  "must not be empty: the id of one of the programme's projects, or leave projectId out for every project's returns you may read",
	"scheduleId": "must not be empty: the id of one of the programme's schedules, or leave scheduleId out for every schedule's returns",
	"correction": `must not be empty: "changes-requested", or leave correction out`,
}

// Validate checks a list's query parameters, naming each bad one.
func (q ReturnQuery) Validate() error {
	p := domain.Problems{}
	for _, name := range q.Blank {
		if why, ok := blankReturnFilter[name]; ok {
			p.Add(name, why)
		} else {
			p.Add(name, "must not be empty")
		}
	}
	if q.Status != "" && !domain.ValidReturnStatus(q.Status) {
		p.Add("status", "must be one of upcoming, open, overdue, submitted, changes-requested, accepted")
	}
	switch {
	case q.Correction == "":
	case q.Correction != domain.OutcomeChangesRequested:
		p.Add("correction", `must be "changes-requested" (accepted returns whose correction was sent back); corrections awaiting review are in the review queue, GET …/outcomes/pending`)
	case q.Status != "" && q.Status != domain.ReturnAccepted:
		p.Add("correction", "only an accepted return has a correction under way: leave status out, or ask for accepted")
	}
	if q.ToSend && (q.Status != "" || q.Correction != "") {
		p.Add("status", "the returns to send are a list of their own: ask for them without a status or correction")
	}
	// Told as an id of no project or schedule of the programme is (by
	// ListReturns), another programme's included.
	if q.ProjectID != "" && !domain.ValidID(q.ProjectID) {
		p.Add("projectId", domain.ProblemNotFoundRef)
	}
	if q.ScheduleID != "" && !domain.ValidID(q.ScheduleID) {
		p.Add("scheduleId", domain.ProblemNotFoundRef)
	}
	return p.Err()
}

// Return returns one return the caller may read: leads and funders every
// return (funders its status and approved figures only), a project lead
// its own project's.
func (sc *Scope) Return(id string) (domain.Return, error) {
	var r domain.Return
	g := &Get{Ref: domain.Ref(domain.EntityReturn, id), Into: &r}
	if _, _, _, ok := domain.ParseReturnID(id); !ok {
		g = nil // not a return's id: nothing to read but the access
	}
	var gets []*Get
	if g != nil {
		gets = append(gets, g) // the return rides in the access read
	}
	if err := sc.load(gets...); err != nil {
		return r, err
	}
	if g == nil || !g.Found || !sc.access.CanReadProject(r.ProjectID) {
		return domain.Return{}, domain.NotFound("return")
	}
	return r.View(sc.today(), sc.funderOnly(r.ProjectID)), nil
}

// funderOnly reports whether the caller reads a project's records only as
// a funder: then they see approved figures only.
func (sc *Scope) funderOnly(projectID string) bool {
	return !sc.access.CanWriteProject(projectID)
}

// ListReturns lists the returns the caller may read that q asks for, a
// page at a time: each status is a range of an index, one Query a schedule
// (and project), so a page costs a bounded number of requests whatever
// the history. A project lead lists its own project's returns.
func (sc *Scope) ListReturns(q ReturnQuery, p Page) ([]domain.Return, string, error) {
	var setup ReportingSetup
	needSetup := q.Status != "" || q.Correction != "" || q.ToSend || q.ScheduleID != "" || !q.From.IsZero() || !q.To.IsZero()
	// Beside the access check goes the setup a filtered list needs, or an
	// unfiltered list as a lead or funder reads it (a project lead's is
	// its own projects' and is read after): one round trip for the
	// commonest lists.
	var items []domain.Return
	var next string
	var speculative, specErr error
	var gets []*Get
	project := &Get{Ref: domain.Ref(domain.EntityProject, q.ProjectID)}
	if q.FromRequest && q.ProjectID != "" && domain.ValidID(q.ProjectID) {
		gets = append(gets, project) // rides in the access check's read
	}
	if err := sc.beside(func() (err error) {
		switch {
		case needSetup:
			setup, err = sc.s.store.ReportingSetup(sc.ctx, sc.programmeID)
		case q.Validate() == nil:
			f := ReturnFilter{}
			if q.ProjectID != "" {
				f.ProjectIDs = []string{q.ProjectID}
			}
			items, next, specErr = sc.s.store.ListReturns(sc.ctx, sc.programmeID, f, p)
			speculative = errors.New("read")
		}
		return err
	}, func() error { return sc.load(gets...) }); err != nil {
		return nil, "", err
	}
	if err := q.Validate(); err != nil {
		return nil, "", err
	}
	missing := domain.Problems{}
	if len(gets) > 0 && !project.Found {
		missing.Add("projectId", domain.ProblemNotFoundRef)
	}
	if q.ScheduleID != "" && !slices.ContainsFunc(setup.Schedules, func(s domain.Schedule) bool { return s.ID == q.ScheduleID }) {
		missing.Add("scheduleId", domain.ProblemNotFoundRef)
	}
	if err := missing.Err(); err != nil {
		return nil, "", err
	}
	everyProject := sc.access.SeesEveryReturn()
	var f ReturnFilter
	switch {
	case q.Correction != "" || q.ToSend:
		ids, err := sc.correctionProjects(q.ProjectID)
		if err != nil {
			return nil, "", err
		}
		f.ProjectIDs = ids
	case everyProject:
		if q.ProjectID != "" {
			f.ProjectIDs = []string{q.ProjectID}
		}
	case q.ProjectID != "":
		if !sc.access.Projects[q.ProjectID] {
			return nil, "", errProjectRecordsHidden
		}
		f.ProjectIDs = []string{q.ProjectID}
	default:
		for id := range sc.access.Projects {
			f.ProjectIDs = append(f.ProjectIDs, id)
		}
		slices.Sort(f.ProjectIDs)
	}
	if needSetup {
		today := sc.today()
		for _, s := range setup.Schedules {
			if q.ScheduleID != "" && s.ID != q.ScheduleID {
				continue
			}
			for _, rg := range q.ranges(s, today) {
				if !rg.From.IsZero() && !rg.To.IsZero() && !rg.From.Before(rg.To) {
					continue // no period end can be in an empty range
				}
				f.Ranges = append(f.Ranges, rg)
			}
		}
		if len(f.Ranges) == 0 {
			return []domain.Return{}, "", nil // no schedule, or none in the range: nothing is expected
		}
	}
	if speculative == nil || !(everyProject || q.ProjectID != "") {
		var err error
		items, next, err = sc.s.store.ListReturns(sc.ctx, sc.programmeID, f, p)
		if err != nil {
			return nil, "", storeErr(err, "", nil)
		}
	} else if specErr != nil {
		return nil, "", storeErr(specErr, "", nil)
	}
	today := sc.today()
	for i, r := range items {
		items[i] = r.View(today, sc.funderOnly(r.ProjectID))
	}
	return items, next, nil
}

// ranges are the parts of schedule s that the query reads on day today:
// a range of period ends of one list each.
func (q ReturnQuery) ranges(s domain.Schedule, today domain.Date) []ReturnRange {
	in := func(list domain.ReturnList, from, to domain.Date) ReturnRange {
		return ReturnRange{ScheduleID: s.ID, List: list, From: from, To: to}
	}
	var out []ReturnRange
	switch {
	case q.ToSend:
		// Open or overdue: not sent, period over (it ends before today).
		to := q.To
		if to.IsZero() || today.Before(to) {
			to = today
		}
		out = append(out, in(domain.ListExpected, q.From, to), in(domain.ListChangesRequested, q.From, q.To),
			in(domain.ListCorrectionSentBack, q.From, q.To))
	case q.Correction != "":
		out = append(out, in(domain.ListCorrectionSentBack, q.From, q.To))
	case q.Status != "":
		from, to := narrow(q.From, q.To, q.Status, today, s.DueDays)
		for _, list := range q.Status.Lists() {
			out = append(out, in(list, from, to))
		}
	default:
		for _, list := range domain.ReturnLists {
			out = append(out, in(list, q.From, q.To))
		}
	}
	return out
}

// errCorrectionsHidden refuses a list of corrections under way to a
// caller who reads the project's returns only as a funder.
var errCorrectionsHidden = domain.Errorf(domain.CodeForbidden,
	"only leads and a project's project leads see its corrections under way: funders see approved figures only")

// correctionProjects are the projects a list that shows corrections under
// way (Correction, ToSend) reads: projectID, which the caller must write
// to; else every project for a lead (nil), a project lead's own.
func (sc *Scope) correctionProjects(projectID string) ([]string, error) {
	switch {
	case projectID != "" && sc.access.CanWriteProject(projectID):
		return []string{projectID}, nil
	case projectID != "" && sc.access.CanReadProject(projectID):
		return nil, errCorrectionsHidden
	case projectID != "":
		return nil, errProjectRecordsHidden
	case sc.access.CanManage():
		return nil, nil
	case len(sc.access.Projects) == 0:
		return nil, errCorrectionsHidden
	}
	ids := slices.Sorted(maps.Keys(sc.access.Projects))
	return ids, nil
}

// narrow intersects [from, to) with the period ends a status covers.
func narrow(from, to domain.Date, st domain.ReturnStatus, today domain.Date, dueDays int64) (domain.Date, domain.Date) {
	sf, stt := st.PeriodEnds(today, dueDays)
	if !sf.IsZero() && (from.IsZero() || sf.After(from)) {
		from = sf
	}
	if !stt.IsZero() && (to.IsZero() || stt.Before(to)) {
		to = stt
	}
	return from, to
}

// generationFor is the generation a new project calls for: the returns
// the schedules covering every project expect of it, if any does for a
// period the project runs during.
func generationFor(setup ReportingSetup, programmeID string, pr domain.Project, now time.Time) *Generation {
	for _, s := range setup.Schedules {
		if len(s.ProjectIDs) == 0 && slices.ContainsFunc(s.Periods(), pr.RunsDuring) {
			return &Generation{ID: domain.NewID(), ProgrammeID: programmeID, ProjectID: pr.ID, StartedAt: now}
		}
	}
	return nil
}
