package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
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

	a := service.Claim{Scope: "sub", Key: "k1", ID: "A"}
	b := service.Claim{Scope: "sub", Key: "k1", ID: "B"}
	if saved, err := st.BeginIdempotent(ctx, a, "hash", t0, lease); err != nil || saved != nil {
		t.Fatalf("first claim: %v %v", saved, err)
	}
	p, ev := newProgramme(t)
	if err := st.CreateProgramme(ctx, p, service.Change{Audit: ev, Claim: &a}); err != nil {
		t.Fatal(err)
	}
	// The answer is lost: releasing the claim must not free the key.
	if err := st.AbandonIdempotent(ctx, a); err != nil {
		t.Fatal(err)
	}
	_, err := st.BeginIdempotent(ctx, b, "hash", t0.Add(time.Second), lease)
	if !errors.Is(err, service.ErrInProgress) {
		t.Fatalf("retry within the lease: %v, want %v", err, service.ErrInProgress)
	}
	_, err = st.BeginIdempotent(ctx, b, "hash", t0.Add(time.Minute), lease)
	if !errors.Is(err, service.ErrAnswerLost) {
		t.Fatalf("retry after the lease of a committed claim: %v, want %v", err, service.ErrAnswerLost)
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

	a := service.Claim{Scope: "sub", Key: "k2", ID: "A"}
	b := service.Claim{Scope: "sub", Key: "k2", ID: "B"}
	if _, err := st.BeginIdempotent(ctx, a, "hash", t0, lease); err != nil {
		t.Fatal(err)
	}
	if saved, err := st.BeginIdempotent(ctx, b, "hash", t0.Add(time.Minute), lease); err != nil || saved != nil {
		t.Fatalf("takeover after the lease: %v %v", saved, err)
	}
	late, ev := newProgramme(t)
	err := st.CreateProgramme(ctx, late, service.Change{Audit: ev, Claim: &a})
	if !errors.Is(err, service.ErrClaimTaken) {
		t.Fatalf("commit by the overtaken claimant: %v, want %v", err, service.ErrClaimTaken)
	}
	if _, err := st.Programme(ctx, late.ID); !errors.Is(err, service.ErrNotFound) {
		t.Fatalf("the overtaken claimant's change was written: %v", err)
	}
	p, ev := newProgramme(t)
	if err := st.CreateProgramme(ctx, p, service.Change{Audit: ev, Claim: &b}); err != nil {
		t.Fatalf("commit by the claimant holding the key: %v", err)
	}
}

// Keys are scoped so that no choice of subject and key reaches another
// caller's claim: "abc" with key "x#y" and "abc#x" with key "y" are two
// different claims (they were one item before the scope was hashed).
func TestIdempotencyScopesCannotCollide(t *testing.T) {
	t.Parallel()
	db, table := testenv.Table(t)
	st := store.New(db, table)
	ctx := context.Background()
	now := time.Now()
	first := service.Claim{Scope: "abc", Key: "x#y", ID: "A"}
	if _, err := st.BeginIdempotent(ctx, first, "hash", now, time.Minute); err != nil {
		t.Fatal(err)
	}
	if err := st.CompleteIdempotent(ctx, first, service.SavedAnswer{Status: 201, Body: []byte(`{"id":"first"}`)}); err != nil {
		t.Fatal(err)
	}
	for _, other := range []service.Claim{{Scope: "abc#x", Key: "y", ID: "B"}, {Scope: "ab", Key: "cx#y", ID: "C"}, {Scope: "abc", Key: "x#y ", ID: "D"}} {
		saved, err := st.BeginIdempotent(ctx, other, "hash", now, time.Minute)
		if err != nil || saved != nil {
			t.Errorf("%+v reached another caller's claim: %v %v", other, saved, err)
		}
	}
	saved, err := st.BeginIdempotent(ctx, service.Claim{Scope: "abc", Key: "x#y", ID: "E"}, "hash", now, time.Minute)
	if err != nil || saved == nil || string(saved.Body) != `{"id":"first"}` {
		t.Errorf("the same caller and key: %v %v, want the saved answer", saved, err)
	}
}
