package domain

import (
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
	for y := from.Time().Year(); y <= to.Time().Year(); y++ {
		for day, counts := range series[SeriesKey{ProjectID: t.ProjectID, Year: y}] {
			if !day.Before(from) && !day.After(to) {
				n += counts[t.Metric]
			}
		}
	}
	return n
}

// LastFigure is the latest day in a target's window on which a period with
// figures of its metric ended (the zero date when none has): with the
// current date, what an email says its figures cover, since a period may
// be submitted and counted before it ends.
func (t Target) LastFigure(periodStart Date, series map[SeriesKey]DaySeries) Date {
	from, to := t.Window(periodStart)
	var last Date
	for y := from.Time().Year(); y <= to.Time().Year(); y++ {
		for day, counts := range series[SeriesKey{ProjectID: t.ProjectID, Year: y}] {
			if counts[t.Metric] != 0 && !day.Before(from) && !day.After(to) && day.After(last) {
				last = day
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
