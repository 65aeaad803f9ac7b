package domain_test

import (
	"slices"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// TestOutcomeCheckPeriod: new figures are for a period that has begun and
// overlaps the programme's dates; a correction keeps the period of the
// submission it corrects, and only that.
func TestOutcomeCheckPeriod(t *testing.T) {
	d := domain.MustDate
	prog := domain.Programme{StartDate: d("2024-01-01"), EndDate: d("2025-12-31")}
	today := d("2026-06-15")
	sub := func(start, end string) domain.Outcome {
		return domain.Outcome{PeriodStart: d(start), PeriodEnd: d(end)}
	}
	old := sub("2025-10-01", "2025-12-31")
	outside := sub("2026-01-01", "2026-03-31") // after the programme, as its figures were stored before its end moved
	for _, c := range []struct {
		name string
		o    domain.Outcome
		old  *domain.Outcome
		want []string
	}{
		{"inside the programme", sub("2025-10-01", "2025-12-31"), nil, nil},
		{"straddling its start", sub("2023-12-01", "2024-01-31"), nil, nil},
		{"straddling its end", sub("2025-12-01", "2026-01-31"), nil, nil},
		{"ending before it starts", sub("2023-10-01", "2023-12-31"), nil, []string{"periodEnd"}},
		{"starting after it ends", sub("2026-01-01", "2026-03-31"), nil, []string{"periodStart"}},
		{"not begun", sub("2026-06-16", "2026-06-30"), nil, []string{"periodStart"}},
		{"a correction of the same period", sub("2025-10-01", "2025-12-31"), &old, nil},
		{"a correction of another period", sub("2025-07-01", "2025-09-30"), &old, []string{"periodEnd", "periodStart"}},
		{"a correction ending later", sub("2025-10-01", "2026-01-31"), &old, []string{"periodEnd"}},
		{"a correction of figures outside the programme", outside, &outside, nil},
	} {
		got := fieldsOf(t, c.o.CheckPeriod(c.old, prog, today))
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: names %v, want %v", c.name, got, c.want)
		}
	}
	// A programme without dates (recorded before they were required)
	// bounds nothing but today.
	if err := sub("1999-01-01", "1999-03-31").CheckPeriod(nil, domain.Programme{}, today); err != nil {
		t.Errorf("no programme dates: %v", err)
	}
}

// TestPaymentPaidNotBeforeAward: a payment is not paid before its grant
// was awarded; on the award day it may be.
func TestPaymentPaidNotBeforeAward(t *testing.T) {
	g := domain.Grant{AwardDate: domain.MustDate("2025-12-01")}
	for date, want := range map[string][]string{"1900-01-01": {"paidDate"}, "2025-11-30": {"paidDate"}, "2025-12-01": nil, "2026-01-05": nil} {
		ch := domain.PaymentChange{Status: domain.PaymentPaid, PaidDate: domain.MustDate(date)}
		if got := fieldsOf(t, ch.CheckGrant(g)); !slices.Equal(got, want) {
			t.Errorf("paid on %s: names %v, want %v", date, got, want)
		}
	}
	if err := (domain.PaymentChange{Status: domain.PaymentCancelled}).CheckGrant(g); err != nil {
		t.Errorf("a cancellation: %v", err)
	}
}
