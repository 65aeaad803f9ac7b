package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// router dispatches the signed-in pages (routes.go) by a table matched on
// each request, where net/http.ServeMux would parse every pattern, check it
// against the others for conflicts and record its caller when the function
// starts: about 0.5 ms for the pages' ~90 patterns, a sixth of a bare Go
// function's whole cold start, paid by the person waiting for the first
// page (BENCHMARKS.md, section 1). Matching 70 short patterns per request
// costs a few microseconds. It keeps ServeMux's rules, and
// TestRouterAgreesWithServeMux holds it to them over the whole table: a
// literal segment wins over a wildcard in the same place, a GET route
// serves HEAD, a path that only other methods may use is 405 with Allow,
// wildcards take the unescaped segment (r.PathValue), and a table two
// routes of which could serve one request is a mistake a test finds (the
// test registers the table on a ServeMux, which refuses it).
//
// The ServeMux it sits behind serves the public routes (sign-in, static
// files); paths it would clean (//, . and ..) never reach it (app.outer
// answers them 404).
type router struct {
	routes   []compiledRoute
	notFound http.Handler
	refuse   func(w http.ResponseWriter, r *http.Request, allow []string) // 405
}

// compiledRoute is a pageRoute split into segments once, at start.
type compiledRoute struct {
	methods []string // GET also serves HEAD
	segs    []string // the path's segments; "{name}" is a wildcard
	h       http.Handler
}

// pageRoute is one signed-in page: the methods it answers ("GET", "POST"
// or "GET POST", a form shown and posted at one address) and its path
// (a ServeMux pattern's path: "/app/programmes/{pid}/grants", "/app/{$}").
type pageRoute struct {
	methods string
	path    string
	serve   handler
}

func newRouter(routes []pageRoute, wrap func(handler) http.Handler) *router {
	rt := &router{routes: make([]compiledRoute, 0, len(routes))}
	for _, p := range routes {
		rt.routes = append(rt.routes, compiledRoute{
			methods: strings.Fields(p.methods),
			segs:    splitPattern(p.path),
			h:       wrap(p.serve),
		})
	}
	return rt
}

// splitPattern splits a pattern's path into segments; "/app/{$}" is the
// one-segment path "/app/" whose last segment is empty.
func splitPattern(path string) []string {
	path = strings.TrimSuffix(path, "{$}")
	return strings.Split(strings.TrimPrefix(path, "/"), "/")
}

func (rt *router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	segs := strings.Split(strings.TrimPrefix(r.URL.EscapedPath(), "/"), "/")
	for i, s := range segs {
		if strings.Contains(s, "%") {
			u, err := url.PathUnescape(s)
			if err != nil { // ServeMux would not have matched it either
				rt.notFound.ServeHTTP(w, r)
				return
			}
			segs[i] = u
		}
	}
	var best *compiledRoute
	var allow []string
	for i := range rt.routes {
		c := &rt.routes[i]
		if !c.matches(segs) {
			continue
		}
		if !c.serves(r.Method) {
			allow = append(allow, c.methods...)
			continue
		}
		if best == nil || c.moreSpecific(best) {
			best = c
		}
	}
	switch {
	case best != nil:
		for i, s := range best.segs {
			if name, ok := wildcard(s); ok {
				r.SetPathValue(name, segs[i])
			}
		}
		best.h.ServeHTTP(w, r)
	case allow != nil:
		if slices.Contains(allow, http.MethodGet) {
			allow = append(allow, http.MethodHead)
		}
		slices.Sort(allow)
		rt.refuse(w, r, slices.Compact(allow))
	default:
		rt.notFound.ServeHTTP(w, r)
	}
}

func (c *compiledRoute) matches(segs []string) bool {
	if len(segs) != len(c.segs) {
		return false
	}
	for i, s := range c.segs {
		if _, ok := wildcard(s); ok {
			if segs[i] == "" {
				return false
			}
			continue
		}
		if s != segs[i] {
			return false
		}
	}
	return true
}

func (c *compiledRoute) serves(method string) bool {
	if method == http.MethodHead {
		method = http.MethodGet
	}
	return slices.Contains(c.methods, method)
}

// moreSpecific reports whether c wins over d for a path both match: at
// the first segment where one is literal and the other a wildcard, the
// literal one.
func (c *compiledRoute) moreSpecific(d *compiledRoute) bool {
	for i := range c.segs {
		_, cw := wildcard(c.segs[i])
		_, dw := wildcard(d.segs[i])
		if cw != dw {
			return !cw
		}
	}
	return false
}

// wildcard is the name of a "{name}" segment.
func wildcard(seg string) (string, bool) {
	if len(seg) > 2 && seg[0] == '{' && seg[len(seg)-1] == '}' {
		return seg[1 : len(seg)-1], true
	}
	return "", false
}
