package serve

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// TestStrayPercentIsTheAppsOwn400: a path with a % not followed by two
// hexadecimal digits, which net/http's server alone refuses with a
// plain-text 400 before any handler, reaches the runner's handler: the
// API answers 400 in the SPEC's error shape, the web app with its own
// page (audit-a11y N7), as both do in AWS (platform.LambdaHandler). Other
// requests are served as before.
func TestStrayPercentIsTheAppsOwn400(t *testing.T) {
	send := rawRunner(t)
	get := func(target string) (*http.Response, string) {
		t.Helper()
		resp, body, _ := send(http.MethodGet, target)
		return resp, body
	}
	for _, target := range []string{"/programmes/%zz", "/programmes/p1/members/a%", "/programmes/%zz?limit=5"} {
		resp, body := get(target)
		var e struct {
			Error struct {
				Code   string            `json:"code"`
				Fields map[string]string `json:"fields"`
			} `json:"error"`
		}
		if resp.StatusCode != http.StatusBadRequest || resp.Header.Get("Content-Type") != "application/json" ||
			json.Unmarshal([]byte(body), &e) != nil || e.Error.Code != "validation_failed" || e.Error.Fields["path"] == "" ||
			resp.Header.Get("X-Request-Id") == "" {
			t.Errorf("API GET %s: %d %s\n%s", target, resp.StatusCode, resp.Header, body)
		}
	}
	for _, target := range []string{"/app/programmes/%zz", "/app/programmes/p1/members/%ZZ/edit"} {
		resp, body := get(target)
		if resp.StatusCode != http.StatusBadRequest || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") ||
			!strings.Contains(body, `<h1 data-testid="error-title">The web address is not valid</h1>`) {
			t.Errorf("web GET %s: %d %s\n%s", target, resp.StatusCode, resp.Header, body)
		}
	}
	// As before: a well-formed path, a well-formed escape.
	if resp, body := get("/app/auth/login"); resp.StatusCode != http.StatusOK || !strings.Contains(body, "<form") {
		t.Errorf("the sign-in page: %d\n%s", resp.StatusCode, body)
	}
	if resp, body := get("/no%20such"); resp.StatusCode != http.StatusNotFound || !strings.Contains(body, `"not_found"`) {
		t.Errorf("an unknown path: %d\n%s", resp.StatusCode, body)
	}
}
