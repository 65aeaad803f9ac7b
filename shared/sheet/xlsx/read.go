package xlsx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"path"
	"strconv"
	"strings"
	"unicode/utf16"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// What follows reads a workbook as excelize v2.11 read it for this package
// (GetSheetList, Rows and Columns with RawCellValue), so that uploads read
// as they did before excelize was dropped: the differential test
// (differential_test.go) holds the two to the same answers. Where excelize
// ignored an error (a damaged worksheet ends its rows; a shared string
// index out of range is an empty cell), so does this.

const (
	// Excel's limits, which excelize enforced while reading.
	totalRows      = 1048576
	totalColumns   = 16384
	maxSheetName   = 31
	pathRels       = "_rels/.rels"
	pathSST        = "xl/sharedStrings.xml"
	pathTypes      = "[Content_Types].xml"
	relOfficeDoc   = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
	relOfficeDocSt = "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument"
	nsRels         = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
	nsRelsStrict   = "http://purl.oclc.org/ooxml/officeDocument/relationships"
)

var errMaxRows = errors.New("row number exceeds maximum limit")

// pkg is a workbook's parts by name, as excelize named them: backslashes
// made slashes, and the two parts it looked up by fixed name matched in
// any case. A name given twice is the later part.
type pkg map[string]*zip.File

func newPkg(zr *zip.Reader) pkg {
	p := make(pkg, len(zr.File))
	for _, f := range zr.File {
		name := strings.ReplaceAll(f.Name, "\\", "/")
		switch strings.ToLower(name) {
		case "[content_types].xml":
			name = pathTypes
		case "xl/sharedstrings.xml":
			name = pathSST
		}
		p[name] = f
	}
	return p
}

// read is a part's bytes, nil if there is no such part. Check has bounded
// every part's size, and archive/zip inflates none past it. A part that
// cannot be read whole (cut short, or failing its checksum) is an error,
// where excelize ignored it and read what it could: the one place this
// reader is stricter on purpose, as such a part's cells cannot be trusted.
func (p pkg) read(name string) ([]byte, error) {
	f, ok := p[name]
	if !ok {
		return nil, nil
	}
	rc, err := f.Open()
	if err == nil {
		defer rc.Close()
		var b []byte
		if b, err = io.ReadAll(rc); err == nil {
			return b, nil
		}
	}
	return nil, errors.New("its part " + name + " cannot be read whole: " + err.Error())
}

// sheetEntry is a <sheet> of xl/workbook.xml.
type sheetEntry struct {
	name, rid string
	hidden    bool // state="hidden" or "veryHidden": no tab shows it
}

// workbook is what Read needs of xl/workbook.xml: its sheets in order (as
// Excel shows their tabs) and whether its dates count from 1904.
type workbook struct {
	sheets   []sheetEntry
	date1904 bool
}

// relationship is a <Relationship> of a .rels part.
type relationship struct{ id, typ, target string }

// parseRels reads a .rels part. Its root's name is not checked: a part
// of another kind holds no <Relationship> anyway.
func parseRels(data []byte) ([]relationship, error) {
	var rels []relationship
	err := walk(data, func(d *xml.Decoder, depth int, se xml.StartElement) error {
		if depth == 2 && se.Name.Local == "Relationship" {
			var r relationship
			for _, a := range se.Attr {
				switch a.Name.Local {
				case "Id":
					r.id = a.Value
				case "Type":
					r.typ = a.Value
				case "Target":
					r.target = a.Value
				}
			}
			rels = append(rels, r)
		}
		return nil
	})
	return rels, err
}

// parseWorkbook reads xl/workbook.xml. Attributes are parsed as
// encoding/xml parsed them into excelize's structs: a sheetId that is not
// a number, or a date1904 that is not a boolean, is an error.
func parseWorkbook(data []byte) (workbook, error) {
	var wb workbook
	var inSheets bool
	err := walk(data, func(d *xml.Decoder, depth int, se xml.StartElement) error {
		switch {
		case depth == 2:
			inSheets = se.Name.Local == "sheets"
			if se.Name.Local == "workbookPr" {
				for _, a := range se.Attr {
					if a.Name.Local == "date1904" {
						v, err := xmlBool(a.Value)
						if err != nil {
							return err
						}
						wb.date1904 = v
					}
				}
			}
		case depth == 3 && inSheets && se.Name.Local == "sheet":
			var s sheetEntry
			for _, a := range se.Attr {
				switch {
				case a.Name.Local == "name":
					s.name = a.Value
				case a.Name.Local == "sheetId":
					if _, err := xmlInt(a.Value); err != nil {
						return err
					}
				case a.Name.Local == "id" && (a.Name.Space == nsRels || a.Name.Space == nsRelsStrict):
					s.rid = a.Value
				case a.Name.Local == "state":
					s.hidden = a.Value == "hidden" || a.Value == "veryHidden"
				}
			}
			wb.sheets = append(wb.sheets, s)
		}
		return nil
	})
	return wb, err
}

// xmlBool and xmlInt parse an attribute as encoding/xml does into a bool
// or an int field.
func xmlBool(s string) (bool, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return false, nil
	}
	return strconv.ParseBool(s)
}

func xmlInt(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	return strconv.ParseInt(s, 10, 64)
}

// walk calls fn for each start element of a whole XML document with its
// depth (the root is 1), up to the root's end, as xml.Decoder.Decode
// would read it: an empty part is no error, a malformed one is.
func walk(data []byte, fn func(d *xml.Decoder, depth int, se xml.StartElement) error) error {
	d := newDecoder(data)
	depth := 0
	for {
		tok, err := d.Token()
		if err == io.EOF && depth == 0 {
			return nil
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if err := fn(d, depth, t); err != nil {
				return err
			}
		case xml.EndElement:
			if depth--; depth == 0 {
				return nil
			}
		}
	}
}

func newDecoder(data []byte) *xml.Decoder {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.CharsetReader = charsetReader
	return d
}

// charsetReader reads the single-byte encodings an XML declaration may
// name besides UTF-8 (which encoding/xml reads itself). Excel writes
// UTF-8; excelize read any encoding, through golang.org/x/net's tables,
// which this package does not link.
func charsetReader(label string, input io.Reader) (io.Reader, error) {
	switch strings.ToLower(label) {
	case "iso-8859-1", "iso8859-1", "latin1", "l1", "us-ascii", "ascii":
		b, err := io.ReadAll(input)
		if err != nil {
			return nil, err
		}
		out := make([]rune, len(b))
		for i, c := range b {
			out[i] = rune(c)
		}
		return strings.NewReader(string(out)), nil
	}
	return nil, errors.New("the encoding " + strconv.Quote(label) + " is not supported")
}

// rowReader reads a worksheet's rows in order, as excelize's Rows did:
// next moves to the next row number, skipped numbers included, and
// columns gives that row's cells. Its state is excelize's, field for
// field, so that malformed sheets (rows out of order, rows without r)
// read as they did.
type rowReader struct {
	d               *xml.Decoder
	curRow, seekRow int
	token           *xml.StartElement // a <row> read but not yet handled
	err             error
	sst             func() ([]string, error)
	formats         []domain.CellFormat // by cell format index (styles)
	// hiddenRows are the numbers of the rows marked hidden (<row
	// hidden="1">: hidden by hand, by a filter, or in a collapsed group);
	// hiddenCols the ranges of columns marked hidden (<col min max
	// hidden="1"> in <cols>, which comes before the rows).
	hiddenRows map[int]bool
	hiddenCols [][2]int
}

// rowHidden notes whether the <row> se, numbered n, is hidden.
func (r *rowReader) rowHidden(se xml.StartElement, n int) {
	if attrTrue("hidden", se.Attr) {
		if r.hiddenRows == nil {
			r.hiddenRows = map[int]bool{}
		}
		r.hiddenRows[n] = true
	}
}

// colHidden notes the columns a hidden <col> covers (from 1).
func (r *rowReader) colHidden(se xml.StartElement) {
	if !attrTrue("hidden", se.Attr) {
		return
	}
	lo, err1 := attrInt("min", se.Attr)
	hi, err2 := attrInt("max", se.Attr)
	if err1 != nil || err2 != nil || lo < 1 || hi < lo {
		return
	}
	r.hiddenCols = append(r.hiddenCols, [2]int{lo, min(hi, totalColumns)})
}

// columnHidden reports whether column i (from 0) is hidden.
func (r *rowReader) columnHidden(i int) bool {
	for _, c := range r.hiddenCols {
		if c[0] <= i+1 && i+1 <= c[1] {
			return true
		}
	}
	return false
}

// attrTrue reports whether the boolean attribute name is true ("1" or "true").
func attrTrue(name string, attrs []xml.Attr) bool {
	for _, a := range attrs {
		if a.Name.Local == name {
			v, err := xmlBool(a.Value)
			return err == nil && v
		}
	}
	return false
}

func (r *rowReader) next() bool {
	if r.err != nil {
		return false
	}
	r.seekRow++
	if r.curRow >= r.seekRow {
		return true
	}
	for {
		tok, _ := r.d.Token()
		if tok == nil {
			return false
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local == "col" {
				r.colHidden(t)
			}
			if t.Name.Local == "row" {
				r.curRow++
				n, _ := attrInt("r", t.Attr)
				if n > totalRows {
					r.err = errMaxRows
					return false
				}
				if n != 0 {
					r.curRow = n
				}
				r.rowHidden(t, r.curRow)
				r.token = &t
				return true
			}
		case xml.EndElement:
			if t.Name.Local == "sheetData" {
				return false
			}
		}
	}
}

// rowCells is a row's cells as excelize's Columns built them, but held
// only up to one more than a row may have (sheet.MaxColumns): width is
// how many it would have held.
type rowCells struct {
	col   int // the column of the cell last read
	cells []domain.SheetCell
	width int
	max   int
}

func (c *rowCells) add(v domain.SheetCell) {
	blank := max(c.col-c.width-1, 0)
	c.width += blank + 1
	for ; blank > 0 && len(c.cells) < c.max; blank-- {
		c.cells = append(c.cells, domain.SheetCell{})
	}
	if len(c.cells) < c.max {
		c.cells = append(c.cells, v)
	}
}

// columns is the current row's cells, up to maxCells of them; the
// row's width says how many it has.
func (r *rowReader) columns(maxCells int) (rowCells, error) {
	row := rowCells{max: maxCells}
	if r.curRow > r.seekRow {
		return row, nil
	}
	sst, err := r.sst()
	if err != nil {
		return row, err
	}
	for {
		var se xml.StartElement
		if r.token != nil {
			se = *r.token
		} else {
			tok, _ := r.d.Token()
			if tok == nil {
				return row, err
			}
			switch t := tok.(type) {
			case xml.StartElement:
				se = t
			case xml.EndElement:
				if t.Name.Local == "sheetData" {
					return row, err
				}
				continue
			default:
				continue
			}
		}
		switch se.Name.Local {
		case "row":
			var n int
			n, err = attrInt("r", se.Attr)
			if n > totalRows {
				r.err, r.token = errMaxRows, nil
				return row, r.err
			} else if n != 0 {
				r.curRow = n
			} else if r.token == nil {
				r.curRow++
			}
			r.rowHidden(se, r.curRow)
			if r.curRow > r.seekRow {
				r.token = nil
				return row, err
			}
		case "c":
			row.col++
			c := readCell(r.d, se)
			if c.r != "" {
				if row.col, err = cellColumn(c.r); err != nil {
					r.token = nil
					return row, badCellRef{err}
				}
			}
			if v := c.value(sst); v != "" || c.formula {
				sc := c.sheetCell(v)
				if sc.Numeric && c.style < len(r.formats) {
					sc.Format = r.formats[c.style]
				}
				row.add(sc)
			}
		}
		r.token = nil
	}
}

// attrInt is an attribute's value as a number, 0 if it has none.
func attrInt(name string, attrs []xml.Attr) (int, error) {
	var v int
	var err error
	for _, a := range attrs {
		if a.Name.Local == name {
			if v, err = strconv.Atoi(a.Value); err != nil {
				return v, err
			}
		}
	}
	return v, err
}

// cell is what a <c> holds that its value depends on.
type cell struct {
	r, t  string
	style int // the index of its cell format (s) in the styles' cellXfs

	v        string
	hasV     bool // a <v>, even an empty one
	formula  bool
	inline   bool
	inlineIS string
}

// readCell reads a <c> to its end as excelize's cellXMLHandler did: its
// <v>, <f> and <is> wherever they are within it, the last of each. An
// error ends it with what was read.
func readCell(d *xml.Decoder, start xml.StartElement) cell {
	var c cell
	for _, a := range start.Attr {
		switch a.Name.Local {
		case "r":
			c.r = a.Value
		case "s":
			n, err := strconv.ParseInt(a.Value, 10, 64)
			if err != nil {
				return c // excelize read no further: the cell's elements are the row's
			}
			c.style = int(min(max(n, 0), 1<<30))
		case "t":
			c.t = a.Value
		}
	}
	for {
		tok, err := d.Token()
		if err != nil {
			return c
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "v":
				s, err := text(d)
				if err != nil {
					return c
				}
				c.v, c.hasV = s, true
			case "f":
				c.formula = true
				if err := d.Skip(); err != nil {
					return c
				}
			case "is":
				c.inline = true
				s, err := stringItem(d, t)
				c.inlineIS = s
				if err != nil {
					return c
				}
			}
		case xml.EndElement:
			if t.Name == start.Name {
				return c
			}
		}
	}
}

// value is the cell's value as stored (excelize's RawCellValue): a shared
// string resolved, an inline string's text, anything else its <v>.
func (c cell) value(sst []string) string {
	switch c.t {
	case "s":
		if c.v == "" {
			return ""
		}
		i, _ := strconv.Atoi(strings.TrimSpace(c.v))
		if i < 0 || i >= len(sst) {
			return "" // excelize's error, which Columns ignored
		}
		return sst[i]
	case "inlineStr":
		if c.inline {
			return c.inlineIS
		}
	}
	return c.v
}

// Excel's wording of a boolean cell, which a CSV file saved from the
// same sheet holds too.
const (
	textTrue  = "TRUE"
	textFalse = "FALSE"
)

// noResult is the problem with a formula cell whose result the workbook
// does not hold: programs that write workbooks (openpyxl, report
// generators) leave the calculation to Excel, so its value is unknown,
// not empty, and reading it as empty would import 0 people.
const noResult = "holds a formula with no saved result: open and save the workbook in Excel (or type the figure)"

// sheetCell is the cell as an import reads it, given its value as stored
// (value). Where this differs from excelize's raw value, it does so on
// purpose: a boolean reads as Excel shows it (TRUE, FALSE), not as the
// number 1 or 0, so a count column refuses it rather than count a tick as
// a person; and a formula without a saved result is a problem, not an
// empty cell. A formula whose result is text (t="str") may have saved an
// empty one, which Excel writes as an empty <v>; without any <v>, as
// excelize writes a formula set on a text cell, it saved none. And only a
// cell stored as a number is Numeric: excelize's raw value does not say.
func (c cell) sheetCell(v string) domain.SheetCell {
	switch {
	case c.formula && v == "" && (c.t != "str" || !c.hasV):
		return domain.SheetCell{Problem: noResult}
	case c.t == "b":
		switch v {
		case "1":
			v = textTrue
		case "0":
			v = textFalse
		}
		return domain.SheetCell{Text: v}
	}
	// Only a number cell (no t, or t="n") holds a number: a text cell
	// ("s", "inlineStr", a formula's text result "str") holding digits is
	// text, a reference number or a serial date pasted as text, and reads
	// as a CSV file's cell does (audit W2).
	return domain.SheetCell{Text: v, Numeric: (c.t == "" || c.t == "n") && isNumber(v)}
}

// cellColumn is the column of a cell reference (A1, $B$2), as excelize's
// CellNameToCoordinates found it.
func cellColumn(ref string) (int, error) {
	col, _, err := cellCoordinates(ref)
	return col, err
}

// badCellRef is a cell whose reference no spreadsheet program writes
// ("A-5"), for Read to say so in its own words.
type badCellRef struct{ err error }

func (e badCellRef) Error() string { return e.err.Error() }
func (e badCellRef) Unwrap() error { return e.err }

// cellCoordinates is the column and row of a cell reference.
func cellCoordinates(ref string) (col, row int, err error) {
	alpha := func(r rune) bool { return 'A' <= r && r <= 'Z' || 'a' <= r && r <= 'z' || r == '$' }
	bad := errors.New("cannot convert cell " + strconv.Quote(ref) + " to coordinates: invalid cell name " + strconv.Quote(ref))
	if strings.IndexFunc(ref, alpha) != 0 {
		return -1, -1, bad
	}
	i := strings.LastIndexFunc(ref, alpha)
	if i < 0 || i >= len(ref)-1 {
		return -1, -1, bad
	}
	name := strings.ReplaceAll(ref[:i+1], "$", "")
	row, err = strconv.Atoi(ref[i+1:])
	if err != nil || row <= 0 {
		return -1, -1, bad
	}
	if row > totalRows {
		return -1, -1, errMaxRows
	}
	if name == "" {
		return -1, -1, errors.New("invalid column name " + strconv.Quote(name))
	}
	multi := 1
	for i := len(name) - 1; i >= 0; i-- {
		switch c := name[i]; {
		case 'A' <= c && c <= 'Z':
			col += int(c-'A'+1) * multi
		case 'a' <= c && c <= 'z':
			col += int(c-'a'+1) * multi
		default:
			return -1, -1, errors.New("invalid column name " + strconv.Quote(name))
		}
		if col > totalColumns {
			return -1, -1, errors.New("the column number must be greater than or equal to 1 and less than or equal to 16384")
		}
		multi *= 26
	}
	return col, row, nil
}

// sheetPart is the part of a sheet of the workbook at wbPath, given the
// workbook's relationships: "" if it has none, as excelize's sheet map
// then held no such sheet.
func sheetPart(p pkg, wbPath string, rels []relationship, s sheetEntry) string {
	found := ""
	for _, r := range rels {
		if r.id != s.rid {
			continue
		}
		if target := sheetPath(wbPath, r.target); p[target] != nil {
			found = target
		}
	}
	return found
}

// workbookPath is the workbook's part, from the package's relationships.
// A malformed _rels/.rels is no workbook, as excelize, ignoring the
// error, found none.
func workbookPath(p pkg) (string, error) {
	data, err := p.read(pathRels)
	if err != nil || data == nil {
		return "", err
	}
	rels, err := parseRels(data)
	if err != nil {
		return "", nil
	}
	for _, r := range rels {
		if r.typ == relOfficeDoc || r.typ == relOfficeDocSt {
			return strings.TrimPrefix(r.target, "/"), nil
		}
	}
	return "", nil
}

func workbookRelsPath(wbPath string) string {
	dir := path.Dir(wbPath)
	if dir == "." {
		return "_rels/" + path.Base(wbPath) + ".rels"
	}
	return strings.TrimPrefix(dir+"/_rels/"+path.Base(wbPath)+".rels", "/")
}

func sheetPath(wbPath, target string) string {
	if strings.HasPrefix(target, "/") {
		return strings.TrimPrefix(strings.ReplaceAll(path.Clean(target), "\\", "/"), "/")
	}
	return strings.TrimPrefix(strings.ReplaceAll(path.Clean(path.Dir(wbPath)+"/"+target), "\\", "/"), "/")
}

func checkSheetName(name string) error {
	switch {
	case name == "":
		return errors.New("the sheet name can not be blank")
	case len(utf16.Encode([]rune(name))) > maxSheetName:
		return errors.New("the sheet can only contain up to 31 characters")
	case strings.HasPrefix(name, "'") || strings.HasSuffix(name, "'"):
		return errors.New("the first or last character of the sheet name can not be a single quote")
	case strings.ContainsAny(name, ":\\/?*[]"):
		return errors.New("the sheet can not contain any of the characters :\\/?*[or]")
	}
	return nil
}
