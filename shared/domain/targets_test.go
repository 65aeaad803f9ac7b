package domain_test

import (
	"errors"
	"math"
	"math/big"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// tgtDate is MustDate, short for the tables below.
func tgtDate(s string) domain.Date { return domain.MustDate(s) }

// TestTargetEvaluate covers every status, the straight-line projection and
// percent rounding to one decimal place.
func TestTargetEvaluate(t *testing.T) {
	t.Parallel()
	// A 364-day period: 2026-01-01 to 2026-12-31; its quarter is day 91 (2026-04-02).
	year := domain.Target{ID: "t1", Metric: domain.MetricPeopleIntoWork, Value: 60, Deadline: tgtDate("2026-12-31")}
	start := tgtDate("2026-01-01")
	cases := []struct {
		name       string
		target     domain.Target
		current    int64
		start      string
		today      string
		status     domain.TargetStatus
		percent    float64
		projection int64
	}{
		// Bradford: 60 into paid work in 18 months, 61 reached.
		{"reached over", year, 61, "", "2026-06-01", domain.StatusReached, 101.7, 61 * 364 / 151},
		{"reached exactly", year, 60, "", "2026-12-31", domain.StatusReached, 100, 60},
		{"reached after deadline beats missed", year, 61, "", "2027-01-15", domain.StatusReached, 101.7, 61},
		{"missed the day after the deadline", year, 59, "", "2027-01-01", domain.StatusMissed, 98.3, 59},
		{"not missed on the deadline itself", year, 59, "", "2026-12-31", domain.StatusAtRisk, 98.3, 59},
		{"on track before the quarter even at zero", year, 0, "", "2026-04-01", domain.StatusOnTrack, 0, 0},
		{"at risk at the quarter at zero", year, 0, "", "2026-04-02", domain.StatusAtRisk, 0, 0},
		// 10 people in 91 days of 364: projected 40 < 60.
		{"at risk when projected short", year, 10, "", "2026-04-02", domain.StatusAtRisk, 16.7, 40},
		// 15 in 91 of 364: projected exactly 60.
		{"on track when projected to just make it", year, 15, "", "2026-04-02", domain.StatusOnTrack, 25, 60},
		// 20 in 182 of 364: projected 40.
		{"at risk half way", year, 20, "", "2026-07-02", domain.StatusAtRisk, 33.3, 40},
		{"before the period starts", year, 5, "", "2025-12-01", domain.StatusOnTrack, 8.3, 5},
		{"on the first day", year, 5, "", "2026-01-01", domain.StatusOnTrack, 8.3, 5},
		// The target's own start date overrides the programme's.
		{"own start date", domain.Target{ID: "t2", Metric: domain.MetricReferrals, Value: 240, StartDate: tgtDate("2026-07-01"),
			Deadline: tgtDate("2026-12-31")}, 30, "", "2026-08-16", domain.StatusAtRisk, 12.5, 30 * 183 / 46},
		{"own start date, before its quarter", domain.Target{ID: "t2", Metric: domain.MetricReferrals, Value: 240,
			StartDate: tgtDate("2026-07-01"), Deadline: tgtDate("2026-12-31")}, 0, "", "2026-07-30", domain.StatusOnTrack, 0, 0},
		{"two thirds rounds to one place", domain.Target{ID: "t3", Value: 3, Deadline: tgtDate("2026-12-31")}, 2, "",
			"2026-12-30", domain.StatusAtRisk, 66.7, 2},
		{"far over", domain.Target{ID: "t4", Value: 8, Deadline: tgtDate("2026-12-31")}, 24, "", "2026-02-01",
			domain.StatusReached, 300, 24 * 364 / 31},
		// 99.95% would round to 100.0 beside "on track": short of the
		// target it stays 99.9 (audit W1).
		{"one short of 2,000 is not 100%", domain.Target{ID: "t5", Value: 2000, Deadline: tgtDate("2026-12-31")}, 1999, "",
			"2026-06-01", domain.StatusOnTrack, 99.9, 1999 * 364 / 151},
		{"one short of 2,000 after the deadline", domain.Target{ID: "t5", Value: 2000, Deadline: tgtDate("2026-12-31")}, 1999, "",
			"2027-01-01", domain.StatusMissed, 99.9, 1999},
		{"2,000 of 2,000", domain.Target{ID: "t5", Value: 2000, Deadline: tgtDate("2026-12-31")}, 2000, "",
			"2026-06-01", domain.StatusReached, 100, 2000 * 364 / 151},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ps := start
			if c.start != "" {
				ps = tgtDate(c.start)
			}
			got := c.target.Evaluate(c.current, ps, tgtDate(c.today))
			if got.Status != c.status || got.Percent != c.percent || got.Current != c.current {
				t.Errorf("Evaluate(%d, %s) = status %s percent %v current %d, want %s %v %d",
					c.current, c.today, got.Status, got.Percent, got.Current, c.status, c.percent, c.current)
			}
			// The projection is rounded, the integer division above truncates: allow either.
			if d := got.ProjectedAtDeadline - c.projection; d < 0 || d > 1 {
				t.Errorf("projection %d, want about %d", got.ProjectedAtDeadline, c.projection)
			}
			if got.TargetID != c.target.ID || got.Value != c.target.Value || got.Deadline != c.target.Deadline || got.Metric != c.target.Metric {
				t.Errorf("identity fields not copied: %+v", got)
			}
		})
	}
}

// TestPercent: one decimal place, halves away from zero whatever their
// binary form (1 of 16 is 6.25: 6.3, where %.1f says 6.2), and below 100
// until the target is reached (audit W1, N1).
func TestPercent(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		current, value int64
		want           float64
	}{
		{61, 60, 101.7}, {60, 60, 100}, {59, 60, 98.3}, {0, 60, 0},
		{1, 16, 6.3}, {3, 16, 18.8}, {13, 16, 81.3}, {1, 80, 1.3}, {2, 3, 66.7}, {1, 3, 33.3},
		{1, 2000, 0.1}, {1, 20000, 0}, {3, 20000, 0},
		{1999, 2000, 99.9}, {1998, 2000, 99.9}, {1997, 2000, 99.9}, {1996, 2000, 99.8},
		{19999, 20000, 99.9}, {9_999_999, 10_000_000, 99.9}, {2001, 2000, 100.1}, {20001, 20000, 100},
		{-1, 16, -6.3}, {5, 0, 0}, {5, -4, 0},
		// Past int64 in tenths: the float path keeps the rule.
		{math.MaxInt64 - 1, math.MaxInt64, 99.9}, {math.MaxInt64, math.MaxInt64, 100},
	} {
		if got := domain.Percent(c.current, c.value); got != c.want {
			t.Errorf("Percent(%d, %d) = %v, want %v", c.current, c.value, got, c.want)
		}
	}
	// Everywhere else it is the exact quotient rounded half up: checked
	// against big.Rat over every figure up to twice a range of values.
	for value := int64(1); value <= 400; value++ {
		for current := int64(0); current <= 2*value; current++ {
			got := domain.Percent(current, value)
			q := new(big.Rat).SetFrac64(current*1000, value)
			q.Add(q, big.NewRat(1, 2))
			tenths := new(big.Int).Quo(q.Num(), q.Denom()).Int64() // floor, as q ≥ 0
			if current < value {
				tenths = min(tenths, 999)
			}
			if want := float64(tenths) / 10; got != want {
				t.Fatalf("Percent(%d, %d) = %v, want %v", current, value, got, want)
			}
			if current < value && got >= 100 {
				t.Fatalf("Percent(%d, %d) = %v: 100%% before the target is reached", current, value, got)
			}
		}
	}
}

func TestTargetEvaluateProjectionRounds(t *testing.T) {
	t.Parallel()
	tg := domain.Target{Value: 100, Deadline: tgtDate("2026-01-11")} // 10 days from 2026-01-01
	// 7 in 3 days of 10: 23.33 → 23; 5 in 3 days: 16.67 → 17.
	if got := tg.Evaluate(7, tgtDate("2026-01-01"), tgtDate("2026-01-04")).ProjectedAtDeadline; got != 23 {
		t.Errorf("7 in 3/10 days projects %d, want 23", got)
	}
	if got := tg.Evaluate(5, tgtDate("2026-01-01"), tgtDate("2026-01-04")).ProjectedAtDeadline; got != 17 {
		t.Errorf("5 in 3/10 days projects %d, want 17", got)
	}
}

func TestTargetEvaluateProjectID(t *testing.T) {
	t.Parallel()
	tg := domain.Target{ID: "t", Value: 10, Deadline: tgtDate("2026-12-31")}
	if tp := tg.Evaluate(1, tgtDate("2026-01-01"), tgtDate("2026-02-01")); tp.ProjectID != nil {
		t.Errorf("programme target has projectId %q", *tp.ProjectID)
	}
	tg.ProjectID = "p1"
	tp := tg.Evaluate(1, tgtDate("2026-01-01"), tgtDate("2026-02-01"))
	if tp.ProjectID == nil || *tp.ProjectID != "p1" {
		t.Errorf("project target: projectId %v", tp.ProjectID)
	}
}

// TestTargetEvaluateStartDate: a target says the day it counts from: its
// own startDate, or the programme's start when it has none.
func TestTargetEvaluateStartDate(t *testing.T) {
	t.Parallel()
	tg := domain.Target{ID: "t", Value: 10, Deadline: tgtDate("2026-12-31")}
	if tp := tg.Evaluate(1, tgtDate("2025-01-01"), tgtDate("2026-02-01")); tp.StartDate != tgtDate("2025-01-01") {
		t.Errorf("a target without a startDate counts from %s, want the programme's start 2025-01-01", tp.StartDate)
	}
	tg.StartDate = tgtDate("2026-04-01")
	if tp := tg.Evaluate(1, tgtDate("2025-01-01"), tgtDate("2026-05-01")); tp.StartDate != tgtDate("2026-04-01") {
		t.Errorf("a target from 2026-04-01 counts from %s", tp.StartDate)
	}
}

// TestTargetNextCheck: the quarter mark, then weekly, then the day after the
// deadline (while "missed" may still be to tell), then never.
func TestTargetNextCheck(t *testing.T) {
	t.Parallel()
	year := domain.Target{Value: 60, Deadline: tgtDate("2026-12-31")} // quarter 2026-04-02
	own := domain.Target{Value: 60, StartDate: tgtDate("2026-07-04"), Deadline: tgtDate("2026-12-31")}
	cases := []struct {
		name   string
		target domain.Target
		today  string
		want   string
	}{
		{"before the period", year, "2025-11-01", "2026-04-02"},
		{"at creation", year, "2026-01-05", "2026-04-02"},
		{"day before the quarter", year, "2026-04-01", "2026-04-02"},
		{"on the quarter: weekly", year, "2026-04-02", "2026-04-09"},
		{"weekly", year, "2026-09-10", "2026-09-17"},
		{"capped at the day after the deadline", year, "2026-12-28", "2027-01-01"},
		{"on the deadline", year, "2026-12-31", "2027-01-01"},
		// Past the deadline the notifier sets when "missed" may go
		// (MissedNoticeDate): due at once while that could be to come.
		{"the day after the deadline: due for the notifier", year, "2027-01-01", "2027-01-01"},
		{"recorded after its deadline: due at once", year, "2027-02-15", "2027-01-01"},
		{"past the longest grace: done", year, "2027-04-01", ""},
		{"long after: done", year, "2028-01-01", ""},
		// 2026-07-04 to 2026-12-31 is 180 days; a quarter is 45 days.
		{"own start date: its quarter", own, "2026-01-05", "2026-08-18"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := c.target.NextCheck(tgtDate("2026-01-01"), tgtDate(c.today))
			if got.String() != c.want {
				t.Errorf("NextCheck on %s = %q, want %q", c.today, got, c.want)
			}
		})
	}
}

// TestTargetNextCheckFindsAtRiskOnTime: the time-driven check a target gets
// at its quarter mark is there so "at risk" is noticed without new figures.
// For every period length, a target with nothing achieved must be at risk on
// the day NextCheck schedules (otherwise the at-risk email waits a week for
// the next weekly check).
func TestTargetNextCheckFindsAtRiskOnTime(t *testing.T) {
	t.Parallel()
	start := tgtDate("2026-01-01")
	for days := 8; days <= 800; days++ {
		tg := domain.Target{Value: 60, Deadline: start.AddDays(days)}
		first := tg.NextCheck(start, start)
		if tp := tg.Evaluate(0, start, first); tp.Status != domain.StatusAtRisk {
			t.Errorf("period of %d days: first check %s (day %d) finds %s, not at-risk; at-risk begins on day %d",
				days, first, start.DaysUntil(first), tp.Status, (days+3)/4)
		}
		if t.Failed() {
			return // one period length is enough to show it
		}
	}
}

// TestTargetInputValidate: thresholds default to [100] and are sorted;
// notify is required ([] says nobody); bad values name their field.
func TestTargetInputValidate(t *testing.T) {
	t.Parallel()
	in := domain.TargetInput{Metric: domain.MetricPeopleIntoWork, Value: 60, Deadline: tgtDate("2026-12-31")}
	var missing *domain.Error
	if err := in.Validate(); !errors.As(err, &missing) || missing.Fields["notify"] == "" || len(missing.Fields) != 1 {
		t.Fatalf("a target without notify: %v, want notify required", err)
	}
	in.Notify = []string{}
	if err := in.Validate(); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(in.Thresholds, []int64{100}) {
		t.Errorf("default thresholds %v", in.Thresholds)
	}
	in.Thresholds = []int64{100, 50, 75}
	if err := in.Validate(); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(in.Thresholds, []int64{50, 75, 100}) {
		t.Errorf("thresholds not sorted: %v", in.Thresholds)
	}
	bad := domain.TargetInput{Metric: "happiness", Value: 0, StartDate: tgtDate("2027-01-01"), Deadline: tgtDate("2026-12-31"),
		Thresholds: []int64{50, 50, 0}, Notify: []string{"nope"}}
	var de *domain.Error
	if err := bad.Validate(); !errors.As(err, &de) {
		t.Fatalf("Validate: %v", err)
	}
	for _, f := range []string{"metric", "value", "startDate", "thresholds[1]", "thresholds[2]", "notify[0]"} {
		if _, ok := de.Fields[f]; !ok {
			t.Errorf("no problem named for %s: %v", f, de.Fields)
		}
	}
}

// TestTargetWindows: a target counts only the submissions whose period
// ended inside its own window, both ends included; successive yearly
// targets each count their own year, and a project target its project's.
func TestTargetWindows(t *testing.T) {
	start := domain.MustDate("2015-04-01")
	y1 := domain.Target{ID: "y1", Metric: domain.MetricPeopleIntoWork, Value: 60, Deadline: domain.MustDate("2016-03-31")}
	y2 := domain.Target{ID: "y2", Metric: domain.MetricPeopleIntoWork, Value: 80, StartDate: domain.MustDate("2016-04-01"), Deadline: domain.MustDate("2017-03-31")}
	pj := domain.Target{ID: "pj", Metric: domain.MetricPeopleIntoWork, Value: 10, ProjectID: "A", StartDate: domain.MustDate("2016-04-01"), Deadline: domain.MustDate("2017-03-31")}
	series := map[domain.SeriesKey]domain.DaySeries{}
	add := func(o domain.Outcome) {
		for k, days := range domain.SeriesDeltas(o, 1) {
			if series[k] == nil {
				series[k] = domain.DaySeries{}
			}
			for day, counts := range days {
				if series[k][day] == nil {
					series[k][day] = map[domain.Metric]int64{}
				}
				for m, n := range counts {
					series[k][day][m] += n
				}
			}
		}
	}
	sub := func(project, end string, n int64) domain.Outcome {
		return domain.Outcome{ProjectID: project, PeriodEnd: domain.MustDate(end), Counts: map[domain.Metric]int64{domain.MetricPeopleIntoWork: n, domain.MetricReferrals: 100}}
	}
	add(sub("A", "2015-03-31", 1000)) // before the programme's first year: counted by neither
	add(sub("A", "2015-06-30", 20))
	add(sub("B", "2016-03-31", 45)) // the first year's last day: included
	add(sub("A", "2016-04-01", 3))  // the second year's first day
	add(sub("B", "2016-12-31", 50))
	add(sub("A", "2017-03-31", 4)) // the second year's last day
	add(sub("A", "2017-04-01", 999))
	got := domain.Currents([]domain.Target{y1, y2, pj}, start, series)
	if got["y1"] != 65 || got["y2"] != 57 || got["pj"] != 7 {
		t.Errorf("currents %v, want y1 65 (20+45), y2 57 (3+50+4), project A 7 (3+4)", got)
	}
	keys := domain.SeriesKeys([]domain.Target{y1, y2, pj}, start)
	want := []domain.SeriesKey{{Year: 2015}, {Year: 2016}, {Year: 2017}, {ProjectID: "A", Year: 2016}, {ProjectID: "A", Year: 2017}}
	if !slices.Equal(keys, want) {
		t.Errorf("series keys %v, want %v", keys, want)
	}
	// A correction takes the old figures back out of their own day.
	for k, days := range domain.SeriesDeltas(sub("B", "2016-12-31", 50), -1) {
		for day, counts := range days {
			for m, n := range counts {
				series[k][day][m] += n
			}
		}
	}
	if got := domain.Currents([]domain.Target{y2}, start, series)["y2"]; got != 7 {
		t.Errorf("after taking 50 back out, y2 = %d, want 7", got)
	}
	// The latest period with figures in each window: what a milestone
	// email says its figures run to (periods may be counted before they
	// end). A period reported with none of the target's metric is
	// reported all the same (audit verify32 #6).
	cal := domain.Target{ID: "cal", Metric: domain.MetricPeopleIntoWork, Value: 10, StartDate: domain.MustDate("2016-04-01"), Deadline: domain.MustDate("2016-12-31")}
	jobs := domain.Target{ID: "jobs", Metric: domain.MetricJobStarts, Value: 10, Deadline: domain.MustDate("2017-03-31")}
	before := domain.Target{ID: "before", Metric: domain.MetricPeopleIntoWork, Value: 10, StartDate: domain.MustDate("2014-01-01"), Deadline: domain.MustDate("2014-12-31")}
	for _, c := range []struct {
		t    domain.Target
		want string
	}{
		{y1, "2016-03-31"}, {y2, "2017-03-31"}, {pj, "2017-03-31"}, // not 2017-04-01, past the deadline
		{cal, "2016-04-01"},  // 2016-12-31's figures were taken back out: nothing counted ends then
		{jobs, "2017-03-31"}, // none of its metric, but periods reported to then all the same
		{before, ""},         // no period reported in its window
	} {
		if got := c.t.LastFigure(start, series); got.String() != c.want && !(c.want == "" && got.IsZero()) {
			t.Errorf("%s: last figure %s, want %q", c.t.ID, got, c.want)
		}
	}
}

// TestMissedEmailWaitsForLastFigures: "missed" goes the day after the
// figures for the target's last period fall due (the programme's longest
// dueDays after the deadline, 20 without schedules), and never for a
// target recorded more than 90 days after that day.
func TestMissedEmailWaitsForLastFigures(t *testing.T) {
	t.Parallel()
	if g := domain.MissedGrace(nil); g != domain.DefaultDueDays {
		t.Errorf("grace without schedules %d, want %d", g, domain.DefaultDueDays)
	}
	if g := domain.MissedGrace([]domain.Schedule{{DueDays: 10}, {DueDays: 45}, {DueDays: 0}}); g != 45 {
		t.Errorf("grace %d, want the longest dueDays, 45", g)
	}
	tg := domain.Target{Value: 5, Deadline: tgtDate("2026-03-31"), CreatedAt: time.Date(2026, 1, 2, 9, 0, 0, 0, time.UTC)}
	if d := tg.MissedNoticeDate(20); d.String() != "2026-04-21" {
		t.Errorf("notice date %s, want 2026-04-21", d)
	}
	late := tg
	late.CreatedAt = time.Date(2026, 7, 21, 9, 0, 0, 0, time.UTC) // 91 days after the notice date
	inTime := tg
	inTime.CreatedAt = time.Date(2026, 7, 20, 9, 0, 0, 0, time.UTC) // 90 days after
	for _, c := range []struct {
		name   string
		target domain.Target
		today  string
		want   bool
	}{
		{"the day after the deadline", tg, "2026-04-01", false},
		{"the day the last figures are due", tg, "2026-04-20", false},
		{"the day after", tg, "2026-04-21", true},
		{"later", tg, "2026-09-01", true},
		{"recorded 90 days after the notice date", inTime, "2026-07-20", true},
		{"recorded 91 days after it", late, "2026-07-21", false},
	} {
		if got := c.target.MissedEmailDue(20, tgtDate(c.today)); got != c.want {
			t.Errorf("%s (%s): %v, want %v", c.name, c.today, got, c.want)
		}
	}
}

// TestAtRiskEmailWaitsForHistory (audit walk3 W2): a target recorded past
// its quarter mark, before the programme's history is entered, is at risk
// in progress at once, but its one "at risk" email waits AtRiskGrace days
// after it was recorded; the notifier looks at it on that day. A target
// recorded before its quarter mark is judged at the quarter as before,
// unless that comes within the grace.
func TestAtRiskEmailWaitsForHistory(t *testing.T) {
	t.Parallel()
	start := tgtDate("2025-04-01")
	tg := domain.Target{Value: 20, Deadline: tgtDate("2027-03-31"), CreatedAt: time.Date(2026, 12, 4, 23, 10, 0, 0, time.UTC)}
	if tp := tg.Evaluate(0, start, tgtDate("2026-12-04")); tp.Status != domain.StatusAtRisk {
		t.Fatalf("nothing entered yet: %s, want at-risk in progress", tp.Status)
	}
	if d := tg.AtRiskEmailDay(); d.String() != "2026-12-18" {
		t.Errorf("at-risk email day %s, want 14 days after it was recorded", d)
	}
	for today, want := range map[string]bool{"2026-12-04": false, "2026-12-17": false, "2026-12-18": true, "2027-01-20": true} {
		if got := tg.AtRiskEmailDue(tgtDate(today)); got != want {
			t.Errorf("at-risk email due on %s: %v, want %v", today, got, want)
		}
	}
	for today, want := range map[string]string{
		"2026-12-04": "2026-12-11", // weekly
		"2026-12-11": "2026-12-18", // the grace's end comes before the week's
		"2026-12-13": "2026-12-18",
		"2026-12-18": "2026-12-25",
	} {
		if got := tg.NextCheck(start, tgtDate(today)); got.String() != want {
			t.Errorf("NextCheck on %s = %s, want %s", today, got, want)
		}
	}
	// Recorded a week before its quarter mark (2026-04-02): first looked
	// at, and emailed, when the grace ends.
	early := domain.Target{Value: 60, Deadline: tgtDate("2026-12-31"), CreatedAt: time.Date(2026, 3, 26, 9, 0, 0, 0, time.UTC)}
	if got := early.NextCheck(tgtDate("2026-01-01"), tgtDate("2026-03-26")); got.String() != "2026-04-09" {
		t.Errorf("recorded a week before the quarter: first check %s, want 2026-04-09", got)
	}
	// Recorded long before: the quarter mark, as ever.
	old := domain.Target{Value: 60, Deadline: tgtDate("2026-12-31"), CreatedAt: time.Date(2026, 1, 2, 9, 0, 0, 0, time.UTC)}
	if got := old.NextCheck(tgtDate("2026-01-01"), tgtDate("2026-01-02")); got.String() != "2026-04-02" || !old.AtRiskEmailDue(got) {
		t.Errorf("recorded in January: first check %s (email due %v), want the quarter mark", got, old.AtRiskEmailDue(got))
	}
	// Stored without its creation time: at once.
	if !(domain.Target{}).AtRiskEmailDue(tgtDate("2026-01-01")) {
		t.Error("a target without a creation time waits")
	}
}

// TestCouldReachOnReview (audit rep2 W2): a target standing missed could
// still be reached by a review when its figure plus the pending figures
// of its metric, of its project, for periods ending in its window, reach
// its value; figures outside any of those, or short of it together, could
// not, and "missed" may go.
func TestCouldReachOnReview(t *testing.T) {
	tg, start, sub := reviewTarget(), tgtDate("2026-01-01"), monthSubmission
	pending := domain.OutcomePending
	for _, c := range []struct {
		name    string
		current int64
		subs    []domain.Outcome
		want    bool
	}{
		{"nothing pending", 10, nil, false},
		{"pending reaches it", 10, []domain.Outcome{sub("p", "2026-12-31", 50, pending)}, true},
		{"pending together reach it", 10, []domain.Outcome{sub("p", "2026-11-30", 25, pending), sub("p", "2026-12-31", 25, pending)}, true},
		{"pending short of it", 10, []domain.Outcome{sub("p", "2026-12-31", 49, pending)}, false},
		{"after the deadline", 10, []domain.Outcome{sub("p", "2027-01-31", 50, pending)}, false},
		{"before the window", 10, []domain.Outcome{sub("p", "2025-12-31", 50, pending)}, false},
		{"another project's", 10, []domain.Outcome{sub("q", "2026-12-31", 50, pending)}, false},
		{"sent back", 10, []domain.Outcome{sub("p", "2026-12-31", 50, domain.OutcomeChangesRequested)}, false},
		{"already reached", 60, nil, true},
	} {
		if got := tg.CouldReachOnReview(start, c.current, c.subs); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
	// A programme-wide target counts every project's pending figures.
	wide := tg
	wide.ProjectID = ""
	if !wide.CouldReachOnReview(start, 10, []domain.Outcome{sub("q", "2026-12-31", 50, pending)}) {
		t.Error("a programme-wide target does not count another project's pending figures")
	}
}

// TestAwaitingReviewCounts: the submissions a "missed" email says were
// awaiting review are those CouldReachOnReview adds: pending, of the
// target's project (any, programme-wide), ending in its window, with a
// figure of its metric above 0.
func TestAwaitingReviewCounts(t *testing.T) {
	t.Parallel()
	tg, start, sub := reviewTarget(), tgtDate("2026-01-01"), monthSubmission
	pending := domain.OutcomePending
	subs := []domain.Outcome{
		sub("p", "2026-11-30", 5, pending), sub("p", "2026-12-31", 50, pending), // counted
		sub("p", "2026-10-31", 0, pending),                                       // none of the metric
		sub("p", "2027-01-31", 50, pending), sub("p", "2025-12-31", 50, pending), // outside the window
		sub("q", "2026-12-31", 50, pending),                        // another project's
		sub("p", "2026-09-30", 50, domain.OutcomeChangesRequested), // sent back
	}
	if n := tg.AwaitingReview(start, subs); n != 2 {
		t.Errorf("%d awaiting review, want 2", n)
	}
	wide := tg
	wide.ProjectID = ""
	if n := wide.AwaitingReview(start, subs); n != 3 {
		t.Errorf("programme-wide: %d awaiting review, want 3 (another project's too)", n)
	}
}

// TestMissedHoldEnds: "missed" is held for review at most
// MissedReviewHold days from the first day it may go, or from the day the
// target was recorded when that is later (a target recorded after its
// deadline); not from the deadline, which with a long grace would leave
// no hold at all.
func TestMissedHoldEnds(t *testing.T) {
	t.Parallel()
	tg := domain.Target{Value: 60, Deadline: tgtDate("2026-12-31"), CreatedAt: time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)}
	late := tg
	late.CreatedAt = time.Date(2027, 4, 1, 23, 30, 0, 0, time.UTC) // 2 April in the UK (BST)
	for _, c := range []struct {
		name   string
		target domain.Target
		grace  int64
		end    string
	}{
		{"20 days' grace: notice 21 January", tg, 20, "2027-02-18"},
		{"90 days' grace: notice 1 April", tg, 90, "2027-04-29"},
		{"recorded after its notice day", late, 20, "2027-04-30"},
		{"stored without its creation time", domain.Target{Value: 60, Deadline: tgtDate("2026-12-31")}, 20, "2027-02-18"},
	} {
		end := c.target.MissedHoldEnds(c.grace)
		if end.String() != c.end {
			t.Errorf("%s: the hold ends %s, want %s", c.name, end, c.end)
		}
		if !c.target.MissedMayWait(c.grace, end.AddDays(-1)) || c.target.MissedMayWait(c.grace, end) {
			t.Errorf("%s: may wait the day before %s: %v, on it: %v; want true, false", c.name, end,
				c.target.MissedMayWait(c.grace, end.AddDays(-1)), c.target.MissedMayWait(c.grace, end))
		}
		from := c.target.MissedNoticeDate(c.grace)
		if c.target.CreatedAt == late.CreatedAt {
			from = domain.UKDate(late.CreatedAt)
		}
		if days := from.DaysUntil(end); days != domain.MissedReviewHold {
			t.Errorf("%s: held %d days, want %d", c.name, days, domain.MissedReviewHold)
		}
	}
}

// reviewTarget is the target the review-hold tests judge: 60 into work by
// 31 December 2026, of project "p", its window from 1 January 2026.
func reviewTarget() domain.Target {
	return domain.Target{ID: "t", Metric: domain.MetricPeopleIntoWork, Value: 60, Deadline: tgtDate("2026-12-31"), ProjectID: "p"}
}

// monthSubmission is project's submission of n into work (and 500
// referrals, another metric) for the month ending end, in state st.
func monthSubmission(project, end string, n int64, st domain.OutcomeStatus) domain.Outcome {
	e := tgtDate(end)
	return domain.Outcome{ID: project + end, ProjectID: project, PeriodStart: domain.DateOf(e.Time().AddDate(0, 0, 1-e.Time().Day())),
		PeriodEnd: e, Status: st, Counts: map[domain.Metric]int64{domain.MetricPeopleIntoWork: n, domain.MetricReferrals: 500}}
}
