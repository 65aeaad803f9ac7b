package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// The notifier's indexes (DIRTY, DUE, PENDING, RDUE, RETGEN, PAYDUE) each
// gather every programme under one constant partition key, and at 100,000
// programmes some of those keys would take more than a partition's 1,000
// writes a second: DIRTY on the busiest submission day, DUE, RDUE and
// PENDING on the day after a shared deadline, when the notifier moves
// every target and return of every programme at once (BENCHMARKS.md,
// section 8; docs/dynamodb.md, "Partitions at scale"). So each key is
// spread over Shards partition keys, <KEY>#0 … <KEY>#7, by a hash of the
// programme id, and the notifier reads the shards of a key at once.
//
// A shard holds whole programmes: everything one programme has in an index
// is under the same shard, so the notifier handles one programme's due
// targets, returns and emails in order, and different shards in parallel.

// Shards is how many partition keys each of the notifier's indexes is
// spread over: the service's (service.Shards), since the notifier lists a
// shard at a time. Changing it strands entries written under the old
// spread: the notifier would not find them until they were rewritten.
const Shards = service.Shards

// ShardedIndexes are the index keys spread over Shards, each written as
// <KEY>#<shard> (shardKey, keys.go).
var ShardedIndexes = []string{dirtyIndex, dueIndex, pendingIndex, returnsDue, genIndex, payDueIndex}

// ShardOf is the shard a programme's index entries go to (service.ShardOf),
// so every writer and the notifier agree without reading anything.
func ShardOf(programmeID string) int { return service.ShardOf(programmeID) }

// checkShard refuses a shard outside 0 … Shards-1: a caller's bug, not a
// missing entry.
func checkShard(what string, shard int) error {
	if shard < 0 || shard >= Shards {
		return fmt.Errorf("list %s: no shard %d (there are %d)", what, shard, Shards)
	}
	return nil
}

// dueList lists one shard of a due index (DUE and PAYDUE on GSI2, RDUE on
// GSI3), the entries whose sort key (<day>#<programmeId>#<id>, parseDueKey)
// is on or before today: one Query a page, paged as every list is, so no
// cursor leads to an empty page. decode gets each entry with its
// programme and its key there. An entry whose key is not one is skipped
// with a warning (and takes no place on the page): only a bug or a
// hand-made item writes one, and it must not stop the notifier moving the
// others on.
func (s *Store) dueList(ctx context.Context, what, index, base string, shard int, today domain.Date, p service.Page, decode func(item Item, programmeID, dueKey string) error) (string, error) {
	if err := checkShard(what, shard); err != nil {
		return "", err
	}
	q := query{index: index, pkAttr: index + "PK", skAttr: index + "SK", pk: shardKey(base, shard), below: today.AddDays(1).String()}
	marked := base == returnsDue // a recheck marks its entries (recheckDueKey)
	q.filter = func(item Item) bool {
		sk := attrS(item[q.skAttr])
		if _, _, ok := parseDueKey(sk, marked); ok {
			return true
		}
		s.log.Warn("store: skipped an entry of a due index whose key is not <day>#<programme>#<id>",
			"list", what, "partition", q.pk, "dueKey", sk, "PK", attrS(item["PK"]), "SK", attrS(item["SK"]))
		return false
	}
	next, err := s.list(ctx, q, p, func(item Item) error {
		sk := attrS(item[q.skAttr])
		programmeID, _, _ := parseDueKey(sk, marked)
		return decode(item, programmeID, sk)
	})
	if err != nil {
		return "", fmt.Errorf("list %s: %w", what, err)
	}
	return next, nil
}

// moveDue moves the item at k to next in a due index (GSI2 or GSI3), or
// out of it when next is "", unless its key there is no longer was:
// something moved it (or filled the return) since it was read, and there
// is then nothing to move.
func (s *Store) moveDue(ctx context.Context, k Item, index, was, next string) error {
	in := &dynamodb.UpdateItemInput{
		TableName: &s.table, Key: k,
		ConditionExpression:       aws.String(index + "SK = :was"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":was": str(was)},
	}
	if next == "" {
		in.UpdateExpression = aws.String("REMOVE " + index + "PK, " + index + "SK")
	} else {
		in.UpdateExpression = aws.String("SET " + index + "SK = :next")
		in.ExpressionAttributeValues[":next"] = str(next)
	}
	_, err := s.db.UpdateItem(ctx, in)
	var ccf *types.ConditionalCheckFailedException
	if err != nil && !errors.As(err, &ccf) {
		return classify(err)
	}
	return nil
}
