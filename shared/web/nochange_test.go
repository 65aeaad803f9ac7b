package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// TestEditFormsSavedUnchanged: opening an edit form and pressing Save
// without changing anything saves nothing: no audit event, no new version
// (so no one else's open form goes stale), for every edit form a lead uses.
func TestEditFormsSavedUnchanged(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	ctx := context.Background()
	admin := h.Svc.Open(ctx, caller(uAdmin, domain.AdminGroup), f.PID)
	sched := must(admin.CreateSchedule(body(map[string]any{"name": "Quarterly returns", "frequency": "quarterly",
		"firstPeriodStart": "2011-01-01", "lastPeriodEnd": "2011-12-31", "reminders": []int{14, 7}})))
	p := "/app/programmes/" + f.PID
	trail := func() int {
		events, next, err := admin.ListAudit(service.AuditFilter{}, service.Page{Limit: service.MaxLimit})
		if err != nil || next != "" {
			t.Fatalf("audit trail: %v (next %q)", err, next)
		}
		return len(events)
	}
	lead := h.as(t, uLead)
	for _, path := range []string{
		p + "/edit",
		p + "/funders/" + f.FunderX + "/edit",
		p + "/projects/" + f.ProjectA + "/edit",
		p + "/grants/" + f.GrantX + "/edit",
		p + "/targets/" + f.TargetID + "/edit",
		p + "/schedules/" + sched.ID + "/edit",
		p + "/members/" + url.PathEscape(uPL) + "/edit",
		p + "/projects/" + f.ProjectA + "/posts/" + f.PostA + "/edit",
		p + "/projects/" + f.ProjectA + "/cohorts/" + f.CohortA + "/edit",
	} {
		t.Run(path, func(t *testing.T) {
			pg := lead.get(path)
			if pg.Status != http.StatusOK {
				t.Fatalf("edit form: %d\n%s", pg.Status, excerpt(pg.Body))
			}
			before, version := trail(), versionInput.FindString(pg.Body)
			if pg = lead.post(path, formValues(pg.Body)); pg.Status != http.StatusSeeOther {
				t.Fatalf("saving the form as it was shown: %d\n%s", pg.Status, excerpt(pg.Body))
			}
			if n := trail() - before; n != 0 {
				events, _, _ := admin.ListAudit(service.AuditFilter{}, service.Page{Limit: 1})
				t.Errorf("saving unchanged wrote %d audit events; the newest: %+v", n, events)
			}
			if now := versionInput.FindString(lead.get(path).Body); now != version {
				t.Errorf("saving unchanged moved the form's version from %s to %s", version, now)
			}
		})
	}
}

var (
	versionInput = regexp.MustCompile(`name="version" value="[^"]*"`)
	mainPart     = regexp.MustCompile(`(?s)<main\b.*</main>`)
	inputTag     = regexp.MustCompile(`<input\b[^>]*>`)
	textareaTag  = regexp.MustCompile(`(?s)<textarea\b([^>]*)>(.*?)</textarea>`)
	selectTag    = regexp.MustCompile(`(?s)<select\b([^>]*)>(.*?)</select>`)
	optionTag    = regexp.MustCompile(`<option\b[^>]*>`)
	attr         = regexp.MustCompile(`\s([a-z-]+)(?:="([^"]*)")?`)
)

// formValues is what a browser sends for the form fields of a page's main
// part as shown: text boxes, hidden fields, text areas, ticked boxes and
// chosen options.
func formValues(page string) url.Values {
	attrs := func(tag string) map[string]string {
		m := map[string]string{}
		for _, a := range attr.FindAllStringSubmatch(tag, -1) {
			m[a[1]] = html.UnescapeString(a[2])
		}
		return m
	}
	v := url.Values{}
	body := mainPart.FindString(page)
	for _, tag := range inputTag.FindAllString(body, -1) {
		a := attrs(tag)
		_, checked := a["checked"]
		switch {
		case a["name"] == "" || a["type"] == "file" || a["type"] == "submit":
		case (a["type"] == "checkbox" || a["type"] == "radio") && !checked:
		default:
			v.Add(a["name"], a["value"])
		}
	}
	for _, m := range textareaTag.FindAllStringSubmatch(body, -1) {
		v.Add(attrs(m[1])["name"], html.UnescapeString(strings.TrimPrefix(m[2], "\n")))
	}
	for _, m := range selectTag.FindAllStringSubmatch(body, -1) {
		options := optionTag.FindAllString(m[2], -1)
		chosen := ""
		for i, o := range options {
			a := attrs(o)
			if _, sel := a["selected"]; sel || i == 0 {
				chosen = a["value"]
			}
		}
		v.Add(attrs(m[1])["name"], chosen)
	}
	return v
}
