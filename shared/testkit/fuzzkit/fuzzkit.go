// Package fuzzkit is what the fuzz targets of several packages share
// (docs/fuzzing.md): one way to fail a property, with one switch to look
// past bugs already reported. It imports nothing of fundtrack's, so any
// package's tests may use it.
package fuzzkit

import (
	"os"
	"slices"
	"strings"
	"testing"
)

// SkipKnown is the environment variable that lets a fuzzing run look past
// known bugs: 1 for every one, or their tags separated by commas.
const SkipKnown = "FUNDTRACK_FUZZ_SKIP_KNOWN"

// Fail reports a broken property. known names a bug already reported: with
// SkipKnown set for it, such an input is skipped, so a long fuzzing run can
// look past a bug that is not fixed yet. Without it (in `go test ./...`)
// it fails, so the crashers kept in testdata keep failing until the bug is
// fixed.
func Fail(t testing.TB, known, format string, args ...any) {
	t.Helper()
	if skip := os.Getenv(SkipKnown); known != "" && (skip == "1" || slices.Contains(strings.Split(skip, ","), known)) {
		t.Skipf("known bug %s: "+format, append([]any{known}, args...)...)
	}
	if known != "" {
		format = "[bug " + known + "] " + format
	}
	t.Fatalf(format, args...)
}
