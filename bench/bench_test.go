// Package bench_test holds fundtrack's benchmarks (`make bench`): cold
// starts of the built Lambda functions, API latency and DynamoDB requests
// per call, and the notifier at 2,000 and 10,000 targets. It has no Test
// functions, so `go test ./...` only compiles it; everything here runs
// under -bench. BENCHMARKS.md records and explains the results.
package bench_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/smithy-go/middleware"
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

// counter counts the DynamoDB requests a client makes (one per operation
// call, whatever the SDK's retries) and the items they return: Query's and
// Scan's Items, GetItem's Item, BatchGetItem's Responses.
type counter struct {
	requests atomic.Int64
	items    atomic.Int64
	mu       sync.Mutex
	byOp     map[string]int64
	timeOp   map[string]time.Duration // time spent in each operation, retries included
	attempts atomic.Int64             // HTTP attempts (more than requests when the SDK retried)
}

// option installs the counter on a DynamoDB client (for testenv.TableWith).
func (c *counter) option(o *dynamodb.Options) {
	o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
		return s.Initialize.Add(middleware.InitializeMiddlewareFunc("benchCount",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				c.requests.Add(1)
				op := middleware.GetOperationName(ctx)
				c.mu.Lock()
				if c.byOp == nil {
					c.byOp = map[string]int64{}
				}
				c.byOp[op]++
				c.mu.Unlock()
				began := time.Now()
				out, md, err := next.HandleInitialize(ctx, in)
				c.mu.Lock()
				if c.timeOp == nil {
					c.timeOp = map[string]time.Duration{}
				}
				c.timeOp[op] += time.Since(began)
				c.mu.Unlock()
				switch r := out.Result.(type) {
				case *dynamodb.QueryOutput:
					c.items.Add(int64(len(r.Items)))
				case *dynamodb.ScanOutput:
					c.items.Add(int64(len(r.Items)))
				case *dynamodb.GetItemOutput:
					if r.Item != nil {
						c.items.Add(1)
					}
				case *dynamodb.BatchGetItemOutput:
					for _, items := range r.Responses {
						c.items.Add(int64(len(items)))
					}
				}
				return out, md, err
			}), middleware.After)
	}, func(s *middleware.Stack) error {
		return s.Finalize.Add(middleware.FinalizeMiddlewareFunc("benchAttempts",
			func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
				c.attempts.Add(1)
				return next.HandleFinalize(ctx, in)
			}), middleware.After)
	})
}

// snapshot is what a counter has seen so far.
type snapshot struct {
	requests, items, attempts int64
	byOp                      map[string]int64
	timeOp                    map[string]time.Duration
}

func (c *counter) snap() snapshot {
	c.mu.Lock()
	defer c.mu.Unlock()
	m := make(map[string]int64, len(c.byOp))
	for k, v := range c.byOp {
		m[k] = v
	}
	t := make(map[string]time.Duration, len(c.timeOp))
	for k, v := range c.timeOp {
		t[k] = v
	}
	return snapshot{requests: c.requests.Load(), items: c.items.Load(), attempts: c.attempts.Load(), byOp: m, timeOp: t}
}

// since is what the counter saw after s was taken.
func (c *counter) since(s snapshot) snapshot {
	now := c.snap()
	d := snapshot{requests: now.requests - s.requests, items: now.items - s.items, attempts: now.attempts - s.attempts,
		byOp: map[string]int64{}, timeOp: map[string]time.Duration{}}
	for k, v := range now.byOp {
		if n := v - s.byOp[k]; n != 0 {
			d.byOp[k] = n
			d.timeOp[k] = now.timeOp[k] - s.timeOp[k]
		}
	}
	return d
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
