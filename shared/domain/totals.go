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
	// PendingByProject and PendingCountByProject are the same by project:
	// a project lead sees its own project's, not another's figures before
	// a lead has checked them.
	PendingByProject      map[string]map[Metric]int64
	PendingCountByProject map[string]int64
	ChangedAt             time.Time
}

// NewTotals returns empty totals with every map ready.
func NewTotals() Totals {
	return Totals{ByFunder: map[string]int64{}, Posts: map[PostStatus]int64{}, Programme: map[Metric]int64{},
		ByProject: map[string]map[Metric]int64{}, ByCohort: map[string]map[Metric]int64{},
		Measures: map[string]MeasureSums{}, Monthly: map[string]map[Metric]int64{}, Pending: map[Metric]int64{},
		PendingByProject: map[string]map[Metric]int64{}, PendingCountByProject: map[string]int64{}}
}

// PendingFigures is the pending part of the totals, every metric present.
func (t Totals) PendingFigures() PendingFigures {
	return PendingFigures{Totals: allMetrics(t.Pending), Submissions: t.PendingCount}
}

// PendingFiguresOf is the pending part of the totals of the given
// projects only, every metric present: what a project lead may see. A
// project's figures are never below zero: a submission that awaited
// review before they were kept by project takes its figures out of them
// when it is reviewed (docs/dynamodb.md).
func (t Totals) PendingFiguresOf(projects map[string]bool) PendingFigures {
	sum := map[Metric]int64{}
	var n int64
	for j := range projects {
		for m, v := range t.PendingByProject[j] {
			sum[m] += max(v, 0)
		}
		n += max(t.PendingCountByProject[j], 0)
	}
	return PendingFigures{Totals: allMetrics(sum), Submissions: n}
}
