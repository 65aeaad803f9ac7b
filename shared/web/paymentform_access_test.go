package web_test

import (
	"net/http"
	"testing"
)

// TestPaymentFormOfAnUnreadableGrantIsNotFound: the payment form of a
// grant the person may not read is 404, as the API answers, not 403; of a
// grant they read without managing payments, 403.
func TestPaymentFormOfAnUnreadableGrantIsNotFound(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	p := "/app/programmes/" + f.PID
	for _, who := range []string{uFunder, uPL} {
		b := h.as(t, who)
		if pg := b.get(p + "/grants/" + f.GrantY + "/payments/new"); pg.Status != http.StatusNotFound {
			t.Errorf("%s, the payment form of a grant they cannot read: %d, want 404", who, pg.Status)
		}
		if pg := b.get(p + "/grants/" + f.GrantX + "/payments/new"); pg.Status != http.StatusForbidden {
			t.Errorf("%s, the payment form of a grant they read: %d, want 403", who, pg.Status)
		}
	}
}
