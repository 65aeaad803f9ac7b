package testkit

import (
	"fmt"
	"sync"
	"time"

	"github.com/fundtrack/fundtrack/shared/auth"
	"github.com/fundtrack/fundtrack/shared/domain"
)

// Secret signs the kit's tokens. It is deliberately not auth's default
// local secret, so a token minted with that one is a wrong-secret token.
const Secret = "testkit-secret-not-the-default"

// Tokens mints local HS256 tokens, as shared/auth makes them, that an
// auth.Local with the same secret accepts.
type Tokens struct {
	Secret []byte
	// Subject gives each email its token's subject; nil: auth.MintLocal's
	// (derived from the email).
	Subject func(email string) string

	cache sync.Map // email -> token of For
}

// Mint returns a token for email in groups, valid for an hour from now.
func (k *Tokens) Mint(email string, groups ...string) (string, error) {
	subject := ""
	if k.Subject != nil {
		subject = k.Subject(email)
	}
	tok, err := auth.MintLocal(k.Secret, email, subject, groups, time.Hour, time.Now())
	if err != nil {
		return "", fmt.Errorf("mint token for %s: %w", email, err)
	}
	return tok, nil
}

// For returns the same valid token for email each time: Admin's in group
// "admins", everyone else's in none.
func (k *Tokens) For(email string) (string, error) {
	if v, ok := k.cache.Load(email); ok {
		return v.(string), nil
	}
	var groups []string
	if email == Admin {
		groups = []string{domain.AdminGroup}
	}
	tok, err := k.Mint(email, groups...)
	if err != nil {
		return "", err
	}
	v, _ := k.cache.LoadOrStore(email, tok)
	return v.(string), nil
}
