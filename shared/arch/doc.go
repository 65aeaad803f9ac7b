// Package arch holds no code: its tests check the import rules that keep
// fundtrack readable top-down. Dependencies point inward, ring by ring —
//
//	domain (and the leaves email, web/static, platform/dynamolocal)
//	← auth, auth/cognito, decode, export, present, sheet (sheet/xlsx on sheet)
//	← service
//	← store, service/memstore, httpapi, web, notify (on email, never on
//	  store: it reaches storage through notify.Storage)
//	← platform, then platform/webdeps and platform/notifierdeps on it
//	← functions, infra
//
// — so the rules live in the domain and service, storage and transports
// sit at the edge, and nothing runs back up or round in a circle. The
// rule itself is each package's own list (allowed, in arch_test.go): a
// package imports only what its list names, which the rings above sum up,
// and a new package fails the test until it is placed. Test support sits
// outside the rings: testenv (which reads template.yaml through infra/cfn),
// testkit, browsertest and givingtest, and no function links it.
//
// The domain, decode, sheet, export, presentation and service packages,
// the Cognito ID-token check and the web app link no AWS code (so the web
// app checks its ID tokens with auth/cognito, not auth, which links the
// Lambda event types); the API functions (every function but
// the notifier and the web function) link neither SES, the SSM client,
// excelize, the notifier, the web app nor test support.
//
// The packages `make test` runs without the race detector (infra/test.sh,
// norace) run nothing concurrently, and neither do the fundtrack packages
// they import; those it leaves out of go test (notests: the benchmarks)
// hold no tests (maketest_test.go).
package arch
