package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/fundtrack/fundtrack/shared/present"
	"github.com/fundtrack/fundtrack/shared/service"
)

// A double click, or a browser sending a slow form again, must not record
// the same outcomes or grant twice, nor apply an edit twice. Every form
// that makes or changes a record (editForm: its create and edit pages)
// carries a one-time key, made when the form is first shown (a hidden
// field) and kept when it is shown again with its errors; the post runs
// under the API's idempotency contract with that key as its
// Idempotency-Key, so the change is written at most once and every repeat
// of the post goes where the first one went.

// formKeyField is the hidden field holding a form's one-time key.
const formKeyField = "formKey"

// formKeyLease is how long a post holds its key while it runs (as the
// API's claimLease): a holder that died is taken over after it.
const formKeyLease = 30 * time.Second

// formKeyWait is how long a repeat waits for the first post of its form to
// finish, so a double click lands on the record the first click saved;
// formKeyPoll is how often it looks.
const (
	formKeyWait = 5 * time.Second
	formKeyPoll = 100 * time.Millisecond
)

// formChanged is present.ErrFormChanged knowing the page of what the form saved
// first (the saved answer's Location), for its refusal page to link to,
// and what that page advises for the kind of record (editForm.Resent; ""
// for the usual advice).
type formChanged struct{ saved, advice string }

func (e formChanged) Error() string { return present.ErrFormChanged.Error() }
func (e formChanged) Unwrap() error { return present.ErrFormChanged }

// validFormKey reports whether a posted key could be one the app made: a
// form without one (a page served before keys existed) is saved as
// before, with no protection.
func validFormKey(k string) bool {
	return len(k) >= 16 && len(k) <= 255 && strings.IndexFunc(k, func(r rune) bool { return r <= 0x20 || r > 0x7e }) < 0
}

// saveOnce runs save, which saves a record (a new one, or a change to
// one) and says where the browser goes next, at most once for the posted
// form's key (service.RunOnce). A repeat of the same post goes where the
// first went, waiting for it if it is still running; a refusal saved
// nothing and releases the key, so the corrected form (which keeps its
// key) is saved when it is sent again.
//
// The saved answer (where the record went) is the caller's only while the
// caller may still make the post, as an API replay's (route.may): every
// caller runs the page's own access check first, on every post, a repeat
// included (editForm.serve: the programme opened, a non-member not found;
// the form's May, the service's check or its mirror, 403), so a person
// removed or moved to another role gets the page a new post gets
// (TestFormSentAgainAfterAccessChanged).
func (a *app) saveOnce(r *http.Request, q *req, save func() (string, error)) (string, error) {
	key := q.Form.Get(formKeyField)
	if !validFormKey(key) {
		return save()
	}
	answer, err := a.Service.Idempotency().RunOnce(r.Context(), service.Once{
		Claim: service.ClaimFor(q.Caller, "web form "+key),
		Hash:  service.RequestHash(r.Method, r.URL.EscapedPath(), []byte(formContent(q.Form))),
		Lease: formKeyLease, Wait: formKeyWait, Poll: formKeyPoll,
		// The record is saved: the person goes to it. A repeat learns it
		// was saved (present.ErrFormSaved) rather than saving it again.
		Log: func(err error) { a.Logger.Error("web: form key", "requestId", requestID(r), "err", err) },
	}, func(c *service.Claim) (service.SavedAnswer, error) {
		// The change's own transaction commits the claim, so it is applied
		// at most once even if this answer is lost.
		q.hold(c)
		defer q.hold(nil)
		to, err := save()
		return service.SavedAnswer{Status: http.StatusSeeOther, Headers: map[string]string{"Location": to}}, err
	})
	switch {
	case errors.Is(err, service.ErrInProgress):
		return "", present.ErrFormSaving
	case errors.Is(err, service.ErrKeyReused):
		return "", formChanged{saved: answer.Headers["Location"]}
	case errors.Is(err, service.ErrAnswerLost):
		return "", present.ErrFormSaved
	}
	if err != nil {
		return "", err
	}
	if to := answer.Headers["Location"]; to != "" {
		return to, nil
	}
	return "", present.ErrFormSaved
}

// hold makes the request's changes commit claim (nil: none), on the scope
// whether it is open yet or not.
func (q *req) hold(c *service.Claim) {
	q.claim = c
	if q.sc != nil {
		q.sc.WithClaim(c)
	}
}

// formContent is what makes two posts of a form the same post: every
// value but the session's CSRF token, in a fixed order.
func formContent(form url.Values) string {
	v := url.Values{}
	for k, vs := range form {
		if k != "csrf" {
			v[k] = vs
		}
	}
	return v.Encode()
}
