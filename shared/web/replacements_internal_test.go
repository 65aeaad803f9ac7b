package web

import (
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// TestReplacements: what became of each submission a later one replaced,
// from a list of them newest first: a correction recorded before
// correctedBy was (only its replaces says so), new figures that took a
// submission sent back over (only its correctedBy says so, not
// corrections of it), a chain followed to its newest, and a submission
// whose replacement is not in the list (a page ended between them).
func TestReplacements(t *testing.T) {
	pending, approved, sentBack := domain.OutcomePending, domain.OutcomeApproved, domain.OutcomeChangesRequested
	list := []domain.Outcome{
		{ID: "fix", Replaces: "new", Status: pending},
		{ID: "new", Status: approved, CorrectedBy: "fix"},
		{ID: "back", Status: sentBack, CorrectedBy: "new"}, // taken over
		{ID: "corr", Replaces: "legacy"},                   // stored before review and correctedBy
		{ID: "legacy"},
		{ID: "gone", Status: approved, CorrectedBy: "off-page"},
		{ID: "alone", Status: approved},
	}
	got := replacements(list)
	want := map[string]struct {
		newest          string
		status          domain.OutcomeStatus
		read, takenOver bool
	}{
		"new":    {"fix", pending, true, false},
		"back":   {"fix", pending, true, true},
		"legacy": {"corr", approved, true, false},
		"gone":   {"off-page", "", false, false},
	}
	if len(got) != len(want) {
		t.Errorf("replaced: %v, want those of %v", got, want)
	}
	for id, w := range want {
		r, ok := got[id]
		if !ok || r.Newest.ID != w.newest || r.Newest.Status != w.status || r.Read != w.read || r.TakenOver != w.takenOver {
			t.Errorf("%s: %+v (listed %v), want newest %s %q, read %v, taken over %v", id, r, ok, w.newest, w.status, w.read, w.takenOver)
		}
	}
}
