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

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/email"
	"github.com/fundtrack/fundtrack/shared/httpapi"
	"github.com/fundtrack/fundtrack/shared/platform/notifierdeps"
	"github.com/fundtrack/fundtrack/shared/present"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// oaLoad returns the embedded document, loaded and validated once per test
// binary: a load is a quarter of a CPU second under the race detector,
// and some twenty tests and subtests each loaded their own. Callers read
// it and never change it (the race detector would see a test that did);
// transports route over a copy of their own (oaNewTransport).
func oaLoad(t testing.TB) *openapi3.T {
	t.Helper()
	oaShared.docOnce.Do(func() { oaShared.doc, oaShared.docErr = oaParse() })
	if oaShared.docErr != nil {
		t.Fatal(oaShared.docErr)
	}
	return oaShared.doc
}

var oaShared struct {
	docOnce sync.Once
	doc     *openapi3.T
	docErr  error

	routerOnce sync.Once
	router     routers.Router
	routerErr  error
}

// oaParse loads and validates the embedded document.
func oaParse() (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(httpapi.OpenAPI())
	if err != nil {
		return nil, fmt.Errorf("openapi.json does not load: %v", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		return nil, fmt.Errorf("openapi.json is not a valid OpenAPI document: %v", err)
	}
	return doc, nil
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

// TestOpenAPIAllowMatchesDocument sends every path in openapi.json each
// method the document does not declare for it, through the functions as
// API Gateway routes them (Mount), and checks the answer is 405 with an
// Allow header naming exactly the declared methods, and HEAD beside GET
// (which the document says answers HEAD). A path such as
// …/grants/360giving, which a sibling's wildcard (…/grants/{grantId})
// also matches, once answered PATCH as a change to grant "360giving".
func TestOpenAPIAllowMatchesDocument(t *testing.T) {
	t.Parallel()
	doc := oaLoad(t)
	h := newMemAPI(t)
	methods := []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}
	for path, item := range doc.Paths.Map() {
		var declared []string
		for _, m := range methods {
			if item.GetOperation(m) != nil {
				declared = append(declared, m)
			}
		}
		// And methods no route serves, which net/http hands on as any
		// other (audit-surface N4 asked of them too).
		for _, m := range slices.Concat(methods, []string{http.MethodOptions, http.MethodTrace, "PROPFIND"}) {
			if slices.Contains(declared, m) {
				continue
			}
			r := h.Do(t, testkit.Req{Method: m, Path: oaFill(m + " " + path), As: uAdmin, Body: "{}",
				Header: map[string]string{"If-Match": "*"}})
			if r.Status != http.StatusMethodNotAllowed {
				t.Errorf("%s %s: got %s, want 405", m, path, r)
				continue
			}
			// Every GET answers HEAD too, which the document says once,
			// not on each path.
			want := slices.Clone(declared)
			if i := slices.Index(want, http.MethodGet); i >= 0 {
				want = slices.Insert(want, i+1, http.MethodHead)
			}
			if got, want := r.Header.Get("Allow"), strings.Join(want, ", "); got != want {
				t.Errorf("%s %s: Allow = %q, want %q (the methods openapi.json declares, and HEAD with GET)", m, path, got, want)
			}
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
	// Mounted as infra/runner mounts them.
	// The service is there for /health, which asks its storage: memory
	// here, since what is public is the question (TestEveryRouteOverDynamoDB
	// asks DynamoDB Local's table).
	st := testkit.NewMem(t)
	srv := httptest.NewServer(httpapi.Mount(httpapi.Functions(httpapi.Deps{Auth: oaNoAuth{}, Logger: slog.New(slog.DiscardHandler),
		Service: st.Svc})))
	t.Cleanup(srv.Close)
	tr := oaNewTransport(t)
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
	check("notification kinds", oaEnum(t, prop("Notification", "kind"), "kind"), oaSorted(domain.KindReached, domain.KindMissed, domain.KindAtRisk,
		domain.KindReminder, domain.KindOverdue, domain.KindAwaitingReview, domain.KindChangesRequested, domain.KindPaymentDue))
	check("return statuses", oaEnum(t, sch("ReturnStatus"), "ReturnStatus"), oaSorted(domain.ReturnStatuses...))
	check("frequencies", oaEnum(t, sch("Frequency"), "Frequency"), oaSorted(domain.Monthly, domain.Quarterly, domain.HalfYearly, domain.Yearly))
	check("submission statuses", oaEnum(t, prop("Outcome", "status"), "status"),
		oaSorted(domain.OutcomePending, domain.OutcomeApproved, domain.OutcomeChangesRequested))
	check("review decisions", oaEnum(t, prop("ReviewInput", "decision"), "decision"), oaSorted(domain.DecisionApprove, domain.DecisionRequestChanges))
	check("budget categories", oaEnum(t, sch("BudgetCategory"), "BudgetCategory"), oaSorted(domain.BudgetCategories...))
	check("payment statuses", oaEnum(t, sch("PaymentStatus"), "PaymentStatus"),
		oaSorted(domain.PaymentScheduled, domain.PaymentDue, domain.PaymentPaid, domain.PaymentCancelled))
	var kinds []string
	for _, k := range sch("Trigger").OneOf {
		kinds = append(kinds, fmt.Sprint(k.Value.Properties["kind"].Value.Const))
	}
	sort.Strings(kinds)
	check("trigger kinds", kinds, oaSorted(domain.TriggerKinds...))
	check("notification statuses", oaEnum(t, prop("Notification", "status"), "status"),
		oaSorted(domain.NotificationPending, domain.NotificationSent, domain.NotificationFailed))
	// The domain's own list, the one the trail's filter checks: a copy kept
	// by hand here let "return" go missing from both.
	check("audit entities", oaEnum(t, sch("AuditEntity"), "AuditEntity"), oaSorted(domain.AuditedEntities()...))
	check("audit actions", oaEnum(t, prop("AuditEvent", "action"), "action"), oaSorted(domain.ActionCreate, domain.ActionChange,
		domain.ActionCorrect, domain.ActionDelete, domain.ActionSend, domain.ActionReview))
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
			if content == nil {
				t.Errorf("%s %s: no JSON body", key, status)
				continue
			}
			schema := content.Schema.Value
			// A 401 in AWS may be the JWT authorizer's own body instead
			// (oneOf [ours, AuthorizerUnauthorized]); ours comes first.
			if st == http.StatusUnauthorized && len(schema.OneOf) == 2 &&
				schema.OneOf[1].Ref == "#/components/schemas/AuthorizerUnauthorized" {
				schema = schema.OneOf[0].Value
			}
			if len(schema.AllOf) != 2 {
				t.Errorf("%s %s: want allOf [Error, narrowed code]", key, status)
				continue
			}
			code := schema.AllOf[1].Value.Properties["error"].Value.Properties["code"].Value
			for _, c := range code.Enum {
				c := c.(string)
				used[c] = true
				if got := present.Status(&domain.Error{Code: domain.Code(c)}); got != st {
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

// oaMetricDescription is the Metric schema's description, written from the
// metric catalogue: each API name with its label and what it counts.
func oaMetricDescription() string {
	s := "A count of people per period, added up over submissions. Each metric, with the label people read it by (the outcome summary CSV's column heading):\n"
	for _, m := range domain.Metrics {
		d, _ := domain.MetricInfo(m)
		s += fmt.Sprintf("\n- `%s` (%s): %s", d.Metric, d.Label, d.Description)
	}
	return s
}

// TestOpenAPIMetricsMatchCatalogue walks the whole document for the places
// that list metrics by hand, so a metric added to domain's catalogue and not
// to openapi.json (or the other way round) fails here: every enum naming a
// metric, every object of metric-named properties (the totals), every
// property called metric, every map keyed by metric (counts), and the
// Metric schema's description.
func TestOpenAPIMetricsMatchCatalogue(t *testing.T) {
	t.Parallel()
	var doc any
	if err := json.Unmarshal(httpapi.OpenAPI(), &doc); err != nil {
		t.Fatal(err)
	}
	const metricRef = "#/components/schemas/Metric"
	want := make([]string, len(domain.Metrics))
	isMetric := map[string]bool{}
	for i, m := range domain.Metrics {
		want[i], isMetric[string(m)] = string(m), true
	}
	refsMetric := func(v any) bool { // v is, or allows only, a Metric
		s, _ := v.(map[string]any)
		if s["$ref"] == metricRef {
			return true
		}
		for _, k := range []string{"anyOf", "oneOf"} {
			for _, alt := range oaSlice(s[k]) {
				if a, _ := alt.(map[string]any); a["$ref"] == metricRef {
					return true
				}
			}
		}
		return false
	}
	var enums, totals, metricProps, countMaps int
	var walk func(at string, v any)
	walk = func(at string, v any) {
		switch v := v.(type) {
		case []any:
			for i, x := range v {
				walk(at+"/"+strconv.Itoa(i), x)
			}
		case map[string]any:
			if enum := oaStrings(v["enum"]); slices.ContainsFunc(enum, func(s string) bool { return isMetric[s] }) {
				enums++
				if !slices.Equal(enum, want) {
					t.Errorf("%s: enum %v, want the catalogue's %v in its order", at, enum, want)
				}
			}
			if props, ok := v["properties"].(map[string]any); ok {
				var named []string
				for k := range props {
					if isMetric[k] {
						named = append(named, k)
					}
				}
				// An object of metrics only is a set of totals; one
				// metric among other fields is a single figure (a
				// portfolio line's peopleIntoWork).
				if len(named) > 0 && len(named) == len(props) {
					totals++
					if sort.Strings(named); !slices.Equal(named, oaSorted(domain.Metrics...)) {
						t.Errorf("%s: properties name the metrics %v, want every one of %v", at, named, oaSorted(domain.Metrics...))
					}
					if req := oaStrings(v["required"]); !slices.Equal(req, want) {
						t.Errorf("%s: required %v, want the catalogue's %v in its order", at, req, want)
					}
				}
				if p, ok := props["metric"]; ok {
					metricProps++
					if !refsMetric(p) {
						t.Errorf("%s/properties/metric is not a $ref to %s", at, metricRef)
					}
				}
			}
			if pn, ok := v["propertyNames"]; ok && refsMetric(pn) {
				countMaps++
				if n, _ := v["maxProperties"].(float64); int(n) != len(domain.Metrics) {
					t.Errorf("%s: maxProperties %v, want %d (one per metric)", at, v["maxProperties"], len(domain.Metrics))
				}
			}
			for k, x := range v {
				if k != "examples" && k != "example" {
					walk(at+"/"+k, x)
				}
			}
		}
	}
	walk("#", doc)
	// The document has each kind of place at least once, so the walk above
	// cannot pass by finding nothing.
	if enums == 0 || totals == 0 || metricProps == 0 || countMaps == 0 {
		t.Errorf("found %d metric enums %d totals objects, %d metric properties, %d maps keyed by metric",
			enums, totals, metricProps, countMaps)
	}
	schema, _ := doc.(map[string]any)["components"].(map[string]any)["schemas"].(map[string]any)["Metric"].(map[string]any)
	if got, want := schema["description"], oaMetricDescription(); got != want {
		t.Errorf("the Metric schema's description is not the catalogue's; want:\n%s", want)
	}
}

func oaSlice(v any) []any {
	s, _ := v.([]any)
	return s
}

func oaStrings(v any) []string {
	var out []string
	for _, x := range oaSlice(v) {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
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

// oaNewTransport validates every request and answer against openapi.json.
// The router (over a copy of the document of its own, which matches any
// host) is built once per test binary and shared: finding a route and
// validating read it, and each transport counts what it saw itself.
func oaNewTransport(t testing.TB) *oaTransport {
	t.Helper()
	oaShared.routerOnce.Do(func() {
		// Workbooks are files: checked as bytes, as kin-openapi checks other binary bodies.
		openapi3filter.RegisterBodyDecoder(domain.MediaXLSX, openapi3filter.FileBodyDecoder)
		doc, err := oaParse()
		if err != nil {
			oaShared.routerErr = err
			return
		}
		doc.Servers = nil // match any host: the test server's
		oaShared.router, oaShared.routerErr = gorillamux.NewRouter(doc)
	})
	if oaShared.routerErr != nil {
		t.Fatal(oaShared.routerErr)
	}
	return &oaTransport{base: http.DefaultTransport, router: oaShared.router, seen: map[string]map[int]int{}}
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

// --- a session through the real handlers

// oaBreaking is the context of a harness request that deliberately breaks the
// contract (see oaBreaks).
var oaBreaking = context.WithValue(context.Background(), oaBreaksKey{}, true)

// oaWantCode checks r is the SPEC's error with this code, naming at least
// these fields.
func oaWantCode(t *testing.T, r testkit.Resp, code domain.Code, fields ...string) {
	t.Helper()
	e := testkit.WantErr(t, r, r.Status, string(code))
	for _, f := range fields {
		if e.Fields[f] == "" {
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
	tr := oaNewTransport(t)
	a := startAPI(t, testkit.New(t), nil, testkit.APIConfig{Transport: tr})
	db, cfg := a.DB, a.Config()

	const (
		admin    = uAdmin // the harness mints admins' tokens for this address
		lead     = "lead@example.org"
		pl       = "project.lead@example.org"
		funder   = "funder@example.org"
		outsider = "outsider@example.org"
	)
	post := func(as, path string, body any, hdr ...string) testkit.Req {
		return testkit.Request(http.MethodPost, path, as, body, hdr...)
	}
	patch := func(as, path, ifMatch string, body any) testkit.Req {
		return testkit.Request(http.MethodPatch, path, as, body, "If-Match", ifMatch)
	}

	// Public routes.
	a.Want(t, http.StatusOK, testkit.Request(http.MethodGet, "/health", "", nil))
	if r := a.Want(t, http.StatusOK, testkit.Request(http.MethodGet, "/openapi.json", "", nil)); !bytes.Equal(r.Body, httpapi.OpenAPI()) {
		t.Fatal("GET /openapi.json does not serve the embedded document")
	}

	// A programme, created idempotently.
	programme := map[string]any{"name": "Working for Wellness", "leadOrganisation": "Leicestershire Partnership NHS Trust",
		"region": "East Midlands", "startDate": "2009-04-01", "endDate": "2012-03-31", "description": "IPS network"}
	first := a.Want(t, http.StatusCreated, post(admin, "/programmes", programme, "Idempotency-Key", "create-programme-1"))
	pid := testkit.Decode[domain.Programme](t, first).ID
	again := a.Want(t, http.StatusCreated, post(admin, "/programmes", programme, "Idempotency-Key", "create-programme-1"))
	if again.Header.Get("Idempotent-Replayed") != "true" || !bytes.Equal(again.Body, first.Body) {
		t.Fatalf("replay: %v %s", again.Header, again)
	}
	reused := a.Want(t, http.StatusUnprocessableEntity, post(admin, "/programmes", map[string]any{"name": "Other",
		"leadOrganisation": "X", "startDate": "2010-01-01", "endDate": "2010-12-31"}, "Idempotency-Key", "create-programme-1"))
	oaWantCode(t, reused, domain.CodeIdempotencyKeyReused)
	a.Create(t, admin, "/programmes", map[string]any{"name": "Second programme", "leadOrganisation": "Trust",
		"startDate": "2010-01-01", "endDate": "2010-12-31"})
	page := testkit.Decode[struct {
		Items      []domain.Programme
		NextCursor string
	}](t, a.Want(t, http.StatusOK, testkit.Request(http.MethodGet, "/programmes?limit=1", admin, nil)))
	if len(page.Items) != 1 || page.NextCursor == "" {
		t.Fatalf("programmes page 1: %+v", page)
	}
	a.Want(t, http.StatusOK, testkit.Request(http.MethodGet, "/programmes?limit=1&cursor="+url.QueryEscape(page.NextCursor), admin, nil))
	pp := "/programmes/" + pid
	a.Want(t, http.StatusOK, testkit.Request(http.MethodGet, pp, admin, nil))
	if pr := testkit.Decode[domain.Progress](t, a.Want(t, http.StatusOK, testkit.Request(http.MethodGet, pp+"/progress", admin, nil))); pr.CostPerPersonIntoWorkPence != nil {
		t.Fatal("a new programme has a cost per person into work")
	}

	// Funders and projects.
	fx, _ := a.Create(t, admin, pp+"/funders", map[string]any{"name": "Department for Work and Pensions", "orgId": "GB-GOR-D10",
		"contacts": []string{"dwp.grants@example.org", "bounce@example.org"}})
	fy, _ := a.Create(t, admin, pp+"/funders", map[string]any{"name": "East Midlands SHA", "contacts": []string{"sha@example.org"}})
	fpage := testkit.Decode[struct {
		Items      []domain.Funder
		NextCursor string
	}](t, a.Want(t, http.StatusOK, testkit.Request(http.MethodGet, pp+"/funders?limit=1", admin, nil)))
	if fpage.NextCursor == "" {
		t.Fatal("funders: no nextCursor with limit=1 and two funders")
	}
	if last := a.Want(t, http.StatusOK, testkit.Request(http.MethodGet, pp+"/funders?limit=1&cursor="+url.QueryEscape(fpage.NextCursor), admin, nil)); strings.Contains(string(last.Body), "nextCursor") {
		t.Fatalf("funders page 2 still has a nextCursor: %s", last)
	}
	a.Want(t, http.StatusOK, testkit.Request(http.MethodGet, pp+"/funders/"+fx, admin, nil))
	prjA, _ := a.Create(t, admin, pp+"/projects", map[string]any{"name": "Leicester IPS", "leadOrganisation": "LPT",
		"area": "Leicester", "startDate": "2009-04-01", "endDate": "2012-03-31", "orgId": "GB-NHS-RT5", "postcode": "le3 8ra",
		"beneficiaryLocations": []map[string]any{{"geoCode": "E06000016", "name": "Leicester"}}})
	prjB, _ := a.Create(t, admin, pp+"/projects", map[string]any{"name": "Bradford", "leadOrganisation": "Bradford District Care",
		"startDate": "2010-01-01", "endDate": "2011-06-30"})
	a.Want(t, http.StatusOK, testkit.Request(http.MethodGet, pp+"/projects", admin, nil))
	prjTag := a.Want(t, http.StatusOK, testkit.Request(http.MethodGet, pp+"/projects/"+prjA, admin, nil)).Header.Get("ETag")
	// Records change as organisations do: a project's org-id added, a funder's name corrected.
	a.Want(t, http.StatusOK, patch(admin, pp+"/projects/"+prjB, `"1"`, map[string]any{"orgId": "GB-NHS-TAD", "area": "Bradford"}))
	a.Want(t, http.StatusOK, patch(admin, pp+"/projects/"+prjA, prjTag, map[string]any{"postcode": "LE3 8RA"}))
	fe := a.Want(t, http.StatusOK, testkit.Request(http.MethodGet, pp+"/funders/"+fy, admin, nil)).Header.Get("ETag")
	a.Want(t, http.StatusOK, patch(admin, pp+"/funders/"+fy, fe, map[string]any{"name": "East Midlands Strategic Health Authority"}))

	// Members: new (201), replaced (200), removed (204).
	put := func(as, who string, want int, roles ...map[string]string) testkit.Resp {
		return a.Want(t, want, testkit.Req{Method: http.MethodPut, Path: pp + "/members/" + url.PathEscape(who), As: as,
			Body: map[string]any{"roles": roles}})
	}
	put(admin, lead, http.StatusCreated, map[string]string{"role": "lead"})
	put(lead, pl, http.StatusCreated, map[string]string{"role": "project-lead", "projectId": prjA})
	put(lead, funder, http.StatusCreated, map[string]string{"role": "funder", "funderId": fx})
	put(lead, pl, http.StatusOK, map[string]string{"role": "project-lead", "projectId": prjA},
		map[string]string{"role": "project-lead", "projectId": prjB})
	put(lead, "temp@example.org", http.StatusCreated, map[string]string{"role": "lead"})
	a.Want(t, http.StatusNoContent, testkit.Req{Method: http.MethodDelete, Path: pp + "/members/temp@example.org", As: lead})
	a.Want(t, http.StatusOK, testkit.Request(http.MethodGet, pp+"/members", lead, nil))
	a.Want(t, http.StatusOK, testkit.Request(http.MethodGet, pp+"/members/"+pl, pl, nil))
	a.Want(t, http.StatusOK, testkit.Request(http.MethodGet, pp+"/funders/"+fy, funder, nil)) // contacts hidden: null

	// Grants, with ETags.
	grant := map[string]any{"funderId": fx, "projectId": prjA, "title": "Employment specialists", "amountPence": 31000000,
		"currency": "GBP", "awardDate": "2009-03-01", "startDate": "2009-04-01", "endDate": "2012-03-31"}
	gid, gr := a.Create(t, lead, pp+"/grants", grant)
	if gr.Header.Get("ETag") != `"1"` || !strings.HasSuffix(gr.Header.Get("Location"), "/grants/"+gid) {
		t.Fatalf("create grant headers: %v", gr.Header)
	}
	a.Create(t, admin, pp+"/grants", map[string]any{"funderId": fy, "title": "Network manager", "description": "Whole programme",
		"amountPence": 4900000, "currency": "GBP", "awardDate": "2009-02-01", "startDate": "2009-04-01", "endDate": "2011-03-31"})
	// A grant the 360Giving Data Quality Tool would flag: stored, with warnings.
	if w := testkit.Decode[struct{ Warnings []domain.Warning }](t, a.Want(t, http.StatusCreated, post(lead, pp+"/grants", map[string]any{
		"funderId": fy, "title": strings.Repeat("Employment support ", 8), "description": strings.Repeat("Employment support ", 8),
		"amountPence": 100000, "currency": "GBP", "awardDate": "2099-01-01", "startDate": "2009-04-01", "endDate": "2099-12-31"}))); len(w.Warnings) != 3 {
		t.Fatalf("warnings %+v, want three", w.Warnings)
	}
	etag := a.Want(t, http.StatusOK, testkit.Request(http.MethodGet, pp+"/grants/"+gid, lead, nil)).Header.Get("ETag")
	changed := a.Want(t, http.StatusOK, patch(lead, pp+"/grants/"+gid, etag, map[string]any{"amountPence": 32000000, "description": nil}))
	if changed.Header.Get("ETag") != `"2"` {
		t.Fatalf("PATCH grant ETag %q", changed.Header.Get("ETag"))
	}
	oaWantCode(t, a.Want(t, http.StatusPreconditionFailed, patch(lead, pp+"/grants/"+gid, etag, map[string]any{"title": "Stale"})),
		domain.CodePreconditionFailed)
	oaWantCode(t, a.Want(t, http.StatusPreconditionRequired, testkit.Req{Method: http.MethodPatch, Path: pp + "/grants/" + gid, As: lead,
		Body: map[string]any{"title": "No If-Match"}, Context: oaBreaking}), domain.CodePreconditionRequired)
	a.Want(t, http.StatusForbidden, patch(funder, pp+"/grants/"+gid, `"2"`, map[string]any{"title": "Funder edit"}))
	if g := testkit.Decode[struct{ Items []domain.Grant }](t, a.Want(t, http.StatusOK, testkit.Request(http.MethodGet, pp+"/grants", funder, nil))); len(g.Items) != 1 {
		t.Fatalf("funder sees %d grants, want 1", len(g.Items))
	}
	a.Want(t, http.StatusOK, testkit.Request(http.MethodGet, pp+"/grants?limit=100", lead, nil))
	a.Want(t, http.StatusOK, testkit.Request(http.MethodGet, pp+"/grants.csv", lead, nil))
	a.Want(t, http.StatusOK, testkit.Request(http.MethodGet, pp+"/grants/360giving", funder, nil))
	a.Want(t, http.StatusOK, testkit.Request(http.MethodGet, pp+"/grants/360giving?funderId="+fx, lead, nil))

	// Posts and cohorts of project A, by its project lead.
	prj := pp + "/projects/" + prjA
	postID, _ := a.Create(t, pl, prj+"/posts", map[string]any{"title": "Employment specialist", "grantId": gid, "fte": 1,
		"contract": "temporary", "startDate": "2009-06-01", "status": "vacant"})
	a.Create(t, pl, prj+"/posts", map[string]any{"title": "Service manager", "grantId": gid, "fte": 0.5,
		"contract": "permanent", "startDate": "2009-06-01", "endDate": "2012-03-31", "status": "filled"})
	pe := a.Want(t, http.StatusOK, testkit.Request(http.MethodGet, prj+"/posts/"+postID, pl, nil)).Header.Get("ETag")
	a.Want(t, http.StatusOK, patch(pl, prj+"/posts/"+postID, pe, map[string]any{"status": "filled", "endDate": "2011-12-31"}))
	a.Want(t, http.StatusOK, testkit.Request(http.MethodGet, prj+"/posts", funder, nil))
	cohortID, _ := a.Create(t, pl, prj+"/cohorts", map[string]any{"name": "Aspiro cohort 1", "places": 4,
		"startDate": "2010-09-01", "endDate": "2011-03-31"})
	ce := a.Want(t, http.StatusOK, testkit.Request(http.MethodGet, prj+"/cohorts/"+cohortID, pl, nil)).Header.Get("ETag")
	a.Want(t, http.StatusOK, patch(pl, prj+"/cohorts/"+cohortID, ce, map[string]any{"places": 5}))
	a.Want(t, http.StatusOK, testkit.Request(http.MethodGet, prj+"/cohorts", lead, nil))

	// Outcomes: a submission, its correction, refusals.
	outcome := map[string]any{"periodStart": "2010-04-01", "periodEnd": "2010-06-30", "cohortId": cohortID,
		"counts":   map[string]int{"referrals": 40, "peopleIntoWork": 6, "internsEnrolled": 4},
		"measures": []map[string]any{{"name": "self-confidence", "baselineMean": 3.0, "latestMean": 6.9, "respondents": 8}},
		"notes":    "A good quarter."}
	oid, _ := a.Create(t, pl, prj+"/outcomes", outcome)
	outcome["replaces"] = oid
	outcome["counts"] = map[string]int{"referrals": 41, "peopleIntoWork": 7, "internsEnrolled": 4}
	a.Create(t, pl, prj+"/outcomes", outcome)
	oaWantCode(t, a.Want(t, http.StatusConflict, post(pl, prj+"/outcomes", outcome)), domain.CodeConflict)
	delete(outcome, "replaces")
	outcome["notes"] = "Call Jo on 07700 900123 about her new job"
	oaWantCode(t, a.Want(t, http.StatusUnprocessableEntity, post(pl, prj+"/outcomes", outcome)), domain.CodePersonalData, "notes")
	a.Create(t, pl, pp+"/projects/"+prjB+"/outcomes", map[string]any{"periodStart": "2010-04-01", "periodEnd": "2010-09-30",
		"counts": map[string]int{"peopleIntoWork": 2, "jobStarts": 3}})
	opage := testkit.Decode[struct {
		Items      []domain.Outcome
		NextCursor string
	}](t, a.Want(t, http.StatusOK, testkit.Request(http.MethodGet, prj+"/outcomes?limit=1", funder, nil)))
	if opage.NextCursor == "" {
		t.Fatal("outcomes: no nextCursor with limit=1")
	}
	a.Want(t, http.StatusOK, testkit.Request(http.MethodGet, prj+"/outcomes?limit=1&cursor="+url.QueryEscape(opage.NextCursor), funder, nil))
	a.Want(t, http.StatusOK, testkit.Request(http.MethodGet, prj+"/outcomes/"+oid, funder, nil))
	a.Want(t, http.StatusOK, testkit.Request(http.MethodGet, pp+"/outcomes/summary.csv", pl, nil))

	// Targets: one reached, one missed, one on a project.
	tid, te := a.Create(t, lead, pp+"/targets", map[string]any{"metric": "peopleIntoWork", "value": 5, "deadline": "2013-03-31",
		"startDate": "2009-04-01", "notify": []string{fx}, "thresholds": []int{50, 100}})
	a.Create(t, lead, pp+"/targets", map[string]any{"metric": "jobStarts", "value": 60, "deadline": "2012-03-31", "notify": []string{fy}})
	a.Create(t, lead, pp+"/targets", map[string]any{"metric": "referrals", "value": 100, "deadline": "2013-03-31", "projectId": prjA, "notify": []string{}})
	a.Want(t, http.StatusOK, patch(lead, pp+"/targets/"+tid, te.Header.Get("ETag"), map[string]any{"value": 6}))
	a.Want(t, http.StatusOK, testkit.Request(http.MethodGet, pp+"/targets/"+tid, funder, nil))
	a.Want(t, http.StatusOK, testkit.Request(http.MethodGet, pp+"/targets", pl, nil))
	if pr := testkit.Decode[domain.Progress](t, a.Want(t, http.StatusOK, testkit.Request(http.MethodGet, pp+"/progress", lead, nil))); pr.CostPerPersonIntoWorkPence == nil || len(pr.Targets) != 3 {
		t.Fatalf("progress: %+v", pr)
	}
	// A funder's: its own funder's awards only, and no cost per person
	// into work (the programme's awards would follow from it).
	if pr := testkit.Decode[domain.Progress](t, a.Want(t, http.StatusOK, testkit.Request(http.MethodGet, pp+"/progress", funder, nil))); pr.CostPerPersonIntoWorkPence != nil ||
		len(pr.Targets) != 3 || len(pr.Funding.ByFunder) != 1 || pr.Funding.ByFunder[0].FunderID != fx {
		t.Fatalf("a funder's progress: %+v", pr)
	}

	// Money: a budget, tranches (one dated and paid, one on the target
	// above, which the notifier below makes due), spend and its correction.
	gtag := a.Want(t, http.StatusOK, testkit.Request(http.MethodGet, pp+"/grants/"+gid, lead, nil)).Header.Get("ETag")
	a.Want(t, http.StatusOK, patch(lead, pp+"/grants/"+gid, gtag, map[string]any{"budget": []map[string]any{
		{"category": "staff", "amountPence": 28000000}, {"category": "travel", "amountPence": 2000000}, {"category": "overheads", "amountPence": 2000000}}}))
	gpay := pp + "/grants/" + gid + "/payments"
	pay1, _ := a.Create(t, lead, gpay, map[string]any{"amountPence": 16000000, "dueDate": "2009-10-01", "trigger": map[string]any{"kind": "date"},
		"reference": "PO 2009/17"})
	a.Create(t, lead, gpay, map[string]any{"amountPence": 8000000, "trigger": map[string]any{"kind": "milestone", "targetId": tid, "threshold": 100}})
	oaWantCode(t, a.Want(t, http.StatusBadRequest, post(lead, gpay, map[string]any{"amountPence": 8000001, "dueDate": "2010-10-01",
		"trigger": map[string]any{"kind": "date"}})), domain.CodeValidation, "amountPence")
	oaWantCode(t, a.Want(t, http.StatusForbidden, post(funder, gpay, map[string]any{"amountPence": 1, "dueDate": "2010-10-01",
		"trigger": map[string]any{"kind": "date"}})), domain.CodeForbidden)
	a.Want(t, http.StatusOK, testkit.Request(http.MethodGet, gpay+"?limit=1", funder, nil))
	ptag := a.Want(t, http.StatusOK, testkit.Request(http.MethodGet, gpay+"/"+pay1, funder, nil)).Header.Get("ETag")
	a.Want(t, http.StatusOK, patch(lead, gpay+"/"+pay1, ptag, map[string]any{"status": "paid", "paidDate": "2009-10-05", "reference": "BACS 000123"}))
	oaWantCode(t, a.Want(t, http.StatusConflict, patch(lead, gpay+"/"+pay1, "*", map[string]any{"status": "cancelled"})), domain.CodeConflict)
	oaWantCode(t, a.Want(t, http.StatusPreconditionFailed, patch(lead, gpay+"/"+pay1, ptag, map[string]any{"status": "cancelled"})),
		domain.CodePreconditionFailed)
	gspend := pp + "/grants/" + gid + "/spend"
	spend := map[string]any{"periodStart": "2009-04-01", "periodEnd": "2009-06-30", "notes": "First quarter",
		"lines": []map[string]any{{"category": "staff", "amountPence": 2500000}, {"category": "travel", "amountPence": 45000}}}
	spendID, _ := a.Create(t, pl, gspend, spend)
	spend["replaces"] = spendID
	spend["lines"] = []map[string]any{{"category": "staff", "amountPence": 2400000}, {"category": "travel", "amountPence": 45000}}
	a.Create(t, pl, gspend, spend)
	oaWantCode(t, a.Want(t, http.StatusConflict, post(pl, gspend, spend)), domain.CodeConflict)
	oaWantCode(t, a.Want(t, http.StatusForbidden, post(funder, gspend, spend)), domain.CodeForbidden)
	a.Want(t, http.StatusOK, testkit.Request(http.MethodGet, gspend, funder, nil))
	a.Want(t, http.StatusOK, testkit.Request(http.MethodGet, gspend+"/"+spendID, funder, nil))
	a.Want(t, http.StatusOK, testkit.Request(http.MethodGet, pp+"/payments.csv", funder, nil))

	// Milestone notifications, as the scheduled notifier makes them.
	n := notifierdeps.Notifier(cfg, db, &oaSender{})
	n.Logger = slog.New(slog.DiscardHandler)
	if _, err := n.Run(t.Context()); err != nil {
		t.Fatalf("notifier: %v", err)
	}
	notes := testkit.Decode[struct{ Items []domain.Notification }](t, a.Want(t, http.StatusOK, testkit.Request(http.MethodGet, pp+"/notifications", lead, nil)))
	if len(notes.Items) == 0 {
		t.Fatal("no notifications after the notifier ran")
	}
	one := testkit.Decode[domain.Notification](t, a.Want(t, http.StatusOK, testkit.Request(http.MethodGet, pp+"/notifications/"+notes.Items[0].ID, lead, nil)))
	if one.ID != notes.Items[0].ID || one.Status != notes.Items[0].Status {
		t.Errorf("GET notification %s = %+v, want the listed one", notes.Items[0].ID, one)
	}
	oaWantCode(t, a.Want(t, http.StatusNotFound, testkit.Request(http.MethodGet, pp+"/notifications/not-a-notification", lead, nil)), domain.CodeNotFound)
	a.Want(t, http.StatusOK, testkit.Request(http.MethodGet, pp+"/notifications/"+notes.Items[0].ID+"/history", lead, nil))
	a.Want(t, http.StatusOK, testkit.Request(http.MethodGet, pp+"/notifications?limit=2", funder, nil))
	a.Want(t, http.StatusOK, testkit.Request(http.MethodGet, pp+"/notifications", pl, nil)) // its project's returns' emails

	// The reporting cycle: review switched on, a quarterly schedule, a
	// submission sent back, corrected and approved.
	prog := a.Want(t, http.StatusOK, patch(lead, pp, a.Want(t, http.StatusOK, testkit.Request(http.MethodGet, pp, lead, nil)).Header.Get("ETag"),
		map[string]any{"reviewOutcomes": true}))
	if !testkit.Decode[domain.Programme](t, prog).ReviewOutcomes {
		t.Fatal("review not switched on")
	}
	sid, _ := a.Create(t, lead, pp+"/schedules", map[string]any{"name": "Quarterly returns", "frequency": "quarterly",
		"firstPeriodStart": "2011-04-01", "lastPeriodEnd": "2012-03-31", "dueDays": 30, "reminders": []int{14, 7}}, "Idempotency-Key", "schedule-1")
	// A tranche released when a return of the schedule is accepted: the
	// answer's trigger holds the return's period end, as the document
	// says (read-only; TestReturnPaymentPeriodEnd has the refusal).
	_, made := a.Create(t, lead, gpay, map[string]any{"amountPence": 100000, "dueDate": "2011-08-31",
		"trigger": map[string]any{"kind": "return", "returnId": domain.ReturnID(sid, prjA, domain.MustDate("2011-04-01"))}})
	if tr := testkit.Decode[domain.Payment](t, made).Trigger; tr.PeriodEnd != domain.MustDate("2011-06-30") {
		t.Errorf("a return tranche's trigger %+v: want its return's period end, 2011-06-30", tr)
	}
	a.Want(t, http.StatusOK, testkit.Request(http.MethodGet, pp+"/schedules", funder, nil))
	schedTag := a.Want(t, http.StatusOK, testkit.Request(http.MethodGet, pp+"/schedules/"+sid, pl, nil)).Header.Get("ETag")
	a.Want(t, http.StatusOK, patch(lead, pp+"/schedules/"+sid, schedTag, map[string]any{"name": "Quarterly returns 2011-12"}))
	a.Want(t, http.StatusOK, testkit.Request(http.MethodGet, pp+"/returns?status=overdue&scheduleId="+sid, lead, nil))
	a.Want(t, http.StatusOK, testkit.Request(http.MethodGet, pp+"/returns?projectId="+prjA+"&limit=2", pl, nil))
	sent, _ := a.Create(t, pl, pp+"/projects/"+prjA+"/outcomes", map[string]any{"periodStart": "2011-04-01", "periodEnd": "2011-06-30",
		"counts": map[string]int{"referrals": 9, "peopleIntoWork": 2}})
	ret := testkit.Decode[domain.Return](t, a.Want(t, http.StatusOK, testkit.Request(http.MethodGet,
		pp+"/returns/"+domain.ReturnID(sid, prjA, domain.MustDate("2011-04-01")), funder, nil)))
	if ret.Status != domain.ReturnSubmitted || !ret.Late || ret.SubmissionID != "" {
		t.Fatalf("the return as its funder sees it: %+v", ret)
	}
	a.Want(t, http.StatusOK, testkit.Request(http.MethodGet, pp+"/outcomes/pending", lead, nil))
	review := pp + "/projects/" + prjA + "/outcomes/"
	a.Want(t, http.StatusOK, post(lead, review+sent+"/review", map[string]any{"decision": "request-changes", "comment": "Split referrals by source, please."}))
	fix, _ := a.Create(t, pl, pp+"/projects/"+prjA+"/outcomes", map[string]any{"periodStart": "2011-04-01", "periodEnd": "2011-06-30",
		"counts": map[string]int{"referrals": 8, "peopleIntoWork": 2}, "replaces": sent})
	oaWantCode(t, a.Want(t, http.StatusConflict, post(lead, review+sent+"/review", map[string]any{"decision": "approve"})), domain.CodeConflict)
	oaWantCode(t, a.Want(t, http.StatusBadRequest, post(lead, review+fix+"/review", map[string]any{"decision": "request-changes"})),
		domain.CodeValidation, "comment")
	oaWantCode(t, a.Want(t, http.StatusUnprocessableEntity, post(lead, review+fix+"/review", map[string]any{"decision": "request-changes",
		"comment": "Ring 07700 900123"})), domain.CodePersonalData, "comment")
	oaWantCode(t, a.Want(t, http.StatusForbidden, post(pl, review+fix+"/review", map[string]any{"decision": "approve"})), domain.CodeForbidden)
	a.Want(t, http.StatusOK, post(lead, review+fix+"/review", map[string]any{"decision": "approve"}))
	// A correction of the approved figures, sent back: the return stays
	// accepted on them, and says which correction is under way (to all but
	// the funder).
	recorrected, _ := a.Create(t, pl, pp+"/projects/"+prjA+"/outcomes", map[string]any{"periodStart": "2011-04-01", "periodEnd": "2011-06-30",
		"counts": map[string]int{"referrals": 80, "peopleIntoWork": 2}, "replaces": fix})
	a.Want(t, http.StatusOK, post(lead, review+recorrected+"/review", map[string]any{"decision": "request-changes", "comment": "Ten times the referrals?"}))
	q2 := pp + "/returns/" + domain.ReturnID(sid, prjA, domain.MustDate("2011-04-01"))
	if ret := testkit.Decode[domain.Return](t, a.Want(t, http.StatusOK, testkit.Request(http.MethodGet, q2, lead, nil))); ret.Status != domain.ReturnAccepted ||
		ret.SubmissionID != fix || ret.Correction == nil || *ret.Correction != (domain.ReturnCorrection{SubmissionID: recorrected, Status: domain.OutcomeChangesRequested}) {
		t.Errorf("the return with its correction sent back, as the lead sees it: %+v (correction %+v)", ret, ret.Correction)
	}
	if ret := testkit.Decode[domain.Return](t, a.Want(t, http.StatusOK, testkit.Request(http.MethodGet, q2, funder, nil))); ret.Status != domain.ReturnAccepted ||
		ret.SubmissionID != fix || ret.Correction != nil {
		t.Errorf("the return with its correction sent back, as the funder sees it: %+v", ret)
	}
	// The project lead lists it among the returns whose correction was
	// sent back (its to-do); a funder may not ask for corrections.
	toCorrect := testkit.Decode[struct{ Items []domain.Return }](t, a.Want(t, http.StatusOK,
		testkit.Request(http.MethodGet, pp+"/returns?correction=changes-requested&status=accepted", pl, nil)))
	if len(toCorrect.Items) != 1 || toCorrect.Items[0].ID != domain.ReturnID(sid, prjA, domain.MustDate("2011-04-01")) ||
		toCorrect.Items[0].Status != domain.ReturnAccepted || toCorrect.Items[0].Correction == nil {
		t.Errorf("the project lead's returns whose correction was sent back: %+v", toCorrect.Items)
	}
	oaWantCode(t, a.Want(t, http.StatusForbidden, testkit.Request(http.MethodGet, pp+"/returns?correction=changes-requested", funder, nil)),
		domain.CodeForbidden)
	a.Want(t, http.StatusOK, testkit.Request(http.MethodGet, pp+"/schedules/"+sid+"/history", pl, nil))
	a.Want(t, http.StatusOK, testkit.Request(http.MethodGet, q2+"/history", funder, nil))
	a.Want(t, http.StatusOK, testkit.Request(http.MethodGet, pp+"/audit?entity=return", lead, nil))
	oaWantCode(t, a.Want(t, http.StatusBadRequest, testkit.Req{Method: http.MethodGet, Path: pp + "/returns?status=late", As: lead, Context: oaBreaking}),
		domain.CodeValidation, "status")
	oaWantCode(t, a.Want(t, http.StatusPreconditionFailed, patch(lead, pp, `"1"`, map[string]any{"reviewOutcomes": false})), domain.CodePreconditionFailed)

	// A portfolio and a period report: the funder sees the money of its
	// own grant only, and the counted figures of the period.
	port := testkit.Decode[struct{ Items []domain.PortfolioItem }](t, a.Want(t, http.StatusOK, testkit.Request(http.MethodGet, "/portfolio?limit=10", funder, nil)))
	if len(port.Items) != 1 || port.Items[0].ProgrammeID != pid || port.Items[0].AwardedPence != 32000000 || len(port.Items[0].Targets) != 3 {
		t.Fatalf("the funder's portfolio: %+v", port.Items)
	}
	a.Want(t, http.StatusOK, testkit.Request(http.MethodGet, "/portfolio", admin, nil))
	rep := testkit.Decode[domain.Report](t, a.Want(t, http.StatusOK, testkit.Request(http.MethodGet, pp+"/report?from=2010-04-01&to=2011-03-31", funder, nil)))
	if rep.Totals[domain.MetricPeopleIntoWork] != 9 || len(rep.ByMonth) != 12 || len(rep.Measures) != 1 {
		t.Fatalf("the funder's report of 2010-11: %+v", rep)
	}
	oaWantCode(t, a.Want(t, http.StatusBadRequest, testkit.Request(http.MethodGet, pp+"/report?from=2011-03-31&to=2010-04-01", lead, nil)),
		domain.CodeValidation, "to")
	oaWantCode(t, a.Want(t, http.StatusNotFound, testkit.Request(http.MethodGet, pp+"/report?from=2011-03-31&to=2010-04-01", outsider, nil)),
		domain.CodeNotFound)

	// Spreadsheet imports: the templates, a dry run, the import, a bad
	// file and a file of the wrong kind.
	csvBody := "Project,Period start,Period end,Referrals,People into work\r\nLeicester IPS,2011-07-01,2011-09-30,5,1\r\n"
	imp := func(as, query, contentType, body string, ctx context.Context) testkit.Req {
		return testkit.Req{Method: http.MethodPost, Path: pp + "/imports" + query, As: as, Body: body,
			Header: map[string]string{"Content-Type": contentType}, Context: ctx}
	}
	a.Want(t, http.StatusOK, testkit.Request(http.MethodGet, pp+"/imports/template.csv", pl, nil))
	a.Want(t, http.StatusOK, testkit.Request(http.MethodGet, pp+"/imports/template.xlsx", lead, nil))
	oaWantCode(t, a.Want(t, http.StatusForbidden, testkit.Request(http.MethodGet, pp+"/imports/template.csv", funder, nil)), domain.CodeForbidden)
	if r := testkit.Decode[domain.ImportResult](t, a.Want(t, http.StatusOK, imp(pl, "?dryRun=true", "text/csv", csvBody, nil))); r.Created != 1 {
		t.Fatalf("dry run: %+v", r)
	}
	// A column fundtrack does not read is named in the answer.
	withTotal := "Project,Period start,Period end,Referrals,Total\r\nLeicester IPS,2011-07-01,2011-09-30,5,5\r\n"
	if r := testkit.Decode[domain.ImportResult](t, a.Want(t, http.StatusOK, imp(pl, "?dryRun=true", "text/csv", withTotal, nil))); len(r.IgnoredColumns) != 1 || r.IgnoredColumns[0] != "Total" {
		t.Fatalf("dry run with a Total column: %+v", r)
	}
	a.Want(t, http.StatusOK, imp(pl, "?dryRun=false", "text/csv; charset=utf-8", csvBody, nil))
	oaWantCode(t, a.Want(t, http.StatusBadRequest, imp(pl, "?dryRun=false", "text/csv", csvBody+"Leicester IPS,2011-10-01,2011-12-31,x,1\r\n", nil)),
		domain.CodeValidation, "rows[3].referrals")
	oaWantCode(t, a.Want(t, http.StatusUnsupportedMediaType, imp(pl, "?dryRun=false", "application/json", `{"rows":[]}`, oaBreaking)), domain.CodeUnsupportedMedia)
	oaWantCode(t, a.Want(t, http.StatusUnsupportedMediaType, imp(pl, "?dryRun=false", domain.MediaXLSX, "PK not a workbook", nil)), domain.CodeUnsupportedMedia)

	// The audit trail and each kind of record's history.
	a.Want(t, http.StatusOK, testkit.Request(http.MethodGet, pp+"/audit", lead, nil))
	a.Want(t, http.StatusOK, testkit.Request(http.MethodGet, pp+"/audit?entity=grant&limit=5", lead, nil))
	a.Want(t, http.StatusForbidden, testkit.Request(http.MethodGet, pp+"/audit", pl, nil))
	for _, rec := range []string{"", "/members/" + pl, "/funders/" + fx, "/projects/" + prjA, "/grants/" + gid,
		"/projects/" + prjA + "/posts/" + postID, "/projects/" + prjA + "/cohorts/" + cohortID,
		"/projects/" + prjA + "/outcomes/" + oid, "/targets/" + tid, "/grants/" + gid + "/payments/" + pay1, "/grants/" + gid + "/spend/" + spendID} {
		a.Want(t, http.StatusOK, testkit.Request(http.MethodGet, pp+rec+"/history", lead, nil))
	}

	// Refusals, each in the error shape the document gives.
	bad := a.Want(t, http.StatusBadRequest, testkit.Req{Method: http.MethodPost, Path: pp + "/projects", As: lead, Context: oaBreaking,
		Body: map[string]any{"name": "", "leadOrganisation": 7, "startDate": "2010-02-30", "endDate": "2010-01-01", "colour": "red"}})
	oaWantCode(t, bad, domain.CodeValidation, "name", "leadOrganisation", "startDate", "colour")
	oaWantCode(t, a.Want(t, http.StatusBadRequest, testkit.Req{Method: http.MethodGet, Path: pp + "/grants?limit=0", As: lead, Context: oaBreaking}),
		domain.CodeValidation, "limit")
	oaWantCode(t, a.Want(t, http.StatusBadRequest, testkit.Request(http.MethodGet, pp+"/funders?cursor=not-a-cursor", lead, nil)), domain.CodeValidation, "cursor")
	oaWantCode(t, a.Want(t, http.StatusBadRequest, testkit.Req{Method: http.MethodGet, Path: pp + "/audit?entity=budget", As: lead, Context: oaBreaking}),
		domain.CodeValidation, "entity")
	oaWantCode(t, a.Want(t, http.StatusUnauthorized, testkit.Req{Method: http.MethodGet, Path: pp, Context: oaBreaking}), domain.CodeUnauthenticated)
	oaWantCode(t, a.Want(t, http.StatusUnauthorized, testkit.Req{Method: http.MethodGet, Path: pp,
		Header: map[string]string{"Authorization": "Bearer not.a.jwt"}}), domain.CodeUnauthenticated)
	oaWantCode(t, a.Want(t, http.StatusForbidden, post(pl, pp+"/funders", map[string]any{"name": "Self-funded",
		"contacts": []string{"me@example.org"}})), domain.CodeForbidden)
	oaWantCode(t, a.Want(t, http.StatusForbidden, post(funder, "/programmes", programme)), domain.CodeForbidden)
	oaWantCode(t, a.Want(t, http.StatusNotFound, testkit.Request(http.MethodGet, pp, outsider, nil)), domain.CodeNotFound)
	oaWantCode(t, a.Want(t, http.StatusNotFound, testkit.Request(http.MethodGet, pp+"/grants/01hq3v7k8m9n0p1q2r3s4t5v6w", lead, nil)), domain.CodeNotFound)
	oaWantCode(t, a.Want(t, http.StatusUnsupportedMediaType, testkit.Req{Method: http.MethodPost, Path: pp + "/targets", As: lead,
		Body: "metric=referrals", Header: map[string]string{"Content-Type": "text/plain"}, Context: oaBreaking}), domain.CodeUnsupportedMedia)
	huge := map[string]any{"name": "Big", "leadOrganisation": "Trust", "startDate": "2010-01-01", "endDate": "2010-12-31",
		"area": strings.Repeat("x", httpapi.MaxBodyBytes)}
	oaWantCode(t, a.Want(t, http.StatusRequestEntityTooLarge, testkit.Req{Method: http.MethodPost, Path: pp + "/projects", As: lead,
		Body: huge, Context: oaBreaking}), domain.CodeTooLarge)

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
			client := &http.Client{Transport: oaNewTransport(t)}
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

	// In AWS a 401 may be the JWT authorizer's own: {"message":"Unauthorized"},
	// its www-authenticate and no X-Request-Id. The document admits that
	// body, and no other in place of the error shape.
	for body, ok := range map[string]bool{`{"message":"Unauthorized"}`: true, `{"message":"Forbidden"}`: false, `{}`: false} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("WWW-Authenticate", `Bearer scope="" error="invalid_token"`)
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, body)
		}))
		client := &http.Client{Transport: oaNewTransport(t)}
		req, _ := http.NewRequest(http.MethodGet, srv.URL+grantPath, nil)
		req.Header.Set("Authorization", "Bearer x.y.z")
		res, err := client.Do(req)
		if res != nil {
			res.Body.Close()
		}
		srv.Close()
		if ok != (err == nil) {
			t.Errorf("a 401 with body %s: validation error %v, want accepted %v", body, err, ok)
		}
	}

	// Requests too: one that breaks the contract unannounced fails, and so
	// does one announced as breaking that the document accepts.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Request-Id", "req-2")
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(srv.Close)
	client := &http.Client{Transport: oaNewTransport(t)}
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

// TestOpenAPINotificationSentIsExplained: SPEC's status enum stays
// pending|sent|failed, so the document says what sent means with
// coveredBy (another's email told of it), and that an email never sent
// to anyone because it was no longer needed is withdrawn, not listed as
// sent: an API client does not read one as delivered.
func TestOpenAPINotificationSentIsExplained(t *testing.T) {
	t.Parallel()
	doc := oaLoad(t)
	n := doc.Components.Schemas["Notification"].Value
	status := n.Properties["status"].Value
	if got := fmt.Sprint(status.Enum); got != "[pending sent failed]" {
		t.Errorf("status enum %s, want SPEC's [pending sent failed]", got)
	}
	for _, want := range []string{"notNeeded", "coveredBy", "withdrawn", "not listed at all"} {
		if !strings.Contains(status.Description, want) {
			t.Errorf("the status description does not mention %q: %q", want, status.Description)
		}
	}
	if n.Properties["notNeeded"] == nil || n.Properties["notNeeded"].Value.Description == "" {
		t.Error("notNeeded is not described")
	}
}
