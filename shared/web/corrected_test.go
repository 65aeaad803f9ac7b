package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// TestCorrectingTwice: a project lead corrects a submission from the form,
// then (from an old tab, or a link kept from before) corrects the same
// submission again. Opening the form again is already the refusal; sending
// one opened before is refused too with a 409 page that says the
// submission was already corrected and links to the correction; nothing
// is stored, nothing is logged as a failure. It was a 500 page once.
func TestCorrectingTwice(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	pl := h.as(t, uPL)
	project := "/app/programmes/" + f.PID + "/projects/" + f.ProjectA
	original := outcomesOf(t, h, f)[0]

	// The correction form starts from the submission, as its "Correct" link opens it.
	pg := pl.get(project + "/outcomes/new?replaces=" + original.ID)
	if pg.Status != http.StatusOK || !strings.Contains(pg.Body, `name="replaces" value="`+original.ID+`"`) {
		t.Fatalf("correction form: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	// A correction is the same period's figures (another period is refused).
	samePeriod := func(v url.Values) url.Values {
		for field, d := range map[string]domain.Date{"periodStart": original.PeriodStart, "periodEnd": original.PeriodEnd} {
			tm := d.Time()
			v.Set(field+"-day", strconv.Itoa(tm.Day()))
			v.Set(field+"-month", strconv.Itoa(int(tm.Month())))
			v.Set(field+"-year", strconv.Itoa(tm.Year()))
		}
		v.Set("replaces", original.ID)
		return v
	}
	// Another period's figures as a correction: refused beside the period,
	// in words for the page (it has no "replaces" to leave out).
	other := outcomeForm()
	other.Set("replaces", original.ID)
	if wrong := pl.post(project+"/outcomes/new", other); wrong.Status != http.StatusBadRequest ||
		!strings.Contains(wrong.Body, "another period&#39;s are sent as new figures, not as a correction") || strings.Contains(wrong.Body, "without replaces") {
		t.Fatalf("a correction of another period: %d\n%s", wrong.Status, excerpt(wrong.Body))
	}
	fix := samePeriod(outcomeForm())
	pg = pl.post(project+"/outcomes/new", fix)
	if pg.Status != http.StatusSeeOther {
		t.Fatalf("first correction: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	first := recordPath(pg.Header.Get("Location"))
	if !strings.HasPrefix(first, project+"/outcomes/") {
		t.Fatalf("first correction went to %q", first)
	}
	before := len(outcomesOf(t, h, f))

	// The "Correct" link opened again (an old email, another tab) says so
	// at once: the 409 page linking to the correction, no form.
	pg = pl.get(project + "/outcomes/new?replaces=" + original.ID)
	if pg.Status != http.StatusConflict || strings.Contains(pg.Body, `name="replaces"`) {
		t.Errorf("the correction form of a submission corrected already: %d, want the 409 page\n%s", pg.Status, excerpt(pg.Body))
	}
	for _, want := range []string{"This submission has already been corrected", `href="` + first + `"`, "see the correction",
		"correct the newest submission"} {
		if !strings.Contains(pg.Body, want) {
			t.Errorf("the 409 page the form link gives lacks %q\n%s", want, excerpt(pg.Body))
		}
	}
	// Its correction is the one to correct: its form opens.
	if pg = pl.get(project + "/outcomes/new?replaces=" + strings.TrimPrefix(first, project+"/outcomes/")); pg.Status != http.StatusOK {
		t.Errorf("the correction form of the newest submission: %d\n%s", pg.Status, excerpt(pg.Body))
	}

	// The same submission again, from a form opened before.
	again := samePeriod(outcomeForm())
	again.Set("counts.peopleIntoWork", "17")
	pg = pl.post(project+"/outcomes/new", again)
	if pg.Status != http.StatusConflict {
		t.Fatalf("second correction of the same submission: %d, want 409\n%s", pg.Status, excerpt(pg.Body))
	}
	for _, want := range []string{`data-testid="error-title"`, "This submission has already been corrected",
		`href="` + first + `"`, "see the correction"} {
		if !strings.Contains(pg.Body, want) {
			t.Errorf("the 409 page lacks %q\n%s", want, excerpt(pg.Body))
		}
	}
	if strings.Contains(pg.Body, "problem with the service") {
		t.Error("the 409 page says the service failed")
	}
	if n := len(outcomesOf(t, h, f)); n != before {
		t.Errorf("the refused correction stored something: %d submissions, were %d", n, before)
	}

	// The link leads to the correction.
	pg = pl.get(first)
	if pg.Status != http.StatusOK || !strings.Contains(pg.Body, `data-testid="count-peopleIntoWork">16<`) {
		t.Errorf("the correction the page links to: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	if logs := h.logs.String(); strings.Contains(logs, "level=ERROR") {
		t.Errorf("an expected refusal was logged as a failure:\n%s", logs)
	}
}
