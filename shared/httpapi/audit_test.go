package httpapi_test

// Tests of the audit trail (SPEC "Audit trail") through the HTTP API with
// every function mounted as infra/runner mounts them. This file holds the
// audit tests' own harness (identifiers start with "at", so they never meet
// the other harnesses of this package) and the test that each kind of change
// leaves exactly one audit event saying who changed what, and how.
//
// The harness wraps the store's DynamoDB client (store.DB) to
//   - watch every write: any PutItem/UpdateItem/DeleteItem naming the audit
//     table, any transaction item other than a conditional Put into it, or a
//     transaction without exactly one audit event, fails the test; and
//   - inject failures into TransactWriteItems for one request.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/fundtrack/fundtrack/shared/auth"
	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/httpapi"
	"github.com/fundtrack/fundtrack/shared/platform"
	"github.com/fundtrack/fundtrack/shared/store"
	"github.com/fundtrack/fundtrack/shared/testenv"
)

const atSecret = "audit-test-secret"

// The audit tests' cast.
const (
	atAdmin    = "audit-admin@example.org"
	atLead     = "audit-lead@example.org"
	atPLA      = "audit-pl-a@example.org"
	atPLB      = "audit-pl-b@example.org"
	atFunder   = "audit-funder@example.org"
	atFunder2  = "audit-funder2@example.org"
	atMember   = "audit-member@example.org"
	atOutsider = "audit-outsider@example.org"
	atLead2    = "audit-lead2@example.org"
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
	if audits != 1 {
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

type atH struct {
	URL        string
	db         *atDB
	raw        *dynamodb.Client
	table      string
	auditTable string
	secret     []byte
}

// atNew starts the API over a fresh table pair, with the watched client.
func atNew(t *testing.T) *atH {
	t.Helper()
	raw, table := testenv.Table(t)
	h := &atH{raw: raw, table: table, auditTable: store.AuditTableName(table), secret: []byte(atSecret)}
	h.db = &atDB{Client: raw, auditTable: h.auditTable}
	deps := platform.APIDeps(platform.Config{Table: table}, h.db, auth.Local{Secret: h.secret, Issuer: auth.LocalIssuer})
	deps.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	// Every function mounted as infra/runner mounts them.
	srv := httptest.NewServer(httpapi.Mount(httpapi.Functions(deps)))
	t.Cleanup(srv.Close)
	h.URL = srv.URL
	t.Cleanup(func() {
		h.db.mu.Lock()
		defer h.db.mu.Unlock()
		for _, v := range h.db.violations {
			t.Errorf("audit table policy violated: %s", v)
		}
	})
	return h
}

func (h *atH) token(t testing.TB, email string) string {
	t.Helper()
	var groups []string
	if email == atAdmin {
		groups = []string{domain.AdminGroup}
	}
	tok, err := auth.MintLocal(h.secret, email, atSubject(email), groups, time.Hour, time.Now())
	if err != nil {
		t.Fatalf("mint token: %v", err)
	}
	return tok
}

type atResp struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r atResp) String() string { return fmt.Sprintf("%d %s", r.Status, bytes.TrimSpace(r.Body)) }

// call sends one request as the given user ("" sends no token); hdr is
// name, value pairs.
func (h *atH) call(t testing.TB, as, method, path string, body any, hdr ...string) atResp {
	t.Helper()
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, h.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if as != "" {
		req.Header.Set("Authorization", "Bearer "+h.token(t, as))
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return atResp{Status: res.StatusCode, Header: res.Header, Body: raw}
}

// must sends a request that has to answer status.
func (h *atH) must(t testing.TB, status int, as, method, path string, body any, hdr ...string) atResp {
	t.Helper()
	r := h.call(t, as, method, path, body, hdr...)
	if r.Status != status {
		t.Fatalf("%s %s as %s: got %s, want %d", method, path, as, r, status)
	}
	return r
}

func atDecode[T any](t testing.TB, r atResp) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(r.Body, &v); err != nil {
		t.Fatalf("decode %T from %s: %v", v, r.Body, err)
	}
	return v
}

func atID(t testing.TB, r atResp) string {
	t.Helper()
	return atDecode[struct {
		ID string `json:"id"`
	}](t, r).ID
}

// create POSTs and returns the new item's id and the response.
func (h *atH) create(t testing.TB, as, path string, body any) (string, atResp) {
	t.Helper()
	r := h.must(t, http.StatusCreated, as, "POST", path, body)
	return atID(t, r), r
}

// etag reads a record and returns its ETag.
func (h *atH) etag(t testing.TB, path string) string {
	t.Helper()
	r := h.must(t, http.StatusOK, atAdmin, "GET", path, nil)
	tag := r.Header.Get("ETag")
	if tag == "" {
		t.Fatalf("GET %s: no ETag", path)
	}
	return tag
}

// ---- what is in the tables ----

// auditIDs is every audit event in the audit table, read directly (not
// through the API), so an event written anywhere is counted.
func (h *atH) auditIDs(t testing.TB) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	in := &dynamodb.ScanInput{TableName: aws.String(h.auditTable), ConsistentRead: aws.Bool(true)}
	for {
		res, err := h.raw.Scan(context.Background(), in)
		if err != nil {
			t.Fatalf("scan audit table: %v", err)
		}
		for _, item := range res.Items {
			id, ok := item["id"].(*types.AttributeValueMemberS)
			if !ok {
				t.Fatalf("audit item without an id: %v", item)
			}
			out[id.Value] = true
		}
		if res.LastEvaluatedKey == nil {
			return out
		}
		in.ExclusiveStartKey = res.LastEvaluatedKey
	}
}

// records is every item of the records table as sorted canonical JSON lines.
func (h *atH) records(t testing.TB) []string {
	t.Helper()
	var lines []string
	in := &dynamodb.ScanInput{TableName: aws.String(h.table), ConsistentRead: aws.Bool(true)}
	for {
		res, err := h.raw.Scan(context.Background(), in)
		if err != nil {
			t.Fatalf("scan table: %v", err)
		}
		for _, item := range res.Items {
			var m map[string]any
			if err := attributevalue.UnmarshalMap(item, &m); err != nil {
				t.Fatal(err)
			}
			raw, _ := json.Marshal(m)
			lines = append(lines, string(raw))
		}
		if res.LastEvaluatedKey == nil {
			break
		}
		in.ExclusiveStartKey = res.LastEvaluatedKey
	}
	sort.Strings(lines)
	return lines
}

// atState is both tables at one moment.
type atState struct {
	audit   map[string]bool
	records []string
}

func (h *atH) state(t testing.TB) atState {
	t.Helper()
	return atState{audit: h.auditIDs(t), records: h.records(t)}
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
	if !slices.Equal(now.records, was.records) {
		var added, removed []string
		for _, l := range now.records {
			if !slices.Contains(was.records, l) {
				added = append(added, l)
			}
		}
		for _, l := range was.records {
			if !slices.Contains(now.records, l) {
				removed = append(removed, l)
			}
		}
		t.Errorf("%s changed the records table:\n added: %v\n removed: %v", what, added, removed)
	}
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

type atList[T any] struct {
	Items      []T     `json:"items"`
	NextCursor *string `json:"nextCursor"`
}

// pages follows a list's cursors as the given user with the given page size
// and returns each page's items.
func atPages[T any](t testing.TB, h *atH, as, path string, limit int) [][]T {
	t.Helper()
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	var pages [][]T
	cursor := ""
	for range 500 {
		p := fmt.Sprintf("%s%slimit=%d", path, sep, limit)
		if cursor != "" {
			p += "&cursor=" + url.QueryEscape(cursor)
		}
		page := atDecode[atList[T]](t, h.must(t, http.StatusOK, as, "GET", p, nil))
		if len(page.Items) > limit {
			t.Fatalf("GET %s: %d items, more than the limit", p, len(page.Items))
		}
		pages = append(pages, page.Items)
		if page.NextCursor == nil {
			return pages
		}
		if len(page.Items) != limit {
			t.Fatalf("GET %s: a page of %d items (limit %d) yet a nextCursor", p, len(page.Items), limit)
		}
		cursor = *page.NextCursor
	}
	t.Fatalf("list %s never ended", path)
	return nil
}

func atAll[T any](t testing.TB, h *atH, as, path string) []T {
	t.Helper()
	return slices.Concat(atPages[T](t, h, as, path, 100)...)
}

// change sends a request that must answer status and write exactly one
// audit event; it returns the response and that event as the API lists it
// (the newest of the programme's trail, so GET …/audit?limit=1 must show it).
func (h *atH) change(t testing.TB, pid string, status int, as, method, path string, body any, hdr ...string) (atResp, atEvent) {
	t.Helper()
	before := h.auditIDs(t)
	r := h.must(t, status, as, method, path, body, hdr...)
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
		pid = atID(t, r)
	}
	page := atDecode[atList[atEvent]](t, h.must(t, http.StatusOK, atAdmin, "GET", "/programmes/"+pid+"/audit?limit=1", nil))
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
func (w atWant) check(t testing.TB, ev atEvent, r atResp) {
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
	return atAll[atEvent](t, h, as, recordPath+"/history")
}

// newestInHistory checks the event is the newest of the record's history.
func (h *atH) newestInHistory(t testing.TB, recordPath string, ev atEvent) {
	t.Helper()
	page := atDecode[atList[atEvent]](t, h.must(t, http.StatusOK, atAdmin, "GET", recordPath+"/history?limit=1", nil))
	if len(page.Items) != 1 || page.Items[0].ID != ev.ID {
		t.Errorf("GET %s/history?limit=1 = %+v, want %s (%s %s) first", recordPath, page.Items, ev.ID, ev.Entity, ev.Action)
	}
}

// ---- bodies ----

func atProgrammeBody() map[string]any {
	return map[string]any{"name": "Working for Wellness", "leadOrganisation": "Leicestershire Partnership NHS Trust",
		"region": "East Midlands", "startDate": "2025-01-01", "endDate": "2027-12-31"}
}

func atFunderBody(contacts ...string) map[string]any {
	if len(contacts) == 0 {
		contacts = []string{"grants@dwp.example.org"}
	}
	return map[string]any{"name": "Department for Work and Pensions", "orgId": "GB-GOR-DWP", "contacts": contacts}
}

func atProjectBody(name string) map[string]any {
	return map[string]any{"name": name, "leadOrganisation": "Bradford District Care NHS FT", "area": "Bradford",
		"startDate": "2025-01-01", "endDate": "2026-12-31"}
}

func atGrantBody(funderID, projectID string, amount int64) map[string]any {
	b := map[string]any{"funderId": funderID, "title": "Employment specialists", "amountPence": amount, "currency": "GBP",
		"awardDate": "2025-01-15", "startDate": "2025-02-01", "endDate": "2026-01-31"}
	if projectID != "" {
		b["projectId"] = projectID
	}
	return b
}

func atPostBody(grantID string) map[string]any {
	return map[string]any{"title": "Employment specialist", "grantId": grantID, "fte": 1, "contract": "temporary",
		"startDate": "2025-02-01", "status": "vacant"}
}

func atCohortBody(places int) map[string]any {
	return map[string]any{"name": "Aspiro cohort 1", "places": places, "startDate": "2025-03-01", "endDate": "2025-08-31"}
}

func atOutcomeBody(counts map[string]int, extra ...any) map[string]any {
	b := map[string]any{"periodStart": "2025-04-01", "periodEnd": "2025-06-30", "counts": counts}
	for i := 0; i+1 < len(extra); i += 2 {
		b[extra[i].(string)] = extra[i+1]
	}
	return b
}

func atTargetBody(value int, notify ...string) map[string]any {
	if notify == nil {
		notify = []string{}
	}
	return map[string]any{"metric": "peopleIntoWork", "value": value, "deadline": "2027-12-31", "notify": notify}
}

func atRoles(roles ...map[string]string) map[string]any { return map[string]any{"roles": roles} }
func atLeadRole() map[string]string                     { return map[string]string{"role": "lead"} }
func atPLRole(project string) map[string]string {
	return map[string]string{"role": "project-lead", "projectId": project}
}
func atFunderRole(funder string) map[string]string {
	return map[string]string{"role": "funder", "funderId": funder}
}

func atMemberPath(pid, email string) string {
	return "/programmes/" + pid + "/members/" + url.PathEscape(email)
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
	r, ev := h.change(t, "", http.StatusCreated, atAdmin, "POST", "/programmes", atProgrammeBody())
	pid := atID(t, r)
	P := "/programmes/" + pid
	atWant{pid, atAdmin, "programme", pid, "create", atDiff(t, nil, r.Body)}.check(t, ev, r)
	h.newestInHistory(t, P, ev)

	// A lead (admin gives the role: a new member).
	r, ev = h.change(t, pid, http.StatusCreated, atAdmin, "PUT", atMemberPath(pid, atLead), atRoles(atLeadRole()))
	atWant{pid, atAdmin, "member", atLead, "create", atDiff(t, nil, r.Body)}.check(t, ev, r)
	if ev.Changes["roles"]["after"] == nil || ev.Changes["email"]["after"] != atLead {
		t.Errorf("new member event: changes = %v, want email and roles after", ev.Changes)
	}
	h.newestInHistory(t, atMemberPath(pid, atLead), ev)

	// Funder and projects (lead).
	r, ev = h.change(t, pid, http.StatusCreated, atLead, "POST", P+"/funders", atFunderBody())
	funder := atID(t, r)
	atWant{pid, atLead, "funder", funder, "create", atDiff(t, nil, r.Body)}.check(t, ev, r)
	h.newestInHistory(t, P+"/funders/"+funder, ev)

	r, ev = h.change(t, pid, http.StatusCreated, atLead, "POST", P+"/projects", atProjectBody("Project A"))
	projA := atID(t, r)
	atWant{pid, atLead, "project", projA, "create", atDiff(t, nil, r.Body)}.check(t, ev, r)
	h.newestInHistory(t, P+"/projects/"+projA, ev)
	A := P + "/projects/" + projA

	// Members: new, changed roles, deleted (lead).
	r, ev = h.change(t, pid, http.StatusCreated, atLead, "PUT", atMemberPath(pid, atPLA), atRoles(atPLRole(projA)))
	atWant{pid, atLead, "member", atPLA, "create", atDiff(t, nil, r.Body)}.check(t, ev, r)

	r, ev = h.change(t, pid, http.StatusCreated, atLead, "PUT", atMemberPath(pid, atMember), atRoles(atFunderRole(funder)))
	atWant{pid, atLead, "member", atMember, "create", atDiff(t, nil, r.Body)}.check(t, ev, r)
	r, ev = h.change(t, pid, http.StatusOK, atLead, "PUT", atMemberPath(pid, atMember), atRoles(atFunderRole(funder), atPLRole(projA)))
	atWant{pid, atLead, "member", atMember, "change", map[string]map[string]any{"roles": {
		"before": []any{atFunderRole(funder)},
		"after":  []any{atFunderRole(funder), atPLRole(projA)},
	}}}.check(t, ev, r)
	h.newestInHistory(t, atMemberPath(pid, atMember), ev)
	last := r.Body

	r, ev = h.change(t, pid, http.StatusNoContent, atLead, "DELETE", atMemberPath(pid, atMember), nil)
	atWant{pid, atLead, "member", atMember, "delete", atDiff(t, last, nil)}.check(t, ev, r)
	if got := ev.Changes["roles"]; got["before"] == nil || got["after"] != nil {
		t.Errorf("delete member: roles change = %v, want only before", got)
	}

	// Grant: create with 100p, then change only the amount (lead).
	r, ev = h.change(t, pid, http.StatusCreated, atLead, "POST", P+"/grants", atGrantBody(funder, projA, 100))
	grant := atID(t, r)
	atWant{pid, atLead, "grant", grant, "create", atDiff(t, nil, r.Body)}.check(t, ev, r)
	if _, ok := ev.Changes["version"]; ok {
		t.Errorf("create grant: changes hold the bookkeeping field version: %v", ev.Changes)
	}
	G := P + "/grants/" + grant
	r, ev = h.change(t, pid, http.StatusOK, atLead, "PATCH", G, map[string]any{"amountPence": 200}, "If-Match", h.etag(t, G))
	atWant{pid, atLead, "grant", grant, "change", map[string]map[string]any{"amountPence": {"before": 100, "after": 200}}}.check(t, ev, r)
	h.newestInHistory(t, G, ev)

	// Post: create vacant, then fill it (project lead of A).
	r, ev = h.change(t, pid, http.StatusCreated, atPLA, "POST", A+"/posts", atPostBody(grant))
	post := atID(t, r)
	atWant{pid, atPLA, "post", post, "create", atDiff(t, nil, r.Body)}.check(t, ev, r)
	PO := A + "/posts/" + post
	r, ev = h.change(t, pid, http.StatusOK, atPLA, "PATCH", PO, map[string]any{"status": "filled"}, "If-Match", h.etag(t, PO))
	atWant{pid, atPLA, "post", post, "change", map[string]map[string]any{"status": {"before": "vacant", "after": "filled"}}}.check(t, ev, r)
	h.newestInHistory(t, PO, ev)

	// Cohort: 4 places, then 6.
	r, ev = h.change(t, pid, http.StatusCreated, atPLA, "POST", A+"/cohorts", atCohortBody(4))
	cohort := atID(t, r)
	atWant{pid, atPLA, "cohort", cohort, "create", atDiff(t, nil, r.Body)}.check(t, ev, r)
	CO := A + "/cohorts/" + cohort
	r, ev = h.change(t, pid, http.StatusOK, atPLA, "PATCH", CO, map[string]any{"places": 6}, "If-Match", h.etag(t, CO))
	atWant{pid, atPLA, "cohort", cohort, "change", map[string]map[string]any{"places": {"before": 4, "after": 6}}}.check(t, ev, r)
	h.newestInHistory(t, CO, ev)

	// Outcome: a submission, then its correction.
	r, ev = h.change(t, pid, http.StatusCreated, atPLA, "POST", A+"/outcomes",
		atOutcomeBody(map[string]int{"referrals": 10, "peopleIntoWork": 3}, "notes", "first quarter",
			"measures", []map[string]any{{"name": "self-confidence", "baselineMean": 3.0, "latestMean": 6.9, "respondents": 8}}))
	first := atID(t, r)
	firstBody := r.Body
	atWant{pid, atPLA, "outcome", first, "create", atDiff(t, nil, r.Body)}.check(t, ev, r)
	h.newestInHistory(t, A+"/outcomes/"+first, ev)
	r, ev = h.change(t, pid, http.StatusCreated, atPLA, "POST", A+"/outcomes",
		atOutcomeBody(map[string]int{"referrals": 12, "peopleIntoWork": 4}, "replaces", first))
	second := atID(t, r)
	atWant{pid, atPLA, "outcome", second, "correct", atDiff(t, firstBody, r.Body)}.check(t, ev, r)
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
	r, ev = h.change(t, pid, http.StatusCreated, atLead, "POST", P+"/targets", atTargetBody(60, funder))
	target := atID(t, r)
	atWant{pid, atLead, "target", target, "create", atDiff(t, nil, r.Body)}.check(t, ev, r)
	T := P + "/targets/" + target
	r, ev = h.change(t, pid, http.StatusOK, atLead, "PATCH", T, map[string]any{"value": 80}, "If-Match", h.etag(t, T))
	atWant{pid, atLead, "target", target, "change", map[string]map[string]any{"value": {"before": 60, "after": 80}}}.check(t, ev, r)
	h.newestInHistory(t, T, ev)

	// Every event names a distinct request.
	seen := map[string]bool{}
	for _, e := range atAll[atEvent](t, h, atAdmin, P+"/audit") {
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
	pid, _ := h.create(t, atAdmin, "/programmes", atProgrammeBody())
	P := "/programmes/" + pid
	funder, _ := h.create(t, atAdmin, P+"/funders", atFunderBody())
	r, ev := h.change(t, pid, http.StatusCreated, atAdmin, "POST", P+"/targets", atTargetBody(10))
	target := atID(t, r)
	atWant{pid, atAdmin, "target", target, "create", atDiff(t, nil, r.Body)}.check(t, ev, r)
	T := P + "/targets/" + target
	r, ev = h.change(t, pid, http.StatusOK, atAdmin, "PATCH", T, map[string]any{"notify": []string{funder}}, "If-Match", h.etag(t, T))
	atWant{pid, atAdmin, "target", target, "change", map[string]map[string]any{"notify": {"before": []any{}, "after": []any{funder}}}}.check(t, ev, r)
	r, ev = h.change(t, pid, http.StatusOK, atAdmin, "PATCH", T, map[string]any{"notify": []string{}}, "If-Match", h.etag(t, T))
	atWant{pid, atAdmin, "target", target, "change", map[string]map[string]any{"notify": {"before": []any{funder}, "after": []any{}}}}.check(t, ev, r)
}
