package testkit

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
)

// InParallel runs f(b, i) for each i in [0, n) on at most workers
// goroutines, each with a copy of b whose Fatal ends its own goroutine
// (as a Fatal may only end the test's) after failing the test. When all
// are done, a failure in any stops the test. It is for a fixture's
// independent parts (rows that no other row's creation reads), which
// one-by-one cost a request's round trip each.
func (b *Builder) InParallel(n, workers int, f func(b *Builder, i int)) {
	b.t.Helper()
	Parallel(b.t, n, workers, func(t testing.TB, i int) {
		c := *b
		c.t = t
		f(&c, i)
	})
}

// Parallel runs f(t, i) for each i in [0, n) on at most workers
// goroutines; the t each gets fails the test and ends only its own
// goroutine on Fatal. When all are done, a failure in any stops the test.
func Parallel(t testing.TB, n, workers int, f func(t testing.TB, i int)) {
	t.Helper()
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(n, max(workers, 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done() // also when f ends the goroutine with a Fatal
			for i := int(next.Add(1)) - 1; i < n && !t.Failed(); i = int(next.Add(1)) - 1 {
				f(InGoroutine(t), i)
			}
		}()
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
}

// InGoroutine is t for another goroutine than the test's: its Fatal (and
// FailNow) marks the test failed and ends the goroutine it is called on,
// which is all a goroutine other than the test's may end.
func InGoroutine(t testing.TB) testing.TB { return goroutineTB{t} }

type goroutineTB struct{ testing.TB }

func (g goroutineTB) FailNow() {
	g.TB.Fail()
	runtime.Goexit()
}

func (g goroutineTB) Fatal(args ...any) {
	g.TB.Helper()
	g.TB.Error(args...)
	runtime.Goexit()
}

func (g goroutineTB) Fatalf(format string, args ...any) {
	g.TB.Helper()
	g.TB.Errorf(format, args...)
	runtime.Goexit()
}
