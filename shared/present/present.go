// Package present says how things are shown. Each kind of failure: one
// table from error code to HTTP status, page title and what to do, read by
// the JSON API (shared/httpapi) and the web pages (shared/web) alike, so an
// expected refusal has one status and one wording wherever it happens;
// beside it, the few refusals only the web app makes, each worded on its
// own (ErrCSRF…). And each answer of the API (Answer): lists and objects
// never null. And the id each request goes by (RequestID), which answers
// and error pages show.
package present

import (
	"errors"
	"net/http"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// Presentation is how one kind of failure is shown.
type Presentation struct {
	Code   domain.Code
	Status int
	// Title heads the error page.
	Title string
	// Advice says what to do next, for a person; the API sends the
	// error's own message instead, which is more specific.
	Advice string
	// Told says the service words its refusals of this code for the
	// person who asked: what happened and what to do ("this payment has
	// been paid, so it cannot be cancelled"). A page then shows that
	// message, followed by Then, rather than Advice, which would be a
	// guess at what happened; Advice stays for a refusal with no message.
	// Codes whose messages are written for API clients (an If-Match, an
	// Idempotency-Key, a media type) are not Told.
	Told bool
	// Then follows the error's own message on a page, when Told.
	Then string
}

// table is every error code the service can return. The test walks every
// code of domain.Codes through the API and the web app with it.
var table = map[domain.Code]Presentation{
	domain.CodeValidation: {Status: http.StatusBadRequest, Title: "There is a problem with what was sent",
		Advice: "Check the details, correct them and try again. Nothing was saved."},
	domain.CodeUnauthenticated: {Status: http.StatusUnauthorized, Title: "You need to sign in",
		Advice: "Sign in and try again."},
	domain.CodeForbidden: {Status: http.StatusForbidden, Title: "You cannot do this",
		Advice: "Your role in this programme does not allow it. Ask the programme's lead if you think you should be able to.",
		Told:   true, Then: "Ask the programme's lead if you think you should be able to."},
	domain.CodeNotFound: {Status: http.StatusNotFound, Title: "Page not found",
		Advice: "The page does not exist, or you do not have access to it. If you typed the web address, check it is correct."},
	domain.CodeMethodNotAllowed: {Status: http.StatusMethodNotAllowed, Title: "This cannot be done here",
		Advice: "Go back and use the links and buttons on the page."},
	// A conflict is any refusal because of the state things are in: an
	// import still running, a payment already paid, a submission already
	// reviewed or corrected, a record changed at the same moment. Only the
	// service's message says which.
	domain.CodeConflict: {Status: http.StatusConflict, Title: "This could not be done",
		Advice: "It does not fit the record as it is now. Look at the record before trying again. Nothing was saved.",
		Told:   true, Then: "Nothing was saved."},
	domain.CodeRequestInProgress: {Status: http.StatusConflict, Title: "This is still being saved",
		Advice: "The same request is still being saved. Wait a moment, then look at the record before sending it again."},
	domain.CodePreconditionFailed: {Status: http.StatusPreconditionFailed, Title: "Someone else changed this",
		Advice: "The record changed after you opened it, so your change was not saved. Look at it again and make your change once more."},
	domain.CodePreconditionRequired: {Status: http.StatusPreconditionRequired, Title: "This change needs the version you read",
		Advice: "Open the record again and make your change from there."},
	domain.CodeTooLarge: {Status: http.StatusRequestEntityTooLarge, Title: "What you sent is too large",
		Advice: "Send less at once. Nothing was saved.",
		Told:   true, Then: "Nothing was saved."},
	domain.CodeUnsupportedMedia: {Status: http.StatusUnsupportedMediaType, Title: "What you sent could not be read",
		Advice: "Go back and send it again from the form. Nothing was saved."},
	domain.CodePersonalData: {Status: http.StatusUnprocessableEntity, Title: "Remove personal details",
		Advice: "fundtrack keeps only counts, never details of the people supported. Remove names, dates of birth, home addresses, NHS, National Insurance and hospital numbers, email addresses and phone numbers, then try again. Nothing was saved."},
	domain.CodeIdempotencyKeyReused: {Status: http.StatusUnprocessableEntity, Title: "This request was already used for something else",
		Advice: "Send it again as a new request. Nothing was saved."},
	domain.CodeUnavailable: {Status: http.StatusServiceUnavailable, Title: "Sorry, the service is unavailable",
		Advice: "Try again in a moment. Nothing was saved."},
	domain.CodeInternal: {Status: http.StatusInternalServerError, Title: "Sorry, there is a problem with the service",
		Advice: "Try again later."},
}

// The refusals only the web app makes: a form without the session's CSRF
// token, a form posted after the session ended, a sign-in that did not
// complete, a web address that is not a URL, and a form sent twice (the web app's words for the
// idempotency contract's refusals, whose API wording speaks of headers).
// Each is a refusal of its code, but has a page of its own (webOnly). The
// API never makes them.
var (
	ErrCSRF         = domain.Errorf(domain.CodeForbidden, "csrf")
	ErrSignedOut    = domain.Errorf(domain.CodeUnauthenticated, "signed out")
	ErrSignInFailed = domain.Errorf(domain.CodeUnauthenticated, "sign-in failed")
	ErrUnverified   = domain.Errorf(domain.CodeUnauthenticated, "email not verified")
	// ErrFormSaving: the first post of the form is still running.
	ErrFormSaving = domain.Errorf(domain.CodeRequestInProgress, "form still saving")
	// ErrFormSaved: the form was saved but where it went was lost.
	ErrFormSaved = domain.Errorf(domain.CodeConflict, "form saved, answer lost")
	// ErrFormChanged: the form's key was used by a post with other values:
	// the form was saved, then changed and sent again (the browser's back
	// button).
	ErrFormChanged = domain.Errorf(domain.CodeIdempotencyKeyReused, "form sent again changed")
	// ErrBadAddress: the web address is not a URL (decode.Target), so it
	// names no page.
	ErrBadAddress = domain.Errorf(domain.CodeValidation, "web address not a URL")
)

// webOnly words the web app's own refusals, by sentinel; Of finds one
// anywhere in an error's chain before it looks at the code. A lost
// session or a failed sign-in answers 403, not its code's 401: a browser
// is never asked for credentials.
var webOnly = []struct {
	err error
	Presentation
}{
	{ErrCSRF, Presentation{Status: http.StatusForbidden, Title: "Your form could not be sent",
		Advice: "The page you sent it from had expired or did not come from this service. Nothing was saved. Go back, reload the page and try again."}},
	{ErrSignedOut, Presentation{Status: http.StatusForbidden, Title: "You have been signed out",
		Advice: "Your session has ended, so what you sent was not saved. Sign in again and try once more."}},
	{ErrSignInFailed, Presentation{Status: http.StatusForbidden, Title: "Sign-in failed",
		Advice: "We could not sign you in. The sign-in may have taken too long or been opened in another window. Try again."}},
	{ErrUnverified, Presentation{Status: http.StatusForbidden, Title: "Your email address is not verified",
		Advice: "We cannot sign you in until you confirm your email address: roles in a programme are given to a verified address. Confirm it with the code sent to it, or ask your programme lead or fundtrack's administrator for help, then sign in again."}},
	{ErrFormSaving, Presentation{Status: http.StatusConflict, Title: table[domain.CodeRequestInProgress].Title,
		Advice: "You sent this form twice and the first is still being saved. Wait a moment, then look for the record in its list before sending the form again."}},
	// Two refusals, one title: the advice says which happened.
	{ErrFormSaved, Presentation{Status: http.StatusConflict, Title: "This form has already been saved",
		Advice: "You sent this form before and it was saved. Look for the record in its list rather than sending the form again."}},
	{ErrFormChanged, Presentation{Status: http.StatusConflict, Title: "This form has already been saved",
		Advice: "This form was saved before it was changed, so the changes were not saved. Look at the record in its list: change it there, or open the form again to add another."}},
	{ErrBadAddress, Presentation{Status: http.StatusBadRequest, Title: "The web address is not valid",
		Advice: "It has a % sign that is not followed by two letters or numbers (such as %20), so it does not name a page. If you typed or pasted the web address, check it is correct. Nothing was saved."}},
}

// maybeSaved shows a failure after which a change may have been made all
// the same (domain.ErrMaybeSaved): a 503 that never says nothing was saved.
var maybeSaved = Presentation{Code: domain.CodeUnavailable, Status: http.StatusServiceUnavailable,
	Title: table[domain.CodeUnavailable].Title,
	Advice: "The database did not answer in time, so what you sent may have been saved. " +
		"Look for it before sending it again."}

func init() {
	for code, p := range table {
		p.Code = code
		table[code] = p
	}
	for i := range webOnly {
		webOnly[i].Code = domain.ErrorCode(webOnly[i].err)
	}
}

// Of returns how err is shown: as the web app's own refusal it is (ErrCSRF…),
// else by the code of the first domain.Error in its chain; anything else
// is an internal failure.
func Of(err error) Presentation {
	if errors.Is(err, domain.ErrMaybeSaved) {
		return maybeSaved
	}
	for _, w := range webOnly {
		if errors.Is(err, w.err) {
			return w.Presentation
		}
	}
	if p, ok := table[domain.ErrorCode(err)]; ok {
		return p
	}
	return table[domain.CodeInternal]
}

// Internal is how a failure of ours is shown: "Sorry, there is a problem
// with the service".
func Internal() Presentation { return table[domain.CodeInternal] }

// WebOnly lists the web app's own refusals (ErrCSRF…), for the tests that
// walk every presentation.
func WebOnly() []error {
	out := make([]error, len(webOnly))
	for i, w := range webOnly {
		out[i] = w.err
	}
	return out
}

// Status is the HTTP status for err.
func Status(err error) int { return Of(err).Status }

// Known reports whether code has a presentation (the tests check every
// code of domain.Codes has).
func Known(code domain.Code) bool {
	_, ok := table[code]
	return ok
}

// RequestID is the id request r goes by (domain.Caller.RequestID, the
// audit trail's requestId, logs, the X-Request-Id header and the
// reference an error page asks to be quoted): the platform's id for it
// (API Gateway's, read by platform, which may be nil) when it has one,
// else a new one. The API and the web app both name their requests by it.
func RequestID(r *http.Request, platform func(*http.Request) string) string {
	if platform != nil {
		if id := platform(r); id != "" {
			return id
		}
	}
	return domain.NewID()
}
