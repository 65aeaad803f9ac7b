// Package email sends fundtrack's emails (milestones, the reporting cycle's
// reminders, overdue notices and review emails, payments due) through
// Amazon SES v2 and sorts failures into permanent ones (the address is
// refused: give up on it), passing ones (SES did not take the email:
// retry later) and ones that may have been sent (never send again).
package email

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptrace"
	"net/mail"
	"strings"
	"sync/atomic"
	"time"
	"unicode"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/aws-sdk-go-v2/service/sesv2/types"
	"github.com/aws/smithy-go"
)

// Message is one email to one recipient.
type Message struct {
	To      string
	Subject string
	Text    string
	HTML    string
}

// Sender sends one email.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// SESAPI is the part of the SES v2 client used; tests wrap the real client
// to inject faults (throttling, rejected addresses).
type SESAPI interface {
	SendEmail(ctx context.Context, in *sesv2.SendEmailInput, opts ...func(*sesv2.Options)) (*sesv2.SendEmailOutput, error)
}

// SES sends through Amazon SES v2 from a verified address.
type SES struct {
	Client SESAPI
	From   string
	// Name is the sender's name people see ("fundtrack"): the email
	// comes from "Name <From>". SES matches the sending identity, and IAM
	// its ses:FromAddress condition, on the address alone.
	Name string
}

// SenderName is the name fundtrack's emails come from.
const SenderName = "fundtrack"

// FromHeader is the From address with a display name: "fundtrack
// <fundtrack@example.org>". A name of plain words is written as it is; any
// other is quoted or encoded (RFC 5322, RFC 2047) by net/mail. The name is
// made one line first (HeaderText), as a subject is.
func FromHeader(name, addr string) string {
	name = HeaderText(name)
	if name == "" {
		return addr
	}
	for _, r := range name {
		if !(r == ' ' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("!#$%&'*+-/=?^_`{|}~", r)) {
			return (&mail.Address{Name: name, Address: addr}).String()
		}
	}
	return name + " <" + addr + ">"
}

// Send sends m, in exactly one SendEmail request: the SDK's retryer is
// off for it (NoRetries), as SES v2 SendEmail takes no idempotency token
// and a request resent after its answer was lost is a second email. A
// failure is sorted (Classify) into one of three: a *PermanentError (SES
// refused this address or message: never retry it), a *PassingError (SES
// answered that it did not take the email, or was never reached: safe to
// retry later), or a *MaybeSentError (the request may have reached SES and
// no answer came: it must not be sent again). The subject goes through
// HeaderText whoever built it, so no name stored in fundtrack can end the
// Subject header and add one of its own.
func (s SES) Send(ctx context.Context, m Message) error {
	// Whether the request may have left: once a connection to SES is had,
	// the request is written to it, and a failure after that may follow
	// SES taking the email.
	var connected atomic.Bool
	traced := httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		GotConn: func(httptrace.GotConnInfo) { connected.Store(true) },
	})
	_, err := s.Client.SendEmail(traced, &sesv2.SendEmailInput{
		FromEmailAddress: aws.String(FromHeader(s.Name, s.From)),
		Destination:      &types.Destination{ToAddresses: []string{m.To}},
		Content: &types.EmailContent{Simple: &types.Message{
			Subject: &types.Content{Data: aws.String(HeaderText(m.Subject)), Charset: aws.String("UTF-8")},
			Body: &types.Body{
				Text: &types.Content{Data: aws.String(m.Text), Charset: aws.String("UTF-8")},
				Html: &types.Content{Data: aws.String(m.HTML), Charset: aws.String("UTF-8")},
			},
		}},
	}, NoRetries)
	if err == nil {
		return nil
	}
	return Classify(err, connected.Load())
}

// NoRetries turns the SDK's retries off for one SES call: SendEmail is
// not idempotent, so the one request is all a claim may make. (The
// notifier's own client is built with no retries too: see notifierdeps.)
func NoRetries(o *sesv2.Options) {
	o.Retryer = aws.NopRetryer{}
	o.RetryMaxAttempts = 0 // 0: the operation keeps the retryer set here
}

// IdleConnTimeout is how long the SES client keeps a connection idle for
// its next send: long enough for the sends of a run, a few DynamoDB calls
// apart, well under what a server keeps one open (the SES emulator says
// 5 s in its Keep-Alive header, and closes at 6). A send on a connection
// the server is closing fails after the request went (the server drops
// it unread, or its answer never comes), so the email is maybe sent and
// never retried: lost. With the SDK's 90 s, a connection idle for a
// minute would be reused; on a loaded machine, where the server's close
// and the client's reuse meet slowly, a test lost an email so
// (TestConcurrentRunsSendOnce). Go's HTTP/1 transport measures a
// connection's idle time by the wall clock when it would reuse it, so a
// late timer (a loaded machine, a Lambda environment frozen between runs)
// does not make it reuse an older one.
const IdleConnTimeout = time.Second

// HTTPClient is the SDK's HTTP client for SES (notifierdeps builds the
// notifier's SES client with it, and testkit the tests'), keeping idle
// connections IdleConnTimeout at most. A send is still one request:
// nothing here resends one (NoRetries; Go's transport resends a POST only
// when it wrote none of it and the body can be rewound, which the SDK's
// cannot).
func HTTPClient() *awshttp.BuildableClient {
	return awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
		tr.IdleConnTimeout = IdleConnTimeout
	})
}

// MaxSubjectRunes bounds a subject: far above any real one (names are at
// most 200 characters), far below the 998 characters a header line may hold.
const MaxSubjectRunes = 400

// HeaderText makes s safe as one line of header text, such as a subject
// built from programme, project or funder names. A CR or LF in a header
// ends it, and what follows ("\r\nBcc: someone@evil.example") would be read
// as a header of its own, so every line break, other control character,
// Unicode line or paragraph separator, and invisible format character
// (bidirectional overrides, zero-width characters, which would make the
// subject read differently from what it says) becomes a space; runs of
// spaces become one, and the ends are trimmed. Names are refused with such
// characters at input, but data stored before that rule may hold them.
// Encoding is left to SES: with the UTF-8 charset it writes a non-ASCII
// subject as RFC 2047 encoded words, folded as RFC 5322 requires.
func HeaderText(s string) string {
	var b strings.Builder
	space := false
	n := 0
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		if unicode.IsControl(r) || unicode.IsSpace(r) || unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp) {
			space = b.Len() > 0
			continue
		}
		if n == MaxSubjectRunes {
			b.WriteString("…")
			break
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}

// PermanentError is a send that must not be retried: SES refused this
// recipient or this message (a rejected or malformed address).
type PermanentError struct{ Err error }

// Error says the failure is permanent, then the cause.
func (e *PermanentError) Error() string { return "permanent email failure: " + e.Err.Error() }

// Unwrap exposes the cause to errors.Is and errors.As.
func (e *PermanentError) Unwrap() error { return e.Err }

// IsPermanent reports whether err (from a Sender) is a *PermanentError.
func IsPermanent(err error) bool {
	var p *PermanentError
	return errors.As(err, &p)
}

// PassingError is a send SES did not take: it answered with throttling,
// an error of the account or its configuration (sending paused, the
// sending domain not verified, a configuration set not found), or a 5xx;
// or it was never reached (no connection: refused, a DNS failure, a
// deadline before the request went). Retrying later is safe: no email
// went. Stop says the same failure would meet every other email now
// (all but a 5xx), so a run stops sending rather than spend the rest.
type PassingError struct {
	Err  error
	Code string // SES's error code, "" when SES did not answer
	Stop bool
}

func (e *PassingError) Error() string {
	if e.Code != "" {
		return "SES did not take the email (" + e.Code + "): " + e.Err.Error()
	}
	return "SES not reached, nothing sent: " + e.Err.Error()
}
func (e *PassingError) Unwrap() error { return e.Err }

// IsPassing reports whether err (from a Sender) is a *PassingError: no
// email went, and a later run may retry.
func IsPassing(err error) bool {
	var p *PassingError
	return errors.As(err, &p)
}

// StopsSending reports whether err is a passing failure every other email
// would meet now too (throttling, a quota, the account's sending paused,
// SES unreachable): the run should send no more.
func StopsSending(err error) bool {
	var p *PassingError
	return errors.As(err, &p) && p.Stop
}

// MaybeSentError is a send whose outcome is not known: the request may
// have reached SES (it was being written, or had been, when the
// connection failed or the deadline came) and no answer came. SES may
// have taken the email, so it must never be sent again.
type MaybeSentError struct{ Err error }

func (e *MaybeSentError) Error() string {
	return "no answer from SES after the request went, so the email may have been sent: " + e.Err.Error()
}
func (e *MaybeSentError) Unwrap() error { return e.Err }

// permanentCodes are SES v2 errors about the recipient or the message,
// which a retry cannot fix: MessageRejected (SES refused the message for
// this recipient) and BadRequestException (the input, such as a
// malformed address, is invalid). Every other code SES answers with is an
// error of the account or its configuration, or throttling
// (TooManyRequestsException, LimitExceededException): the operator can
// fix those, after which the same email goes, so they are passing.
var permanentCodes = map[string]bool{
	"MessageRejected":     true,
	"BadRequestException": true,
}

// Permanent reports whether an SES error refuses the recipient or the
// message for good (see permanentCodes); a 5xx never does.
func Permanent(err error) bool {
	var re *awshttp.ResponseError
	if errors.As(err, &re) && re.HTTPStatusCode() >= 500 {
		return false
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return permanentCodes[ae.ErrorCode()]
	}
	return false
}

// Classify sorts a failed SendEmail call's err; connected says whether a
// connection to SES was had for it (the request may then have gone).
//   - SES answered with an error (an API error code): MessageRejected or
//     BadRequestException is a *PermanentError; anything else (throttling,
//     the account's errors, a 5xx) a *PassingError.
//   - No answer and no connection (refused, DNS, a deadline before
//     sending): a *PassingError.
//   - No answer after connecting (the connection dropped, a timeout while
//     waiting): a *MaybeSentError.
func Classify(err error, connected bool) error {
	var ae smithy.APIError
	var re *awshttp.ResponseError
	status := 0
	if errors.As(err, &re) {
		status = re.HTTPStatusCode()
	}
	code := ""
	if errors.As(err, &ae) {
		code = ae.ErrorCode()
	}
	switch {
	case code == "" && status < 400 && connected:
		// No error answer (none at all, or a success that could not be
		// read): SES may have the email.
		return &MaybeSentError{Err: err}
	case code == "" && status < 400:
		return &PassingError{Err: err, Stop: true}
	case Permanent(err):
		return &PermanentError{Err: err}
	case code == "":
		code = fmt.Sprintf("HTTP %d", status)
	}
	return &PassingError{Err: err, Code: code, Stop: status < 500}
}
