package web_test

// Accessibility in the pages' markup (audit-a11y.md): what a test can see
// without a browser. The browser tests (browsertest) see the rest: the
// styles, and axe-core on the pages at a desktop's and a phone's width.

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
)

var (
	tableContainer = regexp.MustCompile(`<div class="nhsuk-table-container"[^>]*>`)
	summaryLink    = regexp.MustCompile(`<li><a href="#([^"]+)">`)
)

// checkTableRegions fails unless every table's container on the page is a
// focusable region named by its table's caption, in the markup: a table
// wider than a phone's screen scrolls in it, which a keyboard can do only
// once the container takes focus, and without JavaScript the markup is all
// there is (audit-a11y D2).
func checkTableRegions(t *testing.T, what, body string) int {
	t.Helper()
	locs := tableContainer.FindAllStringIndex(body, -1)
	for _, loc := range locs {
		tag := body[loc[0]:loc[1]]
		m := regexp.MustCompile(`^<div class="nhsuk-table-container" tabindex="0" role="region" aria-labelledby="([^"]+)">$`).FindStringSubmatch(tag)
		if m == nil {
			t.Errorf("%s: %s is not a focusable region named by its caption", what, tag)
			continue
		}
		// The next caption, of the container's own table, has that id.
		rest := body[loc[1]:]
		if end := strings.Index(rest, "</table>"); end >= 0 {
			rest = rest[:end]
		}
		if !regexp.MustCompile(`<caption [^>]*id="` + regexp.QuoteMeta(m[1]) + `"`).MatchString(rest) {
			t.Errorf("%s: the container %s is labelled by %q, which is not its table's caption", what, tag, m[1])
		}
		if strings.Count(body, `id="`+m[1]+`"`) != 1 {
			t.Errorf("%s: the id %q is not on the page exactly once", what, m[1])
		}
	}
	return len(locs)
}

// TestTablesScrollableByKeyboardWithoutJavaScript: every table container
// of the pages a lead, a project lead and a funder read is, as served,
// tabindex="0" role="region" aria-labelledby its caption; so is every one
// the templates write (the pages met here cannot show every table).
func TestTablesScrollableByKeyboardWithoutJavaScript(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	_, pending := h.reportingFixture(t, f)
	p := "/app/programmes/" + f.PID
	pa := p + "/projects/" + f.ProjectA
	seen := 0
	for who, paths := range map[string][]string{
		uLead: {p, p + "/grants", p + "/grants/" + f.GrantX, p + "/targets", p + "/projects", pa, p + "/funders", p + "/members",
			p + "/audit", p + "/history?entity=grant&id=" + f.GrantX, p + "/notifications", p + "/report?period=2011-01-01..2011-03-31",
			p + "/returns", p + "/reviews", p + "/schedules", pa + "/outcomes/" + pending + "/review"},
		uPL:     {p, p + "/returns", pa},
		uFunder: {p, p + "/report?period=2011-01-01..2011-03-31"},
	} {
		b := h.as(t, who)
		for _, path := range paths {
			pg := b.get(path)
			if pg.Status != http.StatusOK {
				t.Errorf("%s GET %s: %d", who, path, pg.Status)
				continue
			}
			seen += checkTableRegions(t, who+" "+path, pg.Body)
		}
	}
	if seen < 20 {
		t.Errorf("only %d table containers on the pages: the test reads too few", seen)
	}
	files, err := filepath.Glob(filepath.Join("templates", "*.html"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no templates: %v", err)
	}
	for _, name := range files {
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, tag := range tableContainer.FindAllString(string(src), -1) {
			if !strings.Contains(tag, ` tabindex="0" role="region" aria-labelledby="`) {
				t.Errorf("%s: %s is not a focusable region named by its caption", name, tag)
			}
		}
	}
}

// checkSummaryLinks fails unless each link of the page's error summary
// leads to an input, list or text box of the page (the NHS error summary
// pattern: a group's error links to its first input, not to the fieldset
// or the div around its radios, where following the link left focus on
// nothing one can use: audit-a11y W1), and returns the links' targets.
func checkSummaryLinks(t *testing.T, what string, pg page) []string {
	t.Helper()
	if pg.Status != http.StatusBadRequest {
		t.Errorf("%s: %d, want 400\n%s", what, pg.Status, excerpt(pg.Body))
		return nil
	}
	var ids []string
	for _, m := range summaryLink.FindAllStringSubmatch(pg.Body, -1) {
		ids = append(ids, m[1])
		tag := regexp.MustCompile(`<[a-z]+ [^>]*id="` + regexp.QuoteMeta(m[1]) + `"[^>]*>`).FindString(pg.Body)
		if !regexp.MustCompile(`^<(input|select|textarea) `).MatchString(tag) {
			t.Errorf("%s: the error summary links to #%s, which is %q, not an input", what, m[1], tag)
		}
	}
	if len(ids) == 0 {
		t.Errorf("%s: no error summary links\n%s", what, excerpt(pg.Body))
	}
	return ids
}

// TestErrorSummaryLinksToTheFirstInputOfAGroup: forms sent blank link each
// problem to an input: a radio group's and a checkbox group's to its first
// radio or checkbox (which has the group's id, as NHS.UK frontend's
// radios give it), a group of boxes of their own (an outcome's counts, a
// spend return's lines) to its first box shown; and every radio group
// with an error is described by it, so a screen reader entering the group
// hears it (audit-a11y W2: the schedule's and the review's were not).
func TestErrorSummaryLinksToTheFirstInputOfAGroup(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	_, pending := h.reportingFixture(t, f)
	lead := h.as(t, uLead)
	p := "/app/programmes/" + f.PID
	pa := p + "/projects/" + f.ProjectA
	blank := func(path string, form url.Values) page {
		t.Helper()
		lead.get(path)
		return lead.post(path, form)
	}
	contains := func(what string, pg page, wants ...string) {
		t.Helper()
		for _, want := range wants {
			if !strings.Contains(pg.Body, want) {
				t.Errorf("%s: the page lacks %q\n%s", what, want, excerpt(pg.Body))
			}
		}
	}

	pg := blank(pa+"/posts/new", url.Values{"title": {"Coach"}})
	checkSummaryLinks(t, "post", pg)
	contains("post", pg, `<a href="#f-contract">`, `<input class="nhsuk-radios__input" id="f-contract" name="contract" type="radio" value="temporary">`,
		`<label class="nhsuk-label nhsuk-radios__label" for="f-contract">Temporary</label>`, `id="f-contract-permanent"`,
		`<a href="#f-status">`, `id="f-status" name="status" type="radio" value="vacant"`)
	checkDescribedBy(t, "post", pg)

	pg = blank(p+"/schedules/new", url.Values{"name": {"Monthly"}})
	checkSummaryLinks(t, "schedule", pg)
	contains("schedule", pg, `<a href="#f-frequency">`, `<fieldset class="nhsuk-fieldset" aria-describedby="f-frequency-error">`,
		`id="f-frequency" name="frequency" type="radio"`)

	pg = blank(pa+"/outcomes/"+pending+"/review", url.Values{})
	checkSummaryLinks(t, "review", pg)
	contains("review", pg, `<a href="#f-decision">`, `<fieldset class="nhsuk-fieldset" aria-describedby="f-decision-error">`,
		`id="f-decision" name="decision" type="radio" value="approve"`)

	pg = blank(pa+"/outcomes/new", url.Values{"periodStart-day": {"1"}, "periodStart-month": {"10"}, "periodStart-year": {"2011"},
		"periodEnd-day": {"31"}, "periodEnd-month": {"12"}, "periodEnd-year": {"2011"}})
	checkSummaryLinks(t, "outcome", pg)
	contains("outcome", pg, `<a href="#f-counts-referrals">`)

	pg = blank(p+"/grants/"+f.GrantX+"/payments/new", url.Values{"amountPence": {"100"}})
	checkSummaryLinks(t, "payment", pg)
	contains("payment", pg, `<a href="#f-trigger-kind">`, `id="f-trigger-kind" name="trigger.kind" type="radio" value="date"`)

	pg = blank(p+"/targets/new", url.Values{"metric": {"referrals"}, "value": {"60"}, "deadline-day": {"31"}, "deadline-month": {"3"},
		"deadline-year": {"2012"}, "notify": {"nope"}})
	checkSummaryLinks(t, "target", pg)
	contains("target", pg, `<a href="#f-notify">`)

	pg = blank(p+"/members/new", url.Values{"email": {"new.member@example.org"}})
	checkSummaryLinks(t, "member", pg)
	contains("member", pg, `<a href="#f-roles">`, `id="f-roles" name="lead" type="checkbox"`)

	// A spend return on a grant budgeted for travel alone shows only the
	// travel box: the lines' problem links to it.
	lead.get(p + "/grants/" + f.GrantY + "/edit")
	if pg := lead.post(p+"/grants/"+f.GrantY+"/edit", url.Values{"funderId": {f.FunderY}, "title": {"Network coordination"},
		"amountPence": {"50000.00"}, "awardDate": {"2010-09-01"}, "startDate": {"2010-10-01"}, "endDate": {"2012-03-31"},
		"budget.travel": {"50000.00"}, "version": {"1"}}); pg.Status != http.StatusSeeOther {
		t.Fatalf("budgeting grant Y for travel: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	pg = blank(p+"/grants/"+f.GrantY+"/spend/new", url.Values{"periodStart": {"2011-01-01"}, "periodEnd": {"2011-03-31"}})
	checkSummaryLinks(t, "spend", pg)
	contains("spend", pg, `<a href="#f-lines-travel">`)
}

// TestPagesNameTheirProgrammeAndWayBack: a programme's page's title names
// the programme ("Grants – Bradford IPS – fundtrack"), once (the dashboard
// and the report name it already), so the tabs of someone in several
// programmes differ (audit-a11y W6); every programme page has, besides the
// breadcrumb NHS.UK frontend hides on a phone, the back link it shows
// there instead, to the breadcrumb's last step (W7); and the period report
// refused wrong dates keeps a heading (W4).
func TestPagesNameTheirProgrammeAndWayBack(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	lead := h.as(t, uLead)
	p := "/app/programmes/" + f.PID
	back := func(href, text string) string {
		return `<a class="nhsuk-back-link" href="` + href + `" data-testid="breadcrumb-back"><span class="nhsuk-u-visually-hidden">Back to </span>` + text + `</a>`
	}
	for path, want := range map[string][]string{
		p:                  {"<title>Bradford IPS – fundtrack</title>", back("/app/", "Programmes")},
		p + "/grants":      {"<title>Grants – Bradford IPS – fundtrack</title>", back(p, "Bradford IPS")},
		p + "/members":     {"<title>Members – Bradford IPS – fundtrack</title>", back(p, "Bradford IPS")},
		p + "/targets/new": {"<title>Set a target – Bradford IPS – fundtrack</title>", back(p, "Bradford IPS")},
		p + "/report?period=2011-01-01..2011-03-31": {"<title>Bradford IPS: report, January to March 2011 – fundtrack</title>"},
		"/app/": {"<title>Your programmes – fundtrack</title>"},
	} {
		pg := lead.get(path)
		for _, w := range want {
			if pg.Status != http.StatusOK || !strings.Contains(pg.Body, w) {
				t.Errorf("%s: %d, the page lacks %q\n%s", path, pg.Status, w, excerpt(pg.Body))
			}
		}
	}
	pg := lead.get(p + "/report?from-day=31&from-month=2&from-year=2011&to-day=1&to-month=1&to-year=2011")
	if pg.Status != http.StatusBadRequest || strings.Count(pg.Body, "<h1") != 1 ||
		!strings.Contains(pg.Body, `<h1 data-testid="report-no-period">Bradford IPS: report</h1>`) ||
		!strings.Contains(pg.Body, "<title>Error: Bradford IPS: report – fundtrack</title>") {
		t.Errorf("the report with wrong dates: %d, want 400 with one h1\n%s", pg.Status, excerpt(pg.Body))
	}
}

// TestLinksSayWhichRecord: links repeated down a table say, in hidden
// text, which row's record they lead to (audit-a11y N1, N2).
func TestLinksSayWhichRecord(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	h.reportingFixture(t, f)
	lead := h.as(t, uLead)
	p := "/app/programmes/" + f.PID
	for path, want := range map[string]string{
		p + "/targets": `History<span class="nhsuk-u-visually-hidden"> of the target People into work: 60 by 31 March 2012</span>`,
		p + "/returns": `Submission<span class="nhsuk-u-visually-hidden"> sent for Bradford employment service's return for January to March 2011</span>`,
	} {
		if pg := lead.get(path); pg.Status != http.StatusOK || !strings.Contains(pg.Body, want) {
			t.Errorf("%s: %d, the page lacks %q\n%s", path, pg.Status, want, excerpt(pg.Body))
		}
	}
}

var notificationHistory = regexp.MustCompile(`<a [^>]*data-testid="notification-history">(.*?)</a>`)

// TestNotificationLinksSayWhichEmail: the notifications page's History
// links, one a row, each have their own name, the row's email in hidden
// text (its kind, what it is about, its project and date), not "History
// of this email" on every row (audit-a11y N2; WCAG 2.4.4).
func TestNotificationLinksSayWhichEmail(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	now := time.Now().UTC()
	days := int64(7)
	for _, n := range []domain.Notification{
		{ID: domain.NotificationID(f.TargetID, domain.KindReached, 50), Kind: domain.KindReached, TargetID: f.TargetID, Threshold: 50,
			Metric: domain.MetricPeopleIntoWork, Figure: 31, Value: 60, On: domain.MustDate("2011-06-30")},
		{ID: domain.NotificationID(f.TargetID, domain.KindAtRisk, 0), Kind: domain.KindAtRisk, TargetID: f.TargetID,
			Metric: domain.MetricPeopleIntoWork, Figure: 31, Value: 60, On: domain.MustDate("2011-09-30")},
		// Two reminders of one return, a week and a day before: alike
		// but for the days and the date.
		{ID: "reminder-7", Kind: domain.KindReminder, ProjectID: f.ProjectA, Reminder: &days,
			PeriodStart: domain.MustDate("2011-04-01"), PeriodEnd: domain.MustDate("2011-06-30"), On: domain.MustDate("2011-07-13")},
		{ID: "overdue-a", Kind: domain.KindOverdue, ProjectID: f.ProjectA,
			PeriodStart: domain.MustDate("2011-04-01"), PeriodEnd: domain.MustDate("2011-06-30"), On: domain.MustDate("2011-07-21")},
		{ID: "overdue-b", Kind: domain.KindOverdue, ProjectID: f.ProjectB,
			PeriodStart: domain.MustDate("2011-04-01"), PeriodEnd: domain.MustDate("2011-06-30"), On: domain.MustDate("2011-07-21")},
		{ID: domain.PaymentNotificationID("pay1"), Kind: domain.KindPaymentDue, ProjectID: f.ProjectA, GrantID: f.GrantX,
			GrantTitle: "Employment specialists", AmountPence: 2_500_00, Because: "due on 30 June 2011", On: domain.MustDate("2011-06-30")},
	} {
		n.ProgrammeID, n.Status, n.Attempts, n.SentAt, n.CreatedAt = f.PID, domain.NotificationSent, 1, &now, now
		n.Recipients = []string{"lead@example.org"}
		if ok, err := h.store.ClaimNotification(context.Background(), n); !ok || err != nil {
			t.Fatalf("claim %s: %v %v", n.ID, ok, err)
		}
	}
	pg := h.as(t, uLead).get("/app/programmes/" + f.PID + "/notifications")
	if pg.Status != http.StatusOK {
		t.Fatalf("notifications: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	tags := regexp.MustCompile(`<[^>]+>`)
	seen := map[string]bool{}
	for _, m := range notificationHistory.FindAllStringSubmatch(pg.Body, -1) {
		name := html.UnescapeString(tags.ReplaceAllString(m[1], ""))
		if seen[name] {
			t.Errorf("two History links are named %q", name)
		}
		seen[name] = true
	}
	if len(seen) != 6 {
		t.Errorf("%d History links with their own names, want 6: %v", len(seen), seen)
	}
	for _, want := range []string{
		"History of the milestone reached email about People into work: 31 of 60 (50% milestone), 30 June 2011",
		"History of the target at risk email about People into work: 31 of 60, 30 September 2011",
		"History of the reminder email about the return for April to June 2011 (7 days before), Bradford employment service, 13 July 2011",
		"History of the return overdue email about the return for April to June 2011, Leeds internships, 21 July 2011",
		"History of the payment due email for £2,500.00 of Employment specialists, Bradford employment service, 30 June 2011",
	} {
		if !seen[want] {
			t.Errorf("no History link is named %q; they are %v", want, seen)
		}
	}
}
