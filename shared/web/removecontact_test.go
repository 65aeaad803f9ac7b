package web_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestRemovingAMemberWhoIsAContact: the removal page of a member who is on
// funders' contacts says they get those funders' emails and offers to take
// them off, each box ticked (someone leaving the network should usually
// stop getting them; the lead sees it and may untick); not a funder's only
// contact, which it says cannot go. Ticked, the contacts change with the
// removal, in the audit trail. The members page then says what became of
// each contact: taken off, or still on (and why: the box unticked, the
// only contact, the change refused). The funder form says contacts who
// are not members cannot open the emails' links.
// It runs over memory and over DynamoDB Local, whose funder writes are
// conditional on the version read.
func TestRemovingAMemberWhoIsAContact(t *testing.T) {
	t.Parallel()
	t.Run("memory", func(t *testing.T) { t.Parallel(); removingAContact(t, newWeb(t)) })
	t.Run("dynamodb", func(t *testing.T) { t.Parallel(); removingAContact(t, newWebOver(t, testkit.New(t))) })
}

func removingAContact(t *testing.T, h *webH) {
	f := h.fixture(t)
	ctx := context.Background()
	sc := h.Svc.Open(ctx, caller(uLead), f.PID)
	must(sc.UpdateFunder(f.FunderX, func(int64) bool { return true }, body(map[string]any{"contacts": []string{"contracts@dwp.example.org", uFunder}})))
	must(sc.UpdateFunder(f.FunderY, func(int64) bool { return true }, body(map[string]any{"contacts": []string{uFunder}})))
	contacts := func(id string) []string { return must(sc.Funder(id)).Contacts }
	lead := h.as(t, uLead)
	p := "/app/programmes/" + f.PID
	remove := p + "/members/" + url.PathEscape(uFunder) + "/remove"

	pg := lead.get(remove)
	for _, want := range []string{
		"funder@example.org is a contact of these funders, so gets their milestone and payment emails, with their figures. Someone leaving the programme usually should not",
		`name="offContacts" type="checkbox" value="` + f.FunderX + `" checked>`,
		"Take them off the contacts of Department for Work and Pensions",
		`data-testid="only-contact">funder@example.org is the only contact of East Midlands SHA`,
	} {
		if !strings.Contains(pg.Body, want) {
			t.Errorf("the removal page lacks %q\n%s", want, excerpt(pg.Body))
		}
	}
	if strings.Contains(pg.Body, `value="`+f.FunderY+`"`) {
		t.Errorf("the removal page offers to take the only contact off East Midlands SHA")
	}
	trail := len(auditOf(t, sc))

	// The box as the page ticks it.
	pg = lead.post(remove, url.Values{"offContacts": {f.FunderX}})
	if pg.Status != http.StatusSeeOther || !strings.HasPrefix(pg.Header.Get("Location"), p+"/members?removed=") {
		t.Fatalf("remove: %d %s\n%s", pg.Status, pg.Header.Get("Location"), excerpt(pg.Body))
	}
	if _, err := sc.Member(uFunder); domain.ErrorCode(err) != domain.CodeNotFound {
		t.Errorf("the member was not removed: %v", err)
	}
	if got := contacts(f.FunderX); !slices.Equal(got, []string{"contracts@dwp.example.org"}) {
		t.Errorf("DWP's contacts %v, want the removed member taken off", got)
	}
	if got := contacts(f.FunderY); !slices.Equal(got, []string{uFunder}) {
		t.Errorf("East Midlands SHA's contacts %v, want its only contact kept", got)
	}
	events := auditOf(t, sc)
	if len(events)-trail != 2 || events[0].Entity != domain.EntityFunder || events[1].Entity != domain.EntityMember {
		t.Errorf("audit: %d new events, newest %+v, want the member removed then the funder's contacts changed", len(events)-trail, events[0])
	}
	pg = lead.get(pg.Header.Get("Location"))
	for _, want := range []string{
		"funder@example.org was removed from the programme.",
		`data-testid="off-contacts">They are no longer a contact of Department for Work and Pensions, so they no longer get its milestone and payment emails.`,
		`data-testid="still-contact">They are still a contact of this funder, so they still get its milestone and payment emails, with its figures, but can no longer open their links:`,
		`data-testid="still-` + f.FunderY + `"><a class="nhsuk-link" href="` + p + `/funders/` + f.FunderY + `/edit">East Midlands SHA</a>: they are its only contact, and a funder needs one: add another contact, then take them off</li>`,
	} {
		if !strings.Contains(pg.Body, want) {
			t.Errorf("the members page after the removal lacks %q\n%s", want, excerpt(pg.Body))
		}
	}

	// The box unticked: the member is removed, their contacts kept, and
	// the members page says so.
	must(sc.UpdateFunder(f.FunderX, func(int64) bool { return true }, body(map[string]any{"contacts": []string{"contracts@dwp.example.org", uFunder}})))
	h.build.Member(f.PID, uFunder, testkit.RoleFunder(f.FunderX))
	lead.get(remove)
	pg = lead.post(remove, url.Values{})
	if pg.Status != http.StatusSeeOther {
		t.Fatalf("remove, the box unticked: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	if got := contacts(f.FunderX); !slices.Contains(got, uFunder) {
		t.Errorf("DWP's contacts %v, want the member kept on them", got)
	}
	pg = lead.get(pg.Header.Get("Location"))
	if want := `data-testid="still-` + f.FunderX + `"><a class="nhsuk-link" href="` + p + `/funders/` + f.FunderX + `/edit">Department for Work and Pensions</a>: they were left on its contacts, as the box was not ticked</li>`; !strings.Contains(pg.Body, want) ||
		strings.Contains(pg.Body, "off-contacts") {
		t.Errorf("the members page after a removal keeping the contacts lacks %q\n%s", want, excerpt(pg.Body))
	}

	// A contacts change refused (the only contact, in a form sent
	// anyway): the member is removed, and the members page says they
	// are still a contact.
	must(sc.UpdateFunder(f.FunderX, func(int64) bool { return true }, body(map[string]any{"contacts": []string{"contracts@dwp.example.org"}})))
	h.build.Member(f.PID, uFunder, testkit.RoleFunder(f.FunderX))
	lead.get(remove)
	pg = lead.post(remove, url.Values{"offContacts": {f.FunderY}})
	if pg.Status != http.StatusSeeOther {
		t.Fatalf("remove again: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	if _, err := sc.Member(uFunder); domain.ErrorCode(err) != domain.CodeNotFound {
		t.Errorf("the member was not removed the second time: %v", err)
	}
	pg = lead.get(pg.Header.Get("Location"))
	if !strings.Contains(pg.Body, `data-testid="still-`+f.FunderY+`"><a class="nhsuk-link" href="`+p+`/funders/`+f.FunderY+`/edit">East Midlands SHA</a>: they are its only contact`) {
		t.Errorf("the members page does not say the removed member is still a contact\n%s", excerpt(pg.Body))
	}

	if pg := lead.get(p + "/funders/" + f.FunderX + "/edit"); !strings.Contains(pg.Body, "a contact who is not a member gets the emails but cannot open their links") {
		t.Errorf("the funder form does not say contacts need membership to open the emails' links\n%s", excerpt(pg.Body))
	}
}

// TestRemovingYourselfSaysWhatBecameOfYourContacts: a lead who removes
// themselves is taken to their portfolio, which says they left and what
// became of each of their funder contacts: taken off (the box ticked as
// the page ticks it), left on (unticked), or still on because they are a
// funder's only contact, which a lead must change. Only they see it: the
// link is sealed for them, and says nothing to anyone else or once old.
// It runs over memory and over DynamoDB Local, where the contacts are
// changed after the membership that allowed it is gone.
func TestRemovingYourselfSaysWhatBecameOfYourContacts(t *testing.T) {
	t.Parallel()
	t.Run("memory", func(t *testing.T) { t.Parallel(); removingYourself(t, newWeb(t)) })
	t.Run("dynamodb", func(t *testing.T) { t.Parallel(); removingYourself(t, newWebOver(t, testkit.New(t))) })
}

func removingYourself(t *testing.T, h *webH) {
	f := h.fixture(t)
	ctx := context.Background()
	sc := h.Svc.Open(ctx, caller(uLead), f.PID)
	h.build.Member(f.PID, uPLB, map[string]string{"role": "lead"})
	third := must(sc.CreateFunder(body(map[string]any{"name": "Leeds Community Foundation", "contacts": []string{"grants@lcf.example.org", uPLB}})))
	must(sc.UpdateFunder(f.FunderX, func(int64) bool { return true }, body(map[string]any{"contacts": []string{"contracts@dwp.example.org", uPLB}})))
	must(sc.UpdateFunder(f.FunderY, func(int64) bool { return true }, body(map[string]any{"contacts": []string{uPLB}})))
	me := h.as(t, uPLB)
	p := "/app/programmes/" + f.PID
	remove := p + "/members/" + url.PathEscape(uPLB) + "/remove"

	pg := me.get(remove)
	for _, want := range []string{
		"You are a contact of these funders, so you get their milestone and payment emails, with their figures. Someone leaving the programme usually should not: you are taken off",
		`value="` + f.FunderX + `" checked>`, `value="` + third.ID + `" checked>`, "Take me off the contacts of Department for Work and Pensions",
		`data-testid="only-contact">You are the only contact of East Midlands SHA`,
	} {
		if !strings.Contains(pg.Body, want) {
			t.Errorf("the removal page lacks %q\n%s", want, excerpt(pg.Body))
		}
	}

	// DWP ticked, the foundation unticked.
	pg = me.post(remove, url.Values{"offContacts": {f.FunderX}})
	loc := pg.Header.Get("Location")
	if pg.Status != http.StatusSeeOther || !strings.HasPrefix(loc, "/app/?left=") {
		t.Fatalf("removing yourself: %d %s", pg.Status, loc)
	}
	if got := must(sc.Funder(f.FunderX)).Contacts; slices.Contains(got, uPLB) {
		t.Errorf("DWP's contacts %v, want the lead who left taken off", got)
	}
	home := me.get(loc)
	for _, want := range []string{
		"You left Bradford IPS.",
		`data-testid="off-contacts">You are no longer a contact of Department for Work and Pensions, so you no longer get its milestone and payment emails.`,
		`data-testid="still-contact">You are still a contact of these funders, so you still get their milestone and payment emails, with their figures, but can no longer open their links:`,
		`data-testid="still-` + f.FunderY + `">East Midlands SHA: you are its only contact, and a funder needs one: ask a lead to add another contact and take you off</li>`,
		`data-testid="still-` + third.ID + `">Leeds Community Foundation: you were left on its contacts, as the box was not ticked: ask a lead to take you off if you should not be</li>`,
	} {
		if !strings.Contains(home.Body, want) {
			t.Errorf("the portfolio after leaving lacks %q\n%s", want, excerpt(home.Body))
		}
	}
	if strings.Contains(home.Body, `href="`+p+`/funders/`) {
		t.Errorf("the portfolio links to funder pages the person who left can no longer open\n%s", excerpt(home.Body))
	}
	if other := h.as(t, uLead).get(loc); other.Status != http.StatusOK || strings.Contains(other.Body, `data-testid="removed"`) {
		t.Errorf("someone else opening the link is told of the leaving: %d\n%s", other.Status, excerpt(other.Body))
	}
	if forged := me.get("/app/?left=" + url.QueryEscape("not sealed")); strings.Contains(forged.Body, `data-testid="removed"`) {
		t.Errorf("an unsealed note is shown\n%s", excerpt(forged.Body))
	}
	// The same note two hours on (a bookmark): nothing.
	var note map[string]any
	sealed, _ := url.ParseQuery(strings.TrimPrefix(loc, "/app/?"))
	if err := h.codec.Open("fundtrack_left", sealed.Get("left"), &note); err != nil {
		t.Fatal(err)
	}
	note["t"] = time.Now().Add(-2 * time.Hour)
	if old := me.get("/app/?left=" + url.QueryEscape(mustSeal(t, h, "fundtrack_left", note))); old.Status != http.StatusOK ||
		strings.Contains(old.Body, `data-testid="removed"`) {
		t.Errorf("a note two hours old is shown: %d\n%s", old.Status, excerpt(old.Body))
	}
}

// auditOf is the first page of the programme's audit trail, newest first.
func auditOf(t *testing.T, sc *service.Scope) []domain.AuditEvent {
	t.Helper()
	events, _, err := sc.ListAudit(service.AuditFilter{}, service.Page{Limit: service.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	return events
}
