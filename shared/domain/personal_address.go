package domain

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

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
		if within(norm, from, 4, cuedStreetAt) {
			return kindStreet
		}
	case personBefore(norm, start) && within(norm, from, 4, cuedStreetAt) || within(norm, from, 4, lowerStreetAt):
		return kindStreet
	}
	return ""
}

// cuedStreetAt is streetAt after a residence cue, where the house number
// may also be set off by a comma ("lives at 12, High Street": third
// security audit, W1). Without a cue a comma after a number lists it
// ("Team of 12, Station Road office"), so fullAddress does not read so.
func cuedStreetAt(norm string, i int) bool {
	if streetAt(norm, i) {
		return true
	}
	ok, _ := streetShapeComma(norm, i, true)
	return ok
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
		if residenceNotHome[before] {
			return -1
		}
		if !(next == "at" || next == "in" || next == "on" || next == "near" || w == "resident" && next == "of") {
			// A postcode right after the cue, or after a colon or dash:
			// "resides LS1 4AP", "lives: LE3 8RA" (third security audit,
			// W1). Not a place's name ("lives Leeds way"): only a postcode.
			j := end
			for j < len(norm) && (norm[j] == ' ' || norm[j] == ':' || norm[j] == '-') {
				j++
			}
			if j == end || !isPostcodeAt(norm, j) {
				return -1
			}
			return end
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

// labelledPostcode reports whether the word w at start..end, "postcode"
// or "post" of "post code" (or "post-code"), or the short forms forms use,
// "P/C" and "PC" (third security audit, W1), labels a full UK postcode
// right after it: only spaces, at most two of ": - = ( # ." and "is" or
// "was" between ("Postcode: LS1 4AP", "post code LS14AP", "postcode - M1
// 1AE", "her postcode is LE3 8RA"). A postcode so labelled, on a form or
// in a note, is where someone lives: an organisation gives its own after
// its name or a word that says whose it is, and then it passes, as after
// a house number and street (orgBefore, the ten words before in the same
// sentence: "Venue postcode: LS1 3BE", "Leeds Mind, postcode LS1 3BE",
// "Our postcode: LE1 5WW"), unless one of the people supported is among
// the three words before ("the client's postcode", personBefore). A
// postcode written after anything else passes as it did ("the postcode
// areas BD1 to BD24", "postcode removed", "Based at LE1 5WW"), as does a
// district alone ("Postcode LS1").
func labelledPostcode(norm, w string, start, end int) bool {
	switch w {
	case "p":
		// "P/C LS1 4AP": the short form of postcode on forms (third
		// security audit, W1), as is "PC" (a police constable's or a
		// computer's only before a name or a word, never a postcode).
		if end+2 > len(norm) || norm[end] != '/' || norm[end+1]|0x20 != 'c' || afterWordChar(norm, start) ||
			end+2 < len(norm) && letterAt(norm, end+2) {
			return false
		}
		end += 2
	case "pc":
		if afterWordChar(norm, start) {
			return false
		}
	}
	if w == "post" {
		if end+1 >= len(norm) || norm[end] != ' ' && norm[end] != '-' {
			return false
		}
		s, e := nextWordAt(norm, end+1)
		if s != end+1 || !strings.EqualFold(norm[s:e], "code") {
			return false
		}
		end = e
	}
	i := end
	for marks, words := 0, 0; i < len(norm); {
		switch c := norm[i]; {
		case c == ' ':
			i++
			continue
		case strings.IndexByte(":-=(#.", c) >= 0 && marks < 2:
			marks++
			i++
			continue
		}
		if next, e := wordAfter(norm, i); (next == "is" || next == "was") && words == 0 {
			words++
			i = e
			continue
		}
		break
	}
	if i == end || !isPostcodeAt(norm, i) {
		return false
	}
	return personBefore(norm, start) || !orgBefore(norm, start)
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
	ok, lower := streetShapeComma(norm, i, true)
	if !ok {
		ok, lower = dwellingShape(norm, i)
	}
	return ok && lower
}

// streetShape reports whether a house number and street start at i (see
// streetAt), and whether a word of it is in lower case.
func streetShape(norm string, i int) (street, lower bool) { return streetShapeComma(norm, i, false) }

// streetShapeComma is streetShape, with a comma allowed after the house
// number if comma is set (see cuedStreetAt).
func streetShapeComma(norm string, i int, comma bool) (street, lower bool) {
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
	if comma && j+1 < len(norm) && norm[j] == ',' && norm[j+1] == ' ' {
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

// Home addresses written out in full, with no cue.

// fullAddress names the home address written out in full in normalised
// text, with no residence cue (homeAddress reads those), or "": a full UK
// postcode after a house number and street, or a flat, in the same
// sentence, with at most eight words (a town, a county) between the
// street and the postcode:
//   - a flat (or apartment, maisonette) with its number, then a street,
//     with a house number or not: "flat 2, 10 Downing Street, London SW1A
//     2AA", "Flat 3b Rose Court, Leeds LS6 2AB" (kindFlat). No
//     organisation has its office in a flat;
//   - a house number and street (streetAt: "10 Downing Street, London SW1A
//     2AA", "12 acacia close le3 8ra") that no organisation is named
//     before, in the same sentence (orgBefore): an office gives its
//     address after its name or a word that says whose it is ("Our
//     office: 12 High Street, Leicester LE1 5WW", "Leeds Mind, 21 Manor
//     Row …", "Job fair at 10 Market Street …", "Unit 3, 10 High Street
//     …"). An employer named by its name alone ("Greggs, 10 High Street,
//     Leeds LS1 4AP") cannot be told from a person's home and is refused:
//     the problem says no organisation was named, so "office" or "Ltd"
//     keeps it. A person's name right before the house number makes it a
//     home whatever came before ("Referred by the trust: John Smith, 10
//     High Street, Leeds LS1 4AP") (kindFullAddress).
//
// A postcode alone, or with a place ("Leeds LS1 4AP", "Based at LE1
// 5WW"), passes: services give theirs. So does a street without a
// postcode: that is homeAddress's, after a cue.
//
// Postcodes are found by their inward code (a digit and two letters, a
// group of digitGroups), so text without one costs one pass over its
// groups.
func fullAddress(norm string, gs []digitGroup) string {
	for i, g := range gs {
		pc := postcodeStartAt(norm, g)
		if pc < 0 {
			continue
		}
		for k := i - 1; k >= 0; k-- {
			h := gs[k]
			if h.end > pc {
				continue // the postcode's own outward code
			}
			if pc-h.end > 120 {
				break
			}
			start, flat := homeStart(norm, h)
			if start < 0 || !within(norm, h.end, 8, isPostcodeAt) {
				continue
			}
			if flat {
				return kindFlat
			}
			if nameEndsBefore(norm, start) || !orgBefore(norm, start) {
				return kindFullAddress
			}
		}
	}
	return ""
}

// postcodeStartAt is where the full UK postcode whose inward code starts
// with the digits of g starts, or -1 when g is not in one.
func postcodeStartAt(norm string, g digitGroup) int {
	e := g.end
	if len(g.digits) != 1 || e+2 > len(norm) || !isLetter(norm[e]&^0x20) || !isLetter(norm[e+1]&^0x20) ||
		e+2 < len(norm) && (letterAt(norm, e+2) || isDigit(norm[e+2])) {
		return -1
	}
	// The outward code is the word before, across spaces, or runs on
	// into the inward code (le38ra).
	j := g.start
	for j > 0 && norm[j-1] == ' ' {
		j--
	}
	s := j
	for s > 0 && norm[s-1] < 0x80 && (asciiLetter[norm[s-1]] || isDigit(norm[s-1])) {
		s--
	}
	if j == g.start {
		// run on: the outward code is the start of this run
		if postcodeEnd(norm, s) == e+2 {
			return s
		}
		return -1
	}
	if s < j && postcodeEnd(norm, s) == e+2 {
		return s
	}
	return -1
}

// homeStart reads the digits of h as the start of a home's address: a
// house number and street (streetAt), or the number of a flat (after
// "flat", "apartment", "apt" or "maisonette") then a street (dwellingAt).
// It answers where the address starts (at a flat's word before a house
// number: "flat 2, 10 Downing Street"), and whether it is a flat, or -1.
func homeStart(norm string, h digitGroup) (int, bool) {
	if w, s := wordBeforeAt(norm, h.start); flatWords[w] && s < h.start {
		if ok, _ := dwellingShape(norm, s); ok {
			return s, true // "flat 2, acacia court", "Flat 3b Rose Court"
		}
	}
	if ok, _ := streetShape(norm, h.start); ok {
		if f := flatBefore(norm, h.start); f >= 0 {
			return f, true
		}
		return h.start, false
	}
	return -1, false
}

// flatBefore is where "flat 2," (or "Flat 3b", "apartment 4,") that ends
// just before i starts, or -1.
func flatBefore(norm string, i int) int {
	j := i
	for j > 0 && (norm[j-1] == ' ' || norm[j-1] == ',') {
		j--
	}
	if j > 0 && norm[j-1] < 0x80 && asciiLetter[norm[j-1]] && j > 1 && isDigit(norm[j-2]) {
		j-- // 3b
	}
	k := j
	for k > 0 && isDigit(norm[k-1]) {
		k--
	}
	if k == j || j-k > 4 {
		return -1
	}
	w, s := wordBeforeAt(norm, k)
	if !flatWords[w] || s == k {
		return -1
	}
	return s
}

// flatWords, lower-cased, are the words for a flat before its number.
var flatWords = wordSet("flat apartment apt maisonette")

// nameEndsBefore reports whether a person's name (nameEndsAt) ends just
// before i, with only spaces, a comma or a colon between.
func nameEndsBefore(norm string, i int) bool {
	j := i
	for j > 0 && (norm[j-1] == ' ' || norm[j-1] == ',' || norm[j-1] == ':') {
		j--
	}
	return j < i && j > 0 && norm[j-1] < 0x80 && asciiLetter[norm[j-1]] && nameEndsAt(norm, j)
}

// orgBefore reports whether one of the ten words before i, in the same
// sentence, names an organisation or says an address is one's
// (addressOrgWords: "office", "Trust", "Ltd", "centre", "venue", "our",
// "based" …): an address after it is the organisation's, not a home.
func orgBefore(norm string, i int) bool {
	for n := 0; n < 10; {
		for i > 0 {
			r, size := utf8.DecodeLastRuneInString(norm[:i])
			if unicode.IsLetter(r) {
				break
			}
			switch r {
			case ';', '!', '?', '\n', '\r':
				return false
			case '.':
				if i < len(norm) && norm[i] == ' ' {
					switch wordBefore(norm, i-1) {
					case "st", "rd", "ave", "no", "nr", "apt", "ln", "cres", "sq":
					default:
						return false
					}
				}
			}
			i -= size
		}
		if i == 0 {
			return false
		}
		w, k := wordBeforeAt(norm, i)
		if w != "" && addressOrgWords[w] {
			return true
		}
		if k == i {
			_, size := utf8.DecodeLastRuneInString(norm[:i])
			k = i - size
		}
		i = k
		n++
	}
	return false
}

// addressOrgWords, lower-cased, are words that make an address after them
// an organisation's: whose it is (orgAddress: "office", "registered",
// "our"; movingOrgs: "team", "premises", "we"), what the organisation is
// (legal forms, the words that end a charity's or a business's name:
// "Ltd", "Trust", "Foundation", "Solicitors"), and where services, events
// and employers are ("venue", "fair", "session", "unit", "employer").
var addressOrgWords = func() map[string]bool {
	m := wordSet("based held hosted nhs ft mind council councils jobcentre job fair fairs session sessions " +
		"workshop workshops drop club clubs group groups cafe café shop shops store stores library church hall " +
		"museum hotel society association network partnership partners partner employers firm unit suite floor " +
		"reception building offices venues location locations us provider providers agency authority ccg icb cmht " +
		"placed placements employed works employment headquarters trusts foundation charities college university " +
		"academy school schools surgery surgeries practice pharmacy dept department ward wing house centre center")
	for _, set := range []map[string]bool{orgAddress, movingOrgs, legalForms} {
		for w := range set {
			m[w] = true
		}
	}
	for _, set := range []map[string]bool{orgEndWords, tradeWords} {
		for w := range set {
			m[strings.ToLower(w)] = true
		}
	}
	return m
}()
