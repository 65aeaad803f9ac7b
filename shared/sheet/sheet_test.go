package sheet_test

import (
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/sheet"
)

func TestReadCSV(t *testing.T) {
	data := "\ufeffProject,Period start,Notes\r\n\r\nBradford IPS,2025-04-01,\"two\r\nlines, one cell\"\r\n,,\r\nLeeds,01/07/2025\r\n"
	sh, err := sheet.ReadCSV([]byte(data))
	if err != nil {
		t.Fatal(err)
	}
	var nums []int
	for _, r := range sh.Rows {
		nums = append(nums, r.Number)
	}
	// Blank rows are left out and keep their numbers; a quoted cell with a
	// line break is one row, as a spreadsheet shows it.
	if len(sh.Rows) != 3 || nums[0] != 1 || nums[1] != 3 || nums[2] != 5 {
		t.Fatalf("rows %v: %+v", nums, sh.Rows)
	}
	if got := sh.Rows[0].Cells[0].Text; got != "Project" {
		t.Errorf("the byte order mark is kept: %q", got)
	}
	if got := sh.Rows[1].Cells[2].Text; got != "two\r\nlines, one cell" && got != "two\nlines, one cell" {
		t.Errorf("quoted cell %q", got)
	}
	if len(sh.Rows[2].Cells) != 2 || sh.Rows[2].Cells[0].Numeric {
		t.Errorf("a ragged row: %+v", sh.Rows[2])
	}
}

func TestReadCSVRefuses(t *testing.T) {
	for name, c := range map[string]struct{ data, want string }{
		"not UTF-8":   {"Project,Notes\nBradford,caf\xe9\n", "CSV UTF-8"},
		"bad quotes":  {"Project,Notes\nBradford,\"unclosed\n", "row 2 is not valid CSV"},
		"too wide":    {strings.Repeat("a,", sheet.MaxColumns+1) + "\n", "more than 200 columns"},
		"stray quote": {"Project\nBrad\"ford\n", "row 2"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := sheet.ReadCSV([]byte(c.data))
			var e *domain.Error
			if err == nil || domain.ErrorCode(err) != domain.CodeValidation {
				t.Fatalf("%v, want validation_failed", err)
			}
			e = err.(*domain.Error)
			if !strings.Contains(e.Fields["file"], c.want) {
				t.Errorf("file: %q, want it to say %q", e.Fields["file"], c.want)
			}
		})
	}
}

func TestReadCSVStopsPastTheRowLimit(t *testing.T) {
	var b strings.Builder
	for range domain.MaxImportRows + 50 {
		b.WriteString("a,b\n")
	}
	sh, err := sheet.ReadCSV([]byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if len(sh.Rows) != domain.MaxImportRows+2 {
		t.Errorf("%d rows read, want the header, the limit and one more", len(sh.Rows))
	}
}
