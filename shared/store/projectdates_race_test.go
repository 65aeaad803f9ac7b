package store_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/store"
	"github.com/fundtrack/fundtrack/shared/testenv"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// whenDB runs meanwhile once, just before the first transaction that
// writes an item whose sort key begins with prefix, or fails that
// transaction with fail instead of sending it: a competing change landing
// between a request's reads and its write, or a write lost.
type whenDB struct {
	*dynamodb.Client
	mu        sync.Mutex
	prefix    string
	meanwhile func()
	fail      error
}

func (d *whenDB) TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, o ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	d.mu.Lock()
	var run func()
	var fail error
	if (d.meanwhile != nil || d.fail != nil) && writesSK(in, d.prefix) {
		run, fail = d.meanwhile, d.fail
		d.meanwhile, d.fail = nil, nil
	}
	d.mu.Unlock()
	if fail != nil {
		return nil, fail
	}
	if run != nil {
		run()
	}
	return d.Client.TransactWriteItems(ctx, in, o...)
}

// when arms d: f runs before the next transaction writing a prefix item.
func (d *whenDB) when(prefix string, f func()) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.prefix, d.meanwhile = prefix, f
}

// failNext arms d: the next transaction writing a prefix item fails.
func (d *whenDB) failNext(prefix string, err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.prefix, d.fail = prefix, err
}

// writesSK reports whether a transaction puts an item whose sort key
// begins with prefix.
func writesSK(in *dynamodb.TransactWriteItemsInput, prefix string) bool {
	for _, it := range in.TransactItems {
		if it.Put == nil {
			continue
		}
		if sk, ok := it.Put.Item["SK"].(*types.AttributeValueMemberS); ok && strings.HasPrefix(sk.Value, prefix) {
			return true
		}
	}
	return false
}

// datesWorld is a programme on DynamoDB with one project, running from
// January 2025 to its end, and a quarterly schedule of every project from
// January 2025 to its last period's end.
type datesWorld struct {
	svc  *service.Service
	st   *store.Store
	ctx  context.Context
	lead domain.Caller
	pid  string
	sch  domain.Schedule
	j    string
}

func newDatesWorld(t *testing.T, db store.DB, table, projectEnd, lastPeriodEnd string) *datesWorld {
	t.Helper()
	st := store.New(db, table)
	// A fixed day, on which every return of 2025 is overdue.
	now := time.Date(2026, 10, 5, 9, 0, 0, 0, time.UTC)
	w := &datesWorld{st: st, svc: service.New(st, func() time.Time { return now }), ctx: context.Background()}
	admin := domain.Caller{Identity: domain.Identity{Subject: "sub-admin", Email: "admin@example.org", Groups: []string{domain.AdminGroup}}}
	w.lead = domain.Caller{Identity: domain.Identity{Subject: "sub-lead", Email: "lead@example.org"}}
	p, err := w.svc.CreateProgramme(w.ctx, admin, testkit.Body(testkit.ProgrammeBody("Working for Wellness")), nil)
	if err != nil {
		t.Fatal(err)
	}
	w.pid = p.ID
	sc := w.svc.Open(w.ctx, admin, w.pid)
	if _, _, err := sc.PutMember(w.lead.Email, testkit.Body(testkit.RolesBody(testkit.RoleLead()))); err != nil {
		t.Fatal(err)
	}
	pr, err := w.open().CreateProject(testkit.Body(testkit.Merge(testkit.ProjectBody("Bradford IPS"),
		map[string]any{"startDate": "2025-01-01", "endDate": projectEnd})))
	if err != nil {
		t.Fatal(err)
	}
	w.j = pr.ID
	if w.sch, err = w.open().CreateSchedule(testkit.Body(map[string]any{"name": "Quarterly returns", "frequency": "quarterly",
		"firstPeriodStart": "2025-01-01", "lastPeriodEnd": lastPeriodEnd})); err != nil {
		t.Fatal(err)
	}
	w.wantReturns(t, "the project as made", "2025-01-01", "2025-04-01")
	return w
}

func (w *datesWorld) open() *service.Scope { return w.svc.Open(w.ctx, w.lead, w.pid) }

// setEnd gives the project a new end date, whatever its version.
func (w *datesWorld) setEnd(end string) error {
	_, err := w.open().UpdateProject(w.j, func(int64) bool { return true }, testkit.Body(map[string]any{"endDate": end}))
	return err
}

// setLast moves the schedule's last period, whatever its version.
func (w *datesWorld) setLast(end string) error {
	_, err := w.open().UpdateSchedule(w.sch.ID, func(int64) bool { return true }, testkit.Body(map[string]any{"lastPeriodEnd": end}))
	return err
}

// wantReturns checks the project's returns are those of the periods
// starting on starts, and that its counts agree.
func (w *datesWorld) wantReturns(t *testing.T, when string, starts ...string) {
	t.Helper()
	var got []string
	p := service.Page{Limit: 100}
	for {
		rs, next, err := w.open().ListReturns(service.ReturnQuery{ProjectID: w.j}, p)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rs {
			got = append(got, r.PeriodStart.String())
		}
		if next == "" {
			break
		}
		p.Cursor = next
	}
	if strings.Join(got, " ") != strings.Join(starts, " ") {
		t.Errorf("%s: returns of the periods starting %v, want %v", when, got, starts)
	}
	// Every one is overdue by now, and counted once.
	pr, err := w.open().Progress()
	if err != nil {
		t.Fatal(err)
	}
	if pr.Returns == nil || pr.Returns.Overdue != int64(len(starts)) {
		t.Errorf("%s: counts %+v, want %d overdue", when, pr.Returns, len(starts))
	}
}

// pendingGenerations are the generations a failed request left, as the
// notifier finds them.
func (w *datesWorld) pendingGenerations(t *testing.T) []service.Generation {
	t.Helper()
	var out []service.Generation
	for shard := range service.Shards {
		gs, _, err := w.st.Generations(w.ctx, shard, time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), service.Page{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range gs {
			if g.ProgrammeID == w.pid {
				out = append(out, g)
			}
		}
	}
	return out
}

// TestProjectDatesWideningAndNarrowingRace: on DynamoDB, a project's
// dates widened and narrowed again a moment later (two tabs, two leads)
// leave it owing exactly the returns of the periods its final dates
// cover, whichever way the two interleave. The widening's returns are
// written after its change (a generation); the narrowing removes the
// returns it lists. So each write of a generation's returns is
// conditioned on the project's dates as the generation read them, and
// moves the project's dependents revision on, and a change of the
// project's dates is guarded on that revision as read before it listed
// the returns: whichever lands second is planned again on fresh reads.
func TestProjectDatesWideningAndNarrowingRace(t *testing.T) {
	t.Parallel()
	client, table := testenv.Table(t)

	t.Run("the narrowing lands while the widening's returns are being written", func(t *testing.T) {
		t.Parallel()
		db := &whenDB{Client: client}
		w := newDatesWorld(t, db, table, "2025-06-30", "2027-12-31")
		var narrowed error
		ran := false
		db.when("RETURN#", func() { ran, narrowed = true, w.setEnd("2025-03-31") })
		if err := w.setEnd("2025-12-31"); err != nil {
			t.Fatalf("the widening: %v", err)
		}
		if !ran || narrowed != nil {
			t.Fatalf("the narrowing meanwhile: ran %v, %v", ran, narrowed)
		}
		w.wantReturns(t, "ending in March, after both", "2025-01-01")
		if gs := w.pendingGenerations(t); len(gs) != 0 {
			t.Errorf("generations left: %+v", gs)
		}
		// Widened again with nothing meanwhile, its returns are written.
		if err := w.setEnd("2025-12-31"); err != nil {
			t.Fatal(err)
		}
		w.wantReturns(t, "ending in December", "2025-01-01", "2025-04-01", "2025-07-01", "2025-10-01")
	})

	t.Run("the widening's returns land while the narrowing is planned", func(t *testing.T) {
		t.Parallel()
		db := &whenDB{Client: client}
		w := newDatesWorld(t, db, table, "2025-06-30", "2027-12-31")
		returnsLandWhilePlanned(t, db, w, projectEnd(w), func() {})
	})
	// The same two ways round for a schedule's last period moved later and
	// back again: the project runs throughout.
	t.Run("the schedule shortened while its new periods' returns are being written", func(t *testing.T) {
		t.Parallel()
		db := &whenDB{Client: client}
		w := newDatesWorld(t, db, table, "2027-12-31", "2025-06-30")
		var shortened error
		ran := false
		db.when("RETURN#", func() { ran, shortened = true, w.setLast("2025-03-31") })
		if err := w.setLast("2025-12-31"); err != nil {
			t.Fatalf("the lengthening: %v", err)
		}
		if !ran || shortened != nil {
			t.Fatalf("the shortening meanwhile: ran %v, %v", ran, shortened)
		}
		w.wantReturns(t, "the last period in March, after both", "2025-01-01")
	})

	t.Run("the new periods' returns land while the shortening is planned", func(t *testing.T) {
		t.Parallel()
		db := &whenDB{Client: client}
		w := newDatesWorld(t, db, table, "2027-12-31", "2025-06-30")
		returnsLandWhilePlanned(t, db, w, scheduleLast(w), func() {})
	})
}

// dateChange is one of the two changes that widen and then narrow which
// periods owe returns: a project's end date (setEnd, planned on a read of
// PROJECT#) or a schedule's last period (setLast, on a read of SCHED#).
type dateChange struct {
	set             func(end string) error
	longer, shorter string // what the test calls the widening and the narrowing
	reads           string // the sort key prefix the narrowing's plan reads
	left            string // what wantReturns says of the returns left
}

func projectEnd(w *datesWorld) dateChange {
	return dateChange{w.setEnd, "the widening", "the narrowing", "PROJECT#", "ending in March, after both"}
}

func scheduleLast(w *datesWorld) dateChange {
	return dateChange{w.setLast, "the lengthening", "the shortening", "SCHED#", "the last period in March, after both"}
}

// returnsLandWhilePlanned: the widening's returns are not written with it
// (the request died), so its generation waits for the notifier, which
// finishes it after the narrowing read what it plans on, before the
// narrowing's transaction. arm runs just before the narrowing (the lag
// tests hide the returns from the indexes there). Only January's return
// is left after both.
func returnsLandWhilePlanned(t *testing.T, db *whenDB, w *datesWorld, c dateChange, arm func()) {
	t.Helper()
	db.failNext("RETURN#", errors.New("injected: connection lost"))
	if err := c.set("2025-12-31"); err != nil {
		t.Fatalf("%s: %v", c.longer, err)
	}
	gs := w.pendingGenerations(t)
	if len(gs) != 1 {
		t.Fatalf("%d generations pending, want %s's", len(gs), c.longer)
	}
	arm()
	var finished error
	ran := false
	db.when(c.reads, func() { ran, finished = true, w.svc.CompleteGeneration(w.ctx, gs[0]) })
	if err := c.set("2025-03-31"); err != nil {
		t.Fatalf("%s: %v", c.shorter, err)
	}
	if !ran || finished != nil {
		t.Fatalf("the generation meanwhile: ran %v, %v", ran, finished)
	}
	w.wantReturns(t, c.left, "2025-01-01")
}
