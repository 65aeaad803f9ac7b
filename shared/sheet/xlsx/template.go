package xlsx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// The template's styles, as indexes into styles.xml's cellXfs.
const (
	styleBold = 1 // the header row
	styleText = 2 // numFmtId 49, "@": a project name is never read as a number or formula
	styleDate = 3 // numFmtId 14: Excel shows the date as the reader's locale does
)

// templateParts are the parts of the template but its sheet: the least a
// workbook needs for Excel and LibreOffice to open it.
var templateParts = [...]struct{ name, body string }{
	{"[Content_Types].xml", xml.Header + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
		`<Default Extension="xml" ContentType="application/xml"/>` +
		`<Override PartName="/xl/workbook.xml" ContentType="` + workbookMediaType + `"/>` +
		`<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>` +
		`<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>` +
		`</Types>`},
	{"_rels/.rels", xml.Header + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rId1" Type="` + relOfficeDoc + `" Target="xl/workbook.xml"/>` +
		`</Relationships>`},
	{"xl/workbook.xml", xml.Header + `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="` + nsRels + `">` +
		`<bookViews><workbookView/></bookViews>` +
		`<sheets><sheet name="Figures" sheetId="1" r:id="rId1"/></sheets>` +
		`</workbook>`},
	{"xl/_rels/workbook.xml.rels", xml.Header + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
		`<Relationship Id="rId1" Type="` + nsRels + `/worksheet" Target="worksheets/sheet1.xml"/>` +
		`<Relationship Id="rId2" Type="` + nsRels + `/styles" Target="styles.xml"/>` +
		`</Relationships>`},
	// Excel wants both default fills and a cell style, and the cellXfs in
	// the order of the style constants above.
	{"xl/styles.xml", xml.Header + `<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
		`<fonts count="2">` +
		`<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>` +
		`<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font>` +
		`</fonts>` +
		`<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>` +
		`<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>` +
		`<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>` +
		`<cellXfs count="4">` +
		`<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>` +
		`<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>` +
		`<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
		`<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>` +
		`</cellXfs>` +
		`<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>` +
		`</styleSheet>`},
}

// Template writes a workbook of one sheet, "Figures": the header row in
// bold and a row per project name (as text, so a name is never read as a
// number or formula), with the period columns (B and C) formatted as
// dates. The parts are written by hand: the template is fixed but for its
// cells.
func (Workbooks) Template(header []string, projects []string) ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range templateParts {
		w, err := zw.Create(p.name)
		if err != nil {
			return nil, err
		}
		if _, err := w.Write([]byte(p.body)); err != nil {
			return nil, err
		}
	}
	w, err := zw.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(templateSheet(header, projects)); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// templateSheet is the template's worksheet.
func templateSheet(header []string, projects []string) []byte {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	b.WriteString(`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">`)
	// Column A holds names; the rest are 16 wide, B and C as dates. <col>
	// ranges must not overlap, so B:C and D:… are apart.
	b.WriteString(`<cols><col min="1" max="1" width="30" customWidth="1"/>`)
	b.WriteString(`<col min="2" max="3" width="16" style="` + strconv.Itoa(styleDate) + `" customWidth="1"/>`)
	if len(header) > 3 {
		b.WriteString(`<col min="4" max="` + strconv.Itoa(len(header)) + `" width="16" customWidth="1"/>`)
	}
	b.WriteString(`</cols><sheetData>`)
	b.WriteString(`<row r="1">`)
	for i, h := range header {
		inlineCell(&b, domain.ColumnLetter(i)+"1", styleBold, h)
	}
	b.WriteString(`</row>`)
	for i, p := range projects {
		n := strconv.Itoa(i + 2)
		b.WriteString(`<row r="` + n + `">`)
		inlineCell(&b, "A"+n, styleText, p)
		b.WriteString(`</row>`)
	}
	b.WriteString(`</sheetData></worksheet>`)
	return b.Bytes()
}

// inlineCell writes a text cell holding its own text (an inline string),
// as excelize's stream writer did: no shared-strings part to keep.
func inlineCell(b *bytes.Buffer, ref string, style int, s string) {
	b.WriteString(`<c r="` + ref + `" s="` + strconv.Itoa(style) + `" t="inlineStr"><is><t`)
	if strings.TrimSpace(s) != s {
		b.WriteString(` xml:space="preserve"`)
	}
	b.WriteString(`>`)
	xml.EscapeText(b, []byte(escapeBSTR(s)))
	b.WriteString(`</t></is></c>`)
}

// escapeBSTR escapes what XML 1.0 cannot hold as Excel does, _xHHHH_ (and
// so a literal "_x" followed by four hex digits and "_" as _x005F_…), so
// that such a character reads back rather than becoming U+FFFD.
func escapeBSTR(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '_':
			if _, ok := bstrAt(s, i); ok {
				b.WriteString("_x005F_")
			} else {
				b.WriteByte('_')
			}
		case r < 0x20 && r != '\t' && r != '\n' && r != '\r', r == 0xFFFE, r == 0xFFFF:
			h := strconv.FormatInt(int64(r), 16)
			b.WriteString("_x" + strings.Repeat("0", 4-len(h)) + strings.ToUpper(h) + "_")
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	return b.String()
}
