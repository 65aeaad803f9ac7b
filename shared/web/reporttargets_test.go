package web_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestReportListsEveryTarget: the report lists every target, as progress
// does, not only those whose dates overlap the period: a target still to
// open shows 0 counted, one over before the period how it ended. The page
// says so, and says when targets are judged as at today because the
// period has not ended.
func TestReportListsEveryTarget(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	// 90 referrals were counted for April to June 2011.
	spring := h.build.Target(f.PID, map[string]any{"metric": "referrals", "value": 100,
		"startDate": "2011-04-01", "deadline": "2011-06-30", "notify": []string{}}).ID
	// A people-into-work target of April to June 2011: in a report of
	// January to March it is listed, but the chart draws the programme's
	// target running through the period, not one yet to open.
	h.build.Target(f.PID, map[string]any{"metric": "peopleIntoWork", "value": 30,
		"startDate": "2011-04-01", "deadline": "2011-06-30", "notify": []string{}})
	base := "/app/programmes/" + f.PID + "/report"
	funder := h.as(t, uFunder)

	row := func(body, id string) string { return between(body, `data-testid="report-target-`+id+`"`, `</tr>`) }
	before := funder.get(base + "?period=2011-01-01..2011-03-31")
	if before.Status != http.StatusOK {
		t.Fatalf("January to March 2011: %d\n%s", before.Status, excerpt(before.Body))
	}
	if r := row(before.Body, spring); !strings.Contains(r, "0 (0.0%)") || !strings.Contains(r, "On track") {
		t.Errorf("January to March 2011, the target opening in April: %q", r)
	}
	if !strings.Contains(before.Body, "Target (60)") {
		t.Errorf("January to March 2011's chart does not draw the programme's target of 60:\n%s", excerpt(between(before.Body, `id="report-by-month"`, `</section>`)))
	}
	if !strings.Contains(before.Body, "Every target of the programme, as progress lists them, counted up to 31 March 2011.") {
		t.Errorf("January to March 2011 does not say which targets it lists:\n%s", excerpt(between(before.Body, `id="report-targets"`, `</section>`)))
	}
	after := funder.get(base + "?period=2011-07-01..2011-09-30")
	if r := row(after.Body, spring); after.Status != http.StatusOK || !strings.Contains(r, "90 (90.0%)") || !strings.Contains(r, "Missed") {
		t.Errorf("July to September 2011, the target over in June: %d %q", after.Status, r)
	}
	// The programme's own target is still the one the chart draws.
	if !strings.Contains(after.Body, `data-testid="report-target-line"`) || !strings.Contains(after.Body, "Target (60)") {
		t.Errorf("July to September 2011's chart lost the programme's target:\n%s", excerpt(between(after.Body, `id="report-by-month"`, `</section>`)))
	}
	running := funder.get(base + "?from-day=1&from-month=4&from-year=2012&to-day=31&to-month=12&to-year=2036")
	if running.Status != http.StatusOK || !strings.Contains(running.Body, "The period has not ended, so each is counted so far and judged as it stands today, ") ||
		!strings.Contains(running.Body, `<h2 id="report-targets">Targets as at today, `) {
		t.Errorf("a period not yet over: %d\n%s", running.Status, excerpt(between(running.Body, `id="report-targets"`, `</section>`)))
	}
}
