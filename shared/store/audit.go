package store

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// ListAudit lists a programme's audit events, newest first: by person from
// GSI1, else from the programme's partition (filtered by entity if asked).
func (s *Store) ListAudit(ctx context.Context, programmeID string, f service.AuditFilter, p service.Page) ([]domain.AuditEvent, string, error) {
	q := query{pkAttr: "PK", skAttr: "SK", pk: pkProgramme(programmeID), prefix: prefixAudit, reverse: true}
	if f.Email != "" {
		q = query{index: "GSI1", pkAttr: "GSI1PK", skAttr: "GSI1SK", pk: pkAuditBy(programmeID, f.Email), prefix: prefixAudit, reverse: true}
	}
	if f.Entity != "" {
		q.filter = func(item Item) bool {
			v, ok := item["entity"].(*types.AttributeValueMemberS)
			return ok && v.Value == string(f.Entity)
		}
	}
	return s.listAudit(ctx, q, p)
}

// History lists one record's audit events, newest first.
func (s *Store) History(ctx context.Context, programmeID string, ref domain.RecordRef, p service.Page) ([]domain.AuditEvent, string, error) {
	return s.listAudit(ctx, query{index: "GSI2", pkAttr: "GSI2PK", skAttr: "GSI2SK", pk: historyKey(programmeID, ref.Entity, ref.ID), prefix: prefixAudit, reverse: true}, p)
}

func (s *Store) listAudit(ctx context.Context, q query, p service.Page) ([]domain.AuditEvent, string, error) {
	var out []domain.AuditEvent
	q.table = s.auditTable // list only reads
	next, err := s.list(ctx, q, p, func(item Item) error { return appendDecoded(item, &out) })
	if err != nil {
		return nil, "", fmt.Errorf("list audit events: %w", err)
	}
	return out, next, nil
}
