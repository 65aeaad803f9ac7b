package notify_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/smithy-go/middleware"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/store"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// cycle is a programme that reviews its submissions, with one project, a
// lead, a project lead and a funder (every address the test's own), a
// target of 10 people into work that tells the funder, and a quarterly
// schedule for 2026 (due 20 days after each quarter, reminded 7 days
// before).
type cycle struct {
	e                       *env
	prog                    domain.Programme
	project                 domain.Project
	funder                  domain.Funder
	lead, projLead, contact string
	schedule                domain.Schedule
}

func (e *env) cycle(reminders ...int64) *cycle {
	return e.cycleWith(true, reminders...)
}

// cycleWith makes the cycle, with the target or without (a programme
// past a quarter of its target's time can be at risk, which is another
// email).
func (e *env) cycleWith(target bool, reminders ...int64) *cycle {
	e.t.Helper()
	c := &cycle{e: e, lead: e.addr("lead", "trust.nhs.uk"), projLead: e.addr("pl", "aspiro.org.uk"), contact: e.addr("grants", "dwp.gov.uk")}
	c.prog = e.programme("Bradford IPS network", "2026-01-01", "2027-12-31")
	c.project = e.project(c.prog.ID, "Aspiro internships")
	c.funder = e.funder(c.prog.ID, "DWP", c.contact)
	e.member(c.prog.ID, c.lead, testkit.RoleLead())
	e.member(c.prog.ID, c.projLead, testkit.RoleProjectLead(c.project.ID))
	if target {
		e.target(c.prog.ID, obj{"metric": "peopleIntoWork", "value": 10, "deadline": "2027-12-31", "notify": []string{c.funder.ID}})
	}
	var err error
	c.prog, err = e.svc.Open(e.t.Context(), testkit.AdminCaller(), c.prog.ID).UpdateProgramme(func(int64) bool { return true },
		testkit.Body(obj{"reviewOutcomes": true}))
	if err != nil {
		e.t.Fatal(err)
	}
	body := obj{"name": "Quarterly returns", "frequency": "quarterly", "firstPeriodStart": "2026-01-01", "lastPeriodEnd": "2026-12-31"}
	if reminders != nil {
		body["reminders"] = reminders
	}
	c.schedule, err = e.svc.Open(e.t.Context(), testkit.Caller(c.lead), c.prog.ID).CreateSchedule(testkit.Body(body))
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

func (c *cycle) as(who string) *service.Scope {
	return c.e.svc.OpenProject(c.e.t.Context(), testkit.Caller(who), c.prog.ID, c.project.ID)
}

func (c *cycle) q1() string {
	return domain.ReturnID(c.schedule.ID, c.project.ID, domain.MustDate("2026-01-01"))
}

func (c *cycle) ret(id string) domain.Return {
	c.e.t.Helper()
	r, err := c.e.svc.Open(c.e.t.Context(), testkit.Caller(c.lead), c.prog.ID).Return(id)
	if err != nil {
		c.e.t.Fatal(err)
	}
	return r
}

func (c *cycle) submitQ1(as string, people int64, replaces string) domain.Outcome {
	c.e.t.Helper()
	in := obj{"periodStart": "2026-01-01", "periodEnd": "2026-03-31", "counts": obj{"peopleIntoWork": people}}
	if replaces != "" {
		in["replaces"] = replaces
	}
	o, err := c.as(as).SubmitOutcome(testkit.Body(in))
	if err != nil {
		c.e.t.Fatal(err)
	}
	return o
}

func (c *cycle) review(id string, decision, comment string) domain.Outcome {
	c.e.t.Helper()
	o, err := c.as(c.lead).ReviewOutcome(id, testkit.Body(obj{"decision": decision, "comment": comment}))
	if err != nil {
		c.e.t.Fatal(err)
	}
	return o
}

const (
	reminderQ1 = "Return due 20 April 2026: January to March 2026 (Aspiro internships, Bradford IPS network)"
	overdueQ1  = "Return overdue: January to March 2026, due 20 April 2026 (Aspiro internships, Bradford IPS network)"
	reviewQ1   = "Submission awaiting review: January to March 2026 (Aspiro internships, Bradford IPS network)"
	changesQ1  = "Changes requested to your submission: January to March 2026 (Aspiro internships, Bradford IPS network)"
	reached10  = "Target reached: 10 people into work (Bradford IPS network)"
)

// forProject is a subject of the fixture project's emails as another
// project's: reporting-cycle subjects name the project.
func forProject(subject, project string) string {
	return strings.Replace(subject, "(Aspiro internships, ", "("+project+", ", 1)
}

// TestReturnCycleEmails is the reporting cycle's emails end to end: a
// project lead is reminded before a quarter's return is due and told the
// day after it is overdue; submitting late tells the lead it awaits
// review; asking for changes tells the project lead why; the correction
// awaits review again; only approval counts the figures, and only then is
// the funder told the target is reached. Every email goes once, however
// often the notifier runs.
func TestReturnCycleEmails(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.cycle()
	e.run()
	e.expectMail(nil)

	// Quarter 1 is due 2026-04-20: reminded on the 13th, once.
	e.clk.Set("2026-04-12T09:00:00Z")
	e.run()
	e.expectMail(nil)
	e.clk.Set("2026-04-13T09:00:00Z")
	rep := e.run()
	if rep.Claimed != 1 || rep.Sent != 1 {
		t.Errorf("reminder run: %+v", rep)
	}
	e.run()
	e.clk.Add(3 * time.Hour)
	e.run()
	e.expectMail(each(reminderQ1, c.projLead))

	// Overdue the day after it was due, once: from UK midnight (00:00
	// British Summer Time, 23:00 UTC).
	e.clk.Set("2026-04-20T23:59:00+01:00")
	e.run()
	e.expectMail(each(reminderQ1, c.projLead))
	e.clk.Set("2026-04-21T00:00:00+01:00")
	e.run()
	e.run()
	want := merge(each(reminderQ1, c.projLead), each(overdueQ1, c.projLead))
	e.expectMail(want)
	if st := c.ret(c.q1()).Status; st != domain.ReturnOverdue {
		t.Fatalf("Q1 on 2026-04-21: %s, want overdue", st)
	}

	// Submitted late: it waits for review, the lead is told, nothing counts.
	e.clk.Set("2026-04-25T10:00:00Z")
	first := c.submitQ1(c.projLead, 12, "")
	if first.Status != domain.OutcomePending {
		t.Fatalf("submission status %s, want pending", first.Status)
	}
	r := c.ret(c.q1())
	if r.Status != domain.ReturnSubmitted || !r.Late || r.SubmissionID != first.ID {
		t.Fatalf("Q1 after the late submission: %+v", r)
	}
	e.run()
	e.run()
	want = merge(want, each(reviewQ1, c.lead))
	e.expectMail(want)

	// Changes requested: the project lead is told why, once.
	e.clk.Add(time.Hour)
	c.review(first.ID, "request-changes", "Referrals look doubled: please check against the caseload log.")
	if r := c.ret(c.q1()); r.Status != domain.ReturnChangesRequested || r.Review == nil || r.Review.Decision != domain.DecisionRequestChanges {
		t.Fatalf("Q1 after changes were requested: %+v", r)
	}
	e.run()
	e.run()
	want = merge(want, each(changesQ1, c.projLead))
	e.expectMail(want)
	var changes testkit.Mail
	for _, m := range e.mail() {
		if m.Subject == changesQ1 {
			changes = m
		}
	}
	if !strings.Contains(changes.Body.Text, "Referrals look doubled") || !strings.Contains(changes.Body.HTML, "Referrals look doubled") {
		t.Errorf("the changes email does not carry the comment:\n%s", changes.Body.Text)
	}

	// Corrected: awaits review again (a new submission: a new email).
	e.clk.Add(24 * time.Hour)
	second := c.submitQ1(c.projLead, 11, first.ID)
	e.run()
	want = merge(want, each(reviewQ1, c.lead))
	e.expectMail(want)
	if got := e.inbox.Count(t)[[2]string{c.lead, reviewQ1}]; got != 2 {
		t.Errorf("%d review emails to the lead, want one per submission (2)", got)
	}
	// Not approved: no milestone, though 11 >= 10.
	e.run()
	e.expectMail(want)

	// Approved: counted, and the funder told once.
	e.clk.Add(time.Hour)
	c.review(second.ID, "approve", "")
	if r := c.ret(c.q1()); r.Status != domain.ReturnAccepted || r.SubmissionID != second.ID || !r.Late {
		t.Fatalf("Q1 after approval: %+v", r)
	}
	e.run()
	e.run()
	want = merge(want, each(reached10, c.contact))
	e.expectMail(want)

	// Every email, as the emulator received it, comes from fundtrack by
	// name, names its period and links to where its job is done and to the
	// programme, in both parts.
	page := webBase + "/app/programmes/" + c.prog.ID
	project := page + "/projects/" + c.project.ID
	links := map[string]string{reminderQ1: project + "/outcomes/new?periodEnd=2026-03-31&periodStart=2026-01-01",
		overdueQ1: project + "/outcomes/new?periodEnd=2026-03-31&periodStart=2026-01-01",
		reviewQ1:  project + "/outcomes/" + first.ID + "/review", changesQ1: project + "/outcomes/new?replaces=" + first.ID,
		reached10: page}
	for _, m := range e.mail() {
		link := links[m.Subject]
		if m.Subject == reviewQ1 && strings.Contains(m.Body.Text, second.ID) {
			link = project + "/outcomes/" + second.ID + "/review"
		}
		period := "Period: January to March 2026"
		if m.Subject == reached10 {
			period = "Figures cover: periods ending between 1 January 2026 and "
		}
		if m.From != sender || link == "" || !strings.Contains(m.Body.Text, link) || !strings.Contains(m.Body.Text, page) ||
			!strings.Contains(m.Body.HTML, `href="`+strings.ReplaceAll(link, "&", "&amp;")+`"`) || !strings.Contains(m.Body.Text, period) {
			t.Errorf("%q from %q does not link to %s or name its period:\n%s", m.Subject, m.From, link, m.Body.Text)
		}
	}

	// Every email is listed among the programme's notifications, with what
	// it is about.
	kinds := map[domain.NotificationKind]int{}
	for _, n := range e.notifications(c.prog.ID) {
		kinds[n.Kind]++
		if n.Status != domain.NotificationSent {
			t.Errorf("notification %s is %s (%s)", n.ID, n.Status, n.LastError)
		}
		switch n.Kind {
		case domain.KindReminder, domain.KindOverdue:
			if n.ReturnID != c.q1() || n.TargetID != "" {
				t.Errorf("%s notification %+v", n.Kind, n)
			}
		case domain.KindAwaitingReview, domain.KindChangesRequested:
			if n.SubmissionID == "" || n.ReturnID != c.q1() {
				t.Errorf("%s notification %+v", n.Kind, n)
			}
		}
	}
	if kinds[domain.KindReminder] != 1 || kinds[domain.KindOverdue] != 1 || kinds[domain.KindAwaitingReview] != 2 ||
		kinds[domain.KindChangesRequested] != 1 || kinds[domain.KindReached] != 1 {
		t.Errorf("notifications by kind: %v", kinds)
	}
}

// TestSubmittedOnTimeIsNeitherRemindedNorOverdue: a return sent before
// its reminder day leaves the index; nobody is reminded or told it is
// overdue, and the next quarter is reminded in its turn.
func TestSubmittedOnTimeIsNeitherRemindedNorOverdue(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.cycle(14, 7)
	e.clk.Set("2026-04-02T09:00:00Z")
	c.submitQ1(c.projLead, 2, "")
	for _, day := range []string{"2026-04-06", "2026-04-13", "2026-04-21", "2026-05-01"} {
		e.clk.Set(day + "T09:00:00Z")
		e.run()
	}
	e.expectMail(each(reviewQ1, c.lead))
	if r := c.ret(c.q1()); r.Late || r.Status != domain.ReturnSubmitted {
		t.Errorf("Q1 sent on time: %+v", r)
	}
	// Quarter 2 (due 2026-07-20): reminded 14 and 7 days before.
	e.clk.Set("2026-07-06T09:00:00Z")
	e.run()
	e.clk.Set("2026-07-13T09:00:00Z")
	e.run()
	reminderQ2 := "Return due 20 July 2026: April to June 2026 (Aspiro internships, Bradford IPS network)"
	if got := e.inbox.Count(t)[[2]string{c.projLead, reminderQ2}]; got != 2 {
		t.Errorf("%d Q2 reminders, want 2 (14 and 7 days before)", got)
	}
}

// TestOverdueWhenFirstExpected: a schedule set up with periods already
// past: the returns due in the 90 days before are emailed as overdue on
// the first run; older ones are shown overdue but nobody is told.
func TestOverdueWhenFirstExpected(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.clk.Set("2026-10-05T09:00:00Z")
	c := e.cycleWith(false)
	// Q1 was due 2026-04-20 (168 days before), Q2 2026-07-20 (77 days),
	// Q3 is due 2026-10-20: it gets its reminder on the 13th.
	e.run()
	overdueQ2 := "Return overdue: April to June 2026, due 20 July 2026 (Aspiro internships, Bradford IPS network)"
	e.expectMail(each(overdueQ2, c.projLead))
	if st := c.ret(c.q1()).Status; st != domain.ReturnOverdue {
		t.Errorf("Q1: %s, want overdue", st)
	}
	e.clk.Set("2026-10-13T09:00:00Z")
	e.run()
	e.expectMail(merge(each(overdueQ2, c.projLead), each("Return due 20 October 2026: July to September 2026 (Aspiro internships, Bradford IPS network)", c.projLead)))
}

// TestRemovedReturnsAreNotEmailed: a schedule whose last period moves
// earlier (a schedule made too long by mistake) removes the returns of
// the periods it no longer has, and with them their place in the
// notifier's index: no reminder or overdue email goes for them.
func TestRemovedReturnsAreNotEmailed(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.clk.Set("2026-10-05T09:00:00Z")
	c := e.cycleWith(false)
	if _, err := e.svc.Open(t.Context(), testkit.Caller(c.lead), c.prog.ID).UpdateSchedule(c.schedule.ID, func(int64) bool { return true },
		testkit.Body(obj{"lastPeriodEnd": "2026-06-30"})); err != nil {
		t.Fatal(err)
	}
	e.run()
	overdueQ2 := "Return overdue: April to June 2026, due 20 July 2026 (Aspiro internships, Bradford IPS network)"
	e.expectMail(each(overdueQ2, c.projLead))
	e.clk.Set("2026-10-13T09:00:00Z") // Q3's reminder day, were it still expected
	e.run()
	e.clk.Set("2027-01-21T09:00:00Z") // Q4 overdue, were it still expected
	e.run()
	e.expectMail(each(overdueQ2, c.projLead))
}

// TestReturnEmailsWaitForAProjectLead: a lead sets up the projects and
// the schedule before anyone is made a project lead. A reminder or overdue
// email that finds nobody to tell is not lost: the return is looked at
// again each day, so the project lead made later is reminded while the
// return is still to come and told once it is overdue, each once. A
// return nobody ever leads is looked at no more after 90 days past due.
func TestReturnEmailsWaitForAProjectLead(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	prog := e.programme("Bradford IPS network", "2026-01-01", "2027-12-31")
	lead := e.addr("lead", "trust.nhs.uk")
	e.member(prog.ID, lead, testkit.RoleLead())
	early, late, never := e.project(prog.ID, "Aspiro"), e.project(prog.ID, "Bradford Council"), e.project(prog.ID, "Leeds Mind")
	// Q1 only, due 2026-04-20, reminded on the 13th.
	if _, err := e.svc.Open(t.Context(), testkit.Caller(lead), prog.ID).CreateSchedule(testkit.Body(obj{"name": "Quarterly returns",
		"frequency": "quarterly", "firstPeriodStart": "2026-01-01", "lastPeriodEnd": "2026-03-31"})); err != nil {
		t.Fatal(err)
	}
	e.run()

	// Reminder day: nobody leads any project, nobody is told.
	e.clk.Set("2026-04-13T09:00:00Z")
	if rep := e.run(); rep.ReturnsDue != 3 || rep.Claimed != 0 {
		t.Errorf("reminder day with no project leads: %+v", rep)
	}
	e.expectMail(nil)

	// Two days later the first project gets its project lead: reminded
	// at once, though its reminder day has passed.
	e.clk.Set("2026-04-15T09:00:00Z")
	plEarly := e.addr("pl.early", "aspiro.org.uk")
	e.member(prog.ID, plEarly, testkit.RoleProjectLead(early.ID))
	if rep := e.run(); rep.ReturnsDue != 3 || rep.Claimed != 1 || rep.Sent != 1 {
		t.Errorf("run after the project lead was added: %+v", rep)
	}
	e.run()
	want := each(forProject(reminderQ1, "Aspiro"), plEarly)
	e.expectMail(want)

	// Overdue: the project lead there is told, once.
	e.clk.Set("2026-04-21T09:00:00Z")
	e.run()
	e.run()
	want = merge(want, each(forProject(overdueQ1, "Aspiro"), plEarly))
	e.expectMail(want)

	// A month later the second project gets its project lead: told its
	// return is overdue, once, however often the notifier runs.
	e.clk.Set("2026-05-20T09:00:00Z")
	plLate := e.addr("pl.late", "bradford.gov.uk")
	e.member(prog.ID, plLate, testkit.RoleProjectLead(late.ID))
	e.run()
	e.clk.Add(time.Hour)
	e.run()
	e.clk.Set("2026-05-21T09:00:00Z")
	e.run()
	want = merge(want, each(forProject(overdueQ1, "Bradford Council"), plLate))
	e.expectMail(want)

	// The third project's return, which nobody leads, is still looked at
	// on the 90th day past due, and then no more: a project lead made
	// after that is not told.
	e.clk.Set("2026-07-19T09:00:00Z")
	if rep := e.run(); rep.ReturnsDue != 1 || rep.Claimed != 0 {
		t.Errorf("90 days past due: %+v", rep)
	}
	e.clk.Set("2026-07-20T09:00:00Z")
	e.member(prog.ID, e.addr("pl.never", "leedsmind.org.uk"), testkit.RoleProjectLead(never.ID))
	if rep := e.run(); rep.ReturnsDue != 0 || rep.Claimed != 0 {
		t.Errorf("91 days past due: %+v", rep)
	}
	e.expectMail(want)
	if n := len(e.notifications(prog.ID)); n != 3 {
		t.Errorf("%d notifications, want 3 (the reminder and two overdue emails)", n)
	}
}

// TestAwaitingReviewEmailNotSentOnceReviewed: the email telling the leads
// a submission awaits review is claimed with the submission; when a lead
// approves it, asks for changes, or the project lead corrects it before
// the notifier's turn comes, it is withdrawn unsent (deleted, its history
// saying why: no email went, so the list shows none) and never sent later.
// A correction's own email goes: the two corrections' in one email to the
// lead. The email asking for changes goes even when a project lead has
// corrected the submission before the run: the project's other project
// leads hear the lead's comment nowhere else, and it says a correction was
// sent.
func TestAwaitingReviewEmailNotSentOnceReviewed(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.cycleWith(false)
	otherPL := e.addr("pl2", "aspiro.org.uk")
	e.member(c.prog.ID, otherPL, testkit.RoleProjectLead(c.project.ID))
	e.clk.Set("2026-04-02T09:00:00Z")
	submit := func(start, end string, replaces string) domain.Outcome {
		t.Helper()
		in := obj{"periodStart": start, "periodEnd": end, "counts": obj{"peopleIntoWork": 2}}
		if replaces != "" {
			in["replaces"] = replaces
		}
		o, err := c.as(c.projLead).SubmitOutcome(testkit.Body(in))
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	approved := submit("2026-01-01", "2026-03-31", "")
	c.review(approved.ID, "approve", "")
	sentBack := submit("2026-04-01", "2026-04-30", "")
	c.review(sentBack.ID, "request-changes", "Please split by cohort.")
	corrected := submit("2026-01-01", "2026-01-31", "")
	correction := submit("2026-01-01", "2026-01-31", corrected.ID)
	// Sent back and corrected before the run: the project's leads still
	// get the email with the comment (the correction's own awaiting-review
	// email goes too).
	fixed := submit("2026-02-01", "2026-02-28", "")
	c.review(fixed.ID, "request-changes", "Add the June cohort.")
	fix := submit("2026-02-01", "2026-02-28", fixed.ID)

	used := e.count.Measure(func() {
		if rep := e.run(); rep.NotNeeded != 4 || rep.Sent != 3 || rep.Covered != 1 {
			t.Errorf("run after the decisions: %+v", rep)
		}
	})
	t.Logf("run: %d requests: %v", used.Requests, used.Ops)
	// Each email checked costs one GetItem: six awaiting review (four
	// withdrawn, the two corrections' sent) and two changes requested
	// (whether each was corrected, which its email says).
	if used.Ops["GetItem"] != 8+1 { // and the programme, read once
		t.Errorf("run read %d items one by one, want 9: %v", used.Ops["GetItem"], used.Ops)
	}
	e.run()
	e.clk.Add(24 * time.Hour)
	e.run()
	changes := "Changes requested to your submission: April 2026 (Aspiro internships, Bradford IPS network)"
	changesFixed := "Changes requested to your submission: February 2026 (Aspiro internships, Bradford IPS network)"
	e.expectMail(merge(each("2 submissions awaiting review (Bradford IPS network)", c.lead), each(changes, c.projLead, otherPL),
		each(changesFixed, c.projLead, otherPL)))
	for _, m := range e.mail() {
		if m.Subject != changesFixed {
			continue
		}
		if text := m.Body.Text; !strings.Contains(text, "Add the June cohort.") || !strings.Contains(text, "A correction of it has been sent since") ||
			!strings.Contains(text, "/outcomes/"+fixed.ID) || strings.Contains(text, "replaces="+fixed.ID) {
			t.Errorf("the email asking for changes already made:\n%s", text)
		}
	}

	notes := e.notifications(c.prog.ID)
	for _, id := range []string{approved.ID, sentBack.ID, corrected.ID, fixed.ID} {
		// Never emailed: not listed at all, rather than listed as sent.
		if n, ok := notes[domain.SubmissionNotificationID(id, domain.KindAwaitingReview)]; ok {
			t.Errorf("awaiting review of %s, never emailed, is listed: %+v", id, n)
		}
		if _, err := e.svc.Open(t.Context(), testkit.Caller(c.lead), c.prog.ID).Notification(
			domain.SubmissionNotificationID(id, domain.KindAwaitingReview)); domain.ErrorCode(err) != domain.CodeNotFound {
			t.Errorf("awaiting review of %s, never emailed, read by id: %v", id, err)
		}
	}
	for _, id := range []string{domain.SubmissionNotificationID(correction.ID, domain.KindAwaitingReview),
		domain.SubmissionNotificationID(fix.ID, domain.KindAwaitingReview),
		domain.SubmissionNotificationID(fixed.ID, domain.KindChangesRequested),
		domain.SubmissionNotificationID(sentBack.ID, domain.KindChangesRequested)} {
		if n, ok := notes[id]; !ok || n.Status != domain.NotificationSent || n.NotNeeded != "" || len(n.Recipients) == 0 {
			t.Errorf("%s: %+v, want it listed sent", id, n)
		}
	}
	if n := notes[domain.SubmissionNotificationID(fixed.ID, domain.KindChangesRequested)]; !slices.Equal(slices.Sorted(slices.Values(n.Delivered)), slices.Sorted(slices.Values([]string{c.projLead, otherPL}))) {
		t.Errorf("changes asked of a corrected submission delivered to %v, want both project leads", n.Delivered)
	}
}

// failGSI3Moves fails every update that moves a return in the notifier's
// index while armed: a run that dies after claiming a return's email and
// before moving it on.
type failGSI3Moves struct{ armed atomic.Bool }

func (f *failGSI3Moves) option(o *dynamodb.Options) {
	o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
		return s.Initialize.Add(middleware.InitializeMiddlewareFunc("failGSI3Moves",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				if u, ok := in.Parameters.(*dynamodb.UpdateItemInput); ok && f.armed.Load() && strings.Contains(aws.ToString(u.UpdateExpression), "GSI3") {
					return middleware.InitializeOutput{}, middleware.Metadata{}, errors.New("run died")
				}
				return next.HandleInitialize(ctx, in)
			}), middleware.Before)
	})
}

// TestReturnEmailsAtMostOnce: overlapping runs, the scheduler's event
// delivered twice, and a run that dies after claiming a reminder and
// before moving the return on: each email still goes exactly once.
func TestReturnEmailsAtMostOnce(t *testing.T) {
	t.Parallel()
	f := &failGSI3Moves{}
	e := newEnv(t, f.option)
	c := e.cycle()

	// A run fails to move the return on after claiming its reminder (it
	// still sends what it claimed): the return stays due, and the next run
	// looks at it again, finds the reminder claimed and sends nothing.
	e.clk.Set("2026-04-13T09:00:00Z")
	f.armed.Store(true)
	rep, err := runSafely(t.Context(), e.notifier())
	if err == nil || rep.Claimed != 1 {
		t.Fatalf("the run that failed: %+v, %v", rep, err)
	}
	f.armed.Store(false)
	rep = e.run()
	if rep.Claimed != 0 || rep.ReturnsDue != 1 || rep.Emails != 0 {
		t.Errorf("run after the failed one: %+v", rep)
	}
	if rep := e.run(); rep.ReturnsDue != 0 {
		t.Errorf("the return was not moved on: %+v", rep)
	}
	e.expectMail(each(reminderQ1, c.projLead))

	// Eight overlapping runs on the overdue day, as a duplicated or
	// retried scheduler event would start.
	e.clk.Set("2026-04-21T09:00:00Z")
	var wg sync.WaitGroup
	var claimed, sent atomic.Int64
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rep, err := runSafely(t.Context(), e.notifier())
			if err != nil {
				t.Error(err)
			}
			claimed.Add(int64(rep.Claimed))
			sent.Add(int64(rep.Sent))
		}()
	}
	wg.Wait()
	if claimed.Load() != 1 || sent.Load() != 1 {
		t.Errorf("overlapping runs claimed %d and sent %d, want 1 and 1", claimed.Load(), sent.Load())
	}
	e.run()
	e.expectMail(merge(each(reminderQ1, c.projLead), each(overdueQ1, c.projLead)))
}

// TestReturnRunCostGrowsWithReturnsDue: a run reads the returns due a look
// and no others: with nothing due it makes no request about returns but
// one Query of each shard of the index; on a reminder day it looks at that one return.
// (bench/ measures this at 10,000 returns.)
func TestReturnRunCostGrowsWithReturnsDue(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.cycle()
	e.clk.Set("2026-02-01T09:00:00Z")
	e.run() // Q1's first look (due - 90 days = 2026-01-20)
	before := e.count.Snapshot()
	rep := e.run()
	n := e.count.Snapshot().Since(before)
	if rep.ReturnsDue != 0 || n.Ops["Query/GSI3"] != store.Shards || n.Ops["UpdateItem"] != 0 {
		t.Errorf("a run with no return due: %+v, requests %s", rep, n)
	}
	// On Q1's reminder day exactly one return is looked at.
	e.clk.Set("2026-04-13T09:00:00Z")
	before = e.count.Snapshot()
	rep = e.run()
	n = e.count.Snapshot().Since(before)
	if rep.ReturnsDue != 1 {
		t.Errorf("reminder day: %d returns looked at, want 1", rep.ReturnsDue)
	}
}

// TestGenerationLeftBehindIsFinished: a schedule whose request died after
// recording it, before its returns were written, has them written by the
// next run once the request is surely over.
func TestGenerationLeftBehindIsFinished(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	prog := e.programme("Generation", "2026-01-01", "2026-12-31")
	project := e.project(prog.ID, "Aspiro")
	now := e.clk.Now()
	s := domain.Schedule{ID: domain.NewID(), Name: "Q", Frequency: domain.Quarterly, FirstPeriodStart: domain.MustDate("2026-01-01"),
		LastPeriodEnd: domain.MustDate("2026-12-31"), DueDays: 20, Reminders: []int64{7}, Version: 1, CreatedAt: now, UpdatedAt: now}
	gen := &service.Generation{ID: domain.NewID(), ProgrammeID: prog.ID, ScheduleID: s.ID, StartedAt: now}
	ev := domain.NewAuditEvent(testkit.AdminCaller(), prog.ID, domain.EntitySchedule, s.ID, domain.ActionCreate, nil, s, now)
	if err := e.st.CreateSchedule(t.Context(), prog.ID, s, 0, gen, service.Change{Audit: ev}); err != nil {
		t.Fatal(err)
	}
	list := func() []domain.Return {
		items, _, err := e.svc.Open(t.Context(), testkit.AdminCaller(), prog.ID).ListReturns(service.ReturnQuery{}, service.Page{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		return items
	}
	if n := len(list()); n != 0 {
		t.Fatalf("%d returns before the generation was finished", n)
	}
	if rep := e.run(); rep.GenerationsFinished != 0 {
		t.Errorf("a generation still within its request's time was finished: %+v", rep)
	}
	e.clk.Add(2 * time.Minute)
	if rep := e.run(); rep.GenerationsFinished != 1 {
		t.Errorf("run after the grace: %+v", rep)
	}
	if got := list(); len(got) != 4 || got[0].ProjectID != project.ID {
		t.Fatalf("returns after the generation: %+v", got)
	}
	if rep := e.run(); rep.GenerationsFinished != 0 {
		t.Errorf("a finished generation was finished again: %+v", rep)
	}
	setup, _ := e.st.ReportingSetup(t.Context(), prog.ID)
	if st := setup.Stats[s.ID]; st.Expected[domain.MustDate("2026-03-31")] != 1 || st.Unsent[domain.MustDate("2026-12-31")] != 1 {
		t.Errorf("counts after the generation: %+v", st)
	}
}

// TestDigestResumedAfterDeath is TestMemDigestResumedAfterDeath's first
// case over DynamoDB and the SES emulator: a run dies having covered one
// of the three its carrier is to cover; the run after the leases covers
// the other two under its own leases and sends the lead one email listing
// all four, not one of two and another of two.
func TestDigestResumedAfterDeath(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.cycleWith(false)
	e.clk.Set("2026-06-02T09:00:00Z")
	var subs []domain.Outcome
	for month := time.January; month <= time.April; month++ {
		start := time.Date(2026, month, 1, 0, 0, 0, 0, time.UTC)
		o, err := c.as(c.projLead).SubmitOutcome(testkit.Body(obj{"periodStart": start.Format(time.DateOnly),
			"periodEnd": start.AddDate(0, 1, -1).Format(time.DateOnly), "counts": obj{"peopleIntoWork": 1}}))
		if err != nil {
			t.Fatal(err)
		}
		subs = append(subs, o)
		e.clk.Add(time.Second)
	}
	n := e.notifier()
	dying := &dying{Storage: e.st, op: "cover", at: 2}
	n.Store = dying
	if _, err := runSafely(t.Context(), n); !errors.Is(err, errDied) {
		t.Fatalf("the dying run: %v", err)
	}
	e.clk.Add(time.Minute + time.Millisecond)
	if rep := e.run(); rep.Covered != 2 {
		t.Errorf("the run after the leases: %+v", rep)
	}
	// (The quarter's return is overdue by now: that is the project lead's.)
	e.expectMail(merge(each("4 submissions awaiting review (Bradford IPS network)", c.lead), each(overdueQ1, c.projLead)))
	if n := e.ses.calls()[c.lead]; n != 1 {
		t.Errorf("SES was asked %d times for the lead, want once", n)
	}
	notes := e.notifications(c.prog.ID)
	carrier := notes[domain.SubmissionNotificationID(subs[0].ID, domain.KindAwaitingReview)]
	if carrier.Status != domain.NotificationSent || len(carrier.Includes) != 3 {
		t.Errorf("carrier: %+v", carrier)
	}
	for _, o := range subs[1:] {
		if n := notes[domain.SubmissionNotificationID(o.ID, domain.KindAwaitingReview)]; n.CoveredBy != carrier.ID || n.Status != domain.NotificationSent {
			t.Errorf("%s: %+v", o.ID, n)
		}
	}
}
