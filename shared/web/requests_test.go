package web_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestPageRequests: a page makes its own data call first and takes the
// navigation from the access check that call made, so it sends exactly
// the DynamoDB requests of its service calls, nothing for the navigation.
// A record's page costs what the API's GET of the record costs (one
// BatchGetItem) plus the lists it names things from. The pages' caller
// has a web session and the service calls compared here have none: inside
// a programme the session's signed-out check rides in the access
// BatchGetItem and costs nothing; the portfolio, outside any programme,
// pays one BatchGetItem for it (sent beside its own reads; see
// TestSessionCheckRequests).
func TestPageRequests(t *testing.T) {
	t.Parallel()
	s := testkit.New(t)
	h := newWebOver(t, s)
	f := h.fixture(t)
	ctx := context.Background()
	outcome := outcomesOf(t, h, f)[0].ID
	p := "/app/programmes/" + f.PID
	pa := p + "/projects/" + f.ProjectA
	lead := h.as(t, uLead)
	who := caller(uLead)
	// The service calls answer their errors: one that failed sends fewer
	// requests, and the test fails naming that error, not as a page
	// costing more than its calls.
	names := func(sc *service.Scope) error {
		return errors.Join(listErr(sc.ListFunders(service.Page{Limit: 100})), listErr(sc.ListProjects(service.Page{Limit: 100})))
	}
	sched := must(h.Svc.Open(ctx, caller(uAdmin, domain.AdminGroup), f.PID).CreateSchedule(body(map[string]any{"name": "Quarterly returns",
		"frequency": "quarterly", "firstPeriodStart": "2011-01-01", "lastPeriodEnd": "2011-12-31"})))
	ret := domain.ReturnID(sched.ID, f.ProjectA, domain.MustDate("2011-01-01"))
	cases := []struct {
		path string
		same func() error
	}{
		// The grant with its money, payments and spend returns in one
		// round trip; the names of funders and projects.
		{p + "/grants/" + f.GrantX, func() error {
			sc := h.Svc.Open(ctx, who, f.PID)
			return errors.Join(readErr(sc.GrantAccount(f.GrantX)), names(sc))
		}},
		{p + "/grants/" + f.GrantX + "/edit", func() error {
			sc := h.Svc.Open(ctx, who, f.PID)
			return errors.Join(readErr(sc.Grant(f.GrantX)), names(sc))
		}},
		{p + "/targets/" + f.TargetID + "/edit", func() error {
			sc := h.Svc.Open(ctx, who, f.PID)
			return errors.Join(readErr(sc.Target(f.TargetID)), names(sc))
		}},
		// A submission, and the project's submissions: only a correction
		// knows the submission it corrected.
		{pa + "/outcomes/" + outcome, func() error {
			sc := h.Svc.OpenProject(ctx, who, f.PID, f.ProjectA)
			return errors.Join(readErr(sc.Outcome(outcome)), listErr(sc.ListOutcomes(service.Page{Limit: 100})))
		}},
		{p + "/funders", func() error { return listErr(h.Svc.Open(ctx, who, f.PID).ListFunders(service.Page{Limit: 100})) }},
		// The portfolio is GET /portfolio's reads; a report GET …/report's
		// and the projects, to name project targets.
		{"/app/", func() error {
			withSession := who
			withSession.Session = "a-session-id-of-the-test"
			return listErr(h.Svc.Portfolio(ctx, withSession, service.Page{Limit: 50}))
		}},
		{p + "/report?period=2011-01-01..2011-03-31", func() error {
			sc := h.Svc.Open(ctx, who, f.PID)
			return errors.Join(readErr(sc.Report("2011-01-01", "2011-03-31")), listErr(sc.ListProjects(service.Page{Limit: 100})))
		}},
		{p + "/history?entity=outcome&project=" + f.ProjectA + "&id=" + outcome, func() error {
			return listErr(h.Svc.OpenProject(ctx, who, f.PID, f.ProjectA).History(domain.RecordRef{Entity: domain.EntityOutcome,
				ProjectID: f.ProjectA, ID: outcome}, service.Page{Limit: 50}))
		}},
		// A return's history is read through its project's scope, which
		// names the project; the schedules give its period's end.
		{p + "/history?entity=return&id=" + ret, func() error {
			sc := h.Svc.OpenProject(ctx, who, f.PID, f.ProjectA)
			return errors.Join(listErr(sc.History(domain.RecordRef{Entity: domain.EntityReturn, ID: ret}, service.Page{Limit: 50})),
				listErr(sc.ListSchedules(service.Page{Limit: service.MaxLimit})))
		}},
	}
	for _, cs := range cases {
		var pg page
		sent := s.Count.Measure(func() { pg = lead.get(cs.path) })
		if pg.Status != http.StatusOK {
			t.Fatalf("%s: %d\n%s", cs.path, pg.Status, excerpt(pg.Body))
		}
		var failed error
		page, want := sent.String(), s.Count.Measure(func() { failed = cs.same() }).String()
		if failed != nil {
			t.Fatalf("%s: its service calls alone (%s): %v", cs.path, want, failed)
		}
		t.Logf("%s: %s", cs.path, page)
		if page != want {
			t.Errorf("%s sent %s; its service calls alone %s", cs.path, page, want)
		}
	}
}

// readErr and listErr are a service call's error alone, for the calls a
// page's requests are compared with: one that failed sent fewer.
func readErr[T any](_ T, err error) error           { return err }
func listErr[T any](_ T, _ string, err error) error { return err }

// countedGet is the DynamoDB requests b's GET of path sent, which must
// answer 200.
func countedGet(t *testing.T, s *testkit.Stack, b *browser, path string) testkit.Counts {
	t.Helper()
	var pg page
	n := s.Count.Measure(func() { pg = b.get(path) })
	if pg.Status != http.StatusOK {
		t.Fatalf("GET %s: %d\n%s", path, pg.Status, excerpt(pg.Body))
	}
	return n
}

// TestSessionCheckRequests: checking a web session reads its own
// ended-marker and its person's sign-out on every device together, so it
// costs what checking the first alone did, one request: none more inside
// a programme (TestPageRequests), and outside any one BatchGetItem of the
// two keys (it was a GetItem of one): the "New programme" page sends that
// alone, the home page that beside the portfolio's own reads. Signing out
// is one PutItem; signing out on every device checks the session first
// (a copy of a cookie signed out of may not) and is one PutItem.
func TestSessionCheckRequests(t *testing.T) {
	t.Parallel()
	s := testkit.New(t)
	h := newWebOver(t, s)
	h.fixture(t)
	admin, lead := h.as(t, uAdmin), h.as(t, uLead)
	if got := countedGet(t, s, admin, "/app/programmes/new").String(); got != "BatchGetItem×1" {
		t.Errorf("the New programme page sent %s, want BatchGetItem×1 (the session check)", got)
	}
	home := countedGet(t, s, lead, "/app/")
	var failed error
	alone := s.Count.Measure(func() {
		failed = listErr(h.Svc.Portfolio(context.Background(), caller(uLead), service.Page{Limit: 50}))
	})
	if failed != nil {
		t.Fatalf("the portfolio alone (%s): %v", alone, failed)
	}
	if home.Requests != alone.Requests+1 || home.Ops["BatchGetItem"] != alone.Ops["BatchGetItem"]+1 || home.Ops["GetItem"] != alone.Ops["GetItem"] {
		t.Errorf("the home page sent %s; the portfolio alone %s: want one BatchGetItem more", home, alone)
	}
	var pg page
	if got := s.Count.Measure(func() { pg = lead.post("/app/auth/logout-everywhere", nil) }).String(); pg.Status != http.StatusSeeOther || got != "BatchGetItem×1 PutItem×1" {
		t.Errorf("signing out on every device: %d, %s; want a redirect, BatchGetItem×1 PutItem×1", pg.Status, got)
	}
	if got := s.Count.Measure(func() { pg = admin.post("/app/auth/logout", nil) }).String(); pg.Status != http.StatusSeeOther || got != "PutItem×1" {
		t.Errorf("signing out: %d, %s; want a redirect, PutItem×1", pg.Status, got)
	}
}

// TestSavedFormReadsNothingForThePage: an edit form's post that saves
// goes to the record, so it reads nothing for the page it does not show:
// no lists of funders and projects for its select boxes, only its
// service call's reads and writes and the form key's.
func TestSavedFormReadsNothingForThePage(t *testing.T) {
	t.Parallel()
	s := testkit.New(t)
	h := newWebOver(t, s)
	f := h.fixture(t)
	path := "/app/programmes/" + f.PID + "/grants/" + f.GrantX + "/edit"
	lead := h.as(t, uLead)
	v := withKey(grantEdit(f, "Renamed"), formKeyOf(t, lead.get(path)))
	v.Set("version", "1")
	var saved page
	n := s.Count.Measure(func() { saved = lead.post(path, v) }).String()
	if saved.Status != http.StatusSeeOther || strings.Contains(n, "Query") {
		t.Errorf("a saved edit: %d, %s; want a redirect and no Query", saved.Status, n)
	}
}

// TestCorrectionFormRequests: whether a submission was corrected is read
// from its correction markers, not from the project's submissions, so the
// correction and review forms of a project with years of submissions cost
// what they cost with two. With 150 more submissions (two pages of them,
// which the forms used to list: "BatchGetItem×1 GetItem×1 Query×3" for the
// correction form, Query×2 of them the submissions): the correction form
// is the access BatchGetItem, the submission's GetItem beside its
// correction marker's, and the cohorts' Query for the form's select box;
// once corrected, its 409 page one GetItem more (the chain's next marker)
// and no cohorts. The review form of a correction is the access
// BatchGetItem, the submission's and its marker's GetItems, one GetItem
// of the approved submission whose figures it shows as counted and,
// beside it, one Query of the period index for what else its period has.
func TestCorrectionFormRequests(t *testing.T) {
	t.Parallel()
	s := testkit.New(t)
	h := newWebOver(t, s)
	f := h.fixture(t)
	ctx := context.Background()
	fixtures := outcomesOf(t, h, f)
	original, approved := fixtures[0], fixtures[1]

	// 150 more, written as an import writes them: many to a transaction.
	importSubmissions(t, s, f, 150, func(int) (domain.Date, domain.Date) {
		return domain.MustDate("2011-07-01"), domain.MustDate("2011-09-30")
	})
	if n := len(outcomesOf(t, h, f)); n != 100 {
		t.Fatalf("the first page lists %d submissions: the project should need two", n)
	}

	pa := "/app/programmes/" + f.PID + "/projects/" + f.ProjectA
	pl := h.as(t, uPL)
	open := func(what, path string, status int, want string) {
		t.Helper()
		var pg page
		n := s.Count.Measure(func() { pg = pl.get(path) })
		t.Logf("%s: %d requests (%s)", what, n.Requests, n)
		if pg.Status != status {
			t.Fatalf("%s: %d, want %d\n%s", what, pg.Status, status, excerpt(pg.Body))
		}
		if got := n.String(); got != want {
			t.Errorf("%s sent %s, want %s", what, got, want)
		}
	}
	open("the correction form", pa+"/outcomes/new?replaces="+original.ID, http.StatusOK, "BatchGetItem×1 GetItem×2 Query×1")

	fix := outcomeForm()
	for field, d := range map[string]domain.Date{"periodStart": original.PeriodStart, "periodEnd": original.PeriodEnd} {
		tm := d.Time()
		fix.Set(field+"-day", strconv.Itoa(tm.Day()))
		fix.Set(field+"-month", strconv.Itoa(int(tm.Month())))
		fix.Set(field+"-year", strconv.Itoa(tm.Year()))
	}
	fix.Set("replaces", original.ID)
	sent := pl.post(pa+"/outcomes/new", fix)
	if sent.Status != http.StatusSeeOther {
		t.Fatalf("the correction: %d\n%s", sent.Status, excerpt(sent.Body))
	}
	correction := recordPath(sent.Header.Get("Location"))
	open("the correction form of a corrected submission", pa+"/outcomes/new?replaces="+original.ID, http.StatusConflict, "BatchGetItem×1 GetItem×3")
	if pg := pl.get(pa + "/outcomes/new?replaces=" + original.ID); !strings.Contains(pg.Body, `href="`+correction+`"`) {
		t.Errorf("the 409 page does not link to the correction %s\n%s", correction, excerpt(pg.Body))
	}

	// With review, a correction of approved figures awaits a lead's
	// decision; its review form shows the figures that count meanwhile.
	admin := h.Svc.Open(ctx, caller(uAdmin, domain.AdminGroup), f.PID)
	if _, err := admin.UpdateProgramme(func(int64) bool { return true }, body(map[string]any{"reviewOutcomes": true})); err != nil {
		t.Fatal(err)
	}
	in := map[string]any{"periodStart": approved.PeriodStart.String(), "periodEnd": approved.PeriodEnd.String(),
		"counts": map[string]int{"referrals": 91, "peopleIntoWork": 26}, "replaces": approved.ID}
	pending, err := h.Svc.OpenProject(ctx, caller(uPL), f.PID, f.ProjectA).SubmitOutcome(body(in))
	if err != nil || pending.ReplacesApproved != approved.ID {
		t.Fatalf("a correction awaiting review: %v %+v", err, pending)
	}
	lead := h.as(t, uLead)
	var pg page
	n := s.Count.Measure(func() { pg = lead.get(pa + "/outcomes/" + pending.ID + "/review") })
	t.Logf("the review form of a correction: %d requests (%s)", n.Requests, n)
	if counted := `data-testid="counted-link"`; pg.Status != http.StatusOK || !strings.Contains(pg.Body, pa+"/outcomes/"+approved.ID+`" `+counted) {
		t.Fatalf("the review form: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	if got, want := n.String(), "BatchGetItem×1 GetItem×3 Query/GSI2×1"; got != want {
		t.Errorf("the review form of a correction sent %s, want %s", got, want)
	}
}

// TestProjectLeadReturnsRequests: a project lead's dashboard is the
// progress report's requests and one read of its returns to send (the
// reporting setup, then one Query a list of the schedule: returns not
// sent whose period is over, sent back, correction sent back); its
// returns page adds the schedules, the names and the grid's window. Both
// cost the same after a year of corrections, reviews and submissions:
// the returns to send are read from their index lists, not from the
// project's history.
func TestProjectLeadReturnsRequests(t *testing.T) {
	t.Parallel()
	s := testkit.New(t)
	h := newWebOver(t, s)
	f := h.fixture(t)
	sid, pending := h.reportingFixture(t, f)
	ctx := context.Background()
	p := "/app/programmes/" + f.PID
	pl := h.as(t, uPL)
	who := caller(uPL)
	q1 := domain.ReturnID(sid, f.ProjectA, domain.MustDate("2011-01-01"))
	// The service calls answer their errors, as in TestPageRequests.
	toSend := func(sc *service.Scope) error {
		return listErr(sc.ListReturns(service.ReturnQuery{ToSend: true, ProjectID: f.ProjectA}, service.Page{Limit: service.MaxLimit}))
	}
	measure := func(when string) (dashboard, returns string) {
		t.Helper()
		var home, page page
		dashboard = s.Count.Measure(func() { home = pl.get(p) }).String()
		returns = s.Count.Measure(func() { page = pl.get(p + "/returns") }).String()
		if home.Status != http.StatusOK || page.Status != http.StatusOK {
			t.Fatalf("%s: dashboard %d, returns %d", when, home.Status, page.Status)
		}
		var failed error
		same := s.Count.Measure(func() {
			sc := h.Svc.Open(ctx, who, f.PID)
			failed = errors.Join(readErr(sc.Progress()), toSend(sc))
		}).String()
		if failed != nil {
			t.Fatalf("%s: progress and the returns to send alone (%s): %v", when, same, failed)
		}
		if dashboard != same {
			t.Errorf("%s: the project lead's dashboard sent %s; progress and the returns to send alone %s", when, dashboard, same)
		}
		if got := s.Count.Measure(func() { failed = toSend(h.Svc.Open(ctx, who, f.PID)) }).String(); failed != nil {
			t.Fatalf("%s: the returns to send (%s): %v", when, got, failed)
		} else if got != "BatchGetItem×1 Query×1 Query/GSI2×3" {
			t.Errorf("%s: the returns to send cost %s", when, got)
		}
		// The access read beside the schedules; the funders and projects
		// (names); the returns to send (the setup, three lists); the
		// grid's window (the setup again, a range of each of the
		// schedule's five lists).
		if want := "BatchGetItem×1 Query×5 Query/GSI2×8"; returns != want {
			t.Errorf("%s: the project lead's returns page sent %s, want %s", when, returns, want)
		}
		t.Logf("%s: dashboard %s; returns page %s", when, dashboard, returns)
		return dashboard, returns
	}
	dashboard, returns := measure("Q4 overdue, Q3 awaiting review")

	// A year of history: Q3 approved, Q1's approved figures corrected and
	// the correction sent back (now to send), Q4 sent and approved, and
	// thirty submissions for periods no return asks for.
	lead := h.Svc.OpenProject(ctx, caller(uLead), f.PID, f.ProjectA)
	own := h.Svc.OpenProject(ctx, who, f.PID, f.ProjectA)
	must(lead.ReviewOutcome(pending, body(map[string]any{"decision": "approve"})))
	approved := must(own.Outcome(must(h.Svc.Open(ctx, who, f.PID).Return(q1)).SubmissionID))
	fix := must(own.SubmitOutcome(body(outcomeCorrection(approved, 21))))
	must(lead.ReviewOutcome(fix.ID, body(map[string]any{"decision": "request-changes", "comment": "Check the count"})))
	q4 := must(own.SubmitOutcome(body(map[string]any{"periodStart": "2011-10-01", "periodEnd": "2011-12-31",
		"counts": map[string]int{"peopleIntoWork": 4}})))
	must(lead.ReviewOutcome(q4.ID, body(map[string]any{"decision": "approve"})))
	for i := range 30 {
		must(own.SubmitOutcome(body(map[string]any{"periodStart": fmt.Sprintf("2011-%02d-01", i%12+1),
			"periodEnd": fmt.Sprintf("2011-%02d-%02d", i%12+1, 2+i/12), "counts": map[string]int{"referrals": 1}})))
	}
	if home := pl.get(p); !strings.Contains(home.Body, `data-testid="due-`+q1+`"`) {
		t.Fatalf("Q1, its correction sent back, is not on the project lead's dashboard:\n%s", excerpt(home.Body))
	}
	dashboard2, returns2 := measure("a year later")
	if dashboard2 != dashboard || returns2 != returns {
		t.Errorf("with a year of history the dashboard sent %s (was %s) and the returns page %s (was %s)", dashboard2, dashboard, returns2, returns)
	}
}

// importSubmissions writes n referrals submissions of project A, the i-th
// for period(i), as an import writes them (many to a transaction, under
// the import lock): fixtures for request counts that must not grow with a
// project's history, without n transactions racing on its totals.
func importSubmissions(t *testing.T, s *testkit.Stack, f fixture, n int, period func(i int) (domain.Date, domain.Date)) {
	t.Helper()
	ctx := context.Background()
	lock := domain.NewID()
	if err := s.Store.LockImports(ctx, f.PID, lock, time.Now(), time.Minute); err != nil {
		t.Fatal(err)
	}
	writer := domain.Caller{Identity: domain.Identity{Subject: "writer", Email: uPL}}
	batch := service.ImportBatch{Lock: lock}
	for i := range n {
		start, end := period(i)
		now := time.Now().UTC()
		o := domain.Outcome{ID: domain.NewID(), ProjectID: f.ProjectA, PeriodStart: start, PeriodEnd: end,
			Counts: map[domain.Metric]int64{domain.MetricReferrals: 1}, SubmittedAt: now, SubmittedBy: uPL}
		ev := domain.NewAuditEvent(writer, f.PID, domain.EntityOutcome, o.ID, domain.ActionCreate, nil, o, now)
		o = domain.NewSubmission(o, nil, false)
		batch.Submissions = append(batch.Submissions, service.Submission{Outcome: o, Figures: domain.Submitting(o, nil, nil)})
		batch.Changes = append(batch.Changes, service.Change{Audit: ev})
	}
	if got, err := s.Store.ImportOutcomes(ctx, f.PID, batch); err != nil || got != n {
		t.Fatalf("import: %d written, %v", got, err)
	}
	if err := s.Store.UnlockImports(ctx, f.PID, lock); err != nil {
		t.Fatal(err)
	}
}

// TestCohortNameRequests: naming a submission's cohort costs a read only
// where there is one to name. The review form of a cohort's submission
// sends one GetItem more than that of the project's general figures (the
// cohort, beside the period's Query); the review queue sends what its
// service calls send, the cohorts of a page one BatchGetItem (a GetItem
// for one), and nothing for a page of no cohort's submissions.
func TestCohortNameRequests(t *testing.T) {
	t.Parallel()
	s := testkit.New(t)
	h := newWebOver(t, s)
	f := h.fixture(t)
	ctx := context.Background()
	_, general := h.reportingFixture(t, f) // July to September 2011, awaiting review
	pa := "/app/programmes/" + f.PID + "/projects/" + f.ProjectA
	lead := h.as(t, uLead)
	get := func(path string) testkit.Counts { t.Helper(); return countedGet(t, s, lead, path) }
	queue := "/app/programmes/" + f.PID + "/reviews"
	sc := h.Svc.Open(ctx, caller(uLead), f.PID)
	items, _, err := sc.ListPendingOutcomes(service.Page{Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	if n := s.Count.Measure(func() { must(sc.CohortsOf(items)) }); n.Requests != 0 {
		t.Errorf("the cohorts of a page of general figures: %s, want nothing", n)
	}

	cohortOne := must(h.Svc.OpenProject(ctx, testkit.AdminCaller(), f.PID, f.ProjectA).SubmitOutcome(body(map[string]any{
		"periodStart": "2011-07-01", "periodEnd": "2011-09-30", "cohortId": f.CohortA, "counts": map[string]int{"referrals": 4}}))).ID
	plain, named := get(pa+"/outcomes/"+general+"/review"), get(pa+"/outcomes/"+cohortOne+"/review")
	if named.Requests != plain.Requests+1 || named.Ops["GetItem"] != plain.Ops["GetItem"]+1 {
		t.Errorf("the review form of a cohort's submission sent %s; of the general figures %s: want one GetItem more", named, plain)
	}

	page := get(queue)
	sc = h.Svc.Open(ctx, caller(uLead), f.PID)
	// The service calls answer their errors, as in TestPageRequests.
	var failed error
	want := s.Count.Measure(func() {
		items, _, err := sc.ListPendingOutcomes(service.Page{Limit: 50})
		failed = errors.Join(err, listErr(sc.ListFunders(service.Page{Limit: 100})), listErr(sc.ListProjects(service.Page{Limit: 100})),
			readErr(sc.CohortsOf(items)))
	})
	if failed != nil {
		t.Fatalf("the review queue's service calls alone (%s): %v", want, failed)
	}
	if page.String() != want.String() || page.Ops["GetItem"] != 1 {
		t.Errorf("the review queue sent %s; its service calls %s; want the cohort's GetItem among them", page, want)
	}
}
