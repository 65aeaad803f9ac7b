package domain

import (
	"iter"
	"maps"
	"slices"
	"strconv"
)

// A target counts only what happened in its own window: the submissions
// whose period ends between the target's start (or the programme's) and
// its deadline, both included. So the figures are also kept by the day
// each period ended — for the programme and for each project, one year to
// a record, so no record outgrows the database's item limit however long
// the history — and a target adds up the days of its window.

// SeriesKey names one year of daily figures: the programme's (ProjectID
// "") or one project's.
type SeriesKey struct {
	ProjectID string
	Year      int
}

// DaySeries is one year of figures by the date a period ended.
type DaySeries map[Date]map[Metric]int64

// Window is the dates a target counts: from its start (or periodStart,
// the programme's) to its deadline, both included.
func (t Target) Window(periodStart Date) (Date, Date) {
	if !t.StartDate.IsZero() {
		periodStart = t.StartDate
	}
	return periodStart, t.Deadline
}

// SeriesKeys are the years of figures the targets' windows need, each
// once, in order.
func SeriesKeys(targets []Target, periodStart Date) []SeriesKey {
	seen := map[SeriesKey]bool{}
	var keys []SeriesKey
	for _, t := range targets {
		from, to := t.Window(periodStart)
		if from.IsZero() || to.IsZero() || to.Before(from) {
			continue
		}
		for y := from.Time().Year(); y <= to.Time().Year(); y++ {
			k := SeriesKey{ProjectID: t.ProjectID, Year: y}
			if !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	slices.SortFunc(keys, func(a, b SeriesKey) int {
		if a.ProjectID != b.ProjectID {
			if a.ProjectID < b.ProjectID {
				return -1
			}
			return 1
		}
		return a.Year - b.Year
	})
	return keys
}

// Current is a target's figure: its metric added up over the days of its
// window, from the series SeriesKeys asked for.
func (t Target) Current(periodStart Date, series map[SeriesKey]DaySeries) int64 {
	from, to := t.Window(periodStart)
	var n int64
	for _, figure := range t.days(from, to, series) {
		n += figure
	}
	return n
}

// days yields each day from from to to (both included) on which a period
// of the target's project (or programme) ended, with the target's metric's
// figure for it: what Current, Trend and LastFigure each add up or look
// through.
func (t Target) days(from, to Date, series map[SeriesKey]DaySeries) iter.Seq2[Date, int64] {
	return func(yield func(Date, int64) bool) {
		for y := from.Time().Year(); y <= to.Time().Year(); y++ {
			for day, counts := range series[SeriesKey{ProjectID: t.ProjectID, Year: y}] {
				if !day.Before(from) && !day.After(to) && !yield(day, counts[t.Metric]) {
					return
				}
			}
		}
	}
}

// Trend is the target's figure at the end of each month p touches (p's
// last day for its last month), oldest first: what a chart draws against
// the target, from the series SeriesKeys asked for. Like Current it counts
// only the days of the target's window, so before the window opens the
// figure is 0 and after its deadline it stays where the deadline left it.
func (t Target) Trend(periodStart Date, p Period, series map[SeriesKey]DaySeries) []int64 {
	from, to := t.Window(periodStart)
	if p.End.Before(to) {
		to = p.End
	}
	byDay := map[Date]int64{}
	for day, figure := range t.days(from, to, series) {
		byDay[day] += figure
	}
	days := slices.SortedFunc(maps.Keys(byDay), func(a, b Date) int { return a.t.Compare(b.t) })
	var out []int64
	var n int64
	next := 0
	for m := monthOf(p.Start.Time()); !m.After(p.End.Time()); m = m.AddDate(0, 1, 0) {
		end := DateOf(m.AddDate(0, 1, -1))
		if end.After(p.End) {
			end = p.End
		}
		for ; next < len(days) && !days[next].After(end); next++ {
			n += byDay[days[next]]
		}
		out = append(out, n)
	}
	return out
}

// TargetTrend is a target's figure month by month over its whole window,
// for the dashboard's chart: Figures[i] is the figure at the end of the
// i-th month from From's (the deadline for the last).
type TargetTrend struct {
	From    Date
	Figures []int64
}

// TargetTrends are the targets' trends over their windows, by target id,
// from the series SeriesKeys asked for.
func TargetTrends(targets []Target, periodStart Date, series map[SeriesKey]DaySeries) map[string]TargetTrend {
	out := make(map[string]TargetTrend, len(targets))
	for _, t := range targets {
		from, to := t.Window(periodStart)
		if from.IsZero() || to.Before(from) {
			continue
		}
		out[t.ID] = TargetTrend{From: from, Figures: t.Trend(periodStart, Period{Start: from, End: to}, series)}
	}
	return out
}

// LastFigure is the latest day in a target's window on which a counted
// period of its programme or project (as the target's) ended with figures
// (the zero date when none has): what an email says its figures cover,
// since a period may be counted before it ends or long before the email.
// Any metric's figures mark the period as reported, so a return of none
// of the target's metric (0 job starts, some referrals) still counts as
// reported: the series keeps no zeros.
func (t Target) LastFigure(periodStart Date, series map[SeriesKey]DaySeries) Date {
	from, to := t.Window(periodStart)
	var last Date
	for y := from.Time().Year(); y <= to.Time().Year(); y++ {
		for day, counts := range series[SeriesKey{ProjectID: t.ProjectID, Year: y}] {
			if day.Before(from) || day.After(to) || !day.After(last) {
				continue
			}
			for _, n := range counts {
				if n != 0 {
					last = day
					break
				}
			}
		}
	}
	return last
}

// Currents is every target's figure, by target id.
func Currents(targets []Target, periodStart Date, series map[SeriesKey]DaySeries) map[string]int64 {
	out := make(map[string]int64, len(targets))
	for _, t := range targets {
		out[t.ID] = t.Current(periodStart, series)
	}
	return out
}

// WithFigures is series as they stand once fc is written: the
// submissions fc counts added, those it takes out subtracted (a copy;
// series is not changed). A change that counts figures decides on it what
// its own transaction makes true, before that transaction is written.
func WithFigures(series map[SeriesKey]DaySeries, fc FigureChange) map[SeriesKey]DaySeries {
	out := make(map[SeriesKey]DaySeries, len(series))
	for k, days := range series {
		c := make(DaySeries, len(days))
		for d, counts := range days {
			c[d] = maps.Clone(counts)
		}
		out[k] = c
	}
	apply := func(o Outcome, sign int64) {
		for k, days := range SeriesDeltas(o, sign) {
			if out[k] == nil {
				out[k] = DaySeries{}
			}
			for d, counts := range days {
				if out[k][d] == nil {
					out[k][d] = map[Metric]int64{}
				}
				for m, n := range counts {
					out[k][d][m] += n
				}
			}
		}
	}
	for _, o := range fc.Count {
		apply(o, 1)
	}
	for _, o := range fc.Uncount {
		apply(o, -1)
	}
	return out
}

// Moves reports whether fc moves target t's figure: it counts, or takes
// out, a submission of t's project (any project's, for a programme-wide
// target) with a figure of t's metric whose period ended in t's window.
func (t Target) Moves(periodStart Date, fc FigureChange) bool {
	from, to := t.Window(periodStart)
	for _, o := range slices.Concat(fc.Count, fc.Uncount) {
		if (t.ProjectID == "" || t.ProjectID == o.ProjectID) && o.Counts[t.Metric] != 0 &&
			!o.PeriodEnd.Before(from) && !o.PeriodEnd.After(to) {
			return true
		}
	}
	return false
}

// CouldReachOnReview reports whether target t, at figure current on the
// counted figures, could still be reached once the submissions awaiting
// review (pending) are reviewed: its figure plus every pending figure of
// its metric, of its project (any project's, for a programme-wide
// target), whose period ended in its window, reaches its value.
// Approving a submission adds at most its own figure (a correction also
// takes out the approved figures it replaces), so when even all of them
// together fall short, no review can reach the target. A target already
// reached is reachable.
func (t Target) CouldReachOnReview(periodStart Date, current int64, pending []Outcome) bool {
	best := current
	for _, o := range t.awaitingReview(periodStart, pending) {
		best += o.Counts[t.Metric]
	}
	return best >= t.Value
}

// AwaitingReview counts the submissions awaiting review (of pending)
// with figures for target t: of its project (any project's, for a
// programme-wide target), with a figure of its metric above 0, whose
// period ended in its window. The "missed" email says how many there
// were when it went (Notification.AwaitingReview): a count, never their
// figures, which are not counted yet.
func (t Target) AwaitingReview(periodStart Date, pending []Outcome) int {
	return len(t.awaitingReview(periodStart, pending))
}

// awaitingReview is the submissions AwaitingReview counts.
func (t Target) awaitingReview(periodStart Date, pending []Outcome) []Outcome {
	from, to := t.Window(periodStart)
	var out []Outcome
	for _, o := range pending {
		if o.EffectiveStatus() != OutcomePending || (t.ProjectID != "" && t.ProjectID != o.ProjectID) ||
			o.PeriodEnd.Before(from) || o.PeriodEnd.After(to) || o.Counts[t.Metric] <= 0 {
			continue
		}
		out = append(out, o)
	}
	return out
}

// SeriesDeltas are the changes one submission makes to the daily figures
// (sign +1 to count it, -1 to take it back): the programme's and its
// project's year of its period end.
func SeriesDeltas(o Outcome, sign int64) map[SeriesKey]map[Date]map[Metric]int64 {
	year := o.PeriodEnd.Time().Year()
	out := map[SeriesKey]map[Date]map[Metric]int64{}
	for _, k := range []SeriesKey{{Year: year}, {ProjectID: o.ProjectID, Year: year}} {
		day := map[Metric]int64{}
		for m, n := range o.Counts {
			if n != 0 {
				day[m] = sign * n
			}
		}
		out[k] = map[Date]map[Metric]int64{o.PeriodEnd: day}
	}
	return out
}

// String is the key as the store writes it: "2016" or "<project>#2016".
func (k SeriesKey) String() string {
	y := strconv.Itoa(k.Year)
	if k.ProjectID == "" {
		return y
	}
	return k.ProjectID + "#" + y
}
