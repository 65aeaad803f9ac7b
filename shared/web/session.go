package web

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// Cookie names. Both live under /app only.
const (
	SessionCookie = "fundtrack_session"
	// AuthCookie holds a sign-in in flight (state, PKCE verifier, nonce,
	// where to return) for ten minutes.
	AuthCookie = "fundtrack_auth"
	cookiePath = "/app"
)

// SessionLifetime is how long a sign-in lasts.
const SessionLifetime = 8 * time.Hour

// Codec seals values into cookie text with AES-256-GCM: nobody without the
// key can read or forge them. The cookie's name is authenticated with it,
// so a sealed value cannot be moved from one cookie to another.
//
// A codec made by NewLazyCodec fetches its key the first time it is
// needed; the others have it from the start.
type Codec struct {
	ready atomic.Pointer[sealer] // set once the key is known
	mu    sync.Mutex             // one load at a time
	load  func(context.Context) ([]byte, error)
}

type sealer struct{ aead cipher.AEAD }

// NewCodec makes a codec from a 32-byte key.
func NewCodec(key []byte) (*Codec, error) {
	s, err := newSealer(key)
	if err != nil {
		return nil, err
	}
	c := &Codec{}
	c.ready.Store(s)
	return c, nil
}

func newSealer(key []byte) (*sealer, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("session key must be 32 bytes, got %d", len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &sealer{aead: aead}, nil
}

// NewLazyCodec makes a codec whose 32-byte key load fetches the first time
// a request needs it (Ready, Seal, Open), not before: the web function
// reads its key from Parameter Store then, not during its cold start, and
// once per process. A load that fails is not remembered: the next request
// tries again.
func NewLazyCodec(load func(context.Context) ([]byte, error)) *Codec {
	return &Codec{load: load}
}

// keyLoadTimeout bounds one attempt to fetch a lazy codec's key, so a
// request does not hang on it for the whole function timeout.
const keyLoadTimeout = 5 * time.Second

// Ready fetches the key if the codec does not have it yet; an error means
// no cookie can be sealed or opened for now.
func (c *Codec) Ready(ctx context.Context) error {
	if c == nil {
		return nil
	}
	_, err := c.sealer(ctx)
	return err
}

func (c *Codec) sealer(ctx context.Context) (*sealer, error) {
	if s := c.ready.Load(); s != nil {
		return s, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if s := c.ready.Load(); s != nil { // loaded while we waited
		return s, nil
	}
	if c.load == nil {
		return nil, errors.New("session codec has no key")
	}
	ctx, cancel := context.WithTimeout(ctx, keyLoadTimeout)
	defer cancel()
	key, err := c.load(ctx)
	if err != nil {
		return nil, fmt.Errorf("session key: %w", err)
	}
	s, err := newSealer(key)
	if err != nil {
		return nil, fmt.Errorf("session key: %w", err)
	}
	c.ready.Store(s)
	return s, nil
}

// CodecFromBase64 makes a codec from a base64 key (standard or URL
// alphabet, padded or not), as FUNDTRACK_SESSION_KEY holds it.
func CodecFromBase64(s string) (*Codec, error) {
	key, err := KeyFromBase64(s)
	if err != nil {
		return nil, err
	}
	return NewCodec(key)
}

// KeyFromBase64 decodes a session key written in base64 (standard or URL
// alphabet, padded or not; `openssl rand -base64 32` writes one) and
// checks it is 32 bytes.
func KeyFromBase64(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if key, err := enc.DecodeString(s); err == nil {
			if len(key) != 32 {
				return nil, fmt.Errorf("session key must be 32 bytes, got %d", len(key))
			}
			return key, nil
		}
	}
	return nil, errors.New("session key is not base64")
}

// RandomCodec makes a codec with a fresh random key, so its sessions end
// with the process: for tests (the local runner derives its key, so that
// a restart keeps people signed in).
func RandomCodec() *Codec {
	c, err := NewCodec(randomBytes(32))
	if err != nil {
		panic(err)
	}
	return c
}

// Seal encrypts v (as JSON) for the named cookie.
func (c *Codec) Seal(name string, v any) (string, error) {
	s, err := c.sealer(context.Background())
	if err != nil {
		return "", err
	}
	plain, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	nonce := randomBytes(s.aead.NonceSize())
	sealed := s.aead.Seal(nonce, nonce, plain, []byte(name))
	return base64.RawURLEncoding.EncodeToString(sealed), nil
}

// Open decrypts a value sealed for the named cookie into v.
func (c *Codec) Open(name, text string, v any) error {
	s, err := c.sealer(context.Background())
	if err != nil {
		return err
	}
	raw, err := base64.RawURLEncoding.DecodeString(text)
	if err != nil || len(raw) < s.aead.NonceSize()+s.aead.Overhead() {
		return errors.New("malformed cookie")
	}
	n := s.aead.NonceSize()
	plain, err := s.aead.Open(nil, raw[:n], raw[n:], []byte(name))
	if err != nil {
		return errors.New("cookie does not authenticate")
	}
	return json.Unmarshal(plain, v)
}

// Session is a signed-in person, as kept in the session cookie.
type Session struct {
	// ID names the session, so signing out can end it for every copy of
	// the cookie (service.Service.EndSession).
	ID      string    `json:"i"`
	Email   string    `json:"e"`
	Subject string    `json:"s"`
	Groups  []string  `json:"g,omitempty"`
	Expires time.Time `json:"x"`
	// IssuedAt is when the person signed in, to the nanosecond: signing
	// out on every device ends the sessions that started before that
	// instant, and not one started just after it in the same second. A
	// cookie of before it was kept has none (the zero time): any such
	// sign-out ends it.
	IssuedAt time.Time `json:"t,omitzero"`
	// CSRF is the secret every form of this session carries back.
	CSRF string `json:"c"`
	// RefreshToken is the identity provider's, kept (sealed) to ask it
	// for the person again when Until passes (a Refresher's sessions
	// only). Cognito's is about 1,800 characters, which keeps the cookie
	// near 3 KB, under SetCookie's limit.
	RefreshToken string `json:"r,omitempty"`
	// Until is when the identity provider's word on the person (their
	// email and groups) expires: at most IdentityLifetime after it was
	// given. After it a Refresher's session asks again before it is used.
	Until time.Time `json:"u,omitzero"`
}

// IdentityLifetime is the longest a session trusts the person and groups
// a Refresher vouched for without asking again: the ID token's life
// (template.yaml, IdTokenValidity), which bounds the API's bearer tokens.
const IdentityLifetime = 60 * time.Minute

// RefreshGrace is how long past Until a session goes on with the groups it
// has while the identity provider cannot be reached (it answers 5xx, or
// not in time); after it pages are refused as unavailable until it
// answers. A no from it ends the session at once.
const RefreshGrace = 5 * time.Minute

// identityUntil is when a word on a person given at now, whose token
// expires at expires (zero: unknown), stops being trusted.
func identityUntil(expires, now time.Time) time.Time {
	limit := now.Add(IdentityLifetime)
	if expires.IsZero() || expires.After(limit) {
		expires = limit
	}
	return expires.UTC()
}

// NewSession starts a session for a verified identity.
func NewSession(id domain.Identity, now time.Time) Session {
	return Session{ID: randomToken(), Email: domain.NormaliseEmail(id.Email), Subject: id.Subject, Groups: id.Groups,
		Expires: now.Add(SessionLifetime).UTC().Truncate(time.Second), IssuedAt: now.UTC(), CSRF: randomToken()}
}

// Caller is the session's person making the request requestID.
func (s Session) Caller(requestID string) domain.Caller {
	return domain.Caller{Identity: s.Identity(), RequestID: requestID, Session: s.ID, SessionIssued: s.IssuedAt}
}

// Identity is the session's person.
func (s Session) Identity() domain.Identity {
	return domain.Identity{Subject: s.Subject, Email: s.Email, Groups: s.Groups}
}

// valid reports whether the session is complete and not expired (whether
// it was signed out of is the service's to say). A cookie of before
// sessions had ids is not complete: its holder signs in again.
func (s Session) valid(now time.Time) bool {
	return len(s.ID) >= 16 && s.Email != "" && s.Subject != "" && len(s.CSRF) >= 16 && now.Before(s.Expires)
}

// CheckCSRF compares a form's token with the session's, in constant time.
func (s Session) CheckCSRF(token string) bool {
	return s.CSRF != "" && subtle.ConstantTimeCompare([]byte(s.CSRF), []byte(token)) == 1
}

// SetCookie writes a sealed value as a cookie under /app: HttpOnly,
// SameSite=Lax and Secure except on plain-http localhost. maxAge 0 makes a
// cookie that ends with the browser; negative deletes it.
func (c *Codec) SetCookie(w http.ResponseWriter, r *http.Request, name string, v any, maxAge time.Duration) error {
	text, err := c.Seal(name, v)
	if err != nil {
		return err
	}
	if len(text) > 3800 {
		return fmt.Errorf("cookie %s too large (%d bytes)", name, len(text))
	}
	http.SetCookie(w, cookie(r, name, text, int(maxAge/time.Second)))
	return nil
}

// ReadCookie opens the named cookie into v; any failure (missing, forged,
// tampered, from another key) is an error and v is left alone.
func (c *Codec) ReadCookie(r *http.Request, name string, v any) error {
	ck, err := r.Cookie(name)
	if err != nil {
		return err
	}
	return c.Open(name, ck.Value, v)
}

// ClearCookie deletes the named cookie.
func ClearCookie(w http.ResponseWriter, r *http.Request, name string) {
	http.SetCookie(w, cookie(r, name, "", -1))
}

func cookie(r *http.Request, name, value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: name, Value: value, Path: cookiePath, MaxAge: maxAge,
		HttpOnly: true, Secure: !PlainLocalhost(r), SameSite: http.SameSiteLaxMode}
}

// PlainLocalhost reports whether the request came over plain http to this
// machine (the local runner, tests): the only place cookies go without
// Secure, since browsers would drop Secure cookies there.
func PlainLocalhost(r *http.Request) bool {
	if r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https") {
		return false
	}
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return b
}

// randomToken is 32 random bytes, base64url: state, nonces, CSRF secrets.
func randomToken() string { return base64.RawURLEncoding.EncodeToString(randomBytes(32)) }

// RandomToken makes an unguessable token (for sign-in implementations).
func RandomToken() string { return randomToken() }
