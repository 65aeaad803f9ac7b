package web_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestOutcomeFormPeriodSentCohorts: a project with internship cohorts
// sends one submission for each cohort of a period, beside its general
// figures (for no cohort). The form for a period with general figures
// says that figures for a cohort are not those; figures for a cohort of
// that period are saved without being asked, and figures for that cohort
// again are refused with a notice naming the cohort, linking to the
// correction of that cohort's figures, not of the general or another
// cohort's.
func TestOutcomeFormPeriodSentCohorts(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t) // project A has "Cohort 1" (f.CohortA)
	ctx := context.Background()
	cohort2 := must(h.Svc.OpenProject(ctx, testkit.AdminCaller(), f.PID, f.ProjectA).CreateCohort(body(map[string]any{
		"name": "Cohort 2", "places": 4, "startDate": "2011-07-01", "endDate": "2011-12-31"}))).ID
	pa := "/app/programmes/" + f.PID + "/projects/" + f.ProjectA
	path := pa + "/outcomes/new"
	pl := h.as(t, uPL)
	const callout, general = `data-testid="period-sent"`, `data-testid="sent-general"`
	quarter := func() []domain.Outcome { return periodOutcomes(t, h, f, "2011-10-01", "2011-12-31") }
	send := func(cohort string) page {
		t.Helper()
		v := withKey(quarter4(), formKeyOf(t, pl.get(path)))
		v.Set("cohortId", cohort)
		return pl.post(path, v)
	}
	saved := func(what string, pg page) {
		t.Helper()
		if pg.Status != http.StatusSeeOther {
			t.Fatalf("%s: %d, want it saved\n%s", what, pg.Status, excerpt(pg.Body))
		}
	}

	saved("the general figures", send(""))
	pg := pl.get(path + "?periodStart=2011-10-01&periodEnd=2011-12-31")
	wantOnPage(t, "the form for a quarter with general figures", pg, http.StatusOK, callout,
		"You sent the figures for October to December 2011 on ", general)

	saved("cohort 1's figures after the general ones", send(f.CohortA))
	saved("cohort 2's figures after cohort 1's", send(cohort2))
	if n := len(quarter()); n != 3 {
		t.Fatalf("the quarter has %d submissions, want 3", n)
	}
	var one string
	for _, o := range quarter() {
		if o.CohortID == f.CohortA {
			one = o.ID
		}
	}

	// Cohort 1's again: refused, naming cohort 1, its correction offered.
	pg = send(f.CohortA)
	said := "You sent the figures for Cohort 1 for October to December 2011 on "
	wantOnPage(t, "cohort 1's figures sent again", pg, http.StatusBadRequest, callout,
		"Figures for Cohort 1 for October to December 2011 already sent", said,
		`href="`+path+`?replaces=`+one+`" id="correct-sent"`, `<a href="#f-addToSent">`+said)
	if strings.Contains(pg.Body, general) {
		t.Errorf("the notice of cohort 1's figures speaks of the general ones\n%s", excerpt(pg.Body))
	}
	if n := len(quarter()); n != 3 {
		t.Errorf("the refused figures were stored: the quarter has %d submissions", n)
	}
}

// TestReviewWarnsOfFiguresAlongsideCohorts: a lead reviewing a cohort's
// figures is warned of figures for that cohort and period only, not of
// the project's general figures or another cohort's.
func TestReviewWarnsOfFiguresAlongsideCohorts(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	_, pending := h.reportingFixture(t, f) // July to September 2011, no cohort, awaiting review
	ctx := context.Background()
	pa := "/app/programmes/" + f.PID + "/projects/" + f.ProjectA
	lead := h.as(t, uLead)
	const warning = `data-testid="period-alongside"`
	review := func(id string) page { return lead.get(pa + "/outcomes/" + id + "/review") }
	pl := h.Svc.OpenProject(ctx, caller(uPL), f.PID, f.ProjectA)
	cohort1 := func(add bool) string {
		return must(pl.SubmitOutcomeChecked(body(map[string]any{"periodStart": "2011-07-01", "periodEnd": "2011-09-30",
			"cohortId": f.CohortA, "counts": map[string]int{"referrals": 4}}), add)).ID
	}

	first := cohort1(false)
	for what, id := range map[string]string{"cohort 1's figures": first, "the general figures": pending} {
		if pg := review(id); pg.Status != http.StatusOK || strings.Contains(pg.Body, warning) {
			t.Errorf("the review of %s, beside the other's: %d\n%s", what, pg.Status, excerpt(pg.Body))
		}
	}
	twice := cohort1(true)
	wantOnPage(t, "the review of cohort 1's figures sent twice", review(twice), http.StatusOK, warning,
		"More than one submission for Cohort 1 for July to September 2011",
		`Another submission for Cohort 1 for July to September 2011 is also waiting for review: <a class="nhsuk-link" href="`+pa+`/outcomes/`+first+`">sent by `+uPL)
	if pg := review(pending); strings.Contains(pg.Body, warning) {
		t.Errorf("the review of the general figures warns of cohort 1's\n%s", excerpt(pg.Body))
	}
}

// TestPendingSubmissionsNameTheirCohort: a project with cohorts sends a
// submission a period for each, so every page that shows one awaiting
// review names its cohort (the review form, the review queue, the
// submission's page and the project's list of submissions), and one for
// no cohort names none.
func TestPendingSubmissionsNameTheirCohort(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)                      // project A has "Cohort 1" (f.CohortA)
	_, general := h.reportingFixture(t, f) // July to September 2011, no cohort, awaiting review
	ctx := context.Background()
	admin := h.Svc.OpenProject(ctx, testkit.AdminCaller(), f.PID, f.ProjectA)
	cohort2 := must(admin.CreateCohort(body(map[string]any{
		"name": "Autumn interns", "places": 4, "startDate": "2011-07-01", "endDate": "2011-12-31"}))).ID
	send := func(cohort string) string {
		return must(admin.SubmitOutcome(body(map[string]any{"periodStart": "2011-07-01", "periodEnd": "2011-09-30",
			"cohortId": cohort, "counts": map[string]int{"referrals": 4}}))).ID
	}
	one, two := send(f.CohortA), send(cohort2)
	pa := "/app/programmes/" + f.PID + "/projects/" + f.ProjectA
	lead := h.as(t, uLead)
	cohortRow := func(name string) string { return `data-testid="outcome-cohort">` + name + `</dd>` }

	for id, name := range map[string]string{one: "Cohort 1", two: "Autumn interns"} {
		wantOnPage(t, "the review of "+name+"'s figures", lead.get(pa+"/outcomes/"+id+"/review"), http.StatusOK, cohortRow(name))
		wantOnPage(t, name+"'s submission", lead.get(pa+"/outcomes/"+id), http.StatusOK, cohortRow(name))
	}
	for what, pg := range map[string]page{"review": lead.get(pa + "/outcomes/" + general + "/review"), "page": lead.get(pa + "/outcomes/" + general)} {
		if pg.Status != http.StatusOK || strings.Contains(pg.Body, `data-testid="outcome-cohort"`) {
			t.Errorf("the general figures' %s names a cohort: %d\n%s", what, pg.Status, excerpt(pg.Body))
		}
	}

	queue := lead.get("/app/programmes/" + f.PID + "/reviews")
	for id, name := range map[string]string{one: "Cohort 1", two: "Autumn interns"} {
		row := regexp.MustCompile(`(?s)data-testid="pending-` + id + `">.*?</tr>`).FindString(queue.Body)
		if !strings.Contains(row, `<span data-testid="pending-cohort">`+name+`</span> for July to September 2011`) ||
			!strings.Contains(row, "Review<span class=\"nhsuk-u-visually-hidden\"> Bradford employment service, "+name+" for July to September 2011</span>") {
			t.Errorf("the review queue's row of %s's figures does not name it: %q", name, row)
		}
	}
	if row := regexp.MustCompile(`(?s)data-testid="pending-` + general + `">.*?</tr>`).FindString(queue.Body); row == "" || strings.Contains(row, "pending-cohort") {
		t.Errorf("the review queue's row of the general figures: %q", row)
	}

	project := lead.get(pa)
	for id, name := range map[string]string{one: "Cohort 1", two: "Autumn interns"} {
		if !strings.Contains(project.Body, `href="`+pa+`/outcomes/`+id+`">July to September 2011</a> <span class="nhsuk-body-s" data-testid="outcome-cohort">(`+name+`)</span>`) {
			t.Errorf("the project's list of submissions does not name %s\n%s", name, excerpt(project.Body))
		}
	}
}
