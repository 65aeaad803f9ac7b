package domain_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
)

func TestValidNHSNumber(t *testing.T) {
	t.Parallel()
	cases := []struct {
		digits string
		want   bool
	}{
		{"9434765919", true},  // the NHS's own example number
		{"4010232137", true},  // check digit 7
		{"9876543210", true},  // remainder 0: 11 - 0 = 11 counts as check digit 0
		{"9434765918", false}, // one off the right check digit
		{"9434765910", false},
		{"1234567890", false}, // check digit would be 10: never valid
		{"1234567882", false},
		{"943476591", false},   // nine digits
		{"94347659190", false}, // eleven digits
		{"", false},
		{"943 476 5919", false}, // the caller strips separators
		{"943476591x", false},
		{"94347659/9", false},
		{"x434765919", false},
		{"０１２３４５６７８９", false}, // full-width digits are not ASCII digits
	}
	for _, c := range cases {
		if got := domain.ValidNHSNumber(c.digits); got != c.want {
			t.Errorf("ValidNHSNumber(%q) = %v, want %v", c.digits, got, c.want)
		}
	}
	// Every ten-digit string with a valid body has exactly one valid check
	// digit, unless the body's check digit would be 10 (then none).
	for _, body := range []string{"943476591", "401023213", "123456789", "000000000", "999999999", "100000000"} {
		valid := 0
		for d := '0'; d <= '9'; d++ {
			if domain.ValidNHSNumber(body + string(d)) {
				valid++
			}
		}
		if valid > 1 {
			t.Errorf("%s has %d valid check digits", body, valid)
		}
	}
}

// wantPersonal checks err is a personal_data_detected error naming field
// with the kind of data found, and never the data itself.
func wantPersonal(t *testing.T, err error, field, kind, text string) {
	t.Helper()
	var e *domain.Error
	if !errors.As(err, &e) || e.Code != domain.CodePersonalData {
		t.Errorf("CheckPersonalData(%q) = %v, want %s", text, err, domain.CodePersonalData)
		return
	}
	if len(e.Fields) != 1 || !strings.Contains(e.Fields[field], kind) {
		t.Errorf("CheckPersonalData(%q) fields %v, want %s naming %q", text, e.Fields, field, kind)
	}
	for _, part := range strings.FieldsFunc(text, func(r rune) bool { return r == ' ' || r == ',' }) {
		if len(part) >= 6 && strings.ContainsAny(part, "0123456789@") && (strings.Contains(e.Message, part) || strings.Contains(e.Fields[field], part)) {
			t.Errorf("CheckPersonalData(%q) echoes %q: %v", text, part, e)
		}
	}
}

func TestCheckPersonalData(t *testing.T) {
	t.Parallel()
	const nhs, email, phone = "an NHS number", "an email address", "a phone number"
	refused := []struct{ text, kind string }{
		{"943 476 5919", nhs},
		{"9434765919", nhs},
		{"943-476-5919", nhs},
		{"NHS no. 943 476 5919.", nhs},
		{"(9434765919)", nhs},
		{"started work.9434765919", nhs},
		{"9434765919x", nhs},
		{"first 4010232137 then more", nhs},
		{"two: 1234567890, 9434765919", nhs}, // an invalid number first does not hide a valid one
		{"line one\n943 476 5919\nline three", nhs},
		{"jo.bloggs@example.org", email},
		{"write to j+ips@nhs.net today", email},
		{"JO@EXAMPLE.CO.UK", email},
		{"07700 900123", phone},
		{"07700900123", phone},
		{"+44 7700 900123", phone},
		{"+447700900123", phone},
		{"020 7946 0018", phone},
		{"0113 496 0000", phone},
		{"+44 (0)20 7946 0018", phone},
		{"020-7946-0018", phone},
	}
	for _, c := range refused {
		wantPersonal(t, domain.CheckPersonalData("notes", c.text), "notes", c.kind, c.text)
	}
	// The field named is the one checked.
	wantPersonal(t, domain.CheckPersonalData("measures[0].name", "9434765919"), "measures[0].name", nhs, "9434765919")

	accepted := []string{
		"",
		"61 people, 240 referrals, 2011",
		"ref 9434765918",   // check digit wrong: not an NHS number
		"batch 1234567890", // check digit would be 10
		"case 94347659190", // eleven digits
		"id 19434765919",   // a valid number inside a longer run of digits is not standing alone
		"£800,000 from three funders; self-confidence up 130%, health up 106%",
		"period 01/04/2011 to 31/03/2012, reported 2012-04-15",
		"8 interns so far, 4 graduated, 3 in work; 30 temporary posts",
		"met @ the job centre",
		"Aspiro internships: cohorts of four",
		"Bradford: target 60 into paid work in 18 months, 61 reached, 240 referrals",
	}
	for _, text := range accepted {
		if err := domain.CheckPersonalData("notes", text); err != nil {
			t.Errorf("CheckPersonalData(%q) = %v, want nil", text, err)
		}
	}
}

// TestCheckPersonalDataGaps holds texts the first checker got wrong (a
// valid NHS number right after another ten-digit number, a UK number with
// its area code in brackets, runs of years or round numbers taken for
// phone numbers), fixed when the checks began to look for numbers that
// stand alone.
func TestCheckPersonalDataGaps(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ text, kind string }{
		{"1234567890 9434765919", "an NHS number"},
		{"refs 1234567890 943 476 5919", "an NHS number"},
		{"(020) 7946 0018", "a phone number"},
		{"(01632) 960 001", "a phone number"},
	} {
		wantPersonal(t, domain.CheckPersonalData("notes", c.text), "notes", c.kind, c.text)
	}
	for _, text := range []string{
		"cohorts in 2010 2011 2012",
		"quarterly referrals 1000 2000 3000",
	} {
		if err := domain.CheckPersonalData("notes", text); err != nil {
			t.Errorf("CheckPersonalData(%q) = %v, want nil: ordinary figures, not a phone number", text, err)
		}
	}
}
