package present

import (
	"reflect"
	"strings"
	"sync"
)

// Answer returns v as the API answers it: every list (slice) and every
// object (map) in it that is nil is empty instead, so JSON writes [] and {}
// where openapi.json promises an array or an object, never null. A client
// that reads "items", "targets" or "totals" may then iterate without first
// asking whether it is there.
//
// Go has one zero value for "no list yet" and "an empty list", and
// encoding/json writes the first as null; the code that builds answers made
// each list by hand ([]T{} here, a nil check there), and one forgotten —
// a new field, a record read back from storage with none — answered null.
// Answer makes that guarantee once, for every answer, whatever built it.
//
// What it leaves alone, because there nil means something else:
//   - a field tagged omitempty or omitzero: nil leaves it out, which the
//     document declares as a property that may be absent;
//   - a field tagged null:"hidden": nil is answered null, meaning the
//     caller may not see it (a funder's contacts), and the document
//     declares that property nullable;
//   - a nil pointer: how a Go answer says null (a figure not yet known);
//   - a field tagged json:"-", which is not answered;
//   - []byte and json.RawMessage, which JSON writes as a string or as
//     they are, not as a list.
//
// Lists inside lists, maps, pointers and interfaces are filled as fields
// are. A type with its own MarshalJSON is filled too: it writes from its
// fields. v itself is not changed: what is filled is a copy, so a value
// the service keeps (a cached record, a slice shared with the caller)
// never changes under it.
func Answer(v any) any {
	if v == nil {
		return nil
	}
	return filled(reflect.ValueOf(v)).Interface()
}

// filled is a copy of v with its nil lists and objects made empty, as
// Answer says.
func filled(v reflect.Value) reflect.Value {
	t := v.Type()
	if !holdsLists(t) {
		return v
	}
	switch t.Kind() {
	case reflect.Slice:
		if isBytes(t) {
			return v
		}
		out := reflect.MakeSlice(t, v.Len(), v.Len())
		for i := range v.Len() {
			out.Index(i).Set(filled(v.Index(i)))
		}
		return out
	case reflect.Map:
		out := reflect.MakeMapWithSize(t, v.Len())
		for it := v.MapRange(); it.Next(); {
			out.SetMapIndex(it.Key(), filled(it.Value()))
		}
		return out
	case reflect.Array:
		out := reflect.New(t).Elem()
		for i := range v.Len() {
			out.Index(i).Set(filled(v.Index(i)))
		}
		return out
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		out := reflect.New(t.Elem())
		out.Elem().Set(filled(v.Elem()))
		return out
	case reflect.Interface:
		if v.IsNil() {
			return v
		}
		out := reflect.New(t).Elem()
		out.Set(filled(v.Elem()))
		return out
	case reflect.Struct:
		out := reflect.New(t).Elem()
		out.Set(v) // unexported fields too, as they are
		fillFields(out)
		return out
	}
	return v
}

// fillFields fills, in place, the fields of the struct s (addressable)
// that JSON writes.
func fillFields(s reflect.Value) {
	t := s.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		fv := s.Field(i)
		switch {
		case f.Anonymous && !f.IsExported() && f.Type.Kind() == reflect.Struct:
			// JSON writes an embedded struct of an unexported type as
			// its exported fields, which are settable here.
			fillFields(fv)
		case !f.IsExported() || notAnswered(f) || !holdsLists(f.Type):
		case (fv.Kind() == reflect.Slice || fv.Kind() == reflect.Map) && fv.IsNil(): // not []byte: holdsLists is false for it
			if !keepsNil(f) {
				fv.Set(empty(f.Type))
			}
		default:
			// Not nil, or nil and kept so (a pointer): what it holds
			// is filled even where the field itself may be left out.
			fv.Set(filled(fv))
		}
	}
}

// empty is an empty list or object of type t (a slice or map type).
func empty(t reflect.Type) reflect.Value {
	if t.Kind() == reflect.Map {
		return reflect.MakeMap(t)
	}
	return reflect.MakeSlice(t, 0, 0)
}

// notAnswered reports whether JSON leaves field f out of every answer.
func notAnswered(f reflect.StructField) bool {
	return f.Tag.Get("json") == "-"
}

// keepsNil reports whether a nil list or object in field f is answered as
// it is: left out when empty (omitempty, omitzero), or null on purpose
// (null:"hidden").
func keepsNil(f reflect.StructField) bool {
	_, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
	for _, o := range strings.Split(opts, ",") {
		if o == "omitempty" || o == "omitzero" {
			return true
		}
	}
	return f.Tag.Get("null") == "hidden"
}

// isBytes reports whether t is written by JSON as a string (base64) or as
// raw JSON rather than as a list.
func isBytes(t reflect.Type) bool {
	return t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8
}

// holdsLists reports whether a value of type t can hold a list or object
// Answer fills; most of an answer (strings, numbers, dates, times) cannot,
// and is copied as it is without being walked.
func holdsLists(t reflect.Type) bool {
	if known, ok := holding.Load(t); ok {
		return known.(bool)
	}
	// While deciding, true: a type that refers to itself holds what its
	// other fields hold (and a goroutine that reads it meanwhile walks a
	// value it need not, which is harmless).
	holding.Store(t, true)
	h := decideHolds(t)
	holding.Store(t, h)
	return h
}

var holding sync.Map // reflect.Type → bool

func decideHolds(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Slice:
		return !isBytes(t)
	case reflect.Map, reflect.Interface:
		return true
	case reflect.Pointer, reflect.Array:
		return holdsLists(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			f := t.Field(i)
			answered := f.IsExported() || f.Anonymous && f.Type.Kind() == reflect.Struct
			if answered && holdsLists(f.Type) {
				return true
			}
		}
	}
	return false
}
