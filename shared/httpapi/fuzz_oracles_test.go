package httpapi_test

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// --- independent checks of accepted values (the SPEC's rules, restated) ---

// fzText checks free text as the SPEC says, restated here rather than
// taken from domain: valid UTF-8, at most max characters, something other
// than spaces if required; no control character, except tab, CR and LF in
// a multi-line field (descriptions, notes); no line or paragraph separator
// in a one-line field; no bidirectional-override or zero-width
// character (U+200B-U+200F, U+202A-U+202E, U+2066-U+2069, U+FEFF) anywhere;
// nor, as fundtrack adds, any other invisible format character (category
// Cf, but for the visible prepended concatenation marks; a soft hyphen only
// in a multi-line field) or noncharacter (U+FDD0-U+FDEF, U+xFFFE, U+xFFFF).
func fzText(t *testing.T, field, s string, max int, required, multiLine bool) {
	t.Helper()
	if required && strings.TrimSpace(s) == "" {
		fzFail(t, "", "%s accepted blank: %q", field, s)
	}
	// Characters that show as nothing alone (Hangul fillers, the braille
	// blank, the combining grapheme joiner, variation selectors).
	if required && strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || r == 0x115f || r == 0x1160 || r == 0x3164 || r == 0xffa0 || r == 0x2800 || r == 0x034f ||
			unicode.Is(unicode.Variation_Selector, r)
	}) == "" {
		fzFail(t, "", "%s accepted text with nothing visible: %q", field, s)
	}
	if !utf8.ValidString(s) {
		fzFail(t, "", "%s accepted invalid UTF-8: %q", field, s)
	}
	if n := utf8.RuneCountInString(s); n > max {
		fzFail(t, "", "%s accepted %d characters (max %d)", field, n, max)
	}
	for _, r := range s {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			if !multiLine {
				fzFail(t, "", "one-line %s accepted %U: %q", field, r, s)
			}
		case r < 0x20 || r >= 0x7f && r <= 0x9f:
			fzFail(t, "", "%s accepted control character %U: %q", field, r, s)
		case (r == 0x2028 || r == 0x2029) && !multiLine:
			fzFail(t, "", "one-line %s accepted line separator %U: %q", field, r, s)
		case r >= 0x200b && r <= 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0xfeff:
			fzFail(t, "", "%s accepted invisible or text-direction character %U: %q", field, r, s)
		case r == 0x00ad:
			if !multiLine {
				fzFail(t, "", "one-line %s accepted a soft hyphen: %q", field, s)
			}
		case unicode.Is(unicode.Cf, r) && !(r >= 0x0600 && r <= 0x0605 || r == 0x06dd || r == 0x070f || r == 0x0890 || r == 0x0891 ||
			r == 0x08e2 || r == 0x110bd || r == 0x110cd):
			fzFail(t, "", "%s accepted invisible format character %U: %q", field, r, s)
		case r >= 0xfdd0 && r <= 0xfdef, r%0x10000 >= 0xfffe:
			fzFail(t, "", "%s accepted noncharacter %U: %q", field, r, s)
		}
	}
}

func fzDate(t *testing.T, field string, d domain.Date, required bool) {
	t.Helper()
	if d.IsZero() {
		if required {
			fzFail(t, "", "%s accepted missing", field)
		}
		return
	}
	if y := d.Time().Year(); y < 1900 || y > 2200 {
		fzFail(t, "", "%s accepted year %d", field, y)
	}
	if back, err := domain.ParseDate(d.String()); err != nil || back != d {
		fzFail(t, "", "%s %v does not re-parse: %v", field, d, err)
	}
}

func fzNotBefore(t *testing.T, laterField string, later domain.Date, earlierField string, earlier domain.Date) {
	t.Helper()
	if !later.IsZero() && !earlier.IsZero() && later.Before(earlier) {
		fzFail(t, "", "accepted %s %v before %s %v", laterField, later, earlierField, earlier)
	}
}

func fzOptionalID(t *testing.T, field, id string) {
	t.Helper()
	if id != "" && !domain.ValidID(id) {
		fzFail(t, "", "%s accepted a malformed id %q", field, id)
	}
}

func fzRequiredID(t *testing.T, field, id string) {
	t.Helper()
	if !domain.ValidID(id) {
		fzFail(t, "", "%s accepted a malformed id %q", field, id)
	}
}

// fzIDsOnce checks a list of ids: each well formed, none twice.
func fzIDsOnce(t *testing.T, field string, ids []string) {
	t.Helper()
	seen := map[string]bool{}
	for _, id := range ids {
		fzRequiredID(t, field, id)
		if seen[id] {
			fzFail(t, "", "%s accepted %q twice", field, id)
		}
		seen[id] = true
	}
}

// fzEmail checks an accepted email: no spaces or control characters around
// or inside, one @ with a dotted domain, at most 254 bytes; one SES can
// deliver to: ASCII, at a host name (letters, digits, hyphens and dots).
func fzEmail(t *testing.T, field, s string) {
	t.Helper()
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || len(s) > 254 || !strings.Contains(s[at+1:], ".") || strings.HasPrefix(s[at+1:], "[") || strings.TrimSpace(s) != s {
		fzFail(t, "", "%s accepted %q as an email address", field, s)
	}
	if at > 0 && strings.Trim(strings.ToLower(s[at+1:]), "abcdefghijklmnopqrstuvwxyz0123456789.-") != "" {
		fzFail(t, "", "%s accepted %q, at a domain that is no host name", field, s)
	}
	if strings.IndexFunc(s, func(r rune) bool { return r > 0x7e }) >= 0 {
		fzFail(t, "", "%s accepted %q, which is not ASCII: SES delivers to no such address", field, s)
	}
	for _, r := range s {
		if unicode.IsControl(r) || r >= 0x200b && r <= 0x200f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 || r == 0xfeff {
			fzFail(t, "", "%s accepted control or invisible character %U in an email address: %q", field, r, s)
		}
	}
}

// fzStorable checks every number in an accepted value can be stored:
// finite, and zero or within DynamoDB's number range (1e-130 to below 1e126).
// A number outside it makes the write fail with a 500 instead of a 400.
func fzStorable(t *testing.T, path string, v reflect.Value) {
	t.Helper()
	switch v.Kind() {
	case reflect.Float32, reflect.Float64:
		f := v.Float()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			fzFail(t, "", "%s accepted %v", path, f)
		}
		if a := math.Abs(f); a != 0 && (a < 1e-130 || a >= 1e126) {
			fzFail(t, "tiny-float", "%s accepted %v, outside the range DynamoDB can store (1e-130 to 1e126)", path, f)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fzStorable(t, path+"."+v.Type().Field(i).Name, v.Field(i))
			}
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			fzStorable(t, path+"["+strconv.Itoa(i)+"]", v.Index(i))
		}
	case reflect.Map:
		for _, k := range v.MapKeys() {
			fzStorable(t, path+"."+k.String(), v.MapIndex(k))
		}
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			fzStorable(t, path, v.Elem())
		}
	}
}

func fzSaneProgramme(t *testing.T, in *domain.ProgrammeInput) {
	t.Helper()
	fzText(t, "name", in.Name, domain.MaxNameLen, true, false)
	fzText(t, "leadOrganisation", in.LeadOrganisation, domain.MaxNameLen, true, false)
	fzText(t, "region", in.Region, domain.MaxNameLen, false, false)
	fzText(t, "description", in.Description, domain.MaxDescriptionLen, false, true)
	fzDate(t, "startDate", in.StartDate, true)
	fzDate(t, "endDate", in.EndDate, true)
	fzNotBefore(t, "endDate", in.EndDate, "startDate", in.StartDate)
	fzOrgIDCheck(t, "orgId", in.OrgID)
	fzPostcodeCheck(t, "postcode", in.Postcode)
	fzLocations(t, "beneficiaryLocations", in.BeneficiaryLocations)
}

func fzSaneMember(t *testing.T, in *domain.MemberInput) {
	t.Helper()
	if len(in.Roles) < 1 || len(in.Roles) > domain.MaxRoles {
		fzFail(t, "", "accepted %d roles", len(in.Roles))
	}
	seen := map[domain.Role]bool{}
	for i, r := range in.Roles {
		switch r.Role {
		case domain.RoleLead:
			if r.ProjectID != "" || r.FunderID != "" {
				fzFail(t, "", "roles[%d]: lead accepted with a project or funder: %+v", i, r)
			}
		case domain.RoleProjectLead:
			fzRequiredID(t, "projectId", r.ProjectID)
			if r.FunderID != "" {
				fzFail(t, "", "roles[%d]: project-lead accepted with a funder: %+v", i, r)
			}
		case domain.RoleFunder:
			fzRequiredID(t, "funderId", r.FunderID)
			if r.ProjectID != "" {
				fzFail(t, "", "roles[%d]: funder accepted with a project: %+v", i, r)
			}
		default:
			fzFail(t, "", "roles[%d]: accepted role %q", i, r.Role)
		}
		if seen[r] {
			fzFail(t, "", "roles[%d]: accepted a duplicate role %+v", i, r)
		}
		seen[r] = true
	}
}

// fzOrgID is the shape orgid.go gives an org-id.guide identifier: a list
// code (a country, perhaps with a subdivision after "_" as in CA_AB-ABT,
// then one or two parts in capitals, digits and "_", as in AE-RK_CR or
// CN-11-CR), a hyphen, and the identifier in that list: a letter or digit,
// then letters, digits and . _ / : - (org-id.guide publishes no formats
// for lists outside the UK, so that is all fundtrack checks there).
var fzOrgID = regexp.MustCompile(`^[A-Z]{2}(_[A-Z]{2})?-[A-Z0-9_]+(-[A-Z0-9_]+)?-[A-Za-z0-9][A-Za-z0-9._/:-]*$`)

// fzUKOrgFormats are the formats of the UK registers most used here, from
// the registers themselves: a GB identifier in one of them must have it.
var fzUKOrgFormats = map[string]*regexp.Regexp{
	"GB-CHC": regexp.MustCompile(`^[0-9]{6,8}$`),
	"GB-COH": regexp.MustCompile(`^([0-9]{8}|[A-Z]{2}[0-9]{6})$`),
	"GB-NHS": regexp.MustCompile(`^[A-Z0-9]{3,6}$`),
	"GB-GOR": regexp.MustCompile(`^(CO|CS|D|DA|EA|EO|IM|OT|PB|PC)[0-9]{1,5}$`),
}

// fzOrgIDCheck checks an accepted organisation identifier: empty, or the
// shape above in at most 120 characters, in its register's format for the
// UK registers above.
func fzOrgIDCheck(t *testing.T, field, id string) {
	t.Helper()
	if id == "" {
		return
	}
	if len(id) > 120 || !fzOrgID.MatchString(id) {
		fzFail(t, "", "%s accepted %q", field, id)
	}
	parts := strings.SplitN(id, "-", 3)
	if re := fzUKOrgFormats[parts[0]+"-"+parts[1]]; re != nil && !re.MatchString(parts[2]) {
		fzFail(t, "", "%s accepted %q, not in the register's format", field, id)
	}
}

// fzPostcode is a UK postcode with its spaces taken out, in capitals: an
// outward code (one or two letters, a digit, perhaps a letter or digit;
// or GIR for Girobank's GIR 0AA) and an inward code (a digit, two letters).
var fzPostcode = regexp.MustCompile(`^([A-Z]{1,2}[0-9][A-Z0-9]?|GIR)([0-9][A-Z]{2})$`)

// fzPostcodeCheck checks an accepted postcode: as typed, one line of text
// of at most ten characters; without its spaces, a UK postcode; and what
// the service stores (domain.CanonicalPostcode) is its outward code, a
// space and its inward code.
func fzPostcodeCheck(t *testing.T, field, s string) {
	t.Helper()
	if s == "" {
		return
	}
	fzText(t, field, s, 10, true, false)
	compact := strings.ToUpper(strings.Join(strings.Fields(s), ""))
	m := fzPostcode.FindStringSubmatch(compact)
	if m == nil || m[1] == "GIR" && m[2] != "0AA" {
		fzFail(t, "", "%s accepted %q, not a UK postcode", field, s)
	}
	if c, ok := domain.CanonicalPostcode(s); !ok || c != m[1]+" "+m[2] {
		fzFail(t, "", "%s %q is stored as %q (%v), want %q", field, s, c, ok, m[1]+" "+m[2])
	}
}

var fzGeoCode = regexp.MustCompile(`^[ENSW][0-9]{8}$`)

// fzLocations checks accepted beneficiary locations: at most MaxLocations,
// each a GSS code (a country letter and eight digits) of a kind the
// 360Giving export can type, given once, with a one-line name.
func fzLocations(t *testing.T, field string, ls []domain.Location) {
	t.Helper()
	if len(ls) > domain.MaxLocations {
		fzFail(t, "", "%s accepted %d locations", field, len(ls))
	}
	seen := map[string]bool{}
	for i, l := range ls {
		f := field + "[" + strconv.Itoa(i) + "]"
		if !fzGeoCode.MatchString(l.GeoCode) || domain.GeoCodeType(l.GeoCode) == "" || seen[l.GeoCode] {
			fzFail(t, "", "%s.geoCode accepted %q", f, l.GeoCode)
		}
		seen[l.GeoCode] = true
		fzText(t, f+".name", l.Name, domain.MaxNameLen, true, false)
	}
}

func fzSaneFunder(t *testing.T, in *domain.FunderInput) {
	t.Helper()
	fzText(t, "name", in.Name, domain.MaxNameLen, true, false)
	fzOrgIDCheck(t, "orgId", in.OrgID)
	if len(in.Contacts) < 1 || len(in.Contacts) > domain.MaxContacts {
		fzFail(t, "", "accepted %d contacts", len(in.Contacts))
	}
	for i, c := range in.Contacts {
		fzEmail(t, "contacts["+strconv.Itoa(i)+"]", c)
	}
}

func fzSaneProject(t *testing.T, in *domain.ProjectInput) {
	t.Helper()
	fzText(t, "name", in.Name, domain.MaxNameLen, true, false)
	fzText(t, "leadOrganisation", in.LeadOrganisation, domain.MaxNameLen, true, false)
	fzText(t, "area", in.Area, domain.MaxNameLen, false, false)
	fzDate(t, "startDate", in.StartDate, true)
	fzDate(t, "endDate", in.EndDate, true)
	fzNotBefore(t, "endDate", in.EndDate, "startDate", in.StartDate)
	fzOrgIDCheck(t, "orgId", in.OrgID)
	fzPostcodeCheck(t, "postcode", in.Postcode)
	fzLocations(t, "beneficiaryLocations", in.BeneficiaryLocations)
}

func fzSaneGrant(t *testing.T, in *domain.GrantInput) {
	t.Helper()
	fzRequiredID(t, "funderId", in.FunderID)
	fzOptionalID(t, "projectId", in.ProjectID)
	fzText(t, "title", in.Title, domain.MaxNameLen, true, false)
	fzText(t, "description", in.Description, domain.MaxDescriptionLen, false, true)
	if in.AmountPence < 1 || in.AmountPence > domain.MaxAmountPence {
		fzFail(t, "", "amountPence accepted %d", in.AmountPence)
	}
	if in.Currency != "GBP" {
		fzFail(t, "", "currency accepted %q", in.Currency)
	}
	fzDate(t, "awardDate", in.AwardDate, true)
	fzDate(t, "startDate", in.StartDate, true)
	fzDate(t, "endDate", in.EndDate, true)
	fzNotBefore(t, "endDate", in.EndDate, "startDate", in.StartDate)
	fzNotBefore(t, "endDate", in.EndDate, "awardDate", in.AwardDate)
	// A budget, when there is one, splits the whole amount: each category
	// once, each line a positive amount.
	if len(in.Budget) > 0 {
		sum := fzLines(t, "budget", in.Budget, 1)
		if sum.Cmp(big.NewInt(in.AmountPence)) != 0 {
			fzFail(t, "", "budget lines add up to %v, not the amount %d: %+v", sum, in.AmountPence, in.Budget)
		}
	}
}

var fzCategories = []domain.BudgetCategory{"staff", "training", "equipment", "travel", "overheads", "other"}

// fzLines checks accepted budget or spend lines: at most one per category,
// each a category of the SPEC and a whole number of pence from min to
// MaxAmountPence. It returns their exact sum.
func fzLines(t *testing.T, field string, ls []domain.BudgetLine, min int64) *big.Int {
	t.Helper()
	if len(ls) > len(fzCategories) {
		fzFail(t, "", "%s accepted %d lines", field, len(ls))
	}
	seen := map[domain.BudgetCategory]bool{}
	sum := new(big.Int)
	for i, l := range ls {
		if !slices.Contains(fzCategories, l.Category) || seen[l.Category] {
			fzFail(t, "", "%s[%d].category accepted %q", field, i, l.Category)
		}
		seen[l.Category] = true
		if l.AmountPence < min || l.AmountPence > domain.MaxAmountPence {
			fzFail(t, "", "%s[%d].amountPence accepted %d", field, i, l.AmountPence)
		}
		sum.Add(sum, big.NewInt(l.AmountPence))
	}
	return sum
}

func fzSanePost(t *testing.T, in *domain.PostInput) {
	t.Helper()
	fzText(t, "title", in.Title, domain.MaxNameLen, true, false)
	fzRequiredID(t, "grantId", in.GrantID)
	if !(in.FTE > 0 && in.FTE <= 1) {
		fzFail(t, "", "fte accepted %v", in.FTE)
	}
	if in.Contract != "temporary" && in.Contract != "permanent" {
		fzFail(t, "", "contract accepted %q", in.Contract)
	}
	fzDate(t, "startDate", in.StartDate, true)
	fzDate(t, "endDate", in.EndDate, false)
	fzNotBefore(t, "endDate", in.EndDate, "startDate", in.StartDate)
	if in.Status != "vacant" && in.Status != "filled" && in.Status != "ended" {
		fzFail(t, "", "status accepted %q", in.Status)
	}
}

func fzSaneCohort(t *testing.T, in *domain.CohortInput) {
	t.Helper()
	fzText(t, "name", in.Name, domain.MaxNameLen, true, false)
	if in.Places < 1 || in.Places > 1000 {
		fzFail(t, "", "places accepted %d", in.Places)
	}
	fzDate(t, "startDate", in.StartDate, true)
	fzDate(t, "endDate", in.EndDate, true)
	fzNotBefore(t, "endDate", in.EndDate, "startDate", in.StartDate)
}

var fzMeasureName = regexp.MustCompile(`^[a-z][a-z0-9-]{0,39}$`)

func fzSaneOutcome(t *testing.T, in *domain.OutcomeInput) {
	t.Helper()
	fzDate(t, "periodStart", in.PeriodStart, true)
	fzDate(t, "periodEnd", in.PeriodEnd, true)
	fzNotBefore(t, "periodEnd", in.PeriodEnd, "periodStart", in.PeriodStart)
	if d := in.PeriodEnd.Time().Sub(in.PeriodStart.Time()); d > 366*24*time.Hour {
		fzFail(t, "", "accepted a period of %v", d)
	}
	fzOptionalID(t, "cohortId", in.CohortID)
	fzOptionalID(t, "replaces", in.Replaces)
	if len(in.Counts) == 0 {
		fzFail(t, "", "accepted no counts")
	}
	for m, n := range in.Counts {
		if !domain.ValidMetric(m) || n < 0 || n > domain.MaxCount {
			fzFail(t, "", "counts accepted %q: %d", m, n)
		}
	}
	if len(in.Measures) > domain.MaxMeasures {
		fzFail(t, "", "accepted %d measures", len(in.Measures))
	}
	seen := map[string]bool{}
	for i, m := range in.Measures {
		if !fzMeasureName.MatchString(m.Name) || seen[m.Name] {
			fzFail(t, "", "measures[%d].name accepted %q", i, m.Name)
		}
		seen[m.Name] = true
		if !(m.BaselineMean > 0 && m.BaselineMean <= 1000) || !(m.LatestMean >= 0 && m.LatestMean <= 1000) ||
			m.Respondents < 1 || m.Respondents > 100_000 {
			fzFail(t, "", "measures[%d] accepted %+v", i, m)
		}
	}
	fzText(t, "notes", in.Notes, domain.MaxNotesLen, false, true)
	if err := domain.CheckText(in); err != nil && domain.ErrorCode(err) != domain.CodePersonalData {
		fzFail(t, "", "CheckText: %v", err)
	}
	// The accepted figures must make a progress report that encodes: totals
	// kept as the store keeps them (sums weighted by respondents).
	tot := domain.NewTotals()
	for m, n := range in.Counts {
		tot.Programme[m] += n
	}
	for _, m := range in.Measures {
		r := float64(m.Respondents)
		tot.Measures[m.Name] = domain.MeasureSums{Respondents: m.Respondents, BaselineSum: r * m.BaselineMean, LatestSum: r * m.LatestMean}
	}
	pr := domain.BuildProgress(domain.Programme{ID: fzID1, StartDate: in.PeriodStart}, tot, nil, nil, nil, nil, time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	if _, err := json.Marshal(pr); err != nil {
		fzFail(t, "tiny-float", "accepted figures make a progress report that cannot be encoded: %v\nmeasures: %+v", err, in.Measures)
	}
}

func fzSaneTarget(t *testing.T, in *domain.TargetInput) {
	t.Helper()
	if !domain.ValidMetric(in.Metric) {
		fzFail(t, "", "metric accepted %q", in.Metric)
	}
	if in.Value < 1 || in.Value > 10_000_000 {
		fzFail(t, "", "value accepted %d", in.Value)
	}
	fzDate(t, "deadline", in.Deadline, true)
	fzDate(t, "startDate", in.StartDate, false)
	if !in.StartDate.IsZero() && !in.StartDate.Before(in.Deadline) {
		fzFail(t, "", "accepted startDate %v not before deadline %v", in.StartDate, in.Deadline)
	}
	fzOptionalID(t, "projectId", in.ProjectID)
	if len(in.Notify) > domain.MaxContacts {
		fzFail(t, "", "accepted %d funders to notify", len(in.Notify))
	}
	fzIDsOnce(t, "notify", in.Notify)
	if len(in.Thresholds) < 1 || len(in.Thresholds) > 10 {
		fzFail(t, "", "accepted %d thresholds (validation fills in [100] when absent)", len(in.Thresholds))
	}
	for i, th := range in.Thresholds {
		if th < 1 || th > 1000 || i > 0 && th <= in.Thresholds[i-1] {
			fzFail(t, "", "thresholds accepted %v (want unique, sorted, 1-1000)", in.Thresholds)
		}
	}
}

// fzToday is the day PaymentChange is validated on: a paid date may not be
// later.
var fzToday = domain.MustDate("2026-01-15")

// fzReturnID checks an accepted return id as the SPEC builds one: the
// schedule's id, the project's id and the period's first day as YYYYMMDD,
// joined by hyphens, the day a real date fundtrack takes.
func fzReturnID(t *testing.T, field, id string) {
	t.Helper()
	parts := strings.Split(id, "-")
	if len(parts) != 3 || !domain.ValidID(parts[0]) || !domain.ValidID(parts[1]) {
		fzFail(t, "", "%s accepted %q", field, id)
	}
	day, err := time.Parse("20060102", parts[2])
	if err != nil || day.Format("20060102") != parts[2] || day.Year() < 1900 || day.Year() > 2200 {
		fzFail(t, "", "%s accepted %q: its period start is no date fundtrack takes (%v)", field, id, err)
	}
}

func fzSanePayment(t *testing.T, in *domain.PaymentInput) {
	t.Helper()
	if in.AmountPence < 1 || in.AmountPence > domain.MaxAmountPence {
		fzFail(t, "", "amountPence accepted %d", in.AmountPence)
	}
	fzText(t, "reference", in.Reference, domain.MaxReferenceLen, false, false)
	fzDate(t, "dueDate", in.DueDate, false)
	tr := in.Trigger
	if tr == nil {
		fzFail(t, "", "accepted a payment without a trigger")
	}
	// Each kind names what it waits on and nothing else.
	switch tr.Kind {
	case "date":
		fzDate(t, "dueDate", in.DueDate, true)
		if tr.TargetID != "" || tr.Threshold != 0 || tr.ReturnID != "" {
			fzFail(t, "", "a date trigger accepted %+v", *tr)
		}
	case "milestone":
		fzRequiredID(t, "trigger.targetId", tr.TargetID)
		if tr.Threshold < 1 || tr.Threshold > 1000 || tr.ReturnID != "" {
			fzFail(t, "", "a milestone trigger accepted %+v", *tr)
		}
	case "return":
		fzReturnID(t, "trigger.returnId", tr.ReturnID)
		if tr.TargetID != "" || tr.Threshold != 0 {
			fzFail(t, "", "a return trigger accepted %+v", *tr)
		}
	default:
		fzFail(t, "", "trigger.kind accepted %q", tr.Kind)
	}
	// The payment the service makes of it: the trigger it waits on, its
	// place in the grant's figures, and words for the emails.
	p := domain.Payment{ID: fzID1, GrantID: fzID2, AmountPence: in.AmountPence, Trigger: *tr, Status: domain.PaymentScheduled,
		Reference: in.Reference, Version: 1}
	d := domain.PaymentDelta(nil, p)
	waits := int64(0)
	if tr.Kind != "date" {
		waits = 1
	}
	if d.Headroom != -in.AmountPence || d.Paid != 0 || d.Due != 0 || d.Waiting != waits {
		fzFail(t, "", "a new payment moves its grant's figures by %+v", d)
	}
	if tr.Describe(in.DueDate, domain.TriggerWords{}) == "" {
		fzFail(t, "", "trigger %+v says nothing about when it falls due", *tr)
	}
	// Against a project's grant: a return trigger must name that project's
	// return, and a milestone trigger a target of that project or the
	// programme's (here, one of another project), each refused as a
	// validation error naming the field.
	g := domain.Grant{ID: fzID2, FunderID: fzID1, ProjectID: fzID3}
	elsewhere := &domain.Target{ID: tr.TargetID, ProjectID: fzID1}
	if err := tr.CheckGrant(g, elsewhere); err != nil {
		de := fzCheckErr(t, "trigger against the grant", err)
		if de.Fields["trigger.returnId"] == "" && de.Fields["trigger.targetId"] == "" {
			fzFail(t, "", "trigger against the grant refused without naming trigger.returnId or trigger.targetId: %v", err)
		}
	} else if tr.Kind == "return" && strings.Split(tr.ReturnID, "-")[1] != fzID3 {
		fzFail(t, "", "a project's grant took return %q of another project", tr.ReturnID)
	} else if tr.Kind == "milestone" {
		fzFail(t, "", "a project's grant took a target of another project")
	}
}

func fzSanePaymentChange(t *testing.T, ch *domain.PaymentChange) {
	t.Helper()
	switch ch.Status {
	case "paid":
		fzDate(t, "paidDate", ch.PaidDate, true)
		if ch.PaidDate.After(fzToday) {
			fzFail(t, "", "paidDate accepted %v, after today %v", ch.PaidDate, fzToday)
		}
		if ch.Reference != nil {
			fzText(t, "reference", *ch.Reference, domain.MaxReferenceLen, false, false)
		}
	case "cancelled":
		if !ch.PaidDate.IsZero() || ch.Reference != nil {
			fzFail(t, "", "a cancellation accepted a paid date or reference: %+v", ch)
		}
	default:
		fzFail(t, "", "status accepted %q", ch.Status)
	}
	// Applied to a payment in each status: a cancelled payment stays
	// cancelled and a paid one is not cancelled (conflicts, 409); otherwise
	// the status, paid date and reference are the change's and nothing
	// else moves.
	due := domain.MustDate("2025-12-01")
	for _, st := range []domain.PaymentStatus{"scheduled", "due", "paid", "cancelled"} {
		before := domain.Payment{ID: fzID1, GrantID: fzID2, AmountPence: 2500000, DueDate: &due, Trigger: domain.Trigger{Kind: "date"},
			Status: st, Reference: "PO 17", Version: 4}
		if st == "paid" {
			before.PaidDate = domain.MustDate("2025-12-02")
		}
		after, err := ch.Apply(before)
		if st == "cancelled" || st == "paid" && ch.Status == "cancelled" {
			if domain.ErrorCode(err) != domain.CodeConflict || !reflect.DeepEqual(after, before) {
				fzFail(t, "", "%s payment: change %+v gave %+v, %v; want a conflict", st, ch, after, err)
			}
			continue
		}
		want := before
		want.Status = ch.Status
		if ch.Status == "paid" {
			want.PaidDate = ch.PaidDate
			if ch.Reference != nil {
				want.Reference = *ch.Reference
			}
		}
		if err != nil || !reflect.DeepEqual(after, want) {
			fzFail(t, "", "%s payment: change %+v gave %+v, %v; want %+v", st, ch, after, err, want)
		}
	}
}

// fzSpendGrant takes any spend return fundtrack accepts: no budget, and
// the longest period there is.
var fzSpendGrant = domain.Grant{ID: fzID1, FunderID: fzID2, AmountPence: domain.MaxAmountPence, Currency: "GBP",
	AwardDate: domain.MustDate("1900-01-01"), StartDate: domain.MustDate("1900-01-01"), EndDate: domain.MustDate("2200-12-31")}

func fzSaneSpend(t *testing.T, in *domain.SpendInput) {
	t.Helper()
	fzDate(t, "periodStart", in.PeriodStart, true)
	fzDate(t, "periodEnd", in.PeriodEnd, true)
	fzNotBefore(t, "periodEnd", in.PeriodEnd, "periodStart", in.PeriodStart)
	// At most a year: 366 days, both ends counted.
	if in.PeriodEnd.Time().Sub(in.PeriodStart.Time()) > 365*24*time.Hour {
		fzFail(t, "", "accepted a period from %v to %v", in.PeriodStart, in.PeriodEnd)
	}
	if len(in.Lines) == 0 {
		fzFail(t, "", "accepted no lines")
	}
	sum := fzLines(t, "lines", in.Lines, 0)
	// The total is stored and sent as a number: exact in an int64, and in a
	// float64 (a JavaScript client reads it as one).
	if !sum.IsInt64() || sum.Int64() > 1<<53 || domain.Total(in.Lines) != sum.Int64() {
		fzFail(t, "", "lines add up to %v, which cannot be stored exactly (Total %d)", sum, domain.Total(in.Lines))
	}
	fzText(t, "notes", in.Notes, domain.MaxNotesLen, false, true)
	fzOptionalID(t, "replaces", in.Replaces)
	// Every grant whose period holds the return's, with no budget and an
	// amount at least the return's total, takes it; one for less refuses
	// it, naming the lines; one with a budget refuses lines outside it,
	// naming them.
	if err := in.CheckGrant(fzSpendGrant); (err != nil) != (sum.Cmp(big.NewInt(fzSpendGrant.AmountPence)) > 0) {
		fzFail(t, "", "a grant of %s from 1900 to 2200 without a budget, for a return of %v pence: %v",
			domain.Pounds(fzSpendGrant.AmountPence), sum, err)
	} else if err != nil {
		if de := fzCheckErr(t, "spend over the grant", err); de.Fields["lines"] == "" && !strings.Contains(fmt.Sprint(de.Fields), ".amountPence") {
			fzFail(t, "", "spend over the grant names %v, not the lines", de.Fields)
		}
	}
	budgeted := fzSpendGrant
	budgeted.Budget = []domain.BudgetLine{{Category: "staff", AmountPence: 1}}
	if err := in.CheckGrant(budgeted); err != nil {
		fzCheckErr(t, "spend against a budget", err)
	} else if slices.ContainsFunc(in.Lines, func(l domain.BudgetLine) bool { return l.Category != "staff" }) {
		fzFail(t, "", "a grant with only a staff budget took %+v", in.Lines)
	}
	// The money progress of that grant with just this return, on the last
	// day of its period: spent as reported, and projected to the grant's
	// end in a straight line, spent × (days of the grant) ÷ (days so far),
	// to the nearest penny, halves up.
	s := domain.SpendReturn{ID: fzID3, GrantID: fzID1, PeriodStart: in.PeriodStart, PeriodEnd: in.PeriodEnd, Lines: in.Lines,
		TotalPence: domain.Total(in.Lines)}
	d := domain.SpendDelta(s, 1)
	figures := map[string]domain.GrantMoney{fzID1: {SpentPence: d.Spent, SpentBy: d.SpentBy}}
	m := domain.BuildMoney([]domain.Grant{fzSpendGrant}, figures, in.PeriodEnd)
	gm := m.ByGrant[0]
	// Days counted from Unix times: a time.Duration holds at most 292 years.
	days := func(a, b domain.Date) int64 { return (b.Time().Unix()-a.Time().Unix())/86400 + 1 }
	total, elapsed := days(fzSpendGrant.StartDate, fzSpendGrant.EndDate), days(fzSpendGrant.StartDate, in.PeriodEnd)
	want := new(big.Int).Set(sum)
	if sum.Sign() > 0 && elapsed < total {
		num := new(big.Int).Mul(sum, big.NewInt(2*total))
		num.Add(num, big.NewInt(elapsed))
		want.Quo(num, big.NewInt(2*elapsed))
	}
	if gm.SpentPence != sum.Int64() || !want.IsInt64() || gm.ProjectedSpendPence != want.Int64() {
		fzFail(t, "", "spent %v over %d of the grant's %d days: money progress says spent %d, projected %d; want projected %v",
			sum, elapsed, total, gm.SpentPence, gm.ProjectedSpendPence, want)
	}
	var byLine int64
	for _, b := range gm.Budget {
		byLine += b.SpentPence
	}
	if byLine != sum.Int64() {
		fzFail(t, "", "budget against spend shows %d spent, the lines %v: %+v", byLine, sum, gm.Budget)
	}
	if _, err := json.Marshal(m); err != nil {
		fzFail(t, "", "money progress does not encode: %v", err)
	}
}

func fzSaneReview(t *testing.T, in *domain.ReviewInput) {
	t.Helper()
	switch in.Decision {
	case "approve":
		fzText(t, "comment", in.Comment, domain.MaxCommentLen, false, true)
	case "request-changes": // says what needs to change
		fzText(t, "comment", in.Comment, domain.MaxCommentLen, true, true)
	default:
		fzFail(t, "", "decision accepted %q", in.Decision)
	}
}

// fzMonths is how many calendar months a period of each frequency runs.
var fzMonths = map[domain.Frequency]int{"monthly": 1, "quarterly": 3, "half-yearly": 6, "yearly": 12}

// fzSaneSchedule checks a schedule as it would be stored: a name; periods
// of whole calendar months from the first of a month, lastPeriodEnd the
// last day of one of them, at most MaxPeriods; due days and reminders from
// 0 to 90 (reminders once each, at most ten); the projects, when named,
// each once. Every period's end and every due date (period end + dueDays)
// must be a date fundtrack can read back: a due date after 2200-12-31
// stored in a return made the returns list answer 500. The periods and due
// dates are worked out here with time's calendar and must be the ones
// domain.Schedule lays out, and every return it expects has an id and due
// date that read back.
func fzSaneSchedule(t *testing.T, s domain.Schedule) {
	t.Helper()
	fzText(t, "name", s.Name, domain.MaxNameLen, true, false)
	months := fzMonths[s.Frequency]
	if months == 0 {
		fzFail(t, "", "frequency accepted %q", s.Frequency)
	}
	fzDate(t, "firstPeriodStart", s.FirstPeriodStart, true)
	fzDate(t, "lastPeriodEnd", s.LastPeriodEnd, true)
	if s.FirstPeriodStart.Time().Day() != 1 {
		fzFail(t, "", "firstPeriodStart accepted %v, not the first of a month", s.FirstPeriodStart)
	}
	if s.DueDays < 0 || s.DueDays > 90 {
		fzFail(t, "", "dueDays accepted %d", s.DueDays)
	}
	if len(s.Reminders) > 10 {
		fzFail(t, "", "accepted %d reminders", len(s.Reminders))
	}
	seen := map[int64]bool{}
	for _, r := range s.Reminders {
		if r < 0 || r > 90 || seen[r] {
			fzFail(t, "", "reminders accepted %v", s.Reminders)
		}
		seen[r] = true
	}
	if s.ProjectIDs != nil && (len(s.ProjectIDs) < 1 || len(s.ProjectIDs) > 200) {
		fzFail(t, "", "accepted %d projects", len(s.ProjectIDs))
	}
	fzIDsOnce(t, "projectIds", s.ProjectIDs)
	var want []domain.Period
	first := s.FirstPeriodStart.Time()
	for k := 0; k <= 120; k++ {
		end := first.AddDate(0, (k+1)*months, -1)
		if end.After(s.LastPeriodEnd.Time()) {
			break
		}
		want = append(want, domain.Period{Start: domain.DateOf(first.AddDate(0, k*months, 0)), End: domain.DateOf(end)})
	}
	if len(want) == 0 || len(want) > 120 || want[len(want)-1].End != s.LastPeriodEnd {
		fzFail(t, "", "lastPeriodEnd accepted %v: not the end of one of the first 120 %s periods from %v",
			s.LastPeriodEnd, s.Frequency, s.FirstPeriodStart)
	}
	got := s.Periods()
	if !slices.Equal(got, want) {
		fzFail(t, "", "the schedule lays out %d periods %v, want %d %v", len(got), got, len(want), want)
	}
	for _, p := range want {
		due := p.End.Time().AddDate(0, 0, int(s.DueDays))
		for what, d := range map[string]time.Time{"period end": p.End.Time(), "due date": due} {
			if back, err := domain.ParseDate(d.Format("2006-01-02")); err != nil || !back.Time().Equal(d) {
				fzFail(t, "", "the period ending %v has a %s of %s, which fundtrack cannot read back: %v",
					p.End, what, d.Format("2006-01-02"), err)
			}
		}
		if !s.DueDate(p).Time().Equal(due) {
			fzFail(t, "", "the period ending %v is due %v, want %s", p.End, s.DueDate(p), due.Format("2006-01-02"))
		}
	}
	// A project it covers (one it names, or any when it names none) owes a
	// return for every period; one it does not, none.
	covered, other := fzID3, "01jz8k3m4n5p6q7r8s9t0v1w30"
	if len(s.ProjectIDs) > 0 {
		covered = s.ProjectIDs[0]
	}
	now := time.Date(2026, 1, 15, 9, 0, 0, 0, time.UTC)
	rs := domain.ExpectedReturns(s, []domain.Project{{ID: covered}}, now)
	if len(rs) != len(want) {
		fzFail(t, "", "the schedule expects %d returns of project %s, for %d periods", len(rs), covered, len(want))
	}
	if n := len(domain.ExpectedReturns(s, []domain.Project{{ID: other}}, now)); len(s.ProjectIDs) > 0 && !slices.Contains(s.ProjectIDs, other) && n != 0 {
		fzFail(t, "", "the schedule names %v but expects %d returns of project %s", s.ProjectIDs, n, other)
	}
	for _, r := range rs {
		sch, pr, start, ok := domain.ParseReturnID(r.ID)
		if !ok || sch != s.ID || pr != covered || start != r.PeriodStart {
			fzFail(t, "", "return id %q does not read back", r.ID)
		}
		fzReturnID(t, "return id", r.ID)
		if back, err := domain.ParseDate(r.DueDate.String()); err != nil || back != r.DueDate {
			fzFail(t, "", "return %s is due %v, which does not read back: %v", r.ID, r.DueDate, err)
		}
	}
}

// fzSaneScheduleInput checks an accepted schedule as the service stores it.
func fzSaneScheduleInput(t *testing.T, in *domain.ScheduleInput) {
	t.Helper()
	if in.DueDays == nil || in.Reminders == nil {
		fzFail(t, "", "validation left dueDays or reminders unset: %+v", in)
	}
	fzSaneSchedule(t, domain.Schedule{ID: fzID1, Name: in.Name, Frequency: in.Frequency, FirstPeriodStart: in.FirstPeriodStart,
		LastPeriodEnd: in.LastPeriodEnd, DueDays: *in.DueDays, Reminders: in.Reminders, ProjectIDs: in.ProjectIDs})
}
