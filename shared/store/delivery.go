package store

import (
	"context"
	"fmt"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// CreatePost stores a funded post and counts it in the post totals.
func (s *Store) CreatePost(ctx context.Context, programmeID string, p domain.Post, ch service.Change) error {
	item, err := record(p, "post", keys{PK: pkProgramme(programmeID), SK: skPost(p.ProjectID, p.ID)})
	if err != nil {
		return err
	}
	t := s.create(&tx{}, item)
	s.exists(t, programmeID, domain.Ref(domain.EntityProject, p.ProjectID))
	s.exists(t, programmeID, domain.Ref(domain.EntityGrant, p.GrantID))
	t.add(s.totalsUpdate(programmeID, deltas{"posts_" + string(p.Status): 1}, time.Time{}), nil)
	if err := s.write(ctx, ch, t); err != nil {
		return fmt.Errorf("create post %s: %w", p.ID, err)
	}
	return nil
}

// UpdatePost replaces a post still at before's version, moving the post
// totals when its status changes.
func (s *Store) UpdatePost(ctx context.Context, programmeID string, before, after domain.Post, ch service.Change) error {
	item, err := record(after, "post", keys{PK: pkProgramme(programmeID), SK: skPost(after.ProjectID, after.ID)})
	if err != nil {
		return err
	}
	d := deltas{}
	d.add("posts_"+string(before.Status), -1)
	d.add("posts_"+string(after.Status), 1)
	t := s.versioned(&tx{}, item, before.Version)
	s.exists(t, programmeID, domain.Ref(domain.EntityGrant, after.GrantID))
	t.add(s.totalsUpdate(programmeID, d, time.Time{}), nil)
	if err := s.write(ctx, ch, t); err != nil {
		return fmt.Errorf("update post %s: %w", after.ID, err)
	}
	return nil
}

// ListPosts lists a project's posts, oldest first.
func (s *Store) ListPosts(ctx context.Context, programmeID, projectID string, p service.Page) ([]domain.Post, string, error) {
	var out []domain.Post
	next, err := s.listChildren(ctx, programmeID, "POST#"+projectID+"#", p, func(item Item) error { return appendDecoded(item, &out) })
	return out, next, err
}

// CreateCohort stores an internship cohort and counts its places.
func (s *Store) CreateCohort(ctx context.Context, programmeID string, c domain.Cohort, ch service.Change) error {
	item, err := record(c, "cohort", keys{PK: pkProgramme(programmeID), SK: skCohort(c.ProjectID, c.ID)})
	if err != nil {
		return err
	}
	t := s.create(&tx{}, item)
	s.exists(t, programmeID, domain.Ref(domain.EntityProject, c.ProjectID))
	t.add(s.totalsUpdate(programmeID, deltas{"cohorts": 1, "places": float64(c.Places)}, time.Time{}), nil)
	if err := s.write(ctx, ch, t); err != nil {
		return fmt.Errorf("create cohort %s: %w", c.ID, err)
	}
	return nil
}

// UpdateCohort replaces a cohort still at before's version, moving the
// places total by the difference.
func (s *Store) UpdateCohort(ctx context.Context, programmeID string, before, after domain.Cohort, ch service.Change) error {
	item, err := record(after, "cohort", keys{PK: pkProgramme(programmeID), SK: skCohort(after.ProjectID, after.ID)})
	if err != nil {
		return err
	}
	d := deltas{}
	d.add("places", float64(after.Places-before.Places))
	t := s.versioned(&tx{}, item, before.Version)
	t.add(s.totalsUpdate(programmeID, d, time.Time{}), nil)
	if err := s.write(ctx, ch, t); err != nil {
		return fmt.Errorf("update cohort %s: %w", after.ID, err)
	}
	return nil
}

// ListCohorts lists a project's cohorts, oldest first.
func (s *Store) ListCohorts(ctx context.Context, programmeID, projectID string, p service.Page) ([]domain.Cohort, string, error) {
	var out []domain.Cohort
	next, err := s.listChildren(ctx, programmeID, "COHORT#"+projectID+"#", p, func(item Item) error { return appendDecoded(item, &out) })
	return out, next, err
}

// CreateOutcome stores a submission and adds its figures to every total it
// touches (programme, project, cohort, month, measures) in one transaction.
// A correction (o.Replaces, with the replaced submission in old) also
// takes the old figures back out and marks the old one superseded; the
// marker's condition makes a second correction of the same submission
// fail (*service.AlreadyCorrectedError), so the old figures can never be
// subtracted twice.
func (s *Store) CreateOutcome(ctx context.Context, programmeID string, o domain.Outcome, old *domain.Outcome, ch service.Change) error {
	pk := pkProgramme(programmeID)
	item, err := record(o, "outcome", keys{PK: pk, SK: skOutcome(o.ProjectID, o.ID)})
	if err != nil {
		return err
	}
	d := deltas{}
	outcomeDeltas(d, o, 1)
	series := domain.SeriesDeltas(o, 1)
	t := s.create(&tx{}, item)
	s.exists(t, programmeID, domain.Ref(domain.EntityProject, o.ProjectID))
	if o.CohortID != "" {
		s.exists(t, programmeID, domain.ProjectRef(domain.EntityCohort, o.ProjectID, o.CohortID))
	}
	if old != nil {
		outcomeDeltas(d, *old, -1)
		mergeSeries(series, domain.SeriesDeltas(*old, -1))
		marker, err := record(map[string]string{"outcomeId": old.ID, "supersededBy": o.ID}, "superseded", keys{PK: pk, SK: skSuperseded(old.ID)})
		if err != nil {
			return err
		}
		s.create(t, marker)
		// The marker's failure is a correction that came first: say which.
		t.fails[len(t.fails)-1] = s.alreadyCorrected(ctx, programmeID, *old)
		s.exists(t, programmeID, domain.ProjectRef(domain.EntityOutcome, o.ProjectID, old.ID))
	}
	t.add(s.totalsUpdate(programmeID, d, o.SubmittedAt), nil)
	for _, u := range s.seriesUpdates(programmeID, series) {
		t.add(u, nil)
	}
	if err := s.write(ctx, ch, t); err != nil {
		return fmt.Errorf("create outcome %s: %w", o.ID, err)
	}
	return nil
}

// alreadyCorrected is the error for a second correction of old; the
// correction that came first is read only if the refusal happens.
func (s *Store) alreadyCorrected(ctx context.Context, programmeID string, old domain.Outcome) error {
	return &lazyCorrected{s: s, ctx: ctx, programmeID: programmeID, old: old}
}

// lazyCorrected resolves to *service.AlreadyCorrectedError naming the
// correction, read when the transaction is refused.
type lazyCorrected struct {
	s           *Store
	ctx         context.Context
	programmeID string
	old         domain.Outcome
}

func (l *lazyCorrected) Error() string { return "submission " + l.old.ID + " already corrected" }

// resolve reads the superseded marker to name the correction.
func (l *lazyCorrected) resolve() error {
	var m struct {
		SupersededBy string `json:"supersededBy"`
	}
	replaced := domain.ProjectRef(domain.EntityOutcome, l.old.ProjectID, l.old.ID)
	ok, err := l.s.get(l.ctx, pkProgramme(l.programmeID), skSuperseded(l.old.ID), &m)
	if err != nil || !ok {
		return &service.AlreadyCorrectedError{Replaced: replaced}
	}
	return &service.AlreadyCorrectedError{Replaced: replaced, By: domain.ProjectRef(domain.EntityOutcome, l.old.ProjectID, m.SupersededBy)}
}

// ListOutcomes lists a project's submissions, oldest first.
func (s *Store) ListOutcomes(ctx context.Context, programmeID, projectID string, p service.Page) ([]domain.Outcome, string, error) {
	var out []domain.Outcome
	next, err := s.listChildren(ctx, programmeID, "OUTCOME#"+projectID+"#", p, func(item Item) error { return appendDecoded(item, &out) })
	return out, next, err
}
