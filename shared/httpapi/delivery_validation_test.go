package httpapi_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// dhBad is one refused request and the fields its 400 must name.
type dhBad struct {
	name    string
	method  string
	path    string
	as      string
	body    any
	hdr     []string
	fields  []string
	atLeast bool // the answer may name more fields than these
}

// TestDeliveryValidation sends invalid posts, cohorts, outcomes and targets
// and checks each is 400 validation_failed naming every bad field at once,
// and that nothing changed: not the progress report, not any list, not a
// single item of the table.
func TestDeliveryValidation(t *testing.T) {
	t.Parallel()
	a := newMemAPI(t)
	w := dhSetup(t, a)
	outA := w.prj(w.A, "/outcomes")
	postA, _ := a.Create(t, uPLA, w.prj(w.A, "/posts"), testkit.PostBody(w.GXA, "filled"))
	cohortA, _ := a.Create(t, uPLA, w.prj(w.A, "/cohorts"), testkit.CohortBody(4))
	okOutcome := map[string]any{"periodStart": "2025-04-01", "periodEnd": "2025-06-30", "counts": map[string]any{"referrals": 12}}
	a.Create(t, uPLA, outA, okOutcome)
	targetID, _ := a.Create(t, uLead, w.pp("/targets"), map[string]any{"metric": "peopleIntoWork", "value": 60, "deadline": "2026-12-31", "notify": []string{w.X}})
	okPost := testkit.PostBody(w.GXA, "vacant")
	okCohort := testkit.CohortBody(4)
	okTarget := map[string]any{"metric": "peopleIntoWork", "value": 60, "deadline": "2026-12-31", "notify": []string{w.X}}
	measure := func(over map[string]any) map[string]any {
		return testkit.Merge(map[string]any{"name": "self-confidence", "baselineMean": 3.0, "latestMean": 6.9, "respondents": 8}, over)
	}
	outcome := func(over map[string]any) dhBad {
		return dhBad{method: "POST", path: outA, as: uPLA, body: testkit.Merge(okOutcome, over)}
	}
	cases := []dhBad{}
	add := func(name string, b dhBad, fields ...string) {
		b.name, b.fields = name, fields
		cases = append(cases, b)
	}

	// Outcomes.
	add("negative count", outcome(map[string]any{"counts": map[string]any{"referrals": -1, "jobStarts": 3}}), "counts.referrals")
	add("unknown metric", outcome(map[string]any{"counts": map[string]any{"peopleIntoJobs": 3}}), "counts.peopleIntoJobs")
	add("absurd count", outcome(map[string]any{"counts": map[string]any{"referrals": 100001}}), "counts.referrals")
	add("huge count", outcome(map[string]any{"counts": map[string]any{"referrals": 1e30}}), "counts.referrals")
	add("fractional count", outcome(map[string]any{"counts": map[string]any{"peopleIntoWork": 1.5}}), "counts.peopleIntoWork")
	add("several bad counts", outcome(map[string]any{"counts": map[string]any{"referrals": -5, "jobStarts": 200000, "people": 1, "trainingStarts": "2"}}),
		"counts.referrals", "counts.jobStarts", "counts.people", "counts.trainingStarts")
	add("bad dates", outcome(map[string]any{"periodStart": "2025-02-30", "periodEnd": "31/03/2025"}), "periodStart", "periodEnd")
	add("date out of range", outcome(map[string]any{"periodStart": "1066-10-14"}), "periodStart")
	add("periodEnd before periodStart", outcome(map[string]any{"periodStart": "2025-06-30", "periodEnd": "2025-04-01"}), "periodEnd")
	add("period longer than a year", outcome(map[string]any{"periodStart": "2025-01-01", "periodEnd": "2026-01-03"}), "periodEnd")
	add("missing dates", outcome(map[string]any{"periodStart": nil, "periodEnd": nil}), "periodStart", "periodEnd")
	add("empty counts", outcome(map[string]any{"counts": map[string]any{}}), "counts")
	add("no counts", outcome(map[string]any{"counts": nil}), "counts")
	add("counts a string", outcome(map[string]any{"counts": "referrals: 12"}), "counts")
	add("bad measures", outcome(map[string]any{"measures": []any{
		measure(map[string]any{"name": "Self Confidence", "baselineMean": 0, "latestMean": -1, "respondents": 0}),
		measure(map[string]any{"name": "health", "baselineMean": 1001, "latestMean": 1001, "respondents": 100001}),
		measure(map[string]any{"name": "health"}),
		measure(map[string]any{"name": "", "respondents": 2.5, "baselineMean": "3"}),
	}}), "measures[0].name", "measures[0].baselineMean", "measures[0].latestMean", "measures[0].respondents",
		"measures[1].baselineMean", "measures[1].latestMean", "measures[1].respondents", "measures[2].name",
		"measures[3].name", "measures[3].respondents", "measures[3].baselineMean")
	// 0 is a real latest mean, so a missing one must be named, not read as
	// 0 (a fall of 100% on the dashboard).
	add("missing latestMean", outcome(map[string]any{"measures": []any{measure(map[string]any{"latestMean": nil})}}), "measures[0].latestMean")
	add("missing latestMean beside other faults", outcome(map[string]any{"measures": []any{
		measure(nil), measure(map[string]any{"name": "health", "latestMean": nil, "respondents": 0})}}),
		"measures[1].latestMean", "measures[1].respondents")
	add("unknown measure field", outcome(map[string]any{"measures": []any{measure(map[string]any{"median": 4})}}), "measures[0].median")
	var many []any
	for range 21 {
		many = append(many, measure(nil))
	}
	add("too many measures", outcome(map[string]any{"measures": many}), "measures", "measures[1].name", "measures[2].name", "measures[3].name",
		"measures[4].name", "measures[5].name", "measures[6].name", "measures[7].name", "measures[8].name", "measures[9].name",
		"measures[10].name", "measures[11].name", "measures[12].name", "measures[13].name", "measures[14].name", "measures[15].name",
		"measures[16].name", "measures[17].name", "measures[18].name", "measures[19].name", "measures[20].name")
	add("unknown fields", outcome(map[string]any{"peopleHelped": 3, "projectId": w.B}), "peopleHelped", "projectId")
	add("wrong types", outcome(map[string]any{"periodStart": 20250401, "counts": map[string]any{"referrals": "12"},
		"measures": "self-confidence", "notes": 5, "cohortId": 7}), "periodStart", "counts.referrals", "measures", "notes", "cohortId")
	add("counts not an object", outcome(map[string]any{"counts": []int{1, 2}}), "counts")
	add("notes too long", outcome(map[string]any{"notes": strings.Repeat("x", 2001)}), "notes")
	add("cohortId not an id", outcome(map[string]any{"cohortId": "cohort-1"}), "cohortId")
	add("cohortId of no cohort", outcome(map[string]any{"cohortId": domain.NewID()}), "cohortId")
	add("everything at once", outcome(map[string]any{"periodStart": "2025-13-01", "periodEnd": 5, "counts": map[string]any{"referrals": -1, "x": 1},
		"measures": []any{measure(map[string]any{"respondents": 0})}, "notes": true, "replaces": "nope", "extra": 1}),
		"periodStart", "periodEnd", "counts.referrals", "counts.x", "measures[0].respondents", "notes", "replaces", "extra")
	// A body that is no object at all names domain.BodyField, "$" (and may list the
	// required fields it therefore lacks).
	add("not JSON", dhBad{method: "POST", path: outA, as: uPLA, body: `{"counts": {"referrals": 1}`, atLeast: true}, domain.BodyField)
	add("empty body", dhBad{method: "POST", path: outA, as: uPLA, body: " ", hdr: []string{"Content-Type", "application/json"}, atLeast: true}, domain.BodyField)
	add("JSON array", dhBad{method: "POST", path: outA, as: uPLA, body: `[1, 2]`, atLeast: true}, domain.BodyField)
	add("JSON null", dhBad{method: "POST", path: outA, as: uPLA, body: `null`, atLeast: true}, domain.BodyField)

	// Posts.
	posts := w.prj(w.A, "/posts")
	post := func(over map[string]any) dhBad {
		return dhBad{method: "POST", path: posts, as: uPLA, body: testkit.Merge(okPost, over)}
	}
	add("fte 0", post(map[string]any{"fte": 0}), "fte")
	add("fte 1.5", post(map[string]any{"fte": 1.5}), "fte")
	add("fte negative", post(map[string]any{"fte": -0.5}), "fte")
	add("fte as text", post(map[string]any{"fte": "1"}), "fte")
	add("contract value", post(map[string]any{"contract": "zero-hours"}), "contract")
	add("status value", post(map[string]any{"status": "open"}), "status")
	add("post everything at once", post(map[string]any{"title": "", "grantId": "g1", "fte": 2, "contract": "fixed", "status": "FILLED",
		"startDate": "2025-02-01", "endDate": "2025-01-01", "salary": 30000}),
		"title", "grantId", "fte", "contract", "status", "endDate", "salary")
	add("post missing fields", dhBad{method: "POST", path: posts, as: uPLA, body: map[string]any{}},
		"title", "grantId", "fte", "contract", "startDate", "status")
	add("post PATCH fte", dhBad{method: "PATCH", path: posts + "/" + postA, as: uPLA, body: map[string]any{"fte": 1.5}, hdr: []string{"If-Match", `"1"`}}, "fte")
	add("post PATCH values", dhBad{method: "PATCH", path: posts + "/" + postA, as: uPLA,
		body: map[string]any{"status": "open", "contract": "casual", "id": "x"}, hdr: []string{"If-Match", `"1"`}}, "status", "contract", "id")

	// Cohorts.
	cohorts := w.prj(w.A, "/cohorts")
	cohort := func(over map[string]any) dhBad {
		return dhBad{method: "POST", path: cohorts, as: uPLA, body: testkit.Merge(okCohort, over)}
	}
	add("places 0", cohort(map[string]any{"places": 0}), "places")
	add("places 1001", cohort(map[string]any{"places": 1001}), "places")
	add("places fractional", cohort(map[string]any{"places": 4.5}), "places")
	add("cohort everything at once", cohort(map[string]any{"name": " ", "places": -1, "startDate": "2025-08-31", "endDate": "2025-03-01", "interns": 4}),
		"name", "places", "endDate", "interns")
	add("cohort PATCH places", dhBad{method: "PATCH", path: cohorts + "/" + cohortA, as: uPLA, body: map[string]any{"places": 1001}, hdr: []string{"If-Match", `"1"`}}, "places")

	// Targets.
	targets := w.pp("/targets")
	target := func(over map[string]any) dhBad {
		return dhBad{method: "POST", path: targets, as: uLead, body: testkit.Merge(okTarget, over)}
	}
	add("target metric", target(map[string]any{"metric": "peopleHelped"}), "metric")
	add("target value 0", target(map[string]any{"value": 0}), "value")
	add("target value huge", target(map[string]any{"value": 10000001}), "value")
	add("thresholds out of range and repeated", target(map[string]any{"thresholds": []int{0, 50, 50, 2000}}), "thresholds[0]", "thresholds[2]", "thresholds[3]")
	add("thresholds empty", target(map[string]any{"thresholds": []int{}}), "thresholds")
	add("notify unknown funder", target(map[string]any{"notify": []string{domain.NewID()}}), "notify[0]")
	add("notify another programme's funder", target(map[string]any{"notify": []string{w.X, w.Z}}), "notify[1]")
	add("notify not an id, twice", target(map[string]any{"notify": []string{"dwp", w.X, w.X}}), "notify[0]", "notify[2]")
	add("target unknown project", target(map[string]any{"projectId": domain.NewID()}), "projectId")
	add("target another programme's project", target(map[string]any{"projectId": w.C}), "projectId")
	add("target dates", target(map[string]any{"deadline": nil, "startDate": "2025-02-30"}), "deadline", "startDate")
	add("target startDate after deadline", target(map[string]any{"startDate": "2027-01-01"}), "startDate")
	add("target everything at once", target(map[string]any{"metric": 3, "value": -1, "deadline": "soon", "notify": "X", "thresholds": []any{"50"}, "owner": "me"}),
		"metric", "value", "deadline", "notify", "thresholds[0]", "owner")
	add("target PATCH", dhBad{method: "PATCH", path: targets + "/" + targetID, as: uLead,
		body: map[string]any{"value": 0, "thresholds": []int{100, 100}}, hdr: []string{"If-Match", `"1"`}}, "value", "thresholds[1]")
	add("target PATCH unknown funder", dhBad{method: "PATCH", path: targets + "/" + targetID, as: uLead,
		body: map[string]any{"notify": []string{w.Y, domain.NewID()}}, hdr: []string{"If-Match", `"1"`}}, "notify[1]")

	before := w.state(t)
	lists := func() []int {
		var n []int
		for _, p := range []string{w.prj(w.A, "/posts"), w.prj(w.A, "/cohorts"), w.prj(w.A, "/outcomes"), w.pp("/targets")} {
			n = append(n, len(testkit.ListAll[struct{}](t, a, uAdmin, p)))
		}
		return n
	}
	listsBefore := lists()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := a.Do(t, testkit.Request(c.method, c.path, c.as, c.body, c.hdr...))
			if c.atLeast {
				e := testkit.WantErr(t, r, http.StatusBadRequest, "validation_failed")
				for _, f := range c.fields {
					if e.Fields[f] == "" {
						t.Errorf("fields %v lack %s", e.Fields, f)
					}
				}
			} else {
				testkit.WantFields(t, r, c.fields...)
			}
			testkit.SameSnapshot(t, c.name, before, w.state(t))
		})
	}
	if got := lists(); !slices.Equal(got, listsBefore) {
		t.Errorf("list lengths %v, want %v", got, listsBefore)
	}
	// Not JSON at all is 415, and changes nothing either.
	testkit.WantErr(t, a.Do(t, testkit.Request("POST", outA, uPLA, `referrals=12`, "Content-Type", "application/x-www-form-urlencoded")), http.StatusUnsupportedMediaType, "unsupported_media_type")
	testkit.SameSnapshot(t, "415", before, w.state(t))
}
