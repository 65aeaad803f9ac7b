package xlsx_test

import (
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
// excelize write it), and the sheet read keeps its name and whether it is
// hidden, for messages about its header.
func TestReadDateCellAndSheetName(t *testing.T) {
	data := workbook(t, func(f *excelize.File, s string) {
		set(t, f, s, "A1", time.Date(2026, 3, 5, 0, 0, 0, 0, time.UTC))
		if err := f.SetSheetName(s, "Readme"); err != nil {
			t.Fatal(err)
		}
		figures, err := f.NewSheet("Figures")
		if err != nil {
			t.Fatal(err)
		}
		f.SetActiveSheet(figures) // Excel hides no active sheet
		if err := f.SetSheetVisible("Readme", false); err != nil {
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
	if sh.Name != "Readme" || !sh.Hidden {
		t.Errorf("sheet %q hidden %v, want Readme hidden", sh.Name, sh.Hidden)
	}
}
