package notify

import (
	"context"
	"slices"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// The reporting cycle's emails. Reminders and overdue notices are found
// through the index of returns not yet sent, keyed by the day the notifier
// must next look at each (Reporting.DueReturns), so a run reads the returns
// due a look and no others. Each notice has a fixed id, claimed before it
// is sent, so it goes at most once however runs overlap or repeat. The
// emails about submissions (awaiting review, changes requested) are
// claimed by the submission or review itself, in its own transaction; the
// run only sends them.

// GenerationGrace is how long a generation of returns may run in its
// request before a run takes it for abandoned and finishes it: longer
// than any request lives.
const GenerationGrace = time.Minute

// returns looks at every return due a look today.
func (r *run) returns(ctx context.Context) error {
	return r.eachShard(ctx, r.returnsShard)
}

func (r *run) returnsShard(ctx context.Context, shard int) error {
	today := domain.UKDate(r.start)
	p := service.Page{Limit: service.MaxLimit}
	for {
		due, next, err := r.Store.DueReturns(ctx, shard, today, p)
		if err != nil {
			return err
		}
		read := r.tick()
		for _, d := range due {
			r.count(func(rep *Report) { rep.ReturnsDue++ })
			if err := r.lookAt(ctx, d, today, read); err != nil {
				return err
			}
		}
		if next == "" {
			return nil
		}
		p.Cursor = next
	}
}

// lookAt claims the notice a return calls for today, if any, then moves
// it to the next day it must be looked at (or out of the index). A run
// that dies in between leaves the return where it was: the next run looks
// again, and the notice's fixed id keeps it from going twice. read is the
// run's tick once the index page d came in was read.
//
// A notice that finds nobody to tell waits for the next day; one a
// recheck put in line (someone made its project's lead) would be lost so
// if the run had read the members before that change. The recheck is
// written only after the change commits, so members read (consistently)
// after the page that shows it see the new lead: the run reads them again
// unless it read them after that page (membersRead > read). A recheck it
// did not see moves the entry again, so the run's conditional move of it
// fails and the next run looks.
func (r *run) lookAt(ctx context.Context, d service.DueReturn, today domain.Date, read int64) error {
	pd, err := r.load(ctx, d.ProgrammeID)
	if err != nil {
		return err
	}
	sched, ok, err := r.schedule(ctx, pd, d.Return.ScheduleID)
	if err != nil {
		return err
	}
	if !ok {
		return r.Store.RescheduleReturn(ctx, d, domain.Date{}) // its schedule is gone
	}
	if d.Return.PeriodEnd.After(sched.LastPeriodEnd) {
		// Removed with the schedule's last periods, which takes it out of
		// the index in the same transaction: an index read a moment
		// behind. Nothing to tell, nothing to move.
		return nil
	}
	ret := d.Return
	if notice, ok := ret.NoticeOn(sched, today); ok {
		if err := r.details(ctx, pd); err != nil {
			return err
		}
		note := domain.Notification{ID: domain.ReturnNotificationID(ret.ID, notice), Kind: notice.Kind, Status: domain.NotificationPending,
			ReturnID: ret.ID, ProjectID: ret.ProjectID, PeriodStart: ret.PeriodStart, PeriodEnd: ret.PeriodEnd, DueDate: ret.DueDate,
			CreatedAt: r.stamp(), ProgrammeID: d.ProgrammeID, On: today,
			Recipients: r.reportingRecipients(pd, domain.Notification{Kind: notice.Kind, ProjectID: ret.ProjectID})}
		if notice.Kind == domain.KindReminder {
			days := notice.Reminder
			note.Reminder = &days
		}
		if len(note.Recipients) == 0 && d.Rechecked && pd.membersRead < read {
			if err := r.readMembers(ctx, pd); err != nil {
				return err
			}
			note.Recipients = r.reportingRecipients(pd, domain.Notification{Kind: notice.Kind, ProjectID: ret.ProjectID})
		}
		if len(note.Recipients) == 0 {
			// Nobody leads the project yet: nothing is claimed, and the
			// return is looked at again tomorrow, while its notice is still
			// due, in case someone is made its project lead by then.
			return r.Store.RescheduleReturn(ctx, d, ret.NextCheckUntold(sched, today))
		}
		claimed, err := r.Store.ClaimNotification(ctx, note)
		if err != nil {
			return err
		}
		if claimed {
			r.count(func(rep *Report) { rep.Claimed++ })
		}
	}
	return r.Store.RescheduleReturn(ctx, d, ret.NextCheck(sched, today))
}

// schedule reads a schedule once a run.
func (r *run) schedule(ctx context.Context, pd *programmeData, id string) (domain.Schedule, bool, error) {
	pd.mu.Lock()
	s, ok := pd.schedules[id]
	pd.mu.Unlock()
	if ok {
		return s, true, nil
	}
	s, found, err := r.Store.Schedule(ctx, pd.programme.ID, id)
	if err != nil || !found {
		return s, found, err
	}
	pd.mu.Lock()
	if pd.schedules == nil {
		pd.schedules = map[string]domain.Schedule{}
	}
	pd.schedules[id] = s
	pd.mu.Unlock()
	return s, true, nil
}

// generations finishes the returns a failed request left unwritten: those
// of a schedule (or a project) whose request died after recording it.
func (r *run) generations(ctx context.Context) error {
	svc := service.New(r.Store, r.now).WithLogger(r.log()) // its writes dated as they are made, like the run's
	return r.eachShard(ctx, func(ctx context.Context, shard int) error { return r.generationsShard(ctx, svc, shard) })
}

func (r *run) generationsShard(ctx context.Context, svc *service.Service, shard int) error {
	p := service.Page{Limit: service.MaxLimit}
	for {
		gens, next, err := r.Store.Generations(ctx, shard, r.start.Add(-GenerationGrace), p)
		if err != nil {
			return err
		}
		for _, g := range gens {
			if err := svc.CompleteGeneration(ctx, g); err != nil {
				return err
			}
			r.count(func(rep *Report) { rep.GenerationsFinished++ })
		}
		if next == "" {
			return nil
		}
		p.Cursor = next
	}
}

// reportingRecipients are who a submission's email goes to, as the roles
// stand when it is sent: the programme's leads for one awaiting review
// (but the lead who sent it, who is not asked to review their own
// figures: domain.Notification.SentBy), the project's leads for changes
// requested.
func (r *run) reportingRecipients(pd *programmeData, n domain.Notification) []string {
	var to []string
	if n.Kind == domain.KindAwaitingReview {
		to = slices.DeleteFunc(slices.Clone(pd.leads), func(a string) bool { return n.SentBy != "" && domain.NormaliseEmail(a) == n.SentBy })
	} else {
		to = slices.Clone(pd.projectLeads[n.ProjectID])
	}
	slices.Sort(to)
	return slices.Compact(to)
}
