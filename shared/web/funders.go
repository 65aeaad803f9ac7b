package web

import (
	"net/http"

	"github.com/fundtrack/fundtrack/shared/domain"
)

func (a *app) funders(w http.ResponseWriter, r *http.Request, q *req) error {
	items, err := all(a.scope(r, q).ListFunders)
	if err != nil {
		return err
	}
	n, err := a.open(r, q, "funders")
	if err != nil {
		return err
	}
	a.render(w, r, http.StatusOK, "funders", &view{Title: "Funders", Nav: n, Data: map[string]any{"Items": items}})
	return nil
}

var funderFields = []field{{"name", kText, "Name"}, {"orgId", kText, "Organisation identifier"}, {"contacts", kLines, "Contact emails"}}

func (a *app) funderNew(w http.ResponseWriter, r *http.Request, q *req) error {
	sc := a.scope(r, q)
	return editForm[domain.Funder]{
		Page: "funder_form", Nav: "funders", Fields: funderFields,
		Title:  titles[domain.Funder]("", "Add a funder", ""),
		May:    manages("add funders"),
		Create: func(f *form) (domain.Funder, error) { return sc.CreateFunder(f.decoder()) },
		Done:   func(n *nav, _ domain.Funder) string { return base(n) + "/funders" },
	}.serve(a, w, r, q)
}
