package platform

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/url"
	"strconv"
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
//
// A HEAD is answered as its GET, without the body (RFC 9110, 9.3.2): net/http's
// server drops a HEAD's body itself, but the proxy would send it, so every
// function (the web app's pages as much as the API) answers HEAD here.
// When the handler wrote the body (as for a GET) and gave no
// Content-Length, the body's length is given; a handler that wrote none
// for the HEAD (a redirect) may not have known it, so none is given then.
// As net/http's server does, a handler that returns without writing
// anything is answered 200 (the proxy would fail the invocation: a static
// file's HEAD).
func LambdaHandler(h http.Handler) func(context.Context, events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	serve := proxyHandler(answered(h))
	return func(ctx context.Context, ev events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
		resp, err := serve(ctx, ev)
		if err == nil && strings.EqualFold(ev.RequestContext.HTTP.Method, http.MethodHead) {
			resp = withoutBody(resp)
		}
		return resp, err
	}
}

// withoutBody is resp with its body left out, as a HEAD is answered, and
// a Content-Length saying how long the body is if resp had a body and no
// Content-Length.
func withoutBody(resp events.APIGatewayV2HTTPResponse) events.APIGatewayV2HTTPResponse {
	n := len(resp.Body)
	if resp.IsBase64Encoded {
		if raw, err := base64.StdEncoding.DecodeString(resp.Body); err == nil {
			n = len(raw)
		}
	}
	hasLength := false
	for k := range resp.Headers {
		hasLength = hasLength || strings.EqualFold(k, "Content-Length")
	}
	if n > 0 && !hasLength {
		if resp.Headers == nil {
			resp.Headers = map[string]string{}
		}
		resp.Headers["Content-Length"] = strconv.Itoa(n)
	}
	resp.Body, resp.IsBase64Encoded = "", false
	return resp
}

// answered is h answering 200 when it returns having written nothing, as
// a handler behind net/http's server does.
func answered(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w}
		h.ServeHTTP(sw, r)
		if !sw.wrote {
			w.WriteHeader(http.StatusOK)
		}
	})
}

// statusWriter notes whether a handler has written its status or body.
type statusWriter struct {
	http.ResponseWriter
	wrote bool
}

func (w *statusWriter) WriteHeader(code int) { w.wrote = true; w.ResponseWriter.WriteHeader(code) }

func (w *statusWriter) Write(p []byte) (int, error) { w.wrote = true; return w.ResponseWriter.Write(p) }

// proxyHandler is LambdaHandler without its handling of HEAD.
func proxyHandler(h http.Handler) func(context.Context, events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
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
