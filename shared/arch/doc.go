// Package arch holds no code: its test checks the import rules that keep
// fundtrack readable top-down. Dependencies point inward —
//
//	domain ← decode, export, present, auth ← service ← store, httpapi, web, notify ← platform ← functions, infra
//
// — so the rules live in the domain and service, storage and transports
// sit at the edge, and nothing runs back up or round in a circle. The
// domain, service, export and presentation packages, and the web app, link
// no AWS code; the API functions link neither SES, the notifier nor the
// web app.
package arch
