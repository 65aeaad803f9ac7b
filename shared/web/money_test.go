package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestMoneyPages: the lead gives a grant a budget and records tranches; the
// project lead reports spend; the grant page shows each, as each role may
// see it, and the figures agree with the service's.
func TestMoneyPages(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	lead, pl, funder, plB := h.as(t, uLead), h.as(t, uPL), h.as(t, uFunder), h.as(t, uPLB)
	g := "/app/programmes/" + f.PID + "/grants/" + f.GrantX

	// A budget that does not add up is shown beside the budget, and stored nothing.
	form := grantEditForm(lead, g)
	form.Set("funderId", f.FunderX)
	form.Set("projectId", f.ProjectA)
	form.Set("budget.staff", "300,000.00")
	form.Set("budget.travel", "5,000")
	pg := lead.post(g+"/edit", form)
	if pg.Status != http.StatusBadRequest || !strings.Contains(pg.Body, `data-testid="error-f-budget"`) ||
		!strings.Contains(pg.Body, "£305,000.00") {
		t.Fatalf("a budget short of the amount: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	form.Set("budget.travel", "abc")
	pg = lead.post(g+"/edit", form)
	if pg.Status != http.StatusBadRequest || !strings.Contains(pg.Body, `data-testid="error-f-budget-travel"`) {
		t.Fatalf("a budget line that is not an amount: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	form.Set("budget.travel", "10,000")
	if pg = lead.post(g+"/edit", form); pg.Status != http.StatusSeeOther {
		t.Fatalf("a budget that adds up: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	if gr := must(h.Svc.Open(context.Background(), caller(uLead), f.PID).Grant(f.GrantX)); len(gr.Budget) != 2 || gr.Budget[0].AmountPence != 300_000_00 {
		t.Fatalf("the budget stored: %+v", gr.Budget)
	}

	// Tranches: one dated, one on the target; one more than the grant is refused beside the amount.
	lead.get(g + "/payments/new")
	pg = lead.post(g+"/payments/new", url.Values{"amountPence": {"100,000.00"}, "trigger.kind": {"date"},
		"dueDate-day": {"1"}, "dueDate-month": {"4"}, "dueDate-year": {"2011"}, "reference": {"PO 2011/7"},
		"trigger.targetId": {f.TargetID}, "trigger.threshold": {"50"}}) // left over from choosing a milestone first: not sent
	if pg.Status != http.StatusSeeOther || pg.Header.Get("Location") != g+"#payments" {
		t.Fatalf("a dated tranche: %d %s\n%s", pg.Status, pg.Header.Get("Location"), excerpt(pg.Body))
	}
	pg = lead.post(g+"/payments/new", url.Values{"amountPence": {"150,000"}, "trigger.kind": {"milestone"},
		"trigger.targetId": {f.TargetID}, "trigger.threshold": {"50"}})
	if pg.Status != http.StatusSeeOther {
		t.Fatalf("a milestone tranche: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	pg = lead.post(g+"/payments/new", url.Values{"amountPence": {"60,000.01"}, "trigger.kind": {"date"},
		"dueDate-day": {"1"}, "dueDate-month": {"10"}, "dueDate-year": {"2011"}})
	if pg.Status != http.StatusBadRequest || !strings.Contains(pg.Body, `data-testid="error-f-amountPence"`) {
		t.Fatalf("a tranche over the grant: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	pg = lead.post(g+"/payments/new", url.Values{"amountPence": {"1"}, "trigger.kind": {"milestone"}, "trigger.threshold": {"0"}})
	for _, want := range []string{`data-testid="error-f-trigger-targetId"`, `data-testid="error-f-trigger-threshold"`} {
		if pg.Status != http.StatusBadRequest || !strings.Contains(pg.Body, want) {
			t.Errorf("a milestone with no target: %d, lacks %s\n%s", pg.Status, want, excerpt(pg.Body))
		}
	}

	// Spend by the project lead: a line not in the budget is shown beside its box.
	pl.get(g + "/spend/new")
	spend := url.Values{"periodStart-day": {"1"}, "periodStart-month": {"1"}, "periodStart-year": {"2011"},
		"periodEnd-day": {"31"}, "periodEnd-month": {"3"}, "periodEnd-year": {"2011"},
		"lines.staff": {"40,000.00"}, "lines.travel": {"1,250.50"}, "lines.equipment": {"99"}}
	pg = pl.post(g+"/spend/new", spend)
	if pg.Status != http.StatusBadRequest || !strings.Contains(pg.Body, `data-testid="error-f-lines-equipment"`) {
		t.Fatalf("spend on a line not in the budget: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	spend.Del("lines.equipment")
	pg = pl.post(g+"/spend/new", spend)
	if pg.Status != http.StatusSeeOther || !strings.Contains(pg.Header.Get("Location"), "/spend/") {
		t.Fatalf("spend: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	returned := pl.get(recordPath(pg.Header.Get("Location")))
	if !strings.Contains(returned.Body, `data-testid="spend-total">£41,250.50<`) || !strings.Contains(returned.Body, `id="correct-spend"`) {
		t.Errorf("the spend return's page:\n%s", excerpt(returned.Body))
	}

	// The grant's page, as each may see it.
	acc := must(h.Svc.Open(context.Background(), caller(uLead), f.PID).GrantAccount(f.GrantX))
	for who, b := range map[string]*browser{"lead": lead, "project lead": pl, "funder": funder} {
		pg := b.get(g)
		if pg.Status != http.StatusOK {
			t.Fatalf("%s: grant page %d", who, pg.Status)
		}
		for _, want := range []string{`data-testid="money-spent">£41,250.50<`, `data-testid="money-paid">£0.00<`,
			`data-testid="budget-staff"`, `£40,000.00`, `data-testid="budget-table"`, `aria-hidden="true" data-testid="budget-bars"`,
			`data-testid="payment-` + acc.Payments[0].ID + `"`, `data-testid="payment-` + acc.Payments[1].ID + `"`,
			"When 50% of the programme&#39;s target of 60 people into work is reached", "On 1 April 2011"} {
			if !strings.Contains(pg.Body, want) {
				t.Errorf("%s's grant page lacks %q", who, want)
			}
		}
		_, manages := map[string]bool{"lead": true}[who]
		if got := strings.Contains(pg.Body, `id="record-payment"`) || strings.Contains(pg.Body, `data-testid="change-payment"`); got != manages {
			t.Errorf("%s sees payment forms: %v", who, got)
		}
		if got := strings.Contains(pg.Body, `id="report-spend"`); got != (who != "funder") {
			t.Errorf("%s sees Report spend: %v", who, got)
		}
	}
	if pg := plB.get(g); pg.Status != http.StatusNotFound {
		t.Errorf("another project's lead: grant page %d", pg.Status)
	}
	for _, path := range []string{"/payments/new", "/payments/" + acc.Payments[0].ID + "/change"} {
		if pg := funder.get(g + path); pg.Status != http.StatusForbidden {
			t.Errorf("the funder opening %s: %d", path, pg.Status)
		}
	}
	if pg := funder.get(g + "/spend/new"); pg.Status != http.StatusForbidden {
		t.Errorf("the funder opening the spend form: %d", pg.Status)
	}

	// The dashboard's money panel agrees with the service to the penny.
	pr := must(h.Svc.Open(context.Background(), caller(uFunder), f.PID).Progress())
	dash := funder.get("/app/programmes/" + f.PID)
	for _, want := range []string{`data-testid="money-awarded">` + money(pr.Money.AwardedPence) + `<`,
		`data-testid="money-spent">£41,250.50<`, `data-testid="money-` + f.GrantX + `"`} {
		if !strings.Contains(dash.Body, want) {
			t.Errorf("the funder's money panel lacks %q\n%s", want, excerpt(dash.Body))
		}
	}
	if strings.Contains(dash.Body, `data-testid="money-`+f.GrantY+`"`) || strings.Contains(dash.Body, "money-cost-spent") {
		t.Error("the funder's money panel shows a grant it does not fund, or the programme's cost per person on spend")
	}
	if csv := funder.get("/app/programmes/" + f.PID + "/payments.csv"); csv.Status != http.StatusOK ||
		!strings.Contains(csv.Body, "100000.00") || !strings.Contains(csv.Body, "150000.00") {
		t.Errorf("the funder's payments CSV: %d %s", csv.Status, csv.Body)
	}
}

// TestGrantPageNamesTheTargetAPaymentFellDueOn: a payment on a target
// that has fallen due, or been paid, is listed on the grant page by the
// target as the payment recorded it, however the target is changed after;
// one still scheduled by the target as it is now, which it waits on.
func TestGrantPageNamesTheTargetAPaymentFellDueOn(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	ctx := context.Background()
	sc := h.Svc.Open(ctx, caller(uLead), f.PID)
	// 800 referrals: A's 170 reach none of the thresholds yet.
	tg := h.build.Target(f.PID, map[string]any{"metric": "referrals", "value": 800, "deadline": "2012-03-31",
		"projectId": f.ProjectA, "notify": []string{}})
	due := h.build.Payment(f.PID, f.GrantX, testkit.MilestonePaymentBody(300_00, tg.ID, 50))
	paid := h.build.Payment(f.PID, f.GrantX, testkit.MilestonePaymentBody(200_00, tg.ID, 100))
	h.build.Payment(f.PID, f.GrantX, testkit.MilestonePaymentBody(100_00, tg.ID, 25))

	// The notifier makes the first due (as its transaction does); the
	// second is paid early, before it falls due.
	now := time.Now().UTC()
	after, _ := due.FallDue(domain.MustDate("2011-06-01"), now)
	after.Trigger.Record(tg)
	gr := must(sc.Grant(f.GrantX))
	if ok, err := h.store.FallDue(ctx, f.PID, gr, due, after, domain.Notification{ID: domain.PaymentNotificationID(due.ID),
		Kind: domain.KindPaymentDue, ProgrammeID: f.PID, PaymentID: due.ID, Status: domain.NotificationPending, CreatedAt: now},
		domain.NewAuditEvent(caller(uLead), f.PID, domain.EntityPayment, due.ID, domain.ActionChange, due, after, now), nil); !ok || err != nil {
		t.Fatalf("falling due: %v %v", ok, err)
	}
	must(sc.UpdatePayment(f.GrantX, paid.ID, func(int64) bool { return true }, body(map[string]any{"status": "paid", "paidDate": "2011-07-01"})))

	must(sc.UpdateTarget(tg.ID, func(int64) bool { return true }, body(map[string]any{"metric": "peopleIntoWork", "value": 20})))
	pg := h.as(t, uLead).get("/app/programmes/" + f.PID + "/grants/" + f.GrantX)
	for _, want := range []string{
		"When 50% of Bradford employment service's target of 800 referrals is reached",
		"When 100% of Bradford employment service's target of 800 referrals is reached",
		"When 25% of Bradford employment service's target of 20 people into work is reached",
	} {
		if !strings.Contains(pg.Body, html.EscapeString(want)) {
			t.Errorf("the grant page lacks %q\n%s", want, excerpt(pg.Body))
		}
	}
	for _, rewritten := range []string{"When 50% of Bradford employment service's target of 20", "When 100% of Bradford employment service's target of 20"} {
		if strings.Contains(pg.Body, html.EscapeString(rewritten)) {
			t.Errorf("the grant page describes a payment no longer waiting by the target as changed since: %q", rewritten)
		}
	}
}

// TestMarkPaidOnARace: the lead opens "record paid" on a scheduled tranche;
// the notifier makes it due before the lead sends the form. Nothing is
// saved: the form comes back as the tranche now is (due), saying someone
// changed it; sent again, it is paid.
func TestMarkPaidOnARace(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	lead := h.as(t, uLead)
	g := "/app/programmes/" + f.PID + "/grants/" + f.GrantX
	// Paid on a milestone not reached, so scheduled when made (a dated one
	// within its grant's dates, long past, would be due at once).
	target := h.build.Target(f.PID, map[string]any{"metric": "peopleIntoWork", "value": 1000, "deadline": "2012-03-31", "notify": []string{}})
	p := h.build.Payment(f.PID, f.GrantX, testkit.MilestonePaymentBody(10_000_00, target.ID, 100))
	change := g + "/payments/" + p.ID + "/change"
	if pg := lead.get(change); pg.Status != http.StatusOK || !strings.Contains(pg.Body, `name="version" value="1"`) {
		t.Fatalf("the form: %d\n%s", pg.Status, excerpt(pg.Body))
	}

	// The notifier makes it due meanwhile (as its transaction does).
	now := time.Now().UTC()
	due, _ := p.FallDue(domain.MustDate("2011-06-01"), now)
	gr := must(h.Svc.Open(context.Background(), caller(uLead), f.PID).Grant(f.GrantX))
	if ok, err := h.store.FallDue(context.Background(), f.PID, gr, p, due, domain.Notification{ID: domain.PaymentNotificationID(p.ID),
		Kind: domain.KindPaymentDue, ProgrammeID: f.PID, PaymentID: p.ID, Status: domain.NotificationPending, CreatedAt: now},
		domain.NewAuditEvent(caller(uLead), f.PID, domain.EntityPayment, p.ID, domain.ActionChange, p, due, now), nil); !ok || err != nil {
		t.Fatalf("falling due: %v %v", ok, err)
	}

	paid := url.Values{"version": {"1"}, "status": {"paid"}, "paidDate-day": {"5"}, "paidDate-month": {"4"}, "paidDate-year": {"2011"},
		"reference": {"BACS 77"}}
	pg := lead.post(change, paid)
	if pg.Status != http.StatusPreconditionFailed || !strings.Contains(pg.Body, "was changed by someone else") ||
		!strings.Contains(pg.Body, `name="version" value="2"`) || !strings.Contains(pg.Body, `data-testid="payment-status">Due<`) {
		t.Fatalf("paying on a stale version: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	if got := must(h.Svc.Open(context.Background(), caller(uLead), f.PID).Payment(f.GrantX, p.ID)); got.Status != domain.PaymentDue {
		t.Fatalf("the stale form saved: %+v", got)
	}
	paid.Set("version", "2")
	if pg = lead.post(change, paid); pg.Status != http.StatusSeeOther {
		t.Fatalf("paying again: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	got := must(h.Svc.Open(context.Background(), caller(uLead), f.PID).Payment(f.GrantX, p.ID))
	if got.Status != domain.PaymentPaid || got.PaidDate.String() != "2011-04-05" || got.Reference != "BACS 77" || got.DueSince.String() != "2011-06-01" {
		t.Errorf("paid: %+v", got)
	}
	// The reference emptied in the form, to correct a slip: cleared.
	paid.Set("version", "3")
	paid.Set("reference", " ")
	if pg = lead.post(change, paid); pg.Status != http.StatusSeeOther {
		t.Fatalf("clearing the reference: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	if got := must(h.Svc.Open(context.Background(), caller(uLead), f.PID).Payment(f.GrantX, p.ID)); got.Reference != "" || got.Version != 4 {
		t.Errorf("the reference emptied in the form: %+v", got)
	}
	// Cancelling a paid tranche is a conflict page, not a form error or a 500.
	pg = lead.post(change, url.Values{"version": {"4"}, "status": {"cancelled"}, "reference": {"left over"}})
	if pg.Status != http.StatusConflict || strings.Contains(pg.Body, "problem with the service") ||
		!strings.Contains(pg.Body, "This payment has been paid, so it cannot be cancelled. Nothing was saved.") ||
		strings.Contains(pg.Body, "already made this change") {
		t.Errorf("cancelling a paid tranche: %d\n%s", pg.Status, excerpt(pg.Body))
	}
}

// TestSpendCorrectedTwice: a second correction of one spend return, opened
// or sent, is the 409 page linking to the first correction.
func TestSpendCorrectedTwice(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	pl := h.as(t, uPL)
	g := "/app/programmes/" + f.PID + "/grants/" + f.GrantX
	orig := h.build.Spend(f.PID, f.GrantX, testkit.SpendBody("2011-01-01", "2011-03-31", "staff", 500_00))
	pg := pl.get(g + "/spend/new?replaces=" + orig.ID)
	if !strings.Contains(pg.Body, `name="replaces" value="`+orig.ID+`"`) || !strings.Contains(pg.Body, `value="500.00"`) {
		t.Fatalf("the correction form does not start from the return:\n%s", excerpt(pg.Body))
	}
	fix := url.Values{"replaces": {orig.ID}, "periodStart-day": {"1"}, "periodStart-month": {"1"}, "periodStart-year": {"2011"},
		"periodEnd-day": {"31"}, "periodEnd-month": {"3"}, "periodEnd-year": {"2011"}, "lines.staff": {"450"}}
	pg = pl.post(g+"/spend/new", fix)
	if pg.Status != http.StatusSeeOther {
		t.Fatalf("the correction: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	first := recordPath(pg.Header.Get("Location"))
	// The form's link opened again is the refusal, not a form.
	pg = pl.get(g + "/spend/new?replaces=" + orig.ID)
	if pg.Status != http.StatusConflict || !strings.Contains(pg.Body, "This spend return has already been corrected") ||
		!strings.Contains(pg.Body, `href="`+first+`"`) || strings.Contains(pg.Body, `name="replaces"`) {
		t.Errorf("the correction form of a return corrected already: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	pg = pl.post(g+"/spend/new", fix)
	if pg.Status != http.StatusConflict || !strings.Contains(pg.Body, "This spend return has already been corrected") ||
		!strings.Contains(pg.Body, `href="`+first+`"`) {
		t.Errorf("a second correction: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	// The grant's page marks the return the correction replaced, and only it.
	pg = pl.get(g)
	row := `href="` + g + `/spend/` + orig.ID + `">January to March 2011</a> <strong class="nhsuk-tag nhsuk-tag--grey" data-testid="spend-corrected">Corrected</strong>`
	if n := strings.Count(pg.Body, `data-testid="spend-corrected"`); n != 1 || !strings.Contains(pg.Body, row) {
		t.Errorf("the grant's page marks %d returns corrected, want the original alone:\n%s", n, excerpt(pg.Body))
	}
	spent := must(h.Svc.Open(context.Background(), caller(uLead), f.PID).GrantAccount(f.GrantX)).Money.SpentPence
	if spent != 450_00 {
		t.Errorf("spent %d after the refused correction", spent)
	}
	if n := len(mustList(h.Svc.Open(context.Background(), caller(uLead), f.PID).ListSpend(f.GrantX, service.Page{Limit: 10}))); n != 2 {
		t.Errorf("%d spend returns stored, want 2", n)
	}
}

// grantEditForm is the fixture's grant X in its edit form, at version 1.
func grantEditForm(b *browser, g string) url.Values {
	b.t.Helper()
	b.get(g + "/edit") // for the form's CSRF token
	f := url.Values{"title": {"Employment specialists"}, "amountPence": {"310,000.00"}, "currency": {"GBP"}, "version": {"1"}}
	for name, d := range map[string][3]string{"awardDate": {"1", "9", "2010"}, "startDate": {"1", "10", "2010"}, "endDate": {"31", "3", "2012"}} {
		f.Set(name+"-day", d[0])
		f.Set(name+"-month", d[1])
		f.Set(name+"-year", d[2])
	}
	return f
}

func mustList[T any](v T, _ string, err error) T { return must(v, err) }

// money is pence as the pages write it.
func money(pence int64) string { return domain.Pounds(pence) }

// TestOverspentLineLeftBelowZero: a budget line spent past its amount
// shows what is left as a negative amount of pounds, "-£1.50 (over)",
// written as every other amount is (domain.Pounds); the form that corrects
// the spend is filled in pounds as typed (export.PoundsPlain). Negative amounts
// reach the pages only as what is left of a budget line: amounts people
// type are refused below zero.
func TestOverspentLineLeftBelowZero(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	gr := h.build.Grant(f.PID, map[string]any{"funderId": f.FunderX, "projectId": f.ProjectA, "title": "Travel fund",
		"amountPence": 300, "currency": "GBP", "awardDate": "2010-09-01", "startDate": "2010-10-01", "endDate": "2012-03-31",
		"budget": []map[string]any{{"category": "travel", "amountPence": 100}, {"category": "staff", "amountPence": 200}}})
	s := h.build.Spend(f.PID, gr.ID, testkit.SpendBody("2011-01-01", "2011-03-31", "travel", 250))
	g := "/app/programmes/" + f.PID + "/grants/" + gr.ID
	pg := h.as(t, uLead).get(g)
	if pg.Status != http.StatusOK || !strings.Contains(pg.Body, ">-£1.50 (over)<") || strings.Contains(pg.Body, "-1.-50") {
		t.Errorf("the grant page of a line spent £1.50 over: %d, want -£1.50 (over) left\n%s", pg.Status, excerpt(pg.Body))
	}
	if pg := h.as(t, uPL).get(g + "/spend/new?replaces=" + s.ID); !strings.Contains(pg.Body, `value="2.50"`) {
		t.Errorf("the correction form of spend of £2.50: %d\n%s", pg.Status, excerpt(pg.Body))
	}
}

// TestReturnTranche: the lead records a tranche released by a return being
// accepted, choosing the return from the project's; a return of another
// project is refused beside the box.
func TestReturnTranche(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	lead := h.as(t, uLead)
	g := "/app/programmes/" + f.PID + "/grants/" + f.GrantX
	sched := must(h.Svc.Open(context.Background(), caller(uAdmin, domain.AdminGroup), f.PID).CreateSchedule(body(map[string]any{
		"name": "Quarterly returns", "frequency": "quarterly", "firstPeriodStart": "2011-01-01", "lastPeriodEnd": "2011-12-31"})))
	q2A := domain.ReturnID(sched.ID, f.ProjectA, domain.MustDate("2011-04-01"))
	q2B := domain.ReturnID(sched.ID, f.ProjectB, domain.MustDate("2011-04-01"))
	pg := lead.get(g + "/payments/new")
	if !strings.Contains(pg.Body, `value="`+q2A+`"`) || strings.Contains(pg.Body, `value="`+q2B+`"`) {
		t.Fatalf("the form offers the wrong returns:\n%s", excerpt(pg.Body))
	}
	tranche := url.Values{"amountPence": {"25,000"}, "trigger.kind": {"return"}, "trigger.returnId": {q2B}}
	if pg = lead.post(g+"/payments/new", tranche); pg.Status != http.StatusBadRequest ||
		!strings.Contains(pg.Body, `data-testid="error-f-trigger-returnId"`) {
		t.Fatalf("a return of another project: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	tranche.Set("trigger.returnId", q2A)
	if pg = lead.post(g+"/payments/new", tranche); pg.Status != http.StatusSeeOther {
		t.Fatalf("a return tranche: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	// It names the return's project (a grant to the whole programme may
	// wait on any project's return for the same period), and the
	// return's period as the emails do, by its months: the payment
	// recorded the period's end, so the page reads no return for it.
	if pg = lead.get(g); !strings.Contains(pg.Body, "When Bradford employment service&#39;s return for April to June 2011 is accepted") {
		t.Errorf("the grant page does not say what releases the tranche:\n%s", excerpt(pg.Body))
	}
}

// TestGrantWithoutBudgetPage: a grant with no budget shows its spend by
// category, saying it has no budget, never a line "over" a budget of
// £0.00 it does not have.
func TestGrantWithoutBudgetPage(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	must(h.Svc.Open(context.Background(), caller(uLead), f.PID).SubmitSpend(f.GrantY, body(map[string]any{
		"periodStart": "2011-01-01", "periodEnd": "2011-03-31",
		"lines": []map[string]any{{"category": "staff", "amountPence": 1_000_01}, {"category": "other", "amountPence": 1}}})))
	pg := h.as(t, uLead).get("/app/programmes/" + f.PID + "/grants/" + f.GrantY)
	if pg.Status != http.StatusOK {
		t.Fatalf("grant page %d", pg.Status)
	}
	for _, want := range []string{`data-testid="no-budget"`, "This grant has no budget", `data-testid="spend-by-category"`,
		`data-testid="budget-staff"`, `data-testid="spent">£1,000.01<`, `data-testid="budget-other"`, `data-testid="spent">£0.01<`} {
		if !strings.Contains(pg.Body, want) {
			t.Errorf("the page lacks %q\n%s", want, excerpt(pg.Body))
		}
	}
	for _, unwanted := range []string{"(over)", "of £0.00", "Not budgeted", `data-testid="budget-bars"`, `data-testid="budget-table"`} {
		if strings.Contains(pg.Body, unwanted) {
			t.Errorf("the page of a grant with no budget shows %q", unwanted)
		}
	}
}

// spendOf is grant gid's spend returns, oldest first.
func spendOf(t *testing.T, h *webH, pid, gid string) []domain.SpendReturn {
	t.Helper()
	s, _, err := h.Svc.Open(context.Background(), caller(uLead), pid).ListSpend(gid, service.Page{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// spendForm is the spend form for the period from (d, m, y) to (d, m, y)
// with amounts by line.
func spendForm(from, to [3]string, lines ...string) url.Values {
	v := url.Values{"periodStart-day": {from[0]}, "periodStart-month": {from[1]}, "periodStart-year": {from[2]},
		"periodEnd-day": {to[0]}, "periodEnd-month": {to[1]}, "periodEnd-year": {to[2]}}
	for i := 0; i+1 < len(lines); i += 2 {
		v.Set("lines."+lines[i], lines[i+1])
	}
	return v
}

// TestSpendForDaysAlreadyReportedPage: the project lead reports January to
// March 2011, then sends the form for February. Nothing is saved; the 409
// page names the return that covers those days and links to correcting
// it, which opens that return's correction form.
func TestSpendForDaysAlreadyReportedPage(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	pl := h.as(t, uPL)
	g := "/app/programmes/" + f.PID + "/grants/" + f.GrantX
	pl.get(g + "/spend/new")
	pg := pl.post(g+"/spend/new", spendForm([3]string{"1", "1", "2011"}, [3]string{"31", "3", "2011"}, "staff", "40,000"))
	if pg.Status != http.StatusSeeOther {
		t.Fatalf("the quarter: %d\n%s", pg.Status, excerpt(pg.Body))
	}
	quarter := spendOf(t, h, f.PID, f.GrantX)[0]

	pl.get(g + "/spend/new")
	pg = pl.post(g+"/spend/new", spendForm([3]string{"1", "2", "2011"}, [3]string{"28", "2", "2011"}, "staff", "1,000"))
	correct := g + "/spend/new?replaces=" + quarter.ID
	for _, want := range []string{`data-testid="error-title">Spend for these dates is already reported<`,
		"Spend for January to March 2011 is already reported —", `href="` + html.EscapeString(correct) + `">correct that return<`,
		"To change what was spent then, correct that return. To report other dates, go back and change the period. Nothing was saved."} {
		if pg.Status != http.StatusConflict || !strings.Contains(pg.Body, want) {
			t.Errorf("February, inside the quarter reported: %d, lacks %q\n%s", pg.Status, want, excerpt(pg.Body))
		}
	}
	if n := len(spendOf(t, h, f.PID, f.GrantX)); n != 1 {
		t.Errorf("%d spend returns stored, want the quarter's only", n)
	}
	form := pl.get(correct)
	if form.Status != http.StatusOK || !strings.Contains(form.Body, "Correct a spend return") ||
		!strings.Contains(form.Body, `name="replaces" value="`+quarter.ID+`"`) || !strings.Contains(form.Body, `value="40000.00"`) {
		t.Errorf("the link's correction form: %d\n%s", form.Status, excerpt(form.Body))
	}
}

// TestSpendReportedOverTheGrant: spend returns may add up to more than the
// grant (real projects overspend), but the page confirming the return that
// takes it there says so, with the figures; one that does not, does not.
func TestSpendReportedOverTheGrant(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	pl := h.as(t, uPL)
	g := "/app/programmes/" + f.PID + "/grants/" + f.GrantX // £310,000
	for i, c := range []struct {
		from, to [3]string
		over     bool
	}{
		{[3]string{"1", "1", "2011"}, [3]string{"31", "3", "2011"}, false},
		{[3]string{"1", "4", "2011"}, [3]string{"30", "6", "2011"}, true},
	} {
		pl.get(g + "/spend/new")
		pg := pl.post(g+"/spend/new", spendForm(c.from, c.to, "staff", "200,000"))
		if pg.Status != http.StatusSeeOther {
			t.Fatalf("return %d: %d\n%s", i, pg.Status, excerpt(pg.Body))
		}
		done := pl.get(pg.Header.Get("Location"))
		said := strings.Contains(html.UnescapeString(done.Body), `data-testid="over-award">The grant's reported spend is now £400,000.00, more than its amount of £310,000.00.`)
		if !strings.Contains(done.Body, "Spend reported") || said != c.over || strings.Contains(done.Body, "over-award") != c.over {
			t.Errorf("return %d confirmed: says over %v, want %v\n%s", i, said, c.over, excerpt(done.Body))
		}
	}
	// The return's own page, later, is the return's: no banner.
	if pg := pl.get(g); !strings.Contains(pg.Body, "£400,000.00") {
		t.Errorf("the grant page lacks the spend\n%s", excerpt(pg.Body))
	}
}

// TestSpendFormAmountProblems: each amount that cannot be taken is named
// beside its own line; a negative one says so, as the outcome form says
// of a negative count; "at least one line" is said only when no line was
// filled in. Personal data in the notes is named in the same round as the
// amounts (and on the outcome form, beside a bad count).
func TestSpendFormAmountProblems(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	pl := h.as(t, uPL)
	g := "/app/programmes/" + f.PID + "/grants/" + f.GrantX
	period := func(lines ...string) url.Values {
		return spendForm([3]string{"1", "1", "2011"}, [3]string{"31", "3", "2011"}, lines...)
	}
	for _, c := range []struct {
		name    string
		form    url.Values
		want    []string
		notWant []string
	}{
		{"-5 and abc", period("staff", "-5", "travel", "abc"),
			[]string{"Spend: staff must not be negative", "Spend: travel must be an amount in pounds, like 310,000.00",
				`href="#f-lines-staff"`, `href="#f-lines-travel"`},
			[]string{"At least one line is required", "Spend: staff must be an amount in pounds"}},
		{"abc only", period("travel", "abc"),
			[]string{"Spend: travel must be an amount in pounds, like 310,000.00"}, []string{"At least one line is required"}},
		{"£-5", period("staff", "£-5"), []string{"Spend: staff must not be negative"}, nil},
		{"nothing", period(), []string{"At least one line is required"}, nil},
		{"an amount and personal data", func() url.Values {
			v := period("staff", "-5")
			v.Set("notes", "paid jane@x.org")
			return v
		}(), []string{"Spend: staff must not be negative", `href="#f-notes"`, "Notes appears to contain an email address"}, nil},
	} {
		pl.get(g + "/spend/new")
		pg := pl.post(g+"/spend/new", c.form)
		if pg.Status != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400\n%s", c.name, pg.Status, excerpt(pg.Body))
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(pg.Body, w) {
				t.Errorf("%s: lacks %q\n%s", c.name, w, excerpt(pg.Body))
			}
		}
		for _, w := range c.notWant {
			if strings.Contains(pg.Body, w) {
				t.Errorf("%s: says %q\n%s", c.name, w, excerpt(pg.Body))
			}
		}
	}
	if n := len(spendOf(t, h, f.PID, f.GrantX)); n != 0 {
		t.Errorf("%d spend returns stored from refused forms", n)
	}

	// The outcome form: a negative count and an email address in the notes, at once.
	o := "/app/programmes/" + f.PID + "/projects/" + f.ProjectA + "/outcomes/new"
	pl.get(o)
	pg := pl.post(o, url.Values{"periodStart-day": {"1"}, "periodStart-month": {"1"}, "periodStart-year": {"2011"},
		"periodEnd-day": {"31"}, "periodEnd-month": {"3"}, "periodEnd-year": {"2011"},
		"counts.referrals": {"-5"}, "counts.peopleIntoWork": {"2"}, "notes": {"call 07700 900123"}})
	for _, w := range []string{"Referrals must not be negative", `href="#f-notes"`, "Notes appears to contain a phone number"} {
		if pg.Status != http.StatusBadRequest || !strings.Contains(pg.Body, w) {
			t.Errorf("the outcome form with a negative count and a phone number: %d, lacks %q\n%s", pg.Status, w, excerpt(pg.Body))
		}
	}
}
