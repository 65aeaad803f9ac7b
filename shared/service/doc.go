// Package service is what fundtrack does, whoever asks: the JSON API
// (shared/httpapi), the web pages (shared/web) and the notifier
// (shared/notify) call it, so every rule exists once. The rules of single
// values (validation, the roles table, figures, periods, money) are in
// shared/domain; this package applies them to requests and storage.
//
// A request inside a programme opens a Scope (Service.Open, or OpenProject
// for one of its projects): a caller, one programme, one request. Opening
// it reads nothing. Its first operation reads the programme, the caller's
// membership, the web session's sign-out records and the records it needs
// in one storage read (Reader.ReadAccess: one round trip), and checks
// access on the answer; a list is read beside that check (alongside) and
// dropped if it fails. Later operations of the scope reuse what it found.
// Requests outside any programme go through the Service's own methods
// (CreateProgramme, ListProgrammes, Portfolio, the session sign-outs,
// Idempotency, CompleteGeneration, Health, …).
//
// A write decodes and validates its input (decodeValid: one answer names
// every bad field, and free text passes the personal-data guard), reads
// what its rules depend on, and hands storage the new record with a
// Change: its audit event, the idempotency claim the request holds, the
// premises its rules were checked against and the guard of the record
// against dependents written meanwhile (see Premise and Guard). Storage
// writes all of it or nothing. A stale version is 412 (with "If-Match: *"
// the update is tried again on the fresh record: updateLoop); a write
// refused because something it was planned on changed (ErrChanged: a
// return filled, a schedule added, a submission reviewed) is planned again
// from a fresh read, up to maxPlans times. A refused premise is the 409
// that premise names, but for one on what the access read found (asRead:
// the programme's review setting and dates a submission was decided on,
// the roles that let the caller make it), which reads the access again
// and plans the write again on it. Every write a member makes carries
// their roles as read so (asMember): a member removed before it lands is
// then not found, one whose roles no longer allow it forbidden.
//
// Storage is reached only through the small interfaces in storage.go,
// which the DynamoDB store (shared/store) and the in-memory fake of the
// rule tests (shared/service/memstore) implement; their typed errors
// become the client's domain.Error here (errors.go: storeErr), whose code
// shared/present maps to an HTTP status and a page. Time is the Service's
// clock (New), UTC to the millisecond; "today" is the UK date
// (domain.UKDate).
//
// Where things are: service.go (Service, Scope, the access check);
// reads.go (the list readers all pages through, and parallel);
// programmes.go (programmes, members, funders, projects); grants.go;
// targets.go; delivery.go (posts, cohorts, submissions); review.go and
// corrections.go (review, and the correction chains); reporting.go
// (schedules and returns); money.go (payments, spend, the grant's
// account); release.go (payments falling due with the change that fires
// their trigger); progress.go, portfolio.go (progress, portfolio, period
// report); returncounts.go (return counts as far as the caller may see
// them, read with the years of figures); notifications.go; audit.go; imports.go and staged.go
// (spreadsheet imports and the web app's staged sheets); idempotency.go;
// sessions.go; due.go (what the notifier's indexes hand it, and the
// shards).
package service
