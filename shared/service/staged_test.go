package service_test

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/sheet/xlsx"
)

// clientList is a second sheet as projects keep one beside their figures.
var clientList = [][]any{
	{"Client name", "NHS number", "Date of birth", "Phone"},
	{"John Smith", "943 476 5919", "01/02/1980", "07700 900123"},
}

// figuresWithClients is a workbook whose first sheet holds two rows of
// Leeds IPS figures (rows 2 and 5: rows 3 and 4 blank; the dates of row 5
// real dates, stored as numbers) and whose second sheet is clientList.
func figuresWithClients(t *testing.T) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	set := func(sheet, cell string, v any) {
		if err := f.SetCellValue(sheet, cell, v); err != nil {
			t.Fatal(err)
		}
	}
	for i, row := range [][]any{
		{"Project", "Period start", "Period end", "Referrals", "People into work"},
		{"Leeds IPS", "2025-04-01", "2025-06-30", 10, 1},
		nil, nil,
		{"Leeds IPS", time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 9, 30, 0, 0, 0, 0, time.UTC), 11, 2},
	} {
		for j, v := range row {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			set("Sheet1", cell, v)
		}
	}
	if _, err := f.NewSheet("Clients"); err != nil {
		t.Fatal(err)
	}
	for i, row := range clientList {
		for j, v := range row {
			cell, _ := excelize.CoordinatesToCellName(j+1, i+1)
			set("Clients", cell, v)
		}
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// stagedText is everything a staged item holds, uncompressed: the sheet
// as kept, or every part of a workbook kept whole.
func stagedText(t *testing.T, st service.StagedFile) string {
	t.Helper()
	text := st.Name + st.MediaType + string(st.Data)
	if zr, err := gzip.NewReader(bytes.NewReader(st.Data)); err == nil {
		b, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		text += string(b)
	}
	if zr, err := zip.NewReader(bytes.NewReader(st.Data), int64(len(st.Data))); err == nil {
		for _, f := range zr.File {
			rc, err := f.Open()
			if err != nil {
				t.Fatal(err)
			}
			b, err := io.ReadAll(rc)
			rc.Close()
			if err != nil {
				t.Fatal(err)
			}
			text += string(b)
		}
	}
	return text
}

// TestPreviewKeepsOnlyTheCheckedSheet: a workbook's preview stores its
// first sheet's cells, never the file: a client list on its second sheet,
// which the personal-data guard never reads, reaches no storage. The
// confirmation imports the first sheet as previewed, its rows named by
// their own numbers in any problem.
func TestPreviewKeepsOnlyTheCheckedSheet(t *testing.T) {
	w := newWorld(t)
	w.svc.WithWorkbooks(xlsx.Workbooks{})
	file := service.ImportFile{MediaType: domain.MediaXLSX, Data: figuresWithClients(t)}
	res, id, err := w.open(lead).PreviewImport(file, "figures.xlsx")
	if err != nil || id == "" {
		t.Fatalf("preview: %v %q", err, id)
	}
	wantResult(t, res, 2, 2, 0, 0)

	st, err := w.st.StagedFile(w.ctx, w.P, id) // as stored
	if err != nil {
		t.Fatal(err)
	}
	text := stagedText(t, st)
	for _, row := range clientList {
		for _, v := range row {
			if strings.Contains(text, v.(string)) {
				t.Errorf("the staged item holds the second sheet's %q", v)
			}
		}
	}
	if bytes.Contains(st.Data, []byte("PK\x03\x04")) || !strings.Contains(text, "Leeds IPS") {
		t.Errorf("staged %d bytes (%s), want the first sheet's cells and not the workbook", len(st.Data), st.MediaType)
	}

	// A problem found at confirmation names the sheet's own rows.
	w.renameProject(w.B, "Leeds North")
	_, _, err = w.open(lead).ConfirmImport(id)
	wantFields(t, "the project renamed", err, "rows[2].project", "rows[5].project")
	w.renameProject(w.B, "Leeds IPS")

	before := w.totals()
	_, got, err := w.open(lead).ConfirmImport(id)
	if err != nil {
		t.Fatal(err)
	}
	wantResult(t, got, 2, 2, 0, 0)
	if n := w.totals().Programme[domain.MetricPeopleIntoWork] - before.Programme[domain.MetricPeopleIntoWork]; n != 3 {
		t.Errorf("people into work rose by %d, want 3 (the first sheet's figures)", n)
	}
}

// TestPreviewOfTheLargestFile: a file at the bounds (5,000 rows, 4 MiB)
// is kept and imported from what is kept.
func TestPreviewOfTheLargestFile(t *testing.T) {
	w := newWorld(t)
	lines := []string{importHeader}
	day := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	filler := strings.Repeat("x", 800)
	for i := range domain.MaxImportRows {
		start := day.AddDate(0, 0, i%365)
		end := start.AddDate(0, 0, i/365) // each row its own period
		lines = append(lines, "Leeds IPS,"+start.Format(time.DateOnly)+","+end.Format(time.DateOnly)+",1,0,"+filler)
	}
	file := csv(lines...)
	if n := len(file.Data); n > domain.MaxImportBytes || n < domain.MaxImportBytes-100<<10 {
		t.Fatalf("the file is %d bytes, want just under %d", n, domain.MaxImportBytes)
	}
	res, id, err := w.open(lead).PreviewImport(file, "big.csv")
	if err != nil {
		t.Fatal(err)
	}
	wantResult(t, res, domain.MaxImportRows, domain.MaxImportRows, 0, 0)
	st := must(w.open(lead).StagedImport(id))
	if len(st.Data) > len(file.Data) {
		t.Errorf("kept %d bytes for a file of %d", len(st.Data), len(file.Data))
	}
}

func (w *world) renameProject(id, name string) {
	w.t.Helper()
	must(w.open(admin).UpdateProject(id, func(int64) bool { return true }, body(map[string]any{"name": name})))
}
