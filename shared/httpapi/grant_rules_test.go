package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestGrantRulesThroughAPI: through the API on DynamoDB, the rules
// between a grant and what depends on it, with what each check costs.
//
//   - A grant's dates may not narrow past a spend return (audit lead31,
//     finding 1): the return would still count and could never be
//     corrected. 400 naming endDate (startDate) with the date it may move
//     to; narrowed to the spend exactly it is taken, and the return can
//     still be corrected.
//   - A project's grant is paid on its own project's results or the
//     programme's (finding 2): a milestone payment on another project's
//     target is 400 naming trigger.targetId; a grant given to a project
//     while a payment waits on another project's return is 400 naming
//     projectId and the payment; a target given to a project while a
//     payment of another project's grant waits on it is 400 naming
//     projectId and the grant.
//
// Each refusal stores nothing.
func TestGrantRulesThroughAPI(t *testing.T) {
	t.Parallel()
	w := newRCWorld(t, nil)
	a := w.a
	measure, etag := w.measure(t), w.etag(t)
	other, _ := a.Create(t, uAdmin, w.path("/projects"), map[string]any{"name": "Leeds IPS", "leadOrganisation": "Leeds and York NHS FT",
		"startDate": "2026-01-01", "endDate": "2027-12-31"})
	grant := func(title, project string) string {
		body := map[string]any{"funderId": w.fund, "title": title, "amountPence": 100_000_00, "currency": "GBP", "awardDate": "2025-12-01",
			"startDate": "2026-01-01", "endDate": "2026-12-31"}
		if project != "" {
			body["projectId"] = project
		}
		id, _ := a.Create(t, w.lead, w.path("/grants"), body)
		return w.path("/grants/" + id)
	}
	unchanged := func(path string) func() {
		was := string(a.Want(t, http.StatusOK, testkit.Request("GET", path, w.lead, nil)).Body)
		return func() {
			t.Helper()
			if now := string(a.Want(t, http.StatusOK, testkit.Request("GET", path, w.lead, nil)).Body); now != was {
				t.Errorf("a refused request changed %s: %s, was %s", path, now, was)
			}
		}
	}
	says := func(r testkit.Resp, field string, wants ...string) {
		t.Helper()
		e := testkit.WantErr(t, r, http.StatusBadRequest, "validation_failed")
		if len(e.Fields) != 1 {
			t.Errorf("names %v, want %s only", e.Fields, field)
		}
		for _, want := range wants {
			if !strings.Contains(e.Fields[field], want) {
				t.Errorf("%s says %q, want it to say %q", field, e.Fields[field], want)
			}
		}
	}

	// Finding 1: the grant's dates and its spend.
	G := grant("Recheck", "")
	res, _ := a.Create(t, w.lead, G+"/spend", testkit.SpendBody("2026-01-01", "2026-01-04", "staff", 50_00))
	spent := res
	check := unchanged(G)
	// The access read with the grant; one Query of its spend returns; no
	// transaction.
	r := measure("PATCH grant (dates narrowed past its spend)", "BatchGetItem×1 Query×1",
		testkit.Request("PATCH", G, w.lead, map[string]any{"endDate": "2026-01-03"}, "If-Match", etag(G)), http.StatusBadRequest)
	says(r, "endDate", "must not be before 2026-01-04, where a spend return of this grant ends")
	r = a.Do(t, testkit.Request("PATCH", G, w.lead, map[string]any{"startDate": "2026-01-02"}, "If-Match", etag(G)))
	says(r, "startDate", "must not be after 2026-01-01, where a spend return of this grant starts")
	check()
	// Narrowed to the spend exactly: the same reads and the change,
	// guarded on the grant's revision.
	measure("PATCH grant (dates narrowed to its spend)", "BatchGetItem×1 Query×1 TransactWriteItems×1",
		testkit.Request("PATCH", G, w.lead, map[string]any{"endDate": "2026-01-04"}, "If-Match", etag(G)), http.StatusOK)
	fix := testkit.SpendBody("2026-01-01", "2026-01-04", "staff", 40_00)
	fix["replaces"] = spent
	a.Create(t, w.lead, G+"/spend", fix)
	measure("PATCH grant (dates widened)", "BatchGetItem×1 TransactWriteItems×1",
		testkit.Request("PATCH", G, w.lead, map[string]any{"endDate": "2026-12-31"}, "If-Match", etag(G)), http.StatusOK)

	// Finding 2a: a milestone payment on another project's target.
	GA := grant("Aspiro posts", w.project)
	ofOther, _ := a.Create(t, w.lead, w.path("/targets"), map[string]any{"metric": "referrals", "value": 12, "deadline": "2027-12-31",
		"projectId": other, "notify": []string{}})
	whole := testkit.IDs(t, a, w.lead, w.path("/targets"))[0] // the world's programme-wide target
	check = unchanged(GA + "/payments")
	says(a.Do(t, testkit.Request("POST", GA+"/payments", w.lead, testkit.MilestonePaymentBody(1_00, ofOther, 50))),
		"trigger.targetId", "must be a target of the grant's project or of the whole programme")
	check()
	a.Create(t, w.lead, GA+"/payments", testkit.MilestonePaymentBody(1_00, whole, 50))

	// Finding 2b: the programme's grant, waiting on Aspiro's return and
	// the programme's target, given to Leeds.
	sched, _ := a.Create(t, w.lead, w.path("/schedules"), map[string]any{"name": "Quarterly", "frequency": "quarterly",
		"firstPeriodStart": "2026-01-01", "lastPeriodEnd": "2026-12-31"})
	a.Create(t, w.lead, G+"/payments", map[string]any{"amountPence": 5_00,
		"trigger": map[string]any{"kind": "return", "returnId": domain.ReturnID(sched, w.project, domain.MustDate("2026-04-01"))}})
	a.Create(t, w.lead, G+"/payments", testkit.MilestonePaymentBody(2_00, whole, 100))
	check = unchanged(G)
	// The access read with the grant; its payments (one Query); the
	// programme's projects and the posts of each but the one it goes to
	// (a programme-wide grant: one Query each); the target a payment
	// waits on, and the name of the project the refusal names (a GetItem
	// each, as they are one key each).
	r = measure("PATCH grant (to a project, a payment waiting on another's return)", "BatchGetItem×1 GetItem×2 Query×3",
		testkit.Request("PATCH", G, w.lead, map[string]any{"projectId": other}, "If-Match", etag(G)), http.StatusBadRequest)
	says(r, "projectId", "cannot change while payments of this grant wait on another project's return or target",
		"£5.00 when Aspiro internships' return for April to June 2026 is accepted")
	if strings.Contains(string(r.Body), "£2.00") {
		t.Errorf("the refusal names the payment on the programme's target: %s", r.Body)
	}
	check()
	// To the return's own project: the same reads but the names, and the
	// change, guarded on the grant's revision, with the programme's target
	// held as read (a premise).
	measure("PATCH grant (to the project whose return it waits on)", "BatchGetItem×1 GetItem×1 Query×3 TransactWriteItems×1",
		testkit.Request("PATCH", G, w.lead, map[string]any{"projectId": w.project}, "If-Match", etag(G)), http.StatusOK)

	// Finding 2b, the target's side: the programme's target, which Aspiro's
	// grants wait on, given to Leeds.
	T := w.path("/targets/" + whole)
	check = unchanged(T)
	// The access read with the target; the programme's payments (one
	// Query, on the table: a payment just made is in it); the grants of
	// those waiting on it (one BatchGetItem).
	r = measure("PATCH target (to a project, another project's grants waiting on it)", "BatchGetItem×2 Query×1",
		testkit.Request("PATCH", T, w.lead, map[string]any{"projectId": other}, "If-Match", etag(T)), http.StatusBadRequest)
	says(r, "projectId", "cannot change while payments of another project's grants wait on this target", "Aspiro posts (£1.00)", "Recheck (£2.00)")
	check()
	measure("PATCH target (to the project whose grants wait on it)", "BatchGetItem×2 Query×1 TransactWriteItems×1",
		testkit.Request("PATCH", T, w.lead, map[string]any{"projectId": w.project}, "If-Match", etag(T)), http.StatusOK)
}
