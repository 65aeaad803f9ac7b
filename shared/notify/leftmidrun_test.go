package notify_test

// Someone who leaves the role an email goes to while a run is sending it
// (after the run read the programme's funders and members, before their
// own claim) is not emailed by that run: each recipient's claim is
// premised on what makes them one as the run read it (the funder's
// contacts, their roles), so it is refused once they have left, and the
// run reads the people again, takes the leaver off the email (listed
// withdrawn, saying why, as a retry's readdressing does) and emails the
// rest. The removal is made from inside the SES client, at the run's
// first send: the only thing wrapped is the client, to time it.

import (
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// atFirstSend makes change once, when the run makes its first SendEmail
// call (before it goes to the emulator), and reports who that was to.
func (e *env) atFirstSend(change func(first string)) {
	var once sync.Once
	e.ses.setFail(func(to string, _ int) error {
		once.Do(func() { change(to) })
		return nil
	})
}

// TestContactRemovedMidRunNotEmailed: a funder contact taken off the
// funder while the run is sending its milestone email (after the run read
// the funders) gets no email; the other contacts each get it once; the
// email lists them withdrawn, no longer a contact, as its funder sees it,
// with the change in its history; and no later run emails them.
func TestContactRemovedMidRunNotEmailed(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w, tg := reachedWorld(e)
	id := domain.NotificationID(tg.ID, domain.KindReached, 100)
	// Sorted: the Department of Health's two contacts, then the DWP's.
	commissioning, finance, grants, officer := w.contacts[0], w.contacts[1], w.contacts[2], w.contacts[3]
	ge := e.inGoroutine()
	e.atFirstSend(func(first string) {
		if first != commissioning {
			ge.t.Errorf("first email to %s, want %s", first, commissioning)
		}
		ge.setContacts(w.prog.ID, w.dwp.ID, grants) // the DWP's officer moves on
	})
	rep := e.run()
	e.ses.setFail(nil)
	if rep.Claimed != 1 || rep.Emails != 3 || rep.Sent != 1 || rep.Reread != 1 || rep.Readdressed != 1 {
		t.Errorf("run: %+v; want 3 emails, the people read again once and the email readdressed", rep)
	}
	e.expectMail(each(reachedSubject, commissioning, finance, grants))
	if calls := e.ses.calls(); calls[officer] != 0 {
		t.Errorf("SendEmail calls %v: none may go to the officer who left", calls)
	}
	n := e.notifications(w.prog.ID)[id]
	had := []string{commissioning, finance, grants}
	if n.Status != domain.NotificationSent || !slices.Equal(n.Recipients, had) || !slices.Equal(slices.Sorted(slices.Values(n.Delivered)), had) ||
		!slices.Equal(n.Withdrawn, []domain.Withdrawal{{Email: officer, Reason: domain.WithdrawnNoLongerContact}}) {
		t.Errorf("the notification: status %s, recipients %v, delivered %v, withdrawn %v; want sent to %v, %s withdrawn as no longer a contact",
			n.Status, n.Recipients, n.Delivered, n.Withdrawn, had, officer)
	}
	recipients, withdrawn := e.readdressed(w.prog.ID, id)
	if strings.Contains(recipients, officer) || !strings.Contains(withdrawn, officer) ||
		!strings.Contains(withdrawn, string(domain.WithdrawnNoLongerContact)) {
		t.Errorf("its history's change: recipients %s, withdrawn %s", recipients, withdrawn)
	}
	// The DWP sees its contact withdrawn (the page: not emailed, no
	// longer a contact).
	viewer := e.addr("viewer", "dwp.example.gov.uk")
	e.member(w.prog.ID, viewer, testkit.RoleFunder(w.dwp.ID))
	if got := e.noteAs(testkit.Caller(viewer), w.prog.ID, id); !slices.Equal(got.Recipients, []string{grants}) ||
		!slices.Equal(got.Withdrawn, []domain.Withdrawal{{Email: officer, Reason: domain.WithdrawnNoLongerContact}}) {
		t.Errorf("the DWP sees recipients %v, withdrawn %v", got.Recipients, got.Withdrawn)
	}
	e.clk.Add(e.notifier().Lease * 2)
	if rep := e.run(); rep.Emails != 0 {
		t.Errorf("a later run: %+v", rep)
	}
	e.expectMail(each(reachedSubject, commissioning, finance, grants))
}

// TestProjectLeadLeftMidRunNotEmailed: a project lead removed from the
// programme, or whose project-lead role is taken away, while the run is
// sending their project's reminder (after the run read the members) gets
// no reminder; the project's other lead does, once; the reminder lists
// them withdrawn, no longer a project lead.
func TestProjectLeadLeftMidRunNotEmailed(t *testing.T) {
	t.Parallel()
	for name, leave := range map[string]func(e *env, c *cycle, who string){
		"removed": func(e *env, c *cycle, who string) {
			if err := e.svc.Open(e.t.Context(), testkit.AdminCaller(), c.prog.ID).DeleteMember(who); err != nil {
				e.t.Error(err)
			}
		},
		"role taken away": func(e *env, c *cycle, who string) {
			e.member(c.prog.ID, who, testkit.RoleLead())
		},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			c := e.cycle()
			second := e.addr("pl.second", "aspiro.org.uk")
			e.member(c.prog.ID, second, testkit.RoleProjectLead(c.project.ID))
			e.run()
			e.clk.Set("2026-04-13T09:00:00Z")
			ge := e.inGoroutine()
			var first, left string
			e.atFirstSend(func(to string) {
				first, left = to, second
				if to == second {
					left = c.projLead
				}
				leave(ge, c, left)
			})
			rep := e.run()
			e.ses.setFail(nil)
			if rep.Claimed != 1 || rep.Emails != 1 || rep.Sent != 1 || rep.Reread != 1 || rep.Readdressed != 1 {
				t.Errorf("reminder run: %+v; want 1 email, the people read again once and the email readdressed", rep)
			}
			e.expectMail(each(reminderQ1, first))
			if calls := e.ses.calls(); calls[left] != 0 {
				t.Errorf("SendEmail calls %v: none may go to %s, who left", calls, left)
			}
			var n domain.Notification
			for _, got := range e.notifications(c.prog.ID) {
				if got.Kind == domain.KindReminder {
					n = got
				}
			}
			if n.Status != domain.NotificationSent || !slices.Equal(n.Recipients, []string{first}) ||
				!slices.Equal(n.Withdrawn, []domain.Withdrawal{{Email: left, Reason: domain.WithdrawnNoLongerProjectLead}}) {
				t.Errorf("the reminder: status %s, recipients %v, withdrawn %v; want sent to %s, %s withdrawn as no longer a project lead",
					n.Status, n.Recipients, n.Withdrawn, first, left)
			}
			e.run()
			e.expectMail(each(reminderQ1, first))
		})
	}
}
