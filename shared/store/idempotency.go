package store

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"sync"
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
	// Enc is how Body (or its parts) holds the answer's body: "gzip", or
	// "" for as it was sent. Parts, when set, says the body is in that
	// many items beside the record (keptAnswer), and Sum is their bytes'
	// SHA-256.
	Enc   string `json:"enc,omitempty"`
	Parts int    `json:"parts,omitempty"`
	Sum   string `json:"sum,omitempty"`
	TTL   int64  `json:"ttl"`
}

// How an answer's body is kept (docs/dynamodb.md, "Idempotency records").
// An item holds at most 400 KB, and an import's answer says what each row
// correcting earlier figures changes: 5,000 such rows (the SPEC's limit)
// are 4 MB of JSON and more. So a body of answerGzipFrom bytes or more is
// kept gzip-compressed (at the fastest level: its field names, repeated
// row after row, compress three- to ninefold, and the default level, a
// quarter smaller, took ten times the CPU); what is kept stays in the record while it
// is at most answerInline bytes, so the record, which every repeat's claim
// reads back whole, stays small; beyond that it is kept in parts of
// answerPart bytes, items of their own beside the record, written before
// the record names them.
const (
	answerGzipFrom = 4 << 10
	answerInline   = 64 << 10
	answerPart     = 350 << 10
	// maxAnswerParts bounds what is kept: 11 MB, twice the largest
	// answer a request makes (an import's of 5,000 corrected rows, each
	// sent by a person of a 254-character email address), uncompressed.
	maxAnswerParts = 32
	// maxAnswerBody bounds what a kept answer may decompress to.
	maxAnswerBody = 64 << 20
)

// keptAnswer is a body as it is kept: in the record (body), or in parts.
type keptAnswer struct {
	enc   string
	body  []byte
	parts [][]byte
	sum   string
}

// keepAnswer is how body is kept.
func keepAnswer(body []byte) (keptAnswer, error) {
	k := keptAnswer{body: body}
	if len(body) >= answerGzipFrom {
		var buf bytes.Buffer
		zw, err := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
		if err != nil {
			return keptAnswer{}, err
		}
		if _, err := zw.Write(body); err != nil {
			return keptAnswer{}, err
		}
		if err := zw.Close(); err != nil {
			return keptAnswer{}, err
		}
		if buf.Len() < len(body) {
			k.enc, k.body = "gzip", buf.Bytes()
		}
	}
	if len(k.body) <= answerInline {
		return k, nil
	}
	sum := sha256.Sum256(k.body)
	k.sum = hex.EncodeToString(sum[:])
	for data := k.body; len(data) > 0; {
		n := min(len(data), answerPart)
		k.parts, data = append(k.parts, data[:n]), data[n:]
	}
	k.body = nil
	if len(k.parts) > maxAnswerParts {
		return keptAnswer{}, fmt.Errorf("an answer of %d bytes is over %d parts of %d bytes, compressed", len(body), maxAnswerParts, answerPart)
	}
	return k, nil
}

// writeAnswerParts writes k's parts for c's record (a PutItem each, at
// once), before the record names them: a record found done never names a
// part not yet written. Parts a claimant writes whose answer is then not
// saved (its claim taken over, its transaction refused) are never read,
// and expire.
func (s *Store) writeAnswerParts(ctx context.Context, c service.Claim, k keptAnswer) error {
	if len(k.parts) == 0 {
		return nil
	}
	// A day from now: the record's own ttl is a day from its claim, which
	// came first, so no part expires before the record that names it.
	ttl := num(time.Now().Add(IdempotencyTTL).Unix())
	errs := make([]error, len(k.parts))
	var wg sync.WaitGroup
	for i, p := range k.parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			item := key(pkIdem(c), skAnswerPart(c.ID, i))
			item["data"], item["ttl"] = &types.AttributeValueMemberB{Value: p}, ttl
			_, errs[i] = s.db.PutItem(ctx, &dynamodb.PutItemInput{TableName: &s.table, Item: item})
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("save the answer's %d parts: %w", len(k.parts), classify(err))
	}
	return nil
}

// keptBody reads back the body of prev, the record of c's key: its
// parts, read in one BatchGetItem, and decompressed.
func (s *Store) keptBody(ctx context.Context, c service.Claim, prev idemRecord) ([]byte, error) {
	body := prev.Body
	if prev.Parts > 0 {
		if prev.Parts > maxAnswerParts {
			return nil, fmt.Errorf("a saved answer of %d parts", prev.Parts)
		}
		keys := make([]Item, prev.Parts)
		for i := range keys {
			keys[i] = key(pkIdem(c), skAnswerPart(prev.Claim, i))
		}
		items, err := s.inPartition(ctx, keys, "")
		if err != nil {
			return nil, fmt.Errorf("read the saved answer: %w", err)
		}
		body = nil
		for i := range keys {
			b, _ := items[skAnswerPart(prev.Claim, i)]["data"].(*types.AttributeValueMemberB)
			if b == nil {
				return nil, fmt.Errorf("the saved answer's part %d of %d is not there", i, prev.Parts)
			}
			body = append(body, b.Value...)
		}
		if sum := sha256.Sum256(body); hex.EncodeToString(sum[:]) != prev.Sum {
			return nil, errors.New("the saved answer's parts do not hold what was saved")
		}
	}
	switch prev.Enc {
	case "":
		return body, nil
	case "gzip":
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			return nil, fmt.Errorf("read the saved answer: %w", err)
		}
		out, err := io.ReadAll(io.LimitReader(zr, maxAnswerBody+1))
		if err == nil && len(out) > maxAnswerBody {
			err = errors.New("over its bound")
		}
		if err != nil {
			return nil, fmt.Errorf("read the saved answer: %w", err)
		}
		return out, nil
	}
	return nil, fmt.Errorf("a saved answer kept as %q", prev.Enc)
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
// k is how a's body is kept: its parts, if any, are written first
// (writeAnswerParts).
func (s *Store) idemAnswer(c service.Claim, a service.SavedAnswer, k keptAnswer) (types.TransactWriteItem, error) {
	upd, err := s.answerUpdate(c, a, k)
	if err != nil {
		return types.TransactWriteItem{}, err
	}
	return types.TransactWriteItem{Update: &types.Update{TableName: &s.table, Key: upd.Key,
		UpdateExpression: upd.UpdateExpression, ConditionExpression: upd.ConditionExpression,
		ExpressionAttributeNames: upd.ExpressionAttributeNames, ExpressionAttributeValues: upd.ExpressionAttributeValues}}, nil
}

// answerUpdate is the update that saves a's answer to c's request, its
// body kept as k, if c still holds the key.
func (s *Store) answerUpdate(c service.Claim, a service.SavedAnswer, k keptAnswer) (*dynamodb.UpdateItemInput, error) {
	set := map[string]any{":done": idemDone, ":status": a.Status, ":headers": a.Headers, ":claim": c.ID}
	expr := "SET #state = :done, #status = :status, headers = :headers"
	names := map[string]string{"#state": "state", "#status": "status"}
	if len(k.parts) == 0 {
		expr, set[":body"] = expr+", body = :body", k.body
	} else {
		expr, set[":parts"], set[":sum"] = expr+", #parts = :parts, #sum = :sum", len(k.parts), k.sum
		names["#parts"], names["#sum"] = "parts", "sum"
	}
	if k.enc != "" {
		expr, set[":enc"], names["#enc"] = expr+", #enc = :enc", k.enc, "enc"
	}
	vals, err := marshal(set)
	if err != nil {
		return nil, err
	}
	return &dynamodb.UpdateItemInput{
		TableName: &s.table, Key: idemKey(c),
		UpdateExpression:          aws.String(expr),
		ConditionExpression:       aws.String("claim = :claim"),
		ExpressionAttributeNames:  names,
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
	if prev.State == idemDone {
		body, err := s.keptBody(ctx, c, prev)
		if err != nil {
			return nil, err
		}
		saved := &service.SavedAnswer{Status: prev.Status, Headers: prev.Headers, Body: body}
		if prev.Hash != hash {
			return saved, service.ErrKeyReused
		}
		return saved, nil
	}
	switch {
	case prev.Hash != hash:
		return nil, service.ErrKeyReused
	case prev.State == idemCommitted && prev.LeaseUntil < now.UnixMilli():
		return nil, service.ErrAnswerLost
	default:
		return nil, service.ErrInProgress
	}
}

// CompleteIdempotent saves the answer to a claimed request for replay.
// An answer kept in parts (keepAnswer) costs their PutItems more, sent
// at once.
func (s *Store) CompleteIdempotent(ctx context.Context, c service.Claim, a service.SavedAnswer) error {
	k, err := keepAnswer(a.Body)
	if err != nil {
		return err
	}
	upd, err := s.answerUpdate(c, a, k)
	if err != nil {
		return err
	}
	if err := s.writeAnswerParts(ctx, c, k); err != nil {
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
