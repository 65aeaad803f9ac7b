package httpapi

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/export"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/store"
)

// MaxBodyBytes is the largest request body accepted (64 KiB).
const MaxBodyBytes = 64 << 10

// IdempotencyStore keeps the answers to POSTs sent with an Idempotency-Key.
// *store.Store implements it.
type IdempotencyStore interface {
	BeginIdempotent(ctx context.Context, scope, key, hash, claim string, now time.Time, lease time.Duration) (*store.SavedResponse, error)
	CompleteIdempotent(ctx context.Context, scope, key, claim string, r store.SavedResponse) error
	AbandonIdempotent(ctx context.Context, scope, key, claim string) error
}

// Deps are what the API handlers need. Handlers touch them only while
// serving, so Functions(Deps{}) can list routes without any of them.
type Deps struct {
	Service     *service.Service
	Auth        Authenticator
	Idempotency IdempotencyStore
	Logger      *slog.Logger
	// RequestID names the request for logs and audit; in Lambda it is API
	// Gateway's request id. Nil makes a new id per request.
	RequestID func(*http.Request) string
	Now       func() time.Time
	// Giving is how the deployment publishes 360Giving data: its prefix,
	// publisher, licence and data source (FUNDTRACK_360_*).
	Giving export.GivingConfig
}

// route is one API route: its pattern and the function serving it.
type route struct {
	pattern string
	public  bool // served without a token (/health, /openapi.json)
	serve   func(w http.ResponseWriter, r *http.Request, c domain.Caller) error
}

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
	s := &server{Deps: d, mux: http.NewServeMux()}
	for _, rt := range routes(s) {
		s.mux.Handle(rt.pattern, s.wrap(rt))
	}
	s.mux.HandleFunc("/", s.unmatched)
	return s.recover(s.mux)
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

// recover turns a panic into a 500 that names only the request id, and gives
// every request its id before anything else runs.
func (s *server) recover(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := ""
		if s.RequestID != nil {
			id = s.RequestID(r)
		}
		if id == "" {
			id = domain.NewID()
		}
		r = r.WithContext(context.WithValue(r.Context(), requestIDKey, id))
		w.Header().Set("X-Request-Id", id)
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

// unmatched answers requests no route matched: 405 when the path exists for
// another method, else 404, both in the SPEC's error shape.
func (s *server) unmatched(w http.ResponseWriter, r *http.Request) {
	var allowed []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pat := s.mux.Handler(probe); pat != "/" && pat != "" {
			allowed = append(allowed, m)
		}
	}
	if len(allowed) > 0 {
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		s.writeError(w, r, domain.Errorf(domain.CodeMethodNotAllowed, "%s is not allowed here", r.Method))
		return
	}
	s.writeError(w, r, domain.Errorf(domain.CodeNotFound, "no such resource"))
}

// wrap runs the checks every route shares, in the order that leaks least:
// who is calling, then the body's size and type, then idempotency.
func (s *server) wrap(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := domain.Caller{RequestID: s.requestID(r)}
		if !rt.public {
			id, err := s.Auth.Authenticate(r)
			if err != nil {
				s.writeError(w, r, err)
				return
			}
			c.Identity = id
		}
		body, err := s.readBody(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		if r.Method == http.MethodPost && header(r, "Idempotency-Key") != "" {
			s.idempotent(w, r, c, body, rt)
			return
		}
		if err := rt.serve(w, r, c); err != nil {
			s.writeError(w, r, err)
		}
	})
}

func (s *server) readBody(r *http.Request) ([]byte, error) {
	if r.Body == nil {
		return nil, nil
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxBodyBytes+1))
	if err != nil {
		return nil, domain.Errorf(domain.CodeValidation, "could not read the request body")
	}
	if len(body) > MaxBodyBytes {
		return nil, domain.Errorf(domain.CodeTooLarge, "the request body is larger than %d bytes", MaxBodyBytes)
	}
	switch r.Method {
	case http.MethodPost, http.MethodPut, http.MethodPatch:
		mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return nil, domain.Errorf(domain.CodeUnsupportedMedia, "send the body as JSON with Content-Type: application/json")
		}
	}
	return body, nil
}

// idempotent serves a POST carrying an Idempotency-Key: the first request
// runs and its answer is saved; repeats within 24 hours get that answer back.
// Keys are scoped to the caller, so one user's key never replays another's.
func (s *server) idempotent(w http.ResponseWriter, r *http.Request, c domain.Caller, body []byte, rt route) {
	key := header(r, "Idempotency-Key")
	if len(key) > 255 || strings.IndexFunc(key, func(r rune) bool { return r < 0x21 || r > 0x7e }) >= 0 {
		s.writeError(w, r, &domain.Error{Code: domain.CodeValidation, Message: "the Idempotency-Key header is not valid",
			Fields: map[string]string{"Idempotency-Key": "must be 1 to 255 printable ASCII characters"}})
		return
	}
	sum := sha256.New()
	fmt.Fprintf(sum, "%s %s\n", r.Method, r.URL.EscapedPath())
	sum.Write(body)
	hash := hex.EncodeToString(sum.Sum(nil))
	scope := c.Subject
	if scope == "" {
		scope = "anonymous"
	}
	claim := domain.NewID()
	saved, err := s.Idempotency.BeginIdempotent(r.Context(), scope, key, hash, claim, s.Now(), 30*time.Second)
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
	rec := &recorder{ResponseWriter: w, status: http.StatusOK}
	// The change's own transaction marks the claim committed (see
	// store.WithIdempotencyClaim), so it is applied at most once.
	r = r.WithContext(store.WithIdempotencyClaim(r.Context(), scope, key, claim))
	if err := rt.serve(rec, r, c); err != nil {
		s.writeError(rec, r, err)
	}
	// Success, and refusals of the request itself (its body), are the answer
	// for good. Anything that depends on the moment — a 5xx, a role not yet
	// granted, a record not there yet, a stale version — releases the key,
	// so a retry with it runs again.
	ctx := context.WithoutCancel(r.Context())
	if !replayable(rec.status) {
		if err := s.Idempotency.AbandonIdempotent(ctx, scope, key, claim); err != nil {
			s.Logger.Error("release idempotency key", "err", err, "requestId", c.RequestID)
		}
		return
	}
	headers := map[string]string{}
	for _, h := range []string{"Content-Type", "Location", "ETag"} {
		if v := rec.Header().Get(h); v != "" {
			headers[h] = v
		}
	}
	if err := s.Idempotency.CompleteIdempotent(ctx, scope, key, claim, store.SavedResponse{Status: rec.status, Headers: headers, Body: rec.body.Bytes()}); err != nil {
		s.Logger.Error("save idempotent response", "err", err, "requestId", c.RequestID)
	}
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

// recorder passes a response through while keeping a copy for replay.
type recorder struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (r *recorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	r.body.Write(b)
	return r.ResponseWriter.Write(b)
}

// statusOf maps each error code to its HTTP status: the only place that does.
var statusOf = map[domain.Code]int{
	domain.CodeValidation:           http.StatusBadRequest,
	domain.CodeUnauthenticated:      http.StatusUnauthorized,
	domain.CodeForbidden:            http.StatusForbidden,
	domain.CodeNotFound:             http.StatusNotFound,
	domain.CodeMethodNotAllowed:     http.StatusMethodNotAllowed,
	domain.CodeConflict:             http.StatusConflict,
	domain.CodeRequestInProgress:    http.StatusConflict,
	domain.CodePreconditionFailed:   http.StatusPreconditionFailed,
	domain.CodePreconditionRequired: http.StatusPreconditionRequired,
	domain.CodeTooLarge:             http.StatusRequestEntityTooLarge,
	domain.CodeUnsupportedMedia:     http.StatusUnsupportedMediaType,
	domain.CodePersonalData:         http.StatusUnprocessableEntity,
	domain.CodeIdempotencyKeyReused: http.StatusUnprocessableEntity,
	domain.CodeUnavailable:          http.StatusServiceUnavailable,
	domain.CodeInternal:             http.StatusInternalServerError,
}

// StatusOf returns the HTTP status for an error.
func StatusOf(err error) int {
	if st, ok := statusOf[domain.ErrorCode(err)]; ok {
		return st
	}
	return http.StatusInternalServerError
}

type errorBody struct {
	Error struct {
		Code    domain.Code       `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields,omitempty"`
	} `json:"error"`
}

// writeError answers with the SPEC's error shape. Internal failures say only
// the request id; their detail goes to the log.
func (s *server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var body errorBody
	var de *domain.Error
	status := StatusOf(err)
	if errors.As(err, &de) && status < 500 {
		body.Error.Code, body.Error.Message, body.Error.Fields = de.Code, de.Message, de.Fields
	} else {
		id := s.requestID(r)
		s.Logger.Error("request failed", "requestId", id, "method", r.Method, "path", r.URL.Path, "status", status, "err", err)
		body.Error.Code = domain.ErrorCode(err)
		body.Error.Message = "something went wrong on our side; quote request id " + id
		if status == http.StatusServiceUnavailable {
			body.Error.Message = "the service is briefly unavailable; try again (request id " + id + ")"
			w.Header().Set("Retry-After", "1")
		}
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="fundtrack"`)
	}
	writeJSON(w, status, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// list is the SPEC's shape for every collection.
type list[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"nextCursor,omitempty"`
}

func writeList[T any](w http.ResponseWriter, items []T, next string) {
	if items == nil {
		items = []T{}
	}
	writeJSON(w, http.StatusOK, list[T]{Items: items, NextCursor: next})
}

// pageOf reads ?limit= (1-100, default 50) and ?cursor=.
func pageOf(r *http.Request) (service.Page, error) {
	q := r.URL.Query()
	p := service.Page{Limit: store.DefaultLimit, Cursor: q.Get("cursor")}
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > store.MaxLimit {
			return p, &domain.Error{Code: domain.CodeValidation, Message: "limit is out of range",
				Fields: map[string]string{"limit": "must be a whole number from 1 to 100"}}
		}
		p.Limit = n
	}
	return p, nil
}

// bodyDecoder decodes the request body strictly when the service asks for it.
func bodyDecoder(r *http.Request) service.Decoder {
	return func(v any) error {
		data, err := io.ReadAll(r.Body)
		if err != nil {
			return domain.Errorf(domain.CodeValidation, "could not read the request body")
		}
		if len(bytes.TrimSpace(data)) == 0 {
			return &domain.Error{Code: domain.CodeValidation, Message: "the request body is empty",
				Fields: map[string]string{"body": "required"}}
		}
		return DecodeJSON(data, v)
	}
}

// created answers 201 with the new item and where it lives.
func created(w http.ResponseWriter, location string, v any) {
	w.Header().Set("Location", location)
	writeJSON(w, http.StatusCreated, v)
}

// etag is a record's version as a strong entity tag.
func etag(version int64) string { return `"` + strconv.FormatInt(version, 10) + `"` }

// header returns a request header whole. The Lambda proxy splits header
// values at commas into several values, so Header.Get would return only the
// part before the first comma there and the whole value locally.
func header(r *http.Request, name string) string {
	return strings.TrimSpace(strings.Join(r.Header.Values(name), ","))
}

// ifMatch reads the If-Match header as a test of the version a change is
// based on; "*" accepts whatever version is current.
func ifMatch(r *http.Request) (func(current int64) bool, error) {
	h := header(r, "If-Match")
	if h == "" {
		return nil, domain.Errorf(domain.CodePreconditionRequired, "send If-Match with the ETag you read, so changes by others are not overwritten")
	}
	if h == "*" {
		return func(int64) bool { return true }, nil
	}
	return func(current int64) bool {
		// Strong comparison (RFC 9110 13.1.1): a weak tag never matches.
		for _, tag := range strings.Split(h, ",") {
			if strings.TrimSpace(tag) == etag(current) {
				return true
			}
		}
		return false
	}, nil
}
