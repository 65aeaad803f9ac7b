package export_test

import (
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
