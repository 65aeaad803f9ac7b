package functions_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/fundtrack/fundtrack/shared/httpapi"
	"github.com/fundtrack/fundtrack/shared/platform"
)

// defaultRouteEvent is what the HTTP API hands the function behind its
// $default route: a request no other route took, with no authorizer
// (the route is Auth NONE), so no claims.
func defaultRouteEvent(method, path, requestID string) events.APIGatewayV2HTTPRequest {
	return events.APIGatewayV2HTTPRequest{
		Version:  "2.0",
		RouteKey: "$default",
		RawPath:  path,
		Headers:  map[string]string{"accept": "application/json", "host": "r4nd0m1d9k.execute-api.eu-west-2.amazonaws.com"},
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			AccountID:  "123456789012",
			APIID:      "r4nd0m1d9k",
			DomainName: "r4nd0m1d9k.execute-api.eu-west-2.amazonaws.com",
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{
				Method: method, Path: path, Protocol: "HTTP/1.1", SourceIP: "203.0.113.7",
			},
			RequestID: requestID,
			RouteKey:  "$default",
			Stage:     "$default",
		},
	}
}

// TestFallbackThroughLambda: in AWS, a request no route takes reaches the
// fallback function through the $default route, and gets what the local
// runner answers: 404 for an unknown path; 405 with Allow for a path some
// function (not necessarily this one) serves for other methods; 400 for a
// path with a stray % (the Lambda proxy alone fails the invocation); all
// in the SPEC's error shape, named by API Gateway's request id.
func TestFallbackThroughLambda(t *testing.T) {
	// As functions/fallback/main.go wires it.
	h := lambda.NewHandler(platform.LambdaHandler(httpapi.NewFallbackHandler(httpapi.Deps{
		RequestID: platform.LambdaRequestID,
	})))
	ctx := lambdacontext.NewContext(t.Context(), &lambdacontext.LambdaContext{
		AwsRequestID:       "0c2d6a4e-5b1f-4a7d-9e3c-2f8b1a6d4c70",
		InvokedFunctionArn: "arn:aws:lambda:eu-west-2:123456789012:function:fundtrack-prod-fallback",
	})
	for i, c := range []struct {
		method, path string
		status       int
		code, allow  string
	}{
		{"GET", "/nope", http.StatusNotFound, "not_found", ""},
		{"POST", "/programmes/p1/nothing-here", http.StatusNotFound, "not_found", ""},
		// The programmes function's path.
		{"DELETE", "/programmes/p1", http.StatusMethodNotAllowed, "method_not_allowed", "GET, HEAD, PATCH"},
		// The grants function's: the fallback knows every function's routes.
		{"PUT", "/programmes/p1/grants/g1", http.StatusMethodNotAllowed, "method_not_allowed", "GET, HEAD, PATCH"},
		// The audit function's.
		{"POST", "/programmes/p1/audit", http.StatusMethodNotAllowed, "method_not_allowed", "GET, HEAD"},
		// A stray % names nothing: 400 in the same shape, not the Lambda
		// proxy's failure (API Gateway's 500).
		{"GET", "/programmes/%zz", http.StatusBadRequest, "validation_failed", ""},
		{"GET", "/programmes/p1/members/a%", http.StatusBadRequest, "validation_failed", ""},
	} {
		requestID := fmt.Sprintf("Fb%02dAbCdEfGhIjK=", i)
		payload, err := json.Marshal(defaultRouteEvent(c.method, c.path, requestID))
		if err != nil {
			t.Fatal(err)
		}
		out, err := h.Invoke(ctx, payload)
		if err != nil {
			t.Fatalf("%s %s: invoke: %v", c.method, c.path, err)
		}
		var resp events.APIGatewayV2HTTPResponse
		if err := json.Unmarshal(out, &resp); err != nil {
			t.Fatalf("%s %s: %v\n%s", c.method, c.path, err, out)
		}
		var body struct {
			Error struct {
				Code    string `json:"code"`
				Message string `json:"message"`
			} `json:"error"`
		}
		if err := json.Unmarshal([]byte(resp.Body), &body); err != nil {
			t.Fatalf("%s %s: body is not JSON: %v\n%s", c.method, c.path, err, resp.Body)
		}
		if resp.StatusCode != c.status || body.Error.Code != c.code || body.Error.Message == "" {
			t.Errorf("%s %s: %d %s, want %d with error.code %q and a message", c.method, c.path, resp.StatusCode, resp.Body, c.status, c.code)
		}
		if got := header(resp, "Allow"); got != c.allow {
			t.Errorf("%s %s: Allow %q, want %q", c.method, c.path, got, c.allow)
		}
		if got := header(resp, "Content-Type"); got != "application/json" {
			t.Errorf("%s %s: Content-Type %q", c.method, c.path, got)
		}
		if got := header(resp, "X-Request-Id"); got != requestID {
			t.Errorf("%s %s: X-Request-Id %q, want API Gateway's %q", c.method, c.path, got, requestID)
		}
	}
}
