package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/fundtrack/fundtrack/shared/service"
)

// Ended web sessions (service.SessionStore): one item each, in a partition
// of its own, SESSION#<id> / SESSION; and a person's sign-out on every
// device, SIGNOUT#<subject> / SIGNOUT, holding the instant before which
// their sessions are ended. Both are read by key beside a programme's
// access items (ReadAccess) or together alone (SessionEnded). Their SKs are
// unlike any of a programme partition's, and unlike each other, so each is
// told apart in a batch read by SK.

// sessionKeep is how long an ended session's record outlives the session:
// DynamoDB's clock and the web function's may differ a little, and a
// record gone before its cookie's expiry would let a copy back in.
const sessionKeep = time.Hour

// EndSession implements service.SessionStore. endedAt is service.SortTime,
// as the store's other instants.
func (s *Store) EndSession(ctx context.Context, session string, at, until time.Time) error {
	item := key(pkSession(session), skSession)
	item["endedAt"] = str(service.SortTime(at))
	item["ttl"] = num(until.Add(sessionKeep).Unix())
	sctx, cancel, err := service.Sending(ctx)
	if err != nil {
		return fmt.Errorf("end session: %w", classify(err))
	}
	defer cancel()
	if _, err := s.db.PutItem(sctx, &dynamodb.PutItemInput{TableName: &s.table, Item: item}); err != nil {
		return fmt.Errorf("end session: %w", classify(err))
	}
	return nil
}

// EndSessionsBefore implements service.SessionStore: one PutItem, on
// condition that no later instant is recorded (two sign-outs on every
// device that cross must not leave the earlier one, which would let the
// sessions between them back in). endedBefore is service.SortTime's
// fixed width, so the condition's string order is time order.
func (s *Store) EndSessionsBefore(ctx context.Context, subject string, before, until time.Time) error {
	item := key(pkSignOut(subject), skSignOut)
	item["endedBefore"] = str(service.SortTime(before))
	item["ttl"] = num(until.Add(sessionKeep).Unix())
	sctx, cancel, err := service.Sending(ctx)
	if err != nil {
		return fmt.Errorf("end sessions before %s: %w", before.UTC().Format(time.RFC3339), classify(err))
	}
	defer cancel()
	_, err = s.db.PutItem(sctx, &dynamodb.PutItemInput{TableName: &s.table, Item: item,
		ConditionExpression:       aws.String("attribute_not_exists(PK) OR endedBefore < :before"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":before": item["endedBefore"]},
	})
	var ccf *types.ConditionalCheckFailedException
	if err != nil && !errors.As(err, &ccf) { // failed: a later sign-out stands
		return fmt.Errorf("end sessions before %s: %w", before.UTC().Format(time.RFC3339), classify(err))
	}
	return nil
}

// SessionEnded implements service.SessionStore: one BatchGetItem of the
// session's record and its person's sign-out on every device.
func (s *Store) SessionEnded(ctx context.Context, session service.WebSession) (bool, error) {
	if session.ID == "" {
		return false, nil
	}
	items, err := s.inPartition(ctx, sessionKeys(session, nil), "")
	if err != nil {
		return false, fmt.Errorf("read session: %w", err)
	}
	return sessionEnded(session, items)
}

// sessionKeys adds to keys the keys of session's records (a session with
// no ID: none).
func sessionKeys(session service.WebSession, keys []Item) []Item {
	if session.ID == "" {
		return keys
	}
	keys = append(keys, key(pkSession(session.ID), skSession))
	if session.Subject != "" {
		keys = append(keys, key(pkSignOut(session.Subject), skSignOut))
	}
	return keys
}

// sessionEnded reports whether the records read by sessionKeys (items, by
// SK) end session.
func sessionEnded(session service.WebSession, items map[string]Item) (bool, error) {
	if session.ID == "" {
		return false, nil
	}
	if _, ended := items[skSession]; ended {
		return true, nil
	}
	item, ok := items[skSignOut]
	if !ok || session.Subject == "" {
		return false, nil
	}
	before, err := time.Parse(time.RFC3339Nano, attrS(item["endedBefore"]))
	if err != nil {
		return false, fmt.Errorf("decode sign-out on every device: %w", err)
	}
	return session.EndedBy(before), nil
}
