package store

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// A portfolio reads a page of programmes with everything its lines show,
// in requests that do not grow with any programme's history
// (docs/dynamodb.md, "Cost of a portfolio"):
//
//  1. the page of memberships: one Query of the person's index (GSI1
//     USER#<email>; the member items carry their roles);
//  2. each programme's PROG, TOTALS, SCHED and FUNDING items by key: the
//     totals hold the running figures and a summary of each target
//     (tg_<id>), the setup each schedule's due days (dd_<id>), the
//     funding item money by funder and project; one BatchGetItem per 100
//     keys, sent together;
//  3. the years of daily figures the targets' windows need and the
//     return counts the caller sees: each schedule's (SCHEDSTAT#<id>) for
//     a lead or funder, a project lead's projects' of each schedule
//     (RETSTAT#<j>#<id>), by key, likewise.

// Memberships lists the programmes email belongs to, with its roles in
// each, in programme id order: one Query of its index a page.
func (s *Store) Memberships(ctx context.Context, email string, p service.Page) ([]service.Membership, string, error) {
	var out []service.Membership
	next, err := s.list(ctx, query{index: "GSI1", pkAttr: "GSI1PK", skAttr: "GSI1SK", pk: pkUser(email), prefix: prefixProgramme}, p,
		func(item Item) error {
			var m domain.Member
			if err := unmarshal(item, &m); err != nil {
				return fmt.Errorf("decode membership: %w", err)
			}
			if v, ok := item["PK"].(*types.AttributeValueMemberS); ok {
				out = append(out, service.Membership{ProgrammeID: strings.TrimPrefix(v.Value, prefixProgramme), Roles: m.Roles})
			}
			return nil
		})
	if err != nil {
		return nil, "", fmt.Errorf("list memberships: %w", err)
	}
	return out, next, nil
}

// MemberRoles reads email's roles in each of the programmes ids by key
// (MEMBER#<email> under each programme: an administrator's page of
// programmes, listed without their memberships), in BatchGetItems of 100
// sent together. A programme email is no member of is left out.
func (s *Store) MemberRoles(ctx context.Context, email string, ids []string) (map[string][]domain.Role, error) {
	keys := make([]Item, len(ids))
	for i, id := range ids {
		keys[i] = key(pkProgramme(id), skMember(email))
	}
	items, err := s.batchGet(ctx, keys, "")
	if err != nil {
		return nil, fmt.Errorf("read memberships by programme: %w", err)
	}
	out := make(map[string][]domain.Role, len(items))
	for _, item := range items {
		pk, _ := item["PK"].(*types.AttributeValueMemberS)
		if pk == nil {
			continue
		}
		var m domain.Member
		if err := unmarshal(item, &m); err != nil {
			return nil, fmt.Errorf("decode membership: %w", err)
		}
		out[strings.TrimPrefix(pk.Value, prefixProgramme)] = m.Roles
	}
	return out, nil
}

// Summaries reads each programme with its running figures, its money by
// funder and project, its targets' summaries and its schedules' due days:
// four keys a programme, in
// BatchGetItems of 100 sent together.
func (s *Store) Summaries(ctx context.Context, ids []string) (map[string]domain.ProgrammeSummary, error) {
	keys := make([]Item, 0, 3*len(ids))
	for _, id := range ids {
		pk := pkProgramme(id)
		keys = append(keys, key(pk, skProgramme), key(pk, skTotals), key(pk, skSetup), key(pk, skFunding))
	}
	items, err := s.batchGet(ctx, keys, "")
	if err != nil {
		return nil, fmt.Errorf("read programme summaries: %w", err)
	}
	type parts struct{ prog, totals, setup, funding Item }
	byID := map[string]*parts{}
	for _, item := range items {
		pk, _ := item["PK"].(*types.AttributeValueMemberS)
		if pk == nil {
			continue
		}
		id := strings.TrimPrefix(pk.Value, prefixProgramme)
		if byID[id] == nil {
			byID[id] = &parts{}
		}
		switch skAttr(item) {
		case skProgramme:
			byID[id].prog = item
		case skTotals:
			byID[id].totals = item
		case skSetup:
			byID[id].setup = item
		case skFunding:
			byID[id].funding = item
		}
	}
	out := make(map[string]domain.ProgrammeSummary, len(byID))
	for id, p := range byID {
		if p.prog == nil {
			continue // not there (any more)
		}
		var sum domain.ProgrammeSummary
		if err := unmarshal(p.prog, &sum.Programme); err != nil {
			return nil, fmt.Errorf("decode programme %s: %w", id, err)
		}
		sum.Totals = decodeTotals(p.totals)
		sum.Funding = decodeFunding(p.funding)
		if sum.Targets, err = decodeTargetSummaries(p.totals); err != nil {
			return nil, fmt.Errorf("decode targets of %s: %w", id, err)
		}
		sum.Schedules = decodeScheduleSummaries(p.setup)
		sum.ProjectNames = decodeProjectNames(p.totals)
		out[id] = sum
	}
	return out, nil
}

// decodeTargetSummaries reads the targets kept on a totals item, by id.
func decodeTargetSummaries(item Item) ([]domain.Target, error) {
	var out []domain.Target
	for attr, av := range item {
		m, ok := av.(*types.AttributeValueMemberM)
		if !ok || !strings.HasPrefix(attr, "tg_") {
			continue
		}
		var t summarisedTarget
		if err := unmarshal(m.Value, &t); err != nil {
			return nil, err
		}
		out = append(out, domain.Target{ID: t.ID, Metric: t.Metric, Value: t.Value, Deadline: t.Deadline, StartDate: t.StartDate, ProjectID: t.ProjectID})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// decodeProjectNames reads the projects' names kept on a totals item
// (pn_<project>), by id.
func decodeProjectNames(item Item) map[string]string {
	out := map[string]string{}
	for attr, av := range item {
		if v, ok := av.(*types.AttributeValueMemberS); ok && strings.HasPrefix(attr, "pn_") {
			out[attr[3:]] = v.Value
		}
	}
	return out
}

// decodeScheduleSummaries reads the schedules' due days kept on a
// reporting setup item, and whether each keeps its counts by project
// (pc_<id>), by id.
func decodeScheduleSummaries(item Item) []domain.Schedule {
	var out []domain.Schedule
	counted := countedByProject(item)
	for attr, av := range item {
		nv, ok := av.(*types.AttributeValueMemberN)
		if !ok || !strings.HasPrefix(attr, "dd_") {
			continue
		}
		var days int64
		fmt.Sscan(nv.Value, &days)
		out = append(out, domain.Schedule{ID: attr[3:], DueDays: days, CountedByProject: counted[attr[3:]]})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Figures reads what want asks of each programme (years of daily figures,
// schedules' return counts, projects' return counts of schedules), all
// programmes' keys together in BatchGetItems of 100 sent together. A
// year or counts with nothing kept are empty.
func (s *Store) Figures(ctx context.Context, want map[string]service.FigureKeys) (map[string]service.Figures, error) {
	out := make(map[string]service.Figures, len(want))
	var keys []Item
	for id, fk := range want {
		f := service.Figures{Series: map[domain.SeriesKey]domain.DaySeries{}, Stats: map[string]domain.ReturnStats{},
			ProjectStats: map[string]map[string]domain.ReturnStats{}}
		pk := pkProgramme(id)
		seen := map[string]bool{}
		for _, k := range fk.Series {
			f.Series[k] = domain.DaySeries{}
			if sk := skSeries(k); !seen[sk] {
				seen[sk] = true
				keys = append(keys, key(pk, sk))
			}
		}
		for _, sid := range fk.Schedules {
			f.Stats[sid] = decodeStats(sid, nil)
			if sk := skScheduleStats(sid); !seen[sk] {
				seen[sk] = true
				keys = append(keys, key(pk, sk))
			}
		}
		for _, j := range fk.Projects {
			f.ProjectStats[j] = map[string]domain.ReturnStats{}
			for _, sid := range fk.ProjectSchedules {
				f.ProjectStats[j][sid] = decodeStats(sid, nil)
				if sk := skProjectStats(j, sid); !seen[sk] {
					seen[sk] = true
					keys = append(keys, key(pk, sk))
				}
			}
		}
		out[id] = f
	}
	items, err := s.batchGet(ctx, keys, "")
	if err != nil {
		return nil, fmt.Errorf("read programmes' figures: %w", err)
	}
	for _, item := range items {
		pk, _ := item["PK"].(*types.AttributeValueMemberS)
		if pk == nil {
			continue
		}
		f, ok := out[strings.TrimPrefix(pk.Value, prefixProgramme)]
		if !ok {
			continue
		}
		sk := skAttr(item)
		switch {
		case strings.HasPrefix(sk, prefixScheduleStats):
			id := strings.TrimPrefix(sk, prefixScheduleStats)
			f.Stats[id] = decodeStats(id, item)
		case strings.HasPrefix(sk, prefixProjectStats):
			// Ids hold no "#": the project's, then the schedule's.
			j, id, ok := strings.Cut(strings.TrimPrefix(sk, prefixProjectStats), "#")
			if by := f.ProjectStats[j]; ok && by != nil {
				by[id] = decodeStats(id, item)
			}
		case strings.HasPrefix(sk, prefixSeries):
			for k := range f.Series {
				if skSeries(k) == sk {
					f.Series[k] = decodeSeries(item)
				}
			}
		}
	}
	return out, nil
}

// PeriodSeries reads the years of figures keys name, and the measures'
// sums by day from the programme's own years among them: Series, with
// the measures.
func (s *Store) PeriodSeries(ctx context.Context, programmeID string, keys []domain.SeriesKey) (map[domain.SeriesKey]domain.DaySeries, domain.DayMeasures, error) {
	measures := domain.DayMeasures{}
	out, err := s.readSeries(ctx, programmeID, keys, measures)
	if err != nil {
		return nil, nil, err
	}
	return out, measures, nil
}

// A money series item (PK=PROG#<p>, SK=MSERIES#<YYYY-MM>) holds one
// month of the programme's money by day and grant: "<YYYY-MM-DD>_p_<grant>"
// paid that day, "<YYYY-MM-DD>_s_<grant>" spent in spend returns whose
// period ended that day. Every payment paid (or no longer paid) and every
// spend return (and its correction) ADDs to it in its own transaction, so
// a period report reads the months it covers and no payment or return. A
// month to an item keeps each small: 1,000 grants each reporting spend
// monthly and paid quarterly come to about 60 KB.

// moneyDays adds to t the updates of the money series items that paid and
// spent (by day, of one grant) move: one item a month.
func (s *Store) moneyDays(t *tx, programmeID, grantID string, paid, spent map[domain.Date]int64) *tx {
	byMonth := map[string]deltas{}
	for kind, days := range map[string]map[domain.Date]int64{"_p_": paid, "_s_": spent} {
		for day, n := range days {
			m := day.String()[:7]
			if byMonth[m] == nil {
				byMonth[m] = deltas{}
			}
			byMonth[m].add(day.String()+kind+grantID, float64(n))
		}
	}
	months := make([]string, 0, len(byMonth))
	for m, d := range byMonth {
		if len(d) > 0 {
			months = append(months, m)
		}
	}
	sort.Strings(months)
	for _, m := range months {
		t.add(s.addUpdate(pkProgramme(programmeID), skMoneySeries(m), byMonth[m]), nil)
	}
	return t
}

// PeriodMoney reads the money paid and spent in a period, by funder and
// project: the funding item (whose each grant is) and the money series of
// the months the period covers, in one BatchGetItem per 100 keys (a
// quarter is one request).
func (s *Store) PeriodMoney(ctx context.Context, programmeID string, per domain.Period) (map[domain.FundingKey]int64, map[domain.FundingKey]int64, error) {
	pk := pkProgramme(programmeID)
	ks := []Item{key(pk, skFunding)}
	end := per.End.Time()
	for m := time.Date(per.Start.Time().Year(), per.Start.Time().Month(), 1, 0, 0, 0, 0, time.UTC); !m.After(end); m = m.AddDate(0, 1, 0) {
		ks = append(ks, key(pk, skMoneySeries(m.Format("2006-01"))))
	}
	items, err := s.batchGet(ctx, ks, "")
	if err != nil {
		return nil, nil, fmt.Errorf("read money of %s: %w", programmeID, err)
	}
	var owners map[string]domain.FundingKey
	for _, item := range items {
		if skAttr(item) == skFunding {
			owners = grantOwners(item)
		}
	}
	paid, spent := map[domain.FundingKey]int64{}, map[domain.FundingKey]int64{}
	for _, item := range items {
		if !strings.HasPrefix(skAttr(item), prefixMoneySeries) {
			continue
		}
		for attr, av := range item {
			nv, ok := av.(*types.AttributeValueMemberN)
			if !ok || len(attr) < 14 {
				continue
			}
			day, err := domain.ParseDate(attr[:10])
			if err != nil || !per.Contains(day) {
				continue
			}
			n, _ := strconv.ParseFloat(nv.Value, 64)
			k, known := owners[attr[13:]]
			if !known || n == 0 {
				continue // a grant whose owner is not recorded is nobody's to see
			}
			switch attr[10:13] {
			case "_p_":
				paid[k] += int64(n)
			case "_s_":
				spent[k] += int64(n)
			}
		}
	}
	return paid, spent, nil
}
