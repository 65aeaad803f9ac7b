package web

import (
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// TestChangeText: the audit trail writes field names in words and values
// as people read them: pence in pounds, dates and times written out,
// lists as lists, budget lines, counts by metric and wellbeing measures in
// words; anything else as it was recorded.
func TestChangeText(t *testing.T) {
	for name, want := range map[string]string{
		"amountPence": "Amount", "grantId": "Grant", "periodStart": "Period start", "leadOrganisation": "Lead organisation",
		"fte": "FTE", "id": "Id", "status": "Status", "reviewOutcomes": "Review outcomes",
	} {
		if got := changeField(name); got != want {
			t.Errorf("changeField(%q) = %q, want %q", name, got, want)
		}
	}
	for _, c := range []struct {
		field string
		v     any
		want  string
	}{
		{"amountPence", float64(31000000), "£310,000.00"},
		{"amountPence", nil, "–"},
		{"value", float64(60), "60"},
		{"fte", 0.5, "0.5"},
		{"startDate", "2025-04-01", "1 April 2025"},
		{"submittedAt", "2026-12-03T02:28:39.655Z", "3 December 2026 02:28 GMT"},
		// In British Summer Time, the UK's time: 23:30 UTC on 30 June is
		// 00:30 on 1 July.
		{"submittedAt", "2026-06-30T23:30:00Z", "1 July 2026 00:30 BST"},
		{"title", "Employment specialists", "Employment specialists"},
		{"recipients", []any{"a@example.org", "b@example.org"}, "a@example.org, b@example.org"},
		{"counts", map[string]any{"peopleIntoWork": float64(3), "referrals": float64(12)}, "Referrals 12, People into work 3"},
		{"lines", []any{map[string]any{"category": "staff", "amountPence": float64(30000000)},
			map[string]any{"category": "travel", "amountPence": float64(1000050)}}, "Staff £300,000.00, Travel £10,000.50"},
		// Anything else, as recorded.
		{"counts", map[string]any{"referrals": float64(3), "notAMetric": float64(1)}, `{"notAMetric":1,"referrals":3}`},
		{"lines", []any{map[string]any{"category": "staff"}}, `[{"category":"staff"}]`},
		{"lines", []any{map[string]any{"category": "staff", "note": float64(5)}}, `[{"category":"staff","note":5}]`},
		{"lines", []any{map[string]any{"category": "staff", "amountPence": 1.5}}, `[{"amountPence":1.5,"category":"staff"}]`},
		{"measures", []any{map[string]any{"name": "health", "baselineMean": 3.5, "latestMean": 7.21, "respondents": float64(8)},
			map[string]any{"name": "self-confidence", "baselineMean": float64(3), "latestMean": 6.9, "respondents": float64(8)}},
			"health 3.5 → 7.21 (8 respondents); self-confidence 3 → 6.9 (8 respondents)"},
		{"measures", []any{map[string]any{"name": "health", "baselineMean": 3.5}}, `[{"baselineMean":3.5,"name":"health"}]`},
	} {
		if got := changeValue(nil, c.field, c.v); got != c.want {
			t.Errorf("changeValue(%q, %v) = %q, want %q", c.field, c.v, got, c.want)
		}
	}
}

// TestChangeWords: roles, payment triggers and reviews are written in
// words, and the projects, funders, grants and cohorts a change names by
// id by their names where the page knows them (by id where it does not),
// not as the JSON they were recorded as.
func TestChangeWords(t *testing.T) {
	north, west := "01hq3v7k8m9n0p1q2r3s4t5v6x", "01hq3v7k8m9n0p1q2r3s4t5v6y"
	n := &recordNames{Projects: map[string]string{"p1": "Leeds internships", north: "North IPS"}, Funders: map[string]string{"f1": "DWP", "f2": "East Midlands SHA"},
		Grants: map[string]string{"g1": "Employment specialists"}, Cohorts: map[string]string{"c1": "Cohort 1"},
		Targets: map[string]domain.Target{
			"t2": {ID: "t2", ProjectID: north, Metric: domain.MetricReferrals, Value: 20},
			"t3": {ID: "t3", Metric: domain.MetricPeopleIntoWork, Value: 10},
			"t4": {ID: "t4", ProjectID: west, Metric: domain.MetricReferrals, Value: 5}}}
	for _, c := range []struct {
		field string
		v     any
		want  string
	}{
		{"roles", []any{map[string]any{"role": "lead"}, map[string]any{"role": "project-lead", "projectId": "p1"},
			map[string]any{"role": "funder", "funderId": "f1"}}, "Network lead; Project lead of Leeds internships; Acts for funder DWP"},
		{"roles", []any{map[string]any{"role": "funder", "funderId": "f9"}}, "Acts for funder f9"},
		{"trigger", map[string]any{"kind": "date"}, "On its due date"},
		{"trigger", map[string]any{"kind": "milestone", "targetId": "t1", "threshold": float64(50)}, "When 50% of target t1 is reached"},
		// A payment on a target the page knows names it as the grant page
		// does: its value, metric and whose it is.
		{"trigger", map[string]any{"kind": "milestone", "targetId": "t2", "threshold": float64(50)},
			"When 50% of North IPS's target of 20 referrals is reached"},
		{"trigger", map[string]any{"kind": "milestone", "targetId": "t3", "threshold": float64(100)},
			"When 100% of the programme's target of 10 people into work is reached"},
		{"trigger", map[string]any{"kind": "milestone", "targetId": "t4", "threshold": float64(50)},
			"When 50% of the target of 5 referrals is reached"},
		{"trigger", map[string]any{"kind": "return", "returnId": "r1"}, "When return r1 is accepted"},
		// A payment on a return says whose return it is.
		{"trigger", map[string]any{"kind": "return", "returnId": "01hq3v7k8m9n0p1q2r3s4t5v6w-" + north + "-20261101"},
			"When North IPS's return for the period from 1 November 2026 is accepted"},
		{"trigger", map[string]any{"kind": "return", "returnId": "01hq3v7k8m9n0p1q2r3s4t5v6w-" + west + "-20261101"},
			"When the return for the period from 1 November 2026 is accepted"},
		// One that recorded its return's period end names the period by
		// its months, as the grant page and the emails do.
		{"trigger", map[string]any{"kind": "return", "returnId": "01hq3v7k8m9n0p1q2r3s4t5v6w-" + north + "-20261101", "periodEnd": "2026-11-30"},
			"When North IPS's return for November 2026 is accepted"},
		{"trigger", map[string]any{"kind": "return", "returnId": "01hq3v7k8m9n0p1q2r3s4t5v6w-" + west + "-20260101", "periodEnd": "2026-03-31"},
			"When the return for January to March 2026 is accepted"},
		{"review", map[string]any{"decision": "approve", "by": "lead@example.org", "at": "2026-12-03T05:44:52.651Z"},
			"Approved by lead@example.org, 3 December 2026 05:44 GMT"},
		{"review", map[string]any{"decision": "request-changes", "by": "lead@example.org", "at": "2026-12-03T05:44:52.651Z",
			"comment": "Check referrals"}, "Changes requested by lead@example.org, 3 December 2026 05:44 GMT: “Check referrals”"},
		{"projectId", "p1", "Leeds internships"},
		{"projectId", "p9", "p9"},
		{"funderId", "f2", "East Midlands SHA"},
		{"grantId", "g1", "Employment specialists"},
		{"cohortId", "c1", "Cohort 1"},
		{"notify", []any{"f1", "f2"}, "DWP, East Midlands SHA"},
		{"projectIds", []any{"p1", "p9"}, "Leeds internships, p9"},
		{"projectIds", []any{}, "none"},
		// A name is never taken for another field's value.
		{"title", "p1", "p1"},
		// Anything else, as recorded.
		{"trigger", map[string]any{"kind": "moon"}, `{"kind":"moon"}`},
		{"roles", []any{map[string]any{"role": "owner"}}, `[{"role":"owner"}]`},
		{"review", map[string]any{"decision": "maybe"}, `{"decision":"maybe"}`},
	} {
		if got := changeValue(n, c.field, c.v); got != c.want {
			t.Errorf("changeValue(%q, %v) = %q, want %q", c.field, c.v, got, c.want)
		}
	}
	if got := changeValue(nil, "projectId", "p1"); got != "p1" {
		t.Errorf("with no names, a project is its id: %q", got)
	}
}

// TestReturnNames: a return is named by its project and its period, as
// the returns grid heads it; where the page does not know its schedule,
// by the period's start (as a payment trigger names it), and where it does
// not know the project, as "the return". Its fields and status are the
// grid's words; another record's fields of the same names are not.
func TestReturnNames(t *testing.T) {
	start := domain.MustDate("2027-04-01")
	for _, c := range []struct {
		r           returnName
		what, whose string
	}{
		{newReturnName("Bradford pilot", domain.Quarterly, start), "Bradford pilot, April to June 2027", "Bradford pilot's return for April to June 2027"},
		{newReturnName("Bradford pilot", domain.Monthly, start), "Bradford pilot, April 2027", "Bradford pilot's return for April 2027"},
		{newReturnName("Bradford pilot", "", start), "Bradford pilot, the period from 1 April 2027",
			"Bradford pilot's return for the period from 1 April 2027"},
		{newReturnName("", domain.Yearly, start), "April 2027 to March 2028", "the return for April 2027 to March 2028"},
	} {
		if c.r.String() != c.what || c.r.Whose() != c.whose {
			t.Errorf("%+v: %q, %q; want %q, %q", c.r, c.r.String(), c.r.Whose(), c.what, c.whose)
		}
	}
	for _, c := range []struct {
		e           domain.Entity
		field, want string
	}{
		{domain.EntityReturn, "state", "Status"}, {domain.EntityReturn, "submittedAt", "Sent on"},
		{domain.EntityReturn, "submissionId", "Submission"}, {domain.EntityOutcome, "submittedAt", "Submitted at"},
		{domain.EntityReturn, "periodEnd", "Period end"},
	} {
		if got := eventField(c.e, c.field); got != c.want {
			t.Errorf("eventField(%s, %q) = %q, want %q", c.e, c.field, got, c.want)
		}
	}
	for _, c := range []struct {
		e     domain.Entity
		field string
		v     any
		want  string
	}{
		{domain.EntityReturn, "state", "expected", "Not sent"},
		{domain.EntityReturn, "state", "changes-requested", "Changes requested"},
		{domain.EntityReturn, "state", "lost", "lost"},
		{domain.EntityReturn, "correction", map[string]any{"submissionId": "s1", "status": "changes-requested"}, "Sent back"},
		{domain.EntityReturn, "correction", nil, "–"},
		{domain.EntityOutcome, "state", "expected", "expected"},
		// Any other record's status as its tag says it.
		{domain.EntityOutcome, "status", "changes-requested", "Changes requested"},
		{domain.EntityPost, "status", "filled", "Filled"},
		{domain.EntityPayment, "status", "due", "Due"},
		{domain.EntityNotification, "status", "sent", "Sent"},
		{domain.EntityPost, "status", nil, "–"},
	} {
		if got := eventValue(nil, c.e, c.field, c.v); got != c.want {
			t.Errorf("eventValue(%s, %q, %v) = %q, want %q", c.e, c.field, c.v, got, c.want)
		}
	}
}

// TestChangeNumbers: the audited numbers, flags and records the rest of
// the pages write in words are written so in the history too, not as the
// raw numbers or the JSON they were recorded as: counts with their
// thousands grouped (as the count func), milestones as percentages, a
// schedule's days and reminders as the schedules page says them, metrics
// and areas by name, the programme's review setting as its settings page
// says it. A value not as its field records it is written as recorded.
func TestChangeNumbers(t *testing.T) {
	n := &recordNames{Funders: map[string]string{"f1": "DWP", "f2": "East Midlands SHA"}}
	for _, c := range []struct {
		field string
		v     any
		want  string
	}{
		// Counts, grouped wherever they are: a target's value, a cohort's
		// places, a milestone email's figure, value, awaiting review and
		// attempts, counts by metric, a measure's respondents.
		{"value", float64(2000), "2,000"},
		{"value", float64(60), "60"},
		{"places", float64(12500), "12,500"},
		{"figure", float64(1999), "1,999"},
		{"awaitingReview", float64(1001), "1,001"},
		{"attempts", float64(3), "3"},
		{"counts", map[string]any{"peopleIntoWork": float64(1200), "referrals": float64(12000)}, "Referrals 12,000, People into work 1,200"},
		{"measures", []any{map[string]any{"name": "health", "baselineMean": 3.5, "latestMean": 7.25, "respondents": float64(1500)}},
			"health 3.5 → 7.25 (1,500 respondents)"},
		{"recipients", []any{float64(1000), "a@example.org"}, "1,000, a@example.org"},
		// Not a whole number: as it is (FTE as the posts table writes it).
		{"fte", 0.5, "0.5"},
		{"fte", float64(1), "1"},
		// Milestones, as the targets page writes them.
		{"thresholds", []any{float64(25), float64(50), float64(100)}, "25%, 50%, 100%"},
		{"thresholds", []any{}, "none"},
		{"threshold", float64(50), "50%"},
		{"covers", []any{float64(25), float64(50)}, "25%, 50%"},
		// A schedule's days, as the schedules page says them.
		{"dueDays", float64(30), "30 days after each period ends"},
		{"dueDays", float64(1), "1 day after each period ends"},
		{"reminders", []any{float64(14), float64(7)}, "14, 7 days before"},
		{"reminders", []any{float64(1)}, "1 day before"},
		{"reminders", []any{}, "none"},
		{"reminderDays", float64(7), "7 days before"},
		// Metrics by their labels.
		{"metric", "peopleIntoWork", "People into work"},
		{"targetMetric", "referrals", "Referrals"},
		// The programme's review setting, as its settings page says it.
		{"reviewOutcomes", true, "A lead approves each submission before it counts"},
		{"reviewOutcomes", false, "Submissions count as soon as they are sent"},
		// Any other flag, yes or no.
		{"late", true, "yes"},
		{"late", false, "no"},
		// Areas by name and code.
		{"beneficiaryLocations", []any{map[string]any{"geoCode": "E08000035", "name": "Leeds"},
			map[string]any{"geoCode": "E08000032", "name": "Bradford"}}, "Leeds (E08000035), Bradford (E08000032)"},
		{"beneficiaryLocations", []any{}, "none"},
		// Anything else, as recorded.
		{"thresholds", []any{float64(25), "half"}, "25, half"}, // a list as a list
		{"threshold", 12.5, "12.5"},
		{"metric", "smiles", "smiles"},
		{"dueDays", "soon", "soon"},
		{"reviewOutcomes", "maybe", "maybe"},
		{"beneficiaryLocations", []any{map[string]any{"geoCode": "E08000035"}}, `[{"geoCode":"E08000035"}]`},
	} {
		if got := changeValue(n, c.field, c.v); got != c.want {
			t.Errorf("changeValue(%q, %v) = %q, want %q", c.field, c.v, got, c.want)
		}
	}
}
