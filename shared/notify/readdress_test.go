package notify_test

// A pending email goes to the people in its roles as they are when a run
// tries it (SPEC, API: "a funder's contacts change as people move on; the
// next milestone email goes to the contacts as they are then"; the
// reporting-cycle and payment emails "follow the same rules"): someone
// who left the role after the email was recorded, and before it reached
// them, is not emailed, and is listed withdrawn, saying why; someone who
// joined it gets the email still pending. Whoever had it, refused it or is
// being sent it is never emailed again, however runs overlap.

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/notify"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// setContacts changes a funder's contacts, as a lead would.
func (e *env) setContacts(programmeID, funderID string, contacts ...string) {
	e.t.Helper()
	if _, err := e.svc.Open(e.t.Context(), testkit.AdminCaller(), programmeID).UpdateFunder(funderID, func(int64) bool { return true },
		testkit.Body(obj{"contacts": contacts})); err != nil {
		e.t.Fatal(err)
	}
}

// noteAs is notification id as who reads it (a funder: its own contacts
// only).
func (e *env) noteAs(who domain.Caller, programmeID, id string) domain.Notification {
	e.t.Helper()
	n, err := e.svc.Open(e.t.Context(), who, programmeID).Notification(id)
	if err != nil {
		e.t.Fatalf("notification %s as %s: %v", id, who.Email, err)
	}
	return n
}

// readdressed finds, in notification id's history, the notifier's change
// of its recipients, and reports what it says of them after.
func (e *env) readdressed(programmeID, id string) (recipients, withdrawn string) {
	e.t.Helper()
	hist, _, err := e.svc.Open(e.t.Context(), testkit.AdminCaller(), programmeID).History(domain.Ref(domain.EntityNotification, id), service.Page{})
	if err != nil {
		e.t.Fatal(err)
	}
	for _, ev := range hist {
		if ev.Action == domain.ActionChange && ev.ActorEmail == notify.Actor.Email {
			return fmt.Sprint(ev.Changes["recipients"].After), fmt.Sprint(ev.Changes["withdrawn"].After)
		}
	}
	e.t.Errorf("notification %s: no change of its recipients in its history %+v", id, hist)
	return "", ""
}

// throttleSecond throttles the second send, and no other: the first
// recipient has the email, the run stops sending, and the rest wait for a
// retry.
func throttleSecond(_ string, call int) error {
	if call == 1 {
		return throttled()
	}
	return nil
}

// TestRetrySkipsARemovedContact: a contact taken off the funder between
// the first try and the retry is not emailed: listed withdrawn, as no
// longer a contact, with the change in the email's history; a removed
// contact who had the email already stays listed as having it, and is
// not emailed again. Each funder sees only its own contacts among them.
func TestRetrySkipsARemovedContact(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w, tg := reachedWorld(e)
	id := domain.NotificationID(tg.ID, domain.KindReached, 100)
	// Sorted: the Department of Health's two contacts, then the DWP's.
	commissioning, finance, grants, officer := w.contacts[0], w.contacts[1], w.contacts[2], w.contacts[3]
	e.ses.setFail(throttleSecond)
	if rep := e.run(); rep.Claimed != 1 || rep.Emails != 2 || rep.Retrying != 1 {
		t.Fatalf("first run: %+v", rep)
	}
	e.ses.setFail(nil)
	e.expectMail(each(reachedSubject, commissioning))

	// The DWP's officer moves on before the email reached them; the
	// Department of Health's commissioning contact, who had it, too.
	e.setContacts(w.prog.ID, w.dwp.ID, grants)
	e.setContacts(w.prog.ID, w.doh.ID, finance)
	e.clk.Add(5 * time.Minute)
	if rep := e.run(); rep.Emails != 2 || rep.Sent != 1 || rep.Readdressed != 1 {
		t.Errorf("the retry: %+v", rep)
	}
	e.expectMail(each(reachedSubject, commissioning, finance, grants))
	if calls := e.ses.calls(); calls[officer] != 0 || calls[commissioning] != 1 {
		t.Errorf("SendEmail calls %v: none to the officer who left, one to the contact who had it", calls)
	}
	n := e.notifications(w.prog.ID)[id]
	had := []string{commissioning, finance, grants}
	if n.Status != domain.NotificationSent || !slices.Equal(n.Recipients, had) || !slices.Equal(slices.Sorted(slices.Values(n.Delivered)), had) ||
		!slices.Equal(n.Withdrawn, []domain.Withdrawal{{Email: officer, Reason: domain.WithdrawnNoLongerContact}}) {
		t.Errorf("the notification: status %s, recipients %v, delivered %v, withdrawn %v; want sent to %v, %s withdrawn as no longer a contact",
			n.Status, n.Recipients, n.Delivered, n.Withdrawn, had, officer)
	}
	recipients, withdrawn := e.readdressed(w.prog.ID, id)
	if strings.Contains(recipients, officer) || !strings.Contains(recipients, commissioning) ||
		!strings.Contains(withdrawn, officer) || !strings.Contains(withdrawn, string(domain.WithdrawnNoLongerContact)) {
		t.Errorf("its history's change: recipients %s, withdrawn %s", recipients, withdrawn)
	}

	// Each funder sees its own: the DWP its contact withdrawn, the
	// Department of Health neither of the DWP's.
	dwpViewer, dohViewer := e.addr("viewer", "dwp.example.gov.uk"), e.addr("viewer", "dh.example.gov.uk")
	e.member(w.prog.ID, dwpViewer, testkit.RoleFunder(w.dwp.ID))
	e.member(w.prog.ID, dohViewer, testkit.RoleFunder(w.doh.ID))
	if got := e.noteAs(testkit.Caller(dwpViewer), w.prog.ID, id); !slices.Equal(got.Recipients, []string{grants}) ||
		len(got.Withdrawn) != 1 || got.Withdrawn[0].Email != officer {
		t.Errorf("the DWP sees recipients %v, withdrawn %v", got.Recipients, got.Withdrawn)
	}
	if got := e.noteAs(testkit.Caller(dohViewer), w.prog.ID, id); !slices.Equal(got.Recipients, []string{commissioning, finance}) ||
		got.Withdrawn != nil {
		t.Errorf("the Department of Health sees recipients %v, withdrawn %v", got.Recipients, got.Withdrawn)
	}

	e.clk.Add(time.Hour)
	if rep := e.run(); rep.Emails != 0 || rep.Readdressed != 0 {
		t.Errorf("a later run: %+v", rep)
	}
}

// TestRetryReachesAnAddedContact: a contact a funder gains while its
// email is still pending gets it on the retry, once, with the rest; the
// funder sees them among its contacts it went to.
func TestRetryReachesAnAddedContact(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w, tg := reachedWorld(e)
	id := domain.NotificationID(tg.ID, domain.KindReached, 100)
	e.ses.setFail(throttleSecond)
	if rep := e.run(); rep.Emails != 2 || rep.Retrying != 1 {
		t.Fatalf("first run: %+v", rep)
	}
	e.ses.setFail(nil)

	newcomer := e.addr("newcomer", "dwp.example.gov.uk")
	e.setContacts(w.prog.ID, w.dwp.ID, slices.Concat(w.dwp.Contacts, []string{newcomer})...)
	e.clk.Add(5 * time.Minute)
	if rep := e.run(); rep.Emails != 4 || rep.Sent != 1 || rep.Readdressed != 1 {
		t.Errorf("the retry: %+v", rep)
	}
	all := slices.Sorted(slices.Values(slices.Concat(w.contacts, []string{newcomer})))
	e.expectMail(each(reachedSubject, all...))
	n := e.notifications(w.prog.ID)[id]
	if n.Status != domain.NotificationSent || !slices.Equal(n.Recipients, all) || len(n.Delivered) != len(all) || n.Withdrawn != nil {
		t.Errorf("the notification: status %s, recipients %v, delivered %v, withdrawn %v; want sent to %v",
			n.Status, n.Recipients, n.Delivered, n.Withdrawn, all)
	}
	if !slices.Contains(n.FunderContacts[w.dwp.ID], newcomer) || slices.Contains(n.FunderContacts[w.doh.ID], newcomer) {
		t.Errorf("funderContacts %v: the newcomer is the DWP's", n.FunderContacts)
	}
	viewer := e.addr("viewer", "dwp.example.gov.uk")
	e.member(w.prog.ID, viewer, testkit.RoleFunder(w.dwp.ID))
	if got := e.noteAs(testkit.Caller(viewer), w.prog.ID, id); !slices.Contains(got.Recipients, newcomer) || !slices.Contains(got.Delivered, newcomer) {
		t.Errorf("the DWP sees recipients %v, delivered %v: want its newcomer among them", got.Recipients, got.Delivered)
	}
	e.clk.Add(time.Hour)
	if rep := e.run(); rep.Emails != 0 {
		t.Errorf("a later run: %+v", rep)
	}
}

// TestOvertakenRetryAfterContactsChangeSendsOnce: a run stalls inside
// SES's call to one contact; that contact moves on, another leaves before
// the email reached them, and a newcomer joins; three runs at once then
// find the stalled run's lease run out. The one that takes the email over
// sends it to the newcomer and those still to have it, not to the one who
// left, and not again to the stalled one (in flight: not known to be
// delivered, whoever its funder's contacts are now); the stalled run,
// waking, sends nothing more. Nobody has two emails.
func TestOvertakenRetryAfterContactsChangeSendsOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w, tg := reachedWorld(e)
	id := domain.NotificationID(tg.ID, domain.KindReached, 100)
	commissioning, finance, grants, officer := w.contacts[0], w.contacts[1], w.contacts[2], w.contacts[3]
	stalled, resume := make(chan struct{}), make(chan struct{})
	e.ses.setFail(func(_ string, call int) error {
		if call == 0 {
			close(stalled)
			<-resume
		}
		return nil
	})
	done := make(chan error)
	go func() {
		_, err := runSafely(t.Context(), e.notifier())
		done <- err
	}()
	<-stalled

	newcomer := e.addr("newcomer", "dwp.example.gov.uk")
	e.setContacts(w.prog.ID, w.doh.ID, finance)
	e.setContacts(w.prog.ID, w.dwp.ID, grants, newcomer)
	e.clk.Add(2 * time.Minute) // past the stalled run's lease
	total := runsAtOnce(t, 3, e.notifier)
	if total.Emails != 3 || total.Readdressed != 1 || total.Failed != 1 {
		t.Errorf("the runs that took over: %+v", total)
	}
	close(resume)
	if err := <-done; err != nil {
		t.Errorf("the stalled run: %v", err)
	}
	e.clk.Add(time.Hour)
	if rep := e.run(); rep.Emails != 0 {
		t.Errorf("a later run: %+v", rep)
	}
	calls := e.ses.calls()
	for _, to := range []string{commissioning, finance, grants, newcomer} {
		if calls[to] != 1 {
			t.Errorf("%d SendEmail calls to %s, want 1", calls[to], to)
		}
	}
	if calls[officer] != 0 {
		t.Errorf("%d SendEmail calls to %s, who left before the email reached them", calls[officer], officer)
	}
	e.expectMail(each(reachedSubject, commissioning, finance, grants, newcomer))
	n := e.notifications(w.prog.ID)[id]
	if n.Status != domain.NotificationFailed || !strings.Contains(n.LastError, "not known to be delivered to "+commissioning) ||
		!slices.Equal(n.Recipients, []string{commissioning, finance, grants, newcomer}) ||
		!slices.Equal(n.Withdrawn, []domain.Withdrawal{{Email: officer, Reason: domain.WithdrawnNoLongerContact}}) {
		t.Errorf("the notification: %+v", n)
	}
}

// TestRetriedReminderGoesToTheProjectLeadsNow: a return's reminder whose
// first try failed in passing goes, on the retry, to the project's lead
// as it then is: the one who stood down is withdrawn, as no longer its
// project lead, and the one who took over has it.
func TestRetriedReminderGoesToTheProjectLeadsNow(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.cycle()
	e.clk.Set("2026-04-13T09:00:00Z")
	e.ses.setFail(func(_ string, call int) error {
		if call == 0 {
			return throttled()
		}
		return nil
	})
	if rep := e.run(); rep.Claimed != 1 || rep.Retrying != 1 {
		t.Fatalf("the reminder's first try: %+v", rep)
	}
	e.ses.setFail(nil)
	successor := e.addr("pl2", "aspiro.org.uk")
	e.member(c.prog.ID, successor, testkit.RoleProjectLead(c.project.ID))
	if err := e.svc.Open(t.Context(), testkit.AdminCaller(), c.prog.ID).DeleteMember(c.projLead); err != nil {
		t.Fatal(err)
	}
	e.clk.Add(5 * time.Minute)
	if rep := e.run(); rep.Emails != 1 || rep.Sent != 1 || rep.Readdressed != 1 {
		t.Errorf("the retry: %+v", rep)
	}
	e.expectMail(each(reminderQ1, successor))
	id := domain.ReturnNotificationID(c.q1(), domain.ReturnNotice{Kind: domain.KindReminder, Reminder: 7})
	n := e.notifications(c.prog.ID)[id]
	if n.Status != domain.NotificationSent || !slices.Equal(n.Recipients, []string{successor}) ||
		!slices.Equal(n.Withdrawn, []domain.Withdrawal{{Email: c.projLead, Reason: domain.WithdrawnNoLongerProjectLead}}) {
		t.Errorf("the reminder: %+v", n)
	}
}
