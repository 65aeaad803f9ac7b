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
		{pattern: "POST /programmes/{programmeId}/grants", serve: creating(func(r *http.Request, c domain.Caller, b service.Decoder) (domain.Grant, error) {
			return s.Service.CreateGrant(r.Context(), c, pid(r), b)
		}, func(r *http.Request, g domain.Grant) string { return here(r) + "/" + g.ID }, grantVersion)},
		{pattern: "GET /programmes/{programmeId}/grants", serve: listing(func(r *http.Request, c domain.Caller, p service.Page) ([]domain.Grant, string, error) {
			return s.Service.ListGrants(r.Context(), c, pid(r), p)
		})},
		{pattern: "GET /programmes/{programmeId}/grants/{grantId}", serve: reading(func(r *http.Request, c domain.Caller) (domain.Grant, error) {
			return s.Service.Grant(r.Context(), c, pid(r), r.PathValue("grantId"))
		}, grantVersion)},
		{pattern: "PATCH /programmes/{programmeId}/grants/{grantId}", serve: patching(func(r *http.Request, c domain.Caller, m func(int64) bool, b service.Decoder) (domain.Grant, error) {
			return s.Service.UpdateGrant(r.Context(), c, pid(r), r.PathValue("grantId"), m, b)
		}, grantVersion)},
	}, s.exportGrantRoutes()...)
}
