// Command delivery is the Lambda function serving fundtrack's delivery API routes.
package main

import (
	"context"
	"log"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/fundtrack/fundtrack/shared/auth"
	"github.com/fundtrack/fundtrack/shared/httpapi"
	"github.com/fundtrack/fundtrack/shared/platform"
)

func main() {
	deps, err := platform.LambdaAPI(context.Background(), auth.Lambda{})
	if err != nil {
		log.Fatal(err)
	}
	lambda.Start(platform.LambdaHandler(httpapi.NewDeliveryHandler(deps)))
}
