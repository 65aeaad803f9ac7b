package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// quarter4 is outcomeForm for October to December 2011, a quarter the
// fixtures send nothing for.
func quarter4() url.Values {
	v := outcomeForm()
	v.Set("periodStart-month", "10")
	v.Set("periodEnd-month", "12")
	v.Set("periodEnd-day", "31")
	return v
}

// periodOutcomes are the submissions of project A for exactly start to
// end, as the service lists them.
func periodOutcomes(t *testing.T, h *webH, f fixture, start, end string) []domain.Outcome {
	t.Helper()
	var out []domain.Outcome
	for _, o := range outcomesOf(t, h, f) {
		if o.PeriodStart.String() == start && o.PeriodEnd.String() == end {
			out = append(out, o)
		}
	}
	return out
}

// TestOutcomeFormPeriodSent: the outcome form opened for a period whose
// figures were sent (the return's link, kept in an old "overdue" email or
// reached with the back button) says who sent them and when, and offers
// their correction first; new figures typed for that period are saved
// only once the person says they add to those sent, and until then the
// form is shown again naming what was sent beside every other problem,
// with nothing saved. A period with nothing sent asks nothing.
func TestOutcomeFormPeriodSent(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	pa := "/app/programmes/" + f.PID + "/projects/" + f.ProjectA
	path := pa + "/outcomes/new"
	link := path + "?periodStart=2011-10-01&periodEnd=2011-12-31" // as a return's "submit" link
	pl := h.as(t, uPL)
	const callout, addBox, submit = `data-testid="period-sent"`, `name="addToSent"`, ">Submit outcomes</button>"

	// Nothing sent yet: the form as ever.
	pg := pl.get(link)
	wantOnPage(t, "the form for a quarter not sent", pg, http.StatusOK, submit)
	if strings.Contains(pg.Body, callout) || strings.Contains(pg.Body, addBox) {
		t.Errorf("the form for a quarter not sent warns of figures sent\n%s", excerpt(pg.Body))
	}
	sent := pl.post(path, withKey(quarter4(), formKeyOf(t, pg)))
	if sent.Status != http.StatusSeeOther {
		t.Fatalf("the quarter's figures: %d\n%s", sent.Status, excerpt(sent.Body))
	}
	first := periodOutcomes(t, h, f, "2011-10-01", "2011-12-31")
	if len(first) != 1 {
		t.Fatalf("the quarter has %d submissions, want 1", len(first))
	}
	on := domain.DateOf(first[0].SubmittedAt).Long()
	said := "You sent the figures for October to December 2011 on " + on
	correct := `href="` + pa + `/outcomes/new?replaces=` + first[0].ID + `"`

	// The same link again: what was sent, and its correction first.
	pg = pl.get(link)
	wantOnPage(t, "the form for a quarter sent", pg, http.StatusOK, callout, said+".", correct+` id="correct-sent"`, ">Correct those figures</a>",
		addBox, "Add these figures to those already sent", `nhsuk-button--secondary`)
	if strings.Contains(pg.Body, submit) {
		t.Errorf("the form for a quarter sent offers its figures as the main action\n%s", excerpt(pg.Body))
	}
	// Another person sees who sent them.
	wantOnPage(t, "the lead's form for the quarter", h.as(t, uLead).get(link), http.StatusOK, uPL+" sent the figures for October to December 2011 on "+on)

	// Typed into a blank form, without the box: refused, naming what was
	// sent beside the form's other problems, linking to its correction.
	blank := pl.get(path)
	wantOnPage(t, "the blank form", blank, http.StatusOK, submit)
	again := withKey(quarter4(), formKeyOf(t, blank))
	again.Set("counts.peopleIntoWork", "-2")
	pg = pl.post(path, again)
	problem := said + ". Correct those figures, or select the box to add these figures to them"
	wantOnPage(t, "the same quarter sent again", pg, http.StatusBadRequest, `<a href="#f-addToSent">`+problem+`</a>`,
		`id="f-addToSent-error"`, problem, `<a href="#f-counts-peopleIntoWork">People into work must not be negative</a>`, callout, correct)
	if n := len(periodOutcomes(t, h, f, "2011-10-01", "2011-12-31")); n != 1 {
		t.Fatalf("the refused form stored: the quarter has %d submissions", n)
	}
	// Ticked, with the other problem put right: added.
	again.Set("counts.peopleIntoWork", "2")
	again.Set("addToSent", "yes")
	added := pl.post(path, again)
	if added.Status != http.StatusSeeOther || !strings.Contains(added.Header.Get("Location"), "/outcomes/") {
		t.Fatalf("figures added to those sent: %d\n%s", added.Status, excerpt(added.Body))
	}
	if n := len(periodOutcomes(t, h, f, "2011-10-01", "2011-12-31")); n != 2 {
		t.Errorf("the quarter has %d submissions, want the 2 sent", n)
	}

	// Ticked, with another problem: the box stays ticked.
	other := withKey(quarter4(), formKeyOf(t, pl.get(path)))
	other.Set("addToSent", "yes")
	other.Set("counts.referrals", "many")
	pg = pl.post(path, other)
	wantOnPage(t, "figures added with a problem", pg, http.StatusBadRequest, callout, `value="yes" checked`)
	if strings.Contains(pg.Body, `href="#f-addToSent"`) {
		t.Errorf("the ticked box is called a problem\n%s", excerpt(pg.Body))
	}

	// A correction is never asked.
	fix := quarter4()
	fix.Set("replaces", first[0].ID)
	fix.Set("counts.referrals", "41")
	if pg := pl.post(path, withKey(fix, formKeyOf(t, pl.get(path+"?replaces="+first[0].ID)))); pg.Status != http.StatusSeeOther {
		t.Errorf("a correction of the quarter: %d\n%s", pg.Status, excerpt(pg.Body))
	}
}

// TestOutcomeFormReturnSent: the link of a return in an email stays the
// same once the return is sent; opened then, the form says so.
func TestOutcomeFormReturnSent(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	schedule, pending := h.reportingFixture(t, f) // fills the July to September return
	pa := "/app/programmes/" + f.PID + "/projects/" + f.ProjectA
	ret := must(h.Svc.Open(context.Background(), caller(uPL), f.PID).Return(domain.ReturnID(schedule, f.ProjectA, domain.MustDate("2011-07-01"))))
	if ret.SubmissionID != pending {
		t.Fatalf("the return holds %q, want %s", ret.SubmissionID, pending)
	}
	pg := h.as(t, uPL).get(pa + "/outcomes/new?periodStart=2011-07-01&periodEnd=2011-09-30")
	wantOnPage(t, "the form of a return sent", pg, http.StatusOK, `data-testid="period-sent"`,
		"You sent the figures for July to September 2011 on ", `href="`+pa+`/outcomes/new?replaces=`+pending+`" id="correct-sent"`)
}

// TestOutcomeFormPeriodRequests: what a period already has is read from
// the period index, so the form costs the same however long the project's
// history: with 150 submissions for other periods (two pages of the
// project's list), the form for a period sent is the access BatchGetItem,
// the cohorts' Query and one Query of the index. Its refusal of figures
// sent again without the box is the access BatchGetItem with the
// reporting setup's Query beside it, the index's Query, the form key's
// claim and release (PutItem, DeleteItem) and the cohorts' Query to show
// the form again: what was sent is not read twice.
func TestOutcomeFormPeriodRequests(t *testing.T) {
	t.Parallel()
	s := testkit.New(t)
	h := newWebOver(t, s)
	f := h.fixture(t)

	// 150 more, each for a day of its own, written as an import writes them.
	importSubmissions(t, s, f, 150, func(i int) (domain.Date, domain.Date) {
		day := domain.MustDate("2010-10-01").AddDays(i)
		return day, day
	})

	pa := "/app/programmes/" + f.PID + "/projects/" + f.ProjectA
	pl := h.as(t, uPL)
	measure := func(what string, status int, want string, do func() page) page {
		t.Helper()
		var pg page
		n := s.Count.Measure(func() { pg = do() })
		t.Logf("%s: %d requests (%s)", what, n.Requests, n)
		if pg.Status != status {
			t.Fatalf("%s: %d, want %d\n%s", what, pg.Status, status, excerpt(pg.Body))
		}
		if got := n.String(); got != want {
			t.Errorf("%s sent %s, want %s", what, got, want)
		}
		return pg
	}
	// The fixture's January to March 2011.
	form := measure("the form for a quarter sent", http.StatusOK, "BatchGetItem×1 Query×1 Query/GSI2×1", func() page {
		return pl.get(pa + "/outcomes/new?periodStart=2011-01-01&periodEnd=2011-03-31")
	})
	if !strings.Contains(form.Body, `data-testid="period-sent"`) {
		t.Fatalf("the form does not say the quarter was sent\n%s", excerpt(form.Body))
	}
	again := outcomeForm()
	again.Set("periodStart-month", "1")
	again.Set("periodEnd-month", "3")
	again.Set("periodEnd-day", "31")
	refused := measure("figures sent again", http.StatusBadRequest, "BatchGetItem×1 DeleteItem×1 PutItem×1 Query×2 Query/GSI2×1", func() page {
		return pl.post(pa+"/outcomes/new", withKey(again, formKeyOf(t, form)))
	})
	if !strings.Contains(refused.Body, `href="#f-addToSent"`) {
		t.Errorf("the refusal does not name the box\n%s", excerpt(refused.Body))
	}
}
