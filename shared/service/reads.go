package service

import (
	"errors"
	"sync"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// listFunders, listProjects, listTargets, listGrants and listPayments
// are a page of the programme's records of a kind, straight from the
// store, for all (or Every) to page through. They read every record of
// the kind whoever asks: listGrants is every grant (no GrantFilter) and
// listPayments every grant's payments, so a caller that may not read them
// all must drop the rest once access is known.
func (sc *Scope) listFunders(p Page) ([]domain.Funder, string, error) {
	return sc.s.store.ListFunders(sc.ctx, sc.programmeID, p)
}

func (sc *Scope) listProjects(p Page) ([]domain.Project, string, error) {
	return sc.s.store.ListProjects(sc.ctx, sc.programmeID, p)
}

func (sc *Scope) listTargets(p Page) ([]domain.Target, string, error) {
	return sc.s.store.ListTargets(sc.ctx, sc.programmeID, p)
}

func (sc *Scope) listGrants(p Page) ([]domain.Grant, string, error) {
	return sc.s.store.ListGrants(sc.ctx, sc.programmeID, GrantFilter{}, p)
}

func (sc *Scope) listPayments(p Page) ([]domain.Payment, string, error) {
	return sc.s.store.ListPayments(sc.ctx, sc.programmeID, "", p)
}

// parallel runs fns at once, each in its own goroutine, and waits for
// them all: its error joins theirs, in fns' order, as storeErr maps it
// (storeErr leaves alone what it has mapped already, so fns may return
// all's errors).
func parallel(fns ...func() error) error {
	errs := make([]error, len(fns))
	var wg sync.WaitGroup
	for i, f := range fns {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = f() }()
	}
	wg.Wait()
	return storeErr(errors.Join(errs...), "", nil)
}

// eachParallel runs f for each item, a few at a time.
func eachParallel[T any](items []T, f func(T) error) error {
	const workers = 8
	errs := make([]error, len(items))
	work := make(chan int)
	var wg sync.WaitGroup
	for range min(workers, len(items)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				errs[i] = f(items[i])
			}
		}()
	}
	for i := range items {
		work <- i
	}
	close(work)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return storeErr(err, "", nil)
		}
	}
	return nil
}
