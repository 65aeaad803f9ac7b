// Package sheet reads the spreadsheets people import (SPEC, "Spreadsheet
// import") into domain.Sheet: CSV here and Excel workbooks in sheet/xlsx,
// both with only the standard library (no package init of their own to
// add to a cold start). Reading knows nothing of columns or projects:
// domain.ReadImport does.
package sheet

import (
	"bytes"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// MaxColumns bounds a row's cells: an import has a dozen columns, and a
// sheet with thousands is not one.
const MaxColumns = 200

// TooWide is the problem with a file whose row n has more than
// MaxColumns cells: a sheet of figures has a dozen columns, and one this
// wide is most often one whose stray cells far to the right (a space, a
// format copied across) Excel saved (audit import2 N5: the problem said no
// more).
func TooWide(n int) string {
	return "row " + strconv.Itoa(n) + " has more than " + strconv.Itoa(MaxColumns) + " columns: fundtrack reads a dozen; " +
		"delete the columns to the right of the figures (select them, then Delete Sheet Columns), or copy the figures to a new sheet"
}

// FileProblem is the validation error for a file that cannot be read as
// rows at all, under the field "file".
func FileProblem(problem string) error {
	return FileProblemOf(problem, nil)
}

// FileProblemOf is FileProblem for a file a reader failed on with cause:
// the person is told problem, in our words; cause, the reader's own
// (an XML parser's, a cell reference's), is kept for logs only and never
// reaches an answer.
func FileProblemOf(problem string, cause error) error {
	return &domain.Error{Code: domain.CodeValidation, Message: "the file cannot be read: nothing was imported",
		Fields: map[string]string{"file": problem}, Err: cause}
}

// ReadCSV reads a CSV file (UTF-8, with or without the byte order mark
// Excel's "CSV UTF-8" writes; UTF-16, with a byte order mark or without;
// or, not being UTF-8, Windows-1252, as UK Excel's "CSV (Comma
// delimited)" writes: see decodeText; lines ending in CR LF, LF, or CR
// alone as Excel for Mac's "CSV (Macintosh)" writes) into its rows,
// numbered as a spreadsheet shows them: a quoted cell holding line breaks
// stays one row. Blank rows are left out, their numbers kept. Reading
// stops once the rows exceed what an import may hold, which
// domain.ReadImport then reports.
//
// It reads as Excel and LibreOffice open CSV files (csvReader): comma
// separated, or separated by semicolons or tabs as the header shows
// (separator), or by the character a first line such as "sep=;" names
// (sepLine), rows then numbered from the line after it, as Excel shows
// them; a quote inside a cell that does not start with one is text (the
// 5" screen), and text after a quoted part is kept as typed ("x,y" z is
// the cell x,y z). Only a quoted cell the file never closes, which
// would read the rest of the file into one cell, is refused, naming the
// row and column where it starts.
func ReadCSV(data []byte) (domain.Sheet, error) {
	switch {
	case bytes.HasPrefix(data, zipMagic) && bytes.Contains(data[:min(len(data), 128)], []byte("mimetypeapplication/vnd.oasis.opendocument")):
		// An OpenDocument file's first part is its type, stored as is.
		return domain.Sheet{}, FileProblem("looks like an OpenDocument spreadsheet (.ods), not a CSV file: in LibreOffice or Excel, " +
			"save it as CSV UTF-8 or as an Excel Workbook (.xlsx)")
	case bytes.HasPrefix(data, oleMagic):
		return domain.Sheet{}, FileProblem("looks like an old Excel workbook (.xls) or a password-protected one, not a CSV file: in Excel, " +
			"save it as CSV UTF-8 or as an Excel Workbook (.xlsx)")
	}
	if bytes.HasPrefix(data, zipMagic) {
		// An Excel workbook is a zip: sent as CSV, it would read as
		// nonsense text, and the fix is only to send it as what it is.
		return domain.Sheet{}, FileProblem("looks like an Excel workbook (.xlsx), not a CSV file: send it as an Excel workbook " +
			"(a file named .xlsx; through the API, Content-Type " + domain.MediaXLSX + ")")
	}
	data, problem := decodeText(data)
	if problem != "" {
		return domain.Sheet{}, FileProblem(problem)
	}
	sep, declared, rest := sepLine(data)
	if !declared {
		sep = separator(data)
	}
	r := csvReader{data: rest, sep: sep}
	sh := domain.Sheet{DecimalComma: sep == ';'}
	// Every record is a row as a spreadsheet numbers them, an empty line
	// too; a quoted cell's line breaks do not start rows. A sep= line is
	// not a row: Excel reads it as an instruction and does not show it.
	for n := 1; ; n++ {
		rec, open, ok := r.next()
		if !ok {
			return sh, nil
		}
		if open >= 0 {
			return domain.Sheet{}, &domain.Error{Code: domain.CodeValidation, Message: "the file cannot be read: nothing was imported",
				Fields: map[string]string{domain.RowField(n, domain.ColumnLetter(open)): "starts with a quote (\") that is never closed, so the rest of the file would be read into this one cell: check its quotes"}}
		}
		if len(rec) > MaxColumns {
			return domain.Sheet{}, FileProblem(TooWide(n))
		}
		if blank(rec) {
			continue
		}
		row := domain.SheetRow{Number: n, Cells: make([]domain.SheetCell, len(rec))}
		for i, c := range rec {
			row.Cells[i] = domain.SheetCell{Text: c}
		}
		sh.Rows = append(sh.Rows, row)
		if len(sh.Rows) > domain.MaxSheetRows {
			return sh, nil // too many: ReadCSV's caller, ReadImport, says so
		}
	}
}

// csvReader reads CSV records as Excel and LibreOffice open a file, which
// encoding/csv cannot: strict, it refuses the quotes people type (the 5"
// screen); with LazyQuotes, a cell such as "x,y" z runs on into the rows
// after it, silently taking a row of figures into one cell. So:
//
//   - a cell is quoted only when its first character is a quote;
//   - inside it, two quotes are one quote, and a quote followed by the
//     separator, a line end or the end of the file closes it;
//   - a quote followed by anything else closes the quoted part, and the
//     rest up to the separator is kept as typed ("x,y" z reads x,y z);
//   - a quote inside a cell that is not quoted is text;
//   - a line end is CR LF, LF or a CR alone, each one line end, as
//     spreadsheets read them (encoding/csv takes a lone CR for text, and
//     would read a "CSV (Macintosh)" file as one row); inside a quoted
//     cell, each is a line break and reads as LF, so a note reads the same
//     whichever system saved it. A file with no lone CR that strict
//     encoding/csv reads reads the same here (FuzzReadCSV checks it).
type csvReader struct {
	data []byte
	pos  int
	sep  byte
}

// next reads the next record, ok false past the end. A quoted cell still
// open at the end of the file is returned as open, its index in rec;
// otherwise open is -1.
func (r *csvReader) next() (rec []string, open int, ok bool) {
	d := r.data
	if r.pos >= len(d) {
		return nil, -1, false
	}
	var cell []byte
	quoted, first := false, true
	for r.pos < len(d) {
		c := d[r.pos]
		r.pos++
		if c == '\r' && r.pos < len(d) && d[r.pos] == '\n' {
			r.pos++ // CR LF is one line end, read as its LF
			c = '\n'
		}
		switch {
		case quoted && c == '"' && r.pos < len(d) && d[r.pos] == '"':
			cell = append(cell, '"')
			r.pos++
		case quoted && c == '"':
			quoted = false
		case quoted && c == '\r':
			cell = append(cell, '\n')
		case quoted:
			cell = append(cell, c)
		case first && c == '"':
			quoted, first = true, false
		case c == r.sep:
			rec, cell, first = append(rec, string(cell)), cell[:0], true
		case c == '\n' || c == '\r':
			return append(rec, string(cell)), -1, true
		default:
			cell, first = append(cell, c), false
		}
	}
	if quoted {
		return append(rec, string(cell)), len(rec), true
	}
	return append(rec, string(cell)), -1, true
}

// sepLine reads the line Excel writes (and reads) first in a CSV file to
// name its separator, "sep=;": the separator, and the file after that
// line. A file without one is returned whole, declared false. The line is
// "sep=" in any case, then one character that is no letter, digit or
// quote, then the line's end.
func sepLine(data []byte) (sep byte, declared bool, rest []byte) {
	const prefix = "sep="
	if len(data) < len(prefix)+1 || !strings.EqualFold(string(data[:len(prefix)]), prefix) {
		return 0, false, data
	}
	c := data[len(prefix)]
	line := data[len(prefix)+1:]
	switch {
	case c >= utf8.RuneSelf, c == '"', c == '\r', c == '\n',
		'a' <= c|0x20 && c|0x20 <= 'z', '0' <= c && c <= '9':
		return 0, false, data
	case len(line) == 0:
		return c, true, line
	case bytes.HasPrefix(line, []byte("\r\n")):
		return c, true, line[2:]
	case line[0] == '\n' || line[0] == '\r':
		return c, true, line[1:]
	}
	return 0, false, data
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// separator is the file's separator: the one of comma, semicolon and tab
// under which its header splits into the most headings fundtrack reads, a
// comma on a tie. Excel saves "CSV" with semicolons where a comma is the
// decimal mark (much of Europe), and "Text (Tab delimited)" with tabs, and
// a heading may hold a comma of its own ("Site, area"), so no one
// character in the header decides; read with the wrong separator, the
// header's headings are not ones fundtrack reads. Counting the headings
// read (not all) lets a misspelt one be named as such rather than the
// whole line. The header is one of the first lines that are not blank:
// the first, or one below up to domain.MaxTitleRows title lines
// (domain.ImportHeader), so each of those lines is tried.
func separator(data []byte) byte {
	var lines [][]byte
	for rest := data; len(rest) > 0 && len(lines) <= domain.MaxTitleRows; {
		line := rest
		if end := bytes.IndexAny(rest, "\r\n"); end >= 0 {
			line, rest = rest[:end], rest[end+1:]
		} else {
			rest = nil
		}
		if len(bytes.TrimSpace(line)) > 0 {
			lines = append(lines, line)
		}
	}
	sep, most := byte(','), -1
	for _, c := range []byte{',', ';', '\t'} {
		for _, line := range lines {
			r := csvReader{data: line, sep: c}
			rec, _, _ := r.next()
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
	}
	return sep
}
