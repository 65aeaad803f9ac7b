package httpapi_test

// Fuzz targets for every request decoder and validator: one per input type,
// each fed raw request bodies, checking that "decode, then validate, merged
// like the service does" never panics and either refuses the body with a 4xx
// validation error naming each bad field, or accepts a value that re-validates,
// survives a JSON round trip, and obeys the SPEC's rules when checked
// independently of Validate. FuzzDecodeJSONPaths fuzzes DecodeJSON itself over
// a type with nested slices, maps and pointers.
//
// The seed corpora (f.Add below and testdata/fuzz/<FuzzName>/) run as
// ordinary tests in `go test ./...`. See docs/fuzzing.md for fuzzing runs.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
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

	"github.com/go-json-experiment/json/jsontext"

	strict "github.com/fundtrack/fundtrack/shared/decode"
	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/present"
	"github.com/fundtrack/fundtrack/shared/testkit/fuzzkit"
)

// Ids that domain.ValidID accepts.
const (
	fzID1 = "01jz8k3m4n5p6q7r8s9t0v1w2x"
	fzID2 = "01jz8k3m4n5p6q7r8s9t0v1w2y"
	fzID3 = "01jz8k3m4n5p6q7r8s9t0v1w2z"
)

// fzFail reports a broken property (fuzzkit.Fail: known names a bug
// already reported, which FUNDTRACK_FUZZ_SKIP_KNOWN can look past).
var fzFail = fuzzkit.Fail

// fzCheckErr checks a refusal: a *domain.Error whose code maps to a 4xx,
// naming at least one field, every field path and problem non-empty.
func fzCheckErr(t *testing.T, what string, err error) *domain.Error {
	t.Helper()
	var de *domain.Error
	if !errors.As(err, &de) {
		fzFail(t, "", "%s: %T %v is not a *domain.Error", what, err, err)
	}
	if de.Code != domain.CodeValidation {
		fzFail(t, "", "%s: code %q, want %q (%v)", what, de.Code, domain.CodeValidation, err)
	}
	if st := present.Status(err); st < 400 || st >= 500 {
		fzFail(t, "", "%s: status %d for %v, want a 4xx", what, st, err)
	}
	if de.Message == "" {
		fzFail(t, "", "%s: empty message", what)
	}
	if len(de.Fields) == 0 {
		fzFail(t, "", "%s: a validation error naming no field: %v", what, err)
	}
	for k, v := range de.Fields {
		if k == "" {
			fzFail(t, "empty-path", "%s: a field error with an empty field path (%q): %v", what, v, err)
		}
		if v == "" {
			fzFail(t, "", "%s: field %q has an empty problem", what, k)
		}
		if !utf8.ValidString(k) {
			fzFail(t, "", "%s: field path %q is not valid UTF-8", what, k)
		}
	}
	if err.Error() == "" {
		fzFail(t, "", "%s: empty Error()", what)
	}
	if _, jerr := json.Marshal(de.Fields); jerr != nil {
		fzFail(t, "", "%s: fields do not encode: %v", what, jerr)
	}
	return de
}

// fzMerged checks that the merged answer names every field the decoder named.
func fzMerged(t *testing.T, derr, merged error) {
	t.Helper()
	if derr == nil {
		return
	}
	d := fzCheckErr(t, "decode error", derr)
	if merged == nil {
		fzFail(t, "", "the decoder refused the body (%v) but the merged answer is nil", derr)
	}
	m := fzCheckErr(t, "merged error", merged)
	for k := range d.Fields {
		if _, ok := m.Fields[k]; !ok {
			fzFail(t, "", "merged answer drops decoder field %q: decode %v, merged %v", k, derr, merged)
		}
	}
}

// fzValidator is an input type's pointer: Validate may have a value or a
// pointer receiver (TargetInput's fills in defaults), as in the service,
// which always validates an addressable variable.
type fzValidator[T any] interface {
	*T
	Validate() error
}

// fzInput runs the property for a POST/PUT body type.
func fzInput[T any, PT fzValidator[T]](t *testing.T, body []byte, sane func(*testing.T, *T)) {
	t.Helper()
	fzInputWith(t, body, func(v *T) error { return PT(v).Validate() }, sane)
}

// fzInputWith is fzInput for a type whose Validate takes more than the
// value (PaymentChange's takes today).
func fzInputWith[T any](t *testing.T, body []byte, validate func(*T) error, sane func(*testing.T, *T)) {
	t.Helper()
	var in, raw T // raw is never validated: TargetInput's Validate fills in defaults
	derr := strict.JSON(body, &in)
	strict.JSON(body, &raw)
	var err error
	if derr != nil { // as service.decodeValid
		err = domain.MergeProblems(derr, validate(&in))
	} else {
		err = validate(&in)
	}
	fzMerged(t, derr, err)
	if err != nil {
		fzCheckErr(t, "refusal", err)
		return
	}
	if err := validate(&in); err != nil {
		fzFail(t, "", "accepted value fails re-validation: %v\nvalue: %+v", err, in)
	}
	fzExact(t, body, &raw)
	sane(t, &in)
	fzStorable(t, "value", reflect.ValueOf(in))
	data, jerr := json.Marshal(in)
	if jerr != nil {
		fzFail(t, "", "accepted value does not encode: %v\nvalue: %+v", jerr, in)
	}
	var back T
	if err := strict.JSON(data, &back); err != nil {
		fzFail(t, "", "re-encoded value does not decode: %v\njson: %s", err, data)
	}
	if err := validate(&back); err != nil {
		fzFail(t, "", "round-tripped value does not validate: %v\njson: %s", err, data)
	}
	if !reflect.DeepEqual(in, back) {
		fzFail(t, "", "round trip changed the value\nbefore: %#v\nafter:  %#v\njson: %s", in, back, data)
	}
}

// fzPatch runs the property for a PATCH body type: the patch is applied to a
// valid record's input and the result validated, as the service does.
func fzPatch[P, I any, PI fzValidator[I]](t *testing.T, body []byte, base func() I, apply func(P, I) I, sane func(*testing.T, *I)) {
	t.Helper()
	patch, pristine, derr := fzDecodePatch[P](t, body)
	in := apply(patch, base())
	err := domain.MergeProblems(derr, PI(&in).Validate())
	fzMerged(t, derr, err)
	if err != nil {
		fzCheckErr(t, "refusal", err)
		return
	}
	if err := PI(&in).Validate(); err != nil {
		fzFail(t, "", "accepted result fails re-validation: %v\nvalue: %+v", err, in)
	}
	fzExact(t, body, &pristine)
	sane(t, &in)
	fzStorable(t, "value", reflect.ValueOf(in))
	back, data := fzPatchRoundTrip(t, pristine)
	again := apply(back, base())
	if err := PI(&again).Validate(); err != nil {
		fzFail(t, "", "round-tripped patch gives an invalid result: %v\njson: %s", err, data)
	}
	if !reflect.DeepEqual(in, again) {
		fzFail(t, "", "round-tripped patch gives a different result\nbefore: %#v\nafter:  %#v", in, again)
	}
}

// fzDecodePatch decodes a PATCH body twice: patch is for Apply, which may
// alias its slices, and pristine stays as the body said. Both decodings
// must agree.
func fzDecodePatch[P any](t *testing.T, body []byte) (patch, pristine P, derr error) {
	t.Helper()
	derr = strict.JSON(body, &patch)
	derr2 := strict.JSON(body, &pristine)
	if (derr == nil) != (derr2 == nil) || !reflect.DeepEqual(patch, pristine) {
		fzFail(t, "", "decoding the same body twice differs: %v / %v", derr, derr2)
	}
	return patch, pristine, derr
}

// fzPatchRoundTrip encodes an accepted patch and decodes it again: the
// same patch must come back. It returns it, and the JSON, for the caller
// to apply again.
func fzPatchRoundTrip[P any](t *testing.T, pristine P) (P, []byte) {
	t.Helper()
	data, jerr := json.Marshal(pristine)
	if jerr != nil {
		fzFail(t, "", "accepted patch does not encode: %v", jerr)
	}
	var back P
	if err := strict.JSON(data, &back); err != nil {
		fzFail(t, "", "re-encoded patch does not decode: %v\njson: %s", err, data)
	}
	if !reflect.DeepEqual(pristine, back) {
		fzFail(t, "", "round trip changed the patch\nbefore: %#v\nafter:  %#v\njson: %s", pristine, back, data)
	}
	return back, data
}

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
// or inside, one @ with a dotted domain, at most 254 bytes.
func fzEmail(t *testing.T, field, s string) {
	t.Helper()
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || len(s) > 254 || !strings.Contains(s[at+1:], ".") || strings.HasPrefix(s[at+1:], "[") || strings.TrimSpace(s) != s {
		fzFail(t, "", "%s accepted %q as an email address", field, s)
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

// --- seeds ---

// fzField is one member of a seed body, its value raw JSON.
type fzField struct{ k, v string }

func fzObject(fs []fzField) string {
	var b strings.Builder
	b.WriteByte('{')
	for i, f := range fs {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Quote(f.k))
		b.WriteByte(':')
		b.WriteString(f.v)
	}
	b.WriteByte('}')
	return b.String()
}

// fzOdd are values put in place of each field in turn: wrong types, nulls,
// numbers at and past every limit, odd number forms, odd strings and dates.
var fzOdd = []string{
	`null`, `true`, `0`, `-0`, `1`, `-1`, `1e3`, `1.5`, `0.5`, `1e-400`, `1e400`, `1001`, `100001`, `10000001`,
	`10000000000001`, `9007199254740993`, `9223372036854775808`, `123456789012345678901234567890`,
	`""`, `" "`, `"12"`, `"Ünïcødé ✓ 🚀 \u2028 שלום"`, `"\u0000"`, `"\ud800"`, `"` + strings.Repeat("é", 201) + `"`,
	`"2024-02-29"`, `"2024-02-30"`, `"2024-4-1"`, `"2024-04-01T00:00:00Z"`, `"1899-12-31"`, `"2201-01-01"`,
	`"` + fzID1 + `"`, `"` + strings.ToUpper(fzID1) + `"`, `"lead"`, `"referrals"`, `"temporary"`, `"filled"`,
	`"a@example.org"`, `[]`, `[null]`, `["x"]`, `{}`, `{"referrals":1}`, `[[[[[[[[[[1]]]]]]]]]]`,
	// text that reads two ways: invisible and text-direction characters,
	// line breaks, lone and reversed surrogates, bytes that are not UTF-8
	`"Leeds \u202eKROY"`, `"Le\u200beds"`, `"\ufeffLeeds"`, `"a\u2066b\u2069"`, `"Leeds\r\nBcc: x@evil.example"`,
	`"a\tb"`, `"a\u2028b"`, `"\udc00"`, `"\ude80\ud83d"`, `"\ud83d\ude80"`, "\"a\xed\xa0\x80b\"", "\"\xc3\"",
}

// fzSeeds adds a valid body and variations of it: each field missing,
// replaced by each odd value and repeated with one; unknown fields; the
// whole body replaced by non-objects; garbage after it; deep nesting.
func fzSeeds(f *testing.F, valid []fzField, extra ...string) {
	body := fzObject(valid)
	add := func(s string) { f.Add([]byte(s)) }
	add(body)
	add(" \n\t" + body + "\n")
	for i := range valid {
		rest := append(append([]fzField{}, valid[:i]...), valid[i+1:]...)
		add(fzObject(rest))
		for _, odd := range fzOdd {
			changed := append([]fzField{}, valid...)
			changed[i].v = odd
			add(fzObject(changed))
		}
		add(fzObject(append(append([]fzField{}, valid...), fzField{valid[i].k, `null`})))
		add(fzObject(append(append([]fzField{}, valid...), fzField{valid[i].k, `"dup"`})))
		add(fzObject(append([]fzField{{valid[i].k, `"dup"`}}, valid...)))
		// the same field twice with a valid value each time: encoding/json
		// takes the last, a careful reader refuses
		add(fzObject(append(append([]fzField{}, valid...), valid[i])))
		// the same field name written with an escape
		add(strings.Replace(body, strconv.Quote(valid[i].k), `"\u00`+strconv.FormatInt(int64(valid[i].k[0]), 16)+valid[i].k[1:]+`"`, 1))
		// the field name in another case (encoding/json would accept it)
		add(strings.Replace(body, strconv.Quote(valid[i].k), strconv.Quote(strings.ToUpper(valid[i].k)), 1))
	}
	add(fzObject(append(append([]fzField{}, valid...), fzField{"extra", `1`})))
	add(fzObject(append(append([]fzField{}, valid...), fzField{"id", `"` + fzID1 + `"`}, fzField{"version", `3`})))
	add(fzObject(append(append([]fzField{}, valid...), fzField{"a.b", `{"c":[1]}`})))
	for _, s := range []string{``, ` `, `null`, `true`, `0`, `"x"`, `[]`, `[` + body + `]`, `{}`, `{"x":}`, `{`, `}`,
		body + `x`, body + `}`, body + body, body + `,`, `{"a":1,}`, "\ufeff" + body, `/*c*/` + body,
		strings.Repeat(`[`, 10001) + strings.Repeat(`]`, 10001), `{"x":` + strings.Repeat(`[`, 500) + strings.Repeat(`]`, 500) + `}`,
		body[:len(body)/2], strings.ReplaceAll(body, `"`, `'`), "{\"name\":\"a\xffb\"}"} {
		add(s)
	}
	for _, s := range extra {
		add(s)
	}
}

var (
	fzProgrammeValid = []fzField{{"name", `"Work Well North"`}, {"leadOrganisation", `"Tees, Esk and Wear Valleys NHS FT"`},
		{"region", `"North East"`}, {"startDate", `"2024-04-01"`}, {"endDate", `"2026-03-31"`},
		{"description", `"IPS employment support across four trusts.\nYear one."`}, {"orgId", `"GB-NHS-RX3"`},
		{"postcode", `"dl2 2tq"`}, {"beneficiaryLocations", `[{"geoCode":"E12000001","name":"North East"},{"geoCode":"E06000047","name":"County Durham"}]`}}
	fzMemberValid = []fzField{{"roles", `[{"role":"lead"},{"role":"project-lead","projectId":"` + fzID1 + `"},{"role":"funder","funderId":"` + fzID2 + `"}]`}}
	fzFunderValid = []fzField{{"name", `"Department for Work and Pensions"`}, {"orgId", `"GB-GOR-D10"`},
		{"contacts", `["grants@dwp.example.org","ops.team+ips@dwp.example.org"]`}}
	fzProjectValid = []fzField{{"name", `"IPS Durham"`}, {"leadOrganisation", `"TEWV"`}, {"area", `"County Durham"`},
		{"startDate", `"2024-04-01"`}, {"endDate", `"2025-03-31"`}, {"orgId", `"GB-CHC-1090095"`}, {"postcode", `"BD18 3LA"`},
		{"beneficiaryLocations", `[{"geoCode":"E08000032","name":"Bradford"}]`}}
	fzGrantValid = []fzField{{"funderId", `"` + fzID1 + `"`}, {"projectId", `"` + fzID2 + `"`}, {"title", `"IPS expansion"`},
		{"description", `"Year one of three"`}, {"amountPence", `31000000`}, {"currency", `"GBP"`}, {"awardDate", `"2024-03-01"`},
		{"startDate", `"2024-04-01"`}, {"endDate", `"2026-03-31"`},
		{"budget", `[{"category":"staff","amountPence":25000000},{"category":"training","amountPence":6000000}]`}}
	fzPostValid = []fzField{{"title", `"Employment specialist"`}, {"grantId", `"` + fzID1 + `"`}, {"fte", `0.8`},
		{"contract", `"temporary"`}, {"startDate", `"2024-05-01"`}, {"endDate", `"2026-03-31"`}, {"status", `"filled"`}}
	fzCohortValid  = []fzField{{"name", `"Cohort 1"`}, {"places", `4`}, {"startDate", `"2024-09-01"`}, {"endDate", `"2025-06-30"`}}
	fzOutcomeValid = []fzField{{"periodStart", `"2024-04-01"`}, {"periodEnd", `"2024-06-30"`}, {"cohortId", `"` + fzID1 + `"`},
		{"counts", `{"referrals":12,"peopleIntoWork":3,"jobStarts":4}`},
		{"measures", `[{"name":"self-confidence","baselineMean":3.0,"latestMean":6.9,"respondents":8}]`},
		{"notes", `"Two new employers joined."`}, {"replaces", `"` + fzID2 + `"`}}
	fzTargetValid = []fzField{{"metric", `"peopleIntoWork"`}, {"value", `60`}, {"deadline", `"2025-09-30"`},
		{"startDate", `"2024-04-01"`}, {"projectId", `"` + fzID1 + `"`}, {"notify", `["` + fzID2 + `","` + fzID3 + `"]`},
		{"thresholds", `[50,100]`}}
	fzPaymentValid = []fzField{{"amountPence", `2500000`}, {"dueDate", `"2025-03-31"`}, {"trigger", `{"kind":"date"}`},
		{"reference", `"PO 4471/B"`}}
	fzPaymentChangeValid = []fzField{{"status", `"paid"`}, {"paidDate", `"2026-01-10"`}, {"reference", `"BACS 10/01"`}}
	fzSpendValid         = []fzField{{"periodStart", `"2024-04-01"`}, {"periodEnd", `"2024-06-30"`},
		{"lines", `[{"category":"staff","amountPence":3600000},{"category":"travel","amountPence":12050}]`},
		{"notes", `"Two specialists in post.\nTravel to job fairs."`}, {"replaces", `"` + fzID1 + `"`}}
	fzScheduleValid = []fzField{{"name", `"Quarterly returns"`}, {"frequency", `"quarterly"`}, {"firstPeriodStart", `"2024-04-01"`},
		{"lastPeriodEnd", `"2026-03-31"`}, {"dueDays", `20`}, {"reminders", `[7,1]`}, {"projectIds", `["` + fzID2 + `","` + fzID3 + `"]`}}
	fzReviewValid = []fzField{{"decision", `"request-changes"`}, {"comment", `"Please check referrals against the caseload.\nThanks."`}}
)

// fzPatchSeeds adds each field of a valid input as a patch on its own, the
// whole input as a patch, and the input's variations.
func fzPatchSeeds(f *testing.F, valid []fzField, extra ...string) {
	f.Add([]byte(`{}`))
	for _, fl := range valid {
		f.Add([]byte(fzObject([]fzField{fl})))
		f.Add([]byte(fzObject([]fzField{{fl.k, `null`}})))
		f.Add([]byte(fzObject([]fzField{{fl.k, `""`}})))
	}
	fzSeeds(f, valid, extra...)
}

// --- one target per input type ---

func FuzzProgrammeInput(f *testing.F) {
	fzSeeds(f, fzProgrammeValid,
		`{"name":"P","leadOrganisation":"L","startDate":"2024-04-01","endDate":"2024-04-01"}`,
		`{"name":"P","leadOrganisation":"L","startDate":"2024-04-02","endDate":"2024-04-01"}`,
		`{"name":"\u00a0","leadOrganisation":"\u2003","startDate":"","endDate":""}`,
		`{"name":"`+strings.Repeat("🚀", 200)+`","leadOrganisation":"L","startDate":"2024-04-01","endDate":"2024-04-01"}`,
		`{"name":"P","leadOrganisation":"L","startDate":"2024-04-01","endDate":"2024-04-01","orgId":"CA_AB-ABT-5016","postcode":"GIR 0AA"}`,
		`{"name":"P","leadOrganisation":"L","startDate":"2024-04-01","endDate":"2024-04-01","orgId":"IE-CHY-20:12","postcode":"le3\u00a08ra"}`,
		`{"name":"P","leadOrganisation":"L","startDate":"2024-04-01","endDate":"2024-04-01","orgId":"GB-CHC-12345678","postcode":"LE38RAX"}`,
		`{"name":"P","leadOrganisation":"L","startDate":"2024-04-01","endDate":"2024-04-01","beneficiaryLocations":[`+
			strings.Repeat(`{"geoCode":"E12000004","name":"East Midlands"},`, 25)+`{"geoCode":"W06000015","name":"Cardiff"}]}`)
	f.Fuzz(func(t *testing.T, body []byte) {
		fzInput[domain.ProgrammeInput](t, body, fzSaneProgramme)
	})
}

func FuzzMemberInput(f *testing.F) {
	fzSeeds(f, fzMemberValid,
		`{"roles":[{"role":"lead"},{"role":"lead"}]}`,
		`{"roles":[{"role":"project-lead"},{"role":"funder","projectId":"`+fzID1+`"}]}`,
		`{"roles":[{"role":"owner","extra":true},null,"lead",[{"role":"lead"}]]}`,
		`{"roles":[{"role":"lead","projectId":null,"funderId":""}]}`,
		`{"roles":[{"role":"lead","role":"funder","funderId":"`+fzID1+`"}]}`,
		`{"roles":[`+strings.Repeat(`{"role":"lead"},`, 60)+`{"role":"lead"}]}`,
		`{"roles":[`+strings.Repeat(`1,`, 1000)+`1]}`)
	f.Fuzz(func(t *testing.T, body []byte) {
		fzInput[domain.MemberInput](t, body, fzSaneMember)
	})
}

func FuzzFunderInput(f *testing.F) {
	fzSeeds(f, fzFunderValid,
		`{"name":"F","contacts":["a@b"]}`,
		`{"name":"\u3164","contacts":["a@example.org"]}`, `{"name":" \u2800\u115f\u034f\ufe0f","contacts":["a@127.0.0.1"]}`,
		`{"name":"F","contacts":["A <a@example.org>"]}`,
		`{"name":"F","contacts":["\"a b\"@example.org","a@[192.0.2.1]","a@example.org.","a..b@example.org"]}`,
		`{"name":"F","orgId":"GB-CHC-1234567","contacts":["a@example.org","a@example.org"]}`,
		`{"name":"F","orgId":"gb-gor-dwp","contacts":["a@example.org"]}`,
		`{"name":"F","contacts":[`+strings.Repeat(`"a@example.org",`, 20)+`"a@example.org"]}`,
		`{"name":"F","contacts":["ü@exämple.org"," a@example.org","a@example.org\n"]}`,
		`{"name":"F","orgId":"CA_AB-ABT-5016","contacts":["a@example.org"]}`,
		`{"name":"F","orgId":"IE-CHY-20:12","contacts":["a@example.org"]}`,
		`{"name":"F","orgId":"GB-CHC-12345678","contacts":["a@example.org"]}`)
	f.Fuzz(func(t *testing.T, body []byte) {
		fzInput[domain.FunderInput](t, body, fzSaneFunder)
	})
}

func FuzzProjectInput(f *testing.F) {
	fzSeeds(f, fzProjectValid,
		`{"name":"P","leadOrganisation":"L","startDate":"2200-12-31","endDate":"2200-12-31"}`,
		`{"name":"P","leadOrganisation":"L","area":null,"startDate":"1900-01-01","endDate":"2200-12-31"}`,
		`{"name":"P","leadOrganisation":"L","startDate":"2024-04-01","endDate":"2024-04-01","postcode":"BD18\u00853LA"}`,
		`{"name":"P","leadOrganisation":"L","startDate":"2024-04-01","endDate":"2024-04-01","postcode":"  ec1a1bb  "}`,
		`{"name":"P","leadOrganisation":"L","startDate":"2024-04-01","endDate":"2024-04-01","orgId":"360G-fundtrack-1","postcode":"ec1a1bb"}`,
		`{"name":"P","leadOrganisation":"L","startDate":"2024-04-01","endDate":"2024-04-01","beneficiaryLocations":[`+
			`{"geoCode":"S12000036","name":"City of Edinburgh"},{"geoCode":"N09000003","name":"Belfast"},{"geoCode":"E08000032","name":""}]}`)
	f.Fuzz(func(t *testing.T, body []byte) {
		fzInput[domain.ProjectInput](t, body, fzSaneProject)
	})
}

func FuzzGrantInput(f *testing.F) {
	fzSeeds(f, fzGrantValid,
		`{"funderId":"`+fzID1+`","title":"T","amountPence":1e3,"currency":"GBP","awardDate":"2024-01-01","startDate":"2024-01-01","endDate":"2024-01-01"}`,
		`{"funderId":"`+fzID1+`","title":"T","amountPence":10000000000000,"currency":"GBP","awardDate":"2024-01-02","startDate":"2024-01-01","endDate":"2024-01-01"}`,
		`{"funderId":"`+fzID1+`","title":"T","amountPence":-0,"currency":"GBP","awardDate":"2024-01-01","startDate":"2024-01-01","endDate":"2024-01-01"}`,
		`{"funderId":"`+fzID1+`","title":"T","amountPence":"100","currency":"GBP","awardDate":"2024-01-01","startDate":"2024-01-01","endDate":"2024-01-01"}`,
		`{"funderId":"`+fzID1+`","title":"T","amountPence":100,"currency":"GBP","awardDate":"2024-01-01","startDate":"2024-01-01","endDate":"2024-01-01","budget":[]}`,
		`{"funderId":"`+fzID1+`","title":"T","amountPence":100,"currency":"GBP","awardDate":"2024-01-01","startDate":"2024-01-01","endDate":"2024-01-01","budget":[{"category":"staff","amountPence":60},{"category":"staff","amountPence":40}]}`,
		`{"funderId":"`+fzID1+`","title":"T","amountPence":100,"currency":"GBP","awardDate":"2024-01-01","startDate":"2024-01-01","endDate":"2024-01-01","budget":[{"category":"staff","amountPence":100},{"category":"other","amountPence":0}]}`,
		`{"funderId":"`+fzID1+`","title":"T","amountPence":60000000000000,"currency":"GBP","awardDate":"2024-01-01","startDate":"2024-01-01","endDate":"2024-01-01","budget":[`+
			`{"category":"staff","amountPence":10000000000000},{"category":"training","amountPence":10000000000000},{"category":"equipment","amountPence":10000000000000},`+
			`{"category":"travel","amountPence":10000000000000},{"category":"overheads","amountPence":10000000000000},{"category":"other","amountPence":10000000000000}]}`,
		`{"funderId":"`+fzID1+`","title":"T","amountPence":7,"currency":"GBP","awardDate":"2024-01-01","startDate":"2024-01-01","endDate":"2024-01-01","budget":[`+
			`{"category":"staff","amountPence":1},{"category":"training","amountPence":1},{"category":"equipment","amountPence":1},`+
			`{"category":"travel","amountPence":1},{"category":"overheads","amountPence":1},{"category":"other","amountPence":1},{"category":"other","amountPence":1}]}`,
		`{"funderId":"`+fzID1+`","title":"T","amountPence":10000000000000,"currency":"GBP","awardDate":"2024-01-01","startDate":"2024-01-01","endDate":"2024-01-01","budget":[`+
			`{"category":"staff","amountPence":9223372036854775807},{"category":"training","amountPence":-9223372036854765808}]}`)
	f.Fuzz(func(t *testing.T, body []byte) {
		fzInput[domain.GrantInput](t, body, fzSaneGrant)
	})
}

func fzGrantBase() domain.GrantInput {
	return domain.GrantInput{FunderID: fzID1, ProjectID: fzID2, Title: "IPS expansion", AmountPence: 31000000, Currency: "GBP",
		AwardDate: domain.MustDate("2024-03-01"), StartDate: domain.MustDate("2024-04-01"), EndDate: domain.MustDate("2026-03-31")}
}

func FuzzGrantPatch(f *testing.F) {
	fzPatchSeeds(f, fzGrantValid,
		`{"projectId":""}`, `{"endDate":"2023-01-01"}`, `{"awardDate":"2026-04-01"}`, `{"amountPence":null,"currency":null}`,
		`{"startDate":"2027-01-01","endDate":"2028-01-01","awardDate":"2026-01-01"}`,
		`{"budget":[]}`, `{"budget":null}`, `{"amountPence":31000001}`,
		`{"amountPence":100,"budget":[{"category":"other","amountPence":100}]}`,
		`{"budget":[{"category":"staff","amountPence":31000000},{"category":"travel","amountPence":0}]}`)
	f.Fuzz(func(t *testing.T, body []byte) {
		// A grant with a budget as well: a new amount then needs a new
		// budget that adds up to it.
		fzPatch(t, body, fzGrantBase, domain.GrantPatch.Apply, fzSaneGrant)
		fzPatch(t, body, fzGrantBudgetedBase, domain.GrantPatch.Apply, fzSaneGrant)
	})
}

func FuzzPostInput(f *testing.F) {
	fzSeeds(f, fzPostValid,
		`{"title":"T","grantId":"`+fzID1+`","fte":1,"contract":"permanent","startDate":"2024-01-01","status":"vacant"}`,
		`{"title":"T","grantId":"`+fzID1+`","fte":1.0000000000000002,"contract":"permanent","startDate":"2024-01-01","status":"vacant"}`,
		`{"title":"T","grantId":"`+fzID1+`","fte":0.5,"contract":"permanent","startDate":"2024-01-01","endDate":"","status":"ended"}`,
		`{"title":"T","grantId":"`+fzID1+`","fte":"0.5","contract":"Permanent","startDate":"2024-01-01","status":"Vacant"}`)
	f.Fuzz(func(t *testing.T, body []byte) {
		fzInput[domain.PostInput](t, body, fzSanePost)
	})
}

func fzPostBase() domain.PostInput {
	return domain.PostInput{Title: "Employment specialist", GrantID: fzID1, FTE: 0.8, Contract: "temporary",
		StartDate: domain.MustDate("2024-05-01"), Status: "filled"}
}

func FuzzPostPatch(f *testing.F) {
	fzPatchSeeds(f, fzPostValid,
		`{"status":"ended","endDate":"2025-06-30"}`, `{"endDate":""}`, `{"endDate":"2024-04-30"}`, `{"fte":0}`, `{"fte":null}`)
	f.Fuzz(func(t *testing.T, body []byte) {
		fzPatch(t, body, fzPostBase, domain.PostPatch.Apply, fzSanePost)
	})
}

func FuzzCohortInput(f *testing.F) {
	fzSeeds(f, fzCohortValid,
		`{"name":"C","places":1000,"startDate":"2024-01-01","endDate":"2024-01-01"}`,
		`{"name":"C","places":1e3,"startDate":"2024-01-01","endDate":"2024-01-01"}`,
		`{"name":"C","places":4.0,"startDate":"2024-01-01","endDate":"2024-01-01"}`)
	f.Fuzz(func(t *testing.T, body []byte) {
		fzInput[domain.CohortInput](t, body, fzSaneCohort)
	})
}

func fzCohortBase() domain.CohortInput {
	return domain.CohortInput{Name: "Cohort 1", Places: 4, StartDate: domain.MustDate("2024-09-01"), EndDate: domain.MustDate("2025-06-30")}
}

func FuzzCohortPatch(f *testing.F) {
	fzPatchSeeds(f, fzCohortValid, `{"places":5}`, `{"places":0}`, `{"endDate":"2024-08-31"}`, `{"name":"   "}`)
	f.Fuzz(func(t *testing.T, body []byte) {
		fzPatch(t, body, fzCohortBase, domain.CohortPatch.Apply, fzSaneCohort)
	})
}

func FuzzOutcomeInput(f *testing.F) {
	fzSeeds(f, fzOutcomeValid,
		`{"periodStart":"2024-01-01","periodEnd":"2024-12-31","counts":{"referrals":0}}`,
		`{"periodStart":"2024-01-01","periodEnd":"2025-01-01","counts":{"referrals":100000}}`,
		`{"periodStart":"2024-01-01","periodEnd":"2025-01-02","counts":{"referrals":100001,"peopleintowork":1,"":1}}`,
		`{"periodStart":"2024-01-01","periodEnd":"2024-01-31","counts":{"referrals":1,"referrals":-1}}`,
		`{"periodStart":"2024-01-01","periodEnd":"2024-01-31","counts":{"referrals":1e3,"jobStarts":-0,"trainingStarts":2.5}}`,
		`{"periodStart":"2024-01-01","periodEnd":"2024-01-31","counts":{"referrals":null},"measures":null,"notes":null}`,
		`{"periodStart":"2024-01-01","periodEnd":"2024-01-31","counts":{"referrals":1},"measures":[{"name":"a","baselineMean":1000,"latestMean":0,"respondents":100000},{"name":"a","baselineMean":0,"latestMean":-0.1,"respondents":0}]}`,
		`{"periodStart":"2024-01-01","periodEnd":"2024-01-31","counts":{"referrals":1},"measures":[{"name":"A_b","baselineMean":"3","latestMean":null,"respondents":1.5,"extra":1}]}`,
		`{"periodStart":"2024-01-01","periodEnd":"2024-01-31","counts":{"referrals":1},"notes":"NHS 943 476 5919, call 07700 900123 or a@b.org"}`,
		`{"periodStart":"2024-01-01","periodEnd":"2024-01-31","counts":{"referrals":1},"measures":[`+strings.Repeat(`{},`, 20)+`{}]}`,
		`{"periodStart":"2024-01-01","periodEnd":"2024-01-31","counts":{"referrals":1},"notes":"`+strings.Repeat("ü", 2001)+`"}`)
	f.Fuzz(func(t *testing.T, body []byte) {
		fzInput[domain.OutcomeInput](t, body, fzSaneOutcome)
	})
}

func FuzzTargetInput(f *testing.F) {
	fzSeeds(f, fzTargetValid,
		`{"metric":"referrals","value":1,"deadline":"2025-01-01"}`,
		`{"metric":"referrals","value":10000000,"deadline":"2025-01-01","thresholds":[100,50,25],"notify":[]}`,
		`{"metric":"referrals","value":1,"deadline":"2025-01-01","thresholds":[]}`,
		`{"metric":"referrals","value":1,"deadline":"2025-01-01","thresholds":[50,50,0,1001]}`,
		`{"metric":"referrals","value":1,"deadline":"2025-01-01","startDate":"2025-01-01"}`,
		`{"metric":"referrals","value":1,"deadline":"2025-01-01","notify":["`+fzID1+`","`+fzID1+`"]}`,
		`{"metric":"referrals","value":1,"deadline":"2025-01-01","thresholds":[1,2,3,4,5,6,7,8,9,10,11]}`)
	f.Fuzz(func(t *testing.T, body []byte) {
		fzInput[domain.TargetInput](t, body, fzSaneTarget)
	})
}

func fzTargetBase() domain.TargetInput {
	return domain.TargetInput{Metric: domain.MetricPeopleIntoWork, Value: 60, Deadline: domain.MustDate("2025-09-30"),
		StartDate: domain.MustDate("2024-04-01"), Notify: []string{fzID2}, Thresholds: []int64{50, 100}}
}

func FuzzTargetPatch(f *testing.F) {
	fzPatchSeeds(f, fzTargetValid,
		`{"value":70,"thresholds":[100,25]}`, `{"thresholds":null}`, `{"thresholds":[]}`, `{"notify":[]}`, `{"notify":null}`,
		`{"startDate":""}`, `{"deadline":"2024-04-01"}`, `{"projectId":""}`, `{"thresholds":[null]}`)
	f.Fuzz(func(t *testing.T, body []byte) {
		fzPatch(t, body, fzTargetBase, domain.TargetPatch.Apply, fzSaneTarget)
	})
}

func fzFunderBase() domain.FunderInput {
	return domain.FunderInput{Name: "Department for Work and Pensions", OrgID: "GB-GOR-D10", Contacts: []string{"grants@dwp.example.org"}}
}

func FuzzFunderPatch(f *testing.F) {
	fzPatchSeeds(f, fzFunderValid,
		`{"contacts":[]}`, `{"contacts":null}`, `{"orgId":""}`, `{"orgId":"GB-GOR-DWP"}`, `{"orgId":"CA_AB-ABT-5016"}`,
		`{"orgId":"IE-CHY-20:12"}`, `{"orgId":"360G-fundtrack-1"}`, `{"name":"   "}`, `{"contacts":["a@example.org","a@example.org"]}`)
	f.Fuzz(func(t *testing.T, body []byte) {
		fzPatch(t, body, fzFunderBase, domain.FunderPatch.Apply, fzSaneFunder)
	})
}

func fzProjectBase() domain.ProjectInput {
	return domain.ProjectInput{Name: "IPS Bradford", LeadOrganisation: "Bradford District Care NHS FT", Area: "Bradford",
		StartDate: domain.MustDate("2024-04-01"), EndDate: domain.MustDate("2025-03-31"), OrgID: "GB-NHS-TAD", Postcode: "BD18 3LA",
		BeneficiaryLocations: []domain.Location{{GeoCode: "E08000032", Name: "Bradford"}}}
}

func FuzzProjectPatch(f *testing.F) {
	fzPatchSeeds(f, fzProjectValid,
		`{"beneficiaryLocations":[]}`, `{"beneficiaryLocations":null}`, `{"postcode":""}`, `{"orgId":""}`, `{"endDate":"2024-03-31"}`,
		`{"postcode":"bd18\u00a03la"}`, `{"postcode":"BD18\u00853LA"}`,
		`{"beneficiaryLocations":[{"geoCode":"E08000032","name":"Bradford"},{"geoCode":"E08000032","name":"Bradford again"}]}`)
	f.Fuzz(func(t *testing.T, body []byte) {
		fzPatch(t, body, fzProjectBase, domain.ProjectPatch.Apply, fzSaneProject)
	})
}

// fzProgrammeRecord is the programme FuzzProgrammePatch patches.
func fzProgrammeRecord() domain.Programme {
	return domain.Programme{ID: fzID1, Name: "Working for Wellness", LeadOrganisation: "Leicestershire Partnership NHS Trust",
		Region: "East Midlands", StartDate: domain.MustDate("2024-04-01"), EndDate: domain.MustDate("2026-03-31"),
		Description: "IPS in primary care.", Version: 3, CreatedAt: time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC), CreatedBy: "lead@example.org",
		OrgID: "GB-NHS-RT5", Postcode: "LE3 8RA", BeneficiaryLocations: []domain.Location{{GeoCode: "E12000004", Name: "East Midlands"}}}
}

func FuzzProgrammePatch(f *testing.F) {
	fzPatchSeeds(f, append(slices.Clone(fzProgrammeValid), fzField{"reviewOutcomes", `true`}),
		`{"reviewOutcomes":false}`, `{"reviewOutcomes":null}`, `{"reviewOutcomes":"true"}`, `{"reviewOutcomes":1}`,
		`{"startDate":"2026-04-01"}`, `{"postcode":"GIR 0AA"}`, `{"postcode":"GIR 1AA"}`, `{"postcode":"  ec1a1bb  "}`,
		`{"beneficiaryLocations":[{"geoCode":"e12000004","name":"East Midlands"}]}`,
		`{"beneficiaryLocations":[{"geoCode":"E99000001","name":"Nowhere"}]}`,
		`{"beneficiaryLocations":[{"geoCode":"E12000004","name":"East\nMidlands"}]}`)
	f.Fuzz(func(t *testing.T, body []byte) {
		// ProgrammePatch.Apply patches the record and gives its input as
		// patched, which the service validates: the record must be that
		// input, the review setting the patch's when it sends one, and the
		// rest of the record as it was.
		apply := func(pt domain.ProgrammePatch, _ domain.ProgrammeInput) domain.ProgrammeInput {
			before := fzProgrammeRecord()
			after, in := pt.Apply(before)
			if !reflect.DeepEqual(after.Input(), in) {
				fzFail(t, "", "the patched programme %+v is not its input %+v", after, in)
			}
			want := before.ReviewOutcomes
			if pt.ReviewOutcomes != nil {
				want = *pt.ReviewOutcomes
			}
			if after.ReviewOutcomes != want || after.ID != before.ID || after.Version != before.Version ||
				after.CreatedAt != before.CreatedAt || after.CreatedBy != before.CreatedBy {
				fzFail(t, "", "the patch changed more than it says: %+v", after)
			}
			return in
		}
		fzPatch(t, body, func() domain.ProgrammeInput { return fzProgrammeRecord().Input() }, apply, fzSaneProgramme)
	})
}

func fzGrantBudgetedBase() domain.GrantInput {
	in := fzGrantBase()
	in.Budget = []domain.BudgetLine{{Category: "staff", AmountPence: 25000000}, {Category: "training", AmountPence: 6000000}}
	return in
}

func FuzzPaymentInput(f *testing.F) {
	ms := func(target string, threshold string) string {
		return `{"amountPence":100,"trigger":{"kind":"milestone","targetId":"` + target + `","threshold":` + threshold + `}}`
	}
	ret := func(id string) string {
		return `{"amountPence":100,"trigger":{"kind":"return","returnId":"` + id + `"}}`
	}
	fzSeeds(f, fzPaymentValid,
		ms(fzID1, "50"), ms(fzID1, "1"), ms(fzID1, "1000"), ms(fzID1, "0"), ms(fzID1, "1001"), ms("", "50"), ms(fzID1, "50.5"),
		ret(fzID1+"-"+fzID3+"-20240401"), ret(fzID1+"-"+fzID2+"-20240401"), ret(fzID1+"-"+fzID3+"-20240230"),
		ret(fzID1+"-"+fzID3+"-19000101"), ret(fzID1+"-"+fzID3+"-22001231"), ret(fzID1+"-"+fzID3+"-22010101"),
		ret(fzID1+"-"+fzID3+"-2024041"), ret(fzID1+"-"+fzID3+"-20240401-x"), ret(fzID1+"--20240401"), ret(""),
		`{"amountPence":100,"dueDate":"2025-01-01","trigger":{"kind":"milestone","targetId":"`+fzID1+`","threshold":100}}`,
		`{"amountPence":100,"dueDate":"2025-01-01","trigger":{"kind":"date","targetId":"`+fzID1+`","threshold":100,"returnId":"x"}}`,
		`{"amountPence":100,"trigger":{"kind":"date"}}`, `{"amountPence":100,"dueDate":"2025-01-01","trigger":{"kind":"Date"}}`,
		`{"amountPence":100,"dueDate":"2025-01-01","trigger":{}}`, `{"amountPence":100,"dueDate":"2025-01-01","trigger":{"kind":"date","when":1}}`,
		`{"amountPence":10000000000000,"dueDate":"2200-12-31","trigger":{"kind":"date"}}`,
		`{"amountPence":10000000000001,"dueDate":"1900-01-01","trigger":{"kind":"date"}}`,
		`{"amountPence":1,"dueDate":"2025-01-01","trigger":{"kind":"date"},"reference":"`+strings.Repeat("r", 100)+`"}`,
		`{"amountPence":1,"dueDate":"2025-01-01","trigger":{"kind":"date"},"reference":"`+strings.Repeat("r", 101)+`"}`,
		`{"amountPence":1,"dueDate":"2025-01-01","trigger":{"kind":"date"},"reference":"PO 1\nPO 2"}`)
	f.Fuzz(func(t *testing.T, body []byte) {
		fzInput[domain.PaymentInput](t, body, fzSanePayment)
	})
}

func FuzzPaymentChange(f *testing.F) {
	fzSeeds(f, fzPaymentChangeValid,
		`{"status":"cancelled"}`, `{"status":"cancelled","paidDate":""}`, `{"status":"cancelled","reference":null}`,
		`{"status":"cancelled","reference":""}`, `{"status":"cancelled","paidDate":"2025-01-01"}`,
		`{"status":"paid","paidDate":"2026-01-15"}`, `{"status":"paid","paidDate":"2026-01-16"}`, `{"status":"paid"}`,
		`{"status":"paid","paidDate":"1900-01-01","reference":""}`, `{"status":"paid","paidDate":"2026-01-15","reference":null}`,
		`{"status":"due","paidDate":"2026-01-01"}`, `{"status":"scheduled"}`, `{"status":"Paid","paidDate":"2026-01-01"}`,
		`{"status":"paid","paidDate":"2026-01-01","reference":"`+strings.Repeat("é", 101)+`"}`)
	f.Fuzz(func(t *testing.T, body []byte) {
		fzInputWith(t, body, func(ch *domain.PaymentChange) error { return ch.Validate(fzToday) }, fzSanePaymentChange)
	})
}

func FuzzSpendInput(f *testing.F) {
	max := strconv.FormatInt(domain.MaxAmountPence, 10)
	line := func(c, n string) string { return `{"category":"` + c + `","amountPence":` + n + `}` }
	all := func(n string) string {
		var ls []string
		for _, c := range []string{"staff", "training", "equipment", "travel", "overheads", "other"} {
			ls = append(ls, line(c, n))
		}
		return strings.Join(ls, ",")
	}
	spend := func(start, end, lines string) string {
		return `{"periodStart":"` + start + `","periodEnd":"` + end + `","lines":[` + lines + `]}`
	}
	fzSeeds(f, fzSpendValid,
		spend("2024-01-01", "2024-12-31", line("staff", "0")), spend("2024-01-01", "2025-01-01", line("staff", "1")),
		spend("2023-01-01", "2023-12-31", line("staff", "1")), spend("2023-01-01", "2024-01-01", line("staff", "1")),
		spend("2024-01-02", "2024-01-01", line("staff", "1")), spend("2024-01-01", "2024-01-01", all("1")),
		spend("2024-01-01", "2024-01-31", all("1")+","+line("staff", "1")), spend("2024-01-01", "2024-01-31", line("Staff", "1")),
		spend("2024-01-01", "2024-01-31", line("staff", "1")+","+line("staff", "2")), spend("2024-01-01", "2024-01-31", line("", "1")),
		spend("2024-01-01", "2024-01-31", line("staff", "-1")), spend("2024-01-01", "2024-01-31", line("staff", max+"1")),
		spend("2024-01-01", "2024-01-31", ""), `{"periodStart":"2024-01-01","periodEnd":"2024-01-31","lines":null}`,
		// the most a return can hold, early and late in the longest grant
		spend("1900-01-01", "1900-01-31", all(max)), spend("1900-01-01", "1900-12-31", all(max)),
		spend("2026-01-01", "2026-03-31", all(max)), spend("2200-01-01", "2200-12-31", all(max)),
		spend("2200-12-31", "2200-12-31", line("other", max)))
	f.Fuzz(func(t *testing.T, body []byte) {
		fzInput[domain.SpendInput](t, body, fzSaneSpend)
	})
}

func FuzzScheduleInput(f *testing.F) {
	sch := func(freq, first, last, rest string) string {
		return `{"name":"S","frequency":"` + freq + `","firstPeriodStart":"` + first + `","lastPeriodEnd":"` + last + `"` + rest + `}`
	}
	fzSeeds(f, fzScheduleValid,
		sch("monthly", "2024-01-01", "2024-01-31", ``), sch("monthly", "2024-01-01", "2033-12-31", `,"dueDays":90`),
		sch("monthly", "2024-01-01", "2034-01-31", ``), sch("yearly", "2081-01-01", "2200-12-31", `,"dueDays":0`),
		sch("yearly", "2080-01-01", "2200-12-31", `,"dueDays":0`), sch("half-yearly", "2024-01-01", "2024-06-30", ``),
		sch("half-yearly", "2024-01-01", "2024-12-30", ``), sch("quarterly", "2024-01-02", "2024-03-31", ``),
		sch("quarterly", "2024-04-01", "2024-03-31", ``), sch("Quarterly", "2024-04-01", "2024-06-30", ``),
		sch("monthly", "2024-01-31", "2024-02-29", ``), sch("monthly", "1900-01-01", "1900-01-31", `,"dueDays":0`),
		// the last return due after 2200-12-31, and just in time
		sch("monthly", "2200-01-01", "2200-12-31", ``), sch("monthly", "2200-12-01", "2200-12-31", `,"dueDays":0`),
		sch("monthly", "2200-12-01", "2200-12-31", `,"dueDays":1`), sch("monthly", "2200-11-01", "2200-11-30", `,"dueDays":31`),
		sch("monthly", "2200-11-01", "2200-11-30", `,"dueDays":32`), sch("yearly", "2200-01-01", "2200-12-31", `,"dueDays":null`),
		sch("quarterly", "2200-07-01", "2200-09-30", `,"dueDays":90`), sch("quarterly", "2200-07-01", "2200-09-30", `,"dueDays":93`),
		sch("monthly", "2024-01-01", "2024-01-31", `,"dueDays":91`), sch("monthly", "2024-01-01", "2024-01-31", `,"dueDays":-1`),
		sch("monthly", "2024-01-01", "2024-01-31", `,"reminders":[]`), sch("monthly", "2024-01-01", "2024-01-31", `,"reminders":null`),
		sch("monthly", "2024-01-01", "2024-01-31", `,"reminders":[0,90]`), sch("monthly", "2024-01-01", "2024-01-31", `,"reminders":[7,7,91,-1]`),
		sch("monthly", "2024-01-01", "2024-01-31", `,"reminders":[1,2,3,4,5,6,7,8,9,10,11]`),
		sch("monthly", "2024-01-01", "2024-01-31", `,"projectIds":[]`), sch("monthly", "2024-01-01", "2024-01-31", `,"projectIds":null`),
		sch("monthly", "2024-01-01", "2024-01-31", `,"projectIds":["`+fzID1+`","`+fzID1+`"]`),
		sch("monthly", "2024-01-01", "2024-01-31", `,"projectIds":[`+strings.Repeat(`"`+fzID1+`",`, 200)+`"`+fzID2+`"]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		fzInput[domain.ScheduleInput](t, body, fzSaneScheduleInput)
	})
}

// fzScheduleBases are the schedules FuzzSchedulePatch patches: one of two
// years' quarters, and a yearly one a century on whose returns are due 90
// days after each year ends, so moving its end to 2200 is refused.
func fzScheduleBases() []domain.Schedule {
	at := time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)
	return []domain.Schedule{
		{ID: fzID1, Name: "Quarterly returns", Frequency: "quarterly", FirstPeriodStart: domain.MustDate("2024-04-01"),
			LastPeriodEnd: domain.MustDate("2026-03-31"), DueDays: 20, Reminders: []int64{7, 1}, ProjectIDs: []string{fzID2, fzID3},
			Version: 2, CreatedAt: at, UpdatedAt: at},
		{ID: fzID2, Name: "Yearly returns", Frequency: "yearly", FirstPeriodStart: domain.MustDate("2099-01-01"),
			LastPeriodEnd: domain.MustDate("2150-12-31"), DueDays: 90, Reminders: []int64{}, Version: 1, CreatedAt: at, UpdatedAt: at},
	}
}

// fzSchedulePatch runs the property for PATCH …/schedules/{id}, whose Apply
// patches the schedule and validates in one: as fzPatch, and the fields
// that lay out returns (frequency, first period, due days, projects) stay
// as they were unless the patch is refused, the last period ends no
// earlier than the first starts (it may move earlier: the service removes
// the returns after it), and the patched schedule passes fzSaneSchedule.
func fzSchedulePatch(t *testing.T, body []byte, base func() domain.Schedule) {
	t.Helper()
	patch, pristine, derr := fzDecodePatch[domain.SchedulePatch](t, body)
	before := base()
	after, perr := patch.Apply(before)
	if !reflect.DeepEqual(before, base()) {
		fzFail(t, "", "Apply changed the schedule it was given: %+v", before)
	}
	err := domain.MergeProblems(derr, perr)
	fzMerged(t, derr, err)
	if err != nil {
		fzCheckErr(t, "refusal", err)
		return
	}
	fzExact(t, body, &pristine)
	fixed := func(field string, sent bool, same bool) {
		if sent && !same {
			fzFail(t, "", "accepted a new %s, which lays out the returns", field)
		}
	}
	fixed("frequency", pristine.Frequency != nil, pristine.Frequency == nil || *pristine.Frequency == before.Frequency)
	fixed("firstPeriodStart", pristine.FirstPeriodStart != nil, pristine.FirstPeriodStart == nil || *pristine.FirstPeriodStart == before.FirstPeriodStart)
	fixed("dueDays", pristine.DueDays != nil, pristine.DueDays == nil || *pristine.DueDays == before.DueDays)
	fixed("projectIds", pristine.ProjectIDs != nil, pristine.ProjectIDs == nil || slices.Equal(*pristine.ProjectIDs, before.ProjectIDs))
	want := before
	if pristine.Name != nil {
		want.Name = *pristine.Name
	}
	if pristine.Reminders != nil {
		want.Reminders = *pristine.Reminders
	}
	if pristine.LastPeriodEnd != nil {
		want.LastPeriodEnd = *pristine.LastPeriodEnd
	}
	if !reflect.DeepEqual(after, want) {
		fzFail(t, "", "the patch gave %+v, want %+v", after, want)
	}
	fzNotBefore(t, "lastPeriodEnd", after.LastPeriodEnd, "firstPeriodStart", before.FirstPeriodStart)
	fzSaneSchedule(t, after)
	fzStorable(t, "value", reflect.ValueOf(after))
	back, _ := fzPatchRoundTrip(t, pristine)
	again, err := back.Apply(base())
	if err != nil || !reflect.DeepEqual(after, again) {
		fzFail(t, "", "round-tripped patch gives %+v, %v; want %+v", again, err, after)
	}
}

func FuzzSchedulePatch(f *testing.F) {
	fzPatchSeeds(f, fzScheduleValid,
		`{"lastPeriodEnd":"2027-03-31"}`, `{"lastPeriodEnd":"2025-03-31"}`, `{"lastPeriodEnd":"2027-03-30"}`, `{"lastPeriodEnd":"2200-12-31"}`,
		`{"lastPeriodEnd":"2199-12-31"}`, `{"lastPeriodEnd":"2200-09-30"}`, `{"lastPeriodEnd":"2150-12-31"}`, `{"lastPeriodEnd":"2054-03-31"}`,
		`{"lastPeriodEnd":"2200-12-31","reminders":[90]}`, `{"lastPeriodEnd":""}`, `{"lastPeriodEnd":null}`,
		`{"frequency":"yearly"}`, `{"frequency":"quarterly","firstPeriodStart":"2024-04-01","dueDays":20}`,
		`{"firstPeriodStart":"2099-01-01","dueDays":90,"frequency":"yearly"}`, `{"projectIds":["`+fzID2+`","`+fzID3+`"]}`,
		`{"projectIds":["`+fzID3+`","`+fzID2+`"]}`, `{"projectIds":[]}`, `{"reminders":[]}`, `{"reminders":null}`,
		`{"reminders":[0,90]}`, `{"reminders":[7,7]}`, `{"name":"   "}`, `{"name":null}`)
	bases := fzScheduleBases()
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, b := range bases {
			fzSchedulePatch(t, body, func() domain.Schedule {
				s := b
				s.Reminders, s.ProjectIDs = slices.Clone(b.Reminders), slices.Clone(b.ProjectIDs)
				return s
			})
		}
	})
}

func FuzzReviewInput(f *testing.F) {
	fzSeeds(f, fzReviewValid,
		`{"decision":"approve"}`, `{"decision":"approve","comment":""}`, `{"decision":"approve","comment":"Fine.\r\nThanks"}`,
		`{"decision":"request-changes"}`, `{"decision":"request-changes","comment":" \n\t "}`, `{"decision":"Approve"}`,
		`{"decision":"request-changes","comment":"`+strings.Repeat("ü", 2000)+`"}`,
		`{"decision":"request-changes","comment":"`+strings.Repeat("ü", 2001)+`"}`,
		`{"decision":"request-changes","comment":"Call Jo on 07700 900123"}`)
	f.Fuzz(func(t *testing.T, body []byte) {
		fzInput[domain.ReviewInput](t, body, fzSaneReview)
	})
}

// --- DecodeJSON itself ---

type fzLeaf struct {
	S   string       `json:"s"`
	N   int64        `json:"n"`
	I32 int32        `json:"i32"`
	I   int          `json:"i"`
	F   float64      `json:"f"`
	B   bool         `json:"b"`
	D   domain.Date  `json:"d"`
	PD  *domain.Date `json:"pd,omitempty" null:"clears"`
	PS  *string      `json:"ps,omitempty"`
	PN  *int64       `json:"pn" null:"absent"`
}

type fzTree struct {
	Name     string                               `json:"name"`
	Leaf     fzLeaf                               `json:"leaf"`
	PLeaf    *fzLeaf                              `json:"pleaf,omitempty"`
	Leaves   []fzLeaf                             `json:"leaves"`
	ByName   map[string]fzLeaf                    `json:"byName"`
	Grid     [][]int64                            `json:"grid"`
	Deep     map[string][]map[string]*fzLeaf      `json:"deep"`
	Counts   map[domain.Metric]int64              `json:"counts"`
	Tags     *[]string                            `json:"tags,omitempty" null:"clears"`
	Roles    []domain.Role                        `json:"roles"`
	Dates    map[string][]domain.Date             `json:"dates"`
	Nested   map[string]map[string]map[string]int `json:"nested"`
	Any      any                                  `json:"any"`
	Untagged string
	Skipped  string `json:"-"`
}

// FuzzDecodeJSONPaths decodes arbitrary JSON into a type with nested
// slices, maps and pointers: never a panic; a refusal names non-empty field
// paths; an accepted body decodes to exactly what the JSON says (checked
// against encoding/json's generic decoding) and survives a round trip.
func FuzzDecodeJSONPaths(f *testing.F) {
	for _, s := range []string{
		`{}`, `null`, `[]`, `""`, `0`, ``, `{"name":"x"}`,
		`{"name":"x","leaf":{"s":"a","n":1,"i32":2,"i":3,"f":1.5,"b":true,"d":"2024-01-01","pd":"2024-01-02","ps":"p","pn":-4}}`,
		`{"leaf":{"n":1e3,"i32":2147483648,"i":-0,"f":-0,"d":"2024-13-01","pd":null,"ps":null,"pn":null}}`,
		`{"leaf":{"n":9223372036854775807,"i32":-2147483648,"f":1e308,"d":""}}`,
		`{"leaf":{"n":9223372036854775808,"i32":1e10,"f":1e309,"b":"true","d":20240101}}`,
		`{"leaf":{"n":1.5,"i":"1","f":"1","s":1,"b":1,"d":null}}`,
		`{"leaves":[{"n":1},{"n":"x"},null,[],{"zz":1}],"byName":{"a":{"s":1},"":{"n":2},"a.b":{"x":1}}}`,
		`{"grid":[[1,2],[3,"4"],null,[null],[1e3,-0,1.0]],"counts":{"referrals":1,"x":"y"}}`,
		`{"deep":{"k":[{"j":{"n":1}},{"j":null},null,{"j":{"d":"x"}}]},"nested":{"a":{"b":{"c":1,"d":"e"}}}}`,
		`{"tags":null,"roles":[{"role":"lead","projectId":1}],"dates":{"x":["2024-01-01",""],"y":null}}`,
		`{"tags":["a",null,1],"any":{"x":[1,"2",null,true,{"y":1e400}]}}`,
		`{"any":1e400}`, `{"Untagged":"u","Skipped":"s","-":1,"NAME":"x"}`,
		`{"name":"a","name":"b","leaf":{"n":1},"leaf":{"s":"only"}}`,
		`{"name":"\u00e9\ud83d\ude80\u2028","leaf":{"s":"\ud800"}}`,
		`{"name":"x"} trailing`, `{"name":"x"}}`, `{"name":` + strings.Repeat(`[`, 300) + strings.Repeat(`]`, 300) + `}`,
		`{"grid":` + strings.Repeat(`[`, 10001) + strings.Repeat(`]`, 10001) + `}`,
		`{"leaf":{"n":0e999999999}}`, `{"leaf":{"n":123e-2}}`, `{"leaf":{"n":12300e-2}}`, `{"leaf":{"n":-1.23e2}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var v fzTree
		err := strict.JSON(body, &v)
		if err != nil {
			fzCheckErr(t, "DecodeJSON", err)
			return
		}
		fzExact(t, body, &v)
		data, jerr := json.Marshal(v)
		if jerr != nil {
			fzFail(t, "", "accepted value does not encode: %v", jerr)
		}
		var back fzTree
		if err := strict.JSON(data, &back); err != nil {
			fzFail(t, "", "re-encoded value does not decode: %v\njson: %s", err, data)
		}
		if !reflect.DeepEqual(v, back) {
			fzFail(t, "", "round trip changed the value\nbefore: %#v\nafter:  %#v", v, back)
		}
	})
}

var fzDateType = reflect.TypeFor[domain.Date]()

// fzExact checks that v, decoded from an accepted body, holds exactly what
// the body says. The oracle is jsontext in its strict default mode, which,
// unlike encoding/json, refuses a name given twice, bytes that are not
// UTF-8 and lone surrogate escapes: encoding/json shares those blind spots
// with a careless decoder (it keeps the last of two names and turns bad
// text into U+FFFD), so it could not catch them. encoding/json must accept
// the body as well: the two readers disagree on nothing else.
func fzExact(t *testing.T, body []byte, v any) {
	t.Helper()
	g, serr := fzStrict(body)
	if serr != nil {
		fzFail(t, "", "DecodeJSON accepted what a strict JSON reader refuses (%v): %q", serr, body)
	}
	if !json.Valid(body) {
		fzFail(t, "", "DecodeJSON accepted what encoding/json refuses: %q", body)
	}
	fzSame(t, "body", g, reflect.ValueOf(v).Elem())
}

// fzStrict reads exactly one JSON value with jsontext's defaults (no name
// twice in an object, valid UTF-8, no lone surrogate) into what
// encoding/json with UseNumber would give: maps, slices, strings, bools,
// nil and json.Number.
func fzStrict(body []byte) (any, error) {
	dec := jsontext.NewDecoder(bytes.NewReader(body))
	v, err := fzStrictValue(dec)
	if err != nil {
		return nil, err
	}
	if _, err := dec.ReadToken(); err != io.EOF {
		return nil, fmt.Errorf("more than one value (%v)", err)
	}
	return v, nil
}

func fzStrictValue(dec *jsontext.Decoder) (any, error) {
	tok, err := dec.ReadToken()
	if err != nil {
		return nil, err
	}
	switch tok.Kind() {
	case 'n':
		return nil, nil
	case 't', 'f':
		return tok.Bool(), nil
	case '"':
		return tok.String(), nil
	case '0':
		return json.Number(tok.String()), nil
	case '{':
		m := map[string]any{}
		for dec.PeekKind() != '}' {
			name, err := dec.ReadToken()
			if err != nil {
				return nil, err
			}
			if m[name.String()], err = fzStrictValue(dec); err != nil {
				return nil, err
			}
		}
		_, err := dec.ReadToken()
		return m, err
	case '[':
		a := []any{}
		for dec.PeekKind() != ']' {
			v, err := fzStrictValue(dec)
			if err != nil {
				return nil, err
			}
			a = append(a, v)
		}
		_, err := dec.ReadToken()
		return a, err
	}
	return nil, fmt.Errorf("unexpected %v", tok)
}

// fzSame checks that the decoded value v holds exactly what the generic
// decoding g (encoding/json with UseNumber) says: every whole number exactly,
// every string, bool and date as written.
func fzSame(t *testing.T, path string, g any, v reflect.Value) {
	t.Helper()
	if v.Kind() == reflect.Pointer {
		if g == nil {
			if !v.IsNil() {
				fzFail(t, "", "%s: null decoded as %v", path, v.Elem())
			}
			return
		}
		if v.IsNil() {
			fzFail(t, "", "%s: %v decoded as nil", path, g)
		}
		fzSame(t, path, g, v.Elem())
		return
	}
	switch {
	case v.Type() == fzDateType:
		s, ok := g.(string)
		if !ok || v.Interface().(domain.Date).String() != s {
			fzFail(t, "", "%s: %#v decoded as date %v", path, g, v.Interface())
		}
	case v.Kind() == reflect.Struct:
		m, ok := g.(map[string]any)
		if !ok {
			fzFail(t, "", "%s: %#v decoded as a struct", path, g)
		}
		byName := map[string]int{}
		for i := range v.NumField() {
			name, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("json"), ",")
			if name == "" {
				name = v.Type().Field(i).Name
			}
			byName[name] = i
		}
		for k, gv := range m {
			i, ok := byName[k]
			if !ok || k == "-" {
				fzFail(t, "", "%s: unknown field %q accepted", path, k)
			}
			if f := v.Field(i); gv == nil && f.Kind() == reflect.Pointer {
				// null for a pointer field means what its null tag says;
				// with none it must have been refused.
				switch tag := v.Type().Field(i).Tag.Get("null"); {
				case tag == "clears" && (f.IsNil() || !f.Elem().IsZero()):
					fzFail(t, "", "%s.%s: null (clears) decoded as %v, not the empty value", path, k, f)
				case tag == "absent" && !f.IsNil():
					fzFail(t, "", "%s.%s: null (absent) decoded as %v", path, k, f.Elem())
				case tag == "":
					fzFail(t, "", "%s.%s: null accepted for a field that cannot be null", path, k)
				}
				continue
			}
			fzSame(t, path+"."+k, gv, v.Field(i))
		}
	case v.Kind() == reflect.Slice:
		if g == nil {
			if !v.IsNil() {
				fzFail(t, "", "%s: null decoded as %v", path, v)
			}
			return
		}
		a, ok := g.([]any)
		if !ok || len(a) != v.Len() {
			fzFail(t, "", "%s: %#v decoded as %v", path, g, v)
		}
		for i := range a {
			fzSame(t, path+"["+strconv.Itoa(i)+"]", a[i], v.Index(i))
		}
	case v.Kind() == reflect.Map:
		if g == nil {
			if !v.IsNil() {
				fzFail(t, "", "%s: null decoded as %v", path, v)
			}
			return
		}
		m, ok := g.(map[string]any)
		if !ok || len(m) != v.Len() {
			fzFail(t, "", "%s: %#v decoded as %v", path, g, v)
		}
		for k, gv := range m {
			e := v.MapIndex(reflect.ValueOf(k).Convert(v.Type().Key()))
			if !e.IsValid() {
				fzFail(t, "", "%s: key %q lost", path, k)
			}
			fzSame(t, path+"."+k, gv, e)
		}
	case v.Kind() >= reflect.Int && v.Kind() <= reflect.Int64:
		n, ok := g.(json.Number)
		if !ok {
			fzFail(t, "", "%s: %#v decoded as the number %d", path, g, v.Int())
		}
		exact, isInt := fzExactInt(string(n))
		if !isInt || exact.Cmp(big.NewInt(v.Int())) != 0 {
			fzFail(t, "inexact-int", "%s: %s is not a whole number (or not exactly %d), yet decoded as %d", path, n, v.Int(), v.Int())
		}
	case v.Kind() == reflect.Float64:
		n, ok := g.(json.Number)
		f, err := strconv.ParseFloat(string(n), 64)
		if !ok || err != nil || f != v.Float() {
			fzFail(t, "", "%s: %#v decoded as %v", path, g, v.Float())
		}
	case v.Kind() == reflect.String:
		if s, ok := g.(string); !ok || s != v.String() {
			fzFail(t, "", "%s: %#v decoded as %q", path, g, v.String())
		}
	case v.Kind() == reflect.Bool:
		if b, ok := g.(bool); !ok || b != v.Bool() {
			fzFail(t, "", "%s: %#v decoded as %v", path, g, v.Bool())
		}
	}
}

// fzExactInt returns the exact value of a JSON number and whether it is a
// whole number, without ever building a huge power of ten.
func fzExactInt(num string) (*big.Int, bool) {
	mant, exp := num, 0
	if i := strings.IndexAny(num, "eE"); i >= 0 {
		mant = num[:i]
		e, err := strconv.Atoi(strings.TrimPrefix(num[i+1:], "+"))
		if err != nil {
			e = 1 << 30 // far out of range either way
			if strings.HasPrefix(num[i+1:], "-") {
				e = -e
			}
		}
		exp = e
	}
	if strings.Trim(mant, "-0.") == "" {
		return big.NewInt(0), true
	}
	if exp > 400 || exp < -400 { // non-zero: far too large, or a fraction
		return nil, false
	}
	r, ok := new(big.Rat).SetString(mant + "e" + strconv.Itoa(exp))
	if !ok || !r.IsInt() {
		return nil, false
	}
	return r.Num(), true
}
