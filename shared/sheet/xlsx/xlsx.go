// Package xlsx reads and writes Excel workbooks (.xlsx) for imports, with
// excelize. A workbook is a zip of XML parts, so before excelize sees one
// it is checked here, reading only the zip's directory and one small part:
// it must be a zip holding a spreadsheet, not a macro-enabled one, with
// few enough parts whose declared sizes, uncompressed, stay within
// bounds. archive/zip refuses to inflate a part past its declared size,
// so the declared sizes bound the memory excelize can use whatever the
// file claims: a zip bomb is refused unread.
//
// Only the functions that take imports link this package (see
// functions/links_test.go): excelize is a large dependency the other
// functions have no use for.
package xlsx

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/sheet"
)

// Bounds on a workbook, far above what a sheet of 5,000 rows of figures
// needs (a few hundred kB of XML) and far below what would strain the
// function's memory.
const (
	MaxParts          = 500      // entries in the zip
	MaxUnzipped       = 48 << 20 // all parts, uncompressed
	MaxSharedStrings  = 16 << 20 // xl/sharedStrings.xml, uncompressed: every text cell's text
	maxContentTypes   = 1 << 20
	workbookMediaType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
	templateMediaType = "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml"
)

// Workbooks reads and writes workbooks for the service (service.Workbooks).
type Workbooks struct{}

func unsupported(msg string) error {
	return &domain.Error{Code: domain.CodeUnsupportedMedia, Message: msg}
}

func tooLarge(msg string) error {
	return &domain.Error{Code: domain.CodeTooLarge, Message: msg}
}

// Check refuses what is not a workbook excelize should open: not a zip
// (an old .xls, a password-protected workbook, anything else), a zip that
// holds no spreadsheet (a Word document), a macro-enabled workbook, or
// one too large once uncompressed.
func Check(data []byte) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		if bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0}) {
			return unsupported("the file is an old Excel workbook (.xls) or a password-protected one: save it as an Excel Workbook (.xlsx) without a password, or as CSV UTF-8")
		}
		return unsupported("the file is not an Excel workbook (.xlsx): save it as an Excel Workbook (.xlsx) or as CSV UTF-8")
	}
	if len(zr.File) > MaxParts {
		return tooLarge("the workbook has " + strconv.Itoa(len(zr.File)) + " parts, more than a sheet of figures needs (at most " + strconv.Itoa(MaxParts) + ")")
	}
	var total uint64
	var types *zip.File
	for _, f := range zr.File {
		name := strings.ToLower(strings.ReplaceAll(f.Name, "\\", "/"))
		total += f.UncompressedSize64
		switch {
		case f.UncompressedSize64 > MaxUnzipped || total > MaxUnzipped:
			return tooLarge("the workbook is too large once uncompressed (more than " + strconv.Itoa(MaxUnzipped>>20) + " MiB): send its figures alone, or as CSV")
		case name == "xl/sharedstrings.xml" && f.UncompressedSize64 > MaxSharedStrings:
			return tooLarge("the workbook's text is too large (its shared strings exceed " + strconv.Itoa(MaxSharedStrings>>20) + " MiB uncompressed)")
		case strings.HasSuffix(name, "vbaproject.bin") || strings.HasSuffix(name, "vbaprojectsignature.bin"):
			return unsupported("the workbook holds macros (.xlsm): fundtrack takes no macros; save it as an Excel Workbook (.xlsx)")
		case name == "[content_types].xml":
			types = f
		}
	}
	if types == nil || types.UncompressedSize64 > maxContentTypes {
		return unsupported("the file is a zip, not an Excel workbook (.xlsx)")
	}
	rc, err := types.Open()
	if err != nil {
		return unsupported("the workbook is damaged: its parts cannot be read")
	}
	defer rc.Close()
	ct, err := io.ReadAll(io.LimitReader(rc, maxContentTypes))
	if err != nil {
		return unsupported("the workbook is damaged: its parts cannot be read")
	}
	switch s := string(ct); {
	case strings.Contains(strings.ToLower(s), "macroenabled"):
		return unsupported("the workbook is macro-enabled (.xlsm): fundtrack takes no macros; save it as an Excel Workbook (.xlsx)")
	case !strings.Contains(s, workbookMediaType) && !strings.Contains(s, templateMediaType):
		return unsupported("the file is a zip, not an Excel workbook (.xlsx)")
	}
	return nil
}

// number is a cell value as a workbook stores a number.
var number = regexp.MustCompile(`^-?\d+(\.\d+)?([Ee][+-]?\d+)?$`)

// Read reads the first sheet of a workbook: each cell's value as stored
// (a date cell is its serial number of days; a formula its last value),
// rows numbered as Excel shows them, blank ones left out. Cells holding a
// number are marked Numeric, so a date column reads them as dates.
func (Workbooks) Read(data []byte) (domain.Sheet, error) {
	if err := Check(data); err != nil {
		return domain.Sheet{}, err
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		// Check has bounded every part: hold them in memory, never in
		// temporary files.
		UnzipSizeLimit: MaxUnzipped, UnzipXMLSizeLimit: MaxUnzipped,
	})
	if err != nil {
		return domain.Sheet{}, unsupported("the workbook cannot be opened (" + plain(err) + "): save it again as an Excel Workbook (.xlsx)")
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return domain.Sheet{}, sheet.FileProblem("the workbook has no sheet")
	}
	sh := domain.Sheet{Date1904: date1904(f)}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		return domain.Sheet{}, sheet.FileProblem("its first sheet cannot be read (" + plain(err) + ")")
	}
	defer rows.Close()
	for n := 1; rows.Next(); n++ {
		cols, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return domain.Sheet{}, sheet.FileProblem("row " + strconv.Itoa(n) + " of its first sheet cannot be read (" + plain(err) + ")")
		}
		if len(cols) > sheet.MaxColumns {
			return domain.Sheet{}, sheet.FileProblem("row " + strconv.Itoa(n) + " has more than " + strconv.Itoa(sheet.MaxColumns) + " columns")
		}
		row := domain.SheetRow{Number: n}
		empty := true
		for _, v := range cols {
			row.Cells = append(row.Cells, domain.SheetCell{Text: v, Numeric: number.MatchString(v)})
			empty = empty && strings.TrimSpace(v) == ""
		}
		if empty {
			continue
		}
		sh.Rows = append(sh.Rows, row)
		if len(sh.Rows) > domain.MaxImportRows+1 {
			return sh, nil // too many: ReadImport says so
		}
	}
	if err := rows.Error(); err != nil {
		return domain.Sheet{}, sheet.FileProblem("its first sheet cannot be read (" + plain(err) + ")")
	}
	return sh, nil
}

// date1904 reports whether the workbook counts dates from 1904.
func date1904(f *excelize.File) bool {
	props, err := f.GetWorkbookProps()
	return err == nil && props.Date1904 != nil && *props.Date1904
}

// plain is an excelize error's message without Go's wrapping.
func plain(err error) string {
	for u := errors.Unwrap(err); u != nil; u = errors.Unwrap(u) {
		err = u
	}
	s := err.Error()
	if len(s) > 120 {
		s = s[:120]
	}
	return s
}

// Template writes a workbook of one sheet, "Figures": the header row in
// bold and a row per project name (as text, so a name is never read as a
// number or formula), with the period columns formatted as dates.
func (Workbooks) Template(header []string, projects []string) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	const name = "Figures"
	if err := f.SetSheetName("Sheet1", name); err != nil {
		return nil, err
	}
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return nil, err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, err
	}
	text, err := f.NewStyle(&excelize.Style{NumFmt: 49}) // "@": text
	if err != nil {
		return nil, err
	}
	if err := sw.SetColWidth(1, 1, 30); err != nil {
		return nil, err
	}
	if err := sw.SetColWidth(2, len(header), 16); err != nil {
		return nil, err
	}
	cells := make([]any, len(header))
	for i, h := range header {
		cells[i] = excelize.Cell{StyleID: bold, Value: h}
	}
	if err := sw.SetRow("A1", cells); err != nil {
		return nil, err
	}
	for i, p := range projects {
		axis, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(axis, []any{excelize.Cell{StyleID: text, Value: p}}); err != nil {
			return nil, err
		}
	}
	if err := sw.Flush(); err != nil {
		return nil, err
	}
	// The period columns take dates; Excel shows them as the reader's locale does.
	dates, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	if err != nil {
		return nil, err
	}
	if err := f.SetColStyle(name, "B:C", dates); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
