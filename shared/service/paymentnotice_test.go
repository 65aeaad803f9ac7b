package service_test

import (
	"slices"
	"sync"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// TestPaymentEmailMovesWithItsGrantsFunder: a payment-due email is a
// funder's to read only while the payment is of a grant it funds. Two
// tranches of X's grant fall due; one's email has gone to X's contacts,
// the other's waits for the notifier. The grant is given to Y: at once,
// before any notifier run, X's member no longer lists or reads either
// (the list, the email alone, its history), Y's member lists the one
// still to go (which the notifier will send to Y's contacts) with none
// of X's contacts, but not the one that went to X's; leads see both.
// Given back to X, X reads both again. Only a funder's list reads the
// grants (one list of them), a lead's none.
func TestPaymentEmailMovesWithItsGrantsFunder(t *testing.T) {
	w := newWorld(t)
	sc := w.open(lead)
	pending := must(sc.CreatePayment(w.GXA, body(paymentBody(1_000_00, "2025-06-01"))))
	gone := must(sc.CreatePayment(w.GXA, body(paymentBody(2_000_00, "2025-07-01"))))
	if pending.Status != domain.PaymentDue || gone.Status != domain.PaymentDue {
		t.Fatalf("the tranches: %s and %s, want both due", pending.Status, gone.Status)
	}
	pendingID, goneID := domain.PaymentNotificationID(pending.ID), domain.PaymentNotificationID(gone.ID)
	// The second's email sent to X's contacts and the lead, as the
	// notifier sends it.
	to := append(slices.Clone(contactsX), emails[lead])
	if _, err := w.st.SetRecipients(w.ctx, w.P, goneID, to, map[string][]string{w.X: contactsX}); err != nil {
		t.Fatal(err)
	}
	for _, a := range to {
		if err := w.st.MarkDelivered(w.ctx, w.P, goneID, a); err != nil {
			t.Fatal(err)
		}
	}
	sent := domain.Notification{ID: goneID, ProgrammeID: w.P, Status: domain.NotificationSent, SentAt: &clock}
	if err := w.st.FinishNotification(w.ctx, sent, domain.NewAuditEvent(domain.NotifierCaller, w.P, domain.EntityNotification, goneID,
		domain.ActionSend, nil, map[string]any{"status": "sent"}, clock)); err != nil {
		t.Fatal(err)
	}

	var mu sync.Mutex
	var ops []string
	w.st.Before = func(op string) error {
		mu.Lock()
		ops = append(ops, op)
		mu.Unlock()
		return nil
	}
	defer func() { w.st.Before = nil }()
	// listed is what r lists of the two emails, each as listed; and, for
	// each, whether r may read it alone and its history.
	type seen struct {
		listed       map[string]domain.Notification
		one, history map[string]bool
		grantLists   int // lists of the grants read for the list
	}
	look := func(r role) seen {
		t.Helper()
		mu.Lock()
		ops = nil
		mu.Unlock()
		items := mustList(w.open(r).ListNotifications(service.Page{Limit: 100}))
		mu.Lock()
		s := seen{listed: map[string]domain.Notification{}, one: map[string]bool{}, history: map[string]bool{}}
		for _, op := range ops {
			if op == "ListGrants" {
				s.grantLists++
			}
		}
		mu.Unlock()
		for _, n := range items {
			if n.ID == pendingID || n.ID == goneID {
				s.listed[n.ID] = n
			}
		}
		for _, id := range []string{pendingID, goneID} {
			_, err := w.open(r).Notification(id)
			s.one[id] = err == nil
			if err != nil && domain.ErrorCode(err) != domain.CodeNotFound {
				t.Fatalf("as %s, notification %s: %v", r, id, err)
			}
			_, _, err = w.open(r).History(domain.Ref(domain.EntityNotification, id), service.Page{Limit: 10})
			s.history[id] = err == nil
			if err != nil && domain.ErrorCode(err) != domain.CodeNotFound {
				t.Fatalf("as %s, history of %s: %v", r, id, err)
			}
		}
		return s
	}
	want := func(when string, r role, ids ...string) seen {
		t.Helper()
		s := look(r)
		for _, id := range []string{pendingID, goneID} {
			w := slices.Contains(ids, id)
			if _, ok := s.listed[id]; ok != w || s.one[id] != w || s.history[id] != w {
				t.Errorf("%s, as %s, %s: listed %v, read alone %v, its history %v; want %v", when, r, id, ok, s.one[id], s.history[id], w)
			}
		}
		return s
	}

	s := want("X's grant", funderOwn, pendingID, goneID)
	if s.grantLists != 1 {
		t.Errorf("a funder's list read the grants %d times, want once", s.grantLists)
	}
	want("X's grant", funderOther)
	if s := want("X's grant", lead, pendingID, goneID); s.grantLists != 0 {
		t.Errorf("a lead's list read the grants %d times, want none", s.grantLists)
	}
	want("X's grant", plOwn) // project leads read their returns' emails, not payments'

	must(sc.UpdateGrant(w.GXA, always, body(map[string]any{"funderId": w.Y})))
	want("given to Y", funderOwn)
	y := want("given to Y", funderOther, pendingID)
	if n := y.listed[pendingID]; len(n.Recipients) != 0 || len(n.FunderContacts) != 0 || len(n.Withdrawn) != 0 {
		t.Errorf("Y's member sees recipients %v, contacts %v, withdrawn %v of an email not yet addressed to Y: want none", n.Recipients, n.FunderContacts, n.Withdrawn)
	}
	want("given to Y", lead, pendingID, goneID)

	must(sc.UpdateGrant(w.GXA, always, body(map[string]any{"funderId": w.X})))
	x := want("given back to X", funderOwn, pendingID, goneID)
	if n := x.listed[goneID]; !slices.Equal(n.Delivered, contactsX) {
		t.Errorf("X's member sees the email that went to it delivered to %v, want its own contacts %v", n.Delivered, contactsX)
	}
	want("given back to X", funderOther)
}
