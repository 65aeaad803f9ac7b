package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/store"
	"github.com/fundtrack/fundtrack/shared/testenv"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// dpWorld is one programme on DynamoDB for a race between a record and
// its dependents: projects A and B, a programme-wide grant GX, grant GA
// of project A with a scheduled payment, and a target.
type dpWorld struct {
	svc                    *service.Service
	ctx                    context.Context
	admin, lead            domain.Caller
	pid, a, b, gx, ga, pay string
	target                 string
}

func newDPWorld(t *testing.T, svc *service.Service) *dpWorld {
	t.Helper()
	ctx := context.Background()
	as := func(email string, groups ...string) domain.Caller {
		return domain.Caller{Identity: domain.Identity{Subject: "sub-" + email, Email: email, Groups: groups}}
	}
	w := &dpWorld{svc: svc, ctx: ctx, admin: as("admin@example.org", domain.AdminGroup), lead: as("lead@example.org")}
	ok := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	p, err := svc.CreateProgramme(ctx, w.admin, testkit.Body(testkit.ProgrammeBody("Working for Wellness")), nil)
	ok(p, err)
	w.pid = p.ID
	sc := svc.Open(ctx, w.admin, w.pid)
	_, _, err = sc.PutMember(w.lead.Email, testkit.Body(testkit.RolesBody(testkit.RoleLead())))
	ok(nil, err)
	x, err := sc.CreateFunder(testkit.Body(testkit.FunderBody("DWP")))
	ok(x, err)
	for i, id := range []*string{&w.a, &w.b} {
		pr, err := sc.CreateProject(testkit.Body(testkit.ProjectBody([]string{"Bradford IPS", "Leeds IPS"}[i])))
		ok(pr, err)
		*id = pr.ID
	}
	gx, err := sc.CreateGrant(testkit.Body(testkit.GrantBody("Co-ordination", x.ID, "", 50_000_00)))
	ok(gx, err)
	ga, err := sc.CreateGrant(testkit.Body(testkit.GrantBody("Specialists", x.ID, w.a, 30_000_00)))
	ok(ga, err)
	w.gx, w.ga = gx.ID, ga.ID
	pay, err := sc.CreatePayment(w.ga, testkit.Body(testkit.DatedPaymentBody(10_000_00, "2025-06-30")))
	ok(pay, err)
	w.pay = pay.ID
	tg, err := sc.CreateTarget(testkit.Body(map[string]any{"metric": "referrals", "value": 10, "deadline": "2026-06-30", "notify": []string{}}))
	ok(tg, err)
	w.target = tg.ID
	return w
}

func (w *dpWorld) open() *service.Scope { return w.svc.Open(w.ctx, w.lead, w.pid) }

func (w *dpWorld) openA() *service.Scope { return w.svc.OpenProject(w.ctx, w.lead, w.pid, w.a) }

// TestDependentsRaces: on DynamoDB, each of the three rules between a
// record and its dependents holds when the two writes race: the record's
// change whose rule read its dependents (a programme's dates narrowed, a
// grant given to another project, its award date moved later), and a
// dependent's write whose rule read the record (a target set or moved, a
// post paid from the grant, a payment marked paid). Each is read first,
// the other lands whole just before its transaction, and its transaction
// is then refused as a conflict: the dependent's write moves the record's
// revision on (an Update conditioned on the record's version) and the
// record's change is conditioned on that revision, so whichever lands
// second fails, storing nothing.
func TestDependentsRaces(t *testing.T) {
	t.Parallel()
	client, table := testenv.Table(t)
	db := &prRacingDB{Client: client}
	svc := service.New(store.New(db, table), func() time.Time { return time.Now().UTC() })

	narrow := func(w *dpWorld) error {
		_, err := w.open().UpdateProgramme(func(int64) bool { return true }, testkit.Body(map[string]any{"endDate": "2026-12-31"}))
		return err
	}
	lateTarget := func(w *dpWorld) error {
		_, err := w.open().CreateTarget(testkit.Body(map[string]any{"metric": "referrals", "value": 5, "deadline": "2028-06-30", "notify": []string{}}))
		return err
	}
	moveTarget := func(w *dpWorld) error {
		_, err := w.open().UpdateTarget(w.target, func(int64) bool { return true }, testkit.Body(map[string]any{"deadline": "2028-06-30"}))
		return err
	}
	targetsWithin := func(t *testing.T, w *dpWorld) {
		p, err := w.open().Programme()
		if err != nil {
			t.Fatal(err)
		}
		targets, _, err := w.open().ListTargets(service.Page{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		for _, tg := range targets {
			if tg.Deadline.After(p.LastTargetDay()) {
				t.Errorf("target deadline %s past %s (the programme ends %s)", tg.Deadline, p.LastTargetDay(), p.EndDate)
			}
		}
	}
	moveGrant := func(w *dpWorld) error {
		_, err := w.open().UpdateGrant(w.gx, func(int64) bool { return true }, testkit.Body(map[string]any{"projectId": w.b}))
		return err
	}
	postFromGX := func(w *dpWorld) error {
		_, err := w.openA().CreatePost(testkit.Body(testkit.PostBody(w.gx, "filled")))
		return err
	}
	postsPaidOwn := func(t *testing.T, w *dpWorld) {
		g, err := w.open().Grant(w.gx)
		if err != nil {
			t.Fatal(err)
		}
		posts, _, err := w.openA().ListPosts(service.Page{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range posts {
			if p.GrantID == g.ID && g.ProjectID != "" && g.ProjectID != w.a {
				t.Errorf("a post of project A is paid from grant %s of project %s", g.ID, g.ProjectID)
			}
		}
	}
	awardLater := func(w *dpWorld) error {
		_, err := w.open().UpdateGrant(w.ga, func(int64) bool { return true }, testkit.Body(map[string]any{"awardDate": "2025-07-01"}))
		return err
	}
	pay := func(w *dpWorld) error {
		_, err := w.open().UpdatePayment(w.ga, w.pay, func(v int64) bool { return v == 1 },
			testkit.Body(map[string]any{"status": "paid", "paidDate": "2025-06-01"}))
		return err
	}
	paidAfterAward := func(t *testing.T, w *dpWorld) {
		g, err := w.open().Grant(w.ga)
		if err != nil {
			t.Fatal(err)
		}
		payments, _, err := w.open().ListPayments(w.ga, service.Page{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range payments {
			if p.Status == domain.PaymentPaid && p.PaidDate.Before(g.AwardDate) {
				t.Errorf("payment paid %s, before the award (%s)", p.PaidDate, g.AwardDate)
			}
		}
	}
	for _, c := range []struct {
		name         string
		mine, theirs func(*dpWorld) error
		held         func(*testing.T, *dpWorld)
	}{
		{"narrowing the dates, a target set meanwhile", narrow, lateTarget, targetsWithin},
		{"setting a target, the dates narrowed meanwhile", lateTarget, narrow, targetsWithin},
		{"moving a target, the dates narrowed meanwhile", moveTarget, narrow, targetsWithin},
		{"moving a grant, a post paid from it meanwhile", moveGrant, postFromGX, postsPaidOwn},
		{"a post paid from a grant, the grant moved meanwhile", postFromGX, moveGrant, postsPaidOwn},
		{"moving the award date later, a payment paid meanwhile", awardLater, pay, paidAfterAward},
		{"paying, the award date moved later meanwhile", pay, awardLater, paidAfterAward},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := newDPWorld(t, svc)
			events, err := raceAgainst(t, db, w, c.mine, c.theirs)
			if domain.ErrorCode(err) != domain.CodeConflict || !strings.Contains(err.Error(), "again and retry") {
				t.Fatalf("the write that lands second: %v, want a conflict saying to look again and retry", err)
			}
			if got := auditCount(t, w); got != events+1 {
				t.Errorf("%d audit events after the race, want %d: only the first write's", got, events+1)
			}
			c.held(t, w)
		})
	}
}

// TestDependentsRaceUnrelatedEdits: on DynamoDB, a dependent's write is
// refused only when what its rule read changed meanwhile: an edit of the
// rest of the record (the programme's name, the grant's title or
// description) landing between its read and its transaction refuses
// nothing, and both are stored. (TestDependentsRaces: a change of what
// the rule read still refuses it.)
func TestDependentsRaceUnrelatedEdits(t *testing.T) {
	t.Parallel()
	client, table := testenv.Table(t)
	db := &prRacingDB{Client: client}
	svc := service.New(store.New(db, table), func() time.Time { return time.Now().UTC() })

	const name, title, description = "Working for Wellness (renamed)", "Regional co-ordination", "Co-ordinators across the region"
	rename := func(w *dpWorld) error {
		_, err := w.open().UpdateProgramme(func(int64) bool { return true }, testkit.Body(map[string]any{"name": name}))
		return err
	}
	renamed := func(t *testing.T, w *dpWorld) {
		if p, err := w.open().Programme(); err != nil || p.Name != name {
			t.Errorf("programme %q after the race (%v), want %q", p.Name, err, name)
		}
	}
	editGrant := func(id func(*dpWorld) string, edit map[string]any) func(*dpWorld) error {
		return func(w *dpWorld) error {
			_, err := w.open().UpdateGrant(id(w), func(int64) bool { return true }, testkit.Body(edit))
			return err
		}
	}
	edited := func(id func(*dpWorld) string, want func(domain.Grant) bool) func(*testing.T, *dpWorld) {
		return func(t *testing.T, w *dpWorld) {
			if g, err := w.open().Grant(id(w)); err != nil || !want(g) {
				t.Errorf("grant %+v after the race (%v): the edit was lost", g, err)
			}
		}
	}
	gx := func(w *dpWorld) string { return w.gx }
	ga := func(w *dpWorld) string { return w.ga }
	for _, c := range []struct {
		name         string
		mine, theirs func(*dpWorld) error
		held         func(*testing.T, *dpWorld)
	}{
		{"setting a target, the programme renamed meanwhile", func(w *dpWorld) error {
			_, err := w.open().CreateTarget(testkit.Body(map[string]any{"metric": "referrals", "value": 5, "deadline": "2028-06-30", "notify": []string{}}))
			return err
		}, rename, renamed},
		{"moving a target, the programme renamed meanwhile", func(w *dpWorld) error {
			_, err := w.open().UpdateTarget(w.target, func(int64) bool { return true }, testkit.Body(map[string]any{"deadline": "2028-06-30"}))
			return err
		}, rename, renamed},
		{"a post paid from a grant, its description edited meanwhile", func(w *dpWorld) error {
			_, err := w.openA().CreatePost(testkit.Body(testkit.PostBody(w.gx, "filled")))
			return err
		}, editGrant(gx, map[string]any{"description": description}), edited(gx, func(g domain.Grant) bool { return g.Description == description })},
		{"paying, the grant's title edited meanwhile", func(w *dpWorld) error {
			_, err := w.open().UpdatePayment(w.ga, w.pay, func(v int64) bool { return v == 1 },
				testkit.Body(map[string]any{"status": "paid", "paidDate": "2025-06-01"}))
			return err
		}, editGrant(ga, map[string]any{"title": title}), edited(ga, func(g domain.Grant) bool { return g.Title == title })},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := newDPWorld(t, svc)
			events, err := raceAgainst(t, db, w, c.mine, c.theirs)
			if err != nil {
				t.Errorf("the dependent's write, after an unrelated edit of what it depends on: %v", err)
			}
			if got := auditCount(t, w); got != events+2 {
				t.Errorf("%d audit events after the race, want %d: both writes'", got, events+2)
			}
			c.held(t, w)
		})
	}
}

// raceAgainst makes mine's write with theirs landing between mine's reads
// and its transaction, and returns how many audit events the programme
// had before mine wrote, and mine's error. Theirs must have landed,
// unrefused.
func raceAgainst(t *testing.T, db *prRacingDB, w *dpWorld, mine, theirs func(*dpWorld) error) (int, error) {
	t.Helper()
	var theirsErr error
	ran := false
	db.race(func() { ran, theirsErr = true, theirs(w) })
	events := auditCount(t, w)
	err := mine(w)
	if !ran {
		t.Fatal("the race never happened")
	}
	if theirsErr != nil {
		t.Fatalf("the write that lands first: %v", theirsErr)
	}
	return events, err
}

// auditCount is how many changes the programme's audit trail holds: the
// events of its records but notifications' (the world's payment is due,
// its email pending, and paying it withdraws that email in the same
// change, with an event of its own).
func auditCount(t *testing.T, w *dpWorld) int {
	t.Helper()
	n, p := 0, service.Page{Limit: 100}
	for {
		events, next, err := w.svc.Open(w.ctx, w.admin, w.pid).ListAudit(service.AuditFilter{}, p)
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range events {
			if ev.Entity != domain.EntityNotification {
				n++
			}
		}
		if next == "" {
			return n
		}
		p.Cursor = next
	}
}
