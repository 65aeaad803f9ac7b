package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestOneDaySpendReturnReadsItsDate: a spend return for one day is listed
// on the grant's page, and headed on its own page, by that day ("31 March
// 2011"), not "31 March 2011 to 31 March 2011".
func TestOneDaySpendReturnReadsItsDate(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	s := h.build.Spend(f.PID, f.GrantX, testkit.SpendBody("2011-03-31", "2011-03-31", "staff", 500_00))
	lead := h.as(t, uLead)
	g := "/app/programmes/" + f.PID + "/grants/" + f.GrantX
	for _, path := range []string{g, g + "/spend/" + s.ID} {
		pg := lead.get(path)
		if strings.Contains(pg.Body, "31 March 2011 to 31 March 2011") || !strings.Contains(pg.Body, "31 March 2011") {
			t.Errorf("%s names the one-day period twice, or not at all\n%s", path, excerpt(pg.Body))
		}
	}
	if pg := lead.get(g); !strings.Contains(pg.Body, `href="`+g+`/spend/`+s.ID+`">31 March 2011</a>`) {
		t.Errorf("the grant page's spend returns do not list the one-day return by its date\n%s", excerpt(pg.Body))
	}
}

// TestEmptyFunderIDRefused: the 360Giving download with an empty funderId
// is refused (400) rather than answered with every grant as if it were
// one funder's; without the parameter it is the whole package.
func TestEmptyFunderIDRefused(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	lead := h.as(t, uLead)
	g := "/app/programmes/" + f.PID + "/grants/360giving"
	if pg := lead.get(g + "?funderId="); pg.Status != http.StatusBadRequest || strings.Contains(pg.Body, `"grants"`) {
		t.Errorf("an empty funderId: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	if pg := lead.get(g); pg.Status != http.StatusOK || !strings.Contains(pg.Body, `"grants"`) {
		t.Errorf("the whole package: %d\n%s", pg.Status, excerpt(pg.Body))
	}
}

// TestPaymentChangeOffersWhatCanBeSaved: a tranche to come is paid or
// cancelled; a paid one's form offers only its date and reference (it
// cannot be cancelled, so there is no Cancelled to choose); a cancelled
// one's page says it cannot be changed, with no Save button. A change its
// state refuses all the same (a form sent as it was before) is the 409
// page, linking back to the grant's payments.
func TestPaymentChangeOffersWhatCanBeSaved(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	lead := h.as(t, uLead)
	g := "/app/programmes/" + f.PID + "/grants/" + f.GrantX
	back := `data-testid="related-link" href="` + g + `#payments"`
	change := func(id string) string { return g + "/payments/" + id + "/change" }
	toCome := h.build.Payment(f.PID, f.GrantX, testkit.DatedPaymentBody(1_000_00, "2011-04-01"))
	paid := h.build.Payment(f.PID, f.GrantX, testkit.DatedPaymentBody(2_000_00, "2011-04-01"))
	h.build.PayNow(f.PID, f.GrantX, paid.ID, "2011-04-03")
	gone := h.build.Payment(f.PID, f.GrantX, testkit.DatedPaymentBody(3_000_00, "2011-05-01"))
	must(h.Svc.Open(context.Background(), caller(uLead), f.PID).UpdatePayment(f.GrantX, gone.ID, func(int64) bool { return true },
		body(map[string]any{"status": "cancelled"})))

	pg := lead.get(change(toCome.ID))
	if pg.Status != http.StatusOK || !strings.Contains(pg.Body, `type="radio" value="paid"`) || !strings.Contains(pg.Body, `type="radio" value="cancelled"`) {
		t.Errorf("a tranche to come is not offered Paid and Cancelled: %d\n%s", pg.Status, excerpt(pg.Body))
	}

	// Paid: the date and reference, no choice of what happened.
	pg = lead.get(change(paid.ID))
	if pg.Status != http.StatusOK || strings.Contains(pg.Body, `type="radio"`) || strings.Contains(pg.Body, `value="cancelled"`) ||
		!strings.Contains(pg.Body, `<input type="hidden" name="status" value="paid">`) || !strings.Contains(pg.Body, `name="paidDate-day"`) ||
		!strings.Contains(pg.Body, `name="reference"`) || !strings.Contains(pg.Body, `data-testid="submit"`) ||
		!strings.Contains(pg.Body, "<h1>Correct the payment</h1>") {
		t.Errorf("a paid payment's form: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	fix := url.Values{"version": {"2"}, "status": {"paid"}, "paidDate-day": {"4"}, "paidDate-month": {"4"}, "paidDate-year": {"2011"},
		"reference": {"BACS 12"}}
	if pg = lead.post(change(paid.ID), fix); pg.Status != http.StatusSeeOther {
		t.Fatalf("correcting the paid date: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	// Cancelled, sent all the same: refused, leading back to the grant.
	lead.get(change(paid.ID))
	pg = lead.post(change(paid.ID), url.Values{"version": {"3"}, "status": {"cancelled"}})
	if pg.Status != http.StatusConflict || !strings.Contains(pg.Body, "This payment has been paid, so it cannot be cancelled. Nothing was saved.") ||
		!strings.Contains(pg.Body, back) {
		t.Errorf("cancelling a paid payment: %d\n%s", pg.Status, excerpt(pg.Body))
	}

	// Cancelled: nothing to change, and no Save button.
	pg = lead.get(change(gone.ID))
	if pg.Status != http.StatusOK || !strings.Contains(pg.Body, `data-testid="payment-cancelled"`) ||
		!strings.Contains(pg.Body, "cannot be changed") || strings.Contains(pg.Body, `data-testid="submit"`) ||
		strings.Contains(pg.Body, `data-testid="payment-change-form"`) || !strings.Contains(pg.Body, `href="`+g+`#payments">Back to the grant</a>`) {
		t.Errorf("a cancelled payment's page: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	pg = lead.post(change(gone.ID), url.Values{"version": {"2"}, "status": {"paid"}, "paidDate-day": {"4"}, "paidDate-month": {"4"},
		"paidDate-year": {"2011"}})
	if pg.Status != http.StatusConflict || !strings.Contains(pg.Body, "This payment was cancelled; record a new payment instead.") ||
		!strings.Contains(pg.Body, back) {
		t.Errorf("paying a cancelled payment: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	if got := must(h.Svc.Open(context.Background(), caller(uLead), f.PID).Payment(f.GrantX, paid.ID)); got.Status != domain.PaymentPaid ||
		got.PaidDate.String() != "2011-04-04" || got.Reference != "BACS 12" {
		t.Errorf("the paid payment: %+v", got)
	}
}
