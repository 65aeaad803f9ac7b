package service_test

// The reporting cycle's rules, against the in-memory fake: schedules and
// the returns they expect, every status a return passes through, review
// and sign-off (what counts, when, and for whom), and the races a lead's
// decision can meet. The store's own tests check the same against
// DynamoDB; these check the rules, in milliseconds.

import (
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// rclock is a clock the test moves.
type rclock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *rclock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *rclock) set(s string) {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// reportingWorld is the rule tests' world on a clock the test moves, at
// 2026-01-15 to start with.
func reportingWorld(t *testing.T) (*world, *rclock) {
	w := newWorld(t)
	c := &rclock{}
	c.set("2026-01-15T12:00:00Z")
	w.svc = service.New(w.st, c.now)
	return w, c
}

func quarterly2026(extra ...any) map[string]any {
	b := map[string]any{"name": "Quarterly returns", "frequency": "quarterly", "firstPeriodStart": "2026-01-01", "lastPeriodEnd": "2026-12-31"}
	for i := 0; i+1 < len(extra); i += 2 {
		b[extra[i].(string)] = extra[i+1]
	}
	return b
}

func returnsOf(t *testing.T, w *world, r role, q service.ReturnQuery) []domain.Return {
	t.Helper()
	var out []domain.Return
	p := service.Page{Limit: 3} // small pages: the merge of parts is paged through too
	for range 100 {
		items, next, err := w.open(r).ListReturns(q, p)
		if err != nil {
			t.Fatalf("ListReturns %+v as %s: %v", q, r, err)
		}
		if len(items) > p.Limit || (next != "" && len(items) != p.Limit) {
			t.Fatalf("a page of %d returns (limit %d), next %q", len(items), p.Limit, next)
		}
		out = append(out, items...)
		if next == "" {
			return out
		}
		p.Cursor = next
	}
	t.Fatal("the list never ended")
	return nil
}

func returnIDs(rs []domain.Return) []string {
	var out []string
	for _, r := range rs {
		out = append(out, r.ID)
	}
	slices.Sort(out)
	return out
}

func TestScheduleValidationNamesEveryFieldAndStoresNothing(t *testing.T) {
	w, _ := reportingWorld(t)
	noProject := domain.NewID()
	for _, c := range []struct {
		name   string
		body   map[string]any
		fields []string
	}{
		{"every field wrong", map[string]any{"name": "", "frequency": "fortnightly", "firstPeriodStart": "2026-01-02",
			"lastPeriodEnd": "2025-12-31", "dueDays": 91, "reminders": []int64{-1, 7, 7}, "projectIds": []string{"x"}},
			[]string{"name", "frequency", "firstPeriodStart", "dueDays", "reminders[0]", "reminders[2]", "projectIds[0]"}},
		{"a last period end that ends no period", quarterly2026("lastPeriodEnd", "2026-12-30"), []string{"lastPeriodEnd"}},
		{"more than ten years of months", quarterly2026("frequency", "monthly", "lastPeriodEnd", "2036-01-31"), []string{"lastPeriodEnd"}},
		{"a project not in the programme", quarterly2026("projectIds", []string{w.A, noProject}), []string{"projectIds[1]"}},
		{"no projects", quarterly2026("projectIds", []string{}), []string{"projectIds"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := w.st.Snapshot()
			_, err := w.open(lead).CreateSchedule(body(c.body))
			wantFields(t, c.name, err, c.fields...)
			if w.st.Snapshot() != before {
				t.Error("a refused schedule stored something")
			}
		})
	}
	before := w.st.Snapshot()
	_, err := w.open(lead).CreateSchedule(body(quarterly2026("name", "Returns for 943 476 5919")))
	wantCode(t, "a name holding an NHS number", err, domain.CodePersonalData)
	if w.st.Snapshot() != before {
		t.Error("a refused schedule stored something")
	}
}

// TestReturnStatuses walks returns through every status: upcoming while
// the period runs, open once it ends, overdue once past due with nothing
// sent; submitted (on time or late), changes requested, accepted; and,
// without review, accepted as soon as it is sent.
func TestReturnStatuses(t *testing.T) {
	w, clk := reportingWorld(t)
	s := must(w.open(lead).CreateSchedule(body(quarterly2026())))
	if s.DueDays != 20 || !slices.Equal(s.Reminders, []int64{7}) || s.Version != 1 {
		t.Fatalf("schedule defaults: %+v", s)
	}
	all := returnsOf(t, w, lead, service.ReturnQuery{})
	if len(all) != 8 {
		t.Fatalf("%d returns, want 2 projects × 4 quarters", len(all))
	}
	q := func(project, start string) string { return domain.ReturnID(s.ID, project, domain.MustDate(start)) }
	status := func(id string) domain.Return { return must(w.open(lead).Return(id)) }
	for _, r := range all {
		if r.Status != domain.ReturnUpcoming || r.DueDate != r.PeriodEnd.AddDays(20) {
			t.Errorf("on 2026-01-15: %+v", r)
		}
	}
	clk.set("2026-04-01T08:00:00Z")
	if st := status(q(w.A, "2026-01-01")).Status; st != domain.ReturnOpen {
		t.Errorf("Q1 the day after it ended: %s", st)
	}
	// Days turn at UK midnight: 23:59 and 00:00 British Summer Time.
	clk.set("2026-04-20T23:59:00+01:00")
	if st := status(q(w.A, "2026-01-01")).Status; st != domain.ReturnOpen {
		t.Errorf("Q1 on its due date: %s", st)
	}
	clk.set("2026-04-21T00:00:00+01:00")
	if st := status(q(w.A, "2026-01-01")).Status; st != domain.ReturnOverdue {
		t.Errorf("Q1 the day after its due date: %s", st)
	}
	// Without review a submission is accepted at once; this one is late.
	must(w.openA(admin).SubmitOutcome(body(map[string]any{"periodStart": "2026-01-01", "periodEnd": "2026-03-31", "counts": map[string]int{"referrals": 5}})))
	if r := status(q(w.A, "2026-01-01")); r.Status != domain.ReturnAccepted || !r.Late {
		t.Errorf("Q1 of A sent late without review: %+v", r)
	}
	// With review: B's Q1 (late), then changes, then corrected, then accepted.
	must(w.open(lead).UpdateProgramme(always, body(map[string]any{"reviewOutcomes": true})))
	sub := must(w.svc.OpenProject(w.ctx, caller(plOther), w.P, w.B).SubmitOutcome(body(map[string]any{"periodStart": "2026-01-01",
		"periodEnd": "2026-03-31", "counts": map[string]int{"referrals": 7}})))
	if r := status(q(w.B, "2026-01-01")); r.Status != domain.ReturnSubmitted || !r.Late || r.SubmissionID != sub.ID {
		t.Errorf("B's Q1 submitted: %+v", r)
	}
	openB := w.svc.OpenProject(w.ctx, caller(lead), w.P, w.B)
	must(openB.ReviewOutcome(sub.ID, body(map[string]any{"decision": "request-changes", "comment": "Please split referrals by source."})))
	if r := status(q(w.B, "2026-01-01")); r.Status != domain.ReturnChangesRequested || r.Review.Comment == "" {
		t.Errorf("B's Q1 after changes were asked for: %+v", r)
	}
	fixed := must(w.svc.OpenProject(w.ctx, caller(plOther), w.P, w.B).SubmitOutcome(body(map[string]any{"periodStart": "2026-01-01",
		"periodEnd": "2026-03-31", "counts": map[string]int{"referrals": 6}, "replaces": sub.ID})))
	if r := status(q(w.B, "2026-01-01")); r.Status != domain.ReturnSubmitted || r.Review != nil || r.SubmissionID != fixed.ID {
		t.Errorf("B's Q1 corrected: %+v", r)
	}
	must(w.svc.OpenProject(w.ctx, caller(lead), w.P, w.B).ReviewOutcome(fixed.ID, body(map[string]any{"decision": "approve"})))
	if r := status(q(w.B, "2026-01-01")); r.Status != domain.ReturnAccepted || !r.Late || r.Review.Decision != domain.DecisionApprove {
		t.Errorf("B's Q1 approved: %+v", r)
	}
	// On time: A's Q2, sent the day its period ends... is still upcoming
	// until then; sent in the open window it is submitted and not late.
	clk.set("2026-07-10T09:00:00Z")
	must(w.openA(plOwn).SubmitOutcome(body(map[string]any{"periodStart": "2026-04-01", "periodEnd": "2026-06-30", "counts": map[string]int{"referrals": 1}})))
	if r := status(q(w.A, "2026-04-01")); r.Status != domain.ReturnSubmitted || r.Late {
		t.Errorf("A's Q2 sent on time: %+v", r)
	}
	// A submission for another period fills nothing.
	must(w.openA(plOwn).SubmitOutcome(body(map[string]any{"periodStart": "2026-04-01", "periodEnd": "2026-05-31", "counts": map[string]int{"referrals": 1}})))
	if r := status(q(w.A, "2026-04-01")); r.SubmissionID == "" {
		t.Errorf("A's Q2 lost its submission: %+v", r)
	}
	// Every status filter lists exactly the returns StatusOn gives it.
	clk.set("2026-10-05T09:00:00Z")
	all = returnsOf(t, w, lead, service.ReturnQuery{})
	for _, st := range domain.ReturnStatuses {
		var want []string
		for _, r := range all {
			if r.Status == st {
				want = append(want, r.ID)
			}
		}
		slices.Sort(want)
		if got := returnIDs(returnsOf(t, w, lead, service.ReturnQuery{Status: st})); !slices.Equal(got, want) {
			t.Errorf("status %s: %v, want %v", st, got, want)
		}
	}
}

func TestReturnsFollowProjectsAndHistory(t *testing.T) {
	w, clk := reportingWorld(t)
	// OutcomeA (Q2 2025, submitted 2026-01-15) is there before the schedule.
	s := must(w.open(lead).CreateSchedule(body(map[string]any{"name": "2025", "frequency": "quarterly",
		"firstPeriodStart": "2025-01-01", "lastPeriodEnd": "2025-12-31", "projectIds": []string{w.A}})))
	every := must(w.open(lead).CreateSchedule(body(quarterly2026())))
	q2 := must(w.open(lead).Return(domain.ReturnID(s.ID, w.A, domain.MustDate("2025-04-01"))))
	if q2.Status != domain.ReturnAccepted || q2.SubmissionID != w.OutcomeA || !q2.Late {
		t.Errorf("a return filled from history: %+v", q2)
	}
	if n := len(returnsOf(t, w, lead, service.ReturnQuery{ScheduleID: s.ID})); n != 4 {
		t.Errorf("%d returns of a schedule naming one project, want 4", n)
	}
	// A project added later reports under the schedule of every project,
	// not under the one naming projects.
	clk.set("2026-02-01T09:00:00Z")
	c := must(w.open(lead).CreateProject(body(projectBody("Wakefield IPS"))))
	if n := len(returnsOf(t, w, lead, service.ReturnQuery{ProjectID: c.ID})); n != 4 {
		t.Errorf("%d returns of the new project, want 4 (the 2026 schedule's)", n)
	}
	if n := len(returnsOf(t, w, lead, service.ReturnQuery{ProjectID: c.ID, ScheduleID: every.ID, Status: domain.ReturnUpcoming})); n != 4 {
		t.Errorf("%d upcoming returns of the new project, want 4", n)
	}
	// A project lead lists its own project's returns; another project is
	// not there for it; a funder lists every project's statuses.
	for _, r := range returnsOf(t, w, plOwn, service.ReturnQuery{}) {
		if r.ProjectID != w.A {
			t.Errorf("project lead of A listed %+v", r)
		}
	}
	_, _, err := w.open(plOwn).ListReturns(service.ReturnQuery{ProjectID: w.B}, service.Page{})
	wantCode(t, "a project lead listing another project's returns", err, domain.CodeNotFound)
	_, _, err = w.open(lead).ListReturns(service.ReturnQuery{Status: "late", ProjectID: "x", ScheduleID: "y"}, service.Page{})
	wantFields(t, "a list with every parameter wrong", err, "status", "projectId", "scheduleId")
	// Ids that name none of the programme's projects or schedules: asked
	// for (the API's query) both are refused, naming each; a schedule id
	// is checked whoever passes it, a project id only when asked for
	// (audit-surface N5).
	none := domain.NewID()
	_, _, err = w.open(lead).ListReturns(service.ReturnQuery{ProjectID: none, ScheduleID: none, FromRequest: true}, service.Page{})
	wantFields(t, "a list of no project and no schedule", err, "projectId", "scheduleId")
	_, _, err = w.open(plOwn).ListReturns(service.ReturnQuery{ProjectID: none, FromRequest: true}, service.Page{})
	wantFields(t, "a project lead's list of no project", err, "projectId")
	_, _, err = w.open(funderOther).ListReturns(service.ReturnQuery{ScheduleID: none}, service.Page{})
	wantFields(t, "a list of no schedule", err, "scheduleId")
	if n := len(returnsOf(t, w, lead, service.ReturnQuery{ProjectID: c.ID, ScheduleID: every.ID, FromRequest: true})); n != 4 {
		t.Errorf("%d returns of the new project asked for, want 4", n)
	}
	if n := len(returnsOf(t, w, funderOther, service.ReturnQuery{})); n != 16 {
		t.Errorf("a funder lists %d returns, want all 16", n)
	}
}

func TestUpdateSchedule(t *testing.T) {
	w, _ := reportingWorld(t)
	s := must(w.open(lead).CreateSchedule(body(quarterly2026())))
	_, err := w.open(lead).UpdateSchedule(s.ID, version(1), body(map[string]any{"dueDays": 30, "frequency": "monthly", "lastPeriodEnd": "2026-09-29"}))
	wantFields(t, "changing what lays out the returns", err, "dueDays", "frequency", "lastPeriodEnd")
	_, err = w.open(lead).UpdateSchedule(s.ID, version(7), body(map[string]any{"name": "Q"}))
	wantCode(t, "a stale If-Match", err, domain.CodePreconditionFailed)
	// The projects run to the end of 2026: a schedule expects returns
	// only while they run, so they run on into 2027 first.
	for _, id := range []string{w.A, w.B} {
		must(w.open(lead).UpdateProject(id, always, body(map[string]any{"endDate": "2027-12-31"})))
	}
	got := must(w.open(lead).UpdateSchedule(s.ID, version(1), body(map[string]any{"name": "Quarters", "reminders": []int64{14, 7},
		"lastPeriodEnd": "2027-06-30", "dueDays": 20})))
	if got.Name != "Quarters" || got.Version != 2 || !slices.Equal(got.Reminders, []int64{14, 7}) {
		t.Errorf("schedule after the change: %+v", got)
	}
	if n := len(returnsOf(t, w, lead, service.ReturnQuery{ScheduleID: s.ID})); n != 12 {
		t.Errorf("%d returns after two more quarters, want 12", n)
	}
	// (Events of the same millisecond have no order between them: look
	// them up by action.)
	ev := byAction(mustList(w.open(lead).History(domain.Ref(domain.EntitySchedule, s.ID), service.Page{})))
	if len(ev) != 2 || ev[domain.ActionCreate].ID == "" || ev[domain.ActionChange].Changes["name"].After != "Quarters" {
		t.Errorf("schedule history: %+v", ev)
	}
}

func TestUpdateProgramme(t *testing.T) {
	w, _ := reportingWorld(t)
	p := must(w.open(lead).Programme())
	if p.Version != 1 || p.ReviewOutcomes {
		t.Fatalf("a new programme: %+v", p)
	}
	before := w.st.Snapshot()
	// (A reviewOutcomes that is not true or false is the decoder's to
	// name: the API's tests send one.)
	_, err := w.open(lead).UpdateProgramme(version(1), body(map[string]any{"name": "", "endDate": "2024-01-01"}))
	wantFields(t, "a programme change with every field wrong", err, "name", "endDate")
	_, err = w.open(lead).UpdateProgramme(version(3), body(map[string]any{"reviewOutcomes": true}))
	wantCode(t, "a stale If-Match", err, domain.CodePreconditionFailed)
	_, err = w.open(lead).UpdateProgramme(version(1), body(map[string]any{"description": "Call 07700 900123 for details"}))
	wantCode(t, "a description holding a phone number", err, domain.CodePersonalData)
	if w.st.Snapshot() != before {
		t.Error("a refused change stored something")
	}
	got := must(w.open(lead).UpdateProgramme(version(1), body(map[string]any{"reviewOutcomes": true})))
	if !got.ReviewOutcomes || got.Version != 2 || got.Name != p.Name {
		t.Errorf("after switching review on: %+v", got)
	}
	ev := byAction(mustList(w.open(lead).History(domain.Ref(domain.EntityProgramme, w.P), service.Page{})))
	if ev[domain.ActionChange].Changes["reviewOutcomes"].After != true || ev[domain.ActionChange].ActorEmail != emails[lead] {
		t.Errorf("the programme's history: %+v", ev)
	}
}

// TestReviewRefusalSaysTheCorrectionIsDecided: the review of a submission
// corrected since names its newest correction; while that awaits review
// the lead is sent to review it, and once it is sent back for changes too
// the refusal says so, that nothing awaits a decision, rather than asking
// for a review of it.
func TestReviewRefusalSaysTheCorrectionIsDecided(t *testing.T) {
	w, _ := reportingWorld(t)
	must(w.open(lead).UpdateProgramme(always, body(map[string]any{"reviewOutcomes": true})))
	q3 := map[string]any{"periodStart": "2025-07-01", "periodEnd": "2025-09-30", "counts": map[string]int{"referrals": 5}}
	a := must(w.openA(plOwn).SubmitOutcome(body(q3)))
	sendBack := body(map[string]any{"decision": "request-changes", "comment": "Split referrals by source."})
	must(w.openA(lead).ReviewOutcome(a.ID, sendBack))
	q3["counts"], q3["replaces"] = map[string]int{"referrals": 6}, a.ID
	c := must(w.openA(plOwn).SubmitOutcome(body(q3)))
	refusals := func() []error {
		rc := must(w.openA(lead).OutcomeToReview(a.ID))
		_, err := w.openA(lead).ReviewOutcome(a.ID, body(map[string]any{"decision": "approve"}))
		return []error{rc.Refusal(), err}
	}
	for _, err := range refusals() {
		if de := (*domain.Error)(nil); !errors.As(err, &de) || de.Code != domain.CodeConflict || de.Related == nil || de.Related.ID != c.ID ||
			de.Message != "that submission has already been corrected; review the newest one ("+c.ID+") instead" {
			t.Errorf("reviewing a submission whose correction awaits review: %v", err)
		}
	}
	must(w.openA(lead).ReviewOutcome(c.ID, body(map[string]any{"decision": "request-changes", "comment": "Still not split."})))
	for _, err := range refusals() {
		if de := (*domain.Error)(nil); !errors.As(err, &de) || de.Code != domain.CodeConflict || de.Related == nil || de.Related.ID != c.ID ||
			de.Message != "that submission has already been corrected, and its newest correction ("+c.ID+
				") has been sent back for changes: nothing awaits a decision until the project corrects it" {
			t.Errorf("reviewing a submission whose correction was sent back: %v", err)
		}
	}
}

// TestReviewCountsOnlyApprovedFigures: with review, a submission counts
// only once approved; a correction of an approved one leaves the approved
// figures counted until it is approved, then swaps them; changes
// requested count nothing; funders never see figures awaiting review.
func TestReviewCountsOnlyApprovedFigures(t *testing.T) {
	w, _ := reportingWorld(t)
	must(w.open(lead).UpdateProgramme(always, body(map[string]any{"reviewOutcomes": true})))
	totals := func() (int64, int64, int64) {
		pr := must(w.open(lead).Progress())
		return pr.Totals[domain.MetricReferrals], pr.Pending.Totals[domain.MetricReferrals], pr.Pending.Submissions
	}
	check := func(what string, counted, pending, n int64) {
		t.Helper()
		if c, p, k := totals(); c != counted || p != pending || k != n {
			t.Errorf("%s: counted %d, pending %d in %d submissions; want %d, %d in %d", what, c, p, k, counted, pending, n)
		}
	}
	check("at the start", 10, 0, 0) // OutcomeA, made before review
	q3 := map[string]any{"periodStart": "2025-07-01", "periodEnd": "2025-09-30", "counts": map[string]int{"referrals": 5}}
	a := must(w.openA(plOwn).SubmitOutcome(body(q3)))
	check("a submission awaiting review", 10, 5, 1)
	// Funders see none of it.
	fp := must(w.open(funderOwn).Progress())
	if fp.Pending != nil || fp.Returns != nil || fp.Totals[domain.MetricReferrals] != 10 {
		t.Errorf("a funder's progress: %+v %+v %d", fp.Pending, fp.Returns, fp.Totals[domain.MetricReferrals])
	}
	_, err := w.openA(funderOwn).Outcome(a.ID)
	wantCode(t, "a funder reading a submission awaiting review", err, domain.CodeNotFound)
	for _, o := range mustList(w.openA(funderOwn).ListOutcomes(service.Page{})) {
		if o.ID == a.ID {
			t.Error("a funder lists a submission awaiting review")
		}
	}
	// Bad reviews: refused, nothing stored.
	before := w.st.Snapshot()
	_, err = w.openA(lead).ReviewOutcome(a.ID, body(map[string]any{"decision": "request-changes"}))
	wantFields(t, "changes asked for without a comment", err, "comment")
	_, err = w.openA(lead).ReviewOutcome(a.ID, body(map[string]any{"decision": "reject"}))
	wantFields(t, "an unknown decision", err, "decision")
	_, err = w.openA(lead).ReviewOutcome(a.ID, body(map[string]any{"decision": "request-changes", "comment": "Check Jo's NHS number 943 476 5919"}))
	wantCode(t, "a comment holding an NHS number", err, domain.CodePersonalData)
	// The comment is emailed to the project lead: a titled name is refused
	// there too (audit sec31, finding 2).
	_, err = w.openA(lead).ReviewOutcome(a.ID, body(map[string]any{"decision": "request-changes", "comment": "Please fix. Mr John Smith"}))
	if de := wantCode(t, "a comment naming Mr John Smith", err, domain.CodePersonalData); de != nil && de.Fields["comment"] == "" {
		t.Errorf("a comment naming Mr John Smith: names %v, want comment", de.Fields)
	}
	_, err = w.openA(plOwn).ReviewOutcome(a.ID, body(map[string]any{"decision": "approve"}))
	wantCode(t, "a project lead approving its own submission", err, domain.CodeForbidden)
	if w.st.Snapshot() != before {
		t.Error("a refused review stored something")
	}
	// Changes requested: nothing counts, nothing pending.
	rv := must(w.openA(lead).ReviewOutcome(a.ID, body(map[string]any{"decision": "request-changes", "comment": "Referrals look high."})))
	if rv.Status != domain.OutcomeChangesRequested || rv.Review.By != emails[lead] {
		t.Errorf("after changes were asked for: %+v", rv)
	}
	check("changes requested", 10, 0, 0)
	_, err = w.openA(lead).ReviewOutcome(a.ID, body(map[string]any{"decision": "approve"}))
	wantCode(t, "approving a submission sent back for changes", err, domain.CodeConflict)
	// Corrected and approved: counts.
	b := must(w.openA(plOwn).SubmitOutcome(body(map[string]any{"periodStart": "2025-07-01", "periodEnd": "2025-09-30",
		"counts": map[string]int{"referrals": 4}, "replaces": a.ID})))
	check("the correction awaiting review", 10, 4, 1)
	must(w.openA(lead).ReviewOutcome(b.ID, body(map[string]any{"decision": "approve"})))
	check("the correction approved", 14, 0, 0)
	// The funder may read the approved correction and its history, but
	// not the figures it replaced, never approved, nor why they were sent
	// back.
	for _, ev := range mustList(w.openA(funderOwn).History(domain.ProjectRef(domain.EntityOutcome, w.A, b.ID), service.Page{})) {
		if ev.Action != domain.ActionCorrect {
			continue
		}
		for k, c := range ev.Changes {
			if c.Before != nil {
				t.Errorf("the funder reads %s of the submission corrected as %v", k, c.Before)
			}
		}
		if !sameJSON(ev.Changes["counts"].After, map[string]int{"referrals": 4}) || ev.Changes["review"].Before != nil {
			t.Errorf("the funder's history of the correction: %+v", ev.Changes)
		}
	}
	lh := byAction(mustList(w.openA(lead).History(domain.ProjectRef(domain.EntityOutcome, w.A, b.ID), service.Page{})))
	if c := lh[domain.ActionCorrect].Changes; !sameJSON(c["counts"].Before, map[string]int{"referrals": 5}) || c["review"].Before == nil {
		t.Errorf("the lead's history of the correction: %+v", c)
	}
	_, err = w.openA(lead).ReviewOutcome(b.ID, body(map[string]any{"decision": "approve"}))
	wantCode(t, "approving twice", err, domain.CodeConflict)
	// A correction of the approved one: the approved 4 stay counted until
	// the correction is approved, then 9 replaces them.
	c := must(w.openA(plOwn).SubmitOutcome(body(map[string]any{"periodStart": "2025-07-01", "periodEnd": "2025-09-30",
		"counts": map[string]int{"referrals": 8}, "replaces": b.ID})))
	if c.ReplacesApproved != b.ID {
		t.Errorf("the correction takes over from %q, want %s", c.ReplacesApproved, b.ID)
	}
	check("a correction of approved figures, awaiting review", 14, 8, 1)
	// Corrected again before review: the pending one leaves the queue.
	d := must(w.openA(plOwn).SubmitOutcome(body(map[string]any{"periodStart": "2025-07-01", "periodEnd": "2025-09-30",
		"counts": map[string]int{"referrals": 9}, "replaces": c.ID})))
	check("the pending correction corrected", 14, 9, 1)
	_, err = w.openA(lead).ReviewOutcome(c.ID, body(map[string]any{"decision": "approve"}))
	wantCode(t, "approving a submission corrected since", err, domain.CodeConflict)
	// The lead is told to review the correction, which the refusal names.
	if de := (*domain.Error)(nil); !errors.As(err, &de) || de.Related == nil || de.Related.ID != d.ID ||
		!strings.Contains(de.Message, "review the newest one ("+d.ID+")") {
		t.Errorf("approving a submission corrected since: %v", err)
	}
	if q := mustList(w.open(lead).ListPendingOutcomes(service.Page{})); len(q) != 1 || q[0].ID != d.ID {
		t.Errorf("the review queue: %+v", q)
	}
	must(w.openA(lead).ReviewOutcome(d.ID, body(map[string]any{"decision": "approve"})))
	check("the correction of the correction approved", 19, 0, 0)
	// Once the newest correction is decided, an old review link (the one
	// corrected, the approved one it corrected) says so and links to it,
	// rather than asking for a review of something already approved.
	for _, old := range []string{c.ID, b.ID} {
		rc := must(w.openA(lead).OutcomeToReview(old))
		_, err := w.openA(lead).ReviewOutcome(old, body(map[string]any{"decision": "approve"}))
		for _, err := range []error{rc.Refusal(), err} {
			wantCode(t, "reviewing a submission whose newest correction is approved", err, domain.CodeConflict)
			if de := (*domain.Error)(nil); !errors.As(err, &de) || de.Related == nil || de.Related.ID != d.ID ||
				de.Message != "that submission has already been corrected, and its newest correction ("+d.ID+") has been approved: nothing awaits a decision" {
				t.Errorf("reviewing %s, whose newest correction is approved: %v", old, err)
			}
		}
	}
	if q := mustList(w.open(lead).ListPendingOutcomes(service.Page{})); len(q) != 0 {
		t.Errorf("the review queue after every decision: %+v", q)
	}
	// A funder reads the approved ones only, each naming the approved one
	// it took over from (d replaced c, which the funder never sees, and
	// took over from b), so b shows as replaced beside d; the lead reads
	// the chain as it was made.
	fr := map[string]string{}
	for _, o := range mustList(w.openA(funderOwn).ListOutcomes(service.Page{})) {
		fr[o.ID] = o.Replaces
	}
	if _, ok := fr[b.ID]; fr[b.ID] != "" || !ok || fr[d.ID] != b.ID || must(w.openA(funderOwn).Outcome(d.ID)).Replaces != b.ID {
		t.Errorf("the funder reads the corrections as replacing %v; want b none, d b (%s)", fr, b.ID)
	}
	if got := must(w.openA(lead).Outcome(d.ID)).Replaces; got != c.ID {
		t.Errorf("the lead reads d as replacing %s, want c (%s)", got, c.ID)
	}
	// And the audit trail says who decided what.
	ev := byAction(mustList(w.openA(lead).History(domain.ProjectRef(domain.EntityOutcome, w.A, d.ID), service.Page{})))
	if rv := ev[domain.ActionReview]; len(ev) != 2 || rv.ActorEmail != emails[lead] || rv.Changes["status"].After != "approved" {
		t.Errorf("the submission's history: %+v", ev)
	}
}

// TestProjectLeadSeesItsOwnPendingFigures: a project lead's progress shows
// the figures awaiting review of its own project only (another project's
// submissions are not visible to it); a lead sees every project's. With
// one submission pending, the whole programme's figures would be exactly
// the other project's, unchecked.
func TestProjectLeadSeesItsOwnPendingFigures(t *testing.T) {
	w, _ := reportingWorld(t)
	must(w.open(lead).UpdateProgramme(always, body(map[string]any{"reviewOutcomes": true})))
	// A member who leads both projects sees both.
	both := "pl-both@example.org"
	must3(w.open(admin).PutMember(both, body(map[string]any{"roles": []domain.Role{
		{Role: domain.RoleProjectLead, ProjectID: w.A}, {Role: domain.RoleProjectLead, ProjectID: w.B}}})))
	pending := func(sc *service.Scope) (int64, int64, int64) {
		p := must(sc.Progress()).Pending
		return p.Submissions, p.Totals[domain.MetricReferrals], p.Totals[domain.MetricPeopleIntoWork]
	}
	check := func(what string, want map[string][3]int64) {
		t.Helper()
		for who, sc := range map[string]*service.Scope{"lead": w.open(lead), "A's project lead": w.open(plOwn),
			"B's project lead": w.open(plOther), "the lead of both": w.svc.Open(w.ctx, domain.Caller{Identity: domain.Identity{Subject: "sub-both", Email: both}}, w.P)} {
			if n, referrals, into := pending(sc); [3]int64{n, referrals, into} != want[who] {
				t.Errorf("%s, %s sees %d pending (referrals %d, into work %d), want %v", what, who, n, referrals, into, want[who])
			}
		}
	}
	q3 := func(scope *service.Scope, referrals, into int64) domain.Outcome {
		return must(scope.SubmitOutcome(body(map[string]any{"periodStart": "2025-07-01", "periodEnd": "2025-09-30",
			"counts": map[string]int64{"referrals": referrals, "peopleIntoWork": into}})))
	}
	b := q3(w.svc.OpenProject(w.ctx, caller(plOther), w.P, w.B), 3, 2)
	check("B's submission pending", map[string][3]int64{"lead": {1, 3, 2}, "A's project lead": {0, 0, 0},
		"B's project lead": {1, 3, 2}, "the lead of both": {1, 3, 2}})
	a := q3(w.openA(plOwn), 5, 1)
	check("one of each pending", map[string][3]int64{"lead": {2, 8, 3}, "A's project lead": {1, 5, 1},
		"B's project lead": {1, 3, 2}, "the lead of both": {2, 8, 3}})
	must(w.svc.OpenProject(w.ctx, caller(lead), w.P, w.B).ReviewOutcome(b.ID, body(map[string]any{"decision": "approve"})))
	must(w.openA(lead).ReviewOutcome(a.ID, body(map[string]any{"decision": "request-changes", "comment": "Please check referrals."})))
	check("both reviewed", map[string][3]int64{"lead": {}, "A's project lead": {}, "B's project lead": {}, "the lead of both": {}})
}

// race runs compete inside the next call of op, before it writes: the
// service then finds what it planned on changed, and plans again.
func race(w *world, op string, compete func()) {
	var once sync.Once
	w.st.Before = func(got string) error {
		if got == op {
			once.Do(func() {
				w.st.Before = nil
				compete()
			})
		}
		return nil
	}
}

// TestReviewRacesNeverDoubleCount: two leads approving at once, a lead
// approving while a correction arrives, a correction arriving while a
// lead approves: whichever writes first, the figures are counted once.
func TestReviewRacesNeverDoubleCount(t *testing.T) {
	setup := func(t *testing.T) (*world, domain.Outcome) {
		w, _ := reportingWorld(t)
		must(w.open(lead).UpdateProgramme(always, body(map[string]any{"reviewOutcomes": true})))
		pending := must(w.openA(plOwn).SubmitOutcome(body(map[string]any{"periodStart": "2025-07-01", "periodEnd": "2025-09-30",
			"counts": map[string]int{"referrals": 5}})))
		return w, pending
	}
	counted := func(w *world) (int64, int64) {
		pr := must(w.open(lead).Progress())
		return pr.Totals[domain.MetricReferrals], pr.Pending.Totals[domain.MetricReferrals]
	}
	approve := body(map[string]any{"decision": "approve"})

	t.Run("two leads approve", func(t *testing.T) {
		w, p := setup(t)
		var inner error
		race(w, "ReviewOutcome", func() { _, inner = w.openA(admin).ReviewOutcome(p.ID, approve) })
		_, outer := w.openA(lead).ReviewOutcome(p.ID, approve)
		if inner != nil || domain.ErrorCode(outer) != domain.CodeConflict {
			t.Errorf("first approval %v, second %v; want ok and conflict", inner, outer)
		}
		if c, pend := counted(w); c != 15 || pend != 0 {
			t.Errorf("counted %d, pending %d; want 15 and 0", c, pend)
		}
	})
	t.Run("a correction arrives while a lead approves", func(t *testing.T) {
		w, p := setup(t)
		var fix domain.Outcome
		var inner error
		race(w, "ReviewOutcome", func() {
			fix, inner = w.openA(plOwn).SubmitOutcome(body(map[string]any{"periodStart": "2025-07-01", "periodEnd": "2025-09-30",
				"counts": map[string]int{"referrals": 6}, "replaces": p.ID}))
		})
		_, outer := w.openA(lead).ReviewOutcome(p.ID, approve)
		var de *domain.Error
		if inner != nil || !errors.As(outer, &de) || de.Code != domain.CodeConflict || de.Related == nil || de.Related.ID != fix.ID {
			t.Errorf("correction %v, approval %v; want the approval refused, pointing at the correction", inner, outer)
		}
		if c, pend := counted(w); c != 10 || pend != 6 {
			t.Errorf("counted %d, pending %d; want 10 (nothing approved) and 6", c, pend)
		}
	})
	t.Run("a lead approves while a correction arrives", func(t *testing.T) {
		w, p := setup(t)
		var inner error
		race(w, "CreateOutcome", func() { _, inner = w.openA(lead).ReviewOutcome(p.ID, approve) })
		fix, outer := w.openA(plOwn).SubmitOutcome(body(map[string]any{"periodStart": "2025-07-01", "periodEnd": "2025-09-30",
			"counts": map[string]int{"referrals": 6}, "replaces": p.ID}))
		if inner != nil || outer != nil || fix.ReplacesApproved != p.ID {
			t.Fatalf("approval %v, correction %v (%+v)", inner, outer, fix)
		}
		if c, pend := counted(w); c != 15 || pend != 6 {
			t.Errorf("counted %d, pending %d; want 15 (the approved 5) and 6", c, pend)
		}
		must(w.openA(lead).ReviewOutcome(fix.ID, approve))
		if c, pend := counted(w); c != 16 || pend != 0 {
			t.Errorf("after the correction's approval: counted %d, pending %d; want 16 and 0", c, pend)
		}
	})
	t.Run("a schedule appears while a submission is planned", func(t *testing.T) {
		w, _ := setup(t)
		var s domain.Schedule
		race(w, "CreateOutcome", func() {
			s = must(w.open(lead).CreateSchedule(body(map[string]any{"name": "2025", "frequency": "quarterly",
				"firstPeriodStart": "2025-01-01", "lastPeriodEnd": "2025-12-31"})))
		})
		o := must(w.openB(plOther).SubmitOutcome(body(map[string]any{"periodStart": "2025-10-01", "periodEnd": "2025-12-31",
			"counts": map[string]int{"referrals": 2}})))
		r := must(w.open(lead).Return(domain.ReturnID(s.ID, w.B, domain.MustDate("2025-10-01"))))
		if r.SubmissionID != o.ID || r.Status != domain.ReturnSubmitted {
			t.Errorf("B's Q4 return after a submission planned before its schedule existed: %+v", r)
		}
	})
}

// byAction is a record's history by action (one event each).
func byAction(events []domain.AuditEvent) map[domain.Action]domain.AuditEvent {
	out := map[domain.Action]domain.AuditEvent{}
	for _, e := range events {
		out[e.Action] = e
	}
	return out
}

func (w *world) openB(r role) *service.Scope { return w.svc.OpenProject(w.ctx, caller(r), w.P, w.B) }

// sendReferral submits one referral for project's period start–end, as an
// administrator: the submission the return-count tests send their returns
// with.
func (w *world) sendReferral(project, start, end string) {
	must(w.svc.OpenProject(w.ctx, caller(admin), w.P, project).SubmitOutcome(body(map[string]any{"periodStart": start, "periodEnd": end,
		"counts": map[string]int{"referrals": 1}})))
}

func TestProgressReturnCounts(t *testing.T) {
	w, clk := reportingWorld(t)
	must(w.open(lead).CreateSchedule(body(quarterly2026())))
	clk.set("2026-04-10T09:00:00Z")
	w.sendReferral(w.A, "2026-01-01", "2026-03-31") // on time
	clk.set("2026-05-01T09:00:00Z")
	w.sendReferral(w.B, "2026-01-01", "2026-03-31") // late
	clk.set("2026-07-05T09:00:00Z")
	w.sendReferral(w.A, "2026-04-01", "2026-06-30") // on time; B's Q2 is open
	must(w.open(lead).UpdateProgramme(always, body(map[string]any{"reviewOutcomes": true})))
	clk.set("2026-07-25T09:00:00Z")
	w.sendReferral(w.B, "2026-04-01", "2026-06-30") // late, awaiting review
	clk.set("2026-10-25T09:00:00Z")                 // Q3 overdue for both
	// Past due: Q1 (2 sent, 1 on time), Q2 (2 sent, 1 on time), Q3 (none).
	// Each project lead counts its own project's returns alone: A's were
	// sent on time (Q1, Q2: two of three past due), B's late, one awaiting
	// review.
	for _, c := range []struct {
		who                     role
		due, overdue, submitted int64
		onTime                  float64
	}{
		{lead, 0, 2, 1, 33.3}, {funderOwn, 0, 2, 1, 33.3}, {plOwn, 0, 1, 0, 66.7}, {plOther, 0, 1, 1, 0},
	} {
		pr := must(w.open(c.who).Progress())
		if c.who == funderOwn {
			// Funders see no returns block: it sits beside pending figures.
			if pr.Returns != nil {
				t.Errorf("a funder's progress counts returns: %+v", pr.Returns)
			}
			continue
		}
		got := pr.Returns
		if got.Due != c.due || got.Overdue != c.overdue || got.Submitted != c.submitted || got.OnTimePercent == nil || *got.OnTimePercent != c.onTime {
			t.Errorf("%s's returns on 2026-10-25: %+v (on time %v), want due %d overdue %d submitted %d on time %v",
				c.who, got, got.OnTimePercent, c.due, c.overdue, c.submitted, c.onTime)
		}
	}
	clk.set("2026-10-15T09:00:00Z") // Q3 open for both
	c := must(w.open(lead).Progress()).Returns
	if c.Due != 2 || c.Overdue != 0 || *c.OnTimePercent != 50 {
		t.Errorf("returns on 2026-10-15: %+v (on time %v)", c, *c.OnTimePercent)
	}
	c = must(w.open(plOther).Progress()).Returns
	if c.Due != 1 || c.Overdue != 0 || c.Submitted != 1 || *c.OnTimePercent != 0 {
		t.Errorf("B's project lead's returns on 2026-10-15: %+v (on time %v)", c, *c.OnTimePercent)
	}
}

// TestCorrectionKeepsReturnAccepted: approved figures stand until a
// correction of them is approved, so their return stays accepted on them
// (for the funder, who reads statuses and approved figures, with the link
// to those figures) while the correction awaits review or is sent back;
// leads and the project lead see which correction is under way.
func TestCorrectionKeepsReturnAccepted(t *testing.T) {
	w, clk := reportingWorld(t)
	s := must(w.open(lead).CreateSchedule(body(quarterly2026())))
	must(w.open(lead).UpdateProgramme(always, body(map[string]any{"reviewOutcomes": true})))
	id := domain.ReturnID(s.ID, w.A, domain.MustDate("2026-01-01"))
	q1 := func(counts map[string]int, replaces string) map[string]any {
		b := map[string]any{"periodStart": "2026-01-01", "periodEnd": "2026-03-31", "counts": counts}
		if replaces != "" {
			b["replaces"] = replaces
		}
		return b
	}
	approve := body(map[string]any{"decision": "approve"})
	clk.set("2026-04-25T09:00:00Z") // late
	first := must(w.openA(plOwn).SubmitOutcome(body(q1(map[string]int{"peopleIntoWork": 3}, ""))))
	must(w.openA(lead).ReviewOutcome(first.ID, approve))
	clk.set("2026-06-01T09:00:00Z")
	fix := must(w.openA(plOwn).SubmitOutcome(body(q1(map[string]int{"peopleIntoWork": 50}, first.ID))))

	check := func(when, correction string, st domain.OutcomeStatus) {
		t.Helper()
		f := must(w.open(funderOwn).Return(id))
		if f.Status != domain.ReturnAccepted || f.SubmissionID != first.ID || f.Correction != nil || f.Review != nil || !f.Late {
			t.Errorf("%s, the funder sees %+v (correction %+v)", when, f, f.Correction)
		}
		for _, r := range []role{lead, plOwn} {
			got := must(w.open(r).Return(id))
			if got.Status != domain.ReturnAccepted || got.SubmissionID != first.ID || got.Correction == nil ||
				*got.Correction != (domain.ReturnCorrection{SubmissionID: correction, Status: st}) ||
				got.Review == nil || got.Review.Decision != domain.DecisionApprove || !got.Late ||
				!got.SubmittedAt.Equal(first.SubmittedAt) {
				t.Errorf("%s, %s sees %+v (correction %+v)", when, r, got, got.Correction)
			}
		}
		if ids := returnIDs(returnsOf(t, w, funderOwn, service.ReturnQuery{Status: domain.ReturnAccepted})); !slices.Contains(ids, id) {
			t.Errorf("%s, the funder's accepted returns %v lack it", when, ids)
		}
		if c := must(w.open(lead).Progress()).Returns; c.Submitted != 0 {
			t.Errorf("%s, %d returns awaiting review", when, c.Submitted)
		}
	}
	check("a correction awaiting review", fix.ID, domain.OutcomePending)
	if p := must(w.open(lead).Progress()); p.Pending.Submissions != 1 {
		t.Errorf("the correction is not among the pending submissions: %+v", p.Pending)
	}
	must(w.openA(lead).ReviewOutcome(fix.ID, body(map[string]any{"decision": "request-changes", "comment": "Too high surely"})))
	check("the correction sent back", fix.ID, domain.OutcomeChangesRequested)
	fix2 := must(w.openA(plOwn).SubmitOutcome(body(q1(map[string]int{"peopleIntoWork": 5}, fix.ID))))
	check("corrected again", fix2.ID, domain.OutcomePending)

	// Approved, the correction is what the return holds.
	must(w.openA(lead).ReviewOutcome(fix2.ID, approve))
	for _, r := range []role{funderOwn, lead} {
		got := must(w.open(r).Return(id))
		if got.Status != domain.ReturnAccepted || got.SubmissionID != fix2.ID || got.Correction != nil || !got.Late {
			t.Errorf("after the correction's approval %s sees %+v", r, got)
		}
	}
	// A correction of figures never approved moves the return as before.
	clk.set("2026-07-05T09:00:00Z")
	q2 := func(replaces string) map[string]any {
		b := map[string]any{"periodStart": "2026-04-01", "periodEnd": "2026-06-30", "counts": map[string]int{"referrals": 1}}
		if replaces != "" {
			b["replaces"] = replaces
		}
		return b
	}
	idQ2 := domain.ReturnID(s.ID, w.A, domain.MustDate("2026-04-01"))
	sent := must(w.openA(plOwn).SubmitOutcome(body(q2(""))))
	must(w.openA(lead).ReviewOutcome(sent.ID, body(map[string]any{"decision": "request-changes", "comment": "Split by source"})))
	again := must(w.openA(plOwn).SubmitOutcome(body(q2(sent.ID))))
	if got := must(w.open(lead).Return(idQ2)); got.Status != domain.ReturnSubmitted || got.SubmissionID != again.ID || got.Correction != nil {
		t.Errorf("a correction of figures sent back: %+v", got)
	}
}

// TestCorrectionSentBackIsToSend: an accepted return whose newest
// correction was sent back is among its project lead's returns to send
// (ReturnQuery.ToSend) and listed by ?correction=changes-requested, with
// its status still accepted; a new correction takes it out until that one
// is sent back too, and approval for good. Only those who may see
// corrections list them: another project's lead never sees it, a funder
// is refused.
func TestCorrectionSentBackIsToSend(t *testing.T) {
	w, clk := reportingWorld(t)
	s := must(w.open(lead).CreateSchedule(body(quarterly2026())))
	must(w.open(lead).UpdateProgramme(always, body(map[string]any{"reviewOutcomes": true})))
	q1A, q2A := domain.ReturnID(s.ID, w.A, domain.MustDate("2026-01-01")), domain.ReturnID(s.ID, w.A, domain.MustDate("2026-04-01"))
	q1B, q2B := domain.ReturnID(s.ID, w.B, domain.MustDate("2026-01-01")), domain.ReturnID(s.ID, w.B, domain.MustDate("2026-04-01"))
	q1 := func(n int, replaces string) service.Decoder {
		b := map[string]any{"periodStart": "2026-01-01", "periodEnd": "2026-03-31", "counts": map[string]int{"peopleIntoWork": n}}
		if replaces != "" {
			b["replaces"] = replaces
		}
		return body(b)
	}
	sendBack := body(map[string]any{"decision": "request-changes", "comment": "Check the count"})
	clk.set("2026-04-10T09:00:00Z")
	first := must(w.openA(plOwn).SubmitOutcome(q1(3, "")))
	must(w.openA(lead).ReviewOutcome(first.ID, body(map[string]any{"decision": "approve"})))
	clk.set("2026-07-05T09:00:00Z") // Q2 open, B's Q1 overdue
	toSend := service.ReturnQuery{ToSend: true}
	sentBack := service.ReturnQuery{Correction: domain.OutcomeChangesRequested}
	want := func(when string, r role, q service.ReturnQuery, ids ...string) {
		t.Helper()
		slices.Sort(ids)
		if got := returnIDs(returnsOf(t, w, r, q)); !slices.Equal(got, ids) {
			t.Errorf("%s, %s lists %+v: %v, want %v", when, r, q, got, ids)
		}
	}
	want("nothing corrected", plOwn, toSend, q2A)
	want("nothing corrected", plOwn, sentBack)

	fix := must(w.openA(plOwn).SubmitOutcome(q1(30, first.ID)))
	want("a correction awaiting review", plOwn, toSend, q2A)
	want("a correction awaiting review", lead, sentBack)

	must(w.openA(lead).ReviewOutcome(fix.ID, sendBack))
	for _, r := range []role{plOwn, lead} {
		want("the correction sent back", r, sentBack, q1A)
		want("the correction sent back", r, service.ReturnQuery{Correction: domain.OutcomeChangesRequested, Status: domain.ReturnAccepted, ProjectID: w.A}, q1A)
		want("the correction sent back", r, service.ReturnQuery{ToSend: true, ProjectID: w.A}, q1A, q2A)
		want("the correction sent back", r, service.ReturnQuery{Status: domain.ReturnAccepted}, q1A)
	}
	want("the correction sent back", plOwn, toSend, q1A, q2A)
	// Never overdue (nothing is sent for the notifier to chase): the
	// overdue returns and their count are B's Q1 alone.
	want("the correction sent back", lead, service.ReturnQuery{Status: domain.ReturnOverdue}, q1B)
	if c := must(w.open(lead).Progress()).Returns; c.Overdue != 1 || c.Submitted != 0 {
		t.Errorf("the correction sent back: progress counts %+v", c)
	}
	if got := returnsOf(t, w, plOwn, sentBack); len(got) != 1 || got[0].Status != domain.ReturnAccepted || got[0].SubmissionID != first.ID ||
		got[0].Correction == nil || *got[0].Correction != (domain.ReturnCorrection{SubmissionID: fix.ID, Status: domain.OutcomeChangesRequested}) {
		t.Errorf("the return whose correction was sent back, as listed: %+v", got)
	}
	// Another project's lead lists its own; a funder sees statuses only.
	want("the correction sent back", plOther, toSend, q1B, q2B)
	want("the correction sent back", plOther, sentBack)
	wantCode(t, "another project's lead asking for A's corrections", mustErr(w.open(plOther).ListReturns(
		service.ReturnQuery{Correction: domain.OutcomeChangesRequested, ProjectID: w.A}, service.Page{})), domain.CodeNotFound)
	for _, q := range []service.ReturnQuery{sentBack, {Correction: domain.OutcomeChangesRequested, ProjectID: w.A}, toSend} {
		wantCode(t, "a funder asking for corrections", mustErr(w.open(funderOwn).ListReturns(q, service.Page{})), domain.CodeForbidden)
	}
	want("the correction sent back", funderOwn, service.ReturnQuery{Status: domain.ReturnAccepted, ProjectID: w.A}, q1A)
	if f := must(w.open(funderOwn).Return(q1A)); f.Correction != nil || f.Status != domain.ReturnAccepted {
		t.Errorf("the funder reads %+v", f)
	}
	for _, c := range []struct {
		q     service.ReturnQuery
		field string
	}{
		{service.ReturnQuery{Correction: domain.OutcomePending}, "correction"},
		{service.ReturnQuery{Correction: domain.OutcomeChangesRequested, Status: domain.ReturnOpen}, "correction"},
		{service.ReturnQuery{ToSend: true, Status: domain.ReturnOverdue}, "status"},
		// A filter the request gave empty is named, not read as no filter.
		{service.ReturnQuery{Blank: []string{"projectId"}}, "projectId"},
	} {
		q := c.q
		e := wantCode(t, "listing "+string(q.Correction)+string(q.Status), mustErr(w.open(lead).ListReturns(q, service.Page{})), domain.CodeValidation)
		if e.Fields[c.field] == "" {
			t.Errorf("%+v: %v does not name %s", q, e.Fields, c.field)
		}
	}

	// Corrected again: nothing to send until that is sent back too.
	fix2 := must(w.openA(plOwn).SubmitOutcome(q1(5, fix.ID)))
	want("corrected again", plOwn, toSend, q2A)
	want("corrected again", lead, sentBack)
	want("corrected again", lead, service.ReturnQuery{Status: domain.ReturnAccepted}, q1A)
	must(w.openA(lead).ReviewOutcome(fix2.ID, sendBack))
	want("sent back again", plOwn, toSend, q1A, q2A)
	want("sent back again", lead, sentBack, q1A)

	// Approved: gone for good, still accepted.
	fix3 := must(w.openA(plOwn).SubmitOutcome(q1(4, fix2.ID)))
	must(w.openA(lead).ReviewOutcome(fix3.ID, body(map[string]any{"decision": "approve"})))
	want("approved", plOwn, toSend, q2A)
	want("approved", lead, sentBack)
	want("approved", lead, service.ReturnQuery{Status: domain.ReturnAccepted}, q1A)
	if r := must(w.open(lead).Return(q1A)); r.Status != domain.ReturnAccepted || r.SubmissionID != fix3.ID || r.Correction != nil {
		t.Errorf("approved: %+v", r)
	}
}

func mustErr[T any](_ T, _ string, err error) error { return err }

// TestFundersReadNoReview: funders read a submission's status and approved
// figures (SPEC, reporting cycle), not the leads' review of it: neither
// the comment nor who decided, on the submission, in its list, in its
// history, nor on the return it fills. The project's own leads and the
// programme's leads read the review everywhere (audit W2).
func TestFundersReadNoReview(t *testing.T) {
	w, clk := reportingWorld(t)
	s := must(w.open(lead).CreateSchedule(body(quarterly2026())))
	must(w.open(lead).UpdateProgramme(always, body(map[string]any{"reviewOutcomes": true})))
	clk.set("2026-04-02T09:00:00Z")
	sub := must(w.openA(plOwn).SubmitOutcome(body(map[string]any{"periodStart": "2026-01-01", "periodEnd": "2026-03-31",
		"counts": map[string]int{"referrals": 5}})))
	const comment = "Approved, but staff flagged concerns - internal"
	must(w.openA(lead).ReviewOutcome(sub.ID, body(map[string]any{"decision": "approve", "comment": comment})))
	// A correction of the approved one, approved too: its event holds the
	// review of the one it corrected.
	fix := must(w.openA(plOwn).SubmitOutcome(body(map[string]any{"periodStart": "2026-01-01", "periodEnd": "2026-03-31",
		"counts": map[string]int{"referrals": 6}, "replaces": sub.ID})))
	must(w.openA(lead).ReviewOutcome(fix.ID, body(map[string]any{"decision": "approve", "comment": comment})))
	rid := domain.ReturnID(s.ID, w.A, domain.MustDate("2026-01-01"))
	for _, r := range []role{admin, lead, plOwn, funderOwn, funderOther} {
		hidden := r == funderOwn || r == funderOther
		for _, id := range []string{sub.ID, fix.ID} {
			o := must(w.openA(r).Outcome(id))
			if (o.Review == nil) != hidden || (!hidden && (o.Review.Comment != comment || o.Review.By != emails[lead])) {
				t.Errorf("%s reads submission %s with review %+v", r, id, o.Review)
			}
			if o.Status != domain.OutcomeApproved {
				t.Errorf("%s reads submission %s as %s", r, id, o.Status)
			}
			reviewed, corrected := false, false
			for _, ev := range mustList(w.openA(r).History(domain.ProjectRef(domain.EntityOutcome, w.A, id), service.Page{})) {
				corrected = corrected || ev.Action == domain.ActionCorrect
				_, has := ev.Changes["review"]
				if hidden && has {
					t.Errorf("%s reads the %s event of %s with review %v", r, ev.Action, id, ev.Changes["review"])
				}
				if ev.Action == domain.ActionCorrect && !hidden && !has {
					t.Errorf("%s reads the correction's event without the review of the one it corrected: %+v", r, ev.Changes)
				}
				if ev.Action != domain.ActionReview {
					continue
				}
				if !hidden && !has {
					t.Errorf("%s reads the review of %s without it: %+v", r, id, ev.Changes)
				}
				reviewed = true
				if c := ev.Changes["status"]; c.After != string(domain.OutcomeApproved) {
					t.Errorf("%s reads the review of %s without its status: %+v", r, id, ev.Changes)
				}
				if by := ev.ActorEmail + ev.ActorSubject; (by == "") != hidden || (!hidden && ev.ActorEmail != emails[lead]) {
					t.Errorf("%s reads the review of %s as made by %q (%q)", r, id, ev.ActorEmail, ev.ActorSubject)
				}
			}
			if !reviewed || corrected != (id == fix.ID) {
				t.Errorf("%s reads the events of %s: reviewed %v, corrected %v", r, id, reviewed, corrected)
			}
		}
		listed := 0
		for _, o := range mustList(w.openA(r).ListOutcomes(service.Page{})) {
			if o.ID != sub.ID && o.ID != fix.ID {
				continue // the world's own, made before review
			}
			listed++
			if (o.Review == nil) != hidden {
				t.Errorf("%s lists submission %s with review %+v", r, o.ID, o.Review)
			}
		}
		if listed != 2 {
			t.Errorf("%s lists %d of the two submissions", r, listed)
		}
		if rt := must(w.open(r).Return(rid)); (rt.Review == nil) != hidden {
			t.Errorf("%s reads the return with review %+v", r, rt.Review)
		}
	}
}
