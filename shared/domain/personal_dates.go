package domain

import (
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Hospital numbers.

// hospitalNumber reports whether a hospital number follows the cue w
// ending at end: "MRN" (a medical record number) or the name of a
// patient record system (recordSystems: "RiO 1234567", "SystmOne
// 1234567", "PAS no. 1234567": third security audit, W1), with "no.",
// "number", "num", "nbr", "ID" or "#" or not, or "hospital" or "hosp."
// with one of those, then, after a colon, dash or full stop or not, an
// identifier as hospitals issue them: up to three letters and five to ten
// digits, with a letter after or not ("MRN 1234567", "hospital no.
// K123456", "Hosp No: RAE1234567"). "hospital numbers" (a count),
// "Hospital no. of beds", "Hospital ID RGD" (a trust's code) and a
// standard's number ("PAS 1192", four digits) are not one.
func hospitalNumber(norm, w string, end int) bool {
	i := end
	if w != "mrn" && !recordSystems[w] {
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
	} else if next, e := wordAfter(norm, i); next == "no" || next == "number" || next == "num" || next == "nbr" || next == "id" {
		i = e
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

// recordSystems, lower-cased, are the patient record systems of the NHS
// trusts (mental health trusts' RiO, PARIS and CareNotes, SystmOne, EMIS,
// Lorenzo, a trust's PAS) whose name before a number gives a person's
// record number, as "MRN" does.
var recordSystems = wordSet("rio paris systmone emis pas carenotes lorenzo")

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
	return datedBirth(norm, end+1, nil, false) || bracketedBirthYear(norm, start, end+1)
}

// birthCueAfterDate names the date of birth that the birth cue w at
// start..end labels, written before it (see labelledBirth), or "": "DOB",
// "birthdate", "date of birth" or "birth date". "born" and "birthday"
// after a date are not labels ("01/04/2024 birthday party").
func birthCueAfterDate(norm, w string, start, end int) string {
	switch w {
	case "dob", "birthdate":
	case "birth":
		if next, e := wordAfter(norm, end); next == "date" {
			end = e
		} else if of, k := wordBeforeAt(norm, start); of == "of" {
			date, d := wordBeforeAt(norm, k)
			if date != "date" {
				return ""
			}
			start = d
		} else {
			return ""
		}
	default:
		return ""
	}
	return labelledBirth(norm, start, end)
}

// labelledBirth names the date of birth that the birth cue at start..end
// labels, written before it: right before it (kindBirth: dateBeforeLabel),
// or before the person's name that is right before it
// (kindBirthBeforeName: dateNameBeforeLabel), or "".
func labelledBirth(norm string, start, end int) string {
	switch {
	case dateBeforeLabel(norm, start, end):
		return kindBirth
	case dateNameBeforeLabel(norm, start, end):
		return kindBirthBeforeName
	}
	return ""
}

// dateNameBeforeLabel reports whether the birth cue at start..end labels a
// date of birth written before a person's name, the name before the cue:
// "01/02/1990 - John Smith (DOB)", "12.03.85 Jane Doe d.o.b.". The name
// (nameStartAt) stands where dateBeforeLabel wants the date (labelBefore,
// without commas: "…, John Smith, DOB" is a list's item), the cue ends its
// clause (labelEnds), and the date (any form birthDate reads) ends before
// the name with only spaces and at most two of ", : - ( [" between
// (markedBefore). A word between passes: "01/04/2024 review with John
// Smith (DOB checked)" (nor does the cue end its clause there).
func dateNameBeforeLabel(norm string, start, end int) bool {
	i, bracket := labelBefore(norm, start, false)
	if i == 0 || !labelEnds(norm, end, bracket) {
		return false
	}
	n := nameStartAt(norm, i)
	if n <= 0 {
		return false
	}
	j := markedBefore(norm, n)
	return j > 0 && isDigit(norm[j-1]) && dateEndsAt(norm, j) >= 0
}

// markedBefore reads back from i over spaces and at most two of the marks
// ", : - ( [" that stand between a date and a name, and is where they
// start.
func markedBefore(norm string, i int) int {
	for marks := 0; i > 0; i-- {
		switch norm[i-1] {
		case ' ':
		case ',', ':', '-', '(', '[':
			if marks++; marks > 2 {
				return i
			}
		default:
			return i
		}
	}
	return i
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
	n, _, _ := birthDateParts(text)
	return n
}

// birthDateParts is birthDateLen, with the date's year as written (two
// or four digits) and whether it is written as one run of digits
// (01021980, 010280), or "" and false when text starts with no date.
func birthDateParts(text string) (n int, year string, run bool) {
	loc := birthDatePattern().FindStringSubmatchIndex(text)
	if loc == nil {
		return 0, "", false
	}
	m := make([]string, len(loc)/2)
	for k := range m {
		if loc[2*k] >= 0 {
			m[k] = text[loc[2*k]:loc[2*k+1]]
		}
	}
	// Every form ends with the year's digits: anything after them in the
	// match is the character that ends the date, not part of it.
	n = loc[1]
	if n > 0 && !isDigit(text[n-1]) {
		_, size := utf8.DecodeLastRuneInString(text[:n])
		n -= size
	}
	if !realBirthDate(m) {
		return 0, "", false
	}
	switch {
	case m[3] != "":
		year = m[3]
	case m[4] != "":
		year = m[4]
	case m[7] != "":
		year, run = m[7][4:], true
		if len(m[7]) == 8 && !dayMonthFirst(m[7]) {
			year = m[7][:4] // 19800201
		}
	case m[10] != "":
		year = m[10]
	default:
		year = m[13]
	}
	return n, year, run
}

// dayMonthFirst reports whether a run of eight digits reads as a date day
// and month first (01021980), as realBirthDate tries it first.
func dayMonthFirst(d string) bool {
	n := func(s string) int { v, _ := strconv.Atoi(s); return v }
	a, b, y := n(d[0:2]), n(d[2:4]), n(d[4:])
	return a >= 1 && b >= 1 && a <= 31 && b <= 31 && (a <= 12 || b <= 12) && y >= 1900 && y <= 2099
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
		// Day and month first (01021980), or an eight-digit date year
		// first as databases write it (19800201: third security audit,
		// W1), the year then of four digits.
		return dm(n(d[0:2]), n(d[2:4])) && year(d[4:]) ||
			len(d) == 8 && n(d[:4]) >= 1900 && n(d[:4]) <= 2099 && n(d[4:6]) >= 1 && n(d[4:6]) <= 12 && n(d[6:]) >= 1 && n(d[6:]) <= 31
	case m[8] != "":
		return n(m[8]) >= 1 && n(m[8]) <= 31 && year(m[10])
	default:
		return n(m[12]) >= 1 && n(m[12]) <= 31 && year(m[13])
	}
}

// Dates of birth after a name, with no cue.

// namedBirthDate reports whether a date that could be an adult's date of
// birth follows a person's name with no word between: "John Smith
// 12/03/1985", "Mohammed Ali 03/04/1990", "Smith, John 12.03.85", "Jane Doe
// 1 March 1980", "John Smith (12.03.1985)". It is the shape of a line of a
// caseload pasted into a note, and nothing else programmes write looks
// like it, so it needs no cue. Each part is held to what marks it:
//   - the date is whole (day, month and year, as birthDate reads them),
//     with its parts separated or the month named: one run of six or eight
//     digits after a name is as often a reference ("Sarah Jones 120385");
//   - its year makes its person 14 to 100 years old this year
//     (plausibleBirthYear), so a reporting date ("Quarter ending
//     31/03/2025", "Jane Smith 01/04/2025", a staff member's start) is
//     none; programmes of the SPEC's era (2009–2012) are old enough to
//     read so, the price of finding the birth dates;
//   - it starts no period ("Mary Jones 01/04/2009 - 31/03/2012", "… to …"):
//     a secondment or a contract, not a birth;
//   - only spaces, a comma, colon or dash, or an opening bracket stand
//     between it and the name;
//   - the name is a forename and a surname as forenameSurname reads one
//     after "client" (a listed forename and a capitalised surname, or an
//     unlisted forename and a surname with a surname's own shape: "East
//     Midlands 01/04/2009", "Leeds Mind 01/04/2009" and "Bradford District
//     01/04/2009" are none), or a surname, a comma and a listed forename
//     ("Smith, John"); a business named so passes ("Paul Smith", "J
//     Sainsbury": namesBusiness).
//
// A staff member's name with a date after it that is old enough to be a
// birth ("Claire Murray 01/04/2009") is refused too: nothing tells it from
// a date of birth, and the message says it was a date after a name, so a
// word between ("Claire Murray started 01/04/2009") keeps the note.
func namedBirthDate(norm string, gs []digitGroup) bool {
	thisYear := 0
	for i, g := range gs {
		if i > 0 && g.joined && !g.wide {
			continue // a date starts its own number (a table's bar or a colon before it is no part of it)
		}
		j, marks := g.start, 0
		for j > 0 && marks <= 2 {
			c := norm[j-1]
			if c == ' ' {
				j--
				continue
			}
			if c == ',' || c == ':' || c == '-' || c == '(' || c == '[' {
				marks++
				j--
				continue
			}
			break
		}
		if j == g.start || j == 0 || norm[j-1] >= 0x80 || !asciiLetter[norm[j-1]] || len(g.digits) == 3 || len(g.digits) > 4 {
			continue // a date starts with its day (one or two digits) or its year
		}
		// What may start a date, then the name, then the date itself (a
		// pattern): most figures in a note are neither.
		dated := g.date || i+2 < len(gs) && gs[i+1].joined && gs[i+2].joined || monthAfter(norm, g.end)
		if !dated || !nameEndsAt(norm, j) {
			continue
		}
		n, year, run := birthDateParts(norm[g.start:min(len(norm), g.start+40)])
		if n == 0 || run {
			continue
		}
		if thisYear == 0 {
			thisYear = guardYear()
		}
		if plausibleBirthYear(year, thisYear) && !periodAfter(norm, g.start+n) {
			return true
		}
	}
	return false
}

// birthDateBeforeName reports whether a date that could be an adult's date
// of birth comes right before a person's name with no cue: "12/03/1985
// John Smith", "01/02/1990 - Jane Doe", "3 March 1988, Asha Patel". It is
// namedBirthDate's shape the other way round, as a caseload may list its
// people, and held to the same marks: a whole date with its parts
// separated or the month named, whose year makes its person 14 to 100
// years old (plausibleBirthYear), then only spaces and at most two of ",
// : - ( [" (a closing bracket after the date too: "(12/03/1985) John
// Smith"), then a forename and surname as namedBirthDate reads one
// (forenameSurname, no business). A date after a word that dates an event
// (eventDateWords: "Review meeting 01/04/2009 Claire Murray", "started
// 01/04/2009, Claire Murray …") is none, nor is one with a word between
// it and the name ("Review meeting 01/04/2026 with Claire Murray"), nor a
// recent one ("01/04/2025 Jane Smith joined"); a period ("01/04/2009 -
// 31/03/2012 Claire Murray") has a date, not a name, after its dash. The
// price, as after a name: an old enough date right before a staff
// member's name ("01/04/2009 Claire Murray") is refused, and the message
// says it was a full date right before a person's name, so a word between
// keeps the note.
func birthDateBeforeName(norm string, gs []digitGroup) bool {
	thisYear := 0
	for i, g := range gs {
		if i > 0 && g.joined && !g.wide || afterWordChar(norm, g.start) || len(g.digits) == 3 || len(g.digits) > 4 {
			continue // a date starts its own number, with its day or its year
		}
		dated := g.date || i+2 < len(gs) && gs[i+1].joined && gs[i+2].joined || monthAfter(norm, g.end)
		if !dated {
			continue
		}
		n, year, run := birthDateParts(norm[g.start:min(len(norm), g.start+40)])
		if n == 0 || run {
			continue
		}
		k := g.start + n
		if k < len(norm) && (norm[k] == ')' || norm[k] == ']') {
			k++
		}
		for marks := 0; k < len(norm); k++ {
			if c := norm[k]; c == ',' || c == ':' || c == '-' || c == '(' || c == '[' {
				if marks == 2 {
					break
				}
				marks++
			} else if c != ' ' {
				break
			}
		}
		if k == g.start+n || k >= len(norm) || !letterAt(norm, k) {
			continue
		}
		e := forenameSurname(norm, k, true)
		if e == 0 || namesBusiness(norm, k, e) || eventDateWords[wordBefore(norm, markedBefore(norm, g.start))] {
			continue
		}
		if thisYear == 0 {
			thisYear = guardYear()
		}
		if plausibleBirthYear(year, thisYear) {
			return true
		}
	}
	return false
}

// monthAfter reports whether a month's name follows the day ending at i,
// with an ordinal's letters, "of", spaces, dots or dashes between ("1
// March", "3rd of March", "1-Feb").
func monthAfter(norm string, i int) bool {
	if i+2 <= len(norm) {
		switch strings.ToLower(norm[i : i+2]) {
		case "st", "nd", "rd", "th":
			i += 2
		}
	}
	for i < len(norm) && (norm[i] == ' ' || norm[i] == '.' || norm[i] == '-') {
		i++
	}
	if i+3 <= len(norm) && strings.EqualFold(norm[i:i+3], "of ") {
		i += 3
	}
	return monthAt(norm, i)
}

// guardYear is this year, for telling a date of birth from a recent date.
var guardYear = func() int { return time.Now().UTC().Year() }

// plausibleBirthYear reports whether a year, as written (two or four
// digits), makes someone 14 to 100 years old in thisYear: old enough to be
// supported into work, and no older than anyone is. A two-digit year may be
// of either century.
func plausibleBirthYear(year string, thisYear int) bool {
	y, err := strconv.Atoi(year)
	if err != nil {
		return false
	}
	in := func(y int) bool { return y >= thisYear-100 && y <= thisYear-14 }
	if len(year) == 2 {
		return in(1900+y) || in(2000+y)
	}
	return in(y)
}

// periodAfter reports whether the date ending at i starts a period: a dash,
// "to", "until", "till" or "and" after it, before another figure ("01/04/2009
// - 31/03/2012", "01/04/2009 to March 2012").
func periodAfter(norm string, i int) bool {
	for i < len(norm) && norm[i] == ' ' {
		i++
	}
	if i < len(norm) && norm[i] == '-' {
		return true
	}
	switch w, _ := wordAfter(norm, i); w {
	case "to", "until", "till", "and", "through", "thru":
		return true
	}
	return false
}

// nameEndsAt reports whether a person's name ends at i (see
// namedBirthDate): a forename and a surname (forenameSurname), or a
// surname, a comma and a listed forename ("Smith, John", "SMITH, John"),
// and no business's name (namesBusiness).
func nameEndsAt(norm string, i int) bool { return nameStartAt(norm, i) >= 0 }

// nameStartAt is where the person's name that ends at i (nameEndsAt)
// starts, or -1 when none ends there.
func nameStartAt(norm string, i int) int {
	_, k := wordBeforeAt(norm, i)
	if k == i {
		return -1
	}
	last := k
	// A surname runs back over hyphens (Smith-Jones), a few times at most.
	for n := 0; n < 3 && k > 1 && norm[k-1] == '-' && letterAt(norm, k-2); n++ {
		_, k = wordBeforeAt(norm, k-1)
	}
	if w, f := wordBeforeAt(norm, k); w != "" {
		if e := forenameSurname(norm, f, true); e == i && !namesBusiness(norm, f, e) {
			return f
		}
	}
	// Surname first: "Smith, John".
	first := norm[last:i]
	if !forenames[strings.ToLower(first)] || first != titleCase(first) && first != strings.ToUpper(first) || k != last {
		return -1
	}
	j := last
	for j > 0 && norm[j-1] == ' ' {
		j--
	}
	if j == 0 || norm[j-1] != ',' {
		return -1
	}
	surname, s := wordBeforeAt(norm, j-1)
	if utf8.RuneCountInString(surname) < 2 || norm[s] < 'A' || norm[s] > 'Z' {
		return -1
	}
	key := titleCase(surname)
	if smallWords[surname] || sentenceStarts[surname] || labelWords[surname] || notSurnames[key] || placeWords[key] ||
		notAName[""][key] {
		return -1
	}
	return s
}

// bracketedBirthYear reports whether a year alone, of someone 14 to 100
// (plausibleBirthYear), follows at i the birth cue ("b.", "born") that an
// opening bracket at start opens, and the bracket closes right after it:
// "Jane Doe (b. 1980)", "J Smith (born 1975)". Out of brackets a year
// after "born" is a note's ("born in 1979", "born out of the 2019 pilot").
func bracketedBirthYear(norm string, start, i int) bool {
	j := start
	for j > 0 && norm[j-1] == ' ' {
		j--
	}
	if j == 0 || norm[j-1] != '(' && norm[j-1] != '[' {
		return false
	}
	for i < len(norm) && norm[i] == ' ' {
		i++
	}
	k := i
	for k < len(norm) && isDigit(norm[k]) {
		k++
	}
	if k-i != 4 {
		return false
	}
	year := norm[i:k]
	for k < len(norm) && norm[k] == ' ' {
		k++
	}
	return k < len(norm) && (norm[k] == ')' || norm[k] == ']') && plausibleBirthYear(year, guardYear())
}
