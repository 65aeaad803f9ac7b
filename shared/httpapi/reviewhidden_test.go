package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestFunderReadsNoReview: a funder reads an approved submission's status
// and figures (SPEC, "funders read returns' statuses and approved
// figures"), not the leads' review of it: GET of the submission, its list
// and its history carry neither the review's comment nor the reviewer, as
// the return it fills does not. The project lead reads them (audit W2).
func TestFunderReadsNoReview(t *testing.T) {
	t.Parallel()
	w := newRCMemWorld(t)
	a := w.a
	etag := a.Want(t, http.StatusOK, testkit.Request("GET", w.path(""), w.lead, nil)).Header.Get("ETag")
	a.Want(t, http.StatusOK, testkit.Request("PATCH", w.path(""), w.lead, map[string]any{"reviewOutcomes": true}, "If-Match", etag))
	w.schedule, _ = a.Create(t, w.lead, w.path("/schedules"), map[string]any{"name": "Quarterly returns", "frequency": "quarterly",
		"firstPeriodStart": "2026-01-01", "lastPeriodEnd": "2026-12-31"})
	w.returnQ1 = domain.ReturnID(w.schedule, w.project, domain.MustDate("2026-01-01"))
	a.mem.Clock.Set("2026-04-02T09:00:00Z")
	sub, _ := a.Create(t, w.pl, w.outcomes(), map[string]any{"periodStart": "2026-01-01", "periodEnd": "2026-03-31",
		"counts": map[string]int{"peopleIntoWork": 3}})
	const comment = "Approved, but staff flagged concerns - internal"
	a.Want(t, http.StatusOK, testkit.Request("POST", w.outcomes()+"/"+sub+"/review", w.lead,
		map[string]any{"decision": "approve", "comment": comment}))
	for _, as := range []string{w.funder, w.pl} {
		hidden := as == w.funder
		for _, path := range []string{w.outcomes() + "/" + sub, w.outcomes(), w.outcomes() + "/" + sub + "/history", w.path("/returns/" + w.returnQ1)} {
			body := string(a.Want(t, http.StatusOK, testkit.Request("GET", path, as, nil)).Body)
			if !strings.Contains(body, `"approved"`) && !strings.Contains(body, `"accepted"`) {
				t.Errorf("%s GET %s: no status\n%s", as, path, body)
			}
			shows := strings.Contains(body, comment) || strings.Contains(body, `"review":`) || strings.Contains(body, w.lead)
			if shows == hidden {
				t.Errorf("%s GET %s shows the review or reviewer: %v\n%s", as, path, shows, body)
			}
		}
	}
}
