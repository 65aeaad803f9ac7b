package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/store"
	"github.com/fundtrack/fundtrack/shared/testenv"
)

// dirty returns the programme's entry in its shard of the
// changed-programmes index, if any.
func dirty(t *testing.T, st *store.Store, programmeID string) (service.DirtyProgramme, bool) {
	t.Helper()
	all, _, err := st.DirtyProgrammes(context.Background(), store.ShardOf(programmeID), service.Page{Limit: service.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range all {
		if d.ProgrammeID == programmeID {
			return d, true
		}
	}
	return service.DirtyProgramme{}, false
}

// The notifier clears a programme's changed marker only if no change came
// after the one it saw, even a change stamped with the very same time.
func TestClearDirtyKeepsAChangeMadeMeanwhile(t *testing.T) {
	t.Parallel()
	db, table := testenv.Table(t)
	w := dsSetup(t, db, table)
	ctx := context.Background()
	at := time.Date(2026, 1, 31, 12, 0, 0, 0, time.UTC)
	submit := func() {
		o := w.outcome(w.A, "", "2025-06-30", map[domain.Metric]int64{domain.MetricReferrals: 1})
		o.SubmittedAt = at // the same millisecond each time
		if err := w.submit(t, o, nil); err != nil {
			t.Fatal(err)
		}
	}

	submit()
	seen, ok := dirty(t, w.st, w.P)
	if !ok || seen.Changes < 1 {
		t.Fatalf("after a submission the programme is not marked changed: %+v %v", seen, ok)
	}
	submit() // lands after the notifier read the index, at the same timestamp
	if err := w.st.ClearDirty(ctx, w.P, seen.Changes); err != nil {
		t.Fatal(err)
	}
	now, ok := dirty(t, w.st, w.P)
	if !ok || now.Changes != seen.Changes+1 {
		t.Fatalf("a change made during the run was cleared with the one before it: %+v %v", now, ok)
	}
	if err := w.st.ClearDirty(ctx, w.P, now.Changes); err != nil {
		t.Fatal(err)
	}
	if d, ok := dirty(t, w.st, w.P); ok {
		t.Fatalf("clearing with the current count left the marker: %+v", d)
	}
}
