package export

import "strconv"

// Suppressed is what a count of 1 to 7 people is shown as.
const Suppressed = "*"

// Withheld is what a column's programme total is shown as when publishing
// it would let a reader narrow down a suppressed count (secondary
// suppression, see DiscloseColumn). "[c]" is the Government Statistical
// Service's shorthand for a figure withheld as confidential; it is not "*",
// so "*" keeps meaning 1 to 7 people.
const Withheld = "[c]"

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
// 4 above it (rounded up), never 2.5.
//
// A negative count cannot arise from valid submissions; should one appear,
// it is suppressed rather than published.
//
// Disclose controls one count on its own. A table of counts and their total
// needs DiscloseColumn as well, because the total adds a relation between
// the published figures.
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

// DiscloseColumn controls a column of counts and its total for
// publication. Each count, and the total, is put through Disclose: the
// total from its true value, never by adding up controlled figures. Then
// the secondary rule: the total is Withheld if, read together with the
// rows, it would narrow what any suppressed row could be.
//
// Why. Every published figure stands for a range of true counts: "0" for
// 0, "*" for 1–7, a rounded r for r−2..r+2 (and at least 8). On their own
// the rows say nothing more. The total is one more equation, row sum =
// total, and the ranges can pin a suppressed row down: rows 1, 8, 8 are
// shown "*", "10", "10" and their total 17 is shown "15", so the other
// rows are at least 16, the total at most 17, and the "*" is exactly 1.
//
// The rule. For each "*" row, the values it can take given everything
// published are those v in 1..7 with v + (the other rows' least) ≤ (the
// total's most) and v + (the other rows' most) ≥ (the total's least): the
// other rows, each any whole number in its range, add up to every whole
// number between their least and most sum. The total is published only if
// every "*" row can still be each of 1..7, so publishing it tells a reader
// nothing about any suppressed row. Anything short of that is refused,
// not only exact recovery, because a looser threshold leaks through the
// rule itself: a reader who sees a total withheld learns it was one that
// would have narrowed a row. Among the tables of 3 rows of 0–39, with
// "at least 3 of the 7 values left" some "*" is pinned to one value, and
// with "at least 6" some "*" to two.
// With the strict rule such a reader can rule out at most one of the
// seven values (rows "*", "10" with the total withheld: the "*" is not 5);
// the tests enumerate this.
//
// Withholding the total is always enough: without it the rows of a column
// are unrelated, and the file publishes no other relation (there is no
// total across metrics, and no metric is bounded by another). Suppressing
// another row instead is not: a reader knows a withheld row of 8 or more
// is at least 8, which is the bound that gave the "*" away above.
func DiscloseColumn(rows []int64, total int64) (shown []string, shownTotal string) {
	shown = make([]string, len(rows))
	for i, n := range rows {
		shown[i] = Disclose(n)
	}
	shownTotal = Disclose(total)
	if narrowsSuppressed(shown, shownTotal) {
		shownTotal = Withheld
	}
	return shown, shownTotal
}

// shownRange is the range of true counts a figure published by Disclose
// stands for.
func shownRange(s string) (lo, hi int64) {
	switch s {
	case "0":
		return 0, 0
	case Suppressed:
		return 1, 7
	}
	r, err := strconv.ParseInt(s, 10, 64)
	if err != nil || r < 10 {
		return 0, 1 << 40 // not a figure Disclose writes: it could be anything
	}
	return max(8, r-2), r + 2
}

// narrowsSuppressed reports whether the published total, read with the
// published rows, leaves some "*" row fewer values than 1..7. A row sum
// that cannot be the total at all (never so from true counts) counts as
// narrowing too.
func narrowsSuppressed(rows []string, total string) bool {
	var sumLo, sumHi int64
	for _, s := range rows {
		lo, hi := shownRange(s)
		sumLo, sumHi = sumLo+lo, sumHi+hi
	}
	tLo, tHi := shownRange(total)
	for _, s := range rows {
		if s != Suppressed {
			continue
		}
		otherLo, otherHi := sumLo-1, sumHi-7
		// The values this row can take: 1..7 within the total's range
		// less what the other rows can add up to.
		if max(1, tLo-otherHi) > 1 || min(7, tHi-otherLo) < 7 {
			return true
		}
	}
	return false
}
