package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// An edit form carries a one-time key as a create form does: "Save"
// clicked twice saves the change once, and the second answer goes where
// the first went, not to the stale message meant for someone else's
// change.

// grantEdit is the grant edit form of the fixture's grant X, titled title.
func grantEdit(f fixture, title string) url.Values {
	return url.Values{"funderId": {f.FunderX}, "projectId": {f.ProjectA}, "title": {title},
		"amountPence": {"310000.00"}, "currency": {"GBP"}, "awardDate": {"2010-09-01"},
		"startDate": {"2010-10-01"}, "endDate": {"2012-03-31"}, "version": {"1"}}
}

// grantXNow is grant X as stored, and how many audit events it has.
func grantXNow(t *testing.T, h *webH, f fixture) (domain.Grant, int) {
	t.Helper()
	sc := h.Svc.Open(context.Background(), caller(uAdmin, domain.AdminGroup), f.PID)
	g := must(sc.Grant(f.GrantX))
	events, _, err := sc.History(domain.Ref(domain.EntityGrant, f.GrantX), service.Page{Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	return g, len(events)
}

// TestEditFormSentTwiceSavesOnce: an edit posted twice in a row, and one
// posted four times at once (a double click on a slow page), changes the
// grant once (its version up by one, one audit event), and every answer
// goes to the grant's page as the first did.
func TestEditFormSentTwiceSavesOnce(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	lead := h.as(t, uLead)
	path := "/app/programmes/" + f.PID + "/grants/" + f.GrantX + "/edit"
	_, eventsBefore := grantXNow(t, h, f)

	form := withKey(grantEdit(f, "Employment specialists (two)"), formKeyOf(t, lead.get(path)))
	first, second := lead.post(path, form), lead.post(path, form)
	to := first.Header.Get("Location")
	if first.Status != http.StatusSeeOther || !strings.Contains(to, "/grants/"+f.GrantX) {
		t.Fatalf("first save: %d %q\n%s", first.Status, to, excerpt(first.Body))
	}
	if second.Status != http.StatusSeeOther || second.Header.Get("Location") != to {
		t.Errorf("the same save again: %d %q, want 303 to the first's %q\n%s", second.Status, second.Header.Get("Location"), to, excerpt(second.Body))
	}
	g, events := grantXNow(t, h, f)
	if g.Version != 2 || g.Title != "Employment specialists (two)" || events != eventsBefore+1 {
		t.Errorf("after the edit sent twice: version %d, title %q, %d audit events; want version 2, one event",
			g.Version, g.Title, events-eventsBefore)
	}

	// Four at once, from a form opened at version 2.
	form = withKey(grantEdit(f, "Employment specialists (three)"), formKeyOf(t, lead.get(path)))
	form.Set("version", "2")
	form.Set("csrf", lead.csrf)
	pages := make([]page, 4)
	var wg sync.WaitGroup
	for i := range pages {
		wg.Go(func() { pages[i] = lead.do(http.MethodPost, path, form) })
	}
	wg.Wait()
	for i, pg := range pages {
		if pg.Status != http.StatusSeeOther || pg.Header.Get("Location") != to {
			t.Errorf("post %d at once: %d %q, want 303 to %q\n%s", i, pg.Status, pg.Header.Get("Location"), to, excerpt(pg.Body))
		}
	}
	g, events = grantXNow(t, h, f)
	if g.Version != 3 || g.Title != "Employment specialists (three)" || events != eventsBefore+2 {
		t.Errorf("after the edit posted 4 times at once: version %d, title %q, %d audit events; want version 3, two events",
			g.Version, g.Title, events-eventsBefore)
	}
}

// TestEditFormKeyStillStale: the one-time key does not hide a real
// conflict. The same person's other form (another tab, another key)
// opened at the same version is refused with the stale message, nothing
// saved; the saved form sent again changed (the back button) saves
// nothing and says it was this person's own save; each form shown again
// saves from there.
func TestEditFormKeyStillStale(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	lead := h.as(t, uLead)
	path := "/app/programmes/" + f.PID + "/grants/" + f.GrantX + "/edit"
	tab1 := withKey(grantEdit(f, "First tab"), formKeyOf(t, lead.get(path)))
	tab2 := withKey(grantEdit(f, "Second tab"), formKeyOf(t, lead.get(path)))
	if pg := lead.post(path, tab1); pg.Status != http.StatusSeeOther {
		t.Fatalf("first tab: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	pg := lead.post(path, tab2)
	if pg.Status != http.StatusPreconditionFailed || !strings.Contains(pg.Body, "This grant was changed by someone else") ||
		!strings.Contains(pg.Body, `name="version" value="2"`) {
		t.Fatalf("second tab at the old version: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	if g, _ := grantXNow(t, h, f); g.Title != "First tab" {
		t.Fatalf("the stale save stored %q", g.Title)
	}
	again := withKey(grantEdit(f, "Second tab"), formKeyOf(t, pg))
	again.Set("version", "2")
	if pg := lead.post(path, again); pg.Status != http.StatusSeeOther {
		t.Fatalf("saved from the stale page: %d\n%s", pg.Status, excerpt(pg.Body))
	}

	back := withKey(grantEdit(f, "Changed after saving"), tab1.Get("formKey"))
	pg = lead.post(path, back)
	// 409, as the page refusing a create form sent again changed.
	if pg.Status != http.StatusConflict || !strings.Contains(pg.Body, "You already saved this form") ||
		!strings.Contains(pg.Body, `name="version" value="3"`) || !strings.Contains(pg.Body, `value="Second tab"`) {
		t.Fatalf("the saved form sent again changed: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	fresh := withKey(grantEdit(f, "Changed after saving"), formKeyOf(t, pg))
	if fresh.Get("formKey") == tab1.Get("formKey") {
		t.Fatal("the form shown again carries the used key")
	}
	fresh.Set("version", "3")
	if pg := lead.post(path, fresh); pg.Status != http.StatusSeeOther {
		t.Fatalf("saved from the page shown again: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	if g, _ := grantXNow(t, h, f); g.Title != "Changed after saving" || g.Version != 4 {
		t.Errorf("grant %q at version %d, want the last save at version 4", g.Title, g.Version)
	}
}
