package domain

import (
	"regexp"
	"strconv"
	"strings"
	"sync"
)

// Organisation identifiers follow org-id.guide: the code of the list (the
// register) the organisation is in, then its identifier in that list, e.g.
// GB-CHC-1090095 (a charity in England and Wales) or GB-NHS-RT5 (an NHS
// trust). 360Giving uses them to link a funder's grants to everyone else's
// data about the same organisation, so fundtrack checks them when they are
// typed rather than publishing a typo:
//
//   - the list must be one org-id.guide has (orgid_lists.go holds all their
//     codes); a deprecated list is refused with its replacement where known;
//   - for the UK lists below, the identifier must have that register's format
//     (the formats are the registers' own, with org-id.guide's examples);
//   - for the other countries' lists in OtherOrgLists (Belgium's
//     BE-BCE_KBO), likewise;
//   - for the rest of other countries' lists fundtrack does not know the
//     formats, so the identifier is only checked for shape: refusing a
//     correct Irish charity number because fundtrack has no table for
//     IE-CHY would stop a lead recording it at all, while the list code
//     itself is still checked;
//   - "360G-" identifiers are refused: they are what a publisher coins for
//     an organisation with no register entry, and fundtrack coins those
//     itself when orgId is left empty.

// OrgList is one organisation identifier list on org-id.guide whose format
// fundtrack checks.
type OrgList struct {
	Prefix string // the list code, e.g. "GB-CHC"
	Name   string // the register, e.g. "Charity Commission for England and Wales"
	// Format says what an identifier in the list looks like, for messages:
	// "a registered charity number of 6 to 8 digits, like GB-CHC-1090095".
	Format string
	// Number is the 360Giving organisation field the identifier also fills:
	// "charityNumber", "companyNumber" or "" (registers of public bodies
	// issue neither).
	Number  string
	pattern func() *regexp.Regexp // nil: no published format, shape only
	// check, if set, is the register's check digits, which an identifier
	// of the pattern must also pass.
	check func(id string) bool
	// notAllZeros refuses a number whose digits are all 0: the format
	// allows it, no register entry has it (GB-COH-00000000).
	notAllZeros bool
}

// Valid reports whether id (the part after the prefix) has the list's format.
func (l OrgList) Valid(id string) bool {
	if l.notAllZeros && !strings.ContainsAny(id, "123456789") {
		return false
	}
	if l.pattern == nil {
		return orgLocalPattern().MatchString(id)
	}
	return l.pattern().MatchString(id) && (l.check == nil || l.check(id))
}

// UKOrgLists are the UK lists of org-id.guide with the format of each
// register's identifiers. Every GB list org-id.guide has is here, so a GB
// identifier is always checked against its register.
var UKOrgLists = []OrgList{
	{Prefix: "GB-CHC", Name: "Charity Commission for England and Wales", Number: "charityNumber",
		// Registered charity numbers are 6 to 8 digits, as SPEC.md has it:
		// today's run to 7 (1090095), and the register's numbering leaves
		// room for an eighth, so a recipient numbered so can be published
		// with its real identifier. (The 360Giving Data Quality Tool reads
		// a charityNumber of 8 digits as unlikely: a notice the data cannot
		// avoid, since the number is the register's.) The register keeps
		// them as whole numbers (its download's registered_charity_number),
		// so none starts with 0: GB-CHC-012345 is mistyped or made up.
		Format: "a registered charity number of 6 to 8 digits, not starting with 0, like GB-CHC-1090095", pattern: lazyRegexp(`^[1-9][0-9]{5,7}$`)},
	{Prefix: "GB-SC", Name: "Scottish Charity Register (OSCR)", Number: "charityNumber",
		Format: "SC and 6 digits, like GB-SC-SC042386", pattern: lazyRegexp(`^SC[0-9]{6}$`)},
	{Prefix: "GB-NIC", Name: "Charity Commission for Northern Ireland", Number: "charityNumber",
		// The register's "Reg charity number" is 6 digits; it is sometimes
		// written NIC100019, but the identifier is the number alone.
		Format: "a charity number of 6 digits without the NIC letters, like GB-NIC-100019", pattern: lazyRegexp(`^[0-9]{6}$`)},
	{Prefix: "GB-COH", Name: "Companies House", Number: "companyNumber",
		// 8 characters: 8 digits (England and Wales, with leading zeros), or two
		// letters and 6 digits (SC Scotland, NI Northern Ireland, OC LLPs, …).
		// Companies House numbers from 1, so the digits are never all 0.
		Format:  "a company number of 8 characters (8 digits, or 2 letters and 6 digits, the digits not all 0), like GB-COH-09506232 or GB-COH-SC123456",
		pattern: lazyRegexp(`^([0-9]{8}|[A-Z]{2}[0-9]{6})$`), notAllZeros: true},
	{Prefix: "GB-NHS", Name: "NHS Organisation Data Service (ODS)",
		// ODS codes: 3 characters for trusts, ICBs and CCGs (RT5, 01F), 5 for
		// sites (7A1A5, Z1070), 6 for GP practices (A81001).
		Format: "an ODS code of 3 to 6 letters and digits, like GB-NHS-RT5", pattern: lazyRegexp(`^[A-Z0-9]{3,6}$`)},
	{Prefix: "GB-GOR", Name: "Government Organisation Register",
		// The register's keys are a type and a number: D departments (D10 is the
		// DWP, D12 the Department of Health), DA devolved administrations, EA
		// executive agencies, PB public bodies, OT others, PC public
		// corporations, and a few CO, CS, EO and IM.
		Format:  "a register key such as D10 (the DWP) or PB481 (NHS England), like GB-GOR-D10",
		pattern: lazyRegexp(`^(CO|CS|D|DA|EA|EO|IM|OT|PB|PC)[0-9]{1,5}$`)},
	{Prefix: "GB-GOV", Name: "UK government departments' IATI reference numbers",
		Format: "a number of 1 to 3 digits, like GB-GOV-1", pattern: lazyRegexp(`^[0-9]{1,3}$`)},
	{Prefix: "GB-LAE", Name: "Local authorities in England",
		Format: "a 3-letter local authority code, like GB-LAE-BAS", pattern: lazyRegexp(`^[A-Z]{3}$`)},
	{Prefix: "GB-LAS", Name: "Local authorities in Scotland",
		Format: "a 3-letter local authority code, like GB-LAS-ORK", pattern: lazyRegexp(`^[A-Z]{3}$`)},
	{Prefix: "GB-LANI", Name: "Local authorities in Northern Ireland",
		Format: "a 3-letter local authority code, like GB-LANI-BFS", pattern: lazyRegexp(`^[A-Z]{3}$`)},
	{Prefix: "GB-PLA", Name: "Principal local authorities in Wales",
		Format: "a 3-letter local authority code, like GB-PLA-AGY", pattern: lazyRegexp(`^[A-Z]{3}$`)},
	{Prefix: "GB-EDU", Name: "Register of Schools (England), Get Information about Schools",
		Format: "a school URN of 6 digits, like GB-EDU-125554", pattern: lazyRegexp(`^[0-9]{6}$`)},
	{Prefix: "GB-SCOTEDU", Name: "Register of Schools (Scotland)",
		Format: "a SEED code of 7 digits, like GB-SCOTEDU-8212627", pattern: lazyRegexp(`^[0-9]{7}$`)},
	{Prefix: "GB-WALEDU", Name: "Register of Schools (Wales)",
		Format: "a school number of 7 digits, like GB-WALEDU-6602130", pattern: lazyRegexp(`^[0-9]{7}$`)},
	{Prefix: "GB-IRN", Name: "Schools Plus (Department of Education, Northern Ireland)",
		Format: "an institution reference number like GB-IRN-542-0059", pattern: lazyRegexp(`^[0-9]{3}-[0-9]{4}$`)},
	{Prefix: "GB-UKPRN", Name: "UK Register of Learning Providers",
		Format: "a UKPRN of 8 digits starting with 1, like GB-UKPRN-10000346", pattern: lazyRegexp(`^1[0-9]{7}$`)},
	{Prefix: "GB-HESA", Name: "Higher Education Statistics Agency",
		Format: "an institution id of 4 digits, like GB-HESA-0177", pattern: lazyRegexp(`^[0-9]{4}$`)},
	{Prefix: "GB-MPR", Name: "Mutuals Public Register (FCA)",
		// Society numbers: digits with a letter suffix (30039R, 235C), or the
		// IP and RS forms (IP031455, RS007561).
		Format: "a society number, like GB-MPR-30039R or GB-MPR-IP031455", pattern: lazyRegexp(`^(IP|RS)?[0-9]{1,6}[A-Z]?$`)},
	{Prefix: "GB-SHPE", Name: "Registered social housing providers (England)",
		Format: "a registered provider code, like GB-SHPE-L0078 or GB-SHPE-4793", pattern: lazyRegexp(`^[A-Z]{0,2}[0-9]{4}$`)},
	{Prefix: "GB-REV", Name: "HM Revenue and Customs charity references",
		Format: "an HMRC reference starting with X, like GB-REV-X6243", pattern: lazyRegexp(`^X[A-Z]{0,2}[0-9]{2,6}$`)},
	{Prefix: "GB-COE", Name: "Church of England church codes",
		Format: "a church code of 6 digits, like GB-COE-608393", pattern: lazyRegexp(`^[0-9]{6}$`)},
	{Prefix: "GB-CASC", Name: "Community amateur sports clubs registered with HMRC",
		Format: "an 8-character code of digits and a to f, like GB-CASC-df679063", pattern: lazyRegexp(`^[0-9a-f]{8}$`)},
	{Prefix: "GB-CCSCUST", Name: "Crown Commercial Service customers",
		Format: "a URN of 8 digits, like GB-CCSCUST-10032245", pattern: lazyRegexp(`^[0-9]{8}$`)},
	{Prefix: "GB-SRS", Name: "Supplier Registration Service (Crown Commercial Service)",
		Format:  "a domain, a slash and a code, like GB-SRS-sid4gov.cabinetoffice.gov.uk/tBq37PN7",
		pattern: lazyRegexp(`^[a-z0-9-]+(\.[a-z0-9-]+)+/[A-Za-z0-9]+$`)},
	// The UK's chart of accounts entry publishes no format or examples.
	{Prefix: "GB-COA", Name: "United Kingdom chart of accounts", Format: "an identifier from the UK chart of accounts"},
}

// OtherOrgLists are the lists outside the UK whose format fundtrack knows
// and checks, as it does the UK's: an identifier in them must have its
// register's format, and, so held, has no room for personal data, so the
// guard does not read it (orgIDText). Belgium's enterprise numbers are ten
// digits, as NHS numbers are: read as free text, one in eleven would pass
// the NHS number's check digit and be refused (fix-guard).
var OtherOrgLists = []OrgList{
	{Prefix: "BE-BCE_KBO", Name: "Crossroads Bank for Enterprises (Belgium)",
		// The enterprise number (ondernemingsnummer, numéro d'entreprise):
		// ten digits starting with 0 or 1, the last two 97 less the
		// remainder of the first eight divided by 97. org-id.guide writes
		// it without the dots the register prints (0403.170.701).
		Format:  "an enterprise number of 10 digits starting with 0 or 1, without dots, whose last two digits are its check digits, like BE-BCE_KBO-0403170701",
		pattern: lazyRegexp(`^[01][0-9]{9}$`), check: ValidBelgianEnterpriseNumber},
}

// ValidBelgianEnterpriseNumber reports whether ten digits starting with 0
// or 1 carry a valid Belgian enterprise number's check digits: the last
// two are 97 less the remainder of the first eight divided by 97.
func ValidBelgianEnterpriseNumber(digits string) bool {
	if len(digits) != 10 || digits[0] != '0' && digits[0] != '1' {
		return false
	}
	if strings.IndexFunc(digits, func(r rune) bool { return r < '0' || r > '9' }) >= 0 {
		return false
	}
	n, _ := strconv.Atoi(digits)
	return 97-(n/100)%97 == n%100
}

// knownOrgList returns the list with the given code whose format fundtrack
// checks (a UK list, or one of OtherOrgLists).
func knownOrgList(prefix string) (OrgList, bool) {
	if l, ok := UKOrgList(prefix); ok {
		return l, true
	}
	for _, l := range OtherOrgLists {
		if l.Prefix == prefix {
			return l, true
		}
	}
	return OrgList{}, false
}

// orgListReplacements points deprecated lists at their successors.
// SE-ON, Sweden's organisationsnummer, names SE-BLV (Bolagsverket) and
// SE-KK (Kammarkollegiet) as its former prefixes on org-id.guide: the
// same numbers, now under one list.
var orgListReplacements = map[string]string{"GB-GOVUK": "GB-GOR", "SE-BLV": "SE-ON", "SE-KK": "SE-ON"}

// orgLocalPattern is the shape of any identifier within a list: no spaces,
// starting with a letter or digit.
var orgLocalPattern = lazyRegexp(`^[A-Za-z0-9][A-Za-z0-9._/:-]{0,99}$`)

var orgLists = sync.OnceValues(func() (map[string]bool, map[string]bool) {
	live, deprecated := map[string]bool{}, map[string]bool{}
	for _, c := range strings.Fields(orgListCodes) {
		live[c] = true
	}
	for _, c := range strings.Fields(deprecatedOrgListCodes) {
		deprecated[c] = true
	}
	return live, deprecated
})

// OrgListCodes returns the code of every list on org-id.guide, deprecated
// ones included, for checks that only ask whether an identifier starts with
// a list code (as the 360Giving Data Quality Tool does).
var OrgListCodes = sync.OnceValue(func() []string {
	return append(strings.Fields(orgListCodes), strings.Fields(deprecatedOrgListCodes)...)
})

// UKOrgList returns the UK list with the given code.
func UKOrgList(prefix string) (OrgList, bool) {
	for _, l := range UKOrgLists {
		if l.Prefix == prefix {
			return l, true
		}
	}
	return OrgList{}, false
}

// SplitOrgID splits an identifier into its list code and the identifier in
// that list, choosing the longest code org-id.guide has (US-AK-CR before a
// hypothetical US-AK). ok is false when no known list code starts it.
func SplitOrgID(id string) (prefix, local string, ok bool) {
	live, deprecated := orgLists()
	parts := strings.SplitN(id, "-", 4)
	for n := min(3, len(parts)-1); n >= 2; n-- {
		p := strings.Join(parts[:n], "-")
		if live[p] || deprecated[p] {
			return p, id[len(p)+1:], true
		}
	}
	return "", "", false
}

// CheckOrgID says what is wrong with an organisation identifier, or "" when
// it is one fundtrack can publish.
func CheckOrgID(id string) string {
	const shape = "must be an org-id.guide identifier: the code of the register and the organisation's number in it, like GB-CHC-1090095 or GB-NHS-RT5"
	if len(id) > 120 {
		return "must be at most 120 characters"
	}
	if strings.HasPrefix(strings.ToUpper(id), "360G-") {
		return "must be the organisation's identifier in a register such as GB-CHC or GB-COH, not a 360G- identifier (leave it empty and fundtrack uses one of its own)"
	}
	prefix, local, ok := SplitOrgID(id)
	if !ok {
		if p, _, found := SplitOrgID(strings.ToUpper(id)); found {
			return "must start with the register code in capitals, " + p
		}
		if m := orgPrefixShape().FindString(id); m != "" {
			return m + " is not a register on org-id.guide; UK registers include GB-CHC (charities), GB-COH (companies), GB-NHS (NHS bodies) and GB-GOR (government)"
		}
		return shape
	}
	if _, deprecated := orgLists(); deprecated[prefix] {
		if r, ok := orgListReplacements[prefix]; ok {
			return prefix + " is deprecated on org-id.guide: use " + r
		}
		return prefix + " is deprecated on org-id.guide"
	}
	if l, ok := knownOrgList(prefix); ok {
		if !l.Valid(local) {
			return "is not a " + l.Name + " identifier: " + prefix + " identifiers are " + l.Format
		}
		return ""
	}
	if strings.HasPrefix(prefix, "GB-") {
		// orgid_lists.go has a GB list that UKOrgLists lacks: refuse rather than
		// publish an identifier nobody checked (TestUKOrgListsComplete keeps
		// the two in step).
		return prefix + " identifiers cannot be checked by fundtrack yet"
	}
	if !orgLocalPattern().MatchString(local) {
		return "must have the organisation's identifier after " + prefix + "-, without spaces"
	}
	return ""
}

// orgPrefixShape finds what looks like an intended list code, for messages.
var orgPrefixShape = lazyRegexp(`^[A-Z]{2}(_[A-Z]{2})?-[A-Z0-9_]+`)

// OrgIDNumber returns the 360Giving field an identifier also fills, and its
// value: ("charityNumber", "1090095") for GB-CHC-1090095, ("companyNumber",
// "09506232") for GB-COH-09506232, or ("", "") for lists of bodies that have
// neither.
func OrgIDNumber(id string) (field, number string) {
	prefix, local, ok := SplitOrgID(id)
	if !ok {
		return "", ""
	}
	l, ok := UKOrgList(prefix)
	if !ok || l.Number == "" || !l.Valid(local) {
		return "", ""
	}
	return l.Number, local
}

// orgIDText is what of an orgId the personal-data guard reads, as the
// free text field field (orgIDKind reads it): an identifier in a list
// whose format fundtrack does not check (another country's register, or
// GB-COA, which publishes none), up to 100 characters typed as the lead
// likes and published in 360Giving as the funder's or recipient's id, so
// a phone number or a name put there ("IE-CRO-07700900123",
// "NL-KVK-John.Smith.DOB.01-02-1980") is refused as in any other text
// (security3 N4). An identifier held to its register's format
// (GB-CHC-1090095, BE-BCE_KBO-0403170701), or one CheckOrgID refuses, is
// none: it has no room for personal data, or is not stored; and a
// register's number is not read by another's rule (a Belgian enterprise
// number as an NHS number: fix-guard).
func orgIDText(field, id string) []TextField {
	prefix, _, ok := SplitOrgID(id)
	if !ok || CheckOrgID(id) != "" {
		return nil
	}
	if l, known := knownOrgList(prefix); known && l.pattern != nil {
		return nil
	}
	return []TextField{{field, id}}
}

// orgIDField reports whether a TextFields path is an orgId, whose text
// (orgIDText) is the identifier with its list code: orgIDKind reads it.
func orgIDField(path string) bool {
	return path == "orgId" || strings.HasSuffix(path, ".orgId")
}

// orgIDKind is what the guard finds in an orgId (orgIDText): the
// identifier after its list code, read as free text, by every rule; but
// a register's own organisation number (tenDigitOrgNumber) is read by
// none, and a person's INN after RU-INN, or an individual entrepreneur's
// OGRNIP after RU-OGRN, is refused as one (its hyphens, if any, read
// past). Several registers' numbers are ten digits, as an
// NHS number is: Sweden's organisationsnummer (SE-ON-, formerly SE-BLV-:
// 556091-2148), Poland's KRS and NIP numbers (PL-KRS-, PL-NIP-: also
// 123-456-32-18), Russia's INN of a legal entity (RU-INN-). Read by
// the NHS number's rule, about one in eleven passed its check digit and
// was refused (fix-guard2): a lead could not record the funder at all.
// Any other list keeps the rule (security3 N4): IE-CRO's numbers are up
// to six digits, so ten there ("IE-CRO-9434765919") are no company's
// number and may be an NHS number smuggled in; so are ten after GB-COA
// ("GB-COA-943-476-5919"), as in any UK text. The phone number's rule
// refused 1.8% of Russian INNs more: those of regions 01 to 09 start with
// 0, and ten digits starting 01 or 08 are a UK number's length.
func orgIDKind(id string) string {
	prefix, local, ok := SplitOrgID(id)
	if !ok {
		return personalKind(id)
	}
	if prefix == "RU-INN" && russianPersonalINN(strings.ReplaceAll(local, "-", "")) {
		return kindPersonalINN
	}
	if prefix == "RU-OGRN" && russianOGRNIP(strings.ReplaceAll(local, "-", "")) {
		return kindOGRNIP
	}
	if tenDigitOrgNumber(prefix, local) {
		// The whole identifier is the register's number, its check
		// passed: no room for anything else, and no rule reads it, the
		// phone number's neither (RU-INN-0104187770, an INN of region
		// 01, is ten digits starting 01, as a UK number may be).
		return ""
	}
	return personalKind(local)
}

// kindPersonalINN is a person's INN as an orgId: RU-INN's organisation
// numbers are ten digits, so twelve with both of a person's check digits
// (RU-INN-500100732259) name someone, not an organisation; no other rule
// reads them.
const kindPersonalINN = "a person's taxpayer number (a Russian INN of 12 digits is an individual's; an organisation's has 10)"

// kindOGRNIP is an individual entrepreneur's OGRNIP (ОГРНИП): RU-OGRN's
// organisation numbers (OGRN) are thirteen digits, so fifteen starting
// with 3 with their check digit (RU-OGRN-304500116000157) are the state
// registration of a person trading in their own name, and name them, as
// their twelve-digit INN does (fix-guard5). Fifteen digits do not pass
// for an NHS or a phone number, so before this no rule read them and the
// identifier was published.
const kindOGRNIP = "a person's registration number (a Russian OGRNIP of 15 digits is an individual entrepreneur's; an organisation's OGRN has 13)"

// tenDigitRegisters are the lists on org-id.guide outside the UK whose
// organisation numbers are ten digits, each with what a number of its
// register must be (its check digit where it has one): only such a
// number is spared the NHS number's rule (orgIDKind), so an NHS number
// under these lists is kept only if it also passes the register's own
// check. Others of ten digits may be added with their register's rule.
var tenDigitRegisters = map[string]func(local string) bool{
	// Organisationsnummer: NNNNNN-NNNN or ten digits, the last a Luhn
	// check digit; the third digit is 2 or more (a personnummer's is a
	// month's first digit, 0 or 1).
	"SE-ON": func(local string) bool {
		if len(local) == 11 && local[6] == '-' {
			local = local[:6] + local[7:]
		}
		return allDigits(local, 10) && local[2] >= '2' && validLuhn(local)
	},
	// KRS numbers are ten digits, zero-padded, with no check digit; the
	// register has issued about 1.1 million since 2001, so a number is
	// below 0100000000: ten digits not starting 00 are none.
	"PL-KRS": func(local string) bool { return allDigits(local, 10) && strings.HasPrefix(local, "00") },
	// NIP: ten digits, the last the sum of the first nine weighted
	// 6 5 7 2 3 4 5 6 7, modulo 11 (never 10); written plain or, as
	// firms print it, 123-456-32-18 or 123-45-67-819 (polishNIPDigits).
	"PL-NIP": func(local string) bool { return validPolishNIP(polishNIPDigits(local)) },
	// INN (ИНН) of a legal entity: ten digits, the last the first nine's
	// sum weighted 2 4 10 3 5 9 4 6 8, modulo 11, modulo 10. A person's
	// INN (an individual entrepreneur's too) is twelve digits: never
	// spared, and refused as personal data (russianPersonalINN).
	"RU-INN": validRussianOrgINN,
}

// tenDigitOrgNumber reports whether local, after the list code prefix, is
// an organisation number of its register in tenDigitRegisters.
func tenDigitOrgNumber(prefix, local string) bool {
	valid, ok := tenDigitRegisters[prefix]
	return ok && valid(local)
}

// allDigits reports whether s is n ASCII digits.
func allDigits(s string, n int) bool {
	return len(s) == n && strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' }) < 0
}

// validLuhn reports whether digits end in their Luhn check digit.
func validLuhn(digits string) bool {
	sum := 0
	for i := range len(digits) {
		d := int(digits[len(digits)-1-i] - '0')
		if i%2 == 1 {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}

// polishNIPDigits is a NIP written in either of its usual hyphenated
// forms, NNN-NNN-NN-NN or NNN-NN-NN-NNN, as its ten digits; anything else
// is returned as it is.
func polishNIPDigits(local string) string {
	if len(local) != 13 || local[3] != '-' {
		return local
	}
	if local[7] == '-' && local[10] == '-' || local[6] == '-' && local[9] == '-' {
		return strings.ReplaceAll(local, "-", "")
	}
	return local
}

// validRussianOrgINN reports whether local is a Russian legal entity's
// INN: ten digits, the last the first nine's sum weighted
// 2 4 10 3 5 9 4 6 8, modulo 11, modulo 10.
func validRussianOrgINN(local string) bool {
	return allDigits(local, 10) && innCheckDigit(local, []int{2, 4, 10, 3, 5, 9, 4, 6, 8}) == local[9]
}

// russianPersonalINN reports whether local is a person's INN: twelve
// digits, the eleventh the first ten's sum weighted 7 2 4 10 3 5 9 4 6 8
// and the twelfth the first eleven's weighted 3 7 2 4 10 3 5 9 4 6 8,
// each modulo 11, modulo 10.
func russianPersonalINN(local string) bool {
	return allDigits(local, 12) &&
		innCheckDigit(local, []int{7, 2, 4, 10, 3, 5, 9, 4, 6, 8}) == local[10] &&
		innCheckDigit(local, []int{3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8}) == local[11]
}

// russianOGRNIP reports whether local is an individual entrepreneur's
// OGRNIP: fifteen digits, the first 3 (the register's code for an
// entrepreneur's record; 1 and 5 start an organisation's OGRN of
// thirteen), the last the remainder of the first fourteen, as a number,
// divided by 13, modulo 10.
func russianOGRNIP(local string) bool {
	if !allDigits(local, 15) || local[0] != '3' {
		return false
	}
	n, _ := strconv.ParseUint(local[:14], 10, 64)
	return byte('0'+n%13%10) == local[14]
}

// innCheckDigit is an INN's check digit over the digits weights cover.
func innCheckDigit(digits string, weights []int) byte {
	return byte('0' + weightedSum(digits, weights)%11%10)
}

// weightedSum is the sum of digits' first len(weights) digits, each times
// its weight: the registers' check digits are this sum modulo 11.
func weightedSum(digits string, weights []int) int {
	sum := 0
	for i, w := range weights {
		sum += int(digits[i]-'0') * w
	}
	return sum
}

// validPolishNIP reports whether local is a Polish NIP: ten digits, the
// last the first nine's sum weighted 6 5 7 2 3 4 5 6 7, modulo 11.
func validPolishNIP(local string) bool {
	if !allDigits(local, 10) {
		return false
	}
	check := weightedSum(local, []int{6, 5, 7, 2, 3, 4, 5, 6, 7}) % 11
	return check != 10 && check == int(local[9]-'0')
}

// orgID checks an optional orgId field.
func orgID(p Problems, field, id string) {
	if id == "" {
		return
	}
	if msg := CheckOrgID(id); msg != "" {
		p.Add(field, msg)
	}
}
