package store

import (
	"encoding"
	"flag"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
)

var updateAttributes = flag.Bool("update", false, "rewrite testdata/attributes.txt from the stored types")

// TestStoredAttributeNames pins the attribute names the store writes. A
// record is marshalled by its json tags (marshal), so the API's field
// names are also the names of what is stored: renaming or dropping one
// for the API's sake would leave every stored record's value behind,
// read back as empty. Changing this list is a data migration; when the
// change is one (a field added, or old items migrated), run
// `go test ./shared/store -run TestStoredAttributeNames -update`.
func TestStoredAttributeNames(t *testing.T) {
	stored := []struct {
		typ string
		v   any
	}{
		{"programme", domain.Programme{}},
		{"member", domain.Member{}},
		{"funder", domain.Funder{}},
		{"project", domain.Project{}},
		{"grant", domain.Grant{}},
		{"post", domain.Post{}},
		{"cohort", domain.Cohort{}},
		{"outcome", domain.Outcome{}},
		{"target", domain.Target{}},
		{"notification", domain.Notification{}},
		{"payment", domain.Payment{}},
		{"spend", domain.SpendReturn{}},
		{"schedule", domain.Schedule{}},
		{"return", returnItem{}},
		{"generation", genRecord{}},
		{"audit", domain.AuditEvent{}},
	}
	var lines []string
	for _, s := range stored {
		for _, path := range attributePaths(reflect.TypeOf(s.v), "", nil) {
			lines = append(lines, s.typ+" "+path)
		}
	}
	got := strings.Join(lines, "\n") + "\n"
	const file = "testdata/attributes.txt"
	if *updateAttributes {
		if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("read %s: %v (make it with -update)", file, err)
	}
	wantLines := strings.Split(strings.TrimSuffix(string(want), "\n"), "\n")
	for _, l := range wantLines {
		if !slices.Contains(lines, l) {
			t.Errorf("stored attribute %q is gone: records already stored keep it, and would read back without it; migrate them, then run with -update", l)
		}
	}
	for _, l := range lines {
		if !slices.Contains(wantLines, l) {
			t.Errorf("new stored attribute %q: run with -update to record it (records stored before read it as empty)", l)
		}
	}
}

var textMarshaler = reflect.TypeFor[encoding.TextMarshaler]()

// attributePaths lists the attribute paths marshal writes for a value of
// type t: nested maps as "a.b", list elements as "a[]", map values as
// "a{}". seen stops a type that contains itself.
func attributePaths(t reflect.Type, prefix string, seen []reflect.Type) []string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	leaf := []string{prefix}
	if t == reflect.TypeFor[time.Time]() || t.Implements(textMarshaler) || reflect.PointerTo(t).Implements(textMarshaler) || slices.Contains(seen, t) {
		return leaf
	}
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return leaf // bytes: a binary attribute
		}
		return attributePaths(t.Elem(), prefix+"[]", seen)
	case reflect.Map:
		return attributePaths(t.Elem(), prefix+"{}", seen)
	case reflect.Struct:
	default:
		return leaf
	}
	seen = append(seen, t)
	var out []string
	for f := range t.Fields() {
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if f.Anonymous && name == "" {
			out = append(out, attributePaths(f.Type, prefix, seen)...) // promoted, as marshal flattens it
			continue
		}
		if name == "" {
			name = f.Name
		}
		p := name
		if prefix != "" {
			p = prefix + "." + name
		}
		out = append(out, attributePaths(f.Type, p, seen)...)
	}
	return out
}
