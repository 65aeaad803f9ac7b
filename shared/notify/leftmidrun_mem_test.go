package notify_test

// Someone who leaves the role an email goes to while a run sends it is
// not emailed by that run, over the in-memory fake (see
// leftmidrun_test.go for the same on DynamoDB and the SES emulator).

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/notify"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// atFirstSend makes change once, at the run's first send (before it is
// kept), given who it is to.
func (e *memEnv) atFirstSend(change func(first string)) {
	e.mail.fail = func(to string, call int) error {
		if call == 0 {
			change(to)
		}
		return nil
	}
}

// TestMemContactRemovedMidRunNotEmailed: a contact taken off its funder
// after the run read the funders, while it sends the milestone email, is
// not emailed; the others are, once each; the email lists them withdrawn.
func TestMemContactRemovedMidRunNotEmailed(t *testing.T) {
	t.Parallel()
	e := newMemEnv(t)
	w := e.world()
	e.reach(w, 61)
	// Sorted: the Department of Health's two contacts, then the DWP's.
	grants, officer := w.contacts[2], w.contacts[3]
	funders, _, err := e.svc.Open(t.Context(), testkit.AdminCaller(), w.prog.ID).ListFunders(service.Page{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	dwp := funders[slices.IndexFunc(funders, func(f domain.Funder) bool { return slices.Contains(f.Contacts, officer) })]
	e.atFirstSend(func(string) {
		if _, err := e.svc.Open(context.Background(), testkit.AdminCaller(), w.prog.ID).UpdateFunder(dwp.ID, func(int64) bool { return true },
			testkit.Body(obj{"contacts": []string{grants}})); err != nil {
			t.Error(err)
		}
	})
	if rep := e.run(); rep.Emails != 3 || rep.Sent != 1 || rep.Reread != 1 || rep.Readdressed != 1 {
		t.Errorf("run: %+v", rep)
	}
	e.mail.fail = nil
	e.onceEach(w.contacts[:3])
	if n := e.mail.asked()[officer]; n != 0 {
		t.Errorf("%d sends to %s, who left", n, officer)
	}
	n := e.note(w, domain.NotificationID(w.target.ID, domain.KindReached, 100))
	if n.Status != domain.NotificationSent || !slices.Equal(n.Recipients, w.contacts[:3]) ||
		!slices.Equal(n.Withdrawn, []domain.Withdrawal{{Email: officer, Reason: domain.WithdrawnNoLongerContact}}) {
		t.Errorf("its notification: %+v", n)
	}
}

// TestMemLeadLeftMidDigestNotEmailed: a lead removed while the run sends
// the digest of submissions awaiting review (after the run read the
// members) is not emailed it; the other lead is, once.
func TestMemLeadLeftMidDigestNotEmailed(t *testing.T) {
	t.Parallel()
	e := newMemEnv(t)
	w := e.reviewWorld()
	subs := e.submit(w, 3)
	first, second := w.leads[0], w.leads[1] // sent in this order
	e.atFirstSend(func(string) {
		if err := e.svc.Open(context.Background(), testkit.AdminCaller(), w.prog.ID).DeleteMember(second); err != nil {
			t.Error(err)
		}
	})
	if rep := e.run(); rep.Emails != 1 || rep.Sent != 1 || rep.Covered != 2 || rep.Reread != 1 {
		t.Errorf("run: %+v", rep)
	}
	e.mail.fail = nil
	got := e.mail.to()
	if len(got[first]) != 1 || len(got[second]) != 0 || e.mail.asked()[second] != 0 {
		t.Errorf("emails: %d to %s, %d to %s (who left); want 1 and none", len(got[first]), first, len(got[second]), second)
	}
	if n := e.noteOf(w, subs[0]); n.Status != domain.NotificationSent || !slices.Equal(n.Recipients, []string{first}) ||
		!slices.Equal(n.Withdrawn, []domain.Withdrawal{{Email: second, Reason: domain.WithdrawnNoLongerLead}}) {
		t.Errorf("carrier: %+v", n)
	}
}

// noLongerHeld refuses every claim made on a premise as no longer
// holding, as if the people changed before each.
type noLongerHeld struct{ notify.Storage }

func (s noLongerHeld) ClaimRecipient(ctx context.Context, programmeID, id string, attempt int64, to string, holds ...service.Premise) (bool, error) {
	if len(holds) > 0 {
		return false, service.ErrNoLongerRecipient
	}
	return s.Storage.ClaimRecipient(ctx, programmeID, id, attempt, to, holds...)
}

// TestMemRereadsBounded: a run whose claims keep finding the people
// changed reads them again at most notify.MaxRereads times for an email,
// then leaves it to the next run (its lease given back, nobody claimed),
// which sends it.
func TestMemRereadsBounded(t *testing.T) {
	t.Parallel()
	e := newMemEnv(t)
	w := e.world()
	e.reach(w, 61)
	rep, err := runSafely(t.Context(), e.notifier(noLongerHeld{e.st}))
	if err != nil || rep.Emails != 0 || rep.Reread != notify.MaxRereads {
		t.Errorf("run whose claims are all refused: %+v %v; want no email, %d rereads", rep, err, notify.MaxRereads)
	}
	n := e.note(w, domain.NotificationID(w.target.ID, domain.KindReached, 100))
	if n.Status != domain.NotificationPending || n.Sending != nil || n.Attempts != 1 {
		t.Errorf("left: %+v", n)
	}
	// Given back: the next run, at once, sends it.
	e.clk.Add(time.Millisecond)
	if rep := e.run(); rep.Emails != 4 || rep.Sent != 1 || rep.Reread != 0 {
		t.Errorf("next run: %+v", rep)
	}
	e.onceEach(w.contacts)
}
