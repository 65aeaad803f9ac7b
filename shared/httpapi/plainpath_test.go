package httpapi_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/httpapi"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestPathsNotInPlainForm: a path with an empty segment (//), or a . or
// .. segment, names no resource: 404 in the SPEC's error shape, with the
// headers every answer carries, whoever asks and however — never
// http.ServeMux's HTML 307 to the cleaned path, which came before the
// caller was checked and without X-Request-Id or nosniff (audit-api2 N3).
// So it is answered by the functions mounted together (as the runner
// serves them) and by each function's handler alone, as API Gateway
// hands it a path as sent.
func TestPathsNotInPlainForm(t *testing.T) {
	t.Parallel()
	h := newMemAPI(t)
	f := h.fixture(t)
	paths := []string{"//programmes", f.p1("//grants"), f.p1("/grants/"), f.p1("/./grants"), f.p1("/../" + f.P1 + "/grants"),
		"/programmes/" + f.P1 + "/.", "/programmes/..", "/health/.", "//health", "/programmes//" + f.P1}
	check := func(t *testing.T, what string, status int, hdr http.Header, body string) {
		t.Helper()
		if status != http.StatusNotFound || !strings.HasPrefix(hdr.Get("Content-Type"), "application/json") ||
			!strings.Contains(body, `"code":"not_found"`) {
			t.Errorf("%s: %d %s %s, want 404 not_found in JSON", what, status, hdr.Get("Content-Type"), body)
		}
		if hdr.Get("X-Request-Id") == "" || hdr.Get("X-Content-Type-Options") != "nosniff" || hdr.Get("Location") != "" {
			t.Errorf("%s: headers %v, want X-Request-Id and nosniff, no Location", what, hdr)
		}
	}
	for _, p := range paths {
		for _, as := range []string{"", uLead} {
			for _, method := range []string{http.MethodGet, http.MethodPost} {
				r := h.Do(t, testkit.Req{Method: method, Path: p, As: as})
				check(t, method+" "+p+" as "+as, r.Status, r.Header, string(r.Body))
			}
		}
	}
	// Each function alone, as in AWS.
	for _, fn := range httpapi.Functions(httpapi.Deps{}) {
		for _, p := range paths {
			req := httptest.NewRequest(http.MethodGet, "http://api.example"+p, nil)
			rec := httptest.NewRecorder()
			fn.Handler.ServeHTTP(rec, req)
			check(t, fn.Name+" GET "+p, rec.Code, rec.Header(), rec.Body.String())
		}
	}
	rec := httptest.NewRecorder()
	httpapi.NewFallbackHandler(httpapi.Deps{}).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "http://api.example//no/such", nil))
	check(t, "the fallback", rec.Code, rec.Header(), rec.Body.String())
	// A plain path is served as before.
	h.Want(t, http.StatusOK, testkit.Req{Method: http.MethodGet, Path: f.p1("/grants"), As: uLead})
}
