package service

import (
	"context"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/store"
)

// AuditFilter narrows the audit trail.
type AuditFilter = store.AuditFilter

// ListAudit lists a programme's audit trail, newest first (leads and admins).
func (s *Service) ListAudit(ctx context.Context, c domain.Caller, programmeID string, f AuditFilter, p Page) ([]domain.AuditEvent, string, error) {
	sc, err := s.open(ctx, c, programmeID)
	if err != nil {
		return nil, "", err
	}
	if !sc.access.CanManage() {
		return nil, "", forbidden("read the audit trail")
	}
	if f.Entity != "" && !domain.ValidEntity(f.Entity) {
		return nil, "", &domain.Error{Code: domain.CodeValidation, Message: "unknown entity",
			Fields: map[string]string{"entity": "must be one of " + domain.EntityList()}}
	}
	f.Email = domain.NormaliseEmail(f.Email)
	return s.store.ListAudit(ctx, programmeID, f, p)
}

// RecordRef names one record whose history is asked for: the entity, the
// record's id and, for project records, its project.
type RecordRef struct {
	Entity    domain.Entity
	ID        string
	ProjectID string
}

// History lists one record's changes, newest first, to anyone who may read
// the record itself: reading it first applies exactly the record's own rules.
func (s *Service) History(ctx context.Context, c domain.Caller, programmeID string, ref RecordRef, p Page) ([]domain.AuditEvent, string, error) {
	var err error
	id := ref.ID
	hideContacts := false
	switch ref.Entity {
	case domain.EntityProgramme:
		_, err = s.Programme(ctx, c, programmeID)
		id = programmeID
	case domain.EntityMember:
		var m domain.Member
		m, err = s.Member(ctx, c, programmeID, ref.ID)
		id = m.Email
	case domain.EntityFunder:
		var f domain.Funder
		f, err = s.Funder(ctx, c, programmeID, ref.ID)
		hideContacts = f.Contacts == nil // the same rule as the funder itself: see funderView
	case domain.EntityProject:
		_, err = s.Project(ctx, c, programmeID, ref.ID)
	case domain.EntityGrant:
		_, err = s.Grant(ctx, c, programmeID, ref.ID)
	case domain.EntityPost:
		_, err = s.Post(ctx, c, programmeID, ref.ProjectID, ref.ID)
	case domain.EntityCohort:
		_, err = s.Cohort(ctx, c, programmeID, ref.ProjectID, ref.ID)
	case domain.EntityOutcome:
		_, err = s.Outcome(ctx, c, programmeID, ref.ProjectID, ref.ID)
	case domain.EntityTarget:
		_, err = s.Target(ctx, c, programmeID, ref.ID)
	default:
		err = domain.NotFound("record")
	}
	if err != nil {
		return nil, "", err
	}
	events, next, err := s.store.History(ctx, programmeID, ref.Entity, id, p)
	if hideContacts {
		for _, ev := range events {
			delete(ev.Changes, "contacts")
		}
	}
	return events, next, err
}
