package notify_test

import (
	"testing"

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
