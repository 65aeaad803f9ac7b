package store

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// Recount is one counts item RecountReturns put right: its sort key
// (SCHEDSTAT#<s> or RETSTAT#<j>#<s>) and, for each attribute it moved,
// what it held and what it holds now.
type Recount struct {
	SK    string              `json:"sk"`
	Moved map[string][2]int64 `json:"moved"` // attribute → [held, holds now]
}

// recountAttrs bounds the attributes one UpdateItem of RecountReturns
// puts right: each names its attribute twice (in the ADD and the
// condition), and an expression may be 4 KB.
const recountAttrs = 100

// errRecountRaced is a correction whose counts moved between their read
// and the correction: it is read again.
var errRecountRaced = errors.New("return counts moved while they were recounted")

// RecountReturns puts a programme's counts of returns right from the
// returns themselves: each schedule's (SCHEDSTAT#<s>) and, of a schedule
// whose counts are kept by project (pc_<s> on the setup), each project's
// (RETSTAT#<j>#<s>). It is for counts a bug left wrong (before 2026-12 an
// import counted the returns of a row split into the next transaction
// twice, which left overdue counts below zero): a count that matches its
// returns is left alone.
//
// It runs beside the programme's other writes without stopping them. The
// counts are read first and the returns after, and each count put right
// is moved by what it lacks (an ADD, as every write moves it), on the
// condition that it still holds what was read. A write that moved a
// count after it was read fails that condition (the recount then starts
// again, up to five times); one that moved a count before it was read
// moved its returns before they were read too, so the two agree. Counts
// no write moves meanwhile are ADDs that commute with those that do.
// Cost: the SCHED and RETSTAT# prefixes' and every return's Query pages,
// and one UpdateItem per 100 attributes put right.
//
// With write false it only reads, and says what it would put right.
func (s *Store) RecountReturns(ctx context.Context, programmeID string, write bool) ([]Recount, error) {
	var all []Recount // what each attempt put right before it raced, and the last's
	for attempt := 1; ; attempt++ {
		out, err := s.recountOnce(ctx, programmeID, write)
		all = append(all, out...)
		if !errors.Is(err, errRecountRaced) || attempt == 5 {
			return all, err
		}
	}
}

func (s *Store) recountOnce(ctx context.Context, programmeID string, write bool) ([]Recount, error) {
	pk := pkProgramme(programmeID)
	everything := service.Page{Limit: 1 << 30}
	stored := map[string]map[string]int64{} // by sort key: the counts items as read
	var counted map[string]bool
	read := func(item Item) error {
		sk := skAttr(item)
		switch {
		case sk == skSetup:
			counted = countedByProject(item)
		case strings.HasPrefix(sk, prefixScheduleStats), strings.HasPrefix(sk, prefixProjectStats):
			stored[sk] = countAttrs(item)
		}
		return nil
	}
	// The counts first, then the returns (see above).
	for _, prefix := range []string{skSetup, prefixProjectStats} {
		if _, err := s.list(ctx, query{pkAttr: "PK", skAttr: "SK", pk: pk, prefix: prefix}, everything, read); err != nil {
			return nil, fmt.Errorf("recount returns of %s: %w", programmeID, err)
		}
	}
	truth := map[string]*domain.StatsDelta{}
	add := func(sk string, r domain.Return) {
		if truth[sk] == nil {
			truth[sk] = &domain.StatsDelta{}
		}
		truth[sk].Add(r, 1)
	}
	if _, err := s.list(ctx, query{pkAttr: "PK", skAttr: "SK", pk: pk, prefix: prefixReturn}, everything, func(item Item) error {
		r, err := decodeReturn(item)
		if err != nil {
			return err
		}
		add(skScheduleStats(r.ScheduleID), r)
		if counted[r.ScheduleID] {
			add(skProjectStats(r.ProjectID, r.ScheduleID), r)
		}
		return nil
	}); err != nil {
		return nil, fmt.Errorf("recount returns of %s: %w", programmeID, err)
	}

	var out []Recount
	keys := map[string]bool{}
	for sk := range stored {
		keys[sk] = true
	}
	for sk := range truth {
		keys[sk] = true
	}
	for _, sk := range slices.Sorted(maps.Keys(keys)) {
		if strings.HasPrefix(sk, prefixProjectStats) && !counted[sk[strings.LastIndex(sk, "#")+1:]] {
			continue // a schedule's counts by project not kept whole: never read
		}
		want := map[string]int64{}
		if d := truth[sk]; d != nil {
			want = deltaAttrs(*d)
		}
		have := stored[sk]
		moved := map[string][2]int64{}
		for _, a := range slices.Sorted(maps.Keys(union(have, want))) {
			if have[a] != want[a] {
				moved[a] = [2]int64{have[a], want[a]}
			}
		}
		if len(moved) == 0 {
			continue
		}
		attrs := slices.Sorted(maps.Keys(moved))
		for write && len(attrs) > 0 {
			n := min(len(attrs), recountAttrs)
			if err := s.recountItem(ctx, pk, sk, attrs[:n], have, moved); err != nil {
				return out, fmt.Errorf("recount %s of %s: %w", sk, programmeID, err)
			}
			attrs = attrs[n:]
		}
		out = append(out, Recount{SK: sk, Moved: moved})
	}
	return out, nil
}

// recountItem moves attrs of item sk from what they held (have) to what
// they should (moved), on the condition that each still holds what was
// read: absent when it was.
func (s *Store) recountItem(ctx context.Context, pk, sk string, attrs []string, have map[string]int64, moved map[string][2]int64) error {
	names := map[string]string{}
	values := map[string]types.AttributeValue{}
	var adds, conds []string
	for i, a := range attrs {
		n, v, w := "#a"+strconv.Itoa(i), ":a"+strconv.Itoa(i), ":w"+strconv.Itoa(i)
		names[n] = a
		values[v] = num(moved[a][1] - moved[a][0])
		adds = append(adds, n+" "+v)
		if _, ok := have[a]; ok {
			values[w] = num(have[a])
			conds = append(conds, n+" = "+w)
		} else {
			conds = append(conds, "attribute_not_exists("+n+")")
		}
	}
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: &s.table, Key: key(pk, sk),
		UpdateExpression:          aws.String("ADD " + strings.Join(adds, ", ")),
		ConditionExpression:       aws.String(strings.Join(conds, " AND ")),
		ExpressionAttributeNames:  names,
		ExpressionAttributeValues: values,
	})
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		return errRecountRaced
	}
	return classify(err)
}

// countAttrs are the counts a counts item holds: e_, u_ and ot_ by period
// end, and sub.
func countAttrs(item Item) map[string]int64 {
	out := map[string]int64{}
	for a, av := range item {
		nv, ok := av.(*types.AttributeValueMemberN)
		if !ok || !(a == "sub" || strings.HasPrefix(a, "e_") || strings.HasPrefix(a, "u_") || strings.HasPrefix(a, "ot_")) {
			continue
		}
		n, err := strconv.ParseInt(nv.Value, 10, 64)
		if err != nil {
			f, _ := strconv.ParseFloat(nv.Value, 64)
			n = int64(f)
		}
		out[a] = n
	}
	return out
}

// deltaAttrs are the attributes statsUpdates writes d's counts to.
func deltaAttrs(d domain.StatsDelta) map[string]int64 {
	out := map[string]int64{}
	for day, n := range d.Expected {
		out["e_"+day.String()] = n
	}
	for day, n := range d.Unsent {
		out["u_"+day.String()] = n
	}
	for day, n := range d.OnTime {
		out["ot_"+day.String()] = n
	}
	out["sub"] = d.Submitted
	return out
}

func union(a, b map[string]int64) map[string]int64 {
	out := maps.Clone(a)
	if out == nil {
		out = map[string]int64{}
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}
