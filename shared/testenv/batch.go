package testenv

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// batchTries bounds the BatchWriteItem calls for one batch: the first and
// the resends of what DynamoDB left unprocessed.
const batchTries = 5

// Batches splits one table's write requests into BatchWriteItem's batches
// of at most 25.
func Batches(table string, reqs []types.WriteRequest) []map[string][]types.WriteRequest {
	var out []map[string][]types.WriteRequest
	for len(reqs) > 0 {
		n := min(25, len(reqs))
		out = append(out, map[string][]types.WriteRequest{table: reqs[:n]})
		reqs = reqs[n:]
	}
	return out
}

// WriteBatch sends one BatchWriteItem and resends what DynamoDB leaves
// unprocessed, waiting 20, 40, 60 then 80 ms between tries (or until ctx
// ends), and fails when some is still unprocessed after five.
func WriteBatch(ctx context.Context, db *dynamodb.Client, batch map[string][]types.WriteRequest) error {
	for try := 0; len(batch) > 0; try++ {
		if try == batchTries {
			return fmt.Errorf("batch write: still unprocessed after %d tries", try)
		}
		if try > 0 {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(time.Duration(try*20) * time.Millisecond):
			}
		}
		out, err := db.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: batch})
		if err != nil {
			return fmt.Errorf("batch write: %w", err)
		}
		batch = out.UnprocessedItems
	}
	return nil
}
