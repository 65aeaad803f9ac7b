package testkit

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"
)

// Req is one request. As is the caller's email ("" sends no token). Body
// nil sends no body; a string or []byte is sent as it is; anything else is
// marshalled to JSON. Content-Type is application/json whenever there is a
// body, unless Header sets it ("" removes it). Context, when set, is the
// request's.
type Req struct {
	Method, Path string
	As           string
	Body         any
	Header       map[string]string
	Context      context.Context
}

// Request is the common Req: method and path as the user as, with body
// and hdr as pairs of header name and value.
func Request(method, path, as string, body any, hdr ...string) Req {
	r := Req{Method: method, Path: path, As: as, Body: body}
	for i := 0; i+1 < len(hdr); i += 2 {
		if r.Header == nil {
			r.Header = map[string]string{}
		}
		r.Header[hdr[i]] = hdr[i+1]
	}
	return r
}

// Resp is one answer.
type Resp struct {
	Status int
	Header http.Header
	Body   []byte
}

// String is the status and the body, for a test failure.
func (r Resp) String() string {
	return fmt.Sprintf("%d %s", r.Status, strings.TrimSpace(string(r.Body)))
}

// Sender sends requests: an *API, or a test's type that embeds one.
type Sender interface {
	Send(Req) (Resp, error)
}

func do(t testing.TB, s Sender, req Req) Resp {
	t.Helper()
	r, err := s.Send(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.Path, err)
	}
	return r
}

func want(t testing.TB, s Sender, status int, req Req) Resp {
	t.Helper()
	r := do(t, s, req)
	if r.Status != status {
		t.Fatalf("%s %s as %q: got %s, want %d", req.Method, req.Path, req.As, r, status)
	}
	return r
}

// Decode unmarshals a JSON answer's body, failing the test unless the
// answer is JSON.
func Decode[T any](t testing.TB, r Resp) T {
	t.Helper()
	var v T
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("Content-Type = %q, want application/json (body %s)", ct, r.Body)
	}
	if err := json.Unmarshal(r.Body, &v); err != nil {
		t.Fatalf("decode %T from %s: %v", v, r.Body, err)
	}
	return v
}

// IDOf is the id of the item a JSON answer holds.
func IDOf(t testing.TB, r Resp) string {
	t.Helper()
	return Decode[struct {
		ID string `json:"id"`
	}](t, r).ID
}

// List is the SPEC's list shape. NextCursor is a pointer so a test can
// tell an absent cursor from an empty one.
type List[T any] struct {
	Items      []T     `json:"items"`
	NextCursor *string `json:"nextCursor"`
}

// APIError is the SPEC's error shape.
type APIError struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields"`
}

// WantErr checks that r is an error answer with the given status and code
// in exactly the SPEC's shape ({"error": {code, message, fields?}}), with
// nothing that smells of Go or AWS internals, and returns the error.
func WantErr(t testing.TB, r Resp, status int, code string) APIError {
	t.Helper()
	if r.Status != status {
		t.Fatalf("got %s, want %d %s", r, status, code)
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("error Content-Type = %q, want application/json", ct)
	}
	dec := json.NewDecoder(bytes.NewReader(r.Body))
	dec.DisallowUnknownFields()
	var body struct {
		Error *APIError `json:"error"`
	}
	if err := dec.Decode(&body); err != nil || body.Error == nil {
		t.Fatalf("error body %s is not {\"error\": {code, message, fields?}}: %v", r.Body, err)
	}
	e := *body.Error
	if e.Code != code {
		t.Fatalf("error code = %q, want %q (body %s)", e.Code, code, r.Body)
	}
	if strings.TrimSpace(e.Message) == "" {
		t.Fatalf("error %s has an empty message", r.Body)
	}
	for _, leak := range []string{"goroutine ", ".go:", "panic", "runtime.", "dynamodb", "DynamoDB", "operation error", "ResourceNotFound", "PROG#", "api error"} {
		if strings.Contains(string(r.Body), leak) {
			t.Fatalf("error body leaks internals (%q): %s", leak, r.Body)
		}
	}
	return e
}

// WantFields checks r is a 400 validation_failed answer naming exactly the
// fields given, each with some problem text.
func WantFields(t testing.TB, r Resp, fields ...string) APIError {
	t.Helper()
	e := WantErr(t, r, http.StatusBadRequest, "validation_failed")
	got := make([]string, 0, len(e.Fields))
	for f, msg := range e.Fields {
		got = append(got, f)
		if strings.TrimSpace(msg) == "" {
			t.Errorf("field %s has no problem text", f)
		}
	}
	sort.Strings(got)
	want := slices.Clone(fields)
	sort.Strings(want)
	if !slices.Equal(got, want) {
		t.Fatalf("fields = %v, want exactly %v (body %s)", got, want, r.Body)
	}
	return e
}

// ListPages follows a list's cursors as the given user, limit items a
// page, and returns each page's items; no page may hold more than limit,
// nor fewer when a nextCursor follows it.
func ListPages[T any](t testing.TB, s Sender, as, path string, limit int) [][]T {
	t.Helper()
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	var out [][]T
	cursor := ""
	for range 1000 {
		p := fmt.Sprintf("%s%slimit=%d", path, sep, limit)
		if cursor != "" {
			p += "&cursor=" + url.QueryEscape(cursor)
		}
		page := Decode[List[T]](t, want(t, s, http.StatusOK, Request("GET", p, as, nil)))
		if len(page.Items) > limit {
			t.Fatalf("GET %s: %d items, more than the limit", p, len(page.Items))
		}
		out = append(out, page.Items)
		if page.NextCursor == nil {
			return out
		}
		if len(page.Items) != limit {
			t.Fatalf("GET %s: a page of %d items (limit %d) yet a nextCursor", p, len(page.Items), limit)
		}
		cursor = *page.NextCursor
	}
	t.Fatalf("list %s never ended", path)
	return nil
}

// ListAll pages through a list as the given user and returns every item.
func ListAll[T any](t testing.TB, s Sender, as, path string) []T {
	t.Helper()
	return slices.Concat(ListPages[T](t, s, as, path, 100)...)
}

// IDs pages through a list as the given user and returns the items' ids.
func IDs(t testing.TB, s Sender, as, path string) []string {
	t.Helper()
	var out []string
	for _, it := range ListAll[struct {
		ID string `json:"id"`
	}](t, s, as, path) {
		out = append(out, it.ID)
	}
	return out
}

// SameSet reports whether a and b hold the same strings, in any order.
func SameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	sort.Strings(a)
	sort.Strings(b)
	return slices.Equal(a, b)
}
