package cognito_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/fundtrack/fundtrack/shared/auth/cognito"
)

const clientID = "client-123"

// pool stands in for a Cognito user pool: it serves its keys as a JWKS
// and signs ID tokens with them.
type pool struct {
	srv    *httptest.Server
	issuer string

	mu      sync.Mutex
	keys    map[string]*rsa.PrivateKey // served, by key id
	status  int                        // non-zero: the JWKS answers this
	fetches int
}

func newKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

func newPool(t *testing.T) *pool {
	p := &pool{keys: map[string]*rsa.PrivateKey{"key-1": newKey(t)}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /pool/.well-known/jwks.json", func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		defer p.mu.Unlock()
		p.fetches++
		if p.status != 0 {
			w.WriteHeader(p.status)
			return
		}
		set := []map[string]string{
			// Keys fundtrack must skip: not RSA, and an encryption key.
			{"kty": "EC", "kid": "ec", "crv": "P-256"},
			{"kty": "RSA", "kid": "enc", "use": "enc", "n": "AQAB", "e": "AQAB"},
		}
		for kid, key := range p.keys {
			set = append(set, map[string]string{"kty": "RSA", "kid": kid, "use": "sig", "alg": "RS256",
				"n": base64.RawURLEncoding.EncodeToString(key.N.Bytes()),
				"e": base64.RawURLEncoding.EncodeToString(big.NewInt(int64(key.E)).Bytes())})
		}
		json.NewEncoder(w).Encode(map[string]any{"keys": set})
	})
	p.srv = httptest.NewServer(mux)
	t.Cleanup(p.srv.Close)
	p.issuer = p.srv.URL + "/pool"
	return p
}

// claims are a good ID token's, issued now.
func (p *pool) claims(now time.Time) jwt.MapClaims {
	return jwt.MapClaims{"sub": "cognito-sub-1", "email": "Lead@Example.org", "email_verified": true, "token_use": "id",
		"iss": p.issuer, "aud": clientID, "exp": now.Add(time.Hour).Unix(), "iat": now.Unix(), "auth_time": now.Unix(),
		"nonce": "nonce-1", "cognito:groups": []string{}}
}

// sign signs claims as the pool's key kid would (with key, if not nil).
func (p *pool) sign(t *testing.T, claims jwt.MapClaims, kid string, key *rsa.PrivateKey) string {
	t.Helper()
	if key == nil {
		p.mu.Lock()
		key = p.keys[kid]
		p.mu.Unlock()
	}
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	tok.Header["kid"] = kid
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (p *pool) fetched() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.fetches
}

func (p *pool) verifier() *cognito.IDTokens {
	return &cognito.IDTokens{Issuer: p.issuer, ClientID: clientID, HTTP: p.srv.Client()}
}

func TestVerifyGoodToken(t *testing.T) {
	p := newPool(t)
	v := p.verifier()
	c := p.claims(time.Now())
	c["cognito:groups"] = []string{"admins"}
	id, err := v.Verify(context.Background(), p.sign(t, c, "key-1", nil), "nonce-1")
	if err != nil {
		t.Fatal(err)
	}
	if id.Subject != "cognito-sub-1" || id.Email != "lead@example.org" || !slices.Equal(id.Groups, []string{"admins"}) {
		t.Errorf("identity %+v", id)
	}
	// VerifyExpiry says when the token expires, to the second.
	c = p.claims(time.Now())
	c["exp"] = time.Now().Add(42 * time.Minute).Unix()
	if _, exp, err := v.VerifyExpiry(context.Background(), p.sign(t, c, "key-1", nil), "nonce-1"); err != nil || exp.Unix() != c["exp"] {
		t.Errorf("expiry %v (%v), want %v", exp, err, c["exp"])
	}
	// Cognito may send email_verified as a string.
	c = p.claims(time.Now())
	c["email_verified"] = "true"
	if _, err := v.Verify(context.Background(), p.sign(t, c, "key-1", nil), "nonce-1"); err != nil {
		t.Errorf("email_verified \"true\": %v", err)
	}
	// No nonce to match (the caller sent none) skips the check.
	if _, err := v.Verify(context.Background(), p.sign(t, p.claims(time.Now()), "key-1", nil), ""); err != nil {
		t.Errorf("no nonce: %v", err)
	}
	// A trailing slash on the configured issuer is not part of it.
	v2 := &cognito.IDTokens{Issuer: p.issuer + "/", ClientID: clientID, HTTP: p.srv.Client()}
	if _, err := v2.Verify(context.Background(), p.sign(t, p.claims(time.Now()), "key-1", nil), "nonce-1"); err != nil {
		t.Errorf("issuer with a slash: %v", err)
	}
}

func TestVerifyRefuses(t *testing.T) {
	p := newPool(t)
	v := p.verifier()
	other := newKey(t)
	hs256 := func() string {
		s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, p.claims(time.Now())).SignedString([]byte("secret"))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	cases := map[string]struct {
		claims func(jwt.MapClaims)
		key    *rsa.PrivateKey // signs instead of the pool's key
		kid    string          // instead of key-1
		token  func() string   // instead of a signed token
		reason string          // what the error must say
	}{
		"bad signature":        {key: other, reason: "verification error"},
		"unknown key id":       {kid: "key-9", key: other, reason: `unknown key id "key-9"`},
		"not RS256":            {token: hs256, reason: "signing method HS256 is invalid"},
		"not a token":          {token: func() string { return "not.a.token" }, reason: "id token: token is malformed"},
		"wrong audience":       {claims: func(c jwt.MapClaims) { c["aud"] = "another-client" }, reason: "audience"},
		"wrong issuer":         {claims: func(c jwt.MapClaims) { c["iss"] = "https://cognito-idp.eu-west-2.amazonaws.com/other" }, reason: "issuer"},
		"expired":              {claims: func(c jwt.MapClaims) { c["exp"] = time.Now().Add(-time.Hour).Unix() }, reason: "expired"},
		"no expiry":            {claims: func(c jwt.MapClaims) { delete(c, "exp") }, reason: "exp"},
		"issued in the future": {claims: func(c jwt.MapClaims) { c["iat"] = time.Now().Add(time.Hour).Unix() }, reason: "used before issued"},
		"access token":         {claims: func(c jwt.MapClaims) { c["token_use"] = "access" }, reason: "token_use is not id"},
		"nonce mismatch":       {claims: func(c jwt.MapClaims) { c["nonce"] = "another" }, reason: "nonce does not match"},
		"no nonce":             {claims: func(c jwt.MapClaims) { delete(c, "nonce") }, reason: "nonce does not match"},
		"no subject":           {claims: func(c jwt.MapClaims) { delete(c, "sub") }, reason: "no subject or email"},
		"no email":             {claims: func(c jwt.MapClaims) { delete(c, "email") }, reason: "no subject or email"},
		"email not an address": {claims: func(c jwt.MapClaims) { c["email"] = "Lead <lead@example.org>" }, reason: "not an address"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			var raw string
			if c.token != nil {
				raw = c.token()
			} else {
				claims := p.claims(time.Now())
				if c.claims != nil {
					c.claims(claims)
				}
				kid := "key-1"
				if c.kid != "" {
					kid = c.kid
				}
				raw = p.sign(t, claims, kid, c.key)
			}
			id, err := v.Verify(context.Background(), raw, "nonce-1")
			if err == nil || !strings.Contains(err.Error(), c.reason) {
				t.Fatalf("got %+v, %v; want an error saying %q", id, err, c.reason)
			}
			if !strings.HasPrefix(err.Error(), "id token: ") {
				t.Errorf("error %q does not say it is the id token", err)
			}
			if strings.Contains(err.Error(), raw) || errors.Is(err, cognito.ErrEmailUnverified) {
				t.Errorf("error %q holds the token or says the email is unverified", err)
			}
		})
	}
}

// An email the account's holder has not verified is no member's.
func TestVerifyEmailUnverified(t *testing.T) {
	p := newPool(t)
	v := p.verifier()
	for name, verified := range map[string]any{"false": false, "as text": "false", "missing": nil, "not a boolean": "yes"} {
		t.Run(name, func(t *testing.T) {
			c := p.claims(time.Now())
			if c["email_verified"] = verified; verified == nil {
				delete(c, "email_verified")
			}
			_, err := v.Verify(context.Background(), p.sign(t, c, "key-1", nil), "nonce-1")
			if !errors.Is(err, cognito.ErrEmailUnverified) {
				t.Fatalf("got %v, want ErrEmailUnverified", err)
			}
		})
	}
}

// The pool's keys are fetched once and cached. A token naming a key the
// cache lacks fetches them again, at most once a minute, so a rotated key
// is picked up but made-up key ids cannot make every sign-in a fetch.
func TestVerifyCachesKeys(t *testing.T) {
	p := newPool(t)
	now := time.Now()
	v := &cognito.IDTokens{Issuer: p.issuer, ClientID: clientID, HTTP: p.srv.Client(), Now: func() time.Time { return now }}
	verify := func(kid string) error {
		_, err := v.Verify(context.Background(), p.sign(t, p.claims(now), kid, nil), "nonce-1")
		return err
	}
	for range 3 {
		if err := verify("key-1"); err != nil {
			t.Fatal(err)
		}
	}
	if n := p.fetched(); n != 1 {
		t.Errorf("three tokens fetched the keys %d times, want once", n)
	}

	// The pool rotates in a new key.
	p.mu.Lock()
	p.keys["key-2"] = newKey(t)
	p.mu.Unlock()
	now = now.Add(30 * time.Second)
	if err := verify("key-2"); err == nil || !strings.Contains(err.Error(), `unknown key id "key-2"`) {
		t.Errorf("a new key within a minute of the fetch: %v", err)
	}
	if n := p.fetched(); n != 1 {
		t.Errorf("an unknown key within a minute fetched again (%d fetches)", n)
	}
	now = now.Add(31 * time.Second)
	if err := verify("key-2"); err != nil {
		t.Errorf("the new key a minute after the fetch: %v", err)
	}
	if err := verify("key-1"); err != nil {
		t.Errorf("the old key, still served: %v", err)
	}
	if n := p.fetched(); n != 2 {
		t.Errorf("%d fetches, want 2", n)
	}
}

func TestVerifyKeysUnavailable(t *testing.T) {
	p := newPool(t)
	p.mu.Lock()
	p.status = http.StatusServiceUnavailable
	p.mu.Unlock()
	v := p.verifier()
	_, err := v.Verify(context.Background(), p.sign(t, p.claims(time.Now()), "key-1", nil), "nonce-1")
	if err == nil || !strings.Contains(err.Error(), "jwks: "+p.issuer+"/.well-known/jwks.json answered 503") {
		t.Fatalf("got %v", err)
	}
	// A failure of the moment, told apart from a refused token.
	if !errors.Is(err, cognito.ErrKeysUnavailable) {
		t.Errorf("%v is not ErrKeysUnavailable", err)
	}
	// A failed fetch is not a fetch: the next token tries again.
	p.mu.Lock()
	p.status = 0
	p.mu.Unlock()
	if _, err := v.Verify(context.Background(), p.sign(t, p.claims(time.Now()), "key-1", nil), "nonce-1"); err != nil {
		t.Errorf("after the pool recovered: %v", err)
	}
}
