// Package store keeps fundtrack's records in DynamoDB. It implements the
// storage interfaces the service declares (shared/service/storage.go) and
// the notifier's (shared/notify/storage.go), and answers with the
// service's typed errors (service.ErrNotFound, ErrStale, ErrChanged,
// *service.MissingRefError, …; service.ErrUnavailable for the database's
// own failures); it knows keys, items and conditions, and nothing of the
// API's field names or wording. docs/dynamodb.md is its design: every
// item and key, every access pattern and the requests that serve it.
//
// Two tables. The records table holds everything but the audit trail:
// primary key PK/SK, the overloaded indexes GSI1 and GSI2, the sparse GSI3
// (returns not yet sent), and a ttl attribute that expires idempotency
// claims, ended web sessions, sign-outs on every device, the import lock
// and files staged for an import. The audit trail is a table of its own
// (AuditTableName, or WithAuditTable; GSI1 by person, GSI2 by record), so
// IAM can let every function add events and none change or remove one.
//
// Everything of a programme lives in its partition, PROG#<id>. One record
// rides as a key in the access check's BatchGetItem (ReadAccess, which
// also reads the web session's sign-out records), a list is one Query sent
// beside it, and progress, a portfolio page and a period report read
// running figures by key: a fixed handful of requests whatever the
// history. Every change of a record is one TransactWriteItems (write, in
// tx.go) that holds, with the record, the running figures it moves
// (TOTALS, the SERIES# years, FUNDING, MONEY#, SCHEDSTAT#…), the checks
// and premises its rules were planned on, its audit event and, for an
// idempotent request, the commit of its claim. Only what one transaction
// cannot hold is written in several, each whole (a schedule's returns, an
// import's rows); the notifier's bookkeeping (leases, claims, moving an
// index entry) and the idempotency, session, import-lock and staged-file
// items are single writes, most of them conditional.
//
// Where things are:
//
//	keys.go           every key, in the order of docs/dynamodb.md's Items table
//	tx.go             transactions: conditions, premises and guards, what a failed condition means
//	read.go, page.go  the access read and other reads by key (batchGet: any number of keys,
//	                  a BatchGetItem per 100 sent together); lists and their cursors
//	store.go          the client it needs (DB), marshalling, which errors are 503s, retry
//	                  (the one retry loop: conflicts, unprocessed keys, cancelled reads)
//	shards.go         the notifier's indexes, spread over Shards partition keys;
//	                  listing the due entries of one and moving an entry on
//	totals.go, series.go, changed.go
//	                  the running figures, the years of figures by day, the changed marker
//	release.go        payments falling due with their trigger: those waiting on a target
//	                  or return, made due in the change's own transaction, and
//	                  FiguresAsOf (the years of figures with the figures version)
//	one file a resource: programmes, members, organisations (funders,
//	projects and their name markers), grants (and the funding item),
//	targets (and their due index), delivery (posts, cohorts, submissions
//	and their review), money (payments, spend), reporting and returns,
//	notifications and delivery of email, portfolio (and the money by
//	month), audit, imports (and staged files), idempotency, sessions
//
// The in-memory fake the service's rule tests use (shared/service/memstore)
// implements the same interfaces; contract_test.go runs one table of
// behaviours against both.
package store
