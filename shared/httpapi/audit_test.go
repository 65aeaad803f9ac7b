package httpapi_test

// Tests of the audit trail (SPEC "Audit trail") through the HTTP API, run
// by the package's harness (api_harness_test.go). This file holds what only
// the audit tests need, and the test that each kind of change leaves exactly
// one audit event saying who changed what, and how.
//
// The audit tests run the API on a wrapper of the store's DynamoDB client
// (store.DB) that is made to
//   - watch every write: any PutItem/UpdateItem/DeleteItem naming the audit
//     table, any transaction item other than a conditional Put into it, or a
//     transaction without exactly one audit event, fails the test; and
//   - inject failures into TransactWriteItems for one request.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// atSubject is the token subject of each test user: distinct from the email,
// so a test can tell actorSubject from actorEmail.
func atSubject(email string) string { return "sub-" + strings.ReplaceAll(email, "@", "-at-") }

// ---- the DynamoDB wrapper ----

// atDB is the store's DynamoDB client, watched and, on request, failing.
type atDB struct {
	*dynamodb.Client
	auditTable string

	mu         sync.Mutex
	txCalls    int
	failTx     func(in *dynamodb.TransactWriteItemsInput) error // used once by the next transaction
	beforeTx   func()                                           // run once before the next transaction
	injected   int                                              // failures injected so far
	violations []string
}

func (d *atDB) violate(format string, args ...any) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.violations = append(d.violations, fmt.Sprintf(format, args...))
}

func (d *atDB) PutItem(ctx context.Context, in *dynamodb.PutItemInput, o ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	if aws.ToString(in.TableName) == d.auditTable {
		d.violate("PutItem outside a transaction on the audit table")
	}
	return d.Client.PutItem(ctx, in, o...)
}

func (d *atDB) UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, o ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error) {
	if aws.ToString(in.TableName) == d.auditTable {
		d.violate("UpdateItem on the audit table")
	}
	return d.Client.UpdateItem(ctx, in, o...)
}

func (d *atDB) DeleteItem(ctx context.Context, in *dynamodb.DeleteItemInput, o ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error) {
	if aws.ToString(in.TableName) == d.auditTable {
		d.violate("DeleteItem on the audit table")
	}
	return d.Client.DeleteItem(ctx, in, o...)
}

func (d *atDB) TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, o ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	audits := 0
	for i, it := range in.TransactItems {
		switch {
		case it.Put != nil && aws.ToString(it.Put.TableName) == d.auditTable:
			audits++
			if aws.ToString(it.Put.ConditionExpression) != "attribute_not_exists(PK)" {
				d.violate("item %d puts an audit event without attribute_not_exists(PK): %q", i, aws.ToString(it.Put.ConditionExpression))
			}
		case it.Update != nil && aws.ToString(it.Update.TableName) == d.auditTable:
			d.violate("item %d updates the audit table", i)
		case it.Delete != nil && aws.ToString(it.Delete.TableName) == d.auditTable:
			d.violate("item %d deletes from the audit table", i)
		case it.ConditionCheck != nil && aws.ToString(it.ConditionCheck.TableName) == d.auditTable:
			d.violate("item %d checks the audit table", i)
		}
	}
	if audits != 1 && !recipientClaim(in) {
		d.violate("a transaction of %d items writes %d audit events, want exactly 1", len(in.TransactItems), audits)
	}
	d.mu.Lock()
	d.txCalls++
	fail, before := d.failTx, d.beforeTx
	d.failTx, d.beforeTx = nil, nil
	if fail != nil {
		d.injected++
	}
	d.mu.Unlock()
	if before != nil {
		before()
	}
	if fail != nil {
		return nil, fail(in)
	}
	return d.Client.TransactWriteItems(ctx, in, o...)
}

// recipientClaim says whether in is the notifier's claim of one recipient
// of an email (store.ClaimRecipient, ClaimReturnRecipient): an Update
// adding the address to the email's sending set, with checks alone beside
// it (that the recipient still is one, the return still expected). It
// changes no record, so no event records it, as the store's own
// TestAuditTableAppendOnlyInCode allows.
func recipientClaim(in *dynamodb.TransactWriteItemsInput) bool {
	claims := 0
	for _, it := range in.TransactItems {
		switch {
		case it.ConditionCheck != nil:
		case it.Update != nil && aws.ToString(it.Update.UpdateExpression) == "ADD sending :to":
			claims++
		default:
			return false
		}
	}
	return claims == 1
}

// failNextTx makes the next transaction fail with fail's error, without it
// reaching DynamoDB.
func (d *atDB) failNextTx(fail func(in *dynamodb.TransactWriteItemsInput) error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.failTx = fail
}

// beforeNextTx runs fn just before the next transaction goes to DynamoDB.
func (d *atDB) beforeNextTx(fn func()) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.beforeTx = fn
}

func (d *atDB) injectedCount() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.injected
}

// atCancelledOnAudit is what DynamoDB answers when the audit event's own
// condition fails: the whole transaction is cancelled.
func atCancelledOnAudit(auditTable string) func(in *dynamodb.TransactWriteItemsInput) error {
	return func(in *dynamodb.TransactWriteItemsInput) error {
		reasons := make([]types.CancellationReason, len(in.TransactItems))
		for i, it := range in.TransactItems {
			reasons[i] = types.CancellationReason{Code: aws.String("None")}
			if it.Put != nil && aws.ToString(it.Put.TableName) == auditTable {
				reasons[i] = types.CancellationReason{Code: aws.String("ConditionalCheckFailed"), Message: aws.String("The conditional request failed")}
			}
		}
		return &types.TransactionCanceledException{Message: aws.String("Transaction cancelled (injected)"), CancellationReasons: reasons}
	}
}

// ---- the running API ----

// atH is the API over a fresh table pair on the watched client; its tokens
// carry atSubject.
type atH struct {
	*apiH
	watch      *atDB
	auditTable string
}

// atNew starts the API over a fresh table pair, with the watched client.
func atNew(t *testing.T) *atH {
	t.Helper()
	s := testkit.New(t)
	h := &atH{auditTable: s.AuditTable()}
	h.watch = &atDB{Client: s.DB, auditTable: h.auditTable}
	h.apiH = startAPI(t, s, h.watch, testkit.APIConfig{Subject: atSubject})
	t.Cleanup(func() {
		h.watch.mu.Lock()
		defer h.watch.mu.Unlock()
		for _, v := range h.watch.violations {
			t.Errorf("audit table policy violated: %s", v)
		}
	})
	return h
}

// atMemNew starts the API over a fresh in-memory store, its tokens
// carrying atSubject as atNew's do, for the tests of how the trail reads:
// whether each change writes its event, atomically, is proved over
// DynamoDB Local (atNew's tests), and reading the trail back is the
// service's rule over either storage.
func atMemNew(t *testing.T) *atH {
	t.Helper()
	m := testkit.NewMem(t)
	return &atH{apiH: &apiH{API: testkit.NewMemAPI(t, m.Store, testkit.APIConfig{Subject: atSubject}), mem: m}}
}

// etag reads a record and returns its ETag.
func (h *atH) etag(t testing.TB, path string) string {
	t.Helper()
	r := h.Want(t, http.StatusOK, testkit.Request("GET", path, uAdmin, nil))
	tag := r.Header.Get("ETag")
	if tag == "" {
		t.Fatalf("GET %s: no ETag", path)
	}
	return tag
}

// ---- what is in the tables ----

// auditIDs is every audit event in the audit table, read directly (not
// through the API), so an event written anywhere is counted; over memory,
// every event the store holds.
func (h *atH) auditIDs(t testing.TB) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	if h.mem != nil {
		for _, line := range h.Snapshot(t) {
			if ev, ok := strings.CutPrefix(line, "audit "); ok {
				var e struct{ ID string }
				if err := json.Unmarshal([]byte(ev), &e); err != nil || e.ID == "" {
					t.Fatalf("audit event without an id: %s (%v)", ev, err)
				}
				out[e.ID] = true
			}
		}
		return out
	}
	for _, item := range h.ScanItems(t, h.auditTable) {
		id, ok := item["id"].(*types.AttributeValueMemberS)
		if !ok {
			t.Fatalf("audit item without an id: %v", item)
		}
		out[id.Value] = true
	}
	return out
}

// atState is both tables at one moment: the audit events' ids and every
// item of the records table.
type atState struct {
	audit   map[string]bool
	records []string
}

func (h *atH) state(t testing.TB) atState {
	t.Helper()
	return atState{audit: h.auditIDs(t), records: h.ScanLines(t, h.Table)}
}

// unchanged fails the test unless both tables are as they were.
func (h *atH) unchanged(t testing.TB, what string, was atState) {
	t.Helper()
	now := h.state(t)
	if len(now.audit) != len(was.audit) {
		var added []string
		for id := range now.audit {
			if !was.audit[id] {
				added = append(added, id)
			}
		}
		t.Errorf("%s: the audit trail went from %d to %d events (new: %v)", what, len(was.audit), len(now.audit), added)
	}
	testkit.SameSnapshot(t, what, was.records, now.records)
}

// atEvent is an audit event as the API answers it.
type atEvent struct {
	ID           string                    `json:"id"`
	ProgrammeID  string                    `json:"programmeId"`
	At           time.Time                 `json:"at"`
	ActorEmail   string                    `json:"actorEmail"`
	ActorSubject string                    `json:"actorSubject"`
	Entity       string                    `json:"entity"`
	EntityID     string                    `json:"entityId"`
	Action       string                    `json:"action"`
	Changes      map[string]map[string]any `json:"changes"`
	RequestID    string                    `json:"requestId"`
}

// change sends a request that must answer status and write exactly one
// audit event; it returns the response and that event as the API lists it
// (the newest of the programme's trail, so GET …/audit?limit=1 must show it).
func (h *atH) change(t testing.TB, pid string, status int, as, method, path string, body any, hdr ...string) (testkit.Resp, atEvent) {
	t.Helper()
	before := h.auditIDs(t)
	r := h.Want(t, status, testkit.Request(method, path, as, body, hdr...))
	after := h.auditIDs(t)
	var added []string
	for id := range after {
		if !before[id] {
			added = append(added, id)
		}
	}
	if len(added) != 1 || len(after) != len(before)+1 {
		t.Fatalf("%s %s: the audit trail went from %d to %d events (new %v), want exactly one new event", method, path, len(before), len(after), added)
	}
	if pid == "" { // creating the programme itself
		pid = testkit.IDOf(t, r)
	}
	page := testkit.Decode[testkit.List[atEvent]](t, h.Want(t, http.StatusOK, testkit.Request("GET", "/programmes/"+pid+"/audit?limit=1", uAdmin, nil)))
	if len(page.Items) != 1 || page.Items[0].ID != added[0] {
		t.Fatalf("%s %s: GET audit?limit=1 = %+v, want the new event %s first", method, path, page.Items, added[0])
	}
	return r, page.Items[0]
}

// atWant is what one event must say.
type atWant struct {
	pid, as, entity, entityID, action string
	changes                           map[string]map[string]any
}

// check compares an event with what the request that wrote it should say.
func (w atWant) check(t testing.TB, ev atEvent, r testkit.Resp) {
	t.Helper()
	what := w.entity + " " + w.action
	if ev.ProgrammeID != w.pid {
		t.Errorf("%s: programmeId = %q, want %q", what, ev.ProgrammeID, w.pid)
	}
	if ev.ActorEmail != w.as || ev.ActorSubject != atSubject(w.as) {
		t.Errorf("%s: actor = %q/%q, want %q/%q", what, ev.ActorEmail, ev.ActorSubject, w.as, atSubject(w.as))
	}
	if ev.Entity != w.entity || ev.EntityID != w.entityID || ev.Action != w.action {
		t.Errorf("%s: event says %s %s %s, want %s %s %s", what, ev.Entity, ev.EntityID, ev.Action, w.entity, w.entityID, w.action)
	}
	if rid := r.Header.Get("X-Request-Id"); rid == "" || ev.RequestID != rid {
		t.Errorf("%s: requestId = %q, want the X-Request-Id %q", what, ev.RequestID, rid)
	}
	if ev.At.IsZero() || time.Since(ev.At) > time.Minute || time.Until(ev.At) > time.Minute {
		t.Errorf("%s: at = %v, want about now", what, ev.At)
	}
	if !domain.ValidID(ev.ID) {
		t.Errorf("%s: id %q is not an id", what, ev.ID)
	}
	want := atNormal(t, w.changes)
	if !reflect.DeepEqual(ev.Changes, want) {
		got, _ := json.Marshal(ev.Changes)
		exp, _ := json.Marshal(want)
		t.Errorf("%s: changes =\n  %s\nwant exactly\n  %s", what, got, exp)
	}
}

// atNormal round-trips v through JSON, so it compares with decoded JSON.
func atNormal(t testing.TB, v map[string]map[string]any) map[string]map[string]any {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out map[string]map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// The fields an audit event leaves out: they change on every write.
var atBookkeeping = map[string]bool{"version": true, "updatedAt": true, "updatedBy": true}

func atFields(t testing.TB, body []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
	return m
}

// atDiff is the SPEC's "changed fields before and after" worked out
// independently: every field of either record (bookkeeping aside) whose
// value differs, with "before" when it had one and "after" when it has one.
func atDiff(t testing.TB, before, after []byte) map[string]map[string]any {
	t.Helper()
	var b, a map[string]any
	if before != nil {
		b = atFields(t, before)
	}
	if after != nil {
		a = atFields(t, after)
	}
	out := map[string]map[string]any{}
	for _, m := range []map[string]any{b, a} {
		for k := range m {
			if atBookkeeping[k] {
				continue
			}
			bv, inB := b[k]
			av, inA := a[k]
			if inB && inA && reflect.DeepEqual(bv, av) {
				continue
			}
			c := map[string]any{}
			if inB && bv != nil {
				c["before"] = bv
			}
			if inA && av != nil {
				c["after"] = av
			}
			out[k] = c
		}
	}
	return out
}

// history returns a record's history as the given user.
func (h *atH) history(t testing.TB, as, recordPath string) []atEvent {
	t.Helper()
	return testkit.ListAll[atEvent](t, h.apiH, as, recordPath+"/history")
}

// newestInHistory checks the event is the newest of the record's history.
func (h *atH) newestInHistory(t testing.TB, recordPath string, ev atEvent) {
	t.Helper()
	page := testkit.Decode[testkit.List[atEvent]](t, h.Want(t, http.StatusOK, testkit.Request("GET", recordPath+"/history?limit=1", uAdmin, nil)))
	if len(page.Items) != 1 || page.Items[0].ID != ev.ID {
		t.Errorf("GET %s/history?limit=1 = %+v, want %s (%s %s) first", recordPath, page.Items, ev.ID, ev.Entity, ev.Action)
	}
}

// ---- bodies ----

func atTargetBody(value int, notify ...string) map[string]any {
	if notify == nil {
		notify = []string{}
	}
	return map[string]any{"metric": "peopleIntoWork", "value": value, "deadline": "2027-12-31", "notify": notify}
}

// ---- the test ----

// TestAuditEachChange makes every kind of change through the API, each as
// the role that would make it, and checks each leaves exactly one event
// naming the caller, the record, the action, the request and exactly the
// fields that changed, before and after; and that the event heads the
// record's history.
func TestAuditEachChange(t *testing.T) {
	t.Parallel()
	h := atNew(t)

	// Programme (admin).
	r, ev := h.change(t, "", http.StatusCreated, uAdmin, "POST", "/programmes", testkit.ProgrammeBody("Working for Wellness"))
	pid := testkit.IDOf(t, r)
	P := "/programmes/" + pid
	atWant{pid, uAdmin, "programme", pid, "create", atDiff(t, nil, r.Body)}.check(t, ev, r)
	h.newestInHistory(t, P, ev)

	// A lead (admin gives the role: a new member).
	r, ev = h.change(t, pid, http.StatusCreated, uAdmin, "PUT", testkit.MemberPath(pid, uLead), testkit.RolesBody(testkit.RoleLead()))
	atWant{pid, uAdmin, "member", uLead, "create", atDiff(t, nil, r.Body)}.check(t, ev, r)
	if ev.Changes["roles"]["after"] == nil || ev.Changes["email"]["after"] != uLead {
		t.Errorf("new member event: changes = %v, want email and roles after", ev.Changes)
	}
	h.newestInHistory(t, testkit.MemberPath(pid, uLead), ev)

	// Funder and projects (lead).
	r, ev = h.change(t, pid, http.StatusCreated, uLead, "POST", P+"/funders", testkit.FunderBody("Department for Work and Pensions"))
	funder := testkit.IDOf(t, r)
	atWant{pid, uLead, "funder", funder, "create", atDiff(t, nil, r.Body)}.check(t, ev, r)
	h.newestInHistory(t, P+"/funders/"+funder, ev)

	r, ev = h.change(t, pid, http.StatusCreated, uLead, "POST", P+"/projects", testkit.ProjectBody("Project A"))
	projA := testkit.IDOf(t, r)
	atWant{pid, uLead, "project", projA, "create", atDiff(t, nil, r.Body)}.check(t, ev, r)
	h.newestInHistory(t, P+"/projects/"+projA, ev)
	A := P + "/projects/" + projA

	// Members: new, changed roles, deleted (lead).
	r, ev = h.change(t, pid, http.StatusCreated, uLead, "PUT", testkit.MemberPath(pid, uPLA), testkit.RolesBody(testkit.RoleProjectLead(projA)))
	atWant{pid, uLead, "member", uPLA, "create", atDiff(t, nil, r.Body)}.check(t, ev, r)

	r, ev = h.change(t, pid, http.StatusCreated, uLead, "PUT", testkit.MemberPath(pid, uMember), testkit.RolesBody(testkit.RoleFunder(funder)))
	atWant{pid, uLead, "member", uMember, "create", atDiff(t, nil, r.Body)}.check(t, ev, r)
	r, ev = h.change(t, pid, http.StatusOK, uLead, "PUT", testkit.MemberPath(pid, uMember), testkit.RolesBody(testkit.RoleFunder(funder), testkit.RoleProjectLead(projA)))
	atWant{pid, uLead, "member", uMember, "change", map[string]map[string]any{"roles": {
		"before": []any{testkit.RoleFunder(funder)},
		"after":  []any{testkit.RoleFunder(funder), testkit.RoleProjectLead(projA)},
	}}}.check(t, ev, r)
	h.newestInHistory(t, testkit.MemberPath(pid, uMember), ev)
	last := r.Body

	r, ev = h.change(t, pid, http.StatusNoContent, uLead, "DELETE", testkit.MemberPath(pid, uMember), nil)
	atWant{pid, uLead, "member", uMember, "delete", atDiff(t, last, nil)}.check(t, ev, r)
	if got := ev.Changes["roles"]; got["before"] == nil || got["after"] != nil {
		t.Errorf("delete member: roles change = %v, want only before", got)
	}

	// Grant: create with 100p, then change only the amount (lead).
	r, ev = h.change(t, pid, http.StatusCreated, uLead, "POST", P+"/grants", testkit.GrantBody("Employment specialists", funder, projA, 100))
	grant := testkit.IDOf(t, r)
	atWant{pid, uLead, "grant", grant, "create", atDiff(t, nil, r.Body)}.check(t, ev, r)
	if _, ok := ev.Changes["version"]; ok {
		t.Errorf("create grant: changes hold the bookkeeping field version: %v", ev.Changes)
	}
	G := P + "/grants/" + grant
	r, ev = h.change(t, pid, http.StatusOK, uLead, "PATCH", G, map[string]any{"amountPence": 200}, "If-Match", h.etag(t, G))
	atWant{pid, uLead, "grant", grant, "change", map[string]map[string]any{"amountPence": {"before": 100, "after": 200}}}.check(t, ev, r)
	h.newestInHistory(t, G, ev)

	// Post: create vacant, then fill it (project lead of A).
	r, ev = h.change(t, pid, http.StatusCreated, uPLA, "POST", A+"/posts", testkit.PostBody(grant, "vacant"))
	post := testkit.IDOf(t, r)
	atWant{pid, uPLA, "post", post, "create", atDiff(t, nil, r.Body)}.check(t, ev, r)
	PO := A + "/posts/" + post
	r, ev = h.change(t, pid, http.StatusOK, uPLA, "PATCH", PO, map[string]any{"status": "filled"}, "If-Match", h.etag(t, PO))
	atWant{pid, uPLA, "post", post, "change", map[string]map[string]any{"status": {"before": "vacant", "after": "filled"}}}.check(t, ev, r)
	h.newestInHistory(t, PO, ev)

	// Cohort: 4 places, then 6.
	r, ev = h.change(t, pid, http.StatusCreated, uPLA, "POST", A+"/cohorts", testkit.CohortBody(4))
	cohort := testkit.IDOf(t, r)
	atWant{pid, uPLA, "cohort", cohort, "create", atDiff(t, nil, r.Body)}.check(t, ev, r)
	CO := A + "/cohorts/" + cohort
	r, ev = h.change(t, pid, http.StatusOK, uPLA, "PATCH", CO, map[string]any{"places": 6}, "If-Match", h.etag(t, CO))
	atWant{pid, uPLA, "cohort", cohort, "change", map[string]map[string]any{"places": {"before": 4, "after": 6}}}.check(t, ev, r)
	h.newestInHistory(t, CO, ev)

	// Outcome: a submission, then its correction.
	r, ev = h.change(t, pid, http.StatusCreated, uPLA, "POST", A+"/outcomes",
		testkit.OutcomeBody(map[string]int{"referrals": 10, "peopleIntoWork": 3}, "notes", "first quarter",
			"measures", []map[string]any{{"name": "self-confidence", "baselineMean": 3.0, "latestMean": 6.9, "respondents": 8}}))
	first := testkit.IDOf(t, r)
	firstBody := r.Body
	atWant{pid, uPLA, "outcome", first, "create", atDiff(t, nil, r.Body)}.check(t, ev, r)
	h.newestInHistory(t, A+"/outcomes/"+first, ev)
	r, ev = h.change(t, pid, http.StatusCreated, uPLA, "POST", A+"/outcomes",
		testkit.OutcomeBody(map[string]int{"referrals": 12, "peopleIntoWork": 4}, "replaces", first))
	second := testkit.IDOf(t, r)
	atWant{pid, uPLA, "outcome", second, "correct", atDiff(t, firstBody, r.Body)}.check(t, ev, r)
	// Spelled out: the before side is the replaced submission.
	if c := ev.Changes["replaces"]; c["after"] != first || c["before"] != nil {
		t.Errorf("correction: replaces change = %v, want after %s only", c, first)
	}
	if c := ev.Changes["id"]; c["before"] != first || c["after"] != second {
		t.Errorf("correction: id change = %v, want %s -> %s", c, first, second)
	}
	if c := ev.Changes["counts"]; !reflect.DeepEqual(c["before"], map[string]any{"referrals": 10.0, "peopleIntoWork": 3.0}) ||
		!reflect.DeepEqual(c["after"], map[string]any{"referrals": 12.0, "peopleIntoWork": 4.0}) {
		t.Errorf("correction: counts change = %v", c)
	}
	if c := ev.Changes["notes"]; c["before"] != "first quarter" || c["after"] != nil {
		t.Errorf("correction: notes change = %v, want before only", c)
	}
	h.newestInHistory(t, A+"/outcomes/"+second, ev)

	// Target: set, then raise (lead).
	r, ev = h.change(t, pid, http.StatusCreated, uLead, "POST", P+"/targets", atTargetBody(60, funder))
	target := testkit.IDOf(t, r)
	atWant{pid, uLead, "target", target, "create", atDiff(t, nil, r.Body)}.check(t, ev, r)
	T := P + "/targets/" + target
	r, ev = h.change(t, pid, http.StatusOK, uLead, "PATCH", T, map[string]any{"value": 80}, "If-Match", h.etag(t, T))
	atWant{pid, uLead, "target", target, "change", map[string]map[string]any{"value": {"before": 60, "after": 80}}}.check(t, ev, r)
	h.newestInHistory(t, T, ev)

	// Every event names a distinct request.
	seen := map[string]bool{}
	for _, e := range testkit.ListAll[atEvent](t, h.apiH, uAdmin, P+"/audit") {
		if seen[e.RequestID] {
			t.Errorf("two events share request id %s", e.RequestID)
		}
		seen[e.RequestID] = true
	}
}

// TestAuditEmptyListChange changes a target's notify list from empty to one
// funder and back: a before or after that is an empty list is still a value
// and must survive the round trip through the audit table.
func TestAuditEmptyListChange(t *testing.T) {
	t.Parallel()
	h := atNew(t)
	pid, _ := h.Create(t, uAdmin, "/programmes", testkit.ProgrammeBody("Working for Wellness"))
	P := "/programmes/" + pid
	funder, _ := h.Create(t, uAdmin, P+"/funders", testkit.FunderBody("Department for Work and Pensions"))
	r, ev := h.change(t, pid, http.StatusCreated, uAdmin, "POST", P+"/targets", atTargetBody(10))
	target := testkit.IDOf(t, r)
	atWant{pid, uAdmin, "target", target, "create", atDiff(t, nil, r.Body)}.check(t, ev, r)
	T := P + "/targets/" + target
	r, ev = h.change(t, pid, http.StatusOK, uAdmin, "PATCH", T, map[string]any{"notify": []string{funder}}, "If-Match", h.etag(t, T))
	atWant{pid, uAdmin, "target", target, "change", map[string]map[string]any{"notify": {"before": []any{}, "after": []any{funder}}}}.check(t, ev, r)
	r, ev = h.change(t, pid, http.StatusOK, uAdmin, "PATCH", T, map[string]any{"notify": []string{}}, "If-Match", h.etag(t, T))
	atWant{pid, uAdmin, "target", target, "change", map[string]map[string]any{"notify": {"before": []any{funder}, "after": []any{}}}}.check(t, ev, r)
}
