// Package notifierdeps wires the notifier (shared/notify) from the environment.
// It is apart from package platform so the API functions do not link SES.
package notifierdeps

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"

	"github.com/fundtrack/fundtrack/shared/email"
	"github.com/fundtrack/fundtrack/shared/notify"
	"github.com/fundtrack/fundtrack/shared/platform"
	"github.com/fundtrack/fundtrack/shared/store"
)

// SES returns an SES v2 client, pointed at the emulator when configured,
// that never retries: SendEmail takes no idempotency token, so a request
// the SDK resent after a lost answer would be a second email (email.SES
// turns retries off for each send as well: email.NoRetries). Its idle
// connections are kept only briefly (email.HTTPClient), so no send goes
// on a connection SES is closing, which would lose the email.
func SES(c platform.Config, cfg aws.Config) *sesv2.Client {
	return sesv2.NewFromConfig(cfg, func(o *sesv2.Options) {
		o.Retryer, o.RetryMaxAttempts = aws.NopRetryer{}, 0
		o.HTTPClient = email.HTTPClient()
		if c.SESEndpoint != "" {
			o.BaseEndpoint = aws.String(c.SESEndpoint)
		}
	})
}

// Sender sends the notifier's emails through SES from the configured
// address, under fundtrack's name.
func Sender(c platform.Config, cfg aws.Config) email.SES {
	return email.SES{Client: SES(c, cfg), From: c.MailFrom, Name: email.SenderName}
}

// Notifier wires the notifier over a DynamoDB client and an
// email sender, its emails linking to the web app at c.WebBaseURL.
func Notifier(c platform.Config, db store.DB, sender email.Sender) *notify.Notifier {
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	return &notify.Notifier{Store: c.Store(db).WithLogger(log), Email: sender, Logger: log,
		Links: notify.Links{Base: c.WebBaseURL}}
}

// Lambda builds the notifier as it runs in Lambda.
func Lambda(ctx context.Context) (*notify.Notifier, error) {
	c, err := platform.FromEnv()
	if err != nil {
		return nil, err
	}
	cfg, err := c.AWS(ctx)
	if err != nil {
		return nil, err
	}
	return Notifier(c, c.DynamoDB(cfg), Sender(c, cfg)), nil
}
