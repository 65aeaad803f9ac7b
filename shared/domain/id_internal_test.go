package domain

import (
	"sync"
	"testing"
	"time"
)

// TestNewIDIncreases: ids made in one millisecond, from many goroutines,
// or after the clock stepped back, still come out strictly increasing and
// valid, so what is made in a loop lists in the order it was made.
func TestNewIDIncreases(t *testing.T) {
	var src idSource
	at := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	prev := src.at(at)
	for i, when := range []time.Time{at, at, at.Add(-time.Second), at, at.Add(time.Millisecond)} {
		id := src.at(when)
		if !ValidID(id) || id <= prev {
			t.Fatalf("id %d: %q after %q", i, id, prev)
		}
		prev = id
	}
	// The next millisecond starts afresh from the clock, not from the last id.
	later := src.at(at.Add(time.Hour))
	if later[:9] != encodeID(uint64(at.Add(time.Hour).UnixMilli())<<16, 0)[:9] { // 45 of its 48 time bits
		t.Errorf("an id an hour later, %q, does not carry its own time", later)
	}

	var mu sync.Mutex
	seen := map[string]bool{}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			last := ""
			for range 2000 {
				id := NewID()
				if id <= last {
					t.Errorf("%q after %q in one goroutine", id, last)
					return
				}
				last = id
				mu.Lock()
				seen[id] = true
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(seen) != 8*2000 {
		t.Errorf("%d distinct ids of %d", len(seen), 8*2000)
	}
}
