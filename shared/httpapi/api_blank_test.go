package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestAPIRefusesNamesWithNothingVisible, over DynamoDB: a name, title or
// organisation made only of characters that show as nothing (Hangul
// fillers U+3164, U+115F, U+1160, U+FFA0, the braille blank U+2800, the
// combining grapheme joiner U+034F: audit-security W2, as the auditor sent
// them) is 400 "required" naming the field, as an empty one is; an optional
// area so made is refused too; a funder contact at an IP address
// (audit-security N2) is refused naming the contact. Nothing is stored.
// The same characters inside a visible name are kept.
func TestAPIRefusesNamesWithNothingVisible(t *testing.T) {
	t.Parallel()
	h := newAPI(t)
	b := h.Build(t)
	pid := b.Programme(testkit.ProgrammeBody("Programme 1")).ID
	proj := func(name, lead string) map[string]any {
		body := testkit.ProjectBody(name)
		body["leadOrganisation"] = lead
		return body
	}
	before := h.Snapshot(t)
	cases := []struct {
		name, path string
		body       map[string]any
		want       map[string]string
	}{
		{"Hangul fillers in a project", "/programmes/" + pid + "/projects", proj("\u3164", "\u115f"),
			map[string]string{"name": "required", "leadOrganisation": "required"}},
		{"a braille blank and a jungseong filler in a project", "/programmes/" + pid + "/projects", proj("\u2800", "\u1160\uffa0"),
			map[string]string{"name": "required", "leadOrganisation": "required"}},
		{"a combining grapheme joiner as a programme's name", "/programmes", testkit.Merge(testkit.ProgrammeBody(""), map[string]any{"name": " \u034f "}),
			map[string]string{"name": "required"}},
		{"a filler as a funder's name", "/programmes/" + pid + "/funders", testkit.FunderBody("\u3164\u3164"),
			map[string]string{"name": "required"}},
		{"a filler as a project's area", "/programmes/" + pid + "/projects",
			testkit.Merge(testkit.ProjectBody("Leeds"), map[string]any{"area": "\u3164"}), map[string]string{"area": domain.BlankProblem}},
		{"a contact at an IP address", "/programmes/" + pid + "/funders", testkit.FunderBody("DWP", "grants@dwp.example.org", "a@[127.0.0.1]"),
			map[string]string{"contacts[1]": "not at an IP address"}},
		{"a contact at a bare IP address", "/programmes/" + pid + "/funders", testkit.FunderBody("DWP", "a@127.0.0.1"),
			map[string]string{"contacts[0]": "not at an IP address"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fields := make([]string, 0, len(c.want))
			for f := range c.want {
				fields = append(fields, f)
			}
			e := testkit.WantFields(t, h.Do(t, testkit.Request(http.MethodPost, c.path, uAdmin, c.body)), fields...)
			for f, want := range c.want {
				if got := e.Fields[f]; !strings.Contains(got, want) {
					t.Errorf("%s: %q, want %q", f, got, want)
				}
			}
		})
	}
	testkit.SameSnapshot(t, "names with nothing visible", before, h.Snapshot(t))

	// Inside a name that shows, the same characters are kept as sent.
	name := "\u1100\u1160 Leeds \u2801\u2800\u2803 ❤\ufe0f"
	id, r := h.Create(t, uAdmin, "/programmes/"+pid+"/projects", testkit.ProjectBody(name))
	if r.Status != http.StatusCreated || !strings.Contains(string(r.Body), `"`+name+`"`) {
		t.Errorf("a visible name with fillers inside: %d %s", r.Status, r.Body)
	}
	if got := h.Do(t, testkit.Request(http.MethodGet, "/programmes/"+pid+"/projects/"+id, uAdmin, nil)); !strings.Contains(string(got.Body), `"`+name+`"`) {
		t.Errorf("read back: %d %s", got.Status, got.Body)
	}
}
