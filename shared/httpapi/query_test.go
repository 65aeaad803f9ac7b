package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestEveryRouteReadsItsQueryOneWay: a query string that cannot be read,
// names a parameter twice, or names one the route does not take, is 400 on
// every route — also those that read no parameter — rather than quietly
// ignored (TestUnknownQueryParametersAreRefused tries every operation).
func TestEveryRouteReadsItsQueryOneWay(t *testing.T) {
	t.Parallel()
	h := newMemAPI(t)
	f := h.fixture(t)
	for _, path := range []string{"/programmes/" + f.P1, "/programmes/" + f.P1 + "/progress", "/programmes", "/programmes/" + f.P1 + "/grants"} {
		for _, q := range []string{"?%%%", "?limit=%zz", "?a=1;b=2", "?cursor=x&cursor=y"} {
			testkit.WantErr(t, h.Do(t, testkit.Req{Method: "GET", Path: path + q, As: uLead}), http.StatusBadRequest, "validation_failed")
		}
		testkit.WantErr(t, h.Do(t, testkit.Req{Method: "GET", Path: path + "?ignored=1", As: uLead}), http.StatusBadRequest, "validation_failed")
	}
	// Authentication still comes first.
	testkit.WantErr(t, h.Do(t, testkit.Req{Method: "GET", Path: "/programmes?%%%"}), http.StatusUnauthorized, "unauthenticated")
}
