package store_test

import (
	"slices"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/store"
	"github.com/fundtrack/fundtrack/shared/testenv"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestReturnRemovalAndPaymentOnItRace: on DynamoDB, a schedule's last
// period moved earlier (removing the unsent returns after it) and a
// payment made waiting on one of those returns cannot both land. Each is
// read first and the other lands whole just before its transaction: the
// removal is then planned again, finds the payment and is refused (400
// naming lastPeriodEnd); the payment is refused as on a return not
// there (400 naming trigger.returnId). Either way no payment waits on a
// removed return.
func TestReturnRemovalAndPaymentOnItRace(t *testing.T) {
	t.Parallel()
	client, table := testenv.Table(t)
	db := &prRacingDB{Client: client}
	svc := service.New(store.New(db, table), func() time.Time { return time.Now().UTC() })

	setup := func(t *testing.T) (*dpWorld, domain.Schedule, string) {
		w := newDPWorld(t, svc)
		s, err := w.open().CreateSchedule(testkit.Body(map[string]any{"name": "Quarterly returns", "frequency": "quarterly",
			"firstPeriodStart": "2026-01-01", "lastPeriodEnd": "2026-12-31"}))
		if err != nil {
			t.Fatal(err)
		}
		return w, s, domain.ReturnID(s.ID, w.a, domain.MustDate("2026-10-01"))
	}
	shorten := func(w *dpWorld, s domain.Schedule) func(*dpWorld) error {
		return func(*dpWorld) error {
			_, err := w.open().UpdateSchedule(s.ID, func(int64) bool { return true }, testkit.Body(map[string]any{"lastPeriodEnd": "2026-06-30"}))
			return err
		}
	}
	payOn := func(q4 string) func(*dpWorld) error {
		return func(w *dpWorld) error {
			_, err := w.open().CreatePayment(w.ga, testkit.Body(map[string]any{"amountPence": 5_000_00,
				"trigger": map[string]any{"kind": "return", "returnId": q4}}))
			return err
		}
	}
	waitingOn := func(t *testing.T, w *dpWorld, returnID string) []domain.Payment {
		t.Helper()
		ps, _, err := w.open().ListPayments(w.ga, service.Page{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		return slices.DeleteFunc(ps, func(p domain.Payment) bool { return p.Trigger.ReturnID != returnID })
	}

	t.Run("shortening, a payment made on a removed return meanwhile", func(t *testing.T) {
		w, s, q4 := setup(t)
		_, err := raceAgainst(t, db, w, shorten(w, s), payOn(q4))
		if de, ok := err.(*domain.Error); !ok || de.Code != domain.CodeValidation || de.Fields["lastPeriodEnd"] == "" {
			t.Fatalf("the removal that lands second: %v, want 400 naming lastPeriodEnd", err)
		}
		if _, err := w.open().Return(q4); err != nil {
			t.Errorf("the return the payment waits on: %v", err)
		}
		if got, err := w.open().Schedule(s.ID); err != nil || got.LastPeriodEnd != domain.MustDate("2026-12-31") {
			t.Errorf("the schedule: %+v %v", got, err)
		}
		if ps := waitingOn(t, w, q4); len(ps) != 1 || ps[0].Status != domain.PaymentScheduled {
			t.Errorf("payments on the return: %+v", ps)
		}
	})
	t.Run("a payment on a return, the schedule shortened meanwhile", func(t *testing.T) {
		w, s, q4 := setup(t)
		_, err := raceAgainst(t, db, w, payOn(q4), shorten(w, s))
		if de, ok := err.(*domain.Error); !ok || de.Code != domain.CodeValidation || de.Fields["trigger.returnId"] == "" {
			t.Fatalf("the payment that lands second: %v, want 400 naming trigger.returnId", err)
		}
		if _, err := w.open().Return(q4); domain.ErrorCode(err) != domain.CodeNotFound {
			t.Errorf("the removed return: %v, want not found", err)
		}
		if ps := waitingOn(t, w, q4); len(ps) != 0 {
			t.Errorf("payments on the removed return: %+v", ps)
		}
	})
}
