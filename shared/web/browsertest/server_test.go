package browsertest

// The server under test: the web app and the JSON API on one port, mounted
// as infra/runner mounts them (the web app under /app/ with the local
// demo-user sign-in, the API everywhere else, checking local HS256 tokens),
// on an httptest server over a fresh DynamoDB Local table (shared/testkit).
// The fixture is created through the service, as an administrator's
// requests would create it.

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/fundtrack/fundtrack/infra/websignin"
	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/email"
	"github.com/fundtrack/fundtrack/shared/notify"
	"github.com/fundtrack/fundtrack/shared/platform/notifierdeps"
	"github.com/fundtrack/fundtrack/shared/platform/webdeps"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/sheet/xlsx"
	"github.com/fundtrack/fundtrack/shared/testkit"
	"github.com/fundtrack/fundtrack/shared/web"
)

// The people: the demo users the local sign-in page lists.
const (
	uAdmin  = testkit.Admin
	uLead   = "lead@example.org"
	uPL     = "project.lead@example.org" // project lead of project A
	uFunder = "funder@example.org"       // acts for the DWP
)

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
	build    *testkit.Builder
}

func startServer(t *testing.T, opts ...func(*web.Deps)) *server {
	t.Helper()
	st := testkit.New(t)
	logs := &testkit.LogBuffer{}
	logger := slog.New(slog.NewTextHandler(logs, nil))

	// As infra/runner: the API checks local tokens (testkit's); the web app
	// signs people in on the demo-user page, sessions sealed with the app's
	// codec; the app under /app/, the API everywhere else.
	axe := loadAxe(t, repoRoot(t)) // served to the pages (axe_test.go)
	codec := web.RandomCodec()
	webDeps := webdeps.Deps(st.Config(), st.DB)
	webDeps.Service.WithWorkbooks(xlsx.Workbooks{}) // as the imports function serves the import pages
	webDeps.Logger = logger
	webDeps.Sessions = codec
	webDeps.SignIn = websignin.Local{Codec: codec, AllowOthers: true}
	for _, opt := range opts {
		opt(&webDeps)
	}
	webApp := web.New(webDeps)
	api := testkit.NewAPI(t, st.DB, testkit.APIConfig{Config: st.Config(), Logs: logs,
		Around: func(api http.Handler) http.Handler {
			mux := http.NewServeMux()
			mux.Handle("GET "+axePath, axeServe(axe))
			mux.Handle("/app", webApp)
			mux.Handle("/app/", webApp)
			mux.Handle("/", api)
			return mux
		}})

	s := &server{URL: api.URL, Svc: st.Svc, Mail: &mailbox{}, build: st.Build(t)}
	s.Notifier = notifierdeps.Notifier(st.Config(), st.DB, s.Mail)
	s.Notifier.Logger = logger
	return s
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
	b := s.build
	f := fixture{Name: "West Yorkshire IPS network", ProjectAName: "Bradford employment service"}
	f.PID = b.Programme(map[string]any{"name": f.Name,
		"leadOrganisation": "Bradford District Care NHS Foundation Trust", "region": "Yorkshire and the Humber",
		"startDate": "2025-04-01", "endDate": "2027-03-31",
		"description": "Individual placement and support for people with mental health problems"}).ID
	f.DWP = b.Funder(f.PID, map[string]any{"name": dwpName, "orgId": "GB-GOR-D10", "contacts": []string{dwpContact}}).ID
	f.ICB = b.Funder(f.PID, map[string]any{"name": "West Yorkshire Integrated Care Board",
		"contacts": []string{"grants@wyicb.example.org"}}).ID
	f.ProjectA = b.Project(f.PID, map[string]any{"name": f.ProjectAName,
		"leadOrganisation": "Bradford District Care NHS Foundation Trust", "area": "Bradford",
		"startDate": "2025-04-01", "endDate": "2027-03-31"}).ID
	f.ProjectB = b.Project(f.PID, map[string]any{"name": "Leeds supported internships",
		"leadOrganisation": "Aspiro", "area": "Leeds", "startDate": "2025-04-01", "endDate": "2027-03-31"}).ID
	b.Member(f.PID, uLead, testkit.RoleLead())
	b.Member(f.PID, uPL, testkit.RoleProjectLead(f.ProjectA))
	b.Member(f.PID, uFunder, testkit.RoleFunder(f.DWP))
	f.GrantICB = b.Grant(f.PID, map[string]any{"funderId": f.ICB, "title": "Network coordination",
		"amountPence": 8500000, "currency": "GBP", "awardDate": "2025-03-01", "startDate": "2025-04-01", "endDate": "2027-03-31"}).ID
	b.Post(f.PID, f.ProjectA, map[string]any{"title": "Employment specialist", "grantId": f.GrantICB, "fte": 1,
		"contract": "temporary", "startDate": "2025-04-01", "status": "filled"})
	b.Cohort(f.PID, f.ProjectA, map[string]any{"name": "Autumn 2025", "places": 8, "startDate": "2025-09-01", "endDate": "2026-02-28"})
	for _, o := range []struct {
		project, from, to   string
		referrals, intoWork int
	}{
		{f.ProjectA, "2025-04-01", "2025-06-30", 40, 12},
		{f.ProjectA, "2025-07-01", "2025-09-30", 45, 15},
		{f.ProjectA, "2025-10-01", "2025-12-31", 50, 18},
		{f.ProjectB, "2025-10-01", "2025-12-31", 20, 5},
	} {
		b.Outcome(f.PID, o.project, map[string]any{"periodStart": o.from, "periodEnd": o.to,
			"counts": map[string]int{"referrals": o.referrals, "peopleIntoWork": o.intoWork}})
	}
	return f
}

// ---------------------------------------------------------------- checks through the service

var adminCaller = testkit.AdminCaller()

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
