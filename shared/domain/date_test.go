package domain_test

import (
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// TestDaysUntil counts whole days between any two dates fundtrack takes,
// 1900-01-01 to 2200-12-31 included: 301 years, more than a time.Duration
// holds (about 292), so the count cannot go through one.
func TestDaysUntil(t *testing.T) {
	t.Parallel()
	cases := []struct {
		from, to string
		want     int
	}{
		{"2024-01-01", "2024-01-01", 0},
		{"2024-01-01", "2024-12-31", 365},
		{"2024-03-01", "2024-02-28", -2},
		{"1900-01-01", "2191-12-31", 106_650},
		{"1900-01-01", "2200-12-31", 109_937},
		{"2200-12-31", "1900-01-01", -109_937},
		{"1900-03-01", "2200-03-01", 109_573}, // 300 years, 73 leap days (1900 and 2100 are not leap years; 2000 is)
	}
	for _, c := range cases {
		if got := domain.MustDate(c.from).DaysUntil(domain.MustDate(c.to)); got != c.want {
			t.Errorf("%s to %s: %d days, want %d", c.from, c.to, got, c.want)
		}
	}
}
