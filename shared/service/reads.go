package service

import (
	"errors"
	"sync"

	"github.com/fundtrack/fundtrack/shared/domain"
)

func (sc *Scope) listFunders(p Page) ([]domain.Funder, string, error) {
	return sc.s.store.ListFunders(sc.ctx, sc.programmeID, p)
}

func (sc *Scope) listProjects(p Page) ([]domain.Project, string, error) {
	return sc.s.store.ListProjects(sc.ctx, sc.programmeID, p)
}

func (sc *Scope) listTargets(p Page) ([]domain.Target, string, error) {
	return sc.s.store.ListTargets(sc.ctx, sc.programmeID, p)
}

// parallel runs fns at once and returns the first error.
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
