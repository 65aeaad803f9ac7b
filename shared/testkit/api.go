package testkit

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

	"github.com/fundtrack/fundtrack/shared/auth"
	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/httpapi"
	"github.com/fundtrack/fundtrack/shared/platform"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/store"
)

// Secret signs the kit's tokens. It is deliberately not auth's default
// local secret, so a token minted with that one is a wrong-secret token.
const Secret = "testkit-secret-not-the-default"

// Tokens mints local HS256 tokens, as shared/auth makes them, that an
// auth.Local with the same secret accepts.
type Tokens struct {
	Secret []byte
	// Subject gives each email its token's subject; nil: auth.MintLocal's
	// (derived from the email).
	Subject func(email string) string

	cache sync.Map // email -> token of For
}

// Mint returns a token for email in groups, valid for an hour from now.
func (k *Tokens) Mint(email string, groups ...string) (string, error) {
	subject := ""
	if k.Subject != nil {
		subject = k.Subject(email)
	}
	tok, err := auth.MintLocal(k.Secret, email, subject, groups, time.Hour, time.Now())
	if err != nil {
		return "", fmt.Errorf("mint token for %s: %w", email, err)
	}
	return tok, nil
}

// For returns the same valid token for email each time: Admin's in group
// "admins", everyone else's in none.
func (k *Tokens) For(email string) (string, error) {
	if v, ok := k.cache.Load(email); ok {
		return v.(string), nil
	}
	var groups []string
	if email == Admin {
		groups = []string{domain.AdminGroup}
	}
	tok, err := k.Mint(email, groups...)
	if err != nil {
		return "", err
	}
	v, _ := k.cache.LoadOrStore(email, tok)
	return v.(string), nil
}

// LogBuffer collects a server's log lines; safe for concurrent writes.
type LogBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *LogBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *LogBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// API is every API function's handler mounted on one mux as infra/runner
// mounts them (API Gateway routes by route in AWS), served by httptest.
type API struct {
	URL     string       // where the server listens
	Handler http.Handler // the mounted functions, to serve in-process
	Tokens  *Tokens      // what authenticates the requests' As
	Logs    *LogBuffer   // the server's log, printed when the test fails
	client  *http.Client
	seq     atomic.Int64
}

// APIConfig says how NewAPI wires the API; the zero value (but for
// Config.Table) is the usual one.
type APIConfig struct {
	Config    platform.Config           // Table is required
	Subject   func(email string) string // token subjects (see Tokens)
	Transport http.RoundTripper         // nil: a connection pool of the API's own
	Now       func() time.Time          // the service's clock; nil: the wall clock
	Logs      *LogBuffer                // where the server logs; nil: a buffer of its own
	Quiet     bool                      // discard the server's log instead (benchmarks)
	// Around serves the API inside another handler, e.g. beside the web
	// app as infra/runner serves them; nil: the API alone.
	Around func(api http.Handler) http.Handler
}

// API starts the API over the stack's (counted) client and table, on the
// stack's clock if it has one.
func (s *Stack) API(t testing.TB) *API {
	t.Helper()
	c := APIConfig{Config: s.Config()}
	if s.Clock != nil {
		c.Now = s.Clock.Now
	}
	return NewAPI(t, s.DB, c)
}

// NewAPI starts the API over any DynamoDB client (a wrapper that injects
// faults, an unreachable endpoint…), wired as the runner wires it: the
// platform's API dependencies with a local HS256 authenticator.
func NewAPI(t testing.TB, db store.DB, c APIConfig) *API {
	t.Helper()
	a := &API{Tokens: &Tokens{Secret: []byte(Secret), Subject: c.Subject}, Logs: c.Logs}
	if a.Logs == nil {
		a.Logs = &LogBuffer{}
	}
	deps := platform.APIDeps(c.Config, db, auth.Local{Secret: a.Tokens.Secret, Issuer: auth.LocalIssuer})
	var log io.Writer = a.Logs
	if c.Quiet {
		log = io.Discard
	}
	deps.Logger = slog.New(slog.NewTextHandler(log, nil))
	if c.Now != nil {
		deps.Service = service.New(c.Config.Store(db), c.Now)
	}
	a.Handler = httpapi.Mount(httpapi.Functions(deps))
	served := a.Handler
	if c.Around != nil {
		served = c.Around(a.Handler)
	}
	srv := httptest.NewServer(served)
	pool := &http.Transport{MaxIdleConns: 200, MaxIdleConnsPerHost: 200, IdleConnTimeout: 30 * time.Second}
	tr := c.Transport
	if tr == nil {
		tr = pool
	}
	a.client = &http.Client{Transport: tr, Timeout: 60 * time.Second}
	a.URL = srv.URL
	t.Cleanup(func() {
		pool.CloseIdleConnections()
		srv.Close()
		if t.Failed() {
			t.Logf("server log:\n%s", a.Logs.String())
		}
	})
	return a
}

// Uniq makes a name no other call of this API's Uniq makes.
func (a *API) Uniq(prefix string) string {
	return fmt.Sprintf("%s %d", prefix, a.seq.Add(1))
}

// Req is one request. As is the caller's email ("" sends no token). Body
// nil sends no body; a string or []byte is sent as it is; anything else is
// marshalled to JSON. Content-Type is application/json whenever there is a
// body, unless Header sets it ("" removes it). Context, when set, is the
// request's.
type Req struct {
	Method, Path string
	As           string
	Body         any
	Header       map[string]string
	Context      context.Context
}

// Request is the common Req: method and path as the user as, with body
// and hdr as pairs of header name and value.
func Request(method, path, as string, body any, hdr ...string) Req {
	r := Req{Method: method, Path: path, As: as, Body: body}
	for i := 0; i+1 < len(hdr); i += 2 {
		if r.Header == nil {
			r.Header = map[string]string{}
		}
		r.Header[hdr[i]] = hdr[i+1]
	}
	return r
}

// Resp is one answer.
type Resp struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r Resp) String() string {
	return fmt.Sprintf("%d %s", r.Status, strings.TrimSpace(string(r.Body)))
}

// Sender sends requests: an *API, or a test's type that embeds one.
type Sender interface {
	Send(Req) (Resp, error)
}

// Send performs req; it is safe to call from any goroutine.
func (a *API) Send(req Req) (Resp, error) {
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
			return Resp{}, err
		}
		body = bytes.NewReader(raw)
	}
	ctx := req.Context
	if ctx == nil {
		ctx = context.Background()
	}
	hr, err := http.NewRequestWithContext(ctx, req.Method, a.URL+req.Path, body)
	if err != nil {
		return Resp{}, err
	}
	if req.Body != nil {
		hr.Header.Set("Content-Type", "application/json")
	}
	if req.As != "" {
		tok, err := a.Tokens.For(req.As)
		if err != nil {
			return Resp{}, err
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
	res, err := a.client.Do(hr)
	if err != nil {
		return Resp{}, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return Resp{}, err
	}
	return Resp{Status: res.StatusCode, Header: res.Header, Body: raw}, nil
}

// Do performs req, failing the test if it cannot be sent.
func (a *API) Do(t testing.TB, req Req) Resp { t.Helper(); return do(t, a, req) }

// Want performs req and fails the test unless it answers status.
func (a *API) Want(t testing.TB, status int, req Req) Resp {
	t.Helper()
	return want(t, a, status, req)
}

// Create POSTs body as the given user, expects 201 with a Location naming
// the new item, and returns its id and the answer.
func (a *API) Create(t testing.TB, as, path string, body any, hdr ...string) (string, Resp) {
	t.Helper()
	r := want(t, a, http.StatusCreated, Request("POST", path, as, body, hdr...))
	id := IDOf(t, r)
	if !domain.ValidID(id) {
		t.Fatalf("POST %s: id %q is not an id", path, id)
	}
	if loc := r.Header.Get("Location"); loc != path+"/"+id {
		t.Fatalf("POST %s: Location = %q, want %q", path, loc, path+"/"+id)
	}
	return id, r
}

// PutMember gives email the roles in programme pid, as Admin.
func (a *API) PutMember(t testing.TB, pid, email string, roles ...map[string]string) {
	t.Helper()
	r := do(t, a, Request("PUT", MemberPath(pid, email), Admin, RolesBody(roles...)))
	if r.Status != http.StatusCreated && r.Status != http.StatusOK {
		t.Fatalf("PUT member %s: %s", email, r)
	}
}

// MemberPath is the path of a programme's member.
func MemberPath(pid, email string) string {
	return "/programmes/" + pid + "/members/" + url.PathEscape(email)
}

func do(t testing.TB, s Sender, req Req) Resp {
	t.Helper()
	r, err := s.Send(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.Path, err)
	}
	return r
}

func want(t testing.TB, s Sender, status int, req Req) Resp {
	t.Helper()
	r := do(t, s, req)
	if r.Status != status {
		t.Fatalf("%s %s as %q: got %s, want %d", req.Method, req.Path, req.As, r, status)
	}
	return r
}

// Decode unmarshals a JSON answer's body, failing the test unless the
// answer is JSON.
func Decode[T any](t testing.TB, r Resp) T {
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

// IDOf is the id of the item a JSON answer holds.
func IDOf(t testing.TB, r Resp) string {
	t.Helper()
	return Decode[struct {
		ID string `json:"id"`
	}](t, r).ID
}

// List is the SPEC's list shape. NextCursor is a pointer so a test can
// tell an absent cursor from an empty one.
type List[T any] struct {
	Items      []T     `json:"items"`
	NextCursor *string `json:"nextCursor"`
}

// APIError is the SPEC's error shape.
type APIError struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields"`
}

// WantErr checks that r is an error answer with the given status and code
// in exactly the SPEC's shape ({"error": {code, message, fields?}}), with
// nothing that smells of Go or AWS internals, and returns the error.
func WantErr(t testing.TB, r Resp, status int, code string) APIError {
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
		Error *APIError `json:"error"`
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

// WantFields checks r is a 400 validation_failed answer naming exactly the
// fields given, each with some problem text.
func WantFields(t testing.TB, r Resp, fields ...string) APIError {
	t.Helper()
	e := WantErr(t, r, http.StatusBadRequest, "validation_failed")
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

// ListPages follows a list's cursors as the given user, limit items a
// page, and returns each page's items; no page may hold more than limit,
// nor fewer when a nextCursor follows it.
func ListPages[T any](t testing.TB, s Sender, as, path string, limit int) [][]T {
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
		page := Decode[List[T]](t, want(t, s, http.StatusOK, Request("GET", p, as, nil)))
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

// ListAll pages through a list as the given user and returns every item.
func ListAll[T any](t testing.TB, s Sender, as, path string) []T {
	t.Helper()
	return slices.Concat(ListPages[T](t, s, as, path, 100)...)
}

// IDs pages through a list as the given user and returns the items' ids.
func IDs(t testing.TB, s Sender, as, path string) []string {
	t.Helper()
	var out []string
	for _, it := range ListAll[struct {
		ID string `json:"id"`
	}](t, s, as, path) {
		out = append(out, it.ID)
	}
	return out
}

// SameSet reports whether a and b hold the same strings, in any order.
func SameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	sort.Strings(a)
	sort.Strings(b)
	return slices.Equal(a, b)
}
