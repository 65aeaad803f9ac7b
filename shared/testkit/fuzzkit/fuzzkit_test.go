package fuzzkit

import (
	"fmt"
	"runtime"
	"testing"
)

// recorder notes what Fail asked of the test and, as testing does, ends
// the goroutine that asked.
type recorder struct {
	testing.TB
	skipped, failed string
}

func (r *recorder) Helper() {}
func (r *recorder) Skipf(format string, a ...any) {
	r.skipped = fmt.Sprintf(format, a...)
	runtime.Goexit()
}

func (r *recorder) Fatalf(format string, a ...any) {
	r.failed = fmt.Sprintf(format, a...)
	runtime.Goexit()
}

func TestFailSkipsOnlyTheKnownBugsAskedFor(t *testing.T) {
	for _, c := range []struct {
		env, known      string
		skipped, failed string
	}{
		{"", "tiny-float", "", "[bug tiny-float] x 1"},
		{"", "", "", "x 1"},
		{"empty-path,tiny-float", "tiny-float", "known bug tiny-float: x 1", ""},
		{"empty-path", "tiny-float", "", "[bug tiny-float] x 1"},
		{"1", "tiny-float", "known bug tiny-float: x 1", ""},
		{"1", "", "", "x 1"}, // an unnamed failure is never skipped
	} {
		t.Setenv(SkipKnown, c.env)
		r := &recorder{TB: t}
		done := make(chan struct{})
		go func() {
			defer close(done)
			Fail(r, c.known, "x %d", 1)
		}()
		<-done
		if r.skipped != c.skipped || r.failed != c.failed {
			t.Errorf("%s=%q, known %q: skipped %q failed %q; want %q and %q", SkipKnown, c.env, c.known, r.skipped, r.failed, c.skipped, c.failed)
		}
	}
}
