package httpapi

import (
	"net/http"

	"github.com/fundtrack/fundtrack/shared/decode"
	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// NewReportingHandler serves the reporting cycle: schedules, the returns
// they expect and the review of submissions (the "reporting" Lambda
// function).
func NewReportingHandler(d Deps) http.Handler { return newHandler(d, (*server).reportingRoutes) }

func scheduleVersion(s domain.Schedule) int64 { return s.Version }

func (s *server) reportingRoutes() []route {
	const p = "/programmes/{programmeId}"
	return []route{
		{pattern: "POST " + p + "/schedules", serve: creating(func(r *http.Request, c *call, b service.Decoder) (domain.Schedule, error) {
			return s.open(r, c).CreateSchedule(b)
		}, func(r *http.Request, sc domain.Schedule) string { return here(r) + "/" + sc.ID }, scheduleVersion),
			may: func(r *http.Request, c *call) error { return s.open(r, c).MayCreateSchedule() }},
		{pattern: "GET " + p + "/schedules", query: paged, serve: listing(func(r *http.Request, c *call, pg service.Page) ([]domain.Schedule, string, error) {
			return s.open(r, c).ListSchedules(pg)
		})},
		{pattern: "GET " + p + "/schedules/{scheduleId}", serve: reading(func(r *http.Request, c *call) (domain.Schedule, error) {
			return s.open(r, c).Schedule(r.PathValue("scheduleId"))
		}, scheduleVersion)},
		{pattern: "PATCH " + p + "/schedules/{scheduleId}", serve: patching(func(r *http.Request, c *call, m func(int64) bool, b service.Decoder) (domain.Schedule, error) {
			return s.open(r, c).UpdateSchedule(r.PathValue("scheduleId"), m, b)
		}, scheduleVersion)},

		{pattern: "GET " + p + "/returns", query: paged.and("status", "projectId", "scheduleId", "correction"), serve: listing(func(r *http.Request, c *call, pg service.Page) ([]domain.Return, string, error) {
			q, err := decode.Query(r)
			if err != nil {
				return nil, "", err
			}
			// A filter given empty is refused by the service, after the
			// access check, not read as no filter.
			return s.open(r, c).ListReturns(service.ReturnQuery{Status: domain.ReturnStatus(q.Get("status")),
				ProjectID: q.Get("projectId"), ScheduleID: q.Get("scheduleId"), Correction: domain.OutcomeStatus(q.Get("correction")),
				Blank: decode.Blank(q, "status", "projectId", "scheduleId", "correction"), FromRequest: true}, pg)
		})},
		{pattern: "GET " + p + "/returns/{returnId}", serve: reading(func(r *http.Request, c *call) (domain.Return, error) {
			return s.open(r, c).Return(r.PathValue("returnId"))
		}, nil)},

		{pattern: "POST " + projectPath + "/outcomes/{outcomeId}/review", serve: s.review,
			may: func(r *http.Request, c *call) error {
				return s.openProject(r, c).MayReviewOutcome(r.PathValue("outcomeId"))
			}},
		{pattern: "GET " + p + "/outcomes/pending", query: paged, serve: listing(func(r *http.Request, c *call, pg service.Page) ([]domain.Outcome, string, error) {
			return s.open(r, c).ListPendingOutcomes(pg)
		})},
	}
}

// review answers 200 with the submission as decided: the review changes
// the submission, it makes nothing new.
func (s *server) review(w http.ResponseWriter, r *http.Request, c *call) error {
	o, err := s.openProject(r, c).ReviewOutcome(r.PathValue("outcomeId"), bodyDecoder(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, o)
	return nil
}
