package service_test

// "Today" is the UK's date (the SPEC's dates are written in UK terms, and
// every page says them so), not UTC's: from midnight to 01:00 in British
// Summer Time the two differ, and a payment made that day was refused as
// "in the future".

import (
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/service"
)

// at is the world's service with its clock at now.
func (w *world) at(now time.Time) *service.Service {
	return service.New(w.st, func() time.Time { return now })
}

func TestTodayIsTheUKDate(t *testing.T) {
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	t.Run("00:30 BST on 1 July is 1 July", func(t *testing.T) {
		w := newWorld(t)
		now := time.Date(2026, 7, 1, 0, 30, 0, 0, london) // 23:30 UTC on 30 June
		svc := w.at(now)
		if _, err := svc.Open(w.ctx, caller(lead), w.P).UpdatePayment(w.GXA, w.PayXA, always,
			body(map[string]any{"status": "paid", "paidDate": "2026-07-01"})); err != nil {
			t.Errorf("a payment made today, 1 July: %v", err)
		}
		if _, err := svc.Open(w.ctx, caller(plOwn), w.P).SubmitSpend(w.GXA, body(map[string]any{"periodStart": "2026-07-01",
			"periodEnd": "2026-07-31", "lines": []map[string]any{{"category": "staff", "amountPence": 100}}})); err != nil {
			t.Errorf("spend for a month begun today: %v", err)
		}
		if _, err := svc.OpenProject(w.ctx, caller(plOwn), w.P, w.A).SubmitOutcome(body(map[string]any{"periodStart": "2026-07-01",
			"periodEnd": "2026-07-31", "counts": map[string]int64{"referrals": 1}})); err != nil {
			t.Errorf("figures for a month begun today: %v", err)
		}
	})
	t.Run("23:30 GMT on 31 December is still 31 December", func(t *testing.T) {
		w := newWorld(t)
		svc := w.at(time.Date(2026, 12, 31, 23, 30, 0, 0, london))
		_, err := svc.Open(w.ctx, caller(lead), w.P).UpdatePayment(w.GXA, w.PayXA, always,
			body(map[string]any{"status": "paid", "paidDate": "2027-01-01"}))
		wantFields(t, "a payment made tomorrow, 1 January", err, "paidDate")
		if _, err := svc.Open(w.ctx, caller(lead), w.P).UpdatePayment(w.GXA, w.PayXA, always,
			body(map[string]any{"status": "paid", "paidDate": "2026-12-31"})); err != nil {
			t.Errorf("a payment made today, 31 December: %v", err)
		}
	})
}
