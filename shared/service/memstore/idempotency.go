package memstore

import (
	"context"
	"time"

	"github.com/fundtrack/fundtrack/shared/service"
)

// ttl is how long a claim and its answer are kept (the DynamoDB store's
// IdempotencyTTL).
const ttl = 24 * time.Hour

// claim is the state of one idempotency key, as the DynamoDB store keeps it.
type claim struct {
	Hash       string
	ID         string // the claimant holding the key; a takeover brings a new one
	State      string
	LeaseUntil time.Time
	Expires    time.Time
	Answer     *service.SavedAnswer
}

const (
	pending   = "pending"
	committed = "committed" // the change is written; its answer is not saved yet
	done      = "done"
)

func claimKey(c service.Claim) [2]string { return [2]string{c.Scope, c.Key} }

// BeginIdempotent implements service.IdempotencyStore. The key is free
// when unclaimed, expired, or pending for the same request under a lease
// that has run out (its holder died before changing anything).
func (s *Store) BeginIdempotent(_ context.Context, c service.Claim, hash string, now time.Time, lease time.Duration) (*service.SavedAnswer, error) {
	if err := s.enter("BeginIdempotent"); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	prev := s.claims[claimKey(c)]
	// The DynamoDB store compares the TTL in seconds and leases in milliseconds.
	if prev == nil || prev.Expires.Unix() < now.Unix() ||
		(prev.State == pending && prev.LeaseUntil.UnixMilli() < now.UnixMilli() && prev.Hash == hash) {
		s.claims[claimKey(c)] = &claim{Hash: hash, ID: c.ID, State: pending, LeaseUntil: now.Add(lease), Expires: now.Add(ttl)}
		return nil, nil
	}
	switch {
	case prev.Hash != hash && prev.State == done:
		a := *prev.Answer
		return &a, service.ErrKeyReused
	case prev.Hash != hash:
		return nil, service.ErrKeyReused
	case prev.State == done:
		a := *prev.Answer
		return &a, nil
	case prev.State == committed && prev.LeaseUntil.UnixMilli() < now.UnixMilli():
		return nil, service.ErrAnswerLost
	default:
		return nil, service.ErrInProgress
	}
}

// CompleteIdempotent implements service.IdempotencyStore.
func (s *Store) CompleteIdempotent(_ context.Context, c service.Claim, a service.SavedAnswer) error {
	if err := s.enter("CompleteIdempotent"); err != nil {
		return err
	}
	defer s.mu.Unlock()
	cl := s.claims[claimKey(c)]
	if cl == nil || cl.ID != c.ID {
		return service.ErrClaimTaken
	}
	saved := service.SavedAnswer{Status: a.Status, Headers: a.Headers, Body: append([]byte(nil), a.Body...)}
	cl.State, cl.Answer = done, &saved
	return nil
}

// AbandonIdempotent implements service.IdempotencyStore: only a pending
// claim still held by c is released; a committed one stays.
func (s *Store) AbandonIdempotent(_ context.Context, c service.Claim) error {
	if err := s.enter("AbandonIdempotent"); err != nil {
		return err
	}
	defer s.mu.Unlock()
	if cl := s.claims[claimKey(c)]; cl != nil && cl.State == pending && cl.ID == c.ID {
		delete(s.claims, claimKey(c))
	}
	return nil
}
