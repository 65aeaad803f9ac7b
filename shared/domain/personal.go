package domain

import (
	"errors"
	"regexp"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// fundtrack holds aggregate counts only. Free text is checked for the
// personal data most likely to slip in (an NHS number, an email address, a
// phone number, a National Insurance number; and, by the words around
// them, a name with a title or beside a word for the person ("patient",
// "client", "SU", "claimant", "intern" …), a date of
// birth (its cue before it, or after it or after the name it precedes), a
// home address (a postcode after a residence cue or the label "postcode")
// and a hospital number; and, with no cue, a date of birth right after or
// right before a name and a home address written out in full: see
// personal_people.go; the numbers are in personal_numbers.go) and
// refused, since once stored it would be hard to purge.
// The check reads text as people really type it: numbers grouped and
// separated any way, over a line break too, full-width or other non-ASCII
// digits, without the 0 or + a spreadsheet drops (after a phone cue),
// internationalised email addresses, and ones spelled out. It must also
// let through what programmes write all the
// time (grant amounts, dates, years, organisation and charity numbers), so
// each rule below says what it leaves alone and why.

// TextField is one free-text field of an input: its JSON path (as a
// validation error names it, e.g. "measures[0].name") and what it holds.
type TextField struct {
	Path string
	Text string
}

// TextFielder is an input with free text: every field a person types words
// into, so the personal-data guard can cover them all. Identifiers, dates,
// enumerations and staff contact addresses in their own fields are not text.
type TextFielder interface {
	TextFields() []TextField
}

// CheckText refuses an input if any of its free-text fields holds personal
// data of the people supported: 422 personal_data_detected naming each such
// field and the kind of data found (never the data). Run it after Validate,
// on the value that would be stored (for a patch, the record after Apply).
func CheckText(v TextFielder) error {
	fields := map[string]string{}
	for _, f := range v.TextFields() {
		if kind := fieldKind(f); kind != "" {
			fields[f.Path] = foundProblem(kind)
		}
	}
	if len(fields) == 0 {
		return nil
	}
	return &Error{Code: CodePersonalData, Message: personalMessage, Fields: fields}
}

// WithText is CheckText after the other checks of an input: err is what
// they found (nil, or the 400 of MergeProblems). With no other problem the
// answer is CheckText's own (422 personal_data_detected). With other
// problems in fields, the guard's are added to them, each field keeping a
// problem of its own, and the answer stays 400 validation_failed naming
// every field, as an import names a cell with personal data beside its
// other bad cells: a person with both kinds of mistake (a date mistyped
// and a phone number in the name) puts both right in one go, rather than
// learning of the second only once the first is fixed. Any other error
// (not found, a body that is not JSON at all) is passed on as it is.
// Either way nothing is stored: the caller stops at any error.
func WithText(err error, v TextFielder) error {
	if err == nil {
		return CheckText(v)
	}
	var de *Error
	if !errors.As(err, &de) || de.Code != CodeValidation || len(de.Fields) == 0 {
		return err
	}
	if _, whole := de.Fields[BodyField]; whole {
		return err
	}
	var pd *Error
	if !errors.As(CheckText(v), &pd) {
		return err
	}
	p := Problems{}
	p.AddAll(de.Fields)
	p.AddAll(pd.Fields)
	if len(p) == len(de.Fields) {
		return err
	}
	return p.ErrAs(de.Message, de.Message)
}

// CheckPersonalData refuses text that holds an NHS number, an email
// address, a phone number, a National Insurance number, a hospital number,
// a person's name, a date of birth or a home address (see personalKind),
// naming the field and what kind of data was found (never echoing it).
func CheckPersonalData(field, text string) error {
	kind := personalKind(text)
	if kind == "" {
		return nil
	}
	return &Error{Code: CodePersonalData, Message: personalMessage, Fields: map[string]string{field: foundProblem(kind)}}
}

const personalMessage = "fundtrack keeps counts only; remove personal details of the people supported"

// The kinds of personal data the guard names.
const (
	kindEmail = "an email address"
	// kindSpelledEmail is an address with "at" and "dot" spelled out (see
	// spelledEmailPattern): the problem names it so, as the hint about
	// "@" does not apply.
	kindSpelledEmail = "an email address (spelled)"
	kindNHS          = "an NHS number"
	kindPhone        = "a phone number"
	kindNI           = "a National Insurance number"
)

// foundProblem is what a field holding personal data of the kind named is
// told (never the data). An "@" may be shorthand for "at" before a place
// that reads as an address ("placed @ Tesco.com"), so the email problem
// says how to keep such a note.
//
// A name and a home address are found by the words around them (see
// personal_people.go, personal_names.go and personal_address.go), so their problems say which words: a title before a
// name, a postcode or a house number and street given as where someone
// lives, or after the word "postcode" with no organisation named before
// it (its name, or "venue", keeps a service's postcode). Someone who wrote
// a staff member's title, or a service's own address, then sees why. So
// do the shapes found with no cue: a full date right after or right
// before a name (a word between, "started" or "with", keeps a staff
// member's start date or a meeting), and a house number, street and
// postcode with no organisation named before them (its name, or "office",
// keeps a service's address), or a flat's.
func foundProblem(kind string) string {
	switch kind {
	case kindEmail:
		return "appears to contain " + kind + ` (for a place, write "at" instead of "@")`
	case kindSpelledEmail:
		return "appears to contain " + kindEmail + ` ("at" and "dot" written as words)`
	case kindName:
		return "appears to contain " + kind + ` (a title such as "Mr" or "Ms" before a name)`
	case kindAddress:
		return "appears to contain " + kind + " (a postcode given as where someone lives)"
	case kindCuedName:
		return "appears to contain " + kindName + ` (a name beside a word for the person, such as "client", "patient" or "Pt")`
	case kindStreet:
		return "appears to contain " + kindAddress + " (a house number and street given as where someone lives)"
	case kindFullAddress:
		return "appears to contain " + kindAddress + " (a house number, street and postcode with no organisation named before them)"
	case kindFlat:
		return "appears to contain " + kindAddress + " (a flat, street and postcode)"
	case kindPostcode:
		return "appears to contain " + kindAddress + ` (a postcode after "postcode", with no organisation named before it)`
	case kindNamedBirth:
		return "appears to contain " + kindBirth + " (a full date right after a person's name)"
	case kindBirthBeforeName:
		return "appears to contain " + kindBirth + " (a full date right before a person's name)"
	}
	return "appears to contain " + kind
}

// fieldKind names the first kind of personal data found in a field, or
// "": personalKind of its text, but for an orgId (orgIDField), which
// orgIDKind reads.
func fieldKind(f TextField) string {
	if orgIDField(f.Path) {
		return orgIDKind(f.Text)
	}
	return personalKind(f.Text)
}

// personalKind names the first kind of personal data found in text, or "".
//
// Text is read as written, then, when it has lines, again with each single
// line break read as a space (joinLines): a number broken over two lines
// ("943 476\n5919", as a CSV cell or an Excel cell typed with Alt+Enter
// holds it) and a cue on one line with its value on the next ("DOB:\n
// 01/02/1980", "Mr\nJohn Smith", "lives at\nLS1 4AP", a record pasted as
// a form lays it out) are found as on one line (security3 D1). A blank
// line still parts paragraphs. The first reading, where a line break ends
// a sentence, keeps what it finds: each reading only adds.
func personalKind(text string) string {
	norm := normaliseForGuard(text)
	if kind := normalKind(norm); kind != "" {
		return kind
	}
	if joined, ok := joinLines(norm); ok {
		return normalKind(joined)
	}
	return ""
}

// joinLines is norm with each single line break (with any spaces and
// carriage returns around it) read as one space, and whether it held one.
// Two or more breaks together (a blank line between paragraphs) stay.
func joinLines(norm string) (string, bool) {
	if strings.IndexAny(norm, "\n\r") < 0 {
		return norm, false
	}
	var b strings.Builder
	b.Grow(len(norm))
	joined := false
	for i := 0; i < len(norm); {
		c := norm[i]
		if c != ' ' && c != '\n' && c != '\r' {
			b.WriteByte(c)
			i++
			continue
		}
		j, breaks := i, 0
		for ; j < len(norm) && (norm[j] == ' ' || norm[j] == '\n' || norm[j] == '\r'); j++ {
			if norm[j] == '\n' || norm[j] == '\r' && (j+1 >= len(norm) || norm[j+1] != '\n') {
				breaks++
			}
		}
		if breaks == 1 {
			b.WriteByte(' ')
			joined = true
		} else {
			b.WriteString(norm[i:j])
		}
		i = j
	}
	return b.String(), joined
}

// normalKind is personalKind of normalised text, read once as it is.
// The numbers and addresses come first, so text that holds one is named
// for it as before; the checks by words (peopleKind) read every word once,
// which costs a large imported sheet about a tenth of the rest.
func normalKind(norm string) string {
	// Every address, plain, spaced or disguised ("[at]", "'at'"), holds an
	// @, an opening bracket or a quoted "at": text with none (most notes,
	// every long cell of an imported sheet) skips both patterns, which are
	// most of the guard's time on a large import.
	if mayHoldAddress(norm) && (emailPattern().MatchString(norm) || hasSpacedEmail(norm)) {
		return kindEmail
	}
	if hasSpelledEmail(norm) {
		return kindSpelledEmail
	}
	groups := digitGroups(norm)
	if containsNHSNumber(norm, groups) {
		return kindNHS
	}
	if containsPhoneNumber(norm, groups) {
		return kindPhone
	}
	if containsNINumber(norm, groups) {
		return kindNI
	}
	if kind := russianPersonalNumber(norm, groups); kind != "" {
		return kind
	}
	if kind := peopleKind(norm); kind != "" {
		return kind
	}
	if namedBirthDate(norm, groups) {
		return kindNamedBirth
	}
	if birthDateBeforeName(norm, groups) {
		return kindBirthBeforeName
	}
	return fullAddress(norm, groups)
}

// lazyRegexp compiles a pattern on first use rather than at package init,
// which every Lambda cold start would pay for, used or not.
func lazyRegexp(pattern string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(pattern) })
}

// normaliseForGuard maps what looks alike to one form, so that the checks
// below need only know ASCII: every decimal digit (full-width ０-９, Arabic-
// Indic, …) to 0-9, every kind of space to a space, dashes and minus signs
// to "-", middle dots (943·476·5919) to ".", full-width and ideographic
// stops, commas, colons and semicolons (fix-guard9: "INN：500100732259"),
// underscores, slashes, brackets, plus and @ to their ASCII forms. Brackets go by Unicode general category rather than a list, so that
// every bracket a keyboard or IME offers reads as one: the full-width and
// small parentheses and braces and the angle brackets keep their ASCII shape
// (＜at＞ and 〈at〉 read as <at>), and every other opening (Ps) or closing
// (Pe) punctuation becomes [ or ] (【at】, 「at」, ❨at❩ read as [at]). Every
// character mapped to an opening bracket is thus one of disguiseOpen, which
// the fast skip in personalKind counts on. Quotation marks (see isQuoteMark)
// become the ASCII apostrophe, whichever way round they are used, so “at”,
// ‘at’, „at“, «at» and »at« all read as 'at'. Zero-width and other
// invisible format characters are dropped, so they cannot split a number.
// Tabs become spaces (pasted tables); line breaks stay (see personalKind).
func normaliseForGuard(text string) string {
	var b strings.Builder
	b.Grow(len(text))
	for _, r := range text {
		switch {
		case r == '\t':
			b.WriteByte(' ')
		case r < 0x80:
			b.WriteRune(r)
		case unicode.Is(unicode.Nd, r):
			b.WriteByte('0' + digitValue(r))
		case r == 0x2028 || r == 0x2029:
			b.WriteByte('\n')
		case unicode.IsSpace(r):
			b.WriteByte(' ')
		case unicode.Is(unicode.Cf, r):
		case unicode.Is(unicode.Pd, r) || r == 0x2212 || r == 0x2010 || r == 0x2011:
			b.WriteByte('-')
		case r == 0xFF0E || r == 0x3002 || r == 0xFF61 || r == 0xFE52 || isMiddleDot(r):
			b.WriteByte('.')
		case r == 0xFF0C || r == 0xFE50 || r == 0x3001:
			b.WriteByte(',')
		case r == 0xFF1A || r == 0xFE55 || r == 0xFE13:
			b.WriteByte(':')
		case r == 0xFF1B || r == 0xFE54 || r == 0xFE14:
			b.WriteByte(';')
		case r == 0xFF3F:
			b.WriteByte('_')
		case r == 0xFF0F || r == 0x2215 || r == 0x2044:
			b.WriteByte('/')
		case r == 0xFF08 || r == 0xFE59:
			b.WriteByte('(')
		case r == 0xFF09 || r == 0xFE5A:
			b.WriteByte(')')
		case r == 0xFF5B || r == 0xFE5B:
			b.WriteByte('{')
		case r == 0xFF5D || r == 0xFE5C:
			b.WriteByte('}')
		case r == 0xFF1C || r == 0xFE64 || r == 0x3008 || r == 0x2329 || r == 0x27E8:
			b.WriteByte('<')
		case r == 0xFF1E || r == 0xFE65 || r == 0x3009 || r == 0x232A || r == 0x27E9:
			b.WriteByte('>')
		case isQuoteMark(r):
			b.WriteByte('\'')
		case unicode.Is(unicode.Ps, r):
			b.WriteByte('[')
		case unicode.Is(unicode.Pe, r):
			b.WriteByte(']')
		case r == 0xFF0B || r == 0xFE62:
			b.WriteByte('+')
		case r == 0xFF20 || r == 0xFE6B:
			b.WriteByte('@')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// isQuoteMark reports whether r is a quotation mark other than ASCII's " and
// ': the initial (Pi) and final (Pf) quotation marks of Unicode's general
// categories (“ ” ‘ ’ ‛ ‟, the guillemets « » ‹ ›), the low-9 marks „ ‚ ⹂
// that open a quotation in German and other languages (Unicode files these
// as opening punctuation, Ps), and the full-width ＂ ＇. Which one opens and
// which closes varies by language (“at” in English, „at“ in German, »at« in
// German print, ”at” in Swedish), so none is taken as a bracket: "at"
// between any two of them is a disguise however they are paired. The
// apostrophe they become is already a letter of an address's local part
// (o’brien@… reads as o'brien@…).
func isQuoteMark(r rune) bool {
	switch r {
	case 0x201A, 0x201E, 0x2E42, 0xFF02, 0xFF07:
		return true
	}
	return unicode.In(r, unicode.Pi, unicode.Pf)
}

// isMiddleDot reports whether r is a raised dot people put between groups
// of digits as they would a full stop: the middle dot of 943·476·5919, the
// hyphenation point, dot and bullet operators, and the katakana middle dots.
// A list bullet (•) is not one: it starts an item, it does not group digits.
func isMiddleDot(r rune) bool {
	switch r {
	case 0x00B7, 0x2027, 0x2219, 0x22C5, 0x30FB, 0xFF65:
		return true
	}
	return false
}

// digitValue is the value of a decimal digit of any script. Unicode encodes
// each script's digits as ten consecutive code points from zero, and every
// range of the Nd table begins at a zero, so the value is the distance from
// the range's start, modulo 10 (ranges such as the mathematical digits hold
// several sets of ten).
func digitValue(r rune) byte {
	for _, rg := range unicode.Nd.R16 {
		if r >= rune(rg.Lo) && r <= rune(rg.Hi) {
			return byte((r - rune(rg.Lo)) % 10)
		}
	}
	for _, rg := range unicode.Nd.R32 {
		if r >= rune(rg.Lo) && r <= rune(rg.Hi) {
			return byte((r - rune(rg.Lo)) % 10)
		}
	}
	return 0
}

// emailPattern finds an address, internationalised ones included (RFC
// 6531: letters of any script in the local part and the domain), and the
// usual disguises "name [at] example [dot] org" (or (at), {at}, <at>, and
// "at" or 'at' in quotation marks of any kind and either way round).
// People also quote the local part ("j.smith"@nhs.net) and, rarely, give a
// server's address for the domain (a@[10.0.0.1], a@10.0.0.1, a@[IPv6:2001:db8::1]). A name
// domain needs a dot and a top-level label of two or more letters (or an
// xn-- label), and an address domain four numbers, so "meeting @ 3pm",
// "ratio 3 @ 5", "@IPSGrowNHS" and "2 @ £5" are not addresses. An address
// with a space by its @ is spacedEmailPattern's. Run on normalised text, so
// a full-width ＠ or 。 counts too.
var emailPattern = lazyRegexp(`(?i)` + emailLocal +
	`(?:@|\s?` + disguiseAt + `\s?)(?:(?:` + emailLabel + emailDot + `)+(?:\p{L}[\p{L}\p{M}]+|xn--[a-z0-9-]+)` +
	`|\[(?:ipv6:[0-9a-f:.]+|\d{1,3}(?:\.\d{1,3}){3})\]|\d{1,3}(?:\.\d{1,3}){3})`)

// spacedEmailPattern finds an address typed with a space either side of
// the @ ("john @ nhs.net", which mail clients accept). But "@ place" is
// also everyday shorthand for "at", and a dotted place, file or web site
// after it ("clinic @ St.James's hospital", "figures @ returns.xlsx",
// "clinic @ 10.30.11.15") is no address. So here the domain must end in a
// top-level domain people's addresses here really end in (spacedTLDs),
// written all in lower or all in upper case as a typed address is: "job
// club @ Connexions.It was busy" is a missing space after a full stop, not
// Italy. A server's address is an address only written without spaces, and
// a web site (a domain starting www., see hasSpacedEmail) is a place.
// Group 1 is the domain.
var spacedEmailPattern = lazyRegexp(`(?i)` + emailLocal +
	`(?: {1,2}@ {0,2}|@ {1,2})((?:` + emailLabel + emailDot + `)+(?-i:` + spacedTLDs + `|` + strings.ToUpper(spacedTLDs) + `))` +
	`(?:$|[^\p{L}\p{M}\p{N}.-]|\.(?:$|[^\p{L}\p{M}\p{N}]))`)

// mayHoldAddress reports whether normalised text may hold an address: it
// holds an @, an opening bracket (of disguiseOpen) or "at", in any case,
// between two of disguiseQuote (the only way a quoted disguiseAt is
// written). Every match of emailPattern and spacedEmailPattern does, so
// text with none of them skips both. A quote mark alone does not count: an
// apostrophe is in nearly every note ("people's", "don't"), and counting it
// would send them all through the patterns. One pass finds all three, so
// text with none (a long imported cell) costs what a check for the @ and
// brackets alone did.
func mayHoldAddress(norm string) bool {
	for i := 0; i < len(norm); i++ {
		switch addressMark[norm[i]] {
		case markSure:
			return true
		case markQuote:
			if i+4 <= len(norm) && norm[i+1]|0x20 == 'a' && norm[i+2]|0x20 == 't' && addressMark[norm[i+3]] == markQuote {
				return true
			}
		}
	}
	return false
}

// addressMark classes the bytes mayHoldAddress looks for: markSure for the
// @ and disguiseOpen, markQuote for disguiseQuote.
var addressMark = func() (t [256]uint8) {
	for _, c := range []byte("@" + disguiseOpen) {
		t[c] = markSure
	}
	for _, c := range []byte(disguiseQuote) {
		t[c] = markQuote
	}
	return t
}()

const (
	markSure  = 1
	markQuote = 2
)

// spelledEmailPattern finds an address with its @ and its dots spelled
// out, as people write one to keep it from being harvested: "john.smith
// at gmail dot com", "jsmith AT hotmail DOT co DOT uk" (third security
// audit, W2). Both words must be there, "at" and at least one "dot"
// (hasSpelledEmail), and the domain must end in a top-level domain
// people's addresses end in (spacedTLDs), so "met at the hub" and "held
// at Leeds dot Arena" are none. Group 1 is the local part, group 2 the
// "at", group 3 the domain, up to its TLD.
var spelledEmailPattern = lazyRegexp(`(?i)(?:^|[^\p{L}\p{M}\p{N}._%+'-])([\p{L}\p{M}\p{N}._%+'-]+) +(at) +` +
	`((?:[\p{L}\p{M}\p{N}](?:[\p{L}\p{M}\p{N}-]*[\p{L}\p{M}\p{N}])?(?: +dot +| *\. *))+)(?:` + spacedTLDs + `)(?:$|[^\p{L}\p{M}\p{N}])`)

// hasSpelledEmail reports whether normalised text holds an address with
// "at" and "dot" spelled out (spelledEmailPattern). Text with no word
// "dot" (nearly all) skips the pattern.
//
// "at" is also the preposition before a web site ("More at leeds dot gov
// dot uk", "apply online at leeds dot gov dot uk"), and the word before it
// is then no local part (fix-guard). So the word before "at" must read as
// one: shaped as a mailbox is, not a word (mailboxShaped: "john.smith",
// "j_smith", "jsmith1980"); or "AT" in capitals beside a local part that
// is not (the harvest-proof disguise: "jsmith AT hotmail DOT co DOT uk");
// or a domain of the mail services people have their own addresses with
// (personalMailDomains: "jsmith at gmail dot com"); or else a word in
// small letters that is none of the words written before "at" and a web
// site (wordsBeforeSite: "more", "details", "online", "apply", "jobs",
// "info" …), so "jo at example dot org" is an address and "details at
// leeds dot gov dot uk" a place. A capitalised word ("More at …", "Leeds
// City Council at …") starts a sentence or names a place. A domain that
// starts with "www" is a web site, never an address. The price: an
// address of a plain capitalised name at an organisation's domain ("Jo at
// leedsmind dot org dot uk") passes, as an office's own address ("info at
// leeds dot gov dot uk") does.
func hasSpelledEmail(norm string) bool {
	if !hasWordDot(norm) {
		return false
	}
	for _, m := range spelledEmailPattern().FindAllStringSubmatchIndex(norm, -1) {
		local, at, domain := norm[m[2]:m[3]], norm[m[4]:m[5]], norm[m[6]:m[7]]
		if !hasWordDot(domain) {
			continue
		}
		first, _, _ := strings.Cut(strings.ToLower(domain), " ")
		first, _, _ = strings.Cut(first, ".")
		if first == "www" {
			continue // a web site: "More at www dot leeds dot gov dot uk"
		}
		if mailboxShaped(local) || at == "AT" && strings.ToUpper(local) != local || personalMailDomains[first] {
			return true
		}
		lower := strings.ToLower(local)
		if isWordOf(local, unicode.IsLetter) && !wordsBeforeSite[lower] && (local == lower || local == strings.ToUpper(local)) {
			return true // "jo at example dot org"
		}
	}
	return false
}

// isWordOf reports whether s has at least one rune and is reports true
// for every one.
func isWordOf(s string, is func(rune) bool) bool {
	return s != "" && strings.IndexFunc(s, func(r rune) bool { return !is(r) }) < 0
}

// wordsBeforeSite, lower-cased, are the words people write before "at"
// and a web site ("more at …", "details at …", "apply online at …",
// "jobs at …"), or that name an office's own mailbox ("info", "enquiries"):
// before a spelled-out "at" they make it the preposition, not an
// address's @ (see hasSpelledEmail).
var wordsBeforeSite = wordSet("more details detail info information online available found listed advertised posted " +
	"published apply applications application register registration book booking bookings visit see read us me here " +
	"there live jobs vacancies careers guidance resources website site page pages everything events courses training " +
	"support help advice contact enquiries office team hello admin it them this that all anything out up also today " +
	"now directly form forms report reports figures data news updates minutes papers agenda notes survey link links " +
	"portal hosted held based stall meet meeting going working work works open opens starts started")

// mailboxShaped reports whether the word before a spelled-out "at" is
// shaped as an address's local part and no word of a sentence is: a
// letter first and a letter or digit last, with a dot, underscore, plus
// or percent sign between ("john.smith", "j_smith"), or three letters or
// more and then two digits or more ("jsmith1980", "sarah85"). A hyphen or
// an apostrophe is in words too ("drop-in at", "Covid-19 at", "people's
// at"), "e.g." ends with its dot, and "Q3" is a quarter.
func mailboxShaped(local string) bool {
	first, _ := utf8.DecodeRuneInString(local)
	last, _ := utf8.DecodeLastRuneInString(local)
	if !unicode.IsLetter(first) || !unicode.IsLetter(last) && !unicode.IsDigit(last) {
		return false
	}
	if strings.ContainsAny(local, "._+%") {
		return true
	}
	letters := strings.TrimRightFunc(local, unicode.IsDigit)
	return len(local)-len(letters) >= 2 && utf8.RuneCountInString(letters) >= 3 &&
		strings.IndexFunc(letters, func(r rune) bool { return !unicode.IsLetter(r) }) < 0
}

// personalMailDomains, lower-cased, are the first labels of the domains of
// the mail services people in the UK have their own addresses with
// (gmail.com, hotmail.co.uk, btinternet.com, …): an address there, spelled
// out, is a person's, whatever its local part. Those that are also an
// employer's web site ("Careers at sky dot com") are left out.
var personalMailDomains = wordSet("gmail googlemail hotmail outlook msn yahoo ymail rocketmail icloud aol btinternet " +
	"btopenworld talk21 ntlworld blueyonder tiscali plusnet protonmail gmx zoho yandex fastmail hushmail")

// hasWordDot reports whether s holds the word "dot", in any case.
func hasWordDot(s string) bool {
	for i := 0; i+3 <= len(s); i++ {
		if s[i]|0x20 == 'd' && s[i+1]|0x20 == 'o' && s[i+2]|0x20 == 't' &&
			(i == 0 || !letterAt(s, i-1) && !isDigit(s[i-1])) && (i+3 == len(s) || !letterAt(s, i+3) && !isDigit(s[i+3])) {
			return true
		}
	}
	return false
}

// hasSpacedEmail reports whether normalised text holds an address typed
// with a space by its @ (see spacedEmailPattern), a web site aside. A
// match passed over cannot hide another address: it holds only its own @.
func hasSpacedEmail(norm string) bool {
	for _, m := range spacedEmailPattern().FindAllStringSubmatchIndex(norm, -1) {
		if domain := norm[m[2]:m[3]]; len(domain) < 4 || !strings.EqualFold(domain[:4], "www.") {
			return true
		}
	}
	return false
}

const (
	// emailLocal is an address's local part, quoted or not.
	emailLocal = `(?:"[^"\n@]{1,64}"|[\p{L}\p{M}\p{N}._%+'=&$!#*?^~|{}\x60/-]+)`
	// emailLabel is one label of a domain name.
	emailLabel = `[\p{L}\p{M}\p{N}](?:[\p{L}\p{M}\p{N}-]*[\p{L}\p{M}\p{N}])?`
	// emailDot is the dot between labels, or its disguise " [dot] ".
	emailDot = `(?:\.|\s?` + disguiseDot + `\s?)`
	// disguiseOpen are the brackets that open a disguised "at" or "dot",
	// and disguiseQuote the quotation marks that may stand either side of
	// one instead, after normaliseForGuard: an address without an @ holds
	// one of disguiseOpen or a quoted "at", which personalKind relies on to
	// skip the patterns (mayHoldAddress). disguiseAt and disguiseDot must
	// open with these, and no others; a quoted one is between two quotes,
	// with nothing else inside.
	disguiseOpen  = "[({<"
	disguiseQuote = `"'`
	disguiseAt    = `(?:[\[({<]at[\])}>]|["']at["'])`
	disguiseDot   = `(?:[\[({<]dot[\])}>]|["']dot["'])`
	// spacedTLDs are the top-level domains an address written with a space
	// by its @ must end in: those the addresses of people supported in UK
	// programmes end in (nhs.net and nhs.uk end in net and uk, ac.uk and
	// gov.uk in uk), the common generic ones and nearby countries'. It is
	// short on purpose: any longer and words after "@ place." read as
	// addresses; a rarer domain is still found written without a space.
	spacedTLDs = `com|net|org|uk|gov|co|io|info|biz|edu|scot|wales|cymru|eu|ie|de|fr|es|it|nl|me|email|online`
)
