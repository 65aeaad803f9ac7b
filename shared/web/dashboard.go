package web

import (
	"fmt"
	"html/template"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// dashboard is the programme's page: its progress report, exactly the
// DynamoDB requests of GET /progress (the reads go out beside the access
// check; the navigation reuses what that check read).
func (a *app) dashboard(w http.ResponseWriter, r *http.Request, q *req) error {
	pr, err := a.scope(r, q).Progress()
	if err != nil {
		return err
	}
	n, err := a.open(r, q, "dashboard")
	if err != nil {
		return err
	}
	d := dashboardData(n, pr)
	if len(n.Access.Projects) > 0 {
		// A project lead's home: its returns due and overdue, each with a
		// link to submit it.
		names := &names{Projects: d.Projects}
		if d.Due, err = a.dueReturns(r, q, n, names); err != nil {
			return err
		}
	}
	a.render(w, r, http.StatusOK, "dashboard", &view{Title: n.Programme.Name, Nav: n, Data: d})
	return nil
}

// dashboard is what the programme dashboard shows, all from one progress
// report.
type dashboard struct {
	Progress domain.Progress
	Targets  []targetRow
	Chart    chart
	Projects map[string]string
	Base     string
	// Due are a project lead's returns open or overdue.
	Due []dueReturn
}

// targetRow is a target with what its progress bar needs.
type targetRow struct {
	domain.TargetProgress
	Project string
	// Width of the bar and position of the projection marker, 0-100.
	Bar, Projection string
	ProjectionPct   float64
}

func dashboardData(n *nav, pr domain.Progress) dashboard {
	d := dashboard{Progress: pr, Projects: map[string]string{}, Base: base(n)}
	for _, p := range pr.Projects {
		d.Projects[p.ProjectID] = p.Name
	}
	for _, t := range pr.Targets {
		row := targetRow{TargetProgress: t, Bar: barWidth(t.Percent)}
		if t.ProjectID != nil {
			row.Project = d.Projects[*t.ProjectID]
		}
		if t.Value > 0 {
			row.ProjectionPct = math.Round(float64(t.ProjectedAtDeadline)*1000/float64(t.Value)) / 10
			row.Projection = barWidth(row.ProjectionPct)
		}
		d.Targets = append(d.Targets, row)
	}
	d.Chart = peopleIntoWorkChart(n.Programme, pr)
	return d
}

// chart is the people-into-work chart: cumulative figures by month, the
// target line, and the same figures as a table.
type chart struct {
	Rows   []chartRow
	Target int64 // 0: no programme-wide people-into-work target
	SVG    template.HTML
}

type chartRow struct {
	Month      string // "June 2011"
	InMonth    int64
	Cumulative int64
	HasFigures bool
	monthStart time.Time
}

// peopleIntoWorkChart draws the cumulative people into work, month by
// month from the programme's first figures (or start) to its last figures
// or the target's deadline, against the programme-wide target.
func peopleIntoWorkChart(p domain.Programme, pr domain.Progress) chart {
	var c chart
	var deadline time.Time
	for _, t := range pr.Targets {
		if t.Metric == domain.MetricPeopleIntoWork && t.ProjectID == nil && t.Value > c.Target {
			c.Target, deadline = t.Value, t.Deadline.Time()
		}
	}
	byMonth := map[string]int64{}
	var first, last time.Time
	for _, m := range pr.Monthly {
		t, err := time.Parse("2006-01", m.Month)
		if err != nil {
			continue
		}
		byMonth[m.Month] = m.Totals[domain.MetricPeopleIntoWork]
		if first.IsZero() || t.Before(first) {
			first = t
		}
		if t.After(last) {
			last = t
		}
	}
	if first.IsZero() {
		return c // no figures yet: the page says so
	}
	start := first
	if s := p.StartDate.Time(); !s.IsZero() && s.Before(start) {
		start = time.Date(s.Year(), s.Month(), 1, 0, 0, 0, 0, time.UTC)
	}
	end := last
	if !deadline.IsZero() && deadline.After(end) {
		end = time.Date(deadline.Year(), deadline.Month(), 1, 0, 0, 0, 0, time.UTC)
	}
	if months := monthsBetween(start, end); months > 240 { // keep the chart readable
		start = end.AddDate(0, -240, 0)
	}
	var sum int64
	for m := start; !m.After(end); m = m.AddDate(0, 1, 0) {
		key := m.Format("2006-01")
		in, has := byMonth[key]
		sum += in
		row := chartRow{Month: m.Format("January 2006"), InMonth: in, Cumulative: sum, HasFigures: has, monthStart: m}
		if m.After(last) {
			row.HasFigures = false
		}
		c.Rows = append(c.Rows, row)
	}
	c.SVG = c.draw(last)
	// The table lists the months up to the last figures.
	rows := c.Rows[:0:0]
	for _, r := range c.Rows {
		if !r.monthStart.After(last) {
			rows = append(rows, r)
		}
	}
	c.Rows = rows
	return c
}

func monthsBetween(a, b time.Time) int {
	return (b.Year()-a.Year())*12 + int(b.Month()-a.Month())
}

// draw renders the chart as SVG. Everything is in attributes (no inline
// styles), so the page's Content-Security-Policy stays strict.
func (c *chart) draw(last time.Time) template.HTML {
	const (
		w, h                     = 720.0, 320.0
		left, right, top, bottom = 56.0, 16.0, 16.0, 56.0
		plotW, plotH             = w - left - right, h - top - bottom
		approxLabels             = 8
	)
	var maxY int64 = c.Target
	for _, r := range c.Rows {
		maxY = max(maxY, r.Cumulative)
	}
	top10 := niceCeil(float64(maxY) * 1.1)
	n := len(c.Rows)
	x := func(i int) float64 {
		if n == 1 {
			return left + plotW/2
		}
		return left + plotW*float64(i)/float64(n-1)
	}
	y := func(v float64) float64 { return top + plotH - plotH*v/top10 }

	var b strings.Builder
	title := domain.MetricPeopleIntoWork.Label() + " over time"
	desc := fmt.Sprintf("Cumulative %s by month, %s to %s", domain.MetricPeopleIntoWork.Phrase(), c.Rows[0].Month, last.Format("January 2006"))
	if c.Target > 0 {
		desc += fmt.Sprintf(", against a target of %d", c.Target)
	}
	desc += ". The figures are also in the table below."
	fmt.Fprintf(&b, `<svg class="app-chart" viewBox="0 0 %.0f %.0f" width="%.0f" height="%.0f" role="img" aria-labelledby="chart-title chart-desc" data-testid="people-into-work-chart" xmlns="http://www.w3.org/2000/svg">`, w, h, w, h)
	fmt.Fprintf(&b, `<title id="chart-title">%s</title><desc id="chart-desc">%s</desc>`, template.HTMLEscapeString(title), template.HTMLEscapeString(desc))
	// Horizontal grid lines and y labels.
	for i := 0; i <= 4; i++ {
		v := top10 * float64(i) / 4
		fmt.Fprintf(&b, `<line class="app-chart__grid" x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f"/>`, left, w-right, y(v), y(v))
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="end">%s</text>`, left-8, y(v)+4, strconv.FormatFloat(v, 'f', -1, 64))
	}
	fmt.Fprintf(&b, `<line class="app-chart__axis" x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f"/>`, left, w-right, top+plotH, top+plotH)
	fmt.Fprintf(&b, `<line class="app-chart__axis" x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f"/>`, left, left, top, top+plotH)
	// Month labels, a few of them.
	step := max(1, (n+approxLabels-1)/approxLabels)
	for i, r := range c.Rows {
		if i%step == 0 || i == n-1 {
			// Centred, but the last is right-aligned to stay inside the
			// chart; the first has the axis margin to spread into.
			anchor := "middle"
			if i == n-1 && n > 1 {
				anchor = "end"
			}
			if i == n-1 && i%step != 0 && x(i)-x(i-i%step) < 90 {
				continue // too close to the label before it
			}
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="%s">%s</text>`, x(i), top+plotH+20, anchor, r.monthStart.Format("Jan 2006"))
		}
	}
	// Target line.
	if c.Target > 0 {
		ty := y(float64(c.Target))
		fmt.Fprintf(&b, `<line class="app-chart__target" x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" data-testid="chart-target-line"/>`, left, w-right, ty, ty)
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="end">Target %d</text>`, w-right, ty-6, c.Target)
	}
	// The cumulative line, up to the last month with figures.
	var pts []string
	for i, r := range c.Rows {
		if r.monthStart.After(last) {
			break
		}
		pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(i), y(float64(r.Cumulative))))
	}
	fmt.Fprintf(&b, `<polyline class="app-chart__line" points="%s"/>`, strings.Join(pts, " "))
	for i, r := range c.Rows {
		if r.HasFigures {
			fmt.Fprintf(&b, `<circle class="app-chart__point" cx="%.1f" cy="%.1f" r="4"/>`, x(i), y(float64(r.Cumulative)))
		}
	}
	fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle">Month</text>`, left+plotW/2, h-8)
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// niceCeil rounds up to 1, 2 or 5 times a power of ten (at least 4, so
// the four grid steps are whole numbers for small figures).
func niceCeil(v float64) float64 {
	if v <= 4 {
		return 4
	}
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 4, 5, 10} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
}
