package httpapi

import (
	"net/http"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// NewProgressHandler serves targets, the progress report and milestone
// notifications (the "progress" Lambda function).
func NewProgressHandler(d Deps) http.Handler { return newHandler(d, (*server).progressRoutes) }

func targetVersion(t domain.Target) int64 { return t.Version }

func (s *server) progressRoutes() []route {
	return append([]route{
		{pattern: "GET /programmes/{programmeId}/progress", serve: reading(func(r *http.Request, c domain.Caller) (domain.Progress, error) {
			return s.Service.Progress(r.Context(), c, r.PathValue("programmeId"))
		}, nil)},
		{pattern: "POST /programmes/{programmeId}/targets", serve: creating(func(r *http.Request, c domain.Caller, b service.Decoder) (domain.Target, error) {
			return s.Service.CreateTarget(r.Context(), c, r.PathValue("programmeId"), b)
		}, func(r *http.Request, t domain.Target) string { return here(r) + "/" + t.ID }, targetVersion)},
		{pattern: "GET /programmes/{programmeId}/targets", serve: listing(func(r *http.Request, c domain.Caller, p service.Page) ([]domain.Target, string, error) {
			return s.Service.ListTargets(r.Context(), c, r.PathValue("programmeId"), p)
		})},
		{pattern: "GET /programmes/{programmeId}/targets/{targetId}", serve: reading(func(r *http.Request, c domain.Caller) (domain.Target, error) {
			return s.Service.Target(r.Context(), c, r.PathValue("programmeId"), r.PathValue("targetId"))
		}, targetVersion)},
		{pattern: "GET /programmes/{programmeId}/notifications", serve: listing(func(r *http.Request, c domain.Caller, p service.Page) ([]domain.Notification, string, error) {
			return s.Service.ListNotifications(r.Context(), c, r.PathValue("programmeId"), p)
		})},
		{pattern: "GET /programmes/{programmeId}/notifications/{notificationId}", serve: reading(func(r *http.Request, c domain.Caller) (domain.Notification, error) {
			return s.Service.Notification(r.Context(), c, r.PathValue("programmeId"), r.PathValue("notificationId"))
		}, nil)},
		{pattern: "PATCH /programmes/{programmeId}/targets/{targetId}", serve: patching(func(r *http.Request, c domain.Caller, m func(int64) bool, b service.Decoder) (domain.Target, error) {
			return s.Service.UpdateTarget(r.Context(), c, r.PathValue("programmeId"), r.PathValue("targetId"), m, b)
		}, targetVersion)},
	}, s.exportProgressRoutes()...)
}
