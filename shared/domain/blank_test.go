package domain_test

import (
	"errors"
	"strings"
	"testing"
	"unicode"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// blanks are texts with nothing a reader sees (audit-security W2): Hangul
// fillers, the braille blank, the combining grapheme joiner, a variation
// selector alone, a mix of them with spaces.
var blanks = []string{
	"\u3164", "\u115f", "\u1160", "\uffa0", "\u2800", "\u034f", "\ufe0f", "\U000e0100",
	"\u3164\u3164\u3164", " \u2800 ", "\u00a0\u115f\u3000", "\u034f\u2800\u1160\uffa0",
}

// TestRequiredTextWithNothingVisibleIsRequired: a name, title or other
// required one-line text made only of characters that show as nothing is
// refused as "required", as an empty one is, naming the field alone; an
// optional text so made is refused too (it shows as empty but is not), and
// white space alone in an optional field is still taken, as it always was.
func TestRequiredTextWithNothingVisibleIsRequired(t *testing.T) {
	t.Parallel()
	required := map[string]bool{"name": true, "leadOrganisation": true, "title": true}
	for _, f := range textFields() {
		for _, s := range blanks {
			err := f.validate(s)
			if rerr := refusedIn(err, f.path); rerr != nil {
				t.Errorf("%s.%s = %q: %v", f.input, f.path, s, rerr)
				continue
			}
			var e *domain.Error
			errors.As(err, &e)
			want := domain.BlankProblem
			if required[f.path] {
				want = "required"
			}
			if e.Fields[f.path] != want {
				t.Errorf("%s.%s = %q: %q, want %q", f.input, f.path, s, e.Fields[f.path], want)
			}
		}
		if !required[f.path] {
			if err := f.validate(" \u00a0 "); err != nil {
				t.Errorf("optional %s.%s refuses white space alone: %v", f.input, f.path, err)
			}
		}
	}
	more := []struct {
		field    string
		validate func(s string) error
	}{
		{"beneficiaryLocations[0].name", func(s string) error {
			in := validProject()
			in.BeneficiaryLocations = []domain.Location{{GeoCode: "E08000032", Name: s}}
			return in.Validate()
		}},
		{"name", func(s string) error {
			in := domain.ScheduleInput{Name: s, Frequency: domain.Quarterly, FirstPeriodStart: domain.MustDate("2026-04-01"),
				LastPeriodEnd: domain.MustDate("2027-03-31")}
			return in.Validate()
		}},
		{"comment", func(s string) error {
			return domain.ReviewInput{Decision: domain.DecisionRequestChanges, Comment: s}.Validate()
		}},
	}
	for _, m := range more {
		for _, s := range blanks {
			err := m.validate(s)
			var e *domain.Error
			if rerr := refusedIn(err, m.field); rerr != nil {
				t.Errorf("%s = %q: %v", m.field, s, rerr)
			} else if errors.As(err, &e); !strings.HasPrefix(e.Fields[m.field], "required") {
				t.Errorf("%s = %q: %q, want required", m.field, s, e.Fields[m.field])
			}
		}
	}
	ref := domain.PaymentInput{AmountPence: 50_00, DueDate: domain.MustDate("2025-06-30"), Trigger: &domain.Trigger{Kind: domain.TriggerDate}}
	if err := ref.Validate(); err != nil {
		t.Fatalf("a good payment is refused: %v", err)
	}
	ref.Reference = "\u3164"
	if err := refusedIn(ref.Validate(), "reference"); err != nil {
		t.Errorf("a payment reference of a Hangul filler: %v", err)
	}
}

// TestInvisibleCharactersInsideVisibleTextPass: the characters that show
// as nothing alone have uses inside text that shows, and are kept there:
// a variation selector in an emoji, a Hangul filler in an old Hangul
// syllable, the combining grapheme joiner in Hebrew, a braille blank
// between braille letters.
func TestInvisibleCharactersInsideVisibleTextPass(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"Leeds ❤\ufe0f", "\u1100\u1160", "\u05d0\u034f\u05b7", "\u2801\u2800\u2803", "\u3164Leeds", "Leeds\u2800"} {
		for _, f := range textFields() {
			if err := f.validate(s); err != nil {
				t.Errorf("%s.%s = %q: %v", f.input, f.path, s, err)
			}
		}
	}
}

// defaultIgnorable is Unicode's Default_Ignorable_Code_Point, as
// DerivedCoreProperties.txt (Unicode 15.1) lists it: the oracle IsBlank's
// own derivation from Go's tables is held to.
var defaultIgnorable = [][2]rune{
	{0x00AD, 0x00AD}, {0x034F, 0x034F}, {0x061C, 0x061C}, {0x115F, 0x1160}, {0x17B4, 0x17B5}, {0x180B, 0x180F},
	{0x200B, 0x200F}, {0x202A, 0x202E}, {0x2060, 0x206F}, {0x3164, 0x3164}, {0xFE00, 0xFE0F}, {0xFEFF, 0xFEFF},
	{0xFFA0, 0xFFA0}, {0xFFF0, 0xFFF8}, {0x1BCA0, 0x1BCA3}, {0x1D173, 0x1D17A}, {0xE0000, 0xE0FFF},
}

// TestIsBlankIsWhiteSpaceAndDefaultIgnorable: IsBlank is Unicode's
// White_Space, its Default_Ignorable_Code_Point and the braille blank,
// and nothing else, over every code point.
func TestIsBlankIsWhiteSpaceAndDefaultIgnorable(t *testing.T) {
	t.Parallel()
	for r := rune(0); r <= unicode.MaxRune; r++ {
		want := unicode.IsSpace(r) || r == 0x2800
		for _, rg := range defaultIgnorable {
			want = want || r >= rg[0] && r <= rg[1]
		}
		if got := domain.IsBlank(r); got != want {
			t.Errorf("IsBlank(U+%04X) = %v, want %v", r, got, want)
		}
	}
	for _, s := range []string{"a", "\u0600", "\ufffd", "\u0301", "."} {
		if !domain.HasVisible(s) {
			t.Errorf("HasVisible(%q) = false", s)
		}
	}
}
