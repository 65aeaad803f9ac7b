package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// DB is the part of the DynamoDB client the store uses. *dynamodb.Client
// satisfies it; tests wrap it only to inject faults DynamoDB Local cannot
// produce (transaction conflicts, throttling, timeouts).
type DB interface {
	GetItem(context.Context, *dynamodb.GetItemInput, ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
	PutItem(context.Context, *dynamodb.PutItemInput, ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
	UpdateItem(context.Context, *dynamodb.UpdateItemInput, ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error)
	DeleteItem(context.Context, *dynamodb.DeleteItemInput, ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error)
	Query(context.Context, *dynamodb.QueryInput, ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error)
	BatchGetItem(context.Context, *dynamodb.BatchGetItemInput, ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error)
	TransactWriteItems(context.Context, *dynamodb.TransactWriteItemsInput, ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error)
	TransactGetItems(context.Context, *dynamodb.TransactGetItemsInput, ...func(*dynamodb.Options)) (*dynamodb.TransactGetItemsOutput, error)
}

// Store reads and writes fundtrack's records in one table, and the audit
// trail in a second, append-only one: IAM can then grant every function
// PutItem on audit events and nothing that changes or removes one, which a
// shared table could not express.
type Store struct {
	db         DB
	table      string
	auditTable string
	// maxTxRetries bounds retry's retries: of a transaction cancelled by
	// a conflict with another transaction on the same items (totals are
	// hot items), of keys a batch read left unprocessed, of a
	// transactional read cancelled by a write.
	maxTxRetries int
	// log takes the warnings of what the store skips rather than fails
	// on (a malformed entry of a due index).
	log *slog.Logger
}

// New returns a store over the named table, with the audit trail in
// AuditTableName(table) unless WithAuditTable names another.
func New(db DB, table string) *Store {
	return &Store{db: db, table: table, auditTable: AuditTableName(table), maxTxRetries: 8, log: slog.Default()}
}

// AuditTableName is the audit table that goes with a table when none is
// configured (locally and in tests); in AWS it comes from the template.
func AuditTableName(table string) string { return table + "-audit" }

// WithAuditTable returns the store using the named audit table.
func (s *Store) WithAuditTable(name string) *Store {
	c := *s
	if name != "" {
		c.auditTable = name
	}
	return &c
}

// WithLogger returns the store logging its warnings to l.
func (s *Store) WithLogger(l *slog.Logger) *Store {
	c := *s
	if l != nil {
		c.log = l
	}
	return &c
}

// Table is the name of the table the store uses.
func (s *Store) Table() string { return s.table }

// Item is a raw DynamoDB item.
type Item = map[string]types.AttributeValue

func marshal(v any) (Item, error) {
	return attributevalue.MarshalMapWithOptions(v, func(o *attributevalue.EncoderOptions) {
		o.TagKey = "json"
		o.UseEncodingMarshalers = true
	})
}

func unmarshal(item Item, v any) error {
	return attributevalue.UnmarshalMapWithOptions(item, v, func(o *attributevalue.DecoderOptions) {
		o.TagKey = "json"
		o.UseEncodingUnmarshalers = true
	})
}

// record marshals a domain value and adds its keys and type.
func record(v any, typ string, k keys) (Item, error) {
	item, err := marshal(v)
	if err != nil {
		return nil, fmt.Errorf("marshal %s: %w", typ, err)
	}
	k.apply(item)
	item["type"] = str(typ)
	return item, nil
}

func str(s string) types.AttributeValue { return &types.AttributeValueMemberS{Value: s} }

func num(n int64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(n, 10)}
}

// keys are an item's primary and index keys; empty index keys are left out,
// which keeps the item out of that (sparse) index.
type keys struct {
	PK, SK         string
	GSI1PK, GSI1SK string
	GSI2PK, GSI2SK string
	GSI3PK, GSI3SK string
}

func (k keys) apply(item Item) {
	item["PK"], item["SK"] = str(k.PK), str(k.SK)
	if k.GSI1PK != "" {
		item["GSI1PK"], item["GSI1SK"] = str(k.GSI1PK), str(k.GSI1SK)
	}
	if k.GSI2PK != "" {
		item["GSI2PK"], item["GSI2SK"] = str(k.GSI2PK), str(k.GSI2SK)
	}
	if k.GSI3PK != "" {
		item["GSI3PK"], item["GSI3SK"] = str(k.GSI3PK), str(k.GSI3SK)
	}
}

func key(pk, sk string) Item { return Item{"PK": str(pk), "SK": str(sk)} }

// get reads one item by key into v, reporting whether it exists.
func (s *Store) get(ctx context.Context, pk, sk string, v any) (bool, error) {
	item, err := s.getItem(ctx, key(pk, sk))
	if err != nil || item == nil {
		return false, err
	}
	return true, decodeInto(item, v)
}

// getItem reads one item by key, consistently; nil when there is none.
func (s *Store) getItem(ctx context.Context, k Item) (Item, error) {
	out, err := s.db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &s.table, Key: k, ConsistentRead: aws.Bool(true)})
	if err != nil {
		return nil, classify(err)
	}
	return out.Item, nil
}

// decodeInto decodes a record into v. A return's item holds more than the
// API shows (its state and version: see returnItem), so it is decoded
// through the stored shape.
func decodeInto(item Item, v any) error {
	if r, ok := v.(*domain.Return); ok {
		d, err := decodeReturn(item)
		*r = d
		return err
	}
	return unmarshal(item, v)
}

// busy is a try of retry's that the database was too busy for: err says
// how (a cancellation by a conflicting transaction or throttling, keys
// left unprocessed).
type busy struct{ err error }

func (b busy) Error() string { return b.err.Error() }

// retry calls try until it returns anything but busy: again after a
// jittered backoff (service.Pause: a ctx that ends stops the wait, and
// that is ctx's error), at most s.maxTxRetries times more. It is the one
// place the store retries on top of the SDK's own retries: a transaction
// cancelled by a conflict or throttling (transact), keys a batch read
// left unprocessed (batchGetChunk), a transactional read cancelled by a
// write (FiguresAsOf). Still busy after the last is
// service.ErrUnavailable: "<what> stayed busy", keeping the last cause
// for the log.
func (s *Store) retry(ctx context.Context, what string, try func() error) error {
	for attempt := 0; ; attempt++ {
		err := try()
		b, ok := err.(busy)
		if !ok {
			return err
		}
		if attempt >= s.maxTxRetries {
			return fmt.Errorf("%w: %s stayed busy: %w", service.ErrUnavailable, what, b.err)
		}
		if err := service.Pause(ctx, backoff(attempt)); err != nil {
			return classify(err)
		}
	}
}

func backoff(attempt int) time.Duration {
	base := 10 * time.Millisecond << min(attempt, 6)
	return base/2 + rand.N(base)
}

// answered reports whether err, a call's failure, says what became of
// the call: the database's
// answer (an API error: a failed condition, a cancelled transaction,
// throttling), rather than no answer at all (the network failed, the
// call's time ran out), after which a write may or may not have been made.
// A 500 (InternalServerError) is not taken for an answer: DynamoDB says a
// transaction it gave may have succeeded.
// A connection that could not be made (dial) sent nothing: its outcome
// is known too.
func answered(err error) bool {
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Op == "dial" {
		return true
	}
	var ae smithy.APIError
	return errors.As(err, &ae) && ae.ErrorCode() != "InternalServerError"
}

// classify marks failures that are nobody's fault but the database's
// (unreachable, throttled after the SDK's own retries, timed out) as
// service.ErrUnavailable, so clients get 503 and may retry; anything else
// stays an internal error.
func classify(err error) error {
	if err == nil || errors.Is(err, service.ErrUnavailable) {
		return err
	}
	unavailable := errors.Is(err, context.DeadlineExceeded)
	var ne net.Error
	if errors.As(err, &ne) {
		unavailable = true
	}
	var oe *net.OpError
	if errors.As(err, &oe) {
		unavailable = true
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		switch ae.ErrorCode() {
		case "ThrottlingException", "ProvisionedThroughputExceededException", "RequestLimitExceeded",
			"InternalServerError", "ServiceUnavailable", "TransactionInProgressException",
			// A table that is gone (DynamoDB Local restarted in memory, a
			// table being restored) may come back: 503, not 500.
			"ResourceNotFoundException":
			unavailable = true
		}
	}
	if unavailable {
		return fmt.Errorf("%w: %w", service.ErrUnavailable, err)
	}
	return err
}

var _ service.Storer = (*Store)(nil)
