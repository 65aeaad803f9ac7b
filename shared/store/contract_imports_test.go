package store_test

import (
	"cmp"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// ctImportBatch plans submissions as an import does (without review).
func (c *ct) importBatch(pid, lock string, os []domain.Outcome, olds []*domain.Outcome) service.ImportBatch {
	b := service.ImportBatch{Lock: lock}
	for i, o := range os {
		var old *domain.Outcome
		if olds != nil {
			old = olds[i]
		}
		action := domain.ActionCreate
		if old != nil {
			o.Replaces, action = old.ID, domain.ActionCorrect
		}
		o = domain.NewSubmission(o, old, false)
		b.Submissions = append(b.Submissions, service.Submission{Outcome: o, Old: old, Figures: domain.Submitting(o, old, old)})
		b.Changes = append(b.Changes, c.change(pid, domain.EntityOutcome, o.ID, action, old, o))
	}
	return b
}

// ctImports: many submissions, every metric over many months and two
// projects (more attributes than one update may name, more items than
// one transaction holds), then corrections of half of them: the totals,
// series and audit trail are as if each were stored on its own.
func ctImports(c *ct) {
	p := c.programme()
	a, b := c.project(p.ID), c.project(p.ID)
	lock := domain.NewID()
	c.ok(c.st.LockImports(c.ctx, p.ID, lock, time.Now(), time.Minute))
	var os []domain.Outcome
	want := map[domain.Metric]int64{}
	for i := range 120 {
		project := []string{a.ID, b.ID}[i%2]
		end := time.Date(2015+i/24, time.Month(1+(i/2)%12), 1, 0, 0, 0, 0, time.UTC).AddDate(0, 1, -1)
		counts := map[domain.Metric]int64{}
		for j, m := range domain.Metrics {
			counts[m] = int64(1 + (i+j)%5)
			want[m] += counts[m]
		}
		os = append(os, ctOutcome(project, "", end.Format(time.DateOnly), counts))
	}
	n, err := c.st.ImportOutcomes(c.ctx, p.ID, c.importBatch(p.ID, lock, os, nil))
	c.ok(err)
	if n != len(os) {
		c.Fatalf("%d of %d written", n, len(os))
	}
	tot := c.totals(p.ID)
	ctSame(c, "programme totals", tot.Programme, want)
	if len(tot.Monthly) != 60 {
		c.Errorf("%d months, want 60", len(tot.Monthly))
	}
	var keys []domain.SeriesKey
	for y := 2015; y < 2020; y++ {
		keys = append(keys, domain.SeriesKey{Year: y})
	}
	series, err := c.st.Series(c.ctx, p.ID, keys)
	c.ok(err)
	var inSeries int64
	for _, k := range keys {
		for _, day := range series[k] {
			inSeries += day[domain.MetricReferrals]
		}
	}
	if inSeries != want[domain.MetricReferrals] {
		c.Errorf("the programme's series hold %d referrals, want %d", inSeries, want[domain.MetricReferrals])
	}

	// Correct every other one, to referrals 100.
	var fixes []domain.Outcome
	var olds []*domain.Outcome
	for i := 0; i < len(os); i += 2 {
		old := domain.NewSubmission(os[i], nil, false) // as stored
		fix := ctOutcome(old.ProjectID, "", old.PeriodEnd.String(), map[domain.Metric]int64{domain.MetricReferrals: 100})
		fixes, olds = append(fixes, fix), append(olds, &old)
		want[domain.MetricReferrals] += 100 - old.Counts[domain.MetricReferrals]
		for _, m := range domain.Metrics[1:] {
			want[m] -= old.Counts[m]
		}
	}
	n, err = c.st.ImportOutcomes(c.ctx, p.ID, c.importBatch(p.ID, lock, fixes, olds))
	c.ok(err)
	if n != len(fixes) {
		c.Fatalf("%d of %d corrections written", n, len(fixes))
	}
	for m, v := range want {
		if v == 0 {
			delete(want, m)
		}
	}
	ctSame(c, "totals after corrections", c.totals(p.ID).Programme, want)
	// Imported submissions are listed by their project and period as
	// submitted ones are: a correction with what it corrects, newest first.
	inPeriod, err := c.st.ListPeriodOutcomes(c.ctx, p.ID, a.ID, os[0].PeriodStart, os[0].PeriodEnd, 10)
	c.ok(err)
	ctSame(c, "the first row's period", ids(inPeriod, func(o domain.Outcome) string { return o.ID }), []string{fixes[0].ID, os[0].ID})
	// A correction of one corrected already is refused, and nothing of its
	// transaction is written.
	before := c.totals(p.ID)
	again := c.importBatch(p.ID, lock, []domain.Outcome{ctOutcome(a.ID, "", olds[0].PeriodEnd.String(), map[domain.Metric]int64{domain.MetricReferrals: 1})}, olds[:1])
	n, err = c.st.ImportOutcomes(c.ctx, p.ID, again)
	var ac *service.AlreadyCorrectedError
	if n != 0 || !errors.As(err, &ac) || ac.By.ID != fixes[0].ID {
		c.Errorf("a second correction: %d, %v", n, err)
	}
	ctSame(c, "totals after a refused correction", c.totals(p.ID), before)
	events := 0
	for pg := (service.Page{Limit: service.MaxLimit}); ; {
		evs, next, err := c.st.ListAudit(c.ctx, p.ID, service.AuditFilter{Entity: domain.EntityOutcome}, pg)
		c.ok(err)
		events += len(evs)
		if next == "" {
			break
		}
		pg.Cursor = next
	}
	if events != len(os)+len(fixes) {
		c.Errorf("%d audit events of submissions, want %d", events, len(os)+len(fixes))
	}
}

// ctImportLock: one import at a time; a holder whose lease ran out is
// taken over, and its transactions then refused.
func ctImportLock(c *ct) {
	p := c.programme()
	a := c.project(p.ID)
	now := time.Now()
	c.ok(c.st.LockImports(c.ctx, p.ID, "first", now, time.Minute))
	if err := c.st.LockImports(c.ctx, p.ID, "second", now.Add(time.Second), time.Minute); !errors.Is(err, service.ErrConflict) {
		c.Errorf("a second holder: %v", err)
	}
	c.ok(c.st.LockImports(c.ctx, p.ID, "second", now.Add(2*time.Minute), time.Minute))
	before := c.totals(p.ID)
	b := c.importBatch(p.ID, "first", []domain.Outcome{ctOutcome(a.ID, "", "2025-06-30", map[domain.Metric]int64{domain.MetricReferrals: 4})}, nil)
	if n, err := c.st.ImportOutcomes(c.ctx, p.ID, b); n != 0 || !errors.Is(err, service.ErrConflict) {
		c.Errorf("the first holder writes after a takeover: %d %v", n, err)
	}
	ctSame(c, "totals", c.totals(p.ID), before)
	c.ok(c.st.UnlockImports(c.ctx, p.ID, "first")) // not its lock: nothing happens
	if err := c.st.LockImports(c.ctx, p.ID, "third", now.Add(2*time.Minute), time.Minute); !errors.Is(err, service.ErrConflict) {
		c.Errorf("unlocked by a former holder: %v", err)
	}
	c.ok(c.st.UnlockImports(c.ctx, p.ID, "second"))
	c.ok(c.st.LockImports(c.ctx, p.ID, "third", now.Add(2*time.Minute), time.Minute))
}

// ctImportAnswer: an import batch under a claim with an answer saves the
// answer with its last transaction, so a repeat replays it even if the
// request died right after; one whose claim was taken over writes nothing.
func ctImportAnswer(c *ct) {
	p := c.programme()
	a := c.project(p.ID)
	now := time.Now()
	c.ok(c.st.LockImports(c.ctx, p.ID, "lock", now, time.Minute))
	claim := service.Claim{Scope: "sub", Key: "confirm", ID: "A"}
	if saved, err := c.st.BeginIdempotent(c.ctx, claim, "h", now, time.Minute); saved != nil || err != nil {
		c.Fatal(saved, err)
	}
	answer := service.SavedAnswer{Status: 200, Body: []byte(`{"created":2}`)}
	b := c.importBatch(p.ID, "lock", []domain.Outcome{
		ctOutcome(a.ID, "", "2025-05-31", map[domain.Metric]int64{domain.MetricReferrals: 4}),
		ctOutcome(a.ID, "", "2025-06-30", map[domain.Metric]int64{domain.MetricReferrals: 5})}, nil)
	b.Claim, b.Answer = &claim, &answer
	if n, err := c.st.ImportOutcomes(c.ctx, p.ID, b); n != 2 || err != nil {
		c.Fatalf("the batch: %d %v", n, err)
	}
	saved, err := c.st.BeginIdempotent(c.ctx, service.Claim{Scope: "sub", Key: "confirm", ID: "B"}, "h", now.Add(time.Second), time.Minute)
	if err != nil || saved == nil || saved.Status != 200 || string(saved.Body) != string(answer.Body) {
		c.Errorf("a repeat of the batch's request: %+v %v, want the answer saved with it", saved, err)
	}

	// A claim taken over: its batch writes nothing.
	lost := service.Claim{Scope: "sub", Key: "taken", ID: "C"}
	c.ok(ignore(c.st.BeginIdempotent(c.ctx, lost, "h", now, time.Millisecond)))
	c.ok(ignore(c.st.BeginIdempotent(c.ctx, service.Claim{Scope: "sub", Key: "taken", ID: "D"}, "h", now.Add(time.Second), time.Minute)))
	before := c.totals(p.ID)
	b = c.importBatch(p.ID, "lock", []domain.Outcome{ctOutcome(a.ID, "", "2025-07-31", map[domain.Metric]int64{domain.MetricReferrals: 6})}, nil)
	b.Claim, b.Answer = &lost, &answer
	if n, err := c.st.ImportOutcomes(c.ctx, p.ID, b); n != 0 || !errors.Is(err, service.ErrClaimTaken) {
		c.Errorf("a batch under a claim taken over: %d %v", n, err)
	}
	ctSame(c, "totals", c.totals(p.ID), before)
}

func ignore[T any](_ T, err error) error { return err }

// ctImportReturnStats: an import filling more returns than one
// transaction holds moves the return counts, the schedule's and each
// project's, exactly as the same rows imported one at a time do, and as
// the returns written count them (domain.ReturnStatsOf): wherever the
// rows are split into transactions, no row is counted twice. The rows
// take turns between the projects, so every transaction holds rows of
// each, and a third of them await review (submitted) and half came by
// their due date (on time).
func ctImportReturnStats(c *ct) {
	now := time.Now().UTC()
	const projects = 6
	type world struct {
		p     domain.Programme
		js    []string
		sched domain.Schedule
		subs  []service.Submission
		after []domain.Return
	}
	build := func() world {
		w := world{p: c.programme()}
		var js []domain.Project
		for range projects {
			j := c.project(w.p.ID)
			js, w.js = append(js, j), append(w.js, j.ID)
		}
		setup, err := c.st.ReportingSetup(c.ctx, w.p.ID)
		c.ok(err)
		w.sched = domain.Schedule{ID: domain.NewID(), Name: "Monthly", Frequency: domain.Monthly, FirstPeriodStart: domain.MustDate("2025-01-01"),
			LastPeriodEnd: domain.MustDate("2026-06-30"), DueDays: 20, Reminders: []int64{7}, Version: 1, CreatedAt: now, UpdatedAt: now}
		c.ok(c.st.CreateSchedule(c.ctx, w.p.ID, w.sched, setup.Seq, nil, c.change(w.p.ID, domain.EntitySchedule, w.sched.ID, domain.ActionCreate, nil, w.sched)))
		returns := domain.ExpectedReturns(w.sched, js, now)
		c.ok(c.st.CreateReturns(c.ctx, w.p.ID, returns))
		if setup, err = c.st.ReportingSetup(c.ctx, w.p.ID); err != nil {
			c.Fatal(err)
		}
		// Period by period, each project's return in turn.
		slices.SortStableFunc(returns, func(a, b domain.Return) int { return cmp.Compare(a.PeriodEnd.String(), b.PeriodEnd.String()) })
		for i, r := range returns {
			o := ctOutcome(r.ProjectID, "", r.PeriodEnd.String(), map[domain.Metric]int64{domain.MetricReferrals: int64(1 + i%4)})
			o.PeriodStart = r.PeriodStart
			if i%2 == 0 {
				o.SubmittedAt = r.DueDate.Time().Add(9 * time.Hour)
			}
			o = domain.NewSubmission(o, nil, i%3 == 0)
			filled, ok := r.Fill(o)
			if !ok {
				c.Fatalf("row %d fills no return: %+v", i, r)
			}
			w.subs = append(w.subs, service.Submission{Outcome: o, Figures: domain.Submitting(o, nil, nil),
				Returns: []service.ReturnWrite{{Before: &returns[i], After: filled}}, Seq: setup.Seq})
			w.after = append(w.after, filled)
		}
		return w
	}
	batch := func(w world, subs []service.Submission) service.ImportBatch {
		b := service.ImportBatch{Lock: "lock " + w.p.ID}
		for _, sub := range subs {
			b.Submissions = append(b.Submissions, sub)
			b.Changes = append(b.Changes, c.change(w.p.ID, domain.EntityOutcome, sub.Outcome.ID, domain.ActionCreate, nil, sub.Outcome))
		}
		return b
	}
	type counts struct {
		Expected, Unsent, OnTime map[domain.Date]int64
		Submitted                int64
	}
	of := func(st domain.ReturnStats) counts {
		return counts{ctNonZeroCounts(st.Expected), ctNonZeroCounts(st.Unsent), ctNonZeroCounts(st.OnTime), st.Submitted}
	}
	// read is the world's counts: the schedule's under "", each project's
	// under its id.
	read := func(w world) map[string]counts {
		setup, err := c.st.ReportingSetup(c.ctx, w.p.ID)
		c.ok(err)
		figs, err := c.st.Figures(c.ctx, map[string]service.FigureKeys{w.p.ID: {Projects: w.js, ProjectSchedules: []string{w.sched.ID}}})
		c.ok(err)
		out := map[string]counts{"": of(setup.Stats[w.sched.ID])}
		for _, j := range w.js {
			out[j] = of(figs[w.p.ID].ProjectStats[j][w.sched.ID])
		}
		for who, st := range out {
			for _, m := range []map[domain.Date]int64{st.Expected, st.Unsent, st.OnTime} {
				for end, n := range m {
					if n < 0 {
						c.Errorf("%s counts %d returns to %s", cmp.Or(who, "the schedule"), n, end)
					}
				}
			}
		}
		return out
	}
	// want is how the returns as written count.
	want := func(w world) map[string]counts {
		out := map[string]counts{}
		var all domain.StatsDelta
		for j, by := range domain.ReturnStatsOf(w.after) {
			st := by[w.sched.ID]
			out[j] = of(st)
			all.Merge(domain.StatsDelta{Expected: st.Expected, Unsent: st.Unsent, OnTime: st.OnTime, Submitted: st.Submitted})
		}
		out[""] = of(domain.ReturnStats{Expected: all.Expected, Unsent: all.Unsent, OnTime: all.OnTime, Submitted: all.Submitted})
		return out
	}

	whole, rows := build(), build()
	if len(whole.subs) != projects*18 {
		c.Fatalf("%d rows, want a return of each project for each of 18 months", len(whole.subs))
	}
	c.ok(c.st.LockImports(c.ctx, whole.p.ID, "lock "+whole.p.ID, now, time.Minute))
	if n, err := c.st.ImportOutcomes(c.ctx, whole.p.ID, batch(whole, whole.subs)); err != nil || n != len(whole.subs) {
		c.Fatalf("the import: %d of %d rows, %v", n, len(whole.subs), err)
	}
	c.ok(c.st.LockImports(c.ctx, rows.p.ID, "lock "+rows.p.ID, now, time.Minute))
	for i, sub := range rows.subs {
		if n, err := c.st.ImportOutcomes(c.ctx, rows.p.ID, batch(rows, []service.Submission{sub})); err != nil || n != 1 {
			c.Fatalf("row %d alone: %d, %v", i, n, err)
		}
	}
	got, one := read(whole), read(rows)
	if w := want(whole); !reflect.DeepEqual(got, w) {
		c.Errorf("return counts after the import:\n%+v\nwant, as its returns count:\n%+v", got, w)
	}
	if w := want(rows); !reflect.DeepEqual(one, w) {
		c.Errorf("return counts after importing row by row:\n%+v\nwant, as its returns count:\n%+v", one, w)
	}
	if len(got[""].Unsent) != 0 || len(got[""].Expected) != 18 || got[""].Submitted != int64((len(whole.subs)+2)/3) {
		c.Errorf("the schedule's counts: %+v, want 18 periods, none unsent, every third awaiting review", got[""])
	}
}

// ctStagedFiles: a file kept whole, whatever its size.
func ctStagedFiles(c *ct) {
	p := c.programme()
	for _, size := range []int{0, 10, 1 << 20, 4<<20 + 7} {
		data := make([]byte, size)
		for i := range data {
			data[i] = byte(i * 7 % 251)
		}
		f := service.StagedFile{ID: domain.NewID(), Owner: "sub-1", Name: fmt.Sprintf("f%d.xlsx", size), MediaType: domain.MediaXLSX,
			Data: data, SHA256: "h", Expires: time.Now().Add(time.Hour).UTC().Truncate(time.Millisecond)}
		c.ok(c.st.StageFile(c.ctx, p.ID, f))
		got, err := c.st.StagedFile(c.ctx, p.ID, f.ID)
		c.ok(err)
		if !slices.Equal(got.Data, f.Data) || got.Owner != f.Owner || got.Name != f.Name || !got.Expires.Equal(f.Expires) {
			c.Errorf("%d bytes: got %d bytes, %+v", size, len(got.Data), got.Name)
		}
	}
	if _, err := c.st.StagedFile(c.ctx, p.ID, domain.NewID()); !errors.Is(err, service.ErrNotFound) {
		c.Errorf("no such file: %v", err)
	}
}
