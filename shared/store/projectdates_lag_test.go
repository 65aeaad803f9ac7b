package store_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/fundtrack/fundtrack/shared/testenv"
)

// lagDB is a whenDB whose global secondary indexes lag behind the table,
// as DynamoDB's do (they are only ever eventually consistent): once
// armed (lag), the returns a transaction writes are left out of every
// Query of an index, while the table's own reads see them. DynamoDB Local
// updates its indexes with the write, so without it a test could not see
// a read that trusts an index to hold what was written a moment before.
type lagDB struct {
	*whenDB
	mu      sync.Mutex
	lagging bool
	hidden  map[string]bool // sort keys of returns the indexes do not show yet
}

func (d *lagDB) lag() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.lagging, d.hidden = true, map[string]bool{}
}

func (d *lagDB) TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, o ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	out, err := d.whenDB.TransactWriteItems(ctx, in, o...)
	if err != nil {
		return out, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.lagging {
		for _, it := range in.TransactItems {
			if it.Put == nil {
				continue
			}
			if sk, ok := it.Put.Item["SK"].(*types.AttributeValueMemberS); ok && strings.HasPrefix(sk.Value, "RETURN#") {
				d.hidden[sk.Value] = true
			}
		}
	}
	return out, err
}

func (d *lagDB) Query(ctx context.Context, in *dynamodb.QueryInput, o ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	out, err := d.whenDB.Query(ctx, in, o...)
	if err != nil || in.IndexName == nil {
		return out, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	kept := out.Items[:0:0]
	for _, item := range out.Items {
		if sk, ok := item["SK"].(*types.AttributeValueMemberS); ok && d.hidden[sk.Value] {
			continue
		}
		kept = append(kept, item)
	}
	out.Items, out.Count = kept, int32(len(kept))
	return out, nil
}

// TestProjectDatesNarrowingReadsReturnsConsistently: the returns a
// narrowing of a project's dates removes are listed from the table's own
// keys, read consistently, not from an index. The change is guarded on
// the project's dependents revision, read consistently, which every
// write of its returns moves on; a list from an index that lags behind
// that revision would miss a return written just before it was read, and
// the change, its guard passing, would leave that return standing outside
// the project's new dates, owed for ever.
func TestProjectDatesNarrowingReadsReturnsConsistently(t *testing.T) {
	t.Parallel()
	client, table := testenv.Table(t)

	t.Run("planned again after the widening's returns landed", func(t *testing.T) {
		t.Parallel()
		db := &lagDB{whenDB: &whenDB{Client: client}}
		w := newDatesWorld(t, db, table, "2025-06-30", "2027-12-31")
		// The notifier writes the widening's returns after the narrowing
		// first read the project and its returns: the narrowing's guard
		// fails and it plans again, while the indexes do not show them
		// yet.
		returnsLandWhilePlanned(t, db.whenDB, w, projectEnd(w), db.lag)
	})

	t.Run("planned first just after the widening's returns landed", func(t *testing.T) {
		t.Parallel()
		db := &lagDB{whenDB: &whenDB{Client: client}}
		w := newDatesWorld(t, db, table, "2025-06-30", "2027-12-31")
		// The widening and its returns, which the indexes do not show
		// yet when the narrowing reads the project a moment later.
		landedJustBeforePlanned(t, w, projectEnd(w), db.lag)
	})
}

// TestScheduleShorteningReadsReturnsConsistently: the same for a
// schedule's last period moved earlier. The returns it removes are
// listed from the table's own keys, a Query a project, read consistently,
// not from an index: the change is guarded on the schedule's dependents
// revision, which every write of its returns moves on, and a list from an
// index that lags behind that revision would miss a return written just
// before it was read, leaving it owed after the schedule's last period.
func TestScheduleShorteningReadsReturnsConsistently(t *testing.T) {
	t.Parallel()
	client, table := testenv.Table(t)

	t.Run("planned again after the lengthening's returns landed", func(t *testing.T) {
		t.Parallel()
		db := &lagDB{whenDB: &whenDB{Client: client}}
		w := newDatesWorld(t, db, table, "2027-12-31", "2025-06-30")
		// The notifier writes the lengthening's returns after the
		// shortening first read the schedule and its returns: the
		// shortening's guard fails and it plans again, while the indexes
		// do not show them yet.
		returnsLandWhilePlanned(t, db.whenDB, w, scheduleLast(w), db.lag)
	})

	t.Run("planned first just after the lengthening's returns landed", func(t *testing.T) {
		t.Parallel()
		db := &lagDB{whenDB: &whenDB{Client: client}}
		w := newDatesWorld(t, db, table, "2027-12-31", "2025-06-30")
		// The lengthening and its returns, which the indexes do not show
		// yet when the shortening reads the schedule a moment later.
		landedJustBeforePlanned(t, w, scheduleLast(w), db.lag)
	})
}

// landedJustBeforePlanned: with arm run first (the indexes made to lag),
// the widening and its returns land, and the narrowing is planned a
// moment later. Only January's return is left after both.
func landedJustBeforePlanned(t *testing.T, w *datesWorld, c dateChange, arm func()) {
	t.Helper()
	arm()
	if err := c.set("2025-12-31"); err != nil {
		t.Fatalf("%s: %v", c.longer, err)
	}
	if err := c.set("2025-03-31"); err != nil {
		t.Fatalf("%s: %v", c.shorter, err)
	}
	w.wantReturns(t, c.left, "2025-01-01")
}
