package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// reportingFixture adds the reporting cycle to the fixture: a quarterly
// schedule for 2011 (every return is past its due date by now: A's first
// two quarters are filled by the fixture's submissions, sent late; the rest
// are overdue), review switched on, and a submission of project A awaiting
// review (its third quarter).
func (h *webH) reportingFixture(t *testing.T, f fixture) (schedule, pending string) {
	t.Helper()
	ctx := context.Background()
	admin := h.Svc.Open(ctx, testkit.AdminCaller(), f.PID)
	s, err := admin.CreateSchedule(body(map[string]any{"name": "Quarterly returns 2011", "frequency": "quarterly",
		"firstPeriodStart": "2011-01-01", "lastPeriodEnd": "2011-12-31"}))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.UpdateProgramme(func(int64) bool { return true }, body(map[string]any{"reviewOutcomes": true})); err != nil {
		t.Fatal(err)
	}
	// Sent by the project's lead: any lead, and an administrator, may
	// decide on it (no one decides on figures they sent while another
	// lead can).
	o, err := h.Svc.OpenProject(ctx, caller(uPL), f.PID, f.ProjectA).SubmitOutcome(body(map[string]any{
		"periodStart": "2011-07-01", "periodEnd": "2011-09-30", "counts": map[string]int{"referrals": 70, "peopleIntoWork": 15}}))
	if err != nil {
		t.Fatal(err)
	}
	return s.ID, o.ID
}

// TestReportingPagesByRole: who may open each reporting page; refusals are
// the error pages of the presentation table.
func TestReportingPagesByRole(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	sid, pending := h.reportingFixture(t, f)
	p := "/app/programmes/" + f.PID
	pa := p + "/projects/" + f.ProjectA
	people := []string{uAdmin, uLead, uPL, uFunder, uPLB, uOutsider}
	const ok, forbidden, missing = http.StatusOK, http.StatusForbidden, http.StatusNotFound
	cases := []struct {
		path string
		want [6]int
	}{
		{p + "/returns", [6]int{ok, ok, ok, ok, ok, missing}},
		{p + "/returns?schedule=" + sid + "&at=2", [6]int{ok, ok, ok, ok, ok, missing}},
		{p + "/returns?schedule=" + domain.NewID(), [6]int{missing, missing, missing, missing, missing, missing}},
		{p + "/reviews", [6]int{ok, ok, forbidden, forbidden, forbidden, missing}},
		// Another project's lead is not shown the submission, as from the
		// API ("this project's records are not visible to you"), nor is a
		// funder, who reads approved figures only (security3 N2).
		{pa + "/outcomes/" + pending + "/review", [6]int{ok, ok, forbidden, missing, missing, missing}},
		{pa + "/outcomes/" + pending, [6]int{ok, ok, ok, missing, missing, missing}},
		{p + "/schedules", [6]int{ok, ok, ok, ok, ok, missing}},
		{p + "/schedules/new", [6]int{ok, ok, forbidden, forbidden, forbidden, missing}},
		{p + "/schedules/" + sid + "/edit", [6]int{ok, ok, forbidden, forbidden, forbidden, missing}},
		{p + "/edit", [6]int{ok, ok, forbidden, forbidden, forbidden, missing}},
		{p + "/notifications", [6]int{ok, ok, ok, ok, ok, missing}},
	}
	// Each person's pages in a browser of their own, the six at once:
	// every page here only reads.
	testkit.Parallel(t, len(people), len(people), func(t testing.TB, i int) {
		who := people[i]
		b := h.as(t, who)
		for _, c := range cases {
			got := b.get(c.path)
			if got.Status != c.want[i] {
				t.Errorf("%s GET %s: %d, want %d\n%s\n%s", who, c.path, got.Status, c.want[i], excerpt(got.Body), h.logs.String())
			}
			if got.Status != ok && !strings.Contains(got.Body, `data-testid="error-title"`) {
				t.Errorf("%s GET %s: %d without the error page", who, c.path, got.Status)
			}
		}
	})
}

// TestReturnsPages: a project lead's returns due and overdue, each with
// "submit" prefilled with its period; the grid by status for everyone, a
// funder's without submit links or submissions not accepted; the review
// queue, a request for changes that needs a comment, and the approval.
func TestReturnsPages(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	sid, pending := h.reportingFixture(t, f)
	p := "/app/programmes/" + f.PID
	pa := p + "/projects/" + f.ProjectA
	q3 := domain.ReturnID(sid, f.ProjectA, domain.MustDate("2011-07-01"))
	q4 := domain.ReturnID(sid, f.ProjectA, domain.MustDate("2011-10-01"))
	q1 := domain.ReturnID(sid, f.ProjectA, domain.MustDate("2011-01-01"))

	pl := h.as(t, uPL)
	home := pl.get(p)
	if home.Status != http.StatusOK || !strings.Contains(home.Body, `data-testid="due-`+q4+`"`) || strings.Contains(home.Body, `data-testid="due-`+q3+`"`) {
		t.Fatalf("the project lead's dashboard should list Q4 (overdue) and not Q3 (awaiting review):\n%s", excerpt(home.Body))
	}
	submitQ4 := pa + "/outcomes/new?" + url.Values{"periodEnd": {"2011-12-31"}, "periodStart": {"2011-10-01"}}.Encode()
	if !strings.Contains(home.Body, `href="`+strings.ReplaceAll(submitQ4, "&", "&amp;")+`"`) {
		t.Errorf("Q4's submit link %s is not on the dashboard", submitQ4)
	}
	form := pl.get(submitQ4)
	for _, v := range []string{`name="periodStart-day" type="text" inputmode="numeric" value="1"`, `name="periodStart-month" type="text" inputmode="numeric" value="10"`,
		`name="periodEnd-year" type="text" inputmode="numeric" value="2011"`} {
		if !strings.Contains(form.Body, v) {
			t.Errorf("the submit form is not filled with Q4's period (%s)", v)
		}
	}
	grid := pl.get(p + "/returns")
	for id, st := range map[string]string{q1: "accepted", q3: "submitted", q4: "overdue"} {
		if !strings.Contains(grid.Body, `data-testid="cell-`+id+`" data-status="`+st+`"`) {
			t.Errorf("the grid does not show %s as %s", id, st)
		}
	}
	if strings.Contains(grid.Body, domain.ReturnID(sid, f.ProjectB, domain.MustDate("2011-01-01"))) {
		t.Error("a project lead's grid shows another project's returns")
	}

	// The funder sees every project's statuses, no submit link, and no way
	// to the submission awaiting review.
	fu := h.as(t, uFunder).get(p + "/returns")
	if !strings.Contains(fu.Body, domain.ReturnID(sid, f.ProjectB, domain.MustDate("2011-01-01"))) || strings.Contains(fu.Body, "/outcomes/new") ||
		strings.Contains(fu.Body, pending) {
		t.Errorf("the funder's returns page:\n%s", excerpt(fu.Body))
	}

	// The lead's queue, and a request for changes that needs a comment.
	lead := h.as(t, uLead)
	queue := lead.get(p + "/reviews")
	if !strings.Contains(queue.Body, `data-testid="pending-`+pending+`"`) {
		t.Fatalf("the review queue lacks the pending submission:\n%s", excerpt(queue.Body))
	}
	review := pa + "/outcomes/" + pending + "/review"
	lead.get(review)
	bad := lead.post(review, url.Values{"decision": {"request-changes"}, "comment": {" "}})
	if bad.Status != http.StatusBadRequest || !strings.Contains(bad.Body, `data-testid="error-f-comment"`) {
		t.Fatalf("changes asked for without a comment: %d\n%s", bad.Status, excerpt(bad.Body))
	}
	personal := lead.post(review, url.Values{"decision": {"request-changes"}, "comment": {"Call Jo on 07700 900123"}})
	if personal.Status != http.StatusUnprocessableEntity || !strings.Contains(personal.Body, `data-testid="error-f-comment"`) {
		t.Fatalf("a comment holding a phone number: %d\n%s", personal.Status, excerpt(personal.Body))
	}
	done := lead.post(review, url.Values{"decision": {"request-changes"}, "comment": {"Please split referrals by source."}})
	if done.Status != http.StatusSeeOther || recordPath(done.Header.Get("Location")) != pa+"/outcomes/"+pending {
		t.Fatalf("changes asked for: %d %s\n%s", done.Status, done.Header.Get("Location"), excerpt(done.Body))
	}
	page := pl.get(pa + "/outcomes/" + pending)
	if !strings.Contains(page.Body, "Please split referrals by source.") || !strings.Contains(page.Body, "Changes requested") {
		t.Errorf("the submission's page after changes were asked for:\n%s", excerpt(page.Body))
	}
	// The return sent back is the project lead's to send again: listed on
	// its dashboard and returns page, with a link to correct it.
	correct := `href="` + pa + `/outcomes/new?replaces=` + pending + `"`
	for _, path := range []string{p, p + "/returns"} {
		got := pl.get(path)
		row := got.Body[max(0, strings.Index(got.Body, `data-testid="due-`+q3+`"`)):]
		if !strings.Contains(got.Body, `data-testid="due-`+q3+`"`) || !strings.Contains(row[:min(len(row), 1200)], correct) ||
			!strings.Contains(row[:min(len(row), 1200)], ">Correct<") {
			t.Errorf("%s does not list Q3, sent back, with a link to correct it:\n%s", path, excerpt(got.Body))
		}
	}
	// The grid's cell says so too, to the eye and to a screen reader.
	cells := pl.get(p + "/returns").Body
	cell := cells[max(0, strings.Index(cells, `data-testid="cell-`+q3+`"`)):]
	cell = cell[:max(0, strings.Index(cell, "</td>"))]
	if !strings.Contains(cell, correct) || !strings.Contains(cell, ">Correct<span class=\"nhsuk-u-visually-hidden\"> ") ||
		strings.Contains(cell, "Submit") {
		t.Errorf("the grid's cell of Q3, sent back, does not offer to correct it: %q", cell)
	}
	// Deciding again is a conflict page, not a 500.
	lead.get(review)
	again := lead.post(review, url.Values{"decision": {"approve"}})
	if again.Status != http.StatusConflict || !strings.Contains(again.Body, `data-testid="error-title"`) ||
		!strings.Contains(again.Body, "This submission has already been sent back for changes; only a submission awaiting review can be reviewed. Nothing was saved.") ||
		strings.Contains(again.Body, "already made this change") {
		t.Errorf("approving a submission sent back: %d\n%s", again.Status, excerpt(again.Body))
	}

	// The project lead corrects it, and the lead, on a review form opened
	// before, decides on the one corrected: told to review the correction.
	sentBack := must(h.Svc.OpenProject(context.Background(), caller(uPL), f.PID, f.ProjectA).Outcome(pending))
	correction := must(h.Svc.OpenProject(context.Background(), caller(uPL), f.PID, f.ProjectA).SubmitOutcome(body(outcomeCorrection(sentBack, 3))))
	stale := pa + "/outcomes/" + correction.ID + "/review"
	lead.get(stale)
	newer := must(h.Svc.OpenProject(context.Background(), caller(uPL), f.PID, f.ProjectA).SubmitOutcome(body(outcomeCorrection(correction, 4))))
	late := lead.post(stale, url.Values{"decision": {"approve"}})
	if late.Status != http.StatusConflict || !strings.Contains(late.Body, "Review the correction instead") ||
		!strings.Contains(late.Body, `href="`+pa+`/outcomes/`+newer.ID+`"`) || strings.Contains(late.Body, "correct the newest") {
		t.Errorf("approving a submission corrected meanwhile: %d\n%s", late.Status, excerpt(late.Body))
	}
}

// TestScheduleAndProgrammeForms: a lead sets up a schedule through the
// form (problems shown beside their fields, nothing stored), renames it,
// and switches review on.
func TestScheduleAndProgrammeForms(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	p := "/app/programmes/" + f.PID
	lead := h.as(t, uLead)
	// The reminders' hint says a reminder day already gone by when the
	// schedule is saved sends one reminder at once, unless one went, and
	// that the overdue email catches up (domain.Return.NoticeOn).
	const passed = "If reminder days have already passed when you save, a return not yet due gets one reminder at once (for the latest of them) unless one was already sent; a return already late gets the overdue email."
	if pg := lead.get(p + "/schedules/new"); !strings.Contains(pg.Body, `<div class="nhsuk-hint" id="f-reminders-hint">`) ||
		!strings.Contains(pg.Body, passed) {
		t.Errorf("the new schedule form's reminders hint does not say what a passed reminder day sends\n%s", excerpt(pg.Body))
	}
	bad := lead.post(p+"/schedules/new", url.Values{"name": {""}, "frequency": {"quarterly"}, "firstPeriodStart-day": {"2"},
		"firstPeriodStart-month": {"1"}, "firstPeriodStart-year": {"2011"}, "lastPeriodEnd-day": {"30"}, "lastPeriodEnd-month": {"12"},
		"lastPeriodEnd-year": {"2011"}, "dueDays": {"100"}, "reminders": {"seven"}})
	for _, id := range []string{"f-name", "f-firstPeriodStart", "f-dueDays", "f-reminders"} {
		if !strings.Contains(bad.Body, `data-testid="error-`+id+`"`) {
			t.Errorf("the schedule form does not show the problem with %s", id)
		}
	}
	if bad.Status != http.StatusBadRequest {
		t.Errorf("a bad schedule: %d", bad.Status)
	}
	// Returns that would fall due after the last date fundtrack takes.
	late := lead.post(p+"/schedules/new", url.Values{"name": {"Last"}, "frequency": {"quarterly"}, "firstPeriodStart-day": {"1"},
		"firstPeriodStart-month": {"10"}, "firstPeriodStart-year": {"2200"}, "lastPeriodEnd-day": {"31"}, "lastPeriodEnd-month": {"12"},
		"lastPeriodEnd-year": {"2200"}, "dueDays": {"20"}})
	if late.Status != http.StatusBadRequest || !strings.Contains(late.Body, `data-testid="error-f-lastPeriodEnd"`) {
		t.Errorf("a schedule due after %s: %d, want 400 with the problem beside lastPeriodEnd\n%s", domain.LastDay, late.Status, excerpt(late.Body))
	}
	if items, _, _ := h.Svc.Open(context.Background(), testkit.AdminCaller(), f.PID).ListSchedules(pageAll); len(items) != 0 {
		t.Fatalf("a refused schedule was stored: %+v", items)
	}
	ok := lead.post(p+"/schedules/new", url.Values{"name": {"Quarterly returns"}, "frequency": {"quarterly"}, "firstPeriodStart-day": {"1"},
		"firstPeriodStart-month": {"1"}, "firstPeriodStart-year": {"2011"}, "lastPeriodEnd-day": {"31"}, "lastPeriodEnd-month": {"12"},
		"lastPeriodEnd-year": {"2011"}, "dueDays": {"30"}, "reminders": {"14, 7"}, "projectIds": {f.ProjectA}})
	if ok.Status != http.StatusSeeOther || !strings.HasPrefix(ok.Header.Get("Location"), p+"/returns?schedule=") {
		t.Fatalf("setting up a schedule: %d %s\n%s", ok.Status, ok.Header.Get("Location"), excerpt(ok.Body))
	}
	items, _, err := h.Svc.Open(context.Background(), testkit.AdminCaller(), f.PID).ListSchedules(pageAll)
	if err != nil || len(items) != 1 || items[0].DueDays != 30 || len(items[0].ProjectIDs) != 1 || len(items[0].Reminders) != 2 {
		t.Fatalf("the schedule stored: %+v %v", items, err)
	}
	sid := items[0].ID
	if pg := lead.get(p + "/schedules/" + sid + "/edit"); !strings.Contains(pg.Body, passed) {
		t.Errorf("the schedule's edit form's reminders hint does not say what a passed reminder day sends\n%s", excerpt(pg.Body))
	}
	renamed := lead.post(p+"/schedules/"+sid+"/edit", url.Values{"version": {"1"}, "name": {"Quarters of 2011"}, "reminders": {""},
		"lastPeriodEnd-day": {"31"}, "lastPeriodEnd-month": {"12"}, "lastPeriodEnd-year": {"2011"}})
	if renamed.Status != http.StatusSeeOther {
		t.Fatalf("renaming the schedule: %d\n%s", renamed.Status, excerpt(renamed.Body))
	}
	s := must(h.Svc.Open(context.Background(), testkit.AdminCaller(), f.PID).Schedule(sid))
	if s.Name != "Quarters of 2011" || len(s.Reminders) != 0 || s.Version != 2 {
		t.Errorf("after the change: %+v", s)
	}
	// A first period ending before the programme starts: the summary reads
	// as a sentence after the field's label (audit walk3 N5).
	early := lead.post(p+"/schedules/new", url.Values{"name": {"Early years"}, "frequency": {"yearly"}, "firstPeriodStart-day": {"1"},
		"firstPeriodStart-month": {"4"}, "firstPeriodStart-year": {"2001"}, "lastPeriodEnd-day": {"31"}, "lastPeriodEnd-month": {"3"},
		"lastPeriodEnd-year": {"2011"}, "dueDays": {"20"}, "reminders": {""}})
	if early.Status != http.StatusBadRequest || !strings.Contains(early.Body, ">First period starts must be no earlier than the period that includes the programme&#39;s start (") ||
		strings.Contains(early.Body, "First period starts the first period") {
		t.Errorf("a first period before the programme: %d\n%s", early.Status, excerpt(early.Body))
	}
	// Its last period moved past the programme's end (2012-03-31): refused
	// beside the field; moved earlier: its last quarter's return goes.
	past := lead.post(p+"/schedules/"+sid+"/edit", url.Values{"version": {"2"}, "name": {"Quarters of 2011"}, "reminders": {""},
		"lastPeriodEnd-day": {"30"}, "lastPeriodEnd-month": {"6"}, "lastPeriodEnd-year": {"2012"}})
	if past.Status != http.StatusBadRequest || !strings.Contains(past.Body, `data-testid="error-f-lastPeriodEnd"`) ||
		!strings.Contains(past.Body, "starts after the programme ends") {
		t.Errorf("a last period after the programme ends: %d, want 400 with the problem beside lastPeriodEnd\n%s", past.Status, excerpt(past.Body))
	}
	earlier := lead.post(p+"/schedules/"+sid+"/edit", url.Values{"version": {"2"}, "name": {"Quarters of 2011"}, "reminders": {""},
		"lastPeriodEnd-day": {"30"}, "lastPeriodEnd-month": {"9"}, "lastPeriodEnd-year": {"2011"}})
	if earlier.Status != http.StatusSeeOther {
		t.Fatalf("moving the last period earlier: %d\n%s", earlier.Status, excerpt(earlier.Body))
	}
	rs := mustList(h.Svc.Open(context.Background(), testkit.AdminCaller(), f.PID).ListReturns(service.ReturnQuery{ScheduleID: sid}, pageAll))
	if len(rs) != 3 {
		t.Errorf("%d returns after moving the last period to September, want 3", len(rs))
	}

	// Next to "count at once", the settings page says plainly that
	// turning review off leaves submissions already awaiting review
	// pending, and links to the review queue.
	settings := lead.get(p + "/edit")
	if want := `data-testid="review-off-pending">Only submissions sent from then on. Submissions already awaiting review stay pending, and do not count, until a lead approves them or asks for changes: <a class="nhsuk-link" href="` + p + `/reviews">review them</a>`; settings.Status != http.StatusOK || !strings.Contains(settings.Body, want) {
		t.Errorf("the programme's settings do not say what turning review off leaves pending: %d\n%s", settings.Status, excerpt(settings.Body))
	}
	on := lead.post(p+"/edit", url.Values{"version": {"1"}, "reviewOutcomes": {"true"}, "name": {"Bradford IPS"},
		"leadOrganisation": {"Bradford District Care"}, "region": {"Yorkshire"}, "startDate-day": {"1"}, "startDate-month": {"10"},
		"startDate-year": {"2010"}, "endDate-day": {"31"}, "endDate-month": {"3"}, "endDate-year": {"2012"}})
	if on.Status != http.StatusSeeOther {
		t.Fatalf("switching review on: %d\n%s", on.Status, excerpt(on.Body))
	}
	if prog := must(h.Svc.Open(context.Background(), testkit.AdminCaller(), f.PID).Programme()); !prog.ReviewOutcomes || prog.Version != 2 {
		t.Errorf("the programme after the change: %+v", prog)
	}
}

var pageAll = service.Page{Limit: service.MaxLimit}

// TestDashboardReturnsSayWhoseTheyAre: a project lead's dashboard lists its
// own project's returns due, then counts its own project's returns (it may
// read no other's), and says so; a lead's counts every project's. Its link
// goes to the returns the project lead may read. The submissions awaiting
// review it counts are its own project's only.
func TestDashboardReturnsSayWhoseTheyAre(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	h.reportingFixture(t, f)
	p := "/app/programmes/" + f.PID
	// Every 2011 return is past due: A's fourth quarter and B's four are
	// overdue, A's third awaits review.
	counts := func(body string) (overdue, submitted string) {
		return valueAt(body, `data-testid="returns-overdue">`), valueAt(body, `data-testid="returns-submitted">`)
	}
	pg := h.as(t, uPL).get(p)
	if pg.Status != http.StatusOK || !strings.Contains(pg.Body, `<h2 id="returns">Your project&#39;s returns</h2>`) ||
		strings.Contains(pg.Body, "Returns across the programme") || !strings.Contains(pg.Body, "See your project's returns") {
		t.Errorf("the project lead's dashboard: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	if o, s := counts(pg.Body); o != "1" || s != "1" {
		t.Errorf("A's project lead's dashboard counts %s overdue, %s awaiting review; want its own project's 1 and 1", o, s)
	}
	// A's submission awaits review: its project lead and the lead see it
	// counted, B's project lead does not (it is another project's).
	if !strings.Contains(pg.Body, `<span data-testid="pending-submissions">1 from your project: its figures count once a lead approves it</span>`) {
		t.Errorf("A's project lead's dashboard does not count A's submission awaiting review:\n%s", excerpt(pg.Body))
	}
	pg = h.as(t, uPLB).get(p)
	if pg.Status != http.StatusOK || strings.Contains(pg.Body, `data-testid="pending-submissions"`) ||
		!strings.Contains(pg.Body, `<h2 id="returns">Your project&#39;s returns</h2>`) {
		t.Errorf("B's project lead's dashboard counts A's submission awaiting review: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	if o, s := counts(pg.Body); o != "4" || s != "0" {
		t.Errorf("B's project lead's dashboard counts %s overdue, %s awaiting review; want its own project's 4 and 0", o, s)
	}
	pg = h.as(t, uLead).get(p)
	if !strings.Contains(pg.Body, `<h2 id="returns">Returns across the programme</h2>`) || strings.Contains(pg.Body, "Your project&#39;s returns") ||
		!strings.Contains(pg.Body, "See every return") ||
		!strings.Contains(pg.Body, `<span data-testid="pending-submissions">1 in all: its figures count once a lead approves it</span>`) {
		t.Errorf("the lead's dashboard:\n%s", excerpt(pg.Body))
	}
	if o, s := counts(pg.Body); o != "5" || s != "1" {
		t.Errorf("the lead's dashboard counts %s overdue, %s awaiting review; want every project's 5 and 1", o, s)
	}
}

// valueAt is the text in body after the first at, up to the next tag.
func valueAt(body, at string) string {
	_, rest, _ := strings.Cut(body, at)
	v, _, _ := strings.Cut(rest, "<")
	return strings.TrimSpace(v)
}

// TestReturnsGridSubmitsOnlyBegunPeriods: a return whose period has not
// begun is shown upcoming with no link to submit it (figures for a period
// not begun are refused); the period running today has one.
func TestReturnsGridSubmitsOnlyBegunPeriods(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	b := h.build
	today := domain.UKDate(time.Now())
	month := domain.DateOf(time.Date(today.Time().Year(), today.Time().Month(), 1, 0, 0, 0, 0, time.UTC))
	add := func(d domain.Date, y, m, days int) domain.Date { return domain.DateOf(d.Time().AddDate(y, m, days)) }
	pid := b.Programme(testkit.Merge(testkit.ProgrammeBody("Grid dates"), map[string]any{
		"startDate": add(month, -1, 0, 0).String(), "endDate": add(month, 1, 0, 0).String()})).ID
	project := b.Project(pid, testkit.Merge(testkit.ProjectBody("Now and next"), map[string]any{
		"startDate": add(month, -1, 0, 0).String(), "endDate": add(month, 1, 0, 0).String()})).ID
	b.Member(pid, uPL, testkit.RoleProjectLead(project))
	s := must(h.Svc.Open(context.Background(), testkit.AdminCaller(), pid).CreateSchedule(body(map[string]any{
		"name": "Monthly", "frequency": "monthly", "firstPeriodStart": add(month, 0, -2, 0).String(),
		"lastPeriodEnd": add(month, 0, 3, -1).String()})))
	grid := h.as(t, uPL).get("/app/programmes/" + pid + "/returns")
	cell := func(start domain.Date) string {
		id := domain.ReturnID(s.ID, project, start)
		at := strings.Index(grid.Body, `data-testid="cell-`+id+`"`)
		if at < 0 {
			t.Fatalf("the grid has no cell for the period from %s:\n%s", start, excerpt(grid.Body))
		}
		c := grid.Body[at:]
		return c[:strings.Index(c, "</td>")]
	}
	if now := cell(month); !strings.Contains(now, "/outcomes/new?") {
		t.Errorf("the period running today has no submit link: %s", now)
	}
	if next := cell(add(month, 0, 1, 0)); strings.Contains(next, "/outcomes/new") || !strings.Contains(next, `data-status="upcoming"`) {
		t.Errorf("next month's return, not begun, offers a submit link: %s", next)
	}
}

// TestReturnsGridCorrectionOfAccepted: a correction of an accepted
// return's approved figures leaves the cell "Accepted" for everyone, the
// funder's with the link to the approved submission and nothing of the
// correction; the lead's says a correction awaits review and links to its
// review, from the figures the page already has; once sent back, the
// project lead's offers to correct the correction.
func TestReturnsGridCorrectionOfAccepted(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	sid, _ := h.reportingFixture(t, f)
	p := "/app/programmes/" + f.PID
	pa := p + "/projects/" + f.ProjectA
	q1 := domain.ReturnID(sid, f.ProjectA, domain.MustDate("2011-01-01"))
	ctx := context.Background()
	ret := must(h.Svc.Open(ctx, testkit.AdminCaller(), f.PID).Return(q1))
	approved := must(h.Svc.OpenProject(ctx, caller(uPL), f.PID, f.ProjectA).Outcome(ret.SubmissionID))
	fix := must(h.Svc.OpenProject(ctx, caller(uPL), f.PID, f.ProjectA).SubmitOutcome(body(outcomeCorrection(approved, 99))))
	cellOf := func(page string) string {
		cell := page[max(0, strings.Index(page, `data-testid="cell-`+q1+`"`)):]
		return cell[:max(0, strings.Index(cell, "</td>"))]
	}
	submission := `href="` + pa + `/outcomes/` + approved.ID + `"`

	lead := cellOf(h.as(t, uLead).get(p + "/returns").Body)
	if !strings.Contains(lead, `data-status="accepted"`) || !strings.Contains(lead, "· correction awaiting review") ||
		!strings.Contains(lead, `href="`+pa+`/outcomes/`+fix.ID+`/review"`) || !strings.Contains(lead, ">Review the correction<") ||
		!strings.Contains(lead, submission) {
		t.Errorf("the lead's cell of Q1, its correction awaiting review: %q", lead)
	}
	funder := cellOf(h.as(t, uFunder).get(p + "/returns").Body)
	if !strings.Contains(funder, `data-status="accepted"`) || !strings.Contains(funder, submission) ||
		strings.Contains(funder, "correction") || strings.Contains(funder, fix.ID) {
		t.Errorf("the funder's cell of Q1: %q", funder)
	}
	pl := h.as(t, uPL)
	own := cellOf(pl.get(p + "/returns").Body)
	if !strings.Contains(own, "· correction awaiting review") || !strings.Contains(own, `href="`+pa+`/outcomes/`+fix.ID+`"`) ||
		strings.Contains(own, "/review") || strings.Contains(own, "/outcomes/new") {
		t.Errorf("the project lead's cell of Q1, its correction awaiting review: %q", own)
	}

	must(h.Svc.OpenProject(ctx, caller(uLead), f.PID, f.ProjectA).ReviewOutcome(fix.ID,
		body(map[string]any{"decision": "request-changes", "comment": "Check people into work."})))
	own = cellOf(pl.get(p + "/returns").Body)
	if !strings.Contains(own, `data-status="accepted"`) || !strings.Contains(own, "· correction sent back") ||
		!strings.Contains(own, `href="`+pa+`/outcomes/new?replaces=`+fix.ID+`"`) || !strings.Contains(own, ">Correct<") {
		t.Errorf("the project lead's cell of Q1, its correction sent back: %q", own)
	}
	if funder := cellOf(h.as(t, uFunder).get(p + "/returns").Body); !strings.Contains(funder, `data-status="accepted"`) ||
		!strings.Contains(funder, submission) || strings.Contains(funder, "correction") {
		t.Errorf("the funder's cell of Q1, its correction sent back: %q", funder)
	}
}

// TestReturnsToSendCorrectionSentBack: an accepted return whose
// correction was sent back is among the project lead's returns to send,
// on the dashboard and the returns page, labelled "Accepted · correction
// sent back" with "Correct the correction" (the grid's Correct link), in
// due-date order with the others; not while the correction awaits review,
// and never on another project's lead's list or a funder's page.
func TestReturnsToSendCorrectionSentBack(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	sid, _ := h.reportingFixture(t, f)
	p := "/app/programmes/" + f.PID
	pa := p + "/projects/" + f.ProjectA
	q1 := domain.ReturnID(sid, f.ProjectA, domain.MustDate("2011-01-01"))
	q4 := domain.ReturnID(sid, f.ProjectA, domain.MustDate("2011-10-01"))
	ctx := context.Background()
	ret := must(h.Svc.Open(ctx, testkit.AdminCaller(), f.PID).Return(q1))
	approved := must(h.Svc.OpenProject(ctx, caller(uPL), f.PID, f.ProjectA).Outcome(ret.SubmissionID))
	fix := must(h.Svc.OpenProject(ctx, caller(uPL), f.PID, f.ProjectA).SubmitOutcome(body(outcomeCorrection(approved, 99))))
	item := func(page, id string) string {
		at := strings.Index(page, `data-testid="due-`+id+`"`)
		if at < 0 {
			return ""
		}
		rest := page[at:]
		end := len(rest)
		for _, tag := range []string{"</li>", "</tr>"} {
			if i := strings.Index(rest, tag); i >= 0 && i < end {
				end = i
			}
		}
		return rest[:end]
	}
	pl := h.as(t, uPL)
	for _, path := range []string{p, p + "/returns"} {
		if got := item(pl.get(path).Body, q1); got != "" {
			t.Errorf("%s lists Q1 while its correction awaits review: %q", path, got)
		}
	}

	must(h.Svc.OpenProject(ctx, caller(uLead), f.PID, f.ProjectA).ReviewOutcome(fix.ID,
		body(map[string]any{"decision": "request-changes", "comment": "Check people into work."})))
	correct := `href="` + pa + `/outcomes/new?replaces=` + fix.ID + `"`
	for _, path := range []string{p, p + "/returns"} {
		page := pl.get(path)
		got := item(page.Body, q1)
		if page.Status != http.StatusOK || !strings.Contains(got, ">Accepted<") || !strings.Contains(got, "· correction sent back") ||
			!strings.Contains(got, correct) || !strings.Contains(got, ">Correct the correction<") {
			t.Errorf("%s: the project lead's Q1, its correction sent back: %q\n%s", path, got, excerpt(page.Body))
		}
		// Due 20 April 2011, before Q4 (20 January 2012).
		if a, b := strings.Index(page.Body, `data-testid="due-`+q1+`"`), strings.Index(page.Body, `data-testid="due-`+q4+`"`); a < 0 || b < 0 || a > b {
			t.Errorf("%s: Q1 (at %d) should be listed before Q4 (at %d)", path, a, b)
		}
	}
	if grid := pl.get(p + "/returns").Body; !strings.Contains(grid[strings.Index(grid, `data-testid="cell-`+q1+`"`):], correct) {
		t.Error("the grid's Correct link is not the one listed")
	}
	for _, who := range []string{uPLB, uFunder, uLead} {
		b := h.as(t, who)
		for _, path := range []string{p, p + "/returns"} {
			page := b.get(path)
			if page.Status != http.StatusOK || item(page.Body, q1) != "" || strings.Contains(page.Body, "Correct the correction") ||
				(who != uLead && strings.Contains(page.Body, fix.ID)) {
				t.Errorf("%s's %s (%d) lists A's Q1 or its correction:\n%s", who, path, page.Status, excerpt(page.Body))
			}
		}
	}
}

// TestReturnsToSendOnAPhone: a project lead's returns to send are a list,
// the same on the returns page as on the dashboard, each item holding its
// status, period and the link that submits or corrects it (its hidden text
// naming the period): no table whose last columns, the status and the
// link, scroll out of sight on a phone's screen (audit pl31, finding 7).
func TestReturnsToSendOnAPhone(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	sid, _ := h.reportingFixture(t, f)
	p := "/app/programmes/" + f.PID
	pa := p + "/projects/" + f.ProjectA
	q4 := domain.ReturnID(sid, f.ProjectA, domain.MustDate("2011-10-01"))
	submitQ4 := strings.ReplaceAll(pa+"/outcomes/new?"+url.Values{"periodEnd": {"2011-12-31"}, "periodStart": {"2011-10-01"}}.Encode(), "&", "&amp;")
	pl := h.as(t, uPL)
	sections := map[string]string{}
	for _, path := range []string{p, p + "/returns"} {
		page := pl.get(path)
		if page.Status != http.StatusOK {
			t.Fatalf("%s: %d\n%s", path, page.Status, excerpt(page.Body))
		}
		// The heading up to the end of its list.
		at := strings.Index(page.Body, `<h2 id="your-returns">Your returns to send</h2>`)
		end := strings.Index(page.Body[max(at, 0):], "</ul>")
		if at < 0 || end < 0 {
			t.Errorf("%s: no list under \"Your returns to send\":\n%s", path, excerpt(page.Body))
			continue
		}
		section := page.Body[at : at+end+len("</ul>")]
		sections[path] = section
		if strings.Contains(section, "<table") || strings.Contains(section, "nhsuk-table-container") ||
			!strings.Contains(section, `<ul class="nhsuk-list" data-testid="due-returns" aria-labelledby="your-returns">`) {
			t.Errorf("%s: the returns to send are not a list named by their heading, outside any table that scrolls:\n%s", path, section)
		}
		item := section[max(0, strings.Index(section, `<li data-testid="due-`+q4+`"`)):]
		item = item[:max(0, strings.Index(item, "</li>"))]
		for _, want := range []string{">Overdue<", "October to December 2011", "due 20 January 2012",
			`href="` + submitQ4 + `" data-testid="submit-return">Submit<span class="nhsuk-u-visually-hidden"> the return for October to December 2011</span></a>`} {
			if !strings.Contains(item, want) {
				t.Errorf("%s: Q4's item lacks %q: %q", path, want, item)
			}
		}
	}
	if a, b := sections[p], sections[p+"/returns"]; a != b {
		t.Errorf("the dashboard's returns to send and the returns page's differ:\n%s\n----\n%s", a, b)
	}
}
