package store_test

// The storage contract: one table of behaviours of the service's storage
// interfaces (shared/service/storage.go), run against the DynamoDB store on
// DynamoDB Local and against the in-memory fake the service's rule tests
// use (shared/service/memstore). Whatever the rule tests prove against the
// fake holds against DynamoDB only while the two answer alike, so every
// behaviour the service relies on is here: typed errors and when they
// come, all-or-nothing changes, the running totals, corrections, audit
// events, idempotency claims and pages.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/notify"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/service/memstore"
	"github.com/fundtrack/fundtrack/shared/store"
	"github.com/fundtrack/fundtrack/shared/testenv"
)

// ctStore is what the contract holds both implementations to: the
// notifier's storage, which is the service's and the notifier's own
// conditional writes and indexes (notify.Storage).
type ctStore interface {
	notify.Storage
}

// ctImpl opens a fresh, empty store and says how to read a programme's
// changed marker, and its count of payments waiting on a target or return
// (read while the programme is marked changed), from it.
type ctImpl struct {
	name    string
	open    func(t *testing.T) ctStore
	dirty   func(t *testing.T, st ctStore, programmeID string) (changes int64, ok bool)
	waiting func(t *testing.T, st ctStore, programmeID string) int64
}

var ctImpls = []ctImpl{
	{name: "dynamodb",
		open: func(t *testing.T) ctStore {
			db, table := testenv.Table(t)
			return store.New(db, table)
		},
		dirty: func(t *testing.T, st ctStore, programmeID string) (int64, bool) {
			d, ok := dirty(t, st.(*store.Store), programmeID)
			return d.Changes, ok
		},
		waiting: func(t *testing.T, st ctStore, programmeID string) int64 {
			d, ok := dirty(t, st.(*store.Store), programmeID)
			if !ok {
				t.Fatal("the programme is not marked changed: its waiting payments cannot be read")
			}
			return d.PaymentsWaiting
		}},
	{name: "memstore",
		open: func(*testing.T) ctStore { return memstore.New() },
		dirty: func(_ *testing.T, st ctStore, programmeID string) (int64, bool) {
			n, ok := st.(*memstore.Store).Changes(programmeID)
			return n, ok
		},
		waiting: func(_ *testing.T, st ctStore, programmeID string) int64 {
			return st.(*memstore.Store).Waiting(programmeID)
		}},
}

func TestContract(t *testing.T) {
	t.Parallel() // with the package's other tests: every case has a fresh store
	for _, im := range ctImpls {
		t.Run(im.name, func(t *testing.T) {
			t.Parallel()
			for _, c := range ctCases {
				t.Run(c.name, func(t *testing.T) {
					t.Parallel()
					st := im.open(t)
					c.run(&ct{T: t, st: st, ctx: context.Background(), dirty: func(p string) (int64, bool) { return im.dirty(t, st, p) },
						waiting: func(p string) int64 { return im.waiting(t, st, p) },
						who:     domain.Caller{Identity: domain.Identity{Subject: "sub-lead", Email: "lead@example.org"}}})
				})
			}
		})
	}
}

// ct is one contract case's world: a fresh store and helpers that write
// through it as the service would.
type ct struct {
	*testing.T
	st      ctStore
	ctx     context.Context
	dirty   func(programmeID string) (int64, bool)
	waiting func(programmeID string) int64
	who     domain.Caller
	events  int
	base    string // prefix of this case's audit event ids
}

// change is the Change a write carries. Event ids rise in the order the
// changes are made (NewID orders only by millisecond), so "newest first"
// has one right answer.
func (c *ct) change(pid string, e domain.Entity, id string, a domain.Action, before, after any) service.Change {
	if c.base == "" {
		c.base = domain.NewID()[:20]
	}
	c.events++
	ev := domain.NewAuditEvent(c.who, pid, e, id, a, before, after, time.Now())
	ev.ID = fmt.Sprintf("%s%06d", c.base, c.events)
	return service.Change{Audit: ev}
}

func (c *ct) ok(err error) {
	c.Helper()
	if err != nil {
		c.Fatal(err)
	}
}

func (c *ct) programme() domain.Programme {
	c.Helper()
	p := domain.Programme{ID: domain.NewID(), Name: "Working for Wellness", LeadOrganisation: "LPT",
		StartDate: domain.MustDate("2025-01-01"), EndDate: domain.MustDate("2027-12-31"), CreatedAt: time.Now().UTC()}
	c.ok(c.st.CreateProgramme(c.ctx, p, c.change(p.ID, domain.EntityProgramme, p.ID, domain.ActionCreate, nil, p)))
	return p
}

func (c *ct) funder(pid string) domain.Funder {
	c.Helper()
	f := domain.Funder{ID: domain.NewID(), Name: "DWP " + domain.NewID(), Contacts: []string{"grants@dwp.example"}, CreatedAt: time.Now().UTC()} // a programme's funder names differ
	c.ok(c.st.CreateFunder(c.ctx, pid, f, c.change(pid, domain.EntityFunder, f.ID, domain.ActionCreate, nil, f)))
	return f
}

func (c *ct) project(pid string) domain.Project {
	c.Helper()
	pr := c.newProject("Bradford IPS " + domain.NewID()) // a programme's project names differ
	c.ok(c.st.CreateProject(c.ctx, pid, pr, nil, c.change(pid, domain.EntityProject, pr.ID, domain.ActionCreate, nil, pr)))
	return pr
}

// newProject is a project not yet stored; version 0, as projects once
// were (see versioned), unless the caller sets one.
func (c *ct) newProject(name string) domain.Project {
	return domain.Project{ID: domain.NewID(), Name: name, LeadOrganisation: "BDCFT",
		StartDate: domain.MustDate("2025-01-01"), EndDate: domain.MustDate("2026-12-31"), CreatedAt: time.Now().UTC()}
}

func ctGrant(funder, project string, pence int64) domain.Grant {
	now := time.Now().UTC()
	return domain.Grant{ID: domain.NewID(), FunderID: funder, ProjectID: project, Title: "Employment specialists",
		AmountPence: pence, Currency: "GBP", AwardDate: domain.MustDate("2025-01-01"), StartDate: domain.MustDate("2025-01-01"),
		EndDate: domain.MustDate("2026-12-31"), Version: 1, CreatedAt: now, UpdatedAt: now}
}

func (c *ct) grant(pid, funder, project string, pence int64) domain.Grant {
	c.Helper()
	g := ctGrant(funder, project, pence)
	c.ok(c.st.CreateGrant(c.ctx, pid, g, c.change(pid, domain.EntityGrant, g.ID, domain.ActionCreate, nil, g)))
	return g
}

func ctOutcome(project, cohort, end string, counts map[domain.Metric]int64, measures ...domain.Measure) domain.Outcome {
	return domain.Outcome{ID: domain.NewID(), ProjectID: project, CohortID: cohort, PeriodStart: domain.MustDate(end[:8] + "01"),
		PeriodEnd: domain.MustDate(end), Counts: counts, Measures: measures, SubmittedAt: time.Now().UTC(), SubmittedBy: "pl@example.org"}
}

// submit stores o, as a correction of old when old is not nil.
func (c *ct) submit(pid string, o domain.Outcome, old *domain.Outcome) error {
	action := domain.ActionCreate
	if old != nil {
		o.Replaces, action = old.ID, domain.ActionCorrect
	}
	// Without review it counts at once, in place of old's figures.
	o = domain.NewSubmission(o, old, false)
	sub := service.Submission{Outcome: o, Old: old, Figures: domain.Submitting(o, old, old)}
	return c.st.CreateOutcome(c.ctx, pid, sub, c.change(pid, domain.EntityOutcome, o.ID, action, old, o))
}

func (c *ct) totals(pid string) domain.Totals {
	c.Helper()
	t, err := c.st.Totals(c.ctx, pid)
	c.ok(err)
	return t
}

// get reads one record, reporting whether it is there.
func ctGet[T any](c *ct, pid string, ref domain.RecordRef) (T, bool) {
	c.Helper()
	var v T
	g := &service.Get{Ref: ref, Into: &v}
	c.ok(c.st.Read(c.ctx, pid, g))
	return v, g.Found
}

// ctNewest checks the newest correction storage names for each record of
// want (a record id → its newest correction, "" for none), and that it
// names none in another programme nor for a kind that is never corrected.
func ctNewest(c *ct, pid string, kind domain.Entity, want map[string]string) {
	c.Helper()
	for id, newest := range want {
		got, err := c.st.NewestCorrection(c.ctx, pid, kind, id)
		if err != nil || got != newest {
			c.Errorf("the newest correction of %s %s: %q %v, want %q", kind, id, got, err, newest)
		}
		if got, err := c.st.NewestCorrection(c.ctx, domain.NewID(), kind, id); err != nil || got != "" {
			c.Errorf("the newest correction of %s %s in another programme: %q %v, want none", kind, id, got, err)
		}
	}
	if _, err := c.st.NewestCorrection(c.ctx, pid, domain.EntityPayment, domain.NewID()); err == nil {
		c.Error("the newest correction of a payment, which has none: no error")
	}
}

// all pages through a list Limit items at a time, checking every page but
// the last is full and the last has no cursor.
func ctAll[T any](c *ct, limit int, list func(service.Page) ([]T, string, error)) []T {
	c.Helper()
	var out []T
	p := service.Page{Limit: limit}
	for range 1000 {
		items, next, err := list(p)
		c.ok(err)
		out = append(out, items...)
		if next == "" {
			return out
		}
		if len(items) != limit {
			c.Fatalf("a page of %d items before the last, want %d", len(items), limit)
		}
		p.Cursor = next
	}
	c.Fatal("the list never ended")
	return nil
}

// ctSame checks got and want are the same value in JSON, the form both
// stores keep records in.
func ctSame(c *ct, what string, got, want any) {
	c.Helper()
	g, err1 := json.Marshal(got)
	w, err2 := json.Marshal(want)
	if err1 != nil || err2 != nil || string(g) != string(w) {
		c.Errorf("%s:\n got  %s\n want %s", what, g, w)
	}
}

// ctNonZeroCounts is counts by period end without those at zero.
func ctNonZeroCounts(m map[domain.Date]int64) map[domain.Date]int64 {
	out := map[domain.Date]int64{}
	for k, v := range m {
		if v != 0 {
			out[k] = v
		}
	}
	return out
}

// ctNonZero is series without the figures that are zero: the DynamoDB
// store keeps a figure a correction brought back to zero, the fake never
// had it; both mean nothing counted.
func ctNonZero(series map[domain.SeriesKey]domain.DaySeries) map[domain.SeriesKey]domain.DaySeries {
	out := map[domain.SeriesKey]domain.DaySeries{}
	for k, days := range series {
		out[k] = domain.DaySeries{}
		for day, counts := range days {
			for m, n := range counts {
				if n != 0 {
					if out[k][day] == nil {
						out[k][day] = map[domain.Metric]int64{}
					}
					out[k][day][m] = n
				}
			}
		}
	}
	return out
}

// ctMissing checks err is a *service.MissingRefError naming exactly refs,
// in order.
func ctMissing(c *ct, what string, err error, refs ...domain.RecordRef) {
	c.Helper()
	var m *service.MissingRefError
	if !errors.As(err, &m) || !slices.Equal(m.Refs, refs) {
		c.Errorf("%s: %v, want missing references %v", what, err, refs)
	}
}

func ctIs(c *ct, what string, err, want error) {
	c.Helper()
	if !errors.Is(err, want) {
		c.Errorf("%s: %v, want %v", what, err, want)
	}
}

// unchanged runs a write that must be refused and checks it changed no
// record, figure or audit event of the programme.
func (c *ct) unchanged(pid string, refused func() error, check func(error)) {
	c.Helper()
	before := c.state(pid)
	err := refused()
	if err == nil {
		c.Fatal("a write that should be refused was made")
	}
	check(err)
	if after := c.state(pid); after != before {
		c.Errorf("a refused write changed the programme:\n before %s\n after  %s", before, after)
	}
}

// state is everything of a programme visible through the interface.
func (c *ct) state(pid string) string {
	c.Helper()
	t := c.totals(pid)
	t.ChangedAt = t.ChangedAt.UTC()
	type snap struct {
		Totals   domain.Totals
		Audit    []domain.AuditEvent
		Members  []domain.Member
		Funders  []domain.Funder
		Projects []domain.Project
		Grants   []domain.Grant
		Targets  []domain.Target
		Posts    []domain.Post
		Cohorts  []domain.Cohort
		Outcomes []domain.Outcome
		Payments []domain.Payment
		Spend    []domain.SpendReturn
		Money    map[string]domain.GrantMoney
	}
	s := snap{Totals: t,
		Audit: ctAll(c, 100, func(p service.Page) ([]domain.AuditEvent, string, error) {
			return c.st.ListAudit(c.ctx, pid, service.AuditFilter{}, p)
		}),
		Members:  ctAll(c, 100, func(p service.Page) ([]domain.Member, string, error) { return c.st.ListMembers(c.ctx, pid, p) }),
		Funders:  ctAll(c, 100, func(p service.Page) ([]domain.Funder, string, error) { return c.st.ListFunders(c.ctx, pid, p) }),
		Projects: ctAll(c, 100, func(p service.Page) ([]domain.Project, string, error) { return c.st.ListProjects(c.ctx, pid, p) }),
		Grants: ctAll(c, 100, func(p service.Page) ([]domain.Grant, string, error) {
			return c.st.ListGrants(c.ctx, pid, service.GrantFilter{}, p)
		}),
		Targets: ctAll(c, 100, func(p service.Page) ([]domain.Target, string, error) { return c.st.ListTargets(c.ctx, pid, p) }),
	}
	s.Payments = ctAll(c, 100, func(p service.Page) ([]domain.Payment, string, error) { return c.st.ListPayments(c.ctx, pid, "", p) })
	for _, g := range s.Grants {
		s.Spend = append(s.Spend, ctAll(c, 100, func(p service.Page) ([]domain.SpendReturn, string, error) {
			return c.st.ListSpend(c.ctx, pid, g.ID, p)
		})...)
	}
	money, err := c.st.Money(c.ctx, pid)
	c.ok(err)
	s.Money = money
	for _, pr := range s.Projects {
		s.Posts = append(s.Posts, ctAll(c, 100, func(p service.Page) ([]domain.Post, string, error) { return c.st.ListPosts(c.ctx, pid, pr.ID, p) })...)
		s.Cohorts = append(s.Cohorts, ctAll(c, 100, func(p service.Page) ([]domain.Cohort, string, error) { return c.st.ListCohorts(c.ctx, pid, pr.ID, p) })...)
		s.Outcomes = append(s.Outcomes, ctAll(c, 100, func(p service.Page) ([]domain.Outcome, string, error) {
			return c.st.ListOutcomes(c.ctx, pid, pr.ID, service.OutcomeFilter{}, p)
		})...)
	}
	out, err := json.Marshal(s)
	c.ok(err)
	return string(out)
}

func ids[T any](items []T, id func(T) string) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = id(it)
	}
	return out
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

var ctCases = []struct {
	name string
	run  func(c *ct)
}{
	{"read access and records", ctReads},
	{"a submission sent back taken over", ctTakeOver},
	{"missing references", ctMissingRefs},
	{"programmes and memberships", ctProgrammes},
	{"members", ctMembers},
	{"premises of a change", ctPremises},
	{"premises naming fields", ctPremiseFields},
	{"dependents revisions and guards", ctDependents},
	{"funders, projects and cursors", ctOrganisations},
	{"project names", ctProjectNames},
	{"funder names", ctFunderNames},
	{"grants and funding totals", ctGrants},
	{"grant filters", ctGrantFilters},
	{"posts and cohorts", ctPostsAndCohorts},
	{"outcomes, corrections and totals", ctOutcomes},
	{"targets and the changed marker", ctTargets},
	{"audit trail", ctAudit},
	{"idempotency claims", ctIdempotency},
	{"idempotency: answers past the item limit", ctLargeAnswers},
	{"notifications", ctNotifications},
	{"notification recipient claims", ctRecipientClaims},
	{"payments and the award", ctPayments},
	{"a payment's life", ctPaymentLife},
	{"a payment's email withdrawn with its change", ctPaymentEmailWithdrawn},
	{"payments falling due with their trigger", ctRelease},
	{"spend returns and corrections", ctSpend},
	{"imports: batches, totals and corrections", ctImports},
	{"imports: the lock", ctImportLock},
	{"imports: the answer saved with the rows", ctImportAnswer},
	{"imports: staged files", ctStagedFiles},
	{"imports: return counts whatever the transactions", ctImportReturnStats},
	{"return counts never below zero", ctCountsFloor},
	{"portfolio summaries and period figures", ctPortfolio},
}

func ctReads(c *ct) {
	_, _, err := c.st.ReadAccess(c.ctx, domain.NewID(), "lead@example.org", service.WebSession{})
	ctIs(c, "access to a programme that is not there", err, service.ErrNotFound)

	p := c.programme()
	other := c.programme()
	a, b, x := c.project(p.ID), c.project(p.ID), c.funder(p.ID)
	roles := []domain.Role{{Role: domain.RoleLead}, {Role: domain.RoleProjectLead, ProjectID: a.ID}, {Role: domain.RoleFunder, FunderID: x.ID}}
	m := domain.Member{Email: "lead@example.org", Roles: roles, UpdatedAt: time.Now().UTC()}
	c.ok(c.st.PutMember(c.ctx, p.ID, m, nil, c.change(p.ID, domain.EntityMember, m.Email, domain.ActionCreate, nil, m)))
	g := c.grant(p.ID, x.ID, a.ID, 100)
	post := domain.Post{ID: domain.NewID(), ProjectID: a.ID, Title: "Employment specialist", GrantID: g.ID, FTE: 1,
		Contract: domain.ContractTemporary, StartDate: domain.MustDate("2025-02-01"), Status: domain.PostFilled, Version: 1}
	c.ok(c.st.CreatePost(c.ctx, p.ID, post, c.change(p.ID, domain.EntityPost, post.ID, domain.ActionCreate, nil, post)))

	var gotA domain.Project
	var gotPost domain.Post
	var gotG domain.Grant
	var gotPostA domain.Post
	gets := []*service.Get{
		{Ref: domain.Ref(domain.EntityProject, a.ID), Into: &gotA},
		{Ref: domain.Ref(domain.EntityGrant, g.ID), Into: &gotG},
		{Ref: domain.Ref(domain.EntityGrant, domain.NewID()), Into: &domain.Grant{}},
		{Ref: domain.ProjectRef(domain.EntityPost, a.ID, post.ID), Into: &gotPostA},
		{Ref: domain.ProjectRef(domain.EntityPost, b.ID, post.ID), Into: &gotPost}, // the same id under another project
	}
	gotP, gotRoles, err := c.st.ReadAccess(c.ctx, p.ID, m.Email, service.WebSession{}, gets...)
	c.ok(err)
	ctSame(c, "programme", gotP, p)
	ctSame(c, "roles", gotRoles, roles)
	if found := []bool{gets[0].Found, gets[1].Found, gets[2].Found, gets[3].Found, gets[4].Found}; !slices.Equal(found, []bool{true, true, false, true, false}) {
		c.Errorf("found %v, want project, grant, no grant, post under its project, not under another", found)
	}
	ctSame(c, "project", gotA, a)
	ctSame(c, "grant", gotG, g)
	ctSame(c, "post", gotPostA, post)

	for _, email := range []string{"", "stranger@example.org"} {
		_, r, err := c.st.ReadAccess(c.ctx, p.ID, email, service.WebSession{})
		c.ok(err)
		if len(r) != 0 {
			c.Errorf("roles of %q: %v, want none", email, r)
		}
	}
	if _, ok := ctGet[domain.Project](c, other.ID, domain.Ref(domain.EntityProject, a.ID)); ok {
		c.Error("a project was read through another programme")
	}
	if got, ok := ctGet[domain.Programme](c, p.ID, domain.Ref(domain.EntityProgramme, p.ID)); !ok || got.ID != p.ID {
		c.Errorf("the programme as a record: %v %+v", ok, got)
	}
	if err := c.st.Read(c.ctx, p.ID); err != nil {
		c.Errorf("reading nothing: %v", err)
	}
}

func ctMissingRefs(c *ct) {
	p := c.programme()
	a, x := c.project(p.ID), c.funder(p.ID)
	co := domain.Cohort{ID: domain.NewID(), ProjectID: a.ID, Name: "Cohort 1", Places: 4, StartDate: domain.MustDate("2025-03-01"), EndDate: domain.MustDate("2025-08-31"), Version: 1}
	c.ok(c.st.CreateCohort(c.ctx, p.ID, co, c.change(p.ID, domain.EntityCohort, co.ID, domain.ActionCreate, nil, co)))
	noFunder, noProject := domain.Ref(domain.EntityFunder, domain.NewID()), domain.Ref(domain.EntityProject, domain.NewID())
	cohortElsewhere := domain.ProjectRef(domain.EntityCohort, domain.NewID(), co.ID)
	refs := []domain.RecordRef{domain.Ref(domain.EntityFunder, x.ID), noFunder, domain.ProjectRef(domain.EntityCohort, a.ID, co.ID),
		noProject, cohortElsewhere, domain.Ref(domain.EntityProject, a.ID)}
	missing, err := c.st.MissingRefs(c.ctx, p.ID, refs)
	c.ok(err)
	if want := []domain.RecordRef{noFunder, noProject, cohortElsewhere}; !slices.Equal(missing, want) {
		c.Errorf("missing %v, want %v", missing, want)
	}
	missing, err = c.st.MissingRefs(c.ctx, domain.NewID(), refs[:1])
	c.ok(err)
	if !slices.Equal(missing, refs[:1]) {
		c.Errorf("in a programme that is not there, missing %v, want %v", missing, refs[:1])
	}
	if missing, err := c.st.MissingRefs(c.ctx, p.ID, nil); err != nil || len(missing) != 0 {
		c.Errorf("no references: %v %v", missing, err)
	}
}

func ctProgrammes(c *ct) {
	var all, mine []string
	for i := range 5 {
		p := c.programme()
		all = append(all, p.ID)
		if i%2 == 0 {
			m := domain.Member{Email: "pl@example.org", Roles: []domain.Role{{Role: domain.RoleLead}}, UpdatedAt: time.Now().UTC()}
			c.ok(c.st.PutMember(c.ctx, p.ID, m, nil, c.change(p.ID, domain.EntityMember, m.Email, domain.ActionCreate, nil, m)))
			mine = append(mine, p.ID)
		}
	}
	got := ctAll(c, 2, func(p service.Page) ([]domain.Programme, string, error) { return c.st.ListProgrammes(c.ctx, p) })
	if g := ids(got, func(p domain.Programme) string { return p.ID }); !slices.Equal(g, sorted(all)) {
		c.Errorf("programmes %v, want %v (oldest first)", g, sorted(all))
	}
	gotMine := ctAll(c, 2, func(p service.Page) ([]domain.Programme, string, error) {
		return c.st.ListProgrammesOf(c.ctx, "pl@example.org", p)
	})
	if g := ids(gotMine, func(p domain.Programme) string { return p.ID }); !slices.Equal(g, sorted(mine)) {
		c.Errorf("programmes of a member %v, want %v", g, sorted(mine))
	}
	if none, next, err := c.st.ListProgrammesOf(c.ctx, "nobody@example.org", service.Page{}); err != nil || len(none) != 0 || next != "" {
		c.Errorf("programmes of nobody: %v %q %v", none, next, err)
	}
	_, next, err := c.st.ListProgrammes(c.ctx, service.Page{Limit: 1})
	c.ok(err)
	_, _, err = c.st.ListProgrammesOf(c.ctx, "pl@example.org", service.Page{Limit: 1, Cursor: next})
	ctIs(c, "all programmes' cursor on a member's programmes", err, service.ErrBadCursor)
	err = c.st.CreateProgramme(c.ctx, got[0], c.change(got[0].ID, domain.EntityProgramme, got[0].ID, domain.ActionCreate, nil, got[0]))
	if err == nil {
		c.Error("a programme was created twice")
	}
}

func ctMembers(c *ct) {
	p := c.programme()
	a, x := c.project(p.ID), c.funder(p.ID)
	put := func(m domain.Member, before *domain.Member) error {
		action := domain.ActionCreate
		if before != nil {
			action = domain.ActionChange
		}
		return c.st.PutMember(c.ctx, p.ID, m, before, c.change(p.ID, domain.EntityMember, m.Email, action, before, m))
	}
	m := domain.Member{Email: "pl@example.org", Roles: []domain.Role{{Role: domain.RoleProjectLead, ProjectID: a.ID}}, UpdatedAt: time.Now().UTC()}
	c.ok(put(m, nil))
	again := m
	again.UpdatedAt = m.UpdatedAt.Add(time.Second)
	c.unchanged(p.ID, func() error { return put(again, nil) }, func(err error) { ctIs(c, "creating a member that exists", err, service.ErrConflict) })
	stale := m
	stale.UpdatedAt = m.UpdatedAt.Add(-time.Second)
	c.unchanged(p.ID, func() error { return put(again, &stale) }, func(err error) { ctIs(c, "replacing a member not as read", err, service.ErrConflict) })

	noProject, noFunder := domain.NewID(), domain.NewID()
	bad := domain.Member{Email: "new@example.org", UpdatedAt: time.Now().UTC(), Roles: []domain.Role{{Role: domain.RoleLead},
		{Role: domain.RoleProjectLead, ProjectID: noProject}, {Role: domain.RoleFunder, FunderID: x.ID}, {Role: domain.RoleFunder, FunderID: noFunder}}}
	c.unchanged(p.ID, func() error { return put(bad, nil) }, func(err error) {
		ctMissing(c, "roles naming what is not there", err, domain.Ref(domain.EntityProject, noProject), domain.Ref(domain.EntityFunder, noFunder))
	})
	bad.Email = m.Email
	c.unchanged(p.ID, func() error { return put(bad, nil) }, func(err error) { ctIs(c, "a conflict and missing references", err, service.ErrConflict) })
	err := c.st.PutMember(c.ctx, domain.NewID(), m, nil, c.change(p.ID, domain.EntityMember, m.Email, domain.ActionCreate, nil, m))
	ctIs(c, "a member of a programme that is not there", err, service.ErrNotFound)

	changed := again
	changed.Roles = append(changed.Roles, domain.Role{Role: domain.RoleFunder, FunderID: x.ID})
	c.ok(put(changed, &m))
	if got, _ := ctGet[domain.Member](c, p.ID, domain.Ref(domain.EntityMember, m.Email)); !reflect.DeepEqual(got.Roles, changed.Roles) {
		c.Errorf("member after the change: %+v", got)
	}
	for _, e := range []string{"b@example.org", "a@example.org", "c@example.org"} {
		c.ok(put(domain.Member{Email: e, Roles: []domain.Role{{Role: domain.RoleLead}}, UpdatedAt: time.Now().UTC()}, nil))
	}
	list := ctAll(c, 2, func(pg service.Page) ([]domain.Member, string, error) { return c.st.ListMembers(c.ctx, p.ID, pg) })
	want := []string{"a@example.org", "b@example.org", "c@example.org", "pl@example.org"}
	if got := ids(list, func(m domain.Member) string { return m.Email }); !slices.Equal(got, want) {
		c.Errorf("members %v, want %v (by email)", got, want)
	}

	del := func(before domain.Member) error {
		return c.st.DeleteMember(c.ctx, p.ID, before, c.change(p.ID, domain.EntityMember, before.Email, domain.ActionDelete, before, nil))
	}
	c.unchanged(p.ID, func() error { return del(m) }, func(err error) { ctIs(c, "deleting a member not as read", err, service.ErrConflict) })
	c.unchanged(p.ID, func() error { return del(domain.Member{Email: "nobody@example.org"}) }, func(err error) {
		ctIs(c, "deleting a member that is not there", err, service.ErrConflict)
	})
	c.ok(del(changed))
	if _, ok := ctGet[domain.Member](c, p.ID, domain.Ref(domain.EntityMember, m.Email)); ok {
		c.Error("the member is still there after the delete")
	}
	if mine, _, err := c.st.ListProgrammesOf(c.ctx, m.Email, service.Page{}); err != nil || len(mine) != 0 {
		c.Errorf("programmes of a deleted member: %v %v", mine, err)
	}
}

// ctPremises: a change commits only while each record its rules read is
// still as read (a member by when it changed, anything else by version),
// else it fails with that premise's error and writes nothing.
func ctPremises(c *ct) {
	p := c.programme()
	x := c.funder(p.ID)
	g := c.grant(p.ID, x.ID, "", 1_000_00)
	a := domain.Member{Email: "a@example.org", Roles: []domain.Role{{Role: domain.RoleLead}}, UpdatedAt: time.Now().UTC()}
	c.ok(c.st.PutMember(c.ctx, p.ID, a, nil, c.change(p.ID, domain.EntityMember, a.Email, domain.ActionCreate, nil, a)))
	gone := errors.New("premise broken")
	put := func(email string, premises ...service.Premise) error {
		m := domain.Member{Email: email, Roles: []domain.Role{{Role: domain.RoleLead}}, UpdatedAt: time.Now().UTC()}
		ch := c.change(p.ID, domain.EntityMember, m.Email, domain.ActionCreate, nil, m)
		ch.Premises = premises
		return c.st.PutMember(c.ctx, p.ID, m, nil, ch)
	}
	memberAsRead := service.Premise{Ref: domain.Ref(domain.EntityMember, a.Email), UpdatedAt: a.UpdatedAt, Err: gone}
	grantAsRead := service.Premise{Ref: domain.Ref(domain.EntityGrant, g.ID), Version: g.Version, Err: gone}
	c.ok(put("b@example.org", memberAsRead, grantAsRead))

	memberChanged := memberAsRead
	memberChanged.UpdatedAt = a.UpdatedAt.Add(-time.Second)
	c.unchanged(p.ID, func() error { return put("c@example.org", memberChanged) }, func(err error) { ctIs(c, "a member not as read", err, gone) })
	grantChanged := grantAsRead
	grantChanged.Version++
	c.unchanged(p.ID, func() error { return put("c@example.org", grantChanged) }, func(err error) { ctIs(c, "a grant not at its version", err, gone) })
	missing := service.Premise{Ref: domain.Ref(domain.EntityMember, "nobody@example.org"), UpdatedAt: a.UpdatedAt, Err: gone}
	c.unchanged(p.ID, func() error { return put("c@example.org", missing) }, func(err error) { ctIs(c, "a member not there", err, gone) })
}

// ctPremiseFields: a premise naming fields (service.Premise.Fields)
// holds while each of those fields is as read, whatever else of the record
// changed; a field stored only when not empty (a grant's project) holds
// while it is still absent, and fails once set, or set and taken away
// again; a record not there fails it. A dependent's premise naming fields
// moves the revision on as one comparing the version does.
func ctPremiseFields(c *ct) {
	p := c.programme()
	x := c.funder(p.ID)
	a := c.project(p.ID)
	g := c.grant(p.ID, x.ID, "", 1_000_00)
	ref := domain.Ref(domain.EntityGrant, g.ID)
	broken := errors.New("a field read changed")
	n := 0
	dependent := func(read domain.Grant, dep bool, fields ...string) error {
		n++
		m := domain.Member{Email: fmt.Sprintf("m%d@example.org", n), Roles: []domain.Role{{Role: domain.RoleLead}}, UpdatedAt: time.Now().UTC()}
		ch := c.change(p.ID, domain.EntityMember, m.Email, domain.ActionCreate, nil, m)
		ch.Premises = []service.Premise{{Ref: domain.Ref(domain.EntityGrant, read.ID), Record: read, Fields: fields, Dependent: dep, Err: broken}}
		return c.st.PutMember(c.ctx, p.ID, m, nil, ch)
	}
	update := func(before domain.Grant, edit func(*domain.Grant)) domain.Grant {
		c.Helper()
		after := before
		edit(&after)
		after.Version = before.Version + 1
		c.ok(c.st.UpdateGrant(c.ctx, p.ID, before, after, c.change(p.ID, domain.EntityGrant, g.ID, domain.ActionChange, before, after)))
		return after
	}
	refused := func(what string, read domain.Grant, fields ...string) {
		c.Helper()
		c.unchanged(p.ID, func() error { return dependent(read, true, fields...) }, func(err error) { ctIs(c, what, err, broken) })
	}

	retitled := update(g, func(g *domain.Grant) { g.Title, g.Description = "Co-ordination", "Across the region" })
	c.ok(dependent(g, false, "ProjectID", "AwardDate"))
	c.ok(dependent(g, false, "ProjectID"))
	c.ok(dependent(g, true, "ProjectID", "AwardDate"))
	var cur domain.Grant
	get := &service.Get{Ref: ref, Into: &cur}
	c.ok(c.st.Read(c.ctx, p.ID, get))
	if get.Rev != 1 || cur.Version != retitled.Version {
		c.Errorf("after a dependent naming fields: revision %d, version %d; want 1, %d", get.Rev, cur.Version, retitled.Version)
	}
	refused("the grant's title as read, after it was retitled", g, "Title")

	given := update(retitled, func(g *domain.Grant) { g.ProjectID = a.ID })
	refused("a grant to the whole programme as read, since given to a project", g, "ProjectID")
	c.ok(dependent(given, true, "ProjectID"))
	back := update(given, func(g *domain.Grant) { g.ProjectID = "" })
	refused("a grant of a project as read, since given back to the whole programme", given, "ProjectID")
	c.ok(dependent(back, true, "ProjectID"))

	later := update(back, func(g *domain.Grant) { g.AwardDate = domain.MustDate("2025-03-01") })
	refused("an award date as read, since moved", back, "AwardDate")
	c.ok(dependent(later, true, "AwardDate", "ProjectID"))

	nowhere := g
	nowhere.ID = domain.NewID()
	refused("a grant that is not there", nowhere, "ProjectID")
}

// ctDependents: a dependent's premise (service.Premise.Dependent) moves
// the record's revision on, read with it (Get.Rev), leaving its version;
// a change guarded on the revision read commits only while it is still
// so (else the guard's error, or ErrStale for a version moved on) and
// keeps it; a change without a guard starts it again.
func ctDependents(c *ct) {
	p := c.programme()
	x := c.funder(p.ID)
	g := c.grant(p.ID, x.ID, "", 1_000_00)
	ref := domain.Ref(domain.EntityGrant, g.ID)
	read := func() (domain.Grant, int64) {
		c.Helper()
		var cur domain.Grant
		get := &service.Get{Ref: ref, Into: &cur}
		bare := &service.Get{Ref: ref} // no Into: Found and Rev only
		c.ok(c.st.Read(c.ctx, p.ID, get, bare))
		if !get.Found || !bare.Found || get.Rev != bare.Rev {
			c.Fatalf("read %+v and %+v", get, bare)
		}
		return cur, get.Rev
	}
	if _, rev := read(); rev != 0 {
		c.Errorf("a new grant's revision %d, want 0", rev)
	}
	gone := errors.New("a dependent was written")
	dependent := func(email string, version int64) error {
		m := domain.Member{Email: email, Roles: []domain.Role{{Role: domain.RoleLead}}, UpdatedAt: time.Now().UTC()}
		ch := c.change(p.ID, domain.EntityMember, m.Email, domain.ActionCreate, nil, m)
		ch.Premises = []service.Premise{{Ref: ref, Version: version, Dependent: true, Err: gone}}
		return c.st.PutMember(c.ctx, p.ID, m, nil, ch)
	}
	c.ok(dependent("a@example.org", g.Version))
	c.ok(dependent("b@example.org", g.Version))
	cur, rev := read()
	if rev != 2 || cur.Version != g.Version {
		c.Errorf("after two dependents: revision %d, version %d; want 2, %d", rev, cur.Version, g.Version)
	}
	c.unchanged(p.ID, func() error { return dependent("c@example.org", g.Version+1) }, func(err error) { ctIs(c, "a grant not at its version", err, gone) })

	update := func(before domain.Grant, guard *service.Guard) (domain.Grant, error) {
		after := before
		after.Title, after.Version = before.Title+"!", before.Version+1
		ch := c.change(p.ID, domain.EntityGrant, g.ID, domain.ActionChange, before, after)
		ch.Guard = guard
		return after, c.st.UpdateGrant(c.ctx, p.ID, before, after, ch)
	}
	c.unchanged(p.ID, func() error { _, err := update(cur, &service.Guard{Ref: ref, Rev: 1, Err: gone}); return err },
		func(err error) { ctIs(c, "a guard on a revision moved on", err, gone) })
	stale := cur
	stale.Version++
	c.unchanged(p.ID, func() error { _, err := update(stale, &service.Guard{Ref: ref, Rev: 1, Err: gone}); return err },
		func(err error) { ctIs(c, "a guarded change of a version moved on", err, service.ErrStale) })
	after, err := update(cur, &service.Guard{Ref: ref, Rev: 2, Err: gone})
	c.ok(err)
	if cur, rev = read(); rev != 2 || cur.Version != after.Version {
		c.Errorf("after a guarded change: revision %d, version %d; want 2 kept, %d", rev, cur.Version, after.Version)
	}
	_, err = update(cur, nil)
	c.ok(err)
	if _, rev = read(); rev != 0 {
		c.Errorf("after a change without a guard: revision %d, want 0", rev)
	}
}

func ctOrganisations(c *ct) {
	p, q := c.programme(), c.programme()
	var funders, projects []string
	for range 5 {
		funders = append(funders, c.funder(p.ID).ID)
		projects = append(projects, c.project(p.ID).ID)
	}
	c.funder(q.ID)
	gotF := ctAll(c, 2, func(pg service.Page) ([]domain.Funder, string, error) { return c.st.ListFunders(c.ctx, p.ID, pg) })
	if g := ids(gotF, func(f domain.Funder) string { return f.ID }); !slices.Equal(g, sorted(funders)) {
		c.Errorf("funders %v, want %v", g, sorted(funders))
	}
	gotP := ctAll(c, 5, func(pg service.Page) ([]domain.Project, string, error) { return c.st.ListProjects(c.ctx, p.ID, pg) })
	if g := ids(gotP, func(pr domain.Project) string { return pr.ID }); !slices.Equal(g, sorted(projects)) {
		c.Errorf("projects %v, want %v", g, sorted(projects))
	}
	items, next, err := c.st.ListFunders(c.ctx, p.ID, service.Page{})
	if err != nil || len(items) != 5 || next != "" {
		c.Errorf("a page of the default size: %d items, cursor %q, %v", len(items), next, err)
	}

	_, cursor, err := c.st.ListFunders(c.ctx, p.ID, service.Page{Limit: 1})
	c.ok(err)
	if _, _, err := c.st.ListFunders(c.ctx, p.ID, service.Page{Limit: 1, Cursor: cursor}); err != nil {
		c.Errorf("the list's own cursor: %v", err)
	}
	_, _, err = c.st.ListProjects(c.ctx, p.ID, service.Page{Limit: 1, Cursor: cursor})
	ctIs(c, "a funders cursor on projects", err, service.ErrBadCursor)
	_, _, err = c.st.ListFunders(c.ctx, q.ID, service.Page{Limit: 1, Cursor: cursor})
	ctIs(c, "another programme's cursor", err, service.ErrBadCursor)
	_, _, err = c.st.ListFunders(c.ctx, p.ID, service.Page{Limit: 1, Cursor: "not a cursor!"})
	ctIs(c, "a made-up cursor", err, service.ErrBadCursor)

	gone := domain.NewID()
	f := domain.Funder{ID: domain.NewID(), Name: "Lost", Contacts: []string{"a@example.org"}}
	ctIs(c, "a funder of a programme that is not there",
		c.st.CreateFunder(c.ctx, gone, f, c.change(gone, domain.EntityFunder, f.ID, domain.ActionCreate, nil, f)), service.ErrNotFound)
	pr := domain.Project{ID: domain.NewID(), Name: "Lost"}
	ctIs(c, "a project of a programme that is not there",
		c.st.CreateProject(c.ctx, gone, pr, nil, c.change(gone, domain.EntityProject, pr.ID, domain.ActionCreate, nil, pr)), service.ErrNotFound)
	if events, _, err := c.st.ListAudit(c.ctx, gone, service.AuditFilter{}, service.Page{}); err != nil || len(events) != 0 {
		c.Errorf("refused creates wrote audit events: %v %v", events, err)
	}
}

func ctGrants(c *ct) {
	p := c.programme()
	a, x, y := c.project(p.ID), c.funder(p.ID), c.funder(p.ID)
	noFunder, noProject := domain.NewID(), domain.NewID()
	bad := ctGrant(noFunder, noProject, 500)
	c.unchanged(p.ID, func() error {
		return c.st.CreateGrant(c.ctx, p.ID, bad, c.change(p.ID, domain.EntityGrant, bad.ID, domain.ActionCreate, nil, bad))
	}, func(err error) {
		ctMissing(c, "a grant of a funder and project not there", err, domain.Ref(domain.EntityFunder, noFunder), domain.Ref(domain.EntityProject, noProject))
	})
	g1 := c.grant(p.ID, x.ID, "", 100_00)
	c.grant(p.ID, y.ID, a.ID, 50_00)
	tot := c.totals(p.ID)
	if tot.AwardedPence != 150_00 || !reflect.DeepEqual(tot.ByFunder, map[string]int64{x.ID: 100_00, y.ID: 50_00}) {
		c.Errorf("funding after two grants: %d %v", tot.AwardedPence, tot.ByFunder)
	}

	update := func(before, after domain.Grant) error {
		return c.st.UpdateGrant(c.ctx, p.ID, before, after, c.change(p.ID, domain.EntityGrant, after.ID, domain.ActionChange, before, after))
	}
	moved := g1
	moved.FunderID, moved.ProjectID, moved.AmountPence, moved.Version = y.ID, a.ID, 70_00, 2
	c.ok(update(g1, moved))
	tot = c.totals(p.ID)
	if tot.AwardedPence != 120_00 || !reflect.DeepEqual(tot.ByFunder, map[string]int64{x.ID: 0, y.ID: 120_00}) {
		c.Errorf("funding after moving a grant to another funder: %d %v", tot.AwardedPence, tot.ByFunder)
	}
	if got, _ := ctGet[domain.Grant](c, p.ID, domain.Ref(domain.EntityGrant, g1.ID)); got.Version != 2 || got.FunderID != y.ID {
		c.Errorf("grant after the change: %+v", got)
	}
	again := moved
	again.AmountPence, again.Version = 1, 3
	c.unchanged(p.ID, func() error { return update(g1, again) }, func(err error) { ctIs(c, "a change based on version 1", err, service.ErrStale) })
	again.FunderID = noFunder
	c.unchanged(p.ID, func() error { return update(g1, again) }, func(err error) { ctIs(c, "stale, and a funder not there", err, service.ErrStale) })
	c.unchanged(p.ID, func() error { return update(moved, again) }, func(err error) {
		ctMissing(c, "moving a grant to a funder not there", err, domain.Ref(domain.EntityFunder, noFunder))
	})
	ghost := ctGrant(x.ID, "", 1)
	c.unchanged(p.ID, func() error { return update(ghost, ghost) }, func(err error) { ctIs(c, "changing a grant that is not there", err, service.ErrStale) })
}

func ctGrantFilters(c *ct) {
	p := c.programme()
	a, b, x, y := c.project(p.ID), c.project(p.ID), c.funder(p.ID), c.funder(p.ID)
	gXA, gXB, gY, gYB := c.grant(p.ID, x.ID, a.ID, 1), c.grant(p.ID, x.ID, b.ID, 2), c.grant(p.ID, y.ID, "", 3), c.grant(p.ID, y.ID, b.ID, 4)
	set := func(ids ...string) map[string]bool {
		m := map[string]bool{}
		for _, id := range ids {
			m[id] = true
		}
		return m
	}
	for _, tc := range []struct {
		name string
		f    service.GrantFilter
		want []domain.Grant
	}{
		{"every grant", service.GrantFilter{}, []domain.Grant{gXA, gXB, gY, gYB}},
		{"one funder's", service.GrantFilter{Funders: set(x.ID)}, []domain.Grant{gXA, gXB}},
		{"one project's", service.GrantFilter{Projects: set(b.ID)}, []domain.Grant{gXB, gYB}},
		{"a funder's and a project's", service.GrantFilter{Funders: set(y.ID), Projects: set(a.ID)}, []domain.Grant{gXA, gY, gYB}},
		{"two funders'", service.GrantFilter{Funders: set(x.ID, y.ID)}, []domain.Grant{gXA, gXB, gY, gYB}},
		{"a funder without grants", service.GrantFilter{Funders: set(domain.NewID())}, nil},
	} {
		got := ctAll(c, 1, func(pg service.Page) ([]domain.Grant, string, error) { return c.st.ListGrants(c.ctx, p.ID, tc.f, pg) })
		gotIDs, wantIDs := ids(got, func(g domain.Grant) string { return g.ID }), ids(tc.want, func(g domain.Grant) string { return g.ID })
		if !slices.Equal(gotIDs, sorted(wantIDs)) {
			c.Errorf("%s: %v, want %v", tc.name, gotIDs, sorted(wantIDs))
		}
	}
	_, cursor, err := c.st.ListGrants(c.ctx, p.ID, service.GrantFilter{Funders: set(x.ID)}, service.Page{Limit: 1})
	c.ok(err)
	_, _, err = c.st.ListGrants(c.ctx, p.ID, service.GrantFilter{Projects: set(b.ID)}, service.Page{Limit: 1, Cursor: cursor})
	ctIs(c, "a funder's grants' cursor on a project's grants", err, service.ErrBadCursor)
}

func ctPostsAndCohorts(c *ct) {
	p := c.programme()
	a, b, x := c.project(p.ID), c.project(p.ID), c.funder(p.ID)
	g := c.grant(p.ID, x.ID, "", 100)
	post := func(project, grant string, status domain.PostStatus) domain.Post {
		return domain.Post{ID: domain.NewID(), ProjectID: project, Title: "Employment specialist", GrantID: grant, FTE: 0.5,
			Contract: domain.ContractPermanent, StartDate: domain.MustDate("2025-02-01"), Status: status, Version: 1}
	}
	create := func(po domain.Post) error {
		return c.st.CreatePost(c.ctx, p.ID, po, c.change(p.ID, domain.EntityPost, po.ID, domain.ActionCreate, nil, po))
	}
	noProject, noGrant := domain.NewID(), domain.NewID()
	c.unchanged(p.ID, func() error { return create(post(noProject, noGrant, domain.PostVacant)) }, func(err error) {
		ctMissing(c, "a post of a project and grant not there", err, domain.Ref(domain.EntityProject, noProject), domain.Ref(domain.EntityGrant, noGrant))
	})
	vacant, filled := post(a.ID, g.ID, domain.PostVacant), post(b.ID, g.ID, domain.PostFilled)
	c.ok(create(vacant))
	c.ok(create(filled))
	if got := c.totals(p.ID).Posts; !reflect.DeepEqual(got, map[domain.PostStatus]int64{domain.PostVacant: 1, domain.PostFilled: 1}) {
		c.Errorf("posts by status: %v", got)
	}
	updatePost := func(before, after domain.Post) error {
		return c.st.UpdatePost(c.ctx, p.ID, before, after, c.change(p.ID, domain.EntityPost, after.ID, domain.ActionChange, before, after))
	}
	nowFilled := vacant
	nowFilled.Status, nowFilled.Version = domain.PostFilled, 2
	c.ok(updatePost(vacant, nowFilled))
	if got := c.totals(p.ID).Posts; !reflect.DeepEqual(got, map[domain.PostStatus]int64{domain.PostVacant: 0, domain.PostFilled: 2}) {
		c.Errorf("posts by status after one was filled: %v", got)
	}
	ended := nowFilled
	ended.Status, ended.Version = domain.PostEnded, 3
	c.unchanged(p.ID, func() error { return updatePost(vacant, ended) }, func(err error) { ctIs(c, "a stale post change", err, service.ErrStale) })
	ended.GrantID = noGrant
	c.unchanged(p.ID, func() error { return updatePost(nowFilled, ended) }, func(err error) {
		ctMissing(c, "a post moved to a grant not there", err, domain.Ref(domain.EntityGrant, noGrant))
	})
	if got := ctAll(c, 10, func(pg service.Page) ([]domain.Post, string, error) { return c.st.ListPosts(c.ctx, p.ID, a.ID, pg) }); len(got) != 1 || got[0].ID != vacant.ID || got[0].Version != 2 {
		c.Errorf("project A's posts: %+v", got)
	}

	cohort := func(project string, places int64) domain.Cohort {
		return domain.Cohort{ID: domain.NewID(), ProjectID: project, Name: "Cohort", Places: places,
			StartDate: domain.MustDate("2025-03-01"), EndDate: domain.MustDate("2025-08-31"), Version: 1}
	}
	createCohort := func(co domain.Cohort) error {
		return c.st.CreateCohort(c.ctx, p.ID, co, c.change(p.ID, domain.EntityCohort, co.ID, domain.ActionCreate, nil, co))
	}
	c.unchanged(p.ID, func() error { return createCohort(cohort(noProject, 4)) }, func(err error) {
		ctMissing(c, "a cohort of a project not there", err, domain.Ref(domain.EntityProject, noProject))
	})
	c1, c2 := cohort(a.ID, 4), cohort(b.ID, 6)
	c.ok(createCohort(c1))
	c.ok(createCohort(c2))
	if tot := c.totals(p.ID); tot.CohortCount != 2 || tot.Places != 10 {
		c.Errorf("cohorts %d, places %d; want 2 and 10", tot.CohortCount, tot.Places)
	}
	bigger := c1
	bigger.Places, bigger.Version = 8, 2
	c.ok(c.st.UpdateCohort(c.ctx, p.ID, c1, bigger, c.change(p.ID, domain.EntityCohort, c1.ID, domain.ActionChange, c1, bigger)))
	if tot := c.totals(p.ID); tot.CohortCount != 2 || tot.Places != 14 {
		c.Errorf("after a cohort grew: cohorts %d, places %d; want 2 and 14", tot.CohortCount, tot.Places)
	}
	c.unchanged(p.ID, func() error {
		return c.st.UpdateCohort(c.ctx, p.ID, c1, bigger, c.change(p.ID, domain.EntityCohort, c1.ID, domain.ActionChange, c1, bigger))
	}, func(err error) { ctIs(c, "a stale cohort change", err, service.ErrStale) })
}

func ctOutcomes(c *ct) {
	p := c.programme()
	a, b := c.project(p.ID), c.project(p.ID)
	co := domain.Cohort{ID: domain.NewID(), ProjectID: a.ID, Name: "Cohort 1", Places: 4, StartDate: domain.MustDate("2025-03-01"), EndDate: domain.MustDate("2025-08-31"), Version: 1}
	c.ok(c.st.CreateCohort(c.ctx, p.ID, co, c.change(p.ID, domain.EntityCohort, co.ID, domain.ActionCreate, nil, co)))
	ref, piw := domain.MetricReferrals, domain.MetricPeopleIntoWork
	type counts = map[domain.Metric]int64

	o1 := ctOutcome(a.ID, co.ID, "2025-06-30", counts{ref: 10, piw: 3}, domain.Measure{Name: "self-confidence", BaselineMean: 3.5, LatestMean: 6.25, Respondents: 4})
	o2 := ctOutcome(b.ID, "", "2025-07-31", counts{ref: 5, domain.MetricJobStarts: 0})
	c.ok(c.submit(p.ID, o1, nil))
	c.ok(c.submit(p.ID, o2, nil))
	tot := c.totals(p.ID)
	ctSame(c, "programme totals", tot.Programme, counts{ref: 15, piw: 3})
	ctSame(c, "project totals", tot.ByProject, map[string]counts{a.ID: {ref: 10, piw: 3}, b.ID: {ref: 5}})
	ctSame(c, "cohort totals", tot.ByCohort, map[string]counts{co.ID: {ref: 10, piw: 3}})
	ctSame(c, "monthly totals", tot.Monthly, map[string]counts{"2025-06": {ref: 10, piw: 3}, "2025-07": {ref: 5}})
	ctSame(c, "measures", tot.Measures, map[string]domain.MeasureSums{"self-confidence": {Respondents: 4, BaselineSum: 14, LatestSum: 25}})
	if !tot.ChangedAt.Equal(o2.SubmittedAt) {
		c.Errorf("figures changed at %v, want %v", tot.ChangedAt, o2.SubmittedAt)
	}
	if n, ok := c.dirty(p.ID); !ok || n != 2 {
		c.Errorf("changed marker after two submissions: %d %v, want 2 true", n, ok)
	}

	// A correction counts the new figures instead of the old, wherever the
	// old ones were counted.
	fix := ctOutcome(a.ID, "", "2025-07-31", counts{ref: 8}, domain.Measure{Name: "self-confidence", BaselineMean: 3.5, LatestMean: 5, Respondents: 2})
	c.ok(c.submit(p.ID, fix, &o1))
	tot = c.totals(p.ID)
	ctSame(c, "programme totals after the correction", tot.Programme, counts{ref: 13, piw: 0})
	ctSame(c, "project totals after the correction", tot.ByProject, map[string]counts{a.ID: {ref: 8, piw: 0}, b.ID: {ref: 5}})
	ctSame(c, "cohort totals after the correction", tot.ByCohort, map[string]counts{co.ID: {ref: 0, piw: 0}})
	ctSame(c, "monthly totals after the correction", tot.Monthly, map[string]counts{"2025-06": {ref: 0, piw: 0}, "2025-07": {ref: 13}})
	ms := tot.Measures["self-confidence"]
	if ms.Respondents != 2 || math.Abs(ms.BaselineSum-7) > 1e-9 || math.Abs(ms.LatestSum-10) > 1e-9 {
		c.Errorf("measure after the correction: %+v, want 2 respondents, sums 7 and 10", ms)
	}

	// The daily figures the targets' windows add up: the correction's, in
	// the year and on the day its period ended, for the programme and its
	// project; the replaced submission's are gone from its day.
	keys := []domain.SeriesKey{{Year: 2025}, {ProjectID: a.ID, Year: 2025}, {ProjectID: b.ID, Year: 2025}, {Year: 2024}}
	series, err := c.st.Series(c.ctx, p.ID, keys)
	c.ok(err)
	end := domain.MustDate("2025-07-31")
	if got, want := ctNonZero(series), (map[domain.SeriesKey]domain.DaySeries{
		{Year: 2025}: {end: {ref: 13}}, {ProjectID: a.ID, Year: 2025}: {end: {ref: 8}}, {ProjectID: b.ID, Year: 2025}: {end: {ref: 5}},
		{Year: 2024}: {}}); !reflect.DeepEqual(got, want) {
		c.Errorf("daily figures after the correction:\n got  %v\n want %v", got, want)
	}

	// The same submission corrected again: refused, naming the correction
	// that came first, and nothing moves.
	late := ctOutcome(a.ID, "", "2025-07-31", counts{ref: 1})
	c.unchanged(p.ID, func() error { return c.submit(p.ID, late, &o1) }, func(err error) {
		var ac *service.AlreadyCorrectedError
		if !errors.As(err, &ac) || ac.Replaced != domain.ProjectRef(domain.EntityOutcome, a.ID, o1.ID) || ac.By != domain.ProjectRef(domain.EntityOutcome, a.ID, fix.ID) {
			c.Errorf("a second correction: %v, want already corrected by %s", err, fix.ID)
		}
	})
	never := ctOutcome(a.ID, "", "2025-07-31", counts{ref: 1})
	c.unchanged(p.ID, func() error { return c.submit(p.ID, ctOutcome(a.ID, "", "2025-07-31", counts{ref: 2}), &never) }, func(err error) {
		ctMissing(c, "a correction of a submission not there", err, domain.ProjectRef(domain.EntityOutcome, a.ID, never.ID))
	})
	noCohort, noProject := domain.NewID(), domain.NewID()
	c.unchanged(p.ID, func() error { return c.submit(p.ID, ctOutcome(a.ID, noCohort, "2025-07-31", counts{ref: 2}), nil) }, func(err error) {
		ctMissing(c, "a submission for a cohort not there", err, domain.ProjectRef(domain.EntityCohort, a.ID, noCohort))
	})
	c.unchanged(p.ID, func() error { return c.submit(p.ID, ctOutcome(b.ID, co.ID, "2025-07-31", counts{ref: 2}), nil) }, func(err error) {
		ctMissing(c, "a submission for another project's cohort", err, domain.ProjectRef(domain.EntityCohort, b.ID, co.ID))
	})
	c.unchanged(p.ID, func() error { return c.submit(p.ID, ctOutcome(noProject, noCohort, "2025-07-31", counts{ref: 2}), nil) }, func(err error) {
		ctMissing(c, "a submission for a project not there", err, domain.Ref(domain.EntityProject, noProject), domain.ProjectRef(domain.EntityCohort, noProject, noCohort))
	})
	// The correction itself can be corrected.
	refix := ctOutcome(a.ID, "", "2025-07-31", counts{ref: 9})
	c.ok(c.submit(p.ID, refix, &fix))
	ctNewest(c, p.ID, domain.EntityOutcome, map[string]string{o1.ID: refix.ID, fix.ID: refix.ID, refix.ID: "", o2.ID: "", never.ID: ""})
	if got := c.totals(p.ID).Programme[ref]; got != 14 {
		c.Errorf("referrals after correcting the correction: %d, want 14", got)
	}
	listed := ctAll(c, 2, func(pg service.Page) ([]domain.Outcome, string, error) {
		return c.st.ListOutcomes(c.ctx, p.ID, a.ID, service.OutcomeFilter{}, pg)
	})
	if len(listed) != 3 {
		c.Errorf("project A lists %d submissions, want 3 (corrections included)", len(listed))
	}

	// A project's submissions for exactly one period, corrections
	// included, newest first (at most as many as asked for: the newest).
	// The store does not hold a correction to its period (the service
	// does), so fix and refix are July's and o1 June's.
	period := func(project, start, end string, limit int) []string {
		c.Helper()
		os, err := c.st.ListPeriodOutcomes(c.ctx, p.ID, project, domain.MustDate(start), domain.MustDate(end), limit)
		c.ok(err)
		return ids(os, func(o domain.Outcome) string { return o.ID })
	}
	ctSame(c, "project A's July", period(a.ID, "2025-07-01", "2025-07-31", 10), []string{refix.ID, fix.ID})
	ctSame(c, "project A's newest of July", period(a.ID, "2025-07-01", "2025-07-31", 1), []string{refix.ID})
	ctSame(c, "project A's June", period(a.ID, "2025-06-01", "2025-06-30", 10), []string{o1.ID})
	ctSame(c, "project B's July", period(b.ID, "2025-07-01", "2025-07-31", 10), []string{o2.ID})
	ctSame(c, "project A's July to September", period(a.ID, "2025-07-01", "2025-09-30", 10), []string{})
	// A decision rewrites the submission, which stays listed by its
	// period with the status decided.
	pending := domain.NewSubmission(ctOutcome(b.ID, "", "2025-08-31", counts{ref: 4}), nil, true)
	c.ok(c.st.CreateOutcome(c.ctx, p.ID, service.Submission{Outcome: pending, Figures: domain.Submitting(pending, nil, nil)},
		c.change(p.ID, domain.EntityOutcome, pending.ID, domain.ActionCreate, nil, pending)))
	decided := pending
	decided.Status, decided.Review = domain.OutcomeApproved, &domain.Review{Decision: domain.DecisionApprove, By: "lead@example.org", At: time.Now().UTC()}
	c.ok(c.st.ReviewOutcome(c.ctx, p.ID, service.OutcomeReview{Before: pending, After: decided, Figures: domain.Reviewing(pending, domain.DecisionApprove, nil)},
		c.change(p.ID, domain.EntityOutcome, pending.ID, domain.ActionReview, pending, decided)))
	os, err := c.st.ListPeriodOutcomes(c.ctx, p.ID, b.ID, domain.MustDate("2025-08-01"), domain.MustDate("2025-08-31"), 10)
	c.ok(err)
	if len(os) != 1 || os[0].ID != pending.ID || os[0].Status != domain.OutcomeApproved {
		c.Errorf("project B's August after its review: %+v, want %s approved", os, pending.ID)
	}
}

func ctTargets(c *ct) {
	p := c.programme()
	a, x := c.project(p.ID), c.funder(p.ID)
	n0, _ := c.dirty(p.ID)
	target := func(project string, notify ...string) domain.Target {
		now := time.Now().UTC()
		return domain.Target{ID: domain.NewID(), Metric: domain.MetricPeopleIntoWork, Value: 60, Deadline: domain.MustDate("2026-03-31"),
			ProjectID: project, Notify: append([]string{}, notify...), Thresholds: []int64{50, 100}, Version: 1, CreatedAt: now, UpdatedAt: now}
	}
	create := func(tg domain.Target) error {
		return c.st.CreateTarget(c.ctx, p.ID, tg, domain.MustDate("2025-06-01"), c.change(p.ID, domain.EntityTarget, tg.ID, domain.ActionCreate, nil, tg))
	}
	noProject, noFunder := domain.NewID(), domain.NewID()
	c.unchanged(p.ID, func() error { return create(target(noProject, x.ID, noFunder)) }, func(err error) {
		ctMissing(c, "a target naming what is not there", err, domain.Ref(domain.EntityProject, noProject), domain.Ref(domain.EntityFunder, noFunder))
	})
	tg := target(a.ID, x.ID)
	c.ok(create(tg))
	if got, ok := ctGet[domain.Target](c, p.ID, domain.Ref(domain.EntityTarget, tg.ID)); !ok {
		c.Error("the target is not there")
	} else {
		ctSame(c, "target", got, tg)
	}
	if at := c.totals(p.ID).ChangedAt; !at.Equal(tg.UpdatedAt) {
		c.Errorf("a new target marks the figures changed at %v, want %v", at, tg.UpdatedAt)
	}
	n1, dirty := c.dirty(p.ID)
	if !dirty || n1 != n0+1 {
		c.Errorf("changed marker after a target: %d %v, want %d true", n1, dirty, n0+1)
	}
	c.ok(c.st.ClearDirty(c.ctx, p.ID, n1))
	if _, dirty := c.dirty(p.ID); dirty {
		c.Error("the changed marker survived clearing with the current count")
	}

	after := tg
	after.Value, after.Notify, after.Version, after.UpdatedAt = 80, []string{}, 2, tg.UpdatedAt.Add(time.Second)
	update := func(before, after domain.Target) error {
		return c.st.UpdateTarget(c.ctx, p.ID, before, after, domain.Date{}, service.Release{}, c.change(p.ID, domain.EntityTarget, after.ID, domain.ActionChange, before, after))
	}
	c.ok(update(tg, after))
	n2, dirty := c.dirty(p.ID)
	if !dirty || n2 != n1+1 {
		c.Errorf("changed marker after a target changed: %d %v, want %d true", n2, dirty, n1+1)
	}
	c.ok(c.st.ClearDirty(c.ctx, p.ID, n1))
	if _, dirty := c.dirty(p.ID); !dirty {
		c.Error("clearing with an old count cleared a later change")
	}
	c.unchanged(p.ID, func() error { return update(tg, after) }, func(err error) { ctIs(c, "a stale target change", err, service.ErrStale) })
	if got := ctAll(c, 1, func(pg service.Page) ([]domain.Target, string, error) { return c.st.ListTargets(c.ctx, p.ID, pg) }); len(got) != 1 || got[0].Value != 80 || len(got[0].Notify) != 0 {
		c.Errorf("targets: %+v", got)
	}
}

func ctAudit(c *ct) {
	p := c.programme()
	x := c.funder(p.ID)
	g := c.grant(p.ID, x.ID, "", 100)
	c.who = domain.Caller{Identity: domain.Identity{Subject: "sub-admin", Email: "admin@example.org"}, RequestID: "req-2"}
	changed := g
	changed.Title, changed.Version = "Renamed", 2
	ch := c.change(p.ID, domain.EntityGrant, g.ID, domain.ActionChange, g, changed)
	c.ok(c.st.UpdateGrant(c.ctx, p.ID, g, changed, ch))
	// A refused change writes no event.
	c.unchanged(p.ID, func() error {
		return c.st.UpdateGrant(c.ctx, p.ID, g, changed, c.change(p.ID, domain.EntityGrant, g.ID, domain.ActionChange, g, changed))
	}, func(err error) { ctIs(c, "a stale change", err, service.ErrStale) })

	events := ctAll(c, 2, func(pg service.Page) ([]domain.AuditEvent, string, error) {
		return c.st.ListAudit(c.ctx, p.ID, service.AuditFilter{}, pg)
	})
	want := []string{"grant change", "grant create", "funder create", "programme create"}
	got := ids(events, func(e domain.AuditEvent) string { return string(e.Entity) + " " + string(e.Action) })
	if !slices.Equal(got, want) {
		c.Fatalf("audit trail %v, want %v (newest first)", got, want)
	}
	ctSame(c, "the stored event", events[0], ch.Audit)
	if ch.Audit.Changes["title"].After != "Renamed" {
		c.Errorf("the event's changes: %+v", ch.Audit.Changes)
	}
	byGrant := ctAll(c, 1, func(pg service.Page) ([]domain.AuditEvent, string, error) {
		return c.st.ListAudit(c.ctx, p.ID, service.AuditFilter{Entity: domain.EntityGrant}, pg)
	})
	if got := ids(byGrant, func(e domain.AuditEvent) string { return string(e.Action) }); !slices.Equal(got, []string{"change", "create"}) {
		c.Errorf("grant events %v", got)
	}
	byAdmin, _, err := c.st.ListAudit(c.ctx, p.ID, service.AuditFilter{Email: "admin@example.org"}, service.Page{})
	c.ok(err)
	if len(byAdmin) != 1 || byAdmin[0].ID != ch.Audit.ID {
		c.Errorf("events by admin: %+v", byAdmin)
	}
	history := ctAll(c, 1, func(pg service.Page) ([]domain.AuditEvent, string, error) {
		return c.st.History(c.ctx, p.ID, domain.Ref(domain.EntityGrant, g.ID), pg)
	})
	if got := ids(history, func(e domain.AuditEvent) string { return string(e.Action) }); !slices.Equal(got, []string{"change", "create"}) {
		c.Errorf("the grant's history %v", got)
	}
	if other, _, err := c.st.History(c.ctx, p.ID, domain.Ref(domain.EntityFunder, g.ID), service.Page{}); err != nil || len(other) != 0 {
		c.Errorf("history of another kind of record with the same id: %v %v", other, err)
	}
	_, cursor, err := c.st.History(c.ctx, p.ID, domain.Ref(domain.EntityGrant, g.ID), service.Page{Limit: 1})
	c.ok(err)
	_, _, err = c.st.ListAudit(c.ctx, p.ID, service.AuditFilter{Email: "admin@example.org"}, service.Page{Cursor: cursor})
	ctIs(c, "a history cursor on the audit trail", err, service.ErrBadCursor)
}

func ctIdempotency(c *ct) {
	t0 := time.Now().UTC()
	lease := 30 * time.Second
	begin := func(cl service.Claim, hash string, at time.Time) (*service.SavedAnswer, error) {
		return c.st.BeginIdempotent(c.ctx, cl, hash, at, lease)
	}
	create := func(cl *service.Claim) (domain.Programme, error) {
		p := domain.Programme{ID: domain.NewID(), Name: "Network", LeadOrganisation: "Trust", StartDate: domain.MustDate("2025-01-01"), EndDate: domain.MustDate("2026-12-31")}
		ch := c.change(p.ID, domain.EntityProgramme, p.ID, domain.ActionCreate, nil, p)
		ch.Claim = cl
		return p, c.st.CreateProgramme(c.ctx, p, ch)
	}
	there := func(p domain.Programme) bool {
		_, _, err := c.st.ReadAccess(c.ctx, p.ID, "", service.WebSession{})
		return err == nil
	}

	a := service.Claim{Scope: "sub", Key: "q3 return", ID: "A"}
	b := service.Claim{Scope: "sub", Key: "q3 return", ID: "B"}
	if saved, err := begin(a, "h1", t0); saved != nil || err != nil {
		c.Fatalf("first claim: %v %v", saved, err)
	}
	_, err := begin(b, "h1", t0.Add(time.Second))
	ctIs(c, "the same request while the first runs", err, service.ErrInProgress)
	saved, err := begin(b, "h2", t0.Add(time.Second))
	ctIs(c, "another request with the key", err, service.ErrKeyReused)
	if saved != nil {
		c.Errorf("another request with a key whose first has no answer yet came with one: %+v", saved)
	}
	_, err = begin(b, "h2", t0.Add(time.Hour))
	ctIs(c, "another request after the lease", err, service.ErrKeyReused)
	if saved, err := begin(service.Claim{Scope: "other", Key: a.Key, ID: "Z"}, "h2", t0); saved != nil || err != nil {
		c.Errorf("the same key of another caller: %v %v", saved, err)
	}

	// Released before anything changed: the key is free again.
	c.ok(c.st.AbandonIdempotent(c.ctx, a))
	if saved, err := begin(b, "h1", t0.Add(2*time.Second)); saved != nil || err != nil {
		c.Fatalf("claim after a release: %v %v", saved, err)
	}
	// A change under the claim commits it: releasing it then keeps it.
	p, err := create(&b)
	c.ok(err)
	c.ok(c.st.AbandonIdempotent(c.ctx, b))
	d := service.Claim{Scope: "sub", Key: a.Key, ID: "D"}
	_, err = begin(d, "h1", t0.Add(3*time.Second))
	ctIs(c, "a retry within the committed claim's lease", err, service.ErrInProgress)
	_, err = begin(d, "h1", t0.Add(time.Hour))
	ctIs(c, "a retry after the committed claim's lease", err, service.ErrAnswerLost)
	answer := service.SavedAnswer{Status: 201, Headers: map[string]string{"Location": "/programmes/" + p.ID}, Body: []byte(`{"id":"` + p.ID + `"}`)}
	c.ok(c.st.CompleteIdempotent(c.ctx, b, answer))
	saved, err = begin(d, "h1", t0.Add(time.Hour))
	c.ok(err)
	ctSame(c, "the replayed answer", saved, &answer)
	// Another request with it is refused, and told the first's answer
	// (the key is its caller's own).
	saved, err = begin(d, "h2", t0.Add(time.Hour))
	ctIs(c, "another request with a completed key", err, service.ErrKeyReused)
	ctSame(c, "the first request's answer, with the refusal", saved, &answer)
	if saved, err := begin(d, "h2", t0.Add(25*time.Hour)); saved != nil || err != nil {
		c.Errorf("a key after a day: %v %v, want a fresh claim", saved, err)
	}

	// A claim taken over after its lease cannot commit: its change is
	// refused whole and the claimant holding the key makes it.
	a2 := service.Claim{Scope: "sub", Key: "import", ID: "A2"}
	b2 := service.Claim{Scope: "sub", Key: "import", ID: "B2"}
	c.ok(func() error { _, err := begin(a2, "h", t0); return err }())
	if saved, err := begin(b2, "h", t0.Add(time.Minute)); saved != nil || err != nil {
		c.Fatalf("takeover after the lease: %v %v", saved, err)
	}
	late, err := create(&a2)
	ctIs(c, "a change by the overtaken claimant", err, service.ErrClaimTaken)
	if there(late) {
		c.Error("the overtaken claimant's change was written")
	}
	if events, _, err := c.st.ListAudit(c.ctx, late.ID, service.AuditFilter{}, service.Page{}); err != nil || len(events) != 0 {
		c.Errorf("the refused change wrote audit events: %v %v", events, err)
	}
	ctIs(c, "saving an answer under a claim taken over", c.st.CompleteIdempotent(c.ctx, a2, answer), service.ErrClaimTaken)
	mine, err := create(&b2)
	c.ok(err)
	if !there(mine) {
		c.Error("the holder's change is not there")
	}
	_, err = create(&service.Claim{Scope: "sub", Key: "never begun", ID: "N"})
	ctIs(c, "a change under a claim never made", err, service.ErrClaimTaken)
}

// ctTakeOver: new figures that take over a submission sent back for
// changes (service.Submission.TakesOver) mark it corrected by them, as a
// correction does, in their transaction: a correction of it planned before
// (its return still sent back when read) is refused as a second correction
// is, naming the new figures, and changes nothing; in the other order, new
// figures planned to take over a submission corrected meanwhile are
// refused as a change (service.ErrChanged) and change nothing. Either
// records correctedBy on what it supersedes.
func ctTakeOver(c *ct) {
	p := c.programme()
	a := c.project(p.ID)
	ref := domain.MetricReferrals
	pending := func(replaces *domain.Outcome) domain.Outcome {
		o := ctOutcome(a.ID, "", "2025-07-31", map[domain.Metric]int64{ref: 4})
		if replaces != nil {
			o.Replaces = replaces.ID
		}
		return domain.NewSubmission(o, replaces, true)
	}
	store := func(o domain.Outcome, old *domain.Outcome, takesOver ...domain.Outcome) error {
		action := domain.ActionCreate
		if old != nil {
			action = domain.ActionCorrect
		}
		sub := service.Submission{Outcome: o, Old: old, TakesOver: takesOver, Figures: domain.Submitting(o, old, nil)}
		return c.st.CreateOutcome(c.ctx, p.ID, sub, c.change(p.ID, domain.EntityOutcome, o.ID, action, old, o))
	}
	sendBack := func(o domain.Outcome) domain.Outcome {
		c.Helper()
		after := o
		after.Status = domain.OutcomeChangesRequested
		after.Review = &domain.Review{Decision: domain.DecisionRequestChanges, By: "lead@example.org", At: time.Now().UTC(), Comment: "Check."}
		c.ok(c.st.ReviewOutcome(c.ctx, p.ID, service.OutcomeReview{Before: o, After: after,
			Figures: domain.Reviewing(o, domain.DecisionRequestChanges, nil)}, c.change(p.ID, domain.EntityOutcome, o.ID, domain.ActionReview, o, after)))
		return after
	}
	correctedBy := func(o domain.Outcome) string {
		c.Helper()
		got, ok := ctGet[domain.Outcome](c, p.ID, domain.ProjectRef(domain.EntityOutcome, a.ID, o.ID))
		if !ok {
			c.Fatalf("%s is not there", o.ID)
		}
		return got.CorrectedBy
	}

	sent := pending(nil)
	c.ok(store(sent, nil))
	sent = sendBack(sent)
	n1 := pending(nil)
	c.ok(store(n1, nil, sent))
	if by := correctedBy(sent); by != n1.ID {
		c.Errorf("the submission taken over: correctedBy %q, want %s", by, n1.ID)
	}
	if by, err := c.st.NewestCorrection(c.ctx, p.ID, domain.EntityOutcome, sent.ID); err != nil || by != n1.ID {
		c.Errorf("the newest correction of the submission taken over: %q %v, want %s", by, err, n1.ID)
	}
	late := pending(&sent)
	c.unchanged(p.ID, func() error { return store(late, &sent) }, func(err error) {
		var ce *service.AlreadyCorrectedError
		if !errors.As(err, &ce) || ce.By.ID != n1.ID || ce.Replaced.ID != sent.ID {
			c.Errorf("a correction of the submission taken over: %v, want it already corrected by %s", err, n1.ID)
		}
	})

	// The other order.
	sent2 := pending(nil)
	c.ok(store(sent2, nil))
	sent2 = sendBack(sent2)
	fix := pending(&sent2)
	c.ok(store(fix, &sent2))
	if by := correctedBy(sent2); by != fix.ID {
		c.Errorf("the submission corrected: correctedBy %q, want %s", by, fix.ID)
	}
	n2 := pending(nil)
	c.unchanged(p.ID, func() error { return store(n2, nil, sent2) }, func(err error) {
		if !errors.Is(err, service.ErrChanged) {
			c.Errorf("new figures taking over a submission corrected meanwhile: %v, want ErrChanged", err)
		}
	})
}
