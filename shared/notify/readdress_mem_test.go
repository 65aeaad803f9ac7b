package notify_test

// Readdressing over the in-memory fake: a pending email goes, each time a
// run tries it, to the people in its roles then (see readdress_test.go for
// the same on DynamoDB and the SES emulator), and never twice to anyone.

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/email"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestMemPaymentEmailRetriedToTheLeadsNow: a payment's email the funder
// had, whose send to the lead failed in passing, goes on the retry to the
// lead who took over, not to the one who stood down (withdrawn: no longer
// a lead), and the funder is not emailed again.
func TestMemPaymentEmailRetriedToTheLeadsNow(t *testing.T) {
	t.Parallel()
	e := newMemEnv(t)
	w := e.payWorld()
	e.mail.fail = func(to string, _ int) error {
		if to == w.lead {
			return memThrottled()
		}
		return nil
	}
	if rep := e.run(); rep.Emails != 2 || rep.Retrying != 1 {
		t.Fatalf("first run: %+v", rep)
	}
	e.mail.fail = nil
	successor := "deputy.lead@lpt.example.nhs.uk"
	testkit.NewBuilder(t, e.svc).Member(w.prog.ID, successor, testkit.RoleLead())
	if err := e.svc.Open(t.Context(), testkit.AdminCaller(), w.prog.ID).DeleteMember(w.lead); err != nil {
		t.Fatal(err)
	}
	e.clk.Add(time.Minute)
	if rep := e.run(); rep.Emails != 1 || rep.Sent != 1 || rep.Readdressed != 1 {
		t.Errorf("the retry: %+v", rep)
	}
	e.onceEach([]string{w.funder, successor})
	if n := e.mail.asked()[w.lead]; n != 1 {
		t.Errorf("%d sends to the lead who stood down, want only the first try", n)
	}
	n := e.note(w.memWorld, w.noteID)
	if n.Status != domain.NotificationSent || !slices.Equal(n.Recipients, []string{successor, w.funder}) ||
		!slices.Equal(n.Withdrawn, []domain.Withdrawal{{Email: w.lead, Reason: domain.WithdrawnNoLongerLead}}) {
		t.Errorf("its notification: %+v", n)
	}
}

// TestMemRemovedWhileInFlightNotWithdrawn: a contact whose email a run
// that died had handed to SES (claimed, outcome not known) and who then
// moves on is neither emailed again nor listed withdrawn: the email may
// have reached them, and the run that takes it over says so. The one
// who joined meanwhile has it, the rest once each.
func TestMemRemovedWhileInFlightNotWithdrawn(t *testing.T) {
	t.Parallel()
	e := newMemEnv(t)
	w := e.world()
	e.reach(w, 61)
	dying := &dieAfterClaim{Storage: e.st}
	if _, err := runSafely(t.Context(), e.notifier(dying)); err == nil {
		t.Fatal("the dying run reported no error")
	}
	inFlight := dying.died
	if inFlight != w.contacts[0] {
		t.Fatalf("the dying run claimed %q, want %s first", inFlight, w.contacts[0])
	}
	// The Department of Health's first contact (in flight) moves on; a
	// newcomer joins it.
	newcomer := "newcomer@dh.example.gov.uk"
	funders, _, err := e.svc.Open(t.Context(), testkit.AdminCaller(), w.prog.ID).ListFunders(service.Page{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range funders {
		if slices.Contains(f.Contacts, inFlight) {
			rest := slices.DeleteFunc(slices.Clone(f.Contacts), func(c string) bool { return c == inFlight })
			if _, err := e.svc.Open(t.Context(), testkit.AdminCaller(), w.prog.ID).UpdateFunder(f.ID, func(int64) bool { return true },
				testkit.Body(obj{"contacts": append(rest, newcomer)})); err != nil {
				t.Fatal(err)
			}
		}
	}
	e.clk.Add(time.Minute + time.Millisecond)
	if rep := e.run(); rep.Emails != 4 || rep.Failed != 1 || rep.Readdressed != 1 {
		t.Errorf("the run after the lease: %+v", rep)
	}
	e.onceEach(slices.Concat(w.contacts[1:], []string{newcomer}))
	if n := e.mail.asked()[inFlight]; n != 0 {
		t.Errorf("%d sends to %s, in flight when the run died", n, inFlight)
	}
	n := e.note(w, domain.NotificationID(w.target.ID, domain.KindReached, 100))
	if !slices.Contains(n.Recipients, inFlight) || !slices.Equal(n.Sending, []string{inFlight}) || n.Withdrawn != nil ||
		!slices.Contains(n.Recipients, newcomer) {
		t.Errorf("its notification: recipients %v, sending %v, withdrawn %v", n.Recipients, n.Sending, n.Withdrawn)
	}
	e.clk.Add(time.Hour)
	if rep := e.run(); rep.Emails != 0 {
		t.Errorf("a later run: %+v", rep)
	}
}

// TestMemDigestRetriedToTheLeadsNow: a digest of submissions awaiting
// review, retried after a passing failure, goes to the lead who joined
// since and not to the one who left; the lead who had it is not emailed
// again.
func TestMemDigestRetriedToTheLeadsNow(t *testing.T) {
	t.Parallel()
	e := newMemEnv(t)
	w := e.reviewWorld()
	subs := e.submit(w, 3)
	first, flaky := w.leads[0], w.leads[1] // sent in this order
	e.mail.fail = func(to string, call int) error {
		if to == flaky && call == 1 {
			return memThrottled()
		}
		return nil
	}
	if rep := e.run(); rep.Emails != 2 || rep.Retrying != 1 || rep.Covered != 2 {
		t.Fatalf("first run: %+v", rep)
	}
	e.mail.fail = nil
	joined := "third.lead@lpt.example.nhs.uk"
	testkit.NewBuilder(t, e.svc).Member(w.prog.ID, joined, testkit.RoleLead())
	if err := e.svc.Open(t.Context(), testkit.AdminCaller(), w.prog.ID).DeleteMember(flaky); err != nil {
		t.Fatal(err)
	}
	e.clk.Add(time.Minute)
	if rep := e.run(); rep.Emails != 1 || rep.Sent != 1 || rep.Readdressed != 1 {
		t.Errorf("the retry: %+v", rep)
	}
	got := e.mail.to()
	if len(got[first]) != 1 || len(got[joined]) != 1 || len(got[flaky]) != 0 {
		t.Errorf("emails: %d to %s, %d to %s, %d to %s; want one each to those who lead now", len(got[first]), first,
			len(got[joined]), joined, len(got[flaky]), flaky)
	}
	for _, o := range subs {
		if !slices.ContainsFunc(got[joined], func(m email.Message) bool { return strings.Contains(m.Text, reviewLink(w, o)) }) {
			t.Errorf("the lead who joined was not told of %s", o.ID)
		}
	}
	if n := e.noteOf(w, subs[0]); n.Status != domain.NotificationSent || !slices.Equal(n.Recipients, []string{first, joined}) ||
		!slices.Equal(n.Withdrawn, []domain.Withdrawal{{Email: flaky, Reason: domain.WithdrawnNoLongerLead}}) {
		t.Errorf("carrier: %+v", n)
	}
}
