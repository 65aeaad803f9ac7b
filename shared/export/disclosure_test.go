package export_test

import (
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/export"
)

func TestDisclose(t *testing.T) {
	for _, tc := range []struct {
		n    int64
		want string
	}{
		{0, "0"},   // nobody: shown as it is
		{1, "*"},   // 1-7 suppressed
		{2, "*"},   //
		{7, "*"},   // the last suppressed count
		{8, "10"},  // the first published count: nearest 5 of 8 is 10
		{9, "10"},  //
		{10, "10"}, //
		{11, "10"}, //
		{12, "10"}, // 2 above a multiple of 5: down
		{13, "15"}, // 3 above: up
		{14, "15"}, //
		{15, "15"}, //
		{17, "15"}, //
		{18, "20"}, //
		{22, "20"}, //
		{23, "25"}, //
		{102, "100"},
		{103, "105"},
		{99_998, "100000"},
		{-1, "*"}, // impossible, but never published as it is
		{-20, "*"},
	} {
		if got := export.Disclose(tc.n); got != tc.want {
			t.Errorf("Disclose(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
}

// TestRoundToFiveHalfUp states the rounding rule: to the nearest multiple
// of 5, halves up. Whole numbers are never exactly halfway (2.5 from a
// multiple of 5), so the rule is seen as 0-2 above rounding down and 3-4
// above rounding up, over many multiples.
func TestRoundToFiveHalfUp(t *testing.T) {
	for base := int64(0); base <= 1000; base += 5 {
		for off, want := range []int64{base, base, base, base + 5, base + 5} {
			n := base + int64(off)
			got := export.RoundToFive(n)
			if got != want {
				t.Fatalf("RoundToFive(%d) = %d, want %d", n, got, want)
			}
			// Nearest: never more than 2 away, and a multiple of 5.
			if d := got - n; d < -2 || d > 2 || got%5 != 0 {
				t.Fatalf("RoundToFive(%d) = %d is not the nearest multiple of 5", n, got)
			}
		}
	}
}

// TestDiscloseColumn: each count is controlled on its own, the total from
// its true value, and the total is withheld ("[c]") exactly where, read
// with the rows, it would narrow what a "*" could be.
func TestDiscloseColumn(t *testing.T) {
	for _, tc := range []struct {
		rows      []int64
		wantRows  string
		wantTotal string
	}{
		// The audit's case: "10" + "10" is at least 16, "15" at most 17,
		// so a published total would say the "*" is 1.
		{[]int64{1, 8, 8}, "*,10,10", "[c]"},
		{[]int64{7, 8, 8}, "*,10,10", "25"},   // 23..27 less 16..24 is -1..11: the "*" can be any of 1..7
		{[]int64{1, 8, 13}, "*,10,15", "[c]"}, // "20" is at most 22, the rows at least 21: the "*" is 1
		{[]int64{7, 7, 40}, "*,*,40", "[c]"},  // "55" is at least 53, "40" at most 42: each "*" at least 4
		{[]int64{1, 1}, "*,*", "[c]"},         // "*" total: 2..7 between two rows of at least 1, so each at most 6
		{[]int64{3, 10}, "*,10", "15"},        // 13..17 less 8..12: the "*" can be any of 1..7
		{[]int64{5, 20, 30}, "*,20,30", "55"}, // 53..57 less 36..44: 9..21, so 1..7
		{[]int64{4, 0, 0}, "*,0,0", "*"},      // the total is the "*" itself: nothing more
		{[]int64{12, 13}, "10,15", "25"},      // nothing suppressed: the total is published
		{[]int64{0, 0}, "0,0", "0"},
		{[]int64{}, "", "0"},
	} {
		var total int64
		for _, n := range tc.rows {
			total += n
		}
		shown, shownTotal := export.DiscloseColumn(tc.rows, total)
		if got := strings.Join(shown, ","); got != tc.wantRows || shownTotal != tc.wantTotal {
			t.Errorf("DiscloseColumn(%v, %d) = %s / %s, want %s / %s", tc.rows, total, got, shownTotal, tc.wantRows, tc.wantTotal)
		}
	}
}
