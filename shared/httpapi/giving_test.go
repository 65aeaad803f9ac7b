package httpapi_test

// Tests of what issue #12 adds for publishing 360Giving data, through HTTP:
// the organisation identifiers, postcodes and beneficiary locations of
// programmes and projects, the warnings on grants, and the answers of the
// exports when there is nothing in them. Names contain "Giving" or "Export".

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/export/givingtest"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestExportEmptyGivingAndCSV: a programme with no grants downloads a grants
// CSV of just its header row, and its 360Giving package is 404: the
// standard needs at least one grant.
func TestExportEmptyGivingAndCSV(t *testing.T) {
	a := exNew(t)
	p, _ := a.Create(t, uAdmin, "/programmes", map[string]any{"name": "New network", "leadOrganisation": "Trust",
		"startDate": "2025-01-01", "endDate": "2026-12-31"})
	a.PutMember(t, p, uLead, testkit.RoleLead())
	for _, as := range []string{uAdmin, uLead} {
		r := a.Want(t, http.StatusOK, testkit.Request("GET", "/programmes/"+p+"/grants.csv", as, nil))
		exCSV(t, r, "new-network-grants.csv")
		if string(r.Body) != "\ufeff"+exGrantsHeader {
			t.Errorf("%s: empty grants CSV %q, want just the header row", as, r.Body)
		}
		r, _ = a.Send(testkit.Request("GET", "/programmes/"+p+"/grants/360giving", as, nil))
		e := testkit.WantErr(t, r, http.StatusNotFound, "not_found")
		if !strings.Contains(e.Message, "nothing to publish yet") || !strings.Contains(e.Message, "at least one grant") {
			t.Errorf("%s: 360Giving with no grants says %q, want that there is nothing to publish yet", as, e.Message)
		}
	}
}

// TestGivingOrganisationFields: programmes and projects take an orgId, a
// postcode and beneficiary locations, stored and shown; bad ones are 400
// naming the field.
func TestGivingOrganisationFields(t *testing.T) {
	a := exNew(t)
	locations := []map[string]any{{"geoCode": "E06000016", "name": "Leicester"}, {"geoCode": "E10000018", "name": "Leicestershire"}}
	prog := map[string]any{"name": "Working for Wellness", "leadOrganisation": "Leicestershire Partnership NHS Trust",
		"startDate": "2009-10-01", "endDate": "2012-03-31", "orgId": "GB-NHS-RT5", "postcode": "le3 8ra", "beneficiaryLocations": locations}
	p, created := a.Create(t, uAdmin, "/programmes", prog)
	type shown struct {
		OrgID                string           `json:"orgId"`
		Postcode             string           `json:"postcode"`
		BeneficiaryLocations []map[string]any `json:"beneficiaryLocations"`
	}
	check := func(what string, r testkit.Resp, orgID string) {
		t.Helper()
		var s shown
		if err := json.Unmarshal(r.Body, &s); err != nil {
			t.Fatal(err)
		}
		if s.OrgID != orgID || s.Postcode != "LE3 8RA" || len(s.BeneficiaryLocations) != 2 ||
			s.BeneficiaryLocations[1]["geoCode"] != "E10000018" || s.BeneficiaryLocations[1]["name"] != "Leicestershire" {
			t.Errorf("%s: %+v", what, s)
		}
	}
	check("programme as created", created, "GB-NHS-RT5")
	check("programme as read", a.Want(t, http.StatusOK, testkit.Request("GET", "/programmes/"+p, uAdmin, nil)), "GB-NHS-RT5")
	pp := "/programmes/" + p
	project := map[string]any{"name": "Aspiro internships", "leadOrganisation": "Aspiro", "startDate": "2010-10-01",
		"endDate": "2012-12-31", "orgId": "GB-COH-07444723", "postcode": "LE3 8RA", "beneficiaryLocations": locations}
	prj, createdPrj := a.Create(t, uAdmin, pp+"/projects", project)
	check("project as created", createdPrj, "GB-COH-07444723")
	check("project as read", a.Want(t, http.StatusOK, testkit.Request("GET", pp+"/projects/"+prj, uAdmin, nil)), "GB-COH-07444723")
	// SPEC: GB-CHC- 6 to 8 digits; an 8-digit number was refused (audit-web D1).
	a.Create(t, uAdmin, pp+"/funders", map[string]any{"name": "Eight-digit charity", "orgId": "GB-CHC-12345678", "contacts": []string{"g@example.org"}})
	r8, _ := a.Send(testkit.Request("POST", pp+"/funders", uAdmin, map[string]any{"name": "Nine", "orgId": "GB-CHC-123456789", "contacts": []string{"g@example.org"}}))
	if e := testkit.WantFields(t, r8, "orgId"); !strings.Contains(e.Fields["orgId"], "6 to 8 digits") {
		t.Errorf("GB-CHC-123456789: orgId says %q, want the 6 to 8 digits format", e.Fields["orgId"])
	}

	for _, tc := range []struct {
		path   string
		body   map[string]any
		fields []string
		says   string
	}{
		// The SPEC's old example: the register's keys are like D10.
		{pp + "/funders", map[string]any{"name": "DWP", "orgId": "GB-GOR-DWP", "contacts": []string{"g@dwp.example.org"}},
			[]string{"orgId"}, "D10"},
		{"/programmes", testkit.Merge(prog, map[string]any{"orgId": "GB-CHC-12"}), []string{"orgId"}, "6 to 8 digits"},
		// In the format, but no register entry (audit-portfolio N4).
		{pp + "/funders", map[string]any{"name": "Zero Ltd", "orgId": "GB-COH-00000000", "contacts": []string{"g@example.org"}},
			[]string{"orgId"}, "the digits not all 0"},
		{pp + "/funders", map[string]any{"name": "Zero charity", "orgId": "GB-CHC-012345", "contacts": []string{"g@example.org"}},
			[]string{"orgId"}, "not starting with 0"},
		{pp + "/projects", testkit.Merge(project, map[string]any{"orgId": "GB-CHARITY-1090095"}), []string{"orgId"}, "not a register on org-id.guide"},
		{pp + "/projects", testkit.Merge(project, map[string]any{"orgId": "360G-ftk-org-1"}), []string{"orgId"}, "360G"},
		{pp + "/projects", testkit.Merge(project, map[string]any{"postcode": "LE3"}), []string{"postcode"}, "UK postcode"},
		{pp + "/projects", testkit.Merge(project, map[string]any{"beneficiaryLocations": []map[string]any{{"geoCode": "Leicester", "name": "Leicester"}}}),
			[]string{"beneficiaryLocations[0].geoCode"}, "ONS geography code"},
		{pp + "/projects", testkit.Merge(project, map[string]any{"beneficiaryLocations": []map[string]any{{"geoCode": "E06000016"}}}),
			[]string{"beneficiaryLocations[0].name"}, "required"},
	} {
		r, _ := a.Send(testkit.Request("POST", tc.path, uAdmin, tc.body))
		e := testkit.WantFields(t, r, tc.fields...)
		if !strings.Contains(e.Fields[tc.fields[0]], tc.says) {
			t.Errorf("POST %s: %s says %q, want it to mention %q", tc.path, tc.fields[0], e.Fields[tc.fields[0]], tc.says)
		}
	}
}

// TestGivingGrantWarnings: a grant the 360Giving Data Quality Tool would
// flag is stored, and the answer says what to fix; nothing of it is stored.
func TestGivingGrantWarnings(t *testing.T) {
	a := exNew(t)
	w := exSetup(t, a)
	type answer struct {
		ID       string `json:"id"`
		Warnings []struct {
			Field   string `json:"field"`
			Message string `json:"message"`
		} `json:"warnings"`
	}
	fields := func(r testkit.Resp) []string {
		var v answer
		if err := json.Unmarshal(r.Body, &v); err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, x := range v.Warnings {
			if x.Message == "" {
				t.Errorf("warning on %s without a message", x.Field)
			}
			out = append(out, x.Field)
		}
		return out
	}
	clean := map[string]any{"funderId": w.X, "title": "Job coaching", "description": "Two coaches for a year",
		"amountPence": 5_000_000, "currency": "GBP", "awardDate": "2025-01-15", "startDate": "2025-02-01", "endDate": "2026-01-31"}
	id, r := a.Create(t, uLead, w.pp("/grants"), clean)
	if strings.Contains(string(r.Body), "warnings") {
		t.Errorf("a clean grant's answer has warnings: %s", r.Body)
	}
	long := strings.Repeat("Individual Placement and Support ", 5) // 165 characters
	flagged := testkit.Merge(clean, map[string]any{"title": long, "description": long, "awardDate": "2099-01-01", "endDate": "2099-12-31"})
	fid, r := a.Create(t, uLead, w.pp("/grants"), flagged)
	if got := fields(r); !slices.Equal(got, []string{"title", "awardDate", "description"}) {
		t.Errorf("warnings on %v, want title, awardDate, description", got)
	}
	// Stored as given, and reads carry no warnings.
	read := a.Want(t, http.StatusOK, testkit.Request("GET", w.pp("/grants/"+fid), uLead, nil))
	if strings.Contains(string(read.Body), "warnings") || !strings.Contains(string(read.Body), `"awardDate":"2099-01-01"`) {
		t.Errorf("the grant as read: %s", read.Body)
	}
	if list := a.Want(t, http.StatusOK, testkit.Request("GET", w.pp("/grants"), uLead, nil)); strings.Contains(string(list.Body), "warnings") {
		t.Errorf("the grant list carries warnings: %s", list.Body)
	}
	// A change that repeats the title in the description is warned about too.
	etag := a.Want(t, http.StatusOK, testkit.Request("GET", w.pp("/grants/"+id), uLead, nil)).Header.Get("ETag")
	r = a.Want(t, http.StatusOK, testkit.Request("PATCH", w.pp("/grants/"+id), uLead, map[string]any{"description": "Job coaching"}, "If-Match", etag))
	if got := fields(r); !slices.Equal(got, []string{"description"}) {
		t.Errorf("PATCH warnings on %v, want description", got)
	}
	// A long title awarded already is published as it is, so the tool
	// notes it (the warning said so); the grant awarded in 2099 is left out
	// until then, so no award is post-dated. The package does not publish
	// the repeated description: it describes the grant from its record.
	a.Create(t, uLead, w.pp("/grants"), testkit.Merge(clean, map[string]any{"title": long}))
	pkg := a.Want(t, http.StatusOK, testkit.Request("GET", w.pp("/grants/360giving?funderId="+w.X), uLead, nil))
	var doc map[string]any
	json.Unmarshal(pkg.Body, &doc)
	got := map[string]bool{}
	for _, n := range givingtest.QualityNotices(doc, time.Now()) {
		got[n.Check] = true
	}
	if !got["TitleLength"] || got["PostDatedAwardDates"] || got["TitleDescriptionSame"] {
		t.Errorf("the package's notices %v: want TitleLength (the warning was about it), not PostDatedAwardDates or TitleDescriptionSame", got)
	}
	if strings.Contains(string(pkg.Body), fid) {
		t.Errorf("the package publishes the grant awarded in 2099")
	}
}
