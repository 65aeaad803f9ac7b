package store

import (
	"context"
	"fmt"

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
	next, err := s.listChildren(ctx, programmeID, "FUNDER#", p, func(item Item) error { return appendDecoded(item, &out) })
	return out, next, err
}

// CreateProject stores a new project of a programme, with the
// generation of the returns its schedules expect of it, if any.
func (s *Store) CreateProject(ctx context.Context, programmeID string, pr domain.Project, gen *service.Generation, ch service.Change) error {
	item, err := record(pr, "project", keys{PK: pkProgramme(programmeID), SK: skProject(pr.ID)})
	if err != nil {
		return err
	}
	t := s.programmeExists(s.create(&tx{}, item), programmeID)
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
	next, err := s.listChildren(ctx, programmeID, "PROJECT#", p, func(item Item) error { return appendDecoded(item, &out) })
	return out, next, err
}
