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
		n, err := strconv.ParseInt(string(raw), 10, 64)
		if err != nil {
			if f, ferr := strconv.ParseFloat(string(raw), 64); ferr == nil {
				switch {
				case f == math.Trunc(f) && math.Abs(f) < 1<<53 && !v.OverflowInt(int64(f)):
					v.SetInt(int64(f))
				case f == math.Trunc(f):
					p.Add(orBody(path), "is too large")
				default:
					p.Add(orBody(path), "must be a whole number")
				}
				return
			}
			p.Add(orBody(path), "must be a whole number")
			return
		}
		if v.OverflowInt(n) {
			p.Add(orBody(path), "is too large")
			return
		}
		v.SetInt(n)
	case reflect.Float64, reflect.Float32:
		f, err := strconv.ParseFloat(string(raw), 64)
		if err != nil || raw[0] == '"' {
			p.Add(orBody(path), "must be a number")
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
