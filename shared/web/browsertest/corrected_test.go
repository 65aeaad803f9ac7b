package browsertest

import (
	"strings"
	"testing"
)

// projectLeadCorrectsTwice: the project lead opens the correction form of
// the same submission in two windows (one without JavaScript) and sends
// both. The first is the correction; the second is refused with a 409
// page that says the submission was already corrected and links to the
// correction, which opens. The figures are unchanged, so the story's
// totals are too.
func (s *suite) projectLeadCorrectsTwice(t *testing.T) {
	o, ok := outcomeFor(s.srv.outcomes(t, s.fx.PID, s.fx.ProjectA), "2025-04-01")
	if !ok {
		t.Fatal("no submission for April 2025 in the fixture")
	}
	page := s.base() + "/projects/" + s.fx.ProjectA + "/outcomes/" + o.ID
	var tabs []*tab
	for _, js := range []bool{true, false} {
		tb := s.newTab(t, uPL, js)
		defer tb.checkConsole()
		tb.signIn(uPL)
		if st := tb.open(page); st != 200 {
			tb.fail("the submission's page answered %d", st)
		}
		tb.followWant("#correct-outcome", 200)
		tb.fill("#f-notes", "Recounted with the team")
		tabs = append(tabs, tb)
	}
	before := len(s.srv.outcomes(t, s.fx.PID, s.fx.ProjectA))

	first, second := tabs[0], tabs[1]
	first.followWant("#submit", 200)
	correction := first.recordPath()
	if !strings.HasPrefix(correction, s.base()+"/projects/"+s.fx.ProjectA+"/outcomes/") || correction == page {
		first.fail("after correcting, the browser is at %s", first.path())
	}

	second.followWant("#submit", 409)
	if got := second.text(`[data-testid="error-title"]`); got != "This has already been changed" {
		second.fail("the refusal is titled %q", got)
	}
	if got := second.text(`[data-testid="error-related"]`); !strings.HasPrefix(got, "This submission has already been corrected") {
		second.fail("the refusal says %q", got)
	}
	if got := second.attr(`[data-testid="related-link"]`, "href"); got != correction {
		second.fail("the refusal links to %q, want the correction %s", got, correction)
	}
	second.a11y("already corrected")
	second.screenshot("already-corrected.png")
	if n := len(s.srv.outcomes(t, s.fx.PID, s.fx.ProjectA)); n != before+1 {
		t.Fatalf("%d submissions stored, want the one correction", n-before)
	}

	second.followWant(`[data-testid="related-link"]`, 200)
	if p := second.path(); p != correction {
		second.fail("the link led to %s", p)
	}
	if got := second.text(`main`); !strings.Contains(got, "Recounted with the team") {
		second.fail("the correction's page does not show its notes")
	}
}
