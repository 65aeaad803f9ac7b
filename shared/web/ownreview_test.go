package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestOwnSubmissionReviewPages (audit-reporting2 W1): a lead's own
// figures in the pages. The queue marks them "Sent by you". While the
// programme has another lead, their review form is the refusal (409),
// saying another lead reviews them and linking to the submission, and a
// decision sent anyway saves nothing; the other lead reviews them as any.
// As the programme's only lead, the form warns that nobody else can check
// them, the decision is saved, and the submission's page says the
// reviewer sent the figures themselves.
func TestOwnSubmissionReviewPages(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	admin := h.Svc.Open(t.Context(), caller(uAdmin, domain.AdminGroup), f.PID)
	if _, err := admin.UpdateProgramme(func(int64) bool { return true }, body(map[string]any{"reviewOutcomes": true})); err != nil {
		t.Fatal(err)
	}
	send := func(start, end string) domain.Outcome {
		t.Helper()
		return must(h.Svc.OpenProject(t.Context(), caller(uLead), f.PID, f.ProjectA).SubmitOutcome(body(map[string]any{
			"periodStart": start, "periodEnd": end, "counts": map[string]int{"referrals": 7}})))
	}
	project := "/app/programmes/" + f.PID + "/projects/" + f.ProjectA
	lead := h.as(t, uLead)

	// With another lead (the project lead of B made a lead too).
	h.build.Member(f.PID, uPLB, testkit.RoleLead(), testkit.RoleProjectLead(f.ProjectB))
	mine := send("2011-07-01", "2011-09-30")
	q := lead.get("/app/programmes/" + f.PID + "/reviews")
	if q.Status != http.StatusOK || !strings.Contains(q.Body, `data-testid="pending-own">Sent by you`) {
		t.Errorf("the queue does not mark the lead's own submission: %d\n%s", q.Status, excerpt(q.Body))
	}
	form := project + "/outcomes/" + mine.ID + "/review"
	pg := lead.get(form)
	if pg.Status != http.StatusConflict || strings.Contains(pg.Body, `name="decision"`) {
		t.Errorf("the review form of one's own figures: %d, want the 409 page\n%s", pg.Status, excerpt(pg.Body))
	}
	for _, want := range []string{"You sent these figures yourself, so another lead of the programme must review them",
		"It waits for another lead&#39;s review", `href="` + project + "/outcomes/" + mine.ID + `"`} {
		if !strings.Contains(pg.Body, want) {
			t.Errorf("the refusal page lacks %q\n%s", want, excerpt(pg.Body))
		}
	}
	if pg = lead.post(form, url.Values{"decision": {"approve"}}); pg.Status != http.StatusConflict {
		t.Errorf("a decision on one's own figures sent anyway: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	if o := must(h.Svc.OpenProject(t.Context(), caller(uAdmin, domain.AdminGroup), f.PID, f.ProjectA).Outcome(mine.ID)); o.Status != domain.OutcomePending {
		t.Errorf("after the refusal the submission is %s", o.Status)
	}
	other := h.as(t, uPLB)
	if pg = other.get(form); pg.Status != http.StatusOK || strings.Contains(pg.Body, `data-testid="own-submission"`) {
		t.Errorf("the other lead's review form: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	if pg = other.post(form, url.Values{"decision": {"approve"}}); pg.Status != http.StatusSeeOther {
		t.Errorf("the other lead's approval: %d\n%s", pg.Status, excerpt(pg.Body))
	}

	// The only lead again.
	h.build.Member(f.PID, uPLB, testkit.RoleProjectLead(f.ProjectB))
	alone := send("2011-10-01", "2011-12-31")
	form = project + "/outcomes/" + alone.ID + "/review"
	pg = lead.get(form)
	if pg.Status != http.StatusOK || !strings.Contains(pg.Body, `data-testid="own-submission"`) ||
		!strings.Contains(pg.Body, "The programme has no other lead, so nobody else can check them") {
		t.Fatalf("the only lead's review form of their own figures: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	if pg = lead.post(form, url.Values{"decision": {"approve"}}); pg.Status != http.StatusSeeOther {
		t.Fatalf("the only lead's approval: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	pg = lead.get(project + "/outcomes/" + alone.ID)
	if !strings.Contains(pg.Body, `data-testid="review-by-submitter">`+uLead+` sent these figures themselves: the programme had no other lead, so nobody else checked them`) {
		t.Errorf("the submission's page does not say the reviewer sent it\n%s", excerpt(pg.Body))
	}
	if pg = lead.get(project + "/outcomes/" + mine.ID); strings.Contains(pg.Body, `data-testid="review-by-submitter"`) {
		t.Errorf("the submission another lead approved says its reviewer sent it\n%s", excerpt(pg.Body))
	}
}
