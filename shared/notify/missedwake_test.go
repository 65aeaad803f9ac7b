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
	if !rig.listed(prog.ID, tg.ID).DueOn.IsZero() {
		t.Fatalf("the target is in the due index (on %s): not the case this tests", rig.listed(prog.ID, tg.ID).DueOn)
	}
	switch {
	case rig.count != nil && !c.untold:
		used := rig.count.Measure(func() { look("2026-10-01T09:05:00Z") })
		t.Logf("the run holding \"missed\": %d requests: %v", used.Requests, used.Ops)
		rig.checkWakeCost(used)
	case rig.ops != nil:
		// Held, it is woken once; untold, "missed" goes and nothing is.
		want := 1
		if c.untold {
			want = 0
		}
		if ops := rig.ops(func() { look("2026-10-01T09:05:00Z") }); countOps(ops, "WakeTarget") != want {
			t.Errorf("the run on 1 October woke the target %d times (%v), want %d", countOps(ops, "WakeTarget"), ops, want)
		}
	default:
		look("2026-10-01T09:05:00Z")
	}
	if woken := rig.listed(prog.ID, tg.ID).DueOn; !c.untold && woken != domain.MustDate("2026-10-02") {
		t.Errorf("held on 1 October, the target is listed due on %s, want 2026-10-02", woken)
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

// playDueTomorrow: a target of 60 people into work by 31 December 2026
// with 10 counted and December's 55 awaiting review. On 21 January 2027,
// the day "missed" may first go, the due pass holds it back and keeps
// the target in the due index for the next day. A second target set that
// morning (nobody to tell) marks the programme changed: the run that
// looks at it through the changed programme holds "missed" back again,
// but the target is due tomorrow already, so it is not woken: with count
// (DynamoDB Local) that run's one UpdateItem is the changed marker
// cleared; with ops (the in-memory fake) it makes no WakeTarget. The
// figures are sent back the same day and "missed" goes on 22 January's
// look, once.
func (rig missedRig) playDueTomorrow() {
	t := rig.t
	t.Helper()
	b, prog, project, tg := rig.shortOfTarget()
	sent := rig.sendDecember(b, prog, project)

	rig.clk.Set("2027-01-21T06:00:00Z")
	if rep := rig.run(); rep.TargetsDue != 1 || rep.MissedWaiting != 1 || rep.Emails != 0 {
		t.Fatalf("the run on 21 January: %+v, want the target due and \"missed\" held back", rep)
	}
	tomorrow := domain.MustDate("2027-01-22")
	if got := rig.listed(prog.ID, tg.ID).DueOn; got != tomorrow {
		t.Fatalf("held target listed due on %s, want %s", got, tomorrow)
	}
	rig.clk.Set("2027-01-21T06:30:00Z")
	b.Target(prog.ID, obj{"metric": "peopleIntoWork", "value": 200, "deadline": "2027-12-31", "notify": []string{}})

	rig.clk.Set("2027-01-21T07:00:00Z")
	var rep notify.Report
	switch {
	case rig.count != nil:
		used := rig.count.Measure(func() { rep = rig.run() })
		t.Logf("the changed programme's run holding \"missed\": %d requests: %v", used.Requests, used.Ops)
		// checkWakeCost's requests but the wake.
		if want := 6*store.Shards + 7; used.Requests != want || used.Ops["UpdateItem"] != 1 || used.Ops["TransactWriteItems"] != 0 {
			t.Errorf("the changed programme's run holding \"missed\": %d requests %v, want %d, one UpdateItem (the changed marker cleared) "+
				"and no wake: the target is due tomorrow already", used.Requests, used.Ops, want)
		}
	case rig.ops != nil:
		ops := rig.ops(func() { rep = rig.run() })
		if n := countOps(ops, "WakeTarget"); n != 0 {
			t.Errorf("the changed programme's run holding \"missed\" woke the target %d times (%v): it is due tomorrow already", n, ops)
		}
	default:
		rep = rig.run()
	}
	if rep.ProgrammesChanged != 1 || rep.MissedWaiting != 1 || rep.TargetsDue != 0 || rep.Claimed != 0 {
		t.Errorf("the changed programme's run: %+v, want it to hold \"missed\" back, claiming nothing", rep)
	}
	if got := rig.listed(prog.ID, tg.ID).DueOn; got != tomorrow {
		t.Errorf("after the changed programme's run, listed due on %s, want %s", got, tomorrow)
	}

	rig.clk.Set("2027-01-21T09:00:00Z")
	if _, err := rig.svc.OpenProject(t.Context(), testkit.Caller(rig.lead), prog.ID, project.ID).ReviewOutcome(sent.ID,
		testkit.Body(obj{"decision": "request-changes", "comment": "Please check the December figure against the caseload log."})); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, at := range []string{"2027-01-21T09:05:00Z", "2027-01-22T06:00:00Z", "2027-01-22T07:00:00Z", "2027-01-29T06:00:00Z"} {
		rig.clk.Set(at)
		if rep := rig.run(); rep.Emails > 0 || rep.MissedWaiting > 0 {
			got = append(got, fmt.Sprintf("%s: %d emails, %d waiting", at, rep.Emails, rep.MissedWaiting))
		}
	}
	if want := "2027-01-22T06:00:00Z: 1 emails, 0 waiting"; strings.Join(got, "; ") != want {
		t.Errorf("runs %q, want %q", got, want)
	}
	if subjects := rig.subjects(); len(subjects) != 1 {
		t.Errorf("emails by subject %v, want one \"Target missed\"", subjects)
	} else {
		for s, n := range subjects {
			if !strings.HasPrefix(s, "Target missed:") || n != 1 {
				t.Errorf("%d emails %q, want one \"Target missed\"", n, s)
			}
		}
	}
}

// listed is target id of programme pid as the store lists it.
func (rig missedRig) listed(pid, id string) domain.Target {
	rig.t.Helper()
	targets, err := service.All(rig.t.Context(), rig.st.ListTargets, pid)
	if err != nil {
		rig.t.Fatal(err)
	}
	for _, tg := range targets {
		if tg.ID == id {
			return tg
		}
	}
	rig.t.Fatalf("target %s not listed", id)
	return domain.Target{}
}

// countOps is how many of ops are op.
func countOps(ops []string, op string) int {
	n := 0
	for _, o := range ops {
		if o == op {
			n++
		}
	}
	return n
}

// TestMemHeldTargetDueTomorrowNotWoken: a changed programme's run that
// holds "missed" back for a target already due tomorrow (the due pass
// held it today) does not wake it, and "missed" still goes, once, the
// day after the figures are sent back. On the in-memory fake.
func TestMemHeldTargetDueTomorrowNotWoken(t *testing.T) {
	t.Parallel()
	memMissedRig(t).playDueTomorrow()
}

// TestHeldTargetDueTomorrowNotWoken is TestMemHeldTargetDueTomorrowNotWoken
// on DynamoDB Local and the SES emulator, the changed programme's run's
// requests counted: no UpdateItem but the changed marker's.
func TestHeldTargetDueTomorrowNotWoken(t *testing.T) {
	t.Parallel()
	localMissedRig(t).playDueTomorrow()
}
