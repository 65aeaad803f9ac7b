// Command imports is the Lambda function serving spreadsheet imports of
// outcome figures: the API's import routes and their templates, and the
// web app's import pages (API Gateway routes /app/programmes/{p}/imports…
// here rather than to the web function). It is the only function that
// reads Excel workbooks (shared/sheet/xlsx, with the standard library
// only: it links no excelize, whose package init alone put this function
// at 2–3× a hello-world function's cold start; BENCHMARKS.md, section 6).
package main

import (
	"context"
	"log"
	"net/http"
	"strings"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/fundtrack/fundtrack/shared/auth"
	"github.com/fundtrack/fundtrack/shared/httpapi"
	"github.com/fundtrack/fundtrack/shared/platform"
	"github.com/fundtrack/fundtrack/shared/platform/webdeps"
	"github.com/fundtrack/fundtrack/shared/sheet/xlsx"
	"github.com/fundtrack/fundtrack/shared/web"
)

func main() {
	ctx := context.Background()
	deps, err := platform.LambdaAPI(ctx, auth.Lambda{})
	if err != nil {
		log.Fatal(err)
	}
	deps.Service.WithWorkbooks(xlsx.Workbooks{})
	wd, err := webdeps.Lambda(ctx)
	if err != nil {
		log.Fatal(err)
	}
	wd.Service.WithWorkbooks(xlsx.Workbooks{})
	api, pages := httpapi.NewImportsHandler(deps), web.New(wd)
	lambda.Start(httpadapter.NewV2(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, web.Prefix+"/") {
			pages.ServeHTTP(w, r)
			return
		}
		api.ServeHTTP(w, r)
	})).ProxyWithContext)
}
