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

// CreateFunder stores a new funder of a programme, holding its name (see
// skFunderName).
func (s *Store) CreateFunder(ctx context.Context, programmeID string, f domain.Funder, ch service.Change) error {
	item, err := record(f, "funder", keys{PK: pkProgramme(programmeID), SK: skFunder(f.ID)})
	if err != nil {
		return err
	}
	t := s.programmeExists(s.create(&tx{}, item), programmeID)
	if err := s.holdMarker(t, programmeID, funderName(f)); err != nil {
		return err
	}
	if err := s.write(ctx, ch, t); err != nil {
		return fmt.Errorf("create funder %s in %s: %w", f.ID, programmeID, err)
	}
	return nil
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

// UpdateFunder replaces a funder still at before's version and, when its
// name changes, holds the new name and lets the old one go, as
// UpdateProject does.
func (s *Store) UpdateFunder(ctx context.Context, programmeID string, before, after domain.Funder, ch service.Change) error {
	item, err := record(after, "funder", keys{PK: pkProgramme(programmeID), SK: skFunder(after.ID)})
	if err != nil {
		return err
	}
	t := s.versioned(&tx{}, item, before.Version)
	if skFunderName(before.Name) != skFunderName(after.Name) {
		err = s.rename(ctx, ch, t, programmeID, funderName(before), funderName(after))
	} else {
		err = s.write(ctx, ch, t)
	}
	if err != nil {
		return fmt.Errorf("update funder %s in %s: %w", after.ID, programmeID, err)
	}
	return nil
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
	return s.wrapUpdate(after, programmeID, s.rename(ctx, ch, t, programmeID, projectNameMarker(before), projectNameMarker(after)))
}

// rename writes t, the change of a record whose name moves from old to
// new, with new's marker held (else *service.NameTakenError) and old's let
// go. The old name is let go only if this record holds it. A record
// stored before the markers holds none, and a delete of a missing item is
// no failure; but another record may hold that name since, and that
// marker is not this change's to delete.
func (s *Store) rename(ctx context.Context, ch service.Change, t *tx, programmeID string, old, new nameMarker) error {
	if err := s.holdMarker(t, programmeID, new); err != nil {
		return err
	}
	vals, _ := marshal(map[string]any{":me": old.id})
	free := types.TransactWriteItem{Delete: &types.Delete{TableName: &s.table,
		Key: key(pkProgramme(programmeID), old.sk), ExpressionAttributeValues: vals,
		ExpressionAttributeNames: map[string]string{"#id": old.idAttr},
		ConditionExpression:      aws.String("attribute_not_exists(PK) OR #id = :me")}}
	withFree := *t
	withFree.items, withFree.fails = slices.Clone(t.items), slices.Clone(t.fails)
	withFree.add(free, errNameNotOurs)
	err := s.write(ctx, ch, &withFree)
	if errors.Is(err, errNameNotOurs) {
		// Another record holds the old name (this one was stored before
		// the markers): keep its marker, and write the rest alone.
		err = s.write(ctx, ch, t)
	}
	return err
}

// errNameNotOurs is the failure of letting a record's old name go when
// another record holds it.
var errNameNotOurs = errors.New("old name held by another record")

func (s *Store) wrapUpdate(after domain.Project, programmeID string, err error) error {
	if err != nil {
		return fmt.Errorf("update project %s in %s: %w", after.ID, programmeID, err)
	}
	return nil
}

// nameMarker is the marker item of a record's name: its key, its type,
// the attribute naming the record that holds it and that record's id.
type nameMarker struct {
	sk, typ, idAttr, id, name string
	entity                    domain.Entity
}

// projectNameMarker is the marker of pr's name (see skProjectName).
func projectNameMarker(pr domain.Project) nameMarker {
	return nameMarker{sk: skProjectName(pr.Name), typ: "projectName", idAttr: "projectId", id: pr.ID, name: pr.Name, entity: domain.EntityProject}
}

// funderName is the marker of f's name (see skFunderName).
func funderName(f domain.Funder) nameMarker {
	return nameMarker{sk: skFunderName(f.Name), typ: "funderName", idAttr: "funderId", id: f.ID, name: f.Name, entity: domain.EntityFunder}
}

// holdName adds to t the marker of pr's name (see skProjectName): put only
// if no project holds that name, else *service.NameTakenError.
func (s *Store) holdName(t *tx, programmeID string, pr domain.Project) error {
	return s.holdMarker(t, programmeID, projectNameMarker(pr))
}

// holdMarker adds to t the put of marker m: only if no record holds that
// name, else *service.NameTakenError.
func (s *Store) holdMarker(t *tx, programmeID string, m nameMarker) error {
	put, err := s.markerPut(programmeID, m)
	if err != nil {
		return err
	}
	t.add(put, &service.NameTakenError{Name: m.name, Entity: m.entity})
	return nil
}

// markerPut is the put of marker m, only if no record holds that name.
func (s *Store) markerPut(programmeID string, m nameMarker) (types.TransactWriteItem, error) {
	item, err := marshal(map[string]any{"PK": pkProgramme(programmeID), "SK": m.sk,
		"type": m.typ, m.idAttr: m.id, "name": m.name})
	if err != nil {
		return types.TransactWriteItem{}, err
	}
	return types.TransactWriteItem{Put: &types.Put{TableName: &s.table, Item: item,
		ConditionExpression: aws.String("attribute_not_exists(PK)")}}, nil
}

// projectName is the attribute of the totals item that keeps a project's
// name (pn_<project>), so a portfolio line names project targets from
// the items it reads anyway (docs/dynamodb.md, "Cost of a portfolio").
func projectName(pr domain.Project) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{"pn_" + pr.ID: str(pr.Name)}
}
