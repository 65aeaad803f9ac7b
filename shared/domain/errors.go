// Package domain holds fundtrack's types and rules: what a programme, grant,
// post or outcome is, what makes one valid, and who may do what with it.
// It imports no AWS code, so the rules read (and test) on their own.
//
// A record's json tags name its fields in the API and also its attributes
// in DynamoDB (the store marshals by them): renaming one is a data
// migration, which shared/store's TestStoredAttributeNames will not let
// pass unnoticed.
package domain

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Code names a kind of failure. Each code maps to exactly one HTTP status
// and wording, in one place (shared/present), so the rest of the code
// never thinks in statuses.
type Code string

// The error codes of the SPEC. The string is what clients see.
const (
	CodeValidation           Code = "validation_failed"
	CodeUnauthenticated      Code = "unauthenticated"
	CodeForbidden            Code = "forbidden"
	CodeNotFound             Code = "not_found"
	CodeMethodNotAllowed     Code = "method_not_allowed"
	CodeConflict             Code = "conflict"
	CodeRequestInProgress    Code = "request_in_progress"
	CodePreconditionFailed   Code = "precondition_failed"
	CodePreconditionRequired Code = "precondition_required"
	CodeTooLarge             Code = "payload_too_large"
	CodeUnsupportedMedia     Code = "unsupported_media_type"
	CodePersonalData         Code = "personal_data_detected"
	CodeIdempotencyKeyReused Code = "idempotency_key_reused"
	CodeUnavailable          Code = "service_unavailable"
	CodeInternal             Code = "internal"
)

// Codes lists every code, for the tests that check each has one status and
// one wording wherever it is shown (shared/present).
var Codes = []Code{CodeValidation, CodeUnauthenticated, CodeForbidden, CodeNotFound, CodeMethodNotAllowed,
	CodeConflict, CodeRequestInProgress, CodePreconditionFailed, CodePreconditionRequired, CodeTooLarge,
	CodeUnsupportedMedia, CodePersonalData, CodeIdempotencyKeyReused, CodeUnavailable, CodeInternal}

// Error is a failure a client can act on. Fields names each bad input field
// (as a JSON path such as "roles[0].projectId") with what is wrong with it.
type Error struct {
	Code    Code
	Message string
	Fields  map[string]string
	// Related is the record the refusal points to, when there is one to
	// go to instead (the newer submission that already corrected this one).
	Related *RecordRef
	// Public says Message is written for the client even when the code is
	// a failure on our side, whose messages are otherwise never shown: an
	// import stopped half way says how far it got and how to finish it.
	Public bool
	Err    error // the cause, for logs; never shown to clients
}

// Unwrap exposes the cause to errors.Is and errors.As.
func (e *Error) Unwrap() error { return e.Err }

// ErrMaybeSaved marks a failure whose change may have been made all the
// same: a write was sent to the database, which gave no answer (the
// network failed, or the write's own time ran out), so nobody can say
// whether it was committed. Such a failure is 503 like any other, but
// never says "nothing was saved" (SPEC: an error changes nothing):
// MaybeSavedMessage says what to do instead.
var ErrMaybeSaved = errors.New("a write was sent and not answered: it may have been made")

// MaybeSavedMessage is the API's message for a failure of ErrMaybeSaved.
const MaybeSavedMessage = "the database did not answer in time, so this request may have been saved: " +
	"send it again with the same Idempotency-Key, which is never saved twice " +
	"(without one, look for the record before sending it again)"

// Error is for logs: the code, the message, and the cause or the bad
// fields. Clients see only Message and Fields (shared/present).
func (e *Error) Error() string {
	if e.Err != nil { // logs need the cause; clients only ever see Message
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	if len(e.Fields) == 0 {
		return fmt.Sprintf("%s: %s", e.Code, e.Message)
	}
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + ": " + e.Fields[k]
	}
	return fmt.Sprintf("%s: %s (%s)", e.Code, e.Message, strings.Join(parts, "; "))
}

// Errorf makes an *Error with a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, or
// CodeInternal for any other error: an unknown failure is never the client's.
func ErrorCode(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// NotFound is the answer for anything missing or not visible to the caller:
// the two are deliberately indistinguishable.
func NotFound(what string) *Error {
	return Errorf(CodeNotFound, "%s not found", what)
}

// Problems collects field errors while validating; Err returns nil when
// nothing was wrong.
type Problems map[string]string

// MaxProblems is how many fields one error names at most: more help no one
// (a spreadsheet wrong in every row is wrong in the same way), and a
// hostile 64 KiB body or 4 MiB import could otherwise name tens of
// thousands, an answer of megabytes past Lambda's 6 MB limit.
const MaxProblems = 100

// Add records a problem with a field; the first problem found is kept,
// and the first MaxProblems fields found.
func (p Problems) Add(field, problem string) {
	if _, ok := p[field]; !ok && len(p) < MaxProblems {
		p[field] = problem
	}
}

// AddAll adds src's problems row by row (rows[N]… by N, each row's fields
// by name, fields of no row first), so that when p fills up (MaxProblems)
// those named are the first in the file, not whichever a map gave first.
func (p Problems) AddAll(src Problems) {
	for _, field := range slices.SortedFunc(maps.Keys(src), compareFields) {
		p.Add(field, src[field])
	}
}

// compareFields orders problem fields for AddAll.
func compareFields(a, b string) int {
	ra, _, aRow := ParseRowField(a)
	rb, _, bRow := ParseRowField(b)
	switch {
	case aRow != bRow:
		if aRow {
			return 1
		}
		return -1
	case aRow && ra != rb:
		return cmp.Compare(ra, rb)
	}
	return strings.Compare(a, b)
}

// Err turns the problems into a validation *Error, or nil if there are none.
func (p Problems) Err() error {
	return p.ErrAs("the request has invalid fields", "the request has "+AtLeast("invalid fields"))
}

// ErrAs turns the problems into a validation *Error, or nil if there are
// none, with message msg; or capped once Add has stopped at MaxProblems,
// since more may have gone unnamed and fixing the ones named would not do
// (see AtLeast).
func (p Problems) ErrAs(msg, capped string) error {
	if len(p) == 0 {
		return nil
	}
	if len(p) >= MaxProblems {
		msg = capped
	}
	return &Error{Code: CodeValidation, Message: msg, Fields: map[string]string(p)}
}

// AtLeast words a count of problems Add stopped at, for ErrAs's capped
// message: "at least 100 <what>; these are the first 100".
func AtLeast(what string) string {
	return "at least " + strconv.Itoa(MaxProblems) + " " + what + "; these are the first " + strconv.Itoa(MaxProblems)
}

// MergeProblems combines validation errors so one answer names every bad
// field: decoding problems (wrong types) and rule problems (missing, out of
// range) alike. The first problem reported for a field wins. Any error that
// is not a validation error is returned as it is.
//
// A problem with the body as a whole (BodyField, "$": not JSON, not an
// object, empty) is the answer on its own: no field could be read, so the
// rules' findings ("title": "required" for a title that was sent, before
// trailing garbage) would tell the client to fix what is not wrong.
func MergeProblems(errs ...error) error {
	p := Problems{}
	for _, err := range errs {
		if err == nil {
			continue
		}
		var e *Error
		if !errors.As(err, &e) || e.Code != CodeValidation {
			return err
		}
		if len(e.Fields) == 0 {
			return err
		}
		if whole, ok := e.Fields[BodyField]; ok {
			return &Error{Code: CodeValidation, Message: e.Message, Fields: map[string]string{BodyField: whole}}
		}
		p.AddAll(e.Fields)
	}
	return p.Err()
}

// ProblemNotFoundRef is what a field or query parameter naming a record is
// told when no record of the programme (or project) has that id: whether
// the id is well formed but unknown (the service finds it missing), is
// another programme's (or, where the caller works within a project,
// another project's) record's, or could never be an id. One wording for
// all three, so that the answer says nothing of what exists elsewhere.
const ProblemNotFoundRef = "not found in this programme or project"

// ProblemNotGrantSpend is what a spend return's replaces is told when it
// names none of the grant's own spend returns: an id that could never be
// one, one of nothing, another programme's, or one of another grant's
// (which the caller may read, but which is not this grant's to correct).
const ProblemNotGrantSpend = "not a spend return of this grant"

// refProblem is what is wrong with a reference field whose value is no
// id: required when it was not sent, or ProblemNotFoundRef when it was
// ("nope" is not one of the programme's funders, not a missing funder).
func refProblem(id, required string) string {
	if strings.TrimSpace(id) == "" {
		return required
	}
	return ProblemNotFoundRef
}

// BodyField is the field a validation error names for a problem with a
// request's body as a whole, such as one that is not JSON: "$", the root
// of the document in JSONPath, whose dotted paths ("roles[0].projectId")
// every other field's name follows. It was "body", which a request's own
// top-level field of that name would have shared, so a client could not
// tell the two apart; no field's path is "$" (decode writes a member
// named so "\"$\"", as it writes one named "" "\"\"").
const BodyField = "$"
