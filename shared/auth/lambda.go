package auth

import (
	"net/http"

	"github.com/awslabs/aws-lambda-go-api-proxy/core"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// Lambda authenticates requests that reached a Lambda function through the
// HTTP API's JWT authorizer, via httpadapter.NewV2(...).ProxyWithContext.
type Lambda struct{}

// Authenticate returns the caller named by the authorizer's verified claims.
//
// It reads the event from the request context, where only the proxy adapter
// can put it. The adapter's GetAPIGatewayContextV2 reads a request header
// instead, which a client could forge, so it is never used.
func (Lambda) Authenticate(r *http.Request) (domain.Identity, error) {
	rc, ok := core.GetAPIGatewayV2ContextFromContext(r.Context())
	if !ok || rc.Authorizer == nil || rc.Authorizer.JWT == nil {
		return domain.Identity{}, unauthenticated("no verified token")
	}
	claims := rc.Authorizer.JWT.Claims
	// The API takes Cognito ID tokens (access tokens carry no email), whose
	// email_verified says whether the address is the account holder's.
	if !domain.EmailVerified(claims[domain.EmailVerifiedClaim]) {
		return domain.Identity{}, unauthenticated("token's email is not verified")
	}
	return identity(claims["sub"], claims["email"], parseGatewayGroups(claims[GroupsClaim]))
}
