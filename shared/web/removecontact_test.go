package web_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestRemovingAMemberWhoIsAContact: the removal page of a member who is on
// funders' contacts says they would still get those funders' emails and
// offers to take them off (not a funder's only contact, which it says
// cannot go); ticked, the contacts change with the removal, in the audit
// trail. A removal whose contacts cannot change says so on the members
// page. The funder form says contacts who are not members cannot open the
// emails' links.
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
		"would still get the funder's milestone and payment emails",
		`name="offContacts" type="checkbox" value="` + f.FunderX + `"`,
		"Also take them off the contacts of Department for Work and Pensions",
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

	pg = lead.post(remove, url.Values{"offContacts": {f.FunderX}})
	if pg.Status != http.StatusSeeOther || !strings.HasPrefix(pg.Header.Get("Location"), p+"/members?removed=") {
		t.Fatalf("remove: %d %s\n%s", pg.Status, pg.Header.Get("Location"), excerpt(pg.Body))
	}
	if banner := lead.get(pg.Header.Get("Location")); !strings.Contains(banner.Body, uFunder+" was removed from the programme") ||
		strings.Contains(banner.Body, `data-testid="still-contact"`) {
		t.Errorf("the members page after the removal\n%s", excerpt(banner.Body))
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

	// A contacts change refused (the only contact, in a form sent
	// anyway): the member is removed, and the members page says they
	// are still a contact.
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
	if !strings.Contains(pg.Body, `data-testid="still-contact">They are still a contact of <a class="nhsuk-link" href="`+p+`/funders/`+f.FunderY+`/edit">East Midlands SHA</a>`) {
		t.Errorf("the members page does not say the removed member is still a contact\n%s", excerpt(pg.Body))
	}

	if pg := lead.get(p + "/funders/" + f.FunderX + "/edit"); !strings.Contains(pg.Body, "a contact who is not a member gets the emails but cannot open their links") {
		t.Errorf("the funder form does not say contacts need membership to open the emails' links\n%s", excerpt(pg.Body))
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
