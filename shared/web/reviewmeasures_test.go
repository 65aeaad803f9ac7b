package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// TestReviewShowsMeasures: the wellbeing measures are part of the figures
// a lead approves, so the review form and the review queue show each
// measure's name, baseline mean, latest mean and respondents beside the
// counts; a correction's review compares the measures that count now with
// the correction's, as it does the counts (a measure the correction drops
// is shown as not reported in it).
func TestReviewShowsMeasures(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	h.reportingFixture(t, f) // review on
	p := "/app/programmes/" + f.PID
	pa := p + "/projects/" + f.ProjectA
	pl := h.Svc.OpenProject(t.Context(), caller(uPL), f.PID, f.ProjectA)
	o := must(pl.SubmitOutcome(body(map[string]any{"periodStart": "2011-10-01", "periodEnd": "2011-12-31",
		"counts": map[string]int{"peopleIntoWork": 4747},
		"measures": []map[string]any{
			{"name": "warwick-edinburgh", "baselineMean": 2.5, "latestMean": 9, "respondents": 3131},
			{"name": "confidence", "baselineMean": 4, "latestMean": 0, "respondents": 12},
		}})))
	lead := h.as(t, uLead)

	review := lead.get(pa + "/outcomes/" + o.ID + "/review")
	if review.Status != http.StatusOK {
		t.Fatalf("review form: %d\n%s", review.Status, excerpt(review.Body))
	}
	for _, want := range []string{
		`data-testid="review-measures"`, `Wellbeing measures</caption>`,
		`<th class="nhsuk-table__header nhsuk-table__header--numeric" scope="col">Baseline mean</th>`,
		`<th class="nhsuk-table__header" scope="row">warwick-edinburgh</th>`,
		`data-testid="measure-warwick-edinburgh-baseline">2.5<`, `data-testid="measure-warwick-edinburgh-latest">9<`,
		`data-testid="measure-warwick-edinburgh-respondents">3,131<`,
		`data-testid="measure-confidence-baseline">4<`, `data-testid="measure-confidence-latest">0<`,
		`data-testid="measure-confidence-respondents">12<`,
	} {
		if !strings.Contains(review.Body, want) {
			t.Errorf("the review form lacks %q\n%s", want, excerpt(review.Body))
		}
	}
	if strings.Contains(review.Body, `data-testid="counted-measures"`) {
		t.Error("a first submission's review compares measures with figures counted")
	}

	queue := lead.get(p + "/reviews")
	row := queue.Body[strings.Index(queue.Body, `data-testid="pending-`+o.ID+`"`):]
	row = row[:strings.Index(row, "</tr>")]
	for _, want := range []string{"warwick-edinburgh: baseline mean 2.5, latest mean 9, 3,131 respondents",
		"confidence: baseline mean 4, latest mean 0, 12 respondents", "People into work: 4,747"} {
		if !strings.Contains(row, want) {
			t.Errorf("the queue's row lacks %q\n%s", want, row)
		}
	}
	if !strings.Contains(queue.Body, `scope="col">Figures</th>`) {
		t.Errorf("the queue's column of figures is not headed Figures\n%s", excerpt(queue.Body))
	}

	// Approved, then corrected: one measure changed, one dropped, one new.
	if _, err := h.Svc.OpenProject(t.Context(), caller(uLead), f.PID, f.ProjectA).ReviewOutcome(o.ID,
		body(map[string]any{"decision": "approve"})); err != nil {
		t.Fatal(err)
	}
	c := must(pl.SubmitOutcome(body(map[string]any{"periodStart": "2011-10-01", "periodEnd": "2011-12-31", "replaces": o.ID,
		"counts": map[string]int{"peopleIntoWork": 4747},
		"measures": []map[string]any{
			{"name": "resilience", "baselineMean": 1, "latestMean": 2, "respondents": 5},
			{"name": "warwick-edinburgh", "baselineMean": 2.5, "latestMean": 8.75, "respondents": 3000},
		}})))
	review = lead.get(pa + "/outcomes/" + c.ID + "/review")
	if review.Status != http.StatusOK {
		t.Fatalf("correction's review form: %d\n%s", review.Status, excerpt(review.Body))
	}
	for _, want := range []string{
		`data-testid="counted-measures"`, `The wellbeing measures that count now</caption>`,
		`scope="row">warwick-edinburgh: latest mean</th>`,
		`data-testid="counted-measure-warwick-edinburgh-latest">9<`, `data-testid="corrected-measure-warwick-edinburgh-latest">8.75<`,
		`data-testid="counted-measure-warwick-edinburgh-respondents">3,131<`, `data-testid="corrected-measure-warwick-edinburgh-respondents">3,000<`,
		`data-testid="counted-measure-confidence-baseline">4<`, `data-testid="corrected-measure-confidence-baseline">Not reported<`,
		`data-testid="counted-measure-resilience-respondents">Not reported<`, `data-testid="corrected-measure-resilience-respondents">5<`,
	} {
		if !strings.Contains(review.Body, want) {
			t.Errorf("the correction's review form lacks %q\n%s", want, excerpt(review.Body))
		}
	}
	// The correction's measures in its order, then the one it drops.
	if i, j, k := strings.Index(review.Body, "counted-measure-resilience"), strings.Index(review.Body, "counted-measure-warwick-edinburgh"),
		strings.Index(review.Body, "counted-measure-confidence"); !(i < j && j < k) {
		t.Errorf("measures compared out of order: resilience %d, warwick-edinburgh %d, confidence %d", i, j, k)
	}
}

// TestReviewOfAnotherProject: a project lead opening (or posting) the
// review of another project's submission gets the not-found page the API
// gives ("this project's records are not visible to you"), not a refusal
// that tells the submission is there; nor does a funder, who reads approved
// figures only (security3 N2); its own project's lead gets the 403 page,
// as from the API.
func TestReviewOfAnotherProject(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	_, pending := h.reportingFixture(t, f)
	path := "/app/programmes/" + f.PID + "/projects/" + f.ProjectA + "/outcomes/" + pending + "/review"
	api := h.Svc.OpenProject(t.Context(), caller(uPLB), f.PID, f.ProjectA).MayReviewOutcome(pending)
	if domain.ErrorCode(api) != domain.CodeNotFound {
		t.Fatalf("the service answers another project's lead %v, want not found", api)
	}
	for _, who := range []string{uPLB, uFunder} {
		as := h.as(t, who)
		for _, pg := range []page{as.get(path), as.post(path, map[string][]string{"decision": {"approve"}})} {
			if pg.Status != http.StatusNotFound || !strings.Contains(pg.Body, `data-testid="error-title">Page not found<`) {
				t.Errorf("%s: %d, want the 404 page\n%s", who, pg.Status, excerpt(pg.Body))
			}
		}
	}
	if pg := h.as(t, uPL).get(path); pg.Status != http.StatusForbidden || !strings.Contains(pg.Body, "review submissions") {
		t.Errorf("%s: %d, want the 403 page\n%s", uPL, pg.Status, excerpt(pg.Body))
	}
}
