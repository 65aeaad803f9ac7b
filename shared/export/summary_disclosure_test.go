package export_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math/bits"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/export"
)

// The secondary disclosure tests read the outcome summary as a reader
// would: they take the published CSV file, and for every "*" ask which of
// 1..7 it could be, given every figure in its column. They do not share
// the exporter's reasoning: a figure stands for the counts that Disclose
// turns into it (found by trying them all), and a "*" can be v if the other
// rows have counts, each standing for its figure, that with v add up to a
// count standing for the total. They find the audit's case ("*", "10",
// "10" with total "15": the "*" is 1) when the total is published as
// before.

// maxCount bounds the counts tried for a figure: far above any test total.
const maxCount = 255

// counts is a set of counts 0..maxCount, bit n for count n.
type counts [4]uint64

func (c *counts) add(n int64)     { c[n/64] |= 1 << (n % 64) }
func (c counts) has(n int64) bool { return n >= 0 && n <= maxCount && c[n/64]&(1<<(n%64)) != 0 }
func (c counts) each(f func(n int64)) {
	for w, word := range c {
		for word != 0 {
			b := bits.TrailingZeros64(word)
			f(int64(w*64 + b))
			word &= word - 1
		}
	}
}

// standsFor is the set of counts 0..maxCount that Disclose publishes as s;
// for a withheld total, every count.
func standsFor(s string) counts {
	var c counts
	for n := int64(0); n <= maxCount; n++ {
		if s == export.Withheld || export.Disclose(n) == s {
			c.add(n)
		}
	}
	return c
}

// standsForCache memoises standsFor: the tests ask of a few figures often.
var standsForCache sync.Map

func cachedStandsFor(s string) counts {
	if c, ok := standsForCache.Load(s); ok {
		return c.(counts)
	}
	c := standsFor(s)
	standsForCache.Store(s, c)
	return c
}

// couldBe returns, for the "*" at row k of a published column, the values
// of 1..7 it could be, as a bit set (bit v for value v).
func couldBe(rows []string, total string, k int) uint8 {
	// The sums the other rows can make, each a count its figure stands for.
	var sums counts
	sums.add(0)
	for i, s := range rows {
		if i == k {
			continue
		}
		var next counts
		cand := cachedStandsFor(s)
		sums.each(func(sum int64) {
			cand.each(func(n int64) {
				if sum+n <= maxCount {
					next.add(sum + n)
				}
			})
		})
		sums = next
	}
	tot := cachedStandsFor(total)
	var set uint8
	for v := int64(1); v <= 7; v++ {
		found := false
		sums.each(func(r int64) { found = found || tot.has(r+v) })
		if found {
			set |= 1 << v
		}
	}
	return set
}

const allOfOneToSeven = uint8(0b1111_1110)

func values(set uint8) []int {
	var vs []int
	for v := 1; v <= 7; v++ {
		if set&(1<<v) != 0 {
			vs = append(vs, v)
		}
	}
	return vs
}

// publishTables writes tables (each a column of project counts) through
// OutcomeSummaryCSV, up to one table per metric column in each file, and
// returns each table's published column and total as read back from the
// CSV file.
func publishTables(t *testing.T, tables [][]int64) (cols [][]string, totals []string) {
	t.Helper()
	nm := len(domain.Metrics)
	for start := 0; start < len(tables); start += nm {
		batch := tables[start:min(start+nm, len(tables))]
		n := len(batch[0])
		set := export.OutcomeSet{Totals: domain.NewTotals()}
		for p := range n {
			id := fmt.Sprintf("p%d", p)
			set.Projects = append(set.Projects, domain.Project{ID: id, Name: "Project " + id})
			set.Totals.ByProject[id] = map[domain.Metric]int64{}
		}
		for c, tab := range batch {
			m := domain.Metrics[c]
			for p, v := range tab {
				set.Totals.ByProject[fmt.Sprintf("p%d", p)][m] = v
				set.Totals.Programme[m] += v
			}
		}
		var buf bytes.Buffer
		if err := export.OutcomeSummaryCSV(&buf, set); err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), export.BOM))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != n+2 || recs[n+1][0] != export.ProgrammeTotal {
			t.Fatalf("summary of %d projects has %d records: %q", n, len(recs), recs)
		}
		for c := range batch {
			col := make([]string, n)
			for p := range n {
				col[p] = recs[1+p][1+c]
			}
			cols = append(cols, col)
			totals = append(totals, recs[n+1][1+c])
		}
	}
	return cols, totals
}

// everyTable lists every column of n project counts, each 0..top-1.
func everyTable(n int, top int64) [][]int64 {
	var out [][]int64
	var gen func(prefix []int64)
	gen = func(prefix []int64) {
		if len(prefix) == n {
			out = append(out, append([]int64(nil), prefix...))
			return
		}
		for v := range top {
			gen(append(prefix, v))
		}
	}
	gen(nil)
	return out
}

// checkNothingNarrowed fails for any published "*" that the figures of its
// column narrow below all of 1..7.
func checkNothingNarrowed(t *testing.T, tables [][]int64) {
	t.Helper()
	cols, totals := publishTables(t, tables)
	bad := 0
	for i, col := range cols {
		for k, s := range col {
			if s != export.Suppressed {
				continue
			}
			if set := couldBe(col, totals[i], k); set != allOfOneToSeven {
				if bad++; bad <= 5 {
					t.Errorf("counts %v are published as %s with total %s: row %d's \"*\" can only be %v",
						tables[i], strings.Join(col, ","), totals[i], k+1, values(set))
				}
			}
		}
	}
	if bad > 5 {
		t.Errorf("and %d more", bad-5)
	}
}

// TestOutcomeSummaryNoSecondaryDisclosure: over every programme of 2 or 3
// projects with counts 0–39 in a metric, and a sample of 4-project ones,
// no "*" in the published summary can be narrowed by the figures around
// it, the programme total included: each could be any of 1 to 7.
func TestOutcomeSummaryNoSecondaryDisclosure(t *testing.T) {
	for _, n := range []int{1, 2, 3} {
		t.Run(fmt.Sprintf("%d projects", n), func(t *testing.T) {
			checkNothingNarrowed(t, everyTable(n, 40))
		})
	}
	t.Run("4 projects, sampled", func(t *testing.T) {
		r := rand.New(rand.NewPCG(4, 40))
		tables := make([][]int64, 20_000)
		for i := range tables {
			tab := make([]int64, 4)
			for p := range tab {
				// Half the counts small, so most tables hold a "*".
				if r.IntN(2) == 0 {
					tab[p] = r.Int64N(8)
				} else {
					tab[p] = r.Int64N(40)
				}
			}
			tables[i] = tab
		}
		checkNothingNarrowed(t, tables)
	})
}

// TestOutcomeSummaryWithheldTotalsGiveLittleAway: a reader who knows the
// rule learns a little from a withheld total (that publishing it would
// have narrowed a "*"). Over every programme of 3 projects with counts
// 0–39, grouped by what is published, each "*" can still be at least 6 of
// the 7 values. Only groups whose figures are all 35 or less are judged:
// the counts behind them are all within 0–39, so the group is complete.
func TestOutcomeSummaryWithheldTotalsGiveLittleAway(t *testing.T) {
	tables := everyTable(3, 40)
	cols, totals := publishTables(t, tables)
	type group struct {
		complete bool
		could    []uint8
	}
	groups := map[string]*group{}
	for i, col := range cols {
		key := strings.Join(col, ",") + " / " + totals[i]
		g := groups[key]
		if g == nil {
			g = &group{complete: true, could: make([]uint8, len(col))}
			for _, s := range col {
				cachedStandsFor(s).each(func(n int64) {
					if n > 37 {
						g.complete = false
					}
				})
			}
			groups[key] = g
		}
		for k, v := range tables[i] {
			if col[k] == export.Suppressed {
				g.could[k] |= 1 << v
			}
		}
	}
	judged := 0
	for key, g := range groups {
		if !g.complete {
			continue
		}
		judged++
		for k, set := range g.could {
			if set != 0 && len(values(set)) < 6 {
				t.Errorf("published %s: row %d's \"*\" can only be %v", key, k+1, values(set))
			}
		}
	}
	if judged < 100 {
		t.Fatalf("only %d groups judged", judged)
	}
}

// TestOutcomeSummaryWithholdsRevealingTotal is the audit's repro as a
// file: three projects with 1, 8 and 8 people into work. Published as
// before, the total "15" gave the "*" away as 1; it is withheld, and only
// in that column: in jobs sustained, 3 + 10 + 0 = 13 is shown "*", "10",
// "0" and "15", which leaves the "*" any of 1..7 (13..17 less 8..12).
func TestOutcomeSummaryWithholdsRevealingTotal(t *testing.T) {
	set := export.OutcomeSet{Totals: domain.NewTotals()}
	for i, n := range []int64{1, 8, 8} {
		id := fmt.Sprintf("p%d", i)
		set.Projects = append(set.Projects, domain.Project{ID: id, Name: "PFA D " + string(rune('A'+i))})
		set.Totals.ByProject[id] = map[domain.Metric]int64{domain.MetricPeopleIntoWork: n}
		set.Totals.Programme[domain.MetricPeopleIntoWork] += n
	}
	set.Totals.ByProject["p0"][domain.MetricSustainedJobs13Weeks] = 3
	set.Totals.ByProject["p1"][domain.MetricSustainedJobs13Weeks] = 10
	set.Totals.Programme[domain.MetricSustainedJobs13Weeks] = 13
	var buf bytes.Buffer
	if err := export.OutcomeSummaryCSV(&buf, set); err != nil {
		t.Fatal(err)
	}
	want := export.BOM +
		"Project,Referrals,People into work,Job starts,Jobs sustained for 13 weeks,Volunteering starts,Training starts,Interns enrolled,Interns completed\r\n" +
		"PFA D A,0,*,0,*,0,0,0,0\r\n" +
		"PFA D B,0,10,0,10,0,0,0,0\r\n" +
		"PFA D C,0,10,0,0,0,0,0,0\r\n" +
		"Programme total,0,[c],0,15,0,0,0,0\r\n"
	if got := buf.String(); got != want {
		t.Fatalf("summary CSV:\n got %q\nwant %q", got, want)
	}
}
