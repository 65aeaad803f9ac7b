package web_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/fundtrack/fundtrack/shared/platform"
	"github.com/fundtrack/fundtrack/shared/platform/webdeps"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/testkit"
	"github.com/fundtrack/fundtrack/shared/web"
)

// clock is a time the test moves; the app, the sign-in's token checks and
// the stand-in pool's tokens all read it.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// refreshing is the web app signing in through the stand-in pool, over an
// in-memory store, on a clock the test moves.
type refreshing struct {
	*webH
	d     *idp
	clock *clock
}

func newRefreshing(t *testing.T) *refreshing {
	t.Helper()
	c := &clock{t: time.Now()}
	d := newIDP(t)
	d.now = c.now
	admin := d.claims
	d.claims = func(g grantCode) jwt.MapClaims { // an administrator signs in
		m := admin(g)
		m["cognito:groups"] = []string{"admins"}
		m["email"] = "admin@example.org"
		return m
	}
	m := testkit.NewMem(t)
	h := &webH{Svc: m.Svc, build: m.Build(t), store: m.Store, mem: m, codec: web.RandomCodec(), logs: &testkit.LogBuffer{}}
	deps := webdeps.DepsOver(platform.Config{}, m.Store)
	deps.Logger = slog.New(slog.NewTextHandler(h.logs, nil))
	deps.Sessions = h.codec
	deps.Now = c.now
	signIn, err := web.NewCognito(web.CognitoConfig{Domain: d.srv.URL, ClientID: d.clientID, Issuer: d.issuer}, h.codec, d.srv.Client(), c.now)
	if err != nil {
		t.Fatal(err)
	}
	deps.SignIn = signIn
	srv := httptest.NewServer(web.New(deps))
	t.Cleanup(srv.Close)
	h.URL = srv.URL
	return &refreshing{webH: h, d: d, clock: c}
}

// signIn signs a browser in through the stand-in, returning the session
// cookie's value as the callback set it.
func (f *refreshing) signIn(t *testing.T) (*browser, string) {
	t.Helper()
	b := f.browser(t)
	state, code := f.d.begin(t, b, "/app/")
	p := b.get("/app/auth/callback?code=" + url.QueryEscape(code) + "&state=" + url.QueryEscape(state))
	if p.Status != http.StatusSeeOther {
		t.Fatalf("callback: %d\n%s\n%s", p.Status, excerpt(p.Body), f.logs.String())
	}
	for _, c := range (&http.Response{Header: p.Header}).Cookies() {
		if c.Name == web.SessionCookie {
			return b, c.Value
		}
	}
	t.Fatal("the callback set no session cookie")
	return nil, ""
}

// with runs change on the stand-in pool, holding its lock.
func (f *refreshing) with(change func(d *idp)) {
	f.d.mu.Lock()
	defer f.d.mu.Unlock()
	change(f.d)
}

func (f *refreshing) refreshes() int {
	f.d.mu.Lock()
	defer f.d.mu.Unlock()
	return f.d.refreshHits
}

// notAdmin makes the pool's next tokens say the person is in no group, as
// after they are removed from admins.
func notAdmin(d *idp) {
	old := d.claims
	d.claims = func(g grantCode) jwt.MapClaims {
		m := old(g)
		m["cognito:groups"] = []string{}
		return m
	}
}

// programmes counts the programmes named name, as an administrator sees them.
func (f *refreshing) programmes(t *testing.T, name string) int {
	t.Helper()
	list, _, err := f.Svc.ListProgrammes(context.Background(), caller(uAdmin, "admins"), service.Page{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, p := range list {
		if p.Name == name {
			n++
		}
	}
	return n
}

var newProgramme = url.Values{"name": {"Programme after removal"}, "leadOrganisation": {"T"},
	"startDate": {"2024-04-01"}, "endDate": {"2025-03-31"}}

// TestSessionRefreshTakesGroupsFromCognito: a session trusts the groups
// of its sign-in only while its ID token lasts (an hour at most). Then it
// asks Cognito again with its refresh token, once, and the new token's
// groups are the session's: someone removed from admins loses the admin
// pages within the hour, as they lose the API.
func TestSessionRefreshTakesGroupsFromCognito(t *testing.T) {
	f := newRefreshing(t)
	b, cookie := f.signIn(t)
	// The refresh token (longer than Cognito's) fits in the cookie, well
	// under the 4 KB browsers keep.
	t.Logf("session cookie: %d characters", len(cookie))
	if len(cookie) > 3300 {
		t.Errorf("the session cookie is %d characters", len(cookie))
	}
	if p := b.get("/app/programmes/new"); p.Status != http.StatusOK {
		t.Fatalf("admin creating a programme: %d", p.Status)
	}
	f.with(notAdmin) // removed from admins in Cognito

	f.clock.add(59 * time.Minute) // the ID token still lasts
	if p := b.get("/app/programmes/new"); p.Status != http.StatusOK {
		t.Errorf("within the ID token's hour: %d", p.Status)
	}
	if n := f.refreshes(); n != 0 {
		t.Errorf("%d refreshes within the ID token's hour", n)
	}

	f.clock.add(2 * time.Minute) // it has expired
	p := b.get("/app/programmes/new")
	if p.Status != http.StatusForbidden {
		t.Errorf("removed from admins, after the ID token expired: %d\n%s", p.Status, excerpt(p.Body))
	}
	if !strings.Contains(p.Header.Get("Set-Cookie"), web.SessionCookie+"=") {
		t.Error("the refreshed session was not sealed again")
	}
	before := f.programmes(t, newProgramme.Get("name"))
	b.get("/app/")
	if p := b.post("/app/programmes/new", newProgramme); p.Status != http.StatusForbidden {
		t.Errorf("removed from admins, creating a programme: %d", p.Status)
	}
	if f.programmes(t, newProgramme.Get("name")) != before {
		t.Error("someone removed from admins created a programme")
	}
	for range 5 {
		if p := b.get("/app/"); p.Status != http.StatusOK {
			t.Errorf("the portfolio, still signed in: %d", p.Status)
		}
	}
	if n := f.refreshes(); n != 1 {
		t.Errorf("%d refreshes for one expiry, want 1", n)
	}

	// Put back in admins: the next expiry picks it up, once.
	f.with(func(d *idp) {
		old := d.claims
		d.claims = func(g grantCode) jwt.MapClaims { m := old(g); m["cognito:groups"] = []string{"admins"}; return m }
	})
	f.clock.add(30 * time.Minute)
	if p := b.get("/app/programmes/new"); p.Status != http.StatusForbidden {
		t.Errorf("half an hour after a refresh: %d (asked again too soon)", p.Status)
	}
	f.clock.add(31 * time.Minute)
	if p := b.get("/app/programmes/new"); p.Status != http.StatusOK {
		t.Errorf("put back in admins, after the next expiry: %d", p.Status)
	}
	b.get("/app/")
	if n := f.refreshes(); n != 2 {
		t.Errorf("%d refreshes for two expiries, want 2", n)
	}

	// An ID token shorter than the hour is asked again when it expires.
	f.with(func(d *idp) {
		old := d.claims
		d.claims = func(g grantCode) jwt.MapClaims {
			m := old(g)
			m["exp"] = d.now().Add(10 * time.Minute).Unix()
			return m
		}
	})
	f.clock.add(61 * time.Minute)
	b.get("/app/")
	f.clock.add(11 * time.Minute)
	b.get("/app/")
	if n := f.refreshes(); n != 4 {
		t.Errorf("%d refreshes, want 4: a ten-minute ID token is asked again after ten minutes", n)
	}
}

// TestSessionRefreshRefused: when Cognito says no to the refresh (the
// person disabled, the refresh token revoked or expired: 400
// invalid_grant), or its answer does not verify as a sign-in's token
// must, the session ends: a page goes to sign in and back, a form is
// refused as signed out and nothing is stored.
func TestSessionRefreshRefused(t *testing.T) {
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	refreshed := func(change func(jwt.MapClaims)) func(d *idp) {
		return func(d *idp) {
			d.refreshClaims = func() jwt.MapClaims { m := d.claims(grantCode{}); delete(m, "nonce"); change(m); return m }
		}
	}
	cases := map[string]func(d *idp){
		"disabled":         func(d *idp) { d.refreshAnswer = func() (int, string) { return 400, `{"error":"invalid_grant"}` } },
		"revoked":          func(d *idp) { clear(d.refreshTokens) },
		"bad signature":    func(d *idp) { d.signWith = other },
		"wrong audience":   refreshed(func(m jwt.MapClaims) { m["aud"] = "another-client" }),
		"wrong issuer":     refreshed(func(m jwt.MapClaims) { m["iss"] = "https://cognito-idp.eu-west-2.amazonaws.com/other" }),
		"access token":     refreshed(func(m jwt.MapClaims) { m["token_use"] = "access" }),
		"expired":          refreshed(func(m jwt.MapClaims) { m["exp"] = m["iat"].(int64) - 7200 }),
		"another subject":  refreshed(func(m jwt.MapClaims) { m["sub"] = "cognito-sub-2" }),
		"email unverified": refreshed(func(m jwt.MapClaims) { m["email_verified"] = false }),
		"unauthorized 401": func(d *idp) { d.refreshAnswer = func() (int, string) { return 401, `{"error":"invalid_client"}` } },
		"no refresh token": nil, // a cookie of before sessions kept one
	}
	for name, refuse := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := newRefreshing(t)
			b, _ := f.signIn(t)
			b.get("/app/programmes/new") // the form, and its token
			if refuse == nil {
				var s web.Session
				if err := f.codec.ReadCookie(&http.Request{Header: http.Header{"Cookie": {cookieHeader(b.steal(t).cookies)}}}, web.SessionCookie, &s); err != nil {
					t.Fatal(err)
				}
				s.RefreshToken, s.Until = "", time.Time{}
				sealed, err := f.codec.Seal(web.SessionCookie, s)
				if err != nil {
					t.Fatal(err)
				}
				b.jar.SetCookies(appURL(t, f.webH), []*http.Cookie{{Name: web.SessionCookie, Value: sealed, Path: "/app"}})
			} else {
				f.with(refuse)
			}
			f.clock.add(61 * time.Minute)
			copied := b.steal(t)

			before := f.programmes(t, newProgramme.Get("name"))
			p := b.post("/app/programmes/new", newProgramme)
			if p.Status != http.StatusForbidden || !strings.Contains(p.Body, "You have been signed out") {
				t.Errorf("POST after the refresh was refused: %d\n%s", p.Status, excerpt(p.Body))
			}
			if !strings.Contains(p.Header.Get("Set-Cookie"), web.SessionCookie+"=;") {
				t.Errorf("the cookie is not cleared (%q)", p.Header.Get("Set-Cookie"))
			}
			if f.programmes(t, newProgramme.Get("name")) != before {
				t.Error("a session whose refresh was refused created a programme")
			}
			p = copied.use(t).get("/app/programmes/new")
			if p.Status != http.StatusFound || p.Header.Get("Location") != "/app/auth/login?next="+url.QueryEscape("/app/programmes/new") {
				t.Errorf("GET after the refresh was refused: %d %q", p.Status, p.Header.Get("Location"))
			}
			// The sign-in page does not take the session for a signed-in one.
			if p := copied.use(t).get("/app/auth/login?next=/app/"); p.Status != http.StatusFound ||
				!strings.HasPrefix(p.Header.Get("Location"), f.d.srv.URL+"/oauth2/authorize") {
				t.Errorf("sign-in with the refused session: %d %q", p.Status, p.Header.Get("Location"))
			}
			if !strings.Contains(f.logs.String(), "signed out") {
				t.Errorf("the log does not say why: %s", f.logs.String())
			}
		})
	}
}

// TestSessionRefreshUnavailable: Cognito failing for the moment (5xx,
// 429) does not sign anyone out: the session goes on with its groups for
// five minutes past its ID token's expiry, asking again on each page,
// then pages and forms are refused as unavailable (nothing stored) until
// Cognito answers again.
func TestSessionRefreshUnavailable(t *testing.T) {
	for _, status := range []int{http.StatusServiceUnavailable, http.StatusInternalServerError, http.StatusTooManyRequests} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			t.Parallel()
			f := newRefreshing(t)
			b, _ := f.signIn(t)
			f.with(func(d *idp) { d.refreshAnswer = func() (int, string) { return status, `{"error":"server"}` } })

			f.clock.add(61 * time.Minute)
			for range 2 {
				if p := b.get("/app/programmes/new"); p.Status != http.StatusOK {
					t.Errorf("within the grace: %d\n%s", p.Status, excerpt(p.Body))
				}
			}
			if n := f.refreshes(); n != 2 {
				t.Errorf("%d refreshes within the grace, want 2 (each page asks again)", n)
			}

			f.clock.add(5 * time.Minute) // 66 minutes: past the grace
			p := b.get("/app/programmes/new")
			if p.Status != http.StatusServiceUnavailable || !strings.Contains(p.Body, "Sorry, the service is unavailable") ||
				p.Header.Get("Retry-After") == "" {
				t.Errorf("past the grace: %d %q\n%s", p.Status, p.Header.Get("Retry-After"), excerpt(p.Body))
			}
			if strings.Contains(p.Header.Get("Set-Cookie"), web.SessionCookie) {
				t.Errorf("past the grace, the cookie was changed: %q", p.Header.Get("Set-Cookie"))
			}
			before := f.programmes(t, newProgramme.Get("name"))
			if p := b.post("/app/programmes/new", newProgramme); p.Status != http.StatusServiceUnavailable {
				t.Errorf("a form past the grace: %d", p.Status)
			}
			if f.programmes(t, newProgramme.Get("name")) != before {
				t.Error("a form past the grace created a programme")
			}

			// Cognito answers again: the session carries on, checked.
			f.with(func(d *idp) { d.refreshAnswer = nil; notAdmin(d) })
			if p := b.get("/app/programmes/new"); p.Status != http.StatusForbidden {
				t.Errorf("Cognito back, the person no longer an admin: %d", p.Status)
			}
			if p := b.get("/app/"); p.Status != http.StatusOK {
				t.Errorf("Cognito back: %d", p.Status)
			}
		})
	}
}

// TestSignOutRevokesRefreshToken: signing out, here or on every device,
// revokes the session's refresh token with Cognito, so it cannot be
// refreshed again by anyone holding a copy of the cookie.
func TestSignOutRevokesRefreshToken(t *testing.T) {
	f := newRefreshing(t)
	for _, path := range []string{"/app/auth/logout", "/app/auth/logout-everywhere"} {
		b, _ := f.signIn(t)
		b.get("/app/")
		f.with(func(d *idp) { d.revoked = nil })
		var tokens []string
		f.with(func(d *idp) {
			for tok := range d.refreshTokens {
				tokens = append(tokens, tok)
			}
		})
		if p := b.post(path, nil); p.Status != http.StatusSeeOther {
			t.Fatalf("%s: %d\n%s", path, p.Status, excerpt(p.Body))
		}
		f.with(func(d *idp) {
			if len(d.revoked) != 1 || !slices.Contains(tokens, d.revoked[0]) {
				t.Errorf("%s revoked %d tokens", path, len(d.revoked))
			}
		})
	}
	f.with(func(d *idp) {
		if len(d.refreshTokens) != 0 {
			t.Errorf("%d refresh tokens left after signing out", len(d.refreshTokens))
		}
	})

	// Signing out on every device: another sign-in of the person has its
	// refresh token revoked when it next reaches the app.
	here, _ := f.signIn(t)
	there, _ := f.signIn(t)
	here.get("/app/")
	f.clock.add(time.Second) // the clock stands still otherwise: both started before
	if p := here.post("/app/auth/logout-everywhere", nil); p.Status != http.StatusSeeOther {
		t.Fatalf("sign out on every device: %d", p.Status)
	}
	f.with(func(d *idp) {
		if len(d.refreshTokens) != 1 {
			t.Errorf("%d refresh tokens left, want the other sign-in's", len(d.refreshTokens))
		}
	})
	if p := there.get("/app/"); p.Status != http.StatusFound {
		t.Errorf("the other sign-in after signing out on every device: %d", p.Status)
	}
	f.with(func(d *idp) {
		if len(d.refreshTokens) != 0 {
			t.Errorf("the other sign-in's refresh token was not revoked")
		}
	})
}
