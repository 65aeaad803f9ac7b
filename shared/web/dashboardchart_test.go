package web_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestDashboardChartCountsTheTargetsWindow: the dashboard's chart draws
// what its target counts. With a target of 100 into work from April 2011
// (the fixture's figures: 20 in January to March, 25 in April to June),
// the line starts in April and stands at 25 — not at the 45 counted since
// the programme began, which the target does not count.
func TestDashboardChartCountsTheTargetsWindow(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	h.build.Target(f.PID, map[string]any{"metric": "peopleIntoWork", "value": 100, "startDate": "2011-04-01",
		"deadline": "2012-03-31", "notify": []string{}})
	p := h.as(t, uLead).get("/app/programmes/" + f.PID)
	if p.Status != http.StatusOK {
		t.Fatalf("dashboard: %d", p.Status)
	}
	chart := between(p.Body, `data-testid="people-into-work-chart"`, `</svg>`)
	if want := "by month, April 2011 to June 2011, against a target of 100."; !strings.Contains(chart, want) {
		t.Errorf("the chart's description lacks %q:\n%s", want, excerpt(chart))
	}
	table := between(p.Body, `data-testid="people-into-work-table"`, `</table>`)
	for _, s := range []string{">April 2011<", ">June 2011<", `numeric">25</td>`} {
		if !strings.Contains(table, s) {
			t.Errorf("the chart's table lacks %q:\n%s", s, excerpt(table))
		}
	}
	for _, s := range []string{">March 2011<", `numeric">45</td>`} {
		if strings.Contains(table, s) {
			t.Errorf("the chart's table has %q, outside the target's window:\n%s", s, excerpt(table))
		}
	}
}

// TestDashboardTargetCardSaysItsWindow: each target's card says the days it
// counts, so two targets of one measure back to back can be told apart.
func TestDashboardTargetCardSaysItsWindow(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	id := h.build.Target(f.PID, map[string]any{"metric": "peopleIntoWork", "value": 100, "startDate": "2011-04-01",
		"deadline": "2012-03-31", "notify": []string{}}).ID
	p := h.as(t, uFunder).get("/app/programmes/" + f.PID)
	card := between(p.Body, `data-testid="target-`+id+`"`, `</div>
</div>`)
	if want := "Counts figures for 1 April 2011 to 31 March 2012."; !strings.Contains(card, want) {
		t.Errorf("the target's card lacks %q:\n%s", want, excerpt(card))
	}
}
