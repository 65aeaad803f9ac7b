package service_test

import (
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// TestReturnRemovalAndPaymentOnItRace: a schedule's last period moved
// earlier and a payment made waiting on a return it removes, each landing
// whole between the other's reads and its write: the removal is planned
// again and refused naming lastPeriodEnd (the payment waits on the
// return), or the payment is refused naming trigger.returnId (the return
// is not there). No payment ever waits on a removed return. (The
// DynamoDB store's side: store's TestReturnRemovalAndPaymentOnItRace.)
func TestReturnRemovalAndPaymentOnItRace(t *testing.T) {
	t.Parallel()
	for _, removalSecond := range []bool{true, false} {
		t.Run(map[bool]string{true: "the removal lands second", false: "the payment lands second"}[removalSecond], func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			w.addReporting()
			q4 := domain.ReturnID(w.Schedule, w.A, domain.MustDate("2025-10-01"))
			shorten := func() error {
				_, err := w.open(lead).UpdateSchedule(w.Schedule, always, body(map[string]any{"lastPeriodEnd": "2025-09-30"}))
				return err
			}
			pay := func() error {
				_, err := w.open(lead).CreatePayment(w.GXA, body(map[string]any{"amountPence": 1_000_00,
					"trigger": map[string]any{"kind": "return", "returnId": q4}}))
				return err
			}
			mine, theirs, op, field := shorten, pay, "UpdateSchedule", "lastPeriodEnd"
			if !removalSecond {
				mine, theirs, op, field = pay, shorten, "CreatePayment", "trigger.returnId"
			}
			raced := false
			w.st.Before = func(o string) error {
				if o == op && !raced {
					raced = true
					if err := theirs(); err != nil {
						t.Errorf("the write that lands first: %v", err)
					}
				}
				return nil
			}
			err := mine()
			w.st.Before = nil
			if !raced {
				t.Fatal("the race never happened")
			}
			wantFields(t, "the write that lands second", err, field)
			payments, _, err := w.open(lead).ListPayments(w.GXA, service.Page{Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			waiting := 0
			for _, p := range payments {
				if p.Trigger.ReturnID == q4 {
					waiting++
				}
			}
			_, rerr := w.open(lead).Return(q4)
			switch {
			case removalSecond && (rerr != nil || waiting != 1):
				t.Errorf("the return %v, %d payments on it; want it there, with the payment", rerr, waiting)
			case !removalSecond && (domain.ErrorCode(rerr) != domain.CodeNotFound || waiting != 0):
				t.Errorf("the return %v, %d payments on it; want it removed, with none", rerr, waiting)
			}
		})
	}
}
