package domain_test

import (
	"bufio"
	"errors"
	"math/rand/v2"
	"os"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// corpusLine is one note of a corpus file, with the kind of personal data
// it holds ("" in the clean corpus).
type corpusLine struct {
	line       int
	kind, text string
}

// readCorpus reads a corpus file: one note a line, "\n" standing for a
// line break (and "\r" for a carriage return), # comments; with kinds,
// each line is "kind<TAB>note".
func readCorpus(t testing.TB, path string, withKind bool) []corpusLine {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []corpusLine
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		l := sc.Text()
		if strings.TrimSpace(l) == "" || strings.HasPrefix(l, "#") {
			continue
		}
		c := corpusLine{line: n, text: l}
		if withKind {
			var ok bool
			c.kind, c.text, ok = strings.Cut(l, "\t")
			if !ok {
				t.Fatalf("%s:%d: no kind", path, n)
			}
		}
		c.text = strings.NewReplacer(`\n`, "\n", `\r`, "\r").Replace(c.text)
		out = append(out, c)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

var corpusKinds = map[string]string{
	"nhs":   "appears to contain an NHS number",
	"email": `appears to contain an email address (for a place, write "at" instead of "@")`,
	// With "at" and "dot" spelled out (third security audit, W2).
	"spelledemail": `appears to contain an email address ("at" and "dot" written as words)`,
	"phone":        "appears to contain a phone number",
	"name":         `appears to contain a person's name (a title such as "Mr" or "Ms" before a name)`,
	"birth":        "appears to contain a date of birth",
	"address":      "appears to contain a home address (a postcode given as where someone lives)",
	"street":       "appears to contain a home address (a house number and street given as where someone lives)",
	"cuedname":     `appears to contain a person's name (a name beside a word for the person, such as "client", "patient" or "Pt")`,
	"hospital":     "appears to contain a hospital number",
	"ni":           "appears to contain a National Insurance number",
	// With no cue (second security audit, W1).
	"namedbirth":  "appears to contain a date of birth (a full date right after a person's name)",
	"fulladdress": "appears to contain a home address (a house number, street and postcode with no organisation named before them)",
	"flat":        "appears to contain a home address (a flat, street and postcode)",
	// A postcode after "postcode", and a date of birth before a name.
	"postcodelabel": `appears to contain a home address (a postcode after "postcode", with no organisation named before it)`,
	"birthbefore":   "appears to contain a date of birth (a full date right before a person's name)",
	// A Russian person's INN and an entrepreneur's OGRNIP after their
	// names (fix-guard5).
	"inn":    "appears to contain a person's taxpayer number (a Russian INN of 12 digits is an individual's; an organisation's has 10)",
	"ogrnip": "appears to contain a person's registration number (a Russian OGRNIP of 15 digits is an individual entrepreneur's; an organisation's OGRN has 13)",
}

// TestPersonalDataCorpus measures the guard on realistic notes: its hit
// rate on notes holding personal data in the forms people type (every one
// must be found, as the right kind) and its false-alarm rate on clean notes
// full of amounts, dates, years, reference and organisation numbers (none
// may be refused). Run with -v to see the rates. Last measured: caught 452
// of 452 notes with personal data, false alarms 0 of 570 clean notes (443
// of 443 and 0 of 562 before fix-guard10's INNs under "ИНН/КПП", with
// "физлица" after the name, with a person as their owner after it and
// after "Tax ID", and, after "patient", "SU", "claimant" and "jobseeker",
// an unlisted forename and a surname of a surname's own shape before a
// company or road word and a full name before "Court" and a court's
// business were added, with an organisation's INN/KPP, a council tax ID,
// an owner who is no person, "tax" with no label word, a company and a
// house named after the cue and a housing scheme's hearing loop and case
// study, both sides: the guard before it caught 0 of the 9; 438
// of 438 and 0 of 558 before fix-guard9's INNs in brackets after their
// name or with "IP" after it and cues' full-width colons were added, with
// an organisation's INN in brackets before a reference, "Inn" in brackets
// and a ratio and a timetable typed with full-width colons, both sides:
// the guard before it caught 0 of the 5; 433
// of 433 and 0 of 551 before fix-guard9's forenames and surnames in full
// after "patient", "Pt", "SU", "service user", "claimant" and "jobseeker"
// before a company or road word were added, with wards, houses, housing
// schemes, charities and known employers so named and the cues that can
// name an organisation, both sides: the guard before it caught 0 of the
// 5; 427
// of 427 and 0 of 545 before fix-guard9's INNs and OGRNIPs with their name
// after a comma or semicolon or with "no." after it, "inn" in small
// letters as a label, and a comma after the name before the number were
// added, with a cue after a comma that ends no clause and "inn" as a word,
// both sides: the guard before it caught 0 of the 6; 423
// of 423 and 0 of 539 before fix-guard8's initials and surnames after
// "SU", "service user", "claimant" and "jobseeker" before a company or
// place word were added, with the cues that can name an organisation
// before one, both sides: the guard before it caught 0 of the 4; 419 of
// 419 and 0 of 533 before fix-guard7's, after a patient cue, were added; 414
// of 414 and 0 of 528 before fix-guard6's INNs and OGRNIPs with their name
// after them as a label were added, with references a cue after them does
// not label, both sides: the guard before it caught 0 of the 5; 406
// of 406 and 0 of 512 before fix-guard5's Russian INNs and OGRNIPs after
// their names were added, with twelve- and fifteen-digit references that
// pass their checks and labelled groups rated or counted by everyday
// words, both sides: a rule on the check digits alone, with no cue,
// refused 9 of those 16 clean notes; 401 of 401 and 0 of 502 before
// fix-guard2's initials and surnames after a label's letter; 385
// of 385 and 0 of 480 before fix-guard's look-alikes and finds were added,
// both sides: the guard before it caught 398 of the 401 and refused 17 of
// the 502, NI-shaped references, web sites spelled out, a trainee or a
// "name" labelled under a staff heading and Belgian enterprise numbers; 380
// of 380 and 0 of 477 before the phone numbers without their 0 or + after a
// phone cue and the addresses spelled out were added, both sides; 358
// of 358 and 0 of 468 before the sector's other words for the person, the
// names before their cue, the short residence cues and labels, NI numbers
// with dashes, record systems' numbers and dates year first were added,
// both sides; 334
// of 334 and 0 of 453 before the numbers and cues broken over lines and the
// numbers joined by other marks were added, both sides, with the timetables
// and tables those marks also write; 322
// of 322 and 0 of 442 before the postcodes after "postcode" and the dates
// of birth before a name were added, both sides, with their look-alikes; 302
// of 302 and 0 of 426 before the +44 numbers set apart from their +, the
// National Insurance numbers in any case and the names with a date of
// birth and full addresses with no cue were added, both sides, with their
// look-alikes; 266 of 266 and 0 of 378 before the lower-case streets and
// names and the unlisted forenames). The floors below keep either side
// from shrinking unnoticed.
func TestPersonalDataCorpus(t *testing.T) {
	t.Parallel()
	positive := readCorpus(t, "testdata/personal/personal.txt", true)
	clean := readCorpus(t, "testdata/personal/clean.txt", false)
	if len(positive) < 452 || len(clean) < 570 {
		t.Fatalf("corpus too small: %d with personal data (want 452+), %d clean (want 570+)", len(positive), len(clean))
	}

	hits, rightKind := 0, 0
	byKind := map[string][2]int{} // kind: found, total
	for _, c := range positive {
		want, ok := corpusKinds[c.kind]
		if !ok {
			t.Fatalf("personal.txt:%d: unknown kind %q", c.line, c.kind)
		}
		err := domain.CheckPersonalData("notes", c.text)
		var e *domain.Error
		found := errors.As(err, &e) && e.Code == domain.CodePersonalData
		k := byKind[c.kind]
		k[1]++
		switch {
		case !found:
			t.Errorf("personal.txt:%d: missed %s in %q", c.line, c.kind, c.text)
		case e.Fields["notes"] != want:
			hits++
			k[0]++
			t.Errorf("personal.txt:%d: %q found as %q, want %q", c.line, c.text, e.Fields["notes"], want)
		default:
			hits++
			rightKind++
			k[0]++
		}
		byKind[c.kind] = k
	}
	falseAlarms := 0
	for _, c := range clean {
		if err := domain.CheckPersonalData("notes", c.text); err != nil {
			falseAlarms++
			t.Errorf("clean.txt:%d: false alarm on %q: %v", c.line, c.text, err)
		}
	}
	pct := func(a, b int) string { return strconv.FormatFloat(100*float64(a)/float64(b), 'f', 1, 64) + "%" }
	t.Logf("hit rate %s (%d of %d notes with personal data; right kind %d): NHS %d/%d, email %d/%d, phone %d/%d, "+
		"name %d/%d (after patient or client %d/%d), date of birth %d/%d, home address %d/%d (by street %d/%d), "+
		"hospital number %d/%d, National Insurance number %d/%d, Russian INN or OGRNIP %d/%d",
		pct(hits, len(positive)), hits, len(positive), rightKind,
		byKind["nhs"][0], byKind["nhs"][1], byKind["email"][0]+byKind["spelledemail"][0], byKind["email"][1]+byKind["spelledemail"][1],
		byKind["phone"][0], byKind["phone"][1],
		byKind["name"][0]+byKind["cuedname"][0], byKind["name"][1]+byKind["cuedname"][1], byKind["cuedname"][0], byKind["cuedname"][1],
		byKind["birth"][0]+byKind["namedbirth"][0]+byKind["birthbefore"][0], byKind["birth"][1]+byKind["namedbirth"][1]+byKind["birthbefore"][1],
		byKind["address"][0]+byKind["street"][0]+byKind["fulladdress"][0]+byKind["flat"][0]+byKind["postcodelabel"][0],
		byKind["address"][1]+byKind["street"][1]+byKind["fulladdress"][1]+byKind["flat"][1]+byKind["postcodelabel"][1], byKind["street"][0], byKind["street"][1],
		byKind["hospital"][0], byKind["hospital"][1], byKind["ni"][0], byKind["ni"][1],
		byKind["inn"][0]+byKind["ogrnip"][0], byKind["inn"][1]+byKind["ogrnip"][1])
	t.Logf("false-alarm rate %s (%d of %d clean notes)", pct(falseAlarms, len(clean)), falseAlarms, len(clean))
}

// TestPersonalDataArbitraryTenDigitNumbers measures what the guard cannot
// avoid: a ten-digit reference number is refused when it passes the NHS
// check digit (one in eleven: a tenth of the ten in eleven bodies whose
// check digit is not 10) or reads as a UK phone number (01… and 08… may be
// ten digits: one in fifty). Anything far from that means a rule is off.
func TestPersonalDataArbitraryTenDigitNumbers(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(11, 2016))
	const n = 20000
	refused := 0
	for range n {
		d := strconv.FormatUint(r.Uint64N(10_000_000_000)+10_000_000_000, 10)[1:]
		if domain.CheckPersonalData("notes", "ref "+d) != nil {
			refused++
		}
	}
	rate := float64(refused) / n
	t.Logf("arbitrary ten-digit references refused: %.1f%% (%d of %d); expected about 1/11 + 1/50 = 11.1%%", 100*rate, refused, n)
	if rate < 0.095 || rate > 0.125 {
		t.Errorf("refused %.1f%% of arbitrary ten-digit numbers, want about 11.1%%", 100*rate)
	}
}

// TestPersonalDataArbitraryTwelveAndFifteenDigitNumbers measures why a
// Russian person's INN and an entrepreneur's OGRNIP are refused in free
// text only after their name (fix-guard5): twelve arbitrary digits pass
// both of the INN's check digits about one time in a hundred, and fifteen
// starting 3 (an IMEI's length; most start 35) the OGRNIP's one in ten,
// so the checks alone would refuse that many UK references (UPRNs,
// e-Referral booking numbers, barcodes). With no cue none is refused;
// after "ИНН" or "ОГРНИП", or with it after them as their label ("(ИНН)":
// fix-guard6), exactly those that pass the checks, worked out here apart
// from the guard.
func TestPersonalDataArbitraryTwelveAndFifteenDigitNumbers(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(12, 2026))
	const n = 20000
	innValid, innRefused, innCued := 0, 0, 0
	for range n {
		d := strconv.FormatUint(r.Uint64N(1_000_000_000_000)+1_000_000_000_000, 10)[1:]
		valid := russianINN(russianINN(d[:10], 7, 2, 4, 10, 3, 5, 9, 4, 6, 8), 3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8) == d
		if valid {
			innValid++
		}
		if domain.CheckPersonalData("notes", "ref "+d) != nil {
			innRefused++
		}
		if cued := domain.CheckPersonalData("notes", "ИНН "+d) != nil; cued != valid {
			t.Errorf("ИНН %s: refused %v, want %v (both check digits pass: %v)", d, cued, valid, valid)
		} else if cued {
			innCued++
		}
		if labelled := domain.CheckPersonalData("notes", d+" (ИНН)") != nil; labelled != valid {
			t.Errorf("%s (ИНН): refused %v, want %v", d, labelled, valid)
		}
	}
	ogrnValid, ogrnRefused := 0, 0
	for range n {
		d := "3" + strconv.FormatUint(r.Uint64N(100_000_000_000_000)+100_000_000_000_000, 10)[1:]
		body, _ := strconv.ParseUint(d[:14], 10, 64)
		valid := int(d[14]-'0') == int(body%13%10)
		if valid {
			ogrnValid++
		}
		if domain.CheckPersonalData("notes", "ref "+d) != nil {
			ogrnRefused++
		}
		if cued := domain.CheckPersonalData("notes", "ОГРНИП "+d) != nil; cued != valid {
			t.Errorf("ОГРНИП %s: refused %v, want %v", d, cued, valid)
		}
		if labelled := domain.CheckPersonalData("notes", d+" (ОГРНИП)") != nil; labelled != valid {
			t.Errorf("%s (ОГРНИП): refused %v, want %v", d, labelled, valid)
		}
	}
	t.Logf("twelve digits passing a person's INN checks: %.2f%% (%d of %d; a rule on the checks alone would refuse them); "+
		"refused with no cue %d, after ИНН %d", 100*float64(innValid)/n, innValid, n, innRefused, innCued)
	t.Logf("fifteen digits starting 3 passing the OGRNIP's check: %.1f%% (%d of %d); refused with no cue %d",
		100*float64(ogrnValid)/n, ogrnValid, n, ogrnRefused)
	if innRefused > 0 || ogrnRefused > 0 {
		t.Errorf("refused %d twelve-digit and %d fifteen-digit references with no cue, want none", innRefused, ogrnRefused)
	}
	if innValid < n/200 || ogrnValid < n/20 {
		t.Errorf("only %d INNs and %d OGRNIPs in the sample: it tests nothing", innValid, ogrnValid)
	}
}

// TestTextFieldsListEveryText: every string an input holds is either
// listed by its TextFields (so the guard sees it) or one of the known
// non-text fields (identifiers, enumerations, dates, staff addresses). A
// new text field that is not listed fails here.
func TestTextFieldsListEveryText(t *testing.T) {
	t.Parallel()
	notText := map[string]bool{
		"funderId": true, "projectId": true, "grantId": true, "cohortId": true, "replaces": true, "currency": true,
		"contract": true, "status": true, "metric": true, "orgId": true, "contacts[0]": true, "notify[0]": true,
		"roles[0].role": true, "roles[0].projectId": true, "roles[0].funderId": true,
	}
	for _, in := range []domain.TextFielder{
		&domain.ProgrammeInput{}, &domain.MemberInput{}, &domain.FunderInput{}, &domain.ProjectInput{}, &domain.GrantInput{},
		&domain.PostInput{}, &domain.CohortInput{}, &domain.OutcomeInput{}, &domain.TargetInput{},
	} {
		var strs []string
		fillStrings(reflect.ValueOf(in).Elem(), "", &strs)
		var listed []string
		for _, f := range in.TextFields() {
			if f.Text != "text "+f.Path {
				t.Errorf("%T: TextFields path %q holds %q, the text of another field", in, f.Path, f.Text)
			}
			listed = append(listed, f.Path)
		}
		var want []string
		for _, s := range strs {
			if !notText[s] {
				want = append(want, s)
			}
		}
		sort.Strings(listed)
		sort.Strings(want)
		if !slices.Equal(listed, want) {
			t.Errorf("%T: TextFields lists %v, want every text field %v", in, listed, want)
		}
	}
}

// fillStrings sets every string in v to "text <path>" (giving each slice
// one element) and collects the JSON paths.
func fillStrings(v reflect.Value, path string, out *[]string) {
	switch v.Kind() {
	case reflect.String:
		if v.Type().PkgPath() == "" || v.Type().Name() == "string" { // plain strings; typed ones are enumerations
			v.SetString("text " + path)
			*out = append(*out, path)
		}
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[domain.Date]() {
			return
		}
		for i := range v.NumField() {
			name, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("json"), ",")
			p := name
			if path != "" {
				p = path + "." + name
			}
			fillStrings(v.Field(i), p, out)
		}
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		fillStrings(v.Index(0), path+"[0]", out)
	}
}
