package web

import (
	"context"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// Pending is a sign-in in flight, kept sealed in the AuthCookie for ten
// minutes between leaving for the identity provider and coming back.
type Pending struct {
	State    string    `json:"s"`
	Verifier string    `json:"v,omitempty"` // PKCE code verifier
	Nonce    string    `json:"n,omitempty"`
	Next     string    `json:"x,omitempty"`
	Expires  time.Time `json:"e"`
}

// PendingLifetime is how long a sign-in may take.
const PendingLifetime = 10 * time.Minute

// StartPending seals a new pending sign-in into the AuthCookie.
func StartPending(w http.ResponseWriter, r *http.Request, codec *Codec, p Pending, now time.Time) error {
	p.Expires = now.Add(PendingLifetime).UTC()
	return codec.SetCookie(w, r, AuthCookie, p, PendingLifetime)
}

// FinishPending reads the pending sign-in back and checks the state the
// browser returned with, in constant time. Any mismatch refuses.
func FinishPending(r *http.Request, codec *Codec, state string, now time.Time) (Pending, error) {
	var p Pending
	if err := codec.ReadCookie(r, AuthCookie, &p); err != nil {
		return Pending{}, fmt.Errorf("no sign-in in progress: %w", err)
	}
	if !now.Before(p.Expires) {
		return Pending{}, errors.New("the sign-in took too long")
	}
	if p.State == "" || subtle.ConstantTimeCompare([]byte(p.State), []byte(state)) != 1 {
		return Pending{}, errors.New("state does not match")
	}
	return p, nil
}

// CognitoConfig is the user pool's managed login.
type CognitoConfig struct {
	// Domain is the managed login host, e.g.
	// fundtrack-prod-123.auth.eu-west-2.amazoncognito.com, or a full URL
	// (tests use an httptest server).
	Domain   string
	ClientID string
	// Issuer is https://cognito-idp.<region>.amazonaws.com/<pool id>; the
	// keys are read from Issuer + "/.well-known/jwks.json".
	Issuer string
	// BaseURL is where the app is reached (https://host, no /app); empty
	// takes the request's own host.
	BaseURL string
}

// Cognito signs people in through Cognito managed login with the
// authorization-code flow and PKCE (S256), then verifies the ID token
// against the user pool's keys.
type Cognito struct {
	cfg    CognitoConfig
	codec  *Codec
	client *http.Client
	now    func() time.Time
	keys   *jwks
}

// NewCognito makes the Cognito sign-in. client and now may be nil.
func NewCognito(cfg CognitoConfig, codec *Codec, client *http.Client, now func() time.Time) (*Cognito, error) {
	if cfg.Domain == "" || cfg.ClientID == "" || cfg.Issuer == "" {
		return nil, errors.New("cognito sign-in needs a domain, a client id and an issuer")
	}
	if !strings.Contains(cfg.Domain, "://") {
		cfg.Domain = "https://" + cfg.Domain
	}
	cfg.Domain = strings.TrimRight(cfg.Domain, "/")
	cfg.Issuer = strings.TrimRight(cfg.Issuer, "/")
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	if now == nil {
		now = time.Now
	}
	return &Cognito{cfg: cfg, codec: codec, client: client, now: now,
		keys: &jwks{url: cfg.Issuer + "/.well-known/jwks.json", client: client, now: now}}, nil
}

func (c *Cognito) base(r *http.Request) string {
	if c.cfg.BaseURL != "" {
		return c.cfg.BaseURL
	}
	scheme := "https"
	if PlainLocalhost(r) {
		scheme = "http"
	}
	return scheme + "://" + r.Host
}

func (c *Cognito) redirectURI(r *http.Request) string { return c.base(r) + "/app/auth/callback" }

// Begin sends the browser to the managed login page.
func (c *Cognito) Begin(w http.ResponseWriter, r *http.Request, ui UI, next string) {
	p := Pending{State: RandomToken(), Verifier: RandomToken(), Nonce: RandomToken(), Next: next}
	if err := StartPending(w, r, c.codec, p, c.now()); err != nil {
		ui.Page(w, r, http.StatusInternalServerError, "Sorry, there is a problem with the service", "<p>Try again later.</p>")
		return
	}
	sum := sha256.Sum256([]byte(p.Verifier))
	q := url.Values{
		"response_type":         {"code"},
		"client_id":             {c.cfg.ClientID},
		"redirect_uri":          {c.redirectURI(r)},
		"scope":                 {"openid email"},
		"state":                 {p.State},
		"nonce":                 {p.Nonce},
		"code_challenge":        {base64.RawURLEncoding.EncodeToString(sum[:])},
		"code_challenge_method": {"S256"},
	}
	http.Redirect(w, r, c.cfg.Domain+"/oauth2/authorize?"+q.Encode(), http.StatusFound)
}

// Complete exchanges the code for tokens (with the PKCE verifier) and
// verifies the ID token.
func (c *Cognito) Complete(w http.ResponseWriter, r *http.Request) (domain.Identity, string, error) {
	q := r.URL.Query()
	if e := q.Get("error"); e != "" {
		return domain.Identity{}, "", fmt.Errorf("identity provider said %q", e)
	}
	p, err := FinishPending(r, c.codec, q.Get("state"), c.now())
	if err != nil {
		return domain.Identity{}, "", err
	}
	if p.Verifier == "" {
		return domain.Identity{}, "", errors.New("no PKCE verifier")
	}
	code := q.Get("code")
	if code == "" {
		return domain.Identity{}, "", errors.New("no code")
	}
	idToken, err := c.exchange(r.Context(), code, p.Verifier, c.redirectURI(r))
	if err != nil {
		return domain.Identity{}, "", err
	}
	id, err := c.verify(r.Context(), idToken, p.Nonce)
	if err != nil {
		return domain.Identity{}, "", err
	}
	return id, p.Next, nil
}

// FormOrigins implements FormTargets: the managed login's origin, where
// the sign-out form's redirect goes (SignedOut).
func (c *Cognito) FormOrigins() []string {
	u, err := url.Parse(c.cfg.Domain)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil
	}
	return []string{u.Scheme + "://" + u.Host}
}

// SignedOut is Cognito's logout endpoint, which ends the managed login
// session too and comes back to the signed-out page.
func (c *Cognito) SignedOut(r *http.Request) string {
	q := url.Values{"client_id": {c.cfg.ClientID}, "logout_uri": {c.base(r) + "/app/auth/signed-out"}}
	return c.cfg.Domain + "/logout?" + q.Encode()
}

func (c *Cognito) exchange(ctx context.Context, code, verifier, redirectURI string) (string, error) {
	form := url.Values{
		"grant_type":    {"authorization_code"},
		"client_id":     {c.cfg.ClientID},
		"code":          {code},
		"redirect_uri":  {redirectURI},
		"code_verifier": {verifier},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.Domain+"/oauth2/token", strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := c.client.Do(req)
	if err != nil {
		return "", fmt.Errorf("token endpoint: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", fmt.Errorf("token endpoint: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("token endpoint answered %d", resp.StatusCode)
	}
	var tok struct {
		IDToken string `json:"id_token"`
	}
	if err := json.Unmarshal(body, &tok); err != nil || tok.IDToken == "" {
		return "", errors.New("token endpoint gave no id_token")
	}
	return tok.IDToken, nil
}

// ErrEmailUnverified refuses a sign-in whose ID token says the email
// address has not been verified.
var ErrEmailUnverified = errors.New("the email address is not verified")

// idClaims are the ID token claims fundtrack reads.
type idClaims struct {
	jwt.RegisteredClaims
	Email         string   `json:"email"`
	EmailVerified any      `json:"email_verified"`
	TokenUse      string   `json:"token_use"`
	Nonce         string   `json:"nonce"`
	Groups        []string `json:"cognito:groups"`
}

// verify checks an ID token: RS256 signed by one of the pool's keys, from
// the pool (iss), for this client (aud), not expired, an ID token, with the
// nonce of this sign-in.
func (c *Cognito) verify(ctx context.Context, raw, nonce string) (domain.Identity, error) {
	var claims idClaims
	_, err := jwt.ParseWithClaims(raw, &claims, func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		return c.keys.key(ctx, kid)
	}, jwt.WithValidMethods([]string{"RS256"}), jwt.WithIssuer(c.cfg.Issuer), jwt.WithAudience(c.cfg.ClientID),
		jwt.WithExpirationRequired(), jwt.WithIssuedAt(), jwt.WithTimeFunc(c.now), jwt.WithLeeway(30*time.Second))
	if err != nil {
		return domain.Identity{}, fmt.Errorf("id token: %w", err)
	}
	if claims.TokenUse != "id" {
		return domain.Identity{}, errors.New("id token: token_use is not id")
	}
	if nonce != "" && subtle.ConstantTimeCompare([]byte(claims.Nonce), []byte(nonce)) != 1 {
		return domain.Identity{}, errors.New("id token: nonce does not match")
	}
	id, err := domain.NewIdentity(claims.Subject, claims.Email, claims.Groups)
	if err != nil {
		return domain.Identity{}, errors.New("id token: no subject or email, or the email is not an address")
	}
	if !domain.EmailVerified(claims.EmailVerified) {
		// The account's holder may have set the address without proving
		// they hold it: it grants no member's roles.
		return domain.Identity{}, fmt.Errorf("id token: %w", ErrEmailUnverified)
	}
	return id, nil
}

// jwks fetches and caches a JSON Web Key Set. An unknown key id makes it
// fetch again, at most once a minute, so rotated keys are picked up.
type jwks struct {
	url    string
	client *http.Client
	now    func() time.Time

	mu      sync.Mutex
	keys    map[string]*rsa.PublicKey
	fetched time.Time
}

func (k *jwks) key(ctx context.Context, kid string) (*rsa.PublicKey, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if key, ok := k.keys[kid]; ok {
		return key, nil
	}
	if !k.fetched.IsZero() && k.now().Sub(k.fetched) < time.Minute {
		return nil, fmt.Errorf("unknown key id %q", kid)
	}
	keys, err := k.fetch(ctx)
	if err != nil {
		return nil, err
	}
	k.keys, k.fetched = keys, k.now()
	if key, ok := k.keys[kid]; ok {
		return key, nil
	}
	return nil, fmt.Errorf("unknown key id %q", kid)
}

func (k *jwks) fetch(ctx context.Context) (map[string]*rsa.PublicKey, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, k.url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := k.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("jwks: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("jwks: %s answered %d", k.url, resp.StatusCode)
	}
	var set struct {
		Keys []struct {
			Kty, Kid, Use, Alg, N, E string
		} `json:"keys"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&set); err != nil {
		return nil, fmt.Errorf("jwks: %w", err)
	}
	out := map[string]*rsa.PublicKey{}
	for _, key := range set.Keys {
		if key.Kty != "RSA" || (key.Use != "" && key.Use != "sig") {
			continue
		}
		n, err1 := base64.RawURLEncoding.DecodeString(key.N)
		e, err2 := base64.RawURLEncoding.DecodeString(key.E)
		if err1 != nil || err2 != nil || len(e) == 0 || len(e) > 4 {
			continue
		}
		exp := int(new(big.Int).SetBytes(e).Int64())
		out[key.Kid] = &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: exp}
	}
	return out, nil
}
