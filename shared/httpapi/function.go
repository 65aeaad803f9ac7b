// Package httpapi serves fundtrack's JSON API over plain net/http. Each Lambda
// function of the API is one http.Handler made by a constructor that takes
// its dependencies; the local runner mounts the very same handlers.
package httpapi

import (
	"log/slog"
	"net/http"

	"github.com/fundtrack/fundtrack/shared/decode"
	"github.com/fundtrack/fundtrack/shared/domain"
)

// Authenticator turns a request into the verified caller. In Lambda it reads
// the API Gateway JWT authorizer's claims from the request context; locally
// it verifies the bearer token itself. It never trusts claim headers.
type Authenticator interface {
	Authenticate(r *http.Request) (domain.Identity, error)
}

// Function is one API Lambda function: its name (the folder under
// functions/), the routes it serves (Go ServeMux patterns, which are also
// API Gateway route keys such as "GET /programmes/{programmeId}") and its handler.
type Function struct {
	Name    string
	Routes  []string
	Handler http.Handler
}

// Functions lists the API's Lambda functions with their routes and handlers.
// The local runner mounts them all; the template test checks that each
// route here has a route in template.yaml and the reverse.
func Functions(d Deps) []Function {
	return []Function{
		{Name: "programmes", Routes: patterns((&server{}).programmesRoutes()), Handler: NewProgrammesHandler(d)},
		{Name: "grants", Routes: patterns((&server{}).grantsRoutes()), Handler: NewGrantsHandler(d)},
		{Name: "delivery", Routes: patterns((&server{}).deliveryRoutes()), Handler: NewDeliveryHandler(d)},
		{Name: "progress", Routes: patterns((&server{}).progressRoutes()), Handler: NewProgressHandler(d)},
		{Name: "audit", Routes: patterns((&server{}).auditRoutes()), Handler: NewAuditHandler(d)},
		{Name: "reporting", Routes: patterns((&server{}).reportingRoutes()), Handler: NewReportingHandler(d)},
		{Name: "imports", Routes: patterns((&server{}).importsRoutes()), Handler: NewImportsHandler(d)},
	}
}

// Mount serves several functions on one handler, routing each request to
// the function that owns its route, as API Gateway does in AWS; what no
// route takes goes to the fallback (NewFallbackHandler), as API Gateway's
// $default route sends it to the fallback function. The local runner and
// the tests use it.
func Mount(fns []Function) http.Handler {
	mux := http.NewServeMux()
	for _, fn := range fns {
		for _, pattern := range fn.Routes {
			mux.Handle(pattern, fn.Handler)
		}
	}
	fb := fallback(Deps{}, fns)
	mux.Handle("/", fb)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !decode.PlainPath(r) {
			fb.ServeHTTP(w, r) // refused as every function refuses it, not redirected by mux
			return
		}
		mux.ServeHTTP(w, r)
	})
}

// NewFallbackHandler answers the requests no API route takes: 405 with
// Allow when the path is served for other methods (by whichever
// function), else 404, both in the SPEC's error shape. It is the fallback
// function's handler, behind the HTTP API's $default route; without it
// API Gateway would answer such requests itself with its own
// {"message":"Not Found"}. It reads no data, so it needs only d's Logger
// and RequestID.
func NewFallbackHandler(d Deps) http.Handler {
	return fallback(d, Functions(Deps{}))
}

// fallback answers what none of fns' routes takes, knowing every route of
// fns so that Allow names the methods served across functions.
func fallback(d Deps, fns []Function) http.Handler {
	routes := http.NewServeMux()
	for _, fn := range fns {
		for _, pattern := range fn.Routes {
			routes.Handle(pattern, fn.Handler) // only matched against, never served here
		}
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	s := &server{Deps: d, mux: routes}
	return s.identify(s.plainPath(s.recover(http.HandlerFunc(s.unmatched))))
}
