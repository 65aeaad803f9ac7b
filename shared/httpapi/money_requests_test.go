package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestMoneyWriteRequests: what each change of money costs in DynamoDB
// requests: what a change needs is read with the access check or beside
// it, and the change is one transaction (the record, the running figures
// it moves: a grant's totals and funding item, a payment's or spend
// return's money item with its condition; the audit event). That is whatever
// the grant's history, but for a spend return, which lists the grant's
// returns (one Query a page of 100: a year of monthly returns and their
// corrections is one) to refuse one for days already reported. No
// Idempotency-Key, so none of the key's own requests is counted.
func TestMoneyWriteRequests(t *testing.T) {
	t.Parallel()
	w := newRCWorld(t, nil)
	a := w.a
	measure, etag := w.measure(t), w.etag(t)
	target, _ := a.Create(t, w.lead, w.path("/targets"), map[string]any{"metric": "peopleIntoWork", "value": 20,
		"deadline": "2027-12-31", "projectId": w.project, "notify": []string{}})
	sched, _ := a.Create(t, w.lead, w.path("/schedules"), map[string]any{"name": "Quarterly", "frequency": "quarterly",
		"firstPeriodStart": "2026-01-01", "lastPeriodEnd": "2026-12-31"})
	ret := domain.ReturnID(sched, w.project, domain.MustDate("2026-01-01"))
	budget := []map[string]any{{"category": "staff", "amountPence": 80_000_00}, {"category": "travel", "amountPence": 20_000_00}}

	// The access read with the funder and the project; one transaction
	// (the grant, the totals and the funding item).
	res := measure("POST grant (budget)", "BatchGetItem×1 TransactWriteItems×1",
		testkit.Request("POST", w.path("/grants"), w.lead, map[string]any{"funderId": w.fund, "projectId": w.project,
			"title": "Employment specialists", "amountPence": 100_000_00, "currency": "GBP", "awardDate": "2025-12-01",
			"startDate": "2026-01-01", "endDate": "2026-12-31", "budget": budget}), http.StatusCreated)
	g := testkit.Decode[domain.Grant](t, res).ID
	G := w.path("/grants/" + g)
	// The access read with the grant; one transaction conditioned on the
	// version (and, were the award lowered, on the money item's headroom).
	measure("PATCH grant (budget)", "BatchGetItem×1 TransactWriteItems×1",
		testkit.Request("PATCH", G, w.lead, map[string]any{"budget": []map[string]any{{"category": "staff", "amountPence": 85_000_00},
			{"category": "travel", "amountPence": 15_000_00}}}, "If-Match", etag(G)), http.StatusOK)

	// The access read with the grant (and the target or return the
	// trigger names, with the return's project); one transaction: the
	// payment, the money item's headroom conditioned to cover it (and,
	// waiting on a target or return, the changed marker and the grant's
	// and target's revisions). A payment whose trigger holds already is
	// made due in it, with its email: a dated one whose date has come
	// costs nothing more.
	res = measure("POST payment (date)", "BatchGetItem×1 TransactWriteItems×1",
		testkit.Request("POST", G+"/payments", w.lead, testkit.DatedPaymentBody(40_000_00, "2026-01-31")), http.StatusCreated)
	dated := testkit.Decode[domain.Payment](t, res).ID
	res = measure("POST payment (date, passed)", "BatchGetItem×1 TransactWriteItems×1",
		testkit.Request("POST", G+"/payments", w.lead, testkit.DatedPaymentBody(1_00, "2026-01-02")), http.StatusCreated)
	if p := testkit.Decode[domain.Payment](t, res); p.Status != domain.PaymentDue {
		t.Errorf("a payment made after its date: %+v", p)
	}
	// A payment on a target reads, as of one moment, the years of figures
	// the target's window covers with the figures version the write is
	// conditioned on (one TransactGetItems), to tell whether its threshold
	// is reached already.
	measure("POST payment (milestone)", "BatchGetItem×1 TransactGetItems×1 TransactWriteItems×1",
		testkit.Request("POST", G+"/payments", w.lead, testkit.MilestonePaymentBody(30_000_00, target, 50)), http.StatusCreated)
	measure("POST payment (return)", "BatchGetItem×1 TransactWriteItems×1",
		testkit.Request("POST", G+"/payments", w.lead, map[string]any{"amountPence": 20_000_00,
			"trigger": map[string]any{"kind": "return", "returnId": ret}}), http.StatusCreated)
	// Over the award: refused after the same reads, the transaction
	// cancelled by the headroom's condition.
	measure("POST payment (over the award)", "BatchGetItem×1 TransactWriteItems×1",
		testkit.Request("POST", G+"/payments", w.lead, testkit.DatedPaymentBody(10_000_01, "2026-02-28")), http.StatusBadRequest)

	// The access read with the grant and the payment; one transaction
	// conditioned on the payment's version.
	P := G + "/payments/" + dated
	measure("PATCH payment (paid)", "BatchGetItem×1 TransactWriteItems×1",
		testkit.Request("PATCH", P, w.lead, map[string]any{"status": "paid", "paidDate": "2026-01-05"}, "If-Match", etag(P)), http.StatusOK)
	// A payment due, its payment-due email still pending, costs the same:
	// the email rides in the access read with the payment, and is
	// withdrawn (deleted, with its audit event) in the same transaction.
	passed, _ := a.Create(t, w.lead, G+"/payments", testkit.DatedPaymentBody(2_00, "2026-01-03"))
	due := G + "/payments/" + passed
	measure("PATCH payment (due, its email pending: cancelled)", "BatchGetItem×1 TransactWriteItems×1",
		testkit.Request("PATCH", due, w.lead, map[string]any{"status": "cancelled"}, "If-Match", etag(due)), http.StatusOK)
	a.Want(t, http.StatusNotFound, testkit.Request("GET", w.path("/notifications/"+domain.PaymentNotificationID(passed)), w.lead, nil))

	// The access read with the grant, and beside it the grant's spend
	// returns; one transaction: the return, the money item (its count of
	// returns conditioned on the list's), the grant's revision, the month's
	// money.
	res = measure("POST spend", "BatchGetItem×1 Query×1 TransactWriteItems×1",
		testkit.Request("POST", G+"/spend", w.pl, testkit.SpendBody("2026-01-01", "2026-01-04", "staff", 3_000_00)), http.StatusCreated)
	first := testkit.Decode[domain.SpendReturn](t, res).ID
	// For days already reported: the same reads, refused before any write.
	measure("POST spend (days already reported)", "BatchGetItem×1 Query×1",
		testkit.Request("POST", G+"/spend", w.pl, testkit.SpendBody("2026-01-04", "2026-01-10", "staff", 1_00)), http.StatusConflict)
	// As spend: the return it corrects is one of those listed.
	body := testkit.SpendBody("2026-01-01", "2026-01-04", "staff", 2_500_00)
	body["replaces"] = first
	measure("POST spend (correction)", "BatchGetItem×1 Query×1 TransactWriteItems×1", testkit.Request("POST", G+"/spend", w.pl, body), http.StatusCreated)
	// The same return corrected again: the same reads and transaction,
	// refused; only then are the correction markers read, one per link of
	// the chain and one to find its end, to name the newest correction.
	measure("POST spend (a corrected one)", "BatchGetItem×1 GetItem×2 Query×1 TransactWriteItems×1", testkit.Request("POST", G+"/spend", w.pl, body), http.StatusConflict)

	// Without review a submission counts at once, and makes due the
	// payments it fires: as an approval does (reporting_requests_test.go),
	// beside its reads (the access, the setup, the return it fills) the
	// payments waiting on the targets and on that return (one Query of
	// the index each), those read again by key with their grants and
	// targets (one BatchGetItem), the target's years of figures with the
	// figures version (one TransactGetItems); then the one transaction.
	// Here it takes the target to 10 of 20 and accepts the return.
	measure("POST outcome (counted, releasing two payments)",
		"BatchGetItem×3 Query×1 Query/GSI1×2 TransactGetItems×1 TransactWriteItems×1",
		testkit.Request("POST", w.outcomes(), w.pl, map[string]any{"periodStart": "2026-01-01", "periodEnd": "2026-03-31",
			"counts": map[string]int{"peopleIntoWork": 10}}), http.StatusCreated)
	money := testkit.Decode[domain.Progress](t, a.Want(t, http.StatusOK, testkit.Request("GET", w.path("/progress"), w.lead, nil))).Money
	if money.DuePence != 50_000_00+1_00 {
		t.Errorf("due after the submission: %d, want the two payments it released (and the one made past its date)", money.DuePence)
	}
	// With no payment waiting on what it fires, a counted submission costs
	// the two Queries of the index alone beside its own reads (here it
	// counts figures and accepts the next quarter's return, on which
	// nothing waits): nothing is read by key, no figures as of a moment.
	w.s.Clock.Set("2026-04-24T10:00:00Z") // the quarter has begun
	measure("POST outcome (counted, no payment waiting)", "BatchGetItem×2 Query×1 Query/GSI1×2 TransactWriteItems×1",
		testkit.Request("POST", w.outcomes(), w.pl, map[string]any{"periodStart": "2026-04-01", "periodEnd": "2026-06-30",
			"counts": map[string]int{"peopleIntoWork": 5}}), http.StatusCreated)
}
