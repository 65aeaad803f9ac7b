package xlsx_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/sheet/xlsx"
)

// A number cell carries the kind of value its number format shows, from
// Excel's built-in formats and the workbook's own: a figures column must
// refuse a date (05/03/2026 is stored as 46086) or a percentage (100% is
// 1), whose number is not what the user sees. Quoted text, escaped
// characters and bracketed colours or currencies in a format say nothing
// of its kind. A text cell has no format kind, whatever its style.
func TestReadNumberFormats(t *testing.T) {
	custom := func(code string) *excelize.Style { return &excelize.Style{CustomNumFmt: &code} }
	cases := []struct {
		style *excelize.Style
		want  domain.CellFormat
	}{
		{nil, ""},
		{&excelize.Style{NumFmt: 1}, ""},            // 0
		{&excelize.Style{NumFmt: 3}, ""},            // #,##0
		{&excelize.Style{NumFmt: 14}, "date"},       // m/d/yyyy, shown in the locale's order
		{&excelize.Style{NumFmt: 17}, "date"},       // mmm-yy
		{&excelize.Style{NumFmt: 22}, "date"},       // m/d/yy h:mm
		{&excelize.Style{NumFmt: 20}, "time"},       // h:mm
		{&excelize.Style{NumFmt: 46}, "time"},       // [h]:mm:ss
		{&excelize.Style{NumFmt: 9}, "percentage"},  // 0%
		{&excelize.Style{NumFmt: 10}, "percentage"}, // 0.00%
		{custom("dd/mm/yyyy"), "date"},
		{custom("[$-809]dd mmmm yyyy;@"), "date"},
		{custom("ddd"), "date"},
		{custom("[h]:mm"), "time"},
		{custom("hh:mm:ss"), "time"},
		{custom("0.0%"), "percentage"},
		{custom(`0 "days"`), ""},
		{custom(`0\d`), ""},
		{custom(`[Red]#,##0;[Blue]-#,##0`), ""},
		{custom(`[$£-809]#,##0.00`), ""},
		{custom(`_-* #,##0_-;-* #,##0_-;_-* "-"_-;_-@_-`), ""},
		{custom("General"), ""},
	}
	data := workbook(t, func(f *excelize.File, s string) {
		for i, c := range cases {
			row := i + 1
			a, _ := excelize.CoordinatesToCellName(1, row)
			b, _ := excelize.CoordinatesToCellName(2, row)
			set(t, f, s, a, 46086)
			set(t, f, s, b, "a note")
			if c.style == nil {
				continue
			}
			id, err := f.NewStyle(c.style)
			if err != nil {
				t.Fatal(err)
			}
			if err := f.SetCellStyle(s, a, b, id); err != nil {
				t.Fatal(err)
			}
		}
	})
	sh, err := xlsx.Workbooks{}.Read(data)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range cases {
		got := cellOf(t, sh, i+1, 1)
		if got.Format != c.want || !got.Numeric || got.Text != "46086" {
			t.Errorf("case %d (%+v): read %+v, want format %q", i, c.style, got, c.want)
		}
		if text := cellOf(t, sh, i+1, 2); text.Format != "" || text.Numeric {
			t.Errorf("case %d: a text cell read %+v", i, text)
		}
	}
}

// A date typed into a workbook reads with its date format (as Excel and
// excelize write it), and the sheet read keeps its name, for messages
// about its header.
func TestReadDateCellAndSheetName(t *testing.T) {
	data := workbook(t, func(f *excelize.File, s string) {
		set(t, f, s, "A1", time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC))
		if err := f.SetSheetName(s, "Readme"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.NewSheet("Figures"); err != nil {
			t.Fatal(err)
		}
	})
	sh, err := xlsx.Workbooks{}.Read(data)
	if err != nil {
		t.Fatal(err)
	}
	if c := cellOf(t, sh, 1, 1); c.Format != domain.FormatDate || c.Text != "46086" {
		t.Errorf("a date cell read %+v", c)
	}
	if sh.Name != "Readme" || sh.Sheets != 2 || len(sh.HiddenSheets) != 0 {
		t.Errorf("sheet %q of %d, hidden before it %v, want Readme of 2, none hidden", sh.Name, sh.Sheets, sh.HiddenSheets)
	}
}

// What a workbook hides is not read (audit import2 D2): the first sheet
// read is the first one shown, hidden sheets before it (hidden or very
// hidden) named; a hidden row is left out and named; a hidden column's
// cells are left empty, the column named with the import column its
// heading names. A workbook whose every sheet is hidden is refused.
func TestReadSkipsWhatTheWorkbookHides(t *testing.T) {
	data := workbook(t, func(f *excelize.File, s string) {
		// The first sheet, hidden: an old copy with other figures.
		if err := f.SetSheetName(s, "Old copy"); err != nil {
			t.Fatal(err)
		}
		set(t, f, "Old copy", "A1", "Project")
		set(t, f, "Old copy", "A2", "Bradford IPS")
		if _, err := f.NewSheet("Lookups"); err != nil {
			t.Fatal(err)
		}
		figures, err := f.NewSheet("Figures")
		if err != nil {
			t.Fatal(err)
		}
		f.SetActiveSheet(figures) // Excel hides no active sheet
		for i, row := range [][]any{
			{"Project", "Period start", "Period end", "Referrals", "People into work"},
			{"Bradford IPS", "2025-04-01", "2025-06-30", 11, 2},
			{"Bradford IPS", "2025-07-01", "2025-09-30", 99, 9}, // hidden: a draft
			{"Bradford IPS", "2025-10-01", "2025-12-31", 12, 3},
		} {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			if err := f.SetSheetRow("Figures", cell, &row); err != nil {
				t.Fatal(err)
			}
		}
		if err := f.SetRowVisible("Figures", 3, false); err != nil {
			t.Fatal(err)
		}
		if err := f.SetColVisible("Figures", "D", false); err != nil {
			t.Fatal(err)
		}
		if err := f.SetSheetVisible("Old copy", false); err != nil {
			t.Fatal(err)
		}
		if err := f.SetSheetVisible("Lookups", false, true); err != nil { // very hidden
			t.Fatal(err)
		}
	})
	sh, err := xlsx.Workbooks{}.Read(data)
	if err != nil {
		t.Fatal(err)
	}
	if sh.Name != "Figures" || sh.Sheets != 3 || strings.Join(sh.HiddenSheets, "|") != "Old copy|Lookups" {
		t.Errorf("read %q of %d sheets, hidden before it %q; want Figures of 3, Old copy and Lookups hidden", sh.Name, sh.Sheets, sh.HiddenSheets)
	}
	var numbers []int
	for _, r := range sh.Rows {
		numbers = append(numbers, r.Number)
	}
	if fmt.Sprint(numbers) != "[1 2 4]" || fmt.Sprint(sh.HiddenRows) != "[3]" {
		t.Errorf("rows read %v, hidden %v; want 1, 2 and 4 read, 3 hidden", numbers, sh.HiddenRows)
	}
	for _, n := range []int{1, 2, 4} {
		if c := cellOf(t, sh, n, 4); c.Text != "" {
			t.Errorf("row %d's cell in the hidden column D read %+v", n, c)
		}
	}
	if c := cellOf(t, sh, 2, 5); c.Text != "2" {
		t.Errorf("E2 read %+v", c)
	}
	if fmt.Sprint(sh.HiddenColumns) != fmt.Sprint([]domain.HiddenColumn{{Index: 3, Reads: "referrals"}}) {
		t.Errorf("hidden columns %+v, want D, headed Referrals", sh.HiddenColumns)
	}

	parts := goodParts(t)
	parts["xl/workbook.xml"] = []byte(strings.Replace(string(parts["xl/workbook.xml"]), "<sheet ", `<sheet state="hidden" `, 1))
	all := zipOf(t, parts)
	if _, err := (xlsx.Workbooks{}).Read(all); err == nil || !strings.Contains(fmt.Sprint(err.(*domain.Error).Fields), "every sheet of the workbook is hidden") {
		t.Errorf("every sheet hidden: %v", err)
	}
}
