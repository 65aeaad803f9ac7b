package notify_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/notify"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/store"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// missedRig is what the "missed waits for review" scenario needs of a
// test world: the DynamoDB Local one (env) or the in-memory one (memEnv).
type missedRig struct {
	t        *testing.T
	svc      *service.Service
	clk      *testkit.Clock
	run      func() notify.Report
	subjects func() map[string]int // emails sent to the funder's contact, by subject
	contact  string                // the funder's contact
	lead     string
	// count, when set (DynamoDB Local), measures the DynamoDB requests
	// of the run on the day "missed" may first go.
	count *testkit.Counter
	// st is the store under svc, for a service over a wrapper of it.
	st interface {
		service.Storer
		notify.Storage
	}
	// ops, when set (the in-memory fake), lists the store's operations
	// f makes, in order.
	ops func(f func()) []string
	// notifier makes a notifier over the rig's store, for runs at once.
	notifier func() *notify.Notifier
	// texts are the plain-text bodies of the emails sent to the funder's
	// contact, by subject.
	texts func() map[string][]string
}

// memMissedRig is the scenario's rig on the in-memory fake.
func memMissedRig(t *testing.T) missedRig {
	e := newMemEnv(t)
	contact := "grants@dwp.example.gov.uk"
	return missedRig{t: t, svc: e.svc, clk: e.clk, run: e.run, contact: contact, lead: "network.lead@lpt.example.nhs.uk", st: e.st,
		notifier: func() *notify.Notifier { return e.notifier(e.st) },
		texts: func() map[string][]string {
			out := map[string][]string{}
			for _, m := range e.mail.to()[contact] {
				out[m.Subject] = append(out[m.Subject], m.Text)
			}
			return out
		},
		ops: func(f func()) []string {
			var mu sync.Mutex
			var ops []string
			e.st.Before = func(op string) error {
				mu.Lock()
				ops = append(ops, op)
				mu.Unlock()
				return nil
			}
			f()
			e.st.Before = nil
			return ops
		},
		subjects: func() map[string]int {
			out := map[string]int{}
			for _, m := range e.mail.to()[contact] {
				out[m.Subject]++
			}
			return out
		}}
}

// localMissedRig is the scenario's rig on DynamoDB Local and the SES
// emulator, its requests counted.
func localMissedRig(t *testing.T) missedRig {
	e := newEnv(t)
	contact := e.addr("grants", "dwp.example.gov.uk")
	return missedRig{t: t, svc: e.svc, clk: e.clk, run: e.run, contact: contact, lead: e.addr("network.lead", "lpt.example.nhs.uk"), count: e.count, st: e.st,
		notifier: e.notifier,
		texts: func() map[string][]string {
			out := map[string][]string{}
			for _, m := range e.inbox.Sent(t) {
				if m.To() == contact {
					out[m.Subject] = append(out[m.Subject], m.Body.Text)
				}
			}
			return out
		},
		subjects: func() map[string]int {
			out := map[string]int{}
			for k, n := range e.inbox.Count(t) {
				if k[0] == contact {
					out[k[1]] += n
				}
			}
			return out
		}}
}

// missedCase is one run of the scenario: a target of 60 people into work
// by 31 December 2026 for a project that has 10 counted; on 10 January
// 2027 figures for a period ending endsOn come in awaiting review (the
// programme reviews its submissions); they are decided (decision, or ""
// for never) on 22 January, the day after "missed" could first go (20
// days' grace, no schedules, then the day after).
type missedCase struct {
	pending  int64
	endsOn   string
	decision string
	// waits is whether "missed" waits for the review; sends the subject
	// ("Target missed" or "Target reached") the funder gets, once, in
	// the end, and sentOn the UK day it goes.
	waits  bool
	sends  string
	sentOn string
}

func (rig missedRig) play(c missedCase) {
	t := rig.t
	t.Helper()
	b, prog, project, tg := rig.shortOfTarget()

	end := domain.MustDate(c.endsOn)
	rig.clk.Set("2027-01-10T09:00:00Z")
	sent := b.Outcome(prog.ID, project.ID, obj{"periodStart": domain.DateOf(end.Time().AddDate(0, 0, 1-end.Time().Day())).String(),
		"periodEnd": c.endsOn, "counts": obj{"peopleIntoWork": c.pending}})
	if sent.Status != domain.OutcomePending {
		t.Fatalf("submission %s, want pending", sent.Status)
	}
	rig.run()

	missedID := domain.NotificationID(tg.ID, domain.KindMissed, 100)
	var got []string // what happened, by run
	look := func(at string) {
		rig.clk.Set(at)
		rep := rig.run()
		if rep.Emails > 0 || rep.MissedWaiting > 0 {
			got = append(got, fmt.Sprintf("%s: %d emails, %d waiting", at, rep.Emails, rep.MissedWaiting))
		}
	}
	if rig.count == nil {
		look("2027-01-21T06:00:00Z") // "missed" may go from today
	} else {
		used := rig.count.Measure(func() { look("2027-01-21T06:00:00Z") })
		t.Logf("the run on 21 January: %d requests: %v", used.Requests, used.Ops)
		rig.checkCost(c, used)
	}
	look("2027-01-21T07:00:00Z")
	if c.waits {
		if n := rig.subjects(); len(n) != 0 {
			t.Errorf("while figures that could reach the target await review: %v", n)
		}
	}
	look("2027-01-22T06:00:00Z")
	rig.clk.Set("2027-01-22T09:00:00Z")
	if c.decision != "" {
		if _, err := rig.svc.OpenProject(t.Context(), testkit.Caller(rig.lead), prog.ID, project.ID).ReviewOutcome(sent.ID,
			testkit.Body(obj{"decision": c.decision, "comment": "Please check the December figure against the caseload log."})); err != nil {
			t.Fatal(err)
		}
	}
	for _, at := range []string{"2027-01-22T09:05:00Z", "2027-01-22T10:00:00Z", "2027-01-23T06:00:00Z", "2027-01-23T07:00:00Z",
		"2027-01-30T06:00:00Z", "2027-03-01T06:00:00Z"} {
		look(at)
	}
	t.Logf("runs: %v", got)

	subjects := rig.subjects()
	want := map[string]int{}
	if c.sends != "" {
		want[c.sends] = 1
	}
	if len(subjects) != len(want) {
		t.Errorf("emails by subject %v, want one %q", subjects, c.sends)
	}
	for s, n := range subjects {
		if !strings.HasPrefix(s, c.sends+":") || n != 1 {
			t.Errorf("%d emails %q, want one %q", n, s, c.sends)
		}
	}
	kind := domain.KindMissed
	if c.sends == "Target reached" {
		kind = domain.KindReached
	}
	found := false
	notes, _, err := rig.svc.Open(t.Context(), testkit.AdminCaller(), prog.ID).ListNotifications(service.Page{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range notes {
		switch {
		case n.ID == missedID && c.sends != "Target missed":
			t.Errorf("missed recorded though %q was the outcome: %+v", c.sends, n)
		case n.TargetID == tg.ID && n.Kind == kind && c.sends != "":
			found = true
			if n.Status != domain.NotificationSent || n.On.String() != c.sentOn {
				t.Errorf("%s notification %s on %s, want sent on %s", n.Kind, n.Status, n.On, c.sentOn)
			}
		}
	}
	if !found && c.sends != "" {
		t.Errorf("no %s notification", kind)
	}
	if c.waits != slices.ContainsFunc(got, func(s string) bool { return strings.Contains(s, "2027-01-21T06:00:00Z: 0 emails, 1 waiting") }) {
		t.Errorf("runs %v: waiting on 21 January %v, want %v", got, !c.waits, c.waits)
	}
}

// missedCases are the scenario's cases (audit rep2 W2).
var missedCases = map[string]missedCase{
	// 10 + 55 pending could reach 60: "missed" waits; sent back, the
	// total stays 10, and "missed" goes on the next day's look.
	"sent back": {pending: 55, endsOn: "2026-12-31", decision: "request-changes", waits: true, sends: "Target missed", sentOn: "2027-01-23"},
	// Approved, 65 reaches it: "reached" goes on the run after the
	// approval (the programme's figures changed), never "missed".
	"approved": {pending: 55, endsOn: "2026-12-31", decision: "approve", waits: true, sends: "Target reached", sentOn: "2027-01-22"},
	// Never reviewed: "missed" waits, but at most
	// domain.MissedReviewHold days from 21 January (to 17 February):
	// it goes on the first look after, 1 March.
	"not reviewed": {pending: 55, endsOn: "2026-12-31", waits: true, sends: "Target missed", sentOn: "2027-03-01"},
	// 10 + 5 could not reach 60 whatever the review: "missed" goes on
	// its day.
	"pending too small": {pending: 5, endsOn: "2026-12-31", sends: "Target missed", sentOn: "2027-01-21"},
	// January's figures are outside the target's window.
	"pending after the deadline": {pending: 55, endsOn: "2027-01-31", sends: "Target missed", sentOn: "2027-01-21"},
}

// TestMemMissedWaitsForReview: "missed" does not go while figures that
// could reach the target await review; once they are reviewed a later
// run decides: "missed" when sent back and still short, "reached" when
// approved and enough; each once, whatever runs follow. On the in-memory
// fake.
func TestMemMissedWaitsForReview(t *testing.T) {
	t.Parallel()
	for name, c := range missedCases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			memMissedRig(t).play(c)
		})
	}
}

// TestMissedWaitsForReview is TestMemMissedWaitsForReview on DynamoDB
// Local and the SES emulator, for its three main cases.
func TestMissedWaitsForReview(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"sent back", "approved", "pending too small"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			localMissedRig(t).play(missedCases[name])
		})
	}
}

// approveAtQueue is the notifier's storage for a run during which a lead
// approves the pending submission just as the run reads the review
// queue: the approval lands first, so the queue no longer lists it.
type approveAtQueue struct {
	notify.Storage
	once    sync.Once
	approve func()
}

func (a *approveAtQueue) ListPendingOutcomes(ctx context.Context, programmeID string, p service.Page) ([]domain.Outcome, string, error) {
	a.once.Do(a.approve)
	return a.Storage.ListPendingOutcomes(ctx, programmeID, p)
}

// TestMemMissedJudgedOnFiguresReadAfterTheQueue: a submission approved
// between the run's first read of the figures and its read of the review
// queue is in neither as first read; judged on those, the target would be
// missed with nothing pending. The run judges on figures read after the
// queue, which count it: "reached" goes, never "missed".
func TestMemMissedJudgedOnFiguresReadAfterTheQueue(t *testing.T) {
	t.Parallel()
	e := newMemEnv(t)
	contact, lead := "grants@dwp.example.gov.uk", "network.lead@lpt.example.nhs.uk"
	rig := missedRig{t: t, svc: e.svc, clk: e.clk, run: e.run, contact: contact, lead: lead}
	b, prog, project, tg := rig.shortOfTarget()
	sent := rig.sendDecember(b, prog, project)

	e.clk.Set("2027-01-21T06:00:00Z")
	st := &approveAtQueue{Storage: e.st, approve: func() {
		if _, err := e.svc.OpenProject(t.Context(), testkit.Caller(lead), prog.ID, project.ID).ReviewOutcome(sent.ID,
			testkit.Body(obj{"decision": "approve"})); err != nil {
			t.Error(err)
		}
	}}
	rep, err := runSafely(t.Context(), e.notifier(st))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Emails != 1 || rep.MissedWaiting != 0 {
		t.Errorf("run with the approval landing as it reads the queue: %+v", rep)
	}
	for _, at := range []string{"2027-01-21T07:00:00Z", "2027-01-22T06:00:00Z"} {
		e.clk.Set(at)
		e.run()
	}
	msgs := e.mail.to()[contact]
	if len(msgs) != 1 || !strings.HasPrefix(msgs[0].Subject, "Target reached:") {
		var subjects []string
		for _, m := range msgs {
			subjects = append(subjects, m.Subject)
		}
		t.Errorf("the funder got %q, want one \"Target reached\"", subjects)
	}
	notes, _, err := e.svc.Open(t.Context(), testkit.AdminCaller(), prog.ID).ListNotifications(service.Page{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range notes {
		if n.ID == domain.NotificationID(tg.ID, domain.KindMissed, 100) {
			t.Errorf("missed recorded: %+v", n)
		}
	}
}

// checkCost holds the run on the day "missed" may first go to its
// DynamoDB requests (docs/dynamodb.md, "The notifier"): beside the six
// index queries a shard, the programme (GetItem), its figures
// (BatchGetItem), its schedules for the grace "missed" waits (Query), the
// review queue (a Query of GSI1) and the figures again (BatchGetItem),
// and the target moved on (UpdateItem): 6 while it waits. When "missed"
// goes instead: the funders, projects and members (3 Querys), its claim
// (TransactWriteItems), and its sending to one contact (lease, the
// target's notify list read again (GetItem: a funder taken off it since
// the claim is not emailed), claim, delivery, finish): 15, two more than
// before the queue was read and one more than before the list was read as
// the email goes.
func (rig missedRig) checkCost(c missedCase, used testkit.Counts) {
	rig.t.Helper()
	idle := 6 * store.Shards
	want, claims, gets := idle+6, 0, 1
	if !c.waits {
		want, claims, gets = idle+15, 3, 2
	}
	if used.Requests != want || used.Ops["BatchGetItem"] != 2 || used.Ops["GetItem"] != gets || used.Ops["Query/GSI1"] != 3*store.Shards+1 ||
		used.Ops["TransactWriteItems"] != claims || used.Ops["Scan"] != 0 {
		rig.t.Errorf("the run on 21 January: %d requests %v, want %d: two figure reads, the programme (and the target, when it sends), one more GSI1 Query (the review queue), %d transactions",
			used.Requests, used.Ops, want, claims)
	}
}

// missedWorld builds the scene every missed scenario plays in: a programme
// of 2026–2027 with one project, one funder (contact its address) and a
// lead.
func missedWorld(t testing.TB, svc *service.Service, contact, lead string) (*testkit.Builder, domain.Programme, domain.Project, domain.Funder) {
	t.Helper()
	b := testkit.NewBuilder(t, svc)
	prog := b.Programme(obj{"name": "Working for Wellness", "leadOrganisation": "Bradford District Care NHS Foundation Trust",
		"startDate": "2026-01-01", "endDate": "2027-12-31"})
	project := b.Project(prog.ID, obj{"name": "Bradford IPS", "leadOrganisation": "Aspiro", "startDate": "2026-01-01", "endDate": "2027-12-31"})
	funder := b.Funder(prog.ID, obj{"name": "Department for Work and Pensions", "contacts": []string{contact}})
	b.Member(prog.ID, lead, testkit.RoleLead())
	return b, prog, project, funder
}

// shortOfTarget is the start most "missed" scenarios share: on 5 January
// 2026, a target of 60 into work by 31 December 2026 for the project,
// told to the funder's contact; 10 counted for January; then review
// turned on, and a notifier run.
func (rig missedRig) shortOfTarget() (*testkit.Builder, domain.Programme, domain.Project, domain.Target) {
	t := rig.t
	t.Helper()
	rig.clk.Set("2026-01-05T09:00:00Z")
	b, prog, project, funder := missedWorld(t, rig.svc, rig.contact, rig.lead)
	tg := b.Target(prog.ID, obj{"metric": "peopleIntoWork", "value": 60, "deadline": "2026-12-31", "projectId": project.ID, "notify": []string{funder.ID}})
	b.Outcome(prog.ID, project.ID, obj{"periodStart": "2026-01-01", "periodEnd": "2026-01-31", "counts": obj{"peopleIntoWork": 10}})
	reviewOutcomes(t, rig.svc, prog.ID)
	rig.run()
	return b, prog, project, tg
}

// sendDecember sends, on 10 January 2027, 55 into work for December,
// which await review (approved, they reach shortOfTarget's target), and
// runs the notifier.
func (rig missedRig) sendDecember(b *testkit.Builder, prog domain.Programme, project domain.Project) domain.Outcome {
	rig.t.Helper()
	rig.clk.Set("2027-01-10T09:00:00Z")
	sent := b.Outcome(prog.ID, project.ID, obj{"periodStart": "2026-12-01", "periodEnd": "2026-12-31", "counts": obj{"peopleIntoWork": 55}})
	rig.run()
	return sent
}

// reviewOutcomes turns programme pid's review on: submissions from then on
// count only once a lead approves them.
func reviewOutcomes(t testing.TB, svc *service.Service, pid string) {
	t.Helper()
	if _, err := svc.Open(t.Context(), testkit.AdminCaller(), pid).UpdateProgramme(func(int64) bool { return true },
		testkit.Body(obj{"reviewOutcomes": true})); err != nil {
		t.Fatal(err)
	}
}
