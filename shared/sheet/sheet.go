// Package sheet reads the spreadsheets people import (SPEC, "Spreadsheet
// import") into domain.Sheet: CSV here and Excel workbooks in sheet/xlsx,
// both with only the standard library (no package init of their own to
// add to a cold start). Reading knows nothing of columns or projects:
// domain.ReadImport does.
package sheet

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// MaxColumns bounds a row's cells: an import has a dozen columns, and a
// sheet with thousands is not one.
const MaxColumns = 200

// FileProblem is the validation error for a file that cannot be read as
// rows at all, under the field "file".
func FileProblem(problem string) error {
	return &domain.Error{Code: domain.CodeValidation, Message: "the file cannot be read: nothing was imported",
		Fields: map[string]string{"file": problem}}
}

// ReadCSV reads a CSV file (UTF-8, with or without the byte order mark
// Excel's "CSV UTF-8" writes, comma separated, RFC 4180 quoting) into its
// rows, numbered as a spreadsheet shows them: a quoted cell holding line
// breaks stays one row. Blank rows are left out, their numbers kept.
// Reading stops once the rows exceed what an import may hold, which
// domain.ReadImport then reports.
func ReadCSV(data []byte) (domain.Sheet, error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if !utf8.Valid(data) {
		return domain.Sheet{}, FileProblem("is not UTF-8 text: in Excel, save it as \"CSV UTF-8 (comma delimited)\"")
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1 // rows may be ragged: a trailing empty cell is often left out
	r.ReuseRecord = false
	var sh domain.Sheet
	// encoding/csv skips empty lines, which a spreadsheet shows as rows:
	// a row's number is its first line, less the extra lines the line
	// breaks inside quoted cells of the rows before it took.
	extra := 0
	for n := 1; ; n++ {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return sh, nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return domain.Sheet{}, FileProblem("row " + strconv.Itoa(pe.StartLine-extra) + " is not valid CSV (" + pe.Err.Error() + "); check its quotes")
			}
			return domain.Sheet{}, FileProblem("is not valid CSV")
		}
		first, _ := r.FieldPos(0)
		last, _ := r.FieldPos(len(rec) - 1)
		n = first - extra
		extra += last - first + strings.Count(rec[len(rec)-1], "\n")
		if len(rec) > MaxColumns {
			return domain.Sheet{}, FileProblem("row " + strconv.Itoa(n) + " has more than " + strconv.Itoa(MaxColumns) + " columns")
		}
		if blank(rec) {
			continue
		}
		row := domain.SheetRow{Number: n, Cells: make([]domain.SheetCell, len(rec))}
		for i, c := range rec {
			row.Cells[i] = domain.SheetCell{Text: c}
		}
		sh.Rows = append(sh.Rows, row)
		if len(sh.Rows) > domain.MaxImportRows+1 {
			return sh, nil // too many: ReadImport says so
		}
	}
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}
