package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// TestProjectFormNameTaken: adding a project, or renaming one, with the
// name of another project of the programme in another case or spacing
// shows the refusal beside the name box, and stores nothing.
func TestProjectFormNameTaken(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	lead := h.as(t, uLead)
	p := "/app/programmes/" + f.PID
	sc := h.Svc.Open(context.Background(), caller(uAdmin, domain.AdminGroup), f.PID)
	count := func() int {
		items, _, err := sc.ListProjects(service.Page{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		return len(items)
	}
	before := count()
	refused := func(what string, pg page, name string) {
		t.Helper()
		want := "Another project of this programme is already named &#34;" + name + "&#34;"
		// A form's refusal shows the form again, with the API's status for
		// the refusal: 409 conflict, the name being another project's.
		if pg.Status != http.StatusConflict || !strings.Contains(pg.Body, `href="#f-name"`) || !strings.Contains(pg.Body, want) {
			t.Fatalf("%s: %d, want 409 with %s beside the name\n%s", what, pg.Status, want, excerpt(pg.Body))
		}
	}
	form := url.Values{"name": {"  bradford   EMPLOYMENT service"}, "leadOrganisation": {"Bradford District Care NHS Foundation Trust"},
		"area": {"Bradford District"}, "startDate": {"2015-04-01"}, "endDate": {"2016-09-30"}}
	refused("adding", lead.post(p+"/projects/new", form), "bradford   EMPLOYMENT service")
	if n := count(); n != before {
		t.Errorf("%d projects after the refusal, want %d", n, before)
	}

	edit := p + "/projects/" + f.ProjectB + "/edit"
	lead.get(edit)
	refused("renaming", lead.post(edit, with(form, "version", "1", "name", "Bradford Employment Service")), "Bradford Employment Service")
	if pr := must(sc.Project(f.ProjectB)); pr.Name != "Leeds internships" || pr.Version != 1 {
		t.Errorf("after the refused rename: %q version %d", pr.Name, pr.Version)
	}
}
