package httpapi_test

// A small harness for the delivery and progress tests (issue #3): every
// httpapi.Function mounted on one mux the way infra/runner mounts them,
// served by httptest over a fresh DynamoDB Local table (or any store.DB
// wrapped around one), local HS256 tokens for a fixed cast, and a fixture
// programme with funders, projects, grants and members. Names start with
// "dh" so they never meet the names of the other API tests in this package.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/fundtrack/fundtrack/shared/auth"
	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/httpapi"
	"github.com/fundtrack/fundtrack/shared/platform"
	"github.com/fundtrack/fundtrack/shared/store"
	"github.com/fundtrack/fundtrack/shared/testenv"
)

const dhSecret = "delivery-tests-secret"

// The cast; roles come from dhSetup.
const (
	dhAdmin    = "dh-admin@example.org"    // group admins, no membership
	dhLead     = "dh-lead@example.org"     // lead of P
	dhPLA      = "dh-pl-a@example.org"     // project-lead of A
	dhPLB      = "dh-pl-b@example.org"     // project-lead of B
	dhFunder   = "dh-funder-x@example.org" // funder X of P
	dhOutsider = "dh-outsider@example.org" // no membership anywhere
	dhLeadQ    = "dh-lead-q@example.org"   // lead of the other programme Q only
)

// dhLogs keeps the server's log; it is printed only when a test fails.
type dhLogs struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *dhLogs) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *dhLogs) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// dhAPI is the API running over one table.
type dhAPI struct {
	URL    string
	raw    *dynamodb.Client // plain client on the same table, for scans
	table  string
	http   *http.Client
	tokens sync.Map
	logs   *dhLogs
}

// dhNew starts the API over a fresh table.
func dhNew(t testing.TB) *dhAPI {
	t.Helper()
	db, table := testenv.Table(t)
	return dhOver(t, db, testenv.Client(t), table)
}

// dhOver starts the API over db (which may wrap or instrument the client),
// wired as the runner wires it; raw is an uninstrumented client for checks.
func dhOver(t testing.TB, db store.DB, raw *dynamodb.Client, table string) *dhAPI {
	t.Helper()
	a := &dhAPI{raw: raw, table: table, logs: &dhLogs{}}
	deps := platform.APIDeps(platform.Config{Table: table}, db, auth.Local{Secret: []byte(dhSecret), Issuer: auth.LocalIssuer})
	deps.Logger = slog.New(slog.NewTextHandler(a.logs, nil))
	// Mounted as the local runner mounts them (API Gateway routes by route in AWS).
	srv := httptest.NewServer(httpapi.Mount(httpapi.Functions(deps)))
	tr := &http.Transport{MaxIdleConns: 200, MaxIdleConnsPerHost: 200, IdleConnTimeout: 30 * time.Second}
	a.http = &http.Client{Transport: tr, Timeout: 60 * time.Second}
	a.URL = srv.URL
	t.Cleanup(func() {
		tr.CloseIdleConnections()
		srv.Close()
		if t.Failed() {
			t.Logf("server log:\n%s", a.logs.String())
		}
	})
	return a
}

func (a *dhAPI) token(email string) string {
	if v, ok := a.tokens.Load(email); ok {
		return v.(string)
	}
	var groups []string
	if email == dhAdmin {
		groups = []string{domain.AdminGroup}
	}
	tok, err := auth.MintLocal([]byte(dhSecret), email, "", groups, time.Hour, time.Now())
	if err != nil {
		panic(err)
	}
	v, _ := a.tokens.LoadOrStore(email, tok)
	return v.(string)
}

type dhResp struct {
	Status int
	Header http.Header
	Body   []byte
}

func (r dhResp) String() string { return fmt.Sprintf("%d %s", r.Status, bytes.TrimSpace(r.Body)) }

// send makes one request as the user as ("" sends no token). body nil sends
// none; a string or []byte goes as it is; anything else as JSON. hdr is
// pairs of header name and value. Safe from any goroutine.
func (a *dhAPI) send(method, path, as string, body any, hdr ...string) (dhResp, error) {
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			return dhResp{}, err
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(context.Background(), method, a.URL+path, rd)
	if err != nil {
		return dhResp{}, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if as != "" {
		req.Header.Set("Authorization", "Bearer "+a.token(as))
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := a.http.Do(req)
	if err != nil {
		return dhResp{}, err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return dhResp{}, err
	}
	return dhResp{Status: res.StatusCode, Header: res.Header, Body: raw}, nil
}

// call is send for the test's own goroutine.
func (a *dhAPI) call(t testing.TB, method, path, as string, body any, hdr ...string) dhResp {
	t.Helper()
	r, err := a.send(method, path, as, body, hdr...)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return r
}

// want calls and fails unless the answer has the status.
func (a *dhAPI) want(t testing.TB, status int, method, path, as string, body any, hdr ...string) dhResp {
	t.Helper()
	r := a.call(t, method, path, as, body, hdr...)
	if r.Status != status {
		t.Fatalf("%s %s as %s: got %s, want %d", method, path, as, r, status)
	}
	return r
}

// create POSTs, expects 201 with the item and a Location naming it, and
// returns its id and the answer.
func (a *dhAPI) create(t testing.TB, as, path string, body any, hdr ...string) (string, dhResp) {
	t.Helper()
	r := a.want(t, http.StatusCreated, "POST", path, as, body, hdr...)
	v := dhDecode[struct {
		ID string `json:"id"`
	}](t, r)
	if !domain.ValidID(v.ID) {
		t.Fatalf("POST %s: id %q is not an id", path, v.ID)
	}
	if loc := r.Header.Get("Location"); loc != path+"/"+v.ID {
		t.Fatalf("POST %s: Location = %q, want %q", path, loc, path+"/"+v.ID)
	}
	return v.ID, r
}

func dhDecode[T any](t testing.TB, r dhResp) T {
	t.Helper()
	var v T
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("Content-Type %q, want application/json (%s)", ct, r)
	}
	if err := json.Unmarshal(r.Body, &v); err != nil {
		t.Fatalf("decode %T from %s: %v", v, r.Body, err)
	}
	return v
}

type dhError struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields"`
}

// dhErr checks r is the SPEC's error shape with this status and code.
func dhErr(t testing.TB, r dhResp, status int, code string) dhError {
	t.Helper()
	if r.Status != status {
		t.Fatalf("got %s, want %d %s", r, status, code)
	}
	dec := json.NewDecoder(bytes.NewReader(r.Body))
	dec.DisallowUnknownFields()
	var body struct {
		Error *dhError `json:"error"`
	}
	if err := dec.Decode(&body); err != nil || body.Error == nil {
		t.Fatalf("error body %s is not {\"error\": {...}}: %v", r.Body, err)
	}
	if body.Error.Code != code {
		t.Fatalf("error code %q, want %q (%s)", body.Error.Code, code, r.Body)
	}
	if strings.TrimSpace(body.Error.Message) == "" {
		t.Fatalf("error without a message: %s", r.Body)
	}
	return *body.Error
}

// dhFields checks r is 400 validation_failed naming exactly these fields.
func dhFields(t testing.TB, r dhResp, fields ...string) dhError {
	t.Helper()
	e := dhErr(t, r, http.StatusBadRequest, "validation_failed")
	var got []string
	for f, msg := range e.Fields {
		got = append(got, f)
		if strings.TrimSpace(msg) == "" {
			t.Errorf("field %s has no problem text", f)
		}
	}
	sort.Strings(got)
	want := slices.Clone(fields)
	sort.Strings(want)
	if !slices.Equal(got, want) {
		t.Fatalf("fields %v, want exactly %v (%s)", got, want, r.Body)
	}
	return e
}

// scan returns every item of the table as sorted canonical JSON lines, to
// show that a refused request wrote nothing at all.
func (a *dhAPI) scan(t testing.TB) []string {
	t.Helper()
	var lines []string
	in := &dynamodb.ScanInput{TableName: aws.String(a.table), ConsistentRead: aws.Bool(true)}
	for {
		out, err := a.raw.Scan(context.Background(), in)
		if err != nil {
			t.Fatalf("scan: %v", err)
		}
		for _, item := range out.Items {
			var m map[string]any
			if err := attributevalue.UnmarshalMap(item, &m); err != nil {
				t.Fatalf("unmarshal: %v", err)
			}
			raw, _ := json.Marshal(m)
			lines = append(lines, string(raw))
		}
		if out.LastEvaluatedKey == nil {
			break
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
	sort.Strings(lines)
	return lines
}

// dhSame fails when two scans differ, naming what appeared and went.
func dhSame(t testing.TB, what string, before, after []string) {
	t.Helper()
	if slices.Equal(before, after) {
		return
	}
	var added, removed []string
	for _, l := range after {
		if !slices.Contains(before, l) {
			added = append(added, l)
		}
	}
	for _, l := range before {
		if !slices.Contains(after, l) {
			removed = append(removed, l)
		}
	}
	t.Errorf("%s changed the table:\n added: %v\n removed: %v", what, added, removed)
}

// Grant amounts of the fixture: X gives 300,000 to A and 300,000 to the
// whole programme, Y 200,000 to B: 800,000 in all, as in the seed documents.
const (
	dhAmountXA = 30_000_000
	dhAmountYB = 20_000_000
	dhAmountXP = 30_000_000
	dhAwarded  = dhAmountXA + dhAmountYB + dhAmountXP
)

// dhWorld is the fixture, made as admin:
//
//	P: funders X, Y; projects A, B; grants X→A, Y→B, X→P (programme-wide);
//	   members lead (lead), pl-a (project-lead A), pl-b (project-lead B), funder-x (funder X).
//	Q: funder Z, project C, grant Z→C; member lead-q (lead).
type dhWorld struct {
	a             *dhAPI
	P, X, Y, A, B string
	GXA, GYB, GXP string
	Q, Z, C, GZC  string
}

func dhSetup(t testing.TB, a *dhAPI) *dhWorld {
	t.Helper()
	w := &dhWorld{a: a}
	prog := func(name string) map[string]any {
		return map[string]any{"name": name, "leadOrganisation": "Leicestershire Partnership NHS Trust",
			"startDate": "2025-01-01", "endDate": "2027-12-31"}
	}
	funder := func(name, contact string) map[string]any {
		return map[string]any{"name": name, "contacts": []string{contact}}
	}
	project := func(name string) map[string]any {
		return map[string]any{"name": name, "leadOrganisation": "Bradford District Care NHS FT",
			"startDate": "2025-01-01", "endDate": "2026-12-31"}
	}
	grant := func(title, funderID, projectID string, pence int64) map[string]any {
		g := map[string]any{"funderId": funderID, "title": title, "amountPence": pence, "currency": "GBP",
			"awardDate": "2025-01-15", "startDate": "2025-02-01", "endDate": "2026-01-31"}
		if projectID != "" {
			g["projectId"] = projectID
		}
		return g
	}
	member := func(pid, email string, role map[string]string) {
		r := a.call(t, "PUT", "/programmes/"+pid+"/members/"+url.PathEscape(email), dhAdmin, map[string]any{"roles": []any{role}})
		if r.Status != http.StatusOK && r.Status != http.StatusCreated {
			t.Fatalf("PUT member %s: %s", email, r)
		}
	}
	w.P, _ = a.create(t, dhAdmin, "/programmes", prog("Working for Wellness"))
	w.X, _ = a.create(t, dhAdmin, w.pp("/funders"), funder("Department of Health", "grants@x.example.org"))
	w.Y, _ = a.create(t, dhAdmin, w.pp("/funders"), funder("DWP", "grants@y.example.org"))
	w.A, _ = a.create(t, dhAdmin, w.pp("/projects"), project("Project A"))
	w.B, _ = a.create(t, dhAdmin, w.pp("/projects"), project("Project B"))
	w.GXA, _ = a.create(t, dhAdmin, w.pp("/grants"), grant("X to A", w.X, w.A, dhAmountXA))
	w.GYB, _ = a.create(t, dhAdmin, w.pp("/grants"), grant("Y to B", w.Y, w.B, dhAmountYB))
	w.GXP, _ = a.create(t, dhAdmin, w.pp("/grants"), grant("X to P", w.X, "", dhAmountXP))
	member(w.P, dhLead, map[string]string{"role": "lead"})
	member(w.P, dhPLA, map[string]string{"role": "project-lead", "projectId": w.A})
	member(w.P, dhPLB, map[string]string{"role": "project-lead", "projectId": w.B})
	member(w.P, dhFunder, map[string]string{"role": "funder", "funderId": w.X})

	w.Q, _ = a.create(t, dhAdmin, "/programmes", prog("Another network"))
	w.Z, _ = a.create(t, dhAdmin, "/programmes/"+w.Q+"/funders", funder("Funder Z", "grants@z.example.org"))
	w.C, _ = a.create(t, dhAdmin, "/programmes/"+w.Q+"/projects", project("Project C"))
	w.GZC, _ = a.create(t, dhAdmin, "/programmes/"+w.Q+"/grants", grant("Z to C", w.Z, w.C, 1_000_000))
	member(w.Q, dhLeadQ, map[string]string{"role": "lead"})
	return w
}

// pp is a path inside P; prj a path inside one of P's projects.
func (w *dhWorld) pp(rest string) string { return "/programmes/" + w.P + rest }
func (w *dhWorld) prj(project, rest string) string {
	return "/programmes/" + w.P + "/projects/" + project + rest
}

// The progress answer, with the SPEC's field names.
type dhProgress struct {
	ProgrammeID string `json:"programmeId"`
	AsOf        string `json:"asOf"`
	Funding     struct {
		AwardedPence int64 `json:"awardedPence"`
		ByFunder     []struct {
			FunderID     string `json:"funderId"`
			Name         string `json:"name"`
			AwardedPence int64  `json:"awardedPence"`
		} `json:"byFunder"`
	} `json:"funding"`
	Posts struct {
		Total  int64 `json:"total"`
		Vacant int64 `json:"vacant"`
		Filled int64 `json:"filled"`
		Ended  int64 `json:"ended"`
	} `json:"posts"`
	Cohorts struct {
		Count  int64 `json:"count"`
		Places int64 `json:"places"`
	} `json:"cohorts"`
	Totals   map[string]int64 `json:"totals"`
	Projects []struct {
		ProjectID string           `json:"projectId"`
		Name      string           `json:"name"`
		Totals    map[string]int64 `json:"totals"`
	} `json:"projects"`
	Targets                    []dhTargetProgress `json:"targets"`
	CostPerPersonIntoWorkPence *int64             `json:"costPerPersonIntoWorkPence"`
	Measures                   []dhMeasure        `json:"measures"`
}

type dhTargetProgress struct {
	TargetID            string  `json:"targetId"`
	Metric              string  `json:"metric"`
	Value               int64   `json:"value"`
	Deadline            string  `json:"deadline"`
	ProjectID           *string `json:"projectId"`
	Current             int64   `json:"current"`
	Percent             float64 `json:"percent"`
	Status              string  `json:"status"`
	ProjectedAtDeadline int64   `json:"projectedAtDeadline"`
}

type dhMeasure struct {
	Name          string  `json:"name"`
	BaselineMean  float64 `json:"baselineMean"`
	LatestMean    float64 `json:"latestMean"`
	ChangePercent float64 `json:"changePercent"`
	Respondents   int64   `json:"respondents"`
}

// progress reads P's progress as the given user, checking every metric is
// present in the programme totals and in each project's.
func (w *dhWorld) progress(t testing.TB, as string) dhProgress {
	t.Helper()
	r := w.a.want(t, http.StatusOK, "GET", w.pp("/progress"), as, nil)
	p := dhDecode[dhProgress](t, r)
	if p.ProgrammeID != w.P {
		t.Fatalf("progress programmeId %q, want %q", p.ProgrammeID, w.P)
	}
	check := func(what string, m map[string]int64) {
		for _, metric := range domain.Metrics {
			if _, ok := m[string(metric)]; !ok {
				t.Fatalf("%s lacks metric %s: %s", what, metric, r.Body)
			}
		}
	}
	check("totals", p.Totals)
	for _, pr := range p.Projects {
		check("project "+pr.Name+" totals", pr.Totals)
	}
	return p
}

// project returns one project's totals from a progress answer.
func (p dhProgress) project(t testing.TB, id string) map[string]int64 {
	t.Helper()
	for _, pr := range p.Projects {
		if pr.ProjectID == id {
			return pr.Totals
		}
	}
	t.Fatalf("progress has no project %s", id)
	return nil
}

func (p dhProgress) target(t testing.TB, id string) dhTargetProgress {
	t.Helper()
	for _, tg := range p.Targets {
		if tg.TargetID == id {
			return tg
		}
	}
	t.Fatalf("progress has no target %s", id)
	return dhTargetProgress{}
}

// dhMetrics is a full totals map: every metric, zero unless given.
func dhMetrics(kv map[string]int64) map[string]int64 {
	out := map[string]int64{}
	for _, m := range domain.Metrics {
		out[string(m)] = kv[string(m)]
	}
	return out
}

func dhEqualTotals(t testing.TB, what string, got, want map[string]int64) {
	t.Helper()
	w := dhMetrics(want)
	for k, v := range w {
		if got[k] != v {
			t.Errorf("%s: %s = %d, want %d (all: %v)", what, k, got[k], v, got)
		}
	}
	for k := range got {
		if _, ok := w[k]; !ok {
			t.Errorf("%s: unexpected metric %s", what, k)
		}
	}
}

// state is P's progress (without asOf) and the whole table: what a refused
// request must leave as it was.
func (w *dhWorld) state(t testing.TB) []string {
	t.Helper()
	r := w.a.want(t, http.StatusOK, "GET", w.pp("/progress"), dhAdmin, nil)
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatal(err)
	}
	delete(m, "asOf")
	raw, _ := json.Marshal(m)
	return append([]string{"progress " + string(raw)}, w.a.scan(t)...)
}

// dhOutcomeBody is a valid submission for a quarter of 2025.
func dhOutcomeBody(counts map[string]int64) map[string]any {
	return map[string]any{"periodStart": "2025-04-01", "periodEnd": "2025-06-30", "counts": counts}
}

func dhPostBody(grantID, status string) map[string]any {
	return map[string]any{"title": "Employment specialist", "grantId": grantID, "fte": 1, "contract": "temporary",
		"startDate": "2025-02-01", "status": status}
}

func dhCohortBody(places int) map[string]any {
	return map[string]any{"name": "Aspiro cohort", "places": places, "startDate": "2025-03-01", "endDate": "2025-08-31"}
}

// dhList pages through a list and returns every item.
func dhList[T any](t testing.TB, a *dhAPI, as, path string) []T {
	t.Helper()
	var all []T
	cursor := ""
	for range 1000 {
		p := path + "?limit=100"
		if cursor != "" {
			p += "&cursor=" + url.QueryEscape(cursor)
		}
		page := dhDecode[struct {
			Items      []T     `json:"items"`
			NextCursor *string `json:"nextCursor"`
		}](t, a.want(t, http.StatusOK, "GET", p, as, nil))
		all = append(all, page.Items...)
		if page.NextCursor == nil {
			return all
		}
		cursor = *page.NextCursor
	}
	t.Fatalf("list %s never ended", path)
	return nil
}
