package httpapi_test

// The API test harness: every httpapi.Function mounted on one mux exactly as
// infra/runner does, served by httptest over a fresh DynamoDB Local table,
// with local HS256 tokens for a fixed cast of users and a fixture programme
// that gives each of them a role.

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
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

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

// The cast. Roles are given by the fixture.
const (
	uAdmin    = "admin@example.org"    // group "admins", no membership
	uLead     = "lead@example.org"     // lead of programme 1
	uPLA      = "pl-a@example.org"     // project-lead of project A
	uPLB      = "pl-b@example.org"     // project-lead of project B
	uFunderX  = "funder-x@example.org" // funder for funder X
	uFunderY  = "funder-y@example.org" // funder for funder Y
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
	URL    string
	db     store.DB
	table  string
	secret []byte
	logs   *apiLogBuffer
	tokens sync.Map // email -> token
	seq    atomic.Int64
}

// newAPI starts the API over a fresh table of its own.
func newAPI(t testing.TB) *apiH {
	t.Helper()
	db, table := testenv.Table(t)
	return newAPIOver(t, db, table)
}

// newAPIOver starts the API over any DynamoDB client and table name (a
// missing table, an unreachable endpoint) wired like the runner wires it.
func newAPIOver(t testing.TB, db store.DB, table string) *apiH {
	t.Helper()
	h := &apiH{db: db, table: table, secret: []byte(apiSecret), logs: &apiLogBuffer{}}
	local := auth.Local{Secret: h.secret, Issuer: auth.LocalIssuer}
	deps := platform.APIDeps(platform.Config{Table: table}, db, local)
	deps.Logger = slog.New(slog.NewTextHandler(h.logs, nil))
	// Mounted exactly as infra/runner/main.go mounts them.
	// Mounted as the local runner mounts them (API Gateway routes by route in AWS).
	srv := httptest.NewServer(httpapi.Mount(httpapi.Functions(deps)))
	t.Cleanup(srv.Close)
	h.URL = srv.URL
	return h
}

// token returns a valid token for email; admin@ is in group "admins".
func (h *apiH) token(t testing.TB, email string) string {
	t.Helper()
	if v, ok := h.tokens.Load(email); ok {
		return v.(string)
	}
	var groups []string
	if email == uAdmin {
		groups = []string{domain.AdminGroup}
	}
	tok, err := auth.MintLocal(h.secret, email, "", groups, time.Hour, time.Now())
	if err != nil {
		t.Fatalf("mint token for %s: %v", email, err)
	}
	v, _ := h.tokens.LoadOrStore(email, tok)
	return v.(string)
}

// uniq makes a name no other request of this harness uses.
func (h *apiH) uniq(prefix string) string {
	return fmt.Sprintf("%s %d", prefix, h.seq.Add(1))
}

// apiReq is one request. As is the caller's email ("" sends no token).
// Body nil sends no body; a string or []byte is sent as it is; anything
// else is marshalled to JSON. Content-Type is application/json whenever
// there is a body, unless Header sets it ("" removes it).
type apiReq struct {
	Method, Path string
	As           string
	Body         any
	Header       map[string]string
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
func (h *apiH) send(t testing.TB, req apiReq) (apiResp, error) {
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
	hr, err := http.NewRequestWithContext(context.Background(), req.Method, h.URL+req.Path, body)
	if err != nil {
		return apiResp{}, err
	}
	if req.Body != nil {
		hr.Header.Set("Content-Type", "application/json")
	}
	if req.As != "" {
		hr.Header.Set("Authorization", "Bearer "+h.token(t, req.As))
	}
	for k, v := range req.Header {
		if v == "" {
			hr.Header.Del(k)
		} else {
			hr.Header.Set(k, v)
		}
	}
	res, err := http.DefaultClient.Do(hr)
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
	r, err := h.send(t, req)
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
// new item, and returns its id.
func (h *apiH) create(t testing.TB, as, path string, body any) string {
	t.Helper()
	r := h.want(t, http.StatusCreated, apiReq{Method: "POST", Path: path, As: as, Body: body})
	v := decode[struct {
		ID string `json:"id"`
	}](t, r)
	if !domain.ValidID(v.ID) {
		t.Fatalf("POST %s: id %q is not an id", path, v.ID)
	}
	if loc := r.Header.Get("Location"); loc != path+"/"+v.ID {
		t.Fatalf("POST %s: Location = %q, want %q", path, loc, path+"/"+v.ID)
	}
	return v.ID
}

// putMember gives email the roles in programme pid, as admin.
func (h *apiH) putMember(t testing.TB, pid, email string, roles ...map[string]string) {
	t.Helper()
	r := h.do(t, apiReq{Method: "PUT", Path: "/programmes/" + pid + "/members/" + url.PathEscape(email), As: uAdmin,
		Body: map[string]any{"roles": roles}})
	if r.Status != http.StatusCreated && r.Status != http.StatusOK {
		t.Fatalf("PUT member %s: %s", email, r)
	}
}

func roleLead() map[string]string { return map[string]string{"role": "lead"} }
func rolePL(project string) map[string]string {
	return map[string]string{"role": "project-lead", "projectId": project}
}
func roleFunder(funder string) map[string]string {
	return map[string]string{"role": "funder", "funderId": funder}
}

func programmeBody(name string) map[string]any {
	return map[string]any{"name": name, "leadOrganisation": "Leicestershire Partnership NHS Trust",
		"region": "East Midlands", "startDate": "2025-01-01", "endDate": "2027-12-31"}
}

func funderBody(name string, contacts ...string) map[string]any {
	if len(contacts) == 0 {
		contacts = []string{"grants@funder.example.org"}
	}
	return map[string]any{"name": name, "orgId": "GB-GOR-DWP", "contacts": contacts}
}

func projectBody(name string) map[string]any {
	return map[string]any{"name": name, "leadOrganisation": "Bradford District Care NHS FT", "area": "Bradford",
		"startDate": "2025-01-01", "endDate": "2026-12-31"}
}

// grantBody is a valid grant; projectID "" makes it programme-wide.
func grantBody(title, funderID, projectID string) map[string]any {
	b := map[string]any{"funderId": funderID, "title": title, "amountPence": 3100000, "currency": "GBP",
		"awardDate": "2025-01-15", "startDate": "2025-02-01", "endDate": "2026-01-31"}
	if projectID != "" {
		b["projectId"] = projectID
	}
	return b
}

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
	f.P2 = h.create(t, uAdmin, "/programmes", programmeBody("Programme 2"))
	f.Z = h.create(t, uAdmin, f.p2("/funders"), funderBody("Funder Z"))
	f.C = h.create(t, uAdmin, f.p2("/projects"), projectBody("Project C"))
	f.GrantZC = h.create(t, uAdmin, f.p2("/grants"), grantBody("Z to C", f.Z, f.C))
	h.putMember(t, f.P2, uLead2, roleLead())
	f.P1 = h.create(t, uAdmin, "/programmes", programmeBody("Programme 1"))
	f.X = h.create(t, uAdmin, f.p1("/funders"), funderBody("Funder X", fixtureContacts["X"]))
	f.Y = h.create(t, uAdmin, f.p1("/funders"), funderBody("Funder Y", fixtureContacts["Y"]))
	f.A = h.create(t, uAdmin, f.p1("/projects"), projectBody("Project A"))
	f.B = h.create(t, uAdmin, f.p1("/projects"), projectBody("Project B"))
	// Grants are created in this order, so lists (oldest first) have it too.
	f.GrantXA = h.create(t, uAdmin, f.p1("/grants"), grantBody("X to A", f.X, f.A))
	f.GrantYB = h.create(t, uAdmin, f.p1("/grants"), grantBody("Y to B", f.Y, f.B))
	f.GrantXP = h.create(t, uAdmin, f.p1("/grants"), grantBody("X to the programme", f.X, ""))
	h.putMember(t, f.P1, uLead, roleLead())
	h.putMember(t, f.P1, uPLA, rolePL(f.A))
	h.putMember(t, f.P1, uPLB, rolePL(f.B))
	h.putMember(t, f.P1, uFunderX, roleFunder(f.X))
	h.putMember(t, f.P1, uFunderY, roleFunder(f.Y))
	return f
}

// listAll pages through a list as the given user and returns every item.
func listAll[T any](t testing.TB, h *apiH, as, path string) []T {
	t.Helper()
	var all []T
	cursor := ""
	for range 1000 {
		p := path + "?limit=100"
		if cursor != "" {
			p += "&cursor=" + url.QueryEscape(cursor)
		}
		page := decode[apiList[T]](t, h.want(t, http.StatusOK, apiReq{Method: "GET", Path: p, As: as}))
		all = append(all, page.Items...)
		if page.NextCursor == nil {
			return all
		}
		cursor = *page.NextCursor
	}
	t.Fatalf("list %s never ended", path)
	return nil
}

type apiIDed struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Title string `json:"title"`
}

// ids pages through a list as admin and returns the items' ids.
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

// tableSnapshot returns every item of the harness's tables (records and the
// audit trail), each as one canonical JSON line, sorted: comparing two
// snapshots shows whether a request wrote anything at all (records, totals,
// audit events, keys).
func (h *apiH) tableSnapshot(t testing.TB) []string {
	t.Helper()
	db, ok := h.db.(*dynamodb.Client)
	if !ok {
		t.Fatalf("tableSnapshot needs a *dynamodb.Client")
	}
	var lines []string
	for _, table := range []string{h.table, store.AuditTableName(h.table)} {
		lines = append(lines, scanLines(t, db, table)...)
	}
	sort.Strings(lines)
	return lines
}

func scanLines(t testing.TB, db *dynamodb.Client, table string) []string {
	t.Helper()
	var lines []string
	in := &dynamodb.ScanInput{TableName: aws.String(table), ConsistentRead: aws.Bool(true)}
	for {
		out, err := db.Scan(context.Background(), in)
		if err != nil {
			t.Fatalf("scan %s: %v", table, err)
		}
		for _, item := range out.Items {
			var m map[string]any
			if err := attributevalue.UnmarshalMap(item, &m); err != nil {
				t.Fatalf("unmarshal scanned item: %v", err)
			}
			raw, _ := json.Marshal(m) // map keys come out sorted
			lines = append(lines, string(raw))
		}
		if out.LastEvaluatedKey == nil {
			break
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
	sort.Strings(lines)
	return lines
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
