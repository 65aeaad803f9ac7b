package browsertest

// The server under test: the web app and the JSON API on one port, mounted
// as infra/runner mounts them (the web app under /app/ with the local
// demo-user sign-in, the API everywhere else, checking local HS256 tokens),
// on an httptest server over a fresh DynamoDB Local table. The fixture is
// created through the API, as an administrator would.

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/infra/websignin"
	"github.com/fundtrack/fundtrack/shared/auth"
	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/email"
	"github.com/fundtrack/fundtrack/shared/httpapi"
	"github.com/fundtrack/fundtrack/shared/notify"
	"github.com/fundtrack/fundtrack/shared/platform"
	"github.com/fundtrack/fundtrack/shared/platform/notifierdeps"
	"github.com/fundtrack/fundtrack/shared/platform/webdeps"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/testenv"
	"github.com/fundtrack/fundtrack/shared/web"
)

// The people: the demo users the local sign-in page lists.
const (
	uAdmin  = "admin@example.org"
	uLead   = "lead@example.org"
	uPL     = "project.lead@example.org" // project lead of project A
	uFunder = "funder@example.org"       // acts for the DWP
)

// logBuffer collects the server's logs, shown when a test fails.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// mailbox is the notifier's email sender: it keeps what was sent.
type mailbox struct {
	mu   sync.Mutex
	sent []email.Message
}

func (m *mailbox) Send(_ context.Context, msg email.Message) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent = append(m.sent, msg)
	return nil
}

func (m *mailbox) To(addr string) []email.Message {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []email.Message
	for _, msg := range m.sent {
		if msg.To == addr {
			out = append(out, msg)
		}
	}
	return out
}

// server is the running app.
type server struct {
	URL      string
	Svc      *service.Service // a plain service over the same table, for checks
	Notifier *notify.Notifier
	Mail     *mailbox
	logs     *logBuffer
	secret   []byte
}

// startServer starts the app; opts change the web app's dependencies
// before it starts (the operator, say).
func startServer(t *testing.T, opts ...func(*web.Deps)) *server {
	t.Helper()
	db, table := testenv.Table(t)
	c := platform.Config{Table: table}
	s := &server{logs: &logBuffer{}, Mail: &mailbox{}, secret: []byte(rand.Text() + rand.Text())}
	logger := slog.New(slog.NewTextHandler(s.logs, nil))

	// As infra/runner: the API checks local tokens; the web app signs people
	// in on the demo-user page, sessions sealed with the app's codec.
	local := auth.Local{Secret: s.secret, Issuer: auth.LocalIssuer}
	apiDeps := platform.APIDeps(c, db, local)
	apiDeps.Logger = logger
	api := httpapi.Mount(httpapi.Functions(apiDeps))

	codec := web.RandomCodec()
	webDeps := webdeps.Deps(c, db)
	webDeps.Logger = logger
	webDeps.Sessions = codec
	webDeps.SignIn = websignin.Local{Codec: codec, AllowOthers: true}
	for _, opt := range opts {
		opt(&webDeps)
	}
	webApp := web.New(webDeps)

	mux := http.NewServeMux()
	mux.Handle("/app", webApp)
	mux.Handle("/app/", webApp)
	mux.Handle("/", api)
	ts := httptest.NewServer(mux) // 127.0.0.1, a free port
	t.Cleanup(ts.Close)
	s.URL = ts.URL

	s.Svc = service.New(c.Store(db), nil)
	s.Notifier = notifierdeps.Notifier(c, db, s.Mail)
	s.Notifier.Logger = logger
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("server logs:\n%s", s.logs.String())
		}
	})
	return s
}

// ---------------------------------------------------------------- the API

// api calls the JSON API as who (in groups), with a local token as `make
// token` mints, and decodes the answer into out; it fails the test unless
// the status is want.
func (s *server) api(t *testing.T, method, path, who string, groups []string, body any, want int, out any) {
	t.Helper()
	tok, err := auth.MintLocal(s.secret, who, "", groups, time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, s.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("%s %s: %d, want %d: %s", method, path, resp.StatusCode, want, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: %v in %s", method, path, err, raw)
		}
	}
}

// create POSTs a record through the API as the administrator and returns its id.
func (s *server) create(t *testing.T, path string, body any) string {
	t.Helper()
	var got struct {
		ID string `json:"id"`
	}
	s.api(t, http.MethodPost, path, uAdmin, []string{domain.AdminGroup}, body, http.StatusCreated, &got)
	if got.ID == "" {
		t.Fatalf("POST %s: no id in the answer", path)
	}
	return got.ID
}

// ---------------------------------------------------------------- fixture

// fixture is a programme running April 2025 to March 2027 with two funders,
// two projects, a whole-programme grant, a post, a cohort, a member for
// each demo role and 50 people into work so far (45 in project A). The
// lead's grant and target come later, through the pages.
type fixture struct {
	PID, Name          string
	DWP, ICB           string // funders: DWP (the funder's), the integrated care board
	ProjectA, ProjectB string
	ProjectAName       string
	GrantICB           string
}

const (
	dwpName     = "Department for Work and Pensions"
	dwpContact  = "contracts@dwp.example.org"
	targetValue = 60 // the lead's people-into-work target
	seededPIW   = 50 // people into work in the fixture
)

func (s *server) seed(t *testing.T) fixture {
	t.Helper()
	f := fixture{Name: "West Yorkshire IPS network", ProjectAName: "Bradford employment service"}
	f.PID = s.create(t, "/programmes", map[string]any{"name": f.Name,
		"leadOrganisation": "Bradford District Care NHS Foundation Trust", "region": "Yorkshire and the Humber",
		"startDate": "2025-04-01", "endDate": "2027-03-31",
		"description": "Individual placement and support for people with mental health problems"})
	p := "/programmes/" + f.PID
	f.DWP = s.create(t, p+"/funders", map[string]any{"name": dwpName, "orgId": "GB-GOR-D10", "contacts": []string{dwpContact}})
	f.ICB = s.create(t, p+"/funders", map[string]any{"name": "West Yorkshire Integrated Care Board",
		"contacts": []string{"grants@wyicb.example.org"}})
	f.ProjectA = s.create(t, p+"/projects", map[string]any{"name": f.ProjectAName,
		"leadOrganisation": "Bradford District Care NHS Foundation Trust", "area": "Bradford",
		"startDate": "2025-04-01", "endDate": "2027-03-31"})
	f.ProjectB = s.create(t, p+"/projects", map[string]any{"name": "Leeds supported internships",
		"leadOrganisation": "Aspiro", "area": "Leeds", "startDate": "2025-04-01", "endDate": "2027-03-31"})
	for who, roles := range map[string][]map[string]string{
		uLead:   {{"role": "lead"}},
		uPL:     {{"role": "project-lead", "projectId": f.ProjectA}},
		uFunder: {{"role": "funder", "funderId": f.DWP}},
	} {
		var m domain.Member
		s.api(t, http.MethodPut, p+"/members/"+url.PathEscape(who), uAdmin, []string{domain.AdminGroup},
			map[string]any{"roles": roles}, http.StatusCreated, &m)
	}
	f.GrantICB = s.create(t, p+"/grants", map[string]any{"funderId": f.ICB, "title": "Network coordination",
		"amountPence": 8500000, "currency": "GBP", "awardDate": "2025-03-01", "startDate": "2025-04-01", "endDate": "2027-03-31"})
	pa := p + "/projects/" + f.ProjectA
	s.create(t, pa+"/posts", map[string]any{"title": "Employment specialist", "grantId": f.GrantICB, "fte": 1,
		"contract": "temporary", "startDate": "2025-04-01", "status": "filled"})
	s.create(t, pa+"/cohorts", map[string]any{"name": "Autumn 2025", "places": 8, "startDate": "2025-09-01", "endDate": "2026-02-28"})
	for _, o := range []struct {
		project, from, to   string
		referrals, intoWork int
	}{
		{f.ProjectA, "2025-04-01", "2025-06-30", 40, 12},
		{f.ProjectA, "2025-07-01", "2025-09-30", 45, 15},
		{f.ProjectA, "2025-10-01", "2025-12-31", 50, 18},
		{f.ProjectB, "2025-10-01", "2025-12-31", 20, 5},
	} {
		s.create(t, p+"/projects/"+o.project+"/outcomes", map[string]any{"periodStart": o.from, "periodEnd": o.to,
			"counts": map[string]int{"referrals": o.referrals, "peopleIntoWork": o.intoWork}})
	}
	return f
}

// ---------------------------------------------------------------- checks through the service

var adminCaller = domain.Caller{Identity: domain.Identity{Subject: "browsertest-admin", Email: uAdmin,
	Groups: []string{domain.AdminGroup}}, RequestID: "browsertest"}

func (s *server) grants(t *testing.T, pid string) []domain.Grant {
	t.Helper()
	items, _, err := s.Svc.Open(context.Background(), adminCaller, pid).ListGrants(service.Page{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	return items
}

func (s *server) targets(t *testing.T, pid string) []domain.Target {
	t.Helper()
	items, _, err := s.Svc.Open(context.Background(), adminCaller, pid).ListTargets(service.Page{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	return items
}

func (s *server) outcomes(t *testing.T, pid, prid string) []domain.Outcome {
	t.Helper()
	items, _, err := s.Svc.OpenProject(context.Background(), adminCaller, pid, prid).ListOutcomes(service.Page{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	return items
}

// outcomeFor finds the submission for a period.
func outcomeFor(items []domain.Outcome, from string) (domain.Outcome, bool) {
	for _, o := range items {
		if o.PeriodStart.String() == from {
			return o, true
		}
	}
	return domain.Outcome{}, false
}

func (s *server) progress(t *testing.T, pid string) domain.Progress {
	t.Helper()
	pr, err := s.Svc.Open(context.Background(), adminCaller, pid).Progress()
	if err != nil {
		t.Fatal(err)
	}
	return pr
}

// describe is a short account of values, for failure messages.
func describe(v any) string {
	raw, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return strings.TrimSpace(string(raw))
}
