package httpapi

import (
	"net/http"

	"github.com/fundtrack/fundtrack/shared/decode"
	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// NewProgressHandler serves targets, the progress report, period reports
// and milestone notifications (the "progress" Lambda function).
func NewProgressHandler(d Deps) http.Handler { return newHandler(d, (*server).progressRoutes) }

func targetVersion(t domain.Target) int64 { return t.Version }

func (s *server) progressRoutes() []route {
	return append([]route{
		{pattern: "GET /programmes/{programmeId}/progress", serve: reading(func(r *http.Request, c *call) (domain.Progress, error) {
			return s.open(r, c).Progress()
		}, nil)},
		{pattern: "GET /programmes/{programmeId}/report", query: params{"from", "to"}, serve: reading(func(r *http.Request, c *call) (domain.Report, error) {
			q, err := decode.Query(r)
			if err != nil {
				return domain.Report{}, err
			}
			return s.open(r, c).Report(q.Get("from"), q.Get("to"))
		}, nil)},
		{pattern: "POST /programmes/{programmeId}/targets", serve: creating(func(r *http.Request, c *call, b service.Decoder) (domain.Target, error) {
			return s.open(r, c).CreateTarget(b)
		}, func(r *http.Request, t domain.Target) string { return here(r) + "/" + t.ID }, targetVersion),
			may: func(r *http.Request, c *call) error { return s.open(r, c).MayCreateTarget() }},
		{pattern: "GET /programmes/{programmeId}/targets", query: paged, serve: listing(func(r *http.Request, c *call, p service.Page) ([]domain.Target, string, error) {
			return s.open(r, c).ListTargets(p)
		})},
		{pattern: "GET /programmes/{programmeId}/targets/{targetId}", serve: reading(func(r *http.Request, c *call) (domain.Target, error) {
			return s.open(r, c).Target(r.PathValue("targetId"))
		}, targetVersion)},
		{pattern: "GET /programmes/{programmeId}/notifications", query: paged, serve: listing(func(r *http.Request, c *call, p service.Page) ([]domain.Notification, string, error) {
			return s.open(r, c).ListNotifications(p)
		})},
		{pattern: "GET /programmes/{programmeId}/notifications/{notificationId}", serve: reading(func(r *http.Request, c *call) (domain.Notification, error) {
			return s.open(r, c).Notification(r.PathValue("notificationId"))
		}, nil)},
		{pattern: "PATCH /programmes/{programmeId}/targets/{targetId}", serve: patching(func(r *http.Request, c *call, m func(int64) bool, b service.Decoder) (domain.Target, error) {
			return s.open(r, c).UpdateTarget(r.PathValue("targetId"), m, b)
		}, targetVersion)},
	}, s.exportProgressRoutes()...)
}
