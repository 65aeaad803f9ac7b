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
// Excel's "CSV UTF-8" writes, RFC 4180 quoting) into its rows, numbered as
// a spreadsheet shows them: a quoted cell holding line breaks stays one
// row. Blank rows are left out, their numbers kept. Reading stops once the
// rows exceed what an import may hold, which domain.ReadImport then
// reports.
//
// It reads as spreadsheets open CSV files: comma separated, or separated
// by semicolons or tabs as the header shows (separator); a quote inside a
// cell that does not start with one is text (the 5" screen), as is a
// quote inside a quoted cell that does not end it (encoding/csv's
// LazyQuotes). Only a quoted cell the file never closes, which would read
// the rest of the file into one cell, is refused, naming its row.
func ReadCSV(data []byte) (domain.Sheet, error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if !utf8.Valid(data) {
		return domain.Sheet{}, FileProblem("is not UTF-8 text: in Excel, save it as \"CSV UTF-8 (comma delimited)\"")
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = separator(data)
	r.LazyQuotes = true
	r.FieldsPerRecord = -1 // rows may be ragged: a trailing empty cell is often left out
	r.ReuseRecord = false
	var sh domain.Sheet
	// encoding/csv skips empty lines, which a spreadsheet shows as rows:
	// a row's number is its first line, less the extra lines the line
	// breaks inside quoted cells of the rows before it took.
	extra := 0
	for n := 1; ; n++ {
		start := r.InputOffset()
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
		if r.InputOffset() == int64(len(data)) && unclosed(data[start:], byte(r.Comma)) {
			return domain.Sheet{}, &domain.Error{Code: domain.CodeValidation, Message: "the file cannot be read: nothing was imported",
				Fields: map[string]string{domain.RowField(n, columnLetter(len(rec)-1)): "opens a quoted cell (a cell starting with \") that is never closed, so the rest of the file would be read into it: check its quotes"}}
		}
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

// separator is the file's separator: a comma, unless its header (the
// first line that is not blank) has none and splits by a semicolon or a
// tab into two or more headings fundtrack reads. Excel saves "CSV" with
// semicolons where a comma is the decimal mark (much of Europe), and
// "Text (Tab delimited)" with tabs; read as comma separated, such a file
// is one column whose one heading is the whole line, which no import can
// be, so the header alone decides. Two headings read (not all) is enough,
// so that a misspelt one is named as such rather than the whole line.
func separator(data []byte) rune {
	line := data
	for len(line) > 0 {
		var rest []byte
		line, rest, _ = bytes.Cut(line, []byte("\n"))
		if len(bytes.TrimSpace(line)) > 0 {
			break
		}
		line = rest
	}
	if bytes.IndexByte(line, ',') >= 0 {
		return ','
	}
	sep, most := ',', 1
	for _, c := range []rune{';', '\t'} {
		r := csv.NewReader(bytes.NewReader(line))
		r.Comma, r.LazyQuotes, r.FieldsPerRecord = c, true, -1
		rec, err := r.Read()
		if err != nil {
			continue
		}
		known := 0
		for _, h := range rec {
			if domain.IsImportHeading(h) {
				known++
			}
		}
		if known > most {
			sep, most = c, known
		}
	}
	return sep
}

// unclosed reports whether a record's text, read to the file's end,
// leaves a quoted cell open, as encoding/csv reads with LazyQuotes: a
// cell opened by a quote ends at a quote followed by the separator, a
// line end or the end of the file; two quotes are one quote; any other
// quote is text.
func unclosed(raw []byte, sep byte) bool {
	quoted, atStart := false, true
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case !quoted:
			quoted = atStart && c == '"'
			atStart = c == sep || c == '\n'
		case c != '"':
		case i+1 < len(raw) && raw[i+1] == '"':
			i++
		case i+1 == len(raw) || raw[i+1] == sep || raw[i+1] == '\n' ||
			raw[i+1] == '\r' && (i+2 == len(raw) || raw[i+2] == '\n'):
			quoted = false
		}
	}
	return quoted
}

// columnLetter is a column's spreadsheet name (A, B, … AA) from 0.
func columnLetter(i int) string {
	s := ""
	for i++; i > 0; i = (i - 1) / 26 {
		s = string(rune('A'+(i-1)%26)) + s
	}
	return s
}
