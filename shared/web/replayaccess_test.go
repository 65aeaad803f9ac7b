package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// A form sent again gets the first post's answer back (its redirect to
// the record saved), and an import's confirmation sent again the first
// import's result: both are answers saved for the person's one-time key,
// as an API Idempotency-Key's. They hold the programme's data (the
// record's id, the import's counts), so they are the person's only while
// the person may still make the post: removed from the programme, or moved
// to a role that may not make it, the post sent again gets the page a new
// post would (404, 403), never the saved answer.

// refusedAs checks a post sent again answered with the page a new post
// gets (status), not the saved redirect.
func refusedAs(t *testing.T, what string, pg page, status int) {
	t.Helper()
	if pg.Status != status || pg.Header.Get("Location") != "" {
		t.Errorf("%s: %d %q, want the %d page\n%s", what, pg.Status, pg.Header.Get("Location"), status, excerpt(pg.Body))
	}
	if status == http.StatusNotFound && !strings.Contains(pg.Body, "Page not found") {
		t.Errorf("%s: not the not-found page\n%s", what, excerpt(pg.Body))
	}
}

// removeMember takes email out of programme pid, as the administrator.
func removeMember(t *testing.T, h *webH, pid, email string) {
	t.Helper()
	if err := h.Svc.Open(t.Context(), caller(uAdmin, domain.AdminGroup), pid).DeleteMember(email); err != nil {
		t.Fatal(err)
	}
}

// TestFormSentAgainAfterAccessChanged: a project lead's submission form,
// and a lead's grant form, each saved, then sent again once the person
// was moved to a role that may not make the post (403, as a new post of
// the form), and again once removed from the programme (404).
func TestFormSentAgainAfterAccessChanged(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)

	// A project lead's submission.
	pl := h.as(t, uPL)
	path := "/app/programmes/" + f.PID + "/projects/" + f.ProjectA + "/outcomes/new"
	outcome := withKey(outcomeForm(), formKeyOf(t, pl.get(path)))
	if pg := pl.post(path, outcome); pg.Status != http.StatusSeeOther {
		t.Fatalf("first post: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	// Moved to another project: may not record project A's figures.
	h.build.Member(f.PID, uPL, testkit.RoleProjectLead(f.ProjectB))
	fresh := withKey(outcomeForm(), "a-new-form-key-never-used-0001")
	want := pl.post(path, fresh).Status
	if want != http.StatusForbidden && want != http.StatusNotFound {
		t.Fatalf("a new post by another project's lead: %d, want a refusal", want)
	}
	refusedAs(t, "the submission sent again by the lead of another project", pl.post(path, outcome), want)
	h.build.Member(f.PID, uPL, testkit.RoleFunder(f.FunderX))
	refusedAs(t, "the submission sent again by a funder", pl.post(path, outcome), http.StatusForbidden)
	removeMember(t, h, f.PID, uPL)
	refusedAs(t, "the submission sent again by a non-member", pl.post(path, outcome), http.StatusNotFound)

	// A lead's grant.
	lead := h.as(t, uLead)
	gpath := "/app/programmes/" + f.PID + "/grants/new"
	grant := withKey(url.Values{"funderId": {f.FunderY}, "projectId": {""}, "title": {"Service manager"},
		"amountPence": {"£1,000"}, "awardDate-day": {"1"}, "awardDate-month": {"9"}, "awardDate-year": {"2010"},
		"startDate-day": {"1"}, "startDate-month": {"10"}, "startDate-year": {"2010"},
		"endDate-day": {"31"}, "endDate-month": {"3"}, "endDate-year": {"2012"}}, formKeyOf(t, lead.get(gpath)))
	if pg := lead.post(gpath, grant); pg.Status != http.StatusSeeOther {
		t.Fatalf("grant: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	h.build.Member(f.PID, uLead, testkit.RoleProjectLead(f.ProjectA))
	refusedAs(t, "the grant sent again by a project lead", lead.post(gpath, grant), http.StatusForbidden)
	removeMember(t, h, f.PID, uLead)
	refusedAs(t, "the grant sent again by a non-member", lead.post(gpath, grant), http.StatusNotFound)
}

// TestImportConfirmedAgainAfterAccessChanged: a project lead's import,
// confirmed, then confirmed again once the person leads another project
// (403, as a new import of the same rows), is a funder (403), and is no
// longer a member (404): never the first import's result.
func TestImportConfirmedAgainAfterAccessChanged(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	pl := h.as(t, uPL)
	base := "/app/programmes/" + f.PID
	staged := previewed(t, pl, base)
	confirm := url.Values{"staged": {staged}}
	importedFour(t, pl, base, 0, pl.post(base+"/imports/confirm", confirm))

	h.build.Member(f.PID, uPL, testkit.RoleProjectLead(f.ProjectB))
	refusedAs(t, "the confirmation sent again by the lead of another project", pl.post(base+"/imports/confirm", confirm), http.StatusForbidden)
	h.build.Member(f.PID, uPL, testkit.RoleFunder(f.FunderX))
	refusedAs(t, "the confirmation sent again by a funder", pl.post(base+"/imports/confirm", confirm), http.StatusForbidden)
	removeMember(t, h, f.PID, uPL)
	refusedAs(t, "the confirmation sent again by a non-member", pl.post(base+"/imports/confirm", confirm), http.StatusNotFound)

	// Given back the role, the confirmation sent again is the first
	// import's result, as before.
	h.build.Member(f.PID, uPL, testkit.RoleProjectLead(f.ProjectA))
	importedFour(t, pl, base, 1, pl.post(base+"/imports/confirm", confirm))
}
