package export

import "strconv"

// Suppressed is what a count of 1 to 7 people is shown as.
const Suppressed = "*"

// Disclose applies NHS-style statistical disclosure control to a count of
// people before it is published, so no one can be picked out of a small
// number:
//
//   - 0 is shown as 0 (nobody is identified by nobody);
//   - 1 to 7 are suppressed and shown as "*";
//   - 8 and over are rounded to the nearest 5 (8 → 10, 12 → 10, 13 → 15).
//
// The rounding rule is round half up. For whole numbers it never has to
// choose: a count is 0, 1 or 2 above a multiple of 5 (rounded down) or 3 or
// 4 above it (rounded up), never 2.5. Totals are controlled the same way from
// their true value, never by adding up controlled figures.
//
// A negative count cannot arise from valid submissions; should one appear,
// it is suppressed rather than published.
func Disclose(n int64) string {
	switch {
	case n == 0:
		return "0"
	case n < 0 || n <= 7:
		return Suppressed
	default:
		return strconv.FormatInt(RoundToFive(n), 10)
	}
}

// RoundToFive rounds a non-negative count to the nearest multiple of 5,
// halves up.
func RoundToFive(n int64) int64 { return (n + 2) / 5 * 5 }
