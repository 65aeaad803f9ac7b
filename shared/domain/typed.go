package domain

import "strings"

// typedNumber is a number as people type one into a form: decimal digits
// with an optional sign and decimal part, commas only between groups of
// three digits.
var typedNumber = lazyRegexp(`^[+-]?(\d+|\d{1,3}(,\d{3})+)(\.\d+)?$|^[+-]?\.\d+$`)

// TypedNumber reads a number typed by a person ("310,000.50", "0.5",
// "-3") and returns it without its commas, ready for strconv, or false.
// strconv alone would take "NaN", "Inf" and "0x1p-1", and stripping every
// comma first would read a decimal comma ("31,00") as a hundred times the
// amount meant and "1,5" as fifteen: none of these is a number fundtrack
// should guess at.
func TypedNumber(s string) (string, bool) {
	if !typedNumber().MatchString(s) {
		return "", false
	}
	return strings.ReplaceAll(s, ",", ""), true
}
