package store_test

import (
	"context"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/store"
	"github.com/fundtrack/fundtrack/shared/testenv"
)

// rcHookDB runs before once, on the first Query of returns (prefix
// RETURN#), before sending it, and counts those Queries.
type rcHookDB struct {
	store.DB
	mu      sync.Mutex
	before  func()
	queries int
}

func (d *rcHookDB) Query(ctx context.Context, in *dynamodb.QueryInput, opts ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	var f func()
	if pre, ok := in.ExpressionAttributeValues[":prefix"].(*types.AttributeValueMemberS); ok && pre.Value == "RETURN#" && in.ExclusiveStartKey == nil {
		d.mu.Lock()
		f, d.before = d.before, nil
		d.queries++
		d.mu.Unlock()
	}
	if f != nil {
		f()
	}
	return d.DB.Query(ctx, in, opts...)
}

// TestRecountReturns: counts of returns left wrong (as the import that
// counted a split row twice left them: a schedule's and a project's,
// too high, too low, a period no return has) are put right from the
// returns, and only they: a second recount moves nothing. Submissions made
// while it runs are counted once: those made after it read the counts and
// before it read the returns (which it would count twice, once in the
// returns and once when their ADDs land) fail its correction's condition,
// and it reads both again.
func TestRecountReturns(t *testing.T) {
	t.Parallel()
	db, table := testenv.Table(t)
	hook := &rcHookDB{DB: db}
	st := store.New(hook, table)
	c := &ct{T: t, st: st, ctx: context.Background(), who: domain.Caller{Identity: domain.Identity{Subject: "sub-lead", Email: "lead@example.org"}}}
	now := time.Now().UTC()
	p := c.programme()
	a, b := c.project(p.ID), c.project(p.ID)
	setup, err := st.ReportingSetup(c.ctx, p.ID)
	c.ok(err)
	sched := domain.Schedule{ID: domain.NewID(), Name: "Monthly", Frequency: domain.Monthly, FirstPeriodStart: domain.MustDate("2025-01-01"),
		LastPeriodEnd: domain.MustDate("2025-06-30"), DueDays: 20, Reminders: []int64{7}, Version: 1, CreatedAt: now, UpdatedAt: now}
	c.ok(st.CreateSchedule(c.ctx, p.ID, sched, setup.Seq, nil, c.change(p.ID, domain.EntitySchedule, sched.ID, domain.ActionCreate, nil, sched)))
	c.ok(st.CreateReturns(c.ctx, p.ID, domain.ExpectedReturns(sched, []domain.Project{a, b}, now)))
	returns := func() []domain.Return {
		return ctAll(c, 100, func(pg service.Page) ([]domain.Return, string, error) {
			return st.ListReturns(c.ctx, p.ID, service.ReturnFilter{}, pg)
		})
	}
	find := func(project, end string) domain.Return {
		for _, r := range returns() {
			if r.ProjectID == project && r.PeriodEnd.String() == end {
				return r
			}
		}
		t.Fatalf("no return of %s to %s", project, end)
		return domain.Return{}
	}
	fill := func(project, end string, review bool) {
		t.Helper()
		r := find(project, end)
		o := ctOutcome(project, "", end, map[domain.Metric]int64{domain.MetricReferrals: 2})
		o.PeriodStart = r.PeriodStart
		if end < "2025-03-01" {
			o.SubmittedAt = r.DueDate.Time().Add(9 * time.Hour) // on time
		}
		o = domain.NewSubmission(o, nil, review)
		filled, ok := r.Fill(o)
		if !ok {
			t.Fatalf("the submission fills no return: %+v", r)
		}
		s, err := st.ReportingSetup(c.ctx, p.ID)
		c.ok(err)
		sub := service.Submission{Outcome: o, Figures: domain.Submitting(o, nil, nil), Seq: s.Seq, Returns: []service.ReturnWrite{{Before: &r, After: filled}}}
		c.ok(st.CreateOutcome(c.ctx, p.ID, sub, c.change(p.ID, domain.EntityOutcome, o.ID, domain.ActionCreate, nil, o)))
	}
	fill(a.ID, "2025-01-31", false)
	fill(a.ID, "2025-02-28", false)
	fill(a.ID, "2025-03-31", true)

	type counts struct {
		Expected, Unsent, OnTime map[domain.Date]int64
		Submitted                int64
	}
	of := func(st domain.ReturnStats) counts {
		return counts{ctNonZeroCounts(st.Expected), ctNonZeroCounts(st.Unsent), ctNonZeroCounts(st.OnTime), st.Submitted}
	}
	read := func() map[string]counts {
		s, err := st.ReportingSetup(c.ctx, p.ID)
		c.ok(err)
		figs, err := st.Figures(c.ctx, map[string]service.FigureKeys{p.ID: {Projects: []string{a.ID, b.ID}, ProjectSchedules: []string{sched.ID}}})
		c.ok(err)
		return map[string]counts{"": of(s.Stats[sched.ID]), a.ID: of(figs[p.ID].ProjectStats[a.ID][sched.ID]), b.ID: of(figs[p.ID].ProjectStats[b.ID][sched.ID])}
	}
	want := func() map[string]counts {
		by := domain.ReturnStatsOf(returns())
		var all domain.StatsDelta
		out := map[string]counts{}
		for _, j := range []string{a.ID, b.ID} {
			st := by[j][sched.ID]
			out[j] = of(st)
			all.Merge(domain.StatsDelta{Expected: st.Expected, Unsent: st.Unsent, OnTime: st.OnTime, Submitted: st.Submitted})
		}
		out[""] = of(domain.ReturnStats{Expected: all.Expected, Unsent: all.Unsent, OnTime: all.OnTime, Submitted: all.Submitted})
		return out
	}
	if got, w := read(), want(); !reflect.DeepEqual(got, w) {
		t.Fatalf("counts before they are spoilt:\n%+v\nwant\n%+v", got, w)
	}

	// Spoil them.
	spoil := func(sk string, adds map[string]int64) {
		t.Helper()
		expr, names, vals := []string{}, map[string]string{}, map[string]types.AttributeValue{}
		i := 0
		for attr, n := range adds {
			k := string(rune('a' + i))
			expr, names["#"+k], vals[":"+k] = append(expr, "#"+k+" :"+k), attr, &types.AttributeValueMemberN{Value: itoa(n)}
			i++
		}
		if _, err := db.UpdateItem(c.ctx, &dynamodb.UpdateItemInput{TableName: aws.String(table),
			Key:                      map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: "PROG#" + p.ID}, "SK": &types.AttributeValueMemberS{Value: sk}},
			UpdateExpression:         aws.String("ADD " + strings.Join(expr, ", ")),
			ExpressionAttributeNames: names, ExpressionAttributeValues: vals}); err != nil {
			t.Fatal(err)
		}
	}
	spoil("SCHEDSTAT#"+sched.ID, map[string]int64{"u_2025-01-31": 2, "ot_2025-02-28": 1, "sub": 1, "u_2030-01-31": 1, "e_2025-06-30": -1})
	spoil("RETSTAT#"+a.ID+"#"+sched.ID, map[string]int64{"u_2025-03-31": -1})
	if got, w := read(), want(); reflect.DeepEqual(got, w) {
		t.Fatal("the counts were not spoilt")
	}

	// Asked only what it would do, it writes nothing.
	if would, err := st.RecountReturns(c.ctx, p.ID, false); err != nil || len(would) != 2 {
		t.Fatalf("a dry run: %+v, %v; want a's counts and the schedule's", would, err)
	}
	if got, w := read(), want(); reflect.DeepEqual(got, w) {
		t.Fatal("a dry run wrote")
	}

	// While it runs, between its read of the counts and of the returns:
	// two submissions, moving counts it puts right (the schedule's not
	// sent in January) and counts that were right (the schedule's and a's
	// not sent in April), which then seem wrong by what they moved.
	hook.mu.Lock()
	hook.before = func() {
		fill(b.ID, "2025-01-31", false)
		fill(a.ID, "2025-04-30", false)
	}
	hook.mu.Unlock()
	moved, err := st.RecountReturns(c.ctx, p.ID, true)
	c.ok(err)
	if got, w := read(), want(); !reflect.DeepEqual(got, w) {
		t.Errorf("counts after the recount:\n%+v\nwant\n%+v", got, w)
	}
	sks := ids(moved, func(r store.Recount) string { return strings.SplitN(r.SK, "#", 2)[0] })
	if !reflect.DeepEqual(sorted(sks), []string{"RETSTAT", "SCHEDSTAT"}) {
		t.Errorf("recounted %+v, want a's counts and the schedule's", moved)
	}
	if hook.queries < 2 {
		t.Errorf("the returns were read %d times: the submissions made meanwhile did not make the recount read again", hook.queries)
	}
	again, err := st.RecountReturns(c.ctx, p.ID, true)
	c.ok(err)
	if len(again) != 0 {
		t.Errorf("a second recount moved %+v, want nothing", again)
	}
}

func itoa(n int64) string {
	if n < 0 {
		return "-" + itoa(-n)
	}
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}
