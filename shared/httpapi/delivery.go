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

func postVersion(p domain.Post) int64     { return p.Version }
func cohortVersion(c domain.Cohort) int64 { return c.Version }

// mayRecord is the access check of a POST of a project's figures.
func (s *server) mayRecord(r *http.Request, c *call) error { return s.openProject(r, c).MayRecord() }

func (s *server) deliveryRoutes() []route {
	return []route{
		{pattern: "POST " + projectPath + "/posts", serve: creating(func(r *http.Request, c *call, b service.Decoder) (domain.Post, error) {
			return s.openProject(r, c).CreatePost(b)
		}, func(r *http.Request, p domain.Post) string { return here(r) + "/" + p.ID }, postVersion), may: s.mayRecord},
		{pattern: "GET " + projectPath + "/posts", query: paged, serve: listing(func(r *http.Request, c *call, p service.Page) ([]domain.Post, string, error) {
			return s.openProject(r, c).ListPosts(p)
		})},
		{pattern: "GET " + projectPath + "/posts/{postId}", serve: reading(func(r *http.Request, c *call) (domain.Post, error) {
			return s.openProject(r, c).Post(r.PathValue("postId"))
		}, postVersion)},
		{pattern: "PATCH " + projectPath + "/posts/{postId}", serve: patching(func(r *http.Request, c *call, m func(int64) bool, b service.Decoder) (domain.Post, error) {
			return s.openProject(r, c).UpdatePost(r.PathValue("postId"), m, b)
		}, postVersion)},

		{pattern: "POST " + projectPath + "/cohorts", serve: creating(func(r *http.Request, c *call, b service.Decoder) (domain.Cohort, error) {
			return s.openProject(r, c).CreateCohort(b)
		}, func(r *http.Request, co domain.Cohort) string { return here(r) + "/" + co.ID }, cohortVersion), may: s.mayRecord},
		{pattern: "GET " + projectPath + "/cohorts", query: paged, serve: listing(func(r *http.Request, c *call, p service.Page) ([]domain.Cohort, string, error) {
			return s.openProject(r, c).ListCohorts(p)
		})},
		{pattern: "GET " + projectPath + "/cohorts/{cohortId}", serve: reading(func(r *http.Request, c *call) (domain.Cohort, error) {
			return s.openProject(r, c).Cohort(r.PathValue("cohortId"))
		}, cohortVersion)},
		{pattern: "PATCH " + projectPath + "/cohorts/{cohortId}", serve: patching(func(r *http.Request, c *call, m func(int64) bool, b service.Decoder) (domain.Cohort, error) {
			return s.openProject(r, c).UpdateCohort(r.PathValue("cohortId"), m, b)
		}, cohortVersion)},

		{pattern: "POST " + projectPath + "/outcomes", serve: creating(func(r *http.Request, c *call, b service.Decoder) (domain.Outcome, error) {
			return s.openProject(r, c).SubmitOutcome(b)
		}, func(r *http.Request, o domain.Outcome) string { return here(r) + "/" + o.ID }, nil), may: s.mayRecord},
		{pattern: "GET " + projectPath + "/outcomes", query: paged, serve: listing(func(r *http.Request, c *call, p service.Page) ([]domain.Outcome, string, error) {
			return s.openProject(r, c).ListOutcomes(p)
		})},
		{pattern: "GET " + projectPath + "/outcomes/{outcomeId}", serve: reading(func(r *http.Request, c *call) (domain.Outcome, error) {
			return s.openProject(r, c).Outcome(r.PathValue("outcomeId"))
		}, nil)},
	}
}
