// Package givingtest checks 360Giving packages against the official schema
// and the 360Giving Data Quality Tool's checks (quality.go), for the tests
// of every package that produces one (export, httpapi, the seed). It is
// imported by tests only, so neither the JSON Schema library nor the
// checks reach a Lambda binary.
//
// The schemas are read from FUNDTRACK_SCHEMAS_DIR, else ../shared/schemas
// beside the repository (the folder holding go.mod). When they are not
// there the tests that need them skip, saying where they looked: a skip is
// not a pass.
package givingtest

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// The 360Giving schemas as the README of ../shared/schemas describes them:
// the package schema refers to the grant schema by its 1.4.2 URL, while the
// grant schema's own $id says 1.4.3; both URLs are served from the local file.
const (
	PackageFile = "360-giving-package-schema.json"
	GrantFile   = "360-giving-schema.json"
	GrantRef    = "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.2/schema/360-giving-schema.json"
)

var compiled struct {
	once       sync.Once
	schema     *jsonschema.Schema
	pkg, grant map[string]any
	err        error
}

// Dir is FUNDTRACK_SCHEMAS_DIR, else ../shared/schemas beside the
// repository.
func Dir(t testing.TB) string {
	t.Helper()
	if d := os.Getenv("FUNDTRACK_SCHEMAS_DIR"); d != "" {
		return d
	}
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "..", "shared", "schemas")
		}
		up := filepath.Dir(dir)
		if up == dir {
			t.Fatal("no go.mod above the test's folder")
		}
		dir = up
	}
}

// Schema compiles the package schema, with the grant schema it refers to,
// once per run; it skips the test when the files are absent. Formats are
// asserted: the schema's dates are oneOf a date-time format and a
// YYYY-MM-DD pattern, which only tells them apart if format is checked.
func Schema(t testing.TB) *jsonschema.Schema {
	t.Helper()
	load(t)
	return compiled.schema
}

func load(t testing.TB) {
	t.Helper()
	dir := Dir(t)
	pkgPath, grantPath := filepath.Join(dir, PackageFile), filepath.Join(dir, GrantFile)
	for _, p := range []string{pkgPath, grantPath} {
		if _, err := os.Stat(p); err != nil {
			t.Skipf("360Giving schema not found at %s (set FUNDTRACK_SCHEMAS_DIR to the folder holding %s and %s): %v",
				p, PackageFile, GrantFile, err)
		}
	}
	compiled.once.Do(func() {
		compiled.pkg, compiled.grant, compiled.schema, compiled.err = compile(pkgPath, grantPath)
	})
	if compiled.err != nil {
		t.Fatalf("compile 360Giving schemas: %v", compiled.err)
	}
}

func compile(pkgPath, grantPath string) (pkg, grant map[string]any, s *jsonschema.Schema, err error) {
	read := func(path string) (map[string]any, error) {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		doc, err := jsonschema.UnmarshalJSON(f)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		m, _ := doc.(map[string]any)
		if d, _ := m["$schema"].(string); !strings.Contains(d, "2020-12") {
			return nil, fmt.Errorf("%s declares $schema %q, expected draft 2020-12: check the validator settings", path, d)
		}
		return m, nil
	}
	if pkg, err = read(pkgPath); err != nil {
		return
	}
	if grant, err = read(grantPath); err != nil {
		return
	}
	if ref := pkg["properties"].(map[string]any)["grants"].(map[string]any)["items"].(map[string]any)["$ref"]; ref != GrantRef {
		err = fmt.Errorf("%s refers to the grant schema as %v, expected %s", pkgPath, ref, GrantRef)
		return
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	c.AssertFormat()
	if err = c.AddResource(GrantRef, grant); err != nil {
		return
	}
	if err = c.AddResource(pkgPath, pkg); err != nil {
		return
	}
	s, err = c.Compile(pkgPath)
	return
}

// Validate checks a package, as raw JSON, against the schemas.
func Validate(t testing.TB, raw []byte) error {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("package is not JSON: %v\n%s", err, raw)
	}
	return Schema(t).Validate(doc)
}

// UnknownFields lists the paths of fields in a package that the 360Giving
// schemas do not define. The schema allows them, but CoVE (the Data
// Quality Tool) reports every one as an "additional field", so fundtrack
// adds none.
func UnknownFields(t testing.TB, doc any) []string {
	t.Helper()
	load(t)
	var out []string
	var walk func(v any, schema map[string]any, root map[string]any, path string)
	walk = func(v any, schema map[string]any, root map[string]any, path string) {
		for {
			ref, _ := schema["$ref"].(string)
			if ref == "" {
				break
			}
			if ref == GrantRef {
				root, schema = compiled.grant, compiled.grant
				continue
			}
			name, ok := strings.CutPrefix(ref, "#/$defs/")
			if !ok {
				out = append(out, path+" (schema $ref "+ref+" not followed)")
				return
			}
			schema, _ = root["$defs"].(map[string]any)[name].(map[string]any)
		}
		switch x := v.(type) {
		case map[string]any:
			props, _ := schema["properties"].(map[string]any)
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				sub, ok := props[k].(map[string]any)
				if !ok {
					out = append(out, path+"/"+k)
					continue
				}
				walk(x[k], sub, root, path+"/"+k)
			}
		case []any:
			items, _ := schema["items"].(map[string]any)
			for i, e := range x {
				walk(e, items, root, fmt.Sprintf("%s/%d", path, i))
			}
		}
	}
	walk(doc, compiled.pkg, compiled.pkg, "")
	return out
}
