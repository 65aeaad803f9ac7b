package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestReleaseWithTargetAndImportRequests: a target lowered so that the
// figures counted already reach a payment's threshold, and an import
// whose counted rows take a target over one, each make the payment due
// with the change, as an approval does (money_requests_test.go), in
// DynamoDB: the payment due since today with its email recorded pending,
// which the notifier's next run sends once to the funder's contacts and
// the leads. What each costs is bounded as an approval's release is.
func TestReleaseWithTargetAndImportRequests(t *testing.T) {
	t.Parallel()
	w := newRCWorld(t, nil)
	a := w.a
	measure, etag := w.measure(t), w.etag(t)
	target, _ := a.Create(t, w.lead, w.path("/targets"), map[string]any{"metric": "peopleIntoWork", "value": 40,
		"deadline": "2027-12-31", "projectId": w.project, "notify": []string{}})
	T := w.path("/targets/" + target)
	g, _ := a.Create(t, w.lead, w.path("/grants"), map[string]any{"funderId": w.fund, "projectId": w.project,
		"title": "Employment specialists", "amountPence": 100_000_00, "currency": "GBP", "awardDate": "2025-12-01",
		"startDate": "2026-01-01", "endDate": "2026-12-31"})
	G := w.path("/grants/" + g)
	pay := func(threshold int64) string {
		id, _ := a.Create(t, w.lead, G+"/payments", testkit.MilestonePaymentBody(10_000_00, target, threshold))
		return id
	}
	status := func(id string) domain.Payment {
		return testkit.Decode[domain.Payment](t, a.Want(t, http.StatusOK, testkit.Request("GET", G+"/payments/"+id, w.lead, nil)))
	}
	wantDue := func(what, id string) {
		t.Helper()
		if p := status(id); p.Status != domain.PaymentDue || p.DueSince != domain.MustDate("2026-01-05") {
			t.Errorf("%s: %s since %q, want due since 2026-01-05", what, p.Status, p.DueSince)
		}
	}
	wantScheduled := func(what, id string) {
		t.Helper()
		if p := status(id); p.Status != domain.PaymentScheduled {
			t.Errorf("%s: %s, want scheduled", what, p.Status)
		}
	}
	at50, at100 := pay(50), pay(100)
	// Without review: counted at once, 5 of 40 (12.5%).
	a.Want(t, http.StatusCreated, testkit.Request("POST", w.outcomes(), w.pl, map[string]any{"periodStart": "2026-01-01",
		"periodEnd": "2026-01-31", "counts": map[string]int{"peopleIntoWork": 5}}))

	// A higher value reaches nothing new: the access read with the target,
	// one transaction, as ever.
	measure("PATCH target (raised)", "BatchGetItem×1 TransactWriteItems×1",
		testkit.Request("PATCH", T, w.lead, map[string]any{"value": 50}, "If-Match", etag(T)), http.StatusOK)
	wantScheduled("on 50%, the target raised", at50)
	// Lowered to 10 (5 of 10: 50%): beside the access read, the payments
	// waiting on the target (one Query of the index), those read again by
	// key with their grants (one BatchGetItem), the target's years of
	// figures with the figures version (one TransactGetItems); then the
	// one transaction, the payment made due in it.
	measure("PATCH target (lowered, releasing a payment)", "BatchGetItem×2 Query/GSI1×1 TransactGetItems×1 TransactWriteItems×1",
		testkit.Request("PATCH", T, w.lead, map[string]any{"value": 10}, "If-Match", etag(T)), http.StatusOK)
	wantDue("on 50%, the target lowered", at50)
	wantScheduled("on 100%", at100)

	// An import of a row correcting January's 5 to 10, taking the target
	// to 10 of 10: beside the
	// import's own reads and writes, the payments waiting on targets (one
	// Query of the index), read again by key (one BatchGetItem), the
	// figures (one TransactGetItems), and one transaction making them due.
	// (The import's own: the access read, the projects, the setup and the
	// project's submissions, read again under the lock; the lock, the
	// row's transaction, the unlock.)
	file := []byte("Project,Period start,Period end,People into work\r\nAspiro internships,2026-01-01,2026-01-31,10\r\n")
	measure("POST import (releasing a payment)",
		"BatchGetItem×2 DeleteItem×1 PutItem×1 Query×4 Query/GSI1×1 TransactGetItems×1 TransactWriteItems×2",
		importReq(w.lead, w.path("/imports"), domain.MediaCSV, file), http.StatusOK)
	wantDue("on 100%, imported", at100)

	// The notifier's next run emails each payment once; the run after, none.
	w.run(t)
	w.run(t)
	sent := map[string]int{}
	for k, c := range w.mail(t) {
		if strings.HasPrefix(k[1], "Payment due: £10,000.00") {
			sent[k[0]] += c
		}
	}
	if sent[w.contact] != 2 || sent[w.lead] != 2 {
		t.Errorf("payment-due emails by recipient: %v, want two each to the funder's contact and the lead", sent)
	}
}
