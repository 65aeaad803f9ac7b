package testenv_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"

	"github.com/fundtrack/fundtrack/shared/testenv"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// flakyDynamoDB stands in for DynamoDB Local at FUNDTRACK_DYNAMODB_ENDPOINT
// for the length of a test. It answers ListTables (the reachability check)
// with no tables, and each GetItem as fail says: nil, an empty item;
// errReset, the status line and part of the body and then a reset
// connection, as DynamoDB Local under load has; otherwise that DynamoDB
// error. It counts the GetItems it was sent.
func flakyDynamoDB(t *testing.T, fail func(n int32) error) *atomic.Int32 {
	t.Helper()
	var gets atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		if !strings.HasSuffix(r.Header.Get("X-Amz-Target"), ".GetItem") {
			io.WriteString(w, `{"TableNames":[]}`)
			return
		}
		var dbErr *dynamoError
		switch err := fail(gets.Add(1)); {
		case err == nil:
			io.WriteString(w, `{}`)
		case errors.Is(err, errReset):
			conn, _, herr := w.(http.Hijacker).Hijack()
			if herr != nil {
				t.Errorf("hijack: %v", herr)
				return
			}
			io.WriteString(conn, "HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.0\r\nContent-Length: 64\r\n\r\n{\"Item\":")
			conn.(*net.TCPConn).SetLinger(0) // close with a reset, not a FIN
			conn.Close()
		case errors.As(err, &dbErr):
			w.WriteHeader(dbErr.status)
			io.WriteString(w, `{"__type":"com.amazonaws.dynamodb.v20120810#`+dbErr.code+`","message":"injected"}`)
		default:
			t.Errorf("flakyDynamoDB: unknown failure %v", err)
		}
	}))
	t.Cleanup(srv.Close)
	t.Setenv("FUNDTRACK_DYNAMODB_ENDPOINT", srv.URL)
	return &gets
}

var errReset = errors.New("reset the connection")

type dynamoError struct {
	status int
	code   string
}

func (e *dynamoError) Error() string { return e.code }

// noBackoff keeps the SDK's standard retryer and its three attempts but
// not its waits between them, so a test of what is retried is quick.
func noBackoff(o *dynamodb.Options) {
	o.Retryer = retry.NewStandard(func(so *retry.StandardOptions) {
		so.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
	})
}

func getItem(db *dynamodb.Client) error {
	_, err := db.GetItem(context.Background(), &dynamodb.GetItemInput{TableName: aws.String("t"),
		Key: map[string]types.AttributeValue{"PK": &types.AttributeValueMemberS{Value: "P#1"}, "SK": &types.AttributeValueMemberS{Value: "META"}}})
	return err
}

// TestResetConnectionsAreSentAgain: a request DynamoDB Local answers with a
// reset connection five times running (more than the SDK's three attempts
// in all) still succeeds, through the clients the code under test is given
// (Table, TableWith, so every testkit Stack) as through the tests' own. A
// testkit.Counter sees one request, as the request-count tests assert, and
// every send as an attempt.
func TestResetConnectionsAreSentAgain(t *testing.T) {
	gets := flakyDynamoDB(t, func(n int32) error {
		if n <= testenv.ResetResends {
			return errReset
		}
		return nil
	})
	c := &testkit.Counter{}
	if err := getItem(testenv.Client(t, c.Option)); err != nil {
		t.Fatalf("GetItem after %d resets: %v", testenv.ResetResends, err)
	}
	if n := gets.Load(); n != testenv.ResetResends+1 {
		t.Errorf("%d GetItems sent, want %d", n, testenv.ResetResends+1)
	}
	if got := c.Snapshot(); got.Requests != 1 || got.Attempts != testenv.ResetResends+1 {
		t.Errorf("counted %d requests in %d attempts, want 1 in %d", got.Requests, got.Attempts, testenv.ResetResends+1)
	}
}

// TestResetsBeyondResendsReachTheRetryer: resends are bounded, per attempt
// of the SDK's, and what is left is the SDK's error, a connection closed
// by the server.
func TestResetsBeyondResendsReachTheRetryer(t *testing.T) {
	gets := flakyDynamoDB(t, func(int32) error { return errReset })
	err := getItem(testenv.Client(t, noBackoff))
	if err == nil || !testenv.ClosedByPeer(err) {
		t.Fatalf("GetItem always reset: error %v, want a connection reset", err)
	}
	if n, want := gets.Load(), int32(3*(1+testenv.ResetResends)); n != want {
		t.Errorf("%d GetItems sent, want %d: 3 attempts, each sent %d times", n, want, 1+testenv.ResetResends)
	}
}

// TestOnlyResetsAreSentAgain: every other error (throttling, a server
// error) has the SDK's three attempts, as the functions have in AWS, so
// tests of how the code meets them see what production would.
func TestOnlyResetsAreSentAgain(t *testing.T) {
	for _, e := range []*dynamoError{{400, "ThrottlingException"}, {500, "InternalServerError"}} {
		t.Run(e.code, func(t *testing.T) {
			gets := flakyDynamoDB(t, func(int32) error { return e })
			err := getItem(testenv.Client(t, noBackoff))
			if err == nil || !strings.Contains(err.Error(), e.code) {
				t.Fatalf("GetItem always failing with %s: error %v", e.code, err)
			}
			if n := gets.Load(); n != 3 {
				t.Errorf("%d GetItems sent, want the SDK's 3", n)
			}
		})
	}
}

// TestClosedByPeer: a read on a connection net/http has closed ("use of
// closed network connection", the form the SDK reported from DynamoDB
// Local), wrapped as the SDK wraps it, is a reset; a refused connection
// (DynamoDB Local not running) and a cancelled or expired context are not.
func TestClosedByPeer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	conn.Close()
	_, closed := conn.Read(make([]byte, 1))
	ln.Close()
	_, refused := net.Dial("tcp", addr)

	sdk := func(err error) error {
		return &smithy.OperationError{ServiceID: "DynamoDB", OperationName: "Query",
			Err: &smithy.DeserializationError{Err: fmt.Errorf("failed to decode response body, %w", err)}}
	}
	if closed == nil || !strings.Contains(closed.Error(), "use of closed network connection") || !testenv.ClosedByPeer(sdk(closed)) {
		t.Errorf("ClosedByPeer(%v) = false, want true", sdk(closed))
	}
	for _, err := range []error{refused, context.Canceled, context.DeadlineExceeded} {
		if err == nil || testenv.ClosedByPeer(sdk(err)) {
			t.Errorf("ClosedByPeer(%v) = true, want false", err)
		}
	}
}
