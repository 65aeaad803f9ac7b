package httpapi_test

// Fuzz targets for every request decoder and validator: one per input type,
// each fed raw request bodies, checking that "decode, then validate, merged
// like the service does" never panics and either refuses the body with a 4xx
// validation error naming each bad field, or accepts a value that re-validates,
// survives a JSON round trip, and obeys the SPEC's rules when checked
// independently of Validate (those checks are in fuzz_oracles_test.go).
// FuzzDecodeJSONPaths (fuzz_decode_test.go) fuzzes DecodeJSON itself over a
// type with nested slices, maps and pointers.
//
// The seed corpora (f.Add below and testdata/fuzz/<FuzzName>/) run as
// ordinary tests in `go test ./...`. See docs/fuzzing.md for fuzzing runs.

import (
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

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
