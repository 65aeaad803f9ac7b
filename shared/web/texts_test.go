package web_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// TestDateOrderMessages: an end date before the start is refused beside
// the end date in words ("End date must not be before the start date"),
// not naming the API's field (startDate); the API's answer keys the
// problem by the field as before.
func TestDateOrderMessages(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	lead, pl := h.as(t, uLead), h.as(t, uPL)
	p := "/app/programmes/" + f.PID
	g := p + "/grants/" + f.GrantX
	form := grantEditForm(lead, g)
	form.Set("funderId", f.FunderX)
	form.Set("projectId", f.ProjectA)
	form.Set("endDate-year", "2009")
	pg := lead.post(g+"/edit", form)
	if pg.Status != http.StatusBadRequest || !strings.Contains(pg.Body, "End date must not be before the start date") {
		t.Errorf("a grant ending before it starts: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	pl.get(p + "/projects/" + f.ProjectA + "/outcomes/new")
	out := outcomeForm()
	out.Set("periodEnd-year", "2010")
	pg = pl.post(p+"/projects/"+f.ProjectA+"/outcomes/new", out)
	if pg.Status != http.StatusBadRequest || !strings.Contains(pg.Body, "Period end must not be before the period start") {
		t.Errorf("a period ending before it starts: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	for _, api := range []string{"startDate", "periodStart"} {
		if strings.Contains(pg.Body, "before "+api) {
			t.Errorf("a form error names the API's field %s", api)
		}
	}
	_, err := h.Svc.OpenProject(context.Background(), caller(uPL), f.PID, f.ProjectA).SubmitOutcome(body(map[string]any{
		"periodStart": "2011-07-01", "periodEnd": "2011-06-30", "counts": map[string]int{"referrals": 1}}))
	var de *domain.Error
	if !errors.As(err, &de) || de.Fields["periodEnd"] != "must not be before the period start" {
		t.Errorf("the service's answer: %v", err)
	}
}
