// Package auth turns a request into the verified caller (domain.Identity).
//
// In AWS the API Gateway HTTP API's JWT authorizer has already verified the
// Cognito token, so Lambda only reads the claims it left in the event. Locally
// there is no gateway, so Local verifies a bearer token itself. Neither ever
// reads identity from a header a client could set.
//
// The web app's sign-in receives its ID token from Cognito's token endpoint,
// past no gateway, and verifies it with shared/auth/cognito: a package of
// its own because this one links the Lambda event types and the web app
// links no AWS code.
package auth

import (
	"encoding/json"
	"strings"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// GroupsClaim is the claim holding the caller's Cognito groups.
const GroupsClaim = "cognito:groups"

// unauthenticated is the one error both authenticators return. The message is
// deliberately vague: saying which check failed helps an attacker more than
// a legitimate client, and it must never echo the token.
func unauthenticated(msg string) error {
	return domain.Errorf(domain.CodeUnauthenticated, "%s", msg)
}

// identity checks the claims every caller must have and builds the
// Identity (domain.NewIdentity), refusing as unauthenticated with its
// reason.
func identity(sub, email string, groups []string) (domain.Identity, error) {
	id, err := domain.NewIdentity(sub, email, groups)
	if err != nil {
		return domain.Identity{}, unauthenticated(err.Error())
	}
	return id, nil
}

// parseGatewayGroups reads the groups claim as the JWT authorizer hands it
// over. The authorizer flattens every claim to a string, so an array arrives
// as "[a b]"; a JSON array string and a single bare group are accepted too,
// because what the authorizer emits is not documented as a contract.
// Cognito group names cannot contain whitespace, so splitting on it is safe.
func parseGatewayGroups(s string) []string {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	var list []string
	if strings.HasPrefix(s, "[") && json.Unmarshal([]byte(s), &list) == nil {
		return compact(list)
	}
	if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
		s = s[1 : len(s)-1]
	}
	return compact(strings.Fields(s))
}

// compact drops blank entries so an empty group never reaches a role check.
func compact(groups []string) []string {
	var out []string
	for _, g := range groups {
		if g = strings.TrimSpace(g); g != "" {
			out = append(out, g)
		}
	}
	return out
}
