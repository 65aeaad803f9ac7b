package web

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// TestReportPresets: the report's periods are each quarter and financial
// year the programme has run into, newest first, named by their months;
// the default is the latest quarter that is over.
func TestReportPresets(t *testing.T) {
	p := domain.Programme{StartDate: domain.MustDate("2010-05-10"), EndDate: domain.MustDate("2012-03-31")}
	got := reportPresets(p, domain.MustDate("2011-08-15"))
	labels := func(ps []preset) []string {
		var out []string
		for _, p := range ps {
			out = append(out, p.Label+" "+p.Value())
		}
		return out
	}
	wantQ := []string{
		"July to September 2011 2011-07-01..2011-09-30",
		"April to June 2011 2011-04-01..2011-06-30",
		"January to March 2011 2011-01-01..2011-03-31",
		"October to December 2010 2010-10-01..2010-12-31",
		"July to September 2010 2010-07-01..2010-09-30",
		"April to June 2010 2010-04-01..2010-06-30",
	}
	if q := labels(got.Quarters); !slices.Equal(q, wantQ) {
		t.Errorf("quarters:\n%q\nwant\n%q", q, wantQ)
	}
	wantY := []string{"April 2011 to March 2012 2011-04-01..2012-03-31", "April 2010 to March 2011 2010-04-01..2011-03-31"}
	if y := labels(got.Years); !slices.Equal(y, wantY) {
		t.Errorf("years:\n%q\nwant\n%q", y, wantY)
	}
	if got.Default.Value() != "2011-04-01..2011-06-30" {
		t.Errorf("default %q, want April to June 2011, the latest quarter that is over", got.Default.Label)
	}
	if got.Whole.Label != "The whole programme, 10 May 2010 to 31 March 2012" {
		t.Errorf("whole: %q", got.Whole.Label)
	}
}

// TestChartTargetIsTheOneRunning: with targets back to back, a chart draws
// the one running on its day, not the larger one whose window is still to
// open; after the last deadline, the one that ended last; a project's
// target or another measure's is never drawn.
func TestChartTargetIsTheOneRunning(t *testing.T) {
	project := "p1"
	targets := []domain.TargetProgress{
		{TargetID: "next-year", Metric: domain.MetricPeopleIntoWork, Value: 80, Deadline: domain.MustDate("2027-03-31")},
		{TargetID: "this-year", Metric: domain.MetricPeopleIntoWork, Value: 60, Deadline: domain.MustDate("2026-03-31")},
		{TargetID: "this-year-small", Metric: domain.MetricPeopleIntoWork, Value: 20, Deadline: domain.MustDate("2026-03-31")},
		{TargetID: "last-year", Metric: domain.MetricPeopleIntoWork, Value: 90, Deadline: domain.MustDate("2025-03-31")},
		{TargetID: "a-project's", Metric: domain.MetricPeopleIntoWork, Value: 5, Deadline: domain.MustDate("2025-12-31"), ProjectID: &project},
		{TargetID: "referrals", Metric: domain.MetricReferrals, Value: 500, Deadline: domain.MustDate("2025-12-31")},
	}
	for on, want := range map[string]string{
		"2024-06-01": "last-year", // the earliest deadline not yet past
		"2025-03-31": "last-year", // its deadline day still counts it running
		"2025-06-01": "this-year", // not next-year's larger 80
		"2026-03-31": "this-year", // of two sharing a deadline, the larger
		"2026-04-01": "next-year", // the next one is running now
		"2027-04-01": "next-year", // all over: the one that ended last
		"2030-01-01": "next-year",
	} {
		got := chartTarget(targets, domain.MustDate(on))
		if got == nil || got.TargetID != want {
			t.Errorf("on %s the chart draws %v, want %s", on, got, want)
		}
	}
	if got := chartTarget(targets[4:], domain.MustDate("2025-06-01")); got != nil {
		t.Errorf("with only a project's target and another measure's, the chart draws %s, want none", got.TargetID)
	}
}

// TestReportChartStopsAtCountedMonths: while the period runs, the counted
// line stops at the last month that has ended (or a later one with
// figures), as the dashboard's does, not flat on into months to come; a
// period that is over draws every month.
func TestReportChartStopsAtCountedMonths(t *testing.T) {
	report := func(asAt string, decemberFigures int64) domain.Report {
		rep := domain.Report{From: domain.MustDate("2026-04-01"), To: domain.MustDate("2027-03-31"), TargetsAsAt: domain.MustDate(asAt),
			Targets: []domain.TargetProgress{{TargetID: "t", Metric: domain.MetricPeopleIntoWork, Value: 40, Deadline: domain.MustDate("2027-03-31")}},
			Trend:   map[string][]int64{}}
		var trend []int64
		for m := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC); m.Year() < 2027 || m.Month() <= 3; m = m.AddDate(0, 1, 0) {
			totals := map[domain.Metric]int64{domain.MetricPeopleIntoWork: 0}
			if m.Month() == 5 {
				totals[domain.MetricPeopleIntoWork] = 15
			}
			if m.Month() == 12 {
				totals[domain.MetricPeopleIntoWork] = decemberFigures
			}
			rep.ByMonth = append(rep.ByMonth, domain.MonthTotals{Month: m.Format("2006-01"), Totals: totals})
			trend = append(trend, 15)
		}
		rep.Trend["t"] = trend
		return rep
	}
	for _, c := range []struct {
		name     string
		rep      domain.Report
		points   int
		lastDesc string
	}{
		{"running, 3 December", report("2026-12-03", 0), 8, "to November 2026"},
		{"running, with December's figures in", report("2026-12-03", 2), 9, "to December 2026"},
		{"over", report("2027-03-31", 0), 12, "to March 2027"},
	} {
		svg, _ := reportChart(c.rep)
		if got := strings.Count(string(svg), `class="app-chart__point"`); got != c.points {
			t.Errorf("%s: the counted line has %d points, want %d", c.name, got, c.points)
		}
		if !strings.Contains(string(svg), "counted figure at the end of each month "+c.lastDesc) {
			t.Errorf("%s: the chart's description does not say the line runs %s\n%s", c.name, c.lastDesc, svg)
		}
		if got := strings.Count(string(svg), `data-testid="report-bar"`); got != 12 {
			t.Errorf("%s: %d bars, want one for each of the period's 12 months", c.name, got)
		}
	}
}
