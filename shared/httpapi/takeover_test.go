package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestCorrectionAfterNewFiguresRefused is the audit's repro (W6) through
// the API on DynamoDB: with review on, a submission sent back, then new
// figures for its return without replaces (the return holds them), then a
// correction of the one sent back. The correction is refused 409 as a
// correction of a submission already corrected, naming the new figures,
// so the quarter can never be approved twice; the one sent back says what
// replaced it (correctedBy). What each costs is asserted.
func TestCorrectionAfterNewFiguresRefused(t *testing.T) {
	t.Parallel()
	w := newRCWorld(t, nil)
	a, clk := w.a, w.s.Clock
	measure := w.measure(t)
	etag := a.Want(t, http.StatusOK, testkit.Request("GET", w.path(""), w.lead, nil)).Header.Get("ETag")
	a.Want(t, http.StatusOK, testkit.Request("PATCH", w.path(""), w.lead, map[string]any{"reviewOutcomes": true}, "If-Match", etag))
	w.schedule, _ = a.Create(t, w.lead, w.path("/schedules"), map[string]any{"name": "Quarterly returns", "frequency": "quarterly",
		"firstPeriodStart": "2026-01-01", "lastPeriodEnd": "2026-12-31"})
	w.returnQ1 = domain.ReturnID(w.schedule, w.project, domain.MustDate("2026-01-01"))
	clk.Set("2026-04-10T10:00:00Z")
	q1 := func(n int, replaces string) map[string]any {
		in := map[string]any{"periodStart": "2026-01-01", "periodEnd": "2026-03-31", "counts": map[string]int{"referrals": n}}
		if replaces != "" {
			in["replaces"] = replaces
		}
		return in
	}
	sent, _ := a.Create(t, w.pl, w.outcomes(), q1(4, ""))
	a.Want(t, http.StatusOK, testkit.Request("POST", w.outcomes()+"/"+sent+"/review", w.lead,
		map[string]any{"decision": "request-changes", "comment": "Check referrals."}))
	// New figures, not a correction: the return takes them, and the
	// submission sent back is read by its key (one GetItem more than a
	// submission filling one return).
	n1 := testkit.Decode[domain.Outcome](t, measure("new figures taking over", "BatchGetItem×2 GetItem×1 Query×1 TransactWriteItems×1",
		testkit.Request("POST", w.outcomes(), w.pl, q1(4, "")), http.StatusCreated)).ID
	if r := w.ret(t, w.lead); r.Status != domain.ReturnSubmitted || r.SubmissionID != n1 {
		t.Fatalf("the return after new figures: %+v", r)
	}
	if o := testkit.Decode[domain.Outcome](t, a.Want(t, http.StatusOK, testkit.Request("GET", w.outcomes()+"/"+sent, w.pl, nil))); o.CorrectedBy != n1 ||
		o.Status != domain.OutcomeChangesRequested {
		t.Errorf("the submission sent back: %+v", o)
	}
	res := a.Do(t, testkit.Request("POST", w.outcomes(), w.pl, q1(4, sent)))
	e := testkit.WantErr(t, res, http.StatusConflict, "conflict")
	if want := "that submission has already been corrected; correct the newest one (" + n1 + ") instead"; e.Message != want {
		t.Errorf("the correction of the submission sent back: %q, want %q", e.Message, want)
	}
	if q := testkit.ListAll[domain.Outcome](t, a, w.lead, w.path("/outcomes/pending")); len(q) != 1 || q[0].ID != n1 {
		t.Errorf("the review queue: %+v, want only %s", q, n1)
	}
	a.Want(t, http.StatusOK, testkit.Request("POST", w.outcomes()+"/"+n1+"/review", w.lead, map[string]any{"decision": "approve"}))
	if lp := w.progress(t, w.lead); lp.Totals["referrals"] != 4 {
		t.Errorf("referrals counted: %d, want 4 (the quarter once)", lp.Totals["referrals"])
	}
	if r := w.ret(t, w.lead); r.Status != domain.ReturnAccepted || r.SubmissionID != n1 {
		t.Errorf("the return at the end: %+v", r)
	}
}
