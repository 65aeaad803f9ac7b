package notify_test

import (
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// setReminders changes the cycle's schedule's reminders, as a lead does
// by PATCH.
func (c *cycle) setReminders(reminders ...int64) {
	c.e.t.Helper()
	var err error
	c.schedule, err = c.e.svc.Open(c.e.t.Context(), testkit.Caller(c.lead), c.prog.ID).UpdateSchedule(c.schedule.ID,
		func(v int64) bool { return v == c.schedule.Version }, testkit.Body(obj{"reminders": reminders}))
	if err != nil {
		c.e.t.Fatal(err)
	}
}

// TestReminderEditsRemindNoMore (audit W2): once a return's reminder has
// gone, adding an earlier reminder day (whose day has passed) sends
// nothing, however often the reminders change and the notifier runs; nor
// does a reminder day falling on a day a reminder went. A reminder day
// still to come goes on its day, once.
func TestReminderEditsRemindNoMore(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.cycle(7, 1) // Q1 due 2026-04-20: reminded on the 13th and the 19th
	e.clk.Set("2026-04-13T09:00:00Z")
	e.run()
	want := each(reminderQ1, c.projLead)
	e.expectMail(want)

	for _, rs := range [][]int64{{8, 1}, {9, 1}, {10, 1}, {10, 7, 1}, {8, 1}} {
		c.setReminders(rs...)
		e.run()
		e.run()
	}
	e.expectMail(want)
	// The next day, a reminder day of that day: it goes, once.
	e.clk.Set("2026-04-14T09:00:00Z")
	c.setReminders(6, 1)
	e.run()
	e.run()
	want = merge(want, each(reminderQ1, c.projLead))
	e.expectMail(want)
	// The same day, the reminders back as they were: nothing more.
	c.setReminders(7, 1)
	e.run()
	e.expectMail(want)
	// The 1-day reminder, on its day.
	e.clk.Set("2026-04-19T09:00:00Z")
	e.run()
	e.run()
	want = merge(want, each(reminderQ1, c.projLead))
	e.expectMail(want)

	reminders := map[string]bool{}
	for id, n := range e.notifications(c.prog.ID) {
		if n.Kind == domain.KindReminder {
			reminders[id] = true
		}
	}
	for _, days := range []int64{7, 6, 1} {
		id := domain.ReturnNotificationID(c.q1(), domain.ReturnNotice{Kind: domain.KindReminder, Reminder: days})
		if !reminders[id] {
			t.Errorf("no reminder %s", id)
		}
		delete(reminders, id)
	}
	if len(reminders) != 0 {
		t.Errorf("reminders besides the 7-, 6- and 1-day ones: %v", reminders)
	}
}
