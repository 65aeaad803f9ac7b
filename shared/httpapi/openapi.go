package httpapi

import (
	_ "embed"
	"net/http"
	"strconv"
)

// openAPIDocument is the OpenAPI 3.1 description of the whole API: every
// route of Functions, its bodies, headers and errors. openapi_test.go keeps
// it and the handlers in step: each route served is described and each
// operation described is served, and real requests and answers validate
// against it.
//
//go:embed openapi.json
var openAPIDocument []byte

// OpenAPI returns the OpenAPI 3.1 description of the API (a copy; the
// document served at GET /openapi.json).
func OpenAPI() []byte { return append([]byte(nil), openAPIDocument...) }

// openapi serves the embedded document as it is, without a token.
func (s *server) openapi(w http.ResponseWriter, r *http.Request, _ *call) error {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Header().Set("Content-Length", strconv.Itoa(len(openAPIDocument)))
	w.WriteHeader(http.StatusOK)
	w.Write(openAPIDocument)
	return nil
}
