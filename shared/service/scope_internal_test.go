package service

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// overlapReads answers every Read once a second Read has started, or
// after a second alone: alone counts the reads that waited it out.
type overlapReads struct {
	Storer // only Read is called
	mu     sync.Mutex
	n      int
	both   chan struct{}
	alone  atomic.Int32
}

func (o *overlapReads) Read(context.Context, string, ...*Get) error {
	o.mu.Lock()
	if o.n++; o.n == 2 {
		close(o.both)
	}
	o.mu.Unlock()
	select {
	case <-o.both:
	case <-time.After(time.Second):
		o.alone.Add(1)
	}
	return nil
}

// TestLoadReadsTogether: once access is known, the reads of a request's
// goroutines are read at the same time: the scope's lock, held while the
// access check is read, is not held over them, so one does not wait on
// another's answer.
func TestLoadReadsTogether(t *testing.T) {
	st := &overlapReads{both: make(chan struct{})}
	sc := &Scope{s: &Service{store: st}, ctx: context.Background(), programmeID: "p", loaded: true}
	if err := parallel(func() error { return sc.load(&Get{}) }, func() error { return sc.load(&Get{}) }); err != nil {
		t.Fatal(err)
	}
	if n := st.alone.Load(); n != 0 {
		t.Errorf("%d of 2 reads were read alone, the other waiting on it", n)
	}
}
