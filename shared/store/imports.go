package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// Spreadsheet imports (docs/dynamodb.md, "Imports"). An import writes its
// submissions as CreateOutcome writes one, but many to a transaction: a
// transaction may touch an item once, so the figures every submission
// moves (the programme's TOTALS item, the daily SERIES items, each
// schedule's counts) are merged into one update of each item per
// transaction. Fewer, fuller transactions also mean fewer writes of the
// TOTALS item, which every figure of the programme lives in.
//
//	IMPORTLOCK            the programme's import lock: holder, until (ms), ttl
//	STAGED#<id>           a file kept between the web app's preview and its confirmation
//	STAGED#<id>#<n>       its bytes, in parts under the item size limit

const (
	// Transaction limits, with room to spare: DynamoDB takes 100 items and
	// 4 MB a transaction, and 4 KB an expression. An update of the totals
	// or a series item names each attribute it adds ("#a12 :a12, "), so it
	// may add at most so many.
	maxTxItems    = 100
	maxTxBytes    = 3 << 20
	maxAddsPerUpd = 250
	stagedPart    = 350 << 10 // bytes of a staged file an item holds
)

// ImportOutcomes implements service.ImportStore: b's submissions in
// order, as many to a transaction as fit, one transaction at a time (they
// all update the TOTALS item, so at once they would only conflict).
func (s *Store) ImportOutcomes(ctx context.Context, programmeID string, b service.ImportBatch) (int, error) {
	if len(b.Changes) != len(b.Submissions) {
		return 0, errors.New("import: a change for each submission is needed")
	}
	done := 0
	for done < len(b.Submissions) {
		t, n, err := s.importTx(ctx, programmeID, b, done)
		if err != nil {
			return done, err
		}
		if done+n == len(b.Submissions) && b.Claim != nil {
			commit := s.idemCommit(*b.Claim)
			if b.Answer != nil {
				// An answer too large for the claim's record is kept in
				// parts beside it, written first (keepAnswer).
				k, err := keepAnswer(b.Answer.Body)
				if err != nil {
					return done, err
				}
				if commit, err = s.idemAnswer(*b.Claim, *b.Answer, k); err != nil {
					return done, err
				}
				if err := s.writeAnswerParts(ctx, *b.Claim, k); err != nil {
					return done, fmt.Errorf("import submissions %d to %d of %d: %w", done+1, done+n, len(b.Submissions), err)
				}
			}
			t.add(commit, service.ErrClaimTaken)
		}
		if err := s.transact(ctx, t); err != nil {
			return done, fmt.Errorf("import submissions %d to %d of %d: %w", done+1, done+n, len(b.Submissions), err)
		}
		done += n
	}
	return done, nil
}

// importTx builds the transaction of the submissions of b from from on
// that fit in one, and says how many it holds.
func (s *Store) importTx(ctx context.Context, programmeID string, b service.ImportBatch, from int) (*tx, int, error) {
	t := &tx{}
	var fc domain.FigureChange
	totals := deltas{}
	series := map[domain.SeriesKey]map[domain.Date]map[domain.Metric]int64{}
	stats := map[statsKey]domain.StatsDelta{}
	projects, cohorts, returns := map[string]bool{}, map[domain.RecordRef]bool{}, map[string]bool{}
	// The premises of the returns the submissions write themselves
	// (service.Submission.Planned), once a transaction: a project's takes
	// the place of the check that it is there, a schedule's is an item more.
	var planned []service.Premise
	plannedRefs, plannedItems := map[domain.RecordRef]bool{}, 0
	size, n := 0, 0
	for i := from; i < len(b.Submissions); i++ {
		sub := b.Submissions[i]
		own, err := s.ownItems(ctx, programmeID, sub, b.Changes[i])
		if err != nil {
			return nil, 0, err
		}
		// The row's own moves of the return counts, merged into the
		// transaction's only once it is known to fit: the deltas hold
		// maps, so merging first would count a row that does not fit in
		// this transaction as well as in the next.
		rs := map[statsKey]domain.StatsDelta{}
		if err := s.returnWrites(own, programmeID, sub.Returns, rs); err != nil {
			return nil, 0, err
		}
		statsAfter := len(stats)
		for k := range rs {
			if _, ok := stats[k]; !ok {
				statsAfter++
			}
		}
		// What this submission adds to the items the transaction shares.
		o := sub.Outcome
		d, ser := deltas{}, map[domain.SeriesKey]map[domain.Date]map[domain.Metric]int64{}
		figureDeltas(d, ser, sub.Figures)
		fits := true
		for _, w := range sub.Returns {
			if returns[w.After.ID] {
				fits = false // a return is written once a transaction: the next one writes it again
			}
		}
		newProject := !projects[o.ProjectID]
		cohort := domain.ProjectRef(domain.EntityCohort, o.ProjectID, o.CohortID)
		newCohort := o.CohortID != "" && !cohorts[cohort]
		plannedAfter := plannedItems
		for _, pr := range sub.Planned {
			if !plannedRefs[pr.Ref] && pr.Ref.Entity != domain.EntityProject {
				plannedAfter++
			}
		}
		shared := 4 + len(b.Premises) + statsAfter + len(projects) + len(cohorts) + plannedAfter // lock, setup, totals, changed marker, premises; stats
		if newProject {
			shared++
		}
		if newCohort {
			shared++
		}
		keysAfter := len(series)
		for k, days := range ser {
			if series[k] == nil {
				keysAfter++
			}
			if addsAfter(series[k], days) > maxAddsPerUpd {
				fits = false
			}
		}
		if countNew(totals, d)+len(totals) > maxAddsPerUpd {
			fits = false
		}
		itemsAfter := len(t.items) + len(own.items) + shared + keysAfter + 1 // and the claim
		bytes := size + txBytes(own.items)
		if itemsAfter > maxTxItems || bytes > maxTxBytes {
			fits = false
		}
		if !fits {
			if n == 0 {
				return nil, 0, fmt.Errorf("import: submission %s does not fit in a transaction", o.ID)
			}
			break
		}
		// It fits: merge it in.
		t.items, t.fails = append(t.items, own.items...), append(t.fails, own.fails...)
		size, n = bytes, n+1
		for k, d := range rs {
			mergeDelta(stats, k, d)
		}
		for a, v := range d {
			totals[a] += v
		}
		mergeSeries(series, ser)
		fc.Count, fc.Uncount = append(fc.Count, sub.Figures.Count...), append(fc.Uncount, sub.Figures.Uncount...)
		fc.Pend, fc.Unpend = append(fc.Pend, sub.Figures.Pend...), append(fc.Unpend, sub.Figures.Unpend...)
		projects[o.ProjectID] = true
		if o.CohortID != "" {
			cohorts[cohort] = true
		}
		for _, w := range sub.Returns {
			returns[w.After.ID] = true
		}
		for _, pr := range sub.Planned {
			if !plannedRefs[pr.Ref] {
				plannedRefs[pr.Ref], planned = true, append(planned, pr)
			}
		}
		plannedItems = plannedAfter
	}
	for p := range projects {
		s.exists(t, programmeID, domain.Ref(domain.EntityProject, p))
	}
	for _, pr := range planned {
		s.premise(t, programmeID, pr)
	}
	for c := range cohorts {
		s.exists(t, programmeID, c)
	}
	if err := s.figureItems(t, programmeID, fc, b.Submissions[from].Outcome.SubmittedAt); err != nil {
		return nil, 0, err
	}
	for _, u := range s.statsUpdates(programmeID, stats) {
		t.add(u, service.ErrCountsBelowZero)
	}
	t.add(s.setupCheck(programmeID, b.Submissions[from].Seq), service.ErrChanged)
	t.add(s.lockCheck(programmeID, b.Lock), service.ErrConflict)
	for _, pr := range b.Premises {
		s.premise(t, programmeID, pr)
	}
	return t, n, nil
}

// ownItems are the items of one submission of an import that no other
// shares: submissionItems and its audit event.
func (s *Store) ownItems(ctx context.Context, programmeID string, sub service.Submission, ch service.Change) (*tx, error) {
	t := &tx{}
	if err := s.submissionItems(ctx, t, programmeID, sub); err != nil {
		return nil, err
	}
	audit, err := s.auditPut(ch.Audit)
	if err != nil {
		return nil, err
	}
	t.add(audit, errors.New("audit event exists"))
	return t, nil
}

// figureDeltas are the totals and series attributes a figure change adds
// to (as figureItems writes them), for counting what a transaction names.
func figureDeltas(d deltas, series map[domain.SeriesKey]map[domain.Date]map[domain.Metric]int64, fc domain.FigureChange) {
	for _, o := range fc.Count {
		outcomeDeltas(d, o, 1)
		mergeSeries(series, domain.SeriesDeltas(o, 1))
	}
	for _, o := range fc.Uncount {
		outcomeDeltas(d, o, -1)
		mergeSeries(series, domain.SeriesDeltas(o, -1))
	}
	for _, o := range fc.Pend {
		pendingDeltas(d, o, 1)
	}
	for _, o := range fc.Unpend {
		pendingDeltas(d, o, -1)
	}
	if len(fc.Count)+len(fc.Uncount) > 0 {
		d["changes"] = 1 // changedAt: named as one more
	}
}

// countNew is how many of add's attributes have is not named yet.
func countNew(has, add deltas) int {
	n := 0
	for a := range add {
		if _, ok := has[a]; !ok {
			n++
		}
	}
	return n
}

// addsAfter is how many attributes a series item's update names once
// days are merged into has.
func addsAfter(has, days map[domain.Date]map[domain.Metric]int64) int {
	n := 0
	for _, ms := range has {
		n += len(ms)
	}
	for day, ms := range days {
		for m := range ms {
			if _, ok := has[day][m]; !ok {
				n++
			}
		}
	}
	return n
}

// txBytes estimates what items weigh against the transaction size limit:
// attribute names and values, as DynamoDB counts item size.
func txBytes(items []types.TransactWriteItem) int {
	n := 0
	for _, it := range items {
		switch {
		case it.Put != nil:
			n += weighItem(it.Put.Item)
		case it.Update != nil:
			n += 1024 + weighItem(it.Update.ExpressionAttributeValues)
		default:
			n += 1024
		}
	}
	return n
}

func weighItem(item Item) int {
	n := 0
	for k, v := range item {
		n += len(k) + weighValue(v)
	}
	return n
}

func weighValue(v types.AttributeValue) int {
	switch v := v.(type) {
	case *types.AttributeValueMemberS:
		return len(v.Value)
	case *types.AttributeValueMemberN:
		return len(v.Value)
	case *types.AttributeValueMemberB:
		return len(v.Value)
	case *types.AttributeValueMemberM:
		return 3 + weighItem(v.Value)
	case *types.AttributeValueMemberL:
		n := 3
		for _, x := range v.Value {
			n += 1 + weighValue(x)
		}
		return n
	case *types.AttributeValueMemberSS:
		n := 0
		for _, x := range v.Value {
			n += len(x)
		}
		return n
	}
	return 1
}

// lockCheck is the condition that holder still holds the import lock.
func (s *Store) lockCheck(programmeID, holder string) types.TransactWriteItem {
	return types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{
		TableName: &s.table, Key: key(pkProgramme(programmeID), skImportLock),
		ConditionExpression:       aws.String("holder = :h"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":h": str(holder)},
	}}
}

// LockImports implements service.ImportStore: one conditional PutItem.
func (s *Store) LockImports(ctx context.Context, programmeID, holder string, now time.Time, lease time.Duration) error {
	until := now.Add(lease)
	item := key(pkProgramme(programmeID), skImportLock)
	item["holder"], item["until"], item["ttl"] = str(holder), num(until.UnixMilli()), num(until.Add(time.Hour).Unix())
	_, err := s.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &s.table, Item: item,
		ConditionExpression:       aws.String("attribute_not_exists(PK) OR #until < :now"),
		ExpressionAttributeNames:  map[string]string{"#until": "until"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":now": num(now.UnixMilli())},
	})
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		return service.ErrConflict
	}
	if err != nil {
		return fmt.Errorf("lock imports of %s: %w", programmeID, classify(err))
	}
	return nil
}

// UnlockImports implements service.ImportStore.
func (s *Store) UnlockImports(ctx context.Context, programmeID, holder string) error {
	_, err := s.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: &s.table, Key: key(pkProgramme(programmeID), skImportLock),
		ConditionExpression:       aws.String("holder = :h"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":h": str(holder)},
	})
	var ccf *types.ConditionalCheckFailedException
	if err != nil && !errors.As(err, &ccf) {
		return fmt.Errorf("unlock imports of %s: %w", programmeID, classify(err))
	}
	return nil
}

// StageFile implements service.ImportStore: the bytes in parts of 350 kB
// (a PutItem each, at once), then the item that names them, so a file
// half written is never found. All expire with the file.
func (s *Store) StageFile(ctx context.Context, programmeID string, f service.StagedFile) error {
	pk, ttl := pkProgramme(programmeID), num(f.Expires.Unix())
	var parts [][]byte
	for data := f.Data; len(data) > 0 || len(parts) == 0; {
		n := min(len(data), stagedPart)
		parts = append(parts, data[:n])
		data = data[n:]
	}
	errs := make([]error, len(parts))
	var wg sync.WaitGroup
	for i, p := range parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			item := key(pk, skStagedPart(f.ID, i))
			item["data"], item["ttl"] = &types.AttributeValueMemberB{Value: p}, ttl
			_, errs[i] = s.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &s.table, Item: item})
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("stage file in %s: %w", programmeID, classify(err))
	}
	head, err := marshal(map[string]any{"owner": f.Owner, "name": f.Name, "mediaType": f.MediaType, "sha256": f.SHA256,
		"parts": len(parts), "expires": f.Expires.UnixMilli()})
	if err != nil {
		return err
	}
	for k, v := range key(pk, skStaged(f.ID)) {
		head[k] = v
	}
	head["ttl"] = ttl
	if _, err := s.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &s.table, Item: head}); err != nil {
		return fmt.Errorf("stage file in %s: %w", programmeID, classify(err))
	}
	return nil
}

// StagedFile implements service.ImportStore: a GetItem and one
// BatchGetItem of its parts.
func (s *Store) StagedFile(ctx context.Context, programmeID, id string) (service.StagedFile, error) {
	var head struct {
		Owner     string `json:"owner"`
		Name      string `json:"name"`
		MediaType string `json:"mediaType"`
		SHA256    string `json:"sha256"`
		Parts     int    `json:"parts"`
		Expires   int64  `json:"expires"`
	}
	pk := pkProgramme(programmeID)
	ok, err := s.get(ctx, pk, skStaged(id), &head)
	if err != nil {
		return service.StagedFile{}, fmt.Errorf("read staged file %s: %w", id, err)
	}
	if !ok || head.Parts < 1 || head.Parts > 100 {
		return service.StagedFile{}, service.ErrNotFound
	}
	keys := make([]Item, head.Parts)
	for i := range keys {
		keys[i] = key(pk, skStagedPart(id, i))
	}
	items, err := s.inPartition(ctx, keys, "")
	if err != nil {
		return service.StagedFile{}, fmt.Errorf("read staged file %s: %w", id, err)
	}
	f := service.StagedFile{ID: id, Owner: head.Owner, Name: head.Name, MediaType: head.MediaType, SHA256: head.SHA256,
		Expires: time.UnixMilli(head.Expires).UTC()}
	for i := range keys {
		item, ok := items[skStagedPart(id, i)]
		if !ok {
			return service.StagedFile{}, service.ErrNotFound // expired part by part
		}
		b, _ := item["data"].(*types.AttributeValueMemberB)
		if b == nil {
			return service.StagedFile{}, fmt.Errorf("staged file %s: part %d holds no bytes", id, i)
		}
		f.Data = append(f.Data, b.Value...)
	}
	return f, nil
}
