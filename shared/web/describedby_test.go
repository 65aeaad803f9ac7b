package web_test

import (
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
)

var (
	describedByAttr = regexp.MustCompile(`aria-describedby="([^"]*)"`)
	idAttr          = regexp.MustCompile(` id="([^"]+)"`)
	// A date fieldset (the "date" partial): its opening tag, and the id of
	// the hint it always shows.
	dateFieldset = regexp.MustCompile(`<fieldset class="nhsuk-fieldset" role="group"([^>]*)>\s*<legend[^>]*>[^<]*</legend>\s*<div class="nhsuk-hint" id="([^"]+)-hint"`)
)

// checkDescribedBy checks a page's aria-describedby attributes: each is
// ids separated by one space, with none at either end, each an element
// of the page; and every date fieldset names its hint, and its error
// when it shows one.
func checkDescribedBy(t *testing.T, what string, pg page) {
	t.Helper()
	ids := map[string]bool{}
	for _, m := range idAttr.FindAllStringSubmatch(pg.Body, -1) {
		ids[m[1]] = true
	}
	for _, m := range describedByAttr.FindAllStringSubmatch(pg.Body, -1) {
		v := m[1]
		if v == "" || strings.TrimSpace(v) != v || strings.Contains(v, "  ") {
			t.Errorf("%s: aria-describedby=%q is not ids separated by single spaces", what, v)
		}
		for _, id := range strings.Fields(v) {
			if !ids[id] {
				t.Errorf("%s: aria-describedby names %q, which is not on the page", what, id)
			}
		}
	}
	// A control or group showing an error is described by it.
	for id := range ids {
		field, ok := strings.CutSuffix(id, "-error")
		if !ok {
			continue
		}
		loc := regexp.MustCompile(`<(input|select|textarea|fieldset)[^>]* id="` + regexp.QuoteMeta(field) + `"[^>]*>`).FindStringIndex(pg.Body)
		if loc == nil {
			continue // a date (below): its fieldset has no id
		}
		tag := pg.Body[loc[0]:loc[1]]
		if strings.Contains(tag, `type="radio"`) || strings.Contains(tag, `type="checkbox"`) {
			// The first radio or checkbox of a group has the group's id
			// (the error summary's link lands on it): the group's
			// fieldset is described by the error.
			fs := strings.LastIndex(pg.Body[:loc[0]], "<fieldset")
			if fs < 0 {
				t.Errorf("%s: %s is in no fieldset", what, tag)
				continue
			}
			tag = pg.Body[fs : fs+strings.Index(pg.Body[fs:], ">")+1]
		}
		if got := describedByAttr.FindStringSubmatch(tag); got == nil || !slices.Contains(strings.Fields(got[1]), id) {
			t.Errorf("%s: %s is not described by its error %s", what, tag, id)
		}
	}
	dates := dateFieldset.FindAllStringSubmatch(pg.Body, -1)
	if len(dates) == 0 {
		t.Errorf("%s: no date fieldset found\n%s", what, excerpt(pg.Body))
	}
	for _, m := range dates {
		field, want := m[2], m[2]+"-hint"
		if ids[field+"-error"] {
			want += " " + field + "-error"
		}
		if got := describedByAttr.FindStringSubmatch(m[1]); got == nil || got[1] != want {
			t.Errorf("%s: the date fieldset of %s has%s; want aria-describedby=%q", what, field, m[1], want)
		}
	}
}

// TestDateFieldsNameTheirHint: every date's fieldset is described by its
// hint ("For example, 31 3 2012" when it has none of its own), and by its
// error once it has one, so assistive technology reads both; no
// aria-describedby on a form page has a stray space or names an element
// the page lacks, and every list (select) showing an error is described
// by it, as inputs are.
func TestDateFieldsNameTheirHint(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	lead := h.as(t, uLead)
	p := "/app/programmes/" + f.PID
	pa := p + "/projects/" + f.ProjectA

	pg := lead.get(pa + "/outcomes/new")
	if !strings.Contains(pg.Body, `<fieldset class="nhsuk-fieldset" role="group" aria-describedby="f-periodStart-hint">`) {
		t.Errorf("the clean outcome form's period start is not described by its hint\n%s", excerpt(pg.Body))
	}
	checkDescribedBy(t, "the outcome form", pg)
	bad := outcomeForm()
	bad.Set("periodStart-month", "13")
	pg = lead.post(pa+"/outcomes/new", bad)
	if pg.Status != http.StatusBadRequest ||
		!strings.Contains(pg.Body, `<fieldset class="nhsuk-fieldset" role="group" aria-describedby="f-periodStart-hint f-periodStart-error">`) {
		t.Errorf("the outcome form with a bad period start: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	checkDescribedBy(t, "the outcome form with an error", pg)

	checkDescribedBy(t, "the spend form", lead.get(p+"/grants/"+f.GrantX+"/spend/new"))
	lead.get(p + "/targets/new")
	checkDescribedBy(t, "the target form with errors", lead.post(p+"/targets/new", map[string][]string{"metric": {""}, "value": {"60"},
		"deadline-day": {"31"}, "deadline-month": {"3"}, "deadline-year": {"2011"}, "projectId": {"nope"}}))
	lead.get(pa + "/posts/new")
	checkDescribedBy(t, "the post form with errors", lead.post(pa+"/posts/new", map[string][]string{"title": {"Coach"}, "grantId": {""},
		"fte": {"1"}, "startDate-day": {"1"}, "startDate-month": {"1"}, "startDate-year": {"2011"}}))
	lead.get(p + "/grants/" + f.GrantX + "/payments/new")
	pg = lead.post(p+"/grants/"+f.GrantX+"/payments/new", map[string][]string{"amountPence": {"100"}, "trigger.kind": {"return"}})
	if pg.Status != http.StatusBadRequest || !strings.Contains(pg.Body, `id="f-trigger-returnId-error"`) {
		t.Errorf("the payment form without its return: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	checkDescribedBy(t, "the payment form with an error", pg)
	lead.get(p + "/grants/new")
	pg = lead.post(p+"/grants/new", map[string][]string{"funderId": {""}, "projectId": {"nope"}, "title": {"Travel"}, "amountPence": {"0"},
		"awardDate-day": {"40"}, "awardDate-month": {"1"}, "awardDate-year": {"2011"}})
	if pg.Status != http.StatusBadRequest {
		t.Errorf("the grant form with errors: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	checkDescribedBy(t, "the grant form with errors", pg)
}
