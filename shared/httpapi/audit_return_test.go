package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// arRepaired is what arRepair made: the schedule, project A's return
// that infra/refill put right and the submissions it moved between, and
// project B's return, never repaired.
type arRepaired struct {
	schedule, repaired, untouched string
	first, second                 string // the approved submission the return now holds; the one it held
}

// arRepair makes, over h's stack, project A's return of April to June
// 2025 as the rule before 2026-12 could leave it (submitted on a second
// team's figures sent beside the first team's approved ones), under a
// schedule written through the store as the old code wrote it, then puts
// it right with store.RefillReturns: the one writer of a return's own
// audit event.
func arRepair(t *testing.T, h *apiH, f *apiFixture) arRepaired {
	t.Helper()
	ctx := context.Background()
	h.Want(t, http.StatusOK, testkit.Request("PATCH", f.p1(""), uAdmin, map[string]any{"reviewOutcomes": true}, "If-Match", "*"))
	outcomes := f.p1("/projects/" + f.A + "/outcomes")
	first, _ := h.Create(t, uPLA, outcomes, testkit.OutcomeBody(map[string]int{"referrals": 3}))
	h.Want(t, http.StatusOK, testkit.Request("POST", outcomes+"/"+first+"/review", uLead, map[string]any{"decision": "approve"}))
	_, r := h.Create(t, uPLA, outcomes, testkit.OutcomeBody(map[string]int{"referrals": 4}))
	second := testkit.Decode[domain.Outcome](t, r)

	st := h.Stack.Store
	setup, err := st.ReportingSetup(ctx, f.P1)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	sched := domain.Schedule{ID: domain.NewID(), Name: "Quarterly, as the old code made it", Frequency: domain.Quarterly,
		FirstPeriodStart: domain.MustDate("2025-04-01"), LastPeriodEnd: domain.MustDate("2025-06-30"), DueDays: 20, Reminders: []int64{7},
		Version: 1, CreatedAt: now, UpdatedAt: now}
	admin := domain.Caller{Identity: domain.Identity{Subject: "sub-admin", Email: uAdmin}}
	if err := st.CreateSchedule(ctx, f.P1, sched, setup.Seq, nil,
		service.Change{Audit: domain.NewAuditEvent(admin, f.P1, domain.EntitySchedule, sched.ID, domain.ActionCreate, nil, sched, now)}); err != nil {
		t.Fatal(err)
	}
	var projects []domain.Project
	for _, id := range []string{f.A, f.B} {
		projects = append(projects, testkit.Decode[domain.Project](t, h.Want(t, http.StatusOK, testkit.Request("GET", f.p1("/projects/"+id), uAdmin, nil))))
	}
	out := arRepaired{schedule: sched.ID, first: first, second: second.ID,
		repaired: domain.ReturnID(sched.ID, f.A, sched.FirstPeriodStart), untouched: domain.ReturnID(sched.ID, f.B, sched.FirstPeriodStart)}
	returns := domain.ExpectedReturns(sched, projects, now)
	for i, ret := range returns {
		if ret.ID == out.repaired {
			held, ok := ret.Fill(second)
			if !ok {
				t.Fatalf("the second submission fills no return: %+v", ret)
			}
			returns[i] = held
		}
	}
	if len(returns) != 2 {
		t.Fatalf("returns %+v, want A's and B's", returns)
	}
	if err := st.CreateReturns(ctx, f.P1, returns); err != nil {
		t.Fatal(err)
	}
	if ret := testkit.Decode[domain.Return](t, h.Want(t, http.StatusOK, testkit.Request("GET", f.p1("/returns/"+out.repaired), uLead, nil))); ret.SubmissionID != second.ID {
		t.Fatalf("A's return before the repair: %+v, want it on the second submission %s", ret, second.ID)
	}
	did, err := st.RefillReturns(ctx, f.P1, true)
	if err != nil || len(did.Refilled) != 1 || did.Refilled[0].ReturnID != out.repaired || len(did.Left) != 0 {
		t.Fatalf("refill: %+v, %v; want A's return put right, nothing left", did, err)
	}
	return out
}

// TestReturnHistory: a return is an audited entity. The event of an
// operator's repair of its state (infra/refill) is listed by GET
// …/returns/{returnId}/history, to whoever reads the return as GET
// …/returns/{returnId} decides (a funder as it reads the return: without
// the review, and without the submission of a return not accepted), and
// by the trail filtered by entity=return; every answer matches
// openapi.json. A return never repaired has an empty history; one that
// is not there, or not the caller's to read, is 404.
func TestReturnHistory(t *testing.T) {
	t.Parallel()
	h := startAPI(t, testkit.New(t), nil, testkit.APIConfig{Transport: oaNewTransport(t)})
	f := h.fixture(t)
	rp := arRepair(t, h, f)
	repaired := f.p1("/returns/" + rp.repaired + "/history")

	check := func(as string, funder bool) {
		t.Helper()
		evs := testkit.ListAll[domain.AuditEvent](t, h, as, repaired)
		if len(evs) != 1 {
			t.Fatalf("history of the repaired return as %s: %+v, want the repair's one event", as, evs)
		}
		ev := evs[0]
		if ev.Entity != domain.EntityReturn || ev.EntityID != rp.repaired || ev.Action != domain.ActionChange ||
			ev.ActorEmail != domain.RepairCaller.Email || ev.ProgrammeID != f.P1 {
			t.Errorf("the repair's event as %s: %+v", as, ev)
		}
		if st := ev.Changes["state"]; st.Before != string(domain.StateSubmitted) || st.After != string(domain.StateAccepted) {
			t.Errorf("the repair's state as %s: %+v, want submitted → accepted", as, st)
		}
		sub, review := ev.Changes["submissionId"], ev.Changes["review"]
		if funder {
			// The return as a funder reads it: no review, and the
			// submission only once accepted.
			if sub.Before != nil || sub.After != rp.first || review.Before != nil || review.After != nil {
				t.Errorf("the repair's event as funder %s shows what the return hides from it: %+v", as, ev.Changes)
			}
			return
		}
		if sub.Before != rp.second || sub.After != rp.first {
			t.Errorf("the repair's submission as %s: %+v, want %s → %s", as, sub, rp.second, rp.first)
		}
		if rv, _ := review.After.(map[string]any); rv["decision"] != string(domain.DecisionApprove) {
			t.Errorf("the repair's review as %s: %+v, want the approval it now holds", as, review)
		}
	}
	for _, as := range []string{uAdmin, uLead, uPLA} {
		check(as, false)
	}
	for _, as := range []string{uFunderX, uFunderY} {
		check(as, true)
		if r := h.Want(t, http.StatusOK, testkit.Request("GET", repaired, as, nil)); strings.Contains(string(r.Body), rp.second) {
			t.Errorf("the repaired return's history as %s names the submission it held before it was accepted: %s", as, r.Body)
		}
	}

	// The trail lists it under entity=return (leads and admins).
	for _, as := range []string{uAdmin, uLead} {
		evs := testkit.ListAll[domain.AuditEvent](t, h, as, f.p1("/audit?entity=return"))
		if len(evs) != 1 || evs[0].EntityID != rp.repaired || evs[0].ActorEmail != domain.RepairCaller.Email {
			t.Errorf("audit?entity=return as %s: %+v, want the repair's one event", as, evs)
		}
	}
	h.Want(t, http.StatusForbidden, testkit.Request("GET", f.p1("/audit?entity=return"), uPLA, nil))

	// A return never repaired: there, with no events.
	untouched := f.p1("/returns/" + rp.untouched + "/history")
	for _, as := range []string{uAdmin, uLead, uPLB, uFunderX} {
		if evs := testkit.Decode[testkit.List[domain.AuditEvent]](t, h.Want(t, http.StatusOK, testkit.Request("GET", untouched, as, nil))); len(evs.Items) != 0 || evs.NextCursor != nil {
			t.Errorf("history of a return never repaired as %s: %+v, want none", as, evs)
		}
	}

	// Who may not read the return reads no history of it: another
	// project's project lead, a stranger, another programme's lead.
	for _, c := range []struct {
		path, as string
	}{
		{repaired, uPLB}, {untouched, uPLA}, {repaired, uOutsider}, {repaired, uLead2},
		{f.p2("/returns/" + rp.repaired + "/history"), uAdmin},                                                         // another programme's
		{f.p1("/returns/" + domain.ReturnID(domain.NewID(), f.A, domain.MustDate("2025-04-01")) + "/history"), uAdmin}, // no such return
		{f.p1("/returns/" + domain.NewID() + "/history"), uAdmin},                                                      // not a return's id
	} {
		r := h.Do(t, testkit.Request("GET", c.path, c.as, nil))
		testkit.WantErr(t, r, http.StatusNotFound, "not_found")
		if strings.Contains(string(r.Body), `"items"`) {
			t.Errorf("GET %s as %s: refused, yet lists items: %s", c.path, c.as, r.Body)
		}
	}
	testkit.WantErr(t, h.Do(t, testkit.Req{Method: "GET", Path: repaired, Context: oaBreaking}), http.StatusUnauthorized, "unauthenticated")
}
