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
