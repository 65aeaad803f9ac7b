package notify_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

const (
	missedSubject = "Target missed: 60 people into work (Bradford IPS, Working for Wellness)"
	atRiskSubject = "Target at risk: 60 people into work (Bradford IPS, Working for Wellness)"
)

// TestMissedDeadline: a target whose deadline passes unreached gets one
// "missed" email to its funders' contacts once the figures for its last
// period are due and have not reached it (20 days after the deadline, the
// default dueDays, for a programme without schedules), found through the
// due index with no new figures.
func TestMissedDeadline(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w := e.world()
	// 2026-01-01 to 2026-03-31: 89 days.
	tg := e.projectTarget(w, 60, "2026-03-31")
	e.submit(w.prog.ID, w.project.ID, 10, "")
	if rep := e.run(); rep.Emails != 0 || rep.ProgrammesChanged != 1 {
		t.Fatalf("first run: %+v", rep)
	}

	// On the deadline itself the target is at risk, not yet missed: the
	// leads hear of it, the funders do not.
	e.clk.Set("2026-03-31T12:00:00Z")
	rep := e.run()
	if rep.ProgrammesChanged != 0 || rep.TargetsDue != 1 || rep.Claimed != 1 {
		t.Errorf("run on the deadline: %+v", rep)
	}
	e.expectMail(each(atRiskSubject, w.lead))

	// The day after the deadline the March figures are not due yet:
	// nothing goes, and the target is looked at again when they are.
	e.clk.Set("2026-04-01T06:00:00Z")
	rep = e.run()
	if rep.ProgrammesChanged != 0 || rep.TargetsRead != 0 || rep.TargetsDue != 1 || rep.Claimed != 0 || rep.Emails != 0 {
		t.Errorf("run the day after the deadline: %+v", rep)
	}
	e.clk.Set("2026-04-20T06:00:00Z") // the day they are due
	if rep := e.run(); rep.TargetsDue != 0 || rep.Emails != 0 {
		t.Errorf("run the day the last figures are due: %+v", rep)
	}
	e.expectMail(each(atRiskSubject, w.lead))

	e.clk.Set("2026-04-21T06:00:00Z")
	rep = e.run()
	if rep.ProgrammesChanged != 0 || rep.TargetsRead != 0 || rep.TargetsDue != 1 || rep.Claimed != 1 || rep.Emails != 4 || rep.Sent != 1 {
		t.Errorf("run the day after the last figures were due: %+v", rep)
	}
	want := merge(each(atRiskSubject, w.lead), each(missedSubject, w.contacts...))
	e.expectMail(want)
	for _, m := range e.mail() {
		if m.Subject == missedSubject && !strings.Contains(m.Body.Text,
			"Bradford IPS (Working for Wellness) did not reach its target of 60 people into work by the deadline: 10 as of 21 April 2026.") {
			t.Errorf("missed email:\n%s", m.Body.Text)
		}
	}
	n := e.notifications(w.prog.ID)[domain.NotificationID(tg.ID, domain.KindMissed, 100)]
	if n.Status != domain.NotificationSent || n.Kind != domain.KindMissed || !slices.Equal(n.Recipients, w.contacts) || n.Figure != 10 {
		t.Errorf("missed notification %+v", n)
	}

	// The target has had its last time-driven check.
	for _, at := range []string{"2026-04-21T07:00:00Z", "2026-04-28T06:00:00Z", "2026-09-01T06:00:00Z"} {
		e.clk.Set(at)
		if rep := e.run(); rep.TargetsDue != 0 || rep.Emails != 0 {
			t.Errorf("run at %s: %+v", at, rep)
		}
	}
	// New figures after the deadline (a late submission) do not send
	// "missed" again.
	e.submit(w.prog.ID, w.project.ID, 5, "")
	if rep := e.run(); rep.ProgrammesChanged != 1 || rep.Emails != 0 {
		t.Errorf("run after a late submission: %+v", rep)
	}
	e.expectMail(want)
}

// TestMissedFoundAfterSkippedDays: runs that did not happen for a while
// (the schedule was off) do not lose the missed email: the due index holds
// every check that is overdue.
func TestMissedFoundAfterSkippedDays(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w := e.world()
	e.projectTarget(w, 60, "2026-03-31")
	e.run()
	e.clk.Set("2026-06-15T06:00:00Z") // no run since 5 January
	if rep := e.run(); rep.TargetsDue != 1 || rep.Emails != 4 {
		t.Errorf("run: %+v", rep)
	}
	e.expectMail(each(missedSubject, w.contacts...))
}

// TestAtRiskToLeadsOnce: once a quarter of the period has gone, a target
// projected to fall short emails the programme's leads (not funders, not
// project leads), once however many runs follow.
func TestAtRiskToLeadsOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w := e.world()
	lead2 := e.addr("deputy.lead", "lpt.example.nhs.uk")
	e.member(w.prog.ID, lead2, testkit.RoleLead())
	e.member(w.prog.ID, e.addr("project.lead", "bdct.example.nhs.uk"), testkit.RoleProjectLead(w.project.ID))
	e.member(w.prog.ID, e.addr("funder.user", "dwp.example.gov.uk"), testkit.RoleFunder(w.dwp.ID))
	leads := []string{w.lead, lead2}
	slices.Sort(leads)

	// 2026-01-01 to 2026-12-31: a quarter has gone on 2026-04-02.
	tg := e.projectTarget(w, 60, "2026-12-31")
	e.submit(w.prog.ID, w.project.ID, 5, "")
	e.run()

	e.clk.Set("2026-04-01T23:59:00+01:00") // British Summer Time: days turn at UK midnight
	if rep := e.run(); rep.TargetsDue != 0 || rep.Emails != 0 {
		t.Errorf("run before the quarter: %+v", rep)
	}
	e.clk.Set("2026-04-02T00:00:00+01:00")
	rep := e.run()
	if rep.ProgrammesChanged != 0 || rep.TargetsDue != 1 || rep.Claimed != 1 || rep.Emails != 2 || rep.Sent != 1 {
		t.Errorf("run at the quarter: %+v", rep)
	}
	e.expectMail(each(atRiskSubject, leads...))
	for _, m := range e.mail() {
		if !strings.Contains(m.Body.Text, "Bradford IPS (Working for Wellness) is projected to fall short of its target of 60 people into work: 5 so far, as of 2 April 2026.") {
			t.Errorf("at-risk email:\n%s", m.Body.Text)
		}
	}
	n := e.notifications(w.prog.ID)[domain.NotificationID(tg.ID, domain.KindAtRisk, 100)]
	if n.Status != domain.NotificationSent || n.Kind != domain.KindAtRisk || !slices.Equal(n.Recipients, leads) || len(n.FunderIDs) != 0 {
		t.Errorf("at-risk notification %+v", n)
	}

	// Weekly checks and new figures that leave it at risk send nothing more.
	for i := range 4 {
		e.clk.Add(7 * 24 * time.Hour)
		if i == 1 {
			e.submit(w.prog.ID, w.project.ID, 1, "")
		}
		if rep := e.run(); rep.Emails != 0 || (rep.TargetsDue != 1 && i != 1) {
			t.Errorf("week %d: %+v", i+1, rep)
		}
	}
	e.expectMail(each(atRiskSubject, leads...))
}

// TestOnTrackAtQuarterSendsNothing: a target on course at its quarter mark
// is checked and sends nothing.
func TestOnTrackAtQuarterSendsNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w := e.world()
	e.projectTarget(w, 60, "2026-12-31")
	e.submit(w.prog.ID, w.project.ID, 20, "") // 20 in the first quarter: 80 projected
	e.run()
	e.clk.Set("2026-04-02T06:00:00Z")
	if rep := e.run(); rep.TargetsDue != 1 || rep.Claimed != 0 || rep.Emails != 0 {
		t.Errorf("run at the quarter: %+v", rep)
	}
	e.expectMail(nil)
}

const reachedLateSubject = "Target reached: 60 people into work (Bradford IPS, Working for Wellness)"

// TestMissedWaitsForTheLastReturn is the audit's "missed (0 of 5)" then
// "reached (7 of 5)": the figures for the period ending on the deadline
// are due 30 days after it (the schedule's dueDays), and arrive in time,
// reaching the target. The funders get "reached", saying the figures came
// after the deadline, and never "missed".
func TestMissedWaitsForTheLastReturn(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w := e.world()
	if _, err := e.svc.Open(e.t.Context(), testkit.Caller(w.lead), w.prog.ID).CreateSchedule(testkit.Body(obj{"name": "Monthly returns",
		"frequency": "monthly", "firstPeriodStart": "2026-01-01", "lastPeriodEnd": "2026-12-31", "dueDays": 30})); err != nil {
		t.Fatal(err)
	}
	e.projectTarget(w, 60, "2026-03-31")
	e.submit(w.prog.ID, w.project.ID, 10, "")
	e.run()
	for _, at := range []string{"2026-04-01T06:00:00Z", "2026-04-21T06:00:00Z", "2026-04-30T06:00:00Z"} {
		e.clk.Set(at)
		if rep := e.run(); rep.Claimed != 0 {
			t.Errorf("run at %s, before the March figures are due on 30 April: %+v", at, rep)
		}
	}
	// The March return comes in on its due date and reaches the target.
	e.build().Outcome(w.prog.ID, w.project.ID, obj{"periodStart": "2026-03-01", "periodEnd": "2026-03-31",
		"counts": obj{"peopleIntoWork": 51}})
	e.run()
	e.clk.Set("2026-05-01T06:00:00Z")
	e.run()
	e.clk.Set("2026-09-01T06:00:00Z")
	e.run()
	e.expectMail(each(reachedLateSubject, w.contacts...))
	for _, m := range e.mail() {
		if m.Subject == reachedLateSubject && !strings.Contains(m.Body.Text, "Bradford IPS (Working for Wellness) reached 100% of its target of 60 "+
			"people into work by its deadline of 31 March 2026: 61 as of 30 April 2026, in figures that came in after the deadline.") {
			t.Errorf("reached email:\n%s", m.Body.Text)
		}
	}
}

// TestMissedNotEmailedForAPastTarget: a target recorded long after its
// deadline (a lead entering last year's target before importing its
// history) shows missed but is not emailed as missed; one recorded
// before its last figures fall due is, the day after they are due.
func TestMissedNotEmailedForAPastTarget(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w := e.world()
	e.clk.Set("2026-11-01T09:00:00Z")
	old := e.projectTarget(w, 60, "2026-03-31")    // last figures due 20 April: 195 days ago
	recent := e.projectTarget(w, 60, "2026-10-20") // due 9 November
	e.run()
	e.clk.Set("2026-11-10T06:00:00Z")
	e.run()
	e.clk.Set("2026-12-01T06:00:00Z")
	e.run()
	notes := e.notifications(w.prog.ID)
	if _, ok := notes[domain.NotificationID(old.ID, domain.KindMissed, 100)]; ok {
		t.Errorf("a target recorded 195 days after its last figures were due was emailed as missed")
	}
	if n := notes[domain.NotificationID(recent.ID, domain.KindMissed, 100)]; n.Status != domain.NotificationSent || n.On.String() != "2026-11-10" {
		t.Errorf("recent target's missed email: %+v", n)
	}
	e.expectMail(each(missedSubject, w.contacts...))
}

// TestAtRiskWaitsWhileHistoryIsEntered (audit walk3 W2): a target set
// past its quarter mark, before the programme's figures are entered,
// sends no "at risk" email at the next run; its figures entered within
// the grace (domain.AtRiskGrace) put it on course and nothing is ever
// sent. A target still falling short when the grace ends emails the
// leads that day, found by its time-driven check, once.
func TestAtRiskWaitsWhileHistoryIsEntered(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w := e.world()
	e.clk.Set("2026-07-01T09:00:00Z") // half the year gone
	e.projectTarget(w, 60, "2026-12-31")
	short := e.projectTarget(w, 200, "2026-12-31")
	if rep := e.run(); rep.Claimed != 0 || rep.Emails != 0 {
		t.Errorf("the run after the targets were set, no figures yet: %+v", rep)
	}
	e.clk.Set("2026-07-03T09:00:00Z")
	e.submit(w.prog.ID, w.project.ID, 40, "") // 40 by July: 60 on course, 200 not
	// The run on the 10th finds the weekly check of the 8th.
	for _, day := range []string{"2026-07-03", "2026-07-10", "2026-07-14"} {
		e.clk.Set(day + "T09:00:00Z")
		if rep := e.run(); rep.Claimed != 0 || rep.Emails != 0 {
			t.Errorf("run on %s, within the grace: %+v", day, rep)
		}
	}
	e.expectMail(nil)
	e.clk.Set("2026-07-15T09:00:00Z")
	if rep := e.run(); rep.TargetsDue < 1 || rep.Claimed != 1 || rep.Emails != 1 {
		t.Errorf("run on the day the grace ends: %+v", rep)
	}
	shortSubject := "Target at risk: 200 people into work (Bradford IPS, Working for Wellness)"
	e.expectMail(each(shortSubject, w.lead))
	for range 3 {
		e.clk.Add(7 * 24 * time.Hour)
		e.run()
	}
	e.expectMail(each(shortSubject, w.lead))
	if n := e.notifications(w.prog.ID)[domain.NotificationID(short.ID, domain.KindAtRisk, 100)]; n.On.String() != "2026-07-15" {
		t.Errorf("at-risk notification on %s, want 2026-07-15", n.On)
	}
}
