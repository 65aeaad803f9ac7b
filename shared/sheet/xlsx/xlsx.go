// Package xlsx reads and writes Excel workbooks (.xlsx) for imports, with
// the standard library only (archive/zip and encoding/xml). A workbook is
// a zip of XML parts, so before any part is read it is checked here,
// reading only the zip's directory and one small part: it must be a zip
// holding a spreadsheet, not a macro-enabled one, with few enough parts
// whose declared sizes, uncompressed, stay within bounds. archive/zip
// refuses to inflate a part past its declared size, so the declared sizes
// bound the memory reading can use whatever the file claims: a zip bomb
// is refused unread.
//
// It reads what this package read with excelize before (the first
// sheet's raw cell values), which the tests check against excelize
// itself (differential_test.go). excelize is not linked into any function
// (functions/links_test.go): its package init alone allocated 1.3 MB in
// 21,000 allocations, which put the imports function at 2–3× a
// hello-world function's cold start (BENCHMARKS.md, section 6).
package xlsx

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"

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

// damagedProblem and saveAgain tell what is wrong with a workbook that is one but
// cannot be read, and what to do, in our words: the reader's own (an XML
// parser's, a zip's) would mean nothing to the person, and an answer never
// holds internal error text. The cause goes with the error, for logs only
// (sheet.FileProblemOf).
const (
	saveAgain      = "open it in Excel and save it again as an Excel Workbook (.xlsx), or save it as CSV UTF-8"
	damagedProblem = "the workbook is damaged and cannot be opened: " + saveAgain
)

func unsupported(msg string) error {
	return &domain.Error{Code: domain.CodeUnsupportedMedia, Message: msg}
}

// odsProblem is the refusal of an OpenDocument spreadsheet, which is a
// zip as a workbook is: told only "not an Excel workbook", people go round
// in a circle between the CSV and workbook refusals.
const odsProblem = "the file is an OpenDocument spreadsheet (.ods): in LibreOffice or Excel, save it as an Excel Workbook (.xlsx) or as CSV UTF-8"

// isODS reports whether the zip is an OpenDocument file: its first part is
// "mimetype", stored, naming an OpenDocument type.
func isODS(zr *zip.Reader) bool {
	for _, f := range zr.File {
		if f.Name == "mimetype" && f.UncompressedSize64 < 128 {
			rc, err := f.Open()
			if err != nil {
				return false
			}
			defer rc.Close()
			b, _ := io.ReadAll(io.LimitReader(rc, 128))
			return bytes.HasPrefix(b, []byte("application/vnd.oasis.opendocument"))
		}
	}
	return false
}

func tooLarge(msg string) error {
	return &domain.Error{Code: domain.CodeTooLarge, Message: msg}
}

// check refuses what is not a workbook to open: not a zip
// (an old .xls, a password-protected workbook, anything else), a zip that
// holds no spreadsheet (a Word document), a macro-enabled workbook, or
// one too large once uncompressed. Otherwise it gives the zip it read.
func check(data []byte) (*zip.Reader, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		if bytes.HasPrefix(data, []byte{0xD0, 0xCF, 0x11, 0xE0}) {
			return nil, unsupported("the file is an old Excel workbook (.xls) or a password-protected one: save it as an Excel Workbook (.xlsx) without a password, or as CSV UTF-8")
		}
		return nil, unsupported("the file is not an Excel workbook (.xlsx): save it as an Excel Workbook (.xlsx) or as CSV UTF-8")
	}
	if len(zr.File) > MaxParts {
		return nil, tooLarge("the workbook has " + strconv.Itoa(len(zr.File)) + " parts, more than a sheet of figures needs (at most " + strconv.Itoa(MaxParts) + ")")
	}
	var total uint64
	var types *zip.File
	for _, f := range zr.File {
		name := strings.ToLower(strings.ReplaceAll(f.Name, "\\", "/"))
		total += f.UncompressedSize64
		switch {
		case f.UncompressedSize64 > MaxUnzipped || total > MaxUnzipped:
			return nil, tooLarge("the workbook is too large once uncompressed (more than " + strconv.Itoa(MaxUnzipped>>20) + " MiB): send its figures alone, or as CSV")
		case name == "xl/sharedstrings.xml" && f.UncompressedSize64 > MaxSharedStrings:
			return nil, tooLarge("the workbook's text is too large (its shared strings exceed " + strconv.Itoa(MaxSharedStrings>>20) + " MiB uncompressed)")
		case strings.HasSuffix(name, "vbaproject.bin") || strings.HasSuffix(name, "vbaprojectsignature.bin"):
			return nil, unsupported("the workbook holds macros (.xlsm): fundtrack takes no macros; save it as an Excel Workbook (.xlsx)")
		case name == "[content_types].xml":
			types = f
		}
	}
	if types == nil || types.UncompressedSize64 > maxContentTypes {
		if isODS(zr) {
			return nil, unsupported(odsProblem)
		}
		return nil, unsupported("the file is a zip, not an Excel workbook (.xlsx)")
	}
	rc, err := types.Open()
	if err != nil {
		return nil, sheet.FileProblemOf(damagedProblem, err)
	}
	defer rc.Close()
	ct, err := io.ReadAll(io.LimitReader(rc, maxContentTypes))
	if err != nil {
		return nil, sheet.FileProblemOf(damagedProblem, err)
	}
	switch s := string(ct); {
	case strings.Contains(strings.ToLower(s), "macroenabled"):
		return nil, unsupported("the workbook is macro-enabled (.xlsm): fundtrack takes no macros; save it as an Excel Workbook (.xlsx)")
	case !strings.Contains(s, workbookMediaType) && !strings.Contains(s, templateMediaType):
		return nil, unsupported("the file is a zip, not an Excel workbook (.xlsx)")
	}
	return zr, nil
}

// Read reads the first sheet of a workbook: each cell's value as stored
// (a date cell is its serial number of days; a formula its last value,
// or a problem if the workbook saved none; a boolean TRUE or FALSE), rows
// numbered as Excel shows them, blank ones left out, merged ranges filled
// from their top-left cell. Cells stored as a number (not text holding
// digits) are marked Numeric, so a date column reads them as dates, and
// carry the kind of value their number format shows (a date, a time, a
// percentage), so a figures column refuses a date. The sheet keeps its name, for messages about it.
func (Workbooks) Read(data []byte) (domain.Sheet, error) {
	zr, err := check(data)
	if err != nil {
		return domain.Sheet{}, err
	}
	p := newPkg(zr)
	damaged := func(err error) error { return sheet.FileProblemOf(damagedProblem, err) }
	wbPath, err := workbookPath(p)
	if err != nil {
		return domain.Sheet{}, damaged(err)
	}
	wbData, err := p.read(wbPath)
	if err != nil {
		return domain.Sheet{}, damaged(err)
	}
	wb, err := parseWorkbook(wbData)
	if err != nil {
		return domain.Sheet{}, damaged(err)
	}
	relsData, err := p.read(workbookRelsPath(wbPath))
	if err != nil {
		return domain.Sheet{}, damaged(err)
	}
	rels, err := parseRels(relsData)
	if err != nil {
		return domain.Sheet{}, damaged(err)
	}
	if len(wb.sheets) == 0 {
		return domain.Sheet{}, sheet.FileProblem("the workbook has no sheet")
	}
	// The first sheet is the first one shown: a hidden sheet before it (an
	// old copy, a lookup table) is one no one looking at the workbook
	// sees, so its figures are never imported (audit import2 D2). Its name
	// is kept for the answer to say it was not read.
	var hiddenSheets []string
	at := slices.IndexFunc(wb.sheets, func(s sheetEntry) bool { return !s.hidden })
	if at < 0 {
		return domain.Sheet{}, sheet.FileProblem("every sheet of the workbook is hidden: in Excel, unhide the sheet of figures " +
			"(right-click a sheet's tab, Unhide) and save the workbook again")
	}
	for _, s := range wb.sheets[:at] {
		hiddenSheets = append(hiddenSheets, s.name)
	}
	first := wb.sheets[at]
	if err := checkSheetName(first.name); err != nil {
		return domain.Sheet{}, sheet.FileProblemOf("its first sheet cannot be read: its name is not one Excel allows; "+
			"rename the sheet in Excel and save the workbook again", err)
	}
	part := sheetPart(p, wbPath, rels, first)
	if part == "" {
		return domain.Sheet{}, sheet.FileProblem("its first sheet cannot be read (sheet " + first.name + " does not exist)")
	}
	ws, err := p.read(part)
	if err != nil {
		return domain.Sheet{}, damaged(err)
	}
	if len(ws) == 0 {
		return domain.Sheet{}, sheet.FileProblem("its first sheet cannot be read (its part is empty)")
	}
	// The shared strings are read when the first row is, as excelize
	// read them: a sheet without rows never needs them.
	var cellFormats []domain.CellFormat
	if sp := stylesPart(p, wbPath, rels); sp != "" {
		if b, err := p.read(sp); err == nil {
			cellFormats = formats(b)
		}
	}
	var sst []string
	sstRead := false
	rows := &rowReader{d: newDecoder(ws), formats: cellFormats, sst: func() ([]string, error) {
		if sstRead {
			return sst, nil
		}
		b, err := p.read(pathSST)
		if err == nil {
			sst, err = sharedStrings(b)
		}
		sstRead = err == nil
		return sst, err
	}}
	sh := domain.Sheet{Date1904: wb.date1904, Name: first.name, Sheets: len(wb.sheets), HiddenSheets: hiddenSheets}
	hiddenCols := map[int]*domain.HiddenColumn{} // those that held anything, by index
	heads := 0                                   // rows read that may be the header (or a title above it)
	for n := 1; rows.next(); n++ {
		cols, err := rows.columns(sheet.MaxColumns + 1)
		if err != nil {
			what := "the workbook is damaged there"
			if errors.As(err, new(badCellRef)) {
				what = "a cell reference in it is not valid"
			}
			return domain.Sheet{}, sheet.FileProblemOf("row "+strconv.Itoa(n)+" of its first sheet cannot be read: "+what+"; "+saveAgain, err)
		}
		if cols.width > sheet.MaxColumns {
			return domain.Sheet{}, sheet.FileProblem(sheet.TooWide(n))
		}
		row := domain.SheetRow{Number: n, Cells: cols.cells} // a new slice each row
		if blankRow(row) {
			continue
		}
		if rows.hiddenRows[n] {
			// A hidden row (hidden by hand, or by a filter) is not read:
			// what is imported is what the sheet shows.
			sh.HiddenRows = append(sh.HiddenRows, n)
			continue
		}
		for i, c := range row.Cells {
			if !rows.columnHidden(i) || (strings.TrimSpace(c.Text) == "" && c.Problem == "") {
				continue
			}
			hc := hiddenCols[i]
			if hc == nil {
				hc = &domain.HiddenColumn{Index: i}
				hiddenCols[i] = hc
			}
			if name, ok := domain.ImportColumn(strings.TrimSpace(c.Text)); ok && hc.Reads == "" && heads <= domain.MaxTitleRows {
				hc.Reads = name // a heading, in a row the header may be
			}
			row.Cells[i] = domain.SheetCell{}
		}
		heads++
		if blankRow(row) {
			continue
		}
		sh.Rows = append(sh.Rows, row)
		if len(sh.Rows) > domain.MaxSheetRows {
			return sh, nil // too many: ReadImport says so
		}
	}
	if rows.err != nil {
		return domain.Sheet{}, sheet.FileProblemOf("its first sheet cannot be read: the workbook is damaged; "+saveAgain, rows.err)
	}
	if err := fillMerged(&sh, ws); err != nil {
		return domain.Sheet{}, err
	}
	if len(rows.hiddenCols) > 0 {
		// A merged range's copies reach no hidden column either.
		for _, r := range sh.Rows {
			for i := range r.Cells {
				if rows.columnHidden(i) {
					r.Cells[i] = domain.SheetCell{}
				}
			}
		}
		sh.Rows = slices.DeleteFunc(sh.Rows, blankRow)
	}
	for _, i := range slices.Sorted(maps.Keys(hiddenCols)) {
		sh.HiddenColumns = append(sh.HiddenColumns, *hiddenCols[i])
	}
	return sh, nil
}

// isNumber reports whether a cell value is a number as a workbook stores
// one: -?\d+(\.\d+)?([Ee][+-]?\d+)? (by hand, not a regexp, which a
// package variable would compile at every cold start).
func isNumber(s string) bool {
	digits := func(i int) int {
		j := i
		for j < len(s) && '0' <= s[j] && s[j] <= '9' {
			j++
		}
		return j
	}
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	j := digits(i)
	if j == i {
		return false
	}
	i = j
	if i < len(s) && s[i] == '.' {
		if j = digits(i + 1); j == i+1 {
			return false
		}
		i = j
	}
	if i < len(s) && (s[i] == 'E' || s[i] == 'e') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if j = digits(i); j == i {
			return false
		}
		i = j
	}
	return i == len(s)
}
