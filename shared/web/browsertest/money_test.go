package browsertest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// The money part of the story (issue 14), as each role lives it: the lead
// gives the DWP's grant a budget and tranches (one already due by date, one
// released by the target the outcomes have reached, one by a return
// already accepted, one to come); the project lead reports spend and
// corrects it, without JavaScript; the notifier makes three tranches due
// and emails the DWP once for each; the lead's form, opened before, meets
// the stale-version page, then records the payment; the funder sees the
// money and no way to change it. The pages' figures agree with the
// service's to the penny.

// moneyState is what the money scenarios hand on.
type moneyState struct {
	dated, milestone, onReturn, later string // payment ids
}

func (s *suite) paymentByAmount(t *testing.T, pence int64) domain.Payment {
	t.Helper()
	ps, _, err := s.srv.Svc.Open(context.Background(), adminCaller, s.fx.PID).ListPayments(s.grantID, service.Page{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if p.AmountPence == pence {
			return p
		}
	}
	t.Fatalf("no payment of %d pence: %s", pence, describe(ps))
	return domain.Payment{}
}

func (s *suite) leadBudgetsAndRecordsTranches(t *testing.T) {
	// Quarterly returns, set up (as the reporting story sets them up in its
	// own programme); the quarters the fixture's outcomes already cover
	// are accepted.
	sched, err := s.srv.Svc.Open(context.Background(), adminCaller, s.fx.PID).CreateSchedule(testkit.Body(map[string]any{
		"name": "Quarterly returns", "frequency": "quarterly", "firstPeriodStart": "2025-04-01", "lastPeriodEnd": "2027-03-31"}))
	if err != nil {
		t.Fatal(err)
	}
	q3 := domain.ReturnID(sched.ID, s.fx.ProjectA, domain.MustDate("2025-07-01"))
	tb := s.newTab(t, uLead, true)
	defer tb.checkConsole()
	tb.signIn(uLead)
	grant := s.base() + "/grants/" + s.grantID
	if st := tb.open(grant); st != 200 {
		tb.fail("the grant page answered %d", st)
	}
	tb.followWant("#change-grant", 200)
	tb.fill("#f-budget-staff", "250,000.00")
	tb.fill("#f-budget-training", "10,000")
	tb.fill("#f-budget-travel", "20,000")
	tb.fill("#f-budget-overheads", "29,000") // £1,000 short
	tb.followWant("#submit", 400)
	if got := tb.text(`[data-testid="error-f-budget"]`); !strings.Contains(got, "£309,000.00") || !strings.Contains(got, "£310,000.00") {
		tb.fail("the budget's problem reads %q", got)
	}
	tb.a11y("grant form with a budget problem")
	tb.fill("#f-budget-overheads", "30,000")
	tb.followWant("#submit", 200)
	if p := tb.path(); p != grant {
		tb.fail("after saving the budget the browser is at %s", p)
	}

	// Three tranches.
	tranche := func(amount, kind string, fill func()) {
		tb.followWant("#record-payment", 200)
		tb.fill("#f-amountPence", amount)
		tb.tick(`input[name="trigger.kind"][value="` + kind + `"]`)
		fill()
		tb.followWant("#submit", 200)
		if p := tb.path(); p != grant {
			tb.fail("after recording a tranche the browser is at %s", p)
		}
	}
	tranche("100,000.00", "date", func() { tb.fillDate("f-dueDate", 1, 4, 2025) })
	tb.a11y("grant with a tranche")
	tranche("60,000.00", "milestone", func() {
		tb.choose("#f-trigger-targetId", s.targetID)
		tb.fill("#f-trigger-threshold", "100")
		tb.fillDate("f-dueDate", 30, 6, 2026) // expected
	})
	tranche("50,000.00", "return", func() { tb.choose("#f-trigger-returnId", q3) })
	tranche("40,000.00", "date", func() { tb.fillDate("f-dueDate", 31, 3, 2027) })
	// A fifth would take the grant past its award: refused beside the amount.
	tb.followWant("#record-payment", 200)
	tb.a11y("record a payment")
	tb.fill("#f-amountPence", "60,000.01")
	tb.fillDate("f-dueDate", 31, 3, 2027)
	tb.followWant("#submit", 400)
	if got := tb.text(`[data-testid="error-f-amountPence"]`); !strings.Contains(got, "£310,000.00") {
		tb.fail("the over-award problem reads %q", got)
	}
	tb.a11y("record a payment, refused")

	s.money.dated = s.paymentByAmount(t, 100_000_00).ID
	s.money.milestone = s.paymentByAmount(t, 60_000_00).ID
	s.money.onReturn = s.paymentByAmount(t, 50_000_00).ID
	s.money.later = s.paymentByAmount(t, 40_000_00).ID
	tb.open(grant)
	// Each is due as soon as its trigger holds: the first's date has
	// passed, the target is reached and the return accepted already; the
	// last waits for its date.
	for id, want := range map[string]string{s.money.dated: "Due", s.money.milestone: "Due", s.money.onReturn: "Due", s.money.later: "Scheduled"} {
		if got := tb.text(`[data-testid="payment-` + id + `"] [data-testid="payment-status"]`); got != want {
			tb.fail("payment %s shows %q, want %s", id, got, want)
		}
	}
	tb.screenshot("grant-tranches-lead.png")

}

func (s *suite) projectLeadReportsSpend(t *testing.T) {
	tb := s.newTab(t, uPL, false)
	defer tb.checkConsole()
	tb.signIn(uPL)
	grant := s.base() + "/grants/" + s.grantID
	tb.open(grant)
	if tb.count("#record-payment") != 0 || tb.count(`[data-testid="change-payment"]`) != 0 {
		tb.fail("the project lead is offered payment forms")
	}
	tb.followWant("#report-spend", 200)
	tb.a11y("report spend")
	if tb.count("#f-lines-equipment") != 0 {
		tb.fail("the spend form offers a line the budget does not have")
	}
	tb.fillDate("f-periodStart", 1, 4, 2025)
	tb.fillDate("f-periodEnd", 30, 6, 2025)
	tb.fill("#f-lines-staff", "40,000.00")
	tb.fill("#f-lines-travel", "2,500.50")
	tb.fill("#f-notes", "Two specialists from April")
	tb.followWant("#submit", 200)
	if got := tb.text(`[data-testid="spend-total"]`); got != "£42,500.50" {
		tb.fail("the spend return's total is %q", got)
	}
	tb.a11y("spend return")
	tb.followWant("#correct-spend", 200)
	if got := tb.value("#f-lines-travel"); got != "2500.50" {
		tb.fail("the correction starts from travel %q", got)
	}
	tb.fill("#f-lines-travel", "2,400.00")
	tb.followWant("#submit", 200)
	if got := tb.text(`[data-testid="spend-total"]`); got != "£42,400.00" {
		tb.fail("the correction's total is %q", got)
	}
	tb.open(grant)
	if got := tb.text(`[data-testid="budget-travel"] [data-testid="spent"]`); got != "£2,400.00" {
		tb.fail("travel spent on the grant page: %q", got)
	}
	if got := tb.text(`[data-testid="money-spent"]`); got != "£42,400.00" {
		tb.fail("spent on the grant page: %q", got)
	}
	// The bars are hidden from assistive technology; the table says it all.
	if tb.attr(`[data-testid="budget-bars"]`, "aria-hidden") != "true" || tb.count(`[data-testid="budget-table"] tbody tr`) != 4 {
		tb.fail("the budget is not a hidden bar chart with a table behind it")
	}
	tb.a11y("grant with spend")
	tb.screenshot("grant-spend-project-lead.png")
}

func (s *suite) tranchesFallDue(t *testing.T) {
	// The lead opens the dated tranche's form, and sends it only after
	// another lead has recorded it paid meanwhile; the notifier runs in
	// between, emailing the tranches due.
	grant := s.base() + "/grants/" + s.grantID
	tb := s.newTab(t, uLead, false)
	defer tb.checkConsole()
	tb.signIn(uLead)
	if st := tb.open(grant + "/payments/" + s.money.dated + "/change"); st != 200 {
		tb.fail("the payment form answered %d", st)
	}
	tb.a11y("record a payment made")
	tb.fillDate("f-paidDate", 3, 4, 2025)
	tb.fill("#f-reference", "BACS 000123")

	before := len(s.srv.Mail.To(dwpContact))
	for range 2 { // a second run sends nothing more
		if _, err := s.srv.Notifier.Run(context.Background()); err != nil {
			t.Fatalf("notifier: %v", err)
		}
	}
	var subjects []string
	for _, m := range s.srv.Mail.To(dwpContact)[before:] {
		subjects = append(subjects, m.Subject)
	}
	for amount, released := range map[string]string{"£100,000.00": "on 1 April 2025",
		"£60,000.00": fmt.Sprintf("at 100%% of the programme's target of %d people into work", targetValue),
		"£50,000.00": "on the return for July to September 2025"} {
		// A project's grant; each subject says briefly what released it.
		want := "Payment due: " + amount + " for Employment specialists, " + released + " (" + s.fx.ProjectAName + ", " + s.fx.Name + ")"
		n := 0
		for _, sub := range subjects {
			if sub == want {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%d emails %q to the DWP, want 1 (all: %q)", n, want, subjects)
		}
	}
	if len(subjects) != 3 {
		t.Errorf("the DWP got %d emails, want 3: %q", len(subjects), subjects)
	}
	if n := len(s.srv.Mail.To(uLead)); n < 3 {
		t.Errorf("the lead got %d emails, want the 3 payment emails", n)
	}

	// Another lead records the tranche paid meanwhile.
	if _, err := s.srv.Svc.Open(context.Background(), adminCaller, s.fx.PID).UpdatePayment(s.grantID, s.money.dated,
		func(int64) bool { return true }, testkit.Body(map[string]any{"status": "paid", "paidDate": "2025-04-02", "reference": "BACS 000122"})); err != nil {
		t.Fatal(err)
	}
	// The lead's form, opened before that: nothing saved, the form again
	// as the tranche is now.
	tb.followWant("#submit", 412)
	if got := tb.text(`[data-testid="error-summary"]`); !strings.Contains(got, "changed by someone else") {
		tb.fail("the stale form says %q", got)
	}
	if got := tb.text(`[data-testid="payment-status"]`); got != "Paid" {
		tb.fail("the stale form shows the payment %q, want Paid", got)
	}
	tb.a11y("payment changed meanwhile")
	tb.screenshot("payment-stale.png")
	if p := s.paymentByAmount(t, 100_000_00); p.Status != domain.PaymentPaid || p.Reference != "BACS 000122" {
		t.Fatalf("the stale form saved: %s", describe(p))
	}
	tb.fillDate("f-paidDate", 3, 4, 2025)
	tb.fill("#f-reference", "BACS 000123")
	tb.followWant("#submit", 200)
	if got := tb.text(`[data-testid="payment-` + s.money.dated + `"] [data-testid="payment-status"]`); got != "Paid" {
		tb.fail("after paying, the tranche shows %q", got)
	}
	// And the milestone tranche, from the grant page.
	tb.followWant(`[data-testid="payment-`+s.money.milestone+`"] [data-testid="change-payment"]`, 200)
	tb.fillDate("f-paidDate", 1, 12, 2026)
	tb.followWant("#submit", 200)

	pr := s.srv.progress(t, s.fx.PID)
	m := pr.Money
	if m.PaidPence != 160_000_00 || m.DuePence != 50_000_00 || m.SpentPence != 42_400_00 {
		t.Fatalf("the service's money: %s", describe(m))
	}
	tb.open(s.base())
	for sel, pence := range map[string]int64{"money-awarded": m.AwardedPence, "money-paid": m.PaidPence, "money-due": m.DuePence,
		"money-spent": m.SpentPence} {
		if got := tb.text(`[data-testid="` + sel + `"]`); got != domain.Pounds(pence) {
			tb.fail("the dashboard's %s is %q, the service's %s", sel, got, domain.Pounds(pence))
		}
	}
	if c := pr.CostPerPersonIntoWorkSpentPence; c == nil || tb.text(`[data-testid="money-cost-spent"]`) != domain.Pounds(*c) {
		tb.fail("the dashboard's cost per person on spend is not the service's %v", c)
	}
	tb.a11y("dashboard with money")
}

func (s *suite) funderSeesMoney(t *testing.T) {
	tb := s.newTab(t, uFunder, true)
	defer tb.checkConsole()
	tb.signIn(uFunder)
	pr, err := s.srv.Svc.Open(context.Background(), domain.Caller{Identity: domain.Identity{Subject: "f", Email: uFunder}}, s.fx.PID).Progress()
	if err != nil {
		t.Fatal(err)
	}
	tb.open(s.base())
	if got, want := tb.text(`[data-testid="money-paid"]`), domain.Pounds(pr.Money.PaidPence); got != want || want != "£160,000.00" {
		tb.fail("the funder's money panel: paid %q, want %q", got, want)
	}
	if tb.count(`[data-testid="money-table"] tbody tr`) != 1 || tb.count(`[data-testid="money-cost-spent"]`) != 0 {
		tb.fail("the funder's money panel shows grants or figures it may not read")
	}
	tb.noEditForms("dashboard with money")
	grant := s.base() + "/grants/" + s.grantID
	tb.open(grant)
	tb.noEditForms("grant with money")
	for id, status := range map[string]string{s.money.dated: "Paid", s.money.milestone: "Paid", s.money.onReturn: "Due",
		s.money.later: "Scheduled"} {
		if got := tb.text(`[data-testid="payment-` + id + `"] [data-testid="payment-status"]`); got != status {
			tb.fail("the funder sees payment %s as %q, want %q", id, got, status)
		}
	}
	if got := tb.text(`[data-testid="budget-staff"] [data-testid="spent"]`); got != "£40,000.00" {
		tb.fail("the funder sees staff spend %q", got)
	}
	tb.a11y("grant, as the funder")
	tb.screenshot("grant-funder.png")
	tb.followWant(`[data-testid="spend-table"] tbody tr:last-child a`, 200)
	tb.noEditForms("spend return")
	tb.a11y("spend return, as the funder")
	for _, path := range []string{"/payments/new", "/payments/" + s.money.later + "/change", "/spend/new"} {
		if st := tb.open(grant + path); st != 403 {
			tb.fail("%s answered the funder %d, want 403", path, st)
		}
		tb.noEditForms(path)
	}
	if st := tb.open(s.base() + "/notifications"); st != 200 {
		tb.fail("the notifications page answered %d", st)
	}
	if got := tb.text(`[data-testid="notifications-table"] tbody`); !strings.Contains(got, "Payment due £100,000.00") ||
		!strings.Contains(got, "Payment due £60,000.00") || !strings.Contains(got, "Payment due £50,000.00") {
		tb.fail("the funder's notifications do not list the payments: %s", got)
	}
	tb.a11y("notifications with payments")
}
