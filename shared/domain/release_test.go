package domain_test

import (
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// TestDueOnItsDate: a dated payment is due from its date, so one whose
// date has come (today included) is due however it got there; a payment
// on anything else never is by its date, and one with no date never.
func TestDueOnItsDate(t *testing.T) {
	t.Parallel()
	today := domain.MustDate("2026-01-15")
	at := func(kind domain.TriggerKind, due string) domain.Payment {
		p := domain.Payment{Trigger: domain.Trigger{Kind: kind}, Status: domain.PaymentScheduled}
		if due != "" {
			d := domain.MustDate(due)
			p.DueDate = &d
		}
		return p
	}
	for _, c := range []struct {
		p    domain.Payment
		want bool
	}{
		{at(domain.TriggerDate, "2026-01-14"), true},
		{at(domain.TriggerDate, "2026-01-15"), true},
		{at(domain.TriggerDate, "2026-01-16"), false},
		{at(domain.TriggerDate, ""), false},
		{at(domain.TriggerMilestone, "2025-01-01"), false}, // its date is only expected
		{at(domain.TriggerReturn, "2025-01-01"), false},
	} {
		if got := c.p.DueOnItsDate(today); got != c.want {
			t.Errorf("%s payment dated %v: due %v, want %v", c.p.Trigger.Kind, c.p.DueDate, got, c.want)
		}
	}
}

// TestFallsDue: a scheduled milestone payment falls due once its target's
// figure reaches its threshold (of the value as it is now), a return
// payment once its return is accepted; a payment not scheduled, another
// target or return, or a trigger of another kind never.
func TestFallsDue(t *testing.T) {
	t.Parallel()
	tg := domain.Target{ID: "t1", Metric: domain.MetricPeopleIntoWork, Value: 60}
	ms := domain.Payment{Status: domain.PaymentScheduled, Trigger: domain.Trigger{Kind: domain.TriggerMilestone, TargetID: "t1", Threshold: 50}}
	if ms.FallsDue(&tg, 29, nil) || !ms.FallsDue(&tg, 30, nil) || ms.FallsDue(nil, 30, nil) {
		t.Error("a payment on 50% of 60: want due at 30, not at 29, nor without its target")
	}
	other := tg
	other.ID = "t2"
	if ms.FallsDue(&other, 60, nil) {
		t.Error("due on another target")
	}
	paid := ms
	paid.Status = domain.PaymentPaid
	if paid.FallsDue(&tg, 60, nil) {
		t.Error("a paid payment fell due")
	}
	r := domain.Return{ID: "r1", State: domain.StateSubmitted}
	onReturn := domain.Payment{Status: domain.PaymentScheduled, Trigger: domain.Trigger{Kind: domain.TriggerReturn, ReturnID: "r1"}}
	if onReturn.FallsDue(nil, 0, &r) {
		t.Error("due on a return awaiting review")
	}
	r.State = domain.StateAccepted
	if !onReturn.FallsDue(nil, 0, &r) || onReturn.FallsDue(&tg, 60, nil) {
		t.Error("a return payment: want due on its return accepted, and on nothing else")
	}
}

// TestWithFigures: the series a change leaves are those read plus what it
// counts and minus what it takes out, on the day each period ended, in
// the programme's and the project's year; what was read is not changed.
func TestWithFigures(t *testing.T) {
	t.Parallel()
	day := domain.MustDate("2025-06-30")
	read := map[domain.SeriesKey]domain.DaySeries{{Year: 2025}: {day: {domain.MetricPeopleIntoWork: 5}}}
	counted := domain.Outcome{ProjectID: "a", PeriodEnd: day, Counts: map[domain.Metric]int64{domain.MetricPeopleIntoWork: 3}}
	old := domain.Outcome{ProjectID: "a", PeriodEnd: day, Counts: map[domain.Metric]int64{domain.MetricPeopleIntoWork: 1}}
	got := domain.WithFigures(read, domain.FigureChange{Count: []domain.Outcome{counted}, Uncount: []domain.Outcome{old}})
	if n := got[domain.SeriesKey{Year: 2025}][day][domain.MetricPeopleIntoWork]; n != 7 {
		t.Errorf("the programme's figure after: %d, want 5 + 3 - 1", n)
	}
	if n := got[domain.SeriesKey{ProjectID: "a", Year: 2025}][day][domain.MetricPeopleIntoWork]; n != 2 {
		t.Errorf("the project's figure after: %d, want 3 - 1", n)
	}
	if n := read[domain.SeriesKey{Year: 2025}][day][domain.MetricPeopleIntoWork]; n != 5 {
		t.Errorf("the series read was changed: %d", n)
	}
}

// TestTargetMoves: a change moves a target's figure when it counts or
// takes out a submission of the target's project (any, for the
// programme's), with a figure of its metric, whose period ended in its
// window.
func TestTargetMoves(t *testing.T) {
	t.Parallel()
	start := domain.MustDate("2025-01-01")
	tg := domain.Target{ProjectID: "a", Metric: domain.MetricReferrals, StartDate: domain.MustDate("2025-04-01"), Deadline: domain.MustDate("2025-12-31")}
	o := func(project, end string, m domain.Metric) domain.FigureChange {
		return domain.FigureChange{Count: []domain.Outcome{{ProjectID: project, PeriodEnd: domain.MustDate(end), Counts: map[domain.Metric]int64{m: 4}}}}
	}
	for _, c := range []struct {
		fc   domain.FigureChange
		want bool
	}{
		{o("a", "2025-06-30", domain.MetricReferrals), true},
		{o("a", "2025-12-31", domain.MetricReferrals), true},
		{o("a", "2025-03-31", domain.MetricReferrals), false}, // before its start
		{o("a", "2026-01-31", domain.MetricReferrals), false}, // after its deadline
		{o("b", "2025-06-30", domain.MetricReferrals), false}, // another project's
		{o("a", "2025-06-30", domain.MetricJobStarts), false}, // another metric
		{domain.FigureChange{Uncount: o("a", "2025-06-30", domain.MetricReferrals).Count}, true},
	} {
		if got := tg.Moves(start, c.fc); got != c.want {
			t.Errorf("%+v: moves %v, want %v", c.fc, got, c.want)
		}
	}
	whole := tg
	whole.ProjectID = ""
	if !whole.Moves(start, o("b", "2025-06-30", domain.MetricReferrals)) {
		t.Error("a programme-wide target is not moved by a project's figures")
	}
}

// TestPaymentDueNotice: the email recorded when a payment falls due names
// the payment, its grant, the funder and why, with no recipients (fixed as
// it is sent), pending.
func TestPaymentDueNotice(t *testing.T) {
	t.Parallel()
	d := domain.MustDate("2026-01-01")
	g := domain.Grant{ID: "g1", FunderID: "f1", ProjectID: "a", Title: "Employment specialists",
		StartDate: domain.MustDate("2025-04-01"), EndDate: domain.MustDate("2027-03-31")}
	p := domain.Payment{ID: "p1", GrantID: "g1", AmountPence: 40_000_00, DueDate: &d, Trigger: domain.Trigger{Kind: domain.TriggerDate},
		Status: domain.PaymentDue, DueSince: d}
	at := time.Date(2026, 1, 15, 9, 0, 0, 0, time.UTC)
	n := domain.PaymentDueNotice("prog", g, p, d, domain.TriggerWords{}, at)
	if n.ID != "p1.payment-due" || n.Kind != domain.KindPaymentDue || n.Status != domain.NotificationPending || n.Recipients != nil ||
		len(n.FunderIDs) != 1 || n.FunderIDs[0] != "f1" || n.ProjectID != "a" || n.On != d || n.Because != "due on 1 January 2026" ||
		n.Released != "on 1 January 2026" || n.AmountPence != 40_000_00 || n.GrantTitle != g.Title || !n.CreatedAt.Equal(at) ||
		n.PeriodStart != g.StartDate || n.PeriodEnd != g.EndDate {
		t.Errorf("the email: %+v", n)
	}
}
