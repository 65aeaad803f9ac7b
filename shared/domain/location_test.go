package domain_test

import (
	"strings"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
)

func TestCanonicalPostcode(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"LE3 8RA", "LE3 8RA"},
		{"le38ra", "LE3 8RA"},
		{" bd18  3la ", "BD18 3LA"},
		{"SW1A 1AA", "SW1A 1AA"},
		{"W1A 0AX", "W1A 0AX"},
		{"M1 1AE", "M1 1AE"},
		{"GIR 0AA", "GIR 0AA"},
		{"GIR 1AA", ""},
		{"LE3", ""},
		{"LE3 8R", ""},
		{"8RA LE3", ""},
		{"LE3-8RA", ""},
		{"E08000032", ""},
		{"", ""},
	} {
		got, ok := domain.CanonicalPostcode(tc.in)
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("CanonicalPostcode(%q) = %q, %v; want %q", tc.in, got, ok, tc.want)
		}
	}
}

func TestGeoCodeType(t *testing.T) {
	for code, want := range map[string]string{
		"E08000032": "MD",      // Bradford
		"E06000016": "UA",      // Leicester
		"E10000018": "CTY",     // Leicestershire
		"E07000171": "NMD",     // Bassetlaw
		"E12000004": "RGN/GOR", // East Midlands
		"E09000001": "LONB",    // City of London
		"S12000036": "CA",      // City of Edinburgh
		"W06000015": "UA",      // Cardiff
		"E05000026": "WD",
		"E54000009": "", // an STP/ICB: not a type 360Giving lists
		"E11000003": "", // a metropolitan county: not listed either
		"E0800003":  "",
		"X08000032": "",
		"e08000032": "",
	} {
		if got := domain.GeoCodeType(code); got != want {
			t.Errorf("GeoCodeType(%q) = %q, want %q", code, got, want)
		}
	}
}

func TestLocationFields(t *testing.T) {
	d := domain.MustDate
	base := domain.ProjectInput{Name: "IPS", LeadOrganisation: "Trust", StartDate: d("2020-01-01"), EndDate: d("2021-01-01")}
	ok := base
	ok.Postcode = "bd18 3la"
	ok.BeneficiaryLocations = []domain.Location{{GeoCode: "E08000032", Name: "Bradford"}}
	if err := ok.Validate(); err != nil {
		t.Fatalf("a good project was refused: %v", err)
	}
	bad := base
	bad.Postcode = "BD18"
	bad.BeneficiaryLocations = []domain.Location{
		{GeoCode: "E08000032", Name: "Bradford"},
		{GeoCode: "E08000032", Name: "Bradford again"},
		{GeoCode: "E54000009", Name: "South Yorkshire ICB"},
		{GeoCode: "", Name: "Leeds"},
		{GeoCode: "E08000035", Name: ""},
		{GeoCode: "E08000019", Name: "Sheffield\nand Rotherham"},
		{GeoCode: "E92000001", Name: "England"}, // no country in 360Giving's codelist (audit-portfolio N5)
		{GeoCode: "S92000003", Name: "Scotland"},
	}
	e, _ := bad.Validate().(*domain.Error)
	if e == nil {
		t.Fatal("bad locations were accepted")
	}
	for field, want := range map[string]string{
		"postcode":                        "UK postcode",
		"beneficiaryLocations[1].geoCode": "listed twice",
		"beneficiaryLocations[2].geoCode": "ONS geography code",
		"beneficiaryLocations[3].geoCode": "required",
		"beneficiaryLocations[4].name":    "required",
		"beneficiaryLocations[5].name":    "single line",
		"beneficiaryLocations[6].geoCode": "list its parts instead, such as England's 9 regions, like E12000004",
		"beneficiaryLocations[7].geoCode": "Scotland's 14 health boards",
	} {
		if !strings.Contains(e.Fields[field], want) {
			t.Errorf("%s: %q, want it to say %q (all: %v)", field, e.Fields[field], want, e.Fields)
		}
	}
	if _, named := e.Fields["beneficiaryLocations[0].geoCode"]; named {
		t.Errorf("the first, good location was named: %v", e.Fields)
	}
	// A postcode is one line of text like any other field: CanonicalPostcode
	// takes any Unicode space out, but a line break, a tab, a C1 control
	// (U+0085, next line) or an invisible character is not a space to type
	// in a postcode.
	for _, pc := range []string{"BD18\n3LA", "BD18\r3LA", "BD18\t3LA", "BD18\u00853LA", "BD18\u20283LA", "BD18\u200b3LA", "\ufeffBD183LA"} {
		in := base
		in.Postcode = pc
		if e, _ := in.Validate().(*domain.Error); e == nil || e.Fields["postcode"] == "" {
			t.Errorf("postcode %q: %v, want refused naming postcode", pc, e)
		}
	}
	nbsp := base
	nbsp.Postcode = "bd18\u00a03la"
	if err := nbsp.Validate(); err != nil {
		t.Errorf("postcode with a no-break space refused: %v", err)
	}
	many := base
	for i := 0; i <= domain.MaxLocations; i++ {
		many.BeneficiaryLocations = append(many.BeneficiaryLocations, domain.Location{GeoCode: "E0800" + strings.Repeat("0", 3) + string(rune('0'+i%10)), Name: "x"})
	}
	if e, _ := many.Validate().(*domain.Error); e == nil || !strings.Contains(e.Fields["beneficiaryLocations"], "at most") {
		t.Errorf("%d locations: %v, want refused", len(many.BeneficiaryLocations), e)
	}
}

func TestGrantWarnings(t *testing.T) {
	now := time.Date(2026, 12, 2, 23, 30, 0, 0, time.UTC)
	g := domain.Grant{Title: "Employment specialists", Description: "Two IPS employment specialists",
		AwardDate: domain.MustDate("2026-12-02")}
	if w := domain.GrantWarnings(g, now); len(w) != 0 {
		t.Errorf("a clean grant awarded today got warnings %v", w)
	}
	fields := func(ws []domain.Warning) string {
		var f []string
		for _, w := range ws {
			if w.Message == "" {
				t.Errorf("warning on %s has no message", w.Field)
			}
			f = append(f, w.Field)
		}
		return strings.Join(f, ",")
	}
	long := g
	long.Title = strings.Repeat("é", 141) // characters, not bytes
	if got := fields(domain.GrantWarnings(long, now)); got != "title" {
		t.Errorf("a 141-character title: warnings on %q, want title", got)
	}
	long.Title = strings.Repeat("é", 140)
	if got := fields(domain.GrantWarnings(long, now)); got != "" {
		t.Errorf("a 140-character title: warnings on %q, want none", got)
	}
	future := g
	future.AwardDate = domain.MustDate("2026-12-03")
	if got := fields(domain.GrantWarnings(future, now)); got != "awardDate" {
		t.Errorf("an award tomorrow: warnings on %q, want awardDate", got)
	}
	same := g
	same.Description = " Employment specialists "
	if got := fields(domain.GrantWarnings(same, now)); got != "description" {
		t.Errorf("a description equal to the title: warnings on %q, want description", got)
	}
	same.Description = ""
	if got := fields(domain.GrantWarnings(same, now)); got != "" {
		t.Errorf("no description: warnings on %q, want none", got)
	}
}
