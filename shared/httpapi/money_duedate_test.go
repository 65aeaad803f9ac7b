package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestAPIPaymentDueDateWithinTheGrant: a tranche's dueDate is never before
// its grant's award (2025-01-15 here), nor more than a year after the
// grant's end (2026-01-31): 400 naming dueDate, whatever the trigger; the
// award date itself and a year after the end are taken.
func TestAPIPaymentDueDateWithinTheGrant(t *testing.T) {
	t.Parallel()
	s := testkit.New(t)
	h := &apiH{API: s.API(t), Stack: s}
	f := h.fixture(t)
	pay := f.p1("/grants/" + f.GrantXA + "/payments")
	for _, due := range []string{"2001-01-01", "2025-01-14", "2027-02-01", "2099-02-03"} {
		e := testkit.WantErr(t, h.Do(t, testkit.Request("POST", pay, uLead, testkit.DatedPaymentBody(100, due))), http.StatusBadRequest, "validation_failed")
		if e.Fields["dueDate"] == "" {
			t.Errorf("dueDate %s: refused without naming dueDate: %+v", due, e)
		}
	}
	for _, due := range []string{"2025-01-15", "2027-01-31"} {
		h.Want(t, http.StatusCreated, testkit.Request("POST", pay, uLead, testkit.DatedPaymentBody(100, due)))
	}
}
