package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/fundtrack/fundtrack/shared/service"
)

// The changed marker (PK=PROG#<p>, SK=CHANGED) says the notifier must look
// at a programme: its figures or targets changed since the last run, or a
// payment started waiting on a target. It is a small item of its own,
// written in the same transaction as the change, and not the TOTALS item,
// because an index entry is a copy of its item: with TOTALS in the index
// (all attributes projected, as GSI1 projects them), every figure change
// wrote the whole TOTALS item — tens of KB in a big network, 150 KB at the
// SPEC's largest — into the index as well, and clearing the marker
// rewrote it twice more (BENCHMARKS.md, section 8). The marker is under
// 200 bytes: one write unit wherever it goes.
//
// Attributes:
//
//	changes    how many changes marked it: the notifier clears the marker
//	           only if no change came after the one it read
//	paywait    how many of the programme's payments wait on a target or a
//	           return, so the notifier queries them only where there are some
//	GSI1PK/SK  DIRTY#<shard> / <programmeId>, while changed
//
// The index partition is spread over Shards partition keys (shards.go):
// at 100,000 programmes one key would take every figure change of the
// busiest day; spread, each takes an eighth.

// marker is what a change writes to the changed marker: the parts of a
// change (its figures, its payments) each add theirs with mark, and the
// transaction names the item once (DynamoDB refuses a transaction that
// names an item twice).
type marker struct {
	waiting int64  // moves paywait
	changed bool   // counts a change and puts the programme in the index
	seen    *int64 // the change commits only while changes is still this
}

// mark adds to t's write of the programme's changed marker: waiting moves
// its count of waiting payments, changed counts a change (and puts it in
// its shard of the changed-programme index), and seen, when not nil,
// conditions the whole change on the marker's count of changes being
// still seen (0: none yet), failing with service.ErrChanged: the
// figures a decision was made on have not moved since (see
// FiguresAsOf). The item is rewritten in place as parts add to it.
func (s *Store) mark(t *tx, programmeID string, waiting int64, changed bool, seen *int64) *tx {
	if t.marker == nil {
		t.marker = &marker{}
	}
	m := t.marker
	m.waiting += waiting
	m.changed = m.changed || changed
	if seen != nil {
		m.seen = seen
	}
	item, ok := s.markerItem(programmeID, *m)
	k := key(pkProgramme(programmeID), skChanged)
	for i, it := range t.items {
		if (it.Update != nil && sameKey(it.Update.Key, k)) || (it.ConditionCheck != nil && sameKey(it.ConditionCheck.Key, k)) {
			if !ok {
				t.items, t.fails = append(t.items[:i], t.items[i+1:]...), append(t.fails[:i], t.fails[i+1:]...)
				return t
			}
			t.items[i], t.fails[i] = item, markerFail(*m)
			return t
		}
	}
	if ok {
		t.add(item, markerFail(*m))
	}
	return t
}

func markerFail(m marker) error {
	if m.seen != nil {
		return service.ErrChanged
	}
	return nil
}

// markerItem is the transaction item m calls for: an Update, or a
// ConditionCheck when it only conditions the change; ok is false when it
// calls for nothing.
func (s *Store) markerItem(programmeID string, m marker) (types.TransactWriteItem, bool) {
	names := map[string]string{}
	values := map[string]types.AttributeValue{}
	var adds []string
	if m.waiting != 0 {
		names["#w"], values[":w"] = "paywait", num(m.waiting)
		adds = append(adds, "#w :w")
	}
	expr := ""
	if m.changed {
		names["#c"], values[":one"] = "changes", num(1)
		adds = append(adds, "#c :one")
	}
	if len(adds) > 0 {
		expr = "ADD " + strings.Join(adds, ", ")
	}
	if m.changed {
		names["#pk"], names["#sk"] = "GSI1PK", "GSI1SK"
		values[":shard"], values[":pid"] = str(shardKeyOf(dirtyIndex, programmeID)), str(programmeID)
		expr += " SET #pk = :shard, #sk = :pid"
	}
	var cond *string
	if m.seen != nil {
		names["#n"] = "changes"
		values[":seen"] = num(*m.seen)
		cond = aws.String("#n = :seen")
		if *m.seen == 0 {
			cond = aws.String("attribute_not_exists(#n) OR #n = :seen")
		}
	}
	k := key(pkProgramme(programmeID), skChanged)
	switch {
	case expr != "":
		return types.TransactWriteItem{Update: &types.Update{TableName: &s.table, Key: k, UpdateExpression: aws.String(expr),
			ConditionExpression: cond, ExpressionAttributeNames: names, ExpressionAttributeValues: values}}, true
	case cond != nil:
		return types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{TableName: &s.table, Key: k, ConditionExpression: cond,
			ExpressionAttributeNames: names, ExpressionAttributeValues: values}}, true
	}
	return types.TransactWriteItem{}, false
}

// addTotals adds to t the update of the programme's totals by d (setting
// set's attributes too) and, when the figures changed at changedAt, the
// changed marker: the notifier then looks at the programme.
func (s *Store) addTotals(t *tx, programmeID string, d deltas, changedAt time.Time, set map[string]types.AttributeValue) *tx {
	t.add(s.totalsUpdateSet(programmeID, d, changedAt, set), nil)
	if !changedAt.IsZero() {
		s.mark(t, programmeID, 0, true, nil)
	}
	return t
}

// DirtyProgrammes lists one shard (0 to Shards-1) of the programmes
// marked changed: one Query a page.
func (s *Store) DirtyProgrammes(ctx context.Context, shard int, p service.Page) ([]service.DirtyProgramme, string, error) {
	if err := checkShard("changed programmes", shard); err != nil {
		return nil, "", err
	}
	var out []service.DirtyProgramme
	next, err := s.list(ctx, query{index: "GSI1", pkAttr: "GSI1PK", skAttr: "GSI1SK", pk: shardKey(dirtyIndex, shard)}, p, func(item Item) error {
		var d struct {
			ID      string `json:"GSI1SK"`
			Changes int64  `json:"changes"`
			Waiting int64  `json:"paywait"`
		}
		if err := unmarshal(item, &d); err != nil {
			return err
		}
		out = append(out, service.DirtyProgramme{ProgrammeID: d.ID, Changes: d.Changes, PaymentsWaiting: d.Waiting})
		return nil
	})
	if err != nil {
		return nil, "", fmt.Errorf("list changed programmes (shard %d): %w", shard, err)
	}
	return out, next, nil
}

// ClearDirty takes a programme out of the changed-programme index, unless
// its figures changed again since it counted changes (then the next run
// looks again). It writes only the small marker item.
func (s *Store) ClearDirty(ctx context.Context, programmeID string, changes int64) error {
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: &s.table, Key: key(pkProgramme(programmeID), skChanged),
		UpdateExpression:          aws.String("REMOVE GSI1PK, GSI1SK"),
		ConditionExpression:       aws.String("changes = :seen"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":seen": num(changes)},
	})
	var ccf *types.ConditionalCheckFailedException
	if err != nil && !errors.As(err, &ccf) {
		return fmt.Errorf("clear changed marker of %s: %w", programmeID, classify(err))
	}
	return nil
}
