package domain

import (
	"errors"
	"strings"
)

// The reasons NewIdentity refuses a token's claims.
var (
	ErrNoSubjectOrEmail = errors.New("token lacks subject or email")
	ErrEmailNotAddress  = errors.New("token's email is not an email address")
)

// NewIdentity builds the caller's Identity from a verified token's subject,
// email and groups: the one rule, for the API's authenticators and the
// web's sign-in alike, of which address gets a member's roles. The email
// is normalised (NormaliseEmail) and must be an address as a member's is
// (EmailOnRecord: a member's as stored, before addresses had to be
// deliverable too): anything else could never be a member's, and read
// loosely could pass for one. The subject is trimmed, as the API's
// authorizer flattens claims to strings. It refuses an empty subject or email
// (ErrNoSubjectOrEmail) and an email that is not an address
// (ErrEmailNotAddress). Whether the email is verified is each caller's
// own check (EmailVerified), since a local token may leave it out.
func NewIdentity(sub, email string, groups []string) (Identity, error) {
	sub, email = strings.TrimSpace(sub), NormaliseEmail(email)
	if sub == "" || email == "" {
		return Identity{}, ErrNoSubjectOrEmail
	}
	if !EmailOnRecord(email) {
		return Identity{}, ErrEmailNotAddress
	}
	return Identity{Subject: sub, Email: email, Groups: groups}, nil
}
