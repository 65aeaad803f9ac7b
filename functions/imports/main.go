// Command imports is the Lambda function serving spreadsheet imports of
// outcome figures and their templates: the only API function that reads
// Excel workbooks, so the only one that links excelize.
package main

import (
	"context"
	"log"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/fundtrack/fundtrack/shared/auth"
	"github.com/fundtrack/fundtrack/shared/httpapi"
	"github.com/fundtrack/fundtrack/shared/platform"
	"github.com/fundtrack/fundtrack/shared/sheet/xlsx"
)

func main() {
	deps, err := platform.LambdaAPI(context.Background(), auth.Lambda{})
	if err != nil {
		log.Fatal(err)
	}
	deps.Service.WithWorkbooks(xlsx.Workbooks{})
	lambda.Start(httpadapter.NewV2(httpapi.NewImportsHandler(deps)).ProxyWithContext)
}
