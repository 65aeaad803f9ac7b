package testkit

import (
	"context"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// The people of the standard fixture, and of the API's tokens: Admin is in
// group "admins" and no programme; Outsider is in none.
const (
	Admin     = "admin@example.org"
	Lead      = "lead@example.org"     // lead of the programme
	LeadOfA   = "pl-a@example.org"     // project lead of project A
	LeadOfB   = "pl-b@example.org"     // project lead of project B
	FunderOfX = "funder-x@example.org" // acts for funder X
	FunderOfY = "funder-y@example.org" // acts for funder Y
	Outsider  = "outsider@example.org" // a member of nothing
)

// The standard fixture's funders' contacts, and what each of its grants awards.
const (
	ContactX   = "grants@x.example.org"
	ContactY   = "grants@y.example.org"
	GrantPence = 3100000
)

// Caller is the identity a request of email in groups would carry.
func Caller(email string, groups ...string) domain.Caller {
	return domain.Caller{Identity: domain.Identity{Subject: "testkit-" + email, Email: email, Groups: groups},
		RequestID: "testkit-" + domain.NewID()}
}

// AdminCaller is Admin, in group "admins".
func AdminCaller() domain.Caller { return Caller(Admin, domain.AdminGroup) }

// Builder makes records through the service, as a request would (checked,
// audited), failing the test at the first refusal. It acts as As.
type Builder struct {
	t   testing.TB
	svc *service.Service
	As  domain.Caller // AdminCaller() unless a test sets another
}

// NewBuilder returns a builder over svc acting as the administrator.
func NewBuilder(t testing.TB, svc *service.Service) *Builder {
	return &Builder{t: t, svc: svc, As: AdminCaller()}
}

func (b *Builder) open(pid string) *service.Scope {
	return b.svc.Open(context.Background(), b.caller(), pid)
}

func (b *Builder) openProject(pid, project string) *service.Scope {
	return b.svc.OpenProject(context.Background(), b.caller(), pid, project)
}

// caller is As with a request id of its own, as each request has. Every
// operation calls it first, so it is where each starts in a millisecond
// of its own (see nextMillisecond).
func (b *Builder) caller() domain.Caller {
	nextMillisecond()
	c := b.As
	c.RequestID = "testkit-" + domain.NewID()
	return c
}

func must[T any](b *Builder, what string, v T, err error) T {
	b.t.Helper()
	if err != nil {
		b.t.Fatalf("testkit: %s: %v", what, err)
	}
	return v
}

// Programme creates a programme from a body such as ProgrammeBody's.
func (b *Builder) Programme(body any) domain.Programme {
	b.t.Helper()
	p, err := b.svc.CreateProgramme(context.Background(), b.caller(), Body(body), nil)
	return must(b, "create programme", p, err)
}

// Funder creates a funder in programme pid.
func (b *Builder) Funder(pid string, body any) domain.Funder {
	b.t.Helper()
	f, err := b.open(pid).CreateFunder(Body(body))
	return must(b, "create funder", f, err)
}

// Project creates a project in programme pid.
func (b *Builder) Project(pid string, body any) domain.Project {
	b.t.Helper()
	p, err := b.open(pid).CreateProject(Body(body))
	return must(b, "create project", p, err)
}

// Member gives email the roles in programme pid.
func (b *Builder) Member(pid, email string, roles ...map[string]string) domain.Member {
	b.t.Helper()
	m, _, err := b.open(pid).PutMember(email, Body(RolesBody(roles...)))
	return must(b, "put member "+email, m, err)
}

// Grant creates a grant in programme pid.
func (b *Builder) Grant(pid string, body any) domain.Grant {
	b.t.Helper()
	g, err := b.open(pid).CreateGrant(Body(body))
	return must(b, "create grant", g, err)
}

// Target creates a target in programme pid.
func (b *Builder) Target(pid string, body any) domain.Target {
	b.t.Helper()
	tg, err := b.open(pid).CreateTarget(Body(body))
	return must(b, "create target", tg, err)
}

// Cohort creates a cohort in a project of programme pid.
func (b *Builder) Cohort(pid, project string, body any) domain.Cohort {
	b.t.Helper()
	c, err := b.openProject(pid, project).CreateCohort(Body(body))
	return must(b, "create cohort", c, err)
}

// Post creates a post in a project of programme pid.
func (b *Builder) Post(pid, project string, body any) domain.Post {
	b.t.Helper()
	p, err := b.openProject(pid, project).CreatePost(Body(body))
	return must(b, "create post", p, err)
}

// Outcome submits an outcome for a project of programme pid.
func (b *Builder) Outcome(pid, project string, body any) domain.Outcome {
	b.t.Helper()
	o, err := b.openProject(pid, project).SubmitOutcome(Body(body))
	return must(b, "submit outcome", o, err)
}

// Payment records a tranche of grant grantID in programme pid.
func (b *Builder) Payment(pid, grantID string, body any) domain.Payment {
	b.t.Helper()
	p, err := b.open(pid).CreatePayment(grantID, Body(body))
	return must(b, "create payment", p, err)
}

// PayNow marks a payment of grant grantID paid on paidDate, whatever its version.
func (b *Builder) PayNow(pid, grantID, paymentID, paidDate string) domain.Payment {
	b.t.Helper()
	p, err := b.open(pid).UpdatePayment(grantID, paymentID, func(int64) bool { return true },
		Body(map[string]any{"status": "paid", "paidDate": paidDate}))
	return must(b, "pay payment", p, err)
}

// Spend submits a spend return on grant grantID in programme pid.
func (b *Builder) Spend(pid, grantID string, body any) domain.SpendReturn {
	b.t.Helper()
	s, err := b.open(pid).SubmitSpend(grantID, Body(body))
	return must(b, "submit spend", s, err)
}

// Fixture is the standard programme's ids:
//
//	funders X (contact ContactX) and Y (ContactY); projects A and B;
//	grants X→A, Y→B and X→the programme (GrantPence each, made in that
//	order); members Lead (lead), LeadOfA, LeadOfB (project leads of A, B),
//	FunderOfX, FunderOfY (funders X, Y). Admin and Outsider are members of
//	nothing.
//	With delivery (Builder.Fixture, Builder.AddDelivery): in A a cohort, a
//	post paid by X→A and two quarters' outcomes (Q2 and Q3 2025); a target
//	of 60 people into work by the end of 2026 that tells X.
type Fixture struct {
	Programme                 string
	X, Y                      string // funders
	A, B                      string // projects
	GrantXA, GrantYB, GrantXP string
	Cohort, Post, Target      string   // "" without delivery
	Outcomes                  []string // A's, oldest first; none without delivery
}

// Path is a path inside the programme: Path("/grants").
func (f *Fixture) Path(rest string) string { return "/programmes/" + f.Programme + rest }

// ProjectPath is a path inside one of its projects: ProjectPath(f.A, "/posts").
func (f *Fixture) ProjectPath(project, rest string) string {
	return "/programmes/" + f.Programme + "/projects/" + project + rest
}

// Fixture builds the standard programme with its delivery records.
func (b *Builder) Fixture(name string) *Fixture {
	b.t.Helper()
	f := b.Core(name)
	b.AddDelivery(f)
	return f
}

// Core builds the standard programme's funders, projects, grants and
// members, without delivery records.
func (b *Builder) Core(name string) *Fixture {
	b.t.Helper()
	f := &Fixture{Programme: b.Programme(ProgrammeBody(name)).ID}
	f.X = b.Funder(f.Programme, FunderBody("Funder X", ContactX)).ID
	f.Y = b.Funder(f.Programme, FunderBody("Funder Y", ContactY)).ID
	f.A = b.Project(f.Programme, ProjectBody("Project A")).ID
	f.B = b.Project(f.Programme, ProjectBody("Project B")).ID
	// In this order, so lists (oldest first) have it too.
	f.GrantXA = b.Grant(f.Programme, GrantBody("X to A", f.X, f.A, GrantPence)).ID
	f.GrantYB = b.Grant(f.Programme, GrantBody("Y to B", f.Y, f.B, GrantPence)).ID
	f.GrantXP = b.Grant(f.Programme, GrantBody("X to the programme", f.X, "", GrantPence)).ID
	b.Member(f.Programme, Lead, RoleLead())
	b.Member(f.Programme, LeadOfA, RoleProjectLead(f.A))
	b.Member(f.Programme, LeadOfB, RoleProjectLead(f.B))
	b.Member(f.Programme, FunderOfX, RoleFunder(f.X))
	b.Member(f.Programme, FunderOfY, RoleFunder(f.Y))
	return f
}

// AddDelivery adds the delivery records to a Core fixture.
func (b *Builder) AddDelivery(f *Fixture) {
	b.t.Helper()
	f.Cohort = b.Cohort(f.Programme, f.A, CohortBody(4)).ID
	f.Post = b.Post(f.Programme, f.A, PostBody(f.GrantXA, "filled")).ID
	f.Target = b.Target(f.Programme, map[string]any{"metric": "peopleIntoWork", "value": 60, "deadline": "2026-12-31",
		"notify": []string{f.X}}).ID
	for _, q := range [][2]string{{"2025-04-01", "2025-06-30"}, {"2025-07-01", "2025-09-30"}} {
		o := b.Outcome(f.Programme, f.A, OutcomeBody(map[string]int{"referrals": 40, "peopleIntoWork": 12},
			"periodStart", q[0], "periodEnd", q[1]))
		f.Outcomes = append(f.Outcomes, o.ID)
	}
}
