package store_test

import (
	"strings"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/store"
	"github.com/fundtrack/fundtrack/shared/testenv"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestGrantRulesRaces: on DynamoDB, the rules between a grant and what
// depends on it hold when the two sides race. A spend return lies within
// its grant's dates (a return recorded; the dates narrowed); a project's
// grant is paid on its own project's results or the programme's (a
// payment made on a target; the grant, or the target, given to another
// project; the grant and the target it waits on both moved). Each write
// is read first, the other lands whole just before its transaction, and
// its transaction is then refused as a conflict, storing nothing: the
// dependent's write (the spend return, the payment) moves the revision of
// the grant and the target it read, whose change that read its
// dependents is conditioned on it, and a grant's and a target's project
// changes each check the other's project as read.
func TestGrantRulesRaces(t *testing.T) {
	t.Parallel()
	client, table := testenv.Table(t)
	db := &prRacingDB{Client: client}
	svc := service.New(store.New(db, table), func() time.Time { return time.Now().UTC() })
	always := func(int64) bool { return true }

	// ga runs 2025-02-01 to 2026-01-31: the last quarter of 2025 is
	// outside it once its end moves to 2025-06-30.
	narrow := func(w *dpWorld) error {
		_, err := w.open().UpdateGrant(w.ga, always, testkit.Body(map[string]any{"endDate": "2025-06-30"}))
		return err
	}
	spend := func(w *dpWorld) error {
		_, err := w.openA().SubmitSpend(w.ga, testkit.Body(testkit.SpendBody("2025-10-01", "2025-12-31", "staff", 1_00)))
		return err
	}
	spendWithin := func(t *testing.T, w *dpWorld) {
		g, err := w.open().Grant(w.ga)
		if err != nil {
			t.Fatal(err)
		}
		returns, _, err := w.open().ListSpend(w.ga, service.Page{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range returns {
			if s.PeriodStart.Before(g.StartDate) || s.PeriodEnd.After(g.EndDate) {
				t.Errorf("spend for %s to %s outside its grant (%s to %s)", s.PeriodStart, s.PeriodEnd, g.StartDate, g.EndDate)
			}
		}
	}

	// tA is a target of project A (made by setup).
	var targetOfA = map[*dpWorld]string{}
	withTargetOfA := func(t *testing.T, w *dpWorld) {
		tg, err := w.open().CreateTarget(testkit.Body(map[string]any{"metric": "peopleIntoWork", "value": 10, "deadline": "2026-06-30",
			"projectId": w.a, "notify": []string{}}))
		if err != nil {
			t.Fatal(err)
		}
		targetOfA[w] = tg.ID
	}
	pay := func(grant func(*dpWorld) string) func(*dpWorld) error {
		return func(w *dpWorld) error {
			_, err := w.open().CreatePayment(grant(w), testkit.Body(testkit.MilestonePaymentBody(1_00, targetOfA[w], 50)))
			return err
		}
	}
	grantTo := func(project func(*dpWorld) string) func(*dpWorld) error {
		return func(w *dpWorld) error {
			_, err := w.open().UpdateGrant(w.gx, always, testkit.Body(map[string]any{"projectId": project(w)}))
			return err
		}
	}
	targetToB := func(w *dpWorld) error {
		_, err := w.open().UpdateTarget(targetOfA[w], always, testkit.Body(map[string]any{"projectId": w.b}))
		return err
	}
	gx := func(w *dpWorld) string { return w.gx }
	ga := func(w *dpWorld) string { return w.ga }
	a := func(w *dpWorld) string { return w.a }
	b := func(w *dpWorld) string { return w.b }
	paidOnOwn := func(t *testing.T, w *dpWorld) {
		sc := w.open()
		targets, _, err := sc.ListTargets(service.Page{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		byID := map[string]domain.Target{}
		for _, tg := range targets {
			byID[tg.ID] = tg
		}
		for _, id := range []string{w.gx, w.ga} {
			g, err := sc.Grant(id)
			if err != nil {
				t.Fatal(err)
			}
			payments, _, err := sc.ListPayments(id, service.Page{Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range payments {
				tg := byID[p.Trigger.TargetID]
				if p.Status == domain.PaymentScheduled && p.Trigger.OtherProject(g.ProjectID, &tg) {
					t.Errorf("payment of grant %q (project %s) waits on another project's target (project %s)", g.Title, g.ProjectID, tg.ProjectID)
				}
			}
		}
	}
	gxOnTargetOfA := func(t *testing.T, w *dpWorld) {
		withTargetOfA(t, w)
		if err := pay(gx)(w); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		name         string
		setup        func(*testing.T, *dpWorld)
		mine, theirs func(*dpWorld) error
		held         func(*testing.T, *dpWorld)
		says         string
	}{
		{"narrowing a grant's dates, spend recorded meanwhile", nil, narrow, spend, spendWithin, "a spend return of this grant was recorded"},
		{"spend, the grant's dates narrowed meanwhile", nil, spend, narrow, spendWithin, "the grant's dates were changed"},
		{"giving a grant to B, a payment on A's target made meanwhile", withTargetOfA, grantTo(b), pay(gx), paidOnOwn, ""},
		{"a payment on A's target, the grant given to B meanwhile", withTargetOfA, pay(gx), grantTo(b), paidOnOwn, "the grant's project was changed"},
		{"giving a target to B, a payment of A's grant made on it meanwhile", withTargetOfA, targetToB, pay(ga), paidOnOwn,
			"a payment was set to wait on this target"},
		{"a payment of A's grant on A's target, the target given to B meanwhile", withTargetOfA, pay(ga), targetToB, paidOnOwn,
			"the target was given to another project"},
		{"giving a grant to A, the target its payment waits on given to B meanwhile", gxOnTargetOfA, grantTo(a), targetToB, paidOnOwn,
			"a target a payment of this grant waits on was given to another project"},
		{"giving a target to B, the grant waiting on it given to A meanwhile", gxOnTargetOfA, targetToB, grantTo(a), paidOnOwn,
			"a grant whose payment waits on this target was given to another project"},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := newDPWorld(t, svc)
			if c.setup != nil {
				c.setup(t, w)
			}
			events, err := raceAgainst(t, db, w, c.mine, c.theirs)
			if domain.ErrorCode(err) != domain.CodeConflict || !strings.Contains(err.Error(), "again and retry") || !strings.Contains(err.Error(), c.says) {
				t.Fatalf("the write that lands second: %v, want a conflict saying %q and to look again and retry", err, c.says)
			}
			if got := auditCount(t, w); got != events+1 {
				t.Errorf("%d audit events after the race, want %d: only the first write's", got, events+1)
			}
			c.held(t, w)
		})
	}

	// A spend return is refused only when its grant's dates changed
	// meanwhile: its title edited in between refuses nothing.
	t.Run("spend, the grant's title edited meanwhile", func(t *testing.T) {
		w := newDPWorld(t, svc)
		const title = "Employment specialists, Bradford"
		events, err := raceAgainst(t, db, w, spend, func(w *dpWorld) error {
			_, err := w.open().UpdateGrant(w.ga, always, testkit.Body(map[string]any{"title": title}))
			return err
		})
		if err != nil {
			t.Errorf("spend, after an edit of the grant's title: %v", err)
		}
		if got := auditCount(t, w); got != events+2 {
			t.Errorf("%d audit events after the race, want %d: both writes'", got, events+2)
		}
		if g, err := w.open().Grant(w.ga); err != nil || g.Title != title {
			t.Errorf("grant %q after the race (%v): the edit was lost", g.Title, err)
		}
	})
}
