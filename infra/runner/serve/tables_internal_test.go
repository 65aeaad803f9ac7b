package serve

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/smithy-go/middleware"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/testenv"
)

// TestKeepTablesQuietWhileDynamoDBIsSlow: a DynamoDB Local too busy to
// answer the runner's look at its tables in time (under a load test) is
// one line in the runner's log, not a line a look; failures go on being
// summed up, at most a line a quiet period; a table found missing is made
// again and said so.
func TestKeepTablesQuietWhileDynamoDBIsSlow(t *testing.T) {
	t.Parallel()
	var slow atomic.Bool
	db := testenv.Client(t, func(o *dynamodb.Options) {
		o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
			return s.Initialize.Add(middleware.InitializeMiddlewareFunc("slowDynamoDB",
				func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
					if slow.Load() {
						// What a look that waited its whole timeout gets.
						return middleware.InitializeOutput{}, middleware.Metadata{}, fmt.Errorf("no answer: %w", context.DeadlineExceeded)
					}
					return next.HandleInitialize(ctx, in)
				}), middleware.Before)
		})
	})
	table := "quiet-" + domain.NewID()
	ctx := t.Context()
	if err := EnsureTables(ctx, db, table); err != nil {
		t.Fatal(err)
	}
	defs, err := tableDefs(table)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for _, d := range defs {
			db.DeleteTable(context.Background(), &dynamodb.DeleteTableInput{TableName: d.in.TableName})
		}
	})
	var mu sync.Mutex
	var lines []string
	clock := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
	k := &tableKeeper{db: db, defs: defs, every: 5 * time.Second, timeout: 2 * time.Second, quiet: 10 * time.Minute,
		logf: func(format string, args ...any) {
			mu.Lock()
			lines = append(lines, fmt.Sprintf(format, args...))
			mu.Unlock()
		},
		now: func() time.Time { return clock }}
	said := func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), lines...)
	}

	// Slow for 20 looks, over a minute of the keeper's clock: one line.
	slow.Store(true)
	for range 20 {
		k.look(ctx)
		clock = clock.Add(5 * time.Second)
	}
	if got := said(); len(got) != 1 || !strings.Contains(got[0], "did not answer within 2s") || !strings.Contains(got[0], "at most every 10m0s") {
		t.Fatalf("20 slow looks logged %d lines, want one saying so:\n%s", len(got), strings.Join(got, "\n"))
	}
	// Answering again: nothing to say.
	slow.Store(false)
	k.look(ctx)
	if got := said(); len(got) != 1 {
		t.Errorf("a look that succeeded logged: %q", got[1:])
	}
	// Slow again ten minutes after the line: the failures since, summed
	// up in one more line.
	slow.Store(true)
	clock = clock.Add(10 * time.Minute)
	for range 3 {
		k.look(ctx)
	}
	if got := said(); len(got) != 2 || !strings.Contains(got[1], "40 looks at the tables failed since 09:00:00") {
		t.Errorf("slow again ten minutes on: %d lines, want a second summing up the 40 failed looks since the first:\n%s", len(got), strings.Join(got, "\n"))
	}
	// A table gone (DynamoDB Local restarted): made again, and said so.
	slow.Store(false)
	if _, err := db.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: defs[1].in.TableName}); err != nil {
		t.Fatal(err)
	}
	k.look(ctx)
	if _, err := db.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: defs[1].in.TableName}); err != nil {
		t.Errorf("the audit table was not made again: %v", err)
	}
	if got := said(); len(got) != 3 || !strings.Contains(got[2], aws.ToString(defs[1].in.TableName)+" was missing (DynamoDB Local restarted?): made again") {
		t.Errorf("a table made again: %d lines:\n%s", len(got), strings.Join(got, "\n"))
	}
}
