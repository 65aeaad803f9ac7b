package domain

import (
	"fmt"
	"sort"
	"time"
)

// A period report (GET /programmes/{p}/report?from&to) says what a
// programme did between two dates: the counted (approved) submissions whose
// period ended in it, in all and month by month, where each target stood
// on its last day, the money paid and spent in it, the returns that fell
// due in it and the wellbeing measures reported in it. Every figure comes
// from what is kept by day on write (the daily series, the schedules'
// return counts), so a report reads the years it covers and no history.

// MaxReportYears bounds a report's period, so its answer (a row a month)
// and its reads (a year of figures a record) stay small.
const MaxReportYears = 25

// ParsePeriod reads a report's period from its ?from= and ?to=: each a YYYY-MM-DD date, to
// not before from, and at most MaxReportYears apart. Every bad field is
// named in one answer.
func ParsePeriod(from, to string) (Period, error) {
	p := Problems{}
	var out Period
	var err error
	if from == "" {
		p.Add("from", "required: the first day of the report, YYYY-MM-DD")
	} else if out.Start, err = ParseDate(from); err != nil {
		p.Add("from", DateProblem(from))
	}
	if to == "" {
		p.Add("to", "required: the last day of the report, YYYY-MM-DD")
	} else if out.End, err = ParseDate(to); err != nil {
		p.Add("to", DateProblem(to))
	}
	if !out.Start.IsZero() && !out.End.IsZero() {
		switch {
		case out.End.Before(out.Start):
			p.Add("to", "must not be before from")
		case out.Start.Time().AddDate(MaxReportYears, 0, 0).Before(out.End.Time()):
			p.Add("to", fmt.Sprintf("must be within %d years of from", MaxReportYears))
		}
	}
	return out, p.Err()
}

// Contains reports whether d falls in the period, its ends included.
func (p Period) Contains(d Date) bool { return !d.Before(p.Start) && !d.After(p.End) }

// DayMeasures are the wellbeing measures' sums by the day periods ended,
// as DaySeries are the counts.
type DayMeasures map[Date]map[string]MeasureSums

// Report is the answer of GET /programmes/{p}/report.
type Report struct {
	ProgrammeID string           `json:"programmeId"`
	From        Date             `json:"from"`
	To          Date             `json:"to"`
	Totals      map[Metric]int64 `json:"totals"`
	// ByMonth has every month the period touches, oldest first, each with
	// the figures of the days of it inside the period.
	ByMonth []MonthTotals `json:"byMonth"`
	// Targets are every target of the programme, in progress's order (as
	// progress lists them), each with the figures of its window counted up
	// to the period's last day and judged on that day (or today, while the
	// period has not ended): a target over before the period shows how it
	// ended, one whose window opens after it 0 counted.
	Targets []TargetProgress `json:"targets"`
	// TargetsAsAt is the day Targets are judged on: To, or today while To
	// is still to come. It is not part of the API's answer.
	TargetsAsAt Date              `json:"-"`
	Money       ReportMoney       `json:"money"`
	Returns     ReportReturns     `json:"returns"`
	Measures    []MeasureProgress `json:"measures"`
	// Trend is each of Targets' figure at the end of each month of
	// ByMonth (the period's last day for its last month), by target id:
	// what a chart of the period draws against the target. It is not part
	// of the API's answer.
	Trend map[string][]int64 `json:"-"`
}

// ReportMoney is the money of the grants the caller may read paid (by the
// date paid) and spent (by the end of the spend return's period) in the
// period.
type ReportMoney struct {
	PaidPence  int64 `json:"paidPence"`
	SpentPence int64 `json:"spentPence"`
}

// ReportReturns counts the returns due in the period that the caller may
// read (a project lead: its own projects'): how many were due, how many
// have been sent, and, of those whose due date has passed, how many were
// sent by it and their share (nil when none has passed), as progress's
// onTimePercent. OnTime and OnTimePercent count over the same returns: a
// return sent early but not yet due is neither on time nor late yet.
type ReportReturns struct {
	Due           int64    `json:"due"`
	Received      int64    `json:"received"`
	OnTime        int64    `json:"onTime"`
	OnTimePercent *float64 `json:"onTimePercent"`
}

// ReportInput is everything a report is built from.
type ReportInput struct {
	Programme Programme
	Period    Period
	Targets   []Target
	// Series holds the keys ReportSeriesKeys asked for.
	Series    map[SeriesKey]DaySeries
	Measures  DayMeasures
	Schedules []Schedule
	// Stats are the schedules' return counts (every project's) and
	// ProjectStats the counts of the caller's projects, by project and
	// then schedule, when it is a project lead (Access.ReturnStatsSeen).
	Stats        map[string]ReturnStats
	ProjectStats map[string]map[string]ReturnStats
	// Paid and Spent are the period's money by funder and project.
	Paid, Spent map[FundingKey]int64
	Today       Date
}

// ReportSeriesKeys are the years of figures a report reads: the
// programme's years of the period, and for each of targets the years of
// its window up to the period's end (none for a window that opens after
// it).
func ReportSeriesKeys(p Period, targets []Target, periodStart Date) []SeriesKey {
	var clipped []Target
	for _, t := range targets {
		clipped = append(clipped, t.upTo(p.End))
	}
	keys := SeriesKeys(clipped, periodStart)
	seen := map[SeriesKey]bool{}
	for _, k := range keys {
		seen[k] = true
	}
	for y := p.Start.Time().Year(); y <= p.End.Time().Year(); y++ {
		if k := (SeriesKey{Year: y}); !seen[k] {
			keys = append(keys, k)
		}
	}
	return keys
}

// upTo is the target with its window cut at day to: its figure "as at"
// that day.
func (t Target) upTo(to Date) Target {
	if to.Before(t.Deadline) {
		t.Deadline = to
	}
	return t
}

// BuildReport assembles a report for a caller with access a: the counts
// and measures of the period from the daily series, each target evaluated
// as at the period's last day (today, if that is still to come), the returns due in it that a may
// read (a project lead's own projects'), and the money of the grants a
// may read.
func BuildReport(in ReportInput, a Access) Report {
	p := in.Period
	r := Report{ProgrammeID: in.Programme.ID, From: p.Start, To: p.End, Totals: allMetrics(nil),
		ByMonth: []MonthTotals{}, Targets: []TargetProgress{}, Measures: []MeasureProgress{}}
	months := map[string]map[Metric]int64{}
	for m := monthOf(p.Start.Time()); !m.After(p.End.Time()); m = m.AddDate(0, 1, 0) {
		key := m.Format("2006-01")
		months[key] = allMetrics(nil)
		r.ByMonth = append(r.ByMonth, MonthTotals{Month: key, Totals: months[key]})
	}
	for y := p.Start.Time().Year(); y <= p.End.Time().Year(); y++ {
		for day, counts := range in.Series[SeriesKey{Year: y}] {
			if !p.Contains(day) {
				continue
			}
			month := months[day.String()[:7]]
			for m, n := range counts {
				if ValidMetric(m) {
					r.Totals[m] += n
					month[m] += n
				}
			}
		}
	}
	// A target is judged on the period's last day, or today while that
	// day is still to come: a report of the current quarter must not say
	// a target was missed (or project it as if no more figures could
	// come) before its deadline, where progress and the portfolio, asked
	// at the same moment, say how it stands today. Its figure is what was
	// counted up to the period's end, as progress counts every figure of
	// the window however recent.
	asAt := p.End
	if !in.Today.IsZero() && in.Today.Before(asAt) {
		asAt = in.Today
	}
	r.TargetsAsAt = asAt
	r.Trend = map[string][]int64{}
	for _, t := range in.Targets {
		current := t.upTo(p.End).Current(in.Programme.StartDate, in.Series)
		r.Targets = append(r.Targets, t.Evaluate(current, in.Programme.StartDate, asAt))
		r.Trend[t.ID] = t.Trend(in.Programme.StartDate, p, in.Series)
	}
	sums := map[string]MeasureSums{}
	for day, ms := range in.Measures {
		if !p.Contains(day) {
			continue
		}
		for name, s := range ms {
			cur := sums[name]
			cur.Respondents += s.Respondents
			cur.BaselineSum += s.BaselineSum
			cur.LatestSum += s.LatestSum
			sums[name] = cur
		}
	}
	r.Measures = measureList(sums)
	r.Returns = reportReturns(in.Schedules, a.ReturnStatsSeen(in.Stats, in.ProjectStats), p, in.Today)
	r.Money = ReportMoney{PaidPence: sumSeen(a, in.Paid), SpentPence: sumSeen(a, in.Spent)}
	return r
}

func monthOf(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC) }

// reportReturns counts the returns whose due date falls in the period,
// from each schedule's counts by period end (a return is due DueDays
// after its period ends).
func reportReturns(schedules []Schedule, stats map[string]ReturnStats, p Period, today Date) ReportReturns {
	var r ReportReturns
	var past int64
	for _, s := range schedules {
		st := stats[s.ID]
		for end, n := range st.Expected {
			due := end.AddDays(int(s.DueDays))
			if !p.Contains(due) {
				continue
			}
			r.Due += n
			r.Received += n - st.Unsent[end]
			if today.After(due) {
				past += n
				r.OnTime += st.OnTime[end]
			}
		}
	}
	if past > 0 {
		pct := Percent(r.OnTime, past) // 1,999 of 2,000 on time is 99.9%, not 100.0%
		r.OnTimePercent = &pct
	}
	return r
}

// measureList is the measures with respondents, by name, each with its
// combined means and change.
func measureList(sums map[string]MeasureSums) []MeasureProgress {
	names := make([]string, 0, len(sums))
	for name, ms := range sums {
		if ms.Respondents > 0 {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	out := make([]MeasureProgress, 0, len(names))
	for _, name := range names {
		ms := sums[name]
		n := float64(ms.Respondents)
		// The change is worked out from the sums, not from the means: a
		// mean is a division already rounded in binary (46/10 is a shade
		// under 4.6), so a change of exactly 43.75% came out 43.7499…
		// and rounded down. Over the same respondents the ratio of the
		// sums is the ratio of the means.
		out = append(out, MeasureProgress{Name: name, BaselineMean: round2(ms.BaselineSum / n), LatestMean: round2(ms.LatestSum / n),
			ChangePercent: round1((ms.LatestSum - ms.BaselineSum) * 100 / ms.BaselineSum), Respondents: ms.Respondents})
	}
	return out
}
