package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// TestBlankLatestMeanIsNamed: a measure row with its latest mean left
// blank is refused beside that box, and nothing is stored. 0 is a real
// latest mean, so the blank box was stored as 0 and funders saw a fall
// of 100%.
func TestBlankLatestMeanIsNamed(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	pl := h.as(t, uPL)
	path := "/app/programmes/" + f.PID + "/projects/" + f.ProjectA + "/outcomes/new"
	pl.get(path)
	before := len(outcomesOf(t, h, f))
	form := outcomeForm()
	form.Set("measures[0].name", "health")
	form.Set("measures[0].baselineMean", "2")
	form.Set("measures[0].respondents", "8")
	p := pl.post(path, form)
	if p.Status != http.StatusBadRequest {
		t.Fatalf("blank latest mean: %d\n%s", p.Status, excerpt(p.Body))
	}
	for _, want := range []string{`href="#f-measures-0-latestMean"`, `id="f-measures-0-latestMean-error"`, "Enter latest mean (measure 1)"} {
		if !strings.Contains(p.Body, want) {
			t.Errorf("the page lacks %q\n%s", want, excerpt(p.Body))
		}
	}
	if n := len(outcomesOf(t, h, f)); n != before {
		t.Fatalf("a refused form stored %d submissions", n-before)
	}
	// 0 typed is a latest mean.
	form.Set("measures[0].latestMean", "0")
	if p := pl.post(path, form); p.Status != http.StatusSeeOther {
		t.Fatalf("latest mean 0: %d\n%s", p.Status, excerpt(p.Body))
	}
}

// TestGrantRecipientKeepsItsPosts: the grant form refuses to give a grant
// to another project while a post of its project is paid from it, beside
// the Recipient box and naming the post; the grant is unchanged.
func TestGrantRecipientKeepsItsPosts(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	lead := h.as(t, uLead)
	path := "/app/programmes/" + f.PID + "/grants/" + f.GrantX + "/edit"
	lead.get(path)
	p := lead.post(path, url.Values{"funderId": {f.FunderX}, "projectId": {f.ProjectB},
		"title": {"Employment specialists"}, "amountPence": {"310000.00"}, "awardDate": {"2010-09-01"},
		"startDate": {"2010-10-01"}, "endDate": {"2012-03-31"}, "version": {"1"}})
	if p.Status != http.StatusBadRequest {
		t.Fatalf("moving the grant of a paid post: %d\n%s", p.Status, excerpt(p.Body))
	}
	for _, want := range []string{`href="#f-projectId"`, "Recipient cannot change while posts of Bradford employment service (Employment specialist) are paid from this grant"} {
		if !strings.Contains(p.Body, want) {
			t.Errorf("the page lacks %q\n%s", want, excerpt(p.Body))
		}
	}
	if g := must(h.Svc.Open(context.Background(), caller(uAdmin, domain.AdminGroup), f.PID).Grant(f.GrantX)); g.ProjectID != f.ProjectA || g.Version != 1 {
		t.Errorf("the refused change stored %+v", g)
	}
}

// memberOf is a member as stored (zero if there is none).
func memberOf(h *webH, f fixture, email string) domain.Member {
	m, _ := h.Svc.Open(context.Background(), caller(uAdmin, domain.AdminGroup), f.PID).Member(email)
	return m
}

// TestAddExistingMemberRefused: "Add a member" with the address of a
// member does not replace their roles: it says they are a member already,
// beside the email box, and links to their "Change roles" page.
func TestAddExistingMemberRefused(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	lead := h.as(t, uLead)
	p := "/app/programmes/" + f.PID
	lead.get(p + "/members/new")
	pg := lead.post(p+"/members/new", url.Values{"email": {strings.ToUpper(uPLB)}, "funder": {f.FunderX}})
	if pg.Status != http.StatusBadRequest {
		t.Fatalf("adding an existing member: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	for _, want := range []string{`href="#f-email"`,
		"Email address belongs to someone who is already a member of this programme: change their roles instead",
		`href="` + p + `/members/` + url.PathEscape(uPLB) + `/edit">Change the roles of ` + uPLB} {
		if !strings.Contains(pg.Body, want) {
			t.Errorf("the page lacks %q\n%s", want, excerpt(pg.Body))
		}
	}
	if m := memberOf(h, f, uPLB); len(m.Roles) != 1 || m.Roles[0].ProjectID != f.ProjectB {
		t.Errorf("the existing member's roles became %+v", m.Roles)
	}
}

// TestMemberRemoval: removing a member asks first; the programme's only
// lead can neither be removed nor give up the lead role; a lead who
// steps down beside another lead goes on to the dashboard, and one who
// removes themselves to their portfolio, never to a page they may no
// longer see.
func TestMemberRemoval(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	lead := h.as(t, uLead)
	p := "/app/programmes/" + f.PID
	remove := p + "/members/" + url.PathEscape(uPL) + "/remove"

	if pg := lead.get(p + "/members"); !strings.Contains(pg.Body, `href="`+remove+`"`) {
		t.Fatalf("the members page does not link to the removal page\n%s", excerpt(pg.Body))
	}
	pg := lead.get(remove)
	if pg.Status != http.StatusOK || !strings.Contains(pg.Body, "Remove "+uPL+" from Bradford IPS?") ||
		!strings.Contains(pg.Body, "Project lead of Bradford employment service") {
		t.Fatalf("removal page: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	if len(memberOf(h, f, uPL).Roles) == 0 {
		t.Fatal("showing the removal page removed the member")
	}
	pg = lead.post(remove, url.Values{})
	if pg.Status != http.StatusSeeOther || !strings.HasPrefix(pg.Header.Get("Location"), p+"/members?removed=") ||
		strings.Contains(pg.Header.Get("Location"), url.QueryEscape(uPL)) {
		t.Fatalf("removing: %d %s", pg.Status, pg.Header.Get("Location"))
	}
	if len(memberOf(h, f, uPL).Roles) != 0 {
		t.Error("the member was not removed")
	}
	if pg := lead.get(pg.Header.Get("Location")); !strings.Contains(pg.Body, uPL+" was removed from the programme") {
		t.Errorf("the members page does not say who was removed\n%s", excerpt(pg.Body))
	}

	// The only lead.
	self := p + "/members/" + url.PathEscape(uLead) + "/remove"
	if pg := lead.get(self); !strings.Contains(pg.Body, "Remove yourself from Bradford IPS?") || !strings.Contains(pg.Body, "You will no longer be able to see this programme") {
		t.Errorf("removing yourself does not say so\n%s", excerpt(pg.Body))
	}
	pg = lead.post(self, url.Values{})
	if pg.Status != http.StatusConflict || !strings.Contains(pg.Body, "The programme&#39;s only lead, "+uLead+", cannot be removed: make someone else a lead first. Nothing was saved.") {
		t.Errorf("removing the only lead: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	edit := p + "/members/" + url.PathEscape(uLead) + "/edit"
	lead.get(edit)
	pg = lead.post(edit, url.Values{"funder": {f.FunderX}})
	if pg.Status != http.StatusBadRequest || !strings.Contains(pg.Body, `href="#f-roles"`) || !strings.Contains(pg.Body, "Roles must include lead: "+uLead+" is the programme&#39;s only lead; make someone else a lead first") {
		t.Errorf("the only lead giving up the role: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	if m := memberOf(h, f, uLead); len(m.Roles) != 1 || m.Roles[0].Role != domain.RoleLead {
		t.Fatalf("the only lead's roles became %+v", m.Roles)
	}

	// With a second lead, one may remove themselves...
	h.build.Member(f.PID, uPLB, map[string]string{"role": "lead"})
	other := h.as(t, uPLB)
	other.get(p + "/members/" + url.PathEscape(uPLB) + "/remove")
	pg = other.post(p+"/members/"+url.PathEscape(uPLB)+"/remove", url.Values{})
	if pg.Status != http.StatusSeeOther || !strings.HasPrefix(pg.Header.Get("Location"), "/app/?left=") {
		t.Errorf("a lead removing themselves: %d %s", pg.Status, pg.Header.Get("Location"))
	}
	if home := other.get(pg.Header.Get("Location")); home.Status != http.StatusOK || !strings.Contains(home.Body, "You left Bradford IPS.") {
		t.Errorf("the portfolio after removing yourself: %d\n%s", home.Status, excerpt(home.Body))
	}
	// ...or step down to another role, and see the dashboard.
	h.build.Member(f.PID, uPLB, map[string]string{"role": "lead"})
	lead.get(edit)
	pg = lead.post(edit, url.Values{"funder": {f.FunderX}})
	if pg.Status != http.StatusSeeOther || pg.Header.Get("Location") != p {
		t.Fatalf("a lead stepping down: %d %s\n%s", pg.Status, pg.Header.Get("Location"), excerpt(pg.Body))
	}
	if pg := lead.get(p); pg.Status != http.StatusOK {
		t.Errorf("after stepping down, the dashboard: %d", pg.Status)
	}
}

// TestErrorMessagesInThePagesWords: forms name problems in the words and
// labels the page uses, and a checkbox group's error is announced with
// its fieldset (aria-describedby), as every other group's is.
func TestErrorMessagesInThePagesWords(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	lead := h.as(t, uLead)
	p := "/app/programmes/" + f.PID
	check := func(what string, pg page, wants ...string) {
		t.Helper()
		if pg.Status != http.StatusBadRequest {
			t.Fatalf("%s: %d\n%s", what, pg.Status, excerpt(pg.Body))
		}
		for _, want := range wants {
			if !strings.Contains(pg.Body, want) {
				t.Errorf("%s: the page lacks %q\n%s", what, want, excerpt(pg.Body))
			}
		}
	}

	lead.get(p + "/targets/new")
	check("target", lead.post(p+"/targets/new", url.Values{"metric": {""}, "value": {"60"}, "deadline": {"2011-03-31"},
		"startDate-day": {"1"}, "startDate-month": {"4"}, "startDate-year": {"2011"}, "notify": {"nope"}}),
		"Select measure", "Count from must be before the deadline",
		`<fieldset class="nhsuk-fieldset" aria-describedby="f-notify-hint f-notify-error">`, `id="f-notify-error"`,
		`<a href="#f-notify">`, `<input class="nhsuk-checkboxes__input" id="f-notify" name="notify" type="checkbox"`)

	lead.get(p + "/grants/new")
	check("grant", lead.post(p+"/grants/new", url.Values{"funderId": {""}, "title": {"Travel"}, "amountPence": {"0"},
		"awardDate": {"2012-06-01"}, "startDate": {"2010-10-01"}, "endDate": {"2012-03-31"}, "budget.travel": {"0"}}),
		"Select funder", "Amount must be more than £0", "Budget: travel must be more than £0", "Award date must not be after the end date")

	pa := p + "/projects/" + f.ProjectA
	lead.get(pa + "/posts/new")
	check("post", lead.post(pa+"/posts/new", url.Values{"title": {"Coach"}, "grantId": {f.GrantX}, "fte": {"1"},
		"startDate": {"2011-01-01"}}), "Select contract", "Select status")

	lead.get(pa + "/outcomes/new")
	early := outcomeForm()
	for k, v := range map[string]string{"periodStart-month": "1", "periodStart-year": "2010", "periodEnd-day": "31", "periodEnd-month": "3", "periodEnd-year": "2010"} {
		early.Set(k, v)
	}
	check("outcome", lead.post(pa+"/outcomes/new", early), "Period end must not be before the programme starts (1 October 2010)")
}

// TestOverlongWholeNumberIsNamedTooLarge: a whole number too long to hold
// (20 digits) is refused as the field's rule refuses 999999999, "is
// implausibly large", not "must be a whole number", which it is; and
// nothing is stored. A negative one is negative; a fraction is still not
// whole.
func TestOverlongWholeNumberIsNamedTooLarge(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	pl := h.as(t, uPL)
	path := "/app/programmes/" + f.PID + "/projects/" + f.ProjectA + "/outcomes/new"
	before := len(outcomesOf(t, h, f))
	for typed, want := range map[string]string{
		"99999999999999999999":       "Job starts is implausibly large (over 100000 people in one period)",
		"99,999,999,999,999,999,999": "Job starts is implausibly large (over 100000 people in one period)",
		"-99999999999999999999":      "Job starts must not be negative",
		"1.5":                        "Job starts must be a whole number, like 12",
	} {
		pl.get(path)
		form := outcomeForm()
		form.Set("counts.jobStarts", typed)
		p := pl.post(path, form)
		if p.Status != http.StatusBadRequest || !strings.Contains(p.Body, `<a href="#f-counts-jobStarts">`+want+`</a>`) {
			t.Errorf("job starts %s: %d, want %q\n%s", typed, p.Status, want, excerpt(p.Body))
		}
	}
	if n := len(outcomesOf(t, h, f)); n != before {
		t.Fatalf("refused forms stored %d submissions", n-before)
	}
	// A target figure and a schedule's reminders likewise, each in its own words.
	lead := h.as(t, uLead)
	p := "/app/programmes/" + f.PID
	lead.get(p + "/targets/new")
	pg := lead.post(p+"/targets/new", url.Values{"metric": {"referrals"}, "value": {"99999999999999999999"}, "deadline-day": {"31"},
		"deadline-month": {"3"}, "deadline-year": {"2012"}, "thresholds": {"50, 99999999999999999999"}})
	for _, want := range []string{"Target figure must be a whole number from 1 to 10000000", "must be a percentage from 1 to 1000"} {
		if pg.Status != http.StatusBadRequest || !strings.Contains(pg.Body, want) {
			t.Errorf("a target figure of 20 digits: %d, want %q\n%s", pg.Status, want, excerpt(pg.Body))
		}
	}
}

// TestMembersBannerSaysOnlyWhatWasDone: the members page's banner says who
// a removal removed only from the removal's own (sealed) link, to the
// person who removed them: text put in a link shows nothing, nor does the
// link of a removal opened by someone else (audit N3).
func TestMembersBannerSaysOnlyWhatWasDone(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	lead := h.as(t, uLead)
	p := "/app/programmes/" + f.PID
	const spoof = "Your account is suspended, call 0800 000 000"
	for _, query := range []string{
		url.Values{"removed": {spoof}}.Encode(),
		url.Values{"removed": {uPLB}, "stillContact": {f.FunderX}}.Encode(), // the link as it was
		"removed=",
	} {
		pg := lead.get(p + "/members?" + query)
		if pg.Status != http.StatusOK || strings.Contains(pg.Body, `data-testid="removed"`) || strings.Contains(pg.Body, "was removed from the programme") ||
			strings.Contains(pg.Body, "Your account is suspended") || strings.Contains(pg.Body, "still a contact") {
			t.Errorf("members?%s: %d, shows a banner\n%s", query, pg.Status, excerpt(pg.Body))
		}
	}
	pg := lead.post(p+"/members/"+url.PathEscape(uPLB)+"/remove", url.Values{})
	link := pg.Header.Get("Location")
	if pg.Status != http.StatusSeeOther || !strings.HasPrefix(link, p+"/members?removed=") {
		t.Fatalf("removing: %d %s", pg.Status, link)
	}
	if pg := lead.get(link); !strings.Contains(pg.Body, `data-testid="removed"`) || !strings.Contains(pg.Body, uPLB+" was removed from the programme") {
		t.Errorf("the removal's own link shows no banner\n%s", excerpt(pg.Body))
	}
	if pg := h.as(t, uAdmin).get(link); pg.Status != http.StatusOK || strings.Contains(pg.Body, `data-testid="removed"`) {
		t.Errorf("the removal's link opened by someone else: %d\n%s", pg.Status, excerpt(pg.Body))
	}
}
