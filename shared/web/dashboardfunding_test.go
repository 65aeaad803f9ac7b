package web_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestDashboardFundingByRole: the dashboard's funding shows a funder its
// own funder's awards only ("Awarded by the funder you act for"), never
// another funder's name and amount in the funding table, nor the cost per
// person into work, from which the programme's awards would follow. A
// lead and a project lead see every funder's, as the API answers them.
func TestDashboardFundingByRole(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	funding := func(who string) string {
		t.Helper()
		p := h.as(t, who).get("/app/programmes/" + f.PID)
		if p.Status != http.StatusOK {
			t.Fatalf("dashboard as %s: %d", who, p.Status)
		}
		return between(p.Body, `id="funding"`, `</table>`)
	}
	// The fixture: funder X (the DWP) awards £310,000 to project A, funder
	// Y (East Midlands SHA) £50,000 to the programme; 45 people into work.
	for _, who := range []string{uLead, uPL} {
		s := funding(who)
		for _, want := range []string{"Awarded in all", "£360,000", "Department for Work and Pensions", "£310,000",
			"East Midlands SHA", "£50,000", "Cost per person into work"} {
			if !strings.Contains(s, want) {
				t.Errorf("%s's funding lacks %q:\n%s", who, want, excerpt(s))
			}
		}
	}
	s := funding(uFunder)
	for _, want := range []string{"Awarded by the funder you act for (not the whole programme's)", "£310,000",
		"Department for Work and Pensions"} {
		if !strings.Contains(s, want) {
			t.Errorf("the funder's funding lacks %q:\n%s", want, excerpt(s))
		}
	}
	for _, leak := range []string{"East Midlands SHA", "£50,000", "£360,000", "Awarded in all", "Cost per person into work"} {
		if strings.Contains(s, leak) {
			t.Errorf("the funder's funding shows %q:\n%s", leak, excerpt(s))
		}
	}
}
