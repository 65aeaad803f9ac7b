package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// The findings of the web audit (notes/audit-web.md), one test each.

// TestFormFieldSentTwiceIsRefused (W1): a field of one value sent twice
// (name=A&name=B) is refused beside the field, in the words the API uses
// for a JSON key given twice, and nothing is stored; a date's box counts
// too. Checkboxes still send several values.
func TestFormFieldSentTwiceIsRefused(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	lead := h.as(t, uLead)
	base := "/app/programmes/" + f.PID
	projects := func() int {
		items, _, err := h.Svc.Open(context.Background(), caller(uAdmin, domain.AdminGroup), f.PID).ListProjects(service.Page{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		return len(items)
	}
	before := projects()
	for _, c := range []struct {
		values url.Values
		want   string
	}{
		{url.Values{"name": {"AW Dup1", "AW Dup2"}, "leadOrganisation": {"X"}, "startDate": {"2010-10-01"}, "endDate": {"2012-03-31"}},
			`<a href="#f-name">Name appears more than once in the form: send it once</a>`},
		{url.Values{"name": {"AW Dup3"}, "leadOrganisation": {"X"}, "startDate-day": {"1", "2"}, "startDate-month": {"10"},
			"startDate-year": {"2010"}, "endDate": {"2012-03-31"}}, `<a href="#f-startDate-day">Start date appears more than once in the form`},
	} {
		lead.get(base + "/projects/new")
		pg := lead.post(base+"/projects/new", c.values)
		if pg.Status != http.StatusBadRequest || !strings.Contains(pg.Body, c.want) {
			t.Errorf("%v: %d, want %q\n%s", c.values, pg.Status, c.want, excerpt(pg.Body))
		}
	}
	if n := projects(); n != before {
		t.Fatalf("a form with a field sent twice stored %d projects", n-before)
	}
	// A hidden field no one types, sent twice: the 400 page naming it.
	lead.get(base + "/projects/new")
	pg := lead.post(base+"/projects/new", url.Values{"name": {"AW Dup4"}, "leadOrganisation": {"X"}, "startDate": {"2010-10-01"},
		"endDate": {"2012-03-31"}, "formKey": {"a", "b"}})
	if pg.Status != http.StatusBadRequest || !strings.Contains(pg.Body, "There is a problem with what was sent") {
		t.Errorf("formKey sent twice: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	if n := projects(); n != before {
		t.Fatalf("a form with its key sent twice stored %d projects", n-before)
	}
}

// TestListPagesRefuseWhatTheyCannotRead (W2, W3; audit-a11y W9): the
// audit trail with a cursor no list gave, or a filter value it does not
// know, answers the 400 page saying what is wrong, as the other list pages
// do, rather than an empty list; so does the returns page given a value
// of the API's returns filters that the API refuses (?status=bogus),
// which it answered with every return. A parameter a page does not read
// at all (a tracking tag on a shared link), or a good value of a filter
// the returns page has not (?status=overdue), is ignored, as the API
// ignores an unknown parameter. The audit filter form's "All" (entity=
// and user= left empty) is still no filter.
func TestListPagesRefuseWhatTheyCannotRead(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	lead := h.as(t, uLead)
	base := "/app/programmes/" + f.PID
	for path, want := range map[string]string{
		base + "/audit?cursor=zz":      "cursor: not a cursor this list handed out",
		base + "/audit?entity=nope":    "entity: must be one of",
		base + "/returns?status=bogus": "status: must be one of upcoming, open, overdue, submitted, changes-requested, accepted",
		base + "/returns?projectId=zzz&scheduleId=zzz": "projectId: " + domain.ProblemNotFoundRef + "; " +
			"scheduleId: " + domain.ProblemNotFoundRef,
	} {
		pg := lead.get(path)
		if pg.Status != http.StatusBadRequest || !strings.Contains(pg.Body, "There is a problem with what was sent") ||
			!strings.Contains(pg.Body, want) {
			t.Errorf("%s: %d, want the 400 page saying %q\n%s", path, pg.Status, want, excerpt(pg.Body))
		}
	}
	for _, path := range []string{base + "/audit?entity=&user=", base + "/audit", base + "/returns", base + "/grants",
		base + "/returns?status=overdue", base + "/grants?utm_source=email", base + "/notifications?limit=5"} {
		if pg := lead.get(path); pg.Status != http.StatusOK {
			t.Errorf("%s: %d, want the page\n%s", path, pg.Status, excerpt(pg.Body))
		}
	}
	// Someone who may not read the trail learns nothing of its filters.
	if pg := h.as(t, uFunder).get(base + "/audit?cursor=zz"); pg.Status != http.StatusForbidden {
		t.Errorf("a funder's bad audit cursor: %d, want 403", pg.Status)
	}
}

// TestPersonalDataNamedWithOtherProblems (W4): personal data in one field
// is named together with the other fields' problems, so the form is put
// right in one go; nothing is stored.
func TestPersonalDataNamedWithOtherProblems(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	lead := h.as(t, uLead)
	base := "/app/programmes/" + f.PID
	lead.get(base + "/funders/new")
	pg := lead.post(base+"/funders/new", url.Values{"name": {"Funder 07700 900123"}, "orgId": {"GB-CHC-12"}, "contacts": {"a@example.org"}})
	for _, want := range []string{`<a href="#f-name">Name appears to contain a phone number`, `<a href="#f-orgId">`} {
		if pg.Status != http.StatusBadRequest || !strings.Contains(pg.Body, want) {
			t.Errorf("funder: %d, want %q\n%s", pg.Status, want, excerpt(pg.Body))
		}
	}
	pa := base + "/projects/" + f.ProjectA
	lead.get(pa + "/posts/new")
	pg = lead.post(pa+"/posts/new", url.Values{"title": {"Post for Jane Doe 07700 900123"}, "grantId": {f.GrantX}, "fte": {"7"},
		"contract": {"temporary"}, "status": {"open"}, "startDate": {"2011-01-01"}})
	for _, want := range []string{`<a href="#f-title">Job title appears to contain a phone number`, `<a href="#f-fte">Full-time equivalent must be from 0.01 to 1`} {
		if pg.Status != http.StatusBadRequest || !strings.Contains(pg.Body, want) {
			t.Errorf("post: %d, want %q\n%s", pg.Status, want, excerpt(pg.Body))
		}
	}
	funders, _, err := h.Svc.Open(context.Background(), caller(uAdmin, domain.AdminGroup), f.PID).ListFunders(service.Page{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, fu := range funders {
		if strings.Contains(fu.Name, "07700") {
			t.Fatalf("a refused funder was stored: %+v", fu)
		}
	}
}

// TestEightDigitCharityNumberAccepted (D1): SPEC: GB-CHC- 6 to 8 digits.
func TestEightDigitCharityNumberAccepted(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	lead := h.as(t, uLead)
	base := "/app/programmes/" + f.PID
	lead.get(base + "/funders/new")
	if pg := lead.post(base+"/funders/new", url.Values{"name": {"AW F8"}, "orgId": {"GB-CHC-12345678"}, "contacts": {"a@example.org"}}); pg.Status != http.StatusSeeOther {
		t.Errorf("GB-CHC-12345678: %d, want saved\n%s", pg.Status, excerpt(pg.Body))
	}
}

// TestCorrectionAwaitingReviewIsNotCorrected (N5): on the project page,
// an approved submission whose correction awaits review is not labelled
// "Corrected" (its figures still count): the page says the correction
// awaits review, as the returns grid does; once approved, it is corrected.
func TestCorrectionAwaitingReviewIsNotCorrected(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	_, pending := h.reportingFixture(t, f)
	pa := "/app/programmes/" + f.PID + "/projects/" + f.ProjectA
	ctx := context.Background()
	leadSc := h.Svc.OpenProject(ctx, caller(uLead), f.PID, f.ProjectA)
	if _, err := leadSc.ReviewOutcome(pending, body(map[string]any{"decision": "approve"})); err != nil {
		t.Fatal(err)
	}
	pl := h.Svc.OpenProject(ctx, caller(uPL), f.PID, f.ProjectA)
	correction := must(pl.SubmitOutcome(body(outcomeCorrection(must(pl.Outcome(pending)), 16))))
	row := func(body, id string) string {
		r := fromOutcomeLink(body, pa, id)
		return r[:min(len(r), 700)]
	}
	for _, who := range []string{uLead, uPL} {
		pg := h.as(t, who).get(pa)
		r := row(pg.Body, pending)
		if pg.Status != http.StatusOK || strings.Contains(r, ">Corrected<") || !strings.Contains(r, "correction awaiting review") {
			t.Errorf("%s: the approved submission with a correction awaiting review reads:\n%s", who, r)
		}
	}
	if _, err := leadSc.ReviewOutcome(correction.ID, body(map[string]any{"decision": "approve"})); err != nil {
		t.Fatal(err)
	}
	if r := row(h.as(t, uLead).get(pa).Body, pending); !strings.Contains(r, ">Corrected<") || strings.Contains(r, "awaiting review") {
		t.Errorf("once the correction is approved, the submission reads:\n%s", r)
	}
}

// TestSubmissionPageSaysWhatBecameOfItsCorrection (N5): a submission's
// own page says what its project page says of it, in the same words: an
// approved submission whose correction awaits review (or was sent back)
// reads "Approved · correction awaiting review" (or "· correction sent
// back"), linking to that correction, never "Corrected"; "Corrected by a
// later submission" only once the newest correction of its chain is
// approved. A funder, who reads approved figures only, sees the
// submission approved until then.
func TestSubmissionPageSaysWhatBecameOfItsCorrection(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	_, original := h.reportingFixture(t, f)
	pa := "/app/programmes/" + f.PID + "/projects/" + f.ProjectA
	ctx := context.Background()
	leadSc := h.Svc.OpenProject(ctx, caller(uLead), f.PID, f.ProjectA)
	plSc := h.Svc.OpenProject(ctx, caller(uPL), f.PID, f.ProjectA)
	must(leadSc.ReviewOutcome(original, body(map[string]any{"decision": "approve"})))
	lead, pl, funder := h.as(t, uLead), h.as(t, uPL), h.as(t, uFunder)

	status := func(b *browser, id string) string {
		t.Helper()
		pg := b.get(pa + "/outcomes/" + id)
		if pg.Status != http.StatusOK {
			t.Fatalf("the page of %s: %d\n%s", id, pg.Status, excerpt(pg.Body))
		}
		return between(pg.Body, `data-testid="outcome-status">`, "</dd>")
	}
	projectRow := func(b *browser, id string) string {
		return between(fromOutcomeLink(b.get(pa).Body, pa, id), "</a>", "</td>")
	}
	// says checks the page of id says the submission is tag, then words
	// ("" for none), linking to the correction to; and its row on the
	// project page says tag and the same "· correction …" words.
	says := func(b *browser, who, id, tag, words, to string) {
		t.Helper()
		got := status(b, id)
		if !strings.Contains(got, `data-testid="status-tag">`+tag+`<`) || (words == "") != !strings.Contains(got, "correction") ||
			!strings.Contains(got, words) || to != "" && !strings.Contains(got, `href="`+pa+`/outcomes/`+to+`" data-testid="correction-link"`) {
			t.Errorf("%s: the page of %s says %q, want %s %q linking to %s", who, id, got, tag, words, to)
		}
		if tag != "Corrected" && strings.Contains(got, "later submission") {
			t.Errorf("%s: the page of %s says it was corrected: %q", who, id, got)
		}
		if row := projectRow(b, id); !strings.Contains(row, ">"+tag+"<") || strings.HasPrefix(words, "·") != strings.Contains(row, "·") ||
			strings.HasPrefix(words, "·") && !strings.Contains(row, words) {
			t.Errorf("%s: the project page says of %s %q, want %s %q", who, id, row, tag, words)
		}
	}
	approved := func(b *browser, who string) { says(b, who, original, "Approved", "", "") }

	first := must(plSc.SubmitOutcome(body(outcomeCorrection(must(plSc.Outcome(original)), 16))))
	for who, b := range map[string]*browser{"lead": lead, "project lead": pl} {
		says(b, who, original, "Approved", "· correction awaiting review", first.ID)
	}
	approved(funder, "funder")

	must(leadSc.ReviewOutcome(first.ID, body(map[string]any{"decision": "request-changes", "comment": "Check the figures"})))
	for who, b := range map[string]*browser{"lead": lead, "project lead": pl} {
		says(b, who, original, "Approved", "· correction sent back", first.ID)
	}
	approved(funder, "funder")

	// The correction sent back, corrected: the newest correction of the
	// chain is the one awaiting review.
	second := must(plSc.SubmitOutcome(body(outcomeCorrection(must(plSc.Outcome(first.ID)), 17))))
	for who, b := range map[string]*browser{"lead": lead, "project lead": pl} {
		says(b, who, original, "Approved", "· correction awaiting review", second.ID)
		says(b, who, first.ID, "Changes requested", "· correction awaiting review", second.ID)
	}
	approved(funder, "funder")

	must(leadSc.ReviewOutcome(second.ID, body(map[string]any{"decision": "approve"})))
	for who, b := range map[string]*browser{"lead": lead, "project lead": pl, "funder": funder} {
		says(b, who, original, "Corrected", "by a later submission", second.ID)
	}
}

// fromOutcomeLink is the project page body from its link to submission id
// on (its row and what follows), or "" when the page has no such link.
func fromOutcomeLink(body, projectPath, id string) string {
	i := strings.Index(body, `href="`+projectPath+`/outcomes/`+id+`"`)
	if i < 0 {
		return ""
	}
	return body[i:]
}
