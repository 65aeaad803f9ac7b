package web

import (
	"net/http"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// audit is the programme's audit trail (leads), filtered by record kind
// and person; a filter that is not one is shown as no filter.
func (a *app) audit(w http.ResponseWriter, r *http.Request, q *req) error {
	qs := r.URL.Query()
	filter := service.AuditFilter{Entity: domain.Entity(qs.Get("entity")), Email: qs.Get("user")}
	items, next, err := a.scope(r, q).ListAudit(filter, pageOf(r))
	if err != nil && domain.ErrorCode(err) != domain.CodeValidation {
		return err
	}
	if err != nil {
		filter.Entity, items, next = "", nil, ""
	}
	n, err := a.open(r, q, "audit")
	if err != nil {
		return err
	}
	a.render(w, r, http.StatusOK, "audit", &view{Title: "Audit trail", Nav: n, Data: map[string]any{
		"Items": items, "Next": nextURL(r, next), "Entity": string(filter.Entity), "User": filter.Email,
		"Entities": domain.AuditedEntities(),
	}})
	return nil
}

// history shows one record's changes to anyone who may read the record.
// A record of a project is read through a scope opened on the project,
// which serves the page's navigation too.
func (a *app) history(w http.ResponseWriter, r *http.Request, q *req) error {
	qs := r.URL.Query()
	ref := domain.RecordRef{Entity: domain.Entity(qs.Get("entity")), ID: qs.Get("id"), ProjectID: qs.Get("project"), GrantID: qs.Get("grant")}
	if ref.ProjectID != "" {
		q.sc = a.Service.OpenProject(r.Context(), q.Caller, r.PathValue("pid"), ref.ProjectID)
	}
	items, next, err := a.scope(r, q).History(ref, pageOf(r))
	if err != nil {
		return err
	}
	n, err := a.open(r, q, "")
	if err != nil {
		return err
	}
	a.render(w, r, http.StatusOK, "history", &view{Title: "History of this " + string(ref.Entity), Nav: n, Data: map[string]any{
		"Items": items, "Next": nextURL(r, next), "Ref": ref, "Back": recordURL(n.Programme.ID, ref),
	}})
	return nil
}
