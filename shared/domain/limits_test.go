package domain_test

import (
	"errors"
	"strconv"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// TestLimitMessagesNameTheLimits: each refusal of a figure past a limit
// names the limit the check uses (its constant), so changing a limit
// changes what the refusal says; with today's limits, in today's words.
func TestLimitMessagesNameTheLimits(t *testing.T) {
	itoa := strconv.Itoa
	num := func(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
	many := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = domain.NewID()
		}
		return out
	}
	days := func(n int) []int64 {
		out := make([]int64, n)
		for i := range out {
			out[i] = int64(i)
		}
		return out
	}
	dueDays := int64(domain.MaxDueDays + 1)
	measures := make([]domain.Measure, domain.MaxMeasures+1)
	for i := range measures {
		measures[i] = domain.Measure{Name: "m" + itoa(i), BaselineMean: 1, LatestMean: 1, Respondents: 1}
	}
	measures[0] = domain.Measure{Name: "m", BaselineMean: domain.MaxMeanScore + 1, LatestMean: -1, Respondents: domain.MaxRespondents + 1}
	schedule := func(in domain.ScheduleInput) *domain.ScheduleInput {
		in.Name, in.Frequency = "Quarterly returns", domain.Frequency("quarterly")
		in.FirstPeriodStart, in.LastPeriodEnd = domain.MustDate("2026-04-01"), domain.MustDate("2027-03-31")
		return &in
	}
	cases := []struct {
		in          interface{ Validate() error }
		field, want string
		words       string // today's
	}{
		{domain.PostInput{FTE: domain.MaxFTE + 1}, "fte", "must be from " + num(domain.MinFTE) + " to " + num(domain.MaxFTE) + " (full time)",
			"must be from 0.01 to 1 (full time)"},
		{domain.CohortInput{Places: domain.MaxPlaces + 1}, "places", "must be a whole number from 1 to " + itoa(domain.MaxPlaces),
			"must be a whole number from 1 to 1000"},
		{domain.OutcomeInput{Counts: map[domain.Metric]int64{domain.MetricReferrals: domain.MaxCount + 1}}, "counts.referrals",
			"is implausibly large (over " + itoa(domain.MaxCount) + " people in one period)", "is implausibly large (over 100000 people in one period)"},
		{domain.OutcomeInput{Measures: measures}, "measures", "at most " + itoa(domain.MaxMeasures) + " measures", "at most 20 measures"},
		{domain.OutcomeInput{Measures: measures}, "measures[0].baselineMean", "must be from " + num(domain.MinMeanScore) + " to " + num(domain.MaxMeanScore),
			"must be from 0.01 to 1000"},
		{domain.OutcomeInput{Measures: measures}, "measures[0].latestMean", "must be 0 or from " + num(domain.MinMeanScore) + " to " + num(domain.MaxMeanScore),
			"must be 0 or from 0.01 to 1000"},
		{domain.OutcomeInput{Measures: measures}, "measures[0].respondents", "must be a whole number from 1 to " + itoa(domain.MaxRespondents),
			"must be a whole number from 1 to 100000"},
		{&domain.TargetInput{Value: domain.MaxCount*100 + 1}, "value", "must be a whole number from 1 to " + itoa(domain.MaxCount*100),
			"must be a whole number from 1 to 10000000"},
		{&domain.TargetInput{Notify: many(domain.MaxContacts + 1)}, "notify", "at most " + itoa(domain.MaxContacts) + " funders", "at most 20 funders"},
		{schedule(domain.ScheduleInput{DueDays: &dueDays}), "dueDays", "must be a whole number of days from 0 to " + itoa(domain.MaxDueDays),
			"must be a whole number of days from 0 to 90"},
		{schedule(domain.ScheduleInput{ProjectIDs: many(domain.MaxScheduleProjs + 1)}), "projectIds",
			"at most " + itoa(domain.MaxScheduleProjs) + " projects; leave projectIds out for every project", "at most 200 projects; leave projectIds out for every project"},
		{schedule(domain.ScheduleInput{Reminders: days(domain.MaxReminders + 1)}), "reminders", "at most " + itoa(domain.MaxReminders) + " reminders",
			"at most 10 reminders"},
		{schedule(domain.ScheduleInput{Reminders: []int64{domain.MaxReminderDays + 1}}), "reminders[0]",
			"must be a whole number of days before the due date, from 0 to " + itoa(domain.MaxReminderDays),
			"must be a whole number of days before the due date, from 0 to 90"},
	}
	for _, c := range cases {
		var e *domain.Error
		if err := c.in.Validate(); !errors.As(err, &e) {
			t.Errorf("%s: %v, want a validation error", c.field, err)
			continue
		}
		got := e.Fields[c.field]
		if got != c.want {
			t.Errorf("%s: %q, want %q, naming the limit checked", c.field, got, c.want)
		}
		if got != c.words {
			t.Errorf("%s: %q, want today's words %q", c.field, got, c.words)
		}
	}
}
