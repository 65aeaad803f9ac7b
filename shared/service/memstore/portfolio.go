package memstore

import (
	"context"
	"encoding/json"
	"maps"
	"sort"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// Memberships implements service.PortfolioStore: the programmes email
// holds roles in, by programme id (as the DynamoDB store's index orders
// them), with the roles.
func (s *Store) Memberships(_ context.Context, email string, p service.Page) ([]service.Membership, string, error) {
	if err := s.enter("Memberships"); err != nil {
		return nil, "", err
	}
	defer s.mu.Unlock()
	type row struct {
		ProgrammeID string        `json:"programmeId"`
		Roles       []domain.Role `json:"roles"`
	}
	var es []entry
	for id, part := range s.progs {
		var m domain.Member
		if ok, err := part.decode(domain.Ref(domain.EntityMember, email), &m); err != nil {
			return nil, "", err
		} else if !ok {
			continue
		}
		data, err := json.Marshal(row{ProgrammeID: id, Roles: m.Roles})
		if err != nil {
			return nil, "", err
		}
		es = append(es, entry{key: id, data: data})
	}
	sort.Slice(es, func(i, j int) bool { return es[i].key < es[j].key })
	rows, next, err := page[row]("memberships of "+email, es, false, nil, p)
	out := make([]service.Membership, len(rows))
	for i, r := range rows {
		out[i] = service.Membership{ProgrammeID: r.ProgrammeID, Roles: r.Roles}
	}
	return out, next, err
}

// MemberRoles implements service.PortfolioStore: email's roles in each of
// the programmes ids it is a member of.
func (s *Store) MemberRoles(_ context.Context, email string, ids []string) (map[string][]domain.Role, error) {
	if err := s.enter("MemberRoles"); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	out := map[string][]domain.Role{}
	for _, id := range ids {
		part, ok := s.progs[id]
		if !ok {
			continue
		}
		var m domain.Member
		if ok, err := part.decode(domain.Ref(domain.EntityMember, email), &m); err != nil {
			return nil, err
		} else if ok {
			out[id] = m.Roles
		}
	}
	return out, nil
}

// Summaries implements service.PortfolioStore from the records themselves
// (the DynamoDB store keeps a summary of targets and schedules on write;
// the contract test holds the two to the same answers). Schedules carry
// their id and due days, all a portfolio needs of them.
func (s *Store) Summaries(_ context.Context, ids []string) (map[string]domain.ProgrammeSummary, error) {
	if err := s.enter("Summaries"); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	out := map[string]domain.ProgrammeSummary{}
	for _, id := range ids {
		p := s.progs[id]
		var sum domain.ProgrammeSummary
		if ok, err := p.decode(domain.RecordRef{Entity: domain.EntityProgramme}, &sum.Programme); err != nil {
			return nil, err
		} else if !ok {
			continue
		}
		sum.Totals = copyTotals(p.totals)
		sum.Funding = domain.FundingFigures{Awarded: maps.Clone(p.funding.Awarded), Paid: map[domain.FundingKey]int64{}, Due: map[domain.FundingKey]int64{}}
		// Paid and due are worked out from the grants' figures and the
		// payments themselves; the DynamoDB store keeps them on write.
		keys, err := p.grantKeys()
		if err != nil {
			return nil, err
		}
		for id, k := range keys {
			if paid := p.money.grants[id].Paid; paid != 0 {
				sum.Funding.Paid[k] += paid
			}
		}
		err = p.each(domain.EntityPayment, func(data []byte) error {
			var pay domain.Payment
			if err := json.Unmarshal(data, &pay); err != nil {
				return err
			}
			if pay.Status == domain.PaymentDue {
				sum.Funding.Due[keys[pay.GrantID]]++
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		for _, e := range p.entries(domain.EntityTarget, "") {
			var t domain.Target
			if err := json.Unmarshal(e.data, &t); err != nil {
				return nil, err
			}
			sum.Targets = append(sum.Targets, summaryTarget(t))
		}
		counted := p.setup().Counted
		for _, e := range p.entries(domain.EntitySchedule, "") {
			var sc domain.Schedule
			if err := json.Unmarshal(e.data, &sc); err != nil {
				return nil, err
			}
			sum.Schedules = append(sum.Schedules, domain.Schedule{ID: sc.ID, DueDays: sc.DueDays, CountedByProject: counted[sc.ID]})
		}
		sum.ProjectNames = map[string]string{}
		for _, e := range p.entries(domain.EntityProject, "") {
			var pr domain.Project
			if err := json.Unmarshal(e.data, &pr); err != nil {
				return nil, err
			}
			sum.ProjectNames[pr.ID] = pr.Name
		}
		out[id] = sum
	}
	return out, nil
}

// summaryTarget is what a summary keeps of a target: what its window and
// its standing need.
func summaryTarget(t domain.Target) domain.Target {
	return domain.Target{ID: t.ID, Metric: t.Metric, Value: t.Value, Deadline: t.Deadline, StartDate: t.StartDate, ProjectID: t.ProjectID}
}

// Figures implements service.PortfolioStore.
func (s *Store) Figures(_ context.Context, want map[string]service.FigureKeys) (map[string]service.Figures, error) {
	if err := s.enter("Figures"); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	out := map[string]service.Figures{}
	for id, fk := range want {
		p := s.progs[id]
		series, _, err := p.series(fk.Series)
		if err != nil {
			return nil, err
		}
		f := service.Figures{Series: series, Stats: map[string]domain.ReturnStats{}, ProjectStats: map[string]map[string]domain.ReturnStats{}}
		for _, sid := range fk.Schedules {
			f.Stats[sid] = p.stats(domain.Ref(entityStats, sid))
		}
		for _, j := range fk.Projects {
			f.ProjectStats[j] = map[string]domain.ReturnStats{}
			for _, sid := range fk.ProjectSchedules {
				f.ProjectStats[j][sid] = p.stats(domain.ProjectRef(entityProjectStats, j, sid))
			}
		}
		out[id] = f
	}
	return out, nil
}

// stats is a schedule's return counts, or a project's of it, under ref
// (empty when there are none).
func (p *partition) stats(ref domain.RecordRef) domain.ReturnStats {
	var st statsRecord
	if p != nil {
		p.decode(ref, &st)
	}
	return domain.ReturnStats{ScheduleID: ref.ID, Expected: dates(st.Expected), Unsent: dates(st.Unsent), OnTime: dates(st.OnTime), Submitted: st.Submitted}
}

// PeriodSeries implements service.ReportStore.
func (s *Store) PeriodSeries(_ context.Context, programmeID string, keys []domain.SeriesKey) (map[domain.SeriesKey]domain.DaySeries, domain.DayMeasures, error) {
	if err := s.enter("PeriodSeries"); err != nil {
		return nil, nil, err
	}
	defer s.mu.Unlock()
	return s.progs[programmeID].series(keys)
}

// PeriodMoney implements service.ReportStore from the payments and spend
// returns themselves: payments paid in the period, by the day paid; spend
// returns that count (not corrected) whose period ended in it.
func (s *Store) PeriodMoney(_ context.Context, programmeID string, per domain.Period) (map[domain.FundingKey]int64, map[domain.FundingKey]int64, error) {
	if err := s.enter("PeriodMoney"); err != nil {
		return nil, nil, err
	}
	defer s.mu.Unlock()
	paid, spent := map[domain.FundingKey]int64{}, map[domain.FundingKey]int64{}
	p := s.progs[programmeID]
	keys, err := p.grantKeys()
	if err != nil {
		return nil, nil, err
	}
	err = p.each(domain.EntityPayment, func(data []byte) error {
		var pay domain.Payment
		if err := json.Unmarshal(data, &pay); err != nil {
			return err
		}
		if pay.Status == domain.PaymentPaid && per.Contains(pay.PaidDate) {
			paid[keys[pay.GrantID]] += pay.AmountPence
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	err = p.each(domain.EntitySpend, func(data []byte) error {
		var sp domain.SpendReturn
		if err := json.Unmarshal(data, &sp); err != nil {
			return err
		}
		if _, corrected := p.money.fixed[sp.ID]; !corrected && per.Contains(sp.PeriodEnd) {
			spent[keys[sp.GrantID]] += sp.TotalPence
		}
		return nil
	})
	return paid, spent, err
}

// grantKeys is whose money each grant is, by grant id.
func (p *partition) grantKeys() (map[string]domain.FundingKey, error) {
	out := map[string]domain.FundingKey{}
	err := p.each(domain.EntityGrant, func(data []byte) error {
		var g domain.Grant
		if err := json.Unmarshal(data, &g); err != nil {
			return err
		}
		out[g.ID] = g.FundingKey()
		return nil
	})
	return out, err
}

// each calls f with every record of one kind (a nil partition has none).
func (p *partition) each(e domain.Entity, f func([]byte) error) error {
	if p == nil {
		return nil
	}
	for ref, data := range p.records {
		if ref.Entity == e {
			if err := f(data); err != nil {
				return err
			}
		}
	}
	return nil
}

// series adds up the submissions that count into the years keys name
// (each present, empty when nothing counts in it) and, for the
// programme's own years among them, the measures' sums by day. As Series,
// it works from the submissions, not from figures kept on write, so the
// contract test checks the DynamoDB store's daily items against it.
func (p *partition) series(keys []domain.SeriesKey) (map[domain.SeriesKey]domain.DaySeries, domain.DayMeasures, error) {
	out := make(map[domain.SeriesKey]domain.DaySeries, len(keys))
	measures := domain.DayMeasures{}
	want := map[domain.SeriesKey]bool{}
	for _, k := range keys {
		out[k], want[k] = domain.DaySeries{}, true
	}
	if p == nil {
		return out, measures, nil
	}
	counted, err := p.counted()
	if err != nil {
		return nil, nil, err
	}
	for _, o := range counted {
		year := o.PeriodEnd.Time().Year()
		for _, k := range []domain.SeriesKey{{Year: year}, {ProjectID: o.ProjectID, Year: year}} {
			if !want[k] {
				continue
			}
			day := out[k][o.PeriodEnd]
			if day == nil {
				day = map[domain.Metric]int64{}
				out[k][o.PeriodEnd] = day
			}
			for m, n := range o.Counts {
				day[m] += n
			}
		}
		if !want[domain.SeriesKey{Year: year}] || len(o.Measures) == 0 {
			continue
		}
		day := measures[o.PeriodEnd]
		if day == nil {
			day = map[string]domain.MeasureSums{}
			measures[o.PeriodEnd] = day
		}
		for _, ms := range o.Measures {
			cur := day[ms.Name]
			r := float64(ms.Respondents)
			cur.Respondents += ms.Respondents
			cur.BaselineSum += r * ms.BaselineMean
			cur.LatestSum += r * ms.LatestMean
			day[ms.Name] = cur
		}
	}
	return out, measures, nil
}
