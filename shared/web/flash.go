package web

import (
	"net/http"
	"net/url"
	"time"
)

// flashNote is what a change just did (a payment recorded as paid or
// cancelled, a spend return reported, outcomes submitted, a decision
// saved), sealed into the link to the record's page that says so, by the
// session codec, as importDone and memberRemoved are: only this service
// can write one, for the person who made the change, the record changed
// and a short while. So a crafted link (?paid=x, ?reviewed=1) shows no
// "Success" banner, nor does a link passed on to someone else or a
// bookmark of one opened later: the banner says what that person has just
// done, never what a link says happened (security3 N1).
type flashNote struct {
	What    string    `json:"w"` // what was done, as the page names it ("paid", "cancelled", "reported", …)
	Record  string    `json:"r"` // the id of the record the page shows
	Subject string    `json:"s"` // who did it
	At      time.Time `json:"t"`
}

// flashNoteName authenticates a sealed flashNote as one (a session cookie's
// text, or another note, cannot pass for it).
const flashNoteName = "fundtrack_flash"

// flashLife is how long after the change its note shows: long enough for
// the redirect and a reload, short enough that a bookmark says nothing.
const flashLife = 10 * time.Minute

// flashLink is the link to path (a record's page) carrying, under param,
// the sealed note that the person signed in has just done what to record,
// and then fragment ("#payments", or ""). If the note cannot be sealed
// (the codec's key is out of reach for now), the link carries none: the
// change is made, and the page shows it, without the banner.
func (a *app) flashLink(q *req, path, param, what, record, fragment string) string {
	sealed, err := a.Sessions.Seal(flashNoteName, flashNote{What: what, Record: record, Subject: q.Caller.Identity.Subject, At: a.Now()})
	if err != nil {
		return path + fragment
	}
	return path + "?" + url.Values{param: {sealed}}.Encode() + fragment
}

// flashOf is what the note under param of r's link says the person signed
// in has just done to record, or "" when it carries none for them: no note,
// one not sealed by this service, another person's or another record's,
// or one more than flashLife old (or dated more than a minute ahead, past
// any clock skew between the app's instances).
func (a *app) flashOf(r *http.Request, q *req, param, record string) string {
	text := r.URL.Query().Get(param)
	var note flashNote
	if text == "" || a.Sessions.Open(flashNoteName, text, &note) != nil || note.Subject != q.Caller.Identity.Subject ||
		note.Record != record || a.Now().Sub(note.At) > flashLife || a.Now().Before(note.At.Add(-time.Minute)) {
		return ""
	}
	return note.What
}
