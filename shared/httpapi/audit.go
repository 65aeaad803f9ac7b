package httpapi

import (
	"net/http"

	"github.com/fundtrack/fundtrack/shared/decode"
	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// NewAuditHandler serves the audit trail and each record's history (the
// "audit" Lambda function).
func NewAuditHandler(d Deps) http.Handler { return newHandler(d, (*server).auditRoutes) }

// historyRoutes are the records that have a history, by path: each is the
// record's own path plus /history.
var historyRoutes = []struct {
	path   string
	entity domain.Entity
	idKey  string
}{
	{"/programmes/{programmeId}", domain.EntityProgramme, ""},
	{"/programmes/{programmeId}/members/{email}", domain.EntityMember, "email"},
	{"/programmes/{programmeId}/funders/{funderId}", domain.EntityFunder, "funderId"},
	{"/programmes/{programmeId}/projects/{projectId}", domain.EntityProject, "projectId"},
	{"/programmes/{programmeId}/grants/{grantId}", domain.EntityGrant, "grantId"},
	{projectPath + "/posts/{postId}", domain.EntityPost, "postId"},
	{projectPath + "/cohorts/{cohortId}", domain.EntityCohort, "cohortId"},
	{projectPath + "/outcomes/{outcomeId}", domain.EntityOutcome, "outcomeId"},
	{"/programmes/{programmeId}/targets/{targetId}", domain.EntityTarget, "targetId"},
	{grantPath + "/payments/{paymentId}", domain.EntityPayment, "paymentId"},
	{grantPath + "/spend/{spendId}", domain.EntitySpend, "spendId"},
	{"/programmes/{programmeId}/schedules/{scheduleId}", domain.EntitySchedule, "scheduleId"},
	{"/programmes/{programmeId}/returns/{returnId}", domain.EntityReturn, "returnId"},
	{"/programmes/{programmeId}/notifications/{notificationId}", domain.EntityNotification, "notificationId"},
}

func (s *server) auditRoutes() []route {
	routes := []route{
		{pattern: "GET /programmes/{programmeId}/audit", query: paged.and("entity", "user"), serve: listing(func(r *http.Request, c *call, p service.Page) ([]domain.AuditEvent, string, error) {
			q, err := decode.Query(r)
			if err != nil {
				return nil, "", err
			}
			f := service.AuditFilter{Entity: domain.Entity(q.Get("entity")), Email: q.Get("user"),
				Blank: decode.Blank(q, "entity", "user")}
			return s.open(r, c).ListAudit(f, p)
		})},
	}
	for _, h := range historyRoutes {
		routes = append(routes, route{pattern: "GET " + h.path + "/history", query: paged, serve: listing(func(r *http.Request, c *call, p service.Page) ([]domain.AuditEvent, string, error) {
			ref := domain.RecordRef{Entity: h.entity, ProjectID: r.PathValue("projectId")}
			if h.entity == domain.EntityPayment || h.entity == domain.EntitySpend {
				ref.GrantID = r.PathValue("grantId") // they live under their grant
			}
			if h.idKey != "" {
				ref.ID = r.PathValue(h.idKey)
			}
			sc := s.open(r, c)
			if ref.ProjectID != "" {
				sc = s.openProject(r, c)
			}
			return sc.History(ref, p)
		})})
	}
	return routes
}
