// Package webdeps wires the web app from the environment. It is apart from
// package platform so the API functions do not link the web app, nor the
// Parameter Store reader the web function reads its session key with.
package webdeps

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/fundtrack/fundtrack/shared/platform"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/sheet/xlsx"
	"github.com/fundtrack/fundtrack/shared/store"
	"github.com/fundtrack/fundtrack/shared/web"
	"github.com/fundtrack/fundtrack/shared/web/static"
)

// Deps wires the web app over one DynamoDB client, as it runs locally and
// in tests: the API's service, and the static files embedded (package
// shared/web/static) for the app to serve itself. Sign-in, the session key
// and the operator are the caller's: the demo-user page and local
// defaults. Lambda wires the web function in AWS.
func Deps(c platform.Config, db store.DB) web.Deps {
	return DepsOver(c, c.Store(db))
}

// DepsOver is Deps over any storage the service runs on: the web tests
// serve the app over the in-memory store (shared/service/memstore) this
// way, wired as it runs in every other respect.
func DepsOver(c platform.Config, st service.Storer) web.Deps {
	d := deps(c, st)
	d.Static = static.FS
	return d
}

// deps is what the web app needs in AWS and locally alike.
func deps(c platform.Config, st service.Storer) web.Deps {
	// The import pages read workbooks: shared/sheet/xlsx, the standard
	// library's zip and XML, adds 18 kB to the web function's start.
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	return web.Deps{
		Service: service.New(st, nil).WithWorkbooks(xlsx.Workbooks{}).WithLogger(log),
		Logger:  log,
		Giving:  c.Giving,
	}
}

// Lambda builds the web function's dependencies: sessions sealed with the
// key in the SSM SecureString parameter FUNDTRACK_SESSION_KEY_PARAM names
// (read on the first request that needs it, once per process; see
// SessionKeyFromSSM), sign-in through Cognito managed login
// (FUNDTRACK_COGNITO_DOMAIN, FUNDTRACK_COGNITO_CLIENT_ID,
// FUNDTRACK_COGNITO_ISSUER; FUNDTRACK_WEB_BASE_URL if the app is not
// reached at the request's own host), signing out on every device at
// that user pool too (CognitoSignOut), the operator of OperatorFromEnv,
// and the static files linked where the stage's CDN serves them
// (FUNDTRACK_STATIC_URL, StaticURLFromEnv): the function carries none.
//
// Without FUNDTRACK_SESSION_KEY_PARAM, FUNDTRACK_SESSION_KEY may hold the
// key itself (base64), for running the binary outside AWS (benchmarks, sam
// local); the template never sets it.
func Lambda(ctx context.Context) (web.Deps, error) {
	c, err := platform.FromEnv()
	if err != nil {
		return web.Deps{}, err
	}
	if err := c.Giving.Validate(); err != nil { // the web app serves 360Giving downloads too
		return web.Deps{}, err
	}
	cfg, err := c.AWS(ctx)
	if err != nil {
		return web.Deps{}, err
	}
	codec, err := sessionCodec(cfg)
	if err != nil {
		return web.Deps{}, err
	}
	operator, err := OperatorFromEnv()
	if err != nil {
		return web.Deps{}, err
	}
	staticURL, err := StaticURLFromEnv()
	if err != nil {
		return web.Deps{}, err
	}
	signIn, err := web.NewCognito(web.CognitoConfig{
		Domain:   os.Getenv("FUNDTRACK_COGNITO_DOMAIN"),
		ClientID: os.Getenv("FUNDTRACK_COGNITO_CLIENT_ID"),
		Issuer:   os.Getenv("FUNDTRACK_COGNITO_ISSUER"),
		BaseURL:  os.Getenv("FUNDTRACK_WEB_BASE_URL"),
	}, codec, nil, nil)
	if err != nil {
		return web.Deps{}, err
	}
	everywhere, err := CognitoSignOutFor(os.Getenv("FUNDTRACK_COGNITO_ISSUER"), cfg.Credentials)
	if err != nil {
		return web.Deps{}, err
	}
	// Not Deps: the embedded static files stay out of the binary (the
	// linker drops what nothing reachable uses).
	d := deps(c, c.Store(platform.StoreDB(c.DynamoDB(cfg))))
	d.Sessions, d.SignIn, d.RequestID, d.Operator = codec, signIn, platform.LambdaRequestID, operator
	d.StaticURL, d.EveryDevice = staticURL, everywhere
	return d, nil
}

// StaticURLFromEnv reads FUNDTRACK_STATIC_URL: where the deployment serves
// this version of the web app's static files, an absolute http(s) URL
// ("https://d1234.cloudfront.net/3f2a9c0b1d4e/"; the template builds it
// from the assets distribution and AssetsVersion).
func StaticURLFromEnv() (string, error) {
	v := os.Getenv("FUNDTRACK_STATIC_URL")
	if v == "" {
		return "", errors.New("FUNDTRACK_STATIC_URL is not set: it says where the web app's static files are served (the template sets it)")
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("FUNDTRACK_STATIC_URL is %q: want an absolute http(s) URL with no query", v)
	}
	return v, nil
}

// sessionCodec is the web function's session codec, from Parameter Store
// (FUNDTRACK_SESSION_KEY_PARAM; FUNDTRACK_SSM_ENDPOINT points the client
// elsewhere, for tests) or, outside AWS, from FUNDTRACK_SESSION_KEY.
func sessionCodec(cfg aws.Config) (*web.Codec, error) {
	if name := os.Getenv("FUNDTRACK_SESSION_KEY_PARAM"); name != "" {
		client := &SSM{Endpoint: os.Getenv("FUNDTRACK_SSM_ENDPOINT"), Region: cfg.Region, Credentials: cfg.Credentials}
		return web.NewLazyCodec(SessionKeyFromSSM(client, name)), nil
	}
	if k := os.Getenv("FUNDTRACK_SESSION_KEY"); k != "" {
		codec, err := web.CodecFromBase64(k)
		if err != nil {
			return nil, fmt.Errorf("FUNDTRACK_SESSION_KEY: %w", err)
		}
		return codec, nil
	}
	return nil, errors.New("FUNDTRACK_SESSION_KEY_PARAM is not set: it names the SSM SecureString parameter holding the session key")
}

// ParameterGetter is the one SSM call the web function makes (SSM).
type ParameterGetter interface {
	GetParameter(ctx context.Context, name string, decrypt bool) (Parameter, error)
}

// SessionKeyFromSSM returns the key loader of web.NewLazyCodec: it reads
// the SecureString parameter name, decrypted, and decodes the base64 key
// it holds (`openssl rand -base64 32`). A parameter stored as a plain
// String is refused: the key would sit unencrypted in Parameter Store.
func SessionKeyFromSSM(client ParameterGetter, name string) func(context.Context) ([]byte, error) {
	return func(ctx context.Context) ([]byte, error) {
		p, err := client.GetParameter(ctx, name, true)
		if err != nil {
			return nil, fmt.Errorf("read SSM parameter %s: %w", name, err)
		}
		if p.Value == "" {
			return nil, fmt.Errorf("SSM parameter %s has no value", name)
		}
		if p.Type != "SecureString" {
			return nil, fmt.Errorf("SSM parameter %s is a %s: store the session key as a SecureString", name, p.Type)
		}
		key, err := web.KeyFromBase64(p.Value)
		if err != nil {
			return nil, fmt.Errorf("SSM parameter %s: %w", name, err)
		}
		return key, nil
	}
}

// OperatorFromEnv reads who runs the deployment: FUNDTRACK_OPERATOR_NAME
// and FUNDTRACK_OPERATOR_IS_NHS ("true" or "false"; empty is "false").
func OperatorFromEnv() (web.Operator, error) {
	op := web.Operator{Name: os.Getenv("FUNDTRACK_OPERATOR_NAME")}
	switch v := os.Getenv("FUNDTRACK_OPERATOR_IS_NHS"); v {
	case "true":
		op.NHS = true
	case "false", "":
	default:
		return web.Operator{}, fmt.Errorf("FUNDTRACK_OPERATOR_IS_NHS is %q: want true or false", v)
	}
	return op, nil
}
