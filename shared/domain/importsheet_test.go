package domain

import (
	"strings"
	"testing"
)

// A cell the reader could not read (a formula with no saved result) is
// reported under its column, in a count or a date column alike, never as
// an empty cell (0 people, or "required").
func TestReadImportReportsCellProblems(t *testing.T) {
	sh := sheetOf(
		[]string{"Project", "Period start", "Period end", "Referrals", "People into work"},
		[]string{"Bradford IPS", "", "2025-06-30", "", "2"},
	)
	const problem = "holds a formula with no saved result"
	sh.Rows[1].Cells[1] = SheetCell{Problem: problem}
	sh.Rows[1].Cells[3] = SheetCell{Problem: problem}
	f := ReadImport(sh, importProjects)
	for _, k := range []string{"rows[2].periodStart", "rows[2].referrals"} {
		if f.Problems[k] != problem {
			t.Errorf("%s: %q, want the reader's problem (all: %v)", k, f.Problems[k], f.Problems)
		}
	}
	if len(f.Problems) != 2 {
		t.Errorf("problems %v", f.Problems)
	}
}

// A merged range's copies in columns with no heading (a note merged
// across them, a heading merged over them) only widened a cell: they are
// not values without a heading, nor headings twice.
func TestReadImportIgnoresMergedCopiesWithoutAHeading(t *testing.T) {
	sh := sheetOf(
		[]string{"Project", "Period start", "Period end", "Referrals", "Notes", ""},
		[]string{"Bradford IPS", "2025-04-01", "2025-06-30", "1", "a wide note", ""},
		[]string{"", "2025-07-01", "2025-09-30", "2", "", "stray"},
	)
	sh.Rows[0].Cells[5] = SheetCell{Text: "Notes", Merged: true}
	sh.Rows[1].Cells[5] = SheetCell{Text: "a wide note", Merged: true}
	sh.Rows[2].Cells[0] = SheetCell{Text: "Bradford IPS", Merged: true}
	f := ReadImport(sh, importProjects)
	if len(f.Problems) != 1 || !strings.Contains(f.Problems["rows[3].F"], "no heading") {
		t.Fatalf("problems %v: want only row 3's own stray value", f.Problems)
	}
	if f.Rows[1].ProjectID != importProjects[0].ID || f.Rows[0].Notes != "a wide note" {
		t.Errorf("rows %+v", f.Rows)
	}
}
