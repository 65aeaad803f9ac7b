// Command refill puts right programmes' returns whose state is not the
// one the submissions of their periods give them (store.RefillReturns):
// the returns a schedule made part way through a programme, a schedule's
// last period moved later or a project's dates widened made before
// 2026-12, which took the newest submission that stands instead of the
// first that filled the period (domain.Return.FilledFrom). It prints each
// return it put right, what it held and holds now, and the returns it
// left for a person to decide (a payment is made on it, or it would be
// left with nothing sent), with why; each counts item moves with its
// return, in the same transaction. Returns that match are left alone,
// so it is safe to run again, and beside the programme's other writes.
//
//	go run ./infra/refill [-n] -programme <id> [-programme <id>…]
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
	"log"

	"github.com/fundtrack/fundtrack/infra/internal/repair"
	"github.com/fundtrack/fundtrack/shared/store"
)

func main() {
	repair.Run("refill", func(ctx context.Context, st *store.Store, id string, write bool) (map[string]any, error) {
		did, err := st.RefillReturns(ctx, id, write)
		for _, r := range did.Left {
			log.Printf("programme %s: return %s left as it is: %s", id, r.ReturnID, r.Left)
		}
		return map[string]any{"refilled": repair.List(did.Refilled), "left": repair.List(did.Left)}, err
	})
}
