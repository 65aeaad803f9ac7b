package httpapi_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/store"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// lostTxAnswer commits its nth transaction (n counted while at is set)
// and then loses the database's answer, as a connection dropped after the
// commit would: the store cannot tell whether it was made
// (domain.ErrMaybeSaved).
type lostTxAnswer struct {
	store.DB
	calls, at atomic.Int64
}

func (l *lostTxAnswer) TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, o ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	out, err := l.DB.TransactWriteItems(ctx, in, o...)
	if at := l.at.Load(); err == nil && at > 0 && l.calls.Add(1) == at {
		return nil, &net.OpError{Op: "read", Net: "tcp", Err: timeoutErr{}}
	}
	return out, err
}

// An import one of whose transactions the database made but never
// answered (not a deadline: the connection dropped) answers with the
// import's own 503: rows may have been stored, send the same file again,
// which finishes it without counting any row twice. Not the generic
// "may have been saved… same Idempotency-Key" of a single write, and not
// "ran out of time", which it did not.
func TestImportWriteNeverAnsweredSaysSendTheFileAgain(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		name string
		at   int64 // the transaction whose answer is lost
		want string
	}{
		{"first transaction", 1, "may have been stored"},
		{"third transaction", 3, "storing at least "},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			s := testkit.New(t, testkit.WithClock(manyRowsClock))
			db := &lostTxAnswer{DB: s.DB}
			h := startAPI(t, s, db, testkit.APIConfig{Now: s.Clock.Now})
			f := manyRowsFixture(t, s, h)
			file := manyRows(cutOffRows, "Project A", "Project B")

			db.at.Store(c.at)
			e := testkit.WantErr(t, h.Do(t, importReq(testkit.Lead, f.p1("/imports"), domain.MediaCSV, file)),
				http.StatusServiceUnavailable, "service_unavailable")
			db.at.Store(0)
			if !strings.Contains(e.Message, c.want) || !strings.Contains(e.Message, fmt.Sprintf("of its %d", cutOffRows)) ||
				!strings.Contains(e.Message, "send the same file again") {
				t.Fatalf("an import whose write was never answered: %q", e.Message)
			}
			if strings.Contains(e.Message, "Idempotency-Key") || strings.Contains(e.Message, "ran out of time") {
				t.Errorf("an import whose write was never answered (no deadline): %q", e.Message)
			}
			stored := 0
			if i := strings.Index(e.Message, "storing at least "); i >= 0 {
				fmt.Sscanf(e.Message[i+len("storing at least "):], "%d", &stored)
			}
			res := testkit.Decode[domain.ImportResult](t, h.Want(t, http.StatusOK, importReq(testkit.Lead, f.p1("/imports"), domain.MediaCSV, file)))
			// The transaction whose answer was lost was made: its rows are
			// unchanged by the second send, beside those counted stored.
			if res.Unchanged <= stored || res.Created+res.Unchanged != cutOffRows {
				t.Errorf("sent again after %d stored and one transaction unanswered: %+v", stored, res)
			}
			// The import stopped at the lost answer: rows past it were left
			// for the second send (the file is longer than the cut).
			if res.Created == 0 {
				t.Errorf("sent again after one transaction unanswered: nothing left to create: %+v", res)
			}
		})
	}
}
