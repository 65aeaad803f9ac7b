package service_test

import (
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// monthly is a monthly schedule of every project from July 2025 to June
// 2026, due ten days after each month: on the reporting world's day
// (2026-01-15) July to November 2025 are overdue.
func monthly(name, first, last string) map[string]any {
	return map[string]any{"name": name, "frequency": "monthly", "firstPeriodStart": first, "lastPeriodEnd": last, "dueDays": 10}
}

func datedProject(name, start, end string) map[string]any {
	b := projectBody(name)
	b["startDate"], b["endDate"] = start, end
	return b
}

func periodBody(start, end string) map[string]any {
	return map[string]any{"periodStart": start, "periodEnd": end, "counts": map[string]int{"referrals": 1}}
}

// TestProjectReturnsOnlyWhileItRuns: a schedule expects a return of a
// project only for the periods its dates overlap (audit-reporting W4): a
// project starting later owes nothing, overdue least of all, for the
// periods before, nor one that has ended for those after; figures sent
// for such a period are taken and fill no return.
func TestProjectReturnsOnlyWhileItRuns(t *testing.T) {
	w, _ := reportingWorld(t)
	sc := w.open(lead)
	s := must(sc.CreateSchedule(body(monthly("Monthly", "2025-07-01", "2026-06-30"))))
	overdue := func() int64 { return must(sc.Progress()).Returns.Overdue }
	before := overdue()
	late := must(sc.CreateProject(body(datedProject("Wakefield IPS", "2026-03-01", "2026-12-31"))))
	rs := returnsOf(t, w, lead, service.ReturnQuery{ProjectID: late.ID})
	if len(rs) != 4 || rs[0].PeriodStart.String() != "2026-03-01" {
		t.Errorf("a project starting in March 2026 has %d returns, want March to June 2026", len(rs))
	}
	ended := must(sc.CreateProject(body(datedProject("Hull IPS", "2025-01-01", "2025-09-15"))))
	rs = returnsOf(t, w, lead, service.ReturnQuery{ProjectID: ended.ID})
	if len(rs) != 3 || rs[2].PeriodEnd.String() != "2025-09-30" {
		t.Errorf("a project ending in September 2025 has %d returns, want July to September 2025", len(rs))
	}
	if o := overdue(); o != before+3 {
		t.Errorf("overdue %d, want %d: the late project's none, the ended one's three", o, before+3)
	}
	for _, r := range returnsOf(t, w, lead, service.ReturnQuery{Status: domain.ReturnOverdue}) {
		if r.ProjectID == late.ID {
			t.Errorf("overdue return %s of a project not started", r.ID)
		}
	}
	// Figures for a period before its start are taken, and fill no return.
	must(w.svc.OpenProject(w.ctx, caller(lead), w.P, late.ID).SubmitOutcome(body(periodBody("2025-11-01", "2025-11-30"))))
	g := &service.Get{Ref: domain.Ref(domain.EntityReturn, domain.ReturnID(s.ID, late.ID, domain.MustDate("2025-11-01")))}
	if err := w.st.Read(w.ctx, w.P, g); err != nil || g.Found {
		t.Errorf("a submission before the project's start made a return (%v)", err)
	}
}

// TestProjectDatesMoveItsReturns: new dates of a project widen or narrow
// the returns expected of it. Narrowing removes the returns of the periods
// it no longer runs during, each unsent, and is refused, naming the date
// and how far it may move, when figures were sent for one or a payment
// waits on one; widening writes the newly covered periods' returns, filled
// by any figures sent for them meanwhile.
func TestProjectDatesMoveItsReturns(t *testing.T) {
	w, _ := reportingWorld(t)
	sc := w.open(lead)
	s := must(sc.CreateSchedule(body(monthly("Monthly", "2025-07-01", "2026-06-30"))))
	j := must(sc.CreateProject(body(datedProject("Wakefield IPS", "2025-01-01", "2026-12-31")))).ID
	pj := w.svc.OpenProject(w.ctx, caller(lead), w.P, j)
	count := func() int { return len(returnsOf(t, w, lead, service.ReturnQuery{ProjectID: j})) }
	overdue := func() int64 { return must(sc.Progress()).Returns.Overdue }
	if n := count(); n != 12 {
		t.Fatalf("%d returns, want 12", n)
	}
	patch := func(v int64, b map[string]any) (domain.Project, error) {
		return sc.UpdateProject(j, version(v), body(b))
	}

	must(pj.SubmitOutcome(body(periodBody("2025-09-01", "2025-09-30"))))
	_, err := patch(1, map[string]any{"startDate": "2025-10-01"})
	if why := fieldProblem(t, "starting after a sent return's period", err, "startDate"); !strings.Contains(why, "must not be after 2025-09-30") {
		t.Errorf("startDate: %q", why)
	}
	may := domain.ReturnID(s.ID, j, domain.MustDate("2026-05-01"))
	pay := must(sc.CreatePayment(w.GX, body(map[string]any{"amountPence": 100_00, "trigger": map[string]any{"kind": "return", "returnId": may}})))
	_, err = patch(1, map[string]any{"endDate": "2026-03-31"})
	if why := fieldProblem(t, "ending before a return a payment waits on", err, "endDate"); !strings.Contains(why, "must not be before 2026-05-01") ||
		!strings.Contains(why, "cancel that payment first") {
		t.Errorf("endDate: %q", why)
	}
	must(sc.UpdatePayment(w.GX, pay.ID, always, body(map[string]any{"status": "cancelled"})))
	if n := count(); n != 12 {
		t.Fatalf("%d returns after refused changes, want 12", n)
	}

	// Narrowed at both ends: July and August 2025 (both overdue) and April
	// to June 2026 go; March 2026 stays, as the project runs into it.
	before := overdue()
	got := must(patch(1, map[string]any{"startDate": "2025-09-01", "endDate": "2026-03-15"}))
	if got.Version != 2 {
		t.Errorf("project after narrowing: %+v", got)
	}
	if n := count(); n != 7 {
		t.Errorf("%d returns after narrowing, want 7 (September 2025 to March 2026)", n)
	}
	if o := overdue(); o != before-2 {
		t.Errorf("overdue %d after narrowing, want %d", o, before-2)
	}
	for _, start := range []string{"2025-07-01", "2026-04-01"} {
		g := &service.Get{Ref: domain.Ref(domain.EntityReturn, domain.ReturnID(s.ID, j, domain.MustDate(start)))}
		if err := w.st.Read(w.ctx, w.P, g); err != nil || g.Found {
			t.Errorf("the return from %s is still stored (%v): the notifier would still find it", start, err)
		}
	}
	ev := byAction(mustList(sc.History(domain.Ref(domain.EntityProject, j), service.Page{})))
	if c := ev[domain.ActionChange].Changes["startDate"]; c.After != "2025-09-01" {
		t.Errorf("history of the change: %+v", ev[domain.ActionChange])
	}

	// Figures sent for July 2025 while it is outside fill no return; once
	// the project runs then again, its return comes back filled by them.
	must(pj.SubmitOutcome(body(periodBody("2025-07-01", "2025-07-31"))))
	must(patch(2, map[string]any{"startDate": "2025-01-01", "endDate": "2026-12-31"}))
	if n := count(); n != 12 {
		t.Errorf("%d returns after widening, want 12", n)
	}
	if o := overdue(); o != before-1 {
		t.Errorf("overdue %d after widening, want %d (July 2025 was sent)", o, before-1)
	}
	if r := must(sc.Return(domain.ReturnID(s.ID, j, domain.MustDate("2025-07-01")))); !r.Sent() && r.Status != domain.ReturnAccepted {
		t.Errorf("July 2025's return after widening: %s", r.Status)
	}
}

// TestProjectDatesRemoveFewReturnsAtOnce: one change of a project's dates
// removes at most 40 returns (one transaction); more is refused naming
// the date and the furthest it may move at once.
func TestProjectDatesRemoveFewReturnsAtOnce(t *testing.T) {
	w, _ := reportingWorld(t)
	sc := w.open(lead)
	must(sc.CreateSchedule(body(monthly("Monthly", "2025-01-01", "2026-12-31"))))
	must(sc.CreateSchedule(body(monthly("Monthly too", "2025-01-01", "2026-12-31"))))
	j := must(sc.CreateProject(body(datedProject("Wakefield IPS", "2025-01-01", "2026-12-31")))).ID
	k := must(sc.CreateProject(body(datedProject("Hull IPS", "2025-01-01", "2026-12-31")))).ID
	count := func(id string) int { return len(returnsOf(t, w, lead, service.ReturnQuery{ProjectID: id})) }
	if n := count(j); n != 48 {
		t.Fatalf("%d returns, want 48", n)
	}
	// December 2026 only: 46 returns would go; to the end of September,
	// the 40 of January 2025 to August 2026.
	_, err := sc.UpdateProject(j, version(1), body(map[string]any{"startDate": "2026-12-01"}))
	if why := fieldProblem(t, "starting 23 months later", err, "startDate"); !strings.Contains(why, "would remove 46 returns") ||
		!strings.Contains(why, "first to 2026-09-30") {
		t.Errorf("startDate: %q", why)
	}
	must(sc.UpdateProject(j, version(1), body(map[string]any{"startDate": "2026-09-30"})))
	must(sc.UpdateProject(j, version(2), body(map[string]any{"startDate": "2026-12-01"})))
	if n := count(j); n != 2 {
		t.Errorf("%d returns after two steps, want 2", n)
	}
	_, err = sc.UpdateProject(k, version(1), body(map[string]any{"endDate": "2025-01-31"}))
	if why := fieldProblem(t, "ending 23 months earlier", err, "endDate"); !strings.Contains(why, "would remove 46 returns") ||
		!strings.Contains(why, "first to 2025-04-01") {
		t.Errorf("endDate: %q", why)
	}
	must(sc.UpdateProject(k, version(1), body(map[string]any{"endDate": "2025-04-01"})))
	if n := count(k); n != 8 {
		t.Errorf("%d returns after one step, want 8 (January to April 2025)", n)
	}
}

// TestProjectNarrowingRaces: a return filled while the project's dates
// narrow past it is not removed (the change plans again and is refused
// as sent); a submission planned on the old dates while they narrow
// plans again on the new ones and makes no return outside them.
func TestProjectNarrowingRaces(t *testing.T) {
	w, _ := reportingWorld(t)
	sc := w.open(lead)
	s := must(sc.CreateSchedule(body(monthly("Monthly", "2025-07-01", "2026-06-30"))))
	j := must(sc.CreateProject(body(datedProject("Wakefield IPS", "2025-01-01", "2026-12-31")))).ID
	pj := w.svc.OpenProject(w.ctx, caller(lead), w.P, j)
	raced := false
	w.st.Before = func(op string) error {
		if op == "UpdateProject" && !raced {
			raced = true
			must(pj.SubmitOutcome(body(periodBody("2025-08-01", "2025-08-31"))))
		}
		return nil
	}
	_, err := sc.UpdateProject(j, version(1), body(map[string]any{"startDate": "2025-10-01"}))
	w.st.Before = nil
	if !raced {
		t.Fatal("the race never happened")
	}
	if why := fieldProblem(t, "narrowing past a return filled meanwhile", err, "startDate"); !strings.Contains(why, "must not be after 2025-08-31") {
		t.Errorf("startDate: %q", why)
	}

	raced = false
	w.st.Before = func(op string) error {
		if op == "CreateOutcome" && !raced {
			raced = true
			must(sc.UpdateProject(j, version(1), body(map[string]any{"endDate": "2026-03-31"})))
		}
		return nil
	}
	must(pj.SubmitOutcome(body(periodBody("2025-12-01", "2025-12-31")))) // a period inside, so the submission reaches its write
	w.st.Before = nil
	if !raced {
		t.Fatal("the second race never happened")
	}
	raced = false
	w.st.Before = func(op string) error {
		if op == "CreateOutcome" && !raced {
			raced = true
			must(sc.UpdateProject(j, version(2), body(map[string]any{"startDate": "2025-08-01"})))
		}
		return nil
	}
	must(pj.SubmitOutcome(body(periodBody("2025-07-01", "2025-07-31"))))
	w.st.Before = nil
	g := &service.Get{Ref: domain.Ref(domain.EntityReturn, domain.ReturnID(s.ID, j, domain.MustDate("2025-07-01")))}
	if err := w.st.Read(w.ctx, w.P, g); err != nil || g.Found {
		t.Errorf("a submission planned before the start moved made the return again (%v)", err)
	}
}

// TestProjectWideningRace: a submission planned while its period was
// outside the project's dates, whose write comes after the dates widen
// to it, plans again (the change moved the setup on) and fills the
// return the widening wrote, rather than leaving it overdue beside the
// figures sent for it.
func TestProjectWideningRace(t *testing.T) {
	w, _ := reportingWorld(t)
	sc := w.open(lead)
	s := must(sc.CreateSchedule(body(monthly("Monthly", "2025-07-01", "2026-06-30"))))
	j := must(sc.CreateProject(body(datedProject("Wakefield IPS", "2025-09-01", "2026-12-31")))).ID
	raced := false
	w.st.Before = func(op string) error {
		if op == "CreateOutcome" && !raced {
			raced = true
			must(sc.UpdateProject(j, version(1), body(map[string]any{"startDate": "2025-01-01"})))
		}
		return nil
	}
	must(w.svc.OpenProject(w.ctx, caller(lead), w.P, j).SubmitOutcome(body(periodBody("2025-07-01", "2025-07-31"))))
	w.st.Before = nil
	if !raced {
		t.Fatal("the race never happened")
	}
	if r := must(sc.Return(domain.ReturnID(s.ID, j, domain.MustDate("2025-07-01")))); !r.Sent() && r.Status != domain.ReturnAccepted {
		t.Errorf("July 2025's return, written by the widening while its figures were being sent: %s", r.Status)
	}
}

// TestProjectDatesNarrowedWhileWideningsReturnsAreWritten: dates widened
// and, before the widening's returns are written, narrowed again leave
// the project owing only the periods of its final dates: the returns
// were planned on the dates as read, and are planned again on the new
// ones (over DynamoDB, both ways round:
// store's TestProjectDatesWideningAndNarrowingRace).
func TestProjectDatesNarrowedWhileWideningsReturnsAreWritten(t *testing.T) {
	w, _ := reportingWorld(t)
	sc := w.open(lead)
	must(sc.CreateSchedule(body(monthly("Monthly", "2025-07-01", "2026-06-30"))))
	j := must(sc.CreateProject(body(datedProject("Wakefield IPS", "2025-07-01", "2025-09-30")))).ID
	raced := false
	w.st.Before = func(op string) error {
		if op == "CreateReturns" && !raced {
			raced = true
			must(sc.UpdateProject(j, version(2), body(map[string]any{"endDate": "2025-08-31"})))
		}
		return nil
	}
	must(sc.UpdateProject(j, version(1), body(map[string]any{"endDate": "2026-06-30"})))
	w.st.Before = nil
	if !raced {
		t.Fatal("the race never happened")
	}
	var got []string
	for _, r := range returnsOf(t, w, lead, service.ReturnQuery{ProjectID: j}) {
		got = append(got, r.PeriodStart.String())
	}
	if strings.Join(got, " ") != "2025-07-01 2025-08-01" {
		t.Errorf("returns of the periods starting %v, want July and August 2025 (the project ends in August)", got)
	}
}

// TestProjectDatesRemoveReturnsOfFewSchedulesAtOnce: each schedule whose
// returns a change of a project's dates removes adds its counts and the
// project's counts of it to the change's transaction, so one change
// removes returns of at most 25 schedules (over DynamoDB, at the limit:
// store's TestProjectDatesRemovalWithinTheItemLimit). Both dates moving
// in count together: more is refused, naming endDate, one date at a time.
func TestProjectDatesRemoveReturnsOfFewSchedulesAtOnce(t *testing.T) {
	w, _ := reportingWorld(t)
	sc := w.open(lead)
	j := must(sc.CreateProject(body(datedProject("Wakefield IPS", "2025-07-01", "2025-12-31")))).ID
	// Fourteen schedules of July to November, fourteen of August to
	// December: a project running August to November owes none of
	// either's outer month.
	for i := range 28 {
		first, last := "2025-07-01", "2025-11-30"
		if i >= 14 {
			first, last = "2025-08-01", "2025-12-31"
		}
		must(sc.CreateSchedule(body(monthly("Monthly "+string(rune('A'+i%26))+string(rune('a'+i/26)), first, last))))
	}
	count := func() int { return len(returnsOf(t, w, lead, service.ReturnQuery{ProjectID: j})) }
	if n := count(); n != 28*5 {
		t.Fatalf("%d returns, want %d", n, 28*5)
	}
	_, err := sc.UpdateProject(j, version(1), body(map[string]any{"startDate": "2025-08-01", "endDate": "2025-11-30"}))
	if why := fieldProblem(t, "both dates, 28 returns of 28 schedules", err, "endDate"); why !=
		"with the new start date, would remove returns of 28 schedules at once, and one change removes those of at most 25 schedules: change one date at a time" {
		t.Errorf("endDate: %q", why)
	}
	must(sc.UpdateProject(j, version(1), body(map[string]any{"startDate": "2025-08-01"})))
	must(sc.UpdateProject(j, version(2), body(map[string]any{"endDate": "2025-11-30"})))
	if n := count(); n != 28*4 {
		t.Errorf("%d returns after one date at a time, want %d", n, 28*4)
	}
}

// TestReviewWhileNewSchedulesReturnsAreWritten: a decision on a
// submission landing after a new schedule's returns were planned, before
// they are written, ends on the return filled from it (over DynamoDB,
// both ways round: store's TestReviewWhileNewSchedulesReturnsAreWritten).
func TestReviewWhileNewSchedulesReturnsAreWritten(t *testing.T) {
	for decision, want := range map[string]domain.ReturnStatus{"approve": domain.ReturnAccepted, "request-changes": domain.ReturnChangesRequested} {
		t.Run(decision, func(t *testing.T) {
			w, _ := reportingWorld(t)
			sc := w.open(lead)
			must(sc.UpdateProgramme(always, body(map[string]any{"reviewOutcomes": true})))
			o := must(w.openA(lead).SubmitOutcome(body(map[string]any{"periodStart": "2025-08-01", "periodEnd": "2025-08-31",
				"counts": map[string]int{"referrals": 2}})))
			in := map[string]any{"decision": decision}
			if decision == "request-changes" {
				in["comment"] = "Which service?"
			}
			raced := false
			w.st.Before = func(op string) error {
				if op == "CreateReturns" && !raced {
					raced = true
					must(w.openA(lead).ReviewOutcome(o.ID, body(in)))
				}
				return nil
			}
			s := must(sc.CreateSchedule(body(monthly("Monthly", "2025-07-01", "2026-06-30"))))
			w.st.Before = nil
			if !raced {
				t.Fatal("the race never happened")
			}
			r := must(sc.Return(domain.ReturnID(s.ID, w.A, domain.MustDate("2025-08-01"))))
			if r.Status != want {
				t.Errorf("August's return of the new schedule: %s, want %s", r.Status, want)
			}
		})
	}
}
