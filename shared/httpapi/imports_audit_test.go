package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// The import audit's findings W2, N1 and N2 through the API, over DynamoDB
// Local: text holding a serial number in a workbook's date cell is not a
// date (W2); a count must be written in digits (N1); a title row above the
// header, and Excel's "sep=;" line, are read (N2), and a header below
// figures is refused saying where it is. Refused files store nothing.
func TestImportAuditCellsAndHeaderOverDynamoDB(t *testing.T) {
	t.Parallel()
	h := newAPI(t)
	f := h.fixture(t)
	path := f.p1("/imports")

	textDates := workbook(t, func(x *excelize.File, s string) {
		for i, v := range []any{"Project", "Period start", "Period end", "Referrals", "Project A", "", "", 4} {
			c, _ := excelize.CoordinatesToCellName(i%4+1, i/4+1)
			if err := x.SetCellValue(s, c, v); err != nil {
				t.Fatal(err)
			}
		}
		// Text cells (shared strings) holding Excel serials for April 2025.
		if err := x.SetCellStr(s, "B2", "45748"); err != nil {
			t.Fatal(err)
		}
		if err := x.SetCellStr(s, "C2", "45777"); err != nil {
			t.Fatal(err)
		}
	})
	halfCount := cellsWorkbook(t, func(x *excelize.File, s string) {
		if err := x.SetCellValue(s, "E3", 12.5); err != nil { // a number, not whole
			t.Fatal(err)
		}
	})
	before := h.Snapshot(t)
	for name, c := range map[string]struct {
		media        string
		body         []byte
		field, words string
	}{
		"text serial dates (W2)": {domain.MediaXLSX, textDates, "rows[2].periodStart", "must be a date such as 2025-04-01 or 01/04/2025"},
		"a number cell of 12.5":  {domain.MediaXLSX, halfCount, "rows[3].referrals", "must be a whole number of people"},
		"1e3 in a CSV (N1)": {domain.MediaCSV, []byte("Project,Period start,Period end,Referrals\nProject A,2025-04-01,2025-04-30,1e3\n"),
			"rows[2].referrals", `must be a whole number of people, not "1e3": write it in digits alone`},
		"1.000 in a CSV (N1)": {domain.MediaCSV, []byte("Project,Period start,Period end,Referrals\nProject A,2025-04-01,2025-04-30,1.000\n"),
			"rows[2].referrals", `which could be read as 1 or as 1000`},
		// Excel does not show its sep= line: the rows are numbered from the next.
		"sep= names the separator (N2)": {domain.MediaCSV, []byte("sep=;\nProject;Period start;Period end;Referrals\nProject A;2025-04-01;2025-04-30;many\n"),
			"rows[2].referrals", `not "many"`},
		// Separated by semicolons, the comma may be the decimal mark: 1,200
		// could be 1.2 (fix-guard2).
		"1,200 with sep=; (fix-guard2)": {domain.MediaCSV, []byte("sep=;\r\nWest Yorkshire IPS figures;;;\r\n;;;\r\nProject;Period start;Period end;Referrals\r\nProject A;01/04/2025;30/04/2025;1,200\r\n"),
			"rows[4].referrals", `decimal mark (1.2) or group thousands (1200); write it in digits alone, such as 1200`},
		"a header below figures (N2)": {domain.MediaCSV, []byte("Project A,2025-04-01,2025-04-30,3\nProject,Period start,Period end,Referrals\nProject A,2025-05-01,2025-05-31,3\n"),
			"rows", "the header row must be the first row, with at most 3 title rows (text only, no figures or dates) above it; found it on row 2"},
	} {
		r := h.Want(t, http.StatusBadRequest, importReq(testkit.Lead, path, c.media, c.body))
		e := testkit.WantErr(t, r, http.StatusBadRequest, "validation_failed")
		if !strings.Contains(e.Fields[c.field], c.words) {
			t.Errorf("%s: fields %v, want %s to say %q", name, e.Fields, c.field, c.words)
		}
	}
	testkit.SameSnapshot(t, "refused imports", before, h.Snapshot(t))

	// A title, a blank line and Excel's sep= line: read, and stored once.
	file := []byte("sep=;\r\nWest Yorkshire IPS figures;;;\r\n;;;\r\nProject;Period start;Period end;Referrals\r\nProject A;01/04/2025;30/04/2025;1200\r\n")
	res := testkit.Decode[domain.ImportResult](t, h.Want(t, http.StatusOK, importReq(testkit.Lead, path, domain.MediaCSV, file)))
	if res.Rows != 1 || res.Created != 1 || len(res.Submissions) != 1 {
		t.Fatalf("a title and sep=: %+v", res)
	}
	o := testkit.Decode[domain.Outcome](t, h.Want(t, http.StatusOK, testkit.Request(http.MethodGet,
		f.p1("/projects/"+f.A+"/outcomes/"+res.Submissions[0]), testkit.Lead, nil)))
	if o.PeriodStart != domain.MustDate("2025-04-01") || o.PeriodEnd != domain.MustDate("2025-04-30") || o.Counts[domain.MetricReferrals] != 1200 {
		t.Errorf("stored %+v", o)
	}
	again := testkit.Decode[domain.ImportResult](t, h.Want(t, http.StatusOK, importReq(testkit.Lead, path, domain.MediaCSV, file)))
	if again.Unchanged != 1 || again.Created != 0 || again.Submissions[0] != res.Submissions[0] {
		t.Errorf("sent again: %+v", again)
	}
}
