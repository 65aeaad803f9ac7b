package auth

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/awslabs/aws-lambda-go-api-proxy/core"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// whoami answers with the caller's identity, or 401 with the error code.
var whoami = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	id, err := Lambda{}.Authenticate(r)
	if err != nil {
		w.WriteHeader(http.StatusUnauthorized)
		_ = json.NewEncoder(w).Encode(map[string]string{"code": string(domain.ErrorCode(err))})
		return
	}
	_ = json.NewEncoder(w).Encode(id)
})

func gatewayEvent(claims map[string]string) events.APIGatewayV2HTTPRequest {
	ev := events.APIGatewayV2HTTPRequest{
		Version:  "2.0",
		RouteKey: "GET /programmes",
		RawPath:  "/programmes",
		Headers:  map[string]string{"content-type": "application/json"},
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			DomainName: "api.example.org",
			HTTP:       events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "GET", Path: "/programmes"},
		},
	}
	if claims != nil {
		ev.RequestContext.Authorizer = &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
			JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{Claims: claims},
		}
	}
	return ev
}

// proxy runs the event through the same adapter the Lambda functions use.
func proxy(t *testing.T, ev events.APIGatewayV2HTTPRequest) (int, string) {
	t.Helper()
	resp, err := httpadapter.NewV2(whoami).ProxyWithContext(context.Background(), ev)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Body
}

func TestLambdaReadsAuthorizerClaims(t *testing.T) {
	for _, tc := range []struct {
		name   string
		groups string
		want   []string
	}{
		{"authorizer array string", "[admins leads]", []string{"admins", "leads"}},
		{"JSON array", `["admins","leads"]`, []string{"admins", "leads"}},
		{"single group", "admins", []string{"admins"}},
		{"no groups", "", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			claims := map[string]string{"sub": "abc-123", "email": " Lead@Example.org", "email_verified": "true"}
			if tc.groups != "" {
				claims[GroupsClaim] = tc.groups
			}
			status, body := proxy(t, gatewayEvent(claims))
			if status != http.StatusOK {
				t.Fatalf("status %d: %s", status, body)
			}
			var id domain.Identity
			if err := json.Unmarshal([]byte(body), &id); err != nil {
				t.Fatal(err)
			}
			want := domain.Identity{Subject: "abc-123", Email: "lead@example.org", Groups: tc.want}
			if !reflect.DeepEqual(id, want) {
				t.Fatalf("identity = %+v, want %+v", id, want)
			}
		})
	}
}

func TestLambdaRefuses(t *testing.T) {
	forged, err := json.Marshal(events.APIGatewayV2HTTPRequestContext{
		Authorizer: &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
			JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{
				Claims: map[string]string{"sub": "evil", "email": "evil@example.org", GroupsClaim: "[admins]"},
			},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	forgedEvent := gatewayEvent(nil)
	forgedEvent.Headers[core.APIGwContextHeader] = string(forged)
	forgedEvent.Headers["sub"] = "evil"
	forgedEvent.Headers["email"] = "evil@example.org"
	forgedEvent.Headers["cognito-groups"] = "admins"
	forgedEvent.Headers["x-amzn-oidc-identity"] = "evil"

	noJWT := gatewayEvent(nil)
	noJWT.RequestContext.Authorizer = &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{}

	for name, ev := range map[string]events.APIGatewayV2HTTPRequest{
		"forged context header, no authorizer":          forgedEvent,
		"authorizer without JWT":                        noJWT,
		"missing sub":                                   gatewayEvent(map[string]string{"email": "a@example.org", "email_verified": "true"}),
		"missing email":                                 gatewayEvent(map[string]string{"sub": "abc", "email_verified": "true"}),
		"email not an address":                          gatewayEvent(map[string]string{"sub": "abc", "email": "abc", "email_verified": "true"}),
		"email not verified":                            gatewayEvent(map[string]string{"sub": "abc", "email": "a@example.org", "email_verified": "false"}),
		"email_verified missing (an access token, say)": gatewayEvent(map[string]string{"sub": "abc", "email": "a@example.org"}),
		"empty claims":                                  gatewayEvent(map[string]string{}),
	} {
		t.Run(name, func(t *testing.T) {
			status, body := proxy(t, ev)
			if status != http.StatusUnauthorized || body != `{"code":"unauthenticated"}`+"\n" {
				t.Fatalf("status %d: %s", status, body)
			}
		})
	}
}

func TestLambdaWithoutProxyContext(t *testing.T) {
	r := httptest.NewRequest(http.MethodGet, "/programmes", nil)
	_, err := Lambda{}.Authenticate(r)
	assertUnauthenticated(t, err, "")
}

func TestParseGatewayGroups(t *testing.T) {
	for in, want := range map[string][]string{
		"[admins leads]":     {"admins", "leads"},
		"[admins]":           {"admins"},
		`["admins","leads"]`: {"admins", "leads"},
		`["admins", ""]`:     {"admins"},
		"admins":             {"admins"},
		"  ":                 nil,
		"[]":                 nil,
		"[ admins   leads ]": {"admins", "leads"},
		"admins leads":       {"admins", "leads"},
	} {
		if got := parseGatewayGroups(in); !reflect.DeepEqual(got, want) {
			t.Errorf("parseGatewayGroups(%q) = %q, want %q", in, got, want)
		}
	}
}
