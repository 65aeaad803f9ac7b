package testenv_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go/middleware"

	"github.com/fundtrack/fundtrack/shared/platform/dynamolocal"
	"github.com/fundtrack/fundtrack/shared/testenv"
)

var validTableName = regexp.MustCompile(`^[A-Za-z0-9_.-]{3,255}$`)

// TestClientsDropIdleConnectionsFirst: the clients the test kit gives keep
// an idle connection for less time than DynamoDB Local's server does (it
// closes one after 30 s, measured on a raw socket), so no request is sent
// on a connection the server has closed.
func TestClientsDropIdleConnectionsFirst(t *testing.T) {
	db, _ := testenv.Table(t)
	for name, c := range map[string]*dynamodb.Client{"Table": db, "Client": testenv.Client(t, testenv.Patient)} {
		b, ok := c.Options().HTTPClient.(*awshttp.BuildableClient)
		if !ok {
			t.Fatalf("%s: HTTP client %T, not the SDK's", name, c.Options().HTTPClient)
		}
		if got := b.GetTransport().IdleConnTimeout; got != dynamolocal.IdleConnTimeout || got >= 30*time.Second {
			t.Errorf("%s: idle connections kept %v, want %v (under the server's 30 s)", name, got, dynamolocal.IdleConnTimeout)
		}
	}
}

func TestTableName(t *testing.T) {
	for _, name := range []string{"T", "TestX/sub case #1 ✓", strings.Repeat("x", 400), ""} {
		a, b := testenv.TableName(name), testenv.TableName(name)
		if !validTableName.MatchString(a) {
			t.Errorf("TableName(%q) = %q: not a valid DynamoDB table name", name, a)
		}
		if a == b {
			t.Errorf("TableName(%q) gave %q twice", name, a)
		}
	}
}

// TestTableWithOptions checks that options reach the returned client and
// that the table's own setup requests are not seen by them, so a test that
// counts requests counts only its own.
func TestTableWithOptions(t *testing.T) {
	var calls atomic.Int32
	count := func(o *dynamodb.Options) {
		o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
			return s.Initialize.Add(middleware.InitializeMiddlewareFunc("count",
				func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
					calls.Add(1)
					return next.HandleInitialize(ctx, in)
				}), middleware.After)
		})
	}
	client, name := testenv.TableWith(t, count)
	if n := calls.Load(); n != 0 {
		t.Fatalf("%d setup requests went through the test's options", n)
	}
	_, err := client.PutItem(context.Background(), &dynamodb.PutItemInput{
		TableName: aws.String(name),
		Item: map[string]types.AttributeValue{
			"PK": &types.AttributeValueMemberS{Value: "P#1"},
			"SK": &types.AttributeValueMemberS{Value: "META"},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if n := calls.Load(); n != 1 {
		t.Fatalf("counted %d requests, want 1", n)
	}
}

// TestTablesAreSeparate checks that tests running at the same time never
// share a table.
func TestTablesAreSeparate(t *testing.T) {
	var names [2]string
	var both sync.WaitGroup
	both.Add(2)
	t.Run("group", func(t *testing.T) {
		for i := range names {
			t.Run("t", func(t *testing.T) {
				t.Parallel()
				_, names[i] = testenv.Table(t)
				both.Done()
				both.Wait() // both hold their tables now
			})
		}
	})
	if names[0] == names[1] {
		t.Fatalf("both subtests got table %s", names[0])
	}
}

// putItems writes n items to table through BatchWriteItem.
func putItems(t *testing.T, db *dynamodb.Client, table string, n int) {
	t.Helper()
	for i := 0; i < n; i += 25 {
		var reqs []types.WriteRequest
		for j := i; j < min(i+25, n); j++ {
			reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: map[string]types.AttributeValue{
				"PK":     &types.AttributeValueMemberS{Value: fmt.Sprintf("P#%d", j)},
				"SK":     &types.AttributeValueMemberS{Value: "ITEM"},
				"GSI1PK": &types.AttributeValueMemberS{Value: "ALL"}, // in an index too
				"GSI1SK": &types.AttributeValueMemberS{Value: fmt.Sprintf("%04d", j)},
			}}})
		}
		out, err := db.BatchWriteItem(context.Background(), &dynamodb.BatchWriteItemInput{
			RequestItems: map[string][]types.WriteRequest{table: reqs}})
		if err != nil {
			t.Fatalf("put items in %s: %v", table, err)
		}
		if len(out.UnprocessedItems) > 0 {
			t.Fatalf("put items in %s: %d unprocessed", table, len(out.UnprocessedItems))
		}
	}
}

func itemCount(t *testing.T, db *dynamodb.Client, table string) int {
	t.Helper()
	out, err := db.Scan(context.Background(), &dynamodb.ScanInput{TableName: aws.String(table), ConsistentRead: aws.Bool(true),
		Select: types.SelectCount})
	if err != nil {
		t.Fatalf("count items of %s: %v", table, err)
	}
	return int(out.Count)
}

func exists(t *testing.T, db *dynamodb.Client, table string) bool {
	t.Helper()
	_, err := db.DescribeTable(context.Background(), &dynamodb.DescribeTableInput{TableName: aws.String(table)})
	var gone *types.ResourceNotFoundException
	if err != nil && !errors.As(err, &gone) {
		t.Fatalf("describe %s: %v", table, err)
	}
	return err == nil
}

// TestTablesAreEmptiedForReuse: a test's tables, once it has ended, are
// emptied (more items than one BatchWriteItem deletes, in both tables)
// and the next test gets an empty pair; a pair that held more than the
// reuse limit is deleted instead.
func TestTablesAreEmptiedForReuse(t *testing.T) {
	client := testenv.Client(t)
	var first string
	t.Run("writes", func(t *testing.T) {
		db, table := testenv.Table(t)
		putItems(t, db, table, 60)
		putItems(t, db, table+"-audit", 30)
		first = table
	})
	if !strings.HasPrefix(first, testenv.PoolPrefix()) {
		t.Errorf("table %s is not named for this process (%s…), so a later run could not sweep it", first, testenv.PoolPrefix())
	}
	for _, table := range []string{first, first + "-audit"} {
		if !exists(t, client, table) {
			t.Fatalf("table %s was deleted, not kept for reuse", table)
		}
		if n := itemCount(t, client, table); n != 0 {
			t.Errorf("table %s holds %d items after its test ended, want 0", table, n)
		}
	}
	t.Run("reads", func(t *testing.T) {
		db, table := testenv.Table(t)
		if table != first {
			t.Logf("got table %s, not the emptied %s (another test took it)", table, first)
		}
		for _, tb := range []string{table, table + "-audit"} {
			if n := itemCount(t, db, tb); n != 0 {
				t.Errorf("a new test's table %s holds %d items, want 0", tb, n)
			}
		}
	})

	testenv.SetReuseLimit(t, 10)
	var full string
	t.Run("fills", func(t *testing.T) {
		db, table := testenv.Table(t)
		putItems(t, db, table, 11)
		full = table
	})
	for _, table := range []string{full, full + "-audit"} {
		if exists(t, client, table) {
			t.Errorf("table %s, with more items than the reuse limit, still exists after its test", table)
		}
	}
}

// TestSweepDeletesTablesOfExitedBinaries: a pooled table whose process has
// exited is deleted by the sweep; one of a running process is not.
func TestSweepDeletesTablesOfExitedBinaries(t *testing.T) {
	client := testenv.Client(t)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	if err := cmd.Run(); err != nil {
		t.Fatalf("running a process that exits: %v", err)
	}
	dead := fmt.Sprintf("p%d.sweep-%s", cmd.Process.Pid, testenv.TableName("x"))
	alive := testenv.PoolPrefix() + "sweep-" + testenv.TableName("y")
	for _, name := range []string{dead, alive} {
		_, err := client.CreateTable(context.Background(), &dynamodb.CreateTableInput{TableName: aws.String(name),
			BillingMode:          types.BillingModePayPerRequest,
			AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS}},
			KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}}})
		if err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		client.DeleteTable(context.Background(), &dynamodb.DeleteTableInput{TableName: aws.String(alive)})
	})
	if err := testenv.Sweep(context.Background()); err != nil {
		t.Fatal(err)
	}
	if exists(t, client, dead) {
		t.Errorf("the sweep left %s, whose process has exited", dead)
	}
	if !exists(t, client, alive) {
		t.Errorf("the sweep deleted %s, whose process (this one) is running", alive)
	}
}

// TestBatchesHoldAtMost25: BatchWriteItem takes 25 requests at most.
func TestBatchesHoldAtMost25(t *testing.T) {
	reqs := make([]types.WriteRequest, 51)
	var sizes []int
	for _, b := range testenv.Batches("t", reqs) {
		sizes = append(sizes, len(b["t"]))
	}
	if fmt.Sprint(sizes) != "[25 25 1]" {
		t.Errorf("51 requests went in batches of %v, want [25 25 1]", sizes)
	}
	if n := len(testenv.Batches("t", nil)); n != 0 {
		t.Errorf("no requests made %d batches", n)
	}
}

// TestWriteBatchResendsUnprocessed: what DynamoDB leaves unprocessed is
// sent again until all is written. DynamoDB Local never leaves any, so the
// client here sends only the first 10 requests of its first call and
// answers the other 15 as unprocessed, as DynamoDB does when throttled.
func TestWriteBatchResendsUnprocessed(t *testing.T) {
	_, table := testenv.Table(t)
	var calls atomic.Int32
	db := testenv.Client(t, func(o *dynamodb.Options) {
		o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
			return s.Initialize.Add(middleware.InitializeMiddlewareFunc("throttle",
				func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
					bw, ok := in.Parameters.(*dynamodb.BatchWriteItemInput)
					if !ok || calls.Add(1) > 1 {
						return next.HandleInitialize(ctx, in)
					}
					reqs := bw.RequestItems[table]
					in.Parameters = &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{table: reqs[:10]}}
					out, md, err := next.HandleInitialize(ctx, in)
					if err == nil {
						out.Result.(*dynamodb.BatchWriteItemOutput).UnprocessedItems = map[string][]types.WriteRequest{table: reqs[10:]}
					}
					return out, md, err
				}), middleware.After)
		})
	})
	reqs := make([]types.WriteRequest, 25)
	for i := range reqs {
		reqs[i] = types.WriteRequest{PutRequest: &types.PutRequest{Item: map[string]types.AttributeValue{
			"PK": &types.AttributeValueMemberS{Value: fmt.Sprintf("P#%d", i)},
			"SK": &types.AttributeValueMemberS{Value: "ITEM"},
		}}}
	}
	if err := testenv.WriteBatch(context.Background(), db, testenv.Batches(table, reqs)[0]); err != nil {
		t.Fatal(err)
	}
	if n := calls.Load(); n != 2 {
		t.Errorf("%d BatchWriteItem calls, want 2: the first and the resend of the 15 left", n)
	}
	if n := itemCount(t, db, table); n != 25 {
		t.Errorf("%d items written, want 25", n)
	}
}
