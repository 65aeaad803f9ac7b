package bench_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/fundtrack/fundtrack/shared/web"
	"github.com/fundtrack/fundtrack/shared/web/static"
)

// BenchmarkWebNew is the web function's handler construction (web.New),
// which its main runs during init on every cold start, as in AWS: the
// static files linked at the CDN, the page templates parsed on the first
// page, not here (BenchmarkWebNew/lambda). BenchmarkWebNew/local is the
// local runner's, which also hashes the embedded static files.
func BenchmarkWebNew(b *testing.B) {
	d := web.Deps{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	b.Run("lambda", func(b *testing.B) {
		d := d
		d.StaticURL = "https://d1234.cloudfront.net/3f2a9c0b1d4e/"
		for b.Loop() {
			web.New(d)
		}
	})
	b.Run("local", func(b *testing.B) {
		d := d
		d.Static = static.FS
		for b.Loop() {
			web.New(d)
		}
	})
}

// BenchmarkWebStaticGzip is what serving the static files locally costs
// once: compressing each at gzip.BestCompression, as shared/web/static.go
// does on a file's first request.
func BenchmarkWebStaticGzip(b *testing.B) {
	var files [][]byte
	root := filepath.Join(moduleRoot(b), "shared", "web", "static")
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Ext(p) != ".md" && filepath.Ext(p) != ".ico" {
			if body, err := os.ReadFile(p); err == nil {
				files = append(files, body)
			}
		}
		return nil
	})
	var in int64
	for _, f := range files {
		in += int64(len(f))
	}
	b.SetBytes(in)
	for b.Loop() {
		for _, f := range files {
			var buf bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
			zw.Write(f)
			zw.Close()
		}
	}
	b.ReportMetric(float64(len(files)), "files")
}
