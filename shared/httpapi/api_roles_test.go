package httpapi_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/httpapi"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// rolesTableFunctions are the API functions whose every route TestAPIRoles covers.
var rolesTableFunctions = []string{"programmes", "grants", "reporting"}

// apiRoles are the callers every route is tried with.
var apiRoles = []struct{ name, email string }{
	{"admin", uAdmin}, {"lead", uLead}, {"pl-a", uPLA}, {"funder-x", uFunderX}, {"outsider", uOutsider},
}

// byRole lists the expected status for admin, lead, pl-a, funder-x, outsider.
func byRole(admin, lead, plA, funderX, outsider int) map[string]int {
	return map[string]int{"admin": admin, "lead": lead, "pl-a": plA, "funder-x": funderX, "outsider": outsider}
}

// roleCase is one request tried by every role. read cases run against a
// fixture nobody writes to, so their answers can be checked exactly; write
// cases get their own fixture and, where they need one, a target of their own
// made by setup, so no two cases see each other's writes.
type roleCase struct {
	route string // the httpapi route pattern this case covers
	name  string
	write bool
	want  map[string]int
	// setup (optional, as admin) makes what the request acts on and returns
	// a value handed to req, ok and refused.
	setup func(t *testing.T, h *apiH, f *apiFixture, role string) string
	req   func(f *apiFixture, role, target string) testkit.Req
	// ok checks a successful answer; refused checks a refused write
	// changed nothing.
	ok      func(t *testing.T, h *apiH, f *apiFixture, role, target string, r testkit.Resp)
	refused func(t *testing.T, h *apiH, f *apiFixture, role, target string)
}

// roleCases lists the cases; every route of httpapi.Functions must have one.
func roleCases() []roleCase {
	const ok, created, noContent, forbidden, notFound = 200, 201, 204, 403, 404
	all := func(s int) map[string]int { return byRole(s, s, s, s, s) }
	get := func(path func(f *apiFixture) string) func(*apiFixture, string, string) testkit.Req {
		return func(f *apiFixture, role, _ string) testkit.Req {
			return testkit.Req{Method: "GET", Path: path(f), As: emailOf(role)}
		}
	}
	// noneNamed checks, as admin, that no item of a list carries name (a
	// refused create stored nothing).
	noneNamed := func(list func(f *apiFixture) string) func(*testing.T, *apiH, *apiFixture, string, string) {
		return func(t *testing.T, h *apiH, f *apiFixture, _, name string) {
			for _, it := range testkit.ListAll[apiIDed](t, h, uAdmin, list(f)) {
				if it.Name == name || it.Title == name {
					t.Fatalf("refused create was stored anyway: %+v", it)
				}
			}
		}
	}
	oneNamed := func(list func(f *apiFixture) string) func(*testing.T, *apiH, *apiFixture, string, string, testkit.Resp) {
		return func(t *testing.T, h *apiH, f *apiFixture, _, name string, r testkit.Resp) {
			got := testkit.Decode[apiIDed](t, r)
			n := 0
			for _, it := range testkit.ListAll[apiIDed](t, h, uAdmin, list(f)) {
				if it.Name == name || it.Title == name {
					n++
					if it.ID != got.ID {
						t.Fatalf("stored item %s, answered %s", it.ID, got.ID)
					}
				}
			}
			if n != 1 {
				t.Fatalf("%d items named %q stored, want 1", n, name)
			}
			if loc := r.Header.Get("Location"); loc != list(f)+"/"+got.ID {
				t.Fatalf("Location = %q, want %q", loc, list(f)+"/"+got.ID)
			}
		}
	}
	uniqName := func(what string) func(*testing.T, *apiH, *apiFixture, string) string {
		return func(_ *testing.T, h *apiH, _ *apiFixture, role string) string { return h.Uniq(what + " by " + role) }
	}
	// grant cases: a fresh grant per role, so PATCHes never meet.
	freshGrant := func(funder, project func(f *apiFixture) string) func(*testing.T, *apiH, *apiFixture, string) string {
		return func(t *testing.T, h *apiH, f *apiFixture, role string) string {
			id, _ := h.Create(t, uAdmin, f.p1("/grants"), testkit.GrantBody(h.Uniq("grant for "+role), funder(f), project(f), testkit.GrantPence))
			return id
		}
	}
	patchGrant := func(f *apiFixture, role, id string) testkit.Req {
		return testkit.Req{Method: "PATCH", Path: f.p1("/grants/" + id), As: emailOf(role),
			Body: map[string]any{"title": "changed by " + role, "amountPence": 4200}, Header: map[string]string{"If-Match": `"1"`}}
	}
	patched := func(t *testing.T, h *apiH, f *apiFixture, role, id string, r testkit.Resp) {
		if et := r.Header.Get("ETag"); et != `"2"` {
			t.Fatalf("ETag after PATCH = %q, want \"2\"", et)
		}
		g := testkit.Decode[domain.Grant](t, h.Want(t, ok, testkit.Req{Method: "GET", Path: f.p1("/grants/" + id), As: uAdmin}))
		if g.Title != "changed by "+role || g.AmountPence != 4200 || g.Version != 2 {
			t.Fatalf("after PATCH the grant is %+v", g)
		}
	}
	grantUnchanged := func(t *testing.T, h *apiH, f *apiFixture, role, id string) {
		r := h.Want(t, ok, testkit.Req{Method: "GET", Path: f.p1("/grants/" + id), As: uAdmin})
		g := testkit.Decode[domain.Grant](t, r)
		if r.Header.Get("ETag") != `"1"` || g.Version != 1 || !strings.HasPrefix(g.Title, "grant for "+role+" ") || g.AmountPence != 3100000 {
			t.Fatalf("refused PATCH changed the grant: ETag %s, %+v", r.Header.Get("ETag"), g)
		}
	}
	memberPath := func(f *apiFixture, email string) string {
		return f.p1("/members/" + url.PathEscape(email))
	}

	return append([]roleCase{
		{route: "GET /health", name: "with token", want: all(ok),
			req: get(func(*apiFixture) string { return "/health" }),
			ok: func(t *testing.T, h *apiH, f *apiFixture, role, _ string, r testkit.Resp) {
				if v := testkit.Decode[map[string]string](t, r); v["status"] != "ok" {
					t.Fatalf("health = %v", v)
				}
			}},

		{route: "POST /programmes", write: true, want: byRole(created, forbidden, forbidden, forbidden, forbidden),
			setup: uniqName("programme"),
			req: func(f *apiFixture, role, name string) testkit.Req {
				return testkit.Req{Method: "POST", Path: "/programmes", As: emailOf(role), Body: testkit.ProgrammeBody(name)}
			},
			ok:      oneNamed(func(*apiFixture) string { return "/programmes" }),
			refused: noneNamed(func(*apiFixture) string { return "/programmes" })},

		{route: "GET /programmes", want: all(ok), req: get(func(*apiFixture) string { return "/programmes" }),
			ok: func(t *testing.T, h *apiH, f *apiFixture, role, _ string, r testkit.Resp) {
				got := testkit.IDs(t, h, emailOf(role), "/programmes")
				switch role {
				case "admin":
					if !slices.Contains(got, f.P1) || !slices.Contains(got, f.P2) {
						t.Fatalf("admin's programmes %v lack %s or %s", got, f.P1, f.P2)
					}
				case "outsider":
					if len(got) != 0 || !strings.Contains(string(r.Body), `"items":[]`) {
						t.Fatalf("outsider's programmes = %s, want items: []", r.Body)
					}
				default:
					if !slices.Contains(got, f.P1) || slices.Contains(got, f.P2) {
						t.Fatalf("%s's programmes %v: want %s and not %s", role, got, f.P1, f.P2)
					}
				}
			}},

		// A portfolio: each person's programmes, with the money of the
		// grants they may read (P1 holds X to A, Y to B and X to the
		// whole programme).
		{route: "GET /portfolio", want: all(ok), req: get(func(*apiFixture) string { return "/portfolio?limit=100" }),
			ok: func(t *testing.T, h *apiH, f *apiFixture, role, _ string, r testkit.Resp) {
				items := testkit.ListAll[domain.PortfolioItem](t, h, emailOf(role), "/portfolio")
				byID := map[string]domain.PortfolioItem{}
				for _, it := range items {
					byID[it.ProgrammeID] = it
				}
				want := map[string]int64{"admin": 3, "lead": 3, "pl-a": 1, "funder-x": 2}[role] * testkit.GrantPence
				switch role {
				case "outsider":
					if len(items) != 0 || !strings.Contains(string(r.Body), `"items":[]`) {
						t.Fatalf("outsider's portfolio = %s, want items: []", r.Body)
					}
					return
				case "admin":
					if _, ok := byID[f.P2]; !ok {
						t.Fatalf("admin's portfolio lacks %s", f.P2)
					}
				default:
					// Write cases build fixtures of their own with the same
					// people: programme 2 is the one they must not see.
					if _, ok := byID[f.P2]; ok {
						t.Fatalf("%s's portfolio %+v holds programme 2", role, items)
					}
				}
				if it, ok := byID[f.P1]; !ok || it.AwardedPence != want || it.Name != "Programme 1" {
					t.Fatalf("%s's line for programme 1: %+v, want %d awarded", role, it, want)
				}
			}},
		{route: "GET /programmes/{programmeId}", name: "own programme", want: byRole(ok, ok, ok, ok, notFound),
			req: get(func(f *apiFixture) string { return f.p1("") }),
			ok: func(t *testing.T, h *apiH, f *apiFixture, role, _ string, r testkit.Resp) {
				if p := testkit.Decode[domain.Programme](t, r); p.ID != f.P1 || p.Name != "Programme 1" {
					t.Fatalf("got programme %+v", p)
				}
			}},
		{route: "GET /programmes/{programmeId}", name: "another programme", want: byRole(ok, notFound, notFound, notFound, notFound),
			req: get(func(f *apiFixture) string { return f.p2("") })},
		{route: "GET /programmes/{programmeId}", name: "no such programme", want: all(notFound),
			req: get(func(f *apiFixture) string { return "/programmes/" + domain.NewID() })},
		{route: "GET /programmes/{programmeId}", name: "not an id", want: all(notFound),
			req: get(func(f *apiFixture) string { return "/programmes/%2e%2e" })},

		{route: "GET /programmes/{programmeId}/members", want: byRole(ok, ok, forbidden, forbidden, notFound),
			req: get(func(f *apiFixture) string { return f.p1("/members") }),
			ok: func(t *testing.T, h *apiH, f *apiFixture, role, _ string, r testkit.Resp) {
				var got []string
				for _, m := range testkit.ListAll[domain.Member](t, h, emailOf(role), f.p1("/members")) {
					got = append(got, m.Email)
				}
				if want := []string{uLead, uPLA, uPLB, uFunderX, uFunderY}; !testkit.SameSet(got, want) {
					t.Fatalf("members = %v, want %v", got, want)
				}
			}},

		{route: "GET /programmes/{programmeId}/members/{email}", name: "another member", want: byRole(ok, ok, notFound, notFound, notFound),
			req: get(func(f *apiFixture) string { return memberPath(f, uPLB) }),
			ok: func(t *testing.T, h *apiH, f *apiFixture, role, _ string, r testkit.Resp) {
				m := testkit.Decode[domain.Member](t, r)
				if m.Email != uPLB || len(m.Roles) != 1 || m.Roles[0] != (domain.Role{Role: domain.RoleProjectLead, ProjectID: f.B}) {
					t.Fatalf("member = %+v", m)
				}
			}},
		{route: "GET /programmes/{programmeId}/members/{email}", name: "self", want: byRole(notFound, ok, ok, ok, notFound),
			req: func(f *apiFixture, role, _ string) testkit.Req {
				return testkit.Req{Method: "GET", Path: memberPath(f, emailOf(role)), As: emailOf(role)}
			},
			ok: func(t *testing.T, h *apiH, f *apiFixture, role, _ string, r testkit.Resp) {
				if m := testkit.Decode[domain.Member](t, r); m.Email != emailOf(role) || len(m.Roles) != 1 {
					t.Fatalf("member = %+v", m)
				}
			}},
		{route: "GET /programmes/{programmeId}/members/{email}", name: "self in capitals", want: byRole(notFound, ok, ok, ok, notFound),
			req: func(f *apiFixture, role, _ string) testkit.Req {
				return testkit.Req{Method: "GET", Path: memberPath(f, strings.ToUpper(emailOf(role))), As: emailOf(role)}
			}},
		{route: "GET /programmes/{programmeId}/members/{email}", name: "member of another programme", want: all(notFound),
			req: get(func(f *apiFixture) string { return memberPath(f, uLead2) })},

		{route: "PUT /programmes/{programmeId}/members/{email}", write: true, want: byRole(created, created, forbidden, forbidden, notFound),
			setup: func(_ *testing.T, h *apiH, _ *apiFixture, role string) string {
				return strings.ReplaceAll(h.Uniq("new-"+role), " ", "-") + "@example.org"
			},
			req: func(f *apiFixture, role, email string) testkit.Req {
				return testkit.Req{Method: "PUT", Path: memberPath(f, email), As: emailOf(role),
					Body: map[string]any{"roles": []any{testkit.RoleProjectLead(f.A)}}}
			},
			ok: func(t *testing.T, h *apiH, f *apiFixture, role, email string, r testkit.Resp) {
				if loc := r.Header.Get("Location"); loc != memberPath(f, email) {
					t.Fatalf("Location = %q", loc)
				}
				m := testkit.Decode[domain.Member](t, h.Want(t, ok, testkit.Req{Method: "GET", Path: memberPath(f, email), As: uAdmin}))
				if len(m.Roles) != 1 || m.Roles[0].ProjectID != f.A || m.UpdatedBy != emailOf(role) {
					t.Fatalf("stored member = %+v", m)
				}
				// The new member now sees the programme.
				h.Want(t, ok, testkit.Req{Method: "GET", Path: f.p1(""), As: email})
			},
			refused: func(t *testing.T, h *apiH, f *apiFixture, _, email string) {
				h.Want(t, notFound, testkit.Req{Method: "GET", Path: memberPath(f, email), As: uAdmin})
				h.Want(t, notFound, testkit.Req{Method: "GET", Path: f.p1(""), As: email})
			}},

		{route: "DELETE /programmes/{programmeId}/members/{email}", write: true, want: byRole(noContent, noContent, forbidden, forbidden, notFound),
			setup: func(t *testing.T, h *apiH, f *apiFixture, role string) string {
				email := strings.ReplaceAll(h.Uniq("victim-"+role), " ", "-") + "@example.org"
				h.PutMember(t, f.P1, email, testkit.RoleFunder(f.Y))
				return email
			},
			req: func(f *apiFixture, role, email string) testkit.Req {
				return testkit.Req{Method: "DELETE", Path: memberPath(f, email), As: emailOf(role)}
			},
			ok: func(t *testing.T, h *apiH, f *apiFixture, _, email string, r testkit.Resp) {
				if len(r.Body) != 0 {
					t.Fatalf("204 with a body: %s", r.Body)
				}
				h.Want(t, notFound, testkit.Req{Method: "GET", Path: memberPath(f, email), As: uAdmin})
				h.Want(t, notFound, testkit.Req{Method: "GET", Path: f.p1(""), As: email})
			},
			refused: func(t *testing.T, h *apiH, f *apiFixture, _, email string) {
				m := testkit.Decode[domain.Member](t, h.Want(t, ok, testkit.Req{Method: "GET", Path: memberPath(f, email), As: uAdmin}))
				if len(m.Roles) != 1 || m.Roles[0].FunderID != f.Y || m.UpdatedBy != uAdmin {
					t.Fatalf("refused DELETE changed the member: %+v", m)
				}
				h.Want(t, ok, testkit.Req{Method: "GET", Path: f.p1(""), As: email})
			}},

		{route: "POST /programmes/{programmeId}/funders", write: true, want: byRole(created, created, forbidden, forbidden, notFound),
			setup: uniqName("funder"),
			req: func(f *apiFixture, role, name string) testkit.Req {
				return testkit.Req{Method: "POST", Path: f.p1("/funders"), As: emailOf(role), Body: testkit.FunderBody(name)}
			},
			ok:      oneNamed(func(f *apiFixture) string { return f.p1("/funders") }),
			refused: noneNamed(func(f *apiFixture) string { return f.p1("/funders") })},

		{route: "GET /programmes/{programmeId}/funders", want: byRole(ok, ok, ok, ok, notFound),
			req: get(func(f *apiFixture) string { return f.p1("/funders") }),
			ok: func(t *testing.T, h *apiH, f *apiFixture, role, _ string, r testkit.Resp) {
				fs := testkit.Decode[testkit.List[domain.Funder]](t, r).Items
				var got []string
				for _, fu := range fs {
					got = append(got, fu.ID)
					checkContacts(t, f, role, fu)
				}
				if !slices.Equal(got, []string{f.X, f.Y}) {
					t.Fatalf("funders = %v, want [X Y] = %v", got, []string{f.X, f.Y})
				}
			}},

		{route: "GET /programmes/{programmeId}/funders/{funderId}", name: "X", want: byRole(ok, ok, ok, ok, notFound),
			req: get(func(f *apiFixture) string { return f.p1("/funders/" + f.X) }),
			ok: func(t *testing.T, h *apiH, f *apiFixture, role, _ string, r testkit.Resp) {
				fu := testkit.Decode[domain.Funder](t, r)
				if fu.ID != f.X {
					t.Fatalf("got funder %+v", fu)
				}
				checkContacts(t, f, role, fu)
			}},
		{route: "GET /programmes/{programmeId}/funders/{funderId}", name: "Y", want: byRole(ok, ok, ok, ok, notFound),
			req: get(func(f *apiFixture) string { return f.p1("/funders/" + f.Y) }),
			ok: func(t *testing.T, h *apiH, f *apiFixture, role, _ string, r testkit.Resp) {
				checkContacts(t, f, role, testkit.Decode[domain.Funder](t, r))
			}},
		{route: "GET /programmes/{programmeId}/funders/{funderId}", name: "funder of another programme", want: all(notFound),
			req: get(func(f *apiFixture) string { return f.p1("/funders/" + f.Z) })},
		// A fresh funder for each role, so each change starts from version 1.
		{route: "PATCH /programmes/{programmeId}/funders/{funderId}", write: true, want: byRole(ok, ok, forbidden, forbidden, notFound),
			setup: func(t *testing.T, h *apiH, f *apiFixture, role string) string {
				id, _ := h.Create(t, uAdmin, f.p1("/funders"), testkit.FunderBody("Funder for "+role))
				return id
			},
			req: func(f *apiFixture, role, id string) testkit.Req {
				return testkit.Request("PATCH", f.p1("/funders/"+id), emailOf(role), map[string]any{"name": "Renamed by " + role}, "If-Match", `"1"`)
			},
			ok: func(t *testing.T, h *apiH, f *apiFixture, role, id string, r testkit.Resp) {
				if fu := testkit.Decode[domain.Funder](t, r); fu.Name != "Renamed by "+role || fu.Version != 2 {
					t.Fatalf("changed funder %+v", fu)
				}
			},
			refused: func(t *testing.T, h *apiH, f *apiFixture, role, id string) {
				if fu := testkit.Decode[domain.Funder](t, h.Want(t, 200, testkit.Request("GET", f.p1("/funders/"+id), uAdmin, nil))); fu.Version != 1 {
					t.Fatalf("a refused change changed the funder: %+v", fu)
				}
			}},

		{route: "POST /programmes/{programmeId}/projects", write: true, want: byRole(created, created, forbidden, forbidden, notFound),
			setup: uniqName("project"),
			req: func(f *apiFixture, role, name string) testkit.Req {
				return testkit.Req{Method: "POST", Path: f.p1("/projects"), As: emailOf(role), Body: testkit.ProjectBody(name)}
			},
			ok:      oneNamed(func(f *apiFixture) string { return f.p1("/projects") }),
			refused: noneNamed(func(f *apiFixture) string { return f.p1("/projects") })},

		{route: "GET /programmes/{programmeId}/projects", want: byRole(ok, ok, ok, ok, notFound),
			req: get(func(f *apiFixture) string { return f.p1("/projects") }),
			ok: func(t *testing.T, h *apiH, f *apiFixture, role, _ string, r testkit.Resp) {
				if got := testkit.IDs(t, h, emailOf(role), f.p1("/projects")); !slices.Equal(got, []string{f.A, f.B}) {
					t.Fatalf("projects = %v, want [A B] = %v", got, []string{f.A, f.B})
				}
			}},

		{route: "GET /programmes/{programmeId}/projects/{projectId}", name: "A", want: byRole(ok, ok, ok, ok, notFound),
			req: get(func(f *apiFixture) string { return f.p1("/projects/" + f.A) }),
			ok: func(t *testing.T, h *apiH, f *apiFixture, role, _ string, r testkit.Resp) {
				if p := testkit.Decode[domain.Project](t, r); p.ID != f.A || p.Name != "Project A" {
					t.Fatalf("got project %+v", p)
				}
			}},
		{route: "GET /programmes/{programmeId}/projects/{projectId}", name: "project of another programme", want: all(notFound),
			req: get(func(f *apiFixture) string { return f.p1("/projects/" + f.C) })},
		{route: "PATCH /programmes/{programmeId}/projects/{projectId}", write: true, want: byRole(ok, ok, forbidden, forbidden, notFound),
			setup: func(t *testing.T, h *apiH, f *apiFixture, role string) string {
				id, _ := h.Create(t, uAdmin, f.p1("/projects"), testkit.ProjectBody("Project for "+role))
				return id
			},
			req: func(f *apiFixture, role, id string) testkit.Req {
				return testkit.Request("PATCH", f.p1("/projects/"+id), emailOf(role), map[string]any{"orgId": "GB-NHS-TAD"}, "If-Match", `"1"`)
			},
			ok: func(t *testing.T, h *apiH, f *apiFixture, role, id string, r testkit.Resp) {
				if p := testkit.Decode[domain.Project](t, r); p.OrgID != "GB-NHS-TAD" || p.Version != 2 {
					t.Fatalf("changed project %+v", p)
				}
			},
			refused: func(t *testing.T, h *apiH, f *apiFixture, role, id string) {
				if p := testkit.Decode[domain.Project](t, h.Want(t, 200, testkit.Request("GET", f.p1("/projects/"+id), uAdmin, nil))); p.Version != 1 {
					t.Fatalf("a refused change changed the project: %+v", p)
				}
			}},

		{route: "POST /programmes/{programmeId}/grants", write: true, want: byRole(created, created, forbidden, forbidden, notFound),
			setup: uniqName("grant"),
			req: func(f *apiFixture, role, title string) testkit.Req {
				return testkit.Req{Method: "POST", Path: f.p1("/grants"), As: emailOf(role), Body: testkit.GrantBody(title, f.X, f.A, testkit.GrantPence)}
			},
			ok: func(t *testing.T, h *apiH, f *apiFixture, role, title string, r testkit.Resp) {
				if et := r.Header.Get("ETag"); et != `"1"` {
					t.Fatalf("ETag of a new grant = %q, want \"1\"", et)
				}
				oneNamed(func(f *apiFixture) string { return f.p1("/grants") })(t, h, f, role, title, r)
			},
			refused: noneNamed(func(f *apiFixture) string { return f.p1("/grants") })},

		{route: "GET /programmes/{programmeId}/grants", want: byRole(ok, ok, ok, ok, notFound),
			req: get(func(f *apiFixture) string { return f.p1("/grants") }),
			ok: func(t *testing.T, h *apiH, f *apiFixture, role, _ string, r testkit.Resp) {
				want := map[string][]string{
					"admin":    {f.GrantXA, f.GrantYB, f.GrantXP},
					"lead":     {f.GrantXA, f.GrantYB, f.GrantXP},
					"pl-a":     {f.GrantXA},
					"funder-x": {f.GrantXA, f.GrantXP},
				}[role]
				if got := testkit.IDs(t, h, emailOf(role), f.p1("/grants")); !slices.Equal(got, want) {
					t.Fatalf("%s's grants = %v, want %v (oldest first)", role, got, want)
				}
			}},

		{route: "GET /programmes/{programmeId}/grants.csv", want: byRole(ok, ok, ok, ok, notFound),
			req: get(func(f *apiFixture) string { return f.p1("/grants.csv") }),
			ok:  exportShows("text/csv")},
		{route: "GET /programmes/{programmeId}/grants/360giving", want: byRole(ok, ok, ok, ok, notFound),
			req: get(func(f *apiFixture) string { return f.p1("/grants/360giving") }),
			ok:  exportShows("application/json")},

		{route: "GET /openapi.json", want: all(ok),
			req: get(func(*apiFixture) string { return "/openapi.json" }),
			ok: func(t *testing.T, h *apiH, f *apiFixture, role, _ string, r testkit.Resp) {
				if v := testkit.Decode[map[string]any](t, r); v["openapi"] == nil || v["paths"] == nil {
					t.Fatalf("not an OpenAPI document: %.200s", r.Body)
				}
			}},

		{route: "GET /programmes/{programmeId}/grants/{grantId}", name: "X to A", want: byRole(ok, ok, ok, ok, notFound),
			req: get(func(f *apiFixture) string { return f.p1("/grants/" + f.GrantXA) }),
			ok:  grantRead(func(f *apiFixture) string { return f.GrantXA })},
		{route: "GET /programmes/{programmeId}/grants/{grantId}", name: "Y to B", want: byRole(ok, ok, notFound, notFound, notFound),
			req: get(func(f *apiFixture) string { return f.p1("/grants/" + f.GrantYB) }),
			ok:  grantRead(func(f *apiFixture) string { return f.GrantYB })},
		{route: "GET /programmes/{programmeId}/grants/{grantId}", name: "X to the programme", want: byRole(ok, ok, notFound, ok, notFound),
			req: get(func(f *apiFixture) string { return f.p1("/grants/" + f.GrantXP) }),
			ok:  grantRead(func(f *apiFixture) string { return f.GrantXP })},
		{route: "GET /programmes/{programmeId}/grants/{grantId}", name: "grant of another programme", want: all(notFound),
			req: get(func(f *apiFixture) string { return f.p1("/grants/" + f.GrantZC) })},

		{route: "PATCH /programmes/{programmeId}/grants/{grantId}", name: "grant X to A", write: true,
			want:  byRole(ok, ok, forbidden, forbidden, notFound),
			setup: freshGrant(func(f *apiFixture) string { return f.X }, func(f *apiFixture) string { return f.A }),
			req:   patchGrant, ok: patched, refused: grantUnchanged},
		{route: "PATCH /programmes/{programmeId}/grants/{grantId}", name: "grant Y to B", write: true,
			want:  byRole(ok, ok, notFound, notFound, notFound),
			setup: freshGrant(func(f *apiFixture) string { return f.Y }, func(f *apiFixture) string { return f.B }),
			req:   patchGrant, ok: patched, refused: grantUnchanged},
	}, append(moneyRoleCases(), reportingRoleCases()...)...)
}

func emailOf(role string) string {
	for _, r := range apiRoles {
		if r.name == role {
			return r.email
		}
	}
	panic("unknown role " + role)
}

// checkContacts: a funder's contacts are shown to admins, leads and that
// funder's own people, and hidden from everyone else.
func checkContacts(t *testing.T, f *apiFixture, role string, fu domain.Funder) {
	t.Helper()
	name := map[string]string{f.X: "X", f.Y: "Y"}[fu.ID]
	visible := role == "admin" || role == "lead" || (role == "funder-x" && name == "X")
	switch {
	case visible && !slices.Equal(fu.Contacts, []string{fixtureContacts[name]}):
		t.Errorf("%s should see funder %s's contacts, got %v", role, name, fu.Contacts)
	case !visible && len(fu.Contacts) != 0:
		t.Errorf("%s must not see funder %s's contacts, got %v", role, name, fu.Contacts)
	}
}

// exportShows checks a grant export holds exactly the grants the role may
// read (by id) and no funder contact the role may not see.
func exportShows(contentType string) func(*testing.T, *apiH, *apiFixture, string, string, testkit.Resp) {
	return func(t *testing.T, h *apiH, f *apiFixture, role, _ string, r testkit.Resp) {
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, contentType) {
			t.Fatalf("Content-Type = %q, want %s", ct, contentType)
		}
		readable := map[string][]string{
			"admin":    {f.GrantXA, f.GrantYB, f.GrantXP},
			"lead":     {f.GrantXA, f.GrantYB, f.GrantXP},
			"pl-a":     {f.GrantXA},
			"funder-x": {f.GrantXA, f.GrantXP},
		}[role]
		body := string(r.Body)
		for _, g := range []string{f.GrantXA, f.GrantYB, f.GrantXP, f.GrantZC} {
			if want := slices.Contains(readable, g); strings.Contains(body, g) != want {
				t.Errorf("%s's export holds grant %s = %v, want %v", role, g, !want, want)
			}
		}
		for name, contact := range fixtureContacts {
			visible := role == "admin" || role == "lead" || (role == "funder-x" && name == "X")
			if !visible && strings.Contains(body, contact) {
				t.Errorf("%s's export shows funder %s's contact %s", role, name, contact)
			}
		}
	}
}

func grantRead(id func(f *apiFixture) string) func(*testing.T, *apiH, *apiFixture, string, string, testkit.Resp) {
	return func(t *testing.T, h *apiH, f *apiFixture, role, _ string, r testkit.Resp) {
		g := testkit.Decode[domain.Grant](t, r)
		if g.ID != id(f) || g.Version != 1 {
			t.Fatalf("got grant %+v", g)
		}
		if et := r.Header.Get("ETag"); et != `"1"` {
			t.Fatalf("ETag = %q, want \"1\"", et)
		}
	}
}

// TestAPIRoles tries every route of the API with every role and checks the
// SPEC's roles table, and that a refused write stored nothing. A route with
// no case fails the test, so a new route cannot go untested.
func TestAPIRoles(t *testing.T) {
	t.Parallel()
	cases := roleCases()

	// Every route of the functions this table covers; other functions'
	// routes are covered by their own tests.
	routes := map[string]bool{}
	found := map[string]bool{}
	for _, fn := range httpapi.Functions(httpapi.Deps{}) {
		if !slices.Contains(rolesTableFunctions, fn.Name) {
			continue
		}
		found[fn.Name] = true
		for _, r := range fn.Routes {
			routes[r] = true
		}
	}
	for _, name := range rolesTableFunctions {
		if !found[name] {
			t.Errorf("httpapi.Functions has no function %q", name)
		}
	}
	covered := map[string]bool{}
	for _, c := range cases {
		if !routes[c.route] {
			t.Errorf("case %q %q names a route the API does not have", c.route, c.name)
		}
		covered[c.route] = true
		for _, r := range apiRoles {
			if _, ok := c.want[r.name]; !ok {
				t.Errorf("case %q %q has no expected status for %s", c.route, c.name, r.name)
			}
		}
		refuses := false
		for _, st := range c.want {
			refuses = refuses || st >= 400
		}
		if c.write && refuses && c.refused == nil {
			t.Errorf("write case %q %q does not check that refused writes store nothing", c.route, c.name)
		}
	}
	for r := range routes {
		if !covered[r] {
			t.Errorf("route %q has no roles case: add one to roleCases", r)
		}
	}
	if t.Failed() {
		t.FailNow()
	}

	// Over memory: the table is the service's rules; TestEveryRouteOverDynamoDB
	// proves each route end to end over DynamoDB.
	h := newMemAPI(t)
	read := h.fixture(t)  // nobody writes to this one
	write := h.fixture(t) // write cases act here, each on its own target

	for _, c := range cases {
		name := c.route
		if c.name != "" {
			name += " " + c.name
		}
		t.Run(name, func(t *testing.T) {
			f := read
			if c.write {
				f = write
			}
			for _, r := range apiRoles {
				t.Run(r.name, func(t *testing.T) {
					target := ""
					if c.setup != nil {
						target = c.setup(t, h, f, r.name)
					}
					req := c.req(f, r.name, target)
					resp := h.Do(t, req)
					want := c.want[r.name]
					if resp.Status != want {
						t.Fatalf("%s %s as %s: got %s, want %d", req.Method, req.Path, r.name, resp, want)
					}
					switch {
					case want >= 400:
						code := map[int]string{403: "forbidden", 404: "not_found", 409: "conflict"}[want]
						testkit.WantErr(t, resp, want, code)
						if c.refused != nil {
							c.refused(t, h, f, r.name, target)
						}
					case c.ok != nil:
						c.ok(t, h, f, r.name, target, resp)
					}
				})
			}
		})
	}
}

// TestAPIRolesOtherMembers checks the roles table for the members the main
// table does not use: pl-b and funder-y see their own grants and contacts
// only, and a lead of one programme is a stranger to another.
func TestAPIRolesOtherMembers(t *testing.T) {
	t.Parallel()
	h := newMemAPI(t)
	f := h.fixture(t)

	if got := testkit.IDs(t, h, uPLB, f.p1("/grants")); !slices.Equal(got, []string{f.GrantYB}) {
		t.Errorf("pl-b's grants = %v, want only Y to B %s", got, f.GrantYB)
	}
	if got := testkit.IDs(t, h, uFunderY, f.p1("/grants")); !slices.Equal(got, []string{f.GrantYB}) {
		t.Errorf("funder-y's grants = %v, want only Y to B %s", got, f.GrantYB)
	}
	for _, g := range []string{f.GrantXA, f.GrantXP} {
		testkit.WantErr(t, h.Do(t, testkit.Req{Method: "GET", Path: f.p1("/grants/" + g), As: uPLB}), 404, "not_found")
		testkit.WantErr(t, h.Do(t, testkit.Req{Method: "GET", Path: f.p1("/grants/" + g), As: uFunderY}), 404, "not_found")
	}
	h.Want(t, 200, testkit.Req{Method: "GET", Path: f.p1("/grants/" + f.GrantYB), As: uFunderY})

	// funder-y sees Y's contacts, not X's.
	for _, fu := range testkit.ListAll[domain.Funder](t, h, uFunderY, f.p1("/funders")) {
		switch fu.ID {
		case f.Y:
			if !slices.Equal(fu.Contacts, []string{fixtureContacts["Y"]}) {
				t.Errorf("funder-y should see Y's contacts, got %v", fu.Contacts)
			}
		case f.X:
			if len(fu.Contacts) != 0 {
				t.Errorf("funder-y must not see X's contacts, got %v", fu.Contacts)
			}
		}
	}
	x := testkit.Decode[domain.Funder](t, h.Want(t, 200, testkit.Req{Method: "GET", Path: f.p1("/funders/" + f.X), As: uFunderY}))
	if len(x.Contacts) != 0 {
		t.Errorf("funder-y must not see X's contacts, got %v", x.Contacts)
	}

	// The lead of programme 2 is a stranger in programme 1, and the reverse.
	for _, p := range []string{"", "/members", "/funders", "/projects", "/grants", "/grants/" + f.GrantXA, "/funders/" + f.X} {
		testkit.WantErr(t, h.Do(t, testkit.Req{Method: "GET", Path: f.p1(p), As: uLead2}), 404, "not_found")
	}
	for _, p := range []string{"", "/members", "/funders", "/grants", "/grants/" + f.GrantZC} {
		testkit.WantErr(t, h.Do(t, testkit.Req{Method: "GET", Path: f.p2(p), As: uLead}), 404, "not_found")
	}
	testkit.WantErr(t, h.Do(t, testkit.Req{Method: "POST", Path: f.p2("/grants"), As: uLead, Body: testkit.GrantBody("sneaky", f.Z, f.C, testkit.GrantPence)}), 404, "not_found")
	if got := testkit.IDs(t, h, uLead2, "/programmes"); !slices.Equal(got, []string{f.P2}) {
		t.Errorf("lead2's programmes = %v, want [%s]", got, f.P2)
	}

	// GET /health answers without any token.
	r := h.Want(t, http.StatusOK, testkit.Req{Method: "GET", Path: "/health"})
	if v := testkit.Decode[map[string]string](t, r); v["status"] != "ok" {
		t.Errorf("health = %s", r.Body)
	}
}
