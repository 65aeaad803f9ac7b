package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// stolen is a copy of a browser's cookies, as someone who copied the
// session cookie off a shared computer would hold it.
type stolen struct {
	h       *webH
	cookies []*http.Cookie
	csrf    string
}

func (b *browser) steal(t *testing.T) stolen {
	t.Helper()
	return stolen{h: b.h, cookies: b.jar.Cookies(appURL(t, b.h)), csrf: b.csrf}
}

func appURL(t *testing.T, h *webH) *url.URL {
	t.Helper()
	u, err := url.Parse(h.URL + "/app/")
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// use is a fresh browser holding the copy: each use starts from the
// copied cookie, whatever an earlier answer told a browser to clear.
func (s stolen) use(t *testing.T) *browser {
	t.Helper()
	b := s.h.browser(t)
	b.jar.SetCookies(appURL(t, s.h), s.cookies)
	b.csrf = s.csrf
	return b
}

// TestSignOutEndsTheSession: after signing out, a copy of the session's
// cookie is treated as signed out everywhere — programme pages, the
// portfolio, the page outside any programme, and forms (nothing stored) —
// while the person's other sign-ins go on working.
func TestSignOutEndsTheSession(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	p := "/app/programmes/" + f.PID
	admin := h.as(t, uAdmin)
	elsewhere := h.as(t, uAdmin) // the same person signed in on another computer
	admin.get(p + "/funders/new")
	copied := admin.steal(t)
	if pg := copied.use(t).get(p); pg.Status != http.StatusOK {
		t.Fatalf("the copied cookie before sign-out: %d", pg.Status)
	}

	if pg := admin.post("/app/auth/logout", url.Values{}); pg.Status != http.StatusSeeOther {
		t.Fatalf("sign out: %d\n%s", pg.Status, excerpt(pg.Body))
	}

	for _, path := range []string{p, p + "/grants/" + f.GrantX, p + "/funders/new", "/app/", "/app/programmes/new"} {
		pg := copied.use(t).get(path)
		if pg.Status != http.StatusFound || !strings.HasPrefix(pg.Header.Get("Location"), "/app/auth/login") {
			t.Errorf("GET %s with a copy of a signed-out cookie: %d %q, want a redirect to sign in", path, pg.Status, pg.Header.Get("Location"))
		}
		if !strings.Contains(pg.Header.Get("Set-Cookie"), "fundtrack_session=;") {
			t.Errorf("GET %s with a copy of a signed-out cookie: the cookie is not cleared (%q)", path, pg.Header.Get("Set-Cookie"))
		}
	}
	funders := func() int {
		t.Helper()
		pg := elsewhere.get(p + "/funders")
		if pg.Status != http.StatusOK {
			t.Fatalf("the person's other sign-in: %d", pg.Status)
		}
		return strings.Count(pg.Body, "Replayed funder")
	}
	before := funders()
	pg := copied.use(t).post(p+"/funders/new", url.Values{"name": {"Replayed funder"}, "contacts": {"replay@example.org"}})
	if pg.Status != http.StatusForbidden || !strings.Contains(pg.Body, "You have been signed out") {
		t.Errorf("POST with a copy of a signed-out cookie: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	if pg := copied.use(t).post("/app/programmes/new", url.Values{"name": {"Replayed programme"}, "leadOrganisation": {"T"},
		"startDate": {"2024-04-01"}, "endDate": {"2025-03-31"}}); pg.Status != http.StatusForbidden {
		t.Errorf("programme POST with a copy of a signed-out cookie: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	if funders() != before {
		t.Error("a copy of a signed-out cookie created a funder")
	}
	if pg := elsewhere.get("/app/"); pg.Status != http.StatusOK || strings.Contains(pg.Body, "Replayed programme") {
		t.Errorf("the person's other sign-in, portfolio: %d (or a replayed programme was created)", pg.Status)
	}
}
