package web

import (
	"testing"
	"time"
)

// TestDatetimeText: pages show an instant in UK time with its zone, GMT
// in winter and BST in summer, as every date is a UK date: a return due
// 30 June sent at 23:30 UTC on 30 June was sent at 00:30 BST on 1 July
// (late), and its page says so.
func TestDatetimeText(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		at   time.Time
		want string
	}{
		{time.Date(2026, 6, 30, 23, 30, 0, 0, time.UTC), "1 July 2026 00:30 BST"},
		{time.Date(2026, 6, 29, 23, 30, 0, 0, time.UTC), "30 June 2026 00:30 BST"},
		{time.Date(2026, 12, 4, 15, 7, 0, 0, time.UTC), "4 December 2026 15:07 GMT"},
		{time.Date(2026, 12, 31, 23, 30, 0, 0, time.UTC), "31 December 2026 23:30 GMT"},
		// An instant in another zone is the same instant.
		{time.Date(2026, 7, 1, 1, 30, 0, 0, time.FixedZone("CEST", 2*60*60)), "1 July 2026 00:30 BST"},
		{time.Time{}, ""},
	} {
		if got := datetimeText(c.at); got != c.want {
			t.Errorf("datetimeText(%s) = %q, want %q", c.at, got, c.want)
		}
	}
}
