package sheet

import (
	"bytes"
	"fmt"
	"unicode/utf16"
	"unicode/utf8"
)

// The encodings a CSV file is read in (decodeText): UTF-8, with or
// without its byte order mark ("CSV UTF-8"); UTF-16, little- or
// big-endian (Excel's "Unicode Text"), with a byte order mark or, as some
// tools write it or strip the mark, without one (utf16Order); and, for a file
// that is not UTF-8 and has no byte order mark, Windows-1252, which UK
// Excel on Windows writes as "CSV (Comma delimited)" (Latin-1 is the same
// but for 0x80–0x9F, where Windows-1252 has € ‘ ’ “ ” – — and the like).
// Any byte is some Windows-1252 character, so a file is read so only when
// none of it is UTF-8 beyond ASCII: text that is valid UTF-8 by chance (Ã©
// for é) is vanishingly rare in real Windows files, while a UTF-8 file
// with a line pasted in from a Windows program, or two files joined, has
// both. Such a file could be read two ways, each garbling some of it, so
// it is refused naming the row of its first byte that is not UTF-8.

var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}
	zipMagic   = []byte("PK\x03\x04")
	oleMagic   = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1} // an old (.xls) workbook
)

// decodeText is a CSV file's text as UTF-8, or a problem with it.
func decodeText(data []byte) ([]byte, string) {
	switch {
	case bytes.HasPrefix(data, bomUTF8):
		data = data[len(bomUTF8):]
		if !utf8.Valid(data) {
			return nil, "starts as UTF-8 text but is not: in Excel, save it again as \"CSV UTF-8 (comma delimited)\""
		}
		return data, ""
	case bytes.HasPrefix(data, bomUTF16LE):
		return fromUTF16(data[2:], false, utf16Marked)
	case bytes.HasPrefix(data, bomUTF16BE):
		return fromUTF16(data[2:], true, utf16Marked)
	}
	// Before the UTF-8 check: UTF-16 of ASCII text is valid UTF-8, every
	// other byte a NUL, which would then be refused as control characters.
	if bigEndian, ok := utf16Order(data); ok {
		return fromUTF16(data, bigEndian, utf16Unmarked)
	}
	if utf8.Valid(data) {
		return data, ""
	}
	if bad, mixed := mixedUTF8(data); mixed {
		return nil, fmt.Sprintf("is UTF-8 text but for row %d, which has characters in another encoding "+
			"(pasted in from another program?): retype that row's accented letters, dashes and quotation marks, "+
			"or in Excel save the file again as \"CSV UTF-8 (comma delimited)\"", bad)
	}
	return fromWindows1252(data), ""
}

// mixedUTF8 reports whether data, which is not valid UTF-8, still holds
// UTF-8 beyond ASCII (a character of two to four bytes), and the row (as
// a spreadsheet numbers them: lines ended by LF, CR LF or CR alone) of its
// first byte that is not UTF-8.
func mixedUTF8(data []byte) (row int, mixed bool) {
	row = 0
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			if row == 0 {
				row = 1 + lineBreaks(data[:i])
			}
		case size > 1:
			mixed = true
		}
		i += size
	}
	return row, mixed && row > 0
}

// lineBreaks counts the line ends in data: LF, CR LF or CR alone.
func lineBreaks(data []byte) int {
	return bytes.Count(data, []byte("\n")) + bytes.Count(data, []byte("\r")) - bytes.Count(data, []byte("\r\n"))
}

// utf16Sample is how much of a file without a byte order mark utf16Order
// looks at: the header and the first rows.
const utf16Sample = 1024

// utf16Order reports whether data, which has no byte order mark, is
// UTF-16 text all the same, and in which byte order. A CSV file's text is
// mostly Latin letters, digits and punctuation (its headings are), each of
// which UTF-16 writes as two bytes, one of them NUL: the second of each
// pair little-endian, the first big-endian. So it is UTF-16 when, in its
// first KiB, more than half of the pairs of bytes are a NUL on that side
// and a byte that is not on the other. Text in any 8-bit encoding has no
// NUL bytes at all (a stray one is refused as a control character), so it
// never passes for UTF-16; nor does a file of one character (a pair).
func utf16Order(data []byte) (bigEndian, ok bool) {
	sample := data[:min(len(data), utf16Sample)&^1] // whole pairs only
	pairs := len(sample) / 2
	if pairs < 2 {
		return false, false
	}
	little, big := 0, 0
	for i := 0; i < len(sample); i += 2 {
		switch {
		case sample[i] != 0 && sample[i+1] == 0:
			little++
		case sample[i] == 0 && sample[i+1] != 0:
			big++
		}
	}
	switch {
	case 2*little > pairs:
		return false, true
	case 2*big > pairs:
		return true, true
	}
	return false, false
}

// How a UTF-16 file was recognised, for the refusal of one that is not
// UTF-16 after all.
const (
	utf16Marked   = "starts as UTF-16 (Unicode) text"
	utf16Unmarked = "looks like UTF-16 (Unicode) text without a byte order mark"
)

// fromUTF16 decodes UTF-16 text, recognised as how says; a lone surrogate
// or an odd byte at its end means it is not UTF-16 at all.
func fromUTF16(data []byte, bigEndian bool, how string) ([]byte, string) {
	problem := how + " but is not: in Excel, save it again as \"CSV UTF-8 (comma delimited)\""
	if len(data)%2 != 0 {
		return nil, problem
	}
	units := make([]uint16, len(data)/2)
	for i := range units {
		if bigEndian {
			units[i] = uint16(data[2*i])<<8 | uint16(data[2*i+1])
		} else {
			units[i] = uint16(data[2*i+1])<<8 | uint16(data[2*i])
		}
	}
	out := make([]byte, 0, len(units))
	for i := 0; i < len(units); i++ {
		r := rune(units[i])
		if utf16.IsSurrogate(r) {
			if i+1 >= len(units) {
				return nil, problem
			}
			if r = utf16.DecodeRune(r, rune(units[i+1])); r == utf8.RuneError {
				return nil, problem
			}
			i++
		}
		out = utf8.AppendRune(out, r)
	}
	return bytes.TrimPrefix(out, bomUTF8), ""
}

// windows1252 are the characters of Windows-1252's bytes 0x80–0x9F; the
// rest are Latin-1's (the byte's own code point). The five bytes it leaves
// undefined read as the C1 controls of the same value, as browsers read
// them, which the import then refuses as control characters.
var windows1252 = [32]rune{
	'€', 0x81, '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', 0x8D, 'Ž', 0x8F,
	0x90, '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', 0x9D, 'ž', 'Ÿ',
}

// fromWindows1252 decodes Windows-1252 text.
func fromWindows1252(data []byte) []byte {
	out := make([]byte, 0, len(data)+len(data)/8)
	for _, c := range data {
		switch {
		case c < 0x80:
			out = append(out, c)
		case c < 0xA0:
			out = utf8.AppendRune(out, windows1252[c-0x80])
		default:
			out = utf8.AppendRune(out, rune(c))
		}
	}
	return out
}
