package xlsx

import (
	"encoding/xml"
	"errors"
	"io"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// sharedStrings reads xl/sharedStrings.xml: each <si>'s text, as
// excelize's xlsxSI.String gave it.
func sharedStrings(data []byte) ([]string, error) {
	var sst []string
	d := newDecoder(data)
	// The root must be <sst>, as excelize's Decode into xlsxSST required.
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		if se, ok := tok.(xml.StartElement); ok {
			if se.Name.Local != "sst" {
				return nil, errors.New("expected element type <sst> but have <" + se.Name.Local + ">")
			}
			break
		}
	}
	for {
		tok, err := d.Token()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local != "si" {
				if err := d.Skip(); err != nil {
					return nil, err
				}
				continue
			}
			s, err := stringItem(d, t)
			if err != nil {
				return nil, err
			}
			sst = append(sst, s)
		case xml.EndElement:
			return sst, nil
		}
	}
}

// stringItem reads a string item (<si> in the shared strings, <is> in a
// cell) as encoding/xml unmarshalled excelize's xlsxSI and its String
// method joined it: the item's own <t>, then each rich-text run's <t>
// (<r><t>), text directly in those elements only (so phonetic runs,
// <rPh>, are left out), the last <t> where there are several, and Excel's
// _xHHHH_ escapes undone. It reads to the item's end; on an error, it
// returns the text of the elements read whole.
func stringItem(d *xml.Decoder, start xml.StartElement) (string, error) {
	var own string
	var runs []string
	for {
		tok, err := d.Token()
		if err != nil {
			return joinItem(own, runs), err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "t":
				s, err := text(d)
				if err != nil {
					return joinItem(own, runs), err
				}
				own = s
			case "r":
				s, err := run(d)
				if err != nil {
					return joinItem(own, runs), err
				}
				runs = append(runs, s)
			default:
				if err := d.Skip(); err != nil {
					return joinItem(own, runs), err
				}
			}
		case xml.EndElement:
			return joinItem(own, runs), nil
		}
	}
}

func joinItem(own string, runs []string) string {
	s := own + strings.Join(runs, "")
	return unescapeBSTR(s)
}

// run reads a rich-text run <r>: its last <t>'s text.
func run(d *xml.Decoder) (string, error) {
	var s string
	for {
		tok, err := d.Token()
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local == "t" {
				if s, err = text(d); err != nil {
					return "", err
				}
				continue
			}
			if err := d.Skip(); err != nil {
				return "", err
			}
		case xml.EndElement:
			return s, nil
		}
	}
}

// text reads an element's own character data to its end, leaving out
// the text of elements within it, as encoding/xml's ",chardata" does.
// Whitespace is kept whatever xml:space says, as excelize kept it.
func text(d *xml.Decoder) (string, error) {
	var b []byte
	for {
		tok, err := d.Token()
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.CharData:
			b = append(b, t...)
		case xml.StartElement:
			if err := d.Skip(); err != nil {
				return "", err
			}
		case xml.EndElement:
			return string(b), nil
		}
	}
}

// unescapeBSTR undoes Excel's escapes of characters XML 1.0 cannot hold,
// _xHHHH_, as excelize's bstrUnmarshal did: _x005F_ is "_", and an escape
// of a UTF-16 surrogate is dropped.
func unescapeBSTR(s string) string {
	if !strings.Contains(s, "_x") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if r, ok := bstrAt(s, i); ok {
			if r == '_' || utf8.ValidRune(r) && !utf16.IsSurrogate(r) {
				b.WriteRune(r)
			}
			i += 7
			continue
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

// bstrAt reports whether s holds an escape _xHHHH_ at i, and its rune.
func bstrAt(s string, i int) (rune, bool) {
	if i+7 > len(s) || s[i] != '_' || s[i+1] != 'x' || s[i+6] != '_' {
		return 0, false
	}
	v, err := strconv.ParseUint(s[i+2:i+6], 16, 32)
	if err != nil {
		return 0, false
	}
	return rune(v), true
}
