package web_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestOneDayRangesReadAsOneDate: a programme, project, grant and cohort
// of a single day read as that date, not "31 March 2011 to 31 March 2011",
// on every page that lists their dates; a longer range still reads "X to
// Y".
func TestOneDayRangesReadAsOneDate(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	b := h.build
	const day, twice = "2011-03-31", "31 March 2011 to 31 March 2011"
	pid := b.Programme(map[string]any{"name": "One day", "leadOrganisation": "Bradford District Care",
		"region": "Yorkshire", "startDate": day, "endDate": day}).ID
	funder := b.Funder(pid, map[string]any{"name": "Department for Work and Pensions", "contacts": []string{"contracts@dwp.example.org"}}).ID
	project := b.Project(pid, map[string]any{"name": "Bradford employment service",
		"leadOrganisation": "Bradford District Care", "startDate": day, "endDate": day}).ID
	b.Member(pid, uLead, testkit.RoleLead())
	grant := b.Grant(pid, map[string]any{"funderId": funder, "projectId": project, "title": "Employment specialists",
		"amountPence": 100, "currency": "GBP", "awardDate": day, "startDate": day, "endDate": day}).ID
	b.Grant(pid, map[string]any{"funderId": funder, "title": "Network coordination",
		"amountPence": 100, "currency": "GBP", "awardDate": "2010-09-01", "startDate": "2010-10-01", "endDate": day})
	b.Cohort(pid, project, map[string]any{"name": "Cohort 1", "places": 4, "startDate": day, "endDate": day})
	must(h.Svc.Open(t.Context(), caller(uLead), pid).CreateSchedule(body(map[string]any{"name": "Monthly",
		"frequency": "monthly", "firstPeriodStart": "2011-03-01", "lastPeriodEnd": day})))
	lead := h.as(t, uLead)
	p := "/app/programmes/" + pid
	for _, c := range []struct{ path, want string }{
		{p, ">31 March 2011. Figures as of"},
		{p + "/projects", ">31 March 2011</td>"},
		{p + "/projects/" + project, ">31 March 2011</td>"},
		{p + "/projects/" + project, `<p class="nhsuk-body-s">31 March 2011</p>`},
		{p + "/grants", ">31 March 2011</td>"},
		{p + "/grants", ">1 October 2010 to 31 March 2011</td>"},
		{p + "/grants/" + grant, ">31 March 2011</dd>"},
		{p + "/grants/" + grant + "/spend/new", "inside the grant's, 31 March 2011."},
		{p + "/schedules", "Monthly, 1 March 2011 to 31 March 2011</td>"},
	} {
		pg := lead.get(c.path)
		wantOnPage(t, c.path, pg, http.StatusOK, c.want)
		if strings.Contains(pg.Body, twice) {
			t.Errorf("%s reads %q\n%s", c.path, twice, excerpt(pg.Body))
		}
	}
}
