package notify_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// playBound: a target of 60 people into work by 31 December 2026 for a
// project with 10 counted; December's 55 await review from 10 January
// 2027 and are not reviewed. "Missed" may first go on 21 January (20
// days' grace, then the day after) and is held while the 55 could reach
// the target, but at most domain.MissedReviewHold (28) days: held on 21
// January and 17 February, it goes on 18 February, once, however many
// runs overlap that day, on the approved figure (10), saying one
// submission for the target's period was still awaiting review. The
// submission approved on 20 February reaches the target: "reached" goes
// too, once (a kind of its own: each (target, kind, threshold) at most
// once), saying the figures came in after the deadline; "missed" is not
// taken back, and no run after sends anything more.
func (rig missedRig) playBound() {
	t := rig.t
	t.Helper()
	b, prog, project, tg := rig.shortOfTarget()
	sent := rig.sendDecember(b, prog, project)
	if end := tg.MissedHoldEnds(domain.DefaultDueDays); end.String() != "2027-02-18" {
		t.Fatalf("the hold ends %s, want 2027-02-18: not the case this tests", end)
	}

	var got []string // what happened, by run
	look := func(at string, runs int) {
		rig.clk.Set(at)
		rep := runsAtOnce(t, runs, rig.notifier)
		if rep.Emails > 0 || rep.MissedWaiting > 0 {
			got = append(got, fmt.Sprintf("%s: %d emails, %d waiting", at, rep.Emails, rep.MissedWaiting))
		}
	}
	for _, at := range []string{"2027-01-21T06:00:00Z", "2027-02-01T06:00:00Z", "2027-02-17T06:00:00Z"} {
		look(at, 1)
	}
	// The hold's end: runs at once, as overlapping scheduler deliveries.
	look("2027-02-18T06:00:00Z", 3)
	look("2027-02-18T07:00:00Z", 2)
	look("2027-02-19T06:00:00Z", 1)
	rig.clk.Set("2027-02-20T09:00:00Z")
	if _, err := rig.svc.OpenProject(t.Context(), testkit.Caller(rig.lead), prog.ID, project.ID).ReviewOutcome(sent.ID,
		testkit.Body(obj{"decision": "approve"})); err != nil {
		t.Fatal(err)
	}
	look("2027-02-20T09:05:00Z", 3)
	for _, at := range []string{"2027-02-20T10:00:00Z", "2027-02-21T06:00:00Z", "2027-03-01T06:00:00Z"} {
		look(at, 1)
	}
	want := []string{
		"2027-01-21T06:00:00Z: 0 emails, 1 waiting", "2027-02-01T06:00:00Z: 0 emails, 1 waiting", "2027-02-17T06:00:00Z: 0 emails, 1 waiting",
		"2027-02-18T06:00:00Z: 1 emails, 0 waiting", "2027-02-20T09:05:00Z: 1 emails, 0 waiting",
	}
	if strings.Join(got, "; ") != strings.Join(want, "; ") {
		t.Errorf("runs:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	texts := rig.texts()
	if len(texts) != 2 {
		t.Errorf("emails by subject %v, want one \"Target missed\" and one \"Target reached\"", rig.subjects())
	}
	for subject, bodies := range texts {
		var says string
		switch {
		case strings.HasPrefix(subject, "Target missed:"):
			says = "did not reach its target of 60 people into work by the deadline: 10 as of 18 February 2027.\n" +
				"On 18 February 2027, 1 submission with figures for the target's period was still awaiting review: the figure above counts only approved figures.\n"
		case strings.HasPrefix(subject, "Target reached:"):
			says = "reached 100% of its target of 60 people into work by its deadline of 31 December 2026: 65 as of 20 February 2027, in figures that came in after the deadline."
		default:
			t.Errorf("an email %q", subject)
			continue
		}
		if len(bodies) != 1 || !strings.Contains(bodies[0], says) {
			t.Errorf("%d emails %q, want one saying %q:\n%s", len(bodies), subject, says, strings.Join(bodies, "\n---\n"))
		}
	}

	notes, _, err := rig.svc.Open(t.Context(), testkit.AdminCaller(), prog.ID).ListNotifications(service.Page{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[domain.NotificationKind]domain.Notification{}
	for _, n := range notes {
		if n.TargetID == tg.ID {
			if _, twice := kinds[n.Kind]; twice {
				t.Errorf("two %s notifications of the target", n.Kind)
			}
			kinds[n.Kind] = n
		}
	}
	missed, reached := kinds[domain.KindMissed], kinds[domain.KindReached]
	if len(kinds) != 2 || missed.Status != domain.NotificationSent || missed.On.String() != "2027-02-18" || missed.Figure != 10 || missed.AwaitingReview != 1 {
		t.Errorf("the target's notifications %+v: want \"missed\" sent on 2027-02-18, figure 10, 1 awaiting review", kinds)
	}
	if reached.Status != domain.NotificationSent || reached.On.String() != "2027-02-20" || reached.Figure != 65 || reached.AwaitingReview != 0 {
		t.Errorf("\"reached\" %+v: want sent on 2027-02-20, figure 65, none awaiting review said", reached)
	}
}

// TestMemMissedHeldAtMostMissedReviewHold: "missed" is held for figures
// under review at most domain.MissedReviewHold days, then goes once on
// the approved figures, saying how many submissions still awaited review;
// an approval reaching the target afterwards sends "reached" once. On the
// in-memory fake.
func TestMemMissedHeldAtMostMissedReviewHold(t *testing.T) {
	t.Parallel()
	memMissedRig(t).playBound()
}

// TestMissedHeldAtMostMissedReviewHold is
// TestMemMissedHeldAtMostMissedReviewHold on DynamoDB Local and the SES
// emulator.
func TestMissedHeldAtMostMissedReviewHold(t *testing.T) {
	t.Parallel()
	localMissedRig(t).playBound()
}
