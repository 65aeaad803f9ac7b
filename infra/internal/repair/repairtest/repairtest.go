// Package repairtest runs a repair command of infra/ as an operator would:
// built, then run against a table on DynamoDB Local.
package repairtest

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/testenv"
)

// Command builds the command in the test's folder (the package under
// test) and returns its binary and a runner. Each run is against table,
// and decodes what the command printed, if anything, into into; it
// returns what the command logged. A run that fails, or prints what is
// not JSON, fails the test.
func Command(t *testing.T, table string) (bin string, run func(into any, args ...string) (stderr string)) {
	t.Helper()
	name, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	bin = filepath.Join(t.TempDir(), filepath.Base(name))
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin, func(into any, args ...string) string {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(), "FUNDTRACK_TABLE="+table, "FUNDTRACK_DYNAMODB_ENDPOINT="+testenv.Endpoint(), "AWS_REGION="+testenv.Region)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%s %v: %v\n%s", filepath.Base(bin), args, err, stderr.String())
		}
		if len(out) > 0 {
			if err := json.Unmarshal(out, into); err != nil {
				t.Fatalf("%s %v printed %s: %v", filepath.Base(bin), args, out, err)
			}
		}
		return stderr.String()
	}
}
