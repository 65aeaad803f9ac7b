package store_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/store"
	"github.com/fundtrack/fundtrack/shared/testenv"
)

// rfHookDB runs before[sk] once, before sending the first transaction
// that puts the return of sort key sk: between the refill's read of it
// and its write. It counts, by sort key, the Puts of returns whose own
// condition failed (refused).
type rfHookDB struct {
	store.DB
	mu      sync.Mutex
	before  map[string]func()
	refused map[string]int
}

func (d *rfHookDB) TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, opts ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	var run []func()
	d.mu.Lock()
	for _, it := range in.TransactItems {
		if it.Put == nil {
			continue
		}
		if sk, ok := it.Put.Item["SK"].(*types.AttributeValueMemberS); ok && d.before[sk.Value] != nil {
			run = append(run, d.before[sk.Value])
			delete(d.before, sk.Value)
		}
	}
	d.mu.Unlock()
	for _, f := range run {
		f()
	}
	out, err := d.DB.TransactWriteItems(ctx, in, opts...)
	var tce *types.TransactionCanceledException
	if errors.As(err, &tce) {
		d.mu.Lock()
		for i, r := range tce.CancellationReasons {
			if aws.ToString(r.Code) != "ConditionalCheckFailed" || i >= len(in.TransactItems) || in.TransactItems[i].Put == nil {
				continue
			}
			if sk, ok := in.TransactItems[i].Put.Item["SK"].(*types.AttributeValueMemberS); ok {
				d.refused[sk.Value]++
			}
		}
		d.mu.Unlock()
	}
	return out, err
}

// rfOldRule is the state a return made from history took before
// 2026-12 (the rule domain.Return.FilledFrom replaced): the newest
// submission of its period that stands (not corrected), first sent when
// the earliest was. Only for submissions that correct nothing, as the
// test's are.
func rfOldRule(t *testing.T, r domain.Return, outcomes []domain.Outcome) domain.Return {
	t.Helper()
	var head *domain.Outcome
	var first time.Time
	for i, o := range outcomes {
		if o.ProjectID != r.ProjectID || o.PeriodStart != r.PeriodStart || o.PeriodEnd != r.PeriodEnd {
			continue
		}
		if o.Replaces != "" || o.ReplacesApproved != "" {
			t.Fatalf("rfOldRule takes no corrections: %+v", o)
		}
		if first.IsZero() || o.SubmittedAt.Before(first) {
			first = o.SubmittedAt
		}
		if o.CorrectedBy == "" && (head == nil || !o.SubmittedAt.Before(head.SubmittedAt)) {
			head = &outcomes[i]
		}
	}
	if head == nil {
		return r
	}
	switch head.EffectiveStatus() {
	case domain.OutcomeApproved:
		r.State = domain.StateAccepted
	case domain.OutcomePending:
		r.State = domain.StateSubmitted
	default:
		r.State = domain.StateChangesRequested
	}
	r.SubmissionID, r.Review, r.SubmittedAt, r.Late = head.ID, head.Review, &first, domain.UKDate(first).After(r.DueDate)
	return r
}

// TestRefillReturns: returns written as the rule before 2026-12 made them
// from history (a second team's figures, the newest that stands, holding
// the return in place of the first team's) are put right by
// RefillReturns, each with its counts in the same transaction, and only
// they: a return that matches, one a payment waits on and one paid on are
// left as they are (the last two reported for a person). A dry run writes
// nothing; a second run changes nothing. Two returns change between the
// refill's read and its write: one whose first-team submission a lead
// approves (which writes no return as stored) and one whose second-team
// submission, which the return holds, is sent back (which writes it);
// neither write lands on the stale read, both are planned again and take
// the decision. A return left with nothing sent though its period has
// figures leaves the notifier's index when it is filled.
func TestRefillReturns(t *testing.T) {
	t.Parallel()
	db, table := testenv.Table(t)
	hook := &rfHookDB{DB: db, before: map[string]func(){}, refused: map[string]int{}}
	st := store.New(hook, table)
	c := &ct{T: t, st: st, ctx: context.Background(), who: domain.Caller{Identity: domain.Identity{Subject: "sub-lead", Email: "lead@example.org"}}}
	p := c.programme()
	a, b := c.project(p.ID), c.project(p.ID)
	base := time.Date(2025, 2, 10, 9, 0, 0, 0, time.UTC)
	at := func(n int) time.Time { return base.Add(time.Duration(n) * time.Hour) }

	// The figures, sent (with review) before any schedule expected them.
	send := func(project, end string, n int) domain.Outcome {
		t.Helper()
		o := ctOutcome(project, "", end, map[domain.Metric]int64{domain.MetricReferrals: int64(n + 1)})
		o.SubmittedAt = at(n)
		o = domain.NewSubmission(o, nil, true)
		c.ok(st.CreateOutcome(c.ctx, p.ID, service.Submission{Outcome: o, Figures: domain.Submitting(o, nil, nil)},
			c.change(p.ID, domain.EntityOutcome, o.ID, domain.ActionCreate, nil, o)))
		return o
	}
	// decide records a decision on o; returns, when given, are written
	// with it (the returns as stored that it moves).
	decide := func(o domain.Outcome, d domain.ReviewDecision, n int, returns ...service.ReturnWrite) domain.Outcome {
		t.Helper()
		after := o
		after.Review = &domain.Review{Decision: d, By: "lead@example.org", At: at(n)}
		after.Status = domain.OutcomeApproved
		if d == domain.DecisionRequestChanges {
			after.Status, after.Review.Comment = domain.OutcomeChangesRequested, "Which team sent these?"
		}
		c.ok(st.ReviewOutcome(c.ctx, p.ID, service.OutcomeReview{Before: o, After: after, Figures: domain.Reviewing(o, d, nil), Returns: returns},
			c.change(p.ID, domain.EntityOutcome, o.ID, domain.ActionReview, o, after)))
		return after
	}
	// A's January: the first team's approved, then a second team's
	// awaiting review. The old rule took the second's.
	aJanG := send(a.ID, "2025-01-31", 0)
	aJanG = decide(aJanG, domain.DecisionApprove, 1)
	aJanX := send(a.ID, "2025-01-31", 2)
	// A's February: the first team's awaiting review, a second team's
	// approved. The old rule took the second's, accepted.
	aFebG := send(a.ID, "2025-02-28", 3)
	aFebX := send(a.ID, "2025-02-28", 4)
	decide(aFebX, domain.DecisionApprove, 5)
	// A's March as its January.
	aMarG := decide(send(a.ID, "2025-03-31", 6), domain.DecisionApprove, 7)
	aMarX := send(a.ID, "2025-03-31", 8)
	// A's April: one submission, approved: both rules agree.
	aAprG := decide(send(a.ID, "2025-04-30", 9), domain.DecisionApprove, 10)
	// B's January and February as A's, with payments on them.
	bJanG := decide(send(b.ID, "2025-01-31", 11), domain.DecisionApprove, 12)
	send(b.ID, "2025-01-31", 13)
	send(b.ID, "2025-02-28", 14)
	decide(send(b.ID, "2025-02-28", 15), domain.DecisionApprove, 16)
	// B's March: one submission, its return left with nothing sent.
	bMarG := send(b.ID, "2025-03-31", 17)
	// A's May as its January: a payment is made on it between the
	// refill's read and its write.
	decide(send(a.ID, "2025-05-31", 18), domain.DecisionApprove, 19)
	aMayX := send(a.ID, "2025-05-31", 20)

	// The schedule, made after them, its returns written as the old rule
	// made them (with their counts).
	setup, err := st.ReportingSetup(c.ctx, p.ID)
	c.ok(err)
	now := time.Now().UTC()
	sched := domain.Schedule{ID: domain.NewID(), Name: "Monthly", Frequency: domain.Monthly, FirstPeriodStart: domain.MustDate("2025-01-01"),
		LastPeriodEnd: domain.MustDate("2025-05-31"), DueDays: 20, Reminders: []int64{7}, Version: 1, CreatedAt: now, UpdatedAt: now}
	c.ok(st.CreateSchedule(c.ctx, p.ID, sched, setup.Seq, nil, c.change(p.ID, domain.EntitySchedule, sched.ID, domain.ActionCreate, nil, sched)))
	outcomes := ctAll(c, 100, func(pg service.Page) ([]domain.Outcome, string, error) {
		return st.ListOutcomes(c.ctx, p.ID, "", service.OutcomeFilter{}, pg)
	})
	id := func(project, start string) string { return domain.ReturnID(sched.ID, project, domain.MustDate(start)) }
	var old []domain.Return
	for _, r := range domain.ExpectedReturns(sched, []domain.Project{a, b}, now) {
		if r.ID != id(b.ID, "2025-03-01") {
			r = rfOldRule(t, r, outcomes)
		}
		old = append(old, r)
	}
	c.ok(st.CreateReturns(c.ctx, p.ID, old))

	returns := func() map[string]domain.Return {
		out := map[string]domain.Return{}
		for _, r := range ctAll(c, 100, func(pg service.Page) ([]domain.Return, string, error) {
			return st.ListReturns(c.ctx, p.ID, service.ReturnFilter{}, pg)
		}) {
			out[r.ID] = r
		}
		return out
	}
	stored := returns()
	if r := stored[id(a.ID, "2025-01-01")]; r.State != domain.StateSubmitted || r.SubmissionID != aJanX.ID {
		t.Fatalf("A's January as the old rule made it: %+v, want submitted on the second team's %s", r, aJanX.ID)
	}

	// Payments: one waiting on B's January, one paid on B's February.
	x := c.funder(p.ID)
	g := c.grant(p.ID, x.ID, b.ID, 100_00)
	// payOn makes a payment waiting on a return as the service does: a
	// dependent of the return, moving its rev on.
	payOn := func(returnID string, pence int64) domain.Payment {
		t.Helper()
		pm := ctPayment(g.ID, pence, domain.Trigger{Kind: domain.TriggerReturn, ReturnID: returnID}, "")
		ch := c.change(p.ID, domain.EntityPayment, pm.ID, domain.ActionCreate, nil, pm)
		ch.Premises = []service.Premise{{Ref: domain.Ref(domain.EntityReturn, returnID), Record: returns()[returnID], Fields: []string{"ScheduleID"},
			Dependent: true, Err: service.ErrChanged}}
		c.ok(st.CreatePayment(c.ctx, p.ID, g, pm, nil, ch))
		return pm
	}
	payOn(id(b.ID, "2025-01-01"), 10_00)
	paid := payOn(id(b.ID, "2025-02-01"), 20_00)
	paidAfter := paid
	paidDate := domain.MustDate("2025-04-01")
	paidAfter.Status, paidAfter.PaidDate, paidAfter.Version = domain.PaymentPaid, paidDate, paid.Version+1
	c.ok(c.changePayment(p.ID, g, paid, paidAfter))
	stored = returns()

	refilled := func(rs []store.Refill) []string {
		return sorted(ids(rs, func(r store.Refill) string { return r.ReturnID }))
	}
	wantRefilled := sorted([]string{id(a.ID, "2025-01-01"), id(a.ID, "2025-02-01"), id(a.ID, "2025-03-01"), id(b.ID, "2025-03-01")})
	wantLeft := sorted([]string{id(b.ID, "2025-01-01"), id(b.ID, "2025-02-01")})
	wantLeftAfter := sorted(append([]string{id(a.ID, "2025-05-01")}, wantLeft...))
	wantRefilledBefore := sorted(append([]string{id(a.ID, "2025-05-01")}, wantRefilled...))
	consistent := func(when string) {
		t.Helper()
		if wrong, err := st.RecountReturns(c.ctx, p.ID, false); err != nil || len(wrong) != 0 {
			t.Errorf("%s: counts that do not match their returns: %+v, %v", when, wrong, err)
		}
	}
	consistent("as the old rule left them")

	// Asked only what it would do, it writes nothing.
	would, err := st.RefillReturns(c.ctx, p.ID, false)
	c.ok(err)
	if got := refilled(would.Refilled); !reflect.DeepEqual(got, wantRefilledBefore) {
		t.Errorf("a dry run would put right %v, want %v", got, wantRefilledBefore)
	}
	if got := refilled(would.Left); !reflect.DeepEqual(got, wantLeft) {
		t.Errorf("a dry run would leave %+v, want %v", would.Left, wantLeft)
	}
	for _, r := range would.Refilled {
		if r.ReturnID == id(a.ID, "2025-01-01") && (r.Held.State != domain.StateSubmitted || r.Held.SubmissionID != aJanX.ID ||
			r.Holds.State != domain.StateAccepted || r.Holds.SubmissionID != aJanG.ID || r.Holds.Review == nil) {
			t.Errorf("A's January: held %+v, would hold %+v; want submitted on %s, then accepted on %s with its review", r.Held, r.Holds, aJanX.ID, aJanG.ID)
		}
	}
	for _, r := range would.Left {
		if !strings.Contains(r.Left, "payment") {
			t.Errorf("%s left for %q, want its payment named", r.ReturnID, r.Left)
		}
	}
	if got := returns(); !reflect.DeepEqual(got, stored) {
		t.Errorf("a dry run wrote returns")
	}

	// Between the refill's read and its write: the first team's February
	// figures approved (no return as stored moves), the second team's
	// March figures, which the return holds, sent back (the return moves),
	// a payment made waiting on A's May, and a second submission for B's
	// March, which fills its return as stored (nothing sent) and moves no
	// submission the refill read.
	hook.mu.Lock()
	hook.before["RETURN#"+b.ID+"#"+sched.ID+"#2025-03-01"] = func() {
		r := returns()[id(b.ID, "2025-03-01")]
		o := ctOutcome(b.ID, "", "2025-03-31", map[domain.Metric]int64{domain.MetricReferrals: 30})
		o = domain.NewSubmission(o, nil, true)
		filled, ok := r.Fill(o)
		if !ok {
			t.Errorf("B's March is not left with nothing sent: %+v", r)
		}
		setup, err := st.ReportingSetup(c.ctx, p.ID)
		c.ok(err)
		c.ok(st.CreateOutcome(c.ctx, p.ID, service.Submission{Outcome: o, Figures: domain.Submitting(o, nil, nil), Seq: setup.Seq,
			Returns: []service.ReturnWrite{{Before: &r, After: filled}}}, c.change(p.ID, domain.EntityOutcome, o.ID, domain.ActionCreate, nil, o)))
	}
	hook.before["RETURN#"+a.ID+"#"+sched.ID+"#2025-05-01"] = func() { payOn(id(a.ID, "2025-05-01"), 5_00) }
	hook.before["RETURN#"+a.ID+"#"+sched.ID+"#2025-02-01"] = func() { decide(aFebG, domain.DecisionApprove, 20) }
	hook.before["RETURN#"+a.ID+"#"+sched.ID+"#2025-03-01"] = func() {
		r := returns()[id(a.ID, "2025-03-01")]
		after, ok := r.Reviewed(aMarX, domain.Review{Decision: domain.DecisionRequestChanges, By: "lead@example.org", At: at(21)})
		if !ok {
			t.Errorf("A's March does not hold the second team's figures: %+v", r)
		}
		decide(aMarX, domain.DecisionRequestChanges, 21, service.ReturnWrite{Before: &r, After: after})
	}
	hook.mu.Unlock()
	did, err := st.RefillReturns(c.ctx, p.ID, true)
	c.ok(err)
	if got := refilled(did.Refilled); !reflect.DeepEqual(got, wantRefilled) {
		t.Errorf("put right %v, want %v", got, wantRefilled)
	}
	if got := refilled(did.Left); !reflect.DeepEqual(got, wantLeftAfter) {
		t.Errorf("left %+v, want %v", did.Left, wantLeftAfter)
	}
	if len(hook.before) != 0 {
		t.Fatalf("the changes meant to land between a read and a write did not: %v", hook.before)
	}
	// The stale writes were refused by their own conditions: of A's March
	// and B's March on the version (not only by the submission's status,
	// or the counts' floor), of A's May on rev; A's February's by its
	// submission's premise alone.
	hook.mu.Lock()
	for _, start := range []string{"2025-03-01", "2025-05-01"} {
		if sk := "RETURN#" + a.ID + "#" + sched.ID + "#" + start; hook.refused[sk] != 1 {
			t.Errorf("A's return from %s: its write refused by its own condition %d times, want once", start, hook.refused[sk])
		}
	}
	if sk := "RETURN#" + b.ID + "#" + sched.ID + "#2025-03-01"; hook.refused[sk] != 1 {
		t.Errorf("B's March: its write refused by its own condition %d times, want once", hook.refused[sk])
	}
	if sk := "RETURN#" + a.ID + "#" + sched.ID + "#2025-02-01"; hook.refused[sk] != 0 {
		t.Errorf("A's February: its write refused by its own condition %d times, want none (its submission's premise refuses it)", hook.refused[sk])
	}
	hook.mu.Unlock()
	after := returns()
	for _, w := range []struct {
		id, submission string
		state          domain.ReturnState
		decidedAt      time.Time
		versions       int64 // writes since the old rule's
	}{
		{id(a.ID, "2025-01-01"), aJanG.ID, domain.StateAccepted, at(1), 1},
		{id(a.ID, "2025-02-01"), aFebG.ID, domain.StateAccepted, at(20), 1},
		{id(a.ID, "2025-03-01"), aMarG.ID, domain.StateAccepted, at(7), 2}, // the decision's, then the refill's
		{id(a.ID, "2025-04-01"), aAprG.ID, domain.StateAccepted, at(10), 0},
		{id(b.ID, "2025-01-01"), "", domain.StateSubmitted, time.Time{}, 0},
		{id(b.ID, "2025-02-01"), "", domain.StateAccepted, at(16), 0},
		{id(b.ID, "2025-03-01"), bMarG.ID, domain.StateSubmitted, time.Time{}, 2}, // the second submission's, then the refill's
		{id(a.ID, "2025-05-01"), aMayX.ID, domain.StateSubmitted, time.Time{}, 0},
	} {
		r := after[w.id]
		if w.submission == "" {
			w.submission = stored[w.id].SubmissionID // left as it was
		}
		decided := time.Time{}
		if r.Review != nil {
			decided = r.Review.At
		}
		if r.State != w.state || r.SubmissionID != w.submission || !decided.Equal(w.decidedAt) || r.Version != stored[w.id].Version+w.versions {
			t.Errorf("%s: %s on %s (review at %v), version %d; want %s on %s (review at %v), version %d", w.id, r.State, r.SubmissionID, decided, r.Version,
				w.state, w.submission, w.decidedAt, stored[w.id].Version+w.versions)
		}
	}
	if r := after[id(b.ID, "2025-01-01")]; r.SubmissionID == bJanG.ID {
		t.Errorf("B's January, which a payment waits on, was put right: %+v", r)
	}
	// Out of the notifier's index once sent.
	item, err := db.GetItem(c.ctx, &dynamodb.GetItemInput{TableName: aws.String(table), ConsistentRead: aws.Bool(true), Key: map[string]types.AttributeValue{
		"PK": &types.AttributeValueMemberS{Value: "PROG#" + p.ID}, "SK": &types.AttributeValueMemberS{Value: "RETURN#" + b.ID + "#" + sched.ID + "#2025-03-01"}}})
	c.ok(err)
	if _, ok := item.Item["GSI3PK"]; ok || item.Item == nil {
		t.Errorf("B's March, filled, is still in the notifier's index (or gone): %v", item.Item)
	}
	consistent("after the refill")
	// Each change is in the return's history, by the repair.
	history, _, err := st.History(c.ctx, p.ID, domain.Ref(domain.EntityReturn, id(a.ID, "2025-01-01")), service.Page{Limit: 10})
	c.ok(err)
	if len(history) != 1 || history[0].ActorEmail != domain.RepairCaller.Email || history[0].Changes["state"].After != string(domain.StateAccepted) ||
		history[0].Changes["submissionId"].Before != aJanX.ID {
		t.Errorf("A's January's history: %+v, want the repair's change from submitted on %s to accepted", history, aJanX.ID)
	}

	// Again: nothing to put right, the three with payments still left.
	again, err := st.RefillReturns(c.ctx, p.ID, true)
	c.ok(err)
	if len(again.Refilled) != 0 {
		t.Errorf("a second run put right %+v, want nothing", again.Refilled)
	}
	if got := refilled(again.Left); !reflect.DeepEqual(got, wantLeftAfter) {
		t.Errorf("a second run left %+v, want %v", again.Left, wantLeftAfter)
	}
	if got := returns(); !reflect.DeepEqual(got, after) {
		t.Errorf("a second run wrote returns")
	}
}
