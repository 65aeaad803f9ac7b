package httpapi_test

import (
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestAPIPersonalDataInEveryTextField: personal data of the people supported
// is refused in every free-text field of every create and change, not only
// in outcome notes: 422 personal_data_detected naming exactly the fields
// that hold it, nothing stored. Staff addresses in their own fields (a
// member's email, a funder's contacts) are not text and pass.
func TestAPIPersonalDataInEveryTextField(t *testing.T) {
	t.Parallel()
	h := newMemAPI(t)
	f := h.fixture(t)
	postID, _ := h.Create(t, uLead, f.p1("/projects/"+f.A+"/posts"), testkit.PostBody(f.GrantXA, "filled"))
	cohortID, _ := h.Create(t, uLead, f.p1("/projects/"+f.A+"/cohorts"), testkit.CohortBody(4))
	before := h.Snapshot(t)

	// What people type, in the forms the guard must know.
	pd := []string{
		"Leeds 943 476 5919", "Leeds 943-4765-919", "Leeds ９４３４７６５９１９", "Leeds 943.476.5919",
		"Leeds jöns@exämple.de", "Leeds 用户@例子.广告", "Leeds jo.bloggs@example.org",
		"Leeds +44 (0)113 496 0000", "Leeds 0044 7700 900123", "Leeds 07700.900.123", "Leeds +44-20-7946-0018",
		// A name with a title, a date of birth, a home postcode (audit sec31, finding 2).
		"Leeds Mr John Smith started work", "Leeds Miss K Jones", "Leeds DOB 01/02/1980", "Leeds born on 3rd March 1979",
		"Leeds lives at LE3 8RA", "Leeds home address LE3 8RA",
		// A Russian person's INN and an entrepreneur's OGRNIP after their names (fix-guard5).
		"Leeds ИНН 500100732259", "Leeds OGRNIP 304500116000157",
		// And with their names after them as a label (fix-guard6).
		"Leeds 500100732259 (ИНН)",
	}
	n := 0
	next := func() string { n++; return pd[n%len(pd)] }
	type tc struct {
		name, method, path string
		body               map[string]any
		header             map[string]string
		fields             []string
		as                 string
	}
	var cases []tc
	add := func(name, method, path string, valid map[string]any, hdr map[string]string, as string, fields ...string) {
		body := testkit.Merge(valid, nil)
		for _, fl := range fields {
			body[fl] = next()
		}
		cases = append(cases, tc{name: name + " " + strings.Join(fields, "+"), method: method, path: path, body: body, header: hdr, fields: fields, as: as})
	}
	for _, fl := range []string{"name", "leadOrganisation", "region", "description"} {
		add("programme", "POST", "/programmes", testkit.ProgrammeBody("P"), nil, uAdmin, fl)
	}
	add("funder", "POST", f.p1("/funders"), testkit.FunderBody("F"), nil, uLead, "name")
	for _, fl := range []string{"name", "leadOrganisation", "area"} {
		add("project", "POST", f.p1("/projects"), testkit.ProjectBody("P"), nil, uLead, fl)
	}
	add("project", "POST", f.p1("/projects"), testkit.ProjectBody("P"), nil, uLead, "name", "area")
	for _, fl := range []string{"title", "description"} {
		add("grant", "POST", f.p1("/grants"), testkit.GrantBody("G", f.X, f.A, testkit.GrantPence), nil, uLead, fl)
		add("grant patch", "PATCH", f.p1("/grants/"+f.GrantXA), map[string]any{}, map[string]string{"If-Match": "*"}, uLead, fl)
	}
	add("post", "POST", f.p1("/projects/"+f.A+"/posts"), testkit.PostBody(f.GrantXA, "vacant"), nil, uPLA, "title")
	add("post patch", "PATCH", f.p1("/projects/"+f.A+"/posts/"+postID), map[string]any{}, map[string]string{"If-Match": "*"}, uPLA, "title")
	add("cohort", "POST", f.p1("/projects/"+f.A+"/cohorts"), testkit.CohortBody(4), nil, uPLA, "name")
	add("cohort patch", "PATCH", f.p1("/projects/"+f.A+"/cohorts/"+cohortID), map[string]any{}, map[string]string{"If-Match": "*"}, uPLA, "name")
	add("outcome", "POST", f.p1("/projects/"+f.A+"/outcomes"), testkit.OutcomeBody(map[string]int{"referrals": 1}), nil, uPLA, "notes")
	measure := func(name string) []map[string]any {
		return []map[string]any{{"name": "self-confidence", "baselineMean": 3, "latestMean": 4, "respondents": 8},
			{"name": name, "baselineMean": 3, "latestMean": 4, "respondents": 8}}
	}
	for _, m := range []string{"nhs-943-476-5919", "call-07700-900123", "no-9434765919"} {
		cases = append(cases, tc{name: "outcome measure " + m, method: "POST", path: f.p1("/projects/" + f.A + "/outcomes"),
			body: testkit.OutcomeBody(map[string]int{"referrals": 1}, "measures", measure(m)), fields: []string{"measures[1].name"}, as: uPLA})
	}
	// An orgId in a register outside the UK, typed freely and published
	// in 360Giving (security3 N4); ten digits with the NHS number's check
	// digit under a UK list (GB-COA) or one whose numbers are not ten
	// digits (IE-CRO's are up to six): only a ten-digit register's own
	// number, its check digit passed, is spared that rule (fix-guard2):
	// RU-INN-9434765919 fails the INN's; and twelve digits after RU-INN
	// with both check digits of a person's INN are a person's (fix-guard4),
	// as are fifteen after RU-OGRN with an entrepreneur's OGRNIP's
	// (fix-guard5).
	for i, id := range []string{"IE-CRO-9434765919", "GB-COA-9434765919", "SE-ON-943476-5919", "IE-CRO-07700900123", "NL-KVK-John.Smith.DOB.01-02-1980",
		"RU-INN-9434765919", "RU-INN-500100732259", "RU-OGRN-304500116000157"} {
		cases = append(cases,
			tc{name: "funder orgId " + id, method: "POST", path: f.p1("/funders"), as: uLead, fields: []string{"orgId"},
				body: testkit.Merge(testkit.FunderBody("F"), map[string]any{"orgId": id})},
			tc{name: "project orgId " + id, method: "POST", path: f.p1("/projects"), as: uLead, fields: []string{"orgId"},
				body: testkit.Merge(testkit.ProjectBody("P"), map[string]any{"orgId": id})},
			tc{name: "programme orgId " + id, method: "POST", path: "/programmes", as: uAdmin, fields: []string{"orgId"},
				body: testkit.Merge(testkit.ProgrammeBody("P"), map[string]any{"orgId": id})},
			tc{name: "funder patch orgId " + id, method: "PATCH", path: f.p1("/funders/" + []string{f.X, f.Y}[i%2]), as: uLead,
				header: map[string]string{"If-Match": "*"}, fields: []string{"orgId"}, body: map[string]any{"orgId": id}})
	}

	t.Run("refused", func(t *testing.T) {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				r := h.Do(t, testkit.Req{Method: c.method, Path: c.path, As: c.as, Body: c.body, Header: c.header})
				e := testkit.WantErr(t, r, http.StatusUnprocessableEntity, "personal_data_detected")
				var got []string
				for k, v := range e.Fields {
					got = append(got, k)
					if !strings.HasPrefix(v, "appears to contain ") {
						t.Errorf("field %s: %q", k, v)
					}
				}
				sort.Strings(got)
				want := slices.Sorted(slices.Values(c.fields))
				if !slices.Equal(got, want) {
					t.Errorf("fields %v, want %v (%s)", got, want, r)
				}
				for _, v := range c.body {
					if s, ok := v.(string); ok && strings.HasPrefix(s, "Leeds ") && strings.Contains(string(r.Body), strings.TrimPrefix(s, "Leeds ")) {
						t.Errorf("the answer echoes %q: %s", s, r)
					}
				}
			})
		}
	})
	testkit.SameSnapshot(t, "personal data in text fields", before, h.Snapshot(t))

	// Staff addresses in their own fields are not text.
	h.Create(t, uLead, f.p1("/funders"), testkit.FunderBody("Funder with contacts", "jons.berg@example.de", "grants.team@dwp.example.org"))
	h.Want(t, http.StatusCreated, testkit.Request("PUT", testkit.MemberPath(f.P1, "new.lead@example.org"), uLead, testkit.RolesBody(testkit.RoleLead())))
	// Text full of numbers that are not personal data is kept.
	h.Create(t, uLead, f.p1("/grants"), testkit.Merge(testkit.GrantBody("IPS 2016–2018, £1,311,475 (GB-CHC-1234567)", f.X, f.A, testkit.GrantPence),
		map[string]any{"description": "Awarded 01/10/2016; ref 9434765918; 31000000 pence over 2009–2012; ODS RT5. " +
			"Born out of the 2019 pilot; based at LE1 5WW; MS Society referrals; Don't Miss Out."}))
	// A Swedish funder's organisationsnummer (its Luhn check digit
	// passed) that also passes the NHS number's check digit, as one in
	// eleven does, is its orgId (fix-guard2); the same digits after
	// SE-ON failing Luhn (SE-ON-943476-5919) are refused above.
	h.Create(t, uLead, f.p1("/funders"), testkit.Merge(testkit.FunderBody("Stiftelsen"), map[string]any{"orgId": "SE-ON-556000-0019"}))
	// So are a Polish NIP as firms print it and a Russian legal entity's
	// INN, each passing its own check digit and the NHS number's
	// (fix-guard4).
	h.Create(t, uLead, f.p1("/funders"), testkit.Merge(testkit.FunderBody("Fundacja"), map[string]any{"orgId": "PL-NIP-522-969-73-26"}))
	h.Create(t, uLead, f.p1("/funders"), testkit.Merge(testkit.FunderBody("Fond"), map[string]any{"orgId": "RU-INN-7794580730"}))
	// A Russian organisation's OGRN, thirteen digits, is its orgId, and an
	// organisation's INN and OGRN after their names are kept in text
	// (fix-guard5).
	h.Create(t, uLead, f.p1("/funders"), testkit.Merge(testkit.FunderBody("Fond OGRN"), map[string]any{"orgId": "RU-OGRN-1027700132195"}))
	h.Create(t, uLead, f.p1("/grants"), testkit.Merge(testkit.GrantBody("Co-funded", f.X, f.A, testkit.GrantPence),
		map[string]any{"description": "Co-funder ИНН 7707083893, ОГРН 1027700132195; UPRN 100023336909."}))
}

// TestAPIPersonalDataNamedWithOtherProblems: a body with personal data in
// a text field and other invalid fields is one 400 validation_failed
// naming them all (the text field's problem saying what it holds), so the
// client fixes everything at once; alone, personal data is still 422.
// Nothing is stored either way (audit-web W4).
func TestAPIPersonalDataNamedWithOtherProblems(t *testing.T) {
	t.Parallel()
	h := newMemAPI(t)
	f := h.fixture(t)
	before := h.Snapshot(t)
	prog := testkit.Merge(testkit.ProgrammeBody("P"), map[string]any{"leadOrganisation": "call 020 7946 0958", "startDate": "2025-02-30"})
	r, _ := h.Send(testkit.Request("POST", "/programmes", uAdmin, prog))
	if e := testkit.WantFields(t, r, "leadOrganisation", "startDate"); !strings.Contains(e.Fields["leadOrganisation"], "phone number") {
		t.Errorf("leadOrganisation says %q", e.Fields["leadOrganisation"])
	}
	post := testkit.Merge(testkit.PostBody(f.GrantXA, "filled"), map[string]any{"title": "Post for 07700 900123", "fte": 7})
	r, _ = h.Send(testkit.Request("POST", f.p1("/projects/"+f.A+"/posts"), uLead, post))
	testkit.WantFields(t, r, "title", "fte")
	r, _ = h.Send(testkit.Request("POST", f.p1("/funders"), uLead, testkit.FunderBody("Funder 07700 900123", "a@example.org")))
	testkit.WantErr(t, r, http.StatusUnprocessableEntity, "personal_data_detected")
	testkit.SameSnapshot(t, "personal data with other problems", before, h.Snapshot(t))
}
