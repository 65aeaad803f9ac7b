package domain

// The personal-data guard's checks for words about a person rather than
// numbers: a name with a title ("Mr John Smith") or after the word for the
// person ("Pt: J. Smith"), a date of birth ("DOB 01/02/1980"), a home
// address ("lives at LE3 8RA", "Postcode: LS1 4AP") and a hospital number
// ("MRN 1234567"). Each is refused only
// in the shape that says it is about a person, since the same names, dates
// and postcodes fill every programme's notes for other reasons: staff and
// partners are named, dates are everywhere ("started 01/02/2024"), and a
// service gives its own postcode ("Based at LE1 5WW"). So a bare date or
// postcode passes; a date after a birth cue, or a postcode after a residence
// cue or the label "postcode" ("Postcode: LS1 4AP", unless an organisation
// is named before it: labelledPostcode), does not, nor one that such a cue
// labels after it ("01/02/1990 (DOB)", "LS6 2AB (home address)"), or
// after the name the date comes before ("01/02/1990 - John Smith (DOB)":
// dateNameBeforeLabel). A name is recognised only by a title
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
//
// Two shapes need no cue, being what a line of a caseload or a letter's
// heading looks like and little else does (second security audit, W1),
// and are found from the figures instead (personalKind): a date of birth
// right after a person's name ("John Smith 12/03/1985": namedBirthDate,
// personal_dates.go) or right before it ("12/03/1985 John Smith":
// birthDateBeforeName) and a home address written out in full, a house
// number or a flat, a street and a postcode ("flat 2, 10 Downing Street,
// London SW1A 2AA": fullAddress, personal_address.go). Each says there
// what it leaves alone and what that costs: a reporting date is too recent
// to be a birth, a period ("01/04/2009 - 31/03/2012") is none, and an
// organisation named before an address makes it the organisation's; but
// a staff member's name with an old enough date after or before it, or an
// address with no organisation named before it, is refused, and the
// message says which shape it was, so that a word between keeps the note.

// The kinds of personal data found by words.
const (
	kindName  = "a person's name"
	kindBirth = "a date of birth"
	// kindFullAddress is a home address found written out in full (a
	// house number, street and postcode) with no cue, and kindFlat one
	// whose flat is given: the problems name them so (see fullAddress).
	kindFullAddress = "a home address (full)"
	kindFlat        = "a home address (flat)"
	// kindNamedBirth is a date of birth found by the name before it, not
	// a cue: the problem names it so (see namedBirthDate).
	kindNamedBirth = "a date of birth (after a name)"
	// kindBirthBeforeName is a date of birth found written right before a
	// person's name, with no cue or with its cue after the name (see
	// birthDateBeforeName and dateNameBeforeLabel).
	kindBirthBeforeName = "a date of birth (before a name)"
	kindAddress         = "a home address"
	// kindStreet is a home address found by its house number and street,
	// not its postcode: the problem names it so (see foundProblem).
	kindStreet = "a home address (street)"
	// kindPostcode is a home address found by the label "postcode" before
	// it, with no organisation named before that (see labelledPostcode).
	kindPostcode = "a home address (postcode label)"
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
	var buf [12]byte
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
			if datedBirth(norm, end, fillers, string(b) == "dob") || string(b) == "born" && bracketedBirthYear(norm, start, end) {
				return kindBirth
			}
			if kind := birthCueAfterDate(norm, string(b), start, end); kind != "" {
				return kind
			}
		case cueD:
			if e := dobDotted(norm, start); e > 0 {
				if datedBirth(norm, e, birthFillers, true) {
					return kindBirth
				}
				if kind := labelledBirth(norm, start, e); kind != "" {
					return kind
				}
			}
		case cueB:
			if bornAbbreviated(norm, start, end) {
				return kindBirth
			}
		case cuePerson:
			if cuedName(norm, string(b), start, end) || nameBeforeCue(norm, string(b), start, end) {
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
		case cuePostcode:
			if labelledPostcode(norm, string(b), start, end) {
				return kindPostcode
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
	cuePostcode
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
	// The sector's other words for the people supported (third security
	// audit, W1): "SU" for service user, DWP's customers and claimants, the
	// programmes' interns, candidates, jobseekers and trainees; the plurals
	// before names ("clients John Smith and Jane Doe"); and the label
	// "name" ("Client name: John Smith", "Name: John Smith").
	"patients": cuePerson, "clients": cuePerson, "participants": cuePerson, "users": cuePerson, "su": cuePerson,
	"customer": cuePerson, "customers": cuePerson, "claimant": cuePerson, "claimants": cuePerson,
	"intern": cuePerson, "interns": cuePerson, "candidate": cuePerson, "candidates": cuePerson,
	"jobseeker": cuePerson, "jobseekers": cuePerson, "trainee": cuePerson, "trainees": cuePerson,
	"name": cuePerson, "names": cuePerson,
	"mrn": cueHospital, "hospital": cueHospital, "hosp": cueHospital,
	"rio": cueHospital, "paris": cueHospital, "systmone": cueHospital, "emis": cueHospital, "pas": cueHospital,
	"carenotes": cueHospital, "lorenzo": cueHospital,
	"postcode": cuePostcode, "post": cuePostcode, "pc": cuePostcode, "p": cuePostcode,
}
