package bench_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/fundtrack/fundtrack/shared/testkit"
)

// The cast of the API benchmarks.
const (
	asAdmin = testkit.Admin
	asLead  = "lead@bench.example.org"
	asPL    = "project-lead@bench.example.org"
)

// api is every API function's real handler mounted as infra/runner mounts
// them, over a fresh DynamoDB Local table whose client counts requests.
// Requests go straight to ServeHTTP (no sockets), with local HS256 tokens.
type api struct {
	*testkit.Stack
	h      http.Handler
	tokens *testkit.Tokens
}

func newAPI(b *testing.B) *api {
	b.Helper()
	s := testkit.New(b)
	k := testkit.NewAPI(b, s.DB, testkit.APIConfig{Config: s.Config(), Quiet: true})
	return &api{Stack: s, h: k.Handler, tokens: k.Tokens}
}

// try serves one request and checks its status; body is JSON-encoded
// unless nil. It returns the answer's body and ETag. Safe on any goroutine.
func (a *api) try(as, method, path string, body any, want int, header ...string) ([]byte, string, error) {
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return nil, "", err
		}
		rd = bytes.NewReader(raw)
	}
	r := httptest.NewRequestWithContext(context.Background(), method, path, rd)
	if body != nil {
		r.Header.Set("Content-Type", "application/json")
	}
	tok, err := a.tokens.For(as)
	if err != nil {
		return nil, "", err
	}
	r.Header.Set("Authorization", "Bearer "+tok)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	a.h.ServeHTTP(w, r)
	if w.Code != want {
		return nil, "", fmt.Errorf("%s %s as %s: %d, want %d: %s", method, path, as, w.Code, want, strings.TrimSpace(w.Body.String()))
	}
	return w.Body.Bytes(), w.Header().Get("ETag"), nil
}

// do is try on the benchmark's goroutine, failing the benchmark on error.
func (a *api) do(b *testing.B, as, method, path string, body any, want int, header ...string) ([]byte, string) {
	b.Helper()
	raw, tag, err := a.try(as, method, path, body, want, header...)
	if err != nil {
		b.Fatal(err)
	}
	return raw, tag
}

// tryCreate POSTs and returns the new item's id.
func (a *api) tryCreate(as, path string, body any) (string, error) {
	raw, _, err := a.try(as, http.MethodPost, path, body, http.StatusCreated)
	if err != nil {
		return "", err
	}
	var v struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(raw, &v); err != nil || v.ID == "" {
		return "", fmt.Errorf("POST %s: no id in %s", path, raw)
	}
	return v.ID, nil
}

func (a *api) create(b *testing.B, as, path string, body any) string {
	b.Helper()
	id, err := a.tryCreate(as, path, body)
	if err != nil {
		b.Fatal(err)
	}
	return id
}

// fixture is one programme with a lead, a project lead, a funder and a project.
type fixture struct {
	prog, funder, project string
}

func (a *api) programme(b *testing.B, name string) fixture {
	return a.programmeFrom(b, name, "2025-04-01")
}

// programmeFrom is programme for a programme that began on start (an
// import of years of figures needs a programme that ran through them).
func (a *api) programmeFrom(b *testing.B, name, start string) fixture {
	var f fixture
	f.prog = a.create(b, asAdmin, "/programmes", map[string]any{"name": name, "leadOrganisation": "Bench NHS Trust",
		"startDate": start, "endDate": "2028-03-31"})
	p := "/programmes/" + f.prog
	f.funder = a.create(b, asAdmin, p+"/funders", map[string]any{"name": "Department for Work and Pensions",
		"orgId": "GB-GOR-D10", "contacts": []string{"grants@dwp.example.org"}})
	f.project = a.create(b, asAdmin, p+"/projects", map[string]any{"name": "IPS Leicester", "leadOrganisation": "Bench NHS Trust",
		"startDate": "2025-04-01", "endDate": "2028-03-31"})
	a.do(b, asAdmin, http.MethodPut, p+"/members/"+asLead, map[string]any{"roles": []map[string]any{{"role": "lead"}}}, http.StatusCreated)
	a.do(b, asAdmin, http.MethodPut, p+"/members/"+asPL, map[string]any{"roles": []map[string]any{{"role": "project-lead", "projectId": f.project}}}, http.StatusCreated)
	return f
}

func grantBody(f fixture, i int) map[string]any {
	return map[string]any{"funderId": f.funder, "projectId": f.project, "title": fmt.Sprintf("Employment specialists %d", i),
		"amountPence": 2_500_000_00, "currency": "GBP", "awardDate": "2025-03-01", "startDate": "2025-04-01", "endDate": "2027-03-31"}
}

func outcomeBody(i int) map[string]any {
	return map[string]any{"periodStart": "2025-04-01", "periodEnd": "2025-04-30",
		"counts":   map[string]int{"referrals": 12 + i%5, "peopleIntoWork": 1 + i%3, "jobStarts": 2 + i%3},
		"measures": []map[string]any{{"name": "self-confidence", "baselineMean": 3.0, "latestMean": 6.5, "respondents": 8}}}
}

// parallel runs f(0..n-1) on w goroutines and fails the benchmark with
// the first error once all are done.
func parallel(b *testing.B, n, w int, f func(i int) error) {
	b.Helper()
	var (
		wg    sync.WaitGroup
		once  sync.Once
		first error
	)
	next := make(chan int)
	for range w {
		wg.Go(func() {
			for i := range next {
				if err := f(i); err != nil {
					once.Do(func() { first = err })
				}
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	if first != nil {
		b.Fatal(first)
	}
}

// BenchmarkAPI times representative routes through the real handlers
// against DynamoDB Local, as a programme lead (a member: each request first
// reads the programme and the caller's membership) or, for outcomes, the
// project's lead. Metrics: ms-p50, ms-p99, ddb-req/op (DynamoDB requests
// per call) and items/op (items those requests returned).
func BenchmarkAPI(b *testing.B) {
	a := newAPI(b)
	f := a.programme(b, "Working for Wellness (bench)")
	p := "/programmes/" + f.prog
	const grants, posts = 20, 20
	var grantIDs [grants]string
	parallel(b, grants, 4, func(i int) (err error) {
		grantIDs[i], err = a.tryCreate(asLead, p+"/grants", grantBody(f, i))
		return err
	})
	parallel(b, posts, 4, func(i int) error {
		_, err := a.tryCreate(asPL, p+"/projects/"+f.project+"/posts", map[string]any{"title": fmt.Sprintf("Employment specialist %d", i),
			"grantId": grantIDs[i%grants], "fte": 1.0, "contract": "temporary", "startDate": "2025-05-01", "status": "filled"})
		return err
	})
	a.create(b, asLead, p+"/targets", map[string]any{"metric": "peopleIntoWork", "value": 60, "deadline": "2026-09-30",
		"notify": []string{f.funder}, "thresholds": []int{50, 100}})

	// Progress over 1 and over 500 submissions: two more programmes.
	progressOf := map[int]fixture{}
	for _, n := range []int{1, 500} {
		pf := a.programme(b, fmt.Sprintf("Progress over %d submissions", n))
		pp := "/programmes/" + pf.prog
		a.create(b, asLead, pp+"/grants", grantBody(pf, 0))
		a.create(b, asLead, pp+"/targets", map[string]any{"metric": "peopleIntoWork", "value": 60, "deadline": "2026-09-30",
			"notify": []string{pf.funder}})
		// Submissions all update the programme's totals item, so few at a time.
		parallel(b, n, 2, func(i int) error {
			_, err := a.tryCreate(asPL, pp+"/projects/"+pf.project+"/outcomes", outcomeBody(i))
			return err
		})
		progressOf[n] = pf
	}

	type route struct {
		name   string
		as     string
		method string
		path   func(i int) string
		body   func(i int) any
		want   int
		header func() []string
	}
	grant := grantIDs[0]
	etag := ""
	_, etag = a.do(b, asLead, http.MethodGet, p+"/grants/"+grant, nil, http.StatusOK)
	fixed := func(s string) func(int) string { return func(int) string { return s } }
	routes := []route{
		{name: "GET_programme", as: asLead, method: "GET", path: fixed(p), want: 200},
		{name: "GET_grants_list_20", as: asLead, method: "GET", path: fixed(p + "/grants"), want: 200},
		{name: "GET_grant", as: asLead, method: "GET", path: fixed(p + "/grants/" + grant), want: 200},
		{name: "GET_posts_list_20", as: asLead, method: "GET", path: fixed(p + "/projects/" + f.project + "/posts"), want: 200},
		{name: "GET_progress_1_submission", as: asLead, method: "GET", path: fixed("/programmes/" + progressOf[1].prog + "/progress"), want: 200},
		{name: "GET_progress_500_submissions", as: asLead, method: "GET", path: fixed("/programmes/" + progressOf[500].prog + "/progress"), want: 200},
		{name: "POST_grant", as: asLead, method: "POST", path: fixed(p + "/grants"), body: func(i int) any { return grantBody(f, 100+i) }, want: 201},
		{name: "PATCH_grant", as: asLead, method: "PATCH", path: fixed(p + "/grants/" + grant),
			body: func(i int) any { return map[string]any{"amountPence": 2_500_000_00 + i} }, want: 200,
			header: func() []string { return []string{"If-Match", etag} }},
		{name: "POST_outcome", as: asPL, method: "POST", path: fixed(p + "/projects/" + f.project + "/outcomes"),
			body: func(i int) any { return outcomeBody(i) }, want: 201},
	}
	for _, rt := range routes {
		b.Run(rt.name, func(b *testing.B) {
			var lat []time.Duration
			before := a.Count.Snapshot()
			i := 0
			for b.Loop() {
				var body any
				if rt.body != nil {
					body = rt.body(i)
				}
				var hdr []string
				if rt.header != nil {
					hdr = rt.header()
				}
				start := time.Now()
				_, tag := a.do(b, rt.as, rt.method, rt.path(i), body, rt.want, hdr...)
				lat = append(lat, time.Since(start))
				if rt.method == "PATCH" {
					etag = tag
				}
				i++
			}
			d := a.Count.Snapshot().Since(before)
			b.ReportMetric(ms(percentile(lat, 50)), "ms-p50")
			b.ReportMetric(ms(percentile(lat, 99)), "ms-p99")
			b.ReportMetric(float64(d.Requests)/float64(i), "ddb-req/op")
			b.ReportMetric(float64(d.Items)/float64(i), "items/op")
			b.Logf("%s: %d calls, DynamoDB requests %v", rt.name, i, perCall(d, i))
		})
	}
}

// perCall shows requests by operation per call, with the mean time of
// each, and the HTTP attempts when the SDK had to retry.
func perCall(d testkit.Counts, calls int) string {
	var parts []string
	for _, op := range slices.Sorted(maps.Keys(d.Ops)) {
		n := d.Ops[op]
		parts = append(parts, fmt.Sprintf("%s %.2f (%.2f ms each)", op, float64(n)/float64(calls), ms(d.Time[op])/float64(n)))
	}
	if d.Attempts != d.Requests {
		parts = append(parts, fmt.Sprintf("%d attempts for %d requests", d.Attempts, d.Requests))
	}
	return strings.Join(parts, ", ")
}

// BenchmarkGetGrantThroughput compares, with 4 concurrent goroutines, the
// raw SDK's GetItem of a grant item with the API's GET of the same grant
// (token check, access read, GetItem, JSON), both against DynamoDB Local on
// this machine, and with the raw SDK's BatchGetItem of the three items the
// API's GET reads in its one request. Metrics: req/s; x-sdk, the API's rate
// as a fraction of GetItem's; x-batch, as a fraction of that BatchGetItem's,
// which leaves out what DynamoDB Local spends on the two access items and
// so is the API's own overhead (token, routing, JSON).
func BenchmarkGetGrantThroughput(b *testing.B) {
	a := newAPI(b)
	f := a.programme(b, "Throughput")
	p := "/programmes/" + f.prog
	grant := a.create(b, asLead, p+"/grants", grantBody(f, 0))
	token, err := a.tokens.For(asLead)
	if err != nil {
		b.Fatal(err)
	}
	keyOf := func(sk string) map[string]types.AttributeValue {
		return map[string]types.AttributeValue{
			"PK": &types.AttributeValueMemberS{Value: "PROG#" + f.prog},
			"SK": &types.AttributeValueMemberS{Value: sk},
		}
	}
	key := keyOf("GRANT#" + grant)
	// What the API's GET reads, in its one request (docs/dynamodb.md): the
	// programme, the caller's membership and the grant.
	access := []map[string]types.AttributeValue{keyOf("PROG"), keyOf("MEMBER#" + asLead), key}
	const goroutinesPerProc = 2 // × GOMAXPROCS
	rates := map[string]float64{}
	b.Run("sdk_GetItem", func(b *testing.B) {
		b.SetParallelism(goroutinesPerProc)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				out, err := a.DB.GetItem(context.Background(), &dynamodb.GetItemInput{TableName: aws.String(a.Table), Key: key, ConsistentRead: aws.Bool(true)})
				if err != nil || out.Item == nil {
					b.Errorf("GetItem: %v", err)
					return
				}
			}
		})
		rates["sdk"] = float64(b.N) / b.Elapsed().Seconds()
		b.ReportMetric(rates["sdk"], "req/s")
	})
	b.Run("sdk_BatchGetItem_access", func(b *testing.B) {
		b.SetParallelism(goroutinesPerProc)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				out, err := a.DB.BatchGetItem(context.Background(), &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{
					a.Table: {Keys: access, ConsistentRead: aws.Bool(true)}}})
				if err != nil || len(out.Responses[a.Table]) != len(access) {
					b.Errorf("BatchGetItem: %v", err)
					return
				}
			}
		})
		rates["batch"] = float64(b.N) / b.Elapsed().Seconds()
		b.ReportMetric(rates["batch"], "req/s")
	})
	b.Run("api_GET_grant", func(b *testing.B) {
		b.SetParallelism(goroutinesPerProc)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				r := httptest.NewRequest(http.MethodGet, p+"/grants/"+grant, nil)
				r.Header.Set("Authorization", "Bearer "+token)
				w := httptest.NewRecorder()
				a.h.ServeHTTP(w, r)
				if w.Code != http.StatusOK {
					b.Errorf("GET grant: %d %s", w.Code, w.Body)
					return
				}
			}
		})
		rates["api"] = float64(b.N) / b.Elapsed().Seconds()
		b.ReportMetric(rates["api"], "req/s")
		if rates["sdk"] > 0 {
			b.ReportMetric(rates["api"]/rates["sdk"], "x-sdk")
		}
		if rates["batch"] > 0 {
			b.ReportMetric(rates["api"]/rates["batch"], "x-batch")
		}
	})
}
