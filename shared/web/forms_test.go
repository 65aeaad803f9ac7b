package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/web"
)

func outcomesOf(t *testing.T, h *webH, f fixture) []domain.Outcome {
	t.Helper()
	items, _, err := h.Svc.OpenProject(context.Background(), caller(uAdmin, domain.AdminGroup), f.PID, f.ProjectA).ListOutcomes(service.Page{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	return items
}

func grantsOf(t *testing.T, h *webH, f fixture) []domain.Grant {
	t.Helper()
	items, _, err := h.Svc.Open(context.Background(), caller(uAdmin, domain.AdminGroup), f.PID).ListGrants(service.Page{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	return items
}

// outcomeForm is a good submission as the form sends it.
func outcomeForm() url.Values {
	return url.Values{
		"periodStart-day": {"1"}, "periodStart-month": {"7"}, "periodStart-year": {"2011"},
		"periodEnd-day": {"30"}, "periodEnd-month": {"9"}, "periodEnd-year": {"2011"},
		"counts.referrals": {"40"}, "counts.peopleIntoWork": {"16"}, "notes": {"steady quarter"},
	}
}

// TestCSRF: a POST without the session's token, or with another one, is
// refused with a 403 page and stores nothing.
func TestCSRF(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	pl := h.as(t, uPL)
	path := "/app/programmes/" + f.PID + "/projects/" + f.ProjectA + "/outcomes/new"
	pl.get(path)
	before := len(outcomesOf(t, h, f))

	other := h.as(t, uLead) // a real token, of another session
	for name, token := range map[string][]string{"missing": nil, "wrong": {"not-the-token"}, "empty": {""},
		"another session's": {other.csrf}} {
		form := outcomeForm()
		if token != nil {
			form["csrf"] = token
		}
		var p page
		if token == nil {
			p = pl.do(http.MethodPost, path, form) // no csrf field at all
		} else {
			p = pl.post(path, form)
		}
		if p.Status != http.StatusForbidden || !strings.Contains(p.Body, "Your form could not be sent") {
			t.Errorf("%s token: %d\n%s", name, p.Status, excerpt(p.Body))
		}
	}
	if n := len(outcomesOf(t, h, f)); n != before {
		t.Fatalf("refused posts stored %d submissions", n-before)
	}
	// With the token, the same form is stored.
	pl.get(path)
	if p := pl.post(path, outcomeForm()); p.Status != http.StatusSeeOther {
		t.Fatalf("good post: %d\n%s", p.Status, excerpt(p.Body))
	}
	if n := len(outcomesOf(t, h, f)); n != before+1 {
		t.Fatalf("%d submissions stored, want 1", n-before)
	}
	// Sign-out is a POST with the token too.
	if p := pl.do(http.MethodPost, "/app/auth/logout", url.Values{"csrf": {"nope"}}); p.Status != http.StatusForbidden {
		t.Errorf("sign-out with a wrong token: %d", p.Status)
	}
}

// TestOutcomeErrorsThenCorrected: a bad figure shows the NHS error summary
// and the message beside the field, keeps what was typed and stores
// nothing; the corrected form is stored and counted.
func TestOutcomeErrorsThenCorrected(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	pl := h.as(t, uPL)
	path := "/app/programmes/" + f.PID + "/projects/" + f.ProjectA + "/outcomes/new"
	pl.get(path)
	before := len(outcomesOf(t, h, f))

	bad := outcomeForm()
	bad.Set("counts.peopleIntoWork", "-3")  // the service's rule: not negative
	bad.Set("counts.jobStarts", "lots")     // not a number at all
	bad.Set("periodEnd-day", "31")          // 31 September does not exist
	bad.Set("notes", "called 07700 900123") // personal data is refused too
	p := pl.post(path, bad)
	if p.Status != http.StatusBadRequest {
		t.Fatalf("bad figures: %d\n%s", p.Status, excerpt(p.Body))
	}
	for _, want := range []string{
		`data-testid="error-summary"`, `role="alert"`, "There is a problem",
		`href="#f-counts-peopleIntoWork"`, `id="f-counts-peopleIntoWork-error"`, "People into work must not be negative",
		`href="#f-counts-jobStarts"`, "Job starts must be a whole number",
		`href="#f-periodEnd-day"`, "Period end must be a real date",
		`value="-3"`, `value="lots"`, `value="40"`, // what was typed is kept
		"<title>Error: ",
	} {
		if !strings.Contains(p.Body, want) {
			t.Errorf("error page lacks %q", want)
		}
	}
	if !regexp.MustCompile(`nhsuk-form-group--error">\s*<label class="nhsuk-label" for="f-counts-peopleIntoWork"`).MatchString(p.Body) {
		t.Error("the people-into-work field is not marked as in error")
	}
	if n := len(outcomesOf(t, h, f)); n != before {
		t.Fatalf("a refused form stored %d submissions", n-before)
	}

	// Personal data alone: its own message beside the notes.
	pd := outcomeForm()
	pd.Set("notes", "called 07700 900123")
	if p := pl.post(path, pd); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "Notes appears to contain a phone number") {
		t.Errorf("personal data in notes: %d\n%s", p.Status, excerpt(p.Body))
	}

	// Corrected.
	p = pl.post(path, outcomeForm())
	if p.Status != http.StatusSeeOther {
		t.Fatalf("corrected form: %d\n%s", p.Status, excerpt(p.Body))
	}
	loc := p.Header.Get("Location")
	if p = pl.get(loc); p.Status != http.StatusOK || !strings.Contains(p.Body, "Outcomes submitted") ||
		!strings.Contains(p.Body, `data-testid="count-peopleIntoWork">16<`) {
		t.Fatalf("after submitting, %s: %d\n%s", loc, p.Status, excerpt(p.Body))
	}
	outs := outcomesOf(t, h, f)
	if len(outs) != before+1 {
		t.Fatalf("%d submissions stored, want 1", len(outs)-before)
	}
	var got domain.Outcome
	for _, o := range outs {
		if o.Notes == "steady quarter" {
			got = o
		}
	}
	if got.Counts[domain.MetricPeopleIntoWork] != 16 || got.Counts[domain.MetricReferrals] != 40 ||
		got.PeriodStart.String() != "2011-07-01" || got.PeriodEnd.String() != "2011-09-30" || got.SubmittedBy != uPL {
		t.Errorf("stored %+v", got)
	}
	// And the dashboard counts it: 20 + 25 + 16.
	if p := pl.get("/app/programmes/" + f.PID); !strings.Contains(p.Body, `data-testid="total-peopleIntoWork"><span class="nhsuk-table-responsive__heading" aria-hidden="true">People into work </span><strong>61</strong>`) {
		t.Errorf("dashboard total after the submission:\n%s", excerpt(p.Body))
	} else {
		// The totals table's narrow columns are headed by the short label,
		// with the full one for screen readers.
		for _, want := range []string{`scope="col">Referrals</th>`,
			`scope="col"><span aria-hidden="true">Sustained 13 weeks</span><span class="nhsuk-u-visually-hidden">Jobs sustained for 13 weeks</span></th>`} {
			if !strings.Contains(p.Body, want) {
				t.Errorf("dashboard totals table lacks %q", want)
			}
		}
	}

	// A correction replaces it.
	p = pl.get(path + "?replaces=" + got.ID)
	if !strings.Contains(p.Body, `name="replaces" value="`+got.ID+`"`) || !strings.Contains(p.Body, `value="16"`) {
		t.Fatalf("correction form does not start from the submission:\n%s", excerpt(p.Body))
	}
	fix := outcomeForm()
	fix.Set("counts.peopleIntoWork", "15")
	fix.Set("replaces", got.ID)
	if p := pl.post(path, fix); p.Status != http.StatusSeeOther {
		t.Fatalf("correction: %d\n%s", p.Status, excerpt(p.Body))
	}
	pr, err := h.Svc.Open(context.Background(), caller(uAdmin, domain.AdminGroup), f.PID).Progress()
	if err != nil {
		t.Fatal(err)
	}
	if n := pr.Totals[domain.MetricPeopleIntoWork]; n != 60 {
		t.Errorf("people into work after the correction: %d, want 60", n)
	}
}

// TestFunderSeesNoForms: a funder reads the dashboard, grants and the
// project, and is offered no form or link to change anything; a POST they
// craft anyway is refused by the service and stores nothing.
func TestFunderSeesNoForms(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	fu := h.as(t, uFunder)
	p := "/app/programmes/" + f.PID
	for _, path := range []string{p, p + "/grants", p + "/grants/" + f.GrantX, p + "/projects", p + "/projects/" + f.ProjectA,
		p + "/targets", p + "/funders"} {
		pg := fu.get(path)
		if pg.Status != http.StatusOK {
			t.Fatalf("%s: %d", path, pg.Status)
		}
		main := pg.Body[strings.Index(pg.Body, "<main"):]
		for _, hidden := range []string{`id="record-grant"`, `id="change-grant"`, `id="submit-outcomes"`, `id="add-post"`,
			`id="add-cohort"`, `id="set-target"`, `id="add-funder"`, `id="add-project"`, "/edit", `method="post"`} {
			if strings.Contains(main, hidden) {
				t.Errorf("funder sees %s on %s", hidden, path)
			}
		}
		for _, absent := range []string{`data-testid="nav-members"`, `data-testid="nav-audit"`} {
			if strings.Contains(pg.Body, absent) {
				t.Errorf("funder's navigation offers %s on %s", absent, path)
			}
		}
	}
	// The funder sees only the grant it funds.
	if pg := fu.get(p + "/grants"); strings.Contains(pg.Body, "Network coordination") || !strings.Contains(pg.Body, "Employment specialists") {
		t.Errorf("funder's grant list:\n%s", excerpt(pg.Body))
	}
	// A crafted POST: refused, nothing stored.
	before := len(outcomesOf(t, h, f))
	fu.get(p)
	if pg := fu.post(p+"/projects/"+f.ProjectA+"/outcomes/new", outcomeForm()); pg.Status != http.StatusForbidden {
		t.Errorf("funder's outcome POST: %d", pg.Status)
	}
	grants := len(grantsOf(t, h, f))
	if pg := fu.post(p+"/grants/new", url.Values{"funderId": {f.FunderX}, "title": {"x"}, "amountPence": {"1"}}); pg.Status != http.StatusForbidden {
		t.Errorf("funder's grant POST: %d", pg.Status)
	}
	if len(outcomesOf(t, h, f)) != before || len(grantsOf(t, h, f)) != grants {
		t.Error("a funder's POST stored something")
	}
}

// TestLeadRecordsAndEditsGrant: a lead records a grant in pounds, sees it,
// changes it, and a change based on an old version is refused as "changed
// by someone else" with nothing overwritten.
func TestLeadRecordsAndEditsGrant(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	lead := h.as(t, uLead)
	p := "/app/programmes/" + f.PID
	lead.get(p + "/grants/new")
	form := url.Values{"funderId": {f.FunderY}, "projectId": {""}, "title": {"Service manager"},
		"amountPence": {"£310,000.50"}, "awardDate-day": {"1"}, "awardDate-month": {"9"}, "awardDate-year": {"2010"},
		"startDate-day": {"1"}, "startDate-month": {"10"}, "startDate-year": {"2010"},
		"endDate-day": {"31"}, "endDate-month": {"3"}, "endDate-year": {"2012"}}
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("amountPence", "three hundred")
	bad.Set("title", "")
	pg := lead.post(p+"/grants/new", bad)
	if pg.Status != http.StatusBadRequest || !strings.Contains(pg.Body, "Amount must be an amount in pounds") ||
		!strings.Contains(pg.Body, `href="#f-title"`) || !strings.Contains(pg.Body, "Enter title") {
		t.Fatalf("bad grant: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	pg = lead.post(p+"/grants/new", form)
	if pg.Status != http.StatusSeeOther {
		t.Fatalf("record grant: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	loc := pg.Header.Get("Location")
	pg = lead.get(loc)
	if !strings.Contains(pg.Body, `data-testid="grant-amount">£310,000.50<`) {
		t.Fatalf("grant page:\n%s", excerpt(pg.Body))
	}
	gid := loc[strings.LastIndex(loc, "/")+1:]

	// Two people open the edit form; the first saves, the second is stale.
	other := h.as(t, uAdmin)
	other.get(loc + "/edit")
	otherToken := other.csrf
	pg = lead.get(loc + "/edit")
	if !strings.Contains(pg.Body, `name="version" value="1"`) || !strings.Contains(pg.Body, `value="310000.50"`) {
		t.Fatalf("edit form:\n%s", excerpt(pg.Body))
	}
	edit := url.Values{}
	for k, v := range form {
		edit[k] = v
	}
	edit.Set("version", "1")
	edit.Set("amountPence", "320000")
	if pg = lead.post(loc+"/edit", edit); pg.Status != http.StatusSeeOther {
		t.Fatalf("edit: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	stale := url.Values{}
	for k, v := range edit {
		stale[k] = v
	}
	stale.Set("amountPence", "1")
	stale.Set("csrf", otherToken)
	pg = other.post(loc+"/edit", stale)
	if pg.Status != http.StatusPreconditionFailed || !strings.Contains(pg.Body, "changed by someone else") ||
		!strings.Contains(pg.Body, `name="version" value="2"`) || !strings.Contains(pg.Body, `value="320000.00"`) {
		t.Fatalf("stale edit: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	g, err := h.Svc.Open(context.Background(), caller(uAdmin, domain.AdminGroup), f.PID).Grant(gid)
	if err != nil {
		t.Fatal(err)
	}
	if g.AmountPence != 32000000 || g.Version != 2 {
		t.Errorf("grant after the stale edit: %d pence, version %d", g.AmountPence, g.Version)
	}
	// Its history shows the change as people read it: the field in words,
	// the amount in pounds, not the API's amountPence in pence.
	pg = lead.get(p + "/history?entity=grant&id=" + gid)
	if want := "<strong>Amount</strong>: £310,000.50 → £320,000.00"; !strings.Contains(pg.Body, want) || strings.Contains(pg.Body, "amountPence") {
		t.Errorf("history lacks %q:\n%s", want, excerpt(pg.Body))
	}
	// The downloads.
	pg = lead.get(p + "/grants.csv")
	if pg.Status != http.StatusOK || !strings.HasPrefix(pg.Header.Get("Content-Type"), "text/csv") || !strings.Contains(pg.Body, "Service manager") {
		t.Errorf("grants.csv: %d %s", pg.Status, pg.Header.Get("Content-Type"))
	}
	pg = lead.get(p + "/grants/360giving")
	if pg.Status != http.StatusOK || !strings.Contains(pg.Body, `"grants"`) {
		t.Errorf("360Giving: %d", pg.Status)
	}
}

// TestLeadSetsTargetAndMember: the target and member forms make the API's
// bodies (checkboxes, percentages, roles).
func TestLeadSetsTargetAndMember(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	lead := h.as(t, uLead)
	p := "/app/programmes/" + f.PID
	lead.get(p + "/targets/new")
	pg := lead.post(p+"/targets/new", url.Values{"metric": {"referrals"}, "value": {"200"}, "deadline-day": {"31"},
		"deadline-month": {"12"}, "deadline-year": {"2011"}, "projectId": {f.ProjectA}, "notify": {f.FunderX, f.FunderY},
		"thresholds": {"50, 100%"}})
	if pg.Status != http.StatusSeeOther {
		t.Fatalf("set target: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	ts, _, err := h.Svc.Open(context.Background(), caller(uAdmin, domain.AdminGroup), f.PID).ListTargets(service.Page{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var tg domain.Target
	for _, x := range ts {
		if x.Metric == domain.MetricReferrals {
			tg = x
		}
	}
	if tg.Value != 200 || tg.ProjectID != f.ProjectA || len(tg.Notify) != 2 || len(tg.Thresholds) != 2 || tg.Thresholds[0] != 50 {
		t.Errorf("target stored as %+v", tg)
	}
	// A bad one: every problem named.
	pg = lead.post(p+"/targets/new", url.Values{"metric": {""}, "value": {"0"}, "thresholds": {"fifty"}})
	for _, want := range []string{`href="#f-metric"`, `href="#f-value"`, `href="#f-deadline-day"`, `href="#f-thresholds"`} {
		if !strings.Contains(pg.Body, want) {
			t.Errorf("bad target page lacks %s", want)
		}
	}

	// A member with two roles.
	lead.get(p + "/members/new")
	pg = lead.post(p+"/members/new", url.Values{"email": {"New.Person@Example.org"}, "projectLead": {f.ProjectB}, "funder": {f.FunderY}})
	if pg.Status != http.StatusSeeOther {
		t.Fatalf("add member: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	m, err := h.Svc.Open(context.Background(), caller(uAdmin, domain.AdminGroup), f.PID).Member("new.person@example.org")
	if err != nil || len(m.Roles) != 2 {
		t.Fatalf("member stored as %+v (%v)", m, err)
	}
	// No role ticked: the error is beside the roles.
	pg = lead.post(p+"/members/new", url.Values{"email": {"x@example.org"}})
	if pg.Status != http.StatusBadRequest || !strings.Contains(pg.Body, `href="#f-roles"`) || !strings.Contains(pg.Body, "At least one role is required") {
		t.Errorf("member without roles: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	// An address pasted with a slash after it: no email can reach it, nor
	// anyone sign in at it (audit-surface W2). The error is beside the email.
	pg = lead.post(p+"/members/new", url.Values{"email": {"surf-web@example.org/"}, "funder": {f.FunderY}})
	if pg.Status != http.StatusBadRequest || !strings.Contains(pg.Body, `href="#f-email"`) || !strings.Contains(pg.Body, "what follows the @ must be a domain name") {
		t.Errorf("member at a slash: %d\n%s", pg.Status, excerpt(pg.Body))
	}
}

// TestSessionTampering: a session cookie that was changed, forged, cut or
// sealed with another key is no session: the person is signed out.
func TestSessionTampering(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	h.fixture(t)
	b := h.as(t, uLead)
	u, _ := url.Parse(h.URL + "/app/")
	var sess *http.Cookie
	for _, c := range b.jar.Cookies(u) {
		if c.Name == web.SessionCookie {
			sess = c
		}
	}
	if sess == nil {
		t.Fatal("no session cookie")
	}
	flip := []byte(sess.Value)
	flip[len(flip)/2] ^= 1
	otherKey, _ := web.RandomCodec().Seal(web.SessionCookie, web.Session{Email: uAdmin, Subject: "x", Groups: []string{"admins"},
		Expires: sess.Expires.Add(1e15), CSRF: strings.Repeat("a", 43)})
	forged := map[string]string{
		"one bit flipped":     string(flip),
		"cut short":           sess.Value[:len(sess.Value)-5],
		"not base64":          "!!!" + sess.Value,
		"another key":         otherKey,
		"empty":               "",
		"from another cookie": mustSeal(t, h, web.AuthCookie, web.Session{Email: uAdmin, Subject: "x", CSRF: strings.Repeat("a", 43)}),
	}
	for name, value := range forged {
		c := h.browser(t)
		c.jar.SetCookies(u, []*http.Cookie{{Name: web.SessionCookie, Value: value, Path: "/app"}})
		p := c.get("/app/")
		if p.Status != http.StatusFound || !strings.HasPrefix(p.Header.Get("Location"), "/app/auth/login") {
			t.Errorf("%s: %d %s", name, p.Status, p.Header.Get("Location"))
		}
		if p := c.do(http.MethodPost, "/app/programmes/new", url.Values{"csrf": {strings.Repeat("a", 43)}}); p.Status != http.StatusForbidden {
			t.Errorf("%s: POST answered %d", name, p.Status)
		}
	}
	// The real cookie still works, and sign-out ends it.
	if p := b.get("/app/"); p.Status != http.StatusOK {
		t.Fatalf("real session: %d", p.Status)
	}
	if p := b.post("/app/auth/logout", nil); p.Status != http.StatusSeeOther || p.Header.Get("Location") != "/app/auth/signed-out" {
		t.Fatalf("sign out: %d %s", p.Status, p.Header.Get("Location"))
	}
	if p := b.get("/app/"); p.Status != http.StatusFound {
		t.Errorf("after sign-out /app/ answered %d", p.Status)
	}
	if p := b.get("/app/auth/signed-out"); p.Status != http.StatusOK || !strings.Contains(p.Body, "You have signed out") {
		t.Errorf("signed-out page: %d", p.Status)
	}
}

func mustSeal(t *testing.T, h *webH, name string, v any) string {
	t.Helper()
	s, err := h.codec.Seal(name, v)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestSessionCookie: the session cookie is HttpOnly, SameSite=Lax, under
// /app, Secure except on plain-http localhost, and holds nothing readable.
func TestSessionCookie(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	b := h.browser(t)
	p := b.get("/app/auth/login")
	state := stateInput.FindStringSubmatch(p.Body)[1]
	req, _ := http.NewRequest(http.MethodPost, h.URL+"/app/auth/callback", strings.NewReader(url.Values{"state": {state}, "email": {uLead}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for _, c := range b.jar.Cookies(req.URL) {
		req.AddCookie(c)
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var set string
	for _, c := range resp.Header.Values("Set-Cookie") {
		if strings.HasPrefix(c, web.SessionCookie+"=") {
			set = c
		}
	}
	for _, want := range []string{"Path=/app", "HttpOnly", "SameSite=Lax", "Max-Age=28800"} {
		if !strings.Contains(set, want) {
			t.Errorf("session cookie %q lacks %s", set, want)
		}
	}
	if strings.Contains(set, "Secure") {
		t.Errorf("session cookie on plain-http localhost is Secure (browsers would drop it): %q", set)
	}
	if strings.Contains(set, "lead") || strings.Contains(set, "example") {
		t.Errorf("session cookie is readable: %q", set)
	}
	// Behind https (API Gateway), it is Secure.
	r := httptestRequest("https://abc.execute-api.eu-west-2.amazonaws.com/app/")
	if web.PlainLocalhost(r) {
		t.Error("an https request counted as plain localhost")
	}
	r = httptestRequest("http://fundtrack.example.org/app/")
	if web.PlainLocalhost(r) {
		t.Error("plain http to another host counted as localhost")
	}
}

func httptestRequest(u string) *http.Request {
	r, _ := http.NewRequest(http.MethodGet, u, nil)
	r.Host = r.URL.Host
	if r.URL.Scheme == "https" {
		r.Header.Set("X-Forwarded-Proto", "https")
	}
	return r
}

// TestLocalSignInNeedsThePageToken: the demo-user buttons work only with
// the token of the page they were on, so another site cannot sign a
// browser in.
func TestLocalSignInNeedsThePageToken(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	b := h.browser(t)
	b.get("/app/auth/login")
	for name, form := range map[string]url.Values{
		"no token":     {"email": {uLead}},
		"wrong token":  {"email": {uLead}, "state": {"guess"}},
		"unknown user": {"email": {"stranger@example.org"}, "state": {"guess"}},
	} {
		if p := b.do(http.MethodPost, "/app/auth/callback", form); p.Status != http.StatusForbidden || !strings.Contains(p.Body, "Sign-in failed") {
			t.Errorf("%s: %d", name, p.Status)
		}
	}
	// Without the sign-in cookie (a cross-site form), even the right token fails.
	p := h.browser(t).get("/app/auth/login")
	state := stateInput.FindStringSubmatch(p.Body)[1]
	if p := h.browser(t).do(http.MethodPost, "/app/auth/callback", url.Values{"email": {uLead}, "state": {state}}); p.Status != http.StatusForbidden {
		t.Errorf("token without its cookie: %d", p.Status)
	}
	// next= keeps people inside the app.
	c := h.browser(t)
	p = c.get("/app/auth/login?next=https://evil.example.org/")
	state = stateInput.FindStringSubmatch(p.Body)[1]
	if p := c.do(http.MethodPost, "/app/auth/callback", url.Values{"email": {uLead}, "state": {state}}); p.Header.Get("Location") != "/app/" {
		t.Errorf("next to another site: went to %q", p.Header.Get("Location"))
	}
	c = h.browser(t)
	if p := c.get("/app/programmes/abc/grants"); p.Header.Get("Location") != "/app/auth/login?next=%2Fapp%2Fprogrammes%2Fabc%2Fgrants" {
		t.Fatalf("signed-out GET went to %q", p.Header.Get("Location"))
	}
	p = c.get("/app/auth/login?next=%2Fapp%2Fprogrammes%2Fabc%2Fgrants")
	state = stateInput.FindStringSubmatch(p.Body)[1]
	if p := c.do(http.MethodPost, "/app/auth/callback", url.Values{"email": {uLead}, "state": {state}}); p.Header.Get("Location") != "/app/programmes/abc/grants" {
		t.Errorf("back after sign-in: went to %q", p.Header.Get("Location"))
	}
	// Signed in, next is cleaned before it is checked: no dot segments,
	// plain or encoded, lead out of the app or to its sign-in pages
	// (audit N2).
	for next, want := range map[string]string{"/app/../health": "/app/", "/app/..//evil.example": "/app/",
		"/app/../app/auth/signed-out": "/app/", "/app/%2e%2e/health": "/app/", "/app/programmes/abc/./x/../grants": "/app/programmes/abc/grants"} {
		if p := c.get("/app/auth/login?next=" + url.QueryEscape(next)); p.Status != http.StatusFound || p.Header.Get("Location") != want {
			t.Errorf("signed in, next=%s: %d to %q, want %q", next, p.Status, p.Header.Get("Location"), want)
		}
	}
	// And after signing in.
	c = h.browser(t)
	p = c.get("/app/auth/login?next=" + url.QueryEscape("/app/../health"))
	state = stateInput.FindStringSubmatch(p.Body)[1]
	if p := c.do(http.MethodPost, "/app/auth/callback", url.Values{"email": {uLead}, "state": {state}}); p.Header.Get("Location") != "/app/" {
		t.Errorf("next out of the app: went to %q after sign-in", p.Header.Get("Location"))
	}
}
