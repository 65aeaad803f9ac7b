package store

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// The totals item (PK=PROG#id, SK=TOTALS) holds one number attribute per
// running figure. Every write that changes a figure ADDs its delta in the
// same transaction, so the figures are exact whatever runs concurrently.
// Attribute names:
//
//	awardedPence, fund_<funderId>            funding
//	tg_<targetId>                            a target's summary (a map: what its window and standing need)
//	pn_<projectId>                           the project's name, for portfolio lines (organisations.go)
//	posts_<status>, cohorts, places          posts and cohorts
//	m_<metric>                               programme totals
//	pm_<projectId>_<metric>                  project totals
//	cm_<cohortId>_<metric>                   cohort totals
//	ms_<measure>_n|_b|_l                     measure sums (respondents, weighted baseline, weighted latest)
//	sm_<YYYY-MM>_<metric>                    programme totals by month of period end
//	pd_<metric>, pd_n                        figures of submissions awaiting review, and how many
//	pp_<projectId>_<metric>, pc_<projectId>  the same by project
//	changedAt                                when an outcome or target last changed the figures
//	touched                                  a counter an update with nothing else to write adds, so its transaction stays valid
//
// The item is in no index: the marker that tells the notifier the figures
// changed is a small item of its own (changed.go), written beside it.
type deltas map[string]float64

func (d deltas) add(attr string, n float64) {
	if n != 0 {
		d[attr] += n
	}
}

// outcomeDeltas are the changes one submission makes to the totals (sign +1
// to count it, -1 to take it back when it is corrected).
func outcomeDeltas(d deltas, o domain.Outcome, sign float64) {
	month := o.PeriodEnd.String()[:7]
	for m, n := range o.Counts {
		v := sign * float64(n)
		d.add("m_"+string(m), v)
		d.add("pm_"+o.ProjectID+"_"+string(m), v)
		d.add("sm_"+month+"_"+string(m), v)
		if o.CohortID != "" {
			d.add("cm_"+o.CohortID+"_"+string(m), v)
		}
	}
	for _, ms := range o.Measures {
		r := float64(ms.Respondents)
		d.add("ms_"+ms.Name+"_n", sign*r)
		d.add("ms_"+ms.Name+"_b", sign*r*ms.BaselineMean)
		d.add("ms_"+ms.Name+"_l", sign*r*ms.LatestMean)
	}
}

// pendingDeltas are the changes a submission makes to the pending
// figures (sign +1 while it awaits review, -1 once it no longer does).
func pendingDeltas(d deltas, o domain.Outcome, sign float64) {
	for m, n := range o.Counts {
		d.add("pd_"+string(m), sign*float64(n))
		d.add("pp_"+o.ProjectID+"_"+string(m), sign*float64(n))
	}
	d.add("pd_n", sign)
	d.add("pc_"+o.ProjectID, sign)
}

func formatNum(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// totalsUpdate is the transaction item that applies d (and sets changedAt
// when given) to a programme's totals. It does not mark the programme
// changed for the notifier: addTotals does both.
func (s *Store) totalsUpdate(programmeID string, d deltas, changedAt time.Time) types.TransactWriteItem {
	return s.totalsUpdateSet(programmeID, d, changedAt, nil)
}

// totalsUpdateSet is totalsUpdate that also sets attributes to values (a
// transaction touches an item once, so everything it changes on the
// totals goes in one update).
func (s *Store) totalsUpdateSet(programmeID string, d deltas, changedAt time.Time, set map[string]types.AttributeValue) types.TransactWriteItem {
	names := map[string]string{}
	values := map[string]types.AttributeValue{}
	attrs := make([]string, 0, len(d))
	for a := range d {
		attrs = append(attrs, a)
	}
	sort.Strings(attrs) // stable expressions are easier to read in logs
	var adds []string
	for i, a := range attrs {
		if d[a] == 0 {
			continue
		}
		n, v := "#a"+strconv.Itoa(i), ":a"+strconv.Itoa(i)
		names[n] = a
		values[v] = &types.AttributeValueMemberN{Value: formatNum(d[a])}
		adds = append(adds, n+" "+v)
	}
	var expr []string
	if len(adds) > 0 {
		expr = append(expr, "ADD "+strings.Join(adds, ", "))
	}
	var sets []string
	if !changedAt.IsZero() {
		// The marker the notifier reads is a separate item (addTotals).
		names["#changed"] = "changedAt"
		values[":changed"] = str(changedAt.UTC().Format(time.RFC3339Nano))
		sets = append(sets, "#changed = :changed")
	}
	setNames := make([]string, 0, len(set))
	for a := range set {
		setNames = append(setNames, a)
	}
	sort.Strings(setNames)
	for i, a := range setNames {
		n, v := "#s"+strconv.Itoa(i), ":s"+strconv.Itoa(i)
		names[n], values[v] = a, set[a]
		sets = append(sets, n+" = "+v)
	}
	if len(sets) > 0 {
		expr = append(expr, "SET "+strings.Join(sets, ", "))
	}
	if len(expr) == 0 { // nothing to change; still touch the item so the transaction is valid
		names["#touched"] = "touched"
		values[":one"] = num(1)
		expr = append(expr, "ADD #touched :one")
	}
	return types.TransactWriteItem{Update: &types.Update{
		TableName: &s.table, Key: key(pkProgramme(programmeID), skTotals),
		UpdateExpression:          aws.String(strings.Join(expr, " ")),
		ExpressionAttributeNames:  names,
		ExpressionAttributeValues: values,
	}}
}

// Totals reads a programme's running figures: one GetItem.
func (s *Store) Totals(ctx context.Context, programmeID string) (domain.Totals, error) {
	item, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &s.table, Key: key(pkProgramme(programmeID), skTotals), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return domain.NewTotals(), fmt.Errorf("get totals of %s: %w", programmeID, classify(err))
	}
	return decodeTotals(item.Item), nil
}

// decodeTotals reads the running figures of a totals item (nil: none yet).
func decodeTotals(item Item) domain.Totals {
	t := domain.NewTotals()
	for attr, av := range item {
		if s, ok := av.(*types.AttributeValueMemberS); ok && attr == "changedAt" {
			t.ChangedAt, _ = time.Parse(time.RFC3339Nano, s.Value)
			continue
		}
		nv, ok := av.(*types.AttributeValueMemberN)
		if !ok {
			continue
		}
		f, _ := strconv.ParseFloat(nv.Value, 64)
		n := int64(f)
		switch {
		case attr == "awardedPence":
			t.AwardedPence = n
		case attr == "cohorts":
			t.CohortCount = n
		case attr == "places":
			t.Places = n
		case attr == "pd_n":
			t.PendingCount = n
		case strings.HasPrefix(attr, "pd_"):
			t.Pending[domain.Metric(attr[3:])] = n
		case strings.HasPrefix(attr, "pc_"):
			t.PendingCountByProject[attr[3:]] = n
		case strings.HasPrefix(attr, "fund_"):
			t.ByFunder[attr[5:]] = n
		case strings.HasPrefix(attr, "posts_"):
			t.Posts[domain.PostStatus(attr[6:])] = n
		case strings.HasPrefix(attr, "m_"):
			t.Programme[domain.Metric(attr[2:])] = n
		case strings.HasPrefix(attr, "pm_"), strings.HasPrefix(attr, "cm_"), strings.HasPrefix(attr, "sm_"), strings.HasPrefix(attr, "pp_"):
			id, metric, ok := cutLast(attr[3:])
			if !ok {
				continue
			}
			into := map[string]map[string]map[domain.Metric]int64{"pm_": t.ByProject, "cm_": t.ByCohort, "sm_": t.Monthly,
				"pp_": t.PendingByProject}[attr[:3]]
			if into[id] == nil {
				into[id] = map[domain.Metric]int64{}
			}
			into[id][domain.Metric(metric)] = n
		case strings.HasPrefix(attr, "ms_"):
			name, part, ok := cutLast(attr[3:])
			if !ok {
				continue
			}
			ms := t.Measures[name]
			switch part {
			case "n":
				ms.Respondents = n
			case "b":
				ms.BaselineSum = f
			case "l":
				ms.LatestSum = f
			}
			t.Measures[name] = ms
		}
	}
	return t
}

// cutLast splits "a_b_c" into "a_b" and "c": ids and months never contain
// "_" and metrics and measure parts come last.
func cutLast(s string) (string, string, bool) {
	i := strings.LastIndexByte(s, '_')
	if i <= 0 || i == len(s)-1 {
		return "", "", false
	}
	return s[:i], s[i+1:], true
}
