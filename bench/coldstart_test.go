package bench_test

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/fundtrack/fundtrack/shared/testenv"
)

// BenchmarkColdStart builds every functions/<name> exactly as `make build`
// does (but for this machine's GOARCH, so it can run here) and a hello-world
// aws-lambda-go function (bench/hello) the same way, then starts each as a
// process against a stand-in Lambda Runtime API served by the benchmark and
// times exec → its first request to that API (GET
// /2018-06-01/runtime/invocation/next), which is when Lambda considers the
// function initialised.
//
// Each function is measured against hello in alternation: run i starts the
// function then hello, run i+1 hello then the function, so both see the
// same load and neither always goes first. The ratio is of the two medians
// over coldStartRuns() pairs (9 unless FUNDTRACK_BENCH_COLDSTART_RUNS
// says otherwise; more if -benchtime asks for more iterations, each one
// pair; `make bench` passes -benchtime 9x).
//
// Metrics: ms-p50 and ms-p90 (exec → first request), x-hello (median of the
// function over median of hello), x-hello-pairs (median of the pairs' own
// ratios, steadier when the load drifts), cpu-ms-p50 and cpu-x-hello (the same for
// the process's user + system CPU time), faults (median minor page faults
// up to then), bin-bytes, zip-bytes (deflated as build-lambda-zip does),
// init-kB and init-allocs (what package inits allocate: GODEBUG=inittrace=1).
// The whatif-* binaries size what is not the functions' own:
// whatif-hellodb is hello plus a DynamoDB client (the least any function
// reading DynamoDB can cost), whatif-apiconfig the delivery function with
// config.LoadDefaultConfig put back. delivery-awsenv is delivery started
// without the local endpoints, as in AWS (init contacts nothing either way).
func BenchmarkColdStart(b *testing.B) {
	root := moduleRoot(b)
	names := functionNames(b, root)
	whatIfs := []string{"whatif-hellodb", "whatif-apiconfig"}
	bins := buildFunctions(b, root, map[string]string{"hello": "./bench/hello",
		"whatif-hellodb": "./bench/hellodb", "whatif-apiconfig": "./bench/apiconfig"})

	rt := newRuntimeAPI()
	defer rt.Close()
	home := b.TempDir() // no ~/.aws files to read, as in Lambda
	runs := coldStartRuns(b)

	all := append(append([]string{"hello"}, names...), whatIfs...)
	if _, ok := bins["delivery"]; ok {
		// delivery as deployed: no local endpoints, so shared/platform
		// configures the client for AWS (credentials from the environment).
		all = append(all, "delivery-awsenv")
	}
	for _, name := range all {
		b.Run(name, func(b *testing.B) {
			fn, awsEnv := strings.CutSuffix(name, "-awsenv")
			bin := bins[fn]
			env := lambdaEnv(rt.Addr(), fn, home)
			if awsEnv {
				env = slices.DeleteFunc(env, func(kv string) bool { return strings.HasPrefix(kv, "FUNDTRACK_") && strings.Contains(kv, "_ENDPOINT=") })
			} else {
				sanityInvoke(b, rt, bin, env, fn, root)
			}
			helloEnv := lambdaEnv(rt.Addr(), "hello", home)

			var own, base []start
			pair := func() {
				// Alternate which goes first, so that neither always
				// follows the other (a warmer cache, a quieter moment).
				first := len(own)%2 == 0
				if name != "hello" && !first {
					base = append(base, rt.coldStart(b, bins["hello"], helloEnv))
				}
				own = append(own, rt.coldStart(b, bin, env))
				if name != "hello" && first {
					base = append(base, rt.coldStart(b, bins["hello"], helloEnv))
				}
			}
			for b.Loop() {
				pair()
			}
			for len(own) < runs {
				pair()
			}
			p50, cpu50 := median(own, start.wallTime), median(own, start.cpuTime)
			b.ReportMetric(ms(p50), "ms-p50")
			b.ReportMetric(ms(percentile(collect(own, start.wallTime), 90)), "ms-p90")
			b.ReportMetric(ms(cpu50), "cpu-ms-p50")
			b.ReportMetric(float64(median(own, start.minorFaults)), "faults")
			if name == "hello" {
				b.ReportMetric(1, "x-hello")
				b.ReportMetric(1, "cpu-x-hello")
			} else {
				hp50, hcpu50 := median(base, start.wallTime), median(base, start.cpuTime)
				b.ReportMetric(float64(p50)/float64(hp50), "x-hello")
				b.ReportMetric(float64(cpu50)/float64(hcpu50), "cpu-x-hello")
				// The median of each pair's own ratio: a pair runs back to
				// back, so a busy moment slows both and cancels out.
				ratios := make([]float64, len(own))
				for i := range own {
					ratios[i] = float64(own[i].wall) / float64(base[i].wall)
				}
				slices.Sort(ratios)
				b.ReportMetric(ratios[len(ratios)/2], "x-hello-pairs")
				b.Logf("%s: %d runs alternated with hello: p50 %.2f ms (CPU %.2f ms, %d faults); hello %.2f ms (CPU %.2f ms, %d faults)",
					name, len(own), ms(p50), ms(cpu50), median(own, start.minorFaults), ms(hp50), ms(hcpu50), median(base, start.minorFaults))
			}
			kb, allocs, top := initTrace(b, rt, bin, env)
			b.ReportMetric(kb, "init-kB")
			b.ReportMetric(float64(allocs), "init-allocs")
			b.Logf("%s: package init allocates %.0f kB in %d allocations; most: %s", name, kb, allocs, top)
			size, zipped := sizes(b, bin)
			b.ReportMetric(float64(size), "bin-bytes")
			b.ReportMetric(float64(zipped), "zip-bytes")
		})
	}
}

// functionNames are the functions/<name>/ folders holding Go files, as the
// Makefile finds them.
func functionNames(b *testing.B, root string) []string {
	b.Helper()
	matches, _ := filepath.Glob(filepath.Join(root, "functions", "*", "*.go"))
	var names []string
	for _, m := range matches {
		n := filepath.Base(filepath.Dir(m))
		if len(names) == 0 || names[len(names)-1] != n {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		b.Fatal("no functions/<name>/ folders")
	}
	return names
}

// buildFunctions builds every function, and the extra name → package
// given, exactly as `make build` does but for this machine's GOARCH (so it
// runs here): CGO_ENABLED=0, -tags lambda.norpc -trimpath -ldflags "-s
// -w". It returns name → binary.
func buildFunctions(b *testing.B, root string, extra map[string]string) map[string]string {
	b.Helper()
	if runtime.GOOS != "linux" {
		b.Skip("the functions are linux binaries: they run only on linux")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		b.Skip("no go command on PATH")
	}
	pkgs := map[string]string{}
	maps.Copy(pkgs, extra)
	for _, n := range functionNames(b, root) {
		pkgs[n] = "./functions/" + n
	}
	dir := b.TempDir()
	bins := map[string]string{}
	for name, pkg := range pkgs {
		out := filepath.Join(dir, name, "bootstrap")
		cmd := exec.Command(goBin, "build", "-tags", "lambda.norpc", "-trimpath", "-ldflags", "-s -w", "-o", out, pkg)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "GOOS=linux", "GOARCH="+runtime.GOARCH, "CGO_ENABLED=0")
		if msg, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("build %s: %v\n%s", pkg, err, msg)
		}
		bins[name] = out
	}
	return bins
}

// coldStartRuns is how many alternated pairs each function gets at least:
// FUNDTRACK_BENCH_COLDSTART_RUNS, or 9.
func coldStartRuns(b *testing.B) int {
	if v := os.Getenv("FUNDTRACK_BENCH_COLDSTART_RUNS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			b.Fatalf("FUNDTRACK_BENCH_COLDSTART_RUNS=%q: want a positive number", v)
		}
		return n
	}
	return 9
}

// start is one measured cold start.
type start struct {
	wall, cpu time.Duration
	faults    int64
}

func (s start) wallTime() time.Duration { return s.wall }
func (s start) cpuTime() time.Duration  { return s.cpu }
func (s start) minorFaults() int64      { return s.faults }

func collect[T any](s []start, f func(start) T) []T {
	out := make([]T, len(s))
	for i, x := range s {
		out[i] = f(x)
	}
	return out
}

// median is the middle value (the upper middle of an even count).
func median[T time.Duration | int64](s []start, f func(start) T) T {
	v := collect(s, f)
	slices.Sort(v)
	return v[len(v)/2]
}

// lambdaEnv is the environment Lambda gives a provided.al2023 function,
// plus what shared/platform reads (FromEnv, and LambdaWeb for the web
// function). The endpoints point at the local test
// stack, so the SDK is configured as for local use (static credentials),
// and nothing is contacted during init anyway.
func lambdaEnv(runtimeAPI, name, home string) []string {
	return []string{
		"AWS_LAMBDA_RUNTIME_API=" + runtimeAPI,
		"AWS_LAMBDA_FUNCTION_NAME=fundtrack-" + name,
		"AWS_LAMBDA_FUNCTION_VERSION=$LATEST",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=256",
		"AWS_LAMBDA_LOG_GROUP_NAME=/aws/lambda/fundtrack-" + name,
		"AWS_LAMBDA_LOG_STREAM_NAME=2026/01/31/[$LATEST]0123456789abcdef",
		"AWS_EXECUTION_ENV=AWS_Lambda_provided.al2023",
		"_HANDLER=bootstrap",
		"LAMBDA_TASK_ROOT=/var/task",
		"TZ=:UTC",
		"HOME=" + home,
		"AWS_REGION=" + testenv.Region,
		"AWS_DEFAULT_REGION=" + testenv.Region,
		"AWS_ACCESS_KEY_ID=local",
		"AWS_SECRET_ACCESS_KEY=local",
		"AWS_SESSION_TOKEN=local",
		"AWS_EC2_METADATA_DISABLED=true",
		"FUNDTRACK_TABLE=fundtrack-bench-coldstart",
		"FUNDTRACK_DYNAMODB_ENDPOINT=" + testenv.Endpoint(),
		"FUNDTRACK_SES_ENDPOINT=" + testenv.SESEndpoint(),
		// The web function's sessions and Cognito sign-in (nothing is contacted at init).
		"FUNDTRACK_SESSION_KEY=" + base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32)),
		"FUNDTRACK_COGNITO_DOMAIN=https://fundtrack-bench.auth.eu-west-2.amazoncognito.com",
		"FUNDTRACK_COGNITO_CLIENT_ID=benchclient",
		"FUNDTRACK_COGNITO_ISSUER=https://cognito-idp.eu-west-2.amazonaws.com/eu-west-2_Bench",
		"FUNDTRACK_WEB_BASE_URL=https://fundtrack.example.org",
		// The web function links its static files at the stage's CDN.
		"FUNDTRACK_STATIC_URL=https://d1234.cloudfront.net/3f2a9c0b1d4e/",
	}
}

var initLine = regexp.MustCompile(`^init (\S+) @[0-9.]+ ms, ([0-9.]+) ms clock, ([0-9]+) bytes, ([0-9]+) allocs`)

// initTrace starts bin once with GODEBUG=inittrace=1 and sums what its
// packages' init functions allocate: unlike times, a figure the machine's
// load does not change. top names the three biggest.
func initTrace(b *testing.B, rt *runtimeAPI, bin string, env []string) (float64, int64, string) {
	b.Helper()
	st := rt.begin(nil)
	cmd := exec.Command(bin)
	cmd.Env = append(slices.Clone(env), "GODEBUG=inittrace=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	select {
	case <-st.next:
	case <-time.After(30 * time.Second):
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	type pkg struct {
		name  string
		bytes int64
	}
	var pkgs []pkg
	var total, allocs int64
	for _, line := range strings.Split(stderr.String(), "\n") {
		m := initLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		n, _ := strconv.ParseInt(m[3], 10, 64)
		a, _ := strconv.ParseInt(m[4], 10, 64)
		total, allocs = total+n, allocs+a
		pkgs = append(pkgs, pkg{m[1], n})
	}
	slices.SortFunc(pkgs, func(x, y pkg) int { return int(y.bytes - x.bytes) })
	var top []string
	for _, p := range pkgs[:min(3, len(pkgs))] {
		top = append(top, fmt.Sprintf("%s %.0f kB", p.name, float64(p.bytes)/1024))
	}
	return float64(total) / 1024, allocs, strings.Join(top, ", ")
}

// sizes are the binary's size and the size of its deployment zip, deflated
// as build-lambda-zip writes it.
func sizes(b *testing.B, bin string) (int64, int64) {
	data, err := os.ReadFile(bin)
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.CreateHeader(&zip.FileHeader{CreatorVersion: 3 << 8, ExternalAttrs: 0777 << 16, Name: "bootstrap", Method: zip.Deflate})
	if err == nil {
		_, err = w.Write(data)
	}
	if err == nil {
		err = zw.Close()
	}
	if err != nil {
		b.Fatal(err)
	}
	return int64(len(data)), int64(buf.Len())
}

// sanityInvoke proves the built function really runs: it starts it once,
// hands it one sample event and waits for its answer (or error report) on
// the Runtime API. API functions get events/health.json (200 from
// programmes, a 404 in the SPEC's shape from the others); the notifier gets
// events/schedule.json and reports an error, since the benchmark's table
// does not exist. Not timed.
func sanityInvoke(b *testing.B, rt *runtimeAPI, bin string, env []string, name, root string) {
	b.Helper()
	event := []byte(`{}`)
	hello := name == "hello" || name == "whatif-hellodb"
	switch {
	case hello:
	case name == "notifier":
		event = readEvent(b, root, "schedule.json")
	default:
		event = readEvent(b, root, "health.json")
	}
	done := rt.expect(event)
	cmd := exec.Command(bin)
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	select {
	case res := <-done:
		switch {
		case hello && (res.kind != "response" || string(res.body) != `"hello"`):
			b.Fatalf("%s answered %s %s", name, res.kind, res.body)
		case name == "notifier":
			// Either answer shows the handler ran.
		case !hello:
			var resp struct {
				StatusCode int `json:"statusCode"`
			}
			if res.kind != "response" || json.Unmarshal(res.body, &resp) != nil || resp.StatusCode == 0 {
				b.Fatalf("%s answered %s %s", name, res.kind, res.body)
			}
		}
	case <-time.After(30 * time.Second):
		b.Fatalf("%s: no answer to the sample event in 30s; stderr:\n%s", name, stderr.String())
	}
}

func readEvent(b *testing.B, root, name string) []byte {
	raw, err := os.ReadFile(filepath.Join(root, "events", name))
	if err != nil {
		b.Fatal(err)
	}
	return raw
}

// runtimeAPI stands in for the Lambda Runtime API. Processes run one at a
// time; the current one's first /next is reported on its channel and then
// either held (cold-start runs) or answered with one event (sanity runs).
type runtimeAPI struct {
	srv *httptest.Server
	mu  sync.Mutex
	cur *startState
}

type startState struct {
	next    chan time.Time // the first /next's arrival
	event   []byte         // nil: hold /next
	served  bool
	answers chan answer
}

type answer struct {
	kind string // "response" or "error"
	body []byte
}

func newRuntimeAPI() *runtimeAPI {
	rt := &runtimeAPI{}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /2018-06-01/runtime/invocation/next", func(w http.ResponseWriter, r *http.Request) {
		at := time.Now()
		rt.mu.Lock()
		st := rt.cur
		var event []byte
		if st != nil {
			select {
			case st.next <- at:
			default:
			}
			if st.event != nil && !st.served {
				st.served, event = true, st.event
			}
		}
		rt.mu.Unlock()
		if event == nil {
			<-r.Context().Done() // hold until the process is killed
			return
		}
		w.Header().Set("Lambda-Runtime-Aws-Request-Id", "bench-request-1")
		w.Header().Set("Lambda-Runtime-Deadline-Ms", strconv.FormatInt(time.Now().Add(time.Minute).UnixMilli(), 10))
		w.Header().Set("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:eu-west-2:123456789012:function:bench")
		w.Header().Set("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000")
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(event)
	})
	answerFn := func(kind string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			rt.mu.Lock()
			st := rt.cur
			rt.mu.Unlock()
			if st != nil {
				select {
				case st.answers <- answer{kind: kind, body: body}:
				default:
				}
			}
			w.WriteHeader(http.StatusAccepted)
		}
	}
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/response", answerFn("response"))
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/error", answerFn("error"))
	mux.HandleFunc("POST /2018-06-01/runtime/init/error", answerFn("error"))
	rt.srv = httptest.NewServer(mux)
	return rt
}

func (rt *runtimeAPI) Addr() string { return strings.TrimPrefix(rt.srv.URL, "http://") }

func (rt *runtimeAPI) Close() { rt.srv.Close() }

func (rt *runtimeAPI) begin(event []byte) *startState {
	st := &startState{next: make(chan time.Time, 1), event: event, answers: make(chan answer, 1)}
	rt.mu.Lock()
	rt.cur = st
	rt.mu.Unlock()
	return st
}

// expect makes the next process's first /next get event, and returns where
// its answer arrives.
func (rt *runtimeAPI) expect(event []byte) <-chan answer { return rt.begin(event).answers }

// coldStart starts bin and returns the time from just before exec to the
// arrival of its first request at the stand-in Runtime API, and the CPU
// time (user + system) and minor page faults of the process: its init work,
// since once blocked on /next it is idle until it is killed. CPU time is
// the steadier figure on a busy machine.
func (rt *runtimeAPI) coldStart(b *testing.B, bin string, env []string) start {
	st := rt.begin(nil)
	cmd := exec.Command(bin)
	cmd.Env = env
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	exited := make(chan error, 1)
	began := time.Now()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	go func() { exited <- cmd.Wait() }()
	var d time.Duration
	select {
	case at := <-st.next:
		d = at.Sub(began)
	case err := <-exited:
		b.Fatalf("%s exited before asking for an event: %v\n%s", bin, err, stderr.String())
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		b.Fatalf("%s: no /next within 30s", bin)
	}
	_ = cmd.Process.Kill()
	<-exited
	var faults int64
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		faults = ru.Minflt
	}
	return start{wall: d, cpu: cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(), faults: faults}
}
