package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// cellsWorkbook is a workbook of Project A's figures for April and May
// 2025, its project merged down over both months (A2:A3) as people lay
// them out, with edit changing its cells before it is written.
func cellsWorkbook(t *testing.T, edit func(f *excelize.File, s string)) []byte {
	t.Helper()
	return workbook(t, func(f *excelize.File, s string) {
		rows := [][]any{
			{"Project", "Period start", "Period end", "People into work", "Referrals"},
			{"Project A", "2025-04-01", "2025-04-30", 3, 5},
			{nil, "2025-05-01", "2025-05-31", 4, 6},
		}
		for i, r := range rows {
			for j, v := range r {
				if v == nil {
					continue
				}
				c, _ := excelize.CoordinatesToCellName(j+1, i+1)
				if err := f.SetCellValue(s, c, v); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := f.MergeCell(s, "A2", "A3"); err != nil {
			t.Fatal(err)
		}
		if edit != nil {
			edit(f, s)
		}
	})
}

// Cells as Excel shows them: a row under a merged project cell is that
// project's; a formula without a saved result, or a TRUE in a count
// column, refuses the file naming the cell, nothing stored.
func TestImportReadsCellsAsExcelShowsThem(t *testing.T) {
	t.Parallel()
	h := newMemAPI(t)
	f := h.fixture(t)
	path := f.p1("/imports")

	before := h.Snapshot(t)
	for name, c := range map[string]struct {
		edit         func(f *excelize.File, s string)
		field, words string
	}{
		"formula without a result": {func(f *excelize.File, s string) {
			f.SetCellValue(s, "E3", nil) // the formula alone, as a program writes it
			if err := f.SetCellFormula(s, "E3", "SUM(4,5)"); err != nil {
				t.Fatal(err)
			}
		}, "rows[3].referrals", "formula with no saved result"},
		"formula without a result, in a date column": {func(f *excelize.File, s string) {
			f.SetCellValue(s, "B2", nil) // the formula alone, as a program writes it
			if err := f.SetCellFormula(s, "B2", "DATE(2025,4,1)"); err != nil {
				t.Fatal(err)
			}
		}, "rows[2].periodStart", "formula with no saved result"},
		"TRUE in a count column": {func(f *excelize.File, s string) {
			if err := f.SetCellValue(s, "D3", true); err != nil {
				t.Fatal(err)
			}
		}, "rows[3].peopleIntoWork", `not "TRUE"`},
	} {
		r := h.Want(t, http.StatusBadRequest, importReq(testkit.Lead, path, domain.MediaXLSX, cellsWorkbook(t, c.edit)))
		e := testkit.WantErr(t, r, http.StatusBadRequest, "validation_failed")
		if len(e.Fields) != 1 || !strings.Contains(e.Fields[c.field], c.words) {
			t.Errorf("%s: fields %v, want %s to say %q", name, e.Fields, c.field, c.words)
		}
	}
	testkit.SameSnapshot(t, "refused imports", before, h.Snapshot(t))

	res := testkit.Decode[domain.ImportResult](t, h.Want(t, http.StatusOK, importReq(testkit.Lead, path, domain.MediaXLSX, cellsWorkbook(t, nil))))
	if res.Rows != 2 || res.Created != 2 {
		t.Fatalf("import %+v", res)
	}
	o := testkit.Decode[domain.Outcome](t, h.Want(t, http.StatusOK, testkit.Request(http.MethodGet,
		f.p1("/projects/"+f.A+"/outcomes/"+res.Submissions[1]), testkit.Lead, nil)))
	if o.PeriodStart != domain.MustDate("2025-05-01") || o.Counts[domain.MetricReferrals] != 6 {
		t.Errorf("row 3, under the merged project: %+v", o)
	}
}

// A figure merged down over two months (E2:E3, one "5 referrals" cell as
// Excel shows it) is not 5 a month: the copy under the top-left cell is
// refused naming its row and the row it is merged from, nothing stored,
// where filling it would count the figure twice (audit F2). The project
// merged down over the same rows is still read.
func TestImportRefusesAMergedFigure(t *testing.T) {
	t.Parallel()
	h := newMemAPI(t)
	f := h.fixture(t)
	before := h.Snapshot(t)
	data := cellsWorkbook(t, func(f *excelize.File, s string) {
		f.SetCellValue(s, "E3", nil) // Excel keeps a merged range's value in its top-left cell only
		if err := f.MergeCell(s, "E2", "E3"); err != nil {
			t.Fatal(err)
		}
	})
	r := h.Want(t, http.StatusBadRequest, importReq(testkit.Lead, f.p1("/imports"), domain.MediaXLSX, data))
	e := testkit.WantErr(t, r, http.StatusBadRequest, "validation_failed")
	want := "is part of a merged cell (from row 2): unmerge it and give each row its own figure"
	if len(e.Fields) != 1 || e.Fields["rows[3].referrals"] != want {
		t.Errorf("fields %v, want rows[3].referrals: %q alone", e.Fields, want)
	}
	testkit.SameSnapshot(t, "a refused import", before, h.Snapshot(t))
}

// What a workbook hides is not imported (audit import2 D2): a hidden
// first sheet holding other figures, and a hidden row of the sheet shown,
// are passed over, the answer's warnings saying so; only the figures shown
// count.
func TestImportPassesOverWhatTheWorkbookHides(t *testing.T) {
	t.Parallel()
	h := newMemAPI(t)
	f := h.fixture(t)
	data := workbook(t, func(wb *excelize.File, s string) {
		if err := wb.SetSheetName(s, "Old"); err != nil {
			t.Fatal(err)
		}
		figures, err := wb.NewSheet("Figures")
		if err != nil {
			t.Fatal(err)
		}
		wb.SetActiveSheet(figures)
		for sheet, rows := range map[string][][]any{
			"Old": {{"Project", "Period start", "Period end", "Referrals", "People into work", "Notes"},
				{"Project A", "2025-04-01", "2025-04-30", 99, 9, "hidden old copy"}},
			"Figures": {{"Project", "Period start", "Period end", "Referrals", "People into work"},
				{"Project A", "2025-04-01", "2025-04-30", 11, 2},
				{"Project A", "2025-05-01", "2025-05-31", 50, 40}}, // hidden: a draft
		} {
			for i, r := range rows {
				cell, _ := excelize.CoordinatesToCellName(1, i+1)
				if err := wb.SetSheetRow(sheet, cell, &r); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := wb.SetRowVisible("Figures", 3, false); err != nil {
			t.Fatal(err)
		}
		if err := wb.SetSheetVisible("Old", false); err != nil {
			t.Fatal(err)
		}
	})
	res := testkit.Decode[domain.ImportResult](t, h.Want(t, http.StatusOK, importReq(testkit.Lead, f.p1("/imports"), domain.MediaXLSX, data)))
	if res.Rows != 1 || res.Created != 1 {
		t.Fatalf("import %+v, want the one row shown", res)
	}
	warned := map[string]string{}
	for _, w := range res.Warnings {
		warned[w.Field] = w.Message
	}
	if !strings.Contains(warned["sheets"], "the hidden sheet 'Old' before it was not read: fundtrack read the first sheet shown, 'Figures'") ||
		!strings.HasPrefix(warned["rows"], "row 3 is hidden") {
		t.Errorf("warnings %v", res.Warnings)
	}
	pr := testkit.Decode[domain.Progress](t, h.Want(t, http.StatusOK, testkit.Request(http.MethodGet, f.p1("/progress"), testkit.Lead, nil)))
	o := testkit.Decode[domain.Outcome](t, h.Want(t, http.StatusOK, testkit.Request(http.MethodGet,
		f.p1("/projects/"+f.A+"/outcomes/"+res.Submissions[0]), testkit.Lead, nil)))
	if o.Counts[domain.MetricReferrals] != 11 || o.Counts[domain.MetricPeopleIntoWork] != 2 || pr.Totals[domain.MetricPeopleIntoWork] < 2 {
		t.Errorf("stored %+v (totals %v), want the figures shown: 11 referrals, 2 into work", o.Counts, pr.Totals)
	}
}

// Excel's "Unicode Text" sent as what it is, text/plain (or as tab
// separated values), is read as a CSV file is (audit import2 W4).
func TestImportTakesUnicodeTextAsPlainText(t *testing.T) {
	t.Parallel()
	h := newMemAPI(t)
	f := h.fixture(t)
	data := append([]byte{0xFF, 0xFE}, utf16Text("Project\tPeriod start\tPeriod end\tReferrals\r\nProject A\t01/05/2025\t31/05/2025\t5\r\n", false)...)
	for _, ct := range []string{"text/plain", "text/plain; charset=utf-16", "text/tab-separated-values"} {
		res := testkit.Decode[domain.ImportResult](t, h.Want(t, http.StatusOK, importReq(testkit.Lead, f.p1("/imports?dryRun=true"), ct, data)))
		if res.Rows != 1 || res.Created != 1 {
			t.Errorf("%s: %+v", ct, res)
		}
	}
}

// A CSV file separated by semicolons, as Excel saves "CSV" where the
// comma is the decimal mark: a count "1,000" there may be one as well as
// a thousand, so the file is refused naming the cell and what to write,
// nothing stored, where it was read as 1000 (fix-guard2). The same file
// with 1000 imports; and in a file separated by commas "1,000" is 1000.
func TestImportSemicolonCSVRefusesAnAmbiguousComma(t *testing.T) {
	t.Parallel()
	h := newMemAPI(t)
	f := h.fixture(t)
	path := f.p1("/imports")
	semicolons := func(referrals string) []byte {
		return []byte("Project;Period start;Period end;People into work;Referrals\r\n" +
			"Project A;01/04/2025;30/04/2025;3;" + referrals + "\r\n")
	}

	before := h.Snapshot(t)
	e := testkit.WantErr(t, h.Do(t, importReq(testkit.Lead, path, domain.MediaCSV, semicolons("1,000"))), http.StatusBadRequest, "validation_failed")
	if len(e.Fields) != 1 || !strings.Contains(e.Fields["rows[2].referrals"], `not "1,000"`) ||
		!strings.Contains(e.Fields["rows[2].referrals"], "decimal mark (1) or group thousands (1000); write it in digits alone, such as 1000") {
		t.Errorf("fields %v, want rows[2].referrals refused with both readings and what to write", e.Fields)
	}
	testkit.SameSnapshot(t, "a semicolon CSV with 1,000", before, h.Snapshot(t))

	res := testkit.Decode[domain.ImportResult](t, h.Want(t, http.StatusOK, importReq(testkit.Lead, path+"?dryRun=true", domain.MediaCSV, semicolons("1000"))))
	if res.Rows != 1 || res.Created != 1 {
		t.Errorf("semicolons, 1000: %+v, want one row created", res)
	}
	comma := []byte("Project,Period start,Period end,People into work,Referrals\r\nProject A,01/04/2025,30/04/2025,3,\"1,000\"\r\n")
	res = testkit.Decode[domain.ImportResult](t, h.Want(t, http.StatusOK, importReq(testkit.Lead, path, domain.MediaCSV, comma)))
	if res.Rows != 1 || res.Created != 1 {
		t.Fatalf("commas, 1,000: %+v", res)
	}
	o := testkit.Decode[domain.Outcome](t, h.Want(t, http.StatusOK, testkit.Request(http.MethodGet,
		f.p1("/projects/"+f.A+"/outcomes/"+res.Submissions[0]), testkit.Lead, nil)))
	if o.Counts[domain.MetricReferrals] != 1000 {
		t.Errorf("commas, 1,000: %d referrals, want 1000", o.Counts[domain.MetricReferrals])
	}
}
