package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestReportingWriteRequests: what each change of the reporting cycle
// costs in DynamoDB requests, whatever the history: the reads a change
// needs go out with the access check, and the change itself is one
// transaction (a schedule's returns follow in transactions of up to 99).
// No Idempotency-Key, so none of the key's own requests is counted.
func TestReportingWriteRequests(t *testing.T) {
	t.Parallel()
	w := newRCWorld(t, nil)
	measure, etag := w.measure(t), w.etag(t)

	// The access read (with the programme), then the version-conditioned
	// Put, the audit event and the history in one transaction.
	measure("PATCH programme", "BatchGetItem×1 TransactWriteItems×1",
		testkit.Request("PATCH", w.path(""), w.lead, map[string]any{"reviewOutcomes": true}, "If-Match", etag(w.path(""))), http.StatusOK)

	// The access read, the reporting setup and the projects; the
	// schedule's transaction (with the generation marker); then its
	// returns, as the notifier would finish them had this request died:
	// the setup, the projects and their history read again, one
	// transaction for the four returns and their counts (one per 99
	// returns), and the marker deleted.
	res := measure("POST schedule", "BatchGetItem×1 DeleteItem×1 Query×5 TransactWriteItems×2",
		testkit.Request("POST", w.path("/schedules"), w.lead, map[string]any{"name": "Quarterly returns", "frequency": "quarterly",
			"firstPeriodStart": "2026-01-01", "lastPeriodEnd": "2026-12-31"}), http.StatusCreated)
	sched := testkit.Decode[domain.Schedule](t, res).ID

	// The access read with the project, beside the reporting setup; the
	// return the submission fills read by its key (one a schedule with
	// that exact period), with the project again (its dates say whether
	// a return not written yet is expected: one BatchGetItem); one
	// transaction.
	w.s.Clock.Set("2026-04-24T10:00:00Z")
	res = measure("POST outcome (review on, fills a return)", "BatchGetItem×2 Query×1 TransactWriteItems×1",
		testkit.Request("POST", w.outcomes(), w.pl, map[string]any{"periodStart": "2026-01-01", "periodEnd": "2026-03-31",
			"counts": map[string]int{"peopleIntoWork": 12}}), http.StatusCreated)
	first := testkit.Decode[domain.Outcome](t, res).ID

	// The access read with the submission, beside the setup; its return
	// read by key; one transaction for the decision, the return, the
	// counts and the email.
	review := func(id string) string { return w.outcomes() + "/" + id + "/review" }
	measure("POST review (request changes)", "BatchGetItem×1 GetItem×1 Query×1 TransactWriteItems×1",
		testkit.Request("POST", review(first), w.lead, map[string]any{"decision": "request-changes", "comment": "Please check the count."}), http.StatusOK)

	// As a submission, plus the submission it corrects.
	res = measure("POST outcome (correction)", "BatchGetItem×2 GetItem×1 Query×1 TransactWriteItems×1",
		testkit.Request("POST", w.outcomes(), w.pl, map[string]any{"periodStart": "2026-01-01", "periodEnd": "2026-03-31",
			"counts": map[string]int{"peopleIntoWork": 11}, "replaces": first}), http.StatusCreated)
	fix := testkit.Decode[domain.Outcome](t, res).ID

	// Approval moves the figures into the totals and the daily series in
	// the same transaction, with any payment it releases: beside the
	// return's read, the payments waiting on the programme's targets and
	// on the return it accepts (one Query of the index each, none here).
	measure("POST review (approve)", "BatchGetItem×1 GetItem×1 Query×1 Query/GSI1×2 TransactWriteItems×1",
		testkit.Request("POST", review(fix), w.lead, map[string]any{"decision": "approve"}), http.StatusOK)

	// An approval that releases payments (one on a target whose 50% its
	// figures reach, one on the return it accepts) reads them again by key
	// with their grants and targets (one BatchGetItem), and the target's
	// years of figures with their version (one TransactGetItems): then one
	// transaction makes both due with the decision.
	target, _ := w.a.Create(t, w.lead, w.path("/targets"), map[string]any{"metric": "peopleIntoWork", "value": 100,
		"deadline": "2027-12-31", "notify": []string{}})
	grant, _ := w.a.Create(t, w.lead, w.path("/grants"), map[string]any{"funderId": w.fund, "title": "Network grant",
		"amountPence": 100_000_00, "currency": "GBP", "awardDate": "2026-01-01", "startDate": "2026-01-01", "endDate": "2027-12-31"})
	G := w.path("/grants/" + grant)
	onTarget, _ := w.a.Create(t, w.lead, G+"/payments", testkit.MilestonePaymentBody(10_000_00, target, 50))
	onReturn, _ := w.a.Create(t, w.lead, G+"/payments", map[string]any{"amountPence": 5_000_00,
		"trigger": map[string]any{"kind": "return", "returnId": domain.ReturnID(sched, w.project, domain.MustDate("2026-04-01"))}})
	res = w.a.Want(t, http.StatusCreated, testkit.Request("POST", w.outcomes(), w.pl, map[string]any{"periodStart": "2026-04-01",
		"periodEnd": "2026-06-30", "counts": map[string]int{"peopleIntoWork": 40}}))
	q2 := testkit.Decode[domain.Outcome](t, res).ID
	measure("POST review (approve, releasing two payments)", "BatchGetItem×2 GetItem×1 Query×1 Query/GSI1×2 TransactGetItems×1 TransactWriteItems×1",
		testkit.Request("POST", review(q2), w.lead, map[string]any{"decision": "approve"}), http.StatusOK)
	for _, id := range []string{onTarget, onReturn} {
		if p := testkit.Decode[domain.Payment](t, w.a.Want(t, http.StatusOK, testkit.Request("GET", G+"/payments/"+id, w.lead, nil))); p.Status != domain.PaymentDue {
			t.Errorf("payment %s after the approval: %s", id, p.Status)
		}
	}

	// The access read with the schedule, the reporting setup; one
	// transaction (a new name changes no return).
	measure("PATCH schedule (name)", "BatchGetItem×1 Query×1 TransactWriteItems×1",
		testkit.Request("PATCH", w.path("/schedules/"+sched), w.lead, map[string]any{"name": "Quarterly returns to the DWP"},
			"If-Match", etag(w.path("/schedules/"+sched))), http.StatusOK)

	// Making someone a project lead: the access read with the member, one
	// transaction; then that project's returns whose emails may still go
	// today are put back in line for the notifier: the reporting setup,
	// one Query of the project's expected returns of each schedule (the
	// period ends from 90 days past due to 90 days before it) and an
	// UpdateItem a return (here Q1, overdue, and Q2, to be reminded; not
	// Q3 and Q4).
	council, _ := w.a.Create(t, w.lead, w.path("/projects"), map[string]any{"name": "Bradford Council", "leadOrganisation": "Bradford Council",
		"startDate": "2026-01-01", "endDate": "2027-12-31"})
	newLead := w.inbox.Addr("pl.council", "bradford.gov.uk")
	measure("PUT member (a new project lead)", "BatchGetItem×1 Query×1 Query/GSI2×1 TransactWriteItems×1 UpdateItem×2",
		testkit.Request("PUT", w.path("/members/"+newLead), w.lead, testkit.RolesBody(testkit.RoleProjectLead(council))), http.StatusCreated)
	// Other roles, or project leads already: the access read and the
	// transaction alone.
	measure("PUT member (a funder)", "BatchGetItem×1 TransactWriteItems×1",
		testkit.Request("PUT", w.path("/members/"+w.inbox.Addr("officer", "dwp.gov.uk")), w.lead, testkit.RolesBody(testkit.RoleFunder(w.fund))), http.StatusCreated)
	measure("PUT member (project lead already, made a lead too)", "BatchGetItem×1 TransactWriteItems×1",
		testkit.Request("PUT", w.path("/members/"+newLead), w.lead, testkit.RolesBody(testkit.RoleProjectLead(council), testkit.RoleLead())), http.StatusOK)

	// The schedule's last period moved earlier, December to September:
	// the access read with the schedule, the reporting setup; the
	// programme's projects (the schedule covers every one), then one
	// Query of each project's returns of the schedule starting after the
	// new last period (the table's keys, read consistently: two projects,
	// sent together); the programme's payments (there are returns to
	// remove); one transaction deleting the two returns, with their
	// counts, the schedule, the setup's sequence and the audit event.
	measure("PATCH schedule (last period moved earlier, two returns removed)", "BatchGetItem×1 Query×5 TransactWriteItems×1",
		testkit.Request("PATCH", w.path("/schedules/"+sched), w.lead, map[string]any{"lastPeriodEnd": "2026-09-30"},
			"If-Match", etag(w.path("/schedules/"+sched))), http.StatusOK)
	rs := testkit.Decode[struct{ Items []domain.Return }](t, w.a.Want(t, http.StatusOK,
		testkit.Request("GET", w.path("/returns?scheduleId="+sched+"&limit=100"), w.lead, nil)))
	for _, r := range rs.Items {
		if r.PeriodEnd.After(domain.MustDate("2026-09-30")) {
			t.Errorf("a return for %s to %s after the last period moved to September", r.PeriodStart, r.PeriodEnd)
		}
	}
	if len(rs.Items) != 6 {
		t.Errorf("%d returns after the last period moved to September, want three quarters of two projects", len(rs.Items))
	}
}
