package httpapi_test

import (
	"cmp"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// validationCase is one bad request and the exact set of fields its 400
// must name.
type validationCase struct {
	name   string
	method string
	path   string
	body   string
	header map[string]string
	as     string // the caller; lead@ if empty
	fields []string
}

// TestAPIValidation sends bad bodies to every create and to the grant PATCH
// and checks each answers 400 validation_failed naming every bad field (and
// only those), then that none of them stored anything.
func TestAPIValidation(t *testing.T) {
	t.Parallel()
	h := newMemAPI(t)
	f := h.fixture(t)
	before := h.Snapshot(t)

	prog := func(name, body string, fields ...string) validationCase {
		return validationCase{name: "programme " + name, method: "POST", path: "/programmes", body: body, as: uAdmin, fields: fields}
	}
	// A body bad as a whole is named alone: none of its fields could be
	// read, so none is reported missing beside it.
	progWhole := prog
	funder := func(name, body string, fields ...string) validationCase {
		return validationCase{name: "funder " + name, method: "POST", path: f.p1("/funders"), body: body, fields: fields}
	}
	project := func(name, body string, fields ...string) validationCase {
		return validationCase{name: "project " + name, method: "POST", path: f.p1("/projects"), body: body, fields: fields}
	}
	// grant builds a grant body from a valid one with fields replaced
	// (a value of nil removes the field).
	grantJSON := func(changes map[string]any) string {
		b := testkit.GrantBody("Grant", f.X, f.A, testkit.GrantPence)
		for k, v := range changes {
			if v == nil {
				delete(b, k)
			} else {
				b[k] = v
			}
		}
		return mustJSON(b)
	}
	grant := func(name string, changes map[string]any, fields ...string) validationCase {
		return validationCase{name: "grant " + name, method: "POST", path: f.p1("/grants"), body: grantJSON(changes), fields: fields}
	}
	rawGrant := func(name, body string, fields ...string) validationCase {
		return validationCase{name: "grant " + name, method: "POST", path: f.p1("/grants"), body: body, fields: fields}
	}
	member := func(name, body string, fields ...string) validationCase {
		return validationCase{name: "member " + name, method: "PUT", path: f.p1("/members/new-member@example.org"), body: body, fields: fields}
	}
	patch := func(name, body string, fields ...string) validationCase {
		return validationCase{name: "grant patch " + name, method: "PATCH", path: f.p1("/grants/" + f.GrantXA), body: body,
			header: map[string]string{"If-Match": `"1"`}, fields: fields}
	}
	roles := func(rs ...string) string { return `{"roles":[` + strings.Join(rs, ",") + `]}` }
	valid := `"name":"P","leadOrganisation":"L","startDate":"2025-01-01","endDate":"2025-12-31"`
	contacts := func(n int) string {
		var cs []string
		for i := range n {
			cs = append(cs, fmt.Sprintf("%q", fmt.Sprintf("c%d@example.org", i)))
		}
		return `{"name":"F","contacts":[` + strings.Join(cs, ",") + `]}`
	}

	cases := []validationCase{
		prog("unknown field", `{`+valid+`,"colour":"red"}`, "colour"),
		prog("wrong types", `{"name":5,"leadOrganisation":["L"],"region":true,"startDate":20250101,"endDate":"2025-12-31","description":{}}`,
			"name", "leadOrganisation", "region", "startDate", "description"),
		prog("missing required", `{}`, "name", "leadOrganisation", "startDate", "endDate"),
		prog("null required", `{"name":null,"leadOrganisation":"L","startDate":"2025-01-01","endDate":null}`, "name", "endDate"),
		prog("blank name", `{"name":"   ","leadOrganisation":"L","startDate":"2025-01-01","endDate":"2025-12-31"}`, "name"),
		prog("name too long", `{"name":"`+strings.Repeat("n", domain.MaxNameLen+1)+`","leadOrganisation":"L","startDate":"2025-01-01","endDate":"2025-12-31"}`, "name"),
		prog("control characters", `{"name":"a\u0000b","leadOrganisation":"L","startDate":"2025-01-01","endDate":"2025-12-31"}`, "name"),
		prog("30 February", `{"name":"P","leadOrganisation":"L","startDate":"2025-02-30","endDate":"2025-12-31"}`, "startDate"),
		prog("slashed date", `{"name":"P","leadOrganisation":"L","startDate":"2025/01/01","endDate":"2025-12-31"}`, "startDate"),
		prog("empty dates", `{"name":"P","leadOrganisation":"L","startDate":"","endDate":""}`, "startDate", "endDate"),
		prog("date with time", `{"name":"P","leadOrganisation":"L","startDate":"2025-01-01T00:00:00Z","endDate":"2025-12-31"}`, "startDate"),
		prog("absurd year", `{"name":"P","leadOrganisation":"L","startDate":"0001-01-01","endDate":"9999-12-31"}`, "startDate", "endDate"),
		prog("end before start", `{"name":"P","leadOrganisation":"L","startDate":"2025-06-01","endDate":"2025-05-31"}`, "endDate"),
		prog("several problems", `{"name":"","leadOrganisation":1,"startDate":"2025-02-30","endDate":"2025/01/01","extra":true}`,
			"name", "leadOrganisation", "startDate", "endDate", "extra"),
		progWhole("array body", `[]`, domain.BodyField),
		progWhole("string body", `"programme"`, domain.BodyField),
		progWhole("null body", `null`, domain.BodyField),
		progWhole("empty body", ``, domain.BodyField),
		progWhole("not JSON", `{"name": "P",`, domain.BodyField),
		progWhole("trailing garbage", `{`+valid+`} {}`, domain.BodyField),
		progWhole("byte order mark", "\ufeff{"+valid+`}`, domain.BodyField),
		rawGrant("trailing garbage", grantJSON(nil)+" x", domain.BodyField),
		member("not JSON", `{"roles":[{"role":"lead"}]`, domain.BodyField),
		progWhole("nested 17 levels deep", `{`+valid+`,"description":`+strings.Repeat("[", 16)+strings.Repeat("]", 16)+`}`, domain.BodyField),

		funder("unknown field", `{"name":"F","contacts":["a@example.org"],"phone":"0113"}`, "phone"),
		funder("missing required", `{}`, "name", "contacts"),
		funder("empty contacts", `{"name":"F","contacts":[]}`, "contacts"),
		funder("contacts not a list", `{"name":"F","contacts":"a@example.org"}`, "contacts"),
		funder("contact of the wrong type", `{"name":"F","contacts":[5]}`, "contacts[0]"),
		funder("bad contact emails", `{"name":"F","contacts":["not-an-email","Ann <ann@example.org>","a@b","","ok@example.org","two@@example.org"]}`,
			"contacts[0]", "contacts[1]", "contacts[2]", "contacts[3]", "contacts[5]"),
		funder("too many contacts", contacts(domain.MaxContacts+1), "contacts"),
		funder("bad orgId", `{"name":"F","orgId":"dwp","contacts":["a@example.org"]}`, "orgId"),
		funder("orgId without identifier", `{"name":"F","orgId":"GB-GOR-","contacts":["a@example.org"]}`, "orgId"),
		funder("orgId of the wrong type", `{"name":"F","orgId":42,"contacts":["a@example.org"]}`, "orgId"),
		funder("several problems", `{"name":3,"orgId":"x","contacts":["bad",""],"x":1}`, "name", "orgId", "contacts[0]", "contacts[1]", "x"),

		project("unknown field", `{`+valid+`,"budget":1}`, "budget"),
		project("missing required", `{}`, "name", "leadOrganisation", "startDate", "endDate"),
		project("wrong types", `{"name":"P","leadOrganisation":"L","area":7,"startDate":"2025-01-01","endDate":false}`, "area", "endDate"),
		project("end before start", `{"name":"P","leadOrganisation":"L","startDate":"2025-01-02","endDate":"2025-01-01"}`, "endDate"),
		project("30 February", `{"name":"P","leadOrganisation":"L","startDate":"2025-01-01","endDate":"2025-02-30"}`, "endDate"),
		project("several problems", `{"name":"","leadOrganisation":"","area":[],"startDate":"tomorrow","endDate":"","id":"x"}`,
			"name", "leadOrganisation", "area", "startDate", "endDate", "id"),

		grant("unknown field", map[string]any{"amount": 5}, "amount"),
		grant("missing funderId", map[string]any{"funderId": nil}, "funderId"),
		grant("funderId not an id", map[string]any{"funderId": "dwp"}, "funderId"),
		grant("projectId not an id", map[string]any{"projectId": "project-a"}, "projectId"),
		grant("zero amount", map[string]any{"amountPence": 0}, "amountPence"),
		grant("negative amount", map[string]any{"amountPence": -100}, "amountPence"),
		grant("absurd amount", map[string]any{"amountPence": domain.MaxAmountPence + 1}, "amountPence"),
		grant("fractional amount", map[string]any{"amountPence": 10.5}, "amountPence"),
		grant("amount as a string", map[string]any{"amountPence": "100"}, "amountPence"),
		grant("amount beyond int64", map[string]any{"amountPence": 1e30}, "amountPence"),
		rawGrant("amount overflowing int64", strings.Replace(grantJSON(nil), `"amountPence":3100000`, `"amountPence":9223372036854775808`, 1), "amountPence"),
		grant("missing amount", map[string]any{"amountPence": nil}, "amountPence"),
		grant("currency EUR", map[string]any{"currency": "EUR"}, "currency"),
		grant("currency in lower case", map[string]any{"currency": "gbp"}, "currency"),
		grant("missing currency", map[string]any{"currency": nil}, "currency"),
		grant("missing awardDate", map[string]any{"awardDate": nil}, "awardDate"),
		grant("award after end", map[string]any{"awardDate": "2026-02-01"}, "awardDate"),
		grant("30 February", map[string]any{"startDate": "2025-02-30"}, "startDate"),
		grant("slashed date", map[string]any{"endDate": "2026/01/31"}, "endDate"),
		grant("empty date", map[string]any{"startDate": ""}, "startDate"),
		grant("end before start", map[string]any{"startDate": "2025-03-01", "endDate": "2025-02-28"}, "endDate"),
		grant("missing title", map[string]any{"title": nil}, "title"),
		grant("funderId of another programme", map[string]any{"funderId": f.Z}, "funderId"),
		grant("projectId of another programme", map[string]any{"projectId": f.C}, "projectId"),
		grant("funderId that does not exist", map[string]any{"funderId": domain.NewID()}, "funderId"),
		grant("funderId and projectId of another programme", map[string]any{"funderId": f.Z, "projectId": f.C}, "funderId", "projectId"),
		grant("zero amount and funderId of another programme", map[string]any{"funderId": f.Z, "amountPence": 0}, "amountPence", "funderId"),
		rawGrant("several problems", `{"funderId":1,"projectId":"bad","title":"","amountPence":-5,"currency":"USD","awardDate":"2025-02-30","startDate":"2025/01/01","endDate":"","bogus":true}`,
			"funderId", "projectId", "title", "amountPence", "currency", "awardDate", "startDate", "endDate", "bogus"),

		member("missing roles", `{}`, "roles"),
		member("no roles", `{"roles":[]}`, "roles"),
		member("roles not a list", `{"roles":{"role":"lead"}}`, "roles"),
		member("unknown field", `{"roles":[{"role":"lead"}],"admin":true}`, "admin"),
		member("unknown field in a role", roles(`{"role":"lead","since":"2025"}`), "roles[0].since"),
		member("missing role name", roles(`{}`), "roles[0].role"),
		member("unknown role", roles(`{"role":"boss"}`), "roles[0].role"),
		member("project-lead without projectId", roles(`{"role":"project-lead"}`), "roles[0].projectId"),
		member("funder without funderId", roles(`{"role":"funder"}`), "roles[0].funderId"),
		member("lead naming a project", roles(`{"role":"lead","projectId":"`+f.A+`"}`), "roles[0].projectId"),
		member("projectId not an id", roles(`{"role":"project-lead","projectId":"A"}`), "roles[0].projectId"),
		member("projectId of another programme", roles(`{"role":"lead"}`, `{"role":"project-lead","projectId":"`+f.C+`"}`), "roles[1].projectId"),
		member("funderId of another programme", roles(`{"role":"funder","funderId":"`+f.Z+`"}`), "roles[0].funderId"),
		member("funderId that is a project", roles(`{"role":"funder","funderId":"`+f.A+`"}`), "roles[0].funderId"),
		member("two references of another programme", roles(`{"role":"project-lead","projectId":"`+f.C+`"}`, `{"role":"funder","funderId":"`+f.Z+`"}`),
			"roles[0].projectId", "roles[1].funderId"),
		member("duplicate role", roles(`{"role":"lead"}`, `{"role":"lead"}`), "roles[1]"),
		member("several problems", `{"roles":[{"role":"boss"},{"role":"project-lead"},{"role":"funder","projectId":"x"},{"role":7}],"extra":1}`,
			"roles[0].role", "roles[1].projectId", "roles[2].funderId", "roles[2].projectId", "roles[3].role", "extra"),
		{name: "member email in the path", method: "PUT", path: f.p1("/members/" + url.PathEscape("not-an-email")), body: roles(`{"role":"lead"}`), fields: []string{"email"}},
		// Bytes that are not UTF-8 once read each as U+FFFD, so these two
		// made one member "\ufffd@example.org".
		{name: "member email in the path with a byte that is not UTF-8", method: "PUT", path: f.p1("/members/%FF@example.org"), body: roles(`{"role":"lead"}`), fields: []string{"email"}},
		{name: "member email in the path with another such byte", method: "PUT", path: f.p1("/members/%FE@Example.org"), body: roles(`{"role":"lead"}`), fields: []string{"email"}},

		patch("unknown field", `{"title":"T","owner":"me"}`, "owner"),
		patch("wrong type", `{"amountPence":"lots"}`, "amountPence"),
		patch("zero amount", `{"amountPence":0}`, "amountPence"),
		patch("absurd amount", fmt.Sprintf(`{"amountPence":%d}`, domain.MaxAmountPence+1), "amountPence"),
		patch("currency", `{"currency":"EUR"}`, "currency"),
		patch("blank title", `{"title":""}`, "title"),
		patch("bad date", `{"startDate":"2025-02-30"}`, "startDate"),
		patch("end before the stored start", `{"endDate":"2025-01-20"}`, "endDate"),
		patch("funderId of another programme", `{"funderId":"`+f.Z+`"}`, "funderId"),
		patch("projectId of another programme", `{"projectId":"`+f.C+`"}`, "projectId"),
		patch("several problems", `{"title":"","amountPence":-1,"currency":"X","awardDate":"soon","bogus":1}`,
			"title", "amountPence", "currency", "awardDate", "bogus"),
		patch("empty body", ``, domain.BodyField),
		patch("not JSON", `title=x`, domain.BodyField),
		patch("array body", `[{"title":"x"}]`, domain.BodyField),

		{name: "limit 0", method: "GET", path: f.p1("/funders?limit=0"), fields: []string{"limit"}},
		// Given empty, as a link built from an unset value gives them: not page one.
		{name: "limit empty", method: "GET", path: f.p1("/targets?limit="), fields: []string{"limit"}},
		{name: "cursor empty", method: "GET", path: f.p1("/targets?cursor="), fields: []string{"cursor"}},
		{name: "limit and cursor blank", method: "GET", path: "/programmes?limit=%20&cursor=", fields: []string{"limit", "cursor"}},
		{name: "limit 101", method: "GET", path: f.p1("/funders?limit=101"), fields: []string{"limit"}},
		{name: "limit x", method: "GET", path: f.p1("/grants?limit=x"), fields: []string{"limit"}},
		{name: "limit -1", method: "GET", path: f.p1("/projects?limit=-1"), fields: []string{"limit"}},
		{name: "limit 1.5", method: "GET", path: "/programmes?limit=1.5", fields: []string{"limit"}},
		{name: "limit huge", method: "GET", path: f.p1("/members?limit=99999999999999999999"), fields: []string{"limit"}},
		{name: "random cursor", method: "GET", path: f.p1("/funders?cursor=" + base64.RawURLEncoding.EncodeToString([]byte("random bytes"))), fields: []string{"cursor"}},
		{name: "cursor not base64", method: "GET", path: f.p1("/funders?cursor=%21%21%21"), fields: []string{"cursor"}},
		{name: "forged cursor of another programme", method: "GET",
			path:   f.p1("/funders?cursor=" + base64.RawURLEncoding.EncodeToString([]byte(`{"PK":"PROG#`+f.P2+`","SK":"FUNDER#`+f.Z+`"}`))),
			fields: []string{"cursor"}},
		{name: "forged cursor outside the list", method: "GET",
			path:   f.p1("/funders?cursor=" + base64.RawURLEncoding.EncodeToString([]byte(`{"PK":"PROG#`+f.P1+`","SK":"MEMBER#`+uLead+`"}`))),
			fields: []string{"cursor"}},
	}

	t.Run("cases", func(t *testing.T) {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
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

	t.Run("cursor from another list", func(t *testing.T) {
		// Cursors handed out by one list, used on another, are refused.
		h.Create(t, uAdmin, f.p2("/funders"), testkit.FunderBody("Funder Z2"))
		p1 := testkit.Decode[testkit.List[apiIDed]](t, h.Want(t, 200, testkit.Req{Method: "GET", Path: f.p1("/funders?limit=1"), As: uAdmin}))
		p2 := testkit.Decode[testkit.List[apiIDed]](t, h.Want(t, 200, testkit.Req{Method: "GET", Path: f.p2("/funders?limit=1"), As: uAdmin}))
		fx := testkit.Decode[testkit.List[apiIDed]](t, h.Want(t, 200, testkit.Req{Method: "GET", Path: f.p1("/grants?limit=1"), As: uFunderX}))
		if p1.NextCursor == nil || p2.NextCursor == nil || fx.NextCursor == nil {
			t.Fatalf("expected cursors: %v %v %v", p1.NextCursor, p2.NextCursor, fx.NextCursor)
		}
		c1, c2, cx := url.QueryEscape(*p1.NextCursor), url.QueryEscape(*p2.NextCursor), url.QueryEscape(*fx.NextCursor)
		for _, r := range []testkit.Req{
			{Method: "GET", Path: f.p2("/funders?cursor=" + c1), As: uAdmin},  // programme 1's cursor on programme 2
			{Method: "GET", Path: f.p1("/funders?cursor=" + c2), As: uAdmin},  // and the reverse
			{Method: "GET", Path: f.p1("/projects?cursor=" + c1), As: uAdmin}, // a funders cursor on projects
			{Method: "GET", Path: f.p1("/grants?cursor=" + cx), As: uAdmin},   // funder-x's grants cursor on admin's list
			{Method: "GET", Path: f.p1("/grants?cursor=" + cx), As: uPLA},     // and on pl-a's
			{Method: "GET", Path: f.p1("/grants?cursor=" + c1), As: uFunderX}, // a funders cursor on funder-x's grants
			{Method: "GET", Path: f.p1("/funders?cursor=" + c1[:len(c1)-2]), As: uAdmin},
		} {
			testkit.WantFields(t, h.Do(t, r), "cursor")
		}
		// The right cursor works.
		h.Want(t, 200, testkit.Req{Method: "GET", Path: f.p1("/funders?cursor=" + c1), As: uAdmin})
	})

	t.Run("media type and size", func(t *testing.T) {
		okBody := mustJSON(testkit.FunderBody("Never stored"))
		for _, ct := range []string{"text/plain", "application/x-www-form-urlencoded", "", "application/jsonx", "json", "text/json"} {
			r := h.Do(t, testkit.Req{Method: "POST", Path: f.p1("/funders"), As: uLead, Body: okBody, Header: map[string]string{"Content-Type": ct}})
			testkit.WantErr(t, r, http.StatusUnsupportedMediaType, "unsupported_media_type")
		}
		r := h.Do(t, testkit.Req{Method: "PATCH", Path: f.p1("/grants/" + f.GrantXA), As: uLead, Body: `{"title":"x"}`,
			Header: map[string]string{"Content-Type": "text/plain", "If-Match": `"1"`}})
		testkit.WantErr(t, r, http.StatusUnsupportedMediaType, "unsupported_media_type")
		r = h.Do(t, testkit.Req{Method: "PUT", Path: f.p1("/members/x@example.org"), As: uLead, Body: roles(`{"role":"lead"}`),
			Header: map[string]string{"Content-Type": "text/plain"}})
		testkit.WantErr(t, r, http.StatusUnsupportedMediaType, "unsupported_media_type")

		// JSON is UTF-8, and the body is read as sent: another charset or a
		// content coding is refused as such, not called invalid JSON.
		for _, hdr := range []map[string]string{
			{"Content-Type": "application/json; charset=utf-16"},
			{"Content-Type": "application/json; charset=ISO-8859-1"},
			{"Content-Type": `application/json; charset="latin1"`},
			{"Content-Encoding": "gzip"},
			{"Content-Encoding": "identity, br"},
		} {
			r := h.Do(t, testkit.Req{Method: "POST", Path: f.p1("/funders"), As: uLead, Body: okBody, Header: hdr})
			if testkit.WantErr(t, r, http.StatusUnsupportedMediaType, "unsupported_media_type"); !strings.Contains(r.String(), "charset") && !strings.Contains(r.String(), "Content-Encoding") {
				t.Errorf("%v: %s does not say what is not accepted", hdr, r)
			}
		}
		r = h.Do(t, testkit.Req{Method: "PUT", Path: f.p1("/members/x@example.org"), As: uLead, Body: roles(`{"role":"lead"}`),
			Header: map[string]string{"Content-Encoding": "deflate"}})
		testkit.WantErr(t, r, http.StatusUnsupportedMediaType, "unsupported_media_type")
		// UTF-8 in any case, and no coding at all, are read (and this body refused for its name).
		for _, hdr := range []map[string]string{
			{"Content-Type": "application/json; charset=UTF-8"},
			{"Content-Type": "application/json;charset=utf-8"},
			{"Content-Encoding": "identity"},
		} {
			testkit.WantFields(t, h.Do(t, testkit.Req{Method: "POST", Path: f.p1("/funders"), As: uLead, Body: `{"name":"","contacts":["a@example.org"]}`, Header: hdr}), "name")
		}

		// One byte over 64 KiB is refused whole; exactly 64 KiB is read (and
		// then refused as invalid, since the name is far too long).
		big := func(size int) string {
			pre, post := `{"name":"`, `","contacts":["a@example.org"]}`
			return pre + strings.Repeat("n", size-len(pre)-len(post)) + post
		}
		r = h.Do(t, testkit.Req{Method: "POST", Path: f.p1("/funders"), As: uLead, Body: big(64<<10 + 1)})
		testkit.WantErr(t, r, http.StatusRequestEntityTooLarge, "payload_too_large")
		r = h.Do(t, testkit.Req{Method: "POST", Path: f.p1("/funders"), As: uLead, Body: big(1 << 20)})
		testkit.WantErr(t, r, http.StatusRequestEntityTooLarge, "payload_too_large")
		testkit.WantFields(t, h.Do(t, testkit.Req{Method: "POST", Path: f.p1("/funders"), As: uLead, Body: big(64 << 10)}), "name")

		// A +json media type and parameters are fine (the body is then checked).
		testkit.WantFields(t, h.Do(t, testkit.Req{Method: "POST", Path: f.p1("/funders"), As: uLead, Body: `{"name":""}`,
			Header: map[string]string{"Content-Type": "application/merge-patch+json; charset=utf-8"}}), "name", "contacts")
	})

	t.Run("who is told what", func(t *testing.T) {
		bad := `{"name":5}`
		// A stranger learns nothing from validation: 404, not 400.
		testkit.WantErr(t, h.Do(t, testkit.Req{Method: "POST", Path: f.p1("/funders"), As: uOutsider, Body: bad}), 404, "not_found")
		testkit.WantErr(t, h.Do(t, testkit.Req{Method: "POST", Path: f.p1("/grants"), As: uOutsider, Body: bad}), 404, "not_found")
		testkit.WantErr(t, h.Do(t, testkit.Req{Method: "PUT", Path: f.p1("/members/a@example.org"), As: uOutsider, Body: bad}), 404, "not_found")
		testkit.WantErr(t, h.Do(t, testkit.Req{Method: "PATCH", Path: f.p1("/grants/" + f.GrantXA), As: uOutsider, Body: bad,
			Header: map[string]string{"If-Match": `"1"`}}), 404, "not_found")
		// A member who may not write is told so before the body is judged.
		testkit.WantErr(t, h.Do(t, testkit.Req{Method: "POST", Path: f.p1("/funders"), As: uPLA, Body: bad}), 403, "forbidden")
		testkit.WantErr(t, h.Do(t, testkit.Req{Method: "POST", Path: "/programmes", As: uLead, Body: bad}), 403, "forbidden")
		testkit.WantErr(t, h.Do(t, testkit.Req{Method: "PATCH", Path: f.p1("/grants/" + f.GrantXA), As: uFunderX, Body: bad,
			Header: map[string]string{"If-Match": `"1"`}}), 403, "forbidden")
	})

	t.Run("routes and methods", func(t *testing.T) {
		for _, p := range []string{"/nope", "/programmes/" + f.P1 + "/nope", "/programmes/" + f.P1 + "/grants/" + f.GrantXA + "/extra", "/"} {
			testkit.WantErr(t, h.Do(t, testkit.Req{Method: "GET", Path: p, As: uAdmin}), 404, "not_found")
			testkit.WantErr(t, h.Do(t, testkit.Req{Method: "GET", Path: p}), 404, "not_found")
		}
		for _, c := range []struct{ method, path, allow string }{
			{"DELETE", "/programmes", "GET, HEAD, POST"},
			{"POST", "/health", "GET, HEAD"},
			{"DELETE", f.p1(""), "GET, HEAD, PATCH"},
			{"DELETE", f.p1("/funders"), "GET, HEAD, POST"},
			{"PUT", f.p1("/projects/" + f.A), "GET, HEAD, PATCH"},
			{"POST", f.p1("/members/" + uLead), "GET, HEAD, PUT, DELETE"},
			{"PUT", f.p1("/grants"), "GET, HEAD, POST"},
			{"DELETE", f.p1("/grants/" + f.GrantXA), "GET, HEAD, PATCH"},
			{"POST", f.p1("/grants/" + f.GrantXA), "GET, HEAD, PATCH"},
		} {
			r := h.Do(t, testkit.Req{Method: c.method, Path: c.path, As: uAdmin})
			if r.Status != http.StatusMethodNotAllowed {
				t.Errorf("%s %s: got %s, want 405 with Allow: %s", c.method, c.path, r, c.allow)
				continue
			}
			testkit.WantErr(t, r, http.StatusMethodNotAllowed, "method_not_allowed")
			if got := r.Header.Get("Allow"); got != c.allow {
				t.Errorf("%s %s: Allow = %q, want %q", c.method, c.path, got, c.allow)
			}
		}
	})

	// None of the refused requests above wrote anything (the one funder the
	// cursor test made on purpose aside).
	after := h.Snapshot(t)
	var kept []string
	for _, l := range after {
		if !strings.Contains(strings.ToLower(l), "funder z2") {
			kept = append(kept, l)
		}
	}
	if len(after)-len(kept) != 3 { // the funder, the marker of its name and its audit event
		t.Errorf("expected the cursor test's funder and its audit event, found %d items naming it", len(after)-len(kept))
	}
	testkit.SameSnapshot(t, "refused requests", before, kept)
}

func mustJSON(v any) string {
	raw, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(raw)
}

// TestAPIFieldWording: each field is told what is wrong with it. A body
// that cannot be read is named alone (its fields were sent, not missing);
// an id that was sent but is none of the programme's is "not found", as a
// well-formed unknown one is, not "required" (and as another programme's
// record's is, which says nothing of it); and a missing amountPence is
// "required" like every other missing field.
func TestAPIFieldWording(t *testing.T) {
	t.Parallel()
	h := newMemAPI(t)
	f := h.fixture(t)
	grant := mustJSON(testkit.GrantBody("Worded grant", f.X, f.A, testkit.GrantPence))
	payments := f.p1("/grants/" + f.GrantXA + "/payments")
	for _, c := range []struct {
		name, method, path, body string
		want                     map[string]string
	}{
		{"trailing garbage", "POST", f.p1("/grants"), grant + " x", map[string]string{domain.BodyField: "is not valid JSON"}},
		{"byte order mark", "POST", f.p1("/grants"), "\ufeff" + grant, map[string]string{domain.BodyField: "is not valid JSON"}},
		{"members not JSON", "PUT", f.p1("/members/new@example.org"), `{"roles":`, map[string]string{domain.BodyField: "is not valid JSON"}},
		{"funder that is no id", "PUT", f.p1("/members/new@example.org"), `{"roles":[{"role":"funder","funderId":"nope"}]}`,
			map[string]string{"roles[0].funderId": domain.ProblemNotFoundRef}},
		{"funder unknown", "PUT", f.p1("/members/new@example.org"), `{"roles":[{"role":"funder","funderId":"` + domain.NewID() + `"}]}`,
			map[string]string{"roles[0].funderId": domain.ProblemNotFoundRef}},
		{"funder not sent", "PUT", f.p1("/members/new@example.org"), `{"roles":[{"role":"funder"}]}`,
			map[string]string{"roles[0].funderId": "required: the funder this person acts for"}},
		{"project that is no id", "PUT", f.p1("/members/new@example.org"), `{"roles":[{"role":"project-lead","projectId":"nope"}]}`,
			map[string]string{"roles[0].projectId": domain.ProblemNotFoundRef}},
		{"grant's funder that is no id", "POST", f.p1("/grants"), strings.Replace(grant, f.X, "dwp", 1),
			map[string]string{"funderId": domain.ProblemNotFoundRef}},
		{"target that is no id", "POST", payments, mustJSON(testkit.MilestonePaymentBody(1000, "nope", 100)),
			map[string]string{"trigger.targetId": domain.ProblemNotFoundRef}},
		// A target's notify list: no id, an id of no funder, another
		// programme's funder's, told alike (that funder is not disclosed).
		{"notify: no id", "POST", f.p1("/targets"), mustJSON(atTargetBody(10, "nope")),
			map[string]string{"notify[0]": domain.ProblemNotFoundRef}},
		{"notify: no funder's id", "POST", f.p1("/targets"), mustJSON(atTargetBody(10, domain.NewID())),
			map[string]string{"notify[0]": domain.ProblemNotFoundRef}},
		{"notify: another programme's funder", "POST", f.p1("/targets"), mustJSON(atTargetBody(10, f.Z)),
			map[string]string{"notify[0]": domain.ProblemNotFoundRef}},
		{"notify: all at once", "POST", f.p1("/targets"), mustJSON(atTargetBody(10, f.X, f.X, "nope", f.Z, domain.NewID())),
			map[string]string{"notify[1]": "appears twice", "notify[2]": domain.ProblemNotFoundRef, "notify[3]": domain.ProblemNotFoundRef,
				"notify[4]": domain.ProblemNotFoundRef}},
		{"grant's amount missing", "POST", f.p1("/grants"), strings.Replace(grant, fmt.Sprintf(`"amountPence":%d,`, testkit.GrantPence), "", 1),
			map[string]string{"amountPence": "required"}},
		{"payment's amount missing", "POST", payments, `{"dueDate":"2025-06-01","trigger":{"kind":"date"}}`,
			map[string]string{"amountPence": "required"}},
	} {
		r := h.Do(t, testkit.Req{Method: c.method, Path: c.path, As: uLead, Body: c.body})
		e := testkit.WantErr(t, r, http.StatusBadRequest, "validation_failed")
		if fmt.Sprint(e.Fields) != fmt.Sprint(c.want) {
			t.Errorf("%s: fields %v, want %v", c.name, e.Fields, c.want)
		}
	}
	testReferenceWording(t, h, f)
}

// testReferenceWording walks every field and query parameter that names
// another record with an id that is no id, a well-formed id of nothing,
// and (where there is one) the id of a record the caller may not reach
// there (another programme's, another project's): each is told one thing,
// so the answer says nothing of what exists elsewhere, and the wording is
// the same whatever was wrong with the id.
func testReferenceWording(t *testing.T, h *apiH, f *apiFixture) {
	t.Helper()
	// Records elsewhere: another programme's target and schedule, and
	// project B's cohort and submission (project A's lead cannot see them).
	targetP2, _ := h.Create(t, uLead2, "/programmes/"+f.P2+"/targets", atTargetBody(10))
	schedule := func(projectIDs ...string) map[string]any {
		b := map[string]any{"name": "Quarterly", "frequency": "quarterly", "firstPeriodStart": "2025-04-01",
			"lastPeriodEnd": "2026-03-31", "reminders": []int{}}
		if projectIDs != nil {
			b["projectIds"] = projectIDs
		}
		return b
	}
	scheduleP2, _ := h.Create(t, uLead2, "/programmes/"+f.P2+"/schedules", schedule())
	cohortB, _ := h.Create(t, uLead, f.p1("/projects/"+f.B+"/cohorts"), testkit.CohortBody(4))
	outcomeB, _ := h.Create(t, uLead, f.p1("/projects/"+f.B+"/outcomes"), testkit.OutcomeBody(map[string]int{"referrals": 1}))

	type ref struct {
		field, as, method, path string
		body                    func(id string) any // nil: a query's id
		elsewhere               []string            // ids of records not reachable here
		want                    string              // ProblemNotFoundRef unless set
		also                    map[string]string   // the body's other problems, for every id
	}
	grant := func(funder, project string) func(string) any {
		return func(id string) any {
			return testkit.GrantBody("Worded grant", cmp.Or(funder, id), cmp.Or(project, id), testkit.GrantPence)
		}
	}
	outcome := func(field string) func(string) any {
		return func(id string) any { return testkit.OutcomeBody(map[string]int{"referrals": 1}, field, id) }
	}
	outcomeAt := f.p1("/projects/" + f.A + "/outcomes")
	spendAt := f.p1("/grants/" + f.GrantXA + "/spend")
	spend := func(id string) any {
		return testkit.Merge(testkit.SpendBody("2025-04-01", "2025-06-30", "staff", 400_000), map[string]any{"replaces": id})
	}
	refs := []ref{
		{field: "roles[0].projectId", method: "PUT", path: f.p1("/members/new@example.org"),
			body: func(id string) any { return testkit.RolesBody(testkit.RoleProjectLead(id)) }, elsewhere: []string{f.C}},
		{field: "roles[0].funderId", method: "PUT", path: f.p1("/members/new@example.org"),
			body: func(id string) any { return testkit.RolesBody(testkit.RoleFunder(id)) }, elsewhere: []string{f.Z}},
		{field: "funderId", method: "POST", path: f.p1("/grants"), body: grant("", f.A), elsewhere: []string{f.Z}},
		{field: "projectId", method: "POST", path: f.p1("/grants"), body: grant(f.X, ""), elsewhere: []string{f.C}},
		{field: "projectId", method: "POST", path: f.p1("/targets"),
			body: func(id string) any { return testkit.Merge(atTargetBody(10), map[string]any{"projectId": id}) }, elsewhere: []string{f.C}},
		{field: "trigger.targetId", method: "POST", path: f.p1("/grants/" + f.GrantXA + "/payments"),
			body: func(id string) any { return testkit.MilestonePaymentBody(1000, id, 100) }, elsewhere: []string{targetP2}},
		{field: "trigger.returnId", method: "POST", path: f.p1("/grants/" + f.GrantXA + "/payments"),
			body: func(id string) any {
				return map[string]any{"amountPence": 1000, "trigger": map[string]any{"kind": "return", "returnId": id}}
			},
			// Well formed: of no schedule, for the grant's project and for
			// another (its project is judged only of a return there is),
			// and another programme's.
			elsewhere: []string{domain.ReturnID(domain.NewID(), f.A, domain.MustDate("2025-04-01")),
				domain.ReturnID(domain.NewID(), f.B, domain.MustDate("2025-04-01")),
				domain.ReturnID(scheduleP2, f.C, domain.MustDate("2025-04-01"))}},
		{field: "grantId", method: "POST", path: f.p1("/projects/" + f.A + "/posts"),
			body: func(id string) any { return testkit.PostBody(id, "vacant") }, elsewhere: []string{f.GrantZC}},
		{field: "cohortId", as: uPLA, method: "POST", path: outcomeAt, body: outcome("cohortId"), elsewhere: []string{cohortB}},
		{field: "replaces", as: uPLA, method: "POST", path: outcomeAt, body: outcome("replaces"), elsewhere: []string{outcomeB}},
		// With another problem too, a replaced submission is named alike.
		{field: "replaces", as: uPLA, method: "POST", path: outcomeAt, elsewhere: []string{outcomeB},
			body: func(id string) any {
				return testkit.OutcomeBody(map[string]int{"referrals": -1}, "replaces", id)
			}, also: map[string]string{"counts.referrals": "must not be negative"}},
		// A spend return is the grant's own: another grant's, which the
		// lead may read, is not one of this grant's, and so is any other id.
		{field: "replaces", method: "POST", path: spendAt, body: spend, elsewhere: []string{f.SpendYB}, want: domain.ProblemNotGrantSpend},
		{field: "replaces", method: "POST", path: spendAt, want: domain.ProblemNotGrantSpend,
			body: func(id string) any {
				return testkit.Merge(testkit.SpendBody("2025-04-01", "2025-06-30", "staff", -1), map[string]any{"replaces": id})
			}, elsewhere: []string{f.SpendYB}, also: map[string]string{"lines[0].amountPence": "must not be negative"}},
		{field: "projectIds[0]", method: "POST", path: f.p1("/schedules"),
			body: func(id string) any { return schedule(id) }, elsewhere: []string{f.C}},
		{field: "projectId", method: "GET", path: f.p1("/returns?projectId="), elsewhere: []string{f.C}},
		{field: "scheduleId", method: "GET", path: f.p1("/returns?scheduleId="), elsewhere: []string{scheduleP2}},
	}
	for _, c := range refs {
		for _, id := range append([]string{"nope", domain.NewID()}, c.elsewhere...) {
			req := testkit.Req{Method: c.method, Path: c.path, As: cmp.Or(c.as, uLead)}
			if c.body == nil {
				req.Path += url.QueryEscape(id)
			} else {
				req.Body = mustJSON(c.body(id))
			}
			want := map[string]string{c.field: cmp.Or(c.want, domain.ProblemNotFoundRef)}
			maps.Copy(want, c.also)
			r := h.Do(t, req)
			e := testkit.WantErr(t, r, http.StatusBadRequest, "validation_failed")
			if fmt.Sprint(e.Fields) != fmt.Sprint(want) {
				t.Errorf("%s %s, %s %q: fields %v, want %v", c.method, c.path, c.field, id, e.Fields, want)
			}
		}
	}
	// A record the programme has, which the caller may see, but of another
	// project is a problem of its own, and says so.
	scheduleP1, _ := h.Create(t, uLead, f.p1("/schedules"), schedule())
	for _, c := range []struct {
		path, field, want string
		body              any
	}{
		{f.p1("/projects/" + f.A + "/posts"), "grantId", "must be a grant of this project or of the programme as a whole",
			testkit.PostBody(f.GrantYB, "vacant")},
		{f.p1("/grants/" + f.GrantXA + "/payments"), "trigger.returnId", "must be a return of the grant's project",
			map[string]any{"amountPence": 1000, "trigger": map[string]any{"kind": "return",
				"returnId": domain.ReturnID(scheduleP1, f.B, domain.MustDate("2025-04-01"))}}},
	} {
		r := h.Do(t, testkit.Req{Method: "POST", Path: c.path, As: uLead, Body: mustJSON(c.body)})
		e := testkit.WantErr(t, r, http.StatusBadRequest, "validation_failed")
		if want := map[string]string{c.field: c.want}; fmt.Sprint(e.Fields) != fmt.Sprint(want) {
			t.Errorf("POST %s: fields %v, want %v", c.path, e.Fields, want)
		}
	}
}
