package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/testenv"
)

// itemBytes is an item's size as DynamoDB counts it against the 400 KB
// limit: each attribute's name plus its value (a number takes about one
// byte per two significant digits, plus one).
func itemBytes(item Item) int {
	n := 0
	for name, v := range item {
		n += len(name)
		switch v := v.(type) {
		case *types.AttributeValueMemberS:
			n += len(v.Value)
		case *types.AttributeValueMemberN:
			digits := len(strings.TrimLeft(strings.NewReplacer("-", "", ".", "").Replace(v.Value), "0"))
			n += (digits+1)/2 + 1
		case *types.AttributeValueMemberB:
			n += len(v.Value)
		case *types.AttributeValueMemberM:
			n += 3 + itemBytes(v.Value) // a map: its names and values, and a little overhead
		default:
			n += 64 // not used by these items
		}
	}
	return n
}

// deltasItem is the item that ADDing d to nothing leaves.
func deltasItem(pk, sk string, d deltas) Item {
	item := key(pk, sk)
	for a, v := range d {
		item[a] = &types.AttributeValueMemberN{Value: formatNum(v)}
	}
	return item
}

// TestItemsStayUnderTheLimit builds the figures of the largest programme
// the SPEC names — 100 projects, ten years of monthly submissions of every
// metric, 200 cohorts and a few wellbeing measures — through the same
// delta functions every write uses, and checks each item it leaves (the
// totals item and every year of daily figures) stays well under
// DynamoDB's 400 KB item limit. The largest of each kind is then written
// to DynamoDB Local, which refuses an item over the limit.
func TestItemsStayUnderTheLimit(t *testing.T) {
	t.Parallel()
	const projects, years, cohortsPerProject = 100, 10, 2
	programme := "01hq3v7k8m9n0p1q2r3s4t5v6w"
	totals := deltas{}
	series := map[domain.SeriesKey]map[domain.Date]map[domain.Metric]int64{}
	measures := map[domain.SeriesKey]deltas{}
	counts := map[domain.Metric]int64{}
	for i, m := range domain.Metrics {
		counts[m] = int64(1000 + i) // four-digit figures in every metric
	}
	submissions := 0
	for p := range projects {
		project := fmt.Sprintf("01hq3v7k8m9n0p1q2r3s4p%04d", p)
		for month := range years * 12 {
			start := time.Date(2016, time.Month(1+month), 1, 0, 0, 0, 0, time.UTC)
			end := start.AddDate(0, 1, -1)
			o := domain.Outcome{ProjectID: project, PeriodStart: domain.DateOf(start), PeriodEnd: domain.DateOf(end), Counts: counts,
				CohortID: fmt.Sprintf("01hq3v7k8m9n0p1q2r3s4c%02d%02d", p, month%cohortsPerProject),
				Measures: []domain.Measure{{Name: "self-confidence", BaselineMean: 3.1, LatestMean: 6.9, Respondents: 8},
					{Name: "experience of health", BaselineMean: 3.5, LatestMean: 7.21, Respondents: 8},
					{Name: "WEMWBS", BaselineMean: 41.2, LatestMean: 48.9, Respondents: 8}}}
			outcomeDeltas(totals, o, 1)
			mergeSeries(series, domain.SeriesDeltas(o, 1))
			measureSeriesDeltas(measures, o, 1)
			submissions++
		}
		// And a submission of every metric awaiting review in every project.
		pendingDeltas(totals, domain.Outcome{ProjectID: project, Counts: counts}, 1)
	}
	for f := range 20 {
		totals.add("fund_"+fmt.Sprintf("01hq3v7k8m9n0p1q2r3s4f%04d", f), 12345678901)
	}
	totals.add("awardedPence", 99999999999)
	totals.add("paywait", 9999) // payments waiting on a target or return
	for _, s := range []string{"vacant", "filled", "ended"} {
		totals.add("posts_"+s, 300)
	}
	totalsItem := deltasItem(pkProgramme(programme), skTotals, totals)
	// Fifty targets' summaries, each on a project, with its own start.
	for i := range 50 {
		sum, err := targetSummary(domain.Target{ID: fmt.Sprintf("01hq3v7k8m9n0p1q2r3s4t%04d", i), Metric: domain.MetricSustainedJobs13Weeks,
			Value: 1000000, StartDate: domain.MustDate("2016-01-01"), Deadline: domain.MustDate("2025-12-31"),
			ProjectID: fmt.Sprintf("01hq3v7k8m9n0p1q2r3s4p%04d", i)})
		if err != nil {
			t.Fatal(err)
		}
		for a, v := range sum {
			totalsItem[a] = v
		}
	}
	totalsItem["changedAt"] = str(time.Now().UTC().Format(time.RFC3339Nano))
	// Money by funder and project: twenty funders, each funding a third
	// of the projects (some seven funders a project) and the programme as
	// a whole; and by grant, whose each is, paid and payments due, for
	// 1,000 grants (ten a project).
	funding := deltas{}
	for f := range 20 {
		funder := fmt.Sprintf("01hq3v7k8m9n0p1q2r3s4f%04d", f)
		keys := []domain.FundingKey{{FunderID: funder}}
		for p := f % 3; p < projects; p += 3 {
			keys = append(keys, domain.FundingKey{FunderID: funder, ProjectID: fmt.Sprintf("01hq3v7k8m9n0p1q2r3s4p%04d", p)})
		}
		for _, k := range keys {
			funding.add(fundingAttr("fa_", k), 12345678901)
		}
	}
	owners := map[string]string{}
	for g := range 1000 {
		id := fmt.Sprintf("01hq3v7k8m9n0p1q2r3s4g%04d", g)
		funding.add("gp_"+id, 12345678901)
		funding.add("gn_"+id, 3)
		owners["gk_"+id] = grantKey(domain.FundingKey{FunderID: fmt.Sprintf("01hq3v7k8m9n0p1q2r3s4f%04d", g%20),
			ProjectID: fmt.Sprintf("01hq3v7k8m9n0p1q2r3s4p%04d", g%projects)})
	}
	fundingItem := deltasItem(pkProgramme(programme), skFunding, funding)
	for a, v := range owners {
		fundingItem[a] = str(v)
	}
	totalsItem["GSI1PK"], totalsItem["GSI1SK"] = str(dirtyIndex), str(programme)

	const limit = 400 * 1024
	type sized struct {
		sk    string
		bytes int
		item  Item
	}
	var all []sized
	all = append(all, sized{skTotals, itemBytes(totalsItem), totalsItem}, sized{skFunding, itemBytes(fundingItem), fundingItem})
	for k, days := range series {
		d := deltas{}
		seriesAttrs(d, days)
		for a, n := range measures[k] {
			d.add(a, n)
		}
		item := deltasItem(pkProgramme(programme), skSeries(k), d)
		all = append(all, sized{skSeries(k), itemBytes(item), item})
	}
	sort.Slice(all, func(i, j int) bool { return all[i].bytes > all[j].bytes })
	var programmeYear, projectYear sized
	for _, s := range all {
		if s.bytes > limit/2 {
			t.Errorf("%s is %d bytes: over half the 400 KB item limit", s.sk, s.bytes)
		}
		if strings.Count(s.sk, "#") == 1 && programmeYear.item == nil {
			programmeYear = s
		}
		if strings.Count(s.sk, "#") == 2 && projectYear.item == nil {
			projectYear = s
		}
	}
	t.Logf("%d submissions (%d projects × %d years × 12 months × %d metrics): TOTALS %d bytes (%d attributes); "+
		"largest programme year %s %d bytes; largest project year %s %d bytes; %d items in all",
		submissions, projects, years, len(domain.Metrics), itemBytes(totalsItem), len(totalsItem),
		programmeYear.sk, programmeYear.bytes, projectYear.sk, projectYear.bytes, len(all))
	t.Logf("FUNDING %d bytes (%d attributes)", itemBytes(fundingItem), len(fundingItem))
	if programmeYear.item == nil || projectYear.item == nil {
		t.Fatal("no series items were built")
	}

	// DynamoDB Local refuses an item over 400 KB: write the largest of each kind.
	db, table := testenv.Table(t)
	for _, s := range []sized{all[0], programmeYear, projectYear, {skFunding, itemBytes(fundingItem), fundingItem}} {
		if _, err := db.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: aws.String(table), Item: s.item}); err != nil {
			t.Errorf("DynamoDB Local refused %s (%d bytes): %v", s.sk, s.bytes, err)
		}
	}
	// And a year of figures reads back exactly.
	st := New(db, table)
	k := domain.SeriesKey{Year: 2020}
	want := series[k]
	d := deltas{}
	seriesAttrs(d, want)
	if _, err := db.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: aws.String(table), Item: deltasItem(pkProgramme(programme), skSeries(k), d)}); err != nil {
		t.Fatal(err)
	}
	got, err := st.Series(context.Background(), programme, []domain.SeriesKey{k})
	if err != nil {
		t.Fatal(err)
	}
	if len(got[k]) != len(want) {
		t.Fatalf("2020 read back %d days, want %d", len(got[k]), len(want))
	}
	for day, counts := range want {
		for m, n := range counts {
			if got[k][day][m] != n {
				t.Errorf("%s %s = %d, want %d", day, m, got[k][day][m], n)
			}
		}
	}
}

// TestMoneyItemIsSmall: a grant's money item has a fixed set of attributes
// (see money.go), whatever its history: the largest figures in every one
// of them stay far below the item limit, and DynamoDB Local takes it.
func TestMoneyItemIsSmall(t *testing.T) {
	t.Parallel()
	d := domain.MoneyDelta{Headroom: -domain.MaxAmountPence, Paid: domain.MaxAmountPence, Due: domain.MaxAmountPence,
		Spent: domain.MaxAmountPence, SpentBy: map[domain.BudgetCategory]int64{}}
	for _, c := range domain.BudgetCategories {
		d.SpentBy[c] = domain.MaxAmountPence
	}
	s := &Store{table: "t"}
	g := domain.Grant{ID: "01hq3v7k8m9n0p1q2r3s4t5v6w", AmountPence: domain.MaxAmountPence}
	// Every attribute a payment or a spend return (with its count) sets.
	u, ok := s.moneyUpdateOf("01hq3v7k8m9n0p1q2r3s4p0000", g, d, 1, 0)
	if !ok {
		t.Fatal("no update")
	}
	item := key(pkProgramme("01hq3v7k8m9n0p1q2r3s4p0000"), skMoney(g.ID))
	for _, name := range u.Update.ExpressionAttributeNames {
		item[name] = num(domain.MaxAmountPence)
	}
	item["grantId"] = str(g.ID)
	if n := itemBytes(item); n > 1024 {
		t.Errorf("a money item is %d bytes (%d attributes)", n, len(item))
	} else {
		t.Logf("the largest money item: %d bytes, %d attributes", n, len(item))
	}
	db, table := testenv.Table(t)
	if _, err := db.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: aws.String(table), Item: item}); err != nil {
		t.Errorf("DynamoDB Local refused a money item: %v", err)
	}
}

// importAnswerOf is the answer to an import of rows rows, each correcting
// figures sent before (as service.importAnswer saves it): every metric
// changed, figures up to most, sent at a time of its own by sender(row),
// sent back for changes before when sentBack, its notes changed.
func importAnswerOf(t *testing.T, rows int, most int64, sentBack bool, sender func(r *rand.Rand, row int) string) []byte {
	t.Helper()
	r := rand.New(rand.NewPCG(uint64(rows), uint64(most)))
	res := domain.ImportResult{Rows: rows, Corrected: rows, Submissions: []string{}, IgnoredColumns: []string{},
		Warnings: []domain.Warning{}, Corrections: []domain.ImportCorrection{}}
	from := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	sometime := func() time.Time { return from.Add(time.Duration(r.Int64N(int64(3 * 365 * 24 * time.Hour)))) }
	for i := range rows {
		c := domain.ImportCorrection{Row: i + 2, Corrects: domain.NewID(), SentAt: sometime(), SentBy: sender(r, i), Counts: []domain.ImportChange{}}
		for _, m := range domain.Metrics {
			c.Counts = append(c.Counts, domain.ImportChange{Metric: m, From: r.Int64N(most + 1), To: r.Int64N(most + 1)})
		}
		if sentBack {
			c.Notes, c.SentBack, c.SentBackAt = "changed", true, sometime()
		}
		res.Corrections = append(res.Corrections, c)
		res.Submissions = append(res.Submissions, domain.NewID())
	}
	body, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	return body
}

// TestSavedAnswerItemsStayUnderTheLimit: the largest answer a request
// makes, an import's of the SPEC's 5,000 rows each correcting figures
// sent before (the answer says, row by row, what changes, whose figures
// it replaces and when), is kept within DynamoDB's item limit, compressed
// and, past 64 kB, in parts: saved to DynamoDB Local, which refuses an
// item over 400 KB, each item it writes is under 360 KB, and a repeat of
// the request gets it back byte for byte. The answers are as a programme
// of 50 projects would have them, each project's figures sent by one
// person, and as the worst the SPEC allows: every row's by another person
// of a 254-character address, every figure six digits, every row sent
// back for changes before. (TestImportAnswerPastTheItemLimit imports 450
// such rows end to end.)
func TestSavedAnswerItemsStayUnderTheLimit(t *testing.T) {
	t.Parallel()
	const rows = 5000
	db, table := testenv.Table(t)
	st := New(db, table)
	ctx := context.Background()
	letters := func(r *rand.Rand, n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = "abcdefghijklmnopqrstuvwxyz0123456789"[r.IntN(36)]
		}
		return string(b)
	}
	for _, c := range []struct {
		name string
		body []byte
	}{
		{"a person a project, figures up to 999", importAnswerOf(t, rows, 999, false, func(_ *rand.Rand, row int) string {
			return fmt.Sprintf("firstname.lastname%02d@employment-support.example-council.gov.uk", row/100)
		})},
		{"a 254-character address a row, six-digit figures, every row sent back", importAnswerOf(t, rows, domain.MaxCount, true,
			func(r *rand.Rand, _ int) string {
				return letters(r, 64) + "@" + letters(r, 62) + "." + letters(r, 62) + "." + letters(r, 59) + ".org"
			})},
	} {
		claim := service.Claim{Scope: "sub", Key: c.name, ID: domain.NewID()}
		now := time.Now()
		if saved, err := st.BeginIdempotent(ctx, claim, "h", now, time.Minute); saved != nil || err != nil {
			t.Fatal(saved, err)
		}
		answer := service.SavedAnswer{Status: 200, Headers: map[string]string{"Content-Type": "application/json"}, Body: c.body}
		if err := st.CompleteIdempotent(ctx, claim, answer); err != nil {
			t.Fatalf("%s: saving an answer of %d bytes: %v", c.name, len(c.body), err)
		}
		saved, err := st.BeginIdempotent(ctx, service.Claim{Scope: "sub", Key: c.name, ID: domain.NewID()}, "h", now.Add(time.Second), time.Minute)
		if err != nil || saved == nil || !bytes.Equal(saved.Body, c.body) {
			t.Errorf("%s: the request again: %v, want its answer of %d bytes", c.name, err, len(c.body))
		}
		var items []Item
		pages := dynamodb.NewQueryPaginator(db, &dynamodb.QueryInput{TableName: aws.String(table), ConsistentRead: aws.Bool(true),
			KeyConditionExpression:    aws.String("PK = :pk"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(pkIdem(claim))}})
		for pages.HasMorePages() {
			out, err := pages.NextPage(ctx)
			if err != nil {
				t.Fatal(err)
			}
			items = append(items, out.Items...)
		}
		kept, largest := 0, 0
		for _, item := range items {
			n := itemBytes(item)
			largest = max(largest, n)
			if b, ok := item["data"].(*types.AttributeValueMemberB); ok {
				kept += len(b.Value)
			}
			if b, ok := item["body"].(*types.AttributeValueMemberB); ok {
				kept += len(b.Value)
			}
			if n > 360<<10 {
				t.Errorf("%s: %s is %d bytes", c.name, attrS(item["SK"]), n)
			}
		}
		t.Logf("%s: %d rows, an answer of %d bytes, kept in %d (%.1f×) in %d items, the largest %d bytes",
			c.name, rows, len(c.body), kept, float64(len(c.body))/float64(kept), len(items), largest)
	}
}
