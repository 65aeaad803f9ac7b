// Package static holds the web app's static files: NHS.UK frontend's CSS,
// JavaScript and icons (copied in by `make assets`) and our own (see
// README.md). It is apart from package web so that only what serves the
// files links them: the local runner and the tests, through
// webdeps.Deps. The web function in AWS links the files where the
// deployment's CDN serves them (FUNDTRACK_STATIC_URL), and carries none.
package static

import "embed"

// FS is every file here (this one and README.md too: web.StaticFiles skips
// them). The pattern is "*" so that the package builds before `make
// assets` has copied nhsuk-frontend's files in.
//
//go:embed *
var FS embed.FS
