package store_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/store"
	"github.com/fundtrack/fundtrack/shared/testenv"
)

// An entry of a due index whose key is not <day>#<programme>#<id> (only a
// bug or a hand-made item writes one) is skipped with a warning: the
// notifier's lists neither panic nor stop on it, list the good entries
// around it, and hand out no cursor that leads to an empty page.
func TestDueListsSkipMalformedEntries(t *testing.T) {
	t.Parallel()
	db, table := testenv.Table(t)
	ctx := context.Background()
	const p = "prog-a"
	shard := store.ShardOf(p)
	put := func(sk, index, pk, dueKey string) {
		t.Helper()
		item := map[string]types.AttributeValue{
			"PK": &types.AttributeValueMemberS{Value: "PROG#" + p}, "SK": &types.AttributeValueMemberS{Value: sk},
			index + "PK": &types.AttributeValueMemberS{Value: fmt.Sprintf("%s#%d", pk, shard)},
			index + "SK": &types.AttributeValueMemberS{Value: dueKey},
			"id":         &types.AttributeValueMemberS{Value: sk[strings.LastIndex(sk, "#")+1:]},
		}
		if _, err := db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &table, Item: item}); err != nil {
			t.Fatal(err)
		}
	}
	bad := []string{"2026-01-01##t5", "2026-01-01#" + p, "2026-01-01#" + p + "#t6#more", "2026-01-01x#" + p + "#t4"}
	put("TARGET#t1", "GSI2", "DUE", "2026-01-01#"+p+"#t1")
	put("TARGET#t2", "GSI2", "DUE", "2026-01-02#"+p+"#t2")
	for i, k := range bad {
		put(fmt.Sprintf("TARGET#bad%d", i), "GSI2", "DUE", k)
	}
	put("RETURN#j#s#2026-01-01", "GSI3", "RDUE", "2026-01-01#"+p)
	put("PAYMENT#g#pay1", "GSI2", "PAYDUE", "2026-01-01#"+p+"#pay1#more")

	var logged bytes.Buffer
	st := store.New(db, table).WithLogger(slog.New(slog.NewTextHandler(&logged, nil)))
	today := domain.MustDate("2026-01-02")
	var got []string
	pg := service.Page{Limit: 1}
	for pages := 0; ; pages++ {
		due, next, err := st.DueTargets(ctx, shard, today, pg)
		if err != nil {
			t.Fatal(err)
		}
		if len(due) != 1 || pages > 2 {
			t.Fatalf("page %d of due targets: %d targets (next %q), want 1 a page: no cursor may lead to an empty page", pages+1, len(due), next)
		}
		for _, d := range due {
			got = append(got, d.ProgrammeID+"/"+d.Target.ID+" at "+d.DueKey)
		}
		if next == "" {
			break
		}
		pg.Cursor = next
	}
	if want := []string{p + "/t1 at 2026-01-01#" + p + "#t1", p + "/t2 at 2026-01-02#" + p + "#t2"}; strings.Join(got, ", ") != strings.Join(want, ", ") {
		t.Errorf("due targets: %v, want %v", got, want)
	}
	rets, next, err := st.DueReturns(ctx, shard, today, service.Page{})
	if err != nil || len(rets) != 0 || next != "" {
		t.Errorf("due returns: %v, next %q, %v; want none: its one entry is malformed", rets, next, err)
	}
	pays, next, err := st.DuePayments(ctx, shard, today, service.Page{})
	if err != nil || len(pays) != 0 || next != "" {
		t.Errorf("due payments: %v, next %q, %v; want none: its one entry is malformed", pays, next, err)
	}
	for _, k := range append(bad, "2026-01-01#"+p, "2026-01-01#"+p+"#pay1#more") {
		if !strings.Contains(logged.String(), "dueKey="+k+" ") {
			t.Errorf("no warning names the malformed entry %q; logged:\n%s", k, logged.String())
		}
	}

	// An index entry without its sort key cannot come from DynamoDB (an
	// index holds only items with both its keys), but the lists must not
	// panic on one either.
	st = store.New(noIndexSK{db}, table).WithLogger(slog.New(slog.NewTextHandler(&logged, nil)))
	if due, _, err := st.DueTargets(ctx, shard, today, service.Page{}); err != nil || len(due) != 0 {
		t.Errorf("due targets without their sort keys: %v, %v; want none", due, err)
	}
	if rets, _, err := st.DueReturns(ctx, shard, today, service.Page{}); err != nil || len(rets) != 0 {
		t.Errorf("due returns without their sort keys: %v, %v; want none", rets, err)
	}
	if pays, _, err := st.DuePayments(ctx, shard, today, service.Page{}); err != nil || len(pays) != 0 {
		t.Errorf("due payments without their sort keys: %v, %v; want none", pays, err)
	}
}

// noIndexSK answers Queries with the items' index sort keys left out.
type noIndexSK struct{ store.DB }

func (d noIndexSK) Query(ctx context.Context, in *dynamodb.QueryInput, opts ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	out, err := d.DB.Query(ctx, in, opts...)
	if out != nil {
		for _, item := range out.Items {
			delete(item, "GSI2SK")
			delete(item, "GSI3SK")
		}
	}
	return out, err
}
