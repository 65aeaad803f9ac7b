package service

import (
	"bytes"
	"compress/gzip"
	"errors"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// TestStagedSheetRoundTrip: a staged sheet decodes to the sheet read, row
// numbers, numeric cells, empty cells and the 1904 date system included,
// and a CSV file's decimal comma, so the confirmation reads its counts as
// the preview did.
func TestStagedSheetRoundTrip(t *testing.T) {
	sh := domain.Sheet{Date1904: true, DecimalComma: true, Name: "Q4 \"draft\"", Sheets: 3, Rows: []domain.SheetRow{
		{Number: 1, Cells: []domain.SheetCell{{Text: "Project"}, {Text: "Period start"}, {Text: "Notes"}}},
		{Number: 4, Cells: []domain.SheetCell{{Text: "Leeds <IPS> & \"co\""}, {Text: "45748", Numeric: true}, {}, {Text: "12", Numeric: true}, {Text: "12", Numeric: true, Merged: true}}},
		{Number: 5000, Cells: []domain.SheetCell{{Text: "josé\n\x01"}}},
	}}
	plan := []PreviewedRow{{Row: 4, Action: domain.ImportCorrect, Base: "01hq3v7k8m9n0p1q2r3s4t5v6a", Status: domain.OutcomeApproved,
		SentAt: time.Date(2026, 12, 4, 19, 57, 0, 0, time.UTC)}, {Row: 5000, Action: domain.ImportCreate}}
	data, err := encodeStaged(sh, plan)
	if err != nil {
		t.Fatal(err)
	}
	got, gotPlan, err := decodeStaged(data)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, sh) || !reflect.DeepEqual(gotPlan, plan) {
		t.Errorf("decoded %+v %+v, want %+v %+v", got, gotPlan, sh, plan)
	}
	if _, _, err := decodeStaged([]byte("PK\x03\x04 a workbook")); err == nil {
		t.Error("a file staged whole decoded as a sheet")
	}
	// A sheet staged before previews kept their plans is not imported.
	var old bytes.Buffer
	zw := gzip.NewWriter(&old)
	zw.Write([]byte(`{"rows":[{"n":1,"c":["Project"]}]}`))
	zw.Close()
	if _, _, err := decodeStaged(old.Bytes()); !errors.Is(err, errNoPlan) {
		t.Errorf("a sheet staged without its plan: %v", err)
	}
}

// TestStagedSheetBounds: the largest sheet a file within the import's
// bounds can hold (4 MiB of text that does not compress, in as many cells
// as a sheet may have) is kept, within maxStagedData (24 of the store's
// 350 kB items, of the 100 it reads); a small workbook repeating a long
// text in every cell is refused as too large, not kept, and refused
// before anything is encoded (its texts alone pass the JSON bound).
func TestStagedSheetBounds(t *testing.T) {
	const rows, cols = domain.MaxSheetRows, 200
	per := domain.MaxImportBytes / (rows * cols)
	all := printableText(rows * cols * per)
	sh := domain.Sheet{}
	for i := range rows {
		row := domain.SheetRow{Number: i + 1, Cells: make([]domain.SheetCell, cols)}
		for j := range row.Cells {
			at := (i*cols + j) * per
			row.Cells[j].Text = all[at : at+per]
		}
		sh.Rows = append(sh.Rows, row)
	}
	data, err := encodeStaged(sh, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(data) > maxStagedData {
		t.Errorf("staged %d bytes", len(data))
	}

	long := strings.Repeat("a long text ", 2730) // Excel's 32,767 characters a cell
	bomb := sheetOf(3000, long)
	if _, err := encodeStaged(bomb, nil); domain.ErrorCode(err) != domain.CodeTooLarge {
		t.Errorf("a sheet of %d MiB: %v, want %s", 3000*len(long)>>20, err, domain.CodeTooLarge)
	}
	// Refused before encoding: the capped writers' path makes a gzip
	// writer and a row's cells at a time (hundreds of allocations before
	// it reaches this bound), the refusal alone a message.
	small, past := stagedLimits{json: 10_000, data: 1 << 20}, sheetOf(200, "text, 51 bytes of it, which pass the bound together")
	if allocs := testing.AllocsPerRun(1, func() {
		if _, err := encodeStagedWithin(past, nil, small); domain.ErrorCode(err) != domain.CodeTooLarge {
			t.Errorf("texts past the bound: %v, want %s", err, domain.CodeTooLarge)
		}
	}); allocs > 10 {
		t.Errorf("texts past the bound: %.0f allocations, want the refusal's few (nothing encoded)", allocs)
	}
}

// TestStagedSheetCapped: a sheet whose texts are within the JSON bound but
// whose JSON passes it (through escaping), or whose JSON is within it but
// compresses past the stored bound, is refused by the capped writers; one
// just within both is kept whole. Small bounds stand for the real ones.
func TestStagedSheetCapped(t *testing.T) {
	lim := stagedLimits{json: 1000, data: 1 << 20}
	quotes := strings.Repeat(`"`, 300)     // 300 bytes of text, 600 of JSON
	escaped := sheetOf(2, quotes)          // 600 of text, about 1,250 of JSON
	if stagedTextPast(escaped, lim.json) { // so the capped writer refuses it
		t.Fatal("the escaped sheet's texts alone pass the bound")
	}
	if _, err := encodeStagedWithin(escaped, nil, lim); domain.ErrorCode(err) != domain.CodeTooLarge {
		t.Errorf("a sheet whose JSON passes the bound through escaping: %v, want %s", err, domain.CodeTooLarge)
	}
	within := sheetOf(1, quotes) // about 650 bytes of JSON
	data, err := encodeStagedWithin(within, nil, lim)
	if err != nil {
		t.Fatalf("a sheet within the bound: %v", err)
	}
	if got, _, err := decodeStaged(data); err != nil || !reflect.DeepEqual(got, within) {
		t.Errorf("a sheet within the bound decoded %+v, %v", got, err)
	}

	// Text that does not compress, past the stored bound.
	lim = stagedLimits{json: 1 << 20, data: 2000}
	if _, err := encodeStagedWithin(sheetOf(1, printableText(4000)), nil, lim); domain.ErrorCode(err) != domain.CodeTooLarge {
		t.Errorf("a sheet compressing past the stored bound: %v, want %s", err, domain.CodeTooLarge)
	}
	within = sheetOf(1, printableText(1000))
	data, err = encodeStagedWithin(within, nil, lim)
	if err != nil {
		t.Fatalf("a sheet compressing within the stored bound: %v", err)
	}
	if got, _, err := decodeStaged(data); err != nil || !reflect.DeepEqual(got, within) {
		t.Errorf("a sheet compressing within the stored bound decoded %+v, %v", got, err)
	}
}

// sheetOf is a sheet of rows rows, each one cell of text.
func sheetOf(rows int, text string) domain.Sheet {
	sh := domain.Sheet{}
	for i := range rows {
		sh.Rows = append(sh.Rows, domain.SheetRow{Number: i + 1, Cells: []domain.SheetCell{{Text: text}}})
	}
	return sh
}

// printableText is n bytes of printable ASCII at random (it does not
// compress much), the same each run.
func printableText(n int) string {
	text := make([]byte, n)
	rand.NewChaCha8([32]byte{1, 2}).Read(text)
	for i, c := range text {
		text[i] = ' ' + c%95
	}
	return string(text)
}
