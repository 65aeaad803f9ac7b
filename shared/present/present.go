// Package present says how things are shown. Each kind of failure: one
// table from error code to HTTP status, page title and what to do, read by
// the JSON API (shared/httpapi) and the web pages (shared/web) alike, so an
// expected refusal has one status and one wording wherever it happens. And
// each answer of the API (Answer): lists and objects never null.
package present

import (
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

func init() {
	for code, p := range table {
		p.Code = code
		table[code] = p
	}
}

// Of returns how err is shown: by the code of the first domain.Error in
// its chain; anything else is an internal failure.
func Of(err error) Presentation {
	if p, ok := table[domain.ErrorCode(err)]; ok {
		return p
	}
	return table[domain.CodeInternal]
}

// Status is the HTTP status for err.
func Status(err error) int { return Of(err).Status }

// Known reports whether code has a presentation (the tests check every
// code of domain.Codes has).
func Known(code domain.Code) bool {
	_, ok := table[code]
	return ok
}
