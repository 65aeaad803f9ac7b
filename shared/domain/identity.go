package domain

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Identity is the verified caller: taken from the API Gateway JWT authorizer
// in AWS, or from a locally verified token, never from a request header.
type Identity struct {
	Subject string
	Email   string
	Groups  []string
}

// AdminGroup is the Cognito group whose members may do anything.
const AdminGroup = "admins"

// IsAdmin reports whether the caller is in the admins group.
func (id Identity) IsAdmin() bool {
	for _, g := range id.Groups {
		if g == AdminGroup {
			return true
		}
	}
	return false
}

// EmailVerifiedClaim is the ID token claim saying the identity provider
// has verified that the person holds the mailbox of the email claim.
// Roles are granted to addresses, so an email not verified is no identity:
// it is whatever the account's holder typed.
const EmailVerifiedClaim = "email_verified"

// EmailVerified reports whether an email_verified claim says true: a JSON
// boolean in Cognito's ID tokens, the string "true" once API Gateway's JWT
// authorizer has flattened the claims to strings.
func EmailVerified(claim any) bool {
	return claim == true || claim == "true"
}

// NormaliseEmail trims an email and folds it to lower case so memberships
// match however the address was typed ("Élodie@…" is "élodie@…"). A
// character whose lower case is an ASCII letter though it is not one
// itself is left as it is: Unicode maps the dotted capital I U+0130 to
// "i" and the Kelvin sign U+212A to "k", so a different mailbox,
// "lİzzie@…", would otherwise read as the member "lizzie@…". Bytes that
// are not UTF-8 are left as they are, for validation to refuse.
func NormaliseEmail(s string) string {
	s = strings.TrimSpace(s)
	// Rune by rune, copying bad bytes: strings.Map would make each bad
	// byte U+FFFD, so two different bad addresses would read as one.
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[i])
		case r < utf8.RuneSelf:
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			b = append(b, byte(r))
		default:
			if l := unicode.ToLower(r); l >= utf8.RuneSelf {
				r = l
			}
			b = utf8.AppendRune(b, r)
		}
		i += size
	}
	return string(b)
}
