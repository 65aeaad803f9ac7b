package httpapi_test

// Refused and failed changes leave no audit event (and no record): the SPEC's
// "every error … changes nothing" and "writes, in the same transaction, an
// immutable audit event".

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/smithy-go"

	"github.com/fundtrack/fundtrack/shared/testkit"
)

// atWorld is a programme with one of everything, and a second programme
// whose funder and project must not be usable from the first.
type atWorld struct {
	pid, P                         string
	funder, projA, projB, grant    string
	post, cohort, outcome, correct string
	target                         string
	pid2, funder2, proj2           string
}

func (w atWorld) A() string { return w.P + "/projects/" + w.projA }

func (h *atH) world(t *testing.T) atWorld {
	t.Helper()
	var w atWorld
	w.pid2, _ = h.Create(t, uAdmin, "/programmes", testkit.ProgrammeBody("Working for Wellness"))
	w.funder2, _ = h.Create(t, uAdmin, "/programmes/"+w.pid2+"/funders", testkit.FunderBody("Department for Work and Pensions"))
	w.proj2, _ = h.Create(t, uAdmin, "/programmes/"+w.pid2+"/projects", testkit.ProjectBody("Project C"))
	h.Want(t, http.StatusCreated, testkit.Request("PUT", testkit.MemberPath(w.pid2, uLead2), uAdmin, testkit.RolesBody(testkit.RoleLead())))

	w.pid, _ = h.Create(t, uAdmin, "/programmes", testkit.ProgrammeBody("Working for Wellness"))
	w.P = "/programmes/" + w.pid
	w.funder, _ = h.Create(t, uAdmin, w.P+"/funders", testkit.FunderBody("Department for Work and Pensions"))
	w.projA, _ = h.Create(t, uAdmin, w.P+"/projects", testkit.ProjectBody("Project A"))
	w.projB, _ = h.Create(t, uAdmin, w.P+"/projects", testkit.ProjectBody("Project B"))
	h.Want(t, http.StatusCreated, testkit.Request("PUT", testkit.MemberPath(w.pid, uLead), uAdmin, testkit.RolesBody(testkit.RoleLead())))
	h.Want(t, http.StatusCreated, testkit.Request("PUT", testkit.MemberPath(w.pid, uPLA), uAdmin, testkit.RolesBody(testkit.RoleProjectLead(w.projA))))
	h.Want(t, http.StatusCreated, testkit.Request("PUT", testkit.MemberPath(w.pid, uPLB), uAdmin, testkit.RolesBody(testkit.RoleProjectLead(w.projB))))
	h.Want(t, http.StatusCreated, testkit.Request("PUT", testkit.MemberPath(w.pid, uFunderX), uAdmin, testkit.RolesBody(testkit.RoleFunder(w.funder))))
	w.grant, _ = h.Create(t, uLead, w.P+"/grants", testkit.GrantBody("Employment specialists", w.funder, w.projA, 100))
	w.post, _ = h.Create(t, uPLA, w.A()+"/posts", testkit.PostBody(w.grant, "vacant"))
	w.cohort, _ = h.Create(t, uPLA, w.A()+"/cohorts", testkit.CohortBody(4))
	w.outcome, _ = h.Create(t, uPLA, w.A()+"/outcomes", testkit.OutcomeBody(map[string]int{"referrals": 5}))
	w.correct, _ = h.Create(t, uPLA, w.A()+"/outcomes", testkit.OutcomeBody(map[string]int{"referrals": 6}, "replaces", w.outcome))
	w.target, _ = h.Create(t, uLead, w.P+"/targets", atTargetBody(60, w.funder))
	return w
}

// atRefusal is one request that must be refused.
type atRefusal struct {
	name   string
	status int
	as     string
	method string
	path   string
	body   any
	hdr    []string
}

// TestAuditRefusedWritesNothing sends changes the API must refuse (400, 401,
// 403, 404, 409, 412, 422, 428) and checks that neither the audit trail nor
// the records changed: every case over the in-memory store (whose snapshot
// holds its audit trail), the first of each status over DynamoDB Local too,
// reading both tables directly.
func TestAuditRefusedWritesNothing(t *testing.T) {
	t.Parallel()
	t.Run("memory", func(t *testing.T) {
		t.Parallel()
		h := &atH{apiH: newMemAPI(t)}
		w := h.world(t)
		for _, c := range atRefusals(t, h, w) {
			was := h.Snapshot(t)
			r := h.Do(t, testkit.Request(c.method, c.path, c.as, c.body, c.hdr...))
			if r.Status != c.status {
				t.Errorf("%s: %s %s as %q: got %s, want %d", c.name, c.method, c.path, c.as, r, c.status)
			}
			testkit.SameSnapshot(t, c.name, was, h.Snapshot(t))
		}
	})
	t.Run("DynamoDB", func(t *testing.T) {
		t.Parallel()
		h := atNew(t)
		w := h.world(t)
		seen := map[int]bool{}
		for _, c := range atRefusals(t, h, w) {
			if seen[c.status] {
				continue
			}
			seen[c.status] = true
			was := h.state(t)
			r := h.Do(t, testkit.Request(c.method, c.path, c.as, c.body, c.hdr...))
			if r.Status != c.status {
				t.Errorf("%s: %s %s as %q: got %s, want %d", c.name, c.method, c.path, c.as, r, c.status)
			}
			h.unchanged(t, c.name, was)
		}
		if len(seen) != 8 {
			t.Errorf("the cases cover %d statuses, want the 8 named above", len(seen))
		}
	})
}

// atRefusals are the changes TestAuditRefusedWritesNothing sends, in w.
func atRefusals(t *testing.T, h *atH, w atWorld) []atRefusal {
	P, A := w.P, w.A()
	G := P + "/grants/" + w.grant
	PO := A + "/posts/" + w.post
	CO := A + "/cohorts/" + w.cohort
	T := P + "/targets/" + w.target
	stale := []string{"If-Match", `"999"`}
	current := func(path string) []string { return []string{"If-Match", h.etag(t, path)} }
	bad := map[string]any{"title": ""}

	return []atRefusal{
		// 400: invalid bodies, on creates and on changes with a good If-Match.
		{"grant with negative amount", 400, uLead, "POST", P + "/grants", testkit.GrantBody("Employment specialists", w.funder, w.projA, -1), nil},
		{"grant patch to another currency", 400, uLead, "PATCH", G, map[string]any{"currency": "EUR"}, current(G)},
		{"post patch with no title", 400, uPLA, "PATCH", PO, bad, current(PO)},
		{"cohort patch with no places", 400, uPLA, "PATCH", CO, map[string]any{"places": -3}, current(CO)},
		{"target patch with an unknown metric", 400, uLead, "PATCH", T, map[string]any{"metric": "smiles"}, current(T)},
		{"member with an unknown role", 400, uLead, "PUT", testkit.MemberPath(w.pid, uMember), testkit.RolesBody(map[string]string{"role": "king"}), nil},
		{"outcome without counts", 400, uPLA, "POST", A + "/outcomes", map[string]any{"periodStart": "2025-04-01", "periodEnd": "2025-06-30"}, nil},
		{"outcome with an unknown field", 400, uPLA, "POST", A + "/outcomes", testkit.OutcomeBody(map[string]int{"referrals": 1}, "name", "Jo"), nil},
		{"correction of nothing", 400, uPLA, "POST", A + "/outcomes", testkit.OutcomeBody(map[string]int{"referrals": 1}, "replaces", "01kaaaaaaaaaaaaaaaaaaaaaaa"), nil},
		{"programme without a name", 400, uAdmin, "POST", "/programmes", map[string]any{"leadOrganisation": "x", "startDate": "2025-01-01", "endDate": "2025-12-31"}, nil},
		// 401.
		{"funder without a token", 401, "", "POST", P + "/funders", testkit.FunderBody("Department for Work and Pensions"), nil},
		// 403: members whose role does not allow the change.
		{"project lead records a grant", 403, uPLA, "POST", P + "/grants", testkit.GrantBody("Employment specialists", w.funder, w.projA, 100), nil},
		{"project lead changes a grant", 403, uPLA, "PATCH", G, map[string]any{"amountPence": 5}, current(G)},
		{"funder records a post", 403, uFunderX, "POST", A + "/posts", testkit.PostBody(w.grant, "vacant"), nil},
		{"funder submits outcomes", 403, uFunderX, "POST", A + "/outcomes", testkit.OutcomeBody(map[string]int{"referrals": 1}), nil},
		{"project lead manages members", 403, uPLA, "PUT", testkit.MemberPath(w.pid, uMember), testkit.RolesBody(testkit.RoleLead()), nil},
		{"project lead removes a member", 403, uPLA, "DELETE", testkit.MemberPath(w.pid, uFunderX), nil, nil},
		{"project lead sets a target", 403, uPLA, "POST", P + "/targets", atTargetBody(5), nil},
		{"funder adds a funder", 403, uFunderX, "POST", P + "/funders", testkit.FunderBody("Department for Work and Pensions"), nil},
		{"lead creates a programme", 403, uLead, "POST", "/programmes", testkit.ProgrammeBody("Working for Wellness"), nil},
		{"project lead B records a post on A", 403, uPLB, "POST", A + "/posts", testkit.PostBody(w.grant, "vacant"), nil},
		{"project lead B corrects A's outcome", 403, uPLB, "POST", A + "/outcomes", testkit.OutcomeBody(map[string]int{"referrals": 1}, "replaces", w.correct), nil},
		// 404: outsiders, other projects, missing records.
		{"outsider adds a funder", 404, uOutsider, "POST", P + "/funders", testkit.FunderBody("Department for Work and Pensions"), nil},
		{"lead of another programme adds a project", 404, uLead2, "POST", P + "/projects", testkit.ProjectBody("X"), nil},
		{"a post on a project that is not there", 404, uLead, "POST", P + "/projects/01kaaaaaaaaaaaaaaaaaaaaaaa/posts", testkit.PostBody(w.grant, "vacant"), nil},
		{"patch of a missing grant", 404, uLead, "PATCH", P + "/grants/01kaaaaaaaaaaaaaaaaaaaaaaa", map[string]any{"amountPence": 5}, []string{"If-Match", "*"}},
		{"delete of a missing member", 404, uLead, "DELETE", testkit.MemberPath(w.pid, "nobody@example.org"), nil, nil},
		// 409: a second correction of the same submission.
		{"second correction", 409, uPLA, "POST", A + "/outcomes", testkit.OutcomeBody(map[string]int{"referrals": 7}, "replaces", w.outcome), nil},
		// 412: stale If-Match on each versioned record.
		{"stale grant", 412, uLead, "PATCH", G, map[string]any{"amountPence": 5}, stale},
		{"stale post", 412, uPLA, "PATCH", PO, map[string]any{"status": "filled"}, stale},
		{"stale cohort", 412, uPLA, "PATCH", CO, map[string]any{"places": 5}, stale},
		{"stale target", 412, uLead, "PATCH", T, map[string]any{"value": 61}, stale},
		// 428: no If-Match at all.
		{"grant change without If-Match", 428, uLead, "PATCH", G, map[string]any{"amountPence": 5}, nil},
		// 422: personal data in notes, on a submission and on a correction.
		{"notes with an email address", 422, uPLA, "POST", A + "/outcomes", testkit.OutcomeBody(map[string]int{"referrals": 1}, "notes", "ask jo.bloggs@example.com"), nil},
		{"notes with a phone number", 422, uPLA, "POST", A + "/outcomes", testkit.OutcomeBody(map[string]int{"referrals": 1}, "notes", "call 07700 900123"), nil},
		{"correction with an NHS number", 422, uPLA, "POST", A + "/outcomes", testkit.OutcomeBody(map[string]int{"referrals": 1}, "replaces", w.correct, "notes", "NHS 943 476 5919"), nil},
	}
}

// TestAuditFailedTransactionWritesNothing makes the one transaction of a
// change fail, in ways DynamoDB Local cannot be made to (the audit event's
// own condition failing, an error from DynamoDB), and checks that neither
// the event nor the record exists afterwards; then sends the same change
// again to show it was a good one that only the failure stopped.
func TestAuditFailedTransactionWritesNothing(t *testing.T) {
	t.Parallel()
	h := atNew(t)
	w := h.world(t)
	P, A := w.P, w.A()
	G := P + "/grants/" + w.grant
	T := P + "/targets/" + w.target

	failures := map[string]func(in *dynamodb.TransactWriteItemsInput) error{
		"cancelled on the audit event": atCancelledOnAudit(h.auditTable),
		"non-retryable error": func(*dynamodb.TransactWriteItemsInput) error {
			return &smithy.GenericAPIError{Code: "ValidationException", Message: "injected", Fault: smithy.FaultClient}
		},
		"database unavailable": func(*dynamodb.TransactWriteItemsInput) error {
			return &smithy.GenericAPIError{Code: "InternalServerError", Message: "injected", Fault: smithy.FaultServer}
		},
		"plain error": func(*dynamodb.TransactWriteItemsInput) error { return errors.New("injected: connection reset") },
	}
	type change struct {
		name             string
		as, method, path string
		body             func() any
		hdr              func() []string
		status           int // when it works
	}
	none := func() []string { return nil }
	match := func(path string) func() []string {
		return func() []string { return []string{"If-Match", h.etag(t, path)} }
	}
	body := func(v any) func() any { return func() any { return v } }
	changes := []change{
		{"create programme", uAdmin, "POST", "/programmes", body(testkit.ProgrammeBody("Working for Wellness")), none, 201},
		{"create funder", uLead, "POST", P + "/funders", body(testkit.FunderBody("Department of Health")), none, 201}, // a name no funder has
		{"create project", uLead, "POST", P + "/projects", body(testkit.ProjectBody("Project D")), none, 201},
		{"new member", uLead, "PUT", testkit.MemberPath(w.pid, uMember), body(testkit.RolesBody(testkit.RoleProjectLead(w.projB))), none, 201},
		{"changed member", uLead, "PUT", testkit.MemberPath(w.pid, uPLB), body(testkit.RolesBody(testkit.RoleProjectLead(w.projA))), none, 200},
		{"create grant", uLead, "POST", P + "/grants", body(testkit.GrantBody("Employment specialists", w.funder, "", 500)), none, 201},
		{"change grant", uLead, "PATCH", G, body(map[string]any{"amountPence": 250}), match(G), 200},
		{"create post", uPLA, "POST", A + "/posts", body(testkit.PostBody(w.grant, "vacant")), none, 201},
		{"create cohort", uPLA, "POST", A + "/cohorts", body(testkit.CohortBody(8)), none, 201},
		{"submit outcome", uPLA, "POST", A + "/outcomes", body(testkit.OutcomeBody(map[string]int{"peopleIntoWork": 2})), none, 201},
		{"correct outcome", uPLA, "POST", A + "/outcomes", body(testkit.OutcomeBody(map[string]int{"referrals": 9}, "replaces", w.correct)), none, 201},
		{"create target", uLead, "POST", P + "/targets", body(atTargetBody(30)), none, 201},
		{"change target", uLead, "PATCH", T, body(map[string]any{"value": 70}), match(T), 200},
		{"delete member", uLead, "DELETE", testkit.MemberPath(w.pid, uFunderX), body(nil), none, 204},
	}
	names := []string{"cancelled on the audit event", "non-retryable error", "database unavailable", "plain error"}
	for i, c := range changes {
		failure := names[i%len(names)]
		what := fmt.Sprintf("%s (%s)", c.name, failure)
		hdr := c.hdr()
		was := h.state(t)
		injected := h.watch.injectedCount()
		h.watch.failNextTx(failures[failure])
		r := h.Do(t, testkit.Request(c.method, c.path, c.as, c.body(), hdr...))
		if h.watch.injectedCount() != injected+1 {
			h.watch.failNextTx(nil)
			t.Fatalf("%s: the request never reached its transaction (answered %s)", what, r)
		}
		if r.Status < 400 {
			t.Errorf("%s: answered %s although its transaction failed", what, r)
		}
		if failure == "database unavailable" && r.Status != http.StatusServiceUnavailable {
			t.Errorf("%s: answered %s, want 503", what, r)
		}
		h.unchanged(t, what, was)
		// The same change, now without the failure, works and writes one event.
		pid := w.pid
		if c.path == "/programmes" {
			pid = "" // its event goes to the new programme
		}
		h.change(t, pid, c.status, c.as, c.method, c.path, c.body(), hdr...)
	}
}

// TestAuditConditionFailureWritesNothing makes the transaction fail for real
// on DynamoDB Local: references to another programme's funder or project
// (checked inside the transaction), and a change that lost a race to a
// concurrent change of the same record.
func TestAuditConditionFailureWritesNothing(t *testing.T) {
	t.Parallel()
	h := atNew(t)
	w := h.world(t)
	P, A := w.P, w.A()
	G := P + "/grants/" + w.grant

	refused := []atRefusal{
		{"grant from another programme's funder", 400, uLead, "POST", P + "/grants", testkit.GrantBody("Employment specialists", w.funder2, "", 100), nil},
		{"grant to another programme's project", 400, uLead, "POST", P + "/grants", testkit.GrantBody("Employment specialists", w.funder, w.proj2, 100), nil},
		{"grant moved to another programme's funder", 400, uLead, "PATCH", G, map[string]any{"funderId": w.funder2}, []string{"If-Match", h.etag(t, G)}},
		{"member leading another programme's project", 400, uLead, "PUT", testkit.MemberPath(w.pid, uMember), testkit.RolesBody(testkit.RoleProjectLead(w.proj2)), nil},
		{"member acting for another programme's funder", 400, uLead, "PUT", testkit.MemberPath(w.pid, uMember), testkit.RolesBody(testkit.RoleFunder(w.funder2)), nil},
		{"target notifying another programme's funder", 400, uLead, "POST", P + "/targets", atTargetBody(10, w.funder2), nil},
		{"outcome naming a cohort that is not there", 400, uPLA, "POST", A + "/outcomes", testkit.OutcomeBody(map[string]int{"referrals": 1}, "cohortId", w.proj2), nil},
	}
	for _, c := range refused {
		was := h.state(t)
		r := h.Do(t, testkit.Request(c.method, c.path, c.as, c.body, c.hdr...))
		if r.Status != c.status {
			t.Errorf("%s: got %s, want %d", c.name, r, c.status)
		}
		h.unchanged(t, c.name, was)
	}

	// A lost race: just before the change's transaction runs, another change
	// of the same grant commits. The first one's version condition then
	// fails inside DynamoDB: 412, and only the winner's event exists.
	tag := h.etag(t, G)
	before := h.auditIDs(t)
	var winner testkit.Resp
	h.watch.beforeNextTx(func() {
		winner = h.Do(t, testkit.Request("PATCH", G, uAdmin, map[string]any{"title": "Renamed"}, "If-Match", tag))
	})
	r := h.Do(t, testkit.Request("PATCH", G, uLead, map[string]any{"amountPence": 300}, "If-Match", tag))
	if winner.Status != http.StatusOK {
		t.Fatalf("the concurrent change answered %s", winner)
	}
	if r.Status != http.StatusPreconditionFailed {
		t.Errorf("the change that lost the race answered %s, want 412", r)
	}
	after := h.auditIDs(t)
	if len(after) != len(before)+1 {
		t.Fatalf("after a race of two changes, one lost: %d new events, want 1 (the winner's)", len(after)-len(before))
	}
	hist := h.history(t, uAdmin, G)
	if len(hist) == 0 || hist[0].ActorEmail != uAdmin || hist[0].Changes["title"] == nil || hist[0].Changes["amountPence"] != nil {
		t.Errorf("newest grant event = %+v, want the winner's title change", hist[0])
	}
	if g := atFields(t, h.Want(t, 200, testkit.Request("GET", G, uAdmin, nil)).Body); g["amountPence"] != 100.0 || g["title"] != "Renamed" {
		t.Errorf("grant after the race = %v, want the winner's title and the old amount", g)
	}

	// Two more races DynamoDB settles: two people adding the same new member,
	// and two corrections of the same submission. Each loser gets 409 and
	// only the winner's event is written.
	races := []struct {
		name   string
		winner func() testkit.Resp
		loser  func() testkit.Resp
	}{
		{"the same new member",
			func() testkit.Resp {
				return h.Do(t, testkit.Request("PUT", testkit.MemberPath(w.pid, uMember), uAdmin, testkit.RolesBody(testkit.RoleLead())))
			},
			func() testkit.Resp {
				return h.Do(t, testkit.Request("PUT", testkit.MemberPath(w.pid, uMember), uLead, testkit.RolesBody(testkit.RoleProjectLead(w.projA))))
			}},
		{"two corrections of one submission",
			func() testkit.Resp {
				return h.Do(t, testkit.Request("POST", A+"/outcomes", uAdmin, testkit.OutcomeBody(map[string]int{"referrals": 8}, "replaces", w.correct)))
			},
			func() testkit.Resp {
				return h.Do(t, testkit.Request("POST", A+"/outcomes", uPLA, testkit.OutcomeBody(map[string]int{"referrals": 9}, "replaces", w.correct)))
			}},
	}
	for _, race := range races {
		before := h.auditIDs(t)
		var won testkit.Resp
		h.watch.beforeNextTx(func() { won = race.winner() })
		lost := race.loser()
		if won.Status != http.StatusCreated && won.Status != http.StatusOK {
			t.Fatalf("%s: the winner answered %s", race.name, won)
		}
		if lost.Status != http.StatusConflict {
			t.Errorf("%s: the loser answered %s, want 409", race.name, lost)
		}
		if after := h.auditIDs(t); len(after) != len(before)+1 {
			t.Errorf("%s: %d new events, want 1 (the winner's)", race.name, len(after)-len(before))
		}
	}
	if mh := h.history(t, uAdmin, testkit.MemberPath(w.pid, uMember)); len(mh) != 1 || mh[0].ActorEmail != uAdmin {
		t.Errorf("history of the raced member = %+v, want the winner's create only", mh)
	}
	// With If-Match: * the loser of a race is retried on the fresh record:
	// both changes are made, and the loser's event starts from the winner's
	// value, not from the value it first read.
	CO := A + "/cohorts/" + w.cohort
	before = h.auditIDs(t)
	var first testkit.Resp
	h.watch.beforeNextTx(func() {
		first = h.Do(t, testkit.Request("PATCH", CO, uAdmin, map[string]any{"places": 10}, "If-Match", h.etag(t, CO)))
	})
	second := h.Do(t, testkit.Request("PATCH", CO, uPLA, map[string]any{"places": 12}, "If-Match", "*"))
	if first.Status != http.StatusOK || second.Status != http.StatusOK {
		t.Fatalf("If-Match * race: answers %s and %s, want both 200", first, second)
	}
	if after := h.auditIDs(t); len(after) != len(before)+2 {
		t.Fatalf("If-Match * race: %d new events, want 2", len(after)-len(before))
	}
	ch := h.history(t, uAdmin, CO)
	if len(ch) < 2 || ch[0].ActorEmail != uPLA || ch[1].ActorEmail != uAdmin {
		t.Fatalf("cohort history after the race = %+v", ch)
	}
	if c := ch[0].Changes["places"]; c["before"] != 10.0 || c["after"] != 12.0 || len(ch[0].Changes) != 1 {
		t.Errorf("the retried change's event says %v, want places 10 -> 12 (from the winner's value)", ch[0].Changes)
	}
	if c := ch[1].Changes["places"]; c["before"] != 4.0 || c["after"] != 10.0 {
		t.Errorf("the winner's event says %v, want places 4 -> 10", ch[1].Changes)
	}
}

// TestAuditIdempotentReplayWritesNothing repeats a POST with the same
// Idempotency-Key: the first writes one event, the replay none, and the
// same key with another body (422) none.
func TestAuditIdempotentReplayWritesNothing(t *testing.T) {
	t.Parallel()
	h := atNew(t)
	pid, _ := h.Create(t, uAdmin, "/programmes", testkit.ProgrammeBody("Working for Wellness"))
	P := "/programmes/" + pid
	r, ev := h.change(t, pid, http.StatusCreated, uAdmin, "POST", P+"/funders", testkit.FunderBody("Department for Work and Pensions"), "Idempotency-Key", "audit-key-1")
	atWant{pid, uAdmin, "funder", testkit.IDOf(t, r), "create", atDiff(t, nil, r.Body)}.check(t, ev, r)

	was := h.state(t)
	again := h.Want(t, http.StatusCreated, testkit.Request("POST", P+"/funders", uAdmin, testkit.FunderBody("Department for Work and Pensions"), "Idempotency-Key", "audit-key-1"))
	if again.Header.Get("Idempotent-Replayed") != "true" || testkit.IDOf(t, again) != testkit.IDOf(t, r) {
		t.Errorf("replay answered %s (replayed %q), want the first answer again", again, again.Header.Get("Idempotent-Replayed"))
	}
	h.unchanged(t, "an idempotent replay", was)

	other := h.Do(t, testkit.Request("POST", P+"/funders", uAdmin, testkit.FunderBody("Department for Work and Pensions", "someone@else.example.org"), "Idempotency-Key", "audit-key-1"))
	if other.Status != http.StatusUnprocessableEntity {
		t.Errorf("same key, other body: got %s, want 422", other)
	}
	h.unchanged(t, "a reused idempotency key", was)
}
