// Package cognito verifies the ID tokens a Cognito user pool issues. The
// web app's sign-in (shared/web) gets its ID token from the pool's token
// endpoint at the end of the code flow, with no gateway in between, so it
// checks the token itself here; the API's tokens are checked by the HTTP
// API's JWT authorizer and read by auth.Lambda.
//
// It sits apart from package auth because auth.Lambda links the Lambda
// event types, and the web app links no AWS code (shared/arch).
package cognito

import (
	"context"
	"crypto/rsa"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// ErrEmailUnverified refuses a sign-in whose ID token says the email
// address has not been verified (or does not say it has).
var ErrEmailUnverified = errors.New("the email address is not verified")

// ErrKeysUnavailable is a token that could not be checked because the
// pool's keys could not be fetched: a failure of the moment, not a
// refusal of the token.
var ErrKeysUnavailable = errors.New("the user pool's keys are unavailable")

// IDTokens verifies the ID tokens one user pool issues to one app client.
// The pool's signing keys are fetched on first use and cached; set the
// fields before the first Verify and do not copy an IDTokens after it.
type IDTokens struct {
	// Issuer is https://cognito-idp.<region>.amazonaws.com/<pool id>; the
	// keys are read from Issuer + "/.well-known/jwks.json".
	Issuer string
	// ClientID is the app client the tokens must be for (aud).
	ClientID string
	// HTTP fetches the keys; nil means a client with a ten-second timeout.
	HTTP *http.Client
	// Now is the clock for exp and iat; nil means time.Now.
	Now func() time.Time

	keys jwks
}

// defaultClient bounds a key fetch, so a pool that does not answer fails
// the sign-in rather than holding the request until the Lambda times out.
var defaultClient = &http.Client{Timeout: 10 * time.Second}

// idClaims are the ID token claims fundtrack reads.
type idClaims struct {
	jwt.RegisteredClaims
	Email         string   `json:"email"`
	EmailVerified any      `json:"email_verified"`
	TokenUse      string   `json:"token_use"`
	Nonce         string   `json:"nonce"`
	Groups        []string `json:"cognito:groups"`
}

// Verify checks an ID token and returns the person it names: RS256 signed
// by one of the pool's keys, from the pool (iss), for this client (aud),
// not expired (30 seconds' leeway for clock skew), an ID token
// (token_use), with the sign-in's nonce (unless nonce is empty), a subject
// and an email address, and email_verified true; an unverified email
// refuses with an error wrapping ErrEmailUnverified. Errors say which
// check failed, for the log; they never hold the token.
func (v *IDTokens) Verify(ctx context.Context, raw, nonce string) (domain.Identity, error) {
	id, _, err := v.VerifyExpiry(ctx, raw, nonce)
	return id, err
}

// VerifyExpiry is Verify, also saying when the token expires (its exp):
// until then the person and their groups are as it says.
func (v *IDTokens) VerifyExpiry(ctx context.Context, raw, nonce string) (domain.Identity, time.Time, error) {
	issuer := strings.TrimRight(v.Issuer, "/")
	now := v.Now
	if now == nil {
		now = time.Now
	}
	var claims idClaims
	_, err := jwt.ParseWithClaims(raw, &claims, func(t *jwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		return v.keys.key(ctx, v.client(), issuer+"/.well-known/jwks.json", now, kid)
	}, jwt.WithValidMethods([]string{"RS256"}), jwt.WithIssuer(issuer), jwt.WithAudience(v.ClientID),
		jwt.WithExpirationRequired(), jwt.WithIssuedAt(), jwt.WithTimeFunc(now), jwt.WithLeeway(30*time.Second))
	if err != nil {
		return domain.Identity{}, time.Time{}, fmt.Errorf("id token: %w", err)
	}
	if claims.TokenUse != "id" {
		return domain.Identity{}, time.Time{}, errors.New("id token: token_use is not id")
	}
	if nonce != "" && subtle.ConstantTimeCompare([]byte(claims.Nonce), []byte(nonce)) != 1 {
		return domain.Identity{}, time.Time{}, errors.New("id token: nonce does not match")
	}
	id, err := domain.NewIdentity(claims.Subject, claims.Email, claims.Groups)
	if err != nil {
		return domain.Identity{}, time.Time{}, errors.New("id token: no subject or email, or the email is not an address")
	}
	if !domain.EmailVerified(claims.EmailVerified) {
		// The account's holder may have set the address without proving
		// they hold it: it grants no member's roles.
		return domain.Identity{}, time.Time{}, fmt.Errorf("id token: %w", ErrEmailUnverified)
	}
	return id, claims.ExpiresAt.Time, nil
}

func (v *IDTokens) client() *http.Client {
	if v.HTTP != nil {
		return v.HTTP
	}
	return defaultClient
}

// jwks caches a JSON Web Key Set. An unknown key id makes it fetch again,
// at most once a minute, so rotated keys are picked up without letting
// tokens with made-up key ids make a request each.
type jwks struct {
	mu      sync.Mutex
	keys    map[string]*rsa.PublicKey
	fetched time.Time
}

func (k *jwks) key(ctx context.Context, client *http.Client, url string, now func() time.Time, kid string) (*rsa.PublicKey, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if key, ok := k.keys[kid]; ok {
		return key, nil
	}
	if !k.fetched.IsZero() && now().Sub(k.fetched) < time.Minute {
		return nil, fmt.Errorf("unknown key id %q", kid)
	}
	keys, err := fetchKeys(ctx, client, url)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrKeysUnavailable, err)
	}
	k.keys, k.fetched = keys, now()
	if key, ok := k.keys[kid]; ok {
		return key, nil
	}
	return nil, fmt.Errorf("unknown key id %q", kid)
}

// fetchKeys reads the RSA signing keys of a key set; keys of other kinds
// or uses, or that do not decode, are skipped.
func fetchKeys(ctx context.Context, client *http.Client, url string) (map[string]*rsa.PublicKey, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("jwks: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("jwks: %s answered %d", url, resp.StatusCode)
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
