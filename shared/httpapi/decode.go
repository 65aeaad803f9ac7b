package httpapi

import (
	"bytes"
	"encoding"
	"encoding/json"
	"math"
	"reflect"
	"strconv"
	"strings"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// maxListLen bounds every JSON array in a request, long before the body limit
// would, so a hostile body cannot make us allocate much.
const maxListLen = 1000

var textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()

// DecodeJSON fills v (a pointer to a struct) from data, refusing unknown
// fields and wrong types. Unlike encoding/json it does not stop at the first
// problem: the validation error names every bad field by its JSON path
// ("roles[0].projectId", "counts.referrals"), so a client fixes them all at once.
func DecodeJSON(data []byte, v any) error {
	p := domain.Problems{}
	if !json.Valid(data) {
		p.Add("body", "is not valid JSON")
		return p.Err()
	}
	decodeValue(data, reflect.ValueOf(v).Elem(), "", p)
	return p.Err()
}

func fieldPath(parent, name string) string {
	if name == "" { // a key "" still needs a visible name in the error
		name = `""`
	}
	if parent == "" {
		return name
	}
	return parent + "." + name
}

func orBody(path string) string {
	if path == "" {
		return "body"
	}
	return path
}

func decodeValue(raw []byte, v reflect.Value, path string, p domain.Problems) {
	raw = bytes.TrimSpace(raw)
	if string(raw) == "null" {
		switch v.Kind() {
		case reflect.Pointer, reflect.Slice, reflect.Map, reflect.Interface:
			v.SetZero()
		default:
			p.Add(orBody(path), "must not be null")
		}
		return
	}
	if v.Kind() != reflect.Pointer && v.CanAddr() && v.Addr().Type().Implements(textUnmarshaler) {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			p.Add(orBody(path), "must be a string")
			return
		}
		if err := v.Addr().Interface().(encoding.TextUnmarshaler).UnmarshalText([]byte(s)); err != nil {
			p.Add(orBody(path), "must be a date in the form YYYY-MM-DD")
		}
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		elem := reflect.New(v.Type().Elem())
		decodeValue(raw, elem.Elem(), path, p)
		v.Set(elem)
	case reflect.Struct:
		var m map[string]json.RawMessage
		if raw[0] != '{' || json.Unmarshal(raw, &m) != nil {
			p.Add(orBody(path), "must be a JSON object")
			return
		}
		fields := jsonFields(v.Type())
		for name, val := range m {
			idx, ok := fields[name]
			if !ok {
				p.Add(fieldPath(path, name), "is not a known field")
				continue
			}
			decodeValue(val, v.Field(idx), fieldPath(path, name), p)
		}
	case reflect.Slice:
		var items []json.RawMessage
		if raw[0] != '[' || json.Unmarshal(raw, &items) != nil {
			p.Add(orBody(path), "must be a JSON array")
			return
		}
		if len(items) > maxListLen {
			p.Add(orBody(path), "has too many entries")
			return
		}
		s := reflect.MakeSlice(v.Type(), len(items), len(items))
		for i, item := range items {
			decodeValue(item, s.Index(i), path+"["+strconv.Itoa(i)+"]", p)
		}
		v.Set(s)
	case reflect.Map:
		var m map[string]json.RawMessage
		if raw[0] != '{' || json.Unmarshal(raw, &m) != nil || v.Type().Key().Kind() != reflect.String {
			p.Add(orBody(path), "must be a JSON object")
			return
		}
		if len(m) > maxListLen {
			p.Add(orBody(path), "has too many entries")
			return
		}
		out := reflect.MakeMapWithSize(v.Type(), len(m))
		for k, val := range m {
			elem := reflect.New(v.Type().Elem()).Elem()
			decodeValue(val, elem, fieldPath(path, k), p)
			out.SetMapIndex(reflect.ValueOf(k).Convert(v.Type().Key()), elem)
		}
		v.Set(out)
	case reflect.String:
		var s string
		if json.Unmarshal(raw, &s) != nil {
			p.Add(orBody(path), "must be a string")
			return
		}
		v.SetString(s)
	case reflect.Int, reflect.Int64, reflect.Int32:
		n, problem := wholeNumber(string(raw))
		if problem == "" && v.OverflowInt(n) {
			problem = "is too large"
		}
		if problem != "" {
			p.Add(orBody(path), problem)
			return
		}
		v.SetInt(n)
	case reflect.Float64, reflect.Float32:
		f, err := strconv.ParseFloat(string(raw), 64)
		if err != nil || raw[0] == '"' {
			p.Add(orBody(path), "must be a number")
			return
		}
		// DynamoDB keeps numbers from 1e-130 to 1e126; nothing fundtrack
		// measures comes near either end.
		if a := math.Abs(f); a != 0 && (a < 1e-6 || a > 1e12) {
			p.Add(orBody(path), "is out of range")
			return
		}
		v.SetFloat(f)
	case reflect.Bool:
		var b bool
		if json.Unmarshal(raw, &b) != nil {
			p.Add(orBody(path), "must be true or false")
			return
		}
		v.SetBool(b)
	default:
		if json.Unmarshal(raw, v.Addr().Interface()) != nil {
			p.Add(orBody(path), "has the wrong type")
		}
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
