package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// reportingRoleCases are the roles table's cases for the reporting cycle
// (the "reporting" function) and the programme change: schedules and
// reviews are the leads'; every member reads schedules and returns (a
// project lead its own project's, a funder their statuses).
func reportingRoleCases() []roleCase {
	const ok, created, forbidden, notFound, conflict = 200, 201, 403, 404, 409
	get := func(path func(f *apiFixture, target string) string) func(*apiFixture, string, string) testkit.Req {
		return func(f *apiFixture, role, target string) testkit.Req {
			return testkit.Req{Method: "GET", Path: path(f, target), As: emailOf(role)}
		}
	}
	// aSchedule makes a schedule of its own for the case, as admin.
	aSchedule := func(t *testing.T, h *apiH, f *apiFixture, role string) string {
		id, _ := h.Create(t, uAdmin, f.p1("/schedules"), scheduleBody(h.Uniq("schedule for "+role)))
		return id
	}
	// aPending makes a submission of project A awaiting review, as its
	// project lead: no lead, nor the administrator, sent it, so each may
	// decide on it.
	aPending := func(t *testing.T, h *apiH, f *apiFixture, role string) string {
		h.Want(t, ok, testkit.Request("PATCH", f.p1(""), uAdmin, map[string]any{"reviewOutcomes": true}, "If-Match", "*"))
		id, r := h.Create(t, uPLA, f.p1("/projects/"+f.A+"/outcomes"), testkit.OutcomeBody(map[string]int{"referrals": 2}))
		if st := testkit.Decode[domain.Outcome](t, r).Status; st != domain.OutcomePending {
			t.Fatalf("a submission with review on is %s", st)
		}
		return id
	}
	outcomeStatus := func(t *testing.T, h *apiH, f *apiFixture, id string) domain.OutcomeStatus {
		return testkit.Decode[domain.Outcome](t, h.Want(t, ok, testkit.Request("GET", f.p1("/projects/"+f.A+"/outcomes/"+id), uAdmin, nil))).Status
	}
	returnOf := func(project func(f *apiFixture) string) func(*testing.T, *apiH, *apiFixture, string) string {
		return func(t *testing.T, h *apiH, f *apiFixture, role string) string {
			return domain.ReturnID(aSchedule(t, h, f, role), project(f), domain.MustDate("2026-01-01"))
		}
	}
	return []roleCase{
		{route: "PATCH /programmes/{programmeId}", write: true, want: byRole(ok, ok, forbidden, forbidden, notFound),
			req: func(f *apiFixture, role, _ string) testkit.Req {
				return testkit.Request("PATCH", f.p1(""), emailOf(role), map[string]any{"description": "changed by " + role}, "If-Match", "*")
			},
			ok: func(t *testing.T, h *apiH, f *apiFixture, role, _ string, r testkit.Resp) {
				if p := testkit.Decode[domain.Programme](t, r); p.Description != "changed by "+role || r.Header.Get("ETag") == "" {
					t.Fatalf("after PATCH: %+v (ETag %q)", p, r.Header.Get("ETag"))
				}
			},
			refused: func(t *testing.T, h *apiH, f *apiFixture, role, _ string) {
				p := testkit.Decode[domain.Programme](t, h.Want(t, ok, testkit.Request("GET", f.p1(""), uAdmin, nil)))
				if p.Description == "changed by "+role {
					t.Fatalf("a refused PATCH changed the programme: %+v", p)
				}
			}},

		{route: "POST /programmes/{programmeId}/schedules", write: true, want: byRole(created, created, forbidden, forbidden, notFound),
			setup: func(_ *testing.T, h *apiH, _ *apiFixture, role string) string { return h.Uniq("schedule by " + role) },
			req: func(f *apiFixture, role, name string) testkit.Req {
				// Projects A and B: other cases add projects to this fixture meanwhile.
				return testkit.Request("POST", f.p1("/schedules"), emailOf(role), testkit.Merge(scheduleBody(name), map[string]any{"projectIds": []string{f.A, f.B}}))
			},
			ok: func(t *testing.T, h *apiH, f *apiFixture, role, name string, r testkit.Resp) {
				s := testkit.Decode[domain.Schedule](t, r)
				if s.Name != name || r.Header.Get("Location") != f.p1("/schedules/"+s.ID) || r.Header.Get("ETag") != `"1"` {
					t.Fatalf("created %+v, Location %q", s, r.Header.Get("Location"))
				}
				if n := len(testkit.ListAll[domain.Return](t, h, uAdmin, f.p1("/returns?scheduleId="+s.ID))); n != 8 {
					t.Fatalf("%d returns for the new schedule, want 2 projects × 4 quarters", n)
				}
			},
			refused: func(t *testing.T, h *apiH, f *apiFixture, _, name string) {
				for _, s := range testkit.ListAll[domain.Schedule](t, h, uAdmin, f.p1("/schedules")) {
					if s.Name == name {
						t.Fatalf("a refused schedule was stored: %+v", s)
					}
				}
			}},
		{route: "GET /programmes/{programmeId}/schedules", want: byRole(ok, ok, ok, ok, notFound), setup: aSchedule,
			req: get(func(f *apiFixture, _ string) string { return f.p1("/schedules") }),
			ok: func(t *testing.T, h *apiH, f *apiFixture, role, id string, r testkit.Resp) {
				if !strings.Contains(string(r.Body), id) && len(testkit.Decode[testkit.List[domain.Schedule]](t, r).Items) < 50 {
					t.Fatalf("the schedules listed lack %s", id)
				}
			}},
		{route: "GET /programmes/{programmeId}/schedules/{scheduleId}", want: byRole(ok, ok, ok, ok, notFound), setup: aSchedule,
			req: get(func(f *apiFixture, id string) string { return f.p1("/schedules/" + id) }),
			ok: func(t *testing.T, h *apiH, f *apiFixture, role, id string, r testkit.Resp) {
				if s := testkit.Decode[domain.Schedule](t, r); s.ID != id || r.Header.Get("ETag") != `"1"` {
					t.Fatalf("schedule %+v", s)
				}
			}},
		{route: "GET /programmes/{programmeId}/schedules/{scheduleId}", name: "of another programme", want: byRole(notFound, notFound, notFound, notFound, notFound),
			setup: aSchedule,
			req:   get(func(f *apiFixture, id string) string { return f.p2("/schedules/" + id) })},
		{route: "PATCH /programmes/{programmeId}/schedules/{scheduleId}", write: true, want: byRole(ok, ok, forbidden, forbidden, notFound), setup: aSchedule,
			req: func(f *apiFixture, role, id string) testkit.Req {
				return testkit.Request("PATCH", f.p1("/schedules/"+id), emailOf(role), map[string]any{"name": "renamed by " + role}, "If-Match", `"1"`)
			},
			ok: func(t *testing.T, h *apiH, f *apiFixture, role, id string, r testkit.Resp) {
				if s := testkit.Decode[domain.Schedule](t, r); s.Name != "renamed by "+role || r.Header.Get("ETag") != `"2"` {
					t.Fatalf("after PATCH: %+v", s)
				}
			},
			refused: func(t *testing.T, h *apiH, f *apiFixture, role, id string) {
				if s := testkit.Decode[domain.Schedule](t, h.Want(t, ok, testkit.Request("GET", f.p1("/schedules/"+id), uAdmin, nil))); s.Version != 1 {
					t.Fatalf("a refused PATCH changed the schedule: %+v", s)
				}
			}},

		{route: "GET /programmes/{programmeId}/returns", want: byRole(ok, ok, ok, ok, notFound), setup: aSchedule,
			req: get(func(f *apiFixture, id string) string { return f.p1("/returns?scheduleId=" + id) }),
			ok: func(t *testing.T, h *apiH, f *apiFixture, role, id string, r testkit.Resp) {
				rs := testkit.ListAll[domain.Return](t, h, emailOf(role), f.p1("/returns?scheduleId="+id))
				want := 8
				if role == "pl-a" {
					want = 4
				}
				if len(rs) != want {
					t.Fatalf("%s lists %d returns, want %d", role, len(rs), want)
				}
				for _, ret := range rs {
					if role == "pl-a" && ret.ProjectID != f.A {
						t.Fatalf("pl-a lists another project's return %+v", ret)
					}
				}
			}},
		{route: "GET /programmes/{programmeId}/returns/{returnId}", name: "of project A", want: byRole(ok, ok, ok, ok, notFound),
			setup: returnOf(func(f *apiFixture) string { return f.A }),
			req:   get(func(f *apiFixture, id string) string { return f.p1("/returns/" + id) }),
			ok: func(t *testing.T, h *apiH, f *apiFixture, role, id string, r testkit.Resp) {
				if ret := testkit.Decode[domain.Return](t, r); ret.ID != id || ret.ProjectID != f.A || ret.Status == "" {
					t.Fatalf("return %+v", ret)
				}
			}},
		{route: "GET /programmes/{programmeId}/returns/{returnId}", name: "of project B", want: byRole(ok, ok, notFound, ok, notFound),
			setup: returnOf(func(f *apiFixture) string { return f.B }),
			req:   get(func(f *apiFixture, id string) string { return f.p1("/returns/" + id) })},
		{route: "GET /programmes/{programmeId}/returns/{returnId}", name: "not a return's id", want: byRole(notFound, notFound, notFound, notFound, notFound),
			req: get(func(f *apiFixture, _ string) string { return f.p1("/returns/" + domain.NewID()) })},

		// A funder reads approved figures only: a pending submission is
		// not there for them, so reviewing it is 404 as reading it is
		// (security3 N2); an approved one they may read, and may not
		// review (403).
		{route: "POST /programmes/{programmeId}/projects/{projectId}/outcomes/{outcomeId}/review", name: "decided already",
			want: byRole(conflict, conflict, forbidden, forbidden, notFound), write: true,
			setup: func(t *testing.T, h *apiH, f *apiFixture, role string) string {
				id := aPending(t, h, f, role)
				h.Want(t, ok, testkit.Request("POST", f.p1("/projects/"+f.A+"/outcomes/"+id+"/review"), uAdmin, map[string]any{"decision": "approve"}))
				return id
			},
			req: func(f *apiFixture, role, id string) testkit.Req {
				return testkit.Request("POST", f.p1("/projects/"+f.A+"/outcomes/"+id+"/review"), emailOf(role), map[string]any{"decision": "request-changes", "comment": "Split referrals by source."})
			},
			refused: func(t *testing.T, h *apiH, f *apiFixture, _, id string) {
				if st := outcomeStatus(t, h, f, id); st != domain.OutcomeApproved {
					t.Fatalf("a refused review changed the approved submission to %s", st)
				}
			}},
		{route: "POST /programmes/{programmeId}/projects/{projectId}/outcomes/{outcomeId}/review", write: true,
			want: byRole(ok, ok, forbidden, notFound, notFound), setup: aPending,
			req: func(f *apiFixture, role, id string) testkit.Req {
				return testkit.Request("POST", f.p1("/projects/"+f.A+"/outcomes/"+id+"/review"), emailOf(role), map[string]any{"decision": "approve"})
			},
			ok: func(t *testing.T, h *apiH, f *apiFixture, role, id string, r testkit.Resp) {
				o := testkit.Decode[domain.Outcome](t, r)
				if o.Status != domain.OutcomeApproved || o.Review == nil || o.Review.By != emailOf(role) || outcomeStatus(t, h, f, id) != domain.OutcomeApproved {
					t.Fatalf("after approval: %+v", o)
				}
			},
			refused: func(t *testing.T, h *apiH, f *apiFixture, _, id string) {
				if st := outcomeStatus(t, h, f, id); st != domain.OutcomePending {
					t.Fatalf("a refused review changed the submission to %s", st)
				}
			}},
		{route: "GET /programmes/{programmeId}/outcomes/pending", want: byRole(ok, ok, forbidden, forbidden, notFound),
			req: get(func(f *apiFixture, _ string) string { return f.p1("/outcomes/pending") }),
			ok: func(t *testing.T, h *apiH, f *apiFixture, role, _ string, r testkit.Resp) {
				if r.Status != http.StatusOK || !strings.Contains(string(r.Body), `"items"`) {
					t.Fatalf("review queue: %s", r)
				}
			}},
	}
}

// scheduleBody is a valid quarterly schedule for 2026, for every project.
func scheduleBody(name string) map[string]any {
	return map[string]any{"name": name, "frequency": "quarterly", "firstPeriodStart": "2026-01-01", "lastPeriodEnd": "2026-12-31"}
}
