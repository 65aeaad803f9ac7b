package httpapi

import (
	"net/http"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// NewDeliveryHandler serves what projects record: funded posts, internship
// cohorts and outcome submissions (the "delivery" Lambda function).
func NewDeliveryHandler(d Deps) http.Handler { return newHandler(d, (*server).deliveryRoutes) }

const projectPath = "/programmes/{programmeId}/projects/{projectId}"

func ids(r *http.Request) (programmeID, projectID string) {
	return r.PathValue("programmeId"), r.PathValue("projectId")
}

func postVersion(p domain.Post) int64     { return p.Version }
func cohortVersion(c domain.Cohort) int64 { return c.Version }

func (s *server) deliveryRoutes() []route {
	return []route{
		{pattern: "POST " + projectPath + "/posts", serve: creating(func(r *http.Request, c domain.Caller, b service.Decoder) (domain.Post, error) {
			pid, prj := ids(r)
			return s.Service.CreatePost(r.Context(), c, pid, prj, b)
		}, func(r *http.Request, p domain.Post) string { return here(r) + "/" + p.ID }, postVersion)},
		{pattern: "GET " + projectPath + "/posts", serve: listing(func(r *http.Request, c domain.Caller, p service.Page) ([]domain.Post, string, error) {
			pid, prj := ids(r)
			return s.Service.ListPosts(r.Context(), c, pid, prj, p)
		})},
		{pattern: "GET " + projectPath + "/posts/{postId}", serve: reading(func(r *http.Request, c domain.Caller) (domain.Post, error) {
			pid, prj := ids(r)
			return s.Service.Post(r.Context(), c, pid, prj, r.PathValue("postId"))
		}, postVersion)},
		{pattern: "PATCH " + projectPath + "/posts/{postId}", serve: patching(func(r *http.Request, c domain.Caller, m func(int64) bool, b service.Decoder) (domain.Post, error) {
			pid, prj := ids(r)
			return s.Service.UpdatePost(r.Context(), c, pid, prj, r.PathValue("postId"), m, b)
		}, postVersion)},

		{pattern: "POST " + projectPath + "/cohorts", serve: creating(func(r *http.Request, c domain.Caller, b service.Decoder) (domain.Cohort, error) {
			pid, prj := ids(r)
			return s.Service.CreateCohort(r.Context(), c, pid, prj, b)
		}, func(r *http.Request, co domain.Cohort) string { return here(r) + "/" + co.ID }, cohortVersion)},
		{pattern: "GET " + projectPath + "/cohorts", serve: listing(func(r *http.Request, c domain.Caller, p service.Page) ([]domain.Cohort, string, error) {
			pid, prj := ids(r)
			return s.Service.ListCohorts(r.Context(), c, pid, prj, p)
		})},
		{pattern: "GET " + projectPath + "/cohorts/{cohortId}", serve: reading(func(r *http.Request, c domain.Caller) (domain.Cohort, error) {
			pid, prj := ids(r)
			return s.Service.Cohort(r.Context(), c, pid, prj, r.PathValue("cohortId"))
		}, cohortVersion)},
		{pattern: "PATCH " + projectPath + "/cohorts/{cohortId}", serve: patching(func(r *http.Request, c domain.Caller, m func(int64) bool, b service.Decoder) (domain.Cohort, error) {
			pid, prj := ids(r)
			return s.Service.UpdateCohort(r.Context(), c, pid, prj, r.PathValue("cohortId"), m, b)
		}, cohortVersion)},

		{pattern: "POST " + projectPath + "/outcomes", serve: creating(func(r *http.Request, c domain.Caller, b service.Decoder) (domain.Outcome, error) {
			pid, prj := ids(r)
			return s.Service.SubmitOutcome(r.Context(), c, pid, prj, b)
		}, func(r *http.Request, o domain.Outcome) string { return here(r) + "/" + o.ID }, nil)},
		{pattern: "GET " + projectPath + "/outcomes", serve: listing(func(r *http.Request, c domain.Caller, p service.Page) ([]domain.Outcome, string, error) {
			pid, prj := ids(r)
			return s.Service.ListOutcomes(r.Context(), c, pid, prj, p)
		})},
		{pattern: "GET " + projectPath + "/outcomes/{outcomeId}", serve: reading(func(r *http.Request, c domain.Caller) (domain.Outcome, error) {
			pid, prj := ids(r)
			return s.Service.Outcome(r.Context(), c, pid, prj, r.PathValue("outcomeId"))
		}, nil)},
	}
}
