// Package httpapi serves fundtrack's JSON API over plain net/http. Each Lambda
// function of the API is one http.Handler made by a constructor that takes
// its dependencies; the local runner mounts the very same handlers.
package httpapi

import (
	"log/slog"
	"net/http"

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
// the function that owns its route, as API Gateway does in AWS. A path that
// exists for other methods answers 405 with Allow, across functions; any
// other path 404, both in the SPEC's error shape. The local runner and the
// tests use it.
func Mount(fns []Function) http.Handler {
	mux := http.NewServeMux()
	for _, fn := range fns {
		for _, pattern := range fn.Routes {
			mux.Handle(pattern, fn.Handler)
		}
	}
	fallback := &server{Deps: Deps{}, mux: mux}
	fallback.Logger = slog.Default()
	mux.Handle("/", fallback.identify(fallback.recover(http.HandlerFunc(fallback.unmatched))))
	return mux
}
