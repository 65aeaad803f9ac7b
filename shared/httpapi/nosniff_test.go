package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestEveryAnswerIsNosniff: every answer of the API says
// X-Content-Type-Options: nosniff, whatever its type (JSON, CSV, a
// workbook, the OpenAPI document) and whoever wrote it (a route, a
// refusal before any route runs, a replay, the fallback), since the API
// shares its origin with the web app (audit N5). TestEveryRouteOverDynamoDB
// checks it of every route's answers too.
func TestEveryAnswerIsNosniff(t *testing.T) {
	t.Parallel()
	h := newMemAPI(t)
	f := h.fixture(t)
	funder := map[string]any{"name": "Nosniff funder", "contacts": []string{"grants@example.org"}}
	cases := []struct {
		req  testkit.Req
		want int
	}{
		{testkit.Request("GET", "/health", "", nil), http.StatusOK},
		{testkit.Request("GET", "/openapi.json", "", nil), http.StatusOK},
		{testkit.Request("GET", "/programmes", "", nil), http.StatusUnauthorized},
		{testkit.Request("GET", f.p1(""), uLead, nil), http.StatusOK},
		{testkit.Request("GET", f.p1("/grants"), uLead, nil), http.StatusOK},
		{testkit.Request("GET", f.p1("/grants.csv"), uLead, nil), http.StatusOK},
		{testkit.Request("GET", f.p1("/grants/360giving"), uLead, nil), http.StatusOK},
		{testkit.Request("GET", f.p1("/imports/template.xlsx"), uLead, nil), http.StatusOK},
		{testkit.Request("GET", f.p1("/imports/template.csv"), uLead, nil), http.StatusOK},
		{testkit.Request("GET", f.p1("/grants/"+f.GrantYB), uFunderX, nil), http.StatusNotFound},
		{testkit.Request("PATCH", f.p1(""), uLead, map[string]any{"name": "x"}), http.StatusPreconditionRequired},
		{testkit.Request("DELETE", f.p1("/grants"), uLead, nil), http.StatusMethodNotAllowed},
		{testkit.Request("GET", "/no/such/thing", uLead, nil), http.StatusNotFound}, // the fallback's
		{testkit.Request("POST", f.p1("/funders"), uLead, "{"), http.StatusBadRequest},
		{testkit.Request("POST", f.p1("/funders"), uLead, funder, "Idempotency-Key", "nosniff"), http.StatusCreated},
		{testkit.Request("POST", f.p1("/funders"), uLead, funder, "Idempotency-Key", "nosniff"), http.StatusCreated}, // its replay
	}
	for i, c := range cases {
		r := h.Do(t, c.req)
		if replay := i == len(cases)-1; r.Status != c.want || replay != (r.Header.Get("Idempotent-Replayed") == "true") {
			t.Errorf("%s %s: %d (replayed %q), want %d", c.req.Method, c.req.Path, r.Status, r.Header.Get("Idempotent-Replayed"), c.want)
		}
		if got := r.Header.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("%s %s: %d (%s, replayed %q) with X-Content-Type-Options %q", c.req.Method, c.req.Path, r.Status,
				r.Header.Get("Content-Type"), r.Header.Get("Idempotent-Replayed"), got)
		}
	}
}
