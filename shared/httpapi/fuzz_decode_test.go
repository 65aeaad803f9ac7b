package httpapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/go-json-experiment/json/jsontext"

	strict "github.com/fundtrack/fundtrack/shared/decode"
	"github.com/fundtrack/fundtrack/shared/domain"
)

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
