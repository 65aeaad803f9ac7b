package domain_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// TestMilestones: one "reached" per threshold crossed, "missed" and
// "at-risk" from the status, nothing for a target on track below its first
// threshold.
func TestMilestones(t *testing.T) {
	t.Parallel()
	reached := func(th int64) domain.Milestone { return domain.Milestone{Kind: domain.KindReached, Threshold: th} }
	missed := domain.Milestone{Kind: domain.KindMissed, Threshold: 100}
	atRisk := domain.Milestone{Kind: domain.KindAtRisk, Threshold: 100}
	cases := []struct {
		name       string
		value      int64
		thresholds []int64
		current    int64
		status     domain.TargetStatus
		want       []domain.Milestone
	}{
		{"nothing yet", 60, []int64{100}, 0, domain.StatusOnTrack, nil},
		{"just short", 60, []int64{100}, 59, domain.StatusOnTrack, nil},
		{"exactly reached", 60, []int64{100}, 60, domain.StatusReached, []domain.Milestone{reached(100)}},
		{"over", 60, []int64{100}, 61, domain.StatusReached, []domain.Milestone{reached(100)}},
		{"half of two", 60, []int64{50, 100}, 30, domain.StatusOnTrack, []domain.Milestone{reached(50)}},
		{"both of two", 60, []int64{50, 100}, 62, domain.StatusReached, []domain.Milestone{reached(50), reached(100)}},
		{"just under half", 60, []int64{50, 100}, 29, domain.StatusOnTrack, nil},
		// 50% of 3 is 1.5: 1 is not there, 2 is (no rounding down of the bar).
		{"odd value, under", 3, []int64{50}, 1, domain.StatusOnTrack, nil},
		{"odd value, over", 3, []int64{50}, 2, domain.StatusOnTrack, []domain.Milestone{reached(50)}},
		{"stretch threshold", 60, []int64{100, 150}, 90, domain.StatusReached, []domain.Milestone{reached(100), reached(150)}},
		{"stretch threshold not yet", 60, []int64{100, 150}, 89, domain.StatusReached, []domain.Milestone{reached(100)}},
		{"missed", 60, []int64{100}, 40, domain.StatusMissed, []domain.Milestone{missed}},
		{"missed after half", 60, []int64{50, 100}, 40, domain.StatusMissed, []domain.Milestone{reached(50), missed}},
		{"at risk", 60, []int64{100}, 5, domain.StatusAtRisk, []domain.Milestone{atRisk}},
		{"at risk after half", 60, []int64{50, 100}, 31, domain.StatusAtRisk, []domain.Milestone{reached(50), atRisk}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tg := domain.Target{ID: "t", Value: c.value, Thresholds: c.thresholds}
			got := tg.Milestones(domain.TargetProgress{Current: c.current, Status: c.status, Value: c.value})
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("Milestones = %+v, want %+v", got, c.want)
			}
		})
	}
}

// TestMilestonesFromEvaluate: Evaluate and Milestones together, as the
// notifier uses them.
func TestMilestonesFromEvaluate(t *testing.T) {
	t.Parallel()
	start := domain.MustDate("2026-01-01")
	tg := domain.Target{ID: "t", Value: 60, Deadline: domain.MustDate("2026-12-31"), Thresholds: []int64{100}}
	if got := tg.Milestones(tg.Evaluate(61, start, domain.MustDate("2026-06-01"))); !reflect.DeepEqual(got,
		[]domain.Milestone{{Kind: domain.KindReached, Threshold: 100}}) {
		t.Errorf("61 of 60: %+v", got)
	}
	if got := tg.Milestones(tg.Evaluate(59, start, domain.MustDate("2027-01-01"))); !reflect.DeepEqual(got,
		[]domain.Milestone{{Kind: domain.KindMissed, Threshold: 100}}) {
		t.Errorf("59 of 60 after the deadline: %+v", got)
	}
	if got := tg.Milestones(tg.Evaluate(5, start, domain.MustDate("2026-04-02"))); !reflect.DeepEqual(got,
		[]domain.Milestone{{Kind: domain.KindAtRisk, Threshold: 100}}) {
		t.Errorf("5 of 60 at the quarter: %+v", got)
	}
	if got := tg.Milestones(tg.Evaluate(5, start, domain.MustDate("2026-04-01"))); len(got) != 0 {
		t.Errorf("5 of 60 before the quarter: %+v", got)
	}
}

// TestNotificationID: fixed per (target, kind, threshold), different otherwise.
func TestNotificationID(t *testing.T) {
	t.Parallel()
	a := domain.NotificationID("T1", domain.KindReached, 100)
	if a != domain.NotificationID("T1", domain.KindReached, 100) {
		t.Fatal("not stable")
	}
	seen := map[string]bool{a: true}
	for _, id := range []string{
		domain.NotificationID("T1", domain.KindReached, 50),
		domain.NotificationID("T1", domain.KindMissed, 100),
		domain.NotificationID("T1", domain.KindAtRisk, 100),
		domain.NotificationID("T2", domain.KindReached, 100),
	} {
		if seen[id] {
			t.Errorf("id %q collides", id)
		}
		seen[id] = true
	}
}

func TestNotificationHeadline(t *testing.T) {
	t.Parallel()
	n := domain.Notification{Value: 60, Metric: domain.MetricPeopleIntoWork, Kind: domain.KindReached, Threshold: 100}
	cases := []struct {
		kind      domain.NotificationKind
		threshold int64
		want      string
	}{
		{domain.KindReached, 100, "Target reached: 60 people into work (IPS Network)"},
		{domain.KindReached, 50, "50% of target reached: 60 people into work (IPS Network)"},
		{domain.KindMissed, 100, "Target missed: 60 people into work (IPS Network)"},
		{domain.KindAtRisk, 100, "Target at risk: 60 people into work (IPS Network)"},
	}
	for _, c := range cases {
		n.Kind, n.Threshold = c.kind, c.threshold
		if got := n.Headline("IPS Network"); got != c.want {
			t.Errorf("%s %d: %q, want %q", c.kind, c.threshold, got, c.want)
		}
	}
}

// TestNotificationFigureOnlyOnMilestones: the list shows a figure on a
// milestone, 0 included (a target missed with none), and none on the
// reporting cycle's and payments' emails, which count nothing.
func TestNotificationFigureOnlyOnMilestones(t *testing.T) {
	for _, c := range []struct {
		n    domain.Notification
		want string // the figure as listed, "" for none
	}{
		{domain.Notification{Kind: domain.KindMissed, Figure: 0, Threshold: 100}, "0"},
		{domain.Notification{Kind: domain.KindReached, Figure: 61, Threshold: 100}, "61"},
		{domain.Notification{Kind: domain.KindAtRisk, Figure: 3}, "3"},
		{domain.Notification{Kind: domain.KindReminder}, ""},
		{domain.Notification{Kind: domain.KindOverdue}, ""},
		{domain.Notification{Kind: domain.KindAwaitingReview}, ""},
		{domain.Notification{Kind: domain.KindChangesRequested}, ""},
		{domain.Notification{Kind: domain.KindPaymentDue}, ""},
	} {
		data, err := json.Marshal(c.n)
		if err != nil {
			t.Fatal(err)
		}
		var got map[string]json.RawMessage
		if err := json.Unmarshal(data, &got); err != nil {
			t.Fatal(err)
		}
		if string(got["figure"]) != c.want || string(got["kind"]) != `"`+string(c.n.Kind)+`"` {
			t.Errorf("%s: figure %q, kind %s; want figure %q", c.n.Kind, got["figure"], got["kind"], c.want)
		}
	}
}
