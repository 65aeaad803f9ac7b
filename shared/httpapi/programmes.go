package httpapi

import (
	"net/http"
	"net/url"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// NewProgrammesHandler serves programmes, their members, funders and
// projects, and the health check: the "programmes" Lambda function.
func NewProgrammesHandler(d Deps) http.Handler { return newHandler(d, (*server).programmesRoutes) }

func (s *server) programmesRoutes() []route {
	return []route{
		{pattern: "GET /health", public: true, serve: s.health},
		{pattern: "POST /programmes", serve: s.createProgramme},
		{pattern: "GET /programmes", serve: s.listProgrammes},
		{pattern: "GET /programmes/{programmeId}", serve: s.getProgramme},
		{pattern: "GET /programmes/{programmeId}/members", serve: s.listMembers},
		{pattern: "GET /programmes/{programmeId}/members/{email}", serve: s.getMember},
		{pattern: "PUT /programmes/{programmeId}/members/{email}", serve: s.putMember},
		{pattern: "DELETE /programmes/{programmeId}/members/{email}", serve: s.deleteMember},
		{pattern: "POST /programmes/{programmeId}/funders", serve: s.createFunder},
		{pattern: "GET /programmes/{programmeId}/funders", serve: s.listFunders},
		{pattern: "GET /programmes/{programmeId}/funders/{funderId}", serve: s.getFunder},
		{pattern: "POST /programmes/{programmeId}/projects", serve: s.createProject},
		{pattern: "GET /programmes/{programmeId}/projects", serve: s.listProjects},
		{pattern: "GET /programmes/{programmeId}/projects/{projectId}", serve: s.getProject},
	}
}

func (s *server) health(w http.ResponseWriter, r *http.Request, _ domain.Caller) error {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	return nil
}

func (s *server) createProgramme(w http.ResponseWriter, r *http.Request, c domain.Caller) error {
	p, err := s.Service.CreateProgramme(r.Context(), c, bodyDecoder(r))
	if err != nil {
		return err
	}
	created(w, "/programmes/"+p.ID, p)
	return nil
}

func (s *server) listProgrammes(w http.ResponseWriter, r *http.Request, c domain.Caller) error {
	page, err := pageOf(r)
	if err != nil {
		return err
	}
	items, next, err := s.Service.ListProgrammes(r.Context(), c, page)
	if err != nil {
		return err
	}
	writeList(w, items, next)
	return nil
}

func (s *server) getProgramme(w http.ResponseWriter, r *http.Request, c domain.Caller) error {
	p, err := s.Service.Programme(r.Context(), c, r.PathValue("programmeId"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

func (s *server) listMembers(w http.ResponseWriter, r *http.Request, c domain.Caller) error {
	page, err := pageOf(r)
	if err != nil {
		return err
	}
	items, next, err := s.Service.ListMembers(r.Context(), c, r.PathValue("programmeId"), page)
	if err != nil {
		return err
	}
	writeList(w, items, next)
	return nil
}

func (s *server) getMember(w http.ResponseWriter, r *http.Request, c domain.Caller) error {
	m, err := s.Service.Member(r.Context(), c, r.PathValue("programmeId"), r.PathValue("email"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, m)
	return nil
}

func (s *server) putMember(w http.ResponseWriter, r *http.Request, c domain.Caller) error {
	pid := r.PathValue("programmeId")
	m, isNew, err := s.Service.PutMember(r.Context(), c, pid, r.PathValue("email"), bodyDecoder(r))
	if err != nil {
		return err
	}
	if isNew {
		created(w, "/programmes/"+pid+"/members/"+url.PathEscape(m.Email), m)
		return nil
	}
	writeJSON(w, http.StatusOK, m)
	return nil
}

func (s *server) deleteMember(w http.ResponseWriter, r *http.Request, c domain.Caller) error {
	if err := s.Service.DeleteMember(r.Context(), c, r.PathValue("programmeId"), r.PathValue("email")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *server) createFunder(w http.ResponseWriter, r *http.Request, c domain.Caller) error {
	pid := r.PathValue("programmeId")
	f, err := s.Service.CreateFunder(r.Context(), c, pid, bodyDecoder(r))
	if err != nil {
		return err
	}
	created(w, "/programmes/"+pid+"/funders/"+f.ID, f)
	return nil
}

func (s *server) listFunders(w http.ResponseWriter, r *http.Request, c domain.Caller) error {
	page, err := pageOf(r)
	if err != nil {
		return err
	}
	items, next, err := s.Service.ListFunders(r.Context(), c, r.PathValue("programmeId"), page)
	if err != nil {
		return err
	}
	writeList(w, items, next)
	return nil
}

func (s *server) getFunder(w http.ResponseWriter, r *http.Request, c domain.Caller) error {
	f, err := s.Service.Funder(r.Context(), c, r.PathValue("programmeId"), r.PathValue("funderId"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, f)
	return nil
}

func (s *server) createProject(w http.ResponseWriter, r *http.Request, c domain.Caller) error {
	pid := r.PathValue("programmeId")
	p, err := s.Service.CreateProject(r.Context(), c, pid, bodyDecoder(r))
	if err != nil {
		return err
	}
	created(w, "/programmes/"+pid+"/projects/"+p.ID, p)
	return nil
}

func (s *server) listProjects(w http.ResponseWriter, r *http.Request, c domain.Caller) error {
	page, err := pageOf(r)
	if err != nil {
		return err
	}
	items, next, err := s.Service.ListProjects(r.Context(), c, r.PathValue("programmeId"), page)
	if err != nil {
		return err
	}
	writeList(w, items, next)
	return nil
}

func (s *server) getProject(w http.ResponseWriter, r *http.Request, c domain.Caller) error {
	p, err := s.Service.Project(r.Context(), c, r.PathValue("programmeId"), r.PathValue("projectId"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}
