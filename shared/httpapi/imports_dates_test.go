package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// TestImportRowsOutsideAProjectsDatesOverDynamoDB: over HTTP and DynamoDB
// Local, an import's rows are submissions under every rule of POST
// …/outcomes (SPEC, "Spreadsheet import"), and returns follow a project's
// own dates (SPEC, "Reporting cycle"): a row for a period before the
// project starts or after it ends, within the programme's dates, is
// stored and counted, and makes no return (a schedule expects none of the
// project then, and figures for other periods fill none); a row inside
// fills its return. A row for a period outside the programme's dates is
// refused with the file, naming its cell (rows[N].periodEnd), and
// nothing of the file is stored.
func TestImportRowsOutsideAProjectsDatesOverDynamoDB(t *testing.T) {
	t.Parallel()
	s := testkit.New(t, testkit.WithClock("2026-10-05T09:00:00Z"))
	h := startAPI(t, s, nil, testkit.APIConfig{Now: s.Clock.Now})
	pid, _ := h.Create(t, uAdmin, "/programmes", testkit.ProgrammeBody("Working for Wellness")) // 2025 to 2027
	path := func(rest string) string { return "/programmes/" + pid + rest }
	j, _ := h.Create(t, uAdmin, path("/projects"), testkit.Merge(testkit.ProjectBody("Wakefield IPS"),
		map[string]any{"startDate": "2025-07-01", "endDate": "2026-06-30"}))
	h.PutMember(t, pid, testkit.Lead, testkit.RoleLead())
	sid, _ := h.Create(t, testkit.Lead, path("/schedules"), map[string]any{"name": "Quarterly returns", "frequency": "quarterly",
		"firstPeriodStart": "2025-01-01", "lastPeriodEnd": "2026-12-31"})
	returns := func() []string {
		var starts []string
		for _, r := range testkit.ListAll[domain.Return](t, h, testkit.Lead, path("/returns?projectId="+j)) {
			starts = append(starts, r.PeriodStart.String())
		}
		return starts
	}
	// July 2025 to June 2026: four quarters' returns, none before or after.
	owed := "2025-07-01 2025-10-01 2026-01-01 2026-04-01"
	if got := strings.Join(returns(), " "); got != owed {
		t.Fatalf("returns of the periods starting %s, want %s", got, owed)
	}

	// A quarter before the project starts, one inside, one after it ends.
	file := []byte("Project,Period start,Period end,Referrals\r\n" +
		"Wakefield IPS,2025-04-01,2025-06-30,4\r\n" +
		"Wakefield IPS,2025-07-01,2025-09-30,5\r\n" +
		"Wakefield IPS,2026-07-01,2026-09-30,6\r\n")
	before := h.Snapshot(t)
	dry := testkit.Decode[domain.ImportResult](t, h.Want(t, http.StatusOK, importReq(testkit.Lead, path("/imports?dryRun=true"), domain.MediaCSV, file)))
	if dry.Rows != 3 || dry.Created != 3 {
		t.Errorf("dry run %+v, want the three rows to create", dry)
	}
	testkit.SameSnapshot(t, "a dry run", before, h.Snapshot(t))
	res := testkit.Decode[domain.ImportResult](t, h.Want(t, http.StatusOK, importReq(testkit.Lead, path("/imports"), domain.MediaCSV, file)))
	if res.Rows != 3 || res.Created != 3 || len(res.Submissions) != 3 {
		t.Fatalf("import %+v, want the three rows created", res)
	}
	if got := strings.Join(returns(), " "); got != owed {
		t.Errorf("after the import, returns of the periods starting %s, want still %s", got, owed)
	}
	for _, start := range []string{"2025-04-01", "2026-07-01"} {
		id := domain.ReturnID(sid, j, domain.MustDate(start))
		testkit.WantErr(t, h.Do(t, testkit.Request(http.MethodGet, path("/returns/"+id), testkit.Lead, nil)), http.StatusNotFound, "not_found")
	}
	q3 := testkit.Decode[domain.Return](t, h.Want(t, http.StatusOK, testkit.Request(http.MethodGet,
		path("/returns/"+domain.ReturnID(sid, j, domain.MustDate("2025-07-01"))), testkit.Lead, nil)))
	if q3.Status != domain.ReturnAccepted || q3.SubmissionID != res.Submissions[1] {
		t.Errorf("July to September 2025's return %+v, want accepted on row 3's submission %s", q3, res.Submissions[1])
	}
	// Every row's figures count, the two without a return too.
	pr := testkit.Decode[domain.Progress](t, h.Want(t, http.StatusOK, testkit.Request(http.MethodGet, path("/progress"), testkit.Lead, nil)))
	if pr.Totals[domain.MetricReferrals] != 15 {
		t.Errorf("referrals %d, want 15", pr.Totals[domain.MetricReferrals])
	}
	if pr.Returns == nil || pr.Returns.Overdue != 3 {
		t.Errorf("return counts %+v, want the three unsent quarters overdue", pr.Returns)
	}
	// The same file again: nothing changes, no return appears.
	before = h.Snapshot(t)
	if again := testkit.Decode[domain.ImportResult](t, h.Want(t, http.StatusOK, importReq(testkit.Lead, path("/imports"), domain.MediaCSV, file))); again.Unchanged != 3 {
		t.Errorf("sent again: %+v", again)
	}
	testkit.SameSnapshot(t, "the same file again", before, h.Snapshot(t))

	// A quarter before the programme starts: the file is refused, that
	// row's period end named, and nothing of it stored, the good row
	// beside it neither.
	bad := []byte("Project,Period start,Period end,Referrals\r\n" +
		"Wakefield IPS,2025-10-01,2025-12-31,7\r\n" +
		"Wakefield IPS,2024-10-01,2024-12-31,8\r\n")
	r := h.Want(t, http.StatusBadRequest, importReq(testkit.Lead, path("/imports"), domain.MediaCSV, bad))
	e := testkit.WantFields(t, r, "rows[3].periodEnd")
	if why := e.Fields["rows[3].periodEnd"]; !strings.Contains(why, "before the programme starts (2025-01-01)") {
		t.Errorf("rows[3].periodEnd: %q", why)
	}
	testkit.SameSnapshot(t, "a refused import", before, h.Snapshot(t))
}
