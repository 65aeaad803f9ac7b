package bench_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/xuri/excelize/v2"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// importRows and importProjects shape BenchmarkImport's file: 50 projects'
// monthly figures over 100 months, 5,000 rows, the most an import takes.
const (
	importRows     = 5000
	importProjects = 50
)

// importWorkbook is the benchmark's file as a project team keeps it in
// Excel: a row per project and month, real dates, three metrics, a note
// in one row of ten.
func importWorkbook(b *testing.B, names []string) []byte {
	b.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		b.Fatal(err)
	}
	date, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	if err != nil {
		b.Fatal(err)
	}
	if err := sw.SetRow("A1", []any{"Project", "Period start", "Period end", "Referrals", "People into work", "Job starts", "Notes"}); err != nil {
		b.Fatal(err)
	}
	for i := range importRows {
		m := i / len(names)
		start := time.Date(2017, time.Month(1+m), 1, 0, 0, 0, 0, time.UTC)
		note := ""
		if i%10 == 0 {
			note = fmt.Sprintf("Month %d: two new employment specialists started; referrals from the community team rose.", m)
		}
		axis, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(axis, []any{names[i%len(names)], excelize.Cell{StyleID: date, Value: start},
			excelize.Cell{StyleID: date, Value: start.AddDate(0, 1, -1)}, 5 + i%9, i % 4, i%4 + i%3, note}); err != nil {
			b.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// importEvent is API Gateway's event for a workbook upload: the body
// base64-encoded, as API Gateway passes binary bodies to Lambda.
func importEvent(b *testing.B, path string, data []byte, as string) []byte {
	b.Helper()
	var ev events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(gatewayEvent(b, http.MethodPost, path, nil, benchIdentity(as), ""), &ev); err != nil {
		b.Fatal(err)
	}
	ev.Body, ev.IsBase64Encoded = base64.StdEncoding.EncodeToString(data), true
	ev.Headers["content-type"] = domain.MediaXLSX
	raw, err := json.Marshal(ev)
	if err != nil {
		b.Fatal(err)
	}
	return raw
}

// BenchmarkImport imports 5,000 rows from an Excel workbook (50 projects ×
// 100 months) as the imports function does in Lambda: its built binary,
// one process, fed the API Gateway event (the workbook base64-encoded)
// through the stand-in Runtime API, against DynamoDB Local. It reports
// the import's wall and CPU time, the process's peak resident memory
// (VmHWM, the Lambda memory size's measure), then the same for sending
// the same file again (nothing to write) and for a dry run; and, from the
// same import made in-process over a counted client, the DynamoDB requests
// and transactions it takes. BENCHMARKS.md, section 6, records them.
func BenchmarkImport(b *testing.B) {
	root := moduleRoot(b)
	if runtime.GOOS != "linux" {
		b.Skip("the function is a linux binary")
	}
	bin := filepath.Join(b.TempDir(), "bootstrap")
	cmd := exec.Command("go", "build", "-tags", "lambda.norpc", "-trimpath", "-ldflags", "-s -w", "-o", bin, "./functions/imports")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("build: %v\n%s", err, out)
	}

	a := newAPI(b)
	newProgramme := func(name string) (string, []string) {
		f := a.programmeFrom(b, name, "2017-01-01") // the file's figures run from January 2017
		p := "/programmes/" + f.prog
		var names []string
		for i := range importProjects {
			n := fmt.Sprintf("IPS service %02d", i)
			a.create(b, asLead, p+"/projects", map[string]any{"name": n, "leadOrganisation": "NHS trust " + strconv.Itoa(i),
				"startDate": "2017-01-01", "endDate": "2026-12-31"})
			names = append(names, n)
		}
		return p, names
	}
	p, names := newProgramme("Import benchmark (Lambda)")
	data := importWorkbook(b, names)

	rt := newInvokeAPI()
	defer rt.Close()
	env := append(lambdaEnv(rt.Addr(), "imports", b.TempDir()), "FUNDTRACK_TABLE="+a.Table)
	proc := rt.start(b, bin, env)
	defer proc.stop()
	run := func(query string, want domain.ImportResult) (time.Duration, time.Duration) {
		event := importEvent(b, p+"/imports"+query, data, asLead)
		c0, t0 := proc.cpu(b), time.Now()
		res := rt.invoke(b, event)
		wall, cpu := time.Since(t0), proc.cpu(b)-c0
		var resp events.APIGatewayV2HTTPResponse
		if res.kind != "response" || json.Unmarshal(res.body, &resp) != nil || resp.StatusCode != http.StatusOK {
			b.Fatalf("import%s: %s %.400s\n%s", query, res.kind, res.body, proc.stderr)
		}
		var got domain.ImportResult
		if err := json.Unmarshal([]byte(resp.Body), &got); err != nil || got.Rows != want.Rows || got.Created != want.Created || got.Unchanged != want.Unchanged {
			b.Fatalf("import%s: %+v, want %+v", query, got, want)
		}
		return wall, cpu
	}
	dryWall, dryCPU := run("?dryRun=true", domain.ImportResult{Rows: importRows, Created: importRows})
	wall, cpu := run("?dryRun=false", domain.ImportResult{Rows: importRows, Created: importRows})
	rss := proc.peakRSS(b)
	againWall, againCPU := run("?dryRun=false", domain.ImportResult{Rows: importRows, Unchanged: importRows})
	// The same import in-process over the counted client: its requests.
	p2, names2 := newProgramme("Import benchmark (counted)")
	data2 := importWorkbook(b, names2)
	tok, err := a.tokens.For(asLead)
	if err != nil {
		b.Fatal(err)
	}
	n := a.Count.Measure(func() {
		r := httptest.NewRequest(http.MethodPost, p2+"/imports?dryRun=false", bytes.NewReader(data2))
		r.Header.Set("Content-Type", domain.MediaXLSX)
		r.Header.Set("Authorization", "Bearer "+tok)
		w := httptest.NewRecorder()
		a.h.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatalf("counted import: %d %.300s", w.Code, w.Body)
		}
	})
	b.Logf("5,000 rows: %s", n)
	for b.Loop() { // one import is the measurement: -benchtime does not repeat it
	}
	// Reported after b.Loop, which starts the benchmark's figures afresh.
	b.ReportMetric(ms(wall), "import-ms")
	b.ReportMetric(ms(cpu), "import-cpu-ms")
	b.ReportMetric(float64(rss)/(1<<20), "rss-MB")
	b.ReportMetric(ms(againWall), "resend-ms")
	b.ReportMetric(ms(againCPU), "resend-cpu-ms")
	b.ReportMetric(ms(dryWall), "dryrun-ms")
	b.ReportMetric(ms(dryCPU), "dryrun-cpu-ms")

	b.ReportMetric(float64(len(data))/(1<<10), "file-kB")
	b.ReportMetric(float64(n.Ops["TransactWriteItems"]), "transactions")
	b.ReportMetric(float64(n.Requests), "requests")
}
