package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// The files the layout links. nhsuk-frontend's are copied in by `make
// assets`; ours are committed. All of them live in shared/web/static,
// whose package embeds them for whoever serves them (see Deps.Static).
const (
	cssFrontend = "nhsuk-frontend.min.css"
	jsFrontend  = "nhsuk-frontend.min.js"
	cssApp      = "app.css"
	jsApp       = "app.js"
)

// StaticFile is one static file as the web app serves it.
type StaticFile struct {
	Name        string // its path under the version, "assets/images/favicon.svg"
	ContentType string
	Body        []byte
}

// StaticFiles returns the static files in fsys (package
// shared/web/static's FS) as the web app serves them, and their version:
// the first 12 hex digits of a hash of them all, so that any change gives
// every file a new URL and browsers may cache each URL for a year. `make
// deploy` uploads them to the assets bucket under <version>/ (infra/assets),
// where the web function's FUNDTRACK_STATIC_URL points.
func StaticFiles(fsys fs.FS) (version string, files []StaticFile) {
	var names []string
	fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && path.Ext(p) != ".md" && path.Ext(p) != ".go" {
			names = append(names, p)
		}
		return nil
	})
	sort.Strings(names)
	sum := sha256.New()
	for _, name := range names {
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			continue
		}
		if name == cssFrontend {
			// The stylesheet names its icons from the site root; they are
			// served beside it, under the same versioned prefix.
			body = bytes.ReplaceAll(body, []byte("url(/assets/"), []byte("url(assets/"))
		}
		sum.Write([]byte(name))
		sum.Write(body)
		files = append(files, StaticFile{Name: name, ContentType: contentType(name), Body: body})
	}
	return hex.EncodeToString(sum.Sum(nil))[:12], files
}

// contentType is a static file's type, from its extension. A table of the
// few the app has rather than mime.TypeByExtension, which reads the
// system's MIME databases on first use: that was 13% of the web function's
// cold start here.
func contentType(name string) string {
	switch path.Ext(name) {
	case ".css":
		return "text/css; charset=utf-8"
	case ".js", ".mjs":
		return "text/javascript; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	case ".ico":
		return "image/x-icon"
	case ".png":
		return "image/png"
	case ".woff2":
		return "font/woff2"
	case ".json", ".map":
		return "application/json"
	case ".txt":
		return "text/plain; charset=utf-8"
	}
	return "application/octet-stream"
}

// asset is one static file the app serves itself. Its gzip form is made on
// first request, not at start-up: compressing the stylesheet at
// BestCompression took most of the web function's cold start.
type asset struct {
	body        []byte
	contentType string
	compress    bool
	gzOnce      sync.Once
	gz          []byte
}

func (f *asset) gzipped() []byte {
	f.gzOnce.Do(func() { f.gz = gzipBytes(f.body) })
	return f.gz
}

// assets are where the pages link the static files: under the app's own
// /app/static/<version>/ (Deps.Static), or under the deployment's
// Deps.StaticURL, which serves them instead.
type assets struct {
	files   map[string]*asset // what the app serves; nil with StaticURL
	version string
	prefix  string // "/app/static/<version>/", or StaticURL
	origin  string // StaticURL's scheme://host, for the CSP; "" when the app serves them
	// Missing is true when nhsuk-frontend's files have not been copied in
	// (`make assets`): pages then say so.
	Missing bool
}

// newAssets serves d.Static, or links d.StaticURL. With neither, the pages
// link nothing that exists and say the styles are missing.
func newAssets(d Deps) *assets {
	if d.StaticURL != "" {
		prefix := d.StaticURL
		if !strings.HasSuffix(prefix, "/") {
			prefix += "/"
		}
		a := &assets{prefix: prefix}
		if u, err := url.Parse(prefix); err == nil && u.Host != "" {
			a.origin = u.Scheme + "://" + u.Host
		}
		return a
	}
	a := &assets{files: map[string]*asset{}}
	if d.Static != nil {
		var files []StaticFile
		a.version, files = StaticFiles(d.Static)
		for _, f := range files {
			a.files[f.Name] = &asset{body: f.Body, contentType: f.ContentType, compress: f.ContentType != "image/x-icon"}
		}
	}
	a.prefix = "/app/static/" + a.version + "/"
	_, hasCSS := a.files[cssFrontend]
	_, hasJS := a.files[jsFrontend]
	a.Missing = !hasCSS || !hasJS
	return a
}

func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

// URL is where a static file is linked.
func (a *assets) URL(name string) string { return a.prefix + name }

// serve answers GET /app/static/{version}/{file...}. A file asked for under
// another version (a page from an older deployment) is still served, but
// not cached for long. A file that is not there is notFound's to answer
// (the app's own "page not found"), not cached; NHS.UK frontend's files
// missing from a build say so, to the developer who opens one.
func (a *assets) serve(w http.ResponseWriter, r *http.Request, notFound http.Handler) {
	name := r.PathValue("file")
	f, ok := a.files[name]
	if !ok {
		w.Header().Set("Cache-Control", "no-store")
		if a.Missing && (name == cssFrontend || name == jsFrontend) {
			http.Error(w, "NHS.UK frontend's files are not built into this binary: run `make assets` and rebuild\n", http.StatusNotFound)
			return
		}
		notFound.ServeHTTP(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.contentType)
	h.Set("X-Content-Type-Options", "nosniff")
	if r.PathValue("version") == a.version {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	h.Set("ETag", `"`+a.version+`"`)
	if f.compress {
		h.Add("Vary", "Accept-Encoding")
	}
	if match := r.Header.Get("If-None-Match"); match == `"`+a.version+`"` {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := f.body
	if f.compress && acceptsGzip(r) {
		h.Set("Content-Encoding", "gzip")
		body = f.gzipped()
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	if r.Method == http.MethodHead {
		return
	}
	w.Write(body)
}

func acceptsGzip(r *http.Request) bool {
	for _, v := range r.Header.Values("Accept-Encoding") {
		for _, part := range strings.Split(v, ",") {
			enc, q, _ := strings.Cut(strings.TrimSpace(part), ";")
			if strings.EqualFold(strings.TrimSpace(enc), "gzip") && strings.TrimSpace(q) != "q=0" {
				return true
			}
		}
	}
	return false
}
