package serve_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/fundtrack/fundtrack/infra/runner/serve"
	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/store"
	"github.com/fundtrack/fundtrack/shared/testenv"
)

// TestKeepTablesBringsThemBack: tables that disappear under the runner
// (DynamoDB Local restarted in memory) are made again, both of them, with
// no restart.
func TestKeepTablesBringsThemBack(t *testing.T) {
	t.Parallel()
	db := testenv.Client(t)
	table := "keep-" + domain.NewID()
	ctx := t.Context()
	if err := serve.EnsureTables(ctx, db, table); err != nil {
		t.Fatal(err)
	}
	names := []string{table, store.AuditTableName(table)}
	t.Cleanup(func() {
		for _, n := range names {
			db.DeleteTable(context.Background(), &dynamodb.DeleteTableInput{TableName: aws.String(n)})
		}
	})
	keep, stop := context.WithCancel(ctx)
	defer stop()
	go serve.KeepTables(keep, db, table, 50*time.Millisecond)

	for _, n := range names {
		if _, err := db.DeleteTable(ctx, &dynamodb.DeleteTableInput{TableName: aws.String(n)}); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for _, n := range names {
		for {
			if _, err := db.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(n)}); err == nil {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("table %s was not made again within 10 s", n)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}
