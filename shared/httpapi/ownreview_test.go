package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestOwnSubmissionReviewThroughTheAPI (audit-reporting2 W1) on DynamoDB:
// a lead's decision on figures they sent is 409 while the programme has
// another lead (nothing changes; the refusal costs one Query of the
// members more than the access read and the submission), and the other
// lead's approval is an ordinary review; an administrator's own figures
// likewise while the programme has a lead. The programme's only lead may
// approve their own figures, and the submission, its return and its
// history say the reviewer sent them (review.bySubmitter).
func TestOwnSubmissionReviewThroughTheAPI(t *testing.T) {
	t.Parallel()
	w := newRCWorld(t, nil)
	a, clk := w.a, w.s.Clock
	measure := w.measure(t)
	a.Want(t, http.StatusOK, testkit.Request("PATCH", w.path(""), w.lead, map[string]any{"reviewOutcomes": true}, "If-Match", w.etag(t)(w.path(""))))
	w.schedule, _ = a.Create(t, w.lead, w.path("/schedules"), map[string]any{"name": "Quarterly returns", "frequency": "quarterly",
		"firstPeriodStart": "2026-01-01", "lastPeriodEnd": "2026-12-31"})
	deputy := w.inbox.Addr("deputy", "trust.nhs.uk")
	a.PutMember(t, w.pid, deputy, testkit.RoleLead())
	clk.Set("2026-04-10T10:00:00Z")
	quarter := func(as, start, end string) string {
		id, _ := a.Create(t, as, w.outcomes(), map[string]any{"periodStart": start, "periodEnd": end, "counts": map[string]int{"referrals": 5}})
		return id
	}
	review := func(as, id string) testkit.Req {
		return testkit.Request("POST", w.outcomes()+"/"+id+"/review", as, map[string]any{"decision": "approve"})
	}
	q1 := quarter(w.lead, "2026-01-01", "2026-03-31")
	before := w.a.Snapshot(t)
	res := measure("a lead approving their own figures", "BatchGetItem×1 Query×2", review(w.lead, q1), http.StatusConflict)
	e := testkit.WantErr(t, res, http.StatusConflict, "conflict")
	if want := "you sent these figures yourself, so another lead of the programme must review them " +
		"(figures count for funders only once someone other than whoever entered them has checked them); " +
		"they wait in the review queue of the programme's other leads"; e.Message != want {
		t.Errorf("message %q", e.Message)
	}
	testkit.SameSnapshot(t, "a decision on one's own figures", before, w.a.Snapshot(t))
	o := testkit.Decode[domain.Outcome](t, a.Want(t, http.StatusOK, review(deputy, q1)))
	if o.Status != domain.OutcomeApproved || o.Review == nil || o.Review.By != deputy || o.Review.BySubmitter {
		t.Errorf("the deputy's approval: %+v", o)
	}
	// An administrator's own figures, with the programme's leads there.
	q2 := quarter(uAdmin, "2026-04-01", "2026-06-30")
	testkit.WantErr(t, a.Do(t, review(uAdmin, q2)), http.StatusConflict, "conflict")
	a.Want(t, http.StatusOK, review(w.lead, q2))

	// The deputy steps down: the lead is the only lead.
	a.PutMember(t, w.pid, deputy, testkit.RoleProjectLead(w.project))
	clk.Set("2026-10-10T10:00:00Z")
	q3 := quarter(w.lead, "2026-07-01", "2026-09-30")
	o = testkit.Decode[domain.Outcome](t, a.Want(t, http.StatusOK, review(w.lead, q3)))
	if o.Review == nil || !o.Review.BySubmitter || o.Review.By != w.lead {
		t.Errorf("the only lead's approval of their own figures: %+v", o.Review)
	}
	r := testkit.Decode[domain.Return](t, a.Want(t, http.StatusOK, testkit.Request("GET",
		w.path("/returns/"+domain.ReturnID(w.schedule, w.project, domain.MustDate("2026-07-01"))), deputy, nil)))
	if r.Status != domain.ReturnAccepted || r.Review == nil || !r.Review.BySubmitter {
		t.Errorf("its return, to the project lead: %+v", r)
	}
	hist := testkit.ListAll[domain.AuditEvent](t, a, w.lead, w.outcomes()+"/"+q3+"/history")
	if len(hist) == 0 || hist[0].Action != domain.ActionReview {
		t.Fatalf("history %+v", hist)
	}
	if rv, _ := hist[0].Changes["review"].After.(map[string]any); rv["bySubmitter"] != true {
		t.Errorf("the review in the history: %+v", hist[0].Changes["review"])
	}
}
