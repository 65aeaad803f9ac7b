package httpapi_test

// The API tests' harness, on shared/testkit: every httpapi.Function mounted
// on one mux as infra/runner mounts them, over a fresh DynamoDB Local table
// (or any store.DB wrapped around one) or, for the tests of rules, over the
// in-memory store (newMemAPI), with the kit's local HS256 tokens and
// request helpers. Here: the cast's short names, the API tests'
// fixture (two programmes) and what little else only this package needs.

import (
	"context"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/platform"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/store"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// The cast. Each test's fixture gives the roles; these are those of the API
// tests' fixture (the delivery, audit and export worlds say theirs).
const (
	uAdmin    = testkit.Admin          // group "admins", no membership
	uLead     = testkit.Lead           // lead of programme 1
	uPLA      = testkit.LeadOfA        // project-lead of project A
	uPLB      = testkit.LeadOfB        // project-lead of project B
	uFunderX  = testkit.FunderOfX      // funder for funder X
	uFunderY  = testkit.FunderOfY      // funder for funder Y
	uFunderN  = "funder-n@example.org" // funder for a funder with no grants (exports)
	uMember   = "member@example.org"   // not a member until a test makes them one (audit)
	uOutsider = testkit.Outsider       // no membership anywhere
	uLead2    = "lead2@example.org"    // lead of programme 2 only
)

// apiH is one running API and what it serves: the stack whose table it
// serves (nil over a table of no stack, newAPIOver) or, over memory
// (newMemAPI), the in-memory store.
type apiH struct {
	*testkit.API
	*testkit.Stack
	mem *testkit.Mem
}

// newAPI starts the API over a fresh stack of its own.
func newAPI(t testing.TB) *apiH {
	t.Helper()
	s := testkit.New(t)
	return &apiH{API: s.API(t), Stack: s}
}

// newMemAPI starts the API over a fresh in-memory store, for the tests of
// rules (roles, refusals): they check what the service decides, which is
// the same over either storage, and the cases are many. The contract with
// DynamoDB is proved once per route over a stack (TestEveryRouteOverDynamoDB).
func newMemAPI(t testing.TB) *apiH {
	t.Helper()
	m := testkit.NewMem(t)
	return &apiH{API: m.API(t), mem: m}
}

// Build returns a Builder over the service the API runs.
func (h *apiH) Build(t testing.TB) *testkit.Builder {
	if h.mem != nil {
		return h.mem.Build(t)
	}
	return h.Stack.Build(t)
}

// claimNotification records a milestone notification as the notifier does
// (no API route makes them), in whichever storage the API runs over.
func (h *apiH) claimNotification(t testing.TB, n domain.Notification) {
	t.Helper()
	var claim func(context.Context, domain.Notification, ...service.Premise) (bool, error)
	if h.mem != nil {
		claim = h.mem.Store.ClaimNotification
	} else {
		claim = h.Stack.Store.ClaimNotification
	}
	if ok, err := claim(context.Background(), n); err != nil || !ok {
		t.Fatalf("claim notification: %v %v", ok, err)
	}
}

// Snapshot is everything the API's storage holds, for SameSnapshot.
func (h *apiH) Snapshot(t testing.TB) []string {
	t.Helper()
	if h.mem != nil {
		return h.mem.Snapshot(t)
	}
	return h.Stack.Snapshot(t)
}

// startAPI starts the API over the stack's tables through db (a wrapper
// of s.DB that watches or injects faults; nil: s.DB itself), as c says.
func startAPI(t testing.TB, s *testkit.Stack, db store.DB, c testkit.APIConfig) *apiH {
	t.Helper()
	if db == nil {
		db = s.DB
	}
	c.Config.Table = s.Table
	return &apiH{API: testkit.NewAPI(t, db, c), Stack: s}
}

// newAPIOver starts the API over any DynamoDB client and table name (a
// missing table, an unreachable endpoint) wired like the runner wires it.
func newAPIOver(t testing.TB, db store.DB, table string) *apiH {
	t.Helper()
	return &apiH{API: testkit.NewAPI(t, db, testkit.APIConfig{Config: platform.Config{Table: table}})}
}

// apiIDed is what the tests read of a listed item.
type apiIDed struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Title string `json:"title"`
}

// ---- the API tests' fixture

// apiFixture is what fixture builds through the service, as admin:
//
//	programme P1: testkit's Core fixture: funders X, Y; projects A, B;
//	  grants X→A, Y→B, X→P1 (programme-wide); members lead@ (lead),
//	  pl-a@ (project-lead A), pl-b@ (project-lead B), funder-x@ (funder X),
//	  funder-y@ (funder Y).
//	  A dated payment and a spend return of each of X→A and Y→B.
//	programme P2: funder Z, project C, grant Z→C; member lead2@ (lead).
type apiFixture struct {
	P1, P2                    string
	X, Y, A, B                string
	GrantXA, GrantYB, GrantXP string
	Z, C, GrantZC             string
	// A dated payment and a spend return of X→A and of Y→B.
	PayXA, PayYB, SpendXA, SpendYB string
}

func (f *apiFixture) p1(rest string) string { return "/programmes/" + f.P1 + rest }
func (f *apiFixture) p2(rest string) string { return "/programmes/" + f.P2 + rest }

var fixtureContacts = map[string]string{"X": testkit.ContactX, "Y": testkit.ContactY}

func (h *apiH) fixture(t testing.TB) *apiFixture {
	t.Helper()
	b := h.Build(t)
	f := &apiFixture{}
	f.P2 = b.Programme(testkit.ProgrammeBody("Programme 2")).ID
	f.Z = b.Funder(f.P2, testkit.FunderBody("Funder Z")).ID
	f.C = b.Project(f.P2, testkit.ProjectBody("Project C")).ID
	f.GrantZC = b.Grant(f.P2, testkit.GrantBody("Z to C", f.Z, f.C, testkit.GrantPence)).ID
	b.Member(f.P2, uLead2, testkit.RoleLead())
	p1 := b.Core("Programme 1")
	f.P1, f.X, f.Y, f.A, f.B = p1.Programme, p1.X, p1.Y, p1.A, p1.B
	f.GrantXA, f.GrantYB, f.GrantXP = p1.GrantXA, p1.GrantYB, p1.GrantXP
	f.PayXA = b.Payment(f.P1, f.GrantXA, testkit.DatedPaymentBody(1_000_000, "2025-06-30")).ID
	f.PayYB = b.Payment(f.P1, f.GrantYB, testkit.DatedPaymentBody(2_000_000, "2025-09-30")).ID
	f.SpendXA = b.Spend(f.P1, f.GrantXA, testkit.SpendBody("2025-04-01", "2025-06-30", "staff", 400_000)).ID
	f.SpendYB = b.Spend(f.P1, f.GrantYB, testkit.SpendBody("2025-04-01", "2025-06-30", "travel", 5_000)).ID
	return f
}
