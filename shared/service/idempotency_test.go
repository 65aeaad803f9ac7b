package service_test

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// TestRunOnce: work run under a key runs once. A repeat gets the first
// run's answer, waiting for a first run still going; the key with another
// request is refused in words; a run that failed releases the key, so a
// retry runs; a claim refusal is told apart from the work's own error.
func TestRunOnce(t *testing.T) {
	w := newWorld(t)
	idem := w.svc.Idempotency()
	once := func(key, hash string) service.Once {
		return service.Once{Claim: service.ClaimFor(caller(lead), key), Hash: hash,
			Lease: 30 * time.Second, Wait: 5 * time.Second, Poll: time.Millisecond}
	}
	grants := func() int { return len(mustList(w.open(lead).ListGrants(service.Page{}))) }
	before := grants()
	runs := 0
	create := func(c *service.Claim) (service.SavedAnswer, error) {
		runs++
		g, err := w.open(lead).WithClaim(c).CreateGrant(body(grantBody(w.Y, w.A, 100)))
		return service.SavedAnswer{Status: 201, Body: []byte(g.ID)}, err
	}

	first := must(idem.RunOnce(w.ctx, once("grant", "h"), create))
	again := must(idem.RunOnce(w.ctx, once("grant", "h"), create))
	if runs != 1 || string(again.Body) != string(first.Body) || grants() != before+1 {
		t.Errorf("repeat: ran %d times, answered %q then %q, %d grants made; want once, the first's answer",
			runs, first.Body, again.Body, grants()-before)
	}
	// Refused, with the first request's answer: the key is the caller's.
	other, err := idem.RunOnce(w.ctx, once("grant", "other"), create)
	if de := wantCode(t, "the key with another request", err, domain.CodeIdempotencyKeyReused); !errors.Is(err, service.ErrKeyReused) ||
		!strings.Contains(de.Message, "already used with a different request") || runs != 1 || string(other.Body) != string(first.Body) {
		t.Errorf("the key with another request: %v, answer %q (ran %d); want the first's answer %q", err, other.Body, runs, first.Body)
	}

	// A run that failed wrote nothing and released the key: a retry runs.
	refused := func(*service.Claim) (service.SavedAnswer, error) {
		runs++
		return service.SavedAnswer{}, domain.Errorf(domain.CodeConflict, "someone else's import is running")
	}
	runs = 0
	_, err = idem.RunOnce(w.ctx, once("refused", "h"), refused)
	if wantCode(t, "the work refused", err, domain.CodeConflict); errors.Is(err, service.ErrAnswerLost) {
		t.Errorf("the work's own conflict read as a lost answer: %v", err)
	}
	must(idem.RunOnce(w.ctx, once("refused", "h"), create))
	if runs != 2 || grants() != before+2 {
		t.Errorf("the retry of a failed run: ran %d times, %d grants made, want it run", runs, grants()-before)
	}

	// A repeat while the first runs waits for it and gets its answer.
	runs = 0
	started, finish := make(chan struct{}), make(chan struct{})
	slow := func(c *service.Claim) (service.SavedAnswer, error) {
		close(started)
		<-finish
		return create(c)
	}
	var (
		wg     sync.WaitGroup
		second service.SavedAnswer
		serr   error
	)
	wg.Go(func() { first, err = idem.RunOnce(w.ctx, once("slow", "h"), slow) })
	<-started
	wg.Go(func() { second, serr = idem.RunOnce(w.ctx, once("slow", "h"), create) })
	time.Sleep(20 * time.Millisecond)
	close(finish)
	wg.Wait()
	if err != nil || serr != nil || runs != 1 || string(second.Body) != string(first.Body) {
		t.Errorf("a repeat while the first ran: %v %v, ran %d times, answered %q then %q", err, serr, runs, first.Body, second.Body)
	}

	// Waiting is bounded: past Wait, the repeat is told the first is still running.
	held := once("held", "h")
	must(idem.Begin(w.ctx, held.Claim, "h", clock, time.Minute))
	held.Wait = 10 * time.Millisecond
	_, err = idem.RunOnce(w.ctx, held, create)
	if wantCode(t, "a first run that does not finish", err, domain.CodeRequestInProgress); !errors.Is(err, service.ErrInProgress) {
		t.Errorf("not the key's refusal: %v", err)
	}
}
