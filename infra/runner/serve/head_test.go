package serve

import (
	"net/http"
	"strings"
	"testing"
)

// TestHeadHasNoBody: behind the local runner a HEAD, to a web page or to
// the API, is answered as its GET, status and headers, and nothing
// follows the headers on the wire, as platform.LambdaHandler answers it
// in AWS (TestHeadThroughLambdaProxy in shared/web, and functions/).
func TestHeadHasNoBody(t *testing.T) {
	send := rawRunner(t)
	for _, c := range []struct {
		target string
		status int
	}{
		{"/app/auth/login", http.StatusOK},         // a page
		{"/app/elsewhere", http.StatusNotFound},    // the web app's 404 page
		{"/app/programmes/p1", http.StatusFound},   // signed out: to sign-in
		{"/openapi.json", http.StatusOK},           // the API
		{"/no-such-thing", http.StatusNotFound},    // the API's 404
		{"/programmes/%zz", http.StatusBadRequest}, // the API's 400, target rewritten
	} {
		get, body, _ := send(http.MethodGet, c.target)
		head, headBody, rest := send(http.MethodHead, c.target)
		rest = headBody + rest
		if get.StatusCode != c.status || body == "" {
			t.Errorf("GET %s: %d with %d bytes, want %d with a body", c.target, get.StatusCode, len(body), c.status)
			continue
		}
		if head.StatusCode != get.StatusCode || rest != "" {
			t.Errorf("HEAD %s: %d followed by %q, want %d and nothing after the headers", c.target, head.StatusCode, rest, get.StatusCode)
		}
		for k := range get.Header {
			switch k {
			case "Date", "X-Request-Id", "Content-Length":
				continue
			case "Set-Cookie": // a new sign-in state each time
				if len(head.Header[k]) != len(get.Header[k]) {
					t.Errorf("HEAD %s: cookies %q, GET's %q", c.target, head.Header[k], get.Header[k])
				}
				continue
			}
			if g, hd := strings.Join(get.Header[k], ", "), strings.Join(head.Header[k], ", "); g != hd {
				t.Errorf("HEAD %s: %s %q, GET's %q", c.target, k, hd, g)
			}
		}
	}
}
