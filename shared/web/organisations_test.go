package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// TestLeadChangesFunderAndProject: a funder's contact moves on and a
// project's org-id becomes known; the lead changes both from their pages.
// A funder sees no change links and is refused the forms.
func TestLeadChangesFunderAndProject(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	lead := h.as(t, uLead)
	base := "/app/programmes/" + f.PID
	admin := caller(uAdmin, domain.AdminGroup)

	// The funder: new contacts, from the form the list links to.
	list := lead.get(base + "/funders")
	if !strings.Contains(list.Body, base+"/funders/"+f.FunderX+"/edit") {
		t.Fatalf("the funders list has no change link\n%s", excerpt(list.Body))
	}
	form := lead.get(base + "/funders/" + f.FunderX + "/edit")
	if form.Status != http.StatusOK || !strings.Contains(form.Body, "contracts@dwp.example.org") {
		t.Fatalf("funder form: %d\n%s", form.Status, excerpt(form.Body))
	}
	pg := lead.post(base+"/funders/"+f.FunderX+"/edit", url.Values{"name": {"Department for Work and Pensions"},
		"orgId": {"GB-GOR-D10"}, "contacts": {"new.contact@dwp.example.org\r\ncontracts@dwp.example.org"}, "version": {"1"}})
	if pg.Status != http.StatusSeeOther {
		t.Fatalf("saving the funder: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	fx := must(h.Svc.Open(context.Background(), admin, f.PID).Funder(f.FunderX))
	if len(fx.Contacts) != 2 || fx.Contacts[0] != "new.contact@dwp.example.org" || fx.Version != 2 {
		t.Errorf("funder after the change: %+v", fx)
	}
	// The same form again, from the version it was opened at: stale.
	pg = lead.post(base+"/funders/"+f.FunderX+"/edit", url.Values{"name": {"Stale name"}, "contacts": {"a@b.org"}, "version": {"1"}})
	if pg.Status != http.StatusPreconditionFailed || !strings.Contains(pg.Body, "changed by someone else") {
		i := strings.Index(pg.Body, "error-summary")
		t.Errorf("a stale funder form: %d\n%s", pg.Status, pg.Body[max(i, 0):min(len(pg.Body), max(i, 0)+1500)])
	}

	// The project: its org-id and postcode, and a bad org-id named.
	pa := base + "/projects/" + f.ProjectA
	if !strings.Contains(lead.get(pa).Body, pa+"/edit") {
		t.Fatal("the project page has no change link for the lead")
	}
	values := url.Values{"name": {"Bradford employment service"}, "leadOrganisation": {"Bradford District Care"},
		"startDate": {"2010-10-01"}, "endDate": {"2012-03-31"}, "orgId": {"GB-NHS-nope!"}, "version": {"1"}}
	pg = lead.post(pa+"/edit", values)
	if pg.Status != http.StatusBadRequest || !strings.Contains(pg.Body, `href="#f-orgId"`) {
		i := strings.Index(pg.Body, "error-summary")
		t.Errorf("a bad org-id: %d\n%s", pg.Status, pg.Body[max(i, 0):min(len(pg.Body), max(i, 0)+1500)])
	}
	values.Set("orgId", "GB-NHS-TAD")
	values.Set("postcode", "bd18 3la")
	if pg = lead.post(pa+"/edit", values); pg.Status != http.StatusSeeOther {
		t.Fatalf("saving the project: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	pr := must(h.Svc.Open(context.Background(), admin, f.PID).Project(f.ProjectA))
	if pr.OrgID != "GB-NHS-TAD" || pr.Postcode != "BD18 3LA" || pr.Version != 2 {
		t.Errorf("project after the change: %+v", pr)
	}

	// A funder is offered no change and refused the forms.
	funder := h.as(t, uFunder)
	if strings.Contains(funder.get(base+"/funders").Body, "/edit") || strings.Contains(funder.get(pa).Body, pa+"/edit") {
		t.Error("a funder is offered change links")
	}
	for _, path := range []string{base + "/funders/" + f.FunderX + "/edit", pa + "/edit"} {
		if pg := funder.get(path); pg.Status != http.StatusForbidden {
			t.Errorf("%s as a funder: %d", path, pg.Status)
		}
	}
}

// TestFunderFormNamesTheRepeatedContact: a contact given twice (in another
// case, on a line of its own or after a comma) is named on the page with
// its line, in a sentence, beside the box and in the summary; nothing is
// stored.
func TestFunderFormNamesTheRepeatedContact(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	lead := h.as(t, uLead)
	base := "/app/programmes/" + f.PID
	lead.get(base + "/funders/new")
	pg := lead.post(base+"/funders/new", url.Values{"name": {"Duplicate contacts"},
		"contacts": {"one@example.org\r\n\r\ntwo@example.org, three@example.org\r\nONE@example.org\r\nfour@example.org,TWO@example.org"}})
	want := []string{"Contact emails: ONE@example.org (line 4) appears twice; TWO@example.org (line 5) appears twice"}
	if pg.Status != http.StatusBadRequest {
		t.Fatalf("duplicate contacts: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	for _, w := range want {
		if strings.Count(pg.Body, w) != 2 { // beside the box and in the summary
			t.Errorf("the page does not say %q beside the box and in the summary\n%s", w, excerpt(pg.Body))
		}
	}
	fs := mustList(h.Svc.Open(context.Background(), caller(uLead), f.PID).ListFunders(pageAll))
	for _, fu := range fs {
		if fu.Name == "Duplicate contacts" {
			t.Errorf("a funder with duplicate contacts was stored: %+v", fu)
		}
	}
}
