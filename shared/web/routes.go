package web

import (
	"net/http"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// The signed-in pages, one file per resource: programmes.go (and the
// dashboard in dashboard.go), grants.go (and their money in money.go),
// projects.go, outcomes.go, posts.go, cohorts.go, targets.go,
// returns.go (schedules, returns and reviews), imports.go, report.go (the
// printable report), notifications.go, funders.go, members.go, audit.go
// (audit trail and record histories), exports.go.
// Every create and edit page runs the one flow in editform.go.

func (a *app) pageRoutes() []pageRoute {
	const p = "/app/programmes/{pid}"
	const pr = p + "/projects/{prid}"
	var routes []pageRoute
	get := func(path string, h handler) { routes = append(routes, pageRoute{"GET", path, h}) }
	post := func(path string, h handler) { routes = append(routes, pageRoute{"POST", path, h}) }
	// A form is shown and posted at one address.
	both := func(path string, h handler) { routes = append(routes, pageRoute{"GET POST", path, h}) }
	get("/app/{$}", a.programmes)
	both("/app/programmes/new", a.programmeNew)
	get(p, a.dashboard)
	get(p+"/report", a.report)

	get(p+"/grants", a.grants)
	both(p+"/grants/new", a.grantForm)
	get(p+"/grants/{gid}", a.grant)
	both(p+"/grants/{gid}/edit", a.grantForm)
	both(p+"/grants/{gid}/payments/new", a.paymentNew)
	both(p+"/grants/{gid}/payments/{payid}/change", a.paymentChange)
	both(p+"/grants/{gid}/spend/new", a.spendNew)
	get(p+"/grants/{gid}/spend/{sid}", a.spendReturn)
	get(p+"/payments.csv", a.paymentsCSV)
	get(p+"/grants.csv", a.grantsCSV)
	get(p+"/grants/360giving", a.grants360)
	get(p+"/outcomes/summary.csv", a.outcomeSummaryCSV)

	get(p+"/projects", a.projects)
	both(p+"/projects/new", a.projectNew)
	both(pr+"/edit", a.projectForm)
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

	both(p+"/imports", a.imports)
	post(p+"/imports/confirm", a.importConfirm)
	get(p+"/imports/result", a.importResult)
	get(p+"/imports/template.csv", a.importTemplate(domain.MediaCSV))
	get(p+"/imports/template.xlsx", a.importTemplate(domain.MediaXLSX))

	get(p+"/returns", a.returns)
	get(p+"/reviews", a.reviews)
	both(pr+"/outcomes/{oid}/review", a.reviewForm)
	get(p+"/schedules", a.schedules)
	both(p+"/schedules/new", a.scheduleForm)
	both(p+"/schedules/{sid}/edit", a.scheduleForm)
	both(p+"/edit", a.programmeEdit)

	get(p+"/funders", a.funders)
	both(p+"/funders/new", a.funderNew)
	both(p+"/funders/{fid}/edit", a.funderNew)
	get(p+"/members", a.members)
	both(p+"/members/new", a.memberForm)
	both(p+"/members/{email}/edit", a.memberForm)
	both(p+"/members/{email}/remove", a.memberRemove)
	get(p+"/audit", a.audit)
	get(p+"/history", a.history)
	return routes
}

// scope is the caller's scope in the page's programme, and in its project
// when the path names one: opened once per request, so the access check
// is made once whatever the page reads. A page makes its own data call
// first (a record rides in the access check's BatchGetItem; a list goes
// out beside it), then asks open for the navigation, which costs nothing
// more.
func (a *app) scope(r *http.Request, q *req) *service.Scope {
	if q.sc == nil {
		if prid := r.PathValue("prid"); prid != "" {
			q.sc = a.Service.OpenProject(r.Context(), q.Caller, r.PathValue("pid"), prid)
		} else {
			q.sc = a.Service.Open(r.Context(), q.Caller, r.PathValue("pid"))
		}
		q.sc.WithClaim(q.claim)
	}
	return q.sc
}

// open reads the programme and what the caller may do in it; a non-member
// gets not-found, exactly as from the API.
func (a *app) open(r *http.Request, q *req, current string) (*nav, error) {
	p, acc, err := a.scope(r, q).Access()
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

// all reads every item of a list, a page of service.MaxLimit at a time.
func all[T any](list func(service.Page) ([]T, string, error)) ([]T, error) {
	return service.Every(service.MaxLimit, list)
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

// names are the programme's funders and projects by id, to name them in lists.
type names struct {
	Funders  map[string]string
	Projects map[string]string
	// In order, for select boxes.
	FunderList  []domain.Funder
	ProjectList []domain.Project
}

// names reads the programme's funders and projects, side by side: one
// round trip (the scope lets lists go out together, and beside its access
// check when that is still to be made).
func (a *app) names(r *http.Request, q *req) (*names, error) {
	sc := a.scope(r, q)
	var fs []domain.Funder
	var fErr error
	done := make(chan struct{})
	go func() { defer close(done); fs, fErr = all(sc.ListFunders) }()
	ps, projects, pErr := a.projectNames(r, q)
	<-done
	if fErr != nil {
		return nil, fErr
	}
	if pErr != nil {
		return nil, pErr
	}
	out := &names{Funders: map[string]string{}, Projects: projects, FunderList: fs, ProjectList: ps}
	for _, f := range fs {
		out.Funders[f.ID] = f.Name
	}
	return out, nil
}

// projectNames reads the programme's projects: in order, and their names
// by id.
func (a *app) projectNames(r *http.Request, q *req) ([]domain.Project, map[string]string, error) {
	ps, err := all(a.scope(r, q).ListProjects)
	if err != nil {
		return nil, nil, err
	}
	byID := make(map[string]string, len(ps))
	for _, p := range ps {
		byID[p.ID] = p.Name
	}
	return ps, byID, nil
}
