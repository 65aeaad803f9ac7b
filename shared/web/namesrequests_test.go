package web_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/smithy-go/middleware"

	"github.com/fundtrack/fundtrack/shared/testkit"
)

// queriesInFlight watches a DynamoDB client's Query requests while armed:
// each is held a little, so two sent together are seen in flight at once.
type queriesInFlight struct {
	mu       sync.Mutex
	armed    bool
	now, max int
}

func (q *queriesInFlight) option(o *dynamodb.Options) {
	o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
		return s.Initialize.Add(middleware.InitializeMiddlewareFunc("webQueriesInFlight",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				q.mu.Lock()
				watched := q.armed && middleware.GetOperationName(ctx) == "Query"
				if watched {
					q.now++
					q.max = max(q.max, q.now)
				}
				q.mu.Unlock()
				if watched {
					time.Sleep(100 * time.Millisecond)
					defer func() { q.mu.Lock(); q.now--; q.mu.Unlock() }()
				}
				return next.HandleInitialize(ctx, in)
			}), middleware.After)
	})
}

// TestNamesInOneRoundTrip: a page that names funders and projects (a
// target's edit form: the target, then the names for its select boxes)
// lists the two side by side, one round trip, not one after the other.
func TestNamesInOneRoundTrip(t *testing.T) {
	t.Parallel()
	watch := &queriesInFlight{}
	s := testkit.New(t, testkit.WithDBOptions(watch.option))
	h := newWebOver(t, s)
	f := h.fixture(t)
	lead := h.as(t, uLead)
	lead.get("/app/programmes/" + f.PID) // signed in, with nothing left to read first
	watch.mu.Lock()
	watch.armed = true
	watch.mu.Unlock()
	n := countedGet(t, s, lead, "/app/programmes/"+f.PID+"/targets/"+f.TargetID+"/edit")
	watch.mu.Lock()
	watch.armed = false
	most := watch.max
	watch.mu.Unlock()
	if n.Ops["Query"] != 2 || most != 2 {
		t.Errorf("the page sent %s with at most %d Query in flight, want the funders' and the projects' together", n, most)
	}
}
