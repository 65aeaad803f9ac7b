package store

// Tests of transact's retry rules against a fake client: which cancellation
// reasons are retried, how often, and what the caller gets back when the
// retries run out. DynamoDB Local never produces these failures.

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"

	"github.com/fundtrack/fundtrack/shared/service"
)

// dsFakeDB answers TransactWriteItems from answer; any other call panics
// through the nil embedded DB.
type dsFakeDB struct {
	DB
	mu     sync.Mutex
	calls  int
	answer func(call int, in *dynamodb.TransactWriteItemsInput) error
}

func (f *dsFakeDB) TransactWriteItems(_ context.Context, in *dynamodb.TransactWriteItemsInput, _ ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	f.mu.Lock()
	f.calls++
	call := f.calls
	f.mu.Unlock()
	if err := f.answer(call, in); err != nil {
		return nil, err
	}
	return &dynamodb.TransactWriteItemsOutput{}, nil
}

func (f *dsFakeDB) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

// dsCancel is a cancellation as the SDK returns it: one reason per item.
func dsCancel(codes ...string) error {
	reasons := make([]types.CancellationReason, len(codes))
	for i, c := range codes {
		reasons[i] = types.CancellationReason{Code: aws.String(c)}
	}
	return &smithy.OperationError{ServiceID: "DynamoDB", OperationName: "TransactWriteItems", Err: &types.TransactionCanceledException{
		Message:             aws.String("Transaction cancelled, please refer cancellation reasons for specific reasons [" + strings.Join(codes, ", ") + "]"),
		CancellationReasons: reasons,
	}}
}

// dsItems is a transaction of n condition checks; item i's failure is
// dsFail(i).
func dsItems(n int) *tx {
	t := &tx{}
	for i := range n {
		t.add(types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{TableName: aws.String("t"), Key: key("PK", "SK"),
			ConditionExpression: aws.String("attribute_exists(PK)")}}, dsFail(i))
	}
	return t
}

type dsFail int

func (f dsFail) Error() string { return fmt.Sprintf("item %d failed", int(f)) }

func TestTransactRetries(t *testing.T) {
	t.Parallel()
	firstN := func(n int, err func() error) func(int, *dynamodb.TransactWriteItemsInput) error {
		return func(call int, _ *dynamodb.TransactWriteItemsInput) error {
			if call <= n {
				return err()
			}
			return nil
		}
	}
	always := func(err func() error) func(int, *dynamodb.TransactWriteItemsInput) error {
		return func(int, *dynamodb.TransactWriteItemsInput) error { return err() }
	}
	conflict := func() error { return dsCancel("None", "None", "TransactionConflict") }
	cases := []struct {
		name      string
		retries   int // the store's budget; 0 keeps the default
		answer    func(int, *dynamodb.TransactWriteItemsInput) error
		wantCalls int
		check     func(t *testing.T, err error)
	}{
		{name: "success", answer: always(func() error { return nil }), wantCalls: 1,
			check: func(t *testing.T, err error) { dsWantNil(t, err) }},
		{name: "three conflicts then success", answer: firstN(3, conflict), wantCalls: 4,
			check: func(t *testing.T, err error) { dsWantNil(t, err) }},
		{name: "throttled transaction then success", answer: firstN(1, func() error { return dsCancel("ThrottlingError", "None", "None") }), wantCalls: 2,
			check: func(t *testing.T, err error) { dsWantNil(t, err) }},
		{name: "throughput exceeded then success", answer: firstN(2, func() error { return dsCancel("None", "ProvisionedThroughputExceeded", "None") }), wantCalls: 3,
			check: func(t *testing.T, err error) { dsWantNil(t, err) }},
		{name: "conflict past a budget of 3", retries: 3, answer: always(conflict), wantCalls: 4,
			check: func(t *testing.T, err error) { dsWantUnavailable(t, err, true) }},
		{name: "conflict past the default budget", answer: always(conflict), wantCalls: 9,
			check: func(t *testing.T, err error) { dsWantUnavailable(t, err, true) }},
		{name: "failed condition is final", answer: always(func() error { return dsCancel("None", "None", "ConditionalCheckFailed") }), wantCalls: 1,
			check: func(t *testing.T, err error) { dsWantCancelledAt(t, err, 2) }},
		{name: "failed condition beside a conflict is final", answer: always(func() error { return dsCancel("TransactionConflict", "ConditionalCheckFailed", "None") }), wantCalls: 1,
			check: func(t *testing.T, err error) { dsWantCancelledAt(t, err, 1) }},
		{name: "throttling from the client itself", answer: always(func() error {
			return &smithy.OperationError{ServiceID: "DynamoDB", OperationName: "TransactWriteItems",
				Err: &types.ThrottlingException{Message: aws.String("Rate of requests exceeds the allowed throughput.")}}
		}), wantCalls: 1, check: func(t *testing.T, err error) { dsWantUnavailable(t, err, false) }},
		{name: "unreachable", answer: always(func() error {
			return &smithy.OperationError{ServiceID: "DynamoDB", OperationName: "TransactWriteItems",
				Err: &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}}
		}), wantCalls: 1, check: func(t *testing.T, err error) { dsWantUnavailable(t, err, false) }},
		// A cancellation for a reason that will not pass by retrying (an item
		// too large, an invalid update) is not "the database is unavailable":
		// a 503 with Retry-After would have clients repeat it for ever.
		{name: "cancellation for a lasting reason is internal", answer: always(func() error { return dsCancel("None", "ValidationError", "None") }), wantCalls: 1,
			check: func(t *testing.T, err error) {
				if err == nil || errors.Is(err, service.ErrUnavailable) {
					t.Errorf("err = %v, want an internal error, not %v", err, service.ErrUnavailable)
				}
			}},
		{name: "some other failure stays internal", answer: always(func() error { return errors.New("boom") }), wantCalls: 1,
			check: func(t *testing.T, err error) {
				if err == nil || errors.Is(err, service.ErrUnavailable) {
					t.Errorf("err = %v, want an internal error", err)
				}
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			db := &dsFakeDB{answer: c.answer}
			s := New(db, "t")
			if c.retries > 0 {
				s.maxTxRetries = c.retries
			}
			err := s.transact(context.Background(), dsItems(3))
			c.check(t, err)
			if got := db.count(); got != c.wantCalls {
				t.Errorf("%d TransactWriteItems calls, want %d", got, c.wantCalls)
			}
		})
	}
}

func dsWantNil(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Errorf("err = %v, want nil", err)
	}
}

func dsWantUnavailable(t *testing.T, err error, cancelled bool) {
	t.Helper()
	if !errors.Is(err, service.ErrUnavailable) {
		t.Errorf("err = %v, want %v", err, service.ErrUnavailable)
	}
	var tce *types.TransactionCanceledException
	if cancelled != errors.As(err, &tce) {
		t.Errorf("err = %v: the cause should be kept for the log", err)
	}
	var f dsFail
	if errors.As(err, &f) {
		t.Errorf("err = %v: a conflict is not a failed condition", err)
	}
}

func dsWantCancelledAt(t *testing.T, err error, index int) {
	t.Helper()
	var f dsFail
	if !errors.As(err, &f) || int(f) != index {
		t.Errorf("err = %v, want the failure of item %d", err, index)
	}
}

// TestTransactStopsWhenCancelled: a request given up by its caller stops
// retrying at once rather than sleeping out its backoff.
func TestTransactStopsWhenCancelled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	db := &dsFakeDB{answer: func(call int, _ *dynamodb.TransactWriteItemsInput) error {
		if call == 3 {
			cancel()
		}
		return dsCancel("TransactionConflict")
	}}
	s := New(db, "t")
	s.maxTxRetries = 1000
	start := time.Now()
	err := s.transact(ctx, dsItems(1))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %v after cancellation", d)
	}
	if got := db.count(); got != 3 {
		t.Errorf("%d calls, want 3", got)
	}
}

// TestTransactTooManyItems: DynamoDB's limit is checked before any request.
func TestTransactTooManyItems(t *testing.T) {
	t.Parallel()
	db := &dsFakeDB{answer: func(int, *dynamodb.TransactWriteItemsInput) error { return nil }}
	if err := New(db, "t").transact(context.Background(), dsItems(101)); err == nil {
		t.Error("a transaction of 101 items was sent")
	}
	if db.count() != 0 {
		t.Errorf("%d calls for an oversized transaction", db.count())
	}
	if err := New(db, "t").transact(context.Background(), dsItems(100)); err != nil {
		t.Errorf("100 items: %v", err)
	}
}

// TestBackoff: jittered, growing, and capped.
func TestBackoff(t *testing.T) {
	t.Parallel()
	for attempt := range 12 {
		base := 10 * time.Millisecond << min(attempt, 6)
		for range 200 {
			d := backoff(attempt)
			if d < base/2 || d >= base/2+base {
				t.Fatalf("backoff(%d) = %v, want in [%v, %v)", attempt, d, base/2, base/2+base)
			}
		}
	}
	if backoff(100) > time.Second {
		t.Errorf("backoff is not capped: %v", backoff(100))
	}
}
