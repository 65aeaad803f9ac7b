package domain_test

import (
	"testing"
	"time"

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

// TestUKDate: the date of an instant is the UK's, which is UTC's in winter
// and an hour ahead of it in British Summer Time (last Sunday of March to
// last Sunday of October, changing at 01:00 UTC).
func TestUKDate(t *testing.T) {
	t.Parallel()
	cases := []struct {
		utc  string
		want string
	}{
		{"2026-06-30T23:30:00Z", "2026-07-01"}, // 00:30 BST
		{"2026-06-30T22:59:59Z", "2026-06-30"}, // 23:59:59 BST
		{"2026-12-31T23:30:00Z", "2026-12-31"}, // 23:30 GMT
		{"2027-01-01T00:00:00Z", "2027-01-01"},
		{"2026-03-28T23:30:00Z", "2026-03-28"}, // the night BST begins: still GMT
		{"2026-10-24T23:30:00Z", "2026-10-25"}, // the night BST ends: still BST
		{"2026-10-25T23:30:00Z", "2026-10-25"}, // and the next night GMT
		{"2150-07-01T23:30:00Z", "2150-07-02"}, // past the zone's listed changes, by its rule
	}
	for _, c := range cases {
		at, err := time.Parse(time.RFC3339, c.utc)
		if err != nil {
			t.Fatal(err)
		}
		if got := domain.UKDate(at); got != domain.MustDate(c.want) {
			t.Errorf("UKDate(%s) = %v, want %s", c.utc, got, c.want)
		}
	}
}

// TestInUK: an instant in UK time is GMT in winter and BST (an hour
// ahead) in summer, with the zone named: the web writes it so.
func TestInUK(t *testing.T) {
	t.Parallel()
	for utc, want := range map[string]string{
		"2026-06-30T23:30:00Z": "2026-07-01 00:30 BST",
		"2026-12-04T15:07:00Z": "2026-12-04 15:07 GMT",
		"2026-03-29T00:59:00Z": "2026-03-29 00:59 GMT", // a minute before BST begins
		"2026-03-29T01:00:00Z": "2026-03-29 02:00 BST",
		"2026-10-25T00:59:00Z": "2026-10-25 01:59 BST", // a minute before BST ends
		"2026-10-25T01:00:00Z": "2026-10-25 01:00 GMT",
	} {
		at, err := time.Parse(time.RFC3339, utc)
		if err != nil {
			t.Fatal(err)
		}
		if got := domain.InUK(at).Format("2006-01-02 15:04 MST"); got != want {
			t.Errorf("InUK(%s) = %s, want %s", utc, got, want)
		}
	}
}
