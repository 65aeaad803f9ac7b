package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestNumbersAsPeopleTypeThem: a number box takes a number as people type
// one, and says which box is wrong otherwise: "NaN" for a post's FTE was a
// 500 (the form's body could not be written as JSON), and a decimal comma
// in an amount ("31,00") was read as £3,100.
func TestNumbersAsPeopleTypeThem(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	p := "/app/programmes/" + f.PID
	pa := p + "/projects/" + f.ProjectA
	lead := h.as(t, uLead)
	before := h.mem.Snapshot(t)
	for _, c := range []struct {
		what, path, field string
		form              url.Values
	}{
		{"an FTE of NaN", pa + "/posts/new", "fte", url.Values{"title": {"Employment specialist"}, "grantId": {f.GrantX}, "fte": {"NaN"},
			"contract": {"temporary"}, "startDate": {"2010-10-01"}, "status": {"filled"}}},
		{"an FTE of Inf", pa + "/posts/new", "fte", url.Values{"title": {"Employment specialist"}, "grantId": {f.GrantX}, "fte": {"Inf"},
			"contract": {"temporary"}, "startDate": {"2010-10-01"}, "status": {"filled"}}},
		{"an amount with a decimal comma", p + "/grants/new", "amountPence", url.Values{"funderId": {f.FunderX}, "projectId": {f.ProjectA},
			"title": {"Employment specialists"}, "amountPence": {"31,00"}, "currency": {"GBP"}, "awardDate": {"2010-09-01"},
			"startDate": {"2010-10-01"}, "endDate": {"2012-03-31"}}},
		{"a target of 1,5", p + "/targets/new", "value", url.Values{"metric": {"peopleIntoWork"}, "value": {"1,5"}, "deadline": {"2012-03-31"},
			"thresholds": {"100"}}},
	} {
		lead.get(c.path)
		r := lead.post(c.path, c.form)
		if r.Status != http.StatusBadRequest || !strings.Contains(r.Body, `data-testid="error-f-`+c.field+`"`) {
			t.Errorf("%s: %d, want 400 with the problem beside %s\n%s", c.what, r.Status, c.field, excerpt(r.Body))
		}
	}
	testkit.SameSnapshot(t, "refused numbers", before, h.mem.Snapshot(t))
}
