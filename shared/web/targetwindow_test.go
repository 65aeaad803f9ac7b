package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestTargetFormWindowOutsideTheProgramme: the target form refuses a
// window outside the programme's dates (October 2010 to March 2012 in the
// fixture), each error beside its own date field, its dates in words.
func TestTargetFormWindowOutsideTheProgramme(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	lead := h.as(t, uLead)
	p := "/app/programmes/" + f.PID
	lead.get(p + "/targets/new")
	pg := lead.post(p+"/targets/new", url.Values{"metric": {"referrals"}, "value": {"200"},
		"startDate-day": {"1"}, "startDate-month": {"1"}, "startDate-year": {"1900"},
		"deadline-day": {"31"}, "deadline-month": {"12"}, "deadline-year": {"2200"}, "thresholds": {"100"}})
	if pg.Status != http.StatusBadRequest {
		t.Fatalf("a window of 1900 to 2200: %d, want the form again with its errors", pg.Status)
	}
	for id, want := range map[string]string{
		"f-startDate": "Count from must not be before the programme starts (1 October 2010)",
		"f-deadline":  "Deadline must not be after 31 March 2013, a year after the programme ends (31 March 2012)",
	} {
		msg := between(pg.Body, `data-testid="error-`+id+`"`, "</span>\n")
		if !strings.Contains(msg, want) {
			t.Errorf("%s: the error beside it is %q, want %q", id, msg, want)
		}
	}
	for _, href := range []string{`href="#f-startDate-day"`, `href="#f-deadline-day"`} {
		if !strings.Contains(pg.Body, href) {
			t.Errorf("the error summary lacks %s", href)
		}
	}
}
