// Package serve builds what the local runner (infra/runner) serves: every
// API function mounted as API Gateway routes to them, and the web app
// under /app/ with the local sign-in. It is a package of its own, not part
// of the runner's main, so benchmarks (bench/, BenchmarkLoad) serve the
// very same handler over HTTP instead of a copy of its wiring.
package serve

import (
	"crypto/sha256"
	"fmt"
	"net/http"
	"os"
	"strings"

	"github.com/fundtrack/fundtrack/infra/websignin"
	"github.com/fundtrack/fundtrack/shared/auth"
	"github.com/fundtrack/fundtrack/shared/decode"
	"github.com/fundtrack/fundtrack/shared/httpapi"
	"github.com/fundtrack/fundtrack/shared/platform"
	"github.com/fundtrack/fundtrack/shared/platform/webdeps"
	"github.com/fundtrack/fundtrack/shared/sheet/xlsx"
	"github.com/fundtrack/fundtrack/shared/store"
	"github.com/fundtrack/fundtrack/shared/web"
)

// Handler is the runner's whole site over one DynamoDB client: the API
// functions at / (checking local HS256 tokens with local, since there is
// no API Gateway authorizer here) and the web app at /app/.
func Handler(c platform.Config, db store.DB, local auth.Local) (http.Handler, error) {
	deps := platform.APIDeps(c, db, local)
	deps.Service.WithWorkbooks(xlsx.Workbooks{}) // as the imports function reads workbooks (the web app has its own)
	api := httpapi.Mount(httpapi.Functions(deps))

	// The web app under /app/, as API Gateway routes it to the web
	// function; here people sign in on a page of demo users.
	webApp, err := newWebApp(c, db, local)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("/app", webApp)
	mux.Handle("/app/", webApp)
	mux.Handle("/", api)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A path not in its plain form ("//", "/./", "/../") the mux would
		// redirect: under /app/ it is the web app's to refuse, elsewhere
		// the API's, each with its own 404.
		if !decode.PlainPath(r) {
			if r.URL.Path == "/app" || strings.HasPrefix(r.URL.Path, "/app/") {
				webApp.ServeHTTP(w, r)
			} else {
				api.ServeHTTP(w, r)
			}
			return
		}
		mux.ServeHTTP(w, r)
	}), nil
}

// defaultOperator runs the local demo: not an NHS organisation, so the
// header shows no NHS logo unless FUNDTRACK_OPERATOR_IS_NHS=true says so.
const defaultOperator = "fundtrack demo"

// newWebApp wires the web app with the local sign-in. Sessions are sealed
// with FUNDTRACK_SESSION_KEY if set, else with a key derived from the local
// token secret, so they survive a restart of the runner. The header names
// FUNDTRACK_OPERATOR_NAME (default "fundtrack demo") and carries the NHS
// logo only with FUNDTRACK_OPERATOR_IS_NHS=true, as the template's
// OperatorName and OperatorIsNHS do in AWS.
func newWebApp(c platform.Config, db store.DB, local auth.Local) (http.Handler, error) {
	var codec *web.Codec
	var err error
	if k := os.Getenv("FUNDTRACK_SESSION_KEY"); k != "" {
		codec, err = web.CodecFromBase64(k)
	} else {
		key := sha256.Sum256(append([]byte("fundtrack local web sessions\x00"), local.Secret...))
		codec, err = web.NewCodec(key[:])
	}
	if err != nil {
		return nil, fmt.Errorf("FUNDTRACK_SESSION_KEY: %w", err)
	}
	operator, err := webdeps.OperatorFromEnv()
	if err != nil {
		return nil, err
	}
	if operator.Name == "" {
		operator.Name = defaultOperator
	}
	d := webdeps.Deps(c, db)
	d.Sessions, d.Operator = codec, operator
	d.SignIn = websignin.Local{Codec: codec, AllowOthers: true}
	return web.New(d), nil
}
