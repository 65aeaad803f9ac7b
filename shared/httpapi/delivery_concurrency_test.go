package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"

	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestDeliveryConcurrentIdempotentSubmissions: 50 submitters each send
// their submission twice at once with the same Idempotency-Key (a client
// retrying over a flaky network). Exactly 50 submissions are stored, each
// pair answers with the same submission, and the totals are exact.
func TestDeliveryConcurrentIdempotentSubmissions(t *testing.T) {
	t.Parallel()
	// Fifty submitters on one totals item queue behind each other's
	// transactions; on a small, busy machine that can outlast the 7 s
	// request deadline (httpapi.DefaultRequestTimeout), which is not what
	// this test is about.
	a := startAPI(t, testkit.New(t), nil, testkit.APIConfig{Timeout: time.Minute})
	w := dhSetup(t, a)
	const n = 50
	type answer struct {
		status   int
		replayed bool
		id       string
		code     string
	}
	answers := make([][2]answer, n)
	var wg sync.WaitGroup
	for i := range n {
		as, prj := uPLA, w.A
		switch i % 3 {
		case 1:
			as, prj = uPLB, w.B
		case 2:
			as = uLead
		}
		body := testkit.OutcomeBody(map[string]int64{"referrals": int64(i + 1), "peopleIntoWork": 1})
		key := fmt.Sprintf("submission-%02d", i)
		for j := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				deadline := time.Now().Add(20 * time.Second)
				for {
					r, err := a.Send(testkit.Request("POST", w.prj(prj, "/outcomes"), as, body, "Idempotency-Key", key))
					if err != nil {
						t.Errorf("submitter %d copy %d: %v", i, j, err)
						return
					}
					var v struct {
						ID    string `json:"id"`
						Error struct {
							Code string `json:"code"`
						} `json:"error"`
					}
					_ = json.Unmarshal(r.Body, &v)
					// 409 request_in_progress: the twin is still running; a client waits and repeats.
					if r.Status == http.StatusConflict && v.Error.Code == "request_in_progress" && time.Now().Before(deadline) {
						answers[i][j].code = "request_in_progress" // seen at least once
						time.Sleep(20 * time.Millisecond)
						continue
					}
					answers[i][j].status, answers[i][j].id = r.Status, v.ID
					answers[i][j].replayed = r.Header.Get("Idempotent-Replayed") == "true"
					if r.Status != http.StatusCreated {
						t.Errorf("submitter %d copy %d: %s", i, j, r)
					}
					return
				}
			}()
		}
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	ids := map[string]bool{}
	inProgress := 0
	var wantA, wantB, wantAll int64
	for i, pair := range answers {
		if pair[0].id == "" || pair[0].id != pair[1].id {
			t.Errorf("submitter %d: the two copies answered different submissions %q and %q", i, pair[0].id, pair[1].id)
		}
		if pair[0].replayed == pair[1].replayed {
			t.Errorf("submitter %d: replayed flags %v/%v, want exactly one replay", i, pair[0].replayed, pair[1].replayed)
		}
		if pair[0].code != "" || pair[1].code != "" {
			inProgress++
		}
		ids[pair[0].id] = true
		wantAll += int64(i + 1)
		switch i % 3 {
		case 1:
			wantB += int64(i + 1)
		default:
			wantA += int64(i + 1)
		}
	}
	t.Logf("%d of %d pairs met 409 request_in_progress before their replay", inProgress, n)
	if len(ids) != n {
		t.Errorf("%d distinct submissions answered, want %d", len(ids), n)
	}
	stored := append(testkit.ListAll[dhOutcome](t, a, uAdmin, w.prj(w.A, "/outcomes")), testkit.ListAll[dhOutcome](t, a, uAdmin, w.prj(w.B, "/outcomes"))...)
	if len(stored) != n {
		t.Errorf("%d submissions stored, want exactly %d", len(stored), n)
	}
	for _, o := range stored {
		if !ids[o.ID] {
			t.Errorf("stored submission %s was answered to nobody", o.ID)
		}
	}
	p := w.progress(t, uAdmin)
	dhEqualTotals(t, "programme", p.Totals, map[string]int64{"referrals": wantAll, "peopleIntoWork": n})
	if p.project(t, w.A)["referrals"] != wantA || p.project(t, w.B)["referrals"] != wantB {
		t.Errorf("project referrals A %d B %d, want %d and %d", p.project(t, w.A)["referrals"], p.project(t, w.B)["referrals"], wantA, wantB)
	}
}

// TestDeliveryCorrectionRace: a correction, and a second correction of the
// same submission, race 20 new submissions. Exactly one correction wins,
// the other is 409, and the totals count each new submission once and the
// corrected figures instead of the old.
func TestDeliveryCorrectionRace(t *testing.T) {
	t.Parallel()
	a := newAPI(t)
	w := dhSetup(t, a)
	old, _ := a.Create(t, uPLA, w.prj(w.A, "/outcomes"), testkit.OutcomeBody(map[string]int64{"referrals": 100, "peopleIntoWork": 10}))

	type result struct {
		status int
		body   string
	}
	corrections := []map[string]any{
		testkit.Merge(testkit.OutcomeBody(map[string]int64{"referrals": 50, "peopleIntoWork": 5}), map[string]any{"replaces": old}),
		testkit.Merge(testkit.OutcomeBody(map[string]int64{"referrals": 70, "peopleIntoWork": 7}), map[string]any{"replaces": old}),
	}
	results := make([]result, len(corrections))
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			as, prj := uPLA, w.A
			if i%2 == 1 {
				as, prj = uPLB, w.B
			}
			r, err := a.Send(testkit.Request("POST", w.prj(prj, "/outcomes"), as, testkit.OutcomeBody(map[string]int64{"referrals": int64(i + 1), "peopleIntoWork": 1})))
			if err != nil || r.Status != http.StatusCreated {
				t.Errorf("submission %d: %v %s", i, err, r)
			}
		}()
	}
	for i, c := range corrections {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			r, err := a.Send(testkit.Request("POST", w.prj(w.A, "/outcomes"), uPLA, c))
			if err != nil {
				t.Errorf("correction %d: %v", i, err)
				return
			}
			results[i] = result{r.Status, string(r.Body)}
		}()
	}
	close(start)
	wg.Wait()

	winner := -1
	for i, r := range results {
		switch r.status {
		case http.StatusCreated:
			if winner >= 0 {
				t.Errorf("both corrections of the same submission were accepted")
			}
			winner = i
		case http.StatusConflict:
			if !strings.Contains(r.body, `"conflict"`) {
				t.Errorf("correction %d: %d %s, want code conflict", i, r.status, r.body)
			}
		default:
			t.Errorf("correction %d: %d %s", i, r.status, r.body)
		}
	}
	if winner < 0 {
		t.Fatalf("no correction won: %+v", results)
	}
	c := corrections[winner]["counts"].(map[string]int64)
	p := w.progress(t, uAdmin)
	dhEqualTotals(t, "programme", p.Totals, map[string]int64{"referrals": 210 + c["referrals"], "peopleIntoWork": 20 + c["peopleIntoWork"]})
	dhEqualTotals(t, "project A", p.project(t, w.A), map[string]int64{"referrals": 100 + c["referrals"], "peopleIntoWork": 10 + c["peopleIntoWork"]}) // 1+3+…+19 = 100
	dhEqualTotals(t, "project B", p.project(t, w.B), map[string]int64{"referrals": 110, "peopleIntoWork": 10})                                        // 2+4+…+20 = 110
	if got := len(testkit.ListAll[struct{}](t, a, uAdmin, w.prj(w.A, "/outcomes"))); got != 1+10+1 {
		t.Errorf("project A has %d submissions, want 12 (old, 10 new, 1 correction)", got)
	}
}

// dhFaultDB is the DynamoDB client with faults DynamoDB Local never
// produces: TransactWriteItems fails as plan says (nil: goes through).
type dhFaultDB struct {
	*dynamodb.Client
	mu    sync.Mutex
	plan  func(call int, in *dynamodb.TransactWriteItemsInput) error
	calls int
}

// arm installs a plan and restarts the call count; nil disarms.
func (d *dhFaultDB) arm(plan func(call int, in *dynamodb.TransactWriteItemsInput) error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.plan, d.calls = plan, 0
}

func (d *dhFaultDB) transactCalls() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.calls
}

func (d *dhFaultDB) TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, optFns ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	d.mu.Lock()
	d.calls++
	call, plan := d.calls, d.plan
	d.mu.Unlock()
	if plan != nil {
		if err := plan(call, in); err != nil {
			return nil, err
		}
	}
	return d.Client.TransactWriteItems(ctx, in, optFns...)
}

// dhCancelled is the error DynamoDB gives a transaction cancelled because
// another transaction holds the totals item: one reason per item, code on
// the totals update and "None" on the others, wrapped as the SDK wraps it.
func dhCancelled(in *dynamodb.TransactWriteItemsInput, code string) error {
	reasons := make([]types.CancellationReason, len(in.TransactItems))
	codes := make([]string, len(in.TransactItems))
	at := len(in.TransactItems) - 1
	for i, it := range in.TransactItems {
		if it.Update != nil {
			if sk, ok := it.Update.Key["SK"].(*types.AttributeValueMemberS); ok && sk.Value == "TOTALS" {
				at = i
			}
		}
	}
	for i := range reasons {
		reasons[i], codes[i] = types.CancellationReason{Code: aws.String("None")}, "None"
	}
	reasons[at] = types.CancellationReason{Code: aws.String(code), Message: aws.String("Transaction is ongoing for the item")}
	codes[at] = code
	return &smithy.OperationError{ServiceID: "DynamoDB", OperationName: "TransactWriteItems", Err: &types.TransactionCanceledException{
		Message:             aws.String("Transaction cancelled, please refer cancellation reasons for specific reasons [" + strings.Join(codes, ", ") + "]"),
		CancellationReasons: reasons,
	}}
}

// dhFailFirst fails the first n transactions with the given reason code.
func dhFailFirst(n int, code string) func(int, *dynamodb.TransactWriteItemsInput) error {
	return func(call int, in *dynamodb.TransactWriteItemsInput) error {
		if call <= n {
			return dhCancelled(in, code)
		}
		return nil
	}
}

// TestDeliveryTransactionFaults injects transaction conflicts and
// throttling under the store. Retried conflicts leave the totals exact,
// never counting a submission twice; a conflict that outlasts the retry
// budget is 503 and changes nothing, and the request can then be repeated
// with the same Idempotency-Key.
func TestDeliveryTransactionFaults(t *testing.T) {
	t.Parallel()
	s := testkit.New(t)
	db := &dhFaultDB{Client: s.DB}
	a := startAPI(t, s, db, testkit.APIConfig{})
	w := dhSetup(t, a)
	outA := w.prj(w.A, "/outcomes")
	submit := func(referrals int64, hdr ...string) testkit.Resp {
		return a.Do(t, testkit.Request("POST", outA, uPLA, testkit.OutcomeBody(map[string]int64{"referrals": referrals, "peopleIntoWork": 1}), hdr...))
	}
	wantTotals := func(what string, referrals, into, submissions int) {
		t.Helper()
		p := w.progress(t, uAdmin)
		dhEqualTotals(t, what, p.Totals, map[string]int64{"referrals": int64(referrals), "peopleIntoWork": int64(into)})
		if got := len(testkit.ListAll[struct{}](t, a, uAdmin, outA)); got != submissions {
			t.Errorf("%s: %d submissions stored, want %d", what, got, submissions)
		}
	}

	// Three conflicts, then the transaction goes through: one submission, counted once.
	db.arm(dhFailFirst(3, "TransactionConflict"))
	first := submit(10)
	if first.Status != http.StatusCreated {
		t.Fatalf("submission after 3 conflicts: %s", first)
	}
	if calls := db.transactCalls(); calls != 4 {
		t.Errorf("%d TransactWriteItems calls for 3 conflicts, want 4", calls)
	}
	db.arm(nil)
	wantTotals("after retried conflicts", 10, 1, 1)
	firstID := testkit.Decode[dhOutcome](t, first).ID

	// Throttling reported as a cancellation reason is retried the same way.
	db.arm(dhFailFirst(1, "ThrottlingError"))
	if r := submit(5); r.Status != http.StatusCreated {
		t.Fatalf("submission after a throttled transaction: %s", r)
	}
	db.arm(nil)
	wantTotals("after a throttled transaction", 15, 2, 2)

	// A correction whose transaction conflicts twice: old figures come out once.
	db.arm(dhFailFirst(2, "TransactionConflict"))
	a.Want(t, http.StatusCreated, testkit.Request("POST", outA, uPLA, testkit.Merge(testkit.OutcomeBody(map[string]int64{"referrals": 4, "peopleIntoWork": 1}), map[string]any{"replaces": firstID})))
	db.arm(nil)
	wantTotals("after a retried correction", 9, 2, 3)
	testkit.WantErr(t, a.Do(t, testkit.Request("POST", outA, uPLA, testkit.Merge(testkit.OutcomeBody(map[string]int64{"referrals": 1}), map[string]any{"replaces": firstID}))), http.StatusConflict, "conflict")

	// A post status change that conflicts once moves the post counts once.
	post, _ := a.Create(t, uPLA, w.prj(w.A, "/posts"), testkit.PostBody(w.GXA, "vacant"))
	db.arm(dhFailFirst(1, "TransactionConflict"))
	a.Want(t, http.StatusOK, testkit.Request("PATCH", w.prj(w.A, "/posts/"+post), uPLA, map[string]any{"status": "filled"}, "If-Match", `"1"`))
	db.arm(nil)
	if pc := w.progress(t, uAdmin).Posts; pc.Total != 1 || pc.Filled != 1 || pc.Vacant != 0 {
		t.Errorf("posts after a retried status change: %+v", pc)
	}

	// A conflict that never clears: 503 once the retry budget is spent, and
	// nothing written, not even the idempotency claim.
	before := w.state(t)
	db.arm(func(_ int, in *dynamodb.TransactWriteItemsInput) error { return dhCancelled(in, "TransactionConflict") })
	began := time.Now()
	r := submit(1000, "Idempotency-Key", "stuck-1")
	took := time.Since(began)
	calls := db.transactCalls()
	db.arm(nil)
	testkit.WantErr(t, r, http.StatusServiceUnavailable, "service_unavailable")
	if r.Header.Get("Retry-After") == "" {
		t.Errorf("503 without Retry-After")
	}
	t.Logf("persistent conflict: %d TransactWriteItems calls over %v before 503", calls, took.Round(time.Millisecond))
	if calls < 2 || calls > 20 {
		t.Errorf("persistent conflict: %d calls; want a few retries, then give up", calls)
	}
	testkit.SameSnapshot(t, "a transaction that never got through", before, w.state(t))
	// The client repeats with the same key once the database recovers: it runs, once.
	r = submit(1000, "Idempotency-Key", "stuck-1")
	if r.Status != http.StatusCreated || r.Header.Get("Idempotent-Replayed") != "" {
		t.Fatalf("repeat after 503: %s (replayed %q)", r, r.Header.Get("Idempotent-Replayed"))
	}
	if r2 := submit(1000, "Idempotency-Key", "stuck-1"); r2.Status != http.StatusCreated || r2.Header.Get("Idempotent-Replayed") != "true" ||
		testkit.Decode[dhOutcome](t, r2).ID != testkit.Decode[dhOutcome](t, r).ID {
		t.Errorf("third send with the key: %s (replayed %q), want the second's answer replayed", r2, r2.Header.Get("Idempotent-Replayed"))
	}
	wantTotals("after the repeated submission", 1009, 3, 4)

	// A throttling error from the client itself (the SDK's own retries
	// spent) is 503 at once, writes nothing, and the repeat counts once.
	before = w.state(t)
	db.arm(func(call int, _ *dynamodb.TransactWriteItemsInput) error {
		if call == 1 {
			return &smithy.OperationError{ServiceID: "DynamoDB", OperationName: "TransactWriteItems",
				Err: &types.ThrottlingException{Message: aws.String("Rate of requests exceeds the allowed throughput.")}}
		}
		return nil
	})
	r = submit(7, "Idempotency-Key", "throttled-1")
	db.arm(nil)
	testkit.WantErr(t, r, http.StatusServiceUnavailable, "service_unavailable")
	testkit.SameSnapshot(t, "a throttled transaction", before, w.state(t))
	a.Want(t, http.StatusCreated, testkit.Request("POST", outA, uPLA, testkit.OutcomeBody(map[string]int64{"referrals": 7, "peopleIntoWork": 1}), "Idempotency-Key", "throttled-1"))
	wantTotals("after the repeated throttled submission", 1016, 4, 5)
}

// TestDeliveryIfMatchAnyConcurrent: "If-Match: *" accepts whatever version
// is current, so concurrent changes sent with it are never "stale" (412);
// each applies in turn, and the post counts follow the last status.
func TestDeliveryIfMatchAnyConcurrent(t *testing.T) {
	t.Parallel()
	a := newAPI(t)
	w := dhSetup(t, a)
	post, _ := a.Create(t, uPLA, w.prj(w.A, "/posts"), testkit.PostBody(w.GXA, "vacant"))
	const n = 10
	statuses := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			status := []string{"vacant", "filled", "ended"}[i%3]
			r, err := a.Send(testkit.Request("PATCH", w.prj(w.A, "/posts/"+post), uPLA, map[string]any{"title": fmt.Sprint("Employment specialist ", i), "status": status}, "If-Match", "*"))
			if err != nil {
				t.Error(err)
				return
			}
			statuses[i] = r.Status
		}()
	}
	wg.Wait()
	ok := 0
	for _, s := range statuses {
		if s == http.StatusOK {
			ok++
		}
	}
	if ok != n {
		t.Errorf("%d of %d PATCHes with If-Match: * succeeded (statuses %v); none is stale", ok, n, statuses)
	}
	got := testkit.Decode[dhPost](t, a.Want(t, http.StatusOK, testkit.Request("GET", w.prj(w.A, "/posts/"+post), uAdmin, nil)))
	if got.Version != int64(1+ok) {
		t.Errorf("post version %d after %d successful changes", got.Version, ok)
	}
	pc := w.progress(t, uAdmin).Posts
	want := map[string]int64{got.Status: 1}
	if pc.Total != 1 || pc.Vacant != want["vacant"] || pc.Filled != want["filled"] || pc.Ended != want["ended"] {
		t.Errorf("post counts %+v, want one %s post", pc, got.Status)
	}
}
