package decode_test

import (
	"errors"
	"net/http/httptest"
	"runtime"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/decode"
	"github.com/fundtrack/fundtrack/shared/domain"
)

type decodeLeaf struct {
	S string `json:"s"`
	N int64  `json:"n"`
}

type decodeTree struct {
	Name   string                             `json:"name"`
	Leaf   *decodeLeaf                        `json:"leaf"`
	Leaves []decodeLeaf                       `json:"leaves"`
	ByName map[string][]map[string]decodeLeaf `json:"byName"`
	Counts map[domain.Metric]int64            `json:"counts"`
	Any    any                                `json:"any"`
}

// fieldsOf returns the sorted field paths of a validation error, or nil.
func fieldsOf(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	var e *domain.Error
	if !errors.As(err, &e) || e.Code != domain.CodeValidation {
		t.Fatalf("%v is not a validation error", err)
	}
	var out []string
	for k := range e.Fields {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestDecodeJSONReadsOneWay: names given twice, at any depth and however
// escaped, and strings that are not valid text are refused by path; what
// only looks odd (a surrogate pair, an escaped U+FFFD, the same name in
// different objects) is read as written.
func TestDecodeJSONReadsOneWay(t *testing.T) {
	t.Parallel()
	refused := []struct {
		body   string
		fields []string
	}{
		{`{"name":"a","name":"b"}`, []string{"name"}},
		{`{"name":"a","\u006eame":"b"}`, []string{"name"}},
		{`{"leaf":{"n":1,"n":2}}`, []string{"leaf.n"}},
		{`{"leaves":[{"s":"a"},{"s":"b","n":1,"s":"c"}]}`, []string{"leaves[1].s"}},
		{`{"byName":{"k":[{"x":{"n":1}},{"x":{"n":1},"x":{"n":2}}]}}`, []string{"byName.k[1].x"}},
		{`{"counts":{"referrals":1,"referrals":99999}}`, []string{"counts.referrals"}},
		{`{"any":{"a":1,"a":2}}`, []string{"any.a"}},
		{`{"any":[[{"":1,"":2}]]}`, []string{`any[0][0].""`}},
		{"{\"name\":\"\xc3\"}", []string{"name"}},
		{"{\"leaf\":{\"s\":\"a\xed\xb0\x80\"}}", []string{"leaf.s"}},
		{`{"leaves":[{"s":"\ud800"}]}`, []string{"leaves[0].s"}},
		{`{"name":"\udfff\ud800"}`, []string{"name"}},
		{`{"name":"\ud800\u0041"}`, []string{"name"}},
		{`{"any":"\ud800"}`, []string{"any"}},
		{`{"name":"ok"}{"name":"again"}`, []string{domain.BodyField}},
		{"\ufeff{}", []string{domain.BodyField}},
		{`{"name":"a",}`, []string{domain.BodyField}},
	}
	for _, c := range refused {
		var v decodeTree
		if got := fieldsOf(t, decode.JSON([]byte(c.body), &v)); !slices.Equal(got, c.fields) {
			t.Errorf("DecodeJSON(%q) names %v, want %v", c.body, got, c.fields)
		}
	}

	var v decodeTree
	body := `{"name":"\ud83d\ude80 \ufffd é","leaf":{"s":"s","n":1},"leaves":[{"s":"s"},{"s":"s"}],"any":{"a":{"a":1}}}`
	if err := decode.JSON([]byte(body), &v); err != nil {
		t.Fatalf("DecodeJSON(%s): %v", body, err)
	}
	if v.Name != "🚀 \ufffd é" || v.Leaf.N != 1 || len(v.Leaves) != 2 || v.Any.(map[string]any)["a"].(map[string]any)["a"] != 1.0 {
		t.Errorf("decoded %+v", v)
	}
}

// TestDecodeJSONNotJSONNamedAlone: a body refused as a whole (not JSON,
// not an object) is named alone, "body", even when a name given twice or a
// name or string that is not valid text was read before the syntax error
// or inside the array: the service's merged answer (domain.MergeProblems)
// names body alone, so the decoder naming more gave one body two answers
// (FuzzProgrammeInput/b4fcb576c159aa47 and the other input targets'
// crashers: {"":"","":000 named "" beside body, {"\xff" named "\ufffd";
// FuzzReviewInput/a04dbc0227b58ba8: [{"":"","":""}] named [0]."").
func TestDecodeJSONNotJSONNamedAlone(t *testing.T) {
	t.Parallel()
	for _, body := range []string{
		`{"":"","":000`,
		`{"name":"a","name":"b"`,
		`{"name":"a","name":"b"} x`,
		"{\"\xff\"",
		"{\"name\":\"\xc3\",",
		`{"leaves":[{"s":"\ud800"}],`,
		`{"any":[[{"":1,"":2}]]}{}`,
		`{"counts":{"referrals":1,"referrals":2}},`,
		`{"body":1,"body":2`,
		`[{"":"","":""}]`,
		`[{"name":"\ud800"},{"x":1,"x":2}]`,
		"\"\xff\"",
		`null`,
		`[` + strings.Repeat(`{"a":1,"a":2},`, 150) + `{}]`,
		`[` + strings.Repeat(`{"a":1,"a":2},`, 150), // past MaxProblems before the syntax error
	} {
		var v decodeTree
		err := decode.JSON([]byte(body), &v)
		if got := fieldsOf(t, err); !slices.Equal(got, []string{domain.BodyField}) {
			t.Errorf("DecodeJSON(%q) names %v, want only body: %v", body, got, err)
		}
		if merged := fieldsOf(t, domain.MergeProblems(err, nil)); !slices.Equal(merged, []string{domain.BodyField}) {
			t.Errorf("DecodeJSON(%q) merged names %v", body, merged)
		}
	}
	// The same faults in a body that is JSON are still named by path.
	var v decodeTree
	if got := fieldsOf(t, decode.JSON([]byte(`{"name":"a","name":"b","leaves":[{"s":"\ud800"}]}`), &v)); !slices.Equal(got, []string{"leaves[0].s", "name"}) {
		t.Errorf("a JSON body with a name twice and bad text names %v", got)
	}
}

// decodePatch is a PATCH body: pointers tell a field not sent from one sent.
type decodePatch struct {
	Title   *string       `json:"title"`
	Amount  *int64        `json:"amount"`
	Area    *string       `json:"area" null:"clears"`
	Lines   *[]decodeLeaf `json:"lines" null:"clears"`
	DueDays *int64        `json:"dueDays" null:"absent"`
	Leaf    *decodeLeaf   `json:"leaf"`
}

// TestDecodeJSONNullForPointers: null for a pointer field never quietly
// reads as "not sent". Without a null tag it is refused by path; with
// null:"clears" it is the field's empty value; with null:"absent" it is
// the same as not sending the field.
func TestDecodeJSONNullForPointers(t *testing.T) {
	t.Parallel()
	var v decodePatch
	err := decode.JSON([]byte(`{"title":null,"amount":null,"leaf":null,"area":"x","lines":[{"n":1}],"dueDays":3}`), &v)
	if got, want := fieldsOf(t, err), []string{"amount", "leaf", "title"}; !slices.Equal(got, want) {
		t.Fatalf("null for fields that cannot be null names %v, want %v", got, want)
	}
	var e *domain.Error
	if errors.As(err, &e) && e.Fields["title"] != "must not be null" {
		t.Errorf("title: %q, want %q", e.Fields["title"], "must not be null")
	}

	v = decodePatch{}
	if err := decode.JSON([]byte(`{"area":null,"lines":null,"dueDays":null}`), &v); err != nil {
		t.Fatalf("null for clearable and defaulted fields: %v", err)
	}
	if v.Area == nil || *v.Area != "" || v.Lines == nil || len(*v.Lines) != 0 {
		t.Errorf("null:\"clears\" fields read as %v, %v; want the empty value, sent", v.Area, v.Lines)
	}
	if v.DueDays != nil || v.Title != nil {
		t.Errorf("null:\"absent\" and unsent fields read as %v, %v; want not sent", v.DueDays, v.Title)
	}
}

type decodeScore struct {
	Name  string  `json:"name"`
	Score float64 `json:"score" required:"true"`
}

// TestDecodeJSONRequiredTag: a field tagged required:"true", whose zero
// is a real value, is named when the body leaves it out, at any depth; a
// zero sent is read as sent.
func TestDecodeJSONRequiredTag(t *testing.T) {
	t.Parallel()
	var v struct {
		Scores []decodeScore `json:"scores"`
	}
	err := decode.JSON([]byte(`{"scores":[{"name":"a","score":0},{"name":"b"}]}`), &v)
	if got, want := fieldsOf(t, err), []string{"scores[1].score"}; !slices.Equal(got, want) {
		t.Fatalf("a missing required field names %v, want %v", got, want)
	}
	var e *domain.Error
	if errors.As(err, &e) && e.Fields["scores[1].score"] != "required" {
		t.Errorf("scores[1].score: %q, want %q", e.Fields["scores[1].score"], "required")
	}
	var one decodeScore
	if err := decode.JSON([]byte(`{"name":"a","score":0}`), &one); err != nil || one.Score != 0 {
		t.Errorf("a zero sent: %v %v", one, err)
	}
}

// TestDecodeJSONReadOnlyTag: a field tagged readonly is refused, in the
// words of domain.RecordedProblem for the source its tag names,
// whatever is sent for it (a value, null, "", another type), the
// rest of the body still read; left out, it is no problem.
func TestDecodeJSONReadOnlyTag(t *testing.T) {
	t.Parallel()
	type recorded struct {
		Kind string      `json:"kind"`
		End  domain.Date `json:"end,omitzero" readonly:"file"`
		Box  *string     `json:"box" readonly:"box"`
	}
	for _, body := range []string{`{"kind":1,"end":null}`, `{"kind":1,"end":""}`, `{"kind":1,"end":"2025-06-30"}`,
		`{"kind":1,"end":"June"}`, `{"kind":1,"end":20250630}`, `{"kind":1,"end":{}}`} {
		var v recorded
		err := decode.JSON([]byte(body), &v)
		var e *domain.Error
		if !errors.As(err, &e) || len(e.Fields) != 2 || e.Fields["end"] != domain.RecordedProblem("file") || e.Fields["kind"] == "" {
			t.Errorf("%s: %v, want end refused as read-only beside kind", body, err)
		}
		if !v.End.IsZero() {
			t.Errorf("%s: the read-only field was set to %v", body, v.End)
		}
	}
	var v recorded
	if err := decode.JSON([]byte(`{"box":null}`), &v); !slices.Equal(fieldsOf(t, err), []string{"box"}) {
		t.Errorf("null for a read-only pointer: %v", err)
	}
	if err := decode.JSON([]byte(`{"kind":"date"}`), &v); err != nil || v.Kind != "date" {
		t.Errorf("a body leaving the read-only fields out: %v %+v", err, v)
	}
}

// TestReadOnlyTriggerFieldsOneWording: each read-only field of a payment's
// trigger is refused in the same words whether the decoder catches it (a
// body that sends it) or PaymentInput.Validate does (one set all the
// same): the tag names where fundtrack records it from, as Validate does.
func TestReadOnlyTriggerFieldsOneWording(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		field, sent string
		set         func(*domain.Trigger)
	}{
		{"periodEnd", `"2025-06-30"`, func(tr *domain.Trigger) { tr.PeriodEnd = domain.MustDate("2025-06-30") }},
		{"targetMetric", `"referrals"`, func(tr *domain.Trigger) { tr.TargetMetric = domain.MetricReferrals }},
		{"targetValue", `40`, func(tr *domain.Trigger) { tr.TargetValue = 40 }},
		{"targetProjectId", `"p1"`, func(tr *domain.Trigger) { tr.TargetProjectID = "p1" }},
	} {
		var in domain.PaymentInput
		err := decode.JSON([]byte(`{"amountPence":100,"dueDate":"2026-12-31","trigger":{"kind":"date","`+c.field+`":`+c.sent+`}}`), &in)
		var byDecoder, byValidate *domain.Error
		if !errors.As(err, &byDecoder) {
			t.Fatalf("%s sent: %v, want refused", c.field, err)
		}
		tr := domain.Trigger{Kind: domain.TriggerDate}
		c.set(&tr)
		in = domain.PaymentInput{AmountPence: 100, DueDate: domain.MustDate("2026-12-31"), Trigger: &tr}
		if err := in.Validate(); !errors.As(err, &byValidate) {
			t.Fatalf("%s set: %v, want refused", c.field, err)
		}
		path := "trigger." + c.field
		if got, want := byDecoder.Fields[path], byValidate.Fields[path]; got == "" || got != want {
			t.Errorf("%s: the decoder says %q, Validate %q", path, got, want)
		}
	}
}

// TestDecodeJSONBoundsHostileBodies: a body under the 64 KiB limit costs a
// bounded answer and bounded work however it is built. Nesting past 16
// levels is refused as a whole, named alone (body); a long member name is
// cut short in the paths that name it; at most MaxProblems fields are
// named. Before these bounds, 6,000 nested objects each with a badly
// written name (64 KiB) answered with 6,000 fields on paths up to 12,000
// names long (70 MB), and 600 badly written strings under a 60,000-byte
// name took 40 MB to read and, even at 100 fields, 6 MB to answer.
func TestDecodeJSONBoundsHostileBodies(t *testing.T) {
	nested := func(n int) string {
		return `{"any":` + strings.Repeat(`[`, n) + strings.Repeat(`]`, n) + `}`
	}
	var v decodeTree
	if err := decode.JSON([]byte(nested(15)), &v); err != nil {
		t.Errorf("16 levels (an object, then 15 arrays): %v", err)
	}
	var e *domain.Error
	if err := decode.JSON([]byte(nested(16)), &v); !errors.As(err, &e) || len(e.Fields) != 1 ||
		e.Fields[domain.BodyField] != "nests arrays and objects more than 16 levels deep" {
		t.Errorf("17 levels: %v %v, want body refused as nested too deeply", err, e)
	}

	const limit = 64 << 10
	answer := func(err error) int {
		n := 0
		if errors.As(err, &e) {
			for k, m := range e.Fields {
				n += len(k) + len(m)
			}
		}
		return n
	}
	badNames := strings.Repeat(`{"\ud800":`, 6000) + "1" + strings.Repeat(`}`, 6000)
	err := decode.JSON([]byte(badNames), &v)
	if got := fieldsOf(t, err); !slices.Equal(got, []string{domain.BodyField}) || answer(err) > 4<<10 {
		t.Errorf("6,000 nested bad names: %v, %d bytes; want body alone (TestDecodeJSONNotJSONNamedAlone)", got, answer(err))
	}

	long := strings.Repeat("é", 30000)
	elems := strings.TrimSuffix(strings.Repeat(`"\ud800",`, (limit-len(long)-10)/9), ",")
	body := `{"` + long + `":[` + elems + `]}`
	if len(body) > limit {
		t.Fatalf("body of %d bytes is over the limit", len(body))
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	err = decode.JSON([]byte(body), &v)
	runtime.ReadMemStats(&after)
	got := fieldsOf(t, err)
	cut := strings.Repeat("é", 32) + "…"
	if len(got) != domain.MaxProblems || answer(err) > 32<<10 || !slices.Contains(got, cut+"[0]") {
		t.Errorf("%d bad elements under a 60,000-byte name: %d fields, %d bytes, %v…; want %d, under 32 KiB, named %s[0]…",
			strings.Count(elems, ","), len(got), answer(err), got[:min(3, len(got))], domain.MaxProblems, cut)
	}
	if used := after.TotalAlloc - before.TotalAlloc; used > 16*limit { // about 170 bytes per element read; the paths of old cost 60 KB each
		t.Errorf("reading a %d-byte body allocated %d bytes", len(body), used)
	}
	odd := "a" + strings.Repeat("é", 40) // the cut falls inside an é: it moves back to the rune's start
	if got := fieldsOf(t, decode.JSON([]byte(`{"`+odd+`":1}`), &v)); len(got) != 1 || got[0] != "a"+strings.Repeat("é", 31)+"…" {
		t.Errorf("unknown field %q named %q", odd, got)
	}
}

// TestParseQuery: a query string that url.Values would half read is
// refused naming the parameter; a clean one reads as usual.
func TestParseQuery(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		query  string
		fields []string
	}{
		{"cursor=%%%", []string{"cursor"}},
		{"limit=%zz", []string{"limit"}},
		{"limit=5&cursor=%", []string{"cursor"}},
		{"%zz=1", []string{"query"}},
		{"limit=1;cursor=x", []string{"query"}},
		{"limit=5&limit=100", []string{"limit"}},
		{"user=%ff%fe", []string{"user"}},
		// The empty name is named visibly, as decode.JSON names it
		// (FuzzQuery/bug-empty-name).
		{"=1&=2", []string{`""`}},
		{"=%zz", []string{`""`}},
		// Every bad parameter, not only those url.ParseQuery reported
		// before it gave up (FuzzQuery/bug-every-parameter).
		{"a=%zz&%ff=1&c=%ff&d=1&d=2", []string{"a", "c", "d", "query"}},
		{"", nil},
		{"limit=5&cursor=abc%3D&user=jo%40example.org", nil},
	} {
		r := httptest.NewRequest("GET", "/programmes?"+c.query, nil)
		q, err := decode.Query(r)
		if got := fieldsOf(t, err); !slices.Equal(got, c.fields) {
			t.Errorf("ParseQuery(%q) names %v, want %v", c.query, got, c.fields)
		}
		if err == nil && c.query != "" && (q.Get("limit") != "5" || q.Get("cursor") != "abc=" || q.Get("user") != "jo@example.org") {
			t.Errorf("ParseQuery(%q) = %v", c.query, q)
		}
	}
}

// TestDecodeDateProblems: a date in the right form but outside the years
// fundtrack takes is told so, by path; anything else is told the form.
func TestDecodeDateProblems(t *testing.T) {
	t.Parallel()
	for body, want := range map[string]string{
		`{"d":"1899-12-31"}`: "is outside the years 1900-2200",
		`{"d":"2201-01-01"}`: "is outside the years 1900-2200",
		`{"d":"2025-02-30"}`: "must be a date in the form YYYY-MM-DD",
		`{"d":"31/12/2025"}`: "must be a date in the form YYYY-MM-DD",
	} {
		var v struct {
			D domain.Date `json:"d"`
		}
		var e *domain.Error
		if err := decode.JSON([]byte(body), &v); !errors.As(err, &e) || e.Fields["d"] != want {
			t.Errorf("%s: %v, want d %q", body, err, want)
		}
	}
}

// TestDecodeJSONTooLargeIsNotAFraction: a whole number too large for the
// field, however written (25 digits, 1e30, negative), is named too large,
// not "must be a whole number", which it is; a fraction is not whole.
func TestDecodeJSONTooLargeIsNotAFraction(t *testing.T) {
	t.Parallel()
	for body, want := range map[string]string{
		`{"counts":{"referrals":9999999999999999999999999}}`:  "is too large",
		`{"counts":{"referrals":1e30}}`:                       "is too large",
		`{"counts":{"referrals":-9999999999999999999999999}}`: "is too large",
		`{"leaf":{"n":99999999999999999999}}`:                 "is too large",
		`{"counts":{"referrals":1.5}}`:                        "must be a whole number",
		`{"counts":{"referrals":1e-30}}`:                      "must be a whole number",
	} {
		var v decodeTree
		err := decode.JSON([]byte(body), &v)
		var e *domain.Error
		if !errors.As(err, &e) || len(e.Fields) != 1 {
			t.Errorf("%s: %v, want one field refused", body, err)
			continue
		}
		for f, got := range e.Fields {
			if got != want {
				t.Errorf("%s: %s %q, want %q", body, f, got, want)
			}
		}
	}
}

// TestCanonical: bodies that differ only in member order, white space or
// string escapes have one canonical form; any other difference, numbers
// written otherwise among them, shows; a body that does not read one way
// has none.
func TestCanonical(t *testing.T) {
	t.Parallel()
	canon := func(s string) string {
		t.Helper()
		out, ok := decode.Canonical([]byte(s))
		if !ok {
			t.Fatalf("%s: no canonical form", s)
		}
		return string(out)
	}
	want := `{"a":[1,{"x":null,"y":true}],"b":"café\n","c":1.50}`
	for _, s := range []string{
		want,
		` { "c" : 1.50 , "b" : "caf\u00e9\n", "a" : [ 1 , { "y" : true , "x" : null } ] } `,
		"{\n\t\"b\":\"caf\u00e9\\u000a\",\"c\":1.50,\"\\u0061\":[1,{\"y\":true,\"x\":null}]}",
	} {
		if got := canon(s); got != want {
			t.Errorf("%s: %s, want %s", s, got, want)
		}
	}
	for _, other := range []string{`{"a":[{"x":null,"y":true},1],"b":"café\n","c":1.50}`, `{"a":[1,{"x":null,"y":true}],"b":"café\n","c":1.5}`} {
		if canon(other) == want {
			t.Errorf("%s has the canonical form of %s", other, want)
		}
	}
	for _, bad := range []string{``, `{"a":1,"a":1}`, `{"a":"\ud800"}`, "{\"a\":\"\xff\"}", `{}{}`, `{"a":`, strings.Repeat("[", 20) + strings.Repeat("]", 20)} {
		if out, ok := decode.Canonical([]byte(bad)); ok || out != nil {
			t.Errorf("%q: canonical form %s, want none", bad, out)
		}
	}
}

// TestVersion: a version is read only as the server writes it: a whole
// number, 0 or more, in plain decimal digits.
func TestVersion(t *testing.T) {
	for s, want := range map[string]int64{"0": 0, "1": 1, "42": 42, "9223372036854775807": 9223372036854775807} {
		if v, ok := decode.Version(s); !ok || v != want {
			t.Errorf("Version(%q) = %d, %v; want %d", s, v, ok, want)
		}
	}
	for _, s := range []string{"", "-1", "-0", "+1", "01", "00", "1.0", "1e3", " 1", "1 ", "0x1", "١", "１", "9223372036854775808", "abc"} {
		if v, ok := decode.Version(s); ok {
			t.Errorf("Version(%q) = %d, want refused", s, v)
		}
	}
}

// TestDecodeJSONWholeBodyNameIsNoField: a body refused as a whole is named
// domain.BodyField, "$", which no field's path can be. It was "body", so
// a request with a top-level field "body" could not be told from a body
// that is not JSON; and a top-level member named "$" is named "\"$\"", as
// one named "" is "\"\"", not "$".
func TestDecodeJSONWholeBodyNameIsNoField(t *testing.T) {
	t.Parallel()
	type withBody struct {
		Body string `json:"body"`
	}
	for _, c := range []struct {
		body string
		want []string
	}{
		{`{"body": 5}`, []string{"body"}},
		{`{"body": "a", "body": "b"}`, []string{"body"}},
		{`[]`, []string{domain.BodyField}},
		{`{"body": "a"`, []string{domain.BodyField}},
		{`{"$": 1}`, []string{`"$"`}},
		{`{"body": 5, "$": 1}`, []string{`"$"`, "body"}},
	} {
		var v withBody
		if got := fieldsOf(t, decode.JSON([]byte(c.body), &v)); !slices.Equal(got, c.want) {
			t.Errorf("JSON(%s) names %q, want %q", c.body, got, c.want)
		}
	}
	if domain.BodyField == "body" || domain.BodyField == "" {
		t.Errorf("BodyField = %q: a field may have that name", domain.BodyField)
	}
	var v decodeTree
	if got := fieldsOf(t, decode.JSON([]byte(`{"leaf": {"$": 1}}`), &v)); !slices.Equal(got, []string{"leaf.$"}) {
		t.Errorf(`{"leaf": {"$": 1}} names %q, want leaf.$ (only the top level is quoted)`, got)
	}
}
