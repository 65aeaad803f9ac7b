package main

import "testing"

// TestPounds: the seed's summary writes money as whole pounds, to the
// nearest, with thousands separators (domain.Thousands).
func TestPounds(t *testing.T) {
	for pence, want := range map[int64]string{
		0: "£0", 49: "£0", 50: "£1", 99_999: "£1,000", 1_234_56: "£1,235", 81_000_000: "£810,000",
		-1_234_567_89: "-£1,234,568", 1_000_000_000_00: "£1,000,000,000",
	} {
		if got := pounds(pence); got != want {
			t.Errorf("pounds(%d) = %q, want %q", pence, got, want)
		}
	}
}
