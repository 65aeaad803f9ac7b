package sheet_test

// FuzzReadCSV fuzzes the reader of uploaded CSV files, which takes bytes
// from anyone who can import. Its properties are restated here rather than
// taken from ReadCSV: what a refusal may say, how a spreadsheet numbers its
// rows, and, as a differential check, that cells written by encoding/csv's
// Writer come back as written. The seed corpus (f.Add below and
// testdata/fuzz/FuzzReadCSV/) runs as an ordinary test; see docs/fuzzing.md.

import (
	"bytes"
	"encoding/binary"
	"encoding/csv"
	"errors"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/sheet"
	"github.com/fundtrack/fundtrack/shared/testkit/fuzzkit"
)

// fzFail reports a broken property (fuzzkit.Fail: known names a bug
// already reported, which FUNDTRACK_FUZZ_SKIP_KNOWN can look past).
var fzFail = fuzzkit.Fail

const fzBOM = "\ufeff"

// fzLines is how many lines a spreadsheet shows a file as having: one per
// line end (CR LF, LF, or CR alone), and one for text after the last.
func fzLines(data []byte) int {
	n := bytes.Count(data, []byte("\n")) + bytes.Count(data, []byte("\r")) - bytes.Count(data, []byte("\r\n"))
	if len(data) > 0 && data[len(data)-1] != '\n' && data[len(data)-1] != '\r' {
		n++
	}
	return n
}

// fzBlank says whether a row shows nothing: every cell empty or white space.
func fzBlank(cells []string) bool {
	for _, c := range cells {
		for _, r := range c {
			if !unicode.IsSpace(r) {
				return false
			}
		}
	}
	return true
}

var fzRowInProblem = regexp.MustCompile(`\brow ([0-9]+)\b`)

var fzRowField = regexp.MustCompile(`^rows\[([0-9]+)\]\.[A-Z]+$`)

// fzCheckRefusal checks a refusal: a *domain.Error validation_failed that
// names one field, the file or a cell of a row the file has, and where it
// names a row, one the file has.
func fzCheckRefusal(t *testing.T, data []byte, err error) {
	t.Helper()
	var de *domain.Error
	if !errors.As(err, &de) {
		fzFail(t, "", "%T %v is not a *domain.Error", err, err)
	}
	if de.Code != domain.CodeValidation || de.Message == "" {
		fzFail(t, "", "code %q message %q, want %q and a message", de.Code, de.Message, domain.CodeValidation)
	}
	for field, problem := range de.Fields {
		if m := fzRowField.FindStringSubmatch(field); m != nil && problem != "" {
			n, _ := strconv.Atoi(m[1])
			if lines := fzLines(data); n < 1 || n > lines {
				fzFail(t, "", "the refusal names row %d of a file of %d lines: %v", n, lines, de.Fields)
			}
			if len(de.Fields) == 1 {
				return
			}
		}
	}
	if len(de.Fields) != 1 || de.Fields["file"] == "" {
		fzFail(t, "", "a refusal must name \"file\" or a row's cell alone, with a problem: %v", de.Fields)
	}
	if m := fzRowInProblem.FindStringSubmatch(de.Fields["file"]); m != nil {
		n, _ := strconv.Atoi(m[1])
		if lines := fzLines(data); n < 1 || n > lines {
			fzFail(t, "", "the refusal names row %d of a file of %d lines: %q", n, lines, de.Fields["file"])
		}
	}
}

// fzCells turns the fuzzer's text into rows of cells for the differential
// check: rows split at U+001E, cells at U+001F, made valid UTF-8 (ReadCSV
// refuses anything else, rightly). At most 40 rows, so the seeds stay fast.
func fzCells(s string) [][]string {
	if s == "" {
		return nil
	}
	var rows [][]string
	for i, r := range strings.Split(strings.ToValidUTF8(s, "\uFFFD"), "\x1e") {
		if i == 40 {
			break
		}
		if r == "\x1f" { // a row of no cells at all: the Writer writes an empty line
			rows = append(rows, []string{})
			continue
		}
		rows = append(rows, strings.Split(r, "\x1f"))
	}
	return rows
}

// FuzzReadCSV: whatever the bytes, ReadCSV never panics. It refuses with a
// validation error naming only "file" or one row's cell (and, if it names
// a row, one inside the file). Bytes that look like UTF-16 without a byte
// order mark (fzLooksUTF16) read as the text they decode to would, or are
// refused as UTF-16 when they do not decode. What it reads is valid UTF-8, one to
// MaxColumns cells a row, no row blank, numbered from 1 up in strictly
// increasing order and never past the file's last line, at most the import
// limit plus the header and one more.
//
// Differentially, cells written by encoding/csv's Writer (with LF or CRLF
// line ends) must come back as written, each row numbered as the row it was
// written as, blank rows left out, except for what CSV itself changes: a
// CR LF or a lone CR inside a quoted cell reads as LF, and the CRLF Writer
// drops a lone CR (it writes every LF as CR LF, so a CR could not be told
// from one); a
// byte order mark the file starts with is not part of the first cell. A row
// of more than MaxColumns cells must be refused naming its row. (Rows whose
// header reads more headings fundtrack reads when split by semicolons or
// tabs are read so, and not checked here.)
func FuzzReadCSV(f *testing.F) {
	for _, s := range []string{
		"", "\n", "\r\n", fzBOM, fzBOM + "a", "a", "a,b\n", "a,b\r\nc,d\r\n", "a\n\n\nb\n", ",,\n , \n\t\na\n",
		"Project,Period start,Notes\r\n\r\nBradford IPS,2025-04-01,\"two\r\nlines, one cell\"\r\n,,\r\nLeeds,01/07/2025\r\n",
		"\"a\nb\",c\nd\n", "\"a\nb\nc\"\nd\n", "a,\"b\n\nc\"\ne\n", "\"a\n\",\"\nb\"\n\"\n\"\nz\n", "\"\r\n\"\nx\n",
		"a,\"x\r\r\ny\"\nb\n", "\"\"\nx\n", "a,\"\nb\n", "a\"b\nc\n", "\"a\"b\n", "x\n\"unclosed\n\n\n",
		"a\rb\rc\n", "a,b\r",
		// audit L3: Excel for Mac's "CSV (Macintosh)" ends lines in CR alone
		"project,periodStart,periodEnd,peopleIntoWork,notes\rProj One,2024-04-01,2024-04-30,5,\"a\rb\"\r\rP,2024-05-01,2024-05-31,6,b\r",
		"a\r\n\rb\n\r\"c\r\n\"\rd",
		// audit L4: a heading holding a comma in a file separated by semicolons
		"project;periodStart;periodEnd;peopleIntoWork;Site, area\nProj One;2024-04-01;2024-04-30;5;Leeds\n", "caf\xe9\n", fzBOM + "\xff", "\xef\xbb\xbf\xef\xbb\xbfa\n", "\u00a0,\u2028\n\u200b\n",
		"\x00,\x01\n", strings.Repeat("a,", sheet.MaxColumns) + "a\n", strings.Repeat(",", sheet.MaxColumns) + "\nb\n",
		"h\n" + strings.Repeat("\"x\ny\"\n", 30) + "\"bad\n",
		"project,notes\nA,the 5\" screen\n", "a,\"b\"c\"\n", "a,\"b\"\"\n", "a,\"b\"\r\n", "a,\"b\"\r", "\"a\"\"b\",c\n\"d\n",
		"project;periodStart;periodEnd;peopleIntoWork\r\nAlpha;2025-06-01;2025-06-30;1\r\n",
		"\nproject\tperiod start\tnotes\nA\t01/06/2025\ta;b\n", "project;x\nA;1\n", "\"project\";\"notes\"\n\"a;b\";\"c\"\"d\n",
		// audit F1: text after a quoted part stays in its cell, never runs on
		"project,notes\nA,\"x,y\" z\nB,\"ok\"\nC,fine\n", "a,\"x,y\" z\r\nb,1\r\n", "\"a\" \"b\",\"c\"\"\"d\n\"e\"\n",
		"a,\"b\nc\"\"\"\r\nd,\"e\r\n\r\nf\" g\r\nh\n", "\"x\"\r", "\"x\"\ry\n", "\"x\"\"\r\n", " \"a\",b\n", "a,b\r\r\n\"c\r\n",
		// UTF-16 without a byte order mark: either order, tab separated,
		// one byte over, a lone surrogate, a second mark, NULs not paired
		"P\x00r\x00o\x00j\x00e\x00c\x00t\x00\t\x00N\x00o\x00t\x00e\x00s\x00\r\x00\n\x00A\x00\t\x00\xe9\x00\xac\x20\n\x00",
		"\x00P\x00r\x00o\x00j\x00e\x00c\x00t\x00,\x00x\x00\n", "\x00a\x00b\x00c\x00\n\x00", "a\x00b\x00\x00\xd8c\x00",
		"\xff\xfe\x00a\x00b", "a\x00\x00\x00\x00\x00b\x00", "\x00\x000\x000\n",
	} {
		f.Add([]byte(s), "", false)
	}
	for _, s := range []string{
		"Project\x1fPeriod start\x1fNotes\x1eBradford IPS\x1f2025-04-01\x1ftwo\r\nlines, one cell",
		"a\x1e\x1e\x1f\x1e \x1f\t\x1eb", "\ufeffa\x1fb", "\ufeff\x1e\ufeffb", "\ufeff\"x\x1fy",
		"x\ry\x1fz\r\x1f\r\n\x1f\r\r\n\x1e\r\x1f\n", "\"\x1f\"\"\x1f\\.\x1f,\x1f a\x1f\ta", "\n\n\x1fa\n\x1e\n\x1eb",
		"\u00a0\x1f\u3000\x1e\u2028\x1ez\x1e\u0085", strings.Repeat("c\x1f", sheet.MaxColumns) + "c\x1ed",
		"ok\x1e" + strings.Repeat("\x1f", sheet.MaxColumns),
		"\x000\x000", // written, a file that looks like UTF-16
	} {
		f.Add([]byte(nil), s, false)
		f.Add([]byte(nil), s, true)
	}
	f.Fuzz(func(t *testing.T, data []byte, cells string, crlf bool) {
		fzReadAnyCSV(t, data)
		fzReadWrittenCSV(t, fzCells(cells), crlf)
	})
}

// fzReadAnyCSV checks ReadCSV on arbitrary bytes.
func fzReadAnyCSV(t *testing.T, data []byte) {
	t.Helper()
	sh, err := sheet.ReadCSV(data)
	fzReadStrictCSV(t, data, sh, err)
	if err != nil {
		fzCheckRefusal(t, data, err)
		return
	}
	fzReadUTF16(t, data, sh, err)
	// A file that is not UTF-8 is read as UTF-16 or Windows-1252
	// (decodeText): whatever its bytes, every cell is text.
	for _, r := range sh.Rows {
		for _, c := range r.Cells {
			if !utf8.ValidString(c.Text) {
				fzFail(t, "", "a cell that is not UTF-8, %q, read from %q", c.Text, data)
			}
		}
	}
	fzReadStrictCSV(t, data, sh, err)
	if sh.Date1904 {
		fzFail(t, "", "a CSV file has no 1904 dates")
	}
	if len(sh.Rows) > domain.MaxSheetRows+1 {
		fzFail(t, "", "read %d rows, past the limit and the one more that shows it", len(sh.Rows))
	}
	lines, prev := fzLines(data), 0
	for _, r := range sh.Rows {
		if r.Number <= prev || r.Number > lines {
			fzFail(t, "", "row number %d after %d, in a file of %d lines: %q", r.Number, prev, lines, data)
		}
		prev = r.Number
		if len(r.Cells) < 1 || len(r.Cells) > sheet.MaxColumns {
			fzFail(t, "", "row %d has %d cells", r.Number, len(r.Cells))
		}
		texts := make([]string, len(r.Cells))
		for i, c := range r.Cells {
			if c.Numeric {
				fzFail(t, "", "row %d: a CSV cell marked numeric", r.Number)
			}
			if !utf8.ValidString(c.Text) {
				fzFail(t, "", "row %d: cell %q is not UTF-8", r.Number, c.Text)
			}
			texts[i] = c.Text
		}
		if fzBlank(texts) {
			fzFail(t, "", "row %d is blank: %q", r.Number, texts)
		}
	}
}

// fzReadWrittenCSV writes rows with encoding/csv and checks ReadCSV reads
// back what a spreadsheet would show.
func fzReadWrittenCSV(t *testing.T, rows [][]string, crlf bool) {
	t.Helper()
	if rows == nil {
		return
	}
	if fzOtherSeparator(rows) {
		return // read as separated by semicolons or tabs, as its header shows
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.UseCRLF = crlf
	if err := w.WriteAll(rows); err != nil {
		t.Fatalf("encoding/csv cannot write %q: %v", rows, err)
	}
	data := buf.Bytes()
	if fzLooksUTF16(data) {
		return // cells of NULs and letters: read as UTF-16, fzReadUTF16's to check
	}
	sh, err := sheet.ReadCSV(data)
	for i, r := range rows {
		if len(r) > sheet.MaxColumns {
			if err == nil {
				fzFail(t, "", "row %d of %d cells was read: %q", i+1, len(r), data)
			}
			fzCheckRefusal(t, data, err)
			if want := "row " + strconv.Itoa(i+1) + " "; !strings.Contains(err.(*domain.Error).Fields["file"], want) {
				fzFail(t, "", "the refusal %v does not name row %d, the first with more than %d cells", err, i+1, sheet.MaxColumns)
			}
			return
		}
	}
	if err != nil {
		fzFail(t, "", "ReadCSV refuses what encoding/csv wrote (%v): %q", err, data)
	}
	var want []domain.SheetRow
	for i, r := range rows {
		cells := make([]string, len(r))
		for j, c := range r {
			if crlf {
				c = strings.ReplaceAll(c, "\r", "")
			} else {
				c = strings.ReplaceAll(strings.ReplaceAll(c, "\r\n", "\n"), "\r", "\n")
			}
			if i == 0 && j == 0 && bytes.HasPrefix(data, []byte(fzBOM)) {
				c = strings.TrimPrefix(c, fzBOM)
			}
			cells[j] = c
		}
		if fzBlank(cells) {
			continue
		}
		row := domain.SheetRow{Number: i + 1}
		for _, c := range cells {
			row.Cells = append(row.Cells, domain.SheetCell{Text: c})
		}
		want = append(want, row)
	}
	if len(sh.Rows) != len(want) {
		fzFail(t, "", "read %d rows, want %d\nread: %q\nwant: %q\nfile: %q", len(sh.Rows), len(want), sh.Rows, want, data)
	}
	for i := range want {
		if sh.Rows[i].Number != want[i].Number || !slices.Equal(sh.Rows[i].Cells, want[i].Cells) {
			fzFail(t, "", "row %d read as %d %q, want %d %q\nfile: %q", i, sh.Rows[i].Number, sh.Rows[i].Cells, want[i].Number, want[i].Cells, data)
		}
	}
}

// fzOtherSeparator reports whether rows written as CSV have a header (the
// first row not blank) that may read as separated by semicolons or tabs:
// split so, its first line reads at least as many headings fundtrack reads
// as its cells do (quotes taken off, so it errs towards leaving a file out).
func fzOtherSeparator(rows [][]string) bool {
	for _, r := range rows {
		if fzBlank(r) {
			continue
		}
		byComma := 0
		for _, h := range r {
			if domain.IsImportHeading(h) {
				byComma++
			}
		}
		line := strings.Join(r, ",")
		if end := strings.IndexAny(line, "\r\n"); end >= 0 {
			line = line[:end]
		}
		for _, sep := range []string{";", "\t"} {
			known := 0
			for _, h := range strings.Split(line, sep) {
				if domain.IsImportHeading(strings.Trim(h, `"`)) {
					known++
				}
			}
			if known > 0 && known >= byComma {
				return true
			}
		}
		return false
	}
	return false
}

// fzLooksUTF16 restates when a file without a byte order mark is read as
// UTF-16 text, and in which byte order: in its first KiB (an even number
// of bytes), more than half of the pairs of bytes are one NUL and one
// other byte, the NUL on the same side (second: little-endian; first:
// big-endian), and there are two pairs at least.
func fzLooksUTF16(data []byte) bool {
	_, ok := fzUTF16Order(data)
	return ok
}

func fzUTF16Order(data []byte) (binary.ByteOrder, bool) {
	if bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) || bytes.HasPrefix(data, []byte(fzBOM)) {
		return nil, false
	}
	n := min(len(data), 1024) / 2
	if n < 2 {
		return nil, false
	}
	var le, be int
	for i := range n {
		a, b := data[2*i], data[2*i+1]
		if a != 0 && b == 0 {
			le++
		}
		if a == 0 && b != 0 {
			be++
		}
	}
	switch {
	case 2*le > n:
		return binary.LittleEndian, true
	case 2*be > n:
		return binary.BigEndian, true
	}
	return nil, false
}

// fzReadUTF16 checks a file read as UTF-16 without a byte order mark: one
// that decodes (an even number of bytes, no lone surrogate) reads as its
// text written in UTF-8 reads, unless that text looks like UTF-16 in turn;
// one that does not decode is refused, the problem saying UTF-16.
func fzReadUTF16(t *testing.T, data []byte, sh domain.Sheet, err error) {
	t.Helper()
	order, ok := fzUTF16Order(data)
	if !ok {
		return
	}
	units := make([]uint16, len(data)/2)
	for i := range units {
		units[i] = order.Uint16(data[2*i:])
	}
	decodes := len(data)%2 == 0
	for i := 0; i < len(units); i++ {
		if !utf16.IsSurrogate(rune(units[i])) {
			continue
		}
		if i+1 < len(units) && utf16.DecodeRune(rune(units[i]), rune(units[i+1])) != utf8.RuneError {
			i++
			continue
		}
		decodes = false
	}
	if !decodes {
		var de *domain.Error
		if err == nil || !errors.As(err, &de) || !strings.Contains(de.Fields["file"], "UTF-16") {
			fzFail(t, "", "bytes that look like UTF-16 and do not decode are not refused as UTF-16: %v %q", err, data)
		}
		return
	}
	runes := utf16.Decode(units)
	// Read again, the text would lose a second byte order mark, or be
	// taken for a workbook: left out.
	text := []byte(strings.TrimPrefix(string(runes), fzBOM))
	if fzLooksUTF16(text) || bytes.HasPrefix(text, []byte(fzBOM)) || bytes.HasPrefix(text, []byte("PK\x03\x04")) {
		return
	}
	want, werr := sheet.ReadCSV(text)
	if (err == nil) != (werr == nil) || !slices.EqualFunc(sh.Rows, want.Rows, func(a, b domain.SheetRow) bool {
		return a.Number == b.Number && slices.Equal(a.Cells, b.Cells)
	}) {
		fzFail(t, "", "UTF-16 %q read as %v %q, its text %q as %v %q", data, err, sh.Rows, text, werr, want.Rows)
	}
}

// fzReadStrictCSV is the differential check on arbitrary bytes: where
// strict encoding/csv (RFC 4180 quotes, no LazyQuotes) reads the file,
// with the separator ReadCSV takes from the header, ReadCSV reads the same
// cells, numbered as a spreadsheet shows them (an empty line is a row that
// encoding/csv skips), or refuses a row wider than MaxColumns. A file with
// a lone CR is left out: encoding/csv reads it as text, spreadsheets (and
// ReadCSV) as a line end.
func fzReadStrictCSV(t *testing.T, data []byte, sh domain.Sheet, err error) {
	t.Helper()
	data = bytes.TrimPrefix(data, []byte(fzBOM))
	if !utf8.Valid(data) || fzLooksUTF16(data) {
		return
	}
	if bytes.Contains(bytes.ReplaceAll(bytes.TrimSuffix(data, []byte("\r")), []byte("\r\n"), nil), []byte("\r")) {
		return
	}
	if len(data) >= 4 && strings.EqualFold(string(data[:4]), "sep=") {
		return // a separator named on a first line: TestReadCSVSepLine's to check
	}
	sep, ok := fzSeparator(data)
	if !ok {
		return // which separator the header means is TestReadCSVSeparator's to check
	}
	if _, serr := fzStrict(data, sep).ReadAll(); serr != nil {
		return // not strict CSV: spreadsheets' own reading, checked above and in sheet_test.go
	}
	// Read again a record at a time: FieldPos tells the lines of the last
	// record read, from which the rows are numbered.
	r := fzStrict(data, sep)
	var want []domain.SheetRow
	extra := 0
	for {
		rec, rerr := r.Read()
		if rerr != nil {
			break // io.EOF: ReadAll read it all
		}
		first, _ := r.FieldPos(0)
		last, _ := r.FieldPos(len(rec) - 1)
		n := first - extra
		extra += last - first + strings.Count(rec[len(rec)-1], "\n")
		if len(rec) > sheet.MaxColumns {
			if err == nil {
				fzFail(t, "", "row %d of %d cells was read: %q", n, len(rec), data)
			}
			return
		}
		if fzBlank(rec) {
			continue
		}
		row := domain.SheetRow{Number: n}
		for _, c := range rec {
			row.Cells = append(row.Cells, domain.SheetCell{Text: c})
		}
		want = append(want, row)
		if len(want) == domain.MaxSheetRows+1 {
			break // ReadCSV stops reading here
		}
	}
	if err != nil {
		fzFail(t, "", "ReadCSV refuses what strict encoding/csv reads (%v): %q", err, data)
	}
	if len(sh.Rows) != len(want) {
		fzFail(t, "", "read %d rows, strict encoding/csv %d\nread: %q\nwant: %q\nfile: %q", len(sh.Rows), len(want), sh.Rows, want, data)
	}
	for i := range want {
		if sh.Rows[i].Number != want[i].Number || !slices.Equal(sh.Rows[i].Cells, want[i].Cells) {
			fzFail(t, "", "row %d read as %d %q, strict encoding/csv %d %q\nfile: %q", i, sh.Rows[i].Number, sh.Rows[i].Cells, want[i].Number, want[i].Cells, data)
		}
	}
}

// fzSeparator is the separator a file's header (one of its first lines
// that are not blank: the first, or one below title lines) leaves no
// doubt about: a comma if none of them has a semicolon or tab. ok is false
// when the headings they read would decide (ReadCSV's separator).
func fzSeparator(data []byte) (rune, bool) {
	lines := 0
	for _, line := range bytes.Split(data, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		if bytes.IndexAny(line, ";\t") >= 0 {
			return 0, false
		}
		if lines++; lines > domain.MaxTitleRows {
			break
		}
	}
	return ',', true
}

// fzStrict is encoding/csv's reader as RFC 4180 has it, rows ragged.
func fzStrict(data []byte, sep rune) *csv.Reader {
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma, r.FieldsPerRecord = sep, -1
	return r
}
