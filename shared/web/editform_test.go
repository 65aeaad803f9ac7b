package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// TestEditFormsStaleVersion: every edit page with a version (grants,
// posts, cohorts, targets) runs the same flow. Two people open the form;
// the first saves; the second's save is refused with nothing saved, the
// page shows the stale message with the current values and the current
// version, and saving from that page then works.
func TestEditFormsStaleVersion(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	p := "/app/programmes/" + f.PID
	pa := p + "/projects/" + f.ProjectA
	ctx := context.Background()
	admin := caller(uAdmin, domain.AdminGroup)
	cases := []struct {
		what, path string
		form       url.Values
		// field is changed by the first person to first, by the second to second.
		field, first, second string
		// stored reads the field back through the service.
		stored func() string
	}{
		{"grant", p + "/grants/" + f.GrantX + "/edit", url.Values{"funderId": {f.FunderX}, "projectId": {f.ProjectA},
			"title": {"Employment specialists"}, "amountPence": {"310000.00"}, "currency": {"GBP"}, "awardDate": {"2010-09-01"},
			"startDate": {"2010-10-01"}, "endDate": {"2012-03-31"}}, "title", "Employment specialists (two)", "Stale title",
			func() string { return must(h.Svc.Open(ctx, admin, f.PID).Grant(f.GrantX)).Title }},
		{"post", pa + "/posts/" + f.PostA + "/edit", url.Values{"title": {"Employment specialist"}, "grantId": {f.GrantX},
			"fte": {"1"}, "contract": {"temporary"}, "startDate": {"2010-10-01"}, "status": {"filled"}}, "title", "Senior employment specialist", "Stale post",
			func() string { return must(h.Svc.OpenProject(ctx, admin, f.PID, f.ProjectA).Post(f.PostA)).Title }},
		{"cohort", pa + "/cohorts/" + f.CohortA + "/edit", url.Values{"name": {"Cohort 1"}, "places": {"4"},
			"startDate": {"2011-01-01"}, "endDate": {"2011-06-30"}}, "name", "Cohort one", "Stale cohort",
			func() string { return must(h.Svc.OpenProject(ctx, admin, f.PID, f.ProjectA).Cohort(f.CohortA)).Name }},
		{"target", p + "/targets/" + f.TargetID + "/edit", url.Values{"metric": {"peopleIntoWork"}, "value": {"60"},
			"deadline": {"2012-03-31"}, "notify": {f.FunderX}, "thresholds": {"100"}}, "value", "65", "70",
			func() string {
				return strconv.FormatInt(must(h.Svc.Open(ctx, admin, f.PID).Target(f.TargetID)).Value, 10)
			}},
	}
	lead, other := h.as(t, uLead), h.as(t, uAdmin)
	for _, c := range cases {
		t.Run(c.what, func(t *testing.T) {
			other.get(c.path)
			otherToken := other.csrf
			pg := lead.get(c.path)
			if pg.Status != http.StatusOK || !strings.Contains(pg.Body, `name="version" value="1"`) {
				t.Fatalf("edit form: %d\n%s", pg.Status, excerpt(pg.Body))
			}
			first := with(c.form, "version", "1", c.field, c.first)
			if pg = lead.post(c.path, first); pg.Status != http.StatusSeeOther {
				t.Fatalf("first save: %d\n%s", pg.Status, excerpt(pg.Body))
			}
			stale := with(c.form, "version", "1", c.field, c.second, "csrf", otherToken)
			pg = other.post(c.path, stale)
			if pg.Status != http.StatusPreconditionFailed || !strings.Contains(pg.Body, "This "+c.what+" was changed by someone else") ||
				!strings.Contains(pg.Body, `name="version" value="2"`) || !strings.Contains(pg.Body, `value="`+c.first+`"`) {
				t.Fatalf("stale save: %d\n%s", pg.Status, excerpt(pg.Body))
			}
			if got := c.stored(); got != c.first {
				t.Fatalf("after the stale save the %s's %s is %q, want %q", c.what, c.field, got, c.first)
			}
			// From the page it was shown again on, the save goes through.
			if pg = other.post(c.path, with(c.form, "version", "2", c.field, c.second)); pg.Status != http.StatusSeeOther {
				t.Fatalf("save after reloading: %d\n%s", pg.Status, excerpt(pg.Body))
			}
			if got := c.stored(); got != c.second {
				t.Errorf("the %s's %s is %q, want %q", c.what, c.field, got, c.second)
			}
		})
	}

	// A member's roles have no version: the edit replaces them.
	lead.get(p + "/members/" + uPL + "/edit")
	pg := lead.post(p+"/members/"+uPL+"/edit", url.Values{"projectLead": {f.ProjectA, f.ProjectB}})
	if pg.Status != http.StatusSeeOther || !strings.HasSuffix(pg.Header.Get("Location"), "/members?saved="+url.QueryEscape(uPL)) {
		t.Fatalf("change roles: %d %s\n%s", pg.Status, pg.Header.Get("Location"), excerpt(pg.Body))
	}
	if m := must(h.Svc.Open(ctx, admin, f.PID).Member(uPL)); len(m.Roles) != 2 {
		t.Errorf("roles after the edit: %+v", m.Roles)
	}
}

// with is a copy of v with some values set: name, value, name, value….
func with(v url.Values, kv ...string) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out.Set(kv[i], kv[i+1])
	}
	return out
}

// TestEditFormsRefuseAVersionNoPageWrote: an edit form's version field
// holds the version the page was opened at, as the page wrote it. One
// missing or holding anything else ("-1", "abc", "01") is no version of
// the record: 400 at once, nothing saved, never taken for "any version"
// (audit-surface W1: version=-1 was tried sixteen times before its 412,
// and under load answered 503). A version that was the record's is
// stale, as before: 412 with the form shown again.
func TestEditFormsRefuseAVersionNoPageWrote(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	pa := "/app/programmes/" + f.PID + "/projects/" + f.ProjectA
	path := pa + "/posts/" + f.PostA + "/edit"
	form := url.Values{"title": {"Changed title"}, "grantId": {f.GrantX}, "fte": {"1"}, "contract": {"temporary"},
		"startDate": {"2010-10-01"}, "status": {"filled"}}
	title := func() string {
		return must(h.Svc.OpenProject(context.Background(), caller(uAdmin, domain.AdminGroup), f.PID, f.ProjectA).Post(f.PostA)).Title
	}
	lead := h.as(t, uLead)
	for _, v := range []string{"-1", "abc", "01", "+1", "1.0", " 1", "", "none"} {
		lead.get(path)
		sent := with(form, "version", v)
		if v == "none" {
			sent.Del("version")
		}
		pg := lead.post(path, sent)
		if pg.Status != http.StatusBadRequest || !strings.Contains(pg.Body, "There is a problem with what was sent") {
			t.Errorf("version %q: %d, want 400\n%s", v, pg.Status, excerpt(pg.Body))
		}
		if got := title(); got != "Employment specialist" {
			t.Fatalf("version %q: the post's title is %q: it was saved", v, got)
		}
	}
	lead.get(path)
	if pg := lead.post(path, with(form, "version", "2")); pg.Status != http.StatusPreconditionFailed {
		t.Errorf("a version the post does not have yet: %d, want 412\n%s", pg.Status, excerpt(pg.Body))
	}
	lead.get(path)
	if pg := lead.post(path, with(form, "version", "1")); pg.Status != http.StatusSeeOther || title() != "Changed title" {
		t.Errorf("the post's own version: %d, title %q", pg.Status, title())
	}
}

// TestProjectRecordEditAnswersAsItsPage: the edit page of a post or
// cohort answers as the record's own reading first (audit-surface N2): one
// that is not there is "Page not found" for a funder too (it was "You
// cannot do this", where a target not there was not found), another
// project's is not found to a project lead; a funder, who sees the record,
// may not change it (403). Its POST answers the same.
func TestProjectRecordEditAnswersAsItsPage(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	pa := "/app/programmes/" + f.PID + "/projects/" + f.ProjectA
	nothing := domain.NewID()
	funder, plB := h.as(t, uFunder), h.as(t, uPLB)
	for _, c := range []struct {
		who  *browser
		name string
		path string
		want int
	}{
		{funder, "funder", pa + "/posts/" + nothing + "/edit", http.StatusNotFound},
		{funder, "funder", pa + "/cohorts/" + nothing + "/edit", http.StatusNotFound},
		{funder, "funder", pa + "/posts/" + f.PostA + "/edit", http.StatusForbidden},
		{funder, "funder", pa + "/cohorts/" + f.CohortA + "/edit", http.StatusForbidden},
		{plB, "project lead B", pa + "/posts/" + f.PostA + "/edit", http.StatusNotFound},
		{plB, "project lead B", pa + "/cohorts/" + f.CohortA + "/edit", http.StatusNotFound},
		{plB, "project lead B", pa + "/posts/" + nothing + "/edit", http.StatusNotFound},
	} {
		if pg := c.who.get(c.path); pg.Status != c.want {
			t.Errorf("GET %s as %s: %d, want %d\n%s", c.path, c.name, pg.Status, c.want, excerpt(pg.Body))
		}
		c.who.get("/app/") // a page with the CSRF token
		pg := c.who.post(c.path, url.Values{"version": {"1"}, "title": {"Changed"}, "name": {"Changed"}})
		title := map[int]string{http.StatusNotFound: "Page not found", http.StatusForbidden: "You cannot do this"}[c.want]
		if pg.Status != c.want || !strings.Contains(pg.Body, title) {
			t.Errorf("POST %s as %s: %d, want %d %s\n%s", c.path, c.name, pg.Status, c.want, title, excerpt(pg.Body))
		}
	}
}
