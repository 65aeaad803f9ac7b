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

// IdempotencyTTL is how long a POST's answer is kept for replay.
const IdempotencyTTL = 24 * time.Hour

type idemRecord struct {
	Hash       string            `json:"hash"`
	Claim      string            `json:"claim"` // which claimant holds the key: takeovers get a new one
	State      string            `json:"state"`
	LeaseUntil int64             `json:"leaseUntil"`
	Status     int               `json:"status"`
	Headers    map[string]string `json:"headers,omitempty"`
	Body       []byte            `json:"body,omitempty"`
	TTL        int64             `json:"ttl"`
}

const (
	idemPending   = "pending"
	idemCommitted = "committed" // the change is written; its answer is not yet saved
	idemDone      = "done"
)

// idemCommit is the transaction item that marks c committed; it fails if
// another claimant has taken the key over.
func (s *Store) idemCommit(c service.Claim) types.TransactWriteItem {
	return types.TransactWriteItem{Update: &types.Update{
		TableName: &s.table, Key: idemKey(c),
		UpdateExpression:          aws.String("SET #state = :committed"),
		ConditionExpression:       aws.String("claim = :claim"),
		ExpressionAttributeNames:  map[string]string{"#state": "state"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":committed": str(idemCommitted), ":claim": str(c.ID)},
	}}
}

// idemAnswer is the transaction item that saves a's answer to c's request
// (the claim done), with the change itself; it fails if another claimant
// has taken the key over.
func (s *Store) idemAnswer(c service.Claim, a service.SavedAnswer) (types.TransactWriteItem, error) {
	upd, err := s.answerUpdate(c, a)
	if err != nil {
		return types.TransactWriteItem{}, err
	}
	return types.TransactWriteItem{Update: &types.Update{TableName: &s.table, Key: upd.Key,
		UpdateExpression: upd.UpdateExpression, ConditionExpression: upd.ConditionExpression,
		ExpressionAttributeNames: upd.ExpressionAttributeNames, ExpressionAttributeValues: upd.ExpressionAttributeValues}}, nil
}

// answerUpdate is the update that saves a's answer to c's request, if c still
// holds the key.
func (s *Store) answerUpdate(c service.Claim, a service.SavedAnswer) (*dynamodb.UpdateItemInput, error) {
	vals, err := marshal(map[string]any{":done": idemDone, ":status": a.Status, ":headers": a.Headers, ":body": a.Body, ":claim": c.ID})
	if err != nil {
		return nil, err
	}
	return &dynamodb.UpdateItemInput{
		TableName: &s.table, Key: idemKey(c),
		UpdateExpression:          aws.String("SET #state = :done, #status = :status, headers = :headers, body = :body"),
		ConditionExpression:       aws.String("claim = :claim"),
		ExpressionAttributeNames:  map[string]string{"#state": "state", "#status": "status"},
		ExpressionAttributeValues: vals,
	}, nil
}

// BeginIdempotent claims c's key for a request whose method, path and body
// hash to hash (see service.IdempotencyStore). A claim whose holder died
// before writing anything is taken over once its lease runs out.
func (s *Store) BeginIdempotent(ctx context.Context, c service.Claim, hash string, now time.Time, lease time.Duration) (*service.SavedAnswer, error) {
	rec := idemRecord{Hash: hash, Claim: c.ID, State: idemPending, LeaseUntil: now.Add(lease).UnixMilli(), TTL: now.Add(IdempotencyTTL).Unix()}
	item, err := marshal(rec)
	if err != nil {
		return nil, err
	}
	for k, v := range idemKey(c) {
		item[k] = v
	}
	_, err = s.db.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: &s.table, Item: item,
		// Free, expired (TTL deletes lazily), or abandoned by a holder whose lease ran out.
		ConditionExpression:      aws.String("attribute_not_exists(PK) OR #ttl < :nowSec OR (#state = :pending AND leaseUntil < :nowMs AND #hash = :hash)"),
		ExpressionAttributeNames: map[string]string{"#ttl": "ttl", "#state": "state", "#hash": "hash"},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":nowSec": num(now.Unix()), ":nowMs": num(now.UnixMilli()), ":pending": str(idemPending), ":hash": str(hash),
		},
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	})
	if err == nil {
		return nil, nil
	}
	var ccf *types.ConditionalCheckFailedException
	if !errors.As(err, &ccf) {
		return nil, fmt.Errorf("claim idempotency key: %w", classify(err))
	}
	old := ccf.Item
	if old == nil { // older DynamoDB Local versions do not return the item
		out, gerr := s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &s.table, Key: idemKey(c), ConsistentRead: aws.Bool(true)})
		if gerr != nil {
			return nil, fmt.Errorf("read idempotency key: %w", classify(gerr))
		}
		old = out.Item
	}
	var prev idemRecord
	if err := unmarshal(old, &prev); err != nil {
		return nil, fmt.Errorf("decode idempotency record: %w", err)
	}
	switch {
	case prev.Hash != hash && prev.State == idemDone:
		return &service.SavedAnswer{Status: prev.Status, Headers: prev.Headers, Body: prev.Body}, service.ErrKeyReused
	case prev.Hash != hash:
		return nil, service.ErrKeyReused
	case prev.State == idemDone:
		return &service.SavedAnswer{Status: prev.Status, Headers: prev.Headers, Body: prev.Body}, nil
	case prev.State == idemCommitted && prev.LeaseUntil < now.UnixMilli():
		return nil, service.ErrAnswerLost
	default:
		return nil, service.ErrInProgress
	}
}

// CompleteIdempotent saves the answer to a claimed request for replay.
func (s *Store) CompleteIdempotent(ctx context.Context, c service.Claim, a service.SavedAnswer) error {
	upd, err := s.answerUpdate(c, a)
	if err != nil {
		return err
	}
	_, err = s.db.UpdateItem(ctx, upd)
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		return service.ErrClaimTaken
	}
	if err != nil {
		return fmt.Errorf("save idempotent response: %w", classify(err))
	}
	return nil
}

// AbandonIdempotent releases a claim whose request failed without writing
// anything (a 5xx before the commit, a refusal that depends on the
// moment), so a retry with the same key runs again. A claim whose change
// was committed is kept: the change happened, so a retry must not repeat it.
func (s *Store) AbandonIdempotent(ctx context.Context, c service.Claim) error {
	_, err := s.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{
		TableName: &s.table, Key: idemKey(c),
		ConditionExpression:       aws.String("#state = :pending AND claim = :claim"),
		ExpressionAttributeNames:  map[string]string{"#state": "state"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":pending": str(idemPending), ":claim": str(c.ID)},
	})
	var ccf *types.ConditionalCheckFailedException
	if err != nil && !errors.As(err, &ccf) {
		return fmt.Errorf("release idempotency key: %w", classify(err))
	}
	return nil
}
