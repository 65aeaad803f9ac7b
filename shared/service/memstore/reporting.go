package memstore

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"slices"
	"sort"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// The reporting cycle, kept as the DynamoDB store keeps it: the setup's
// sequence, each schedule and its return counts, each return (with its
// state and version), generations still to finish, and submissions in
// review found by their status.

// Record kinds the DynamoDB store keeps beside the audited entities.
const (
	entitySetup domain.Entity = "setup"
	entityStats domain.Entity = "schedule-stats"
	// A project's return counts of a schedule: ProjectRef(project, schedule).
	entityProjectStats domain.Entity = "project-stats"
	entityGeneration   domain.Entity = "generation"
)

var setupRef = domain.RecordRef{Entity: entitySetup}

// setupRecord is the reporting setup: its sequence, and the schedules
// whose counts by project are whole (made since they were kept: the
// DynamoDB store's pc_<s>).
type setupRecord struct {
	Seq     int64
	Counted map[string]bool `json:",omitempty"`
}

// statsRecord is a schedule's return counts by period end.
type statsRecord struct {
	Expected, Unsent, OnTime map[string]int64
	Submitted                int64
}

// memReturn is a return as kept: the API's fields and its state, version
// and when it was first expected (the DynamoDB store's returnItem).
type memReturn struct {
	domain.Return
	State     domain.ReturnState
	Version   int64
	CreatedAt time.Time
	// Look is the day the notifier next looks at the return, while
	// nothing is sent for it (zero: it is in no index): the DynamoDB
	// store's GSI3 entry, put at its first check each time it is written.
	Look domain.Date `json:",omitzero"`
	// LookMark is a recheck's mark on Look (RecheckReturns), as the
	// DynamoDB store's key then ends: a run that read the return before
	// finds it moved.
	LookMark string `json:",omitempty"`
	// RemindedOn is the day a reminder of it was last claimed
	// (ClaimNotification), as the DynamoDB store's remindedOn.
	RemindedOn domain.Date `json:",omitzero"`
}

func (m memReturn) domain() domain.Return {
	r := m.Return
	r.State, r.Version, r.CreatedAt, r.RemindedOn = m.State, m.Version, m.CreatedAt, m.RemindedOn
	r.Status = ""
	return r
}

func keep(r domain.Return) memReturn {
	m := memReturn{Return: r, State: r.State, Version: r.Version, CreatedAt: r.CreatedAt, RemindedOn: r.RemindedOn}
	if !r.Sent() {
		m.Look = r.FirstCheck()
	}
	return m
}

// generation records a generation in the change's transaction.
func (t *tx) generation(g *service.Generation) *tx {
	if g == nil {
		return t
	}
	gen := *g
	return t.then(func(p *partition) { p.put(domain.Ref(entityGeneration, gen.ID), gen) })
}

// setupMove moves the setup's sequence on from seq (else ErrChanged);
// made, when not "", is a schedule being made, whose counts by project
// are then whole.
func (t *tx) setupMove(seq int64, made string) *tx {
	t.check(t.p.seq() == seq, service.ErrChanged)
	return t.then(func(p *partition) {
		r := p.setup()
		r.Seq = seq + 1
		if made != "" {
			if r.Counted == nil {
				r.Counted = map[string]bool{}
			}
			r.Counted[made] = true
		}
		p.put(setupRef, r)
	})
}

func (p *partition) setup() setupRecord {
	var r setupRecord
	p.decode(setupRef, &r)
	return r
}

func (p *partition) seq() int64 { return p.setup().Seq }

// ForgetProjectCounts makes the programme's schedules as those made
// before return counts were kept by project are in the DynamoDB store:
// not marked whole, with counts by project that miss the returns written
// so far (here: none at all). Later writes move them again, as there.
// For tests of the counts a project lead gets from such a schedule.
func (s *Store) ForgetProjectCounts(programmeID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.progs[programmeID]
	if p == nil {
		return
	}
	r := p.setup()
	r.Counted = nil
	p.put(setupRef, r)
	for ref := range p.records {
		if ref.Entity == entityProjectStats {
			delete(p.records, ref)
		}
	}
}

// returnWrites checks each return is as read and writes it, with its
// schedule's counts.
func (t *tx) returnWrites(ws []service.ReturnWrite) *tx {
	for _, w := range ws {
		ref := domain.Ref(domain.EntityReturn, w.After.ID)
		var cur domain.Return
		ok, _ := t.p.decode(ref, &cur)
		after := w.After
		if w.Before == nil {
			t.check(!ok, service.ErrChanged)
			after.Version = 1
		} else {
			t.check(ok && cur.Version == w.Before.Version, service.ErrChanged)
			after.Version = w.Before.Version + 1
		}
		d := domain.ReturnStatsChange(w.Before, after)
		t.movesCounts(after.ScheduleID, d)
		t.then(func(p *partition) {
			p.put(ref, keep(after))
			p.addStats(after, d)
		})
	}
	return t
}

// returnRemovals deletes each of rs, still at the version read with
// nothing sent (else ErrChanged), and takes back its counts: the
// DynamoDB store's Delete, which takes the return out of the notifier's
// index with it.
func (t *tx) returnRemovals(rs []domain.Return) *tx {
	for _, r := range rs {
		ref := domain.Ref(domain.EntityReturn, r.ID)
		var cur domain.Return
		ok, _ := t.p.decode(ref, &cur)
		t.check(ok && cur.Version == r.Version && !cur.Sent() && t.p.rev(ref) == r.Rev, service.ErrChanged)
		var d domain.StatsDelta
		d.Add(cur, -1)
		t.movesCounts(cur.ScheduleID, d)
		t.then(func(p *partition) {
			k, _ := slot(ref)
			delete(p.records, k)
			delete(p.revs, k)
			p.addStats(cur, d)
		})
	}
	return t
}

// movesCounts notes that the change moves schedule's counts by d, for
// belowZero.
func (t *tx) movesCounts(schedule string, d domain.StatsDelta) {
	if t.counts == nil {
		t.counts = map[string]domain.StatsDelta{}
	}
	a := t.counts[schedule]
	a.Merge(d)
	t.counts[schedule] = a
}

// belowZero says whether the change takes one of a schedule's counts
// below zero, which the DynamoDB store's condition on its SCHEDSTAT
// items refuses (service.ErrCountsBelowZero). A project's counts are not
// checked: those of a schedule made before they were kept go below zero
// (ForgetProjectCounts).
func (t *tx) belowZero() bool {
	for schedule, d := range t.counts {
		var st statsRecord
		t.p.decode(domain.Ref(entityStats, schedule), &st)
		for _, m := range []struct {
			have map[string]int64
			move map[domain.Date]int64
		}{{st.Expected, d.Expected}, {st.Unsent, d.Unsent}, {st.OnTime, d.OnTime}} {
			for day, n := range m.move {
				if n < 0 && m.have[day.String()]+n < 0 {
					return true
				}
			}
		}
		if d.Submitted < 0 && st.Submitted+d.Submitted < 0 {
			return true
		}
	}
	return false
}

// addStats moves the counts of r's schedule, and of r's project of it,
// by d.
func (p *partition) addStats(r domain.Return, d domain.StatsDelta) {
	p.addStatsAt(domain.Ref(entityStats, r.ScheduleID), d)
	p.addStatsAt(domain.ProjectRef(entityProjectStats, r.ProjectID, r.ScheduleID), d)
}

func (p *partition) addStatsAt(ref domain.RecordRef, d domain.StatsDelta) {
	var st statsRecord
	p.decode(ref, &st)
	add := func(m *map[string]int64, from map[domain.Date]int64) {
		for day, n := range from {
			if n == 0 {
				continue
			}
			if *m == nil {
				*m = map[string]int64{}
			}
			(*m)[day.String()] += n
		}
	}
	add(&st.Expected, d.Expected)
	add(&st.Unsent, d.Unsent)
	add(&st.OnTime, d.OnTime)
	st.Submitted += d.Submitted
	p.put(ref, st)
}

// outcomeStillAs checks a submission is there in the review state read.
func (t *tx) outcomeStillAs(o domain.Outcome) *tx {
	var cur domain.Outcome
	ref := domain.ProjectRef(domain.EntityOutcome, o.ProjectID, o.ID)
	ok, _ := t.p.decode(ref, &cur)
	if !ok {
		return t.exists(ref)
	}
	return t.check(cur.EffectiveStatus() == o.EffectiveStatus(), service.ErrChanged)
}

// figures applies a figure change to the totals and series.
func (t *tx) figures(fc domain.FigureChange, at time.Time) *tx {
	d := delta{}
	if len(fc.Count)+len(fc.Uncount) > 0 {
		d.at = at
	}
	for _, o := range fc.Count {
		d.outcome(o, 1)
	}
	for _, o := range fc.Uncount {
		d.outcome(o, -1)
	}
	for _, o := range fc.Pend {
		d.pend(o, 1)
	}
	for _, o := range fc.Unpend {
		d.pend(o, -1)
	}
	// The daily series are added up from the submissions that count when
	// read (see Series), so they need no writing here.
	return t.totals(d)
}

// notify records a notification, which must be new.
func (t *tx) notify(n *domain.Notification) *tx {
	if n == nil {
		return t
	}
	return t.create(domain.Ref(domain.EntityNotification, n.ID), *n)
}

// CreateOutcome implements service.DeliveryStore: as the DynamoDB store,
// in the order of its transaction's items.
func (s *Store) CreateOutcome(_ context.Context, programmeID string, sub service.Submission, ch service.Change) error {
	o, old := sub.Outcome, sub.Old
	if old != nil && old.ProjectID != o.ProjectID {
		return &service.MissingRefError{Refs: []domain.RecordRef{domain.ProjectRef(domain.EntityOutcome, o.ProjectID, old.ID)}}
	}
	return s.write("CreateOutcome", programmeID, ch, func(t *tx) { t.submission(sub) })
}

// submission adds what storing one submission checks and writes, in the
// order of the DynamoDB store's transaction items.
func (t *tx) submission(sub service.Submission) {
	o, old := sub.Outcome, sub.Old
	t.create(domain.ProjectRef(domain.EntityOutcome, o.ProjectID, o.ID), o)
	t.exists(domain.Ref(domain.EntityProject, o.ProjectID))
	if o.CohortID != "" {
		t.exists(domain.ProjectRef(domain.EntityCohort, o.ProjectID, o.CohortID))
	}
	if old != nil {
		replaced := domain.ProjectRef(domain.EntityOutcome, old.ProjectID, old.ID)
		by := ""
		if t.p != nil {
			by = newest(t.p.superseded, old.ID)
		}
		t.check(by == "", &service.AlreadyCorrectedError{Replaced: replaced, By: domain.ProjectRef(domain.EntityOutcome, old.ProjectID, by)})
		t.outcomeStillAs(*old)
		t.then(func(p *partition) { p.supersede(*old, o.ID) })
	}
	for _, x := range sub.TakesOver {
		// Taken over once sent back: marked as a correction would mark
		// it, and a correction that came first is a change to replan on.
		if x.ProjectID != o.ProjectID {
			t.exists(domain.ProjectRef(domain.EntityOutcome, o.ProjectID, x.ID))
			continue
		}
		t.check(t.p == nil || t.p.superseded[x.ID] == "", service.ErrChanged)
		t.outcomeStillAs(x)
		t.then(func(p *partition) { p.supersede(x, o.ID) })
	}
	for _, pr := range sub.Planned {
		t.premise(pr)
	}
	t.figures(sub.Figures, o.SubmittedAt).returnWrites(sub.Returns)
	t.check(t.p.seq() == sub.Seq, service.ErrChanged)
	t.notify(sub.Notify)
	t.release(sub.Release)
}

// supersede marks x corrected by the submission by: its correction
// marker, and its record's correctedBy, as the DynamoDB store's update of
// it writes (which keeps its dependents revision).
func (p *partition) supersede(x domain.Outcome, by string) {
	p.superseded[x.ID] = by
	ref := domain.ProjectRef(domain.EntityOutcome, x.ProjectID, x.ID)
	var cur domain.Outcome
	if ok, _ := p.decode(ref, &cur); !ok {
		return
	}
	cur.CorrectedBy = by
	k, _ := slot(ref)
	rev, had := p.revs[k]
	p.put(ref, cur)
	if had {
		p.revs[k] = rev
	}
}

// ReviewOutcome implements service.ReportingStore.
func (s *Store) ReviewOutcome(_ context.Context, programmeID string, rv service.OutcomeReview, ch service.Change) error {
	y := rv.After
	return s.write("ReviewOutcome", programmeID, ch, func(t *tx) {
		t.outcomeStillAs(rv.Before)
		by := ""
		if t.p != nil {
			by = newest(t.p.superseded, y.ID)
		}
		ref := domain.ProjectRef(domain.EntityOutcome, y.ProjectID, y.ID)
		t.check(by == "", &service.AlreadyCorrectedError{Replaced: ref, By: domain.ProjectRef(domain.EntityOutcome, y.ProjectID, by)})
		t.then(func(p *partition) { p.put(ref, y) })
		t.figures(rv.Figures, y.Review.At).returnWrites(rv.Returns).notify(rv.Notify).release(rv.Release)
	})
}

// outcomeEntries are the programme's submissions (of one project, when
// projectID is not ""), ordered as the table's keys order them.
func (p *partition) outcomeEntries(projectID string) []entry {
	var out []entry
	if p == nil {
		return out
	}
	for ref, data := range p.records {
		if ref.Entity == domain.EntityOutcome && (projectID == "" || ref.ProjectID == projectID) {
			out = append(out, entry{key: ref.ProjectID + "#" + ref.ID, data: data})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].key < out[j].key })
	return out
}

// ListPendingOutcomes implements service.ReportingStore: submissions
// awaiting review and not corrected, oldest first.
func (s *Store) ListPendingOutcomes(_ context.Context, programmeID string, p service.Page) ([]domain.Outcome, string, error) {
	if err := s.enter("ListPendingOutcomes"); err != nil {
		return nil, "", err
	}
	defer s.mu.Unlock()
	part := s.progs[programmeID]
	var es []entry
	for _, e := range part.outcomeEntries("") {
		var o domain.Outcome
		if json.Unmarshal(e.data, &o) == nil && o.Status == domain.OutcomePending && part.superseded[o.ID] == "" {
			es = append(es, entry{key: service.SortTime(o.SubmittedAt) + "#" + o.ID, data: e.data})
		}
	}
	sort.Slice(es, func(i, j int) bool { return es[i].key < es[j].key })
	return page[domain.Outcome](programmeID+"/pending outcomes", es, false, nil, p)
}

// ReportingSetup implements service.ReportingStore.
func (s *Store) ReportingSetup(_ context.Context, programmeID string) (service.ReportingSetup, error) {
	setup := service.ReportingSetup{Stats: map[string]domain.ReturnStats{}}
	if err := s.enter("ReportingSetup"); err != nil {
		return setup, err
	}
	defer s.mu.Unlock()
	p := s.progs[programmeID]
	rec := p.setup()
	setup.Seq = rec.Seq
	for _, e := range p.entries(domain.EntitySchedule, "") {
		var sc domain.Schedule
		if err := json.Unmarshal(e.data, &sc); err != nil {
			return setup, err
		}
		sc.CountedByProject = rec.Counted[sc.ID]
		setup.Schedules = append(setup.Schedules, sc)
		var st statsRecord
		p.decode(domain.Ref(entityStats, sc.ID), &st)
		rs := domain.ReturnStats{ScheduleID: sc.ID, Expected: dates(st.Expected), Unsent: dates(st.Unsent), OnTime: dates(st.OnTime), Submitted: st.Submitted}
		setup.Stats[sc.ID] = rs
	}
	return setup, nil
}

func dates(m map[string]int64) map[domain.Date]int64 {
	out := map[domain.Date]int64{}
	for k, n := range m {
		if n != 0 {
			out[domain.MustDate(k)] = n
		}
	}
	return out
}

// CreateSchedule implements service.ReportingStore.
func (s *Store) CreateSchedule(_ context.Context, programmeID string, sc domain.Schedule, seq int64, gen *service.Generation, ch service.Change) error {
	return s.write("CreateSchedule", programmeID, ch, func(t *tx) {
		t.create(domain.Ref(domain.EntitySchedule, sc.ID), domain.StoredSchedule(sc)).programmeExists().setupMove(seq, sc.ID).generation(gen)
	})
}

// UpdateSchedule implements service.ReportingStore.
func (s *Store) UpdateSchedule(_ context.Context, programmeID string, before, after domain.Schedule, seq int64, gen *service.Generation, removed []domain.Return, ch service.Change) error {
	return s.write("UpdateSchedule", programmeID, ch, func(t *tx) {
		t.versioned(domain.Ref(domain.EntitySchedule, after.ID), domain.StoredSchedule(after), before.Version).setupMove(seq, "").generation(gen).returnRemovals(removed)
	})
}

// ListSchedules implements service.ReportingStore.
func (s *Store) ListSchedules(_ context.Context, programmeID string, p service.Page) ([]domain.Schedule, string, error) {
	return listOf[domain.Schedule](s, "ListSchedules", programmeID, domain.EntitySchedule, "", nil, p)
}

// CreateReturns implements service.ReportingStore: each return not
// written yet is written with its counts; written ones stay as they are.
// The premises planned of the returns' schedules, projects and the
// submissions they were filled from (service.PremisesOf) are checked
// first, as the DynamoDB store's transactions carry them (one write here,
// where that store may write part before a premise fails), and each
// moves its record's dependents revision on.
func (s *Store) CreateReturns(_ context.Context, programmeID string, returns []domain.Return, planned ...service.Premise) error {
	if err := s.enter("CreateReturns"); err != nil {
		return err
	}
	defer s.mu.Unlock()
	p := s.part(programmeID)
	t := &tx{s: s, pid: programmeID, p: p}
	premisesOf, seen := service.PremisesOf(planned), map[domain.RecordRef]bool{}
	for _, r := range returns {
		for _, pr := range premisesOf(r) {
			if !seen[pr.Ref] {
				seen[pr.Ref] = true
				t.premise(pr)
			}
		}
	}
	if err := t.apply(programmeID); err != nil {
		return err
	}
	for _, r := range returns {
		ref := domain.Ref(domain.EntityReturn, r.ID)
		if p.has(ref) {
			continue
		}
		r.Version = 1
		p.put(ref, keep(r))
		p.addStats(r, domain.ReturnStatsChange(nil, r))
	}
	return nil
}

// FinishGeneration implements service.ReportingStore.
func (s *Store) FinishGeneration(_ context.Context, programmeID, genID string) error {
	if err := s.enter("FinishGeneration"); err != nil {
		return err
	}
	defer s.mu.Unlock()
	if p := s.progs[programmeID]; p != nil {
		k, _ := slot(domain.Ref(entityGeneration, genID))
		delete(p.records, k)
	}
	return nil
}

// RecheckReturns implements service.ReportingStore: the schedule's
// returns not yet sent whose periods end in [from, to) (of projectIDs
// only, when not nil) are looked at next on day on.
func (s *Store) RecheckReturns(_ context.Context, programmeID, scheduleID string, projectIDs []string, from, to, on domain.Date) error {
	if err := s.enter("RecheckReturns"); err != nil {
		return err
	}
	defer s.mu.Unlock()
	p := s.progs[programmeID]
	for _, e := range p.entries(domain.EntityReturn, "") {
		var m memReturn
		if err := json.Unmarshal(e.data, &m); err != nil {
			return err
		}
		if m.ScheduleID != scheduleID || m.State != domain.StateExpected || projectIDs != nil && !slices.Contains(projectIDs, m.ProjectID) ||
			!from.IsZero() && m.PeriodEnd.Before(from) || !to.IsZero() && !m.PeriodEnd.Before(to) {
			continue
		}
		m.Look, m.LookMark = on, domain.NewID()
		p.putKeepRev(domain.Ref(domain.EntityReturn, m.ID), m)
	}
	return nil
}

// ListReturns implements service.ReportingStore, in the DynamoDB store's
// orders: by key for lists without ranges (or of period starts), else by
// period end, project and schedule.
func (s *Store) ListReturns(_ context.Context, programmeID string, f service.ReturnFilter, p service.Page) ([]domain.Return, string, error) {
	if err := s.enter("ListReturns"); err != nil {
		return nil, "", err
	}
	defer s.mu.Unlock()
	part := s.progs[programmeID]
	var es []entry
	for _, e := range part.entries(domain.EntityReturn, "") {
		var m memReturn
		if err := json.Unmarshal(e.data, &m); err != nil {
			return nil, "", err
		}
		r := m.domain()
		if len(f.ProjectIDs) > 0 && !slices.Contains(f.ProjectIDs, r.ProjectID) {
			continue
		}
		key := r.ProjectID + "#" + r.ScheduleID + "#" + r.PeriodStart.String()
		if len(f.Starts) > 0 {
			if !slices.ContainsFunc(f.Starts, func(rg service.StartRange) bool {
				return rg.ScheduleID == r.ScheduleID &&
					(rg.From.IsZero() || !r.PeriodStart.Before(rg.From)) && (rg.To.IsZero() || r.PeriodStart.Before(rg.To))
			}) {
				continue
			}
		} else if len(f.Ranges) > 0 {
			if !slices.ContainsFunc(f.Ranges, func(rg service.ReturnRange) bool {
				return rg.ScheduleID == r.ScheduleID && rg.List == r.List() &&
					(rg.From.IsZero() || !r.PeriodEnd.Before(rg.From)) && (rg.To.IsZero() || r.PeriodEnd.Before(rg.To))
			}) {
				continue
			}
			key = r.PeriodEnd.String() + "#" + r.ProjectID + "#" + r.ScheduleID
		}
		es = append(es, entry{key: key, data: e.data})
	}
	sort.Slice(es, func(i, j int) bool { return es[i].key < es[j].key })
	raw, _ := json.Marshal(f)
	list := programmeID + "/returns/" + base64.RawURLEncoding.EncodeToString(raw)
	ms, next, err := page[memReturn](list, es, false, nil, p)
	out := make([]domain.Return, len(ms))
	for i, m := range ms {
		out[i] = m.domain()
		out[i].Rev = part.rev(domain.Ref(domain.EntityReturn, m.ID))
	}
	return out, next, err
}

// UpdateProgramme implements service.ProgrammeStore (a programme made
// before programmes had versions is at version 0).
func (s *Store) UpdateProgramme(_ context.Context, before, after domain.Programme, ch service.Change) error {
	return s.write("UpdateProgramme", after.ID, ch, func(t *tx) {
		var cur domain.Programme
		ok, _ := t.p.decode(domain.RecordRef{Entity: domain.EntityProgramme}, &cur)
		t.check(ok && cur.Version == before.Version, service.ErrStale)
		t.then(func(p *partition) { p.put(domain.RecordRef{Entity: domain.EntityProgramme}, after) })
	})
}

// counted are the submissions whose figures count now: approved ones
// that no approved correction has taken over from. With review a
// correction waits, pending, while the approved figures it corrects
// still count.
func (p *partition) counted() ([]domain.Outcome, error) {
	var all []domain.Outcome
	for ref, data := range p.records {
		if ref.Entity != domain.EntityOutcome {
			continue
		}
		var o domain.Outcome
		if err := json.Unmarshal(data, &o); err != nil {
			return nil, err
		}
		all = append(all, o)
	}
	replaced := map[string]bool{}
	for _, o := range all {
		if o.Counted() && o.ReplacesApproved != "" {
			replaced[o.ReplacesApproved] = true
		}
	}
	var out []domain.Outcome
	for _, o := range all {
		if o.Counted() && !replaced[o.ID] {
			out = append(out, o)
		}
	}
	return out, nil
}
