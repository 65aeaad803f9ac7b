package web_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestPagesGroupThousandsAndStopShortOf100: counts over 999 are written
// with commas on the pages, as the emails and money write them ("1,999 of
// 2,000", not "1999 of 2000"), and a target one short of 2,000 shows
// 99.9%, never 100.0% beside its "missed" tag, on the dashboard (its
// projection too), the portfolio and the period report (audit W1, N2).
func TestPagesGroupThousandsAndStopShortOf100(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	// The fixture's 170 referrals for project A, and 1,829 for project B:
	// 1,999 of a target of 2,000, missed in March 2012.
	h.build.Outcome(f.PID, f.ProjectB, map[string]any{"periodStart": "2011-07-01", "periodEnd": "2011-09-30",
		"counts": map[string]int{"referrals": 1829, "peopleIntoWork": 1200}})
	id := h.build.Target(f.PID, map[string]any{"metric": "referrals", "value": 2000, "deadline": "2012-03-31", "notify": []string{}}).ID
	lead := h.as(t, uLead)
	p := "/app/programmes/" + f.PID

	dash := lead.get(p)
	if dash.Status != http.StatusOK {
		t.Fatalf("dashboard: %d\n%s", dash.Status, excerpt(dash.Body))
	}
	card := between(dash.Body, `data-testid="target-`+id+`"`, "</div>\n</div>")
	for _, want := range []string{"Referrals: 2,000 by 31 March 2012", `<span data-testid="target-current">1,999 of 2,000</span> (99.9%)`,
		"Projected at the deadline: 1,999 (99.9% of the target)."} {
		if !strings.Contains(card, want) {
			t.Errorf("the target's card lacks %q:\n%s", want, excerpt(card))
		}
	}
	if strings.Contains(card, "100.0%") {
		t.Errorf("a target not reached shows 100.0%%:\n%s", excerpt(card))
	}
	// The programme's people-into-work target of 60: 45 + 1,200.
	for _, want := range []string{`data-testid="total-referrals"`, ">1,999</strong>", ">1,245</strong>", ">1,829</td>", "Target (60)"} {
		if !strings.Contains(dash.Body, want) {
			t.Errorf("the dashboard lacks %q", want)
		}
	}
	table := between(dash.Body, `data-testid="people-into-work-table"`, `</table>`)
	for _, want := range []string{`numeric">1,200</td>`, `numeric">1,245</td>`} {
		if !strings.Contains(table, want) {
			t.Errorf("the people-into-work table lacks %q:\n%s", want, excerpt(table))
		}
	}

	portfolio := lead.get("/app/")
	target := between(portfolio.Body, `data-testid="portfolio-target-`+id+`"`, `</p>`)
	if !strings.Contains(target, `<span data-testid="target-current">1,999 of 2,000</span> (99.9%)`) {
		t.Errorf("the portfolio's target: %d %q", portfolio.Status, target)
	}
	if people := between(portfolio.Body, `data-testid="portfolio-people-into-work"`, `</dd>`); !strings.Contains(people, ">1,245") {
		t.Errorf("the portfolio's people into work: %q", people)
	}

	report := lead.get(p + "/report?period=2010-10-01..2012-03-31")
	row := between(report.Body, `data-testid="report-target-`+id+`"`, `</tr>`)
	if !strings.Contains(row, "2,000 referrals by 31 March 2012") || !strings.Contains(row, "1,999 (99.9%)") {
		t.Errorf("the report's target: %d %q", report.Status, row)
	}
	if total := between(report.Body, `data-testid="report-total-referrals"`, `</td>`); !strings.Contains(total, ">1,999") {
		t.Errorf("the report's referrals: %q", total)
	}

	if targets := lead.get(p + "/targets"); !strings.Contains(targets.Body, "Referrals: 2,000 by 31 March 2012") {
		t.Errorf("the targets page does not write 2,000:\n%s", excerpt(targets.Body))
	}
}
