package web_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestPathsNotInPlainFormAreNotFound: an address with an empty segment
// (//) or a . or .. segment is no page: the app's own 404 page, signed in
// or not, whatever the method — never http.ServeMux's 307 to the cleaned
// address, which no page of the app links to (audit-surface N3).
func TestPathsNotInPlainFormAreNotFound(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	base := "/app/programmes/" + f.PID
	paths := []string{"/app//programmes", base + "//grants", base + "/./grants", base + "/grants/.", "/app/programmes/../programmes",
		"/app/.", "/app/./", "/app/auth//login", "/app/auth/./signed-out", "/app/static/../auth/login", "//app/", "/app/programmes/" + f.PID + "/.."}
	for _, b := range []*browser{h.as(t, uLead), h.browser(t)} {
		for _, path := range paths {
			for _, method := range []string{http.MethodGet, http.MethodPost} {
				pg := b.do(method, path, nil)
				if pg.Status != http.StatusNotFound || pg.Header.Get("Location") != "" || !strings.Contains(pg.Body, "Page not found") {
					t.Errorf("%s %s: %d Location %q, want the 404 page\n%s", method, path, pg.Status, pg.Header.Get("Location"), excerpt(pg.Body))
				}
				if pg.Header.Get("X-Content-Type-Options") != "nosniff" || pg.Header.Get("X-Request-Id") == "" {
					t.Errorf("%s %s: headers %v, want every page's", method, path, pg.Header)
				}
			}
		}
	}
	// The plain addresses are served as before.
	if pg := h.as(t, uLead).get(base + "/grants"); pg.Status != http.StatusOK {
		t.Errorf("GET %s/grants: %d", base, pg.Status)
	}
}
