package httpapi_test

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestPaymentEmailMovesWithItsGrant (DynamoDB Local): a tranche of X's
// grant falls due, its email pending for the notifier. X's member lists
// it and reads it; Y's does not. The grant is given to Y: at once, with no
// notifier run between, X's member no longer lists it, and reading it or
// its history is 404; Y's member lists and reads it. What a funder's list
// costs: the access read (with a lead's page beside it, dropped), the
// grants' funders as they are now (one Query, from the table), then the
// notifications' Query, then (as before, for an email recorded without
// its funder's contacts, as the API records a payment's) the funder's
// contacts now: four round trips. One payment-due email alone: the access
// read with it, then its grant (by key), then the funder's contacts:
// three. A lead's cost what they did: one round trip each.
func TestPaymentEmailMovesWithItsGrant(t *testing.T) {
	t.Parallel()
	s := testkit.New(t)
	rt := &roundTrips{DB: s.DB, wait: 2 * time.Second}
	h := startAPI(t, s, rt, testkit.APIConfig{})
	f := s.Build(t).Core("Payment emails move with their grant")
	pay := s.Build(t).Payment(f.Programme, f.GrantXA, testkit.DatedPaymentBody(1_000_00, "2025-06-30"))
	if pay.Status != domain.PaymentDue {
		t.Fatalf("the tranche: %+v, want due (its date has passed)", pay)
	}
	id := domain.PaymentNotificationID(pay.ID)
	one := f.Path("/notifications/" + id)
	listed := func(who string) bool {
		t.Helper()
		page := testkit.Decode[struct{ Items []domain.Notification }](t, h.Want(t, http.StatusOK, testkit.Request(http.MethodGet, f.Path("/notifications"), who, nil)))
		return slices.ContainsFunc(page.Items, func(n domain.Notification) bool { return n.ID == id })
	}
	reads := func(who string) bool {
		t.Helper()
		r := h.Do(t, testkit.Request(http.MethodGet, one, who, nil))
		history := h.Do(t, testkit.Request(http.MethodGet, one+"/history", who, nil))
		if r.Status != history.Status || (r.Status != http.StatusOK && r.Status != http.StatusNotFound) {
			t.Fatalf("as %s, the email %d, its history %d", who, r.Status, history.Status)
		}
		return r.Status == http.StatusOK
	}
	if !listed(uFunderX) || !reads(uFunderX) || listed(uFunderY) || reads(uFunderY) {
		t.Fatalf("X's grant: X lists %v, reads %v; Y lists %v, reads %v; want X only", listed(uFunderX), reads(uFunderX), listed(uFunderY), reads(uFunderY))
	}
	measureGET(t, s, h, rt, uFunderX, f.Path("/notifications"), "BatchGetItem×1 GetItem×1 Query×3", 4)
	measureGET(t, s, h, rt, uFunderX, one, "BatchGetItem×1 GetItem×2", 3)
	measureGET(t, s, h, rt, uLead, f.Path("/notifications"), "BatchGetItem×1 Query×1", 1)
	measureGET(t, s, h, rt, uLead, one, "BatchGetItem×1", 1)

	g := f.Path("/grants/" + f.GrantXA)
	etag := h.Want(t, http.StatusOK, testkit.Request(http.MethodGet, g, uLead, nil)).Header.Get("ETag")
	h.Want(t, http.StatusOK, testkit.Request(http.MethodPatch, g, uLead, map[string]any{"funderId": f.Y}, "If-Match", etag))
	if listed(uFunderX) || reads(uFunderX) {
		t.Errorf("given to Y, X's member still lists (%v) or reads (%v) its email", listed(uFunderX), reads(uFunderX))
	}
	if !listed(uFunderY) || !reads(uFunderY) {
		t.Errorf("given to Y, Y's member lists (%v) and reads (%v) the email it will be sent: want both", listed(uFunderY), reads(uFunderY))
	}
	if n := testkit.Decode[domain.Notification](t, h.Want(t, http.StatusOK, testkit.Request(http.MethodGet, one, uFunderY, nil))); len(n.Recipients) != 0 {
		t.Errorf("Y's member sees recipients %v of an email not yet addressed to Y", n.Recipients)
	}
	if !listed(uLead) {
		t.Error("the lead no longer lists the email")
	}
}
