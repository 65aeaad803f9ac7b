package cfn

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
)

// tableProps mirrors the parts of AWS::DynamoDB::Table's properties that shape
// the table's data model. Settings DynamoDB Local ignores or that only matter
// in AWS (SSE, point-in-time recovery, deletion protection, tags) are left out
// on purpose: deletion protection in particular would stop tests from
// dropping their tables.
type tableProps struct {
	BillingMode           string
	ProvisionedThroughput *throughput
	AttributeDefinitions  []struct {
		AttributeName string
		AttributeType string
	}
	KeySchema              []keyElement
	GlobalSecondaryIndexes []struct {
		IndexName             string
		KeySchema             []keyElement
		Projection            projection
		ProvisionedThroughput *throughput
	}
	LocalSecondaryIndexes []struct {
		IndexName  string
		KeySchema  []keyElement
		Projection projection
	}
	StreamSpecification *struct {
		StreamViewType string
	}
	TimeToLiveSpecification *struct {
		AttributeName string
		Enabled       bool
	}
}

type keyElement struct {
	AttributeName string
	KeyType       string
}

type projection struct {
	ProjectionType   string
	NonKeyAttributes []string
}

type throughput struct {
	ReadCapacityUnits  int64
	WriteCapacityUnits int64
}

// TableInput turns the properties of the AWS::DynamoDB::Table resource
// logicalID in tpl (as returned by Load) into a CreateTableInput for a table
// called tableName: attribute definitions, key schema, secondary indexes with
// their projections, billing mode and streams. It also returns the TTL
// attribute when the template enables TTL ("" otherwise), because TTL is set
// by a separate call after the table exists.
func TableInput(tpl map[string]any, logicalID, tableName string) (*dynamodb.CreateTableInput, string, error) {
	res, ok := Resources(tpl)[logicalID].(map[string]any)
	if !ok {
		return nil, "", fmt.Errorf("template has no resource %q", logicalID)
	}
	if typ := res["Type"]; typ != "AWS::DynamoDB::Table" {
		return nil, "", fmt.Errorf("resource %q is %v, not AWS::DynamoDB::Table", logicalID, typ)
	}
	// A JSON round trip decodes into typed structs and reports any value the
	// template computes with an intrinsic function where a literal is needed.
	raw, err := json.Marshal(res["Properties"])
	if err != nil {
		return nil, "", err
	}
	var p tableProps
	if err := json.Unmarshal(raw, &p); err != nil {
		return nil, "", fmt.Errorf("resource %q: %w", logicalID, err)
	}
	if len(p.KeySchema) == 0 || len(p.AttributeDefinitions) == 0 {
		return nil, "", fmt.Errorf("resource %q: KeySchema and AttributeDefinitions are required", logicalID)
	}

	in := &dynamodb.CreateTableInput{
		TableName:   aws.String(tableName),
		KeySchema:   keySchema(p.KeySchema),
		BillingMode: types.BillingModePayPerRequest,
	}
	if p.BillingMode != "" {
		in.BillingMode = types.BillingMode(p.BillingMode)
	}
	provisioned := in.BillingMode == types.BillingModeProvisioned
	if provisioned {
		if p.ProvisionedThroughput == nil {
			return nil, "", fmt.Errorf("resource %q: PROVISIONED billing needs ProvisionedThroughput", logicalID)
		}
		in.ProvisionedThroughput = p.ProvisionedThroughput.sdk()
	}
	for _, a := range p.AttributeDefinitions {
		in.AttributeDefinitions = append(in.AttributeDefinitions, types.AttributeDefinition{
			AttributeName: aws.String(a.AttributeName),
			AttributeType: types.ScalarAttributeType(a.AttributeType),
		})
	}
	for _, g := range p.GlobalSecondaryIndexes {
		gsi := types.GlobalSecondaryIndex{
			IndexName:  aws.String(g.IndexName),
			KeySchema:  keySchema(g.KeySchema),
			Projection: g.Projection.sdk(),
		}
		if provisioned {
			if g.ProvisionedThroughput == nil {
				return nil, "", fmt.Errorf("resource %q: index %s needs ProvisionedThroughput", logicalID, g.IndexName)
			}
			gsi.ProvisionedThroughput = g.ProvisionedThroughput.sdk()
		}
		in.GlobalSecondaryIndexes = append(in.GlobalSecondaryIndexes, gsi)
	}
	for _, l := range p.LocalSecondaryIndexes {
		in.LocalSecondaryIndexes = append(in.LocalSecondaryIndexes, types.LocalSecondaryIndex{
			IndexName:  aws.String(l.IndexName),
			KeySchema:  keySchema(l.KeySchema),
			Projection: l.Projection.sdk(),
		})
	}
	if s := p.StreamSpecification; s != nil {
		in.StreamSpecification = &types.StreamSpecification{
			StreamEnabled:  aws.Bool(true),
			StreamViewType: types.StreamViewType(s.StreamViewType),
		}
	}
	ttl := ""
	if t := p.TimeToLiveSpecification; t != nil && t.Enabled {
		ttl = t.AttributeName
	}
	return in, ttl, nil
}

func keySchema(ks []keyElement) []types.KeySchemaElement {
	out := make([]types.KeySchemaElement, 0, len(ks))
	for _, k := range ks {
		out = append(out, types.KeySchemaElement{
			AttributeName: aws.String(k.AttributeName),
			KeyType:       types.KeyType(k.KeyType),
		})
	}
	return out
}

func (p projection) sdk() *types.Projection {
	out := &types.Projection{ProjectionType: types.ProjectionType(p.ProjectionType)}
	if len(p.NonKeyAttributes) > 0 {
		out.NonKeyAttributes = p.NonKeyAttributes
	}
	return out
}

func (t *throughput) sdk() *types.ProvisionedThroughput {
	return &types.ProvisionedThroughput{
		ReadCapacityUnits:  aws.Int64(t.ReadCapacityUnits),
		WriteCapacityUnits: aws.Int64(t.WriteCapacityUnits),
	}
}

// EnsureTable creates the table described by in unless it already exists,
// waits until it is ACTIVE and, when ttlAttr is not empty, enables TTL on
// that attribute. Running it again against an existing table is harmless,
// which is what lets `make run` start twice or after a crash.
func EnsureTable(ctx context.Context, client *dynamodb.Client, in *dynamodb.CreateTableInput, ttlAttr string) error {
	name := aws.ToString(in.TableName)
	if _, err := client.CreateTable(ctx, in); err != nil {
		var inUse *types.ResourceInUseException
		if !errors.As(err, &inUse) {
			return fmt.Errorf("create table %s: %w", name, err)
		}
	}
	waiter := dynamodb.NewTableExistsWaiter(client, func(o *dynamodb.TableExistsWaiterOptions) {
		// The defaults (20 s between polls) suit AWS; DynamoDB Local is
		// ready at once and AWS rarely needs more than a few seconds.
		o.MinDelay = 500 * time.Millisecond
		o.MaxDelay = 5 * time.Second
	})
	if err := waiter.Wait(ctx, &dynamodb.DescribeTableInput{TableName: in.TableName}, 5*time.Minute); err != nil {
		return fmt.Errorf("wait for table %s: %w", name, err)
	}
	if ttlAttr == "" {
		return nil
	}
	desc, err := client.DescribeTimeToLive(ctx, &dynamodb.DescribeTimeToLiveInput{TableName: in.TableName})
	if err != nil {
		return fmt.Errorf("describe TTL of %s: %w", name, err)
	}
	if d := desc.TimeToLiveDescription; d != nil && aws.ToString(d.AttributeName) == ttlAttr &&
		(d.TimeToLiveStatus == types.TimeToLiveStatusEnabled || d.TimeToLiveStatus == types.TimeToLiveStatusEnabling) {
		return nil
	}
	_, err = client.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{
		TableName: in.TableName,
		TimeToLiveSpecification: &types.TimeToLiveSpecification{
			AttributeName: aws.String(ttlAttr),
			Enabled:       aws.Bool(true),
		},
	})
	// Another process may have enabled it between our describe and update.
	var apiErr smithy.APIError
	if err != nil && !(errors.As(err, &apiErr) && strings.Contains(apiErr.ErrorMessage(), "already enabled")) {
		return fmt.Errorf("enable TTL on %s.%s: %w", name, ttlAttr, err)
	}
	return nil
}
