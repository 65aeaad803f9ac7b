package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/fundtrack/fundtrack/shared/domain"
)

func (a *app) projects(w http.ResponseWriter, r *http.Request, q *req) error {
	items, err := all(a.scope(r, q).ListProjects)
	if err != nil {
		return err
	}
	n, err := a.open(r, q, "projects")
	if err != nil {
		return err
	}
	a.render(w, r, http.StatusOK, "projects", &view{Title: "Projects", Nav: n, Data: map[string]any{"Items": items}})
	return nil
}

var projectFields = []field{
	{"name", kText, "Name"}, {"leadOrganisation", kText, "Lead organisation"}, {"area", kText, "Area"},
	{"startDate", kDate, "Start date"}, {"endDate", kDate, "End date"},
	{"orgId", kText, "Lead organisation's identifier"}, {"postcode", kText, "Postcode"}, {"beneficiaryLocations", kAreas, "Areas served"},
}

func (a *app) projectNew(w http.ResponseWriter, r *http.Request, q *req) error {
	sc := a.scope(r, q)
	return editForm[domain.Project]{
		Page: "project_form", Nav: "projects", Fields: projectFields,
		Title:  titles[domain.Project]("", "Add a project", ""),
		May:    manages("add projects"),
		Create: func(f *form) (domain.Project, error) { return sc.CreateProject(f.decoder()) },
		Done:   func(n *nav, p domain.Project) string { return base(n) + "/projects/" + p.ID },
	}.serve(a, w, r, q)
}

// projectForm changes a project: its names, dates, org-id, postcode and
// the areas it serves (leads and admins).
func (a *app) projectForm(w http.ResponseWriter, r *http.Request, q *req) error {
	sc, id := a.scope(r, q), r.PathValue("prid")
	return editForm[domain.Project]{
		Page: "project_form", Nav: "projects", Fields: projectFields, ID: id, What: "project",
		Title:  titles[domain.Project](id, "Add a project", "Change project"),
		May:    manages("change projects"),
		Read:   func(string) (domain.Project, error) { return sc.ThisProject() },
		Values: setProjectValues, Version: func(p domain.Project) int64 { return p.Version },
		Update: func(f *form, ifMatch func(int64) bool) (domain.Project, error) {
			return sc.UpdateProject(id, ifMatch, f.decoder())
		},
		Done: func(n *nav, p domain.Project) string { return base(n) + "/projects/" + p.ID },
	}.serve(a, w, r, q)
}

func setProjectValues(v url.Values, p domain.Project) {
	v.Set("name", p.Name)
	v.Set("leadOrganisation", p.LeadOrganisation)
	v.Set("area", p.Area)
	setDate(v, "startDate", p.StartDate)
	setDate(v, "endDate", p.EndDate)
	v.Set("orgId", p.OrgID)
	v.Set("postcode", p.Postcode)
	setAreas(v, "beneficiaryLocations", p.BeneficiaryLocations)
	v.Set("version", strconv.FormatInt(p.Version, 10))
}

// project is a project's page: its posts, cohorts and submissions. Every
// member may read a project (SPEC, roles), but a project lead only its own
// project's records: to the project lead of another project the page shows
// the project's details alone, with nothing it could not open or do.
func (a *app) project(w http.ResponseWriter, r *http.Request, q *req) error {
	sc, prid := a.scope(r, q), r.PathValue("prid")
	// Reading the posts first applies the project's own read rule; the
	// list goes out beside the access check, which reads the project.
	posts, postsErr := all(sc.ListPosts)
	if postsErr != nil && domain.ErrorCode(postsErr) != domain.CodeNotFound {
		return postsErr
	}
	n, err := a.open(r, q, "projects")
	if err != nil {
		return err
	}
	project, err := sc.ThisProject()
	if err != nil {
		return err
	}
	if !n.Access.CanReadProject(prid) {
		// The project is there and theirs to see; its records are not.
		a.render(w, r, http.StatusOK, "project", &view{Title: project.Name, Nav: n, Data: map[string]any{
			"Project": project, "DetailsOnly": true, "Base": base(n) + "/projects/" + prid,
		}})
		return nil
	}
	if postsErr != nil {
		return postsErr
	}
	cohorts, err := all(sc.ListCohorts)
	if err != nil {
		return err
	}
	outcomes, next, err := sc.ListOutcomes(pageOf(r))
	if err != nil {
		return err
	}
	// What became of each submission on the page that a later one
	// replaced: "Corrected" only once its newest correction is approved;
	// until then the figures approved before still count, and the page
	// says the correction awaits review (or was sent back), as the
	// returns grid and the submission's own page do; one taken over by
	// new figures links to them (replacements).
	replaced := replacements(outcomes)
	// A submission names its cohort: the cohorts' submissions for one
	// period would otherwise look alike.
	cohortNames := map[string]string{}
	for _, c := range cohorts {
		cohortNames[c.ID] = c.Name
	}
	a.render(w, r, http.StatusOK, "project", &view{Title: project.Name, Nav: n, Data: map[string]any{
		"Project": project, "Posts": posts, "Cohorts": cohorts, "CohortNames": cohortNames, "Outcomes": outcomes, "Next": nextURL(r, next),
		"Replaced": replaced, "CanWrite": n.Access.CanWriteProject(prid),
		"Base": base(n) + "/projects/" + prid,
	}})
	return nil
}

// replacedIDs is the set of ids that a correction among xs replaces, so
// that a list can mark what no longer counts.
func replacedIDs[T any](xs []T, replaces func(T) string) map[string]bool {
	out := map[string]bool{}
	for _, x := range xs {
		if id := replaces(x); id != "" {
			out[id] = true
		}
	}
	return out
}
