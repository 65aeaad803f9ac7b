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

// TestPublicRoutesRefuseOtherMethods: the sign-in and sign-out addresses,
// the static files and /app answer a method they do not serve as every
// page does: the 405 page with Allow naming what they serve (they were
// 404, or a 307 to /app/, for any method but their own: audit-surface N4).
func TestPublicRoutesRefuseOtherMethods(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	routes := []struct{ path, allow string }{
		{"/app/auth/login", "GET, HEAD"},
		{"/app/auth/callback", "GET, HEAD, POST"},
		{"/app/auth/logout", "POST"},
		{"/app/auth/logout-everywhere", "POST"},
		{"/app/auth/signed-out", "GET, HEAD"},
		{"/app/static/0123456789ab/app.css", "GET, HEAD"},
		{"/app", "GET, HEAD"},
	}
	methods := []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions}
	for _, b := range []*browser{h.as(t, uLead), h.browser(t)} {
		for _, rt := range routes {
			for _, m := range methods {
				served := strings.Contains(rt.allow, m)
				pg := b.do(m, rt.path, nil)
				switch {
				case served && pg.Status == http.StatusMethodNotAllowed:
					t.Errorf("%s %s: 405, but it serves %s", m, rt.path, rt.allow)
				case !served && (pg.Status != http.StatusMethodNotAllowed || pg.Header.Get("Allow") != rt.allow):
					t.Errorf("%s %s: %d Allow %q, want 405 with Allow %q", m, rt.path, pg.Status, pg.Header.Get("Allow"), rt.allow)
				case !served && m != http.MethodHead && !strings.Contains(pg.Body, "This cannot be done here"):
					t.Errorf("%s %s: not the 405 page\n%s", m, rt.path, excerpt(pg.Body))
				}
			}
		}
	}
	// What they serve still works: /app still leads to /app/.
	if pg := h.browser(t).get("/app"); pg.Status != http.StatusFound || pg.Header.Get("Location") != "/app/" {
		t.Errorf("GET /app: %d %q", pg.Status, pg.Header.Get("Location"))
	}
}

// TestHistoryOfNoRecordIsNotFound: the history page of an id that names
// no record is the 404 page, as the API's …/history is, not an empty
// history (audit-surface N6). The programme's history names the programme
// by its own id or by none.
func TestHistoryOfNoRecordIsNotFound(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	lead := h.as(t, uLead)
	history := "/app/programmes/" + f.PID + "/history?"
	const none = "01aaaaaaaaaaaaaaaaaaaaaaaa"
	for _, q := range []string{
		"entity=programme&id=" + none, "entity=programme&id=nope", "entity=programme&id=",
		"entity=grant&id=" + none, "entity=project&id=" + none, "entity=funder&id=" + none, "entity=target&id=" + none,
		"entity=post&id=" + none + "&project=" + f.ProjectA, "entity=cohort&id=" + none + "&project=" + f.ProjectA,
		"entity=outcome&id=" + none + "&project=" + f.ProjectA, "entity=payment&id=" + none + "&grant=" + f.GrantX,
		"entity=spend&id=" + none + "&grant=" + f.GrantX, "entity=schedule&id=" + none, "entity=notification&id=" + none,
		"entity=member&id=nobody@example.org", "entity=post&id=" + f.PostA + "&project=" + none,
		"entity=nothing&id=" + f.GrantX, "id=" + f.GrantX,
	} {
		if pg := lead.get(history + q); pg.Status != http.StatusNotFound || !strings.Contains(pg.Body, "Page not found") {
			t.Errorf("history?%s: %d, want the 404 page\n%s", q, pg.Status, excerpt(pg.Body))
		}
	}
	for _, q := range []string{"entity=programme", "entity=programme&id=" + f.PID, "entity=grant&id=" + f.GrantX,
		"entity=post&id=" + f.PostA + "&project=" + f.ProjectA} {
		if pg := lead.get(history + q); pg.Status != http.StatusOK {
			t.Errorf("history?%s: %d, want the history\n%s", q, pg.Status, excerpt(pg.Body))
		}
	}
}
