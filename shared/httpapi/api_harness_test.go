package httpapi_test

// The one HTTP test harness of this package, used by the API, delivery,
// audit, export and OpenAPI tests alike: every httpapi.Function mounted on
// one mux exactly as infra/runner does, served by httptest over a fresh
// DynamoDB Local table (or any store.DB wrapped around one), with local
// HS256 tokens for a fixed cast of users; requests, answers and the SPEC's
// error shape; and snapshots of both tables (records and audit trail) to show
// that a request wrote nothing. Also here: the request bodies the tests build
// their fixtures from, and the API tests' own fixture programme.

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
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go/middleware"

	"github.com/fundtrack/fundtrack/shared/auth"
	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/httpapi"
	"github.com/fundtrack/fundtrack/shared/platform"
	"github.com/fundtrack/fundtrack/shared/store"
	"github.com/fundtrack/fundtrack/shared/testenv"
)

// apiSecret signs the harness's tokens; it is deliberately not the default
// local secret, so a token minted with the default one is a wrong-secret token.
const apiSecret = "api-test-secret-not-the-default"

// The cast. Each test's fixture gives the roles; these are those of the API
// tests' fixture (the delivery, audit and export worlds say theirs).
const (
	uAdmin    = "admin@example.org"    // group "admins", no membership
	uLead     = "lead@example.org"     // lead of programme 1
	uPLA      = "pl-a@example.org"     // project-lead of project A
	uPLB      = "pl-b@example.org"     // project-lead of project B
	uFunderX  = "funder-x@example.org" // funder for funder X
	uFunderY  = "funder-y@example.org" // funder for funder Y
	uFunderN  = "funder-n@example.org" // funder for a funder with no grants (exports)
	uMember   = "member@example.org"   // not a member until a test makes them one (audit)
	uOutsider = "outsider@example.org" // no membership anywhere
	uLead2    = "lead2@example.org"    // lead of programme 2 only
)

// apiLogBuffer collects the server's log lines (what the SPEC says goes "to
// the log" instead of to the client).
type apiLogBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *apiLogBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *apiLogBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// apiH is one running API over one table.
type apiH struct {
	URL     string
	db      store.DB         // what the API runs on
	raw     *dynamodb.Client // a plain client on the same tables, for scans
	table   string
	secret  []byte
	subject func(email string) string
	client  *http.Client
	logs    *apiLogBuffer
	tokens  sync.Map // email -> token
	seq     atomic.Int64
}

// apiOptions say how startAPI starts the API; the zero value is newAPI's.
type apiOptions struct {
	db    store.DB // nil: a fresh testenv table
	table string   // db's table
	// raw is a plain client on the table for scans, so that they are neither
	// counted nor failed by an instrumented db; nil: db, when it is a plain
	// *dynamodb.Client.
	raw       *dynamodb.Client
	config    platform.Config           // Table is set to table
	subject   func(email string) string // token subjects; nil: auth.MintLocal's
	transport http.RoundTripper         // nil: a pool of the harness's own
	timeout   time.Duration             // the requests' deadline; 0: the default
}

// newAPI starts the API over a fresh table of its own.
func newAPI(t testing.TB) *apiH {
	t.Helper()
	return startAPI(t, apiOptions{})
}

// newAPIOver starts the API over any DynamoDB client and table name (a
// missing table, an unreachable endpoint) wired like the runner wires it.
func newAPIOver(t testing.TB, db store.DB, table string) *apiH {
	t.Helper()
	return startAPI(t, apiOptions{db: db, table: table})
}

// startAPI starts the API as o says, wired as the runner wires it. The
// server's log is kept, and printed when the test fails.
func startAPI(t testing.TB, o apiOptions) *apiH {
	t.Helper()
	if o.db == nil {
		o.db, o.table = testenv.Table(t)
	}
	if o.raw == nil {
		o.raw, _ = o.db.(*dynamodb.Client)
	}
	h := &apiH{db: o.db, raw: o.raw, table: o.table, secret: []byte(apiSecret), subject: o.subject, logs: &apiLogBuffer{}}
	cfg := o.config
	cfg.Table = o.table
	deps := platform.APIDeps(cfg, o.db, auth.Local{Secret: h.secret, Issuer: auth.LocalIssuer})
	deps.Logger = slog.New(slog.NewTextHandler(h.logs, nil))
	deps.RequestTimeout = o.timeout
	// Mounted as the local runner mounts them (API Gateway routes by route in AWS).
	srv := httptest.NewServer(httpapi.Mount(httpapi.Functions(deps)))
	pool := &http.Transport{MaxIdleConns: 200, MaxIdleConnsPerHost: 200, IdleConnTimeout: 30 * time.Second}
	tr := o.transport
	if tr == nil {
		tr = pool
	}
	h.client = &http.Client{Transport: tr, Timeout: 60 * time.Second}
	h.URL = srv.URL
	t.Cleanup(func() {
		pool.CloseIdleConnections()
		srv.Close()
		if t.Failed() {
			t.Logf("server log:\n%s", h.logs.String())
		}
	})
	return h
}

// mint returns a valid token for email, the same one each time; admin@ is in
// group "admins".
func (h *apiH) mint(email string) (string, error) {
	if v, ok := h.tokens.Load(email); ok {
		return v.(string), nil
	}
	var groups []string
	if email == uAdmin {
		groups = []string{domain.AdminGroup}
	}
	subject := ""
	if h.subject != nil {
		subject = h.subject(email)
	}
	tok, err := auth.MintLocal(h.secret, email, subject, groups, time.Hour, time.Now())
	if err != nil {
		return "", fmt.Errorf("mint token for %s: %w", email, err)
	}
	v, _ := h.tokens.LoadOrStore(email, tok)
	return v.(string), nil
}

// uniq makes a name no other request of this harness uses.
func (h *apiH) uniq(prefix string) string {
	return fmt.Sprintf("%s %d", prefix, h.seq.Add(1))
}

// apiReq is one request. As is the caller's email ("" sends no token).
// Body nil sends no body; a string or []byte is sent as it is; anything
// else is marshalled to JSON. Content-Type is application/json whenever
// there is a body, unless Header sets it ("" removes it). Context, when set,
// is the request's.
type apiReq struct {
	Method, Path string
	As           string
	Body         any
	Header       map[string]string
	Context      context.Context
}

// rq is the common request: method and path as the user as, with body and
// hdr as pairs of header name and value.
func rq(method, path, as string, body any, hdr ...string) apiReq {
	r := apiReq{Method: method, Path: path, As: as, Body: body}
	for i := 0; i+1 < len(hdr); i += 2 {
		if r.Header == nil {
			r.Header = map[string]string{}
		}
		r.Header[hdr[i]] = hdr[i+1]
	}
	return r
}

type apiResp struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r apiResp) String() string {
	return fmt.Sprintf("%d %s", r.Status, strings.TrimSpace(string(r.Body)))
}

// send performs req; it is safe to call from any goroutine.
func (h *apiH) send(req apiReq) (apiResp, error) {
	var body io.Reader
	switch b := req.Body.(type) {
	case nil:
	case string:
		body = strings.NewReader(b)
	case []byte:
		body = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			return apiResp{}, err
		}
		body = bytes.NewReader(raw)
	}
	ctx := req.Context
	if ctx == nil {
		ctx = context.Background()
	}
	hr, err := http.NewRequestWithContext(ctx, req.Method, h.URL+req.Path, body)
	if err != nil {
		return apiResp{}, err
	}
	if req.Body != nil {
		hr.Header.Set("Content-Type", "application/json")
	}
	if req.As != "" {
		tok, err := h.mint(req.As)
		if err != nil {
			return apiResp{}, err
		}
		hr.Header.Set("Authorization", "Bearer "+tok)
	}
	for k, v := range req.Header {
		if v == "" {
			hr.Header.Del(k)
		} else {
			hr.Header.Set(k, v)
		}
	}
	res, err := h.client.Do(hr)
	if err != nil {
		return apiResp{}, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return apiResp{}, err
	}
	return apiResp{Status: res.StatusCode, Header: res.Header, Body: raw}, nil
}

// do performs req, failing the test if it cannot be sent.
func (h *apiH) do(t testing.TB, req apiReq) apiResp {
	t.Helper()
	r, err := h.send(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.Path, err)
	}
	return r
}

// want performs req and fails unless it answers status; it returns the response.
func (h *apiH) want(t testing.TB, status int, req apiReq) apiResp {
	t.Helper()
	r := h.do(t, req)
	if r.Status != status {
		t.Fatalf("%s %s as %q: got %s, want %d", req.Method, req.Path, req.As, r, status)
	}
	return r
}

// decode unmarshals a JSON response body into v.
func decode[T any](t testing.TB, r apiResp) T {
	t.Helper()
	var v T
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("Content-Type = %q, want application/json (body %s)", ct, r.Body)
	}
	if err := json.Unmarshal(r.Body, &v); err != nil {
		t.Fatalf("decode %T from %s: %v", v, r.Body, err)
	}
	return v
}

// apiList is the SPEC's list shape. NextCursor is a pointer so a test can
// tell an absent cursor from an empty one.
type apiList[T any] struct {
	Items      []T     `json:"items"`
	NextCursor *string `json:"nextCursor"`
}

// apiErr is the SPEC's error shape.
type apiErr struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields"`
}

// wantErr checks that r is an error answer with the given status and code in
// exactly the SPEC's shape ({"error": {code, message, fields?}}) and nothing
// that smells of Go internals, and returns it.
func wantErr(t testing.TB, r apiResp, status int, code string) apiErr {
	t.Helper()
	if r.Status != status {
		t.Fatalf("got %s, want %d %s", r, status, code)
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("error Content-Type = %q, want application/json", ct)
	}
	dec := json.NewDecoder(bytes.NewReader(r.Body))
	dec.DisallowUnknownFields()
	var body struct {
		Error *apiErr `json:"error"`
	}
	if err := dec.Decode(&body); err != nil || body.Error == nil {
		t.Fatalf("error body %s is not {\"error\": {code, message, fields?}}: %v", r.Body, err)
	}
	e := *body.Error
	if e.Code != code {
		t.Fatalf("error code = %q, want %q (body %s)", e.Code, code, r.Body)
	}
	if strings.TrimSpace(e.Message) == "" {
		t.Fatalf("error %s has an empty message", r.Body)
	}
	for _, leak := range []string{"goroutine ", ".go:", "panic", "runtime.", "dynamodb", "DynamoDB", "operation error", "ResourceNotFound", "PROG#", "api error"} {
		if strings.Contains(string(r.Body), leak) {
			t.Fatalf("error body leaks internals (%q): %s", leak, r.Body)
		}
	}
	return e
}

// wantFields checks a 400 validation_failed answer names exactly the fields given.
func wantFields(t testing.TB, r apiResp, fields ...string) apiErr {
	t.Helper()
	e := wantErr(t, r, http.StatusBadRequest, "validation_failed")
	got := make([]string, 0, len(e.Fields))
	for f, msg := range e.Fields {
		got = append(got, f)
		if strings.TrimSpace(msg) == "" {
			t.Errorf("field %s has no problem text", f)
		}
	}
	sort.Strings(got)
	want := slices.Clone(fields)
	sort.Strings(want)
	if !slices.Equal(got, want) {
		t.Fatalf("fields = %v, want exactly %v (body %s)", got, want, r.Body)
	}
	return e
}

// create POSTs body as the given user, expects 201 with a Location naming the
// new item, and returns its id and the answer.
func (h *apiH) create(t testing.TB, as, path string, body any, hdr ...string) (string, apiResp) {
	t.Helper()
	r := h.want(t, http.StatusCreated, rq("POST", path, as, body, hdr...))
	id := idOf(t, r)
	if !domain.ValidID(id) {
		t.Fatalf("POST %s: id %q is not an id", path, id)
	}
	if loc := r.Header.Get("Location"); loc != path+"/"+id {
		t.Fatalf("POST %s: Location = %q, want %q", path, loc, path+"/"+id)
	}
	return id, r
}

// idOf is the id of the item a JSON answer holds.
func idOf(t testing.TB, r apiResp) string {
	t.Helper()
	return decode[struct {
		ID string `json:"id"`
	}](t, r).ID
}

// putMember gives email the roles in programme pid, as admin.
func (h *apiH) putMember(t testing.TB, pid, email string, roles ...map[string]string) {
	t.Helper()
	r := h.do(t, rq("PUT", memberPath(pid, email), uAdmin, rolesBody(roles...)))
	if r.Status != http.StatusCreated && r.Status != http.StatusOK {
		t.Fatalf("PUT member %s: %s", email, r)
	}
}

func memberPath(pid, email string) string {
	return "/programmes/" + pid + "/members/" + url.PathEscape(email)
}

// listPages follows a list's cursors as the given user, limit items a page, and
// returns each page's items; no page may hold more than limit, nor fewer
// when a nextCursor follows it.
func listPages[T any](t testing.TB, h *apiH, as, path string, limit int) [][]T {
	t.Helper()
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	var out [][]T
	cursor := ""
	for range 1000 {
		p := fmt.Sprintf("%s%slimit=%d", path, sep, limit)
		if cursor != "" {
			p += "&cursor=" + url.QueryEscape(cursor)
		}
		page := decode[apiList[T]](t, h.want(t, http.StatusOK, rq("GET", p, as, nil)))
		if len(page.Items) > limit {
			t.Fatalf("GET %s: %d items, more than the limit", p, len(page.Items))
		}
		out = append(out, page.Items)
		if page.NextCursor == nil {
			return out
		}
		if len(page.Items) != limit {
			t.Fatalf("GET %s: a page of %d items (limit %d) yet a nextCursor", p, len(page.Items), limit)
		}
		cursor = *page.NextCursor
	}
	t.Fatalf("list %s never ended", path)
	return nil
}

// listAll pages through a list as the given user and returns every item.
func listAll[T any](t testing.TB, h *apiH, as, path string) []T {
	t.Helper()
	return slices.Concat(listPages[T](t, h, as, path, 100)...)
}

type apiIDed struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Title string `json:"title"`
}

// ids pages through a list as the given user and returns the items' ids.
func ids(t testing.TB, h *apiH, as, path string) []string {
	t.Helper()
	var out []string
	for _, it := range listAll[apiIDed](t, h, as, path) {
		out = append(out, it.ID)
	}
	return out
}

// sameSet reports whether a and b hold the same strings, in any order.
func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	sort.Strings(a)
	sort.Strings(b)
	return slices.Equal(a, b)
}

// ---- what is in the tables

// scanItems reads every item of a table (consistently, with the plain client).
func (h *apiH) scanItems(t testing.TB, table string) []map[string]types.AttributeValue {
	t.Helper()
	if h.raw == nil {
		t.Fatalf("scanning %s needs a plain *dynamodb.Client (apiOptions.raw)", table)
	}
	var items []map[string]types.AttributeValue
	in := &dynamodb.ScanInput{TableName: aws.String(table), ConsistentRead: aws.Bool(true)}
	for {
		out, err := h.raw.Scan(context.Background(), in)
		if err != nil {
			t.Fatalf("scan %s: %v", table, err)
		}
		items = append(items, out.Items...)
		if out.LastEvaluatedKey == nil {
			return items
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
}

// scanLines returns every item of the given tables, each as one canonical
// JSON line, sorted.
func (h *apiH) scanLines(t testing.TB, tables ...string) []string {
	t.Helper()
	var lines []string
	for _, table := range tables {
		for _, item := range h.scanItems(t, table) {
			var m map[string]any
			if err := attributevalue.UnmarshalMap(item, &m); err != nil {
				t.Fatalf("unmarshal scanned item: %v", err)
			}
			raw, _ := json.Marshal(m) // map keys come out sorted
			lines = append(lines, string(raw))
		}
	}
	sort.Strings(lines)
	return lines
}

// tableSnapshot returns every item of the harness's tables (records and the
// audit trail): comparing two snapshots shows whether a request wrote
// anything at all (records, totals, audit events, keys).
func (h *apiH) tableSnapshot(t testing.TB) []string {
	t.Helper()
	return h.scanLines(t, h.table, store.AuditTableName(h.table))
}

// sameSnapshot fails the test if the table changed between two snapshots,
// naming what appeared and what went.
func sameSnapshot(t testing.TB, what string, before, after []string) {
	t.Helper()
	if slices.Equal(before, after) {
		return
	}
	var added, removed []string
	for _, l := range after {
		if !slices.Contains(before, l) {
			added = append(added, l)
		}
	}
	for _, l := range before {
		if !slices.Contains(after, l) {
			removed = append(removed, l)
		}
	}
	t.Errorf("%s changed the table:\n added: %v\n removed: %v", what, added, removed)
}

// ---- counting DynamoDB requests

// dbCounter counts the DynamoDB operations (and HTTP attempts) a client
// makes between start and stop; pass its option to testenv.TableWith.
type dbCounter struct {
	on       atomic.Bool
	mu       sync.Mutex
	ops      map[string]int
	attempts atomic.Int64
}

func (c *dbCounter) option(o *dynamodb.Options) {
	o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
		if err := s.Initialize.Add(middleware.InitializeMiddlewareFunc("dbCountOps",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				if c.on.Load() {
					c.mu.Lock()
					c.ops[awsmiddleware.GetOperationName(ctx)]++
					c.mu.Unlock()
				}
				return next.HandleInitialize(ctx, in)
			}), middleware.After); err != nil {
			return err
		}
		// After the retry middleware: once per attempt sent.
		return s.Finalize.Add(middleware.FinalizeMiddlewareFunc("dbCountAttempts",
			func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
				if c.on.Load() {
					c.attempts.Add(1)
				}
				return next.HandleFinalize(ctx, in)
			}), middleware.After)
	})
}

func (c *dbCounter) start() {
	c.mu.Lock()
	c.ops = map[string]int{}
	c.mu.Unlock()
	c.attempts.Store(0)
	c.on.Store(true)
}

// stop returns the number of operations and a summary by operation.
func (c *dbCounter) stop() (int, string) {
	c.on.Store(false)
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	var parts []string
	for op, k := range c.ops {
		n += k
		parts = append(parts, fmt.Sprintf("%s×%d", op, k))
	}
	sort.Strings(parts)
	return n, strings.Join(parts, " ")
}

// ---- request bodies

func roleLead() map[string]string { return map[string]string{"role": "lead"} }
func rolePL(project string) map[string]string {
	return map[string]string{"role": "project-lead", "projectId": project}
}
func roleFunder(funder string) map[string]string {
	return map[string]string{"role": "funder", "funderId": funder}
}
func rolesBody(roles ...map[string]string) map[string]any { return map[string]any{"roles": roles} }

func programmeBody(name string) map[string]any {
	return map[string]any{"name": name, "leadOrganisation": "Leicestershire Partnership NHS Trust",
		"region": "East Midlands", "startDate": "2025-01-01", "endDate": "2027-12-31"}
}

func funderBody(name string, contacts ...string) map[string]any {
	if len(contacts) == 0 {
		contacts = []string{"grants@funder.example.org"}
	}
	return map[string]any{"name": name, "orgId": "GB-GOR-D10", "contacts": contacts}
}

func projectBody(name string) map[string]any {
	return map[string]any{"name": name, "leadOrganisation": "Bradford District Care NHS FT", "area": "Bradford",
		"startDate": "2025-01-01", "endDate": "2026-12-31"}
}

// grantBody is a valid grant; projectID "" makes it programme-wide.
func grantBody(title, funderID, projectID string, pence int64) map[string]any {
	b := map[string]any{"funderId": funderID, "title": title, "amountPence": pence, "currency": "GBP",
		"awardDate": "2025-01-15", "startDate": "2025-02-01", "endDate": "2026-01-31"}
	if projectID != "" {
		b["projectId"] = projectID
	}
	return b
}

func postBody(grantID, status string) map[string]any {
	return map[string]any{"title": "Employment specialist", "grantId": grantID, "fte": 1, "contract": "temporary",
		"startDate": "2025-02-01", "status": status}
}

func cohortBody(places int) map[string]any {
	return map[string]any{"name": "Aspiro cohort 1", "places": places, "startDate": "2025-03-01", "endDate": "2025-08-31"}
}

// outcomeBody is a valid submission for a quarter of 2025; extra is pairs of
// field name and value to add.
func outcomeBody[N int | int64](counts map[string]N, extra ...any) map[string]any {
	b := map[string]any{"periodStart": "2025-04-01", "periodEnd": "2025-06-30", "counts": counts}
	for i := 0; i+1 < len(extra); i += 2 {
		b[extra[i].(string)] = extra[i+1]
	}
	return b
}

// merge returns base with the overrides applied; a nil value deletes a key.
func merge(base map[string]any, over map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range base {
		out[k] = v
	}
	for k, v := range over {
		if v == nil {
			delete(out, k)
		} else {
			out[k] = v
		}
	}
	return out
}

// ---- the API tests' fixture

// apiGrantPence is what each grant of the API tests' fixture awards.
const apiGrantPence = 3100000

// apiFixture is what fixture builds, as admin:
//
//	programme P1: funders X, Y; projects A, B; grants X→A, Y→B, X→P1 (programme-wide);
//	  members lead@ (lead), pl-a@ (project-lead A), pl-b@ (project-lead B),
//	  funder-x@ (funder X), funder-y@ (funder Y).
//	programme P2: funder Z, project C, grant Z→C; member lead2@ (lead).
type apiFixture struct {
	P1, P2                    string
	X, Y, A, B                string
	GrantXA, GrantYB, GrantXP string
	Z, C, GrantZC             string
}

func (f *apiFixture) p1(rest string) string { return "/programmes/" + f.P1 + rest }
func (f *apiFixture) p2(rest string) string { return "/programmes/" + f.P2 + rest }

var fixtureContacts = map[string]string{"X": "grants@x.example.org", "Y": "grants@y.example.org"}

func (h *apiH) fixture(t testing.TB) *apiFixture {
	t.Helper()
	f := &apiFixture{}
	f.P2, _ = h.create(t, uAdmin, "/programmes", programmeBody("Programme 2"))
	f.Z, _ = h.create(t, uAdmin, f.p2("/funders"), funderBody("Funder Z"))
	f.C, _ = h.create(t, uAdmin, f.p2("/projects"), projectBody("Project C"))
	f.GrantZC, _ = h.create(t, uAdmin, f.p2("/grants"), grantBody("Z to C", f.Z, f.C, apiGrantPence))
	h.putMember(t, f.P2, uLead2, roleLead())
	f.P1, _ = h.create(t, uAdmin, "/programmes", programmeBody("Programme 1"))
	f.X, _ = h.create(t, uAdmin, f.p1("/funders"), funderBody("Funder X", fixtureContacts["X"]))
	f.Y, _ = h.create(t, uAdmin, f.p1("/funders"), funderBody("Funder Y", fixtureContacts["Y"]))
	f.A, _ = h.create(t, uAdmin, f.p1("/projects"), projectBody("Project A"))
	f.B, _ = h.create(t, uAdmin, f.p1("/projects"), projectBody("Project B"))
	// Grants are created in this order, so lists (oldest first) have it too.
	f.GrantXA, _ = h.create(t, uAdmin, f.p1("/grants"), grantBody("X to A", f.X, f.A, apiGrantPence))
	f.GrantYB, _ = h.create(t, uAdmin, f.p1("/grants"), grantBody("Y to B", f.Y, f.B, apiGrantPence))
	f.GrantXP, _ = h.create(t, uAdmin, f.p1("/grants"), grantBody("X to the programme", f.X, "", apiGrantPence))
	h.putMember(t, f.P1, uLead, roleLead())
	h.putMember(t, f.P1, uPLA, rolePL(f.A))
	h.putMember(t, f.P1, uPLB, rolePL(f.B))
	h.putMember(t, f.P1, uFunderX, roleFunder(f.X))
	h.putMember(t, f.P1, uFunderY, roleFunder(f.Y))
	return f
}
