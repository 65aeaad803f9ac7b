package testkit

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/store"
)

// TestCloneProgramme: each copy is the original item for item, but for
// its ids (all fresh), its shard and the edit; and the service reads the
// copies as programmes of their own.
func TestCloneProgramme(t *testing.T) {
	t.Parallel()
	s := New(t, WithClock("2026-06-30T12:00:00Z"))
	b := s.Build(t)
	const dwp = "grants@dwp.example.org"
	p := b.Programme(ProgrammeBody("Cloned 0")).ID
	x := b.Funder(p, FunderBody("DWP", dwp)).ID
	pr := b.Project(p, ProjectBody("Project")).ID
	b.Member(p, dwp, RoleFunder(x))
	b.Grant(p, GrantBody("DWP's", x, pr, 1000))
	b.Target(p, map[string]any{"metric": "peopleIntoWork", "value": 60, "startDate": "2025-04-01", "deadline": "2026-03-31", "notify": []string{x}})
	original := partitionLines(t, s, p, nil)

	copies := s.CloneProgramme(t, p, 2, func(c int, v string) string {
		return strings.ReplaceAll(v, "Cloned 0", fmt.Sprintf("Cloned %d", c+1))
	})
	if len(copies) != 2 {
		t.Fatalf("%d copies", len(copies))
	}
	for c, fresh := range copies {
		back := map[string]string{}
		for from, to := range fresh {
			if back[to] != "" || to == from {
				t.Fatalf("copy %d: id %s is not fresh", c, to)
			}
			back[to] = from
		}
		cp := fresh[p]
		got := partitionLines(t, s, cp, func(item map[string]types.AttributeValue) map[string]types.AttributeValue {
			item = cloneItem(item, func(v string, _ bool) string {
				return strings.ReplaceAll(replaceIDs(v, back), fmt.Sprintf("Cloned %d", c+1), "Cloned 0")
			})
			Reshard(item, p)
			return item
		})
		if !slices.Equal(got, original) {
			t.Errorf("copy %d, its ids read back:\n%s\nthe original:\n%s", c, strings.Join(got, "\n"), strings.Join(original, "\n"))
		}
		sharded := 0
		partitionLines(t, s, cp, func(item map[string]types.AttributeValue) map[string]types.AttributeValue {
			for _, attr := range []string{"GSI1PK", "GSI2PK", "GSI3PK"} {
				v, _ := item[attr].(*types.AttributeValueMemberS)
				if v == nil {
					continue
				}
				if base, n, _ := strings.Cut(v.Value, "#"); slices.Contains(store.ShardedIndexes, base) {
					sharded++
					if n != strconv.Itoa(store.ShardOf(cp)) {
						t.Errorf("copy %d: %s %s, not under the copy's shard %d", c, attr, v.Value, store.ShardOf(cp))
					}
				}
			}
			return item
		})
		if sharded == 0 {
			t.Errorf("copy %d: no item in a sharded index", c)
		}
		for _, line := range partitionLines(t, s, cp, nil) {
			for id := range fresh {
				if strings.Contains(line, id) {
					t.Errorf("copy %d holds the original's id %s: %s", c, id, line)
				}
			}
		}
	}

	// Without the audit trail: the data table's items alone, ids fresh.
	data := s.CloneProgrammeData(t, p, 1, func(_ int, v string) string {
		return strings.ReplaceAll(v, "Cloned 0", "Cloned 3")
	})[0]
	back := map[string]string{}
	for from, to := range data {
		back[to] = from
	}
	got := partitionLinesIn(t, s, data[p], func(item map[string]types.AttributeValue) map[string]types.AttributeValue {
		item = cloneItem(item, func(v string, _ bool) string {
			return strings.ReplaceAll(replaceIDs(v, back), "Cloned 3", "Cloned 0")
		})
		Reshard(item, p)
		return item
	}, s.Table, s.AuditTable())
	if want := partitionLinesIn(t, s, p, nil, s.Table); len(want) == 0 || !slices.Equal(got, want) {
		t.Errorf("the copy without the audit trail, its ids read back:\n%s\nthe original's data table:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	copies = append(copies, data)

	items, _, err := s.Svc.Portfolio(context.Background(), Caller(dwp), service.Page{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, it := range items {
		names = append(names, it.Name)
		if it.AwardedPence != 1000 {
			t.Errorf("%s: awarded %d, want 1000", it.Name, it.AwardedPence)
		}
	}
	slices.Sort(names)
	if !slices.Equal(names, []string{"Cloned 0", "Cloned 1", "Cloned 2", "Cloned 3"}) {
		t.Errorf("the funder's portfolio %q", names)
	}
	for c, fresh := range copies {
		if _, err := s.Svc.Open(context.Background(), AdminCaller(), fresh[p]).CreateFunder(Body(FunderBody("Lottery"))); err != nil {
			t.Errorf("copy %d takes no new funder: %v", c, err)
		}
	}
}

// partitionLines are the items of programme pid's partition in both
// tables, each passed through f when f is not nil, as sorted JSON lines.
func partitionLines(t *testing.T, s *Stack, pid string, f func(map[string]types.AttributeValue) map[string]types.AttributeValue) []string {
	t.Helper()
	return partitionLinesIn(t, s, pid, f, s.Table, s.AuditTable())
}

// partitionLinesIn is partitionLines over the tables named.
func partitionLinesIn(t *testing.T, s *Stack, pid string, f func(map[string]types.AttributeValue) map[string]types.AttributeValue, tables ...string) []string {
	t.Helper()
	var lines []string
	for _, table := range tables {
		for _, item := range s.ScanItems(t, table) {
			if pk, ok := item["PK"].(*types.AttributeValueMemberS); !ok || pk.Value != "PROG#"+pid {
				continue
			}
			if f != nil {
				item = f(item)
			}
			var m map[string]any
			if err := attributevalue.UnmarshalMap(item, &m); err != nil {
				t.Fatal(err)
			}
			raw, _ := json.Marshal(m)
			lines = append(lines, string(raw))
		}
	}
	slices.Sort(lines)
	return lines
}
