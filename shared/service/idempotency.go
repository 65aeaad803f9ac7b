package service

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// Idempotency is the idempotency contract as transports use it: claims on
// keys, the answers to replay, and storage errors turned into the client's.
type Idempotency struct{ st IdempotencyStore }

// Idempotency returns the service's idempotency keeper.
func (s *Service) Idempotency() Idempotency { return Idempotency{st: s.store} }

// ClaimFor makes a fresh claim on key for the caller. Keys are scoped to
// the caller as roles know them: the token's subject and its email
// together. Roles are by email, so a subject alone was not the caller: a
// token of another email that shared the subject (another identity
// provider, a hand-made token) was handed the first caller's saved
// answer, programme data and all, before any access check. The subject is
// length-prefixed, so no subject and email can spell another pair.
func ClaimFor(c domain.Caller, key string) Claim {
	scope := strconv.Itoa(len(c.Subject)) + ":" + c.Subject + c.Email
	return Claim{Scope: scope, Key: key, ID: domain.NewID()}
}

// RequestHash is what makes two requests "the same request" for a key:
// method, path and body.
func RequestHash(method, path string, body []byte) string {
	h := sha256.New()
	h.Write([]byte(method + " " + path + "\n"))
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}

// Begin claims c's key (see IdempotencyStore.BeginIdempotent).
func (i Idempotency) Begin(ctx context.Context, c Claim, hash string, now time.Time, lease time.Duration) (*SavedAnswer, error) {
	saved, err := i.st.BeginIdempotent(ctx, c, hash, now, lease)
	switch {
	case errors.Is(err, ErrKeyReused):
		return nil, domain.Errorf(domain.CodeIdempotencyKeyReused, "this Idempotency-Key was already used with a different request")
	case errors.Is(err, ErrInProgress):
		return nil, domain.Errorf(domain.CodeRequestInProgress, "a request with this Idempotency-Key is still in progress")
	case errors.Is(err, ErrAnswerLost):
		return nil, domain.Errorf(domain.CodeConflict, "a request with this Idempotency-Key was applied, but its answer was lost; look the record up rather than sending it again")
	}
	return saved, storeErr(err, "", nil)
}

// Complete saves the answer to c's request for replay.
func (i Idempotency) Complete(ctx context.Context, c Claim, a SavedAnswer) error {
	return storeErr(i.st.CompleteIdempotent(ctx, c, a), "", nil)
}

// Abandon releases c's claim when its request changed nothing.
func (i Idempotency) Abandon(ctx context.Context, c Claim) error {
	return storeErr(i.st.AbandonIdempotent(ctx, c), "", nil)
}
