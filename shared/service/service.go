// Package service is what fundtrack does, whoever asks: each operation loads
// the caller's access to the programme, applies the roles table, validates
// the input and writes through the store. The JSON API and the web pages
// both call it, so every rule exists once.
package service

import (
	"context"
	"math/rand/v2"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/store"
)

// Service runs fundtrack's operations against a store.
type Service struct {
	store *store.Store
	now   func() time.Time
}

// New returns a service over st. now may be nil (wall clock).
func New(st *store.Store, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: st, now: func() time.Time { return now().UTC().Truncate(time.Millisecond) }}
}

// Decoder fills v from the request's input (a JSON body, a form). Operations
// call it only after the caller's access is checked, so a non-member learns
// nothing from a validation error.
type Decoder func(v any) error

// Page re-exports the store's page request for callers of the service.
type Page = store.Page

// scope is a caller inside one programme.
type scope struct {
	programme domain.Programme
	access    domain.Access
	caller    domain.Caller
}

// open loads the programme and the caller's roles in it. Non-members, and
// ids that could not be ids, get the same not-found as a missing programme.
func (s *Service) open(ctx context.Context, c domain.Caller, programmeID string) (scope, error) {
	sc, _, err := s.openWith(ctx, c, programmeID, "")
	return sc, err
}

// openWith is open that also reads one project in the same request (nil
// when the programme has no such project).
func (s *Service) openWith(ctx context.Context, c domain.Caller, programmeID, projectID string) (scope, *domain.Project, error) {
	if !domain.ValidID(programmeID) {
		return scope{}, nil, domain.NotFound("programme")
	}
	email := c.Email
	if c.IsAdmin() {
		email = "" // admins need no membership; skip reading it
	}
	p, roles, project, err := s.store.ProgrammeRolesProject(ctx, programmeID, email, projectID)
	if err != nil {
		return scope{}, nil, err
	}
	a := domain.NewAccess(c.Identity, roles)
	if !a.IsMember() {
		return scope{}, nil, domain.NotFound("programme")
	}
	return scope{programme: p, access: a, caller: c}, project, nil
}

func forbidden(what string) error {
	return domain.Errorf(domain.CodeForbidden, "your role in this programme does not allow you to %s", what)
}

func (sc scope) audit(s *Service, entity domain.Entity, id string, action domain.Action, before, after any) domain.AuditEvent {
	return domain.NewAuditEvent(sc.caller, sc.programme.ID, entity, id, action, before, after, s.now())
}

// decodeValid decodes and validates an input, then runs the personal-data
// guard over all its free text (422 naming each field). Every input type
// must list its text (domain.TextFielder), so a new one cannot skip the guard.
func decodeValid[T interface {
	Validate() error
	domain.TextFielder
}](body Decoder) (T, error) {
	var in T
	if err := body(&in); err != nil {
		// Still check the rules, so one answer names every bad field.
		return in, domain.MergeProblems(err, in.Validate())
	}
	if err := in.Validate(); err != nil {
		return in, err
	}
	return in, domain.CheckText(in)
}

// change runs one optimistic update: read, apply, check If-Match, write
// conditioned on the version read. With "If-Match: *" the client accepts any
// version, so losing a race to another writer is retried on the fresh
// record, after a short random pause, instead of answering 412. Each round
// some writer wins, so maxChangeAttempts covers that many racing writers.
func change[T any](ifMatch func(version int64) bool, attempt func() (T, error)) (T, error) {
	anyVersion := ifMatch(-1) // only "*" matches a version that cannot exist
	for i := 1; ; i++ {
		v, err := attempt()
		if !anyVersion || i >= maxChangeAttempts || domain.ErrorCode(err) != domain.CodePreconditionFailed {
			return v, err
		}
		time.Sleep(time.Duration(rand.N(10*i)+1) * time.Millisecond)
	}
}

const maxChangeAttempts = 16

// reuseFirst returns a reader that answers first the record already read
// (for the access check) and reads afresh only when change retries.
func reuseFirst[T any](first T, read func() (T, error)) func() (T, error) {
	used := false
	return func() (T, error) {
		if !used {
			used = true
			return first, nil
		}
		return read()
	}
}

func stale() error {
	return domain.Errorf(domain.CodePreconditionFailed, "the record has changed since you read it (If-Match is stale)")
}

// withRefs adds to a validation error any of refs that are not records of
// the programme, so one answer names every bad field; other errors, and no
// error, pass through (the write's own transaction checks references then).
func (s *Service) withRefs(ctx context.Context, programmeID string, err error, refs ...store.Ref) error {
	if domain.ErrorCode(err) != domain.CodeValidation {
		return err
	}
	var valid []store.Ref
	for _, r := range refs {
		if domain.ValidID(r.ID) {
			valid = append(valid, r)
		}
	}
	missing, merr := s.store.MissingRefs(ctx, programmeID, valid)
	if merr != nil {
		return merr
	}
	return domain.MergeProblems(err, missing.Err())
}
