package domain_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// TestParsePeriod: both dates required and real, to not before from, and
// at most MaxReportYears apart; one answer names every bad field.
func TestParsePeriod(t *testing.T) {
	t.Parallel()
	cases := []struct {
		from, to string
		fields   []string // bad fields, none for a good period
	}{
		{"2011-01-01", "2011-03-31", nil},
		{"2011-03-31", "2011-03-31", nil}, // one day
		{"2000-01-01", "2025-01-01", nil}, // exactly 25 years
		{"2000-01-01", "2025-01-02", []string{"to"}},
		{"", "", []string{"from", "to"}},
		{"2011-02-30", "2011-03-31", []string{"from"}},
		{"2011-01-01", "31/03/2011", []string{"to"}},
		{"2011-04-01", "2011-03-31", []string{"to"}},
		{"yesterday", "tomorrow", []string{"from", "to"}},
	}
	for _, c := range cases {
		p, err := domain.ParsePeriod(c.from, c.to)
		if c.fields == nil {
			if err != nil || p.Start.String() != c.from || p.End.String() != c.to {
				t.Errorf("%s..%s: %+v %v", c.from, c.to, p, err)
			}
			continue
		}
		var e *domain.Error
		if !errors.As(err, &e) || e.Code != domain.CodeValidation {
			t.Fatalf("%s..%s: %v, want validation_failed", c.from, c.to, err)
		}
		var got []string
		for f := range e.Fields {
			got = append(got, f)
		}
		if !sameSet(got, c.fields) {
			t.Errorf("%s..%s: fields %v, want %v", c.from, c.to, e.Fields, c.fields)
		}
	}
}

func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[string]bool{}
	for _, s := range a {
		m[s] = true
	}
	for _, s := range b {
		if !m[s] {
			return false
		}
	}
	return true
}

// reportWorld is a programme running 2010-04-01 to 2012-03-31 with
// figures on both sides of a report of the first quarter of 2011.
func reportWorld() domain.ReportInput {
	d := domain.MustDate
	prog := domain.Programme{ID: "p", Name: "Working for Wellness", StartDate: d("2010-04-01"), EndDate: d("2012-03-31")}
	series := map[domain.SeriesKey]domain.DaySeries{
		{Year: 2010}: {d("2010-12-31"): {domain.MetricPeopleIntoWork: 5, domain.MetricReferrals: 20}},
		{Year: 2011}: {
			d("2011-01-31"): {domain.MetricPeopleIntoWork: 2, domain.MetricReferrals: 10},
			d("2011-03-31"): {domain.MetricPeopleIntoWork: 4, domain.MetricJobStarts: 5},
			d("2011-04-30"): {domain.MetricPeopleIntoWork: 100}, // after the period
		},
		{ProjectID: "a", Year: 2011}: {d("2011-03-31"): {domain.MetricPeopleIntoWork: 4}, d("2011-04-30"): {domain.MetricPeopleIntoWork: 100}},
	}
	return domain.ReportInput{
		Programme: prog,
		Period:    domain.Period{Start: d("2011-01-01"), End: d("2011-03-31")},
		Targets: []domain.Target{
			// The whole programme: 5 + 2 + 4 by the period's end.
			{ID: "whole", Metric: domain.MetricPeopleIntoWork, Value: 20, Deadline: d("2012-03-31")},
			// Project a's, 2011 only: 4 by the period's end (not April's 100).
			{ID: "a", Metric: domain.MetricPeopleIntoWork, Value: 8, StartDate: d("2011-01-01"), Deadline: d("2011-12-31"), ProjectID: "a"},
			// Over before the period began: listed as it ended (20 by its
			// deadline), as progress lists it.
			{ID: "old", Metric: domain.MetricReferrals, Value: 30, StartDate: d("2010-04-01"), Deadline: d("2010-12-31")},
			// Opening after the period: listed, nothing counted yet (not
			// April's 100), judged as at the period's end.
			{ID: "next", Metric: domain.MetricPeopleIntoWork, Value: 50, StartDate: d("2011-04-01"), Deadline: d("2012-03-31")},
		},
		Series: series,
		Measures: domain.DayMeasures{
			d("2011-03-31"): {"self-confidence": {Respondents: 4, BaselineSum: 12, LatestSum: 24}},
			d("2010-12-31"): {"self-confidence": {Respondents: 100, BaselineSum: 100, LatestSum: 100}}, // outside
		},
		Schedules: []domain.Schedule{{ID: "q", DueDays: 20}},
		Stats: map[string]domain.ReturnStats{"q": {ScheduleID: "q",
			// Periods ending 2010-12-31 (due 2011-01-20: in), 2011-03-31
			// (due 2011-04-20: out).
			Expected: map[domain.Date]int64{d("2010-12-31"): 4, d("2011-03-31"): 4},
			Unsent:   map[domain.Date]int64{d("2010-12-31"): 1, d("2011-03-31"): 4},
			OnTime:   map[domain.Date]int64{d("2010-12-31"): 2},
		}},
		Paid:  map[domain.FundingKey]int64{{FunderID: "x", ProjectID: "a"}: 1000, {FunderID: "y"}: 500},
		Spent: map[domain.FundingKey]int64{{FunderID: "x", ProjectID: "a"}: 300, {FunderID: "y", ProjectID: "b"}: 70},
		Today: d("2011-06-30"),
	}
}

// TestBuildReport: the period's counts in all and by month (only days in
// the period), each target as at the period's last day, the measures
// reported in it, the returns due in it.
func TestBuildReport(t *testing.T) {
	t.Parallel()
	in := reportWorld()
	r := domain.BuildReport(in, domain.Access{Lead: true})
	if r.From.String() != "2011-01-01" || r.To.String() != "2011-03-31" || r.ProgrammeID != "p" {
		t.Errorf("report of %s %s..%s", r.ProgrammeID, r.From, r.To)
	}
	want := map[domain.Metric]int64{domain.MetricPeopleIntoWork: 6, domain.MetricReferrals: 10, domain.MetricJobStarts: 5}
	for _, m := range domain.Metrics {
		if r.Totals[m] != want[m] {
			t.Errorf("totals[%s] = %d, want %d", m, r.Totals[m], want[m])
		}
	}
	var months []string
	var into []int64
	for _, m := range r.ByMonth {
		months = append(months, m.Month)
		into = append(into, m.Totals[domain.MetricPeopleIntoWork])
		if len(m.Totals) != len(domain.Metrics) {
			t.Errorf("%s has %d metrics, want every one", m.Month, len(m.Totals))
		}
	}
	if !reflect.DeepEqual(months, []string{"2011-01", "2011-02", "2011-03"}) || !reflect.DeepEqual(into, []int64{2, 0, 4}) {
		t.Errorf("by month %v %v", months, into)
	}
	if len(r.Targets) != 4 {
		t.Fatalf("targets %+v, want every one, as progress lists them", r.Targets)
	}
	whole, a, old, next := r.Targets[0], r.Targets[1], r.Targets[2], r.Targets[3]
	if old.TargetID != "old" || old.Current != 20 || old.Status != domain.StatusMissed {
		t.Errorf("target over before the period, as at the end of March: %+v", old)
	}
	if next.TargetID != "next" || next.Current != 0 || next.Status != domain.StatusOnTrack || next.ProjectedAtDeadline != 0 {
		t.Errorf("target opening after the period, as at the end of March: %+v", next)
	}
	if whole.TargetID != "whole" || whole.Current != 11 || whole.Percent != 55 {
		t.Errorf("whole-programme target as at the end of March: %+v", whole)
	}
	if a.TargetID != "a" || a.Current != 4 || a.Status != domain.StatusOnTrack || a.ProjectID == nil || *a.ProjectID != "a" {
		t.Errorf("project target as at the end of March: %+v", a)
	}
	// Month by month: the whole-programme target counts 5 from 2010, then
	// January's 2 and March's 4; project a's window opens in 2011.
	if !reflect.DeepEqual(r.Trend, map[string][]int64{"whole": {7, 7, 11}, "a": {0, 0, 4}, "old": {20, 20, 20}, "next": {0, 0, 0}}) {
		t.Errorf("trend %v", r.Trend)
	}
	if len(r.Measures) != 1 || r.Measures[0].BaselineMean != 3 || r.Measures[0].LatestMean != 6 || r.Measures[0].Respondents != 4 {
		t.Errorf("measures %+v", r.Measures)
	}
	if r.Returns.Due != 4 || r.Returns.Received != 3 || r.Returns.OnTime != 2 || r.Returns.OnTimePercent == nil || *r.Returns.OnTimePercent != 50 {
		t.Errorf("returns %+v", r.Returns)
	}
	if r.Money != (domain.ReportMoney{PaidPence: 1500, SpentPence: 370}) {
		t.Errorf("a lead's money %+v", r.Money)
	}
}

// TestReportMoneyByRole: a funder sees its own grants' money, a project
// lead its project's, as CanReadGrant decides for single grants.
func TestReportMoneyByRole(t *testing.T) {
	t.Parallel()
	in := reportWorld()
	cases := []struct {
		name string
		a    domain.Access
		want domain.ReportMoney
	}{
		{"funder x", domain.Access{Funders: map[string]bool{"x": true}}, domain.ReportMoney{PaidPence: 1000, SpentPence: 300}},
		{"funder y", domain.Access{Funders: map[string]bool{"y": true}}, domain.ReportMoney{PaidPence: 500, SpentPence: 70}},
		{"lead of b", domain.Access{Projects: map[string]bool{"b": true}}, domain.ReportMoney{SpentPence: 70}},
		{"lead of a and funder y", domain.Access{Projects: map[string]bool{"a": true}, Funders: map[string]bool{"y": true}},
			domain.ReportMoney{PaidPence: 1500, SpentPence: 370}},
	}
	for _, c := range cases {
		if got := domain.BuildReport(in, c.a).Money; got != c.want {
			t.Errorf("%s: %+v, want %+v", c.name, got, c.want)
		}
	}
}

// TestReportReturnsOfProjectLead: a project lead's report counts its own
// projects' returns (those it may read), a lead's and a funder's every
// project's.
func TestReportReturnsOfProjectLead(t *testing.T) {
	t.Parallel()
	d := domain.MustDate
	in := reportWorld()
	// Of the four returns due in the period (period end 2010-12-31), a's
	// was sent on time; b's is not sent.
	in.ProjectStats = map[string]map[string]domain.ReturnStats{
		"a": {"q": {ScheduleID: "q", Expected: map[domain.Date]int64{d("2010-12-31"): 1}, OnTime: map[domain.Date]int64{d("2010-12-31"): 1}}},
		"b": {"q": {ScheduleID: "q", Expected: map[domain.Date]int64{d("2010-12-31"): 1}, Unsent: map[domain.Date]int64{d("2010-12-31"): 1}}},
	}
	for _, c := range []struct {
		name                  string
		a                     domain.Access
		due, received, onTime int64
		pct                   float64
	}{
		{"lead", domain.Access{Lead: true}, 4, 3, 2, 50},
		{"funder", domain.Access{Funders: map[string]bool{"x": true}}, 4, 3, 2, 50},
		{"project lead of a", domain.Access{Projects: map[string]bool{"a": true}}, 1, 1, 1, 100},
		{"project lead of b", domain.Access{Projects: map[string]bool{"b": true}}, 1, 0, 0, 0},
	} {
		r := domain.BuildReport(in, c.a).Returns
		if r.Due != c.due || r.Received != c.received || r.OnTime != c.onTime || r.OnTimePercent == nil || *r.OnTimePercent != c.pct {
			t.Errorf("%s: returns %+v, want due %d received %d on time %d (%v%%)", c.name, r, c.due, c.received, c.onTime, c.pct)
		}
	}
}

// TestReportOnTimeShareShortOfAll: 1,999 of 2,000 returns on time is
// 99.9%, not 100.0%, as a target's percent (domain.Percent).
func TestReportOnTimeShareShortOfAll(t *testing.T) {
	t.Parallel()
	d := domain.MustDate
	in := reportWorld()
	in.Stats = map[string]domain.ReturnStats{"q": {ScheduleID: "q",
		Expected: map[domain.Date]int64{d("2010-12-31"): 2000}, OnTime: map[domain.Date]int64{d("2010-12-31"): 1999}}}
	r := domain.BuildReport(in, domain.Access{Lead: true}).Returns
	if r.OnTime != 1999 || r.OnTimePercent == nil || *r.OnTimePercent != 99.9 {
		var pct any = r.OnTimePercent
		if r.OnTimePercent != nil {
			pct = *r.OnTimePercent
		}
		t.Errorf("returns %+v (%v%%), want 1,999 on time (99.9%%)", r, pct)
	}
}

// TestReportReturnsNotYetDue: returns due in the period but not yet past
// their due date count as due and are left out of the on-time share.
func TestReportReturnsNotYetDue(t *testing.T) {
	t.Parallel()
	in := reportWorld()
	in.Period = domain.Period{Start: domain.MustDate("2011-04-01"), End: domain.MustDate("2011-06-30")}
	in.Today = domain.MustDate("2011-04-10") // 2011-03-31's returns are due on 2011-04-20
	r := domain.BuildReport(in, domain.Access{Lead: true})
	if r.Returns.Due != 4 || r.Returns.Received != 0 || r.Returns.OnTimePercent != nil {
		t.Errorf("returns %+v", r.Returns)
	}
}

// TestReportReturnsOnTimeOverPastDue: onTime counts over the returns
// onTimePercent does, those past their due date (SPEC: "the share of
// returns past their due date that were sent by it"). Two returns sent
// early but not yet due are neither on time nor late yet, so a report
// never reads "2 on time, 0%" (audit N1).
func TestReportReturnsOnTimeOverPastDue(t *testing.T) {
	t.Parallel()
	d := domain.MustDate
	in := reportWorld()
	in.Period = domain.Period{Start: d("2011-01-01"), End: d("2011-06-30")}
	in.Schedules = []domain.Schedule{{ID: "q", DueDays: 20}}
	in.Stats = map[string]domain.ReturnStats{"q": {ScheduleID: "q",
		// 2010-12-31's two returns (due 2011-01-20, past): one sent late,
		// one not at all. 2011-03-31's three (due 2011-04-20, not yet):
		// two sent early.
		Expected: map[domain.Date]int64{d("2010-12-31"): 2, d("2011-03-31"): 3},
		Unsent:   map[domain.Date]int64{d("2010-12-31"): 1, d("2011-03-31"): 1},
		OnTime:   map[domain.Date]int64{d("2011-03-31"): 2},
	}}
	in.ProjectStats = nil
	in.Today = d("2011-04-10")
	r := domain.BuildReport(in, domain.Access{Lead: true}).Returns
	if r.Due != 5 || r.Received != 3 || r.OnTime != 0 || r.OnTimePercent == nil || *r.OnTimePercent != 0 {
		t.Errorf("before 2011-03-31's returns are due: %+v (%v%%), want due 5 received 3 on time 0 (0%%)", r, r.OnTimePercent)
	}
	in.Today = d("2011-04-21") // now they are past due, sent by it
	r = domain.BuildReport(in, domain.Access{Lead: true}).Returns
	if r.OnTime != 2 || r.OnTimePercent == nil || *r.OnTimePercent != 40 {
		t.Errorf("once due: %+v (%v%%), want on time 2 (40%%)", r, r.OnTimePercent)
	}
}

// TestReportSeriesKeys: the programme's years of the period, and each
// target's years up to the period's end, no more.
func TestReportSeriesKeys(t *testing.T) {
	t.Parallel()
	in := reportWorld()
	got := domain.ReportSeriesKeys(in.Period, in.Targets, in.Programme.StartDate)
	want := []domain.SeriesKey{{Year: 2010}, {Year: 2011}, {ProjectID: "a", Year: 2011}}
	if !sameKeys(got, want) {
		t.Errorf("keys %v, want %v", got, want)
	}
}

func sameKeys(a, b []domain.SeriesKey) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[domain.SeriesKey]bool{}
	for _, k := range a {
		m[k] = true
	}
	for _, k := range b {
		if !m[k] {
			return false
		}
	}
	return true
}

// TestPortfolioItemByRole: money by what each role may read, the counted
// people into work and targets for everyone, and overdue returns of the
// returns each may read: every project's for leads and funders, a project
// lead's own project's.
func TestPortfolioItemByRole(t *testing.T) {
	t.Parallel()
	d := domain.MustDate
	tot := domain.NewTotals()
	tot.AwardedPence = 10_000
	fund := domain.FundingFigures{
		Awarded: map[domain.FundingKey]int64{{FunderID: "x", ProjectID: "a"}: 3_000, {FunderID: "x"}: 5_000, {FunderID: "y", ProjectID: "b"}: 2_000},
		Paid:    map[domain.FundingKey]int64{{FunderID: "x", ProjectID: "a"}: 1_000, {FunderID: "y", ProjectID: "b"}: 500},
		Due:     map[domain.FundingKey]int64{{FunderID: "x"}: 1, {FunderID: "y", ProjectID: "b"}: 1},
	}
	tot.Programme[domain.MetricPeopleIntoWork] = 61
	s := domain.ProgrammeSummary{
		Programme: domain.Programme{ID: "p", Name: "Bradford", StartDate: d("2010-01-01")},
		Totals:    tot,
		Funding:   fund,
		Targets:   []domain.Target{{ID: "t", Metric: domain.MetricPeopleIntoWork, Value: 60, Deadline: d("2011-06-30")}},
		Schedules: []domain.Schedule{{ID: "q", DueDays: 20}},
		Stats: map[string]domain.ReturnStats{"q": {Expected: map[domain.Date]int64{d("2011-03-31"): 3},
			Unsent: map[domain.Date]int64{d("2011-03-31"): 2}}},
		// a's and b's returns are overdue, c's was sent.
		ProjectStats: map[string]map[string]domain.ReturnStats{
			"a": {"q": {Expected: map[domain.Date]int64{d("2011-03-31"): 1}, Unsent: map[domain.Date]int64{d("2011-03-31"): 1}}},
			"b": {"q": {Expected: map[domain.Date]int64{d("2011-03-31"): 1}, Unsent: map[domain.Date]int64{d("2011-03-31"): 1}}},
			"c": {"q": {Expected: map[domain.Date]int64{d("2011-03-31"): 1}, OnTime: map[domain.Date]int64{d("2011-03-31"): 1}}},
		},
	}
	today := d("2011-05-01") // the quarter's returns were due on 2011-04-20
	cases := []struct {
		name                          string
		a                             domain.Access
		awarded, paid, count, overdue int64
	}{
		{"lead", domain.Access{Lead: true}, 10_000, 1_500, 2, 2},
		{"funder x", domain.Access{Funders: map[string]bool{"x": true}}, 8_000, 1_000, 1, 2},
		{"project lead of b", domain.Access{Projects: map[string]bool{"b": true}}, 2_000, 500, 1, 1},
		{"project lead of c", domain.Access{Projects: map[string]bool{"c": true}}, 0, 0, 0, 0},
		{"project lead of a and b", domain.Access{Projects: map[string]bool{"a": true, "b": true}}, 5_000, 1_500, 1, 2},
		{"project lead of b and funder y", domain.Access{Projects: map[string]bool{"b": true}, Funders: map[string]bool{"y": true}}, 2_000, 500, 1, 2},
	}
	for _, c := range cases {
		roles := []domain.Role{{Role: domain.RoleLead}}
		it := domain.BuildPortfolioItem(s, roles, c.a, map[string]int64{"t": 61}, today)
		if it.AwardedPence != c.awarded || it.PaidPence != c.paid || it.PaymentsDue != c.count {
			t.Errorf("%s: awarded %d paid %d due %d, want %d %d %d", c.name, it.AwardedPence, it.PaidPence, it.PaymentsDue, c.awarded, c.paid, c.count)
		}
		if it.PeopleIntoWork != 61 || it.ReturnsOverdue != c.overdue || it.Name != "Bradford" || !reflect.DeepEqual(it.Roles, roles) {
			t.Errorf("%s: %+v", c.name, it)
		}
		if len(it.Targets) != 1 || it.Targets[0].Current != 61 || it.Targets[0].Status != domain.StatusReached || it.Targets[0].Percent != 101.7 {
			t.Errorf("%s: targets %+v", c.name, it.Targets)
		}
	}
	if it := domain.BuildPortfolioItem(s, nil, domain.Access{Admin: true}, nil, today); it.Roles == nil || len(it.Roles) != 0 {
		t.Errorf("an administrator's roles %v, want []", it.Roles)
	}
}

// TestPaidAndSpentDays: a payment counts on the day it was paid while it
// stands paid; a spend return on the day its period ends, its correction
// taking the old one's figure back.
func TestPaidAndSpentDays(t *testing.T) {
	t.Parallel()
	d := domain.MustDate
	due := domain.Payment{AmountPence: 300, Status: domain.PaymentDue}
	paid := domain.Payment{AmountPence: 300, Status: domain.PaymentPaid, PaidDate: d("2025-05-10")}
	moved := paid
	moved.PaidDate = d("2025-06-01")
	cases := []struct {
		name   string
		before *domain.Payment
		after  domain.Payment
		want   map[domain.Date]int64
	}{
		{"paid", &due, paid, map[domain.Date]int64{d("2025-05-10"): 300}},
		{"its date corrected", &paid, moved, map[domain.Date]int64{d("2025-05-10"): -300, d("2025-06-01"): 300}},
		{"paid again, the same", &paid, paid, map[domain.Date]int64{}},
		{"falling due", nil, due, map[domain.Date]int64{}},
	}
	for _, c := range cases {
		if got := domain.PaidDays(c.before, c.after); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
	old := domain.SpendReturn{PeriodEnd: d("2025-06-30"), TotalPence: 120}
	fix := domain.SpendReturn{PeriodEnd: d("2025-06-30"), TotalPence: 150}
	if got := domain.SpentDays(fix, &old); !reflect.DeepEqual(got, map[domain.Date]int64{d("2025-06-30"): 30}) {
		t.Errorf("a correction: %v", got)
	}
	if got := domain.SpentDays(old, nil); !reflect.DeepEqual(got, map[domain.Date]int64{d("2025-06-30"): 120}) {
		t.Errorf("a first return: %v", got)
	}
}

// TestReportJudgesTargetsNoLaterThanToday: a period that has not ended
// (the current quarter or financial year) judges its targets as they
// stand today, as progress does at the same moment: not "missed" before
// the deadline, with the same projection.
func TestReportJudgesTargetsNoLaterThanToday(t *testing.T) {
	t.Parallel()
	d := domain.MustDate
	in := reportWorld()
	in.Today = d("2011-06-30")
	// The financial year 2011-12, which runs on past today and past the
	// deadline of the target below.
	in.Period = domain.Period{Start: d("2011-04-01"), End: d("2012-03-31")}
	tg := domain.Target{ID: "autumn", Metric: domain.MetricPeopleIntoWork, Value: 300, StartDate: d("2011-01-01"), Deadline: d("2011-09-30")}
	in.Targets = []domain.Target{tg}
	r := domain.BuildReport(in, domain.Access{Lead: true})
	if len(r.Targets) != 1 {
		t.Fatalf("targets %+v", r.Targets)
	}
	got := r.Targets[0]
	current := tg.Current(in.Programme.StartDate, in.Series) // 2 + 4 + 100 counted in 2011
	want := tg.Evaluate(current, in.Programme.StartDate, in.Today)
	if got != want {
		t.Errorf("as at the end of a period still to come: %+v, want as progress says today %+v", got, want)
	}
	if got.Status == domain.StatusMissed || got.Current != 106 || got.ProjectedAtDeadline != 160 {
		t.Errorf("status %s, current %d, projection %d: want not missed, 106, 160", got.Status, got.Current, got.ProjectedAtDeadline)
	}
	// Once the period is over, it is judged on its last day.
	in.Today = d("2012-06-30")
	if s := domain.BuildReport(in, domain.Access{Lead: true}).Targets[0].Status; s != domain.StatusMissed {
		t.Errorf("after the period: %s, want missed", s)
	}
}

// TestParsePeriodOutOfYears: a report date in the right form but outside
// the years fundtrack takes is told so, as every date field is, not that
// it is no date.
func TestParsePeriodOutOfYears(t *testing.T) {
	t.Parallel()
	_, err := domain.ParsePeriod("1899-12-31", "2201-01-01")
	var e *domain.Error
	if !errors.As(err, &e) {
		t.Fatalf("%v, want a validation error", err)
	}
	for _, f := range []string{"from", "to"} {
		if e.Fields[f] != "is outside the years 1900-2200" {
			t.Errorf("%s: %q, want the years' problem", f, e.Fields[f])
		}
	}
	_, err = domain.ParsePeriod("1999-02-30", "31/03/2011")
	if !errors.As(err, &e) || e.Fields["from"] != "must be a date in the form YYYY-MM-DD" || e.Fields["to"] != e.Fields["from"] {
		t.Errorf("no dates at all: %v", err)
	}
}

// TestMeasureChangeFromSums: the change of a measure is worked out from
// its sums, so an exact 43.75% (sums 32 and 46 over ten respondents)
// rounds to 43.8, not to the 43.7 of the means' 4.6 over 3.2.
func TestMeasureChangeFromSums(t *testing.T) {
	t.Parallel()
	in := reportWorld()
	in.Measures = domain.DayMeasures{
		domain.MustDate("2011-01-31"): {"self-confidence": {Respondents: 4, BaselineSum: 8, LatestSum: 16}},
		domain.MustDate("2011-02-28"): {"self-confidence": {Respondents: 6, BaselineSum: 24, LatestSum: 30}},
	}
	ms := domain.BuildReport(in, domain.Access{Lead: true}).Measures
	want := []domain.MeasureProgress{{Name: "self-confidence", BaselineMean: 3.2, LatestMean: 4.6, ChangePercent: 43.8, Respondents: 10}}
	if !reflect.DeepEqual(ms, want) {
		t.Errorf("measures %+v, want %+v", ms, want)
	}
}

// TestTargetTrends: a target's figure month by month over its own window,
// as progress gives the dashboard's chart: from the month the window opens
// (counting only its days), ending at the deadline with its current figure.
func TestTargetTrends(t *testing.T) {
	t.Parallel()
	in := reportWorld()
	d := domain.MustDate
	targets := []domain.Target{
		// From the programme's start (2010-04-01): 5 in December 2010, then
		// January's 2, March's 4 and April's 100, to June 2011.
		{ID: "whole", Metric: domain.MetricPeopleIntoWork, Value: 200, Deadline: d("2011-06-15")},
		// Opening mid-January: January's 2 (ended on the 31st) counts.
		{ID: "late", Metric: domain.MetricPeopleIntoWork, Value: 20, StartDate: d("2011-01-15"), Deadline: d("2011-03-31")},
	}
	got := domain.TargetTrends(targets, in.Programme.StartDate, in.Series)
	whole := got["whole"]
	if whole.From != d("2010-04-01") || len(whole.Figures) != 15 || whole.Figures[8] != 5 || whole.Figures[9] != 7 ||
		whole.Figures[11] != 11 || whole.Figures[14] != 111 {
		t.Errorf("whole: %+v", whole)
	}
	if want := (domain.TargetTrend{From: d("2011-01-15"), Figures: []int64{2, 2, 6}}); !reflect.DeepEqual(got["late"], want) {
		t.Errorf("late: %+v, want %+v", got["late"], want)
	}
	for _, tg := range targets {
		tr := got[tg.ID].Figures
		if cur := tg.Current(in.Programme.StartDate, in.Series); tr[len(tr)-1] != cur {
			t.Errorf("%s ends at %d, its current figure is %d", tg.ID, tr[len(tr)-1], cur)
		}
	}
}

// TestPortfolioNamesProjectTargets: a project's target on a portfolio
// line carries its project's name, from the summary; a programme-wide one
// none.
func TestPortfolioNamesProjectTargets(t *testing.T) {
	t.Parallel()
	d := domain.MustDate
	s := domain.ProgrammeSummary{
		Programme: domain.Programme{ID: "p", Name: "Bradford", StartDate: d("2010-01-01")},
		Totals:    domain.NewTotals(),
		Funding:   domain.NewFundingFigures(),
		Targets: []domain.Target{{ID: "a", Metric: domain.MetricPeopleIntoWork, Value: 6, Deadline: d("2011-06-30"), ProjectID: "ja"},
			{ID: "w", Metric: domain.MetricPeopleIntoWork, Value: 60, Deadline: d("2011-06-30")}},
		ProjectNames: map[string]string{"ja": "Bradford IPS", "jb": "Leeds IPS"},
	}
	it := domain.BuildPortfolioItem(s, nil, domain.Access{Lead: true}, nil, d("2011-01-01"))
	if len(it.Targets) != 2 || it.Targets[0].ProjectName != "Bradford IPS" || it.Targets[1].ProjectName != "" {
		t.Errorf("targets %+v", it.Targets)
	}
}
