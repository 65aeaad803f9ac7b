package notify_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/notify"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/store"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// wakeCase is how a target whose "missed" is due comes to be looked at
// only because its programme changed, out of the due index (it has no
// time-driven check left: Target.NextCheck), while figures that could
// reach it await review: untold, it was set in January without anyone to
// tell and its notice day (21 July) went by telling nobody, and a funder
// is added to it on 1 October; else it is recorded on 1 October, three
// months after its deadline (but within 90 days of its notice day, so
// "missed" is still emailed).
//
// Told nobody on its notice day (21 July), the target's hold for review
// is over by 1 October (domain.MissedReviewHold days after that day, 18
// August): "missed" goes at once, on the approved figure, saying one
// submission awaited review, and the target is not woken. Recorded on 1
// October, it is held from that day.
type wakeCase struct{ untold bool }

// playWake: a target of 60 people into work by 30 June 2026 for a
// project with 10 counted; June's figures, 55, await review from 1
// August (the programme reviews its submissions); on 1 October the
// programme's change has the notifier hold "missed" back (10 + 55 could
// reach 60). The figures are sent back (changes requested), which marks
// nothing changed: the next day's run still decides, and sends "missed"
// once; no run after sends anything (untold, the hold is over and
// "missed" goes on 1 October: see wakeCase). With count (DynamoDB Local)
// the run that holds it is measured: one UpdateItem, putting the target
// back in the due index for the next day.
func (rig missedRig) playWake(c wakeCase) {
	t := rig.t
	t.Helper()
	rig.clk.Set("2026-01-05T09:00:00Z")
	b, prog, project, funder := missedWorld(t, rig.svc, rig.contact, rig.lead)
	b.Outcome(prog.ID, project.ID, obj{"periodStart": "2026-01-01", "periodEnd": "2026-01-31", "counts": obj{"peopleIntoWork": 10}})
	reviewOutcomes(t, rig.svc, prog.ID)
	target := obj{"metric": "peopleIntoWork", "value": 60, "deadline": "2026-06-30", "projectId": project.ID}
	var tg domain.Target
	if c.untold {
		target["notify"] = []string{}
		tg = b.Target(prog.ID, target)
	}
	rig.run()
	if c.untold {
		rig.clk.Set("2026-07-21T06:00:00Z") // its notice day: nobody to tell
		if rep := rig.run(); rep.TargetsDue != 1 || rep.Claimed != 0 || rep.MissedWaiting != 0 {
			t.Fatalf("the run on the notice day: %+v, want the target looked at and nothing claimed", rep)
		}
	}

	rig.clk.Set("2026-08-01T09:00:00Z")
	sent := b.Outcome(prog.ID, project.ID, obj{"periodStart": "2026-06-01", "periodEnd": "2026-06-30", "counts": obj{"peopleIntoWork": 55}})
	if sent.Status != domain.OutcomePending {
		t.Fatalf("submission %s, want pending", sent.Status)
	}
	rig.run()

	var got []string // what happened, by run
	look := func(at string) notify.Report {
		rig.clk.Set(at)
		rep := rig.run()
		if rep.Emails > 0 || rep.MissedWaiting > 0 {
			got = append(got, fmt.Sprintf("%s: %d emails, %d waiting", at, rep.Emails, rep.MissedWaiting))
		}
		return rep
	}
	rig.clk.Set("2026-10-01T09:00:00Z")
	if c.untold {
		if _, err := rig.svc.Open(t.Context(), testkit.AdminCaller(), prog.ID).UpdateTarget(tg.ID, func(int64) bool { return true },
			testkit.Body(obj{"notify": []string{funder.ID}})); err != nil {
			t.Fatal(err)
		}
	} else {
		target["notify"] = []string{funder.ID}
		tg = b.Target(prog.ID, target)
	}
	if next := tg.NextCheck(prog.StartDate, domain.MustDate("2026-10-01")); !next.IsZero() {
		t.Fatalf("the target has a time-driven check (%s): not the case this tests", next)
	}
	if rig.count == nil || c.untold {
		look("2026-10-01T09:05:00Z")
	} else {
		used := rig.count.Measure(func() { look("2026-10-01T09:05:00Z") })
		t.Logf("the run holding \"missed\": %d requests: %v", used.Requests, used.Ops)
		rig.checkWakeCost(used)
	}
	if n := rig.subjects(); len(n) != 0 && !c.untold {
		t.Errorf("while figures that could reach the target await review: %v", n)
	}
	rig.clk.Set("2026-10-01T10:00:00Z")
	if _, err := rig.svc.OpenProject(t.Context(), testkit.Caller(rig.lead), prog.ID, project.ID).ReviewOutcome(sent.ID,
		testkit.Body(obj{"decision": "request-changes", "comment": "Please check the June figure against the caseload log."})); err != nil {
		t.Fatal(err)
	}
	for _, at := range []string{"2026-10-01T10:05:00Z", "2026-10-02T06:00:00Z", "2026-10-02T07:00:00Z", "2026-10-03T06:00:00Z",
		"2026-10-09T06:00:00Z", "2027-01-01T06:00:00Z"} {
		look(at)
	}
	t.Logf("runs: %v", got)
	want := []string{"2026-10-01T09:05:00Z: 0 emails, 1 waiting", "2026-10-02T06:00:00Z: 1 emails, 0 waiting"}
	sentOn, awaiting := "2026-10-02", int64(0) // sent back on 1 October: none awaits review
	if c.untold {
		want, sentOn, awaiting = []string{"2026-10-01T09:05:00Z: 1 emails, 0 waiting"}, "2026-10-01", 1
	}
	if strings.Join(got, "; ") != strings.Join(want, "; ") {
		t.Errorf("runs %q, want %q", got, want)
	}
	subjects := rig.subjects()
	if len(subjects) != 1 {
		t.Errorf("emails by subject %v, want one \"Target missed\"", subjects)
	}
	for s, n := range subjects {
		if !strings.HasPrefix(s, "Target missed:") || n != 1 {
			t.Errorf("%d emails %q, want one \"Target missed\"", n, s)
		}
	}
	notes, _, err := rig.svc.Open(t.Context(), testkit.AdminCaller(), prog.ID).ListNotifications(service.Page{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, n := range notes {
		if n.TargetID != tg.ID {
			continue
		}
		if n.ID != domain.NotificationID(tg.ID, domain.KindMissed, 100) {
			t.Errorf("a %s notification of the target: %+v", n.Kind, n)
			continue
		}
		found++
		if n.Status != domain.NotificationSent || n.On.String() != sentOn || n.AwaitingReview != awaiting {
			t.Errorf("missed notification %s on %s, %d awaiting review, want sent on %s, %d awaiting review", n.Status, n.On, n.AwaitingReview, sentOn, awaiting)
		}
	}
	if found != 1 {
		t.Errorf("%d missed notifications, want 1", found)
	}
}

// checkWakeCost holds the run that holds "missed" back, reached through
// the changed programme, to its DynamoDB requests: beside the six index
// queries a shard, the programme (GetItem), its targets (Query), its
// figures (BatchGetItem), its schedules for the grace (Query), the review
// queue (a Query of GSI1), the figures again (BatchGetItem), the target
// woken for the next day (UpdateItem, the one request the fix adds) and
// the changed marker cleared (UpdateItem): no claim, no email.
func (rig missedRig) checkWakeCost(used testkit.Counts) {
	rig.t.Helper()
	want := 6*store.Shards + 8
	if used.Requests != want || used.Ops["BatchGetItem"] != 2 || used.Ops["GetItem"] != 1 || used.Ops["UpdateItem"] != 2 ||
		used.Ops["Query/GSI1"] != 3*store.Shards+1 || used.Ops["TransactWriteItems"] != 0 || used.Ops["Scan"] != 0 {
		rig.t.Errorf("the run holding \"missed\": %d requests %v, want %d: two figure reads, the programme, its targets and schedules, "+
			"the review queue, the target woken and the marker cleared (two UpdateItems)", used.Requests, used.Ops, want)
	}
}

// wakeCases are TestMemMissedWaitsOutOfTheDueIndex's cases.
var wakeCases = map[string]wakeCase{
	"recorded after its deadline":   {},
	"nobody told on its notice day": {untold: true},
}

// TestMemMissedWaitsOutOfTheDueIndex: a target out of the due index whose
// "missed" a changed programme's run holds back for figures under review
// is put back in it for the next day, so that, the figures sent back (a
// change that marks nothing), "missed" is still decided: sent once, the
// next day, and never again. On the in-memory fake.
func TestMemMissedWaitsOutOfTheDueIndex(t *testing.T) {
	t.Parallel()
	for name, c := range wakeCases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			memMissedRig(t).playWake(c)
		})
	}
}

// TestMissedWaitsOutOfTheDueIndex is TestMemMissedWaitsOutOfTheDueIndex
// on DynamoDB Local and the SES emulator, with the holding run's
// requests counted.
func TestMissedWaitsOutOfTheDueIndex(t *testing.T) {
	t.Parallel()
	for name, c := range wakeCases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			localMissedRig(t).playWake(c)
		})
	}
}
