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

// markerUpdate is the transaction item that moves the programme's count of
// waiting payments by waiting and, when changed, counts a change and puts
// the programme in its shard of the changed-programme index.
func (s *Store) markerUpdate(programmeID string, waiting int64, changed bool) types.TransactWriteItem {
	names := map[string]string{}
	values := map[string]types.AttributeValue{}
	var adds []string
	if waiting != 0 {
		names["#w"], values[":w"] = "paywait", num(waiting)
		adds = append(adds, "#w :w")
	}
	expr := ""
	if changed {
		names["#c"], values[":one"] = "changes", num(1)
		adds = append(adds, "#c :one")
	}
	if len(adds) > 0 {
		expr = "ADD " + strings.Join(adds, ", ")
	}
	if changed {
		names["#pk"], names["#sk"] = "GSI1PK", "GSI1SK"
		values[":shard"], values[":pid"] = str(shardKeyOf(dirtyIndex, programmeID)), str(programmeID)
		expr += " SET #pk = :shard, #sk = :pid"
	}
	return types.TransactWriteItem{Update: &types.Update{
		TableName: &s.table, Key: key(pkProgramme(programmeID), skChanged),
		UpdateExpression:          aws.String(expr),
		ExpressionAttributeNames:  names,
		ExpressionAttributeValues: values,
	}}
}

// addTotals adds to t the update of the programme's totals by d (setting
// set's attributes too) and, when the figures changed at changedAt, the
// changed marker: the notifier then looks at the programme.
func (s *Store) addTotals(t *tx, programmeID string, d deltas, changedAt time.Time, set map[string]types.AttributeValue) *tx {
	t.add(s.totalsUpdateSet(programmeID, d, changedAt, set), nil)
	if !changedAt.IsZero() {
		t.add(s.markerUpdate(programmeID, 0, true), nil)
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
