package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestReviewFormOnceDealtWith: both leads are emailed the link to a
// submission's review form. Once one has decided, or the project lead has
// corrected the submission, the link opens the refusal a decision would
// get (409: what happened, and for a correction a link to it), not a form
// whose only result is that refusal.
func TestReviewFormOnceDealtWith(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	_, pending := h.reportingFixture(t, f)
	pa := "/app/programmes/" + f.PID + "/projects/" + f.ProjectA
	ctx := context.Background()
	lead, admin := h.as(t, uLead), h.as(t, uAdmin)

	review := pa + "/outcomes/" + pending + "/review"
	if pg := admin.get(review); pg.Status != http.StatusOK || !strings.Contains(pg.Body, `data-testid="review-form"`) {
		t.Fatalf("the review form of a submission awaiting review: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	if pg := lead.post(review, url.Values{"decision": {"approve"}}); pg.Status != http.StatusSeeOther {
		t.Fatalf("approving: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	pg := admin.get(review)
	if pg.Status != http.StatusConflict || strings.Contains(pg.Body, `data-testid="review-form"`) ||
		!strings.Contains(pg.Body, "This submission has already been approved; only a submission awaiting review can be reviewed.") {
		t.Errorf("the other lead's review link once approved: %d, want the 409 page\n%s", pg.Status, excerpt(pg.Body))
	}
	// The page links to the submission as it was decided, from the link
	// and from a decision sent on a form opened before.
	toIt := `data-testid="related-link" href="` + pa + `/outcomes/` + pending + `">see the submission</a>`
	if !strings.Contains(pg.Body, toIt) {
		t.Errorf("the 409 page of a decided submission does not link to it:\n%s", excerpt(pg.Body))
	}
	// Cause before consequence: decided already, then it stays so (audit-web N6).
	if cause, then := strings.Index(pg.Body, "has already been approved"), strings.Index(pg.Body, "It stays as it was decided"); cause < 0 || then < cause {
		t.Errorf("the 409 page says what stays before why (at %d and %d)", cause, then)
	}
	if late := admin.post(review, url.Values{"decision": {"request-changes"}, "comment": {"Split referrals, please."}}); late.Status != http.StatusConflict ||
		!strings.Contains(late.Body, toIt) {
		t.Errorf("a decision sent after another's: %d\n%s", late.Status, excerpt(late.Body))
	}

	// A correction awaiting review, corrected again before anyone decided:
	// its link leads to the newest correction.
	pl := h.Svc.OpenProject(ctx, caller(uPL), f.PID, f.ProjectA)
	approved := must(pl.Outcome(pending))
	first := must(pl.SubmitOutcome(body(outcomeCorrection(approved, 16))))
	second := must(pl.SubmitOutcome(body(outcomeCorrection(first, 17))))
	pg = lead.get(pa + "/outcomes/" + first.ID + "/review")
	if pg.Status != http.StatusConflict || strings.Contains(pg.Body, `data-testid="review-form"`) ||
		!strings.Contains(pg.Body, "This submission has already been corrected") ||
		!strings.Contains(pg.Body, `href="`+pa+`/outcomes/`+second.ID+`"`) || !strings.Contains(pg.Body, "Review the correction instead") {
		t.Errorf("the review link of a submission corrected since: %d, want the 409 page linking to the correction\n%s", pg.Status, excerpt(pg.Body))
	}

	// Sent back: the newest correction's link, once changes were asked for.
	newest := pa + "/outcomes/" + second.ID + "/review"
	if pg := lead.get(newest); pg.Status != http.StatusOK {
		t.Fatalf("the review form of the newest correction: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	if pg := lead.post(newest, url.Values{"decision": {"request-changes"}, "comment": {"Please split referrals by source."}}); pg.Status != http.StatusSeeOther {
		t.Fatalf("asking for changes: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	pg = admin.get(newest)
	if pg.Status != http.StatusConflict || strings.Contains(pg.Body, `data-testid="review-form"`) ||
		!strings.Contains(pg.Body, "This submission has already been sent back for changes") {
		t.Errorf("the other lead's review link once sent back: %d, want the 409 page\n%s", pg.Status, excerpt(pg.Body))
	}

	// Sent back, then corrected: the old link names the correction now
	// awaiting a decision, opened or sent, not the submission sent back.
	third := must(pl.SubmitOutcome(body(outcomeCorrection(second, 18))))
	toThird := `href="` + pa + `/outcomes/` + third.ID + `"`
	for _, pg := range []page{lead.get(newest), lead.post(newest, url.Values{"decision": {"approve"}})} {
		if pg.Status != http.StatusConflict || !strings.Contains(pg.Body, "This submission has already been corrected") ||
			!strings.Contains(pg.Body, toThird) || !strings.Contains(pg.Body, "Review the correction instead") {
			t.Errorf("the review link of a submission sent back and corrected: %d, want the 409 page linking to %s\n%s", pg.Status, third.ID, excerpt(pg.Body))
		}
	}

	// The newest correction decided too: the old links say so and link to
	// it, without asking for a review of something decided.
	decidedTo := func(what, want string) {
		t.Helper()
		for _, link := range []string{newest, review} {
			for _, pg := range []page{lead.get(link), lead.post(link, url.Values{"decision": {"approve"}})} {
				if pg.Status != http.StatusConflict || !strings.Contains(pg.Body, "This submission has already been corrected") ||
					!strings.Contains(pg.Body, toThird) || !strings.Contains(pg.Body, want) ||
					strings.Contains(pg.Body, "Review the correction instead") || strings.Contains(pg.Body, `data-testid="review-form"`) {
					t.Errorf("the review link %s once the newest correction is %s: %d, want the 409 page saying %q\n%s", link, what, pg.Status, want, excerpt(pg.Body))
				}
			}
		}
	}
	if pg := lead.post(pa+"/outcomes/"+third.ID+"/review", url.Values{"decision": {"request-changes"}, "comment": {"Split them by source, please."}}); pg.Status != http.StatusSeeOther {
		t.Fatalf("sending the newest correction back: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	decidedTo("sent back", "The correction has been sent back for changes already: nothing awaits a decision until the project corrects it.")
	fourth := must(pl.SubmitOutcome(body(outcomeCorrection(third, 19))))
	if pg := lead.post(pa+"/outcomes/"+fourth.ID+"/review", url.Values{"decision": {"approve"}}); pg.Status != http.StatusSeeOther {
		t.Fatalf("approving the newest correction: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	toThird = `href="` + pa + `/outcomes/` + fourth.ID + `"`
	decidedTo("approved", "The correction has been approved already: nothing awaits a decision.")
	if logs := h.logs.String(); strings.Contains(logs, "level=ERROR") {
		t.Errorf("an expected refusal was logged as a failure:\n%s", logs)
	}
}

// TestReviewFormWithoutReview: in a programme that does not review
// submissions, nothing leads to a submission's review form (its page
// offers no review, the queue is empty), but its address typed in, or a
// decision posted to it, gets the 409 page saying the programme did not
// review it and its figures counted when it was sent, not "already
// approved": no lead approved it.
func TestReviewFormWithoutReview(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	pa := "/app/programmes/" + f.PID + "/projects/" + f.ProjectA
	pl := h.Svc.OpenProject(context.Background(), caller(uPL), f.PID, f.ProjectA)
	sent := must(pl.SubmitOutcome(body(map[string]any{"periodStart": "2011-07-01", "periodEnd": "2011-09-30",
		"counts": map[string]int{"referrals": 70}})))
	lead := h.as(t, uLead)
	review := pa + "/outcomes/" + sent.ID + "/review"
	if pg := lead.get(pa + "/outcomes/" + sent.ID); pg.Status != http.StatusOK || strings.Contains(pg.Body, review) {
		t.Errorf("the submission's page: %d, want no link to its review\n%s", pg.Status, excerpt(pg.Body))
	}
	if pg := lead.get("/app/programmes/" + f.PID + "/reviews"); pg.Status != http.StatusOK || strings.Contains(pg.Body, review) {
		t.Errorf("the review queue: %d, want it without the submission\n%s", pg.Status, excerpt(pg.Body))
	}
	const why = "This submission was sent while the programme did not review submissions, so its figures counted when it was sent"
	toIt := `data-testid="related-link" href="` + pa + `/outcomes/` + sent.ID + `">see the submission</a>`
	for what, pg := range map[string]page{
		"opened": lead.get(review),
		"sent":   lead.post(review, url.Values{"decision": {"approve"}}),
	} {
		if pg.Status != http.StatusConflict || strings.Contains(pg.Body, `data-testid="review-form"`) || !strings.Contains(pg.Body, why) ||
			strings.Contains(pg.Body, "already been approved") || !strings.Contains(pg.Body, "It counts as it was sent") || !strings.Contains(pg.Body, toIt) {
			t.Errorf("the review form %s: %d, want the 409 page saying why, linking to the submission\n%s", what, pg.Status, excerpt(pg.Body))
		}
	}
}
