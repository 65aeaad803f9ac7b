package httpapi

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/fundtrack/fundtrack/shared/decode"
	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/service"
)

// claimLease is how long a request holds its key while running; a holder
// that died is taken over after it.
const claimLease = 30 * time.Second

// validKey reports whether an Idempotency-Key is 1 to 255 printable ASCII
// characters, spaces included ("q3 return Bradford").
func validKey(k string) bool {
	return len(k) >= 1 && len(k) <= 255 && strings.IndexFunc(k, func(r rune) bool { return r < 0x20 || r > 0x7e }) < 0
}

// idempotent serves a POST carrying an Idempotency-Key: the first request
// runs and its answer is saved; repeats within 24 hours get that answer
// back, once the route's access check (route.may) finds the caller may
// still make the request. The answer is saved before it is sent, so an
// answer that reached the client is always replayable.
//
// Whatever the key says (a replay, or a key already used for another
// request: 422 idempotency_key_reused, or one still running), the route's
// access check answers first: a caller with no membership of the
// programme gets its 404, as for everything in it (SPEC), not a 422 about
// their key (security3 N3). A new request (the common case) is not
// checked twice: the route's own handler checks it.
func (s *server) idempotent(w http.ResponseWriter, r *http.Request, c *call, body []byte, rt route) {
	key := header(r, "Idempotency-Key")
	if !validKey(key) {
		s.writeError(w, r, s.refusal(r, c, &domain.Error{Code: domain.CodeValidation, Message: "the Idempotency-Key header is not valid",
			Fields: map[string]string{"Idempotency-Key": "must be 1 to 255 printable ASCII characters (spaces allowed)"}}))
		return
	}
	idem := s.Service.Idempotency()
	claim := service.ClaimFor(c.Caller, key)
	saved, err := idem.Begin(r.Context(), claim, service.RequestHash(r.Method, hashedPath(r), hashedBody(body, rt)), s.Now(), claimLease)
	if err != nil || saved != nil {
		// The saved answer holds programme data: it is the caller's only
		// while the caller may still make the request (SPEC: a non-member
		// sees 404 for everything in a programme). Nor is what became of
		// the key theirs to learn where they may not make the request.
		if merr := rt.may(r, c); merr != nil {
			s.writeError(w, r, merr)
			return
		}
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if saved != nil {
		for k, v := range saved.Headers {
			w.Header().Set(k, v)
		}
		w.Header().Set("Idempotent-Replayed", "true")
		w.WriteHeader(saved.Status)
		w.Write(saved.Body)
		return
	}
	rec := newBuffered()
	c.claim = &claim // the change's own transaction commits the claim: applied at most once
	if err := rt.serve(rec, r, c); err != nil {
		s.writeError(rec, r, s.refusal(r, c, err))
	}
	// Success, and refusals of the request itself (its body), are the
	// answer for good. Anything that depends on the moment — a 5xx, a role
	// not yet granted, a record not there yet, a stale version — releases
	// the key, so a retry with it runs again.
	ctx := context.WithoutCancel(r.Context())
	if !replayable(rec.status) {
		if err := idem.Abandon(ctx, claim); err != nil {
			s.Logger.Error("release idempotency key", "err", err, "requestId", c.RequestID)
		}
		rec.flush(w)
		return
	}
	headers := map[string]string{}
	for _, h := range replayedHeaders {
		if v := rec.Header().Get(h); v != "" {
			headers[h] = v
		}
	}
	if err := idem.Complete(ctx, claim, service.SavedAnswer{Status: rec.status, Headers: headers, Body: rec.body.Bytes()}); err != nil {
		s.Logger.Error("save idempotent response", "err", err, "requestId", c.RequestID)
		if rec.status < 300 {
			// The change is made but its answer is not saved: sending it
			// would hand out an answer a retry could not replay. The
			// retry learns the change was applied (409) instead.
			s.writeError(w, r, &domain.Error{Code: domain.CodeUnavailable, Public: true, Err: err,
				Message: "this request was saved, but its answer could not be kept: look the record up rather than sending it again " +
					"(sent again with the same Idempotency-Key, it is not saved twice)"})
			return
		}
		if err := idem.Abandon(ctx, claim); err != nil { // a refusal changed nothing: let a retry run again
			s.Logger.Error("release idempotency key", "err", err, "requestId", c.RequestID)
		}
	}
	rec.flush(w)
}

// replayedHeaders are the headers of an answer saved for replay: what it
// is (Content-Type, Content-Disposition), where and which version
// (Location, ETag), and how it may be kept. A replay without the first
// answer's Cache-Control: no-store let a cache keep personal and financial
// data the first answer kept out of it.
var replayedHeaders = []string{"Content-Type", "Content-Disposition", "Cache-Control", "Location", "ETag"}

// hashedPath is the path a request's hash covers: with its query string
// when it has one, so an import's ?dryRun=true and ?dryRun=false are two
// requests, never one answer replayed for the other.
func hashedPath(r *http.Request) string {
	if r.URL.RawQuery == "" {
		return r.URL.EscapedPath()
	}
	return r.URL.EscapedPath() + "?" + r.URL.RawQuery
}

// hashedBody is the body a request's hash covers: a JSON body in its
// canonical form (decode.Canonical), so the same JSON sent again with its
// members in another order, other white space or other string escapes
// (a client that rebuilt it to retry) is the same request, and replays;
// a file (an import's sheet), or a body JSON does not read one way, as
// its bytes.
func hashedBody(body []byte, rt route) []byte {
	if rt.files != nil {
		return body
	}
	if c, ok := decode.Canonical(body); ok {
		return c
	}
	return body
}

// replayable reports whether an answer is kept for repeats of its request:
// a success, or a refusal of the request's own content.
func replayable(status int) bool {
	switch status {
	case http.StatusBadRequest, http.StatusRequestEntityTooLarge, http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity:
		return true
	}
	return status < 400
}

// buffered keeps a response until it is saved for replay, then sends it.
type buffered struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func newBuffered() *buffered { return &buffered{header: http.Header{}, status: http.StatusOK} }

func (b *buffered) Header() http.Header         { return b.header }
func (b *buffered) WriteHeader(code int)        { b.status = code }
func (b *buffered) Write(p []byte) (int, error) { return b.body.Write(p) }

func (b *buffered) flush(w http.ResponseWriter) {
	for k, v := range b.header {
		w.Header()[k] = v
	}
	w.WriteHeader(b.status)
	w.Write(b.body.Bytes())
}
