package browsertest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/email"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// The reporting cycle in the browser, as the issue tells it: the lead sets
// a quarterly schedule and switches review on; the project lead, told its
// first quarter is overdue, submits it late from its home page; the lead
// asks for a change; the project lead corrects it (without JavaScript);
// the lead approves; only then does the funder see the figure and get the
// milestone email. Its own programme, with dates around today: the first
// quarter ended two months ago, so it is overdue now.

// reportingStory is what the reporting scenarios share.
type reportingStory struct {
	pid, project, funder string
	name                 string
	first                time.Time // the first period's start
	returnID             string
	submission, fix      string
}

// reportingFixture makes the story's programme: a project, the DWP as
// funder with its contact, the demo users as lead, project lead and funder,
// and a target of 10 people into work that tells the DWP.
func (s *suite) reportingFixture(t *testing.T) {
	now := time.Now().UTC()
	first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -5, 0)
	b := s.srv.build
	r := &s.rc
	r.name, r.first = "Calderdale IPS returns", first
	r.pid = b.Programme(map[string]any{"name": r.name, "leadOrganisation": "South West Yorkshire Partnership NHS FT",
		"startDate": first.AddDate(-1, 0, 0).Format("2006-01-02"), "endDate": first.AddDate(2, 0, -1).Format("2006-01-02")}).ID
	r.funder = b.Funder(r.pid, map[string]any{"name": dwpName, "contacts": []string{dwpContact}}).ID
	r.project = b.Project(r.pid, map[string]any{"name": "Calderdale employment service", "leadOrganisation": "SWYPFT",
		"startDate": first.AddDate(-1, 0, 0).Format("2006-01-02"), "endDate": first.AddDate(2, 0, -1).Format("2006-01-02")}).ID
	b.Member(r.pid, uLead, testkit.RoleLead())
	b.Member(r.pid, uPL, testkit.RoleProjectLead(r.project))
	b.Member(r.pid, uFunder, testkit.RoleFunder(r.funder))
	b.Target(r.pid, map[string]any{"metric": "peopleIntoWork", "value": 10, "deadline": first.AddDate(2, 0, -1).Format("2006-01-02"),
		"notify": []string{r.funder}})
	r.returnID = "" // known once the schedule is set up
}

func (s *suite) rbase() string { return "/app/programmes/" + s.rc.pid }

// notify runs the notifier and returns the emails it sent about the
// story's programme to addr.
func (s *suite) notify(t *testing.T) {
	t.Helper()
	if _, err := s.srv.Notifier.Run(context.Background()); err != nil {
		t.Fatalf("notifier: %v", err)
	}
}

func (s *suite) mailAbout(addr string) []email.Message {
	var out []email.Message
	for _, m := range s.srv.Mail.To(addr) {
		if strings.Contains(m.Subject, s.rc.name) {
			out = append(out, m)
		}
	}
	return out
}

// headed keeps the emails whose subject starts with prefix: the story's
// target also sends at-risk notices, which are not what it is about.
func headed(ms []email.Message, prefix string) []email.Message {
	var out []email.Message
	for _, m := range ms {
		if strings.HasPrefix(m.Subject, prefix) {
			out = append(out, m)
		}
	}
	return out
}

func subjects(ms []email.Message) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Subject)
	}
	return out
}

// ---------------------------------------------------------------- lead

func (s *suite) leadSetsUpReturns(t *testing.T) {
	s.reportingFixture(t)
	r := &s.rc
	tb := s.newTab(t, uLead, true)
	defer tb.checkConsole()
	tb.signIn(uLead)
	tb.followWant(`main a[href="`+s.rbase()+`"]`, 200)

	// Review on.
	tb.followWant("#change-programme", 200)
	tb.a11y("programme settings")
	tb.tick(`input[name="reviewOutcomes"][value="true"]`)
	tb.followWant("#submit", 200)
	if p := tb.path(); p != s.rbase() {
		tb.fail("after the settings the browser is at %s", p)
	}

	// A quarterly schedule for a year, through the form.
	tb.followWant(`[data-testid="nav-returns"]`, 200)
	tb.a11y("returns, no schedule")
	tb.followWant("#schedules", 200)
	tb.a11y("schedules")
	tb.followWant("#new-schedule", 200)
	tb.a11y("set up a schedule")
	tb.fill("#f-name", "Quarterly returns")
	tb.tick(`input[name="frequency"][value="quarterly"]`)
	last := r.first.AddDate(1, 0, -1)
	tb.fillDate("f-firstPeriodStart", r.first.Day(), int(r.first.Month()), r.first.Year())
	tb.fillDate("f-lastPeriodEnd", last.Day(), int(last.Month()), last.Year())
	tb.fill("#f-dueDays", "20")
	tb.fill("#f-reminders", "7")
	tb.followWant("#submit", 200)
	if p := tb.path(); !strings.HasPrefix(p, s.rbase()+"/returns?schedule=") {
		tb.fail("after setting up the schedule the browser is at %s", p)
	}
	sid := strings.TrimPrefix(tb.path(), s.rbase()+"/returns?schedule=")
	r.returnID = domain.ReturnID(sid, r.project, domain.DateOf(r.first))
	cell := `[data-testid="cell-` + r.returnID + `"]`
	if got := tb.attr(cell, "data-status"); got != "overdue" {
		tb.fail("the first quarter shows as %q, want overdue", got)
	}
	if tb.count(`table[data-testid="returns-grid"] caption`) != 1 || tb.count(`table[data-testid="returns-grid"] th[scope="row"]`) != 1 {
		tb.fail("the grid is not a captioned table with a header a project")
	}
	tb.a11y("returns grid")
	tb.screenshot("returns-grid-lead.png")
	tb.followWant("#review-queue", 200)
	if tb.count(`[data-testid="queue-empty"]`) != 1 {
		tb.fail("the review queue is not empty")
	}
	tb.a11y("review queue, empty")
}

// ---------------------------------------------------------------- project lead

func (s *suite) projectLeadSubmitsLate(t *testing.T) {
	r := &s.rc
	// The notifier tells the project lead the first quarter is overdue.
	s.notify(t)
	if all, got := s.mailAbout(uPL), headed(s.mailAbout(uPL), "Return overdue: "); len(got) != 1 || len(headed(all, "Return due")) != 0 {
		t.Fatalf("the project lead's emails: %v", subjects(all))
	}
	// Another project, whose first quarter is overdue too: the project
	// lead may not read its returns, so its counts leave them out (the
	// lead's count them).
	b := s.srv.build
	b.Project(r.pid, map[string]any{"name": "Kirklees employment service", "leadOrganisation": "SWYPFT",
		"startDate": r.first.AddDate(-1, 0, 0).Format("2006-01-02"), "endDate": r.first.AddDate(2, 0, -1).Format("2006-01-02")})
	if pr, err := s.srv.Svc.Open(context.Background(), testkit.Caller(uLead), r.pid).Progress(); err != nil || pr.Returns == nil || pr.Returns.Overdue != 2 {
		t.Fatalf("the lead's progress: %v %v, want both projects' first quarters overdue", describe(pr.Returns), err)
	}
	tb := s.newTab(t, uPL, true)
	defer tb.checkConsole()
	tb.signIn(uPL)
	card := `[data-testid="programme-` + r.pid + `"] `
	if got := tb.text(card + `[data-testid="portfolio-returns-overdue"]`); got != "1" {
		tb.fail("the project lead's portfolio counts %q returns overdue, want its own project's 1", got)
	}
	if got := tb.text(card + `dt:has(+ [data-testid="portfolio-returns-overdue"])`); got != "Your project's returns overdue" {
		tb.fail("the project lead's portfolio labels its overdue returns %q", got)
	}
	tb.followWant(`main a[href="`+s.rbase()+`"]`, 200)
	due := `[data-testid="due-returns"] [data-testid="due-` + r.returnID + `"]`
	if got := tb.text(due); !strings.Contains(got, "Overdue") {
		tb.fail("the home page's due returns: %q", got)
	}
	if got, n := tb.text(`h2#returns`), tb.text(`[data-testid="returns-overdue"]`); got != "Your project's returns" || n != "1" {
		tb.fail("the project lead's dashboard heads its return counts %q and counts %s overdue; want its own project's, 1", got, n)
	}
	tb.a11y("project lead's home")
	tb.screenshot("returns-due-project-lead.png")
	// On a phone, the link to send the return is on the screen beside its
	// period, on the home page and the returns page alike.
	for _, page := range []string{s.rbase(), s.rbase() + "/returns"} {
		tb.actionsOnNarrowScreen(page, `[data-testid="due-returns"] [data-testid="due-`+r.returnID+`"] [data-testid="submit-return"]`)
	}
	tb.a11y("project lead's returns")
	if st := tb.open(s.rbase()); st != 200 {
		tb.fail("the home page again: %d", st)
	}
	tb.followWant(due+` [data-testid="submit-return"]`, 200)
	// The form comes filled with the quarter.
	if tb.value("#f-periodStart-month") != fmt.Sprint(int(r.first.Month())) || tb.value("#f-periodStart-year") != fmt.Sprint(r.first.Year()) {
		tb.fail("the form is not filled with the quarter's dates")
	}
	tb.fill("#f-counts-referrals", "40")
	tb.fill("#f-counts-peopleIntoWork", "14")
	tb.followWant("#submit", 200)
	r.submission = strings.TrimPrefix(tb.recordPath(), s.rbase()+"/projects/"+r.project+"/outcomes/")
	if got := tb.text(`[data-testid="outcome-status"]`); !strings.HasPrefix(got, "Pending") {
		tb.fail("the submission's status is %q", got)
	}
	tb.a11y("submission awaiting review")
	// Late, awaiting review; the funder sees nothing of it yet.
	ret, err := s.srv.Svc.Open(context.Background(), testkit.Caller(uFunder), r.pid).Return(r.returnID)
	if err != nil || ret.Status != domain.ReturnSubmitted || !ret.Late || ret.SubmissionID != "" {
		t.Fatalf("the return as the funder reads it: %s %v", describe(ret), err)
	}
	if pr := s.funderProgress(t); pr.Totals[domain.MetricPeopleIntoWork] != 0 || pr.Pending != nil {
		t.Fatalf("the funder's progress before approval: %s", describe(pr.Totals))
	}
}

func (s *suite) funderProgress(t *testing.T) domain.Progress {
	t.Helper()
	pr, err := s.srv.Svc.Open(context.Background(), testkit.Caller(uFunder), s.rc.pid).Progress()
	if err != nil {
		t.Fatal(err)
	}
	return pr
}

// ---------------------------------------------------------------- lead asks for a change

func (s *suite) leadAsksForAChange(t *testing.T) {
	r := &s.rc
	s.notify(t)
	if got := headed(s.mailAbout(uLead), "Submission awaiting review"); len(got) != 1 {
		t.Fatalf("the lead's emails: %v", subjects(s.mailAbout(uLead)))
	}
	tb := s.newTab(t, uLead, true)
	defer tb.checkConsole()
	tb.signIn(uLead)
	tb.open(s.rbase() + "/reviews")
	tb.a11y("review queue")
	tb.followWant(`[data-testid="pending-`+r.submission+`"] [data-testid="review-link"]`, 200)
	tb.a11y("review a submission")
	// Asking for changes needs a comment: the form says so beside the box.
	tb.tick(`input[name="decision"][value="request-changes"]`)
	tb.followWant("#submit", 400)
	tb.do("waiting for the error summary", chromedp.WaitVisible(chromedp.CSS(`[data-testid="error-summary"]`)))
	if tb.count(`[data-testid="error-f-comment"]`) != 1 {
		tb.fail("no problem shown beside the comment")
	}
	tb.a11y("review with errors")
	tb.tick(`input[name="decision"][value="request-changes"]`)
	tb.fill("#f-comment", "14 into work in one quarter looks high: please check against the caseload.")
	tb.followWant("#submit", 200)
	if got := tb.text(`[data-testid="review-comment"]`); !strings.HasPrefix(got, "14 into work") {
		tb.fail("the submission's page shows the comment %q", got)
	}
	tb.a11y("submission with changes requested")
}

// ---------------------------------------------------------------- project lead corrects

func (s *suite) projectLeadCorrects(t *testing.T) {
	r := &s.rc
	s.notify(t)
	changes := headed(s.mailAbout(uPL), "Changes requested")
	if len(changes) != 1 || !strings.Contains(changes[0].Text, "looks high") {
		t.Fatalf("the project lead's emails: %v", subjects(s.mailAbout(uPL)))
	}
	tb := s.newTab(t, uPL, false)
	defer tb.checkConsole()
	tb.signIn(uPL)
	tb.open(s.rbase() + "/projects/" + r.project + "/outcomes/" + r.submission)
	tb.followWant("#correct-outcome", 200)
	tb.fill("#f-counts-peopleIntoWork", "11")
	tb.followWant("#submit", 200)
	r.fix = strings.TrimPrefix(tb.recordPath(), s.rbase()+"/projects/"+r.project+"/outcomes/")
	if r.fix == r.submission || !domain.ValidID(r.fix) {
		tb.fail("after correcting the browser is at %s", tb.path())
	}
	tb.open(s.rbase() + "/returns")
	if got := tb.attr(`[data-testid="cell-`+r.returnID+`"]`, "data-status"); got != "submitted" {
		tb.fail("the return shows as %q after the correction", got)
	}
	tb.a11y("returns, corrected")
}

// ---------------------------------------------------------------- lead approves

func (s *suite) leadApproves(t *testing.T) {
	r := &s.rc
	s.notify(t)
	if got := headed(s.mailAbout(dwpContact), "Target reached"); len(got) != 0 {
		t.Fatalf("the funder was told the target was reached before approval: %v", subjects(got))
	}
	tb := s.newTab(t, uLead, false)
	defer tb.checkConsole()
	tb.signIn(uLead)
	tb.open(s.rbase() + "/projects/" + r.project + "/outcomes/" + r.fix)
	tb.followWant("#review-outcome", 200)
	tb.tick(`input[name="decision"][value="approve"]`)
	tb.followWant("#submit", 200)
	if got := tb.text(`[data-testid="outcome-status"]`); !strings.HasPrefix(got, "Approved") {
		tb.fail("after approval the submission is %q", got)
	}
	tb.open(s.rbase())
	if got := tb.text(`[data-testid="on-time-rate"]`); !strings.HasPrefix(got, "0.0%") {
		tb.fail("the on-time rate is %q, want 0.0%% (two returns past due: one sent late, the other project's not sent)", got)
	}
	tb.a11y("dashboard with returns")
}

// ---------------------------------------------------------------- funder

func (s *suite) funderSeesApprovedFigures(t *testing.T) {
	r := &s.rc
	s.notify(t)
	if got := headed(s.mailAbout(dwpContact), "Target reached: 10 people into work"); len(got) != 1 {
		t.Fatalf("the funder's emails after approval: %v", subjects(s.mailAbout(dwpContact)))
	}
	tb := s.newTab(t, uFunder, true)
	defer tb.checkConsole()
	tb.signIn(uFunder)
	tb.open(s.rbase())
	if got := tb.text(`[data-testid="total-peopleIntoWork"]`); !strings.HasSuffix(got, "11") {
		tb.fail("the funder sees %q people into work, want the approved 11", got)
	}
	if tb.count(`[data-testid="returns-summary"]`) != 0 {
		tb.fail("the funder's dashboard shows return counts")
	}
	tb.noEditForms("dashboard (reporting)")
	tb.followWant(`[data-testid="nav-returns"]`, 200)
	cell := `[data-testid="cell-` + r.returnID + `"]`
	if got := tb.attr(cell, "data-status"); got != "accepted" {
		tb.fail("the funder's grid shows the quarter as %q", got)
	}
	tb.noEditForms("returns")
	tb.a11y("returns, funder")
	tb.screenshot("returns-grid-funder.png")
	tb.followWant(cell+` a`, 200)
	if got := tb.text(`[data-testid="count-peopleIntoWork"]`); got != "11" {
		tb.fail("the approved submission shows %q", got)
	}
	tb.noEditForms("approved submission")
	// The submission sent back is not there for the funder.
	if st := tb.open(s.rbase() + "/projects/" + r.project + "/outcomes/" + r.submission); st != 404 {
		tb.fail("the submission sent back answered the funder %d, want 404", st)
	}
	for _, path := range []string{"/reviews", "/schedules/new", "/edit"} {
		if st := tb.open(s.rbase() + path); st != 403 {
			tb.fail("%s answered the funder %d, want 403", path, st)
		}
	}
	tb.a11y("refused, funder")
}
