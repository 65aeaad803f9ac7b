package bench_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/email"
	"github.com/fundtrack/fundtrack/shared/notify"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/store"
	"github.com/fundtrack/fundtrack/shared/testenv"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// targetsPerProgramme is how the notifier benchmark's targets are spread:
// sizes/10 programmes of 10 targets each.
const targetsPerProgramme = 10

// notifierSizes are the numbers of targets the notifier benchmark seeds;
// FUNDTRACK_BENCH_NOTIFIER_SIZES (e.g. "2000") overrides the default.
func notifierSizes(b *testing.B) []int {
	sizes := []int{2000, 10000}
	if v := os.Getenv("FUNDTRACK_BENCH_NOTIFIER_SIZES"); v != "" {
		sizes = nil
		for _, f := range strings.Split(v, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n < targetsPerProgramme {
				b.Fatalf("FUNDTRACK_BENCH_NOTIFIER_SIZES: bad size %q", f)
			}
			sizes = append(sizes, n)
		}
	}
	return sizes
}

// noMail accepts every email; no milestone is due in this benchmark, so it
// is never called, but the notifier needs a sender.
type noMail struct{}

func (noMail) Send(context.Context, email.Message) error { return nil }

var benchAdmin = testkit.AdminCaller()

// seeded is one programme of the notifier benchmark.
type seeded struct{ prog, project string }

// BenchmarkNotifier seeds programmes of 10 targets each (2,000 and 10,000
// targets), then times single notifier runs (notify.Notifier.Run, with an
// email sender that is never needed: no milestone is reached):
//
//   - all_changed: every programme's figures changed (the first run after
//     seeding, since creating a target marks its programme changed);
//   - none_changed: nothing changed since the last run;
//   - changed_targets=10 / =100: 1 / 10 programmes (10 / 100 targets)
//     changed by an outcome submission (made before the timer starts).
//
// Metrics: ddb-req/op (DynamoDB requests per run), items/op (items those
// requests returned), targets-read/op, programmes/op (changed programmes
// the run visited). Items read should follow the changed targets, not the
// size.
func BenchmarkNotifier(b *testing.B) {
	for _, size := range notifierSizes(b) {
		b.Run(fmt.Sprintf("targets=%d", size), func(b *testing.B) { benchNotifier(b, size) })
	}
}

func benchNotifier(b *testing.B, size int) {
	s := testkit.New(b)
	count, plain, table := s.Count, s.Plain, s.Table
	svc := service.New(store.New(plain, table), nil) // seeding and marking, not counted
	n := &notify.Notifier{Store: s.Store, Email: noMail{}, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	ctx := context.Background()

	today := domain.UKDate(time.Now())
	start, end, deadline := today.String(), today.AddDays(3*365).String(), today.AddDays(2*365).String()
	programmes := make([]seeded, size/targetsPerProgramme)
	began := time.Now()
	// One programme through the service, as the API would write it ...
	tpl, err := seedProgramme(ctx, plain, table, svc, start, end, deadline)
	if err != nil {
		b.Fatal(err)
	}
	programmes[0] = tpl.seeded
	// ... and the others cloned from its items with fresh ids, 25 to a
	// BatchWriteItem: the same items, for a fraction of the setup time
	// (DynamoDB Local takes ~10 ms a transaction on a busy machine).
	var items atomic.Int64
	parallel(b, len(programmes)-1, 8, func(i int) error {
		s, n, err := tpl.clone(ctx, plain, table)
		programmes[i+1] = s
		items.Add(int64(n))
		return err
	})
	// A clone reads back like the original.
	if pg, err := svc.Open(ctx, benchAdmin, programmes[len(programmes)-1].prog).Progress(); err != nil || len(pg.Targets) != targetsPerProgramme {
		b.Fatalf("cloned programme: %d targets, %v", len(pg.Targets), err)
	}
	// A parent benchmark's log is not printed; say it on the output itself.
	fmt.Printf("# %s: seeded %d programmes with %d targets (%d items) in %s\n",
		b.Name(), len(programmes), size, int64(len(tpl.items))+items.Load(), time.Since(began).Round(time.Millisecond))

	// mark makes k programmes' figures change, from the next one on.
	next := 0
	mark := func(b *testing.B, k int) {
		picked := make([]seeded, k)
		for j := range picked {
			picked[j] = programmes[next%len(programmes)]
			next++
		}
		parallel(b, k, 8, func(j int) error {
			_, err := svc.OpenProject(ctx, benchAdmin, picked[j].prog, picked[j].project).SubmitOutcome(testkit.Body(map[string]any{
				"periodStart": start, "periodEnd": start, "counts": map[string]int{"referrals": 3, "peopleIntoWork": 1, "jobStarts": 1}}))
			return err
		})
	}

	run := func(b *testing.B, changed int) {
		var reports []notify.Report
		var cpu time.Duration // this process's CPU time in the runs: the notifier's, with its DynamoDB client's
		before := count.Snapshot()
		first := true
		for b.Loop() {
			// all_changed's first run finds every programme changed by seeding.
			if changed > 0 && !(first && changed == len(programmes)) {
				b.StopTimer()
				mark(b, changed)
				b.StartTimer()
			}
			first = false
			c0 := selfCPU(b)
			rep, err := n.Run(ctx)
			cpu += selfCPU(b) - c0
			if err != nil {
				b.Fatal(err)
			}
			if rep.ProgrammesChanged != changed {
				b.Fatalf("run visited %d changed programmes, want %d", rep.ProgrammesChanged, changed)
			}
			reports = append(reports, rep)
		}
		d := count.Snapshot().Since(before)
		runs := float64(len(reports))
		var targets, progs int
		for _, r := range reports {
			targets += r.TargetsRead
			progs += r.ProgrammesChanged
		}
		b.ReportMetric(float64(d.Requests)/runs, "ddb-req/op")
		b.ReportMetric(float64(d.Items)/runs, "items/op")
		b.ReportMetric(float64(targets)/runs, "targets-read/op")
		b.ReportMetric(float64(progs)/runs, "programmes/op")
		b.ReportMetric(ms(cpu)/runs, "cpu-ms/op")
		b.Logf("%d targets, %d changed programmes: %d runs, DynamoDB requests per run %s", size, changed, len(reports), perCall(d, len(reports)))
	}
	b.Run("all_changed", func(b *testing.B) { run(b, len(programmes)) })
	b.Run("none_changed", func(b *testing.B) { run(b, 0) })
	b.Run("changed_targets=10", func(b *testing.B) { run(b, 1) })
	b.Run("changed_targets=100", func(b *testing.B) { run(b, 100/targetsPerProgramme) })
}

// selfCPU is this process's CPU time so far (user + system, all threads).
func selfCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// template is a programme seeded through the service, with every item of
// its partition, to clone.
type template struct {
	seeded
	ids   []string // the ids the service made: programme, funder, project, targets, audit events
	items []map[string]types.AttributeValue
}

// seedProgramme creates one programme as the API would: a funder, a
// project, a lead and 10 targets (half of the programme, half of the
// project), none reached and none due a time-driven check for months.
func seedProgramme(ctx context.Context, db *dynamodb.Client, table string, svc *service.Service, start, end, deadline string) (*template, error) {
	var ids []string
	p, err := svc.CreateProgramme(ctx, benchAdmin, testkit.Body(map[string]any{"name": "Bench programme",
		"leadOrganisation": "Bench NHS Trust", "startDate": start, "endDate": end}), nil)
	if err != nil {
		return nil, err
	}
	f, err := svc.Open(ctx, benchAdmin, p.ID).CreateFunder(testkit.Body(map[string]any{"name": "Department for Work and Pensions",
		"contacts": []string{"grants@dwp.example.org"}}))
	if err != nil {
		return nil, err
	}
	pr, err := svc.Open(ctx, benchAdmin, p.ID).CreateProject(testkit.Body(map[string]any{"name": "IPS service",
		"leadOrganisation": "Bench NHS Trust", "startDate": start, "endDate": end}))
	if err != nil {
		return nil, err
	}
	if _, _, err := svc.Open(ctx, benchAdmin, p.ID).PutMember("lead@bench.example.org",
		testkit.Body(map[string]any{"roles": []map[string]any{{"role": "lead"}}})); err != nil {
		return nil, err
	}
	for t := range targetsPerProgramme {
		in := map[string]any{"metric": "peopleIntoWork", "value": 1000 + t, "deadline": deadline,
			"notify": []string{f.ID}, "thresholds": []int{50, 100}}
		if t%2 == 1 {
			in["projectId"], in["metric"] = pr.ID, "jobStarts"
		}
		tg, err := svc.Open(ctx, benchAdmin, p.ID).CreateTarget(testkit.Body(in))
		if err != nil {
			return nil, err
		}
		ids = append(ids, tg.ID)
	}
	tpl := &template{seeded: seeded{prog: p.ID, project: pr.ID}, ids: append(ids, p.ID, f.ID, pr.ID)}
	// Every item of the partition, audit events included.
	q := &dynamodb.QueryInput{TableName: aws.String(table), KeyConditionExpression: aws.String("PK = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: "PROG#" + p.ID}}}
	for {
		out, err := db.Query(ctx, q)
		if err != nil {
			return nil, err
		}
		for _, item := range out.Items {
			tpl.items = append(tpl.items, item)
			if sk := item["SK"].(*types.AttributeValueMemberS).Value; strings.HasPrefix(sk, "AUDIT#") {
				tpl.ids = append(tpl.ids, strings.TrimPrefix(sk, "AUDIT#"))
			}
		}
		if out.LastEvaluatedKey == nil {
			return tpl, nil
		}
		q.ExclusiveStartKey = out.LastEvaluatedKey
	}
}

// clone writes a copy of the template's items with fresh ids throughout
// (keys, index keys, attributes, attribute names such as the totals'
// per-funder figures), and returns the copy and its number of items.
func (tpl *template) clone(ctx context.Context, db *dynamodb.Client, table string) (seeded, int, error) {
	pairs := make([]string, 0, 2*len(tpl.ids))
	fresh := map[string]string{}
	for _, id := range tpl.ids {
		fresh[id] = domain.NewID()
		pairs = append(pairs, id, fresh[id])
	}
	r := strings.NewReplacer(pairs...)
	var reqs []types.WriteRequest
	for _, item := range tpl.items {
		item = rewriteItem(item, r)
		testkit.Reshard(item, fresh[tpl.prog])
		reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: item}})
	}
	for _, batch := range testenv.Batches(table, reqs) {
		if err := testenv.WriteBatch(ctx, db, batch); err != nil {
			return seeded{}, 0, err
		}
	}
	return seeded{prog: fresh[tpl.prog], project: fresh[tpl.project]}, len(tpl.items), nil
}

func rewriteItem(item map[string]types.AttributeValue, r *strings.Replacer) map[string]types.AttributeValue {
	out := make(map[string]types.AttributeValue, len(item))
	for k, v := range item {
		out[r.Replace(k)] = rewrite(v, r)
	}
	return out
}

func rewrite(v types.AttributeValue, r *strings.Replacer) types.AttributeValue {
	switch v := v.(type) {
	case *types.AttributeValueMemberS:
		return &types.AttributeValueMemberS{Value: r.Replace(v.Value)}
	case *types.AttributeValueMemberSS:
		ss := make([]string, len(v.Value))
		for i, s := range v.Value {
			ss[i] = r.Replace(s)
		}
		return &types.AttributeValueMemberSS{Value: ss}
	case *types.AttributeValueMemberL:
		l := make([]types.AttributeValue, len(v.Value))
		for i, e := range v.Value {
			l[i] = rewrite(e, r)
		}
		return &types.AttributeValueMemberL{Value: l}
	case *types.AttributeValueMemberM:
		return &types.AttributeValueMemberM{Value: rewriteItem(v.Value, r)}
	default:
		return v
	}
}
