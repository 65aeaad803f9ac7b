package web_test

import (
	"net/http"
	"strings"
	"testing"
)

// formAction is the form-action directive of a page's
// Content-Security-Policy.
func formAction(t *testing.T, h *webH, path string) string {
	t.Helper()
	resp, err := http.Get(h.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for d := range strings.SplitSeq(resp.Header.Get("Content-Security-Policy"), ";") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(d), "form-action "); ok {
			return v
		}
	}
	t.Fatalf("%s: no form-action in %q", path, resp.Header.Get("Content-Security-Policy"))
	return ""
}

// TestFormActionIsTheAppAndItsSignIn: a page's forms may reach the app
// and, with Cognito, its managed login (where the sign-out form is
// redirected), and nowhere else: not any https site, which would let an
// injected form carry the CSRF token off.
func TestFormActionIsTheAppAndItsSignIn(t *testing.T) {
	local := newWeb(t)
	for _, path := range []string{"/app/auth/login", "/app/"} {
		if got := formAction(t, local, path); got != "'self'" {
			t.Errorf("local sign-in, %s: form-action %s, want 'self'", path, got)
		}
	}
	d := newIDP(t)
	cognito := cognitoWeb(t, d)
	if got, want := formAction(t, cognito, "/app/auth/signed-out"), "'self' "+d.srv.URL; got != want {
		t.Errorf("Cognito sign-in: form-action %s, want %s", got, want)
	}
}

// TestDownloadsAreNosniff: every download of the web app (CSV, workbook,
// 360Giving JSON) says X-Content-Type-Options: nosniff, as its pages,
// error pages and redirects do: a browser takes none of them for HTML
// (audit N5).
func TestDownloadsAreNosniff(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	p := "/app/programmes/" + f.PID
	lead := h.as(t, uLead)
	for path, want := range map[string]int{
		p + "/grants.csv":             http.StatusOK,
		p + "/payments.csv":           http.StatusOK,
		p + "/outcomes/summary.csv":   http.StatusOK,
		p + "/grants/360giving":       http.StatusOK,
		p + "/imports/template.csv":   http.StatusOK,
		p + "/imports/template.xlsx":  http.StatusOK,
		p:                             http.StatusOK,
		"/app/programmes/nonexistent": http.StatusNotFound,
		"/app":                        http.StatusFound,
	} {
		pg := lead.get(path)
		if pg.Status != want || pg.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s: %d (%s), X-Content-Type-Options %q", path, pg.Status, pg.Header.Get("Content-Type"), pg.Header.Get("X-Content-Type-Options"))
		}
	}
}
