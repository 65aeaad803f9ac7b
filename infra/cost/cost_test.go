package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go/middleware"

	"github.com/fundtrack/fundtrack/infra/cfn"
	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/email"
	"github.com/fundtrack/fundtrack/shared/notify"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// capacity adds up the read and write request units DynamoDB says each
// request consumed (ReturnConsumedCapacity INDEXES, which DynamoDB Local
// answers as DynamoDB bills: 4 KB a strongly consistent read, half that
// eventually consistent, 1 KB a write, transactions double, each index
// written counted), and what DynamoDB Local leaves out: the minimum of a
// read that finds nothing (minimumRead) and a transaction's condition
// checks (checkUnits).
type capacity struct {
	mu          sync.Mutex
	read, write float64
	// plain reads the items a transaction's ConditionChecks name, to size
	// them: a client the request counter does not see.
	plain *dynamodb.Client
}

func (c *capacity) option(o *dynamodb.Options) {
	o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
		return s.Initialize.Add(middleware.InitializeMiddlewareFunc("costConsumedCapacity",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				askCapacity(in.Parameters)
				out, md, err := next.HandleInitialize(ctx, in)
				c.add(in.Parameters, out.Result)
				if tw, ok := in.Parameters.(*dynamodb.TransactWriteItemsInput); ok && err == nil {
					units, cerr := c.checkUnits(ctx, tw)
					if cerr != nil {
						return out, md, fmt.Errorf("cost: sizing a transaction's condition checks: %w", cerr)
					}
					c.mu.Lock()
					c.write += units
					c.mu.Unlock()
				}
				return out, md, err
			}), middleware.After)
	})
}

// checkUnits is what DynamoDB bills the ConditionChecks of a transaction
// that committed, which DynamoDB Local reports as nothing: each is a
// transactional write of the item it checks, 2 WRU a KB of it, rounded
// up, and at least 2 (an item not there is billed as 1 KB). The items are
// read (plain, strongly consistent) once the transaction has committed:
// a check changes nothing, so each is as it was checked, unless written
// since, a difference of a few bytes. A transaction refused is billed
// nothing here, as DynamoDB Local reports nothing for its other items.
func (c *capacity) checkUnits(ctx context.Context, in *dynamodb.TransactWriteItemsInput) (float64, error) {
	units := 0.0
	for _, it := range in.TransactItems {
		cc := it.ConditionCheck
		if cc == nil {
			continue
		}
		if c.plain == nil {
			return 0, fmt.Errorf("no client to read %s's checked item with", aws.ToString(cc.TableName))
		}
		out, err := c.plain.GetItem(ctx, &dynamodb.GetItemInput{TableName: cc.TableName, Key: cc.Key, ConsistentRead: aws.Bool(true)})
		if err != nil {
			return 0, err
		}
		kb := math.Ceil(float64(itemBytes(out.Item)) / 1024)
		units += 2 * math.Max(1, kb)
	}
	return units, nil
}

func askCapacity(params any) {
	const all = types.ReturnConsumedCapacityIndexes
	switch p := params.(type) {
	case *dynamodb.GetItemInput:
		p.ReturnConsumedCapacity = all
	case *dynamodb.BatchGetItemInput:
		p.ReturnConsumedCapacity = all
	case *dynamodb.QueryInput:
		p.ReturnConsumedCapacity = all
	case *dynamodb.ScanInput:
		p.ReturnConsumedCapacity = all
	case *dynamodb.PutItemInput:
		p.ReturnConsumedCapacity = all
	case *dynamodb.UpdateItemInput:
		p.ReturnConsumedCapacity = all
	case *dynamodb.DeleteItemInput:
		p.ReturnConsumedCapacity = all
	case *dynamodb.TransactWriteItemsInput:
		p.ReturnConsumedCapacity = all
	case *dynamodb.BatchWriteItemInput:
		p.ReturnConsumedCapacity = all
	case *dynamodb.TransactGetItemsInput:
		p.ReturnConsumedCapacity = all
	}
}

// minimumRead is what DynamoDB charges a read that finds nothing, which
// DynamoDB Local reports as 0: a read unit strongly consistent, half
// one eventually consistent (every index query).
func minimumRead(params any) float64 {
	strong := false
	switch p := params.(type) {
	case *dynamodb.GetItemInput:
		strong = p.ConsistentRead != nil && *p.ConsistentRead
	case *dynamodb.QueryInput:
		strong = p.ConsistentRead != nil && *p.ConsistentRead
	case *dynamodb.ScanInput:
		strong = p.ConsistentRead != nil && *p.ConsistentRead
	default:
		return 0
	}
	if strong {
		return 1
	}
	return 0.5
}

func (c *capacity) add(params, result any) {
	units := func(cc ...types.ConsumedCapacity) float64 {
		n := 0.0
		for _, x := range cc {
			if x.CapacityUnits != nil {
				n += *x.CapacityUnits
			}
		}
		return n
	}
	one := func(cc *types.ConsumedCapacity) float64 {
		if cc == nil {
			return 0
		}
		return units(*cc)
	}
	var r, w float64
	switch o := result.(type) {
	case *dynamodb.GetItemOutput:
		r = one(o.ConsumedCapacity)
	case *dynamodb.BatchGetItemOutput:
		r = units(o.ConsumedCapacity...)
	case *dynamodb.QueryOutput:
		r = one(o.ConsumedCapacity)
	case *dynamodb.ScanOutput:
		r = one(o.ConsumedCapacity)
	case *dynamodb.TransactGetItemsOutput:
		r = units(o.ConsumedCapacity...)
	case *dynamodb.PutItemOutput:
		w = one(o.ConsumedCapacity)
	case *dynamodb.UpdateItemOutput:
		w = one(o.ConsumedCapacity)
	case *dynamodb.DeleteItemOutput:
		w = one(o.ConsumedCapacity)
	case *dynamodb.TransactWriteItemsOutput:
		w = units(o.ConsumedCapacity...)
	case *dynamodb.BatchWriteItemOutput:
		w = units(o.ConsumedCapacity...)
	}
	if r == 0 {
		r = minimumRead(params)
	}
	c.mu.Lock()
	c.read += r
	c.write += w
	c.mu.Unlock()
}

func (c *capacity) snapshot() (float64, float64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.read, c.write
}

// outbox counts the emails the notifier sends.
type outbox struct {
	mu sync.Mutex
	n  int
}

func (o *outbox) Send(context.Context, email.Message) error {
	o.mu.Lock()
	o.n++
	o.mu.Unlock()
	return nil
}

func (o *outbox) count() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.n
}

// measured is what one action sent.
type measured struct {
	requests int
	ops      string
	rru, wru float64
	emails   int
}

// network is a Working for Wellness-sized network a year in, on a fresh
// table, with the means to measure what an action sends.
type network struct {
	s        *testkit.Stack
	api      *testkit.API
	cap      *capacity
	mail     *outbox
	notifier *notify.Notifier

	pid               string
	funders, projects []string
	grants            []string
	lead, funder      string
	projectLeads      []string
	payment, payGrant string
}

func (n *network) path(rest string) string { return "/programmes/" + n.pid + rest }

func (n *network) measure(t *testing.T, f func()) measured {
	t.Helper()
	r0, w0 := n.cap.snapshot()
	e0 := n.mail.count()
	c := n.s.Count.Measure(f)
	r1, w1 := n.cap.snapshot()
	return measured{requests: c.Requests, ops: c.String(), rru: r1 - r0, wru: w1 - w0, emails: n.mail.count() - e0}
}

func (n *network) run(t *testing.T) notify.Report {
	t.Helper()
	rep, err := n.notifier.Run(t.Context())
	if err != nil {
		t.Fatalf("notifier: %v (%+v)", err, rep)
	}
	return rep
}

// Quarters of the network's schedule: it started in October 2025; the
// first three are history, the fourth (July to September 2026, due
// 20 October) is the one the measured actions submit.
var quarters = [][2]string{{"2025-10-01", "2025-12-31"}, {"2026-01-01", "2026-03-31"}, {"2026-04-01", "2026-06-30"}, {"2026-07-01", "2026-09-30"}}

// newNetwork builds the network through the service, as requests would:
// 3 funders (two contacts each), 20 projects, 11 grants (one to each
// pair of projects, one to the programme) paid in four dated tranches,
// 50 members (4 leads, two people a project, two a funder), 3 targets,
// a quarterly schedule for three years (240 returns) with a reminder a
// week before each is due, and a year's history: three quarters of
// returns from every project and of spend returns on every grant.
// Review is switched on after the history, as WfW would run it.
func newNetwork(t *testing.T) *network {
	t.Helper()
	c := &capacity{}
	s := testkit.New(t, testkit.WithClock("2026-10-05T09:00:00Z"), testkit.WithDBOptions(c.option))
	c.plain = s.Plain
	n := &network{s: s, api: s.API(t), cap: c, mail: &outbox{}}
	n.notifier = &notify.Notifier{Store: s.Store, Email: n.mail, Now: s.Clock.Now,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	b := s.Build(t)
	n.pid = b.Programme(testkit.Merge(testkit.ProgrammeBody("Working for Wellness in the East Midlands Network"),
		map[string]any{"startDate": "2025-10-01", "endDate": "2028-09-30"})).ID
	// Rows that no other row's creation reads are made in parallel; each
	// lands at its index, so the network is the same as one made in order.
	const workers = 8
	funderNames := []string{"Department of Health", "East Midlands SHA", "Department for Work and Pensions"}
	n.funders = make([]string, len(funderNames))
	b.InParallel(len(funderNames), workers, func(b *testkit.Builder, i int) {
		n.funders[i] = b.Funder(n.pid, testkit.FunderBody(funderNames[i],
			fmt.Sprintf("grants%d@funder%d.example.org", 1, i), fmt.Sprintf("grants%d@funder%d.example.org", 2, i))).ID
	})
	n.projects = make([]string, 20)
	b.InParallel(len(n.projects), workers, func(b *testkit.Builder, i int) {
		n.projects[i] = b.Project(n.pid, testkit.Merge(testkit.ProjectBody(fmt.Sprintf("Employment project %02d", i)),
			map[string]any{"startDate": "2025-10-01", "endDate": "2028-09-30"})).ID
	})
	grant := func(b *testkit.Builder, title, funder, project string) string {
		return b.Grant(n.pid, testkit.Merge(testkit.GrantBody(title, funder, project, 4_000_000),
			map[string]any{"awardDate": "2025-09-15", "startDate": "2025-10-01", "endDate": "2028-09-30",
				"budget": []map[string]any{{"category": "staff", "amountPence": 3_000_000}, {"category": "training", "amountPence": 1_000_000}}})).ID
	}
	// Grant k (projects 2k and 2k+1) is funded by funder 2k mod 3:
	// grant 1 by the third, whose officer the measured funder is; the
	// last is the network's own.
	n.grants = make([]string, 11)
	b.InParallel(len(n.grants), workers, func(b *testkit.Builder, k int) {
		if k == 10 {
			n.grants[k] = grant(b, "Network co-ordination", n.funders[1], "")
			return
		}
		i := 2 * k
		n.grants[k] = grant(b, fmt.Sprintf("Posts in projects %d and %d", i, i+1), n.funders[i%3], n.projects[i])
	})
	// Each grant's four tranches in order, the first three paid; the
	// first grant's fourth is the payment the test pays.
	unpaid := make([]string, len(n.grants))
	b.InParallel(len(n.grants), workers, func(b *testkit.Builder, k int) {
		g := n.grants[k]
		for q, due := range []string{"2025-10-15", "2026-01-15", "2026-04-15", "2026-07-15"} {
			p := b.Payment(n.pid, g, testkit.DatedPaymentBody(1_000_000, due))
			if q == 3 {
				unpaid[k] = p.ID
			} else {
				b.PayNow(n.pid, g, p.ID, due)
			}
		}
	})
	n.payment, n.payGrant = unpaid[0], n.grants[0]
	// 4 leads, two people a project (the first its project lead), two
	// officers a funder; the measured lead and funder are the last made.
	type member struct {
		email string
		role  map[string]string
	}
	var members []member
	for i := range 4 {
		n.lead = fmt.Sprintf("lead%d@lpt.example.org", i)
		members = append(members, member{n.lead, testkit.RoleLead()})
	}
	for i, j := range n.projects {
		for k := range 2 {
			m := fmt.Sprintf("staff%d-%02d@project.example.org", k, i)
			members = append(members, member{m, testkit.RoleProjectLead(j)})
			if k == 0 {
				n.projectLeads = append(n.projectLeads, m)
			}
		}
	}
	for i, f := range n.funders {
		for k := range 2 {
			n.funder = fmt.Sprintf("officer%d-%d@funder.example.org", k, i)
			members = append(members, member{n.funder, testkit.RoleFunder(f)})
		}
	}
	b.InParallel(len(members), workers, func(b *testkit.Builder, i int) {
		b.Member(n.pid, members[i].email, members[i].role)
	})
	targets := []map[string]any{
		{"metric": "peopleIntoWork", "value": 60, "deadline": "2028-09-30", "notify": n.funders},
		{"metric": "referrals", "value": 240, "deadline": "2028-09-30", "notify": n.funders},
		{"metric": "peopleIntoWork", "value": 100, "deadline": "2027-09-30", "projectId": n.projects[0], "notify": n.funders[:1]},
	}
	// The targets were set when the programme began, as a year's running
	// network's were: past the grace before an "at risk" email
	// (domain.AtRiskGrace), so the notifier's runs judge them.
	s.Clock.Set("2025-10-01T09:00:00Z")
	b.InParallel(len(targets), workers, func(b *testkit.Builder, i int) { b.Target(n.pid, targets[i]) })
	s.Clock.Set("2026-10-05T09:00:00Z")
	if _, err := s.Svc.Open(context.Background(), testkit.AdminCaller(), n.pid).CreateSchedule(testkit.Body(map[string]any{
		"name": "Quarterly returns", "frequency": "quarterly", "firstPeriodStart": "2025-10-01", "lastPeriodEnd": "2028-09-30",
		"dueDays": 20, "reminders": []int{7}})); err != nil {
		t.Fatal(err)
	}
	// Each project's returns and each grant's spend returns, quarter by
	// quarter.
	b.InParallel(len(n.projects)+len(n.grants), workers, func(b *testkit.Builder, i int) {
		for _, q := range quarters[:3] {
			if i < len(n.projects) {
				b.Outcome(n.pid, n.projects[i], testkit.OutcomeBody(map[string]int{"referrals": 12, "peopleIntoWork": 3, "jobStarts": 4},
					"periodStart", q[0], "periodEnd", q[1]))
			} else {
				b.Spend(n.pid, n.grants[i-len(n.projects)], testkit.SpendBody(q[0], q[1], "staff", 250_000, "training", 40_000))
			}
		}
	})
	if _, err := s.Svc.Open(context.Background(), testkit.AdminCaller(), n.pid).UpdateProgramme(func(int64) bool { return true },
		testkit.Body(map[string]any{"reviewOutcomes": true})); err != nil {
		t.Fatal(err)
	}
	// Everything set up so far has been seen by the notifier.
	n.run(t)
	n.run(t)
	return n
}

// storedBytes is what DynamoDB bills as stored for the network's tables:
// each item's size (attribute names and values) and 100 bytes, again for
// each global secondary index the item is in (all project every
// attribute).
func storedBytes(t *testing.T, s *testkit.Stack) float64 {
	t.Helper()
	total := 0
	for table, indexes := range map[string][]string{s.Table: {"GSI1PK", "GSI2PK", "GSI3PK"}, s.AuditTable(): {"GSI1PK", "GSI2PK"}} {
		for _, item := range s.ScanItems(t, table) {
			size := itemBytes(item) + 100
			for _, k := range indexes {
				if _, ok := item[k]; ok {
					size += itemBytes(item) + 100
				}
			}
			total += size
		}
	}
	return float64(total)
}

// itemBytes is DynamoDB's size of an item (its "Item sizes and formats").
func itemBytes(item map[string]types.AttributeValue) int {
	n := 0
	for k, v := range item {
		n += len(k) + valueBytes(v)
	}
	return n
}

func valueBytes(v types.AttributeValue) int {
	switch v := v.(type) {
	case *types.AttributeValueMemberS:
		return len(v.Value)
	case *types.AttributeValueMemberN:
		return numberBytes(v.Value)
	case *types.AttributeValueMemberB:
		return len(v.Value)
	case *types.AttributeValueMemberBOOL, *types.AttributeValueMemberNULL:
		return 1
	case *types.AttributeValueMemberSS:
		n := 0
		for _, s := range v.Value {
			n += len(s)
		}
		return n
	case *types.AttributeValueMemberNS:
		n := 0
		for _, s := range v.Value {
			n += numberBytes(s)
		}
		return n
	case *types.AttributeValueMemberL:
		n := 3
		for _, e := range v.Value {
			n += 1 + valueBytes(e)
		}
		return n
	case *types.AttributeValueMemberM:
		n := 3
		for k, e := range v.Value {
			n += 1 + len(k) + valueBytes(e)
		}
		return n
	}
	return 0
}

// numberBytes: about one byte per two significant digits, plus one.
func numberBytes(s string) int {
	digits := strings.TrimLeft(strings.NewReplacer("-", "", ".", "").Replace(s), "0")
	digits = strings.TrimRight(digits, "0")
	return (utf8.RuneCountInString(digits)+1)/2 + 1
}

// TestModelMatchesMeasurement runs each modelled action through the real
// handlers and the notifier on a WfW-sized network and fails where the
// model's inputs (cost.go, Actions) differ from what was measured.
func TestModelMatchesMeasurement(t *testing.T) {
	t.Parallel()
	n := newNetwork(t)
	clk := n.s.Clock
	get := func(as, path string) func() {
		return func() { n.api.Want(t, http.StatusOK, testkit.Request(http.MethodGet, path, as, nil)) }
	}
	pl, j := n.projectLeads[0], n.projects[0]
	got := map[string]measured{}

	got["notifier, quiet"] = n.measure(t, func() { n.run(t) })
	// The reminder day of the fourth quarter's returns (due 20 October).
	clk.Set("2026-10-13T08:00:00Z")
	got["notifier, reminder day"] = n.measure(t, func() {
		if rep := n.run(t); rep.ReturnsDue != 20 {
			t.Errorf("reminder day: %d returns due a look, want 20", rep.ReturnsDue)
		}
	})
	n.run(t)

	got["home"] = n.measure(t, get(pl, "/portfolio"))
	got["dashboard"] = n.measure(t, get(n.lead, n.path("/progress")))
	got["returns"] = n.measure(t, get(pl, n.path("/returns?projectId="+j)))
	got["review queue"] = n.measure(t, get(n.lead, n.path("/outcomes/pending")))
	got["grants"] = n.measure(t, get(n.funder, n.path("/grants")))
	got["grant"] = n.measure(t, get(n.funder, n.path("/grants/"+n.grants[1]+"/payments")))
	got["report"] = n.measure(t, get(n.funder, n.path("/report?from=2026-07-01&to=2026-09-30")))
	got["payments CSV"] = n.measure(t, get(n.funder, n.path("/payments.csv")))

	var sub string
	got["submit return"] = n.measure(t, func() {
		sub, _ = n.api.Create(t, pl, n.path("/projects/"+j+"/outcomes"), testkit.OutcomeBody(
			map[string]int{"referrals": 12, "peopleIntoWork": 3, "jobStarts": 4}, "periodStart", quarters[3][0], "periodEnd", quarters[3][1]))
	})
	got["notifier, after a return"] = n.measure(t, func() { n.run(t) })
	got["approve"] = n.measure(t, func() {
		n.api.Want(t, http.StatusOK, testkit.Request(http.MethodPost, n.path("/projects/"+j+"/outcomes/"+sub+"/review"), n.lead,
			map[string]any{"decision": domain.DecisionApprove}))
	})
	got["notifier, after an approval"] = n.measure(t, func() { n.run(t) })
	got["spend return"] = n.measure(t, func() {
		n.api.Create(t, pl, n.path("/grants/"+n.grants[0]+"/spend"), testkit.SpendBody(quarters[3][0], quarters[3][1], "staff", 250_000))
	})
	payPath := n.path("/grants/" + n.payGrant + "/payments/" + n.payment)
	etag := n.api.Want(t, http.StatusOK, testkit.Request(http.MethodGet, payPath, n.lead, nil)).Header.Get("ETag")
	got["payment paid"] = n.measure(t, func() {
		n.api.Want(t, http.StatusOK, testkit.Request(http.MethodPatch, payPath, n.lead,
			map[string]any{"status": "paid", "paidDate": "2026-10-13"}, "If-Match", etag))
	})

	var wrong []string
	for _, a := range Actions {
		m, ok := got[a.Name]
		if !ok {
			t.Errorf("action %q is modelled but not measured: add it to this test", a.Name)
			continue
		}
		t.Logf("%-28s %3d requests (%s), %.1f RRU, %.1f WRU, %d emails", a.Name, m.requests, m.ops, m.rru, m.wru, m.emails)
		if m.requests != a.Requests || m.rru != a.RRU || m.wru != a.WRU || m.emails != a.Emails {
			wrong = append(wrong, fmt.Sprintf("%q: model Requests %d, RRU %g, WRU %g, Emails %d; measured %d (%s), %g, %g, %d",
				a.Name, a.Requests, a.RRU, a.WRU, a.Emails, m.requests, m.ops, m.rru, m.wru, m.emails))
		}
	}
	if len(wrong) > 0 {
		t.Errorf("the cost model's inputs no longer match what fundtrack sends: update Actions in infra/cost/cost.go "+
			"(and RoundTrips/Writes if the rounds changed), then `go run ./infra/cost -w` to refresh BENCHMARKS.md, section 9:\n  %s",
			strings.Join(wrong, "\n  "))
	}

	stored := storedBytes(t, n.s)
	t.Logf("stored: %.0f bytes", stored)
	if math.Abs(stored-StoredBytesPerNetwork) > 0.02*StoredBytesPerNetwork {
		t.Errorf("a WfW network a year in stores %.0f bytes; the model's StoredBytesPerNetwork is %d: update it "+
			"(infra/cost/cost.go), then `go run ./infra/cost -w`", stored, StoredBytesPerNetwork)
	}
}

// TestModelMatchesTemplate: the memory each function is billed at, the
// log retention, the alarms and the notifier's schedule are template.yaml's.
func TestModelMatchesTemplate(t *testing.T) {
	t.Parallel()
	path, err := cfn.FindTemplate()
	if err != nil {
		t.Fatal(err)
	}
	tpl, err := cfn.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	obj := func(v any) map[string]any { m, _ := v.(map[string]any); return m }
	seen := map[string]bool{}
	alarms, schedules := 0, 0
	for id, r := range cfn.Resources(tpl) {
		res := obj(r)
		props := obj(res["Properties"])
		switch res["Type"] {
		case "AWS::CloudWatch::Alarm":
			alarms++
		case "AWS::Serverless::Function":
			code, _ := props["CodeUri"].(string)
			name := strings.TrimSuffix(strings.TrimPrefix(code, "build/"), ".zip")
			f, ok := Functions[name]
			if !ok {
				t.Errorf("%s (%s) is not in the cost model's Functions", id, name)
				continue
			}
			seen[name] = true
			if mem, _ := props["MemorySize"].(int); mem != f.MemoryMB {
				t.Errorf("%s: template.yaml sets MemorySize %v; the cost model bills %d MB: update Functions in infra/cost/cost.go",
					name, props["MemorySize"], f.MemoryMB)
			}
			for ev, e := range obj(props["Events"]) {
				e := obj(e)
				if typ := e["Type"]; typ != "ScheduleV2" && typ != "Schedule" {
					continue
				}
				schedules++
				if expr := obj(e["Properties"])["ScheduleExpression"]; name != "notifier" || expr != "cron(0/15 * * * ? *)" {
					t.Errorf("%s.%s runs on %v: the cost model knows only the notifier every 15 minutes (NotifierRuns)", name, ev, expr)
				}
			}
		}
	}
	for name := range Functions {
		if !seen[name] {
			t.Errorf("the cost model bills function %s, which template.yaml does not define", name)
		}
	}
	if schedules != 1 {
		t.Errorf("template.yaml has %d schedules; the cost model has the notifier's only", schedules)
	}
	if alarms != Alarms {
		t.Errorf("template.yaml has %d alarms; the cost model has %d", alarms, Alarms)
	}
	if days := obj(obj(tpl["Parameters"])["LogRetentionDays"])["Default"]; days != RetentionDays {
		t.Errorf("LogRetentionDays defaults to %v; the cost model keeps logs %d days", days, RetentionDays)
	}
}
