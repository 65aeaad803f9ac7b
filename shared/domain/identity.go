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
