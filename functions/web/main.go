// Command web is the Lambda function serving fundtrack's web app under
// /app/: server-rendered pages over the same service as the API, signing
// people in through Cognito managed login (authorization code + PKCE).
package main

import (
	"context"
	"log"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/fundtrack/fundtrack/shared/platform"
	"github.com/fundtrack/fundtrack/shared/platform/webdeps"
	"github.com/fundtrack/fundtrack/shared/web"
)

func main() {
	deps, err := webdeps.Lambda(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	lambda.Start(platform.LambdaHandler(web.New(deps)))
}
