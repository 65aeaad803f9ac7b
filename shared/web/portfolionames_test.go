package web_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestPortfolioCardNamesProjectTargets: a project's target on a portfolio
// card says whose it is, by the project's name as it is now, so two
// projects' targets of the same measure can be told apart.
func TestPortfolioCardNamesProjectTargets(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	for _, project := range []string{f.ProjectA, f.ProjectB} {
		h.build.Target(f.PID, map[string]any{"metric": "peopleIntoWork", "value": 10, "deadline": "2012-03-31",
			"projectId": project, "notify": []string{}})
	}
	lead := h.as(t, uLead)
	p := lead.get("/app/")
	if p.Status != http.StatusOK {
		t.Fatalf("portfolio: %d", p.Status)
	}
	card := between(p.Body, `data-testid="programme-`+f.PID+`"`, `</li>`)
	for _, s := range []string{"People into work (Bradford employment service):", "People into work (Leeds internships):"} {
		if !strings.Contains(card, s) {
			t.Errorf("the card lacks %q:\n%s", s, excerpt(card))
		}
	}
	if strings.Contains(card, "a project&#39;s") || strings.Contains(card, "a project's") {
		t.Errorf("the card still says \"a project's\":\n%s", excerpt(card))
	}
}
