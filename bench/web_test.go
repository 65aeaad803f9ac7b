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
)

// BenchmarkWebNew is the web function's handler construction (web.New),
// which its main runs during init on every cold start: it hashes and
// gzips every embedded static file and parses the page templates.
func BenchmarkWebNew(b *testing.B) {
	d := web.Deps{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	for b.Loop() {
		web.New(d)
	}
}

// BenchmarkWebStaticGzip is the part of web.New that compresses the static
// files in shared/web/static at gzip.BestCompression, as
// shared/web/static.go's loadAssets does.
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
