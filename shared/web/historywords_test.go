package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestHistoryWords: a history page writes the ordinary edits of a target,
// a cohort, a schedule and the programme as the rest of the pages write
// those fields (a target of 2000 as "2,000", its milestones as
// percentages, a schedule's days, the review setting in the settings
// page's words, a status as its tag), and no record's ordinary edits
// (those of a post, payment, grant, funder and project too) as the JSON
// they were recorded as.
func TestHistoryWords(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	ctx := context.Background()
	always := func(int64) bool { return true }
	admin := h.Svc.Open(ctx, caller(uAdmin, domain.AdminGroup), f.PID)
	must(admin.UpdateProgramme(always, body(map[string]any{"reviewOutcomes": true})))
	must(admin.UpdateTarget(f.TargetID, always, body(map[string]any{"metric": "referrals", "value": 2000, "thresholds": []int{25, 50, 100}})))
	must(h.Svc.OpenProject(ctx, caller(uAdmin, domain.AdminGroup), f.PID, f.ProjectA).UpdateCohort(f.CohortA, always,
		body(map[string]any{"places": 1000})))
	sched := must(admin.CreateSchedule(body(map[string]any{"name": "Quarterly returns", "frequency": "quarterly",
		"firstPeriodStart": "2011-01-01", "lastPeriodEnd": "2011-12-31", "dueDays": 30})))
	must(admin.UpdateSchedule(sched.ID, always, body(map[string]any{"reminders": []int{14, 7}})))

	pay := h.build.Payment(f.PID, f.GrantX, testkit.DatedPaymentBody(10_000_00, "2011-04-01"))

	p := "/app/programmes/" + f.PID + "/history?entity="
	b := h.as(t, uLead)
	for _, c := range []struct {
		path string
		want []string
	}{
		{p + "programme", []string{"<strong>Review outcomes</strong>: Submissions count as soon as they are sent → A lead approves each submission before it counts"}},
		{p + "target&id=" + f.TargetID, []string{"<strong>Value</strong>: 60 → 2,000", "<strong>Metric</strong>: People into work → Referrals",
			"→ 25%, 50%, 100%"}},
		{p + "cohort&project=" + f.ProjectA + "&id=" + f.CohortA, []string{"<strong>Places</strong>: 4 → 1,000"}},
		{p + "post&project=" + f.ProjectA + "&id=" + f.PostA, []string{"<strong>Status</strong>: – → Filled", "<strong>FTE</strong>: – → 1"}},
		{p + "payment&grant=" + f.GrantX + "&id=" + pay.ID, []string{"<strong>Status</strong>: – → Due", "<strong>Amount</strong>: – → £10,000.00"}},
		{p + "grant&id=" + f.GrantX, []string{"<strong>Amount</strong>: – → £310,000.00"}},
		{p + "funder&id=" + f.FunderX, []string{"<strong>Contacts</strong>: – → contracts@dwp.example.org"}},
		{p + "project&id=" + f.ProjectA, []string{"<strong>Start date</strong>: – → 1 October 2010"}},
		{p + "schedule&id=" + sched.ID, []string{"<strong>Due days</strong>: – → 30 days after each period ends",
			"→ 14, 7 days before"}},
	} {
		got := b.get(c.path)
		if got.Status != http.StatusOK {
			t.Fatalf("%s answered %d", c.path, got.Status)
		}
		table := historyTable(t, got.Body)
		for _, want := range c.want {
			if !strings.Contains(table, want) {
				t.Errorf("%s lacks %q:\n%s", c.path, want, table)
			}
		}
		if strings.ContainsAny(table, "{[") {
			t.Errorf("%s writes a value as JSON:\n%s", c.path, table)
		}
	}
}

// historyTable is the history table of a page.
func historyTable(t *testing.T, body string) string {
	t.Helper()
	_, table, ok := strings.Cut(body, `data-testid="history-table"`)
	table, _, ok2 := strings.Cut(table, "</table>")
	if !ok || !ok2 {
		t.Fatalf("no history table:\n%s", excerpt(body))
	}
	return table
}
