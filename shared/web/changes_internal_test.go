package web

import "testing"

// TestChangeText: the audit trail writes field names in words and values
// as people read them: pence in pounds, dates and times written out,
// lists as lists, budget lines, counts by metric and wellbeing measures in
// words; anything else as it was recorded.
func TestChangeText(t *testing.T) {
	for name, want := range map[string]string{
		"amountPence": "Amount", "grantId": "Grant", "periodStart": "Period start", "leadOrganisation": "Lead organisation",
		"fte": "FTE", "id": "Id", "status": "Status", "reviewOutcomes": "Review outcomes",
	} {
		if got := changeField(name); got != want {
			t.Errorf("changeField(%q) = %q, want %q", name, got, want)
		}
	}
	for _, c := range []struct {
		field string
		v     any
		want  string
	}{
		{"amountPence", float64(31000000), "£310,000.00"},
		{"amountPence", nil, "–"},
		{"value", float64(60), "60"},
		{"fte", 0.5, "0.5"},
		{"startDate", "2025-04-01", "1 April 2025"},
		{"submittedAt", "2026-12-03T02:28:39.655Z", "3 December 2026 02:28 UTC"},
		{"title", "Employment specialists", "Employment specialists"},
		{"reviewOutcomes", true, "yes"},
		{"recipients", []any{"a@example.org", "b@example.org"}, "a@example.org, b@example.org"},
		{"reminders", []any{float64(14), float64(7)}, "14, 7"},
		{"reminders", []any{}, "none"},
		{"counts", map[string]any{"peopleIntoWork": float64(3), "referrals": float64(12)}, "Referrals 12, People into work 3"},
		{"lines", []any{map[string]any{"category": "staff", "amountPence": float64(30000000)},
			map[string]any{"category": "travel", "amountPence": float64(1000050)}}, "Staff £300,000.00, Travel £10,000.50"},
		// Anything else, as recorded.
		{"counts", map[string]any{"referrals": float64(3), "notAMetric": float64(1)}, `{"notAMetric":1,"referrals":3}`},
		{"lines", []any{map[string]any{"category": "staff"}}, `[{"category":"staff"}]`},
		{"lines", []any{map[string]any{"category": "staff", "note": float64(5)}}, `[{"category":"staff","note":5}]`},
		{"lines", []any{map[string]any{"category": "staff", "amountPence": 1.5}}, `[{"amountPence":1.5,"category":"staff"}]`},
		{"measures", []any{map[string]any{"name": "health", "baselineMean": 3.5, "latestMean": 7.21, "respondents": float64(8)},
			map[string]any{"name": "self-confidence", "baselineMean": float64(3), "latestMean": 6.9, "respondents": float64(8)}},
			"health 3.5 → 7.21 (8 respondents); self-confidence 3 → 6.9 (8 respondents)"},
		{"measures", []any{map[string]any{"name": "health", "baselineMean": 3.5}}, `[{"baselineMean":3.5,"name":"health"}]`},
	} {
		if got := changeValue(c.field, c.v); got != c.want {
			t.Errorf("changeValue(%q, %v) = %q, want %q", c.field, c.v, got, c.want)
		}
	}
}
