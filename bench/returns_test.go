package bench_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/notify"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/store"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// returnsProjects is how many projects the returns benchmark's programme
// has; each sends one return a month, so a month's reminder day has this
// many returns due whatever the schedule's length.
const returnsProjects = 100

// returnsSizes are the numbers of returns the benchmark seeds;
// FUNDTRACK_BENCH_RETURNS_SIZES (e.g. "2000") overrides the default.
func returnsSizes(b *testing.B) []int {
	sizes := []int{2000, 10000}
	if v := os.Getenv("FUNDTRACK_BENCH_RETURNS_SIZES"); v != "" {
		sizes = nil
		for _, f := range strings.Split(v, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n < returnsProjects || n%returnsProjects != 0 || n/returnsProjects > domain.MaxPeriods {
				b.Fatalf("FUNDTRACK_BENCH_RETURNS_SIZES: bad size %q (a multiple of %d, at most %d)", f, returnsProjects, returnsProjects*domain.MaxPeriods)
			}
			sizes = append(sizes, n)
		}
	}
	return sizes
}

// BenchmarkNotifierReturns seeds one programme of 100 projects, each with
// a project lead, and a monthly schedule expecting 2,000 or 10,000 returns
// (20 or 100 months), all through the service as the API makes them. It
// then times single notifier runs (notify.Notifier.Run):
//
//   - quiet_day: no return due a look;
//   - reminder_day: the 100 returns of one month reach their reminder
//     day: each is looked at, its reminder claimed, sent (to a sender that
//     accepts everything) and recorded, and the return moved on. Between
//     runs (the timer stopped) the same 100 are put back, and their
//     reminders forgotten, so every run does the same work.
//
// Metrics: ddb-req/op, items/op (items returned), returns-due/op. A run's
// cost should follow the returns due, not the returns there are.
func BenchmarkNotifierReturns(b *testing.B) {
	for _, size := range returnsSizes(b) {
		b.Run(fmt.Sprintf("returns=%d", size), func(b *testing.B) { benchReturns(b, size) })
	}
}

func benchReturns(b *testing.B, size int) {
	s := testkit.New(b, testkit.WithClock("2026-01-02T06:00:00Z"))
	ctx := context.Background()
	svc := service.New(store.New(s.Plain, s.Table), s.Clock.Now) // seeding and re-arming: not counted
	admin := func(pid string) *service.Scope { return svc.Open(ctx, benchAdmin, pid) }
	began := time.Now()
	p, err := svc.CreateProgramme(ctx, benchAdmin, testkit.Body(map[string]any{"name": "Returns bench",
		"leadOrganisation": "Bench NHS Trust", "startDate": "2026-01-01", "endDate": "2036-12-31"}), nil)
	if err != nil {
		b.Fatal(err)
	}
	parallel(b, returnsProjects, 8, func(i int) error {
		pr, err := admin(p.ID).CreateProject(testkit.Body(map[string]any{"name": fmt.Sprintf("IPS service %d", i),
			"leadOrganisation": "Bench NHS Trust", "startDate": "2026-01-01", "endDate": "2036-12-31"}))
		if err != nil {
			return err
		}
		_, _, err = admin(p.ID).PutMember(fmt.Sprintf("pl%d@bench.example.org", i),
			testkit.Body(map[string]any{"roles": []map[string]any{{"role": "project-lead", "projectId": pr.ID}}}))
		return err
	})
	months := size / returnsProjects
	periods := domain.PeriodsOf(domain.Monthly, domain.MustDate("2026-02-01"), domain.MustDate("2036-12-31"))[:months]
	sched, err := admin(p.ID).CreateSchedule(testkit.Body(map[string]any{"name": "Monthly returns", "frequency": "monthly",
		"firstPeriodStart": "2026-02-01", "lastPeriodEnd": periods[len(periods)-1].End.String()}))
	if err != nil {
		b.Fatal(err)
	}
	all, _, err := admin(p.ID).ListReturns(service.ReturnQuery{ScheduleID: sched.ID, Status: domain.ReturnUpcoming}, service.Page{Limit: 1})
	if err != nil || len(all) != 1 {
		b.Fatalf("returns after seeding: %v %v", all, err)
	}
	fmt.Printf("# %s: seeded %d projects and %d returns through the service in %s\n", b.Name(), returnsProjects, size,
		time.Since(began).Round(time.Millisecond))

	n := &notify.Notifier{Store: s.Store, Email: noMail{}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	n.Now = s.Clock.Now
	// Warm up: the first looks and reminders up to the February returns'
	// reminder day (due 2026-03-20, reminded 2026-03-13).
	for _, day := range []string{"2026-01-02", "2026-03-13"} {
		s.Clock.Set(day + "T06:00:00Z")
		if _, err := n.Run(ctx); err != nil {
			b.Fatal(err)
		}
	}
	february := make([]domain.Return, 0, returnsProjects)
	pg := service.Page{Limit: service.MaxLimit}
	for {
		items, next, err := admin(p.ID).ListReturns(service.ReturnQuery{ScheduleID: sched.ID, From: periods[0].End, To: periods[0].End.AddDays(1)}, pg)
		if err != nil {
			b.Fatal(err)
		}
		february = append(february, items...)
		if next == "" {
			break
		}
		pg.Cursor = next
	}
	if len(february) != returnsProjects {
		b.Fatalf("%d February returns, want %d", len(february), returnsProjects)
	}
	// rearm puts February's returns back in the index on their reminder
	// day and forgets their reminders, as if the day had not come yet.
	rearm := func(b *testing.B) {
		parallel(b, len(february), 8, func(i int) error {
			r := february[i]
			pk := &types.AttributeValueMemberS{Value: "PROG#" + p.ID}
			if _, err := s.Plain.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(s.Table),
				Key:              map[string]types.AttributeValue{"PK": pk, "SK": &types.AttributeValueMemberS{Value: "RETURN#" + r.ProjectID + "#" + r.ScheduleID + "#" + r.PeriodStart.String()}},
				UpdateExpression: aws.String("SET GSI3PK = :due, GSI3SK = :key"),
				ExpressionAttributeValues: map[string]types.AttributeValue{":due": &types.AttributeValueMemberS{Value: "RDUE#" + strconv.Itoa(store.ShardOf(p.ID))},
					":key": &types.AttributeValueMemberS{Value: "2026-03-13#" + p.ID + "#" + r.ID}}}); err != nil {
				return err
			}
			id := domain.ReturnNotificationID(r.ID, domain.ReturnNotice{Kind: domain.KindReminder, Reminder: 7})
			_, err := s.Plain.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(s.Table),
				Key: map[string]types.AttributeValue{"PK": pk, "SK": &types.AttributeValueMemberS{Value: "NOTIF#" + id}}})
			return err
		})
	}

	run := func(b *testing.B, day string, due int) {
		s.Clock.Set(day + "T06:00:00Z")
		var runs, looked int
		var d testkit.Counts
		for b.Loop() {
			if due > 0 {
				b.StopTimer()
				rearm(b)
				b.StartTimer()
			}
			before := s.Count.Snapshot()
			rep, err := n.Run(ctx)
			if err != nil {
				b.Fatal(err)
			}
			got := s.Count.Snapshot().Since(before)
			if runs == 0 {
				d = got
			} else {
				d.Requests, d.Attempts, d.Items = d.Requests+got.Requests, d.Attempts+got.Attempts, d.Items+got.Items
				for op, k := range got.Ops {
					d.Ops[op] += k
					d.Time[op] += got.Time[op]
				}
			}
			if rep.ReturnsDue != due || (due > 0 && rep.Sent != due) {
				b.Fatalf("run on %s looked at %d returns and sent %d reminders, want %d", day, rep.ReturnsDue, rep.Sent, due)
			}
			runs++
			looked += rep.ReturnsDue
		}
		b.ReportMetric(float64(d.Requests)/float64(runs), "ddb-req/op")
		b.ReportMetric(float64(d.Items)/float64(runs), "items/op")
		b.ReportMetric(float64(looked)/float64(runs), "returns-due/op")
		b.Logf("%d returns, %d due: %d runs, DynamoDB requests per run %s", size, due, runs, perCall(d, runs))
	}
	b.Run("quiet_day", func(b *testing.B) { run(b, "2026-03-14", 0) })
	b.Run("reminder_day", func(b *testing.B) { run(b, "2026-03-13", returnsProjects) })
}
