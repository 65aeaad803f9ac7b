package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// IdempotencyTTL is how long a POST's answer is kept for replay.
const IdempotencyTTL = 24 * time.Hour

// SavedResponse is the first answer to an idempotent request, replayed to
// every repeat of it.
type SavedResponse struct {
	Status  int               `json:"status"`
	Headers map[string]string `json:"headers"`
	Body    []byte            `json:"body"`
}

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

type idemCtxKey struct{}

type idemClaim struct{ scope, key, claim string }

// WithIdempotencyClaim marks ctx as serving a request that holds an
// idempotency claim. Every transaction made under it also marks the claim
// committed, atomically with the change: a retry can then never apply the
// change twice, even if the first answer was lost after the commit (a
// timeout, a crash) or the first claimant was taken over.
func WithIdempotencyClaim(ctx context.Context, scope, key, claim string) context.Context {
	return context.WithValue(ctx, idemCtxKey{}, idemClaim{scope: scope, key: key, claim: claim})
}

// idemCommit is the transaction item that marks the claim in ctx committed;
// it fails if another claimant has taken the key over.
func (s *Store) idemCommit(ctx context.Context) (types.TransactWriteItem, bool) {
	c, ok := ctx.Value(idemCtxKey{}).(idemClaim)
	if !ok {
		return types.TransactWriteItem{}, false
	}
	return types.TransactWriteItem{Update: &types.Update{
		TableName: &s.table, Key: idemKey(c.scope, c.key),
		UpdateExpression:          aws.String("SET #state = :committed"),
		ConditionExpression:       aws.String("claim = :claim"),
		ExpressionAttributeNames:  map[string]string{"#state": "state"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":committed": str(idemCommitted), ":claim": str(c.claim)},
	}}, true
}

func idemKey(scope, k string) Item { return key("IDEM#"+scope+"#"+k, "IDEM") }

// BeginIdempotent claims an idempotency key, as claimant claim, for a
// request whose method, path and body hash to hash. It returns (nil, nil)
// when the caller should go ahead; the saved response when this request was
// already answered; 422 idempotency_key_reused when the key was used with
// another request; 409 request_in_progress while the first is still
// running, or conflict when the first was applied but its answer was lost.
// A claim whose holder died before writing anything is taken over once its
// lease runs out.
func (s *Store) BeginIdempotent(ctx context.Context, scope, k, hash, claim string, now time.Time, lease time.Duration) (*SavedResponse, error) {
	rec := idemRecord{Hash: hash, Claim: claim, State: idemPending, LeaseUntil: now.Add(lease).UnixMilli(), TTL: now.Add(IdempotencyTTL).Unix()}
	item, err := marshal(rec)
	if err != nil {
		return nil, err
	}
	for k2, v := range idemKey(scope, k) {
		item[k2] = v
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
		out, gerr := s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &s.table, Key: idemKey(scope, k), ConsistentRead: aws.Bool(true)})
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
	case prev.Hash != hash:
		return nil, domain.Errorf(domain.CodeIdempotencyKeyReused, "this Idempotency-Key was already used with a different request")
	case prev.State == idemDone:
		return &SavedResponse{Status: prev.Status, Headers: prev.Headers, Body: prev.Body}, nil
	case prev.State == idemCommitted && prev.LeaseUntil < now.UnixMilli():
		return nil, domain.Errorf(domain.CodeConflict, "a request with this Idempotency-Key was applied, but its answer was lost; look the record up rather than sending it again")
	default:
		return nil, domain.Errorf(domain.CodeRequestInProgress, "a request with this Idempotency-Key is still in progress")
	}
}

// CompleteIdempotent saves the answer to a claimed request for replay.
func (s *Store) CompleteIdempotent(ctx context.Context, scope, k, claim string, r SavedResponse) error {
	vals, err := marshal(map[string]any{":done": idemDone, ":status": r.Status, ":headers": r.Headers, ":body": r.Body, ":claim": claim})
	if err != nil {
		return err
	}
	_, err = s.db.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: &s.table, Key: idemKey(scope, k),
		UpdateExpression:          aws.String("SET #state = :done, #status = :status, headers = :headers, body = :body"),
		ConditionExpression:       aws.String("claim = :claim"),
		ExpressionAttributeNames:  map[string]string{"#state": "state", "#status": "status"},
		ExpressionAttributeValues: vals,
	})
	if err != nil {
		return fmt.Errorf("save idempotent response: %w", classify(err))
	}
	return nil
}

// AbandonIdempotent releases a claim whose request failed without writing
// anything (a 5xx before the commit, a refusal that depends on the moment),
// so a retry with the same key runs again. A claim whose change was
// committed is kept: the change happened, so a retry must not repeat it.
func (s *Store) AbandonIdempotent(ctx context.Context, scope, k, claim string) error {
	_, err := s.db.DeleteItem(ctx, &dynamodb.DeleteItemInput{
		TableName: &s.table, Key: idemKey(scope, k),
		ConditionExpression:       aws.String("#state = :pending AND claim = :claim"),
		ExpressionAttributeNames:  map[string]string{"#state": "state"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":pending": str(idemPending), ":claim": str(claim)},
	})
	var ccf *types.ConditionalCheckFailedException
	if err != nil && !errors.As(err, &ccf) {
		return fmt.Errorf("release idempotency key: %w", classify(err))
	}
	return nil
}
