package store

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// A member item carries GSI1PK=USER#<email>, GSI1SK=PROG#<id>: the index
// of the programmes a person belongs to.

// PutMember creates or replaces a member's roles. Every project and funder
// a role names is checked to exist in the same transaction. before is the
// member's previous state (nil when new) and must still be current, else
// service.ErrConflict.
func (s *Store) PutMember(ctx context.Context, programmeID string, m domain.Member, before *domain.Member, ch service.Change) error {
	pk := pkProgramme(programmeID)
	item, err := record(m, "member", keys{PK: pk, SK: skMember(m.Email), GSI1PK: pkUser(m.Email), GSI1SK: pk})
	if err != nil {
		return err
	}
	put := types.TransactWriteItem{Put: &types.Put{TableName: &s.table, Item: item}}
	if before == nil {
		put.Put.ConditionExpression = aws.String("attribute_not_exists(PK)")
	} else {
		put.Put.ConditionExpression = aws.String("updatedAt = :was")
		was, _ := marshal(map[string]any{":was": before.UpdatedAt})
		put.Put.ExpressionAttributeValues = was
	}
	t := s.programmeExists((&tx{}).add(put, service.ErrConflict), programmeID)
	for _, r := range m.Roles {
		switch r.Role {
		case domain.RoleProjectLead:
			s.exists(t, programmeID, domain.Ref(domain.EntityProject, r.ProjectID))
		case domain.RoleFunder:
			s.exists(t, programmeID, domain.Ref(domain.EntityFunder, r.FunderID))
		}
	}
	if err := s.write(ctx, ch, t); err != nil {
		return fmt.Errorf("put member %s of %s: %w", m.Email, programmeID, err)
	}
	return nil
}

// DeleteMember removes a member's roles in a programme, if they are still
// as before (else service.ErrConflict).
func (s *Store) DeleteMember(ctx context.Context, programmeID string, before domain.Member, ch service.Change) error {
	was, _ := marshal(map[string]any{":was": before.UpdatedAt})
	del := types.TransactWriteItem{Delete: &types.Delete{
		TableName: &s.table, Key: key(pkProgramme(programmeID), skMember(before.Email)),
		ConditionExpression:       aws.String("updatedAt = :was"),
		ExpressionAttributeValues: was,
	}}
	if err := s.write(ctx, ch, (&tx{}).add(del, service.ErrConflict)); err != nil {
		return fmt.Errorf("delete member %s of %s: %w", before.Email, programmeID, err)
	}
	return nil
}

// ListMembers lists a programme's members by email.
func (s *Store) ListMembers(ctx context.Context, programmeID string, p service.Page) ([]domain.Member, string, error) {
	var out []domain.Member
	next, err := s.listChildren(ctx, programmeID, prefixMember, p, func(item Item) error { return appendDecoded(item, &out) })
	return out, next, err
}
