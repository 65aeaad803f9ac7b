package web_test

// The import pages against what a preview cannot see by itself: what a
// workbook hides, a submission changed between the preview and its
// confirmation, a confirmation refused, and one cut off by its deadline
// (audit import2).

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// hiddenWorkbook is a workbook whose first sheet, "Old copy", is hidden
// and holds other figures, and whose sheet shown, "Figures", has a year's
// first quarter shown and its second in a hidden row.
func hiddenWorkbook(t *testing.T, project string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", "Old copy"); err != nil {
		t.Fatal(err)
	}
	figures, err := f.NewSheet("Figures")
	if err != nil {
		t.Fatal(err)
	}
	f.SetActiveSheet(figures)
	for sheet, rows := range map[string][][]any{
		"Old copy": {{"Project", "Period start", "Period end", "Referrals", "People into work"},
			{project, "01/10/2011", "31/12/2011", 99, 9}},
		"Figures": {{"Project", "Period start", "Period end", "Referrals", "People into work"},
			{project, "01/07/2011", "30/09/2011", 11, 2},
			{project, "01/10/2011", "31/12/2011", 50, 40}},
	} {
		for i, r := range rows {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			if err := f.SetSheetRow(sheet, cell, &r); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := f.SetRowVisible("Figures", 3, false); err != nil {
		t.Fatal(err)
	}
	if err := f.SetSheetVisible("Old copy", false); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestImportPreviewSaysWhatTheWorkbookHides: the preview of a workbook
// with a hidden first sheet and a hidden row counts only the row shown,
// and says, before anything is imported, that the hidden sheet and row
// were not read (audit import2 D2: they were imported without a word).
func TestImportPreviewSaysWhatTheWorkbookHides(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	b := h.as(t, uPL)
	base := "/app/programmes/" + f.PID
	b.get(base + "/imports")
	p := b.upload(base+"/imports", "figures.xlsx", hiddenWorkbook(t, "Bradford employment service"), b.csrf)
	if p.Status != http.StatusOK || !strings.Contains(p.Body, `data-testid="count-rows">1<`) || !strings.Contains(p.Body, `data-testid="count-created">1<`) {
		t.Fatalf("preview: %d\n%s", p.Status, excerpt(p.Body))
	}
	for _, want := range []string{
		`data-testid="import-notes"`,
		`<li data-testid="note-sheets">The hidden sheet &#39;Old copy&#39; before it was not read: fundtrack read the first sheet shown, &#39;Figures&#39;`,
		`<li data-testid="note-rows">Row 3 is hidden (by hand or by a filter) and was not read`,
	} {
		if !strings.Contains(p.Body, want) {
			t.Errorf("the preview does not say %s\n%s", want, excerpt(p.Body))
		}
	}
}
