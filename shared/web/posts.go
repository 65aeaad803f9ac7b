package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/fundtrack/fundtrack/shared/domain"
)

var postFields = []field{
	{"title", kText, "Job title"}, {"grantId", kChoice, "Paid by grant"}, {"fte", kFloat, "Full-time equivalent"},
	{"contract", kChoice, "Contract"}, {"startDate", kDate, "Start date"}, {"endDate", kDate, "End date"},
	{"status", kChoice, "Status"},
}

// postForm records a funded post of a project or changes one.
func (a *app) postForm(w http.ResponseWriter, r *http.Request, q *req) error {
	sc, prid, id := a.scope(r, q), r.PathValue("prid"), r.PathValue("postid")
	return editForm[domain.Post]{
		Page: "post_form", Nav: "projects", Fields: postFields, ID: id, What: "post",
		Title: titles[domain.Post](id, "Add a funded post", "Change post"),
		May:   writesProject(sc, prid, "record posts for this project"),
		Read:  sc.Post, Values: setPostValues, Version: func(p domain.Post) int64 { return p.Version },
		Create: func(f *form) (domain.Post, error) { return sc.CreatePost(f.decoder()) },
		Update: func(f *form, ifMatch func(int64) bool) (domain.Post, error) {
			return sc.UpdatePost(id, ifMatch, f.decoder())
		},
		Done: func(n *nav, _ domain.Post) string { return base(n) + "/projects/" + prid },
		Data: func(_ *nav, current domain.Post) (map[string]any, error) {
			project, err := sc.ThisProject()
			if err != nil {
				return nil, err
			}
			// The grants the post may be paid from, by title only: a
			// project lead may not read a programme-wide grant itself.
			usable, err := sc.PostGrants()
			return map[string]any{"Project": project, "Grants": usable, "Current": current}, err
		},
	}.serve(a, w, r, q)
}

func setPostValues(v url.Values, p domain.Post) {
	v.Set("title", p.Title)
	v.Set("grantId", p.GrantID)
	v.Set("fte", strconv.FormatFloat(p.FTE, 'f', -1, 64))
	v.Set("contract", string(p.Contract))
	setDate(v, "startDate", p.StartDate)
	setDate(v, "endDate", p.EndDate)
	v.Set("status", string(p.Status))
	v.Set("version", strconv.FormatInt(p.Version, 10))
}
