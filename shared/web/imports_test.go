package web_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestWebReachesStorageOnlyThroughTheService: the web app calls the
// service and nothing below it: it imports neither the DynamoDB store nor
// the AWS SDK (shared/platform/webdeps wires the store in).
func TestWebReachesStorageOnlyThroughTheService(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "github.com/fundtrack/fundtrack/shared/web").CombinedOutput()
	if err != nil {
		t.Skipf("go list: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "github.com/fundtrack/fundtrack/shared/service\n") {
		t.Fatalf("shared/web does not build on shared/service:\n%s", out)
	}
	for _, dep := range strings.Fields(string(out)) {
		if dep == "github.com/fundtrack/fundtrack/shared/store" || strings.HasPrefix(dep, "github.com/fundtrack/fundtrack/shared/store/") ||
			strings.HasPrefix(dep, "github.com/aws/") {
			t.Errorf("shared/web depends on %s", dep)
		}
	}
}
