package httpapi

import (
	"net/http"

	"github.com/fundtrack/fundtrack/shared/service"
)

// Most routes are one of four shapes; these build them so each route is
// only the service call that differs.

// listing serves a paginated collection.
func listing[T any](list func(r *http.Request, c *call, p service.Page) ([]T, string, error)) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, c *call) error {
		page, err := pageOf(r)
		if err != nil {
			return err
		}
		items, next, err := list(r, c, page)
		if err != nil {
			return err
		}
		writeList(w, items, next)
		return nil
	}
}

// reading serves one item; version, when not nil, gives its ETag.
func reading[T any](get func(r *http.Request, c *call) (T, error), version func(T) int64) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, c *call) error {
		v, err := get(r, c)
		if err != nil {
			return err
		}
		if version != nil {
			w.Header().Set("ETag", etag(version(v)))
		}
		writeJSON(w, http.StatusOK, v)
		return nil
	}
}

// creating serves a POST that makes an item: 201, Location and, for
// versioned items, ETag.
func creating[T any](create func(r *http.Request, c *call, body service.Decoder) (T, error), location func(r *http.Request, v T) string, version func(T) int64) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, c *call) error {
		v, err := create(r, c, bodyDecoder(r))
		if err != nil {
			return err
		}
		if version != nil {
			w.Header().Set("ETag", etag(version(v)))
		}
		created(w, location(r, v), v)
		return nil
	}
}

// patching serves a PATCH guarded by If-Match.
func patching[T any](update func(r *http.Request, c *call, match func(int64) bool, body service.Decoder) (T, error), version func(T) int64) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, c *call) error {
		match, err := ifMatch(r)
		if err != nil {
			return err
		}
		v, err := update(r, c, match, bodyDecoder(r))
		if err != nil {
			return err
		}
		w.Header().Set("ETag", etag(version(v)))
		writeJSON(w, http.StatusOK, v)
		return nil
	}
}

// here is the collection path of the request, for building Location.
func here(r *http.Request) string { return r.URL.Path }
