package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
)

var formKeyInput = regexp.MustCompile(`name="formKey" value="([^"]+)"`)

// formKeyOf is the one-time key a form page carries.
func formKeyOf(t *testing.T, pg page) string {
	t.Helper()
	m := formKeyInput.FindStringSubmatch(pg.Body)
	// A form page: first shown (200), or shown again with its refusal's
	// status (400, 409, 412, 422).
	if pg.Status != http.StatusOK && (pg.Status < 400 || pg.Status >= 500) || m == nil {
		t.Fatalf("form page without a formKey: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	return m[1]
}

// withKey is form with its key (and nothing shared with form).
func withKey(form url.Values, key string) url.Values {
	out := url.Values{}
	for k, v := range form {
		out[k] = v
	}
	out.Set("formKey", key)
	return out
}

// TestFormSentTwiceSavesOnce: a submission form sent twice (a double
// click, a browser sending it again) records the figures once, and the
// second answer goes to the submission the first saved; a new form (a new
// key) records another.
func TestFormSentTwiceSavesOnce(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	pl := h.as(t, uPL)
	path := "/app/programmes/" + f.PID + "/projects/" + f.ProjectA + "/outcomes/new"
	form := withKey(outcomeForm(), formKeyOf(t, pl.get(path)))
	before := len(outcomesOf(t, h, f))

	first := pl.post(path, form)
	second := pl.post(path, form)
	to := first.Header.Get("Location")
	if first.Status != http.StatusSeeOther || !strings.Contains(to, "/outcomes/") {
		t.Fatalf("first post: %d %q\n%s", first.Status, to, excerpt(first.Body))
	}
	if second.Status != http.StatusSeeOther || second.Header.Get("Location") != to {
		t.Errorf("second post: %d %q, want 303 to the first's %q\n%s", second.Status, second.Header.Get("Location"), to, excerpt(second.Body))
	}
	if n := len(outcomesOf(t, h, f)); n != before+1 {
		t.Errorf("the form sent twice stored %d submissions, want 1", n-before)
	}
	if pg := pl.get(to); pg.Status != http.StatusOK {
		t.Errorf("the submission's page: %d", pg.Status)
	}

	// A new form has a new key: another submission is another record
	// (for the same period, only once the person says it adds to the
	// figures sent: TestOutcomeFormPeriodSent).
	again := withKey(outcomeForm(), formKeyOf(t, pl.get(path)))
	if again.Get("formKey") == form.Get("formKey") {
		t.Fatal("two form pages carried the same key")
	}
	again.Set("addToSent", "yes")
	if pg := pl.post(path, again); pg.Status != http.StatusSeeOther || pg.Header.Get("Location") == to {
		t.Errorf("a second form: %d %q, want a new submission", pg.Status, pg.Header.Get("Location"))
	}
	if n := len(outcomesOf(t, h, f)); n != before+2 {
		t.Errorf("two forms stored %d submissions, want 2", n-before)
	}
}

// TestFormDoubleClick: two posts of one form at the same moment (a double
// click on a slow page) store one grant, and both answers go to it.
func TestFormDoubleClick(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	lead := h.as(t, uLead)
	path := "/app/programmes/" + f.PID + "/grants/new"
	form := withKey(url.Values{"funderId": {f.FunderY}, "projectId": {""}, "title": {"Service manager"},
		"amountPence": {"£310,000.50"}, "awardDate-day": {"1"}, "awardDate-month": {"9"}, "awardDate-year": {"2010"},
		"startDate-day": {"1"}, "startDate-month": {"10"}, "startDate-year": {"2010"},
		"endDate-day": {"31"}, "endDate-month": {"3"}, "endDate-year": {"2012"}}, formKeyOf(t, lead.get(path)))
	form.Set("csrf", lead.csrf)
	before := len(grantsOf(t, h, f))

	pages := make([]page, 4)
	var wg sync.WaitGroup
	for i := range pages {
		wg.Go(func() { pages[i] = lead.do(http.MethodPost, path, form) })
	}
	wg.Wait()
	to := pages[0].Header.Get("Location")
	for i, pg := range pages {
		if pg.Status != http.StatusSeeOther || !strings.Contains(to, "/grants/") || pg.Header.Get("Location") != to {
			t.Errorf("post %d: %d %q, want 303 to one grant (%q)\n%s", i, pg.Status, pg.Header.Get("Location"), to, excerpt(pg.Body))
		}
	}
	if n := len(grantsOf(t, h, f)); n != before+1 {
		t.Errorf("one form posted %d times at once stored %d grants, want 1", len(pages), n-before)
	}
}

// TestFormKeyKeptThroughErrors: a form shown again with its errors keeps
// its key; corrected, it is saved, and sent once more it saves nothing
// new. A form sent again after it was saved but with other values (the
// back button) saves nothing and says why.
func TestFormKeyKeptThroughErrors(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	pl := h.as(t, uPL)
	path := "/app/programmes/" + f.PID + "/projects/" + f.ProjectA + "/outcomes/new"
	key := formKeyOf(t, pl.get(path))
	before := len(outcomesOf(t, h, f))

	bad := withKey(outcomeForm(), key)
	bad.Set("counts.peopleIntoWork", "-3")
	pg := pl.post(path, bad)
	if pg.Status != http.StatusBadRequest {
		t.Fatalf("bad figures: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	if got := formKeyOf(t, pg); got != key {
		t.Fatalf("the form shown again carries key %q, want the one it was sent with, %q", got, key)
	}
	good := withKey(outcomeForm(), key)
	first := pl.post(path, good)
	if first.Status != http.StatusSeeOther {
		t.Fatalf("corrected form: %d\n%s", first.Status, excerpt(first.Body))
	}
	if again := pl.post(path, good); again.Status != http.StatusSeeOther || again.Header.Get("Location") != first.Header.Get("Location") {
		t.Errorf("corrected form sent again: %d %q, want the first's %q", again.Status, again.Header.Get("Location"), first.Header.Get("Location"))
	}

	changed := withKey(outcomeForm(), key)
	changed.Set("counts.peopleIntoWork", "17")
	pg = pl.post(path, changed)
	// The refusal links to what the form saved, so the person can change
	// it there.
	saved := recordPath(first.Header.Get("Location"))
	if pg.Status != http.StatusConflict || !strings.Contains(pg.Body, "This form has already been saved") ||
		!strings.Contains(pg.Body, `data-testid="related-link" href="`+first.Header.Get("Location")+`"`) || saved == "" {
		t.Errorf("saved form changed and sent again: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	if n := len(outcomesOf(t, h, f)); n != before+1 {
		t.Errorf("stored %d submissions, want 1", n-before)
	}
}

// TestEveryCreateFormCarriesAKey: each form that makes a new record carries
// its one-time key; a programme (outside any programme's scope) sent twice
// is created once.
func TestEveryCreateFormCarriesAKey(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	p := "/app/programmes/" + f.PID
	pa := p + "/projects/" + f.ProjectA
	admin := h.as(t, uAdmin)
	for _, path := range []string{"/app/programmes/new", p + "/grants/new", p + "/projects/new", p + "/targets/new",
		p + "/funders/new", p + "/members/new", p + "/schedules/new", p + "/grants/" + f.GrantX + "/payments/new",
		p + "/grants/" + f.GrantX + "/spend/new", pa + "/posts/new", pa + "/cohorts/new", pa + "/outcomes/new"} {
		if pg := admin.get(path); !formKeyInput.MatchString(pg.Body) {
			t.Errorf("%s (%d) has no formKey", path, pg.Status)
		}
	}

	path := "/app/programmes/new"
	form := withKey(url.Values{"name": {"Sent twice"}, "leadOrganisation": {"Trust"},
		"startDate-day": {"1"}, "startDate-month": {"4"}, "startDate-year": {"2024"},
		"endDate-day": {"31"}, "endDate-month": {"3"}, "endDate-year": {"2026"}}, formKeyOf(t, admin.get(path)))
	first, second := admin.post(path, form), admin.post(path, form)
	if first.Status != http.StatusSeeOther || second.Status != http.StatusSeeOther ||
		first.Header.Get("Location") != second.Header.Get("Location") {
		t.Errorf("programme form sent twice: %d %q, then %d %q\n%s", first.Status, first.Header.Get("Location"),
			second.Status, second.Header.Get("Location"), excerpt(first.Body))
	}
}

// TestResentFormAdviceFitsTheRecord: a create form saved, then changed and
// sent again (the back button), links to what was saved and says what can
// be done with it: a submission or spend return is never changed in place
// but corrected, a review decision never changed; a record that can be
// changed (a funder) is changed there, or another added.
func TestResentFormAdviceFitsTheRecord(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	_, pending := h.reportingFixture(t, f)
	p := "/app/programmes/" + f.PID
	pa := p + "/projects/" + f.ProjectA
	pl, lead := h.as(t, uPL), h.as(t, uLead)
	const usual = "Change the record there, or open the form again to add another."
	resent := func(what string, b *browser, path string, form url.Values, change func(url.Values), advice string) {
		t.Helper()
		form = withKey(form, formKeyOf(t, b.get(path)))
		first := b.post(path, form)
		if first.Status != http.StatusSeeOther {
			t.Fatalf("%s: %d\n%s", what, first.Status, excerpt(first.Body))
		}
		change(form)
		pg := b.post(path, form)
		if pg.Status != http.StatusConflict || !strings.Contains(pg.Body, "This form has already been saved") ||
			!strings.Contains(pg.Body, `href="`+first.Header.Get("Location")+`"`) ||
			!strings.Contains(pg.Body, "The changes you made after saving it were not saved. "+advice) ||
			advice != usual && strings.Contains(pg.Body, usual) {
			t.Errorf("%s saved, changed and sent again: %d, want the advice %q\n%s", what, pg.Status, advice, excerpt(pg.Body))
		}
	}
	// The fixture's pending submission is for outcomeForm's quarter: this
	// one is for the next, so that nothing asks whether it adds to that.
	resent("a submission", pl, pa+"/outcomes/new", quarter4(), func(v url.Values) { v.Set("counts.referrals", "41") },
		"A submission is not changed in place: to change its figures, correct the submission you saved, from its page.")
	resent("a spend return", pl, p+"/grants/"+f.GrantX+"/spend/new", url.Values{"periodStart-day": {"1"}, "periodStart-month": {"1"},
		"periodStart-year": {"2011"}, "periodEnd-day": {"31"}, "periodEnd-month": {"3"}, "periodEnd-year": {"2011"},
		"lines.staff": {"4,000.00"}}, func(v url.Values) { v.Set("lines.staff", "4,100.00") },
		"A spend return is not changed in place: to change the spend, correct the return you saved, from its page.")
	resent("a review decision", lead, pa+"/outcomes/"+pending+"/review", url.Values{"decision": {"approve"}},
		func(v url.Values) { v.Set("decision", "request-changes"); v.Set("comment", "Split referrals, please.") },
		"A decision cannot be changed once it is made.")
	resent("a payment", lead, p+"/grants/"+f.GrantX+"/payments/new", url.Values{"amountPence": {"10.00"}, "trigger.kind": {"date"},
		"dueDate-day": {"1"}, "dueDate-month": {"12"}, "dueDate-year": {"2012"}}, func(v url.Values) { v.Set("amountPence", "12.00") },
		"A payment is not changed once recorded: to change its amount or date, cancel it and record another, from the grant page.")
	resent("a funder", lead, p+"/funders/new", url.Values{"name": {"Resent funder"}, "contacts": {"resent@example.org"}},
		func(v url.Values) { v.Set("name", "Resent funder (changed)") }, usual)
}
