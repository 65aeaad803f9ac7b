// Command imports is the Lambda function serving the API's spreadsheet
// imports of outcome figures and their templates. It reads Excel workbooks
// with shared/sheet/xlsx (the standard library only; excelize's package
// init alone put this function at 2–3× a hello-world function's cold
// start; BENCHMARKS.md, section 6). The web app's import pages are the web
// function's.
package main

import (
	"context"
	"log"

	"github.com/aws/aws-lambda-go/lambda"

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
	lambda.Start(platform.LambdaHandler(httpapi.NewImportsHandler(deps)))
}
