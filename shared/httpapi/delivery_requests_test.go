package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/smithy-go/middleware"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/store"
	"github.com/fundtrack/fundtrack/shared/testenv"
)

// dhCounter counts the DynamoDB operations (and HTTP attempts) a client makes.
type dhCounter struct {
	on       atomic.Bool
	mu       sync.Mutex
	ops      map[string]int
	attempts atomic.Int64
}

func (c *dhCounter) option(o *dynamodb.Options) {
	o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
		if err := s.Initialize.Add(middleware.InitializeMiddlewareFunc("dhCountOps",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				if c.on.Load() {
					c.mu.Lock()
					c.ops[awsmiddleware.GetOperationName(ctx)]++
					c.mu.Unlock()
				}
				return next.HandleInitialize(ctx, in)
			}), middleware.After); err != nil {
			return err
		}
		// After the retry middleware: once per attempt sent.
		return s.Finalize.Add(middleware.FinalizeMiddlewareFunc("dhCountAttempts",
			func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
				if c.on.Load() {
					c.attempts.Add(1)
				}
				return next.HandleFinalize(ctx, in)
			}), middleware.After)
	})
}

func (c *dhCounter) start() {
	c.mu.Lock()
	c.ops = map[string]int{}
	c.mu.Unlock()
	c.attempts.Store(0)
	c.on.Store(true)
}

// stop returns the number of operations and a summary by operation.
func (c *dhCounter) stop() (int, string) {
	c.on.Store(false)
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	var parts []string
	for op, k := range c.ops {
		n += k
		parts = append(parts, fmt.Sprintf("%s×%d", op, k))
	}
	sort.Strings(parts)
	return n, strings.Join(parts, " ")
}

// TestDeliveryProgressRequestCount: one GET /progress costs the same small
// fixed number of DynamoDB requests with 1 submission as with 500, since
// every figure comes from the totals kept on write.
func TestDeliveryProgressRequestCount(t *testing.T) {
	t.Parallel()
	counter := &dhCounter{ops: map[string]int{}}
	db, table := testenv.TableWith(t, counter.option)
	plain := testenv.Client(t)
	a := dhOver(t, db, plain, table)
	w := dhSetup(t, a)
	a.create(t, dhLead, w.pp("/targets"), map[string]any{"metric": "peopleIntoWork", "value": 60, "deadline": "2027-03-31", "notify": []string{w.X}})
	a.create(t, dhLead, w.pp("/targets"), map[string]any{"metric": "referrals", "value": 600, "deadline": "2027-03-31", "projectId": w.A})
	a.create(t, dhPLA, w.prj(w.A, "/posts"), dhPostBody(w.GXA, "filled"))
	a.create(t, dhPLB, w.prj(w.B, "/cohorts"), dhCohortBody(4))
	a.create(t, dhPLA, w.prj(w.A, "/outcomes"), map[string]any{"periodStart": "2025-04-01", "periodEnd": "2025-06-30",
		"counts":   map[string]int64{"referrals": 2, "peopleIntoWork": 1},
		"measures": []any{map[string]any{"name": "self-confidence", "baselineMean": 3.0, "latestMean": 6.9, "respondents": 8}}})

	measure := func(submissions int64) int {
		t.Helper()
		counter.start()
		p := w.progress(t, dhFunder)
		n, summary := counter.stop()
		attempts := counter.attempts.Load()
		t.Logf("GET /progress with %d submission(s): %d DynamoDB requests (%s), %d HTTP attempts", submissions, n, summary, attempts)
		if p.Totals["referrals"] != 2*submissions || p.Totals["peopleIntoWork"] != submissions {
			t.Errorf("with %d submissions: referrals %d peopleIntoWork %d", submissions, p.Totals["referrals"], p.Totals["peopleIntoWork"])
		}
		if len(p.Targets) != 2 || len(p.Projects) != 2 || len(p.Funding.ByFunder) != 2 || len(p.Measures) != 1 {
			t.Errorf("progress lacks parts: %d targets, %d projects, %d funders, %d measures", len(p.Targets), len(p.Projects), len(p.Funding.ByFunder), len(p.Measures))
		}
		return n
	}
	one := measure(1)

	// 499 more, written through the store (one transaction each) by 4
	// writers at once, the way many project leads would submit.
	st := store.New(plain, table)
	caller := domain.Caller{Identity: domain.Identity{Subject: "writer", Email: dhPLA}, RequestID: "count-test"}
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, 499)
	start := time.Now()
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := next.Add(1); k <= 499; k = next.Add(1) {
				now := time.Now().UTC()
				project := w.A
				if k%2 == 0 {
					project = w.B
				}
				o := domain.Outcome{ID: domain.NewID(), ProjectID: project, PeriodStart: domain.MustDate("2025-07-01"),
					PeriodEnd: domain.MustDate("2025-09-30"), Counts: map[domain.Metric]int64{domain.MetricReferrals: 2, domain.MetricPeopleIntoWork: 1},
					SubmittedAt: now, SubmittedBy: dhPLA}
				ev := domain.NewAuditEvent(caller, w.P, domain.EntityOutcome, o.ID, domain.ActionCreate, nil, o, now)
				if err := st.CreateOutcome(context.Background(), w.P, o, nil, ev); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("store.CreateOutcome: %v", err)
	}
	t.Logf("499 submissions written by 4 writers in %v", time.Since(start).Round(time.Millisecond))
	if t.Failed() {
		t.FailNow()
	}

	many := measure(500)
	if one != many || one > 6 || one == 0 {
		t.Errorf("GET /progress made %d DynamoDB requests with 1 submission and %d with 500: want the same fixed number, at most 6", one, many)
	}
	// And the same for the admin, who needs no membership read.
	counter.start()
	a.want(t, http.StatusOK, "GET", w.pp("/progress"), dhAdmin, nil)
	n, summary := counter.stop()
	t.Logf("GET /progress as admin: %d DynamoDB requests (%s)", n, summary)
	if n > one {
		t.Errorf("admin's progress made %d requests, more than a member's %d", n, one)
	}
}
