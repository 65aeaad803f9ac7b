// Package bench_test holds fundtrack's benchmarks (`make bench`): cold
// starts of the built Lambda functions, API latency and DynamoDB requests
// per call, the notifier at 2,000 and 10,000 targets, and a load of
// concurrent clients over HTTP against the local runner. It has no Test
// functions, so `go test ./...` only compiles it; everything here runs
// under -bench. BENCHMARKS.md records and explains the results.
package bench_test

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// moduleRoot is the repository root, seen from bench/ (where go test runs).
func moduleRoot(b *testing.B) string {
	b.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		b.Fatalf("bench: no go.mod above %s: %v", root, err)
	}
	return root
}

// percentile of sorted-or-not samples (nearest rank); p in [0,100].
func percentile(samples []time.Duration, p float64) time.Duration {
	if len(samples) == 0 {
		return 0
	}
	s := slices.Clone(samples)
	slices.Sort(s)
	i := int(float64(len(s))*p/100+0.999999) - 1
	i = max(0, min(i, len(s)-1))
	return s[i]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
