// Package functions holds one command per Lambda function (functions/<name>,
// each built by `make build` into build/<name>.zip) and, in its external
// test package, tests over every binary: what each links (links_test.go),
// how each starts (lambda_test.go), the fallback route and the notifier.
package functions
