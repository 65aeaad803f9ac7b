package main

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/fundtrack/fundtrack/shared/testenv"
)

// TestCapacityChargesConditionChecks: a ConditionCheck in a transaction
// is billed as a transactional write of the item it checks (2 WRU a KB,
// rounded up, at least 2), which DynamoDB Local reports as nothing; the
// measurement adds it, as it adds an empty read's minimum.
func TestCapacityChargesConditionChecks(t *testing.T) {
	t.Parallel()
	c := &capacity{}
	db, table := testenv.TableWith(t, c.option)
	c.plain = testenv.Client(t)
	ctx := context.Background()
	s := func(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
	key := func(sk string) map[string]types.AttributeValue {
		return map[string]types.AttributeValue{"PK": s("P"), "SK": s(sk)}
	}
	// An item of about 2.5 KB: 3 KB as a write is billed.
	big := key("BIG")
	big["d"] = s(strings.Repeat("x", 2500))
	if _, err := c.plain.PutItem(ctx, &dynamodb.PutItemInput{TableName: &table, Item: big}); err != nil {
		t.Fatal(err)
	}
	check := func(sk, cond string) types.TransactWriteItem {
		return types.TransactWriteItem{ConditionCheck: &types.ConditionCheck{TableName: &table, Key: key(sk), ConditionExpression: aws.String(cond)}}
	}
	_, w0 := c.snapshot()
	if _, err := db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
		{Put: &types.Put{TableName: &table, Item: key("SMALL")}},
		check("BIG", "attribute_exists(PK)"),
		check("NONE", "attribute_not_exists(PK)"),
	}}); err != nil {
		t.Fatal(err)
	}
	_, w1 := c.snapshot()
	// The put 2, the 2.5 KB item's check 6, the missing item's check 2.
	if got := w1 - w0; got != 10 {
		t.Errorf("a transaction of a small put and checks of a 2.5 KB item and of a missing one: %g WRU, want 10", got)
	}
}
