package web_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestPortfolioPage: the home page is the person's portfolio, a card a
// programme, with money as their roles let them see it: the funder sees
// its own grant's award, the lead the whole programme's. The overdue
// returns are those each may read: every project's for the lead and the
// funder, a project lead's own project's, and the card says whose.
func TestPortfolioPage(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	h.reportingFixture(t, f) // A's fourth quarter and B's four overdue
	const every, own = "Returns overdue across the programme", "Your project&#39;s returns overdue"
	for who, want := range map[string]struct{ awarded, label, overdue string }{
		uLead: {"£360,000.00", every, "5"}, uFunder: {"£310,000.00", every, "5"}, uPL: {"£310,000.00", own, "1"}, uPLB: {"£0.00", own, "4"},
	} {
		p := h.as(t, who).get("/app/")
		if p.Status != http.StatusOK {
			t.Fatalf("%s: %d", who, p.Status)
		}
		card := between(p.Body, `data-testid="programme-`+f.PID+`"`, `</li>`)
		for _, s := range []string{`data-testid="portfolio-awarded">` + want.awarded + `<`, `data-testid="portfolio-people-into-work">45<`,
			`href="/app/programmes/` + f.PID + `/report"`, `data-testid="portfolio-target-` + f.TargetID + `"`, `45 of 60`,
			`<dt class="nhsuk-summary-list__key">` + want.label + `</dt><dd class="nhsuk-summary-list__value" data-testid="portfolio-returns-overdue">` + want.overdue + `<`} {
			if !strings.Contains(card, s) {
				t.Errorf("%s's card lacks %q:\n%s", who, s, excerpt(card))
			}
		}
	}
	if p := h.as(t, uOutsider).get("/app/"); p.Status != http.StatusOK || !strings.Contains(p.Body, "You do not belong to any programme yet") {
		t.Errorf("outsider: %d\n%s", p.Status, excerpt(p.Body))
	}
}

// TestReportReturnsSayWhoseTheyAre: a period report counts the returns due
// in it that the reader may read, and says whose: every project's for the
// lead and the funder, a project lead's own project's.
func TestReportReturnsSayWhoseTheyAre(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	h.reportingFixture(t, f)
	// 2011's first three quarters fall due in 2011: A sent all three
	// (late), B none.
	path := "/app/programmes/" + f.PID + "/report?from-day=1&from-month=1&from-year=2011&to-day=31&to-month=12&to-year=2011"
	for who, want := range map[string]struct{ whose, due, received string }{
		uLead: {"Every project's returns.", "6", "3"}, uFunder: {"Every project's returns.", "6", "3"},
		uPL:  {"Your project&#39;s returns only: those you can see in your role.", "3", "3"},
		uPLB: {"Your project&#39;s returns only: those you can see in your role.", "3", "0"},
	} {
		p := h.as(t, who).get(path)
		if p.Status != http.StatusOK {
			t.Fatalf("%s: %d\n%s", who, p.Status, excerpt(p.Body))
		}
		for _, s := range []string{`data-testid="report-returns-whose">` + want.whose + `<`,
			`data-testid="report-returns-due">` + want.due + `<`, `data-testid="report-returns-received">` + want.received + `<`,
			// Each past its due date, none sent by it: on time counts
			// over the returns its share does.
			`data-testid="report-returns-on-time">0 of those past their due date (0`} {
			if !strings.Contains(p.Body, s) {
				t.Errorf("%s's report lacks %q:\n%s", who, s, excerpt(between(p.Body, `id="report-returns"`, `</section>`)))
			}
		}
	}
}

// TestReportPage: a quarter's report for a funder, from a preset or typed
// dates; bad or reversed dates are a form error, not a failure; a
// non-member is told there is no such programme.
func TestReportPage(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	base := "/app/programmes/" + f.PID + "/report"
	funder := h.as(t, uFunder)

	p := funder.get(base + "?period=2011-01-01..2011-03-31")
	if p.Status != http.StatusOK {
		t.Fatalf("preset: %d\n%s", p.Status, excerpt(p.Body))
	}
	for _, s := range []string{"Report for January to March 2011", `data-testid="report-total-peopleIntoWork">20<`,
		`data-testid="report-total-referrals">80<`, `data-testid="report-chart"`, `data-testid="report-target-line"`,
		`data-testid="report-target-` + f.TargetID + `"`, "20 (33.3%)", `<option value="2011-01-01..2011-03-31" selected>January to March 2011</option>`,
		`<option value="2011-04-01..2012-03-31">April 2011 to March 2012</option>`, `data-print hidden`,
		// The typed dates' boxes show the period shown.
		`name="to-day" type="text" inputmode="numeric" value="31"`} {
		if !strings.Contains(p.Body, s) {
			t.Errorf("the funder's Q1 report lacks %q", s)
		}
	}
	if n := strings.Count(p.Body, `data-testid="report-bar"`); n != 3 {
		t.Errorf("%d bars, want one a month", n)
	}

	typed := funder.get(base + "?from-day=1&from-month=4&from-year=2011&to-day=30&to-month=6&to-year=2011")
	if typed.Status != http.StatusOK || !strings.Contains(typed.Body, `data-testid="report-total-peopleIntoWork">25<`) ||
		!strings.Contains(typed.Body, "Report for April to June 2011") {
		t.Errorf("typed dates: %d\n%s", typed.Status, excerpt(typed.Body))
	}
	reversed := funder.get(base + "?from-day=30&from-month=6&from-year=2011&to-day=1&to-month=4&to-year=2011")
	if reversed.Status != http.StatusBadRequest || !strings.Contains(reversed.Body, `data-testid="error-summary"`) ||
		!strings.Contains(reversed.Body, "must not be before from") || strings.Contains(reversed.Body, `data-testid="report"`) {
		t.Errorf("reversed dates: %d\n%s", reversed.Status, excerpt(reversed.Body))
	}
	bad := funder.get(base + "?from-day=31&from-month=2&from-year=2011&to-day=&to-month=&to-year=")
	if bad.Status != http.StatusBadRequest || !strings.Contains(bad.Body, "From must be a real date") || !strings.Contains(bad.Body, "Enter the last day of the report") {
		t.Errorf("bad dates: %d\n%s", bad.Status, excerpt(bad.Body))
	}
	if p := funder.get(base + "?period=nonsense"); p.Status != http.StatusBadRequest || !strings.Contains(p.Body, "Choose a period from the list") {
		t.Errorf("a made-up preset: %d", p.Status)
	}
	// No period: the latest quarter that is over.
	if p := funder.get(base); p.Status != http.StatusOK || !strings.Contains(p.Body, "Report for January to March 2012") {
		t.Errorf("the default period: %d\n%s", p.Status, excerpt(p.Body))
	}
	if p := h.as(t, uOutsider).get(base + "?from-day=30&from-month=6&from-year=2011&to-day=1&to-month=4&to-year=2011"); p.Status != http.StatusNotFound {
		t.Errorf("an outsider with reversed dates: %d, want 404", p.Status)
	}
}

// between is s from the first from to the next until after it.
func between(s, from, until string) string {
	i := strings.Index(s, from)
	if i < 0 {
		return ""
	}
	s = s[i:]
	if j := strings.Index(s, until); j >= 0 {
		return s[:j]
	}
	return s
}

// TestMeasuresOnDashboardAndReport: the wellbeing measures' table, one
// partial, shows the same figures on the dashboard and in the period
// report that covers the submission.
func TestMeasuresOnDashboardAndReport(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	h.build.Outcome(f.PID, f.ProjectA, map[string]any{"periodStart": "2011-02-01", "periodEnd": "2011-02-28",
		"counts":   map[string]any{"referrals": 1},
		"measures": []map[string]any{{"name": "self-confidence", "baselineMean": 3.0, "latestMean": 6.9, "respondents": 8}}})
	lead := h.as(t, uLead)
	for path, table := range map[string]string{
		"/app/programmes/" + f.PID: `<h2 id="wellbeing">`,
		"/app/programmes/" + f.PID + "/report?period=2011-01-01..2011-03-31": `data-testid="report-measures"`,
	} {
		p := lead.get(path)
		if p.Status != http.StatusOK {
			t.Fatalf("%s: %d", path, p.Status)
		}
		got := between(p.Body, table, `</table>`)
		for _, s := range []string{">self-confidence<", ">3<", ">6.9<", ">130.0%<", ">8<", `scope="col">Respondents<`} {
			if !strings.Contains(got, s) {
				t.Errorf("%s: the measures table lacks %q:\n%s", path, s, excerpt(got))
			}
		}
	}
}
