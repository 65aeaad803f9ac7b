package domain

import (
	"strings"
	"testing"
)

// A cell the reader could not read (a formula with no saved result) is
// reported under its column, in a count or a date column alike, never as
// an empty cell (0 people, or "required").
func TestReadImportReportsCellProblems(t *testing.T) {
	sh := sheetOf(
		[]string{"Project", "Period start", "Period end", "Referrals", "People into work"},
		[]string{"Bradford IPS", "", "2025-06-30", "", "2"},
	)
	const problem = "holds a formula with no saved result"
	sh.Rows[1].Cells[1] = SheetCell{Problem: problem}
	sh.Rows[1].Cells[3] = SheetCell{Problem: problem}
	f := ReadImport(sh, importProjects)
	for _, k := range []string{"rows[2].periodStart", "rows[2].referrals"} {
		if f.Problems[k] != problem {
			t.Errorf("%s: %q, want the reader's problem (all: %v)", k, f.Problems[k], f.Problems)
		}
	}
	if len(f.Problems) != 2 {
		t.Errorf("problems %v", f.Problems)
	}
}

// A merged range's copies in columns with no heading (a note merged
// across them, a heading merged over them) only widened a cell: they are
// not values without a heading, nor headings twice.
func TestReadImportIgnoresMergedCopiesWithoutAHeading(t *testing.T) {
	sh := sheetOf(
		[]string{"Project", "Period start", "Period end", "Referrals", "Notes", ""},
		[]string{"Bradford IPS", "2025-04-01", "2025-06-30", "1", "a wide note", ""},
		[]string{"", "2025-07-01", "2025-09-30", "2", "", "stray"},
	)
	sh.Rows[0].Cells[5] = SheetCell{Text: "Notes", Merged: true}
	sh.Rows[1].Cells[5] = SheetCell{Text: "a wide note", Merged: true}
	sh.Rows[2].Cells[0] = SheetCell{Text: "Bradford IPS", Merged: true}
	f := ReadImport(sh, importProjects)
	if len(f.Problems) != 1 || !strings.Contains(f.Problems["rows[3].F"], "no heading") {
		t.Fatalf("problems %v: want only row 3's own stray value", f.Problems)
	}
	if f.Rows[1].ProjectID != importProjects[0].ID || f.Rows[0].Notes != "a wide note" {
		t.Errorf("rows %+v", f.Rows)
	}
}

// A figure merged down over several rows is the user's one figure, not one
// per row: its copies are refused naming the top-left row, which keeps its
// figure (audit F2). An empty range merged over a figure column holds no
// figure, and a merged project's name is still filled.
func TestReadImportRefusesMergedFigures(t *testing.T) {
	sh := sheetOf(
		[]string{"Project", "Period start", "Period end", "People into work", "Referrals", "Notes"},
		[]string{"Bradford IPS", "2026-01-01", "2026-03-31", "2", "10", "half year"},
		[]string{"", "2026-04-01", "2026-06-30", "3", "", ""},
		[]string{"", "2026-07-01", "2026-09-30", "", "4", ""},
	)
	sh.Rows[2].Cells[0] = SheetCell{Text: "Bradford IPS", Merged: true, MergedFrom: 2}
	sh.Rows[3].Cells[0] = SheetCell{Text: "Bradford IPS", Merged: true, MergedFrom: 2}
	sh.Rows[2].Cells[4] = SheetCell{Text: "10", Numeric: true, Merged: true, MergedFrom: 2}
	sh.Rows[2].Cells[5] = SheetCell{Text: "half year", Merged: true, MergedFrom: 2}
	sh.Rows[3].Cells[3] = SheetCell{Merged: true, MergedFrom: 3} // an empty range
	f := ReadImport(sh, importProjects)
	want := "is part of a merged cell (from row 2): unmerge it and give each row its own figure"
	if len(f.Problems) != 1 || f.Problems["rows[3].referrals"] != want {
		t.Fatalf("problems %v, want rows[3].referrals: %q alone", f.Problems, want)
	}
	if len(f.Rows) != 3 || f.Rows[0].Counts[MetricReferrals] != 10 || f.Rows[2].ProjectID != importProjects[0].ID || f.Rows[1].Notes != "half year" {
		t.Errorf("rows %+v", f.Rows)
	}
}

// A period date merged over a project's rows would make them one period:
// the duplicate check refuses the second row, so no figure counts twice.
func TestReadImportMergedDateIsOnePeriod(t *testing.T) {
	sh := sheetOf(
		[]string{"Project", "Period start", "Period end", "Referrals"},
		[]string{"Bradford IPS", "2026-01-01", "2026-03-31", "2"},
		[]string{"Bradford IPS", "", "", "3"},
	)
	sh.Rows[2].Cells[1] = SheetCell{Text: "2026-01-01", Merged: true, MergedFrom: 2}
	sh.Rows[2].Cells[2] = SheetCell{Text: "2026-03-31", Merged: true, MergedFrom: 2}
	f := ReadImport(sh, importProjects)
	if !strings.Contains(f.Problems["rows[3].periodStart"], "row 2 already has this project and period") {
		t.Errorf("problems %v, want row 3 refused as row 2's period", f.Problems)
	}
}

// A figures cell formatted as a date, a time or a percentage is refused,
// naming its cell and what the user sees in it, whatever its number: a
// date pasted into a figures column is stored as its serial number of days
// (05/03/2026 is 46086, under the implausibility limit) and would count as
// people. A date column takes the same cell as the date it is; a plain
// number in a figures column counts as before.
func TestReadImportRefusesFormattedFigures(t *testing.T) {
	sh := sheetOf(
		[]string{"Project", "Period start", "Period end", "People into work", "Referrals", "Job starts", "Jobs sustained for 13 weeks"},
		[]string{"Bradford IPS", "", "2026-08-31", "", "4", "", "2"},
	)
	sh.Rows[1].Cells[1] = SheetCell{Text: "46235", Numeric: true, Format: FormatDate}
	sh.Rows[1].Cells[3] = SheetCell{Text: "46086", Numeric: true, Format: FormatDate}
	sh.Rows[1].Cells[5] = SheetCell{Text: "1", Numeric: true, Format: FormatPercent}
	sh.Rows[1].Cells[6] = SheetCell{Text: "0.5", Numeric: true, Format: FormatTime}
	f := ReadImport(sh, importProjects)
	want := map[string]string{
		"rows[2].peopleIntoWork":       "D2 is formatted as a date (05/03/2026), not a count",
		"rows[2].jobStarts":            "F2 is formatted as a percentage (100%), not a count",
		"rows[2].sustainedJobs13Weeks": "G2 is formatted as a time (12:00), not a count",
	}
	for k, w := range want {
		if !strings.HasPrefix(f.Problems[k], w) {
			t.Errorf("%s: %q, want %q…", k, f.Problems[k], w)
		}
	}
	if len(f.Problems) != len(want) || f.Err() == nil {
		t.Errorf("problems %v (the date column's date cell is a date)", f.Problems)
	}

	sh.Rows[1].Cells[3] = SheetCell{Text: "7", Numeric: true}
	sh.Rows[1].Cells[5] = SheetCell{Text: "8", Numeric: true} // as many job starts as people into work, at least
	sh.Rows[1].Cells[6] = SheetCell{}
	f = ReadImport(sh, importProjects)
	if len(f.Problems) != 0 || f.Rows[0].PeriodStart != MustDate("2026-08-01") || f.Rows[0].Counts[MetricPeopleIntoWork] != 7 {
		t.Errorf("plain numbers: %v %+v", f.Problems, f.Rows)
	}
}

// A header problem in a workbook names the sheet read, and says that
// hidden sheets before it were passed over: the figures may be on another
// tab. A CSV file has no sheet to name, and a sheet's name holding
// personal data is not quoted.
func TestReadImportHeaderProblemNamesTheSheet(t *testing.T) {
	sh := sheetOf([]string{"How to fill in this workbook"}, []string{"Bradford IPS"})
	sh.Name, sh.HiddenSheets = "Readme", []string{"Old copy"}
	f := ReadImport(sh, importProjects)
	for _, k := range []string{"rows[1].project", "rows[1].metrics"} {
		if !strings.Contains(f.Problems[k], "(fundtrack reads the workbook's first sheet shown, 'Readme'; hidden sheets are not read: move the figures' sheet first)") {
			t.Errorf("%s: %q", k, f.Problems[k])
		}
	}
	sh.HiddenSheets = nil
	if f = ReadImport(sh, importProjects); !strings.HasSuffix(f.Problems["rows[1].project"], "(fundtrack reads the workbook's first sheet, 'Readme': move the figures' sheet first)") {
		t.Errorf("visible: %q", f.Problems["rows[1].project"])
	}
	sh.Name = "Mr John Smith"
	if f = ReadImport(sh, importProjects); strings.Contains(f.Problems["rows[1].project"], "Smith") || !strings.Contains(f.Problems["rows[1].project"], "first sheet:") {
		t.Errorf("a name with personal data: %q", f.Problems["rows[1].project"])
	}
	sh.Name = ""
	if f = ReadImport(sh, importProjects); strings.Contains(f.Problems["rows[1].project"], "sheet") {
		t.Errorf("CSV: %q", f.Problems["rows[1].project"])
	}
	// A workbook of one sheet has no other the figures could be on (audit N2).
	sh.Name, sh.Sheets = "Sheet1", 1
	if f = ReadImport(sh, importProjects); strings.Contains(f.Problems["rows[1].project"], "sheet") {
		t.Errorf("the only sheet: %q", f.Problems["rows[1].project"])
	}
}

// What a workbook hides is named in the file's notes, never read: the
// hidden sheets before the one read, the hidden rows (in ranges) and the
// hidden columns, by their headings when fundtrack reads them (audit
// import2 D2). A hidden column fundtrack needs is named in the header's
// problem. A sheet's name holding personal data is not quoted.
func TestSheetNotesSayWhatWasHidden(t *testing.T) {
	sh := Sheet{Name: "Figures", Sheets: 3, HiddenSheets: []string{"Old copy", "Mr John Smith"},
		HiddenRows: []int{3, 4, 5, 9}, HiddenColumns: []HiddenColumn{{Index: 3, Reads: "referrals"}, {Index: 6}}}
	notes := map[string]string{}
	for _, w := range SheetNotes(sh) {
		notes[w.Field] = w.Message
	}
	for field, want := range map[string]string{
		"sheets":  "2 hidden sheets before it were not read: fundtrack read the first sheet shown, 'Figures'",
		"rows":    "rows 3 to 5 and 9 are hidden (by hand or by a filter) and were not read",
		"columns": "columns D (Referrals) and G are hidden and were not read",
	} {
		if !strings.HasPrefix(notes[field], want) {
			t.Errorf("%s: %q, want it to start %q", field, notes[field], want)
		}
	}
	if strings.Contains(notes["sheets"], "Smith") {
		t.Errorf("a hidden sheet's name holding personal data quoted: %q", notes["sheets"])
	}
	sh.HiddenSheets = []string{"Old copy"}
	if got := SheetNotes(sh)[0].Message; !strings.HasPrefix(got, "the hidden sheet 'Old copy' before it was not read") {
		t.Errorf("one hidden sheet: %q", got)
	}
	if len(SheetNotes(Sheet{Name: "Figures", Sheets: 1})) != 0 {
		t.Error("notes for a workbook hiding nothing")
	}

	hidden := sheetOf([]string{"Project", "Period end", "Referrals"}, []string{"Bradford IPS", "2025-06-30", "3"})
	hidden.HiddenColumns = []HiddenColumn{{Index: 1, Reads: ColPeriodStart}}
	f := ReadImport(hidden, importProjects)
	if got := f.Problems["rows[1].periodStart"]; !strings.Contains(got, "column B, headed Period start, is hidden") {
		t.Errorf("a hidden column needed: %q", got)
	}
}

// A totals row under the figures (a label such as "Total", no dates, the
// columns' sums) is passed over with a note, not refused as a project
// named "Total" with two dates missing (audit import2 N4); with dates it
// is a row like any other.
func TestReadImportPassesOverATotalsRow(t *testing.T) {
	sh := sheetOf([]string{"Project", "Period start", "Period end", "Referrals"},
		[]string{"Bradford IPS", "2025-04-01", "2025-04-30", "10"},
		[]string{"Bradford IPS", "2025-05-01", "2025-05-31", "12"},
		[]string{"Grand total:", "", "", "22"})
	f := ReadImport(sh, importProjects)
	if len(f.Problems) != 0 || len(f.Rows) != 2 || len(f.Notes) != 1 || f.Notes[0].Field != "rows[4].project" ||
		!strings.HasPrefix(f.Notes[0].Message, `looks like a totals row ("Grand total:", with no dates) and was not read`) {
		t.Errorf("problems %v, %d rows, notes %v", f.Problems, len(f.Rows), f.Notes)
	}
	sh.Rows[3].Cells[1].Text = "2025-06-01"
	if f = ReadImport(sh, importProjects); !strings.Contains(f.Problems["rows[4].project"], `no project named "Grand total:"`) {
		t.Errorf("a totals row with a date: %v", f.Problems)
	}
}

// A cell showing a spreadsheet's error (#REF!, #DIV/0!…) is refused
// saying its formula could not be worked out, not only that it is no
// whole number (audit import2 N5), in a figures column and a date column.
func TestReadImportNamesAFormulaError(t *testing.T) {
	sh := sheetOf([]string{"Project", "Period start", "Period end", "Referrals"},
		[]string{"Bradford IPS", "2025-04-01", "#N/A", "#REF!"},
		[]string{"Bradford IPS", "2025-05-01", "2025-05-31", "#DIV/0!"})
	f := ReadImport(sh, importProjects)
	for field, err := range map[string]string{"rows[2].referrals": "#REF!", "rows[2].periodEnd": "#N/A", "rows[3].referrals": "#DIV/0!"} {
		if want := "shows the error " + err + ", from a formula the spreadsheet could not work out"; !strings.HasPrefix(f.Problems[field], want) {
			t.Errorf("%s: %q, want %q", field, f.Problems[field], want)
		}
	}
}

// A project's name typed with a keyboard's quotes or dashes, or "&" for
// "and", names the project typed with typographic ones (audit import2
// N6); a name a letter or two off names none, but the problem suggests
// the nearest.
func TestReadImportFindsProjectsByLooserNames(t *testing.T) {
	projects := []Project{
		{ID: "01hq3v7k8m9n0p1q2r3s4t5v6a", Name: "Citizen’s Advice Sheffield"},
		{ID: "01hq3v7k8m9n0p1q2r3s4t5v6b", Name: "Sheffield Health and Social Care – IPS"},
		{ID: "01hq3v7k8m9n0p1q2r3s4t5v6c", Name: "Leeds IPS"},
	}
	sh := sheetOf([]string{"Project", "Period start", "Period end", "Referrals"},
		[]string{"Citizen's Advice Sheffield", "2025-04-01", "2025-04-30", "1"},
		[]string{"Sheffield Health & Social Care - IPS", "2025-04-01", "2025-04-30", "1"},
		[]string{"Citizens Advise Sheffield", "2025-05-01", "2025-05-31", "1"})
	f := ReadImport(sh, projects)
	if len(f.Rows) != 3 || f.Rows[0].ProjectID != projects[0].ID || f.Rows[1].ProjectID != projects[1].ID {
		t.Errorf("rows %+v", f.Rows)
	}
	if got := f.Problems["rows[4].project"]; got != `no project named "Citizens Advise Sheffield" in this programme: did you mean "Citizen’s Advice Sheffield"?` {
		t.Errorf("a name a letter or two off: %q", got)
	}
	if len(f.Problems) != 1 {
		t.Errorf("problems %v", f.Problems)
	}
}
