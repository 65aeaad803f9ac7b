// Command apiconfig is a what-if for the cold-start benchmark
// (BenchmarkColdStart's whatif-apiconfig): the delivery API function with
// the SDK's config.LoadDefaultConfig put back, the configuration loader
// whose shared-config, SSO, STS and IMDS providers shared/platform.Config.AWS
// avoids. It measures what that choice saves (BENCHMARKS.md, section 1);
// neither it nor functions/delivery links SES.
package main

import (
	"context"
	"log"
	"log/slog"
	"net/http"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
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
	var opts []func(*config.LoadOptions) error
	endpoint := os.Getenv("FUNDTRACK_DYNAMODB_ENDPOINT")
	if endpoint != "" {
		opts = append(opts, config.WithRegion("eu-west-2"),
			config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("local", "local", "")))
	}
	cfg, err := config.LoadDefaultConfig(context.Background(), opts...)
	if err != nil {
		log.Fatal(err)
	}
	db := dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
			o.DisableValidateResponseChecksum = true
		}
	})
	st := store.New(db, os.Getenv("FUNDTRACK_TABLE")).WithAuditTable(os.Getenv("FUNDTRACK_AUDIT_TABLE"))
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
