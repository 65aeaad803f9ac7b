// Command recount puts programmes' counts of returns right from their
// returns (store.RecountReturns): for counts a bug left wrong, such as the
// overdue counts below zero that a spreadsheet import split across
// transactions left before 2026-12. It prints each counts item it moved,
// and what each attribute held and holds now; counts that match their
// returns are left alone, so it is safe to run again, and beside the
// programme's other writes.
//
//	go run ./infra/recount [-n] -programme <id> [-programme <id>…]
//
// With -n it only reads, and prints what it would put right. An id no
// programme has is reported so, with an error, and the run exits 1 once
// the others are done (repair.Run).
//
// Against the local stack by default (FUNDTRACK_TABLE fundtrack,
// FUNDTRACK_DYNAMODB_ENDPOINT http://127.0.0.1:8000); with
// FUNDTRACK_DYNAMODB_ENDPOINT set empty, against DynamoDB itself, with the
// environment's AWS credentials and region and the stage's FUNDTRACK_TABLE.
package main

import (
	"context"

	"github.com/fundtrack/fundtrack/infra/internal/repair"
	"github.com/fundtrack/fundtrack/shared/store"
)

func main() {
	repair.Run("recount", func(ctx context.Context, st *store.Store, id string, write bool) (map[string]any, error) {
		moved, err := st.RecountReturns(ctx, id, write)
		return map[string]any{"recounted": repair.List(moved)}, err
	})
}
