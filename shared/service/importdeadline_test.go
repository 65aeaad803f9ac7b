package service_test

import (
	"context"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/service"
)

// TestImportDeadlineLeavesTheLastWriteItsTime: an import stops sending
// writes early enough that its last one, sent just before, has its time
// to be answered (service.WriteGrace, bounded by a quarter of a short
// request's time) and the import then ImportAnswerMargin (or a quarter of
// the time) to answer, all before its request's deadline: with a 2 s
// grace, a write sent just before the old stop (3 s before the deadline)
// ran to a second before it, and a confirmation of 8 s answered at
// 8.02 s. However short the request, the import keeps half its time to
// write.
func TestImportDeadlineLeavesTheLastWriteItsTime(t *testing.T) {
	t.Parallel()
	for _, timeout := range []time.Duration{26 * time.Second, 20 * time.Second, 8 * time.Second, 2 * time.Second, 400 * time.Millisecond} {
		start := time.Now()
		ctx, cancel := context.WithDeadline(context.Background(), start.Add(timeout))
		deadline, _ := ctx.Deadline()
		ictx, icancel := service.ImportDeadline(ctx, timeout)
		stop, ok := ictx.Deadline()
		if !ok {
			t.Fatalf("%v: the import has no deadline", timeout)
		}
		// The last write sent, just before the import stops.
		sctx, scancel, err := service.Sending(ictx)
		if err != nil {
			t.Fatalf("%v: %v", timeout, err)
		}
		answered, _ := sctx.Deadline()
		answer := min(service.ImportAnswerMargin, timeout/4)
		grace := min(service.WriteGrace, timeout/4)
		if got := deadline.Sub(stop); got != service.ImportStopMargin(timeout) || got != grace+answer {
			t.Errorf("%v: stops writing %v before the deadline, want ImportStopMargin %v = the write's %v and the answer's %v",
				timeout, got, service.ImportStopMargin(timeout), grace, answer)
		}
		if got := answered.Sub(stop); got != grace {
			t.Errorf("%v: the last write has %v past the stop to be answered, want %v", timeout, got, grace)
		}
		if got := deadline.Sub(answered); got < answer {
			t.Errorf("%v: the last write may take until %v before the deadline, leaving the import less than its %v to answer", timeout, got, answer)
		}
		if got := stop.Sub(start); got < timeout/2 {
			t.Errorf("%v: the import has %v to write, less than half its time", timeout, got)
		}
		scancel()
		icancel()
		cancel()
	}
	if got := service.ImportStopMargin(26 * time.Second); got != service.WriteGrace+service.ImportAnswerMargin {
		t.Errorf("an import of 26 s stops writing %v before its deadline, want WriteGrace and ImportAnswerMargin", got)
	}

	// A write of any other request still has WriteGrace past its deadline.
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	deadline, _ := ctx.Deadline()
	sctx, scancel, err := service.Sending(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer scancel()
	if got, _ := sctx.Deadline(); got.Sub(deadline) != service.WriteGrace {
		t.Errorf("a request's write has %v past its deadline, want WriteGrace %v", got.Sub(deadline), service.WriteGrace)
	}
}
