package testkit

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/store"
	"github.com/fundtrack/fundtrack/shared/testenv"
)

// CloneProgramme writes n copies of programme pid, made through the
// service, straight to the tables (BatchWriteItem, 25 items a request, by
// the uncounted client), for tests that need many programmes alike and
// would otherwise spend thousands of requests making them one by one.
// Every item of the programme's partition, in both tables, is copied with
// every id in it fresh (each run of 26 letters and digits that is an id
// anywhere in the partition, in keys, attributes and attribute names), its
// sharded index keys under the copy's own shard, and each string value
// passed through edit(copy, value) when edit is not nil. It returns, for
// each copy, the map from the original's ids to the copy's.
func (s *Stack) CloneProgramme(t testing.TB, pid string, n int, edit func(copy int, value string) string) []map[string]string {
	t.Helper()
	return s.cloneProgramme(t, pid, n, edit, s.Table, s.AuditTable())
}

// CloneProgrammeData is CloneProgramme without the audit trail: the
// copies have the original's items of the data table alone, for tests
// that never read a copy's history (the audit table's items are about a
// third of what CloneProgramme writes).
func (s *Stack) CloneProgrammeData(t testing.TB, pid string, n int, edit func(copy int, value string) string) []map[string]string {
	t.Helper()
	return s.cloneProgramme(t, pid, n, edit, s.Table)
}

// cloneProgramme is CloneProgramme over the tables named.
func (s *Stack) cloneProgramme(t testing.TB, pid string, n int, edit func(copy int, value string) string, tables ...string) []map[string]string {
	t.Helper()
	partition := "PROG#" + pid
	var items [][2]any // table, item
	ids := map[string]bool{}
	for _, table := range tables {
		for _, item := range s.ScanItems(t, table) {
			if pk, ok := item["PK"].(*types.AttributeValueMemberS); !ok || pk.Value != partition {
				continue
			}
			items = append(items, [2]any{table, item})
			walkStrings(item, func(v string) { eachID(v, func(id string) { ids[id] = true }) })
		}
	}
	if !ids[pid] || len(items) == 0 {
		t.Fatalf("testkit: clone programme %s: no such programme", pid)
	}
	copies := make([]map[string]string, n)
	byTable := map[string][]types.WriteRequest{}
	for c := range n {
		fresh := map[string]string{}
		for id := range ids {
			fresh[id] = domain.NewID()
		}
		copies[c] = fresh
		rewrite := func(v string, value bool) string {
			v = replaceIDs(v, fresh)
			if value && edit != nil {
				v = edit(c, v)
			}
			return v
		}
		for _, ti := range items {
			item := cloneItem(ti[1].(map[string]types.AttributeValue), rewrite)
			Reshard(item, fresh[pid])
			table := ti[0].(string)
			byTable[table] = append(byTable[table], types.WriteRequest{PutRequest: &types.PutRequest{Item: item}})
		}
	}
	var batches []map[string][]types.WriteRequest
	for table, reqs := range byTable {
		batches = append(batches, testenv.Batches(table, reqs)...)
	}
	Parallel(t, len(batches), 4, func(t testing.TB, i int) {
		if err := testenv.WriteBatch(context.Background(), s.Plain, batches[i]); err != nil {
			t.Fatalf("testkit: clone programme %s: %v", pid, err)
		}
	})
	return copies
}

// eachID calls f with each run of lower-case letters and digits in v that
// is 26 long and all Crockford base 32, as ids are.
func eachID(v string, f func(id string)) {
	eachRun(v, func(start, end int) {
		if end-start == 26 && !strings.ContainsAny(v[start:end], "ilou") {
			f(v[start:end])
		}
	})
}

// replaceIDs replaces each run of v that fresh maps (an id) by its copy's.
func replaceIDs(v string, fresh map[string]string) string {
	var b strings.Builder
	last := 0
	eachRun(v, func(start, end int) {
		if to, ok := fresh[v[start:end]]; ok {
			b.WriteString(v[last:start])
			b.WriteString(to)
			last = end
		}
	})
	if last == 0 {
		return v
	}
	b.WriteString(v[last:])
	return b.String()
}

// eachRun calls f with the bounds of each maximal run of lower-case
// letters and digits in v: where an id may stand.
func eachRun(v string, f func(start, end int)) {
	start := -1
	for i := 0; i <= len(v); i++ {
		if i < len(v) && (v[i] >= '0' && v[i] <= '9' || v[i] >= 'a' && v[i] <= 'z') {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			f(start, i)
		}
		start = -1
	}
}

// walkStrings calls f with every string in item: attribute names and
// string values, nested ones too.
func walkStrings(item map[string]types.AttributeValue, f func(string)) {
	var walk func(types.AttributeValue)
	walk = func(v types.AttributeValue) {
		switch v := v.(type) {
		case *types.AttributeValueMemberS:
			f(v.Value)
		case *types.AttributeValueMemberSS:
			for _, s := range v.Value {
				f(s)
			}
		case *types.AttributeValueMemberL:
			for _, e := range v.Value {
				walk(e)
			}
		case *types.AttributeValueMemberM:
			walkStrings(v.Value, f)
		}
	}
	for k, v := range item {
		f(k)
		walk(v)
	}
}

// cloneItem copies item with rewrite(s, false) applied to attribute names
// and rewrite(s, true) to string values.
func cloneItem(item map[string]types.AttributeValue, rewrite func(s string, value bool) string) map[string]types.AttributeValue {
	var clone func(types.AttributeValue) types.AttributeValue
	clone = func(v types.AttributeValue) types.AttributeValue {
		switch v := v.(type) {
		case *types.AttributeValueMemberS:
			return &types.AttributeValueMemberS{Value: rewrite(v.Value, true)}
		case *types.AttributeValueMemberSS:
			ss := make([]string, len(v.Value))
			for i, s := range v.Value {
				ss[i] = rewrite(s, true)
			}
			return &types.AttributeValueMemberSS{Value: ss}
		case *types.AttributeValueMemberL:
			l := make([]types.AttributeValue, len(v.Value))
			for i, e := range v.Value {
				l[i] = clone(e)
			}
			return &types.AttributeValueMemberL{Value: l}
		case *types.AttributeValueMemberM:
			return &types.AttributeValueMemberM{Value: cloneItem(v.Value, rewrite)}
		default:
			return v
		}
	}
	out := make(map[string]types.AttributeValue, len(item))
	for k, v := range item {
		out[rewrite(k, false)] = clone(v)
	}
	return out
}

// Reshard puts a copied item's entries in the sharded indexes
// (<KEY>#<shard>) under the copy's own shard, as the store would have
// written them: the shard follows the programme id.
func Reshard(item map[string]types.AttributeValue, programmeID string) {
	for _, attr := range []string{"GSI1PK", "GSI2PK", "GSI3PK"} {
		v, ok := item[attr].(*types.AttributeValueMemberS)
		if !ok {
			continue
		}
		base, n, found := strings.Cut(v.Value, "#")
		if _, err := strconv.Atoi(n); !found || err != nil || !slices.Contains(store.ShardedIndexes, base) {
			continue
		}
		item[attr] = &types.AttributeValueMemberS{Value: base + "#" + strconv.Itoa(store.ShardOf(programmeID))}
	}
}
