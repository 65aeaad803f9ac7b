package service

import (
	"context"
	"hash/fnv"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// What storage's notifier indexes hand the notifier (shared/notify, whose
// Storage interface lists them): the programmes whose figures changed, and
// the targets, returns and payments due a look. They are the service's
// types, as Page is, so the notifier and both implementations (the
// DynamoDB store and memstore) speak them without depending on each other.

// Shards is how many parts each of the notifier's indexes is spread over:
// a list of one of them asks for one shard, 0 to Shards-1. Changing it
// strands entries the DynamoDB store wrote under the old spread.
const Shards = 8

// ShardOf is the shard a programme's index entries go to: FNV-1a of its
// id, so every writer and the notifier agree without reading anything. A
// shard holds whole programmes, so one programme's work stays in order.
func ShardOf(programmeID string) int {
	h := fnv.New32a()
	h.Write([]byte(programmeID))
	return int(h.Sum32() % Shards)
}

// SortTime writes t as the storage indexes' sort keys hold it: UTC, to
// the nanosecond at a fixed width, so that string order is time order.
// RFC 3339's own form drops trailing zeros, which sorts "…:05.1Z" after
// "…:05.12Z" and "…:05Z" after both.
func SortTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000000Z") }

// DirtyProgramme is a programme whose figures changed since the notifier
// last looked.
type DirtyProgramme struct {
	ProgrammeID string
	// Changes is how many changes the marker has counted: clearing it is
	// conditioned on no change having come since.
	Changes int64
	// PaymentsWaiting is how many of its payments wait on a target or a
	// return: read with the marker, so a programme with none costs the
	// notifier no query of them.
	PaymentsWaiting int64
}

// DueTarget is a target due a time-driven check.
type DueTarget struct {
	ProgrammeID string
	Target      domain.Target
	// DueKey is storage's: where the target sat in the index when read,
	// so that moving it is refused if anything moved it meanwhile.
	DueKey string
}

// DueReturn is a return the notifier must look at.
type DueReturn struct {
	ProgrammeID string
	Return      domain.Return
	// DueKey is storage's: where the return sat in the index when read,
	// so that moving it is refused if it was filled or moved meanwhile.
	DueKey string
	// Rechecked says a recheck put it there (RecheckReturns: a change of
	// its schedule's reminders, or someone made its project's lead), a
	// change the run may have read the programme before.
	Rechecked bool
}

// DuePayment is a scheduled date payment whose date has come.
type DuePayment struct {
	ProgrammeID string
	Payment     domain.Payment
}

// All pages through a list of a programme's records, for the notifier,
// which needs every funder, project or target of a programme: a page of
// MaxLimit at a time.
func All[T any](ctx context.Context, list func(context.Context, string, Page) ([]T, string, error), programmeID string) ([]T, error) {
	return Every(MaxLimit, func(p Page) ([]T, string, error) { return list(ctx, programmeID, p) })
}

// Every pages through a whole list, limit items a page, for the answers
// that need every item (progress, exports, the pages' select boxes): one
// request a page, so a typical programme's list is one request.
func Every[T any](limit int, list func(Page) ([]T, string, error)) ([]T, error) {
	var out []T
	p := Page{Limit: limit}
	for {
		items, next, err := list(p)
		if err != nil {
			return nil, err
		}
		out = append(out, items...)
		if next == "" {
			return out, nil
		}
		p.Cursor = next
	}
}
