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

// NormaliseEmail lower-cases and trims an email so memberships match however
// the address was typed.
func NormaliseEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
