package testenv

import (
	"context"
	"errors"
	"fmt"
	"net"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// ResetResends bounds how often one of the SDK's attempts is sent again
// when DynamoDB Local closed or reset its connection: resendResets, below,
// says why and what.
const ResetResends = 5

// resendResets is in every client this package makes: the clients the
// code under test uses (Table, TableWith, and so every testkit Stack's DB,
// the API's and the web app's client in tests) as well as the tests' own.
//
// Why: on a machine loaded by the whole suite (-race, -p 4 on 2 cores)
// DynamoDB Local resets connections, sometimes after it has sent a
// response's status line ("StatusCode: 200 … failed to decode response
// body, read tcp …: use of closed network connection", or "connection
// reset by peer": the same RST, read by net/http's read loop or by the
// body's reader; aws-sdk-go-v2 #2737). The SDK retries those, but within
// its three attempts, and three resets running have failed requests that
// fixtures were built with, and requests of the code under test, though
// that code was fine. Keeping idle connections under the server's timeout
// (dynamolocal.IdleConnTimeout) did not stop them: TestEveryRouteOverDynamoDB
// failed so 7 s into its run, on a client made for it, so no connection
// had idled anywhere near 20 s. The cause is the loaded emulator, which a
// test cannot remove, and which production never talks to.
//
// What: an attempt that fails so is sent again in place, up to
// ResetResends times, before the SDK's retryer sees its error. Nothing
// else is resent: throttling, 5xx answers, refused connections (DynamoDB
// Local not running), cancelled or expired contexts, and every fault a
// test injects (a wrapper of store.DB, or middleware in the Initialize
// step, which runs before this) reach the retryer at once, which keeps
// the SDK's three attempts as the functions have them in AWS. A
// testkit.Counter counts each send in Attempts; Requests, which the
// request-count tests assert, is one per operation still.
//
// A reset after the status line means the server did the work: a write
// sent again may find its own condition failed, as the SDK's own retry of
// the same error may in production (TransactWriteItems is safe: the SDK
// gives it an idempotency token). The failures seen were of reads and of
// fixtures' writes.
func resendResets(o *dynamodb.Options) {
	o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
		// Inside the retry loop (called once an attempt), before auth,
		// endpoint and signing: each send is signed afresh.
		return s.Finalize.Insert(resetResender{}, "Retry", middleware.After)
	})
}

type resetResender struct{}

func (resetResender) ID() string { return "testenvResendResets" }

func (resetResender) HandleFinalize(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (
	middleware.FinalizeOutput, middleware.Metadata, error,
) {
	req, ok := in.Request.(*smithyhttp.Request)
	if !ok {
		return next.HandleFinalize(ctx, in)
	}
	for resend := 0; ; resend++ {
		// A copy each time, as the retry middleware makes one an
		// attempt: signing writes headers into the request it is given.
		try := in
		r := req.Clone()
		if resend > 0 {
			if err := r.RewindStream(); err != nil {
				return middleware.FinalizeOutput{}, middleware.Metadata{}, fmt.Errorf("testenv: rewind to resend after a reset: %w", err)
			}
		}
		try.Request = r
		out, md, err := next.HandleFinalize(ctx, try)
		if err == nil || resend == ResetResends || !ClosedByPeer(err) || ctx.Err() != nil {
			return out, md, err
		}
		select {
		case <-ctx.Done():
			return out, md, err
		case <-time.After(time.Duration(resend+1) * 10 * time.Millisecond):
		}
	}
}

// ClosedByPeer reports whether err is a connection the server reset or
// closed under a request: "use of closed network connection" or
// "connection reset by peer", both of which the SDK retries as connection
// errors. A refused connection, a timeout or a cancelled context is not.
func ClosedByPeer(err error) bool {
	return errors.Is(err, net.ErrClosed) || errors.Is(err, syscall.ECONNRESET)
}
