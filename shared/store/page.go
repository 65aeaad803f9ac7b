package store

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/fundtrack/fundtrack/shared/service"
)

// query is one Query on the table or an index: items whose partition key
// attribute pkAttr equals pk and whose sort key begins with prefix, or
// (the notifier's due lists) sorts below below; not both.
type query struct {
	table   string // "" for the records table (the audit trail's lists name theirs)
	index   string // "" for the table
	pkAttr  string
	skAttr  string
	pk      string
	prefix  string
	below   string // the sort key is less than this, when set
	reverse bool   // newest first
	filter  func(Item) bool
}

// list runs q for one page and decodes each item through decode. The cursor
// is the last evaluated key, base64url-encoded; it is checked to belong to
// the same partition, so a cursor from one programme cannot read another's.
func (s *Store) list(ctx context.Context, q query, p service.Page, decode func(Item) error) (string, error) {
	limit := p.Limit
	if limit <= 0 {
		limit = service.DefaultLimit
	}
	start, err := decodeCursor(p.Cursor, q)
	if err != nil {
		return "", err
	}
	if q.prefix != "" && q.below != "" {
		return "", errors.New("store: a query has a sort key prefix or an upper bound, not both")
	}
	table := s.table
	if q.table != "" {
		table = q.table
	}
	in := &dynamodb.QueryInput{
		TableName:                 &table,
		KeyConditionExpression:    aws.String("#pk = :pk"),
		ExpressionAttributeNames:  map[string]string{"#pk": q.pkAttr},
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": str(q.pk)},
		ExclusiveStartKey:         start,
		ScanIndexForward:          aws.Bool(!q.reverse),
		ConsistentRead:            aws.Bool(q.index == ""),
	}
	if q.prefix != "" { // DynamoDB refuses begins_with on an empty string
		in.KeyConditionExpression = aws.String("#pk = :pk AND begins_with(#sk, :prefix)")
		in.ExpressionAttributeNames["#sk"] = q.skAttr
		in.ExpressionAttributeValues[":prefix"] = str(q.prefix)
	}
	if q.below != "" {
		in.KeyConditionExpression = aws.String("#pk = :pk AND #sk < :below")
		in.ExpressionAttributeNames["#sk"] = q.skAttr
		in.ExpressionAttributeValues[":below"] = str(q.below)
	}
	if q.index != "" {
		in.IndexName = aws.String(q.index)
	}
	n := 0
	var last Item
	for {
		// Ask for one more than needed so we know whether another page exists
		// without handing out a cursor that leads to an empty page.
		in.Limit = aws.Int32(int32(limit - n + 1))
		out, err := s.db.Query(ctx, in)
		if err != nil {
			return "", classify(err)
		}
		for _, item := range out.Items {
			if q.filter != nil && !q.filter(item) {
				continue
			}
			if n == limit {
				return encodeCursor(last, q), nil
			}
			if err := decode(item); err != nil {
				return "", err
			}
			last = item
			n++
		}
		if out.LastEvaluatedKey == nil {
			return "", nil
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
}

// cursorAttrs are the key attributes a cursor carries for q.
func cursorAttrs(q query) []string {
	attrs := []string{"PK", "SK"}
	if q.index != "" {
		attrs = append(attrs, q.pkAttr, q.skAttr)
	}
	return attrs
}

func encodeCursor(item Item, q query) string {
	m := map[string]string{}
	for _, a := range cursorAttrs(q) {
		if v, ok := item[a].(*types.AttributeValueMemberS); ok {
			m[a] = v.Value
		}
	}
	raw, _ := json.Marshal(m)
	return base64.RawURLEncoding.EncodeToString(raw)
}

func decodeCursor(c string, q query) (Item, error) {
	if c == "" {
		return nil, nil
	}
	bad := service.ErrBadCursor
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || len(raw) > 2048 {
		return nil, bad
	}
	var m map[string]string
	if json.Unmarshal(raw, &m) != nil {
		return nil, bad
	}
	attrs := cursorAttrs(q)
	if len(m) != len(attrs) || m[q.pkAttr] != q.pk || !strings.HasPrefix(m[q.skAttr], q.prefix) {
		return nil, bad
	}
	item := Item{}
	for _, a := range attrs {
		v, ok := m[a]
		if !ok || v == "" {
			return nil, bad
		}
		item[a] = str(v)
	}
	return item, nil
}
