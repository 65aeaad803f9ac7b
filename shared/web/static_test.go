package web_test

import (
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// TestMissingStaticFileIsTheAppsPage: a file that is not there under the
// static route (audit-security N1) is the app's own "Page not found" page,
// not a plain-text "not found", with the security headers every page has
// and not cached; a file that is there keeps its year-long caching.
func TestMissingStaticFileIsTheAppsPage(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	get := func(path string) (*http.Response, string) {
		t.Helper()
		resp, err := http.Get(h.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp, string(body)
	}
	_, login := get("/app/auth/login")
	m := regexp.MustCompile(`href="(/app/static/[0-9a-f]{12}/)app\.css"`).FindStringSubmatch(login)
	if m == nil {
		t.Fatal("the sign-in page links no app.css under /app/static/<version>/")
	}
	dir := m[1]
	if resp, _ := get(dir + "app.css"); resp.StatusCode != http.StatusOK ||
		resp.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/css") {
		t.Errorf("app.css: %d, Cache-Control %q, Content-Type %q", resp.StatusCode, resp.Header.Get("Cache-Control"), resp.Header.Get("Content-Type"))
	}
	for _, path := range []string{dir + "nope.css", dir + "assets/images/nope.svg", "/app/static/0123456789ab/nope.js"} {
		resp, body := get(path)
		if resp.StatusCode != http.StatusNotFound || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") ||
			!strings.Contains(body, "Page not found") {
			t.Errorf("%s: %d %q, want the app's 404 page; body:\n%.300s", path, resp.StatusCode, resp.Header.Get("Content-Type"), body)
		}
		for header, want := range map[string]string{"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff",
			"X-Frame-Options": "DENY", "Referrer-Policy": "same-origin"} {
			if got := resp.Header.Get(header); got != want {
				t.Errorf("%s: %s %q, want %q", path, header, got, want)
			}
		}
		if resp.Header.Get("Content-Security-Policy") == "" {
			t.Errorf("%s: no Content-Security-Policy", path)
		}
	}
}
