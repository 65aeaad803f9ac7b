package service_test

import (
	"context"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/service/memstore"
)

// beforeCorrectedBy is a store whose submissions were all stored before
// correctedBy was recorded: it lists none.
type beforeCorrectedBy struct{ *memstore.Store }

func (s beforeCorrectedBy) ListOutcomes(ctx context.Context, programmeID, projectID string, f service.OutcomeFilter, p service.Page) ([]domain.Outcome, string, error) {
	os, next, err := s.Store.ListOutcomes(ctx, programmeID, projectID, f, p)
	for i := range os {
		os[i].CorrectedBy = ""
	}
	return os, next, err
}

// TestListedCorrectedByOfSubmissionsStoredBefore: a project's list of
// submissions says which correction replaced each one, as the API's
// correctedBy does, for submissions corrected before the store recorded
// it too: derived from the correction's replaces when the correction is
// on the same page (read already: no request more). Never to a funder.
func TestListedCorrectedByOfSubmissionsStoredBefore(t *testing.T) {
	w := newWorld(t)
	fix := must(w.openA(plOwn).SubmitOutcome(body(map[string]any{"periodStart": "2025-04-01", "periodEnd": "2025-06-30",
		"counts": map[string]int64{"referrals": 12, "peopleIntoWork": 2}, "replaces": w.OutcomeA})))
	old := service.New(beforeCorrectedBy{w.st}, func() time.Time { return clock })
	correctedBy := func(r role, p service.Page) map[string]string {
		t.Helper()
		sc := old.OpenProject(w.ctx, caller(r), w.P, w.A)
		os, _, err := sc.ListOutcomes(p)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		for _, o := range os {
			out[o.ID] = o.CorrectedBy
		}
		return out
	}
	for _, r := range []role{lead, plOwn} {
		got := correctedBy(r, service.Page{Limit: 50})
		if got[w.OutcomeA] != fix.ID || got[fix.ID] != "" {
			t.Errorf("%s: correctedBy listed %v, want %s's to be %s and %s's none", r, got, w.OutcomeA, fix.ID, fix.ID)
		}
	}
	if got := correctedBy(funderOwn, service.Page{Limit: 50}); got[w.OutcomeA] != "" || len(got) != 2 {
		t.Errorf("funder: correctedBy listed %v, want none", got)
	}
	// A page with the submission but not its correction says nothing of it.
	sc := old.OpenProject(w.ctx, caller(lead), w.P, w.A)
	first, next, err := sc.ListOutcomes(service.Page{Limit: 1})
	if err != nil || len(first) != 1 || next == "" {
		t.Fatalf("first page of one: %v, %q, %v", first, next, err)
	}
	rest, _, err := sc.ListOutcomes(service.Page{Limit: 1, Cursor: next})
	if err != nil || len(rest) != 1 {
		t.Fatalf("second page of one: %v, %v", rest, err)
	}
	for _, o := range append(first, rest...) {
		if o.CorrectedBy != "" {
			t.Errorf("%s listed alone: correctedBy %q, want none (its correction is on another page)", o.ID, o.CorrectedBy)
		}
	}
}
