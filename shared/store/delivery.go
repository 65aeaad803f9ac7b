package store

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

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
	next, err := s.listChildren(ctx, programmeID, postsOf(projectID), p, func(item Item) error { return appendDecoded(item, &out) })
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
	next, err := s.listChildren(ctx, programmeID, cohortsOf(projectID), p, func(item Item) error { return appendDecoded(item, &out) })
	return out, next, err
}

// CreateOutcome stores a submission and, in the same transaction,
// everything it moves: the counted figures (programme, project, cohort,
// month, measures and the daily series) when it counts at once, else the
// pending figures; the returns it fills and their schedules' counts; the
// email to the leads when it awaits review. A correction (sub.Old) also
// marks the old one superseded (as it does those sub.TakesOver; see
// supersede); the marker's condition makes a second
// correction of the same submission fail (*service.AlreadyCorrectedError),
// so the old figures can never be taken back twice, and the old one must
// still be in the review state it was read in (else service.ErrChanged),
// so a correction racing a lead's decision never counts anything twice.
func (s *Store) CreateOutcome(ctx context.Context, programmeID string, sub service.Submission, ch service.Change) error {
	o := sub.Outcome
	t := &tx{}
	if err := s.submissionItems(ctx, t, programmeID, sub); err != nil {
		return err
	}
	s.exists(t, programmeID, domain.Ref(domain.EntityProject, o.ProjectID))
	if o.CohortID != "" {
		s.exists(t, programmeID, domain.ProjectRef(domain.EntityCohort, o.ProjectID, o.CohortID))
	}
	// The premises of the returns it writes itself: the project's takes
	// the place of the check that it is there.
	for _, pr := range sub.Planned {
		s.premise(t, programmeID, pr)
	}
	if err := s.figureItems(t, programmeID, sub.Figures, o.SubmittedAt); err != nil {
		return err
	}
	stats := map[statsKey]domain.StatsDelta{}
	if err := s.returnWrites(t, programmeID, sub.Returns, stats); err != nil {
		return err
	}
	for _, u := range s.statsUpdates(programmeID, stats) {
		t.add(u, service.ErrCountsBelowZero)
	}
	t.add(s.setupCheck(programmeID, sub.Seq), service.ErrChanged)
	if err := s.release(t, programmeID, sub.Release, releaseReserve(ch)); err != nil {
		return err
	}
	if err := s.write(ctx, ch, t); err != nil {
		return fmt.Errorf("create outcome %s: %w", o.ID, err)
	}
	return nil
}

// submissionItems adds to t the items of one submission that no other
// shares: it, the markers and conditions of the submission it corrects
// and of those it takes over (supersede), and
// its email. CreateOutcome adds the checks and figures to them, an import
// (importTx) merges those of many submissions into one transaction.
func (s *Store) submissionItems(ctx context.Context, t *tx, programmeID string, sub service.Submission) error {
	o := sub.Outcome
	item, err := record(o, "outcome", outcomeKeys(programmeID, o))
	if err != nil {
		return err
	}
	s.create(t, item)
	if err := s.supersede(ctx, t, programmeID, o, sub.Old, sub.TakesOver); err != nil {
		return err
	}
	if sub.Notify != nil {
		put, err := s.notificationPut(*sub.Notify)
		if err != nil {
			return err
		}
		t.add(put, nil)
	}
	return nil
}

// supersede adds the items that mark what o supersedes: old, the
// submission it corrects (nil for none), and those sent back that it takes
// over (service.Submission.TakesOver). Each gets its correction marker
// (SUPERSEDED#id, naming o), whose condition makes a second correction of
// the same submission fail: for old, with *service.AlreadyCorrectedError
// naming the newest correction; for one taken over, with
// service.ErrChanged (o corrects nothing itself, and once replanned it
// fills the return the correction that came first now holds). Each must
// still be in the review state it was read in, leaves the review queue if
// it was in it, and records the one that corrected it (correctedBy), so a
// list tells it from a submission still awaiting review.
func (s *Store) supersede(ctx context.Context, t *tx, programmeID string, o domain.Outcome, old *domain.Outcome, takesOver []domain.Outcome) error {
	type superseded struct {
		o    domain.Outcome
		fail error
	}
	var all []superseded
	if old != nil {
		// The marker's failure is a correction that came first: name the newest.
		all = append(all, superseded{*old, s.alreadyCorrected(ctx, programmeID, *old)})
	}
	for _, x := range takesOver {
		all = append(all, superseded{x, service.ErrChanged})
	}
	for _, x := range all {
		if x.o.ProjectID != o.ProjectID {
			// A submission supersedes one of its own project only.
			return &service.MissingRefError{Refs: []domain.RecordRef{domain.ProjectRef(domain.EntityOutcome, o.ProjectID, x.o.ID)}}
		}
		marker, err := record(map[string]string{"outcomeId": x.o.ID, "supersededBy": o.ID}, "superseded",
			keys{PK: pkProgramme(programmeID), SK: skSuperseded(x.o.ID)})
		if err != nil {
			return err
		}
		s.create(t, marker)
		t.fails[len(t.fails)-1] = x.fail
		// Its status decides what a correction moves.
		upd, err := s.outcomeStillAs(programmeID, x.o, "SET correctedBy = :by REMOVE GSI1PK, GSI1SK", map[string]any{":by": o.ID})
		if err != nil {
			return err
		}
		t.add(upd, &lazyChanged{s: s, ctx: ctx, programmeID: programmeID, o: x.o})
	}
	return nil
}

// lazyChanged is the failure of a condition that a submission is still
// as read: a submission that is not there at all is a missing reference
// (read only if the refusal happens), anything else service.ErrChanged.
type lazyChanged struct {
	s           *Store
	ctx         context.Context
	programmeID string
	o           domain.Outcome
}

func (l *lazyChanged) Error() string { return "submission " + l.o.ID + " changed" }

func (l *lazyChanged) resolve() error {
	var o domain.Outcome
	ref := domain.ProjectRef(domain.EntityOutcome, l.o.ProjectID, l.o.ID)
	ok, err := l.s.get(l.ctx, pkProgramme(l.programmeID), skOutcome(l.o.ProjectID, l.o.ID), &o)
	if err == nil && !ok {
		return &service.MissingRefError{Refs: []domain.RecordRef{ref}}
	}
	return service.ErrChanged
}

// outcomeStillAs is an update of a submission conditioned on its review
// status still being o's: expr changes it, with values.
func (s *Store) outcomeStillAs(programmeID string, o domain.Outcome, expr string, values map[string]any) (types.TransactWriteItem, error) {
	cond := "attribute_exists(PK) AND #status = :was"
	if values == nil {
		values = map[string]any{}
	}
	values[":was"] = o.Status
	if o.EffectiveStatus() == domain.OutcomeApproved {
		// Submissions recorded before review existed carry no status and
		// count as approved.
		cond = "attribute_exists(PK) AND (attribute_not_exists(#status) OR #status = :was)"
		values[":was"] = domain.OutcomeApproved
	}
	u := &types.Update{TableName: &s.table, Key: key(pkProgramme(programmeID), skOutcome(o.ProjectID, o.ID)),
		UpdateExpression: aws.String(expr), ConditionExpression: aws.String(cond),
		ExpressionAttributeNames: map[string]string{"#status": "status"}}
	if len(values) > 0 {
		vals, err := marshal(values)
		if err != nil {
			return types.TransactWriteItem{}, err
		}
		u.ExpressionAttributeValues = vals
	}
	return types.TransactWriteItem{Update: u}, nil
}

// figureItems adds the totals and series updates of a figure change. Only
// counted figures mark the programme changed for the notifier: pending
// ones are nobody's milestone yet.
func (s *Store) figureItems(t *tx, programmeID string, fc domain.FigureChange, at time.Time) error {
	d := deltas{}
	series := map[domain.SeriesKey]map[domain.Date]map[domain.Metric]int64{}
	measures := map[domain.SeriesKey]deltas{}
	for _, o := range fc.Count {
		outcomeDeltas(d, o, 1)
		mergeSeries(series, domain.SeriesDeltas(o, 1))
		measureSeriesDeltas(measures, o, 1)
	}
	for _, o := range fc.Uncount {
		outcomeDeltas(d, o, -1)
		mergeSeries(series, domain.SeriesDeltas(o, -1))
		measureSeriesDeltas(measures, o, -1)
	}
	for _, o := range fc.Pend {
		pendingDeltas(d, o, 1)
	}
	for _, o := range fc.Unpend {
		pendingDeltas(d, o, -1)
	}
	changedAt := time.Time{}
	if len(fc.Count)+len(fc.Uncount) > 0 {
		changedAt = at
	}
	s.addTotals(t, programmeID, d, changedAt, nil)
	for _, u := range s.seriesUpdates(programmeID, series, measures) {
		t.add(u, nil)
	}
	return nil
}

// alreadyCorrected is the error for a second correction of old; its
// corrections are read only if the refusal happens.
func (s *Store) alreadyCorrected(ctx context.Context, programmeID string, old domain.Outcome) error {
	return &lazyCorrected{s: s, ctx: ctx, programmeID: programmeID, what: "submission", oldID: old.ID,
		marker: skSuperseded,
		ref:    func(id string) domain.RecordRef { return domain.ProjectRef(domain.EntityOutcome, old.ProjectID, id) }}
}

// maxChainReads bounds the reads spent on finding the newest correction
// of a chain (a refused correction's, a correction form's); past it, the
// newest one read is named.
const maxChainReads = 50

// lazyCorrected resolves to *service.AlreadyCorrectedError naming the
// newest correction, read when the transaction is refused: a submission's
// or a spend return's, whose correction marker (marker(id)) names the
// correction that replaced it.
type lazyCorrected struct {
	s           *Store
	ctx         context.Context
	programmeID string
	what, oldID string                           // "submission", "spend return"; the record corrected
	marker      func(id string) string           // the sort key of a record's correction marker
	ref         func(id string) domain.RecordRef // a record of its kind, by id
}

func (l *lazyCorrected) Error() string { return l.what + " " + l.oldID + " already corrected" }

// resolve names the newest correction, the one a caller can still
// correct: naming the correction that came first, itself corrected since,
// would send the caller to a second refusal. Only a refused correction
// pays for these reads; one that fails names the newest read before it.
func (l *lazyCorrected) resolve() error {
	replaced := l.ref(l.oldID)
	by, _ := l.s.newestCorrection(l.ctx, l.programmeID, l.marker, l.oldID)
	if by == "" {
		return &service.AlreadyCorrectedError{Replaced: replaced}
	}
	return &service.AlreadyCorrectedError{Replaced: replaced, By: l.ref(by)}
}

// NewestCorrection implements service.Reader: it follows the correction
// markers of a submission (SUPERSEDED#) or a spend return (SPENDFIX#)
// from id, one consistent GetItem a link (see newestCorrection).
func (s *Store) NewestCorrection(ctx context.Context, programmeID string, kind domain.Entity, id string) (string, error) {
	var marker func(string) string
	switch kind {
	case domain.EntityOutcome:
		marker = skSuperseded
	case domain.EntitySpend:
		marker = skSpendFixed
	default:
		return "", fmt.Errorf("no correction markers for %s", kind)
	}
	by, err := s.newestCorrection(ctx, programmeID, marker, id)
	if err != nil {
		return "", fmt.Errorf("read the corrections of %s %s: %w", kind, id, err)
	}
	return by, nil
}

// newestCorrection follows the correction markers (marker(id) is the sort
// key of a record's marker, naming the correction that replaced it) from
// id to the newest correction of its chain: "" when id was never
// corrected. Past maxChainReads it names the newest one read; on a failed
// read, the newest one read before it, with the error.
func (s *Store) newestCorrection(ctx context.Context, programmeID string, marker func(string) string, id string) (string, error) {
	by := ""
	for cur, reads := id, 0; reads < maxChainReads; reads++ {
		var m struct {
			SupersededBy string `json:"supersededBy"`
		}
		ok, err := s.get(ctx, pkProgramme(programmeID), marker(cur), &m)
		if err != nil {
			return by, err
		}
		if !ok || m.SupersededBy == "" {
			break
		}
		by, cur = m.SupersededBy, m.SupersededBy
	}
	return by, nil
}

// ListOutcomes lists a project's submissions (projectID "": every
// project's), oldest first; approved ones only when f says so (pages are
// filled past the others).
func (s *Store) ListOutcomes(ctx context.Context, programmeID, projectID string, f service.OutcomeFilter, p service.Page) ([]domain.Outcome, string, error) {
	var out []domain.Outcome
	prefix := prefixOutcome
	if projectID != "" {
		prefix = outcomesOf(projectID)
	}
	q := query{pkAttr: "PK", skAttr: "SK", pk: pkProgramme(programmeID), prefix: prefix}
	if f.ApprovedOnly {
		q.filter = func(item Item) bool {
			v, ok := item["status"].(*types.AttributeValueMemberS)
			return !ok || v.Value == "" || v.Value == string(domain.OutcomeApproved)
		}
	}
	next, err := s.list(ctx, q, p, func(item Item) error { return appendDecoded(item, &out) })
	if err != nil {
		return nil, "", fmt.Errorf("list outcomes of %s: %w", projectID, err)
	}
	return out, next, nil
}

// ListPeriodOutcomes lists the submissions of a project for exactly the
// period start to end, corrections included, newest first: at most limit
// of them, the newest. One Query of the period index (GSI2), so what a
// period already has costs the same whatever the project's history. An
// index is read eventually consistent: a submission committed a moment
// ago may not be listed yet.
func (s *Store) ListPeriodOutcomes(ctx context.Context, programmeID, projectID string, start, end domain.Date, limit int) ([]domain.Outcome, error) {
	var out []domain.Outcome
	q := query{index: "GSI2", pkAttr: "GSI2PK", skAttr: "GSI2SK", pk: pkPeriodOutcomes(programmeID, projectID, start, end), reverse: true}
	if _, err := s.list(ctx, q, service.Page{Limit: limit}, func(item Item) error { return appendDecoded(item, &out) }); err != nil {
		return nil, fmt.Errorf("list outcomes of %s for %s to %s: %w", projectID, start, end, err)
	}
	return out, nil
}

// ReviewOutcome records a lead's decision on a pending submission, and in
// the same transaction everything it moves: approving swaps its figures
// into the counted totals and series (and the approved submission it
// corrects out); either decision takes it out of the pending figures and
// the review queue, moves the returns it fills and their counts, and
// records the email the decision calls for. The submission must still be
// pending (else service.ErrChanged) and not corrected meanwhile (else
// *service.AlreadyCorrectedError): two leads deciding at once, or a
// decision racing a correction, never count anything twice.
func (s *Store) ReviewOutcome(ctx context.Context, programmeID string, rv service.OutcomeReview, ch service.Change) error {
	after := rv.After
	upd, err := s.outcomeStillAs(programmeID, rv.Before, "SET #status = :status, review = :review REMOVE GSI1PK, GSI1SK",
		map[string]any{":status": after.Status, ":review": after.Review})
	if err != nil {
		return err
	}
	t := (&tx{}).add(upd, service.ErrChanged)
	t.add(types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{
		TableName: &s.table, Key: key(pkProgramme(programmeID), skSuperseded(after.ID)),
		ConditionExpression: aws.String("attribute_not_exists(PK)"),
	}}, s.alreadyCorrected(ctx, programmeID, rv.Before))
	if err := s.figureItems(t, programmeID, rv.Figures, after.Review.At); err != nil {
		return err
	}
	stats := map[statsKey]domain.StatsDelta{}
	if err := s.returnWrites(t, programmeID, rv.Returns, stats); err != nil {
		return err
	}
	for _, u := range s.statsUpdates(programmeID, stats) {
		t.add(u, service.ErrCountsBelowZero)
	}
	if rv.Notify != nil {
		put, err := s.notificationPut(*rv.Notify)
		if err != nil {
			return err
		}
		t.add(put, nil)
	}
	if err := s.release(t, programmeID, rv.Release, releaseReserve(ch)); err != nil {
		return err
	}
	if err := s.write(ctx, ch, t); err != nil {
		return fmt.Errorf("review outcome %s: %w", after.ID, err)
	}
	return nil
}

// ListPendingOutcomes lists the submissions awaiting review, oldest
// first: one Query of the programme's review queue (a sparse index).
func (s *Store) ListPendingOutcomes(ctx context.Context, programmeID string, p service.Page) ([]domain.Outcome, string, error) {
	var out []domain.Outcome
	next, err := s.list(ctx, query{index: "GSI1", pkAttr: "GSI1PK", skAttr: "GSI1SK", pk: pkPendingSubs(programmeID)}, p,
		func(item Item) error { return appendDecoded(item, &out) })
	if err != nil {
		return nil, "", fmt.Errorf("list pending outcomes of %s: %w", programmeID, err)
	}
	return out, next, nil
}
