// Package notify is fundtrack's notifier: on each scheduled run it records,
// each at most once ever, the targets' milestones (for programmes whose
// figures changed, and targets whose time-driven check is due), the
// reporting cycle's return reminders and overdue notices (reporting.go),
// and the payments whose trigger has fired, made due (payments.go); it
// finishes the returns a failed request left unwritten, and emails every
// notification pending, the submissions' review emails included, retrying
// passing failures on later runs.
package notify

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/email"
	"github.com/fundtrack/fundtrack/shared/service"
)

// Actor is who the audit trail says recorded and sent the notifier's
// emails and made payments due.
var Actor = domain.NotifierCaller

// GiveUpAfter bounds retries of a notification that keeps failing for
// passing reasons (SES throttling, a quota, the account's sending paused,
// a 5xx, SES unreachable): a run that leases one recorded longer ago than
// this, whose last try failed so, marks it failed for the recipients who
// have not had it, naming the last failure, rather than retry it for
// ever. Three days outlast SES's daily sending quota (a 24-hour window)
// and a weekend's wait for an operator to resume paused sending. Time, not
// a count of tries, bounds it: runs that stop sending at throttling (see
// email.StopsSending) try few emails each, and overlapping runs each
// lease.
const GiveUpAfter = 72 * time.Hour

// SendMargin is the time a run must have left (its context's deadline:
// the Lambda function's timeout) to start sending another email. Below
// it, the run claims no more recipients and leases no more notifications,
// leaving them to the next run, so the function's timeout never cuts off
// an email in flight (whose recipient would then never be emailed: it
// may have gone, so it is not sent again). It is more than SendTimeout
// with the writes around a send.
const SendMargin = 30 * time.Second

// SendTimeout bounds one SendEmail call (SES answers in well under a
// second). A call that times out after its request went is not known to
// have been delivered, and is not sent again.
const SendTimeout = 15 * time.Second

// MaxRereads bounds how often one try of an email reads the programme's
// funders and members again because a recipient's claim found what made
// them one changed since the run read it (see post). Each is a change
// someone made to those people meanwhile; past it, the email is left to
// the next run.
const MaxRereads = 3

// Notifier runs notifier passes.
type Notifier struct {
	Store  Storage
	Email  email.Sender
	Now    func() time.Time
	Logger *slog.Logger
	// Lease is how long one run may hold a notification while sending;
	// longer than the function's timeout, so a live run is never overtaken.
	Lease time.Duration
	// Links make the web app's addresses the emails link to.
	Links Links
	// Margin is SendMargin unless set (tests shorten it).
	Margin time.Duration
}

// Report says what one run did.
type Report struct {
	ProgrammesChanged int `json:"programmesChanged"`
	TargetsRead       int `json:"targetsRead"`
	TargetsDue        int `json:"targetsDue"`
	Claimed           int `json:"claimed"`
	Emails            int `json:"emails"`
	Sent              int `json:"sent"`
	Failed            int `json:"failed"`
	Retrying          int `json:"retrying"`
	// ReturnsDue are the returns the run looked at (found through the
	// index of returns not yet sent, by day); GenerationsFinished the
	// schedules' or projects' returns a failed request left unwritten.
	ReturnsDue          int `json:"returnsDue"`
	GenerationsFinished int `json:"generationsFinished"`
	// PaymentsDue are the payments this run made due (each with its email).
	PaymentsDue int `json:"paymentsDue"`
	// Readdressed are the emails whose recipients this run brought up to
	// who holds the roles they go to, before sending them: someone had
	// left those roles, or joined them, since they were recorded.
	Readdressed int `json:"readdressed"`
	// Reread are the times a recipient's claim was refused because what
	// made them a recipient (a funder's contacts, their roles) had changed
	// since the run read it, so the run read the programme's funders and
	// members again, and brought the email's recipients up to them,
	// before claiming anyone more (see post).
	Reread int `json:"reread"`
	// NotNeeded are the emails settled, with no more sent, because what
	// they asked for was done first (a submission reviewed before its
	// awaiting-review email went, a payment paid or cancelled before its
	// payment-due email went): withdrawn when nobody had them.
	NotNeeded int `json:"notNeeded"`
	// Covered are the emails recorded sent inside another: a programme's
	// submissions awaiting review listed in the one email to each lead
	// (whose carrier counts in Sent).
	Covered int `json:"covered"`
	// MissedWaiting are the targets whose "missed" email this run held
	// back: figures for their window await review that, approved, could
	// still reach them (see missedWaits). Each is looked at again, each
	// day, for at most domain.MissedReviewHold days.
	MissedWaiting int `json:"missedWaiting"`
	// StoppedSending is 1 when the run stopped sending early, leaving the
	// rest to the next run: SES throttled it, refused it for a reason of
	// the account's (sending paused) or could not be reached, or the
	// run's deadline was near (SendMargin).
	StoppedSending int `json:"stoppedSending"`
}

func (n *Notifier) now() time.Time {
	if n.Now != nil {
		return n.Now().UTC()
	}
	return time.Now().UTC()
}

func (n *Notifier) log() *slog.Logger {
	if n.Logger != nil {
		return n.Logger
	}
	return slog.Default()
}

// run is the state of one pass: what has been read, so each programme's
// records are read once however many of its targets need them. Not its
// figures: each decision reads those afresh (see currents).
type run struct {
	*Notifier
	// start is when the run began. Its date is the run's today, by which
	// what is due is judged, the same for the whole run; writes are dated
	// by stamp instead.
	start time.Time

	mu         sync.Mutex // guards report and programmes: changed programmes are visited in parallel
	report     Report
	programmes map[string]*programmeData

	// halted is set once the run stops sending (see stopping): every
	// shard then leases and claims no more.
	halted atomic.Bool

	// seq orders the run's own reads (tick): a programme's members read
	// after a page of the returns' index was read are as new as any
	// change that page shows (see lookAt).
	seq atomic.Int64
}

// stopping reports whether the run must send no more: SES answered that
// every email would fail now (halted), or ctx's deadline is nearer than
// the margin, so a send started now could be cut off in flight. The
// deadline is the real clock's, whatever Now says.
func (r *run) stopping(ctx context.Context) bool {
	if r.halted.Load() {
		return true
	}
	margin := r.Margin
	if margin <= 0 {
		margin = SendMargin
	}
	if d, ok := ctx.Deadline(); ok && time.Until(d) < margin {
		r.halt("its deadline is near", nil)
		return true
	}
	return ctx.Err() != nil
}

// halt stops the run's sending, once, saying why.
func (r *run) halt(why string, err error) {
	if r.halted.Swap(true) {
		return
	}
	r.count(func(rep *Report) { rep.StoppedSending = 1 })
	r.log().Warn("notifier stops sending; the next run carries on", "why", why, "err", err)
}

// tick is the next step of the run's reads, in the order this process
// made them.
func (r *run) tick() int64 { return r.seq.Add(1) }

// stamp is the time of a write: the clock as the write is made, to the
// millisecond as the API writes, not the run's start. A run may last
// minutes, and a payment created meanwhile must not show the notifier's
// change (or its email's sending) dated before it existed.
func (r *run) stamp() time.Time { return r.now().Truncate(time.Millisecond) }

// count adds to the run's report.
func (r *run) count(f func(*Report)) {
	r.mu.Lock()
	f(&r.report)
	r.mu.Unlock()
}

// Workers bounds how many changed programmes one run visits at once: each
// visit is a few sequential round trips, so a run with thousands of changed
// programmes would otherwise approach the function's timeout.
const Workers = 8

type programmeData struct {
	programme domain.Programme
	mu        sync.Mutex // guards grace: due targets and changed programmes may share it
	// Read only when a milestone needs them (recipients, names), so a
	// changed programme whose targets call for nothing costs two requests.
	detailed     bool
	funders      map[string]domain.Funder
	projects     map[string]domain.Project
	leads        []string
	projectLeads map[string][]string // by project
	// members are the programme's members as read, by email: a lead's or
	// project lead's claim is premised on their roles as read.
	members map[string]domain.Member
	// membersRead is the run's tick just before the members were read.
	membersRead int64
	// schedules are read when a return of theirs is due, once a run.
	schedules map[string]domain.Schedule
	// grace (domain.MissedGrace) is read once a run, when a target past
	// its deadline needs it.
	grace     int64
	graceRead bool
}

// Run makes one pass. It is safe to run concurrently with itself and to
// repeat: claims and leases in the store decide who sends what.
func (n *Notifier) Run(ctx context.Context) (Report, error) {
	r := &run{Notifier: n, start: n.now(), programmes: map[string]*programmeData{}}
	err := errors.Join(r.changed(ctx), r.due(ctx), r.returns(ctx), r.generations(ctx), r.duePayments(ctx))
	// Send even if finding milestones failed part way: what was claimed stands.
	err = errors.Join(err, r.send(ctx))
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.report, err
}

// changed visits programmes whose figures changed since the last run. The
// changed-programme index is spread over service.Shards partitions: one
// reader a shard pages through it, all at once, and Workers visit what
// they find, whichever shard it came from.
func (r *run) changed(ctx context.Context) error {
	work := make(chan service.DirtyProgramme)
	readErrs := make([]error, service.Shards)
	var readers sync.WaitGroup
	for shard := range service.Shards {
		readers.Add(1)
		go func() {
			defer readers.Done()
			readErrs[shard] = r.readShard(ctx, shard, work)
		}()
	}
	go func() {
		readers.Wait()
		close(work)
	}()
	workErrs := make([]error, Workers)
	var workers sync.WaitGroup
	for w := range Workers {
		workers.Add(1)
		go func() {
			defer workers.Done()
			for d := range work {
				r.count(func(rep *Report) { rep.ProgrammesChanged++ })
				if err := r.checkProgramme(ctx, d); err != nil {
					workErrs[w] = errors.Join(workErrs[w], err)
				}
			}
		}()
	}
	workers.Wait()
	return errors.Join(append(readErrs, workErrs...)...)
}

// readShard sends every programme in one shard of the changed-programme
// index to work, a page at a time. Each programme is visited by one
// worker; claims and the marker's conditional clear keep concurrent work
// (overlapping runs) exact.
func (r *run) readShard(ctx context.Context, shard int, work chan<- service.DirtyProgramme) error {
	p := service.Page{Limit: service.MaxLimit}
	for {
		dirty, next, err := r.Store.DirtyProgrammes(ctx, shard, p)
		if err != nil {
			return err
		}
		for _, d := range dirty {
			select {
			case work <- d:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		if next == "" {
			return nil
		}
		p.Cursor = next
	}
}

func (r *run) checkProgramme(ctx context.Context, d service.DirtyProgramme) error {
	pd, err := r.load(ctx, d.ProgrammeID)
	if err != nil {
		return err
	}
	targets, err := service.All(ctx, r.Store.ListTargets, d.ProgrammeID)
	if err != nil {
		return err
	}
	r.count(func(rep *Report) { rep.TargetsRead += len(targets) })
	read := r.currents
	if d.PaymentsWaiting > 0 {
		// A payment on a target may fall due on these figures: read
		// with their version, which its FallDue is conditioned on.
		read = r.currentsAsOf
	}
	fig, err := read(ctx, pd, targets)
	if err != nil {
		return err
	}
	fig, holds, err := r.missedWaits(ctx, pd, targets, fig)
	if err != nil {
		return err
	}
	tomorrow := domain.UKDate(r.start).AddDays(1)
	for _, t := range targets {
		if err := r.claimMilestones(ctx, pd, t, fig, holds[t.ID]); err != nil {
			return err
		}
		if holds[t.ID].waits && !dueBy(t, tomorrow) {
			// A "missed" held back here must be looked at again once the
			// figures are reviewed: an approval marks the programme
			// changed, but a request for changes (or a submission sent
			// back) marks nothing, and a target recorded long after its
			// deadline, or told nothing on its notice day, is no longer
			// in the due index (Target.NextCheck). So it is put there for
			// tomorrow (one request, only while it waits and is not
			// there by then already: dueBy), where dueTargets keeps it a
			// day at a time until "missed" is decided.
			if err := r.Store.WakeTarget(ctx, pd.programme.ID, t.ID, tomorrow); err != nil {
				return err
			}
		}
	}
	if err := r.waitingPayments(ctx, pd, d, targets, fig); err != nil {
		return err
	}
	// Only now, with every milestone claimed and every payment it calls
	// for made due, may the marker go: a run that dies before this leaves
	// it for the next run.
	return r.Store.ClearDirty(ctx, d.ProgrammeID, d.Changes)
}

// dueBy says the target, as listed, sits in the due index on or before
// day, so that waking it for day (WakeTarget) would write nothing: a held
// target due by tomorrow already (dueTargets held it yesterday or today,
// or its change put it back in the index) costs no request on a day its
// programme changes.
//
// Skipping the wake on the listing is as safe as sending it. The listing
// is a strongly consistent read of the target's item, and WakeTarget
// would have written nothing at that moment, so skipping it is as if the
// wake had been sent then. Since then only two writes move a target
// later in the index or out of it, and neither loses "missed". A change
// of the target (UpdateTarget, which may take it out) marks the programme
// changed, so ClearDirty below is refused and the next run lists the
// target again, and wakes it if it still waits and is not due. A due
// pass of an overlapping run (RescheduleTarget, only from where that pass
// read it) moves a target it judged itself, on figures it read: one whose
// "missed" still waits to the next day, one that no longer waits to the
// day "missed" may go (MissedNoticeDate), or out once that look decided
// it. A target not in the index (DueOn zero, as any read but the lists
// leaves it), or there only after day, is woken as before.
func dueBy(t domain.Target, day domain.Date) bool {
	return !t.DueOn.IsZero() && !t.DueOn.After(day)
}

// eachShard runs each for every shard of the notifier's indexes at once
// and waits for them all. A shard holds whole programmes (service.ShardOf),
// so one programme's work stays in order while the shards, on the day
// after a shared deadline each with thousands of entries, go in parallel.
func (r *run) eachShard(ctx context.Context, each func(ctx context.Context, shard int) error) error {
	errs := make([]error, service.Shards)
	var wg sync.WaitGroup
	for shard := range service.Shards {
		wg.Go(func() { errs[shard] = each(ctx, shard) })
	}
	wg.Wait()
	return errors.Join(errs...)
}

// due visits targets whose time-driven check (quarter mark, weekly, day
// after the deadline) has come.
func (r *run) due(ctx context.Context) error {
	return r.eachShard(ctx, r.dueShard)
}

// dueShard visits a shard's due targets a page at a time: the due
// targets of one programme on a page are judged together, on one read of
// their figures made just before (currents).
func (r *run) dueShard(ctx context.Context, shard int) error {
	today := domain.UKDate(r.start)
	p := service.Page{Limit: service.MaxLimit}
	for {
		due, next, err := r.Store.DueTargets(ctx, shard, today, p)
		if err != nil {
			return err
		}
		var order []string // programmes, as the page first names them
		byProgramme := map[string][]service.DueTarget{}
		for _, d := range due {
			if byProgramme[d.ProgrammeID] == nil {
				order = append(order, d.ProgrammeID)
			}
			byProgramme[d.ProgrammeID] = append(byProgramme[d.ProgrammeID], d)
		}
		for _, id := range order {
			if err := r.dueTargets(ctx, byProgramme[id], today); err != nil {
				return err
			}
		}
		if next == "" {
			return nil
		}
		p.Cursor = next
	}
}

// dueTargets looks at one programme's targets whose time-driven check has
// come (due), on one read of their figures, and sets each one's next.
func (r *run) dueTargets(ctx context.Context, due []service.DueTarget, today domain.Date) error {
	pd, err := r.load(ctx, due[0].ProgrammeID)
	if err != nil {
		return err
	}
	targets := make([]domain.Target, len(due))
	for i, d := range due {
		targets[i] = d.Target
	}
	fig, err := r.currents(ctx, pd, targets)
	if err != nil {
		return err
	}
	fig, holds, err := r.missedWaits(ctx, pd, targets, fig)
	if err != nil {
		return err
	}
	for _, d := range due {
		r.count(func(rep *Report) { rep.TargetsDue++ })
		if err := r.claimMilestones(ctx, pd, d.Target, fig, holds[d.Target.ID]); err != nil {
			return err
		}
		next := d.Target.NextCheck(pd.programme.StartDate, today)
		switch {
		case holds[d.Target.ID].waits:
			// "Missed" waits for figures under review: looked at again
			// tomorrow, and each day until they are reviewed or the hold
			// ends (domain.MissedReviewHold). An approval
			// also marks the programme changed, so the next run looks at
			// once; a request for changes counts nothing and does not, so
			// this is what has "missed" decided after one.
			next = today.AddDays(1)
		case !next.IsZero() && !next.After(today):
			// Past the deadline: looked at again when "missed" may go.
			grace, err := r.grace(ctx, pd)
			if err != nil {
				return err
			}
			next = domain.Date{}
			if notice := d.Target.MissedNoticeDate(grace); today.Before(notice) {
				next = notice
			}
		}
		if err := r.Store.RescheduleTarget(ctx, d, next); err != nil {
			return err
		}
	}
	return nil
}

// load reads a programme, once per run (its figures are read for each
// decision, in currents).
func (r *run) load(ctx context.Context, programmeID string) (*programmeData, error) {
	r.mu.Lock()
	pd, ok := r.programmes[programmeID]
	r.mu.Unlock()
	if ok {
		return pd, nil
	}
	prog, err := r.Store.Programme(ctx, programmeID)
	if err != nil {
		return nil, err
	}
	pd = &programmeData{programme: prog}
	r.mu.Lock()
	r.programmes[programmeID] = pd
	r.mu.Unlock()
	return pd, nil
}

// grace is how long the programme's targets wait after their deadline
// before "missed" (domain.MissedGrace): its schedules are read once a run,
// and only for a programme with a target past its deadline unreached.
func (r *run) grace(ctx context.Context, pd *programmeData) (int64, error) {
	pd.mu.Lock()
	g, ok := pd.grace, pd.graceRead
	pd.mu.Unlock()
	if ok {
		return g, nil
	}
	schedules, err := service.All(ctx, r.Store.ListSchedules, pd.programme.ID)
	if err != nil {
		return 0, err
	}
	g = domain.MissedGrace(schedules)
	pd.mu.Lock()
	pd.grace, pd.graceRead = g, true
	pd.mu.Unlock()
	return g, nil
}

// details reads what a programme's emails need: funders' contacts, project
// names and the leads. Once per run, and only for programmes with news.
func (r *run) details(ctx context.Context, pd *programmeData) error {
	if pd.detailed {
		return nil
	}
	id := pd.programme.ID
	funders, err := service.All(ctx, r.Store.ListFunders, id)
	if err != nil {
		return err
	}
	projects, err := service.All(ctx, r.Store.ListProjects, id)
	if err != nil {
		return err
	}
	pd.funders, pd.projects = byID(funders), map[string]domain.Project{}
	for _, p := range projects {
		pd.projects[p.ID] = p
	}
	if err := r.readMembers(ctx, pd); err != nil {
		return err
	}
	pd.detailed = true
	return nil
}

func byID(funders []domain.Funder) map[string]domain.Funder {
	out := map[string]domain.Funder{}
	for _, f := range funders {
		out[f.ID] = f
	}
	return out
}

// reread reads a programme's funders and members again, after a
// recipient's claim found what made them a recipient changed since the
// run read them (see post): consistent Querys, so they show that change.
func (r *run) reread(ctx context.Context, pd *programmeData) error {
	r.count(func(rep *Report) { rep.Reread++ })
	funders, err := service.All(ctx, r.Store.ListFunders, pd.programme.ID)
	if err != nil {
		return err
	}
	pd.funders = byID(funders)
	return r.readMembers(ctx, pd)
}

// readMembers (re)reads who leads the programme and its projects: a
// consistent Query of its members, each page.
func (r *run) readMembers(ctx context.Context, pd *programmeData) error {
	read := r.tick()
	members, err := service.All(ctx, r.Store.ListMembers, pd.programme.ID)
	if err != nil {
		return err
	}
	pd.leads, pd.projectLeads, pd.membersRead = nil, map[string][]string{}, read
	pd.members = map[string]domain.Member{}
	for _, m := range members {
		pd.members[m.Email] = m
		for _, role := range m.Roles {
			switch role.Role {
			case domain.RoleLead:
				pd.leads = append(pd.leads, m.Email)
			case domain.RoleProjectLead:
				pd.projectLeads[role.ProjectID] = append(pd.projectLeads[role.ProjectID], m.Email)
			}
		}
	}
	pd.leads = slices.Compact(pd.leads)
	return nil
}

// figures are the counted figures some decisions of the run are made on,
// as one read found them: the years of figures (series) and each target's
// figure over its window on them (current, by target id); and, when they
// were read with it (currentsAsOf), the programme's figures version as of
// that read (version), which a payment made due on them is conditioned on.
type figures struct {
	series  map[domain.SeriesKey]domain.DaySeries
	current map[string]int64
	version *int64
}

// currents reads the years of figures the targets' windows need, all in
// one read (a consistent BatchGetItem per 100 years) made just before the
// decisions taken on them, and each target's figure over its window.
//
// It keeps nothing for later in the run. A run lasts seconds to minutes,
// and figures it read at the start may have been corrected (an approval,
// a submission counted at once) by the time it claims a milestone, makes a
// payment due or writes an email about them: kept and reused, they would
// send a milestone that no longer holds, or miss that a due tranche's
// milestone no longer does (its email says so: NoLongerMetSentence); and a
// later decision needing one more year would add it, read then, to years
// read earlier, a total no counted figures ever made (a correction down in
// one year and a submission up in the next, read apart). So each decision
// reads what it needs, together: the milestones and waiting payments of a
// changed programme on one read as it is looked at, the due targets of one
// programme on a page of the index on one, a payment-due email's judgement
// on one as it is posted.
//
// What is left is the moment between this read and the claim or write
// after it, as with any read (not for a payment made due: its write is
// conditioned on the figures version read with them, see currentsAsOf):
// a figure changed in it was counted when read,
// so a milestone claimed on it was crossed on counted figures (the SPEC's
// "crosses"; a milestone once emailed is never taken back, and a tranche
// once due stays due), and the change marks the programme changed again,
// so the next run looks at the figures as they then are. Every figure read
// is a counted one (approved, where the programme reviews), so nothing a
// funder is sent was unchecked, and each email still goes at most once:
// its claim, not this read, decides that.
func (r *run) currents(ctx context.Context, pd *programmeData, targets []domain.Target) (figures, error) {
	series, err := r.Store.Series(ctx, pd.programme.ID, domain.SeriesKeys(targets, pd.programme.StartDate))
	if err != nil {
		return figures{}, err
	}
	return figures{series: series, current: domain.Currents(targets, pd.programme.StartDate, series)}, nil
}

// currentsAsOf is currents read with the programme's figures version
// (service.TotalsStore.FiguresAsOf: one transactional read, the same one
// request as currents' for up to service.MaxFiguresAsOf years), for
// decisions that make a payment due: its FallDue is conditioned on that
// version, as the API's release is (service.Release.Figures), so figures
// corrected down (or a target raised) between this read and that write
// make nothing due on figures no longer counted. Targets needing more
// years than one such read holds are read as currents reads them, with
// no version: a payment on one is judged again on a read of its own
// target's years, with their version, before it falls due (waitingPayments).
func (r *run) currentsAsOf(ctx context.Context, pd *programmeData, targets []domain.Target) (figures, error) {
	keys := domain.SeriesKeys(targets, pd.programme.StartDate)
	if len(keys) > service.MaxFiguresAsOf {
		return r.currents(ctx, pd, targets)
	}
	series, version, err := r.Store.FiguresAsOf(ctx, pd.programme.ID, keys)
	if err != nil {
		return figures{}, err
	}
	return figures{series: series, current: domain.Currents(targets, pd.programme.StartDate, series), version: &version}, nil
}

// claimMilestones records each milestone a target calls for, judged on
// fig (its figure over its window, read with the years it covers just
// before: currents), that has anyone to tell.
//
// When the figures crossed several of the target's thresholds since it
// was last looked at, the contacts get one email, naming the highest:
// the thresholds reached are claimed together, in one change
// (claimReached), the highest to be sent, saying which it covers, each
// lower one recorded sent, covered by it, with no email of its own. Each
// threshold keeps its fixed id, so each is still notified at most once: a
// lower one claimed earlier (emailed when it was crossed) stays as it was
// and is not mentioned again; and a run that dies around the claim leaves
// all of them claimed or none, so a covered threshold always names an
// email that was recorded to go.
//
// hold is what missedWaits found, on fig, of the target's "missed"
// email, due: held back for figures under review (waits), it is not
// claimed; claimed, it says how many submissions for the target's window
// await review (awaiting).
func (r *run) claimMilestones(ctx context.Context, pd *programmeData, t domain.Target, fig figures, hold missedHold) error {
	current := fig.current[t.ID]
	today := domain.UKDate(r.start)
	tp := t.Evaluate(current, pd.programme.StartDate, today)
	milestones := t.Milestones(tp)
	if tp.Status == domain.StatusAtRisk && !t.AtRiskEmailDue(today) {
		// "At risk" waits until the target's history has had time to be
		// entered (domain.AtRiskGrace); the target is looked at again then
		// (Target.NextCheck).
		milestones = slices.DeleteFunc(milestones, func(m domain.Milestone) bool { return m.Kind == domain.KindAtRisk })
	}
	if tp.Status == domain.StatusMissed {
		// "Missed" waits until the figures that could still count are
		// due, and then while any that could reach the target await
		// review, for at most domain.MissedReviewHold days (missedWaits).
		due, err := r.missedDue(ctx, pd, t)
		if err != nil {
			return err
		}
		if !due || hold.waits {
			milestones = slices.DeleteFunc(milestones, func(m domain.Milestone) bool { return m.Kind == domain.KindMissed })
		}
	}
	if len(milestones) == 0 {
		return nil
	}
	if err := r.details(ctx, pd); err != nil {
		return err
	}
	// Lower thresholds first (ascending), the highest last of them.
	slices.SortStableFunc(milestones, func(a, b domain.Milestone) int {
		if a.Kind == domain.KindReached && b.Kind == domain.KindReached {
			return int(a.Threshold - b.Threshold)
		}
		return 0
	})
	// A "reached" or "missed" email is claimed on the target's notify
	// list as read (service.TargetNotifyPremise): a funder taken off it
	// (or put on it, or the target removed) since fails the claim, which
	// wrote nothing; the target is read again (consistently) and the
	// email addressed to its list then, the judgement kept (made on the
	// figures and target as read: the change marked the programme
	// changed, so the next run judges it again). A list that keeps
	// changing under the run is left after MaxRereads reads: each change
	// marked the programme changed, so the next run looks again.
	for rereads := 0; ; rereads++ {
		err := r.claimMilestonesFor(ctx, pd, t, fig, milestones, current, today, hold.awaiting)
		if !errors.Is(err, service.ErrNoLongerRecipient) {
			return err
		}
		if rereads == MaxRereads {
			r.log().Warn("target's notify list keeps changing; left for the next run", "target", t.ID)
			return nil
		}
		now, found, err := r.targetNow(ctx, pd, t.ID)
		if err != nil {
			return err
		}
		if !found {
			return nil // removed since: nobody to tell
		}
		t.Notify = now.Notify
	}
}

// targetNow reads a target as it now stands (a consistent read), and the
// programme's funders and members again (reread), after a milestone's
// claim found its notify list changed since the run read it.
func (r *run) targetNow(ctx context.Context, pd *programmeData, id string) (domain.Target, bool, error) {
	var t domain.Target
	get := &service.Get{Ref: domain.Ref(domain.EntityTarget, id), Into: &t}
	if err := r.Store.Read(ctx, pd.programme.ID, get); err != nil {
		return domain.Target{}, false, err
	}
	if !get.Found {
		return domain.Target{}, false, nil
	}
	return t, true, r.reread(ctx, pd)
}

// claimMilestonesFor claims milestones (ascending) of t, judged on fig,
// each addressed to t.Notify's funders' contacts as the run read them
// (the at-risk email to the leads), on the premise that t's notify list
// is still t.Notify (service.ErrNoLongerRecipient when it is not).
// awaiting, for a "missed" email, is how many submissions for t's window
// await review (missedWaits), which it says.
func (r *run) claimMilestonesFor(ctx context.Context, pd *programmeData, t domain.Target, fig figures, milestones []domain.Milestone, current int64, today domain.Date, awaiting int) error {
	from, to := t.Window(pd.programme.StartDate)
	figuresTo := t.LastFigure(pd.programme.StartDate, fig.series)
	notifyAsRead := service.TargetNotifyPremise(t)
	var reached []domain.Notification // ascending, claimed together
	for _, m := range milestones {
		note := domain.Notification{
			ID: domain.NotificationID(t.ID, m.Kind, m.Threshold), TargetID: t.ID, Threshold: m.Threshold, Kind: m.Kind,
			Status: domain.NotificationPending, CreatedAt: r.stamp(), ProgrammeID: pd.programme.ID,
			Figure: current, Value: t.Value, Metric: t.Metric, ProjectID: t.ProjectID, On: today,
			PeriodStart: from, PeriodEnd: to, FiguresTo: figuresTo,
		}
		if m.Kind == domain.KindMissed {
			note.AwaitingReview = int64(awaiting)
		}
		var holds []service.Premise
		if m.Kind == domain.KindAtRisk {
			note.Recipients = slices.Clone(pd.leads)
		} else {
			holds = []service.Premise{notifyAsRead}
			note.FunderIDs = slices.Clone(t.Notify)
			note.FunderContacts = map[string][]string{}
			for _, fid := range t.Notify {
				note.Recipients = append(note.Recipients, pd.funders[fid].Contacts...)
				if c := pd.funders[fid].Contacts; len(c) > 0 {
					note.FunderContacts[fid] = slices.Clone(c)
				}
			}
		}
		slices.Sort(note.Recipients)
		note.Recipients = slices.Compact(note.Recipients)
		if len(note.Recipients) == 0 {
			continue // nobody to tell; a later change to the target may add someone
		}
		if m.Kind == domain.KindReached {
			reached = append(reached, note)
			continue
		}
		claimed, err := r.Store.ClaimNotification(ctx, note, holds...)
		if err != nil {
			return err
		}
		if claimed {
			r.count(func(rep *Report) { rep.Claimed++ })
		}
	}
	return r.claimReached(ctx, reached, notifyAsRead)
}

// missedDue reports whether, today, the "missed" email of a target
// standing missed is due (domain.Target.MissedEmailDue, on the
// programme's grace): before the review queue is asked.
func (r *run) missedDue(ctx context.Context, pd *programmeData, t domain.Target) (bool, error) {
	grace, err := r.grace(ctx, pd)
	if err != nil {
		return false, err
	}
	return t.MissedEmailDue(grace, domain.UKDate(r.start)), nil
}

// missedWaits decides, for targets judged together on fig, which of them
// stand missed with their "missed" email due but must wait: figures for
// the target's window (its project's, or any project's for a
// programme-wide target) await review, and approved they could still
// reach it (SPEC, reporting cycle: figures count only once a lead
// approves them). Once they are reviewed, approved or sent back, a later
// run decides; and once the hold has lasted domain.MissedReviewHold days
// (Target.MissedMayWait), "missed" goes on the approved figures as they
// stand, whatever still awaits review. It returns the figures the targets
// are then judged on, and, by id, what it found of each target standing
// missed on them with its "missed" due: whether it waits, and how many
// submissions for its window await review (Target.AwaitingReview), which
// its email, when it goes, says.
//
// When no target's "missed" is due (nearly every time) it reads nothing
// and returns fig. Otherwise it reads the programme's review queue (one
// Query a page), then the targets' years of figures again (currents, or
// currentsAsOf when fig was read with the figures version: a tranche
// waiting in the programme then falls due on the version of the figures
// it is judged on, with no read of its own), and
// all of them are judged on those: in that order, so a submission
// approved between the two reads is in the figures if it has left the
// queue (the approval's one transaction takes it out of the queue and
// counts it), and one approved after both still shows in the queue,
// holding "missed" back for a run that sees it counted ("reached"
// instead). Figures read before the queue (fig) could miss one approved
// between them: gone from the queue, not yet counted in them. So it costs
// two requests more for a programme with a target whose "missed" is due:
// on that day, each day it waits, and, once sent, when the programme's
// figures change again (its claim then finds it sent).
//
// A target could still be reached when its figure plus every pending
// figure of its metric in its window reaches its value
// (domain.Target.CouldReachOnReview); when even all of them together fall
// short, "missed" goes (saying how many were awaiting review, if any).
// The queue is an index, read a moment behind: a
// submission sent in the same moment as the read may not be listed, as it
// would not be had it come a moment later; either way it was not
// approved, and the target stood missed on every figure that counted.
func (r *run) missedWaits(ctx context.Context, pd *programmeData, targets []domain.Target, fig figures) (figures, map[string]missedHold, error) {
	today := domain.UKDate(r.start)
	// missedNow is whether t stands missed on f with its "missed" due.
	missedNow := func(t domain.Target, f figures) (bool, error) {
		if t.Evaluate(f.current[t.ID], pd.programme.StartDate, today).Status != domain.StatusMissed {
			return false, nil
		}
		return r.missedDue(ctx, pd, t)
	}
	read := false
	for _, t := range targets {
		ok, err := missedNow(t, fig)
		if err != nil {
			return fig, nil, err
		}
		read = read || ok
	}
	if !read {
		return fig, nil, nil
	}
	pending, err := service.All(ctx, r.Store.ListPendingOutcomes, pd.programme.ID)
	if err != nil {
		return fig, nil, err
	}
	// Read again as fig was: with the figures version when fig has one
	// (currentsAsOf, read so because a milestone tranche waits in the
	// programme), so a tranche judged on these falls due on their
	// version, not on a third read of its own target's years.
	reread := r.currents
	if fig.version != nil {
		reread = r.currentsAsOf
	}
	fresh, err := reread(ctx, pd, targets)
	if err != nil {
		return fig, nil, err
	}
	grace, err := r.grace(ctx, pd)
	if err != nil {
		return fig, nil, err
	}
	holds := map[string]missedHold{}
	for _, t := range targets {
		ok, err := missedNow(t, fresh)
		if err != nil {
			return fig, nil, err
		}
		if !ok {
			continue
		}
		hold := missedHold{awaiting: t.AwaitingReview(pd.programme.StartDate, pending)}
		if t.CouldReachOnReview(pd.programme.StartDate, fresh.current[t.ID], pending) && t.MissedMayWait(grace, today) {
			hold.waits = true
			r.count(func(rep *Report) { rep.MissedWaiting++ })
		}
		holds[t.ID] = hold
	}
	return fresh, holds, nil
}

// missedHold is what missedWaits found of a target standing missed with
// its "missed" email due.
type missedHold struct {
	// waits is that the email is held back: figures awaiting review
	// could still reach the target, and the hold has not yet lasted
	// domain.MissedReviewHold days.
	waits bool
	// awaiting is how many submissions with figures for the target's
	// window await review (domain.Target.AwaitingReview): the email, when
	// it goes, says so.
	awaiting int
}

// claimReached claims a target's thresholds reached (ascending) in one
// change: the highest's notification, to be sent, Covers the lower ones,
// each recorded sent, CoveredBy it. A threshold claimed before (emailed
// when it was crossed, or by an overlapping run) fails the change, which
// wrote nothing; it is left out and the rest claimed again without it. If
// that one is the highest, the rest are recorded covered by its email,
// which was recorded (a threshold added to the target after its higher
// one went). A claim at a time, the rest claimed with the first that
// fails: at most one request per threshold, as claiming each alone made.
func (r *run) claimReached(ctx context.Context, group []domain.Notification, holds ...service.Premise) error {
	carrier := ""
	for len(group) > 0 {
		if carrier == "" {
			top := &group[len(group)-1]
			top.Status, top.CoveredBy, top.Covers = domain.NotificationPending, "", nil
			carrier = top.ID
		}
		for i := range group {
			if group[i].ID == carrier {
				continue
			}
			group[i].Status, group[i].CoveredBy = domain.NotificationSent, carrier
			if top := &group[len(group)-1]; top.ID == carrier {
				top.Covers = append(top.Covers, group[i].Threshold)
			}
		}
		taken, err := r.Store.ClaimNotifications(ctx, group, holds...)
		if err != nil {
			return err
		}
		if taken == "" {
			r.count(func(rep *Report) { rep.Claimed += len(group) })
			return nil
		}
		group = slices.DeleteFunc(group, func(n domain.Notification) bool { return n.ID == taken })
		if len(group) > 0 && group[len(group)-1].ID == carrier {
			group[len(group)-1].Covers = nil // made again from those left
		}
	}
	return nil
}

// send delivers every pending notification this run can lease, a shard
// of the pending index at a time each.
func (r *run) send(ctx context.Context) error {
	return r.eachShard(ctx, r.sendShard)
}

// sendShard sends a shard's pending notifications as it reads them, but
// for those telling the leads a submission awaits review: those wait for
// the whole shard to be read (a shard holds whole programmes), so each
// programme's go to each lead in one email (digests).
func (r *run) sendShard(ctx context.Context, shard int) error {
	var awaiting []domain.Notification
	p := service.Page{Limit: service.MaxLimit}
	for {
		pending, next, err := r.Store.PendingNotifications(ctx, shard, p)
		if err != nil {
			return err
		}
		for _, note := range pending {
			if note.Kind == domain.KindAwaitingReview {
				awaiting = append(awaiting, note)
				continue
			}
			if err := r.deliver(ctx, note); err != nil {
				return err
			}
		}
		if next == "" || r.stopping(ctx) {
			break
		}
		p.Cursor = next
	}
	return r.digests(ctx, awaiting)
}

// deliver leases one notification and sends it.
func (r *run) deliver(ctx context.Context, note domain.Notification) error {
	if r.stopping(ctx) {
		return nil // left pending for the next run, its attempts untouched
	}
	note, ok, err := r.Store.LeaseNotification(ctx, note.ProgrammeID, note.ID, r.stamp(), r.lease())
	if err != nil || !ok {
		return err // !ok: another run is sending it, or it is done
	}
	return r.sendLeased(ctx, note)
}

// sendLeased sends a notification this run has leased, unless it is no
// longer needed: a digest's carrier an earlier run left pending lists what
// it stands for as that now is (resume).
func (r *run) sendLeased(ctx context.Context, note domain.Notification) error {
	if len(note.Includes) > 0 {
		_, err := r.resume(ctx, note)
		return err
	}
	if note.Kind == domain.KindPaymentDue {
		// Its payment's status and trigger are read once (one GetItem):
		// to settle it unsent once the payment is paid or cancelled
		// (settleUnneeded), and to say in it whether its milestone is
		// still met.
		reason, pay, err := r.paymentSettled(ctx, note)
		if err != nil {
			return err
		}
		if reason != "" {
			return r.settle(ctx, note, reason)
		}
		return r.postPayment(ctx, note, pay)
	}
	if settled, err := r.settleUnneeded(ctx, note); settled || err != nil {
		return err
	}
	return r.post(ctx, note, nil)
}

// post emails a leased notification to each of its recipients not yet
// emailed and finishes it. Each is claimed on the premise of what makes
// them a recipient as the run read it, so nobody who left meanwhile is
// emailed (see claim). listed, for a digest's carrier, are the
// notifications its email lists (its own among them while its submission
// awaits review); one alone is emailed as its own email would be.
func (r *run) post(ctx context.Context, note domain.Notification, listed []domain.Notification) error {
	return r.postOf(ctx, note, listed, nil)
}

// postPayment posts a leased payment-due email whose payment (pay: its
// status and trigger as read under the lease) is still to be paid.
func (r *run) postPayment(ctx context.Context, note domain.Notification, pay domain.Payment) error {
	return r.postOf(ctx, note, nil, &pay)
}

// postOf is post; pay, for a payment-due email, is its payment as read
// under the lease (nil: not read). A milestone tranche due whose target no
// longer meets its threshold as the email goes (the figures corrected
// down, or the target raised, since it fell due) says so in it
// (milestoneNoLongerMet), and stays due all the same: the email is sent,
// once, as any other.
func (r *run) postOf(ctx context.Context, note domain.Notification, listed []domain.Notification, pay *domain.Payment) error {
	pd, err := r.load(ctx, note.ProgrammeID)
	if err != nil {
		return err
	}
	if err := r.details(ctx, pd); err != nil {
		return err
	}
	if note.Kind == domain.KindAwaitingReview && note.SentBy != "" && neverSent(note) && len(r.reportingRecipients(pd, note)) == 0 {
		// Sent by the programme's only lead, who is not emailed about
		// their own figures: there is nobody else to tell.
		return r.settle(ctx, note, domain.NotNeededOwnSubmission)
	}
	notifyHolds, ok, err := r.address(ctx, pd, &note)
	if err != nil || !ok {
		return err // !ok: withdrawn meanwhile, or the lease ran out and another run took it over
	}
	var msg email.Message
	switch len(listed) {
	case 0:
		msg = Render(note, pd.programme, pd.projects[note.ProjectID], r.Links)
		if note.Kind == domain.KindChangesRequested && note.SubmissionID != "" {
			// It goes even when a correction came first (settleUnneeded),
			// saying so, rather than asking for a correction already sent.
			corrected, err := r.Store.Corrected(ctx, note.ProgrammeID, note.SubmissionID)
			if err != nil {
				return err
			}
			if corrected {
				msg = renderCorrected(note, pd.programme, pd.projects[note.ProjectID], r.Links)
			}
		}
		if note.Kind == domain.KindPaymentDue && pay != nil {
			stale, err := r.milestoneNoLongerMet(ctx, pd, *pay)
			if err != nil {
				return err
			}
			if stale {
				msg = renderPaymentOf(note, pd.programme, pd.projects[note.ProjectID], r.Links, true)
			}
		}
	case 1:
		msg = Render(listed[0], pd.programme, pd.projects[listed[0].ProjectID], r.Links)
	default:
		msg = RenderDigest(listed, pd.programme, pd.projects, r.Links)
	}
	rejected := slices.Clone(note.Rejected)
	var refused []string // why SES refused each address it refused in this run
	// Recipients still claimed when the lease was taken are ones a run
	// stopped while sending to, or had no answer from SES for (a passing
	// failure withdraws its claim): the email may have gone, so it never
	// goes again.
	unknown := slices.DeleteFunc(slices.Clone(note.Sending), func(to string) bool {
		return slices.Contains(note.Delivered, to) || slices.Contains(note.Rejected, to)
	})
	var noAnswer error // the last send in this run whose outcome is not known
	var gaveUp []string
	if note.LastError != "" && r.start.Sub(note.CreatedAt) >= GiveUpAfter {
		// Still failing for passing reasons long after it was recorded:
		// the rest are given up (their claims, if any, are withdrawn as
		// it finishes).
		for _, to := range note.Recipients {
			if !slices.Contains(note.Delivered, to) && !slices.Contains(note.Rejected, to) && !slices.Contains(unknown, to) {
				gaveUp = append(gaveUp, to)
			}
		}
	}
	// A return's reminder or overdue email nobody has yet goes only while
	// its return is still expected: its first recipient's claim checks it
	// (see ClaimReturnRecipient).
	checkReturn := note.ReturnID != "" && (note.Kind == domain.KindReminder || note.Kind == domain.KindOverdue) &&
		len(note.Delivered) == 0 && len(rejected) == 0 && len(unknown) == 0
	// Each claim is premised on what makes its address a recipient as
	// the run read it (holds: a funder's contacts, a member's roles), so
	// nobody who has left since is claimed, and so emailed. A refused one
	// reads the people again and readdresses the email to them (taking
	// the leaver off it, listed withdrawn) before claiming anyone more.
	_, _, holds, known := r.recipientsNow(pd, note)
	rereads := 0
	for i := 0; i < len(note.Recipients); i++ {
		to := note.Recipients[i]
		if slices.Contains(note.Delivered, to) || slices.Contains(rejected, to) || slices.Contains(unknown, to) || slices.Contains(gaveUp, to) {
			continue
		}
		if r.stopping(ctx) {
			// Left for the next run: the lease goes back, and no claim
			// or lastError is changed.
			return r.Store.ReleaseNotification(ctx, note.ProgrammeID, note.ID, "", note.LastError)
		}
		// Claimed before SES is called, so a run that dies before
		// recording the outcome never leads to a second email.
		claimed, unneeded, err := r.claim(ctx, note, to, checkReturn, holds, known, notifyHolds)
		switch {
		case errors.Is(err, service.ErrNoLongerRecipient):
			// to left what made them a recipient after the run read it
			// (or something else of it changed): read the people again,
			// bring the email's recipients up to them, and go through
			// them again.
			if rereads == MaxRereads {
				// The people keep changing under the run: left, the
				// lease given back, to the next run.
				r.log().Warn("recipients keep changing; left for the next run", "notification", note.ID)
				return r.Store.ReleaseNotification(ctx, note.ProgrammeID, note.ID, "", note.LastError)
			}
			rereads++
			if err := r.reread(ctx, pd); err != nil {
				return err
			}
			// As the store has it now: those this run refused or had no
			// answer for are never emailed again, whatever their roles.
			note.Rejected, note.Sending = slices.Clone(rejected), slices.Clone(unknown)
			notifyHolds, ok, err = r.address(ctx, pd, &note)
			if err != nil || !ok {
				return err // !ok: withdrawn meanwhile, or the lease ran out and another run took it over
			}
			_, _, holds, known = r.recipientsNow(pd, note)
			i = -1
			continue
		case err != nil:
			return err
		case unneeded != "":
			// Its return was removed, or sent, since it was claimed:
			// withdrawn, as nobody has it.
			return r.settle(ctx, note, unneeded)
		case !claimed:
			return nil // the lease ran out and another run took it over
		}
		checkReturn = false
		msg.To = to
		r.count(func(rep *Report) { rep.Emails++ })
		sendCtx, cancel := context.WithTimeout(ctx, SendTimeout)
		err = r.Email.Send(sendCtx, msg)
		cancel()
		switch {
		case err == nil:
			if err := r.Store.MarkDelivered(ctx, note.ProgrammeID, note.ID, to); err != nil {
				return err
			}
			note.Delivered = append(note.Delivered, to)
		case email.IsPermanent(err):
			if err := r.Store.MarkRejected(ctx, note.ProgrammeID, note.ID, to); err != nil {
				return err
			}
			rejected = append(rejected, to)
			refused = append(refused, to+" ("+short(err)+")")
			r.log().Warn("milestone email rejected", "notification", note.ID, "err", err)
		case email.IsPassing(err):
			// SES did not take it: retried by a later run. A failure that
			// every email would meet now (throttling, the account's
			// sending paused) stops the run's sending, so the emails
			// after it are not tried in vain.
			if email.StopsSending(err) {
				r.halt("SES refused a send for a reason not of its address", err)
			}
			r.count(func(rep *Report) { rep.Retrying++ })
			r.log().Warn("email not taken by SES; will retry", "notification", note.ID, "attempt", note.Attempts, "err", err)
			return r.Store.ReleaseNotification(ctx, note.ProgrammeID, note.ID, to, short(err))
		default:
			// No answer after the request went (the connection lost, a
			// timeout), or a failure not known to be either: SES may have
			// the email, so it is never sent again. Its claim stays, as a
			// run that died would leave it.
			unknown = append(unknown, to)
			noAnswer = err
			r.log().Warn("email outcome not known; not sent again", "notification", note.ID, "err", err)
		}
	}
	note.Sending = unknown // what FinishNotification leaves recorded
	note.Status = domain.NotificationSent
	switch {
	case len(note.Recipients) == 0:
		// Nobody holds the role it is for: say so in the list, rather
		// than claim it was sent.
		note.Status = domain.NotificationFailed
		note.LastError = "nobody to email: no one holds the role this goes to"
		if (note.Kind == domain.KindReached || note.Kind == domain.KindMissed) && len(note.FunderIDs) == 0 {
			// Its funders all taken off the target's notify list since
			// the claim (notifyNow), none of them emailed.
			note.LastError = "nobody to email: every funder it was for was taken off the target's notify list before it went"
		}
		r.count(func(rep *Report) { rep.Failed++ })
	case len(rejected) > 0 || len(unknown) > 0 || len(gaveUp) > 0:
		note.Status = domain.NotificationFailed
		var why []string
		if len(rejected) > 0 {
			why = append(why, "not delivered to "+strings.Join(rejected, ", "))
			if len(refused) > 0 {
				why[len(why)-1] += ": SES refused " + strings.Join(refused, "; ")
			}
		}
		if len(gaveUp) > 0 {
			why = append(why, "not delivered to "+strings.Join(gaveUp, ", ")+": still failing "+
				strconv.Itoa(int(GiveUpAfter.Hours()/24))+" days after it was recorded, so no longer retried (last failure: "+note.LastError+")")
		}
		if len(unknown) > 0 {
			why = append(why, "not known to be delivered to "+strings.Join(unknown, ", ")+
				": the email was handed to SES and no answer came (a run stopped while sending, or the connection was lost), so it was not sent again; check with them")
			if noAnswer != nil {
				why[len(why)-1] += " (" + short(noAnswer) + ")"
			}
		}
		note.LastError = strings.Join(why, "; ")
		r.count(func(rep *Report) { rep.Failed++ })
	default:
		r.count(func(rep *Report) { rep.Sent++ })
	}
	at := r.stamp() // after sending: when it went
	if len(note.Delivered) > 0 {
		note.SentAt = &at
	}
	ev := domain.NewAuditEvent(Actor, note.ProgrammeID, domain.EntityNotification, note.ID, domain.ActionSend,
		nil, note.SentRecord(), at)
	return r.Store.FinishNotification(ctx, note, ev)
}

// claim claims to, one of note's recipients, before its email is sent
// (ClaimRecipient): on the premise of what makes them a recipient as the
// run read it (holds), unless that cannot be told (known false); each of
// a payment-due email's on its grant's funder too, as the run read it
// (service.GrantFunderPremise); each of a "reached" or "missed" email's
// on its target's notify list as the run read it (notifyHolds, from
// notifyNow; nil for other kinds), so a funder taken off it as the email
// goes fails the claim and the run readdresses the email; the
// first of a return's reminder or overdue email with its return's check
// too (checkReturn: ClaimReturnRecipient, whose unneeded it reports). One
// the run's read does not show as a recipient (on a list another run
// fixed from an older read) is not claimed: service.ErrNoLongerRecipient,
// as one who left since the read.
func (r *run) claim(ctx context.Context, note domain.Notification, to string, checkReturn bool, holds map[string]service.Premise, known bool, notifyHolds *service.Premise) (bool, domain.NotNeededReason, error) {
	var premises []service.Premise
	if known {
		pr, ok := holds[to]
		if !ok {
			return false, "", service.ErrNoLongerRecipient
		}
		premises = append(premises, pr)
	}
	if notifyHolds != nil {
		premises = append(premises, *notifyHolds)
	}
	if note.Kind == domain.KindPaymentDue && note.GrantID != "" && len(note.FunderIDs) == 1 {
		// Addressed for the grant's funder as the run read it
		// (grantFunderNow): a grant given to another funder since then
		// fails the claim, so the former funder's contacts are never
		// claimed on that read; the run reads the grant again and
		// readdresses the email (see post).
		premises = append(premises, service.GrantFunderPremise(note.GrantID, note.FunderIDs[0]))
	}
	if checkReturn {
		return r.Store.ClaimReturnRecipient(ctx, note.ProgrammeID, note.ID, note.Attempts, to, note.ReturnID, premises...)
	}
	claimed, err := r.Store.ClaimRecipient(ctx, note.ProgrammeID, note.ID, note.Attempts, to, premises...)
	return claimed, "", err
}

// address brings the recipients of a notification this run has leased
// up to who holds the roles it goes to now (recipientsNow), before any
// of them is emailed: whenever an email is tried, it goes to the
// programme's people as they then are. One recorded without recipients
// (a submission's email, a payment's made due by the API) has them fixed
// (SetRecipients); one recorded with them is readdressed
// (domain.Notification.Readdress): those who have left the role are
// withdrawn, saying why, and not emailed, those new to it are emailed,
// and whoever has had, refused or is being sent it stays as they are,
// never emailed again. A change is recorded under the lease, with an
// audit event of the recipients before and after; none is made when
// nobody changed. A "reached" or "missed" email goes only to the funders
// still on its target's notify list (notifyNow), whose premise it
// answers for each claim (nil for other kinds). It reports false,
// sending nothing, when the notification is no longer there (a
// payment's, withdrawn by the change that marked the payment paid or
// cancelled) or the lease ran out and another run took it over.
func (r *run) address(ctx context.Context, pd *programmeData, note *domain.Notification) (*service.Premise, bool, error) {
	regranted, err := r.grantFunderNow(ctx, note)
	if err != nil {
		return nil, false, err
	}
	unlisted, notifyHolds, err := r.notifyNow(ctx, note)
	if err != nil {
		return nil, false, err
	}
	if unlisted != nil {
		ok, err := r.unlist(ctx, pd, *unlisted, note)
		return notifyHolds, ok, err
	}
	ok, err := r.addressTo(ctx, pd, note, regranted)
	return notifyHolds, ok, err
}

// addressTo is address for the people as they now stand; regranted is
// the payment's email as recorded before its grant changed funder
// (grantFunderNow), nil otherwise.
func (r *run) addressTo(ctx context.Context, pd *programmeData, note *domain.Notification, regranted *domain.Notification) (bool, error) {
	to, contacts, _, known := r.recipientsNow(pd, *note)
	if !known {
		return true, nil
	}
	if regranted != nil {
		// The grant has another funder since the payment fell due: the
		// email is its now, addressed as one never sent would be, the
		// former funder's contacts not yet emailed withdrawn.
		before := *regranted
		if before.Recipients == nil {
			before.Recipients = []string{}
		}
		after, _ := before.Readdress(to, contacts)
		after.FunderIDs = slices.Clone(note.FunderIDs)
		if contacts != nil {
			after.FunderContacts = map[string][]string{}
			for f, c := range contacts {
				after.FunderContacts[f] = slices.Clone(c)
			}
		}
		ev := domain.NewAuditEvent(Actor, note.ProgrammeID, domain.EntityNotification, note.ID, domain.ActionChange,
			regranted.RecipientsRecord(), after.RecipientsRecord(), r.stamp())
		ok, err := r.Store.ReaddressNotification(ctx, after, ev)
		if err != nil || !ok {
			return false, err
		}
		r.count(func(rep *Report) { rep.Readdressed++ })
		*note = after
		return true, nil
	}
	if note.Recipients == nil {
		recipients, err := r.Store.SetRecipients(ctx, note.ProgrammeID, note.ID, to, contacts)
		if errors.Is(err, service.ErrNotFound) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		note.Recipients = recipients
		return true, nil
	}
	after, changed := note.Readdress(to, contacts)
	if !changed {
		return true, nil
	}
	ev := domain.NewAuditEvent(Actor, note.ProgrammeID, domain.EntityNotification, note.ID, domain.ActionChange,
		note.RecipientsRecord(), after.RecipientsRecord(), r.stamp())
	ok, err := r.Store.ReaddressNotification(ctx, after, ev)
	if err != nil || !ok {
		return false, err
	}
	r.count(func(rep *Report) { rep.Readdressed++ })
	*note = after
	return true, nil
}

// notifyNow keeps a "reached" or "missed" email to the funders of those
// it was recorded for still on its target's notify list as the target now
// stands (one GetItem, only for those kinds): a funder taken off the list
// after the claim (the email not sent then: SES throttled, the run
// stopped) is not emailed, and one put on it since is not added, the
// milestone having been judged for the list as it was then. A target
// removed since keeps none. It answers the notification as recorded
// when that dropped a funder (note then names those kept), nil
// otherwise, and the premise on the list as read that each recipient's
// claim carries (service.TargetNotifyPremise; nil when not read or the
// target is gone), so a funder taken off it as the email goes fails the
// claim, and the run reads it again.
func (r *run) notifyNow(ctx context.Context, note *domain.Notification) (*domain.Notification, *service.Premise, error) {
	if (note.Kind != domain.KindReached && note.Kind != domain.KindMissed) || len(note.FunderIDs) == 0 {
		return nil, nil, nil
	}
	var t domain.Target
	get := &service.Get{Ref: domain.Ref(domain.EntityTarget, note.TargetID), Into: &t}
	if err := r.Store.Read(ctx, note.ProgrammeID, get); err != nil {
		return nil, nil, err
	}
	var holds *service.Premise
	if get.Found {
		t.ID = note.TargetID
		p := service.TargetNotifyPremise(t)
		holds = &p
	}
	kept := slices.DeleteFunc(slices.Clone(note.FunderIDs), func(f string) bool { return !slices.Contains(t.Notify, f) })
	if len(kept) == len(note.FunderIDs) {
		return nil, holds, nil
	}
	was := *note
	note.FunderIDs = append([]string{}, kept...) // empty, not nil, when none is kept: recorded so
	return &was, holds, nil
}

// unlist readdresses was, a "reached" or "missed" email some of whose
// funders were taken off its target's notify list (notifyNow; note names
// those kept), to the contacts of those kept as they now are: the others'
// contacts not yet emailed are withdrawn (WithdrawnNoLongerNotified, but
// one still a contact of a funder kept), those who had, refused or are
// being sent it stay, as in any readdressing (domain.Notification.Readdress).
// The change, its funders among it, is recorded under the lease with an
// audit event, as address records one.
func (r *run) unlist(ctx context.Context, pd *programmeData, was domain.Notification, note *domain.Notification) (bool, error) {
	var to []string
	contacts := map[string][]string{}
	for _, fid := range note.FunderIDs {
		c := pd.funders[fid].Contacts
		to = append(to, c...)
		contacts[fid] = slices.Clone(c)
	}
	slices.Sort(to)
	to = slices.Compact(to)
	after, _ := was.Readdress(to, contacts)
	after.FunderIDs = slices.Clone(note.FunderIDs)
	kept := map[string]bool{} // the kept funders' contacts, as recorded and now
	for _, fid := range note.FunderIDs {
		for _, a := range append(slices.Clone(was.FunderContacts[fid]), contacts[fid]...) {
			kept[domain.NormaliseEmail(a)] = true
		}
	}
	for i, w := range after.Withdrawn {
		if !slices.Contains(was.Withdrawn, w) && !kept[domain.NormaliseEmail(w.Email)] {
			after.Withdrawn[i].Reason = domain.WithdrawnNoLongerNotified
		}
	}
	ev := domain.NewAuditEvent(Actor, note.ProgrammeID, domain.EntityNotification, note.ID, domain.ActionChange,
		was.RecipientsRecord(), after.RecipientsRecord(), r.stamp())
	ok, err := r.Store.ReaddressNotification(ctx, after, ev)
	if err != nil || !ok {
		return false, err
	}
	r.count(func(rep *Report) { rep.Readdressed++ })
	*note = after
	return true, nil
}

// grantFunderNow gives a payment's email to its grant's funder as the
// grant now stands (one GetItem): a grant given to another funder after
// the payment fell due is the new funder's to pay, and its email is not
// the former's, who may no longer read the grant. It answers the
// notification as it was recorded when the funder changed (note then
// names the new one), nil otherwise.
func (r *run) grantFunderNow(ctx context.Context, note *domain.Notification) (*domain.Notification, error) {
	if note.Kind != domain.KindPaymentDue || note.GrantID == "" || len(note.FunderIDs) != 1 {
		return nil, nil
	}
	funder, err := r.Store.GrantFunder(ctx, note.ProgrammeID, note.GrantID)
	if err != nil || funder == "" || funder == note.FunderIDs[0] {
		return nil, err
	}
	was := *note
	note.FunderIDs = []string{funder}
	return &was, nil
}

// recipientsNow are who a notification goes to as the programme's people
// now stand (read once a run: details; again when a claim finds them
// changed since: reread), by its kind: a milestone reached
// or missed, the contacts of the funders it was recorded for (and, in
// contacts, each one's: the target's notify list as it stood at the
// claim, which was conditioned on it, see claimMilestones, less any taken
// off the list since, as the email goes: notifyNow; one put on the list
// after the claim is not added, the milestone having been judged for the
// list as it was; the SPEC names no rule for either, and this is the rule
// docs/dynamodb.md states), at their contacts as they now are;
// one at risk, the programme's leads; a reporting
// email, its own (reportingRecipients); a payment's, its funder's contacts
// and the leads (paymentRecipients). holds says, for each of them, what
// makes them one as the run read it, which their claim is premised on
// (service.ContactPremise: the funder, for one of its contacts, the
// first of the notification's funders listing them; else
// service.MemberPremise: the member, for a lead or project lead). known
// is false for one whose recipients cannot be told so (a milestone
// recorded for no funder): it keeps those it has, claimed on no premise.
func (r *run) recipientsNow(pd *programmeData, n domain.Notification) (to []string, contacts map[string][]string, holds map[string]service.Premise, known bool) {
	holds = map[string]service.Premise{}
	asContacts := func(fid string) {
		f, ok := pd.funders[fid]
		for _, a := range f.Contacts {
			if _, set := holds[a]; ok && !set {
				holds[a] = service.ContactPremise(f)
			}
		}
	}
	asMembers := func(emails []string) {
		for _, a := range emails {
			if m, ok := pd.members[a]; ok {
				if _, set := holds[a]; !set {
					holds[a] = service.MemberPremise(m)
				}
			}
		}
	}
	switch {
	case n.Kind == domain.KindAtRisk:
		to = slices.Clone(pd.leads)
		asMembers(to)
	case n.Kind.Reporting():
		to = r.reportingRecipients(pd, n)
		asMembers(to)
		return to, nil, holds, true
	case n.Kind == domain.KindPaymentDue && len(n.FunderIDs) == 1:
		to, contacts = paymentRecipients(pd, n.FunderIDs[0])
		if contacts == nil && n.Recipients != nil {
			contacts = map[string][]string{} // readdressed, its funder with no contacts now
		}
		asContacts(n.FunderIDs[0])
		asMembers(pd.leads)
		return to, contacts, holds, true
	case n.Kind.Milestone() && len(n.FunderIDs) > 0:
		contacts = map[string][]string{}
		for _, fid := range n.FunderIDs {
			c := pd.funders[fid].Contacts
			to = append(to, c...)
			contacts[fid] = slices.Clone(c)
			asContacts(fid)
		}
	default:
		return nil, nil, nil, false
	}
	slices.Sort(to)
	return slices.Compact(to), contacts, holds, true
}

// settleUnneeded settles a leased notification without an email when
// what it asks for is already done, and reports whether it did: an email
// telling the leads a submission awaits review, when a lead has reviewed
// it or the project lead has corrected it since (the correction has its
// own); an email telling the funder and the leads a payment is due
// ("leads record it once it is paid"), when a lead has recorded it paid
// or cancelled it since. Each is claimed in the transaction that calls
// for it, and may wait for a run while people act; settled (see settle),
// it is never sent later either. One GetItem an awaiting-review or
// payment-due email, whatever else the run does.
//
// The check is made under the lease, before any recipient is claimed: a
// payment paid before it is seen so, and no email goes; one paid once
// the first address is claimed is being emailed already, and its email
// goes to all (it was true when it went, and at most once beats
// withdrawing half of it). A payment paid between this check and the
// first claim is not missed: the payment's own change withdraws (deletes)
// an email nobody had in its transaction, and every write here before an
// email goes (fixing recipients, each claim) is conditioned on the email
// being there and pending, so nothing is sent (see post). What this check
// still settles is a retry some had already, or an email whose payment
// was paid before changes withdrew emails.
//
// An email telling the project's leads that changes were asked for is
// never settled so: it carries the lead's comment, which the project's
// other project leads hear of nowhere else, and a correction sent by one
// of them before the run does not tell the others what was asked (see
// post, which says in it that a correction was sent).
func (r *run) settleUnneeded(ctx context.Context, note domain.Notification) (bool, error) {
	reason, err := r.unneeded(ctx, note)
	if reason == "" || err != nil {
		return false, err
	}
	return true, r.settle(ctx, note, reason)
}

// unneeded says why a notification's email is no longer needed ("" when
// it still is): see settleUnneeded.
func (r *run) unneeded(ctx context.Context, note domain.Notification) (domain.NotNeededReason, error) {
	if note.Kind == domain.KindPaymentDue {
		reason, _, err := r.paymentSettled(ctx, note)
		return reason, err
	}
	if note.SubmissionID == "" || note.Kind != domain.KindAwaitingReview {
		return "", nil
	}
	awaits, status, err := r.Store.AwaitsReview(ctx, note.ProgrammeID, note.ProjectID, note.SubmissionID)
	if err != nil || awaits {
		return "", err
	}
	if status == domain.OutcomePending {
		return domain.NotNeededCorrected, nil // pending, but out of the review queue
	}
	return domain.NotNeededReviewed, nil
}

// paymentSettled says why a payment-due email is no longer needed: its
// payment was recorded paid, or cancelled ("" while it is still due, or
// not there to say); with the payment's status and trigger as read (one
// consistent GetItem of those alone).
func (r *run) paymentSettled(ctx context.Context, note domain.Notification) (domain.NotNeededReason, domain.Payment, error) {
	if note.PaymentID == "" || note.GrantID == "" {
		return "", domain.Payment{}, nil
	}
	pay, err := r.Store.PaymentNow(ctx, note.ProgrammeID, note.GrantID, note.PaymentID)
	if err != nil {
		return "", domain.Payment{}, err
	}
	return pay.Status.SettledReason(), pay, nil
}

// milestoneNoLongerMet reports whether pay, a payment due on a milestone,
// has a target that no longer meets its threshold now, on counted figures
// (domain.Payment.MilestoneNoLongerMet): the target read by key (one
// request) and then the years of figures its window covers (one more), as
// the email is about to go, never figures the run read before (see
// currents). Any other payment, or one whose target is not there, reads
// nothing and is not flagged.
func (r *run) milestoneNoLongerMet(ctx context.Context, pd *programmeData, pay domain.Payment) (bool, error) {
	if pay.Status != domain.PaymentDue || !pay.OpenMilestone() || !domain.ValidID(pay.Trigger.TargetID) {
		return false, nil
	}
	var t domain.Target
	get := &service.Get{Ref: domain.Ref(domain.EntityTarget, pay.Trigger.TargetID), Into: &t}
	if err := r.Store.Read(ctx, pd.programme.ID, get); err != nil {
		return false, err
	}
	if !get.Found {
		return false, nil
	}
	fig, err := r.currents(ctx, pd, []domain.Target{t})
	if err != nil {
		return false, err
	}
	return pay.MilestoneNoLongerMet(&t, fig.current[t.ID]), nil
}

// settle finishes a leased notification that is no longer needed, for
// reason, with no more emails. One never handed to SES for anyone is
// withdrawn: it is deleted, with an audit event saying why, so the
// notifications list (whose statuses are pending, sent and failed) never
// shows an email that did not go as sent. One some recipients had before
// (a retry after a passing failure) stays listed as it stands: sent if
// anyone has it, else failed, with NotNeeded saying why the rest were not
// sent.
func (r *run) settle(ctx context.Context, note domain.Notification, reason domain.NotNeededReason) error {
	at := r.stamp()
	r.count(func(rep *Report) { rep.NotNeeded++ })
	if neverSent(note) {
		before := note.WithdrawnRecord(reason)
		ev := domain.NewAuditEvent(Actor, note.ProgrammeID, domain.EntityNotification, note.ID, domain.ActionDelete, before, nil, at)
		_, err := r.Store.WithdrawNotification(ctx, note, ev)
		return err
	}
	sending := note.Sending
	note = note.SettledUnneeded(reason, at)
	note.Sending = sending // those a run stopped while sending to stay recorded
	ev := domain.NewAuditEvent(Actor, note.ProgrammeID, domain.EntityNotification, note.ID, domain.ActionSend,
		nil, note.SentRecord(), at)
	return r.Store.FinishNotification(ctx, note, ev)
}

// neverSent reports whether no email of n was ever handed to SES: nobody
// has it, nobody refused it, and no run stopped while sending it.
func neverSent(n domain.Notification) bool {
	return len(n.Delivered) == 0 && len(n.Rejected) == 0 && len(n.Sending) == 0
}

func (r *run) lease() time.Duration {
	if r.Lease > 0 {
		return r.Lease
	}
	return DefaultLease
}

// DefaultLease outlasts the notifier function's 300 s timeout
// (template.yaml), so a run still alive is never overtaken mid-send; a run
// that died leaves its emails to the first run after the lease.
const DefaultLease = 6 * time.Minute

// short keeps an error readable in the notifications list.
func short(err error) string {
	s := err.Error()
	if len(s) > 300 {
		s = s[:300] + "…"
	}
	return s
}

// Handler is the notifier's Lambda handler. The scheduler's event says only
// that it is time; its content does not matter, which is also why a
// duplicate delivery of it is harmless.
func Handler(n *Notifier) func(ctx context.Context, event json.RawMessage) (Report, error) {
	return func(ctx context.Context, _ json.RawMessage) (Report, error) {
		rep, err := n.Run(ctx)
		n.log().Info("notifier run", "report", rep, "err", err)
		return rep, err
	}
}
