package memstore

import (
	"context"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// delta is what one change adds to a programme's running figures. As in
// the DynamoDB store, a change first adds up its deltas (a correction's
// new figures and the old ones taken back) and then touches only the
// figures whose sum is not zero, so a figure appears in the totals once
// something has moved it.
type delta struct {
	awarded         int64
	byFunder        map[string]int64
	byKey           map[domain.FundingKey]int64 // awards by funder and project
	posts           map[domain.PostStatus]int64
	cohorts, places int64
	programme       map[domain.Metric]int64
	byProject       map[string]map[domain.Metric]int64 // by project id
	byCohort        map[string]map[domain.Metric]int64 // by cohort id
	monthly         map[string]map[domain.Metric]int64 // by month of period end, "2011-06"
	measures        map[string]domain.MeasureSums
	pending         map[domain.Metric]int64 // figures of submissions awaiting review
	pendingCount    int64
	pendingProject  map[string]map[domain.Metric]int64 // the same by project
	pendingCounts   map[string]int64
	at              time.Time // when an outcome or target changed the figures; zero: they did not
}

// pend adds a submission's figures to those awaiting review (sign 1), or
// takes them out (-1).
func (d *delta) pend(o domain.Outcome, sign int64) {
	if d.pending == nil {
		d.pending = map[domain.Metric]int64{}
	}
	for m, n := range o.Counts {
		d.pending[m] += sign * n
		addIn(&d.pendingProject, o.ProjectID, m, sign*n)
	}
	d.pendingCount += sign
	if d.pendingCounts == nil {
		d.pendingCounts = map[string]int64{}
	}
	d.pendingCounts[o.ProjectID] += sign
}

// funding moves the awards by funder and project, each funder's and the
// programme's, by byKey.
func funding(byKey map[domain.FundingKey]int64) delta {
	d := delta{byFunder: map[string]int64{}, byKey: byKey}
	for k, n := range byKey {
		d.awarded += n
		d.byFunder[k.FunderID] += n
	}
	return d
}

// outcome adds a submission's figures (sign 1), or takes them back (-1).
func (d *delta) outcome(o domain.Outcome, sign int64) {
	month := o.PeriodEnd.String()[:7]
	for m, n := range o.Counts {
		v := sign * n
		if d.programme == nil {
			d.programme = map[domain.Metric]int64{}
		}
		d.programme[m] += v
		addIn(&d.byProject, o.ProjectID, m, v)
		addIn(&d.monthly, month, m, v)
		if o.CohortID != "" {
			addIn(&d.byCohort, o.CohortID, m, v)
		}
	}
	for _, ms := range o.Measures {
		if d.measures == nil {
			d.measures = map[string]domain.MeasureSums{}
		}
		r, s := float64(ms.Respondents), float64(sign)
		cur := d.measures[ms.Name]
		cur.Respondents += sign * ms.Respondents
		cur.BaselineSum += s * r * ms.BaselineMean
		cur.LatestSum += s * r * ms.LatestMean
		d.measures[ms.Name] = cur
	}
}

func addIn(m *map[string]map[domain.Metric]int64, id string, metric domain.Metric, n int64) {
	if *m == nil {
		*m = map[string]map[domain.Metric]int64{}
	}
	if (*m)[id] == nil {
		(*m)[id] = map[domain.Metric]int64{}
	}
	(*m)[id][metric] += n
}

// markChanged marks the programme changed for the notifier when the
// change commits, without moving any figure (the DynamoDB store's changed
// marker, written on its own).
func (t *tx) markChanged() *tx {
	return t.then(func(p *partition) {
		p.changes++
		p.dirty = true
	})
}

// totals adds d to the programme's figures when the change commits.
func (t *tx) totals(d delta) *tx {
	return t.then(func(p *partition) { d.apply(p) })
}

func (d delta) apply(p *partition) {
	t := &p.totals
	t.AwardedPence += d.awarded
	for f, n := range d.byFunder {
		addNonZero(t.ByFunder, f, n)
	}
	for k, n := range d.byKey {
		addNonZero(p.funding.Awarded, k, n)
	}
	for s, n := range d.posts {
		addNonZero(t.Posts, s, n)
	}
	t.CohortCount += d.cohorts
	t.Places += d.places
	for m, n := range d.programme {
		addNonZero(t.Programme, m, n)
	}
	for m, n := range d.pending {
		addNonZero(t.Pending, m, n)
	}
	t.PendingCount += d.pendingCount
	addNested(t.PendingByProject, d.pendingProject)
	for j, n := range d.pendingCounts {
		addNonZero(t.PendingCountByProject, j, n)
	}
	addNested(t.ByProject, d.byProject)
	addNested(t.ByCohort, d.byCohort)
	addNested(t.Monthly, d.monthly)
	for name, ms := range d.measures {
		if ms == (domain.MeasureSums{}) {
			continue
		}
		cur := t.Measures[name]
		cur.Respondents += ms.Respondents
		cur.BaselineSum += ms.BaselineSum
		cur.LatestSum += ms.LatestSum
		t.Measures[name] = cur
	}
	if !d.at.IsZero() {
		// The figures changed: count the change and mark the programme for
		// the notifier, as the DynamoDB store's changed marker does.
		t.ChangedAt = d.at.UTC()
		p.changes++
		p.dirty = true
	}
}

func addNested(into, from map[string]map[domain.Metric]int64) {
	for id, ms := range from {
		for m, n := range ms {
			if n == 0 {
				continue
			}
			if into[id] == nil {
				into[id] = map[domain.Metric]int64{}
			}
			into[id][m] += n
		}
	}
}

func addNonZero[K comparable](m map[K]int64, k K, n int64) {
	if n != 0 {
		m[k] += n
	}
}

// Series implements service.TotalsStore: unlike the DynamoDB store, which
// keeps the daily figures on write, it adds up the submissions that count
// (approved ones no approved correction has taken over from: see counted)
// when asked, so the two ways of getting the same figures check each
// other in the contract test.
func (s *Store) Series(_ context.Context, programmeID string, keys []domain.SeriesKey) (map[domain.SeriesKey]domain.DaySeries, error) {
	if err := s.enter("Series"); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	series, _, err := s.progs[programmeID].series(keys)
	return series, err
}

// FiguresAsOf implements service.TotalsStore: the years of figures, the
// records gets name and the programme's count of changes, under one lock.
func (s *Store) FiguresAsOf(_ context.Context, programmeID string, keys []domain.SeriesKey, gets ...*service.Get) (map[domain.SeriesKey]domain.DaySeries, int64, error) {
	if err := s.enter("FiguresAsOf"); err != nil {
		return nil, 0, err
	}
	defer s.mu.Unlock()
	p := s.progs[programmeID]
	series, _, err := p.series(keys)
	if err != nil {
		return nil, 0, err
	}
	var changes int64
	if p != nil {
		changes = p.changes
	}
	if err := readGets(p, gets); err != nil {
		return nil, 0, err
	}
	return series, changes, nil
}

// Ping implements service.Reader: the fake always answers, unless a fault
// is injected for "Ping".
func (s *Store) Ping(context.Context) error {
	if err := s.enter("Ping"); err != nil {
		return err
	}
	s.mu.Unlock()
	return nil
}
