package store_test

// Store tests of posts, cohorts and outcome submissions on DynamoDB Local:
// every write moves the running totals in its own transaction, exactly once,
// and a refused write moves nothing.

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/store"
	"github.com/fundtrack/fundtrack/shared/testenv"
)

// dsWorld is a programme with two projects and a cohort, written through the store.
type dsWorld struct {
	st           *store.Store
	P, A, B, Coh string
	caller       domain.Caller
}

func dsSetup(t *testing.T, db store.DB, table string) *dsWorld {
	t.Helper()
	ctx := context.Background()
	w := &dsWorld{st: store.New(db, table), caller: domain.Caller{Identity: domain.Identity{Subject: "s", Email: "lead@example.org"}}}
	now := time.Now().UTC()
	p := domain.Programme{ID: domain.NewID(), Name: "Working for Wellness", LeadOrganisation: "LPT",
		StartDate: domain.MustDate("2025-01-01"), EndDate: domain.MustDate("2027-12-31"), CreatedAt: now}
	w.P = p.ID
	if err := w.st.CreateProgramme(ctx, p, w.event(domain.EntityProgramme, p.ID, domain.ActionCreate, p)); err != nil {
		t.Fatal(err)
	}
	for i, id := range []*string{&w.A, &w.B} {
		pr := domain.Project{ID: domain.NewID(), Name: "Project " + "AB"[i:i+1], LeadOrganisation: "Trust",
			StartDate: domain.MustDate("2025-01-01"), EndDate: domain.MustDate("2026-12-31"), CreatedAt: now}
		*id = pr.ID
		if err := w.st.CreateProject(ctx, w.P, pr, nil, w.event(domain.EntityProject, pr.ID, domain.ActionCreate, pr)); err != nil {
			t.Fatal(err)
		}
	}
	c := domain.Cohort{ID: domain.NewID(), ProjectID: w.A, Name: "Cohort 1", Places: 4, StartDate: domain.MustDate("2025-03-01"),
		EndDate: domain.MustDate("2025-08-31"), Version: 1, CreatedAt: now, UpdatedAt: now}
	w.Coh = c.ID
	if err := w.st.CreateCohort(ctx, w.P, c, w.event(domain.EntityCohort, c.ID, domain.ActionCreate, c)); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *dsWorld) event(e domain.Entity, id string, a domain.Action, after any) service.Change {
	return service.Change{Audit: domain.NewAuditEvent(w.caller, w.P, e, id, a, nil, after, time.Now().UTC())}
}

// read reads one record of the world's programme, reporting whether it is there.
func read[T any](t *testing.T, st *store.Store, programmeID string, ref domain.RecordRef) (T, bool) {
	t.Helper()
	var v T
	g := &service.Get{Ref: ref, Into: &v}
	if err := st.Read(context.Background(), programmeID, g); err != nil {
		t.Fatal(err)
	}
	return v, g.Found
}

// wantMissing checks err refuses the write naming exactly refs as missing.
func wantMissing(t *testing.T, what string, err error, refs ...domain.RecordRef) {
	t.Helper()
	var m *service.MissingRefError
	if !errors.As(err, &m) {
		t.Errorf("%s: %v, want missing references %v", what, err, refs)
		return
	}
	if len(m.Refs) != len(refs) {
		t.Errorf("%s: missing %v, want %v", what, m.Refs, refs)
		return
	}
	for i := range refs {
		if m.Refs[i] != refs[i] {
			t.Errorf("%s: missing %v, want %v", what, m.Refs, refs)
		}
	}
}

func (w *dsWorld) outcome(project, cohort string, end string, counts map[domain.Metric]int64, measures ...domain.Measure) domain.Outcome {
	return domain.Outcome{ID: domain.NewID(), ProjectID: project, CohortID: cohort, PeriodStart: domain.MustDate("2025-04-01"),
		PeriodEnd: domain.MustDate(end), Counts: counts, Measures: measures, SubmittedAt: time.Now().UTC(), SubmittedBy: "pl@example.org"}
}

// submit stores o (a correction when old is not nil).
func (w *dsWorld) submit(t *testing.T, o domain.Outcome, old *domain.Outcome) error {
	t.Helper()
	action := domain.ActionCreate
	if old != nil {
		o.Replaces = old.ID
		action = domain.ActionCorrect
	}
	// Without review: it counts at once, in place of old's figures.
	o = domain.NewSubmission(o, old, false)
	sub := service.Submission{Outcome: o, Old: old, Figures: domain.Submitting(o, old, old)}
	return w.st.CreateOutcome(context.Background(), w.P, sub, w.event(domain.EntityOutcome, o.ID, action, o))
}

func (w *dsWorld) totals(t *testing.T) domain.Totals {
	t.Helper()
	tot, err := w.st.Totals(context.Background(), w.P)
	if err != nil {
		t.Fatal(err)
	}
	return tot
}

func dsEqual(t *testing.T, what string, got, want map[domain.Metric]int64) {
	t.Helper()
	for _, m := range domain.Metrics {
		if got[m] != want[m] {
			t.Errorf("%s: %s = %d, want %d (all %v)", what, m, got[m], want[m], got)
		}
	}
}

type dsM = map[domain.Metric]int64

const (
	dsRef  = domain.MetricReferrals
	dsInto = domain.MetricPeopleIntoWork
	dsEnr  = domain.MetricInternsEnrolled
)

func TestStoreOutcomeTotals(t *testing.T) {
	t.Parallel()
	db, table := testenv.Table(t)
	w := dsSetup(t, db, table)
	sc := domain.Measure{Name: "self-confidence", BaselineMean: 2.5, LatestMean: 6.0, Respondents: 4}
	o1 := w.outcome(w.A, w.Coh, "2025-06-30", dsM{dsRef: 120, dsInto: 30, dsEnr: 4}, sc)
	if err := w.submit(t, o1, nil); err != nil {
		t.Fatal(err)
	}
	o2 := w.outcome(w.B, "", "2025-07-31", dsM{dsRef: 120, dsInto: 31},
		domain.Measure{Name: "self-confidence", BaselineMean: 3.5, LatestMean: 7.8, Respondents: 4},
		domain.Measure{Name: "health", BaselineMean: 2, LatestMean: 4.12, Respondents: 5})
	if err := w.submit(t, o2, nil); err != nil {
		t.Fatal(err)
	}
	tot := w.totals(t)
	dsEqual(t, "programme", tot.Programme, dsM{dsRef: 240, dsInto: 61, dsEnr: 4})
	dsEqual(t, "project A", tot.ByProject[w.A], dsM{dsRef: 120, dsInto: 30, dsEnr: 4})
	dsEqual(t, "project B", tot.ByProject[w.B], dsM{dsRef: 120, dsInto: 31})
	dsEqual(t, "cohort", tot.ByCohort[w.Coh], dsM{dsRef: 120, dsInto: 30, dsEnr: 4})
	dsEqual(t, "June", tot.Monthly["2025-06"], dsM{dsRef: 120, dsInto: 30, dsEnr: 4})
	dsEqual(t, "July", tot.Monthly["2025-07"], dsM{dsRef: 120, dsInto: 31})
	if ms := tot.Measures["self-confidence"]; ms.Respondents != 8 || ms.BaselineSum != 24 || ms.LatestSum != 55.2 {
		t.Errorf("self-confidence sums %+v, want 8 respondents, 24 and 55.2", ms)
	}
	if ms := tot.Measures["health"]; ms.Respondents != 5 || ms.BaselineSum != 10 || ms.LatestSum != 20.6 {
		t.Errorf("health sums %+v", ms)
	}
	if tot.CohortCount != 1 || tot.Places != 4 || tot.ChangedAt.IsZero() {
		t.Errorf("cohorts %d places %d changedAt %v", tot.CohortCount, tot.Places, tot.ChangedAt)
	}

	// A correction swaps the figures everywhere they were counted.
	c1 := w.outcome(w.A, "", "2025-07-31", dsM{dsRef: 100, dsInto: 29})
	if err := w.submit(t, c1, &o1); err != nil {
		t.Fatal(err)
	}
	tot = w.totals(t)
	dsEqual(t, "programme after correction", tot.Programme, dsM{dsRef: 220, dsInto: 60})
	dsEqual(t, "project A after correction", tot.ByProject[w.A], dsM{dsRef: 100, dsInto: 29})
	dsEqual(t, "cohort after correction", tot.ByCohort[w.Coh], dsM{})
	dsEqual(t, "June after correction", tot.Monthly["2025-06"], dsM{})
	dsEqual(t, "July after correction", tot.Monthly["2025-07"], dsM{dsRef: 220, dsInto: 60})
	if ms := tot.Measures["self-confidence"]; ms.Respondents != 4 || ms.BaselineSum != 14 || ms.LatestSum != 31.2 {
		t.Errorf("self-confidence after correction %+v, want 4, 14, 31.2", ms)
	}

	// A second correction of the same submission is a conflict and changes nothing.
	c2 := w.outcome(w.A, "", "2025-06-30", dsM{dsRef: 1})
	err := w.submit(t, c2, &o1)
	var ac *service.AlreadyCorrectedError
	if !errors.As(err, &ac) || ac.By.ID != c1.ID || ac.Replaced.ID != o1.ID {
		t.Errorf("second correction of o1: %v, want already corrected by %s", err, c1.ID)
	}
	if _, found := read[domain.Outcome](t, w.st, w.P, domain.ProjectRef(domain.EntityOutcome, w.A, c2.ID)); found {
		t.Error("the refused correction was stored")
	}
	dsEqual(t, "programme after refused correction", w.totals(t).Programme, dsM{dsRef: 220, dsInto: 60})

	// References that are not there: validation errors naming the field, nothing counted.
	unknownCohort := w.outcome(w.A, domain.NewID(), "2025-06-30", dsM{dsRef: 5})
	otherCohort := w.outcome(w.B, w.Coh, "2025-06-30", dsM{dsRef: 5})
	unknownProject := w.outcome(domain.NewID(), "", "2025-06-30", dsM{dsRef: 5})
	otherReplaced := w.outcome(w.B, "", "2025-06-30", dsM{dsRef: 5})
	for _, c := range []struct {
		name string
		o    domain.Outcome
		old  *domain.Outcome
		want []domain.RecordRef
	}{
		{"unknown cohort", unknownCohort, nil, []domain.RecordRef{domain.ProjectRef(domain.EntityCohort, w.A, unknownCohort.CohortID)}},
		{"cohort of another project", otherCohort, nil, []domain.RecordRef{domain.ProjectRef(domain.EntityCohort, w.B, w.Coh)}},
		{"unknown project", unknownProject, nil, []domain.RecordRef{domain.Ref(domain.EntityProject, unknownProject.ProjectID)}},
		{"replaced submission of another project", otherReplaced, &c1, []domain.RecordRef{domain.ProjectRef(domain.EntityOutcome, w.B, c1.ID)}},
	} {
		wantMissing(t, c.name, w.submit(t, c.o, c.old), c.want...)
	}
	dsEqual(t, "programme after refused submissions", w.totals(t).Programme, dsM{dsRef: 220, dsInto: 60})
	out, _, err := w.st.ListOutcomes(context.Background(), w.P, w.A, service.OutcomeFilter{}, service.Page{})
	if err != nil || len(out) != 2 {
		t.Errorf("outcomes of A: %d (%v), want o1 and its correction", len(out), err)
	}
}

func TestStorePostAndCohortTotals(t *testing.T) {
	t.Parallel()
	db, table := testenv.Table(t)
	w := dsSetup(t, db, table)
	ctx := context.Background()
	now := time.Now().UTC()
	f := domain.Funder{ID: domain.NewID(), Name: "DWP", Contacts: []string{"g@dwp.example.org"}, CreatedAt: now}
	if err := w.st.CreateFunder(ctx, w.P, f, w.event(domain.EntityFunder, f.ID, domain.ActionCreate, f)); err != nil {
		t.Fatal(err)
	}
	g := domain.Grant{ID: domain.NewID(), FunderID: f.ID, Title: "Posts", AmountPence: 100, Currency: "GBP", AwardDate: domain.MustDate("2025-01-01"),
		StartDate: domain.MustDate("2025-01-01"), EndDate: domain.MustDate("2025-12-31"), Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := w.st.CreateGrant(ctx, w.P, g, w.event(domain.EntityGrant, g.ID, domain.ActionCreate, g)); err != nil {
		t.Fatal(err)
	}
	post := domain.Post{ID: domain.NewID(), ProjectID: w.A, Title: "Employment specialist", GrantID: g.ID, FTE: 1, Contract: domain.ContractTemporary,
		StartDate: domain.MustDate("2025-02-01"), Status: domain.PostVacant, Version: 1, CreatedAt: now, UpdatedAt: now}
	if err := w.st.CreatePost(ctx, w.P, post, w.event(domain.EntityPost, post.ID, domain.ActionCreate, post)); err != nil {
		t.Fatal(err)
	}
	// A post paid by a grant that is not there is refused.
	bad := post
	bad.ID, bad.GrantID = domain.NewID(), domain.NewID()
	wantMissing(t, "post with an unknown grant", w.st.CreatePost(ctx, w.P, bad, w.event(domain.EntityPost, bad.ID, domain.ActionCreate, bad)),
		domain.Ref(domain.EntityGrant, bad.GrantID))
	after := post
	after.Status, after.Version = domain.PostFilled, 2
	if err := w.st.UpdatePost(ctx, w.P, post, after, w.event(domain.EntityPost, post.ID, domain.ActionChange, after)); err != nil {
		t.Fatal(err)
	}
	// The same change again, from the stale version: 412, counts unchanged.
	again := after
	again.Status, again.Version = domain.PostEnded, 2
	if err := w.st.UpdatePost(ctx, w.P, post, again, w.event(domain.EntityPost, post.ID, domain.ActionChange, again)); !errors.Is(err, service.ErrStale) {
		t.Errorf("stale post update: %v, want %v", err, service.ErrStale)
	}
	tot := w.totals(t)
	if tot.Posts[domain.PostVacant] != 0 || tot.Posts[domain.PostFilled] != 1 || tot.Posts[domain.PostEnded] != 0 {
		t.Errorf("post counts %v, want one filled", tot.Posts)
	}
	if tot.AwardedPence != 100 || tot.ByFunder[f.ID] != 100 {
		t.Errorf("funding %d %v", tot.AwardedPence, tot.ByFunder)
	}

	c, found := read[domain.Cohort](t, w.st, w.P, domain.ProjectRef(domain.EntityCohort, w.A, w.Coh))
	if !found {
		t.Fatal("cohort not found")
	}
	c2 := c
	c2.Places, c2.Version = 10, c.Version+1
	if err := w.st.UpdateCohort(ctx, w.P, c, c2, w.event(domain.EntityCohort, c.ID, domain.ActionChange, c2)); err != nil {
		t.Fatal(err)
	}
	if err := w.st.UpdateCohort(ctx, w.P, c, c2, w.event(domain.EntityCohort, c.ID, domain.ActionChange, c2)); !errors.Is(err, service.ErrStale) {
		t.Errorf("stale cohort update: %v", err)
	}
	if tot := w.totals(t); tot.CohortCount != 1 || tot.Places != 10 {
		t.Errorf("cohorts %d places %d, want 1 and 10", tot.CohortCount, tot.Places)
	}
}

// TestStoreConcurrentOutcomes: writers at once on the one totals item, with
// a correction among them, end with exact totals.
func TestStoreConcurrentOutcomes(t *testing.T) {
	t.Parallel()
	db, table := testenv.Table(t)
	w := dsSetup(t, db, table)
	old := w.outcome(w.A, "", "2025-06-30", dsM{dsRef: 1000, dsInto: 100})
	if err := w.submit(t, old, nil); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 30 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			project := w.A
			if i%2 == 1 {
				project = w.B
			}
			if err := w.submit(t, w.outcome(project, "", "2025-06-30", dsM{dsRef: int64(i + 1), dsInto: 1}), nil); err != nil {
				t.Errorf("submission %d: %v", i, err)
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := w.submit(t, w.outcome(w.A, "", "2025-06-30", dsM{dsRef: 10, dsInto: 1}), &old); err != nil {
			t.Errorf("correction: %v", err)
		}
	}()
	wg.Wait()
	tot := w.totals(t)
	dsEqual(t, "programme", tot.Programme, dsM{dsRef: 465 + 10, dsInto: 30 + 1})
	dsEqual(t, "project B", tot.ByProject[w.B], dsM{dsRef: 240, dsInto: 15}) // 2+4+…+30
	dsEqual(t, "project A", tot.ByProject[w.A], dsM{dsRef: 225 + 10, dsInto: 15 + 1})
}

// dsFlakyDB fails TransactWriteItems as plan says, then passes it on.
type dsFlakyDB struct {
	*dynamodb.Client
	mu    sync.Mutex
	calls int
	plan  func(call int) bool // true: answer with a conflict
}

func (d *dsFlakyDB) TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, o ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	d.mu.Lock()
	d.calls++
	fail := d.plan != nil && d.plan(d.calls)
	d.mu.Unlock()
	if fail {
		reasons := make([]types.CancellationReason, len(in.TransactItems))
		for i := range reasons {
			reasons[i] = types.CancellationReason{Code: aws.String("None")}
		}
		reasons[len(reasons)-1].Code = aws.String("TransactionConflict") // the totals update comes last
		return nil, &smithy.OperationError{ServiceID: "DynamoDB", OperationName: "TransactWriteItems",
			Err: &types.TransactionCanceledException{Message: aws.String("Transaction cancelled"), CancellationReasons: reasons}}
	}
	return d.Client.TransactWriteItems(ctx, in, o...)
}

func (d *dsFlakyDB) set(plan func(int) bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.plan, d.calls = plan, 0
}

// TestStoreConflictRetries: conflicts the store retries through count the
// submission once; one that outlasts the retries leaves no trace.
func TestStoreConflictRetries(t *testing.T) {
	t.Parallel()
	client, table := testenv.Table(t)
	db := &dsFlakyDB{Client: client}
	w := dsSetup(t, db, table)

	db.set(func(call int) bool { return call <= 4 })
	o := w.outcome(w.A, w.Coh, "2025-06-30", dsM{dsRef: 7, dsInto: 2})
	if err := w.submit(t, o, nil); err != nil {
		t.Fatalf("after 4 conflicts: %v", err)
	}
	db.set(func(call int) bool { return call <= 2 })
	c := w.outcome(w.A, "", "2025-06-30", dsM{dsRef: 5, dsInto: 1})
	if err := w.submit(t, c, &o); err != nil {
		t.Fatalf("correction after 2 conflicts: %v", err)
	}
	db.set(nil)
	tot := w.totals(t)
	dsEqual(t, "programme", tot.Programme, dsM{dsRef: 5, dsInto: 1})
	dsEqual(t, "cohort", tot.ByCohort[w.Coh], dsM{})

	db.set(func(int) bool { return true })
	stuck := w.outcome(w.B, "", "2025-06-30", dsM{dsRef: 1000})
	err := w.submit(t, stuck, nil)
	db.set(nil)
	if !errors.Is(err, service.ErrUnavailable) {
		t.Errorf("persistent conflict: %v, want %v", err, service.ErrUnavailable)
	}
	if _, found := read[domain.Outcome](t, w.st, w.P, domain.ProjectRef(domain.EntityOutcome, w.B, stuck.ID)); found {
		t.Error("the submission that never got through is stored")
	}
	dsEqual(t, "programme after the persistent conflict", w.totals(t).Programme, dsM{dsRef: 5, dsInto: 1})
	// And a correction can still be made of what stands.
	if err := w.submit(t, w.outcome(w.A, "", "2025-06-30", dsM{dsRef: 6, dsInto: 1}), &c); err != nil {
		t.Errorf("correction of the correction: %v", err)
	}
	dsEqual(t, "programme at the end", w.totals(t).Programme, dsM{dsRef: 6, dsInto: 1})
}
