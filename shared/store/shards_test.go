package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/store"
	"github.com/fundtrack/fundtrack/shared/testenv"
)

// The spread only helps if programmes land evenly: over 80,000 ids of the
// shape domain.NewID makes, every shard gets within 3% of its share.
func TestShardsSpreadProgrammesEvenly(t *testing.T) {
	const n = 80_000
	per := make([]int, store.Shards)
	for range n {
		per[store.ShardOf(domain.NewID())]++
	}
	want := n / store.Shards
	for s, got := range per {
		if got < want*97/100 || got > want*103/100 {
			t.Errorf("shard %d has %d of %d programmes, want about %d", s, got, n, want)
		}
	}
	// Stored index entries are keyed on these shards: a release that
	// placed an id in another shard would lose its entries.
	for id, want := range map[string]int{"01m8v48bbb14ph43571mjq95pt": 2, "01m8xet0bst99wqgnf3j1zq4b6": 7, "prog-a": 3} {
		if got := store.ShardOf(id); got != want {
			t.Errorf("ShardOf(%q) = %d, want %d: a stored programme's index entries would be lost", id, got, want)
		}
	}
}

// Each programme's changed marker is in its own shard and no other, the
// totals item is in no index (the marker is a small item beside it), and
// a shard that does not exist is refused rather than read as empty.
func TestChangedMarkersAreSharded(t *testing.T) {
	t.Parallel()
	db, table := testenv.Table(t)
	ctx := context.Background()
	worlds := make([]*dsWorld, 6)
	for i := range worlds {
		w := dsSetup(t, db, table)
		if err := w.submit(t, w.outcome(w.A, "", "2025-06-30", map[domain.Metric]int64{domain.MetricReferrals: 1}), nil); err != nil {
			t.Fatal(err)
		}
		worlds[i] = w
	}
	st := worlds[0].st
	seen := map[string]int{}
	for shard := range store.Shards {
		all, _, err := st.DirtyProgrammes(ctx, shard, service.Page{Limit: service.MaxLimit})
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range all {
			if want := store.ShardOf(d.ProgrammeID); want != shard {
				t.Errorf("programme %s listed in shard %d, its shard is %d", d.ProgrammeID, shard, want)
			}
			seen[d.ProgrammeID]++
		}
	}
	for _, w := range worlds {
		if seen[w.P] != 1 {
			t.Errorf("programme %s listed %d times across the shards, want once", w.P, seen[w.P])
		}
		pk := &types.AttributeValueMemberS{Value: "PROG#" + w.P}
		totals, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &table, ConsistentRead: aws.Bool(true),
			Key: map[string]types.AttributeValue{"PK": pk, "SK": &types.AttributeValueMemberS{Value: "TOTALS"}}})
		if err != nil {
			t.Fatal(err)
		}
		if _, in := totals.Item["GSI1PK"]; in || totals.Item == nil {
			t.Errorf("totals of %s: in an index or missing: %v", w.P, totals.Item["GSI1PK"])
		}
		marker, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &table, ConsistentRead: aws.Bool(true),
			Key: map[string]types.AttributeValue{"PK": pk, "SK": &types.AttributeValueMemberS{Value: "CHANGED"}}})
		if err != nil {
			t.Fatal(err)
		}
		if got, want := marker.Item["GSI1PK"], fmt.Sprintf("DIRTY#%d", store.ShardOf(w.P)); got == nil || got.(*types.AttributeValueMemberS).Value != want {
			t.Errorf("marker of %s: GSI1PK %v, want %s", w.P, got, want)
		}
		if size := store.ItemBytes(marker.Item); size > 200 {
			t.Errorf("marker of %s is %d bytes: it should stay one small write", w.P, size)
		}
	}
	for _, bad := range []int{-1, store.Shards} {
		if _, _, err := st.DirtyProgrammes(ctx, bad, service.Page{}); err == nil {
			t.Errorf("shard %d: listed, want an error", bad)
		}
		if _, _, err := st.DueTargets(ctx, bad, domain.MustDate("2026-01-01"), service.Page{}); err == nil {
			t.Errorf("due targets in shard %d: listed, want an error", bad)
		}
	}
}
