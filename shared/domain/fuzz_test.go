package domain_test

// Fuzz targets for the domain's parsers and checks of untrusted text: dates,
// the personal-data check, NHS numbers and ids. The request bodies that
// carry them are fuzzed in shared/httpapi/fuzz_test.go. The seed corpora run
// as ordinary tests in `go test ./...`; see docs/fuzzing.md.

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/testkit/fuzzkit"
)

// fzFail reports a broken property (fuzzkit.Fail: known names a bug
// already reported, which FUNDTRACK_FUZZ_SKIP_KNOWN can look past).
var fzFail = fuzzkit.Fail

var fzDateShape = regexp.MustCompile(`^([0-9]{4})-([0-9]{2})-([0-9]{2})$`)

// fzRealDate says, by its own calendar arithmetic, whether s is a real
// YYYY-MM-DD date in the years 1900-2200.
func fzRealDate(s string) bool {
	m := fzDateShape.FindStringSubmatch(s)
	if m == nil {
		return false
	}
	y, _ := strconv.Atoi(m[1])
	mo, _ := strconv.Atoi(m[2])
	d, _ := strconv.Atoi(m[3])
	if y < 1900 || y > 2200 || mo < 1 || mo > 12 || d < 1 {
		return false
	}
	days := []int{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[mo-1]
	if mo == 2 && (y%4 == 0 && y%100 != 0 || y%400 == 0) {
		days = 29
	}
	return d <= days
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{
		"2024-04-01", "2024-02-29", "2023-02-29", "2100-02-29", "2000-02-29", "2024-02-30", "2024-04-31", "2024-12-31",
		"1900-01-01", "1899-12-31", "2200-12-31", "2201-01-01", "0000-01-01", "9999-12-31", "2024-00-10", "2024-13-01",
		"2024-01-00", "2024-4-1", "24-04-01", "2024/04/01", "2024-04-01T00:00:00Z", " 2024-04-01", "2024-04-01 ",
		"2024-04-01\n", "+2024-04-01", "-2024-04-01", "2024-04-1a", "２０２４-04-01", "2024‐04‐01", "", "x", "null",
		"\x00", "2024-04-01\x00", "20240401", "2024--04-01", "2024-04-001",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := domain.ParseDate(s)
		var u domain.Date
		uerr := u.UnmarshalText([]byte(s))
		if s == "" {
			if uerr != nil || !u.IsZero() {
				fzFail(t, "", "UnmarshalText(\"\") = %v, %v; want the zero date", u, uerr)
			}
		} else if (err == nil) != (uerr == nil) || u != d {
			fzFail(t, "", "ParseDate(%q) = %v, %v but UnmarshalText gives %v, %v", s, d, err, u, uerr)
		}
		if isReal := fzRealDate(s); isReal != (err == nil) {
			fzFail(t, "", "ParseDate(%q): err %v, but it %s a real date in 1900-2200", s, err, map[bool]string{true: "is", false: "is not"}[isReal])
		}
		if err != nil {
			if !d.IsZero() || err.Error() == "" {
				fzFail(t, "", "ParseDate(%q) refused it with %v but returned %v", s, err, d)
			}
			return
		}
		if d.IsZero() || d.String() != s {
			fzFail(t, "", "ParseDate(%q).String() = %q", s, d.String())
		}
		if b, _ := d.MarshalText(); string(b) != s {
			fzFail(t, "", "ParseDate(%q).MarshalText() = %q", s, b)
		}
		tm := d.Time()
		if tm.Location() != time.UTC || tm.Hour() != 0 || tm.Minute() != 0 || tm.Second() != 0 || tm.Nanosecond() != 0 {
			fzFail(t, "", "ParseDate(%q).Time() = %v, not midnight UTC", s, tm)
		}
		if domain.DateOf(tm) != d || domain.DateOf(tm.Add(23*time.Hour)) != d {
			fzFail(t, "", "DateOf(%v) is not %v", tm, d)
		}
		if d.AddDays(1).Before(d) || !d.AddDays(1).After(d) || d.DaysUntil(d.AddDays(1)) != 1 || d.DaysUntil(d) != 0 {
			fzFail(t, "", "day arithmetic is off around %v", d)
		}
	})
}

// fzPersonal are pieces of personal data that must be found wherever they
// are put (with a space either side).
var fzPersonal = []string{
	"943 476 5919", "9434765919", "943-476-5919", // valid NHS numbers (modulus 11)
	"943 4765 919", "943.476.5919", "943/476/5919", "943  476  5919", "９４３ ４７６ ５９１９", "94 34 76 59 19",
	"jo.bloggs@example.org", "a+b@mail.example.co.uk", "jöns@exämple.de", "用户@例子.广告", "jo＠example.org",
	"john @ nhs.net", "john@ nhs.net", `"j.smith"@nhs.net`, "john@[192.168.1.1]", "john@192.168.1.1",
	"j.smith @ nhs.uk", "JOHN @ NHS.NET", "a@[10.0.0.1]",
	"07700 900123", "07700900123", "+44 7700 900123", "(01632) 960 001", "+44 (0)20 7946 0018",
	"0044 7700 900123", "+44-7700-900123", "07700.900.123", "0113/496/0000", "＋４４ ７７００ ９００１２３",
	"943,476,5919", "943_476_5919", "943·476·5919", "(943) 476 5919", "943    476    5919", "NHS#943_476_5919",
	"07700_900123", "07700,900,123", "07700·900·123", "07700    900123", "07700_900_123", "+44 0 7700 900123",
	"+ 44 7700 900123", "+-44 7700 900123", "+.44.7700.900123", "+(44) 7700 900123", "+\u00a044 7700 900123", // + apart from 44
	"jo [at] example [dot] org", "jo(at)example.org", "jo「at」example.org", // disguised: brackets
	"jo“at”example“dot”org", "jo‘at’example.org", "jo»at«example»dot«org", `jo"at"example"dot"org`, "jo „at“ example.org", // and quotes
	// A name with a title (a comma ends it, so no text after makes it a
	// trust's name), a date of birth, a home postcode ("address" after
	// "home" is the cue, so no word before can make it an office's).
	"Mr John Smith,", "Mrs O'Brien,", "Mx Lee,", "Ms K. Patel,",
	"DOB 01/02/1980", "D.O.B. 1.2.80", "born on 3rd March 1979", "date of birth: 1 Feb 1980", "DoB 1980-02-01",
	"home address LE3 8RA", "home address sw1a1aa",
	// The same written as patient systems print a name (surname, initial,
	// title; the comma ends it), and a date of birth and a home postcode
	// before their cue, in brackets.
	"SMITH J MR,", "01/02/1990 (DOB)", "12.03.85 (d.o.b.)", "LS6 2AB (home address)",
	// A name after the word for the person, a hospital number after its
	// cue, a National Insurance number.
	"Pt: J. Smith", "client John S.", "MRN 1234567", "hospital no. K123456", "AB123456C", "NI no: AB123456",
	// With no cue: a flat, street and postcode (second security audit,
	// W1), which nothing around it makes an office's; and a National
	// Insurance number in lower case, spaced.
	"flat 2, 10 Downing Street, London SW1A 2AA", "ab 12 34 56 c",
	// Broken over a line, or with other marks between the groups (third
	// security audit, D1).
	"943 476\n5919", "943\r\n476\r\n5919", "07700\n900123", "943|476|5919", "943:476:5919", "07700;900123", "943..476..5919",
	"DOB:\n01/02/1980", "Mr\nJohn Smith,",
	// The sector's words for the person, before or after the name; NI
	// numbers with dashes; record systems' numbers; a date of birth year
	// first (third security audit, W1).
	"SU: John Smith,", "John Smith (client)", "NI: AB-12-34-56-C", "RiO 1234567", "DOB 19800201",
	// A mobile number as a spreadsheet leaves it, after a phone cue, and an
	// address with "at" and "dot" spelled out (third security audit, W2).
	"mob 7700900123", "tel 447700900123", "john.smith at gmail dot com",
	// An NI number with dashes after its cue, and an address spelled out
	// at a personal mail service (fix-guard). ("J Smith (client)" is not
	// here: after a word that labels a letter, "Plan J Smith (client)",
	// it is read as the plan's letter.)
	"NI no. GR-12-34-56-A", "jsmith at gmail dot com",
	// A Russian person's INN and an entrepreneur's OGRNIP after their
	// names (fix-guard5), and with their names after them as a label, in
	// brackets, which close it wherever it is put (fix-guard6).
	"ИНН 500100732259", "INN: 7707-083893-24", "ОГРНИП 304500116000157",
	"500100732259 (ИНН)", "304500116000157 (OGRNIP)",
	// A comma after the name before the number, and "no." after the name
	// in brackets (fix-guard9).
	"ИНН, 500100732259", "500100732259 (INN no.)",
}

var fzPersonalKinds = map[string]bool{
	`appears to contain an email address (for a place, write "at" instead of "@")`:                                                                     true,
	`appears to contain an email address ("at" and "dot" written as words)`:                                                                            true,
	"appears to contain an NHS number":                                                                                                                 true,
	"appears to contain a phone number":                                                                                                                true,
	`appears to contain a person's name (a title such as "Mr" or "Ms" before a name)`:                                                                  true,
	"appears to contain a date of birth":                                                                                                               true,
	"appears to contain a home address (a postcode given as where someone lives)":                                                                      true,
	"appears to contain a home address (a house number and street given as where someone lives)":                                                       true,
	`appears to contain a person's name (a name beside a word for the person, such as "client", "patient" or "Pt")`:                                    true,
	"appears to contain a hospital number":                                                                                                             true,
	"appears to contain a National Insurance number":                                                                                                   true,
	"appears to contain a date of birth (a full date right after a person's name)":                                                                     true,
	"appears to contain a home address (a house number, street and postcode with no organisation named before them)":                                   true,
	"appears to contain a home address (a flat, street and postcode)":                                                                                  true,
	`appears to contain a home address (a postcode after "postcode", with no organisation named before it)`:                                            true,
	"appears to contain a date of birth (a full date right before a person's name)":                                                                    true,
	"appears to contain a person's taxpayer number (a Russian INN of 12 digits is an individual's; an organisation's has 10)":                          true,
	"appears to contain a person's registration number (a Russian OGRNIP of 15 digits is an individual entrepreneur's; an organisation's OGRN has 13)": true,
}

// FuzzCheckPersonalData checks the personal-data check never panics, answers
// only personal_data_detected naming the field and the kind of data (never
// echoing it), and finds a known NHS number, email address or phone number
// put anywhere into any text (written in short groups, not next to other
// figures, which make it part of a list: seed-list-neighbour).
func FuzzCheckPersonalData(f *testing.F) {
	for _, s := range []string{
		"", "Two employers joined this quarter.", "Referrals up 12%; 3 people into work.", "NHS 943 476 5919",
		"nhs 9434765918", "ref 1234567890", "ring 07700 900123", "ring +44 (0)7700 900123", "mail jo@example.org", "meeting @ 3pm", "ratio 3 @ 5",
		"Drop-in clinic @ St.James's hospital", "Job fair @ Leeds.Beckett university", "figures @ returns.xlsx", "Clinic @ 10.30.11.15",
		"Info @ www.nhs.uk", "Job club @ Connexions.It was busy", "placed @ Tesco.com", "JOHN @ NHS.NET",
		"jo at example dot org", "ids 01jz8k3m4n5p6q7r8s9t0v1w2x", "2024-04-01 to 2024-06-30", "£31,000,000 awarded",
		"9434765919943476591", "x9434765919x", "943 476 59190", "phone: 0", "🚀 über ✓ \u2028", "a\x00b", "\xff\xfe",
		strings.Repeat("1", 200), strings.Repeat("12 ", 100), "counts 100000 100000 100000",
		"Client 0 7 7 0 0 9 0 0 1 2 3", "+44 7 7 0 0 9 0 0 1 2 3", "0 1 1 6 2 2 5 2 5 2 5", "NHS#943_476_5919",
		"John Smith 12/03/1985", "Smith, John 12.03.85", "Jane Doe (b. 1980)", "Mary Jones 01/04/2009 - 31/03/2012",
		"10 Downing Street, London SW1A 2AA", "Our office: 12 High Street, Leicester LE1 5WW", "Quarter ending 31/03/2025",
		strings.Repeat("Jo Smith ", 40) + "1/2/1980", strings.Repeat("12 High Street ", 30) + "LS1 4AP",
		"ring + 44 7700 900123", "+(44) 7700 900123", "2+ people", "+5 on last quarter", "+£300", "+ 44 people", "12 + 44 = 56",
		"£1,234,567", "2024-25", "12, 15, 20", "0 1 2 1 3 2 0 1 2 2 1 3", "Likert 0 1 2 3 4 5 6 7 8 9 10", "GA_2016_0042",
		"£50,000 (2010), £100,000 (2012)", "4,5,5,3,5,4,5,5,4,3", strings.Repeat("0 ", 20), strings.Repeat("943,", 10),
		"john“at”nhs“dot”net", "john»at«nhs.net", `staff said "at risk" cases rose`, "a project called “Into Work” at ‘Leeds’",
		"MS Society referral", "Don't Miss Out", "Miss-ed appointments", "born out of the 2019 pilot", "address the backlog",
		"home visits rose", "LE1 5WW is our base", "The Miss Agnes H Hunter Trust", "Mr and", "Miss A Session", "Mr ", "Mr.",
		"DOB", "born on the", "b.", "d.o.", "lives at", "home:", "moved to LE1", "LE3 8R", "Mr A-B-C-D-E-F", strings.Repeat("Miss A-", 50),
		strings.Repeat("lives at ", 30), strings.Repeat("born on the ", 30), "started 01/02/2024", "Based at LE1 5WW",
		"COHORT B MS", "Seen 01/02/2024, DOB missing", "LE1 5WW, home of the IPS team", "Client Services Manager",
		"Client A. Started work", "Hospital no. of beds 12345", "SC123456", strings.Repeat("A ", 60) + "MS",
		strings.Repeat("Client A. ", 30), strings.Repeat("(DOB) ", 30), strings.Repeat("12 ", 40) + "Acacia Avenue",
		"lives at 12 acacia close", "lives at flat 2, acacia court", "lives at rose cottage, mill lane", "2 hours drive",
		"client john smith", "supported mary o'brien", "participant jane doe-smith", "Client Zephaniah Okonkwo-Reyes",
		"Patient Initiated Follow-Up", "client Leeds McDonald's", "client john follow-up", "lives at flat", "supported",
		strings.Repeat("lives at rose cottage ", 30), strings.Repeat("flat 2, ", 40) + "mill lane",
		strings.Repeat("client john ", 40), strings.Repeat("supported O'", 40), strings.Repeat("Client Zeph A-", 40),
		"Postcode: LS1 4AP", "post code LS14AP", "postcode - M1 1AE", "Venue postcode: LS1 3BE", "post-", "post code",
		strings.Repeat("postcode: ", 40), "01/02/1990 - John Smith (DOB)", "12/03/1985 John Smith", "3 March 1988, Jane Doe",
		"Review meeting 01/04/2026 with Claire Murray", strings.Repeat("12/03/1985 ", 40) + "John Smith",
		// What the guard passes since fix-guard, and what it still finds.
		"GR-12-34-56-A", "PRJ-AB-12-34-56-A", "AB123456C-01", "NI: AB-12-34-56-C", "More at leeds dot gov dot uk",
		"Find us at www dot leeds dot gov dot uk", "jsmith at gmail dot com", "Trainee: Claire Murray", "trainee John Smith",
		"Post holder\nName: Claire Murray", "Client\nName: John Smith", "J Smith (client)", "W H Smith (client)",
		"Plan B J Smith (client)", "BE-BCE_KBO-0403170206", "BE-BCE_KBO-0801665903", "BE-BCE_KBO-9434765919",
		strings.Repeat("A. ", 40) + "Smith (client)", strings.Repeat("Post holder.\n", 40) + "Name: Claire Murray",
		// A Russian person's INN and OGRNIP after their names, and the
		// same digits, or an organisation's, kept (fix-guard5).
		"ИНН 500100732259", "RU-OGRN-304500116000157", "ref 500100732259", "IMEI 352094100000121", "ИНН 7707083893",
		"Premier Inn 500100732259", "ИНН 5001 0073 2259 11", "ИНН № 500100732259", "ОГРН ИП: 304500116000157",
		strings.Repeat("ИНН ", 40) + "500100732259", strings.Repeat("no ", 40) + "500100732259",
		// Their names after them: labels found, and the cue that labels
		// something else, or a word, kept (fix-guard6).
		"500100732259 INN", "304500116000157 - ОГРНИП", "500100732259 INN 7707083893", "500100732259 innings",
		"7707083893 (ИНН)", "500100732259 is the INN", "500100732259" + strings.Repeat(" is", 40) + " INN",
		// After a comma or semicolon, with "no." after it, in small
		// letters as a label; and the look-alikes kept (fix-guard9).
		"500100732259, INN", "304500116000157; OGRNIP", "500100732259 INN no.", "inn: 500100732259",
		"500100732259 (inn)", "Hub UPRN 720024500036; INN pending", "at the inn: 500100732259", "500100732259 (the inn)",
		"500100732259," + strings.Repeat(" is", 40) + " INN", "inn" + strings.Repeat(" no", 40) + " 500100732259",
		// A full name after a person-only cue before a company or road
		// word, and a place, charity or known employer so named (fix-guard9).
		"Patient John Smith Ltd", "SU: Asha Patel & Sons", "Pt: John Smith Street", "Patient Mary Seacole Ward",
		"SU: Mary Seacole Court residents", "SU: John Lewis Ltd", "Client John Smith Ltd",
		// Brackets between the name and the number, "IP" after the name,
		// and full-width colons (fix-guard9).
		"ИНН (500100732259)", "ИНН (ИП) 500100732259", "500100732259 (ИНН ИП)", "(INN 7707083893) 500100732259",
		"INN\uff1a500100732259", "DOB\uff1a01/02/1980", "ratio 3\uff1a1\uff1b 09\ufe1330", strings.Repeat("(", 40) + "500100732259",
		// "ИНН/КПП", "физлица", an owner after the name, "Tax ID", and
		// their look-alikes (fix-guard10).
		"ИНН/КПП 500100732259", "ИНН/КПП 7707083893/770701001", "ИНН физлица 500100732259", "/КПП 500100732259",
		"500100732259 (INN of the sole trader)", "500100732259 INN of", "Tax ID 500100732259", "Council tax ID 500100732259",
		strings.Repeat("/КПП ", 40) + "500100732259", "500100732259 INN" + strings.Repeat(" of the", 40),
		// An unlisted forename before a company word, "Court" before a
		// court's business, and their look-alikes (fix-guard10).
		"Patient Zephaniah Okonkwo-Reyes Ltd", "Patient Knows Best Ltd", "claimant John Smith Court hearing",
		"SU: Mary Seacole Court hearing loop", "Pt Zeph Okonkwo-Reyes Court", strings.Repeat("SU Zeph O'Neil Court ", 30),
	} {
		f.Add("notes", s, uint16(len(s)), uint8(3))
		f.Add("notes", s, uint16(0), uint8(0))
	}
	// Every form in fzPersonal, once, in a clean note.
	for i := range fzPersonal {
		f.Add("notes", "Referrals up 12%; 3 people into work.", uint16(13), uint8(i))
	}
	f.Add("", "", uint16(0), uint8(5))
	f.Add("notes.x", "ok", uint16(1), uint8(9))
	f.Fuzz(func(t *testing.T, field, text string, at uint16, which uint8) {
		fzCheckPD(t, field, text)
		// Put a known piece of personal data into the text, on a character
		// boundary, with a space either side: it must be found.
		pos := int(at) % (len(text) + 1)
		for pos > 0 && pos < len(text) && !utf8.RuneStart(text[pos]) {
			pos--
		}
		pd := fzPersonal[int(which)%len(fzPersonal)]
		withPD := text[:pos] + " " + pd + " " + text[pos:]
		if err := fzCheckPD(t, field, withPD); err == nil && !fzAmount(text[:pos], pd) && !(fzShortGroups(pd) && fzListed(text[:pos], text[pos:])) {
			fzFail(t, "", "CheckPersonalData missed %q in %q", pd, withPD)
		}
	})
}

// fzAmount reports whether digits written right after before read as
// money, which the guard lets through: ten digits in one run after a
// currency sign (and spaces).
func fzAmount(before, written string) bool {
	b := strings.TrimRight(before, " \t\u00a0\u2009\u3000")
	return (strings.HasSuffix(b, "£") || strings.HasSuffix(b, "$") || strings.HasSuffix(b, "€")) &&
		strings.IndexFunc(written, func(r rune) bool { return !unicode.IsDigit(r) }) < 0
}

// fzShortGroups reports whether written has a group of one or two digits
// (not a country code after a +, touching it or set apart by a space or
// marks: "+44", "+ 44", "+(44)"): next to other figures it may be read as
// part of a list (see fzListed).
func fzShortGroups(written string) bool {
	for _, m := range fzShortGroup.FindAllStringSubmatchIndex(written, -1) {
		if m[2] < 0 || !strings.HasPrefix(written[m[2]:m[3]], "+") {
			return true
		}
	}
	return false
}

var fzShortGroup = regexp.MustCompile(`(?:^|(\+[\s\-.(]*|[^\p{Nd}]))\p{Nd}{1,2}(?:$|[^\p{Nd}])`)

func fzCheckPD(t *testing.T, field, text string) error {
	t.Helper()
	err := domain.CheckPersonalData(field, text)
	if err == nil {
		return nil
	}
	var de *domain.Error
	if !errors.As(err, &de) || de.Code != domain.CodePersonalData || domain.ErrorCode(err) != domain.CodePersonalData {
		fzFail(t, "", "CheckPersonalData(%q, %q) = %T %v; want code %s", field, text, err, err, domain.CodePersonalData)
	}
	if de.Message == "" || err.Error() == "" {
		fzFail(t, "", "CheckPersonalData(%q, %q): empty message", field, text)
	}
	if len(de.Fields) != 1 || !fzPersonalKinds[de.Fields[field]] {
		fzFail(t, "", "CheckPersonalData(%q, %q): fields %q; want only %q with the kind of data found", field, text, de.Fields, field)
	}
	return err
}

// fzMonths are the months' names, written in full.
var fzMonths = []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
	"November", "December"}

// FuzzBirthDateForms writes a date of birth from the fuzzer's numbers in
// each way people type one (figures with any separators, two- or four-digit
// years, year first, the month's name in full or short, day first or month
// first, ordinals), after each birth cue, between any two texts, and checks
// the guard finds it. The same date without a cue, as a note dates what
// happened ("Started 01/02/1980."), must pass: dates are everywhere.
func FuzzBirthDateForms(f *testing.F) {
	f.Add(uint8(0), uint8(1), uint16(50), uint8(0), uint8(0), "Client", "started work.")
	f.Add(uint8(2), uint8(2), uint16(49), uint8(1), uint8(3), "", "")
	f.Add(uint8(30), uint8(11), uint16(0), uint8(5), uint8(6), "Intern", "(from the referral)")
	f.Add(uint8(13), uint8(6), uint16(79), uint8(9), uint8(8), "ref 12", "45")
	f.Add(uint8(8), uint8(0), uint16(62), uint8(11), uint8(9), "x", "y")
	f.Fuzz(func(t *testing.T, day, month uint8, year uint16, form, cue uint8, before, after string) {
		d, m, y := 1+int(day)%28, 1+int(month)%12, 1930+int(year)%80
		name := fzMonths[m-1]
		ordinal := strconv.Itoa(d) + map[int]string{1: "st", 2: "nd", 3: "rd", 21: "st", 22: "nd", 23: "rd"}[d]
		if len(ordinal) == len(strconv.Itoa(d)) {
			ordinal += "th"
		}
		dates := []string{
			fmt.Sprintf("%02d/%02d/%04d", d, m, y), fmt.Sprintf("%d.%d.%02d", d, m, y%100), fmt.Sprintf("%d-%d-%d", d, m, y),
			fmt.Sprintf("%02d %02d %04d", d, m, y), fmt.Sprintf("%04d-%02d-%02d", y, m, d), fmt.Sprintf("%02d%02d%04d", d, m, y),
			fmt.Sprintf("%d %s %d", d, name, y), fmt.Sprintf("%s %s %d", ordinal, name[:3], y), fmt.Sprintf("%s %d, %d", name, d, y),
			fmt.Sprintf("%d-%s-%02d", d, name[:3], y%100), fmt.Sprintf("%s of %s %d", ordinal, name, y), fmt.Sprintf("%02d / %02d / %02d", d, m, y%100),
		}
		cues := []string{"DOB", "D.O.B.", "dob:", "Date of birth", "date of birth:", "born", "born on", "Birth date", "DoB -",
			"born on the", "birthdate", "(b."}
		date := dates[int(form)%len(dates)]
		text := before + " " + cues[int(cue)%len(cues)] + " " + date + " " + after
		if err := fzCheckPD(t, "notes", text); err == nil {
			fzFail(t, "", "missed the date of birth in %q", text)
		}
		if err := domain.CheckPersonalData("notes", "Started "+date+"."); err != nil {
			fzFail(t, "", "refused the date %q with no birth cue: %v", date, err)
		}
	})
}

// FuzzHomePostcodeForms builds a UK postcode from the fuzzer's numbers
// (letters that are in use in each place), writes it in any case with or
// without its space, after each residence cue, between any two texts, and
// checks the guard finds it. The same postcode without a cue, as a service
// gives its base ("Based at LE1 5WW."), must pass.
func FuzzHomePostcodeForms(f *testing.F) {
	f.Add(uint32(0), uint8(0), uint8(0), "Client", "started work.")
	f.Add(uint32(123456789), uint8(1), uint8(3), "", "")
	f.Add(uint32(987654321), uint8(2), uint8(7), "team", "(home)")
	f.Add(uint32(55555), uint8(3), uint8(5), "supported", "LE1")
	f.Fuzz(func(t *testing.T, n uint32, form, cue uint8, before, after string) {
		const first, second, inward = "ABCDEFGHIJKLMNOPRSTUWYZ", "ABCDEFGHKLMNOPQRSTUVWXY", "ABDEFGHJLNPQRSTUWXYZ"
		pick := func(set string) byte { c := set[n%uint32(len(set))]; n /= uint32(len(set)); return c }
		out := string(pick(first))
		if n%2 == 0 {
			out += string(pick(second))
		}
		n /= 2
		out += strconv.Itoa(int(n % 10))
		n /= 10
		switch n % 3 {
		case 1:
			out += strconv.Itoa(int(n / 3 % 10))
		case 2:
			out += string("ABEHMNPRVWXY"[n/3%12])
		}
		n /= 30
		in := strconv.Itoa(int(n%10)) + string(pick(inward)) + string(pick(inward))
		pc := []string{out + " " + in, out + in, strings.ToLower(out + " " + in), out + "  " + in}[form%4]
		cues := []string{"lives at", "living in", "home address", "Home:", "address:", "moved to", "resides at",
			"address - 12 High Street,", "lives at Flat 3, 7 Mill Lane, Leicester", "relocated to"}
		// A full stop before the cue: no word of before makes it a
		// service's ("supported living", "the team moved").
		text := before + ". Client " + cues[int(cue)%len(cues)] + " " + pc + " " + after
		if err := fzCheckPD(t, "notes", text); err == nil {
			fzFail(t, "", "missed the home postcode %q in %q", pc, text)
		}
		if err := domain.CheckPersonalData("notes", "Based at "+pc+"."); err != nil {
			fzFail(t, "", "refused the postcode %q with no residence cue: %v", pc, err)
		}
	})
}

// fzNHSCheck computes the NHS number modulus 11 check independently.
func fzNHSCheck(s string) bool {
	if len(s) != 10 {
		return false
	}
	d := make([]int, 10)
	for i := range 10 {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
		d[i] = int(s[i] - '0')
	}
	sum := 0
	for i, w := range []int{10, 9, 8, 7, 6, 5, 4, 3, 2} {
		sum += d[i] * w
	}
	r := sum % 11
	switch r {
	case 0:
		return d[9] == 0
	case 1:
		return false // check digit would be 10: never issued
	default:
		return d[9] == 11-r
	}
}

func FuzzValidNHSNumber(f *testing.F) {
	for _, s := range []string{"9434765919", "9434765918", "4010232137", "0000000000", "1234567890", "943476591",
		"94347659190", "943 476 5919", "943476591a", "943476591/", "943476591:", "٩٤٣٤٧٦٥٩١٩", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := domain.ValidNHSNumber(s), fzNHSCheck(s); got != want {
			fzFail(t, "", "ValidNHSNumber(%q) = %v, want %v", s, got, want)
		}
	})
}

func FuzzValidID(f *testing.F) {
	for _, s := range []string{"01jz8k3m4n5p6q7r8s9t0v1w2x", "01JZ8K3M4N5P6Q7R8S9T0V1W2X", "01jz8k3m4n5p6q7r8s9t0v1w2i",
		"01jz8k3m4n5p6q7r8s9t0v1w2", "01jz8k3m4n5p6q7r8s9t0v1w2xx", "", "../../etc/passwd", "01jz8k3m4n5p6q7r8s9t0v1w2\x00"} {
		f.Add(s)
	}
	f.Add(domain.NewID())
	f.Fuzz(func(t *testing.T, s string) {
		ok := len(s) == 26
		for i := 0; ok && i < len(s); i++ {
			ok = strings.IndexByte("0123456789abcdefghjkmnpqrstvwxyz", s[i]) >= 0
		}
		if domain.ValidID(s) != ok {
			fzFail(t, "", "ValidID(%q) = %v, want %v", s, !ok, ok)
		}
	})
}

// fzNHSGroupings are ways people group an NHS number's ten digits, and
// fzNHSSeps the separators they put between the groups.
var (
	fzNHSGroupings = [][]int{{3, 3, 4}, {3, 4, 3}, {4, 3, 3}, {10}, {2, 2, 2, 2, 2}, {5, 5}, {1, 1, 1, 1, 1, 1, 1, 1, 1, 1},
		{4, 4, 2}, {2, 4, 4}, {3, 3, 2, 2}, {6, 4}}
	fzNHSSeps = []string{" ", "  ", "-", ".", "/", " - ", " / ", "\u00a0", "\u2013", "\u2009", "\u3000", "\uff0d", " . ",
		"_", "\u00b7", "    ", "\t", "\uff3f"}
	// fzNHSLayoutSeps join an NHS number's groups only in its own 3-3-4
	// layout: elsewhere they list figures or mark thousands.
	fzNHSLayoutSeps = []string{",", ", ", "\uff0c"}
)

// fzListed reports whether a text written before a number (after, for
// after) ends (starts) with a digit, once spaces, marks and invisible
// characters are set aside: a number written in groups of one or two
// digits may then be read as part of a list of figures, and missed.
func fzListed(before, after string) bool {
	skip := func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.Is(unicode.Cf, r) }
	b := []rune(strings.TrimRightFunc(before, skip))
	a := []rune(strings.TrimLeftFunc(after, skip))
	return len(b) > 0 && unicode.IsDigit(b[len(b)-1]) || len(a) > 0 && unicode.IsDigit(a[0])
}

// fzDigits writes the ASCII digits of s as full-width or Arabic-Indic
// digits (script 1 or 2), or leaves them (0).
func fzDigits(s string, script uint8) string {
	base := map[uint8]rune{1: 0xFF10, 2: 0x0660}[script%3]
	if base == 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return base + r - '0'
		}
		return r
	}, s)
}

// FuzzNHSNumberForms builds a valid NHS number (modulus 11, computed here)
// from the fuzzer's numbers, writes it grouped, separated and in digits of
// any script as people type it, puts it between any two texts (with a space
// either side), and checks the guard finds it. The one exception is money:
// right after a currency sign, ten digits are an amount.
func FuzzNHSNumberForms(f *testing.F) {
	f.Add(uint32(43476591), uint8(0), uint8(0), uint8(0), "Client", "started work.")
	f.Add(uint32(1023213), uint8(4), uint8(3), uint8(1), "", "")
	f.Add(uint32(9999999), uint8(6), uint8(9), uint8(2), "ref 1234567890", "2016")
	f.Add(uint32(12345678), uint8(1), uint8(6), uint8(0), "£", "pence")
	f.Add(uint32(43476591), uint8(0), uint8(18), uint8(0), "Client", "started work.") // 943,476,5919
	f.Add(uint32(43476591), uint8(2), uint8(19), uint8(1), "NHS#", "")                // 943, 476, 5919 grouped 3-3-4 whatever the grouping asked
	f.Add(uint32(43476591), uint8(6), uint8(13), uint8(0), "ref", "closed")           // 9_4_3_…
	f.Add(uint32(43476591), uint8(1), uint8(14), uint8(2), "", "")                    // middle dots
	f.Add(uint32(43476591), uint8(4), uint8(15), uint8(0), "table", "12")             // wide gaps; a list neighbour
	f.Fuzz(func(t *testing.T, body uint32, grouping, sep, script uint8, before, after string) {
		// A body of nine digits in the ranges England and Wales issue
		// (400-499 and 600-708 million) or test numbers (900+).
		first := []string{"4", "6", "9"}[body%3]
		digits := first + fmt.Sprintf("%08d", (body/3)%100_000_000)
		sum := 0
		for i := range 9 {
			sum += int(digits[i]-'0') * (10 - i)
		}
		check := (11 - sum%11) % 11
		if check == 10 {
			return // no valid number has this body
		}
		digits += strconv.Itoa(check)
		if !domain.ValidNHSNumber(digits) {
			fzFail(t, "", "ValidNHSNumber(%s) = false for a number with check digit %d", digits, check)
		}
		sizes := fzNHSGroupings[int(grouping)%len(fzNHSGroupings)]
		seps := append(slices.Clone(fzNHSSeps), fzNHSLayoutSeps...)
		written := seps[int(sep)%len(seps)]
		if slices.Contains(fzNHSLayoutSeps, written) {
			sizes = fzNHSGroupings[0] // 3-3-4
		}
		if slices.ContainsFunc(sizes, func(n int) bool { return n <= 2 }) && fzListed(before, after) {
			return
		}
		var parts []string
		at := 0
		for _, n := range sizes {
			parts = append(parts, digits[at:at+n])
			at += n
		}
		written = fzDigits(strings.Join(parts, written), script)
		text := before + " " + written + " " + after
		if err := fzCheckPD(t, "notes", text); err == nil && !fzAmount(before, written) {
			fzFail(t, "", "missed NHS number %s written %q in %q", digits, written, text)
		}
	})
}

// fzPhones are UK numbers (from Ofcom's ranges for drama) as groups of the
// national number without its leading 0.
var fzPhones = [][]string{{"7700", "900", "123"}, {"7700", "900123"}, {"113", "496", "0000"}, {"20", "7946", "0018"},
	{"1632", "960", "001"}, {"1632", "960001"}, {"808", "157", "0000"}, {"161", "496", "0999"}, {"300", "123", "4567"}}

// FuzzPhoneNumberForms writes a UK phone number in each written form
// (0…, (0…) …, +44…, + 44…, +(44)…, +44 (0)…, +44 0…, 0044…, digit by digit) with any of
// the separators people use, in any digits, between any two texts, and checks the guard finds it.
func FuzzPhoneNumberForms(f *testing.F) {
	f.Add(uint8(0), uint8(0), uint8(0), uint8(0), "call", "on Monday")
	f.Add(uint8(2), uint8(3), uint8(2), uint8(1), "", "")
	f.Add(uint8(5), uint8(4), uint8(7), uint8(0), "ref 12", "45")
	f.Add(uint8(0), uint8(6), uint8(0), uint8(0), "Client", "")      // +44 0 7700 900123
	f.Add(uint8(0), uint8(7), uint8(0), uint8(0), "Client", "asked") // 0 7 7 0 0 9 0 0 1 2 3
	f.Add(uint8(0), uint8(8), uint8(0), uint8(1), "", "")            // +44 7 7 0 0 …, full-width
	f.Add(uint8(2), uint8(7), uint8(11), uint8(0), "home", "")       // 0    1    1    3 …
	f.Add(uint8(1), uint8(0), uint8(9), uint8(0), "mob", "")         // 07700_900123
	f.Add(uint8(0), uint8(7), uint8(0), uint8(0), "counts 3", "")    // a list neighbour: not asserted
	f.Add(uint8(0), uint8(9), uint8(0), uint8(0), "ring", "")        // + 44 7700 900123
	f.Add(uint8(0), uint8(9), uint8(1), uint8(0), "", "")            // +-44-7700-900123
	f.Add(uint8(0), uint8(10), uint8(0), uint8(0), "mobile", "")     // +(44) 7700 900123
	f.Fuzz(func(t *testing.T, number, form, sep, script uint8, before, after string) {
		groups := fzPhones[int(number)%len(fzPhones)]
		seps := []string{" ", "-", ".", "/", "\u00a0", "\u2013", " - ", "", "\u3000", "_", "\u00b7", "    ", "\t"}
		s := seps[int(sep)%len(seps)]
		rest := strings.Join(groups[1:], s)
		var written string
		switch form % 11 {
		case 0:
			written = "0" + groups[0] + s + rest
		case 1:
			written = "(0" + groups[0] + ") " + rest
		case 2:
			written = "+44" + s + groups[0] + s + rest
		case 3:
			written = "+44 (0)" + groups[0] + s + rest
		case 4:
			written = "0044" + s + groups[0] + s + rest
		case 5:
			written = "+44 (0) " + groups[0] + s + rest
		case 6:
			written = "+44" + s + "0" + s + groups[0] + s + rest
		case 7, 8:
			// Digit by digit, the whole of its list (see fzListed).
			if s == "" || fzListed(before, after) {
				return
			}
			one := strings.Join(strings.Split("0"+strings.Join(groups, ""), ""), s)
			if form%11 == 8 {
				one = "+44" + s + one[len("0"+s):]
			}
			written = one
		case 9:
			// The + set apart from the 44 as the other groups are
			// (second security audit, D1): "+ 44 7700 900123", "+-44-…".
			written = "+" + s + "44" + s + groups[0] + s + rest
		case 10:
			written = "+(44)" + s + groups[0] + s + rest
		}
		written = fzDigits(written, script)
		text := before + " " + written + " " + after
		if err := fzCheckPD(t, "notes", text); err == nil {
			fzFail(t, "", "missed phone number written %q in %q", written, text)
		}
	})
}

// FuzzTextProblem checks domain.TextProblem against the SPEC's text rule,
// restated here: valid UTF-8; no control characters, except tab, CR and LF
// in multi-line fields; no bidirectional-override or zero-width characters
// (U+200B-U+200F, U+202A-U+202E, U+2066-U+2069, U+FEFF); and what fundtrack
// adds to it: no other invisible format character (general category Cf,
// U+180E and the tag characters among them) but the soft hyphen, which only
// one-line fields refuse, and the visible prepended concatenation marks
// (U+0600-U+0605, U+06DD, U+070F, U+0890, U+0891, U+08E2, U+110BD,
// U+110CD); no noncharacter (U+FDD0-U+FDEF, U+xFFFE, U+xFFFF). TextProblem
// may refuse more (line separators), never less.
func FuzzTextProblem(f *testing.F) {
	for _, s := range []string{"Leeds", "a\nb", "a\r\nb", "a\tb", "\u202eKROY", "Le\u200beds", "\ufeff", "\u2066x\u2069", "\x00",
		"\x7f", "\u0085", "\u2028", "\xff", "\xed\xa0\x80", "Café 🚀", "\u061c", "\u2060", "\u00ad", "S31\u180ex", "S31\ufffex",
		"\ufdd0", "\ufdef", "\U0010ffff", "\U0001fffe", "\U000e0067", "\u2061", "\ufff9", "\u0600\u0661", "\u06dd", "\U000110bd",
		"❤\ufe0f", "\ufffd", "Leeds\u00adbury"} {
		f.Add(s, false)
		f.Add(s, true)
	}
	prepended := map[rune]bool{0x0600: true, 0x0601: true, 0x0602: true, 0x0603: true, 0x0604: true, 0x0605: true, 0x06dd: true,
		0x070f: true, 0x0890: true, 0x0891: true, 0x08e2: true, 0x110bd: true, 0x110cd: true}
	f.Fuzz(func(t *testing.T, s string, multiLine bool) {
		problem := domain.TextProblem(s, multiLine)
		must := ""
		if !utf8.ValidString(s) {
			must = "invalid UTF-8"
		}
		for _, r := range s {
			switch {
			case r == '\t' || r == '\n' || r == '\r':
				if !multiLine {
					must = fmt.Sprintf("%U in one line", r)
				}
			case r < 0x20 || r >= 0x7f && r <= 0x9f:
				must = fmt.Sprintf("control %U", r)
			case r >= 0x200b && r <= 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0xfeff:
				must = fmt.Sprintf("invisible %U", r)
			case r == 0x00ad:
				if !multiLine {
					must = "a soft hyphen in one line"
				}
			case unicode.Is(unicode.Cf, r) && !prepended[r]:
				must = fmt.Sprintf("invisible format character %U", r)
			case r >= 0xfdd0 && r <= 0xfdef, r%0x10000 >= 0xfffe:
				must = fmt.Sprintf("noncharacter %U", r)
			}
		}
		if must != "" && problem == "" {
			fzFail(t, "", "TextProblem(%q, %v) accepts text with %s", s, multiLine, must)
		}
		if must == "" && problem != "" {
			// Allowed only for what TextProblem refuses beyond the SPEC.
			extra := false
			for _, r := range s {
				if r == 0x2028 || r == 0x2029 {
					extra = true
				}
			}
			if !extra {
				fzFail(t, "", "TextProblem(%q, %v) = %q, but the SPEC allows it", s, multiLine, problem)
			}
		}
	})
}
