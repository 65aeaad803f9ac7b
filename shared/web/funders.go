package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

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

// funderNew adds a funder (…/funders/new) or changes one
// (…/funders/{fid}/edit): its name, org-id or contacts, as people move on.
func (a *app) funderNew(w http.ResponseWriter, r *http.Request, q *req) error {
	sc, id := a.scope(r, q), r.PathValue("fid")
	return editForm[domain.Funder]{
		Page: "funder_form", Nav: "funders", Fields: funderFields, ID: id, What: "funder",
		Title:  titles[domain.Funder](id, "Add a funder", "Change funder"),
		May:    manages("add or change funders"),
		Read:   sc.Funder,
		Values: setFunderValues, Version: func(f domain.Funder) int64 { return f.Version },
		Create: func(f *form) (domain.Funder, error) { return sc.CreateFunder(f.decoder()) },
		Update: func(f *form, ifMatch func(int64) bool) (domain.Funder, error) {
			return sc.UpdateFunder(id, ifMatch, f.decoder())
		},
		Done: func(n *nav, _ domain.Funder) string { return base(n) + "/funders" },
	}.serve(a, w, r, q)
}

func setFunderValues(v url.Values, f domain.Funder) {
	v.Set("name", f.Name)
	v.Set("orgId", f.OrgID)
	v.Set("contacts", strings.Join(f.Input().Contacts, "\n")) // as it will be saved: see Funder.Input
	v.Set("version", strconv.FormatInt(f.Version, 10))
}
