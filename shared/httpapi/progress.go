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
		{pattern: "GET /programmes/{programmeId}/report", serve: reading(func(r *http.Request, c *call) (domain.Report, error) {
			q, err := decode.Query(r)
			if err != nil {
				return domain.Report{}, err
			}
			return s.open(r, c).Report(q.Get("from"), q.Get("to"))
		}, nil)},
		{pattern: "POST /programmes/{programmeId}/targets", serve: creating(func(r *http.Request, c *call, b service.Decoder) (domain.Target, error) {
			return s.open(r, c).CreateTarget(b)
		}, func(r *http.Request, t domain.Target) string { return here(r) + "/" + t.ID }, targetVersion)},
		{pattern: "GET /programmes/{programmeId}/targets", serve: listing(func(r *http.Request, c *call, p service.Page) ([]domain.Target, string, error) {
			return s.open(r, c).ListTargets(p)
		})},
		{pattern: "GET /programmes/{programmeId}/targets/{targetId}", serve: reading(func(r *http.Request, c *call) (domain.Target, error) {
			return s.open(r, c).Target(r.PathValue("targetId"))
		}, targetVersion)},
		{pattern: "GET /programmes/{programmeId}/notifications", serve: listing(func(r *http.Request, c *call, p service.Page) ([]domain.Notification, string, error) {
			items, next, err := s.open(r, c).ListNotifications(p)
			for i := range items {
				items[i] = answeredNotification(items[i])
			}
			return items, next, err
		})},
		{pattern: "GET /programmes/{programmeId}/notifications/{notificationId}", serve: reading(func(r *http.Request, c *call) (domain.Notification, error) {
			n, err := s.open(r, c).Notification(r.PathValue("notificationId"))
			return answeredNotification(n), err
		}, nil)},
		{pattern: "PATCH /programmes/{programmeId}/targets/{targetId}", serve: patching(func(r *http.Request, c *call, m func(int64) bool, b service.Decoder) (domain.Target, error) {
			return s.open(r, c).UpdateTarget(r.PathValue("targetId"), m, b)
		}, targetVersion)},
	}, s.exportProgressRoutes()...)
}

// answeredNotification is n as the API answers it: recipients always a
// list, [] until they are fixed. A reporting-cycle email's recipients are
// fixed when it is sent (the people in those roles then), and until then
// the record has none — nil, which told the notifier so, and which JSON
// wrote as null where the SPEC and openapi.json promise an array.
func answeredNotification(n domain.Notification) domain.Notification {
	if n.Recipients == nil {
		n.Recipients = []string{}
	}
	return n
}
