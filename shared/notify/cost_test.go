package notify_test

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/store"
)

// TestRunReadsOnlyWhatChanged: with 30 programmes, a run after no change
// makes a fixed handful of index queries; a run after changes to 3 reads
// only those 3 programmes (their targets and what their emails need); a run
// on the day 2 targets are due a check reads only theirs.
func TestRunReadsOnlyWhatChanged(t *testing.T) {
	t.Parallel()
	e := newEnv(t)

	type prog struct {
		id, project string
	}
	const n = 30
	progs := make([]prog, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			e := e.inGoroutine()
			p := e.programme(fmt.Sprintf("Programme %02d", i), "2026-01-01", "2027-12-31")
			pr := e.project(p.ID, "Project")
			f := e.funder(p.ID, "Funder", e.addr(fmt.Sprintf("funder%02d", i), "example.org"))
			deadline := "2026-12-31" // quarter mark 2026-04-02
			if i%10 == 9 {
				// 89 days: quarter mark 2026-01-24 (i = 9, 19, 29), after the
				// at-risk grace of the targets set on 2026-01-05 (2026-01-19).
				deadline = "2026-03-31"
			}
			e.target(p.ID, obj{"metric": "peopleIntoWork", "value": 1000, "deadline": deadline, "projectId": pr.ID, "notify": []string{f.ID}})
			progs[i] = prog{p.ID, pr.ID}
		})
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}

	// The first run visits every programme (each had a target created).
	e.clk.Set("2026-01-06T09:00:00Z")
	rep := e.run()
	if rep.ProgrammesChanged != n || rep.TargetsRead != n || rep.TargetsDue != 0 || rep.Emails != 0 {
		t.Fatalf("first run: %+v", rep)
	}

	// No change: only the six index queries (changed programmes, targets
	// due, pending emails, returns due a look, unfinished generations,
	// payments due by date), one a shard of each.
	const idle = 6 * store.Shards
	e.clk.Add(time.Minute)
	used := e.count.Measure(func() { rep = e.run() })
	ops, total, items, touched := used.Ops, used.Requests, used.Items, used.ProgrammeIDs()
	if rep.ProgrammesChanged != 0 || rep.TargetsRead != 0 || rep.TargetsDue != 0 {
		t.Errorf("idle run: %+v", rep)
	}
	if total != idle || items != 0 || len(touched) != 0 || ops["Query/GSI1"] != 3*store.Shards || ops["Query/GSI2"] != 2*store.Shards || ops["Query/GSI3"] != store.Shards {
		t.Errorf("idle run made %d requests returning %d items: %v, touching %v; want %d index queries", total, items, ops, touched, idle)
	}
	// And that stays so run after run.
	if again := e.count.Measure(func() { e.run() }).Requests; again != total {
		t.Errorf("second idle run: %d requests, first %d", again, total)
	}

	// Figures change in 3 programmes.
	changed := []string{progs[2].id, progs[11].id, progs[27].id}
	for _, i := range []int{2, 11, 27} {
		e.submit(progs[i].id, progs[i].project, 3, "")
	}
	e.clk.Add(time.Minute)
	used = e.count.Measure(func() { rep = e.run() })
	ops, total, items, touched = used.Ops, used.Requests, used.Items, used.ProgrammeIDs()
	if rep.ProgrammesChanged != 3 || rep.TargetsRead != 3 || rep.TargetsDue != 0 || rep.Claimed != 0 {
		t.Errorf("run after 3 changes: %+v", rep)
	}
	slices.Sort(changed)
	if !slices.Equal(touched, changed) {
		t.Errorf("run after 3 changes touched programmes %v, want only %v", touched, changed)
	}
	// Per programme: programme, targets, the years of figures their windows
	// cover, clear marker (4), and funders, projects and members when a
	// milestone fires (3 more): at most 7; plus the index queries.
	if total > idle+3*7 || ops["Scan"] != 0 || items > 3*8 {
		t.Errorf("run after 3 changes: %d requests, %d items: %v", total, items, ops)
	}
	t.Logf("run after 3 changes: %d requests, %d items: %v", total, items, ops)

	// Three targets (i = 9, 19, 29) reach their quarter mark on 2026-01-24.
	e.clk.Set("2026-01-24T06:00:00Z")
	used = e.count.Measure(func() { rep = e.run() })
	total, touched = used.Requests, used.ProgrammeIDs()
	due := []string{progs[9].id, progs[19].id, progs[29].id}
	slices.Sort(due)
	if rep.ProgrammesChanged != 0 || rep.TargetsRead != 0 || rep.TargetsDue != 3 {
		t.Errorf("run on the due date: %+v", rep)
	}
	if !slices.Equal(touched, due) || total > idle+3*7 {
		t.Errorf("run on the due date: %d requests touching %v, want only %v", total, touched, due)
	}
	// Rescheduled a week on: the next run finds nothing due.
	used = e.count.Measure(func() { rep = e.run() })
	if total = used.Requests; rep.TargetsDue != 0 || total > idle {
		t.Errorf("run after rescheduling: %+v, %d requests", rep, total)
	}
}
