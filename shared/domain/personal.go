package domain

import (
	"regexp"
	"strings"
	"sync"
)

// fundtrack holds aggregate counts only. Free text is checked for the
// personal data most likely to slip in (an NHS number, an email address, a
// phone number) and refused, since once stored it would be hard to purge.

var (
	// Ten digits, optionally grouped 3-3-4 by spaces or hyphens.
	nhsNumber    = lazyRegexp(`^[0-9]{3}[ -]?[0-9]{3}[ -]?[0-9]{4}`)
	emailPattern = lazyRegexp(`[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+`)
	// UK numbers: +44 (optionally "(0)") or a leading 0, then 9 or 10 more
	// digits, with spaces, hyphens or brackets between groups.
	phoneNumber = lazyRegexp(`^(?:\+44\s?(?:\(0\)\s?)?|\(?0)[0-9](?:[\s()-]{0,2}[0-9]){8,9}`)
)

// lazyRegexp compiles a pattern on first use rather than at package init,
// which every Lambda cold start would pay for, used or not.
func lazyRegexp(pattern string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(pattern) })
}

// standsAlone finds the places in text where re (anchored with ^) matches a
// run that neither starts nor ends inside a longer run of digits. Go's
// regexp has no look-behind, and FindAll would skip a match that overlaps a
// rejected one, so each possible start is tried in turn.
func standsAlone(re *regexp.Regexp, text string, ok func(match string) bool) bool {
	for i := 0; i < len(text); i++ {
		if i > 0 && isDigit(text[i-1]) {
			continue
		}
		m := re.FindString(text[i:])
		if m == "" {
			continue
		}
		if end := i + len(m); end < len(text) && isDigit(text[end]) {
			continue
		}
		if ok == nil || ok(m) {
			return true
		}
	}
	return false
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// ValidNHSNumber reports whether ten digits carry a valid modulus 11 check digit.
func ValidNHSNumber(digits string) bool {
	if len(digits) != 10 {
		return false
	}
	sum := 0
	for i := 0; i < 9; i++ {
		c := digits[i]
		if c < '0' || c > '9' {
			return false
		}
		sum += int(c-'0') * (10 - i)
	}
	check := 11 - sum%11
	if check == 11 {
		check = 0
	}
	return check != 10 && int(digits[9]-'0') == check
}

// CheckPersonalData refuses text that holds an NHS number, an email address
// or a phone number, naming the field and what kind of data was found (never
// echoing it).
func CheckPersonalData(field, text string) error {
	kind := ""
	switch {
	case emailPattern().MatchString(text):
		kind = "an email address"
	case containsNHSNumber(text):
		kind = "an NHS number"
	case standsAlone(phoneNumber(), text, nil):
		kind = "a phone number"
	}
	if kind == "" {
		return nil
	}
	return &Error{Code: CodePersonalData,
		Message: "fundtrack keeps counts only; remove personal details of the people supported",
		Fields:  map[string]string{field: "appears to contain " + kind}}
}

func containsNHSNumber(text string) bool {
	return standsAlone(nhsNumber(), text, func(m string) bool {
		return ValidNHSNumber(strings.NewReplacer(" ", "", "-", "").Replace(m))
	})
}
