// Command apilean is a what-if for the cold-start benchmark: the delivery
// API function with its DynamoDB client built straight from the Lambda
// environment (AWS_REGION and the execution role's credentials, which
// Lambda puts in AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
// AWS_SESSION_TOKEN), without config.LoadDefaultConfig (and so without the
// STS, SSO and IMDS clients it links) and without the SES v2 client.
package main

import (
	"log/slog"
	"net/http"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/awslabs/aws-lambda-go-api-proxy/core"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/fundtrack/fundtrack/shared/auth"
	"github.com/fundtrack/fundtrack/shared/export"
	"github.com/fundtrack/fundtrack/shared/httpapi"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/store"
)

func main() {
	o := dynamodb.Options{
		Region: os.Getenv("AWS_REGION"),
		Credentials: aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(
			os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY"), os.Getenv("AWS_SESSION_TOKEN"))),
	}
	if endpoint := os.Getenv("FUNDTRACK_DYNAMODB_ENDPOINT"); endpoint != "" {
		o.Region, o.BaseEndpoint = "eu-west-2", aws.String(endpoint)
		o.Credentials = credentials.NewStaticCredentialsProvider("local", "local", "")
		o.DisableValidateResponseChecksum = true
	}
	st := store.New(dynamodb.New(o), os.Getenv("FUNDTRACK_TABLE")).WithAuditTable(os.Getenv("FUNDTRACK_AUDIT_TABLE"))
	h := httpapi.NewDeliveryHandler(httpapi.Deps{Service: service.New(st, nil), Auth: auth.Lambda{},
		Logger: slog.New(slog.NewJSONHandler(os.Stderr, nil)), Giving: export.GivingConfig{Prefix: os.Getenv("FUNDTRACK_360_PREFIX")},
		RequestID: func(r *http.Request) string {
			if rc, ok := core.GetAPIGatewayV2ContextFromContext(r.Context()); ok {
				return rc.RequestID
			}
			return ""
		}})
	lambda.Start(httpadapter.NewV2(h).ProxyWithContext)
}
