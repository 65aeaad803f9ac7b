package web_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/platform"
	"github.com/fundtrack/fundtrack/shared/platform/webdeps"
	"github.com/fundtrack/fundtrack/shared/testkit"
	"github.com/fundtrack/fundtrack/shared/web"
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

// TestSignOutEverywhere: "Sign out on every device" from one of a
// person's sign-ins ends all of them that started before it: the other
// computer's next page goes to sign in and its form is refused (nothing
// stored), a copy of the cookie that asked is signed out too, and so is a
// cookie of before sessions kept their start. Another person's sign-in,
// and the person's next sign-in, carry on. The form must carry the
// session's CSRF token, and a cookie already signed out of cannot sign its
// person out again.
func TestSignOutEverywhere(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	p := "/app/programmes/" + f.PID
	here := h.as(t, uLead)
	lost := h.as(t, uLead) // the same person, left signed in on a shared computer
	other := h.as(t, uPL)
	legacyOf := func(email string) stolen {
		t.Helper()
		b := h.as(t, email)
		var s web.Session
		if err := h.codec.ReadCookie(&http.Request{Header: http.Header{"Cookie": {cookieHeader(b.steal(t).cookies)}}}, web.SessionCookie, &s); err != nil {
			t.Fatal(err)
		}
		s.IssuedAt = time.Time{} // as sealed before sessions kept their start
		sealed, err := h.codec.Seal(web.SessionCookie, s)
		if err != nil {
			t.Fatal(err)
		}
		c := b.steal(t)
		c.cookies = []*http.Cookie{{Name: web.SessionCookie, Value: sealed, Path: "/app"}}
		return c
	}
	legacyMine, legacyOthers := legacyOf(uLead), legacyOf(uPL)
	here.get(p)
	copied := here.steal(t)
	lost.get(p + "/funders/new")
	lostCookie := lost.steal(t) // as the lost computer holds it, with its form's token

	if pg := here.post("/app/auth/logout-everywhere", url.Values{"csrf": {"not-the-token"}}); pg.Status != http.StatusForbidden {
		t.Errorf("sign out on every device with a wrong token: %d", pg.Status)
	}
	if pg := lost.get(p); pg.Status != http.StatusOK {
		t.Fatalf("the other sign-in after a refused sign-out: %d", pg.Status)
	}

	pg := here.post("/app/auth/logout-everywhere", nil)
	if pg.Status != http.StatusSeeOther || pg.Header.Get("Location") != "/app/auth/signed-out" ||
		!strings.Contains(pg.Header.Get("Set-Cookie"), "fundtrack_session=;") {
		t.Fatalf("sign out on every device: %d %q %q\n%s", pg.Status, pg.Header.Get("Location"), pg.Header.Get("Set-Cookie"), excerpt(pg.Body))
	}

	toSignIn := func(who string, b *browser, path string) {
		t.Helper()
		pg := b.get(path)
		if pg.Status != http.StatusFound || !strings.HasPrefix(pg.Header.Get("Location"), "/app/auth/login") {
			t.Errorf("GET %s by %s: %d %q, want a redirect to sign in", path, who, pg.Status, pg.Header.Get("Location"))
		}
	}
	for _, path := range []string{p, "/app/", "/app/programmes/new"} {
		toSignIn("the other computer", lost, path)
		toSignIn("a copy of the cookie that signed out everywhere", copied.use(t), path)
		toSignIn("a cookie of before sessions kept their start", legacyMine.use(t), path)
	}
	funders := func() int {
		t.Helper()
		pg := other.get(p + "/funders")
		if pg.Status != http.StatusOK {
			t.Fatalf("another person's sign-in: %d", pg.Status)
		}
		return strings.Count(pg.Body, "Funder from a lost computer")
	}
	before := funders()
	if pg := lostCookie.use(t).post(p+"/funders/new", url.Values{"name": {"Funder from a lost computer"}, "contacts": {"lost@example.org"}}); pg.Status != http.StatusForbidden || !strings.Contains(pg.Body, "You have been signed out") {
		t.Errorf("POST by the other computer: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	if pg := legacyMine.use(t).post(p+"/funders/new", url.Values{"name": {"Funder from a lost computer"}, "contacts": {"lost@example.org"}}); pg.Status != http.StatusForbidden || !strings.Contains(pg.Body, "You have been signed out") {
		t.Errorf("POST by a signed-out sign-in: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	if funders() != before {
		t.Error("a sign-in signed out everywhere created a funder")
	}
	if pg := legacyOthers.use(t).get(p); pg.Status != http.StatusOK {
		t.Errorf("another person's cookie of before sessions kept their start: %d", pg.Status)
	}

	again := h.as(t, uLead) // signing in afterwards starts a session that goes on
	if pg := again.get(p); pg.Status != http.StatusOK {
		t.Fatalf("signed in again after signing out everywhere: %d", pg.Status)
	}
	if pg := copied.use(t).post("/app/auth/logout-everywhere", nil); pg.Status != http.StatusForbidden || !strings.Contains(pg.Body, "You have been signed out") {
		t.Errorf("a copy of a signed-out cookie signing out everywhere: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	if pg := again.get(p); pg.Status != http.StatusOK {
		t.Errorf("the new sign-in after a signed-out copy asked to sign out everywhere: %d", pg.Status)
	}
}

// cookieHeader is cookies as a request's Cookie header.
func cookieHeader(cookies []*http.Cookie) string {
	parts := make([]string, len(cookies))
	for i, c := range cookies {
		parts[i] = c.Name + "=" + c.Value
	}
	return strings.Join(parts, "; ")
}

// everywhereIdP records what the app asked the identity provider to sign out
// everywhere, and answers err.
type everywhereIdP struct {
	mu       sync.Mutex
	subjects []string
	err      error
}

func (p *everywhereIdP) SignOutEverywhere(_ context.Context, subject string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.subjects = append(p.subjects, subject)
	return p.err
}

func (p *everywhereIdP) asked() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.subjects)
}

// TestSignOutEverywhereAtTheIdentityProvider: signing out on every device
// also ends the person's sign-ins at the identity provider (Cognito, in
// AWS), by the verified subject the session holds, once the app's own
// sessions have ended; not for a refused form, nor for a copy of a cookie
// already signed out. If the identity provider fails, the app's sessions
// stay ended and the person is signed out as usual; the failure is logged
// as an error for someone to follow up.
func TestSignOutEverywhereAtTheIdentityProvider(t *testing.T) {
	t.Parallel()
	for _, fails := range []bool{false, true} {
		t.Run(fmt.Sprintf("fails=%v", fails), func(t *testing.T) {
			m := testkit.NewMem(t)
			h := &webH{Svc: m.Svc, build: m.Build(t), store: m.Store, mem: m}
			p := &everywhereIdP{}
			if fails {
				p.err = errors.New("Cognito AdminUserGlobalSignOut: 500 InternalErrorException")
			}
			deps := webdeps.DepsOver(platform.Config{}, m.Store)
			deps.EveryDevice = p
			h.serve(t, deps, testkit.OwnMillisecond)
			f := h.fixture(t)
			here, lost := h.as(t, uLead), h.as(t, uLead)
			path := "/app/programmes/" + f.PID
			here.get(path)
			copied := here.steal(t)
			var s web.Session
			if err := h.codec.ReadCookie(&http.Request{Header: http.Header{"Cookie": {cookieHeader(copied.cookies)}}}, web.SessionCookie, &s); err != nil || s.Subject == "" {
				t.Fatalf("the session: %+v, %v", s, err)
			}

			if pg := here.post("/app/auth/logout-everywhere", url.Values{"csrf": {"not-the-token"}}); pg.Status != http.StatusForbidden {
				t.Fatalf("a wrong token: %d", pg.Status)
			}
			if got := p.asked(); len(got) != 0 {
				t.Fatalf("a refused form asked the identity provider to sign out %v", got)
			}
			if pg := here.post("/app/auth/logout-everywhere", nil); pg.Status != http.StatusSeeOther || pg.Header.Get("Location") != "/app/auth/signed-out" {
				t.Fatalf("sign out on every device: %d %q", pg.Status, pg.Header.Get("Location"))
			}
			if got := p.asked(); !slices.Equal(got, []string{s.Subject}) {
				t.Errorf("the identity provider was asked to sign out %q, want once for the session's subject %q", got, s.Subject)
			}
			if pg := lost.get(path); pg.Status != http.StatusFound {
				t.Errorf("the other computer after signing out everywhere: %d, want a redirect to sign in", pg.Status)
			}
			if pg := copied.use(t).post("/app/auth/logout-everywhere", nil); pg.Status != http.StatusForbidden {
				t.Errorf("a signed-out copy signing out everywhere: %d", pg.Status)
			}
			if got := p.asked(); len(got) != 1 {
				t.Errorf("the identity provider was asked %d times, want once", len(got))
			}
			logged := strings.Contains(h.logs.String(), "could not sign the person out everywhere")
			if logged != fails {
				t.Errorf("failure logged: %v, want %v\n%s", logged, fails, h.logs.String())
			}
		})
	}
}
