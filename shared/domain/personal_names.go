package domain

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

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
// John Lewis", "client J Smith Ltd"). But initials and a surname after a
// cue that only ever names a person (personOnlyCue: "Pt", "patient",
// "SU", "service user", "claimant", "jobseeker") are that person's
// whatever word follows ("Pt: J. Smith Street", "Pt: J. Smith CiC";
// fix-guard7; "SU: J. Smith Street", "claimant J Smith Ltd"; fix-guard8):
// no employer is called a patient or a claimant, and a place named after
// someone is named in full ("Patient Mary Seacole Ward" passes). Only a
// known employer's name passes after them, being one whatever follows it.
// A forename and surname in full after them are that person's before a
// company word or a road's last word too ("Patient John Smith Ltd", "SU:
// Asha Patel Road"; fix-guard9), with a forename no list holds if the
// surname has a surname's own shape ("Patient Zephaniah Okonkwo-Reyes
// Ltd"), and before "Court" when a court's business follows ("claimant
// John Smith Court hearing"; fix-guard10), but not before a ward's, a
// building's or a charity's (personalWordAfter).
//
// The sector's other words for the person are cues too (third security
// audit, W1): "SU" (service user; not "Su", a forename), "customer" and
// "claimant" (DWP's), "intern", "candidate", "jobseeker" and "trainee"
// (the programmes' own), and the plurals ("clients John Smith and Jane
// Doe"). Between the cue and the name may stand a bracket or a comma
// ("client (John Smith)", "our client, John Smith, started work"), but not
// after "trainee": a trainee is as often staff (a trainee employment
// specialist, a trainee peer worker), and "Trainee: Claire Murray", as a
// colon, dash, bracket or comma writes it, is a role and its holder, as
// "Service manager: Jane Doe" is on a list of posts (fix-guard); only
// "trainee John Smith", the word for the person run into the name, is
// one. The
// label "name" is a cue where it names no one else (nameLabel: "Name: John
// Smith", "Client name: John Smith", "client's name is John Smith", "Full
// name - Asha Patel"; not "Contact name: Claire Murray", "Project name:
// …"). A title after the cue is the title's to find ("Intern: Mr T.
// Williams" is a name with a title). A cohort or a team
// named by these words passes ("Spring interns 2026", "Customer Services
// Manager", "Candidate Information Pack"): no name follows.
func cuedName(norm, w string, start, end int) bool {
	switch w {
	case "pt":
		if norm[start:end] == "PT" {
			return false
		}
	case "user", "users":
		if wordBefore(norm, start) != "service" {
			return false
		}
	case "su":
		if norm[start:end] == "Su" {
			return false // a forename ("Su Patel"), where SU is written in capitals
		}
	case "name", "names":
		if !nameLabel(norm, start, end) {
			return false
		}
	}
	if afterWordChar(norm, start) {
		return false // "3pt"
	}
	verb := w == "supported" || w == "supporting"
	label := w == "name" || w == "names"
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
	if (w == "trainee" || w == "trainees") && i < len(norm) && strings.IndexByte(":-(,", norm[i]) >= 0 {
		return false // "Trainee: Claire Murray": a role labelling its holder, as on a list of posts
	}
	if label {
		if next, e := wordAfter(norm, i); next == "is" || next == "was" {
			for i = e; i < len(norm) && norm[i] == ' '; i++ {
			}
		}
	}
	if i < len(norm) && (norm[i] == ':' || norm[i] == '-' || !verb && (norm[i] == '(' || norm[i] == ',')) {
		for i++; i < len(norm) && norm[i] == ' '; i++ {
		}
	}
	if next, _ := wordAfter(norm, i); cueWords[next] == cueTitle {
		return false // "Intern: Mr T. Williams": the title's, as a name with a title
	}
	if e := initialSurname(norm, i); e > 0 {
		// After a cue that only ever names a person the initials and
		// surname are that person's, whatever word follows: no one calls an
		// employer a patient, a service user or a claimant, and a place
		// named after someone is named in full ("Patient Mary Seacole
		// Ward", read by forenameSurname below), so "Pt: J. Smith Street"
		// and "SU: J. Smith CiC" name a person; only a known employer's
		// name, which is one whatever follows it, still passes
		// (FuzzCheckPersonalData/08fa1dc5405ebcee, 96ddc19705a74798).
		if personOnlyCue(w) && !namesKnownEmployer(norm, i, e) || !namesBusiness(norm, i, e) {
			return true
		}
	}
	if !verb && forenameInitial(norm, i) {
		return true
	}
	e := forenameSurname(norm, i, !compound)
	if e <= 0 && personOnlyCue(w) && !compound {
		// A forename no list holds, a surname of a surname's own shape,
		// then a company, road or court word: "Patient Zephaniah
		// Okonkwo-Reyes Ltd" (fix-guard10), read as below.
		e = fullName(norm, i, true, true)
	}
	if e <= 0 {
		return false
	}
	// A forename and surname in full after a cue that only ever names a
	// person are that person's before a company or road word too
	// ("Patient John Smith Ltd", "SU: Asha Patel & Sons", "claimant John
	// Smith Street address"; fix-guard9): no firm is a patient or a
	// claimant, and a road named after someone in full is no place a
	// patient is. A ward, a house or a charity is named in full after
	// someone ("Patient Mary Seacole Ward", "SU Mary Seacole House
	// residents", "Joseph Rowntree Foundation"), so such a word keeps its
	// reading; so does a known employer's name ("SU: John Lewis Ltd").
	// "Court" keeps its housing scheme's reading, but not before a court's
	// business: "claimant John Smith Court hearing" is his hearing
	// (courtMatterAfter; fix-guard10).
	if personOnlyCue(w) && personalWordAfter(norm, e) && !namesKnownEmployer(norm, i, e) {
		return true
	}
	return !namesBusiness(norm, i, e)
}

// personalWordAfter reports whether what follows a name in full that ends
// at end makes it a person's after a cue that only ever names one: a
// company or road word (companyOrRoadAfter) or a court's business
// (courtMatterAfter).
func personalWordAfter(norm string, end int) bool {
	return companyOrRoadAfter(norm, end) || courtMatterAfter(norm, end)
}

// courtMatterAfter reports whether "Court" and then "hearing", "case",
// "date", "appearance" or "order" (in any case) follow a name that ends at
// end: "claimant John Smith Court hearing" is the person's court matter,
// not a housing scheme's, which "Court" alone names ("SU: Mary Seacole
// Court residents"; fix-guard10). A hearing loop or aid and a case study
// are a scheme's ("SU: Mary Seacole Court hearing loop fitted").
func courtMatterAfter(norm string, end int) bool {
	w, e := wordAfter(norm, end)
	if w != "court" {
		return false
	}
	w, e = wordAfter(norm, e)
	next, _ := wordAfter(norm, e)
	switch w {
	case "hearing":
		return next != "loop" && next != "loops" && next != "aid" && next != "aids"
	case "case":
		return next != "study" && next != "studies"
	case "date", "appearance", "order":
		return true
	}
	return false
}

// personOnlyCue reports whether the cue w names someone who is always a
// person, never an organisation, in the text programmes write: a patient
// ("pt", "patient", "patients"), a service user ("su", and "user" or
// "users", which cuedName takes only after "service"), a claimant of
// benefits ("claimant", "claimants") or a jobseeker ("jobseeker",
// "jobseekers"). The other cues can name an organisation, so a company or
// place word after a name still reads it as one (namesBusiness): IPS
// programmes call the employers they work with clients, DWP calls them
// customers, a firm bidding for a contract is a candidate, employers
// take part in jobs fairs and networks as participants, notes list
// interns and trainees by the employer hosting them ("Interns: J Smith
// Ltd 2"; a trainee is a cue only run into the name anyway), and
// "supported" and the label "name" go before employers as readily
// ("supported J Smith Ltd to recruit", "Name: J Smith Ltd").
func personOnlyCue(w string) bool {
	switch w {
	case "pt", "patient", "patients", "su", "user", "users", "claimant", "claimants", "jobseeker", "jobseekers":
		return true
	}
	return false
}

// nameLabel reports whether the word "name" (or "names") at start..end
// labels a person's name on its own: a colon or dash, or "is" or "was",
// after it, and before it nothing (it starts the text, a line or a
// clause: "Name: John Smith"), "full" or "first" so placed, or a word for
// the person or theirs ("his name is", "the client's full name:"). A
// name labelled as someone else's or something's passes: "Contact name:
// Claire Murray", "Staff name:", "Project name: Mary Seacole Ward",
// "Name of employer: John Lewis".
func nameLabel(norm string, start, end int) bool {
	j := end
	for j < len(norm) && norm[j] == ' ' {
		j++
	}
	if j >= len(norm) || norm[j] != ':' && norm[j] != '-' {
		if next, _ := wordAfter(norm, end); next != "is" && next != "was" {
			return false
		}
	}
	w, k := wordBeforeAt(norm, start)
	if w == "full" || w == "first" {
		w, k = wordBeforeAt(norm, k)
	}
	if w == "" && staffHeadingBefore(norm, k) {
		return false // "Post holder\nName: Claire Murray": a staff member's
	}
	return w == "" || nameOwners[w]
}

// staffHeadingBefore reports whether what ends before i, where a "name"
// label stands with no word of its own before it (starting a line, or
// after a full stop, colon or dash), is a heading that makes the name a
// staff member's, as a form lays out a post or a contact: "Post
// holder\nName: Claire Murray", "Contact:\nName: …", "Employment
// specialist post. Name: …" (staffHeadings; fix-guard). Line breaks,
// spaces and a heading's colon, dash or full stop may stand between. A
// heading is four words at most, from the text's start, a line break or a
// mark: a sentence that ends in such a word ("Referred by the employment
// specialist. Name: John Smith") is no heading. Any other heading (a
// caseload's "Referral received\nName: …", a word for the person:
// "Client\nName: …"), or none, leaves the label standing alone: a person's.
func staffHeadingBefore(norm string, i int) bool {
	for i > 0 && strings.IndexByte(" \r\n:-.", norm[i-1]) >= 0 {
		i--
	}
	w, k := wordBeforeAt(norm, i)
	if !staffHeadings[w] {
		return false
	}
	for words := 1; words <= 4; words++ {
		if w, k = wordBeforeAt(norm, k); w == "" {
			return true
		}
	}
	return false
}

// staffHeadings, lower-cased, are the last words of a heading for a
// member of staff or a post (and "trainee", a role as a label: see
// cuedName): a "name" label on the line after names them.
var staffHeadings = wordSet("holder holders contact contacts staff manager managers lead leads specialist specialists " +
	"coordinator coordinators officer officers supervisor supervisors director directors administrator adviser advisers " +
	"advisor advisors practitioner practitioners therapist therapists psychologist commissioner commissioners chair " +
	"secretary treasurer trustee trustees referrer post posts role roles trainee trainees")

// nameOwners, lower-cased, are the words before a "name" label that make
// it the name of one of the people supported: the words for them
// (peopleSupported, and the cues of cuedName) and the possessives.
var nameOwners = func() map[string]bool {
	m := wordSet("their your my patients clients participants users customer customer's customers claimant " +
		"claimant's claimants candidate candidate's candidates jobseeker jobseeker's jobseekers interns trainees su su's")
	for w := range peopleSupported {
		m[w] = true
	}
	return m
}()

// nameBeforeCue reports whether the word for the person w at start..end
// labels the name written right before it, as a note or a list annotates
// whom it speaks of (third security audit, W1): "John Smith (client)",
// "Asha Patel, patient, started work", "John Smith - SU", "Smith, John
// (service user)". Only a bracket, dash, colon or comma (and "is", "was",
// "the" and the like: labelBefore) stands between, the word ends its
// clause (labelEnds: "Claire Murray, client services manager" and "Mary
// Jones (Client Lead)" go on, and pass), and a name reads as after
// "client" (nameStartAt). "Trainee", "supported" and the label "name"
// are not read so: a trainee after a name is as often staff.
func nameBeforeCue(norm, w string, start, end int) bool {
	switch w {
	case "client", "clients", "patient", "patients", "participant", "participants", "customer", "customers", "claimant",
		"claimants", "intern", "interns", "candidate", "candidates", "jobseeker", "jobseekers":
	case "pt", "su":
		if norm[start:end] == "PT" || norm[start:end] == "Su" {
			return false
		}
	case "user", "users":
		before, k := wordBeforeAt(norm, start)
		if before != "service" {
			return false
		}
		start = k
	default:
		return false
	}
	if afterWordChar(norm, start) {
		return false
	}
	i, bracket := labelBefore(norm, start, true)
	if i == 0 || strings.TrimSpace(norm[i:start]) == "" || !labelEnds(norm, end, bracket) {
		return false // "John Smith client": no mark or word between, so no label
	}
	return nameStartAt(norm, i) >= 0 || initialsNameStartAt(norm, i) >= 0
}

// initialsNameStartAt is where one or two initials and a surname that end
// at i start, or -1 when none end there: the name as initialSurname reads
// it after "client" ("J Smith", "J. A. Smith", "Smith-Jones" running on
// over its hyphen), read back from its end, so that "J Smith (client)" is
// found as "client J Smith" is (fix-guard). The first initial starts a
// word, after no label that takes a letter ("Plan B Consulting (client)",
// "Group A Smith": labelWords), and a business named so passes ("J
// Sainsbury (client)", "W H Smith (client)": namesBusiness).
func initialsNameStartAt(norm string, i int) int {
	_, k := wordBeforeAt(norm, i)
	if k == i {
		return -1
	}
	for n := 0; n < 3 && k > 1 && norm[k-1] == '-' && letterAt(norm, k-2); n++ {
		_, k = wordBeforeAt(norm, k-1)
	}
	var starts [2]int // where the name starts with one initial, and with two
	n, p := 0, k
	for n < 2 {
		j := p
		for j > 0 && norm[j-1] == ' ' {
			j--
		}
		dot := j > 0 && norm[j-1] == '.'
		if dot {
			j--
		}
		if j == p || j == 0 || norm[j-1] < 'A' || norm[j-1] > 'Z' || afterWordChar(norm, j-1) {
			break
		}
		p = j - 1
		e := initialSurname(norm, p)
		if e <= 0 || e != i && !(e < i && (norm[e] == '-' || norm[e] == '\'')) {
			break
		}
		starts[n] = p
		n++
	}
	// The longest reading first: "W H Smith" is the shop; "Plan B J Smith"
	// a plan's letter, then the name. After a label word the letter is
	// the label's ("Plan B Consulting (client)", "Ward C Annexe (patient)"),
	// unless the word after it has a surname's own shape: "Plan J Smith
	// (client)" is a plan for J Smith (fix-guard2), as no plan, ward or
	// cohort is lettered and then named after a surname.
	for n--; n >= 0; n-- {
		switch {
		case labelWords[wordBefore(norm, starts[n])] && !strongSurname(surnameAfterInitials(norm, starts[n])):
		case namesBusiness(norm, starts[n], i):
			return -1
		default:
			return starts[n]
		}
	}
	return -1
}

// surnameAfterInitials is the surname of the initials and surname that
// start at i (initialSurname), as written, or "" when there are none.
func surnameAfterInitials(norm string, i int) string {
	e := initialSurname(norm, i)
	if e <= 0 {
		return ""
	}
	_, s := wordBeforeAt(norm, e)
	return norm[s:e]
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
	return fullName(norm, i, unknown, false)
}

// fullName is forenameSurname, but with personal set a forename not on
// the list and a surname of a surname's own shape may stand before a
// capitalised word that makes a name after a person-only cue a person's
// (personalWordAfter: "Patient Zephaniah Okonkwo-Reyes Ltd"; fix-guard10):
// no team, form or survey is named so with a company or road word after
// it. Before any other capitalised word it is still a title's start.
func fullName(norm string, i int, unknown, personal bool) int {
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
	case !listed && (!strongSurname(surname) || capitalisedWordAt(norm, e) && !(personal && personalWordAfter(norm, e))):
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
	return namesKnownEmployer(norm, start, end) || businessWordAfter(norm, end)
}

// namesKnownEmployer reports whether the name at start..end, its words
// lower-cased and single-spaced, is a known employer's (knownEmployers:
// "J Sainsbury", "W. H. Smith", "John Lewis"), whatever follows it.
func namesKnownEmployer(norm string, start, end int) bool {
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
	return knownEmployers[string(key)]
}

// businessWordAfter reports whether a company, charity or place word
// follows a name that ends at end (after spaces, "&", "+" or "and"): a
// legal form ("Ltd", "CiC"), a trade ("Sons"), a trust's last word
// ("Foundation") or a place's ("Ward", "Street"); see namesBusiness.
func businessWordAfter(norm string, end int) bool {
	w, word := nameEndWord(norm, end)
	return legalForms[w] || tradeWords[word] || orgEndWords[word] || placeWords[word]
}

// companyOrRoadAfter reports whether a company or road word follows a
// name that ends at end, as businessWordAfter reads it: a legal form
// ("Ltd", "CiC"), a trade ("Sons", "Transport") or a road's last word
// (roadWords: "Street", "Road"), not a building's, a ward's or a
// charity's ("House", "Ward", "Court", "Foundation"; fix-guard9).
func companyOrRoadAfter(norm string, end int) bool {
	w, word := nameEndWord(norm, end)
	return legalForms[w] || tradeWords[word] || roadWords[word]
}

// roadWords, capitalised, end a road's name: of placeWords, those that
// name no building, ward or housing scheme ("Mary Seacole Court" and
// "… Gardens" are sheltered housing, "… Place" and "… Square" buildings).
var roadWords = wordSet("Street Road Avenue Lane Way Terrace Crescent STREET ROAD")

// nameEndWord is the word after a name that ends at end, past spaces, "&",
// "+" and one "and", lower-cased and as written ("" when there is none
// or it is part of a compound or code), for businessWordAfter.
func nameEndWord(norm string, end int) (lower, word string) {
	i := end
	for n := 0; n < 2; n++ {
		for i < len(norm) && (norm[i] == ' ' || norm[i] == '&' || norm[i] == '+') {
			i++
		}
		w, e := wordAfter(norm, i)
		if w == "" || e < len(norm) && (norm[e] == '-' || norm[e] == '_' || isDigit(norm[e])) {
			return "", "" // "co-worker"; "Co0000", a code, is no word "Co" (FuzzCheckPersonalData/2de97e98db0fab88)
		}
		if w == "and" && n == 0 {
			i = e
			continue
		}
		return w, norm[i:e]
	}
	return "", ""
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
