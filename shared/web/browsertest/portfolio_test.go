package browsertest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/fundtrack/fundtrack/shared/testkit"
)

// pdfTools returns the paths of poppler-utils' pdftotext and pdfinfo.
// `make test` (FUNDTRACK_REQUIRE_PDFTOTEXT=1) and CI install them, so there
// a missing one fails the test saying what to do; run by hand without them
// the test is skipped, saying why.
func pdfTools(t *testing.T) (pdftotext, pdfinfo string) {
	t.Helper()
	var missing []string
	for _, name := range []string{"pdftotext", "pdfinfo"} {
		p, err := exec.LookPath(name)
		if err != nil {
			missing = append(missing, name)
		}
		if name == "pdftotext" {
			pdftotext = p
		} else {
			pdfinfo = p
		}
	}
	if len(missing) == 0 {
		return pdftotext, pdfinfo
	}
	msg := "reading the printed report needs " + strings.Join(missing, " and ") +
		" from poppler-utils: `sudo apt-get install -y poppler-utils` (`make test`, infra/stack.sh browser and .ci/run install it)"
	if os.Getenv("FUNDTRACK_REQUIRE_PDFTOTEXT") != "" {
		t.Fatal(msg)
	}
	t.Skip("skipped: " + msg)
	return "", ""
}

// portfolioStory is two programmes the same funder belongs to, each with
// a grant of its own and a grant of another funder's.
type portfolioStory struct {
	p1, p2              string
	name1, name2        string
	target1             string
	ownPence, ownPence2 int64
}

// uDWP is the demo funder, a member of both programmes for the DWP.
const uDWP = uFunder

func (s *suite) seedPortfolio(t *testing.T) portfolioStory {
	t.Helper()
	b := s.srv.build
	st := portfolioStory{name1: "Working for Wellness East Midlands", name2: "Bradford IPS network", ownPence: 31000000, ownPence2: 12500000}
	st.p1 = b.Programme(map[string]any{"name": st.name1, "leadOrganisation": "Leicestershire Partnership NHS Trust",
		"region": "East Midlands", "startDate": "2010-04-01", "endDate": "2012-03-31"}).ID
	st.p2 = b.Programme(map[string]any{"name": st.name2, "leadOrganisation": "Bradford District Care NHS Foundation Trust",
		"startDate": "2010-10-01", "endDate": "2012-03-31"}).ID
	for _, c := range []struct {
		pid        string
		own, other int64
	}{{st.p1, st.ownPence, 49000000}, {st.p2, st.ownPence2, 7000000}} {
		dwp := b.Funder(c.pid, map[string]any{"name": dwpName, "orgId": "GB-GOR-D10", "contacts": []string{uDWP}}).ID
		sha := b.Funder(c.pid, map[string]any{"name": "East Midlands SHA", "contacts": []string{"grants@sha.example.nhs.uk"}}).ID
		project := b.Project(c.pid, map[string]any{"name": "Leicester employment service", "leadOrganisation": "LPT",
			"startDate": "2010-04-01", "endDate": "2012-03-31"}).ID
		b.Member(c.pid, uDWP, testkit.RoleFunder(dwp))
		own := b.Grant(c.pid, map[string]any{"funderId": dwp, "projectId": project, "title": "Employment specialists", "amountPence": c.own,
			"currency": "GBP", "awardDate": "2010-03-01", "startDate": "2010-04-01", "endDate": "2012-03-31"}).ID
		other := b.Grant(c.pid, map[string]any{"funderId": sha, "title": "Network coordination", "amountPence": c.other,
			"currency": "GBP", "awardDate": "2010-03-01", "startDate": "2010-04-01", "endDate": "2012-03-31"}).ID
		// A tranche of each grant paid in February 2011, spend on the
		// DWP's for the quarter: the funder sees its own grant's alone.
		for _, g := range []string{own, other} {
			pay := b.Payment(c.pid, g, map[string]any{"amountPence": 2500000, "dueDate": "2011-02-01", "trigger": map[string]any{"kind": "date"}})
			b.PayNow(c.pid, g, pay.ID, "2011-02-14")
		}
		b.Spend(c.pid, own, map[string]any{"periodStart": "2011-01-01", "periodEnd": "2011-03-31",
			"lines": []map[string]any{{"category": "staff", "amountPence": 1875000}}})
		tg := b.Target(c.pid, map[string]any{"metric": "peopleIntoWork", "value": 60, "deadline": "2012-03-31", "notify": []string{dwp}}).ID
		if c.pid == st.p1 {
			st.target1 = tg
		}
		// Monthly figures through the first quarter of 2011, measures in March.
		for _, m := range []struct {
			from, to            string
			referrals, intoWork int
		}{
			{"2010-10-01", "2010-12-31", 30, 9},
			{"2011-01-01", "2011-01-31", 14, 4},
			{"2011-02-01", "2011-02-28", 11, 3},
			{"2011-03-01", "2011-03-31", 17, 7},
			{"2011-04-01", "2011-06-30", 40, 12},
		} {
			body := map[string]any{"periodStart": m.from, "periodEnd": m.to,
				"counts": map[string]int{"referrals": m.referrals, "peopleIntoWork": m.intoWork}}
			if m.to == "2011-03-31" {
				body["measures"] = []map[string]any{{"name": "self-confidence", "baselineMean": 3.0, "latestMean": 6.9, "respondents": 8}}
			}
			b.Outcome(c.pid, project, body)
		}
	}
	return st
}

// TestFunderPortfolioAndPrintedReport is the story: a funder in two
// programmes signs in and lands on their portfolio, sees both with money
// from its own grants only, opens a quarter's report, and saves it as a
// PDF. Chromium prints the page as the browser's "Save as PDF" would (CSS
// page size, print media); pdfinfo and pdftotext read the file back: A4
// pages, as many as the report needs, the report's figures in the text,
// and none of the page's navigation or forms.
func TestFunderPortfolioAndPrintedReport(t *testing.T) {
	t.Parallel()
	pdftotext, pdfinfo := pdfTools(t)
	root := repoRoot(t)
	s := &suite{a11y: &a11yReport{}, shots: filepath.Join(root, "build", "screenshots")}
	if err := os.MkdirAll(s.shots, 0o755); err != nil {
		t.Fatal(err)
	}
	s.browser = sharedBrowser(t)
	s.srv = startServer(t)
	st := s.seedPortfolio(t)

	tb := s.newTab(t, uDWP, true)
	defer tb.checkConsole()
	tb.signIn(uDWP) // lands on /app/, the portfolio
	if n := tb.count(`[data-testid="portfolio"] > li`); n != 2 {
		tb.fail("%d programmes on the funder's portfolio, want its two", n)
	}
	for pid, want := range map[string]int64{st.p1: st.ownPence, st.p2: st.ownPence2} {
		card := `[data-testid="programme-` + pid + `"]`
		if got := tb.text(card + ` [data-testid="portfolio-awarded"]`); got != money(want) {
			tb.fail("programme %s shows %s awarded, want %s: its own grant alone", pid, got, money(want))
		}
		if got := tb.text(card + ` [data-testid="portfolio-paid"]`); got != "£25,000.00" {
			tb.fail("programme %s shows %s paid, want £25,000.00: its own grant's tranche alone", pid, got)
		}
		if got := tb.text(card + ` [data-testid="portfolio-people-into-work"]`); got != "35" {
			tb.fail("programme %s shows %s into work, want 35", pid, got)
		}
		if got := tb.text(card + ` [data-testid="programme-roles"]`); got != "Your role: Funder" {
			tb.fail("programme %s: %q", pid, got)
		}
	}
	tb.a11y("portfolio")
	tb.screenshot("portfolio.png")

	// The first programme's report: a quarter chosen from the presets.
	tb.followWant(`[data-testid="programme-`+st.p1+`"] [data-testid="programme-report"]`, 200)
	tb.choose("#period", "2011-01-01..2011-03-31")
	tb.followWant("#show-preset", 200)
	if got := tb.text(`[data-testid="report-period"]`); got != "Report for January to March 2011" {
		tb.fail("the report is for %q", got)
	}
	want := map[string]string{"report-total-peopleIntoWork": "14", "report-total-referrals": "42", "report-paid": "£25,000.00",
		"report-spent": "£18,750.00", "report-returns-due": "0"}
	for id, v := range want {
		if got := tb.text(`[data-testid="` + id + `"]`); got != v {
			tb.fail("%s shows %q, want %q", id, got, v)
		}
	}
	if got := tb.text(`[data-testid="report-target-` + st.target1 + `"]`); !strings.Contains(got, "23 (38.3%)") {
		tb.fail("the target as at 31 March 2011: %q, want 23 counted (38.3%%)", got)
	}
	if tb.count(`[data-testid="report-chart"] [data-testid="report-bar"]`) != 3 || tb.count(`[data-testid="report-target-line"]`) != 1 {
		tb.fail("the chart has %d bars and %d target lines, want 3 and 1", tb.count(`[data-testid="report-bar"]`), tb.count(`[data-testid="report-target-line"]`))
	}
	if !eval[bool](tb, `!document.querySelector('[data-print]').hidden`) {
		tb.fail("the print button is still hidden with scripts on")
	}
	tb.metricTablesFit("period report")
	tb.a11y("period report")
	tb.screenshot("report.png")

	// In print, only the report: no header, breadcrumbs, period forms or
	// footer; no table row, chart or summary row cut across two pages.
	s.printChecks(tb)
	pdf := tb.printPDF()
	path := filepath.Join(s.shots, "report-2011-q1.pdf")
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("printed: %s (%d KB)", path, len(pdf)/1024)
	pages, size := pdfPages(t, pdfinfo, path)
	if size != "A4" || pages < 1 || pages > 3 {
		t.Errorf("the quarter's report printed on %d %s pages, want one to three A4 pages", pages, size)
	}
	text := pdfText(t, pdftotext, path)
	for _, s := range []string{st.name1, "Report for January to March 2011", "Outcomes in the period", "People into work by month",
		"January 2011", "February 2011", "March 2011", "Targets as at 31 March 2011", "60 people into work by 31 March 2012", "23 (38.3%)",
		"Returns due in the period", "self-confidence", "130.0%", "£25,000.00", "£18,750.00"} {
		if !strings.Contains(text, s) {
			t.Errorf("the PDF's text lacks %q", s)
		}
	}
	for _, s := range []string{"Sign out", "Skip to main content", "Choose your own dates", "Show report", "Print or save as PDF", "Audit trail"} {
		if strings.Contains(text, s) {
			t.Errorf("the PDF carries the page's %q", s)
		}
	}
	if !regexp.MustCompile(`People into work\s+14\b`).MatchString(text) || !regexp.MustCompile(`Referrals\s+42\b`).MatchString(text) {
		t.Errorf("the PDF's totals are not the report's:\n%s", text)
	}

	// The whole programme runs to more pages; each page's table rows stay
	// whole (a month's row is on one line of one page).
	tb.choose("#period", "2010-04-01..2012-03-31")
	tb.followWant("#show-preset", 200)
	long := tb.printPDF()
	path = filepath.Join(s.shots, "report-whole.pdf")
	if err := os.WriteFile(path, long, 0o644); err != nil {
		t.Fatal(err)
	}
	longPages, size := pdfPages(t, pdfinfo, path)
	if size != "A4" || longPages <= pages {
		t.Errorf("the whole programme's report printed on %d %s pages, want more than the quarter's %d", longPages, size, pages)
	}
	text = pdfText(t, pdftotext, path)
	for _, month := range []string{"October 2010", "March 2011", "June 2011", "March 2012"} {
		if !regexp.MustCompile(month + `\s+\d+\s+\d+\s+\d+`).MatchString(text) {
			t.Errorf("the row of %s is not whole on one line of the PDF", month)
		}
	}
	s.a11y.write(t, filepath.Join(s.shots, "axe-report-portfolio.txt"))
}

// printChecks checks, with the page in print media, that only the report
// prints and that nothing it must not cut can be cut.
func (s *suite) printChecks(tb *tab) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		tb.fail("emulating print: %v", err)
	}
	defer chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: ""})
	// Shown means laid out: an element inside one not displayed has no box.
	hidden := eval[[]string](tb, `['header.nhsuk-header', 'footer.nhsuk-footer', '.nhsuk-breadcrumb', '[data-testid="report-choose"]', '[data-print]']
		.filter(sel => document.querySelector(sel) && document.querySelector(sel).getClientRects().length > 0)`)
	if len(hidden) > 0 {
		tb.fail("in print, these still show: %v", hidden)
	}
	cut := eval[[]string](tb, `[...document.querySelectorAll('.app-report tr, .app-report .app-chart, .app-report .nhsuk-summary-list__row')]
		.filter(el => getComputedStyle(el).breakInside !== 'avoid').map(el => el.tagName + ' ' + el.textContent.trim().slice(0, 40))`)
	if len(cut) > 0 {
		tb.fail("in print, these may be cut across pages: %v", cut)
	}
	if got := eval[string](tb, `getComputedStyle(document.querySelector('.app-report thead')).display`); got != "table-header-group" {
		tb.fail("in print, table heads are %q, not repeated on each page", got)
	}
}

// printPDF prints the page as Chromium's "Save as PDF" does: the page's
// own CSS page size (A4) and print styles.
func (tb *tab) printPDF() []byte {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, stepTimeout)
	defer cancel()
	yes := true
	res, err := chromedp.Call(ctx, page.PrintToPDF, page.PrintToPDFParams{PreferCSSPageSize: &yes, PrintBackground: &yes})
	if err != nil {
		tb.fail("printing to PDF: %v", err)
	}
	if len(res.Data) < 1000 || !strings.HasPrefix(string(res.Data), "%PDF-") {
		tb.fail("Chromium printed %d bytes that are not a PDF", len(res.Data))
	}
	return res.Data
}

// pdfPages reads a PDF's page count and paper size ("A4") with pdfinfo.
func pdfPages(t *testing.T, pdfinfo, path string) (int, string) {
	t.Helper()
	out, err := exec.Command(pdfinfo, path).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfinfo %s: %v\n%s", path, err, out)
	}
	var pages int
	var size string
	for _, line := range strings.Split(string(out), "\n") {
		k, v, _ := strings.Cut(line, ":")
		v = strings.TrimSpace(v)
		switch k {
		case "Pages":
			pages, _ = strconv.Atoi(v)
		case "Page size":
			// "595.276 x 841.89 pts (A4)"
			if i := strings.LastIndex(v, "("); i >= 0 {
				size = strings.Trim(v[i:], "()")
			}
		}
	}
	t.Logf("%s: %d pages, %s", filepath.Base(path), pages, size)
	return pages, size
}

// pdfText is a PDF's text, laid out as printed, with runs of spaces kept
// (so a table row reads as one line).
func pdfText(t *testing.T, pdftotext, path string) string {
	t.Helper()
	out, err := exec.Command(pdftotext, "-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", path, err)
	}
	return string(out)
}

// money writes pence as the pages do: £310,000.00.
func money(pence int64) string {
	s := strconv.FormatInt(pence/100, 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return "£" + b.String() + "." + strconv.FormatInt(pence%100+100, 10)[1:]
}
