package web_test

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/url"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/fundtrack/fundtrack/infra/websignin"
	"github.com/fundtrack/fundtrack/shared/platform"
	"github.com/fundtrack/fundtrack/shared/platform/webdeps"
	"github.com/fundtrack/fundtrack/shared/testkit"
	"github.com/fundtrack/fundtrack/shared/web"
	"github.com/fundtrack/fundtrack/shared/web/static"
)

// TestThroughLambdaProxy: behind API Gateway (through the Lambda proxy, as
// functions/web serves it) cookies travel in the event's cookies lists and
// are Secure, compressed answers (a static file, served as the local
// runner serves them) come back base64-encoded, and an address with a
// stray % gets the app's own 400 page, not the proxy's failure (API
// Gateway's 500).
func TestThroughLambdaProxy(t *testing.T) {
	codec := web.RandomCodec()
	proxy := platform.LambdaHandler(web.New(web.Deps{Sessions: codec, SignIn: websignin.Local{Codec: codec}, Static: static.FS,
		RequestID: platform.LambdaRequestID}))
	call := func(method, path string, cookies []string, form url.Values, headers map[string]string) events.APIGatewayV2HTTPResponse {
		t.Helper()
		ev := events.APIGatewayV2HTTPRequest{
			Version: "2.0", RouteKey: "ANY /app/{proxy+}", RawPath: path, Cookies: cookies,
			Headers: map[string]string{"host": "abc123.execute-api.eu-west-2.amazonaws.com", "x-forwarded-proto": "https"},
			RequestContext: events.APIGatewayV2HTTPRequestContext{
				DomainName: "abc123.execute-api.eu-west-2.amazonaws.com", RequestID: "req-1", Stage: "$default",
				HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: method, Path: path, Protocol: "HTTP/1.1", SourceIP: "192.0.2.1"},
			},
		}
		if i := strings.IndexByte(path, '?'); i >= 0 {
			ev.RawPath, ev.RawQueryString = path[:i], path[i+1:]
			ev.RequestContext.HTTP.Path = ev.RawPath
		}
		for k, v := range headers {
			ev.Headers[k] = v
		}
		if form != nil {
			ev.Headers["content-type"] = "application/x-www-form-urlencoded"
			ev.Body, ev.IsBase64Encoded = base64.StdEncoding.EncodeToString([]byte(form.Encode())), true
		}
		resp, err := proxy(context.Background(), ev)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	cookie := func(resp events.APIGatewayV2HTTPResponse, name string) string {
		for _, c := range resp.Cookies {
			if strings.HasPrefix(c, name+"=") {
				return c
			}
		}
		t.Fatalf("no %s cookie in %v", name, resp.Cookies)
		return ""
	}

	login := call(http.MethodGet, "/app/auth/login", nil, nil, nil)
	auth := cookie(login, web.AuthCookie)
	if !strings.Contains(auth, "Secure") || !strings.Contains(auth, "HttpOnly") {
		t.Errorf("sign-in cookie behind https: %q", auth)
	}
	body := login.Body
	if login.IsBase64Encoded {
		raw, _ := base64.StdEncoding.DecodeString(body)
		body = string(raw)
	}
	state := stateInput.FindStringSubmatch(body)
	if state == nil {
		t.Fatalf("sign-in page: %d\n%s", login.StatusCode, body)
	}
	done := call(http.MethodPost, "/app/auth/callback", []string{strings.SplitN(auth, ";", 2)[0]},
		url.Values{"state": {state[1]}, "email": {uLead}}, nil)
	if done.StatusCode != http.StatusSeeOther {
		t.Fatalf("callback: %d %v", done.StatusCode, done.Headers)
	}
	sess := cookie(done, web.SessionCookie)
	for _, want := range []string{"Secure", "HttpOnly", "SameSite=Lax", "Path=/app"} {
		if !strings.Contains(sess, want) {
			t.Errorf("session cookie behind https lacks %s: %q", want, sess)
		}
	}

	// A hashed asset, gzipped: base64 in the event.
	css := call(http.MethodGet, "/app/static/anything/app.css", nil, nil, map[string]string{"accept-encoding": "gzip"})
	if css.StatusCode != http.StatusOK || !css.IsBase64Encoded || css.Headers["Content-Encoding"] != "gzip" {
		t.Errorf("asset through the proxy: %d base64 %v headers %v", css.StatusCode, css.IsBase64Encoded, css.Headers)
	}

	for _, path := range []string{"/app/programmes/%zz", "/app/programmes/p1/members/%ZZ/edit?x=1", "/app/a%"} {
		bad := call(http.MethodGet, path, []string{strings.SplitN(sess, ";", 2)[0]}, nil, nil)
		page := bad.Body
		if bad.IsBase64Encoded {
			raw, _ := base64.StdEncoding.DecodeString(page)
			page = string(raw)
		}
		if bad.StatusCode != http.StatusBadRequest || !strings.HasPrefix(bad.Headers["Content-Type"], "text/html") ||
			!strings.Contains(page, `<h1 data-testid="error-title">The web address is not valid</h1>`) || bad.Headers["X-Request-Id"] != "req-1" {
			t.Errorf("%s through the proxy: %d %v\n%s", path, bad.StatusCode, bad.Headers, page)
		}
	}
}

// TestLambdaHasNoLocalSignIn: the web Lambda cannot contain the demo-user
// sign-in: only the local runner imports infra/websignin.
func TestLambdaHasNoLocalSignIn(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "github.com/fundtrack/fundtrack/functions/web").CombinedOutput()
	if err != nil {
		t.Skipf("go list: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "github.com/fundtrack/fundtrack/shared/web\n") {
		t.Fatalf("functions/web does not build on shared/web:\n%s", out)
	}
	if strings.Contains(string(out), "infra/websignin") {
		t.Error("functions/web depends on infra/websignin")
	}
}

// TestHeadThroughLambdaProxy: a HEAD to any page through the Lambda proxy
// (as functions/web serves it; API Gateway's ANY /app/{proxy+} route sends
// HEAD there too) is answered as its GET, status and headers, with no
// body. The proxy itself would send the page, as net/http's server, the
// local runner's, never does (TestHeadHasNoBody in infra/runner/serve).
func TestHeadThroughLambdaProxy(t *testing.T) {
	t.Parallel()
	m := testkit.NewMem(t)
	h := &webH{Svc: m.Svc, build: m.Build(t), store: m.Store, mem: m}
	var app http.Handler
	deps := webdeps.DepsOver(platform.Config{}, m.Store)
	deps.RequestID = platform.LambdaRequestID
	h.serve(t, deps, func(a http.Handler) http.Handler { app = a; return a })
	f := h.fixture(t)
	lead := h.as(t, uLead)
	var session string
	for _, c := range lead.jar.Cookies(must(url.Parse(h.URL + "/app/"))) {
		if c.Name == web.SessionCookie {
			session = c.Name + "=" + c.Value
		}
	}
	if session == "" {
		t.Fatal("no session cookie after signing in")
	}
	proxy := platform.LambdaHandler(app)
	call := func(method, path string, cookies []string) events.APIGatewayV2HTTPResponse {
		t.Helper()
		resp, err := proxy(context.Background(), events.APIGatewayV2HTTPRequest{
			Version: "2.0", RouteKey: "ANY /app/{proxy+}", RawPath: path, Cookies: cookies,
			Headers: map[string]string{"host": "abc123.execute-api.eu-west-2.amazonaws.com", "x-forwarded-proto": "https",
				"accept-encoding": "gzip"},
			RequestContext: events.APIGatewayV2HTTPRequestContext{
				DomainName: "abc123.execute-api.eu-west-2.amazonaws.com", RequestID: "req-1", Stage: "$default",
				HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: method, Path: path, Protocol: "HTTP/1.1", SourceIP: "192.0.2.1"},
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	base := "/app/programmes/" + f.PID
	for _, c := range []struct {
		path    string
		cookies []string
		status  int
	}{
		{"/app/", []string{session}, http.StatusOK},
		{base, []string{session}, http.StatusOK},
		{base + "/grants", []string{session}, http.StatusOK},
		{base + "/nowhere", []string{session}, http.StatusNotFound},
		{"/app/auth/login", nil, http.StatusOK},
		{base, nil, http.StatusFound},                        // signed out: to sign-in
		{"/app/static/anything/app.css", nil, http.StatusOK}, // gzipped: base64 in the GET's event
	} {
		get, head := call(http.MethodGet, c.path, c.cookies), call(http.MethodHead, c.path, c.cookies)
		if get.StatusCode != c.status || get.Body == "" {
			t.Errorf("GET %s: %d with %d bytes, want %d with a body", c.path, get.StatusCode, len(get.Body), c.status)
			continue
		}
		if head.StatusCode != get.StatusCode || head.Body != "" || head.IsBase64Encoded {
			t.Errorf("HEAD %s: %d with a body of %d bytes (base64 %v), want %d and no body", c.path, head.StatusCode,
				len(head.Body), head.IsBase64Encoded, get.StatusCode)
		}
		for k, v := range get.Headers {
			if k != "Content-Length" && head.Headers[k] != v {
				t.Errorf("HEAD %s: %s %q, GET's %q", c.path, k, head.Headers[k], v)
			}
		}
		body := get.Body
		if get.IsBase64Encoded {
			body = string(must(base64.StdEncoding.DecodeString(body)))
		}
		if n, ok := head.Headers["Content-Length"]; ok && n != strconv.Itoa(len(body)) {
			t.Errorf("HEAD %s: Content-Length %s, the GET's body is %d bytes", c.path, n, len(body))
		}
	}
}
