package arch

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"
)

// testShList returns the repository's root and the packages of one of
// infra/test.sh's arrays (name=(...)), which say how `make test` treats
// them; an array missing or empty fails the test.
func testShList(t *testing.T, name string) (string, []string) {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	script, err := os.ReadFile(filepath.Join(root, "infra", "test.sh"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s*` + name + `=\(([^)]*)\)`).FindSubmatch(script)
	if m == nil {
		t.Fatalf("infra/test.sh: no %s=(...) list", name)
	}
	dirs := strings.Fields(string(m[1]))
	if len(dirs) == 0 {
		t.Fatalf("infra/test.sh: the %s list is empty", name)
	}
	return root, dirs
}

// TestNoRacePackagesRunNothingConcurrently: `make test` runs a few
// packages without the race detector (infra/test.sh, norace), as it had
// nothing in them to find. That holds only while nothing in them runs
// concurrently, so for each: no file of it, tests included, starts a
// goroutine (a go statement, WaitGroup.Go, errgroup) or a server
// (httptest's, ListenAndServe) or runs its tests in parallel (t.Parallel),
// and no fundtrack package it or its tests import starts a goroutine or a
// server either. A package that comes to need one goes back under the
// race detector: take it out of the list.
func TestNoRacePackagesRunNothingConcurrently(t *testing.T) {
	root, dirs := testShList(t, "norace")

	// Each package's own files, tests included.
	for _, dir := range dirs {
		if !strings.HasPrefix(dir, "./") {
			t.Fatalf("infra/test.sh: norace names %q, want a ./path", dir)
		}
		files, _ := filepath.Glob(filepath.Join(root, dir, "*.go"))
		if len(files) == 0 {
			t.Fatalf("infra/test.sh: norace names %s, which holds no Go files", dir)
		}
		for _, f := range files {
			for _, p := range concurrency(t, f, true) {
				t.Errorf("%s runs without the race detector (infra/test.sh, norace), but %s", dir, p)
			}
		}
	}

	// The fundtrack packages they and their tests import: no goroutines.
	args := append([]string{"list", "-test", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}\t{{.Dir}}{{end}}"}, dirs...)
	cmd := exec.Command("go", args...)
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	checked := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		path, dir, ok := strings.Cut(line, "\t")
		if !ok || !strings.HasPrefix(path, module) || strings.Contains(path, " ") || strings.HasSuffix(path, ".test") || checked[dir] {
			continue // not fundtrack's, or a test variant (its files are checked above)
		}
		checked[dir] = true
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			for _, p := range concurrency(t, f, false) {
				t.Errorf("%s is imported by a package run without the race detector (infra/test.sh, norace: %v), but %s", path, dirs, p)
			}
		}
	}
	if len(checked) < len(dirs) {
		t.Fatalf("go list found %d fundtrack packages for %v", len(checked), dirs)
	}
}

// concurrency lists what in file f runs code concurrently: go statements,
// WaitGroup.Go, time.AfterFunc, errgroup, servers (httptest's, and
// ListenAndServe), and (when tests count) t.Parallel calls.
func concurrency(t *testing.T, f string, tests bool) []string {
	t.Helper()
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, f, nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	for _, imp := range file.Imports {
		if strings.Contains(imp.Path.Value, "errgroup") {
			found = append(found, fset.Position(imp.Pos()).String()+" imports "+imp.Path.Value)
		}
	}
	ast.Inspect(file, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.GoStmt:
			found = append(found, fset.Position(n.Pos()).String()+" starts a goroutine")
		case *ast.CallExpr:
			sel, ok := n.Fun.(*ast.SelectorExpr)
			switch {
			case !ok:
			case sel.Sel.Name == "Go" && len(n.Args) == 1, sel.Sel.Name == "AfterFunc":
				// sync.WaitGroup.Go, time.AfterFunc
				found = append(found, fset.Position(n.Pos()).String()+" starts a goroutine ("+sel.Sel.Name+")")
			case isIdent(sel.X, "httptest") && strings.HasSuffix(sel.Sel.Name, "Server"),
				strings.HasPrefix(sel.Sel.Name, "ListenAndServe"):
				// A server answers on goroutines of its own, beside the
				// code that sends it requests.
				found = append(found, fset.Position(n.Pos()).String()+" starts a server ("+sel.Sel.Name+")")
			case tests && sel.Sel.Name == "Parallel" && len(n.Args) == 0:
				found = append(found, fset.Position(n.Pos()).String()+" runs a test in parallel")
			}
		}
		return true
	})
	return found
}

// TestBenchHoldsNoTests: `make test` leaves the packages infra/test.sh
// lists as notests (the benchmarks, which `make bench` runs) out of its
// go test, as they hold no tests; so a test, fuzz target or example
// written there would never run. None may be.
func TestBenchHoldsNoTests(t *testing.T) {
	root, dirs := testShList(t, "notests")
	for _, dir := range dirs {
		files, _ := filepath.Glob(filepath.Join(root, dir, "*_test.go"))
		if len(files) == 0 {
			t.Errorf("infra/test.sh: notests names %s, which holds no test files", dir)
		}
		for _, f := range files {
			file, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.SkipObjectResolution)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range file.Decls {
				fn, ok := d.(*ast.FuncDecl)
				if !ok || fn.Recv != nil {
					continue
				}
				for _, prefix := range []string{"Test", "Fuzz", "Example"} {
					// As go test tells them: the prefix, then nothing or not a lower-case letter.
					rest, ok := strings.CutPrefix(fn.Name.Name, prefix)
					if ok && (rest == "" || !unicode.IsLower([]rune(rest)[0])) && fn.Name.Name != "TestMain" {
						t.Errorf("%s: %s would never run: `make test` leaves %s out of go test (infra/test.sh, notests)",
							filepath.Base(f), fn.Name.Name, dir)
					}
				}
			}
		}
	}
}

func isIdent(e ast.Expr, name string) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == name
}
