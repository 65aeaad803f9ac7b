package notify

import (
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// TestDueBy holds the wake's skip to its one safe case: a target listed in
// the due index on or before the day. One not in the index, or there only
// later, must be woken, or a held "missed" could wait past its day (the
// scenario tests reach only the first two cases).
func TestDueBy(t *testing.T) {
	tomorrow := domain.MustDate("2027-01-22")
	for _, c := range []struct {
		dueOn string
		want  bool
	}{
		{"", false},           // not in the index (or read by a Get): woken
		{"2027-01-21", true},  // due today already
		{"2027-01-22", true},  // due tomorrow already
		{"2027-01-23", false}, // due only after tomorrow: woken for tomorrow
		{"2027-02-17", false}, // its MissedNoticeDate weeks away: woken
	} {
		var target domain.Target
		if c.dueOn != "" {
			target.DueOn = domain.MustDate(c.dueOn)
		}
		if got := dueBy(target, tomorrow); got != c.want {
			t.Errorf("dueBy(DueOn %q, %s) = %v, want %v", c.dueOn, tomorrow, got, c.want)
		}
	}
}
