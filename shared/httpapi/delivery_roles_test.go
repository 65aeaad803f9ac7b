package httpapi_test

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/httpapi"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// dhRoles are the callers the roles table is checked for.
var dhRoles = []string{uAdmin, uLead, uPLA, uFunderX, uOutsider, uLead2}

// dhRouteKind says which row of the SPEC's roles table a route follows.
type dhRouteKind int

const (
	dhProjectRead   dhRouteKind = iota // a project's posts, cohorts, outcomes: read
	dhProjectCreate                    // ... create
	dhProjectChange                    // ... change (PATCH)
	dhTargetCreate
	dhTargetRead
	dhTargetChange
	dhProgressRead
	dhNotificationsRead // leads all, a funder its own, a project lead its project's returns' emails
	dhNotificationRead  // one milestone notification: not a project lead's
)

// dhExpect is the status the roles table gives role for a route of this
// kind; own says whether the route is about the project that pl-a leads.
func dhExpect(kind dhRouteKind, role string, own bool) int {
	if role == uOutsider || role == uLead2 {
		return http.StatusNotFound // not a member of P: P does not exist for them
	}
	manager := role == uAdmin || role == uLead
	okStatus := http.StatusOK
	if kind == dhProjectCreate || kind == dhTargetCreate {
		okStatus = http.StatusCreated
	}
	switch kind {
	case dhProjectRead:
		if role == uPLA && !own {
			return http.StatusNotFound // another project's records are not visible to a project lead
		}
		return http.StatusOK
	case dhProjectCreate, dhProjectChange:
		if manager || (role == uPLA && own) {
			return okStatus
		}
		if kind == dhProjectChange && role == uPLA {
			// A change is judged as a read of the record first: another
			// project's records are not visible to a project lead
			// (audit-surface N2).
			return http.StatusNotFound
		}
		return http.StatusForbidden // funders read only; a project lead may not write another project
	case dhTargetCreate, dhTargetChange:
		if manager {
			return okStatus
		}
		return http.StatusForbidden
	case dhNotificationRead:
		if role == uPLA {
			return http.StatusNotFound // a milestone is not among a project lead's notifications
		}
		return http.StatusOK
	default: // dhTargetRead, dhProgressRead
		return http.StatusOK
	}
}

// dhRouteCase builds the request for one route against project prj.
type dhRouteCase struct {
	kind       dhRouteKind
	perProject bool
	req        func(w *dhWorld, items dhItems, prj string) (method, path string, body any, hdr []string)
}

// dhItems are records that exist in each project, for the {id} routes.
type dhItems struct {
	post, cohort, outcome map[string]string // project → id
	target                string
	notification          string // sent on behalf of funder X, whom funder-x acts for
}

func dhRouteCases() map[string]dhRouteCase {
	get := func(rest func(it dhItems, prj string) string) func(*dhWorld, dhItems, string) (string, string, any, []string) {
		return func(w *dhWorld, it dhItems, prj string) (string, string, any, []string) {
			return "GET", w.prj(prj, rest(it, prj)), nil, nil
		}
	}
	fixed := func(s string) func(dhItems, string) string { return func(dhItems, string) string { return s } }
	return map[string]dhRouteCase{
		"POST /programmes/{programmeId}/projects/{projectId}/posts": {kind: dhProjectCreate, perProject: true,
			req: func(w *dhWorld, _ dhItems, prj string) (string, string, any, []string) {
				g := w.GXA
				if prj == w.B {
					g = w.GYB
				}
				return "POST", w.prj(prj, "/posts"), testkit.PostBody(g, "vacant"), nil
			}},
		"GET /programmes/{programmeId}/projects/{projectId}/posts": {kind: dhProjectRead, perProject: true, req: get(fixed("/posts"))},
		"GET /programmes/{programmeId}/projects/{projectId}/posts/{postId}": {kind: dhProjectRead, perProject: true,
			req: get(func(it dhItems, prj string) string { return "/posts/" + it.post[prj] })},
		"PATCH /programmes/{programmeId}/projects/{projectId}/posts/{postId}": {kind: dhProjectChange, perProject: true,
			req: func(w *dhWorld, it dhItems, prj string) (string, string, any, []string) {
				return "PATCH", w.prj(prj, "/posts/"+it.post[prj]), map[string]any{"title": "Employment specialist (renamed)"}, []string{"If-Match", "*"}
			}},
		"POST /programmes/{programmeId}/projects/{projectId}/cohorts": {kind: dhProjectCreate, perProject: true,
			req: func(w *dhWorld, _ dhItems, prj string) (string, string, any, []string) {
				return "POST", w.prj(prj, "/cohorts"), testkit.CohortBody(4), nil
			}},
		"GET /programmes/{programmeId}/projects/{projectId}/cohorts": {kind: dhProjectRead, perProject: true, req: get(fixed("/cohorts"))},
		"GET /programmes/{programmeId}/projects/{projectId}/cohorts/{cohortId}": {kind: dhProjectRead, perProject: true,
			req: get(func(it dhItems, prj string) string { return "/cohorts/" + it.cohort[prj] })},
		"PATCH /programmes/{programmeId}/projects/{projectId}/cohorts/{cohortId}": {kind: dhProjectChange, perProject: true,
			req: func(w *dhWorld, it dhItems, prj string) (string, string, any, []string) {
				return "PATCH", w.prj(prj, "/cohorts/"+it.cohort[prj]), map[string]any{"name": "Renamed cohort"}, []string{"If-Match", "*"}
			}},
		"POST /programmes/{programmeId}/projects/{projectId}/outcomes": {kind: dhProjectCreate, perProject: true,
			req: func(w *dhWorld, _ dhItems, prj string) (string, string, any, []string) {
				return "POST", w.prj(prj, "/outcomes"), testkit.OutcomeBody(map[string]int64{"referrals": 1}), nil
			}},
		"GET /programmes/{programmeId}/projects/{projectId}/outcomes": {kind: dhProjectRead, perProject: true, req: get(fixed("/outcomes"))},
		"GET /programmes/{programmeId}/projects/{projectId}/outcomes/{outcomeId}": {kind: dhProjectRead, perProject: true,
			req: get(func(it dhItems, prj string) string { return "/outcomes/" + it.outcome[prj] })},

		"GET /programmes/{programmeId}/progress": {kind: dhProgressRead,
			req: func(w *dhWorld, _ dhItems, _ string) (string, string, any, []string) {
				return "GET", w.pp("/progress"), nil, nil
			}},
		"GET /programmes/{programmeId}/report": {kind: dhProgressRead, // a period report: every member
			req: func(w *dhWorld, _ dhItems, _ string) (string, string, any, []string) {
				return "GET", w.pp("/report?from=2025-01-01&to=2026-12-31"), nil, nil
			}},
		"GET /programmes/{programmeId}/outcomes/summary.csv": {kind: dhProgressRead, // the open summary: every member
			req: func(w *dhWorld, _ dhItems, _ string) (string, string, any, []string) {
				return "GET", w.pp("/outcomes/summary.csv"), nil, nil
			}},
		"GET /programmes/{programmeId}/notifications": {kind: dhNotificationsRead,
			req: func(w *dhWorld, _ dhItems, _ string) (string, string, any, []string) {
				return "GET", w.pp("/notifications"), nil, nil
			}},
		"GET /programmes/{programmeId}/notifications/{notificationId}": {kind: dhNotificationRead,
			req: func(w *dhWorld, it dhItems, _ string) (string, string, any, []string) {
				return "GET", w.pp("/notifications/" + it.notification), nil, nil
			}},
		"POST /programmes/{programmeId}/targets": {kind: dhTargetCreate,
			req: func(w *dhWorld, _ dhItems, _ string) (string, string, any, []string) {
				return "POST", w.pp("/targets"), map[string]any{"metric": "peopleIntoWork", "value": 60, "deadline": "2026-12-31", "notify": []string{w.X}}, nil
			}},
		"GET /programmes/{programmeId}/targets": {kind: dhTargetRead,
			req: func(w *dhWorld, _ dhItems, _ string) (string, string, any, []string) {
				return "GET", w.pp("/targets"), nil, nil
			}},
		"GET /programmes/{programmeId}/targets/{targetId}": {kind: dhTargetRead,
			req: func(w *dhWorld, it dhItems, _ string) (string, string, any, []string) {
				return "GET", w.pp("/targets/" + it.target), nil, nil
			}},
		"PATCH /programmes/{programmeId}/targets/{targetId}": {kind: dhTargetChange,
			req: func(w *dhWorld, it dhItems, _ string) (string, string, any, []string) {
				return "PATCH", w.pp("/targets/" + it.target), map[string]any{"value": 61}, []string{"If-Match", "*"}
			}},
	}
}

// TestDeliveryRoles checks every route of the delivery and progress
// functions against the SPEC's roles table, for each role, on the project
// pl-a leads and on another one. A route without a case fails the test.
// It runs over the in-memory store: the roles are the service's rules,
// whatever the storage.
func TestDeliveryRoles(t *testing.T) {
	t.Parallel()
	cases := dhRouteCases()
	var routes []string
	for _, fn := range httpapi.Functions(httpapi.Deps{}) {
		if fn.Name == "delivery" || fn.Name == "progress" {
			routes = append(routes, fn.Routes...)
		}
	}
	if len(routes) == 0 {
		t.Fatal("no routes for the delivery and progress functions")
	}
	for _, r := range routes {
		if _, ok := cases[r]; !ok {
			t.Errorf("route %q has no roles case", r)
		}
	}
	for r := range cases {
		if !slices.Contains(routes, r) {
			t.Errorf("roles case %q is not a route of delivery or progress", r)
		}
	}
	if t.Failed() {
		t.FailNow()
	}

	a := newMemAPI(t)
	w := dhSetup(t, a)
	it := dhMakeItems(t, a, w)

	// The routes and roles run in turn: over memory each request is quick,
	// and subtests in parallel would wait for the package's few parallel
	// slots behind tests that hold theirs waiting on DynamoDB.
	t.Run("routes", func(t *testing.T) {
		for _, route := range routes {
			c := cases[route]
			t.Run(route, func(t *testing.T) {
				projects := []string{""}
				if c.perProject {
					projects = []string{w.A, w.B}
				}
				for _, prj := range projects {
					for _, role := range dhRoles {
						method, path, body, hdr := c.req(w, it, prj)
						want := dhExpect(c.kind, role, prj == w.A)
						r := a.Do(t, testkit.Request(method, path, role, body, hdr...))
						if r.Status != want {
							t.Errorf("%s %s as %s (project %s): got %s, want %d", method, path, role, dhProjectName(w, prj), r, want)
							continue
						}
						switch want {
						case http.StatusForbidden:
							testkit.WantErr(t, r, want, "forbidden")
						case http.StatusNotFound:
							testkit.WantErr(t, r, want, "not_found")
						}
					}
				}
			})
		}
	})

	// Refused writes left no trace: A and B still have what setup and the
	// allowed writes made (3 creates each: admin, lead and, on A, pl-a).
	for prj, n := range map[string]int{w.A: 4, w.B: 3} {
		for _, coll := range []string{"/posts", "/cohorts", "/outcomes"} {
			if got := len(testkit.ListAll[struct{}](t, a, uAdmin, w.prj(prj, coll))); got != n {
				t.Errorf("%s of project %s: %d items, want %d", coll, dhProjectName(w, prj), got, n)
			}
		}
	}
	if got := len(testkit.ListAll[struct{}](t, a, uAdmin, w.pp("/targets"))); got != 3 {
		t.Errorf("targets: %d, want 3 (setup, admin, lead)", got)
	}
	p := w.progress(t, uAdmin)
	if p.Totals["referrals"] != 2+2+3+2 { // setup 2 per project, then 1 per allowed POST (A: 3, B: 2)
		t.Errorf("referrals %d, want 9", p.Totals["referrals"])
	}
}

// dhMakeItems makes, as admin, a post, a cohort and an outcome (2
// referrals) in each of A and B, a target and a milestone notification for
// funder X, for the {id} routes.
func dhMakeItems(t testing.TB, a *apiH, w *dhWorld) dhItems {
	t.Helper()
	it := dhItems{post: map[string]string{}, cohort: map[string]string{}, outcome: map[string]string{}}
	for prj, g := range map[string]string{w.A: w.GXA, w.B: w.GYB} {
		it.post[prj], _ = a.Create(t, uAdmin, w.prj(prj, "/posts"), testkit.PostBody(g, "filled"))
		it.cohort[prj], _ = a.Create(t, uAdmin, w.prj(prj, "/cohorts"), testkit.CohortBody(4))
		it.outcome[prj], _ = a.Create(t, uAdmin, w.prj(prj, "/outcomes"), testkit.OutcomeBody(map[string]int64{"referrals": 2}))
	}
	it.target, _ = a.Create(t, uAdmin, w.pp("/targets"), map[string]any{"metric": "referrals", "value": 100, "deadline": "2026-12-31", "notify": []string{}})
	// A notification as the notifier claims one (no API route makes them).
	note := domain.Notification{ID: domain.NotificationID(it.target, domain.KindReached, 50), TargetID: it.target, Threshold: 50,
		Kind: domain.KindReached, Status: domain.NotificationPending, Recipients: []string{"grants@x.example.org"},
		FunderIDs: []string{w.X}, CreatedAt: time.Now().UTC(), ProgrammeID: w.P, Figure: 50, Value: 100, Metric: domain.MetricReferrals}
	a.claimNotification(t, note)
	it.notification = note.ID
	return it
}

func dhProjectName(w *dhWorld, prj string) string {
	switch prj {
	case w.A:
		return "A (pl-a's)"
	case w.B:
		return "B"
	}
	return "-"
}
