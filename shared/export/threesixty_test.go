package export_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/export"
	"github.com/fundtrack/fundtrack/shared/export/givingtest"
)

var givingNow = time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC)

// givingConfig is a deployment's 360Giving settings, as the environment
// would set them.
var givingConfig = export.GivingConfig{Prefix: "360G-ftk", PublisherName: "Open Data Services Co-operative",
	PublisherID: "GB-COH-09506232", DataSource: "https://data.example.org/360giving/wfw.json"}

// givingSet is fixtureSet with what 360Giving asks for: the lead
// organisations' identifiers and postcodes and where the people served
// live. Project B (Aspiro) has none of them, so its grant shows the
// fallbacks.
func givingSet() export.GrantSet {
	s := fixtureSet()
	s.Programme.Region = "East Midlands"
	s.Programme.OrgID = "GB-NHS-RT5"
	s.Programme.Postcode = "LE3 8RA"
	s.Programme.BeneficiaryLocations = []domain.Location{{GeoCode: "E12000004", Name: "East Midlands"}}
	s.Projects[0].OrgID = "GB-NHS-TAD"
	s.Projects[0].Postcode = "BD18 3LA"
	s.Projects[0].Area = "Bradford District"
	s.Projects[0].BeneficiaryLocations = []domain.Location{{GeoCode: "E08000032", Name: "Bradford"}}
	return s
}

func givingJSON(t *testing.T, s export.GrantSet, cfg export.GivingConfig, funder *domain.Funder) []byte {
	t.Helper()
	raw, err := json.Marshal(export.Giving(s, cfg, funder, givingNow))
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func decode(t *testing.T, raw []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestGivingPackageIsValid: with and without the deployment's settings and
// the lead organisations' details, whole-programme and one funder's
// packages all pass the official schema and add no field it lacks.
func TestGivingPackageIsValid(t *testing.T) {
	funder := givingSet().Funders[0]
	for name, raw := range map[string][]byte{
		"configured":       givingJSON(t, givingSet(), givingConfig, nil),
		"one funder":       givingJSON(t, givingSet(), givingConfig, &funder),
		"nothing known":    givingJSON(t, fixtureSet(), export.GivingConfig{}, nil),
		"funder, no orgId": givingJSON(t, fixtureSet(), export.GivingConfig{}, &fixtureSet().Funders[1]),
	} {
		if err := givingtest.Validate(t, raw); err != nil {
			t.Errorf("%s: package fails the 360Giving schema: %v\n%s", name, err, raw)
		}
		if extra := givingtest.UnknownFields(t, decode(t, raw)); len(extra) > 0 {
			t.Errorf("%s: fields the 360Giving schema lacks (CoVE reports them): %v", name, extra)
		}
	}
}

// TestGivingPackageContent pins the shape: identifiers, amounts in pounds,
// organisations with their numbers and postcodes, locations, dates, the
// publisher and the licence.
func TestGivingPackageContent(t *testing.T) {
	pkg := decode(t, givingJSON(t, givingSet(), givingConfig, nil))
	const src = "https://data.example.org/360giving/wfw.json"
	programme := []any{map[string]any{"code": "01jprog0000000000000000000", "title": "Working for Wellness"}}
	dh := []any{map[string]any{"id": "GB-GOR-D12", "name": "Department of Health"}}
	lpt := []any{map[string]any{"id": "GB-NHS-RT5", "name": "Leicestershire Partnership NHS Trust", "postalCode": "LE3 8RA"}}
	eastMidlands := []any{map[string]any{"name": "East Midlands", "geoCode": "E12000004", "geoCodeType": "RGN/GOR", "countryCode": "GB"}}
	want := map[string]any{
		"version":     "1.4",
		"title":       "Working for Wellness: grants",
		"description": "Grants awarded to Working for Wellness, led by Leicestershire Partnership NHS Trust, exported from fundtrack.",
		"identifier":  "360G-ftk-programme-01jprog0000000000000000000",
		"issued":      "2025-06-01T09:00:00Z",
		"modified":    "2025-03-04T11:20:30Z",
		"publisher":   map[string]any{"name": "Open Data Services Co-operative", "identifier": "GB-COH-09506232"},
		"license":     "https://creativecommons.org/licenses/by/4.0/",
		"grants": []any{
			map[string]any{
				"id": "360G-ftk-01jgrant100000000000000000", "title": "Employment specialists",
				"description": "Two IPS employment specialists", "currency": "GBP", "amountAwarded": 310000.0,
				"awardDate":    "2025-01-15",
				"plannedDates": []any{map[string]any{"startDate": "2025-02-01", "endDate": "2026-01-31"}},
				"recipientOrganization": []any{map[string]any{"id": "GB-NHS-TAD", "name": "Bradford District Care NHS FT",
					"postalCode": "BD18 3LA"}},
				"fundingOrganization": dh,
				"beneficiaryLocation": []any{map[string]any{"name": "Bradford", "geoCode": "E08000032", "geoCodeType": "MD", "countryCode": "GB"}},
				"grantProgramme":      programme,
				"dateModified":        "2025-03-04T10:20:30Z",
				"dataSource":          src,
			},
			map[string]any{
				// Aspiro has no orgId: the grant is still Aspiro's, under the
				// identifier fundtrack coins for it, never the programme lead's
				// identifier and postcode. It names no place, so the
				// programme's locations stand. It has no description either,
				// so one is made from the record.
				"id": "360G-ftk-01jgrant200000000000000000", "title": `=HYPERLINK("http://evil.example","£ click")`,
				"description": "Grant from Local Trust, Bradford to Aspiro CIC for Aspiro, part of the programme Working for Wellness.",
				"currency":    "GBP", "amountAwarded": 12345.05,
				"awardDate":             "2025-02-28",
				"plannedDates":          []any{map[string]any{"startDate": "2025-03-01", "endDate": "2025-12-31"}},
				"recipientOrganization": []any{map[string]any{"id": "360G-ftk-org-01jprojectb000000000000000", "name": "Aspiro CIC"}},
				"fundingOrganization":   []any{map[string]any{"id": "360G-ftk-org-01jfundery0000000000000000", "name": "Local Trust, Bradford"}},
				"beneficiaryLocation":   eastMidlands,
				"grantProgramme":        programme,
				"dateModified":          "2025-03-04T11:20:30Z",
				"dataSource":            src,
			},
			map[string]any{
				"id": "360G-ftk-01jgrant300000000000000000", "title": "Network co-ordination",
				"description": "Programme-wide", "currency": "GBP", "amountAwarded": 300000.0,
				"awardDate":             "2025-01-15",
				"plannedDates":          []any{map[string]any{"startDate": "2025-01-01", "endDate": "2027-12-31"}},
				"recipientOrganization": lpt,
				"fundingOrganization":   dh,
				"beneficiaryLocation":   eastMidlands,
				"grantProgramme":        programme,
				"dateModified":          "2025-03-04T10:20:30Z",
				"dataSource":            src,
			},
		},
	}
	got, _ := json.MarshalIndent(pkg, "", " ")
	exp, _ := json.MarshalIndent(want, "", " ")
	if !bytes.Equal(got, exp) {
		t.Fatalf("package:\n%s\nwant:\n%s", got, exp)
	}
}

// TestGivingRecipients: who a grant is shown as received by, and the
// numbers that go with the identifier.
func TestGivingRecipients(t *testing.T) {
	recipient := func(s export.GrantSet, grant int) map[string]any {
		pkg := decode(t, givingJSON(t, s, export.GivingConfig{}, nil))
		return pkg["grants"].([]any)[grant].(map[string]any)["recipientOrganization"].([]any)[0].(map[string]any)
	}
	// The project's own identifier wins, with the number it carries.
	s := givingSet()
	s.Projects[1].OrgID, s.Projects[1].Postcode = "GB-CHC-1090095", "LE1 1AA"
	if r := recipient(s, 1); r["id"] != "GB-CHC-1090095" || r["charityNumber"] != "1090095" || r["companyNumber"] != nil ||
		r["name"] != "Aspiro CIC" || r["postalCode"] != "LE1 1AA" {
		t.Errorf("a charity recipient: %v", r)
	}
	s.Projects[1].OrgID = "GB-COH-SC123456"
	if r := recipient(s, 1); r["companyNumber"] != "SC123456" || r["charityNumber"] != nil {
		t.Errorf("a company recipient: %v", r)
	}
	s.Projects[1].OrgID = "GB-SC-SC042386"
	if r := recipient(s, 1); r["charityNumber"] != "SC042386" {
		t.Errorf("a Scottish charity recipient: %v", r)
	}
	// A project without one is still the recipient of its grant, under a
	// coined identifier, though the programme has an orgId and postcode:
	// the programme's lead organisation did not receive it.
	s = givingSet()
	if r := recipient(s, 1); r["id"] != "360G-fundtrack-org-01jprojectb000000000000000" || r["name"] != "Aspiro CIC" || r["postalCode"] != nil {
		t.Errorf("a project without an orgId in a programme with one: %v, want the project's lead organisation", r)
	}
	s.Projects[1].Postcode = "LE1 1AA"
	if r := recipient(s, 1); r["postalCode"] != "LE1 1AA" {
		t.Errorf("a project's postcode without its orgId: %v", r)
	}
	// The programme's orgId is the recipient of its whole-programme grants.
	if r := recipient(s, 2); r["id"] != "GB-NHS-RT5" || r["postalCode"] != "LE3 8RA" {
		t.Errorf("a whole-programme grant: %v, want the programme's lead organisation", r)
	}
	// Neither the project nor the programme has one: coined identifiers.
	s = fixtureSet()
	if r := recipient(s, 1); r["id"] != "360G-fundtrack-org-01jprojectb000000000000000" || r["name"] != "Aspiro CIC" {
		t.Errorf("a recipient nobody identified: %v", r)
	}
	if r := recipient(s, 2); r["id"] != "360G-fundtrack-org-01jprog0000000000000000000" {
		t.Errorf("the programme, unidentified: %v", r)
	}
}

// TestGivingBeneficiaries: the project's locations, else its area named in
// words, else the programme's locations, else its region, else none.
func TestGivingBeneficiaries(t *testing.T) {
	locations := func(s export.GrantSet, grant int) []any {
		pkg := decode(t, givingJSON(t, s, export.GivingConfig{}, nil))
		l, _ := pkg["grants"].([]any)[grant].(map[string]any)["beneficiaryLocation"].([]any)
		return l
	}
	s := givingSet()
	s.Projects[0].BeneficiaryLocations = append(s.Projects[0].BeneficiaryLocations, domain.Location{GeoCode: "E07000163", Name: "Craven"})
	if l := locations(s, 0); len(l) != 2 || l[1].(map[string]any)["geoCodeType"] != "NMD" {
		t.Errorf("two project locations: %v", l)
	}
	// A project that names its area in words is placed there, not in the
	// programme's region (which may be another country).
	s.Projects[0].BeneficiaryLocations = nil
	if l := locations(s, 0); len(l) != 1 || l[0].(map[string]any)["name"] != "Bradford District" || l[0].(map[string]any)["geoCode"] != nil {
		t.Errorf("project with an area but no locations: %v, want the project's area by name", l)
	}
	s.Projects[0].Area = ""
	if l := locations(s, 0); len(l) != 1 || l[0].(map[string]any)["geoCode"] != "E12000004" {
		t.Errorf("project naming no place: %v, want the programme's", l)
	}
	s.Programme.BeneficiaryLocations = nil
	if l := locations(s, 0); len(l) != 1 || l[0].(map[string]any)["name"] != "East Midlands" {
		t.Errorf("no codes anywhere: %v, want the programme's region by name", l)
	}
	if l := locations(fixtureSet(), 2); l != nil {
		t.Errorf("nothing known: %v, want no beneficiary location", l)
	}
}

// TestGivingFunderPackage: ?funderId= gives that funder's grants only,
// published by it.
func TestGivingFunderPackage(t *testing.T) {
	s := givingSet()
	set, f, err := export.GivingFunder(s, "01jfunderx0000000000000000")
	if err != nil {
		t.Fatal(err)
	}
	pkg := decode(t, givingJSON(t, set, givingConfig, &f))
	var ids []string
	for _, g := range pkg["grants"].([]any) {
		ids = append(ids, g.(map[string]any)["id"].(string))
	}
	if !slices.Equal(ids, []string{"360G-ftk-01jgrant100000000000000000", "360G-ftk-01jgrant300000000000000000"}) {
		t.Errorf("the Department of Health's package holds %v", ids)
	}
	if p := pkg["publisher"].(map[string]any); p["name"] != "Department of Health" || p["identifier"] != "GB-GOR-D12" {
		t.Errorf("publisher %v, want the funder", p)
	}
	if pkg["identifier"] != "360G-ftk-programme-01jprog0000000000000000000-funder-01jfunderx0000000000000000" ||
		pkg["title"] != "Working for Wellness: grants from Department of Health" {
		t.Errorf("identifier %v, title %v", pkg["identifier"], pkg["title"])
	}
	for _, id := range []string{"01jnotafunder0000000000000", "not an id", ""} {
		if _, _, err := export.GivingFunder(s, id); domain.ErrorCode(err) != domain.CodeNotFound {
			t.Errorf("GivingFunder(%q): %v, want not found", id, err)
		}
	}
}

// TestGivingSelection: a set of only the grants the caller may read is not
// published as the programme's package: its identifier and title say it
// is a selection, and which.
func TestGivingSelection(t *testing.T) {
	if got := export.GrantSelection([]string{"f2", "f1"}, []string{"p1"}); got != "funders-f1-f2-projects-p1" {
		t.Errorf("GrantSelection: %q", got)
	}
	s := givingSet()
	s.Selection = export.GrantSelection([]string{"01jfunderx0000000000000000"}, nil)
	pkg := decode(t, givingJSON(t, s, givingConfig, nil))
	if pkg["identifier"] != "360G-ftk-programme-01jprog0000000000000000000-selection-funders-01jfunderx0000000000000000" ||
		pkg["title"] != "Working for Wellness: selected grants" || !strings.Contains(pkg["description"].(string), "not every grant of the programme") {
		t.Errorf("a selection: identifier %v, title %v, description %v", pkg["identifier"], pkg["title"], pkg["description"])
	}
	if err := givingtest.Validate(t, givingJSON(t, s, givingConfig, nil)); err != nil {
		t.Errorf("a selection fails the schema: %v", err)
	}
	f := s.Funders[0]
	if pkg := decode(t, givingJSON(t, s, givingConfig, &f)); pkg["identifier"] != "360G-ftk-programme-01jprog0000000000000000000-funder-01jfunderx0000000000000000" {
		t.Errorf("a funder's package of a selection: %v", pkg["identifier"])
	}
}

// TestGivingSelectionPublisher: a selection is published by whose grants
// they are, and saved under a name of its own: a funder's (acting for it
// alone) by the funder, as its funderId package is; a project lead's by
// its project's lead organisation; anyone else's as the programme's
// package is. No selection's file is named as the whole programme's or a
// funder's package. Each validates against the schema.
func TestGivingSelectionPublisher(t *testing.T) {
	const fx, fy, ja = "01jfunderx0000000000000000", "01jfundery0000000000000000", "01jprojecta000000000000000"
	whole, err := export.GivingFile(givingSet(), givingConfig, "", givingNow)
	if err != nil {
		t.Fatal(err)
	}
	funderFile, err := export.GivingFile(givingSet(), givingConfig, fx, givingNow)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name               string
		funders, projects  []string
		wantName, wantID   string
		wantFile           string
		configuredFallback bool
	}{
		{"a funder's", []string{fx}, nil, "Department of Health", "GB-GOR-D12",
			"working-for-wellness-department-of-health-selected-grants-360giving.json", false},
		{"a funder's without an org-id", []string{fy}, nil, "Local Trust, Bradford", "",
			"working-for-wellness-local-trust-bradford-selected-grants-360giving.json", false},
		{"a project lead's", nil, []string{ja}, "Bradford District Care NHS FT", "GB-NHS-TAD",
			"working-for-wellness-ips-bradford-selected-grants-360giving.json", false},
		{"two funders'", []string{fx, fy}, nil, "Leicestershire Partnership NHS Trust", "GB-NHS-RT5",
			"working-for-wellness-selected-grants-360giving.json", false},
		{"a funder's who also leads a project", []string{fx}, []string{ja}, "Leicestershire Partnership NHS Trust", "GB-NHS-RT5",
			"working-for-wellness-selected-grants-360giving.json", false},
		{"two funders', with a configured publisher", []string{fx, fy}, nil, "Network Publisher", "GB-CHC-1090095",
			"working-for-wellness-selected-grants-360giving.json", true},
		{"a funder's, with a configured publisher", []string{fx}, nil, "Department of Health", "GB-GOR-D12",
			"working-for-wellness-department-of-health-selected-grants-360giving.json", true},
	} {
		s := givingSet()
		s.SelectedFunders, s.SelectedProjects = tc.funders, tc.projects
		s.Selection = export.GrantSelection(tc.funders, tc.projects)
		cfg := givingConfig
		cfg.PublisherName, cfg.PublisherID = "", ""
		if tc.configuredFallback {
			cfg.PublisherName, cfg.PublisherID = "Network Publisher", "GB-CHC-1090095"
		}
		f, err := export.GivingFile(s, cfg, "", givingNow)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		pkg := decode(t, f.Body)
		pub := pkg["publisher"].(map[string]any)
		if id, _ := pub["identifier"].(string); pub["name"] != tc.wantName || id != tc.wantID {
			t.Errorf("%s selection: publisher %v, want %s (%s)", tc.name, pub, tc.wantName, tc.wantID)
		}
		if f.Name != tc.wantFile || f.Name == whole.Name || f.Name == funderFile.Name {
			t.Errorf("%s selection: file %q, want %q (the programme's is %q, the funder's %q)", tc.name, f.Name, tc.wantFile, whole.Name, funderFile.Name)
		}
		if err := givingtest.Validate(t, f.Body); err != nil {
			t.Errorf("%s selection fails the schema: %v", tc.name, err)
		}
	}
}

// TestGivingFileNothingToPublish: the standard needs a grant, so an empty
// package is not found, saying why.
func TestGivingFileNothingToPublish(t *testing.T) {
	empty := givingSet()
	empty.Grants, empty.Funders, empty.Projects = nil, nil, nil
	_, err := export.GivingFile(empty, givingConfig, "", givingNow)
	e, _ := err.(*domain.Error)
	if e == nil || e.Code != domain.CodeNotFound || !strings.Contains(e.Message, "nothing to publish yet") {
		t.Errorf("no grants: %v, want not found saying there is nothing to publish yet", err)
	}
	if !errors.Is(err, export.ErrNothingToPublish) {
		t.Errorf("no grants: %v, want ErrNothingToPublish as its cause, for the pages to say why", err)
	}
	s := givingSet()
	s.Funders = append(s.Funders, domain.Funder{ID: "01jfunderz0000000000000000", Name: "Newcomer Fund"})
	_, err = export.GivingFile(s, givingConfig, "01jfunderz0000000000000000", givingNow)
	if e, _ := err.(*domain.Error); e == nil || e.Code != domain.CodeNotFound || !strings.Contains(e.Message, "no grants from Newcomer Fund") {
		t.Errorf("a funder with no grants: %v", err)
	}
	f, err := export.GivingFile(s, givingConfig, "01jfunderx0000000000000000", givingNow)
	if err != nil || f.Name != "working-for-wellness-department-of-health-grants-360giving.json" {
		t.Errorf("a funder's file: %q, %v", f.Name, err)
	}
}

// TestGivingFilePublishesFromTheAwardDate: a grant recorded ahead of its
// award date is left out of the package until that day (the Data Quality
// Tool notes a post-dated award, PostDatedAwardDates), and published on it;
// a package of such grants only is not found, saying why.
func TestGivingFilePublishesFromTheAwardDate(t *testing.T) {
	s := givingSet()
	s.Grants[0].AwardDate = domain.DateOf(givingNow).AddDays(1)
	grants := func(now time.Time) (ids []string, notices []givingtest.Notice) {
		t.Helper()
		f, err := export.GivingFile(s, givingConfig, "", now)
		if err != nil {
			t.Fatal(err)
		}
		pkg := decode(t, f.Body)
		for _, g := range pkg["grants"].([]any) {
			ids = append(ids, g.(map[string]any)["id"].(string))
		}
		for _, n := range givingtest.QualityNotices(pkg, now) {
			if n.Check == "PostDatedAwardDates" {
				notices = append(notices, n)
			}
		}
		return ids, notices
	}
	future := export.GivingGrantID(givingConfig.Prefix, s.Grants[0].ID)
	ids, notices := grants(givingNow)
	if slices.Contains(ids, future) || len(ids) != len(s.Grants)-1 || len(notices) != 0 {
		t.Errorf("the day before its award: %v, notices %v; want every grant but %s, no notice", ids, notices, future)
	}
	if ids, _ := grants(givingNow.Add(24 * time.Hour)); !slices.Contains(ids, future) || len(ids) != len(s.Grants) {
		t.Errorf("on its award date: %v, want every grant", ids)
	}
	s.Grants = s.Grants[:1]
	_, err := export.GivingFile(s, givingConfig, "", givingNow)
	if e, _ := err.(*domain.Error); e == nil || e.Code != domain.CodeNotFound || !strings.Contains(e.Message, "published from their award dates") {
		t.Errorf("only a grant not yet awarded: %v", err)
	}
}

func TestGivingConfigValidate(t *testing.T) {
	for _, c := range []export.GivingConfig{
		{},
		givingConfig,
		{Prefix: "ftk", License: "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"},
	} {
		if err := c.Validate(); err != nil {
			t.Errorf("%+v: %v", c, err)
		}
	}
	for want, c := range map[string]export.GivingConfig{
		"FUNDTRACK_360_PUBLISHER_ID":           {PublisherName: "DWP", PublisherID: "GB-GOR-DWP"},
		"without FUNDTRACK_360_PUBLISHER_NAME": {PublisherID: "GB-GOR-D10"},
		"FUNDTRACK_360_LICENSE":                {License: "CC-BY"},
		"FUNDTRACK_360_DATA_SOURCE":            {DataSource: "ftp://example.org/data"},
		"FUNDTRACK_360_PREFIX":                 {Prefix: "360G-a b"},
	} {
		if err := c.Validate(); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%+v: %v, want an error naming %s", c, err, want)
		}
	}
	if c := (export.GivingConfig{}).WithDataSource("https://api.example.org/x"); c.DataSource != "https://api.example.org/x" {
		t.Errorf("fallback data source not used: %q", c.DataSource)
	}
	if c := givingConfig.WithDataSource("https://api.example.org/x"); c.DataSource != givingConfig.DataSource {
		t.Errorf("the configured data source was replaced: %q", c.DataSource)
	}
}

func TestGivingPrefix(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", "fundtrack"},
		{"  ", "fundtrack"},
		{"ftk", "ftk"},
		{"360G-ftk", "ftk"},
		{"360g-ftk", "ftk"},
	} {
		if got := export.GivingPrefix(tc.in); got != tc.want {
			t.Errorf("GivingPrefix(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := export.GivingGrantID("", "01abc"); got != "360G-fundtrack-01abc" {
		t.Errorf("GivingGrantID = %q", got)
	}
}

// TestGivingSchemaCheckBites shows the validation would catch a broken
// package: each change below breaks one rule of the 360Giving schemas.
func TestGivingSchemaCheckBites(t *testing.T) {
	givingtest.Schema(t) // skip early when the schemas are absent
	for name, breakIt := range map[string]func(p map[string]any, g map[string]any){
		"no grants":                     func(p, g map[string]any) { p["grants"] = []any{} },
		"grant without id":              func(p, g map[string]any) { delete(g, "id") },
		"grant without description":     func(p, g map[string]any) { delete(g, "description") },
		"amount as text":                func(p, g map[string]any) { g["amountAwarded"] = "310000.00" },
		"amount with a pound sign":      func(p, g map[string]any) { g["amountAwarded"] = "£310000" },
		"unknown currency":              func(p, g map[string]any) { g["currency"] = "POUNDS" },
		"award date not a date":         func(p, g map[string]any) { g["awardDate"] = "15/01/2025" },
		"award date impossible month":   func(p, g map[string]any) { g["awardDate"] = "2025-13-01" },
		"no recipient":                  func(p, g map[string]any) { g["recipientOrganization"] = []any{} },
		"recipient without id":          func(p, g map[string]any) { g["recipientOrganization"] = []any{map[string]any{"name": "X"}} },
		"no funder":                     func(p, g map[string]any) { delete(g, "fundingOrganization") },
		"dateModified not a date-time":  func(p, g map[string]any) { g["dateModified"] = "2025-03-04" },
		"version not major.minor":       func(p, g map[string]any) { p["version"] = "1.4.3" },
		"publisher without name":        func(p, g map[string]any) { p["publisher"] = map[string]any{} },
		"licence not a URI":             func(p, g map[string]any) { p["license"] = "CC BY 4.0" },
		"data source not a URI":         func(p, g map[string]any) { g["dataSource"] = "our website" },
		"unknown country":               func(p, g map[string]any) { g["beneficiaryLocation"] = []any{map[string]any{"countryCode": "UK"}} },
		"planned dates not a list":      func(p, g map[string]any) { g["plannedDates"] = map[string]any{"startDate": "2025-01-01"} },
		"recipient and individual both": func(p, g map[string]any) { g["recipientIndividual"] = map[string]any{"id": "i", "name": "n"} },
	} {
		t.Run(name, func(t *testing.T) {
			p := decode(t, givingJSON(t, givingSet(), givingConfig, nil))
			breakIt(p, p["grants"].([]any)[0].(map[string]any))
			raw, _ := json.Marshal(p)
			if err := givingtest.Validate(t, raw); err == nil {
				t.Fatalf("a package with %s passed the schema check:\n%s", name, raw)
			}
		})
	}
	// And the unknown-field check finds one.
	p := decode(t, givingJSON(t, givingSet(), givingConfig, nil))
	p["publisher"].(map[string]any)["prefix"] = "360G-ftk"
	p["grants"].([]any)[0].(map[string]any)["recipientOrganization"].([]any)[0].(map[string]any)["orgId"] = "x"
	if got := givingtest.UnknownFields(t, p); !slices.Equal(got, []string{"/grants/0/recipientOrganization/0/orgId", "/publisher/prefix"}) {
		t.Errorf("unknown fields found: %v", got)
	}
}
