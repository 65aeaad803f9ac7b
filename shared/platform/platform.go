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
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/awslabs/aws-lambda-go-api-proxy/core"

	"github.com/fundtrack/fundtrack/shared/export"
	"github.com/fundtrack/fundtrack/shared/httpapi"
	"github.com/fundtrack/fundtrack/shared/platform/dynamolocal"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/store"
)

// Config is read from the environment.
type Config struct {
	Table            string // FUNDTRACK_TABLE
	AuditTable       string // FUNDTRACK_AUDIT_TABLE: defaults to store.AuditTableName(Table)
	DynamoDBEndpoint string // FUNDTRACK_DYNAMODB_ENDPOINT: set only for DynamoDB Local
	SESEndpoint      string // FUNDTRACK_SES_ENDPOINT: set only for the SES emulator
	MailFrom         string // FUNDTRACK_MAIL_FROM: the verified address the notifier's emails come from
	// WebBaseURL is where people reach the web app (https://host, no
	// /app), for the links in emails: FUNDTRACK_WEB_BASE_URL.
	WebBaseURL string
	// Giving is how 360Giving packages are published: FUNDTRACK_360_PREFIX
	// (the publisher's registered prefix; "" is "fundtrack"),
	// FUNDTRACK_360_PUBLISHER_NAME and FUNDTRACK_360_PUBLISHER_ID (who
	// publishes whole-programme packages, and its org-id),
	// FUNDTRACK_360_LICENSE (the licence URL; "" is CC BY 4.0) and
	// FUNDTRACK_360_DATA_SOURCE (where the data is published; "" is the
	// package's own address).
	Giving export.GivingConfig
}

// FromEnv reads the configuration; the table name is required.
func FromEnv() (Config, error) {
	c := Config{
		Table:            os.Getenv("FUNDTRACK_TABLE"),
		DynamoDBEndpoint: os.Getenv("FUNDTRACK_DYNAMODB_ENDPOINT"),
		SESEndpoint:      os.Getenv("FUNDTRACK_SES_ENDPOINT"),
		MailFrom:         os.Getenv("FUNDTRACK_MAIL_FROM"),
		WebBaseURL:       os.Getenv("FUNDTRACK_WEB_BASE_URL"),
		AuditTable:       os.Getenv("FUNDTRACK_AUDIT_TABLE"),
		Giving: export.GivingConfig{
			Prefix:        os.Getenv("FUNDTRACK_360_PREFIX"),
			PublisherName: os.Getenv("FUNDTRACK_360_PUBLISHER_NAME"),
			PublisherID:   os.Getenv("FUNDTRACK_360_PUBLISHER_ID"),
			License:       os.Getenv("FUNDTRACK_360_LICENSE"),
			DataSource:    os.Getenv("FUNDTRACK_360_DATA_SOURCE"),
		},
	}
	if c.MailFrom == "" {
		c.MailFrom = "fundtrack@example.org"
	}
	if c.Table == "" {
		return c, fmt.Errorf("FUNDTRACK_TABLE is not set")
	}
	return c, nil
}

// AWS is the AWS configuration from the environment: the region and the
// credentials Lambda puts there (AWS_REGION, AWS_ACCESS_KEY_ID,
// AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN). It deliberately avoids the
// SDK's config.LoadDefaultConfig, whose shared-config, SSO, STS and IMDS
// providers nearly double a function's cold start and are never used in
// Lambda. Against local emulators it uses fixed dummy credentials.
func (c Config) AWS(context.Context) (aws.Config, error) {
	region := os.Getenv("AWS_REGION")
	if region == "" {
		region = os.Getenv("AWS_DEFAULT_REGION")
	}
	local := c.DynamoDBEndpoint != "" || c.SESEndpoint != ""
	key, secret := os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY")
	if local {
		if region == "" {
			region = "eu-west-2"
		}
		if key == "" || secret == "" {
			key, secret = "local", "local"
		}
	}
	if region == "" || key == "" || secret == "" {
		return aws.Config{}, fmt.Errorf("AWS_REGION, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must be set (Lambda sets them)")
	}
	return aws.Config{
		Region:      region,
		Credentials: credentials.NewStaticCredentialsProvider(key, secret, os.Getenv("AWS_SESSION_TOKEN")),
	}, nil
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
			o.HTTPClient = dynamolocal.HTTPClient() // idle connections kept under its server's timeout
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
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	return httpapi.Deps{
		Service: service.New(st, nil).WithLogger(log),
		Auth:    auth,
		Logger:  log,

		Giving: c.Giving,
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
	// 360Giving settings that would publish bad open data stop the API at
	// start, where the deploy shows them, not in a funder's file. (The
	// notifier does not publish, so it does not check them.)
	if err := c.Giving.Validate(); err != nil {
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

// StoreDB is client as the store uses it: the calls of store.DB and no
// more. It keeps *dynamodb.Client out of every interface and every type
// that is in one, which matters to a binary that links text/template (the
// web function): templates call methods by name (reflect.Value.MethodByName),
// so the linker keeps every exported method of every type reachable from
// an interface, and the client's ~60 operations with their serializers
// made the web binary 2 MB bigger, loaded on each cold start
// (BENCHMARKS.md). Hence method values, not a field holding the client.
func StoreDB(client *dynamodb.Client) store.DB {
	return storeDB{
		getItem: client.GetItem, putItem: client.PutItem, updateItem: client.UpdateItem, deleteItem: client.DeleteItem,
		query: client.Query, batchGetItem: client.BatchGetItem, transactWriteItems: client.TransactWriteItems,
		transactGetItems: client.TransactGetItems,
	}
}

type storeDB struct {
	getItem            func(context.Context, *dynamodb.GetItemInput, ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
	putItem            func(context.Context, *dynamodb.PutItemInput, ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
	updateItem         func(context.Context, *dynamodb.UpdateItemInput, ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error)
	deleteItem         func(context.Context, *dynamodb.DeleteItemInput, ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error)
	query              func(context.Context, *dynamodb.QueryInput, ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error)
	batchGetItem       func(context.Context, *dynamodb.BatchGetItemInput, ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error)
	transactWriteItems func(context.Context, *dynamodb.TransactWriteItemsInput, ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error)
	transactGetItems   func(context.Context, *dynamodb.TransactGetItemsInput, ...func(*dynamodb.Options)) (*dynamodb.TransactGetItemsOutput, error)
}

func (d storeDB) GetItem(ctx context.Context, in *dynamodb.GetItemInput, o ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	return d.getItem(ctx, in, o...)
}

func (d storeDB) PutItem(ctx context.Context, in *dynamodb.PutItemInput, o ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	return d.putItem(ctx, in, o...)
}

func (d storeDB) UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, o ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error) {
	return d.updateItem(ctx, in, o...)
}

func (d storeDB) DeleteItem(ctx context.Context, in *dynamodb.DeleteItemInput, o ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error) {
	return d.deleteItem(ctx, in, o...)
}

func (d storeDB) Query(ctx context.Context, in *dynamodb.QueryInput, o ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	return d.query(ctx, in, o...)
}

func (d storeDB) BatchGetItem(ctx context.Context, in *dynamodb.BatchGetItemInput, o ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error) {
	return d.batchGetItem(ctx, in, o...)
}

func (d storeDB) TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, o ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	return d.transactWriteItems(ctx, in, o...)
}

func (d storeDB) TransactGetItems(ctx context.Context, in *dynamodb.TransactGetItemsInput, o ...func(*dynamodb.Options)) (*dynamodb.TransactGetItemsOutput, error) {
	return d.transactGetItems(ctx, in, o...)
}
