// Package decode reads what clients send — JSON bodies, query strings and
// the request's target — one way only: strictly, naming every bad field by its path, and refusing
// anything a careless reader could read two ways (a name given twice,
// bytes that are not UTF-8, lone surrogates, unparseable or repeated query
// parameters). The JSON API and the web forms both read through it.
package decode

import (
	"bytes"
	"encoding"
	"errors"
	"io"
	"math"
	"net/http"
	"net/url"
	"path"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-json-experiment/json/jsontext"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// maxListLen bounds every JSON array in a request, long before the body limit
// would, so a hostile body cannot make us allocate much.
const maxListLen = 1000

// maxDepth bounds how deeply a body's arrays and objects nest. fundtrack's
// deepest body nests three levels ({"roles":[{"projectId":…}]}); without a
// bound a 64 KiB body of 6,000 objects, each with a badly written member
// name, was read to the end and named 6,000 problems on paths up to 12,000
// names long: a 70 MB error that took a second to write.
const maxDepth = 16

var textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()

// JSON fills v (a pointer to a struct) from data, refusing unknown
// fields and wrong types. Unlike encoding/json it does not stop at the first
// problem: the validation error names every bad field by its JSON path
// ("roles[0].projectId", "counts.referrals"), so a client fixes them all at once.
//
// It also refuses a body that a careless reader could read two ways, which
// encoding/json quietly reads one way: a name given twice in one object
// (encoding/json keeps the last, so {"counts":{"peopleIntoWork":1},
// "counts":{"peopleIntoWork":99999}} counted 99,999), and strings that are
// not UTF-8 or hold a lone surrogate escape such as "\ud800" (encoding/json
// turns both into U+FFFD, so no later check could see them). Each is named
// by its path. null for a pointer field (a PATCH's "not sent") is refused
// unless the field says what null means (see nullField). A field tagged
// readonly:"source" is one fundtrack records itself, from source (a payment
// trigger's periodEnd, from the return): anything sent for it, null or a
// value of any type, is refused naming the field, in the words the domain's
// own check uses (domain.RecordedProblem). The JSON is read once, by
// jsontext's RFC 8259 tokenizer.
//
// A body refused as a whole (not JSON, nested too deeply, null, not an
// object) is named alone, domain.BodyField ("$": refuse).
func JSON(data []byte, v any) error {
	p := domain.Problems{}
	root := parseJSON(data, p)
	if root == nil {
		return p.Err()
	}
	decodeValue(root, reflect.ValueOf(v).Elem(), "", p)
	return p.Err()
}

// jsonNode is one JSON value as read from a request body.
type jsonNode struct {
	kind  jsontext.Kind // 'n' null, 't' true, 'f' false, '"' string, '0' number, '{' object, '[' array
	text  string        // a string's value or a number's literal
	names []string      // an object's member names, in order, each once
	elems []*jsonNode   // an object's member values (by names) or an array's elements
}

const (
	// ProblemTwice is what a name given twice is told: a JSON member, a
	// query parameter, and (in the web app's words) a form's field.
	ProblemTwice   = "appears more than once"
	problemBadText = "must be valid UTF-8 text: no invalid bytes and no unpaired surrogate escape such as \\ud800"
)

// errBadText marks a string that is well-formed JSON but not valid text.
var errBadText = errors.New("invalid UTF-8 or unpaired surrogate")

// parseJSON reads data as exactly one JSON value. Syntax errors refuse the
// whole body; a repeated name or a string that is not valid text is
// recorded against its path and reading goes on, so the rest of the body is
// still checked. It returns nil when the body is not JSON at all.
func parseJSON(data []byte, p domain.Problems) *jsonNode {
	// Duplicate names and bad text are let through the tokenizer so that
	// they are found here, where the field's path is known.
	dec := jsontext.NewDecoder(bytes.NewReader(data), jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true))
	root, err := readNode(dec, nil, p)
	if err == nil {
		// One value only: jsontext reads a stream, so "{}{}" is two values.
		if _, err = dec.ReadToken(); err == io.EOF {
			return root
		}
	}
	if err == errTooDeep {
		refuse(p, "", "nests arrays and objects more than "+strconv.Itoa(maxDepth)+" levels deep")
		return nil
	}
	refuse(p, "", "is not valid JSON")
	return nil
}

// Canonical is data written one way, when it is a body JSON reads one
// way: its objects' members in order of name, no white space, each
// string in jsontext's escaping, each number as written. Two bodies that
// differ only in member order, white space or string escapes ("n\u0061me"
// for "name") have one canonical form. ok is false (and out nil) for
// data that is not such a body: not JSON, nested too deeply, a name given
// twice, text that is not valid UTF-8 — whose bytes are then all there is
// to compare.
func Canonical(data []byte) (out []byte, ok bool) {
	p := domain.Problems{}
	root := parseJSON(data, p)
	if root == nil || len(p) > 0 {
		return nil, false
	}
	out, err := appendCanonical(nil, root)
	if err != nil {
		return nil, false
	}
	return out, true
}

func appendCanonical(b []byte, n *jsonNode) ([]byte, error) {
	var err error
	switch n.kind {
	case '"':
		return jsontext.AppendQuote(b, n.text)
	case '{':
		order := make([]int, len(n.names))
		for i := range order {
			order[i] = i
		}
		slices.SortFunc(order, func(i, j int) int { return strings.Compare(n.names[i], n.names[j]) })
		b = append(b, '{')
		for k, i := range order {
			if k > 0 {
				b = append(b, ',')
			}
			if b, err = jsontext.AppendQuote(b, n.names[i]); err != nil {
				return nil, err
			}
			b = append(b, ':')
			if b, err = appendCanonical(b, n.elems[i]); err != nil {
				return nil, err
			}
		}
		return append(b, '}'), nil
	case '[':
		b = append(b, '[')
		for i, e := range n.elems {
			if i > 0 {
				b = append(b, ',')
			}
			if b, err = appendCanonical(b, e); err != nil {
				return nil, err
			}
		}
		return append(b, ']'), nil
	}
	return append(b, n.text...), nil // a number as written, or a literal
}

// errTooDeep stops reading a body nested more than maxDepth levels.
var errTooDeep = errors.New("nested too deeply")

// place is where readNode is in the body: a link to the enclosing value's
// place, written out as a path ("roles[0].projectId") only when a problem
// names it. Building each value's path as a string as it was read cost
// time and memory in the square of the depth, and in a long member name
// times the elements under it.
type place struct {
	up    *place
	name  string // a member's name; or
	index int    // an element's index, when elem
	elem  bool
	depth int
}

func (w *place) member(name string) *place {
	return &place{up: w, name: name, depth: w.level() + 1}
}

func (w *place) element(i int) *place {
	return &place{up: w, index: i, elem: true, depth: w.level() + 1}
}

// level is how many arrays and objects enclose the value at w.
func (w *place) level() int {
	if w == nil {
		return 0
	}
	return w.depth
}

// String is the path as decodeValue writes it, "" at the top.
func (w *place) String() string {
	if w == nil {
		return ""
	}
	if w.elem {
		return w.up.String() + "[" + strconv.Itoa(w.index) + "]"
	}
	return fieldPath(w.up.String(), w.name)
}

// readNode reads one value, and everything in it, at place at.
func readNode(dec *jsontext.Decoder, at *place, p domain.Problems) (*jsonNode, error) {
	switch kind := dec.PeekKind(); kind {
	case '"':
		s, err := readString(dec)
		if err == errBadText {
			refuse(p, at.String(), problemBadText)
		} else if err != nil {
			return nil, err
		}
		return &jsonNode{kind: kind, text: s}, nil
	case '{':
		if at.level() == maxDepth {
			return nil, errTooDeep
		}
		if _, err := dec.ReadToken(); err != nil {
			return nil, err
		}
		n := &jsonNode{kind: kind}
		seen := map[string]bool{}
		for dec.PeekKind() != '}' {
			name, err := readString(dec)
			if err != nil && err != errBadText {
				return nil, err
			}
			member := at.member(name)
			if err == errBadText {
				p.Add(member.String(), "has a name that "+problemBadText)
			}
			val, err := readNode(dec, member, p)
			if err != nil {
				return nil, err
			}
			if seen[name] {
				p.Add(member.String(), ProblemTwice)
				continue
			}
			seen[name] = true
			n.names, n.elems = append(n.names, name), append(n.elems, val)
		}
		_, err := dec.ReadToken()
		return n, err
	case '[':
		if at.level() == maxDepth {
			return nil, errTooDeep
		}
		if _, err := dec.ReadToken(); err != nil {
			return nil, err
		}
		n := &jsonNode{kind: kind}
		for dec.PeekKind() != ']' {
			val, err := readNode(dec, at.element(len(n.elems)), p)
			if err != nil {
				return nil, err
			}
			n.elems = append(n.elems, val)
		}
		_, err := dec.ReadToken()
		return n, err
	default: // a number or literal; anything else is a syntax error from ReadToken
		tok, err := dec.ReadToken()
		if err != nil {
			return nil, err
		}
		return &jsonNode{kind: tok.Kind(), text: tok.String()}, nil
	}
}

// readString reads a string (a value or an object's member name) and
// unquotes it strictly: errBadText if it is not valid UTF-8 or holds an
// unpaired surrogate, which the decoder (allowing them) let through.
func readString(dec *jsontext.Decoder) (string, error) {
	raw, err := dec.ReadValue()
	if err != nil {
		return "", err
	}
	if len(raw) == 0 || raw[0] != '"' {
		return "", errors.New("object member name is not a string")
	}
	s, err := jsontext.AppendUnquote(nil, raw)
	if err != nil {
		return string(s), errBadText
	}
	return string(s), nil
}

// maxNameInPath bounds a member name as an error's path writes it. No
// field fundtrack knows has a longer name; a hostile body's 60,000-byte name
// would otherwise be written out again in the path of every problem under it.
const maxNameInPath = 64

func fieldPath(parent, name string) string {
	switch {
	case name == "": // a key "" still needs a visible name in the error
		name = `""`
	case parent == "" && name == domain.BodyField:
		// A top-level member named "$" (an unknown field, refused by
		// name) is not the body as a whole, which "$" names.
		name = `"$"`
	}
	if len(name) > maxNameInPath {
		cut := maxNameInPath
		for cut > 0 && !utf8.RuneStart(name[cut]) {
			cut--
		}
		name = name[:cut] + "…"
	}
	if parent == "" {
		return name
	}
	return parent + "." + name
}

// refuse records what is wrong with the value at path. At the top (path
// "") that is the body as a whole: not JSON, nested too deeply, null, not
// an object. Such a body is named alone, domain.BodyField, "$" (the last such problem
// replacing any found before): what was read in it (a name given twice, a
// name or string that is not valid text) is not named beside it, as the
// service's merged answer (domain.MergeProblems) names nothing else
// either, and one body gets one answer (FuzzProgrammeInput/b4fcb576c159aa47:
// {"":"","":000 named "" beside body; FuzzReviewInput/a04dbc0227b58ba8:
// [{"":"","":""}] named [0]."").
func refuse(p domain.Problems, path, problem string) {
	if path == "" {
		clear(p)
		p[domain.BodyField] = problem
		return
	}
	p.Add(path, problem)
}

func decodeValue(n *jsonNode, v reflect.Value, path string, p domain.Problems) {
	if n.kind == 'n' {
		switch v.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Map, reflect.Interface:
			v.SetZero()
		default:
			refuse(p, path, "must not be null")
		}
		return
	}
	if v.Kind() != reflect.Pointer && v.CanAddr() && v.Addr().Type().Implements(textUnmarshaler) {
		if n.kind != '"' {
			refuse(p, path, "must be a string")
			return
		}
		if err := v.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(n.text)); err != nil {
			problem := "must be a date in the form YYYY-MM-DD"
			if _, isDate := v.Addr().Interface().(*domain.Date); isDate {
				problem = domain.DateProblem(n.text) // out of the years, or no date
			}
			refuse(p, path, problem)
		}
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		elem := reflect.New(v.Type().Elem())
		decodeValue(n, elem.Elem(), path, p)
		v.Set(elem)
	case reflect.Struct:
		if n.kind != '{' {
			refuse(p, path, "must be a JSON object")
			return
		}
		fields := jsonFields(v.Type())
		for i, name := range n.names {
			idx, ok := fields[name]
			if !ok {
				p.Add(fieldPath(path, name), "is not a known field")
				continue
			}
			if source, ok := v.Type().Field(idx).Tag.Lookup("readonly"); ok {
				// Whatever is sent (a value, null, "", not even the
				// field's type), the answer is the same: the field is
				// fundtrack's to write. Judging the value first told a
				// client sending null that a value was wanted.
				p.Add(fieldPath(path, name), domain.RecordedProblem(source))
				continue
			}
			if n.elems[i].kind == 'n' && v.Field(idx).Kind() == reflect.Pointer {
				nullField(v.Type().Field(idx), v.Field(idx), fieldPath(path, name), p)
				continue
			}
			decodeValue(n.elems[i], v.Field(idx), fieldPath(path, name), p)
		}
		missingRequired(n, v.Type(), path, p)
	case reflect.Slice:
		if n.kind != '[' {
			refuse(p, path, "must be a JSON array")
			return
		}
		if len(n.elems) > maxListLen {
			refuse(p, path, "has too many entries")
			return
		}
		s := reflect.MakeSlice(v.Type(), len(n.elems), len(n.elems))
		for i, item := range n.elems {
			decodeValue(item, s.Index(i), path+"["+strconv.Itoa(i)+"]", p)
		}
		v.Set(s)
	case reflect.Map:
		if n.kind != '{' || v.Type().Key().Kind() != reflect.String {
			refuse(p, path, "must be a JSON object")
			return
		}
		if len(n.names) > maxListLen {
			refuse(p, path, "has too many entries")
			return
		}
		out := reflect.MakeMapWithSize(v.Type(), len(n.names))
		for i, k := range n.names {
			elem := reflect.New(v.Type().Elem()).Elem()
			decodeValue(n.elems[i], elem, fieldPath(path, k), p)
			out.SetMapIndex(reflect.ValueOf(k).Convert(v.Type().Key()), elem)
		}
		v.Set(out)
	case reflect.String:
		if n.kind != '"' {
			refuse(p, path, "must be a string")
			return
		}
		v.SetString(n.text)
	case reflect.Int, reflect.Int64, reflect.Int32:
		if n.kind != '0' {
			refuse(p, path, "must be a whole number")
			return
		}
		i, problem := wholeNumber(n.text)
		if problem == "" && v.OverflowInt(i) {
			problem = "is too large"
		}
		if problem != "" {
			refuse(p, path, problem)
			return
		}
		v.SetInt(i)
	case reflect.Float64, reflect.Float32:
		f, err := strconv.ParseFloat(n.text, 64)
		if n.kind != '0' || err != nil {
			refuse(p, path, "must be a number")
			return
		}
		// DynamoDB keeps numbers from 1e-130 to 1e126; nothing fundtrack
		// measures comes near either end.
		if a := math.Abs(f); a != 0 && (a < 1e-6 || a > 1e12) {
			refuse(p, path, "is out of range")
			return
		}
		v.SetFloat(f)
	case reflect.Bool:
		if n.kind != 't' && n.kind != 'f' {
			refuse(p, path, "must be true or false")
			return
		}
		v.SetBool(n.kind == 't')
	case reflect.Interface:
		a, ok := anyOf(n)
		if !ok || v.NumMethod() > 0 {
			refuse(p, path, "has the wrong type")
			return
		}
		if a != nil {
			v.Set(reflect.ValueOf(a))
		}
	default:
		refuse(p, path, "has the wrong type")
	}
}

// nullField reads a null sent for a pointer field. A pointer field is
// how a body tells "not sent" (nil) from a value, so null must not quietly
// read as "not sent": a PATCH of {"title": null} changed nothing and
// answered 200. The field's null tag says what null means:
//
//   - null:"clears": null is the field's empty value ("", [], no date),
//     for an optional field a PATCH may clear;
//   - null:"absent": null is the same as not sending the field (a create's
//     optional field with a default, such as dueDays);
//   - no tag: null is refused, naming the field.
func nullField(f reflect.StructField, v reflect.Value, path string, p domain.Problems) {
	switch f.Tag.Get("null") {
	case "clears":
		v.Set(reflect.New(v.Type().Elem()))
	case "absent":
		v.SetZero()
	default:
		p.Add(path, "must not be null")
	}
}

// missingRequired names each field of struct type t tagged
// required:"true" that object n does not have. Most required fields need
// no tag: their zero value is refused by the input's Validate ("" is no
// name, 0 is no amount). The tag is for the fields whose zero is a real
// value, so only presence tells a forgotten one from it: a measure's latest
// mean may be 0, and a missing one read as 0 was stored as a fall of 100%.
func missingRequired(n *jsonNode, t reflect.Type, path string, p domain.Problems) {
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Tag.Get("required") != "true" {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !slices.Contains(n.names, name) {
			p.Add(fieldPath(path, name), "required")
		}
	}
}

// anyOf gives a node as encoding/json would decode it into an any: objects
// as map[string]any, arrays as []any, numbers as float64. It reports false
// for a number no float64 holds.
func anyOf(n *jsonNode) (any, bool) {
	switch n.kind {
	case 'n':
		return nil, true
	case 't', 'f':
		return n.kind == 't', true
	case '"':
		return n.text, true
	case '0':
		f, err := strconv.ParseFloat(n.text, 64)
		return f, err == nil
	case '[':
		out := make([]any, len(n.elems))
		for i, e := range n.elems {
			a, ok := anyOf(e)
			if !ok {
				return nil, false
			}
			out[i] = a
		}
		return out, true
	default:
		out := make(map[string]any, len(n.names))
		for i, k := range n.names {
			a, ok := anyOf(n.elems[i])
			if !ok {
				return nil, false
			}
			out[k] = a
		}
		return out, true
	}
}

// jsonFields maps a struct's JSON names to field indexes.
func jsonFields(t reflect.Type) map[string]int {
	out := map[string]int{}
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = i
	}
	return out
}

// wholeNumber reads a JSON number that must be a whole number, deciding
// from the literal itself, not a float64 rounding of it: 4.0 and 4e0 are 4,
// 4.0000000000000001 is not whole. It returns a problem for the field, or "".
func wholeNumber(lit string) (int64, string) {
	if n, err := strconv.ParseInt(lit, 10, 64); err == nil {
		return n, ""
	}
	if lit == "" || lit[0] == '"' || lit[0] == '{' || lit[0] == '[' || lit == "true" || lit == "false" {
		return 0, "must be a whole number"
	}
	neg := lit[0] == '-'
	s := strings.TrimPrefix(lit, "-")
	mant, expPart, hasExp := strings.Cut(strings.ToLower(s), "e")
	exp := 0
	if hasExp {
		e, err := strconv.Atoi(expPart)
		if err != nil {
			if strings.Trim(mant, "0.") == "" {
				return 0, "" // zero, however large the exponent
			}
			return 0, "is too large"
		}
		exp = e
	}
	intPart, frac, _ := strings.Cut(mant, ".")
	digits := strings.TrimLeft(intPart+frac, "0")
	point := len(intPart) - (len(intPart+frac) - len(digits)) + exp // digits before the decimal point
	switch {
	case digits == "":
		return 0, ""
	case point <= 0 || strings.Trim(digits[min(point, len(digits)):], "0") != "":
		return 0, "must be a whole number"
	case point > 19:
		return 0, "is too large"
	}
	whole := digits[:min(point, len(digits))] + strings.Repeat("0", max(0, point-len(digits)))
	if neg {
		whole = "-" + whole
	}
	n, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, "is too large"
	}
	return n, ""
}

// Target refuses a request whose target, as the client sent it
// (r.RequestURI), is not a URL: a % in its path not followed by two
// hexadecimal digits ("/programmes/%zz") stands for no character, so the
// path names nothing. Neither transport can build such a request as sent:
// net/http's server refuses it before any handler with a plain-text 400,
// and the Lambda proxy with an error (API Gateway's 500). So both hand it
// on with the stray % escaped and RequestURI as sent (infra/runner/serve,
// platform.Lambda), for the API and the web app to refuse here, in the
// SPEC's error shape and on the app's own page. A request built in
// process (RequestURI "") is not checked.
func Target(r *http.Request) error {
	if r.RequestURI == "" {
		return nil
	}
	if _, err := url.ParseRequestURI(r.RequestURI); err != nil {
		return &domain.Error{Code: domain.CodeValidation, Message: "the request's path is not a valid URL path",
			Fields: map[string]string{"path": ProblemTarget}}
	}
	return nil
}

// ProblemTarget is Target's problem with the path.
const ProblemTarget = "is not a valid URL path: %-encode special characters, each % followed by two hexadecimal digits (%25 for % itself)"

// PlainPath reports whether r's path is in its plain form, as
// http.ServeMux cleans it: no empty segment ("//"), no "." or "..".
// ServeMux answers any other path itself, with a redirect to the cleaned
// one (an HTML 307, before anything checks the caller), which no route of
// the API and no page of the web app serves: both answer it 404 instead.
func PlainPath(r *http.Request) bool {
	p := r.URL.EscapedPath()
	if p == "" || p[0] != '/' {
		return false
	}
	clean := path.Clean(p)
	if strings.HasSuffix(p, "/") && clean != "/" {
		clean += "/"
	}
	return clean == p
}

// Query reads a request's query string strictly. r.URL.Query drops
// the pairs it cannot unescape, so "?cursor=%%%" read as no cursor and
// answered the first page as if nothing were wrong; and a parameter given
// twice ("?limit=5&limit=100") reads as whichever value a reader picks.
// Both are refused, as are values that are not UTF-8, each naming the
// parameter (the empty name as `""`, as JSON names an empty member name),
// or "query" when not even its name can be read. Like JSON, one answer
// names every bad parameter, so the pairs are read here, one by one, with
// net/url's own unescaping: url.ParseQuery stops reporting at the first
// pair it cannot read and says nothing of the others.
func Query(r *http.Request) (url.Values, error) {
	q := url.Values{}
	p := domain.Problems{}
	for _, pair := range strings.Split(r.URL.RawQuery, "&") {
		if pair == "" {
			continue // "a=1&&b=2": nothing between the two, as url.ParseQuery reads it
		}
		k, v, _ := strings.Cut(pair, "=")
		key, kerr := url.QueryUnescape(k)
		switch {
		case kerr != nil || strings.Contains(pair, ";"): // url.ParseQuery refuses ";" as a separator
			p.Add("query", "is not a valid query string: use name=value pairs joined by & and %-encode special characters")
			continue
		case !utf8.ValidString(key):
			p.Add("query", "has a parameter name that is not UTF-8 text")
			continue
		}
		name := key
		if name == "" {
			name = `""`
		}
		value, verr := url.QueryUnescape(v)
		switch {
		case verr != nil:
			p.Add(name, "is not validly %-encoded")
		case !utf8.ValidString(value):
			p.Add(name, "must be UTF-8 text")
		case q.Has(key):
			p.Add(name, ProblemTwice)
		}
		q[key] = append(q[key], value)
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	return q, nil
}

// Blank names the parameters among names that q gives with no value (or
// only white space), in the order asked: "?status=" is a filter left
// empty, most often by a link built from a value that was not filled in,
// and read as left out it would answer everything as if that were the
// filter's answer. The caller refuses each one named, once it has checked
// access, so a non-member learns nothing of a route's filters.
func Blank(q url.Values, names ...string) []string {
	var blank []string
	for _, name := range names {
		if q.Has(name) && strings.TrimSpace(q.Get(name)) == "" {
			blank = append(blank, name)
		}
	}
	return blank
}

// Version reads a record's version as the API writes it in an ETag ("3")
// and the web app in an edit form's version field: a whole number, 0 or
// more, in decimal digits, with no sign and no leading zero. Anything else
// ("-1", "+3", "03", "3.0", "") is no version the server gave out, and ok
// is false: a client that sends one has not read the record, so it is
// refused as such, never compared with a version (a version no record
// can have read as "any version" once: audit-surface W1).
func Version(s string) (v int64, ok bool) {
	if s == "" || len(s) > 1 && s[0] == '0' || strings.Trim(s, "0123456789") != "" {
		return 0, false
	}
	v, err := strconv.ParseInt(s, 10, 64)
	return v, err == nil
}
