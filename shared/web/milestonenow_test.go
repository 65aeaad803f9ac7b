package web_test

import (
	"html"
	"regexp"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestGrantPageFlagsAMilestoneNoLongerMet: a milestone tranche that fell
// due stays due when the figures are corrected below its threshold after,
// and the grant's page says so beside its status, to every role that
// reads the grant; a tranche still scheduled, and one whose milestone
// still holds, carry no such flag.
func TestGrantPageFlagsAMilestoneNoLongerMet(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	// The programme's target of 60 into work; 45 counted (20 and 25).
	f := h.fixture(t)
	fell := h.build.Payment(f.PID, f.GrantX, testkit.MilestonePaymentBody(300_00, f.TargetID, 70))  // 42: due
	holds := h.build.Payment(f.PID, f.GrantX, testkit.MilestonePaymentBody(200_00, f.TargetID, 40)) // 24: due
	waits := h.build.Payment(f.PID, f.GrantX, testkit.MilestonePaymentBody(100_00, f.TargetID, 90)) // 54: scheduled
	if fell.Status != domain.PaymentDue || holds.Status != domain.PaymentDue || waits.Status != domain.PaymentScheduled {
		t.Fatalf("the tranches: %s, %s, %s", fell.Status, holds.Status, waits.Status)
	}
	g := "/app/programmes/" + f.PID + "/grants/" + f.GrantX
	row := func(body, id string) string {
		t.Helper()
		m := regexp.MustCompile(`(?s)<tr class="nhsuk-table__row" data-testid="payment-` + id + `">.*?</tr>`).FindString(body)
		if m == "" {
			t.Fatalf("no row for payment %s\n%s", id, excerpt(body))
		}
		return m
	}
	flag := `data-testid="payment-milestone-not-met"`
	if pg := h.as(t, uLead).get(g); strings.Contains(pg.Body, flag) {
		t.Errorf("the page flags a milestone while the figures reach every due tranche's:\n%s", excerpt(pg.Body))
	}

	// The second quarter corrected from 25 to 10 into work: 30 of 60, 50%.
	var q2 string
	for _, o := range outcomesOf(t, h, f) {
		if o.PeriodStart == domain.MustDate("2011-04-01") {
			q2 = o.ID
		}
	}
	h.build.Outcome(f.PID, f.ProjectA, map[string]any{"periodStart": "2011-04-01", "periodEnd": "2011-06-30",
		"counts": map[string]int{"referrals": 90, "peopleIntoWork": 10}, "replaces": q2})
	for _, who := range []string{uLead, uPL, uFunder} {
		pg := h.as(t, who).get(g)
		r := row(pg.Body, fell.ID)
		if !strings.Contains(r, flag) || !strings.Contains(r, html.EscapeString(domain.MilestoneNoLongerMetWords)) ||
			!strings.Contains(r, "It stays due until it is recorded paid or cancelled.") || !strings.Contains(r, ">Due</strong>") {
			t.Errorf("as %s, the row of the tranche on 70%% lacks the flag, or is no longer due:\n%s", who, r)
		}
		for _, id := range []string{holds.ID, waits.ID} {
			if r := row(pg.Body, id); strings.Contains(r, flag) {
				t.Errorf("as %s, payment %s is flagged:\n%s", who, id, r)
			}
		}
	}
}
