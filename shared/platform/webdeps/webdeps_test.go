package webdeps_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/fundtrack/fundtrack/shared/platform"
	"github.com/fundtrack/fundtrack/shared/platform/webdeps"
	"github.com/fundtrack/fundtrack/shared/web"
)

// fakeSSM is an HTTP endpoint speaking the part of Systems Manager's JSON
// protocol the web function uses (GetParameter), reached through
// FUNDTRACK_SSM_ENDPOINT. It counts the calls and answers what it is told.
type fakeSSM struct {
	*httptest.Server
	calls atomic.Int64
	mu    sync.Mutex
	param struct{ typ, value string } // what GetParameter answers; typ "" is ParameterNotFound
	asked []getParameter
	auth  []string // Authorization headers, to see the requests were signed for SSM
}

type getParameter struct {
	Name           string
	WithDecryption bool
}

func newFakeSSM(t *testing.T) *fakeSSM {
	f := &fakeSSM{}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.calls.Add(1)
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		if r.Method != http.MethodPost || r.Header.Get("X-Amz-Target") != "AmazonSSM.GetParameter" {
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"__type":"InvalidAction","message":"only GetParameter here"}`)
			return
		}
		var in getParameter
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"__type":"ValidationException","message":"bad body"}`)
			return
		}
		f.mu.Lock()
		defer f.mu.Unlock()
		f.asked = append(f.asked, in)
		f.auth = append(f.auth, r.Header.Get("Authorization"))
		if f.param.typ == "" {
			w.WriteHeader(http.StatusBadRequest)
			io.WriteString(w, `{"__type":"ParameterNotFound","message":"Parameter `+in.Name+` not found."}`)
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"Parameter": map[string]any{
			"Name": in.Name, "Type": f.param.typ, "Value": f.param.value, "Version": 1,
			"ARN": "arn:aws:ssm:eu-west-2:123456789012:parameter" + in.Name, "DataType": "text",
		}})
	}))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeSSM) answer(typ, value string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.param.typ, f.param.value = typ, value
}

func newKey(t *testing.T) ([]byte, string) {
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		t.Fatal(err)
	}
	return key, base64.StdEncoding.EncodeToString(key) // as `openssl rand -base64 32` writes it
}

const paramName = "/fundtrack/test/session-key"

// lambdaEnv is what the template gives the web function, with the SSM
// client pointed at the fake.
func lambdaEnv(t *testing.T, ssmURL string) {
	for k, v := range map[string]string{
		"FUNDTRACK_TABLE":             "fundtrack-test-records",
		"FUNDTRACK_AUDIT_TABLE":       "fundtrack-test-audit",
		"FUNDTRACK_SESSION_KEY_PARAM": paramName,
		"FUNDTRACK_SESSION_KEY":       "",
		"FUNDTRACK_SSM_ENDPOINT":      ssmURL,
		"FUNDTRACK_COGNITO_DOMAIN":    "fundtrack-test-123456789012.auth.eu-west-2.amazoncognito.com",
		"FUNDTRACK_COGNITO_CLIENT_ID": "testclient",
		"FUNDTRACK_COGNITO_ISSUER":    "https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_Test",
		"FUNDTRACK_WEB_BASE_URL":      "https://fundtrack.example.org",
		"FUNDTRACK_OPERATOR_NAME":     "Test Operator",
		"FUNDTRACK_OPERATOR_IS_NHS":   "false",
		"FUNDTRACK_STATIC_URL":        "https://d1234.cloudfront.net/3f2a9c0b1d4e/",
		// As Lambda sets them; no DynamoDB request is made here.
		"AWS_REGION":                  "eu-west-2",
		"AWS_ACCESS_KEY_ID":           "AKIDTEST",
		"AWS_SECRET_ACCESS_KEY":       "secret",
		"AWS_SESSION_TOKEN":           "token",
		"FUNDTRACK_DYNAMODB_ENDPOINT": "",
		"FUNDTRACK_SES_ENDPOINT":      "",
	} {
		t.Setenv(k, v)
	}
}

// login asks for the sign-in page, which seals the sign-in in flight into
// a cookie: the first request that needs the session key.
func login(t *testing.T, h http.Handler) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "https://fundtrack.example.org/app/auth/login", nil))
	return rec
}

func authCookie(t *testing.T, rec *httptest.ResponseRecorder) *http.Cookie {
	t.Helper()
	for _, c := range rec.Result().Cookies() {
		if c.Name == web.AuthCookie {
			return c
		}
	}
	t.Fatalf("no %s cookie: %d %v", web.AuthCookie, rec.Code, rec.Header())
	return nil
}

// TestSessionKeyReadFromSSMOnce: the web function as deployed reads its
// key from Parameter Store, decrypted, on the first request that needs
// it (not at start-up, not for static assets) and never again in the
// process, however many requests follow, at once or not.
func TestSessionKeyReadFromSSMOnce(t *testing.T) {
	fake := newFakeSSM(t)
	key, b64 := newKey(t)
	fake.answer("SecureString", b64)
	lambdaEnv(t, fake.URL)

	deps, err := webdeps.Lambda(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if n := fake.calls.Load(); n != 0 {
		t.Fatalf("%d SSM calls at start-up: the key is read on the first request that needs it", n)
	}
	if deps.Operator != (web.Operator{Name: "Test Operator"}) {
		t.Errorf("operator %+v, want Test Operator, not NHS", deps.Operator)
	}
	h := web.New(deps)

	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/app/static/0/app.css", nil))
	if n := fake.calls.Load(); n != 0 {
		t.Fatalf("a static asset (%d) made %d SSM calls", rec.Code, n)
	}

	first := login(t, h)
	if first.Code != http.StatusFound || !strings.HasPrefix(first.Header().Get("Location"), "https://fundtrack-test-123456789012.auth.eu-west-2.amazoncognito.com/") {
		t.Fatalf("sign-in: %d %v\n%s", first.Code, first.Header(), first.Body)
	}
	// The cookie was sealed with the key from Parameter Store: a codec with
	// that key opens it, one with any other key does not.
	cookie := authCookie(t, first)
	ssmCodec, err := web.NewCodec(key)
	if err != nil {
		t.Fatal(err)
	}
	var pending web.Pending
	if err := ssmCodec.Open(web.AuthCookie, cookie.Value, &pending); err != nil || pending.State == "" {
		t.Errorf("the sign-in cookie does not open with the key from SSM (%v, %+v)", err, pending)
	}
	if err := web.RandomCodec().Open(web.AuthCookie, cookie.Value, &pending); err == nil {
		t.Error("the sign-in cookie opens with a random key")
	}

	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if rec := login(t, h); rec.Code != http.StatusFound {
				t.Errorf("sign-in: %d", rec.Code)
			}
		})
	}
	wg.Wait()
	if n := fake.calls.Load(); n != 1 {
		t.Errorf("%d SSM calls for 21 requests, want 1", n)
	}
	fake.mu.Lock()
	defer fake.mu.Unlock()
	if len(fake.asked) != 1 || fake.asked[0] != (getParameter{Name: paramName, WithDecryption: true}) {
		t.Errorf("GetParameter asked %+v, want %s with decryption", fake.asked, paramName)
	}
	// Signed with Lambda's credentials for SSM in the function's region.
	if a := fake.auth[0]; !strings.HasPrefix(a, "AWS4-HMAC-SHA256 Credential=AKIDTEST/") || !strings.Contains(a, "/eu-west-2/ssm/aws4_request") {
		t.Errorf("Authorization %q: want SigV4 for ssm in eu-west-2", a)
	}
}

// TestSessionKeyFailureIsRetried: while the parameter is missing (say, not
// created yet) pages answer 503 and say to try again; once it exists the
// next request reads it, and only that once.
func TestSessionKeyFailureIsRetried(t *testing.T) {
	fake := newFakeSSM(t)
	_, b64 := newKey(t)
	lambdaEnv(t, fake.URL)
	deps, err := webdeps.Lambda(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	h := web.New(deps)

	for range 2 {
		rec := login(t, h)
		if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "Sorry, the service is unavailable") {
			t.Fatalf("without the parameter: %d\n%s", rec.Code, rec.Body)
		}
	}
	fake.answer("SecureString", b64)
	for range 3 {
		if rec := login(t, h); rec.Code != http.StatusFound {
			t.Fatalf("with the parameter: %d\n%s", rec.Code, rec.Body)
		}
	}
	if n := fake.calls.Load(); n != 3 {
		t.Errorf("%d SSM calls, want 3: two failures, then one read", n)
	}
}

// TestSessionKeyFromSSMRefuses a key stored as a plain String, or not a
// 32-byte base64 key.
func TestSessionKeyFromSSMRefuses(t *testing.T) {
	fake := newFakeSSM(t)
	client := &webdeps.SSM{Region: "eu-west-2", Endpoint: fake.URL,
		Credentials: credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", "")}
	load := webdeps.SessionKeyFromSSM(client, paramName)
	key, b64 := newKey(t)

	fake.answer("SecureString", b64)
	if got, err := load(context.Background()); err != nil || !bytes.Equal(got, key) {
		t.Fatalf("SecureString: %x, %v; want the key", got, err)
	}
	for _, tc := range []struct{ typ, value, want string }{
		{"String", b64, "is a String: store the session key as a SecureString"},
		{"SecureString", base64.StdEncoding.EncodeToString(key[:16]), "must be 32 bytes, got 16"},
		{"SecureString", "not base64!", "not base64"},
		{"", "", "ParameterNotFound"},
	} {
		fake.answer(tc.typ, tc.value)
		if _, err := load(context.Background()); err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), paramName) {
			t.Errorf("%s %q: error %v, want one naming %s and saying %q", tc.typ, tc.value, err, paramName, tc.want)
		}
	}
}

// TestLambdaSessionKeyWithoutSSM: outside AWS (benchmarks, sam local) the
// binary takes the key itself from FUNDTRACK_SESSION_KEY; with neither
// variable it refuses to start, naming the parameter's variable.
func TestLambdaSessionKeyWithoutSSM(t *testing.T) {
	lambdaEnv(t, "")
	key, b64 := newKey(t)
	t.Setenv("FUNDTRACK_SESSION_KEY_PARAM", "")
	t.Setenv("FUNDTRACK_SESSION_KEY", b64)
	deps, err := webdeps.Lambda(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	cookie := authCookie(t, login(t, web.New(deps)))
	codec, _ := web.NewCodec(key)
	var p web.Pending
	if err := codec.Open(web.AuthCookie, cookie.Value, &p); err != nil {
		t.Errorf("sealed with another key than FUNDTRACK_SESSION_KEY: %v", err)
	}

	t.Setenv("FUNDTRACK_SESSION_KEY", "")
	if _, err := webdeps.Lambda(context.Background()); err == nil || !strings.Contains(err.Error(), "FUNDTRACK_SESSION_KEY_PARAM") {
		t.Errorf("no key configured: error %v, want one naming FUNDTRACK_SESSION_KEY_PARAM", err)
	}
}

// TestLambdaLinksStaticFilesAtTheCDN: the web function as deployed links
// its static files where FUNDTRACK_STATIC_URL says (the stage's CDN), lets
// the pages load them from there (CSP) and serves none itself; it refuses
// to start without a usable URL.
func TestLambdaLinksStaticFilesAtTheCDN(t *testing.T) {
	lambdaEnv(t, "")
	t.Setenv("FUNDTRACK_SESSION_KEY_PARAM", "")
	_, b64 := newKey(t)
	t.Setenv("FUNDTRACK_SESSION_KEY", b64)
	deps, err := webdeps.Lambda(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if deps.Static != nil {
		t.Error("the web function carries static files: it should only link them")
	}
	h := web.New(deps)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/app/auth/signed-out", nil))
	page := rec.Body.String()
	for _, want := range []string{`href="https://d1234.cloudfront.net/3f2a9c0b1d4e/nhsuk-frontend.min.css"`,
		`src="https://d1234.cloudfront.net/3f2a9c0b1d4e/app.js"`} {
		if !strings.Contains(page, want) {
			t.Errorf("signed-out page (%d) does not link %s", rec.Code, want)
		}
	}
	if strings.Contains(page, "app-warning-assets") {
		t.Error("the page says the styles are missing")
	}
	csp := rec.Header().Get("Content-Security-Policy")
	for _, want := range []string{"style-src 'self' https://d1234.cloudfront.net;", "script-src 'self' https://d1234.cloudfront.net;", "img-src 'self' https://d1234.cloudfront.net data:;"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q: want %q", csp, want)
		}
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/app/static/3f2a9c0b1d4e/app.css", nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("the function served a static file itself: %d", rec.Code)
	}

	for _, bad := range []string{"", "d1234.cloudfront.net/v/", "/app/static/", "ftp://x/y/", "https://d1234.cloudfront.net/v/?x=1"} {
		t.Setenv("FUNDTRACK_STATIC_URL", bad)
		if _, err := webdeps.Lambda(context.Background()); err == nil || !strings.Contains(err.Error(), "FUNDTRACK_STATIC_URL") {
			t.Errorf("FUNDTRACK_STATIC_URL=%q: error %v, want one naming it", bad, err)
		}
	}
}

// TestDepsServeTheEmbeddedStaticFiles: locally and in tests the app serves
// the embedded static files itself, under their version.
func TestDepsServeTheEmbeddedStaticFiles(t *testing.T) {
	d := webdeps.Deps(platform.Config{Table: "t"}, nil)
	if d.Static == nil || d.StaticURL != "" {
		t.Fatalf("Static %v, StaticURL %q: want the embedded files", d.Static, d.StaticURL)
	}
	version, files := web.StaticFiles(d.Static)
	var appCSS bool
	for _, f := range files {
		appCSS = appCSS || f.Name == "app.css"
		if strings.HasSuffix(f.Name, ".go") || strings.HasSuffix(f.Name, ".md") {
			t.Errorf("%s is served", f.Name)
		}
	}
	if !appCSS {
		t.Fatal("app.css is not among the static files")
	}
	d.Sessions = web.RandomCodec()
	rec := httptest.NewRecorder()
	web.New(d).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/app/static/"+version+"/app.css", nil))
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "text/css; charset=utf-8" ||
		!strings.Contains(rec.Header().Get("Cache-Control"), "immutable") {
		t.Errorf("app.css: %d %v", rec.Code, rec.Header())
	}
}

func TestOperatorFromEnv(t *testing.T) {
	for _, tc := range []struct {
		name, nhs string
		want      web.Operator
		fails     bool
	}{
		{"Leicestershire Partnership NHS Trust", "true", web.Operator{Name: "Leicestershire Partnership NHS Trust", NHS: true}, false},
		{"Aspiro", "false", web.Operator{Name: "Aspiro"}, false},
		{"Aspiro", "", web.Operator{Name: "Aspiro"}, false},
		{"Aspiro", "yes", web.Operator{}, true},
		{"Aspiro", "TRUE", web.Operator{}, true},
	} {
		t.Setenv("FUNDTRACK_OPERATOR_NAME", tc.name)
		t.Setenv("FUNDTRACK_OPERATOR_IS_NHS", tc.nhs)
		got, err := webdeps.OperatorFromEnv()
		if (err != nil) != tc.fails || got != tc.want {
			t.Errorf("%q %q: %+v, %v; want %+v (error: %v)", tc.name, tc.nhs, got, err, tc.want, tc.fails)
		}
	}
}

// TestSSMRetriesTransientFailures: a throttled or failed (5xx) GetParameter
// is tried again, up to three times in all, as the SDK's retryer would; a
// refusal (an unknown parameter, say) is not. The request carries Lambda's
// session token, signed.
func TestSSMRetriesTransientFailures(t *testing.T) {
	for _, tc := range []struct {
		name      string
		failures  []string // what the first answers are, before success
		wantCalls int64
		wantErr   string
	}{
		{"throttled once", []string{`429 {"__type":"ThrottlingException","message":"Rate exceeded"}`}, 2, ""},
		{"5xx twice", []string{`500 {"__type":"InternalServerError"}`, `503 {}`}, 3, ""},
		{"5xx three times", []string{`500 {}`, `500 {}`, `503 {"__type":"com.amazonaws.ssm#InternalServerError:http://internal.amazon.com/","Message":"busy"}`}, 3, "503 InternalServerError: busy"},
		{"not found", []string{`400 {"__type":"com.amazonaws.ssm#ParameterNotFound","message":"nope"}`}, 1, "400 ParameterNotFound: nope"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var calls atomic.Int64
			var tokens []string
			var mu sync.Mutex
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				n := calls.Add(1)
				mu.Lock()
				tokens = append(tokens, r.Header.Get("X-Amz-Security-Token")+" "+r.Header.Get("Authorization"))
				mu.Unlock()
				if int(n) <= len(tc.failures) {
					status, body, _ := strings.Cut(tc.failures[n-1], " ")
					code := map[string]int{"400": 400, "429": 429, "500": 500, "503": 503}[status]
					w.WriteHeader(code)
					io.WriteString(w, body)
					return
				}
				io.WriteString(w, `{"Parameter":{"Name":"/p","Type":"SecureString","Value":"v","Version":3}}`)
			}))
			defer srv.Close()
			c := &webdeps.SSM{Region: "eu-west-2", Endpoint: srv.URL,
				Credentials: credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", "session-token")}
			p, err := c.GetParameter(context.Background(), "/p", true)
			if tc.wantErr == "" && (err != nil || p != (webdeps.Parameter{Name: "/p", Type: "SecureString", Value: "v"})) {
				t.Errorf("got %+v, %v", p, err)
			}
			if tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Errorf("error %v, want one saying %q", err, tc.wantErr)
			}
			if n := calls.Load(); n != tc.wantCalls {
				t.Errorf("%d calls, want %d", n, tc.wantCalls)
			}
			for _, tok := range tokens {
				if !strings.HasPrefix(tok, "session-token AWS4-HMAC-SHA256 ") || !strings.Contains(tok, "x-amz-security-token") {
					t.Errorf("request without the signed session token: %q", tok)
				}
			}
		})
	}
}
