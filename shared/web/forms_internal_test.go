package web

import (
	"encoding/json"
	"net/url"
	"reflect"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
)

func TestParsePounds(t *testing.T) {
	good := map[string]int64{"310,000.00": 31000000, "£310,000": 31000000, "0.5": 50, "12.34": 1234, " 1 000 ": 100000, "7": 700,
		"£ 1,234,567.89": 123456789, "1000000": 100000000}
	for in, want := range good {
		if got, err := parsePounds(in); err != nil || got != want {
			t.Errorf("parsePounds(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	// Commas and spaces only between thousands: a decimal comma is not a
	// hundred times the amount, and "1,5" is not fifteen pounds.
	for _, in := range []string{"", "abc", "1.234", "1e6", "£", "12.3.4", "99999999999999999999", "31,00", "1,5", "1,0000",
		"1 5", "1,000,00", "£ ", "NaN", "0x10", "+5", "-", "--5", "-£-5", "-abc", "5-"} {
		if _, err := parsePounds(in); err == nil {
			t.Errorf("parsePounds(%q) accepted", in)
		}
	}
	// A negative amount is read as one, for the service to say it must
	// not be negative (rather than "must be an amount in pounds").
	for in, want := range map[string]int64{"-5": -500, "-£5": -500, "£-5": -500, " - 1,000.50": -100050, "\u22125": -500, "-0": 0} {
		if got, err := parsePounds(in); err != nil || got != want {
			t.Errorf("parsePounds(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
}

// TestFormBodyRefusesBytesThatAreNotText: a posted field that is not UTF-8
// is a problem of that field, not text quietly rewritten to U+FFFD.
func TestFormBodyRefusesBytesThatAreNotText(t *testing.T) {
	f := newForm([]field{{"name", kText, "Name"}, {"notes", kOptText, "Notes"}, {"contacts", kLines, "Contacts"}},
		url.Values{"name": {"Leeds \xff"}, "notes": {"ok"}, "contacts": {"a@x.org\r\n\xed\xa0\x80@x.org"}})
	got, bad := f.body()
	if bad["name"] == "" || bad["contacts"] == "" || bad["notes"] != "" || got["notes"] != "ok" || got["name"] != nil {
		t.Errorf("body %v, problems %v", got, bad)
	}
}

func TestFormBody(t *testing.T) {
	fields := []field{{"title", kText, "Title"}, {"amountPence", kPounds, "Amount"}, {"startDate", kDate, "Start"},
		{"endDate", kDate, "End"}, {"counts.referrals", kOptInt, "Referrals"}, {"counts.jobStarts", kOptInt, "Job starts"},
		{"measures[0].name", kOptText, "Name"}, {"measures[0].respondents", kOptInt, "Respondents"}, {"notify", kChecks, "Notify"},
		{"thresholds", kIntList, "Milestones"}, {"contacts", kLines, "Contacts"}, {"fte", kFloat, "FTE"}}
	f := newForm(fields, url.Values{
		"title": {"A"}, "amountPence": {"1,000.5"}, "startDate-day": {"1"}, "startDate-month": {"2"}, "startDate-year": {"2011"},
		"endDate": {"2011-03-31"}, "counts.referrals": {"12"}, "counts.jobStarts": {""}, "measures[0].name": {"confidence"},
		"measures[0].respondents": {"8"}, "notify": {"a", "", "b"}, "thresholds": {"50, 100%"}, "contacts": {"a@x.org\r\nb@x.org, c@x.org"},
		"fte": {"0.5"},
	})
	got, bad := f.body()
	if len(bad) != 0 {
		t.Fatalf("problems %v", bad)
	}
	raw, _ := json.Marshal(got)
	want := `{"amountPence":100050,"contacts":["a@x.org","b@x.org","c@x.org"],"counts":{"referrals":12},"endDate":"2011-03-31",` +
		`"fte":0.5,"measures":[{"name":"confidence","respondents":8}],"notify":["a","b"],"startDate":"2011-02-01","thresholds":[50,100],"title":"A"}`
	if string(raw) != want {
		t.Errorf("body\n%s\nwant\n%s", raw, want)
	}

	f = newForm(fields, url.Values{"amountPence": {"lots"}, "startDate-day": {"31"}, "startDate-month": {"2"}, "startDate-year": {"2011"},
		"endDate-day": {"1"}, "endDate-year": {"11"}, "counts.referrals": {"1.5"}, "thresholds": {"half"}, "fte": {"x"}})
	_, bad = f.body()
	for _, p := range []string{"amountPence", "startDate", "endDate", "counts.referrals", "thresholds", "fte"} {
		if bad[p] == "" {
			t.Errorf("no problem for %s (%v)", p, bad)
		}
	}
	// Numbers as people type them, and nothing else: no NaN or infinity
	// (the body could not be written as JSON: a 500), no hexadecimal, no
	// comma that is not a thousands separator.
	for _, c := range []struct{ field, value string }{{"fte", "NaN"}, {"fte", "Inf"}, {"fte", "-Infinity"}, {"fte", "0x1p-1"},
		{"fte", "1e-400"}, {"fte", "0,5"}, {"counts.referrals", "1,5"}, {"counts.referrals", "0x10"}, {"counts.jobStarts", "1,0000"},
		{"measures[0].respondents", "8.0"}} {
		got, bad := newForm(fields, url.Values{c.field: {c.value}}).body()
		if bad[c.field] == "" {
			t.Errorf("%s %q: no problem (body %v)", c.field, c.value, got)
		}
		if _, err := json.Marshal(got); err != nil {
			t.Errorf("%s %q: the body does not encode: %v", c.field, c.value, err)
		}
	}
	// A required number left blank is sent as null, for the service to
	// name; an optional one is left out.
	if got, bad := newForm(fields, url.Values{"amountPence": {" "}, "fte": {""}, "counts.referrals": {""}}).body(); len(bad) != 0 ||
		got["amountPence"] != nil || got["fte"] != nil || got["thresholds"] != nil || !hasKeys(got, "amountPence", "fte", "thresholds") || hasKeys(got, "counts") {
		t.Errorf("blank numbers: body %v, problems %v", got, bad)
	}
	if got, bad := newForm(fields, url.Values{"counts.referrals": {"1,200"}, "fte": {".5"}}).body(); len(bad) != 0 || got["fte"] != 0.5 || got["counts"].(map[string]any)["referrals"] != int64(1200) {
		t.Errorf("1,200 and .5: body %v, problems %v", got, bad)
	}
	// The decoder names conversion problems first and the API's decoder's after.
	var in domain.GrantInput
	err := f.decoder()(&in)
	var de *domain.Error
	if !asDomainError(err, &de) || de.Fields["amountPence"] != "must be an amount in pounds, like 310,000.00" {
		t.Errorf("decoder: %v", err)
	}
}

func hasKeys(m map[string]any, keys ...string) bool {
	for _, k := range keys {
		if _, ok := m[k]; !ok {
			return false
		}
	}
	return true
}

func asDomainError(err error, de **domain.Error) bool {
	e, ok := err.(*domain.Error)
	*de = e
	return ok
}

func TestFormMessagesAndSummary(t *testing.T) {
	f := newForm([]field{{"title", kText, "Title"}, {"startDate", kDate, "Start date"}, {"contacts", kLines, "Contact emails"}}, nil)
	f.fail(&domain.Error{Code: domain.CodeValidation, Fields: map[string]string{"title": "required", "startDate": "must not be before x",
		"contacts[1]": "must be an email address", "roles": "at least one role is required, e.g. x"}})
	want := []summaryItem{{"Enter title", "#f-title"}, {"Start date must not be before x", "#f-startDate-day"},
		{"Contact emails must be an email address", "#f-contacts"}, {"At least one role is required", "#f-roles"}}
	if got := f.Summary(); !reflect.DeepEqual(got, want) {
		t.Errorf("summary %v\nwant %v", got, want)
	}
	if f.fail(domain.Errorf(domain.CodeForbidden, "no")) || f.fail(domain.NotFound("x")) {
		t.Error("refusals are not form errors")
	}
}

// TestMetricFieldsFromCatalogue: the outcome form's count boxes and their
// error messages use the metric catalogue's labels.
func TestMetricFieldsFromCatalogue(t *testing.T) {
	labels := map[string]string{}
	for _, fd := range outcomeFields() {
		labels[fd.Path] = fd.Label
	}
	for _, m := range domain.Metrics {
		if got := labels["counts."+string(m)]; got != m.Label() {
			t.Errorf("the %s box is labelled %q, want %q", m, got, m.Label())
		}
	}
	f := newForm(nil, nil)
	if got := f.message("counts.sustainedJobs13Weeks", "must not be negative"); got != "Jobs sustained for 13 weeks must not be negative" {
		t.Errorf("message %q", got)
	}
	if got := f.message("counts.peopleIntoWork", "required"); got != "Enter people into work" {
		t.Errorf("message %q", got)
	}
}

func TestCompactMeasures(t *testing.T) {
	v := url.Values{"measures[1].name": {"b"}, "measures[1].respondents": {"3"}, "measures[2].name": {"c"}}
	compactMeasures(v)
	if v.Get("measures[0].name") != "b" || v.Get("measures[0].respondents") != "3" || v.Get("measures[1].name") != "c" || v.Has("measures[2].name") {
		t.Errorf("compacted %v", v)
	}
}

func TestFormatting(t *testing.T) {
	if got := fieldID("measures[0].baselineMean"); got != "f-measures-0-baselineMean" {
		t.Errorf("fieldID %q", got)
	}
	for in, want := range map[string]string{"/app/x": "/app/x", "https://evil.org": "/app/", "//evil.org/app/": "/app/",
		"/app/auth/login": "/app/", "/apple": "/app/", "/app/\\evil": "/app/"} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestSafeNextStaysInTheApp: a sign-in's next is cleaned before it is
// checked, so no dot segments, encoded or not, lead out of /app/ or into
// its sign-in pages, and nothing a browser reads otherwise than the server
// (backslashes, control characters, a leading //) passes; a page inside
// the app keeps its query string (audit N2).
func TestSafeNextStaysInTheApp(t *testing.T) {
	for in, want := range map[string]string{
		"/app/":                      "/app/",
		"/app/programmes/abc/grants": "/app/programmes/abc/grants",
		"/app/programmes/abc/":       "/app/programmes/abc/",
		"/app/programmes/abc/history?entity=member&id=funder%40example.org": "/app/programmes/abc/history?entity=member&id=funder%40example.org",
		"/app/programmes/./abc//grants":                                     "/app/programmes/abc/grants",
		"/app/programmes/abc/../def":                                        "/app/programmes/def",
		"/app/x?next=/app/../y":                                             "/app/x?next=/app/../y", // a query is no path
		"/app/../health":                                                    "/app/",
		"/app/..//evil.example":                                             "/app/",
		"/app/../app/auth/signed-out":                                       "/app/",
		"/app/x/../../app/auth/login?next=/":                                "/app/",
		"/app/..":                                                           "/app/",
		"/app/.":                                                            "/app/",
		"/app":                                                              "/app/",
		"/app/%2e%2e/health":                                                "/app/",
		"/app/%2E%2E/health":                                                "/app/",
		"/app/.%2e/health":                                                  "/app/",
		"/app/%2fevil.example":                                              "/app/",
		"/app/%5cevil.example":                                              "/app/",
		"/app/..\\evil":                                                     "/app/",
		"/\\evil.example":                                                   "/app/",
		"/app/\t/../..\t/health":                                            "/app/",
		"/app/x\r\nSet-Cookie: a=b":                                         "/app/",
		"/app/x\x7f":                                                        "/app/",
		"//evil.example":                                                    "/app/",
		"///evil.example":                                                   "/app/",
		"javascript:alert(1)":                                               "/app/",
		"":                                                                  "/app/",
		"app/x":                                                             "/app/",
		"/app/x#/../../health":                                              "/app/", // http.Redirect would clean it to /health
		"/app/x?a=b#c":                                                      "/app/",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCodec(t *testing.T) {
	c := RandomCodec()
	s, err := c.Seal("a", map[string]int{"x": 1})
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]int
	if err := c.Open("a", s, &v); err != nil || v["x"] != 1 {
		t.Fatalf("open: %v %v", v, err)
	}
	if c.Open("b", s, &v) == nil {
		t.Error("a value sealed for one cookie opened as another")
	}
	if RandomCodec().Open("a", s, &v) == nil {
		t.Error("another key opened the value")
	}
	if _, err := CodecFromBase64("c2hvcnQ="); err == nil {
		t.Error("a short key was accepted")
	}
	if _, err := CodecFromBase64("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="); err != nil {
		t.Errorf("a 32-byte key: %v", err)
	}
}

// TestFunderFormOffersEachContactOnce: the change form of a funder saved
// before contacts had to differ shows each contact once, as saving it
// will store them, rather than a box the form itself would refuse.
func TestFunderFormOffersEachContactOnce(t *testing.T) {
	v := url.Values{}
	setFunderValues(v, domain.Funder{Name: "DWP", Contacts: []string{"a@dwp.example", "b@dwp.example", "A@dwp.example"}})
	if got := v.Get("contacts"); got != "a@dwp.example\nb@dwp.example" {
		t.Errorf("the contacts box holds %q", got)
	}
}
