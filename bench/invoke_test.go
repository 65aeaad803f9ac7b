package bench_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
	"unsafe"

	"github.com/aws/aws-lambda-go/events"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/web"
)

// lambdaCPUMB is the memory size at which Lambda gives a function one
// vCPU's worth of CPU time; below it, a function gets memory/1,769 of a
// vCPU (AWS, "Lambda memory and computing power").
const lambdaCPUMB = 1769

// memorySizes are the Lambda memory sizes BenchmarkInvoke projects its
// CPU times to.
var memorySizes = []int{128, 256, 512, 1024}

// gravitonFactor is how much longer the same work takes on one of Lambda's
// arm64 (Graviton2) cores than on one of this machine's: an allowance, not
// a measurement (BENCHMARKS.md, section 4, says why 2).
const gravitonFactor = 2.0

// BenchmarkInvoke runs each function's built binary as Lambda runs one
// instance of it: one process, fed one event at a time through a stand-in
// Runtime API, against a programme in DynamoDB Local (20 grants, 20 posts,
// a target, outcome submissions). Each function gets a mix of its own
// routes, mostly reads, as people use them (the web function: pages; the
// notifier: a run after one programme changed). It is what the memory size
// of each function is chosen from (BENCHMARKS.md, section 4).
//
// Per invoke it measures the wall time from handing the event over to the
// answer arriving, and the process's CPU time over the same span (all its
// threads: clock_gettime on the process's CPU clock, so nanoseconds, GC
// included). The first invoke after start is reported apart (first-ms,
// first-cpu-ms): it pays one-off costs (the connection to DynamoDB, the
// web pages' templates) that a cold start's first request pays.
//
// Before that, each function is started FUNDTRACK_BENCH_COLD_RUNS times (9
// unless set) and given one event: cold-ms-p50 and cold-cpu-ms-p50 are
// exec → the first answer, init and first request together, as a person
// waits on a cold start (less Lambda's own set-up of the environment).
//
// Metrics: ms-p50, ms-p99, cpu-ms-mean, cpu-ms-p99, first-ms,
// first-cpu-ms, rss-MB (the process's peak resident set, VmHWM), and for
// each Lambda memory size M, cpu-ms-p99-at-<M>MB and first-cpu-ms-at-<M>MB:
// those CPU times as they would stretch in Lambda, where a function gets
// M/1,769 of a vCPU, on a Graviton2 core counted as gravitonFactor times
// slower than this machine's. The wall times are this machine's against
// DynamoDB Local, which says little about DynamoDB's own latency; the CPU
// times are the function's own work, which is what the memory size buys.
// Each function gets at least FUNDTRACK_BENCH_INVOKES invokes (default
// 300), more if -benchtime asks for more iterations (one invoke each).
func BenchmarkInvoke(b *testing.B) {
	root := moduleRoot(b)
	bins := buildFunctions(b, root, nil)
	n, coldRuns := 300, 9
	if v := os.Getenv("FUNDTRACK_BENCH_COLD_RUNS"); v != "" {
		var err error
		if coldRuns, err = strconv.Atoi(v); err != nil || coldRuns < 1 {
			b.Fatalf("FUNDTRACK_BENCH_COLD_RUNS=%q: want a positive number", v)
		}
	}
	if v := os.Getenv("FUNDTRACK_BENCH_INVOKES"); v != "" {
		var err error
		if n, err = strconv.Atoi(v); err != nil || n < 10 {
			b.Fatalf("FUNDTRACK_BENCH_INVOKES=%q: want a number of at least 10", v)
		}
	}

	// The data: a programme as BenchmarkAPI builds it, through the API.
	a := newAPI(b)
	f := a.programme(b, "Working for Wellness (invoke)")
	p := "/programmes/" + f.prog
	var grants []string
	for i := range 20 {
		grants = append(grants, a.create(b, asLead, p+"/grants", grantBody(f, i)))
	}
	for i := range 20 {
		a.create(b, asPL, p+"/projects/"+f.project+"/posts", map[string]any{"title": fmt.Sprintf("Employment specialist %d", i),
			"grantId": grants[i], "fte": 1.0, "contract": "temporary", "startDate": "2025-05-01", "status": "filled"})
	}
	target := a.create(b, asLead, p+"/targets", map[string]any{"metric": "peopleIntoWork", "value": 60, "deadline": "2026-09-30",
		"notify": []string{f.funder}, "thresholds": []int{50, 100}})
	var outcome string
	for i := range 24 {
		outcome = a.create(b, asPL, p+"/projects/"+f.project+"/outcomes", outcomeBody(i))
	}
	pr := p + "/projects/" + f.project
	// A quarterly schedule over the two years of outcomes, for the reporting function.
	a.create(b, asLead, p+"/schedules", map[string]any{"name": "Quarterly returns", "frequency": "quarterly",
		"firstPeriodStart": "2025-01-01", "lastPeriodEnd": "2026-12-31"})

	type call struct {
		as, method, path string
		body             func(i int) any
		want             int
	}
	get := func(as, path string) call {
		return call{as: as, method: http.MethodGet, path: path, want: http.StatusOK}
	}
	// Each function's mix, cycled through: reads, with a write in five or so.
	mixes := map[string][]call{
		"programmes": {get(asLead, "/programmes"), get(asLead, p), get(asLead, p+"/members"), get(asLead, p+"/funders"),
			get(asLead, p+"/projects"), get(asLead, pr), get(asLead, p+"/funders/"+f.funder), get(asLead, p+"/members/"+asPL),
			{as: asLead, method: http.MethodPost, path: p + "/funders", want: http.StatusCreated, body: func(i int) any {
				return map[string]any{"name": fmt.Sprintf("Funder %d", i), "orgId": fmt.Sprintf("GB-CHC-%07d", 1000000+i), "contacts": []string{"grants@funder.example.org"}}
			}}},
		"grants": {get(asLead, p+"/grants"), get(asLead, p+"/grants/"+grants[0]), get(asLead, p+"/grants/"+grants[7]),
			get(asLead, p+"/grants"), get(asLead, p+"/grants.csv"), get(asLead, p+"/grants/360giving"),
			{as: asLead, method: http.MethodPost, path: p + "/grants", want: http.StatusCreated,
				body: func(i int) any { return grantBody(f, 1000+i) }}},
		"delivery": {get(asLead, pr+"/posts"), get(asPL, pr+"/outcomes"), get(asPL, pr+"/outcomes/"+outcome),
			get(asPL, pr+"/posts"), {as: asPL, method: http.MethodPost, path: pr + "/outcomes", want: http.StatusCreated,
				body: func(i int) any { return outcomeBody(100 + i) }}},
		"progress": {get(asLead, p+"/progress"), get(asLead, p+"/targets"), get(asLead, p+"/targets/"+target),
			get(asLead, p+"/notifications"), get(asLead, p+"/progress"), get(asLead, p+"/outcomes/summary.csv")},
		"audit":   {get(asLead, p+"/audit")},
		"imports": {get(asLead, p+"/imports/template.csv"), get(asPL, p+"/imports/template.xlsx")},
		"reporting": {get(asLead, p+"/returns"), get(asLead, p+"/schedules"), get(asLead, p+"/returns?status=overdue"),
			get(asPL, p+"/returns?projectId="+f.project), get(asLead, p+"/outcomes/pending")},
	}
	const ap = "/app/programmes/"
	pages := []string{"/app/", ap + f.prog, ap + f.prog + "/grants", ap + f.prog + "/grants/" + grants[0], ap + f.prog + "/projects",
		ap + f.prog + "/projects/" + f.project, ap + f.prog + "/targets", ap + f.prog + "/grants/new", ap + f.prog + "/audit",
		ap + f.prog + "/projects/" + f.project + "/outcomes/" + outcome, ap + f.prog + "/grants.csv"}

	home := b.TempDir()
	for _, name := range functionNames(b, root) {
		b.Run(name, func(b *testing.B) {
			rt := newInvokeAPI()
			defer rt.Close()
			env := append(lambdaEnv(rt.Addr(), name, home), "FUNDTRACK_TABLE="+a.Table)
			var next func(i int) []byte
			switch name {
			case "web":
				codec, err := web.NewCodec(bytes.Repeat([]byte{7}, 32)) // lambdaEnv's FUNDTRACK_SESSION_KEY
				if err != nil {
					b.Fatal(err)
				}
				cookie, err := codec.Seal(web.SessionCookie, web.NewSession(benchIdentity(asLead), time.Now()))
				if err != nil {
					b.Fatal(err)
				}
				next = func(i int) []byte {
					return gatewayEvent(b, http.MethodGet, pages[i%len(pages)], nil, domain.Identity{}, web.SessionCookie+"="+cookie)
				}
			case "notifier":
				schedule := readEvent(b, root, "schedule.json")
				next = func(i int) []byte {
					// A run after one programme changed: an outcome was submitted.
					a.create(b, asPL, pr+"/outcomes", outcomeBody(500+i))
					return schedule
				}
			default:
				mix, ok := mixes[name]
				if !ok {
					b.Skipf("no request mix for functions/%s: add one to BenchmarkInvoke", name)
				}
				next = func(i int) []byte {
					c := mix[i%len(mix)]
					var body any
					if c.body != nil {
						body = c.body(i)
					}
					return gatewayEvent(b, c.method, c.path, body, benchIdentity(c.as), "")
				}
			}
			want := func(i int) int {
				if m, ok := mixes[name]; ok {
					return m[i%len(m)].want
				}
				return http.StatusOK
			}

			check := func(i int, res answer) {
				if name == "notifier" {
					if res.kind != "response" {
						b.Fatalf("notifier run %d: %s %s", i, res.kind, res.body)
					}
					return
				}
				var resp events.APIGatewayV2HTTPResponse
				if res.kind != "response" || json.Unmarshal(res.body, &resp) != nil || resp.StatusCode != want(i) {
					b.Fatalf("%s invoke %d: %s %.300s (want status %d)", name, i, res.kind, res.body, want(i))
				}
			}

			// Cold requests: a new process for each, exec → the answer to
			// its first event (the mix's first, a read), which is what a
			// person waits for after a cold start, less Lambda's own set-up.
			var coldWall, coldCPU []time.Duration
			for range coldRuns {
				event := next(0)
				t0 := time.Now()
				proc := rt.start(b, bins[name], env)
				res := rt.invoke(b, event)
				coldWall, coldCPU = append(coldWall, time.Since(t0)), append(coldCPU, proc.cpu(b))
				proc.stop()
				check(0, res)
			}

			proc := rt.start(b, bins[name], env)
			defer proc.stop()
			var wall, cpu []time.Duration
			var firstWall, firstCPU time.Duration
			step := func(i int) {
				event := next(i)
				c0, t0 := proc.cpu(b), time.Now()
				res := rt.invoke(b, event)
				d, c := time.Since(t0), proc.cpu(b)-c0
				check(i, res)
				if i == 0 {
					firstWall, firstCPU = d, c
					return
				}
				wall, cpu = append(wall, d), append(cpu, c)
			}
			i := 0
			for b.Loop() {
				step(i)
				i++
			}
			for ; i < n; i++ {
				step(i)
			}
			rss := proc.peakRSS(b)

			b.ReportMetric(ms(percentile(wall, 50)), "ms-p50")
			b.ReportMetric(ms(percentile(wall, 99)), "ms-p99")
			var total time.Duration
			for _, c := range cpu {
				total += c
			}
			b.ReportMetric(ms(total)/float64(len(cpu)), "cpu-ms-mean")
			b.ReportMetric(ms(percentile(cpu, 99)), "cpu-ms-p99")
			b.ReportMetric(ms(percentile(coldWall, 50)), "cold-ms-p50")
			b.ReportMetric(ms(percentile(coldCPU, 50)), "cold-cpu-ms-p50")
			b.ReportMetric(ms(firstWall), "first-ms")
			b.ReportMetric(ms(firstCPU), "first-cpu-ms")
			b.ReportMetric(float64(rss)/(1<<20), "rss-MB")
			var projected []string
			for _, mb := range memorySizes {
				stretch := gravitonFactor * float64(lambdaCPUMB) / float64(mb)
				p99, first := ms(percentile(cpu, 99))*stretch, ms(firstCPU)*stretch
				b.ReportMetric(p99, fmt.Sprintf("cpu-ms-p99-at-%dMB", mb))
				b.ReportMetric(first, fmt.Sprintf("first-cpu-ms-at-%dMB", mb))
				projected = append(projected, fmt.Sprintf("%d MB: p99 %.0f ms, first %.0f ms", mb, p99, first))
			}
			b.Logf("%s: %d invokes after the first; peak RSS %.1f MB; CPU mean %.2f ms, p99 %.2f ms; CPU in Lambda %s",
				name, len(wall), float64(rss)/(1<<20), ms(total)/float64(len(cpu)), ms(percentile(cpu, 99)), strings.Join(projected, "; "))
		})
	}
}

// benchIdentity is who the API's JWT authorizer (or the web session) says
// the caller is, with the subject auth.MintLocal gives the same email, so
// the API benchmarks' fixture knows them.
func benchIdentity(email string) domain.Identity {
	sum := sha256.Sum256([]byte(email))
	id := domain.Identity{Subject: "local-" + hex.EncodeToString(sum[:])[:16], Email: email}
	if email == asAdmin {
		id.Groups = []string{domain.AdminGroup}
	}
	return id
}

// gatewayEvent is an API Gateway HTTP API (v2) event for the request, as
// the JWT authorizer passes it on: the caller's verified claims in the
// request context (none for the web app, which has its own session cookie).
func gatewayEvent(b *testing.B, method, path string, body any, id domain.Identity, cookie string) []byte {
	b.Helper()
	ev := events.APIGatewayV2HTTPRequest{
		Version: "2.0", RouteKey: "$default", RawPath: path,
		Headers: map[string]string{"host": "abc123.execute-api.eu-west-2.amazonaws.com", "x-forwarded-proto": "https",
			"accept-encoding": "gzip, deflate, br", "user-agent": "fundtrack-bench"},
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			DomainName: "abc123.execute-api.eu-west-2.amazonaws.com", Stage: "$default", RequestID: "bench-" + strconv.FormatInt(time.Now().UnixNano(), 36),
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: method, Path: path, Protocol: "HTTP/1.1", SourceIP: "192.0.2.1", UserAgent: "fundtrack-bench"},
		},
	}
	if path, query, ok := strings.Cut(path, "?"); ok {
		ev.RawPath, ev.RawQueryString, ev.RequestContext.HTTP.Path = path, query, path
	}
	if id.Email != "" {
		claims := map[string]string{"sub": id.Subject, "email": id.Email, "email_verified": "true"}
		if len(id.Groups) > 0 {
			claims["cognito:groups"] = "[" + strings.Join(id.Groups, " ") + "]"
		}
		ev.RequestContext.Authorizer = &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
			JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{Claims: claims}}
	}
	if cookie != "" {
		ev.Cookies = []string{cookie}
	}
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			b.Fatal(err)
		}
		ev.Body = string(raw)
		ev.Headers["content-type"] = "application/json"
	}
	raw, err := json.Marshal(ev)
	if err != nil {
		b.Fatal(err)
	}
	return raw
}

// invokeAPI stands in for the Lambda Runtime API for one long-lived
// process: each GET /next waits for the event invoke hands it.
type invokeAPI struct {
	srv     *httptest.Server
	events  chan []byte
	answers chan answer
	seq     int
	waiting atomic.Int64 // GET /next requests waiting for an event
}

func newInvokeAPI() *invokeAPI {
	rt := &invokeAPI{events: make(chan []byte), answers: make(chan answer, 1)}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /2018-06-01/runtime/invocation/next", func(w http.ResponseWriter, r *http.Request) {
		rt.waiting.Add(1)
		defer rt.waiting.Add(-1)
		select {
		case event := <-rt.events:
			rt.seq++
			w.Header().Set("Lambda-Runtime-Aws-Request-Id", "bench-"+strconv.Itoa(rt.seq))
			w.Header().Set("Lambda-Runtime-Deadline-Ms", strconv.FormatInt(time.Now().Add(time.Minute).UnixMilli(), 10))
			w.Header().Set("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:eu-west-2:123456789012:function:bench")
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write(event)
		case <-r.Context().Done():
		}
	})
	answerFn := func(kind string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			w.WriteHeader(http.StatusAccepted)
			select {
			case rt.answers <- answer{kind: kind, body: body}:
			case <-r.Context().Done(): // nobody is waiting: the benchmark failed
			}
		}
	}
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/response", answerFn("response"))
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/error", answerFn("error"))
	mux.HandleFunc("POST /2018-06-01/runtime/init/error", answerFn("error"))
	rt.srv = httptest.NewServer(mux)
	return rt
}

func (rt *invokeAPI) Addr() string { return strings.TrimPrefix(rt.srv.URL, "http://") }

func (rt *invokeAPI) Close() { rt.srv.Close() }

// invoke hands the running process one event and waits for its answer.
func (rt *invokeAPI) invoke(b *testing.B, event []byte) answer {
	b.Helper()
	select {
	case rt.events <- event:
	case <-time.After(30 * time.Second):
		b.Fatal("the function did not ask for an event within 30s")
	}
	select {
	case res := <-rt.answers:
		return res
	case <-time.After(30 * time.Second):
		b.Fatal("no answer within 30s")
	}
	return answer{}
}

// process is a function's running binary.
type process struct {
	rt     *invokeAPI
	cmd    *exec.Cmd
	stderr *bytes.Buffer
}

func (rt *invokeAPI) start(b *testing.B, bin string, env []string) *process {
	b.Helper()
	p := &process{rt: rt, cmd: exec.Command(bin), stderr: &bytes.Buffer{}}
	p.cmd.Env, p.cmd.Stderr = env, p.stderr
	if err := p.cmd.Start(); err != nil {
		b.Fatal(err)
	}
	return p
}

// stop kills the process and waits until its GET /next has left the
// stand-in Runtime API too, so that it cannot take the next process's event.
func (p *process) stop() {
	_ = p.cmd.Process.Kill()
	_ = p.cmd.Wait()
	for deadline := time.Now().Add(5 * time.Second); p.rt.waiting.Load() > 0 && time.Now().Before(deadline); {
		time.Sleep(100 * time.Microsecond)
	}
}

// cpu is the CPU time the process has used so far, all threads: its
// process CPU clock (clock_gettime on MAKE_PROCESS_CPUCLOCK(pid,
// CPUCLOCK_SCHED)), in nanoseconds, unlike /proc's clock ticks.
func (p *process) cpu(b *testing.B) time.Duration {
	clock := (^int64(p.cmd.Process.Pid) << 3) | 2
	var ts syscall.Timespec
	if _, _, errno := syscall.Syscall(syscall.SYS_CLOCK_GETTIME, uintptr(clock), uintptr(unsafe.Pointer(&ts)), 0); errno != 0 {
		b.Fatalf("the function's CPU clock: %v\n%s", errno, p.stderr)
	}
	return time.Duration(ts.Nano())
}

// peakRSS is the most memory the process has had resident (VmHWM).
func (p *process) peakRSS(b *testing.B) int64 {
	raw, err := os.ReadFile("/proc/" + strconv.Itoa(p.cmd.Process.Pid) + "/status")
	if err != nil {
		b.Fatal(err)
	}
	for line := range strings.SplitSeq(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				b.Fatalf("VmHWM %q: %v", v, err)
			}
			return kb << 10
		}
	}
	b.Fatal("no VmHWM in /proc/<pid>/status")
	return 0
}
