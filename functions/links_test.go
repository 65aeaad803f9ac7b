package functions_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestFunctionsLinkOnlyWhatTheyUse: each Lambda binary links only the
// clients its job needs, which keeps the API functions' cold starts and
// zips small and their reach narrow: only the notifier links SES, only
// the web function links the web app, and none links the SDK's SSM client,
// the schema-serde DynamoDB client or excelize.
func TestFunctionsLinkOnlyWhatTheyUse(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skipf("the go command is not on PATH, so the binaries' imports cannot be listed: %v", err)
	}
	out, err := exec.Command(goBin, "list", "-f", `{{.ImportPath}}{{range .Deps}} {{.}}{{end}}`,
		"github.com/fundtrack/fundtrack/functions/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	only := map[string]string{ // package → the one function that may link it
		"github.com/aws/aws-sdk-go-v2/service/sesv2": "notifier",
	}
	// Packages no function may link, and why.
	never := map[string]string{
		// The web function reads its one parameter with webdeps.SSM: the
		// SDK's SSM client allocated 1.4 MB in its package init.
		"github.com/aws/aws-sdk-go-v2/service/ssm": "the web function reads its session key with webdeps.SSM: the SDK's SSM client costs 1.4 MB of package init",
		// The schema-serde DynamoDB client (service/dynamodb v1.69.0 and
		// later) builds a schema of every DynamoDB shape during package
		// init: 573 kB in 3,151 allocations, which alone put a function
		// that links it at 1.27-1.43× hello-world's cold start, against a
		// median of 1.12× for v1.68.0 (BENCHMARKS.md, section 1).
		// go.mod holds service/dynamodb at v1.68.0 for that reason;
		// upgrading past it needs `make bench` to show the targets still hold.
		"github.com/aws/aws-sdk-go-v2/service/dynamodb/schemas": "the schema-serde DynamoDB client's package init adds about 0.3× hello-world's cold start (see go.mod and BENCHMARKS.md)",
		// Excel workbooks are read and written by shared/sheet/xlsx with
		// the standard library; excelize, its tests' oracle, allocated
		// 1.3 MB in 21,400 allocations in its package init, which put the
		// imports function at 1.9–3.1× hello-world's cold start
		// (BENCHMARKS.md, section 6).
		"github.com/xuri/excelize/v2": "excelize's package init alone is 1.3 MB in 21,400 allocations, 2–3× hello-world's cold start: shared/sheet/xlsx reads workbooks with the standard library",
	}
	// Packages a few functions may link: the web app, in the web function
	// alone (its import pages too), and the workbook reader, in the two
	// that take imports.
	few := map[string][]string{
		"github.com/fundtrack/fundtrack/shared/web":        {"web"},
		"github.com/fundtrack/fundtrack/shared/sheet/xlsx": {"web", "imports"},
	}
	linked := map[string][]string{}
	functions := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		fn, ok := strings.CutPrefix(fields[0], "github.com/fundtrack/fundtrack/functions/")
		if !ok || strings.Contains(fn, "/") {
			continue
		}
		functions++
		for _, dep := range fields[1:] {
			if _, ok := never[dep]; ok {
				linked[dep] = append(linked[dep], fn)
			}
			if owners, ok := few[dep]; ok {
				linked[dep] = append(linked[dep], fn)
				if !slices.Contains(owners, fn) {
					t.Errorf("functions/%s links %s: only functions/%v may", fn, dep, owners)
				}
			}
			if owner, ok := only[dep]; ok {
				linked[dep] = append(linked[dep], fn)
				if fn != owner {
					t.Errorf("functions/%s links %s: only functions/%s may", fn, dep, owner)
				}
			}
		}
	}
	if functions < 7 {
		t.Fatalf("go list saw %d functions:\n%s", functions, out)
	}
	for dep, fns := range linked {
		if reason, ok := never[dep]; ok {
			t.Errorf("%v link %s: %s", fns, dep, reason)
		}
	}
	// The check sees what it looks for: each package is linked by its owner.
	for dep, owners := range few {
		if got := linked[dep]; len(got) == 0 || !slices.Contains(got, owners[0]) {
			t.Errorf("functions/%s does not link %s: the check would not see it either", owners[0], dep)
		}
	}
	for dep, owner := range only {
		if got := linked[dep]; len(got) == 0 {
			t.Errorf("functions/%s does not link %s: the check would not see it either", owner, dep)
		}
	}
}
