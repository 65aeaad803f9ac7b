package domain_test

import (
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// TestPeriodText: whole months are named by their months; one day by its
// date alone; anything else by its dates, written out (Long); no date is "".
func TestPeriodText(t *testing.T) {
	for _, c := range []struct{ start, end, want string }{
		{"2011-10-01", "2011-10-31", "October 2011"},
		{"2012-02-01", "2012-02-29", "February 2012"},
		{"2011-10-01", "2011-12-31", "October to December 2011"},
		{"2010-04-01", "2011-03-31", "April 2010 to March 2011"},
		{"2011-10-01", "2011-12-30", "1 October 2011 to 30 December 2011"},
		{"2011-10-02", "2011-12-31", "2 October 2011 to 31 December 2011"},
		{"2011-12-01", "2011-10-31", "1 December 2011 to 31 October 2011"},
		{"2012-03-31", "2012-03-31", "31 March 2012"},
		{"2012-04-01", "2012-04-01", "1 April 2012"},
	} {
		if got := domain.PeriodText(domain.MustDate(c.start), domain.MustDate(c.end)); got != c.want {
			t.Errorf("%s to %s: %q, want %q", c.start, c.end, got, c.want)
		}
	}
}

func TestDateLong(t *testing.T) {
	if got := domain.MustDate("2012-03-09").Long(); got != "9 March 2012" {
		t.Errorf("Long: %q", got)
	}
	if got := (domain.Date{}).Long(); got != "" {
		t.Errorf("no date: %q", got)
	}
}

// TestDateRange: two dates written out, a single day by its date alone
// (not "31 March 2026 to 31 March 2026"), with one date missing the other.
func TestDateRange(t *testing.T) {
	day := func(s string) domain.Date {
		if s == "" {
			return domain.Date{}
		}
		return domain.MustDate(s)
	}
	for _, c := range []struct{ start, end, want string }{
		{"2025-04-01", "2026-03-31", "1 April 2025 to 31 March 2026"},
		{"2026-03-31", "2026-03-31", "31 March 2026"},
		{"2026-03-31", "", "31 March 2026"},
		{"", "2026-03-31", "31 March 2026"},
		{"", "", ""},
	} {
		if got := domain.DateRange(day(c.start), day(c.end)); got != c.want {
			t.Errorf("%q to %q: %q, want %q", c.start, c.end, got, c.want)
		}
	}
}
