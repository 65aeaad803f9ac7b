package httpapi

import (
	"net/http"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// NewGrantsHandler serves grant awards, their payments and spend: the
// "grants" Lambda function.
func NewGrantsHandler(d Deps) http.Handler { return newHandler(d, (*server).grantsRoutes) }

func grantVersion(g domain.Grant) int64 { return g.Version }

// grantAnswer is a grant as the create and change answers give it: with
// warnings about what the 360Giving Data Quality Tool would flag once it is
// published (a long title, a future award date, a description that repeats
// the title), when there are any. They are advice about what was just
// typed, so they are worked out for the answer and never stored; reads of
// the grant do not repeat them.
type grantAnswer struct {
	domain.Grant
	Warnings []domain.Warning `json:"warnings,omitempty"`
}

// withWarnings is the answer of a create or change: the service words the
// advice, so the web's grant page gives the same.
func (s *server) withWarnings(g domain.Grant, err error) (grantAnswer, error) {
	if err != nil {
		return grantAnswer{}, err
	}
	return grantAnswer{Grant: g, Warnings: s.Service.GrantWarnings(g)}, nil
}

func answerVersion(a grantAnswer) int64 { return a.Version }

func (s *server) grantsRoutes() []route {
	return append([]route{
		{pattern: "POST /programmes/{programmeId}/grants", serve: creating(func(r *http.Request, c *call, b service.Decoder) (grantAnswer, error) {
			return s.withWarnings(s.open(r, c).CreateGrant(b))
		}, func(r *http.Request, a grantAnswer) string { return here(r) + "/" + a.ID }, answerVersion),
			may: func(r *http.Request, c *call) error { return s.open(r, c).MayCreateGrant() }},
		{pattern: "GET /programmes/{programmeId}/grants", query: paged, serve: listing(func(r *http.Request, c *call, p service.Page) ([]domain.Grant, string, error) {
			return s.open(r, c).ListGrants(p)
		})},
		{pattern: "GET /programmes/{programmeId}/grants/{grantId}", serve: reading(func(r *http.Request, c *call) (domain.Grant, error) {
			return s.open(r, c).Grant(r.PathValue("grantId"))
		}, grantVersion)},
		{pattern: "PATCH /programmes/{programmeId}/grants/{grantId}", serve: patching(func(r *http.Request, c *call, m func(int64) bool, b service.Decoder) (grantAnswer, error) {
			return s.withWarnings(s.open(r, c).UpdateGrant(r.PathValue("grantId"), m, b))
		}, answerVersion)},
	}, append(s.exportGrantRoutes(), s.moneyRoutes()...)...)
}
