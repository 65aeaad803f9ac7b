package testkit

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
)

// TestParallelRunsEachOnce: every index runs once, on no more goroutines
// than asked.
func TestParallelRunsEachOnce(t *testing.T) {
	var ran [50]atomic.Int32
	var running, most atomic.Int32
	Parallel(t, len(ran), 4, func(t testing.TB, i int) {
		now := running.Add(1)
		for m := most.Load(); now > m && !most.CompareAndSwap(m, now); m = most.Load() {
		}
		runtime.Gosched()
		ran[i].Add(1)
		running.Add(-1)
	})
	for i := range ran {
		if n := ran[i].Load(); n != 1 {
			t.Errorf("index %d ran %d times", i, n)
		}
	}
	if m := most.Load(); m > 4 || m < 1 {
		t.Errorf("%d at once, asked for at most 4", m)
	}
}

// recordingTB is a TB whose failures are kept to be read; its FailNow
// (which Parallel calls on the test's goroutine) panics with errStopped.
type recordingTB struct {
	testing.TB
	mu       sync.Mutex
	failed   bool
	stopped  bool
	messages []string
}

func (r *recordingTB) Helper() {}
func (r *recordingTB) Fail() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failed = true
}
func (r *recordingTB) Failed() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.failed
}
func (r *recordingTB) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failed = true
	r.messages = append(r.messages, fmt.Sprintf(format, args...))
}
func (r *recordingTB) FailNow() {
	r.mu.Lock()
	r.failed, r.stopped = true, true
	r.mu.Unlock()
	panic(errStopped)
}

var errStopped = errors.New("stopped")

// TestParallelFatalStopsTheTest: a Fatal in one goroutine ends that one,
// fails the test and, once the others are done, stops it.
func TestParallelFatalStopsTheTest(t *testing.T) {
	r := &recordingTB{}
	var ran atomic.Int32
	func() {
		defer func() {
			if p := recover(); p != errStopped {
				t.Errorf("Parallel ended with %v, not the test's FailNow", p)
			}
		}()
		Parallel(r, 20, 3, func(t testing.TB, i int) {
			if i == 5 {
				t.Fatalf("row %d refused", i)
				panic("Fatalf returned")
			}
			ran.Add(1)
		})
	}()
	if ran.Load() > 19 {
		t.Errorf("%d rows ran besides the refused one", ran.Load())
	}
	if !r.failed || !r.stopped || len(r.messages) != 1 || r.messages[0] != "row 5 refused" {
		t.Errorf("failed %v, stopped %v, messages %q", r.failed, r.stopped, r.messages)
	}
}
