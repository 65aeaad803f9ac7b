package service_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// TestWithdrawnRecipientsAsSeen: the recipients a run took off a pending
// email (withdrawn: they had left the role it goes to them in) are shown
// as its other recipients are. A funder sees only its own contacts among
// them, in the notification and in the history's change of its
// recipients; a change of the other funder's contacts only shows it
// nothing of them. A project lead sees only itself. Leads see all.
func TestWithdrawnRecipientsAsSeen(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	gone := []domain.Withdrawal{{Email: "x-left@dwp.example", Reason: domain.WithdrawnNoLongerContact},
		{Email: "y-left@nhs.example", Reason: domain.WithdrawnNoLongerContact}}
	n := domain.Notification{ID: domain.NotificationID(w.TargetA, domain.KindReached, 90), ProgrammeID: w.P, TargetID: w.TargetA,
		Threshold: 90, Kind: domain.KindReached, Status: domain.NotificationPending, FunderIDs: []string{w.X, w.Y},
		FunderContacts: map[string][]string{w.X: {contactsX[0], "x-left@dwp.example"}, w.Y: {contactsY[0], "y-left@nhs.example"}},
		Recipients:     []string{contactsX[0], "x-left@dwp.example", contactsY[0], "y-left@nhs.example"},
		CreatedAt:      clock, Metric: domain.MetricPeopleIntoWork, Value: 60, Figure: 30}
	if ok, err := w.st.ClaimNotification(w.ctx, n); err != nil || !ok {
		t.Fatal(ok, err)
	}
	// Readdressed as a run does: both funders lost a contact.
	after := n
	after.Recipients, after.Withdrawn = []string{contactsX[0], contactsY[0]}, gone
	ev := domain.NewAuditEvent(domain.NotifierCaller, w.P, domain.EntityNotification, n.ID, domain.ActionChange,
		n.RecipientsRecord(), after.RecipientsRecord(), clock)
	if ok, err := w.st.ReaddressNotification(w.ctx, after, ev); err != nil || !ok {
		t.Fatal(ok, err)
	}
	// And again, the other funder's contact back: nothing of the DWP's.
	again := after
	again.Recipients, again.Withdrawn = []string{contactsX[0], contactsY[0], "y-left@nhs.example"}, gone[:1]
	ev = domain.NewAuditEvent(domain.NotifierCaller, w.P, domain.EntityNotification, n.ID, domain.ActionChange,
		after.RecipientsRecord(), again.RecipientsRecord(), clock.Add(1))
	if ok, err := w.st.ReaddressNotification(w.ctx, again, ev); err != nil || !ok {
		t.Fatal(ok, err)
	}

	for _, c := range []struct {
		who       role
		withdrawn []string
		changes   int // history changes of its recipients that show anything
	}{
		{lead, []string{"x-left@dwp.example"}, 2},
		{funderOwn, []string{"x-left@dwp.example"}, 1},
		{funderOther, nil, 2},
	} {
		got, err := w.open(c.who).Notification(n.ID)
		if err != nil {
			t.Fatalf("%s: %v", c.who, err)
		}
		var emails []string
		for _, wd := range got.Withdrawn {
			emails = append(emails, wd.Email)
		}
		if !slices.Equal(emails, c.withdrawn) || c.withdrawn == nil && got.Withdrawn != nil {
			t.Errorf("%s sees withdrawn %v, want %v", c.who, got.Withdrawn, c.withdrawn)
		}
		hist, _, err := w.open(c.who).History(domain.Ref(domain.EntityNotification, n.ID), service.Page{})
		if err != nil {
			t.Fatalf("%s: history: %v", c.who, err)
		}
		shown := 0
		for _, ev := range hist {
			if ev.Action != domain.ActionChange {
				continue
			}
			if len(ev.Changes) > 0 {
				shown++
			}
			text := fmt.Sprint(ev.Changes)
			for _, other := range []string{"x-left@dwp.example", "y-left@nhs.example", contactsX[0], contactsY[0]} {
				if strings.Contains(text, other) && c.who != lead && !slices.Contains(got.Recipients, other) && !slices.Contains(emails, other) {
					t.Errorf("%s sees %s in the history's change %v", c.who, other, ev.Changes)
				}
			}
		}
		if shown != c.changes {
			t.Errorf("%s sees %d changes of the recipients with anything in them, want %d: %+v", c.who, shown, c.changes, hist)
		}
	}
}
