package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestAPIRefusesBodiesThatReadTwoWays: a body a careless reader could read
// two ways (a name given twice, bytes that are not UTF-8, a lone surrogate
// escape, invisible or text-direction characters, a line break in a name)
// and a query string that cannot be parsed are each refused with 400
// validation_failed naming the field, and nothing is stored. Before issue
// 11 the duplicate counts below were stored as 99,999 people into work.
func TestAPIRefusesBodiesThatReadTwoWays(t *testing.T) {
	t.Parallel()
	h := newMemAPI(t)
	f := h.fixture(t)
	before := h.Snapshot(t)

	outcomes := f.p1("/projects/" + f.A + "/outcomes")
	period := `"periodStart":"2025-04-01","periodEnd":"2025-06-30"`
	project := `"leadOrganisation":"L","startDate":"2025-01-01","endDate":"2025-12-31"`
	grantPatch := func(body string) validationCase {
		return validationCase{method: "PATCH", path: f.p1("/grants/" + f.GrantXA), body: body, header: map[string]string{"If-Match": `"1"`}}
	}
	cases := []struct {
		name string
		c    validationCase
	}{
		{"the same object twice", validationCase{method: "POST", path: outcomes,
			body: `{` + period + `,"counts":{"peopleIntoWork":1},"counts":{"peopleIntoWork":99999}}`, fields: []string{"counts"}}},
		{"the same count twice", validationCase{method: "POST", path: outcomes,
			body: `{` + period + `,"counts":{"peopleIntoWork":1,"peopleIntoWork":99999}}`, fields: []string{"counts.peopleIntoWork"}}},
		{"a name twice, once escaped", validationCase{method: "POST", path: f.p1("/projects"),
			body: `{"name":"Leeds","n\u0061me":"York",` + project + `}`, fields: []string{"name"}}},
		{"a name twice inside a list", validationCase{method: "PUT", path: f.p1("/members/new@example.org"),
			body: `{"roles":[{"role":"lead"},{"role":"funder","funderId":"` + f.X + `","funderId":"` + f.Y + `"}]}`, fields: []string{"roles[1].funderId"}}},
		{"a measure's name twice", validationCase{method: "POST", path: outcomes,
			body:   `{` + period + `,"counts":{"referrals":1},"measures":[{"name":"self-confidence","name":"x","baselineMean":3,"latestMean":4,"respondents":8}]}`,
			fields: []string{"measures[0].name"}}},
		{"a patched amount twice", grantPatch(`{"amountPence":100,"amountPence":9999999999}`)},

		{"bytes that are not UTF-8", validationCase{method: "POST", path: f.p1("/funders"),
			body: "{\"name\":\"Funder \xff\xfe\",\"contacts\":[\"a@example.org\"]}", fields: []string{"name"}}},
		{"an encoded surrogate (CESU-8)", validationCase{method: "POST", path: f.p1("/projects"),
			body: "{\"name\":\"Leeds \xed\xa0\x80\"," + project + "}", fields: []string{"name"}}},
		{"a lone high surrogate", validationCase{method: "POST", path: outcomes,
			body: `{` + period + `,"counts":{"referrals":1},"notes":"ok \ud800"}`, fields: []string{"notes"}}},
		{"a lone low surrogate", validationCase{method: "POST", path: f.p1("/projects"),
			body: `{"name":"Leeds","area":"\udc00",` + project + `}`, fields: []string{"area"}}},
		{"a surrogate pair the wrong way round", validationCase{method: "POST", path: f.p1("/projects"),
			body: `{"name":"\ude80\ud83d",` + project + `}`, fields: []string{"name"}}},
		{"a member name that is not UTF-8", validationCase{method: "POST", path: outcomes,
			body: "{" + period + ",\"counts\":{\"referrals\":1,\"jobStarts\xff\":1}}", fields: []string{"counts.jobStarts\ufffd"}}},

		{"a right-to-left override in a name", validationCase{method: "POST", path: f.p1("/projects"),
			body: `{"name":"Leeds \u202eSUMMARY",` + project + `}`, fields: []string{"name"}}},
		{"a zero-width space in a title", grantPatch(`{"title":"X\u200bto A"}`)},
		{"a byte order mark in an area", validationCase{method: "POST", path: f.p1("/projects"),
			body: `{"name":"Leeds","area":"\ufeffBradford",` + project + `}`, fields: []string{"area"}}},
		{"an isolate in the notes", validationCase{method: "POST", path: outcomes,
			body: `{` + period + `,"counts":{"referrals":1},"notes":"fine \u2066hidden\u2069"}`, fields: []string{"notes"}}},
		{"a line break in a name", validationCase{method: "POST", path: f.p1("/projects/" + f.A + "/cohorts"),
			body: `{"name":"Cohort\r\nBcc: x@evil.example","places":4,"startDate":"2025-03-01","endDate":"2025-08-31"}`, fields: []string{"name"}}},
		{"a tab in a title", validationCase{method: "POST", path: f.p1("/projects/" + f.A + "/posts"),
			body:   `{"title":"Employment\tspecialist","grantId":"` + f.GrantXA + `","fte":1,"contract":"temporary","startDate":"2025-02-01","status":"filled"}`,
			fields: []string{"title"}}},
		{"a line break in a region", validationCase{method: "POST", path: "/programmes", as: uAdmin,
			body: `{"name":"P","region":"North\nEast",` + project + `}`, fields: []string{"region"}}},
		// Audit sec31, finding 3: the invisible Mongolian vowel separator
		// and a noncharacter in a programme's name, as the auditor sent them.
		{"a Mongolian vowel separator in a programme name", validationCase{method: "POST", path: "/programmes", as: uAdmin,
			body: `{"name":"S31\u180ex",` + project + `}`, fields: []string{"name"}}},
		{"a noncharacter in a programme name", validationCase{method: "POST", path: "/programmes", as: uAdmin,
			body: `{"name":"S31\ufffex",` + project + `}`, fields: []string{"name"}}},
		{"a soft hyphen in a project name", validationCase{method: "POST", path: f.p1("/projects"),
			body: `{"name":"Lee\u00adds",` + project + `}`, fields: []string{"name"}}},
		{"a control character in a funder name", validationCase{method: "POST", path: f.p1("/funders"),
			body: `{"name":"DWP\u001b[2J","contacts":["a@example.org"]}`, fields: []string{"name"}}},

		{"a cursor that is not %-encoded", validationCase{method: "GET", path: f.p1("/funders?cursor=%%%"), fields: []string{"cursor"}}},
		{"a limit that is not %-encoded", validationCase{method: "GET", path: f.p1("/grants?limit=%zz"), fields: []string{"limit"}}},
		{"a parameter name that is not %-encoded", validationCase{method: "GET", path: f.p1("/projects?%zz=1"), fields: []string{"query"}}},
		{"a limit given twice", validationCase{method: "GET", path: f.p1("/funders?limit=1&limit=100"), fields: []string{"limit"}}},
		{"parameters split by a semicolon", validationCase{method: "GET", path: "/programmes?limit=1;cursor=x", as: uAdmin, fields: []string{"query"}}},
		{"an audit filter that is not %-encoded", validationCase{method: "GET", path: f.p1("/audit?entity=grant%"), fields: []string{"entity"}}},
		{"a value that is not UTF-8", validationCase{method: "GET", path: f.p1("/audit?user=%ff"), fields: []string{"user"}}},
	}
	for i := range cases {
		if cases[i].c.fields == nil { // the grant patches name their one field
			for _, k := range []string{"amountPence", "title"} {
				if strings.Contains(cases[i].c.body, `"`+k+`"`) {
					cases[i].c.fields = []string{k}
				}
			}
		}
	}
	t.Run("cases", func(t *testing.T) {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				c := tc.c
				req := testkit.Req{Method: c.method, Path: c.path, As: c.as, Header: c.header}
				if req.As == "" {
					req.As = uLead
				}
				if c.method != "GET" {
					req.Body = c.body
				}
				testkit.WantFields(t, h.Do(t, req), c.fields...)
			})
		}
	})
	testkit.SameSnapshot(t, "bodies that read two ways", before, h.Snapshot(t))

	// Multi-line fields keep their line breaks and tabs; a surrogate pair
	// written as escapes is one character, not a lone surrogate.
	id, _ := h.Create(t, uLead, f.p1("/grants"), testkit.Merge(testkit.GrantBody("Rocket 🚀", f.X, f.A, testkit.GrantPence),
		map[string]any{"description": "Line one\r\nLine two\n\tindented"}))
	g := testkit.Decode[map[string]any](t, h.Want(t, http.StatusOK, testkit.Req{Method: "GET", Path: f.p1("/grants/" + id), As: uLead}))
	if g["description"] != "Line one\r\nLine two\n\tindented" || g["title"] != "Rocket 🚀" {
		t.Errorf("stored grant %v", g)
	}
	h.Create(t, uLead, f.p1("/projects"), `{"name":"Escaped \ud83d\ude80 pair",`+project+`}`)
}
