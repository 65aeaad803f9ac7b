package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"sort"
	"strconv"
	"strings"
	"sync"
)

//go:embed static
var staticFS embed.FS

// The files the layout links. nhsuk-frontend's are copied in by `make
// assets`; ours are committed.
const (
	cssFrontend = "nhsuk-frontend.min.css"
	jsFrontend  = "nhsuk-frontend.min.js"
	cssApp      = "app.css"
	jsApp       = "app.js"
)

// asset is one static file, ready to serve. Its gzip form is made on first
// request, not at start-up: compressing the stylesheet at BestCompression
// took most of the web function's cold start.
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

// assets are the embedded static files under one content hash: a new build
// with any changed file gets new URLs, so browsers may cache them for a year.
type assets struct {
	files   map[string]*asset
	version string // first 12 hex digits of the hash of every file
	prefix  string // "/app/static/<version>/"
	// Missing is true when nhsuk-frontend's files have not been copied in
	// (`make assets`): pages then say so.
	Missing bool
}

func loadAssets() *assets {
	a := &assets{files: map[string]*asset{}}
	var names []string
	fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.HasSuffix(p, ".md") {
			names = append(names, strings.TrimPrefix(p, "static/"))
		}
		return nil
	})
	sort.Strings(names)
	sum := sha256.New()
	for _, name := range names {
		body, err := staticFS.ReadFile("static/" + name)
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
		ct := mime.TypeByExtension(path.Ext(name))
		switch path.Ext(name) {
		case ".js":
			ct = "text/javascript; charset=utf-8"
		case ".css":
			ct = "text/css; charset=utf-8"
		case ".svg":
			ct = "image/svg+xml"
		case ".ico":
			ct = "image/x-icon"
		}
		if ct == "" {
			ct = "application/octet-stream"
		}
		a.files[name] = &asset{body: body, contentType: ct, compress: ct != "image/x-icon"}
	}
	a.version = hex.EncodeToString(sum.Sum(nil))[:12]
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

// URL is where a static file is served.
func (a *assets) URL(name string) string { return a.prefix + name }

// serve answers GET /app/static/{version}/{file...}. A file asked for under
// another version (a page from an older deployment) is still served, but
// not cached for long.
func (a *assets) serve(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	f, ok := a.files[name]
	if !ok {
		w.Header().Set("Cache-Control", "no-store")
		msg := "not found\n"
		if a.Missing && (name == cssFrontend || name == jsFrontend) {
			msg = "NHS.UK frontend's files are not built into this binary: run `make assets` and rebuild\n"
		}
		http.Error(w, msg, http.StatusNotFound)
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
