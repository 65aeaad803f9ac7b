package notify_test

import (
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/notify"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestReminderWaitsForItsPeriod (audit rep2 W3), on DynamoDB Local and
// the SES emulator: a monthly schedule for March, due 20 days after the
// month, reminding 60 days before the due date: that day (19 February)
// falls before March has begun. Nothing goes in February; the reminder
// goes on 1 March, once, however many runs (overlapping ones too) look
// then and after.
func TestReminderWaitsForItsPeriod(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	lead, pl := e.addr("lead", "trust.nhs.uk"), e.addr("pl", "aspiro.org.uk")
	prog := e.programme("Bradford IPS network", "2026-01-01", "2027-12-31")
	project := e.project(prog.ID, "Aspiro internships")
	e.member(prog.ID, lead, testkit.RoleLead())
	e.member(prog.ID, pl, testkit.RoleProjectLead(project.ID))
	sched, err := e.svc.Open(t.Context(), testkit.Caller(lead), prog.ID).CreateSchedule(testkit.Body(obj{"name": "Monthly returns",
		"frequency": "monthly", "firstPeriodStart": "2026-03-01", "lastPeriodEnd": "2026-03-31", "dueDays": 20, "reminders": []int64{60}}))
	if err != nil {
		t.Fatal(err)
	}
	for _, at := range []string{"2026-01-05T09:00:00Z", "2026-02-19T09:00:00Z", "2026-02-20T09:00:00Z", "2026-02-28T23:59:00Z"} {
		e.clk.Set(at)
		if rep := e.run(); rep.Claimed != 0 || rep.Emails != 0 {
			t.Errorf("run at %s, before March has begun: %+v", at, rep)
		}
	}
	e.expectMail(nil)
	e.clk.Set("2026-03-01T00:00:00Z")
	if rep := runsAtOnce(t, 3, e.notifier); rep.Claimed != 1 || rep.Emails != 1 {
		t.Errorf("runs at once on 1 March: %+v", rep)
	}
	for _, at := range []string{"2026-03-01T09:00:00Z", "2026-03-02T09:00:00Z", "2026-03-20T09:00:00Z"} {
		e.clk.Set(at)
		if rep := e.run(); rep.Claimed != 0 || rep.Emails != 0 {
			t.Errorf("run at %s, after the reminder: %+v", at, rep)
		}
	}
	subject := "Return due 20 April 2026: March 2026 (Aspiro internships, Bradford IPS network)"
	e.expectMail(each(subject, pl))
	id := domain.ReturnNotificationID(domain.ReturnID(sched.ID, project.ID, domain.MustDate("2026-03-01")),
		domain.ReturnNotice{Kind: domain.KindReminder, Reminder: 60})
	if n := e.notifications(prog.ID)[id]; n.Status != domain.NotificationSent || n.On != domain.MustDate("2026-03-01") {
		t.Errorf("reminder notification %+v, want sent, dated 1 March", n)
	}
}

// TestMemReminderWaitsForItsPeriod is TestReminderWaitsForItsPeriod over
// the in-memory fake, with the reminder's day inside the period kept:
// reminders [60, 7] remind on 1 March and on 13 April, each once.
func TestMemReminderWaitsForItsPeriod(t *testing.T) {
	t.Parallel()
	e := newMemEnv(t)
	b := testkit.NewBuilder(t, e.svc)
	prog := b.Programme(obj{"name": "Working for Wellness", "leadOrganisation": "Bradford District Care NHS Foundation Trust",
		"startDate": "2026-01-01", "endDate": "2027-12-31"})
	project := b.Project(prog.ID, obj{"name": "Bradford IPS", "leadOrganisation": "Aspiro", "startDate": "2026-01-01", "endDate": "2027-12-31"})
	lead, pl := "network.lead@lpt.example.nhs.uk", "ips.lead@aspiro.example.org.uk"
	b.Member(prog.ID, lead, testkit.RoleLead())
	b.Member(prog.ID, pl, testkit.RoleProjectLead(project.ID))
	if _, err := e.svc.Open(t.Context(), testkit.Caller(lead), prog.ID).CreateSchedule(testkit.Body(obj{"name": "Monthly returns",
		"frequency": "monthly", "firstPeriodStart": "2026-03-01", "lastPeriodEnd": "2026-03-31", "dueDays": 20, "reminders": []int64{60, 7}})); err != nil {
		t.Fatal(err)
	}
	sent := map[string]int{} // by UK day
	for day := domain.MustDate("2026-01-05"); day.Before(domain.MustDate("2026-04-21")); day = day.AddDays(1) {
		e.clk.Set(day.String() + "T09:00:00Z")
		reps := make([]notify.Report, 2)
		for i := range reps {
			reps[i] = e.run()
		}
		if n := reps[0].Emails + reps[1].Emails; n > 0 {
			sent[day.String()] += n
		}
	}
	if len(sent) != 2 || sent["2026-03-01"] != 1 || sent["2026-04-13"] != 1 {
		t.Errorf("reminders sent by day %v, want one on 1 March and one on 13 April", sent)
	}
	for _, msgs := range e.mail.to() {
		for _, m := range msgs {
			if !strings.HasPrefix(m.Subject, "Return due 20 April 2026: March 2026") {
				t.Errorf("unexpected email %q", m.Subject)
			}
		}
	}
}
