package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// CreateFunder stores a new funder of a programme.
func (s *Store) CreateFunder(ctx context.Context, programmeID string, f domain.Funder, ch service.Change) error {
	return s.createChild(ctx, programmeID, f, "funder", skFunder(f.ID), ch)
}

// ListFunders lists a programme's funders, oldest first.
func (s *Store) ListFunders(ctx context.Context, programmeID string, p service.Page) ([]domain.Funder, string, error) {
	var out []domain.Funder
	next, err := s.listChildren(ctx, programmeID, prefixFunder, p, func(item Item) error { return appendDecoded(item, &out) })
	return out, next, err
}

// CreateProject stores a new project of a programme, with the
// generation of the returns its schedules expect of it, if any.
func (s *Store) CreateProject(ctx context.Context, programmeID string, pr domain.Project, gen *service.Generation, ch service.Change) error {
	item, err := record(pr, "project", keys{PK: pkProgramme(programmeID), SK: skProject(pr.ID)})
	if err != nil {
		return err
	}
	t := s.addTotals(s.programmeExists(s.create(&tx{}, item), programmeID), programmeID, deltas{}, time.Time{}, projectName(pr))
	if err := s.holdName(t, programmeID, pr); err != nil {
		return err
	}
	if gen != nil {
		put, err := s.genPut(*gen)
		if err != nil {
			return err
		}
		t.add(put, nil)
	}
	if err := s.write(ctx, ch, t); err != nil {
		return fmt.Errorf("create project %s in %s: %w", pr.ID, programmeID, err)
	}
	return nil
}

// ListProjects lists a programme's projects, oldest first.
func (s *Store) ListProjects(ctx context.Context, programmeID string, p service.Page) ([]domain.Project, string, error) {
	var out []domain.Project
	next, err := s.listChildren(ctx, programmeID, prefixProject, p, func(item Item) error { return appendDecoded(item, &out) })
	return out, next, err
}

// UpdateFunder replaces a funder still at before's version.
func (s *Store) UpdateFunder(ctx context.Context, programmeID string, before, after domain.Funder, ch service.Change) error {
	return s.replaceChild(ctx, programmeID, after, "funder", skFunder(after.ID), before.Version, ch)
}

// UpdateProject replaces a project still at before's version, the name
// the totals keep of it when that changes, and, with rc, what its new
// dates do to its returns (service.ProjectReturns), in one transaction.
func (s *Store) UpdateProject(ctx context.Context, programmeID string, before, after domain.Project, rc *service.ProjectReturns, ch service.Change) error {
	item, err := record(after, "project", keys{PK: pkProgramme(programmeID), SK: skProject(after.ID)})
	if err != nil {
		return err
	}
	t := s.versioned(&tx{}, item, before.Version)
	if before.Name != after.Name {
		s.addTotals(t, programmeID, deltas{}, time.Time{}, projectName(after))
	}
	if err := s.projectReturns(t, programmeID, rc); err != nil {
		return err
	}
	if skProjectName(before.Name) == skProjectName(after.Name) {
		// The same name, or the same name to an import (another case or
		// spacing): its marker, if it has one, stays as it is.
		return s.wrapUpdate(after, programmeID, s.write(ctx, ch, t))
	}
	if err := s.holdName(t, programmeID, after); err != nil {
		return err
	}
	// The old name is let go only if this project holds it. A project
	// stored before the markers holds none, and a delete of a missing
	// item is no failure; but another project may hold that name since,
	// and that marker is not this change's to delete.
	vals, _ := marshal(map[string]any{":me": after.ID})
	free := types.TransactWriteItem{Delete: &types.Delete{TableName: &s.table,
		Key: key(pkProgramme(programmeID), skProjectName(before.Name)), ExpressionAttributeValues: vals,
		ConditionExpression: aws.String("attribute_not_exists(PK) OR projectId = :me")}}
	withFree := *t
	withFree.items, withFree.fails = slices.Clone(t.items), slices.Clone(t.fails)
	withFree.add(free, errNameNotOurs)
	err = s.write(ctx, ch, &withFree)
	if errors.Is(err, errNameNotOurs) {
		// Another project holds the old name (this one was stored before
		// the markers): keep its marker, and write the rest alone.
		err = s.write(ctx, ch, t)
	}
	return s.wrapUpdate(after, programmeID, err)
}

// errNameNotOurs is the failure of letting a project's old name go when
// another project holds it.
var errNameNotOurs = errors.New("old project name held by another project")

func (s *Store) wrapUpdate(after domain.Project, programmeID string, err error) error {
	if err != nil {
		return fmt.Errorf("update project %s in %s: %w", after.ID, programmeID, err)
	}
	return nil
}

// holdName adds to t the marker of pr's name (see skProjectName): put only
// if no project holds that name, else *service.NameTakenError.
func (s *Store) holdName(t *tx, programmeID string, pr domain.Project) error {
	item, err := marshal(map[string]any{"PK": pkProgramme(programmeID), "SK": skProjectName(pr.Name),
		"type": "projectName", "projectId": pr.ID, "name": pr.Name})
	if err != nil {
		return err
	}
	t.add(types.TransactWriteItem{Put: &types.Put{TableName: &s.table, Item: item,
		ConditionExpression: aws.String("attribute_not_exists(PK)")}}, &service.NameTakenError{Name: pr.Name})
	return nil
}

// projectName is the attribute of the totals item that keeps a project's
// name (pn_<project>), so a portfolio line names project targets from
// the items it reads anyway (docs/dynamodb.md, "Cost of a portfolio").
func projectName(pr domain.Project) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{"pn_" + pr.ID: str(pr.Name)}
}

// replaceChild writes a new version of a record of a programme's
// partition, if it is still at version, with its audit event.
func (s *Store) replaceChild(ctx context.Context, programmeID string, v any, typ, sk string, version int64, ch service.Change) error {
	item, err := record(v, typ, keys{PK: pkProgramme(programmeID), SK: sk})
	if err != nil {
		return err
	}
	if err := s.write(ctx, ch, s.versioned(&tx{}, item, version)); err != nil {
		return fmt.Errorf("update %s %s in %s: %w", typ, sk, programmeID, err)
	}
	return nil
}
