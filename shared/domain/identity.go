package domain

import "strings"

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

// NormaliseEmail trims an email and folds its ASCII letters to lower case
// so memberships match however the address was typed. Only ASCII is
// folded: Unicode case rules map other characters onto ASCII letters (the
// dotted capital I U+0130 to "i", the Kelvin sign U+212A to "k"), so a
// different mailbox, "lİzzie@…", would read as the member "lizzie@…".
// Other characters, and bytes that are not UTF-8, are left as they are,
// for validation to refuse what is not an address.
func NormaliseEmail(s string) string {
	s = strings.TrimSpace(s)
	// Byte by byte: strings.Map would make each bad byte U+FFFD, so two
	// different bad addresses would read as one.
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + ('a' - 'A')
		}
	}
	return string(b)
}
