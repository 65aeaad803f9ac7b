package web_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestReportDatesOutsideTheYears: a report date that is a real date but
// outside the years fundtrack takes is told so beside its field, not that
// it is no date; one that is no date still hears how to write one.
func TestReportDatesOutsideTheYears(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	base := "/app/programmes/" + f.PID + "/report"
	p := h.as(t, uFunder).get(base + "?from-day=1&from-month=1&from-year=1800&to-day=31&to-month=2&to-year=2011")
	if p.Status != http.StatusBadRequest || !strings.Contains(p.Body, "From is outside the years 1900-2200") ||
		strings.Contains(p.Body, "From must be a real date") {
		t.Errorf("1 1 1800: %d\n%s", p.Status, excerpt(between(p.Body, `data-testid="error-summary"`, `</div>`)))
	}
	p = h.as(t, uFunder).get(base + "?from-day=31&from-month=2&from-year=2011&to-day=31&to-month=3&to-year=2011")
	if p.Status != http.StatusBadRequest || !strings.Contains(p.Body, "From must be a real date") {
		t.Errorf("31 2 2011: %d", p.Status)
	}
}
