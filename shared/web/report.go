package web

import (
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// The period report: what a programme did between two dates, laid out to
// print on A4 (app.css's print rules) so a funder can save it as a PDF
// from the browser. The period is chosen from presets (the programme's
// quarters and financial years) or typed in; the form is a GET, so a
// report is a link that can be shared and works without JavaScript.

var reportFields = []field{{"from", kDate, "From"}, {"to", kDate, "To"}}

// report serves the period report: the DynamoDB requests of GET …/report,
// and the project list to name project targets.
func (a *app) report(w http.ResponseWriter, r *http.Request, q *req) error {
	query := r.URL.Query()
	f := newForm(reportFields, query)
	from, to, chosen := reportPeriod(f)
	if f.HasErrors() {
		n, err := a.open(r, q, "report")
		if err != nil {
			return err // a non-member learns nothing from the dates
		}
		return a.renderReport(w, r, q, n, f, nil, f.status())
	}
	if !chosen {
		// No period asked for: the latest quarter, once the programme is read.
		n, err := a.open(r, q, "report")
		if err != nil {
			return err
		}
		presets := reportPresets(n.Programme, a.today())
		from, to = presets.Default.From, presets.Default.To
	}
	rep, err := a.scope(r, q).Report(from, to)
	if err != nil {
		if f.fail(err) {
			n, nerr := a.open(r, q, "report")
			if nerr != nil {
				return nerr
			}
			return a.renderReport(w, r, q, n, f, nil, f.status())
		}
		return err
	}
	n, err := a.open(r, q, "report")
	if err != nil {
		return err
	}
	// The custom dates' boxes show the period shown.
	for name, d := range map[string]domain.Date{"from": rep.From, "to": rep.To} {
		t := d.Time()
		f.Values.Set(name+"-day", strconv.Itoa(t.Day()))
		f.Values.Set(name+"-month", strconv.Itoa(int(t.Month())))
		f.Values.Set(name+"-year", strconv.Itoa(t.Year()))
	}
	return a.renderReport(w, r, q, n, f, &rep, http.StatusOK)
}

func (a *app) today() domain.Date { return domain.UKDate(a.Now()) }

// reportPeriod reads the period asked for: a preset ("2011-01-01..2011-03-31")
// or the from and to dates (one YYYY-MM-DD box each, or the NHS date
// input's three). chosen is false when none was given.
func reportPeriod(f *form) (from, to string, chosen bool) {
	if p := strings.TrimSpace(f.Get("period")); p != "" {
		from, to, _ = strings.Cut(p, "..")
		if _, err := domain.ParsePeriod(from, to); err != nil {
			f.Errors["period"] = "Choose a period from the list"
			f.Order = append(f.Order, "period")
		}
		return from, to, true
	}
	var any bool
	for _, p := range []string{"from", "to"} {
		v, present, err := f.date(p)
		switch {
		case err != nil:
			f.Errors[p] = f.label(p) + " " + err.Error()
		case !present:
			f.Errors[p] = "Enter the " + map[string]string{"from": "first", "to": "last"}[p] + " day of the report"
		}
		any = any || present
		if p == "from" {
			from = v
		} else {
			to = v
		}
	}
	if !any {
		f.Errors = map[string]string{} // nothing typed: not a mistake, the default period
		return "", "", false
	}
	return from, to, true
}

// reportPage is what the report page shows.
type reportPage struct {
	Report   *domain.Report
	Presets  presets
	Selected string // the preset shown, if the period is one
	Base     string
	Projects map[string]string
	// Period in words; Prepared is when.
	Period, Prepared string
	Chart            template.HTML
	ChartTarget      int64 // the programme-wide people-into-work target drawn, 0 for none
	Targets          []reportTarget
	// TargetsNote says which targets are listed and the day they are
	// judged on, on screen (a printed report has its heading, the page
	// being full); TargetsToday is whether that day is today, the period
	// not having ended, which the heading says in print too.
	TargetsNote  string
	TargetsToday bool
	ByMonth      []reportMonth
	// MoneyNote says whose money the figures cover.
	MoneyNote string
}

type reportTarget struct {
	domain.TargetProgress
	Project string
	Bar     string
}

type reportMonth struct {
	Month  string // "January 2011"
	Totals map[domain.Metric]int64
}

func (a *app) renderReport(w http.ResponseWriter, r *http.Request, q *req, n *nav, f *form, rep *domain.Report, status int) error {
	d := reportPage{Presets: reportPresets(n.Programme, a.today()), Base: base(n), Prepared: datetimeText(a.Now())}
	if rep != nil {
		d.Report = rep
		d.Period = domain.PeriodText(rep.From, rep.To)
		d.Selected = rep.From.String() + ".." + rep.To.String()
		_, names, err := a.projectNames(r, q)
		if err != nil {
			return err
		}
		d.Projects = names
		for _, t := range rep.Targets {
			row := reportTarget{TargetProgress: t, Bar: barWidth(t.Percent)}
			if t.ProjectID != nil {
				row.Project = names[*t.ProjectID]
			}
			d.Targets = append(d.Targets, row)
		}
		d.TargetsNote, d.TargetsToday = targetsNote(*rep), rep.TargetsAsAt.Before(rep.To)
		for _, m := range rep.ByMonth {
			month, _ := time.Parse("2006-01", m.Month)
			d.ByMonth = append(d.ByMonth, reportMonth{Month: month.Format("January 2006"), Totals: m.Totals})
		}
		d.Chart, d.ChartTarget = reportChart(*rep)
		d.MoneyNote = "Payments and spend of every grant of the programme."
		if !n.Access.CanManage() {
			d.MoneyNote = "Payments and spend of the grants you can see in your role: " + strings.ToLower(roleList(n.Access)) + "."
		}
	}
	title := n.Programme.Name + ": report"
	if rep != nil {
		title = n.Programme.Name + ": report, " + d.Period
	}
	a.render(w, r, status, "report", &view{Title: title, Nav: n, Form: f, Data: d})
	return nil
}

// roleList says what the caller is in the programme.
func roleList(a domain.Access) string {
	var roles []domain.Role
	if a.Lead {
		roles = append(roles, domain.Role{Role: domain.RoleLead})
	}
	for range a.Projects {
		roles = append(roles, domain.Role{Role: domain.RoleProjectLead})
	}
	for range a.Funders {
		roles = append(roles, domain.Role{Role: domain.RoleFunder})
	}
	return roleNames(roles)
}

// presets are the periods offered: each quarter (April to June, July
// to September…, as UK financial quarters run) and each financial year
// (April to March) the programme has run into by today, newest first.
type presets struct {
	Quarters []preset
	Years    []preset
	Whole    preset
	Default  preset
}

type preset struct {
	Label, From, To string
}

// Value is the preset as the form sends it.
func (p preset) Value() string { return p.From + ".." + p.To }

// maxPresets bounds each list: ten years of quarters.
const maxPresets = 40

func reportPresets(p domain.Programme, today domain.Date) presets {
	var out presets
	start, end := p.StartDate.Time(), p.EndDate.Time()
	if start.IsZero() || end.IsZero() || end.Before(start) {
		return out
	}
	last := end
	if t := today.Time(); t.Before(last) {
		last = t
	}
	if last.Before(start) {
		last = start
	}
	out.Whole = preset{Label: "The whole programme, " + domain.DateRange(p.StartDate, p.EndDate),
		From: p.StartDate.String(), To: p.EndDate.String()}
	q := time.Date(start.Year(), start.Month()-(start.Month()-1)%3, 1, 0, 0, 0, 0, time.UTC)
	for ; !q.After(last); q = q.AddDate(0, 3, 0) {
		qe := q.AddDate(0, 3, -1)
		out.Quarters = append([]preset{{Label: domain.PeriodText(domain.DateOf(q), domain.DateOf(qe)),
			From: q.Format(time.DateOnly), To: qe.Format(time.DateOnly)}}, out.Quarters...)
	}
	fy := time.Date(start.Year(), time.April, 1, 0, 0, 0, 0, time.UTC)
	if start.Before(fy) {
		fy = fy.AddDate(-1, 0, 0)
	}
	for ; !fy.After(last); fy = fy.AddDate(1, 0, 0) {
		fe := fy.AddDate(1, 0, -1)
		out.Years = append([]preset{{Label: domain.PeriodText(domain.DateOf(fy), domain.DateOf(fe)),
			From: fy.Format(time.DateOnly), To: fe.Format(time.DateOnly)}}, out.Years...)
	}
	out.Quarters = out.Quarters[:min(len(out.Quarters), maxPresets)]
	out.Years = out.Years[:min(len(out.Years), maxPresets)]
	// The default: the latest quarter that is over (the current one while
	// none is).
	for i, q := range out.Quarters {
		if q.To < today.String() || i == len(out.Quarters)-1 {
			out.Default = q
			break
		}
	}
	return out
}

// targetsNote says what the report's targets are: every target of the
// programme, as its progress page lists them (those over before the period
// and those yet to open too), each with its figures counted up to the
// period's last day and judged on that day, or on today while that day is
// still to come (domain.BuildReport).
func targetsNote(rep domain.Report) string {
	if rep.TargetsAsAt.Before(rep.To) {
		return "Every target of the programme, as progress lists them. The period has not ended, so each is counted so far and judged as it stands today, " +
			rep.TargetsAsAt.Long() + "."
	}
	return "Every target of the programme, as progress lists them, counted up to " + rep.To.Long() + "."
}

// reportChart draws people into work month by month in the period (bars)
// and, when the programme has a people-into-work target of its own whose
// window overlaps the period, that target's counted figure at each month's
// end up to the last counted (a line; see countedMonths) against its value (a dashed line). Like the dashboard's
// chart it uses attributes only, no inline styles, for the page's
// Content-Security-Policy; the same figures are in the tables below it.
func reportChart(rep domain.Report) (template.HTML, int64) {
	n := len(rep.ByMonth)
	if n == 0 {
		return "", 0
	}
	// Of the targets whose window overlaps the period: the report lists
	// every target, but one over before the period or opening after it
	// has no line to draw in it.
	var overlapping []domain.TargetProgress
	for _, t := range rep.Targets {
		if !t.StartDate.After(rep.To) && !t.Deadline.Before(rep.From) {
			overlapping = append(overlapping, t)
		}
	}
	target := chartTarget(overlapping, rep.TargetsAsAt)
	var trend []int64
	var maxY int64
	for _, m := range rep.ByMonth {
		maxY = max(maxY, m.Totals[domain.MetricPeopleIntoWork])
	}
	if target != nil {
		trend = rep.Trend[target.TargetID]
		if k := countedMonths(rep); k < len(trend) {
			trend = trend[:k]
		}
		maxY = max(maxY, target.Value)
		for _, v := range trend {
			maxY = max(maxY, v)
		}
	}
	f := newChartFrame(300, 48, maxY)
	slot := f.plotW() / float64(n)
	x := func(i int) float64 { return f.left + slot*(float64(i)+0.5) }
	var b strings.Builder
	title := domain.MetricPeopleIntoWork.Label() + " by month"
	desc := fmt.Sprintf("%s in each month of the period, %s to %s", domain.MetricPeopleIntoWork.Label(), monthName(rep.ByMonth[0].Month), monthName(rep.ByMonth[n-1].Month))
	if target != nil {
		desc += ", with the programme's target of " + domain.Thousands(target.Value)
		if len(trend) > 0 {
			desc += fmt.Sprintf(" and its counted figure at the end of each month to %s", monthName(rep.ByMonth[len(trend)-1].Month))
		}
	}
	desc += ". The figures are also in the tables below."
	f.open(&b, "report-chart", "report-chart", title, desc)
	step := monthStep(n) // they must not run together in print
	for i, m := range rep.ByMonth {
		v := float64(m.Totals[domain.MetricPeopleIntoWork])
		bw := slot * 0.6
		fmt.Fprintf(&b, `<rect class="app-chart__bar" x="%.1f" y="%.1f" width="%.1f" height="%.1f" data-testid="report-bar"/>`, x(i)-bw/2, f.y(v), bw, f.base()-f.y(v))
		if i%step == 0 {
			t, _ := time.Parse("2006-01", m.Month)
			f.monthLabel(&b, x(i), "middle", t, i/step%2 == 1)
		}
	}
	if target != nil {
		f.target(&b, target.Value, "report-target-line")
		pts := make([][2]float64, len(trend))
		for i, v := range trend {
			pts[i] = [2]float64{x(i), f.y(float64(v))}
		}
		line(&b, pts, func(int) bool { return true })
	}
	b.WriteString(`</svg>`)
	if target == nil {
		return template.HTML(b.String()), 0
	}
	return template.HTML(b.String()), target.Value
}

// countedMonths is how many of the report's months, from its first, the
// counted line is drawn for: those that have ended by the day the report
// is judged on (its last day, or today while the period runs), and on to
// the last with figures if one is later. Like the dashboard's chart it
// stops there: drawn on into months to come, the line would read as
// figures counted for them.
func countedMonths(rep domain.Report) int {
	k := 0
	for i, m := range rep.ByMonth {
		start, err := time.Parse("2006-01", m.Month)
		if err != nil {
			continue
		}
		end := domain.DateOf(start.AddDate(0, 1, -1))
		if !rep.To.IsZero() && rep.To.Before(end) {
			end = rep.To
		}
		if rep.TargetsAsAt.IsZero() || !end.After(rep.TargetsAsAt) {
			k = i + 1
		}
		for _, v := range m.Totals {
			if v != 0 {
				k = max(k, i+1)
			}
		}
	}
	return k
}

// chartTarget is the target a people-into-work chart draws, on the
// dashboard and in the period report alike: of the programme's own
// people-into-work targets, the one running on day on (the earliest
// deadline not before it; the larger value when two share it), else the
// one that ended last; nil when it has none. With targets back to back
// (60 this year, 80 the next) the chart draws this year's, not the larger
// one whose window has not opened yet. The charts draw its counted figure
// (domain.Target.Trend), which counts only its window.
func chartTarget(targets []domain.TargetProgress, on domain.Date) *domain.TargetProgress {
	var running, ended *domain.TargetProgress
	for i, t := range targets {
		if t.Metric != domain.MetricPeopleIntoWork || t.ProjectID != nil {
			continue
		}
		if t.Deadline.Before(on) {
			if ended == nil || t.Deadline.After(ended.Deadline) || (t.Deadline.DaysUntil(ended.Deadline) == 0 && t.Value > ended.Value) {
				ended = &targets[i]
			}
			continue
		}
		if running == nil || t.Deadline.Before(running.Deadline) || (t.Deadline.DaysUntil(running.Deadline) == 0 && t.Value > running.Value) {
			running = &targets[i]
		}
	}
	if running != nil {
		return running
	}
	return ended
}

func monthName(m string) string {
	t, err := time.Parse("2006-01", m)
	if err != nil {
		return m
	}
	return t.Format("January 2006")
}
