package web

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// chartCases are both pages' charts for fixed figures: the dashboard's
// (with a target's window and without a target, and a single month) and
// the period report's (with a target and without).
func chartCases() map[string]string {
	months := func(from string, n int, each func(i int) int64) []domain.MonthTotals {
		t, _ := time.Parse("2006-01", from)
		var out []domain.MonthTotals
		for i := range n {
			out = append(out, domain.MonthTotals{Month: t.AddDate(0, i, 0).Format("2006-01"),
				Totals: map[domain.Metric]int64{domain.MetricPeopleIntoWork: each(i)}})
		}
		return out
	}
	prog := domain.Programme{StartDate: domain.MustDate("2024-04-01"), EndDate: domain.MustDate("2027-03-31")}
	out := map[string]string{}

	// The dashboard with no target: cumulative from the programme's start.
	pr := domain.Progress{AsOf: time.Date(2025, 6, 15, 12, 0, 0, 0, time.UTC),
		Monthly: months("2024-06", 13, func(i int) int64 { return int64(i % 4) })}
	out["dashboard-no-target"] = string(peopleIntoWorkChart(prog, pr).SVG)

	// The dashboard with a target over April 2025 to March 2026.
	pr.Targets = []domain.TargetProgress{{TargetID: "t", Metric: domain.MetricPeopleIntoWork, Value: 30,
		Deadline: domain.MustDate("2026-03-31")}}
	pr.Trends = map[string]domain.TargetTrend{"t": {From: domain.MustDate("2025-04-01"),
		Figures: []int64{2, 5, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9}}}
	pr.Monthly = months("2025-04", 3, func(i int) int64 { return []int64{2, 3, 4}[i] })
	out["dashboard-target"] = string(peopleIntoWorkChart(prog, pr).SVG)

	// The dashboard with one month of figures.
	one := domain.Progress{AsOf: pr.AsOf, Monthly: months("2024-04", 1, func(int) int64 { return 7 })}
	out["dashboard-one-month"] = string(peopleIntoWorkChart(domain.Programme{}, one).SVG)

	// The report with a target, over a year that has ended.
	rep := domain.Report{From: domain.MustDate("2025-04-01"), To: domain.MustDate("2026-03-31"), TargetsAsAt: domain.MustDate("2026-03-31"),
		ByMonth: months("2025-04", 12, func(i int) int64 { return int64(3 * (i % 5)) }),
		Targets: []domain.TargetProgress{{TargetID: "t", Metric: domain.MetricPeopleIntoWork, Value: 40, Deadline: domain.MustDate("2026-03-31")}},
		Trend:   map[string][]int64{"t": {0, 3, 9, 18, 30, 30, 33, 39, 48, 60, 60, 63}}}
	svg, _ := reportChart(rep)
	out["report-target"] = string(svg)

	// The report with no target, over a quarter.
	rep = domain.Report{From: domain.MustDate("2025-04-01"), To: domain.MustDate("2025-06-30"),
		ByMonth: months("2025-04", 3, func(i int) int64 { return int64(i + 1) })}
	svg, _ = reportChart(rep)
	out["report-no-target"] = string(svg)
	return out
}

// TestChartsShareTheirFrame: both pages' charts have the same frame: an
// SVG image labelled by its title and description, five grid lines with
// their values, the two axes, and month labels ("Jan 2026") no more than
// eight and a few more; each page then draws its own series.
//
// With CHART_GOLDEN_DIR set it writes each chart there, to compare a
// change's SVG with the one before it byte for byte.
func TestChartsShareTheirFrame(t *testing.T) {
	if dir := os.Getenv("CHART_GOLDEN_DIR"); dir != "" {
		for name, svg := range chartCases() {
			if err := os.WriteFile(filepath.Join(dir, name+".svg"), []byte(svg), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	monthLabel := regexp.MustCompile(`<text [^>]*>(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}</text>`)
	for name, c := range map[string]struct {
		id, testID, title, desc string
		months                  []string // the month labels, in order
		series                  string   // what the page draws of its own
		seriesCount             int
		target                  string
	}{
		"dashboard-no-target": {"chart", "people-into-work-chart", "People into work over time",
			"Cumulative people into work by month, April 2024 to June 2025. The figures are also in the table below.",
			[]string{"Apr 2024", "Jun 2024", "Aug 2024", "Oct 2024", "Dec 2024", "Feb 2025", "Apr 2025", "Jun 2025"},
			`class="app-chart__point"`, 13, ""},
		"dashboard-target": {"chart", "people-into-work-chart", "People into work over time",
			"Cumulative people into work by month, April 2025 to June 2025, against a target of 30. The figures are also in the table below.",
			// March, the last, is too close to February to label.
			[]string{"Apr 2025", "Jun 2025", "Aug 2025", "Oct 2025", "Dec 2025", "Feb 2026"},
			`class="app-chart__point"`, 3, `data-testid="chart-target-line"`},
		"dashboard-one-month": {"chart", "people-into-work-chart", "People into work over time",
			"Cumulative people into work by month, April 2024 to April 2024. The figures are also in the table below.",
			[]string{"Apr 2024"}, `class="app-chart__point"`, 1, ""},
		"report-target": {"report-chart", "report-chart", "People into work by month",
			"People into work in each month of the period, April 2025 to March 2026, with the programme's target of 40 and its counted figure at the end of each month to March 2026. The figures are also in the tables below.",
			[]string{"Apr 2025", "Jun 2025", "Aug 2025", "Oct 2025", "Dec 2025", "Feb 2026"},
			`data-testid="report-bar"`, 12, `data-testid="report-target-line"`},
		"report-no-target": {"report-chart", "report-chart", "People into work by month",
			"People into work in each month of the period, April 2025 to June 2025. The figures are also in the tables below.",
			[]string{"Apr 2025", "May 2025", "Jun 2025"}, `data-testid="report-bar"`, 3, ""},
	} {
		svg := chartCases()[name]
		open := `<svg class="app-chart" viewBox="0 0 720 `
		if !strings.HasPrefix(svg, open) || !strings.HasSuffix(svg, "</svg>") {
			t.Errorf("%s: not one app-chart SVG:\n%s", name, svg)
			continue
		}
		for _, want := range []string{
			`role="img" aria-labelledby="` + c.id + `-title ` + c.id + `-desc" data-testid="` + c.testID + `"`,
			`<title id="` + c.id + `-title">` + c.title + `</title><desc id="` + c.id + `-desc">` + strings.ReplaceAll(c.desc, "'", "&#39;") + `</desc>`,
		} {
			if !strings.Contains(svg, want) {
				t.Errorf("%s: lacks %q:\n%s", name, want, svg)
			}
		}
		if got := strings.Count(svg, `class="app-chart__grid"`); got != 5 {
			t.Errorf("%s: %d grid lines, want 5", name, got)
		}
		if got := regexp.MustCompile(`<line class="app-chart__grid"[^>]*/><text x="48.0" y="[0-9.]+" text-anchor="end">[0-9.]+</text>`).FindAllString(svg, -1); len(got) != 5 {
			t.Errorf("%s: %d grid lines labelled with their values, want 5", name, len(got))
		}
		if got := strings.Count(svg, `class="app-chart__axis"`); got != 2 {
			t.Errorf("%s: %d axes, want 2", name, got)
		}
		var labels []string
		for _, m := range monthLabel.FindAllStringSubmatch(svg, -1) {
			labels = append(labels, strings.TrimSuffix(m[0][strings.Index(m[0], ">")+1:], "</text>"))
		}
		if strings.Join(labels, ",") != strings.Join(c.months, ",") {
			t.Errorf("%s: month labels %q, want %q", name, labels, c.months)
		}
		if got := strings.Count(svg, c.series); got != c.seriesCount {
			t.Errorf("%s: %d of %s, want %d", name, got, c.series, c.seriesCount)
		}
		if got, want := strings.Count(svg, `class="app-chart__target"`), 0; c.target == "" && got != want {
			t.Errorf("%s: a target line with no target", name)
		}
		if c.target != "" && strings.Count(svg, c.target) != 1 {
			t.Errorf("%s: no %s", name, c.target)
		}
	}
}

// TestChartGridWholeNumbers: a chart's y axis, for the largest figure it
// draws, has its five grid lines at whole numbers evenly spaced from 0, a
// step of 1, 2 or 5 times a power of ten (or 25, 250, …), with room above
// the largest figure. Figures are counts: a grid line at 2.5 or 12.5
// would be a value no figure can have.
func TestChartGridWholeNumbers(t *testing.T) {
	label := regexp.MustCompile(`<text x="48.0" y="[0-9.]+" text-anchor="end">([^<]*)</text>`)
	nice := map[int64]bool{}
	for p := int64(1); p <= 1_000_000; p *= 10 {
		nice[p], nice[2*p], nice[5*p] = true, true, true
		if p >= 10 {
			nice[5*p/2] = true
		}
	}
	for _, c := range []struct{ maxY, top int64 }{
		{0, 4}, {1, 4}, {2, 4}, {3, 4}, {4, 8}, {5, 8}, {7, 8}, {9, 20}, {10, 20}, {11, 20},
		{23, 40}, {36, 40}, {80, 100}, {99, 200}, {101, 200}, {1234, 2000},
	} {
		f := newChartFrame(300, 48, c.maxY)
		var b strings.Builder
		f.open(&b, "c", "c", "title", "desc")
		var got []int64
		for _, m := range label.FindAllStringSubmatch(b.String(), -1) {
			n, err := strconv.ParseInt(strings.ReplaceAll(m[1], ",", ""), 10, 64)
			if err != nil {
				t.Errorf("max %d: grid label %q is not a whole number", c.maxY, m[1])
			}
			// Thousands grouped, as the page's counts are ("2,000").
			if want := domain.Thousands(n); m[1] != want {
				t.Errorf("max %d: grid label %q, want %q", c.maxY, m[1], want)
			}
			got = append(got, n)
		}
		if len(got) != 5 {
			t.Fatalf("max %d: grid labels %v, want 5", c.maxY, got)
		}
		step := got[1]
		for i, n := range got {
			if n != int64(i)*step {
				t.Errorf("max %d: grid labels %v, not evenly spaced from 0", c.maxY, got)
				break
			}
		}
		if !nice[step] || float64(got[4]) < float64(c.maxY)*1.1 || got[4] != c.top {
			t.Errorf("max %d: grid labels %v, want a nice step to %d, above the largest figure and a tenth", c.maxY, got, c.top)
		}
	}
}
