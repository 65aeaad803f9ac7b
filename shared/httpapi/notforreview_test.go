package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestReviewWithoutReview: in a programme that does not review
// submissions, a decision on one is 409 saying the programme did not
// review it and its figures counted when it was sent (not "already
// approved", which no lead did), and changes nothing.
func TestReviewWithoutReview(t *testing.T) {
	t.Parallel()
	h := newMemAPI(t)
	f := h.fixture(t)
	outcomes := f.p1("/projects/" + f.A + "/outcomes")
	id, _ := h.Create(t, uPLA, outcomes, testkit.OutcomeBody(map[string]int{"referrals": 3}))
	before := h.Want(t, http.StatusOK, testkit.Request("GET", outcomes+"/"+id, uLead, nil)).Body
	for _, decision := range []map[string]any{{"decision": "approve"}, {"decision": "request-changes", "comment": "Split referrals, please."}} {
		r := h.Do(t, testkit.Request("POST", outcomes+"/"+id+"/review", uLead, decision))
		e := testkit.WantErr(t, r, http.StatusConflict, "conflict")
		if !strings.HasPrefix(e.Message, "this submission was sent while the programme did not review submissions, so its figures counted when it was sent") ||
			strings.Contains(e.Message, "already been approved") {
			t.Errorf("%v: %q, want the programme's not reviewing named", decision, e.Message)
		}
	}
	if after := h.Want(t, http.StatusOK, testkit.Request("GET", outcomes+"/"+id, uLead, nil)).Body; string(after) != string(before) {
		t.Errorf("the refused decision changed the submission:\n%s\n%s", before, after)
	}
}
