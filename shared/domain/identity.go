package domain

import (
	"strings"
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

// NormaliseEmail lower-cases and trims an email so memberships match however
// the address was typed. Bytes that are not UTF-8 are left as they are, for
// validation to refuse: lower-casing makes each one U+FFFD, so different
// bad addresses ("\xff@example.org", "\xfe@example.org") read as one
// valid-looking member.
func NormaliseEmail(s string) string {
	s = strings.TrimSpace(s)
	if !utf8.ValidString(s) {
		return s
	}
	return strings.ToLower(s)
}
