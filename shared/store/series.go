package store

import (
	"context"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// A series item (PK=PROG#<p>, SK=SERIES#<year> for the programme,
// SERIES#<project>#<year> for a project) holds one year of figures by the
// date each period ended: one number attribute "<YYYY-MM-DD>_<metric>".
// The programme's items also hold the wellbeing measures' sums by that
// date, "<YYYY-MM-DD>_ms_<measure>_n|b|l" (respondents, weighted baseline,
// weighted latest, as the totals keep them), for period reports.
// Every submission ADDs to its programme's and its project's item of the
// year its period ended, in the same transaction as the submission, so a
// target reads only the years of its window (see domain.SeriesKeys). A
// year has at most 366 days × 8 metrics, about 80 KB: far below the item
// limit however many years or projects a programme has.

// seriesUpdates are the transaction items that apply d and the measures'
// deltas, one per series item (a transaction may touch an item only once).
func (s *Store) seriesUpdates(programmeID string, d map[domain.SeriesKey]map[domain.Date]map[domain.Metric]int64, measures map[domain.SeriesKey]deltas) []types.TransactWriteItem {
	keys := make([]domain.SeriesKey, 0, len(d))
	for k := range d {
		keys = append(keys, k)
	}
	for k := range measures {
		if _, ok := d[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].String() < keys[j].String() })
	var items []types.TransactWriteItem
	for _, k := range keys {
		attrs := deltas{}
		seriesAttrs(attrs, d[k])
		for a, n := range measures[k] {
			attrs.add(a, n)
		}
		if len(attrs) == 0 {
			continue
		}
		items = append(items, s.addUpdate(pkProgramme(programmeID), skSeries(k), attrs))
	}
	return items
}

// seriesAttrs adds a year's daily deltas to d under their attribute names.
func seriesAttrs(d deltas, days map[domain.Date]map[domain.Metric]int64) {
	for day, counts := range days {
		for m, n := range counts {
			d.add(day.String()+"_"+string(m), float64(n))
		}
	}
}

// measureSeriesDeltas adds a submission's measures (sign +1 to count it,
// -1 to take it back) to the programme's series item of its period end's
// year, by that date.
func measureSeriesDeltas(into map[domain.SeriesKey]deltas, o domain.Outcome, sign float64) {
	if len(o.Measures) == 0 {
		return
	}
	k := domain.SeriesKey{Year: o.PeriodEnd.Time().Year()}
	if into[k] == nil {
		into[k] = deltas{}
	}
	day := o.PeriodEnd.String()
	for _, ms := range o.Measures {
		r := float64(ms.Respondents)
		into[k].add(day+"_ms_"+ms.Name+"_n", sign*r)
		into[k].add(day+"_ms_"+ms.Name+"_b", sign*r*ms.BaselineMean)
		into[k].add(day+"_ms_"+ms.Name+"_l", sign*r*ms.LatestMean)
	}
}

// addUpdate is an Update that ADDs each of d to an item, creating it if
// need be.
func (s *Store) addUpdate(pk, sk string, d deltas) types.TransactWriteItem {
	attrs := make([]string, 0, len(d))
	for a := range d {
		attrs = append(attrs, a)
	}
	sort.Strings(attrs)
	names := map[string]string{}
	values := map[string]types.AttributeValue{}
	adds := make([]string, 0, len(attrs))
	for i, a := range attrs {
		n, v := "#a"+strconv.Itoa(i), ":a"+strconv.Itoa(i)
		names[n] = a
		values[v] = &types.AttributeValueMemberN{Value: formatNum(d[a])}
		adds = append(adds, n+" "+v)
	}
	return types.TransactWriteItem{Update: &types.Update{
		TableName: &s.table, Key: key(pk, sk),
		UpdateExpression:          aws.String("ADD " + strings.Join(adds, ", ")),
		ExpressionAttributeNames:  names,
		ExpressionAttributeValues: values,
	}}
}

// mergeSeries adds b's deltas into a.
func mergeSeries(a, b map[domain.SeriesKey]map[domain.Date]map[domain.Metric]int64) {
	for k, days := range b {
		if a[k] == nil {
			a[k] = map[domain.Date]map[domain.Metric]int64{}
		}
		for day, counts := range days {
			if a[k][day] == nil {
				a[k][day] = map[domain.Metric]int64{}
			}
			for m, n := range counts {
				a[k][day][m] += n
			}
		}
	}
}

// Series reads the years of figures keys name: one BatchGetItem per 100
// keys, sent together. A year with nothing in it is an empty series.
func (s *Store) Series(ctx context.Context, programmeID string, keys []domain.SeriesKey) (map[domain.SeriesKey]domain.DaySeries, error) {
	return s.readSeries(ctx, programmeID, keys, nil)
}

// readSeries is Series, adding to measures (when not nil) the measures'
// sums by day of the programme's own years among keys (PeriodSeries).
func (s *Store) readSeries(ctx context.Context, programmeID string, keys []domain.SeriesKey, measures domain.DayMeasures) (map[domain.SeriesKey]domain.DaySeries, error) {
	out := make(map[domain.SeriesKey]domain.DaySeries, len(keys))
	for _, k := range keys {
		out[k] = domain.DaySeries{}
	}
	ks, bySK := seriesKeys(programmeID, keys)
	items, err := s.batchGet(ctx, ks, "")
	if err != nil {
		return nil, fmt.Errorf("read series of %s: %w", programmeID, err)
	}
	for _, item := range items {
		k := bySK[skAttr(item)]
		out[k] = decodeSeries(item)
		if measures != nil && k.ProjectID == "" {
			decodeMeasures(item, measures)
		}
	}
	return out, nil
}

// seriesKeys is the keys of the series items keys name, each once, and
// which of keys each item's sort key is.
func seriesKeys(programmeID string, keys []domain.SeriesKey) ([]Item, map[string]domain.SeriesKey) {
	var ks []Item
	bySK := make(map[string]domain.SeriesKey, len(keys))
	for _, k := range keys {
		sk := skSeries(k)
		if _, dup := bySK[sk]; !dup {
			bySK[sk] = k
			ks = append(ks, key(pkProgramme(programmeID), sk))
		}
	}
	return ks, bySK
}

func decodeSeries(item Item) domain.DaySeries {
	ds := domain.DaySeries{}
	for attr, av := range item {
		nv, ok := av.(*types.AttributeValueMemberN)
		if !ok {
			continue
		}
		dayText, metric, ok := strings.Cut(attr, "_")
		if !ok || strings.HasPrefix(metric, "ms_") {
			continue // a measure's sums: see decodeMeasures
		}
		t, err := time.Parse(time.DateOnly, dayText)
		if err != nil {
			continue
		}
		n, err := strconv.ParseInt(nv.Value, 10, 64)
		if err != nil {
			f, _ := strconv.ParseFloat(nv.Value, 64)
			n = int64(f)
		}
		day := domain.DateOf(t)
		if ds[day] == nil {
			ds[day] = map[domain.Metric]int64{}
		}
		ds[day][domain.Metric(metric)] = n
	}
	return ds
}

// decodeMeasures reads the measures' sums of a programme's series item,
// adding them into out by day.
func decodeMeasures(item Item, out domain.DayMeasures) {
	for attr, av := range item {
		nv, ok := av.(*types.AttributeValueMemberN)
		if !ok {
			continue
		}
		dayText, rest, ok := strings.Cut(attr, "_ms_")
		if !ok {
			continue
		}
		name, part, ok := cutLast(rest)
		day, err := domain.ParseDate(dayText)
		if !ok || err != nil {
			continue
		}
		f, _ := strconv.ParseFloat(nv.Value, 64)
		if out[day] == nil {
			out[day] = map[string]domain.MeasureSums{}
		}
		ms := out[day][name]
		switch part {
		case "n":
			ms.Respondents = int64(f)
		case "b":
			ms.BaselineSum = f
		case "l":
			ms.LatestSum = f
		}
		out[day][name] = ms
	}
}
