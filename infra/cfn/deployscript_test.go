package cfn_test

// infra/deploy.sh (make deploy's sam deploy) run with stand-ins for the SAM
// and AWS CLIs on PATH: each records its arguments, and the AWS one answers
// describe-stacks as the stack would after the first deploy.

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

const (
	apiCallback  = "https://abc123.execute-api.eu-west-2.amazonaws.com/app/auth/callback"
	apiSignedOut = "https://abc123.execute-api.eu-west-2.amazonaws.com/app/auth/signed-out"
	localCB      = "http://localhost:8080/app/auth/callback"
	localOut     = "http://localhost:8080/app/auth/signed-out"
)

// fakeSAM records each call's arguments, one a line, in $FAKE_DIR/sam.<n>,
// and fails when $FAKE_DIR/sam-fails exists.
const fakeSAM = `#!/bin/sh
n=$(ls "$FAKE_DIR" | grep -c '^sam\.')
printf '%s\n' "$@" > "$FAKE_DIR/sam.$((n + 1))"
[ ! -e "$FAKE_DIR/sam-fails" ]
`

// fakeAWS records its arguments in $FAKE_DIR/aws.<n> and prints
// $FAKE_DIR/describe (what --output text gives for the script's query).
const fakeAWS = `#!/bin/sh
n=$(ls "$FAKE_DIR" | grep -c '^aws\.')
printf '%s\n' "$@" > "$FAKE_DIR/aws.$((n + 1))"
cat "$FAKE_DIR/describe"
`

type deployRun struct {
	sam [][]string // each sam call's arguments
	aws int        // aws calls
	out string     // stdout and stderr
	err error
}

// runDeploy runs infra/deploy.sh for the stack "fundtrack-prod" with
// params, the stack answering describe (outputs, then the client's URLs).
func runDeploy(t *testing.T, params string, describe []string, samFails bool) deployRun {
	t.Helper()
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skipf("SKIPPED: infra/deploy.sh needs bash: %v", err)
	}
	bin, state := t.TempDir(), t.TempDir()
	for name, body := range map[string]string{"sam": fakeSAM, "aws": fakeAWS} {
		if err := os.WriteFile(filepath.Join(bin, name), []byte(body), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(state, "describe"), []byte(strings.Join(describe, "\t")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if samFails {
		if err := os.WriteFile(filepath.Join(state, "sam-fails"), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	root, _ := filepath.Abs(filepath.Join("..", ".."))
	cmd := exec.Command(bash, filepath.Join(root, "infra", "deploy.sh"))
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"),
		"FAKE_DIR="+state, "STACK=fundtrack-prod", "ASSETS_VERSION=0123456789ab", "PARAMS="+params)
	out, err := cmd.CombinedOutput()
	run := deployRun{out: string(out), err: err}
	entries, _ := os.ReadDir(state)
	for i := 1; ; i++ {
		b, err := os.ReadFile(filepath.Join(state, "sam."+strconv.Itoa(i)))
		if err != nil {
			break
		}
		run.sam = append(run.sam, strings.Split(strings.TrimSuffix(string(b), "\n"), "\n"))
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "aws.") {
			run.aws++
		}
	}
	return run
}

// overrides is the --parameter-overrides argument of one sam call, after
// checking the call is the stack's deploy.
func overrides(t *testing.T, args []string) string {
	t.Helper()
	want := []string{"deploy", "--template-file", "template.yaml", "--stack-name", "fundtrack-prod", "--resolve-s3",
		"--capabilities", "CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "--no-fail-on-empty-changeset", "--parameter-overrides"}
	if len(args) != len(want)+1 || !reflect.DeepEqual(args[:len(want)], want) {
		t.Fatalf("sam called with %q, want %q and the overrides", args, want)
	}
	return args[len(want)]
}

const prodParams = `Stage=prod OperatorName="Leicestershire Partnership NHS Trust" MailFrom=fundtrack@trust.nhs.uk`

func TestDeployScript(t *testing.T) {
	t.Parallel()
	first := "AssetsVersion=0123456789ab " + prodParams

	t.Run("a first deploy deploys again with the web app's URLs", func(t *testing.T) {
		t.Parallel()
		run := runDeploy(t, prodParams, []string{apiCallback, apiSignedOut, localCB, localOut}, false)
		if run.err != nil {
			t.Fatalf("%v\n%s", run.err, run.out)
		}
		if len(run.sam) != 2 || run.aws != 1 {
			t.Fatalf("%d sam deploys and %d aws calls, want 2 and 1\n%s", len(run.sam), run.aws, run.out)
		}
		if got := overrides(t, run.sam[0]); got != first {
			t.Errorf("first deploy's overrides %q, want %q", got, first)
		}
		want := first + " CallbackUrls=" + apiCallback + " LogoutUrls=" + apiSignedOut
		if got := overrides(t, run.sam[1]); got != want {
			t.Errorf("second deploy's overrides %q, want %q", got, want)
		}
		if !strings.Contains(run.out, "deploying again with CallbackUrls="+apiCallback) {
			t.Errorf("the script does not say why it deploys again:\n%s", run.out)
		}
	})

	t.Run("URLs already right: one deploy", func(t *testing.T) {
		t.Parallel()
		run := runDeploy(t, "", []string{apiCallback, apiSignedOut, apiCallback, "https://other.example.org/out," + apiSignedOut}, false)
		if run.err != nil || len(run.sam) != 1 || run.aws != 1 {
			t.Fatalf("err %v, %d sam deploys, %d aws calls: want one of each\n%s", run.err, len(run.sam), run.aws, run.out)
		}
		if got := overrides(t, run.sam[0]); got != "AssetsVersion=0123456789ab" {
			t.Errorf("overrides %q, want the assets version alone", got)
		}
	})

	t.Run("URLs the caller gives stand", func(t *testing.T) {
		t.Parallel()
		params := prodParams + " CallbackUrls=https://fundtrack.example.org/app/auth/callback ParameterKey=LogoutUrls,ParameterValue=https://fundtrack.example.org/app/auth/signed-out"
		run := runDeploy(t, params, []string{apiCallback, apiSignedOut, localCB, localOut}, false)
		if run.err != nil || len(run.sam) != 1 {
			t.Fatalf("err %v, %d sam deploys: want one\n%s", run.err, len(run.sam), run.out)
		}
		if !strings.Contains(run.out, "warning: CallbackUrls as given does not include "+apiCallback) ||
			!strings.Contains(run.out, "warning: LogoutUrls as given does not include "+apiSignedOut) {
			t.Errorf("no warning that the caller's URLs miss the web app's:\n%s", run.out)
		}
	})

	t.Run("other URLs kept, the localhost default dropped", func(t *testing.T) {
		t.Parallel()
		run := runDeploy(t, "", []string{apiCallback, apiSignedOut, localCB + ",https://x.example.org/app/auth/callback", apiSignedOut}, false)
		if run.err != nil || len(run.sam) != 2 {
			t.Fatalf("err %v, %d sam deploys: want two\n%s", run.err, len(run.sam), run.out)
		}
		want := "AssetsVersion=0123456789ab CallbackUrls=" + apiCallback + ",https://x.example.org/app/auth/callback"
		if got := overrides(t, run.sam[1]); got != want {
			t.Errorf("second deploy's overrides %q, want %q", got, want)
		}
	})

	t.Run("a failed deploy stops there", func(t *testing.T) {
		t.Parallel()
		run := runDeploy(t, prodParams, []string{apiCallback, apiSignedOut, localCB, localOut}, true)
		if run.err == nil || len(run.sam) != 1 || run.aws != 0 {
			t.Fatalf("err %v, %d sam deploys, %d aws calls: want a failure after one deploy and no aws call\n%s", run.err, len(run.sam), run.aws, run.out)
		}
	})

	t.Run("no outputs: a failure, not a deploy with empty URLs", func(t *testing.T) {
		t.Parallel()
		run := runDeploy(t, "", []string{"None", "None", localCB, localOut}, false)
		if run.err == nil || len(run.sam) != 1 || !strings.Contains(run.out, "has no WebCallbackUrl") {
			t.Fatalf("err %v, %d sam deploys: want a failure after one deploy\n%s", run.err, len(run.sam), run.out)
		}
	})
}
