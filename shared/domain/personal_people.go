package domain

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The personal-data guard's checks for words about a person rather than
// numbers: a name with a title ("Mr John Smith") or after the word for the
// person ("Pt: J. Smith"), a date of birth ("DOB 01/02/1980"), a home
// address ("lives at LE3 8RA") and a hospital number ("MRN 1234567"). Each is refused only
// in the shape that says it is about a person, since the same names, dates
// and postcodes fill every programme's notes for other reasons: staff and
// partners are named, dates are everywhere ("started 01/02/2024"), and a
// service gives its own postcode ("Based at LE1 5WW"). So a bare date or
// postcode passes; a date after a birth cue, or a postcode after a residence
// cue, does not, nor one that such a cue labels after it ("01/02/1990
// (DOB)", "LS6 2AB (home address)"). A name is recognised only by a title
// in front of it (or after it, in the orders registers print names in), which
// programmes put before the people they support and rarely before staff,
// who are "Dr", first names or roles; "Dr" is left out for that reason (most
// doctors in a note are the clinicians who refer); or by the word for the
// person before it ("client", "patient") or the verb "supported" (see
// cuedName), unless it names an employer.
//
// All three hang on a cue word, so one pass over the words of the text
// (peopleKind) finds the cues, and only around a cue is more read: text
// with none costs one scan, as a large imported sheet must.

// The kinds of personal data found by words.
const (
	kindName    = "a person's name"
	kindBirth   = "a date of birth"
	kindAddress = "a home address"
	// kindStreet is a home address found by its house number and street,
	// not its postcode: the problem names it so (see foundProblem).
	kindStreet = "a home address (street)"
	// kindCuedName is a person's name found by the word for them before it
	// ("patient", "client"), not a title: the problem names it so.
	kindCuedName = "a person's name (cued)"
	kindHospital = "a hospital number"
)

// peopleKind names the first kind of personal data about a person found in
// normalised text (see normaliseForGuard), or "". It reads each word once,
// looking it up among the cue words (a map lookup of a short byte string,
// which allocates nothing); only a cue leads to reading what is around it.
func peopleKind(norm string) string {
	var buf [11]byte
	for i := 0; i < len(norm); {
		if c := norm[i]; c < 0x80 && !asciiLetter[c] {
			i++ // the common case, spaces and punctuation, without a call
			continue
		}
		start, end := nextWordAt(norm, i)
		if start < 0 {
			break
		}
		i = end
		if end-start > len(buf) || !cueInitial[norm[start]] {
			continue
		}
		b := buf[:0]
		for j := start; j < end; j++ {
			b = append(b, norm[j]|0x20)
		}
		switch cueWords[string(b)] {
		case cueTitle:
			if isTitledName(norm, start, end) {
				return kindName
			}
		case cueBirth:
			fillers := birthFillers
			if string(b) == "birthday" {
				fillers = birthdayFillers
			}
			if datedBirth(norm, end, fillers, string(b) == "dob") || birthCueAfterDate(norm, string(b), start, end) {
				return kindBirth
			}
		case cueD:
			if e := dobDotted(norm, start); e > 0 && (datedBirth(norm, e, birthFillers, true) || dateBeforeLabel(norm, start, e)) {
				return kindBirth
			}
		case cueB:
			if bornAbbreviated(norm, start, end) {
				return kindBirth
			}
		case cuePerson:
			if cuedName(norm, string(b), start, end) {
				return kindCuedName
			}
		case cueHospital:
			if hospitalNumber(norm, string(b), end) {
				return kindHospital
			}
		case cueHome:
			if kind := homeAddress(norm, string(b), start, end); kind != "" {
				return kind
			}
			if postcodeBeforeHome(norm, string(b), start, end) {
				return kindAddress
			}
		}
	}
	return ""
}

// The cues peopleKind looks for.
const (
	cueTitle = iota + 1
	cueBirth
	cueD
	cueB
	cueHome
	cuePerson
	cueHospital
)

// cueInitial marks the letters, in either case, that a cue word starts
// with: other words skip the lookup.
var cueInitial = func() (t [256]bool) {
	for w := range cueWords {
		t[w[0]], t[w[0]-'a'+'A'] = true, true
	}
	return t
}()

// cueWords are the words, lower-cased, that may start personal data about
// a person.
var cueWords = map[string]uint8{
	"mr": cueTitle, "mrs": cueTitle, "ms": cueTitle, "mx": cueTitle, "miss": cueTitle,
	"dob": cueBirth, "birth": cueBirth, "birthdate": cueBirth, "birthday": cueBirth, "born": cueBirth,
	"d": cueD, "b": cueB,
	"lives": cueHome, "live": cueHome, "lived": cueHome, "living": cueHome, "reside": cueHome, "resides": cueHome,
	"resided": cueHome, "residing": cueHome, "resident": cueHome, "home": cueHome, "address": cueHome,
	"moved": cueHome, "moving": cueHome, "relocated": cueHome,
	"patient": cuePerson, "pt": cuePerson, "client": cuePerson, "participant": cuePerson, "user": cuePerson,
	"supported": cuePerson, "supporting": cuePerson,
	"mrn": cueHospital, "hospital": cueHospital, "hosp": cueHospital,
}

// nextWordAt finds the next word at or after i: a run of letters (ASCII or
// any script's), returned as byte offsets, or -1 when there is none.
func nextWordAt(s string, i int) (int, int) {
	for i < len(s) && !letterAt(s, i) {
		i += runeLen(s, i)
	}
	if i >= len(s) {
		return -1, -1
	}
	j := i
	for j < len(s) {
		if c := s[j]; c < 0x80 {
			if !asciiLetter[c] {
				break
			}
			j++
		} else if letterAt(s, j) {
			j += runeLen(s, j)
		} else {
			break
		}
	}
	return i, j
}

func letterAt(s string, i int) bool {
	if c := s[i]; c < 0x80 {
		return asciiLetter[c]
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return unicode.IsLetter(r) || unicode.Is(unicode.M, r)
}

// asciiLetter marks the ASCII letters.
var asciiLetter = func() (t [128]bool) {
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = true, true
	}
	return t
}()

func runeLen(s string, i int) int {
	if s[i] < 0x80 {
		return 1
	}
	_, n := utf8.DecodeRuneInString(s[i:])
	return n
}

// afterWordChar reports whether a letter or digit stands right before i: a
// word starting at i is then the tail of another ("3b", "Dr.Mr").
func afterWordChar(s string, i int) bool {
	if i == 0 {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.M, r)
}

// lowerASCII appends s lower-cased (ASCII letters only) to buf.
func lowerASCII(buf []byte, s string) string {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf = append(buf, c)
	}
	return string(buf)
}

// wordBefore is the word (letters and apostrophes, so "don't" and
// "trust's" are one) that ends just before i, spaces aside, lower-cased;
// "" when punctuation other than an apostrophe or a line break comes first.
func wordBefore(s string, i int) string {
	w, _ := wordBeforeAt(s, i)
	return w
}

// wordBeforeAt is wordBefore, and where that word starts.
func wordBeforeAt(s string, i int) (string, int) {
	j := i
	for j > 0 && s[j-1] == ' ' {
		j--
	}
	k := j
	for k > 0 {
		r, n := utf8.DecodeLastRuneInString(s[:k])
		if r != '\'' && !unicode.IsLetter(r) {
			break
		}
		k -= n
	}
	return strings.ToLower(strings.Trim(s[k:j], "'")), k
}

// wordAfter is the word that starts after i once spaces are skipped,
// lower-cased, with where it ends; "" when something else comes first.
func wordAfter(s string, i int) (string, int) {
	for i < len(s) && s[i] == ' ' {
		i++
	}
	if i >= len(s) || !letterAt(s, i) {
		return "", i
	}
	_, end := nextWordAt(s, i)
	return strings.ToLower(s[i:end]), end
}

// wordSet is the set of the space-separated words in words, for the
// guard's lists of words, each written as one string to read.
func wordSet(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// Titles.

// isTitledName reports whether the word at start..end is a title (Mr,
// Mrs, Ms, Mx, Miss, in any case) before a name: a capitalised word ("Mr
// Smith", "Mrs O'Brien", "Mr SMITH") or an initial ("Miss K Jones", "Mr
// J."), after a space or a full stop ("Mr.Smith"); or a title in brackets
// after a name written surname first ("SMITH, John (Mr)"), as registers
// and patient administration systems list people. A title in capitals
// ("MR JOHN SMITH", as those systems export names) needs the name in
// capitals too, or two capitalised words: "MS" and "MRS" are also acronyms
// ("MS Society", "MRS data return"). Left alone:
//   - a title before a word that is not a name in that place: "Ms Teams",
//     "Ms Word" (Microsoft's products, typed in any case), "Ms Society"
//     (the MS Society), "Mr Men" (the books), "MR scan", and the words
//     "Miss" takes as a verb in a heading ("Don't Miss Out", "Miss A
//     Session", "Why People Miss Appointments"): after "don't", "never",
//     "to" and the like, or before a word no one is called ("Out", "The",
//     "Work", …);
//   - a titled name that is part of an organisation's name: charitable
//     trusts are named so ("The Miss Agnes H Hunter Trust", "Mrs L D Rope
//     Third Charitable Settlement"), and a funder's name must go in;
//   - a title that is the tail of a word ("HMrs", "3Mr").
func isTitledName(norm string, start, end int) bool {
	title := titleCase(norm[start:end])
	switch title {
	case "Mr", "Mrs", "Ms", "Mx", "Miss":
	default:
		return false
	}
	if afterWordChar(norm, start) {
		return false
	}
	capitals := norm[start:end] == strings.ToUpper(title)
	if start > 0 && norm[start-1] == '(' {
		return closesBracket(norm, end) && (bracketedTitle(norm, start) || (!capitals && surnameBracketTitle(norm, start)) ||
			surnameInitialsTitle(norm, start, end, capitals, true))
	}
	if surnameCommaTitle(norm, start, end, capitals) || surnameInitialsTitle(norm, start, end, capitals, false) {
		return true
	}
	i := end
	dot := i < len(norm) && norm[i] == '.'
	if dot {
		i++
	}
	spaces := 0
	for i < len(norm) && norm[i] == ' ' {
		i++
		spaces++
	}
	if (spaces == 0 && !dot) || i >= len(norm) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(norm[i:])
	if !unicode.IsUpper(r) {
		return false
	}
	nameStart := i
	_, nameEnd := nextWordAt(norm, i)
	name := norm[nameStart:nameEnd]
	initial := utf8.RuneCountInString(name) == 1
	// A name runs on over apostrophes and hyphens (O'Brien, Smith-Jones),
	// a few times at most: a longer chain is not a name, and reading it
	// again for every title in it would take time that grows as its square.
	for n := 0; n < 3 && nameEnd+1 < len(norm) && (norm[nameEnd] == '\'' || norm[nameEnd] == '-') && letterAt(norm, nameEnd+1); n++ {
		_, nameEnd = nextWordAt(norm, nameEnd+1)
	}
	key := titleCase(name)
	if notAName[title][name] || notAName[title][key] || notAName[""][name] || notAName[""][key] {
		return false
	}
	if title == "Miss" {
		if missVerbBefore[wordBefore(norm, start)] || notAfterMiss[key] {
			return false
		}
	}
	if initial && title == "Miss" && name == "A" && !(nameEnd < len(norm) && norm[nameEnd] == '.') {
		return false // "Miss A Session": an article, unless written as an initial ("Miss A. Jones")
	}
	if capitals && !initial && name != strings.ToUpper(name) && !capitalisedWordAt(norm, nameEnd) {
		return false // "MS Society referral": an acronym before a word
	}
	if capitals && capitalsRun(norm, nameStart) > 3 {
		return false // "MRS DATA RETURN SENT TO …": a line in capitals, not a name
	}
	return !namesOrganisation(norm, nameEnd)
}

// titleCase is an ASCII word with its first letter upper-cased and the
// rest lower-cased ("MR", "mr" and "Mr" are all "Mr"), the case the
// tables of words below are written in.
func titleCase(w string) string {
	if w == "" {
		return w
	}
	b := []byte(strings.ToLower(w))
	if b[0] >= 'a' && b[0] <= 'z' {
		b[0] -= 'a' - 'A'
	}
	return string(b)
}

// capitalisedWordAt reports whether, after spaces, a word starting with a
// capital letter begins at i on the same line (a surname after a forename).
func capitalisedWordAt(norm string, i int) bool {
	j := i
	for j < len(norm) && norm[j] == ' ' {
		j++
	}
	if j == i || j >= len(norm) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(norm[j:])
	return unicode.IsUpper(r)
}

// capitalsRun counts the words in capitals from i on, separated by
// spaces or an initial's full stop: a name after a title in capitals is a
// few such words ("MR JOHN SMITH started"), where a title that is an
// acronym starts a whole line in capitals.
func capitalsRun(norm string, i int) int {
	n := 0
	for n <= 3 {
		s, e := nextWordAt(norm, i)
		if s != i || norm[s:e] != strings.ToUpper(norm[s:e]) {
			return n
		}
		n++
		for i = e; i < len(norm) && (norm[i] == '.' || norm[i] == '\'' || norm[i] == '-'); i++ {
		}
		j := i
		for j < len(norm) && norm[j] == ' ' {
			j++
		}
		if j == i && (i == e) {
			return n
		}
		i = j
	}
	return n
}

// closesBracket reports whether the title ending at end closes its
// bracket ("(Mr)", "(Mrs.)").
func closesBracket(norm string, end int) bool {
	if end < len(norm) && norm[end] == '.' {
		end++
	}
	return end < len(norm) && norm[end] == ')'
}

// bracketedTitle reports whether the title starting at start, just after
// an opening bracket it closes (closesBracket), follows a name written
// surname first: a capitalised surname, a comma, and one or two
// capitalised forenames or initials ("SMITH, John (Mr)", "Smith, J A
// (Ms)").
func bracketedTitle(norm string, start int) bool {
	j := start - 1 // the bracket
	for forenames := 0; ; forenames++ {
		if forenames == 2 {
			return false
		}
		k, ok := capitalisedBefore(norm, j)
		if !ok {
			return false
		}
		for j = k; j > 0 && (norm[j-1] == ' ' || norm[j-1] == '.'); j-- {
		}
		if j > 0 && norm[j-1] == ',' {
			break
		}
	}
	_, ok := capitalisedBefore(norm, j-1)
	return ok
}

// surnameBracketTitle reports whether the title starting at start, just
// after an opening bracket it closes (closesBracket), follows a
// capitalised surname alone ("Jones (Mr)"). A title in capitals is not
// read so: "Neurology (MS)" is the illness, and "SMITH, John (MR)" is
// bracketedTitle's. The surname is a word of two letters or more: a
// letter alone before the bracket is a label ("Ward A (Mr)", "Bay C
// (Mrs)": wards and bays named for who they take) or an initial, which
// surnameInitialsTitle reads with the surname before it ("Smith J (Mr)")
// and passes when that word takes a letter as a label.
func surnameBracketTitle(norm string, start int) bool {
	if _, ok := capitalisedBefore(norm, start-1); !ok {
		return false
	}
	w, _ := wordBeforeAt(norm, start-1)
	return utf8.RuneCountInString(w) >= 2
}

// surnameCommaTitle reports whether the title at start..end ends a name
// written surname first with a comma ("JONES, Mr", "Jones, Mrs."): a
// capitalised word, a comma, the title, and then nothing, or no
// capitalised word (the title before a name is the ordinary rule). A
// title in capitals needs the surname in capitals ("Leeds, MS" is a
// place and an illness).
func surnameCommaTitle(norm string, start, end int, capitals bool) bool {
	i := start
	for i > 0 && norm[i-1] == ' ' {
		i--
	}
	if i == start || i == 0 || norm[i-1] != ',' {
		return false
	}
	wordEnd := i - 1 // the comma
	for wordEnd > 0 && norm[wordEnd-1] == ' ' {
		wordEnd--
	}
	_, k := wordBeforeAt(norm, wordEnd)
	surname := norm[k:wordEnd]
	if utf8.RuneCountInString(surname) < 2 {
		return false
	}
	if r, _ := utf8.DecodeRuneInString(surname); !unicode.IsUpper(r) {
		return false
	}
	if capitals && surname != strings.ToUpper(surname) {
		return false
	}
	return endsName(norm, end)
}

// surnameInitialsTitle reports whether the title at start..end ends a
// name in the order patient administration systems print it: surname,
// initials, title ("SMITH J MR", "SMITH J A (MR)", "SMITH, J, MR", "Smith
// J. Mrs"). Read back from the title (or its bracket): a comma or not, one
// or two initials (capital letters standing alone, each with its full stop
// or not, commas between allowed), a comma or not, and a surname of two or
// more letters starting with a capital, in capitals if the title is. It
// needs the initials: a word alone before a title in capitals is
// surnameBracketTitle's, which leaves "Neurology (MS)" alone. It reads
// back over two initials at most, so a long run of single letters before
// every title costs no more than a name. Not read so:
//   - a word that takes a letter after it as a label ("COHORT B MS", "Ward
//     A (Mr)", "PLAN B MS", "VITAMIN D MS"; labelWords) or a small word
//     ("TO A MS");
//   - a title not in brackets that a capitalised word follows: it is then
//     a title before a name ("Team B Mr Smith") or an acronym ("GROUP A MS
//     Society"), for the ordinary rule to judge.
func surnameInitialsTitle(norm string, start, end int, capitals, bracketed bool) bool {
	if !bracketed && !endsName(norm, end) {
		return false
	}
	i := start
	if bracketed {
		i-- // the bracket
	}
	initials := 0
	for {
		j := i
		for j > 0 && (norm[j-1] == ' ' || norm[j-1] == ',' || norm[j-1] == '.') {
			j--
		}
		w, k := wordBeforeAt(norm, j)
		if w == "" {
			return false
		}
		word := norm[k:j]
		if r, _ := utf8.DecodeRuneInString(word); !unicode.IsUpper(r) {
			return false
		}
		if utf8.RuneCountInString(word) == 1 {
			if initials++; initials > 2 {
				return false
			}
			i = k
			continue
		}
		if initials == 0 || capitals && word != strings.ToUpper(word) {
			return false
		}
		return !labelWords[w] && !notAName[""][titleCase(w)] && !smallWords[w]
	}
}

// endsName reports whether the title ending at end ends the name: its full
// stop or not, then no letter at once and no capitalised word after spaces
// ("SMITH J MR started", "SMITH J MR, 16 hours"; not "Team B Mr Smith").
func endsName(norm string, end int) bool {
	j := end
	if j < len(norm) && norm[j] == '.' {
		j++
	}
	if j < len(norm) && letterAt(norm, j) {
		return false
	}
	for j < len(norm) && norm[j] == ' ' {
		j++
	}
	if j < len(norm) {
		if r, _ := utf8.DecodeRuneInString(norm[j:]); unicode.IsUpper(r) {
			return false
		}
	}
	return true
}

// labelWords, lower-cased, are words that take a letter after them as a
// label ("Cohort A", "Ward B", "Plan B", "Vitamin D", "Hepatitis C"):
// before a letter they are no surname.
var labelWords = wordSet("cohort cohorts group groups team teams ward wards plan type band wave phase level unit block " +
	"zone area stage site grade class option vitamin hepatitis floor wing section part appendix annex table figure item " +
	"schedule lot tier category scheme strand stream pod bay room building flat plot route line question step model form " +
	"version list round year key locality hub pathway clinic programme project services service sites bed beds " +
	"exhibit annexe chapter box lists grant fund funding contract track story stories case study example " +
	"scenario profile vignette persona journey ray rays diff coli tech factor")

// smallWords, lower-cased, are words of two letters or more that a
// sentence in capitals puts before a letter ("TO A MS", "WAS A MR"): no
// surname.
var smallWords = wordSet("an at as be by do if is it me my no not on so up us we was were has had have from with " +
	"into onto than that this then them they what when who why will would could should can may might must our your their " +
	"his her its are am been being but nor yet via per see all any each one two plus")

// capitalisedBefore finds the word that ends just before i, spaces aside:
// where it starts, and whether it starts with a capital letter.
func capitalisedBefore(norm string, i int) (int, bool) {
	w, k := wordBeforeAt(norm, i)
	if w == "" {
		return k, false
	}
	r, _ := utf8.DecodeRuneInString(norm[k:])
	return k, unicode.IsUpper(r)
}

// notAName lists, for each title ("" for all of them), capitalised words
// after it that do not make it a person's title.
var notAName = map[string]map[string]bool{
	"":   {"And": true, "Or": true, "Of": true, "The": true, "To": true, "In": true, "For": true},
	"Mr": {"Men": true, "Scan": true, "Scans": true, "Scanner": true, "Imaging": true},
	"Ms": {"Teams": true, "Word": true, "Excel": true, "Office": true, "Forms": true, "Outlook": true, "Access": true,
		"Project": true, "PowerPoint": true, "Powerpoint": true, "Edge": true, "Windows": true, "Dynamics": true,
		"SharePoint": true, "Sharepoint": true, "Planner": true, "OneDrive": true, "OneNote": true, "Bookings": true,
		"Paint": true, "Society": true, "Uk": true, "Nurse": true, "Service": true, "Team": true, "Clinic": true},
}

// missVerbBefore are words after which "Miss" is the verb: "Don't Miss
// Out", "Never Miss A Payment", "Why Clients Miss Appointments".
var missVerbBefore = wordSet("don't dont do did didn't didnt not never won't wont will would wouldn't can can't cant cannot " +
	"could couldn't may might must mustn't should shouldn't to often rarely sometimes seldom always who they we you i " +
	"people clients patients participants interns staff students")

// notAfterMiss are capitalised words after "Miss" that are what is missed
// in a heading, not a name: "Miss Out", "Miss The Deadline", "Miss Work".
var notAfterMiss = wordSet("Out An The It This That These Those Them Him Her You Us Me Your Our Their His My Its Any " +
	"Anything Nothing Something Everything Another Each Every One Two Three No None Work School College Appointments " +
	"Appointment Sessions Session Meetings Meeting Deadlines Deadline Payments Payment Shifts Shift Interviews Interview " +
	"Calls Call Visits Visit Days Day Weeks Week Classes Class Opportunities Opportunity Chances Chance Targets Target " +
	"Medication Doses Dose Returns Return Reviews Review Placements Placement Lessons Lesson Training")

// namesOrganisation reports whether the capitalised words that follow a
// titled name from i, on the same line, run on into the word that ends a
// charity's name ("… Hunter Trust", "… Third Charitable Settlement").
// Initials, "and", "&" and possessives may come between; a lower-case word
// ends the name ("Mr Smith started at the Trust" names a person).
func namesOrganisation(norm string, i int) bool {
	for n := 0; n < 8; n++ {
		j := i
		for j < len(norm) && (norm[j] == ' ' || norm[j] == '.' || norm[j] == '\'' || norm[j] == '&') {
			j++
		}
		if j == i && j < len(norm) || j >= len(norm) || !letterAt(norm, j) {
			return false
		}
		_, e := nextWordAt(norm, j)
		w := norm[j:e]
		switch {
		case orgEndWords[w] || orgEndWords[titleCase(w)]:
			return true
		case w == "and" || w == "AND" || w == "s":
		default:
			if r, _ := utf8.DecodeRuneInString(w); !unicode.IsUpper(r) {
				return false
			}
		}
		i = e
	}
	return false
}

// orgEndWords end the name of a charitable trust named after people.
var orgEndWords = map[string]bool{"Trust": true, "Trusts": true, "Foundation": true, "Fund": true, "Charitable": true,
	"Charity": true, "Settlement": true, "Bequest": true, "Memorial": true, "Trustees": true, "Endowment": true}

// Names after the word for the person.

// cuedName reports whether the word w at start..end names someone
// supported ("patient", "client", "participant", "Pt", "service user") and
// a name follows it, after a colon or dash or not, in one of the two
// shapes notes shorten a name to: initials and a surname ("Pt: J. Smith",
// "client J Smith", "Patient - J. A. Smith"; initialSurname) or a forename
// and the surname's initial ("client John S.", "Participant: Asha P.";
// forenameInitial), or in full, a forename and a surname ("Client John
// Smith", "Patient: Asha Patel", "client john smith", "Client Zephaniah
// Okonkwo-Reyes"; forenameSurname). The verb "supported" (or
// "supporting") before a name in full or with initials shows a person
// supported too ("supported mary o'brien into a job", "supported J Smith
// into work"); it is no cue for a forename and an initial, which "Supported
// Housing B," would look like. The forename must be one people are called
// (forenames), or else the surname must read as one (see forenameSurname):
// after "client" or "patient" come "Client Services Manager", "Patient
// Experience Team", "Participant Information Sheet", capitalised words
// that are no name. "PT" in capitals is part-time or physiotherapy ("PT J
// Sainsbury" is a job), and a word that takes a letter as a label is no
// name ("client Group A.", "Patient T Level"). A name in full or with
// initials that names a business passes (namesBusiness): programmes call
// the employers they work with clients too ("client J Sainsbury", "client
// John Lewis", "client J Smith Ltd").
func cuedName(norm, w string, start, end int) bool {
	switch w {
	case "pt":
		if norm[start:end] == "PT" {
			return false
		}
	case "user":
		if wordBefore(norm, start) != "service" {
			return false
		}
	}
	if afterWordChar(norm, start) {
		return false // "3pt"
	}
	verb := w == "supported" || w == "supporting"
	// "Client-Led", "Patient-Initiated Follow-Up": the cue is half of a
	// compound word, not the word for the person.
	compound := end+1 < len(norm) && norm[end] == '-' && letterAt(norm, end+1)
	i := end
	if w == "pt" && i < len(norm) && norm[i] == '.' {
		i++
	}
	for i < len(norm) && norm[i] == ' ' {
		i++
	}
	if i < len(norm) && (norm[i] == ':' || norm[i] == '-') {
		for i++; i < len(norm) && norm[i] == ' '; i++ {
		}
	}
	if e := initialSurname(norm, i); e > 0 && !namesBusiness(norm, i, e) {
		return true
	}
	if !verb && forenameInitial(norm, i) {
		return true
	}
	e := forenameSurname(norm, i, !compound)
	return e > 0 && !namesBusiness(norm, i, e)
}

// initialSurname is where one or two initials and a surname that start at
// i end, or 0 when there are none there: capital letters standing alone, each with a full stop or a space
// after it, then a capitalised word of two letters or more that is no
// label (notNameAfterLetter). An "A" or "I" without a full stop is an
// article or a pronoun ("Client A Started work"), not an initial. Two
// initials at most, as with a title (surnameInitialsTitle): a run of
// single letters is read no further, whatever its length.
func initialSurname(norm string, i int) int {
	initials := 0
	for initials < 2 && i < len(norm) && norm[i] >= 'A' && norm[i] <= 'Z' && (i+1 >= len(norm) || !letterAt(norm, i+1)) {
		c := norm[i]
		i++
		dot := i < len(norm) && norm[i] == '.'
		if dot {
			i++
		}
		for i < len(norm) && norm[i] == ' ' {
			i++
		}
		if !dot && (c == 'A' || c == 'I') {
			return 0
		}
		initials++
	}
	if initials == 0 || i >= len(norm) {
		return 0
	}
	if r, _ := utf8.DecodeRuneInString(norm[i:]); !unicode.IsUpper(r) {
		return 0
	}
	s, e := nextWordAt(norm, i)
	if s != i || utf8.RuneCountInString(norm[s:e]) < 2 || notNameAfterLetter(norm[s:e]) {
		return 0
	}
	return e
}

// forenameSurname is where a forename and a surname in full that start at
// i end, or 0 when there are none there: a forename, a space, and a
// surname running on over apostrophes and hyphens (O'Brien, Smith-Jones).
// Three shapes make a name:
//   - a forename from the list (forenames), capitalised or in capitals,
//     and a capitalised word of two letters or more (in capitals, if the
//     forename is): "Client John Smith", "PATIENT SARAH JONES";
//   - the same typed in lower case, as notes are typed in a hurry ("client
//     john smith", "participant jane doe-smith"): then the forename must be
//     no everyday word as well (forenameWords: "client jack", "patient
//     holly"), and the surname, if in lower case too, one that reads as a
//     surname (lowerSurname: "smith", "o'brien", "mcdonald", "doe-smith"),
//     since in lower case any word may follow ("client john reported …");
//   - with unknown, if unknown is set, a capitalised word that is not on
//     the list (people are called many names no list holds), but then the
//     surname must have a surname's own shape (strongSurname:
//     "Okonkwo-Reyes", "O'Sullivan", "McAllister"; no possessive, as in
//     "client Leeds McDonald's", a branch), the forename must be
//     no word that follows "client" or "patient" in a team's or a form's
//     name (notForenames: "Client Services Smith"), and no capitalised
//     word may follow on the line ("Patient Reported Outcome-Measures
//     Survey": a title, not a name).
//
// The surname must be no small word or first word of a sentence
// (smallWords, sentenceStarts: "Client John Started work") and no place
// (notSurnames: "Patient Victoria Station"). Words that take a letter as a
// label may be surnames here ("Client John Ward"): a label follows no
// forename. "Client Services Manager" and "Patient Advice and Liaison
// Service" start with words that are no forename and end in no surname.
func forenameSurname(norm string, i int, unknown bool) int {
	s, e := nextWordAt(norm, i)
	if s != i || e-s > 12 {
		return 0
	}
	first := norm[s:e]
	lowerFirst := strings.ToLower(first)
	capitals := first == strings.ToUpper(first) && len(first) > 1
	listed := forenames[lowerFirst]
	lowerCase := first == lowerFirst
	switch {
	case listed && (capitals || first == titleCase(first)):
	case listed && lowerCase && !forenameWords[lowerFirst]:
	case unknown && first == titleCase(first) && len(first) >= 3 && !notForenames[lowerFirst] &&
		!strings.HasSuffix(lowerFirst, "ing") && !sentenceStarts[lowerFirst] && !smallWords[lowerFirst]:
		listed = false
	default:
		return 0
	}
	j := e
	if j >= len(norm) || norm[j] != ' ' {
		return 0
	}
	for j < len(norm) && norm[j] == ' ' {
		j++
	}
	if j >= len(norm) || !letterAt(norm, j) {
		return 0
	}
	r, _ := utf8.DecodeRuneInString(norm[j:])
	upper := unicode.IsUpper(r)
	if !upper && !lowerCase {
		return 0
	}
	s, e = nextWordAt(norm, j)
	if s != j {
		return 0
	}
	word := norm[s:e] // "O" of O'Brien, "Smith" of Smith-Jones
	for n := 0; n < 3 && e+1 < len(norm) && (norm[e] == '\'' || norm[e] == '-') && letterAt(norm, e+1); n++ {
		_, e = nextWordAt(norm, e+1)
	}
	surname := norm[s:e]
	w := strings.ToLower(word)
	if utf8.RuneCountInString(surname) < 2 || capitals && surname != strings.ToUpper(surname) ||
		smallWords[w] || sentenceStarts[w] || notAName[""][titleCase(word)] || notSurnames[titleCase(word)] {
		return 0
	}
	switch {
	case !upper && !lowerSurname(strings.ToLower(surname)):
		return 0
	case !listed && (!strongSurname(surname) || capitalisedWordAt(norm, e)):
		return 0
	}
	return e
}

// lowerSurname reports whether a word typed in lower case reads as a
// surname after a forename: one of the commonest surnames (surnames), an
// Irish or Scottish one by its shape ("o'brien", "d'souza", "mcdonald"),
// or a double-barrelled one with a part that is ("doe-smith"). Other words
// are the note going on ("client john reported …", "client john follow-up").
func lowerSurname(w string) bool {
	if surnames[w] {
		return true
	}
	if len(w) >= 5 && (strings.HasPrefix(w, "o'") || strings.HasPrefix(w, "d'") || strings.HasPrefix(w, "mc")) &&
		strings.IndexAny(w[2:], "'-") < 0 {
		return true
	}
	parts := strings.Split(w, "-")
	if len(parts) < 2 {
		return false
	}
	known := false
	for _, p := range parts {
		if len(p) < 2 || hyphenWords[p] {
			return false
		}
		known = known || surnames[p] || lowerSurname(p)
	}
	return known
}

// strongSurname reports whether a capitalised word has a surname's own
// shape, which no word of a team's, a form's or a service's name has:
// "O'Brien", "D'Souza", "McAllister", "MacLeod", a double-barrelled name
// of two capitalised parts of three letters or more that are not the
// halves of a compound word ("Okonkwo-Reyes"; not "Follow-Up", "Drop-In",
// "Self-Referral", "Person-Centred": hyphenWords), or one of the commonest
// surnames that is no everyday word ("Patel", "Nowak"; not "Young",
// "Green": commonWordSurnames).
func strongSurname(w string) bool {
	if strings.HasSuffix(w, "'s") || strings.HasSuffix(w, "'S") || mcEmployers[strings.ToLower(w)] {
		return false // "client Leeds McDonald's", "client Scarborough McCain": a business's branch
	}
	if len(w) >= 4 && (strings.HasPrefix(w, "O'") || strings.HasPrefix(w, "D'")) && isLetter(w[2]) {
		return true
	}
	if len(w) >= 4 && strings.HasPrefix(w, "Mc") && isLetter(w[2]) ||
		len(w) >= 5 && strings.HasPrefix(w, "Mac") && isLetter(w[3]) && w[4] >= 'a' && w[4] <= 'z' {
		return true
	}
	lw := strings.ToLower(w)
	if surnames[lw] && !commonWordSurnames[lw] {
		return true
	}
	parts := strings.Split(w, "-")
	if len(parts) != 2 {
		return false
	}
	for _, p := range parts {
		r, _ := utf8.DecodeRuneInString(p)
		lp := strings.ToLower(p)
		if utf8.RuneCountInString(p) < 3 || !unicode.IsUpper(r) || p != titleCase(p) && !isASCIILower(p[1:]) || hyphenWords[lp] {
			return false
		}
	}
	return true
}

// mcEmployers, lower-cased, are employers whose names have an Irish or
// Scottish surname's shape ("McCain", "McVitie"): after a place they name
// a branch, not a person.
var mcEmployers = wordSet("mccain mcvitie mcvities mcdonalds mcalpine mclaren mcafee mccolls mccoll macmillan")

// isASCIILower reports whether s has no ASCII capital letter.
func isASCIILower(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return r >= 'A' && r <= 'Z' }) < 0
}

// forenameWords, lower-cased, are forenames (forenames) that are everyday
// words in lower case: "client jack", "patient holly", "client rob"; they
// make a name only capitalised.
var forenameWords = wordSet("jack bob bobby rob robbie carol dean dale lee holly heather ruby jade nick mike billy " +
	"jean blessing precious karen chelsea georgia jordan norman frank")

// notForenames, lower-cased, are capitalised words that follow "client",
// "patient", "participant" or "supported" in the name of a team, a form, a
// survey or a service ("Client Services", "Patient Experience",
// "Participant Information", "Supported Housing"), and participles that
// make a compound ("Patient Initiated", "Client Led"): no forename, even
// before a word with a surname's shape.
var notForenames = wordSet("services service experience information satisfaction safety transport support supported " +
	"relationship relationships feedback group groups care records record journey journeys advice liaison " +
	"engagement involvement participation voice voices panel forum portal survey surveys data welcome led centred " +
	"centered initiated reported focused facing housing employment living lived accommodation internships " +
	"internship education training outcome outcomes referral referrals consent contact contacts list lists case " +
	"cases file files notes note number numbers id identifier details detail access flow choice choices charter " +
	"rights leaflet leaflets guide guides handbook pack packs story stories pathway pathways profile profiles " +
	"plan plans review reviews assessment assessments agreement agreements form forms sheet sheets council " +
	"committee board network networks partnership partnerships team teams unit units day days week weeks event " +
	"events fund funds grant grants budget budgets cost costs pay payments payment travel expenses expense " +
	"mental physical health wellbeing wellness recovery peer peers user users family families carer carers")

// hyphenWords, lower-cased, are halves of the compound words a programme
// writes with a hyphen ("Follow-Up", "Self-Referral", "Person-Centred",
// "Evidence-Based", "One-To-One", "Part-Time"): a word with one is no
// double-barrelled surname.
var hyphenWords = wordSet("self co non re pre post anti multi semi well long short full part step back out cross " +
	"inter sub ex mid under over after high low one two three first second half peer user person family client " +
	"patient community work job face end open day drop follow check sign walk stop take hand top based led " +
	"centred centered focused informed friendly specific wide related funded owned run driven facing ready term " +
	"time referral referrals management production employed being support aged year years month months week " +
	"weeks minded minded level tier wide scale site home start up down off in on by to the and or of for with " +
	"based outcome outcomes measures measure reported initiated evidence trauma in-work out-of-work")

// namesBusiness reports whether the name at start..end, after the word for
// the person, names a business rather than a person, as a programme's
// notes call the employers they place people with clients too:
//   - a known employer that trades under a founder's initials or name
//     ("J Sainsbury", "W H Smith", "John Lewis", "David Lloyd";
//     knownEmployers), however it is spaced and stopped ("J. Sainsbury's");
//   - any name followed by a company word ("J Smith Ltd", "A Jones &
//     Sons", "J Bloggs and Co", "R Patel Solicitors": legalForms,
//     tradeWords);
//   - a name followed by the word that ends a charity's or a place's name
//     ("Mary Seacole Ward", "Joseph Rowntree Foundation": orgEndWords,
//     placeWords).
//
// A person who shares a known employer's name passes too ("client John
// Lewis" reads as the shop, "client Paul Smith" as the designer's): that
// is the price of letting programmes write about the employers they work
// with, kept small by a short list of employers, written in full.
func namesBusiness(norm string, start, end int) bool {
	var key []byte
	for i := start; i < end; {
		s, e := nextWordAt(norm, i)
		if s < 0 || s >= end {
			break
		}
		if len(key) > 0 {
			key = append(key, ' ')
		}
		key = append(key, strings.ToLower(norm[s:e])...)
		i = e
	}
	if knownEmployers[string(key)] {
		return true
	}
	i := end
	for n := 0; n < 2; n++ {
		for i < len(norm) && (norm[i] == ' ' || norm[i] == '&' || norm[i] == '+') {
			i++
		}
		w, e := wordAfter(norm, i)
		if w == "" || e < len(norm) && norm[e] == '-' { // "co-worker"
			return false
		}
		if w == "and" && n == 0 {
			i = e
			continue
		}
		word := norm[i:e]
		return legalForms[w] || tradeWords[word] || orgEndWords[word] || placeWords[word]
	}
	return false
}

// knownEmployers, lower-cased with single spaces, are large UK employers
// (supermarkets, shops, pubs, bookmakers, gyms, car dealers, manufacturers,
// charity shops) that trade under a founder's initials and surname or
// forename and surname, and so read as a person's name after "client"
// (see namesBusiness).
var knownEmployers = func() map[string]bool {
	m := map[string]bool{}
	for _, n := range []string{"j sainsbury", "w h smith", "j d wetherspoon", "w m morrison", "h samuel", "e h booth",
		"j c bamford", "a f blakemore", "t j hughes", "h r owen", "j w lees", "f hinds", "john lewis", "david lloyd",
		"ted baker", "paul smith", "laura ashley", "jack wills", "ann summers", "harvey nichols", "arnold clark",
		"bernard matthews", "morgan sindall", "sue ryder", "peter jones", "ernest jones", "charles tyrwhitt",
		"karen millen", "dorothy perkins", "ronald mcdonald", "joe browns", "ben sherman",
		"martin mccoll", "william hill", "oliver bonas"} {
		m[n] = true
	}
	return m
}()

// legalForms, lower-cased, are a company's legal form after its name, in
// any case ("J Smith Ltd", "J Smith ltd", "J Sainsbury PLC", "A Jones &
// Co"); tradeWords, capitalised as a business writes its name, the trade
// or make-up it names itself by ("A Jones & Sons", "R Patel Solicitors",
// "J Smith Transport"). In lower case those are a note's own words ("John
// Smith group session").
var (
	legalForms = wordSet("ltd limited plc llp lp inc incorporated co cic cio")
	tradeWords = wordSet("Company Sons Brothers Bros Group Holdings Stores Supermarkets Partnership Associates " +
		"Solicitors Builders Motors Transport Logistics Construction Engineering Haulage Enterprises Industries " +
		"Trading Retail Studios COMPANY SONS BROTHERS GROUP HOLDINGS STORES SUPERMARKETS PARTNERSHIP ASSOCIATES SOLICITORS " +
		"BUILDERS MOTORS TRANSPORT LOGISTICS CONSTRUCTION ENGINEERING HAULAGE ENTERPRISES INDUSTRIES TRADING RETAIL")
)

// placeWords, capitalised, are words that end the name of a place named
// after someone ("Mary Seacole Ward", "Florence Nightingale House"): after
// a name they make it the place's (namesBusiness). notSurnames are those
// of them no one is called, with the words a project is named by, which
// are no surname either ("Patient Victoria Station", "Client Matthew
// Project"): Ward, Hall and Lane, say, are surnames too.
var (
	placeWords = wordSet("Ward Wards Unit Wing House Centre Center Hospital Infirmary Clinic Surgery Practice " +
		"Station Street Road Avenue Lane Square Park Building Suite Hall Lodge School Academy College University " +
		"Library Court Gardens Estate Way Bridge Dock Terrace Crescent Place WARD UNIT WING HOUSE CENTRE HOSPITAL " +
		"CLINIC SURGERY PRACTICE STATION STREET ROAD SQUARE PARK BUILDING HALL LODGE SCHOOL ACADEMY COLLEGE")
	notSurnames = wordSet("Unit Wing Centre Center Hospital Infirmary Clinic Surgery Practice Station Street Road " +
		"Avenue Square Building Suite School Academy College University Library Gardens Estate Dock Terrace " +
		"Crescent Place Project Programme Service Services Team Network Partnership")
)

// forenameInitial reports whether a forename and the initial of a surname
// start at i: a word with a capital and then small letters ("John",
// "Asha"), no label (notNameAfterLetter), a space, and a capital letter
// standing alone with its full stop, or ending the clause ("client John
// S.", "client John S, 16 hours"; not "client John Smith").
func forenameInitial(norm string, i int) bool {
	s, e := nextWordAt(norm, i)
	if s != i {
		return false
	}
	name := norm[s:e]
	r, size := utf8.DecodeRuneInString(name)
	if !unicode.IsUpper(r) || utf8.RuneCountInString(name) < 2 || strings.ToLower(name[size:]) != name[size:] || notNameAfterLetter(name) {
		return false
	}
	j := e
	if j >= len(norm) || norm[j] != ' ' {
		return false
	}
	j++
	if j >= len(norm) || norm[j] < 'A' || norm[j] > 'Z' {
		return false
	}
	j++
	if j < len(norm) && norm[j] == '.' {
		j++
		return j >= len(norm) || norm[j] == ' ' || norm[j] == '\n' || norm[j] == ',' || norm[j] == ')' || norm[j] == ';'
	}
	return j >= len(norm) || strings.IndexByte(",);\n", norm[j]) >= 0
}

// notNameAfterLetter reports whether word, next to a single letter, is a
// label or a small word rather than a name ("Group A", "T Level", "C
// Diff", "X Ray", "Plan B", "Story A"), or starts a sentence after a case
// study's letter ("Client A. Started work in May", "Client B. She …").
func notNameAfterLetter(word string) bool {
	w := strings.ToLower(word)
	return labelWords[w] || smallWords[w] || sentenceStarts[w] || notAName[""][titleCase(word)]
}

// sentenceStarts, lower-cased, are words that start the sentence after an
// anonymised case ("Client A. Started work", "Patient B. Now in work"):
// pronouns and the verbs of a note's first line, which no one is called.
var sentenceStarts = wordSet("he she they we it this that these those there here now then after before since " +
	"following during however also still started starts moved moves began begins completed completes attended " +
	"attends found finds got gets gained gains secured secures left leaves returned returns joined joins referred " +
	"accepted declined remains remained continues continued wants wanted said says asked asks was were has had is " +
	"did does went goes came comes took takes made makes needs needed used uses lives lived")

// Hospital numbers.

// hospitalNumber reports whether a hospital number follows the cue w
// ending at end: "MRN" (a medical record number), or "hospital" or
// "hosp." with "no.", "number", "num", "nbr", "ID" or "#", then, after a
// colon, dash or full stop or not, an identifier as hospitals issue them:
// up to three letters and five to ten digits, with a letter after or not
// ("MRN 1234567", "hospital no. K123456", "Hosp No: RAE1234567"). "hospital
// numbers" (a count), "Hospital no. of beds" and "Hospital ID RGD" (a
// trust's code) are not one.
func hospitalNumber(norm, w string, end int) bool {
	i := end
	if w != "mrn" {
		if i < len(norm) && norm[i] == '.' {
			i++
		}
		for i < len(norm) && norm[i] == ' ' {
			i++
		}
		if i < len(norm) && norm[i] == '#' {
			i++
		} else {
			next, e := wordAfter(norm, i)
			switch next {
			case "no", "number", "num", "nbr", "id":
			default:
				return false
			}
			i = e
		}
	}
	for n := 0; n < 4 && i < len(norm) && strings.IndexByte(" :.#-", norm[i]) >= 0; n++ {
		i++
	}
	for i < len(norm) && norm[i] == ' ' {
		i++
	}
	j := i
	for j < len(norm) && j-i < 3 && norm[j] < 0x80 && asciiLetter[norm[j]] {
		j++
	}
	k := j
	for k < len(norm) && isDigit(norm[k]) {
		k++
	}
	if k-j < 5 || k-j > 10 {
		return false
	}
	if k < len(norm) && norm[k] < 0x80 && asciiLetter[norm[k]] {
		k++
	}
	return k >= len(norm) || !letterAt(norm, k) && !isDigit(norm[k])
}

// Dates of birth.

// bornAbbreviated reports whether the "b" at start..end is the "b." of
// "John Smith (b. 01/02/1980)" or "Smith, b. 1.2.80": a full stop, then a
// whole date with only spaces between, after a word, a bracket or a comma.
// A "b." that starts a line or follows a full stop, colon or semicolon
// letters an item of a list ("a. 01/04/2024 review; b. 01/05/2024 visit").
func bornAbbreviated(norm string, start, end int) bool {
	if end >= len(norm) || norm[end] != '.' || afterWordChar(norm, start) {
		return false
	}
	j := start
	for j > 0 && norm[j-1] == ' ' {
		j--
	}
	if j == 0 {
		return false
	}
	if r, _ := utf8.DecodeLastRuneInString(norm[:j]); r != '(' && r != ',' && !unicode.IsLetter(r) {
		return false
	}
	return datedBirth(norm, end+1, nil, false)
}

// birthCueAfterDate reports whether the birth cue w at start..end labels
// a date written before it: "DOB", "birthdate", "date of birth" or "birth
// date" (see dateBeforeLabel). "born" and "birthday" after a date are not
// labels ("01/04/2024 birthday party").
func birthCueAfterDate(norm, w string, start, end int) bool {
	switch w {
	case "dob", "birthdate":
	case "birth":
		if next, e := wordAfter(norm, end); next == "date" {
			end = e
		} else if of, k := wordBeforeAt(norm, start); of == "of" {
			date, d := wordBeforeAt(norm, k)
			if date != "date" {
				return false
			}
			start = d
		} else {
			return false
		}
	default:
		return false
	}
	return dateBeforeLabel(norm, start, end)
}

// dateBeforeLabel reports whether the birth cue at start..end is a label
// after a date of birth, as people write one into a list or after a name:
// "01/02/1990 (DOB)", "12.03.85 d.o.b.", "1 Feb 1980 - date of birth",
// "01/02/1990 is her DOB". The date (any form birthDate reads) ends right
// before the cue, with only a bracket, dash, colon or "is", "his" and the
// like between (labelBefore), and the cue ends its clause (labelEnds). So
// a cue that starts something else passes: "Seen 01/02/2024, DOB missing",
// "Letter dated 01/02/2024 (DOB, NHS number and address removed)",
// "01/02/2024 DOB audit".
//
// A comma may stand between the date and the cue too ("01/02/1990, DOB",
// "Client, 1.2.80, d.o.b."), as a label after a comma is written, but then
// only when the cue ends its clause without another comma after it, and
// the date does not follow a word that dates an event (eventDateWords).
// So a list of what was removed or missing, which goes on after the cue,
// passes ("dated 01/02/2024, DOB, NHS number and address removed"), as
// does a date that says when something happened ("Seen on 01/02/2024,
// DOB."): the comma then ends the event, it does not label its date.
func dateBeforeLabel(norm string, start, end int) bool {
	if i, bracket := labelBefore(norm, start, false); i > 0 && isDigit(norm[i-1]) && labelEnds(norm, end, bracket) &&
		dateEndsAt(norm, i) >= 0 {
		return true
	}
	i, bracket := labelBefore(norm, start, true)
	if i == 0 || !isDigit(norm[i-1]) || !labelEnds(norm, end, bracket) || !bracket && commaAfter(norm, end) {
		return false
	}
	p := dateEndsAt(norm, i)
	return p >= 0 && !eventDateWords[wordBefore(norm, p)]
}

// dateEndsAt is where a whole date (any form birthDate reads) that ends
// at i starts, or -1 when none ends there.
func dateEndsAt(norm string, i int) int {
	// The longest date is "30th of September, 1980" (23 bytes).
	for p := i - 1; p >= 0 && p >= i-24; p-- {
		if (isDigit(norm[p]) || monthAt(norm, p)) && !afterWordChar(norm, p) && birthDateLen(norm[p:i]) == i-p {
			return p
		}
	}
	return -1
}

// commaAfter reports whether a comma comes after i, spaces (and the full
// stop of an abbreviated cue) aside: the cue is then an item of a list.
func commaAfter(norm string, i int) bool {
	if i < len(norm) && norm[i] == '.' {
		i++
	}
	for i < len(norm) && norm[i] == ' ' {
		i++
	}
	return i < len(norm) && norm[i] == ','
}

// eventDateWords, lower-cased, are words before a date that make it the
// date of an event, not of a birth: "dated 01/02/2024", "seen on …",
// "received …", "from … until …".
var eventDateWords = wordSet("dated date on seen received sent signed updated reviewed checked referred referral " +
	"started start starting closed opened due issued from since until till to by before after between and " +
	"visit visited appointment meeting letter form forms assessed assessment discharged admitted attended returned " +
	"completed submitted audit audited as at of")

// labelBefore reads back from a cue written after what it labels, over
// spaces, at most two marks (an opening bracket, a dash, a colon, an
// equals sign; a comma too if commas) and at most three labelFillers ("is
// his home", "(her DOB)"): where what it labels must end, and whether a
// bracket opens the label (labelEnds then wants it closed).
func labelBefore(norm string, i int, commas bool) (end int, bracket bool) {
	marks, words := 0, 0
	for {
		j := i
		for j > 0 && norm[j-1] == ' ' {
			j--
		}
		if j > 0 && marks < 2 {
			if c := norm[j-1]; c == '(' || c == '[' || c == '-' || c == ':' || c == '=' || commas && c == ',' {
				bracket = bracket || c == '(' || c == '['
				marks++
				i = j - 1
				continue
			}
		}
		if w, k := wordBeforeAt(norm, j); words < 3 && labelFillers[w] {
			words++
			i = k
			continue
		}
		return j, bracket
	}
}

// labelFillers are the words allowed between what a label names and the
// label after it ("01/02/1990 is her DOB", "LE1 7RH is the client's home").
var labelFillers = map[string]bool{"is": true, "was": true, "his": true, "her": true, "their": true, "the": true,
	"client's": true, "patient's": true, "person's": true, "participant's": true}

// labelEnds reports whether a cue written after what it labels, ending at
// i, ends its clause: a closing bracket if a bracket opened it (so
// "(DOB, NHS number removed)" is not one), else the end of the text or a
// line, or ")", "]", ",", ";" or a full stop. A word after it makes the cue
// the start of something else ("DOB missing", "home visits").
func labelEnds(norm string, i int, bracket bool) bool {
	if bracket {
		if i < len(norm) && norm[i] == '.' {
			i++
		}
		for i < len(norm) && norm[i] == ' ' {
			i++
		}
		return i < len(norm) && (norm[i] == ')' || norm[i] == ']')
	}
	for i < len(norm) && norm[i] == ' ' {
		i++
	}
	return i >= len(norm) || strings.IndexByte("),;.]\n\r", norm[i]) >= 0
}

// dobDotted is where "D.O.B" (any case, spaces after the dots, a final dot
// or not) that starts at i ends, or 0 when it is not there.
func dobDotted(norm string, i int) int {
	if afterWordChar(norm, i) {
		return 0
	}
	j := i + 1
	for _, want := range []byte("ob") {
		if j >= len(norm) || norm[j] != '.' {
			return 0
		}
		j++
		for j < len(norm) && norm[j] == ' ' {
			j++
		}
		if j >= len(norm) || norm[j]|0x20 != want {
			return 0
		}
		j++
	}
	if j < len(norm) && letterAt(norm, j) {
		return 0
	}
	return j
}

// datedBirth reports whether a date comes right after a birth cue ending
// at i, in the same sentence (abbreviated: the cue is DOB or D.O.B, whose
// own full stop does not end it): after punctuation (": - ( =") and at
// most three of fillers, the small words that stand between a cue and its
// date ("born on the 3rd March 1979", "date of birth is 01/02/1980", "DOB
// of client: 1.2.80"). Any other word (a place, "since", "started") ends the search,
// so "born out of the 2019 pilot", "Born in Bradford since 1 April 2011"
// and "the birth of the network in 2009" pass. See birthDate for the date.
func datedBirth(norm string, i int, fillers map[string]bool, abbreviated bool) bool {
	limit := min(len(norm), i+80)
	cueEnd := i
	for n := 0; ; n++ {
		for i < limit && strings.IndexByte(" :-=(,.'", norm[i]) >= 0 {
			// A full stop and a space end the sentence, unless the stop
			// ends the abbreviation that is the cue ("DOB. 1.2.80").
			if norm[i] == '.' && i+1 < limit && norm[i+1] == ' ' && !(i == cueEnd && abbreviated) {
				return false
			}
			i++
		}
		if i >= limit {
			return false
		}
		if isDigit(norm[i]) {
			return birthDate(norm[i:limit])
		}
		if monthAt(norm, i) && birthDate(norm[i:limit]) {
			return true
		}
		if n == 3 {
			return false
		}
		w, e := wordAfter(norm, i)
		if !fillers[w] {
			return false
		}
		i = e
	}
}

// monthAt reports whether a month's name (its first three letters, in
// any case) starts at i: only then may a date start there with a letter.
func monthAt(norm string, i int) bool {
	if i+3 > len(norm) {
		return false
	}
	switch strings.ToLower(norm[i : i+3]) {
	case "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec":
		return true
	}
	return false
}

// birthFillers are the small words allowed between a birth cue and its date.
var birthFillers = map[string]bool{"on": true, "the": true, "of": true, "is": true, "was": true, "date": true, "dated": true,
	"client": true, "s": true, "person": true, "patient": true, "participant": true, "his": true, "her": true,
	"their": true, "recorded": true, "given": true, "as": true, "approx": true, "about": true, "around": true, "circa": true,
	"c": true}

// birthdayFillers are birthFillers less "on": a birthday on a date is the
// day it was kept, a person's or a service's ("the service's 5th birthday
// on 01/04/2024"), where "born on" gives a date of birth.
var birthdayFillers = func() map[string]bool {
	m := map[string]bool{}
	for w := range birthFillers {
		if w != "on" {
			m[w] = true
		}
	}
	return m
}()

// birthDatePattern reads a whole date at the start of text, as people type
// one: day, month and year in figures with any separators (01/02/1980,
// 1.2.80, 01-02-1980, 01 02 1980, 1980-02-01, 01021980), or with the
// month's name, full or short, day first or month first (1 February 1980,
// 3rd March 1979, 1-Feb-80, Feb 1st, 1980). The year has two or four
// digits. Month and year alone ("March 1979"), or day and month alone,
// are not a date of birth.
var birthDatePattern = lazyRegexp(`^(?i)(?:` +
	`(\d{1,2}) ?[/.\- ] ?(\d{1,2}) ?[/.\- ] ?(\d{4}|\d{2})` +
	`|((?:19|20)\d{2})[/.\-](\d{1,2})[/.\-](\d{1,2})` +
	`|(\d{8}|\d{6})` +
	`|(\d{1,2})(?:st|nd|rd|th)?(?: of)?[ ./-]*` + monthNames + `\.?[ ,./-]*(\d{4}|\d{2})` +
	`|` + monthNames + `\.?[ ./-]*(\d{1,2})(?:st|nd|rd|th)?[ ,./-]+(\d{4}|\d{2})` +
	`)(?:$|[^0-9\pL])`)

const monthNames = `(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)`

// birthDate reports whether text starts with a real date (birthDatePattern):
// a day of 1-31, a month of 1-12, a four-digit year from 1900 to 2099. In
// figures, day and month may come either way round (01/02 or 02/01).
func birthDate(text string) bool { return birthDateLen(text) > 0 }

// birthDateLen is the length in bytes of the real date (see birthDate) that
// text starts with, or 0 when it starts with none.
func birthDateLen(text string) int {
	loc := birthDatePattern().FindStringSubmatchIndex(text)
	if loc == nil {
		return 0
	}
	m := make([]string, len(loc)/2)
	for k := range m {
		if loc[2*k] >= 0 {
			m[k] = text[loc[2*k]:loc[2*k+1]]
		}
	}
	// Every form ends with the year's digits: anything after them in the
	// match is the character that ends the date, not part of it.
	n := loc[1]
	if n > 0 && !isDigit(text[n-1]) {
		_, size := utf8.DecodeLastRuneInString(text[:n])
		n -= size
	}
	if !realBirthDate(m) {
		return 0
	}
	return n
}

// realBirthDate checks the parts birthDatePattern matched (m, its
// submatches) make a real date.
func realBirthDate(m []string) bool {
	n := func(s string) int { v, _ := strconv.Atoi(s); return v }
	year := func(s string) bool { return len(s) == 2 || n(s) >= 1900 && n(s) <= 2099 }
	dm := func(a, b int) bool { return a >= 1 && b >= 1 && a <= 31 && b <= 31 && (a <= 12 || b <= 12) }
	switch {
	case m[1] != "":
		return dm(n(m[1]), n(m[2])) && year(m[3])
	case m[4] != "":
		return year(m[4]) && n(m[5]) >= 1 && n(m[5]) <= 12 && n(m[6]) >= 1 && n(m[6]) <= 31
	case m[7] != "":
		d := m[7]
		return dm(n(d[0:2]), n(d[2:4])) && year(d[4:])
	case m[8] != "":
		return n(m[8]) >= 1 && n(m[8]) <= 31 && year(m[10])
	default:
		return n(m[12]) >= 1 && n(m[12]) <= 31 && year(m[13])
	}
}

// Home addresses.

// homeAddress names the home address given after the residence cue w, at
// start..end (kindAddress for a postcode, kindStreet for a house number
// and street), or "". The cue must say where someone lives, and a full UK
// postcode follow it in the same sentence, within eight words ("lives at
// LE3 8RA", "home address: 12 High Street, Leicester, LE3 8RA", "moved to
// le38ra"). A cue counts only in the shape that speaks of a home (homeCue):
//   - "lives", "living", "resides" and the like with "at", "in", "on",
//     "near" (or "of", for "resident") next; not "go live", "supported
//     living" or "independent living", which are services;
//   - "home" before "address", "postcode", "is", "at", "in", or a colon;
//     not "care home" or "nursing home" ("home visits to …" is not one);
//   - "address" as a noun, not the verb ("address the backlog") nor an
//     organisation's ("office address", "registered address", "our
//     address");
//   - "moved", "moving" or "relocated" before "to" or "into", unless a team,
//     office or service moved ("The team moved to LE1 5WW").
//
// A postcode without a cue, as a service gives its base, passes.
//
// After "lives" and the like, or "home", a house number and street
// (streetAt) within four words is a home address too ("aged 34, lives at
// 12 Acacia Avenue", "Home: Flat 2, 7 Mill Lane", "lives at 12 high
// street"). After "address" or "moved", which an organisation writes of
// its own premises ("New address: 12 High Street", "Moved to 12 High
// Street in May") as often as of a home, only when one of the people
// supported is the one who moved or whose address it is (personBefore:
// "Client moved to 7 Mill Lane", "her address: 12 High Street"), or when
// the street is typed in lower case ("moved to 4 station road"): an
// organisation gives its own premises as it prints them, capitalised, and
// a street typed in lower case is a note of where someone went. Never
// without a cue ("Unit 12 Acacia Business Park", "Clinic rooms at 1
// Horton Park Avenue").
func homeAddress(norm, w string, start, end int) string {
	from := homeCue(norm, w, start, end)
	switch {
	case from < 0:
	case within(norm, from, 8, isPostcodeAt):
		return kindAddress
	case w != "address" && w != "moved" && w != "moving" && w != "relocated":
		if within(norm, from, 4, streetAt) {
			return kindStreet
		}
	case personBefore(norm, start) && within(norm, from, 4, streetAt) || within(norm, from, 4, lowerStreetAt):
		return kindStreet
	}
	return ""
}

// personBefore reports whether one of the three words before the cue at i
// is one of the people supported, or whose ("Client moved to …", "she
// has moved to …", "his address: …"), before any word that ends the
// clause. movedOrg has already passed over a team or service that moved.
func personBefore(norm string, i int) bool {
	for n := 0; n < 3; n++ {
		w, at := wordBeforeAt(norm, i)
		if w == "" {
			return false
		}
		if peopleSupported[w] {
			return true
		}
		i = at
	}
	return false
}

// peopleSupported, lower-cased, are the words for one of the people
// supported, or theirs, that a note puts before where they moved or their
// address.
var peopleSupported = wordSet("client client's patient patient's participant participant's intern intern's pt user " +
	"user's trainee trainee's person person's he she his her family family's mum dad parents tenant " +
	"son daughter")

// homeCue is where to look for a home address after the residence cue w
// at start..end, or -1 when the cue is not one in that place (see
// homeAddress).
func homeCue(norm, w string, start, end int) int {
	before := wordBefore(norm, start)
	next, nextEnd := wordAfter(norm, end)
	from := nextEnd
	switch w {
	case "lives", "live", "lived", "living", "reside", "resides", "resided", "residing", "resident":
		if !(next == "at" || next == "in" || next == "on" || next == "near" || w == "resident" && next == "of") ||
			residenceNotHome[before] {
			return -1
		}
	case "home":
		switch {
		case residenceNotHome[before]:
			return -1
		case next == "address" || next == "postcode" || next == "is" || next == "at" || next == "in":
		default:
			j := end
			for j < len(norm) && norm[j] == ' ' {
				j++
			}
			if j >= len(norm) || norm[j] != ':' {
				return -1
			}
			from = j + 1
		}
	case "address":
		if orgAddress[before] || addressVerbObject[next] {
			return -1
		}
		from = end
	case "moved", "moving", "relocated":
		if next != "to" && next != "into" || movedOrg(norm, start) {
			return -1
		}
	}
	return from
}

// postcodeBeforeHome reports whether the residence cue w at start..end
// labels a postcode written before it, as where someone lives:
//   - "home address", "home postcode" (after a bracket, dash, colon, comma
//     or "is his" and the like: labelBefore), ending the clause
//     (labelEnds): "LS6 2AB (home address)", "LE3 8RA, home postcode";
//   - "home" alone, in brackets or after a possessive: "LE3 8RA (home)",
//     "LE1 7RH is his home"; not "LE1 5WW, home of the IPS team" nor
//     "Venues: LE1 5WW, home, online";
//   - "where" someone "lives" (or resides, lived …): "LE3 8RA is where she
//     lives", with at most two words for who (livesWho) between.
//
// A postcode that the words after it make an organisation's passes:
// "LE1 5WW is our base", "LE3 8RA care home".
func postcodeBeforeHome(norm, w string, start, end int) bool {
	switch w {
	case "home":
		next, e := wordAfter(norm, end)
		named := next == "address" || next == "postcode"
		if named {
			end = e
		}
		if !labelEnds(norm, end, false) {
			return false // "home visits", "home of": the commonest "home"s, with nothing read back
		}
		i, bracket := labelBefore(norm, start, true)
		if !named && !bracket && !possessives[wordBefore(norm, start)] {
			return false
		}
		return labelEnds(norm, end, bracket) && postcodeEndsAt(norm, i)
	case "lives", "live", "lived", "reside", "resides", "resided":
		i := start
		for n := 0; n < 3; n++ {
			who, k := wordBeforeAt(norm, i)
			if who == "where" && n > 0 {
				j, _ := labelBefore(norm, k, true)
				return postcodeEndsAt(norm, j)
			}
			if !livesWho[who] {
				return false
			}
			i = k
		}
	}
	return false
}

// possessives are the words that make a "home" after a postcode someone's.
var possessives = map[string]bool{"his": true, "her": true, "their": true, "client's": true, "patient's": true,
	"person's": true, "participant's": true, "family's": true}

// livesWho are the words for who lives somewhere in "… is where she lives".
var livesWho = map[string]bool{"he": true, "she": true, "they": true, "the": true, "client": true, "patient": true,
	"person": true, "participant": true, "family": true, "his": true, "her": true, "their": true, "parents": true,
	"mum": true, "dad": true, "intern": true}

// postcodeEndsAt reports whether a full UK postcode ends at i: one of the
// words just before it (a postcode is at most eight bytes, with its space;
// more spaces are allowed by isPostcodeAt but not looked for here).
func postcodeEndsAt(norm string, i int) bool {
	if i < 5 || !isLetter(norm[i-1]&^0x20) {
		return false // a postcode ends with a letter
	}
	for p := i - 1; p >= 0 && p >= i-8; p-- {
		if !afterWordChar(norm, p) && postcodeEnd(norm, p) == i {
			return true
		}
	}
	return false
}

// residenceNotHome are words before a residence cue that make it a
// service's: "supported living", "care home", "go live".
var residenceNotHome = map[string]bool{"supported": true, "independent": true, "assisted": true, "sheltered": true,
	"care": true, "nursing": true, "residential": true, "group": true, "children's": true, "retirement": true,
	"go": true, "goes": true, "going": true, "went": true, "gone": true}

// orgAddress are words before "address" that make it an organisation's.
var orgAddress = map[string]bool{"our": true, "office": true, "service": true, "registered": true, "correspondence": true,
	"business": true, "work": true, "team": true, "site": true, "venue": true, "clinic": true, "hub": true, "base": true,
	"trust": true, "trust's": true, "head": true, "main": true, "organisation": true, "organisation's": true, "company": true,
	"charity": true, "billing": true, "delivery": true, "invoice": true, "invoicing": true, "email": true, "e-mail": true,
	"web": true, "website": true, "ip": true, "postal": true, "employer's": true, "employer": true, "funder's": true,
	"funder": true, "placement": true, "workplace": true, "interview": true, "meeting": true, "event": true,
	"training": true, "course": true, "college": true, "school": true, "centre": true, "hospital": true, "surgery": true,
	"practice": true, "gp": true, "project": true, "programme": true, "return": true}

// addressVerbObject are words after "address" that make it the verb.
var addressVerbObject = map[string]bool{"the": true, "this": true, "that": true, "these": true, "those": true, "a": true,
	"an": true, "any": true, "our": true, "their": true, "its": true, "his": true, "her": true, "it": true, "them": true,
	"issues": true, "concerns": true, "barriers": true, "gaps": true, "needs": true, "problems": true, "delays": true,
	"backlog": true, "risks": true, "how": true, "why": true, "what": true, "with": true, "to": true,
	"for": true} // "address for correspondence", "address for invoices": an organisation's

// movedOrg reports whether one of the three words before a "moved" at i
// is a team, office or service: its base moved, not a person's home.
func movedOrg(norm string, i int) bool {
	for n := 0; n < 3; n++ {
		w, at := wordBeforeAt(norm, i)
		if w == "" {
			return false
		}
		if movingOrgs[w] {
			return true
		}
		i = at
	}
	return false
}

var movingOrgs = map[string]bool{"we": true, "team": true, "teams": true, "service": true, "services": true, "office": true,
	"offices": true, "clinic": true, "hub": true, "base": true, "premises": true, "trust": true, "project": true,
	"programme": true, "organisation": true, "charity": true, "venue": true, "site": true, "headquarters": true, "hq": true,
	"department": true, "practice": true, "centre": true, "surgery": true}

// within reports whether at (a full UK postcode, a house number and
// street) holds at the start of one of the next words words from i,
// before the sentence ends (a full stop then a space, other than after
// "St", "Rd" and the like; ";", "!", "?" or a line break).
func within(norm string, i, words int, at func(string, int) bool) bool {
	for n := 0; n <= words && i < len(norm); n++ {
		for i < len(norm) && !letterAt(norm, i) && !isDigit(norm[i]) {
			switch norm[i] {
			case ';', '!', '?', '\n', '\r':
				return false
			case '.':
				if i+1 >= len(norm) || norm[i+1] == ' ' {
					switch wordBefore(norm, i) {
					case "st", "rd", "ave", "no", "nr", "apt", "ln", "cres", "sq":
					default:
						return false
					}
				}
			}
			i++
		}
		if i >= len(norm) {
			return false
		}
		if at(norm, i) {
			return true
		}
		for i < len(norm) && (letterAt(norm, i) || isDigit(norm[i]) || norm[i] == '\'' || norm[i] == '-') {
			i += runeLen(norm, i)
		}
	}
	return false
}

// streetAt reports whether a house number and street start at i, as a
// home address is written: a number of one to four digits (with a letter,
// "12a", or a range, "12-14"), a space, then up to three words of which
// one after the first names a kind of street (streetTypes): "12 Acacia
// Avenue", "7 Mill Lane", "12 St Mary's Road", "3 The Crescent". Notes
// are typed in a hurry, so the words may be in lower case too ("lives at
// 12 high street", "4 station road", "12 acacia close"); see streetName
// for what then tells a street from an everyday phrase ("lives in york, 2
// hours drive", "a 2 bed place", "3 minutes walk"). Not one either: a
// business park or unit ("12 Acacia Business Park": no street type), a
// count ("2 Bed Flat", "3 Days"), or words in lower case without a street
// ("lives in 2 different places"). A home given by its flat or its house's
// name, with the street but no house number, is one too (dwellingAt).
func streetAt(norm string, i int) bool {
	ok, _ := streetShape(norm, i)
	return ok || dwellingAt(norm, i)
}

// lowerStreetAt reports whether a house number and street start at i
// (streetAt) written with a word in lower case ("4 station road"): a note
// about where someone lives, not an address as an organisation prints its
// own (see homeAddress).
func lowerStreetAt(norm string, i int) bool {
	ok, lower := streetShape(norm, i)
	if !ok {
		ok, lower = dwellingShape(norm, i)
	}
	return ok && lower
}

// streetShape reports whether a house number and street start at i (see
// streetAt), and whether a word of it is in lower case.
func streetShape(norm string, i int) (street, lower bool) {
	if afterWordChar(norm, i) {
		return false, false
	}
	j := i
	for j < len(norm) && isDigit(norm[j]) {
		j++
	}
	if j == i || j-i > 4 {
		return false, false
	}
	if j+1 < len(norm) && norm[j] == '-' && isDigit(norm[j+1]) { // 12-14
		for j++; j < len(norm) && isDigit(norm[j]); j++ {
		}
	}
	if j < len(norm) && norm[j] < 0x80 && asciiLetter[norm[j]] && (j+1 >= len(norm) || !letterAt(norm, j+1)) { // 12a
		j++
	}
	if j >= len(norm) || norm[j] != ' ' {
		return false, false
	}
	return streetName(norm, j)
}

// streetName reports whether, after spaces from j, up to three words name
// a street, one after the first being a kind of street (streetTypes), and
// whether a word of it is in lower case. In lower case the kind must be
// one no everyday phrase ends in (plainStreetTypes: "high street", "mill
// lane"), or else the words before it must read as a street's name
// (lowerStreetWords): "acacia close", "mill drive", "station way", but not
// "2 hours drive", "a 2 bed place", "3 minutes walk", "2 kids close by",
// "1 main way of working".
func streetName(norm string, j int) (street, lower bool) {
	nameStart := -1
	for n := 0; n < 3; n++ {
		if j >= len(norm) || norm[j] != ' ' {
			return false, false
		}
		for j < len(norm) && norm[j] == ' ' {
			j++
		}
		if j >= len(norm) || !letterAt(norm, j) {
			return false, false
		}
		if nameStart < 0 {
			nameStart = j
		}
		if r, _ := utf8.DecodeRuneInString(norm[j:]); !unicode.IsUpper(r) {
			lower = true
		}
		s, e := nextWordAt(norm, j)
		if n > 0 && (e >= len(norm) || !letterAt(norm, e) && norm[e] != '\'' && norm[e] != '-') {
			if kind := titleCase(norm[s:e]); streetTypes[kind] &&
				(!lower || plainStreetTypes[kind] || lowerStreetWords(norm, nameStart, s, e)) {
				return true, lower
			}
		}
		// A word runs on over apostrophes and hyphens (Mary's, Ashby-de-la-Zouch).
		for k := 0; k < 3 && e+1 < len(norm) && (norm[e] == '\'' || norm[e] == '-') && letterAt(norm, e+1); k++ {
			_, e = nextWordAt(norm, e+1)
		}
		j = e
		if j < len(norm) && norm[j] == '.' { // St. Mary's
			j++
		}
	}
	return false, false
}

// lowerStreetWords reports whether the words from start to the kind of
// street at s..e, typed in lower case, read as a street's name: each a
// word of letters (an apostrophe within: "st john's"), none a count or
// measure (streetCountWords: "2 hours drive", "5 min walk", "2 bed
// terrace") nor a small word ("1 other person close", "1 of the way"; "the"
// may start it: "3 the close"), the first no plural ("2 kids close by",
// "3 friends close to work"), and no "of" after the kind ("1 main way of
// working").
func lowerStreetWords(norm string, start, s, e int) bool {
	if w, _ := wordAfter(norm, e); w == "of" {
		return false
	}
	for i, n := start, 0; i < s; n++ {
		ws, we := nextWordAt(norm, i)
		if ws < 0 || ws >= s {
			break
		}
		w := strings.ToLower(norm[ws:we])
		if streetCountWords[w] || smallWords[w] && w != "st" || w == "a" || w == "the" && n > 0 ||
			n == 0 && len(w) > 3 && w[len(w)-1] == 's' && w[len(w)-2] != 's' && !pluralStreetNames[w] {
			return false
		}
		i = we
		for i < s && (norm[i] == '\'' || norm[i] == '-') {
			i++
		}
	}
	return true
}

// streetCountWords, lower-cased, are the words a number counts or measures
// with, which an everyday phrase puts before "drive", "walk", "way",
// "close" or "place" ("2 hours drive", "10 minute walk", "2 bed place",
// "3 storey terrace"), and the words that follow a number to say how many
// or which ("1 other", "2 more", "3 different").
var streetCountWords = wordSet("hour hours hr hrs min mins minute minutes sec secs second seconds mile miles mi km kms " +
	"metre metres meter meters yard yards foot feet ft day days week weeks month months year years night nights " +
	"bed beds bedroom bedrooms bedroomed storey storeys story stories floor floors door doors star stars time times " +
	"person people man men woman women child children kid kids dog dogs room rooms car cars bus buses train trains " +
	"stop stops step steps way ways other others more less few different same extra whole full half very too quite " +
	"new own only main first second third last next")

// pluralStreetNames, lower-cased, are the words ending in "s" that name
// streets, typed without their apostrophe ("4 queens drive", "12 st johns
// close"): a plural before a street type is otherwise a count.
var pluralStreetNames = wordSet("queens kings princes johns marys peters georges andrews james davids pauls annes " +
	"helens margarets michaels giles lords bishops abbots friars monks nuns priors deans ladys chapels churchs")

// dwellingAt reports whether a home given by its flat or its house's name
// and then its street, without a house number, starts at i: "flat 2,
// acacia court", "Flat 3b Rose Court", "rose cottage, mill lane", "The
// Old Farm, Church Lane". The flat needs its number, and the house's name
// ends in a word for a house (houseWords); a street follows, as streetName
// reads one. A flat or a house alone passes: "lives in a 2 bed flat",
// "lives in a shared house, near the station".
func dwellingAt(norm string, i int) bool {
	ok, _ := dwellingShape(norm, i)
	return ok
}

// dwellingShape reports whether a home by its flat or house's name starts
// at i (dwellingAt), and whether a word of it is in lower case.
func dwellingShape(norm string, i int) (dwelling, lower bool) {
	if !letterAt(norm, i) || afterWordChar(norm, i) {
		return false, false
	}
	s, e := nextWordAt(norm, i)
	if s != i {
		return false, false
	}
	j := e
	switch strings.ToLower(norm[s:e]) {
	case "flat", "apartment", "apt", "maisonette":
		if j < len(norm) && norm[j] == '.' {
			j++
		}
		for j < len(norm) && norm[j] == ' ' {
			j++
		}
		k := j
		for k < len(norm) && isDigit(norm[k]) {
			k++
		}
		if k == j || k-j > 4 {
			return false, false
		}
		if k < len(norm) && norm[k] < 0x80 && asciiLetter[norm[k]] && (k+1 >= len(norm) || !letterAt(norm, k+1)) { // 3b
			k++
		}
		j = k
	default: // a house's name: one to three words, the last a word for a house
		for n := 0; ; n++ {
			w := strings.ToLower(norm[s:e])
			if n > 0 && houseWords[w] {
				break
			}
			if n == 2 || smallWords[w] || w == "a" || w == "the" && n > 0 || streetCountWords[w] || e >= len(norm) || norm[e] != ' ' {
				return false, false
			}
			if s, e = nextWordAt(norm, e+1); s != j+1 {
				return false, false
			}
			j = e
		}
		if r, _ := utf8.DecodeRuneInString(norm[i:]); !unicode.IsUpper(r) {
			lower = true
		}
	}
	if j < len(norm) && norm[j] == ',' {
		j++
	}
	if j >= len(norm) || norm[j] != ' ' {
		return false, false
	}
	street, lowerStreet := streetName(norm, j)
	return street, lower || lowerStreet
}

// houseWords, lower-cased, end the name of a house ("Rose Cottage", "The
// Old Farm", "Ivy Lodge"): after a residence cue and before a street, a
// home.
var houseWords = wordSet("cottage cottages farm farmhouse barn lodge house villa bungalow manor grange rectory " +
	"vicarage croft")

// plainStreetTypes are the streetTypes that say street even in lower case:
// no everyday phrase ends in them, as one ends in "drive", "walk", "way",
// "place", "view", "close", "hill", "green" or "row" ("2 hours drive", "a 2
// bed place"), nor a kind of house, as "terrace" and "mews" are ("lives in
// 2 bed terrace"). Those others name a street in lower case only after
// words that read as a street's name (lowerStreetWords: "12 acacia close").
var plainStreetTypes = wordSet("Street St Road Rd Avenue Ave Lane Ln Crescent Cres Gardens Gdns Grove Boulevard Cl Pl Sq Ct")

// streetTypes are the words, in title case, that name a kind of street
// after its name, in full or as people shorten them. "Park" is left out:
// business and retail parks are where services and employers are ("Unit
// 12 Acacia Business Park"); so is "Dr", which is a doctor more often than
// a drive.
var streetTypes = wordSet("Street St Road Rd Avenue Ave Lane Ln Close Cl Drive Way Crescent Cres Gardens Gdns " +
	"Grove Terrace Terr Place Pl Court Ct Square Sq Mews Row Rise Walk View Hill Green Parade Vale Boulevard Croft " +
	"Fold Wynd Meadow Meadows Brow")

// isPostcodeAt reports whether a full UK postcode, in any case, with or
// without the space (or spaces) before its inward code, is the word at i
// (LE3 8RA, le38ra, SW1A 1AA). See ukPostcode.
func isPostcodeAt(norm string, i int) bool { return postcodeEnd(norm, i) > 0 }

// postcodeEnd is where the full UK postcode that is the word at i ends
// (see isPostcodeAt), or 0 when there is none.
func postcodeEnd(norm string, i int) int {
	if afterWordChar(norm, i) {
		return 0
	}
	alnum := func(j int) int { // where the run of ASCII letters and digits from j ends
		for j < len(norm) && (norm[j] < 0x80 && asciiLetter[norm[j]] || isDigit(norm[j])) {
			j++
		}
		return j
	}
	ends := func(j int) bool { return j >= len(norm) || !letterAt(norm, j) && !isDigit(norm[j]) }
	var pc [7]byte
	e := alnum(i)
	if !ends(e) || e-i > len(pc) {
		return 0
	}
	n := copy(pc[:], norm[i:e])
	if n >= 2 && n <= 4 { // an outward code: its inward code may follow a space
		j := e
		for j < len(norm) && norm[j] == ' ' {
			j++
		}
		if k := alnum(j); j > e && k-j == 3 && ends(k) {
			n += copy(pc[n:], norm[j:k])
			e = k
		}
	}
	for k := range n {
		if c := pc[k]; c >= 'a' && c <= 'z' {
			pc[k] = c - ('a' - 'A')
		}
	}
	if !ukPostcode(pc[:n]) {
		return 0
	}
	return e
}

// ukPostcode reports whether upper-case letters and digits with no space
// are a UK postcode: an outward code (A9, A99, A9A, AA9, AA99, AA9A) whose
// letters are in use (no Q, V or X first, no I, J or Z second) and an
// inward code (a digit and two letters other than C, I, K, M, O and V).
func ukPostcode(pc []byte) bool {
	if len(pc) < 5 || len(pc) > 7 {
		return false
	}
	out, in := pc[:len(pc)-3], pc[len(pc)-3:]
	if !isDigit(in[0]) || !inwardLetter(in[1]) || !inwardLetter(in[2]) {
		return false
	}
	if !isLetter(out[0]) || strings.IndexByte("QVX", out[0]) >= 0 {
		return false
	}
	rest := out[1:]
	if isLetter(rest[0]) {
		if strings.IndexByte("IJZ", rest[0]) >= 0 {
			return false
		}
		rest = rest[1:]
	}
	// rest is now the district: a digit, then at most one digit or letter.
	switch len(rest) {
	case 1:
		return isDigit(rest[0])
	case 2:
		return isDigit(rest[0]) && (isDigit(rest[1]) || isLetter(rest[1]))
	}
	return false
}

func inwardLetter(c byte) bool { return isLetter(c) && strings.IndexByte("CIKMOV", c) < 0 }

func isLetter(c byte) bool { return c >= 'A' && c <= 'Z' }

// forenames, lower-cased, are forenames common among adults in England,
// Scotland and Wales and in the communities UK programmes serve (English,
// Welsh, Scottish and Irish, South Asian, Arabic, Polish and other
// European, African and Caribbean names): a capitalised word after
// "client" or "patient" is a name only if it is one (forenameSurname).
// Left out: forenames that are everyday words after "client" or "patient"
// ("Will", "Mark", "Grace", "Hope", "Faith", "Joy", "May", "June", "Rose",
// "Bill", "Grant", "Miles", "Frank", "Pat", "Guy", "Summer", "Dawn",
// "Amber", "Penny", "Sky", "Max", "Victoria" as in "Client Will Need",
// "Patient Grace Period", "Client Grant Funding", "Client Max Capacity"), and
// "Christian" ("Client Christian Aid", the charity).
var forenames = wordSet(
	// Men's.
	"aaron abdul abdullah adam adrian ahmad ahmed aidan alan albert alex alexander ali alistair allan amir andrew " +
		"andy angus anthony antony arjun arthur ashley barry ben benjamin bernard billy bob bobby brendan brian bruce " +
		"callum calum cameron carl charles charlie chris christopher ciaran colin connor conor craig dale damian " +
		"daniel danny darren darryl dave david dean declan dennis derek dominic donald douglas duncan dylan eamon " +
		"edward elliot elliott eric euan ewan fraser freddie gareth gary gavin geoffrey george gerald gordon graham " +
		"gregory hamza harry harvey hassan henry hugh hussain ian imran isaac ivan jack jacob jake james jamie jason " +
		"jeffrey jeremy jerome jim jimmy joe joel john jonathan jordan joseph josh joshua julian junaid justin kamal " +
		"karl keith kenneth kevin khalid kieran kyle lee leon leonard lewis liam logan luke malcolm marcus mario " +
		"martin matthew michael mike mohamed mohammad mohammed muhammad nathan neil nicholas nick nigel noah " +
		"norman oliver omar oscar owen patrick paul peter philip phillip raj rajesh raymond reece rhys richard rick " +
		"rob robert robbie roger ronald ross russell ryan sajid sam samuel saul scott sean shane shaun simon stanley " +
		"stephen steve steven stewart stuart suleman tariq terry thomas tim timothy tom tommy tony trevor tyler usman " +
		"vijay vincent wayne william yusuf zain zak " +
		// Women's.
		"aaliyah abigail aisha alice alison amanda amelia amy andrea angela anita ann anna anne annie asha ayesha " +
		"barbara beth bethany brenda bridget caitlin carla carol caroline carolyn catherine charlotte chelsea chloe " +
		"claire clare danielle deborah debbie denise diane donna dorothy eileen elaine eleanor elizabeth ella ellie " +
		"emily emma erin esther fatima fiona frances gemma georgia gillian gloria hannah harriet hayley heather helen " +
		"holly jacqueline jade jane janet janice jasmine jean jennifer jenny jessica joan joanne jodie josephine " +
		"joyce judith julie karen kate katherine kathleen kathryn katie kayleigh kelly kerry kim kirsty laura lauren " +
		"leah linda lindsay lisa lorraine louise lucy lydia lynn lynne maria marie marion martha mary maureen megan " +
		"melanie michelle mia molly monica nadia naomi natalie natasha nicola nina nisha olivia paula pauline " +
		"phoebe priya rachel rebecca rita roxanne ruby ruth sadia samantha sandra sara sarah shabana shirley shazia " +
		"sharon sheila shannon sophie stacey stephanie susan suzanne tanya tara teresa theresa tina tracey tracy " +
		"valerie vanessa wendy yasmin yvonne zara zoe zainab " +
		// Polish and other European, African and Caribbean.
		"agnieszka anna katarzyna magdalena malgorzata ewa joanna marta krzysztof piotr tomasz pawel lukasz marek " +
		"andrzej jakub mateusz ionut andrei mihai elena ioana kwame kofi chinedu oluwaseun tunde adebayo fola " +
		"ngozi chioma abena amara blessing precious delroy winston leroy marlon desmond errol")

// surnames, lower-cased, are the commonest surnames in England, Scotland
// and Wales and in the communities UK programmes serve (as forenames are):
// typed in lower case after a forename ("client john smith"), a surname
// from this list makes a name (lowerSurname), as does one after a
// capitalised forename that is not on the list ("Client Zephaniah Patel"),
// unless it is an everyday word too (commonWordSurnames). "doe" and
// "bloggs" are here for the names people write as examples, which are
// written as a real one would be.
var surnames = wordSet(
	"smith jones williams taylor brown davies evans wilson thomas johnson roberts robinson thompson wright walker " +
		"white edwards hughes green hall lewis harris clarke clark patel jackson wood turner martin cooper hill ward " +
		"morris moore king watson baker harrison morgan young allen mitchell anderson james bell price scott kelly " +
		"shaw davis cook bennett richardson carter cox parker collins chapman graham murphy campbell ellis simpson " +
		"mason marshall russell stewart murray reid gray grey palmer holmes mills lloyd griffiths hunt fisher barnes " +
		"knight webb rogers stevens jenkins foster lawrence gibson hunter butler dixon pearson fletcher hart hayes " +
		"porter kennedy hamilton reynolds saunders barker fox wells andrews grant webster spencer rees phillips " +
		"powell wallace matthews howard gordon holland ryan owen sutton barber payne cole west gardner harvey " +
		"burton hudson rowe fraser pearce jenkins atkinson lowe bailey wilkinson doyle sullivan quinn gallagher " +
		"byrne walsh ross robertson mackenzie macdonald maclean macleod mcdonald johnston paterson henderson " +
		"crawford douglas hughes vaughan howells pritchard bowen parry morgan jenkins llewellyn nowak kowalski " +
		"wisniewski wojcik kowalczyk kaminski lewandowski zielinski szymanski wozniak dabrowski kozlowski mazur " +
		"krawczyk popescu ionescu begum khan ali hussain hussein ahmed ahmad akhtar shah rahman islam singh kaur " +
		"kumar sharma mistry chauhan mahmood iqbal butt bibi uddin miah hossain chowdhury gill sandhu rehman " +
		"anwar aziz siddiqui qureshi malik bhatti rashid javed nawaz sheikh mirza gupta joshi desai mehta shah " +
		"choudhury das bose nair pillai reddy rao mensah okafor okonkwo adeyemi okoye owusu boateng asante " +
		"afolabi adebayo oyelaran eze nwosu obi ogunleye osei appiah danso yeboah abdi mohamud farah hassan " +
		"warsame garcia rodriguez lopez hernandez gonzalez perez sanchez martinez reyes silva santos ferreira " +
		"pereira costa oliveira nguyen tran chen wang li zhang liu yang huang wu zhou kaya yilmaz demir " +
		"doe bloggs")

// commonWordSurnames are surnames (surnames) that are everyday words as
// well, capitalised in a team's or a project's name as often as in a
// person's ("Patient Voice Young People's Panel", "Client Support Day"):
// after a forename not on the list they make no name.
var commonWordSurnames = wordSet("white green hall wood turner hill ward king young bell price cook baker carter " +
	"cox parker mason marshall brown gray grey palmer mills hunt fisher barnes knight webb foster hunter butler " +
	"porter grant spencer howard holland cole west gardner barber payne rowe lowe quinn ross fox bowen parry " +
	"islam singh shah das long day lane rose stone")
