package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestReturnsMadeLaterKeepTheFirstThroughTheAPI is the audit's repro
// (audit-reporting2 D1) through the API on DynamoDB: with review on, the
// first team's figures approved, then a second team's awaiting review; a
// schedule made afterwards (as the API tells a lead to, to change due
// days) has the quarter's return accepted on the first team's figures,
// as the old schedule's is, for the lead and the funder, a payment on
// either return is due at once, and the second team's figures sent back
// leave both accepted. Its returns are made from the submissions the
// generation reads anyway: the new schedule costs the requests the first
// did.
func TestReturnsMadeLaterKeepTheFirstThroughTheAPI(t *testing.T) {
	t.Parallel()
	w := newRCWorld(t, nil)
	a, clk := w.a, w.s.Clock
	a.Want(t, http.StatusOK, testkit.Request("PATCH", w.path(""), w.lead, map[string]any{"reviewOutcomes": true}, "If-Match", w.etag(t)(w.path(""))))
	schedule := func(name string, due int) string {
		r := a.Want(t, http.StatusCreated, testkit.Request("POST", w.path("/schedules"), w.lead, map[string]any{"name": name, "frequency": "quarterly",
			"firstPeriodStart": "2026-01-01", "lastPeriodEnd": "2026-12-31", "dueDays": due}))
		return testkit.Decode[domain.Schedule](t, r).ID
	}
	n := w.s.Count.Measure(func() { w.schedule = schedule("Quarterly returns", 20) })
	firstCost := n.String()
	q1 := func(notes string) map[string]any {
		return map[string]any{"periodStart": "2026-01-01", "periodEnd": "2026-03-31", "counts": map[string]int{"referrals": 10}, "notes": notes}
	}
	clk.Set("2026-04-10T10:00:00Z")
	g, _ := a.Create(t, w.pl, w.outcomes(), q1("first team"))
	clk.Set("2026-04-11T10:00:00Z")
	a.Want(t, http.StatusOK, testkit.Request("POST", w.outcomes()+"/"+g+"/review", w.lead, map[string]any{"decision": "approve"}))
	clk.Set("2026-04-12T10:00:00Z")
	x, _ := a.Create(t, w.pl, w.outcomes(), q1("second team"))

	clk.Set("2026-04-13T10:00:00Z")
	var later string
	n = w.s.Count.Measure(func() { later = schedule("Quarterly returns, due in 30 days", 30) })
	if got := n.String(); got != firstCost {
		t.Errorf("the schedule made after the figures: %s, want the first's %s", got, firstCost)
	}
	oldQ1 := domain.ReturnID(w.schedule, w.project, domain.MustDate("2026-01-01"))
	newQ1 := domain.ReturnID(later, w.project, domain.MustDate("2026-01-01"))
	get := func(id, as string) domain.Return {
		return testkit.Decode[domain.Return](t, a.Want(t, http.StatusOK, testkit.Request("GET", w.path("/returns/"+id), as, nil)))
	}
	check := func(what string) {
		t.Helper()
		for _, as := range []string{w.lead, w.funder} {
			for _, id := range []string{oldQ1, newQ1} {
				if r := get(id, as); r.Status != domain.ReturnAccepted || r.SubmissionID != g || r.Late {
					t.Errorf("%s: %s reads %s as %s on %q (late %v), want accepted on the first team's %s", what, as, id, r.Status, r.SubmissionID, r.Late, g)
				}
			}
		}
	}
	check("a schedule made after the figures")

	// A payment on either return falls due at once.
	grant, _ := a.Create(t, w.lead, w.path("/grants"), map[string]any{"funderId": w.fund, "title": "Employment specialists", "amountPence": 10_000_00,
		"currency": "GBP", "awardDate": "2026-01-01", "startDate": "2026-01-01", "endDate": "2027-12-31"})
	for _, id := range []string{oldQ1, newQ1} {
		p := testkit.Decode[domain.Payment](t, a.Want(t, http.StatusCreated, testkit.Request("POST", w.path("/grants/"+grant+"/payments"), w.lead,
			map[string]any{"amountPence": 1000, "dueDate": "2026-06-30", "trigger": map[string]any{"kind": "return", "returnId": id}})))
		if p.Status != domain.PaymentDue {
			t.Errorf("a payment on %s: %s, want due (the return is accepted)", id, p.Status)
		}
	}

	// The second team's figures sent back: no return moves.
	a.Want(t, http.StatusOK, testkit.Request("POST", w.outcomes()+"/"+x+"/review", w.lead,
		map[string]any{"decision": "request-changes", "comment": "Which team sent these?"}))
	check("the second team's figures sent back")
	if rs := testkit.ListAll[domain.Return](t, a, w.pl, w.path("/returns?status=changes-requested")); len(rs) != 0 {
		t.Errorf("returns listed as changes requested: %+v", rs)
	}
}
