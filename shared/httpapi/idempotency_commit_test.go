package httpapi_test

import (
	"context"
	"net"
	"net/http"
	"strings"
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

// unsavedAnswerDB fails, while armed, the UpdateItem that saves an
// idempotent request's answer for replay.
type unsavedAnswerDB struct {
	*dynamodb.Client
	armed atomic.Bool
}

func (d *unsavedAnswerDB) UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, o ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error) {
	if d.armed.CompareAndSwap(true, false) {
		return nil, &net.OpError{Op: "read", Net: "tcp", Err: timeoutErr{}}
	}
	return d.Client.UpdateItem(ctx, in, o...)
}

// An answer that reached the client is always replayable: the answer is
// saved before it is sent, so when it cannot be saved the client gets 503
// rather than a 201 that a retry could not replay; and a 201 that was sent
// comes back the same, never a 409.
func TestIdempotentAnswerSavedBeforeSent(t *testing.T) {
	t.Parallel()
	s := testkit.New(t)
	db := &unsavedAnswerDB{Client: s.DB}
	h := startAPI(t, s, db, testkit.APIConfig{})
	f := h.fixture(t)
	path := f.p1("/funders")

	db.armed.Store(true)
	r := h.Do(t, testkit.Request(http.MethodPost, path, uLead, testkit.FunderBody("Unsaved answer"), "Idempotency-Key", "save-1"))
	if db.armed.Load() {
		t.Fatal("the fault was never injected")
	}
	testkit.WantErr(t, r, http.StatusServiceUnavailable, "service_unavailable")
	// The change was made: the 503 says so, never "try again" as if not.
	if !strings.Contains(string(r.Body), "this request was saved") || strings.Contains(string(r.Body), "try again") {
		t.Fatalf("a change made whose answer was not kept: %s, want it said that it was saved", r.Body)
	}
	again := h.Do(t, testkit.Request(http.MethodPost, path, uLead, testkit.FunderBody("Unsaved answer"), "Idempotency-Key", "save-1"))
	if again.Status != http.StatusConflict {
		t.Fatalf("sent again with the same key: %d %s, want 409 (applied once)", again.Status, again.Body)
	}

	first := h.Want(t, http.StatusCreated, testkit.Request(http.MethodPost, path, uLead, testkit.FunderBody("Saved answer"), "Idempotency-Key", "save-2"))
	for range 3 {
		again := h.Want(t, http.StatusCreated, testkit.Request(http.MethodPost, path, uLead, testkit.FunderBody("Saved answer"), "Idempotency-Key", "save-2"))
		if again.Header.Get("Idempotent-Replayed") != "true" || string(again.Body) != string(first.Body) ||
			again.Header.Get("Location") != first.Header.Get("Location") {
			t.Fatalf("the replay differs from the 201 the client got:\n%s\n%s", first, again)
		}
	}
}

// No choice of token subject and key lets one caller's key reach another's
// answer: subject "abc" with key "x#y" and subject "abc#x" with key "y"
// used to share one record, and the second caller got the first's answer.
// The second request runs as its own: a funder of the same name, refused
// (409) since the first made one, never the first's 201 replayed.
func TestIdempotencyKeysCannotCrossCallers(t *testing.T) {
	t.Parallel()
	subjects := map[string]string{uAdmin: "abc", uLead: "abc#x"}
	h := startAPI(t, testkit.New(t), nil, testkit.APIConfig{Subject: func(email string) string { return subjects[email] }})
	f := h.fixture(t)
	body := testkit.FunderBody("Same body from two callers")
	a := h.Want(t, http.StatusCreated, testkit.Request(http.MethodPost, f.p1("/funders"), uAdmin, body, "Idempotency-Key", "x#y"))
	b := h.Want(t, http.StatusConflict, testkit.Request(http.MethodPost, f.p1("/funders"), uLead, body, "Idempotency-Key", "y"))
	if b.Header.Get("Idempotent-Replayed") != "" || string(a.Body) == string(b.Body) {
		t.Fatalf("the second caller got the first caller's answer:\n%s\n%s", a, b)
	}
}
