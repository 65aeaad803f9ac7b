package httpapi

import (
	"net/http"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// NewGrantsHandler serves grant awards: the "grants" Lambda function.
func NewGrantsHandler(d Deps) http.Handler { return newHandler(d, (*server).grantsRoutes) }

func (s *server) grantsRoutes() []route {
	return []route{
		{pattern: "POST /programmes/{programmeId}/grants", serve: s.createGrant},
		{pattern: "GET /programmes/{programmeId}/grants", serve: s.listGrants},
		{pattern: "GET /programmes/{programmeId}/grants/{grantId}", serve: s.getGrant},
		{pattern: "PATCH /programmes/{programmeId}/grants/{grantId}", serve: s.patchGrant},
	}
}

func (s *server) createGrant(w http.ResponseWriter, r *http.Request, c domain.Caller) error {
	pid := r.PathValue("programmeId")
	g, err := s.Service.CreateGrant(r.Context(), c, pid, bodyDecoder(r))
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(g.Version))
	created(w, "/programmes/"+pid+"/grants/"+g.ID, g)
	return nil
}

func (s *server) listGrants(w http.ResponseWriter, r *http.Request, c domain.Caller) error {
	page, err := pageOf(r)
	if err != nil {
		return err
	}
	items, next, err := s.Service.ListGrants(r.Context(), c, r.PathValue("programmeId"), page)
	if err != nil {
		return err
	}
	writeList(w, items, next)
	return nil
}

func (s *server) getGrant(w http.ResponseWriter, r *http.Request, c domain.Caller) error {
	g, err := s.Service.Grant(r.Context(), c, r.PathValue("programmeId"), r.PathValue("grantId"))
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(g.Version))
	writeJSON(w, http.StatusOK, g)
	return nil
}

func (s *server) patchGrant(w http.ResponseWriter, r *http.Request, c domain.Caller) error {
	match, err := ifMatch(r)
	if err != nil {
		return err
	}
	g, err := s.Service.UpdateGrant(r.Context(), c, r.PathValue("programmeId"), r.PathValue("grantId"), match, bodyDecoder(r))
	if err != nil {
		return err
	}
	w.Header().Set("ETag", etag(g.Version))
	writeJSON(w, http.StatusOK, g)
	return nil
}
