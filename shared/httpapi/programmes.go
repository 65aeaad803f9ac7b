package httpapi

import (
	"net/http"
	"net/url"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// NewProgrammesHandler serves programmes, their members, funders and
// projects, a person's portfolio of programmes, and the health check: the
// "programmes" Lambda function.
func NewProgrammesHandler(d Deps) http.Handler { return newHandler(d, (*server).programmesRoutes) }

func programmeVersion(p domain.Programme) int64 { return p.Version }
func funderVersion(f domain.Funder) int64       { return f.Version }
func projectVersion(p domain.Project) int64     { return p.Version }

func (s *server) programmesRoutes() []route {
	return []route{
		{pattern: "GET /health", public: true, serve: s.health},
		{pattern: "POST /programmes", serve: creating(func(r *http.Request, c *call, b service.Decoder) (domain.Programme, error) {
			return s.Service.CreateProgramme(r.Context(), c.Caller, b, c.claim)
		}, func(r *http.Request, p domain.Programme) string { return "/programmes/" + p.ID }, programmeVersion),
			may: func(r *http.Request, c *call) error { return s.Service.MayCreateProgramme(r.Context(), c.Caller) }},
		{pattern: "GET /programmes", query: paged, serve: listing(func(r *http.Request, c *call, p service.Page) ([]domain.Programme, string, error) {
			return s.Service.ListProgrammes(r.Context(), c.Caller, p)
		})},
		// Every programme the caller belongs to, with its headline
		// figures as far as the caller may see them.
		{pattern: "GET /portfolio", query: paged, serve: listing(func(r *http.Request, c *call, p service.Page) ([]domain.PortfolioItem, string, error) {
			return s.Service.Portfolio(r.Context(), c.Caller, p)
		})},
		{pattern: "GET /programmes/{programmeId}", serve: reading(func(r *http.Request, c *call) (domain.Programme, error) {
			return s.open(r, c).Programme()
		}, programmeVersion)},
		{pattern: "PATCH /programmes/{programmeId}", serve: patching(func(r *http.Request, c *call, m func(int64) bool, b service.Decoder) (domain.Programme, error) {
			return s.open(r, c).UpdateProgramme(m, b)
		}, programmeVersion)},

		{pattern: "GET /programmes/{programmeId}/members", query: paged, serve: listing(func(r *http.Request, c *call, p service.Page) ([]domain.Member, string, error) {
			return s.open(r, c).ListMembers(p)
		})},
		{pattern: "GET /programmes/{programmeId}/members/{email}", serve: reading(func(r *http.Request, c *call) (domain.Member, error) {
			return s.open(r, c).Member(r.PathValue("email"))
		}, nil)},
		{pattern: "PUT /programmes/{programmeId}/members/{email}", serve: s.putMember},
		{pattern: "DELETE /programmes/{programmeId}/members/{email}", serve: s.deleteMember},

		{pattern: "POST /programmes/{programmeId}/funders", serve: creating(func(r *http.Request, c *call, b service.Decoder) (domain.Funder, error) {
			return s.open(r, c).CreateFunder(b)
		}, func(r *http.Request, f domain.Funder) string { return here(r) + "/" + f.ID }, funderVersion),
			may: func(r *http.Request, c *call) error { return s.open(r, c).MayCreateFunder() }},
		{pattern: "GET /programmes/{programmeId}/funders", query: paged, serve: listing(func(r *http.Request, c *call, p service.Page) ([]domain.Funder, string, error) {
			return s.open(r, c).ListFunders(p)
		})},
		{pattern: "GET /programmes/{programmeId}/funders/{funderId}", serve: reading(func(r *http.Request, c *call) (domain.Funder, error) {
			return s.open(r, c).Funder(r.PathValue("funderId"))
		}, funderVersion)},
		{pattern: "PATCH /programmes/{programmeId}/funders/{funderId}", serve: patching(func(r *http.Request, c *call, m func(int64) bool, b service.Decoder) (domain.Funder, error) {
			return s.open(r, c).UpdateFunder(r.PathValue("funderId"), m, b)
		}, funderVersion)},

		{pattern: "POST /programmes/{programmeId}/projects", serve: creating(func(r *http.Request, c *call, b service.Decoder) (domain.Project, error) {
			return s.open(r, c).CreateProject(b)
		}, func(r *http.Request, p domain.Project) string { return here(r) + "/" + p.ID }, projectVersion),
			may: func(r *http.Request, c *call) error { return s.open(r, c).MayCreateProject() }},
		{pattern: "GET /programmes/{programmeId}/projects", query: paged, serve: listing(func(r *http.Request, c *call, p service.Page) ([]domain.Project, string, error) {
			return s.open(r, c).ListProjects(p)
		})},
		{pattern: "GET /programmes/{programmeId}/projects/{projectId}", serve: reading(func(r *http.Request, c *call) (domain.Project, error) {
			return s.open(r, c).Project(r.PathValue("projectId"))
		}, projectVersion)},
		{pattern: "PATCH /programmes/{programmeId}/projects/{projectId}", serve: patching(func(r *http.Request, c *call, m func(int64) bool, b service.Decoder) (domain.Project, error) {
			return s.open(r, c).UpdateProject(r.PathValue("projectId"), m, b)
		}, projectVersion)},

		{pattern: "GET /openapi.json", public: true, serve: s.openapi},
	}
}

// health answers 200 only when the table answers; otherwise 503 in the
// error shape, so a load balancer or a person sees the service is down.
func (s *server) health(w http.ResponseWriter, r *http.Request, _ *call) error {
	if err := s.Service.Health(r.Context()); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	return nil
}

// putMember answers 201 when the person is new to the programme, 200 when
// their roles were replaced.
func (s *server) putMember(w http.ResponseWriter, r *http.Request, c *call) error {
	m, isNew, err := s.open(r, c).PutMember(r.PathValue("email"), bodyDecoder(r))
	if err != nil {
		return err
	}
	if isNew {
		created(w, "/programmes/"+pid(r)+"/members/"+url.PathEscape(m.Email), m)
		return nil
	}
	writeJSON(w, http.StatusOK, m)
	return nil
}

func (s *server) deleteMember(w http.ResponseWriter, r *http.Request, c *call) error {
	if err := s.open(r, c).DeleteMember(r.PathValue("email")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
