package httpapi

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"slices"
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
				Fields: map[string]string{domain.BodyField: "required"}}
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
// based on: "*" alone accepts whatever version is current; otherwise the
// header lists entity tags (RFC 9110 8.8.3), and one whose version is
// the record's lets the change through. Compared strongly (13.1.1), a
// weak tag (W/"3") never does: the change is then 412, as for a stale
// tag. A header that is not a list of entity tags ("3" without its
// quotes, "*" among tags), or a tag holding no version the API gives
// ("-1", "abc": decode.Version), names no version the client read: it is
// refused at once, 400 naming If-Match, rather than compared with the
// record's (a "-1" taken for "*" was tried again and again, audit-surface
// W1).
func ifMatch(r *http.Request) (func(current int64) bool, error) {
	h := header(r, "If-Match")
	if h == "" {
		return nil, domain.Errorf(domain.CodePreconditionRequired, "send If-Match with the ETag you read, so changes by others are not overwritten")
	}
	if h == "*" {
		return func(int64) bool { return true }, nil
	}
	var versions []int64 // of the strong tags
	tags := 0
	for _, tag := range strings.Split(h, ",") {
		tag = strings.TrimSpace(tag)
		if tag == "" {
			continue // an empty element of a list (RFC 9110 5.6.1)
		}
		weak := strings.HasPrefix(tag, "W/")
		v, ok := entityTag(strings.TrimPrefix(tag, "W/"))
		if !ok {
			tags = 0
			break
		}
		if tags++; !weak {
			versions = append(versions, v)
		}
	}
	if tags == 0 {
		return nil, &domain.Error{Code: domain.CodeValidation, Message: "the If-Match header is not valid",
			Fields: map[string]string{"If-Match": problemIfMatch}}
	}
	return func(current int64) bool { return slices.Contains(versions, current) }, nil
}

// problemIfMatch is what an If-Match that names no version is told.
const problemIfMatch = `must be the ETag you read, such as "3" (a version in double quotes), several separated by commas, or * alone`

// entityTag reads one strong entity tag of the API's, a version in double
// quotes ("3"), reporting false for anything else.
func entityTag(tag string) (int64, bool) {
	if len(tag) < 2 || tag[0] != '"' || tag[len(tag)-1] != '"' {
		return 0, false
	}
	return decode.Version(tag[1 : len(tag)-1])
}
