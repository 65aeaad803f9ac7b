package xlsx_test

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/sheet"
	"github.com/fundtrack/fundtrack/shared/sheet/xlsx"
)

// cellOf is the cell of row n, column col (from 1), or a zero cell.
func cellOf(t *testing.T, sh domain.Sheet, n, col int) domain.SheetCell {
	t.Helper()
	for _, r := range sh.Rows {
		if r.Number == n {
			if col <= len(r.Cells) {
				return r.Cells[col-1]
			}
			return domain.SheetCell{}
		}
	}
	t.Fatalf("no row %d in %+v", n, sh.Rows)
	return domain.SheetCell{}
}

// A formula a program wrote without calculating it has no value: it is
// a problem naming the cell, not an empty cell (which would import 0
// people). A formula with a saved result reads as that result, and one
// whose result is saved as empty text reads as empty.
func TestReadFormulaWithoutResult(t *testing.T) {
	data := withSheetXML(t, `<row r="1"><c r="A1" t="inlineStr"><is><t>Referrals</t></is></c></row>`+
		`<row r="2"><c r="A2"><f>SUM(4,5)</f></c><c r="B2"><f>1+2</f><v>3</v></c><c r="C2" t="str"><f>""</f><v></v></c><c r="D2"><f>SUM(4,5)</f><v/></c><c r="E2" t="str"><f>SUM(4,5)</f></c></row>`+
		`<row r="3"><c r="A3"><f>SUM(4,5)</f></c></row>`, "")
	sh, err := xlsx.Workbooks{}.Read(data)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []domain.SheetCell{cellOf(t, sh, 2, 1), cellOf(t, sh, 2, 4), cellOf(t, sh, 2, 5), cellOf(t, sh, 3, 1)} {
		if !strings.Contains(c.Problem, "formula with no saved result") || c.Text != "" {
			t.Errorf("a formula without a result: %+v", c)
		}
	}
	if c := cellOf(t, sh, 2, 2); c != (domain.SheetCell{Text: "3", Numeric: true}) {
		t.Errorf("a formula with its result: %+v", c)
	}
	if c := cellOf(t, sh, 2, 3); c != (domain.SheetCell{}) {
		t.Errorf("a formula whose result is empty text: %+v", c)
	}
}

// A boolean reads as Excel shows it, TRUE or FALSE, not as the number 1
// or 0 a count column would take for people.
func TestReadBoolean(t *testing.T) {
	data := workbook(t, func(f *excelize.File, s string) {
		set(t, f, s, "A1", "People into work")
		set(t, f, s, "A2", true)
		set(t, f, s, "B2", false)
	})
	sh, err := xlsx.Workbooks{}.Read(data)
	if err != nil {
		t.Fatal(err)
	}
	if a, b := cellOf(t, sh, 2, 1), cellOf(t, sh, 2, 2); a != (domain.SheetCell{Text: "TRUE"}) || b != (domain.SheetCell{Text: "FALSE"}) {
		t.Errorf("booleans read as %+v, %+v", a, b)
	}
}

// A merged range reads as Excel shows it: each of its cells holds the
// top-left cell's value, marked as a copy, within the rows read and the
// sheet's width; a row the range covers keeps its other cells.
func TestReadMergedCells(t *testing.T) {
	data := workbook(t, func(f *excelize.File, s string) {
		for i, h := range []string{"Project", "Period start", "Notes"} {
			c, _ := excelize.CoordinatesToCellName(i+1, 1)
			set(t, f, s, c, h)
		}
		set(t, f, s, "A2", "Bradford IPS")
		set(t, f, s, "B2", "2025-04-01")
		set(t, f, s, "B3", "2025-05-01")
		set(t, f, s, "B5", "2025-06-01")
		set(t, f, s, "C2", "a wide note")
		for _, m := range [][2]string{{"A2", "A5"}, {"C2", "F2"}} {
			if err := f.MergeCell(s, m[0], m[1]); err != nil {
				t.Fatal(err)
			}
		}
	})
	sh, err := xlsx.Workbooks{}.Read(data)
	if err != nil {
		t.Fatal(err)
	}
	copyOf := domain.SheetCell{Text: "Bradford IPS", Merged: true, MergedFrom: 2}
	if a2, a3, a5 := cellOf(t, sh, 2, 1), cellOf(t, sh, 3, 1), cellOf(t, sh, 5, 1); a2.Merged || a2.Text != "Bradford IPS" || a3 != copyOf || a5 != copyOf {
		t.Errorf("merged down: %+v %+v %+v", a2, a3, a5)
	}
	if b3 := cellOf(t, sh, 3, 2); b3.Text != "2025-05-01" {
		t.Errorf("a row's own cell: %+v", b3)
	}
	for _, r := range sh.Rows {
		if r.Number == 4 {
			t.Errorf("row 4 holds nothing of its own but was read: %+v", r)
		}
		if len(r.Cells) > 3 {
			t.Errorf("row %d filled past the sheet's width: %+v", r.Number, r.Cells)
		}
	}
}

// withSheetXML is a workbook whose first sheet holds rows (and merged
// ranges, if not ""), as written by hand.
func withSheetXML(t *testing.T, rows, merges string) []byte {
	t.Helper()
	parts := goodParts(t)
	parts["xl/worksheets/sheet1.xml"] = []byte(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>` + rows + `</sheetData>` + merges + `</worksheet>`)
	return zipOf(t, parts)
}

// A range over a million cells (or ranges overlapping again and again, as
// no program writes) fills no more than the rows read, as wide as the
// widest: the memory a sheet of those rows would take anyway.
func TestReadMergedCellsBounded(t *testing.T) {
	var rows strings.Builder
	for n := 1; n <= 3000; n++ {
		fmt.Fprintf(&rows, `<row r="%d"><c r="A%d"><v>%d</v></c><c r="B%d"><v>1</v></c></row>`, n, n, n, n)
	}
	whole := `<mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>`
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	sh, err := xlsx.Workbooks{}.Read(withSheetXML(t, rows.String(), whole))
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	if len(sh.Rows) != 3000 || len(sh.Rows[2999].Cells) != 2 || sh.Rows[2999].Cells[0] != (domain.SheetCell{Text: "1", Numeric: true, Merged: true, MergedFrom: 1}) {
		t.Fatalf("%d rows, the last %+v", len(sh.Rows), sh.Rows[len(sh.Rows)-1])
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > 64<<20 {
		t.Errorf("reading allocated %d MiB", got>>20)
	}
	// Overlapping ranges, each over every row: refused once they would
	// fill more cells than the rows read hold.
	overlap := `<mergeCells>` + strings.Repeat(`<mergeCell ref="A1:B3000"/>`, sheet.MaxColumns+1) + `</mergeCells>`
	_, err = xlsx.Workbooks{}.Read(withSheetXML(t, rows.String(), overlap))
	if domain.ErrorCode(err) != domain.CodeValidation || !strings.Contains(err.Error(), "merged") {
		t.Errorf("overlapping ranges: %v", err)
	}
}

// TestDamagedWorkbookToldInOurWords: a workbook that is one but cannot be
// read is a problem with the file (400, the field "file", as every import
// refusal of a file), said in our own words with what to do: never the
// reader's own error text (an XML parser's, a cell reference's), which
// goes with the error for logs only (audit N1).
func TestDamagedWorkbookToldInOurWords(t *testing.T) {
	parts := goodParts(t)
	badName := bytes.Replace(parts["xl/workbook.xml"], []byte(`name="`), []byte(`name="a/b:`), 1)
	for name, c := range map[string]struct {
		data     []byte
		says     string
		internal string // the reader's own words, which must not be said
	}{
		"a cell reference no program writes": {withSheetXML(t, `<row r="1"><c r="A-5" t="inlineStr"><is><t>x</t></is></c></row>`, ""),
			"row 1 of its first sheet cannot be read: a cell reference in it is not valid; open it in Excel", "coordinates"},
		"a column past XFD": {withSheetXML(t, `<row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="ZZZZ2"><v>1</v></c></row>`, ""),
			"row 2 of its first sheet cannot be read: a cell reference in it is not valid", "16384"},
		"a row past Excel's last": {withSheetXML(t, `<row r="1048577"><c><v>1</v></c></row>`, ""),
			"its first sheet cannot be read: the workbook is damaged; open it in Excel", "maximum limit"},
		"its workbook part not XML": {withPart(t, "xl/workbook.xml", []byte("<workbook><sheets><sheet")),
			"the workbook is damaged and cannot be opened: open it in Excel and save it again as an Excel Workbook (.xlsx), or save it as CSV UTF-8", "XML"},
		"a sheet name Excel refuses": {withPart(t, "xl/workbook.xml", badName),
			"its first sheet cannot be read: its name is not one Excel allows", "can not contain"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := xlsx.Workbooks{}.Read(c.data)
			var de *domain.Error
			if !errors.As(err, &de) || de.Code != domain.CodeValidation || len(de.Fields) != 1 {
				t.Fatalf("%v, want a validation error naming the file", err)
			}
			if got := de.Fields["file"]; !strings.Contains(got, c.says) || strings.Contains(got, c.internal) {
				t.Errorf("file: %q, want it to say %q in our words, without %q", got, c.says, c.internal)
			}
			if de.Err == nil || !strings.Contains(err.Error(), c.internal) {
				t.Errorf("the cause is not kept for logs: %v", err)
			}
		})
	}
}

// Only a cell stored as a number is Numeric (audit W2): a text cell
// holding digits, shared ("s"), inline ("inlineStr") or a formula's text
// result ("str"), is text, as the same cell in a CSV file is. So a serial
// date typed or pasted as text is refused as a date the way CSV refuses
// it, while a real date (a number) is read; and a count stored as a
// number must be whole.
func TestReadTextHoldingANumberIsText(t *testing.T) {
	data := workbook(t, func(f *excelize.File, s string) {
		for i, h := range []string{"Project", "Period start", "Period end", "Referrals", "Job starts"} {
			c, _ := excelize.CoordinatesToCellName(i+1, 1)
			set(t, f, s, c, h)
		}
		set(t, f, s, "A2", "Bradford IPS")
		if err := f.SetCellStr(s, "B2", "45931"); err != nil { // text: a shared string
			t.Fatal(err)
		}
		if err := f.SetCellStr(s, "C2", "46022"); err != nil {
			t.Fatal(err)
		}
		set(t, f, s, "D2", 12)
		set(t, f, s, "E2", 12.5)
		set(t, f, s, "A3", "Bradford IPS")
		set(t, f, s, "B3", 45931) // a number: a real (serial) date
		set(t, f, s, "C3", 46022)
		set(t, f, s, "D3", 12)
	})
	sh, err := xlsx.Workbooks{}.Read(data)
	if err != nil {
		t.Fatal(err)
	}
	if b2, b3 := cellOf(t, sh, 2, 2), cellOf(t, sh, 3, 2); b2 != (domain.SheetCell{Text: "45931"}) || b3 != (domain.SheetCell{Text: "45931", Numeric: true}) {
		t.Errorf("text 45931 read as %+v, the number as %+v", b2, b3)
	}
	f := domain.ReadImport(sh, []domain.Project{{ID: "01hq3v7k8m9n0p1q2r3s4t5v6a", Name: "Bradford IPS"}})
	for _, field := range []string{"rows[2].periodStart", "rows[2].periodEnd"} {
		if msg := f.Problems[field]; !strings.Contains(msg, "must be a date such as 2025-04-01 or 01/04/2025") {
			t.Errorf("%s, text holding a serial: %q (all %v)", field, msg, f.Problems)
		}
	}
	if msg := f.Problems["rows[2].jobStarts"]; !strings.Contains(msg, "must be a whole number of people") {
		t.Errorf("a number cell holding 12.5: %q", msg)
	}
	if _, bad := f.Problems["rows[2].referrals"]; bad {
		t.Errorf("a number cell holding 12 refused: %v", f.Problems)
	}
	for field := range f.Problems {
		if strings.HasPrefix(field, "rows[3]") {
			t.Errorf("row 3 (real dates, a whole count) refused: %s %q", field, f.Problems[field])
		}
	}
	if len(f.Rows) != 2 || f.Rows[1].PeriodStart != domain.MustDate("2025-10-01") || f.Rows[1].PeriodEnd != domain.MustDate("2025-12-31") ||
		f.Rows[1].Counts[domain.MetricReferrals] != 12 {
		t.Errorf("row 3 read as %+v", f.Rows)
	}

	// Text of every kind: inline, a formula's text result; t="n" is a number.
	data = withSheetXML(t, `<row r="1"><c r="A1" t="inlineStr"><is><t>45931</t></is></c><c r="B1" t="str"><f>"4"&amp;"5931"</f><v>45931</v></c>`+
		`<c r="C1" t="n"><v>45931</v></c><c r="D1"><v>45931</v></c><c r="E1" t="e"><v>#N/A</v></c></row>`, "")
	if sh, err = (xlsx.Workbooks{}).Read(data); err != nil {
		t.Fatal(err)
	}
	for col, numeric := range []bool{false, false, true, true, false} {
		if c := cellOf(t, sh, 1, col+1); c.Numeric != numeric {
			t.Errorf("column %d: %+v, want Numeric %v", col+1, c, numeric)
		}
	}
}

// A workbook with a title above its header (audit N2) imports from the
// header, its rows keeping the sheet's numbers.
func TestReadTitleAboveTheHeader(t *testing.T) {
	data := workbook(t, func(f *excelize.File, s string) {
		set(t, f, s, "A1", "West Yorkshire IPS figures")
		for i, h := range []string{"Project", "Period start", "Period end", "Referrals"} {
			c, _ := excelize.CoordinatesToCellName(i+1, 3)
			set(t, f, s, c, h)
		}
		set(t, f, s, "A4", "Bradford IPS")
		set(t, f, s, "B4", 45748)
		set(t, f, s, "C4", "30/06/2025")
		set(t, f, s, "D4", 5)
	})
	sh, err := xlsx.Workbooks{}.Read(data)
	if err != nil {
		t.Fatal(err)
	}
	f := domain.ReadImport(sh, []domain.Project{{ID: "01hq3v7k8m9n0p1q2r3s4t5v6a", Name: "Bradford IPS"}})
	if len(f.Problems) != 0 || len(f.Rows) != 1 || f.Rows[0].Row != 4 || f.Rows[0].PeriodStart != domain.MustDate("2025-04-01") {
		t.Errorf("read %+v, problems %v", f.Rows, f.Problems)
	}
}
