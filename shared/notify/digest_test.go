package notify_test

// Digests over the in-memory fake: the submissions awaiting review that
// one run finds for a programme go to each lead in one email, each still
// recorded, and listed at most once however runs overlap or die.

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/email"
	"github.com/fundtrack/fundtrack/shared/notify"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// reviewWorld is a programme that reviews its figures, with two leads
// and two projects, each with a project lead.
type reviewWorld struct {
	prog      domain.Programme
	projects  []domain.Project
	leads     []string // sorted
	projLeads []string
}

func (e *memEnv) reviewWorld() reviewWorld {
	e.t.Helper()
	b := testkit.NewBuilder(e.t, e.svc)
	var w reviewWorld
	w.prog = b.Programme(obj{"name": "Working for Wellness", "leadOrganisation": "Bradford District Care NHS Foundation Trust",
		"startDate": "2026-01-01", "endDate": "2027-12-31"})
	for i, name := range []string{"Bradford IPS", "Leeds IPS"} {
		pr := b.Project(w.prog.ID, obj{"name": name, "leadOrganisation": "Aspiro", "startDate": "2026-01-01", "endDate": "2027-12-31"})
		w.projects = append(w.projects, pr)
		pl := fmt.Sprintf("pl%d@aspiro.example.org", i)
		b.Member(w.prog.ID, pl, testkit.RoleProjectLead(pr.ID))
		w.projLeads = append(w.projLeads, pl)
	}
	w.leads = []string{"deputy.lead@lpt.example.nhs.uk", "network.lead@lpt.example.nhs.uk"}
	for _, l := range w.leads {
		b.Member(w.prog.ID, l, testkit.RoleLead())
	}
	var err error
	w.prog, err = e.svc.Open(e.t.Context(), testkit.AdminCaller(), w.prog.ID).UpdateProgramme(func(int64) bool { return true },
		testkit.Body(obj{"reviewOutcomes": true}))
	if err != nil {
		e.t.Fatal(err)
	}
	e.clk.Set("2026-07-01T09:00:00Z")
	return w
}

// submit sends n submissions, each awaiting review: month after month
// from January 2026, the projects in turn.
func (e *memEnv) submit(w reviewWorld, n int) []domain.Outcome {
	e.t.Helper()
	return e.submitFrom(w, 0, n)
}

// submitFrom sends n submissions as submit does, from the from-th on.
func (e *memEnv) submitFrom(w reviewWorld, from, n int) []domain.Outcome {
	e.t.Helper()
	var out []domain.Outcome
	for i := from; i < from+n; i++ {
		start := time.Date(2026, time.Month(1+i/2), 1, 0, 0, 0, 0, time.UTC)
		end := start.AddDate(0, 1, -1)
		pr := w.projects[i%2]
		o, err := e.svc.OpenProject(e.t.Context(), testkit.Caller(w.projLeads[i%2]), w.prog.ID, pr.ID).SubmitOutcome(testkit.Body(obj{
			"periodStart": start.Format(time.DateOnly), "periodEnd": end.Format(time.DateOnly), "counts": obj{"peopleIntoWork": 1 + i}}))
		if err != nil {
			e.t.Fatal(err)
		}
		if o.Status != domain.OutcomePending {
			e.t.Fatalf("submission %d is %s, want pending", i, o.Status)
		}
		out = append(out, o)
		e.clk.Add(time.Second)
	}
	return out
}

func (e *memEnv) approve(w reviewWorld, o domain.Outcome) {
	e.t.Helper()
	if _, err := e.svc.OpenProject(e.t.Context(), testkit.Caller(w.leads[0]), w.prog.ID, o.ProjectID).ReviewOutcome(o.ID,
		testkit.Body(obj{"decision": "approve"})); err != nil {
		e.t.Fatal(err)
	}
}

// reviewLink is the link to a submission's review form in the emails.
func reviewLink(w reviewWorld, o domain.Outcome) string {
	return webBase + "/app/programmes/" + w.prog.ID + "/projects/" + o.ProjectID + "/outcomes/" + o.ID + "/review"
}

func awaitingID(o domain.Outcome) string {
	return domain.SubmissionNotificationID(o.ID, domain.KindAwaitingReview)
}

// listedOnce checks every lead was told of each of subs exactly once
// over all its emails (and of nothing else), and the project leads had
// none; it returns each lead's emails.
func (e *memEnv) listedOnce(w reviewWorld, subs []domain.Outcome, others ...domain.Outcome) map[string][]email.Message {
	e.t.Helper()
	got := e.mail.to()
	for _, lead := range w.leads {
		text := ""
		for _, m := range got[lead] {
			text += m.Text
		}
		for _, o := range subs {
			if n := strings.Count(text, reviewLink(w, o)); n != 1 {
				e.t.Errorf("%s was told of %s %d times, want once", lead, o.ID, n)
			}
		}
		for _, o := range others {
			if strings.Contains(text, o.ID) {
				e.t.Errorf("%s was told of %s, which needs no email", lead, o.ID)
			}
		}
	}
	for _, pl := range w.projLeads {
		if len(got[pl]) != 0 {
			e.t.Errorf("%d emails to project lead %s", len(got[pl]), pl)
		}
	}
	return got
}

// TestMemDigestOneEmailPerLead: five submissions awaiting review when the
// notifier runs are one email to each lead, listing all five with a link
// to each review form and one to the review queue; each submission's
// notification is recorded sent, four of them covered by the fifth's.
func TestMemDigestOneEmailPerLead(t *testing.T) {
	t.Parallel()
	e := newMemEnv(t)
	w := e.reviewWorld()
	subs := e.submit(w, 5)
	if rep := e.run(); rep.Emails != 2 || rep.Sent != 1 || rep.Covered != 4 || rep.Failed+rep.NotNeeded+rep.Retrying != 0 {
		t.Errorf("report %+v", rep)
	}
	got := e.listedOnce(w, subs)
	for _, lead := range w.leads {
		if len(got[lead]) != 1 {
			t.Fatalf("%d emails to %s, want 1", len(got[lead]), lead)
		}
		m := got[lead][0]
		if m.Subject != "5 submissions awaiting review (Working for Wellness)" {
			t.Errorf("subject %q", m.Subject)
		}
		for _, want := range []string{"Bradford IPS: January 2026", "Leeds IPS: January 2026", "Bradford IPS: March 2026",
			"See the review queue: " + webBase + "/app/programmes/" + w.prog.ID + "/reviews"} {
			if !strings.Contains(m.Text, want) {
				t.Errorf("the email to %s does not say %q:\n%s", lead, want, m.Text)
			}
		}
		if strings.Contains(m.Text, "peopleIntoWork") || strings.Contains(m.Text, "People into work") {
			t.Errorf("the email carries figures:\n%s", m.Text)
		}
		for _, o := range subs {
			if !strings.Contains(m.HTML, `href="`+reviewLink(w, o)+`"`) {
				t.Errorf("the HTML part does not link to %s", o.ID)
			}
		}
	}
	carrier := e.noteOf(w, subs[0])
	if carrier.Status != domain.NotificationSent || !slices.Equal(carrier.Delivered, w.leads) || len(carrier.Includes) != 4 {
		t.Errorf("carrier: %+v", carrier)
	}
	for _, o := range subs[1:] {
		n := e.noteOf(w, o)
		if n.Status != domain.NotificationSent || n.CoveredBy != carrier.ID || !slices.Contains(carrier.Includes, n.ID) ||
			!slices.Equal(n.Recipients, w.leads) || len(n.Delivered) != 0 || n.NotNeeded != "" {
			t.Errorf("covered %s: %+v", o.ID, n)
		}
	}
	e.clk.Add(time.Hour)
	if rep := e.run(); rep.Emails+rep.Sent+rep.Covered != 0 {
		t.Errorf("a later run: %+v", rep)
	}
}

func (e *memEnv) noteOf(w reviewWorld, o domain.Outcome) domain.Notification {
	e.t.Helper()
	return e.note(memWorld{prog: w.prog}, awaitingID(o))
}

// TestMemDigestCoveredHistory: the history of a notification a digest
// covered says which email it went in, and names no recipients (before
// the carrier is sent nobody has had it; the carrier's history says who
// did), where it read "Recipients: – → –", as if nobody were told. The
// carrier's names the leads who had it.
func TestMemDigestCoveredHistory(t *testing.T) {
	t.Parallel()
	e := newMemEnv(t)
	w := e.reviewWorld()
	subs := e.submit(w, 3)
	e.run()
	sendEvent := func(o domain.Outcome) domain.AuditEvent {
		t.Helper()
		hist, _, err := e.st.History(t.Context(), w.prog.ID, domain.Ref(domain.EntityNotification, awaitingID(o)), service.Page{})
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range hist {
			if ev.Action == domain.ActionSend {
				return ev
			}
		}
		t.Fatalf("no send event in %+v", hist)
		return domain.AuditEvent{}
	}
	carrier := sendEvent(subs[0])
	if got := fmt.Sprint(carrier.Changes["recipients"].After); got != fmt.Sprint(w.leads) {
		t.Errorf("the carrier's event names recipients %s, want %v", got, w.leads)
	}
	for _, o := range subs[1:] {
		ev := sendEvent(o)
		if c, ok := ev.Changes["recipients"]; ok {
			t.Errorf("the covered %s's event names recipients %+v", o.ID, c)
		}
		if c := ev.Changes["coveredBy"]; c.After != awaitingID(subs[0]) || c.Before != nil {
			t.Errorf("the covered %s's event: coveredBy %+v", o.ID, c)
		}
	}
}

// TestMemDigestAloneIsTheUsualEmail: one submission awaiting review is
// the email about it, as ever.
func TestMemDigestAloneIsTheUsualEmail(t *testing.T) {
	t.Parallel()
	e := newMemEnv(t)
	w := e.reviewWorld()
	subs := e.submit(w, 1)
	e.run()
	for _, lead := range w.leads {
		msgs := e.mail.to()[lead]
		if len(msgs) != 1 || msgs[0].Subject != "Submission awaiting review: January 2026 (Bradford IPS, Working for Wellness)" ||
			!strings.Contains(msgs[0].Text, reviewLink(w, subs[0])) {
			t.Errorf("emails to %s: %+v", lead, msgs)
		}
	}
	if n := e.noteOf(w, subs[0]); n.Status != domain.NotificationSent || n.Includes != nil {
		t.Errorf("notification %+v", n)
	}
}

// overlapAt is the notifier's storage for a run another run overlaps:
// once this run has leased its at-th awaiting-review notification (1 is
// the carrier), the other runs from start to end, over the same storage,
// while this one holds those leases.
type overlapAt struct {
	notify.Storage
	at     int
	other  func() (notify.Report, error)
	leased int
	rep    notify.Report
	err    error
}

func (o *overlapAt) LeaseNotification(ctx context.Context, programmeID, id string, now time.Time, lease time.Duration) (domain.Notification, bool, error) {
	n, ok, err := o.Storage.LeaseNotification(ctx, programmeID, id, now, lease)
	if ok && n.Kind == domain.KindAwaitingReview {
		if o.leased++; o.leased == o.at {
			o.rep, o.err = o.other()
		}
	}
	return n, ok, err
}

// TestMemDigestOverlappingRunsOneEmail: a run that starts while another
// has leased the carrier of a programme's digest (or the carrier and some
// of the others) leaves the programme's submissions to that run: each
// lead has one email listing all six, not two that each look whole.
func TestMemDigestOverlappingRunsOneEmail(t *testing.T) {
	t.Parallel()
	for _, at := range []int{1, 3} {
		t.Run(fmt.Sprintf("after %d leased", at), func(t *testing.T) {
			t.Parallel()
			e := newMemEnv(t)
			w := e.reviewWorld()
			subs := e.submit(w, 6)
			first := &overlapAt{Storage: e.st, at: at, other: func() (notify.Report, error) {
				return runSafely(t.Context(), e.notifier(e.st))
			}}
			rep, err := runSafely(t.Context(), e.notifier(first))
			if err != nil || first.err != nil || first.leased < at {
				t.Fatalf("runs: %v, %v (the other ran after %d leases)", err, first.err, first.leased)
			}
			if rep.Emails != 2 || rep.Covered != 5 || first.rep.Emails+first.rep.Covered+first.rep.Sent != 0 {
				t.Errorf("the run holding the carrier: %+v; the one overlapping it: %+v", rep, first.rep)
			}
			got := e.listedOnce(w, subs)
			for _, lead := range w.leads {
				if len(got[lead]) != 1 || got[lead][0].Subject != "6 submissions awaiting review (Working for Wellness)" {
					var subjects []string
					for _, m := range got[lead] {
						subjects = append(subjects, m.Subject)
					}
					t.Errorf("emails to %s: %q, want one of all six", lead, subjects)
				}
			}
		})
	}
}

// TestMemDigestOverlappingRuns: runs that overlap over the same
// submissions tell each lead of each once between them, in one email.
func TestMemDigestOverlappingRuns(t *testing.T) {
	t.Parallel()
	e := newMemEnv(t)
	w := e.reviewWorld()
	subs := e.submit(w, 6)
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			if _, err := runSafely(t.Context(), e.notifier(e.st)); err != nil {
				t.Errorf("run %d: %v", i, err)
			}
		})
	}
	wg.Wait()
	e.clk.Add(time.Hour) // any lease a run left
	e.run()
	e.listedOnce(w, subs)
	for _, o := range subs {
		if n := e.noteOf(w, o); n.Status != domain.NotificationSent {
			t.Errorf("%s: %+v", o.ID, n)
		}
	}
	for _, lead := range w.leads {
		if n := e.mail.asked()[lead]; n != 1 {
			t.Errorf("%d emails to %s, want 1", n, lead)
		}
	}
}

// dying is the notifier's storage for a run that dies at its at-th call
// (from 1) of op, CoverNotification ("cover") or ClaimRecipient ("claim"):
// before the call takes effect, or, when after, once it has.
type dying struct {
	notify.Storage
	op    string
	at    int
	after bool
	mu    sync.Mutex
	calls int
	died  bool
}

var errDied = errors.New("run died")

// fatal counts a call of op and says whether the run dies at it.
func (d *dying) fatal(op string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if op != d.op {
		return false
	}
	d.calls++
	d.died = d.died || d.calls == d.at
	return d.calls == d.at
}

func (d *dying) CoverNotification(ctx context.Context, n domain.Notification, carrierAttempt int64, ev domain.AuditEvent) (bool, error) {
	if !d.fatal("cover") {
		return d.Storage.CoverNotification(ctx, n, carrierAttempt, ev)
	}
	if d.after {
		d.Storage.CoverNotification(ctx, n, carrierAttempt, ev)
	}
	return false, errDied
}

func (d *dying) ClaimRecipient(ctx context.Context, programmeID, id string, attempt int64, to string, holds ...service.Premise) (bool, error) {
	if !d.fatal("claim") {
		return d.Storage.ClaimRecipient(ctx, programmeID, id, attempt, to, holds...)
	}
	if d.after {
		d.Storage.ClaimRecipient(ctx, programmeID, id, attempt, to, holds...)
	}
	return false, errDied
}

// TestMemDigestResumedAfterDeath: a run records a digest of five (the
// carrier and four it is to cover) and dies part way. While its leases
// hold, other runs leave the programme alone; the run after them sends
// the carrier to each lead who has not had it, as the one email it was
// to be: a run that died covering finished covering the four, under its
// own leases, where the carrier once went listing only those covered and
// the rest went in a second, smaller email. Submissions reviewed meanwhile
// are settled or left out of the list; one sent since goes in the same
// run, in its own email, not a run later. A lead is never emailed twice:
// one the dead run was sending to when it died is never emailed again.
func TestMemDigestResumedAfterDeath(t *testing.T) {
	t.Parallel()
	const five, three = "5 submissions awaiting review (Working for Wellness)", "3 submissions awaiting review (Working for Wellness)"
	for _, c := range []struct {
		name     string
		die      *dying
		approve  []int    // of the five, approved after the death
		since    bool     // a sixth sent after the death
		subjects []string // each lead's emails, in the end
		told     []int    // the submissions each lead is told of, once
		noted    []int    // the submissions settled not needed
	}{
		{name: "covering, none covered", die: &dying{op: "cover", at: 1}, subjects: []string{five}, told: []int{0, 1, 2, 3, 4}},
		{name: "covering, two covered", die: &dying{op: "cover", at: 3}, subjects: []string{five}, told: []int{0, 1, 2, 3, 4}},
		{name: "covering, the last one covered", die: &dying{op: "cover", at: 4, after: true}, subjects: []string{five}, told: []int{0, 1, 2, 3, 4}},
		{name: "covering, one covered and one not reviewed since", die: &dying{op: "cover", at: 3}, approve: []int{1, 3},
			subjects: []string{three}, told: []int{0, 2, 4}, noted: []int{3}},
		{name: "covering, with a submission since", die: &dying{op: "cover", at: 3}, since: true,
			subjects: []string{five, "Submission awaiting review: March 2026 (Leeds IPS, Working for Wellness)"}, told: []int{0, 1, 2, 3, 4, 5}},
		{name: "sending, one lead emailed", die: &dying{op: "claim", at: 2}, subjects: []string{five}, told: []int{0, 1, 2, 3, 4}},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			e := newMemEnv(t)
			w := e.reviewWorld()
			subs := e.submit(w, 5)
			dying := c.die
			dying.Storage = e.st
			if _, err := runSafely(t.Context(), e.notifier(dying)); !errors.Is(err, errDied) || !dying.died {
				t.Fatalf("the dying run: %v, died %v", err, dying.died)
			}
			carrier := e.noteOf(w, subs[0])
			if carrier.Status != domain.NotificationPending || len(carrier.Includes) != 4 {
				t.Fatalf("carrier after the dying run: %+v", carrier)
			}
			sentBefore := len(e.mail.to())
			e.clk.Add(30 * time.Second)
			if rep := e.run(); rep.Emails != 0 {
				t.Errorf("a run while the leases hold: %+v", rep)
			}
			for _, i := range c.approve {
				e.approve(w, subs[i])
			}
			if c.since {
				subs = append(subs, e.submitFrom(w, 5, 1)...)
			}
			e.clk.Add(30*time.Second + time.Millisecond)
			rep := e.run()
			if rep.Emails != 2*len(c.subjects)-sentBefore {
				t.Errorf("the run after the leases: %+v", rep)
			}
			var told, others []domain.Outcome
			for i, o := range subs {
				if slices.Contains(c.told, i) {
					told = append(told, o)
				} else {
					others = append(others, o)
				}
			}
			got := e.listedOnce(w, told, others...)
			for _, lead := range w.leads {
				var subjects []string
				for _, m := range got[lead] {
					subjects = append(subjects, m.Subject)
				}
				if !slices.Equal(subjects, c.subjects) {
					t.Errorf("emails to %s: %q, want %q", lead, subjects, c.subjects)
				}
				if n := e.mail.asked()[lead]; n != len(c.subjects) {
					t.Errorf("%d emails asked of SES for %s, want %d", n, lead, len(c.subjects))
				}
			}
			carrier = e.noteOf(w, subs[0])
			var includes []string
			for i, o := range subs[1:5] {
				if slices.Contains(c.noted, i+1) {
					// Reviewed before it was covered: never emailed, so
					// withdrawn, and not listed as sent.
					e.withdrawn(memWorld{prog: w.prog}, awaitingID(o), domain.NotNeededReviewed)
				} else if n := e.noteOf(w, o); n.Status != domain.NotificationSent || n.CoveredBy != carrier.ID {
					t.Errorf("%d, not covered by the carrier: %+v", i+1, n)
				} else {
					includes = append(includes, n.ID)
				}
			}
			if carrier.Status != domain.NotificationSent || !slices.Equal(carrier.Delivered, w.leads) || !slices.Equal(carrier.Includes, includes) {
				t.Errorf("carrier: %+v, want it to include %v", carrier, includes)
			}
			e.clk.Add(time.Hour)
			if rep := e.run(); rep.Emails+rep.Covered+rep.Sent != 0 {
				t.Errorf("a later run: %+v", rep)
			}
		})
	}
}

// TestMemDigestDiedClaimingALead: a run dies having claimed the second
// lead's email of a digest, not knowing whether SES took it. The run after
// the lease never sends that lead the email again (at most once), and says
// so; the first lead had it once.
func TestMemDigestDiedClaimingALead(t *testing.T) {
	t.Parallel()
	e := newMemEnv(t)
	w := e.reviewWorld()
	subs := e.submit(w, 3)
	dying := &dying{Storage: e.st, op: "claim", at: 2, after: true}
	if _, err := runSafely(t.Context(), e.notifier(dying)); !errors.Is(err, errDied) {
		t.Fatalf("the dying run: %v", err)
	}
	e.clk.Add(time.Minute + time.Millisecond)
	if rep := e.run(); rep.Emails != 0 || rep.Failed != 1 {
		t.Errorf("the run after the lease: %+v", rep)
	}
	first, unknown := w.leads[0], w.leads[1]
	if asked := e.mail.asked(); asked[first] != 1 || asked[unknown] != 0 {
		t.Errorf("emails asked of SES: %v, want one to %s alone", asked, first)
	}
	if n := e.noteOf(w, subs[0]); n.Status != domain.NotificationFailed || !slices.Equal(n.Sending, []string{unknown}) ||
		!strings.Contains(n.LastError, "not known to be delivered to "+unknown) {
		t.Errorf("carrier: %+v", n)
	}
}

// TestMemDigestReviewedBeforeRun: a submission reviewed before the run is
// not listed, and its email, which never went, is withdrawn (not listed
// as sent); the rest go in one.
func TestMemDigestReviewedBeforeRun(t *testing.T) {
	t.Parallel()
	e := newMemEnv(t)
	w := e.reviewWorld()
	subs := e.submit(w, 4)
	e.approve(w, subs[0])
	if rep := e.run(); rep.NotNeeded != 1 || rep.Sent != 1 || rep.Covered != 2 || rep.Emails != 2 {
		t.Errorf("report %+v", rep)
	}
	got := e.listedOnce(w, subs[1:], subs[0])
	for _, lead := range w.leads {
		if len(got[lead]) != 1 || got[lead][0].Subject != "3 submissions awaiting review (Working for Wellness)" {
			t.Errorf("emails to %s: %d", lead, len(got[lead]))
		}
	}
	e.withdrawn(memWorld{prog: w.prog}, awaitingID(subs[0]), domain.NotNeededReviewed)
	listed, _, err := e.svc.Open(t.Context(), testkit.AdminCaller(), w.prog.ID).ListNotifications(service.Page{Limit: 100})
	if err != nil || len(listed) != 3 || slices.ContainsFunc(listed, func(n domain.Notification) bool { return n.ID == awaitingID(subs[0]) }) {
		t.Errorf("listed %d notifications (%v), want the three emailed ones", len(listed), err)
	}
}

// TestMemDigestRetriedAfterPassingFailure: a digest that reached one
// lead and failed in passing for the other is retried as it was, listing
// what still awaits review: here not the carrier's own submission,
// approved meanwhile, but the two it covers.
func TestMemDigestRetriedAfterPassingFailure(t *testing.T) {
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
		t.Errorf("first run: %+v", rep)
	}
	e.approve(w, subs[0])
	e.clk.Add(time.Second)
	if rep := e.run(); rep.Emails != 1 || rep.Sent != 1 {
		t.Errorf("the retry: %+v", rep)
	}
	got := e.mail.to()
	if len(got[first]) != 1 || got[first][0].Subject != "3 submissions awaiting review (Working for Wellness)" {
		t.Errorf("emails to %s: %+v", first, got[first])
	}
	if len(got[flaky]) != 1 || got[flaky][0].Subject != "2 submissions awaiting review (Working for Wellness)" ||
		strings.Contains(got[flaky][0].Text, subs[0].ID) || !strings.Contains(got[flaky][0].Text, reviewLink(w, subs[2])) {
		t.Errorf("emails to %s: %+v", flaky, got[flaky])
	}
	if n := e.noteOf(w, subs[0]); n.Status != domain.NotificationSent || !slices.Equal(n.Delivered, w.leads) || len(n.Includes) != 2 {
		t.Errorf("carrier: %+v", n)
	}
}

// TestMemChangesRequestedSentThoughCorrected: the email asking a
// project's leads for changes goes to each of them once, with the lead's
// comment, even when one of them corrected the submission before the
// notifier ran: the others hear the comment nowhere else. It says that a
// correction was sent and links to the submission, whose page links to
// it, not to a correction form that could only refuse a second one. One
// asked of a submission not corrected links to the correction form.
func TestMemChangesRequestedSentThoughCorrected(t *testing.T) {
	t.Parallel()
	e := newMemEnv(t)
	w := e.reviewWorld()
	pr := w.projects[0]
	second := "pl.second@aspiro.example.org"
	testkit.NewBuilder(t, e.svc).Member(w.prog.ID, second, testkit.RoleProjectLead(pr.ID))
	subs := e.submit(w, 3) // the first and third are Bradford's
	lead := e.svc.OpenProject(t.Context(), testkit.Caller(w.leads[0]), w.prog.ID, pr.ID)
	for _, o := range []domain.Outcome{subs[0], subs[2]} {
		if _, err := lead.ReviewOutcome(o.ID, testkit.Body(obj{"decision": "request-changes", "comment": "Split by cohort,\nplease."})); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.svc.OpenProject(t.Context(), testkit.Caller(w.projLeads[0]), w.prog.ID, pr.ID).SubmitOutcome(testkit.Body(obj{
		"periodStart": "2026-01-01", "periodEnd": "2026-01-31", "counts": obj{"peopleIntoWork": 2}, "replaces": subs[0].ID})); err != nil {
		t.Fatal(err)
	}
	e.run()
	e.clk.Add(time.Hour)
	e.run()
	page := webBase + "/app/programmes/" + w.prog.ID + "/projects/" + pr.ID + "/outcomes/"
	got := e.mail.to()
	for _, pl := range []string{w.projLeads[0], second} {
		var corrected, open int
		for _, m := range got[pl] {
			if !strings.HasPrefix(m.Subject, "Changes requested to your submission") {
				continue
			}
			if !strings.Contains(m.Text, "Split by cohort,\nplease.") {
				t.Errorf("the email to %s does not carry the comment:\n%s", pl, m.Text)
			}
			switch {
			case strings.Contains(m.Subject, "January 2026"):
				corrected++
				if !strings.Contains(m.Text, "A correction of it has been sent since") || !strings.Contains(m.Text, page+subs[0].ID+"\n") ||
					strings.Contains(m.Text, "replaces=") {
					t.Errorf("the email about the corrected submission:\n%s", m.Text)
				}
			case strings.Contains(m.Subject, "February 2026"):
				open++
				if strings.Contains(m.Text, "has been sent since") || !strings.Contains(m.Text, page+"new?replaces="+subs[2].ID) {
					t.Errorf("the email about the submission not corrected:\n%s", m.Text)
				}
			}
		}
		if corrected != 1 || open != 1 {
			t.Errorf("%s had %d emails about the corrected submission and %d about the other, want one each", pl, corrected, open)
		}
	}
	for _, o := range []domain.Outcome{subs[0], subs[2]} {
		n := e.note(memWorld{prog: w.prog}, domain.SubmissionNotificationID(o.ID, domain.KindChangesRequested))
		if n.Status != domain.NotificationSent || n.NotNeeded != "" || len(n.Delivered) != 2 {
			t.Errorf("changes requested of %s: %+v", o.ID, n)
		}
	}
}

// TestMemDigestDiedThenAllReviewed: a run dies having covered two of a
// digest's submissions in its carrier, before any lead had the email; all
// five are reviewed before the next run. Nobody is emailed, and none of
// the five is left listed: the two recorded sent in an email that never
// went are withdrawn with the carrier, not listed as sent.
func TestMemDigestDiedThenAllReviewed(t *testing.T) {
	t.Parallel()
	e := newMemEnv(t)
	w := e.reviewWorld()
	subs := e.submit(w, 5)
	dying := &dying{Storage: e.st, op: "cover", at: 3}
	if _, err := runSafely(t.Context(), e.notifier(dying)); !errors.Is(err, errDied) {
		t.Fatalf("the dying run: %v", err)
	}
	covered := 0
	for _, o := range subs[1:] {
		if e.noteOf(w, o).CoveredBy != "" {
			covered++
		}
	}
	if covered != 2 {
		t.Fatalf("%d covered by the dying run, want 2", covered)
	}
	for _, o := range subs {
		e.approve(w, o)
	}
	e.clk.Add(time.Minute + time.Millisecond)
	if rep := e.run(); rep.Emails != 0 || rep.Sent != 0 {
		t.Errorf("the run after the lease: %+v", rep)
	}
	for _, o := range subs {
		g := &service.Get{Ref: domain.Ref(domain.EntityNotification, awaitingID(o)), Into: &domain.Notification{}}
		if err := e.st.Read(t.Context(), w.prog.ID, g); err != nil || g.Found {
			t.Errorf("%s: still there (%v %v)", o.ID, g.Found, err)
		}
	}
	if n := len(e.mail.to()); n != 0 {
		t.Errorf("emails to %d people", n)
	}
}
