package httpapi_test

// The OpenAPI document (openapi.json) against the handlers: it is a valid
// OpenAPI 3.1 document; it describes exactly the routes httpapi.Functions
// serves, with the error codes, enums and public routes the Go code has; and
// a realistic session through the real handlers over DynamoDB Local has
// every request and every answer validated against it by kin-openapi's
// openapi3filter, in an http.RoundTripper any mismatch fails, naming the
// route. TestOpenAPIValidationBites shows that check catches a wrong answer.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"net/url"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/fundtrack/fundtrack/shared/auth"
	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/email"
	"github.com/fundtrack/fundtrack/shared/httpapi"
	"github.com/fundtrack/fundtrack/shared/platform"
	"github.com/fundtrack/fundtrack/shared/platform/notifierdeps"
	"github.com/fundtrack/fundtrack/shared/testenv"
)

// oaLoad loads and validates the embedded document; each caller gets its own
// copy, since routers and validation keep state on it.
func oaLoad(t testing.TB) *openapi3.T {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(httpapi.OpenAPI())
	if err != nil {
		t.Fatalf("openapi.json does not load: %v", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		t.Fatalf("openapi.json is not a valid OpenAPI document: %v", err)
	}
	return doc
}

// oaOperations lists the document's operations as ServeMux patterns
// ("GET /programmes/{programmeId}"), the same syntax as httpapi's routes.
func oaOperations(doc *openapi3.T) map[string]*openapi3.Operation {
	out := map[string]*openapi3.Operation{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			out[method+" "+path] = op
		}
	}
	return out
}

func oaServed() map[string]string {
	out := map[string]string{}
	for _, fn := range httpapi.Functions(httpapi.Deps{}) {
		for _, r := range fn.Routes {
			out[r] = fn.Name
		}
	}
	return out
}

func TestOpenAPIDocument(t *testing.T) {
	t.Parallel()
	doc := oaLoad(t)
	if doc.OpenAPI != "3.1.0" || !doc.IsOpenAPI31OrLater() {
		t.Fatalf("openapi is %q, want 3.1.0", doc.OpenAPI)
	}
	if !json.Valid(httpapi.OpenAPI()) {
		t.Fatal("openapi.json is not valid JSON")
	}
	onDisk, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(onDisk, httpapi.OpenAPI()) {
		t.Fatal("httpapi.OpenAPI() differs from openapi.json")
	}
	// Every operation can be told apart and says what it is.
	ids := map[string]string{}
	for key, op := range oaOperations(doc) {
		if op.OperationID == "" || op.Summary == "" || len(op.Tags) != 1 {
			t.Errorf("%s: needs an operationId, a summary and one tag", key)
		}
		if prev, dup := ids[op.OperationID]; dup {
			t.Errorf("%s and %s share operationId %s", key, prev, op.OperationID)
		}
		ids[op.OperationID] = key
		for code, ref := range op.Responses.Map() {
			if st, _ := strconv.Atoi(code); st >= 400 && !strings.HasPrefix(ref.Ref, "#/components/responses/") {
				t.Errorf("%s: error %s should use a shared error response", key, code)
			}
		}
	}
}

// TestOpenAPIRoutesMatchHandlers checks that every route httpapi.Functions
// serves is described and every described operation is served.
func TestOpenAPIRoutesMatchHandlers(t *testing.T) {
	t.Parallel()
	described := oaOperations(oaLoad(t))
	served := oaServed()
	for r, fn := range served {
		if described[r] == nil {
			t.Errorf("function %s serves %s but openapi.json does not describe it", fn, r)
		}
	}
	for r := range described {
		if _, ok := served[r]; !ok {
			t.Errorf("openapi.json describes %s but no function serves it", r)
		}
	}
}

// oaFill turns a route pattern into a path a request can use.
func oaFill(pattern string) string {
	_, path, _ := strings.Cut(pattern, " ")
	return regexp.MustCompile(`\{[^}]+\}`).ReplaceAllStringFunc(path, func(v string) string {
		if v == "{email}" {
			return "someone@example.org"
		}
		return "01hq3v7k8m9n0p1q2r3s4t5v6w"
	})
}

type oaNoAuth struct{}

func (oaNoAuth) Authenticate(*http.Request) (domain.Identity, error) {
	return domain.Identity{}, domain.Errorf(domain.CodeUnauthenticated, "no token")
}

// TestOpenAPIPublicRoutes checks that the operations the document opens to
// callers without a token (security: []) are exactly those the handlers
// serve without one, and that GET /openapi.json serves the embedded bytes.
func TestOpenAPIPublicRoutes(t *testing.T) {
	t.Parallel()
	doc := oaLoad(t)
	if len(doc.Security) != 1 || doc.Security[0]["bearerAuth"] == nil {
		t.Fatalf("global security is %v, want bearerAuth", doc.Security)
	}
	if s := doc.Components.SecuritySchemes["bearerAuth"]; s == nil || s.Value.Type != "http" || s.Value.Scheme != "bearer" || s.Value.BearerFormat != "JWT" {
		t.Fatalf("bearerAuth is not an HTTP bearer JWT scheme")
	}
	// No dependencies but an authenticator that refuses everyone: a route
	// that needs a token answers 401 before touching anything else.
	srv := httptest.NewServer(oaMount(httpapi.Deps{Auth: oaNoAuth{}, Logger: slog.New(slog.DiscardHandler)}))
	t.Cleanup(srv.Close)
	tr := oaNewTransport(t, doc)
	client := &http.Client{Transport: tr}
	for key, op := range oaOperations(doc) {
		public := op.Security != nil && len(*op.Security) == 0
		if op.Security != nil && !public {
			t.Errorf("%s overrides security with %v", key, *op.Security)
		}
		method, _, _ := strings.Cut(key, " ")
		var body io.Reader
		if method == http.MethodPost || method == http.MethodPut || method == http.MethodPatch {
			body = strings.NewReader("{}")
		}
		req, _ := http.NewRequest(method, srv.URL+oaFill(key), body)
		if body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		if method == http.MethodPatch {
			req.Header.Set("If-Match", `"1"`)
		}
		if !public {
			req = oaBreaks(req) // no token: the document forbids it
		}
		res, err := client.Do(req)
		if err != nil {
			t.Errorf("%s: %v", key, err)
			continue
		}
		raw, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if public && res.StatusCode != http.StatusOK {
			t.Errorf("%s is public in openapi.json but answers %d without a token", key, res.StatusCode)
		}
		if !public && res.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s needs a token in openapi.json but answers %d without one", key, res.StatusCode)
		}
		if key == "GET /openapi.json" {
			if ct := res.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("GET /openapi.json Content-Type %q", ct)
			}
			if !bytes.Equal(raw, httpapi.OpenAPI()) {
				t.Errorf("GET /openapi.json does not serve the embedded document")
			}
		}
	}
}

// oaDomainCodes reads the error codes from shared/domain/errors.go, so a
// code added there and not to the document fails here.
func oaDomainCodes(t *testing.T) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "../domain/errors.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	ast.Inspect(f, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok || vs.Type == nil || fmt.Sprint(vs.Type) != "Code" {
			return true
		}
		for _, v := range vs.Values {
			if lit, ok := v.(*ast.BasicLit); ok {
				s, _ := strconv.Unquote(lit.Value)
				codes = append(codes, s)
			}
		}
		return true
	})
	if len(codes) < 10 {
		t.Fatalf("found only %d error codes in errors.go", len(codes))
	}
	return codes
}

func oaEnum(t *testing.T, s *openapi3.Schema, what string) []string {
	t.Helper()
	var out []string
	for _, v := range s.Enum {
		if str, ok := v.(string); ok {
			out = append(out, str)
		}
	}
	if len(out) == 0 {
		t.Fatalf("%s has no enum", what)
	}
	sort.Strings(out)
	return out
}

func oaSorted[T ~string](vs ...T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	sort.Strings(out)
	return out
}

// TestOpenAPIMatchesDomain checks the document's enums against the Go
// constants and that each error response names only codes of its status.
func TestOpenAPIMatchesDomain(t *testing.T) {
	t.Parallel()
	doc := oaLoad(t)
	schemas := doc.Components.Schemas
	sch := func(name string) *openapi3.Schema {
		t.Helper()
		if schemas[name] == nil {
			t.Fatalf("no schema %s", name)
		}
		return schemas[name].Value
	}
	prop := func(name, field string) *openapi3.Schema {
		t.Helper()
		p := sch(name).Properties[field]
		if p == nil {
			t.Fatalf("%s has no property %s", name, field)
		}
		return p.Value
	}
	check := func(what string, got, want []string) {
		t.Helper()
		if !slices.Equal(got, want) {
			t.Errorf("%s: openapi.json has %v, Go has %v", what, got, want)
		}
	}
	codes := oaDomainCodes(t)
	sort.Strings(codes)
	check("error codes", oaEnum(t, sch("ErrorCode"), "ErrorCode"), codes)
	check("metrics", oaEnum(t, sch("Metric"), "Metric"), oaSorted(domain.Metrics...))
	check("post contracts", oaEnum(t, sch("PostContract"), "PostContract"), oaSorted(domain.ContractTemporary, domain.ContractPermanent))
	check("post statuses", oaEnum(t, sch("PostStatus"), "PostStatus"), oaSorted(domain.PostVacant, domain.PostFilled, domain.PostEnded))
	check("target statuses", oaEnum(t, sch("TargetStatus"), "TargetStatus"),
		oaSorted(domain.StatusOnTrack, domain.StatusAtRisk, domain.StatusReached, domain.StatusMissed))
	check("notification kinds", oaEnum(t, prop("Notification", "kind"), "kind"), oaSorted(domain.KindReached, domain.KindMissed, domain.KindAtRisk))
	check("notification statuses", oaEnum(t, prop("Notification", "status"), "status"),
		oaSorted(domain.NotificationPending, domain.NotificationSent, domain.NotificationFailed))
	check("audit entities", oaEnum(t, sch("AuditEntity"), "AuditEntity"), oaSorted(domain.EntityProgramme, domain.EntityMember,
		domain.EntityFunder, domain.EntityProject, domain.EntityGrant, domain.EntityPost, domain.EntityCohort, domain.EntityOutcome,
		domain.EntityTarget, domain.EntityNotification))
	check("audit actions", oaEnum(t, prop("AuditEvent", "action"), "action"), oaSorted(domain.ActionCreate, domain.ActionChange,
		domain.ActionCorrect, domain.ActionDelete, domain.ActionSend))
	var roles []string
	for _, r := range sch("Role").OneOf {
		roles = append(roles, fmt.Sprint(r.Value.Properties["role"].Value.Const))
	}
	sort.Strings(roles)
	check("roles", roles, oaSorted(domain.RoleLead, domain.RoleProjectLead, domain.RoleFunder))

	// Each shared error response narrows the code to those of its status,
	// and every code has a response.
	used := map[string]bool{}
	for key, op := range oaOperations(doc) {
		for status, ref := range op.Responses.Map() {
			st, _ := strconv.Atoi(status)
			if st < 400 {
				continue
			}
			content := ref.Value.Content.Get("application/json")
			if content == nil || len(content.Schema.Value.AllOf) != 2 {
				t.Errorf("%s %s: want allOf [Error, narrowed code]", key, status)
				continue
			}
			code := content.Schema.Value.AllOf[1].Value.Properties["error"].Value.Properties["code"].Value
			for _, c := range code.Enum {
				c := c.(string)
				used[c] = true
				if got := httpapi.StatusOf(&domain.Error{Code: domain.Code(c)}); got != st {
					t.Errorf("%s: response %d names code %s, which answers %d", key, st, c, got)
				}
			}
		}
	}
	for _, c := range codes {
		// 405 answers paths no operation describes; the description says so.
		if !used[c] && c != string(domain.CodeMethodNotAllowed) {
			t.Errorf("no operation documents error code %s", c)
		}
	}
}

// --- validation in the client's transport

type oaBreaksKey struct{}

// oaBreaks marks a request that deliberately breaks the contract (no token,
// a bad body, a wrong content type): the transport then requires the
// document to refuse it, and still validates the answer.
func oaBreaks(r *http.Request) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), oaBreaksKey{}, true))
}

// oaTransport validates every request against the document before sending
// it and every answer after, returning an error that names the route for
// any mismatch. It counts the statuses seen per operation.
type oaTransport struct {
	base   http.RoundTripper
	router routers.Router
	mu     sync.Mutex
	seen   map[string]map[int]int // "GET /path/{x}" -> status -> count
}

func oaEmail(s string) error {
	if a, err := mail.ParseAddress(s); err != nil || a.Address != s {
		return fmt.Errorf("%q is not an email address", s)
	}
	return nil
}

func oaOptions() *openapi3filter.Options {
	return &openapi3filter.Options{
		AuthenticationFunc: func(_ context.Context, in *openapi3filter.AuthenticationInput) error {
			if in.SecuritySchemeName != "bearerAuth" {
				return fmt.Errorf("unknown security scheme %s", in.SecuritySchemeName)
			}
			h := in.RequestValidationInput.Request.Header.Get("Authorization")
			if tok, ok := strings.CutPrefix(h, "Bearer "); !ok || strings.TrimSpace(tok) == "" {
				return errors.New("no bearer token")
			}
			return nil
		},
		IncludeResponseStatus:             true,
		RejectWhenRequestBodyNotSpecified: true,
		SkipSettingDefaults:               true,
		SchemaValidationOptions: []openapi3.SchemaValidationOption{
			openapi3.WithStringFormatValidator("email", openapi3.NewCallbackValidator(oaEmail)),
		},
	}
}

func oaNewTransport(t testing.TB, doc *openapi3.T) *oaTransport {
	t.Helper()
	doc.Servers = nil // match any host: the test server's
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	return &oaTransport{base: http.DefaultTransport, router: router, seen: map[string]map[int]int{}}
}

func (tr *oaTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		var err error
		if body, err = io.ReadAll(req.Body); err != nil {
			return nil, err
		}
		req.Body.Close()
	}
	fresh := func(r *http.Request) *http.Request {
		r = r.Clone(r.Context())
		if body != nil {
			r.Body = io.NopCloser(bytes.NewReader(body))
			r.ContentLength = int64(len(body))
		}
		return r
	}
	name := req.Method + " " + req.URL.Path
	check := fresh(req)
	route, params, err := tr.router.FindRoute(check)
	if err != nil {
		return nil, fmt.Errorf("openapi: %s: no operation in openapi.json: %w", name, err)
	}
	name = req.Method + " " + route.Path
	in := &openapi3filter.RequestValidationInput{Request: check, PathParams: params, Route: route, Options: oaOptions()}
	verr := openapi3filter.ValidateRequest(req.Context(), in)
	breaks, _ := req.Context().Value(oaBreaksKey{}).(bool)
	switch {
	case breaks && verr == nil:
		return nil, fmt.Errorf("openapi: %s: the request should break the contract, but openapi.json accepts it", name)
	case !breaks && verr != nil:
		return nil, fmt.Errorf("openapi: %s: request does not match openapi.json: %w", name, verr)
	}

	res, err := tr.base.RoundTrip(fresh(req))
	if err != nil {
		return nil, err
	}
	raw, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		return nil, err
	}
	res.Body = io.NopCloser(bytes.NewReader(raw))
	tr.mu.Lock()
	if tr.seen[name] == nil {
		tr.seen[name] = map[int]int{}
	}
	tr.seen[name][res.StatusCode]++
	tr.mu.Unlock()

	// The answer is checked against the operation even when the request
	// broke the contract: errors have a documented shape too.
	in.Request = fresh(req)
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: res.StatusCode,
		Header: res.Header, Options: oaOptions()}
	out.SetBodyBytes(raw)
	if err := openapi3filter.ValidateResponse(req.Context(), out); err != nil {
		return nil, fmt.Errorf("openapi: %s: %d answer does not match openapi.json: %w\nbody: %s", name, res.StatusCode, err, oaShort(raw))
	}
	return res, nil
}

func oaShort(b []byte) string {
	if len(b) > 600 {
		return string(b[:600]) + "…"
	}
	return string(b)
}

// oaMount mounts every function exactly as infra/runner/main.go does.
func oaMount(d httpapi.Deps) http.Handler { return httpapi.Mount(httpapi.Functions(d)) }

// --- a session through the real handlers

const oaSecret = "openapi-test-secret"

type oaAPI struct {
	url    string
	client *http.Client
	tr     *oaTransport
	tokens map[string]string
}

type oaReq struct {
	method, path, as string
	body             any // nil: none; string or []byte as is; else JSON
	header           map[string]string
	breaks           bool
}

type oaResp struct {
	status int
	header http.Header
	body   []byte
}

func (r oaResp) String() string {
	return fmt.Sprintf("%d %s", r.status, oaShort(bytes.TrimSpace(r.body)))
}

func (a *oaAPI) token(t *testing.T, who string) string {
	t.Helper()
	if tok, ok := a.tokens[who]; ok {
		return tok
	}
	var groups []string
	if who == "admin@example.org" {
		groups = []string{domain.AdminGroup}
	}
	tok, err := auth.MintLocal([]byte(oaSecret), who, "", groups, time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	a.tokens[who] = tok
	return tok
}

// do sends one request and fails the test unless it answers want.
func (a *oaAPI) do(t *testing.T, want int, r oaReq) oaResp {
	t.Helper()
	var body io.Reader
	switch b := r.body.(type) {
	case nil:
	case string:
		body = strings.NewReader(b)
	case []byte:
		body = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		body = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(r.method, a.url+r.path, body)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if r.as != "" {
		req.Header.Set("Authorization", "Bearer "+a.token(t, r.as))
	}
	for k, v := range r.header {
		if v == "" {
			req.Header.Del(k)
		} else {
			req.Header.Set(k, v)
		}
	}
	if r.breaks {
		req = oaBreaks(req)
	}
	res, err := a.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", r.method, r.path, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	out := oaResp{status: res.StatusCode, header: res.Header, body: raw}
	if res.StatusCode != want {
		t.Fatalf("%s %s as %q: got %s, want %d", r.method, r.path, r.as, out, want)
	}
	return out
}

func (a *oaAPI) get(t *testing.T, want int, as, path string) oaResp {
	t.Helper()
	return a.do(t, want, oaReq{method: http.MethodGet, path: path, as: as})
}

// create POSTs body and returns the new item's id.
func (a *oaAPI) create(t *testing.T, as, path string, body any) (string, oaResp) {
	t.Helper()
	r := a.do(t, http.StatusCreated, oaReq{method: http.MethodPost, path: path, as: as, body: body})
	var v struct{ ID string }
	if err := json.Unmarshal(r.body, &v); err != nil || v.ID == "" {
		t.Fatalf("POST %s: no id in %s", path, r)
	}
	return v.ID, r
}

func oaJSON[T any](t *testing.T, r oaResp) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("decode %s: %v", r, err)
	}
	return v
}

func oaWantCode(t *testing.T, r oaResp, code domain.Code, fields ...string) {
	t.Helper()
	var e struct {
		Error struct {
			Code   domain.Code
			Fields map[string]string
		}
	}
	if err := json.Unmarshal(r.body, &e); err != nil || e.Error.Code != code {
		t.Fatalf("want error %s, got %s", code, r)
	}
	for _, f := range fields {
		if e.Error.Fields[f] == "" {
			t.Fatalf("want a problem with field %s, got %s", f, r)
		}
	}
}

// oaSender is the notifier's email: one address bounces for good.
type oaSender struct {
	mu   sync.Mutex
	sent []email.Message
}

func (s *oaSender) Send(_ context.Context, m email.Message) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if m.To == "bounce@example.org" {
		return &email.PermanentError{Err: errors.New("address rejected")}
	}
	s.sent = append(s.sent, m)
	return nil
}

// TestOpenAPIFlow runs a programme's life through the real handlers, mounted
// like infra/runner, with every request and answer validated against
// openapi.json, and then checks that every operation was exercised.
func TestOpenAPIFlow(t *testing.T) {
	t.Parallel()
	db, table := testenv.Table(t)
	cfg := platform.Config{Table: table}
	deps := platform.APIDeps(cfg, db, auth.Local{Secret: []byte(oaSecret), Issuer: auth.LocalIssuer})
	deps.Logger = slog.New(slog.DiscardHandler)
	srv := httptest.NewServer(oaMount(deps))
	t.Cleanup(srv.Close)
	tr := oaNewTransport(t, oaLoad(t))
	a := &oaAPI{url: srv.URL, client: &http.Client{Transport: tr}, tokens: map[string]string{}}

	const (
		admin    = "admin@example.org"
		lead     = "lead@example.org"
		pl       = "project.lead@example.org"
		funder   = "funder@example.org"
		outsider = "outsider@example.org"
	)
	post := func(as, path string, body any, hdr ...string) oaReq {
		r := oaReq{method: http.MethodPost, path: path, as: as, body: body, header: map[string]string{}}
		for i := 0; i+1 < len(hdr); i += 2 {
			r.header[hdr[i]] = hdr[i+1]
		}
		return r
	}
	patch := func(as, path, ifMatch string, body any) oaReq {
		return oaReq{method: http.MethodPatch, path: path, as: as, body: body, header: map[string]string{"If-Match": ifMatch}}
	}

	// Public routes.
	a.get(t, http.StatusOK, "", "/health")
	if r := a.get(t, http.StatusOK, "", "/openapi.json"); !bytes.Equal(r.body, httpapi.OpenAPI()) {
		t.Fatal("GET /openapi.json does not serve the embedded document")
	}

	// A programme, created idempotently.
	programme := map[string]any{"name": "Working for Wellness", "leadOrganisation": "Leicestershire Partnership NHS Trust",
		"region": "East Midlands", "startDate": "2009-04-01", "endDate": "2012-03-31", "description": "IPS network"}
	first := a.do(t, http.StatusCreated, post(admin, "/programmes", programme, "Idempotency-Key", "create-programme-1"))
	pid := oaJSON[domain.Programme](t, first).ID
	again := a.do(t, http.StatusCreated, post(admin, "/programmes", programme, "Idempotency-Key", "create-programme-1"))
	if again.header.Get("Idempotent-Replayed") != "true" || !bytes.Equal(again.body, first.body) {
		t.Fatalf("replay: %v %s", again.header, again)
	}
	reused := a.do(t, http.StatusUnprocessableEntity, post(admin, "/programmes", map[string]any{"name": "Other",
		"leadOrganisation": "X", "startDate": "2010-01-01", "endDate": "2010-12-31"}, "Idempotency-Key", "create-programme-1"))
	oaWantCode(t, reused, domain.CodeIdempotencyKeyReused)
	a.create(t, admin, "/programmes", map[string]any{"name": "Second programme", "leadOrganisation": "Trust",
		"startDate": "2010-01-01", "endDate": "2010-12-31"})
	page := oaJSON[struct {
		Items      []domain.Programme
		NextCursor string
	}](t, a.get(t, http.StatusOK, admin, "/programmes?limit=1"))
	if len(page.Items) != 1 || page.NextCursor == "" {
		t.Fatalf("programmes page 1: %+v", page)
	}
	a.get(t, http.StatusOK, admin, "/programmes?limit=1&cursor="+url.QueryEscape(page.NextCursor))
	pp := "/programmes/" + pid
	a.get(t, http.StatusOK, admin, pp)
	if pr := oaJSON[domain.Progress](t, a.get(t, http.StatusOK, admin, pp+"/progress")); pr.CostPerPersonIntoWorkPence != nil {
		t.Fatal("a new programme has a cost per person into work")
	}

	// Funders and projects.
	fx, _ := a.create(t, admin, pp+"/funders", map[string]any{"name": "Department for Work and Pensions", "orgId": "GB-GOR-DWP",
		"contacts": []string{"dwp.grants@example.org", "bounce@example.org"}})
	fy, _ := a.create(t, admin, pp+"/funders", map[string]any{"name": "East Midlands SHA", "contacts": []string{"sha@example.org"}})
	fpage := oaJSON[struct {
		Items      []domain.Funder
		NextCursor string
	}](t, a.get(t, http.StatusOK, admin, pp+"/funders?limit=1"))
	if fpage.NextCursor == "" {
		t.Fatal("funders: no nextCursor with limit=1 and two funders")
	}
	if last := a.get(t, http.StatusOK, admin, pp+"/funders?limit=1&cursor="+url.QueryEscape(fpage.NextCursor)); strings.Contains(string(last.body), "nextCursor") {
		t.Fatalf("funders page 2 still has a nextCursor: %s", last)
	}
	a.get(t, http.StatusOK, admin, pp+"/funders/"+fx)
	prjA, _ := a.create(t, admin, pp+"/projects", map[string]any{"name": "Leicester IPS", "leadOrganisation": "LPT",
		"area": "Leicester", "startDate": "2009-04-01", "endDate": "2012-03-31"})
	prjB, _ := a.create(t, admin, pp+"/projects", map[string]any{"name": "Bradford", "leadOrganisation": "Bradford District Care",
		"startDate": "2010-01-01", "endDate": "2011-06-30"})
	a.get(t, http.StatusOK, admin, pp+"/projects")
	a.get(t, http.StatusOK, admin, pp+"/projects/"+prjA)

	// Members: new (201), replaced (200), removed (204).
	put := func(as, who string, want int, roles ...map[string]string) oaResp {
		return a.do(t, want, oaReq{method: http.MethodPut, path: pp + "/members/" + url.PathEscape(who), as: as,
			body: map[string]any{"roles": roles}})
	}
	put(admin, lead, http.StatusCreated, map[string]string{"role": "lead"})
	put(lead, pl, http.StatusCreated, map[string]string{"role": "project-lead", "projectId": prjA})
	put(lead, funder, http.StatusCreated, map[string]string{"role": "funder", "funderId": fx})
	put(lead, pl, http.StatusOK, map[string]string{"role": "project-lead", "projectId": prjA},
		map[string]string{"role": "project-lead", "projectId": prjB})
	put(lead, "temp@example.org", http.StatusCreated, map[string]string{"role": "lead"})
	a.do(t, http.StatusNoContent, oaReq{method: http.MethodDelete, path: pp + "/members/temp@example.org", as: lead})
	a.get(t, http.StatusOK, lead, pp+"/members")
	a.get(t, http.StatusOK, pl, pp+"/members/"+pl)
	a.get(t, http.StatusOK, funder, pp+"/funders/"+fy) // contacts hidden: null

	// Grants, with ETags.
	grant := map[string]any{"funderId": fx, "projectId": prjA, "title": "Employment specialists", "amountPence": 31000000,
		"currency": "GBP", "awardDate": "2009-03-01", "startDate": "2009-04-01", "endDate": "2012-03-31"}
	gid, gr := a.create(t, lead, pp+"/grants", grant)
	if gr.header.Get("ETag") != `"1"` || !strings.HasSuffix(gr.header.Get("Location"), "/grants/"+gid) {
		t.Fatalf("create grant headers: %v", gr.header)
	}
	a.create(t, admin, pp+"/grants", map[string]any{"funderId": fy, "title": "Network manager", "description": "Whole programme",
		"amountPence": 4900000, "currency": "GBP", "awardDate": "2009-02-01", "startDate": "2009-04-01", "endDate": "2011-03-31"})
	etag := a.get(t, http.StatusOK, lead, pp+"/grants/"+gid).header.Get("ETag")
	changed := a.do(t, http.StatusOK, patch(lead, pp+"/grants/"+gid, etag, map[string]any{"amountPence": 32000000, "description": nil}))
	if changed.header.Get("ETag") != `"2"` {
		t.Fatalf("PATCH grant ETag %q", changed.header.Get("ETag"))
	}
	oaWantCode(t, a.do(t, http.StatusPreconditionFailed, patch(lead, pp+"/grants/"+gid, etag, map[string]any{"title": "Stale"})),
		domain.CodePreconditionFailed)
	oaWantCode(t, a.do(t, http.StatusPreconditionRequired, oaReq{method: http.MethodPatch, path: pp + "/grants/" + gid, as: lead,
		body: map[string]any{"title": "No If-Match"}, breaks: true}), domain.CodePreconditionRequired)
	a.do(t, http.StatusForbidden, patch(funder, pp+"/grants/"+gid, `"2"`, map[string]any{"title": "Funder edit"}))
	if g := oaJSON[struct{ Items []domain.Grant }](t, a.get(t, http.StatusOK, funder, pp+"/grants")); len(g.Items) != 1 {
		t.Fatalf("funder sees %d grants, want 1", len(g.Items))
	}
	a.get(t, http.StatusOK, lead, pp+"/grants?limit=100")
	a.get(t, http.StatusOK, lead, pp+"/grants.csv")
	a.get(t, http.StatusOK, funder, pp+"/grants/360giving")

	// Posts and cohorts of project A, by its project lead.
	prj := pp + "/projects/" + prjA
	postID, _ := a.create(t, pl, prj+"/posts", map[string]any{"title": "Employment specialist", "grantId": gid, "fte": 1,
		"contract": "temporary", "startDate": "2009-06-01", "status": "vacant"})
	a.create(t, pl, prj+"/posts", map[string]any{"title": "Service manager", "grantId": gid, "fte": 0.5,
		"contract": "permanent", "startDate": "2009-06-01", "endDate": "2012-03-31", "status": "filled"})
	pe := a.get(t, http.StatusOK, pl, prj+"/posts/"+postID).header.Get("ETag")
	a.do(t, http.StatusOK, patch(pl, prj+"/posts/"+postID, pe, map[string]any{"status": "filled", "endDate": "2011-12-31"}))
	a.get(t, http.StatusOK, funder, prj+"/posts")
	cohortID, _ := a.create(t, pl, prj+"/cohorts", map[string]any{"name": "Aspiro cohort 1", "places": 4,
		"startDate": "2010-09-01", "endDate": "2011-03-31"})
	ce := a.get(t, http.StatusOK, pl, prj+"/cohorts/"+cohortID).header.Get("ETag")
	a.do(t, http.StatusOK, patch(pl, prj+"/cohorts/"+cohortID, ce, map[string]any{"places": 5}))
	a.get(t, http.StatusOK, lead, prj+"/cohorts")

	// Outcomes: a submission, its correction, refusals.
	outcome := map[string]any{"periodStart": "2010-04-01", "periodEnd": "2010-06-30", "cohortId": cohortID,
		"counts":   map[string]int{"referrals": 40, "peopleIntoWork": 6, "internsEnrolled": 4},
		"measures": []map[string]any{{"name": "self-confidence", "baselineMean": 3.0, "latestMean": 6.9, "respondents": 8}},
		"notes":    "A good quarter."}
	oid, _ := a.create(t, pl, prj+"/outcomes", outcome)
	outcome["replaces"] = oid
	outcome["counts"] = map[string]int{"referrals": 41, "peopleIntoWork": 7, "internsEnrolled": 4}
	a.create(t, pl, prj+"/outcomes", outcome)
	oaWantCode(t, a.do(t, http.StatusConflict, post(pl, prj+"/outcomes", outcome)), domain.CodeConflict)
	delete(outcome, "replaces")
	outcome["notes"] = "Call Jo on 07700 900123 about her new job"
	oaWantCode(t, a.do(t, http.StatusUnprocessableEntity, post(pl, prj+"/outcomes", outcome)), domain.CodePersonalData, "notes")
	a.create(t, pl, pp+"/projects/"+prjB+"/outcomes", map[string]any{"periodStart": "2010-04-01", "periodEnd": "2010-09-30",
		"counts": map[string]int{"peopleIntoWork": 2, "jobStarts": 3}})
	opage := oaJSON[struct {
		Items      []domain.Outcome
		NextCursor string
	}](t, a.get(t, http.StatusOK, funder, prj+"/outcomes?limit=1"))
	if opage.NextCursor == "" {
		t.Fatal("outcomes: no nextCursor with limit=1")
	}
	a.get(t, http.StatusOK, funder, prj+"/outcomes?limit=1&cursor="+url.QueryEscape(opage.NextCursor))
	a.get(t, http.StatusOK, funder, prj+"/outcomes/"+oid)
	a.get(t, http.StatusOK, pl, pp+"/outcomes/summary.csv")

	// Targets: one reached, one missed, one on a project.
	tid, te := a.create(t, lead, pp+"/targets", map[string]any{"metric": "peopleIntoWork", "value": 5, "deadline": "2030-03-31",
		"startDate": "2009-04-01", "notify": []string{fx}, "thresholds": []int{50, 100}})
	a.create(t, lead, pp+"/targets", map[string]any{"metric": "jobStarts", "value": 60, "deadline": "2012-03-31", "notify": []string{fy}})
	a.create(t, lead, pp+"/targets", map[string]any{"metric": "referrals", "value": 100, "deadline": "2030-12-31", "projectId": prjA})
	a.do(t, http.StatusOK, patch(lead, pp+"/targets/"+tid, te.header.Get("ETag"), map[string]any{"value": 6}))
	a.get(t, http.StatusOK, funder, pp+"/targets/"+tid)
	a.get(t, http.StatusOK, pl, pp+"/targets")
	if pr := oaJSON[domain.Progress](t, a.get(t, http.StatusOK, funder, pp+"/progress")); pr.CostPerPersonIntoWorkPence == nil || len(pr.Targets) != 3 {
		t.Fatalf("progress: %+v", pr)
	}

	// Milestone notifications, as the scheduled notifier makes them.
	n := notifierdeps.Notifier(cfg, db, &oaSender{})
	n.Logger = slog.New(slog.DiscardHandler)
	if _, err := n.Run(t.Context()); err != nil {
		t.Fatalf("notifier: %v", err)
	}
	if notes := oaJSON[struct{ Items []domain.Notification }](t, a.get(t, http.StatusOK, lead, pp+"/notifications")); len(notes.Items) == 0 {
		t.Fatal("no notifications after the notifier ran")
	}
	a.get(t, http.StatusOK, funder, pp+"/notifications?limit=2")
	oaWantCode(t, a.get(t, http.StatusForbidden, pl, pp+"/notifications"), domain.CodeForbidden)

	// The audit trail and each kind of record's history.
	a.get(t, http.StatusOK, lead, pp+"/audit")
	a.get(t, http.StatusOK, lead, pp+"/audit?entity=grant&limit=5")
	a.get(t, http.StatusForbidden, pl, pp+"/audit")
	for _, rec := range []string{"", "/members/" + pl, "/funders/" + fx, "/projects/" + prjA, "/grants/" + gid,
		"/projects/" + prjA + "/posts/" + postID, "/projects/" + prjA + "/cohorts/" + cohortID,
		"/projects/" + prjA + "/outcomes/" + oid, "/targets/" + tid} {
		a.get(t, http.StatusOK, lead, pp+rec+"/history")
	}

	// Refusals, each in the error shape the document gives.
	bad := a.do(t, http.StatusBadRequest, oaReq{method: http.MethodPost, path: pp + "/projects", as: lead, breaks: true,
		body: map[string]any{"name": "", "leadOrganisation": 7, "startDate": "2010-02-30", "endDate": "2010-01-01", "colour": "red"}})
	oaWantCode(t, bad, domain.CodeValidation, "name", "leadOrganisation", "startDate", "colour")
	oaWantCode(t, a.do(t, http.StatusBadRequest, oaReq{method: http.MethodGet, path: pp + "/grants?limit=0", as: lead, breaks: true}),
		domain.CodeValidation, "limit")
	oaWantCode(t, a.get(t, http.StatusBadRequest, lead, pp+"/funders?cursor=not-a-cursor"), domain.CodeValidation, "cursor")
	oaWantCode(t, a.do(t, http.StatusBadRequest, oaReq{method: http.MethodGet, path: pp + "/audit?entity=budget", as: lead, breaks: true}),
		domain.CodeValidation, "entity")
	oaWantCode(t, a.do(t, http.StatusUnauthorized, oaReq{method: http.MethodGet, path: pp, breaks: true}), domain.CodeUnauthenticated)
	oaWantCode(t, a.do(t, http.StatusUnauthorized, oaReq{method: http.MethodGet, path: pp,
		header: map[string]string{"Authorization": "Bearer not.a.jwt"}}), domain.CodeUnauthenticated)
	oaWantCode(t, a.do(t, http.StatusForbidden, post(pl, pp+"/funders", map[string]any{"name": "Self-funded",
		"contacts": []string{"me@example.org"}})), domain.CodeForbidden)
	oaWantCode(t, a.do(t, http.StatusForbidden, post(funder, "/programmes", programme)), domain.CodeForbidden)
	oaWantCode(t, a.get(t, http.StatusNotFound, outsider, pp), domain.CodeNotFound)
	oaWantCode(t, a.get(t, http.StatusNotFound, lead, pp+"/grants/01hq3v7k8m9n0p1q2r3s4t5v6w"), domain.CodeNotFound)
	oaWantCode(t, a.do(t, http.StatusUnsupportedMediaType, oaReq{method: http.MethodPost, path: pp + "/targets", as: lead,
		body: "metric=referrals", header: map[string]string{"Content-Type": "text/plain"}, breaks: true}), domain.CodeUnsupportedMedia)
	huge := map[string]any{"name": "Big", "leadOrganisation": "Trust", "startDate": "2010-01-01", "endDate": "2010-12-31",
		"area": strings.Repeat("x", httpapi.MaxBodyBytes)}
	oaWantCode(t, a.do(t, http.StatusRequestEntityTooLarge, oaReq{method: http.MethodPost, path: pp + "/projects", as: lead,
		body: huge, breaks: true}), domain.CodeTooLarge)

	// Every operation served was exercised, and each answer above matched.
	for r := range oaServed() {
		if len(tr.seen[r]) == 0 {
			t.Errorf("the flow never calls %s: add it, so its answers are checked against openapi.json", r)
		}
	}
	total := 0
	for _, st := range tr.seen {
		for _, n := range st {
			total += n
		}
	}
	t.Logf("%d requests over %d operations validated against openapi.json", total, len(tr.seen))
}

// TestOpenAPIValidationBites shows the transport's checks fail on answers
// and requests that do not match the document, naming the route.
func TestOpenAPIValidationBites(t *testing.T) {
	t.Parallel()
	const grantPath = "/programmes/01hq3v7k8m9n0p1q2r3s4t5v6w/grants/01hq3v7k8m9n0p1q2r3s4t5v6x"
	good := map[string]any{"id": "01hq3v7k8m9n0p1q2r3s4t5v6x", "funderId": "01hq3v7k8m9n0p1q2r3s4t5v6y",
		"title": "Employment specialists", "amountPence": 31000000, "currency": "GBP", "awardDate": "2009-03-01",
		"startDate": "2009-04-01", "endDate": "2012-03-31", "version": 1,
		"createdAt": "2026-01-31T12:00:00.123Z", "updatedAt": "2026-01-31T12:00:00.123Z"}
	with := func(k string, v any) map[string]any {
		m := map[string]any{}
		for key, val := range good {
			m[key] = val
		}
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
		return m
	}
	cases := []struct {
		name   string
		status int
		etag   bool
		body   any
		want   string // in the error; "" means it must pass
	}{
		{"matching answer", 200, true, good, ""},
		{"amount as a string", 200, true, with("amountPence", "31000000"), "response body doesn't match schema"},
		{"negative amount", 200, true, with("amountPence", -5), "response body doesn't match schema"},
		{"bad date", 200, true, with("awardDate", "01/03/2009"), "response body doesn't match schema"},
		{"missing required field", 200, true, with("currency", nil), "response body doesn't match schema"},
		{"undocumented field", 200, true, with("secret", "x"), "response body doesn't match schema"},
		{"no ETag header", 200, false, good, "ETag"},
		{"undocumented status", http.StatusTeapot, true, good, "status is not supported"},
		{"error with a code of another status", 404, false, map[string]any{"error": map[string]any{"code": "forbidden", "message": "no"}},
			"response body doesn't match schema"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				w.Header().Set("X-Request-Id", "req-1")
				if c.etag {
					w.Header().Set("ETag", `"1"`)
				}
				w.WriteHeader(c.status)
				json.NewEncoder(w).Encode(c.body)
			}))
			t.Cleanup(srv.Close)
			client := &http.Client{Transport: oaNewTransport(t, oaLoad(t))}
			req, _ := http.NewRequest(http.MethodGet, srv.URL+grantPath, nil)
			req.Header.Set("Authorization", "Bearer x.y.z")
			res, err := client.Do(req)
			if res != nil {
				res.Body.Close()
			}
			switch {
			case c.want == "" && err != nil:
				t.Fatalf("a matching answer failed validation: %v", err)
			case c.want != "" && err == nil:
				t.Fatal("a wrong answer passed validation")
			case c.want != "" && (!strings.Contains(err.Error(), c.want) ||
				!strings.Contains(err.Error(), "GET /programmes/{programmeId}/grants/{grantId}")):
				t.Fatalf("error should name the route and say %q: %v", c.want, err)
			}
		})
	}

	// Requests too: one that breaks the contract unannounced fails, and so
	// does one announced as breaking that the document accepts.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", "req-2")
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(srv.Close)
	client := &http.Client{Transport: oaNewTransport(t, oaLoad(t))}
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/programmes/01hq3v7k8m9n0p1q2r3s4t5v6w/funders",
		strings.NewReader(`{"name": "DWP", "contacts": "not-a-list"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer x.y.z")
	if _, err := client.Do(req); err == nil || !strings.Contains(err.Error(), "request does not match") ||
		!strings.Contains(err.Error(), "POST /programmes/{programmeId}/funders") {
		t.Fatalf("a bad request passed validation: %v", err)
	}
	req, _ = http.NewRequest(http.MethodGet, srv.URL+"/health", nil)
	if _, err := client.Do(oaBreaks(req)); err == nil || !strings.Contains(err.Error(), "should break the contract") {
		t.Fatalf("a request announced as breaking the contract was not checked: %v", err)
	}
	req, _ = http.NewRequest(http.MethodDelete, srv.URL+"/programmes/01hq3v7k8m9n0p1q2r3s4t5v6w/members/a@example.org", nil)
	req.Header.Set("Authorization", "Bearer x.y.z")
	if _, err := client.Do(req); err != nil {
		t.Fatalf("a matching DELETE failed validation: %v", err)
	}
}
