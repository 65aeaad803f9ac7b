// Package export writes fundtrack's data in the formats people take away:
// CSV files that open in a spreadsheet, the 360Giving data package, and the
// open outcome summary with NHS disclosure control. It only formats what it
// is given (the service gathers the data and applies the roles table), and
// imports no AWS code.
package export

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// BOM is the UTF-8 byte order mark. Excel reads a CSV file without it in the
// machine's legacy code page, turning "£" into "Â£"; with it, as UTF-8.
const BOM = "\ufeff"

// CSVContentType is the media type of every CSV export.
const CSVContentType = "text/csv; charset=utf-8"

// WriteCSV writes a BOM, the header row and the rows as RFC 4180 CSV (CRLF
// line ends, fields quoted when they hold a comma, quote or line break).
// A line break inside a cell is written as CRLF too. Cells are written as
// given: pass user text through Text first.
func WriteCSV(w io.Writer, header []string, rows [][]string) error {
	if _, err := io.WriteString(w, BOM); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(header); err != nil {
		return err
	}
	if err := cw.WriteAll(rows); err != nil { // WriteAll flushes
		return err
	}
	return cw.Error()
}

// Text makes a cell of text someone typed safe to open in a spreadsheet.
// A cell whose first non-blank character is =, +, - or @ may be run as a
// formula (CSV or formula injection: "=HYPERLINK(…)" leaking data, "=cmd|…"
// running programs), and spreadsheets skip leading blanks before deciding:
// "\n=HYPERLINK(…)" and " =1+1" run too. So a cell whose first character
// other than spaces, tabs, CR, LF (and any other Unicode space or invisible
// format character) is one of those, or its full-width form, gets a leading
// apostrophe, which spreadsheets show as text and do not display. A cell
// that starts with a tab or CR is marked as well, as before. Numbers and
// dates that fundtrack formats itself (PoundsPlain, Date) do not go through
// Text, so they stay numbers, negative ones included.
func Text(s string) string {
	if s != "" && (s[0] == '\t' || s[0] == '\r') {
		return "'" + s
	}
	for _, r := range s {
		switch {
		case unicode.IsSpace(r) || unicode.Is(unicode.Cf, r):
			continue
		case strings.ContainsRune("=+-@\uFF1D\uFF0B\uFF0D\uFF20", r):
			return "'" + s
		}
		break
	}
	return s
}

// PoundsPlain writes an amount in pence as pounds with two decimals and no
// currency sign or thousands separator ("310000.00"), so spreadsheets read
// it as a number. It is exact: no floating point is involved. For people
// (pages, emails), domain.Pounds writes "£310,000.00".
func PoundsPlain(pence int64) string {
	sign := ""
	u := uint64(pence)
	if pence < 0 {
		sign, u = "-", uint64(-pence) // -MinInt64 wraps to itself; as uint64 it is right
	}
	frac := strconv.FormatUint(u%100, 10)
	if len(frac) == 1 {
		frac = "0" + frac
	}
	return sign + strconv.FormatUint(u/100, 10) + "." + frac
}

// Date writes a date as YYYY-MM-DD, which spreadsheets recognise as a date
// whatever the locale; an unset date is an empty cell.
func Date(d domain.Date) string { return d.String() }

// Slug turns a name into a short file-name part of lower-case ASCII letters,
// digits and single hyphens ("Working for Wellness (2025)" becomes
// "working-for-wellness-2025"); a name with none of those gives "programme".
// Letters with accents lose them, and letters ASCII lacks are written as
// English writes them (foldASCII), so "Côr Ysbyty" is "cor-ysbyty" and
// "Ælfric" "aelfric", not "c-r-ysbyty" and "lfric".
func Slug(name string) string {
	const max = 60
	var b strings.Builder
	hyphen := false
	// Lower case before folding (Æ to æ to ae) and after (№ to No).
	for _, r := range strings.ToLower(foldASCII(strings.ToLower(name))) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(r)
		default:
			hyphen = true
		}
		if b.Len() >= max {
			break
		}
	}
	s := strings.TrimRight(b.String()[:min(b.Len(), max)], "-")
	if s == "" {
		return "programme"
	}
	return s
}

// asciiLetters are the lower-case letters that NFKD does not take apart
// into an ASCII letter and accents, written as English writes them.
var asciiLetters = strings.NewReplacer("æ", "ae", "ø", "o", "ß", "ss", "œ", "oe", "ð", "d", "þ", "th", "ł", "l", "đ", "d", "ı", "i")

// foldASCII takes the accents off letters (NFKD, then dropping the
// combining marks: "ŵ" is "w"), and writes the letters of asciiLetters as
// ASCII. What is still not ASCII is left for Slug to drop.
func foldASCII(s string) string {
	s = norm.NFKD.String(asciiLetters.Replace(s))
	return strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Mn, r) {
			return -1
		}
		return r
	}, s)
}
