package web_test

import (
	"net/http"
	"testing"
)

// TestStrictTransportSecurity: every web page sent over https tells the
// browser to keep to https for a year, as the static files do, since the
// pages carry the session cookie. Plain http on localhost (the local
// runner) goes without it.
func TestStrictTransportSecurity(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	for _, path := range []string{"/app/auth/login", "/app/", "/app/no-such-page"} {
		for _, https := range []bool{true, false} {
			req, err := http.NewRequest(http.MethodGet, h.URL+path, nil)
			if err != nil {
				t.Fatal(err)
			}
			if https {
				req.Header.Set("X-Forwarded-Proto", "https")
			}
			resp, err := http.DefaultTransport.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			got := resp.Header.Get("Strict-Transport-Security")
			switch {
			case https && got != "max-age=31536000; includeSubDomains":
				t.Errorf("%s over https (%d): Strict-Transport-Security %q", path, resp.StatusCode, got)
			case !https && got != "":
				t.Errorf("%s over plain http on localhost: Strict-Transport-Security %q, want none", path, got)
			}
		}
	}
}
