package browsertest

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"
)

// monthWorkbook is four months of figures (July to October 2026: periods
// that have begun, inside the fixture's programme, which none of the other
// stories submits) for project, kept in Excel with real dates; bad, when
// set, is typed into row 3's people-into-work cell. It is written to dir.
func monthWorkbook(t *testing.T, dir, name, project, bad string) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	set := func(cell string, v any) {
		if err := f.SetCellValue("Sheet1", cell, v); err != nil {
			t.Fatal(err)
		}
	}
	for i, h := range []string{"Project", "Period start", "Period end", "Referrals", "People into work", "Notes"} {
		c, _ := excelize.CoordinatesToCellName(i+1, 1)
		set(c, h)
	}
	for q := range 4 {
		start := time.Date(2026, time.Month(7+q), 1, 0, 0, 0, 0, time.UTC)
		set(fmt.Sprintf("A%d", q+2), project)
		set(fmt.Sprintf("B%d", q+2), start)
		set(fmt.Sprintf("C%d", q+2), start.AddDate(0, 1, -1))
		set(fmt.Sprintf("D%d", q+2), 12+q)
		set(fmt.Sprintf("E%d", q+2), 2+q)
	}
	set("F5", "Two employment specialists in post")
	if bad != "" {
		set("E3", bad)
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// projectLeadImportsFromExcel is the story: the project lead
// imports months of figures from an Excel file, sees the one bad
// cell named, fixes it, imports, and sends the same file again with
// nothing changed.
func (s *suite) projectLeadImportsFromExcel(t *testing.T) {
	dir := t.TempDir()
	bad := monthWorkbook(t, dir, "figures-draft.xlsx", s.fx.ProjectAName, "three")
	good := monthWorkbook(t, dir, "figures.xlsx", s.fx.ProjectAName, "")
	tb := s.newTab(t, uPL, true)
	defer tb.checkConsole()
	tb.signIn(uPL)
	if st := tb.open(s.base() + "/returns"); st != 200 {
		tb.fail("returns page answered %d", st)
	}
	tb.followWant("#import-figures", 200)
	tb.a11y("import upload")
	choose := func(path string) {
		tb.t.Helper()
		tb.do("choosing "+filepath.Base(path), chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{path}))
	}

	// The draft: one bad cell, named beside its row; nothing imported.
	before := len(s.srv.outcomes(t, s.fx.PID, s.fx.ProjectA))
	choose(bad)
	tb.followWant("#submit", 400)
	if got := tb.text(`[data-testid="error-summary"]`); !strings.Contains(got, "Row 3, column E (People into work): Must be a whole number of people") {
		tb.fail("error summary: %q", got)
	}
	if got := tb.text(`[data-testid="row-3"]`); !strings.Contains(got, "People into work: three") {
		tb.fail("the bad row: %q", got)
	}
	tb.a11y("import refused")
	tb.screenshot("import-refused.png")
	if n := len(s.srv.outcomes(t, s.fx.PID, s.fx.ProjectA)); n != before {
		tb.fail("a refused file stored %d submissions", n-before)
	}

	// Fixed: the preview counts four new submissions; confirmed, imported.
	choose(good)
	tb.followWant("#submit", 200)
	if got := tb.text(`[data-testid="count-created"]`); got != "4" {
		tb.fail("preview: %q new", got)
	}
	tb.a11y("import preview")
	tb.followWant("#submit", 200)
	if got := tb.text(`[data-testid="imported-banner"]`); !strings.Contains(got, "figures.xlsx: 4 rows imported") {
		tb.fail("result banner %q", got)
	}
	tb.a11y("import result")
	if n := len(s.srv.outcomes(t, s.fx.PID, s.fx.ProjectA)); n != before+4 {
		tb.fail("%d submissions after the import, want %d", n, before+4)
	}

	// The same file again: nothing to import.
	if st := tb.open(s.base() + "/imports"); st != 200 {
		tb.fail("upload page answered %d", st)
	}
	choose(good)
	tb.followWant("#submit", 200)
	if got := tb.text(`[data-testid="count-unchanged"]`); got != "4" {
		tb.fail("sent again: %q unchanged", got)
	}
	if tb.count(`[data-testid="nothing-to-import"]`) != 1 || tb.count(`input[name="staged"]`) != 0 {
		tb.fail("sent again, the page still offers to import")
	}
	if n := len(s.srv.outcomes(t, s.fx.PID, s.fx.ProjectA)); n != before+4 {
		tb.fail("sending it again stored %d more", n-before-4)
	}
}
