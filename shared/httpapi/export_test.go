package httpapi

import "net/http"

// What the external tests (package httpapi_test) need of the package's
// insides: the one place answers are written, and the answer types that
// are not exported.

// WriteJSON is writeJSON: every JSON answer is written by it.
var WriteJSON = writeJSON

// WriteList is writeList: every collection is answered by it.
func WriteList[T any](w http.ResponseWriter, items []T, next string) { writeList(w, items, next) }

// GrantAnswer is the answer of a grant's create and change.
type GrantAnswer = grantAnswer

// ErrorBody is the body of every error answer.
type ErrorBody = errorBody
