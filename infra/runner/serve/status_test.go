package serve

import (
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/auth"
	"github.com/fundtrack/fundtrack/shared/platform"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestStatusSaysWhetherTheRunnerAnswers (audit walk3 N6): make status
// reports `make run`'s server beside the stacks (infra/stack.sh runner):
// up when its /health answers, down, and failing, when nothing does.
func TestStatusSaysWhetherTheRunnerAnswers(t *testing.T) {
	t.Parallel()
	for _, tool := range []string{"bash", "curl"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("SKIPPED: infra/stack.sh runner needs %s on PATH (%v)", tool, err)
		}
	}
	root, err := filepath.Abs(filepath.Join("..", "..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	s := testkit.New(t)
	h, err := Handler(platform.Config{Table: s.Table}, s.DB, auth.Local{Secret: []byte(testkit.Secret), Issuer: auth.LocalIssuer})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	status := func(url string) (string, error) {
		cmd := exec.CommandContext(t.Context(), "bash", filepath.Join(root, "infra", "stack.sh"), "runner", url)
		out, err := cmd.Output()
		return strings.TrimSpace(string(out)), err
	}
	if out, err := status(srv.URL); err != nil || out != "runner: up on "+srv.URL+" (/health answers)" {
		t.Errorf("the runner answering: %q (%v)", out, err)
	}
	srv.Close()
	if out, err := status(srv.URL); err == nil || !strings.HasPrefix(out, "runner: down ("+srv.URL+"/health does not answer") {
		t.Errorf("the runner gone: %q (%v), want down and a failure", out, err)
	}
	// Something else on the port, answering /health with an error: down.
	other := httptest.NewServer(http.NotFoundHandler())
	defer other.Close()
	if out, err := status(other.URL); err == nil || !strings.HasPrefix(out, "runner: down") {
		t.Errorf("a server whose /health is 404: %q (%v)", out, err)
	}
	// The Makefile's status runs it.
	mkCmd := exec.CommandContext(t.Context(), "make", "-s", "-n", "-C", root, "status")
	mkCmd.Env = readmeEnv(os.Environ()) // without a DEV_API or make flags of the make running this test
	mk, err := mkCmd.Output()
	if err != nil {
		t.Skipf("SKIPPED: make -n status: %v", err)
	}
	if !strings.Contains(string(mk), "infra/stack.sh runner http://127.0.0.1:8080") {
		t.Errorf("make status does not ask the runner:\n%s", mk)
	}
}
