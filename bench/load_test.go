package bench_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/fundtrack/fundtrack/infra/runner/serve"
	"github.com/fundtrack/fundtrack/shared/auth"
	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// The shape of BenchmarkLoad's network: programmes like Working for
// Wellness, each with its IPS services (projects), funders, grants paid in
// tranches, funded posts, yearly targets and a quarterly return schedule
// whose submissions a lead reviews.
const (
	loadProgrammes = 3
	loadProjects   = 6  // a programme's projects
	loadFunders    = 3  // a programme's funders
	loadGrants     = 12 // a programme's grants: grant i funds project i%6, from funder i%3
	loadPosts      = 3  // posts per project
	loadPayments   = 2  // payments per grant
)

// The action kinds BenchmarkLoad times: each is one HTTP request, as a
// person's click or their client's call makes it.
const (
	kProgress = iota
	kPortfolio
	kWebHome
	kWebProgramme
	kGrants
	kGrant
	kPosts
	kSubmissions
	kPending
	kReturns
	kPayments
	kReport
	kOutcome
	kPatchGrant
	kReview
	kImport
	nKinds
)

var kindNames = [nKinds]string{
	kProgress:     "GET_progress",
	kPortfolio:    "GET_portfolio",
	kWebHome:      "web_home",
	kWebProgramme: "web_programme",
	kGrants:       "GET_grants",
	kGrant:        "GET_grant",
	kPosts:        "GET_posts",
	kSubmissions:  "GET_submissions",
	kPending:      "GET_pending",
	kReturns:      "GET_returns",
	kPayments:     "GET_payments",
	kReport:       "GET_report",
	kOutcome:      "POST_outcome",
	kPatchGrant:   "PATCH_grant",
	kReview:       "POST_review",
	kImport:       "POST_import",
}

// loadMix is how often each role does each thing, in relative weights.
// Reading dashboards and lists dominates, as in a network where funders
// and leads look in often and figures are sent quarterly. A lead's grant
// change is a GET of the grant (its ETag) and then the PATCH; an import
// is a small workbook of a few months.
var loadMix = map[string][]struct{ kind, weight int }{
	"lead": {
		{kProgress, 16}, {kWebHome, 6}, {kWebProgramme, 12}, {kPortfolio, 4}, {kGrants, 10},
		{kReturns, 8}, {kPending, 6}, {kSubmissions, 4}, {kPayments, 5}, {kPosts, 4}, {kReport, 3},
		{kPatchGrant, 4}, {kReview, 6}, {kImport, 1},
	},
	"project-lead": {
		{kProgress, 14}, {kWebHome, 5}, {kWebProgramme, 10}, {kPortfolio, 3}, {kSubmissions, 10},
		{kPosts, 8}, {kReturns, 8}, {kGrants, 6}, {kPayments, 4}, {kOutcome, 8}, {kImport, 1},
	},
	"funder": {
		{kProgress, 20}, {kWebHome, 10}, {kWebProgramme, 15}, {kPortfolio, 15}, {kGrants, 15},
		{kPayments, 10}, {kReport, 5}, {kReturns, 5},
	},
}

// loadRoles is the cast, cycled over the clients: of every eight people,
// one network lead, five project leads and two funders' officers.
var loadRoles = []string{"lead", "project-lead", "funder", "project-lead", "project-lead", "project-lead", "funder", "project-lead"}

// loadProg is one seeded programme.
type loadProg struct {
	id       string
	projects [loadProjects]string
	names    [loadProjects]string
	funders  [loadFunders]string
	grants   [loadGrants]string
	leads    int // how many clients lead it: each changes its own share of the grants
	// pending holds submissions waiting for a lead's review, sent by
	// this programme's project leads during the run.
	pending chan pendingSub
	// importing is held while one of its people imports: an import into
	// a programme waits for the one before (else 409), so a person
	// whose colleague is importing does something else meanwhile.
	importing atomic.Bool
}

// pendingSub is a submission awaiting review: its project and id.
type pendingSub struct{ project, id string }

func (p *loadProg) path() string { return "/programmes/" + p.id }

// loadClient is one person with their own connections and cookies,
// acting one request at a time with no pause between (a closed loop: the
// run measures what this machine can serve, not a day's traffic).
type loadClient struct {
	n       int
	role    string
	email   string
	token   string
	prog    *loadProg // their programme (a funder's first of several)
	project int       // a project lead's project
	funder  int       // a funder's index in each programme
	rank    int       // a lead's rank among its programme's leads
	progs   []*loadProg
	base    string
	http    *http.Client
	rng     *rand.Rand
	posts   int
	lat     [nKinds][]time.Duration
	errs    *loadErrors
	// During the counted pass: each request measured alone on count and
	// added to calib by kind, its latency not kept.
	count *testkit.Counter
	calib map[string]*[nKinds]calibration
}

// loadErrors keeps every unexpected answer; the benchmark fails on any.
type loadErrors struct {
	mu    sync.Mutex
	n     [nKinds]int
	first []string
}

func (e *loadErrors) add(kind int, msg string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.n[kind]++
	if len(e.first) < 5 {
		e.first = append(e.first, kindNames[kind]+": "+msg)
	}
}

func (e *loadErrors) total() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	t := 0
	for _, n := range e.n {
		t += n
	}
	return t
}

// send makes one request and returns its answer; body is JSON-encoded
// unless it is []byte (sent as it is, with contentType).
func (c *loadClient) send(method, path string, body any, contentType string, hdr ...string) (int, http.Header, []byte, error) {
	var rd io.Reader
	switch v := body.(type) {
	case nil:
	case []byte:
		rd = bytes.NewReader(v)
	default:
		raw, err := json.Marshal(v)
		if err != nil {
			return 0, nil, nil, err
		}
		rd, contentType = bytes.NewReader(raw), "application/json"
	}
	r, err := http.NewRequest(method, c.base+path, rd)
	if err != nil {
		return 0, nil, nil, err
	}
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	if c.token != "" && !strings.HasPrefix(path, "/app") {
		r.Header.Set("Authorization", "Bearer "+c.token)
	}
	if method == http.MethodPost && !strings.HasPrefix(path, "/app") {
		// Every POST its own key, as a client that retries safely sends.
		c.posts++
		r.Header.Set("Idempotency-Key", fmt.Sprintf("load %d %d", c.n, c.posts))
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := c.http.Do(r)
	if err != nil {
		return 0, nil, nil, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, raw, err
}

// timed sends one request of a kind, records its latency and checks its
// status; it returns the answer for the caller to use.
func (c *loadClient) timed(kind int, want int, method, path string, body any, contentType string, hdr ...string) (http.Header, []byte, bool) {
	var status int
	var h http.Header
	var raw []byte
	var err error
	if c.count != nil {
		n := c.count.Measure(func() { status, h, raw, err = c.send(method, path, body, contentType, hdr...) })
		c.calib[c.role][kind].samples++
		c.calib[c.role][kind].counts = addCounts(c.calib[c.role][kind].counts, n)
	} else {
		start := time.Now()
		status, h, raw, err = c.send(method, path, body, contentType, hdr...)
		c.lat[kind] = append(c.lat[kind], time.Since(start))
	}
	switch {
	case err != nil:
		c.errs.add(kind, fmt.Sprintf("%s %s as %s: %v", method, path, c.email, err))
		return nil, nil, false
	case status != want:
		c.errs.add(kind, fmt.Sprintf("%s %s as %s: %d, want %d: %.300s", method, path, c.email, status, want, raw))
		return nil, nil, false
	}
	return h, raw, true
}

// act does one action of the given kind (or, when it cannot be done now,
// the action it falls back to) and returns the kind it did.
func (c *loadClient) act(kind int) int {
	p := c.prog
	if c.role == "funder" {
		p = c.progs[c.rng.IntN(len(c.progs))] // a funder funds several programmes
	}
	pp := p.path()
	switch kind {
	case kProgress:
		c.timed(kind, 200, "GET", pp+"/progress", nil, "")
	case kPortfolio:
		c.timed(kind, 200, "GET", "/portfolio", nil, "")
	case kWebHome:
		c.timed(kind, 200, "GET", "/app/", nil, "")
	case kWebProgramme:
		c.timed(kind, 200, "GET", "/app"+pp, nil, "")
	case kGrants:
		c.timed(kind, 200, "GET", pp+"/grants", nil, "")
	case kPosts:
		c.timed(kind, 200, "GET", pp+"/projects/"+p.projects[c.someProject()]+"/posts", nil, "")
	case kSubmissions:
		c.timed(kind, 200, "GET", pp+"/projects/"+p.projects[c.someProject()]+"/outcomes", nil, "")
	case kPending:
		c.timed(kind, 200, "GET", pp+"/outcomes/pending", nil, "")
	case kReturns:
		q := ""
		if c.role == "project-lead" {
			q = "?projectId=" + p.projects[c.project]
		}
		c.timed(kind, 200, "GET", pp+"/returns"+q, nil, "")
	case kPayments:
		c.timed(kind, 200, "GET", pp+"/grants/"+p.grants[c.someGrant()]+"/payments", nil, "")
	case kReport:
		c.timed(kind, 200, "GET", pp+"/report?from=2025-04-01&to=2026-03-31", nil, "")
	case kOutcome:
		// One of the schedule's eight quarters that has begun: figures for
		// one that has not are refused.
		begun := 8
		for begun > 1 && time.Date(2025, time.Month(4+3*(begun-1)), 1, 0, 0, 0, 0, time.UTC).After(time.Now()) {
			begun--
		}
		q := c.rng.IntN(begun)
		start := time.Date(2025, time.Month(4+3*q), 1, 0, 0, 0, 0, time.UTC)
		// Everyone into work has a job start, some a second: no more
		// people into work than job starts in one submission.
		referrals, into := 10+c.rng.IntN(20), c.rng.IntN(6)
		_, raw, ok := c.timed(kind, 201, "POST", pp+"/projects/"+p.projects[c.project]+"/outcomes", map[string]any{
			"periodStart": start.Format(time.DateOnly), "periodEnd": start.AddDate(0, 3, -1).Format(time.DateOnly),
			"counts":   map[string]int{"referrals": referrals, "peopleIntoWork": into, "jobStarts": into + c.rng.IntN(3)},
			"measures": []map[string]any{{"name": "self-confidence", "baselineMean": 3.1, "latestMean": 6.4, "respondents": 9}},
			"notes":    "Two employment specialists in post all quarter; referrals from the community mental health team."}, "")
		var o struct{ ID string }
		if ok && json.Unmarshal(raw, &o) == nil && o.ID != "" {
			select {
			case p.pending <- pendingSub{p.projects[c.project], o.ID}:
			default: // the leads are behind: it waits in the queue page
			}
		}
	case kPatchGrant:
		// Each lead changes its own share of the grants, so two leads of
		// a programme never race on one grant's ETag (that is a 412).
		// (With more than 12 leads a programme, some would share.)
		g := p.grants[(c.rank+p.leads*c.rng.IntN(max(1, loadGrants/p.leads)))%loadGrants]
		h, _, ok := c.timed(kGrant, 200, "GET", pp+"/grants/"+g, nil, "")
		if !ok {
			return kGrant
		}
		c.timed(kPatchGrant, 200, "PATCH", pp+"/grants/"+g, map[string]any{"amountPence": 250_000_00 + c.rng.IntN(1000)*100}, "",
			"If-Match", h.Get("ETag"))
	case kReview:
		var s pendingSub
		select {
		case s = <-p.pending:
		default:
			return c.act(kPending) // nothing waiting: the lead looks at the queue
		}
		body := map[string]any{"decision": "approve"}
		if c.rng.IntN(5) == 0 {
			body = map[string]any{"decision": "request-changes", "comment": "Please split referrals by source, as in the last quarter."}
		}
		c.timed(kind, 200, "POST", pp+"/projects/"+s.project+"/outcomes/"+s.id+"/review", body, "")
	case kImport:
		if !p.importing.CompareAndSwap(false, true) {
			return c.act(kProgress) // a colleague is importing: look at progress instead
		}
		defer p.importing.Store(false)
		projects := []int{c.project}
		if c.role == "lead" {
			projects = []int{0, 1, 2, 3, 4, 5}
		}
		// Their sheet of 2024's months so far: rows fundtrack already
		// has (unchanged) but the last month's, revised or not (so a
		// correction or unchanged).
		months := 1 + c.rng.IntN(12)
		if c.role == "lead" {
			months = 1 + c.rng.IntN(3)
		}
		c.timed(kind, 200, "POST", pp+"/imports?dryRun=false", loadWorkbook(p, projects, months, c.rng.IntN(4)), domain.MediaXLSX)
	default:
		panic("no such kind")
	}
	return kind
}

// someProject is a project the client may read: a project lead's own,
// anyone else's any.
func (c *loadClient) someProject() int {
	if c.role == "project-lead" {
		return c.project
	}
	return c.rng.IntN(loadProjects)
}

// someGrant is a grant the client may read: one funding a project lead's
// project, one a funder funds, any for a lead.
func (c *loadClient) someGrant() int {
	switch c.role {
	case "project-lead":
		return c.project + loadProjects*c.rng.IntN(loadGrants/loadProjects)
	case "funder":
		return c.funder + loadFunders*c.rng.IntN(loadGrants/loadFunders)
	}
	return c.rng.IntN(loadGrants)
}

// loadWorkbook is a programme's outcome figures as a project keeps them in
// Excel: a row per project and month of 2024 up to months, the same
// figures for the same project and month every time but the last month's
// referrals, which are revised by revise.
func loadWorkbook(p *loadProg, projects []int, months, revise int) []byte {
	f := excelize.NewFile()
	defer f.Close()
	rows := [][]any{{"Project", "Period start", "Period end", "Referrals", "People into work", "Job starts"}}
	for _, j := range projects {
		for m := range months {
			start := time.Date(2024, time.Month(1+m), 1, 0, 0, 0, 0, time.UTC)
			referrals := 8 + (j+m)%7
			if m == months-1 {
				referrals += revise
			}
			rows = append(rows, []any{p.names[j], start.Format(time.DateOnly), start.AddDate(0, 1, -1).Format(time.DateOnly),
				referrals, (j + m) % 3, 1 + (j*m)%3})
		}
	}
	for i, r := range rows {
		axis, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", axis, &r); err != nil {
			panic(err)
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// signIn signs the client into the web app through the local sign-in
// page, as a person does: the page's state back with their email.
func (c *loadClient) signIn() error {
	status, _, raw, err := c.send("GET", "/app/auth/login", nil, "")
	if err != nil || status != 200 {
		return fmt.Errorf("sign-in page: %d %v", status, err)
	}
	m := regexp.MustCompile(`name="state" value="([^"]+)"`).FindSubmatch(raw)
	if m == nil {
		return fmt.Errorf("sign-in page has no state")
	}
	form := url.Values{"state": {string(m[1])}, "email": {c.email}}
	status, _, raw, err = c.send("POST", "/app/auth/callback", []byte(form.Encode()), "application/x-www-form-urlencoded")
	if err != nil || status != 200 || !bytes.Contains(raw, []byte("Sign out")) {
		return fmt.Errorf("sign in as %s: %d %v %.300s", c.email, status, err, raw)
	}
	return nil
}

func loadEnv(b *testing.B, name string, def int) int {
	if v := os.Getenv(name); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			b.Fatalf("%s=%q: want a positive whole number", name, v)
		}
		return n
	}
	return def
}

func loadAverage() string {
	raw, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(raw))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// calibration is what the counted pass saw for one role's kind.
type calibration struct {
	samples int
	counts  testkit.Counts
}

// BenchmarkLoad drives the local runner's own handler (infra/runner/serve,
// what `make run` serves) over HTTP on loopback with concurrent clients,
// each a person of the network (network leads, project leads, funders'
// officers) doing a mix of what that role does, for a bounded time:
// FUNDTRACK_BENCH_LOAD_SECONDS (20) with FUNDTRACK_BENCH_LOAD_CLIENTS
// (16) clients. It reports throughput, p50 and p99 latency per kind of
// action and overall, the unexpected answers (it fails on any), and the
// DynamoDB requests per action: overall from the runner's counted client
// during the load, and per kind from a counted pass afterwards in which
// every request is sent alone (the counter cannot tell concurrent
// requests apart). Those counts are what carries over to AWS.
// BENCHMARKS.md, section 7, records and explains the results.
func BenchmarkLoad(b *testing.B) {
	seconds := loadEnv(b, "FUNDTRACK_BENCH_LOAD_SECONDS", 20)
	clients := loadEnv(b, "FUNDTRACK_BENCH_LOAD_CLIENTS", 16)
	const calibrateRuns = 10

	s := testkit.New(b)
	tokens := &testkit.Tokens{Secret: []byte(testkit.Secret)}
	h, err := serve.Handler(s.Config(), s.DB, auth.Local{Secret: tokens.Secret, Issuer: auth.LocalIssuer})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(h) // a real listener on 127.0.0.1
	b.Cleanup(srv.Close)
	errs := &loadErrors{}
	newClient := func(n int, role, email string) *loadClient {
		tok, err := tokens.For(email)
		if err != nil {
			b.Fatal(err)
		}
		jar, _ := cookiejar.New(nil)
		tr := &http.Transport{MaxIdleConnsPerHost: 2, IdleConnTimeout: time.Minute}
		b.Cleanup(tr.CloseIdleConnections)
		return &loadClient{n: n, role: role, email: email, token: tok, base: srv.URL, errs: errs,
			http: &http.Client{Transport: tr, Jar: jar, Timeout: time.Minute}, rng: rand.New(rand.NewPCG(uint64(n), 17))}
	}

	// The cast, and who belongs where.
	progs := make([]*loadProg, loadProgrammes)
	for i := range progs {
		progs[i] = &loadProg{pending: make(chan pendingSub, 10_000)}
	}
	cast := make([]*loadClient, clients)
	seen := map[string]int{}
	for i := range cast {
		role := loadRoles[i%len(loadRoles)]
		k := seen[role]
		seen[role]++
		c := newClient(i+1, role, fmt.Sprintf("%s-%02d@load.example.org", role, i))
		c.progs = progs
		switch role {
		case "lead":
			c.prog = progs[k%loadProgrammes]
			c.rank = c.prog.leads
			c.prog.leads++
		case "project-lead":
			c.prog, c.project = progs[k%loadProgrammes], (k/loadProgrammes)%loadProjects
		case "funder":
			c.prog, c.funder = progs[0], k%loadFunders
		}
		cast[i] = c
	}

	// Seed the programmes through the API, as an administrator, one
	// programme per goroutine.
	seedStart := time.Now()
	var wg sync.WaitGroup
	for i, p := range progs {
		wg.Go(func() {
			admin := newClient(1000+i, "admin", testkit.Admin)
			if err := seedLoadProgramme(admin, p, i, cast); err != nil {
				errs.add(kProgress, "seeding: "+err.Error())
			}
		})
	}
	wg.Wait()
	if errs.total() > 0 {
		b.Fatalf("seeding: %v", errs.first)
	}
	for _, c := range cast {
		if err := c.signIn(); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("seeded %d programmes and signed %d people in: %v", len(progs), len(cast), time.Since(seedStart).Round(time.Millisecond))

	// The load: every client acts, one request after another, until the
	// time is up.
	loadBefore := loadAverage()
	cpuBefore := processCPU()
	before := s.Count.Snapshot()
	began := time.Now()
	deadline := began.Add(time.Duration(seconds) * time.Second)
	for _, c := range cast {
		wg.Go(func() {
			mix := loadMix[c.role]
			total := 0
			for _, m := range mix {
				total += m.weight
			}
			for time.Now().Before(deadline) {
				r := c.rng.IntN(total)
				for _, m := range mix {
					if r -= m.weight; r < 0 {
						c.act(m.kind)
						break
					}
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(began)
	during := s.Count.Snapshot().Since(before)
	cpu := processCPU() - cpuBefore
	loadAfter := loadAverage()

	var lat [nKinds][]time.Duration
	var all []time.Duration
	done := map[string]*[nKinds]int{} // actions by role and kind
	for _, c := range cast {
		if done[c.role] == nil {
			done[c.role] = new([nKinds]int)
		}
		for k := range nKinds {
			lat[k] = append(lat[k], c.lat[k]...)
			all = append(all, c.lat[k]...)
			done[c.role][k] += len(c.lat[k])
		}
	}
	loadErrs := errs.total()

	// The counted pass: each kind each role did, done calibrateRuns
	// times by one person in that role, one request at a time, each
	// request counted alone. A kind costs what its role's reading costs
	// (a funder's portfolio spans three programmes, a lead's one), so
	// the per-kind figure weighs the roles as the load did.
	calib := map[string]*[nKinds]calibration{}
	for role := range done {
		calib[role] = new([nKinds]calibration)
	}
	calibrated := map[string]bool{}
	for _, c := range cast {
		if calibrated[c.role] {
			continue
		}
		calibrated[c.role] = true
		for k := range nKinds {
			if done[c.role][k] == 0 || k == kGrant {
				continue // a grant is read before each change: counted there
			}
			for range calibrateRuns {
				if k == kReview {
					// Something for the lead to review, from one of its
					// programme's project leads.
					for _, pl := range cast {
						if pl.role == "project-lead" && pl.prog == c.prog {
							pl.calibrate(s.Count, calib, kOutcome)
							break
						}
					}
				}
				c.calibrate(s.Count, calib, k)
			}
		}
	}
	// ddbPer is a kind's DynamoDB requests per action, its roles weighed
	// by how often each did it during the load; ops the same by operation.
	ddbPer := func(k int) (float64, testkit.Counts) {
		var req float64
		sum := testkit.Counts{Ops: map[string]int{}}
		for role, n := range done {
			c := calib[role][k]
			if n[k] == 0 || c.samples == 0 {
				continue
			}
			req += float64(n[k]) * float64(c.counts.Requests) / float64(c.samples)
			for op, m := range c.counts.Ops {
				sum.Ops[op] += int(float64(n[k]*m)/float64(c.samples) + 0.5)
			}
		}
		return req / float64(max(1, len(lat[k]))), sum
	}

	// The figures, overall and then per kind.
	type kindRow struct {
		kind, n int
		per     float64
		line    string
	}
	var rows []kindRow
	predicted := 0.0
	for k := range nKinds {
		n := len(lat[k])
		if n == 0 {
			continue
		}
		per, ops := ddbPer(k)
		predicted += per * float64(n)
		byRole := ""
		for _, role := range []string{"lead", "project-lead", "funder"} {
			if c := calib[role][k]; c.samples > 0 {
				byRole += fmt.Sprintf(" %s %d×%.2f", role, done[role][k], float64(c.counts.Requests)/float64(c.samples))
			}
		}
		rows = append(rows, kindRow{k, n, per, fmt.Sprintf("%-16s %5.1f%% %7d %8.2f %8.2f %8.2f %6d  %s;%s", kindNames[k],
			100*float64(n)/float64(len(all)), n, ms(percentile(lat[k], 50)), ms(percentile(lat[k], 99)), per, errs.n[k], opsPer(ops, n), byRole)})
	}
	// Sub-benchmarks only report: the load above ran once, and however
	// often -benchtime calls these, they say the same. Each logs its own
	// line: a benchmark's log shows only its first 10 lines.
	b.Run("all", func(b *testing.B) {
		b.ReportMetric(float64(len(all))/elapsed.Seconds(), "actions/s")
		b.ReportMetric(ms(percentile(all, 50)), "ms-p50")
		b.ReportMetric(ms(percentile(all, 99)), "ms-p99")
		b.ReportMetric(float64(during.Requests)/float64(max(1, len(all))), "ddb-req/action")
		b.ReportMetric(predicted/float64(max(1, len(all))), "ddb-req/action-alone")
		b.ReportMetric(float64(loadErrs), "errors")
		b.ReportMetric(float64(clients), "clients")
		// This process's CPU (the runner's handler and the clients, not
		// DynamoDB Local) per action, for what the machine spent where.
		b.ReportMetric(ms(cpu)/float64(max(1, len(all))), "cpu-ms/action")
		if b.N > 1 {
			return
		}
		b.Logf("%d clients (%d leads, %d project leads, %d funders) for %v, load average %s at start and %s at end: %d actions, %d DynamoDB requests during the load (%s; %d HTTP attempts)",
			clients, seen["lead"], seen["project-lead"], seen["funder"], elapsed.Round(time.Millisecond), loadBefore, loadAfter,
			len(all), during.Requests, during, during.Attempts)
		b.Logf("%-16s %6s %7s %8s %8s %8s %6s  %s", "kind", "share", "count", "p50 ms", "p99 ms", "ddb/act", "errors",
			"DynamoDB requests per action (counted pass); by role: actions × requests each")
	})
	for _, r := range rows {
		b.Run(kindNames[r.kind], func(b *testing.B) {
			if b.N == 1 { // the first of -benchtime's calls
				b.Log(r.line)
			}
			b.ReportMetric(100*float64(r.n)/float64(len(all)), "%-of-mix")
			b.ReportMetric(float64(r.n), "actions")
			b.ReportMetric(ms(percentile(lat[r.kind], 50)), "ms-p50")
			b.ReportMetric(ms(percentile(lat[r.kind], 99)), "ms-p99")
			b.ReportMetric(r.per, "ddb-req/action")
			b.ReportMetric(float64(errs.n[r.kind]), "errors")
		})
	}
	if n := errs.total(); n > 0 {
		b.Errorf("%d unexpected answers; the first:\n%s", n, strings.Join(errs.first, "\n"))
	}
}

// calibrate does one action of kind with every request counted alone.
func (c *loadClient) calibrate(count *testkit.Counter, calib map[string]*[nKinds]calibration, kind int) {
	c.count, c.calib = count, calib
	defer func() { c.count, c.calib = nil, nil }()
	c.act(kind)
}

// seedLoadProgramme makes programme i of the network through the API as
// an administrator: its funders, projects, grants and their payments,
// posts, targets, a quarterly return schedule, 2024's figures imported,
// review of submissions turned on, and the cast's memberships.
func seedLoadProgramme(admin *loadClient, p *loadProg, i int, cast []*loadClient) error {
	call := func(want int, method, path string, body any, contentType string, hdr ...string) (http.Header, []byte, error) {
		status, h, raw, err := admin.send(method, path, body, contentType, hdr...)
		if err == nil && status != want {
			err = fmt.Errorf("%s %s: %d, want %d: %.300s", method, path, status, want, raw)
		}
		return h, raw, err
	}
	create := func(path string, body any) (string, error) {
		_, raw, err := call(201, "POST", path, body, "")
		if err != nil {
			return "", err
		}
		var v struct{ ID string }
		if err := json.Unmarshal(raw, &v); err != nil || v.ID == "" {
			return "", fmt.Errorf("POST %s: no id in %.200s", path, raw)
		}
		return v.ID, nil
	}
	var err error
	names := []string{"Working for Wellness", "Making IPS Work", "IPS in Derbyshire"}
	if p.id, err = create("/programmes", map[string]any{"name": fmt.Sprintf("%s (load %d)", names[i%len(names)], i),
		"leadOrganisation": "Leicestershire Partnership NHS Trust", "region": "East Midlands",
		"startDate": "2024-01-01", "endDate": "2027-03-31"}); err != nil {
		return err
	}
	pp := p.path()
	funders := []struct{ name, org string }{{"Department for Work and Pensions", "GB-GOR-D10"},
		{"East Midlands Strategic Health Authority", "GB-NHS-Q34"}, {"The Health Foundation", "GB-CHC-286967"}}
	for f := range loadFunders {
		if p.funders[f], err = create(pp+"/funders", map[string]any{"name": funders[f].name, "orgId": funders[f].org,
			"contacts": []string{fmt.Sprintf("grants%d@funder.example.org", f)}}); err != nil {
			return err
		}
	}
	places := []string{"Leicester", "Nottingham", "Derby", "Lincoln", "Northampton", "Chesterfield"}
	for j := range loadProjects {
		p.names[j] = "IPS " + places[j]
		if p.projects[j], err = create(pp+"/projects", map[string]any{"name": p.names[j], "leadOrganisation": "NHS trust of " + places[j],
			"startDate": "2024-01-01", "endDate": "2027-03-31"}); err != nil {
			return err
		}
	}
	for g := range loadGrants {
		if p.grants[g], err = create(pp+"/grants", map[string]any{"funderId": p.funders[g%loadFunders], "projectId": p.projects[g%loadProjects],
			"title": fmt.Sprintf("Employment specialists, %s %d", places[g%loadProjects], g/loadProjects+1), "amountPence": 250_000_00,
			"currency": "GBP", "awardDate": "2025-03-01", "startDate": "2025-04-01", "endDate": "2027-03-31"}); err != nil {
			return err
		}
		for n := range loadPayments {
			if _, err = create(pp+"/grants/"+p.grants[g]+"/payments", map[string]any{"amountPence": 60_000_00,
				"dueDate": fmt.Sprintf("2025-%02d-01", 4+6*n), "trigger": map[string]any{"kind": "date"}}); err != nil {
				return err
			}
		}
	}
	for j := range loadProjects {
		for n := range loadPosts {
			if _, err = create(pp+"/projects/"+p.projects[j]+"/posts", map[string]any{"title": fmt.Sprintf("Employment specialist %d", n+1),
				"grantId": p.grants[j], "fte": 1.0, "contract": "temporary", "startDate": "2025-05-01", "status": "filled"}); err != nil {
				return err
			}
		}
	}
	for y, year := range []string{"2025", "2026"} {
		if _, err = create(pp+"/targets", map[string]any{"metric": "peopleIntoWork", "value": 60 + 20*y, "startDate": year + "-04-01",
			"deadline": fmt.Sprintf("%d-03-31", 2026+y), "notify": []string{p.funders[0]}, "thresholds": []int{50, 100}}); err != nil {
			return err
		}
	}
	if _, err = create(pp+"/targets", map[string]any{"metric": "jobStarts", "value": 40, "projectId": p.projects[0],
		"deadline": "2026-03-31", "notify": []string{}}); err != nil {
		return err
	}
	if _, err = create(pp+"/schedules", map[string]any{"name": "Quarterly returns", "frequency": "quarterly",
		"firstPeriodStart": "2025-04-01", "lastPeriodEnd": "2027-03-31"}); err != nil {
		return err
	}
	// 2024's figures, imported before review is on so they count.
	if _, _, err = call(200, "POST", pp+"/imports?dryRun=false", loadWorkbook(p, []int{0, 1, 2, 3, 4, 5}, 12, 0), domain.MediaXLSX); err != nil {
		return err
	}
	h, _, err := call(200, "GET", pp, nil, "")
	if err != nil {
		return err
	}
	if _, _, err = call(200, "PATCH", pp, map[string]any{"reviewOutcomes": true}, "", "If-Match", h.Get("ETag")); err != nil {
		return err
	}
	for _, c := range cast {
		var role map[string]any
		switch {
		case c.role == "funder":
			role = map[string]any{"role": "funder", "funderId": p.funders[c.funder]}
		case c.prog != p:
			continue
		case c.role == "lead":
			role = map[string]any{"role": "lead"}
		case c.role == "project-lead":
			role = map[string]any{"role": "project-lead", "projectId": p.projects[c.project]}
		}
		if _, _, err = call(201, "PUT", testkit.MemberPath(p.id, c.email), map[string]any{"roles": []any{role}}, ""); err != nil {
			return err
		}
	}
	return nil
}

// addCounts is a + b, operation by operation.
func addCounts(a, b testkit.Counts) testkit.Counts {
	a.Requests += b.Requests
	a.Attempts += b.Attempts
	a.Items += b.Items
	if a.Ops == nil {
		a.Ops, a.Time = map[string]int{}, map[string]time.Duration{}
	}
	for op, n := range b.Ops {
		a.Ops[op] += n
		a.Time[op] += b.Time[op]
	}
	return a
}

// opsPer is the requests by operation per action, e.g. "BatchGetItem
// 2.00, Query 6.00" (their times on DynamoDB Local say nothing of AWS).
func opsPer(c testkit.Counts, actions int) string {
	var parts []string
	for _, op := range slices.Sorted(maps.Keys(c.Ops)) {
		parts = append(parts, fmt.Sprintf("%s %.2f", op, float64(c.Ops[op])/float64(actions)))
	}
	return strings.Join(parts, ", ")
}

// processCPU is the CPU time this process has used, user and system.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
