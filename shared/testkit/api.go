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
	"github.com/fundtrack/fundtrack/shared/sheet/xlsx"
	"github.com/fundtrack/fundtrack/shared/store"
)

// LogBuffer collects a server's log lines; safe for concurrent writes.
type LogBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Write appends p, as the server's logger writes a line.
func (b *LogBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String is every line written so far.
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
	// Timeout is every request's deadline; 0: httpapi.DefaultRequestTimeout.
	Timeout time.Duration
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
	return serveAPI(t, db, c, func(deps *httpapi.Deps) {
		if c.Now != nil {
			deps.Service = service.New(c.Config.Store(db), c.Now)
		}
	})
}

// serveAPI wires the platform's API dependencies over db as the runner
// does, lets swap change them (the service's clock, its storage), and
// serves every API function mounted on one mux.
func serveAPI(t testing.TB, db store.DB, c APIConfig, swap func(*httpapi.Deps)) *API {
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
	deps.RequestTimeout = c.Timeout
	swap(&deps)
	deps.Service.WithWorkbooks(xlsx.Workbooks{}) // as the imports function reads workbooks (the web app has its own)
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
func (a *API) Do(t testing.TB, req Req) Resp {
	t.Helper()
	return do(t, a, req)
}

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
