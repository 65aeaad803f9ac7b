package service

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// Idempotency is the idempotency contract as transports use it: claims on
// keys, the answers to replay, and storage errors turned into the client's.
type Idempotency struct {
	st  IdempotencyStore
	now func() time.Time
}

// Idempotency returns the service's idempotency keeper.
func (s *Service) Idempotency() Idempotency { return Idempotency{st: s.store, now: s.now} }

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

// Begin claims c's key (see IdempotencyStore.BeginIdempotent). Its
// refusals are domain errors wrapping ErrKeyReused, ErrInProgress or
// ErrAnswerLost, so a caller can tell them from its own work's; with
// ErrKeyReused comes the earlier request's answer, when it was saved.
func (i Idempotency) Begin(ctx context.Context, c Claim, hash string, now time.Time, lease time.Duration) (*SavedAnswer, error) {
	saved, err := i.st.BeginIdempotent(ctx, c, hash, now, lease)
	switch {
	case errors.Is(err, ErrKeyReused):
		return saved, &domain.Error{Code: domain.CodeIdempotencyKeyReused, Err: err,
			Message: "this Idempotency-Key was already used with a different request"}
	case errors.Is(err, ErrInProgress):
		return nil, &domain.Error{Code: domain.CodeRequestInProgress, Err: err,
			Message: "a request with this Idempotency-Key is still in progress"}
	case errors.Is(err, ErrAnswerLost):
		return nil, &domain.Error{Code: domain.CodeConflict, Err: err,
			Message: "a request with this Idempotency-Key was applied, but its answer was lost; look the record up rather than sending it again"}
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

// Once is one piece of work to run at most once for a key (RunOnce).
type Once struct {
	Claim Claim
	// Hash is what makes a repeat the same request (RequestHash): a
	// repeat with the key but another hash is refused.
	Hash string
	// Lease is how long the run holds the key; a holder that died before
	// writing anything is taken over after it.
	Lease time.Duration
	// Wait bounds how long a repeat waits for a run of the key still
	// going; Poll is how often it looks.
	Wait, Poll time.Duration
	// Log is told of a claim that could not be released or an answer that
	// could not be saved (optional): the run's own outcome stands.
	Log func(error)
	// Saved, if set, is asked after work succeeds: true when work saved
	// its answer itself (in the transaction of its change), so RunOnce
	// does not write it a second time.
	Saved func() bool
}

// RunOnce runs work at most once for o.Claim's key, under the contract of
// the API's Idempotency-Key: the web's one-time form keys and an import's
// confirmation run through it. The first request runs work, holding the claim (work
// passes it to its changes, whose own transaction commits it, so the
// change is made at most once even if the answer is then lost), and its
// answer is saved. A repeat gets that saved answer back, waiting up to
// o.Wait for a first run still going. work failing releases the key, so a
// retry runs again; a release that finds the claim committed (work wrote
// something before it failed) keeps it.
//
// The key's refusals are Begin's: ErrKeyReused (the key was used with
// another request; the answer returned is that request's, if saved), ErrInProgress (the first run still going after
// o.Wait) and ErrAnswerLost (the first run's change was made but its
// answer lost); work's own errors come back as they are.
func (i Idempotency) RunOnce(ctx context.Context, o Once, work func(c *Claim) (SavedAnswer, error)) (SavedAnswer, error) {
	wait, cancel := context.WithTimeout(ctx, o.Wait)
	defer cancel()
	for {
		saved, err := i.Begin(ctx, o.Claim, o.Hash, i.now(), o.Lease)
		if errors.Is(err, ErrInProgress) {
			if Pause(wait, o.Poll) != nil {
				return SavedAnswer{}, err
			}
			continue
		}
		if saved != nil { // with ErrKeyReused, the other request's
			return *saved, err
		}
		if err != nil {
			return SavedAnswer{}, err
		}
		break
	}

	c := o.Claim
	answer, err := work(&c)
	// The work's outcome is decided: its claim is released or its answer
	// saved even if the request is cancelled now.
	done := context.WithoutCancel(ctx)
	if err != nil {
		if aerr := i.Abandon(done, c); aerr != nil {
			o.log(fmt.Errorf("release idempotency key: %w", aerr))
		}
		return SavedAnswer{}, err
	}
	if o.Saved != nil && o.Saved() {
		return answer, nil
	}
	if err := i.Complete(done, c, answer); err != nil {
		// The answer is still this run's. A repeat finds the key committed
		// with the change (its answer lost) and changes nothing; a run that
		// wrote nothing is released, to run again.
		o.log(fmt.Errorf("save idempotent answer: %w", err))
		if aerr := i.Abandon(done, c); aerr != nil {
			o.log(fmt.Errorf("release idempotency key: %w", aerr))
		}
	}
	return answer, nil
}

func (o Once) log(err error) {
	if o.Log != nil {
		o.Log(err)
	}
}
