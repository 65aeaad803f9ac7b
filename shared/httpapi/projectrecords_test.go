package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestChangeOfAProjectRecordAnswersAsItsRead: a PATCH of a post or cohort
// answers as a GET of the same address first (audit-surface N2): one that
// is not there is 404 for everyone, a funder included (it was 403, where a
// target, funder or grant not there was 404); another project's is 404 to
// a project lead, as reading it is (it was 403). A funder, who reads the
// record, may not change it: 403.
func TestChangeOfAProjectRecordAnswersAsItsRead(t *testing.T) {
	t.Parallel()
	h := newMemAPI(t)
	f := h.fixture(t)
	b := h.Build(t)
	A := f.p1("/projects/" + f.A)
	records := map[string]string{
		"post":   A + "/posts/" + b.Post(f.P1, f.A, testkit.PostBody(f.GrantXA, "vacant")).ID,
		"cohort": A + "/cohorts/" + b.Cohort(f.P1, f.A, testkit.CohortBody(4)).ID,
	}
	change := map[string]map[string]any{"post": {"status": "filled"}, "cohort": {"places": 5}}
	nothing := domain.NewID()
	before := h.Snapshot(t)
	for kind, path := range records {
		collection := path[:len(path)-len(nothing)]
		for _, c := range []struct {
			who, path string
			want      int
		}{
			{uFunderX, collection + nothing, http.StatusNotFound},
			{uPLB, collection + nothing, http.StatusNotFound},
			{uLead, collection + nothing, http.StatusNotFound},
			{uPLB, path, http.StatusNotFound},
			{uFunderX, path, http.StatusForbidden},
			{uOutsider, path, http.StatusNotFound},
		} {
			read := h.Do(t, testkit.Request(http.MethodGet, c.path, c.who, nil))
			r := h.Do(t, testkit.Request(http.MethodPatch, c.path, c.who, change[kind], "If-Match", "*"))
			if r.Status != c.want {
				t.Errorf("%s: PATCH %s as %s: %s, want %d", kind, c.path, c.who, r, c.want)
			}
			if c.want == http.StatusNotFound && read.Status != http.StatusNotFound {
				t.Errorf("%s: GET %s as %s: %s, want 404 as its PATCH", kind, c.path, c.who, read)
			}
		}
	}
	testkit.SameSnapshot(t, "refused changes of project records", before, h.Snapshot(t))
	for kind, path := range records {
		h.Want(t, http.StatusOK, testkit.Request(http.MethodPatch, path, uPLA, change[kind], "If-Match", "*"))
	}
}
