package serve

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/auth"
	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/platform"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// readmeAPI is the line of the README's walk-through that says where
// `make run` serves; the test points it at its own server instead.
const readmeAPI = "API=http://127.0.0.1:8080\n"

// readmeMark starts the line the test's curl writes to stderr after each
// request: "<mark> <status> <method> <url>".
const readmeMark = "readme-walk-through:"

// TestReadmeWalkThrough runs the README's shell walk-through, every block
// that talks to $API, in order and as written, twice over (the README says
// it can be run again on the same table), against the handler `make run`
// serves (over a fresh table pair): `make -s token` and `make seed` run as
// the README has them. Every variable a command uses must be set by an
// earlier one (set -u), every pipeline must succeed (pipefail), and every
// request must answer 2xx, except the one the README shows being refused
// for personal data (422), once a run. The seeded Bradford programme,
// which the walk-through reads, keeps the source documents' figures (61
// into work from 240 referrals), its one schedule and its 7 submissions.
func TestReadmeWalkThrough(t *testing.T) {
	t.Parallel()
	for _, tool := range []string{"bash", "curl", "python3", "sed", "make"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("SKIPPED: the README's walk-through needs %s on PATH, and it is not there (%v)", tool, err)
		}
	}
	root, err := filepath.Abs(filepath.Join("..", "..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	blocks := readmeWalkThrough(string(readme))
	if len(blocks) < 4 {
		t.Fatalf("README.md: found %d shell blocks that use $API, want the walk-through's 4 or more", len(blocks))
	}
	script := strings.Join(blocks, "\n")
	if strings.Count(script, readmeAPI) != 1 {
		t.Fatalf("README.md: the walk-through should set %q once", strings.TrimSpace(readmeAPI))
	}

	s := testkit.New(t)
	h, err := Handler(platform.Config{Table: s.Table}, s.DB, auth.Local{Secret: []byte(testkit.Secret), Issuer: auth.LocalIssuer})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()

	// curl writes each answer's status to stderr after the body, so the
	// README's pipelines see only what they would.
	prelude := "set -euo pipefail\n" +
		`curl() { command curl -w '%{stderr}` + readmeMark + ` %{http_code} %{method} %{url_effective}\n' "$@"; }` + "\n"
	script = strings.Replace(script, readmeAPI, "API="+srv.URL+"\n", 1)
	script = prelude + script + "\n" + script

	cmd := exec.CommandContext(t.Context(), "bash", "-c", script)
	cmd.Dir = root
	cmd.Env = append(readmeEnv(os.Environ()),
		"DEV_API="+srv.URL,                           // make seed's API
		"FUNDTRACK_LOCAL_JWT_SECRET="+testkit.Secret, // make token's and make seed's signing key: the server's
	)
	path := os.Getenv("PATH")
	for _, dir := range []string{readmePython(t), readmeGo(t)} {
		if dir != "" {
			path = dir + string(os.PathListSeparator) + path
		}
	}
	cmd.Env = append(cmd.Env, "PATH="+path)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	t.Logf("the walk-through's output:\n%s", stdout.String())
	if runErr != nil {
		t.Fatalf("the README's walk-through stopped: %v\n%s", runErr, stderr.String())
	}

	type answer struct{ status, method, url string }
	var answers []answer
	sc := bufio.NewScanner(&stderr)
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) == 4 && f[0] == readmeMark {
			answers = append(answers, answer{f[1], f[2], f[3]})
		}
	}
	// Every curl of the README ran once: none was skipped by a shell
	// function that was never called, say.
	if want := 2 * len(regexp.MustCompile(`(?m)(^|\$\(|\| *)curl `).FindAllString(strings.Join(blocks, "\n"), -1)); len(answers) != want {
		t.Errorf("%d requests answered, want one for each of the walk-through's curl commands in each of two runs, %d", len(answers), want)
	}
	refused := 0
	for _, a := range answers {
		switch {
		case strings.HasPrefix(a.status, "2"):
		case a.status == "422" && a.method == http.MethodPost && strings.HasSuffix(a.url, "/outcomes"):
			refused++ // the README's example of personal data in notes
		default:
			t.Errorf("%s %s answered %s", a.method, a.url, a.status)
		}
	}
	if refused != 2 {
		t.Errorf("%d submissions refused with 422, want the README's one example of personal data in each run", refused)
	}
	checkSeededBradford(t, srv.URL)
}

// checkSeededBradford holds the seeded Bradford programme to the source
// documents after the walk-through ran twice: 240 referrals and 61 people
// into work, its one quarterly schedule and the seed's 7 submissions.
func checkSeededBradford(t *testing.T, api string) {
	t.Helper()
	token, err := auth.MintLocal([]byte(testkit.Secret), "admin@example.org", "", []string{domain.AdminGroup}, time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	get := func(path string, v any) {
		t.Helper()
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, api+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d %s", path, resp.StatusCode, body)
		}
		if err := json.Unmarshal(body, v); err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
	}
	type named struct{ ID, Name string }
	var progs struct{ Items []named }
	get("/programmes?limit=100", &progs)
	var bradford []string
	for _, p := range progs.Items {
		if strings.Contains(p.Name, "Bradford") {
			bradford = append(bradford, p.ID)
		}
	}
	if len(bradford) != 1 {
		t.Fatalf("programmes named Bradford: %v, want the seeded one only (%+v)", bradford, progs.Items)
	}
	path := "/programmes/" + bradford[0]
	var progress struct {
		Totals   map[string]int64
		Projects []struct{ ProjectID string }
	}
	get(path+"/progress", &progress)
	if progress.Totals["referrals"] != 240 || progress.Totals["peopleIntoWork"] != 61 {
		t.Errorf("Bradford's totals after the walk-through ran twice: %v, want referrals 240 and peopleIntoWork 61", progress.Totals)
	}
	var schedules struct{ Items []named }
	get(path+"/schedules?limit=100", &schedules)
	if len(schedules.Items) != 1 {
		t.Errorf("Bradford has %d schedules after the walk-through ran twice, want the seed's one: %+v", len(schedules.Items), schedules.Items)
	}
	if len(progress.Projects) != 1 {
		t.Fatalf("Bradford's projects: %+v, want the seed's one", progress.Projects)
	}
	var outcomes struct{ Items []struct{ ID string } }
	get(path+"/projects/"+progress.Projects[0].ProjectID+"/outcomes?limit=100", &outcomes)
	if len(outcomes.Items) != 7 {
		t.Errorf("Bradford has %d submissions after the walk-through ran twice, want the seed's 7", len(outcomes.Items))
	}
}

// readmePython is a directory holding a python3 that runs the interpreter
// python3 on PATH runs, found once, or "" when that is python3 itself. The
// README's python3 commands run the same Python either way; through
// pyenv's shim (a shell script asking pyenv which Python to run, as on the
// machine in BENCHMARKS.md) each cost 0.4 CPU seconds more than the
// interpreter, and the walk-through runs ten (BENCHMARKS.md, 10).
func readmePython(t *testing.T) string {
	t.Helper()
	onPath, err := exec.LookPath("python3")
	if err != nil {
		return ""
	}
	out, err := exec.Command(onPath, "-c", "import sys; print(sys.executable)").Output()
	exe := strings.TrimSpace(string(out))
	if err != nil || exe == "" || exe == onPath || strings.ContainsAny(exe, "'\n") {
		return ""
	}
	// exec keeps the interpreter's own path as its name, so a virtual
	// environment's python still finds its packages (a link would not).
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "python3"), []byte("#!/bin/sh\nexec '"+exe+"' \"$@\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// readmeGo is a directory holding a go that runs the go on PATH, but
// for `go run ./<dir> ...`, as the Makefile runs make token and make seed:
// the first of each package goes to go run as written, which builds it (or
// takes it from the build cache) and runs it, keeping a copy of the
// binary it ran (go run -exec); the later ones run that copy with their
// own arguments. Each go run costs the go command 0.5 CPU seconds to load
// the module's packages and find the binary cached, whatever it then
// runs, and the walk-through's two runs make ten (BENCHMARKS.md, 10):
// with this, two. The binaries are this tree's, built in this test, so
// a change to infra/token or infra/seed or to the Makefile's commands is
// run as before. "" when there is no go on PATH.
func readmeGo(t *testing.T) string {
	t.Helper()
	goCmd, err := exec.LookPath("go")
	if err != nil || strings.ContainsAny(goCmd, "'\n") {
		return ""
	}
	dir := t.TempDir()
	if strings.ContainsAny(dir, "'\n\t \"\\$`") {
		return "" // spelt as it is in the scripts below
	}
	keep := filepath.Join(dir, "keep")
	// keep <copy> <binary> <args>: go run's -exec, which it runs in place
	// of the binary it built.
	if err := os.WriteFile(keep, []byte("#!/bin/sh\nout=$1; shift\ncp \"$1\" \"$out.tmp\" && mv \"$out.tmp\" \"$out\" && exec \"$@\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	shim := "#!/bin/sh\n" +
		"if [ \"$1\" = run ]; then\n" +
		"\tcase $2 in\n" +
		"\t./*)\n" +
		"\t\tpkg=$2; shift 2\n" +
		"\t\tbin=" + dir + "/run_$(printf %s \"$pkg\" | tr -c 'A-Za-z0-9' _)\n" +
		"\t\t[ -x \"$bin\" ] && exec \"$bin\" \"$@\"\n" +
		"\t\texec '" + goCmd + "' run -exec \"" + keep + " $bin\" \"$pkg\" \"$@\"\n" +
		"\tesac\n" +
		"fi\n" +
		"exec '" + goCmd + "' \"$@\"\n"
	if err := os.WriteFile(filepath.Join(dir, "go"), []byte(shim), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// readmeWalkThrough returns the README's ```sh blocks that use $API.
func readmeWalkThrough(readme string) []string {
	var blocks []string
	for _, m := range regexp.MustCompile("(?s)```sh\n(.*?)```").FindAllStringSubmatch(readme, -1) {
		if strings.Contains(m[1], "$API") {
			blocks = append(blocks, m[1])
		}
	}
	return blocks
}

// readmeEnv is env without what would make the README's make commands
// behave otherwise than in a terminal: the make running this test (make
// test) passes its flags and level down.
func readmeEnv(env []string) []string {
	var out []string
	for _, kv := range env {
		switch name, _, _ := strings.Cut(kv, "="); name {
		case "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "DEV_API", "FUNDTRACK_LOCAL_JWT_SECRET":
		default:
			out = append(out, kv)
		}
	}
	return out
}
