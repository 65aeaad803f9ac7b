package memstore

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"sort"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// entry is one item of a list in the list's order: key is what it sorts
// by (an id, an email) and what a cursor remembers.
type entry struct {
	key  string
	data []byte
}

// entries are the records of one kind (of one project, when projectID is
// not "") in id order, as the DynamoDB store's sort keys order them.
func (p *partition) entries(e domain.Entity, projectID string) []entry {
	var out []entry
	if p == nil {
		return out
	}
	for ref, data := range p.records {
		if ref.Entity == e && (projectID == "" || ref.ProjectID == projectID) {
			out = append(out, entry{key: ref.ID, data: data})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].key < out[j].key })
	return out
}

// cursor is what a next-page cursor carries: which list handed it out and
// the key of the last item given.
type cursor struct {
	List  string `json:"l"`
	After string `json:"k"`
}

// page is one page of a list: the items after the cursor that keep
// accepts, at most p.Limit of them, and a cursor while more remain.
// Cursors are opaque and name their list, so one list's cursor is
// service.ErrBadCursor anywhere else. Entries must be in list order;
// reverse says that order is descending.
func page[T any](list string, entries []entry, reverse bool, keep func(T) bool, p service.Page) ([]T, string, error) {
	var after string
	if p.Cursor != "" {
		raw, err := base64.RawURLEncoding.DecodeString(p.Cursor)
		var c cursor
		if err != nil || json.Unmarshal(raw, &c) != nil || c.List != list || c.After == "" {
			return nil, "", service.ErrBadCursor
		}
		after = c.After
	}
	limit := p.Limit
	if limit <= 0 {
		limit = service.DefaultLimit
	}
	var out []T
	last := ""
	for _, e := range entries {
		if after != "" && (!reverse && e.key <= after || reverse && e.key >= after) {
			continue
		}
		var v T
		if err := json.Unmarshal(e.data, &v); err != nil {
			return nil, "", err
		}
		if keep != nil && !keep(v) {
			continue
		}
		if len(out) == limit {
			raw, _ := json.Marshal(cursor{List: list, After: last})
			return out, base64.RawURLEncoding.EncodeToString(raw), nil
		}
		out = append(out, v)
		last = e.key
	}
	return out, "", nil
}

// listOf lists one kind of record of a programme.
func listOf[T any](s *Store, op, programmeID string, e domain.Entity, projectID string, keep func(T) bool, p service.Page) ([]T, string, error) {
	if err := s.enter(op); err != nil {
		return nil, "", err
	}
	defer s.mu.Unlock()
	list := programmeID + "/" + string(e)
	if projectID != "" {
		list += "/" + projectID
	}
	return page(list, s.progs[programmeID].entries(e, projectID), false, keep, p)
}

// ListProgrammes implements service.ProgrammeStore: every programme, oldest first.
func (s *Store) ListProgrammes(_ context.Context, p service.Page) ([]domain.Programme, string, error) {
	return s.programmes("ListProgrammes", "programmes", "", p)
}

// ListProgrammesOf implements service.ProgrammeStore: the programmes
// email holds roles in, oldest first.
func (s *Store) ListProgrammesOf(_ context.Context, email string, p service.Page) ([]domain.Programme, string, error) {
	return s.programmes("ListProgrammesOf", "programmes of "+email, email, p)
}

func (s *Store) programmes(op, list, member string, p service.Page) ([]domain.Programme, string, error) {
	if err := s.enter(op); err != nil {
		return nil, "", err
	}
	defer s.mu.Unlock()
	var es []entry
	for id, part := range s.progs {
		data, ok := part.records[domain.RecordRef{Entity: domain.EntityProgramme}]
		if ok && (member == "" || part.has(domain.Ref(domain.EntityMember, member))) {
			es = append(es, entry{key: id, data: data})
		}
	}
	sort.Slice(es, func(i, j int) bool { return es[i].key < es[j].key })
	return page[domain.Programme](list, es, false, nil, p)
}

// ListMembers implements service.ProgrammeStore: members by email.
func (s *Store) ListMembers(_ context.Context, programmeID string, p service.Page) ([]domain.Member, string, error) {
	return listOf[domain.Member](s, "ListMembers", programmeID, domain.EntityMember, "", nil, p)
}

// ListFunders implements service.OrganisationStore.
func (s *Store) ListFunders(_ context.Context, programmeID string, p service.Page) ([]domain.Funder, string, error) {
	return listOf[domain.Funder](s, "ListFunders", programmeID, domain.EntityFunder, "", nil, p)
}

// ListProjects implements service.OrganisationStore.
func (s *Store) ListProjects(_ context.Context, programmeID string, p service.Page) ([]domain.Project, string, error) {
	return listOf[domain.Project](s, "ListProjects", programmeID, domain.EntityProject, "", nil, p)
}

// ListGrants implements service.GrantStore. As in the DynamoDB store, a
// filter on one funder or one project is a list of its own (an index
// there); any other filter pages through the programme's grants.
func (s *Store) ListGrants(_ context.Context, programmeID string, f service.GrantFilter, p service.Page) ([]domain.Grant, string, error) {
	if err := s.enter("ListGrants"); err != nil {
		return nil, "", err
	}
	defer s.mu.Unlock()
	list := programmeID + "/grant"
	var keep func(domain.Grant) bool
	switch {
	case len(f.Funders) == 0 && len(f.Projects) == 0:
	case len(f.Funders) == 1 && len(f.Projects) == 0:
		for id := range f.Funders {
			list, keep = "grants of funder "+id, func(g domain.Grant) bool { return g.FunderID == id }
		}
	case len(f.Projects) == 1 && len(f.Funders) == 0:
		for id := range f.Projects {
			list, keep = "grants of project "+id, func(g domain.Grant) bool { return g.ProjectID == id }
		}
	default:
		keep = func(g domain.Grant) bool {
			return f.Funders[g.FunderID] || (g.ProjectID != "" && f.Projects[g.ProjectID])
		}
	}
	return page(list, s.progs[programmeID].entries(domain.EntityGrant, ""), false, keep, p)
}

// ListPosts implements service.DeliveryStore.
func (s *Store) ListPosts(_ context.Context, programmeID, projectID string, p service.Page) ([]domain.Post, string, error) {
	return listOf[domain.Post](s, "ListPosts", programmeID, domain.EntityPost, projectID, nil, p)
}

// ListCohorts implements service.DeliveryStore.
func (s *Store) ListCohorts(_ context.Context, programmeID, projectID string, p service.Page) ([]domain.Cohort, string, error) {
	return listOf[domain.Cohort](s, "ListCohorts", programmeID, domain.EntityCohort, projectID, nil, p)
}

// ListOutcomes implements service.DeliveryStore (projectID "": every
// project's submissions, in project then id order as the table keeps them).
func (s *Store) ListOutcomes(_ context.Context, programmeID, projectID string, f service.OutcomeFilter, p service.Page) ([]domain.Outcome, string, error) {
	var keep func(domain.Outcome) bool
	list := "outcomes"
	if f.ApprovedOnly {
		list, keep = "approved outcomes", func(o domain.Outcome) bool { return o.Counted() }
	}
	if err := s.enter("ListOutcomes"); err != nil {
		return nil, "", err
	}
	defer s.mu.Unlock()
	es := s.progs[programmeID].outcomeEntries(projectID)
	return page(programmeID+"/"+list+"/"+projectID, es, false, keep, p)
}

// ListPeriodOutcomes implements service.DeliveryStore: a project's
// submissions for exactly one period, newest first (by the time they were
// submitted, then id, as the DynamoDB store's period index orders them).
func (s *Store) ListPeriodOutcomes(_ context.Context, programmeID, projectID string, start, end domain.Date, limit int) ([]domain.Outcome, error) {
	if err := s.enter("ListPeriodOutcomes"); err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	type keyed struct {
		key string
		o   domain.Outcome
	}
	var all []keyed
	if projectID == "" {
		return nil, nil // no project's period: the DynamoDB store's key names one
	}
	for _, e := range s.progs[programmeID].outcomeEntries(projectID) {
		var o domain.Outcome
		if err := json.Unmarshal(e.data, &o); err != nil {
			return nil, err
		}
		if o.PeriodStart == start && o.PeriodEnd == end {
			all = append(all, keyed{service.SortTime(o.SubmittedAt) + "#" + o.ID, o})
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].key > all[j].key })
	if limit <= 0 {
		limit = service.DefaultLimit
	}
	var out []domain.Outcome
	for _, k := range all[:min(limit, len(all))] {
		out = append(out, k.o)
	}
	return out, nil
}

// ListTargets implements service.TargetStore: each target with the day
// it sits in the due index (DueOn, zero when not there), as the DynamoDB
// store reads it from the item's index key.
func (s *Store) ListTargets(_ context.Context, programmeID string, p service.Page) ([]domain.Target, string, error) {
	if err := s.enter("ListTargets"); err != nil {
		return nil, "", err
	}
	defer s.mu.Unlock()
	part := s.progs[programmeID]
	out, next, err := page[domain.Target](programmeID+"/"+string(domain.EntityTarget), part.entries(domain.EntityTarget, ""), false, nil, p)
	if part != nil {
		for i := range out {
			out[i].DueOn = part.targetDue[out[i].ID]
		}
	}
	return out, next, err
}

// ListNotifications implements service.NotificationStore.
func (s *Store) ListNotifications(_ context.Context, programmeID string, keep func(domain.Notification) bool, p service.Page) ([]domain.Notification, string, error) {
	return listOf(s, "ListNotifications", programmeID, domain.EntityNotification, "", keep, p)
}

// ListAudit implements service.AuditStore: newest first, by person or
// (filtered) the whole programme.
func (s *Store) ListAudit(_ context.Context, programmeID string, f service.AuditFilter, p service.Page) ([]domain.AuditEvent, string, error) {
	list := "audit of " + programmeID
	if f.Email != "" {
		list = "audit of " + programmeID + " by " + f.Email
	}
	return s.auditList("ListAudit", programmeID, list, func(e auditEntry) bool {
		return (f.Email == "" || e.actor == f.Email) && (f.Entity == "" || e.entity == string(f.Entity))
	}, p)
}

// History implements service.AuditStore: one record's events, newest first.
func (s *Store) History(_ context.Context, programmeID string, ref domain.RecordRef, p service.Page) ([]domain.AuditEvent, string, error) {
	return s.auditList("History", programmeID, "history of "+programmeID+"/"+string(ref.Entity)+"/"+ref.ID,
		func(e auditEntry) bool { return e.entity == string(ref.Entity) && e.entityID == ref.ID }, p)
}

// auditList pages through a programme's audit events, newest (highest id)
// first, as the DynamoDB store's descending queries do.
func (s *Store) auditList(op, programmeID, list string, keep func(auditEntry) bool, p service.Page) ([]domain.AuditEvent, string, error) {
	if err := s.enter(op); err != nil {
		return nil, "", err
	}
	defer s.mu.Unlock()
	var es []entry
	if part := s.progs[programmeID]; part != nil {
		for _, e := range part.audit {
			if keep(e) {
				es = append(es, entry{key: e.id, data: e.data})
			}
		}
	}
	sort.Slice(es, func(i, j int) bool { return es[i].key > es[j].key })
	return page[domain.AuditEvent](list, es, true, nil, p)
}
