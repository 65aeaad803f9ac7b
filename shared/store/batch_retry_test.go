package store

// Tests of the batch reader and of retry's other two callers against a
// fake client: keys past DynamoDB's 100 a request, keys left unprocessed,
// a transactional read cancelled by a write. DynamoDB Local never leaves
// keys unprocessed, and cancels a TransactGetItems only by chance.

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// bgFakeDB answers BatchGetItem with an item for every key it processes
// (unprocessed decides, per call, how many it leaves), and
// TransactGetItems from txAnswer; any other call panics through the nil
// embedded DB. Each BatchGetItem waits (up to a few seconds) for a second
// to be in flight when overlap is set, so calls sent one after another
// show as alone.
type bgFakeDB struct {
	DB
	unprocessed func(call int, keys int) int
	failCall    int // a BatchGetItem call that fails (0: none)
	txAnswer    func(call int) error
	overlap     bool

	mu       sync.Mutex
	calls    int
	keys     []int // keys asked for, by call
	inFlight int
	maxIn    int
	alone    int
	two      chan struct{}
}

func (f *bgFakeDB) BatchGetItem(ctx context.Context, in *dynamodb.BatchGetItemInput, _ ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error) {
	var keys []Item
	var table string
	for t, ka := range in.RequestItems {
		table, keys = t, ka.Keys
	}
	f.mu.Lock()
	f.calls++
	call := f.calls
	f.keys = append(f.keys, len(keys))
	f.inFlight++
	f.maxIn = max(f.maxIn, f.inFlight)
	if f.two == nil {
		f.two = make(chan struct{})
	}
	if f.inFlight == 2 {
		select {
		case <-f.two:
		default:
			close(f.two)
		}
	}
	two := f.two
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.inFlight--
		f.mu.Unlock()
	}()
	if f.overlap {
		select {
		case <-two:
		case <-time.After(5 * time.Second):
			f.mu.Lock()
			f.alone++
			f.mu.Unlock()
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if call == f.failCall {
		return nil, errors.New("boom")
	}
	if len(keys) > 100 {
		return nil, &smithy.GenericAPIError{Code: "ValidationException", Message: "Too many items requested for the BatchGetItem call"}
	}
	left := 0
	if f.unprocessed != nil {
		left = min(f.unprocessed(call, len(keys)), len(keys))
	}
	out := &dynamodb.BatchGetItemOutput{Responses: map[string][]map[string]types.AttributeValue{}}
	for _, k := range keys[left:] {
		out.Responses[table] = append(out.Responses[table], Item{"PK": k["PK"], "SK": k["SK"], "rev": num(3)})
	}
	if left > 0 {
		out.UnprocessedKeys = map[string]types.KeysAndAttributes{table: {Keys: keys[:left], ConsistentRead: aws.Bool(true)}}
	}
	return out, nil
}

func (f *bgFakeDB) TransactGetItems(_ context.Context, in *dynamodb.TransactGetItemsInput, _ ...func(*dynamodb.Options)) (*dynamodb.TransactGetItemsOutput, error) {
	f.mu.Lock()
	f.calls++
	call := f.calls
	f.mu.Unlock()
	if err := f.txAnswer(call); err != nil {
		return nil, err
	}
	return &dynamodb.TransactGetItemsOutput{Responses: make([]types.ItemResponse, len(in.TransactItems))}, nil
}

func (f *bgFakeDB) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

// bgGets is n gets of funders f000, f001, ….
func bgGets(n int) []*service.Get {
	gets := make([]*service.Get, n)
	for i := range gets {
		gets[i] = &service.Get{Ref: domain.Ref(domain.EntityFunder, fmt.Sprintf("f%03d", i))}
	}
	return gets
}

func bgAllFound(t *testing.T, gets []*service.Get) {
	t.Helper()
	for _, g := range gets {
		if !g.Found || g.Rev != 3 {
			t.Fatalf("%s %s: found %v, rev %d; want found, rev 3", g.Ref.Entity, g.Ref.ID, g.Found, g.Rev)
		}
	}
}

// TestReadAnyNumberOfKeys: Read takes any number of gets: a BatchGetItem
// per 100 keys (DynamoDB refuses more), sent together, at most
// batchReaders at a time; 100 or fewer stay one request.
func TestReadAnyNumberOfKeys(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		gets, calls int
	}{{2, 1}, {100, 1}, {101, 2}, {250, 3}, {1000, 10}} {
		t.Run(fmt.Sprint(c.gets), func(t *testing.T) {
			t.Parallel()
			db := &bgFakeDB{overlap: c.calls > 1}
			gets := bgGets(c.gets)
			if err := New(db, "t").Read(context.Background(), "p", gets...); err != nil {
				t.Fatal(err)
			}
			bgAllFound(t, gets)
			if db.calls != c.calls {
				t.Errorf("%d BatchGetItem calls, want %d", db.calls, c.calls)
			}
			for i, n := range db.keys {
				if n > 100 {
					t.Errorf("call %d asked for %d keys", i+1, n)
				}
			}
			if db.alone != 0 {
				t.Errorf("%d of %d BatchGetItems were sent alone, not together", db.alone, c.calls)
			}
			if db.maxIn > batchReaders {
				t.Errorf("%d BatchGetItems in flight at once, want at most %d", db.maxIn, batchReaders)
			}
		})
	}
}

// TestBatchGetRetriesUnprocessed: keys DynamoDB leaves unprocessed are
// asked for again (s.retry), within the store's budget; past it the read
// is ErrUnavailable (a 503), and an ended ctx stops the wait.
func TestBatchGetRetriesUnprocessed(t *testing.T) {
	t.Parallel()
	t.Run("some left twice, then all", func(t *testing.T) {
		t.Parallel()
		db := &bgFakeDB{unprocessed: func(call, keys int) int {
			if call <= 2 {
				return keys / 2
			}
			return 0
		}}
		gets := bgGets(40)
		if err := New(db, "t").Read(context.Background(), "p", gets...); err != nil {
			t.Fatal(err)
		}
		bgAllFound(t, gets)
		if want := []int{40, 20, 10}; fmt.Sprint(db.keys) != fmt.Sprint(want) {
			t.Errorf("keys asked for by call: %v, want %v", db.keys, want)
		}
	})
	t.Run("left past the budget", func(t *testing.T) {
		t.Parallel()
		db := &bgFakeDB{unprocessed: func(_, keys int) int { return keys }}
		s := New(db, "t")
		s.maxTxRetries = 3
		err := s.Read(context.Background(), "p", bgGets(5)...)
		if !errors.Is(err, service.ErrUnavailable) {
			t.Errorf("err = %v, want %v", err, service.ErrUnavailable)
		}
		if db.count() != 4 {
			t.Errorf("%d BatchGetItem calls, want 4 (the first and 3 retries)", db.count())
		}
	})
	t.Run("stops when cancelled", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(context.Background())
		db := &bgFakeDB{unprocessed: func(call, keys int) int {
			if call == 3 {
				cancel()
			}
			return keys
		}}
		s := New(db, "t")
		s.maxTxRetries = 1000
		start := time.Now()
		err := s.Read(ctx, "p", bgGets(5)...)
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("took %v after cancellation", d)
		}
		if db.count() != 3 {
			t.Errorf("%d calls, want 3", db.count())
		}
	})
	t.Run("a failed chunk is the error, not the others' cancellation", func(t *testing.T) {
		t.Parallel()
		db := &bgFakeDB{failCall: 2}
		err := New(db, "t").Read(context.Background(), "p", bgGets(300)...)
		if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, service.ErrUnavailable) {
			t.Errorf("err = %v, want the failed request's", err)
		}
	})
}

// TestFiguresAsOfRetriesCancelled: a TransactGetItems cancelled by a
// transaction writing one of its items is read again (s.retry); cancelled
// past the budget is ErrUnavailable keeping the cause; any other failure
// is not retried.
func TestFiguresAsOfRetriesCancelled(t *testing.T) {
	t.Parallel()
	cancelled := func() error {
		return &smithy.OperationError{ServiceID: "DynamoDB", OperationName: "TransactGetItems", Err: &types.TransactionCanceledException{
			Message:             aws.String("Transaction cancelled [TransactionConflict]"),
			CancellationReasons: []types.CancellationReason{{Code: aws.String("TransactionConflict")}},
		}}
	}
	for _, c := range []struct {
		name      string
		answer    func(call int) error
		wantCalls int
		check     func(t *testing.T, err error)
	}{
		{"cancelled twice, then read", func(call int) error {
			if call <= 2 {
				return cancelled()
			}
			return nil
		}, 3, func(t *testing.T, err error) { dsWantNil(t, err) }},
		{"cancelled past the budget", func(int) error { return cancelled() }, 4,
			func(t *testing.T, err error) { dsWantUnavailable(t, err, true) }},
		{"another failure is not retried", func(int) error { return errors.New("boom") }, 1,
			func(t *testing.T, err error) {
				if err == nil || errors.Is(err, service.ErrUnavailable) {
					t.Errorf("err = %v, want an internal error", err)
				}
			}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			db := &bgFakeDB{txAnswer: c.answer}
			s := New(db, "t")
			s.maxTxRetries = 3
			_, _, err := s.FiguresAsOf(context.Background(), "p", []domain.SeriesKey{{Year: 2025}, {Year: 2025}})
			c.check(t, err)
			if db.count() != c.wantCalls {
				t.Errorf("%d TransactGetItems calls, want %d", db.count(), c.wantCalls)
			}
		})
	}
}
