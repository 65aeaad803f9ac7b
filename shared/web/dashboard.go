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
		// A project lead's home: its returns to send or correct, each
		// with a link to submit or correct it.
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
	// Due are a project lead's returns to send or correct.
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

// peopleIntoWorkChart draws people into work month by month against the
// programme's own people-into-work target, as far as figures go. With such
// a target it draws the target's counted figure over its window, from the
// month the window opens (domain.Target.Trend, as the period report's
// chart does): a target counts only its own window, so a line of
// everything since the programme began would reach a target that stands
// far short. With none, the programme's cumulative figures from its first.
// The axis runs on to the target's deadline.
func peopleIntoWorkChart(p domain.Programme, pr domain.Progress) chart {
	var c chart
	byMonth := map[string]int64{}
	var months []time.Time
	for _, m := range pr.Monthly {
		t, err := time.Parse("2006-01", m.Month)
		if err != nil {
			continue
		}
		byMonth[m.Month] = m.Totals[domain.MetricPeopleIntoWork]
		months = append(months, t)
	}
	if target := chartTarget(pr.Targets, domain.UKDate(pr.AsOf)); target != nil {
		if tr, ok := pr.Trends[target.TargetID]; ok && len(tr.Figures) > 0 {
			c.Target = target.Value
			return c.fromTrend(tr, byMonth, months)
		}
	}
	var first, last time.Time
	for _, t := range months {
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
	if months := monthsBetween(start, last); months > 240 { // keep the chart readable
		start = last.AddDate(0, -240, 0)
	}
	var sum int64
	for m := start; !m.After(last); m = m.AddDate(0, 1, 0) {
		key := m.Format("2006-01")
		in, has := byMonth[key]
		sum += in
		c.Rows = append(c.Rows, chartRow{Month: m.Format("January 2006"), InMonth: in, Cumulative: sum, HasFigures: has, monthStart: m})
	}
	c.SVG = c.draw(last)
	return c
}

// fromTrend is the chart of a target's counted figure tr, month by month
// from the month its window opens to its deadline's; the line and the
// table stop at the last month in the window with figures (byMonth, the
// programme's by month; months, the months that have any).
func (c chart) fromTrend(tr domain.TargetTrend, byMonth map[string]int64, months []time.Time) chart {
	start := time.Date(tr.From.Time().Year(), tr.From.Time().Month(), 1, 0, 0, 0, 0, time.UTC)
	end := start.AddDate(0, len(tr.Figures)-1, 0)
	var last time.Time
	for _, m := range months {
		if !m.Before(start) && !m.After(end) && m.After(last) {
			last = m
		}
	}
	if last.IsZero() {
		return c // nothing in the window yet: the page says so
	}
	if n := len(tr.Figures); n > 241 { // keep the chart readable: the last 20 years
		start, tr.Figures = start.AddDate(0, n-241, 0), tr.Figures[n-241:]
	}
	var before int64
	for i, fig := range tr.Figures {
		m := start.AddDate(0, i, 0)
		_, has := byMonth[m.Format("2006-01")]
		c.Rows = append(c.Rows, chartRow{Month: m.Format("January 2006"), InMonth: fig - before, Cumulative: fig,
			HasFigures: has && !m.After(last), monthStart: m})
		before = fig
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
