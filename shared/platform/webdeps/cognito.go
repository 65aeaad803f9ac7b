package webdeps

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// CognitoSignOut ends every sign-in a person has at the user pool with one
// AdminUserGlobalSignOut request: Cognito revokes each refresh token it has
// given them, an API client's among them, so no sign-in anywhere can be
// renewed and each access token it gave lapses within the hour. It is
// "Sign out on every device" beyond the web app's own sessions (which the
// service ends). The web function's role may make this one call on its own
// pool (template.yaml).
type CognitoSignOut struct {
	// Endpoint is where requests go: "" is Cognito's in Region.
	Endpoint   string
	Region     string
	UserPoolID string
	// Credentials sign the request: the web function's role.
	Credentials aws.CredentialsProvider
	// HTTP sends the requests; nil is a plain http.Client.
	HTTP *http.Client
}

// CognitoSignOutFor is the CognitoSignOut for the user pool whose issuer
// is issuer (https://cognito-idp.<region>.amazonaws.com/<pool id>, as
// FUNDTRACK_COGNITO_ISSUER holds it).
func CognitoSignOutFor(issuer string, creds aws.CredentialsProvider) (*CognitoSignOut, error) {
	u, err := url.Parse(issuer)
	host, ok := "", false
	if err == nil {
		host, ok = strings.CutPrefix(u.Hostname(), "cognito-idp.")
	}
	region, _, _ := strings.Cut(host, ".")
	pool := strings.Trim(u.Path, "/")
	if !ok || region == "" || pool == "" || strings.Contains(pool, "/") || !strings.HasPrefix(pool, region+"_") {
		return nil, fmt.Errorf("FUNDTRACK_COGNITO_ISSUER is %q: want https://cognito-idp.<region>.amazonaws.com/<user pool id>", issuer)
	}
	return &CognitoSignOut{Region: region, UserPoolID: pool, Credentials: creds}, nil
}

// SignOutEverywhere implements web.EveryDevice. subject is the person's
// sub, which Cognito takes as the username of a pool whose usernames are
// email addresses (template.yaml's UsernameAttributes). A person the pool
// no longer has has nothing to sign out of.
func (c *CognitoSignOut) SignOutEverywhere(ctx context.Context, subject string) error {
	if subject == "" {
		return errors.New("Cognito AdminUserGlobalSignOut: no subject")
	}
	call := awsJSON{Service: "cognito-idp", Target: "AWSCognitoIdentityProviderService",
		Endpoint: c.Endpoint, Region: c.Region, Credentials: c.Credentials, HTTP: c.HTTP}
	in := struct {
		UserPoolId string
		Username   string
	}{c.UserPoolID, subject}
	err := call.do(ctx, "AdminUserGlobalSignOut", in, nil)
	var e *AWSError
	if errors.As(err, &e) && e.Code == "UserNotFoundException" {
		return nil
	}
	return err
}
