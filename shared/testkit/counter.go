package testkit

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go/middleware"
)

// Counter counts the DynamoDB requests of the clients it is installed on
// (Option), as it goes: Snapshot reads the totals, Counts.Since the
// difference, Measure what one piece of code sent. A Stack's DB has one.
type Counter struct {
	mu  sync.Mutex
	all Counts
}

// Counts is what a Counter saw.
type Counts struct {
	Requests int // operations called: one per call, however often the SDK retried it
	Attempts int // HTTP attempts sent: more than Requests when the SDK retried
	// Items returned: Query's and Scan's Items, GetItem's Item,
	// BatchGetItem's Responses.
	Items int
	// Ops is the requests by operation; a Query or Scan of an index is
	// named with it, e.g. "Query/GSI1".
	Ops map[string]int
	// Time is the time spent in each operation, retries included.
	Time map[string]time.Duration
	// Programmes is the requests naming each programme's partition (a key
	// or key condition value "PROG#<id>"), by programme id.
	Programmes map[string]int
}

// Option installs the counter on a DynamoDB client: pass it to
// dynamodb.New or testenv.TableWith.
func (c *Counter) Option(o *dynamodb.Options) {
	o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
		err := s.Initialize.Add(middleware.InitializeMiddlewareFunc("testkitCountRequests",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				began := time.Now()
				out, md, err := next.HandleInitialize(ctx, in)
				c.record(middleware.GetOperationName(ctx), in.Parameters, out.Result, time.Since(began))
				return out, md, err
			}), middleware.After)
		if err != nil {
			return err
		}
		// After the retry middleware: once per attempt sent.
		return s.Finalize.Add(middleware.FinalizeMiddlewareFunc("testkitCountAttempts",
			func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
				c.mu.Lock()
				c.all.Attempts++
				c.mu.Unlock()
				return next.HandleFinalize(ctx, in)
			}), middleware.After)
	})
}

// Snapshot returns everything the counter has seen so far.
func (c *Counter) Snapshot() Counts {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.all
	s.Ops, s.Time, s.Programmes = maps.Clone(s.Ops), maps.Clone(s.Time), maps.Clone(s.Programmes)
	return s
}

// Measure runs f and returns the requests sent while it ran (by any
// goroutine: measure one thing at a time).
func (c *Counter) Measure(f func()) Counts {
	before := c.Snapshot()
	f()
	return c.Snapshot().Since(before)
}

// Since is what was counted after before was taken.
func (n Counts) Since(before Counts) Counts {
	d := Counts{Requests: n.Requests - before.Requests, Attempts: n.Attempts - before.Attempts, Items: n.Items - before.Items,
		Ops: map[string]int{}, Time: map[string]time.Duration{}, Programmes: map[string]int{}}
	for op, k := range n.Ops {
		if k -= before.Ops[op]; k != 0 {
			d.Ops[op] = k
			d.Time[op] = n.Time[op] - before.Time[op]
		}
	}
	for p, k := range n.Programmes {
		if k -= before.Programmes[p]; k != 0 {
			d.Programmes[p] = k
		}
	}
	return d
}

// ProgrammeIDs is the programmes the requests touched, sorted.
func (n Counts) ProgrammeIDs() []string { return slices.Sorted(maps.Keys(n.Programmes)) }

// String is the requests by operation, e.g. "BatchGetItem×1 Query×2".
func (n Counts) String() string {
	var parts []string
	for _, op := range slices.Sorted(maps.Keys(n.Ops)) {
		parts = append(parts, fmt.Sprintf("%s×%d", op, n.Ops[op]))
	}
	return strings.Join(parts, " ")
}

func (c *Counter) record(op string, params, result any, took time.Duration) {
	var programmes []string
	touch := func(av types.AttributeValue) {
		if s, ok := av.(*types.AttributeValueMemberS); ok && strings.HasPrefix(s.Value, "PROG#") {
			programmes = append(programmes, strings.TrimPrefix(s.Value, "PROG#"))
		}
	}
	switch p := params.(type) {
	case *dynamodb.QueryInput:
		if p.IndexName != nil {
			op += "/" + *p.IndexName
		}
		for _, v := range p.ExpressionAttributeValues {
			touch(v)
		}
	case *dynamodb.ScanInput:
		if p.IndexName != nil {
			op += "/" + *p.IndexName
		}
	case *dynamodb.GetItemInput:
		touch(p.Key["PK"])
	case *dynamodb.PutItemInput:
		touch(p.Item["PK"])
	case *dynamodb.UpdateItemInput:
		touch(p.Key["PK"])
	case *dynamodb.DeleteItemInput:
		touch(p.Key["PK"])
	case *dynamodb.BatchGetItemInput:
		for _, ka := range p.RequestItems {
			for _, k := range ka.Keys {
				touch(k["PK"])
			}
		}
	case *dynamodb.TransactWriteItemsInput:
		for _, it := range p.TransactItems {
			switch {
			case it.Put != nil:
				touch(it.Put.Item["PK"])
			case it.Update != nil:
				touch(it.Update.Key["PK"])
			case it.Delete != nil:
				touch(it.Delete.Key["PK"])
			case it.ConditionCheck != nil:
				touch(it.ConditionCheck.Key["PK"])
			}
		}
	}
	items := 0
	switch r := result.(type) {
	case *dynamodb.QueryOutput:
		items = len(r.Items)
	case *dynamodb.ScanOutput:
		items = len(r.Items)
	case *dynamodb.GetItemOutput:
		if r.Item != nil {
			items = 1
		}
	case *dynamodb.BatchGetItemOutput:
		for _, v := range r.Responses {
			items += len(v)
		}
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	if c.all.Ops == nil {
		c.all.Ops, c.all.Time, c.all.Programmes = map[string]int{}, map[string]time.Duration{}, map[string]int{}
	}
	c.all.Requests++
	c.all.Items += items
	c.all.Ops[op]++
	c.all.Time[op] += took
	for _, p := range slices.Compact(slices.Sorted(slices.Values(programmes))) {
		c.all.Programmes[p]++
	}
}
