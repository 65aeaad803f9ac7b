package store_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/testenv"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// submit sends figures of the datesWorld's project for the period start
// to end.
func (w *datesWorld) submit(start, end string) (domain.Outcome, error) {
	return w.svc.OpenProject(w.ctx, w.lead, w.pid, w.j).SubmitOutcome(testkit.Body(map[string]any{
		"periodStart": start, "periodEnd": end, "counts": map[string]int{"referrals": 3}}))
}

// finishGenerations completes the generations left pending, as the
// notifier does.
func (w *datesWorld) finishGenerations(t *testing.T) {
	t.Helper()
	for _, g := range w.pendingGenerations(t) {
		if err := w.svc.CompleteGeneration(w.ctx, g); err != nil {
			t.Fatalf("finishing generation %s: %v", g.ID, err)
		}
	}
}

// wantSound checks what no interleaving may break: every return of the
// programme lies within its project's dates as they are now, and the
// counts of returns (each schedule's and each project's) are those a
// recount of the returns gives.
func (w *datesWorld) wantSound(t *testing.T, when string) {
	t.Helper()
	pr, err := w.open().Project(w.j)
	if err != nil {
		t.Fatal(err)
	}
	var all []domain.Return
	p := service.Page{Limit: 100}
	for {
		rs, next, err := w.st.ListReturns(w.ctx, w.pid, service.ReturnFilter{}, p)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, rs...)
		if next == "" {
			break
		}
		p.Cursor = next
	}
	sch, err := w.open().Schedule(w.sch.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range all {
		if !pr.RunsDuring(domain.Period{Start: r.PeriodStart, End: r.PeriodEnd}) {
			t.Errorf("%s: the return %s (%s, %s to %s) lies outside the project's dates %s to %s",
				when, r.ID, r.State, r.PeriodStart, r.PeriodEnd, pr.StartDate, pr.EndDate)
		}
		if r.ScheduleID == sch.ID && r.PeriodEnd.After(sch.LastPeriodEnd) {
			t.Errorf("%s: the return %s (%s, %s to %s) lies after the schedule's last period, ending %s",
				when, r.ID, r.State, r.PeriodStart, r.PeriodEnd, sch.LastPeriodEnd)
		}
	}
	wrong, err := w.st.RecountReturns(w.ctx, w.pid, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(wrong) != 0 {
		t.Errorf("%s: counts of returns a recount would put right: %+v", when, wrong)
	}
}

// hasReturn reports whether the project has its quarterly schedule's
// return of the period starting on start.
func (w *datesWorld) hasReturn(t *testing.T, start string) (domain.Return, bool) {
	t.Helper()
	r, err := w.open().Return(domain.ReturnID(w.sch.ID, w.j, domain.MustDate(start)))
	if domain.ErrorCode(err) == domain.CodeNotFound {
		return r, false
	}
	if err != nil {
		t.Fatal(err)
	}
	return r, true
}

// wantPeriods checks the project's returns are those of the periods
// starting on starts, overdue of them overdue (the others hold figures).
func (w *datesWorld) wantPeriods(t *testing.T, when string, overdue int64, starts ...string) {
	t.Helper()
	rs, _, err := w.open().ListReturns(service.ReturnQuery{ProjectID: w.j}, service.Page{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rs {
		got = append(got, r.PeriodStart.String())
	}
	if !slices.Equal(got, starts) {
		t.Errorf("%s: returns of the periods starting %v, want %v", when, got, starts)
	}
	pr, err := w.open().Progress()
	if err != nil {
		t.Fatal(err)
	}
	if pr.Returns == nil || pr.Returns.Overdue != overdue {
		t.Errorf("%s: counts %+v, want %d overdue", when, pr.Returns, overdue)
	}
}

// wantEndRefused checks a narrowing was refused, naming endDate, for the
// figures sent for a period it would leave out.
func wantEndRefused(t *testing.T, err error) { t.Helper(); wantRefused(t, err, "endDate") }

// wantRefused checks a change was refused as invalid, naming field.
func wantRefused(t *testing.T, err error, field string) {
	t.Helper()
	var de *domain.Error
	if !errors.As(err, &de) || de.Code != domain.CodeValidation || de.Fields[field] == "" {
		t.Fatalf("the change: %v, want it refused naming %s", err, field)
	}
}

// TestProjectDatesThreeWayRace: on DynamoDB, a submission that writes the
// return it fills itself (its period newly covered by dates just widened,
// whose returns are not all written yet), racing a narrowing of the
// project's dates and the widening's own writing of its returns, never
// leaves a return outside the project's dates, nor counts a recount
// would change. The submission's return is written only while the
// project's dates are as the submission read them, and moves the
// project's dependents revision on, as a generation's returns do: a
// narrowing landing first makes the submission plan again (no return for
// a period the project no longer runs during), and one planned on a list
// of returns from before it is refused by its guard, plans again, and
// finds the return the figures were sent for.
func TestProjectDatesThreeWayRace(t *testing.T) {
	t.Parallel()
	client, table := testenv.Table(t)
	lost := errors.New("injected: connection lost")

	t.Run("the submission writes a newly covered period's return while the narrowing is planned", func(t *testing.T) {
		t.Parallel()
		db := &whenDB{Client: client}
		w := newDatesWorld(t, db, table, "2025-06-30", "2027-12-31")
		// Widened to December: the returns of July and October are not
		// written with it (the request died), so its generation waits.
		db.failNext("RETURN#", lost)
		if err := w.setEnd("2025-12-31"); err != nil {
			t.Fatalf("the widening: %v", err)
		}
		if gs := w.pendingGenerations(t); len(gs) != 1 {
			t.Fatalf("%d generations pending, want the widening's", len(gs))
		}
		// The narrowing to March has read the project and listed its
		// returns after March (April's only); before its transaction,
		// figures for July arrive and write July's return.
		var sent error
		ran := false
		db.when("PROJECT#", func() { ran = true; _, sent = w.submit("2025-07-01", "2025-09-30") })
		narrowed := w.setEnd("2025-03-31")
		if !ran || sent != nil {
			t.Fatalf("the submission meanwhile: ran %v, %v", ran, sent)
		}
		w.wantSound(t, "after the submission and the narrowing")
		// The figures for July keep its return, so the narrowing is
		// refused; the notifier then writes October's.
		wantEndRefused(t, narrowed)
		w.finishGenerations(t)
		w.wantSound(t, "after the generation")
		if r, ok := w.hasReturn(t, "2025-07-01"); !ok || !r.Sent() {
			t.Errorf("July's return %+v (there: %v), want it holding the figures", r, ok)
		}
		w.wantPeriods(t, "ending in December", 3, "2025-01-01", "2025-04-01", "2025-07-01", "2025-10-01")
	})

	t.Run("the narrowing lands while the submission is planned", func(t *testing.T) {
		t.Parallel()
		db := &whenDB{Client: client}
		w := newDatesWorld(t, db, table, "2025-06-30", "2027-12-31")
		db.failNext("RETURN#", lost)
		if err := w.setEnd("2025-12-31"); err != nil {
			t.Fatalf("the widening: %v", err)
		}
		// The submission for July has read the project (to December) and
		// planned July's return; the narrowing to March lands before its
		// transaction.
		var narrowed error
		ran := false
		db.when("OUTCOME#", func() { ran, narrowed = true, w.setEnd("2025-03-31") })
		o, err := w.submit("2025-07-01", "2025-09-30")
		if !ran || narrowed != nil {
			t.Fatalf("the narrowing meanwhile: ran %v, %v", ran, narrowed)
		}
		if err != nil {
			t.Fatalf("the submission: %v", err)
		}
		w.finishGenerations(t)
		w.wantSound(t, "after both")
		if r, ok := w.hasReturn(t, "2025-07-01"); ok {
			t.Errorf("July's return %+v, want none: the project ends in March (the submission %s is stored without one)", r, o.ID)
		}
		w.wantReturns(t, "ending in March", "2025-01-01")
	})

	t.Run("figures for a period the narrowing removed a moment before", func(t *testing.T) {
		t.Parallel()
		db := &whenDB{Client: client}
		w := newDatesWorld(t, db, table, "2025-06-30", "2027-12-31")
		// The submission for April has read April's return, expected;
		// the narrowing to March removes it before the submission's
		// transaction.
		var narrowed error
		ran := false
		db.when("OUTCOME#", func() { ran, narrowed = true, w.setEnd("2025-03-31") })
		o, err := w.submit("2025-04-01", "2025-06-30")
		if !ran || narrowed != nil {
			t.Fatalf("the narrowing meanwhile: ran %v, %v", ran, narrowed)
		}
		if err != nil {
			t.Fatalf("the submission: %v", err)
		}
		w.wantSound(t, "after both")
		if r, ok := w.hasReturn(t, "2025-04-01"); ok {
			t.Errorf("April's return %+v, want none: the project ends in March (the submission %s is stored without one)", r, o.ID)
		}
		w.wantReturns(t, "ending in March", "2025-01-01")
	})

	t.Run("all three: the widening's returns being written, the submission and the narrowing", func(t *testing.T) {
		t.Parallel()
		db := &whenDB{Client: client}
		w := newDatesWorld(t, db, table, "2025-06-30", "2027-12-31")
		// The widening to December has planned July's and October's
		// returns on its new dates; before they are written, the
		// narrowing to March reads the project and lists its returns,
		// and before the narrowing's transaction the figures for July
		// write July's return.
		var sent, narrowed error
		ranSubmission, ranNarrowing := false, false
		db.when("RETURN#", func() {
			ranNarrowing = true
			db.when("PROJECT#", func() { ranSubmission = true; _, sent = w.submit("2025-07-01", "2025-09-30") })
			narrowed = w.setEnd("2025-03-31")
		})
		if err := w.setEnd("2025-12-31"); err != nil {
			t.Fatalf("the widening: %v", err)
		}
		if !ranNarrowing || !ranSubmission || sent != nil {
			t.Fatalf("meanwhile: the narrowing ran %v, the submission ran %v, %v", ranNarrowing, ranSubmission, sent)
		}
		w.wantSound(t, "after all three")
		if gs := w.pendingGenerations(t); len(gs) != 0 {
			t.Errorf("generations left: %+v", gs)
		}
		wantEndRefused(t, narrowed)
		w.wantPeriods(t, "ending in December", 3, "2025-01-01", "2025-04-01", "2025-07-01", "2025-10-01")
		if r, ok := w.hasReturn(t, "2025-07-01"); !ok || !r.Sent() {
			t.Errorf("July's return %+v (there: %v), want it holding the figures", r, ok)
		}
	})

	t.Run("an import writes a newly covered period's return while the narrowing is planned", func(t *testing.T) {
		t.Parallel()
		db := &whenDB{Client: client}
		w := newDatesWorld(t, db, table, "2025-06-30", "2027-12-31")
		db.failNext("RETURN#", lost)
		if err := w.setEnd("2025-12-31"); err != nil {
			t.Fatalf("the widening: %v", err)
		}
		var imported error
		ran := false
		db.when("PROJECT#", func() {
			ran = true
			_, imported = w.open().Import(service.ImportFile{MediaType: domain.MediaCSV, Data: []byte(
				"Project,Period start,Period end,Referrals\r\nBradford IPS,2025-07-01,2025-09-30,3\r\n")}, false)
		})
		narrowed := w.setEnd("2025-03-31")
		if !ran || imported != nil {
			t.Fatalf("the import meanwhile: ran %v, %v", ran, imported)
		}
		w.wantSound(t, "after the import and the narrowing")
		wantEndRefused(t, narrowed)
		w.finishGenerations(t)
		w.wantSound(t, "after the generation")
		w.wantPeriods(t, "ending in December", 3, "2025-01-01", "2025-04-01", "2025-07-01", "2025-10-01")
	})

	// The same for a schedule's last period moved later, then back.
	t.Run("the submission writes a new period's return while the schedule's shortening is planned", func(t *testing.T) {
		t.Parallel()
		db := &whenDB{Client: client}
		w := newDatesWorld(t, db, table, "2027-12-31", "2025-06-30")
		db.failNext("RETURN#", lost)
		if err := w.setLast("2025-12-31"); err != nil {
			t.Fatalf("the lengthening: %v", err)
		}
		var sent error
		ran := false
		db.when("SCHED#", func() { ran = true; _, sent = w.submit("2025-07-01", "2025-09-30") })
		shortened := w.setLast("2025-03-31")
		if !ran || sent != nil {
			t.Fatalf("the submission meanwhile: ran %v, %v", ran, sent)
		}
		w.wantSound(t, "after the submission and the shortening")
		wantRefused(t, shortened, "lastPeriodEnd")
		w.finishGenerations(t)
		w.wantSound(t, "after the generation")
		w.wantPeriods(t, "the last period in December", 3, "2025-01-01", "2025-04-01", "2025-07-01", "2025-10-01")
	})
}
