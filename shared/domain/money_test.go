package domain_test

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// fieldsOf is the fields a validation error names, sorted; nil for no error.
func fieldsOf(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	var de *domain.Error
	if !errors.As(err, &de) || de.Code != domain.CodeValidation {
		t.Fatalf("not a validation error: %v", err)
	}
	var out []string
	for f := range de.Fields {
		out = append(out, f)
	}
	slices.Sort(out)
	return out
}

func grantInput(amount int64, budget ...domain.BudgetLine) domain.GrantInput {
	return domain.GrantInput{FunderID: "01hq3v7k8m9n0p1q2r3s4t5v6w", Title: "Employment specialists", AmountPence: amount,
		Currency: "GBP", AwardDate: tgtDate("2025-01-01"), StartDate: tgtDate("2025-01-01"), EndDate: tgtDate("2026-12-31"),
		Budget: budget}
}

func line(c domain.BudgetCategory, pence int64) domain.BudgetLine {
	return domain.BudgetLine{Category: c, AmountPence: pence}
}

// TestGrantBudget: a budget's lines add up to the grant's amount, each
// category once, every amount positive; a grant may have none.
func TestGrantBudget(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		in     domain.GrantInput
		fields []string
	}{
		{"no budget", grantInput(100_00), nil},
		{"an empty budget is none", grantInput(100_00, []domain.BudgetLine{}...), nil},
		{"lines add up", grantInput(100_00, line("staff", 70_00), line("travel", 20_00), line("overheads", 10_00)), nil},
		{"every category", grantInput(600, line("staff", 100), line("training", 100), line("equipment", 100),
			line("travel", 100), line("overheads", 100), line("other", 100)), nil},
		{"short by a penny", grantInput(100_00, line("staff", 70_00), line("travel", 29_99)), []string{"budget"}},
		{"over", grantInput(100_00, line("staff", 100_01)), []string{"budget"}},
		{"an unknown category", grantInput(100_00, line("salaries", 100_00)), []string{"budget[0].category"}},
		{"no category", grantInput(100_00, line("", 100_00)), []string{"budget[0].category"}},
		{"a category twice", grantInput(100_00, line("staff", 50_00), line("staff", 50_00)), []string{"budget[1].category"}},
		{"a zero line", grantInput(100_00, line("staff", 100_00), line("travel", 0)), []string{"budget[1].amountPence"}},
		{"a negative line", grantInput(100_00, line("staff", 110_00), line("travel", -10_00)), []string{"budget[1].amountPence"}},
		{"too many lines", grantInput(700, line("staff", 100), line("training", 100), line("equipment", 100),
			line("travel", 100), line("overheads", 100), line("other", 100), line("staff", 100)), []string{"budget"}},
		// A bad amount is named once, not again as a budget that fails to add up to it.
		{"a bad amount with a budget", grantInput(0, line("staff", 100)), []string{"amountPence"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := fieldsOf(t, c.in.Validate()); !slices.Equal(got, c.fields) {
				t.Errorf("names %v, want %v (%v)", got, c.fields, c.in.Validate())
			}
		})
	}
	err := grantInput(100_00, line("staff", 70_00), line("travel", 20_00)).Validate()
	var de *domain.Error
	if !errors.As(err, &de) || !strings.Contains(de.Fields["budget"], "£90.00") || !strings.Contains(de.Fields["budget"], "£100.00") {
		t.Errorf("the problem does not say both sums: %v", err)
	}

	// A patch of the amount alone leaves a budget that no longer adds up.
	g := domain.Grant{FunderID: "01hq3v7k8m9n0p1q2r3s4t5v6w", Title: "t", AmountPence: 100_00, Currency: "GBP",
		AwardDate: tgtDate("2025-01-01"), StartDate: tgtDate("2025-01-01"), EndDate: tgtDate("2026-12-31"),
		Budget: []domain.BudgetLine{line("staff", 100_00)}}
	amount := int64(120_00)
	if got := fieldsOf(t, domain.GrantPatch{AmountPence: &amount}.Apply(g.Input()).Validate()); !slices.Equal(got, []string{"budget"}) {
		t.Errorf("a new amount with the old budget names %v, want budget", got)
	}
	both := []domain.BudgetLine{line("staff", 120_00)}
	if err := (domain.GrantPatch{AmountPence: &amount, Budget: &both}).Apply(g.Input()).Validate(); err != nil {
		t.Errorf("a new amount with a new budget: %v", err)
	}
	none := []domain.BudgetLine{}
	if err := (domain.GrantPatch{AmountPence: &amount, Budget: &none}).Apply(g.Input()).Validate(); err != nil {
		t.Errorf("a new amount, budget removed: %v", err)
	}
	// Input copies the budget: changing the input leaves the grant alone.
	in := g.Input()
	in.Budget[0].AmountPence = 1
	if g.Budget[0].AmountPence != 100_00 {
		t.Error("Input shares the grant's budget")
	}
}

func paymentInput(f func(*domain.PaymentInput)) domain.PaymentInput {
	in := domain.PaymentInput{AmountPence: 50_00, DueDate: tgtDate("2025-06-30"), Trigger: &domain.Trigger{Kind: domain.TriggerDate}}
	if f != nil {
		f(&in)
	}
	return in
}

// TestPaymentInput names every bad field of a payment, alone and together.
func TestPaymentInput(t *testing.T) {
	t.Parallel()
	target := "01hq3v7k8m9n0p1q2r3s4t5v6w"
	cases := []struct {
		name   string
		in     domain.PaymentInput
		fields []string
	}{
		{"a dated payment", paymentInput(nil), nil},
		{"a milestone payment", paymentInput(func(in *domain.PaymentInput) {
			in.DueDate, in.Trigger = domain.Date{}, &domain.Trigger{Kind: domain.TriggerMilestone, TargetID: target, Threshold: 50}
		}), nil},
		{"a milestone payment with an expected date", paymentInput(func(in *domain.PaymentInput) {
			in.Trigger = &domain.Trigger{Kind: domain.TriggerMilestone, TargetID: target, Threshold: 100}
		}), nil},
		{"a return payment", paymentInput(func(in *domain.PaymentInput) {
			in.Trigger = &domain.Trigger{Kind: domain.TriggerReturn, ReturnID: domain.ReturnID(target, target, tgtDate("2025-04-01"))}
		}), nil},
		// The return's period end is fundtrack's to record, from the
		// return: a client's would be believed over the return's.
		{"a return payment giving its period end", paymentInput(func(in *domain.PaymentInput) {
			in.Trigger = &domain.Trigger{Kind: domain.TriggerReturn, ReturnID: domain.ReturnID(target, target, tgtDate("2025-04-01")),
				PeriodEnd: tgtDate("2025-06-30")}
		}), []string{"trigger.periodEnd"}},
		{"a date payment giving a period end", paymentInput(func(in *domain.PaymentInput) {
			in.Trigger = &domain.Trigger{Kind: domain.TriggerDate, PeriodEnd: tgtDate("2025-06-30")}
		}), []string{"trigger.periodEnd"}},
		// So is a milestone's target as it was when the payment was made.
		{"a milestone payment giving its target's words", paymentInput(func(in *domain.PaymentInput) {
			in.Trigger = &domain.Trigger{Kind: domain.TriggerMilestone, TargetID: target, Threshold: 50,
				TargetMetric: domain.MetricReferrals, TargetValue: 10, TargetProjectID: target}
		}), []string{"trigger.targetMetric", "trigger.targetProjectId", "trigger.targetValue"}},
		{"a return payment naming no return", paymentInput(func(in *domain.PaymentInput) {
			in.Trigger = &domain.Trigger{Kind: domain.TriggerReturn, ReturnID: "q2-return"}
		}), []string{"trigger.returnId"}},
		{"with a reference", paymentInput(func(in *domain.PaymentInput) { in.Reference = "PO 2011/004" }), nil},
		{"no amount", paymentInput(func(in *domain.PaymentInput) { in.AmountPence = 0 }), []string{"amountPence"}},
		{"a negative amount", paymentInput(func(in *domain.PaymentInput) { in.AmountPence = -1 }), []string{"amountPence"}},
		{"an absurd amount", paymentInput(func(in *domain.PaymentInput) { in.AmountPence = domain.MaxAmountPence + 1 }), []string{"amountPence"}},
		{"no trigger", paymentInput(func(in *domain.PaymentInput) { in.Trigger = nil }), []string{"trigger"}},
		{"no kind", paymentInput(func(in *domain.PaymentInput) { in.Trigger = &domain.Trigger{} }), []string{"trigger.kind"}},
		{"an unknown kind", paymentInput(func(in *domain.PaymentInput) { in.Trigger = &domain.Trigger{Kind: "invoice"} }), []string{"trigger.kind"}},
		{"a date payment without its date", paymentInput(func(in *domain.PaymentInput) { in.DueDate = domain.Date{} }), []string{"dueDate"}},
		{"a date payment naming a target", paymentInput(func(in *domain.PaymentInput) {
			in.Trigger = &domain.Trigger{Kind: domain.TriggerDate, TargetID: target, Threshold: 10, ReturnID: "r"}
		}), []string{"trigger.returnId", "trigger.targetId", "trigger.threshold"}},
		{"a milestone without target or threshold", paymentInput(func(in *domain.PaymentInput) {
			in.Trigger = &domain.Trigger{Kind: domain.TriggerMilestone}
		}), []string{"trigger.targetId", "trigger.threshold"}},
		{"a milestone with a bad target id", paymentInput(func(in *domain.PaymentInput) {
			in.Trigger = &domain.Trigger{Kind: domain.TriggerMilestone, TargetID: "../x", Threshold: 100}
		}), []string{"trigger.targetId"}},
		{"a threshold over 1000%", paymentInput(func(in *domain.PaymentInput) {
			in.Trigger = &domain.Trigger{Kind: domain.TriggerMilestone, TargetID: target, Threshold: 1001}
		}), []string{"trigger.threshold"}},
		{"a return trigger without a return", paymentInput(func(in *domain.PaymentInput) {
			in.Trigger = &domain.Trigger{Kind: domain.TriggerReturn, TargetID: target}
		}), []string{"trigger.returnId", "trigger.targetId"}},
		{"a two-line reference", paymentInput(func(in *domain.PaymentInput) { in.Reference = "PO 1\nPO 2" }), []string{"reference"}},
		{"a long reference", paymentInput(func(in *domain.PaymentInput) { in.Reference = strings.Repeat("x", 101) }), []string{"reference"}},
		{"everything wrong", domain.PaymentInput{AmountPence: -5, Reference: "a\u202eb", Trigger: &domain.Trigger{Kind: domain.TriggerDate}},
			[]string{"amountPence", "dueDate", "reference"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := fieldsOf(t, c.in.Validate()); !slices.Equal(got, c.fields) {
				t.Errorf("names %v, want %v (%v)", got, c.fields, c.in.Validate())
			}
		})
	}
	if tf := paymentInput(func(in *domain.PaymentInput) { in.Reference = "call 07700 900123" }); domain.CheckText(tf) == nil {
		t.Error("a phone number in a payment's reference passed the personal-data guard")
	}
}

// TestPaymentChanges: what a PATCH may do from each status, and what it
// names when it is wrong.
func TestPaymentChanges(t *testing.T) {
	t.Parallel()
	today := tgtDate("2026-01-15")
	ref := func(s string) *string { return &s }
	paid := domain.PaymentChange{Status: domain.PaymentPaid, PaidDate: tgtDate("2026-01-10"), Reference: ref("BACS 001")}
	cancel := domain.PaymentChange{Status: domain.PaymentCancelled}

	bad := []struct {
		name   string
		ch     domain.PaymentChange
		fields []string
	}{
		{"no status", domain.PaymentChange{}, []string{"status"}},
		{"back to scheduled", domain.PaymentChange{Status: domain.PaymentScheduled}, []string{"status"}},
		{"to due by hand", domain.PaymentChange{Status: domain.PaymentDue}, []string{"status"}},
		{"paid without a date", domain.PaymentChange{Status: domain.PaymentPaid}, []string{"paidDate"}},
		{"paid tomorrow", domain.PaymentChange{Status: domain.PaymentPaid, PaidDate: today.AddDays(1)}, []string{"paidDate"}},
		{"paid with a two-line reference", domain.PaymentChange{Status: domain.PaymentPaid, PaidDate: today, Reference: ref("a\nb")}, []string{"reference"}},
		{"cancelled with a paid date", domain.PaymentChange{Status: domain.PaymentCancelled, PaidDate: today}, []string{"paidDate"}},
		{"cancelled with a reference", domain.PaymentChange{Status: domain.PaymentCancelled, Reference: ref("x")}, []string{"reference"}},
	}
	for _, c := range bad {
		if got := fieldsOf(t, c.ch.Validate(today)); !slices.Equal(got, c.fields) {
			t.Errorf("%s: names %v, want %v", c.name, got, c.fields)
		}
	}
	if err := (domain.PaymentChange{Status: domain.PaymentPaid, PaidDate: today}).Validate(today); err != nil {
		t.Errorf("paid today: %v", err)
	}

	p := domain.Payment{ID: "p", AmountPence: 100, Status: domain.PaymentScheduled, Reference: "PO 1"}
	moves := []struct {
		from domain.PaymentStatus
		ch   domain.PaymentChange
		want domain.PaymentStatus // "" refused as a conflict
	}{
		{domain.PaymentScheduled, paid, domain.PaymentPaid},
		{domain.PaymentDue, paid, domain.PaymentPaid},
		{domain.PaymentPaid, paid, domain.PaymentPaid}, // correcting the date or reference
		{domain.PaymentCancelled, paid, ""},
		{domain.PaymentScheduled, cancel, domain.PaymentCancelled},
		{domain.PaymentDue, cancel, domain.PaymentCancelled},
		{domain.PaymentPaid, cancel, ""},
		{domain.PaymentCancelled, cancel, ""},
	}
	for _, m := range moves {
		from := p
		from.Status = m.from
		got, err := m.ch.Apply(from)
		switch {
		case m.want == "" && domain.ErrorCode(err) != domain.CodeConflict:
			t.Errorf("%s → %s: %v, want a conflict", m.from, m.ch.Status, err)
		case m.want != "" && (err != nil || got.Status != m.want):
			t.Errorf("%s → %s: %s %v, want %s", m.from, m.ch.Status, got.Status, err, m.want)
		}
	}
	got, _ := paid.Apply(p)
	if got.PaidDate != paid.PaidDate || got.Reference != "BACS 001" {
		t.Errorf("paid: %+v", got)
	}
	got, _ = domain.PaymentChange{Status: domain.PaymentPaid, PaidDate: today}.Apply(p)
	if got.Reference != "PO 1" {
		t.Errorf("a change without a reference lost the old one: %q", got.Reference)
	}

	// Only a scheduled payment falls due, once.
	at := time.Date(2026, 1, 15, 9, 0, 0, 0, time.UTC)
	due, ok := p.FallDue(today, at)
	if !ok || due.Status != domain.PaymentDue || due.DueSince != today || due.Version != p.Version+1 || !due.UpdatedAt.Equal(at) {
		t.Errorf("falling due: %v %+v", ok, due)
	}
	for _, s := range []domain.PaymentStatus{domain.PaymentDue, domain.PaymentPaid, domain.PaymentCancelled} {
		q := p
		q.Status = s
		if _, ok := q.FallDue(today, at); ok {
			t.Errorf("a %s payment fell due", s)
		}
	}
}

// TestPaymentDelta: how each payment's life moves its grant's figures.
func TestPaymentDelta(t *testing.T) {
	t.Parallel()
	pay := func(s domain.PaymentStatus, k domain.TriggerKind) domain.Payment {
		return domain.Payment{AmountPence: 300, Status: s, Trigger: domain.Trigger{Kind: k}}
	}
	ptr := func(p domain.Payment) *domain.Payment { return &p }
	cases := []struct {
		name   string
		before *domain.Payment
		after  domain.Payment
		want   domain.MoneyDelta
	}{
		{"a new dated payment", nil, pay("scheduled", "date"), domain.MoneyDelta{Headroom: -300}},
		{"a new milestone payment waits", nil, pay("scheduled", "milestone"), domain.MoneyDelta{Headroom: -300, Waiting: 1}},
		{"a new return payment waits", nil, pay("scheduled", "return"), domain.MoneyDelta{Headroom: -300, Waiting: 1}},
		{"falling due", ptr(pay("scheduled", "date")), pay("due", "date"), domain.MoneyDelta{Due: 300, DueCount: 1}},
		{"a milestone falling due stops waiting", ptr(pay("scheduled", "milestone")), pay("due", "milestone"), domain.MoneyDelta{Due: 300, Waiting: -1, DueCount: 1}},
		{"paid when due", ptr(pay("due", "date")), pay("paid", "date"), domain.MoneyDelta{Due: -300, Paid: 300, DueCount: -1}},
		{"paid early", ptr(pay("scheduled", "milestone")), pay("paid", "milestone"), domain.MoneyDelta{Paid: 300, Waiting: -1}},
		{"paid again (a corrected date)", ptr(pay("paid", "date")), pay("paid", "date"), domain.MoneyDelta{}},
		{"cancelled before it fell due", ptr(pay("scheduled", "return")), pay("cancelled", "return"), domain.MoneyDelta{Headroom: 300, Waiting: -1}},
		{"cancelled when due", ptr(pay("due", "date")), pay("cancelled", "date"), domain.MoneyDelta{Headroom: 300, Due: -300, DueCount: -1}},
	}
	for _, c := range cases {
		if got := domain.PaymentDelta(c.before, c.after); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: %+v, want %+v", c.name, got, c.want)
		}
	}
	if !(domain.MoneyDelta{SpentBy: map[domain.BudgetCategory]int64{"staff": 0}}).IsZero() {
		t.Error("a delta of zeros is not zero")
	}
	if (domain.MoneyDelta{DueCount: 1}).IsZero() {
		t.Error("a payment falling due moves nothing")
	}
	if (domain.MoneyDelta{SpentBy: map[domain.BudgetCategory]int64{"staff": 1}}).IsZero() {
		t.Error("a delta of spend by category is zero")
	}
}

// TestMilestoneTrigger: a milestone payment's trigger fires when its
// target's figure reaches the threshold percent of the target's value.
func TestMilestoneTrigger(t *testing.T) {
	t.Parallel()
	target := domain.Target{ID: "t", Value: 60, Metric: domain.MetricPeopleIntoWork}
	half := domain.Trigger{Kind: domain.TriggerMilestone, TargetID: "t", Threshold: 50}
	for current, want := range map[int64]bool{0: false, 29: false, 30: true, 61: true} {
		if got := half.Reached(target, current); got != want {
			t.Errorf("50%% of 60 at %d: %v, want %v", current, got, want)
		}
	}
	if half.Reached(domain.Target{ID: "other", Value: 1}, 100) {
		t.Error("a trigger fired on another target")
	}
	if (domain.Trigger{Kind: domain.TriggerDate}).Reached(target, 100) {
		t.Error("a date trigger fired on a target")
	}
	if d := half.Describe(domain.Date{}, domain.TriggerWords{Target: &target}); !strings.Contains(d, "50% of the programme's target of 60") {
		t.Errorf("described as %q", d)
	}
}

// TestMilestoneTriggerProject: a project's grant is paid on its own
// project's targets or the programme's, never on another project's (the
// rule a return trigger keeps too); a grant to the whole programme on
// any. OtherProject goes by the target as it is now, and by the project
// the trigger recorded when the target is not at hand.
func TestMilestoneTriggerProject(t *testing.T) {
	t.Parallel()
	a, b := "01hq3v7k8m9n0p1q2r3s4t5v6x", "01hq3v7k8m9n0p1q2r3s4t5v6y"
	tr := domain.Trigger{Kind: domain.TriggerMilestone, TargetID: "t", Threshold: 50}
	ofA, ofB, whole := &domain.Target{ID: "t", ProjectID: a}, &domain.Target{ID: "t", ProjectID: b}, &domain.Target{ID: "t"}
	for _, c := range []struct {
		name    string
		grant   string
		target  *domain.Target
		refused bool
	}{
		{"a target of the grant's project", a, ofA, false},
		{"a programme-wide target", a, whole, false},
		{"a target of another project", a, ofB, true},
		{"a grant to the whole programme, on a project's target", "", ofB, false},
		{"a target not there (the write refuses it)", a, nil, false},
	} {
		err := tr.CheckGrant(domain.Grant{ProjectID: c.grant}, c.target)
		if got := fieldsOf(t, err); c.refused != (len(got) == 1 && got[0] == "trigger.targetId") || (!c.refused && err != nil) {
			t.Errorf("%s: %v", c.name, err)
		}
		if got := tr.OtherProject(c.grant, c.target); got != c.refused {
			t.Errorf("%s: OtherProject %v, want %v", c.name, got, c.refused)
		}
	}
	recorded := tr
	recorded.TargetProjectID = b
	if !recorded.OtherProject(a, nil) || recorded.OtherProject(a, whole) {
		t.Error("OtherProject does not go by the target now, or else by the project recorded")
	}
	if (domain.Trigger{Kind: domain.TriggerDate}).OtherProject(a, ofB) {
		t.Error("a dated payment waits on another project")
	}
	ret := domain.Trigger{Kind: domain.TriggerReturn, ReturnID: domain.ReturnID("01hq3v7k8m9n0p1q2r3s4t5v6w", b, tgtDate("2025-04-01"))}
	if !ret.OtherProject(a, nil) || ret.OtherProject(b, nil) || ret.OtherProject("", nil) {
		t.Error("a return trigger's project is not its return's")
	}
}

// TestReturnTrigger: a return trigger fires when its return is accepted,
// and a project's grant waits only on its own project's returns.
func TestReturnTrigger(t *testing.T) {
	t.Parallel()
	s, a, b := "01hq3v7k8m9n0p1q2r3s4t5v6w", "01hq3v7k8m9n0p1q2r3s4t5v6x", "01hq3v7k8m9n0p1q2r3s4t5v6y"
	rid := domain.ReturnID(s, a, tgtDate("2025-04-01"))
	tr := domain.Trigger{Kind: domain.TriggerReturn, ReturnID: rid}
	for state, want := range map[domain.ReturnState]bool{domain.StateExpected: false, domain.StateSubmitted: false,
		domain.StateChangesRequested: false, domain.StateAccepted: true} {
		if got := tr.Accepts(domain.Return{ID: rid, State: state}); got != want {
			t.Errorf("a %s return: %v, want %v", state, got, want)
		}
	}
	if tr.Accepts(domain.Return{ID: domain.ReturnID(s, b, tgtDate("2025-04-01")), State: domain.StateAccepted}) {
		t.Error("another return's acceptance fired the trigger")
	}
	if err := tr.CheckGrant(domain.Grant{ProjectID: a}, nil); err != nil {
		t.Errorf("a return of the grant's project: %v", err)
	}
	if err := tr.CheckGrant(domain.Grant{}, nil); err != nil {
		t.Errorf("a programme grant on any project's return: %v", err)
	}
	if got := fieldsOf(t, tr.CheckGrant(domain.Grant{ProjectID: b}, nil)); len(got) != 1 || got[0] != "trigger.returnId" {
		t.Errorf("a return of another project names %v", got)
	}
	if d := tr.Describe(domain.Date{}, domain.TriggerWords{}); d != "when the return for the period from 1 April 2025 is accepted" {
		t.Errorf("described as %q", d)
	}
}

// TestTriggerDescribeAsRecorded: a milestone trigger records its target
// when the payment is made. The audit trail (AsRecorded) describes it by
// what it recorded, however the target has changed since; a page about the
// payment as it waits describes it by the target as it is now, which the
// payment falls due on; with no target at hand the recorded words serve.
// A trigger recorded before targets were (no metric) reads as before.
func TestTriggerDescribeAsRecorded(t *testing.T) {
	t.Parallel()
	north := "01hq3v7k8m9n0p1q2r3s4t5v6x"
	was := domain.Target{ID: "t1", ProjectID: north, Value: 10, Metric: domain.MetricReferrals}
	now := domain.Target{ID: "t1", ProjectID: north, Value: 12, Metric: domain.MetricPeopleIntoWork}
	recorded := domain.Trigger{Kind: domain.TriggerMilestone, TargetID: "t1", Threshold: 50}
	recorded.Record(was)
	if recorded.TargetMetric != domain.MetricReferrals || recorded.TargetValue != 10 || recorded.TargetProjectID != north {
		t.Fatalf("the trigger recorded %+v, want the target's metric, value and project", recorded)
	}
	old := domain.Trigger{Kind: domain.TriggerMilestone, TargetID: "t1", Threshold: 50}
	wide := domain.Trigger{Kind: domain.TriggerMilestone, TargetID: "t2", Threshold: 100}
	wide.Record(domain.Target{ID: "t2", Value: 30, Metric: domain.MetricReferrals})
	for _, c := range []struct {
		name string
		t    domain.Trigger
		w    domain.TriggerWords
		want string
	}{
		{"history, target changed since", recorded, domain.TriggerWords{Target: &now, AsRecorded: true, Project: "Leeds internships"},
			"when 50% of Leeds internships' target of 10 referrals is reached"},
		{"page, target as now", recorded, domain.TriggerWords{Target: &now, Project: "Leeds internships"},
			"when 50% of Leeds internships' target of 12 people into work is reached"},
		{"target not at hand", recorded, domain.TriggerWords{Project: "Leeds internships"},
			"when 50% of Leeds internships' target of 10 referrals is reached"},
		{"programme's target, recorded", wide, domain.TriggerWords{AsRecorded: true},
			"when 100% of the programme's target of 30 referrals is reached"},
		{"recorded before targets were, history", old, domain.TriggerWords{Target: &now, AsRecorded: true, Project: "Leeds internships"},
			"when 50% of Leeds internships' target of 12 people into work is reached"},
		{"recorded before targets were, not at hand", old, domain.TriggerWords{AsRecorded: true},
			"when 50% of target t1 is reached"},
	} {
		if got := c.t.Describe(domain.Date{}, c.w); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
	if got := recorded.ProjectID(nil); got != north {
		t.Errorf("a recorded trigger's project with no target at hand: %q, want %q", got, north)
	}
	if got := old.ProjectID(nil); got != "" {
		t.Errorf("an old trigger's project with no target at hand: %q, want none", got)
	}
	other := domain.Trigger{Kind: domain.TriggerReturn, ReturnID: "r"}
	if other.Record(was); other.TargetMetric != "" {
		t.Errorf("a return trigger recorded a target: %+v", other)
	}
}

// TestTriggerNamedTarget: the target a milestone trigger is described by,
// and so whose project is named. A page about a payment no longer waiting
// (asRecorded) names the target it recorded, even one since moved to
// another project; a page about a scheduled payment the target as it is
// now; a trigger that recorded nothing the target as it is now.
func TestTriggerNamedTarget(t *testing.T) {
	t.Parallel()
	north, south := "01hq3v7k8m9n0p1q2r3s4t5v6x", "01hq3v7k8m9n0p1q2r3s4t5v6y"
	now := domain.Target{ID: "t1", ProjectID: south, Value: 15, Metric: domain.MetricPeopleIntoWork}
	recorded := domain.Trigger{Kind: domain.TriggerMilestone, TargetID: "t1", Threshold: 50}
	recorded.Record(domain.Target{ID: "t1", ProjectID: north, Value: 12, Metric: domain.MetricReferrals})
	old := domain.Trigger{Kind: domain.TriggerMilestone, TargetID: "t1", Threshold: 50}
	other := domain.Target{ID: "t2", Value: 99, Metric: domain.MetricReferrals}
	for _, c := range []struct {
		name       string
		t          domain.Trigger
		now        *domain.Target
		asRecorded bool
		value      int64
		project    string
	}{
		{"no longer waiting", recorded, &now, true, 12, north},
		{"waiting", recorded, &now, false, 15, south},
		{"target not at hand", recorded, nil, false, 12, north},
		{"another target at hand", recorded, &other, false, 12, north},
		{"recorded nothing, no longer waiting", old, &now, true, 15, south},
	} {
		got := c.t.NamedTarget(c.now, c.asRecorded)
		if got == nil || got.Value != c.value || c.t.ProjectID(got) != c.project {
			t.Errorf("%s: %+v, want value %d of project %s", c.name, got, c.value, c.project)
		}
	}
	if got := old.NamedTarget(&other, true); got != nil {
		t.Errorf("a trigger that recorded nothing, with another target at hand: %+v, want none", got)
	}
	if got := (domain.Trigger{Kind: domain.TriggerReturn, ReturnID: "r"}).NamedTarget(&now, true); got != nil {
		t.Errorf("a return trigger's target: %+v, want none", got)
	}
}

// TestTriggerDescribeNamesProject: a payment on a return or on a
// project's target says whose return or target releases it, so a funder
// of a programme-level grant can tell twenty November returns apart; a
// programme-wide target is the programme's.
func TestTriggerDescribeNamesProject(t *testing.T) {
	t.Parallel()
	s, north := "01hq3v7k8m9n0p1q2r3s4t5v6w", "01hq3v7k8m9n0p1q2r3s4t5v6x"
	rid := domain.ReturnID(s, north, tgtDate("2026-11-01"))
	onReturn := domain.Trigger{Kind: domain.TriggerReturn, ReturnID: rid}
	ret := domain.Return{ID: rid, ProjectID: north, PeriodStart: tgtDate("2026-11-01"), PeriodEnd: tgtDate("2026-11-30")}
	recorded := domain.Trigger{Kind: domain.TriggerReturn, ReturnID: rid, PeriodEnd: tgtDate("2026-11-30")}
	quarter := domain.Trigger{Kind: domain.TriggerReturn, ReturnID: domain.ReturnID(s, north, tgtDate("2026-01-01")), PeriodEnd: tgtDate("2026-03-31")}
	projectTarget := domain.Target{ID: "t1", ProjectID: north, Value: 20, Metric: domain.MetricReferrals}
	wideTarget := domain.Target{ID: "t2", Value: 10, Metric: domain.MetricPeopleIntoWork}
	full := domain.Trigger{Kind: domain.TriggerMilestone, TargetID: "t1", Threshold: 100}
	wide := domain.Trigger{Kind: domain.TriggerMilestone, TargetID: "t2", Threshold: 50}
	for _, c := range []struct {
		name string
		t    domain.Trigger
		w    domain.TriggerWords
		want string
	}{
		{"return with its period", onReturn, domain.TriggerWords{Return: &ret, Project: "North IPS"},
			"when North IPS's return for November 2026 is accepted"},
		{"return by its id only", onReturn, domain.TriggerWords{Project: "North IPS"},
			"when North IPS's return for the period from 1 November 2026 is accepted"},
		{"plural project name", onReturn, domain.TriggerWords{Return: &ret, Project: "Leeds internships"},
			"when Leeds internships' return for November 2026 is accepted"},
		{"project not known", onReturn, domain.TriggerWords{Return: &ret},
			"when the return for November 2026 is accepted"},
		{"another return at hand", onReturn, domain.TriggerWords{Return: &domain.Return{ID: "other", PeriodStart: tgtDate("2026-10-01"), PeriodEnd: tgtDate("2026-10-31")}},
			"when the return for the period from 1 November 2026 is accepted"},
		// A trigger that recorded its return's period end needs no return
		// at hand to name the period by its months; one recorded before
		// it was kept (no end) reads as before.
		{"recorded period end", recorded, domain.TriggerWords{Project: "North IPS"},
			"when North IPS's return for November 2026 is accepted"},
		{"recorded quarter", quarter, domain.TriggerWords{Project: "Leeds internships"},
			"when Leeds internships' return for January to March 2026 is accepted"},
		{"recorded period end, project not known", recorded, domain.TriggerWords{},
			"when the return for November 2026 is accepted"},
		{"recorded end before the start", domain.Trigger{Kind: domain.TriggerReturn, ReturnID: rid, PeriodEnd: tgtDate("2026-10-31")}, domain.TriggerWords{},
			"when the return for the period from 1 November 2026 is accepted"},
		{"project's target", full, domain.TriggerWords{Target: &projectTarget, Project: "North IPS"},
			"when 100% of North IPS's target of 20 referrals is reached"},
		{"project's target, project not known", full, domain.TriggerWords{Target: &projectTarget},
			"when 100% of the target of 20 referrals is reached"},
		{"programme's target", wide, domain.TriggerWords{Target: &wideTarget, Project: "ignored"},
			"when 50% of the programme's target of 10 people into work is reached"},
		{"target not at hand", wide, domain.TriggerWords{},
			"when 50% of target t2 is reached"},
	} {
		if got := c.t.Describe(domain.Date{}, c.w); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
	if got := onReturn.ProjectID(nil); got != north {
		t.Errorf("a return trigger's project %q, want %q", got, north)
	}
	if got := full.ProjectID(&projectTarget); got != north {
		t.Errorf("a project target's trigger's project %q, want %q", got, north)
	}
	if got := wide.ProjectID(&wideTarget); got != "" {
		t.Errorf("a programme target's trigger's project %q, want none", got)
	}
	if got := full.ProjectID(&wideTarget); got != "" {
		t.Errorf("another target's project %q, want none", got)
	}
}

// TestTriggerReleased: what released a payment, in a few words for its
// email's subject, which names the email's project in its brackets: that
// project's return or target is "the" return or target; another project's
// is named; a programme's target is the programme's; a date is its date.
// Two payments of one grant and amount released differently read apart.
func TestTriggerReleased(t *testing.T) {
	t.Parallel()
	s, north, south := "01hq3v7k8m9n0p1q2r3s4t5v6w", "01hq3v7k8m9n0p1q2r3s4t5v6x", "01hq3v7k8m9n0p1q2r3s4t5v6y"
	quarter := domain.Trigger{Kind: domain.TriggerReturn, ReturnID: domain.ReturnID(s, north, tgtDate("2026-01-01")), PeriodEnd: tgtDate("2026-03-31")}
	unrecorded := domain.Trigger{Kind: domain.TriggerReturn, ReturnID: domain.ReturnID(s, north, tgtDate("2026-01-01"))}
	projectTarget := domain.Target{ID: "t1", ProjectID: north, Value: 10, Metric: domain.MetricPeopleIntoWork}
	wideTarget := domain.Target{ID: "t2", Value: 20, Metric: domain.MetricReferrals}
	half := domain.Trigger{Kind: domain.TriggerMilestone, TargetID: "t1", Threshold: 50}
	wide := domain.Trigger{Kind: domain.TriggerMilestone, TargetID: "t2", Threshold: 100}
	dated := domain.Trigger{Kind: domain.TriggerDate}
	for _, c := range []struct {
		name  string
		t     domain.Trigger
		w     domain.TriggerWords
		about string
		want  string
	}{
		{"a date", dated, domain.TriggerWords{}, north, "on 1 April 2026"},
		{"the email's project's return", quarter, domain.TriggerWords{Project: "North IPS"}, north,
			"on the return for January to March 2026"},
		{"another project's return", quarter, domain.TriggerWords{Project: "North IPS"}, south,
			"on North IPS's return for January to March 2026"},
		{"a return with no period end recorded", unrecorded, domain.TriggerWords{Project: "North IPS"}, north,
			"on the return for the period from 1 January 2026"},
		{"the email's project's target", half, domain.TriggerWords{Target: &projectTarget, Project: "North IPS"}, north,
			"at 50% of the target of 10 people into work"},
		{"another project's target", half, domain.TriggerWords{Target: &projectTarget, Project: "Leeds internships"}, south,
			"at 50% of Leeds internships' target of 10 people into work"},
		{"the programme's target, about a project", wide, domain.TriggerWords{Target: &wideTarget}, north,
			"at 100% of the programme's target of 20 referrals"},
		{"the programme's target, about no project", wide, domain.TriggerWords{Target: &wideTarget}, "",
			"at 100% of the programme's target of 20 referrals"},
	} {
		if got := c.t.Released(tgtDate("2026-04-01"), c.w, c.about); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
	note := func(released string) domain.Notification {
		return domain.Notification{Kind: domain.KindPaymentDue, AmountPence: 20_000_00, GrantTitle: "Leicester posts", Released: released}
	}
	onReturn := note(quarter.Released(domain.Date{}, domain.TriggerWords{Project: "North IPS"}, north)).Headline("North IPS, Money Network")
	onTarget := note(half.Released(domain.Date{}, domain.TriggerWords{Target: &projectTarget}, north)).Headline("North IPS, Money Network")
	if want := "Payment due: £20,000.00 for Leicester posts, on the return for January to March 2026 (North IPS, Money Network)"; onReturn != want {
		t.Errorf("the return payment's subject %q, want %q", onReturn, want)
	}
	if want := "Payment due: £20,000.00 for Leicester posts, at 50% of the target of 10 people into work (North IPS, Money Network)"; onTarget != want {
		t.Errorf("the milestone payment's subject %q, want %q", onTarget, want)
	}
	// One recorded before subjects said what released it reads as it did.
	if got := note("").Headline("Money Network"); got != "Payment due: £20,000.00 for Leicester posts (Money Network)" {
		t.Errorf("a notification with nothing recorded: %q", got)
	}
}

// TestSpendReportedAlready: a new spend return may not share a day with a
// return that still counts (one no correction replaced); a correction is
// held to none its own return already shared days with.
func TestSpendReportedAlready(t *testing.T) {
	t.Parallel()
	ret := func(id, from, to, replaces string) domain.SpendReturn {
		return domain.SpendReturn{ID: id, PeriodStart: tgtDate(from), PeriodEnd: tgtDate(to), Replaces: replaces}
	}
	q2 := ret("q2", "2025-04-01", "2025-06-30", "")
	old := ret("old", "2025-07-01", "2025-09-30", "")
	fix := ret("fix", "2025-07-01", "2025-09-30", "old")
	may := ret("may", "2025-05-01", "2025-05-31", "") // a second return for May, stored before the rule
	stored := []domain.SpendReturn{q2, old, fix, may}
	for _, c := range []struct {
		name, from, to, replaces string
		want                     string // the return named; "" none
	}{
		{"a day before the first", "2025-03-01", "2025-03-31", "", ""},
		{"the first's first day", "2025-03-01", "2025-04-01", "", "q2"},
		{"inside the first", "2025-05-10", "2025-05-20", "", "q2"},
		{"the last day of the first and past it", "2025-06-30", "2025-07-01", "", "q2"},
		{"a replaced return's days count by its correction", "2025-08-01", "2025-08-31", "", "fix"},
		{"after every return", "2025-10-01", "2025-12-31", "", ""},
		{"a correction of its own days", "2025-07-01", "2025-09-30", "fix", ""},
		{"a correction of days two returns counted already", "2025-05-01", "2025-05-31", "may", ""},
		{"the other of them", "2025-04-01", "2025-06-30", "q2", ""},
	} {
		in := domain.SpendInput{PeriodStart: tgtDate(c.from), PeriodEnd: tgtDate(c.to), Replaces: c.replaces}
		got, ok := in.ReportedAlready(stored)
		if ok != (c.want != "") || got.ID != c.want {
			t.Errorf("%s: %q %v, want %q", c.name, got.ID, ok, c.want)
		}
	}
	if _, ok := (domain.SpendInput{}).ReportedAlready(stored); ok {
		t.Error("a return with no period (Validate's) was found overlapping")
	}
}

// TestSpendInput names every bad field of a spend return and checks it
// against its grant.
func TestSpendInput(t *testing.T) {
	t.Parallel()
	ok := domain.SpendInput{PeriodStart: tgtDate("2025-04-01"), PeriodEnd: tgtDate("2025-06-30"),
		Lines: []domain.BudgetLine{line("staff", 12_500_00), line("travel", 0)}}
	with := func(f func(*domain.SpendInput)) domain.SpendInput {
		in := ok
		in.Lines = slices.Clone(ok.Lines)
		f(&in)
		return in
	}
	cases := []struct {
		name   string
		in     domain.SpendInput
		fields []string
	}{
		{"a quarter", ok, nil},
		{"no lines", with(func(in *domain.SpendInput) { in.Lines = nil }), []string{"lines"}},
		{"a negative line", with(func(in *domain.SpendInput) { in.Lines[1].AmountPence = -1 }), []string{"lines[1].amountPence"}},
		{"an unknown category", with(func(in *domain.SpendInput) { in.Lines[0].Category = "wages" }), []string{"lines[0].category"}},
		{"a category twice", with(func(in *domain.SpendInput) { in.Lines[1].Category = "staff" }), []string{"lines[1].category"}},
		{"an end before the start", with(func(in *domain.SpendInput) { in.PeriodEnd = tgtDate("2025-03-31") }), []string{"periodEnd"}},
		{"over a year", with(func(in *domain.SpendInput) { in.PeriodEnd = tgtDate("2026-04-02") }), []string{"periodEnd"}},
		{"no period", with(func(in *domain.SpendInput) { in.PeriodStart, in.PeriodEnd = domain.Date{}, domain.Date{} }),
			[]string{"periodEnd", "periodStart"}},
		{"a bad replaces", with(func(in *domain.SpendInput) { in.Replaces = "nope" }), []string{"replaces"}},
		{"notes with a control character", with(func(in *domain.SpendInput) { in.Notes = "a\x00b" }), []string{"notes"}},
	}
	for _, c := range cases {
		if got := fieldsOf(t, c.in.Validate()); !slices.Equal(got, c.fields) {
			t.Errorf("%s: names %v, want %v (%v)", c.name, got, c.fields, c.in.Validate())
		}
	}
	if domain.CheckText(with(func(in *domain.SpendInput) { in.Notes = "Mentor for NHS 943 476 5919" })) == nil {
		t.Error("an NHS number in a spend return's notes passed the personal-data guard")
	}

	g := domain.Grant{StartDate: tgtDate("2025-01-01"), EndDate: tgtDate("2025-12-31"),
		Budget: []domain.BudgetLine{line("staff", 100), line("travel", 100)}}
	if err := ok.CheckGrant(g); err != nil {
		t.Errorf("a return inside its grant: %v", err)
	}
	outside := with(func(in *domain.SpendInput) {
		in.PeriodStart, in.PeriodEnd = tgtDate("2024-12-01"), tgtDate("2026-01-31")
		in.Lines = append(in.Lines, line("equipment", 5))
	})
	if got := fieldsOf(t, outside.CheckGrant(g)); !slices.Equal(got, []string{"lines[2].category", "periodEnd", "periodStart"}) {
		t.Errorf("a return outside its grant names %v", got)
	}
	g.Budget = nil
	if err := with(func(in *domain.SpendInput) { in.Lines = append(in.Lines, line("equipment", 5)) }).CheckGrant(g); err != nil {
		t.Errorf("a grant without a budget refused a category: %v", err)
	}

	s := domain.SpendReturn{Lines: []domain.BudgetLine{line("staff", 700), line("travel", 50)}}
	want := domain.MoneyDelta{Spent: -750, SpentBy: map[domain.BudgetCategory]int64{"staff": -700, "travel": -50}}
	if got := domain.SpendDelta(s, -1); !reflect.DeepEqual(got, want) {
		t.Errorf("taking a return back: %+v, want %+v", got, want)
	}
	if got := domain.SpendDelta(s, 1).Add(domain.SpendDelta(s, -1)); !got.IsZero() {
		t.Errorf("a return and its removal add up to %+v", got)
	}
}

// TestGrantDatesKeepSpend: a grant's dates may not narrow past a spend
// return that counts; each refusal names the date the field may move to.
// A return replaced by a correction no longer counts: its correction's
// period does (the same, since corrections keep their period; q3 here is
// one recorded before that rule). Dates that widen or stay are taken.
func TestGrantDatesKeepSpend(t *testing.T) {
	t.Parallel()
	before := domain.Grant{StartDate: tgtDate("2025-01-01"), EndDate: tgtDate("2026-12-31")}
	spend := []domain.SpendReturn{
		{ID: "q2", PeriodStart: tgtDate("2025-04-01"), PeriodEnd: tgtDate("2025-06-30")},
		{ID: "q3", PeriodStart: tgtDate("2025-07-01"), PeriodEnd: tgtDate("2025-12-31")},
		{ID: "q3b", PeriodStart: tgtDate("2025-07-01"), PeriodEnd: tgtDate("2025-09-30"), Replaces: "q3"},
	}
	dates := func(start, end string) domain.GrantInput {
		return domain.GrantInput{StartDate: tgtDate(start), EndDate: tgtDate(end)}
	}
	for _, c := range []struct {
		name   string
		in     domain.GrantInput
		spend  []domain.SpendReturn
		fields map[string]string
	}{
		{"narrowed to the spend exactly", dates("2025-04-01", "2025-09-30"), spend, nil},
		{"widened", dates("2024-01-01", "2027-12-31"), spend, nil},
		{"no spend", dates("2025-12-01", "2025-12-31"), nil, nil},
		{"the start past the earliest return", dates("2025-04-02", "2026-12-31"), spend,
			map[string]string{"startDate": "must not be after 2025-04-01"}},
		{"the end before the latest return", dates("2025-01-01", "2025-09-29"), spend,
			map[string]string{"endDate": "must not be before 2025-09-30"}},
		{"both", dates("2025-05-01", "2025-05-31"), spend,
			map[string]string{"startDate": "must not be after 2025-04-01", "endDate": "must not be before 2025-09-30"}},
		{"only the correction counts", dates("2025-07-01", "2025-09-30"), spend[1:], nil},
	} {
		err := c.in.CheckSpend(before, c.spend)
		got := fieldsOf(t, err)
		if len(got) != len(c.fields) {
			t.Errorf("%s: %v, want fields %v", c.name, err, c.fields)
			continue
		}
		var de *domain.Error
		errors.As(err, &de)
		for f, want := range c.fields {
			if de == nil || !strings.HasPrefix(de.Fields[f], want) || !strings.Contains(de.Fields[f], "spend return") {
				t.Errorf("%s: %s says %q, want it to start %q and name the spend return", c.name, f, de.Fields[f], want)
			}
		}
	}
}

// TestProjectedSpend: a straight line from the grant's start through spend
// to date, to its end; "to date" is today clamped to the grant's period,
// whole days, both ends included.
func TestProjectedSpend(t *testing.T) {
	t.Parallel()
	// 2025 is 365 days.
	start, end := tgtDate("2025-01-01"), tgtDate("2025-12-31")
	cases := []struct {
		name  string
		spent int64
		today string
		want  int64
	}{
		{"before the grant starts: spend as it is", 1000, "2024-12-31", 1000},
		{"on the first day, one day of 365", 10, "2025-01-01", 3650},
		{"a quarter of the way (73 of 365 days)", 25_000_00, "2025-03-14", 125_000_00},
		{"half way, rounded to the penny", 1, "2025-07-02", 2},            // 1 × 365 / 183 = 1.99
		{"halves round up", 1, "2025-01-02", 183},                         // 1 × 365 / 2 = 182.5
		{"on the last day: spend as it is", 98_765, "2025-12-31", 98_765}, // every day has passed
		{"after the end: spend as it is", 98_765, "2026-06-30", 98_765},
		{"nothing spent", 0, "2025-06-30", 0},
	}
	for _, c := range cases {
		if got := domain.ProjectedSpend(c.spent, start, end, tgtDate(c.today)); got != c.want {
			t.Errorf("%s: %d, want %d", c.name, got, c.want)
		}
	}
	// The largest amounts do not overflow.
	if got := domain.ProjectedSpend(domain.MaxAmountPence, tgtDate("1900-01-01"), tgtDate("2199-12-31"), tgtDate("1900-01-01")); got <= domain.MaxAmountPence {
		t.Errorf("the largest projection overflowed: %d", got)
	}
	if got := domain.ProjectedSpend(500, end, start, tgtDate("2025-06-01")); got != 500 {
		t.Errorf("a period that ends before it starts: %d", got)
	}
	// One spend return can hold six lines of MaxAmountPence, and a grant
	// can run 109,938 days (1900 to 2200): 2 × spent × days overflowed
	// int64, and the projection came out negative.
	first, last := tgtDate("1900-01-01"), tgtDate("2200-12-31")
	if got, want := domain.ProjectedSpend(6*domain.MaxAmountPence, first, last, tgtDate("1900-01-31")), int64(212_783_225_806_451_613); got != want {
		t.Errorf("six lines at the maximum, 31 days into the longest grant: %d, want %d", got, want)
	}
	if got, want := domain.ProjectedSpend(6*domain.MaxAmountPence, first, last, tgtDate("2026-03-31")), int64(143_052_200_125_783); got != want {
		t.Errorf("six lines at the maximum, 46,111 days into the longest grant: %d, want %d", got, want)
	}
	// Many such returns project past what an int64 holds: the most it does.
	if got := domain.ProjectedSpend(1_000*6*domain.MaxAmountPence, first, last, first); got != math.MaxInt64 {
		t.Errorf("a projection past the int64 range: %d, want %d", got, int64(math.MaxInt64))
	}
}

// TestBuildMoney: the money of the grants given, their totals, and every
// penny spent on some line.
func TestBuildMoney(t *testing.T) {
	t.Parallel()
	a := domain.Grant{ID: "a", Title: "A", FunderID: "x", AmountPence: 1000, StartDate: tgtDate("2025-01-01"), EndDate: tgtDate("2025-12-31"),
		Budget: []domain.BudgetLine{line("staff", 800), line("travel", 200)}}
	b := domain.Grant{ID: "b", Title: "B", FunderID: "y", AmountPence: 500, StartDate: tgtDate("2025-01-01"), EndDate: tgtDate("2025-12-31")}
	figures := map[string]domain.GrantMoney{
		"a": {PaidPence: 400, DuePence: 100, SpentPence: 300, SpentBy: map[domain.BudgetCategory]int64{"staff": 250, "other": 50}},
		"b": {SpentPence: 20, SpentBy: map[domain.BudgetCategory]int64{"equipment": 20}},
		"c": {PaidPence: 999_999}, // a grant the caller may not read: not counted
	}
	m := domain.BuildMoney([]domain.Grant{a, b}, figures, tgtDate("2025-12-31"))
	if m.AwardedPence != 1500 || m.PaidPence != 400 || m.DuePence != 100 || m.SpentPence != 320 || len(m.ByGrant) != 2 {
		t.Errorf("totals: %+v", m)
	}
	wantA := []domain.BudgetSpend{{"staff", 800, 250, true}, {"travel", 200, 0, true}, {"other", 0, 50, false}}
	if !reflect.DeepEqual(m.ByGrant[0].Budget, wantA) {
		t.Errorf("A's budget against spend: %+v, want %+v", m.ByGrant[0].Budget, wantA)
	}
	if want := []domain.BudgetSpend{{"equipment", 0, 20, false}}; !reflect.DeepEqual(m.ByGrant[1].Budget, want) {
		t.Errorf("B's spend with no budget: %+v", m.ByGrant[1].Budget)
	}
	if raw, _ := json.Marshal(domain.BuildMoney(nil, nil, tgtDate("2025-01-01"))); !strings.Contains(string(raw), `"byGrant":[]`) {
		t.Errorf("no grants: %s", raw)
	}
	if c := domain.CostPerPersonSpent(1000, 3); c == nil || *c != 333 {
		t.Errorf("cost per person: %v", c)
	}
	if domain.CostPerPersonSpent(0, 3) != nil || domain.CostPerPersonSpent(10, 0) != nil {
		t.Error("a cost per person of nothing")
	}
}

func TestThousands(t *testing.T) {
	t.Parallel()
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 2500: "2,500", 1234567: "1,234,567", -123: "-123", -1234: "-1,234"} {
		if got := domain.Thousands(n); got != want {
			t.Errorf("Thousands(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestPounds(t *testing.T) {
	t.Parallel()
	for pence, want := range map[int64]string{0: "£0.00", 5: "£0.05", 123456: "£1,234.56", 100_000_000_00: "£100,000,000.00", 123456789: "£1,234,567.89", -150: "-£1.50"} {
		if got := domain.Pounds(pence); got != want {
			t.Errorf("Pounds(%d) = %q, want %q", pence, got, want)
		}
	}
}
