package notify_test

import (
	"context"
	"sync"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/notify"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestNewProjectLeadToldOnTheNextRun (audit W5): returns the notifier
// looked at while their project had nobody to tell wait for the next day;
// making someone the project's lead puts them back in line, so the next
// run sends the overdue email and the reminder due that day (which the
// next day would be too late for), each once.
func TestNewProjectLeadToldOnTheNextRun(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.clk.Set("2026-04-13T09:00:00Z")
	prog := e.programme("Bradford IPS network", "2026-01-01", "2027-12-31")
	lead := e.addr("lead", "trust.nhs.uk")
	e.member(prog.ID, lead, testkit.RoleLead())
	project := e.project(prog.ID, "Aspiro internships")
	sc := e.svc.Open(t.Context(), testkit.Caller(lead), prog.ID)
	// Q1 due 2026-04-20, reminded that day; February due 2026-03-11,
	// overdue when the schedule is made.
	for _, in := range []obj{
		{"name": "Quarterly returns", "frequency": "quarterly", "firstPeriodStart": "2026-01-01", "lastPeriodEnd": "2026-03-31", "reminders": []int64{0}},
		{"name": "Monthly returns", "frequency": "monthly", "firstPeriodStart": "2026-02-01", "lastPeriodEnd": "2026-02-28", "dueDays": 11},
	} {
		if _, err := sc.CreateSchedule(testkit.Body(in)); err != nil {
			t.Fatal(err)
		}
	}
	if rep := e.run(); rep.ReturnsDue != 2 || rep.Claimed != 0 {
		t.Errorf("nobody leads the project: %+v", rep)
	}
	e.clk.Set("2026-04-20T09:00:00Z")
	if rep := e.run(); rep.ReturnsDue != 2 || rep.Claimed != 0 {
		t.Errorf("the reminder day, nobody leads the project: %+v", rep)
	}
	e.expectMail(nil)

	e.clk.Set("2026-04-20T09:05:00Z")
	pl := e.addr("pl", "aspiro.org.uk")
	e.member(prog.ID, pl, testkit.RoleProjectLead(project.ID))
	if rep := e.run(); rep.ReturnsDue != 2 || rep.Claimed != 2 || rep.Sent != 2 {
		t.Errorf("the run after the project lead was made: %+v", rep)
	}
	if rep := e.run(); rep.ReturnsDue != 0 || rep.Claimed != 0 {
		t.Errorf("the run after: %+v", rep)
	}
	// Made project lead again (their roles put again, another project
	// lead added): nothing more.
	e.member(prog.ID, pl, testkit.RoleProjectLead(project.ID))
	e.member(prog.ID, e.addr("pl2", "aspiro.org.uk"), testkit.RoleProjectLead(project.ID))
	e.run()
	e.expectMail(merge(
		each("Return due 20 April 2026: January to March 2026 (Aspiro internships, Bradford IPS network)", pl),
		each("Return overdue: February 2026, due 11 March 2026 (Aspiro internships, Bradford IPS network)", pl)))
}

// leadMadeAfterMembersRead is the notifier's storage for a run a lead
// overtakes: just after the run reads the programme's members (for a
// milestone, before it looks at any return), the lead makes someone the
// project's lead, which puts the project's returns back in line.
type leadMadeAfterMembersRead struct {
	notify.Storage
	once sync.Once
	then func()
}

func (s *leadMadeAfterMembersRead) ListMembers(ctx context.Context, programmeID string, p service.Page) ([]domain.Member, string, error) {
	members, next, err := s.Storage.ListMembers(ctx, programmeID, p)
	s.once.Do(s.then)
	return members, next, err
}

// TestNewProjectLeadMadeAfterTheRunReadTheMembers: a run reads the
// programme's members (nobody leads the project), and a lead then makes
// someone its project lead, putting its returns back in line, before the
// run looks at them. The run finds a return put back by a change it may
// not have seen, and reads the members again rather than put off to the
// next day a reminder due today (which would then be lost): the new
// project lead is reminded in that run, once.
func TestNewProjectLeadMadeAfterTheRunReadTheMembers(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.clk.Set("2026-04-13T09:00:00Z")
	prog := e.programme("Bradford IPS network", "2026-01-01", "2027-12-31")
	lead := e.addr("lead", "trust.nhs.uk")
	e.member(prog.ID, lead, testkit.RoleLead())
	project := e.project(prog.ID, "Aspiro internships")
	dwp := e.funder(prog.ID, "DWP", e.addr("grants", "dwp.gov.uk"))
	e.target(prog.ID, obj{"metric": "peopleIntoWork", "value": 10, "deadline": "2027-12-31", "notify": []string{dwp.ID}})
	sc := e.svc.Open(t.Context(), testkit.Caller(lead), prog.ID)
	if _, err := sc.CreateSchedule(testkit.Body(obj{"name": "Quarterly returns", "frequency": "quarterly",
		"firstPeriodStart": "2026-01-01", "lastPeriodEnd": "2026-03-31", "reminders": []int64{0}})); err != nil {
		t.Fatal(err)
	}
	e.run()
	// The due day: figures reach the target (a milestone, so the run
	// reads the members first), and nobody leads the project yet.
	e.clk.Set("2026-04-20T09:00:00Z")
	if _, err := e.svc.OpenProject(t.Context(), testkit.Caller(lead), prog.ID, project.ID).SubmitOutcome(testkit.Body(obj{
		"periodStart": "2026-04-01", "periodEnd": "2026-04-19", "counts": obj{"peopleIntoWork": 10}})); err != nil {
		t.Fatal(err)
	}
	pl := e.addr("pl", "aspiro.org.uk")
	racing := &leadMadeAfterMembersRead{Storage: e.st, then: func() { e.inGoroutine().member(prog.ID, pl, testkit.RoleProjectLead(project.ID)) }}
	n := e.notifier()
	n.Store = racing
	rep, err := runSafely(t.Context(), n)
	if err != nil {
		t.Fatalf("the run: %v (%+v)", err, rep)
	}
	e.run()
	e.expectMail(merge(
		each("Return due 20 April 2026: January to March 2026 (Aspiro internships, Bradford IPS network)", pl),
		each("Target reached: 10 people into work (Bradford IPS network)", dwp.Contacts...)))
}
