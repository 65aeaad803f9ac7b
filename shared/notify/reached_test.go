package notify_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go/middleware"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/notify"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

const reachedSubject = "Target reached: 60 people into work (Bradford IPS, Working for Wellness)"

// TestReachedEmailsEveryFunderContactOnce: reaching a target emails each
// contact of each funder it names, once, saying what was reached, the
// figure, the date, the programme and the project; the notification shows
// it sent. A second run sends nothing.
func TestReachedEmailsEveryFunderContactOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w := e.world()
	tg := e.projectTarget(w, 60, "2026-12-31")
	// Another funder of the programme, not named by the target, hears nothing.
	other := e.funder(w.prog.ID, "Yorkshire SHA", e.addr("other", "sha.example.nhs.uk"))

	if rep := e.run(); rep.Claimed != 0 || rep.Emails != 0 {
		t.Fatalf("nothing reached yet, but: %+v", rep)
	}
	e.clk.Set("2026-03-02T10:30:00Z")
	e.submit(w.prog.ID, w.project.ID, 61, "")
	rep := e.run()
	if rep.ProgrammesChanged != 1 || rep.Claimed != 1 || rep.Emails != 4 || rep.Sent != 1 || rep.Failed != 0 || rep.Retrying != 0 {
		t.Errorf("report %+v", rep)
	}

	e.expectMail(each(reachedSubject, w.contacts...))
	for _, m := range e.mail() {
		if m.From != sender || len(m.Destination.To) != 1 || len(m.Destination.Cc)+len(m.Destination.Bcc) != 0 {
			t.Errorf("email %s: from %q to %v cc %v bcc %v", m.MessageID, m.From, m.Destination.To, m.Destination.Cc, m.Destination.Bcc)
		}
		for _, want := range []string{
			"Bradford IPS (Working for Wellness) has reached 100% of its target of 60 people into work: 61 as of 2 March 2026.",
			"Programme: Working for Wellness", "Project: Bradford IPS",
			"Figure: 61 people into work against a target of 60 (101.7%)", "Date: 2 March 2026",
			// The period the figure covers (the target's window, from the
			// programme's start, to the end of the latest period counted:
			// January's, not the day of the email) and the way back to
			// the programme.
			"Figures cover: periods ending between 1 January 2026 and 31 January 2026", "Target period: January to December 2026",
			webBase + "/app/programmes/" + w.prog.ID,
		} {
			if !strings.Contains(m.Body.Text, want) {
				t.Errorf("text to %s lacks %q:\n%s", m.To(), want, m.Body.Text)
			}
		}
		for _, want := range []string{
			"<title>" + reachedSubject + "</title>", ">Working for Wellness</td>", ">Bradford IPS</td>",
			">61 people into work against a target of 60 (101.7%)</td>", ">2 March 2026</td>",
			`href="` + webBase + "/app/programmes/" + w.prog.ID + `"`, `<meta name="color-scheme" content="light dark">`,
			"has reached 100% of its target of 60 people into work: 61 as of 2 March 2026.",
		} {
			if !strings.Contains(m.Body.HTML, want) {
				t.Errorf("html to %s lacks %q:\n%s", m.To(), want, m.Body.HTML)
			}
		}
		if strings.Contains(m.To(), "other.") {
			t.Errorf("funder %s was not in the target's notify list but got %s", other.Name, m.Subject)
		}
	}

	id := domain.NotificationID(tg.ID, domain.KindReached, 100)
	notes := e.notifications(w.prog.ID)
	n, ok := notes[id]
	if len(notes) != 1 || !ok {
		t.Fatalf("notifications %+v, want one with id %s", notes, id)
	}
	at := time.Date(2026, 3, 2, 10, 30, 0, 0, time.UTC)
	if n.Status != domain.NotificationSent || n.Kind != domain.KindReached || n.Threshold != 100 || n.TargetID != tg.ID ||
		n.Attempts != 1 || n.SentAt == nil || !n.SentAt.Equal(at) || n.LastError != "" ||
		!slices.Equal(n.Recipients, w.contacts) || n.Figure != 61 || n.On.String() != "2026-03-02" {
		t.Errorf("notification %+v", n)
	}
	got := slices.Clone(n.Delivered)
	slices.Sort(got)
	if !slices.Equal(got, w.contacts) {
		t.Errorf("delivered %v, want %v", n.Delivered, w.contacts)
	}
	// Who was emailed for which funder is kept, whatever their contacts
	// become.
	if len(n.FunderContacts) != 2 || !slices.Equal(n.FunderContacts[w.dwp.ID], w.dwp.Contacts) ||
		!slices.Equal(n.FunderContacts[w.doh.ID], w.doh.Contacts) {
		t.Errorf("funderContacts %v", n.FunderContacts)
	}

	// Its history: the notifier recorded it, then sent it to whom.
	hist, _, err := e.st.History(t.Context(), w.prog.ID, domain.Ref(domain.EntityNotification, id), service.Page{})
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 2 || hist[0].Action != domain.ActionSend || hist[0].ActorEmail != notify.Actor.Email ||
		hist[1].Action != domain.ActionCreate || hist[1].ActorEmail != notify.Actor.Email {
		t.Errorf("audit: %+v", hist)
	}

	// A funder's own view lists only its own contacts.
	funderUser := e.addr("viewer", "dwp.example.gov.uk")
	e.member(w.prog.ID, funderUser, testkit.RoleFunder(w.dwp.ID))
	asFunder := domain.Caller{Identity: domain.Identity{Subject: "f-1", Email: funderUser}}
	items, _, err := e.svc.Open(t.Context(), asFunder, w.prog.ID).ListNotifications(service.Page{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	dwp := slices.Sorted(slices.Values(w.dwp.Contacts))
	if len(items) != 1 || !slices.Equal(items[0].Recipients, dwp) || items[0].Status != domain.NotificationSent {
		t.Errorf("funder's view: %+v, want recipients %v", items, dwp)
	}

	// Later runs, however many, send nothing more.
	for range 2 {
		e.clk.Add(time.Hour)
		if rep := e.run(); rep.Claimed != 0 || rep.Emails != 0 || rep.ProgrammesChanged != 0 {
			t.Errorf("repeat run: %+v", rep)
		}
	}
	e.expectMail(each(reachedSubject, w.contacts...))
	if n := e.notifications(w.prog.ID)[id]; n.Attempts != 1 || n.Status != domain.NotificationSent {
		t.Errorf("after repeat runs: %+v", n)
	}
}

// TestReachedEmailNamesAPeriodNotYetOver: figures for a period not yet
// over are accepted and counted; the email says its figures run to that
// period's end, not to the day it is sent.
func TestReachedEmailNamesAPeriodNotYetOver(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w := e.world()
	e.projectTarget(w, 6, "2026-12-31")
	e.clk.Set("2026-03-02T10:30:00Z")
	for _, p := range [][2]string{{"2026-01-01", "2026-01-31"}, {"2026-03-01", "2026-03-31"}} {
		e.build().Outcome(w.prog.ID, w.project.ID, obj{"periodStart": p[0], "periodEnd": p[1], "counts": obj{"peopleIntoWork": 3}})
	}
	e.run()
	e.expectMail(each("Target reached: 6 people into work (Bradford IPS, Working for Wellness)", w.contacts...))
	for _, m := range e.mail() {
		if want := "Figures cover: periods ending between 1 January 2026 and 31 March 2026"; !strings.Contains(m.Body.Text, want) {
			t.Errorf("text to %s lacks %q:\n%s", m.To(), want, m.Body.Text)
		}
	}
}

// TestConcurrentRunsSendOnce: runs that overlap send each email once.
func TestConcurrentRunsSendOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w := e.world()
	e.projectTarget(w, 60, "2026-12-31")
	e.clk.Set("2026-03-02T10:30:00Z")
	e.submit(w.prog.ID, w.project.ID, 61, "")

	const runs = 6
	var wg sync.WaitGroup
	reports := make([]notify.Report, runs)
	errs := make([]error, runs)
	start := make(chan struct{})
	for i := range runs {
		wg.Go(func() {
			<-start
			reports[i], errs[i] = runSafely(t.Context(), e.notifier())
		})
	}
	close(start)
	wg.Wait()
	var total notify.Report
	for i, r := range reports {
		if errs[i] != nil {
			t.Errorf("run %d: %v", i, errs[i])
		}
		total.Claimed += r.Claimed
		total.Emails += r.Emails
		total.Sent += r.Sent
	}
	if total.Claimed != 1 || total.Emails != 4 || total.Sent != 1 {
		t.Errorf("all runs together: %+v (each %+v)", total, reports)
	}
	for to, n := range e.ses.calls() {
		if n != 1 {
			t.Errorf("%d SendEmail calls to %s", n, to)
		}
	}
	e.expectMail(each(reachedSubject, w.contacts...))
}

// TestFallAndRiseSendsOnce: 59 → 61 → 58 → 62 through a submission and
// corrections, the notifier running after each: the 100% email goes once,
// at 61.
func TestFallAndRiseSendsOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w := e.world()
	tg := e.projectTarget(w, 60, "2026-12-31")
	e.run()

	steps := []struct {
		count  int64
		emails int
	}{{59, 0}, {61, 4}, {58, 0}, {62, 0}}
	prev := ""
	for i, s := range steps {
		e.clk.Add(24 * time.Hour)
		prev = e.submit(w.prog.ID, w.project.ID, s.count, prev).ID
		rep := e.run()
		if rep.ProgrammesChanged != 1 || rep.Emails != s.emails {
			t.Errorf("step %d (%d): report %+v, want %d emails", i, s.count, rep, s.emails)
		}
	}
	e.expectMail(each(reachedSubject, w.contacts...))
	n := e.notifications(w.prog.ID)[domain.NotificationID(tg.ID, domain.KindReached, 100)]
	if n.Figure != 61 || n.Status != domain.NotificationSent || n.Attempts != 1 {
		t.Errorf("notification %+v: want figure 61, sent once", n)
	}
	for _, m := range e.mail() {
		if !strings.Contains(m.Body.Text, "61 as of 7 January 2026") {
			t.Errorf("email says:\n%s", m.Body.Text)
		}
	}
}

// TestThresholdsSendAtTheirTimes: thresholds [50, 100] crossed one at a
// time send one email each, when each is crossed; a target that crosses
// several thresholds in one change (referrals 0 → 120%, past 25, 50 and
// 100) sends each contact one email, naming the highest, and every
// threshold is still recorded as notified, once.
func TestThresholdsSendAtTheirTimes(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w := e.world()
	tg := e.projectTarget(w, 60, "2026-12-31", 100, 50)
	// Referrals for the whole programme (4 per person into work), told to DWP only.
	ref := e.target(w.prog.ID, obj{"metric": "referrals", "value": 100, "deadline": "2026-12-31",
		"notify": []string{w.dwp.ID}, "thresholds": []int64{25, 50, 100}})
	e.run()

	half := "50% of target reached: 60 people into work (Bradford IPS, Working for Wellness)"
	refReached := "Target reached: 100 referrals (Working for Wellness)" // the programme's target
	e.clk.Set("2026-02-10T08:00:00Z")
	e.submit(w.prog.ID, w.project.ID, 30, "") // 30 of 60 into work; 120 of 100 referrals
	rep := e.run()
	// Four claims: 50% into work; 25% and 50% of referrals covered by
	// 100%. Two emails to send: one to each of four contacts, one to each
	// of DWP's two.
	if rep.Claimed != 4 || rep.Sent != 2 || rep.Emails != 4+2 {
		t.Errorf("first crossing: %+v", rep)
	}
	refMail := each(refReached, w.dwp.Contacts...)
	e.expectMail(merge(each(half, w.contacts...), refMail))
	for _, m := range e.mail() {
		switch m.Subject {
		case half:
			if !strings.Contains(m.Body.Text, "has reached 50% of its target of 60 people into work: 30 as of 10 February 2026.") || strings.Contains(m.Body.Text, "On the way") {
				t.Errorf("50%% email:\n%s", m.Body.Text)
			}
		case refReached:
			if !strings.Contains(m.Body.Text, "Working for Wellness has reached 100% of its target of 100 referrals: 120 as of 10 February 2026.") ||
				!strings.Contains(m.Body.Text, "On the way it passed 25% and 50% of the target too") {
				t.Errorf("the one referrals email:\n%s", m.Body.Text)
			}
		}
	}

	e.clk.Set("2026-05-20T08:00:00Z")
	e.run()
	e.expectMail(merge(each(half, w.contacts...), refMail)) // nothing new without new figures

	e.submit(w.prog.ID, w.project.ID, 30, "") // 60 of 60
	rep = e.run()
	if rep.Claimed != 1 || rep.Sent != 1 || rep.Emails != 4 {
		t.Errorf("second crossing: %+v", rep)
	}
	e.expectMail(merge(each(half, w.contacts...), each(reachedSubject, w.contacts...), refMail))
	for _, m := range e.mail() {
		// 50% went months ago, in its own email: this one covers nothing.
		if m.Subject == reachedSubject && (!strings.Contains(m.Body.Text, "has reached 100% of its target of 60 people into work: 60 as of 20 May 2026.") ||
			strings.Contains(m.Body.Text, "On the way")) {
			t.Errorf("100%% email:\n%s", m.Body.Text)
		}
	}

	notes := e.notifications(w.prog.ID)
	n50, n100 := notes[domain.NotificationID(tg.ID, domain.KindReached, 50)], notes[domain.NotificationID(tg.ID, domain.KindReached, 100)]
	if n50.Status != domain.NotificationSent || n50.Figure != 30 || n50.On.String() != "2026-02-10" || n50.CoveredBy != "" ||
		n100.Status != domain.NotificationSent || n100.Figure != 60 || n100.On.String() != "2026-05-20" || len(n100.Covers) != 0 {
		t.Errorf("notifications 50: %+v\n100: %+v", n50, n100)
	}
	top := domain.NotificationID(ref.ID, domain.KindReached, 100)
	for _, th := range []int64{25, 50} {
		n := notes[domain.NotificationID(ref.ID, domain.KindReached, th)]
		if n.Status != domain.NotificationSent || n.CoveredBy != top || len(n.Delivered) != 0 || n.Attempts != 0 || len(n.Recipients) != 2 {
			t.Errorf("referrals %d%%, covered by the 100%% email: %+v", th, n)
		}
	}
	if n := notes[top]; n.Status != domain.NotificationSent || !slices.Equal(n.Covers, []int64{25, 50}) || len(n.Delivered) != 2 || n.CoveredBy != "" {
		t.Errorf("referrals 100%%: %+v", n)
	}
	if len(notes) != 5 {
		t.Errorf("%d notifications, want 5", len(notes))
	}
}

// TestSeveralThresholdsCoveredAfterACrash: a run that claimed the
// thresholds crossed at once and stopped before sending (here: its
// deadline was near, so it sent nothing) leaves the one email to later
// runs; overlapping runs over it send the one email once, naming the
// lower threshold it covers.
func TestSeveralThresholdsCoveredAfterACrash(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w := e.world()
	tg := e.projectTarget(w, 60, "2026-12-31", 50, 100)
	e.run()
	e.clk.Set("2026-02-10T08:00:00Z")
	e.submit(w.prog.ID, w.project.ID, 72, "") // 0 → 120%: past 50 and 100

	// The partial state a run leaves that claims and stops before sending.
	stopped := e.notifier()
	stopped.Margin = time.Hour // its deadline, in a minute, is too near to send
	ctx, cancel := context.WithDeadline(t.Context(), time.Now().Add(time.Minute))
	rep, err := stopped.Run(ctx)
	cancel()
	if err != nil || rep.Claimed != 2 || rep.Emails != 0 {
		t.Fatalf("the run that stopped: %+v, %v", rep, err)
	}
	top := domain.NotificationID(tg.ID, domain.KindReached, 100)
	if n := e.notifications(w.prog.ID)[top]; n.Status != domain.NotificationPending || !slices.Equal(n.Covers, []int64{50}) {
		t.Fatalf("left: %+v", n)
	}
	var wg sync.WaitGroup
	for range 3 {
		wg.Go(func() {
			if _, err := runSafely(t.Context(), e.notifier()); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	e.expectMail(each(reachedSubject, w.contacts...))
	for _, m := range e.mail() {
		if !strings.Contains(m.Body.Text, "On the way it passed 50% of the target too") {
			t.Errorf("the one email does not name 50%%:\n%s", m.Body.Text)
		}
	}
	notes := e.notifications(w.prog.ID)
	if n := notes[domain.NotificationID(tg.ID, domain.KindReached, 50)]; n.Status != domain.NotificationSent || n.CoveredBy != top {
		t.Errorf("50%%: %+v, want covered by %s", n, top)
	}
	if n := notes[top]; n.Status != domain.NotificationSent || len(n.Delivered) != len(w.contacts) {
		t.Errorf("100%%: %+v", n)
	}
}

// failReachedClaim fails, while armed, the nth DynamoDB write that records
// a "reached" notification (from 1): a run that dies at that write.
type failReachedClaim struct {
	n     int
	armed atomic.Bool
	mu    sync.Mutex
	seen  int
}

func (f *failReachedClaim) option(o *dynamodb.Options) {
	o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
		return s.Initialize.Add(middleware.InitializeMiddlewareFunc("failReachedClaim",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				if tw, ok := in.Parameters.(*dynamodb.TransactWriteItemsInput); ok && f.armed.Load() {
					for _, item := range tw.TransactItems {
						if item.Put == nil {
							continue
						}
						if k, ok := item.Put.Item["kind"].(*types.AttributeValueMemberS); ok && k.Value == string(domain.KindReached) {
							f.mu.Lock()
							f.seen++
							die := f.seen == f.n
							f.mu.Unlock()
							if die {
								return middleware.InitializeOutput{}, middleware.Metadata{}, errors.New("run died")
							}
							break
						}
					}
				}
				return next.HandleInitialize(ctx, in)
			}), middleware.Before)
	})
}

// TestCrashBetweenThresholdClaims: a run crossing thresholds [50, 100] at
// once dies at its first or second write recording a threshold, and the
// figure then falls back to 60% (a correction) before the next run. No
// threshold is left recorded as covered by an email that does not exist:
// either both were claimed together and their one email goes, once, or
// neither was, and 50%, still reached, goes in its own email, once. (The
// thresholds were claimed one write each, lower first: a run dying at the
// second left 50% "sent, covered by" a 100% email never recorded, and
// 50% was never emailed.)
func TestCrashBetweenThresholdClaims(t *testing.T) {
	t.Parallel()
	for _, n := range []int{1, 2} {
		t.Run(fmt.Sprint("dies at write ", n), func(t *testing.T) {
			t.Parallel()
			f := &failReachedClaim{n: n}
			e := newEnv(t, f.option)
			w := e.world()
			tg := e.projectTarget(w, 10, "2026-12-31", 50, 100)
			e.run()
			e.clk.Set("2026-02-10T08:00:00Z")
			sub := e.submit(w.prog.ID, w.project.ID, 12, "")
			f.armed.Store(true)
			runSafely(t.Context(), e.notifier()) //nolint:errcheck // it dies, or not
			f.armed.Store(false)
			e.submit(w.prog.ID, w.project.ID, 6, sub.ID) // 60%: past 50 only
			for range 2 {
				e.clk.Add(10 * time.Minute) // past any lease
				e.run()
			}
			notes := e.notifications(w.prog.ID)
			half := domain.NotificationID(tg.ID, domain.KindReached, 50)
			h, ok := notes[half]
			if !ok || h.Status != domain.NotificationSent {
				t.Fatalf("50%% not notified: %+v", notes)
			}
			if h.CoveredBy != "" {
				c, ok := notes[h.CoveredBy]
				if !ok || c.Status != domain.NotificationSent || !slices.Contains(c.Covers, int64(50)) || len(c.Delivered) != len(w.contacts) {
					t.Fatalf("50%% is covered by %s, which is %+v (there: %v)", h.CoveredBy, c, ok)
				}
				e.expectMail(each("Target reached: 10 people into work (Bradford IPS, Working for Wellness)", w.contacts...))
				return
			}
			if len(h.Delivered) != len(w.contacts) || len(notes) != 1 {
				t.Errorf("50%%: %+v; notifications %+v", h, notes)
			}
			e.expectMail(each("50% of target reached: 10 people into work (Bradford IPS, Working for Wellness)", w.contacts...))
		})
	}
}

// TestNotificationHistory: a notification's history holds the notifier's
// events for it, each written with the change: its creation (a threshold
// covered by a higher one's email is created settled, saying so), and its
// send. Whoever may read the notification may read its history; a funder
// sees only its own contacts among the recipients.
func TestNotificationHistory(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	w := e.world()
	tg := e.projectTarget(w, 60, "2026-12-31", 50, 100)
	funderUser := e.addr("funder.user", "dwp.example.gov.uk")
	e.member(w.prog.ID, funderUser, testkit.RoleFunder(w.dwp.ID))
	e.clk.Set("2026-03-02T10:30:00Z")
	e.submit(w.prog.ID, w.project.ID, 61, "")
	e.run()

	half, full := domain.NotificationID(tg.ID, domain.KindReached, 50), domain.NotificationID(tg.ID, domain.KindReached, 100)
	history := func(who domain.Caller, id string) []domain.AuditEvent {
		t.Helper()
		h, _, err := e.svc.Open(t.Context(), who, w.prog.ID).History(domain.Ref(domain.EntityNotification, id), service.Page{})
		if err != nil {
			t.Fatalf("history of %s: %v", id, err)
		}
		return h
	}
	h := history(testkit.Caller(w.lead), half)
	if len(h) != 1 || h[0].Action != domain.ActionCreate || h[0].Changes["status"].After != "sent" || h[0].Changes["coveredBy"].After != full {
		t.Errorf("the covered threshold's history: %+v", h)
	}
	h = history(testkit.Caller(w.lead), full)
	if len(h) != 2 || h[0].Action != domain.ActionSend || h[1].Action != domain.ActionCreate || len(h[0].Changes["recipients"].After.([]any)) != 4 {
		t.Errorf("the sent threshold's history: %+v", h)
	}
	h = history(testkit.Caller(funderUser), full)
	for _, ev := range h {
		got := ev.Changes["recipients"].After.([]any)
		if len(got) != 2 || !slices.Contains(w.dwp.Contacts, got[0].(string)) || !slices.Contains(w.dwp.Contacts, got[1].(string)) {
			t.Errorf("a funder sees recipients %v in the %s event, want only its own contacts %v", got, ev.Action, w.dwp.Contacts)
		}
	}
	if len(h) != 2 {
		t.Errorf("the funder's history: %+v", h)
	}
}
