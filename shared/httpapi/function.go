// Package httpapi serves fundtrack's JSON API over plain net/http. Each Lambda
// function of the API is one http.Handler made by a constructor that takes
// its dependencies; the local runner mounts the very same handlers.
package httpapi

import (
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
