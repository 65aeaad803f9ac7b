package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestProjectDatesMoveItsReturnsThroughTheAPI: a project gets returns only
// for the periods it runs during (audit-reporting W4: a project starting
// in May 2027 was at once two returns overdue), and PATCHing its dates
// moves them: narrowing removes the unsent returns of periods it no longer
// runs during, in the change's own transaction, and is 400 naming
// startDate or endDate past a return figures were sent for; widening
// writes the newly covered periods' returns. What each costs in DynamoDB
// requests.
func TestProjectDatesMoveItsReturnsThroughTheAPI(t *testing.T) {
	t.Parallel()
	w := newRCWorld(t, nil)
	a, measure, etag := w.a, w.measure(t), w.etag(t)
	w.s.Clock.Set("2026-11-20T09:00:00Z")
	sid, _ := a.Create(t, w.lead, w.path("/schedules"), map[string]any{"name": "Monthly", "frequency": "monthly",
		"firstPeriodStart": "2026-09-01", "lastPeriodEnd": "2027-08-31", "dueDays": 10})
	returnsOf := func(j string) []domain.Return {
		return testkit.ListAll[domain.Return](t, a, w.lead, w.path("/returns?projectId="+j))
	}
	overdue := func() []domain.Return {
		return testkit.ListAll[domain.Return](t, a, w.lead, w.path("/returns?status=overdue"))
	}

	// The audit's project: from May 2027, its returns are May to August 2027.
	late, _ := a.Create(t, w.lead, w.path("/projects"), map[string]any{"name": "AuditRC T6 late start", "leadOrganisation": "Org",
		"startDate": "2027-05-01", "endDate": "2027-10-31"})
	if rs := returnsOf(late); len(rs) != 4 || rs[0].PeriodStart.String() != "2027-05-01" {
		t.Errorf("a project starting in May 2027 has %d returns, want May to August 2027", len(rs))
	}
	for _, r := range overdue() {
		if r.ProjectID == late {
			t.Errorf("overdue return %s of a project not started", r.ID)
		}
	}

	// The world's project runs from January 2026: twelve returns, two
	// overdue (September and October 2026). Figures for October sent.
	if rs := returnsOf(w.project); len(rs) != 12 {
		t.Fatalf("%d returns of the world's project, want 12", len(rs))
	}
	a.Create(t, w.pl, w.outcomes(), map[string]any{"periodStart": "2026-10-01", "periodEnd": "2026-10-31", "counts": map[string]int{"referrals": 1}})
	P := w.path("/projects/" + w.project)
	r := a.Do(t, testkit.Request("PATCH", P, w.lead, map[string]any{"startDate": "2026-11-01"}, "If-Match", etag(P)))
	if e := testkit.WantErr(t, r, http.StatusBadRequest, "validation_failed"); !strings.Contains(e.Fields["startDate"], "must not be after 2026-10-31") {
		t.Errorf("starting after a sent return's period: %+v", e)
	}
	// Narrowed: September 2026 (overdue) and June to August 2027 go. The
	// access read with the project; the setup; one Query of the
	// project's returns before the new start and one after the new end
	// (the table's keys, by period start, read consistently: every list
	// in one), sent together; the programme's payments; one transaction
	// with the project, the four deletes and their counts, the setup's
	// sequence and the audit event.
	measure("PATCH project (narrowed, four returns removed)", "BatchGetItem×1 Query×4 TransactWriteItems×1",
		testkit.Request("PATCH", P, w.lead, map[string]any{"startDate": "2026-10-01", "endDate": "2027-05-31"}, "If-Match", etag(P)), http.StatusOK)
	if rs := returnsOf(w.project); len(rs) != 8 || rs[0].PeriodStart.String() != "2026-10-01" || rs[7].PeriodEnd.String() != "2027-05-31" {
		t.Errorf("%d returns after narrowing, want October 2026 to May 2027", len(rs))
	}
	for _, r := range overdue() {
		if r.ProjectID == w.project {
			t.Errorf("overdue return %s before the project's new start", r.ID)
		}
	}
	// Widened again: the access read, the setup; one transaction with the
	// project, the setup's sequence and the generation; then the new
	// periods' returns as for a new project (the setup, the project by key and
	// its submissions read, one transaction of returns and counts, the
	// generation deleted).
	measure("PATCH project (widened, four returns written)", "BatchGetItem×1 DeleteItem×1 GetItem×1 Query×3 TransactWriteItems×2",
		testkit.Request("PATCH", P, w.lead, map[string]any{"startDate": "2026-01-01", "endDate": "2027-12-31"}, "If-Match", etag(P)), http.StatusOK)
	if rs := returnsOf(w.project); len(rs) != 12 {
		t.Errorf("%d returns after widening, want 12", len(rs))
	}
	// Another change: no return moves, no more request than before.
	measure("PATCH project (name)", "BatchGetItem×1 TransactWriteItems×1",
		testkit.Request("PATCH", P, w.lead, map[string]any{"area": "Bradford"}, "If-Match", etag(P)), http.StatusOK)
	if got := testkit.ListAll[domain.Return](t, a, w.lead, w.path("/returns?scheduleId="+sid)); len(got) != 16 {
		t.Errorf("%d returns of the schedule, want 16", len(got))
	}
}
