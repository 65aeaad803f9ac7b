package serve

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/fundtrack/fundtrack/shared/auth"
	"github.com/fundtrack/fundtrack/shared/platform"
)

// TestLocalOperator: `make run` serves a deployment of "fundtrack demo",
// not an NHS organisation, so no NHS logo; FUNDTRACK_OPERATOR_NAME and
// FUNDTRACK_OPERATOR_IS_NHS change it as the template's parameters do.
func TestLocalOperator(t *testing.T) {
	page := func(t *testing.T) string {
		t.Helper()
		// Nothing is read from the table to show the sign-in page.
		h, err := newWebApp(platform.Config{Table: "fundtrack"}, dynamodb.New(dynamodb.Options{Region: "eu-west-2"}),
			auth.Local{Secret: []byte("runner-test-secret"), Issuer: auth.LocalIssuer})
		if err != nil {
			t.Fatal(err)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/app/auth/login", nil))
		body, _ := io.ReadAll(rec.Body)
		if rec.Code != http.StatusOK {
			t.Fatalf("sign-in page: %d\n%s", rec.Code, body)
		}
		return string(body)
	}
	const logo = `data-testid="nhs-logo"`
	const operator = `data-testid="operator-name">`

	t.Setenv("FUNDTRACK_OPERATOR_NAME", "")
	t.Setenv("FUNDTRACK_OPERATOR_IS_NHS", "")
	body := page(t)
	if !strings.Contains(body, operator+"fundtrack demo<") || strings.Contains(body, logo) {
		t.Errorf("by default the header should name fundtrack demo and carry no NHS logo:\n%s", header(body))
	}

	t.Setenv("FUNDTRACK_OPERATOR_NAME", "Leicestershire Partnership NHS Trust")
	t.Setenv("FUNDTRACK_OPERATOR_IS_NHS", "true")
	body = page(t)
	if !strings.Contains(body, operator+"Leicestershire Partnership NHS Trust<") || !strings.Contains(body, logo) {
		t.Errorf("an NHS operator's header should name it and carry the NHS logo:\n%s", header(body))
	}

	t.Setenv("FUNDTRACK_OPERATOR_IS_NHS", "maybe")
	if _, err := newWebApp(platform.Config{Table: "fundtrack"}, nil, auth.Local{Secret: []byte("x")}); err == nil {
		t.Error("FUNDTRACK_OPERATOR_IS_NHS=maybe was accepted")
	}
}

func header(body string) string {
	start, end := strings.Index(body, "<header"), strings.Index(body, "</header>")
	if start < 0 || end < start {
		return body
	}
	return body[start:end]
}

// TestPathsNotInPlainFormAreTheAPIs: the runner's own mux would redirect
// a path with //, /./ or /../ to the cleaned path before the API or the
// web app saw it (an HTML 307 without their headers); outside /app/ such a
// path is the API's, which answers 404 in its error shape, and under /app/
// the web app's, which answers its "Page not found" page (audit-surface
// N3).
func TestPathsNotInPlainFormAreTheAPIs(t *testing.T) {
	h, err := Handler(platform.Config{Table: "fundtrack"}, dynamodb.New(dynamodb.Options{Region: "eu-west-2"}),
		auth.Local{Secret: []byte("runner-test-secret"), Issuer: auth.LocalIssuer})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"//programmes", "/programmes/x//grants", "/programmes/./x", "/programmes/x/../y", "//app/x"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "http://127.0.0.1:8080"+p, nil))
		if rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), `"not_found"`) || rec.Header().Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s: %d %v %s, want the API's 404", p, rec.Code, rec.Header(), rec.Body)
		}
	}
	for _, p := range []string{"/app//programmes", "/app/./programmes", "/app/programmes/../auth/login", "/app/.", "/app/auth//login"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "http://127.0.0.1:8080"+p, nil))
		if rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), "Page not found") || rec.Header().Get("Location") != "" {
			t.Errorf("GET %s: %d %v, want the web app's 404 page\n%.300s", p, rec.Code, rec.Header(), rec.Body)
		}
	}
}
