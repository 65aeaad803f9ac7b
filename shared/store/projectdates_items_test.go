package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/store"
	"github.com/fundtrack/fundtrack/shared/testenv"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// txSizesDB records how many items each transaction it sends has.
type txSizesDB struct {
	*dynamodb.Client
	mu    sync.Mutex
	sizes []int
}

func (d *txSizesDB) TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, o ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	d.mu.Lock()
	d.sizes = append(d.sizes, len(in.TransactItems))
	d.mu.Unlock()
	return d.Client.TransactWriteItems(ctx, in, o...)
}

// measure runs f and answers the sizes of the transactions it sent.
func (d *txSizesDB) measure(f func()) []int {
	d.mu.Lock()
	d.sizes = nil
	d.mu.Unlock()
	f()
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.sizes
}

// TestProjectDatesRemovalWithinTheItemLimit: on DynamoDB, new dates of a
// project remove the returns of the periods it no longer runs during in
// the change's own transaction, and each schedule they are of adds two
// items (its counts and the project's counts of it) beside each return's
// delete. So one change removes at most 40 returns of at most 25
// schedules: the largest such change (40 returns of 25 schedules, made
// by a lead, whose membership it checks, with a new name, an earlier
// start that calls for a generation, and an edit form's idempotency
// claim) is a transaction of at most 100 items,
// and is made; returns of one schedule more are refused before anything
// is written, 400 naming endDate and the date to move it to first.
func TestProjectDatesRemovalWithinTheItemLimit(t *testing.T) {
	t.Parallel()
	client, table := testenv.Table(t)
	now := time.Date(2026, 10, 5, 9, 0, 0, 0, time.UTC)

	// world makes a project running February to June 2025 and schedules
	// of it, monthly from January 2025: toJune ending in June, toMay in
	// May. Ending in April instead, it no longer runs during May and
	// June: that removes two returns of each toJune schedule and one of
	// each toMay.
	world := func(t *testing.T, toJune, toMay int) (*txSizesDB, *service.Service, domain.Caller, string, string) {
		t.Helper()
		db := &txSizesDB{Client: client}
		svc := service.New(store.New(db, table), func() time.Time { return now })
		ctx := context.Background()
		admin := domain.Caller{Identity: domain.Identity{Subject: "sub-admin", Email: "admin@example.org", Groups: []string{domain.AdminGroup}}}
		lead := domain.Caller{Identity: domain.Identity{Subject: "sub-lead", Email: "lead@example.org"}}
		p, err := svc.CreateProgramme(ctx, admin, testkit.Body(testkit.ProgrammeBody("Working for Wellness")), nil)
		if err != nil {
			t.Fatal(err)
		}
		sc := svc.Open(ctx, admin, p.ID)
		if _, _, err := sc.PutMember(lead.Email, testkit.Body(testkit.RolesBody(testkit.RoleLead()))); err != nil {
			t.Fatal(err)
		}
		pr, err := sc.CreateProject(testkit.Body(testkit.Merge(testkit.ProjectBody("Bradford IPS"),
			map[string]any{"startDate": "2025-02-01", "endDate": "2025-06-30"})))
		if err != nil {
			t.Fatal(err)
		}
		for i := range toJune + toMay {
			last := "2025-06-30"
			if i >= toJune {
				last = "2025-05-31"
			}
			if _, err := sc.CreateSchedule(testkit.Body(map[string]any{"name": "Monthly " + string(rune('A'+i%26)) + string(rune('a'+i/26)),
				"frequency": "monthly", "firstPeriodStart": "2025-01-01", "lastPeriodEnd": last})); err != nil {
				t.Fatal(err)
			}
		}
		return db, svc, lead, p.ID, pr.ID
	}
	// change is the largest change of the project's dates: through an
	// edit form (its claim committed with the change), renamed, starting
	// a month earlier (a generation) and ending in April.
	change := func(svc *service.Service, lead domain.Caller, pid, j string) error {
		ctx := context.Background()
		_, err := svc.Idempotency().RunOnce(ctx, service.Once{Claim: service.ClaimFor(lead, "edit project "+j), Hash: "edit",
			Lease: time.Minute, Wait: time.Second, Poll: 10 * time.Millisecond}, func(c *service.Claim) (service.SavedAnswer, error) {
			_, err := svc.Open(ctx, lead, pid).WithClaim(c).UpdateProject(j, func(int64) bool { return true },
				testkit.Body(map[string]any{"name": "Leeds IPS", "startDate": "2025-01-01", "endDate": "2025-04-30"}))
			return service.SavedAnswer{Status: 200}, err
		})
		return err
	}
	returnsOf := func(t *testing.T, svc *service.Service, lead domain.Caller, pid, j string) int {
		t.Helper()
		n, pg := 0, service.Page{Limit: 100}
		for {
			rs, next, err := svc.Open(context.Background(), lead, pid).ListReturns(service.ReturnQuery{ProjectID: j}, pg)
			if err != nil {
				t.Fatal(err)
			}
			n += len(rs)
			if next == "" {
				return n
			}
			pg.Cursor = next
		}
	}

	t.Run("40 returns of 25 schedules", func(t *testing.T) {
		t.Parallel()
		db, svc, lead, pid, j := world(t, 15, 10)
		if n := returnsOf(t, svc, lead, pid, j); n != 15*5+10*4 {
			t.Fatalf("%d returns, want %d", n, 15*5+10*4)
		}
		var err error
		sizes := db.measure(func() { err = change(svc, lead, pid, j) })
		if err != nil {
			t.Fatalf("the change: %v", err)
		}
		// January to April of every schedule.
		if n := returnsOf(t, svc, lead, pid, j); n != 25*4 {
			t.Errorf("%d returns after the change, want %d", n, 25*4)
		}
		if len(sizes) == 0 || sizes[0] < 40+2*25 || sizes[0] > 100 {
			t.Errorf("the change's transaction has %v items, want the 40 removals and their 50 counts, within 100", sizes)
		}
		t.Logf("transactions of %v items", sizes)
	})

	t.Run("40 returns of 26 schedules", func(t *testing.T) {
		t.Parallel()
		db, svc, lead, pid, j := world(t, 14, 12)
		before := returnsOf(t, svc, lead, pid, j)
		var err error
		sizes := db.measure(func() { err = change(svc, lead, pid, j) })
		de, ok := err.(*domain.Error)
		if !ok || de.Code != domain.CodeValidation {
			t.Fatalf("the change: %v, want 400 naming endDate", err)
		}
		if why := de.Fields["endDate"]; !strings.Contains(why, "would remove returns of 26 schedules at once") ||
			!strings.Contains(why, "at most 25 schedules") || !strings.Contains(why, "first to 2025-05-01") {
			t.Errorf("endDate: %q", why)
		}
		if len(sizes) != 0 {
			t.Errorf("transactions %v sent for a refused change", sizes)
		}
		pr, err := svc.Open(context.Background(), lead, pid).Project(j)
		if err != nil || pr.Version != 1 || pr.Name != "Bradford IPS" {
			t.Errorf("the project after the refusal: %+v %v", pr, err)
		}
		if n := returnsOf(t, svc, lead, pid, j); n != before {
			t.Errorf("%d returns after the refusal, want %d", n, before)
		}
		// Moved as the refusal says: June's returns go (14 schedules').
		if _, err := svc.Open(context.Background(), lead, pid).UpdateProject(j, func(int64) bool { return true },
			testkit.Body(map[string]any{"endDate": "2025-05-01"})); err != nil {
			t.Fatalf("the first step: %v", err)
		}
		if n := returnsOf(t, svc, lead, pid, j); n != 26*4 {
			t.Errorf("%d returns after the first step, want %d (February to May)", n, 26*4)
		}
		// May's are of all 26: no step removes them at once.
		err = change(svc, lead, pid, j)
		if de, ok := err.(*domain.Error); !ok || !strings.Contains(de.Fields["endDate"],
			"would remove returns of 26 schedules at once, and one change removes those of at most 25 schedules, fewer than the periods starting on 2025-05-01 alone have") {
			t.Errorf("ending in April after the first step: %v", err)
		}
	})
}

// TestScheduleReturnsOfManyProjectsWithinTheItemLimit: on DynamoDB, a new
// schedule's returns are written in transactions that carry, beside each
// return and the counts it moves, the premise of its schedule and of each
// of its projects (their last period and dates as planned: the items
// that move their revisions on). A yearly schedule of 100 projects, one
// return each (each project three items: the worst case), is written in
// transactions of at most 100 items, every return counted once.
func TestScheduleReturnsOfManyProjectsWithinTheItemLimit(t *testing.T) {
	t.Parallel()
	client, table := testenv.Table(t)
	db := &txSizesDB{Client: client}
	now := time.Date(2026, 10, 5, 9, 0, 0, 0, time.UTC)
	svc := service.New(store.New(db, table), func() time.Time { return now })
	ctx := context.Background()
	admin := domain.Caller{Identity: domain.Identity{Subject: "sub-admin", Email: "admin@example.org", Groups: []string{domain.AdminGroup}}}
	p, err := svc.CreateProgramme(ctx, admin, testkit.Body(testkit.ProgrammeBody("Working for Wellness")), nil)
	if err != nil {
		t.Fatal(err)
	}
	sc := svc.Open(ctx, admin, p.ID)
	const projects = 100
	var wg sync.WaitGroup
	errs := make([]error, projects)
	for w := range 8 { // eight at a time
		wg.Add(1)
		go func() {
			defer wg.Done()
			sc := svc.Open(ctx, admin, p.ID)
			for i := w; i < projects; i += 8 {
				_, errs[i] = sc.CreateProject(testkit.Body(testkit.ProjectBody(fmt.Sprintf("Project %03d", i))))
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	var s domain.Schedule
	sizes := db.measure(func() {
		s, err = sc.CreateSchedule(testkit.Body(map[string]any{"name": "Yearly returns", "frequency": "yearly",
			"firstPeriodStart": "2025-01-01", "lastPeriodEnd": "2025-12-31"}))
	})
	if err != nil {
		t.Fatal(err)
	}
	// The schedule's own transaction, then the returns'.
	if len(sizes) < 2 || slices.Max(sizes) > 100 {
		t.Fatalf("transactions of %v items", sizes)
	}
	t.Logf("transactions of %v items", sizes)
	pr, err := sc.Progress()
	if err != nil {
		t.Fatal(err)
	}
	if pr.Returns == nil || pr.Returns.Overdue != projects {
		t.Errorf("counts %+v, want %d returns overdue", pr.Returns, projects)
	}
	rs, _, err := sc.ListReturns(service.ReturnQuery{ScheduleID: s.ID}, service.Page{Limit: 100})
	if err != nil || len(rs) != projects {
		t.Errorf("%d returns listed (%v), want %d", len(rs), err, projects)
	}
}
