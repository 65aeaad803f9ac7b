package httpapi_test

// Failures of the database as clients meet them: a table that goes away
// and comes back, a database that hangs. Every request still answers, in
// the SPEC's shape, within its deadline.

import (
	"context"
	"encoding/json"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/fundtrack/fundtrack/infra/cfn"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/store"
	"github.com/fundtrack/fundtrack/shared/testenv"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// faultDB answers every call with fail's error when it gives one, and
// passes the call on otherwise: the faults DynamoDB Local cannot produce.
type faultDB struct {
	store.DB
	fail func(op string) error
}

func (f faultDB) GetItem(ctx context.Context, in *dynamodb.GetItemInput, o ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	if err := f.fail("GetItem"); err != nil {
		return nil, err
	}
	return f.DB.GetItem(ctx, in, o...)
}

func (f faultDB) PutItem(ctx context.Context, in *dynamodb.PutItemInput, o ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	if err := f.fail("PutItem"); err != nil {
		return nil, err
	}
	return f.DB.PutItem(ctx, in, o...)
}

func (f faultDB) Query(ctx context.Context, in *dynamodb.QueryInput, o ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	if err := f.fail("Query"); err != nil {
		return nil, err
	}
	return f.DB.Query(ctx, in, o...)
}

func (f faultDB) BatchGetItem(ctx context.Context, in *dynamodb.BatchGetItemInput, o ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error) {
	if err := f.fail("BatchGetItem"); err != nil {
		return nil, err
	}
	return f.DB.BatchGetItem(ctx, in, o...)
}

func (f faultDB) TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, o ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	if err := f.fail("TransactWriteItems"); err != nil {
		return nil, err
	}
	return f.DB.TransactWriteItems(ctx, in, o...)
}

func (f faultDB) TransactGetItems(ctx context.Context, in *dynamodb.TransactGetItemsInput, o ...func(*dynamodb.Options)) (*dynamodb.TransactGetItemsOutput, error) {
	if err := f.fail("TransactGetItems"); err != nil {
		return nil, err
	}
	return f.DB.TransactGetItems(ctx, in, o...)
}

// TestAPIHungDatabase: a database that never answers gives 503 with
// Retry-After at the request's deadline, never a hung connection, whether
// the client gives up with its context or ignores it.
func TestAPIHungDatabase(t *testing.T) {
	t.Parallel()
	for _, ignore := range []bool{false, true} {
		s := testkit.New(t)
		release := make(chan struct{})
		t.Cleanup(func() { close(release) })
		h := startAPI(t, s, testkit.HungDB{DB: s.DB, IgnoreContext: ignore, Release: release}, testkit.APIConfig{Timeout: 300 * time.Millisecond})
		for _, req := range append(serverErrorRequests(), testkit.Req{Method: "GET", Path: "/health"}) {
			r := h.Do(t, req)
			testkit.WantErr(t, r, http.StatusServiceUnavailable, "service_unavailable")
			if r.Header.Get("Retry-After") == "" {
				t.Errorf("%s %s (ignoring its context: %v): 503 without Retry-After", req.Method, req.Path, ignore)
			}
		}
	}
}

// TestAPIWriteAnsweredAfterTheDeadlineIsReported: a change whose
// transaction was sent before the request's deadline, made at once but
// answered only after the deadline (within service.WriteGrace), is
// answered as made (201, and there it is), not 503: an error must change
// nothing, and a client told 503 would retry a change already made.
func TestAPIWriteAnsweredAfterTheDeadlineIsReported(t *testing.T) {
	t.Parallel()
	s := testkit.New(t)
	timeout := 300 * time.Millisecond
	var sent atomic.Int64
	// The answer comes half the grace past the deadline, however long
	// the reads before the write took.
	late := testkit.LateAnswerDB{DB: s.DB, Until: func() time.Time { return time.Unix(0, sent.Load()).Add(timeout + service.WriteGrace/2) }}
	h := startAPI(t, s, late, testkit.APIConfig{Timeout: timeout})
	start := time.Now()
	sent.Store(start.UnixNano())
	r := h.Do(t, testkit.Req{Method: "POST", Path: "/programmes", As: uAdmin, Body: testkit.ProgrammeBody("Answered late")})
	if r.Status != http.StatusCreated {
		t.Fatalf("a change made, answered after the deadline: %d %s", r.Status, r.Body)
	}
	if took := time.Since(start); took < timeout {
		t.Fatalf("answered in %v, before the %v deadline: the database's answer was not late", took, timeout)
	}
	var p struct{ ID string }
	if err := json.Unmarshal(r.Body, &p); err != nil || p.ID == "" {
		t.Fatalf("the answer names no programme: %s", r.Body)
	}
	fresh := startAPI(t, s, nil, testkit.APIConfig{})
	fresh.Want(t, 200, testkit.Req{Method: "GET", Path: "/programmes/" + p.ID, As: uAdmin})
}

// TestAPITableGoneAndBack: a table that disappears (DynamoDB Local
// restarted in memory) is a 503 with Retry-After, never a 500, health says
// so, and once the table is back the same handlers serve again.
func TestAPITableGoneAndBack(t *testing.T) {
	t.Parallel()
	db, table := testenv.Table(t)
	h := newAPIOver(t, db, table)
	p, _ := h.Create(t, uAdmin, "/programmes", testkit.ProgrammeBody("Comes back"))
	h.Want(t, 200, testkit.Req{Method: "GET", Path: "/health"})

	ctx := context.Background()
	if _, err := db.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String(table)}); err != nil {
		t.Fatal(err)
	}
	for _, req := range append(serverErrorRequests(), testkit.Req{Method: "GET", Path: "/health"}) {
		r := h.Do(t, req)
		testkit.WantErr(t, r, http.StatusServiceUnavailable, "service_unavailable")
		if r.Header.Get("Retry-After") == "" {
			t.Errorf("%s %s: 503 without Retry-After", req.Method, req.Path)
		}
	}

	// The table comes back (empty, as DynamoDB Local restarted in memory would be).
	path, err := cfn.FindTemplate()
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := cfn.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	in, ttl, err := cfn.TableInput(tpl, cfn.TableLogicalID, table)
	if err != nil {
		t.Fatal(err)
	}
	if err := cfn.EnsureTable(ctx, testenv.Client(t), in, ttl); err != nil {
		t.Fatal(err)
	}
	h.Want(t, 200, testkit.Req{Method: "GET", Path: "/health"})
	h.Want(t, 201, testkit.Req{Method: "POST", Path: "/programmes", As: uAdmin, Body: testkit.ProgrammeBody("After")})
	testkit.WantErr(t, h.Do(t, testkit.Req{Method: "GET", Path: "/programmes/" + p, As: uAdmin}), 404, "not_found")
}
