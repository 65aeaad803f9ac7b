package httpapi_test

import (
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/store"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestDeliveryProgressRequestCount: one GET /progress costs the same small
// fixed number of DynamoDB requests with 1 submission as with 500, since
// every figure comes from the totals kept on write.
func TestDeliveryProgressRequestCount(t *testing.T) {
	t.Parallel()
	a := newAPI(t)
	w := dhSetup(t, a)
	a.Create(t, uLead, w.pp("/targets"), map[string]any{"metric": "peopleIntoWork", "value": 60, "deadline": "2027-03-31", "notify": []string{w.X}})
	a.Create(t, uLead, w.pp("/targets"), map[string]any{"metric": "referrals", "value": 600, "deadline": "2027-03-31", "projectId": w.A, "notify": []string{}})
	a.Create(t, uPLA, w.prj(w.A, "/posts"), testkit.PostBody(w.GXA, "filled"))
	a.Create(t, uPLB, w.prj(w.B, "/cohorts"), testkit.CohortBody(4))
	a.Create(t, uPLA, w.prj(w.A, "/outcomes"), map[string]any{"periodStart": "2025-04-01", "periodEnd": "2025-06-30",
		"counts":   map[string]int64{"referrals": 2, "peopleIntoWork": 1},
		"measures": []any{map[string]any{"name": "self-confidence", "baselineMean": 3.0, "latestMean": 6.9, "respondents": 8}}})

	// The setup writes (some 200 of them below, four at a time) go through the
	// patient client: on a machine loaded by the whole suite DynamoDB Local
	// has reset the connection to one of them on all three of the SDK's
	// attempts. What is counted is the reads of progress, through the API.
	b := testkit.NewBuilder(t, service.New(a.Config().Store(a.Plain), nil))
	b.Spend(w.P, w.GXA, testkit.SpendBody("2025-04-01", "2025-06-30", "staff", 1))
	b.Payment(w.P, w.GXA, testkit.DatedPaymentBody(1, "2025-06-30"))
	measure := func(submissions int64) int {
		t.Helper()
		var p dhProgress
		n := a.Count.Measure(func() { p = w.progress(t, uFunderX) })
		t.Logf("GET /progress with %d submission(s): %d DynamoDB requests (%s), %d HTTP attempts", submissions, n.Requests, n, n.Attempts)
		if p.Totals["referrals"] != 2*submissions || p.Totals["peopleIntoWork"] != submissions {
			t.Errorf("with %d submissions: referrals %d peopleIntoWork %d", submissions, p.Totals["referrals"], p.Totals["peopleIntoWork"])
		}
		// Funder X's funding by funder lists its own funder only.
		if len(p.Targets) != 2 || len(p.Projects) != 2 || len(p.Funding.ByFunder) != 1 || len(p.Measures) != 1 {
			t.Errorf("progress lacks parts: %d targets, %d projects, %d funders, %d measures", len(p.Targets), len(p.Projects), len(p.Funding.ByFunder), len(p.Measures))
		}
		return n.Requests
	}
	one := measure(1)

	// 499 more, written through the store as an import writes them: many
	// to a transaction, with the totals each moves merged (the store's
	// contract test holds that to one transaction each). One at a time they
	// cost DynamoDB Local 499 transactions that all update the TOTALS item.
	st := store.New(a.Plain, a.Table)
	caller := domain.Caller{Identity: domain.Identity{Subject: "writer", Email: uPLA}, RequestID: "count-test"}
	lock := domain.NewID()
	if err := st.LockImports(t.Context(), w.P, lock, time.Now(), time.Minute); err != nil {
		t.Fatalf("lock imports: %v", err)
	}
	batch := service.ImportBatch{Lock: lock}
	for k := 1; k <= 499; k++ {
		now := time.Now().UTC()
		project := w.A
		if k%2 == 0 {
			project = w.B
		}
		o := domain.Outcome{ID: domain.NewID(), ProjectID: project, PeriodStart: domain.MustDate("2025-07-01"),
			PeriodEnd: domain.MustDate("2025-09-30"), Counts: map[domain.Metric]int64{domain.MetricReferrals: 2, domain.MetricPeopleIntoWork: 1},
			SubmittedAt: now, SubmittedBy: uPLA}
		ev := domain.NewAuditEvent(caller, w.P, domain.EntityOutcome, o.ID, domain.ActionCreate, nil, o, now)
		o = domain.NewSubmission(o, nil, false)
		batch.Submissions = append(batch.Submissions, service.Submission{Outcome: o, Figures: domain.Submitting(o, nil, nil)})
		batch.Changes = append(batch.Changes, service.Change{Audit: ev})
	}
	start := time.Now()
	if n, err := st.ImportOutcomes(t.Context(), w.P, batch); err != nil || n != 499 {
		t.Fatalf("store.ImportOutcomes: %d written, %v", n, err)
	}
	if err := st.UnlockImports(t.Context(), w.P, lock); err != nil {
		t.Fatalf("unlock imports: %v", err)
	}
	t.Logf("499 submissions written in %v", time.Since(start).Round(time.Millisecond))
	// And more spend returns (a day each, from July 2025: a return for
	// days already reported is refused) and payments of X→A than a page
	// (service.MaxLimit) holds, so a route that listed either would need a
	// second Query: money is read from a running figure per grant, whatever
	// its history. The returns too are written through the store, one
	// transaction each on the count of those before it, as SubmitSpend
	// writes them: through the service each lists the grant's returns
	// before it (the overlap rule), so they cost the square of their
	// number (5,000 items read for a page and one more), and four writers
	// at a time kept making each other plan again.
	extra := service.MaxLimit + 1
	for k := range extra {
		day, now := domain.MustDate("2025-07-01").AddDays(k), time.Now().UTC()
		sp := domain.SpendReturn{ID: domain.NewID(), GrantID: w.GXA, PeriodStart: day, PeriodEnd: day,
			Lines: []domain.BudgetLine{{Category: "staff", AmountPence: 1}}, TotalPence: 1, SubmittedAt: now, SubmittedBy: uPLA}
		ev := domain.NewAuditEvent(caller, w.P, domain.EntitySpend, sp.ID, domain.ActionCreate, nil, sp, now)
		if err := st.CreateSpend(t.Context(), w.P, sp, nil, 1+k, service.Change{Audit: ev}); err != nil {
			t.Fatalf("store.CreateSpend, return %d: %v", 2+k, err)
		}
	}
	var mwg sync.WaitGroup
	for k := range extra {
		mwg.Go(func() { b.Payment(w.P, w.GXA, testkit.DatedPaymentBody(1, "2025-06-30")) })
		if k%4 == 3 {
			mwg.Wait() // four writers at a time
		}
	}
	mwg.Wait()
	if t.Failed() {
		t.FailNow()
	}

	many := measure(500)
	// The access read; totals, the grants' money figures, funders,
	// projects, targets, grants and the reporting setup (schedules and
	// their return counts) beside it; then the years of figures the
	// targets' windows need.
	if one != many || one > 9 || one == 0 {
		t.Errorf("GET /progress made %d DynamoDB requests with 1 submission and %d with 500: want the same fixed number, at most 9", one, many)
	}
	m := testkit.Decode[struct {
		Money struct {
			SpentPence int64 `json:"spentPence"`
		} `json:"money"`
	}](t, a.Want(t, http.StatusOK, testkit.Request("GET", w.pp("/progress"), uFunderX, nil)))
	if m.Money.SpentPence != int64(extra+1) {
		t.Errorf("spent %d pence over %d spend returns of a penny", m.Money.SpentPence, extra+1)
	}
	// And the same for the admin, who needs no membership read.
	n := a.Count.Measure(func() { a.Want(t, http.StatusOK, testkit.Request("GET", w.pp("/progress"), uAdmin, nil)) })
	t.Logf("GET /progress as admin: %d DynamoDB requests (%s)", n.Requests, n)
	if n.Requests > one {
		t.Errorf("admin's progress made %d requests, more than a member's %d", n.Requests, one)
	}
}
