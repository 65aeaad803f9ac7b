package auth

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// Settings of local tokens, from the SPEC.
const (
	DefaultLocalSecret = "fundtrack-local-secret"
	LocalIssuer        = "fundtrack-local"
	LocalSecretEnv     = "FUNDTRACK_LOCAL_JWT_SECRET"
)

// Local authenticates requests to the local runner, where no gateway verifies
// tokens, by checking an HS256 bearer token itself. Anyone who knows the
// secret can mint any identity, so it is for development only.
type Local struct {
	// Secret is the HMAC key; an empty one refuses every token, since an
	// empty key would let anyone sign.
	Secret []byte
	// Issuer is the required iss claim; empty means LocalIssuer, so a
	// zero value never skips the issuer check.
	Issuer string
	// Now is the clock for exp and nbf; nil means time.Now.
	Now func() time.Time
}

// LocalFromEnv returns a Local using FUNDTRACK_LOCAL_JWT_SECRET, or
// DefaultLocalSecret when it is unset or empty.
func LocalFromEnv() Local {
	return Local{Secret: []byte(LocalSecretFromEnv()), Issuer: LocalIssuer}
}

// LocalSecretFromEnv returns FUNDTRACK_LOCAL_JWT_SECRET, or DefaultLocalSecret.
func LocalSecretFromEnv() string {
	if s := os.Getenv(LocalSecretEnv); s != "" {
		return s
	}
	return DefaultLocalSecret
}

// localClaims is the payload of a local token.
type localClaims struct {
	jwt.RegisteredClaims
	// The token's times, NumericDates (RFC 7519): JSON numbers of
	// seconds. They stand in for RegisteredClaims' own, which also take a
	// string holding a number ("exp":"1796400000"), so that one is refused.
	ExpiresAt *numericDate `json:"exp,omitempty"`
	NotBefore *numericDate `json:"nbf,omitempty"`
	IssuedAt  *numericDate `json:"iat,omitempty"`
	Email     string       `json:"email"`
	// EmailVerified is optional in a local token (the local secret's
	// holder vouches for the email), but one that says the email is not
	// verified is refused, as Lambda refuses it.
	EmailVerified any         `json:"email_verified,omitempty"`
	Groups        groupsClaim `json:"cognito:groups"`
}

// GetExpirationTime, GetNotBefore and GetIssuedAt give the parser the
// token's own times (localClaims' fields, not RegisteredClaims').
func (c localClaims) GetExpirationTime() (*jwt.NumericDate, error) { return c.ExpiresAt.date(), nil }

// GetNotBefore: see GetExpirationTime.
func (c localClaims) GetNotBefore() (*jwt.NumericDate, error) { return c.NotBefore.date(), nil }

// GetIssuedAt: see GetExpirationTime.
func (c localClaims) GetIssuedAt() (*jwt.NumericDate, error) { return c.IssuedAt.date(), nil }

// numericDate is a jwt.NumericDate that must be a JSON number, as RFC 7519
// says a NumericDate is: anything else (a string, true, an object) fails
// the token. (null leaves the claim out, which for exp fails it too.)
type numericDate struct{ jwt.NumericDate }

func (d *numericDate) UnmarshalJSON(b []byte) error {
	if len(b) == 0 || (b[0] != '-' && (b[0] < '0' || b[0] > '9')) {
		return errors.New("a NumericDate must be a JSON number")
	}
	return d.NumericDate.UnmarshalJSON(b)
}

// date is the claim as the parser reads it, nil when absent.
func (d *numericDate) date() *jwt.NumericDate {
	if d == nil {
		return nil
	}
	return &d.NumericDate
}

// newNumericDate is t as a claim.
func newNumericDate(t time.Time) *numericDate { return &numericDate{*jwt.NewNumericDate(t)} }

// groupsClaim accepts the groups as a JSON array or as one space-separated
// string, the two shapes the SPEC allows; anything else fails the token.
type groupsClaim []string

func (g *groupsClaim) UnmarshalJSON(b []byte) error {
	var list []string
	if err := json.Unmarshal(b, &list); err == nil {
		*g = compact(list)
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return errors.New("cognito:groups must be an array or a string")
	}
	*g = compact(strings.Fields(s))
	return nil
}

// Authenticate verifies the request's bearer token and returns its caller.
func (l Local) Authenticate(r *http.Request) (domain.Identity, error) {
	// More than one Authorization header is ambiguous; refuse rather than pick.
	values := r.Header.Values("Authorization")
	if len(values) != 1 {
		return domain.Identity{}, unauthenticated("missing bearer token")
	}
	scheme, token, ok := strings.Cut(values[0], " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" || strings.ContainsAny(token, " \t") {
		return domain.Identity{}, unauthenticated("missing bearer token")
	}
	if len(l.Secret) == 0 {
		return domain.Identity{}, unauthenticated("invalid token")
	}
	issuer := l.Issuer
	if issuer == "" {
		issuer = LocalIssuer
	}
	now := l.Now
	if now == nil {
		now = time.Now
	}
	parser := jwt.NewParser(
		// Pinning the method is what stops "alg: none" and algorithm swaps.
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithIssuer(issuer),
		jwt.WithExpirationRequired(),
		jwt.WithTimeFunc(now),
	)
	var claims localClaims
	// The jwt error is dropped: the client learns only that the token failed.
	if _, err := parser.ParseWithClaims(token, &claims, func(*jwt.Token) (any, error) {
		return l.Secret, nil
	}); err != nil {
		return domain.Identity{}, unauthenticated("invalid token")
	}
	if claims.EmailVerified != nil && !domain.EmailVerified(claims.EmailVerified) {
		return domain.Identity{}, unauthenticated("token's email is not verified")
	}
	return identity(claims.Subject, claims.Email, []string(claims.Groups))
}

// LocalSubject is the subject a local user has when none is given: the
// local API tokens (MintLocal) and the local web sign-in (infra/websignin)
// both use it, so the audit trail names a person the same whichever way
// they came in. It is "local-" and the first 16 hex digits of the SHA-256
// of the normalised email; changing it renames every local user.
func LocalSubject(email string) string {
	sum := sha256.Sum256([]byte(domain.NormaliseEmail(email)))
	return "local-" + hex.EncodeToString(sum[:])[:16]
}

// MintLocal makes a token that Local with the same secret accepts for ttl
// from now. An empty subject becomes LocalSubject(email), so the same person
// keeps the same subject across tokens.
func MintLocal(secret []byte, email, subject string, groups []string, ttl time.Duration, now time.Time) (string, error) {
	email = domain.NormaliseEmail(email)
	switch {
	case len(secret) == 0:
		return "", errors.New("auth: empty secret")
	case email == "":
		return "", errors.New("auth: email is required")
	case ttl <= 0:
		return "", errors.New("auth: ttl must be positive")
	}
	subject = strings.TrimSpace(subject)
	if subject == "" {
		subject = LocalSubject(email)
	}
	groups = compact(groups)
	if groups == nil {
		groups = []string{} // an explicit [] reads better than a missing claim
	}
	claims := localClaims{
		RegisteredClaims: jwt.RegisteredClaims{Issuer: LocalIssuer, Subject: subject},
		IssuedAt:         newNumericDate(now),
		ExpiresAt:        newNumericDate(now.Add(ttl)),
		Email:            email,
		EmailVerified:    true,
		Groups:           groups,
	}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(secret)
}
