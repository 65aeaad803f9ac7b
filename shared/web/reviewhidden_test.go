package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestFunderPagesShowNoReview: a funder reads an approved submission's
// status and figures, not the leads' review of it: its page and its
// history name neither the comment nor the reviewer (the history says "A
// reviewer" approved it), as its return hides them. The project lead reads
// both (audit W2).
func TestFunderPagesShowNoReview(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	_, pending := h.reportingFixture(t, f)
	const comment = "Approved, but staff flagged concerns - internal"
	if _, err := h.Svc.OpenProject(context.Background(), caller(uLead), f.PID, f.ProjectA).ReviewOutcome(pending,
		body(map[string]any{"decision": "approve", "comment": comment})); err != nil {
		t.Fatal(err)
	}
	p := "/app/programmes/" + f.PID
	page := p + "/projects/" + f.ProjectA + "/outcomes/" + pending
	history := p + "/history?" + url.Values{"entity": {"outcome"}, "project": {f.ProjectA}, "id": {pending}}.Encode()
	for _, who := range []string{uFunder, uPL} {
		b := h.as(t, who)
		hidden := who == uFunder
		pg := b.get(page)
		if pg.Status != http.StatusOK || !strings.Contains(pg.Body, `data-testid="outcome-status"`) {
			t.Fatalf("%s: the submission's page: %d\n%s", who, pg.Status, excerpt(pg.Body))
		}
		if shows := strings.Contains(pg.Body, comment) || strings.Contains(pg.Body, `data-testid="outcome-review"`); shows == hidden {
			t.Errorf("%s: the submission's page shows the review: %v\n%s", who, shows, excerpt(pg.Body))
		}
		hp := b.get(history)
		if hp.Status != http.StatusOK || !strings.Contains(hp.Body, "review outcome") {
			t.Fatalf("%s: the submission's history: %d\n%s", who, hp.Status, excerpt(hp.Body))
		}
		if shows := strings.Contains(hp.Body, comment) || strings.Contains(hp.Body, ">"+uLead+"<"); shows == hidden {
			t.Errorf("%s: the history shows the review or reviewer: %v\n%s", who, shows, excerpt(hp.Body))
		}
		if says := strings.Contains(hp.Body, ">A reviewer<"); says != hidden {
			t.Errorf("%s: the history's review is by \"A reviewer\": %v\n%s", who, says, excerpt(hp.Body))
		}
	}
}
