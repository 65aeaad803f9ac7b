// Package webdeps wires the web app from the environment. It is apart from
// package platform so the API functions do not link the web app, nor the
// SSM client the web function reads its session key with.
package webdeps

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/fundtrack/fundtrack/shared/platform"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/store"
	"github.com/fundtrack/fundtrack/shared/web"
)

// Deps wires the web app over one DynamoDB client: the API's service.
// Sign-in, the session key and the operator are the caller's: Cognito,
// Parameter Store and the template's parameters in Lambda (Lambda), the
// demo-user page and local defaults locally.
func Deps(c platform.Config, db store.DB) web.Deps {
	return web.Deps{
		Service: service.New(c.Store(db), nil),
		Logger:  slog.New(slog.NewJSONHandler(os.Stderr, nil)),
		Giving:  c.Giving,
	}
}

// Lambda builds the web function's dependencies: sessions sealed with the
// key in the SSM SecureString parameter FUNDTRACK_SESSION_KEY_PARAM names
// (read on the first request that needs it, once per process; see
// SessionKeyFromSSM), sign-in through Cognito managed login
// (FUNDTRACK_COGNITO_DOMAIN, FUNDTRACK_COGNITO_CLIENT_ID,
// FUNDTRACK_COGNITO_ISSUER; FUNDTRACK_WEB_BASE_URL if the app is not
// reached at the request's own host), and the operator of OperatorFromEnv.
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
	signIn, err := web.NewCognito(web.CognitoConfig{
		Domain:   os.Getenv("FUNDTRACK_COGNITO_DOMAIN"),
		ClientID: os.Getenv("FUNDTRACK_COGNITO_CLIENT_ID"),
		Issuer:   os.Getenv("FUNDTRACK_COGNITO_ISSUER"),
		BaseURL:  os.Getenv("FUNDTRACK_WEB_BASE_URL"),
	}, codec, nil, nil)
	if err != nil {
		return web.Deps{}, err
	}
	d := Deps(c, c.DynamoDB(cfg))
	d.Sessions, d.SignIn, d.RequestID, d.Operator = codec, signIn, platform.LambdaRequestID, operator
	return d, nil
}

// sessionCodec is the web function's session codec, from Parameter Store
// (FUNDTRACK_SESSION_KEY_PARAM; FUNDTRACK_SSM_ENDPOINT points the client
// elsewhere, for tests) or, outside AWS, from FUNDTRACK_SESSION_KEY.
func sessionCodec(cfg aws.Config) (*web.Codec, error) {
	if name := os.Getenv("FUNDTRACK_SESSION_KEY_PARAM"); name != "" {
		endpoint := os.Getenv("FUNDTRACK_SSM_ENDPOINT")
		client := ssm.NewFromConfig(cfg, func(o *ssm.Options) {
			if endpoint != "" {
				o.BaseEndpoint = aws.String(endpoint)
			}
		})
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

// ParameterGetter is the one SSM call the web function makes.
type ParameterGetter interface {
	GetParameter(ctx context.Context, in *ssm.GetParameterInput, opts ...func(*ssm.Options)) (*ssm.GetParameterOutput, error)
}

// SessionKeyFromSSM returns the key loader of web.NewLazyCodec: it reads
// the SecureString parameter name, decrypted, and decodes the base64 key
// it holds (`openssl rand -base64 32`). A parameter stored as a plain
// String is refused: the key would sit unencrypted in Parameter Store.
func SessionKeyFromSSM(client ParameterGetter, name string) func(context.Context) ([]byte, error) {
	return func(ctx context.Context) ([]byte, error) {
		out, err := client.GetParameter(ctx, &ssm.GetParameterInput{Name: aws.String(name), WithDecryption: aws.Bool(true)})
		if err != nil {
			return nil, fmt.Errorf("read SSM parameter %s: %w", name, err)
		}
		p := out.Parameter
		if p == nil || p.Value == nil {
			return nil, fmt.Errorf("SSM parameter %s has no value", name)
		}
		if p.Type != ssmtypes.ParameterTypeSecureString {
			return nil, fmt.Errorf("SSM parameter %s is a %s: store the session key as a SecureString", name, p.Type)
		}
		key, err := web.KeyFromBase64(*p.Value)
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
