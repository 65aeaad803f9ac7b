package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// TestRouterAgreesWithServeMux registers the pages' table on a ServeMux
// (which panics if two routes could serve one request) and sends both the
// same requests: every route with each wildcard in turn replaced by every
// literal the table uses there and elsewhere, escaped values, a segment too
// many or too few, and every method. Both must pick the same route (or
// none, or 405 with the same Allow) and give it the same path values.
func TestRouterAgreesWithServeMux(t *testing.T) {
	routes := (&app{}).pageRoutes()
	if len(routes) < 50 {
		t.Fatalf("only %d page routes: the table is not the pages'", len(routes))
	}

	const header = "X-Route"
	serve := func(i int) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			var vals []string
			for _, s := range splitPattern(routes[i].path) {
				if name, ok := wildcard(s); ok {
					vals = append(vals, name+"="+r.PathValue(name))
				}
			}
			w.Header().Set(header, fmt.Sprint(i, vals))
		})
	}
	mux := http.NewServeMux()
	for i, p := range routes {
		for _, m := range strings.Fields(p.methods) {
			mux.Handle(m+" "+p.path, serve(i))
		}
	}
	n := 0
	rt := newRouter(routes, func(handler) http.Handler { n++; return serve(n - 1) })
	rt.notFound = http.NotFoundHandler()
	rt.refuse = func(w http.ResponseWriter, r *http.Request, allow []string) {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		w.WriteHeader(http.StatusMethodNotAllowed)
	}

	// Every literal segment of the table, and values a wildcard may hold.
	words := map[string]bool{"w1": true, "a%40b.example": true, "x%2Fy": true, "%7Bpid%7D": true}
	for _, p := range routes {
		for _, s := range splitPattern(p.path) {
			if _, ok := wildcard(s); !ok && s != "" {
				words[s] = true
			}
		}
	}
	paths := map[string]bool{"/app/": true, "/app/programmes": true, "/app/programmes/": true, "/app/nowhere": true}
	for _, p := range routes {
		segs := splitPattern(p.path)
		plain := make([]string, len(segs))
		for i, s := range segs {
			plain[i] = s
			if _, ok := wildcard(s); ok {
				plain[i] = "w1"
			}
		}
		path := "/" + strings.Join(plain, "/")
		paths[path], paths[path+"/"], paths[path+"/extra"], paths[path[:strings.LastIndex(path, "/")]] = true, true, true, true
		for i, s := range segs {
			if _, ok := wildcard(s); !ok {
				continue
			}
			for w := range words {
				v := slices.Clone(plain)
				v[i] = w
				paths["/"+strings.Join(v, "/")] = true
			}
		}
	}

	methods := []string{http.MethodGet, http.MethodHead, http.MethodPost, http.MethodDelete, http.MethodPut}
	checked, served := 0, 0
	for path := range paths {
		// The router sees only what the ServeMux in front of it passes on:
		// clean paths under /app/ (others it redirects or serves itself).
		if !strings.HasPrefix(path, "/app/") || strings.Contains(path, "//") {
			continue
		}
		for _, m := range methods {
			want, got := httptest.NewRecorder(), httptest.NewRecorder()
			mux.ServeHTTP(want, httptest.NewRequest(m, path, nil))
			rt.ServeHTTP(got, httptest.NewRequest(m, path, nil))
			if got.Code != want.Code || got.Header().Get(header) != want.Header().Get(header) ||
				got.Header().Get("Allow") != want.Header().Get("Allow") {
				t.Errorf("%s %s: router %d %q (Allow %q), ServeMux %d %q (Allow %q)", m, path,
					got.Code, got.Header().Get(header), got.Header().Get("Allow"),
					want.Code, want.Header().Get(header), want.Header().Get("Allow"))
			}
			checked++
			if want.Header().Get(header) != "" {
				served++
			}
		}
	}
	t.Logf("%d requests over %d routes, %d served by a route", checked, len(routes), served)
	if served < len(routes) {
		t.Errorf("only %d requests reached a route: the paths do not cover the table", served)
	}
}
