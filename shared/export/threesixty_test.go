package export_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/fundtrack/fundtrack/shared/export"
)

// The 360Giving schemas as the README of ../shared/schemas describes them:
// the package schema refers to the grant schema by its 1.4.2 URL, while the
// grant schema's own $id says 1.4.3; both URLs are served from the local file.
const (
	givingPackageFile = "360-giving-package-schema.json"
	givingGrantFile   = "360-giving-schema.json"
	givingGrantRef    = "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.2/schema/360-giving-schema.json"
)

var giving struct {
	once   sync.Once
	schema *jsonschema.Schema
	err    error
}

// schemasDir is FUNDTRACK_SCHEMAS_DIR, else ../shared/schemas beside the
// repository (the folder holding go.mod).
func schemasDir(t *testing.T) string {
	t.Helper()
	if d := os.Getenv("FUNDTRACK_SCHEMAS_DIR"); d != "" {
		return d
	}
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "..", "shared", "schemas")
		}
		up := filepath.Dir(dir)
		if up == dir {
			t.Fatal("no go.mod above the test's folder")
		}
		dir = up
	}
}

// givingSchema compiles the 360Giving package schema, with the grant schema
// it refers to, once per run; it skips when the files are absent. Formats
// are asserted: the schema's dates are oneOf a date-time format and a
// YYYY-MM-DD pattern, which only tells them apart if format is checked.
func givingSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	dir := schemasDir(t)
	pkgPath, grantPath := filepath.Join(dir, givingPackageFile), filepath.Join(dir, givingGrantFile)
	for _, p := range []string{pkgPath, grantPath} {
		if _, err := os.Stat(p); err != nil {
			t.Skipf("360Giving schema not found at %s (set FUNDTRACK_SCHEMAS_DIR to the folder holding %s and %s): %v",
				p, givingPackageFile, givingGrantFile, err)
		}
	}
	giving.once.Do(func() { giving.schema, giving.err = compileGiving(pkgPath, grantPath) })
	if giving.err != nil {
		t.Fatalf("compile 360Giving schemas: %v", giving.err)
	}
	return giving.schema
}

func compileGiving(pkgPath, grantPath string) (*jsonschema.Schema, error) {
	load := func(path string) (map[string]any, error) {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		doc, err := jsonschema.UnmarshalJSON(f)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		m, _ := doc.(map[string]any)
		if d, _ := m["$schema"].(string); !strings.Contains(d, "2020-12") {
			return nil, fmt.Errorf("%s declares $schema %q, expected draft 2020-12: check the validator settings", path, d)
		}
		return m, nil
	}
	pkg, err := load(pkgPath)
	if err != nil {
		return nil, err
	}
	grant, err := load(grantPath)
	if err != nil {
		return nil, err
	}
	if ref := pkg["properties"].(map[string]any)["grants"].(map[string]any)["items"].(map[string]any)["$ref"]; ref != givingGrantRef {
		return nil, fmt.Errorf("%s refers to the grant schema as %v, expected %s", pkgPath, ref, givingGrantRef)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	if err := c.AddResource(givingGrantRef, grant); err != nil {
		return nil, err
	}
	if err := c.AddResource(pkgPath, pkg); err != nil {
		return nil, err
	}
	return c.Compile(pkgPath)
}

// validateGiving checks a package, as raw JSON, against the schemas.
func validateGiving(t *testing.T, raw []byte) error {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("package is not JSON: %v\n%s", err, raw)
	}
	return givingSchema(t).Validate(doc)
}

func givingJSON(t *testing.T, prefix string) []byte {
	t.Helper()
	raw, err := json.Marshal(export.Giving(fixtureSet(), prefix, time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC)))
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func TestGivingPackageIsValid(t *testing.T) {
	raw := givingJSON(t, "")
	if err := validateGiving(t, raw); err != nil {
		t.Fatalf("package fails the 360Giving schema: %v\n%s", err, raw)
	}
}

// TestGivingPackageContent pins the shape: identifiers, amounts in pounds,
// organisations and dates.
func TestGivingPackageContent(t *testing.T) {
	var pkg map[string]any
	if err := json.Unmarshal(givingJSON(t, "360G-ftk"), &pkg); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"version":     "1.4",
		"title":       "Working for Wellness: grants",
		"description": "Grants awarded to Working for Wellness, led by Leicestershire Partnership NHS Trust, exported from fundtrack.",
		"identifier":  "360G-ftk-programme-01jprog0000000000000000000",
		"issued":      "2025-06-01T09:00:00Z",
		"modified":    "2025-03-04T11:20:30Z",
		"publisher":   map[string]any{"name": "Leicestershire Partnership NHS Trust"},
		"grants": []any{
			map[string]any{
				"id": "360G-ftk-01jgrant100000000000000000", "title": "Employment specialists",
				"description": "Two IPS employment specialists", "currency": "GBP", "amountAwarded": 310000.0,
				"awardDate":             "2025-01-15",
				"plannedDates":          []any{map[string]any{"startDate": "2025-02-01", "endDate": "2026-01-31"}},
				"recipientOrganization": []any{map[string]any{"id": "360G-ftk-org-01jprojecta000000000000000", "name": "Bradford District Care NHS FT"}},
				"fundingOrganization":   []any{map[string]any{"id": "GB-GOR-D12", "name": "Department of Health"}},
				"grantProgramme":        []any{map[string]any{"code": "01jprog0000000000000000000", "title": "Working for Wellness"}},
				"dateModified":          "2025-03-04T10:20:30Z",
			},
			map[string]any{
				"id": "360G-ftk-01jgrant200000000000000000", "title": `=HYPERLINK("http://evil.example","£ click")`,
				"description": `=HYPERLINK("http://evil.example","£ click")`, "currency": "GBP", "amountAwarded": 12345.05,
				"awardDate":             "2025-02-28",
				"plannedDates":          []any{map[string]any{"startDate": "2025-03-01", "endDate": "2025-12-31"}},
				"recipientOrganization": []any{map[string]any{"id": "360G-ftk-org-01jprojectb000000000000000", "name": "Aspiro CIC"}},
				"fundingOrganization":   []any{map[string]any{"id": "360G-ftk-org-01jfundery0000000000000000", "name": "Local Trust, Bradford"}},
				"grantProgramme":        []any{map[string]any{"code": "01jprog0000000000000000000", "title": "Working for Wellness"}},
				"dateModified":          "2025-03-04T11:20:30Z",
			},
			map[string]any{
				"id": "360G-ftk-01jgrant300000000000000000", "title": "Network co-ordination",
				"description": "Programme-wide", "currency": "GBP", "amountAwarded": 300000.0,
				"awardDate":             "2025-01-15",
				"plannedDates":          []any{map[string]any{"startDate": "2025-01-01", "endDate": "2027-12-31"}},
				"recipientOrganization": []any{map[string]any{"id": "360G-ftk-org-01jprog0000000000000000000", "name": "Leicestershire Partnership NHS Trust"}},
				"fundingOrganization":   []any{map[string]any{"id": "GB-GOR-D12", "name": "Department of Health"}},
				"grantProgramme":        []any{map[string]any{"code": "01jprog0000000000000000000", "title": "Working for Wellness"}},
				"dateModified":          "2025-03-04T10:20:30Z",
			},
		},
	}
	got, _ := json.MarshalIndent(pkg, "", " ")
	exp, _ := json.MarshalIndent(want, "", " ")
	if !bytes.Equal(got, exp) {
		t.Fatalf("package:\n%s\nwant:\n%s", got, exp)
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
	givingSchema(t) // skip early when the schemas are absent
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
		"planned dates not a list":      func(p, g map[string]any) { g["plannedDates"] = map[string]any{"startDate": "2025-01-01"} },
		"recipient and individual both": func(p, g map[string]any) { g["recipientIndividual"] = map[string]any{"id": "i", "name": "n"} },
	} {
		t.Run(name, func(t *testing.T) {
			var p map[string]any
			if err := json.Unmarshal(givingJSON(t, ""), &p); err != nil {
				t.Fatal(err)
			}
			breakIt(p, p["grants"].([]any)[0].(map[string]any))
			raw, _ := json.Marshal(p)
			if err := validateGiving(t, raw); err == nil {
				t.Fatalf("a package with %s passed the schema check:\n%s", name, raw)
			}
		})
	}
}
