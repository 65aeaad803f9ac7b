package web_test

import (
	"context"
	"errors"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestPaidPaymentChangePage: a paid payment's change page says when it
// was paid, not "Paid since" the date it fell due, and its "Date paid"
// boxes hold that date.
func TestPaidPaymentChangePage(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	// Made after its date: due since 1 April when made; it is paid on
	// the 3rd.
	pay := h.build.Payment(f.PID, f.GrantX, testkit.DatedPaymentBody(10_000_00, "2011-04-01"))
	if pay.Status != domain.PaymentDue || pay.DueSince.String() != "2011-04-01" {
		t.Fatalf("made after its date: %+v", pay)
	}
	if paid := h.build.PayNow(f.PID, f.GrantX, pay.ID, "2011-04-03"); paid.DueSince.String() != "2011-04-01" {
		t.Fatalf("paid: %+v", paid)
	}
	lead := h.as(t, uLead)
	pg := lead.get("/app/programmes/" + f.PID + "/grants/" + f.GrantX + "/payments/" + pay.ID + "/change")
	if pg.Status != http.StatusOK {
		t.Fatalf("the change page: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	if !strings.Contains(pg.Body, `data-testid="payment-status">Paid</strong> on 3 April 2011<`) || strings.Contains(pg.Body, " since ") {
		t.Errorf("the paid payment's status\n%s", excerpt(pg.Body))
	}
	for box, want := range map[string]string{"day": "3", "month": "4", "year": "2011"} {
		if !strings.Contains(pg.Body, `name="paidDate-`+box+`" type="text" inputmode="numeric" value="`+want+`"`) {
			t.Errorf("the Date paid %s box does not hold %s", box, want)
		}
	}
	// The grant's payments table: paid on the 3rd, not "due since" under Paid.
	row := lead.get("/app/programmes/" + f.PID + "/grants/" + f.GrantX).Body
	if i := strings.Index(row, `data-testid="payment-`+pay.ID+`"`); i < 0 || !strings.Contains(row[i:i+min(len(row)-i, 3000)], "3 April 2011") ||
		strings.Contains(row[i:i+min(len(row)-i, 3000)], "Due since") {
		t.Errorf("the paid payment's row on the grant page\n%s", excerpt(row))
	}
}

// TestDateOrderMessages: an end date before the start is refused beside
// the end date in words ("End date must not be before the start date"),
// not naming the API's field (startDate); the API's answer keys the
// problem by the field as before.
func TestDateOrderMessages(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	lead, pl := h.as(t, uLead), h.as(t, uPL)
	p := "/app/programmes/" + f.PID
	g := p + "/grants/" + f.GrantX
	form := grantEditForm(lead, g)
	form.Set("funderId", f.FunderX)
	form.Set("projectId", f.ProjectA)
	form.Set("endDate-year", "2009")
	pg := lead.post(g+"/edit", form)
	if pg.Status != http.StatusBadRequest || !strings.Contains(pg.Body, "End date must not be before the start date") {
		t.Errorf("a grant ending before it starts: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	pl.get(p + "/projects/" + f.ProjectA + "/outcomes/new")
	out := outcomeForm()
	out.Set("periodEnd-year", "2010")
	pg = pl.post(p+"/projects/"+f.ProjectA+"/outcomes/new", out)
	if pg.Status != http.StatusBadRequest || !strings.Contains(pg.Body, "Period end must not be before the period start") {
		t.Errorf("a period ending before it starts: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	for _, api := range []string{"startDate", "periodStart"} {
		if strings.Contains(pg.Body, "before "+api) {
			t.Errorf("a form error names the API's field %s", api)
		}
	}
	_, err := h.Svc.OpenProject(context.Background(), caller(uPL), f.PID, f.ProjectA).SubmitOutcome(body(map[string]any{
		"periodStart": "2011-07-01", "periodEnd": "2011-06-30", "counts": map[string]int{"referrals": 1}}))
	var de *domain.Error
	if !errors.As(err, &de) || de.Fields["periodEnd"] != "must not be before the period start" {
		t.Errorf("the service's answer: %v", err)
	}
}

var pageHref = regexp.MustCompile(`href="(/app/programmes/[^"#?]*)"`)

// TestCorrectedSubmissionPage: a submission that was corrected says so
// and links to its correction, and offers neither "Correct this
// submission" nor a review; a correction links to the submission it
// corrects only for a reader who may open it: a funder, who reads
// approved submissions only, once got a 404 from it.
func TestCorrectedSubmissionPage(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	ctx := context.Background()
	project := "/app/programmes/" + f.PID + "/projects/" + f.ProjectA
	original := outcomesOf(t, h, f)[0]
	plScope := h.Svc.OpenProject(ctx, caller(uPL), f.PID, f.ProjectA)
	fix := outcomeCorrection(original, 21)
	correction := must(plScope.SubmitOutcome(body(fix)))

	pl, lead, funder := h.as(t, uPL), h.as(t, uLead), h.as(t, uFunder)
	for who, b := range map[string]*browser{"project lead": pl, "lead": lead, "funder": funder} {
		pg := b.get(project + "/outcomes/" + original.ID)
		if pg.Status != http.StatusOK || !strings.Contains(pg.Body, `data-testid="status-tag">Corrected<`) ||
			!strings.Contains(pg.Body, `href="`+project+`/outcomes/`+correction.ID+`" data-testid="correction-link"`) {
			t.Errorf("%s: the corrected submission's page: %d\n%s", who, pg.Status, excerpt(pg.Body))
		}
		if strings.Contains(pg.Body, `id="correct-outcome"`) || strings.Contains(pg.Body, `id="review-outcome"`) {
			t.Errorf("%s: the corrected submission's page offers to correct or review it", who)
		}
		pg = b.get(project + "/outcomes/" + correction.ID)
		if !strings.Contains(pg.Body, `href="`+project+`/outcomes/`+original.ID+`">the earlier submission</a>`) {
			t.Errorf("%s: the correction does not link to the approved submission it corrects\n%s", who, excerpt(pg.Body))
		}
	}
	if pg := pl.get(project + "/outcomes/" + correction.ID); !strings.Contains(pg.Body, `id="correct-outcome"`) {
		t.Error("the newest submission no longer offers a correction")
	}

	// With review: a submission sent back, corrected, the correction
	// approved. The funder reads the correction as the first approved
	// figures of the period: nothing it may read was corrected.
	_, pending := h.reportingFixture(t, f)
	leadScope := h.Svc.OpenProject(ctx, caller(uLead), f.PID, f.ProjectA)
	plScope = h.Svc.OpenProject(ctx, caller(uPL), f.PID, f.ProjectA) // one that reads the programme with review on
	must(leadScope.ReviewOutcome(pending, body(map[string]any{"decision": "request-changes", "comment": "Check referrals"})))
	sentBack := must(plScope.Outcome(pending))
	second := must(plScope.SubmitOutcome(body(outcomeCorrection(sentBack, 16))))
	must(leadScope.ReviewOutcome(second.ID, body(map[string]any{"decision": "approve"})))
	pg := funder.get(project + "/outcomes/" + second.ID)
	if pg.Status != http.StatusOK || !strings.Contains(pg.Body, `data-testid="count-peopleIntoWork">16<`) || strings.Contains(pg.Body, `data-testid="outcome-corrects"`) {
		t.Errorf("the funder's page of the approved correction: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	for _, m := range pageHref.FindAllStringSubmatch(pg.Body, -1) {
		if l := html.UnescapeString(m[1]); strings.HasPrefix(l, project+"/outcomes/") {
			if got := funder.get(l); got.Status != http.StatusOK {
				t.Errorf("the funder's link %s: %d", l, got.Status)
			}
		}
	}
	if pg := lead.get(project + "/outcomes/" + second.ID); !strings.Contains(pg.Body, `href="`+project+`/outcomes/`+pending+`">the earlier submission</a>`) {
		t.Errorf("the lead's page of the correction does not link to the submission sent back\n%s", excerpt(pg.Body))
	}
	if pg := lead.get(project + "/outcomes/" + pending); !strings.Contains(pg.Body, `data-testid="correction-link"`) {
		t.Errorf("the lead's page of the submission sent back does not say it was corrected\n%s", excerpt(pg.Body))
	}
}

// outcomeCorrection is a correction of o with peopleIntoWork n.
func outcomeCorrection(o domain.Outcome, n int64) map[string]any {
	counts := map[string]int64{}
	for m, c := range o.Counts {
		counts[string(m)] = c
	}
	counts["peopleIntoWork"] = n
	return map[string]any{"periodStart": o.PeriodStart.String(), "periodEnd": o.PeriodEnd.String(), "counts": counts, "replaces": o.ID}
}
