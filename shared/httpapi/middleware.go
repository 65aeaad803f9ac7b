package httpapi

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fundtrack/fundtrack/shared/decode"
	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/export"
	"github.com/fundtrack/fundtrack/shared/present"
	"github.com/fundtrack/fundtrack/shared/service"
)

// MaxBodyBytes is the largest request body accepted (64 KiB).
const MaxBodyBytes = 64 << 10

// DefaultRequestTimeout leaves three seconds of the functions' 10-second
// Lambda timeout to finish a write already sent (service.WriteGrace) and
// answer in the SPEC's shape rather than be cut off by Lambda.
const DefaultRequestTimeout = 7 * time.Second

// Deps are what the API handlers need. Handlers touch them only while
// serving, so Functions(Deps{}) can list routes without any of them.
type Deps struct {
	Service *service.Service
	Auth    Authenticator
	Logger  *slog.Logger
	// RequestID names the request for logs and audit; in Lambda it is API
	// Gateway's request id. Nil makes a new id per request.
	RequestID func(*http.Request) string
	Now       func() time.Time
	// RequestTimeout bounds every request (default DefaultRequestTimeout):
	// past it the request is answered 503 with Retry-After, whatever is
	// still running, so a hung database never means a hung connection.
	RequestTimeout time.Duration
	// Giving is how the deployment publishes 360Giving data: its prefix,
	// publisher, licence and data source (FUNDTRACK_360_*).
	Giving export.GivingConfig
}

// call is one request as a route sees it: who is calling and, for a POST
// sent with an Idempotency-Key, the claim its change must commit.
type call struct {
	domain.Caller
	claim *service.Claim
	// scope is the last scope the route opened (open, openProject), whose
	// access check, once made, answers refusal without another read.
	scope *service.Scope
}

// route is one API route: its pattern and the function serving it.
type route struct {
	pattern string
	public  bool // served without a token (/health, /openapi.json)
	serve   handlerFunc
	// files, when set, is the body a route takes instead of JSON (an
	// import's spreadsheet): its media types and size limit.
	files *fileBody
	// may is the access check of a POST's change on its own: the service's
	// own, the one serve's call makes first. An answer saved for an
	// Idempotency-Key is replayed only once it passes, so a caller removed
	// from the programme or moved to a role that may not make the change
	// gets what a new request would (404, 403), not the saved answer. Every
	// POST route has one (newHandler).
	may mayFunc
	// query names the query parameters the route reads; any other is
	// refused (400 naming it) before anything else about the request is
	// judged (queryParams). TestOpenAPIQueryParameters holds each route's
	// list to openapi.json's.
	query params
}

// params are the names of a route's query parameters.
type params []string

// paged are a list's parameters: a page's size and where it starts.
var paged = params{"limit", "cursor"}

// and is p with more names.
func (p params) and(names ...string) params { return append(slices.Clip(p), names...) }

// queryParams refuses the parameters of q that the route does not read,
// naming each: a filter misspelt (?projectid=) or meant for another route,
// read as left out, would answer every record as if they were the filter's
// answer. (The web app's pages ignore such parameters instead: a person's
// link may carry a mail client's tracking parameters, and a page shows
// what it filters by.)
func queryParams(q url.Values, takes params) error {
	p := domain.Problems{}
	for name := range q {
		if slices.Contains(takes, name) {
			continue
		}
		field := name
		if field == "" {
			field = `""`
		}
		i := slices.IndexFunc(takes, func(t string) bool { return looseName(t) == looseName(name) })
		switch {
		case i >= 0: // a slip of case or of _ and -: say which it meant
			p.Add(field, "is not a parameter of this request: the name is "+takes[i]+", not "+strconv.Quote(name))
		case len(takes) == 0:
			p.Add(field, "is not a parameter of this request: it takes none")
		default:
			p.Add(field, "is not a parameter of this request: it takes "+strings.Join(takes, ", "))
		}
	}
	return p.Err()
}

// looseName is a parameter's name as a slip might spell it: any case,
// without _ or -.
func looseName(name string) string { return strings.ToLower(separators.Replace(name)) }

var separators = strings.NewReplacer("_", "", "-", "")

// mayFunc is a route's access check: nil when the caller may make the
// route's request, else the refusal a new request would get.
type mayFunc = func(r *http.Request, c *call) error

// fileBody is a route's body of files: one of Media, at most Max bytes.
type fileBody struct {
	Media []string
	Max   int
	// Refuse is the 415 for any other media type.
	Refuse string
}

// handlerFunc is a route's body: it returns an error for the middleware to
// write in the SPEC's shape rather than writing errors itself.
type handlerFunc = func(w http.ResponseWriter, r *http.Request, c *call) error

// server is what every API function's handler shares: dependencies and the
// middleware around its routes.
type server struct {
	Deps
	mux *http.ServeMux
}

// newHandler builds one function's http.Handler from its routes.
func newHandler(d Deps, routes func(*server) []route) http.Handler {
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.RequestTimeout <= 0 {
		d.RequestTimeout = DefaultRequestTimeout
	}
	s := &server{Deps: d, mux: http.NewServeMux()}
	for _, rt := range routes(s) {
		if strings.HasPrefix(rt.pattern, http.MethodPost+" ") && rt.may == nil {
			panic("httpapi: " + rt.pattern + " has no access check for replays (route.may)")
		}
		s.mux.Handle(rt.pattern, s.wrap(rt))
	}
	s.mux.HandleFunc("/", s.unmatched)
	return s.identify(s.plainPath(s.deadline(s.recover(s.mux))))
}

func patterns(routes []route) []string {
	out := make([]string, len(routes))
	for i, r := range routes {
		out[i] = r.pattern
	}
	return out
}

type ctxKey int

const requestIDKey ctxKey = iota

func (s *server) requestID(r *http.Request) string {
	if id, ok := r.Context().Value(requestIDKey).(string); ok {
		return id
	}
	return ""
}

// identify gives every request its id before anything else runs, and
// every answer the headers all answers carry: its id, and nosniff, so a
// browser takes no answer (JSON, a CSV or workbook export, an error) for
// anything but the type it says it is — the API shares its origin with
// the web app.
func (s *server) identify(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodHead {
			w = headWriter{w}
		}
		id := present.RequestID(r, s.RequestID)
		r = r.WithContext(context.WithValue(r.Context(), requestIDKey, id))
		w.Header().Set("X-Request-Id", id)
		w.Header().Set("X-Content-Type-Options", "nosniff")
		// A path with a stray % names no resource: the transport hands it
		// on as sent, for every function to refuse in the SPEC's shape.
		if err := decode.Target(r); err != nil {
			s.writeError(w, r, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// headWriter answers a HEAD as its GET is answered, without the body
// (RFC 9110, 9.3.2): every GET route serves HEAD (http.ServeMux matches a
// GET pattern for both, and template.yaml routes HEAD beside each GET).
// net/http's server drops a HEAD's body itself; the Lambda proxy would
// send it.
type headWriter struct{ http.ResponseWriter }

func (headWriter) Write(p []byte) (int, error) { return len(p), nil }

// recover turns a panic into a 500 that names only the request id.
func (s *server) recover(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.writeError(w, r, fmt.Errorf("panic: %v", v))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// deadline answers every request within RequestTimeout, or answerGrace
// after it for a handler finishing a write. The request's context carries
// the deadline, so database reads give up by then, and a write not yet
// sent is not sent; a write sent before it runs on its own bounded time
// (service.Sending), and its handler is waited for, so the answer is what
// happened: the change, or, if the database never answered, that it may
// have been saved (domain.ErrMaybeSaved). Should a handler still be at
// work after the grace (something that ignores its context), the client
// gets 503 with Retry-After rather than waiting on it: saying that the
// request may have been saved if a write of it was sent. The handler
// writes into a buffer, so a late answer can never be mixed into the 503.
func (s *server) deadline(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), s.RequestTimeout)
		defer cancel()
		ctx, sent := service.TrackWrites(ctx)
		r = r.WithContext(ctx)
		buf := newBuffered()
		done := make(chan struct{})
		go func() {
			defer close(done)
			next.ServeHTTP(buf, r)
		}()
		select {
		case <-done:
			if r.Method == http.MethodHead && buf.header.Get("Content-Length") == "" {
				// The length of the body a GET gets, which a HEAD leaves out.
				buf.header.Set("Content-Length", strconv.Itoa(buf.body.Len()))
			}
			buf.flush(w)
			return
		case <-ctx.Done():
		}
		// A handler still at work may be waiting on a write it sent
		// before the deadline, which storage lets finish
		// (service.WriteGrace): its own answer, a success if the write
		// was made, is the true one, so it is waited for that long.
		grace := time.NewTimer(answerGrace)
		defer grace.Stop()
		select {
		case <-done:
			buf.flush(w)
		case <-grace.C:
			err := fmt.Errorf("no answer within %v: %w", s.RequestTimeout, ctx.Err())
			if sent() {
				s.writeError(w, r, &domain.Error{Code: domain.CodeUnavailable, Message: domain.MaybeSavedMessage, Public: true,
					Err: fmt.Errorf("%w: %w", domain.ErrMaybeSaved, err)})
				return
			}
			s.writeError(w, r, &domain.Error{Code: domain.CodeUnavailable, Message: "the request took too long", Err: err})
		}
	})
}

// answerGrace is how long past the deadline the API waits for a handler
// still at work: a write's grace and time to answer after it.
const answerGrace = service.WriteGrace + 300*time.Millisecond

// namedPaths are the paths whose last segment is a name where a sibling
// route takes an id (…/grants/360giving beside …/grants/{grantId}), each
// with the methods it serves. A wildcard route would take them too — PATCH
// …/grants/360giving was answered as a change to a grant with id
// "360giving" — so the methods they do not serve are 405 here, in every
// function (API Gateway routes such a request to the wildcard's function).
var namedPaths = func() *http.ServeMux {
	m := http.NewServeMux()
	for path, allow := range map[string]string{
		"/programmes/{programmeId}/grants/360giving": "GET, HEAD",
	} {
		m.Handle(path, allowHeader(allow))
	}
	return m
}()

// allowHeader is a named path's Allow header, as namedPaths holds it.
type allowHeader string

func (allowHeader) ServeHTTP(http.ResponseWriter, *http.Request) {}

// namedAllow reports the methods a named path serves and its pattern, or
// "" if r's path is not one.
func namedAllow(r *http.Request) (allow, pattern string) {
	h, pat := namedPaths.Handler(r)
	a, ok := h.(allowHeader) // not a redirect to a cleaned path, nor not found
	if !ok {
		return "", ""
	}
	return string(a), pat
}

// notAllowed answers 405 with the methods the path serves.
func (s *server) notAllowed(w http.ResponseWriter, r *http.Request, allow string) {
	w.Header().Set("Allow", allow)
	s.writeError(w, r, domain.Errorf(domain.CodeMethodNotAllowed, "%s is not allowed here", r.Method))
}

// unmatched answers requests no route matched: 405 when the path exists
// for another method, else 404, both in the SPEC's error shape. Allow
// names HEAD wherever it names GET, since every GET route answers HEAD
// (headWriter; template.yaml routes HEAD beside each GET).
func (s *server) unmatched(w http.ResponseWriter, r *http.Request) {
	if allow, _ := namedAllow(r); allow != "" {
		s.notAllowed(w, r, allow)
		return
	}
	var allowed []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pat := s.mux.Handler(probe); pat != "/" && pat != "" {
			allowed = append(allowed, m)
			if m == http.MethodGet {
				allowed = append(allowed, http.MethodHead)
			}
		}
	}
	if len(allowed) > 0 {
		s.notAllowed(w, r, strings.Join(allowed, ", "))
		return
	}
	s.writeError(w, r, domain.Errorf(domain.CodeNotFound, "no such resource"))
}

// plainPath answers a path not in its plain form (decode.PlainPath) 404 in the
// SPEC's error shape, with every answer's headers: no resource has such
// a path, and the mux would redirect it.
func (s *server) plainPath(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !decode.PlainPath(r) {
			s.writeError(w, r, domain.Errorf(domain.CodeNotFound, "no such resource: a path has no empty segment (//) and no . or .. segment"))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// wrap runs the checks every route shares, in the order that leaks least:
// who is calling, then the body's size and type, then idempotency. Each
// refusal goes through refusal, so a caller with no membership of the
// request's programme is told 404, whatever else is wrong with the request.
func (s *server) wrap(rt route) http.Handler {
	_, path, _ := strings.Cut(rt.pattern, " ")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if allow, named := namedAllow(r); allow != "" && named != path {
			s.notAllowed(w, r, allow) // a wildcard route reached by a named path's name
			return
		}
		c := &call{Caller: domain.Caller{RequestID: s.requestID(r)}}
		if !rt.public {
			id, err := s.Auth.Authenticate(r)
			if err != nil {
				s.writeError(w, r, err)
				return
			}
			c.Identity = id
		}
		// Every query string is read one way, whether or not the route
		// reads it, so "?cursor=%%%" is never quietly the first page.
		q, err := decode.Query(r)
		if err == nil {
			err = queryParams(q, rt.query)
		}
		if err != nil {
			s.writeError(w, r, s.refusal(r, c, err))
			return
		}
		body, err := s.readBody(r, rt.files)
		if err != nil {
			s.writeError(w, r, s.refusal(r, c, err))
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		// A key sent empty (or only spaces, which HTTP trims away) is
		// refused by idempotent, not read as no key: a client that built
		// it from an unset variable believed its POST safe to repeat.
		if r.Method == http.MethodPost && len(r.Header.Values("Idempotency-Key")) > 0 {
			s.idempotent(w, r, c, body, rt)
			return
		}
		if err := rt.serve(w, r, c); err != nil {
			s.writeError(w, r, s.refusal(r, c, err))
		}
	})
}

// refusal is the answer to a request refused with err. A caller with no
// membership of the request's programme gets 404 for everything in it
// (SPEC, Roles), but what is wrong with a request's form is found before
// its access is (a query string that cannot be read: 400; a body too
// large, 413, or not JSON, 415, read only as far as the limit; no
// If-Match, 428, or one that names no version, 400: audit-surface N1).
// So a refusal (a 4xx but 401 and 404) of a request in a programme is
// answered with the access check's 404 when that finds the caller is no
// member, or the programme is not there. The check is the one the route's
// scope made, when it made one (no read more: a 403, 409 or 412 comes after
// it); else one read of the programme and the caller's membership, made
// only for a refusal, never for a request that succeeds. A member is
// given the refusal itself, whatever their role (a funder's PATCH without
// If-Match is 428 before its 403): its form is wrong whoever sends it.
func (s *server) refusal(r *http.Request, c *call, err error) error {
	status := present.Status(err)
	if pid(r) == "" || c.Identity.Email == "" || status < 400 || status >= 500 ||
		status == http.StatusUnauthorized || status == http.StatusNotFound {
		return err
	}
	sc := c.scope
	if sc == nil {
		sc = s.open(r, c)
	}
	if _, _, aerr := sc.Access(); domain.ErrorCode(aerr) == domain.CodeNotFound {
		return aerr
	}
	return err
}

func (s *server) readBody(r *http.Request, files *fileBody) ([]byte, error) {
	if r.Body == nil {
		return nil, nil
	}
	switch r.Method {
	case http.MethodPost, http.MethodPut, http.MethodPatch:
		// A compressed body read as it came was told it was not valid
		// JSON; the coding is what is refused (RFC 9110 15.5.16).
		for _, coding := range r.Header.Values("Content-Encoding") {
			for _, c := range strings.Split(coding, ",") {
				if c = strings.TrimSpace(c); c != "" && !strings.EqualFold(c, "identity") {
					return nil, domain.Errorf(domain.CodeUnsupportedMedia, "send the body uncompressed: Content-Encoding %q is not accepted", c)
				}
			}
		}
	}
	limit := MaxBodyBytes
	if files != nil {
		limit = files.Max
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, int64(limit)+1))
	if err != nil {
		return nil, domain.Errorf(domain.CodeValidation, "could not read the request body")
	}
	if len(body) > limit {
		if files != nil {
			return nil, domain.Errorf(domain.CodeTooLarge, "the file is larger than %d MiB: split it into parts", limit>>20)
		}
		return nil, domain.Errorf(domain.CodeTooLarge, "the request body is larger than %d bytes", MaxBodyBytes)
	}
	if files != nil {
		mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if !slices.Contains(files.Media, mt) {
			return nil, domain.Errorf(domain.CodeUnsupportedMedia, "%s", files.Refuse)
		}
		return body, nil
	}
	switch r.Method {
	case http.MethodPost, http.MethodPut, http.MethodPatch:
		mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return nil, domain.Errorf(domain.CodeUnsupportedMedia, "send the body as JSON with Content-Type: application/json")
		}
		// JSON between systems is UTF-8 (RFC 8259 8.1): a body declared
		// in another charset was read as UTF-8 and called invalid JSON.
		if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
			return nil, domain.Errorf(domain.CodeUnsupportedMedia, "send the body as UTF-8 JSON: charset %q is not accepted", cs)
		}
	}
	return body, nil
}

// open is the caller's scope in the request's programme.
func (s *server) open(r *http.Request, c *call) *service.Scope {
	c.scope = s.Service.Open(r.Context(), c.Caller, pid(r)).WithClaim(c.claim)
	return c.scope
}

// openProject is the caller's scope in the request's project.
func (s *server) openProject(r *http.Request, c *call) *service.Scope {
	c.scope = s.Service.OpenProject(r.Context(), c.Caller, pid(r), r.PathValue("projectId")).WithClaim(c.claim)
	return c.scope
}

func pid(r *http.Request) string { return r.PathValue("programmeId") }
