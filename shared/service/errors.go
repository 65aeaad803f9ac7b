package service

import (
	"cmp"
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// ErrUnavailable marks storage failures that are nobody's fault but the
// database's (unreachable, throttled after retries, timed out): clients
// get 503 and may retry. Storage wraps its errors with it.
var ErrUnavailable = errors.New("storage unavailable")

// refField is a reference an input makes and the field path that made it.
type refField struct {
	ref   domain.RecordRef
	field string
	// problem is what the field is told when the record is not there:
	// domain.ProblemNotFoundRef if empty. A spend return's replaces names
	// one of the grant's (domain.ProblemNotGrantSpend).
	problem string
}

// refFields are the references of one input, by field.
type refFields []refField

func (rf refFields) add(e domain.Entity, id, field string) refFields {
	if id == "" {
		return rf
	}
	return append(rf, refField{ref: domain.Ref(e, id), field: field})
}

// storeErr turns a storage error into the client's error: what names the
// record for not-found; refs name the fields behind missing references.
// Errors that are already the client's pass through; anything unknown
// stays an internal error (logged, never shown).
func storeErr(err error, what string, refs refFields) error {
	if err == nil {
		return nil
	}
	var de *domain.Error
	if errors.As(err, &de) {
		return err
	}
	var missing *MissingRefError
	var corrected *AlreadyCorrectedError
	var taken *NameTakenError
	switch {
	case errors.As(err, &taken):
		return nameTaken(taken, err)
	case errors.As(err, &missing):
		p := domain.Problems{}
		for _, m := range missing.Refs {
			for _, r := range refs {
				if r.ref == m {
					p.Add(r.field, cmp.Or(r.problem, domain.ProblemNotFoundRef))
				}
			}
		}
		if len(p) == 0 {
			return err // a reference nobody named: ours, not the client's
		}
		return &domain.Error{Code: domain.CodeValidation, Message: "the request refers to something that is not there", Fields: p, Err: err}
	case errors.As(err, &corrected):
		return alreadyCorrected(corrected, "correct")
	case errors.Is(err, ErrSessionEnded):
		return sessionEnded
	case errors.Is(err, ErrNotFound):
		if what == "" {
			what = "record"
		}
		return &domain.Error{Code: domain.CodeNotFound, Message: what + " not found", Err: err}
	case errors.Is(err, ErrStale):
		return stale()
	case errors.Is(err, ErrConflict):
		return &domain.Error{Code: domain.CodeConflict, Message: "the " + orRecord(what) + " was changed by someone else at the same time; try again", Err: err}
	case errors.Is(err, ErrClaimTaken):
		return &domain.Error{Code: domain.CodeRequestInProgress, Message: "another request with this Idempotency-Key took over from this one", Err: err}
	case errors.Is(err, ErrBadCursor):
		return &domain.Error{Code: domain.CodeValidation, Message: "the cursor is not valid for this list",
			Fields: map[string]string{"cursor": "not a cursor this list handed out"}}
	case errors.Is(err, domain.ErrMaybeSaved):
		return &domain.Error{Code: domain.CodeUnavailable, Message: domain.MaybeSavedMessage, Public: true, Err: err}
	case errors.Is(err, ErrUnavailable), errors.Is(err, context.DeadlineExceeded):
		return &domain.Error{Code: domain.CodeUnavailable, Message: "the database is unavailable; try again shortly", Err: err}
	}
	return err
}

// alreadyCorrected is the refusal to act on a submission or spend return a
// correction has replaced: do is what to do to the newest one instead
// ("correct", "review"), which the refusal names and links when known.
func alreadyCorrected(c *AlreadyCorrectedError, do string) error {
	kind := "submission"
	if c.Replaced.Entity == domain.EntitySpend {
		kind = "spend return"
	}
	e := &domain.Error{Code: domain.CodeConflict, Err: c,
		Message: "that " + kind + " has already been corrected; " + do + " the newest one instead"}
	if c.By.ID != "" {
		by := c.By
		e.Related = &by
		e.Message = "that " + kind + " has already been corrected; " + do + " the newest one (" + by.ID + ") instead"
		switch c.NewestDecided {
		case domain.OutcomeApproved:
			e.Message = "that " + kind + " has already been corrected, and its newest correction (" + by.ID +
				") has been approved: nothing awaits a decision"
		case domain.OutcomeChangesRequested:
			e.Message = "that " + kind + " has already been corrected, and its newest correction (" + by.ID +
				") has been sent back for changes: nothing awaits a decision until the project corrects it"
		}
	}
	return e
}

// nameTaken refuses a project name another project of the programme has:
// an import matches rows to projects by name, so two projects one name
// would leave every sheet naming it unimportable. Likewise a funder's:
// funders are told apart by name wherever they are shown.
func nameTaken(taken *NameTakenError, err error) error {
	what := "project"
	if taken.Entity == domain.EntityFunder {
		what = "funder"
	}
	msg := "another " + what + " of this programme is already named " + strconv.Quote(strings.TrimSpace(taken.Name))
	return &domain.Error{Code: domain.CodeConflict, Message: msg, Fields: map[string]string{"name": msg}, Err: err}
}

func orRecord(what string) string {
	if what == "" {
		return "record"
	}
	return what
}

func stale() error {
	return domain.Errorf(domain.CodePreconditionFailed, "the record has changed since you read it (If-Match is stale)")
}

// errVersionRefused marks a 412 for a record whose version the client's
// If-Match does not accept (versionRefused), as against one for a write
// that lost a race: updateLoop retries only the second.
var errVersionRefused = errors.New("the version read is not one If-Match names")

// versionRefused is the 412 for a record whose version ifMatch refused.
func versionRefused() error {
	return &domain.Error{Code: domain.CodePreconditionFailed, Message: "the record has changed since you read it (If-Match is stale)",
		Err: errVersionRefused}
}

// listErr maps a list's storage error.
func listErr[T any](items []T, next string, err error) ([]T, string, error) {
	if err != nil {
		return nil, "", storeErr(err, "", nil)
	}
	return items, next, nil
}
