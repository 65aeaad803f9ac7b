package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// CreateProgramme stores a new programme with its audit event.
func (s *Store) CreateProgramme(ctx context.Context, p domain.Programme, ch service.Change) error {
	item, err := record(p, "programme", keys{PK: pkProgramme(p.ID), SK: skProgramme, GSI1PK: allProgrammes, GSI1SK: pkProgramme(p.ID)})
	if err != nil {
		return err
	}
	if err := s.write(ctx, ch, s.create(&tx{}, item)); err != nil {
		return fmt.Errorf("create programme %s: %w", p.ID, err)
	}
	return nil
}

// UpdateProgramme replaces a programme still at before's version.
// Programmes made before programmes had versions count as version 0.
func (s *Store) UpdateProgramme(ctx context.Context, before, after domain.Programme, ch service.Change) error {
	item, err := record(after, "programme", keys{PK: pkProgramme(after.ID), SK: skProgramme, GSI1PK: allProgrammes, GSI1SK: pkProgramme(after.ID)})
	if err != nil {
		return err
	}
	put := &types.Put{TableName: &s.table, Item: item, ConditionExpression: aws.String("version = :v"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":v": num(before.Version)}}
	if before.Version == 0 {
		put.ConditionExpression = aws.String("attribute_exists(PK) AND (attribute_not_exists(version) OR version = :v)")
	}
	if err := s.write(ctx, ch, (&tx{}).add(types.TransactWriteItem{Put: put}, service.ErrStale)); err != nil {
		return fmt.Errorf("update programme %s: %w", after.ID, err)
	}
	return nil
}

// ListProgrammes lists every programme, oldest first (for admins).
func (s *Store) ListProgrammes(ctx context.Context, p service.Page) ([]domain.Programme, string, error) {
	var out []domain.Programme
	next, err := s.list(ctx, query{index: "GSI1", pkAttr: "GSI1PK", skAttr: "GSI1SK", pk: allProgrammes, prefix: prefixProgramme}, p,
		func(item Item) error { return appendDecoded(item, &out) })
	if err != nil {
		return nil, "", fmt.Errorf("list programmes: %w", err)
	}
	return out, next, nil
}

// ListProgrammesOf lists the programmes an email holds roles in: one Query
// of its memberships, then one BatchGetItem for the programmes of the page.
func (s *Store) ListProgrammesOf(ctx context.Context, email string, p service.Page) ([]domain.Programme, string, error) {
	var ids []string
	next, err := s.list(ctx, query{index: "GSI1", pkAttr: "GSI1PK", skAttr: "GSI1SK", pk: pkUser(email), prefix: prefixProgramme}, p,
		func(item Item) error {
			if v, ok := item["PK"].(*types.AttributeValueMemberS); ok {
				ids = append(ids, strings.TrimPrefix(v.Value, prefixProgramme))
			}
			return nil
		})
	if err != nil {
		return nil, "", fmt.Errorf("list programmes of member: %w", err)
	}
	progs, err := s.programmes(ctx, ids)
	return progs, next, err
}

// programmes reads programmes by id, in that order, in one BatchGetItem per
// 100 sent together (a missing one is left out).
func (s *Store) programmes(ctx context.Context, ids []string) ([]domain.Programme, error) {
	keys := make([]Item, len(ids))
	for i, id := range ids {
		keys[i] = key(pkProgramme(id), skProgramme)
	}
	items, err := s.batchGet(ctx, keys, "")
	if err != nil {
		return nil, fmt.Errorf("get programmes: %w", err)
	}
	byID := make(map[string]domain.Programme, len(items))
	for _, item := range items {
		var pr domain.Programme
		if err := unmarshal(item, &pr); err != nil {
			return nil, fmt.Errorf("decode programme: %w", err)
		}
		byID[pr.ID] = pr
	}
	progs := make([]domain.Programme, 0, len(ids))
	for _, id := range ids {
		if pr, ok := byID[id]; ok {
			progs = append(progs, pr)
		}
	}
	return progs, nil
}

func appendDecoded[T any](item Item, out *[]T) error {
	var v T
	if err := unmarshal(item, &v); err != nil {
		return fmt.Errorf("decode %T: %w", v, err)
	}
	*out = append(*out, v)
	return nil
}

func (s *Store) listChildren(ctx context.Context, programmeID, prefix string, p service.Page, decode func(Item) error) (string, error) {
	next, err := s.list(ctx, query{pkAttr: "PK", skAttr: "SK", pk: pkProgramme(programmeID), prefix: prefix}, p, decode)
	if err != nil {
		return "", fmt.Errorf("list %s of %s: %w", strings.TrimSuffix(prefix, "#"), programmeID, err)
	}
	return next, nil
}

// Programme returns one programme (for the notifier, which reads without
// a caller), or service.ErrNotFound.
func (s *Store) Programme(ctx context.Context, id string) (domain.Programme, error) {
	var p domain.Programme
	ok, err := s.get(ctx, pkProgramme(id), skProgramme, &p)
	if err != nil {
		return p, fmt.Errorf("get programme %s: %w", id, err)
	}
	if !ok {
		return p, fmt.Errorf("programme %s: %w", id, service.ErrNotFound)
	}
	return p, nil
}
