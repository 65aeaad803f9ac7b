package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/export"
	"github.com/fundtrack/fundtrack/shared/httpapi"
	"github.com/fundtrack/fundtrack/shared/service"
)

func (a *app) pageRoutes() []pageRoute {
	const p = "/app/programmes/{pid}"
	const pr = p + "/projects/{prid}"
	var routes []pageRoute
	get := func(pattern string, h handler) { routes = append(routes, pageRoute{"GET " + pattern, h}) }
	both := func(pattern string, h handler) {
		routes = append(routes, pageRoute{"GET " + pattern, h}, pageRoute{"POST " + pattern, h})
	}
	get("/app/{$}", a.programmes)
	both("/app/programmes/new", a.programmeNew)
	get(p, a.dashboard)

	get(p+"/grants", a.grants)
	both(p+"/grants/new", a.grantForm)
	get(p+"/grants/{gid}", a.grant)
	both(p+"/grants/{gid}/edit", a.grantForm)
	get(p+"/grants.csv", a.grantsCSV)
	get(p+"/grants/360giving", a.grants360)
	get(p+"/outcomes/summary.csv", a.outcomeSummaryCSV)

	get(p+"/projects", a.projects)
	both(p+"/projects/new", a.projectNew)
	get(pr, a.project)
	both(pr+"/outcomes/new", a.outcomeNew)
	get(pr+"/outcomes/{oid}", a.outcome)
	both(pr+"/posts/new", a.postForm)
	both(pr+"/posts/{postid}/edit", a.postForm)
	both(pr+"/cohorts/new", a.cohortForm)
	both(pr+"/cohorts/{cid}/edit", a.cohortForm)

	get(p+"/targets", a.targets)
	both(p+"/targets/new", a.targetForm)
	both(p+"/targets/{tid}/edit", a.targetForm)
	get(p+"/notifications", a.notifications)

	get(p+"/funders", a.funders)
	both(p+"/funders/new", a.funderNew)
	get(p+"/members", a.members)
	both(p+"/members/new", a.memberForm)
	both(p+"/members/{email}/edit", a.memberForm)
	routes = append(routes, pageRoute{"POST " + p + "/members/{email}/remove", a.memberRemove})
	get(p+"/audit", a.audit)
	get(p+"/history", a.history)
	return routes
}

// open reads the programme and what the caller may do in it; a non-member
// gets not-found, exactly as from the API.
func (a *app) open(r *http.Request, q *req, current string) (*nav, error) {
	p, acc, err := a.Service.Access(r.Context(), q.Caller, r.PathValue("pid"))
	if err != nil {
		return nil, err
	}
	return &nav{Programme: p, Access: acc, Current: current}, nil
}

// refuse is the page for a form the caller's role cannot use. Only what is
// shown depends on it: the service refuses the POST by its own rules.
func refuse(what string) error {
	return domain.Errorf(domain.CodeForbidden, "your role in this programme does not allow you to %s", what)
}

// all pages through a whole list.
func all[T any](list func(service.Page) ([]T, string, error)) ([]T, error) {
	var out []T
	p := service.Page{Limit: 100}
	for {
		items, next, err := list(p)
		if err != nil {
			return nil, err
		}
		out = append(out, items...)
		if next == "" {
			return out, nil
		}
		p.Cursor = next
	}
}

// pageOf reads ?cursor= for a list page of 50.
func pageOf(r *http.Request) service.Page {
	return service.Page{Limit: 50, Cursor: r.URL.Query().Get("cursor")}
}

// nextURL is the link to a list's next page.
func nextURL(r *http.Request, cursor string) string {
	if cursor == "" {
		return ""
	}
	q := r.URL.Query()
	q.Set("cursor", cursor)
	return r.URL.Path + "?" + q.Encode()
}

func base(n *nav) string { return "/app/programmes/" + n.Programme.ID }

// seeOther ends a successful POST: the browser loads the result with a GET,
// so reloading it does not send the form again.
func seeOther(w http.ResponseWriter, r *http.Request, to string) error {
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

// showForm renders a form page: 200 when first shown, 400 with its errors.
func (a *app) showForm(w http.ResponseWriter, r *http.Request, page string, v *view) error {
	status := http.StatusOK
	if v.Form != nil && v.Form.HasErrors() {
		status = http.StatusBadRequest
	}
	a.render(w, r, status, page, v)
	return nil
}

// ---------------------------------------------------------------- programmes

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

func (a *app) programmeNew(w http.ResponseWriter, r *http.Request, q *req) error {
	if !q.isAdmin() {
		return domain.Errorf(domain.CodeForbidden, "only administrators may create programmes")
	}
	f := newForm(programmeFields, q.Form)
	if q.Form != nil {
		p, err := a.Service.CreateProgramme(r.Context(), q.Caller, f.decoder())
		if err == nil {
			return seeOther(w, r, "/app/programmes/"+p.ID)
		}
		if !f.fail(err) {
			return err
		}
	}
	return a.showForm(w, r, "programme_form", &view{Title: "Create a programme", Form: f})
}

// ---------------------------------------------------------------- dashboard

func (a *app) dashboard(w http.ResponseWriter, r *http.Request, q *req) error {
	n, err := a.open(r, q, "dashboard")
	if err != nil {
		return err
	}
	// The same reads as GET /progress: its programme-and-roles read is the
	// one open made (see ReadOnce).
	pr, err := a.Service.Progress(r.Context(), q.Caller, n.Programme.ID)
	if err != nil {
		return err
	}
	a.render(w, r, http.StatusOK, "dashboard", &view{Title: n.Programme.Name, Nav: n, Data: dashboardData(n, pr)})
	return nil
}

// ---------------------------------------------------------------- grants

func (a *app) grants(w http.ResponseWriter, r *http.Request, q *req) error {
	n, err := a.open(r, q, "grants")
	if err != nil {
		return err
	}
	items, next, err := a.Service.ListGrants(r.Context(), q.Caller, n.Programme.ID, pageOf(r))
	if err != nil {
		return err
	}
	names, err := a.names(r, q, n)
	if err != nil {
		return err
	}
	a.render(w, r, http.StatusOK, "grants", &view{Title: "Grants", Nav: n,
		Data: map[string]any{"Items": items, "Next": nextURL(r, next), "Names": names}})
	return nil
}

// names are the programme's funders and projects by id, to name them in lists.
type names struct {
	Funders  map[string]string
	Projects map[string]string
	// In order, for select boxes.
	FunderList  []domain.Funder
	ProjectList []domain.Project
}

func (a *app) names(r *http.Request, q *req, n *nav) (*names, error) {
	fs, err := all(func(p service.Page) ([]domain.Funder, string, error) {
		return a.Service.ListFunders(r.Context(), q.Caller, n.Programme.ID, p)
	})
	if err != nil {
		return nil, err
	}
	ps, err := all(func(p service.Page) ([]domain.Project, string, error) {
		return a.Service.ListProjects(r.Context(), q.Caller, n.Programme.ID, p)
	})
	if err != nil {
		return nil, err
	}
	out := &names{Funders: map[string]string{}, Projects: map[string]string{}, FunderList: fs, ProjectList: ps}
	for _, f := range fs {
		out.Funders[f.ID] = f.Name
	}
	for _, p := range ps {
		out.Projects[p.ID] = p.Name
	}
	return out, nil
}

func (a *app) grant(w http.ResponseWriter, r *http.Request, q *req) error {
	n, err := a.open(r, q, "grants")
	if err != nil {
		return err
	}
	g, err := a.Service.Grant(r.Context(), q.Caller, n.Programme.ID, r.PathValue("gid"))
	if err != nil {
		return err
	}
	names, err := a.names(r, q, n)
	if err != nil {
		return err
	}
	a.render(w, r, http.StatusOK, "grant", &view{Title: g.Title, Nav: n, Data: map[string]any{"Grant": g, "Names": names}})
	return nil
}

var grantFields = []field{
	{"funderId", kText, "Funder"}, {"projectId", kText, "Recipient"}, {"title", kText, "Title"},
	{"description", kText, "Description"}, {"amountPence", kPounds, "Amount"}, {"currency", kText, "Currency"},
	{"awardDate", kDate, "Award date"}, {"startDate", kDate, "Start date"}, {"endDate", kDate, "End date"},
}

// grantForm records a grant (…/grants/new) or changes one (…/grants/{gid}/edit).
// An edit carries the version it was based on; if someone else saved a
// change since, nothing is saved and the page says so with their values.
func (a *app) grantForm(w http.ResponseWriter, r *http.Request, q *req) error {
	n, err := a.open(r, q, "grants")
	if err != nil {
		return err
	}
	gid := r.PathValue("gid")
	var current domain.Grant
	if gid != "" {
		if current, err = a.Service.Grant(r.Context(), q.Caller, n.Programme.ID, gid); err != nil {
			return err
		}
	}
	if !n.Access.CanManage() {
		return refuse("record or change grants")
	}
	names, err := a.names(r, q, n)
	if err != nil {
		return err
	}
	f := newForm(grantFields, q.Form)
	if q.Form == nil {
		f.Values.Set("currency", domain.CurrencyGBP)
		if gid != "" {
			setGrantValues(f.Values, current)
		}
	} else {
		f.Values.Set("currency", domain.CurrencyGBP)
		var saved domain.Grant
		if gid == "" {
			saved, err = a.Service.CreateGrant(r.Context(), q.Caller, n.Programme.ID, f.decoder())
		} else {
			saved, err = a.Service.UpdateGrant(r.Context(), q.Caller, n.Programme.ID, gid, versionMatch(q.Form), f.decoder())
		}
		if err == nil {
			return seeOther(w, r, base(n)+"/grants/"+saved.ID)
		}
		if domain.ErrorCode(err) == domain.CodePreconditionFailed {
			f = newForm(grantFields, url.Values{})
			f.Values.Set("currency", domain.CurrencyGBP)
			if current, err = a.Service.Grant(r.Context(), q.Caller, n.Programme.ID, gid); err != nil {
				return err
			}
			setGrantValues(f.Values, current)
			f.General = append(f.General, staleMessage("grant"))
		} else if !f.fail(err) {
			return err
		}
	}
	title := "Record a grant"
	if gid != "" {
		title = "Change grant"
		if !f.HasErrors() || f.Get("version") == "" {
			f.Values.Set("version", strconv.FormatInt(current.Version, 10))
		}
	}
	return a.showForm(w, r, "grant_form", &view{Title: title, Nav: n, Form: f,
		Data: map[string]any{"Names": names, "Grant": current, "Edit": gid != ""}})
}

func staleMessage(what string) string {
	return "This " + what + " was changed by someone else after you opened it. Your changes have not been saved. " +
		"The current details are shown below: make your changes again."
}

// versionMatch is the If-Match of a form: the version it was opened at.
func versionMatch(form url.Values) func(int64) bool {
	v, err := strconv.ParseInt(form.Get("version"), 10, 64)
	return func(current int64) bool { return err == nil && v == current }
}

func setGrantValues(v url.Values, g domain.Grant) {
	v.Set("funderId", g.FunderID)
	v.Set("projectId", g.ProjectID)
	v.Set("title", g.Title)
	v.Set("description", g.Description)
	v.Set("amountPence", pounds(g.AmountPence))
	setDate(v, "awardDate", g.AwardDate)
	setDate(v, "startDate", g.StartDate)
	setDate(v, "endDate", g.EndDate)
	v.Set("version", strconv.FormatInt(g.Version, 10))
}

func setDate(v url.Values, name string, d domain.Date) {
	if d.IsZero() {
		return
	}
	t := d.Time()
	v.Set(name+"-day", strconv.Itoa(t.Day()))
	v.Set(name+"-month", strconv.Itoa(int(t.Month())))
	v.Set(name+"-year", strconv.Itoa(t.Year()))
}

// ---------------------------------------------------------------- exports

// The downloads call the same service exports as the API's routes.

func (a *app) grantsCSV(w http.ResponseWriter, r *http.Request, q *req) error {
	set, err := a.Service.GrantExport(r.Context(), q.Caller, r.PathValue("pid"))
	if err != nil {
		return err
	}
	return export.Serving(w)(export.GrantsFile(set))
}

func (a *app) grants360(w http.ResponseWriter, r *http.Request, q *req) error {
	set, err := a.Service.GrantExport(r.Context(), q.Caller, r.PathValue("pid"))
	if err != nil {
		return err
	}
	return export.Serving(w)(export.GivingFile(set, a.Giving.WithDataSource(export.RequestURL(r)), r.URL.Query().Get("funderId"), a.Now()))
}

func (a *app) outcomeSummaryCSV(w http.ResponseWriter, r *http.Request, q *req) error {
	set, err := a.Service.OutcomeSummary(r.Context(), q.Caller, r.PathValue("pid"))
	if err != nil {
		return err
	}
	return export.Serving(w)(export.OutcomeSummaryFile(set))
}

// ---------------------------------------------------------------- projects

func (a *app) projects(w http.ResponseWriter, r *http.Request, q *req) error {
	n, err := a.open(r, q, "projects")
	if err != nil {
		return err
	}
	items, err := all(func(p service.Page) ([]domain.Project, string, error) {
		return a.Service.ListProjects(r.Context(), q.Caller, n.Programme.ID, p)
	})
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
	n, err := a.open(r, q, "projects")
	if err != nil {
		return err
	}
	if !n.Access.CanManage() {
		return refuse("add projects")
	}
	f := newForm(projectFields, q.Form)
	if q.Form != nil {
		p, err := a.Service.CreateProject(r.Context(), q.Caller, n.Programme.ID, f.decoder())
		if err == nil {
			return seeOther(w, r, base(n)+"/projects/"+p.ID)
		}
		if !f.fail(err) {
			return err
		}
	}
	return a.showForm(w, r, "project_form", &view{Title: "Add a project", Nav: n, Form: f})
}

func (a *app) project(w http.ResponseWriter, r *http.Request, q *req) error {
	n, err := a.open(r, q, "projects")
	if err != nil {
		return err
	}
	ctx, pid, prid := r.Context(), n.Programme.ID, r.PathValue("prid")
	// Reading the posts first applies the project's own read rule.
	posts, err := all(func(p service.Page) ([]domain.Post, string, error) {
		return a.Service.ListPosts(ctx, q.Caller, pid, prid, p)
	})
	if err != nil {
		return err
	}
	project, err := a.Service.Project(ctx, q.Caller, pid, prid)
	if err != nil {
		return err
	}
	cohorts, err := all(func(p service.Page) ([]domain.Cohort, string, error) {
		return a.Service.ListCohorts(ctx, q.Caller, pid, prid, p)
	})
	if err != nil {
		return err
	}
	outcomes, next, err := a.Service.ListOutcomes(ctx, q.Caller, pid, prid, pageOf(r))
	if err != nil {
		return err
	}
	replaced := map[string]bool{}
	for _, o := range outcomes {
		if o.Replaces != "" {
			replaced[o.Replaces] = true
		}
	}
	a.render(w, r, http.StatusOK, "project", &view{Title: project.Name, Nav: n, Data: map[string]any{
		"Project": project, "Posts": posts, "Cohorts": cohorts, "Outcomes": outcomes, "Next": nextURL(r, next),
		"Replaced": replaced, "CanWrite": n.Access.CanWriteProject(prid),
		"Base": base(n) + "/projects/" + prid,
	}})
	return nil
}

// ---------------------------------------------------------------- outcomes

const measureRows = 3

func outcomeFields() []field {
	fs := []field{{"periodStart", kDate, "Period start"}, {"periodEnd", kDate, "Period end"}, {"cohortId", kText, "Cohort"}}
	for _, m := range domain.Metrics {
		fs = append(fs, field{"counts." + string(m), kInt, metricLabel(m)})
	}
	for i := range measureRows {
		p := "measures[" + strconv.Itoa(i) + "]."
		row := " (measure " + strconv.Itoa(i+1) + ")"
		fs = append(fs, field{p + "name", kOptText, "Measure name" + row}, field{p + "baselineMean", kFloat, "Baseline mean" + row},
			field{p + "latestMean", kFloat, "Latest mean" + row}, field{p + "respondents", kInt, "Respondents" + row})
	}
	return append(fs, field{"notes", kText, "Notes"}, field{"replaces", kOptText, "Submission corrected"})
}

// compactMeasures moves filled measure rows up, so row i of the page is
// measures[i] of the body and errors land beside the right boxes.
func compactMeasures(v url.Values) {
	subs := []string{"name", "baselineMean", "latestMean", "respondents"}
	var rows [][]string
	for i := range measureRows {
		row := make([]string, len(subs))
		blank := true
		for j, s := range subs {
			row[j] = v.Get("measures[" + strconv.Itoa(i) + "]." + s)
			blank = blank && strings.TrimSpace(row[j]) == ""
		}
		if !blank {
			rows = append(rows, row)
		}
	}
	for i := range measureRows {
		for j, s := range subs {
			k := "measures[" + strconv.Itoa(i) + "]." + s
			if i < len(rows) {
				v.Set(k, rows[i][j])
			} else {
				v.Del(k)
			}
		}
	}
}

func (a *app) outcomeNew(w http.ResponseWriter, r *http.Request, q *req) error {
	n, err := a.open(r, q, "projects")
	if err != nil {
		return err
	}
	ctx, pid, prid := r.Context(), n.Programme.ID, r.PathValue("prid")
	// Every member sees that the project exists; writing to it is the
	// question (as the service answers a POST: 403, not 404).
	project, err := a.Service.Project(ctx, q.Caller, pid, prid)
	if err != nil {
		return err
	}
	if !n.Access.CanWriteProject(prid) {
		return refuse("submit outcomes for this project")
	}
	cohorts, err := all(func(p service.Page) ([]domain.Cohort, string, error) {
		return a.Service.ListCohorts(ctx, q.Caller, pid, prid, p)
	})
	if err != nil {
		return err
	}
	f := newForm(outcomeFields(), q.Form)
	// "counts" names the group's own error ("at least one count"); it is
	// no input of its own.
	f.fields["counts"] = field{"counts", kInt, "Counts"}
	if q.Form != nil {
		compactMeasures(f.Values)
		o, err := a.Service.SubmitOutcome(ctx, q.Caller, pid, prid, f.decoder())
		if err == nil {
			return seeOther(w, r, base(n)+"/projects/"+prid+"/outcomes/"+o.ID+"?submitted=1")
		}
		if !f.fail(err) {
			return err
		}
	} else if old := r.URL.Query().Get("replaces"); old != "" {
		// A correction starts from the submission it replaces.
		o, err := a.Service.Outcome(ctx, q.Caller, pid, prid, old)
		if err != nil {
			return err
		}
		setOutcomeValues(f.Values, o)
	}
	title := "Submit outcomes"
	if f.Get("replaces") != "" {
		title = "Correct a submission"
	}
	return a.showForm(w, r, "outcome_form", &view{Title: title, Nav: n, Form: f,
		Data: map[string]any{"Project": project, "Cohorts": cohorts, "MeasureRows": measureRows}})
}

func setOutcomeValues(v url.Values, o domain.Outcome) {
	setDate(v, "periodStart", o.PeriodStart)
	setDate(v, "periodEnd", o.PeriodEnd)
	v.Set("cohortId", o.CohortID)
	for m, c := range o.Counts {
		v.Set("counts."+string(m), strconv.FormatInt(c, 10))
	}
	for i, m := range o.Measures {
		if i >= measureRows {
			break
		}
		p := "measures[" + strconv.Itoa(i) + "]."
		v.Set(p+"name", m.Name)
		v.Set(p+"baselineMean", strconv.FormatFloat(m.BaselineMean, 'f', -1, 64))
		v.Set(p+"latestMean", strconv.FormatFloat(m.LatestMean, 'f', -1, 64))
		v.Set(p+"respondents", strconv.FormatInt(m.Respondents, 10))
	}
	v.Set("notes", o.Notes)
	v.Set("replaces", o.ID)
}

func (a *app) outcome(w http.ResponseWriter, r *http.Request, q *req) error {
	n, err := a.open(r, q, "projects")
	if err != nil {
		return err
	}
	ctx, pid, prid := r.Context(), n.Programme.ID, r.PathValue("prid")
	o, err := a.Service.Outcome(ctx, q.Caller, pid, prid, r.PathValue("oid"))
	if err != nil {
		return err
	}
	project, err := a.Service.Project(ctx, q.Caller, pid, prid)
	if err != nil {
		return err
	}
	a.render(w, r, http.StatusOK, "outcome", &view{Title: "Outcome submission", Nav: n, Data: map[string]any{
		"Outcome": o, "Project": project, "CanWrite": n.Access.CanWriteProject(prid),
		"Submitted": r.URL.Query().Get("submitted") == "1", "Base": base(n) + "/projects/" + prid,
	}})
	return nil
}

// ---------------------------------------------------------------- posts and cohorts

var postFields = []field{
	{"title", kText, "Job title"}, {"grantId", kText, "Paid by grant"}, {"fte", kFloat, "Full-time equivalent"},
	{"contract", kText, "Contract"}, {"startDate", kDate, "Start date"}, {"endDate", kDate, "End date"},
	{"status", kText, "Status"},
}

func (a *app) postForm(w http.ResponseWriter, r *http.Request, q *req) error {
	n, err := a.open(r, q, "projects")
	if err != nil {
		return err
	}
	ctx, pid, prid, id := r.Context(), n.Programme.ID, r.PathValue("prid"), r.PathValue("postid")
	project, err := a.Service.Project(ctx, q.Caller, pid, prid)
	if err != nil {
		return err
	}
	if !n.Access.CanWriteProject(prid) {
		return refuse("record posts for this project")
	}
	var current domain.Post
	if id != "" {
		if current, err = a.Service.Post(ctx, q.Caller, pid, prid, id); err != nil {
			return err
		}
	}
	usable, err := a.Service.PostGrants(ctx, q.Caller, pid, prid)
	if err != nil {
		return err
	}
	f := newForm(postFields, q.Form)
	if q.Form == nil {
		if id != "" {
			setPostValues(f.Values, current)
		}
	} else {
		var saved domain.Post
		if id == "" {
			saved, err = a.Service.CreatePost(ctx, q.Caller, pid, prid, f.decoder())
		} else {
			saved, err = a.Service.UpdatePost(ctx, q.Caller, pid, prid, id, versionMatch(q.Form), f.decoder())
		}
		_ = saved
		if err == nil {
			return seeOther(w, r, base(n)+"/projects/"+prid)
		}
		if domain.ErrorCode(err) == domain.CodePreconditionFailed {
			if current, err = a.Service.Post(ctx, q.Caller, pid, prid, id); err != nil {
				return err
			}
			f = newForm(postFields, url.Values{})
			setPostValues(f.Values, current)
			f.General = append(f.General, staleMessage("post"))
		} else if !f.fail(err) {
			return err
		}
	}
	if id != "" && (!f.HasErrors() || f.Get("version") == "") {
		f.Values.Set("version", strconv.FormatInt(current.Version, 10))
	}
	title := "Add a funded post"
	if id != "" {
		title = "Change post"
	}
	return a.showForm(w, r, "post_form", &view{Title: title, Nav: n, Form: f,
		Data: map[string]any{"Project": project, "Grants": usable, "Current": current, "Edit": id != ""}})
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

var cohortFields = []field{
	{"name", kText, "Name"}, {"places", kInt, "Places"}, {"startDate", kDate, "Start date"}, {"endDate", kDate, "End date"},
}

func (a *app) cohortForm(w http.ResponseWriter, r *http.Request, q *req) error {
	n, err := a.open(r, q, "projects")
	if err != nil {
		return err
	}
	ctx, pid, prid, id := r.Context(), n.Programme.ID, r.PathValue("prid"), r.PathValue("cid")
	project, err := a.Service.Project(ctx, q.Caller, pid, prid)
	if err != nil {
		return err
	}
	if !n.Access.CanWriteProject(prid) {
		return refuse("record cohorts for this project")
	}
	var current domain.Cohort
	if id != "" {
		if current, err = a.Service.Cohort(ctx, q.Caller, pid, prid, id); err != nil {
			return err
		}
	}
	f := newForm(cohortFields, q.Form)
	if q.Form == nil {
		if id != "" {
			setCohortValues(f.Values, current)
		}
	} else {
		if id == "" {
			_, err = a.Service.CreateCohort(ctx, q.Caller, pid, prid, f.decoder())
		} else {
			_, err = a.Service.UpdateCohort(ctx, q.Caller, pid, prid, id, versionMatch(q.Form), f.decoder())
		}
		if err == nil {
			return seeOther(w, r, base(n)+"/projects/"+prid)
		}
		if domain.ErrorCode(err) == domain.CodePreconditionFailed {
			if current, err = a.Service.Cohort(ctx, q.Caller, pid, prid, id); err != nil {
				return err
			}
			f = newForm(cohortFields, url.Values{})
			setCohortValues(f.Values, current)
			f.General = append(f.General, staleMessage("cohort"))
		} else if !f.fail(err) {
			return err
		}
	}
	if id != "" && (!f.HasErrors() || f.Get("version") == "") {
		f.Values.Set("version", strconv.FormatInt(current.Version, 10))
	}
	title := "Add an internship cohort"
	if id != "" {
		title = "Change cohort"
	}
	return a.showForm(w, r, "cohort_form", &view{Title: title, Nav: n, Form: f,
		Data: map[string]any{"Project": project, "Edit": id != ""}})
}

func setCohortValues(v url.Values, c domain.Cohort) {
	v.Set("name", c.Name)
	v.Set("places", strconv.FormatInt(c.Places, 10))
	setDate(v, "startDate", c.StartDate)
	setDate(v, "endDate", c.EndDate)
	v.Set("version", strconv.FormatInt(c.Version, 10))
}

// ---------------------------------------------------------------- targets

func (a *app) targets(w http.ResponseWriter, r *http.Request, q *req) error {
	n, err := a.open(r, q, "targets")
	if err != nil {
		return err
	}
	items, err := all(func(p service.Page) ([]domain.Target, string, error) {
		return a.Service.ListTargets(r.Context(), q.Caller, n.Programme.ID, p)
	})
	if err != nil {
		return err
	}
	names, err := a.names(r, q, n)
	if err != nil {
		return err
	}
	a.render(w, r, http.StatusOK, "targets", &view{Title: "Targets", Nav: n, Data: map[string]any{"Items": items, "Names": names}})
	return nil
}

var targetFields = []field{
	{"metric", kText, "Measure"}, {"value", kInt, "Target figure"}, {"deadline", kDate, "Deadline"},
	{"startDate", kDate, "Start date"}, {"projectId", kText, "Applies to"}, {"notify", kChecks, "Funders to email"},
	{"thresholds", kIntList, "Milestones"},
}

func (a *app) targetForm(w http.ResponseWriter, r *http.Request, q *req) error {
	n, err := a.open(r, q, "targets")
	if err != nil {
		return err
	}
	ctx, pid, id := r.Context(), n.Programme.ID, r.PathValue("tid")
	var current domain.Target
	if id != "" {
		if current, err = a.Service.Target(ctx, q.Caller, pid, id); err != nil {
			return err
		}
	}
	if !n.Access.CanManage() {
		return refuse("set targets")
	}
	names, err := a.names(r, q, n)
	if err != nil {
		return err
	}
	f := newForm(targetFields, q.Form)
	if q.Form == nil {
		if id != "" {
			setTargetValues(f.Values, current)
		} else {
			f.Values.Set("thresholds", "100")
		}
	} else {
		if id == "" {
			_, err = a.Service.CreateTarget(ctx, q.Caller, pid, f.decoder())
		} else {
			_, err = a.Service.UpdateTarget(ctx, q.Caller, pid, id, versionMatch(q.Form), f.decoder())
		}
		if err == nil {
			return seeOther(w, r, base(n)+"/targets")
		}
		if domain.ErrorCode(err) == domain.CodePreconditionFailed {
			if current, err = a.Service.Target(ctx, q.Caller, pid, id); err != nil {
				return err
			}
			f = newForm(targetFields, url.Values{})
			setTargetValues(f.Values, current)
			f.General = append(f.General, staleMessage("target"))
		} else if !f.fail(err) {
			return err
		}
	}
	if id != "" && (!f.HasErrors() || f.Get("version") == "") {
		f.Values.Set("version", strconv.FormatInt(current.Version, 10))
	}
	title := "Set a target"
	if id != "" {
		title = "Change target"
	}
	return a.showForm(w, r, "target_form", &view{Title: title, Nav: n, Form: f,
		Data: map[string]any{"Names": names, "Edit": id != ""}})
}

func setTargetValues(v url.Values, t domain.Target) {
	v.Set("metric", string(t.Metric))
	v.Set("value", strconv.FormatInt(t.Value, 10))
	setDate(v, "deadline", t.Deadline)
	setDate(v, "startDate", t.StartDate)
	v.Set("projectId", t.ProjectID)
	v["notify"] = append([]string(nil), t.Notify...)
	var th []string
	for _, x := range t.Thresholds {
		th = append(th, strconv.FormatInt(x, 10))
	}
	v.Set("thresholds", strings.Join(th, ", "))
	v.Set("version", strconv.FormatInt(t.Version, 10))
}

// ---------------------------------------------------------------- notifications

func (a *app) notifications(w http.ResponseWriter, r *http.Request, q *req) error {
	n, err := a.open(r, q, "notifications")
	if err != nil {
		return err
	}
	items, next, err := a.Service.ListNotifications(r.Context(), q.Caller, n.Programme.ID, pageOf(r))
	if err != nil {
		return err
	}
	names, err := a.names(r, q, n)
	if err != nil {
		return err
	}
	a.render(w, r, http.StatusOK, "notifications", &view{Title: "Milestone notifications", Nav: n,
		Data: map[string]any{"Items": items, "Next": nextURL(r, next), "Names": names}})
	return nil
}

// ---------------------------------------------------------------- funders

func (a *app) funders(w http.ResponseWriter, r *http.Request, q *req) error {
	n, err := a.open(r, q, "funders")
	if err != nil {
		return err
	}
	items, err := all(func(p service.Page) ([]domain.Funder, string, error) {
		return a.Service.ListFunders(r.Context(), q.Caller, n.Programme.ID, p)
	})
	if err != nil {
		return err
	}
	a.render(w, r, http.StatusOK, "funders", &view{Title: "Funders", Nav: n, Data: map[string]any{"Items": items}})
	return nil
}

var funderFields = []field{{"name", kText, "Name"}, {"orgId", kText, "Organisation identifier"}, {"contacts", kLines, "Contact emails"}}

func (a *app) funderNew(w http.ResponseWriter, r *http.Request, q *req) error {
	n, err := a.open(r, q, "funders")
	if err != nil {
		return err
	}
	if !n.Access.CanManage() {
		return refuse("add funders")
	}
	f := newForm(funderFields, q.Form)
	if q.Form != nil {
		_, err := a.Service.CreateFunder(r.Context(), q.Caller, n.Programme.ID, f.decoder())
		if err == nil {
			return seeOther(w, r, base(n)+"/funders")
		}
		if !f.fail(err) {
			return err
		}
	}
	return a.showForm(w, r, "funder_form", &view{Title: "Add a funder", Nav: n, Form: f})
}

// ---------------------------------------------------------------- members

func (a *app) members(w http.ResponseWriter, r *http.Request, q *req) error {
	n, err := a.open(r, q, "members")
	if err != nil {
		return err
	}
	items, err := all(func(p service.Page) ([]domain.Member, string, error) {
		return a.Service.ListMembers(r.Context(), q.Caller, n.Programme.ID, p)
	})
	if err != nil {
		return err
	}
	names, err := a.names(r, q, n)
	if err != nil {
		return err
	}
	a.render(w, r, http.StatusOK, "members", &view{Title: "Members", Nav: n, Data: map[string]any{"Items": items, "Names": names}})
	return nil
}

// memberForm gives a person their roles: the form's boxes become the API's
// {roles: [...]} body.
func (a *app) memberForm(w http.ResponseWriter, r *http.Request, q *req) error {
	n, err := a.open(r, q, "members")
	if err != nil {
		return err
	}
	ctx, pid := r.Context(), n.Programme.ID
	email := r.PathValue("email")
	var current domain.Member
	if email != "" {
		if current, err = a.Service.Member(ctx, q.Caller, pid, email); err != nil {
			return err
		}
	}
	if !n.Access.CanManage() {
		return refuse("manage members")
	}
	names, err := a.names(r, q, n)
	if err != nil {
		return err
	}
	fields := []field{{"email", kText, "Email address"}, {"roles", kText, "Roles"}}
	f := newForm(fields, q.Form)
	if q.Form == nil {
		if email != "" {
			f.Values.Set("email", current.Email)
			for _, r := range current.Roles {
				switch r.Role {
				case domain.RoleLead:
					f.Values.Set("lead", "yes")
				case domain.RoleProjectLead:
					f.Values.Add("projectLead", r.ProjectID)
				case domain.RoleFunder:
					f.Values.Add("funder", r.FunderID)
				}
			}
		}
	} else {
		if email != "" {
			f.Values.Set("email", email)
		}
		roles := []map[string]string{}
		if f.Get("lead") != "" {
			roles = append(roles, map[string]string{"role": string(domain.RoleLead)})
		}
		for _, id := range f.Values["projectLead"] {
			roles = append(roles, map[string]string{"role": string(domain.RoleProjectLead), "projectId": id})
		}
		for _, id := range f.Values["funder"] {
			roles = append(roles, map[string]string{"role": string(domain.RoleFunder), "funderId": id})
		}
		body := func(v any) error {
			raw, _ := json.Marshal(map[string]any{"roles": roles})
			return httpapi.DecodeJSON(raw, v)
		}
		m, _, err := a.Service.PutMember(ctx, q.Caller, pid, f.Get("email"), body)
		if err == nil {
			return seeOther(w, r, base(n)+"/members?saved="+url.QueryEscape(m.Email))
		}
		if !f.fail(err) {
			return err
		}
	}
	title := "Add a member"
	if email != "" {
		title = "Change roles of " + current.Email
	}
	return a.showForm(w, r, "member_form", &view{Title: title, Nav: n, Form: f,
		Data: map[string]any{"Names": names, "Edit": email != "", "Email": current.Email}})
}

func (a *app) memberRemove(w http.ResponseWriter, r *http.Request, q *req) error {
	n, err := a.open(r, q, "members")
	if err != nil {
		return err
	}
	if err := a.Service.DeleteMember(r.Context(), q.Caller, n.Programme.ID, r.PathValue("email")); err != nil {
		return err
	}
	return seeOther(w, r, base(n)+"/members")
}

// ---------------------------------------------------------------- audit

func (a *app) audit(w http.ResponseWriter, r *http.Request, q *req) error {
	n, err := a.open(r, q, "audit")
	if err != nil {
		return err
	}
	qs := r.URL.Query()
	filter := service.AuditFilter{Entity: domain.Entity(qs.Get("entity")), Email: qs.Get("user")}
	items, next, err := a.Service.ListAudit(r.Context(), q.Caller, n.Programme.ID, filter, pageOf(r))
	if err != nil && domain.ErrorCode(err) != domain.CodeValidation {
		return err
	}
	if err != nil {
		filter.Entity, items, next = "", nil, ""
	}
	a.render(w, r, http.StatusOK, "audit", &view{Title: "Audit trail", Nav: n, Data: map[string]any{
		"Items": items, "Next": nextURL(r, next), "Entity": string(filter.Entity), "User": filter.Email,
		"Entities": []string{"programme", "member", "funder", "project", "grant", "post", "cohort", "outcome", "target", "notification"},
	}})
	return nil
}

// history shows one record's changes to anyone who may read the record.
func (a *app) history(w http.ResponseWriter, r *http.Request, q *req) error {
	n, err := a.open(r, q, "")
	if err != nil {
		return err
	}
	qs := r.URL.Query()
	ref := service.RecordRef{Entity: domain.Entity(qs.Get("entity")), ID: qs.Get("id"), ProjectID: qs.Get("project")}
	items, next, err := a.Service.History(r.Context(), q.Caller, n.Programme.ID, ref, pageOf(r))
	if err != nil {
		return err
	}
	a.render(w, r, http.StatusOK, "history", &view{Title: "History of this " + string(ref.Entity), Nav: n, Data: map[string]any{
		"Items": items, "Next": nextURL(r, next), "Ref": ref, "Back": backTo(n, ref),
	}})
	return nil
}

// backTo is the page of the record a history belongs to.
func backTo(n *nav, ref service.RecordRef) string {
	b := base(n)
	switch ref.Entity {
	case domain.EntityGrant:
		return b + "/grants/" + ref.ID
	case domain.EntityOutcome:
		return b + "/projects/" + ref.ProjectID + "/outcomes/" + ref.ID
	case domain.EntityPost, domain.EntityCohort, domain.EntityProject:
		if ref.ProjectID != "" {
			return b + "/projects/" + ref.ProjectID
		}
		return b + "/projects/" + ref.ID
	case domain.EntityTarget:
		return b + "/targets"
	case domain.EntityMember:
		return b + "/members"
	case domain.EntityFunder:
		return b + "/funders"
	}
	return b
}
