package browsertest

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// suite is what the scenarios share: one server, one fixture, one browser.
type suite struct {
	srv     *server
	fx      fixture
	browser *browser
	a11y    *a11yReport
	shots   string // build/screenshots

	// Set as the story goes.
	grantID, targetID string
	money             moneyState
	rc                reportingStory
}

func (s *suite) base() string { return "/app/programmes/" + s.fx.PID }

// TestWebAppInABrowser walks the jobs of the roles table through the web
// app in headless Chromium. The scenarios tell one story, in order, each
// building on the one before: the lead records the DWP's grant and sets a
// people-into-work target of 60; the project lead's outcomes take the
// programme past it (once with JavaScript, once without); the funder then
// sees it reached. Then its money (money_test.go): a budget and tranches,
// spend, tranches falling due and paid, what the funder sees. Then the
// reporting cycle, in a programme of its own (reporting_test.go): a
// schedule, a late return, a change asked for and made, an approval, and
// the funder seeing the figure only then.
func TestWebAppInABrowser(t *testing.T) {
	t.Parallel()
	start := time.Now()
	root := repoRoot(t)
	s := &suite{a11y: &a11yReport{}, shots: filepath.Join(root, "build", "screenshots")}
	if err := os.MkdirAll(s.shots, 0o755); err != nil {
		t.Fatal(err)
	}
	s.browser = sharedBrowser(t)
	s.srv = startServer(t)
	s.checkAxeFinds(t)
	s.fx = s.srv.seed(t)
	t.Logf("ready in %s: server %s, programme %s", time.Since(start).Round(time.Millisecond), s.srv.URL, s.fx.PID)

	scenarios := []struct {
		name string
		run  func(*testing.T)
	}{
		{"lead records a grant and sets a target", s.leadRecordsGrantAndSetsTarget},
		{"project lead corrects a bad figure", func(t *testing.T) { s.projectLeadSubmitsOutcome(t, true) }},
		{"project lead corrects a bad figure without JavaScript", func(t *testing.T) { s.projectLeadSubmitsOutcome(t, false) }},
		{"project lead corrects a submission already corrected", s.projectLeadCorrectsTwice},
		{"funder sees the target reached and no edit forms", s.funderSeesTargetReached},
		{"lead budgets the grant and records three tranches", s.leadBudgetsAndRecordsTranches},
		{"project lead reports spend and corrects it without JavaScript", s.projectLeadReportsSpend},
		{"tranches due, the DWP is emailed once, the lead pays on a stale page and again", s.tranchesFallDue},
		{"funder sees the money and no way to change it", s.funderSeesMoney},
		{"lead sets a quarterly schedule and turns review on", s.leadSetsUpReturns},
		{"project lead is told a return is overdue and submits it late", s.projectLeadSubmitsLate},
		{"lead asks for a change", s.leadAsksForAChange},
		{"project lead corrects without JavaScript", s.projectLeadCorrects},
		{"lead approves the correction without JavaScript", s.leadApproves},
		{"funder sees the approved figure and is emailed only then", s.funderSeesApprovedFigures},
		{"project lead imports months of figures from Excel", s.projectLeadImportsFromExcel},
	}
	for _, sc := range scenarios {
		began := time.Now()
		ok := t.Run(sc.name, sc.run)
		t.Logf("%-55s %s", sc.name, time.Since(began).Round(time.Millisecond))
		if !ok {
			t.Fatalf("stopped after %q failed: the scenarios after it build on it", sc.name)
		}
	}
	s.a11y.write(t, filepath.Join(s.shots, "axe-report.txt"))
	t.Logf("all scenarios in %s", time.Since(start).Round(time.Millisecond))
}

// ---------------------------------------------------------------- 1. lead

func (s *suite) leadRecordsGrantAndSetsTarget(t *testing.T) {
	tb := s.newTab(t, uLead, true)
	defer tb.checkConsole()
	tb.signIn(uLead)
	tb.a11y("programmes")

	// Programmes → the dashboard.
	tb.followWant(`main a[href="`+s.base()+`"]`, 200)
	if got := tb.text("main h1"); got != s.fx.Name {
		tb.fail("dashboard heading %q, want %q", got, s.fx.Name)
	}

	// Grants → record a grant.
	tb.followWant(`[data-testid="nav-grants"]`, 200)
	tb.a11y("grants")
	tb.followWant("#record-grant", 200)
	if tb.count(`form[data-testid="grant-form"]`) != 1 {
		tb.fail("no grant form")
	}
	tb.a11y("record a grant")
	tb.choose("#f-funderId", s.fx.DWP)
	tb.choose("#f-projectId", s.fx.ProjectA)
	tb.fill("#f-title", "Employment specialists")
	tb.fill("#f-description", "Two employment specialists in the community mental health teams")
	tb.fill("#f-amountPence", "310,000.00")
	tb.fillDate("f-awardDate", 3, 3, 2025)
	tb.fillDate("f-startDate", 1, 4, 2025)
	tb.fillDate("f-endDate", 31, 3, 2027)
	tb.followWant("#submit", 200)
	if p := tb.path(); !strings.HasPrefix(p, s.base()+"/grants/") {
		tb.fail("after recording the grant the browser is at %s, want the grant's page", p)
	}
	s.grantID = strings.TrimPrefix(tb.path(), s.base()+"/grants/")
	if got := tb.text(`[data-testid="grant-title"]`); got != "Employment specialists" {
		tb.fail("grant page title %q", got)
	}
	if got := tb.text(`[data-testid="grant-amount"]`); got != "£310,000.00" {
		tb.fail("grant page amount %q, want £310,000.00", got)
	}
	tb.a11y("grant")
	var stored domain.Grant
	for _, g := range s.srv.grants(t, s.fx.PID) {
		if g.ID == s.grantID {
			stored = g
		}
	}
	if stored.ID == "" || stored.FunderID != s.fx.DWP || stored.ProjectID != s.fx.ProjectA || stored.AmountPence != 31000000 ||
		stored.Currency != "GBP" || stored.AwardDate.String() != "2025-03-03" || stored.EndDate.String() != "2027-03-31" {
		t.Fatalf("the service has grant %s as %s", s.grantID, describe(stored))
	}
	tb.followWant("#grant-history", 200)
	tb.a11y("grant history")

	// Targets → set a target of 60 people into work, emailing the DWP.
	tb.followWant(`[data-testid="nav-targets"]`, 200)
	tb.a11y("targets (none yet)")
	tb.followWant("#set-target", 200)
	tb.a11y("set a target")
	tb.choose("#f-metric", string(domain.MetricPeopleIntoWork))
	tb.fill("#f-value", fmt.Sprint(targetValue))
	tb.fillDate("f-deadline", 31, 3, 2027)
	tb.tick(`input[name="notify"][value="` + s.fx.DWP + `"]`)
	tb.fill("#f-thresholds", "50, 100")
	tb.followWant("#submit", 200)
	if p := tb.path(); p != s.base()+"/targets" {
		tb.fail("after setting the target the browser is at %s", p)
	}
	row := tb.text(`[data-testid="targets-table"] tbody`)
	for _, want := range []string{"People into work: 60 by 31 March 2027", "Whole programme", "50%, 100%", dwpName} {
		if !strings.Contains(row, want) {
			tb.fail("the targets table lacks %q: %s", want, row)
		}
	}
	tb.a11y("targets")
	ts := s.srv.targets(t, s.fx.PID)
	if len(ts) != 1 || ts[0].Metric != domain.MetricPeopleIntoWork || ts[0].Value != targetValue ||
		ts[0].Deadline.String() != "2027-03-31" || !slices.Equal(ts[0].Notify, []string{s.fx.DWP}) ||
		!slices.Equal(ts[0].Thresholds, []int64{50, 100}) || ts[0].ProjectID != "" {
		t.Fatalf("the service has the targets %s", describe(ts))
	}
	s.targetID = ts[0].ID

	// The dashboard shows the new target, not reached yet (50 of 60).
	tb.followWant(`[data-testid="nav-dashboard"]`, 200)
	card := `[data-testid="target-` + s.targetID + `"]`
	if got := tb.text(card + ` [data-testid="target-current"]`); got != fmt.Sprintf("%d of %d", seededPIW, targetValue) {
		tb.fail("the target's figure on the dashboard is %q", got)
	}
	if got := tb.text(card + ` [data-testid="status-tag"]`); got == "Reached" {
		tb.fail("the target shows %q before it is reached", got)
	}
	s.checkDashboard(tb)
	tb.metricTablesFit("dashboard")
	tb.a11y("dashboard")
	tb.screenshot("dashboard-lead.png")

	// The lead's other pages.
	for _, nav := range []string{"projects", "notifications", "funders", "audit", "members"} {
		tb.followWant(`[data-testid="nav-`+nav+`"]`, 200)
		tb.a11y(nav)
	}
	tb.followWant(`main a[href="`+s.base()+`/members/`+uPL+`/edit"]`, 200)
	tb.a11y("change a member's roles")

	// On a phone, the tables scroll; the pages do not.
	// The page changing a member's roles is headed by their address,
	// which has nowhere to break. axe-core checks the first four at that
	// width too: a chart, history and report tables, a long heading.
	tb.fitsNarrowScreen(4, s.base(), s.base()+"/audit", s.base()+"/report", s.base()+"/members/"+uPL+"/edit",
		s.base()+"/grants", s.base()+"/targets", s.base()+"/members")
	if tb.js {
		tb.headerMenuOnPhone(s.base(), "members")
	}
}

// headerMenuOnPhone loads page on a phone's 320 CSS pixels, where the
// header's script has moved the link to nav into its More menu, and
// follows that link as a person would: opening the menu first.
func (tb *tab) headerMenuOnPhone(page, nav string) {
	tb.t.Helper()
	tb.do("a 320px screen", chromedp.EmulateViewport(320, 640))
	defer tb.do("the desktop screen again", chromedp.EmulateReset())
	if status := tb.open(page); status != 200 {
		tb.fail("%s at 320px: %d", page, status)
	}
	link := `[data-testid="nav-` + nav + `"]`
	if !eval[bool](tb, `!!document.querySelector(`+jsString(link)+`).closest('.nhsuk-header__menu-list[hidden]')`) {
		tb.fail("at 320px the header's %s link is not in its closed More menu", nav)
	}
	tb.followWant(link, 200)
	if got := tb.attr(link, "aria-current"); got != "page" {
		tb.fail("after following the %s link from the More menu, it is not the current page (aria-current %q)", nav, got)
	}
}

// checkDashboard checks what every dashboard has: the NHS header, a
// progress bar per target, the chart with its target line and the same
// figures in a table, and that the NHS.UK styles applied.
func (s *suite) checkDashboard(tb *tab) {
	tb.t.Helper()
	for _, sel := range []string{
		"header.nhsuk-header", "svg.app-progress-bar", `svg[data-testid="people-into-work-chart"]`,
		`[data-testid="chart-target-line"]`, `table[data-testid="people-into-work-table"]`, `[data-testid="funding-table"]`,
		`[data-testid="totals-table"]`,
	} {
		if tb.count(sel) == 0 {
			tb.fail("the dashboard has no %s", sel)
		}
	}
	// Styled: the NHS header is NHS blue, so the stylesheet loaded.
	if bg := eval[string](tb, `getComputedStyle(document.querySelector('header.nhsuk-header')).backgroundColor`); bg != "rgb(0, 94, 184)" {
		tb.fail("the NHS header's background is %s, not NHS blue: the NHS.UK styles did not apply", bg)
	}
}

// ---------------------------------------------------------------- 2. project lead

// projectLeadSubmitsOutcome: the project lead enters a bad figure, sees the
// error summary and the message beside the field, corrects it, and the
// submission is stored. With js false the page's scripts are off.
func (s *suite) projectLeadSubmitsOutcome(t *testing.T, js bool) {
	tb := s.newTab(t, uPL, js)
	defer tb.checkConsole()
	tb.signIn(uPL)
	if tb.scriptsRan() != js {
		tb.fail("app.js ran: %v, want %v", tb.scriptsRan(), js)
	}

	// Period, figures, and a bad one. With JavaScript: a negative count,
	// which the service refuses; without: words, which the form refuses.
	from, to, referrals, intoWork, bad := "2026-01-01", "2026-03-31", "52", "10", "-3"
	field, shot := "f-counts-peopleIntoWork", "outcome-errors.png"
	if !js {
		from, to, referrals, intoWork, bad = "2026-04-01", "2026-06-30", "48", "7", "seven"
		shot = "outcome-errors-no-js.png"
	}
	fromD, _ := domain.ParseDate(from)
	toD, _ := domain.ParseDate(to)

	tb.followWant(`main a[href="`+s.base()+`"]`, 200)
	tb.followWant(`[data-testid="nav-projects"]`, 200)
	tb.a11y("projects")
	tb.followWant(`main a[href="`+s.base()+`/projects/`+s.fx.ProjectA+`"]`, 200)
	tb.a11y("project")
	tb.followWant("#submit-outcomes", 200)
	tb.a11y("submit outcomes")
	fill := func() {
		tb.fillDate("f-periodStart", fromD.Time().Day(), int(fromD.Time().Month()), fromD.Time().Year())
		tb.fillDate("f-periodEnd", toD.Time().Day(), int(toD.Time().Month()), toD.Time().Year())
		tb.fill("#f-counts-referrals", referrals)
	}
	fill()
	tb.fill("#"+field, bad)
	before := len(s.srv.outcomes(t, s.fx.PID, s.fx.ProjectA))
	tb.followWant("#submit", 400)

	// The NHS error summary: titled, listing the problem, linking to the field.
	if !strings.HasPrefix(tb.title(), "Error: ") {
		tb.fail("the page title %q does not start with Error:", tb.title())
	}
	summary := `[data-testid="error-summary"]`
	tb.do("waiting for the error summary", chromedp.WaitVisible(chromedp.CSS(summary)))
	if got := tb.text(summary + " h2"); got != "There is a problem" {
		tb.fail("error summary heading %q", got)
	}
	link := summary + ` a[href="#` + field + `"]`
	if tb.count(summary+" li") != 1 || tb.count(link) != 1 {
		tb.fail("the error summary should list one problem, linking to #%s: %s", field, tb.text(summary))
	}
	msg := tb.text(link)
	// …and the same message beside the field, tied to it for screen readers.
	beside := strings.TrimPrefix(tb.text("#"+field+"-error"), "Error: ")
	if beside != msg || !strings.HasPrefix(msg, "People into work") {
		tb.fail("the message beside the field is %q, the summary says %q", beside, msg)
	}
	if !strings.Contains(tb.attr("#"+field, "aria-describedby"), field+"-error") ||
		!strings.Contains(tb.attr("#"+field, "class"), "nhsuk-input--error") ||
		tb.count(".nhsuk-form-group--error #"+field) != 1 {
		tb.fail("the field is not marked as in error")
	}
	// What was typed is kept.
	if tb.value("#"+field) != bad || tb.value("#f-counts-referrals") != referrals || tb.value("#f-periodEnd-year") != to[:4] {
		tb.fail("the form lost what was typed")
	}
	if js {
		// NHS.UK frontend moves focus to the summary, and its link to the field.
		tb.waitFor("the error summary has focus", `document.activeElement && document.activeElement.matches('[data-testid="error-summary"]')`)
		tb.do("clicking the summary's link", chromedp.Click(chromedp.CSS(link)))
		tb.waitFor("the field has focus", `document.activeElement && document.activeElement.id === `+jsString(field))
	}
	tb.a11y("outcome form with errors")
	tb.screenshot(shot)
	if n := len(s.srv.outcomes(t, s.fx.PID, s.fx.ProjectA)); n != before {
		t.Fatalf("the refused form stored a submission: %d outcomes, were %d", n, before)
	}

	// Corrected, it goes through.
	tb.fill("#"+field, intoWork)
	tb.followWant("#submit", 200)
	if p := tb.path(); !strings.Contains(p, "/projects/"+s.fx.ProjectA+"/outcomes/") || !strings.Contains(p, "?submitted=") {
		tb.fail("after submitting the browser is at %s", p)
	}
	tb.do("waiting for the success banner", chromedp.WaitVisible(chromedp.CSS(`[data-testid="submitted-banner"]`)))
	if got := tb.text(`[data-testid="count-peopleIntoWork"]`); got != intoWork {
		tb.fail("the submission shows %s people into work, want %s", got, intoWork)
	}
	if got := tb.text(`[data-testid="count-referrals"]`); got != referrals {
		tb.fail("the submission shows %s referrals, want %s", got, referrals)
	}
	tb.a11y("outcome submitted")

	// Through the service: stored once, with the corrected figures.
	all := s.srv.outcomes(t, s.fx.PID, s.fx.ProjectA)
	o, ok := outcomeFor(all, from)
	if !ok || len(all) != before+1 || o.PeriodEnd.String() != to || fmt.Sprint(o.Counts[domain.MetricPeopleIntoWork]) != intoWork ||
		fmt.Sprint(o.Counts[domain.MetricReferrals]) != referrals || o.SubmittedBy != uPL {
		t.Fatalf("the service has the outcomes %s", describe(all))
	}
	for _, o := range all {
		for m, n := range o.Counts {
			if n < 0 {
				t.Errorf("stored a negative %s: %s", m, describe(o))
			}
		}
	}
	// The project page lists it; the submission's history names the project lead.
	tb.followWant(`main a[href^="`+s.base()+`/history?entity=outcome"]`, 200)
	if !strings.Contains(tb.text(`[data-testid="history-table"]`), uPL) {
		tb.fail("the submission's history does not name %s", uPL)
	}
	tb.a11y("outcome history")
	if js {
		// Back on the form for the same quarter (the browser's Back, a
		// return's link in an older email): what was sent, and its
		// correction first; the figures sent again without saying they
		// add to those are refused, beside the box that says so.
		q := url.Values{"periodStart": {from}, "periodEnd": {to}}
		if st := tb.open(s.base() + "/projects/" + s.fx.ProjectA + "/outcomes/new?" + q.Encode()); st != 200 {
			tb.fail("the form for the quarter sent answered %d", st)
		}
		if got := tb.text(`[data-testid="sent-line"]`); !strings.HasPrefix(got, "You sent the figures for January to March 2026 on ") {
			tb.fail("the form for the quarter sent says %q", got)
		}
		tb.a11y("outcome form, figures already sent")
		tb.fill("#f-counts-referrals", referrals)
		tb.followWant("#submit", 400)
		if tb.count(summary+` a[href="#f-addToSent"]`) != 1 || tb.count(".nhsuk-form-group--error #f-addToSent") != 1 {
			tb.fail("the figures sent again are not refused beside the box: %s", tb.text(summary))
		}
		tb.a11y("outcome form, figures sent again")
		if n := len(s.srv.outcomes(t, s.fx.PID, s.fx.ProjectA)); n != before+1 {
			t.Fatalf("the figures sent again were stored: %d outcomes, want %d", n, before+1)
		}
		tb.followWant("#correct-sent", 200)
		if tb.count(`input[name="replaces"][value="`+o.ID+`"]`) != 1 {
			tb.fail("Correct those figures does not lead to the correction of %s", o.ID)
		}
	}
	if !js {
		tb.followWant(`[data-testid="nav-targets"]`, 200)
		tb.a11y("targets")
		// On a phone without JavaScript, the tables that scroll can be
		// scrolled from the keyboard all the same.
		tb.fitsNarrowScreen(2, s.base(), s.base()+"/projects/"+s.fx.ProjectA)
		tb.signOut(`[data-testid="sign-out"]`)
	}
}

// signOut signs out with the header's button (sign-out or
// sign-out-everywhere, which leave the browser alike).
func (tb *tab) signOut(button string) {
	tb.t.Helper()
	tb.followWant(button, 200)
	if p := tb.path(); p != "/app/auth/signed-out" {
		tb.fail("after signing out the browser is at %s", p)
	}
	tb.a11y("signed out")
	if tb.count(`[data-testid="signed-in-as"]`) != 0 {
		tb.fail("the signed-out page still names someone")
	}
	// The session is gone: the app sends the browser to sign in again.
	tb.open(tb.s.base())
	if p := tb.path(); !strings.HasPrefix(p, "/app/auth/login") {
		tb.fail("after signing out, the dashboard is at %s, not behind the sign-in page", p)
	}
}

// ---------------------------------------------------------------- 3. funder

// editControls are the links and buttons to the forms that change records.
var editControls = []string{
	"main form", "#record-grant", "#change-grant", "#set-target", "#add-project", "#submit-outcomes", "#add-post",
	"#add-cohort", "#correct-outcome", "#add-member", "#create-programme",
	"#record-payment", "#report-spend", "#correct-spend", `[data-testid="change-payment"]`,
	`main a[href$="/new"]`, `main a[href*="/new?"]`, `main a[href$="/edit"]`, `main a[href*="/remove"]`,
	"main input:not([type=hidden])", "main select", "main textarea", "main button",
}

// noEditForms fails when the page offers the funder any way to change a record.
func (tb *tab) noEditForms(page string) {
	tb.t.Helper()
	for _, sel := range editControls {
		if n := tb.count(sel); n != 0 {
			tb.fail("the funder's %s page has %d × %s", page, n, sel)
		}
	}
	// Nor does the header lead to pages only leads may open.
	for _, nav := range []string{"funders", "members", "audit"} {
		if tb.count(`[data-testid="nav-`+nav+`"]`) != 0 {
			tb.fail("the funder's %s page links to %s", page, nav)
		}
	}
}

func (s *suite) funderSeesTargetReached(t *testing.T) {
	// The milestone notifier runs as the scheduler would run it.
	rep, err := s.srv.Notifier.Run(context.Background())
	if err != nil {
		t.Fatalf("notifier: %v", err)
	}
	if len(s.srv.Mail.To(dwpContact)) == 0 {
		t.Fatalf("the notifier emailed nobody at the DWP: %s", describe(rep))
	}

	pr := s.srv.progress(t, s.fx.PID)
	var current int64
	for _, tp := range pr.Targets {
		if tp.TargetID == s.targetID {
			current = tp.Current
			if tp.Status != domain.StatusReached {
				t.Fatalf("the service says the target is %s: %s", tp.Status, describe(tp))
			}
		}
	}

	tb := s.newTab(t, uFunder, true)
	defer tb.checkConsole()
	tb.signIn(uFunder)
	tb.noEditForms("programmes")
	tb.a11y("programmes")
	tb.followWant(`main a[href="`+s.base()+`"]`, 200)

	// The target, reached: a green tag, the figure and a full bar.
	card := `[data-testid="target-` + s.targetID + `"]`
	tb.do("waiting for the target", chromedp.WaitVisible(chromedp.CSS(card)))
	if got := tb.text(card + ` [data-testid="status-tag"]`); got != "Reached" {
		tb.fail("the target's status on the dashboard is %q, want Reached", got)
	}
	if !strings.Contains(tb.attr(card+` [data-testid="status-tag"]`, "class"), "nhsuk-tag--green") {
		tb.fail("the Reached tag is not green")
	}
	if got, want := tb.text(card+` [data-testid="target-current"]`), fmt.Sprintf("%d of %d", current, targetValue); got != want {
		tb.fail("the target's figure is %q, want %q", got, want)
	}
	bar := eval[string](tb, `document.querySelector(`+jsString(card+` svg.app-progress-bar rect:nth-of-type(2)`)+`).getAttribute('width')`)
	if bar != "100.0%" && bar != "100%" {
		tb.fail("the progress bar is %s wide, want full", bar)
	}
	if got := tb.text(`[data-testid="total-peopleIntoWork"]`); got != fmt.Sprintf("People into work %d", current) && got != fmt.Sprint(current) {
		tb.fail("the programme total of people into work is %q, want %d", got, current)
	}
	s.checkDashboard(tb)
	tb.noEditForms("dashboard")
	tb.a11y("dashboard")
	tb.screenshot("dashboard-funder.png")

	// Every page the funder can reach, by following links: none has an edit form.
	tb.followWant(`[data-testid="nav-grants"]`, 200)
	tb.noEditForms("grants")
	if got := tb.text(`[data-testid="grants-table"] tbody`); !strings.Contains(got, "Employment specialists") || strings.Contains(got, "Network coordination") {
		tb.fail("the funder's grants list should show the DWP's grant only: %s", got)
	}
	tb.a11y("grants")
	tb.followWant(`main a[href="`+s.base()+`/grants/`+s.grantID+`"]`, 200)
	tb.noEditForms("grant")
	tb.a11y("grant")
	tb.followWant("#grant-history", 200)
	tb.noEditForms("grant history")
	tb.a11y("grant history")
	tb.followWant(`[data-testid="nav-projects"]`, 200)
	tb.noEditForms("projects")
	tb.a11y("projects")
	tb.followWant(`main a[href="`+s.base()+`/projects/`+s.fx.ProjectA+`"]`, 200)
	tb.noEditForms("project")
	tb.a11y("project")
	tb.followWant(`[data-testid="outcomes-table"] a`, 200)
	tb.noEditForms("outcome")
	tb.a11y("outcome")
	tb.followWant(`[data-testid="nav-targets"]`, 200)
	tb.noEditForms("targets")
	tb.a11y("targets")
	tb.followWant(`main a[href^="`+s.base()+`/history?entity=target"]`, 200)
	tb.noEditForms("target history")
	tb.a11y("target history")
	tb.followWant(`[data-testid="nav-notifications"]`, 200)
	tb.noEditForms("notifications")
	if got := tb.text(`[data-testid="notifications-table"] tbody`); !strings.Contains(got, "Reached") || !strings.Contains(got, dwpContact) {
		tb.fail("the notifications page shows no milestone reached, emailed to %s: %s", dwpContact, got)
	}
	tb.a11y("notifications")

	// The forms themselves, opened by address: a clear refusal, no form.
	for _, path := range []string{
		"/grants/new", "/grants/" + s.grantID + "/edit", "/targets/new", "/targets/" + s.targetID + "/edit",
		"/projects/" + s.fx.ProjectA + "/outcomes/new", "/projects/" + s.fx.ProjectA + "/posts/new",
		"/projects/" + s.fx.ProjectA + "/cohorts/new", "/members", "/members/new",
	} {
		if st := tb.open(s.base() + path); st != 403 {
			tb.fail("%s answered the funder %d, want 403", path, st)
		}
		if tb.count(`[data-testid="error-title"]`) != 1 {
			tb.fail("%s: no refusal page", path)
		}
		tb.noEditForms(path)
	}
	tb.a11y("refused")
	tb.open(s.base())
	tb.signOut(`[data-testid="sign-out-everywhere"]`) // "Sign out on every device"
}
