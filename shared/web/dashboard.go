package web

import (
	"fmt"
	"html/template"
	"net/http"
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
			// As the target's own percent: a projection one short of the
			// value is 99.9%, not 100.0% (domain.Percent).
			row.ProjectionPct = domain.Percent(t.ProjectedAtDeadline, t.Value)
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

// draw renders the chart as SVG in the frame both charts share
// (chartFrame): the cumulative line, a dot for each month with figures,
// the target line and the month labels, the last one always.
func (c *chart) draw(last time.Time) template.HTML {
	var maxY int64 = c.Target
	for _, r := range c.Rows {
		maxY = max(maxY, r.Cumulative)
	}
	f := newChartFrame(320, 56, maxY)
	n := len(c.Rows)
	x := func(i int) float64 {
		if n == 1 {
			return f.left + f.plotW()/2
		}
		return f.left + f.plotW()*float64(i)/float64(n-1)
	}

	var b strings.Builder
	title := domain.MetricPeopleIntoWork.Label() + " over time"
	desc := fmt.Sprintf("Cumulative %s by month, %s to %s", domain.MetricPeopleIntoWork.Phrase(), c.Rows[0].Month, last.Format("January 2006"))
	if c.Target > 0 {
		desc += ", against a target of " + domain.Thousands(c.Target)
	}
	desc += ". The figures are also in the table below."
	f.open(&b, "chart", "people-into-work-chart", title, desc)
	// Month labels, a few of them.
	step := monthStep(n)
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
			f.monthLabel(&b, x(i), anchor, r.monthStart, (i+step-1)/step%2 == 1)
		}
	}
	if c.Target > 0 {
		f.target(&b, c.Target, "chart-target-line")
	}
	// The cumulative line, up to the last month with figures.
	var pts [][2]float64
	for i, r := range c.Rows {
		if r.monthStart.After(last) {
			break
		}
		pts = append(pts, [2]float64{x(i), f.y(float64(r.Cumulative))})
	}
	line(&b, pts, func(i int) bool { return c.Rows[i].HasFigures })
	fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle">Month</text>`, f.left+f.plotW()/2, f.h-8)
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
