package web

import (
	"net/http"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// programmes lists the programmes the caller belongs to (all, for an
// administrator).
func (a *app) programmes(w http.ResponseWriter, r *http.Request, q *req) error {
	items, next, err := a.Service.ListProgrammes(r.Context(), q.Caller, pageOf(r))
	if err != nil {
		return err
	}
	a.render(w, r, http.StatusOK, "programmes", &view{Title: "Your programmes",
		Data: map[string]any{"Items": items, "Next": nextURL(r, next), "CanCreate": q.isAdmin()}})
	return nil
}

var programmeFields = []field{
	{"name", kText, "Name"}, {"leadOrganisation", kText, "Lead organisation"}, {"region", kText, "Region"},
	{"startDate", kDate, "Start date"}, {"endDate", kDate, "End date"}, {"description", kText, "Description"},
	{"orgId", kText, "Lead organisation's identifier"}, {"postcode", kText, "Postcode"}, {"beneficiaryLocations", kAreas, "Areas served"},
}

// programmeNew creates a programme (administrators).
func (a *app) programmeNew(w http.ResponseWriter, r *http.Request, q *req) error {
	return editForm[domain.Programme]{
		Page: "programme_form", Fields: programmeFields, Title: titles[domain.Programme]("", "Create a programme", ""),
		May: func(*nav) error {
			if !q.isAdmin() {
				return domain.Errorf(domain.CodeForbidden, "only administrators may create programmes")
			}
			return nil
		},
		Create: func(f *form) (domain.Programme, error) {
			return a.Service.CreateProgramme(r.Context(), q.Caller, f.decoder(), nil)
		},
		Done: func(_ *nav, p domain.Programme) string { return "/app/programmes/" + p.ID },
	}.serve(a, w, r, q)
}
