package web_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/infra/websignin"
	"github.com/fundtrack/fundtrack/shared/testkit"
	"github.com/fundtrack/fundtrack/shared/web"
)

// TestPagesByRole: each page answers 200 to whoever the roles table lets
// see it and the right refusal to everyone else (403 for a member whose
// role does not allow it, 404 for a non-member or a record they may not
// see), as an NHS-style page, never a stack trace.
func TestPagesByRole(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	p := "/app/programmes/" + f.PID
	pa := p + "/projects/" + f.ProjectA
	people := []string{uAdmin, uLead, uPL, uFunder, uPLB, uOutsider}
	const ok, forbidden, missing = http.StatusOK, http.StatusForbidden, http.StatusNotFound
	// want: status for admin, lead, project lead A, funder X, project lead B, outsider
	cases := []struct {
		path string
		want [6]int
	}{
		{"/app/", [6]int{ok, ok, ok, ok, ok, ok}},
		{"/app/programmes/new", [6]int{ok, forbidden, forbidden, forbidden, forbidden, forbidden}},
		{p, [6]int{ok, ok, ok, ok, ok, missing}},
		{p + "/grants", [6]int{ok, ok, ok, ok, ok, missing}},
		{p + "/grants/new", [6]int{ok, ok, forbidden, forbidden, forbidden, missing}},
		{p + "/grants/" + f.GrantX, [6]int{ok, ok, ok, ok, missing, missing}},
		{p + "/grants/" + f.GrantY, [6]int{ok, ok, missing, missing, missing, missing}},
		{p + "/grants/" + f.GrantX + "/edit", [6]int{ok, ok, forbidden, forbidden, missing, missing}},
		{p + "/grants.csv", [6]int{ok, ok, ok, ok, ok, missing}},
		{p + "/grants/360giving", [6]int{ok, ok, ok, ok, missing, missing}},
		{p + "/outcomes/summary.csv", [6]int{ok, ok, ok, ok, ok, missing}},
		{p + "/projects", [6]int{ok, ok, ok, ok, ok, missing}},
		{p + "/projects/new", [6]int{ok, ok, forbidden, forbidden, forbidden, missing}},
		{pa, [6]int{ok, ok, ok, ok, ok, missing}}, // project lead B: its details only (TestOtherProjectPageDetailsOnly)
		{pa + "/outcomes/new", [6]int{ok, ok, ok, forbidden, forbidden, missing}},
		{pa + "/posts/new", [6]int{ok, ok, ok, forbidden, forbidden, missing}},
		{pa + "/posts/" + f.PostA + "/edit", [6]int{ok, ok, ok, forbidden, missing, missing}}, // project lead B: not visible, as reading it (N2)
		{pa + "/cohorts/new", [6]int{ok, ok, ok, forbidden, forbidden, missing}},
		{pa + "/cohorts/" + f.CohortA + "/edit", [6]int{ok, ok, ok, forbidden, missing, missing}}, // project lead B: not visible, as reading it (N2)
		{p + "/targets", [6]int{ok, ok, ok, ok, ok, missing}},
		{p + "/targets/new", [6]int{ok, ok, forbidden, forbidden, forbidden, missing}},
		{p + "/targets/" + f.TargetID + "/edit", [6]int{ok, ok, forbidden, forbidden, forbidden, missing}},
		{p + "/notifications", [6]int{ok, ok, ok, ok, ok, missing}},
		{p + "/funders", [6]int{ok, ok, ok, ok, ok, missing}},
		{p + "/funders/new", [6]int{ok, ok, forbidden, forbidden, forbidden, missing}},
		{p + "/members", [6]int{ok, ok, forbidden, forbidden, forbidden, missing}},
		{p + "/members/new", [6]int{ok, ok, forbidden, forbidden, forbidden, missing}},
		{p + "/members/" + uPL + "/edit", [6]int{ok, ok, forbidden, missing, missing, missing}},
		{p + "/members/" + uPL + "/remove", [6]int{ok, ok, forbidden, missing, missing, missing}},
		{p + "/audit", [6]int{ok, ok, forbidden, forbidden, forbidden, missing}},
		{p + "/history?entity=grant&id=" + f.GrantX, [6]int{ok, ok, ok, ok, missing, missing}},
		{p + "/history?entity=target&id=" + f.TargetID, [6]int{ok, ok, ok, ok, ok, missing}},
		{"/app/programmes/nonexistent", [6]int{missing, missing, missing, missing, missing, missing}},
		{"/app/no-such-page", [6]int{missing, missing, missing, missing, missing, missing}},
	}
	// Each person's pages in a browser of their own, the six at once:
	// every page here only reads.
	testkit.Parallel(t, len(people), len(people), func(t testing.TB, i int) {
		who := people[i]
		b := h.as(t, who)
		for _, c := range cases {
			got := b.get(c.path)
			if got.Status != c.want[i] {
				t.Errorf("%s GET %s: %d, want %d\n%s", who, c.path, got.Status, c.want[i], excerpt(got.Body))
				continue
			}
			ct := got.Header.Get("Content-Type")
			if got.Status != ok || !strings.HasPrefix(ct, "text/html") {
				if strings.HasPrefix(ct, "text/html") && !strings.Contains(got.Body, `data-testid="error-title"`) {
					t.Errorf("%s GET %s: %d without the error page", who, c.path, got.Status)
				}
				continue
			}
			if strings.Contains(got.Body, "goroutine ") || strings.Contains(got.Body, "panic") {
				t.Errorf("%s GET %s: page shows internals", who, c.path)
			}
		}
	})
	if logs := h.logs.String(); strings.Contains(logs, "level=ERROR") {
		t.Errorf("the app logged errors:\n%s", logs)
	}
}

// excerpt is the part of a page worth reading in a failure: its main content.
func excerpt(body string) string {
	if i := strings.Index(body, `<main`); i >= 0 {
		body = body[i:]
	}
	if len(body) > 1500 {
		body = body[:1500] + "…"
	}
	return body
}

// TestPanicPage: a failure inside a page is a 500 page naming only the
// request id (also in X-Request-Id); the detail goes to the log.
func TestPanicPage(t *testing.T) {
	h := &webH{codec: web.RandomCodec(), logs: &testkit.LogBuffer{}}
	srv := httptest.NewServer(web.New(web.Deps{ // no service: every page that reads panics
		Sessions: h.codec, SignIn: websignin.Local{Codec: h.codec}, Logger: slog.New(slog.NewTextHandler(h.logs, nil))}))
	t.Cleanup(srv.Close)
	h.URL = srv.URL
	b := h.browser(t)
	p := b.get("/app/auth/login")
	state := stateInput.FindStringSubmatch(p.Body)[1]
	b.do(http.MethodPost, "/app/auth/callback", url.Values{"state": {state}, "email": {uLead}})
	p = b.get("/app/")
	id := p.Header.Get("X-Request-Id")
	if p.Status != http.StatusInternalServerError || id == "" || !strings.Contains(p.Body, "Sorry, there is a problem with the service") ||
		!strings.Contains(p.Body, id) {
		t.Fatalf("panic: %d (request id %q)\n%s", p.Status, id, excerpt(p.Body))
	}
	if strings.Contains(p.Body, "nil pointer") || strings.Contains(p.Body, "goroutine") {
		t.Error("the 500 page shows the panic")
	}
	// One error line for the one failure, holding the panic, its request
	// id and the stack where it happened.
	var lines []string
	for _, l := range strings.Split(h.logs.String(), "\n") {
		if strings.Contains(l, "level=ERROR") {
			lines = append(lines, l)
		}
	}
	if len(lines) != 1 {
		t.Fatalf("%d error lines for one panic, want 1:\n%s", len(lines), strings.Join(lines, "\n"))
	}
	if l := lines[0]; !strings.Contains(l, id) || !strings.Contains(l, "panic") || !strings.Contains(l, "stack=") || !strings.Contains(l, "goroutine ") {
		t.Errorf("the log line lacks the panic, its request id or its stack:\n%s", l)
	}
}
