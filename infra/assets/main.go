// Command assets writes the web app's static files as the web app serves
// them (web.StaticFiles over package shared/web/static) into
// <out>/<version>/ and prints the version, for `make deploy` to upload to
// the stage's assets bucket and pass to the template as AssetsVersion. It
// refuses to write a version without NHS.UK frontend's files (`make
// assets` copies them in).
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/fundtrack/fundtrack/shared/web"
	"github.com/fundtrack/fundtrack/shared/web/static"
)

func main() {
	out := flag.String("out", "build/static", "where to write <version>/…")
	flag.Parse()
	version, err := write(*out)
	if err != nil {
		fmt.Fprintln(os.Stderr, "assets:", err)
		os.Exit(1)
	}
	fmt.Println(version)
}

func write(out string) (string, error) {
	version, files := web.StaticFiles(static.FS)
	for _, need := range []string{"nhsuk-frontend.min.css", "nhsuk-frontend.min.js", "app.css", "app.js"} {
		if !slices.ContainsFunc(files, func(f web.StaticFile) bool { return f.Name == need }) {
			return "", fmt.Errorf("%s is not in shared/web/static: run `make assets`", need)
		}
	}
	dir := filepath.Join(out, version)
	for _, f := range files {
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return "", err
		}
		if err := os.WriteFile(p, f.Body, 0o644); err != nil {
			return "", err
		}
	}
	return version, nil
}
