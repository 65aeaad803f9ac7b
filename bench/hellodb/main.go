// Command hellodb is a what-if for the cold-start benchmark: the hello-world
// function (bench/hello) that also builds a DynamoDB client, as
// shared/platform builds it from Lambda's environment, and never uses it.
// Its cold start is the least any function reading DynamoDB can have: what
// the DynamoDB client's packages cost to load and initialise.
package main

import (
	"context"
	"encoding/json"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

func main() {
	db := dynamodb.NewFromConfig(aws.Config{
		Region:      os.Getenv("AWS_REGION"),
		Credentials: credentials.NewStaticCredentialsProvider(os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY"), os.Getenv("AWS_SESSION_TOKEN")),
	})
	lambda.Start(func(context.Context, json.RawMessage) (string, error) {
		_ = db // built, as a function's would be, but not called
		return "hello", nil
	})
}
