package web_test

// The import pages against what a preview cannot see by itself: what a
// workbook hides, a submission changed between the preview and its
// confirmation, a confirmation refused, and one cut off by its deadline
// (audit import2).

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/platform/webdeps"
	"github.com/fundtrack/fundtrack/shared/service"
	"github.com/fundtrack/fundtrack/shared/testkit"
)

// hiddenWorkbook is a workbook whose first sheet, "Old copy", is hidden
// and holds other figures, and whose sheet shown, "Figures", has a year's
// first quarter shown and its second in a hidden row.
func hiddenWorkbook(t *testing.T, project string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", "Old copy"); err != nil {
		t.Fatal(err)
	}
	figures, err := f.NewSheet("Figures")
	if err != nil {
		t.Fatal(err)
	}
	f.SetActiveSheet(figures)
	for sheet, rows := range map[string][][]any{
		"Old copy": {{"Project", "Period start", "Period end", "Referrals", "People into work"},
			{project, "01/10/2011", "31/12/2011", 99, 9}},
		"Figures": {{"Project", "Period start", "Period end", "Referrals", "People into work"},
			{project, "01/07/2011", "30/09/2011", 11, 2},
			{project, "01/10/2011", "31/12/2011", 50, 40}},
	} {
		for i, r := range rows {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			if err := f.SetSheetRow(sheet, cell, &r); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := f.SetRowVisible("Figures", 3, false); err != nil {
		t.Fatal(err)
	}
	if err := f.SetSheetVisible("Old copy", false); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestImportPreviewSaysWhatTheWorkbookHides: the preview of a workbook
// with a hidden first sheet and a hidden row counts only the row shown,
// and says, before anything is imported, that the hidden sheet and row
// were not read (audit import2 D2: they were imported without a word).
func TestImportPreviewSaysWhatTheWorkbookHides(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	b := h.as(t, uPL)
	base := "/app/programmes/" + f.PID
	b.get(base + "/imports")
	p := b.upload(base+"/imports", "figures.xlsx", hiddenWorkbook(t, "Bradford employment service"), b.csrf)
	if p.Status != http.StatusOK || !strings.Contains(p.Body, `data-testid="count-rows">1<`) || !strings.Contains(p.Body, `data-testid="count-created">1<`) {
		t.Fatalf("preview: %d\n%s", p.Status, excerpt(p.Body))
	}
	for _, want := range []string{
		`data-testid="import-notes"`,
		`<li data-testid="note-sheets">The hidden sheet &#39;Old copy&#39; before it was not read: fundtrack read the first sheet shown, &#39;Figures&#39;`,
		`<li data-testid="note-rows">Row 3 is hidden (by hand or by a filter) and was not read`,
	} {
		if !strings.Contains(p.Body, want) {
			t.Errorf("the preview does not say %s\n%s", want, excerpt(p.Body))
		}
	}
}

// TestImportConfirmRefusedNamesTheRows: a confirmation the service refuses
// shows the upload page naming each refused row beside its cells, the
// reason and the file box to upload it again (audit import2 D4: a
// generic "There is a problem with what was sent" page named none). Here
// a submission the preview would correct was corrected meanwhile (audit
// import2 D3: 409, nothing stored), and a period previewed as new holds
// two submissions since (400, nothing stored).
func TestImportConfirmRefusedNamesTheRows(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	b := h.as(t, uLead)
	base := "/app/programmes/" + f.PID
	b.get(base + "/imports")
	file := func(lines ...string) []byte {
		return []byte("Project,Period start,Period end,Referrals,People into work\r\n" + strings.Join(lines, "\r\n") + "\r\n")
	}
	preview := func(data []byte) string {
		t.Helper()
		p := b.upload(base+"/imports", "q.csv", data, b.csrf)
		m := stagedInput.FindStringSubmatch(p.Body)
		if p.Status != http.StatusOK || m == nil {
			t.Fatalf("preview: %d\n%s", p.Status, excerpt(p.Body))
		}
		return m[1]
	}
	correcting := preview(file("Bradford employment service,01/01/2011,31/03/2011,85,21"))
	creating := preview(file("Bradford employment service,01/07/2011,30/09/2011,3,0"))

	// Meanwhile: the first quarter's figures corrected, the third sent twice.
	first := h.Svc.OpenProject(t.Context(), caller(uLead), f.PID, f.ProjectA)
	items, _, err := first.ListOutcomes(service.Page{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range items {
		if o.PeriodStart.String() == "2011-01-01" {
			h.build.Outcome(f.PID, f.ProjectA, map[string]any{"periodStart": "2011-01-01", "periodEnd": "2011-03-31",
				"counts": map[string]int{"referrals": 82, "peopleIntoWork": 20}, "replaces": o.ID})
		}
	}
	for range 2 {
		h.build.Outcome(f.PID, f.ProjectA, map[string]any{"periodStart": "2011-07-01", "periodEnd": "2011-09-30",
			"counts": map[string]int{"referrals": 1}})
	}
	before := submissions(t, h, f.PID, f.ProjectA)

	for _, c := range []struct {
		staged string
		status int
		words  []string
	}{
		// The row as a whole, not its Period start cell (audit walk3 N3).
		{correcting, http.StatusConflict, []string{"were corrected after your preview", "preview the file again", ">Row 2: The figures this row corrects"}},
		{creating, http.StatusBadRequest, []string{"already has 2 submissions", "Row 2, column B (Period start): "}},
	} {
		p := b.post(base+"/imports/confirm", url.Values{"staged": {c.staged}})
		if p.Status != c.status {
			t.Fatalf("confirm: %d, want %d\n%s", p.Status, c.status, excerpt(p.Body))
		}
		for _, want := range append(c.words,
			"<title>Error: Import figures from a spreadsheet – Bradford IPS – fundtrack</title>",
			`href="#row-2"`, `id="row-2"`,
			"Nothing from <strong>q.csv</strong> was imported.",
			`name="file" type="file"`, // the way back: upload the file again
		) {
			if !strings.Contains(p.Body, want) {
				t.Errorf("the refused confirmation's page does not say %s\n%s", want, excerpt(p.Body))
			}
		}
		if c.staged == correcting && strings.Contains(p.Body, "column B") {
			t.Errorf("the stale preview's refusal names column B\n%s", excerpt(p.Body))
		}
		if strings.Contains(p.Body, "There is a problem with what was sent") {
			t.Errorf("the generic refusal page\n%s", excerpt(p.Body))
		}
	}
	if n := submissions(t, h, f.PID, f.ProjectA); n != before {
		t.Errorf("%d submissions after the refused confirmations, want %d", n, before)
	}
}

// TestImportConfirmCutOffSaysWhatMayBeStored: a confirmation whose
// transaction is made but answered too late stops writing
// service.ImportStopMargin before the page's deadline, as the API's
// import does, gives that transaction its time to be answered (never, here),
// and answers before that deadline (audit import2 W1: the web pages ran
// to the deadline, within a second of the function's own timeout). Its
// page never says "Nothing was saved" when rows may have been stored: it
// says they may have been, and offers to continue the import, which
// finishes it (here, gives the result the transaction made saved)
// without storing any row twice.
func TestImportConfirmCutOffSaysWhatMayBeStored(t *testing.T) {
	t.Parallel()
	s := testkit.New(t)
	var armed atomic.Bool
	late := testkit.LateAnswerDB{DB: s.DB, Until: func() time.Time {
		if !armed.Load() {
			return time.Time{}
		}
		return time.Now().Add(time.Minute) // made at once, answered long after any deadline
	}}
	h := &webH{Svc: s.Svc, build: s.Build(t), store: s.Store}
	deps := webdeps.Deps(s.Config(), late)
	const importTimeout = 8 * time.Second
	deps.Timeout, deps.ImportTimeout = 5*time.Second, importTimeout
	h.serve(t, deps, nil)
	f := h.fixture(t)
	b := h.as(t, uLead)
	base := "/app/programmes/" + f.PID
	b.get(base + "/imports")
	p := b.upload(base+"/imports", "q.csv", []byte("Project,Period start,Period end,Referrals,People into work\r\n"+
		"Bradford employment service,01/07/2011,30/09/2011,3,1\r\n"), b.csrf)
	m := stagedInput.FindStringSubmatch(p.Body)
	if p.Status != http.StatusOK || m == nil {
		t.Fatalf("preview: %d\n%s", p.Status, excerpt(p.Body))
	}

	armed.Store(true)
	start := time.Now()
	p = b.post(base+"/imports/confirm", url.Values{"staged": {m[1]}})
	took := time.Since(start)
	armed.Store(false)
	t.Logf("the cut-off confirmation answered in %v (deadline %v)", took, importTimeout)
	if p.Status != http.StatusServiceUnavailable || p.Header.Get("Retry-After") == "" {
		t.Fatalf("cut off: %d, Retry-After %q\n%s", p.Status, p.Header.Get("Retry-After"), excerpt(p.Body))
	}
	if took >= importTimeout {
		t.Errorf("answered after %v, not before the page's %v deadline", took, importTimeout)
	}
	if waited := importTimeout - service.ImportStopMargin(importTimeout) + min(service.WriteGrace, importTimeout/4); took < waited {
		t.Errorf("answered after %v: the transaction sent was not given its time to be answered (until %v)", took, waited)
	}
	for _, want := range []string{"may have been stored", "Continue the import", `name="staged" value="` + m[1] + `"`} {
		if !strings.Contains(p.Body, want) {
			t.Errorf("the cut-off page does not say %s\n%s", want, excerpt(p.Body))
		}
	}
	if strings.Contains(p.Body, "Nothing was saved") || strings.Contains(p.Body, "was imported.") {
		t.Errorf("the cut-off page says nothing was saved, though the row was\n%s", excerpt(p.Body))
	}
	if n := submissions(t, h, f.PID, f.ProjectA); n != 3 {
		t.Fatalf("%d submissions, want the fixture's 2 and the row made", n)
	}

	// Continued: the transaction made was the import's last, its result
	// saved with it, so that is the result; nothing is stored again.
	p = b.post(base+"/imports/confirm", url.Values{"staged": {m[1]}})
	if p.Status != http.StatusSeeOther {
		t.Fatalf("continued: %d\n%s", p.Status, excerpt(p.Body))
	}
	if p = b.get(p.Header.Get("Location")); !strings.Contains(p.Body, `data-testid="count-created">1<`) {
		t.Errorf("continued: %d\n%s", p.Status, excerpt(p.Body))
	}
	if n := submissions(t, h, f.PID, f.ProjectA); n != 3 {
		t.Errorf("%d submissions after continuing, want 3", n)
	}
}

// TestImportProblemsNameTheSheetAndCell: in a workbook of several sheets,
// a refused file's problems name the sheet read, the row, and the column
// by its letter and its heading as the sheet writes it (audit import2
// W2: "Row 2, Referrals", with no word of which of three similar tabs);
// a header missing a column names it as the template heads it, not by
// its field name.
func TestImportProblemsNameTheSheetAndCell(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	b := h.as(t, uPL)
	base := "/app/programmes/" + f.PID
	b.get(base + "/imports")
	workbook := func(header []any) []byte {
		x := excelize.NewFile()
		defer x.Close()
		if err := x.SetSheetName("Sheet1", "Q4"); err != nil {
			t.Fatal(err)
		}
		for _, s := range []string{"Q1", "Notes"} {
			if _, err := x.NewSheet(s); err != nil {
				t.Fatal(err)
			}
		}
		for i, r := range [][]any{header, {"Bradford employment service", "01/10/2011", "31/12/2011", "ten", 2}} {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			if err := x.SetSheetRow("Q4", cell, &r); err != nil {
				t.Fatal(err)
			}
		}
		var buf bytes.Buffer
		if _, err := x.WriteTo(&buf); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	p := b.upload(base+"/imports", "q.xlsx", workbook([]any{"project", "period start", "period end", "referrals", "people into work"}), b.csrf)
	for _, want := range []string{
		"The file has problems in its sheet &#39;Q4&#39;: nothing was imported",
		"Sheet &#39;Q4&#39;, row 2, column D (referrals): Must be a whole number of people",
		"<strong>Column D (referrals)</strong>: Must be a whole number of people",
		// The summary's link moves focus to the row, which the table
		// heads by its number (audit import2 N3).
		`<tr class="nhsuk-table__row" id="row-2" tabindex="-1" data-testid="row-2">`,
		`<th class="nhsuk-table__header" scope="row">2</th>`,
	} {
		if !strings.Contains(p.Body, want) {
			t.Errorf("a bad cell: %d, the page does not say %s\n%s", p.Status, want, excerpt(p.Body))
		}
	}
	p = b.upload(base+"/imports", "q.xlsx", workbook([]any{"project", "period start", "end", "referrals", "people into work"}), b.csrf)
	if want := "Sheet &#39;Q4&#39;, row 1, Period end: Missing: the header needs a column headed Period end ("; !strings.Contains(p.Body, want) {
		t.Errorf("a missing column: %d, the page does not say %s\n%s", p.Status, want, excerpt(p.Body))
	}
}

// TestImportPreviewSaysARowFillsNoReturn: the preview names a row whose
// period is a few days off a return's, saying it fills no return and
// which return it looks meant for (audit import2 W3).
func TestImportPreviewSaysARowFillsNoReturn(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	if _, err := h.Svc.Open(t.Context(), testkit.AdminCaller(), f.PID).CreateSchedule(testkit.Body(map[string]any{"name": "Quarterly",
		"frequency": "quarterly", "firstPeriodStart": "2011-07-01", "lastPeriodEnd": "2012-03-31"})); err != nil {
		t.Fatal(err)
	}
	b := h.as(t, uPL)
	base := "/app/programmes/" + f.PID
	b.get(base + "/imports")
	p := b.upload(base+"/imports", "q.csv", []byte("Project,Period start,Period end,Referrals,People into work\r\n"+
		"Bradford employment service,01/07/2011,29/09/2011,3,1\r\n"), b.csrf)
	want := `<li data-testid="note-row-2-periodStart">Row 2, Period start: Is not the period of the return it looks meant for (1 July 2011 to 30 September 2011), so it fills no return`
	if p.Status != http.StatusOK || !strings.Contains(p.Body, want) || !strings.Contains(p.Body, `data-testid="count-created">1<`) {
		t.Errorf("preview: %d, want it to say %s\n%s", p.Status, want, excerpt(p.Body))
	}
}

// TestImportUnicodeTextFile: a file Excel saves as "Unicode Text" (.txt:
// UTF-16 with a byte order mark, tab separated), which the upload page
// offers, is read as a CSV file is (audit import2 W4: refused as "not an
// Excel workbook").
func TestImportUnicodeTextFile(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	b := h.as(t, uPL)
	base := "/app/programmes/" + f.PID
	if p := b.get(base + "/imports"); !strings.Contains(p.Body, `accept=".csv,.txt,`) {
		t.Errorf("the file box does not offer .txt files\n%s", excerpt(p.Body))
	}
	data := []byte{0xFF, 0xFE}
	for _, r := range "Project\tPeriod start\tPeriod end\tPeople into work\r\nBradford employment service\t01/10/2011\t31/12/2011\t4\r\n" {
		data = append(data, byte(r), byte(r>>8))
	}
	p := b.upload(base+"/imports", "figures.txt", data, b.csrf)
	if p.Status != http.StatusOK || !strings.Contains(p.Body, `data-testid="count-created">1<`) {
		t.Errorf("a Unicode Text file: %d\n%s", p.Status, excerpt(p.Body))
	}
}

// TestImportPreviewSendsFiguresSentBackAgain: figures sent back for
// changes, in a file again as they were, are shown as sent again for
// review, not as "sent already: nothing to import" (audit import2 W5).
func TestImportPreviewSendsFiguresSentBackAgain(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	ctx := t.Context()
	if _, err := h.Svc.Open(ctx, caller(uAdmin, domain.AdminGroup), f.PID).UpdateProgramme(func(int64) bool { return true },
		body(map[string]any{"reviewOutcomes": true})); err != nil {
		t.Fatal(err)
	}
	sent := h.build.Outcome(f.PID, f.ProjectA, map[string]any{"periodStart": "2011-07-01", "periodEnd": "2011-09-30",
		"counts": map[string]int{"referrals": 12, "peopleIntoWork": 2}})
	if _, err := h.Svc.OpenProject(ctx, caller(uLead), f.PID, f.ProjectA).ReviewOutcome(sent.ID,
		body(map[string]any{"decision": "request-changes", "comment": "Referrals look high"})); err != nil {
		t.Fatal(err)
	}
	b := h.as(t, uPL)
	base := "/app/programmes/" + f.PID
	b.get(base + "/imports")
	p := b.upload(base+"/imports", "q.csv", []byte("Project,Period start,Period end,Referrals,People into work\r\n"+
		"Bradford employment service,01/07/2011,30/09/2011,12,2\r\n"), b.csrf)
	if p.Status != http.StatusOK || !strings.Contains(p.Body, `data-testid="count-corrected">1<`) ||
		!strings.Contains(p.Body, `data-testid="correction-2">Row 2 (Bradford employment service, July to September 2011) sends again, for review, the figures sent by `+uAdmin+` on `) ||
		!strings.Contains(p.Body, "and sent back for changes on ") || !stagedInput.MatchString(p.Body) || strings.Contains(p.Body, "nothing to import") {
		t.Errorf("figures sent back, sent again: %d\n%s", p.Status, excerpt(p.Body))
	}
}

// TestImportResultSaysWhenFiguresCount: the result page counts its rows
// in words ("1 row"), and says whether the figures count now or once
// approved, as the programme reviews submissions or not (audit import2
// N1: "1 rows", and "if the programme's lead reviews submissions").
func TestImportResultSaysWhenFiguresCount(t *testing.T) {
	t.Parallel()
	h := newWeb(t)
	f := h.fixture(t)
	b := h.as(t, uLead)
	base := "/app/programmes/" + f.PID
	b.get(base + "/imports")
	imported := func(line string) page {
		t.Helper()
		p := b.upload(base+"/imports", "q.csv", []byte("Project,Period start,Period end,Referrals\r\n"+line+"\r\n"), b.csrf)
		m := stagedInput.FindStringSubmatch(p.Body)
		if m == nil {
			t.Fatalf("preview: %d\n%s", p.Status, excerpt(p.Body))
		}
		p = b.post(base+"/imports/confirm", url.Values{"staged": {m[1]}})
		return b.get(p.Header.Get("Location"))
	}
	// The preview says so too, with review on (audit walk3 N4).
	const waits = `data-testid="preview-review">The programme's lead reviews submissions: once imported, the new and corrected figures wait for approval`
	if p := b.upload(base+"/imports", "q.csv", []byte("Project,Period start,Period end,Referrals\r\nBradford employment service,01/07/2011,30/09/2011,3\r\n"), b.csrf); strings.Contains(p.Body, "preview-review") {
		t.Errorf("without review, the preview says figures wait for approval\n%s", excerpt(p.Body))
	}
	p := imported("Bradford employment service,01/07/2011,30/09/2011,3")
	if !strings.Contains(p.Body, "q.csv: 1 row imported") || !strings.Contains(p.Body, "The new and corrected figures count now.") {
		t.Errorf("without review: %d\n%s", p.Status, excerpt(p.Body))
	}
	if _, err := h.Svc.Open(t.Context(), caller(uAdmin, domain.AdminGroup), f.PID).UpdateProgramme(func(int64) bool { return true },
		body(map[string]any{"reviewOutcomes": true})); err != nil {
		t.Fatal(err)
	}
	if p := b.upload(base+"/imports", "q.csv", []byte("Project,Period start,Period end,Referrals\r\nBradford employment service,01/10/2011,31/12/2011,3\r\n"), b.csrf); !strings.Contains(p.Body, waits) {
		t.Errorf("with review, the preview does not say figures wait for approval\n%s", excerpt(p.Body))
	}
	p = imported("Bradford employment service,01/10/2011,31/12/2011,3")
	if !strings.Contains(p.Body, "The programme's lead reviews submissions: the new and corrected figures count once they are approved") {
		t.Errorf("with review: %d\n%s", p.Status, excerpt(p.Body))
	}
}
