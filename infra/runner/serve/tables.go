package serve

import (
	"context"
	"log"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/fundtrack/fundtrack/infra/cfn"
	"github.com/fundtrack/fundtrack/shared/store"
)

// EnsureTables creates the records table and its audit table, as
// template.yaml defines them, unless they exist (then it is a
// DescribeTable each).
func EnsureTables(ctx context.Context, db *dynamodb.Client, table string) error {
	path, err := cfn.FindTemplate()
	if err != nil {
		return err
	}
	tpl, err := cfn.Load(path)
	if err != nil {
		return err
	}
	for logicalID, name := range map[string]string{cfn.TableLogicalID: table, cfn.AuditTableLogicalID: store.AuditTableName(table)} {
		in, ttl, err := cfn.TableInput(tpl, logicalID, name)
		if err != nil {
			return err
		}
		if err := cfn.EnsureTable(ctx, db, in, ttl); err != nil {
			return err
		}
	}
	return nil
}

// KeepTables recreates the tables whenever they disappear (DynamoDB Local
// restarted in memory, say), looking every interval until ctx ends, so the
// runner picks up again without a restart; meanwhile requests answer 503.
func KeepTables(ctx context.Context, db *dynamodb.Client, table string, every time.Duration) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		check, cancel := context.WithTimeout(ctx, 4*time.Second)
		if err := EnsureTables(check, db, table); err != nil && ctx.Err() == nil {
			log.Printf("tables: %v", err)
		}
		cancel()
	}
}
