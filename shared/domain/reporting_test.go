package domain

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

func d(s string) Date { return MustDate(s) }

func TestPeriodsAreCalendarPeriods(t *testing.T) {
	cases := []struct {
		f           Frequency
		first, last string
		want        []string // start..end of each period
	}{
		{Quarterly, "2026-04-01", "2027-03-31", []string{"2026-04-01..2026-06-30", "2026-07-01..2026-09-30", "2026-10-01..2026-12-31", "2027-01-01..2027-03-31"}},
		{Monthly, "2024-01-01", "2024-03-31", []string{"2024-01-01..2024-01-31", "2024-02-01..2024-02-29", "2024-03-01..2024-03-31"}},
		{HalfYearly, "2025-10-01", "2026-09-30", []string{"2025-10-01..2026-03-31", "2026-04-01..2026-09-30"}},
		{Yearly, "2009-04-01", "2011-03-31", []string{"2009-04-01..2010-03-31", "2010-04-01..2011-03-31"}},
		{Quarterly, "2026-04-01", "2026-06-29", nil}, // ends before the first period does
	}
	for _, c := range cases {
		var got []string
		for _, p := range PeriodsOf(c.f, d(c.first), d(c.last)) {
			got = append(got, p.Start.String()+".."+p.End.String())
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s from %s to %s: %v, want %v", c.f, c.first, c.last, got, c.want)
		}
	}
}

func TestScheduleInputValidate(t *testing.T) {
	ok := func() ScheduleInput {
		return ScheduleInput{Name: "Quarterly returns", Frequency: Quarterly, FirstPeriodStart: d("2026-04-01"), LastPeriodEnd: d("2027-03-31")}
	}
	in := ok()
	if err := in.Validate(); err != nil {
		t.Fatalf("valid schedule refused: %v", err)
	}
	if *in.DueDays != DefaultDueDays || !slices.Equal(in.Reminders, []int64{7}) {
		t.Errorf("defaults: dueDays %d reminders %v, want 20 and [7]", *in.DueDays, in.Reminders)
	}
	bad := func(mutate func(*ScheduleInput), fields ...string) {
		t.Helper()
		in := ok()
		mutate(&in)
		err := in.Validate()
		var e *Error
		if !asError(err, &e) || e.Code != CodeValidation {
			t.Fatalf("want a validation error naming %v, got %v", fields, err)
		}
		var got []string
		for f := range e.Fields {
			got = append(got, f)
		}
		slices.Sort(got)
		slices.Sort(fields)
		if !slices.Equal(got, fields) {
			t.Errorf("fields %v, want %v (%v)", got, fields, e.Fields)
		}
	}
	n := func(v int64) *int64 { return &v }
	bad(func(in *ScheduleInput) { in.Name = "" }, "name")
	bad(func(in *ScheduleInput) { in.Frequency = "weekly" }, "frequency")
	bad(func(in *ScheduleInput) { in.FirstPeriodStart = d("2026-04-02") }, "firstPeriodStart")
	bad(func(in *ScheduleInput) { in.FirstPeriodStart = Date{} }, "firstPeriodStart")
	bad(func(in *ScheduleInput) { in.LastPeriodEnd = d("2027-03-30") }, "lastPeriodEnd")
	bad(func(in *ScheduleInput) { in.LastPeriodEnd = d("2026-03-31") }, "lastPeriodEnd")
	bad(func(in *ScheduleInput) { in.Frequency, in.LastPeriodEnd = Monthly, d("2036-04-30") }, "lastPeriodEnd")
	// Before the first period: in words, never the API's name for the
	// other field, which a page would show as it is (audit-web N2).
	{
		in := ok()
		in.LastPeriodEnd = d("2026-03-31")
		var e *Error
		if err := in.Validate(); !asError(err, &e) || e.Fields["lastPeriodEnd"] != "must be after the first period starts" {
			t.Errorf("a last period end before the first start: %v", err)
		}
	}
	// More than 120 periods is refused as that, whatever the count: not
	// as a last day that is not a period's end, which it is.
	for _, last := range []string{"2036-04-30", "2036-12-31", "2046-03-31"} {
		in := ok()
		in.Frequency, in.LastPeriodEnd = Monthly, d(last)
		var e *Error
		if err := in.Validate(); !asError(err, &e) || !strings.Contains(e.Fields["lastPeriodEnd"], "at most 120 periods") {
			t.Errorf("monthly to %s: %v, want at most 120 periods", last, err)
		}
	}
	// The last return due after the last date fundtrack takes (stored, it
	// could not be read back), but not the due days themselves.
	bad(func(in *ScheduleInput) {
		in.FirstPeriodStart, in.LastPeriodEnd, in.DueDays = d("2200-10-01"), d("2200-12-31"), n(1)
	}, "lastPeriodEnd")
	bad(func(in *ScheduleInput) { in.DueDays = n(91) }, "dueDays")
	bad(func(in *ScheduleInput) { in.DueDays = n(-1) }, "dueDays")
	bad(func(in *ScheduleInput) { in.Reminders = []int64{7, 7, 91, -1} }, "reminders[1]", "reminders[2]", "reminders[3]")
	bad(func(in *ScheduleInput) { in.ProjectIDs = []string{} }, "projectIds")
	bad(func(in *ScheduleInput) { id := NewID(); in.ProjectIDs = []string{id, "nope", id} }, "projectIds[1]", "projectIds[2]")
	// The boundaries are allowed.
	in = ok()
	in.DueDays, in.Reminders = n(0), []int64{}
	if err := in.Validate(); err != nil {
		t.Errorf("dueDays 0 and no reminders refused: %v", err)
	}
	in = ok()
	in.Frequency, in.FirstPeriodStart, in.LastPeriodEnd, in.DueDays, in.Reminders = Monthly, d("2026-01-01"), d("2035-12-31"), n(90), []int64{0, 90}
	if err := in.Validate(); err != nil {
		t.Errorf("120 monthly periods, dueDays 90, reminders 0 and 90 refused: %v", err)
	}
	in = ok()
	in.Frequency, in.FirstPeriodStart, in.LastPeriodEnd, in.DueDays = Monthly, d("2200-11-01"), d("2200-11-30"), n(31)
	if err := in.Validate(); err != nil {
		t.Errorf("a last return due on %s, the last date fundtrack takes, refused: %v", LastDay, err)
	}
}

func TestSchedulePatchChangesOnlyWhatMayChange(t *testing.T) {
	s := Schedule{ID: NewID(), Name: "Q", Frequency: Quarterly, FirstPeriodStart: d("2026-04-01"), LastPeriodEnd: d("2027-03-31"), DueDays: 20, Reminders: []int64{7}}
	str := func(v string) *string { return &v }
	later := d("2028-03-31")
	got, err := SchedulePatch{Name: str("Quarterly"), Reminders: &[]int64{14, 3}, LastPeriodEnd: &later}.Apply(s)
	if err != nil || got.Name != "Quarterly" || !slices.Equal(got.Reminders, []int64{14, 3}) || got.LastPeriodEnd != later {
		t.Fatalf("patch: %+v, %v", got, err)
	}
	same := s.Frequency
	if _, err := (SchedulePatch{Frequency: &same}).Apply(s); err != nil {
		t.Errorf("sending a fixed field unchanged is refused: %v", err)
	}
	// Moved so late that its last return would be due after the last date
	// fundtrack takes.
	tooLate := d("2200-12-31")
	if _, err := (SchedulePatch{LastPeriodEnd: &tooLate}).Apply(s); !asError(err, new(*Error)) || err.(*Error).Fields["lastPeriodEnd"] == "" {
		t.Errorf("lastPeriodEnd moved to %s with returns due 20 days later: %v, want a problem with lastPeriodEnd", tooLate, err)
	}
	earlier := d("2026-12-31")
	if got, err := (SchedulePatch{LastPeriodEnd: &earlier}).Apply(s); err != nil || got.LastPeriodEnd != earlier {
		t.Errorf("lastPeriodEnd moved earlier to the end of a period: %+v, %v (the service removes the returns after it)", got, err)
	}
	m, dd, beforeFirst, notEnd := Monthly, int64(30), d("2026-03-31"), d("2028-03-30")
	for name, pt := range map[string]SchedulePatch{
		"frequency": {Frequency: &m}, "dueDays": {DueDays: &dd}, "projectIds": {ProjectIDs: &[]string{NewID()}},
		"lastPeriodEnd": {LastPeriodEnd: &beforeFirst}, "reminders[0]": {Reminders: &[]int64{100}}, "name": {Name: str(" ")},
	} {
		_, err := pt.Apply(s)
		var e *Error
		if !asError(err, &e) || e.Fields[name] == "" {
			t.Errorf("patch of %s: %v, want a problem with %s", name, err, name)
		}
	}
	if _, err := (SchedulePatch{LastPeriodEnd: &notEnd}).Apply(s); err == nil {
		t.Error("a lastPeriodEnd that ends no period was accepted")
	}
}

func TestReturnIDRoundTrip(t *testing.T) {
	s, p := NewID(), NewID()
	id := ReturnID(s, p, d("2026-04-01"))
	gs, gp, gd, ok := ParseReturnID(id)
	if !ok || gs != s || gp != p || gd != d("2026-04-01") {
		t.Fatalf("ParseReturnID(%q) = %s %s %s %v", id, gs, gp, gd, ok)
	}
	for _, bad := range []string{"", s, s + "-" + p, s + "-" + p + "-20260231", s + "-" + p + "-2026040", "x-" + p + "-20260401", s + "-" + p + "-20260401-1"} {
		if _, _, _, ok := ParseReturnID(bad); ok {
			t.Errorf("ParseReturnID(%q) accepted", bad)
		}
	}
	if !ValidNotificationID(id+".overdue") || !ValidNotificationID(s+".reached.100") || ValidNotificationID("nope.x") || ValidNotificationID(id) {
		t.Error("ValidNotificationID")
	}
}

// TestReturnsOnlyWhileTheProjectRuns: a schedule expects a return of a
// project for a period only when the project's dates share a day with it
// (audit-reporting W4); a project without an end date runs on. ReturnFor
// and ExpectedReturns agree, as every place that makes a return uses them.
func TestReturnsOnlyWhileTheProjectRuns(t *testing.T) {
	s := Schedule{ID: "s1", Frequency: Quarterly, FirstPeriodStart: d("2026-01-01"), LastPeriodEnd: d("2026-12-31"), DueDays: 20}
	now := time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		name       string
		start, end string
		want       []string // period starts
	}{
		{"runs throughout", "2025-01-01", "2027-12-31", []string{"2026-01-01", "2026-04-01", "2026-07-01", "2026-10-01"}},
		{"starts on a period's last day", "2026-06-30", "2027-12-31", []string{"2026-04-01", "2026-07-01", "2026-10-01"}},
		{"starts the day after a period", "2026-07-01", "2027-12-31", []string{"2026-07-01", "2026-10-01"}},
		{"ends on a period's first day", "2025-01-01", "2026-07-01", []string{"2026-01-01", "2026-04-01", "2026-07-01"}},
		{"within one period", "2026-05-01", "2026-05-31", []string{"2026-04-01"}},
		{"starts after the schedule", "2027-05-01", "2027-10-31", nil},
		{"no end date: runs on", "2026-08-01", "", []string{"2026-07-01", "2026-10-01"}},
	}
	for _, c := range cases {
		pr := Project{ID: "j1", StartDate: d(c.start)}
		if c.end != "" {
			pr.EndDate = d(c.end)
		}
		var got []string
		for _, r := range ExpectedReturns(s, []Project{pr}, now) {
			got = append(got, r.PeriodStart.String())
			if r.State != StateExpected || r.Version != 1 || !r.CreatedAt.Equal(now) || r.DueDate != r.PeriodEnd.AddDays(20) ||
				r.ID != ReturnID("s1", "j1", r.PeriodStart) {
				t.Errorf("%s: return %+v", c.name, r)
			}
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: returns for %v, want %v", c.name, got, c.want)
		}
		for _, p := range s.Periods() {
			r, ok := s.ReturnFor(pr, p.Start, p.End, now)
			if ok != slices.Contains(c.want, p.Start.String()) || ok && r.PeriodEnd != p.End {
				t.Errorf("%s: ReturnFor %s: %v %+v", c.name, p.Start, ok, r)
			}
		}
	}
	pr := Project{ID: "j1", StartDate: d("2025-01-01")}
	if _, ok := s.ReturnFor(pr, d("2026-01-01"), d("2026-02-28"), now); ok {
		t.Error("ReturnFor a period the schedule does not have")
	}
	if _, ok := (Schedule{ID: "s2", Frequency: Quarterly, FirstPeriodStart: d("2026-01-01"), LastPeriodEnd: d("2026-12-31"),
		ProjectIDs: []string{"j2"}}).ReturnFor(pr, d("2026-01-01"), d("2026-03-31"), now); ok {
		t.Error("ReturnFor a project the schedule does not cover")
	}
}

func TestReturnStatusByCalendarAndState(t *testing.T) {
	r := Return{PeriodStart: d("2026-04-01"), PeriodEnd: d("2026-06-30"), DueDate: d("2026-07-20"), State: StateExpected}
	for today, want := range map[string]ReturnStatus{
		"2026-05-01": ReturnUpcoming, "2026-06-30": ReturnUpcoming, "2026-07-01": ReturnOpen,
		"2026-07-20": ReturnOpen, "2026-07-21": ReturnOverdue, "2030-01-01": ReturnOverdue,
	} {
		if got := r.StatusOn(d(today)); got != want {
			t.Errorf("on %s: %s, want %s", today, got, want)
		}
	}
	for state, want := range map[ReturnState]ReturnStatus{StateSubmitted: ReturnSubmitted, StateChangesRequested: ReturnChangesRequested, StateAccepted: ReturnAccepted} {
		r.State = state
		if got := r.StatusOn(d("2030-01-01")); got != want {
			t.Errorf("%s: %s", state, got)
		}
	}
}

// TestStatusPeriodEndsMatchStatusOn: the period-end range each
// time-derived status reads from the index holds exactly the returns
// StatusOn gives that status, for every due-days setting and day.
func TestStatusPeriodEndsMatchStatusOn(t *testing.T) {
	today := d("2026-08-15")
	for _, dueDays := range []int64{0, 1, 20, 45, 90} {
		for i := -200; i <= 200; i++ {
			end := today.AddDays(i)
			r := Return{PeriodEnd: end, DueDate: end.AddDays(int(dueDays)), State: StateExpected}
			for _, st := range []ReturnStatus{ReturnUpcoming, ReturnOpen, ReturnOverdue} {
				from, to := st.PeriodEnds(today, dueDays)
				in := (from.IsZero() || !end.Before(from)) && (to.IsZero() || end.Before(to))
				if in != (r.StatusOn(today) == st) {
					t.Fatalf("dueDays %d, period end %s: in %s's range %v, StatusOn %s", dueDays, end, st, in, r.StatusOn(today))
				}
			}
		}
	}
}

func TestFillAndReview(t *testing.T) {
	r := Return{ID: "r", PeriodEnd: d("2026-06-30"), DueDate: d("2026-07-20"), State: StateExpected}
	at := func(s string) time.Time { return d(s).Time().Add(10 * time.Hour) }
	o1 := Outcome{ID: "o1", SubmittedAt: at("2026-07-25"), Status: OutcomePending}
	r1, ok := r.Fill(o1)
	if !ok || r1.State != StateSubmitted || r1.SubmissionID != "o1" || !r1.Late || !r1.SubmittedAt.Equal(o1.SubmittedAt) {
		t.Fatalf("late pending submission: %+v %v", r1, ok)
	}
	// Another submission for the same period leaves it as it is.
	if _, ok := r1.Fill(Outcome{ID: "o9", SubmittedAt: at("2026-07-26"), Status: OutcomePending}); ok {
		t.Error("an unrelated submission refilled a submitted return")
	}
	r2, ok := r1.Reviewed(o1, Review{Decision: DecisionRequestChanges, By: "lead@x", Comment: "Referrals look doubled"})
	if !ok || r2.State != StateChangesRequested || r2.Review.Comment == "" || r2.Correction != nil {
		t.Fatalf("changes requested: %+v", r2)
	}
	// The correction fills it again; when it was first sent stays, and so does late.
	o2 := Outcome{ID: "o2", SubmittedAt: at("2026-08-01"), Status: OutcomePending, Replaces: "o1"}
	r3, ok := r2.Fill(o2)
	if !ok || r3.State != StateSubmitted || r3.SubmissionID != "o2" || !r3.SubmittedAt.Equal(o1.SubmittedAt) || !r3.Late || r3.Review != nil {
		t.Fatalf("correction: %+v %v", r3, ok)
	}
	r4, ok := r3.Reviewed(o2, Review{Decision: DecisionApprove})
	if !ok || r4.State != StateAccepted || r4.StatusOn(d("2026-09-01")) != ReturnAccepted {
		t.Fatalf("approved: %+v", r4)
	}
	// A decision on a submission the return neither holds nor has as its
	// correction leaves it as it is.
	if _, ok := r4.Reviewed(Outcome{ID: "o9", Status: OutcomePending}, Review{Decision: DecisionApprove}); ok {
		t.Error("a decision on another submission moved the return")
	}
	// Without review a correction of the accepted submission is accepted at once.
	if r5, ok := r4.Fill(Outcome{ID: "o3", Replaces: "o2", Status: OutcomeApproved, SubmittedAt: at("2026-09-01")}); !ok || r5.State != StateAccepted || r5.SubmissionID != "o3" || r5.Correction != nil {
		t.Fatalf("correction without review: %+v %v", r5, ok)
	}
	// On time: sent on the due date itself.
	if r6, _ := r.Fill(Outcome{ID: "o4", SubmittedAt: at("2026-07-20"), Status: OutcomeApproved}); r6.Late || r6.State != StateAccepted {
		t.Fatalf("on the due date: %+v", r6)
	}
	// Funders see statuses: no review, and the submission only once accepted.
	if v := r3.View(d("2026-08-02"), true); v.Review != nil || v.SubmissionID != "" || v.Status != ReturnSubmitted {
		t.Errorf("funder's view of a submitted return: %+v", v)
	}
	if v := r4.View(d("2026-08-02"), true); v.SubmissionID != "o2" || v.Review != nil {
		t.Errorf("funder's view of an accepted return: %+v", v)
	}
}

// TestCorrectionOfAcceptedReturn: approved figures stand until a
// correction of them is approved (SPEC, reporting cycle), so the return
// stays accepted on them, and says which correction is under way.
func TestCorrectionOfAcceptedReturn(t *testing.T) {
	at := func(s string) time.Time { return d(s).Time().Add(10 * time.Hour) }
	sent := at("2026-07-25")
	approval := &Review{Decision: DecisionApprove, By: "lead@x"}
	accepted := Return{ID: "r", PeriodEnd: d("2026-06-30"), DueDate: d("2026-07-20"), State: StateAccepted,
		SubmissionID: "a", SubmittedAt: &sent, Late: true, Review: approval}
	c1 := Outcome{ID: "c1", Replaces: "a", ReplacesApproved: "a", Status: OutcomePending, SubmittedAt: at("2026-09-01")}
	c2 := Outcome{ID: "c2", Replaces: "c1", ReplacesApproved: "a", Status: OutcomePending, SubmittedAt: at("2026-09-10")}
	approve := Review{Decision: DecisionApprove, By: "lead@x"}
	sendBack := Review{Decision: DecisionRequestChanges, By: "lead@x", Comment: "Too high"}
	fill := func(o Outcome) func(Return) (Return, bool) { return func(r Return) (Return, bool) { return r.Fill(o) } }
	review := func(o Outcome, rv Review) func(Return) (Return, bool) {
		return func(r Return) (Return, bool) { return r.Reviewed(o, rv) }
	}
	pending := func(id string) *ReturnCorrection { return &ReturnCorrection{SubmissionID: id, Status: OutcomePending} }
	sentBack := func(id string) *ReturnCorrection {
		return &ReturnCorrection{SubmissionID: id, Status: OutcomeChangesRequested}
	}
	cases := []struct {
		name       string
		steps      []func(Return) (Return, bool)
		state      ReturnState
		submission string
		correction *ReturnCorrection
		review     *Review
	}{
		{"accepted + correction awaiting review → accepted", []func(Return) (Return, bool){fill(c1)},
			StateAccepted, "a", pending("c1"), approval},
		{"+ changes requested on the correction → accepted", []func(Return) (Return, bool){fill(c1), review(c1, sendBack)},
			StateAccepted, "a", sentBack("c1"), approval},
		{"+ the correction approved → accepted on the correction", []func(Return) (Return, bool){fill(c1), review(c1, approve)},
			StateAccepted, "c1", nil, &approve},
		{"+ sent back, corrected again → accepted, the new correction awaiting review",
			[]func(Return) (Return, bool){fill(c1), review(c1, sendBack), fill(c2)}, StateAccepted, "a", pending("c2"), approval},
		{"+ sent back, corrected again, approved → accepted on the second correction",
			[]func(Return) (Return, bool){fill(c1), review(c1, sendBack), fill(c2), review(c2, approve)}, StateAccepted, "c2", nil, &approve},
		{"corrected while awaiting review → accepted, the newest correction awaiting review",
			[]func(Return) (Return, bool){fill(c1), fill(c2)}, StateAccepted, "a", pending("c2"), approval},
		{"changes requested (never approved) + correction → submitted",
			[]func(Return) (Return, bool){func(Return) (Return, bool) {
				return Return{ID: "r", DueDate: d("2026-07-20"), State: StateChangesRequested, SubmissionID: "x",
					SubmittedAt: &sent, Late: true, Review: &sendBack}, true
			}, fill(Outcome{ID: "y", Replaces: "x", Status: OutcomePending, SubmittedAt: at("2026-09-01")})},
			StateSubmitted, "y", nil, nil},
		// Stored before the rule: submitted on a correction of approved figures.
		{"old record: submitted on a correction of approved figures, sent back → accepted on them",
			[]func(Return) (Return, bool){func(Return) (Return, bool) {
				return Return{ID: "r", DueDate: d("2026-07-20"), State: StateSubmitted, SubmissionID: "c1", SubmittedAt: &sent, Late: true}, true
			}, review(c1, sendBack)},
			StateAccepted, "a", sentBack("c1"), nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := accepted
			for i, step := range c.steps {
				var ok bool
				if r, ok = step(r); !ok {
					t.Fatalf("step %d left the return as it was", i+1)
				}
			}
			if r.State != c.state || r.SubmissionID != c.submission || !reflect.DeepEqual(r.Correction, c.correction) || !reflect.DeepEqual(r.Review, c.review) {
				t.Fatalf("got %s on %s, correction %+v, review %+v; want %s on %s, correction %+v, review %+v",
					r.State, r.SubmissionID, r.Correction, r.Review, c.state, c.submission, c.correction, c.review)
			}
			// When it was first sent stays: late and submittedAt describe the first sending.
			if !r.Late || !r.SubmittedAt.Equal(sent) {
				t.Errorf("first sending moved: late %v, submitted %v", r.Late, r.SubmittedAt)
			}
			if r.StatusOn(d("2026-12-01")) != ReturnStatus(c.state) {
				t.Errorf("status %s", r.StatusOn(d("2026-12-01")))
			}
			// Listed apart while its correction is sent back (its project
			// lead's to correct), and among its status's lists.
			wantList := ReturnList(c.state)
			if c.correction != nil && c.correction.Status == OutcomeChangesRequested {
				wantList = ListCorrectionSentBack
			}
			if r.List() != wantList || !slices.Contains(r.StatusOn(d("2026-12-01")).Lists(), r.List()) {
				t.Errorf("kept in list %s, want %s (status %s's lists: %v)", r.List(), wantList, r.StatusOn(d("2026-12-01")), r.StatusOn(d("2026-12-01")).Lists())
			}
		})
	}
	// A return accepted with a correction under way counts as accepted, not
	// as awaiting review, and as sent as before.
	withCorrection, _ := accepted.Fill(c1)
	if ch := ReturnStatsChange(&accepted, withCorrection); ch.Submitted != 0 || ch.Unsent[accepted.PeriodEnd] != 0 || ch.OnTime[accepted.PeriodEnd] != 0 {
		t.Errorf("a correction of approved figures moved the counts: %+v", ch)
	}
	// The funder sees it accepted on the approved figures, not the correction.
	if v := withCorrection.View(d("2026-09-02"), true); v.Status != ReturnAccepted || v.SubmissionID != "a" || v.Correction != nil || v.Review != nil {
		t.Errorf("funder's view: %+v", v)
	}
	if v := withCorrection.View(d("2026-09-02"), false); v.Correction == nil || v.Correction.SubmissionID != "c1" {
		t.Errorf("lead's view lost the correction: %+v", v)
	}
	// Another submission for the period, not a correction, leaves it as it is.
	if _, ok := withCorrection.Fill(Outcome{ID: "n", Status: OutcomePending, SubmittedAt: at("2026-09-03")}); ok {
		t.Error("an unrelated submission moved an accepted return")
	}
	// A decision on the correction already sent back does not move it again.
	back, _ := withCorrection.Reviewed(c1, sendBack)
	if _, ok := back.Reviewed(c1, approve); ok {
		t.Error("a decision on a correction sent back moved the return")
	}
}

func TestFillFromHistory(t *testing.T) {
	r := Return{ProjectID: "j", PeriodStart: d("2026-04-01"), PeriodEnd: d("2026-06-30"), DueDate: d("2026-07-20"), State: StateExpected}
	at := func(s string) time.Time { return d(s).Time() }
	hist := []Outcome{
		{ID: "a", ProjectID: "j", PeriodStart: r.PeriodStart, PeriodEnd: r.PeriodEnd, SubmittedAt: at("2026-07-10")},
		{ID: "b", ProjectID: "j", PeriodStart: r.PeriodStart, PeriodEnd: r.PeriodEnd, SubmittedAt: at("2026-07-30"), Replaces: "a", ReplacesApproved: "a", Status: OutcomePending},
		{ID: "c", ProjectID: "k", PeriodStart: r.PeriodStart, PeriodEnd: r.PeriodEnd, SubmittedAt: at("2026-07-01")},
		{ID: "e", ProjectID: "j", PeriodStart: r.PeriodStart, PeriodEnd: d("2026-06-29"), SubmittedAt: at("2026-07-01")},
	}
	// b corrects the approved a and awaits review: a's figures stand.
	got := r.FillFromHistory(hist)
	if got.State != StateAccepted || got.SubmissionID != "a" || got.Correction == nil || got.Correction.SubmissionID != "b" ||
		got.Correction.Status != OutcomePending || got.Late || !got.SubmittedAt.Equal(at("2026-07-10")) {
		t.Fatalf("filled from history: %+v", got)
	}
	// A correction of a submission never approved: the return awaits review.
	unapproved := slices.Clone(hist)
	unapproved[0].Status, unapproved[1].ReplacesApproved = OutcomeChangesRequested, ""
	if got := r.FillFromHistory(unapproved); got.State != StateSubmitted || got.SubmissionID != "b" || got.Correction != nil {
		t.Fatalf("filled from history, nothing approved: %+v", got)
	}
	if got := r.FillFromHistory(hist[2:]); got.Sent() {
		t.Fatalf("other projects' and periods' submissions filled it: %+v", got)
	}
}

func TestReturnNotices(t *testing.T) {
	created := d("2026-01-10").Time()
	r := Return{ID: "r", PeriodEnd: d("2026-06-30"), DueDate: d("2026-07-20"), State: StateExpected, CreatedAt: created}
	reminders := Schedule{Reminders: []int64{14, 7}}
	if got := r.FirstCheck(); got != d("2026-04-21") {
		t.Errorf("first check %s, want 90 days before due", got)
	}
	type step struct {
		today string
		kind  NotificationKind
		days  int64
		next  string
	}
	for _, s := range []step{
		{"2026-04-21", "", 0, "2026-07-06"},
		{"2026-07-06", KindReminder, 14, "2026-07-13"},
		{"2026-07-13", KindReminder, 7, "2026-07-21"},
		{"2026-07-15", KindReminder, 7, "2026-07-21"}, // a late run: the most recent reminder only
		{"2026-07-21", KindOverdue, 0, ""},
	} {
		n, ok := r.NoticeOn(reminders, d(s.today))
		if ok != (s.kind != "") || n.Kind != s.kind || n.Reminder != s.days {
			t.Errorf("on %s: %+v %v, want %s %d", s.today, n, ok, s.kind, s.days)
		}
		if next := r.NextCheck(reminders, d(s.today)); next.String() != s.next {
			t.Errorf("after %s: next %s, want %q", s.today, next, s.next)
		}
	}
	// Sent: nothing.
	sent := r
	sent.State = StateSubmitted
	if _, ok := sent.NoticeOn(reminders, d("2026-07-21")); ok {
		t.Error("a sent return is reminded")
	}
	// Expected only after its due date: the overdue email on the first
	// look, if it was due in the 90 days before.
	late := r
	late.CreatedAt = d("2026-09-01").Time()
	if late.FirstCheck() != d("2026-09-01") {
		t.Errorf("first check of a return already overdue: %s", late.FirstCheck())
	}
	if n, ok := late.NoticeOn(reminders, d("2026-09-01")); !ok || n.Kind != KindOverdue {
		t.Errorf("already overdue, due 43 days before: %+v %v", n, ok)
	}
	old := r
	old.CreatedAt = d("2026-10-19").Time() // due 91 days before
	if _, ok := old.NoticeOn(reminders, d("2026-10-19")); ok {
		t.Error("a return due more than 90 days before it was expected is emailed")
	}
	if next := old.NextCheck(reminders, d("2026-10-19")); !next.IsZero() {
		t.Errorf("an old overdue return is looked at again on %s", next)
	}
	// Expected three days before its due date with a 7-day reminder: the
	// reminder's day had passed before the return was expected, so it goes
	// on the first look, once (its claim marks the return reminded); the
	// overdue email still goes.
	soon := r
	soon.CreatedAt = d("2026-07-17").Time()
	if n, ok := soon.NoticeOn(reminders, d("2026-07-17")); !ok || n.Kind != KindReminder || n.Reminder != 7 {
		t.Errorf("expected 3 days before due, on its first look: %+v %v, want the 7-day reminder", n, ok)
	}
	soon.RemindedOn = d("2026-07-17")
	for _, today := range []string{"2026-07-17", "2026-07-20"} {
		if n, ok := soon.NoticeOn(reminders, d(today)); ok {
			t.Errorf("expected 3 days before due, reminded on the 17th, on %s: %+v", today, n)
		}
	}
	if next := soon.NextCheck(reminders, d("2026-07-17")); next != d("2026-07-21") {
		t.Errorf("expected 3 days before due: next look %s, want the overdue email's day", next)
	}
	if n, ok := soon.NoticeOn(reminders, d("2026-07-21")); !ok || n.Kind != KindOverdue {
		t.Errorf("expected 3 days before due, the day after: %+v %v", n, ok)
	}
}

// TestReminderCaughtUpOnce (audit walk3 W1): a schedule made after a
// return's reminder day, before its due date, sends that return one
// reminder on the first look, the latest reminder day passed; a reminder
// day still to come goes as usual; a return already overdue gets only the
// overdue email.
func TestReminderCaughtUpOnce(t *testing.T) {
	made := time.Date(2026, 12, 4, 23, 20, 0, 0, time.UTC)
	s := Schedule{Reminders: []int64{7}, CreatedAt: made, UpdatedAt: made}.DateReminders(nil, UKDate(made))
	nov := Return{ID: "nov", PeriodEnd: d("2026-11-30"), DueDate: d("2026-12-10"), State: StateExpected, CreatedAt: made}
	if got := nov.FirstCheck(); got != d("2026-12-04") {
		t.Fatalf("first look %s, want the day the schedule was made", got)
	}
	if n, ok := nov.NoticeOn(s, d("2026-12-04")); !ok || n.Kind != KindReminder || n.Reminder != 7 {
		t.Errorf("made on 4 December, due 10 December, 7-day reminder: %+v %v, want the reminder", n, ok)
	}
	if n, ok := nov.NoticeOn(s, d("2026-12-06")); !ok || n.Reminder != 7 {
		t.Errorf("the first look on the 6th (nobody to tell until then): %+v %v, want the reminder", n, ok)
	}
	nov.RemindedOn = d("2026-12-04")
	for day := d("2026-12-04"); !day.After(nov.DueDate); day = day.AddDays(1) {
		if n, ok := nov.NoticeOn(s, day); ok {
			t.Errorf("reminded on the 4th, on %s: %+v", day, n)
		}
	}
	if n, ok := nov.NoticeOn(s, d("2026-12-11")); !ok || n.Kind != KindOverdue {
		t.Errorf("reminded, then overdue: %+v %v", n, ok)
	}
	oct := Return{ID: "oct", PeriodEnd: d("2026-10-31"), DueDate: d("2026-11-10"), State: StateExpected, CreatedAt: made}
	if n, ok := oct.NoticeOn(s, d("2026-12-04")); !ok || n.Kind != KindOverdue {
		t.Errorf("already overdue when the schedule was made: %+v %v, want the overdue email only", n, ok)
	}
	// Reminders [14, 7, 2] made 5 days before due: 14 and 7 have passed;
	// the latest, 7, goes on the first look, and 2 on its day.
	three := Schedule{Reminders: []int64{14, 7, 2}, CreatedAt: made}.DateReminders(nil, d("2026-12-05"))
	r := Return{ID: "r", PeriodEnd: d("2026-11-20"), DueDate: d("2026-12-10"), State: StateExpected, CreatedAt: d("2026-12-05").Time()}
	if n, ok := r.NoticeOn(three, d("2026-12-05")); !ok || n.Reminder != 7 {
		t.Errorf("14 and 7 passed: %+v %v, want the 7-day reminder only", n, ok)
	}
	r.RemindedOn = d("2026-12-05")
	if n, ok := r.NoticeOn(three, d("2026-12-07")); ok {
		t.Errorf("reminded on the first look, on the 7th: %+v", n)
	}
	if n, ok := r.NoticeOn(three, d("2026-12-08")); !ok || n.Reminder != 2 {
		t.Errorf("the 2-day reminder after the catch-up: %+v %v", n, ok)
	}
	if got := r.NextCheck(three, d("2026-12-05")); got != d("2026-12-08") {
		t.Errorf("next look after the catch-up %s, want the 2-day reminder's day", got)
	}
	// Reminders added by an edit after their day, to a return never
	// reminded: the latest passed goes once; to a return already reminded
	// (TestReminderNotAgainForADayCovered), nothing.
	none := Schedule{CreatedAt: made}.DateReminders(nil, d("2026-11-01"))
	added := Schedule{Reminders: []int64{9, 8}}.DateReminders(&none, d("2026-12-05"))
	if n, ok := nov.NoticeOn(added, d("2026-12-05")); ok {
		t.Errorf("already reminded on the 4th, reminders added on the 5th: %+v", n)
	}
	nov.RemindedOn = Date{}
	if n, ok := nov.NoticeOn(added, d("2026-12-05")); !ok || n.Reminder != 8 {
		t.Errorf("never reminded, reminders added after their days: %+v %v, want the 8-day reminder", n, ok)
	}
}

// TestReminderAddedAfterItsDayIsNotDue: a reminder is due only if its day
// is on or after the day it took effect (the schedule made, or an edit
// adding it) and the day the return was first expected. A day kept
// through an edit keeps its date; one added by an edit is dated that day
// (Schedule.DateReminders); a schedule stored before reminders were
// dated counts them from its last change.
func TestReminderAddedAfterItsDayIsNotDue(t *testing.T) {
	made := time.Date(2026, 1, 10, 9, 0, 0, 0, time.UTC)
	r := Return{ID: "r", PeriodEnd: d("2026-03-31"), DueDate: d("2026-04-20"), State: StateExpected, CreatedAt: made}
	s := Schedule{Reminders: []int64{7}, CreatedAt: made, UpdatedAt: made}.DateReminders(nil, UKDate(made))
	// Edited on 2026-04-15 to [10, 7, 3, 5]: 10 and 7 passed, 5 (the
	// 15th) is today, 3 is to come.
	edited := Schedule{Reminders: []int64{10, 7, 5, 3}}.DateReminders(&s, d("2026-04-15"))
	if edited.ReminderFrom(7) != d("2026-01-10") || edited.ReminderFrom(10) != d("2026-04-15") {
		t.Fatalf("dated reminders: %+v", edited.RemindersFrom)
	}
	for _, c := range []struct {
		sched Schedule
		today string
		want  int64 // -1: none
	}{
		{s, "2026-04-13", 7},
		{edited, "2026-04-15", 5}, // added today, its day today
		{edited, "2026-04-16", 5}, // a run missed the 15th: the most recent remindable day
		{edited, "2026-04-17", 3}, // the 3-day reminder
		// added after its day, the 7-day reminder gone: the return's first
		// reminder, caught up (TestReminderCaughtUpOnce); after another
		// reminder went, not due
		{Schedule{Reminders: []int64{10}}.DateReminders(&s, d("2026-04-15")), "2026-04-15", 10},
		{Schedule{Reminders: []int64{10}}.DateReminders(&s, d("2026-04-15")), "2026-04-19", 10},
	} {
		n, ok := r.NoticeOn(c.sched, d(c.today))
		if c.want < 0 && ok || c.want >= 0 && (!ok || n.Kind != KindReminder || n.Reminder != c.want) {
			t.Errorf("reminders %+v on %s: %+v %v, want %d", c.sched.RemindersFrom, c.today, n, ok, c.want)
		}
	}
	// [10, 7] edited on the 15th: 7 kept (its day the 13th, not reminded:
	// the notifier was down, or nobody led the project) still goes, as the
	// most recent reminder day; 10, added after its day, never does once
	// a reminder went.
	both := Schedule{Reminders: []int64{10, 7}}.DateReminders(&s, d("2026-04-15"))
	if n, ok := r.NoticeOn(both, d("2026-04-15")); !ok || n.Reminder != 7 {
		t.Errorf("a kept reminder day passed unreminded: %+v %v", n, ok)
	}
	reminded := r
	reminded.RemindedOn = d("2026-04-09") // a reminder went before 10's day
	for _, today := range []string{"2026-04-15", "2026-04-19"} {
		if n, ok := reminded.NoticeOn(Schedule{Reminders: []int64{10}}.DateReminders(&s, d("2026-04-15")), d(today)); ok {
			t.Errorf("reminded on the 9th, 10 added after its day, on %s: %+v", today, n)
		}
	}
	if next := r.NextCheck(both, d("2026-04-15")); next != d("2026-04-21") {
		t.Errorf("next look after the 15th: %s, want the overdue email's day", next)
	}
	// A schedule stored before reminders were dated: from its last change.
	legacy := Schedule{Reminders: []int64{10, 7}, CreatedAt: made, UpdatedAt: time.Date(2026, 4, 12, 9, 0, 0, 0, time.UTC)}
	if n, ok := r.NoticeOn(legacy, d("2026-04-14")); !ok || n.Reminder != 7 {
		t.Errorf("legacy schedule, 7-day reminder after its last change: %+v %v", n, ok)
	}
	legacy.UpdatedAt = time.Date(2026, 4, 14, 9, 0, 0, 0, time.UTC)
	if n, ok := reminded.NoticeOn(legacy, d("2026-04-14")); ok {
		t.Errorf("legacy schedule changed after the 7-day reminder's day, a reminder already sent: %+v", n)
	}
	// The API never shows the dates; a store's StoredSchedule keeps them.
	shown, _ := json.Marshal(edited)
	kept, _ := json.Marshal(StoredSchedule(edited))
	var back Schedule
	if err := json.Unmarshal(kept, &back); err != nil || strings.Contains(string(shown), "remindersFrom") ||
		!slices.Equal(back.RemindersFrom, edited.RemindersFrom) {
		t.Errorf("shown %s, kept %s, read back %+v (%v)", shown, kept, back.RemindersFrom, err)
	}
}

// TestReturnRecheckWhenNobodyToTell: a notice that found nobody to tell
// (no project lead yet) is looked for again the next day, the reminder
// until the overdue email supersedes it, the overdue email until the
// return is 90 days past its due date; then the return leaves the index.
func TestReturnRecheckWhenNobodyToTell(t *testing.T) {
	r := Return{ID: "r", PeriodEnd: d("2026-06-30"), DueDate: d("2026-07-20"), State: StateExpected, CreatedAt: d("2026-01-10").Time()}
	reminders := Schedule{Reminders: []int64{14, 7}}
	for today, want := range map[string]string{
		"2026-07-06": "2026-07-07", // the 14-day reminder: again tomorrow, not on the 7-day reminder's day
		"2026-07-19": "2026-07-20",
		"2026-07-20": "2026-07-21",
		"2026-07-21": "2026-07-22", // overdue: again tomorrow, though NextCheck is done with it
		"2026-10-17": "2026-10-18", // the last day an overdue email may still go
		"2026-10-18": "",
	} {
		if got := r.NextCheckUntold(reminders, d(today)); got.String() != want && !(want == "" && got.IsZero()) {
			t.Errorf("nobody told on %s: next look %s, want %q", today, got, want)
		}
	}
	if n, ok := r.NoticeOn(reminders, d("2026-07-17")); !ok || n.Kind != KindReminder || n.Reminder != 7 {
		t.Errorf("a project lead added on 2026-07-17 is not reminded: %+v %v", n, ok)
	}
	if n, ok := r.NoticeOn(reminders, d("2026-10-18")); !ok || n.Kind != KindOverdue {
		t.Errorf("a project lead added 90 days after the due date is not told it is overdue: %+v %v", n, ok)
	}
	// Bounded: with nobody ever to tell, the return is looked at once a
	// day from its first reminder day to 90 days past due, then no more.
	looks := 0
	for day := r.FirstCheck(); !day.IsZero(); looks++ {
		if looks > MaxReminderDays+OverdueEmailWindow+1 {
			t.Fatalf("still looked at on %s", day)
		}
		if _, ok := r.NoticeOn(reminders, day); ok {
			day = r.NextCheckUntold(reminders, day)
		} else {
			day = r.NextCheck(reminders, day)
		}
	}
	if want := 1 + 15 + 90; looks != want { // the first look, reminders 2026-07-06 to 2026-07-20, overdue 2026-07-21 to 2026-10-18
		t.Errorf("%d looks, want %d", looks, want)
	}
}

func TestCountReturns(t *testing.T) {
	s := Schedule{ID: "s", DueDays: 20}
	st := ReturnStats{
		Expected: map[Date]int64{d("2026-03-31"): 4, d("2026-06-30"): 4, d("2026-09-30"): 4},
		Unsent:   map[Date]int64{d("2026-03-31"): 1, d("2026-06-30"): 2, d("2026-09-30"): 4},
		OnTime:   map[Date]int64{d("2026-03-31"): 2},
	}
	st.Submitted = 3
	c := CountReturns([]Schedule{s}, map[string]ReturnStats{"s": st}, d("2026-07-10"))
	if c.Overdue != 1 || c.Due != 2 || c.Submitted != 3 || c.OnTimePercent == nil || *c.OnTimePercent != 50 {
		t.Fatalf("counts on 2026-07-10: %+v", c)
	}
	c = CountReturns([]Schedule{s}, map[string]ReturnStats{"s": st}, d("2026-07-21"))
	if c.Overdue != 3 || c.Due != 0 || *c.OnTimePercent != 25 {
		t.Fatalf("counts on 2026-07-21: %+v (on time %v)", c, *c.OnTimePercent)
	}
	// All but one of 2,000 on time is 99.9%, not 100.0% (Percent), and one
	// of 16 is 6.3%.
	for _, c := range []struct {
		onTime, past int64
		want         float64
	}{{1999, 2000, 99.9}, {2000, 2000, 100}, {1, 16, 6.3}} {
		many := ReturnStats{Expected: map[Date]int64{d("2026-03-31"): c.past}, OnTime: map[Date]int64{d("2026-03-31"): c.onTime}}
		if got := CountReturns([]Schedule{s}, map[string]ReturnStats{"s": many}, d("2026-07-21")); got.OnTimePercent == nil || *got.OnTimePercent != c.want {
			t.Errorf("%d of %d on time: %+v, want %v%%", c.onTime, c.past, got, c.want)
		}
	}
	if c := CountReturns([]Schedule{s}, map[string]ReturnStats{}, d("2026-07-21")); c.OnTimePercent != nil {
		t.Errorf("no returns past due, yet an on-time rate: %v", *c.OnTimePercent)
	}
	// The stats a return's life writes add up to those counts.
	var delta StatsDelta
	r := Return{PeriodEnd: d("2026-06-30"), DueDate: d("2026-07-20"), State: StateExpected}
	delta.Add(r, 1)
	filled, _ := r.Fill(Outcome{ID: "o", Status: OutcomePending, SubmittedAt: d("2026-07-01").Time()})
	ch := ReturnStatsChange(&r, filled)
	for k, v := range ch.Unsent {
		delta.Unsent[k] += v
	}
	for k, v := range ch.OnTime {
		delta.OnTime[k] += v
	}
	if delta.Unsent[r.PeriodEnd] != 0 || delta.OnTime[r.PeriodEnd] != 1 || ch.Submitted != 1 || ch.Expected[r.PeriodEnd] != 0 {
		t.Errorf("filling moved the stats by %+v", ch)
	}
}

// TestReturnStatsSeen: a caller's return counts cover the returns it may
// read (SPEC roles table, "read returns"): every project's for leads,
// administrators and funders (the schedules' own counts), a project
// lead's own projects' alone, summed when it leads several; a project it
// does not lead never counts, whatever the counts by project hold.
func TestReturnStatsSeen(t *testing.T) {
	end := d("2026-03-31")
	one := func(expected, unsent, onTime, submitted int64) ReturnStats {
		return ReturnStats{ScheduleID: "s", Expected: map[Date]int64{end: expected}, Unsent: map[Date]int64{end: unsent},
			OnTime: map[Date]int64{end: onTime}, Submitted: submitted}
	}
	bySchedule := map[string]ReturnStats{"s": one(3, 2, 1, 0)}
	byProject := map[string]map[string]ReturnStats{
		"a": {"s": one(1, 1, 0, 0)},
		"b": {"s": one(1, 1, 0, 0), "t": {ScheduleID: "t", Submitted: 2}},
		"c": {"s": one(1, 0, 1, 0)},
	}
	cases := []struct {
		name     string
		a        Access
		every    bool
		projects []string
		s        ReturnStats // schedule s as seen
		t        int64       // schedule t's submitted, as seen
	}{
		{"administrator", Access{Admin: true}, true, nil, one(3, 2, 1, 0), 0},
		{"lead", Access{Lead: true}, true, nil, one(3, 2, 1, 0), 0},
		{"funder", Access{Funders: map[string]bool{"x": true}}, true, nil, one(3, 2, 1, 0), 0},
		{"project lead and funder", Access{Projects: map[string]bool{"a": true}, Funders: map[string]bool{"x": true}}, true, nil, one(3, 2, 1, 0), 0},
		{"project lead of a", Access{Projects: map[string]bool{"a": true}}, false, []string{"a"}, one(1, 1, 0, 0), 0},
		{"project lead of c", Access{Projects: map[string]bool{"c": true}}, false, []string{"c"}, one(1, 0, 1, 0), 0},
		{"project lead of b and c", Access{Projects: map[string]bool{"c": true, "b": true}}, false, []string{"b", "c"}, one(2, 1, 1, 0), 2},
		{"project lead of a project with no returns", Access{Projects: map[string]bool{"d": true}}, false, []string{"d"}, ReturnStats{}, 0},
	}
	for _, c := range cases {
		if got := c.a.SeesEveryReturn(); got != c.every {
			t.Errorf("%s: sees every return %v, want %v", c.name, got, c.every)
		}
		if got := c.a.ReturnProjects(); !slices.Equal(got, c.projects) || (got == nil) != c.every {
			t.Errorf("%s: return projects %v, want %v", c.name, got, c.projects)
		}
		seen := c.a.ReturnStatsSeen(bySchedule, byProject)
		got := seen["s"]
		if got.Expected[end] != c.s.Expected[end] || got.Unsent[end] != c.s.Unsent[end] || got.OnTime[end] != c.s.OnTime[end] ||
			got.Submitted != c.s.Submitted || seen["t"].Submitted != c.t {
			t.Errorf("%s: sees %+v and t %+v, want %+v and %d awaiting review", c.name, got, seen["t"], c.s, c.t)
		}
	}
}

// TestReturnStatsOf: counting returns themselves gives what their running
// counts give, by project and schedule: the counts of a schedule made
// before they were kept by project.
func TestReturnStatsOf(t *testing.T) {
	sent := d("2026-04-10").Time()
	late := d("2026-05-10").Time()
	returns := []Return{
		{ScheduleID: "s", ProjectID: "a", PeriodEnd: d("2026-03-31"), DueDate: d("2026-04-20"), State: StateAccepted, SubmittedAt: &sent},
		{ScheduleID: "s", ProjectID: "a", PeriodEnd: d("2026-06-30"), DueDate: d("2026-07-20"), State: StateExpected},
		{ScheduleID: "s", ProjectID: "b", PeriodEnd: d("2026-03-31"), DueDate: d("2026-04-20"), State: StateSubmitted, SubmittedAt: &late, Late: true},
		{ScheduleID: "t", ProjectID: "b", PeriodEnd: d("2026-12-31"), DueDate: d("2027-01-20"), State: StateExpected},
	}
	got := ReturnStatsOf(returns)
	running := map[string]map[string]*StatsDelta{}
	for _, r := range returns {
		if running[r.ProjectID] == nil {
			running[r.ProjectID] = map[string]*StatsDelta{}
		}
		if running[r.ProjectID][r.ScheduleID] == nil {
			running[r.ProjectID][r.ScheduleID] = &StatsDelta{}
		}
		ch := ReturnStatsChange(nil, r)
		running[r.ProjectID][r.ScheduleID].Merge(ch)
	}
	if len(got) != 2 || len(got["a"]) != 1 || len(got["b"]) != 2 {
		t.Fatalf("counts %+v, want a's of s, b's of s and t", got)
	}
	for j, by := range running {
		for s, d := range by {
			st := got[j][s]
			if st.ScheduleID != s || !reflect.DeepEqual(st.Expected, d.Expected) || !reflect.DeepEqual(st.Unsent, d.Unsent) ||
				!reflect.DeepEqual(st.OnTime, d.OnTime) || st.Submitted != d.Submitted {
				t.Errorf("%s's counts of %s: %+v, want %+v", j, s, st, *d)
			}
		}
	}
	if a := got["a"]["s"]; a.Expected[d("2026-03-31")] != 1 || a.OnTime[d("2026-03-31")] != 1 || a.Unsent[d("2026-06-30")] != 1 {
		t.Errorf("a's counts %+v", a)
	}
	if b := got["b"]["s"]; b.Submitted != 1 || b.OnTime[d("2026-03-31")] != 0 || b.Unsent[d("2026-03-31")] != 0 {
		t.Errorf("b's counts %+v: its late return awaits review", b)
	}
}

func TestSubmissionFigures(t *testing.T) {
	x := Outcome{ID: "x", Counts: map[Metric]int64{MetricReferrals: 10}}
	// Without review a submission counts at once; a correction swaps.
	y := NewSubmission(Outcome{ID: "y"}, &x, false)
	if y.Status != OutcomeApproved || y.ReplacesApproved != "x" {
		t.Fatalf("correction without review: %+v", y)
	}
	fc := Submitting(y, &x, &x)
	if len(fc.Count) != 1 || len(fc.Uncount) != 1 || fc.Uncount[0].ID != "x" || len(fc.Pend) != 0 {
		t.Fatalf("correction without review moves %+v", fc)
	}
	// With review: pending, the approved figures stay counted.
	z := NewSubmission(Outcome{ID: "z"}, &x, true)
	fc = Submitting(z, &x, nil)
	if z.Status != OutcomePending || z.ReplacesApproved != "x" || len(fc.Count)+len(fc.Uncount) != 0 || len(fc.Pend) != 1 {
		t.Fatalf("correction with review: %+v moves %+v", z, fc)
	}
	// Correcting the pending correction takes it out of the pending figures
	// and keeps the approved one it waits to replace.
	w := NewSubmission(Outcome{ID: "w"}, &z, true)
	fc = Submitting(w, &z, nil)
	if w.ReplacesApproved != "x" || len(fc.Unpend) != 1 || fc.Unpend[0].ID != "z" || len(fc.Pend) != 1 {
		t.Fatalf("correction of a pending correction: %+v moves %+v", w, fc)
	}
	// Approving swaps; requesting changes counts nothing.
	fc = Reviewing(w, DecisionApprove, &x)
	if len(fc.Count) != 1 || fc.Count[0].ID != "w" || fc.Uncount[0].ID != "x" || fc.Unpend[0].ID != "w" {
		t.Fatalf("approval moves %+v", fc)
	}
	fc = Reviewing(w, DecisionRequestChanges, &x)
	if len(fc.Count)+len(fc.Uncount)+len(fc.Pend) != 0 || len(fc.Unpend) != 1 {
		t.Fatalf("request for changes moves %+v", fc)
	}
	// Legacy submissions (no status) are approved.
	if !(Outcome{}).Counted() {
		t.Error("a submission without a status is not counted")
	}
}

func TestReviewInputValidate(t *testing.T) {
	if err := (ReviewInput{Decision: DecisionApprove}).Validate(); err != nil {
		t.Errorf("approve without comment: %v", err)
	}
	for _, in := range []ReviewInput{{Decision: DecisionRequestChanges}, {Decision: DecisionRequestChanges, Comment: "  "}, {Decision: "maybe"}, {}} {
		if err := in.Validate(); err == nil {
			t.Errorf("%+v accepted", in)
		}
	}
	if err := (ReviewInput{Decision: DecisionRequestChanges, Comment: "Line one\nline two"}).Validate(); err != nil {
		t.Errorf("a multi-line comment refused: %v", err)
	}
}

// TestAsApprovedHidesTheReview: one who reads approved figures only (a
// funder) reads a submission's status and figures, never the leads' review
// of it (its comment and reviewer), as the return it fills hides it
// (Return.View); the submission itself is left as it was.
func TestAsApprovedHidesTheReview(t *testing.T) {
	rv := &Review{Decision: DecisionApprove, By: "lead@example.org", At: d("2026-08-01").Time(), Comment: "internal: staff flagged concerns"}
	o := Outcome{ID: "o2", Status: OutcomeApproved, Counts: map[Metric]int64{MetricReferrals: 4}, Review: rv}
	v := o.AsApproved()
	if v.Review != nil || v.Status != OutcomeApproved || v.Counts[MetricReferrals] != 4 {
		t.Errorf("a funder's view of an approved submission: %+v", v)
	}
	if o.Review != rv {
		t.Error("AsApproved changed the submission it was given")
	}
	// A correction of one never approved still names the approved one.
	c := Outcome{ID: "o3", Status: OutcomeApproved, Replaces: "o2b", ReplacesApproved: "o1", Review: rv}.AsApproved()
	if c.Review != nil || c.Replaces != "o1" {
		t.Errorf("a funder's view of a correction: %+v", c)
	}
}

// TestReminderNotAgainForADayCovered (audit W2): a reminder day on or
// before the day a reminder of the return went calls for nothing, however
// the reminders changed since; a later reminder day still does.
func TestReminderNotAgainForADayCovered(t *testing.T) {
	r := Return{ID: "r", PeriodEnd: d("2026-03-31"), DueDate: d("2026-04-20"), State: StateExpected, CreatedAt: d("2026-01-10").Time(),
		RemindedOn: d("2026-04-13")} // the 7-day reminder went
	for _, c := range []struct {
		reminders []int64
		today     string
		want      int64 // -1: none
	}{
		{[]int64{7, 1}, "2026-04-13", -1},
		{[]int64{8, 1}, "2026-04-13", -1}, // added the day after its day had passed
		{[]int64{10, 1}, "2026-04-15", -1},
		{[]int64{6, 1}, "2026-04-14", 6},
		{[]int64{7, 1}, "2026-04-19", 1},
		{[]int64{7, 1}, "2026-04-18", -1},
	} {
		n, ok := r.NoticeOn(Schedule{Reminders: c.reminders}, d(c.today))
		if c.want < 0 && ok || c.want >= 0 && (!ok || n.Kind != KindReminder || n.Reminder != c.want) {
			t.Errorf("reminders %v on %s: %+v %v, want %d", c.reminders, c.today, n, ok, c.want)
		}
	}
	if n, ok := r.NoticeOn(Schedule{Reminders: []int64{7, 1}}, d("2026-04-21")); !ok || n.Kind != KindOverdue {
		t.Errorf("reminded, then overdue: %+v %v", n, ok)
	}
}

// TestReminderNotBeforeItsPeriod (audit rep2 W3): a reminder set further
// ahead than the period and its dueDays (60 days before a monthly
// return due 20 days after its month) would fall before the month has
// begun; it waits for the month's first day, and is not sent for a
// period that has not begun. Two reminders both held so go as one, the
// nearer's; a reminder falling inside the period keeps its day.
func TestReminderNotBeforeItsPeriod(t *testing.T) {
	r := Return{ID: "r", PeriodStart: d("2026-03-01"), PeriodEnd: d("2026-03-31"), DueDate: d("2026-04-20"),
		State: StateExpected, CreatedAt: d("2026-01-05").Time()}
	s := Schedule{Reminders: []int64{60, 55, 7}}
	if got := r.ReminderDay(60); got != d("2026-03-01") {
		t.Errorf("60 days before 20 April (19 February) held until %s, want the period's first day", got)
	}
	if got := r.ReminderDay(7); got != d("2026-04-13") {
		t.Errorf("7-day reminder on %s, want 13 April", got)
	}
	for day := d("2026-01-05"); day.Before(r.PeriodStart); day = day.AddDays(1) {
		if n, ok := r.NoticeOn(s, day); ok {
			t.Fatalf("on %s, before March has begun: %+v", day, n)
		}
	}
	if got := r.NextCheck(s, r.FirstCheck()); got != d("2026-03-01") {
		t.Errorf("after the first look (%s) the next is %s, want 1 March", r.FirstCheck(), got)
	}
	if n, ok := r.NoticeOn(s, d("2026-03-01")); !ok || n.Kind != KindReminder || n.Reminder != 55 {
		t.Errorf("on 1 March: %+v %v, want the 55-day reminder (the nearer of the two held)", n, ok)
	}
	r.RemindedOn = d("2026-03-01")
	for day := d("2026-03-01"); day.Before(d("2026-04-13")); day = day.AddDays(1) {
		if n, ok := r.NoticeOn(s, day); ok {
			t.Errorf("reminded on 1 March, on %s: %+v", day, n)
		}
	}
	if got := r.NextCheck(s, d("2026-03-01")); got != d("2026-04-13") {
		t.Errorf("after 1 March the next look is %s, want the 7-day reminder's day", got)
	}
	if n, ok := r.NoticeOn(s, d("2026-04-13")); !ok || n.Reminder != 7 {
		t.Errorf("on 13 April: %+v %v, want the 7-day reminder", n, ok)
	}
	// The store conditions a reminder's claim on the same day.
	if got := ReminderDay(r.DueDate, r.PeriodStart, 60); got != r.ReminderDay(60) {
		t.Errorf("ReminderDay %s, Return.ReminderDay %s", got, r.ReminderDay(60))
	}
}
