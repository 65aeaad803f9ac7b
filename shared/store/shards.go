package store

import (
	"fmt"

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
