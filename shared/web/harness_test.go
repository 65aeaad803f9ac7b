package web_test

// The web app's test harness: the handler exactly as infra/runner mounts it
// (local demo-user sign-in), with one cookie-jar browser per person and a
// fixture programme that gives each of them a role, created through the
// service as an administrator.
//
// newWeb serves the app over the in-memory store (shared/service/memstore),
// wired as webdeps wires it for DynamoDB in every other respect: most tests
// here check what pages show and what forms do (rules, wording, roles),
// which is the same over either storage, and DynamoDB Local's share of
// each was most of the package's CPU (BENCHMARKS.md, section 10). The
// memstore keeps to the DynamoDB store's behaviour through shared/store's
// contract test. newWebOver(t, testkit.New(t)) serves it over a fresh
// DynamoDB Local table instead, for the tests whose point is DynamoDB
// itself: the requests a page sends (requests_test.go, and those in
// budget_test.go and historylinks_test.go that count them with s.Count),
// and pages over a database that hangs or fails (failures_test.go).

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/infra/websignin"
	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/platform"
	"github.com/fundtrack/fundtrack/shared/platform/webdeps"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/testkit"
	"github.com/fundtrack/fundtrack/shared/web"
)

// The cast: the demo users, plus people the demo page does not list.
const (
	uAdmin    = "admin@example.org"
	uLead     = "lead@example.org"
	uPL       = "project.lead@example.org" // project-lead of project A
	uFunder   = "funder@example.org"       // acts for funder X
	uPLB      = "pl-b@example.org"         // project-lead of project B
	uOutsider = "outsider@example.org"     // no membership
)

var cast = []websignin.User{
	{Role: "administrator", Email: uAdmin, Groups: []string{domain.AdminGroup}},
	{Role: "network lead", Email: uLead},
	{Role: "project lead", Email: uPL},
	{Role: "funder", Email: uFunder},
	{Role: "project lead B", Email: uPLB},
	{Role: "outsider", Email: uOutsider},
}

// webH is one running web app over one store.
type webH struct {
	URL   string
	Svc   *service.Service // a plain service over the same store, for fixtures and checks
	codec *web.Codec
	logs  *testkit.LogBuffer
	build *testkit.Builder // makes records through Svc as the administrator
	store notifierWrites   // the app's store, for what only the notifier writes
	mem   *testkit.Mem     // the in-memory store newWeb serves; nil over a stack
}

// notifierWrites are the store's writes that only the notifier makes (no
// page or service call does), which tests make as the notifier would.
// Both the DynamoDB store and the in-memory one have them.
type notifierWrites interface {
	FallDue(ctx context.Context, programmeID string, g domain.Grant, before, after domain.Payment, note domain.Notification, ev domain.AuditEvent, figures *int64) (bool, error)
	ClaimNotification(ctx context.Context, n domain.Notification, holds ...service.Premise) (bool, error)
	ReaddressNotification(ctx context.Context, n domain.Notification, ev domain.AuditEvent) (bool, error)
}

// newWeb starts the web app over a fresh in-memory store. Each request
// starts in a millisecond of its own, as the kit's writes do
// (testkit.OwnMillisecond): records sort by the millisecond they were
// made in, and over memory two can share one.
func newWeb(t testing.TB) *webH {
	t.Helper()
	m := testkit.NewMem(t)
	h := &webH{Svc: m.Svc, build: m.Build(t), store: m.Store, mem: m}
	h.serve(t, webdeps.DepsOver(platform.Config{}, m.Store), testkit.OwnMillisecond)
	return h
}

// newWebOver starts the web app over a testkit stack's table and client.
func newWebOver(t testing.TB, s *testkit.Stack) *webH {
	t.Helper()
	h := &webH{Svc: s.Svc, build: s.Build(t), store: s.Store}
	h.serve(t, webdeps.Deps(s.Config(), s.DB), nil)
	return h
}

// serve starts the app of deps, with the harness's logs, sessions and
// demo-user sign-in, wrapped in around if it is not nil.
func (h *webH) serve(t testing.TB, deps web.Deps, around func(http.Handler) http.Handler) {
	t.Helper()
	h.codec, h.logs = web.RandomCodec(), &testkit.LogBuffer{}
	deps.Logger = slog.New(slog.NewTextHandler(h.logs, nil))
	deps.Sessions = h.codec
	deps.SignIn = websignin.Local{Codec: h.codec, Users: cast}
	var app http.Handler = web.New(deps)
	if around != nil {
		app = around(app)
	}
	srv := httptest.NewServer(app)
	t.Cleanup(srv.Close)
	h.URL = srv.URL
}

// browser is one person's browser: a cookie jar, no automatic redirects
// (tests look at each answer).
type browser struct {
	t    testing.TB
	h    *webH
	c    *http.Client
	jar  *cookiejar.Jar
	csrf string
}

func (h *webH) browser(t testing.TB) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, h: h, jar: jar, c: &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// page is one answer.
type page struct {
	Status int
	Header http.Header
	Body   string
}

func (b *browser) do(method, path string, form url.Values) page {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.h.URL+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	p := page{Status: resp.StatusCode, Header: resp.Header, Body: string(raw)}
	if m := csrfInput.FindStringSubmatch(p.Body); m != nil {
		b.csrf = m[1]
	}
	return p
}

var csrfInput = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (b *browser) get(path string) page { b.t.Helper(); return b.do(http.MethodGet, path, nil) }

// post sends a form with the browser's CSRF token (from the last page).
func (b *browser) post(path string, form url.Values) page {
	b.t.Helper()
	f := url.Values{}
	for k, v := range form {
		f[k] = v
	}
	if _, ok := f["csrf"]; !ok {
		f.Set("csrf", b.csrf)
	}
	return b.do(http.MethodPost, path, f)
}

var stateInput = regexp.MustCompile(`name="state" value="([^"]+)"`)

// signIn signs in through the demo-user page, as a person would.
func (b *browser) signIn(email string) {
	b.t.Helper()
	p := b.get("/app/auth/login")
	m := stateInput.FindStringSubmatch(p.Body)
	if p.Status != http.StatusOK || m == nil {
		b.t.Fatalf("sign-in page: %d\n%s\nlogs: %s", p.Status, p.Body, b.h.logs.String())
	}
	p = b.do(http.MethodPost, "/app/auth/callback", url.Values{"state": {m[1]}, "email": {email}})
	if p.Status != http.StatusSeeOther || p.Header.Get("Location") != "/app/" {
		b.t.Fatalf("sign in as %s: %d %s\n%s", email, p.Status, p.Header.Get("Location"), p.Body)
	}
	p = b.get("/app/")
	if p.Status != http.StatusOK || !strings.Contains(p.Body, email) {
		b.t.Fatalf("after signing in as %s, /app/ answered %d", email, p.Status)
	}
}

func (h *webH) as(t testing.TB, email string) *browser {
	b := h.browser(t)
	b.signIn(email)
	return b
}

// ---------------------------------------------------------------- fixture

// fixture is a programme with two projects, two funders, a grant, a target
// and a member for each role.
type fixture struct {
	PID, ProjectA, ProjectB, FunderX, FunderY, GrantX, GrantY, TargetID, CohortA, PostA string
}

// caller is the identity of a request by email in groups (testkit's).
func caller(email string, groups ...string) domain.Caller { return testkit.Caller(email, groups...) }

// body is a service.Decoder for a JSON value (testkit's).
func body(v any) service.Decoder { return testkit.Body(v) }

func (h *webH) fixture(t testing.TB) fixture {
	t.Helper()
	b := h.build
	var f fixture
	f.PID = b.Programme(map[string]any{"name": "Bradford IPS", "leadOrganisation": "Bradford District Care",
		"region": "Yorkshire", "startDate": "2010-10-01", "endDate": "2012-03-31"}).ID
	f.FunderX = b.Funder(f.PID, map[string]any{"name": "Department for Work and Pensions",
		"orgId": "GB-GOR-D10", "contacts": []string{"contracts@dwp.example.org"}}).ID
	f.FunderY = b.Funder(f.PID, map[string]any{"name": "East Midlands SHA",
		"contacts": []string{"grants@emsha.example.org"}}).ID
	f.ProjectA = b.Project(f.PID, map[string]any{"name": "Bradford employment service",
		"leadOrganisation": "Bradford District Care", "startDate": "2010-10-01", "endDate": "2012-03-31"}).ID
	f.ProjectB = b.Project(f.PID, map[string]any{"name": "Leeds internships",
		"leadOrganisation": "Aspiro", "startDate": "2010-10-01", "endDate": "2012-03-31"}).ID
	b.Member(f.PID, uLead, testkit.RoleLead())
	b.Member(f.PID, uPL, testkit.RoleProjectLead(f.ProjectA))
	b.Member(f.PID, uPLB, testkit.RoleProjectLead(f.ProjectB))
	b.Member(f.PID, uFunder, testkit.RoleFunder(f.FunderX))
	f.GrantX = b.Grant(f.PID, map[string]any{"funderId": f.FunderX, "projectId": f.ProjectA,
		"title": "Employment specialists", "amountPence": 31000000, "currency": "GBP", "awardDate": "2010-09-01",
		"startDate": "2010-10-01", "endDate": "2012-03-31"}).ID
	f.GrantY = b.Grant(f.PID, map[string]any{"funderId": f.FunderY,
		"title": "Network coordination", "amountPence": 5000000, "currency": "GBP", "awardDate": "2010-09-01",
		"startDate": "2010-10-01", "endDate": "2012-03-31"}).ID
	f.TargetID = b.Target(f.PID, map[string]any{"metric": "peopleIntoWork", "value": 60,
		"deadline": "2012-03-31", "notify": []string{f.FunderX}}).ID
	f.CohortA = b.Cohort(f.PID, f.ProjectA, map[string]any{"name": "Cohort 1", "places": 4,
		"startDate": "2011-01-01", "endDate": "2011-06-30"}).ID
	f.PostA = b.Post(f.PID, f.ProjectA, map[string]any{"title": "Employment specialist",
		"grantId": f.GrantX, "fte": 1, "contract": "temporary", "startDate": "2010-10-01", "status": "filled"}).ID
	for _, o := range []map[string]any{
		{"periodStart": "2011-01-01", "periodEnd": "2011-03-31", "counts": map[string]int{"referrals": 80, "peopleIntoWork": 20}},
		{"periodStart": "2011-04-01", "periodEnd": "2011-06-30", "counts": map[string]int{"referrals": 90, "peopleIntoWork": 25}},
	} {
		b.Outcome(f.PID, f.ProjectA, o)
	}
	return f
}

// must is v, or a panic naming the fixture's failure.
func must[T any](v T, err error) T {
	if err != nil {
		panic("fixture: " + err.Error())
	}
	return v
}
