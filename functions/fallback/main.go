// Command fallback is the Lambda function behind the HTTP API's $default
// route: every request no other route takes gets the SPEC's 404, or 405
// with Allow, instead of API Gateway's own {"message":"Not Found"}. It
// reads no data and needs no configuration.
package main

import (
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/fundtrack/fundtrack/shared/httpapi"
	"github.com/fundtrack/fundtrack/shared/platform"
)

func main() {
	h := httpapi.NewFallbackHandler(httpapi.Deps{
		Logger:    slog.New(slog.NewJSONHandler(os.Stderr, nil)),
		RequestID: platform.LambdaRequestID,
	})
	lambda.Start(platform.LambdaHandler(h))
}
