package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestImportRowForAPeriodTakenOver: over HTTP and DynamoDB Local, a
// reviewing programme's quarter sent, sent back for changes, and sent
// again as new figures (not a correction), which take the first over
// (its correctedBy names them). A spreadsheet row for that quarter is
// weighed against the new figures alone, not refused as a period held
// twice: unchanged with their figures (dry run and real), else their
// correction, even with the figures sent back. Once it is approved the
// quarter counts once, its return holds it, and the submission taken
// over is still read, replaced by the new figures.
func TestImportRowForAPeriodTakenOver(t *testing.T) {
	t.Parallel()
	s := testkit.New(t, testkit.WithClock("2026-04-05T09:00:00Z"))
	h := startAPI(t, s, nil, testkit.APIConfig{Now: s.Clock.Now})
	f := s.Build(t).Core("Programme 1")
	p := "/programmes/" + f.Programme
	outcomes := p + "/projects/" + f.A + "/outcomes"
	etag := h.Want(t, http.StatusOK, testkit.Request(http.MethodGet, p, testkit.Lead, nil)).Header.Get("ETag")
	h.Want(t, http.StatusOK, testkit.Request(http.MethodPatch, p, testkit.Lead, map[string]any{"reviewOutcomes": true}, "If-Match", etag))
	sch := testkit.Decode[domain.Schedule](t, h.Want(t, http.StatusCreated, testkit.Request(http.MethodPost, p+"/schedules", testkit.Lead,
		map[string]any{"name": "Quarterly returns", "frequency": "quarterly", "firstPeriodStart": "2026-01-01", "lastPeriodEnd": "2026-12-31"})))
	rid := domain.ReturnID(sch.ID, f.A, domain.MustDate("2026-01-01"))
	q1 := func(referrals int) map[string]any {
		return map[string]any{"periodStart": "2026-01-01", "periodEnd": "2026-03-31", "counts": map[string]int{"referrals": referrals}}
	}
	submit := func(referrals int) domain.Outcome {
		return testkit.Decode[domain.Outcome](t, h.Want(t, http.StatusCreated, testkit.Request(http.MethodPost, outcomes, testkit.LeadOfA, q1(referrals))))
	}
	review := func(id string, decision map[string]any) {
		h.Want(t, http.StatusOK, testkit.Request(http.MethodPost, outcomes+"/"+id+"/review", testkit.Lead, decision))
	}
	sent := submit(4)
	review(sent.ID, map[string]any{"decision": "request-changes", "comment": "Check referrals."})
	fresh := submit(5)
	read := func(id string) domain.Outcome {
		return testkit.Decode[domain.Outcome](t, h.Want(t, http.StatusOK, testkit.Request(http.MethodGet, outcomes+"/"+id, testkit.Lead, nil)))
	}
	if by := read(sent.ID).CorrectedBy; by != fresh.ID {
		t.Fatalf("the submission sent back is corrected by %q, want the new figures %s", by, fresh.ID)
	}

	row := func(referrals string) []byte {
		return []byte("project,periodStart,periodEnd,referrals\nProject A,2026-01-01,2026-03-31," + referrals + "\n")
	}
	for _, path := range []string{p + "/imports?dryRun=true", p + "/imports"} {
		res := testkit.Decode[domain.ImportResult](t, h.Want(t, http.StatusOK, importReq(testkit.LeadOfA, path, domain.MediaCSV, row("5"))))
		if res.Rows != 1 || res.Unchanged != 1 || res.Created+res.Corrected != 0 {
			t.Errorf("%s, the new figures' row: %+v, want it unchanged", path, res)
		}
	}
	res := testkit.Decode[domain.ImportResult](t, h.Want(t, http.StatusOK, importReq(testkit.LeadOfA, p+"/imports", domain.MediaCSV, row("4"))))
	if res.Corrected != 1 || len(res.Submissions) != 1 {
		t.Fatalf("the figures sent back, imported: %+v, want a correction", res)
	}
	fix := read(res.Submissions[0])
	if fix.Replaces != fresh.ID || fix.Status != domain.OutcomePending {
		t.Errorf("the row's submission replaces %q (%s), want the new figures %s, awaiting review", fix.Replaces, fix.Status, fresh.ID)
	}
	review(fix.ID, map[string]any{"decision": "approve"})
	pr := testkit.Decode[domain.Progress](t, h.Want(t, http.StatusOK, testkit.Request(http.MethodGet, p+"/progress", testkit.Lead, nil)))
	if got := pr.Totals[domain.MetricReferrals]; got != 4 || pr.Pending == nil || pr.Pending.Submissions != 0 {
		t.Errorf("progress: referrals %d, pending %+v; want the quarter's 4 once, nothing pending", got, pr.Pending)
	}
	r := testkit.Decode[domain.Return](t, h.Want(t, http.StatusOK, testkit.Request(http.MethodGet, p+"/returns/"+rid, testkit.Lead, nil)))
	if r.Status != domain.ReturnAccepted || r.SubmissionID != fix.ID {
		t.Errorf("the quarter's return: %s on %s, want accepted on %s", r.Status, r.SubmissionID, fix.ID)
	}
	if got := read(sent.ID); got.CorrectedBy != fresh.ID || got.Status != domain.OutcomeChangesRequested {
		t.Errorf("the submission taken over, read: corrected by %q, %s", got.CorrectedBy, got.Status)
	}
}
