package httpapi

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

// TestOpenAPIQueryParameters: the query parameters each route takes
// (route.query; any other is refused) are exactly those openapi.json
// declares for its operation, so the document and the refusals agree.
func TestOpenAPIQueryParameters(t *testing.T) {
	type param struct {
		Ref  string `json:"$ref"`
		Name string `json:"name"`
		In   string `json:"in"`
	}
	var doc struct {
		Paths      map[string]map[string]json.RawMessage
		Components struct{ Parameters map[string]param }
	}
	if err := json.Unmarshal(openAPIDocument, &doc); err != nil {
		t.Fatal(err)
	}
	query := func(ps []param) []string {
		var out []string
		for _, p := range ps {
			if p.Ref != "" {
				p = doc.Components.Parameters[strings.TrimPrefix(p.Ref, "#/components/parameters/")]
			}
			if p.In == "query" {
				out = append(out, p.Name)
			}
		}
		slices.Sort(out)
		return out
	}
	declared := map[string][]string{}
	for path, item := range doc.Paths {
		var common []param
		if raw, ok := item["parameters"]; ok {
			if err := json.Unmarshal(raw, &common); err != nil {
				t.Fatal(err)
			}
		}
		for method, raw := range item {
			if method == "parameters" {
				continue
			}
			var op struct{ Parameters []param }
			if err := json.Unmarshal(raw, &op); err != nil {
				t.Fatal(err)
			}
			declared[strings.ToUpper(method)+" "+path] = query(slices.Concat(common, op.Parameters))
		}
	}
	s := &server{}
	n := 0
	for _, routes := range [][]route{s.programmesRoutes(), s.grantsRoutes(), s.deliveryRoutes(), s.progressRoutes(),
		s.auditRoutes(), s.reportingRoutes(), s.importsRoutes()} {
		for _, rt := range routes {
			want, ok := declared[rt.pattern]
			if !ok {
				continue // TestOpenAPIRoutesMatchHandlers finds a route the document lacks
			}
			got := slices.Sorted(slices.Values(rt.query))
			if !slices.Equal(got, want) {
				t.Errorf("%s takes query parameters %v, openapi.json declares %v", rt.pattern, got, want)
			}
			n++
		}
	}
	if n < 60 {
		t.Errorf("only %d routes compared", n)
	}
}
