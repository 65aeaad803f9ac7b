package httpapi_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/store"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// roundTrips watches, while armed, how many round trips a route's reads
// take: the longest chain of reads each of which started only after the
// one before it had answered. A read's round is one more than the latest
// round of any read that had answered when it started; the route's round
// trips are the highest round. Reads sent together are one round however
// many they are, and a read that waits on one of them is in the next.
//
// So that reads a route sends together all start before any has answered,
// however slowly the scheduler starts their goroutines, a read that has
// answered is held back (its answer not yet counted as in) until every
// read the route is expected to make has started, or for wait; a read
// the route sends only once an earlier one has answered starts after
// that one ended.
type roundTrips struct {
	store.DB
	wait time.Duration

	mu       sync.Mutex
	armed    bool
	expected int           // reads the route is expected to make
	started  int           // reads started
	answered int           // the highest round of a read that has answered
	rounds   int           // the highest round of a read started: the round trips
	all      chan struct{} // closed when every expected read has started
}

func (r *roundTrips) arm(expected int) {
	r.mu.Lock()
	r.armed, r.expected, r.started, r.answered, r.rounds, r.all = true, expected, 0, 0, 0, make(chan struct{})
	r.mu.Unlock()
}

// disarm stops the watch and returns the round trips the route's reads took.
func (r *roundTrips) disarm() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.armed = false
	return r.rounds
}

// read runs one read under watch.
func (r *roundTrips) read(do func()) {
	r.mu.Lock()
	if !r.armed {
		r.mu.Unlock()
		do()
		return
	}
	round := r.answered + 1
	r.rounds = max(r.rounds, round)
	r.started++
	if r.started == r.expected {
		close(r.all) // no one else is coming
	}
	all := r.all
	r.mu.Unlock()
	do()
	select {
	case <-all:
	case <-time.After(r.wait):
	}
	r.mu.Lock()
	r.answered = max(r.answered, round)
	r.mu.Unlock()
}

func (r *roundTrips) BatchGetItem(ctx context.Context, in *dynamodb.BatchGetItemInput, o ...func(*dynamodb.Options)) (out *dynamodb.BatchGetItemOutput, err error) {
	r.read(func() { out, err = r.DB.BatchGetItem(ctx, in, o...) })
	return out, err
}

func (r *roundTrips) Query(ctx context.Context, in *dynamodb.QueryInput, o ...func(*dynamodb.Options)) (out *dynamodb.QueryOutput, err error) {
	r.read(func() { out, err = r.DB.Query(ctx, in, o...) })
	return out, err
}

func (r *roundTrips) GetItem(ctx context.Context, in *dynamodb.GetItemInput, o ...func(*dynamodb.Options)) (out *dynamodb.GetItemOutput, err error) {
	r.read(func() { out, err = r.DB.GetItem(ctx, in, o...) })
	return out, err
}

// expectedReads is how many reads a want such as "BatchGetItem×2 Query×5" counts.
func expectedReads(want string) int {
	n := 0
	for _, part := range strings.Fields(want) {
		_, count, _ := strings.Cut(part, "×")
		k, _ := strconv.Atoi(count)
		n += k
	}
	return n
}

// TestRequestsPerRoute: what each read costs in DynamoDB requests, as a
// lead reads it: a single record is one request (it rides in the access
// check's BatchGetItem); a list is the access read and its Query, sent
// together (one round trip); progress is the access read and seven more
// sent together and, with targets, one more for the years of figures their
// windows cover.
// The counts are recorded in BENCHMARKS.md.
func TestRequestsPerRoute(t *testing.T) {
	t.Parallel()
	s := testkit.New(t)
	rt := &roundTrips{DB: s.DB, wait: 2 * time.Second}
	h := startAPI(t, s, rt, testkit.APIConfig{})
	f := s.Build(t).Fixture("Requests per route")
	note := domain.Notification{ID: domain.NotificationID(f.Target, domain.KindReached, 100), TargetID: f.Target, Threshold: 100,
		Kind: domain.KindReached, Status: domain.NotificationPending, Recipients: []string{testkit.ContactX}, FunderIDs: []string{f.X},
		CreatedAt: time.Now().UTC(), ProgrammeID: f.Programme, Figure: 60, Value: 60, Metric: domain.MetricPeopleIntoWork}
	if ok, err := s.Store.ClaimNotification(context.Background(), note); err != nil || !ok {
		t.Fatalf("claim: %v %v", ok, err)
	}
	sched, err := s.Svc.Open(context.Background(), testkit.AdminCaller(), f.Programme).CreateSchedule(testkit.Body(map[string]any{
		"name": "Quarterly", "frequency": "quarterly", "firstPeriodStart": "2025-01-01", "lastPeriodEnd": "2026-12-31"}))
	if err != nil {
		t.Fatal(err)
	}
	ret := domain.ReturnID(sched.ID, f.A, domain.MustDate("2025-04-01"))
	pay := s.Build(t).Payment(f.Programme, f.GrantXA, testkit.DatedPaymentBody(100_000, "2025-06-30"))
	spend := s.Build(t).Spend(f.Programme, f.GrantXA, testkit.SpendBody("2025-04-01", "2025-06-30", "staff", 50_000))
	p, pa := f.Path, func(rest string) string { return f.ProjectPath(f.A, rest) }
	pg := func(rest string) string { return f.Path("/grants/" + f.GrantXA + rest) }
	cases := []struct {
		path string
		want string // requests by operation
		// rounds is the round trips: 1 when every read goes out at once,
		// one more for each read that must wait on an earlier one's answer
		// (however many reads wait together).
		rounds int
	}{
		{p(""), "BatchGetItem×1", 1},
		{p("/grants/" + f.GrantXA), "BatchGetItem×1", 1},
		{p("/funders/" + f.X), "BatchGetItem×1", 1},
		{p("/projects/" + f.A), "BatchGetItem×1", 1},
		{p("/targets/" + f.Target), "BatchGetItem×1", 1},
		{p("/members/" + testkit.LeadOfA), "BatchGetItem×1", 1},
		{p("/notifications/" + note.ID), "BatchGetItem×1", 1},
		{pa("/posts/" + f.Post), "BatchGetItem×1", 1},
		{pa("/cohorts/" + f.Cohort), "BatchGetItem×1", 1},
		{pa("/outcomes/" + f.Outcomes[0]), "BatchGetItem×1", 1},
		// A payment or spend return rides in the access read with its grant.
		{pg("/payments/" + pay.ID), "BatchGetItem×1", 1},
		{pg("/spend/" + spend.ID), "BatchGetItem×1", 1},
		{p("/grants"), "BatchGetItem×1 Query×1", 1},
		{p("/funders"), "BatchGetItem×1 Query×1", 1},
		{p("/projects"), "BatchGetItem×1 Query×1", 1},
		{p("/targets"), "BatchGetItem×1 Query×1", 1},
		{p("/members"), "BatchGetItem×1 Query×1", 1},
		{p("/notifications"), "BatchGetItem×1 Query×1", 1},
		{p("/audit"), "BatchGetItem×1 Query×1", 1},
		{pa("/posts"), "BatchGetItem×1 Query×1", 1},
		{pa("/cohorts"), "BatchGetItem×1 Query×1", 1},
		{pa("/outcomes"), "BatchGetItem×1 Query×1", 1},
		// The grant rides in the access read, the list beside it.
		{pg("/payments"), "BatchGetItem×1 Query×1", 1},
		{pg("/spend"), "BatchGetItem×1 Query×1", 1},
		// Access beside the grants, payments, funders, projects and targets.
		{p("/payments.csv"), "BatchGetItem×1 Query×5", 1},
		{p("/schedules/" + sched.ID), "BatchGetItem×1", 1},
		{p("/returns/" + ret), "BatchGetItem×1", 1},
		{p("/schedules"), "BatchGetItem×1 Query×1", 1},
		{p("/returns"), "BatchGetItem×1 Query×1", 1},
		{p("/returns?projectId=" + f.A), "BatchGetItem×1 Query×1", 1},
		{p("/outcomes/pending"), "BatchGetItem×1 Query/GSI1×1", 1},
		// A status is a range of each schedule's index partition: the
		// access read and the schedules together, then one Query a
		// schedule (and project) and list, whatever the history. Accepted
		// returns are in two lists: those whose correction was sent back
		// are kept apart (two Queries, sent together after the setup: one
		// round trip more, as for one list), and
		// ?correction=changes-requested reads those alone.
		{p("/returns?status=overdue"), "BatchGetItem×1 Query×1 Query/GSI1×1", 2},
		{p("/returns?status=overdue&projectId=" + f.A), "BatchGetItem×1 Query×1 Query/GSI2×1", 2},
		{p("/returns?scheduleId=" + sched.ID + "&status=accepted"), "BatchGetItem×1 Query×1 Query/GSI1×2", 2},
		{p("/returns?correction=changes-requested"), "BatchGetItem×1 Query×1 Query/GSI1×1", 2},
		{p("/returns?correction=changes-requested&projectId=" + f.A), "BatchGetItem×1 Query×1 Query/GSI2×1", 2},
		// Access, totals, the grants' money figures, the four lists
		// (funders, projects, targets, grants) and the reporting setup
		// together; then the years of figures the targets' windows cover.
		{p("/progress"), "BatchGetItem×2 GetItem×1 Query×6", 2},
		// A period report: access, the targets, the reporting setup and
		// the period's money (the funding item and the months' money, by
		// key) together; then the years of figures the period and the
		// targets' windows cover, by key.
		{p("/report?from=2025-01-01&to=2025-12-31"), "BatchGetItem×3 Query×2", 2},
		// The record is read with the access check (its own rules), then
		// its history.
		{p("/grants/" + f.GrantXA + "/history"), "BatchGetItem×1 Query/GSI2×1", 2},
	}
	for _, c := range cases {
		measureGET(t, s, h, rt, uLead, c.path, c.want, c.rounds)
	}
	// A project lead's progress costs the lead's: its pending figures are
	// its project's, from the same totals item, and its return counts its
	// project's, read by key in the BatchGetItem of the years of figures.
	// Its period report reads those counts in one more BatchGetItem, sent
	// together with the years of figures: still two round trips.
	asProjectLead := []struct {
		path, want string
		rounds     int
	}{
		{p("/progress"), "BatchGetItem×2 GetItem×1 Query×6", 2},
		{p("/report?from=2025-01-01&to=2025-12-31"), "BatchGetItem×4 Query×2", 2},
	}
	for _, c := range asProjectLead {
		measureGET(t, s, h, rt, testkit.LeadOfA, c.path, c.want, c.rounds)
	}

	// A programme with no target: its progress needs no years of figures,
	// so a lead's is the first round alone (8 requests, one round trip), as
	// is a project lead's while no schedule keeps its project's return
	// counts; once one does, those counts are read by key after the first
	// round: 9 requests in two round trips, as with targets.
	bare := s.Build(t).Core("Progress with no target")
	measureGET(t, s, h, rt, uLead, bare.Path("/progress"), "BatchGetItem×1 GetItem×1 Query×6", 1)
	measureGET(t, s, h, rt, testkit.LeadOfA, bare.Path("/progress"), "BatchGetItem×1 GetItem×1 Query×6", 1)
	if _, err := s.Svc.Open(context.Background(), testkit.AdminCaller(), bare.Programme).CreateSchedule(testkit.Body(map[string]any{
		"name": "Quarterly", "frequency": "quarterly", "firstPeriodStart": "2025-01-01", "lastPeriodEnd": "2026-12-31"})); err != nil {
		t.Fatal(err)
	}
	measureGET(t, s, h, rt, uLead, bare.Path("/progress"), "BatchGetItem×1 GetItem×1 Query×6", 1)
	measureGET(t, s, h, rt, testkit.LeadOfA, bare.Path("/progress"), "BatchGetItem×2 GetItem×1 Query×6", 2)

	// A milestone tranche still to be paid is answered with whether its
	// target meets its threshold now (milestoneMetNow) and, scheduled, with
	// the target as it is now: after the payment's read, its target's
	// (one GetItem), then the target's years of figures (one BatchGetItem):
	// three round trips. A page of payments reads the targets of all such
	// tranches on it by key together, then their years of figures: three
	// round trips, whatever the page holds. The payments CSV has the
	// programme's targets already, so only their years of figures are read,
	// after its first round. Paid, a tranche costs what a dated one does.
	ms := s.Build(t).Fixture("Requests per route, milestone tranches")
	scheduled := s.Build(t).Payment(ms.Programme, ms.GrantXA, testkit.MilestonePaymentBody(100_000, ms.Target, 50)) // 24 of 60
	due := s.Build(t).Payment(ms.Programme, ms.GrantXA, testkit.MilestonePaymentBody(50_000, ms.Target, 10))
	if scheduled.Status != domain.PaymentScheduled || due.Status != domain.PaymentDue {
		t.Fatalf("the tranches: %s and %s, want scheduled and due", scheduled.Status, due.Status)
	}
	msg := func(rest string) string { return ms.Path("/grants/" + ms.GrantXA + rest) }
	measureGET(t, s, h, rt, uLead, msg("/payments/"+scheduled.ID), "BatchGetItem×2 GetItem×1", 3)
	measureGET(t, s, h, rt, uLead, msg("/payments/"+due.ID), "BatchGetItem×2 GetItem×1", 3)
	measureGET(t, s, h, rt, uLead, msg("/payments"), "BatchGetItem×2 GetItem×1 Query×1", 3)
	measureGET(t, s, h, rt, uLead, ms.Path("/payments.csv"), "BatchGetItem×2 Query×5", 2)
	s.Build(t).PayNow(ms.Programme, ms.GrantXA, due.ID, "2025-10-01")
	measureGET(t, s, h, rt, uLead, msg("/payments/"+due.ID), "BatchGetItem×1", 1)
}

// progressAs reads path as who and checks its DynamoDB requests (want, by
// operation) and round trips.
func measureGET(t *testing.T, s *testkit.Stack, h *apiH, rt *roundTrips, who, path, want string, rounds int) {
	t.Helper()
	rt.arm(expectedReads(want))
	n := s.Count.Measure(func() { h.Want(t, http.StatusOK, testkit.Request(http.MethodGet, path, who, nil)) })
	got := rt.disarm()
	t.Logf("GET %s as %s: %s in %d round trips", path, who, n, got)
	if n.String() != want || got != rounds {
		t.Errorf("GET %s as %s: %s in %d round trips; want %s in %d", path, who, n, got, want, rounds)
	}
}
