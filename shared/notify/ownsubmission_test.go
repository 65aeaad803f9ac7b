package notify_test

import (
	"strings"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// A lead is not emailed that their own submission awaits review
// (audit-reporting2 W1): another lead reviews it, and is told; the
// project leads' submissions go to every lead as before.

// leadSubmits sends n submissions awaiting review as lead (who may send
// figures for any project), months on from those submitFrom sent.
func (e *memEnv) leadSubmits(w reviewWorld, lead string, from, n int) []domain.Outcome {
	e.t.Helper()
	var out []domain.Outcome
	for i := from; i < from+n; i++ {
		start := time.Date(2026, time.Month(1+i), 1, 0, 0, 0, 0, time.UTC)
		o, err := e.svc.OpenProject(e.t.Context(), testkit.Caller(lead), w.prog.ID, w.projects[0].ID).SubmitOutcome(testkit.Body(obj{
			"periodStart": start.Format(time.DateOnly), "periodEnd": start.AddDate(0, 1, -1).Format(time.DateOnly),
			"counts": obj{"referrals": 1 + i}, "notes": "sent by the lead"}))
		if err != nil {
			e.t.Fatal(err)
		}
		out = append(out, o)
		e.clk.Add(time.Second)
	}
	return out
}

// TestMemAwaitingReviewNotToItsSender: two leads; project leads send three
// submissions and one lead two. That lead has one email, of the project
// leads' three; the other lead two, one of the three and one of the lead's
// two; nobody is told of a submission twice, and later runs send nothing.
func TestMemAwaitingReviewNotToItsSender(t *testing.T) {
	t.Parallel()
	e := newMemEnv(t)
	w := e.reviewWorld()
	sender, other := w.leads[1], w.leads[0]
	theirs := e.submit(w, 3)
	mine := e.leadSubmits(w, sender, 3, 2)
	if rep := e.run(); rep.Emails != 3 || rep.Sent != 2 || rep.Covered != 3 || rep.Failed+rep.NotNeeded+rep.Retrying != 0 {
		t.Errorf("report %+v", rep)
	}
	got := e.mail.to()
	if len(got[sender]) != 1 || len(got[other]) != 2 {
		t.Fatalf("emails: %d to the lead who sent figures, %d to the other lead; want 1 and 2", len(got[sender]), len(got[other]))
	}
	count := func(lead string, o domain.Outcome) int {
		n := 0
		for _, m := range got[lead] {
			n += strings.Count(m.Text, reviewLink(w, o))
		}
		return n
	}
	for _, o := range theirs {
		if count(sender, o) != 1 || count(other, o) != 1 {
			t.Errorf("a project lead's %s told %d and %d times, want once to each lead", o.ID, count(sender, o), count(other, o))
		}
	}
	for _, o := range mine {
		if count(sender, o) != 0 || count(other, o) != 1 {
			t.Errorf("the lead's own %s told %d times to them and %d to the other lead, want 0 and 1", o.ID, count(sender, o), count(other, o))
		}
		n := e.noteOf(w, o)
		if n.SentBy != sender || n.Status != domain.NotificationSent || len(n.Recipients) != 1 || n.Recipients[0] != other {
			t.Errorf("the lead's own %s: %+v", o.ID, n)
		}
	}
	for _, m := range got[other] {
		if strings.Contains(m.Text, reviewLink(w, mine[0])) && m.Subject != "2 submissions awaiting review (Working for Wellness)" {
			t.Errorf("the other lead's email of the lead's submissions: %q", m.Subject)
		}
	}
	e.clk.Add(time.Hour)
	if rep := e.run(); rep.Emails+rep.Sent+rep.Covered != 0 {
		t.Errorf("a later run: %+v", rep)
	}
}

// TestMemOnlyLeadsOwnSubmissionNotEmailed: a programme's only lead who
// sends figures has nobody to tell: the awaiting-review email is withdrawn
// unsent (own-submission), never listed, and nobody is emailed; the
// project lead's submission still goes to that lead.
func TestMemOnlyLeadsOwnSubmissionNotEmailed(t *testing.T) {
	t.Parallel()
	e := newMemEnv(t)
	w := e.reviewWorld()
	only := w.leads[1]
	if err := e.svc.Open(t.Context(), testkit.AdminCaller(), w.prog.ID).DeleteMember(w.leads[0]); err != nil {
		t.Fatal(err)
	}
	mine := e.leadSubmits(w, only, 3, 1)[0]
	theirs := e.submit(w, 1)[0]
	if rep := e.run(); rep.Emails != 1 || rep.Sent != 1 || rep.NotNeeded != 1 {
		t.Errorf("report %+v", rep)
	}
	got := e.mail.to()
	if len(got[only]) != 1 || !strings.Contains(got[only][0].Text, reviewLink(w, theirs)) || strings.Contains(got[only][0].Text, mine.ID) {
		t.Errorf("the only lead's emails: %+v", got[only])
	}
	e.withdrawn(memWorld{prog: w.prog}, awaitingID(mine), domain.NotNeededOwnSubmission)
}

// TestAwaitingReviewNotToItsSender is the same on DynamoDB, for each role
// that may review: the programme's only lead sending figures has nobody
// to tell (withdrawn, own-submission, never listed); once there are more
// leads, a lead's figures and those of a lead who is also the project's
// lead go to the other leads only, and a project lead's to every lead.
// Checking each costs the one GetItem every awaiting-review email costs,
// no request more.
func TestAwaitingReviewNotToItsSender(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.cycleWith(false)
	e.clk.Set("2026-04-02T09:00:00Z")
	submit := func(who, start, end string) domain.Outcome {
		t.Helper()
		o, err := c.as(who).SubmitOutcome(testkit.Body(obj{"periodStart": start, "periodEnd": end, "counts": obj{"referrals": 3}}))
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	alone := submit(c.lead, "2026-01-01", "2026-03-31")
	if rep := e.run(); rep.NotNeeded != 1 || rep.Emails != 0 {
		t.Errorf("the only lead's own submission: %+v", rep)
	}
	if _, ok := e.notifications(c.prog.ID)[awaitingID(alone)]; ok {
		t.Errorf("the only lead's own submission's email is listed")
	}
	hist, _, err := e.st.History(t.Context(), c.prog.ID, domain.Ref(domain.EntityNotification, awaitingID(alone)), service.Page{})
	if err != nil || len(hist) == 0 || hist[0].Action != domain.ActionDelete || hist[0].Changes["notNeeded"].Before != string(domain.NotNeededOwnSubmission) {
		t.Errorf("its history: %+v (%v)", hist, err)
	}

	deputy, both := e.addr("deputy", "trust.nhs.uk"), e.addr("both", "trust.nhs.uk")
	e.member(c.prog.ID, deputy, testkit.RoleLead())
	e.member(c.prog.ID, both, testkit.RoleLead(), testkit.RoleProjectLead(c.project.ID))
	e.clk.Add(time.Hour)
	feb := submit(c.lead, "2026-02-01", "2026-02-28")
	mar := submit(both, "2026-03-01", "2026-03-31")
	apr := submit(c.projLead, "2026-04-01", "2026-04-30")
	used := e.count.Measure(func() {
		if rep := e.run(); rep.Sent != 3 || rep.Emails != 7 || rep.Covered+rep.NotNeeded+rep.Failed != 0 {
			t.Errorf("the run: %+v", rep)
		}
	})
	t.Logf("run: %d requests: %v", used.Requests, used.Ops)
	if used.Ops["GetItem"] != 3+1 { // one an email checked, and the programme, read once
		t.Errorf("run read %d items one by one, want 4: %v", used.Ops["GetItem"], used.Ops)
	}
	subject := func(period string) string {
		return "Submission awaiting review: " + period + " (Aspiro internships, Bradford IPS network)"
	}
	e.expectMail(merge(each(subject("February 2026"), deputy, both), each(subject("March 2026"), c.lead, deputy),
		each(subject("April 2026"), c.lead, deputy, both)))
	notes := e.notifications(c.prog.ID)
	for _, x := range []struct {
		o      domain.Outcome
		sentBy string
	}{{feb, c.lead}, {mar, both}, {apr, ""}} {
		if n := notes[awaitingID(x.o)]; n.SentBy != x.sentBy || n.Status != domain.NotificationSent {
			t.Errorf("the email of %s: sent by %q, %s; want sent by %q", x.o.PeriodStart, n.SentBy, n.Status, x.sentBy)
		}
	}
	e.clk.Add(time.Hour)
	if rep := e.run(); rep.Emails != 0 {
		t.Errorf("a later run: %+v", rep)
	}
}
