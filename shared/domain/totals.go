package domain

import "time"

// MeasureSums accumulates a wellbeing measure over submissions: sums of each
// mean weighted by its respondents, so corrections can subtract exactly and
// the combined mean is BaselineSum / Respondents.
type MeasureSums struct {
	Respondents int64
	BaselineSum float64
	LatestSum   float64
}

// Totals are a programme's running figures, kept up to date by every write
// in the same transaction as the write, so progress never adds up history.
type Totals struct {
	AwardedPence int64
	ByFunder     map[string]int64
	Posts        map[PostStatus]int64
	CohortCount  int64
	Places       int64
	Programme    map[Metric]int64
	ByProject    map[string]map[Metric]int64
	ByCohort     map[string]map[Metric]int64
	Measures     map[string]MeasureSums
	// Monthly holds programme totals by the month ("2011-06") in which each
	// submission's period ended: the series behind the people-into-work chart.
	Monthly map[string]map[Metric]int64
	// Pending are the figures of submissions awaiting review, and how many
	// submissions that is: kept beside the counted figures, never in them.
	Pending      map[Metric]int64
	PendingCount int64
	ChangedAt    time.Time
}

// NewTotals returns empty totals with every map ready.
func NewTotals() Totals {
	return Totals{ByFunder: map[string]int64{}, Posts: map[PostStatus]int64{}, Programme: map[Metric]int64{},
		ByProject: map[string]map[Metric]int64{}, ByCohort: map[string]map[Metric]int64{},
		Measures: map[string]MeasureSums{}, Monthly: map[string]map[Metric]int64{}, Pending: map[Metric]int64{}}
}

// PendingFigures is the pending part of the totals, every metric present.
func (t Totals) PendingFigures() PendingFigures {
	return PendingFigures{Totals: allMetrics(t.Pending), Submissions: t.PendingCount}
}
