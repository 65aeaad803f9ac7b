package notify_test

// A "reached" or "missed" email is claimed for the funders on its
// target's notify list as the run read it. One not sent in that run (SES
// throttled, the run stopped) goes, when a later run tries it, only to
// those of them still on the list: a funder a lead took off it meanwhile
// is not emailed, listed withdrawn as no longer notified, with the change
// in the email's history; one put on it meanwhile is not added, the
// milestone having been judged for the list as it was.

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// setNotify sets a target's notify list, as a lead would.
func (e *env) setNotify(programmeID, targetID string, funders ...string) {
	e.t.Helper()
	if funders == nil {
		funders = []string{}
	}
	if _, err := e.svc.Open(e.t.Context(), testkit.AdminCaller(), programmeID).UpdateTarget(targetID, func(int64) bool { return true },
		testkit.Body(obj{"notify": funders})); err != nil {
		e.t.Fatal(err)
	}
}

// unsentClaim claims the world's target's "reached" email for both its
// funders, and has SES throttle its first send, so nobody has it.
func unsentClaim(t *testing.T, e *env) (world, domain.Target, string) {
	t.Helper()
	w, tg := reachedWorld(e)
	e.ses.setFail(func(string, int) error { return throttled() })
	if rep := e.run(); rep.Claimed != 1 || rep.Emails != 1 || rep.Retrying != 1 {
		t.Fatalf("first run: %+v", rep)
	}
	e.ses.setFail(nil)
	e.expectMail(nil)
	return w, tg, domain.NotificationID(tg.ID, domain.KindReached, 100)
}

// TestRetrySkipsAFunderTakenOffTheNotifyList: the Department of Health
// is taken off the target's notify list, and another funder put on it,
// between the claim and the retry: the retry emails the DWP's contacts
// only, withdraws the Department of Health's as no longer notified, and
// later runs send nothing more.
func TestRetrySkipsAFunderTakenOffTheNotifyList(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w, tg, id := unsentClaim(t, e)
	commissioning, finance, grants, officer := w.contacts[0], w.contacts[1], w.contacts[2], w.contacts[3]
	late := e.funder(w.prog.ID, "Local Authority", e.addr("grants", "la.example.gov.uk"))
	e.setNotify(w.prog.ID, tg.ID, w.dwp.ID, late.ID)

	e.clk.Add(5 * time.Minute)
	if rep := e.run(); rep.Emails != 2 || rep.Sent != 1 || rep.Readdressed != 1 {
		t.Errorf("the retry: %+v", rep)
	}
	e.expectMail(each(reachedSubject, grants, officer))
	n := e.notifications(w.prog.ID)[id]
	want := []domain.Withdrawal{{Email: commissioning, Reason: domain.WithdrawnNoLongerNotified}, {Email: finance, Reason: domain.WithdrawnNoLongerNotified}}
	if n.Status != domain.NotificationSent || !slices.Equal(n.Recipients, []string{grants, officer}) ||
		!slices.Equal(n.FunderIDs, []string{w.dwp.ID}) || !slices.Equal(n.Withdrawn, want) {
		t.Errorf("the notification: status %s, recipients %v, funders %v, withdrawn %v; want sent to the DWP's contacts only, %v withdrawn",
			n.Status, n.Recipients, n.FunderIDs, n.Withdrawn, want)
	}
	recipients, withdrawn := e.readdressed(w.prog.ID, id)
	if strings.Contains(recipients, commissioning) || !strings.Contains(recipients, grants) ||
		!strings.Contains(withdrawn, finance) || !strings.Contains(withdrawn, string(domain.WithdrawnNoLongerNotified)) {
		t.Errorf("its history's change: recipients %s, withdrawn %s", recipients, withdrawn)
	}

	e.clk.Add(time.Hour)
	if rep := e.run(); rep.Emails != 0 || rep.Claimed != 0 || rep.Readdressed != 0 {
		t.Errorf("a later run: %+v", rep)
	}
	e.expectMail(each(reachedSubject, grants, officer))
}

// TestRetryWithNobodyLeftOnTheNotifyList: every funder is taken off the
// target's notify list between the claim and the retry: the retry emails
// nobody and settles the email unsent, saying why, its funders' contacts
// withdrawn; later runs send nothing.
func TestRetryWithNobodyLeftOnTheNotifyList(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w, tg, id := unsentClaim(t, e)
	e.setNotify(w.prog.ID, tg.ID)

	e.clk.Add(5 * time.Minute)
	if rep := e.run(); rep.Emails != 0 || rep.Failed != 1 || rep.Readdressed != 1 {
		t.Errorf("the retry: %+v", rep)
	}
	n := e.notifications(w.prog.ID)[id]
	if n.Status != domain.NotificationFailed || len(n.Recipients) != 0 || len(n.FunderIDs) != 0 || len(n.Withdrawn) != 4 ||
		!strings.Contains(n.LastError, "taken off the target's notify list") {
		t.Errorf("the notification: status %s, recipients %v, funders %v, withdrawn %v, lastError %q; want failed, nobody to email, all four withdrawn",
			n.Status, n.Recipients, n.FunderIDs, n.Withdrawn, n.LastError)
	}
	for _, wd := range n.Withdrawn {
		if wd.Reason != domain.WithdrawnNoLongerNotified {
			t.Errorf("withdrawn %v: want %s", wd, domain.WithdrawnNoLongerNotified)
		}
	}

	e.setNotify(w.prog.ID, tg.ID, w.dwp.ID) // put back: the milestone is not told again
	e.clk.Add(time.Hour)
	if rep := e.run(); rep.Emails != 0 || rep.Claimed != 0 {
		t.Errorf("a later run: %+v", rep)
	}
	e.expectMail(nil)
}

// TestFunderTakenOffTheNotifyListMidSendNotEmailed: the DWP is taken off
// the target's notify list while a retry is sending the email (after the
// run read the target): each claim carries the list as read, so the next
// one is refused, the run reads the target again and withdraws the DWP's
// contacts, and only the Department of Health's are emailed.
func TestFunderTakenOffTheNotifyListMidSendNotEmailed(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w, tg, id := unsentClaim(t, e)
	commissioning, finance, grants, officer := w.contacts[0], w.contacts[1], w.contacts[2], w.contacts[3]
	ge := e.inGoroutine()
	e.atFirstSend(func(string) { ge.setNotify(w.prog.ID, tg.ID, w.doh.ID) })
	e.clk.Add(5 * time.Minute)
	rep := e.run()
	e.ses.setFail(nil)
	if rep.Emails != 2 || rep.Sent != 1 || rep.Reread != 1 || rep.Readdressed != 1 {
		t.Errorf("the retry: %+v; want 2 emails, the target read again once and the email readdressed", rep)
	}
	e.expectMail(each(reachedSubject, commissioning, finance))
	if calls := e.ses.calls(); calls[grants] != 0 || calls[officer] != 0 {
		t.Errorf("SendEmail calls %v: none may go to the DWP, taken off the list", calls)
	}
	n := e.notifications(w.prog.ID)[id]
	want := []domain.Withdrawal{{Email: grants, Reason: domain.WithdrawnNoLongerNotified}, {Email: officer, Reason: domain.WithdrawnNoLongerNotified}}
	if n.Status != domain.NotificationSent || !slices.Equal(n.FunderIDs, []string{w.doh.ID}) || !slices.Equal(n.Withdrawn, want) {
		t.Errorf("the notification: status %s, funders %v, withdrawn %v; want sent, %v withdrawn", n.Status, n.FunderIDs, n.Withdrawn, want)
	}
}
