package store

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// Ended web sessions (service.SessionStore): one item each, in a partition
// of its own, SESSION#<id> / SESSION, read by key beside a programme's
// access items (ReadAccess) or alone (SessionEnded). Its SK is unlike any
// of a programme partition's, so it is told apart in a batch read by SK.

// sessionKeep is how long an ended session's record outlives the session:
// DynamoDB's clock and the web function's may differ a little, and a
// record gone before its cookie's expiry would let a copy back in.
const sessionKeep = time.Hour

// EndSession implements service.SessionStore.
func (s *Store) EndSession(ctx context.Context, session string, until time.Time) error {
	item := key(pkSession(session), skSession)
	item["endedAt"] = str(time.Now().UTC().Format(time.RFC3339))
	item["ttl"] = num(until.Add(sessionKeep).Unix())
	if _, err := s.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &s.table, Item: item}); err != nil {
		return fmt.Errorf("end session: %w", classify(err))
	}
	return nil
}

// SessionEnded implements service.SessionStore.
func (s *Store) SessionEnded(ctx context.Context, session string) (bool, error) {
	ok, err := s.get(ctx, pkSession(session), skSession, &struct{}{})
	if err != nil {
		return false, fmt.Errorf("read session: %w", err)
	}
	return ok, nil
}

// sessionKeys adds to keys the key of session's item ("": none).
func sessionKeys(session string, keys []Item) []Item {
	if session == "" {
		return keys
	}
	return append(keys, key(pkSession(session), skSession))
}
