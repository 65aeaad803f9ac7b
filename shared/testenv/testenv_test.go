package testenv_test

import (
	"context"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go/middleware"

	"github.com/fundtrack/fundtrack/shared/testenv"
)

var validTableName = regexp.MustCompile(`^[A-Za-z0-9_.-]{3,255}$`)

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

// TestTablesAreSeparate checks that two tests' tables never share data.
func TestTablesAreSeparate(t *testing.T) {
	var names [2]string
	for i := range names {
		t.Run("t", func(t *testing.T) {
			_, names[i] = testenv.Table(t)
		})
	}
	if names[0] == names[1] {
		t.Fatalf("both subtests got table %s", names[0])
	}
	// Their cleanups have run: the tables are gone.
	client := testenv.Client(t)
	for _, n := range names {
		_, err := client.DescribeTable(context.Background(), &dynamodb.DescribeTableInput{TableName: aws.String(n)})
		if err == nil {
			t.Errorf("table %s still exists after its test ended", n)
		}
	}
}
