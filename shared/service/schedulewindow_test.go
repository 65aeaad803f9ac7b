package service_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// The world's programme runs 2025-01-01 to 2027-12-31; reportingWorld's
// clock is 2026-01-15.

// TestScheduleWithinTheProgramme: a schedule's periods must each overlap
// the programme's dates, since figures for a period outside them are
// refused and its returns could never be sent (audit-reporting D1).
func TestScheduleWithinTheProgramme(t *testing.T) {
	w, _ := reportingWorld(t)
	sc := w.open(lead)
	for name, c := range map[string]struct {
		body  map[string]any
		field string
	}{
		"a first period before the start": {map[string]any{"frequency": "monthly", "firstPeriodStart": "2024-11-01", "lastPeriodEnd": "2025-03-31"}, "firstPeriodStart"},
		"every period before the start":   {map[string]any{"frequency": "monthly", "firstPeriodStart": "2024-01-01", "lastPeriodEnd": "2024-01-31"}, "firstPeriodStart"},
		"a last period after the end":     {map[string]any{"frequency": "monthly", "firstPeriodStart": "2027-10-01", "lastPeriodEnd": "2028-03-31"}, "lastPeriodEnd"},
		"yearly, a second year after":     {map[string]any{"frequency": "yearly", "firstPeriodStart": "2027-03-01", "lastPeriodEnd": "2029-02-28"}, "lastPeriodEnd"},
	} {
		c.body["name"] = "Outside"
		_, err := sc.CreateSchedule(body(c.body))
		wantFields(t, name, err, c.field)
	}
	if n := len(mustList(sc.ListSchedules(service.Page{}))); n != 0 {
		t.Fatalf("%d schedules stored after refusals", n)
	}
	// A period that overlaps the dates can be filled: accepted.
	for _, b := range []map[string]any{
		{"name": "Overlapping the end", "frequency": "yearly", "firstPeriodStart": "2027-03-01", "lastPeriodEnd": "2028-02-29"},
		{"name": "Overlapping the start", "frequency": "quarterly", "firstPeriodStart": "2024-12-01", "lastPeriodEnd": "2025-02-28"},
	} {
		must(sc.CreateSchedule(body(b)))
	}
	s := must(sc.CreateSchedule(body(quarterly2026())))
	_, err := sc.UpdateSchedule(s.ID, always, body(map[string]any{"lastPeriodEnd": "2028-03-31"}))
	if why, want := fieldProblem(t, "a last period moved past the end", err, "lastPeriodEnd"), "no later than 2027-12-31"; !strings.Contains(why, want) {
		t.Errorf("lastPeriodEnd: %q, want it to say %q", why, want)
	}
	if got := must(sc.UpdateSchedule(s.ID, always, body(map[string]any{"lastPeriodEnd": "2027-12-31"}))); got.LastPeriodEnd.String() != "2027-12-31" {
		t.Errorf("moved to the programme's end: %s", got.LastPeriodEnd)
	}
}

// fieldProblem is what a validation error says of one field, which it
// must name alone.
func fieldProblem(t *testing.T, what string, err error, field string) string {
	t.Helper()
	wantFields(t, what, err, field)
	var de *domain.Error
	if errors.As(err, &de) {
		return de.Fields[field]
	}
	return ""
}

// TestProgrammeDatesKeepTheirSchedules: the programme's dates may not
// narrow past a schedule's periods; widening is never refused.
func TestProgrammeDatesKeepTheirSchedules(t *testing.T) {
	w, _ := reportingWorld(t)
	sc := w.open(lead)
	must(sc.CreateSchedule(body(quarterly2026("name", "Q", "lastPeriodEnd", "2027-06-30"))))
	_, err := sc.UpdateProgramme(always, body(map[string]any{"startDate": "2026-04-01"}))
	wantFields(t, "a start after the first period ends", err, "startDate")
	_, err = sc.UpdateProgramme(always, body(map[string]any{"endDate": "2027-03-31"}))
	wantFields(t, "an end before the last period starts", err, "endDate")
	// Within both: the first period (Jan–Mar 2026) and the last (Apr–Jun 2027) still overlap.
	p := must(sc.UpdateProgramme(always, body(map[string]any{"startDate": "2026-03-31", "endDate": "2027-04-01"})))
	if p.StartDate.String() != "2026-03-31" || p.EndDate.String() != "2027-04-01" {
		t.Errorf("dates: %s to %s", p.StartDate, p.EndDate)
	}
	must(sc.UpdateProgramme(always, body(map[string]any{"startDate": "2024-01-01", "endDate": "2029-12-31"})))
}

// TestScheduleDatesRaces: a schedule made or extended while the
// programme's dates are narrowed cannot end up outside them.
func TestScheduleDatesRaces(t *testing.T) {
	t.Parallel()
	narrowing := func(w *world) error {
		_, err := w.open(lead).UpdateProgramme(always, body(map[string]any{"endDate": "2026-12-31"}))
		return err
	}
	late := map[string]any{"name": "Late", "frequency": "quarterly", "firstPeriodStart": "2027-01-01", "lastPeriodEnd": "2027-06-30"}
	held := func(t *testing.T, w *world) {
		p := must(w.open(lead).Programme())
		for _, s := range mustList(w.open(lead).ListSchedules(service.Page{Limit: 100})) {
			if err := s.CheckWithin(p); err != nil {
				t.Errorf("schedule %s (%s to %s) outside the programme (%s to %s): %v", s.Name, s.FirstPeriodStart, s.LastPeriodEnd, p.StartDate, p.EndDate, err)
			}
		}
	}
	extend := func(w *world) error {
		_, err := w.open(lead).UpdateSchedule(w.Schedule, always, body(map[string]any{"lastPeriodEnd": "2027-06-30"}))
		return err
	}
	runRaces(t, []raceCase{
		{name: "narrowing, a schedule made meanwhile", op: "UpdateProgramme", mine: narrowing, held: held,
			theirs: func(w *world) error { _, err := w.open(admin).CreateSchedule(body(late)); return err }},
		{name: "narrowing, a schedule extended meanwhile", op: "UpdateProgramme", mine: narrowing, held: held,
			setup: func(w *world) { w.addReporting() }, theirs: extend},
		{name: "making a schedule, the dates narrowed meanwhile", op: "CreateSchedule", theirs: narrowing, held: held,
			says: "the programme's dates were changed",
			mine: func(w *world) error { _, err := w.open(lead).CreateSchedule(body(late)); return err }},
		{name: "extending a schedule, the dates narrowed meanwhile", op: "UpdateSchedule", theirs: narrowing, held: held,
			says: "the programme's dates were changed", setup: func(w *world) { w.addReporting() }, mine: extend},
	})
}

// TestScheduleEndsEarlier: a schedule's last period may move earlier
// (audit-reporting W1), removing the returns of the periods it no longer
// has, none of which was sent: they leave the lists, the counts and the
// notifier's index, and the change is in the schedule's history.
func TestScheduleEndsEarlier(t *testing.T) {
	w, _ := reportingWorld(t)
	sc := w.open(lead)
	s := must(sc.CreateSchedule(body(map[string]any{"name": "By mistake", "frequency": "monthly", "firstPeriodStart": "2025-07-01",
		"lastPeriodEnd": "2026-06-30", "dueDays": 10})))
	overdue := func() int64 { return must(sc.Progress()).Returns.Overdue }
	if n := len(returnsOf(t, w, lead, service.ReturnQuery{ScheduleID: s.ID})); n != 24 {
		t.Fatalf("%d returns, want 24 (12 months, 2 projects)", n)
	}
	// Figures sent for November 2025 by project A: the last period may
	// not move before it.
	must(w.openA(lead).SubmitOutcome(body(map[string]any{"periodStart": "2025-11-01", "periodEnd": "2025-11-30", "counts": map[string]int{"referrals": 1}})))
	before := overdue()
	_, err := sc.UpdateSchedule(s.ID, version(1), body(map[string]any{"lastPeriodEnd": "2025-10-31"}))
	if why := fieldProblem(t, "moving before a sent return", err, "lastPeriodEnd"); !strings.Contains(why, "must not be before 2025-11-30") {
		t.Errorf("lastPeriodEnd: %q", why)
	}
	// A payment waiting on a return of December 2025.
	dec := domain.ReturnID(s.ID, w.B, domain.MustDate("2025-12-01"))
	pay := must(w.open(lead).CreatePayment(w.GYB, body(map[string]any{"amountPence": 100_00, "trigger": map[string]any{"kind": "return", "returnId": dec}})))
	_, err = sc.UpdateSchedule(s.ID, version(1), body(map[string]any{"lastPeriodEnd": "2025-11-30"}))
	if why := fieldProblem(t, "moving before a return a payment waits on", err, "lastPeriodEnd"); !strings.Contains(why, "cancel that payment first") {
		t.Errorf("lastPeriodEnd: %q", why)
	}
	must(w.open(lead).UpdatePayment(w.GYB, pay.ID, always, body(map[string]any{"status": "cancelled"})))

	got := must(sc.UpdateSchedule(s.ID, version(1), body(map[string]any{"lastPeriodEnd": "2025-11-30"})))
	if got.LastPeriodEnd.String() != "2025-11-30" || got.Version != 2 {
		t.Fatalf("schedule after moving back: %+v", got)
	}
	left := returnsOf(t, w, lead, service.ReturnQuery{ScheduleID: s.ID})
	if len(left) != 10 {
		t.Errorf("%d returns after moving back to November 2025, want 10", len(left))
	}
	for _, r := range left {
		if r.PeriodEnd.After(got.LastPeriodEnd) {
			t.Errorf("return %s of a period after the schedule's end", r.ID)
		}
	}
	// December 2025 (due 2026-01-10) was overdue for both projects: no more.
	if o := overdue(); o != before-2 {
		t.Errorf("overdue %d after moving back, want %d", o, before-2)
	}
	g := &service.Get{Ref: domain.Ref(domain.EntityReturn, dec)}
	if err := w.st.Read(w.ctx, w.P, g); err != nil || g.Found {
		t.Errorf("removed return still stored (%v): the notifier would still find it", err)
	}
	ev := byAction(mustList(sc.History(domain.Ref(domain.EntitySchedule, s.ID), service.Page{})))
	if c := ev[domain.ActionChange].Changes["lastPeriodEnd"]; c.After != "2025-11-30" {
		t.Errorf("history of the change: %+v", ev[domain.ActionChange])
	}
	// And later again: the returns come back, expected.
	must(sc.UpdateSchedule(s.ID, version(2), body(map[string]any{"lastPeriodEnd": "2026-01-31"})))
	if n := len(returnsOf(t, w, lead, service.ReturnQuery{ScheduleID: s.ID})); n != 14 {
		t.Errorf("%d returns after moving on to January 2026, want 14", n)
	}
	if o := overdue(); o != before {
		t.Errorf("overdue %d after moving on again, want %d", o, before)
	}
}

// TestScheduleEndsEarlierRace: a return filled while the last period is
// moved back before it is not removed: the change plans again and is
// refused as sent.
func TestScheduleEndsEarlierRace(t *testing.T) {
	w, c := reportingWorld(t)
	c.set("2026-10-15T12:00:00Z")
	sc := w.open(lead)
	s := must(sc.CreateSchedule(body(quarterly2026("lastPeriodEnd", "2026-12-31"))))
	raced := false
	w.st.Before = func(op string) error {
		if op == "UpdateSchedule" && !raced {
			raced = true
			must(w.openA(lead).SubmitOutcome(body(map[string]any{"periodStart": "2026-07-01", "periodEnd": "2026-09-30", "counts": map[string]int{"referrals": 1}})))
		}
		return nil
	}
	_, err := sc.UpdateSchedule(s.ID, version(1), body(map[string]any{"lastPeriodEnd": "2026-06-30"}))
	w.st.Before = nil
	if !raced {
		t.Fatal("the race never happened")
	}
	wantFields(t, "moving back past a return filled meanwhile", err, "lastPeriodEnd")
	r := must(sc.Return(domain.ReturnID(s.ID, w.A, domain.MustDate("2026-07-01"))))
	if r.Status != domain.ReturnSubmitted && r.Status != domain.ReturnAccepted {
		t.Errorf("the filled return: %s", r.Status)
	}
}
