package notify_test

import (
	"slices"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestPaymentEmailGoesToTheGrantsFunderWhenSent: a payment falls due, its
// email recorded for the grant's funder then (DWP); the grant is given to
// another funder (DH) before the notifier's turn. The email goes to DH's
// contacts and the leads, not to DWP's; the notification names DH, and
// DWP's member no longer lists it while DH's does (DynamoDB Local and the
// SES emulator).
func TestPaymentEmailGoesToTheGrantsFunderWhenSent(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w, g := e.moneyWorld()
	dwpMember, dohMember := e.addr("dwp.member", "dwp.example.gov.uk"), e.addr("dh.member", "dh.example.gov.uk")
	e.member(w.prog.ID, dwpMember, testkit.RoleFunder(w.dwp.ID))
	e.member(w.prog.ID, dohMember, testkit.RoleFunder(w.doh.ID))
	pay := e.build().Payment(w.prog.ID, g.ID, testkit.DatedPaymentBody(1_000_00, "2026-01-02")) // due at once
	id := domain.PaymentNotificationID(pay.ID)
	if n := e.notifications(w.prog.ID)[id]; !slices.Equal(n.FunderIDs, []string{w.dwp.ID}) {
		t.Fatalf("the email as the payment fell due: %+v", n)
	}
	if _, err := e.svc.Open(t.Context(), testkit.AdminCaller(), w.prog.ID).UpdateGrant(g.ID, func(int64) bool { return true },
		testkit.Body(obj{"funderId": w.doh.ID})); err != nil {
		t.Fatal(err)
	}
	e.run()
	got := map[string]int{}
	for k, n := range e.inbox.Count(t) {
		got[k[0]] += n
	}
	for _, a := range append(slices.Clone(w.doh.Contacts), w.lead) {
		if got[a] != 1 {
			t.Errorf("%s, of the grant's funder now or a lead, got %d emails, want 1 (all: %v)", a, got[a], got)
		}
	}
	for _, a := range w.dwp.Contacts {
		if got[a] != 0 {
			t.Errorf("%s, a contact of the grant's former funder, was emailed (all: %v)", a, got)
		}
	}
	n := e.notifications(w.prog.ID)[id]
	if n.Status != domain.NotificationSent || !slices.Equal(n.FunderIDs, []string{w.doh.ID}) {
		t.Errorf("the email once sent: %+v", n)
	}
	listed := func(who string) bool {
		items, _, err := e.svc.Open(t.Context(), testkit.Caller(who), w.prog.ID).ListNotifications(service.Page{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		return slices.ContainsFunc(items, func(n domain.Notification) bool { return n.ID == id })
	}
	if listed(dwpMember) || !listed(dohMember) {
		t.Errorf("listed to the former funder's member: %v, to the funder's now: %v; want false, true", listed(dwpMember), listed(dohMember))
	}
}

// TestPaymentEmailGoesToTheGrantsFunderWhenSentMem is
// TestPaymentEmailGoesToTheGrantsFunderWhenSent over the service's
// in-memory fake.
func TestPaymentEmailGoesToTheGrantsFunderWhenSentMem(t *testing.T) {
	t.Parallel()
	e := newMemEnv(t)
	w := e.world()
	b := testkit.NewBuilder(t, e.svc)
	funders, _, err := e.svc.Open(t.Context(), testkit.AdminCaller(), w.prog.ID).ListFunders(service.Page{Limit: 10})
	if err != nil || len(funders) != 2 {
		t.Fatalf("funders: %v %v", funders, err)
	}
	dwp, doh := funders[0], funders[1]
	if dwp.Name != "Department for Work and Pensions" {
		dwp, doh = doh, dwp
	}
	g := b.Grant(w.prog.ID, obj{"funderId": dwp.ID, "projectId": w.project.ID, "title": "Employment specialists",
		"amountPence": 100_000_00, "currency": "GBP", "awardDate": "2026-01-01", "startDate": "2026-01-01", "endDate": "2027-12-31"})
	b.Member(w.prog.ID, "dwp.member@dwp.example.gov.uk", testkit.RoleFunder(dwp.ID))
	b.Member(w.prog.ID, "dh.member@dh.example.gov.uk", testkit.RoleFunder(doh.ID))
	pay := b.Payment(w.prog.ID, g.ID, testkit.DatedPaymentBody(1_000_00, "2026-01-02"))
	id := domain.PaymentNotificationID(pay.ID)
	if _, err := e.svc.Open(t.Context(), testkit.AdminCaller(), w.prog.ID).UpdateGrant(g.ID, func(int64) bool { return true },
		testkit.Body(obj{"funderId": doh.ID})); err != nil {
		t.Fatal(err)
	}
	e.run()
	e.mail.mu.Lock()
	got := map[string]int{}
	for _, m := range e.mail.sent {
		got[m.To]++
	}
	e.mail.mu.Unlock()
	for _, a := range append(slices.Clone(doh.Contacts), "network.lead@lpt.example.nhs.uk") {
		if got[a] != 1 {
			t.Errorf("%s got %d emails, want 1 (all: %v)", a, got[a], got)
		}
	}
	for _, a := range dwp.Contacts {
		if got[a] != 0 {
			t.Errorf("%s, a contact of the grant's former funder, was emailed (all: %v)", a, got)
		}
	}
	if n := e.note(w, id); n.Status != domain.NotificationSent || !slices.Equal(n.FunderIDs, []string{doh.ID}) {
		t.Errorf("the email once sent: %+v", n)
	}
	listed := func(who string) bool {
		items, _, err := e.svc.Open(t.Context(), testkit.Caller(who), w.prog.ID).ListNotifications(service.Page{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		return slices.ContainsFunc(items, func(n domain.Notification) bool { return n.ID == id })
	}
	if listed("dwp.member@dwp.example.gov.uk") || !listed("dh.member@dh.example.gov.uk") {
		t.Errorf("listed to the former funder's member, or not to the funder's now")
	}
}
