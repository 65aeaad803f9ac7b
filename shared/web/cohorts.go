package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/fundtrack/fundtrack/shared/domain"
)

var cohortFields = []field{
	{"name", kText, "Name"}, {"places", kInt, "Places"}, {"startDate", kDate, "Start date"}, {"endDate", kDate, "End date"},
}

// cohortForm records an internship cohort of a project or changes one.
func (a *app) cohortForm(w http.ResponseWriter, r *http.Request, q *req) error {
	sc, prid, id := a.scope(r, q), r.PathValue("prid"), r.PathValue("cid")
	return editForm[domain.Cohort]{
		Page: "cohort_form", Nav: "projects", Fields: cohortFields, ID: id, What: "cohort",
		Title: titles[domain.Cohort](id, "Add an internship cohort", "Change cohort"),
		May:   writesProject(sc, prid, "record cohorts for this project"),
		Read:  sc.Cohort, Values: setCohortValues, Version: func(c domain.Cohort) int64 { return c.Version },
		Create: func(f *form) (domain.Cohort, error) { return sc.CreateCohort(f.decoder()) },
		Update: func(f *form, ifMatch func(int64) bool) (domain.Cohort, error) {
			return sc.UpdateCohort(id, ifMatch, f.decoder())
		},
		Done: func(n *nav, _ domain.Cohort) string { return base(n) + "/projects/" + prid },
		Data: func(*nav, domain.Cohort) (map[string]any, error) {
			project, err := sc.ThisProject()
			return map[string]any{"Project": project}, err
		},
	}.serve(a, w, r, q)
}

func setCohortValues(v url.Values, c domain.Cohort) {
	v.Set("name", c.Name)
	v.Set("places", strconv.FormatInt(c.Places, 10))
	setDate(v, "startDate", c.StartDate)
	setDate(v, "endDate", c.EndDate)
	v.Set("version", strconv.FormatInt(c.Version, 10))
}
