package store

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// Posts, cohorts and outcomes live in the programme's partition under their
// project, so "this project's posts" and "all posts" are both one Query.
func skPost(projectID, id string) string    { return "POST#" + projectID + "#" + id }
func skCohort(projectID, id string) string  { return "COHORT#" + projectID + "#" + id }
func skOutcome(projectID, id string) string { return "OUTCOME#" + projectID + "#" + id }
func skSuperseded(outcomeID string) string  { return "SUPERSEDED#" + outcomeID }

// versioned is a transaction item replacing an item only if it is still at
// the version the change was based on.
func (s *Store) versioned(item Item, version int64) types.TransactWriteItem {
	v, _ := marshal(map[string]any{":v": version})
	return types.TransactWriteItem{Put: &types.Put{TableName: &s.table, Item: item,
		ConditionExpression: aws.String("version = :v"), ExpressionAttributeValues: v}}
}

// refError turns a cancelled transaction into the client's error: a stale
// version ("" in fields, index 0 of a change) is precondition-failed; every
// failed reference check is named as a field of one validation error.
func refError(err error, fields map[int]string) error {
	var tc *txCancelled
	if !asTx(err, &tc) {
		return err
	}
	if f, ok := fields[tc.Index]; ok && f == "" {
		return domain.Errorf(domain.CodePreconditionFailed, "the record has changed since you read it (If-Match is stale)")
	}
	p := domain.Problems{}
	for i, r := range tc.Reasons {
		if f := fields[i]; f != "" && aws.ToString(r.Code) == "ConditionalCheckFailed" {
			p.Add(f, "not found in this programme or project")
		}
	}
	if len(p) == 0 {
		return err
	}
	return &domain.Error{Code: domain.CodeValidation, Message: "the request refers to something that is not there", Fields: p}
}

// CreatePost stores a funded post and counts it in the post totals.
func (s *Store) CreatePost(ctx context.Context, programmeID string, p domain.Post, ev domain.AuditEvent) error {
	pk := pkProgramme(programmeID)
	item, err := record(p, "post", keys{PK: pk, SK: skPost(p.ProjectID, p.ID)})
	if err != nil {
		return err
	}
	err = s.write(ctx, ev, s.put(item), s.mustExist(pk, skProject(p.ProjectID)), s.mustExist(pk, skGrant(p.GrantID)),
		s.totalsUpdate(programmeID, deltas{"posts_" + string(p.Status): 1}, time.Time{}))
	if err := refError(err, map[int]string{1: "projectId", 2: "grantId"}); err != nil {
		return fmt.Errorf("create post %s: %w", p.ID, err)
	}
	return nil
}

// UpdatePost replaces a post still at before's version, moving the post
// totals when its status changes.
func (s *Store) UpdatePost(ctx context.Context, programmeID string, before, after domain.Post, ev domain.AuditEvent) error {
	pk := pkProgramme(programmeID)
	item, err := record(after, "post", keys{PK: pk, SK: skPost(after.ProjectID, after.ID)})
	if err != nil {
		return err
	}
	d := deltas{}
	d.add("posts_"+string(before.Status), -1)
	d.add("posts_"+string(after.Status), 1)
	err = s.write(ctx, ev, s.versioned(item, before.Version), s.mustExist(pk, skGrant(after.GrantID)), s.totalsUpdate(programmeID, d, time.Time{}))
	if err := refError(err, map[int]string{0: "", 1: "grantId"}); err != nil {
		return fmt.Errorf("update post %s: %w", after.ID, err)
	}
	return nil
}

// Post returns one post of a project.
func (s *Store) Post(ctx context.Context, programmeID, projectID, id string) (domain.Post, error) {
	var p domain.Post
	return p, s.getChild(ctx, programmeID, skPost(projectID, id), "post", &p)
}

// ListPosts lists a project's posts, oldest first.
func (s *Store) ListPosts(ctx context.Context, programmeID, projectID string, p Page) ([]domain.Post, string, error) {
	var out []domain.Post
	next, err := s.listChildren(ctx, programmeID, "POST#"+projectID+"#", p, func(item Item) error { return appendDecoded(item, &out) })
	return out, next, err
}

// CreateCohort stores an internship cohort and counts its places.
func (s *Store) CreateCohort(ctx context.Context, programmeID string, c domain.Cohort, ev domain.AuditEvent) error {
	pk := pkProgramme(programmeID)
	item, err := record(c, "cohort", keys{PK: pk, SK: skCohort(c.ProjectID, c.ID)})
	if err != nil {
		return err
	}
	err = s.write(ctx, ev, s.put(item), s.mustExist(pk, skProject(c.ProjectID)),
		s.totalsUpdate(programmeID, deltas{"cohorts": 1, "places": float64(c.Places)}, time.Time{}))
	if err := refError(err, map[int]string{1: "projectId"}); err != nil {
		return fmt.Errorf("create cohort %s: %w", c.ID, err)
	}
	return nil
}

// UpdateCohort replaces a cohort still at before's version, moving the
// places total by the difference.
func (s *Store) UpdateCohort(ctx context.Context, programmeID string, before, after domain.Cohort, ev domain.AuditEvent) error {
	item, err := record(after, "cohort", keys{PK: pkProgramme(programmeID), SK: skCohort(after.ProjectID, after.ID)})
	if err != nil {
		return err
	}
	d := deltas{}
	d.add("places", float64(after.Places-before.Places))
	err = s.write(ctx, ev, s.versioned(item, before.Version), s.totalsUpdate(programmeID, d, time.Time{}))
	if err := refError(err, map[int]string{0: ""}); err != nil {
		return fmt.Errorf("update cohort %s: %w", after.ID, err)
	}
	return nil
}

// Cohort returns one cohort of a project.
func (s *Store) Cohort(ctx context.Context, programmeID, projectID, id string) (domain.Cohort, error) {
	var c domain.Cohort
	return c, s.getChild(ctx, programmeID, skCohort(projectID, id), "cohort", &c)
}

// ListCohorts lists a project's cohorts, oldest first.
func (s *Store) ListCohorts(ctx context.Context, programmeID, projectID string, p Page) ([]domain.Cohort, string, error) {
	var out []domain.Cohort
	next, err := s.listChildren(ctx, programmeID, "COHORT#"+projectID+"#", p, func(item Item) error { return appendDecoded(item, &out) })
	return out, next, err
}

// CreateOutcome stores a submission and adds its figures to every total it
// touches (programme, project, cohort, month, measures) in one transaction.
// A correction (o.Replaces, with the replaced submission in old) also takes
// the old figures back out and marks the old one superseded; the marker's
// condition makes a second correction of the same submission fail, so the
// old figures can never be subtracted twice.
func (s *Store) CreateOutcome(ctx context.Context, programmeID string, o domain.Outcome, old *domain.Outcome, ev domain.AuditEvent) error {
	pk := pkProgramme(programmeID)
	item, err := record(o, "outcome", keys{PK: pk, SK: skOutcome(o.ProjectID, o.ID)})
	if err != nil {
		return err
	}
	d := deltas{}
	outcomeDeltas(d, o, 1)
	items := []types.TransactWriteItem{s.put(item), s.mustExist(pk, skProject(o.ProjectID))}
	fields := map[int]string{1: "projectId"}
	if o.CohortID != "" {
		fields[len(items)] = "cohortId"
		items = append(items, s.mustExist(pk, skCohort(o.ProjectID, o.CohortID)))
	}
	supersede := -1
	if old != nil {
		outcomeDeltas(d, *old, -1)
		marker, err := record(map[string]string{"outcomeId": old.ID, "supersededBy": o.ID}, "superseded", keys{PK: pk, SK: skSuperseded(old.ID)})
		if err != nil {
			return err
		}
		supersede = len(items)
		items = append(items, s.put(marker))
		fields[len(items)] = "replaces"
		items = append(items, s.mustExist(pk, skOutcome(o.ProjectID, old.ID)))
	}
	items = append(items, s.totalsUpdate(programmeID, d, o.SubmittedAt))
	err = s.write(ctx, ev, items...)
	var tc *txCancelled
	if asTx(err, &tc) && tc.Index == supersede {
		return domain.Errorf(domain.CodeConflict, "that submission has already been corrected; correct the newest one instead")
	}
	if err := refError(err, fields); err != nil {
		return fmt.Errorf("create outcome %s: %w", o.ID, err)
	}
	return nil
}

// Outcome returns one submission of a project.
func (s *Store) Outcome(ctx context.Context, programmeID, projectID, id string) (domain.Outcome, error) {
	var o domain.Outcome
	return o, s.getChild(ctx, programmeID, skOutcome(projectID, id), "outcome submission", &o)
}

// ListOutcomes lists a project's submissions, oldest first.
func (s *Store) ListOutcomes(ctx context.Context, programmeID, projectID string, p Page) ([]domain.Outcome, string, error) {
	var out []domain.Outcome
	next, err := s.listChildren(ctx, programmeID, "OUTCOME#"+projectID+"#", p, func(item Item) error { return appendDecoded(item, &out) })
	return out, next, err
}
