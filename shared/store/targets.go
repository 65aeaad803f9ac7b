package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// targetRefs check that a target's project and funders belong to the
// programme.
func (s *Store) targetRefs(t *tx, programmeID string, tg domain.Target) *tx {
	if tg.ProjectID != "" {
		s.exists(t, programmeID, domain.Ref(domain.EntityProject, tg.ProjectID))
	}
	for _, f := range tg.Notify {
		s.exists(t, programmeID, domain.Ref(domain.EntityFunder, f))
	}
	return t
}

// targetKeys put a target in the due index on its next check date (none
// when zero).
func targetKeys(programmeID string, t domain.Target, due domain.Date) keys {
	k := keys{PK: pkProgramme(programmeID), SK: skTarget(t.ID)}
	if !due.IsZero() {
		k.GSI2PK, k.GSI2SK = shardKeyOf(dueIndex, programmeID), dueKey(programmeID, t.ID, due)
	}
	return k
}

// targetSummary is the totals' copy of a target (tg_<id>): what its window
// and standing need, so a portfolio reads every target of a page of
// programmes with their totals, in the same BatchGetItem, instead of one
// Query a programme. Every write of a target writes it.
func targetSummary(t domain.Target) (map[string]types.AttributeValue, error) {
	v, err := marshal(summarisedTarget{ID: t.ID, Metric: t.Metric, Value: t.Value, Deadline: t.Deadline, StartDate: t.StartDate, ProjectID: t.ProjectID})
	if err != nil {
		return nil, fmt.Errorf("marshal target summary: %w", err)
	}
	return map[string]types.AttributeValue{"tg_" + t.ID: &types.AttributeValueMemberM{Value: v}}, nil
}

// summarisedTarget is a target as its summary keeps it.
type summarisedTarget struct {
	ID        string        `json:"id"`
	Metric    domain.Metric `json:"metric"`
	Value     int64         `json:"value"`
	Deadline  domain.Date   `json:"deadline"`
	StartDate domain.Date   `json:"startDate,omitzero"`
	ProjectID string        `json:"projectId,omitempty"`
}

// CreateTarget stores a target, checking its project and funders exist. It
// goes into the due index for its first time-driven check, and marks the
// programme changed so the notifier looks at it (it may be reached already).
func (s *Store) CreateTarget(ctx context.Context, programmeID string, tg domain.Target, due domain.Date, ch service.Change) error {
	item, err := record(tg, "target", targetKeys(programmeID, tg, due))
	if err != nil {
		return err
	}
	sum, err := targetSummary(tg)
	if err != nil {
		return err
	}
	t := s.addTotals(s.create(&tx{}, item), programmeID, deltas{}, tg.UpdatedAt, sum)
	if err := s.write(ctx, ch, s.targetRefs(t, programmeID, tg)); err != nil {
		return fmt.Errorf("create target %s: %w", tg.ID, err)
	}
	return nil
}

// UpdateTarget replaces a target still at before's version, rescheduling
// its time-driven checks and marking the programme changed, and makes due
// in the same transaction the payments rel says the change fires (see
// release).
func (s *Store) UpdateTarget(ctx context.Context, programmeID string, before, after domain.Target, due domain.Date, rel service.Release, ch service.Change) error {
	item, err := record(after, "target", targetKeys(programmeID, after, due))
	if err != nil {
		return err
	}
	sum, err := targetSummary(after)
	if err != nil {
		return err
	}
	t := s.targetRefs(s.addTotals(s.versioned(&tx{}, item, before.Version), programmeID, deltas{}, after.UpdatedAt, sum), programmeID, after)
	if err := s.release(t, programmeID, rel, releaseReserve(ch)); err != nil {
		return err
	}
	if err := s.write(ctx, ch, t); err != nil {
		return fmt.Errorf("update target %s: %w", after.ID, err)
	}
	return nil
}

// ListTargets lists a programme's targets, oldest first, each with the
// day it sits in the due index (DueOn) as the item read says.
func (s *Store) ListTargets(ctx context.Context, programmeID string, p service.Page) ([]domain.Target, string, error) {
	var out []domain.Target
	next, err := s.listChildren(ctx, programmeID, prefixTarget, p, func(item Item) error {
		if err := appendDecoded(item, &out); err != nil {
			return err
		}
		out[len(out)-1].DueOn = dueOn(item)
		return nil
	})
	return out, next, err
}

// dueOn is the day a target's item sits in the due index (targetKeys:
// the day its GSI2SK starts with), zero when it is not there or its key
// there is not one (only a bug or a hand-made item writes one; zero is
// what lets nothing be skipped on it).
func dueOn(item Item) domain.Date {
	if !strings.HasPrefix(attrS(item["GSI2PK"]), dueIndex+"#") {
		return domain.Date{}
	}
	return dueKeyDay(attrS(item["GSI2SK"]))
}

// dueKeyDay is the day of a key in the due index (dueKey), zero when k
// is not one.
func dueKeyDay(k string) domain.Date {
	if _, _, ok := parseDueKey(k, false); !ok {
		return domain.Date{}
	}
	day, err := domain.ParseDate(k[:strings.IndexByte(k, '#')])
	if err != nil {
		return domain.Date{}
	}
	return day
}

// DueTargets lists targets whose next check falls on or before today,
// from their shard of the due index (one Query a page).
func (s *Store) DueTargets(ctx context.Context, shard int, today domain.Date, p service.Page) ([]service.DueTarget, string, error) {
	var due []service.DueTarget
	next, err := s.dueList(ctx, "due targets", "GSI2", dueIndex, shard, today, p, func(item Item, programmeID, dueKey string) error {
		var t domain.Target
		if err := unmarshal(item, &t); err != nil {
			return fmt.Errorf("decode due target: %w", err)
		}
		t.DueOn = dueKeyDay(dueKey)
		due = append(due, service.DueTarget{ProgrammeID: programmeID, Target: t, DueKey: dueKey})
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	return due, next, nil
}

// RescheduleTarget moves a target to its next check date (or out of the
// due index when next is zero), unless the target changed since it was
// read.
func (s *Store) RescheduleTarget(ctx context.Context, d service.DueTarget, next domain.Date) error {
	to := ""
	if !next.IsZero() {
		to = dueKey(d.ProgrammeID, d.Target.ID, next)
	}
	if err := s.moveDue(ctx, key(pkProgramme(d.ProgrammeID), skTarget(d.Target.ID)), "GSI2", d.DueKey, to); err != nil {
		return fmt.Errorf("reschedule target %s: %w", d.Target.ID, err)
	}
	return nil
}

// WakeTarget puts a target in the due index on day, unless it is there on
// or before day already (the notifier looks at it by then anyway) or the
// target is gone: one UpdateItem, conditioned on both (a refusal is
// nothing to do, and nil). It is not conditioned on the target's version:
// a target changed since it was read is put where its change put it or
// earlier, and the look on day sets its next check afresh (NextCheck).
// The condition on the item's existence keeps the update from making a
// target's item of a deleted one.
func (s *Store) WakeTarget(ctx context.Context, programmeID, targetID string, day domain.Date) error {
	k := dueKey(programmeID, targetID, day)
	_, err := s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: &s.table, Key: key(pkProgramme(programmeID), skTarget(targetID)),
		UpdateExpression:    aws.String("SET GSI2PK = :due, GSI2SK = :key"),
		ConditionExpression: aws.String("attribute_exists(PK) AND (attribute_not_exists(GSI2SK) OR GSI2SK > :key)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":due": str(shardKeyOf(dueIndex, programmeID)), ":key": str(k),
		},
	})
	var ccf *types.ConditionalCheckFailedException
	if err != nil && !errors.As(err, &ccf) {
		return fmt.Errorf("wake target %s: %w", targetID, classify(err))
	}
	return nil
}
