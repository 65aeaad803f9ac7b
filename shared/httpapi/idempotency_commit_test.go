package httpapi_test

import (
	"context"
	"net"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/fundtrack/fundtrack/shared/testkit"
)

// lostAnswerDB commits transactions for real, and then, while armed, loses
// the answer the way a timeout after the commit would.
type lostAnswerDB struct {
	*dynamodb.Client
	armed atomic.Bool
}

type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

var _ net.Error = timeoutErr{}

func (d *lostAnswerDB) TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, o ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	out, err := d.Client.TransactWriteItems(ctx, in, o...)
	if err == nil && d.armed.CompareAndSwap(true, false) {
		return nil, &net.OpError{Op: "read", Net: "tcp", Err: timeoutErr{}}
	}
	return out, err
}

// A submission whose transaction committed but whose answer was lost (the
// client saw 503) is never applied twice: a retry with the same
// Idempotency-Key is told it was applied, and the totals count it once.
func TestIdempotentRetryAfterLostAnswerAppliesOnce(t *testing.T) {
	t.Parallel()
	s := testkit.New(t)
	db := &lostAnswerDB{Client: s.DB}
	h := startAPI(t, s, db, testkit.APIConfig{})
	f := h.fixture(t)
	path := f.p1("/projects/" + f.A + "/outcomes")
	body := testkit.OutcomeBody(map[string]int64{"peopleIntoWork": 7})
	key := []string{"Idempotency-Key", "lost-answer-1"}

	db.armed.Store(true)
	testkit.WantErr(t, h.Want(t, http.StatusServiceUnavailable, testkit.Request(http.MethodPost, path, uPLA, body, key...)), http.StatusServiceUnavailable, "service_unavailable")
	if db.armed.Load() {
		t.Fatal("the fault was never injected")
	}
	// The retry comes after the first claim's lease; here, at once, it is
	// still in progress (409) — either way, nothing is applied again.
	r := h.Do(t, testkit.Request(http.MethodPost, path, uPLA, body, key...))
	if r.Status != http.StatusConflict {
		t.Fatalf("retry after a lost answer: %d %s, want 409", r.Status, r.Body)
	}
	outs := testkit.ListAll[struct{ ID string }](t, h, uAdmin, path)
	if len(outs) != 1 {
		t.Fatalf("%d submissions stored, want exactly 1", len(outs))
	}
	tot, err := h.Store.Totals(context.Background(), f.P1)
	if err != nil {
		t.Fatal(err)
	}
	if got := tot.Programme["peopleIntoWork"]; got != 7 {
		t.Fatalf("peopleIntoWork = %d, want 7 (counted once)", got)
	}
}
