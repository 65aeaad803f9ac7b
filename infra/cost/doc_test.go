package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/fundtrack/fundtrack/infra/cfn"
)

// TestBenchmarksShowTheModel: BENCHMARKS.md, section 9, shows what the
// model prints.
func TestBenchmarksShowTheModel(t *testing.T) {
	t.Parallel()
	path, err := cfn.FindTemplate()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := os.ReadFile(filepath.Join(filepath.Dir(path), "BENCHMARKS.md"))
	if err != nil {
		t.Fatal(err)
	}
	gen, err := Generated(string(doc))
	if err != nil {
		t.Fatal(err)
	}
	if want := Markdown(London); gen != want {
		t.Errorf("BENCHMARKS.md, section 9, is not what the cost model prints: run `go run ./infra/cost -w`.\nthe model prints:\n%s", want)
	}
}
