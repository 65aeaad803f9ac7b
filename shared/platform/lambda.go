package platform

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/aws/aws-lambda-go/events"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"
)

// LambdaHandler is h as a Lambda function's handler of API Gateway HTTP
// API events, through the Lambda proxy (httpadapter.NewV2), which every
// functions/<name>/main.go starts: lambda.Start(platform.LambdaHandler(h)).
//
// The proxy cannot build a request whose path has a % not followed by two
// hexadecimal digits (/programmes/%zz): it fails the invocation, which
// API Gateway answers 500. Such a path is handed on instead with each
// stray % escaped (%25zz), and the request's RequestURI as the client
// sent it, which the API and the web app refuse with their own 400
// (decode.Target), as they do behind the local runner
// (infra/runner/serve).
func LambdaHandler(h http.Handler) func(context.Context, events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	proxy := httpadapter.NewV2(h)
	return func(ctx context.Context, ev events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
		path := ev.RawPath
		if path == "" {
			path = ev.RequestContext.HTTP.Path
		}
		if _, err := url.Parse(path); err == nil {
			return proxy.ProxyWithContext(ctx, ev)
		}
		sent := path
		if ev.RawQueryString != "" {
			sent += "?" + ev.RawQueryString
		}
		ev.RawPath = ReadablePath(path)
		return httpadapter.NewV2(asSent(h, sent)).ProxyWithContext(ctx, ev)
	}
}

// asSent is h serving requests whose RequestURI is target, the
// request-target as the client sent it.
func asSent(h http.Handler, target string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.RequestURI = target
		h.ServeHTTP(w, r)
	})
}

// ReadablePath is path with each % not followed by two hexadecimal digits
// escaped as %25, so that it parses as a URL path ("/a/%zz" is
// "/a/%25zz"); "/" if it still does not (a control character, say).
func ReadablePath(path string) string {
	var b strings.Builder
	for i := 0; i < len(path); i++ {
		if path[i] == '%' && (i+2 >= len(path) || !isHex(path[i+1]) || !isHex(path[i+2])) {
			b.WriteString("%25")
			continue
		}
		b.WriteByte(path[i])
	}
	out := b.String()
	if !strings.HasPrefix(out, "/") {
		out = "/" + out
	}
	if _, err := url.Parse(out); err != nil {
		return "/"
	}
	return out
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
