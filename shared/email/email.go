// Package email sends fundtrack's emails (milestones, the reporting cycle's
// reminders, overdue notices and review emails, payments due) through
// Amazon SES v2 and sorts failures into passing ones (retry later) and
// permanent ones (give up).
package email

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
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

// Send sends m. A failure that will not go away by retrying (SES rejected
// the message or the address) is a *PermanentError. The subject goes
// through HeaderText whoever built it, so no name stored in fundtrack can
// end the Subject header and add one of its own.
func (s SES) Send(ctx context.Context, m Message) error {
	_, err := s.Client.SendEmail(ctx, &sesv2.SendEmailInput{
		FromEmailAddress: aws.String(FromHeader(s.Name, s.From)),
		Destination:      &types.Destination{ToAddresses: []string{m.To}},
		Content: &types.EmailContent{Simple: &types.Message{
			Subject: &types.Content{Data: aws.String(HeaderText(m.Subject)), Charset: aws.String("UTF-8")},
			Body: &types.Body{
				Text: &types.Content{Data: aws.String(m.Text), Charset: aws.String("UTF-8")},
				Html: &types.Content{Data: aws.String(m.HTML), Charset: aws.String("UTF-8")},
			},
		}},
	})
	if err == nil {
		return nil
	}
	if Permanent(err) {
		return &PermanentError{Err: err}
	}
	return fmt.Errorf("send email: %w", err)
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

// PermanentError is a send that must not be retried.
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

// permanentCodes are SES v2 errors that a retry cannot fix. Throttling
// (TooManyRequestsException, LimitExceededException), 5xx and network
// errors are passing and retried on a later run.
var permanentCodes = map[string]bool{
	"MessageRejected":                    true,
	"BadRequestException":                true,
	"MailFromDomainNotVerifiedException": true,
	"AccountSuspendedException":          true,
	"SendingPausedException":             true,
	"NotFoundException":                  true,
}

// Permanent classifies an SES error.
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
