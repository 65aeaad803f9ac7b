package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/present"
)

// TestFormRefusalStatusIsTheTables walks the error codes that show a form
// again, with its problems, through the web app: each page answers
// shared/present's status for the refusal's code, the status the API
// answers the same refusal with (400 validation_failed, 422
// personal_data_detected, 412 for a record changed since the form was
// opened, 409 for a name another record has), and still shows the form
// with the problem, nothing saved.
func TestFormRefusalStatusIsTheTables(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	lead := h.as(t, uLead)
	base := "/app/programmes/" + f.PID
	funder := url.Values{"name": {"Funder for statuses"}, "orgId": {"GB-GOR-D10"}, "contacts": {"grants@funder.example.org"}}
	edit := base + "/funders/" + f.FunderX + "/edit"
	lead.get(edit)
	if pg := lead.post(edit, with(funder, "version", "1")); pg.Status != http.StatusSeeOther {
		t.Fatalf("saving the funder: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	project := url.Values{"name": {"  bradford   EMPLOYMENT service"}, "leadOrganisation": {"Bradford District Care NHS Foundation Trust"},
		"area": {"Bradford District"}, "startDate": {"2015-04-01"}, "endDate": {"2016-09-30"}}
	cases := []struct {
		name       string
		code       domain.Code
		path       string
		form       url.Values
		testid, in string // what the page shows: the problem, in the form
	}{
		{"a bad organisation identifier", domain.CodeValidation, base + "/funders/new",
			with(funder, "orgId", "GB-CHC-12"), `href="#f-orgId"`, `data-testid="funder-form"`},
		{"personal data in a name", domain.CodePersonalData, base + "/funders/new",
			with(funder, "name", "Funder 07700 900123"), `href="#f-name"`, `data-testid="funder-form"`},
		{"a stale version", domain.CodePreconditionFailed, edit,
			with(funder, "version", "1", "name", "Stale funder"), "This funder was changed by someone else", `data-testid="funder-form"`},
		{"a name another project has", domain.CodeConflict, base + "/projects/new",
			project, `href="#f-name"`, `data-testid="project-form"`},
	}
	for _, c := range cases {
		want := present.Of(domain.Errorf(c.code, "refused")).Status
		lead.get(c.path)
		pg := lead.post(c.path, c.form)
		if pg.Status != want || !strings.Contains(pg.Body, `data-testid="error-summary"`) ||
			!strings.Contains(pg.Body, c.testid) || !strings.Contains(pg.Body, c.in) {
			t.Errorf("%s (%s): %d, want %d with the form again and %s\n%s", c.name, c.code, pg.Status, want, c.testid, excerpt(pg.Body))
		}
	}
	// A form's problem the page finds itself (a date that is no date) is
	// validation_failed, as the API refuses such a date.
	bad := with(project, "name", "Unique project", "startDate", "", "startDate-day", "31", "startDate-month", "2", "startDate-year", "2015")
	lead.get(base + "/projects/new")
	if pg := lead.post(base+"/projects/new", bad); pg.Status != present.Status(domain.Errorf(domain.CodeValidation, "")) ||
		!strings.Contains(pg.Body, `href="#f-startDate`) {
		t.Errorf("a date that is no date: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	if fx := must(h.Svc.Open(t.Context(), caller(uAdmin, domain.AdminGroup), f.PID).Funder(f.FunderX)); fx.Name != "Funder for statuses" || fx.Version != 2 {
		t.Errorf("the stale form saved: %+v", fx)
	}
}
