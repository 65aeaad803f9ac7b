package service_test

// The rules of money (the SPEC's "Money: payments and spend"): budgets add
// up, payments never add up to more than their grant, a payment's life,
// spend returns and their corrections, what progress shows of money and
// to whom, and the personal-data guard on references and notes.

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

func TestMoneyValidationNamesEveryBadField(t *testing.T) {
	w := newWorld(t)
	w.addReporting()
	noTarget, noSpend := domain.NewID(), domain.NewID()
	returnB := domain.ReturnID(w.Schedule, w.B, domain.MustDate("2025-04-01"))
	noReturn := domain.ReturnID(domain.NewID(), w.A, domain.MustDate("2025-04-01"))
	cases := []struct {
		name   string
		call   func() error
		fields []string
	}{
		{"a grant whose budget does not add up", func() error {
			in := grantBody(w.X, w.A, 100_00)
			in["budget"] = []map[string]any{{"category": "staff", "amountPence": 60_00}, {"category": "wages", "amountPence": 40_00}}
			_, err := w.open(lead).CreateGrant(body(in))
			return err
		}, []string{"budget[1].category"}},
		{"a grant whose budget is short", func() error {
			in := grantBody(w.X, w.A, 100_00)
			in["budget"] = []map[string]any{{"category": "staff", "amountPence": 60_00}}
			_, err := w.open(lead).CreateGrant(body(in))
			return err
		}, []string{"budget"}},
		{"a new amount that leaves the budget behind", func() error {
			_, err := w.open(lead).UpdateGrant(w.GXA, always, body(map[string]any{"amountPence": 40_000_00}))
			return err
		}, []string{"budget"}},
		{"a payment with every field wrong, its target too", func() error {
			_, err := w.open(lead).CreatePayment(w.GXA, body(map[string]any{"amountPence": -1, "reference": "a\nb",
				"trigger": map[string]any{"kind": "milestone", "targetId": noTarget, "threshold": 0}}))
			return err
		}, []string{"amountPence", "reference", "trigger.targetId", "trigger.threshold"}},
		{"a payment whose only fault is its target", func() error {
			_, err := w.open(lead).CreatePayment(w.GXA, body(map[string]any{"amountPence": 100,
				"trigger": map[string]any{"kind": "milestone", "targetId": noTarget, "threshold": 100}}))
			return err
		}, []string{"trigger.targetId"}},
		{"a payment on another project's return", func() error {
			_, err := w.open(lead).CreatePayment(w.GXA, body(map[string]any{"amountPence": 100,
				"trigger": map[string]any{"kind": "return", "returnId": returnB}}))
			return err
		}, []string{"trigger.returnId"}},
		{"a payment on a return not there, and no money", func() error {
			_, err := w.open(lead).CreatePayment(w.GX, body(map[string]any{"amountPence": 0,
				"trigger": map[string]any{"kind": "return", "returnId": noReturn}}))
			return err
		}, []string{"amountPence", "trigger.returnId"}},
		{"a payment whose only fault is its return", func() error {
			_, err := w.open(lead).CreatePayment(w.GX, body(map[string]any{"amountPence": 100,
				"trigger": map[string]any{"kind": "return", "returnId": noReturn}}))
			return err
		}, []string{"trigger.returnId"}},
		{"a dated payment without its date", func() error {
			_, err := w.open(lead).CreatePayment(w.GXA, body(map[string]any{"amountPence": 100, "trigger": map[string]any{"kind": "date"}}))
			return err
		}, []string{"dueDate"}},
		{"a payment without a trigger", func() error {
			_, err := w.open(lead).CreatePayment(w.GXA, body(map[string]any{"amountPence": 100, "dueDate": "2026-01-01"}))
			return err
		}, []string{"trigger"}},
		{"a payment of more than the grant", func() error {
			_, err := w.open(lead).CreatePayment(w.GXA, body(paymentBody(31_000_01, "2026-01-01")))
			return err
		}, []string{"amountPence"}},
		{"a payment paid without a date", func() error {
			_, err := w.open(lead).UpdatePayment(w.GXA, w.PayXA, always, body(map[string]any{"status": "paid"}))
			return err
		}, []string{"paidDate"}},
		{"a payment paid tomorrow", func() error {
			_, err := w.open(lead).UpdatePayment(w.GXA, w.PayXA, always, body(map[string]any{"status": "paid", "paidDate": "2026-01-16"}))
			return err
		}, []string{"paidDate"}},
		{"a payment paid before the grant was awarded", func() error {
			_, err := w.open(lead).UpdatePayment(w.GXA, w.PayXA, always, body(map[string]any{"status": "paid", "paidDate": "2024-12-31"}))
			return err
		}, []string{"paidDate"}},
		{"a payment paid in 1900", func() error {
			_, err := w.open(lead).UpdatePayment(w.GXA, w.PayXA, always, body(map[string]any{"status": "paid", "paidDate": "1900-01-01"}))
			return err
		}, []string{"paidDate"}},
		{"a payment made due by hand", func() error {
			_, err := w.open(lead).UpdatePayment(w.GXA, w.PayXA, always, body(map[string]any{"status": "due"}))
			return err
		}, []string{"status"}},
		{"a cancellation with a paid date", func() error {
			_, err := w.open(lead).UpdatePayment(w.GXA, w.PayXA, always, body(map[string]any{"status": "cancelled", "paidDate": "2026-01-01"}))
			return err
		}, []string{"paidDate"}},
		{"spend with every field wrong, outside its grant, correcting one not there", func() error {
			_, err := w.open(plOwn).SubmitSpend(w.GXA, body(map[string]any{"periodStart": "2024-10-01", "periodEnd": "2024-12-31",
				"replaces": noSpend, "notes": "x\x00", "lines": []map[string]any{{"category": "staff", "amountPence": -1},
					{"category": "equipment", "amountPence": 100}, {"category": "rent", "amountPence": 1}}}))
			return err
		}, []string{"periodStart", "replaces", "notes", "lines[0].amountPence", "lines[1].category", "lines[2].category"}},
		{"spend correcting one not there", func() error {
			in := spendBody(1, 1)
			in["replaces"] = noSpend
			_, err := w.open(plOwn).SubmitSpend(w.GXA, body(in))
			return err
		}, []string{"replaces"}},
		{"spend of more than the whole grant on one line", func() error {
			_, err := w.open(plOwn).SubmitSpend(w.GXA, body(spendBody(9_000_000_000_00, 1)))
			return err
		}, []string{"lines[0].amountPence"}},
		{"spend lines adding up to more than the whole grant", func() error {
			_, err := w.open(plOwn).SubmitSpend(w.GXA, body(spendBody(25_000_00, 6_000_01)))
			return err
		}, []string{"lines"}},
		{"spend of more than the whole grant, and outside it", func() error {
			in := spendBody(31_000_01, 0)
			in["periodStart"] = "2024-10-01"
			_, err := w.open(plOwn).SubmitSpend(w.GXA, body(in))
			return err
		}, []string{"periodStart", "lines[0].amountPence"}},
		{"spend with no lines", func() error {
			_, err := w.open(plOwn).SubmitSpend(w.GXA, body(map[string]any{"periodStart": "2025-04-01", "periodEnd": "2025-06-30"}))
			return err
		}, []string{"lines"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			wantFields(t, c.name, w.unchanged(c.call), c.fields...)
		})
	}
}

// TestPaymentsNeverExceedTheAward: a grant's payments that are not
// cancelled add up to its amount at most, however they are made, and a
// smaller amount must leave room for them.
func TestPaymentsNeverExceedTheAward(t *testing.T) {
	w := newWorld(t)
	sc := w.open(lead)
	// GXA awards £31,000 and has a £10,000 payment.
	rest := must(sc.CreatePayment(w.GXA, body(paymentBody(21_000_00, "2026-06-30"))))
	wantFields(t, "a penny more", w.unchanged(func() error {
		_, err := sc.CreatePayment(w.GXA, body(paymentBody(1, "2026-06-30")))
		return err
	}), "amountPence")
	must(sc.UpdatePayment(w.GXA, rest.ID, always, body(map[string]any{"status": "cancelled"})))
	must(sc.CreatePayment(w.GXA, body(paymentBody(20_000_00, "2026-06-30"))))

	// £30,000 is committed now: the grant cannot shrink below it.
	smaller := func(pence int64) error {
		_, err := sc.UpdateGrant(w.GXA, always, body(map[string]any{"amountPence": pence,
			"budget": []map[string]any{{"category": "staff", "amountPence": pence}}}))
		return err
	}
	de := wantCode(t, "shrinking below the payments", w.unchanged(func() error { return smaller(29_999_99) }), domain.CodeValidation)
	if de.Fields["amountPence"] == "" {
		t.Errorf("the refusal names %v, want amountPence", de.Fields)
	}
	if err := smaller(30_000_00); err != nil {
		t.Fatalf("shrinking to exactly the payments: %v", err)
	}
	wantFields(t, "after shrinking, a penny more", w.unchanged(func() error {
		_, err := sc.CreatePayment(w.GXA, body(paymentBody(1, "2026-06-30")))
		return err
	}), "amountPence")
	if err := smaller(40_000_00); err != nil {
		t.Fatal(err)
	}
	must(sc.CreatePayment(w.GXA, body(paymentBody(10_000_00, "2026-06-30"))))

	// Twenty requests at once for £5,000 each of GX's £50,000: ten get in.
	var wg sync.WaitGroup
	var mu sync.Mutex
	okN := 0
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := w.open(lead).CreatePayment(w.GX, body(paymentBody(5_000_00, "2026-06-30")))
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				okN++
			case domain.ErrorCode(err) != domain.CodeValidation: // over the award is the only refusal
				t.Errorf("a concurrent payment: %v", err)
			}
		}()
	}
	wg.Wait()
	ps := mustList(sc.ListPayments(w.GX, pageAll))
	var sum int64
	for _, p := range ps {
		sum += p.AmountPence
	}
	if okN != 10 || len(ps) != 10 || sum != 50_000_00 {
		t.Errorf("%d concurrent payments made (%d listed, £%d), want 10 adding up to the award", okN, len(ps), sum/100)
	}
}

var pageAll = service.Page{Limit: service.MaxLimit}

// TestPaymentLife: scheduled, due (by its trigger), paid or cancelled; a
// stale version changes nothing; what each step does to the figures.
// TestAwardDateNotAfterAPayment: a grant's award date may not move past a
// payment of it already made (a payment is never made before the award,
// the rule its paid date is checked by); earlier, or up to the day it was
// paid, it may. Refused, nothing is stored.
func TestAwardDateNotAfterAPayment(t *testing.T) {
	w := newWorld(t)
	must(w.open(lead).UpdatePayment(w.GXA, w.PayXA, always, body(map[string]any{"status": "paid", "paidDate": "2025-07-01"})))
	before := w.st.Snapshot()
	_, err := w.open(lead).UpdateGrant(w.GXA, always, body(map[string]any{"awardDate": "2025-07-02"}))
	wantFields(t, "an award date after the payment was made", err, "awardDate")
	if w.st.Snapshot() != before {
		t.Error("the refused change stored something")
	}
	for _, d := range []string{"2025-07-01", "2024-12-01"} {
		if g, err := w.open(lead).UpdateGrant(w.GXA, always, body(map[string]any{"awardDate": d})); err != nil || g.AwardDate.String() != d {
			t.Errorf("award date %s: %v %v", d, g.AwardDate, err)
		}
	}
	// A grant with no payment made may move its award date as it likes.
	if _, err := w.open(lead).UpdateGrant(w.GX, always, body(map[string]any{"awardDate": "2025-12-01"})); err != nil {
		t.Errorf("a grant with no payment made: %v", err)
	}
}

func TestPaymentLife(t *testing.T) {
	w := newWorld(t)
	sc := w.open(lead)
	wantCode(t, "paid on a stale version", w.unchanged(func() error {
		_, err := sc.UpdatePayment(w.GXA, w.PayXA, version(7), body(map[string]any{"status": "paid", "paidDate": "2026-01-10"}))
		return err
	}), domain.CodePreconditionFailed)

	// A milestone payment falls due (as the notifier makes it) and stays
	// due whatever the figures do; then it is paid.
	ms := must(sc.CreatePayment(w.GXA, body(map[string]any{"amountPence": 3_000_00,
		"trigger": map[string]any{"kind": "milestone", "targetId": w.TargetA, "threshold": 50}})))
	if ms.DueDate != nil || ms.Status != domain.PaymentScheduled {
		t.Errorf("a new milestone payment: %+v", ms)
	}
	if n := w.st.Waiting(w.P); n != 1 {
		t.Errorf("%d payments waiting on a target, want 1", n)
	}
	if _, dirty := w.st.Changes(w.P); !dirty {
		t.Error("a payment on a target did not mark the programme's figures changed for the notifier")
	}
	g := must(sc.Grant(w.GXA))
	due, _ := ms.FallDue(domain.DateOf(clock), clock)
	note := domain.Notification{ID: domain.PaymentNotificationID(ms.ID), Kind: domain.KindPaymentDue, ProgrammeID: w.P,
		PaymentID: ms.ID, Status: domain.NotificationPending, FunderIDs: []string{w.X}, Recipients: contactsX, CreatedAt: clock}
	ev := domain.NewAuditEvent(caller(admin), w.P, domain.EntityPayment, ms.ID, domain.ActionChange, ms, due, clock)
	if ok, err := w.st.FallDue(w.ctx, w.P, g, ms, due, note, ev, nil); !ok || err != nil {
		t.Fatalf("falling due: %v %v", ok, err)
	}
	if ok, err := w.st.FallDue(w.ctx, w.P, g, ms, due, note, ev, nil); ok || err != nil {
		t.Errorf("fell due twice: %v %v", ok, err)
	}
	money := must(sc.Progress()).Money
	if money.DuePence != 3_000_00 || money.PaidPence != 0 || w.st.Waiting(w.P) != 0 {
		t.Errorf("once due: due %d, paid %d, waiting %d", money.DuePence, money.PaidPence, w.st.Waiting(w.P))
	}
	paid := must(sc.UpdatePayment(w.GXA, ms.ID, version(2), body(map[string]any{"status": "paid", "paidDate": "2026-01-14", "reference": "BACS 0042"})))
	if paid.Status != domain.PaymentPaid || paid.DueSince != domain.DateOf(clock) || paid.Reference != "BACS 0042" || paid.Version != 3 {
		t.Errorf("paid: %+v", paid)
	}
	money = must(sc.Progress()).Money
	if money.DuePence != 0 || money.PaidPence != 3_000_00 || money.AwardedPence != 101_000_00 {
		t.Errorf("once paid: %+v", money)
	}
	wantCode(t, "cancelling a paid payment", w.unchanged(func() error {
		_, err := sc.UpdatePayment(w.GXA, ms.ID, always, body(map[string]any{"status": "cancelled"}))
		return err
	}), domain.CodeConflict)
	// Correcting the paid date of a paid payment moves no figure.
	must(sc.UpdatePayment(w.GXA, ms.ID, always, body(map[string]any{"status": "paid", "paidDate": "2026-01-13"})))
	if m := must(sc.Progress()).Money; m.PaidPence != 3_000_00 {
		t.Errorf("paid after a corrected date: %d", m.PaidPence)
	}

	// Paying a scheduled payment early: it never falls due.
	early := must(sc.UpdatePayment(w.GXA, w.PayXA, always, body(map[string]any{"status": "paid", "paidDate": "2025-06-01"})))
	if early.DueSince != (domain.Date{}) {
		t.Errorf("paid early: %+v", early)
	}
	if m := must(sc.Progress()).Money; m.PaidPence != 13_000_00 || m.DuePence != 0 {
		t.Errorf("after paying early: %+v", m)
	}
	cancelled := must(sc.CreatePayment(w.GX, body(paymentBody(1_00, "2026-02-01"))))
	must(sc.UpdatePayment(w.GX, cancelled.ID, version(1), body(map[string]any{"status": "cancelled"})))
	wantCode(t, "paying a cancelled payment", w.unchanged(func() error {
		_, err := sc.UpdatePayment(w.GX, cancelled.ID, always, body(map[string]any{"status": "paid", "paidDate": "2026-01-01"}))
		return err
	}), domain.CodeConflict)
	// Another grant's payment is not found under this one.
	wantCode(t, "a payment under another grant", func() error { _, err := sc.Payment(w.GYB, ms.ID); return err }(), domain.CodeNotFound)
}

// TestReturnPaymentRecordsItsPeriod: a payment on a return records the
// return's period end from the return itself, so pages name the period
// by its months without reading the return; a client cannot set it, and
// a payment on another trigger has none.
func TestReturnPaymentRecordsItsPeriod(t *testing.T) {
	w := newWorld(t)
	w.addReporting()
	sc := w.open(lead)
	onReturn := map[string]any{"amountPence": 1_000_00, "trigger": map[string]any{"kind": "return", "returnId": w.ReturnA}}
	p := must(sc.CreatePayment(w.GXA, body(onReturn)))
	if want := domain.MustDate("2025-06-30"); p.Trigger.PeriodEnd != want {
		t.Errorf("the payment's trigger records the period end %v, want %v", p.Trigger.PeriodEnd, want)
	}
	stored := must(sc.Payment(w.GXA, p.ID))
	if stored.Trigger != p.Trigger {
		t.Errorf("stored trigger %+v, answered %+v", stored.Trigger, p.Trigger)
	}
	if got := stored.Trigger.Describe(stored.Due(), domain.TriggerWords{}); got != "when the return for April to June 2025 is accepted" {
		t.Errorf("described as %q", got)
	}
	// The history records it too: the audit page names the period from it.
	events, _, err := sc.History(domain.RecordRef{Entity: domain.EntityPayment, GrantID: w.GXA, ID: p.ID}, service.Page{Limit: 10})
	if err != nil || len(events) != 1 {
		t.Fatalf("history: %v %v", events, err)
	}
	if tr, _ := events[0].Changes["trigger"].After.(map[string]any); tr["periodEnd"] != "2025-06-30" {
		t.Errorf("the history records the trigger %v", events[0].Changes["trigger"].After)
	}

	dated := must(sc.CreatePayment(w.GXA, body(paymentBody(1_00, "2026-02-01"))))
	if !dated.Trigger.PeriodEnd.IsZero() {
		t.Errorf("a dated payment records a period end: %+v", dated.Trigger)
	}

	// A client's period end, even the right one, is refused and nothing
	// is stored: fundtrack takes it from the return.
	for _, end := range []string{"2025-06-30", "2030-12-31"} {
		in := map[string]any{"amountPence": 1_000_00, "trigger": map[string]any{"kind": "return", "returnId": w.ReturnA, "periodEnd": end}}
		wantFields(t, "a period end sent by the client: "+end, w.unchanged(func() error {
			_, err := sc.CreatePayment(w.GXA, body(in))
			return err
		}), "trigger.periodEnd")
	}
}

// TestSpendCorrections: a correction counts instead of what it corrects;
// a second correction of one return is refused, naming the first.
func TestSpendCorrections(t *testing.T) {
	w := newWorld(t)
	pl := w.open(plOwn)
	spent := func() domain.GrantMoneyProgress {
		t.Helper()
		for _, g := range must(w.open(lead).Progress()).Money.ByGrant {
			if g.GrantID == w.GXA {
				return g
			}
		}
		t.Fatal("no money for GXA")
		return domain.GrantMoneyProgress{}
	}
	if g := spent(); g.SpentPence != 5_300_00 || g.Budget[0].SpentPence != 5_000_00 || g.Budget[1].SpentPence != 300_00 {
		t.Errorf("before the correction: %+v", g)
	}
	in := spendBody(4_000_00, 350_00)
	in["replaces"] = w.SpendXA
	fix := must(pl.SubmitSpend(w.GXA, body(in)))
	if fix.TotalPence != 4_350_00 || fix.SubmittedBy != emails[plOwn] || fix.Replaces != w.SpendXA {
		t.Errorf("the correction: %+v", fix)
	}
	if g := spent(); g.SpentPence != 4_350_00 || g.Budget[0].SpentPence != 4_000_00 || g.Budget[1].SpentPence != 350_00 {
		t.Errorf("after the correction: %+v", g)
	}
	in["lines"] = []map[string]any{{"category": "staff", "amountPence": 1}}
	err := w.unchanged(func() error { _, err := pl.SubmitSpend(w.GXA, body(in)); return err })
	de := wantCode(t, "a second correction of the same return", err, domain.CodeConflict)
	if de.Related == nil || de.Related.ID != fix.ID || de.Related.GrantID != w.GXA || !strings.Contains(de.Message, "spend return") {
		t.Errorf("the refusal points to %+v (%s), want the correction %s", de.Related, de.Message, fix.ID)
	}
	// Correcting the correction is fine.
	in["replaces"] = fix.ID
	fix2 := must(pl.SubmitSpend(w.GXA, body(in)))
	if g := spent(); g.SpentPence != 1 {
		t.Errorf("after correcting the correction: %d", g.SpentPence)
	}
	// Correcting any older one again points to the newest, which can be
	// corrected, not to the next one, which cannot.
	for _, older := range []string{w.SpendXA, fix.ID} {
		in["replaces"] = older
		err := w.unchanged(func() error { _, err := pl.SubmitSpend(w.GXA, body(in)); return err })
		de := wantCode(t, "correcting "+older+" again", err, domain.CodeConflict)
		if de.Related == nil || de.Related.ID != fix2.ID || !strings.Contains(de.Message, fix2.ID) {
			t.Errorf("correcting %s again points to %+v (%s), want the newest %s", older, de.Related, de.Message, fix2.ID)
		}
	}
	if n := len(mustList(pl.ListSpend(w.GXA, pageAll))); n != 3 {
		t.Errorf("%d spend returns listed, want all 3", n)
	}
}

// TestSpendForAPeriodBegun: spend is reported for a period that has begun
// (the world's today is 15 January 2026), as outcome figures are: a
// quarter not begun is refused beside its start and nothing is stored;
// the quarter running today is accepted.
func TestSpendForAPeriodBegun(t *testing.T) {
	w := newWorld(t)
	in := spendBody(1_000_00, 0)
	in["periodStart"], in["periodEnd"] = "2026-04-01", "2026-06-30"
	err := w.unchanged(func() error { _, err := w.open(plOwn).SubmitSpend(w.GXA, body(in)); return err })
	wantFields(t, "spend for a quarter not begun", err, "periodStart")
	if de := wantCode(t, "spend for a quarter not begun", err, domain.CodeValidation); !strings.Contains(de.Fields["periodStart"], "once it has begun") {
		t.Errorf("the refusal says %q", de.Fields["periodStart"])
	}
	in["periodStart"], in["periodEnd"] = "2026-01-01", "2026-03-31"
	must(w.open(plOwn).SubmitSpend(w.GXA, body(in)))
}

// TestSpendUpToTheWholeGrant: one return may report the grant's whole
// amount (a grant spent in one period), and returns together (of other
// periods than the world's, April to June 2025) may go over it.
func TestSpendUpToTheWholeGrant(t *testing.T) {
	w := newWorld(t)
	for _, q := range [][2]string{{"2025-07-01", "2025-09-30"}, {"2025-10-01", "2025-12-31"}} {
		in := spendBody(25_000_00, 6_000_00)
		in["periodStart"], in["periodEnd"] = q[0], q[1]
		must(w.open(plOwn).SubmitSpend(w.GXA, body(in)))
	}
	for _, g := range must(w.open(lead).Progress()).Money.ByGrant {
		if g.GrantID == w.GXA && g.SpentPence != 5_300_00+2*31_000_00 {
			t.Errorf("GXA spent %d", g.SpentPence)
		}
	}
}

// TestMoneyInProgress: money figures per grant, the projection, and the
// cost per person into work on spend.
func TestMoneyInProgress(t *testing.T) {
	w := newWorld(t)
	pr := must(w.open(lead).Progress())
	m := pr.Money
	if m.AwardedPence != 101_000_00 || m.SpentPence != 5_300_00 || m.PaidPence != 0 || m.DuePence != 0 || len(m.ByGrant) != 3 {
		t.Errorf("money: %+v", m)
	}
	var gxa domain.GrantMoneyProgress
	for _, g := range m.ByGrant {
		if g.GrantID == w.GXA {
			gxa = g
		}
	}
	// GXA runs 2025-01-01 to 2026-12-31 (730 days); on 2026-01-15, 380
	// days have passed: £5,300 × 730 ÷ 380 = £10,181.578… → £10,181.58.
	if gxa.GrantID != w.GXA || gxa.ProjectedSpendPence != 10_181_58 {
		t.Errorf("GXA: %+v", gxa)
	}
	if want := []domain.BudgetSpend{{Category: "staff", AmountPence: 25_000_00, SpentPence: 5_000_00, Budgeted: true},
		{Category: "travel", AmountPence: 6_000_00, SpentPence: 300_00, Budgeted: true}}; !sameJSON(gxa.Budget, want) {
		t.Errorf("GXA's budget against spend: %+v", gxa.Budget)
	}
	// 2 people into work (the world's one submission): £5,300 ÷ 2.
	if c := pr.CostPerPersonIntoWorkSpentPence; c == nil || *c != 2_650_00 {
		t.Errorf("cost per person into work on spend: %v", c)
	}
	if c := pr.CostPerPersonIntoWorkPence; c == nil || *c != 101_000_00/2 {
		t.Errorf("cost per person into work on awards: %v", c)
	}
	// A funder sees its own grants' money only: X funds GXA and GX.
	fm := must(w.open(funderOwn).Progress()).Money
	if fm.AwardedPence != 81_000_00 || fm.SpentPence != 5_300_00 || len(fm.ByGrant) != 2 {
		t.Errorf("funder X's money: %+v", fm)
	}
	if pm := must(w.open(plOther).Progress()).Money; pm.AwardedPence != 20_000_00 || pm.SpentPence != 0 {
		t.Errorf("B's project lead's money: %+v", pm)
	}
}

// TestPersonalDataInMoney: references and notes go through the guard.
func TestPersonalDataInMoney(t *testing.T) {
	w := newWorld(t)
	cases := []struct {
		name  string
		call  func() error
		field string
	}{
		{"a payment's reference", func() error {
			in := paymentBody(100, "2026-01-01")
			in["reference"] = "remit to jo.bloggs@example.com"
			_, err := w.open(lead).CreatePayment(w.GXA, body(in))
			return err
		}, "reference"},
		{"a paid payment's reference", func() error {
			_, err := w.open(lead).UpdatePayment(w.GXA, w.PayXA, always, body(map[string]any{"status": "paid", "paidDate": "2026-01-01",
				"reference": "ring 07700 900 123"}))
			return err
		}, "reference"},
		{"a spend return's notes", func() error {
			in := spendBody(100, 0)
			in["notes"] = "travel for 943 476 5919"
			_, err := w.open(plOwn).SubmitSpend(w.GXA, body(in))
			return err
		}, "notes"},
	}
	for _, c := range cases {
		de := wantCode(t, c.name, w.unchanged(c.call), domain.CodePersonalData)
		if de.Fields[c.field] == "" {
			t.Errorf("%s: names %v, want %s", c.name, de.Fields, c.field)
		}
	}
}

// TestGrantKeepsItsPostsProject: a grant paying posts of a project cannot
// move to another project (400 naming projectId, saying which posts), as
// a post could not have been given another project's grant; a grant no
// other project's post is paid from moves freely.
func TestGrantKeepsItsPostsProject(t *testing.T) {
	w := newWorld(t)
	sc := w.open(lead)
	err := w.unchanged(func() error {
		_, err := sc.UpdateGrant(w.GXA, always, body(map[string]any{"projectId": w.B}))
		return err
	})
	wantFields(t, "moving project A's grant to B while it pays A's post", err, "projectId")
	if msg := wantCode(t, "moving", err, domain.CodeValidation).Fields["projectId"]; !strings.Contains(msg, "Bradford IPS (Employment specialist)") {
		t.Errorf("the refusal does not say which posts: %q", msg)
	}

	// A programme-wide grant pays posts of any project: it may become
	// the grant of the project its posts are in, not of another.
	postB := must(w.svc.OpenProject(w.ctx, caller(lead), w.P, w.B).CreatePost(body(postBody(w.GX))))
	err = w.unchanged(func() error {
		_, err := sc.UpdateGrant(w.GX, always, body(map[string]any{"projectId": w.A}))
		return err
	})
	wantFields(t, "giving the programme's grant to A while it pays B's post", err, "projectId")
	if msg := wantCode(t, "giving", err, domain.CodeValidation).Fields["projectId"]; !strings.Contains(msg, "Leeds IPS ("+postB.Title+")") {
		t.Errorf("the refusal does not say which posts: %q", msg)
	}
	if g, err := sc.UpdateGrant(w.GX, always, body(map[string]any{"projectId": w.B})); err != nil || g.ProjectID != w.B {
		t.Errorf("giving the programme's grant to the project of its posts: %v %v", g.ProjectID, err)
	}
	// Widening to the programme as a whole never strands a post; a grant
	// that pays no post moves where it likes.
	if g, err := sc.UpdateGrant(w.GXA, always, body(map[string]any{"projectId": ""})); err != nil || g.ProjectID != "" {
		t.Errorf("widening A's grant to the programme: %v %v", g.ProjectID, err)
	}
	if g, err := sc.UpdateGrant(w.GYB, always, body(map[string]any{"projectId": w.A})); err != nil || g.ProjectID != w.A {
		t.Errorf("moving a grant that pays no post: %v %v", g.ProjectID, err)
	}
}

// spendIn is a spend return of £1 of staff for the period from to to.
func spendIn(from, to string) map[string]any {
	return map[string]any{"periodStart": from, "periodEnd": to, "lines": []map[string]any{{"category": "staff", "amountPence": 1_00}}}
}

// TestSpendForDaysAlreadyReported: a new spend return for any day a return
// of the grant that still counts reports (the world's, April to June 2025)
// is refused as a conflict naming that return and its period, and stores
// nothing: the same money would count twice. The days next to it, another
// grant's returns and corrections are not refused; once a return is
// corrected, the refusal names the correction, which is the one to correct.
func TestSpendForDaysAlreadyReported(t *testing.T) {
	w := newWorld(t)
	pl := w.open(plOwn)
	refused := func(what string, in map[string]any, by string, period string) {
		t.Helper()
		err := w.unchanged(func() error { _, err := pl.SubmitSpend(w.GXA, body(in)); return err })
		de := wantCode(t, what, err, domain.CodeConflict)
		if de.Related == nil || *de.Related != domain.GrantRef(domain.EntitySpend, w.GXA, by) {
			t.Errorf("%s: the refusal points to %+v, want the return %s", what, de.Related, by)
		}
		if !strings.Contains(de.Message, "spend for "+period+" is already reported") || !strings.Contains(de.Message, by) ||
			!strings.Contains(de.Message, "correct that return") {
			t.Errorf("%s: the refusal says %q", what, de.Message)
		}
		var sr *service.SpendReportedError
		if !errors.As(err, &sr) || sr.Reported.ID != by {
			t.Errorf("%s: the refusal's cause %v does not carry the return %s", what, err, by)
		}
	}
	refused("a month inside the quarter", spendIn("2025-05-01", "2025-05-31"), w.SpendXA, "April to June 2025")
	refused("the same quarter", spendIn("2025-04-01", "2025-06-30"), w.SpendXA, "April to June 2025")
	refused("the quarter's last day", spendIn("2025-06-30", "2025-07-31"), w.SpendXA, "April to June 2025")
	refused("a span over the quarter", spendIn("2025-01-01", "2025-12-31"), w.SpendXA, "April to June 2025")

	// The days either side, and the same days on another grant, are new.
	must(pl.SubmitSpend(w.GXA, body(spendIn("2025-07-01", "2025-07-31"))))
	march := must(pl.SubmitSpend(w.GXA, body(spendIn("2025-03-01", "2025-03-31"))))
	must(w.open(lead).SubmitSpend(w.GX, body(map[string]any{"periodStart": "2025-04-01", "periodEnd": "2025-06-30",
		"lines": []map[string]any{{"category": "equipment", "amountPence": 1_00}}})))
	// A span over several returns names the earliest.
	refused("a span over three returns", spendIn("2025-03-15", "2025-07-15"), march.ID, "March 2025")

	// A correction covers its own return's days; then the correction is
	// the return that counts there, and the one a refusal names.
	fix := spendBody(4_000_00, 300_00)
	fix["replaces"] = w.SpendXA
	fixed := must(pl.SubmitSpend(w.GXA, body(fix)))
	refused("a month of a corrected quarter", spendIn("2025-05-01", "2025-05-31"), fixed.ID, "April to June 2025")
	fix["replaces"] = fixed.ID
	must(pl.SubmitSpend(w.GXA, body(fix)))
}

// TestSpendReportedTwiceBeforeTheRuleCanBePutRight: two returns counting
// the same days, stored before the rule (written here past the service),
// can each still be corrected: a correction keeps its return's period, so
// the overlap is not its doing, and correcting one to £0 is how the money
// counted twice is taken out.
func TestSpendReportedTwiceBeforeTheRuleCanBePutRight(t *testing.T) {
	w := newWorld(t)
	may := domain.SpendReturn{ID: domain.NewID(), GrantID: w.GXA, PeriodStart: domain.MustDate("2025-05-01"), PeriodEnd: domain.MustDate("2025-05-31"),
		Lines: []domain.BudgetLine{{Category: domain.CategoryStaff, AmountPence: 1_000_00}}, TotalPence: 1_000_00, SubmittedAt: clock,
		SubmittedBy: emails[plOwn]}
	if err := w.st.CreateSpend(w.ctx, w.P, may, nil, 1, service.Change{Audit: domain.NewAuditEvent(caller(plOwn), w.P,
		domain.EntitySpend, may.ID, domain.ActionCreate, nil, may, clock)}); err != nil {
		t.Fatal(err)
	}
	pl := w.open(plOwn)
	spent := func() int64 {
		for _, g := range must(w.open(lead).Progress()).Money.ByGrant {
			if g.GrantID == w.GXA {
				return g.SpentPence
			}
		}
		return -1
	}
	if got := spent(); got != 6_300_00 {
		t.Fatalf("spent %d with the two returns, want 6,300.00", got)
	}
	zero := spendIn("2025-05-01", "2025-05-31")
	zero["lines"] = []map[string]any{{"category": "staff", "amountPence": 0}}
	zero["replaces"] = may.ID
	must(pl.SubmitSpend(w.GXA, body(zero)))
	quarter := spendBody(5_000_00, 400_00)
	quarter["replaces"] = w.SpendXA
	must(pl.SubmitSpend(w.GXA, body(quarter)))
	if got := spent(); got != 5_400_00 {
		t.Errorf("spent %d once put right, want 5,400.00", got)
	}
	// A new return for those days is still refused.
	err := w.unchanged(func() error { _, err := pl.SubmitSpend(w.GXA, body(spendIn("2025-05-01", "2025-05-31"))); return err })
	wantCode(t, "a third return for May", err, domain.CodeConflict)
}

// TestSpendReturnsForTheSameDaysAtOnce: a spend return whose check of the
// grant's returns is overtaken by another return landing before it is
// written is planned again on a fresh read: refused when the other
// reports any of its days (a conflict naming it, nothing stored), saved
// when not. (The DynamoDB store's side of the race, two writes planned on
// the same read, is shared/store's TestSpendReturnsPlannedOnOneRead.)
func TestSpendReturnsForTheSameDaysAtOnce(t *testing.T) {
	for _, c := range []struct {
		name, from, to string
		refused        bool
	}{
		{"the same days", "2025-08-01", "2025-08-31", true},
		{"other days", "2025-10-01", "2025-12-31", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := newWorld(t)
			var theirs domain.SpendReturn
			raced := false
			w.st.Before = func(op string) error {
				if op == "CreateSpend" && !raced {
					raced = true
					theirs = must(w.open(lead).SubmitSpend(w.GXA, body(spendIn("2025-07-01", "2025-09-30"))))
				}
				return nil
			}
			mine, err := w.open(plOwn).SubmitSpend(w.GXA, body(spendIn(c.from, c.to)))
			w.st.Before = nil
			if !raced {
				t.Fatal("the race never happened")
			}
			listed := mustList(w.open(lead).ListSpend(w.GXA, pageAll))
			if !c.refused {
				if err != nil || len(listed) != 3 {
					t.Errorf("a return for other days than the one landing first: %v; %d returns stored, want 3", err, len(listed))
				}
				return
			}
			de := wantCode(t, "the return landing second", err, domain.CodeConflict)
			if de.Related == nil || de.Related.ID != theirs.ID || !strings.Contains(de.Message, "July to September 2025") {
				t.Errorf("the refusal points to %+v (%s), want the return that landed first, %s", de.Related, de.Message, theirs.ID)
			}
			if len(listed) != 2 || mine.ID != "" {
				t.Errorf("%d returns stored (%+v answered), want the world's and the first to land", len(listed), mine)
			}
		})
	}
}

// TestPaymentEmailWithdrawnWithItsChange: a due payment marked paid, or
// cancelled, while its payment-due email has gone to nobody withdraws the
// email in the same change: deleted, with the lead's audit event saying
// why (not needed: paid, cancelled), and out of the notifier's pending
// list at once. One a notifier run is sending is left to go to all; and
// an email that moves on between the change's read and its write (a run
// claims a recipient, or gives its only claim back) has the change
// planned again on a fresh read, never refused as stale, whatever the
// If-Match: the lead changed nothing the email is about.
func TestPaymentEmailWithdrawnWithItsChange(t *testing.T) {
	w := newWorld(t)
	sc := w.open(lead)
	duePayment := func(pence int64) (domain.Payment, string) {
		t.Helper()
		p := must(sc.CreatePayment(w.GX, body(paymentBody(pence, "2026-01-02"))))
		if p.Status != domain.PaymentDue {
			t.Fatalf("a payment past its date: %+v", p)
		}
		return p, domain.PaymentNotificationID(p.ID)
	}
	email := func(id string) (domain.Notification, bool) {
		t.Helper()
		var n domain.Notification
		g := &service.Get{Ref: domain.Ref(domain.EntityNotification, id), Into: &n}
		if err := w.st.Read(w.ctx, w.P, g); err != nil {
			t.Fatal(err)
		}
		return n, g.Found
	}
	pending := func(id string) bool {
		t.Helper()
		for shard := range service.Shards {
			ns, _, err := w.st.PendingNotifications(w.ctx, shard, service.Page{Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range ns {
				if n.ID == id {
					return true
				}
			}
		}
		return false
	}
	history := func(id string) []domain.AuditEvent {
		t.Helper()
		hist, _, err := w.st.History(w.ctx, w.P, domain.Ref(domain.EntityNotification, id), service.Page{})
		if err != nil {
			t.Fatal(err)
		}
		return hist
	}
	withdrawn := func(id string, reason domain.NotNeededReason) {
		t.Helper()
		if n, ok := email(id); ok || pending(id) {
			t.Errorf("email %s still there: %+v", id, n)
		}
		hist := history(id)
		if len(hist) != 1 || hist[0].Action != domain.ActionDelete || hist[0].ActorEmail != emails[lead] ||
			hist[0].Changes["notNeeded"].Before != string(reason) || hist[0].Changes["paymentId"].Before == nil {
			t.Errorf("email %s: history %+v, want its deletion by the lead, not needed %s", id, hist, reason)
		}
	}
	// A run's lease and claim of a recipient, as the notifier makes them.
	claim := func(id string) domain.Notification {
		t.Helper()
		n, ok, err := w.st.LeaseNotification(w.ctx, w.P, id, clock, time.Minute)
		if err != nil || !ok {
			t.Fatalf("lease %s: %v %v", id, ok, err)
		}
		if ok, err := w.st.ClaimRecipient(w.ctx, w.P, id, n.Attempts, contactsX[0]); err != nil || !ok {
			t.Fatalf("claim %s: %v %v", id, ok, err)
		}
		return n
	}
	// between runs f once, just before the change's write.
	between := func(f func()) *int {
		writes := 0
		w.st.Before = func(op string) error {
			if op == "UpdatePayment" {
				if writes++; writes == 1 {
					f()
				}
			}
			return nil
		}
		return &writes
	}

	paid, paidEmail := duePayment(1_00)
	if _, ok := email(paidEmail); !ok || !pending(paidEmail) {
		t.Fatal("no pending email with the payment made due")
	}
	must(sc.UpdatePayment(w.GX, paid.ID, version(paid.Version), body(map[string]any{"status": "paid", "paidDate": "2026-01-14"})))
	withdrawn(paidEmail, domain.NotNeededPaid)
	cancelled, cancelledEmail := duePayment(2_00)
	must(sc.UpdatePayment(w.GX, cancelled.ID, version(cancelled.Version), body(map[string]any{"status": "cancelled"})))
	withdrawn(cancelledEmail, domain.NotNeededCancelled)

	// A run claims a recipient between the change's read and its write:
	// planned again, the email is left to go; its payment is paid.
	going, goingEmail := duePayment(3_00)
	writes := between(func() { claim(goingEmail) })
	p := must(sc.UpdatePayment(w.GX, going.ID, version(going.Version), body(map[string]any{"status": "paid", "paidDate": "2026-01-14"})))
	if p.Status != domain.PaymentPaid || *writes != 2 {
		t.Errorf("paid while its email was claimed: %+v after %d writes, want paid at the second", p, *writes)
	}
	if n, ok := email(goingEmail); !ok || n.Status != domain.NotificationPending || len(n.Sending) != 1 {
		t.Errorf("the email being sent: %v %+v, want left pending, its recipient claimed", ok, n)
	}
	if hist := history(goingEmail); len(hist) != 0 {
		t.Errorf("the email being sent: history %+v", hist)
	}

	// Read being sent, then its only claim given back (a passing failure)
	// before the write: planned again, and withdrawn.
	back, backEmail := duePayment(4_00)
	leased := claim(backEmail)
	writes = between(func() {
		if err := w.st.ReleaseNotification(w.ctx, w.P, backEmail, contactsX[0], "429"); err != nil {
			t.Error(err)
		}
	})
	must(sc.UpdatePayment(w.GX, back.ID, version(back.Version), body(map[string]any{"status": "cancelled"})))
	if *writes != 2 {
		t.Errorf("%d writes, want the change planned again once", *writes)
	}
	withdrawn(backEmail, domain.NotNeededCancelled)
	if ok, err := w.st.ClaimRecipient(w.ctx, w.P, backEmail, leased.Attempts, contactsX[1]); ok || err != nil {
		t.Errorf("a recipient of the withdrawn email claimed: %v %v", ok, err)
	}
	w.st.Before = nil
}
