package store

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// A return (PK=PROG#<p>, SK=RETURN#<j>#<s>#<periodStart>) sits in three
// indexes:
//
//	GSI1 RETS#<p>#<s>#<list>     / <periodEnd>#<j>   a schedule's returns in one list
//	GSI2 RETP#<p>#<j>#<s>#<list> / <periodEnd>       one project's, of one schedule, in one list
//	GSI3 RDUE                    / <day>#<p>#<id>    while nothing is sent: the day the notifier looks next
//	                                                 (#<mark> after it when a recheck put it there: recheckDueKey)
//
// The list (domain.ReturnList) is the return's state, except that an
// accepted return whose newest correction was sent back is in the list
// correction-sent-back, so a project lead's corrections to correct are
// read by index; it moves back to accepted when that correction is
// corrected again or approved (the return is rewritten whole each time).
// Within one schedule every return is due the same number of days after
// its period ends, so the time-derived statuses of returns not yet sent
// (upcoming, open, overdue) are each one range of period ends in the
// "expected" partitions: a list by status is an exact range Query, one a
// schedule (and project) and list, whatever the history.

// returnItem is a return as stored: the API's fields and what the store
// and the notifier need besides.
type returnItem struct {
	ID           string                   `json:"id"`
	ScheduleID   string                   `json:"scheduleId"`
	ProjectID    string                   `json:"projectId"`
	PeriodStart  domain.Date              `json:"periodStart"`
	PeriodEnd    domain.Date              `json:"periodEnd"`
	DueDate      domain.Date              `json:"dueDate"`
	State        domain.ReturnState       `json:"state"`
	SubmissionID string                   `json:"submissionId,omitempty"`
	SubmittedAt  *time.Time               `json:"submittedAt,omitempty"`
	Late         bool                     `json:"late"`
	Review       *domain.Review           `json:"review,omitempty"`
	Correction   *domain.ReturnCorrection `json:"correction,omitempty"`
	Version      int64                    `json:"version"`
	CreatedAt    time.Time                `json:"createdAt"`
	// RemindedOn is set by a reminder's claim (ClaimNotification), never
	// by a write of the whole return: a return not yet sent is never
	// rewritten, and once sent it is reminded no more.
	RemindedOn *domain.Date `json:"remindedOn,omitempty"`
	// Rev is its dependents revision (see tx.go's premise: a payment made
	// waiting on it moves it on), read only: a write of the whole return
	// (a fill, once it is sent) leaves it out, as any replacement without
	// a guard does, and only an unsent return's removal checks it.
	Rev int64 `json:"rev,omitempty"`
}

func toItem(r domain.Return) returnItem {
	var reminded *domain.Date
	if !r.RemindedOn.IsZero() {
		reminded = &r.RemindedOn
	}
	return returnItem{ID: r.ID, ScheduleID: r.ScheduleID, ProjectID: r.ProjectID, PeriodStart: r.PeriodStart, PeriodEnd: r.PeriodEnd,
		DueDate: r.DueDate, State: r.State, SubmissionID: r.SubmissionID, SubmittedAt: r.SubmittedAt, Late: r.Late, Review: r.Review,
		Correction: r.Correction, Version: r.Version, CreatedAt: r.CreatedAt, RemindedOn: reminded}
}

func (it returnItem) domain() domain.Return {
	var reminded domain.Date
	if it.RemindedOn != nil {
		reminded = *it.RemindedOn
	}
	return domain.Return{ID: it.ID, ScheduleID: it.ScheduleID, ProjectID: it.ProjectID, PeriodStart: it.PeriodStart, PeriodEnd: it.PeriodEnd,
		DueDate: it.DueDate, State: it.State, SubmissionID: it.SubmissionID, SubmittedAt: it.SubmittedAt, Late: it.Late, Review: it.Review,
		Correction: it.Correction, Version: it.Version, CreatedAt: it.CreatedAt, RemindedOn: reminded, Rev: it.Rev}
}

func decodeReturn(item Item) (domain.Return, error) {
	var it returnItem
	if err := unmarshal(item, &it); err != nil {
		return domain.Return{}, fmt.Errorf("decode return: %w", err)
	}
	return it.domain(), nil
}

// returnRecord is the item of a return, with its keys.
func returnRecord(programmeID string, r domain.Return) (Item, error) {
	k := keys{PK: pkProgramme(programmeID), SK: skReturn(r.ProjectID, r.ScheduleID, r.PeriodStart),
		GSI1PK: returnPartition(programmeID, r.ScheduleID, r.List()), GSI1SK: skReturnByEnd(r),
		GSI2PK: projectReturnPartition(programmeID, r.ProjectID, r.ScheduleID, r.List()), GSI2SK: skProjectReturnByEnd(r)}
	if !r.Sent() {
		k.GSI3PK, k.GSI3SK = shardKeyOf(returnsDue, programmeID), returnDueKey(programmeID, r.ID, r.FirstCheck())
	}
	return record(toItem(r), "return", k)
}

// errReturnExists is a return create that found the return written.
var errReturnExists = errors.New("return exists")

// returnWrites adds to t the items of ws: each return conditioned on
// being as read (ErrChanged if not), and the counts they move, merged into
// stats by schedule and by project of each schedule.
func (s *Store) returnWrites(t *tx, programmeID string, ws []service.ReturnWrite, stats map[statsKey]domain.StatsDelta) error {
	for _, w := range ws {
		after := w.After
		if w.Before == nil {
			after.Version = 1
		} else {
			after.Version = w.Before.Version + 1
			if !after.Sent() {
				// Rewriting a return not yet sent would put it back where
				// the notifier first looks, undoing where it moved it.
				return fmt.Errorf("return %s: only a return something is sent for is rewritten", after.ID)
			}
		}
		item, err := returnRecord(programmeID, after)
		if err != nil {
			return err
		}
		put := &types.Put{TableName: &s.table, Item: item}
		if w.Before == nil {
			put.ConditionExpression = aws.String("attribute_not_exists(PK)")
		} else {
			put.ConditionExpression = aws.String("version = :v")
			put.ExpressionAttributeValues = map[string]types.AttributeValue{":v": num(w.Before.Version)}
		}
		t.add(types.TransactWriteItem{Put: put}, service.ErrChanged)
		mergeStats(stats, after, domain.ReturnStatsChange(w.Before, after))
	}
	return nil
}

// CreateReturns writes those of returns not written yet, each schedule's
// in transactions of up to 100 items: returns, the schedule's counts they
// add and each of their projects' counts, and the premises they were
// planned on of the schedule, each of those projects and each submission
// a return was filled from (returnChunks;
// each an Update moving the record's dependents revision on, conditioned
// on the fields the plan read: see premise). A transaction that finds
// one of its returns written (by a submission that filled it first, or an
// earlier attempt) is written again one return at a time, leaving the
// written ones as they are, so no count is added twice. A premise no
// longer holding is its Err (service.ErrChanged): what earlier
// transactions wrote stays, and the plan is made again.
func (s *Store) CreateReturns(ctx context.Context, programmeID string, returns []domain.Return, planned ...service.Premise) error {
	premisesOf := service.PremisesOf(planned)
	bySchedule := map[string][]domain.Return{}
	var order []string
	for _, r := range returns {
		if bySchedule[r.ScheduleID] == nil {
			order = append(order, r.ScheduleID)
		}
		bySchedule[r.ScheduleID] = append(bySchedule[r.ScheduleID], r)
	}
	var chunks [][]domain.Return
	for _, id := range order {
		chunks = append(chunks, returnChunks(bySchedule[id], premisesOf)...)
	}
	// A few chunks at once: a large schedule's returns are written in a
	// fraction of the request's time.
	const workers = 4
	errs := make([]error, len(chunks))
	work := make(chan int)
	var wg sync.WaitGroup
	for range min(workers, len(chunks)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				errs[i] = s.createChunk(ctx, programmeID, chunks[i], premisesOf)
			}
		}()
	}
	for i := range chunks {
		work <- i
	}
	close(work)
	wg.Wait()
	return errors.Join(errs...)
}

// returnChunks cuts one schedule's returns into transactions: each
// return is an item, and so are the schedule's counts and each project's
// counts they move, and each premise premisesOf gives them (of the
// schedule, of each of those projects, of the submission each was filled
// from), once a transaction, within DynamoDB's 100 items a transaction.
func returnChunks(rs []domain.Return, premisesOf func(domain.Return) []service.Premise) [][]domain.Return {
	if len(rs) == 0 {
		return nil
	}
	// A return's items: itself, its project's counts when it is the first
	// of its project in the transaction, and its premises not already in
	// it.
	cost := func(r domain.Return, projects map[string]bool, seen map[domain.RecordRef]bool) int {
		n := 1
		if !projects[r.ProjectID] {
			n++
		}
		for _, pr := range premisesOf(r) {
			if !seen[pr.Ref] {
				n++
			}
		}
		return n
	}
	add := func(r domain.Return, projects map[string]bool, seen map[domain.RecordRef]bool) {
		projects[r.ProjectID] = true
		for _, pr := range premisesOf(r) {
			seen[pr.Ref] = true
		}
	}
	var chunks [][]domain.Return
	// The schedule's counts are in every transaction.
	start, items, projects, seen := 0, 1, map[string]bool{}, map[domain.RecordRef]bool{}
	for i, r := range rs {
		if i > start && items+cost(r, projects, seen) > maxTxItems {
			chunks = append(chunks, rs[start:i])
			start, items, projects, seen = i, 1, map[string]bool{}, map[domain.RecordRef]bool{}
		}
		items += cost(r, projects, seen)
		add(r, projects, seen)
	}
	return append(chunks, rs[start:])
}

// createChunk writes one transaction of returns (see CreateReturns): the
// premises of their schedule, projects and the submissions they were
// filled from first, so that one no longer holding is the failure
// reported, then the returns and their counts.
func (s *Store) createChunk(ctx context.Context, programmeID string, rs []domain.Return, premisesOf func(domain.Return) []service.Premise) error {
	// on adds the premises of the records rs were planned on.
	on := func(t *tx, rs []domain.Return) {
		seen := map[domain.RecordRef]bool{}
		for _, r := range rs {
			for _, pr := range premisesOf(r) {
				if !seen[pr.Ref] {
					seen[pr.Ref] = true
					s.premise(t, programmeID, pr)
				}
			}
		}
	}
	t := &tx{}
	on(t, rs)
	planned := len(t.items)
	stats := map[statsKey]domain.StatsDelta{}
	ws := make([]service.ReturnWrite, len(rs))
	for i, r := range rs {
		ws[i] = service.ReturnWrite{After: r}
	}
	if err := s.returnWrites(t, programmeID, ws, stats); err != nil {
		return err
	}
	for i := planned; i < len(t.fails); i++ {
		t.fails[i] = errReturnExists
	}
	for _, u := range s.statsUpdates(programmeID, stats) {
		t.add(u, service.ErrCountsBelowZero)
	}
	err := s.transact(ctx, t)
	if !errors.Is(err, errReturnExists) {
		if err != nil {
			return fmt.Errorf("create %d returns: %w", len(rs), err)
		}
		return nil
	}
	for _, w := range ws {
		one := &tx{}
		on(one, []domain.Return{w.After})
		planned := len(one.items)
		st := map[statsKey]domain.StatsDelta{}
		if err := s.returnWrites(one, programmeID, []service.ReturnWrite{w}, st); err != nil {
			return err
		}
		one.fails[planned] = errReturnExists
		for _, u := range s.statsUpdates(programmeID, st) {
			one.add(u, service.ErrCountsBelowZero)
		}
		if err := s.transact(ctx, one); err != nil && !errors.Is(err, errReturnExists) {
			return fmt.Errorf("create return %s: %w", w.After.ID, err)
		}
	}
	return nil
}

// subQuery is one part of a list of returns: a Query of one partition of
// the table or an index, within a range of sort keys.
type subQuery struct {
	query
	lo, hi string // inclusive bounds on the sort key ("" for none)
}

// returnQueries are the parts a filter reads, and how their items are
// ordered when merged: by SK for lists of the table, else by period end,
// project and schedule.
func returnQueries(programmeID string, f service.ReturnFilter) ([]subQuery, bool) {
	pk := pkProgramme(programmeID)
	var qs []subQuery
	if len(f.Starts) > 0 {
		// The table's keys, RETURN#<j>#<s>#<periodStart>: a range of
		// period starts of one project and schedule is a range of keys,
		// read consistently (readPart).
		for _, r := range f.Starts {
			for _, j := range f.ProjectIDs {
				of := returnsOf(j) + r.ScheduleID + "#"
				lo, hi := of, of+"~" // "~" sorts after every date
				if !r.From.IsZero() {
					lo = of + r.From.String()
				}
				if !r.To.IsZero() {
					hi = of + r.To.AddDays(-1).String() + "~"
				}
				qs = append(qs, subQuery{query: query{pkAttr: "PK", skAttr: "SK", pk: pk}, lo: lo, hi: hi})
			}
		}
		return qs, true
	}
	if len(f.Ranges) == 0 {
		if len(f.ProjectIDs) == 0 {
			return []subQuery{{query: query{pkAttr: "PK", skAttr: "SK", pk: pk, prefix: prefixReturn}}}, true
		}
		for _, j := range f.ProjectIDs {
			qs = append(qs, subQuery{query: query{pkAttr: "PK", skAttr: "SK", pk: pk, prefix: returnsOf(j)}})
		}
		return qs, true
	}
	for _, r := range f.Ranges {
		var lo, hi string
		if !r.From.IsZero() {
			lo = r.From.String()
		}
		if !r.To.IsZero() {
			// Inclusive: "<day before>~" sorts after "<day before>#<project>"
			// and before "<to>".
			hi = r.To.AddDays(-1).String() + "~"
		}
		if len(f.ProjectIDs) == 0 {
			qs = append(qs, subQuery{query: query{index: "GSI1", pkAttr: "GSI1PK", skAttr: "GSI1SK", pk: returnPartition(programmeID, r.ScheduleID, r.List)}, lo: lo, hi: hi})
			continue
		}
		for _, j := range f.ProjectIDs {
			qs = append(qs, subQuery{query: query{index: "GSI2", pkAttr: "GSI2PK", skAttr: "GSI2SK", pk: projectReturnPartition(programmeID, j, r.ScheduleID, r.List)}, lo: lo, hi: hi})
		}
	}
	return qs, false
}

// ListReturns lists a page of the returns f names: each part is read from
// its partition, all at once, and merged in order, so a page costs one
// request a part (one round trip) however many returns there are.
func (s *Store) ListReturns(ctx context.Context, programmeID string, f service.ReturnFilter, p service.Page) ([]domain.Return, string, error) {
	qs, bySK := returnQueries(programmeID, f)
	items, next, err := s.mergeList(ctx, qs, p, func(item Item) string {
		if bySK {
			return skAttr(item)
		}
		r, _ := decodeReturn(item)
		return r.PeriodEnd.String() + "#" + r.ProjectID + "#" + r.ScheduleID
	})
	if err != nil {
		return nil, "", fmt.Errorf("list returns of %s: %w", programmeID, err)
	}
	out := make([]domain.Return, 0, len(items))
	for _, item := range items {
		r, err := decodeReturn(item)
		if err != nil {
			return nil, "", err
		}
		out = append(out, r)
	}
	return out, next, nil
}

// mergeCursor is where each part of a merged list stands: the key of the
// last item handed out from it, none yet (null), or "done".
type mergeCursor struct {
	Fingerprint string            `json:"f"`
	At          []json.RawMessage `json:"at"`
}

// fingerprint ties a cursor to the parts it was made for, so a cursor of
// one list (or programme) is refused by another.
func fingerprint(qs []subQuery) string {
	h := sha256.New()
	for _, q := range qs {
		fmt.Fprintf(h, "%s|%s|%s|%s|%s\n", q.index, q.pk, q.prefix, q.lo, q.hi)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}

type partState struct {
	start Item // resume after this key; nil from the beginning
	done  bool
	items []Item
	more  bool // items remain after those read
}

// mergeList reads one page of the merge of qs in order of key(item).
// Each part is read, in parallel, until it has more items than the page
// holds or none are left, so the page knows whether more remain without
// handing out a cursor to an empty page.
func (s *Store) mergeList(ctx context.Context, qs []subQuery, p service.Page, sortKey func(Item) string) ([]Item, string, error) {
	limit := p.Limit
	if limit <= 0 {
		limit = service.DefaultLimit
	}
	parts := make([]*partState, len(qs))
	for i := range parts {
		parts[i] = &partState{}
	}
	fp := fingerprint(qs)
	if p.Cursor != "" {
		raw, err := base64.RawURLEncoding.DecodeString(p.Cursor)
		var c mergeCursor
		if err != nil || len(raw) > 16<<10 || json.Unmarshal(raw, &c) != nil || c.Fingerprint != fp || len(c.At) != len(qs) {
			return nil, "", service.ErrBadCursor
		}
		for i, at := range c.At {
			switch string(at) {
			case "null":
			case `"done"`:
				parts[i].done = true
			default:
				var m map[string]string
				if json.Unmarshal(at, &m) != nil {
					return nil, "", service.ErrBadCursor
				}
				start, err := decodeCursor(base64.RawURLEncoding.EncodeToString(at), qs[i].query)
				if err != nil || !qs[i].inRange(m[qs[i].skAttr]) {
					return nil, "", service.ErrBadCursor
				}
				parts[i].start = start
			}
		}
	}
	errs := make([]error, len(qs))
	var wg sync.WaitGroup
	for i, q := range qs {
		if parts[i].done {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = s.readPart(ctx, q, parts[i], limit+1)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, "", err
	}
	// Merge: repeatedly take the smallest head.
	heads := make([]int, len(qs))
	var out []Item
	for len(out) < limit {
		best := -1
		var bestKey string
		for i, st := range parts {
			if heads[i] >= len(st.items) {
				continue
			}
			k := sortKey(st.items[heads[i]])
			if best < 0 || k < bestKey {
				best, bestKey = i, k
			}
		}
		if best < 0 {
			break
		}
		out = append(out, parts[best].items[heads[best]])
		heads[best]++
	}
	remain := false
	c := mergeCursor{Fingerprint: fp, At: make([]json.RawMessage, len(qs))}
	for i, st := range parts {
		left := heads[i] < len(st.items) || st.more
		remain = remain || left
		switch {
		case st.done || !left:
			c.At[i] = json.RawMessage(`"done"`)
		case heads[i] > 0:
			raw, _ := base64.RawURLEncoding.DecodeString(encodeCursor(st.items[heads[i]-1], qs[i].query))
			c.At[i] = raw
		case st.start != nil:
			raw, _ := base64.RawURLEncoding.DecodeString(encodeCursor(st.start, qs[i].query))
			c.At[i] = raw
		default:
			c.At[i] = json.RawMessage("null")
		}
	}
	if !remain {
		return out, "", nil
	}
	raw, _ := json.Marshal(c)
	return out, base64.RawURLEncoding.EncodeToString(raw), nil
}

// inRange reports whether a sort key belongs to the part.
func (q subQuery) inRange(sk string) bool {
	return strings.HasPrefix(sk, q.prefix) && (q.lo == "" || sk >= q.lo) && (q.hi == "" || sk <= q.hi)
}

// readPart reads up to want items of one part after its start.
func (s *Store) readPart(ctx context.Context, q subQuery, st *partState, want int) error {
	in := &dynamodb.QueryInput{
		TableName:                 &s.table,
		ExpressionAttributeNames:  map[string]string{"#pk": q.pkAttr},
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(q.pk)},
		ExclusiveStartKey:         st.start,
		ConsistentRead:            aws.Bool(q.index == ""),
	}
	cond := "#pk = :pk"
	switch {
	case q.prefix != "":
		cond += " AND begins_with(#sk, :prefix)"
		in.ExpressionAttributeValues[":prefix"] = str(q.prefix)
	case q.lo != "" && q.hi != "":
		cond += " AND #sk BETWEEN :lo AND :hi"
		in.ExpressionAttributeValues[":lo"], in.ExpressionAttributeValues[":hi"] = str(q.lo), str(q.hi)
	case q.lo != "":
		cond += " AND #sk >= :lo"
		in.ExpressionAttributeValues[":lo"] = str(q.lo)
	case q.hi != "":
		cond += " AND #sk <= :hi"
		in.ExpressionAttributeValues[":hi"] = str(q.hi)
	}
	if strings.Contains(cond, "#sk") {
		in.ExpressionAttributeNames["#sk"] = q.skAttr
	}
	in.KeyConditionExpression = aws.String(cond)
	if q.index != "" {
		in.IndexName = aws.String(q.index)
	}
	for {
		in.Limit = aws.Int32(int32(want - len(st.items)))
		out, err := s.db.Query(ctx, in)
		if err != nil {
			return classify(err)
		}
		st.items = append(st.items, out.Items...)
		if out.LastEvaluatedKey == nil {
			return nil
		}
		if len(st.items) >= want {
			st.more = true
			return nil
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
}
