package domain

import (
	"strings"
	"testing"
)

// FuzzAddressSkip checks the guard's fast skip is sound: whatever the text,
// if either address pattern matches it once normalised, mayHoldAddress says
// it may hold one, so skipping the patterns never lets an address through.
func FuzzAddressSkip(f *testing.F) {
	for _, s := range []string{
		"", "jo@example.org", "john @ nhs.net", "john [at] nhs [dot] net", "john(at)nhs.net", "john<at>nhs.net",
		"john“at”nhs“dot”net", "john‘at’nhs.net", "john»at«nhs»dot«net", `john"at"nhs"dot"net`, "john'AT'nhs.net",
		"john „at“ nhs „dot“ net", "john«at»nhs.net", "john＂at＂nhs.net", "“j.smith”@nhs.net", "people’s “first job”",
		`staff said "at risk" cases rose`, "a project called “Into Work” at ‘Leeds’", "john\u200b“at”nhs.net",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		norm := normaliseForGuard(text)
		if (emailPattern().MatchString(norm) || hasSpacedEmail(norm)) && !mayHoldAddress(norm) {
			t.Errorf("%q (normalised %q) matches an address pattern, but the guard would skip the patterns", text, norm)
		}
	})
}

// TestAddressSkipLeavesQuotedNotes: quotation marks and apostrophes alone,
// in nearly every note, do not send it through the address patterns; only
// a quoted "at" does.
func TestAddressSkipLeavesQuotedNotes(t *testing.T) {
	t.Parallel()
	for _, text := range []string{
		"people’s “first job” at the trust’s estates team",
		`staff said "at risk" cases rose; don't count 'what' twice`,
		"„Zitat“, ‚Wort‘, «Bonjour», »Ausweis«, ‹un›, ”sv”, ＂wide＂",
		strings.Repeat("Dave's \"job\" at ‘Leeds’. ", 1000),
	} {
		if mayHoldAddress(normaliseForGuard(text)) {
			t.Errorf("mayHoldAddress(%.60q) = true, want false: no @, bracket or quoted at", text)
		}
	}
	for _, text := range []string{"john“at”nhs", "x 'At' y", `"aT"`, "»at«"} {
		if !mayHoldAddress(normaliseForGuard(text)) {
			t.Errorf("mayHoldAddress(%q) = false, want true: a quoted at", text)
		}
	}
}
