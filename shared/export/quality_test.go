package export_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/export"
	"github.com/fundtrack/fundtrack/shared/export/givingtest"
)

// cleanGivingSet is givingSet with every organisation identified and placed:
// the data a lead can give, so that nothing avoidable is left.
func cleanGivingSet() export.GrantSet {
	s := givingSet()
	s.Funders[1].OrgID = "GB-CHC-1090095"
	s.Projects[1].OrgID, s.Projects[1].Postcode = "GB-COH-07444723", "LE1 1AA"
	s.Projects[1].BeneficiaryLocations = []domain.Location{{GeoCode: "E06000016", Name: "Leicester"}}
	return s
}

// funderPackage is the Department of Health's package of cleanGivingSet, as
// decoded JSON: two grants, one funder.
func funderPackage(t *testing.T) map[string]any {
	t.Helper()
	set, f, err := export.GivingFunder(cleanGivingSet(), "01jfunderx0000000000000000")
	if err != nil {
		t.Fatal(err)
	}
	return decode(t, givingJSON(t, set, givingConfig, &f))
}

func checks(ns []givingtest.Notice) []string {
	var out []string
	for _, n := range ns {
		if !slices.Contains(out, n.Check) {
			out = append(out, n.Check)
		}
	}
	return out
}

// TestQualityClean: the clean data raise no notice they could avoid; the
// only ones left are the recipients' missing charity or company numbers,
// which NHS trusts do not have.
func TestQualityClean(t *testing.T) {
	for name, pkg := range map[string]map[string]any{
		"one funder":      funderPackage(t),
		"whole programme": decode(t, givingJSON(t, cleanGivingSet(), givingConfig, nil)),
	} {
		ns := givingtest.QualityNotices(pkg, givingNow)
		if a := givingtest.Avoidable(ns); len(a) > 0 {
			t.Errorf("%s: avoidable notices %v", name, a)
		}
		for _, n := range ns {
			t.Logf("%s: inherent: %s: %s", name, n, n.Inherent())
		}
	}
	ns := givingtest.QualityNotices(funderPackage(t), givingNow)
	if got := checks(ns); !slices.Equal(got, []string{"NoRecipientOrgCompanyCharityNumber"}) || len(ns) != 2 {
		t.Errorf("the funder's package: %v, want NoRecipientOrgCompanyCharityNumber for its two NHS recipients", ns)
	}
	whole := givingtest.QualityNotices(decode(t, givingJSON(t, cleanGivingSet(), givingConfig, nil)), givingNow)
	if got := checks(whole); !slices.Contains(got, "MoreThanOneFundingOrg") || slices.Contains(got, "RecipientOrgCompanyNumber") {
		t.Errorf("the whole programme's package: %v", whole)
	}
}

// TestQualityChecksBite changes a clean package in one way for each check
// and requires that check to report it: every check can fail.
func TestQualityChecksBite(t *testing.T) {
	grant := func(p map[string]any, i int) map[string]any { return p["grants"].([]any)[i].(map[string]any) }
	first := func(g map[string]any, field string) map[string]any { return g[field].([]any)[0].(map[string]any) }
	tomorrow := givingNow.AddDate(0, 0, 1).Format(time.DateOnly)
	cases := map[string]func(p, g map[string]any){
		"ZeroAmountTest":                 func(p, g map[string]any) { g["amountAwarded"] = 0.0 },
		"FundingOrgUnrecognisedPrefix":   func(p, g map[string]any) { first(g, "fundingOrganization")["id"] = "XX-FOO-1" },
		"RecipientOrgUnrecognisedPrefix": func(p, g map[string]any) { first(g, "recipientOrganization")["id"] = "ACME-1" },
		"RecipientOrgCharityNumber":      func(p, g map[string]any) { first(g, "recipientOrganization")["charityNumber"] = "12345" },
		"RecipientOrgCompanyNumber":      func(p, g map[string]any) { first(g, "recipientOrganization")["companyNumber"] = "123" },
		"OrganizationIdLooksInvalid":     func(p, g map[string]any) { first(g, "recipientOrganization")["id"] = "GB-CHC-12345678" },
		"OrganizationIdUnexpectedChars":  func(p, g map[string]any) { first(g, "fundingOrganization")["id"] = "GB-GOR-D12\n" },
		"GrantIdUnexpectedChars":         func(p, g map[string]any) { g["id"] = "360G-ftk-1\n2" },
		"MoreThanOneFundingOrg": func(p, g map[string]any) {
			first(grant(p, 1), "fundingOrganization")["id"] = "GB-GOR-D10"
			first(grant(p, 1), "fundingOrganization")["name"] = "Department for Work and Pensions"
		},
		"LooksLikeEmail":                func(p, g map[string]any) { g["description"] = "Ask jo.bloggs@example.org for details" },
		"ImpossibleDates":               func(p, g map[string]any) { g["awardDate"] = "2025-02-30" },
		"PlannedStartDateBeforeEndDate": func(p, g map[string]any) { first(g, "plannedDates")["startDate"] = "2026-02-01" },
		"FarFuturePlannedDates":         func(p, g map[string]any) { first(g, "plannedDates")["endDate"] = "2038-01-01" },
		"FarPastDates":                  func(p, g map[string]any) { g["awardDate"] = "1999-12-31" },
		"PostDatedAwardDates":           func(p, g map[string]any) { g["awardDate"] = tomorrow },
		"MultiFundingNamesForOrgId": func(p, g map[string]any) {
			first(grant(p, 1), "fundingOrganization")["name"] = "Department of Health and Social Care"
		},
		"MultiFundingOrgIdsForName":          func(p, g map[string]any) { first(grant(p, 1), "fundingOrganization")["id"] = "GB-GOR-D10" },
		"RecipientOrg360GPrefix":             func(p, g map[string]any) { first(g, "recipientOrganization")["id"] = "360G-ftk-org-1" },
		"FundingOrg360GPrefix":               func(p, g map[string]any) { first(g, "fundingOrganization")["id"] = "360g-ftk-org-2" },
		"NoRecipientOrgCompanyCharityNumber": func(p, g map[string]any) { delete(first(grant(p, 0), "recipientOrganization"), "companyNumber") },
		"IncompleteRecipientOrg":             func(p, g map[string]any) { delete(first(g, "recipientOrganization"), "postalCode") },
		"NoGrantProgramme":                   func(p, g map[string]any) { delete(g, "grantProgramme") },
		"GrantProgrammeTitleNotPresent":      func(p, g map[string]any) { first(g, "grantProgramme")["title"] = "" },
		"NoBeneficiaryLocation":              func(p, g map[string]any) { g["beneficiaryLocation"] = []any{} },
		"BeneficiaryLocationNameNotPresent":  func(p, g map[string]any) { delete(first(g, "beneficiaryLocation"), "name") },
		"BeneficiaryLocationCountryCodeNotPresent": func(p, g map[string]any) {
			delete(first(g, "beneficiaryLocation"), "countryCode")
		},
		"BeneficiaryLocationGeoCodeNotPresent": func(p, g map[string]any) { delete(first(g, "beneficiaryLocation"), "geoCode") },
		"BeneficiaryLocationNameButNoCode":     func(p, g map[string]any) { delete(first(g, "beneficiaryLocation"), "geoCode") },
		"TitleDescriptionSame":                 func(p, g map[string]any) { g["description"] = g["title"] },
		"TitleLength":                          func(p, g map[string]any) { g["title"] = strings.Repeat("ŵ", 141) },
		"NoLastModified":                       func(p, g map[string]any) { delete(g, "dateModified") },
		"NoDataSource":                         func(p, g map[string]any) { g["dataSource"] = "" },
		"PlannedDurationNotPresent":            func(p, g map[string]any) { delete(first(g, "plannedDates"), "endDate") },
		"BeneficiaryButNotRecipientGeoData":    func(p, g map[string]any) { delete(first(g, "recipientOrganization"), "postalCode") },
		"RecipientGeoDataButNoBeneficiary": func(p, g map[string]any) {
			first(g, "recipientOrganization")["location"] = []any{map[string]any{"geoCode": "E08000032"}}
			delete(g, "beneficiaryLocation")
		},
	}
	for _, c := range givingtest.QualityChecks {
		if _, ok := cases[c]; !ok {
			t.Errorf("check %s has no case here", c)
		}
	}
	// The clean package's grant 1 (to a company) carries companyNumber; the
	// case for NoRecipientOrgCompanyCharityNumber removes it from grant 0 of
	// the whole programme's package, where that grant is the company's.
	base := func() map[string]any {
		raw, _ := json.Marshal(funderPackage(t))
		return decode(t, raw)
	}
	clean := map[string]bool{}
	for _, n := range givingtest.QualityNotices(base(), givingNow) {
		clean[n.Check+" "+n.Path] = true
	}
	for name, mutate := range cases {
		t.Run(name, func(t *testing.T) {
			p := base()
			if name == "NoRecipientOrgCompanyCharityNumber" {
				p = decode(t, givingJSON(t, cleanGivingSet(), givingConfig, nil))
				p["grants"] = []any{grant(p, 1)} // Aspiro's grant, to a company
				if givingtest.QualityNotices(p, givingNow) != nil {
					t.Fatalf("the company's grant is not clean: %v", givingtest.QualityNotices(p, givingNow))
				}
			}
			mutate(p, grant(p, 0))
			var fresh []string
			for _, n := range givingtest.QualityNotices(p, givingNow) {
				if !clean[n.Check+" "+n.Path] || name == "NoRecipientOrgCompanyCharityNumber" {
					fresh = append(fresh, n.Check)
				}
			}
			if !slices.Contains(fresh, name) {
				t.Errorf("the change raised %v, want %s", fresh, name)
			}
		})
	}
}

// TestQualityInherent: which notices no data could avoid.
func TestQualityInherent(t *testing.T) {
	for _, tc := range []struct {
		n        givingtest.Notice
		inherent bool
	}{
		{givingtest.Notice{Check: "NoRecipientOrgCompanyCharityNumber", Value: "GB-NHS-RT5"}, true},
		{givingtest.Notice{Check: "NoRecipientOrgCompanyCharityNumber", Value: "GB-GOR-D10"}, true},
		{givingtest.Notice{Check: "NoRecipientOrgCompanyCharityNumber", Value: "GB-SHPE-L0078"}, true},
		// A charity or company should carry its number; an unidentified or
		// foreign recipient could have been identified better.
		{givingtest.Notice{Check: "NoRecipientOrgCompanyCharityNumber", Value: "GB-CHC-1090095"}, false},
		{givingtest.Notice{Check: "NoRecipientOrgCompanyCharityNumber", Value: "360G-ftk-org-1"}, false},
		{givingtest.Notice{Check: "NoRecipientOrgCompanyCharityNumber", Value: "IE-CHY-20001234"}, false},
		{givingtest.Notice{Check: "MoreThanOneFundingOrg", Value: "GB-GOR-D10"}, true},
		{givingtest.Notice{Check: "RecipientOrg360GPrefix", Value: "360G-ftk-org-1"}, false},
		{givingtest.Notice{Check: "NoBeneficiaryLocation"}, false},
	} {
		if got := tc.n.Inherent() != ""; got != tc.inherent {
			t.Errorf("%s inherent = %v (%q), want %v", tc.n, got, tc.n.Inherent(), tc.inherent)
		}
	}
}

// TestQualityWhatFundtrackFixes: a grant recorded without a description or
// with one that repeats the title still publishes without
// TitleDescriptionSame, and nothing identified raises the 360G notices.
func TestQualityWhatFundtrackFixes(t *testing.T) {
	s := cleanGivingSet()
	s.Grants[0].Description = s.Grants[0].Title
	s.Grants[2].Description = ""
	ns := givingtest.QualityNotices(decode(t, givingJSON(t, s, givingConfig, nil)), givingNow)
	for _, n := range givingtest.Avoidable(ns) {
		t.Errorf("avoidable: %s", n)
	}
	// Without the lead organisations' details the package says so.
	got := checks(givingtest.QualityNotices(decode(t, givingJSON(t, fixtureSet(), export.GivingConfig{}, nil)), givingNow))
	for _, want := range []string{"RecipientOrg360GPrefix", "FundingOrg360GPrefix", "IncompleteRecipientOrg", "NoBeneficiaryLocation", "NoDataSource"} {
		if !slices.Contains(got, want) {
			t.Errorf("a package with nothing known raised %v, want %s among them", got, want)
		}
	}
}
