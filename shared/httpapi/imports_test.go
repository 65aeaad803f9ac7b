package httpapi_test

// Spreadsheet imports end to end: through HTTP, over DynamoDB Local, as
// CSV and as Excel workbooks; re-sends; Idempotency-Key over file bodies;
// an import cut off half way by throttling and finished by sending it
// again; the requests an import costs.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/smithy-go"
	"github.com/xuri/excelize/v2"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/store"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// importReq is a POST of a file to an imports path: the real import
// (?dryRun=false) unless the path carries a query of its own.
func importReq(as, path, contentType string, body []byte, hdr ...string) testkit.Req {
	if !strings.Contains(path, "?") {
		path += "?dryRun=false"
	}
	r := testkit.Request(http.MethodPost, path, as, body, hdr...)
	if r.Header == nil {
		r.Header = map[string]string{}
	}
	r.Header["Content-Type"] = contentType
	return r
}

// quarterlyWorkbook is a year of quarterly figures for a project, as a
// person keeps them in Excel: real dates, numbers, a notes column; bad, when
// not "", replaces one cell (D3) with it.
func quarterlyWorkbook(t *testing.T, project, bad string) []byte {
	t.Helper()
	return workbook(t, func(f *excelize.File, s string) {
		set := func(cell string, v any) {
			if err := f.SetCellValue(s, cell, v); err != nil {
				t.Fatal(err)
			}
		}
		for i, h := range []string{"Project", "Period start", "Period end", "People into work", "Referrals", "Notes"} {
			c, _ := excelize.CoordinatesToCellName(i+1, 1)
			set(c, h)
		}
		for q := range 4 {
			row := q + 2
			start := time.Date(2025, time.Month(4+3*q), 1, 0, 0, 0, 0, time.UTC)
			set(fmt.Sprintf("A%d", row), project)
			set(fmt.Sprintf("B%d", row), start)
			set(fmt.Sprintf("C%d", row), start.AddDate(0, 3, -1))
			set(fmt.Sprintf("D%d", row), q+1)
			set(fmt.Sprintf("E%d", row), 10*(q+1))
		}
		set("F4", "A good quarter")
		if bad != "" {
			set("D3", bad)
		}
	})
}

// workbook is the .xlsx file build writes on a new workbook's first sheet.
func workbook(t *testing.T, build func(f *excelize.File, s string)) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	build(f, "Sheet1")
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestImportExcelAsAProjectLead: a project lead's workbook, refused for one
// bad cell, tried dry, imported, sent again; another project's rows are
// not theirs. Rules, over memory: the imports that only DynamoDB Local
// proves (the requests, throttling half way) are the tests below, and
// TestEveryRouteOverDynamoDB imports a file over it.
func TestImportExcelAsAProjectLead(t *testing.T) {
	t.Parallel()
	h := newMemAPI(t)
	f := h.fixture(t)
	path := f.p1("/imports")

	// One bad cell: the whole file is refused, the cell named by its row.
	before := h.Snapshot(t)
	r := h.Want(t, http.StatusBadRequest, importReq(testkit.LeadOfA, path, domain.MediaXLSX, quarterlyWorkbook(t, "Project A", "three")))
	testkit.WantFields(t, r, "rows[3].peopleIntoWork")
	testkit.SameSnapshot(t, "a refused import", before, h.Snapshot(t))

	// Fixed: four submissions, counted.
	good := quarterlyWorkbook(t, "Project A", "")
	dry := testkit.Decode[domain.ImportResult](t, h.Want(t, http.StatusOK, importReq(testkit.LeadOfA, path+"?dryRun=true", domain.MediaXLSX, good)))
	testkit.SameSnapshot(t, "a dry run", before, h.Snapshot(t))
	res := testkit.Decode[domain.ImportResult](t, h.Want(t, http.StatusOK, importReq(testkit.LeadOfA, path, domain.MediaXLSX, good)))
	if res.Rows != 4 || res.Created != 4 || len(res.Submissions) != 4 || dry.Created != 4 || !dry.DryRun {
		t.Fatalf("import %+v, dry run %+v", res, dry)
	}
	pr := testkit.Decode[domain.Progress](t, h.Want(t, http.StatusOK, testkit.Request(http.MethodGet, f.p1("/progress"), testkit.Lead, nil)))
	if pr.Totals[domain.MetricPeopleIntoWork] != 10 || pr.Totals[domain.MetricReferrals] != 100 {
		t.Errorf("totals %v", pr.Totals)
	}
	o := testkit.Decode[domain.Outcome](t, h.Want(t, http.StatusOK, testkit.Request(http.MethodGet,
		f.p1("/projects/"+f.A+"/outcomes/"+res.Submissions[2]), testkit.LeadOfA, nil)))
	if o.PeriodStart != domain.MustDate("2025-10-01") || o.PeriodEnd != domain.MustDate("2025-12-31") || o.Notes != "A good quarter" || o.SubmittedBy != testkit.LeadOfA {
		t.Errorf("row 4's submission %+v", o)
	}
	// Audited as the API's submissions are.
	hist := testkit.ListAll[domain.AuditEvent](t, h, testkit.Lead, f.p1("/projects/"+f.A+"/outcomes/"+res.Submissions[0]+"/history"))
	if len(hist) != 1 || hist[0].Action != domain.ActionCreate || hist[0].ActorEmail != testkit.LeadOfA {
		t.Errorf("history %+v", hist)
	}

	// The same file again: nothing changes.
	before = h.Snapshot(t)
	again := testkit.Decode[domain.ImportResult](t, h.Want(t, http.StatusOK, importReq(testkit.LeadOfA, path, domain.MediaXLSX, good)))
	if again.Unchanged != 4 || again.Created+again.Corrected != 0 || fmt.Sprint(again.Submissions) != fmt.Sprint(res.Submissions) {
		t.Errorf("re-sent: %+v", again)
	}
	testkit.SameSnapshot(t, "the same file again", before, h.Snapshot(t))

	// A row correcting those figures: the dry run names whose figures it
	// replaces and when (the project lead's, the lead correcting them).
	r = h.Want(t, http.StatusOK, importReq(testkit.Lead, path+"?dryRun=true", domain.MediaXLSX, quarterlyWorkbook(t, "Project A", "7")))
	var fix struct {
		Corrections []map[string]any `json:"corrections"`
	}
	if err := json.Unmarshal(r.Body, &fix); err != nil {
		t.Fatal(err)
	}
	if len(fix.Corrections) != 1 || fix.Corrections[0]["row"] != float64(3) || fix.Corrections[0]["corrects"] != res.Submissions[1] ||
		fix.Corrections[0]["sentBy"] != testkit.LeadOfA || fix.Corrections[0]["sentAt"] == nil {
		t.Errorf("a correction's dry run: %s", r.Body)
	}

	// Another project's rows are not a project lead's to import.
	r = h.Want(t, http.StatusForbidden, importReq(testkit.LeadOfA, path, domain.MediaXLSX, quarterlyWorkbook(t, "Project B", "")))
	if e := testkit.WantErr(t, r, http.StatusForbidden, "forbidden"); len(e.Fields) != 4 || e.Fields["rows[2].project"] == "" {
		t.Errorf("fields %v", e.Fields)
	}
	h.Want(t, http.StatusForbidden, importReq(testkit.FunderOfX, path, domain.MediaXLSX, good))
	testkit.WantErr(t, h.Want(t, http.StatusNotFound, importReq(uLead2, path, domain.MediaXLSX, good)), http.StatusNotFound, "not_found")
}

func TestImportRefusals(t *testing.T) {
	t.Parallel()
	h := newMemAPI(t)
	f := h.fixture(t)
	path := f.p1("/imports")
	before := h.Snapshot(t)
	for name, c := range map[string]struct {
		contentType string
		body        []byte
		query       string
		status      int
		code        string
	}{
		"JSON":               {"application/json", []byte(`{}`), "", 415, "unsupported_media_type"},
		"no content type":    {"", []byte("a,b"), "", 415, "unsupported_media_type"},
		"not a workbook":     {domain.MediaXLSX, []byte("Project,Period start"), "", 415, "unsupported_media_type"},
		"old xls":            {domain.MediaXLSX, append([]byte{0xD0, 0xCF, 0x11, 0xE0}, make([]byte, 100)...), "", 415, "unsupported_media_type"},
		"over 4 MiB":         {domain.MediaCSV, make([]byte, domain.MaxImportBytes+1), "", 413, "payload_too_large"},
		"not UTF-8":          {domain.MediaCSV, []byte("Project\nCaf\xe9\n"), "", 400, "validation_failed"},
		"bad dryRun":         {domain.MediaCSV, []byte("Project\n"), "?dryRun=yes", 400, "validation_failed"},
		"header only":        {domain.MediaCSV, []byte("Project,Period start,Period end,Referrals\n"), "", 400, "validation_failed"},
		"personal data":      {domain.MediaCSV, []byte("Project,Period start,Period end,Referrals,Notes\nProject A,2025-04-01,2025-06-30,1,jo@example.org\n"), "", 400, "validation_failed"},
		"unknown heading":    {domain.MediaCSV, []byte("Project,Period start,Period end,Refferals\nProject A,2025-04-01,2025-06-30,1\n"), "", 400, "validation_failed"},
		"5,001 rows of data": {domain.MediaCSV, []byte("Project,Period start,Period end,Referrals\n" + strings.Repeat("Project A,2025-04-01,2025-06-30,1\n", 5001)), "", 400, "validation_failed"},
		// A workbook that cannot be read is told in our words, naming
		// the file, never in the reader's (audit N1).
		"bad cell reference": {domain.MediaXLSX, testkit.HandWorkbook(t, `<row r="1"><c r="A-5" t="inlineStr"><is><t>project</t></is></c></row>`), "?dryRun=true", 400, "validation_failed"},
		// Personal data as spreadsheets carry it (security3 D1, W2): a
		// quoted CSV cell broken over lines, and a mobile number a
		// workbook stores as the number Excel made of it.
		"broken over lines": {domain.MediaCSV, []byte("Project,Period start,Period end,Referrals,Notes\nProject A,2025-04-01,2025-06-30,1,\"NHS 943 476\n5919\"\n"), "?dryRun=true", 400, "validation_failed"},
		"a mobile stored as a number": {domain.MediaXLSX, testkit.HandWorkbook(t, `<row r="1">`+inlineCells(1, "Project", "Period start", "Period end", "Referrals", "Notes")+`</row>`+
			`<row r="2">`+inlineCells(2, "Project A", "2025-04-01", "2025-06-30")+`<c r="D2"><v>1</v></c><c r="E2"><v>7700900123</v></c></row>`), "?dryRun=true", 400, "validation_failed"},
	} {
		r := h.Do(t, importReq(testkit.Lead, path+c.query, c.contentType, c.body))
		e := testkit.WantErr(t, r, c.status, c.code)
		if name == "personal data" && (!strings.Contains(e.Fields["rows[2].notes"], "email address") || strings.Contains(string(r.Body), "jo@")) {
			t.Errorf("%s: %s", name, r)
		}
		if name == "broken over lines" && (!strings.Contains(e.Fields["rows[2].notes"], "an NHS number") || strings.Contains(string(r.Body), "5919")) {
			t.Errorf("%s: %s", name, r)
		}
		if name == "a mobile stored as a number" && (!strings.Contains(e.Fields["rows[2].notes"], "a phone number") || strings.Contains(string(r.Body), "7700900123")) {
			t.Errorf("%s: %s", name, r)
		}
		if name == "unknown heading" && e.Fields["rows[1].D"] == "" {
			t.Errorf("%s: %s", name, r)
		}
		if name == "bad cell reference" && (e.Fields["file"] != "row 1 of its first sheet cannot be read: a cell reference in it is not valid; "+
			"open it in Excel and save it again as an Excel Workbook (.xlsx), or save it as CSV UTF-8" || strings.Contains(string(r.Body), "coordinates")) {
			t.Errorf("%s: %s", name, r)
		}
	}
	testkit.SameSnapshot(t, "refused imports", before, h.Snapshot(t))
}

// inlineCells are the cells of a hand-made workbook's row from column A
// on, each an inline string.
func inlineCells(row int, texts ...string) string {
	var b strings.Builder
	for i, s := range texts {
		b.WriteString(`<c r="` + string(rune('A'+i)) + strconv.Itoa(row) + `" t="inlineStr"><is><t>` + s + `</t></is></c>`)
	}
	return b.String()
}

// dryRun is the switch between checking a file and storing it, so it must
// be there and exactly true or false: left out, empty or any other value
// is 400 naming dryRun, misspelt 400 naming the misspelling and what it
// should be, and the (good) file is not stored.
func TestImportDryRunMustBeGiven(t *testing.T) {
	t.Parallel()
	h := newMemAPI(t)
	f := h.fixture(t)
	file := []byte("Project,Period start,Period end,Referrals\r\nProject A,2025-04-01,2025-06-30,7\r\n")
	before := h.Snapshot(t)
	for query, want := range map[string][2]string{
		"?":                         {"dryRun", "required"},
		"?limit=5":                  {"limit", "it takes dryRun"},
		"?dryRun=":                  {"dryRun", `"true"`},
		"?dryrun=true":              {"dryrun", `the name is dryRun, not "dryrun"`},
		"?dry_run=false":            {"dry_run", `the name is dryRun, not "dry_run"`},
		"?dryRun=TRUE":              {"dryRun", `"true"`},
		"?dryRun=1":                 {"dryRun", `"true"`},
		"?dryRun=yes":               {"dryRun", `"true"`},
		"?dryRun=true&dryRun=false": {"dryRun", "more than once"},
	} {
		e := testkit.WantErr(t, h.Do(t, importReq(testkit.Lead, f.p1("/imports")+query, domain.MediaCSV, file)), 400, "validation_failed")
		if !strings.Contains(e.Fields[want[0]], want[1]) {
			t.Errorf("%s: fields %v, want %s saying %q", query, e.Fields, want[0], want[1])
		}
	}
	// A non-member sees 404 whatever the parameter, as on every route.
	for _, query := range []string{"?", "?dryRun=", "?dryrun=true"} {
		testkit.WantErr(t, h.Do(t, importReq(testkit.Outsider, f.p1("/imports")+query, domain.MediaCSV, file)), 404, "not_found")
	}
	testkit.SameSnapshot(t, "imports without a valid dryRun", before, h.Snapshot(t))
	// Another parameter is refused, as on every route, however good
	// dryRun is.
	e := testkit.WantErr(t, h.Do(t, importReq(testkit.Lead, f.p1("/imports")+"?dryRun=true&lang=en", domain.MediaCSV, file)), 400, "validation_failed")
	if len(e.Fields) != 1 || !strings.Contains(e.Fields["lang"], "is not a parameter of this request") {
		t.Errorf("a dry run with another parameter: fields %v, want lang alone", e.Fields)
	}
	res := testkit.Decode[domain.ImportResult](t, h.Want(t, http.StatusOK, importReq(testkit.Lead, f.p1("/imports")+"?dryRun=true", domain.MediaCSV, file)))
	if !res.DryRun || res.Created != 1 {
		t.Errorf("a dry run: %+v", res)
	}
}

// Idempotency-Key on an import: the hash covers the file's bytes and the
// query, so the same key replays the same import and refuses another file
// or a dry run of the same one. Over memory, as the other Idempotency-Key
// rules are (TestAPIIdempotency).
func TestImportIdempotencyKey(t *testing.T) {
	t.Parallel()
	h := newMemAPI(t)
	f := h.fixture(t)
	path := f.p1("/imports")
	file := []byte("Project,Period start,Period end,Referrals\r\nProject A,2025-04-01,2025-06-30,7\r\n")
	first := h.Want(t, http.StatusOK, importReq(testkit.Lead, path, domain.MediaCSV, file, "Idempotency-Key", "q1 figures"))
	before := h.Snapshot(t)
	again := h.Want(t, http.StatusOK, importReq(testkit.Lead, path, domain.MediaCSV, file, "Idempotency-Key", "q1 figures"))
	if again.Header.Get("Idempotent-Replayed") != "true" || !bytes.Equal(again.Body, first.Body) {
		t.Errorf("replay: %v %s", again.Header, again)
	}
	testkit.SameSnapshot(t, "a replay", before, h.Snapshot(t))
	other := append(bytes.Clone(file), []byte("Project B,2025-04-01,2025-06-30,7\r\n")...)
	testkit.WantErr(t, h.Want(t, http.StatusUnprocessableEntity, importReq(testkit.Lead, path, domain.MediaCSV, other, "Idempotency-Key", "q1 figures")),
		http.StatusUnprocessableEntity, "idempotency_key_reused")
	testkit.WantErr(t, h.Want(t, http.StatusUnprocessableEntity, importReq(testkit.Lead, path+"?dryRun=true", domain.MediaCSV, file, "Idempotency-Key", "q1 figures")),
		http.StatusUnprocessableEntity, "idempotency_key_reused")
}

// throttled fails TransactWriteItems calls from the nth on with
// DynamoDB's throttling error, while armed.
type throttled struct {
	faultDB
	calls, from atomic.Int64
}

func newThrottled(s *testkit.Stack) *throttled {
	th := &throttled{}
	th.faultDB = faultDB{DB: s.DB, fail: func(op string) error {
		if op != "TransactWriteItems" || th.from.Load() == 0 {
			return nil
		}
		if th.calls.Add(1) >= th.from.Load() {
			return &smithy.GenericAPIError{Code: "ThrottlingException", Message: "Rate of requests exceeds the allowed throughput."}
		}
		return nil
	}}
	return th
}

// manyRowsClock is a today after every month of manyRows (figures are
// refused for a period that has not begun).
const manyRowsClock = "2037-01-05T09:00:00Z"

// manyRowsFixture is the API fixture with programme 1 running over every
// month of manyRows, 2020 to 2036 (figures are refused for a period outside
// the programme).
func manyRowsFixture(t *testing.T, s *testkit.Stack, h *apiH) *apiFixture {
	t.Helper()
	f := h.fixture(t)
	if _, err := s.Svc.Open(t.Context(), testkit.AdminCaller(), f.P1).UpdateProgramme(func(int64) bool { return true },
		testkit.Body(map[string]any{"startDate": "2020-01-01", "endDate": "2036-12-31"})); err != nil {
		t.Fatal(err)
	}
	return f
}

// cutOffRows is the size of the file the tests of an import cut off half
// way send: an import of it is five transactions (some 40 rows each over
// two projects, as TestImportRequests counts them), so a cut at the third
// or the fourth leaves rows stored and rows not, with a transaction's
// margin either side. (They sent 300 rows, eight transactions: the rows
// past the cut cost CPU and proved nothing more.)
const cutOffRows = 200

// manyRows is a CSV file of n rows over projects, three metrics a row (no
// more people into work than job starts, as a submission must have), a
// period a month from 2020 on (to 2036 for 400 rows over two projects; see
// manyRowsFixture).
func manyRows(n int, projects ...string) []byte {
	var b strings.Builder
	b.WriteString("Project,Period start,Period end,Referrals,People into work,Job starts\r\n")
	for i := range n {
		p := projects[i%len(projects)]
		m := i / len(projects)
		start := time.Date(2020, time.Month(1+m), 1, 0, 0, 0, 0, time.UTC)
		fmt.Fprintf(&b, "%s,%s,%s,%d,%d,%d\r\n", p, start.Format(time.DateOnly), start.AddDate(0, 1, -1).Format(time.DateOnly), 5+i%7, i%3, i%3+1+i%2)
	}
	return []byte(b.String())
}

// hangingTx is a database whose transactions, from the from-th on while
// from is set, hang until their request's context ends: an import that
// runs out of time half way.
type hangingTx struct {
	store.DB
	calls, from atomic.Int64
}

func (h *hangingTx) TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, o ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	if f := h.from.Load(); f > 0 && h.calls.Add(1) >= f {
		<-ctx.Done()
		return nil, ctx.Err()
	}
	return h.DB.TransactWriteItems(ctx, in, o...)
}

// An import that runs out of time half way answers the client itself,
// before the request's deadline: 503 saying how many rows it stored and to
// send the same file again (not the generic "try again", which let a
// client think nothing was kept), with the import lock already released,
// so a send straight after it runs and finishes the import.
func TestImportCutOffByTheDeadlineSaysWhatItStored(t *testing.T) {
	t.Parallel()
	s := testkit.New(t, testkit.WithClock(manyRowsClock))
	db := &hangingTx{DB: s.DB}
	// The deadline leaves the two transactions before the hang time to
	// finish on a loaded machine: with 8 s, at load averages of 20 and more,
	// the first was still running when the time ran out and nothing was stored.
	// The test waits out the deadline, but in parallel with the others.
	h := startAPI(t, s, db, testkit.APIConfig{Now: s.Clock.Now, Timeout: 20 * time.Second})
	f := manyRowsFixture(t, s, h)
	file := manyRows(cutOffRows, "Project A", "Project B")

	db.from.Store(3) // the third transaction and every one after it
	r := h.Want(t, http.StatusServiceUnavailable, importReq(testkit.Lead, f.p1("/imports"), domain.MediaCSV, file))
	e := testkit.WantErr(t, r, http.StatusServiceUnavailable, "service_unavailable")
	stored := 0
	if i := strings.Index(e.Message, "storing at least "); i >= 0 {
		fmt.Sscanf(e.Message[i+len("storing at least "):], "%d", &stored)
	}
	if stored == 0 || stored >= cutOffRows || !strings.Contains(e.Message, fmt.Sprintf("of its %d", cutOffRows)) ||
		!strings.Contains(e.Message, "send the same file again") {
		t.Fatalf("cut off by the deadline: %q", e.Message)
	}
	// Its time ran out: the database is not to blame (audit verify32 #4).
	if !strings.Contains(e.Message, "(it ran out of time for one request)") || strings.Contains(e.Message, "database") {
		t.Errorf("cut off by the deadline, the message gives another reason: %q", e.Message)
	}
	if r.Header.Get("Retry-After") == "" {
		t.Error("no Retry-After")
	}
	db.from.Store(0)
	res := testkit.Decode[domain.ImportResult](t, h.Want(t, http.StatusOK, importReq(testkit.Lead, f.p1("/imports"), domain.MediaCSV, file)))
	if res.Unchanged != stored || res.Created != cutOffRows-stored {
		t.Errorf("sent again straight after %d stored: %+v", stored, res)
	}
}

// An import cut off half way by throttling keeps what it wrote counted
// once, answers 503 saying so, and is finished by sending it again: the
// figures are then those of one clean import.
func TestImportCutOffByThrottlingIsFinishedBySendingItAgain(t *testing.T) {
	t.Parallel()
	s := testkit.New(t, testkit.WithClock(manyRowsClock))
	th := newThrottled(s)
	h := startAPI(t, s, th, testkit.APIConfig{Now: s.Clock.Now})
	f := manyRowsFixture(t, s, h)
	cs := testkit.New(t, testkit.WithClock(manyRowsClock))
	clean := startAPI(t, cs, nil, testkit.APIConfig{Now: cs.Clock.Now})
	cf := manyRowsFixture(t, cs, clean)
	file := manyRows(cutOffRows, "Project A", "Project B")

	th.from.Store(4) // the fourth transaction and every one after it
	r := h.Want(t, http.StatusServiceUnavailable, importReq(testkit.Lead, f.p1("/imports"), domain.MediaCSV, file))
	e := testkit.WantErr(t, r, http.StatusServiceUnavailable, "service_unavailable")
	if !strings.Contains(e.Message, "send the same file again") || !strings.Contains(e.Message, fmt.Sprintf("of its %d", cutOffRows)) ||
		strings.Contains(e.Message, "ran out of time") {
		t.Errorf("message %q", e.Message)
	}
	stored := 0
	fmt.Sscanf(e.Message[strings.Index(e.Message, "storing at least ")+len("storing at least "):], "%d", &stored)
	if stored == 0 || stored >= cutOffRows {
		t.Fatalf("stored %d before the cut", stored)
	}
	th.from.Store(0)
	res := testkit.Decode[domain.ImportResult](t, h.Want(t, http.StatusOK, importReq(testkit.Lead, f.p1("/imports"), domain.MediaCSV, file)))
	if res.Unchanged != stored || res.Created != cutOffRows-stored {
		t.Errorf("re-sent after %d stored: %+v", stored, res)
	}
	want := testkit.Decode[domain.ImportResult](t, clean.Want(t, http.StatusOK, importReq(testkit.Lead, cf.p1("/imports"), domain.MediaCSV, file)))
	if want.Created != cutOffRows {
		t.Fatalf("clean import %+v", want)
	}
	got := testkit.Decode[domain.Progress](t, h.Want(t, http.StatusOK, testkit.Request(http.MethodGet, f.p1("/progress"), testkit.Lead, nil)))
	exp := testkit.Decode[domain.Progress](t, clean.Want(t, http.StatusOK, testkit.Request(http.MethodGet, cf.p1("/progress"), testkit.Lead, nil)))
	if fmt.Sprint(got.Totals, got.Monthly) != fmt.Sprint(exp.Totals, exp.Monthly) {
		t.Errorf("after a cut-off and a re-send:\n%v\nwant as one clean import:\n%v", got.Totals, exp.Totals)
	}
	for i := range got.Projects {
		if fmt.Sprint(got.Projects[i].Totals) != fmt.Sprint(exp.Projects[i].Totals) {
			t.Errorf("project %s: %v, want %v", got.Projects[i].Name, got.Projects[i].Totals, exp.Projects[i].Totals)
		}
	}
	// The lock went with the first import: a third send runs, changing nothing.
	before := h.Snapshot(t)
	third := testkit.Decode[domain.ImportResult](t, h.Want(t, http.StatusOK, importReq(testkit.Lead, f.p1("/imports"), domain.MediaCSV, file)))
	if third.Unchanged != cutOffRows {
		t.Errorf("third send %+v", third)
	}
	testkit.SameSnapshot(t, "a third send", before, h.Snapshot(t))
}

// The requests an import costs: its reads, then one transaction per
// batch of submissions, far fewer than one per row.
func TestImportRequests(t *testing.T) {
	t.Parallel()
	s := testkit.New(t, testkit.WithClock(manyRowsClock))
	h := startAPI(t, s, nil, testkit.APIConfig{Now: s.Clock.Now})
	f := manyRowsFixture(t, s, h)
	const rows = 400
	file := manyRows(rows, "Project A", "Project B")
	var res domain.ImportResult
	n := s.Count.Measure(func() {
		res = testkit.Decode[domain.ImportResult](t, h.Want(t, http.StatusOK, importReq(testkit.Lead, f.p1("/imports"), domain.MediaCSV, file)))
	})
	if res.Created != rows {
		t.Fatalf("%+v", res)
	}
	// Reads: access (a BatchGetItem), projects and setup, each project's
	// submissions (a Query each: one page); then the lock, each project
	// with rows to write read again under it (so an import of the same
	// file that held the lock meanwhile is seen), the transactions and
	// the unlock; and, its rows counted at once (no review), the one Query
	// of the payments waiting on targets that its release reads (none
	// wait: nothing more).
	txs := n.Ops["TransactWriteItems"]
	if txs < rows/48 || txs > rows/20 {
		t.Errorf("%d transactions for %d rows (%s): want 2 to 5 items a row in transactions of up to 100", txs, rows, n)
	}
	if reads := n.Requests - txs - n.Ops["PutItem"] - n.Ops["DeleteItem"]; reads > 5+2+1 {
		t.Errorf("%d reads (%s)", reads, n)
	}
	if n.Ops["PutItem"] != 1 || n.Ops["DeleteItem"] != 1 {
		t.Errorf("lock and unlock: %s", n)
	}
	t.Logf("%d rows: %s", rows, n)

	// The same file again: reads only.
	n = s.Count.Measure(func() { h.Want(t, http.StatusOK, importReq(testkit.Lead, f.p1("/imports"), domain.MediaCSV, file)) })
	if n.Ops["TransactWriteItems"]+n.Ops["PutItem"] != 0 || n.Requests != 5 {
		t.Errorf("re-send: %s", n)
	}
}

// TestImportAnswersOfTheSheetAsKept: over HTTP, the answers to sheets as
// people keep them. The workbook template, one project's row filled in and
// the other's left as downloaded, imports the one row (audit finding 9);
// a column fundtrack does not read is named in `ignoredColumns`, a
// misspelt metric refused naming its heading's cell; a file with more bad
// cells than the answer names says so (audit finding 4).
func TestImportAnswersOfTheSheetAsKept(t *testing.T) {
	t.Parallel()
	h := newMemAPI(t)
	f := h.fixture(t)
	path := f.p1("/imports")

	tpl := h.Want(t, http.StatusOK, testkit.Request(http.MethodGet, path+"/template.xlsx", testkit.Lead, nil))
	wb, err := excelize.OpenReader(bytes.NewReader(tpl.Body))
	if err != nil {
		t.Fatal(err)
	}
	sheet := wb.GetSheetName(0)
	var filled bool
	for row := 2; row <= 3; row++ {
		name, _ := wb.GetCellValue(sheet, fmt.Sprintf("A%d", row))
		if name != "Project A" {
			continue
		}
		filled = true
		for col, v := range map[string]any{"B": time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC), "C": time.Date(2025, 6, 30, 0, 0, 0, 0, time.UTC), "D": 7} {
			if err := wb.SetCellValue(sheet, fmt.Sprintf("%s%d", col, row), v); err != nil {
				t.Fatal(err)
			}
		}
	}
	var buf bytes.Buffer
	if _, err := wb.WriteTo(&buf); !filled || err != nil {
		t.Fatalf("filling in the template (Project A's row found: %v): %v", filled, err)
	}
	res := testkit.Decode[domain.ImportResult](t, h.Want(t, http.StatusOK, importReq(testkit.Lead, path+"?dryRun=true", domain.MediaXLSX, buf.Bytes())))
	if res.Rows != 1 || res.Created != 1 || len(res.IgnoredColumns) != 0 {
		t.Errorf("the template filled in for one project: %+v", res)
	}

	res = testkit.Decode[domain.ImportResult](t, h.Want(t, http.StatusOK, importReq(testkit.Lead, path, domain.MediaCSV,
		[]byte("Project,Period start,Period end,Referrals,Total,Comments\nProject A,2025-04-01,2025-06-30,3,3,steady\n"))))
	if res.Rows != 1 || res.Created != 1 || strings.Join(res.IgnoredColumns, "|") != "Total|Comments" {
		t.Errorf("extra columns: %+v", res)
	}
	e := testkit.WantErr(t, h.Do(t, importReq(testkit.Lead, path, domain.MediaCSV,
		[]byte("Project,Period start,Period end,Referrals,Peopel into work\nProject A,2025-07-01,2025-09-30,3,1\n"))), 400, "validation_failed")
	if !strings.Contains(e.Fields["rows[1].E"], "did you mean People into work") {
		t.Errorf("misspelt metric: %+v", e)
	}

	// Excel's "Unicode Text" as some tools leave it, without its byte
	// order mark: UTF-16, tab separated, either byte order.
	for _, big := range []bool{false, true} {
		res = testkit.Decode[domain.ImportResult](t, h.Want(t, http.StatusOK, importReq(testkit.Lead, path+"?dryRun=true", domain.MediaCSV,
			utf16Text("Project\tPeriod start\tPeriod end\tReferrals\tNotes\r\nProject A\t01/05/2025\t31/05/2025\t5\tCafé open day – £5\r\n", big))))
		if res.Rows != 1 || res.Created != 1 {
			t.Errorf("UTF-16 without a byte order mark (big-endian %v): %+v", big, res)
		}
	}
	// Its headings none that fundtrack reads: it cannot tell the tabs
	// separate them, and says so.
	e = testkit.WantErr(t, h.Do(t, importReq(testkit.Lead, path+"?dryRun=true", domain.MediaCSV,
		utf16Text("Projekt\tBeginn\tEnde\tVermittlungen\r\nProject A\t01/05/2025\t31/05/2025\t5\r\n", false))), 400, "validation_failed")
	if !strings.Contains(e.Fields["rows[1].project"], "the header row reads as one column, its headings separated by tabs") {
		t.Errorf("UTF-16, tab separated, no heading read: %+v", e)
	}

	var bad strings.Builder
	bad.WriteString("project,periodStart,periodEnd,peopleIntoWork\n")
	for i := range 300 {
		fmt.Fprintf(&bad, "Project A,2025-05-01,2025-05-31,x%d\n", i)
	}
	before := h.Snapshot(t)
	e = testkit.WantErr(t, h.Do(t, importReq(testkit.Lead, path+"?dryRun=true", domain.MediaCSV, []byte(bad.String()))), 400, "validation_failed")
	if len(e.Fields) != 100 || !strings.Contains(e.Message, "the file has problems in 300 rows; only the first 100 problems found are named") {
		t.Errorf("300 bad cells: %d fields, %q", len(e.Fields), e.Message)
	}
	testkit.SameSnapshot(t, "refused imports", before, h.Snapshot(t))
}

// utf16Text is text in UTF-16 without a byte order mark (no surrogates).
func utf16Text(text string, big bool) []byte {
	var b []byte
	for _, r := range text {
		if big {
			b = append(b, byte(r>>8), byte(r))
		} else {
			b = append(b, byte(r), byte(r>>8))
		}
	}
	return b
}
