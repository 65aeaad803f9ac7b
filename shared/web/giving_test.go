package web_test

import (
	"context"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// TestProjectFormGivingFields: a lead adds a project's org-id, postcode and
// areas served in the browser; a bad org-id is shown beside its box, and
// the areas' problems beside theirs.
func TestProjectFormGivingFields(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	lead := h.as(t, uLead)
	p := "/app/programmes/" + f.PID
	pg := lead.get(p + "/projects/new")
	for _, name := range []string{`name="orgId"`, `name="postcode"`, `name="beneficiaryLocations"`} {
		if !strings.Contains(pg.Body, name) {
			t.Fatalf("the project form has no %s:\n%s", name, excerpt(pg.Body))
		}
	}
	form := url.Values{"name": {"IPS Bradford"}, "leadOrganisation": {"Bradford District Care NHS Foundation Trust"},
		"area": {"Bradford District"}, "startDate": {"2015-04-01"}, "endDate": {"2016-09-30"},
		"orgId": {"GB-GOR-DWP"}, "postcode": {"bd18 3la"}, "beneficiaryLocations": {"E08000032 Bradford\r\nE0800003 Craven"}}
	pg = lead.post(p+"/projects/new", form)
	if pg.Status != http.StatusBadRequest || !strings.Contains(pg.Body, `href="#f-orgId"`) ||
		!strings.Contains(pg.Body, "Government Organisation Register") || !strings.Contains(pg.Body, `href="#f-beneficiaryLocations"`) ||
		!strings.Contains(pg.Body, "ONS geography code") {
		t.Fatalf("bad org-id and area: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	form.Set("orgId", "GB-NHS-TAD")
	form.Set("beneficiaryLocations", "E08000032 Bradford\r\n\r\nE07000163 - Craven\r\n")
	if pg = lead.post(p+"/projects/new", form); pg.Status != http.StatusSeeOther {
		t.Fatalf("add project: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	loc := pg.Header.Get("Location")
	pr, err := h.Svc.Open(context.Background(), caller(uAdmin, domain.AdminGroup), f.PID).Project(loc[strings.LastIndex(loc, "/")+1:])
	if err != nil {
		t.Fatal(err)
	}
	want := []domain.Location{{GeoCode: "E08000032", Name: "Bradford"}, {GeoCode: "E07000163", Name: "Craven"}}
	if pr.OrgID != "GB-NHS-TAD" || pr.Postcode != "BD18 3LA" || !reflect.DeepEqual(pr.BeneficiaryLocations, want) {
		t.Errorf("stored project: %q %q %+v", pr.OrgID, pr.Postcode, pr.BeneficiaryLocations)
	}
}
