package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// historyKey names one record's history: ids of members (emails) repeat
// across programmes, so the programme is part of it.
func historyKey(programmeID string, e domain.Entity, id string) string {
	return "HIST#" + programmeID + "#" + string(e) + "#" + id
}

// auditPut is the transaction item that writes an audit event. Events are
// only ever created (attribute_not_exists), never updated or deleted. GSI1
// serves "changes by this user", GSI2 "history of this record".
func (s *Store) auditPut(ev domain.AuditEvent) (types.TransactWriteItem, error) {
	pk := pkProgramme(ev.ProgrammeID)
	item, err := record(ev, "audit", keys{
		PK: pk, SK: "AUDIT#" + ev.ID,
		GSI1PK: "AUDITBY#" + ev.ProgrammeID + "#" + ev.ActorEmail, GSI1SK: "AUDIT#" + ev.ID,
		GSI2PK: historyKey(ev.ProgrammeID, ev.Entity, ev.EntityID), GSI2SK: "AUDIT#" + ev.ID,
	})
	if err != nil {
		return types.TransactWriteItem{}, err
	}
	return types.TransactWriteItem{Put: &types.Put{TableName: &s.auditTable, Item: item,
		ConditionExpression: aws.String("attribute_not_exists(PK)")}}, nil
}

// write makes a change and its audit event in one transaction. Every change
// of a record goes through it, so none is written without its event. The
// event goes last, so the caller's items keep the positions its error
// mapping counts on.
func (s *Store) write(ctx context.Context, ev domain.AuditEvent, items ...types.TransactWriteItem) error {
	audit, err := s.auditPut(ev)
	if err != nil {
		return err
	}
	return s.transact(ctx, append(items, audit))
}

func asTx(err error, tc **txCancelled) bool { return err != nil && errors.As(err, tc) }

// AuditFilter narrows the audit trail to one kind of record or one person.
type AuditFilter struct {
	Entity domain.Entity
	Email  string
}

// ListAudit lists a programme's audit events, newest first: by person from
// GSI1, else from the programme's partition (filtered by entity if asked).
func (s *Store) ListAudit(ctx context.Context, programmeID string, f AuditFilter, p Page) ([]domain.AuditEvent, string, error) {
	q := query{pkAttr: "PK", skAttr: "SK", pk: pkProgramme(programmeID), prefix: "AUDIT#", reverse: true}
	if f.Email != "" {
		q = query{index: "GSI1", pkAttr: "GSI1PK", skAttr: "GSI1SK", pk: "AUDITBY#" + programmeID + "#" + f.Email, prefix: "AUDIT#", reverse: true}
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
func (s *Store) History(ctx context.Context, programmeID string, e domain.Entity, id string, p Page) ([]domain.AuditEvent, string, error) {
	return s.listAudit(ctx, query{index: "GSI2", pkAttr: "GSI2PK", skAttr: "GSI2SK", pk: historyKey(programmeID, e, id), prefix: "AUDIT#", reverse: true}, p)
}

func (s *Store) listAudit(ctx context.Context, q query, p Page) ([]domain.AuditEvent, string, error) {
	var out []domain.AuditEvent
	audit := &Store{db: s.db, table: s.auditTable}
	next, err := audit.list(ctx, q, p, func(item Item) error { return appendDecoded(item, &out) })
	if err != nil {
		return nil, "", fmt.Errorf("list audit events: %w", err)
	}
	return out, next, nil
}
