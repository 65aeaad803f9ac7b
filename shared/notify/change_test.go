package notify_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go/middleware"
)

// afterTotalsRead calls hook once, right after the next read of a
// programme's figures (the years of them its targets' windows need)
// returns, while it is armed.
type afterTotalsRead struct {
	armed atomic.Bool
	hook  func()
}

func (a *afterTotalsRead) option(o *dynamodb.Options) {
	o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
		return s.Initialize.Add(middleware.InitializeMiddlewareFunc("afterTotalsRead",
			func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
				out, md, err := next.HandleInitialize(ctx, in)
				if g, ok := in.Parameters.(*dynamodb.BatchGetItemInput); ok {
					for _, ka := range g.RequestItems {
						for _, k := range ka.Keys {
							if sk, ok := k["SK"].(*types.AttributeValueMemberS); ok && strings.HasPrefix(sk.Value, "SERIES#") && a.armed.CompareAndSwap(true, false) {
								a.hook()
							}
						}
					}
				}
				return out, md, err
			}), middleware.After)
	})
}

// TestChangeDuringRunIsNotLost: figures that change while a run is looking
// at a programme (after it read the totals) keep the programme marked
// changed, so the next run sees them and sends the milestone they reach.
func TestChangeDuringRunIsNotLost(t *testing.T) {
	t.Parallel()
	h := &afterTotalsRead{}
	e := newEnv(t, h.option)
	w := e.world()
	e.projectTarget(w, 60, "2026-12-31")
	e.clk.Set("2026-03-02T10:00:00Z")
	e.submit(w.prog.ID, w.project.ID, 59, "")
	h.hook = func() {
		e.clk.Add(2 * time.Second)
		e.submit(w.prog.ID, w.project.ID, 2, "") // 61, after the run read 59
	}
	h.armed.Store(true)
	rep := e.run()
	if h.armed.Load() {
		t.Fatal("the run never read the figures")
	}
	if rep.ProgrammesChanged != 1 || rep.Emails != 0 {
		t.Errorf("run that read 59: %+v", rep)
	}
	e.clk.Add(time.Minute)
	if rep := e.run(); rep.ProgrammesChanged != 1 || rep.Emails != 4 || rep.Sent != 1 {
		t.Errorf("next run: %+v", rep)
	}
	e.expectMail(each(reachedSubject, w.contacts...))
}
