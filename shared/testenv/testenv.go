// Package testenv gives tests of other packages the local AWS stand-ins that
// `make test` (or `infra/stack.sh start --test`) runs: DynamoDB Local and the
// SES v2 emulator. Each test gets a table pair of its own, built from the
// table definitions in template.yaml and empty, so tests never see each
// other's data and the store is always tested against the tables that are
// deployed. Pairs are emptied and reused within a test binary (pool.go).
package testenv

import (
	"context"
	"crypto/rand"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/fundtrack/fundtrack/infra/cfn"
	"github.com/fundtrack/fundtrack/shared/platform/dynamolocal"
)

const (
	// DefaultEndpoint is where the test stack serves DynamoDB Local (the
	// development stack uses 8000, so tests never touch development data).
	DefaultEndpoint = "http://127.0.0.1:8100"
	// DefaultSESEndpoint is where the test stack serves the SES v2 emulator.
	DefaultSESEndpoint = "http://127.0.0.1:8105"
	// Region is the region tests sign requests for; DynamoDB Local keeps a
	// separate database per access key and region, so it must not vary.
	Region = "eu-west-2"
)

// Endpoint returns the DynamoDB endpoint tests use: FUNDTRACK_DYNAMODB_ENDPOINT,
// or DefaultEndpoint.
func Endpoint() string {
	if e := os.Getenv("FUNDTRACK_DYNAMODB_ENDPOINT"); e != "" {
		return e
	}
	return DefaultEndpoint
}

// SESEndpoint returns the SES v2 endpoint tests use: FUNDTRACK_SES_ENDPOINT,
// or DefaultSESEndpoint.
func SESEndpoint() string {
	if e := os.Getenv("FUNDTRACK_SES_ENDPOINT"); e != "" {
		return e
	}
	return DefaultSESEndpoint
}

// Credentials are the fixed static credentials the local stand-ins accept.
var Credentials = aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
	return aws.Credentials{AccessKeyID: "local", SecretAccessKey: "local", Source: "testenv"}, nil
})

// newClient builds a DynamoDB client for Endpoint without reading the
// environment's AWS configuration, so a developer's real profile can never
// be picked up by a test. Every client it makes sends an attempt again
// when DynamoDB Local resets its connection (resendResets), and keeps idle
// connections under the server's timeout (dynamolocal).
func newClient(optFns ...func(*dynamodb.Options)) *dynamodb.Client {
	return dynamodb.New(dynamodb.Options{
		Region:       Region,
		BaseEndpoint: aws.String(Endpoint()),
		Credentials:  Credentials,
		HTTPClient:   dynamolocal.HTTPClient(),
	}, append([]func(*dynamodb.Options){resendResets}, optFns...)...)
}

var reachable sync.Map // endpoint → error (nil when reachable)

// checkReachable fails the test at once, with the command that fixes it,
// when DynamoDB Local is not running, instead of letting every test time out
// through the SDK's retries. The answer is remembered per endpoint.
func checkReachable(t testing.TB) {
	t.Helper()
	ep := Endpoint()
	v, ok := reachable.Load(ep)
	if !ok {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		_, err := newClient(func(o *dynamodb.Options) { o.RetryMaxAttempts = 1 }).
			ListTables(ctx, &dynamodb.ListTablesInput{Limit: aws.Int32(1)})
		v, _ = reachable.LoadOrStore(ep, err)
	}
	if err, _ := v.(error); err != nil {
		t.Fatalf("DynamoDB Local not reachable at %s: run `make test` or `infra/stack.sh start --test` (%v)", ep, err)
	}
}

// Patient gives a client more attempts than the SDK's three, for the
// requests a test makes around the code it tests (making, emptying and
// reading back tables), which should not fail a test for any error the
// SDK retries. It came first for DynamoDB Local resetting the connection
// to one Scan three times running; every client here now sends again
// after such a reset (resendResets), the clients of the code under test
// too. Those keep the SDK's three attempts for every other error.
func Patient(o *dynamodb.Options) { o.RetryMaxAttempts = 8 }

// Client returns a DynamoDB client for the local test endpoint (static
// credentials "local"/"local", region eu-west-2), after checking that
// DynamoDB Local answers. optFns adjust the client as dynamodb.New does.
func Client(t testing.TB, optFns ...func(*dynamodb.Options)) *dynamodb.Client {
	t.Helper()
	checkReachable(t)
	return newClient(optFns...)
}

// Table gives the test an empty table pair (the table and its audit table,
// name+"-audit") made from template.yaml's definitions, and returns a
// client and the table's name. When the test ends the pair is emptied for
// the next test, or deleted.
func Table(t testing.TB) (*dynamodb.Client, string) {
	t.Helper()
	return TableWith(t)
}

// TableWith is Table with options for the returned client, e.g. middleware
// that counts requests. The tables are made, emptied and deleted through a
// separate plain client, so those calls never show up in what the options
// observe.
func TableWith(t testing.TB, optFns ...func(*dynamodb.Options)) (*dynamodb.Client, string) {
	t.Helper()
	checkReachable(t)
	tpl, err := template()
	if err != nil {
		t.Fatalf("testenv: %v", err)
	}
	admin := newClient(Patient)
	pool.swept.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := sweep(ctx, admin); err != nil {
			t.Logf("testenv: %v", err) // only tidying: the test can go on
		}
	})
	// The audit trail has a table of its own, named as store.AuditTableName
	// names it (testenv cannot import store: store's own tests use testenv).
	name := takeTable()
	fresh := name == ""
	if fresh {
		name = poolPrefix() + TableName(t.Name())
	}
	tables := map[string]string{cfn.TableLogicalID: name, cfn.AuditTableLogicalID: name + "-audit"}
	keys := map[string][]string{} // logical id → primary key attributes, for emptying
	for logicalID, table := range tables {
		in, ttl, err := cfn.TableInput(tpl, logicalID, table)
		if err != nil {
			t.Fatalf("testenv: %v", err)
		}
		keys[logicalID] = keyNames(in)
		if !fresh {
			continue // an emptied pair from the pool
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		err = cfn.EnsureTable(ctx, admin, in, ttl)
		cancel()
		if err != nil {
			t.Fatalf("testenv: %v", err)
		}
	}
	t.Cleanup(func() {
		// t.Context is already cancelled when cleanups run.
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		reuse := true
		for logicalID, table := range tables {
			ok, err := empty(ctx, admin, table, keys[logicalID])
			var gone *types.ResourceNotFoundException
			if err != nil && !errors.As(err, &gone) {
				t.Logf("testenv: emptying table %s for reuse: %v", table, err)
			}
			reuse = reuse && ok
		}
		if reuse {
			putTable(name)
			return
		}
		for _, table := range tables {
			_, err := admin.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String(table)})
			var gone *types.ResourceNotFoundException
			if err != nil && !errors.As(err, &gone) {
				t.Logf("testenv: delete table %s: %v", table, err)
			}
		}
	})
	return newClient(optFns...), name
}

var (
	tplOnce sync.Once
	tpl     map[string]any
	tplErr  error
)

// template parses template.yaml once per test binary: every test that makes
// a table needs it and the file does not change during a run.
func template() (map[string]any, error) {
	tplOnce.Do(func() {
		var path string
		if path, tplErr = cfn.FindTemplate(); tplErr == nil {
			tpl, tplErr = cfn.Load(path)
		}
	})
	return tpl, tplErr
}

// TableName makes a valid, unique DynamoDB table name from a test name:
// characters outside [A-Za-z0-9_.-] become '_', the name is cut short
// enough for the 255-character limit and a random suffix is added so reruns
// and parallel tests never collide.
func TableName(testName string) string {
	var b strings.Builder
	for _, r := range testName {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '_', r == '.', r == '-':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	base := b.String()
	if len(base) > 200 {
		base = base[:200]
	}
	if base == "" {
		base = "test"
	}
	// rand.Text is base32 (A–Z, 2–7): valid table-name characters.
	return base + "-" + rand.Text()[:10]
}
