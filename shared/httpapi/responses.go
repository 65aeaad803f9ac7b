package httpapi

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/fundtrack/fundtrack/shared/decode"
	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/present"
	"github.com/fundtrack/fundtrack/shared/service"
)

// writeJSON answers v as JSON. Every answer goes through present.Answer
// here, so no list or object in it is ever null where openapi.json
// promises an array or an object, whatever built it.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(present.Answer(v))
}

// list is the SPEC's shape for every collection.
type list[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"nextCursor,omitempty"`
}

func writeList[T any](w http.ResponseWriter, items []T, next string) {
	writeJSON(w, http.StatusOK, list[T]{Items: items, NextCursor: next})
}

// blankPage is what ?limit= and ?cursor=, given empty, are told.
var blankPage = map[string]string{
	"limit":  "must not be empty: a whole number from 1 to 100, or leave limit out for 50",
	"cursor": "must not be empty: the nextCursor of the previous page, or leave cursor out for the first page",
}

// pageOf reads ?limit= (1-100, default 50) and ?cursor=.
func pageOf(r *http.Request) (service.Page, error) {
	q, err := decode.Query(r) // strictly: ?cursor=%%% is an error, not page one
	if err != nil {
		return service.Page{}, err
	}
	// "?limit=" or "?cursor=" is a link built from a value not filled in:
	// refused like any other bad limit, rather than read as page one.
	if blank := decode.Blank(q, "limit", "cursor"); len(blank) > 0 {
		p := domain.Problems{}
		for _, name := range blank {
			p.Add(name, blankPage[name])
		}
		return service.Page{}, p.ErrAs("the page asked for is not valid", "")
	}
	p := service.Page{Limit: service.DefaultLimit, Cursor: q.Get("cursor")}
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > service.MaxLimit {
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
		return decode.JSON(data, v)
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
