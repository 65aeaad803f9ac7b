package web

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/fundtrack/fundtrack/shared/auth/cognito"
	"github.com/fundtrack/fundtrack/shared/present"
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
	// Issuer is https://cognito-idp.<region>.amazonaws.com/<pool id>
	// (cognito.IDTokens).
	Issuer string
	// BaseURL is where the app is reached (https://host, no /app); empty
	// takes the request's own host.
	BaseURL string
}

// Cognito signs people in through Cognito managed login with the
// authorization-code flow and PKCE (S256), then verifies the ID token
// against the user pool's keys (cognito.IDTokens).
type Cognito struct {
	cfg    CognitoConfig
	codec  *Codec
	client *http.Client
	now    func() time.Time
	tokens *cognito.IDTokens
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
		tokens: &cognito.IDTokens{Issuer: cfg.Issuer, ClientID: cfg.ClientID, HTTP: client, Now: now}}, nil
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
		failed := present.Internal()
		ui.Page(w, r, failed.Status, failed.Title, template.HTML("<p>"+template.HTMLEscapeString(failed.Advice)+"</p>"))
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
// verifies the ID token. The refresh token comes back with the person, for
// the session to ask again with (Refresh).
func (c *Cognito) Complete(w http.ResponseWriter, r *http.Request) (SignedIn, error) {
	q := r.URL.Query()
	if e := q.Get("error"); e != "" {
		return SignedIn{}, fmt.Errorf("identity provider said %q", e)
	}
	p, err := FinishPending(r, c.codec, q.Get("state"), c.now())
	if err != nil {
		return SignedIn{}, err
	}
	if p.Verifier == "" {
		return SignedIn{}, errors.New("no PKCE verifier")
	}
	code := q.Get("code")
	if code == "" {
		return SignedIn{}, errors.New("no code")
	}
	tok, err := c.token(r.Context(), url.Values{
		"grant_type":    {"authorization_code"},
		"client_id":     {c.cfg.ClientID},
		"code":          {code},
		"redirect_uri":  {c.redirectURI(r)},
		"code_verifier": {p.Verifier},
	})
	if err != nil {
		return SignedIn{}, err
	}
	id, exp, err := c.tokens.VerifyExpiry(r.Context(), tok.IDToken, p.Nonce)
	if err != nil {
		return SignedIn{}, err
	}
	return SignedIn{Identity: id, Next: p.Next, RefreshToken: tok.RefreshToken, Expires: exp}, nil
}

// Refresh implements Refresher: the token endpoint's refresh_token grant
// (the app client is public, as template.yaml makes it: no secret), whose
// ID token is verified as a sign-in's is (signature, issuer, audience,
// token_use, expiry, a verified email; no nonce, which a refreshed token
// does not carry). A 4xx answer (Cognito's 400 invalid_grant for a
// revoked or expired token or a disabled person) or a token that does
// not verify is a refusal (ErrRefreshRefused); a 429, a 5xx, no answer,
// or keys that cannot be fetched are failures of the moment.
func (c *Cognito) Refresh(ctx context.Context, refreshToken string) (SignedIn, error) {
	tok, err := c.token(ctx, url.Values{
		"grant_type":    {"refresh_token"},
		"client_id":     {c.cfg.ClientID},
		"refresh_token": {refreshToken},
	})
	var refused tokenRefused
	if errors.As(err, &refused) {
		return SignedIn{}, fmt.Errorf("%w: %w", ErrRefreshRefused, err)
	}
	if err != nil {
		return SignedIn{}, err
	}
	id, exp, err := c.tokens.VerifyExpiry(ctx, tok.IDToken, "")
	if errors.Is(err, cognito.ErrKeysUnavailable) {
		return SignedIn{}, err
	}
	if err != nil {
		return SignedIn{}, fmt.Errorf("%w: %w", ErrRefreshRefused, err)
	}
	return SignedIn{Identity: id, RefreshToken: tok.RefreshToken, Expires: exp}, nil
}

// Revoke implements Refresher: the revocation endpoint (the app client
// has EnableTokenRevocation), which ends the refresh token and the tokens
// it gave.
func (c *Cognito) Revoke(ctx context.Context, refreshToken string) error {
	form := url.Values{"token": {refreshToken}, "client_id": {c.cfg.ClientID}}
	resp, err := c.post(ctx, "/oauth2/revoke", form)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("revocation endpoint answered %d", resp.StatusCode)
	}
	return nil
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

// tokenAnswer is what fundtrack reads of the token endpoint's answer.
type tokenAnswer struct {
	IDToken      string `json:"id_token"`
	RefreshToken string `json:"refresh_token"`
}

// tokenRefused is the token endpoint's no: a 4xx other than 429.
type tokenRefused struct {
	status int
	code   string // the OAuth error, e.g. invalid_grant
}

func (e tokenRefused) Error() string {
	return fmt.Sprintf("token endpoint answered %d %s", e.status, e.code)
}

func (c *Cognito) post(ctx context.Context, path string, form url.Values) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.Domain+path, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := c.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return resp, nil
}

func (c *Cognito) token(ctx context.Context, form url.Values) (tokenAnswer, error) {
	resp, err := c.post(ctx, "/oauth2/token", form)
	if err != nil {
		return tokenAnswer{}, fmt.Errorf("token endpoint: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return tokenAnswer{}, fmt.Errorf("token endpoint: %w", err)
	}
	if resp.StatusCode >= 400 && resp.StatusCode < 500 && resp.StatusCode != http.StatusTooManyRequests {
		var e struct {
			Error string `json:"error"`
		}
		json.Unmarshal(body, &e)
		return tokenAnswer{}, tokenRefused{status: resp.StatusCode, code: e.Error}
	}
	if resp.StatusCode != http.StatusOK {
		return tokenAnswer{}, fmt.Errorf("token endpoint answered %d", resp.StatusCode)
	}
	var tok tokenAnswer
	if err := json.Unmarshal(body, &tok); err != nil || tok.IDToken == "" {
		return tokenAnswer{}, errors.New("token endpoint gave no id_token")
	}
	return tok, nil
}
