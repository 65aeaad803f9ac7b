package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestWriteIsWhatTheAppServes: the folder make deploy uploads holds every
// static file the app would serve, as it would serve it (the stylesheet's
// icons made relative), under the version the app would link.
func TestWriteIsWhatTheAppServes(t *testing.T) {
	if _, err := os.Stat("../../shared/web/static/nhsuk-frontend.min.css"); err != nil {
		if os.Getenv("FUNDTRACK_REQUIRE_ASSETS") != "" {
			t.Fatal("NHS.UK frontend's files are missing: `make assets` should have copied them")
		}
		t.Skip("NHS.UK frontend's files are not copied in (run `make assets`)")
	}
	out := t.TempDir()
	version, err := write(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(version) != 12 || strings.Trim(version, "0123456789abcdef") != "" {
		t.Fatalf("version %q: want 12 hex digits", version)
	}
	css, err := os.ReadFile(filepath.Join(out, version, "nhsuk-frontend.min.css"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(css), "url(/assets/") || !strings.Contains(string(css), "url(assets/") {
		t.Error("the stylesheet's icon URLs are not relative to it")
	}
	for _, name := range []string{"app.js", "nhsuk-frontend.min.js", "assets/images/favicon.svg"} {
		if _, err := os.Stat(filepath.Join(out, version, name)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	for _, name := range []string{"static.go", "README.md"} {
		if _, err := os.Stat(filepath.Join(out, version, name)); err == nil {
			t.Errorf("%s is uploaded", name)
		}
	}
	again, err := write(t.TempDir())
	if err != nil || again != version {
		t.Errorf("a second run gives version %q (%v), want %q", again, err, version)
	}
}
