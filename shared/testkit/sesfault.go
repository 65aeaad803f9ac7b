package testkit

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sesv2"

	"github.com/fundtrack/fundtrack/shared/email"
)

// SESFault is what a SESFaults transport does with one SendEmail request.
type SESFault struct {
	// Status and Code, when Code is set, answer the request with an SES
	// error of that code (as SES writes them: the X-Amzn-ErrorType header
	// and a JSON body) without passing it on.
	Status int
	Code   string
	// Drop passes the request on to the emulator (which keeps the email)
	// and then fails as a connection lost before the answer came.
	Drop bool
	// Err, with Drop, is the failure instead of a reset connection (a
	// timeout waiting for the answer: context.DeadlineExceeded).
	Err error
	// Refuse fails before anything is sent, as a refused connection does.
	Refuse bool
	// Delay holds the request this long before doing the rest (a slow SES).
	Delay time.Duration
}

// SESFaults is an http.RoundTripper in front of the SES emulator: the real
// SES v2 client, with its retryer, serialisation and error parsing, sends
// through it, and Decide may turn a request into a fault. It counts every
// request that reaches it (retries by the SDK included).
type SESFaults struct {
	Next   http.RoundTripper
	mu     sync.Mutex
	decide func(to string, call int) SESFault
	to     []string // the recipient of every request, in order
}

// SESWithFaults returns an SES v2 client for the emulator whose requests
// go through f, with the SDK's default retryer, as the notifier's client
// would have it but for the sender's own retry setting. Unless f.Next is
// set, they go on through a transport of the notifier's own HTTP client
// (email.HTTPClient), with its short hold on idle connections: through
// http.DefaultTransport, which all of a package's tests share and which
// keeps them 90 s, a send could go on a connection the emulator was
// closing, and be lost.
func SESWithFaults(t testing.TB, f *SESFaults) *sesv2.Client {
	t.Helper()
	if f.Next == nil {
		tr := email.HTTPClient().GetTransport()
		t.Cleanup(tr.CloseIdleConnections)
		f.Next = tr
	}
	return sesv2.New(SES(t).Options(), func(o *sesv2.Options) {
		o.HTTPClient = &http.Client{Transport: f}
	})
}

// Decide sets what the transport does: decide is given the request's
// recipient and its number among all requests (from 0).
func (f *SESFaults) Decide(decide func(to string, call int) SESFault) {
	f.mu.Lock()
	f.decide = decide
	f.mu.Unlock()
}

// Requests counts the requests that reached the transport, by recipient.
func (f *SESFaults) Requests() map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := map[string]int{}
	for _, to := range f.to {
		out[to]++
	}
	return out
}

// ErrDropped is the failure of a dropped request: the connection was
// reset after the request went.
var ErrDropped = &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}

func (f *SESFaults) RoundTrip(req *http.Request) (*http.Response, error) {
	body, err := io.ReadAll(req.Body)
	if err != nil {
		return nil, err
	}
	req.Body.Close()
	to := recipientOf(string(body))
	f.mu.Lock()
	call := len(f.to)
	f.to = append(f.to, to)
	decide := f.decide
	f.mu.Unlock()
	var fault SESFault
	if decide != nil {
		fault = decide(to, call)
	}
	if fault.Delay > 0 {
		select {
		case <-time.After(fault.Delay):
		case <-req.Context().Done():
			return nil, req.Context().Err()
		}
	}
	switch {
	case fault.Refuse:
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	case fault.Code != "":
		status := fault.Status
		if status == 0 {
			status = http.StatusBadRequest
		}
		msg := fmt.Sprintf(`{"__type":%q,"message":"injected by the test"}`, fault.Code)
		return &http.Response{StatusCode: status, Status: http.StatusText(status), Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
			Header: http.Header{"Content-Type": {"application/json"}, "X-Amzn-Errortype": {fault.Code}, "X-Amzn-Requestid": {"injected"}},
			Body:   io.NopCloser(strings.NewReader(msg)), ContentLength: int64(len(msg)), Request: req}, nil
	}
	fwd := req.Clone(req.Context())
	fwd.Body = io.NopCloser(strings.NewReader(string(body)))
	fwd.ContentLength = int64(len(body))
	resp, err := f.Next.RoundTrip(fwd)
	if err != nil || !fault.Drop {
		return resp, err
	}
	io.Copy(io.Discard, resp.Body) //nolint:errcheck // the answer is thrown away: that is the fault
	resp.Body.Close()
	if fault.Err != nil {
		return nil, fault.Err
	}
	return nil, ErrDropped
}

// recipientOf finds the first ToAddresses entry in a SendEmail body.
func recipientOf(body string) string {
	_, rest, ok := strings.Cut(body, `"ToAddresses":["`)
	if !ok {
		return ""
	}
	to, _, _ := strings.Cut(rest, `"`)
	return to
}
