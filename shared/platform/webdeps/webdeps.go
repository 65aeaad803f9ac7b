// Package webdeps wires the web app from the environment. It is apart from
// package platform so the API functions do not link the web app.
package webdeps

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/fundtrack/fundtrack/shared/platform"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/store"
	"github.com/fundtrack/fundtrack/shared/web"
)

// Deps wires the web app over one DynamoDB client: the API's service,
// over a client that sends each read once per page (web.ReadOnce). Sign-in
// and the session key are the caller's: Cognito in Lambda (Lambda), the
// demo-user page locally.
func Deps(c platform.Config, db store.DB) web.Deps {
	return web.Deps{
		Service: service.New(c.Store(web.ReadOnce(db)), nil),
		Logger:  slog.New(slog.NewJSONHandler(os.Stderr, nil)),
		Giving:  c.Giving,
	}
}

// Lambda builds the web function's dependencies: sessions sealed with
// FUNDTRACK_SESSION_KEY (base64, 32 bytes) and sign-in through Cognito
// managed login (FUNDTRACK_COGNITO_DOMAIN, FUNDTRACK_COGNITO_CLIENT_ID,
// FUNDTRACK_COGNITO_ISSUER; FUNDTRACK_WEB_BASE_URL if the app is not
// reached at the request's own host).
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
	codec, err := web.CodecFromBase64(os.Getenv("FUNDTRACK_SESSION_KEY"))
	if err != nil {
		return web.Deps{}, fmt.Errorf("FUNDTRACK_SESSION_KEY: %w", err)
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
	d.Sessions, d.SignIn, d.RequestID = codec, signIn, platform.LambdaRequestID
	return d, nil
}
