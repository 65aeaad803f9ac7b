package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestPageRequests: a page makes its own data call first and takes the
// navigation from the access check that call made, so it sends exactly
// the DynamoDB requests of its service calls, nothing for the navigation.
// A record's page costs what the API's GET of the record costs (one
// BatchGetItem) plus the lists it names things from. The pages' caller
// has a web session and the service calls compared here have none: inside
// a programme the session's signed-out check rides in the access
// BatchGetItem and costs nothing; the portfolio, outside any programme,
// pays one GetItem for it (sent beside its own reads).
func TestPageRequests(t *testing.T) {
	t.Parallel()
	s := testkit.New(t)
	h := newWebOver(t, s)
	f := h.fixture(t)
	ctx := context.Background()
	outcome := outcomesOf(t, h, f)[0].ID
	p := "/app/programmes/" + f.PID
	pa := p + "/projects/" + f.ProjectA
	lead := h.as(t, uLead)
	who := caller(uLead)
	names := func(sc *service.Scope) {
		sc.ListFunders(service.Page{Limit: 100})
		sc.ListProjects(service.Page{Limit: 100})
	}
	cases := []struct {
		path string
		same func()
	}{
		// The grant with its money, payments and spend returns in one
		// round trip; the names of funders and projects.
		{p + "/grants/" + f.GrantX, func() {
			sc := h.Svc.Open(ctx, who, f.PID)
			sc.GrantAccount(f.GrantX)
			names(sc)
		}},
		{p + "/grants/" + f.GrantX + "/edit", func() {
			sc := h.Svc.Open(ctx, who, f.PID)
			sc.Grant(f.GrantX)
			names(sc)
		}},
		{p + "/targets/" + f.TargetID + "/edit", func() {
			sc := h.Svc.Open(ctx, who, f.PID)
			sc.Target(f.TargetID)
			names(sc)
		}},
		// A submission, and the project's submissions: only a correction
		// knows the submission it corrected.
		{pa + "/outcomes/" + outcome, func() {
			sc := h.Svc.OpenProject(ctx, who, f.PID, f.ProjectA)
			sc.Outcome(outcome)
			sc.ListOutcomes(service.Page{Limit: 100})
		}},
		{p + "/funders", func() { h.Svc.Open(ctx, who, f.PID).ListFunders(service.Page{Limit: 100}) }},
		// The portfolio is GET /portfolio's reads; a report GET …/report's
		// and the projects, to name project targets.
		{"/app/", func() {
			withSession := who
			withSession.Session = "a-session-id-of-the-test"
			h.Svc.Portfolio(ctx, withSession, service.Page{Limit: 50})
		}},
		{p + "/report?period=2011-01-01..2011-03-31", func() {
			sc := h.Svc.Open(ctx, who, f.PID)
			sc.Report("2011-01-01", "2011-03-31")
			sc.ListProjects(service.Page{Limit: 100})
		}},
		{p + "/history?entity=outcome&project=" + f.ProjectA + "&id=" + outcome, func() {
			h.Svc.OpenProject(ctx, who, f.PID, f.ProjectA).History(domain.RecordRef{Entity: domain.EntityOutcome,
				ProjectID: f.ProjectA, ID: outcome}, service.Page{Limit: 50})
		}},
	}
	for _, cs := range cases {
		var pg page
		sent := s.Count.Measure(func() { pg = lead.get(cs.path) })
		if pg.Status != http.StatusOK {
			t.Fatalf("%s: %d\n%s", cs.path, pg.Status, excerpt(pg.Body))
		}
		page, want := sent.String(), s.Count.Measure(cs.same).String()
		t.Logf("%s: %s", cs.path, page)
		if page != want {
			t.Errorf("%s sent %s; its service calls alone %s", cs.path, page, want)
		}
	}
}

// TestSavedFormReadsNothingForThePage: an edit form's post that saves
// goes to the record, so it reads nothing for the page it does not show:
// no lists of funders and projects for its select boxes, only its
// service call's reads and writes and the form key's.
func TestSavedFormReadsNothingForThePage(t *testing.T) {
	t.Parallel()
	s := testkit.New(t)
	h := newWebOver(t, s)
	f := h.fixture(t)
	path := "/app/programmes/" + f.PID + "/grants/" + f.GrantX + "/edit"
	lead := h.as(t, uLead)
	v := withKey(grantEdit(f, "Renamed"), formKeyOf(t, lead.get(path)))
	v.Set("version", "1")
	var saved page
	n := s.Count.Measure(func() { saved = lead.post(path, v) }).String()
	if saved.Status != http.StatusSeeOther || strings.Contains(n, "Query") {
		t.Errorf("a saved edit: %d, %s; want a redirect and no Query", saved.Status, n)
	}
}
