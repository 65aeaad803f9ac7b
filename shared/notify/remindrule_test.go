package notify_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/email"
	"github.com/fundtrack/fundtrack/shared/notify"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// datedMail keeps, for each email, the UK day it was handed over.
type datedMail struct {
	mu   sync.Mutex
	now  func() time.Time
	sent map[string][]domain.Date // by subject
}

func (m *datedMail) Send(_ context.Context, msg email.Message) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent[msg.Subject] = append(m.sent[msg.Subject], domain.UKDate(m.now()))
	return nil
}

// TestMemReminderRule (audit W2) holds the reminder rule over random
// histories of a schedule's reminders changing and the notifier running,
// sometimes several runs at once: a return is reminded on a day only when
// one of its reminder days (as the reminders then stand) has come and no
// reminder of it went on or after that day; so at most once a day, and
// never for a day already passed when a reminder had gone since (a day
// passed before its reminder stood only as the return's first). And it
// is reminded: a run on a reminder day reminds it that day, unless a
// reminder went that day already. The history keeps the days reminders
// can go and a few between (reminderRuleDay).
func TestMemReminderRule(t *testing.T) {
	t.Parallel()
	for seed := range uint64(40) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			t.Parallel()
			reminderRuleHistory(t, rand.New(rand.NewPCG(seed, 7)))
		})
	}
}

// reminderRuleDay reports whether the history has a day: every day from
// the day before a return's earliest reminder day (its due date less the
// largest reminder, 15) to the day after it is due, when its reminders
// and its overdue email go; and every seventh day from the first. On the
// other days (before the first return's reminder days, and the ten weeks
// from its due date to the second's) no reminder can go, so a run finds
// nothing due: the history had every day, 119 where it has 49, and the
// mutations it caught (a reminder day a day early or late, a passed day
// reminded after a reminder went, the oldest passed day reminded in
// place of the latest) failed as many of its seeds or fewer.
func reminderRuleDay(day, first domain.Date, dues ...domain.Date) bool {
	for _, due := range dues {
		if !day.Before(due.AddDays(-16)) && !day.After(due.AddDays(1)) {
			return true
		}
	}
	return first.DaysUntil(day)%7 == 0
}

func reminderRuleHistory(t *testing.T, rnd *rand.Rand) {
	e := newMemEnv(t)
	e.clk.Set("2026-01-05T09:00:00Z")
	b := testkit.NewBuilder(t, e.svc)
	prog := b.Programme(obj{"name": "Working for Wellness", "leadOrganisation": "Bradford District Care NHS Foundation Trust",
		"startDate": "2026-01-01", "endDate": "2027-12-31"})
	project := b.Project(prog.ID, obj{"name": "Bradford IPS", "leadOrganisation": "Aspiro", "startDate": "2026-01-01", "endDate": "2027-12-31"})
	lead, pl := "network.lead@lpt.example.nhs.uk", "ips.lead@aspiro.example.org.uk"
	b.Member(prog.ID, lead, testkit.RoleLead())
	b.Member(prog.ID, pl, testkit.RoleProjectLead(project.ID))
	scope := func() *service.Scope { return e.svc.Open(t.Context(), testkit.Caller(lead), prog.ID) }
	randomReminders := func() []int64 {
		rs := []int64{}
		for range rnd.IntN(4) {
			if n := int64(rnd.IntN(16)); !slices.Contains(rs, n) {
				rs = append(rs, n)
			}
		}
		return rs
	}
	sched, err := scope().CreateSchedule(testkit.Body(obj{"name": "Quarterly returns", "frequency": "quarterly",
		"firstPeriodStart": "2026-01-01", "lastPeriodEnd": "2026-06-30", "dueDays": 20, "reminders": randomReminders()}))
	if err != nil {
		t.Fatal(err)
	}
	mail := &datedMail{now: e.clk.Now, sent: map[string][]domain.Date{}}
	notifier := func() *notify.Notifier {
		return &notify.Notifier{Store: e.st, Email: mail, Now: e.clk.Now, Links: notify.Links{Base: webBase},
			Logger: e.log, Lease: time.Minute}
	}
	type ret struct {
		id      string
		due     domain.Date
		subject string
	}
	var rets []ret
	for _, start := range []string{"2026-01-01", "2026-04-01"} {
		r, err := scope().Return(domain.ReturnID(sched.ID, project.ID, domain.MustDate(start)))
		if err != nil {
			t.Fatal(err)
		}
		n := domain.Notification{Kind: domain.KindReminder, DueDate: r.DueDate, PeriodStart: r.PeriodStart, PeriodEnd: r.PeriodEnd}
		rets = append(rets, ret{r.ID, r.DueDate, n.Headline(project.Name + ", " + prog.Name)})
	}
	// mustRemind[return id] are the days a run came on a reminder day of
	// the reminders as they then stood.
	mustRemind := map[string][]domain.Date{}
	// since[n] is the day reminder n took effect (the schedule made, or
	// an edit adding it); earliest[day][n] the earliest it stood at any
	// run that day: a reminder claimed then must not be for a day before.
	since := map[int64]domain.Date{}
	for _, n := range sched.Reminders {
		since[n] = domain.MustDate("2026-01-05")
	}
	earliest := map[domain.Date]map[int64]domain.Date{}
	var history []string
	first := domain.MustDate("2026-03-25")
	for day := first; !day.After(domain.MustDate("2026-07-21")); day = day.AddDays(1) {
		if !reminderRuleDay(day, first, rets[0].due, rets[1].due) {
			continue
		}
		e.clk.Set(day.String() + "T08:00:00Z")
		for range rnd.IntN(4) {
			if rnd.IntN(3) == 0 {
				rs := randomReminders()
				history = append(history, fmt.Sprintf("%s reminders %v", day, rs))
				if sched, err = scope().UpdateSchedule(sched.ID, func(int64) bool { return true }, testkit.Body(obj{"reminders": rs})); err != nil {
					t.Fatal(err)
				}
				kept := map[int64]domain.Date{}
				for _, n := range rs {
					kept[n] = day
					if from, ok := since[n]; ok {
						kept[n] = from
					}
				}
				since = kept
				continue
			}
			if earliest[day] == nil {
				earliest[day] = map[int64]domain.Date{}
			}
			for n, from := range since {
				if e, ok := earliest[day][n]; !ok || from.Before(e) {
					earliest[day][n] = from
				}
			}
			runs := 1 + rnd.IntN(3)
			history = append(history, fmt.Sprintf("%s %d runs", day, runs))
			var wg sync.WaitGroup
			for range runs {
				wg.Go(func() {
					if _, err := runSafely(t.Context(), notifier()); err != nil {
						t.Error(err)
					}
				})
			}
			wg.Wait()
			for _, r := range rets {
				if slices.ContainsFunc(sched.Reminders, func(n int64) bool { return r.due.AddDays(-int(n)) == day }) {
					mustRemind[r.id] = append(mustRemind[r.id], day)
				}
			}
			e.clk.Add(time.Hour)
		}
	}
	defer func() {
		if t.Failed() {
			t.Logf("history:\n%s", strings.Join(history, "\n"))
		}
	}()

	items, _, err := e.svc.Open(t.Context(), testkit.AdminCaller(), prog.ID).ListNotifications(service.Page{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	byReturn := map[string][]domain.Notification{}
	for _, n := range items {
		if n.Kind == domain.KindReminder {
			byReturn[n.ReturnID] = append(byReturn[n.ReturnID], n)
		}
	}
	for _, r := range rets {
		notes := byReturn[r.id]
		slices.SortFunc(notes, func(a, b domain.Notification) int { return a.On.Time().Compare(b.On.Time()) })
		var days []domain.Date
		var last domain.Date
		for _, n := range notes {
			day := r.due.AddDays(-int(*n.Reminder))
			if day.After(n.On) || !last.IsZero() && !day.After(last) {
				t.Errorf("%s: reminder %s (day %s) claimed on %s, the reminder before on %s", r.id, n.ID, day, n.On, last)
			}
			// A reminder day that passed before the reminder stood may go
			// only as the return's first reminder (audit walk3 W1).
			if from, ok := earliest[n.On][*n.Reminder]; !ok || day.Before(from) && !last.IsZero() {
				t.Errorf("%s: reminder %s (day %s) claimed on %s, but the reminder stood only from %v (%v), and one went before", r.id, n.ID, day, n.On, from, ok)
			}
			if n.Status != domain.NotificationSent || !slices.Equal(n.Delivered, []string{pl}) {
				t.Errorf("%s: not sent to the project lead: %+v", n.ID, n)
			}
			days, last = append(days, n.On), n.On
		}
		if got := mail.sent[r.subject]; !slices.Equal(got, days) {
			t.Errorf("%s: emailed on %v, reminders claimed on %v", r.id, got, days)
		}
		for _, day := range mustRemind[r.id] {
			if !slices.Contains(days, day) {
				t.Errorf("%s: a run on its reminder day %s reminded nobody (reminded on %v)", r.id, day, days)
			}
		}
	}
}
