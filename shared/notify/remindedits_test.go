package notify_test

import (
	"slices"
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

// TestReminderDayPassedBeforeItWasAddedGoesOnce (audit walk3 W1): with
// nothing sent for a return and no reminder of it gone, an edit adding a
// reminder day that has already passed sends that reminder at the next
// run, once (SPEC: a reminder "while nothing is sent"); then a day added
// that is today sends nothing more that day, and a day still to come goes
// on its day. A schedule made after a return's reminder day, before its
// due date, reminds the project lead on the first run, once, and the
// overdue email still goes the day after the due date.
func TestReminderDayPassedBeforeItWasAddedGoesOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.cycle(1) // Q1 due 2026-04-20: the 1-day reminder on the 19th
	e.clk.Set("2026-04-15T09:00:00Z")
	e.run()
	e.expectMail(nil)
	c.setReminders(7, 1) // the 13th: passed, and no reminder went
	e.run()
	e.run()
	want := each(reminderQ1, c.projLead)
	e.expectMail(want)
	c.setReminders(10, 7, 5, 1) // 5: the 15th, today, a reminder went today
	stored, _, err := e.st.Schedule(t.Context(), c.prog.ID, c.schedule.ID)
	if err != nil {
		t.Fatal(err)
	}
	made, edited := domain.MustDate("2026-01-05"), domain.MustDate("2026-04-15")
	if want := []domain.ReminderFrom{{Days: 10, From: edited}, {Days: 7, From: edited}, {Days: 5, From: edited}, {Days: 1, From: made}}; !slices.Equal(stored.RemindersFrom, want) {
		t.Errorf("stored reminders' dates %+v, want %+v", stored.RemindersFrom, want)
	}
	e.run()
	e.run()
	e.expectMail(want)
	e.clk.Set("2026-04-16T09:00:00Z")
	c.setReminders(10, 8, 1)
	e.run()
	e.expectMail(want)
	e.clk.Set("2026-04-19T09:00:00Z")
	e.run()
	want = merge(want, each(reminderQ1, c.projLead))
	e.expectMail(want)
	var ids []string
	for id, n := range e.notifications(c.prog.ID) {
		if n.Kind == domain.KindReminder {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	wantIDs := []string{
		domain.ReturnNotificationID(c.q1(), domain.ReturnNotice{Kind: domain.KindReminder, Reminder: 1}),
		domain.ReturnNotificationID(c.q1(), domain.ReturnNotice{Kind: domain.KindReminder, Reminder: 7}),
	}
	if !slices.Equal(ids, wantIDs) {
		t.Errorf("reminders %v, want %v", ids, wantIDs)
	}

	// A schedule made on the 17th with reminders 7 and 5 (the 13th and
	// the 15th): the 5-day reminder on the first run, once; the overdue
	// email the day after the due date.
	late := newEnv(t)
	late.clk.Set("2026-04-17T09:00:00Z")
	lc := late.cycleWith(false, 7, 5)
	late.run()
	late.run()
	lateWant := each(reminderQ1, lc.projLead)
	late.expectMail(lateWant)
	for _, day := range []string{"2026-04-18", "2026-04-20"} {
		late.clk.Set(day + "T09:00:00Z")
		late.run()
	}
	late.expectMail(lateWant)
	late.clk.Set("2026-04-21T09:00:00Z")
	late.run()
	late.expectMail(merge(lateWant, each(overdueQ1, lc.projLead)))
	var lateIDs []string
	for id, n := range late.notifications(lc.prog.ID) {
		if n.Kind == domain.KindReminder {
			lateIDs = append(lateIDs, id)
		}
	}
	if want := []string{domain.ReturnNotificationID(lc.q1(), domain.ReturnNotice{Kind: domain.KindReminder, Reminder: 5})}; !slices.Equal(lateIDs, want) {
		t.Errorf("a schedule made after its reminder days: reminders %v, want %v", lateIDs, want)
	}
}
