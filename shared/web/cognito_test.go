package web_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/fundtrack/fundtrack/shared/platform"
	"github.com/fundtrack/fundtrack/shared/platform/webdeps"
	"github.com/fundtrack/fundtrack/shared/testenv"
	"github.com/fundtrack/fundtrack/shared/testkit"
	"github.com/fundtrack/fundtrack/shared/web"
)

// idp stands in for Cognito: the authorize redirect is checked by the test,
// the token endpoint checks the code and the PKCE verifier, and the pool's
// keys are served as a JWKS.
type idp struct {
	t        *testing.T
	srv      *httptest.Server
	key      *rsa.PrivateKey
	kid      string
	clientID string
	issuer   string

	mu    sync.Mutex
	codes map[string]grantCode
	// token makes the ID token's claims for a code; tests change them.
	claims    func(g grantCode) jwt.MapClaims
	signWith  *rsa.PrivateKey // nil: the pool's key
	tokenHits int

	// now is the pool's clock, for the tokens' iat and exp (time.Now
	// unless a test moves it).
	now func() time.Time
	// refreshTokens are the refresh tokens given and not revoked, each
	// with the subject it was given to.
	refreshTokens map[string]string
	refreshHits   int // refresh_token grants asked for
	revoked       []string
	// refreshAnswer, if not nil, answers a refresh instead (a status and a
	// body): a 400 invalid_grant as for a disabled person, a 503.
	refreshAnswer func() (int, string)
	// refreshClaims are the refreshed ID token's claims (the sign-in's,
	// without a nonce, when nil).
	refreshClaims func() jwt.MapClaims
}

// refreshTokenLength is the length of the refresh tokens the stand-in
// gives: more than Cognito's (an encrypted JWT of about 1,800
// characters), so the session cookie is shown to fit with one.
const refreshTokenLength = 2000

type grantCode struct {
	challenge, redirectURI, nonce string
}

// idpKey is the stand-in's signing key, made once per test binary: each
// RSA key took a fraction of a CPU second to make under the race
// detector, and every stand-in made one. Tests of a wrong key make their own.
var idpKey = sync.OnceValues(func() (*rsa.PrivateKey, error) { return rsa.GenerateKey(rand.Reader, 2048) })

func newIDP(t *testing.T) *idp {
	key, err := idpKey()
	if err != nil {
		t.Fatal(err)
	}
	d := &idp{t: t, key: key, kid: "test-key-1", clientID: "client-123", codes: map[string]grantCode{},
		now: time.Now, refreshTokens: map[string]string{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /oauth2/token", d.token)
	mux.HandleFunc("POST /oauth2/revoke", d.revoke)
	mux.HandleFunc("GET /pool/.well-known/jwks.json", func(w http.ResponseWriter, r *http.Request) {
		e := big.NewInt(int64(key.E)).Bytes()
		json.NewEncoder(w).Encode(map[string]any{"keys": []map[string]string{{"kty": "RSA", "kid": d.kid, "use": "sig", "alg": "RS256",
			"n": base64.RawURLEncoding.EncodeToString(key.N.Bytes()), "e": base64.RawURLEncoding.EncodeToString(e)}}})
	})
	d.srv = httptest.NewServer(mux)
	t.Cleanup(d.srv.Close)
	d.issuer = d.srv.URL + "/pool"
	d.claims = func(g grantCode) jwt.MapClaims {
		now := d.now()
		return jwt.MapClaims{"sub": "cognito-sub-1", "email": "Lead@Example.org", "email_verified": true, "token_use": "id",
			"iss": d.issuer, "aud": d.clientID, "exp": now.Add(time.Hour).Unix(), "iat": now.Unix(), "auth_time": now.Unix(),
			"nonce": g.nonce, "cognito:groups": []string{}}
	}
	return d
}

func (d *idp) token(w http.ResponseWriter, r *http.Request) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.tokenHits++
	r.ParseForm()
	if r.PostForm.Get("grant_type") == "refresh_token" {
		d.refresh(w, r)
		return
	}
	g, ok := d.codes[r.PostForm.Get("code")]
	sum := sha256.Sum256([]byte(r.PostForm.Get("code_verifier")))
	switch {
	case !ok, r.PostForm.Get("grant_type") != "authorization_code", r.PostForm.Get("client_id") != d.clientID,
		r.PostForm.Get("redirect_uri") != g.redirectURI,
		base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge:
		w.WriteHeader(http.StatusBadRequest)
		w.Write([]byte(`{"error":"invalid_grant"}`))
		return
	}
	delete(d.codes, r.PostForm.Get("code")) // a code works once
	claims := d.claims(g)
	refresh := "rt-" + web.RandomToken()
	refresh += strings.Repeat("x", refreshTokenLength-len(refresh))
	d.refreshTokens[refresh], _ = claims["sub"].(string)
	json.NewEncoder(w).Encode(map[string]any{"id_token": d.sign(claims), "access_token": "a", "refresh_token": refresh,
		"token_type": "Bearer", "expires_in": 3600})
}

func (d *idp) sign(claims jwt.MapClaims) string {
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	tok.Header["kid"] = d.kid
	key := d.key
	if d.signWith != nil {
		key = d.signWith
	}
	signed, err := tok.SignedString(key)
	if err != nil {
		d.t.Error(err)
	}
	return signed
}

// refresh answers the refresh_token grant as Cognito does: a new ID token
// (no refresh token: the pool does not rotate them), or 400 invalid_grant
// for a token it did not give or that was revoked. d.mu is held.
func (d *idp) refresh(w http.ResponseWriter, r *http.Request) {
	d.refreshHits++
	if d.refreshAnswer != nil {
		status, body := d.refreshAnswer()
		w.WriteHeader(status)
		w.Write([]byte(body))
		return
	}
	if _, ok := d.refreshTokens[r.PostForm.Get("refresh_token")]; !ok || r.PostForm.Get("client_id") != d.clientID {
		w.WriteHeader(http.StatusBadRequest)
		w.Write([]byte(`{"error":"invalid_grant"}`))
		return
	}
	claims := d.claims(grantCode{})
	delete(claims, "nonce")
	if d.refreshClaims != nil {
		claims = d.refreshClaims()
	}
	json.NewEncoder(w).Encode(map[string]any{"id_token": d.sign(claims), "access_token": "a", "token_type": "Bearer", "expires_in": 3600})
}

// revoke is the revocation endpoint: the token works no more.
func (d *idp) revoke(w http.ResponseWriter, r *http.Request) {
	d.mu.Lock()
	defer d.mu.Unlock()
	r.ParseForm()
	if r.PostForm.Get("client_id") != d.clientID {
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	delete(d.refreshTokens, r.PostForm.Get("token"))
	d.revoked = append(d.revoked, r.PostForm.Get("token"))
}

// cognitoWeb is the web app signing in through the stand-in.
func cognitoWeb(t *testing.T, d *idp) *webH {
	db, table := testenv.Table(t)
	h := &webH{codec: web.RandomCodec(), logs: &testkit.LogBuffer{}}
	deps := webdeps.Deps(platform.Config{Table: table}, db)
	deps.Logger = slog.New(slog.NewTextHandler(h.logs, nil))
	deps.Sessions = h.codec
	signIn, err := web.NewCognito(web.CognitoConfig{Domain: d.srv.URL, ClientID: d.clientID, Issuer: d.issuer}, h.codec, d.srv.Client(), nil)
	if err != nil {
		t.Fatal(err)
	}
	deps.SignIn = signIn
	srv := httptest.NewServer(web.New(deps))
	t.Cleanup(srv.Close)
	h.URL = srv.URL
	return h
}

// begin follows /app/auth/login to the authorize redirect, checks it, and
// has the stand-in issue a code for it as if the person signed in.
func (d *idp) begin(t *testing.T, b *browser, next string) (state, code string) {
	t.Helper()
	p := b.get("/app/auth/login?next=" + url.QueryEscape(next))
	loc, err := url.Parse(p.Header.Get("Location"))
	if p.Status != http.StatusFound || err != nil || loc.Scheme+"://"+loc.Host != d.srv.URL || loc.Path != "/oauth2/authorize" {
		t.Fatalf("login: %d to %q", p.Status, p.Header.Get("Location"))
	}
	q := loc.Query()
	for k, want := range map[string]string{"response_type": "code", "client_id": d.clientID, "scope": "openid email",
		"code_challenge_method": "S256", "redirect_uri": b.h.URL + "/app/auth/callback"} {
		if q.Get(k) != want {
			t.Errorf("authorize %s=%q, want %q", k, q.Get(k), want)
		}
	}
	if len(q.Get("state")) < 32 || len(q.Get("code_challenge")) != 43 || len(q.Get("nonce")) < 32 {
		t.Fatalf("authorize state %q challenge %q nonce %q", q.Get("state"), q.Get("code_challenge"), q.Get("nonce"))
	}
	code = "code-" + web.RandomToken()
	d.mu.Lock()
	d.codes[code] = grantCode{challenge: q.Get("code_challenge"), redirectURI: q.Get("redirect_uri"), nonce: q.Get("nonce")}
	d.mu.Unlock()
	return q.Get("state"), code
}

func TestCognitoSignIn(t *testing.T) {
	d := newIDP(t)
	h := cognitoWeb(t, d)

	t.Run("good token", func(t *testing.T) {
		b := h.browser(t)
		state, code := d.begin(t, b, "/app/programmes/new")
		p := b.get("/app/auth/callback?code=" + url.QueryEscape(code) + "&state=" + url.QueryEscape(state))
		if p.Status != http.StatusSeeOther || p.Header.Get("Location") != "/app/programmes/new" {
			t.Fatalf("callback: %d %q\n%s\n%s", p.Status, p.Header.Get("Location"), excerpt(p.Body), h.logs.String())
		}
		p = b.get("/app/")
		if p.Status != http.StatusOK || !strings.Contains(p.Body, `data-testid="signed-in-as">lead@example.org<`) {
			t.Fatalf("signed in page: %d\n%s", p.Status, excerpt(p.Body))
		}
		// Not an admin: no groups in the token.
		if p := b.get("/app/programmes/new"); p.Status != http.StatusForbidden {
			t.Errorf("non-admin creating a programme: %d", p.Status)
		}
		// The code was used; replaying the callback fails (no sign-in in progress).
		if p := b.get("/app/auth/callback?code=" + url.QueryEscape(code) + "&state=" + url.QueryEscape(state)); p.Status != http.StatusForbidden {
			t.Errorf("replayed callback: %d", p.Status)
		}
		// Sign-out goes to Cognito's logout, which comes back to the signed-out page.
		b.get("/app/")
		p = b.post("/app/auth/logout", nil)
		loc, _ := url.Parse(p.Header.Get("Location"))
		if p.Status != http.StatusSeeOther || loc == nil || loc.Path != "/logout" || loc.Query().Get("client_id") != d.clientID ||
			loc.Query().Get("logout_uri") != h.URL+"/app/auth/signed-out" {
			t.Errorf("sign-out: %d %q", p.Status, p.Header.Get("Location"))
		}
		if p := b.get("/app/"); p.Status != http.StatusFound {
			t.Errorf("after sign-out: %d", p.Status)
		}
	})

	t.Run("groups make an admin", func(t *testing.T) {
		old := d.claims
		defer func() { d.claims = old }()
		d.claims = func(g grantCode) jwt.MapClaims {
			c := old(g)
			c["cognito:groups"] = []string{"admins"}
			c["email"] = "admin@example.org"
			return c
		}
		b := h.browser(t)
		state, code := d.begin(t, b, "/app/")
		b.get("/app/auth/callback?code=" + url.QueryEscape(code) + "&state=" + url.QueryEscape(state))
		if p := b.get("/app/programmes/new"); p.Status != http.StatusOK {
			t.Errorf("admin creating a programme: %d", p.Status)
		}
	})

	// An email the account's holder has not verified is no member's:
	// sign-in is refused, saying why. (Which claims say it is unverified
	// is shared/auth/cognito's test.)
	t.Run("email not verified", func(t *testing.T) {
		old := d.claims
		defer func() { d.claims = old }()
		d.claims = func(g grantCode) jwt.MapClaims {
			c := old(g)
			c["email_verified"] = false
			return c
		}
		b := h.browser(t)
		state, code := d.begin(t, b, "/app/")
		p := b.get("/app/auth/callback?code=" + url.QueryEscape(code) + "&state=" + url.QueryEscape(state))
		if p.Status != http.StatusForbidden || !strings.Contains(p.Body, "Your email address is not verified") {
			t.Fatalf("callback: %d\n%s", p.Status, excerpt(p.Body))
		}
		if p := b.get("/app/"); p.Status != http.StatusFound {
			t.Errorf("after a refused sign-in, /app/ answered %d", p.Status)
		}
	})

	other, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	// The flow's refusals, and enough of the token's to show the sign-in
	// checks it against this pool's keys and issuer, this client and this
	// sign-in's nonce; every check of the token is shared/auth/cognito's
	// test.
	refusals := map[string]struct {
		claims   func(jwt.MapClaims)
		signWith *rsa.PrivateKey
		callback func(state, code string) string // the callback query
		pending  *web.Pending                    // replaces the sign-in cookie
		reason   string                          // what the log must say
	}{
		"bad signature":     {signWith: other, reason: "verification error"},
		"wrong audience":    {claims: func(c jwt.MapClaims) { c["aud"] = "another-client" }, reason: "audience"},
		"wrong issuer":      {claims: func(c jwt.MapClaims) { c["iss"] = "https://cognito-idp.eu-west-2.amazonaws.com/other" }, reason: "issuer"},
		"nonce mismatch":    {claims: func(c jwt.MapClaims) { c["nonce"] = "another" }, reason: "nonce"},
		"state mismatch":    {callback: func(state, code string) string { return "code=" + code + "&state=" + state + "x" }, reason: "state does not match"},
		"no state":          {callback: func(state, code string) string { return "code=" + code }, reason: "state does not match"},
		"no code":           {callback: func(state, code string) string { return "state=" + state }, reason: "no code"},
		"provider error":    {callback: func(state, code string) string { return "error=access_denied&state=" + state }, reason: "access_denied"},
		"missing verifier":  {pending: &web.Pending{State: "s-0123456789abcdef0123456789abcdef", Nonce: "n"}, reason: "no PKCE verifier"},
		"expired sign-in":   {pending: &web.Pending{State: "s-0123456789abcdef0123456789abcdef", Verifier: "v", Expires: time.Now().Add(-time.Minute)}, reason: "took too long"},
		"no sign-in cookie": {pending: &web.Pending{}, reason: "no sign-in in progress"},
	}
	for name, c := range refusals {
		t.Run(name, func(t *testing.T) {
			old := d.claims
			defer func() { d.claims, d.signWith = old, nil }()
			if c.claims != nil {
				d.claims = func(g grantCode) jwt.MapClaims { m := old(g); c.claims(m); return m }
			}
			d.signWith = c.signWith
			b := h.browser(t)
			state, code := d.begin(t, b, "/app/")
			query := "code=" + url.QueryEscape(code) + "&state=" + url.QueryEscape(state)
			if c.callback != nil {
				query = c.callback(url.QueryEscape(state), url.QueryEscape(code))
			}
			if c.pending != nil {
				u, _ := url.Parse(h.URL + "/app/")
				value := ""
				if c.pending.State != "" {
					p := *c.pending
					if p.Expires.IsZero() {
						p.Expires = time.Now().Add(time.Minute)
					}
					value, _ = h.codec.Seal(web.AuthCookie, p)
					query = "code=" + url.QueryEscape(code) + "&state=" + url.QueryEscape(p.State)
				}
				b.jar.SetCookies(u, []*http.Cookie{{Name: web.AuthCookie, Value: value, Path: "/app"}})
			}
			logged := len(h.logs.String())
			p := b.get("/app/auth/callback?" + query)
			if why := h.logs.String()[logged:]; !strings.Contains(why, c.reason) {
				t.Errorf("refused, but not because of %q: %s", c.reason, why)
			}
			if p.Status != http.StatusForbidden || !strings.Contains(p.Body, "Sign-in failed") {
				t.Fatalf("callback: %d %q\n%s", p.Status, p.Header.Get("Location"), excerpt(p.Body))
			}
			if p := b.get("/app/"); p.Status != http.StatusFound {
				t.Errorf("after a refused sign-in, /app/ answered %d", p.Status)
			}
		})
	}
}
