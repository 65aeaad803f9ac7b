package email_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/aws-sdk-go-v2/service/sesv2/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/fundtrack/fundtrack/shared/email"
	"github.com/fundtrack/fundtrack/shared/testenv"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// sdkError wraps err the way the SDK hands a failed SendEmail back: an
// OperationError around a ResponseError carrying the HTTP status.
func sdkError(status int, err error) error {
	return &smithy.OperationError{ServiceID: "SESv2", OperationName: "SendEmail", Err: &awshttp.ResponseError{
		RequestID: "4b5c2d1e-0000-4000-8000-000000000000",
		ResponseError: &smithyhttp.ResponseError{
			Response: &smithyhttp.Response{Response: &http.Response{StatusCode: status, Header: http.Header{}}},
			Err:      err,
		},
	}}
}

// TestPermanent: what a retry cannot fix for this recipient (a rejected
// message or address, invalid input) is permanent; throttling, the
// account's errors (sending paused, suspended, an unverified sending
// domain, a configuration set not found: an operator fixes those and the
// same email then goes), 5xx, network and timeout errors are not.
func TestPermanent(t *testing.T) {
	t.Parallel()
	msg := aws.String("x")
	cases := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"MessageRejected", sdkError(400, &types.MessageRejected{Message: aws.String("Email address is not verified.")}), true},
		{"BadRequestException", sdkError(400, &types.BadRequestException{Message: msg}), true},
		{"MailFromDomainNotVerified", sdkError(400, &types.MailFromDomainNotVerifiedException{Message: msg}), false},
		{"AccountSuspended", sdkError(400, &types.AccountSuspendedException{Message: msg}), false},
		{"SendingPaused", sdkError(400, &types.SendingPausedException{Message: msg}), false},
		{"NotFound", sdkError(404, &types.NotFoundException{Message: msg}), false},
		{"generic MessageRejected, bare", &smithy.GenericAPIError{Code: "MessageRejected", Message: "rejected"}, true},
		{"generic MessageRejected, wrapped", fmt.Errorf("send: %w", &smithy.GenericAPIError{Code: "MessageRejected"}), true},
		{"TooManyRequests", sdkError(429, &types.TooManyRequestsException{Message: msg}), false},
		{"generic TooManyRequests", &smithy.GenericAPIError{Code: "TooManyRequestsException"}, false},
		{"LimitExceeded", sdkError(400, &types.LimitExceededException{Message: msg}), false},
		{"Throttling", sdkError(400, &smithy.GenericAPIError{Code: "Throttling"}), false},
		{"500 InternalFailure", sdkError(500, &smithy.GenericAPIError{Code: "InternalFailure"}), false},
		{"503 with no body", sdkError(503, errors.New("service unavailable")), false},
		{"5xx wins over a permanent-looking code", sdkError(502, &smithy.GenericAPIError{Code: "MessageRejected"}), false},
		{"plain error", errors.New("boom"), false},
		{"deadline", context.DeadlineExceeded, false},
		{"cancelled", fmt.Errorf("op: %w", context.Canceled), false},
		{"network", &smithy.OperationError{ServiceID: "SESv2", OperationName: "SendEmail",
			Err: &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := email.Permanent(c.err); got != c.want {
				t.Errorf("Permanent(%v) = %v, want %v", c.err, got, c.want)
			}
		})
	}
}

// TestClassify: an error SES answered with is permanent for the
// recipient's rejection only, else passing (stopping the run's sending
// but for a 5xx); with no answer, passing when no connection was had
// (nothing went), else maybe sent.
func TestClassify(t *testing.T) {
	t.Parallel()
	msg := aws.String("x")
	const (
		permanent = "permanent"
		passing   = "passing"
		stop      = "passing, stop"
		maybe     = "maybe sent"
	)
	deadline := &smithy.OperationError{ServiceID: "SESv2", OperationName: "SendEmail", Err: context.DeadlineExceeded}
	reset := &smithy.OperationError{ServiceID: "SESv2", OperationName: "SendEmail", Err: &net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")}}
	for _, c := range []struct {
		name      string
		err       error
		connected bool
		want      string
		code      string
	}{
		{"MessageRejected", sdkError(400, &types.MessageRejected{Message: msg}), true, permanent, ""},
		{"BadRequest", sdkError(400, &types.BadRequestException{Message: msg}), true, permanent, ""},
		{"SendingPaused", sdkError(400, &types.SendingPausedException{Message: msg}), true, stop, "SendingPausedException"},
		{"AccountSuspended", sdkError(400, &types.AccountSuspendedException{Message: msg}), true, stop, "AccountSuspendedException"},
		{"MailFromDomainNotVerified", sdkError(400, &types.MailFromDomainNotVerifiedException{Message: msg}), true, stop, "MailFromDomainNotVerifiedException"},
		{"NotFound", sdkError(404, &types.NotFoundException{Message: msg}), true, stop, "NotFoundException"},
		{"AccessDenied", sdkError(403, &smithy.GenericAPIError{Code: "AccessDeniedException"}), true, stop, "AccessDeniedException"},
		{"TooManyRequests", sdkError(429, &types.TooManyRequestsException{Message: msg}), true, stop, "TooManyRequestsException"},
		{"LimitExceeded", sdkError(400, &types.LimitExceededException{Message: msg}), true, stop, "LimitExceededException"},
		{"500", sdkError(500, &smithy.GenericAPIError{Code: "InternalFailure"}), true, passing, "InternalFailure"},
		{"503 with no body", sdkError(503, errors.New("service unavailable")), true, passing, "HTTP 503"},
		{"refused", &smithy.OperationError{ServiceID: "SESv2", OperationName: "SendEmail",
			Err: &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}}, false, stop, ""},
		{"deadline before sending", deadline, false, stop, ""},
		{"deadline after connecting", deadline, true, maybe, ""},
		{"reset after connecting", reset, true, maybe, ""},
		{"a success that could not be read", &smithy.OperationError{ServiceID: "SESv2", OperationName: "SendEmail",
			Err: &smithy.DeserializationError{Err: io.ErrUnexpectedEOF}}, true, maybe, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := email.Classify(c.err, c.connected)
			got := maybe
			var p *email.PassingError
			var m *email.MaybeSentError
			switch {
			case email.IsPermanent(err):
				got = permanent
			case errors.As(err, &p) && p.Stop:
				got = stop
			case errors.As(err, &p):
				got = passing
			case !errors.As(err, &m):
				got = fmt.Sprintf("unclassified %T", err)
			}
			if got != c.want || (p != nil && p.Code != c.code) {
				t.Errorf("Classify(%v, %v) = %v (%v), want %s, code %q", c.err, c.connected, got, err, c.want, c.code)
			}
			if email.IsPassing(err) != (c.want == passing || c.want == stop) || email.StopsSending(err) != (c.want == stop) {
				t.Errorf("IsPassing %v StopsSending %v for %s", email.IsPassing(err), email.StopsSending(err), c.want)
			}
			if c.code != "" && !strings.Contains(err.Error(), c.code) {
				t.Errorf("%q does not name %s", err, c.code)
			}
		})
	}
}

// TestSendIsOneRequest: through the real SES v2 client (with the SDK's
// default retryer) and the emulator, a send is one SendEmail request
// whatever happens to it: a connection lost after the request went is
// not resent (the emulator holds one email) and is reported maybe sent;
// a refused connection is passing, an SES error answer is sorted by its
// code.
func TestSendIsOneRequest(t *testing.T) {
	t.Parallel()
	faults := &testkit.SESFaults{}
	s := email.SES{Client: testkit.SESWithFaults(t, faults), From: "fundtrack@example.org"}
	inbox := testkit.NewMailbox(t)
	for _, c := range []struct {
		name  string
		fault testkit.SESFault
		check func(error) bool
		kept  int // emails the emulator holds after
	}{
		{"dropped after sending", testkit.SESFault{Drop: true}, func(err error) bool {
			var m *email.MaybeSentError
			return errors.As(err, &m) && !email.IsPassing(err) && !email.IsPermanent(err)
		}, 1},
		{"refused", testkit.SESFault{Refuse: true}, func(err error) bool { return email.IsPassing(err) && email.StopsSending(err) }, 0},
		{"throttled", testkit.SESFault{Status: 429, Code: "TooManyRequestsException"}, func(err error) bool {
			var tm *types.TooManyRequestsException
			return email.StopsSending(err) && errors.As(err, &tm)
		}, 0},
		{"sending paused", testkit.SESFault{Code: "SendingPausedException"}, func(err error) bool {
			var sp *types.SendingPausedException
			return email.StopsSending(err) && errors.As(err, &sp) && strings.Contains(err.Error(), "SendingPausedException")
		}, 0},
		{"internal failure", testkit.SESFault{Status: 500, Code: "InternalFailure"}, func(err error) bool {
			return email.IsPassing(err) && !email.StopsSending(err)
		}, 0},
		{"rejected", testkit.SESFault{Code: "MessageRejected"}, email.IsPermanent, 0},
	} {
		to := inbox.Addr(strings.ReplaceAll(c.name, " ", "-"), "dwp.example.org")
		faults.Decide(func(string, int) testkit.SESFault { return c.fault })
		err := s.Send(t.Context(), email.Message{To: to, Subject: "Target reached: " + c.name, Text: "t", HTML: "<p>h</p>"})
		if err == nil || !c.check(err) {
			t.Errorf("%s: %T %v", c.name, err, err)
		}
		if n := faults.Requests()[to]; n != 1 {
			t.Errorf("%s: %d SendEmail requests, want exactly 1", c.name, n)
		}
		if n := inbox.Count(t)[[2]string{to, "Target reached: " + c.name}]; n != c.kept {
			t.Errorf("%s: the emulator holds %d emails, want %d", c.name, n, c.kept)
		}
	}
}

func TestIsPermanent(t *testing.T) {
	t.Parallel()
	inner := &types.MessageRejected{Message: aws.String("no")}
	p := &email.PermanentError{Err: inner}
	if !email.IsPermanent(p) || !email.IsPermanent(fmt.Errorf("deliver: %w", p)) {
		t.Error("a PermanentError, bare or wrapped, is permanent")
	}
	if email.IsPermanent(inner) || email.IsPermanent(errors.New("x")) || email.IsPermanent(nil) {
		t.Error("only a PermanentError is permanent to IsPermanent")
	}
	var mr *types.MessageRejected
	if !errors.As(p, &mr) || !strings.Contains(p.Error(), "permanent") {
		t.Errorf("PermanentError hides its cause: %v", p)
	}
}

// fakeSES records inputs and answers with err.
type fakeSES struct {
	mu  sync.Mutex
	in  []*sesv2.SendEmailInput
	err error
}

func (f *fakeSES) SendEmail(_ context.Context, in *sesv2.SendEmailInput, _ ...func(*sesv2.Options)) (*sesv2.SendEmailOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.in = append(f.in, in)
	if f.err != nil {
		return nil, f.err
	}
	return &sesv2.SendEmailOutput{MessageId: aws.String("m1")}, nil
}

func TestSESSendBuildsOneMessage(t *testing.T) {
	t.Parallel()
	f := &fakeSES{}
	s := email.SES{Client: f, From: "fundtrack@example.org"}
	m := email.Message{To: "a@dwp.example.org", Subject: "Target reached", Text: "plain £", HTML: "<p>html</p>"}
	if err := s.Send(t.Context(), m); err != nil {
		t.Fatal(err)
	}
	if len(f.in) != 1 {
		t.Fatalf("%d calls", len(f.in))
	}
	in := f.in[0]
	simple := in.Content.Simple
	if aws.ToString(in.FromEmailAddress) != "fundtrack@example.org" ||
		len(in.Destination.ToAddresses) != 1 || in.Destination.ToAddresses[0] != m.To ||
		len(in.Destination.CcAddresses)+len(in.Destination.BccAddresses) != 0 ||
		aws.ToString(simple.Subject.Data) != m.Subject || aws.ToString(simple.Body.Text.Data) != m.Text ||
		aws.ToString(simple.Body.Html.Data) != m.HTML {
		t.Errorf("input: %+v", in)
	}
	for _, c := range []*types.Content{simple.Subject, simple.Body.Text, simple.Body.Html} {
		if aws.ToString(c.Charset) != "UTF-8" {
			t.Errorf("charset %q", aws.ToString(c.Charset))
		}
	}
}

func TestSESSendClassifies(t *testing.T) {
	t.Parallel()
	rejected := email.SES{Client: &fakeSES{err: sdkError(400, &types.MessageRejected{Message: aws.String("bad address")})}, From: "f@example.org"}
	err := rejected.Send(t.Context(), email.Message{To: "x@example.org"})
	var mr *types.MessageRejected
	if !email.IsPermanent(err) || !errors.As(err, &mr) {
		t.Errorf("rejected: %v (permanent %v)", err, email.IsPermanent(err))
	}
	throttled := email.SES{Client: &fakeSES{err: sdkError(429, &types.TooManyRequestsException{Message: aws.String("slow down")})}, From: "f@example.org"}
	err = throttled.Send(t.Context(), email.Message{To: "x@example.org"})
	var tm *types.TooManyRequestsException
	if err == nil || email.IsPermanent(err) || !errors.As(err, &tm) {
		t.Errorf("throttled: %v (permanent %v)", err, email.IsPermanent(err))
	}
	down := email.SES{Client: &fakeSES{err: sdkError(500, &smithy.GenericAPIError{Code: "InternalFailure"})}, From: "f@example.org"}
	if err := down.Send(t.Context(), email.Message{To: "x@example.org"}); err == nil || email.IsPermanent(err) {
		t.Errorf("5xx: %v", err)
	}
}

// TestSESSendThroughEmulator sends through a real SES v2 client to the
// local emulator and finds the message in its store.
func TestSESSendThroughEmulator(t *testing.T) {
	t.Parallel()
	ep := testenv.SESEndpoint()
	probe := &http.Client{Timeout: 3 * time.Second}
	resp, err := probe.Get(ep + "/store")
	if err != nil {
		t.Fatalf("SES emulator not reachable at %s: run `make test` or `infra/stack.sh start --test` (%v)", ep, err)
	}
	resp.Body.Close()
	client := sesv2.New(sesv2.Options{Region: testenv.Region, BaseEndpoint: aws.String(ep), Credentials: testenv.Credentials})
	to := "contact." + strings.ToLower(rand.Text()[:12]) + "@dwp.example.org"
	s := email.SES{Client: client, From: "fundtrack@example.org"}
	m := email.Message{To: to, Subject: "Target reached: 60 people into work (Test)", Text: "61 as of 2026-03-01", HTML: "<p>61 as of 2026-03-01</p>"}
	if err := s.Send(t.Context(), m); err != nil {
		t.Fatal(err)
	}
	// The emulator lists every email it holds: on a stack kept across
	// many runs that is megabytes, slow to read on a busy machine.
	resp, err = (&http.Client{Timeout: 30 * time.Second}).Get(ep + "/store")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var store struct {
		Emails []struct {
			From        string `json:"from"`
			Destination struct {
				To []string `json:"to"`
			} `json:"destination"`
			Subject string `json:"subject"`
			Body    struct {
				Text string `json:"text"`
				HTML string `json:"html"`
			} `json:"body"`
		} `json:"emails"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&store); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range store.Emails {
		if len(e.Destination.To) == 1 && e.Destination.To[0] == to {
			n++
			if e.From != s.From || e.Subject != m.Subject || e.Body.Text != m.Text || e.Body.HTML != m.HTML {
				t.Errorf("stored email: %+v", e)
			}
		}
	}
	if n != 1 {
		t.Errorf("%d emails to %s in the emulator, want 1", n, to)
	}
}

func TestHeaderText(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ in, want string }{
		{"Target reached: 60 people into work (Working for Wellness)", "Target reached: 60 people into work (Working for Wellness)"},
		{"Leeds\r\nBcc: x@evil.example", "Leeds Bcc: x@evil.example"},
		{"Leeds\nBcc: x@evil.example\r\n\r\nbody", "Leeds Bcc: x@evil.example body"},
		{"Leeds\rSubject: other", "Leeds Subject: other"},
		{"  Leeds\t\v\f York  ", "Leeds York"},
		{"Leeds\u2028Bcc: x@evil.example\u2029", "Leeds Bcc: x@evil.example"},
		{"Leeds\u0085York\u0000", "Leeds York"},
		{"Leeds \u202eKROY\u202c", "Leeds KROY"},
		{"Le\u200beds\ufeff", "Le eds"},
		{"Café — Réseau 🚀", "Café — Réseau 🚀"},
		{"bad \xff byte", "bad \ufffd byte"},
		{"", ""},
		{strings.Repeat("a", email.MaxSubjectRunes+5), strings.Repeat("a", email.MaxSubjectRunes) + "…"},
	} {
		if got := email.HeaderText(c.in); got != c.want {
			t.Errorf("HeaderText(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestSESRequestSubjectStaysOneLine: the SendEmail request the SDK puts on
// the wire for a subject holding "\r\nBcc: …" (a name stored before names
// were refused with line breaks) has a one-line subject and one recipient:
// no header is added, nobody is copied in.
func TestSESRequestSubjectStaysOneLine(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var bodies [][]byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, b)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"MessageId":"m1"}`)
	}))
	defer srv.Close()
	client := sesv2.New(sesv2.Options{Region: testenv.Region, BaseEndpoint: aws.String(srv.URL), Credentials: testenv.Credentials})
	s := email.SES{Client: client, From: "fundtrack <fundtrack@example.org>"}
	hostile := "Target reached: 60 people into work (Leeds\r\nBcc: x@evil.example\r\n)"
	if err := s.Send(t.Context(), email.Message{To: "grants@dwp.example.org", Subject: hostile, Text: "t", HTML: "<p>h</p>"}); err != nil {
		t.Fatal(err)
	}
	if len(bodies) != 1 {
		t.Fatalf("%d requests", len(bodies))
	}
	var req struct {
		Destination map[string][]string
		Content     struct {
			Simple struct {
				Subject struct{ Data, Charset string }
			}
		}
	}
	if err := json.Unmarshal(bodies[0], &req); err != nil {
		t.Fatalf("request %s: %v", bodies[0], err)
	}
	subject := req.Content.Simple.Subject.Data
	if strings.ContainsAny(subject, "\r\n") || subject != "Target reached: 60 people into work (Leeds Bcc: x@evil.example )" {
		t.Errorf("subject on the wire %q", subject)
	}
	if len(req.Destination) != 1 || !slices.Equal(req.Destination["ToAddresses"], []string{"grants@dwp.example.org"}) {
		t.Errorf("destination on the wire %v", req.Destination)
	}
	if strings.Contains(string(bodies[0]), `\r\nBcc`) || strings.Contains(string(bodies[0]), `\nBcc`) {
		t.Errorf("the request still carries the line break: %s", bodies[0])
	}
}

// TestFromHeader: emails come from a named sender. A name of plain words
// is written as it is ("fundtrack <addr>"); any other is quoted or
// encoded, and a name with a line break cannot add a header.
func TestFromHeader(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		email.SenderName:                   "fundtrack <fundtrack@example.org>",
		"":                                 "fundtrack@example.org",
		"Leicestershire Partnership":       "Leicestershire Partnership <fundtrack@example.org>",
		`LPT "East", Ltd`:                  `"LPT \"East\", Ltd" <fundtrack@example.org>`,
		"Zoë's Trust":                      "=?utf-8?b?Wm/DqydzIFRydXN0?= <fundtrack@example.org>",
		"fundtrack\r\nBcc: x@evil.example": `"fundtrack Bcc: x@evil.example" <fundtrack@example.org>`,
	}
	for name, want := range cases {
		if got := email.FromHeader(name, "fundtrack@example.org"); got != want {
			t.Errorf("FromHeader(%q) = %q, want %q", name, got, want)
		}
	}
	f := &fakeSES{}
	if err := (email.SES{Client: f, From: "fundtrack@example.org", Name: email.SenderName}).Send(t.Context(), email.Message{To: "a@example.org"}); err != nil {
		t.Fatal(err)
	}
	if got := aws.ToString(f.in[0].FromEmailAddress); got != "fundtrack <fundtrack@example.org>" {
		t.Errorf("SendEmail from %q", got)
	}
}
