package store

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// The reporting cycle's items (docs/dynamodb.md, "Returns"):
//
//	SCHED                 the setup: seq, moved on by every schedule added or extended;
//	                      dd_<s>, each schedule's due days (for a portfolio);
//	                      pc_<s>, set when the schedule is made: its counts by
//	                      project (RETSTAT#) are whole (Schedule.CountedByProject)
//	SCHED#<s>             a schedule
//	SCHEDSTAT#<s>         its return counts by period end: e_<end> (expected),
//	                      u_<end> (nothing sent), ot_<end> (sent by the due date),
//	                      sub (awaiting review)
//	RETSTAT#<j>#<s>       the same counts of project j's returns alone, moved in
//	                      the same transactions, for a project lead (kept since
//	                      the schedule was made when the setup has pc_<s>)
//	RETGEN#<g>            returns still to write (GSI1 RETGEN / <startedAt>#<p>#<g>)
//	RETURN#<j>#<s>#<start> a return (see returns.go)

// ReportingSetup reads the programme's setup, schedules and their counts:
// one Query of the prefix they share, a page of 100 (a programme with more
// schedules pages on).
func (s *Store) ReportingSetup(ctx context.Context, programmeID string) (service.ReportingSetup, error) {
	setup := service.ReportingSetup{Stats: map[string]domain.ReturnStats{}}
	var counted map[string]bool
	p := service.Page{Limit: service.MaxLimit}
	for {
		next, err := s.list(ctx, query{pkAttr: "PK", skAttr: "SK", pk: pkProgramme(programmeID), prefix: skSetup}, p, func(item Item) error {
			sk := skAttr(item)
			switch {
			case sk == skSetup:
				var v struct {
					Seq int64 `json:"seq"`
				}
				if err := unmarshal(item, &v); err != nil {
					return err
				}
				setup.Seq = v.Seq
				counted = countedByProject(item)
			case strings.HasPrefix(sk, prefixSchedule):
				var sc domain.Schedule
				if err := unmarshal(item, &sc); err != nil {
					return fmt.Errorf("decode schedule: %w", err)
				}
				setup.Schedules = append(setup.Schedules, sc)
			case strings.HasPrefix(sk, prefixScheduleStats):
				id := strings.TrimPrefix(sk, prefixScheduleStats)
				setup.Stats[id] = decodeStats(id, item)
			}
			return nil
		})
		if err != nil {
			return setup, fmt.Errorf("read reporting setup of %s: %w", programmeID, err)
		}
		if next == "" {
			for i, sc := range setup.Schedules {
				setup.Schedules[i].CountedByProject = counted[sc.ID]
			}
			return setup, nil
		}
		p.Cursor = next
	}
}

// countedByProject reads which schedules keep their counts by project
// whole off the setup item (pc_<s>).
func countedByProject(setup Item) map[string]bool {
	out := map[string]bool{}
	for attr := range setup {
		if id, ok := strings.CutPrefix(attr, "pc_"); ok {
			out[id] = true
		}
	}
	return out
}

func decodeStats(id string, item Item) domain.ReturnStats {
	st := domain.ReturnStats{ScheduleID: id, Expected: map[domain.Date]int64{}, Unsent: map[domain.Date]int64{}, OnTime: map[domain.Date]int64{}}
	for attr, av := range item {
		nv, ok := av.(*types.AttributeValueMemberN)
		if !ok {
			continue
		}
		var n int64
		fmt.Sscan(nv.Value, &n)
		if attr == "sub" {
			st.Submitted = n
			continue
		}
		kind, day, ok := strings.Cut(attr, "_")
		if !ok {
			continue
		}
		d, err := domain.ParseDate(day)
		if err != nil {
			continue
		}
		switch kind {
		case "e":
			st.Expected[d] = n
		case "u":
			st.Unsent[d] = n
		case "ot":
			st.OnTime[d] = n
		}
	}
	return st
}

// statsKey names a counts item: a schedule's (ProjectID "": every
// project's) or one project's of it.
type statsKey struct{ ScheduleID, ProjectID string }

func (k statsKey) sk() string {
	if k.ProjectID == "" {
		return skScheduleStats(k.ScheduleID)
	}
	return skProjectStats(k.ProjectID, k.ScheduleID)
}

// statsUpdates are the transaction items that move each schedule's counts
// and each project's of it (one item per key: a transaction touches an
// item once).
func (s *Store) statsUpdates(programmeID string, by map[statsKey]domain.StatsDelta) []types.TransactWriteItem {
	ids := make([]statsKey, 0, len(by))
	for id := range by {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i].sk() < ids[j].sk() })
	var out []types.TransactWriteItem
	for _, id := range ids {
		sd := by[id]
		d := deltas{}
		for day, n := range sd.Expected {
			d.add("e_"+day.String(), float64(n))
		}
		for day, n := range sd.Unsent {
			d.add("u_"+day.String(), float64(n))
		}
		for day, n := range sd.OnTime {
			d.add("ot_"+day.String(), float64(n))
		}
		d.add("sub", float64(sd.Submitted))
		if len(d) == 0 {
			continue
		}
		u := s.addUpdate(pkProgramme(programmeID), id.sk(), d)
		if id.ProjectID == "" {
			floorAtZero(u.Update, d)
		}
		out = append(out, u)
	}
	return out
}

// floorAtZero conditions u, an addUpdate of d, on no count it takes away
// from going below zero: each attribute d lowers holds at least as much
// as it takes. Only a schedule's counts (SCHEDSTAT#) are so guarded: a
// project's of a schedule made before they were kept (no pc_<s> on the
// setup) lack its earlier returns, and go below zero as those are filled.
func floorAtZero(u *types.Update, d deltas) {
	var conds []string
	for n, a := range u.ExpressionAttributeNames {
		if v := d[a]; v < 0 {
			c := ":c" + strings.TrimPrefix(n, "#a")
			u.ExpressionAttributeValues[c] = &types.AttributeValueMemberN{Value: formatNum(-v)}
			conds = append(conds, n+" >= "+c)
		}
	}
	if len(conds) > 0 {
		sort.Strings(conds)
		u.ConditionExpression = aws.String(strings.Join(conds, " AND "))
	}
}

// mergeStats adds b, the change of one return, into the deltas of its
// schedule's counts and of its project's counts of that schedule.
func mergeStats(by map[statsKey]domain.StatsDelta, r domain.Return, b domain.StatsDelta) {
	mergeDelta(by, statsKey{ScheduleID: r.ScheduleID}, b)
	mergeDelta(by, statsKey{ScheduleID: r.ScheduleID, ProjectID: r.ProjectID}, b)
}

// mergeDelta adds b into the delta under k.
func mergeDelta(by map[statsKey]domain.StatsDelta, k statsKey, b domain.StatsDelta) {
	a := by[k]
	a.Merge(b)
	by[k] = a
}

// setupMove moves the setup's sequence on from seq: a submission planned
// on the schedules before this change then fails its check and plans
// again, so no schedule is missed. It also keeps the schedule's due days
// on the setup (dd_<scheduleId>), which is all a portfolio needs of a
// schedule besides its counts: so a page of programmes reads them with
// their totals, by key, instead of one Query a programme. A schedule
// being made (made) also gets pc_<scheduleId>: every return of it will
// move its project's counts (RETSTAT#) as well as the schedule's, so a
// project lead's are read by key. A schedule made before that has none,
// and is never given one: its counts by project miss its earlier
// returns.
func (s *Store) setupMove(programmeID string, seq int64, sc domain.Schedule, made bool) (types.TransactWriteItem, error) {
	v := map[string]any{":cur": seq, ":next": seq + 1, ":dd": sc.DueDays}
	set, names := "SET seq = :next, #dd = :dd", map[string]string{"#dd": "dd_" + sc.ID}
	if made {
		set += ", #pc = :pc"
		names["#pc"], v[":pc"] = "pc_"+sc.ID, true
	}
	vals, err := marshal(v)
	if err != nil {
		return types.TransactWriteItem{}, err
	}
	return types.TransactWriteItem{Update: &types.Update{
		TableName: &s.table, Key: key(pkProgramme(programmeID), skSetup),
		UpdateExpression:          aws.String(set),
		ConditionExpression:       aws.String("attribute_not_exists(seq) OR seq = :cur"),
		ExpressionAttributeNames:  names,
		ExpressionAttributeValues: vals,
	}}, nil
}

// setupCheck checks the setup's sequence is still seq.
func (s *Store) setupCheck(programmeID string, seq int64) types.TransactWriteItem {
	cond := "seq = :cur"
	if seq == 0 {
		cond = "attribute_not_exists(seq)"
	}
	cc := &types.ConditionCheck{TableName: &s.table, Key: key(pkProgramme(programmeID), skSetup), ConditionExpression: aws.String(cond)}
	if seq != 0 {
		cc.ExpressionAttributeValues = map[string]types.AttributeValue{":cur": num(seq)}
	}
	return types.TransactWriteItem{ConditionCheck: cc}
}

// genPut is the transaction item recording a generation.
func (s *Store) genPut(g service.Generation) (types.TransactWriteItem, error) {
	item, err := record(genItem(g), "generation", keys{PK: pkProgramme(g.ProgrammeID), SK: skGeneration(g.ID),
		GSI1PK: shardKeyOf(genIndex, g.ProgrammeID), GSI1SK: skGenerationIndex(g)})
	if err != nil {
		return types.TransactWriteItem{}, err
	}
	return types.TransactWriteItem{Put: &types.Put{TableName: &s.table, Item: item}}, nil
}

type genRecord struct {
	ID          string    `json:"id"`
	ProgrammeID string    `json:"programmeId"`
	ScheduleID  string    `json:"scheduleId,omitempty"`
	ProjectID   string    `json:"projectId,omitempty"`
	StartedAt   time.Time `json:"startedAt"`
	// RanStart and RanEnd are a generation's Ran, when it has one.
	RanStart *domain.Date `json:"ranStart,omitempty"`
	RanEnd   *domain.Date `json:"ranEnd,omitempty"`
}

func genItem(g service.Generation) genRecord {
	r := genRecord{ID: g.ID, ProgrammeID: g.ProgrammeID, ScheduleID: g.ScheduleID, ProjectID: g.ProjectID, StartedAt: g.StartedAt}
	if g.Ran != nil {
		start, end := g.Ran.StartDate, g.Ran.EndDate
		r.RanStart, r.RanEnd = &start, &end
	}
	return r
}

func (r genRecord) generation() service.Generation {
	g := service.Generation{ID: r.ID, ProgrammeID: r.ProgrammeID, ScheduleID: r.ScheduleID, ProjectID: r.ProjectID, StartedAt: r.StartedAt}
	if r.RanStart != nil || r.RanEnd != nil {
		g.Ran = &domain.Project{ID: r.ProjectID}
		if r.RanStart != nil {
			g.Ran.StartDate = *r.RanStart
		}
		if r.RanEnd != nil {
			g.Ran.EndDate = *r.RanEnd
		}
	}
	return g
}

// CreateSchedule stores a new schedule with its audit event and, when its
// returns are still to be written, the generation that says so.
func (s *Store) CreateSchedule(ctx context.Context, programmeID string, sc domain.Schedule, seq int64, gen *service.Generation, ch service.Change) error {
	item, err := record(sc, "schedule", keys{PK: pkProgramme(programmeID), SK: skSchedule(sc.ID)})
	if err != nil {
		return err
	}
	t := s.programmeExists(s.create(&tx{}, item), programmeID)
	if err := s.scheduleExtras(t, programmeID, seq, gen, sc, true); err != nil {
		return err
	}
	if err := s.write(ctx, ch, t); err != nil {
		return fmt.Errorf("create schedule %s: %w", sc.ID, err)
	}
	return nil
}

func (s *Store) scheduleExtras(t *tx, programmeID string, seq int64, gen *service.Generation, sc domain.Schedule, made bool) error {
	move, err := s.setupMove(programmeID, seq, sc, made)
	if err != nil {
		return err
	}
	t.add(move, service.ErrChanged)
	if gen != nil {
		put, err := s.genPut(*gen)
		if err != nil {
			return err
		}
		t.add(put, nil)
	}
	return nil
}

// UpdateSchedule replaces a schedule still at before's version.
func (s *Store) UpdateSchedule(ctx context.Context, programmeID string, before, after domain.Schedule, seq int64, gen *service.Generation, removed []domain.Return, ch service.Change) error {
	item, err := record(after, "schedule", keys{PK: pkProgramme(programmeID), SK: skSchedule(after.ID)})
	if err != nil {
		return err
	}
	t := s.versioned(&tx{}, item, before.Version)
	if err := s.scheduleExtras(t, programmeID, seq, gen, after, false); err != nil {
		return err
	}
	// Returns of periods the schedule no longer has.
	if err := s.returnRemovals(t, programmeID, removed); err != nil {
		return err
	}
	if err := s.write(ctx, ch, t); err != nil {
		return fmt.Errorf("update schedule %s: %w", after.ID, err)
	}
	return nil
}

// returnRemovals adds to t the deletes of returns nothing was sent for
// (of periods their schedule no longer has, or their project no longer
// runs during): each deleted while still as read with nothing sent and no
// payment made waiting on it since (its dependents revision, rev, as
// read; ErrChanged if not), which takes it out of the notifier's index
// (GSI3) with it, and its counts, the schedule's and the project's, taken
// back.
func (s *Store) returnRemovals(t *tx, programmeID string, removed []domain.Return) error {
	stats := map[statsKey]domain.StatsDelta{}
	for _, r := range removed {
		v := map[string]any{":v": r.Version, ":expected": domain.StateExpected}
		cond := "version = :v AND #state = :expected AND attribute_not_exists(rev)"
		if r.Rev != 0 {
			v[":rev"], cond = r.Rev, "version = :v AND #state = :expected AND rev = :rev"
		}
		vals, err := marshal(v)
		if err != nil {
			return err
		}
		t.add(types.TransactWriteItem{Delete: &types.Delete{
			TableName: &s.table, Key: key(pkProgramme(programmeID), skReturn(r.ProjectID, r.ScheduleID, r.PeriodStart)),
			ConditionExpression:       aws.String(cond),
			ExpressionAttributeNames:  map[string]string{"#state": "state"},
			ExpressionAttributeValues: vals,
		}}, service.ErrChanged)
		var d domain.StatsDelta
		d.Add(r, -1)
		mergeStats(stats, r, d)
	}
	for _, u := range s.statsUpdates(programmeID, stats) {
		t.add(u, service.ErrCountsBelowZero)
	}
	return nil
}

// projectReturns adds to t what new dates of a project do to its returns
// (see service.ProjectReturns): the setup's sequence moved on from the one
// read, the generation of newly covered periods' returns, and the
// removal of those of periods it no longer runs during.
func (s *Store) projectReturns(t *tx, programmeID string, rc *service.ProjectReturns) error {
	if rc == nil {
		return nil
	}
	vals, err := marshal(map[string]any{":cur": rc.Seq, ":next": rc.Seq + 1})
	if err != nil {
		return err
	}
	t.add(types.TransactWriteItem{Update: &types.Update{
		TableName: &s.table, Key: key(pkProgramme(programmeID), skSetup),
		UpdateExpression:          aws.String("SET seq = :next"),
		ConditionExpression:       aws.String("seq = :cur"),
		ExpressionAttributeValues: vals,
	}}, service.ErrChanged)
	if rc.Gen != nil {
		put, err := s.genPut(*rc.Gen)
		if err != nil {
			return err
		}
		t.add(put, nil)
	}
	return s.returnRemovals(t, programmeID, rc.Removed)
}

// ListSchedules lists a programme's schedules, oldest first.
func (s *Store) ListSchedules(ctx context.Context, programmeID string, p service.Page) ([]domain.Schedule, string, error) {
	var out []domain.Schedule
	next, err := s.listChildren(ctx, programmeID, prefixSchedule, p, func(item Item) error { return appendDecoded(item, &out) })
	return out, next, err
}

// FinishGeneration removes a generation's marker once its returns are
// all written.
func (s *Store) FinishGeneration(ctx context.Context, programmeID, genID string) error {
	_, err := s.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: &s.table, Key: key(pkProgramme(programmeID), skGeneration(genID))})
	if err != nil {
		return fmt.Errorf("finish generation %s: %w", genID, classify(err))
	}
	return nil
}

// Generations lists generations started before before, oldest first: those
// a failed request left unfinished, for the notifier to finish.
func (s *Store) Generations(ctx context.Context, shard int, before time.Time, p service.Page) ([]service.Generation, string, error) {
	if err := checkShard("unfinished generations", shard); err != nil {
		return nil, "", err
	}
	var out []service.Generation
	q := query{index: "GSI1", pkAttr: "GSI1PK", skAttr: "GSI1SK", pk: shardKey(genIndex, shard)}
	q.filter = func(item Item) bool {
		v, ok := item["GSI1SK"].(*types.AttributeValueMemberS)
		return ok && v.Value < service.SortTime(before)
	}
	next, err := s.list(ctx, q, p, func(item Item) error {
		var g genRecord
		if err := unmarshal(item, &g); err != nil {
			return err
		}
		out = append(out, g.generation())
		return nil
	})
	if err != nil {
		return nil, "", fmt.Errorf("list unfinished generations: %w", err)
	}
	return out, next, nil
}

// DueReturns lists returns not yet sent whose next check falls on or
// before today: one Query of the sparse index a page, so a run reads the
// returns that need it and no others.
func (s *Store) DueReturns(ctx context.Context, shard int, today domain.Date, p service.Page) ([]service.DueReturn, string, error) {
	var due []service.DueReturn
	next, err := s.dueList(ctx, "due returns", "GSI3", returnsDue, shard, today, p, func(item Item, programmeID, dueKey string) error {
		r, err := decodeReturn(item)
		if err != nil {
			return err
		}
		due = append(due, service.DueReturn{ProgrammeID: programmeID, Return: r, DueKey: dueKey,
			Rechecked: strings.Count(dueKey, "#") == 3}) // a recheck's mark (recheckDueKey)
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	return due, next, nil
}

// RescheduleReturn moves a return to its next check (or out of the index
// when next is zero), unless it changed since it was read (filled, or
// moved by another run): then there is nothing to move.
func (s *Store) RescheduleReturn(ctx context.Context, d service.DueReturn, next domain.Date) error {
	r := d.Return
	to := ""
	if !next.IsZero() {
		to = returnDueKey(d.ProgrammeID, r.ID, next)
	}
	if err := s.moveDue(ctx, key(pkProgramme(d.ProgrammeID), skReturn(r.ProjectID, r.ScheduleID, r.PeriodStart)), "GSI3", d.DueKey, to); err != nil {
		return fmt.Errorf("reschedule return %s: %w", r.ID, err)
	}
	return nil
}

// AwaitsReview reports whether a submission still awaits review: still
// pending, and still in the programme's review queue (a pending one
// corrected meanwhile has left it, and is settled by its correction). It
// also gives the submission's status ("" when it is not there), so the
// notifier can say why an email about it is no longer needed. One
// consistent GetItem of two attributes.
func (s *Store) AwaitsReview(ctx context.Context, programmeID, projectID, id string) (bool, domain.OutcomeStatus, error) {
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &s.table,
		Key: key(pkProgramme(programmeID), skOutcome(projectID, id)), ConsistentRead: aws.Bool(true),
		ProjectionExpression: aws.String("#status, GSI1PK"), ExpressionAttributeNames: map[string]string{"#status": "status"}})
	if err != nil {
		return false, "", fmt.Errorf("read submission %s: %w", id, classify(err))
	}
	if out.Item == nil {
		return false, "", nil
	}
	var o domain.Outcome
	if err := unmarshal(out.Item, &o); err != nil {
		return false, "", fmt.Errorf("decode submission %s: %w", id, err)
	}
	_, queued := out.Item["GSI1PK"]
	status := o.EffectiveStatus()
	return queued && status == domain.OutcomePending, status, nil
}

// PaymentNow reads a payment's status and trigger as they now stand (the
// zero payment when it is not there): one consistent GetItem of those
// alone, so a payment paid or cancelled a moment before is seen so, and a
// milestone tranche's email can say whether its target still meets its
// threshold.
func (s *Store) PaymentNow(ctx context.Context, programmeID, grantID, id string) (domain.Payment, error) {
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &s.table,
		Key: key(pkProgramme(programmeID), skPayment(grantID, id)), ConsistentRead: aws.Bool(true),
		ProjectionExpression:     aws.String("#status, #trigger"),
		ExpressionAttributeNames: map[string]string{"#status": "status", "#trigger": "trigger"}})
	if err != nil {
		return domain.Payment{}, fmt.Errorf("read payment %s: %w", id, classify(err))
	}
	if out.Item == nil {
		return domain.Payment{}, nil
	}
	var p domain.Payment
	if err := unmarshal(out.Item, &p); err != nil {
		return domain.Payment{}, fmt.Errorf("decode payment %s: %w", id, err)
	}
	return p, nil
}

// GrantFunder reads the funder of a grant as it now stands ("" when the
// grant is not there): one consistent GetItem of its funderId alone.
func (s *Store) GrantFunder(ctx context.Context, programmeID, grantID string) (string, error) {
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &s.table,
		Key: key(pkProgramme(programmeID), skGrant(grantID)), ConsistentRead: aws.Bool(true),
		ProjectionExpression: aws.String("funderId")})
	if err != nil {
		return "", fmt.Errorf("read grant %s: %w", grantID, classify(err))
	}
	if out.Item == nil {
		return "", nil
	}
	var g domain.Grant
	if err := unmarshal(out.Item, &g); err != nil {
		return "", fmt.Errorf("decode grant %s: %w", grantID, err)
	}
	return g.FunderID, nil
}

// Corrected reports whether a submission has been corrected: its
// correction marker exists. One consistent GetItem of its key alone.
func (s *Store) Corrected(ctx context.Context, programmeID, id string) (bool, error) {
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &s.table,
		Key: key(pkProgramme(programmeID), skSuperseded(id)), ConsistentRead: aws.Bool(true),
		ProjectionExpression: aws.String("PK")})
	if err != nil {
		return false, fmt.Errorf("read the correction marker of %s: %w", id, classify(err))
	}
	return out.Item != nil, nil
}

// Schedule reads one schedule (for the notifier, which reads without a
// caller).
func (s *Store) Schedule(ctx context.Context, programmeID, id string) (domain.Schedule, bool, error) {
	var sc domain.Schedule
	ok, err := s.get(ctx, pkProgramme(programmeID), skSchedule(id), &sc)
	if err != nil {
		return sc, false, fmt.Errorf("get schedule %s: %w", id, err)
	}
	return sc, ok, nil
}

// RecheckReturns puts the schedule's returns not yet sent whose periods
// end in [from, to) in the notifier's index for day on (recheckDueKey:
// a run that read one before does not move it on): one Query of the
// schedule's "expected" partition (of each project's, GSI2, for
// projectIDs) and an update a return. A return filled meanwhile is left
// out of the index (the update's condition).
func (s *Store) RecheckReturns(ctx context.Context, programmeID, scheduleID string, projectIDs []string, from, to, on domain.Date) error {
	if projectIDs != nil && len(projectIDs) == 0 {
		return nil // no project: nothing to look at (an empty filter would read them all)
	}
	qs, _ := returnQueries(programmeID, service.ReturnFilter{ProjectIDs: projectIDs,
		Ranges: []service.ReturnRange{{ScheduleID: scheduleID, List: domain.ListExpected, From: from, To: to}}})
	p := service.Page{Limit: service.MaxLimit}
	for {
		items, next, err := s.mergeList(ctx, qs, p, skAttr)
		if err != nil {
			return fmt.Errorf("recheck returns of %s: %w", scheduleID, err)
		}
		for _, item := range items {
			r, err := decodeReturn(item)
			if err != nil {
				return err
			}
			vals, _ := marshal(map[string]any{":due": shardKeyOf(returnsDue, programmeID), ":key": recheckDueKey(programmeID, r.ID, on), ":expected": domain.StateExpected})
			_, err = s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
				TableName: &s.table, Key: key(pkProgramme(programmeID), skReturn(r.ProjectID, r.ScheduleID, r.PeriodStart)),
				UpdateExpression:          aws.String("SET GSI3PK = :due, GSI3SK = :key"),
				ConditionExpression:       aws.String("#state = :expected"),
				ExpressionAttributeNames:  map[string]string{"#state": "state"},
				ExpressionAttributeValues: vals,
			})
			var ccf *types.ConditionalCheckFailedException
			if err != nil && !errors.As(err, &ccf) {
				return fmt.Errorf("recheck return %s: %w", r.ID, classify(err))
			}
		}
		if next == "" {
			return nil
		}
		p.Cursor = next
	}
}
