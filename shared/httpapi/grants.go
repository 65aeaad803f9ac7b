package httpapi

import (
	"net/http"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// NewGrantsHandler serves grant awards: the "grants" Lambda function.
func NewGrantsHandler(d Deps) http.Handler { return newHandler(d, (*server).grantsRoutes) }

func grantVersion(g domain.Grant) int64 { return g.Version }

func (s *server) grantsRoutes() []route {
	return append([]route{
		{pattern: "POST /programmes/{programmeId}/grants", serve: creating(func(r *http.Request, c *call, b service.Decoder) (domain.Grant, error) {
			return s.open(r, c).CreateGrant(b)
		}, func(r *http.Request, g domain.Grant) string { return here(r) + "/" + g.ID }, grantVersion)},
		{pattern: "GET /programmes/{programmeId}/grants", serve: listing(func(r *http.Request, c *call, p service.Page) ([]domain.Grant, string, error) {
			return s.open(r, c).ListGrants(p)
		})},
		{pattern: "GET /programmes/{programmeId}/grants/{grantId}", serve: reading(func(r *http.Request, c *call) (domain.Grant, error) {
			return s.open(r, c).Grant(r.PathValue("grantId"))
		}, grantVersion)},
		{pattern: "PATCH /programmes/{programmeId}/grants/{grantId}", serve: patching(func(r *http.Request, c *call, m func(int64) bool, b service.Decoder) (domain.Grant, error) {
			return s.open(r, c).UpdateGrant(r.PathValue("grantId"), m, b)
		}, grantVersion)},
	}, s.exportGrantRoutes()...)
}
