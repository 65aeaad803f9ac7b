package store

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/fundtrack/fundtrack/shared/domain"
)

func skTarget(id string) string { return "TARGET#" + id }

// targetRefs are the checks that a target's project and funders belong to
// the programme, with the field each failure names.
func (s *Store) targetRefs(programmeID string, t domain.Target, items []types.TransactWriteItem, fields map[int]string) []types.TransactWriteItem {
	pk := pkProgramme(programmeID)
	if t.ProjectID != "" {
		fields[len(items)] = "projectId"
		items = append(items, s.mustExist(pk, skProject(t.ProjectID)))
	}
	for i, f := range t.Notify {
		fields[len(items)] = fmt.Sprintf("notify[%d]", i)
		items = append(items, s.mustExist(pk, skFunder(f)))
	}
	return items
}

// targetKeys put a target in the due index on its next check date (none
// when zero).
func targetKeys(programmeID string, t domain.Target, due domain.Date) keys {
	k := keys{PK: pkProgramme(programmeID), SK: skTarget(t.ID)}
	if !due.IsZero() {
		k.GSI2PK, k.GSI2SK = dueIndex, dueKey(programmeID, t.ID, due)
	}
	return k
}

// CreateTarget stores a target, checking its project and funders exist. It
// goes into the due index for its first time-driven check, and marks the
// programme changed so the notifier looks at it (it may be reached already).
func (s *Store) CreateTarget(ctx context.Context, programmeID string, t domain.Target, due domain.Date, ev domain.AuditEvent) error {
	item, err := record(t, "target", targetKeys(programmeID, t, due))
	if err != nil {
		return err
	}
	fields := map[int]string{}
	items := s.targetRefs(programmeID, t, []types.TransactWriteItem{s.put(item), s.totalsUpdate(programmeID, deltas{}, t.UpdatedAt)}, fields)
	if err := refError(s.write(ctx, ev, items...), fields); err != nil {
		return fmt.Errorf("create target %s: %w", t.ID, err)
	}
	return nil
}

// UpdateTarget replaces a target still at before's version, rescheduling
// its time-driven checks and marking the programme changed.
func (s *Store) UpdateTarget(ctx context.Context, programmeID string, before, after domain.Target, due domain.Date, ev domain.AuditEvent) error {
	item, err := record(after, "target", targetKeys(programmeID, after, due))
	if err != nil {
		return err
	}
	fields := map[int]string{0: ""}
	items := s.targetRefs(programmeID, after, []types.TransactWriteItem{s.versioned(item, before.Version),
		s.totalsUpdate(programmeID, deltas{}, after.UpdatedAt)}, fields)
	if err := refError(s.write(ctx, ev, items...), fields); err != nil {
		return fmt.Errorf("update target %s: %w", after.ID, err)
	}
	return nil
}

// Target returns one target of a programme.
func (s *Store) Target(ctx context.Context, programmeID, id string) (domain.Target, error) {
	var t domain.Target
	return t, s.getChild(ctx, programmeID, skTarget(id), "target", &t)
}

// ListTargets lists a programme's targets, oldest first.
func (s *Store) ListTargets(ctx context.Context, programmeID string, p Page) ([]domain.Target, string, error) {
	var out []domain.Target
	next, err := s.listChildren(ctx, programmeID, "TARGET#", p, func(item Item) error { return appendDecoded(item, &out) })
	return out, next, err
}

// All pages through a list, for the few answers (progress) that need every
// funder, project or target of a programme; each page is one Query of up to
// MaxLimit items, so a typical programme costs one request per list.
func All[T any](ctx context.Context, list func(context.Context, string, Page) ([]T, string, error), programmeID string) ([]T, error) {
	var out []T
	p := Page{Limit: MaxLimit}
	for {
		items, next, err := list(ctx, programmeID, p)
		if err != nil {
			return nil, err
		}
		out = append(out, items...)
		if next == "" {
			return out, nil
		}
		p.Cursor = next
	}
}
