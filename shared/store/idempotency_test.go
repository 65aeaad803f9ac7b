package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/store"
	"github.com/fundtrack/fundtrack/shared/testenv"
)

func newProgramme(t *testing.T) (domain.Programme, domain.AuditEvent) {
	t.Helper()
	p := domain.Programme{ID: domain.NewID(), Name: "Network", LeadOrganisation: "Trust",
		StartDate: domain.MustDate("2025-01-01"), EndDate: domain.MustDate("2026-12-31"), CreatedAt: time.Now().UTC()}
	c := domain.Caller{Identity: domain.Identity{Subject: "s", Email: "admin@example.org"}}
	return p, domain.NewAuditEvent(c, p.ID, domain.EntityProgramme, p.ID, domain.ActionCreate, nil, p, time.Now())
}

// The claim is committed in the change's own transaction: once committed it
// is never taken over or released, and a retry after its lease is told the
// change was applied rather than applying it again.
func TestIdempotencyClaimCommitsWithTheChange(t *testing.T) {
	t.Parallel()
	db, table := testenv.Table(t)
	st := store.New(db, table)
	ctx := context.Background()
	t0 := time.Now()
	lease := 30 * time.Second

	if saved, err := st.BeginIdempotent(ctx, "sub", "k1", "hash", "A", t0, lease); err != nil || saved != nil {
		t.Fatalf("first claim: %v %v", saved, err)
	}
	p, ev := newProgramme(t)
	if err := st.CreateProgramme(store.WithIdempotencyClaim(ctx, "sub", "k1", "A"), p, ev); err != nil {
		t.Fatal(err)
	}
	// The answer is lost: releasing the claim must not free the key.
	if err := st.AbandonIdempotent(ctx, "sub", "k1", "A"); err != nil {
		t.Fatal(err)
	}
	_, err := st.BeginIdempotent(ctx, "sub", "k1", "hash", "B", t0.Add(time.Second), lease)
	if domain.ErrorCode(err) != domain.CodeRequestInProgress {
		t.Fatalf("retry within the lease: %v, want request_in_progress", err)
	}
	_, err = st.BeginIdempotent(ctx, "sub", "k1", "hash", "B", t0.Add(time.Minute), lease)
	if domain.ErrorCode(err) != domain.CodeConflict {
		t.Fatalf("retry after the lease of a committed claim: %v, want conflict (applied, answer lost)", err)
	}
	if _, err := st.Programme(ctx, p.ID); err != nil {
		t.Fatalf("the committed change is not there: %v", err)
	}
}

// A claimant whose lease ran out and was taken over cannot commit: its
// change is refused whole, so the key's change is applied once, by the
// claimant holding it.
func TestIdempotencyTakenOverClaimCannotCommit(t *testing.T) {
	t.Parallel()
	db, table := testenv.Table(t)
	st := store.New(db, table)
	ctx := context.Background()
	t0 := time.Now()
	lease := 30 * time.Second

	if _, err := st.BeginIdempotent(ctx, "sub", "k2", "hash", "A", t0, lease); err != nil {
		t.Fatal(err)
	}
	if saved, err := st.BeginIdempotent(ctx, "sub", "k2", "hash", "B", t0.Add(time.Minute), lease); err != nil || saved != nil {
		t.Fatalf("takeover after the lease: %v %v", saved, err)
	}
	late, ev := newProgramme(t)
	err := st.CreateProgramme(store.WithIdempotencyClaim(ctx, "sub", "k2", "A"), late, ev)
	if domain.ErrorCode(err) != domain.CodeRequestInProgress {
		t.Fatalf("commit by the overtaken claimant: %v, want request_in_progress", err)
	}
	if _, err := st.Programme(ctx, late.ID); domain.ErrorCode(err) != domain.CodeNotFound {
		t.Fatalf("the overtaken claimant's change was written: %v", err)
	}
	p, ev := newProgramme(t)
	if err := st.CreateProgramme(store.WithIdempotencyClaim(ctx, "sub", "k2", "B"), p, ev); err != nil {
		t.Fatalf("commit by the claimant holding the key: %v", err)
	}
}
