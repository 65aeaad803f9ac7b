package webdeps

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/credentials"
)

func TestCognitoSignOutForIssuer(t *testing.T) {
	creds := credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", "")
	c, err := CognitoSignOutFor("https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_AbC123", creds)
	if err != nil || c.Region != "eu-west-2" || c.UserPoolID != "eu-west-2_AbC123" || c.Endpoint != "" {
		t.Fatalf("got %+v, %v", c, err)
	}
	for _, bad := range []string{
		"",
		"https://example.org/eu-west-2_AbC123",
		"https://cognito-idp.eu-west-2.amazonaws.com/",
		"https://cognito-idp.eu-west-2.amazonaws.com/us-east-1_AbC123", // another region's pool
		"https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_AbC123/x",
	} {
		if c, err := CognitoSignOutFor(bad, creds); err == nil || !strings.Contains(err.Error(), "FUNDTRACK_COGNITO_ISSUER") {
			t.Errorf("issuer %q: %+v, %v; want an error naming FUNDTRACK_COGNITO_ISSUER", bad, c, err)
		}
	}
}

// TestCognitoSignOutEndsEveryRefreshToken signs a person in twice at a
// user pool served by moto (the AWS mock server, when installed: it speaks
// Cognito's wire protocol), signs them out everywhere by their sub as
// the web app does, and checks that neither refresh token renews any more
// while another person's still does. Someone the pool no longer has is
// nothing to sign out. A refusal for good is not retried.
func TestCognitoSignOutEndsEveryRefreshToken(t *testing.T) {
	endpoint := motoServer(t)
	ctx := context.Background()
	creds := credentials.NewStaticCredentialsProvider("AKIDTEST", "secret", "")
	idp := awsJSON{Service: "cognito-idp", Target: "AWSCognitoIdentityProviderService", Endpoint: endpoint, Region: "eu-west-2", Credentials: creds}
	var pool struct{ UserPool struct{ Id string } }
	must(t, idp.do(ctx, "CreateUserPool", map[string]any{"PoolName": "fundtrack-test", "UsernameAttributes": []string{"email"}}, &pool))
	var client struct{ UserPoolClient struct{ ClientId string } }
	must(t, idp.do(ctx, "CreateUserPoolClient", map[string]any{"UserPoolId": pool.UserPool.Id, "ClientName": "web",
		"ExplicitAuthFlows": []string{"ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"}}, &client))
	person := func(email string) (sub string) {
		var u struct{ User struct{ Username string } }
		must(t, idp.do(ctx, "AdminCreateUser", map[string]any{"UserPoolId": pool.UserPool.Id, "Username": email}, &u))
		must(t, idp.do(ctx, "AdminSetUserPassword", map[string]any{"UserPoolId": pool.UserPool.Id, "Username": email, "Password": "Correct-horse-9", "Permanent": true}, nil))
		return u.User.Username // the pool's own id for them: their sub
	}
	// moto keys a refresh token by the name it was signed in with, where
	// Cognito keys it by the person: sign in with the pool's username
	// (the sub) so that moto can find them by it as Cognito does.
	signIn := func(username string) (refresh string) {
		var out struct{ AuthenticationResult struct{ RefreshToken string } }
		must(t, idp.do(ctx, "AdminInitiateAuth", map[string]any{"UserPoolId": pool.UserPool.Id, "ClientId": client.UserPoolClient.ClientId,
			"AuthFlow": "ADMIN_USER_PASSWORD_AUTH", "AuthParameters": map[string]string{"USERNAME": username, "PASSWORD": "Correct-horse-9"}}, &out))
		if out.AuthenticationResult.RefreshToken == "" {
			t.Fatalf("signing %s in gave no refresh token", username)
		}
		return out.AuthenticationResult.RefreshToken
	}
	renews := func(refresh string) error {
		return idp.do(ctx, "AdminInitiateAuth", map[string]any{"UserPoolId": pool.UserPool.Id, "ClientId": client.UserPoolClient.ClientId,
			"AuthFlow": "REFRESH_TOKEN_AUTH", "AuthParameters": map[string]string{"REFRESH_TOKEN": refresh}}, nil)
	}
	lead, other := person("lead@example.org"), person("other@example.org")
	if lead == "" || lead == "lead@example.org" || lead == other {
		t.Fatalf("subs %q and %q: want the pool's own ids", lead, other)
	}
	laptop, phone, others := signIn(lead), signIn(lead), signIn(other)
	for _, tok := range []string{laptop, phone, others} {
		if err := renews(tok); err != nil {
			t.Fatalf("a refresh token before signing out: %v", err)
		}
	}

	out := &CognitoSignOut{Endpoint: endpoint, Region: "eu-west-2", UserPoolID: pool.UserPool.Id, Credentials: creds}
	if err := out.SignOutEverywhere(ctx, lead); err != nil {
		t.Fatalf("signing out everywhere: %v", err)
	}
	for name, tok := range map[string]string{"the laptop's": laptop, "the phone's": phone} {
		var e *AWSError
		if err := renews(tok); !errors.As(err, &e) || e.Code != "NotAuthorizedException" {
			t.Errorf("%s refresh token after signing out everywhere: %v, want NotAuthorizedException", name, err)
		}
	}
	if err := renews(others); err != nil {
		t.Errorf("another person's refresh token after the lead signed out everywhere: %v", err)
	}
	if err := out.SignOutEverywhere(ctx, "00000000-0000-0000-0000-000000000000"); err != nil {
		t.Errorf("signing out someone the pool does not have: %v, want nothing to do", err)
	}
	wrong := &CognitoSignOut{Endpoint: endpoint, Region: "eu-west-2", UserPoolID: "eu-west-2_Nope", Credentials: creds}
	var e *AWSError
	if err := wrong.SignOutEverywhere(ctx, lead); !errors.As(err, &e) || e.Status >= 500 {
		t.Errorf("another pool: %v, want a refusal", err)
	}
}

// motoServer starts moto's server on a free port for the test and answers
// its endpoint; without moto installed the test is skipped, saying so.
func motoServer(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("moto_server")
	if err != nil {
		if os.Getenv("FUNDTRACK_REQUIRE_MOTO") != "" {
			t.Fatal("moto_server is not on PATH and FUNDTRACK_REQUIRE_MOTO is set")
		}
		t.Skip("moto_server (Python's moto) is not on PATH: the Cognito sign-out is not checked against it here")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", fmt.Sprint(port))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	endpoint := fmt.Sprintf("http://127.0.0.1:%d", port)
	for deadline := time.Now().Add(30 * time.Second); ; {
		resp, err := http.Get(endpoint + "/moto-api/")
		if err == nil {
			resp.Body.Close()
			return endpoint
		}
		if time.Now().After(deadline) {
			t.Fatalf("moto_server did not answer on %s: %v", endpoint, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
