package web

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// TestEveryTableScrollsInItsContainer: each table of every template sits
// directly in an nhsuk-table-container, so that on a narrow screen the
// table scrolls and the page does not (the browser tests load pages at
// 320px to see it).
func TestEveryTableScrollsInItsContainer(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("templates", "*.html"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no templates: %v", err)
	}
	table := regexp.MustCompile(`<table[\s>]`)
	contained := regexp.MustCompile(`<div class="nhsuk-table-container"[^>]*>\s*<table[\s>]`)
	tables := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		n, ok := len(table.FindAllIndex(b, -1)), len(contained.FindAllIndex(b, -1))
		tables += n
		if ok != n {
			t.Errorf("%s: %d of its %d tables are not directly in a <div class=\"nhsuk-table-container\">", f, n-ok, n)
		}
	}
	if tables < 20 {
		t.Errorf("found %d tables in the templates, expected the app's 26 or so", tables)
	}
}
