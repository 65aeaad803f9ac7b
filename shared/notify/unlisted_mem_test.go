package notify_test

// A funder taken off a target's notify list after its "reached" email was
// claimed, and before it went, over the in-memory fake (see
// unlisted_test.go for the same on DynamoDB and the SES emulator).

import (
	"slices"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestMemRetrySkipsAFunderTakenOffTheNotifyList: the retry emails only
// the funders still on the list, withdrawing the others' contacts as no
// longer notified; with nobody left it emails nobody and finishes the
// email unsent; later runs send nothing more.
func TestMemRetrySkipsAFunderTakenOffTheNotifyList(t *testing.T) {
	t.Parallel()
	for name, keep := range map[string]int{"one funder left": 1, "nobody left": 0} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			e := newMemEnv(t)
			w := e.world()
			e.reach(w, 61)
			e.mail.fail = func(string, int) error { return memThrottled() }
			if rep := e.run(); rep.Claimed != 1 || rep.Emails != 1 || rep.Retrying != 1 {
				t.Fatalf("first run: %+v", rep)
			}
			e.mail.fail = nil
			dwp := w.target.Notify[0]
			kept := w.target.Notify[:keep]
			if _, err := e.svc.Open(t.Context(), testkit.AdminCaller(), w.prog.ID).UpdateTarget(w.target.ID, func(int64) bool { return true },
				testkit.Body(obj{"notify": kept})); err != nil {
				t.Fatal(err)
			}
			e.clk.Add(5 * time.Minute)
			rep := e.run()
			id := domain.NotificationID(w.target.ID, domain.KindReached, 100)
			n := e.note(w, id)
			// Sorted: the Department of Health's two contacts, then the DWP's.
			dohContacts, dwpContacts := w.contacts[:2], w.contacts[2:]
			var want []domain.Withdrawal
			for _, a := range dohContacts {
				want = append(want, domain.Withdrawal{Email: a, Reason: domain.WithdrawnNoLongerNotified})
			}
			if keep == 0 {
				want = nil
				for _, a := range w.contacts {
					want = append(want, domain.Withdrawal{Email: a, Reason: domain.WithdrawnNoLongerNotified})
				}
				if rep.Emails != 0 || rep.Failed != 1 || rep.Readdressed != 1 || len(e.mail.to()) != 0 {
					t.Errorf("the retry: %+v, emails %v", rep, e.mail.to())
				}
				if n.Status != domain.NotificationFailed || len(n.Recipients) != 0 || len(n.FunderIDs) != 0 {
					t.Errorf("the notification: %+v; want failed, nobody to email", n)
				}
			} else {
				if rep.Emails != 2 || rep.Sent != 1 || rep.Readdressed != 1 {
					t.Errorf("the retry: %+v", rep)
				}
				e.onceEach(dwpContacts)
				if n.Status != domain.NotificationSent || !slices.Equal(n.FunderIDs, []string{dwp}) || !slices.Equal(n.Recipients, dwpContacts) {
					t.Errorf("the notification: %+v; want sent to the DWP's contacts only", n)
				}
			}
			if !slices.Equal(n.Withdrawn, want) {
				t.Errorf("withdrawn %v, want %v", n.Withdrawn, want)
			}
			before := len(e.mail.to())
			e.clk.Add(time.Hour)
			if rep := e.run(); rep.Emails != 0 || rep.Claimed != 0 || len(e.mail.to()) != before {
				t.Errorf("a later run: %+v", rep)
			}
		})
	}
}
