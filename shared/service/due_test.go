package service_test

import (
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/service"
)

// Sort keys hold SortTime: its string order must be time order, to the
// nanosecond, wherever the trailing zeros fall.
func TestSortTimeOrdersAsTime(t *testing.T) {
	base := time.Date(2026, 12, 3, 15, 4, 5, 0, time.FixedZone("BST", 3600))
	ts := []time.Time{base, base.Add(time.Nanosecond), base.Add(100 * time.Millisecond), base.Add(120 * time.Millisecond),
		base.Add(999_999_999), base.Add(time.Second), base.Add(time.Hour)}
	for i := range ts {
		for j := range ts {
			a, b := service.SortTime(ts[i]), service.SortTime(ts[j])
			if (a < b) != ts[i].Before(ts[j]) {
				t.Errorf("SortTime(%v) = %q, SortTime(%v) = %q: string order is not time order", ts[i], a, ts[j], b)
			}
		}
	}
	if got, want := service.SortTime(base), "2026-12-03T14:04:05.000000000Z"; got != want {
		t.Errorf("SortTime = %q, want %q (UTC)", got, want)
	}
}
