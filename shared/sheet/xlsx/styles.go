package xlsx

import (
	"encoding/xml"
	"strconv"
	"strings"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// A workbook stores a date, a time and a percentage as a plain number (a
// date is its serial number of days; 100% is 1) and says how to show it
// only in the cell's format: the cell's s attribute indexes the styles'
// <cellXfs>, whose numFmtId is one of Excel's built-in formats or one of
// the workbook's own <numFmts>. An import needs it to tell a figure from a
// date typed into a figures column (05/03/2026 would otherwise count
// 46,086 people), so each cell format is read as the kind of value it
// shows (formats).

// The relationship type of the styles part, transitional and strict.
const (
	relStyles   = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
	relStylesSt = "http://purl.oclc.org/ooxml/officeDocument/relationships/styles"
)

// stylesPart is the workbook's styles part, "" if it has none.
func stylesPart(p pkg, wbPath string, rels []relationship) string {
	for _, r := range rels {
		if r.typ == relStyles || r.typ == relStylesSt {
			if target := sheetPath(wbPath, r.target); p[target] != nil {
				return target
			}
		}
	}
	return ""
}

// formats reads a styles part: the kind of value each cell format shows,
// by its index in <cellXfs>. The styles part is read leniently: it only
// says how cells look, so damage to it leaves the formats read before the
// damage (and none after), as if those cells were plain numbers; excelize,
// which this reader answers as (differential_test.go), read no formats.
func formats(data []byte) []domain.CellFormat {
	custom := map[int]string{}
	var xfs []int
	var inXfs, inFmts bool
	_ = walk(data, func(d *xml.Decoder, depth int, se xml.StartElement) error {
		switch {
		case depth == 2:
			inXfs = se.Name.Local == "cellXfs"
			inFmts = se.Name.Local == "numFmts"
		case depth == 3 && inFmts && se.Name.Local == "numFmt":
			id, code := -1, ""
			for _, a := range se.Attr {
				switch a.Name.Local {
				case "numFmtId":
					if n, err := strconv.Atoi(strings.TrimSpace(a.Value)); err == nil {
						id = n
					}
				case "formatCode":
					code = a.Value
				}
			}
			if id >= 0 {
				custom[id] = code
			}
		case depth == 3 && inXfs && se.Name.Local == "xf":
			id := 0
			for _, a := range se.Attr {
				if a.Name.Local == "numFmtId" {
					id, _ = strconv.Atoi(strings.TrimSpace(a.Value))
				}
			}
			xfs = append(xfs, id)
		}
		return nil
	})
	out := make([]domain.CellFormat, len(xfs))
	for i, id := range xfs {
		if code, ok := custom[id]; ok {
			out[i] = formatOfCode(code)
		} else {
			out[i] = builtinFormat(id)
		}
	}
	return out
}

// builtinFormat is the kind of value one of Excel's built-in number
// formats shows (ECMA-376 part 1, 18.8.30): 9 and 10 percentages, 14 to 17
// and 22 dates, 18 to 21 and 45 to 47 times.
func builtinFormat(id int) domain.CellFormat {
	switch {
	case id == 9 || id == 10:
		return domain.FormatPercent
	case 14 <= id && id <= 17 || id == 22:
		return domain.FormatDate
	case 18 <= id && id <= 21 || 45 <= id && id <= 47:
		return domain.FormatTime
	}
	return ""
}

// formatOfCode is the kind of value a format code shows: a date where it
// has a day, month or year (d, m, y), a time where it has only hours,
// minutes or seconds (h, s, with m; or an elapsed [h], [mm], [ss]), a
// percentage where it has %, outside quoted text ("days"), escaped
// characters (\d), spacing and fill (_x, *x) and other brackets (a colour,
// a condition, a currency such as [$£-809]).
func formatOfCode(code string) domain.CellFormat {
	var b strings.Builder
	elapsed := false
	for i := 0; i < len(code); i++ {
		switch c := code[i]; c {
		case '"':
			if j := strings.IndexByte(code[i+1:], '"'); j >= 0 {
				i += j + 1
			} else {
				i = len(code)
			}
		case '\\', '_', '*':
			i++ // the character after it is shown as it is, or sets spacing
		case '[':
			j := strings.IndexByte(code[i:], ']')
			if j < 0 {
				i = len(code)
				continue
			}
			if in := strings.ToLower(code[i+1 : i+j]); in != "" && strings.Trim(in, "hms") == "" {
				elapsed = true // [h]:mm: a time that runs past a day
			}
			i += j
		default:
			b.WriteByte(c | 0x20*boolByte('A' <= c && c <= 'Z'))
		}
	}
	s := b.String()
	switch {
	case strings.ContainsAny(s, "dy"):
		return domain.FormatDate
	case elapsed || strings.ContainsAny(s, "hs"):
		return domain.FormatTime
	case strings.ContainsRune(s, 'm'):
		return domain.FormatDate
	case strings.ContainsRune(s, '%'):
		return domain.FormatPercent
	}
	return ""
}

func boolByte(b bool) byte {
	if b {
		return 1
	}
	return 0
}
