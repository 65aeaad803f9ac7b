package store_test

// Store tests of money on DynamoDB Local that the contract cannot state:
// payments made at the same moment never together exceed their grant (real
// transaction conflicts), and the notifier's two indexes hold exactly the
// payments that may fall due.

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/store"
	"github.com/fundtrack/fundtrack/shared/testenv"
)

func (w *dsWorld) grant(t *testing.T, pence int64) domain.Grant {
	t.Helper()
	f := domain.Funder{ID: domain.NewID(), Name: "DWP " + domain.NewID(), Contacts: []string{"grants@dwp.example"}, Version: 1} // a funder a grant: names differ
	if err := w.st.CreateFunder(context.Background(), w.P, f, w.event(domain.EntityFunder, f.ID, domain.ActionCreate, f)); err != nil {
		t.Fatal(err)
	}
	g := ctGrant(f.ID, "", pence)
	if err := w.st.CreateGrant(context.Background(), w.P, g, w.event(domain.EntityGrant, g.ID, domain.ActionCreate, g)); err != nil {
		t.Fatal(err)
	}
	return g
}

func (w *dsWorld) pay(g domain.Grant, p domain.Payment) error {
	return w.st.CreatePayment(context.Background(), w.P, g, p, nil, w.event(domain.EntityPayment, p.ID, domain.ActionCreate, p))
}

// TestConcurrentPaymentsNeverExceedTheAward: twenty payments of £5,000
// sent at once against a £50,000 grant. They conflict on the grant's money
// item; whatever the interleaving, those stored add up to the award at
// most, the headroom figure agrees with them, and every refusal is the
// award's (or, after the retries are spent, a busy database).
func TestConcurrentPaymentsNeverExceedTheAward(t *testing.T) {
	t.Parallel()
	db, table := testenv.Table(t)
	w := dsSetup(t, db, table)
	g := w.grant(t, 50_000_00)
	var wg sync.WaitGroup
	var mu sync.Mutex
	made, over, busy := 0, 0, 0
	start := make(chan struct{})
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			err := w.pay(g, ctPayment(g.ID, 5_000_00, dated, "2026-03-31"))
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				made++
			case errors.Is(err, service.ErrOverCommitted):
				over++
			case errors.Is(err, service.ErrUnavailable):
				busy++
			default:
				t.Errorf("a concurrent payment: %v", err)
			}
		}()
	}
	close(start)
	wg.Wait()
	t.Logf("20 concurrent payments of £5,000 against £50,000: %d made, %d refused over the award, %d refused busy", made, over, busy)
	stored, _, err := w.st.ListPayments(context.Background(), w.P, g.ID, service.Page{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var sum int64
	for _, p := range stored {
		sum += p.AmountPence
	}
	if len(stored) != made || sum > g.AmountPence {
		t.Fatalf("%d payments stored adding up to %d pence (%d reported made): over the award of %d", len(stored), sum, made, g.AmountPence)
	}
	if over == 0 || made+over+busy != 20 {
		t.Errorf("made %d, over %d, busy %d: want some refused over the award", made, over, busy)
	}
	// The headroom figure is exact: as many more payments fit as it says.
	rest := g.AmountPence - sum
	if rest > 0 {
		if err := w.pay(g, ctPayment(g.ID, rest, dated, "2026-03-31")); err != nil {
			t.Errorf("the £%d left: %v", rest/100, err)
		}
	}
	if err := w.pay(g, ctPayment(g.ID, 1, dated, "2026-03-31")); !errors.Is(err, service.ErrOverCommitted) {
		t.Errorf("a penny over a full grant: %v", err)
	}
}

// spendOn is a spend return of grant g for April 2026.
func spendOn(g domain.Grant, pence int64) domain.SpendReturn {
	return domain.SpendReturn{ID: domain.NewID(), GrantID: g.ID, PeriodStart: domain.MustDate("2026-04-01"), PeriodEnd: domain.MustDate("2026-04-30"),
		Lines: []domain.BudgetLine{{Category: domain.CategoryStaff, AmountPence: pence}}, TotalPence: pence, SubmittedAt: time.Now().UTC(),
		SubmittedBy: "pl@example.org"}
}

// TestSpendReturnsPlannedOnOneRead: two spend returns for the same days,
// each checked against the grant's returns as listed before either was
// stored (none), written at the same moment: the count of returns on the
// grant's money item lets exactly one in; the other is ErrChanged (to be
// planned again on a fresh list, which holds the first), and its spend is
// not counted. A grant whose returns were stored before the count
// existed starts it from its list.
func TestSpendReturnsPlannedOnOneRead(t *testing.T) {
	t.Parallel()
	db, table := testenv.Table(t)
	w := dsSetup(t, db, table)
	ctx := context.Background()
	g := w.grant(t, 50_000_00)
	create := func(sp domain.SpendReturn, seen int) error {
		return w.st.CreateSpend(ctx, w.P, sp, nil, seen, w.event(domain.EntitySpend, sp.ID, domain.ActionCreate, sp))
	}
	for round := range 5 {
		listed, _, err := w.st.ListSpend(ctx, w.P, g.ID, service.Page{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		errs := make([]error, 2)
		start := make(chan struct{})
		for i := range errs {
			wg.Go(func() {
				<-start
				errs[i] = create(spendOn(g, 1_00), len(listed))
			})
		}
		close(start)
		wg.Wait()
		made, changed := 0, 0
		for _, err := range errs {
			switch {
			case err == nil:
				made++
			case errors.Is(err, service.ErrChanged):
				changed++
			default:
				t.Fatalf("round %d: %v", round, err)
			}
		}
		if made != 1 || changed != 1 {
			t.Fatalf("round %d: %d stored, %d refused as changed; want one of each (%v)", round, made, changed, errs)
		}
	}
	after, _, err := w.st.ListSpend(ctx, w.P, g.ID, service.Page{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	if m, err := w.st.GrantMoney(ctx, w.P, g.ID); err != nil || len(after) != 5 || m.SpentPence != 5_00 {
		t.Errorf("%d returns stored, spent %d (%v): want 5 and £5", len(after), m.SpentPence, err)
	}

	// Returns stored before the count: the money item has none. The first
	// write sets it from its list; a write on a list as stale as that is
	// then refused.
	if _, err := db.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: &table, Key: store.MoneyKey(w.P, g.ID),
		UpdateExpression: aws.String("REMOVE spends")}); err != nil {
		t.Fatal(err)
	}
	if err := create(spendOn(g, 1_00), len(after)); err != nil {
		t.Fatalf("the first return on a grant with no count: %v", err)
	}
	if err := create(spendOn(g, 1_00), len(after)); !errors.Is(err, service.ErrChanged) {
		t.Errorf("a return planned on the list before it: %v, want ErrChanged", err)
	}
	if err := create(spendOn(g, 1_00), len(after)+1); err != nil {
		t.Errorf("a return planned on the list as it is: %v", err)
	}
}

// TestPaymentIndexes: the notifier finds dated payments by due date and
// payments waiting on a target or return by programme, and nothing else;
// a payment leaves its index when it falls due, is paid or is cancelled.
func TestPaymentIndexes(t *testing.T) {
	t.Parallel()
	db, table := testenv.Table(t)
	w := dsSetup(t, db, table)
	ctx := context.Background()
	g := w.grant(t, 1_000_00)
	tg := domain.Target{ID: domain.NewID(), Metric: domain.MetricPeopleIntoWork, Value: 10, Deadline: domain.MustDate("2026-12-31"), Notify: []string{}}
	if err := w.st.CreateTarget(ctx, w.P, tg, domain.Date{}, w.event(domain.EntityTarget, tg.ID, domain.ActionCreate, tg)); err != nil {
		t.Fatal(err)
	}
	today := domain.MustDate("2026-01-15")
	yesterday := ctPayment(g.ID, 1_00, dated, "2026-01-14")
	onDay := ctPayment(g.ID, 2_00, dated, "2026-01-15")
	tomorrow := ctPayment(g.ID, 3_00, dated, "2026-01-16")
	paidEarly := ctPayment(g.ID, 4_00, dated, "2026-01-01")
	milestone := ctPayment(g.ID, 5_00, domain.Trigger{Kind: domain.TriggerMilestone, TargetID: tg.ID, Threshold: 100}, "2026-01-01")
	for _, p := range []domain.Payment{yesterday, onDay, tomorrow, paidEarly, milestone} {
		if err := w.pay(g, p); err != nil {
			t.Fatal(err)
		}
	}
	paid := paidEarly
	paid.Status, paid.PaidDate, paid.Version = domain.PaymentPaid, domain.MustDate("2025-12-20"), 2
	if err := w.st.UpdatePayment(ctx, w.P, g, paidEarly, paid, nil, w.event(domain.EntityPayment, paid.ID, domain.ActionChange, paid)); err != nil {
		t.Fatal(err)
	}
	dueIDs := func(day domain.Date) []string {
		t.Helper()
		var out []string
		p := service.Page{Limit: 2}
		for {
			due, next, err := w.st.DuePayments(ctx, store.ShardOf(w.P), day, p)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range due {
				if d.ProgrammeID != w.P {
					t.Errorf("a due payment of programme %s, want %s", d.ProgrammeID, w.P)
				}
				out = append(out, d.Payment.ID)
			}
			if next == "" {
				return out
			}
			p.Cursor = next
		}
	}
	if got, want := dueIDs(today), []string{yesterday.ID, onDay.ID}; !slices.Equal(got, want) {
		t.Errorf("due by %s: %v, want yesterday's and today's %v (oldest first)", today, got, want)
	}
	waiting, _, err := w.st.WaitingPayments(ctx, w.P, service.Page{})
	if err != nil {
		t.Fatal(err)
	}
	if len(waiting) != 1 || waiting[0].ID != milestone.ID {
		t.Errorf("waiting: %+v, want the milestone payment", waiting)
	}
	d, ok := dirty(t, w.st, w.P)
	if !ok || d.PaymentsWaiting != 1 {
		t.Errorf("the changed marker: %+v %v, want one payment waiting", d, ok)
	}

	now := time.Date(2026, 1, 15, 8, 0, 0, 0, time.UTC)
	for _, p := range []domain.Payment{yesterday, milestone} {
		after, _ := p.FallDue(today, now)
		note := domain.Notification{ID: domain.PaymentNotificationID(p.ID), Kind: domain.KindPaymentDue, ProgrammeID: w.P, PaymentID: p.ID,
			Status: domain.NotificationPending, CreatedAt: now}
		ok, err := w.st.FallDue(ctx, w.P, g, p, after, note, w.event(domain.EntityPayment, p.ID, domain.ActionChange, after).Audit, nil)
		if err != nil || !ok {
			t.Fatalf("falling due: %v %v", ok, err)
		}
	}
	if got := dueIDs(today); !slices.Equal(got, []string{onDay.ID}) {
		t.Errorf("due after one fell due: %v, want %v", got, []string{onDay.ID})
	}
	if got := dueIDs(domain.MustDate("2026-02-01")); !slices.Equal(got, []string{onDay.ID, tomorrow.ID}) {
		t.Errorf("due by February: %v", got)
	}
	if waiting, _, _ := w.st.WaitingPayments(ctx, w.P, service.Page{}); len(waiting) != 0 {
		t.Errorf("still waiting after it fell due: %+v", waiting)
	}
	if d, _ := dirty(t, w.st, w.P); d.PaymentsWaiting != 0 {
		t.Errorf("%d payments counted waiting after the only one fell due", d.PaymentsWaiting)
	}
	// Pending emails: the two that fell due, in the notifier's index.
	pending, _, err := w.st.PendingNotifications(ctx, store.ShardOf(w.P), service.Page{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var mine []string
	for _, n := range pending {
		if n.ProgrammeID == w.P {
			mine = append(mine, n.PaymentID)
		}
	}
	if slices.Sort(mine); !slices.Equal(mine, sorted([]string{yesterday.ID, milestone.ID})) {
		t.Errorf("pending payment emails for %v", mine)
	}
}

// TestReleaseKeepsToOneTransaction: a submission releasing more payments
// than one transaction holds (each its own grant: four items a payment)
// makes due those that fit beside its own items, in its one transaction,
// and leaves the rest scheduled, with the programme marked changed so the
// notifier makes them due. Nothing is refused for the size.
func TestReleaseKeepsToOneTransaction(t *testing.T) {
	t.Parallel()
	db, table := testenv.Table(t)
	w := dsSetup(t, db, table)
	ctx := context.Background()
	tg := domain.Target{ID: domain.NewID(), Metric: domain.MetricPeopleIntoWork, Value: 10, Deadline: domain.MustDate("2026-12-31"),
		Notify: []string{}, Version: 1}
	if err := w.st.CreateTarget(ctx, w.P, tg, domain.Date{}, w.event(domain.EntityTarget, tg.ID, domain.ActionCreate, tg)); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	today := domain.DateOf(now)
	const n = 30
	var rel service.Release
	for range n {
		g := w.grant(t, 100_00)
		p := ctPayment(g.ID, 1_00, domain.Trigger{Kind: domain.TriggerMilestone, TargetID: tg.ID, Threshold: 50}, "")
		if err := w.pay(g, p); err != nil {
			t.Fatal(err)
		}
		after, _ := p.FallDue(today, now)
		rel.Falling = append(rel.Falling, service.Falling{Grant: g, Before: p, After: after,
			Note:  domain.PaymentDueNotice(w.P, g, after, today, domain.TriggerWords{Target: &tg}, now),
			Audit: domain.NewAuditEvent(w.caller, w.P, domain.EntityPayment, p.ID, domain.ActionChange, p, after, now)})
	}
	// As if the notifier had looked since: the submission alone marks it.
	if err := w.st.ClearDirty(ctx, w.P, mustChanges(t, w)); err != nil {
		t.Fatal(err)
	}
	o := domain.NewSubmission(ctOutcome(w.A, "", "2025-06-30", map[domain.Metric]int64{domain.MetricPeopleIntoWork: 6}), nil, false)
	sub := service.Submission{Outcome: o, Figures: domain.Submitting(o, nil, nil), Release: rel}
	if err := w.st.CreateOutcome(ctx, w.P, sub, w.event(domain.EntityOutcome, o.ID, domain.ActionCreate, o)); err != nil {
		t.Fatalf("a submission releasing %d payments: %v", n, err)
	}
	due := 0
	for _, f := range rel.Falling {
		p, _ := read[domain.Payment](t, w.st, w.P, domain.GrantRef(domain.EntityPayment, f.Grant.ID, f.After.ID))
		_, noted := read[domain.Notification](t, w.st, w.P, domain.Ref(domain.EntityNotification, f.Note.ID))
		switch {
		case p.Status == domain.PaymentDue && noted:
			due++
		case p.Status != domain.PaymentScheduled || noted:
			t.Errorf("payment %s: %s, email recorded %v", p.ID, p.Status, noted)
		}
	}
	if due < 15 || due >= n {
		t.Errorf("%d of %d made due with the submission, want as many as its transaction holds (some, not all)", due, n)
	}
	waiting, _, err := w.st.WaitingPayments(ctx, w.P, service.Page{Limit: 100})
	if err != nil || len(waiting) != n-due {
		t.Errorf("%d left waiting (%v), want %d", len(waiting), err, n-due)
	}
	dirty, _, err := w.st.DirtyProgrammes(ctx, service.ShardOf(w.P), service.Page{Limit: 100})
	if err != nil || !slices.ContainsFunc(dirty, func(d service.DirtyProgramme) bool { return d.ProgrammeID == w.P && d.PaymentsWaiting == int64(n-due) }) {
		t.Errorf("the programme is not marked changed with %d payments waiting: %+v %v", n-due, dirty, err)
	}
}

// mustChanges is the programme's count of changes, as the notifier reads it.
func mustChanges(t *testing.T, w *dsWorld) int64 {
	t.Helper()
	_, v, err := w.st.FiguresAsOf(context.Background(), w.P, nil)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
