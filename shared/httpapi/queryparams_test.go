package httpapi_test

import (
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestUnknownQueryParametersAreRefused: every operation in openapi.json,
// asked with a query parameter it does not take (a misspelt filter,
// ?projectid= for ?projectId=, a parameter of another route), is 400
// validation_failed naming that parameter alone, before anything else about
// the request is judged, and nothing is read as if the parameter were not
// there: a filter misspelt and ignored answered every record as if they
// were the filter's answer (audit-surface N5). Each parameter the document
// declares is taken (not refused as unknown). A non-member still finds
// nothing in the programme.
func TestUnknownQueryParametersAreRefused(t *testing.T) {
	t.Parallel()
	h := newMemAPI(t)
	f := h.fixture(t)
	doc := oaLoad(t)
	fill := func(path string) string {
		path = strings.ReplaceAll(path, "{programmeId}", f.P1)
		return regexp.MustCompile(`\{[^}]+\}`).ReplaceAllString(path, "01hq3v7k8m9n0p1q2r3s4t5v6w")
	}
	checked := 0
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			var declared []string
			for _, p := range slices.Concat(item.Parameters, op.Parameters) {
				if p.Value.In == openapi3.ParameterInQuery {
					declared = append(declared, p.Value.Name)
				}
			}
			for _, unknown := range []string{"zz", "projectid", "Limit", "funderId", "dryRun"} {
				if slices.Contains(declared, unknown) {
					continue
				}
				r := h.Do(t, testkit.Req{Method: method, Path: fill(path) + "?" + unknown + "=1", As: uAdmin, Body: "{}",
					Header: map[string]string{"If-Match": "*"}})
				if r.Status != http.StatusBadRequest {
					t.Errorf("%s %s?%s=1: %s, want 400 naming %s", method, path, unknown, r, unknown)
					continue
				}
				if e := testkit.WantErr(t, r, http.StatusBadRequest, "validation_failed"); len(e.Fields) != 1 || e.Fields[unknown] == "" {
					t.Errorf("%s %s?%s=1: fields %v, want %s alone", method, path, unknown, e.Fields, unknown)
				}
				checked++
			}
			for _, name := range declared {
				// A declared parameter with a value it may not take is
				// refused for its value, if at all: never as unknown.
				r := h.Do(t, testkit.Req{Method: method, Path: fill(path) + "?" + name + "=1", As: uAdmin, Body: "{}",
					Header: map[string]string{"If-Match": "*"}})
				if strings.Contains(string(r.Body), "is not a parameter of this request") {
					t.Errorf("%s %s?%s=1: %s, refused as unknown", method, path, name, r)
				}
			}
		}
	}
	if checked < 300 {
		t.Errorf("only %d requests checked: the document's operations were not all reached", checked)
	}
	testkit.WantErr(t, h.Do(t, testkit.Req{Method: http.MethodGet, Path: f.p1("/grants?zz=1"), As: "outsider@example.org"}), 404, "not_found")
	// A slip of case, _ or - is told the name it meant; another, the names
	// the route takes.
	for q, want := range map[string]string{"projectid": `the name is projectId, not "projectid"`, "schedule_id": `the name is scheduleId, not "schedule_id"`,
		"zz": "it takes limit, cursor, status, projectId, scheduleId, correction"} {
		e := testkit.WantErr(t, h.Do(t, testkit.Req{Method: http.MethodGet, Path: f.p1("/returns?" + q + "=x"), As: uLead}), 400, "validation_failed")
		if !strings.Contains(e.Fields[q], want) {
			t.Errorf("returns?%s=x: fields %v, want %s saying %q", q, e.Fields, q, want)
		}
	}
	e := testkit.WantErr(t, h.Do(t, testkit.Req{Method: http.MethodGet, Path: f.p1("/progress?limit=5"), As: uLead}), 400, "validation_failed")
	if !strings.Contains(e.Fields["limit"], "it takes none") {
		t.Errorf("progress?limit=5: fields %v, want limit saying it takes none", e.Fields)
	}
	h.Want(t, http.StatusOK, testkit.Req{Method: http.MethodGet, Path: f.p1("/returns?limit=5&status=open&projectId=" + f.A), As: uAdmin})
}
