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
		{"email john @ nhs.net", email},
		{"email john@ nhs.net", email},
		{`email "j.smith"@nhs.net`, email},
		{"email john@[192.168.1.1]", email},
		{"john@192.168.1.1", email},
		{"john [at] nhs [dot] net", email}, // the usual disguises: no @ at all
		{"john(at)nhs(dot)net", email},
		{"john {at} nhs.net", email},
		{"john［at］nhs［dot］net", email}, // full-width brackets
		{"john＠nhs．net", email},
		{"john（at）nhs｛dot｝net", email},
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
		"meeting @ 3pm",
		"ratio 3 @ 5",
		"interviews @ 10.30, lunch @ 1.15",
		"Aspiro internships: cohorts of four",
		"Bradford: target 60 into paid work in 18 months, 61 reached, 240 referrals",
	}
	for _, text := range accepted {
		if err := domain.CheckPersonalData("notes", text); err != nil {
			t.Errorf("CheckPersonalData(%q) = %v, want nil", text, err)
		}
	}
}

// TestCheckPersonalDataSpacedAtPlaces holds the audit's "@ web site"
// notes (L1): a web site, or a word run on after a full stop, is a place
// after a spaced @, not an address. A domain people's addresses end in,
// written in one case, cannot be told from an address typed with spaces,
// so it is refused with a hint to write "at".
func TestCheckPersonalDataSpacedAtPlaces(t *testing.T) {
	t.Parallel()
	for _, text := range []string{
		"Info for clients @ www.nhs.uk",
		"More info @ WWW.GOV.UK/access-to-work",
		"Job club @ Connexions.It was busy",
		"Taster day @ Asda.Me and two staff attended",
		"Workshop @ 9.30am.Info packs given out",
	} {
		if err := domain.CheckPersonalData("notes", text); err != nil {
			t.Errorf("CheckPersonalData(%q) = %v, want nil", text, err)
		}
	}
	for _, text := range []string{
		"Two interns placed @ Tesco.com warehouse",
		"Vacancies advertised @ indeed.co.uk",
		"JOHN @ NHS.NET",
		"email john @ nhs.net",
		"email john@ nhs.net",
		"Info @ www.nhs.uk, or john @ nhs.net", // a web site does not hide an address after it
		"john@www.nhs.uk",                      // without a space, www. is just a domain
	} {
		err := domain.CheckPersonalData("notes", text)
		wantPersonal(t, err, "notes", "an email address", text)
		var e *domain.Error
		if errors.As(err, &e) && !strings.Contains(e.Fields["notes"], `write "at" instead of "@"`) {
			t.Errorf("CheckPersonalData(%q): %q, want it to say a place can be written with \"at\"", text, e.Fields["notes"])
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

// TestCheckPersonalDataAnySeparator holds what the API audit found stored
// (finding 1): NHS and UK phone numbers written with commas, underscores,
// middle dots, brackets, wide gaps or digit by digit, which the SPEC says
// the guard recognises "however they are grouped or separated" and "with
// any separators"; and, since a false alarm refuses a real return, the
// figures those separators also write and that must still pass.
func TestCheckPersonalDataAnySeparator(t *testing.T) {
	t.Parallel()
	const nhs, phone = "an NHS number", "a phone number"
	for _, c := range []struct{ text, kind string }{
		{"Client 943,476,5919", nhs},
		{"Client 943_476_5919", nhs},
		{"Client 943·476·5919", nhs},
		{"Client (943) 476 5919", nhs},
		{"Client 943    476    5919", nhs}, // a pasted table's gaps
		{"NHS#943_476_5919", nhs},
		{"943, 476, 5919", nhs},
		{"９４３，４７６，５９１９", nhs},
		{"943＿476＿5919", nhs},
		{"9 4 3 4 7 6 5 9 1 9", nhs},
		{"ref 1234567890 9 4 3 4 7 6 5 9 1 9 2016", nhs}, // longer numbers either side are numbers of their own
		{"Client 0 7 7 0 0 9 0 0 1 2 3", phone},
		{"Client 07700_900123", phone},
		{"Client +44 0 7700 900123", phone},
		{"+44 0 7700 900123 5", phone},
		{"07700,900,123", phone},
		{"07700·900·123", phone},
		{"07700    900123", phone},
		{"07700_900_123", phone},
		{"+44 7 7 0 0 9 0 0 1 2 3", phone},
		{"0 1 1 6 2 2 5 2 5 2 5", phone},
		{"0044 7 7 0 0 9 0 0 1 2 3", phone},
		{"tel 0-7-7-0-0-9-0-0-1-2-3", phone},
		{"call 0 7 7 0 0 9 0 0 1 2 3 - twice", phone},
		{"020,7946,0018", phone},
		{"(0113) 496_0000", phone},
	} {
		wantPersonal(t, domain.CheckPersonalData("notes", c.text), "notes", c.kind, c.text)
	}
	for _, text := range []string{
		"£1,234,567 awarded",
		"9,434,765,919 pence", // thousands, though the digits pass the NHS check
		"£9,434,765,919",
		"Grants: £50,000 (2010), £75,000 (2011) and £100,000 (2012).",
		"100,000 (2012)",
		"period 2024-25 and 2025-26",
		"2024_25 return",
		"referrals 12, 15, 20",
		"Referrals by month: 12, 15, 18, 20, 22, 19, 17, 21, 16, 14, 20, 26",
		"Referrals by month: 12 15 18 20 22 19 17 21 16 14 20 26",
		"Referrals by month: 12 15 18 20 22 19 17 21 16 14",
		"12,15,18,20,22,19,17,21,16,14",
		"Scores 4, 5, 5, 3, 5, 4, 5, 5, 4, 3", // spaced only, 4 5 5 3 5 4 5 5 4 3 is a valid NHS number
		"4,5,5,3,5,4,5,5,4,3",
		"Job starts by month: 0, 1, 2, 1, 3, 2, 0, 1, 2, 2, 1, 3",
		"Job starts by month: 0 1 2 1 3 2 0 1 2 2 1 3", // eleven digits from 01 inside a list of twelve
		"Referrals 10 0 1 2 1 3 2 0 1 2 2 1",
		"Likert 0 1 2 3 4 5 6 7 8 9 10", // 0123456789 passes the NHS check
		"0, 12, 15, 20, 22, 19",
		"0.1 0.2 0.3 0.4 0.5 0.6 0.7 0.8 0.9 1.0",
		"0.25, 0.50, 0.75, 1.00, 1.25",
		"GA_2016_0042", "IPS_2016_07_01", "GR-2024-00123", "grant 2024/25/0042", "ref 2016_9434765919", "1_000_000",
		"Referrals 12 · Job starts 4 · In work 3",
		"2010    2011    2012    2013",
		"Q1 58    Q2 61    Q3 64",
		"Ages 18, 24, 31, 45, 52, 60",
		"Referrals (12) 15 (18) 20",
		"Spend £120,000, £340,000, £5,600",
	} {
		if err := domain.CheckPersonalData("notes", text); err != nil {
			t.Errorf("CheckPersonalData(%q) = %v, want nil: figures, not personal data", text, err)
		}
	}
}

// TestCheckPersonalDataPlusApart holds what the second security audit
// stored (D1): a +44 number with a separator between the + and the 44,
// which the SPEC's "+44… forms with any separators" covers as it covers
// "00 44 …". Ordinary text with a + (a rise, "2+ people", money) passes.
func TestCheckPersonalDataPlusApart(t *testing.T) {
	t.Parallel()
	const phone = "a phone number"
	for _, text := range []string{
		"+ 44 7700 900123",
		"+ 447700900123",
		"+-44 7700 900123",
		"+.44.7700.900123",
		"+(44) 7700 900123",
		"+ (44) 7700 900123",
		"+\u00a044 7700 900123",
		"+  44  7700  900123",
		"+ 44 (0)20 7946 0018",
		"+ 44 0 7700 900123",
		"client mobile +.44.7700.900123",
		"ring her on + 44 7700 900123",
		"＋ ４４ ７７００ ９００１２３",
	} {
		wantPersonal(t, domain.CheckPersonalData("notes", text), "notes", phone, text)
	}
	for _, text := range []string{
		"2+ people into work",
		"+5 on last quarter",
		"+£300 on the budget line",
		"referrals + 44 on last year",
		"+ 44 people this quarter, + 12 job starts",
		"+44 people (+12%) on 2024",
		"12 + 44 = 56",
		"Referrals + 44, job starts + 12, in work + 7",
		"+ 44 (12%) on last year",
		"C++ 44 hours training",
	} {
		if err := domain.CheckPersonalData("notes", text); err != nil {
			t.Errorf("CheckPersonalData(%q) = %v, want nil: a + in ordinary text", text, err)
		}
	}
}

// TestCheckPersonalDataEveryBracketDisguise: an address disguised with
// "at" (and "dot") in any bracket people type is refused, as [at] is:
// the small-form curly brackets beside the small parentheses already
// mapped, the CJK lenticular and tortoise shell brackets (black and white)
// and angle brackets, ASCII, full-width, small and CJK. Text that only
// brackets words or numbers is still accepted.
func TestCheckPersonalDataEveryBracketDisguise(t *testing.T) {
	t.Parallel()
	for _, text := range []string{
		"contact john﹛at﹜nhs.net",
		"john﹙at﹚nhs﹛dot﹜net",
		"john【at】nhs.net",
		"john 【at】 nhs 【dot】 net",
		"john〔at〕nhs.net",
		"john〖at〗nhs.net",
		"john〘at〙nhs〘dot〙net",
		"john<at>nhs.net",
		"john <AT> nhs <DOT> net",
		"john＜at＞nhs.net",
		"john﹤at﹥nhs.net",
		"john〈at〉nhs.net",
		"john〈at〉nhs〈dot〉net",
	} {
		wantPersonal(t, domain.CheckPersonalData("notes", text), "notes", "an email address", text)
	}
	for _, text := range []string{
		"Cohort <2026>",
		"results 【draft】",
		"see 〔appendix〕 and ﹛table 2﹜",
		"met <at the job centre>",
		"score <at least 3> for 〈most〉 people",
		"<b>bold</b> at nhs.net",
	} {
		if err := domain.CheckPersonalData("notes", text); err != nil {
			t.Errorf("CheckPersonalData(%q) = %v, want nil", text, err)
		}
	}
}

// TestCheckPersonalDataBracketsByCategory: every opening and closing
// bracket Unicode knows (general categories Ps and Pe), and the guillemets,
// disguise "at" and "dot" as [ and ] do, including those no list named
// before: the French «» and ‹›, the Japanese quote brackets 「」 and 『』,
// the small tortoise shell beside the big one, and the ornamental ones.
// Words or numbers in such brackets are still accepted.
func TestCheckPersonalDataBracketsByCategory(t *testing.T) {
	t.Parallel()
	for _, pair := range []string{
		"«»", "‹›", "「」", "『』", "《》", "﹝﹞", "⟦⟧", "〚〛", "｢｣", "｟｠", "⦅⦆", "⁅⁆",
		"❨❩", "❪❫", "❬❭", "❮❯", "❰❱", "❲❳", "❴❵",
	} {
		r := []rune(pair)
		o, c := string(r[0]), string(r[1])
		for _, text := range []string{
			"john" + o + "at" + c + "nhs" + o + "dot" + c + "net",
			"contact john " + o + "at" + c + " nhs.net",
			"JOHN " + o + "AT" + c + " NHS " + o + "DOT" + c + " NET",
		} {
			wantPersonal(t, domain.CheckPersonalData("notes", text), "notes", "an email address", text)
		}
	}
	for _, text := range []string{
		"«Bonjour» at the job centre",
		"results 「draft」 and 『final』 at 3 sites",
		"see ⟦appendix⟧, ❨table 2❩ and 《annual report》",
		"‹at› least three people, «dot» points below",
		"met ❮at the job centre❯",
		"„Zitat“ and ‚Wort‘ and “quoted” and don’t",
	} {
		if err := domain.CheckPersonalData("notes", text); err != nil {
			t.Errorf("CheckPersonalData(%q) = %v, want nil", text, err)
		}
	}
}

// TestCheckPersonalDataQuotedDisguise: "at" (and "dot") between quotation
// marks disguises an address as a bracket does, whichever marks are used and
// whichever way round: English “at” and ‘at’, German „at“ and »at«, French
// «at», Swedish ”at”, ASCII "at" and 'at', full-width ＂at＂. Quotation marks
// around anything else, "at" quoted with other words, and apostrophes are
// still accepted.
func TestCheckPersonalDataQuotedDisguise(t *testing.T) {
	t.Parallel()
	for _, text := range []string{
		"john“at”nhs“dot”net",
		"john‘at’nhs.net",
		"john»at«nhs»dot«net",
		`john"at"nhs"dot"net`,
		"john'at'nhs'dot'net",
		"contact john „at“ nhs „dot“ net",
		"john‚at‘nhs.net",
		"john«at»nhs«dot»co«dot»uk",
		"john›at‹nhs.net",
		"john”at”nhs.net",
		"john＂at＂nhs＂dot＂net",
		"JOHN “AT” NHS “DOT” NET",
		"Jo.Smith“At”example.org",
		"“j.smith”@nhs.net", // a quoted local part, in curly quotes
	} {
		wantPersonal(t, domain.CheckPersonalData("notes", text), "notes", "an email address", text)
	}
	for _, text := range []string{
		`staff said "at risk" cases rose`,
		"a project called “Into Work” at ‘Leeds’",
		"the word “at” was missing from the form",
		"‘at’ and ‘dot’ are spelt out in the guidance",
		"»at« least three people, „dot“ points below",
		"Clients 'at' risk of losing work: 4 at St.James's",
		"people’s “first job” at the trust’s estates team",
		"He said 'I'm at work now' at the review",
		"Feedback: “great” (12), ‘ok’ (3), «bien» (1)",
	} {
		if err := domain.CheckPersonalData("notes", text); err != nil {
			t.Errorf("CheckPersonalData(%q) = %v, want nil", text, err)
		}
	}
}

// TestCheckPersonalDataAboutPeople holds what the audit found stored in
// every free-text field (sec31, finding 2): names with a title, dates of
// birth and home postcodes, which the SPEC and the README say fundtrack
// never holds. Each is refused only in the shape that says it is a
// person's, so the same titles, dates and postcodes in what programmes
// write every day still pass.
func TestCheckPersonalDataAboutPeople(t *testing.T) {
	t.Parallel()
	const name, birth, home = "a person's name", "a date of birth", "a home address"
	for _, c := range []struct{ text, kind string }{
		// The audit's own texts.
		{"Mr John Smith started work", name},
		{"Mrs Smith started", name},
		{"Ms Patel", name},
		{"Miss K Jones", name},
		{"Mx Lee", name},
		{"DOB 01/02/1980", birth},
		{"D.O.B. 1.2.80", birth},
		{"date of birth 1 February 1980", birth},
		{"born 01/02/1980", birth},
		{"born on 3rd March 1979", birth},
		{"lives at LE3 8RA", home},
		{"home address LE3 8RA", home},
		{"address: 12 High Street, LE3 8RA", home},
		{"Mr John Smith (DOB 01/02/1980, lives at LE3 8RA) started work", name},
		{"Please fix. Mr John Smith", name},
		// Titles as people write them.
		{"Mr. J. Smith asked for a reference", name},
		{"Mr.Smith asked for a reference", name},
		{"met Mrs O'Brien-Walsh at the job fair", name},
		{"Mr SMITH started on Monday", name},
		{"Miss Jones started work", name},
		{"Miss A. Jones started work", name},
		{"Ms Ødegaard joined the cohort", name},
		{"Mr Smith started at the Trust", name}, // a lower-case word ends the name: not a trust's
		{"Mr and Mrs Smith both started", name},
		// Dates of birth in any written form after any birth cue.
		{"DOB: 01-02-1980", birth},
		{"DOB. 01/02/1980", birth},
		{"dob 1980-02-01", birth},
		{"DoB 01021980", birth},
		{"d.o.b 01 02 80", birth},
		{"D. O. B. 1/2/1980", birth},
		{"Date of Birth: 1st Feb 1980", birth},
		{"birth date 01.02.1980", birth},
		{"birthdate Feb 1st, 1980", birth},
		{"Born: 1-Feb-80", birth},
		{"born on the 3rd of March 1979", birth},
		{"date of birth is 01/02/1980", birth},
		{"DOB of client: 01/02/1980", birth},
		{"John Smith (b. 01/02/1980)", birth},
		{"Smith, b. 1.2.80", birth},
		{"DOB ０１/０２/１９８０", birth},
		// Home postcodes after a residence cue.
		{"lives in SW1A 1AA", home},
		{"Client living at 12 High St, Leicester LE3 8RA", home},
		{"moved to le38ra last month", home},
		{"Client moved into LE3  8RA", home},
		{"resides at Flat 3, 12 St. Mary's Rd, LE3 8RA", home},
		{"at home in LE3 8RA", home},
		{"Home: LE3 8RA", home},
		{"Address - 4 Mill Lane, Braunstone LE3 8RA", home},
		{"home postcode LE3 8RA", home},
		{"resident of M1 1AE", home},
		// Surname, initials, title: the order patient systems print names in.
		{"SMITH J MR", name},
		{"SMITH J (MR)", name},
		{"SMITH, J, MR", name},
		{"SMITH J. A. MR started work", name},
		{"Smith J Mrs, 16 hours", name},
		// A date of birth or a home postcode before its cue, as a label.
		{"01/02/1990 (DOB)", birth},
		{"12.03.85 d.o.b.", birth},
		{"12.03.85 d.o.b. Started work", birth},
		{"01/02/1990 DOB", birth},
		{"1.2.80 (date of birth)", birth},
		{"1 Feb 1980 - date of birth", birth},
		{"01021990 birth date", birth},
		{"01/02/1990 is her DOB", birth},
		{"birthday is 01/02/1990", birth},
		{"LE1 7RH is his home postcode", home},
		{"LS6 2AB (home address)", home},
		{"LE3 8RA (home)", home},
		{"LE3 8RA - home address", home},
		{"LE3 8RA, home postcode", home},
		{"LE1 7RH is his home", home},
		{"LE3 8RA is where she lives", home},
	} {
		wantPersonal(t, domain.CheckPersonalData("notes", c.text), "notes", c.kind, c.text)
	}
	// A house number and street after "lives" or "home".
	for _, text := range []string{
		"aged 34, lives at 12 Acacia Avenue",
		"Client lives at Flat 2, 7 Mill Lane with family.",
		"Home: 12a St Mary's Road",
		"home address: 12 High Street, Leicester",
		"resides at 3 The Crescent",
		"lives in 12-14 Castle Hill",
		"LIVES AT 12 ACACIA AVENUE",
		"lives at 9 Ashby-de-la-Zouch Road",
	} {
		var e *domain.Error
		if err := domain.CheckPersonalData("notes", text); !errors.As(err, &e) ||
			e.Fields["notes"] != "appears to contain a home address (a house number and street given as where someone lives)" {
			t.Errorf("CheckPersonalData(%q) = %v, want a home address by its street", text, err)
		}
	}
	for _, text := range []string{
		// Titles that are not before a person's name.
		"MS Society referral",
		"MRS returns were late",
		"Don't Miss Out: job fair on 12 May",
		"Don't Miss A Session",
		"Never Miss Appointments: a text reminder service",
		"Miss-ed appointments fell",
		"clients who miss appointments",
		"Mr Men books in the reading group",
		"Weekly Ms Teams call with employers",
		"mr smith", // not how a title is typed
		"Dr Patel referred two people",
		"The Miss Agnes H Hunter Trust",
		"Mrs L D Rope Third Charitable Settlement",
		"The Mr and Mrs J A Pye's Charitable Settlement",
		"HMrs Jones", // a title only as a word of its own
		// Dates that are not dates of birth.
		"started 01/02/2024",
		"born out of the 2019 pilot",
		"Born in Bradford since 1 April 2011",
		"the birth of the network in 2009",
		"Actions: a. 01/04/2024 review; b. 01/05/2024 visit",
		"born in March 1979", // no day: not a date of birth
		"Birth to 5 service started 01/04/2019",
		"DOB not recorded; review 01/02/2024 went well",
		"The idea was born. 01/04/2024 was launch day.",
		// Postcodes that are not a home.
		"address the backlog",
		"home visits rose",
		"LE1 5WW is our base",
		"Based at LE1 5WW",
		"The team moved to LE1 5WW in May",
		"Our office address: 12 High Street, LE1 5WW",
		"Supported living at LE3 8RA",
		"Service went live at LE1 5WW",
		"care home in LE3 8RA took two interns",
		"home visits to LE3 8RA",
		"lives in Leicester",
		"to address the gaps at LE1 5WW",
		"Address for correspondence: 12 High Street, LE1 5WW",
		"Placement address: Unit 4, Meridian Park, LE19 1WZ",
		"Moved to a new role. LE1 5WW hub opened",
		// Letters before a title that are labels, not initials.
		"COHORT B MS",
		"GROUP A MS Society",
		"TO A MS",
		"CMHT A MS Teams meeting moved to Friday", // a capitalised word after the title: Microsoft's
		"Smith J MR", // a title in capitals needs the surname in capitals
		"Neurology (MS)",
		// A cue after a date or postcode that starts something else.
		"Seen 01/02/2024, DOB missing",
		"Letter dated 01/02/2024 (DOB, NHS number and address removed)",
		"dated 01/02/2024, DOB, NHS number removed",
		"01/02/2024 DOB audit",
		"01/04/2024 birthday party",
		"the service's 5th birthday on 01/04/2024",
		"LE1 5WW, home of the IPS team",
		"Venues: LE1 5WW, home, online",
		"LE3 8RA care home",
		"Clinics at LE1 5WW (home visits)",
		"LE3 8RA is where most of our clients live",
		// Streets that are not a home.
		"Unit 12 Acacia Business Park",
		"lives near Unit 12 Acacia Business Park",
		"Our office address: 12 High Street",
		"New address: 12 High Street",
		"Moved to 12 High Street in May",
		"Supported living at 12 Acacia Avenue",
		"lives in 2 different places",
		"living in 2 Bed Flat",
		"Home visits to 12 Acacia Avenue",
		"lives in Leicester, near the job centre at 12 High Street", // not within four words: another place
		"lives in 12345 Acacia Avenue",                              // five digits: no house number
		"lives in 2 bed terrace with family",                        // lower case: no street's name
		"home is 2 Green Line stops from the hub",                   // a street type first: no street's name
	} {
		if err := domain.CheckPersonalData("notes", text); err != nil {
			t.Errorf("CheckPersonalData(%q) = %v, want nil", text, err)
		}
	}
}

// TestPersonalProblemSaysWhy: a name and a home address are found by the
// words around them, so the problem says which: a title before a name, a
// postcode given as a home. Someone who wrote a staff member's title or a
// service's address sees why it was refused.
func TestPersonalProblemSaysWhy(t *testing.T) {
	t.Parallel()
	for text, want := range map[string]string{
		"Mrs Smith started":    `appears to contain a person's name (a title such as "Mr" or "Ms" before a name)`,
		"lives at LE3 8RA":     "appears to contain a home address (a postcode given as where someone lives)",
		"born on 3 March 1979": "appears to contain a date of birth",
	} {
		var e *domain.Error
		if err := domain.CheckPersonalData("notes", text); !errors.As(err, &e) || e.Fields["notes"] != want {
			t.Errorf("CheckPersonalData(%q) = %v, want notes: %q", text, err, want)
		}
	}
}

// TestCheckPersonalDataCuedNamesAndNumbers holds the forms the guard
// learnt after the audit's (verify33): a name after the word for the
// person, shortened as notes shorten one; a hospital number after its cue;
// a National Insurance number. Each has near misses that must pass: job
// titles and case-study letters after "client", counts and trust codes
// after "hospital", company and charity numbers with letters.
func TestCheckPersonalDataCuedNamesAndNumbers(t *testing.T) {
	t.Parallel()
	const (
		cued     = `appears to contain a person's name (a name beside a word for the person, such as "client", "patient" or "Pt")`
		hospital = "appears to contain a hospital number"
		ni       = "appears to contain a National Insurance number"
	)
	for text, want := range map[string]string{
		"Pt: J. Smith":                          cued,
		"Pt J Smith started work":               cued,
		"Pt. J. A. Smith":                       cued,
		"patient J Smith":                       cued,
		"Patient - J. Smith":                    cued,
		"client John S.":                        cued,
		"client John S. started work":           cued,
		"Client: Asha P, 16 hours":              cued,
		"Participant: Asha P.":                  cued,
		"service user J. Smith":                 cued,
		"Client A. Smith":                       cued, // "A." with its full stop is an initial
		"Client John Smith":                     cued, // a forename and surname in full
		"customer J Smith":                      cued, // DWP's word for a claimant (third security audit, W1)
		"client John Smith-Jones":               cued,
		"MRN 1234567":                           hospital,
		"MRN: K1234567":                         hospital,
		"hospital no. K123456":                  hospital,
		"Hosp No: RAE1234567":                   hospital,
		"hospital number 1234567":               hospital,
		"hospital #1234567":                     hospital,
		"hospital ID 1234567X":                  hospital,
		"NI number AB123456C":                   ni,
		"AB123456C":                             ni,
		"ab123456c started work":                ni,
		"NINO: AB 12 34 56 C":                   ni,
		"NI no: AB123456":                       ni, // no final letter, after its cue
		"National Insurance number AB 123456 C": ni,
		"Client (JT123456A) started work":       ni,
		"Client JT 12 34 56 A started work":     ni, // spaced in pairs, no cue
		// In any case (second security audit, W1): a note typed in a hurry.
		"ab 12 34 56 c":                  ni,
		"client ab 12 34 56 c started":   ni,
		"Ab123456C":                      ni,
		"aB123456c":                      ni,
		"AB123456c":                      ni,
		"Jt 12 34 56 a":                  ni,
		"ni no: ab 12 34 56":             ni,
		"nino on 12 34 56 b":             ni, // a word's letters, but after the cue
		"national insurance ab 123456 c": ni,
	} {
		var e *domain.Error
		if err := domain.CheckPersonalData("notes", text); !errors.As(err, &e) || e.Fields["notes"] != want {
			t.Errorf("CheckPersonalData(%q) = %v, want notes: %q", text, err, want)
		}
	}
	for _, text := range []string{
		"Client A Smith",          // "A" without a full stop: an article
		"Client I Smith",          // and "I" a pronoun
		"Client Services Manager", // capitalised words that are no forename
		"Patient Experience Team",
		"client Group A.",
		"client Services B.",
		"Client Story A.",
		"Patient T Level placement",
		"Client A. Started work in May.",
		"Client B Started work",
		"Client B. She moved into work.",
		"Patient B. Now in work 16 hours.",
		"client JOHN S.", // a forename is capitalised, not in capitals: "NHS E."
		"PT J Sainsbury", // part-time
		"3pt J Smith",
		"Report exported by user J Smith on 01/04/2024", // a staff member's account, not a service user
		"hospital numbers 12345 rose",
		"Hospital no. of beds 12345",
		"Hospital ID RGD",
		"hospital number 2",
		"hospital number 1234", // four digits: a count or a code
		"MRN field left blank",
		"Hospital ref 2011/0067",
		"MRN 12345678901", // eleven digits: no hospital number
		"MRN 12345ABC",    // letters after it: no hospital number's shape
		"AB123456",        // no final letter and no cue: a reference
		"SC123456 company number",
		"OC123456 LLP",
		"NI123456 company",
		"GB123456A",
		"QQ123456C",
		"on 12 34 56 b", // spaced, it is written in capitals
		"ab123456cd",
		"xAB123456C",
		"AB1234567C",
		"AB123456E",
		"at 12 34 56 a",                           // a word before figures, in lower case
		"On 12 34 56 B",                           // … or capitalised
		"by 12 34 56 a week",                      //
		"ab 123456 c",                             // in lower case, spaced: only in pairs
		"ab 12 34 56",                             // … and with its final letter
		"OC123456 a partnership",                  // in capitals, a letter after a space is a word
		"DA123456A",                               // no D, F, I, Q, U or V first
		"AO123456A",                               // nor O second
		"AB 12 34 56 78 C",                        // a list of pairs, not a number
		"NI no: AB123456789",                      // nine digits
		"Public liability insurance no. PL123456", // an insurance policy, not National Insurance
		"Insurance number: AB123456",
	} {
		if err := domain.CheckPersonalData("notes", text); err != nil {
			t.Errorf("CheckPersonalData(%q) = %v, want nil", text, err)
		}
	}
}

// TestCheckPersonalDataReviewGaps holds the forms the last review found the
// guard got wrong, with realistic variants of each: a ward or bay named for
// who it takes ("Ward A (Mr)") passes, its letter being a label, not an
// initial or a surname; a date of birth labelled after a comma ("01/02/1990,
// DOB") is refused, unless the cue is an item of a list or the date an
// event's; a house number and street typed in lower case, or that someone
// supported moved to, is refused, while a service's own move and numbers
// before everyday words pass; a forename and surname in full after
// "client" is refused, and an employer named as a client ("client J
// Sainsbury", "client J Smith Ltd") passes.
func TestCheckPersonalDataReviewGaps(t *testing.T) {
	t.Parallel()
	for text, want := range map[string]string{
		"Smith J (Mr) started work":          "a person's name", // an initial after a surname is still a name
		"Jones (Mr) started work":            "a person's name",
		"01/02/1990, DOB":                    "a date of birth",
		"Client 01/02/1990, DOB; started":    "a date of birth",
		"Intern, 1.2.80, d.o.b.":             "a date of birth",
		"14 July 1992, date of birth":        "a date of birth",
		"Client (01/02/1990, DOB) started.":  "a date of birth",
		"lives at 12 high street":            "a home address",
		"moved to 4 station road":            "a home address",
		"Lives at 3 the crescent":            "a home address",
		"Client moved to 7 Mill Lane":        "a home address",
		"his address: 12 High Street":        "a home address",
		"Client John Smith started work":     "a person's name",
		"Client: Sarah Jones, 16 hours":      "a person's name",
		"CLIENT JOHN SMITH STARTED WORK":     "a person's name",
		"Pt: Karen O'Brien asked for a call": "a person's name",
		"client John Ward started":           "a person's name", // a label word is a surname after a forename
		"client J Smith started work":        "a person's name", // no company word, not a known employer
		"Client John Smith's hours went up":  "a person's name",
	} {
		var e *domain.Error
		if err := domain.CheckPersonalData("notes", text); !errors.As(err, &e) || !strings.HasPrefix(e.Fields["notes"], "appears to contain "+want) {
			t.Errorf("CheckPersonalData(%q) = %v, want notes: %s", text, err, want)
		}
	}
	for _, text := range []string{
		"Ward A (Mr)",
		"Ward B (Mrs) has two beds free",
		"Bay C (Ms) is closed for cleaning",
		"Wards A (Mr) and B (Mrs) reopened",
		"Ward C (Mr.) took two referrals",
		"Ward A (Mr), Ward B (Mrs): 6 referrals each",
		"Forms dated 01/02/2024, DOB, NHS number and address fields removed.", // a list
		"Seen 01/02/2024, DOB missing",
		"Seen on 01/02/2024, DOB.", // the date of an event
		"Referral received 01/02/2024, DOB",
		"Batch 01/02/2024, DOB, NHS number and address fields blanked.", // a list after a comma
		"Moved to 12 High Street in May; the phone line is the same.",   // capitalised, no one supported: the service's
		"The team moved to 4 station road",
		"Lives in York, 2 hours drive from the placement.", // an everyday word, not a street
		"Client lives in a 2 bed place with family.",
		"living in 2 different places",
		"client J Sainsbury", // the supermarket: a known employer
		"client J Sainsbury took two interns this quarter",
		"Client: J. Sainsbury's, 3 placements",
		"client W.H. Smith offered two work trials",
		"client John Lewis took two interns",
		"client J Smith Ltd took two interns", // a company word after the name
		"client A Jones & Sons offered a trial",
		"client J Bloggs and Co",
		"Patient Advice and Liaison Service", // no forename
		"Client Will Need more support",      // a forename left out: an everyday word
		"Patient Mary Seacole Ward",          // a place named after someone
		"Client John Started work",           // the start of a sentence
	} {
		if err := domain.CheckPersonalData("notes", text); err != nil {
			t.Errorf("CheckPersonalData(%q) = %v, want nil", text, err)
		}
	}
}

// TestCheckPersonalDataCompanyWordIsWholeWord: a name after the word for
// the person is an employer's only when a company or place word follows it
// as a word of its own ("J. Smith Co", "J Smith Ltd"); a code that starts
// with those letters ("Co0000", "Ltd_2", "Ward3") leaves it a person's name
// (FuzzCheckPersonalData/2de97e98db0fab88: "Pt: J. Smith Co0000" passed).
func TestCheckPersonalDataCompanyWordIsWholeWord(t *testing.T) {
	t.Parallel()
	for _, text := range []string{
		"000000000100 Pt: J. Smith Co0000",
		"Pt: J. Smith Co0000",
		"client J Smith Ltd_2 started",
		"Patient Mary Seacole Ward3",
		"client J Smith Co1 took two interns",
		"Pt: J. Smith Co", // a patient is no company: see TestCheckPersonalDataPersonOnlyCueBindsInitials
	} {
		var e *domain.Error
		if err := domain.CheckPersonalData("notes", text); !errors.As(err, &e) || !strings.HasPrefix(e.Fields["notes"], "appears to contain a person's name") {
			t.Errorf("CheckPersonalData(%q) = %v, want notes: a person's name", text, err)
		}
	}
	for _, text := range []string{
		"client J. Smith Co",
		"client J. Smith Co.",
		"client J Smith Ltd, 2 placements",
		"client J Bloggs and Co 2 trials",
		"Patient Mary Seacole Ward 3",
	} {
		if err := domain.CheckPersonalData("notes", text); err != nil {
			t.Errorf("CheckPersonalData(%q) = %v, want nil", text, err)
		}
	}
}

// TestCheckPersonalDataPersonOnlyCueBindsInitials: initials and a surname
// after a cue that only ever names a person ("Pt", "patient", "patients";
// fix-guard8: "SU", "service user", "claimant", "jobseeker" and their
// plurals) are a person's whatever word follows, a street, a ward or a
// company word: no one calls an employer a patient or a claimant, and a
// place named after someone is named in full
// (FuzzCheckPersonalData/08fa1dc5405ebcee: "Pt: J. Smith  Street 0000000001"
// passed, "Street" read as a place named after J. Smith; 96ddc19705a74798:
// "Pt: J. Smith CiC" passed, "CiC" read as a company's legal form). The
// cues that can name an organisation keep the employer's reading ("client
// J Smith Ltd", "customer J Smith Street Garage", "candidate J Smith Ltd",
// "participants: J Smith Ltd", "Interns: J Smith Ltd"), a known
// employer's name passes after any cue, a name in full after "patient"
// before a place word is still the place's ("Patient Mary Seacole Ward"),
// "user" binds only after "service", "Su" is a forename, and a company or
// a street with no cue is none of the guard's business.
func TestCheckPersonalDataPersonOnlyCueBindsInitials(t *testing.T) {
	t.Parallel()
	for _, text := range []string{
		"000000000 Pt: J. Smith  Street 0000000001",
		" Pt: J. Smith CiC",
		"Pt: J. Smith Street",
		"Pt: J. Smith CIC",
		"Pt. J. Smith Ltd",
		"Pt J. A. Smith Ward 3 discharged",
		"Patient - J. Smith House, seen today",
		"patient J Smith Trust referral",
		"patients J Smith & Sons",
		"Pt: J. Smith and Co",
		"Pt: J. Smith Foundation",
		// fix-guard8: the other cues that only ever name a person.
		"SU: J. Smith Street",
		"SU J Smith Ltd started work",
		"su - J. A. Smith CiC",
		"Service user: J. Smith Ward 3",
		"service users J Smith & Sons",
		"claimant J Smith Ltd",
		"Claimants: K. Jones House, seen today",
		"Jobseeker: J. Smith Street",
		"jobseekers K Patel and Co referral",
	} {
		var e *domain.Error
		if err := domain.CheckPersonalData("notes", text); !errors.As(err, &e) || !strings.HasPrefix(e.Fields["notes"], "appears to contain a person's name") {
			t.Errorf("CheckPersonalData(%q) = %v, want notes: a person's name", text, err)
		}
	}
	for _, text := range []string{
		"client J Smith Ltd took two interns", // the other cues: an employer
		"Client J. Smith CiC offered a trial",
		"customer J Smith Street Garage", // a business named after its street
		"client A Jones & Sons offered a trial",
		"Partner: J. Smith CiC", // "partner" is no cue
		"Delivered with Smith Street Community Hub",
		"Patient Mary Seacole Ward", // a name in full: a place named after someone
		"Patient Sam Beare Ward volunteers met the team.",
		"Pt: W H Smith",                 // a known employer's name, whatever the cue
		"PT J Smith Ltd evenings",       // part-time, in capitals
		"Patient T Level placements: 4", // a label's letter, no initial
		// fix-guard8: the cues that can name an organisation, and the
		// look-alikes of the person-only ones.
		"customer J Smith Street Garage", // DWP's employer customers
		"Customer J. Smith CiC offered a work trial",
		"candidate J Smith Ltd",     // a firm bidding for a contract
		"Participants: J Smith Ltd", // employers at a jobs fair
		"Interns: J Smith Ltd 2",    // interns listed by their host
		"supported J Smith Ltd to recruit two people",
		"Name: J Smith Ltd",           // the label names an employer as readily
		"User: J. Smith Street",       // "user" is a cue only after "service"
		"Su J Smith Ltd",              // "Su", a forename, is no cue
		"SU: W H Smith",               // a known employer's name
		"claimant J Sainsbury Street", // idem, whatever follows it
		"Claimant Count: 4 in J Smith Street ward",
	} {
		if err := domain.CheckPersonalData("notes", text); err != nil {
			t.Errorf("CheckPersonalData(%q) = %v, want nil", text, err)
		}
	}
}

// TestCheckPersonalDataPersonOnlyCueBindsFullName: a forename and surname
// in full after a cue that only ever names a person ("Pt", "patient",
// "SU", "service user", "claimant", "jobseeker") are that person's before
// a company word or a road's last word too (fix-guard9: "Patient John
// Smith Ltd" passed, "Ltd" read as an employer named after him). A ward,
// a house, a housing scheme ("Court") or a charity named in full after
// someone keeps its reading, as does a known employer's name, and the
// cues that can name an organisation keep the employer's reading of a
// company word. A forename no list holds counts before a surname of a
// surname's own shape, and "Court" before a court's business is a
// person's matter, not a housing scheme (fix-guard10).
func TestCheckPersonalDataPersonOnlyCueBindsFullName(t *testing.T) {
	t.Parallel()
	for _, text := range []string{
		"Patient John Smith Ltd",
		"Pt: John Smith Ltd contract ended",
		"patient john smith ltd",
		"Patient: Asha Patel & Sons",
		"Patient Asha Patel Solicitors",
		"patients John Smith and Co",
		"SU: John Smith Ltd started work",
		"Service user Mary Jones CiC volunteer role ended",
		"claimant John Smith Ltd",
		"Jobseeker - Asha Patel Transport, seen at the jobcentre",
		"Patient John Smith Street address on file",
		"SU: Asha Patel Road, referred by the CMHT",
		"claimant Mary Jones Avenue",
		// fix-guard10: a forename no list holds before a surname of a
		// surname's own shape; "Court" before a court's business.
		"Patient Zephaniah Okonkwo-Reyes Ltd",
		"SU: Zephaniah Okonkwo-Reyes Street",
		"Jobseeker Zephaniah McAllister & Sons",
		"claimant John Smith Court hearing",
		"Pt John Smith Court case on Monday",
		"Jobseeker Asha Patel Court Order",
		"claimant John Smith Court date 12 May",
		"claimant Zephaniah Okonkwo-Reyes Court appearance",
	} {
		var e *domain.Error
		if err := domain.CheckPersonalData("notes", text); !errors.As(err, &e) || !strings.HasPrefix(e.Fields["notes"], "appears to contain a person's name") {
			t.Errorf("CheckPersonalData(%q) = %v, want notes: a person's name", text, err)
		}
	}
	for _, text := range []string{
		"Patient Mary Seacole Ward volunteers met the team.", // a ward named after someone
		"SU Mary Seacole House residents",                    // a house
		"SU: Mary Seacole Court residents",                   // a housing scheme
		"Patient Florence Nightingale Foundation grant",      // a charity
		"Patient John Lewis Ltd",                             // a known employer
		"SU: John Lewis Ltd offered two jobs this quarter.",
		"Jobseekers: Ted Baker Ltd took three on a work trial.",
		"Patient transport: John Smith Ltd",      // the name is not after the cue
		"Client John Smith Ltd took two interns", // the cues that can name an organisation
		"Customer John Smith Transport took a jobseeker",
		"Candidate Asha Patel Solicitors won the contract",
		"Worked PT John Smith Ltd evenings", // part-time, in capitals
		"Patient Experience Team Ltd",       // no forename
		// fix-guard10: a company named so, a house or ward after an
		// unlisted forename, the name no cue of a person's, and a housing
		// scheme's hearing loop, case study and residents.
		"Patient Knows Best Ltd",
		"SU Zephaniah Okonkwo-Reyes House residents",
		"Patient Zephaniah Okonkwo-Reyes Ward",
		"Client Zephaniah Okonkwo-Reyes Ltd",
		"Patient Reported Outcome-Measures Ltd",
		"SU: Mary Seacole Court hearing loop fitted",
		"SU: Mary Seacole Court case study for the funder",
		"SU: Mary Seacole Court residents",
	} {
		if err := domain.CheckPersonalData("notes", text); err != nil {
			t.Errorf("CheckPersonalData(%q) = %v, want nil", text, err)
		}
	}
}

// TestCheckPersonalDataFullWidthColon: the full-width and small colons
// and semicolons a CJK keyboard types read as ASCII's (fix-guard9), so a
// cue's colon typed so is no disguise ("DOB：01/02/1980" passed), and a
// ratio so typed stays a ratio.
func TestCheckPersonalDataFullWidthColon(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ text, kind string }{
		{"DOB\uff1a01/02/1980", "a date of birth"},
		{"Patient\uff1aJohn Smith", "a person's name"},
		{"Client\ufe55J. Smith", "a person's name"},
		{"Postcode\uff1aLS1 4AP", "a home address"},
		{"INN\uff1a500100732259", "a person's taxpayer number"},
		{"500100732259\uff1b INN", "a person's taxpayer number"},
	} {
		wantPersonal(t, domain.CheckPersonalData("notes", c.text), "notes", c.kind, c.text)
	}
	for _, text := range []string{"Staff ratio 3\uff1a1 on the ward\uff1b review due", "Timetable 09\uff1a30\ufe1310\uff1a30"} {
		if err := domain.CheckPersonalData("notes", text); err != nil {
			t.Errorf("CheckPersonalData(%q) = %v, want nil", text, err)
		}
	}
}

// TestCheckPersonalDataLowerCaseAndUnlisted holds the forms the guard
// missed at stop 34: a house number and street typed in lower case whose
// street type is an everyday word too (close, drive, way, terrace, hill,
// green, place), a flat or a house's name with its street; a name typed
// all in lower case after the word for the person or after "supported";
// and a forename on no list before a surname with a surname's shape. Their
// look-alikes pass: the everyday phrases those street types end, venues
// named after their street, and the words that follow "client", "patient"
// and "participant" in programme text.
func TestCheckPersonalDataLowerCaseAndUnlisted(t *testing.T) {
	t.Parallel()
	const (
		street = "appears to contain a home address (a house number and street given as where someone lives)"
		cued   = `appears to contain a person's name (a name beside a word for the person, such as "client", "patient" or "Pt")`
		titled = `appears to contain a person's name (a title such as "Mr" or "Ms" before a name)`
	)
	for text, want := range map[string]string{
		"lives at 12 acacia close":               street,
		"lives at 4 mill drive":                  street,
		"lives at 7 station way":                 street,
		"lives at 3 park crescent":               street,
		"lives at 9 church lane":                 street,
		"lives at 1 the grove":                   street,
		"lives at 5 oak terrace":                 street,
		"lives at 2 bank hill":                   street,
		"home: 3 village green":                  street,
		"lives at 12 st johns close":             street, // a plural the street's own name
		"lives in 4 queens drive":                street,
		"moved to 11 beech way":                  street, // lower case after "moved": no organisation's
		"lives at flat 2, 14 high street":        street,
		"lives at flat 2, acacia court":          street,
		"Home: Flat 3b, Rose Court":              street,
		"lives at rose cottage, mill lane":       street,
		"Lives at Rose Cottage, Mill Lane":       street,
		"client john smith started work":         cued,
		"supported mary o'brien into a job":      cued,
		"participant jane doe-smith":             cued,
		"patient sarah mcdonald":                 cued,
		"client john Smith":                      cued,
		"We supported Mary Smith into work":      cued,
		"Client Zephaniah Okonkwo-Reyes started": cued,
		"Patient Siobhan O'Sullivan":             cued,
		"Participant Eilidh McAllister":          cued,
		"client Tiberius Patel started":          cued,
		"Mr Obadiah Thistlewood":                 titled,
	} {
		var e *domain.Error
		if err := domain.CheckPersonalData("notes", text); !errors.As(err, &e) || e.Fields["notes"] != want {
			t.Errorf("CheckPersonalData(%q) = %v, want notes: %q", text, err, want)
		}
	}
	for _, text := range []string{
		"The drive to recruit more employers continues",
		"Two interns are on the way to sustained work",
		"We will close the grant in March",
		"Station Road Community Centre hosted the job fair", // a venue, as the guard passes "Based at LE1 5WW"
		"lives near Station Road Community Centre",          // no house number: a place, not a home
		"New address: 12 Acacia Close",                      // capitalised, no one supported: the service's
		"Our office address: Rose Cottage, Mill Lane",
		"The team moved to 4 mill drive in May",
		"Supported living at 4 mill drive",
		"client satisfaction survey",
		"participant feedback",
		"job coach Ward A",
		"clients into work 14, participants sustained 13 weeks 9",
		"Lives in York, 2 hours drive from the placement",
		"lives 10 mins walk from the hub",
		"lives in a flat with 2 kids close by",
		"Living 1 mile away, close to the bus route",
		"moved to 1 main way of working",
		"Lives in a shared house, near the station",
		"client mary started in May",          // a forename alone
		"client john reported feeling better", // in lower case any word may follow a forename
		"client john follow-up booked",
		"client jack white van drivers",  // a forename that is an everyday word in lower case
		"client john lewis took interns", // the shop
		"Client Services McAllister Court",
		"Patient Initiated Follow-Up pathway",
		"Client-Led Self-Referral route",
		"Patient Reported Outcome-Measures were collected",
		"client Leeds McDonald's took two interns",
		"client Scarborough McCain took four interns",
		"Client Zephaniah Project referrals rose",
		"Supported Housing B, Supported Housing C",
		"We supported 38 people into paid work",
		"mr obadiah thistlewood", // a title in lower case, as before: not how a title is typed
	} {
		if err := domain.CheckPersonalData("notes", text); err != nil {
			t.Errorf("CheckPersonalData(%q) = %v, want nil", text, err)
		}
	}
}

// TestCheckPersonalDataNoCue holds what the second security audit found
// stored (W1): a name with a bare date of birth after it, and a home
// address written out in full, with no word that marks either. Each shape
// is refused with a problem that says which it was; the dates and
// addresses programmes write every day (reporting periods, meetings,
// staff start dates with a word between, a period after a name, offices
// and venues named before their address) still pass.
func TestCheckPersonalDataNoCue(t *testing.T) {
	t.Parallel()
	const (
		named = "appears to contain a date of birth (a full date right after a person's name)"
		birth = "appears to contain a date of birth"
		full  = "appears to contain a home address (a house number, street and postcode with no organisation named before them)"
		flat  = "appears to contain a home address (a flat, street and postcode)"
	)
	for text, want := range map[string]string{
		// The audit's own texts.
		"John Smith 12/03/1985":                      named,
		"Mohammed Ali 03/04/1990 LS1 4AP":            named,
		"Smith, John 12/03/1985":                     named,
		"Jane Doe 1 March 1980":                      named,
		"Jane Doe (b. 1980)":                         birth,
		"flat 2, 10 Downing Street, London SW1A 2AA": flat,
		"John Smith (12.03.1985)":                    named,
		// As names and dates are written.
		"John Smith, 12/03/1985":                       named,
		"John Smith - 12/03/1985":                      named,
		"JOHN SMITH 12/03/1985":                        named,
		"john smith 12/03/1985":                        named,
		"SMITH, John 12.03.85":                         named,
		"Mary O'Brien 3rd March 1979":                  named,
		"Sarah Smith-Jones 1.2.80":                     named,
		"Zephaniah Okonkwo-Reyes 01/02/1985":           named,
		"Ali Khan 12 Feb 1978":                         named,
		"John Smith 1985-03-12":                        named,
		"Caseload: Asha Patel 14/07/1992, Tom Brown 2": named,
		"Jane Doe (born 1980)":                         birth,
		// Addresses written out in full.
		"10 Downing Street, London SW1A 2AA":                               full,
		"12 acacia close le3 8ra":                                          full,
		"Sent to 10 High Street, Leeds LS1 4AP":                            full,
		"Home visit to 10 High Street, Leeds LS1 4AP":                      full,
		"Referred by the trust: John Smith, 10 High Street, Leeds LS1 4AP": full, // a name before it: a home
		"Greggs, 10 High Street, Leeds LS1 4AP":                            full, // an employer by its name alone: the price
		"Flat 3b Rose Court, Leeds LS6 2AB":                                flat,
		"flat 2, acacia court, le3 8ra":                                    flat,
		"apartment 4, 7 Mill Lane LS1 4AP":                                 flat,
		"Drop-in at the Trust, then flat 2, 10 High Street, Leeds LS1 4AP": flat, // a flat is no organisation's
	} {
		err := domain.CheckPersonalData("notes", text)
		var e *domain.Error
		if !errors.As(err, &e) || e.Fields["notes"] != want {
			t.Errorf("CheckPersonalData(%q) = %v, want notes: %q", text, err, want)
			continue
		}
		wantPersonal(t, err, "notes", "appears to contain", text)
	}
	for _, text := range []string{
		// Dates: reporting periods, meetings, programmes of the SPEC's era.
		"Quarter ending 31/03/2025",
		"Meeting on 03/04/2025 with the Leeds team",
		"Meeting on 03/04/2005 with the Leeds team",
		"Period: 01/04/2011 to 31/03/2012",
		"East Midlands 01/04/2009 to 31/03/2012",
		"Working for Wellness 01/04/2009",
		"Bradford District 01/04/2009",
		"Leicestershire Partnership NHS Trust 01/04/2009",
		"Leeds Mind 01/04/2009",
		"Jobcentre Plus 01/04/2009",
		"Fidelity Review 14/03/2012",
		"Steering Group 12/05/2010",
		"Employment Specialist 01/04/2009",
		"Service Manager: 01/04/2009",
		"Financial Year 2009/10",
		// Names with a date that is no birth.
		"Claire Murray started 01/04/2009",       // a word between
		"Mary Jones 01/04/2009 - 31/03/2012",     // a period: a secondment
		"Mary Jones 01/04/2009 to 31/03/2012",    //
		"Jane Smith 01/04/2025",                  // too recent to be a birth
		"Jane Doe 01/04/2019",                    //
		"Smith, John 12/03/2025",                 //
		"Sarah Jones 120385",                     // a run of digits: a reference
		"Paul Smith 01/04/2000",                  // a business
		"Jane Doe 1 March 1880",                  // no one is that old
		"(b. 2019 figures)",                      // a year in brackets, but no birth
		"a. 2009 review; b. 2010 visit",          // a list's letters
		"the network (born 2019 out of a pilot)", //
		// Addresses: a place, an office, a venue, an employer.
		"Leeds LS1 office",
		"Leeds LS1 4AP office",
		"Based at LE1 5WW",
		"Our office: 12 High Street, Leicester LE1 5WW",
		"Leeds Mind office, 21 Manor Row, Bradford BD1 4PB",
		"Leeds Mind, 21 Manor Row, Bradford BD1 4PB",
		"Unit 3, 10 High Street, Leeds LS1 4AP",
		"Bradford District Care NHS Foundation Trust, New Mill, Victoria Road, Saltaire, BD18 3LD",
		"Leeds and York Partnership NHS FT, 2150 Thorpe Park, Leeds LS15 8ZB",
		"Job fair at 10 Market Street, Leeds LS1 6DT",
		"Meeting at 10 Market Street, Leeds LS1 6DT on 3 May",
		"Based at 12 High Street, Leeds LS1 4AP",
		"The team moved to 12 High Street, Leeds LS1 4AP",
		"Sessions held at 12 High Street, Leeds LS1 4AP",
		"Placed with Greggs, 10 High Street, Leeds LS1 4AP",
		"Greggs Ltd, 10 High Street, Leeds LS1 4AP",
		"St Mary's Hospital, 1 Park Road, Leeds LS1 4AP",
		"Trust HQ: 2 Kirkstall Road, Leeds LS3 1JR",
		"Clinic at 2 Kirkstall Road, Leeds LS3 1JR",
		"Venue: 10 Market Street, Leeds LS1 6DT",
		"Drop-in at 21 Manor Row BD1 4PB",
		"Leeds Jobcentre Plus, 10 Eastgate, Leeds LS2 7LY",
		"3 people into work, 2 at LS1 4AP",
		"10 Downing Street. London SW1A 2AA is the postcode of the venue", // another sentence
	} {
		if err := domain.CheckPersonalData("notes", text); err != nil {
			t.Errorf("CheckPersonalData(%q) = %v, want nil", text, err)
		}
	}
}

// TestCheckPersonalDataLabelledPostcodeAndBirthBeforeName holds two shapes
// the guard once let through: a bare postcode labelled "postcode" (a form's
// field pasted into a note: where the person lives), and a date of birth
// written before the name (a caseload listed date first), with its cue
// before the date, after the name, or none. Each is refused with a problem
// that says which shape it was; an organisation's postcode after its name,
// and programme text with dates and staff names (a word between, a recent
// date, an event's date), still pass.
func TestCheckPersonalDataLabelledPostcodeAndBirthBeforeName(t *testing.T) {
	t.Parallel()
	const (
		postcode = `appears to contain a home address (a postcode after "postcode", with no organisation named before it)`
		before   = "appears to contain a date of birth (a full date right before a person's name)"
		birth    = "appears to contain a date of birth"
	)
	for text, want := range map[string]string{
		"Postcode: LS1 4AP":                              postcode,
		"post code LS14AP":                               postcode,
		"postcode - M1 1AE":                              postcode,
		"POSTCODE = le3 8ra":                             postcode,
		"Post-code: SW1A 1AA, started work":              postcode,
		"Her postcode is LE3 8RA":                        postcode,
		"Client's postcode: LS1 4AP":                     postcode,
		"Referred by the trust, client postcode LS1 4AP": postcode, // someone supported: whatever came before
		"Job fair. Postcode LS1 4AP":                     postcode, // the organisation in another sentence
		"DOB 01/02/1990 John Smith":                      birth,    // the cue before the date, as before
		"born 3 March 1988, Jane Doe":                    birth,
		"01/02/1990 - John Smith (DOB)":                  before,
		"12.03.85 Jane Doe d.o.b.":                       before,
		"01/02/1990 Smith, John (DOB)":                   before, // the name surname first
		"12.03.2013 Jane Doe (DOB)":                      before, // a child's: the cue says so
		"1 Feb 1980, Asha Patel - date of birth":         before,
		"12/03/1985 John Smith":                          before,
		"01/02/1990 - Jane Doe":                          before,
		"3 March 1988, Asha Patel started work":          before,
		"(12/03/1985) John Smith":                        before,
		"Caseload: 14.07.1992 Mohammed Ali, 16 hours":    before,
	} {
		var e *domain.Error
		if err := domain.CheckPersonalData("notes", text); !errors.As(err, &e) || e.Fields["notes"] != want {
			t.Errorf("CheckPersonalData(%q) = %v, want notes: %q", text, err, want)
		}
	}
	for _, text := range []string{
		// Programme text with dates and the names of staff.
		"Review meeting 01/04/2026 with Claire Murray",
		"Started 3 March 2026",
		"Review meeting 01/04/2009 Claire Murray", // an event's date
		"Started 01/04/2009, Claire Murray led the first cohort",
		"01/04/2025 Jane Smith joined as IPS lead", // too recent to be a birth
		"01/04/2009 - 31/03/2012 Claire Murray seconded",
		"01/04/2009 to 31/03/2012: Claire Murray",
		"12/03/1985 Leeds Mind founded",
		"Since 01/04/2009 the team, led by Claire Murray, has grown",
		"01/04/2024 review with John Smith (DOB checked)",
		// Organisations' postcodes, and postcodes not labelled.
		"Leeds Mind, 21 Great George Street, Leeds LS1 3BE",
		"Leeds Mind, postcode LS1 3BE",
		"Venue postcode: LS1 3BE",
		"Our postcode: LE1 5WW",
		"Office post code LE1 5WW",
		"The Trust's postcode is LS1 4AP",
		"We now cover the postcode areas BD1 to BD24 and LS29.",
		"Postcode LS1",
		"Template v2 01/02/2024, DOB, postcode removed.",
		"Post codes of venues are on the flyer",
		"post 16 provision at LS1 4AP",
		"Based at LE1 5WW",
	} {
		if err := domain.CheckPersonalData("notes", text); err != nil {
			t.Errorf("CheckPersonalData(%q) = %v, want nil", text, err)
		}
	}
}

// TestCheckPersonalDataLineBreaksAndMarks holds what the third security
// audit stored (D1): an NHS or phone number broken over two lines (a note,
// a review comment, a CSV cell in quotes or an Excel cell typed with
// Alt+Enter), a cue on one line and its value on the next, as a pasted
// record lays them out, and numbers joined by the other marks people put
// between groups (a pasted table's |, a colon, a semicolon, +, *, ~, a
// quote, a doubled dot or dash). The same marks and line breaks fill
// ordinary notes, timetables and tables of figures, which must still pass.
func TestCheckPersonalDataLineBreaksAndMarks(t *testing.T) {
	t.Parallel()
	const nhs, phone = "an NHS number", "a phone number"
	for _, c := range []struct{ text, kind string }{
		{"NHS 943 476\n5919, mob 07700\n900123", nhs},
		{"Take out her NHS number 943 476\n5919 and mobile 07700\n900123", nhs},
		{"NHS 943\n476\n5919", nhs},
		{"943\r\n476\r\n5919", nhs},
		{"943 476 \t\n 5919", nhs},
		{"943 476\r5919", nhs},
		{"943 476\u20285919", nhs},
		{"Client seen\nNHS 943 476\n5919", nhs},
		{"call 07700\n900123", phone},
		{"mobile 07700\r\n900 123", phone},
		{"+44\n7700 900123", phone},
		{"DOB:\n01/02/1980", "a date of birth"},
		{"date of birth\n1 Feb 1980", "a date of birth"},
		{"Mr\nJohn Smith", "a person's name"},
		{"client\nJohn Smith", "a person's name"},
		{"Patient:\r\nAsha Patel", "a person's name"},
		{"lives at\nLS1 4AP", "a home address"},
		{"home address:\n12 Acacia Avenue", "a home address"},
		{"john.smith@\ngmail.com", "an email address"},
		{"john.smith\n@gmail.com", "an email address"},
		{"NI no:\nAB123456", "a National Insurance number"},
		{"MRN\n1234567", "a hospital number"},
		{"NHS 943|476|5919", nhs},
		{"| 943 | 476 | 5919 |", nhs},
		{"NHS 943:476:5919", nhs},
		{"943;476;5919", nhs},
		{"943+476+5919", nhs},
		{"943*476*5919", nhs},
		{"943~476~5919", nhs},
		{"943'476'5919", nhs},
		{`"943" "476" "5919"`, nhs},
		{`943\476\5919`, nhs},
		{"[943] 476 5919", nhs},
		{"NHS 943..476..5919", nhs},
		{"NHS 943 -- 476 -- 5919", nhs},
		{"943||476||5919", nhs},
		{"07700|900123", phone},
		{"07700;900123", phone},
		{"07700+900123", phone},
		{"07700 : 900 : 123", phone},
		{"0113|496|0000", phone},
		{"07700..900..123", phone},
		// A colon or a bar before a date is no part of it (digitGroup.wide).
		{"Row 3: 12/03/1985 John Smith", "a date of birth (a full date right before a person's name)"},
		{"| 3 | 12/03/1985 John Smith |", "a date of birth (a full date right before a person's name)"},
	} {
		wantPersonal(t, domain.CheckPersonalData("notes", c.text), "notes", c.kind, c.text)
	}
	for _, text := range []string{
		// Timetables: times of day are no number.
		"Drop-in sessions 08:00 10:30 12:00 14:30 16:00",
		"Clinic 08:00 10:00 12:00 14:00 16:00 18:00",
		"Sessions 09:00-17:00, 10:30-12:00 and 13:30-15:30",
		"Times: 08:00, 10:30, 13:00; 15:30",
		"Rota 07:30:00 09:15:00 11:45:00",
		// Tables and lists of figures, with bars, semicolons and line breaks.
		"| Quarter | Referrals | Starts |\n| Q1 | 120 | 64 |\n| Q2 | 135 | 70 |",
		"| 2016 | 240 | 64 | 61 |",
		"| 0 | 12 | 15 | 20 | 22 | 19 | 17 |",
		"| 4 | 5 | 5 | 3 | 5 | 4 | 5 | 5 | 4 | 3 |", // a list, though its digits pass the NHS check
		"Call volumes: 1200 | 1340 | 1560 | 1720",
		"Referrals: 12; job starts: 3; sustained: 2",
		"4; 5; 5; 3; 5; 4; 5; 5; 4; 3",
		"Referrals by week: 01; 12; 15; 20; 22", // 0112152022 would be a phone number's length
		"| 01 | 12 | 15 | 20 | 22 |",
		"Targets 2016/17: 240; 2017/18: 260; 2018/19: 300",
		"Sources 41% | 22% | 9% | 28%",
		"Caseload ratio 3:1, fidelity 105:125",
		"Score 7/10; 8/10; 9/10",
		"Hours 16+ 38; under 16 26",
		"Cost per job £1,200 * 12 = £14,400",
		"Amounts £120 + £340 + £560",
		"~120 people, ~45 jobs",
		"Version 2.3.1; build 2026.04.01",
		"Referrals\n120\n135\n140\n150",
		"Quarter 1: 12\nQuarter 2: 15\nQuarter 3: 18\nQuarter 4: 20",
		"Budget lines:\nstaff 120000\ntravel 5000\nequipment 2000",
		// Money, dates, references and counts over lines.
		"Grant GR-2026-0042 awarded £12,345.67 on 01/04/2026",
		"Ref GR-2026-0042\nPO 4200323045",
		"Period 01/04/2026\n31/03/2027",
		"Period covered:\n01/04/2026 to 31/03/2027",
		"2026-04-01\n2026-06-30",
		"Spending to date:\n£12,345.67\n£9,876.54",
		"12 people into work\n15 referrals",
		"Total awarded 800000\n2026 review done",
		// Cue words ending a line before a new line of their own.
		"Phone the office on Monday\n12 people attended",
		"Our client\n\nJohn Smith Ltd took on 3 interns", // a blank line parts paragraphs; a business anyway
		"Interns: 8\nCandidates: 12\nTrainees: 4",
		"Client satisfaction 94%\nPatient Experience Team report",
		"Spring interns 2026\nstarted in March",
		"We moved to\nLeeds in 2024",
	} {
		if err := domain.CheckPersonalData("notes", text); err != nil {
			t.Errorf("CheckPersonalData(%q) = %v, want nil: no personal data", text, err)
		}
	}
}

// TestCheckPersonalDataSectorWords holds what the third security audit
// stored (W1): a labelled record of one person whose cue is a word of the
// sector other than the few the guard knew ("SU", "customer", "claimant",
// "intern", "candidate", "jobseeker", "trainee"), with a bracket, comma or
// "name" label between, or after the name ("John Smith (client)"); a
// postcode right after "resides" or "lives", or after "P/C"; a house
// number set off by a comma; a National Insurance number with dashes or
// dots; a record number after the name of a patient record system; a
// date of birth written year first in one run. The same words fill
// ordinary notes, which must still pass: cohorts and teams named by them,
// staff named with their role, standards and systems with their numbers.
func TestCheckPersonalDataSectorWords(t *testing.T) {
	t.Parallel()
	const (
		cued     = `appears to contain a person's name (a name beside a word for the person, such as "client", "patient" or "Pt")`
		address  = "appears to contain a home address (a postcode given as where someone lives)"
		street   = "appears to contain a home address (a house number and street given as where someone lives)"
		label    = `appears to contain a home address (a postcode after "postcode", with no organisation named before it)`
		ni       = "appears to contain a National Insurance number"
		hospital = "appears to contain a hospital number"
		birth    = "appears to contain a date of birth"
		titled   = `appears to contain a person's name (a title such as "Mr" or "Ms" before a name)`
	)
	for text, want := range map[string]string{
		"SU: John Smith":                        cued,
		"su John Smith started work":            cued,
		"customer John Smith":                   cued,
		"claimant John Smith":                   cued,
		"Claimant: J. Smith":                    cued,
		"intern John Smith":                     cued,
		"Interns John Smith and Jane Doe began": cued,
		"candidate John Smith":                  cued,
		"jobseeker John Smith":                  cued,
		"trainee Asha Patel":                    cued,
		"client (John Smith)":                   cued,
		"our client, John Smith, started work":  cued,
		"clients John Smith and Jane Doe":       cued,
		"Client name: John Smith":               cued,
		"Patient full name - Asha Patel":        cued,
		"Name: John Smith":                      cued,
		"Referral form\nName: John Smith":       cued,
		"client's name is John Smith":           cued,
		"his name is John Smith":                cued,
		"John Smith (client)":                   cued,
		"John Smith (client) started work":      cued,
		"Asha Patel, patient, started work":     cued,
		"John Smith - SU":                       cued,
		"Smith, John (service user)":            cued,
		"John Smith is the client.":             cued,
		"Zephaniah Okonkwo-Reyes (participant)": cued,
		"Intern: Mr T. Williams":                titled, // the title speaks first
		"resides LS1 4AP":                       address,
		"lives LS1 4AP":                         address,
		"Client lives: LE3 8RA":                 address,
		"P/C LS1 4AP":                           label,
		"p/c: le3 8ra":                          label,
		"PC: LS1 4AP":                           label,
		"lives at 12, High Street":              street,
		"home address: 7a, Mill Lane":           street,
		"NI: AB-12-34-56-C":                     ni,
		"NI: AB.12.34.56.C":                     ni,
		"NINO gr-12-34-56-a":                    ni,
		"National Insurance no. AB-12-34-56-C.": ni,
		"RiO 1234567":                           hospital,
		"RiO no. 1234567":                       hospital,
		"SystmOne 1234567":                      hospital,
		"EMIS number: 1234567":                  hospital,
		"PAS 1234567":                           hospital,
		"PARIS ID 12345678":                     hospital,
		"CareNotes 123456":                      hospital,
		"DOB 19800201":                          birth,
		"date of birth: 19751231":               birth,
		// Initials and a surname before the word (fix-guard), as after it.
		"J Smith (client)":                    cued,
		"J. A. Khan, patient, asked to pause": cued,
		"Placements: K Jones (participant)":   cued,
		"J Smith-Jones - SU":                  cued,
		// The label "name" alone at a line's start, or under a heading
		// that is no staff member's, is a person's.
		"Name: Claire Murray":                                     cued,
		"Client\nName: John Smith":                                cued,
		"Referral received\n\nFull name: Asha Patel":              cued,
		"Referred by the employment specialist. Name: John Smith": cued,
		"trainees John Smith and Jane Doe began":                  cued,
	} {
		var e *domain.Error
		if err := domain.CheckPersonalData("notes", text); !errors.As(err, &e) || e.Fields["notes"] != want {
			t.Errorf("CheckPersonalData(%q) = %v, want notes: %q", text, err, want)
		}
	}
	for _, text := range []string{
		// Cohorts, teams and counts named by the sector's words.
		"Spring interns 2026 started in March",
		"Aspiro interns: 8 so far, 4 graduated",
		"Interns Cohort 3 began on 01/04/2026",
		"Customer Services Manager joined the board",
		"Customer Experience Team feedback",
		"DWP customers referred: 45",
		"Claimant Count rose 3% in Leeds",
		"Claimant Commitment reviews done",
		"Jobseeker's Allowance claimants: 120",
		"Candidate Information Pack sent",
		"Candidates shortlisted: 12",
		"Trainee Employment Specialist post filled",
		"Trainee Peer Support Worker started",
		"SU Jobs Fair at Leeds Beckett",
		"Service users, carers and staff attended",
		"Service User Involvement Group",
		"Clients: 12 in work, 3 in training",
		"Patients seen: 45; clients supported: 30",
		"Our customers include Tesco and Asda",
		"Su Pollard opened the event", // a forename, where SU is in capitals
		"Our volunteer Su Ann Jones ran the session",
		"Name the file by quarter",
		"Name: Q1 return",
		"The client, who asked not to be named, started work",
		"Client (self-referred) started work",
		"Client (aged 34) started work",
		// Names labelled as someone else's, or staff with their role.
		"Contact name: Claire Murray, employment specialist",
		"Staff name: Claire Murray",
		"Project name: Mary Seacole Ward pilot",
		"Name of employer: John Lewis",
		"Employer name: Greggs",
		"Claire Murray, client services manager, joined",
		"Mary Jones (Client Lead) chaired",
		"Meeting with Claire Murray (employment specialist)",
		"Intern Programme Lead: Claire Murray",
		"Sainsbury's (customer) took 3 interns",
		"John Lewis (customer) placements",
		"customer John Lewis took 2 interns", // an employer that trades under a name
		// A trainee labelled with a colon, dash, bracket or comma is a
		// role and its holder; a "name" label under a staff heading is a
		// staff member's; initials that are a business's or a label's
		// (fix-guard).
		"Trainee: Claire Murray",
		"Trainees - Claire Murray and Jane Doe",
		"Service manager: Jane Doe\nTrainee: Claire Murray",
		"our trainee, Claire Murray, joined the team",
		"Post holder\nName: Claire Murray",
		"Contact:\n\nFull name: Claire Murray",
		"Employment specialist post.\nName: Claire Murray",
		"J Sainsbury (client) took two interns",
		"W H Smith (customer) placements: 3",
		"Plan B Consulting (client) took two interns",
		"A Smith (client)",
		// Postcodes, streets, numbers and systems that are no one's.
		"PC World donated 12 laptops",
		"PC Smith attended the multi-agency meeting",
		"Bought 3 PCs for the hub; P/C budget £1,200",
		"Lives changed: 45 people into work",
		"She lives 10 minutes away",
		"Resident of Leeds for 12 years",
		"Team of 12, Station Road office",
		"Version 12.34.56 released",
		"PAS 1192 compliance for the new building",
		"PAS 2035:2019 retrofit standard",
		"RiO migration planned for 2026",
		"RiO notes audited: 1200 records",
		"EMIS web training for 12 staff",
		"Paris 2024 volunteering scheme",
		"Batch 20260401 uploaded",
		"DOB field added to the form on 20260401",
		"Grant GR-2026-0042, 12 people into work, £12,345.67",
		// NI-shaped references: pairs joined by dashes or dots with no NI
		// cue (HMRC never writes a number so), or a part of a longer code
		// (fix-guard).
		"AB-12-34-56-C",
		"Grant reference GR-12-34-56-A",
		"GR.12.34.56.A awarded",
		"Ref PRJ-AB123456C",
		"Codes AB-12-34-56-A-01 and AB123456C/2026",
	} {
		if err := domain.CheckPersonalData("notes", text); err != nil {
			t.Errorf("CheckPersonalData(%q) = %v, want nil: no personal data", text, err)
		}
	}
}

// TestCheckPersonalDataMangledPhonesAndEmails holds what the third
// security audit stored (W2): a phone number as a spreadsheet leaves it,
// without its 0 or its + (Excel keeps 07700900123 typed into a cell as
// 7700900123), copied on after a phone cue; and an address with "at" and
// "dot" spelled out, as people write one to keep it from being harvested.
// Without a cue the same digits are as often a reference, and "at" and
// "dot" fill ordinary sentences: those pass.
func TestCheckPersonalDataMangledPhonesAndEmails(t *testing.T) {
	t.Parallel()
	const phone, spelled = "a phone number", `an email address ("at" and "dot" written as words)`
	for _, c := range []struct{ text, kind string }{
		{"mob 7700900123", phone},
		{"mob 7700 900123", phone},
		{"Mobile: 7700-900-123", phone},
		{"tel 447700900123", phone},
		{"Tel. no: 447700900123", phone},
		{"call on 7700 900123", phone},
		{"ring 113 496 0000 after 5", phone},
		{"text 7700900123 to confirm", phone},
		{"phone number 2079460018", phone},
		{"john.smith at gmail dot com", spelled},
		{"jsmith AT hotmail DOT co DOT uk", spelled},
		{"write to j.smith at nhs dot net", spelled},
		{"jo at example.org dot uk", spelled},
		{"jo at example dot org.", spelled},
		// An address's local part with a web site's words around it
		// (fix-guard): a mailbox's shape, a personal mail service, or a
		// word that is none of those written before a site.
		{"jsmith at gmail dot com", spelled},
		{"Jo at gmail dot com", spelled},
		{"sarah1985 at sky dot com", spelled},
		{"email sarah.jones at leeds dot ac dot uk", spelled},
		{"JSMITH at example dot org", spelled},
		{"Jo AT leedsmind DOT org DOT uk", spelled}, // "AT" in capitals: a disguise
		{"More at leeds dot gov dot uk, or jsmith at leeds dot gov dot uk", spelled},
	} {
		wantPersonal(t, domain.CheckPersonalData("notes", c.text), "notes", c.kind, c.text)
	}
	for _, text := range []string{
		"ref 7700900123", // no cue: a reference
		"7700900123",
		"PO 447700900123",
		"call 2 people a week",
		"phone calls 120 134 1560",
		"text 12 people, ring 3 employers",
		"mob team of 12 met 1200 employers",
		"Phone 1200 people in Q1",
		"call volumes 1200 1340 1560 1720",
		"met at the hub",
		"Job fair at leeds.gov.uk", // a web site: "at" spelled, but no "dot"
		"Job fair at leeds.gov.uk; see the dot plots",
		"Details at www.nhs.uk",
		"held at Leeds dot Arena",
		"Staff at Leeds Mind dot org stall",
		"the dot com era",
		"look at dot plots of the figures",
		"Spend at £1,200 dot points agreed",
		"12 people at work; 3 at college",
		// A web site after "at" (fix-guard).
		"More at leeds dot gov dot uk",
		"Details at leeds dot gov dot uk",
		"apply online at leeds dot gov dot uk",
		"Job fair listed at leeds dot gov dot uk",
		"Find us at www dot leeds dot gov dot uk",
		"apprenticeships at www dot leeds dot gov dot uk", // a web site, whatever the word before
		"Leeds City Council at leeds dot gov dot uk has the vacancies",
		"info at leeds dot gov dot uk",
		"Careers at sky dot com: 2 interns applied",
		"drop-in at leeds dot gov dot uk",
		"Covid-19 guidance at gov dot uk",
		"MORE AT LEEDS DOT GOV DOT UK",
	} {
		if err := domain.CheckPersonalData("notes", text); err != nil {
			t.Errorf("CheckPersonalData(%q) = %v, want nil: no personal data", text, err)
		}
	}
}

// TestCheckPersonalDataRussianPersonalNumbers: a Russian person's INN
// (twelve digits, both check digits) and an individual entrepreneur's
// OGRNIP (fifteen digits starting 3, its check digit) are refused in free
// text after their name, as after RU-INN and RU-OGRN in an orgId
// (fix-guard5). Without a cue such digits are as often a UK reference (a
// UPRN, an e-Referral booking number, a barcode, an IMEI), which passes
// even when its digits happen to pass the checks; so do an
// organisation's INN and OGRN, digits that fail the checks, a longer
// code, and "Inn" and "tin" as words. The name may follow the number as
// its label ("500100732259 (ИНН)": fix-guard6; "500100732259, INN":
// fix-guard9), but only as a label: "500100732259 INN 7707083893" is a
// reference and an organisation's INN.
func TestCheckPersonalDataRussianPersonalNumbers(t *testing.T) {
	t.Parallel()
	const inn, ogrnip = "a person's taxpayer number (a Russian INN of 12 digits", "a person's registration number (a Russian OGRNIP of 15 digits"
	for _, c := range []struct{ text, kind string }{
		{"ИНН 500100732259", inn},
		{"Supplier: sole trader, ИНН: 500100732259, paid in roubles", inn},
		{"инн 500100732259", inn},
		{"INN 500100732259", inn},
		{"INN: 770708389324", inn},
		{"INN no. 500100732259", inn},
		{"ИНН № 500100732259", inn},
		{"INN#500100732259", inn},
		{"TIN 500100732259", inn},
		{"taxpayer number 500100732259", inn},
		{"Taxpayer identification number: 500100732259", inn},
		{"ИНН 7707-083893-24", inn},
		{"ИНН 5001 0073 2259", inn},
		{"ИНН\n500100732259", inn},
		{"Funded via RU-INN-500100732259", inn},
		{"ОГРНИП 304500116000157", ogrnip},
		{"OGRNIP: 304500116000157", ogrnip},
		{"ОГРН ИП 304500116000157", ogrnip},
		{"OGRN IP no. 304500116000157", ogrnip},
		{"ogrnip 304500116000157", ogrnip},
		{"Registered as RU-OGRN-304500116000157", ogrnip},
		// The name after the number, as a label (fix-guard6): right after
		// it, in brackets, after a dash, colon or small words, ending its
		// clause; a cue before for the other number does not stop it.
		{"500100732259 (ИНН)", inn},
		{"500100732259 INN", inn},
		{"Sole trader 500100732259 (INN), paid in roubles", inn},
		{"500100732259 - TIN.", inn},
		{"500100732259: taxpayer", inn},
		{"500100732259 инн", inn},
		{"500100732259 [ИНН]; invoice 12", inn},
		{"7707-083893-24 (ИНН)", inn},
		{"5001 0073 2259 INN", inn},
		{"500100732259 is her INN.", inn},
		{"500100732259 is the client's INN", inn},
		{"500100732259 = ИНН", inn},
		{"ОГРН 500100732259 (ИНН)", inn},
		{"304500116000157 (OGRNIP)", ogrnip},
		{"304500116000157 ОГРНИП", ogrnip},
		{"304500116000157 (ОГРН ИП)", ogrnip},
		{"304500116000157 - ogrn", ogrnip},
		{"INN 304500116000157 (ОГРНИП)", ogrnip},
		// fix-guard9: the name after a comma or semicolon, as an
		// apposition; "no." or "№" after it; "inn" and "tin" in small
		// letters as a label (a colon, "no." or "#" before the number, or
		// brackets after it); a comma after a cue before the number.
		{"500100732259, INN", inn},
		{"Sole trader 500100732259, INN, paid in roubles", inn},
		{"500100732259; ИНН.", inn},
		{"500100732259, TIN", inn},
		{"500100732259, taxpayer", inn},
		{"304500116000157, OGRNIP", ogrnip},
		{"304500116000157, ОГРН ИП", ogrnip},
		{"304500116000157; (OGRNIP)", ogrnip},
		{"500100732259 (INN no.)", inn},
		{"500100732259 INN number", inn},
		{"500100732259 (ИНН №)", inn},
		{"500100732259 (inn)", inn},
		{"inn: 500100732259", inn},
		{"inn no. 500100732259", inn},
		{"tin # 500100732259", inn},
		{"INN, 500100732259", inn},
		{"ИНН, 500100732259", inn},
		{"INN:\u00a0500100732259.", inn},
		{"500100732259 \u2013 INN", inn},
		// fix-guard9: a full-width colon; the number or a gloss of the cue
		// in brackets; "IP" after an INN label.
		{"INN\uff1a500100732259", inn},
		{"ИНН (500100732259)", inn},
		{"OGRNIP (304500116000157)", ogrnip},
		{"Taxpayer Identification Number (TIN) 500100732259", inn},
		{"ИНН (ИП) 500100732259", inn},
		{"500100732259 (ИНН ИП)", inn},
		// fix-guard10: an invoice's "ИНН/КПП" column (a person has no
		// KPP, so a person's INN stands alone under it); "физлица" (an
		// individual's) between the name and the number; whose number it
		// is, a person's, after the name as a label; "Tax ID" in English.
		{"ИНН/КПП 500100732259", inn},
		{"ИНН / КПП: 500100732259", inn},
		{"ИНН физлица 500100732259", inn},
		{"ИНН физ. лица: 500100732259", inn},
		{"ИНН физического лица 500100732259", inn},
		{"500100732259 (INN of the sole trader)", inn},
		{"500100732259 (ИНН of an individual)", inn},
		{"500100732259, INN of the individual entrepreneur.", inn},
		{"Tax ID 500100732259", inn},
		{"tax ID: 500100732259", inn},
		{"Tax identification number 500100732259", inn},
		{"tax no. 500100732259", inn},
	} {
		wantPersonal(t, domain.CheckPersonalData("notes", c.text), "notes", c.kind, c.text)
	}
	for _, text := range []string{
		// The same digits with no cue: references.
		"500100732259", "ref 500100732259", "UPRN 100023336909", "UBRN 000012345627", "Barcode 501234502273",
		"PO 450000012496", "Batch 202603150051 sent", "447700900133", "IMEI 352094100000121", "304500116000157",
		// An organisation's INN and OGRN, and a person's with a check digit wrong.
		"ИНН 7707083893", "INN 7707083893 (Sberbank)", "OGRN 1027700132195", "ОГРН 1027700132195",
		"ИНН 500100732258", "ИНН 500100732269", "ОГРНИП 304500116000158", "ОГРНИП 404500116000154",
		// Part of a longer code, or not the whole number.
		"ИНН 500100732259-01", "ИНН 500100732259/2026", "ИНН 5001 0073 2259 11", "INN 1500100732259",
		// The cue's letters as words, or an INN cue before an OGRNIP and an OGRN cue before an INN.
		"Premier Inn 500100732259", "tin 500100732259", "Inn 500100732259", "INN 304500116000157", "ОГРН 500100732259",
		"taxpayers 500100732259", "INN 12 people, 500100732259 refs",
		// A cue after the number that is no label of it (fix-guard6): a
		// word, not the cue, or the cue in other letters; the cue starting
		// the next number's label or something else, after a comma too; the
		// cue of the other number; an organisation's INN and OGRN, digits
		// that fail the check, or a longer code, with the cue after.
		"500100732259 innings", "500100732259 Inn", "500100732259 at the Premier Inn", "500100732259 tin",
		"500100732259 INN 7707083893", "UPRN 100023336909 (INN 7707083893)", "UPRN 100023336909, INN 7707083893",
		"500100732259 INN pending", "500100732259 (ИНН verified by finance)", "500100732259 innovation (INN)",
		"304500116000157 (INN)", "500100732259 (ОГРНИП)", "7707083893 (ИНН)", "1027700132195 (ОГРН)",
		"500100732258 (ИНН)", "304500116000158 (OGRNIP)", "500100732259-01 (ИНН)", "5001 0073 2259 11 (ИНН)",
		// The price: the name nowhere near the number.
		"500100732259 for the supplier whose INN we hold",
		// fix-guard9: after a comma or semicolon the cue must still end
		// its clause; "no" that starts a phrase is no number word; "inn"
		// and "Inn" as words, not labels.
		"Hub UPRN 720024500036; INN pending from the landlord.", "Hub UPRN 720024500036, INN to follow.",
		"500100732259 INN no longer needed", "500100732259 inn", "the inn 500100732259", "500100732259, Inn",
		"Premier Inn: 500100732259 booking", "stayed at the inn. 500100732259 is the booking",
		"UPRN 100023336909; ИНН 7707083893", "500100732258, INN", "7707083893, ИНН", "inn: 7707083893",
		"Supplier Sberbank (INN 7707083893) 500100732259 barcode", "Booked (Premier Inn) 500100732259",
		"UPRN (100023336909)", "ИНН (7707083893)", "500100732259 (ИНН ИП Иванова)",
		// fix-guard10: an organisation's INN and KPP under "ИНН/КПП", a
		// KPP's label alone; "tax" with no word that makes it a label, a
		// council tax account; an owner after the cue who is no person,
		// or the cue not ending its clause after one.
		"ИНН/КПП 7707083893/770701001", "КПП 500100732259", "ИНН/КПП 500100732258", "tax 500100732259",
		"Council tax ID 500100732259", "500100732259 tax ID", "500100732259 (INN of the supplier)",
		"500100732259 INN of the sole trader 7707083893", "500100732259 (the inn of the sole trader)",
	} {
		if err := domain.CheckPersonalData("notes", text); err != nil {
			t.Errorf("CheckPersonalData(%q) = %v, want nil", text, err)
		}
	}
}
