package service_test

import (
	"slices"
	"sync"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// returnFigures are one caller's return counts wherever they are shown:
// progress (nil for a funder, who sees no returns block), the year's
// report and its portfolio line.
type returnFigures struct {
	progress *domain.ReturnCounts
	report   domain.ReportReturns
	overdue  int64
}

func returnFiguresOf(t *testing.T, w *world, r role) returnFigures {
	t.Helper()
	var f returnFigures
	f.progress = must(w.open(r).Progress()).Returns
	f.report = must(w.open(r).Report("2026-01-01", "2026-12-31")).Returns
	items := mustList(w.svc.Portfolio(w.ctx, caller(r), pageAll))
	i := slices.IndexFunc(items, func(it domain.PortfolioItem) bool { return it.ProgrammeID == w.P })
	if i < 0 {
		t.Fatalf("%s's portfolio lacks the programme", r)
	}
	f.overdue = items[i].ReturnsOverdue
	return f
}

// opsCounter counts the store operations the service asks for.
type opsCounter struct {
	mu  sync.Mutex
	ops map[string]int
}

func (c *opsCounter) before(op string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.ops[op]++
	return nil
}

func (c *opsCounter) take() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	ops := c.ops
	c.ops = map[string]int{}
	return ops
}

// TestReturnCountsAsFarAsTheCallerMaySee: progress, the period report and
// the portfolio count a project lead's own project's returns alone (a
// project lead reads no other project's: SPEC roles table, "read
// returns"), and every project's for leads, administrators and funders
// (funders read every return's status). A project lead's counts are read
// by key, never from the returns, while the schedule has kept counts by
// project since it was made; for a schedule made before that, they are
// counted from its own project's returns, and come out the same.
func TestReturnCountsAsFarAsTheCallerMaySee(t *testing.T) {
	w, clk := reportingWorld(t)
	must(w.open(lead).CreateSchedule(body(quarterly2026())))
	clk.set("2026-04-10T09:00:00Z")
	w.sendReferral(w.A, "2026-01-01", "2026-03-31") // on time
	clk.set("2026-05-01T09:00:00Z")
	w.sendReferral(w.B, "2026-01-01", "2026-03-31") // late
	must(w.open(lead).UpdateProgramme(always, body(map[string]any{"reviewOutcomes": true})))
	clk.set("2026-07-05T09:00:00Z")
	w.sendReferral(w.A, "2026-04-01", "2026-06-30") // on time, awaiting review
	clk.set("2026-10-25T09:00:00Z")                 // B's Q2 and both Q3s overdue

	pct := func(v float64) *float64 { return &v }
	// Due in 2026 and past due: Q1 (A on time, B late), Q2 (A on time,
	// awaiting review; B nothing), Q3 (nothing). Q4 is upcoming.
	want := map[role]returnFigures{
		lead: {progress: &domain.ReturnCounts{Overdue: 3, Submitted: 1, OnTimePercent: pct(33.3)},
			report: domain.ReportReturns{Due: 6, Received: 3, OnTime: 2, OnTimePercent: pct(33.3)}, overdue: 3},
		plOwn: {progress: &domain.ReturnCounts{Overdue: 1, Submitted: 1, OnTimePercent: pct(66.7)},
			report: domain.ReportReturns{Due: 3, Received: 2, OnTime: 2, OnTimePercent: pct(66.7)}, overdue: 1},
		plOther: {progress: &domain.ReturnCounts{Overdue: 2, Submitted: 0, OnTimePercent: pct(0)},
			report: domain.ReportReturns{Due: 3, Received: 1, OnTime: 0, OnTimePercent: pct(0)}, overdue: 2},
		funderOwn: {report: domain.ReportReturns{Due: 6, Received: 3, OnTime: 2, OnTimePercent: pct(33.3)}, overdue: 3},
	}
	want[admin] = want[lead]
	check := func(when string) {
		t.Helper()
		for _, r := range []role{admin, lead, plOwn, plOther, funderOwn} {
			got, exp := returnFiguresOf(t, w, r), want[r]
			same := func(a, b *float64) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }
			if (got.progress == nil) != (exp.progress == nil) ||
				(got.progress != nil && (got.progress.Due != exp.progress.Due || got.progress.Overdue != exp.progress.Overdue ||
					got.progress.Submitted != exp.progress.Submitted || !same(got.progress.OnTimePercent, exp.progress.OnTimePercent))) {
				t.Errorf("%s: %s's progress counts %+v, want %+v", when, r, got.progress, exp.progress)
			}
			if got.report.Due != exp.report.Due || got.report.Received != exp.report.Received || got.report.OnTime != exp.report.OnTime ||
				!same(got.report.OnTimePercent, exp.report.OnTimePercent) {
				t.Errorf("%s: %s's report returns %+v, want %+v", when, r, got.report, exp.report)
			}
			if got.overdue != exp.overdue {
				t.Errorf("%s: %s's portfolio overdue %d, want %d", when, r, got.overdue, exp.overdue)
			}
		}
	}
	ops := &opsCounter{ops: map[string]int{}}
	w.st.Before = ops.before
	check("counts kept by project")
	if n := ops.take()["ListReturns"]; n != 0 {
		t.Errorf("counts kept by project: %d lists of returns read, want none", n)
	}

	// The schedule as one made before counts were kept by project: a
	// project lead's are counted from its returns (one list a read), the
	// same; later writes count as well.
	w.st.ForgetProjectCounts(w.P)
	check("a schedule made before counts were kept by project")
	if n := ops.take()["ListReturns"]; n != 3*2 {
		t.Errorf("a schedule made before counts were kept by project: %d lists of returns read, want 6 (progress, report, portfolio for each project lead)", n)
	}
	w.sendReferral(w.B, "2026-07-01", "2026-09-30") // late, awaiting review
	for _, r := range []role{admin, lead, plOther, funderOwn} {
		f := want[r]
		if f.progress != nil {
			p := *f.progress
			p.Overdue, p.Submitted = p.Overdue-1, p.Submitted+1
			f.progress = &p
		}
		f.report.Received++
		f.overdue--
		want[r] = f
	}
	check("B's Q3 sent since")
}
