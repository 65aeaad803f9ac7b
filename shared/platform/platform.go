// Package platform builds the AWS clients and API dependencies every binary
// needs from its environment, so each functions/<name>/main.go stays a few
// lines of wiring and the local runner wires the same way.
package platform

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/awslabs/aws-lambda-go-api-proxy/core"

	"github.com/fundtrack/fundtrack/shared/email"
	"github.com/fundtrack/fundtrack/shared/notify"

	"github.com/fundtrack/fundtrack/shared/httpapi"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/store"
	"github.com/fundtrack/fundtrack/shared/web"
)

// Config is read from the environment.
type Config struct {
	Table            string // FUNDTRACK_TABLE
	AuditTable       string // FUNDTRACK_AUDIT_TABLE: defaults to store.AuditTableName(Table)
	DynamoDBEndpoint string // FUNDTRACK_DYNAMODB_ENDPOINT: set only for DynamoDB Local
	SESEndpoint      string // FUNDTRACK_SES_ENDPOINT: set only for the SES emulator
	MailFrom         string // FUNDTRACK_MAIL_FROM: the verified address milestone emails come from
	GivingPrefix     string // FUNDTRACK_360_PREFIX: the 360Giving prefix of exported identifiers; "" is "fundtrack"
}

// FromEnv reads the configuration; the table name is required.
func FromEnv() (Config, error) {
	c := Config{
		Table:            os.Getenv("FUNDTRACK_TABLE"),
		DynamoDBEndpoint: os.Getenv("FUNDTRACK_DYNAMODB_ENDPOINT"),
		SESEndpoint:      os.Getenv("FUNDTRACK_SES_ENDPOINT"),
		MailFrom:         os.Getenv("FUNDTRACK_MAIL_FROM"),
		GivingPrefix:     os.Getenv("FUNDTRACK_360_PREFIX"),
		AuditTable:       os.Getenv("FUNDTRACK_AUDIT_TABLE"),
	}
	if c.MailFrom == "" {
		c.MailFrom = "fundtrack@example.org"
	}
	if c.Table == "" {
		return c, fmt.Errorf("FUNDTRACK_TABLE is not set")
	}
	return c, nil
}

// AWS loads the AWS configuration. Against local emulators it uses fixed
// dummy credentials and a region, since there is no account to sign for.
func (c Config) AWS(ctx context.Context) (aws.Config, error) {
	var opts []func(*config.LoadOptions) error
	if c.DynamoDBEndpoint != "" || c.SESEndpoint != "" {
		opts = append(opts, config.WithRegion("eu-west-2"),
			config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("local", "local", "")))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return cfg, fmt.Errorf("load AWS config: %w", err)
	}
	return cfg, nil
}

// DynamoDB returns a DynamoDB client, pointed at DynamoDB Local when configured.
func (c Config) DynamoDB(cfg aws.Config) *dynamodb.Client {
	return dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) {
		if c.DynamoDBEndpoint != "" {
			o.BaseEndpoint = aws.String(c.DynamoDBEndpoint)
			// DynamoDB Local's CRC32 header does not match its error
			// bodies, which makes the SDK log a warning on every expected
			// conditional-check failure.
			o.DisableValidateResponseChecksum = true
		}
	})
}

// Store is the store over the configured tables.
func (c Config) Store(db store.DB) *store.Store {
	return store.New(db, c.Table).WithAuditTable(c.AuditTable)
}

// APIDeps wires the API's dependencies over one DynamoDB client.
func APIDeps(c Config, db store.DB, auth httpapi.Authenticator) httpapi.Deps {
	st := c.Store(db)
	return httpapi.Deps{
		Service:     service.New(st, nil),
		Auth:        auth,
		Idempotency: st,
		Logger:      slog.New(slog.NewJSONHandler(os.Stderr, nil)),

		GivingPrefix: c.GivingPrefix,
	}
}

// LambdaRequestID is API Gateway's id for the request, so our logs and audit
// events line up with API Gateway's access logs.
func LambdaRequestID(r *http.Request) string {
	if rc, ok := core.GetAPIGatewayV2ContextFromContext(r.Context()); ok {
		return rc.RequestID
	}
	return ""
}

// LambdaAPI builds the dependencies of an API function running in Lambda.
func LambdaAPI(ctx context.Context, auth httpapi.Authenticator) (httpapi.Deps, error) {
	c, err := FromEnv()
	if err != nil {
		return httpapi.Deps{}, err
	}
	cfg, err := c.AWS(ctx)
	if err != nil {
		return httpapi.Deps{}, err
	}
	d := APIDeps(c, c.DynamoDB(cfg), auth)
	d.RequestID = LambdaRequestID
	return d, nil
}

// WebDeps wires the web app over one DynamoDB client: the API's service,
// over a client that sends each read once per page (web.ReadOnce). Sign-in
// and the session key are the caller's: Cognito in Lambda (LambdaWeb), the
// demo-user page locally.
func WebDeps(c Config, db store.DB) web.Deps {
	return web.Deps{
		Service:      service.New(c.Store(web.ReadOnce(db)), nil),
		Logger:       slog.New(slog.NewJSONHandler(os.Stderr, nil)),
		GivingPrefix: c.GivingPrefix,
	}
}

// LambdaWeb builds the web function's dependencies: sessions sealed with
// FUNDTRACK_SESSION_KEY (base64, 32 bytes) and sign-in through Cognito
// managed login (FUNDTRACK_COGNITO_DOMAIN, FUNDTRACK_COGNITO_CLIENT_ID,
// FUNDTRACK_COGNITO_ISSUER; FUNDTRACK_WEB_BASE_URL if the app is not
// reached at the request's own host).
func LambdaWeb(ctx context.Context) (web.Deps, error) {
	c, err := FromEnv()
	if err != nil {
		return web.Deps{}, err
	}
	cfg, err := c.AWS(ctx)
	if err != nil {
		return web.Deps{}, err
	}
	codec, err := web.CodecFromBase64(os.Getenv("FUNDTRACK_SESSION_KEY"))
	if err != nil {
		return web.Deps{}, fmt.Errorf("FUNDTRACK_SESSION_KEY: %w", err)
	}
	signIn, err := web.NewCognito(web.CognitoConfig{
		Domain:   os.Getenv("FUNDTRACK_COGNITO_DOMAIN"),
		ClientID: os.Getenv("FUNDTRACK_COGNITO_CLIENT_ID"),
		Issuer:   os.Getenv("FUNDTRACK_COGNITO_ISSUER"),
		BaseURL:  os.Getenv("FUNDTRACK_WEB_BASE_URL"),
	}, codec, nil, nil)
	if err != nil {
		return web.Deps{}, err
	}
	d := WebDeps(c, c.DynamoDB(cfg))
	d.Sessions, d.SignIn, d.RequestID = codec, signIn, LambdaRequestID
	return d, nil
}

// SES returns an SES v2 client, pointed at the emulator when configured.
func (c Config) SES(cfg aws.Config) *sesv2.Client {
	return sesv2.NewFromConfig(cfg, func(o *sesv2.Options) {
		if c.SESEndpoint != "" {
			o.BaseEndpoint = aws.String(c.SESEndpoint)
		}
	})
}

// Notifier wires the milestone notifier over a DynamoDB client and an email sender.
func Notifier(c Config, db store.DB, sender email.Sender) *notify.Notifier {
	return &notify.Notifier{Store: c.Store(db), Email: sender, Logger: slog.New(slog.NewJSONHandler(os.Stderr, nil))}
}

// LambdaNotifier builds the notifier as it runs in Lambda.
func LambdaNotifier(ctx context.Context) (*notify.Notifier, error) {
	c, err := FromEnv()
	if err != nil {
		return nil, err
	}
	cfg, err := c.AWS(ctx)
	if err != nil {
		return nil, err
	}
	return Notifier(c, c.DynamoDB(cfg), email.SES{Client: c.SES(cfg), From: c.MailFrom}), nil
}
