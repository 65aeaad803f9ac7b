package main

import (
	"strings"
	"testing"

	"github.com/fundtrack/fundtrack/infra/internal/repair"
	"github.com/fundtrack/fundtrack/infra/internal/repair/repairtest"
	"github.com/fundtrack/fundtrack/shared/store"
)

// TestRecountArguments runs the command over a table on DynamoDB Local
// holding one programme, with nothing to recount: it prints an empty
// list, not null; an id no programme has (one letter off) is reported so
// and fails the run, the programme named beside it still recounted; an
// empty or blank id is the usage; and a failure is in the report printed,
// not only in the log.
func TestRecountArguments(t *testing.T) {
	t.Parallel()
	w := repairtest.NewWorld(t)
	table, p := w.Table, w.Programme
	type report struct {
		ProgrammeID string           `json:"programmeId"`
		DryRun      bool             `json:"dryRun"`
		Recounted   *[]store.Recount `json:"recounted"` // nil: absent or null
		Error       string           `json:"error"`
	}
	bin, command := repairtest.Command(t, table)

	var clean report
	command(&clean, "-programme", p.ID)
	if clean.ProgrammeID != p.ID || clean.Recounted == nil || len(*clean.Recounted) != 0 || clean.Error != "" {
		t.Errorf("a programme with nothing to recount: %+v, want recounted [] and no error", clean)
	}

	typo := p.ID[:len(p.ID)-1] + "X"
	out, stderr, code := repairtest.Exit(t, bin, table, "-n", "-programme", typo, "-programme", p.ID)
	reports := repairtest.Reports[report](t, out)
	if code != 1 || len(reports) != 2 || reports[0].ProgrammeID != typo || reports[0].Error != repair.ErrNoProgramme.Error() ||
		reports[0].Recounted != nil || reports[1].ProgrammeID != p.ID || reports[1].Error != "" || reports[1].Recounted == nil {
		t.Errorf("a mistyped id beside the programme: exit status %d, %s\n%s\nwant 1, the first reported as no programme, the second recounted", code, out, stderr)
	}
	if !strings.Contains(stderr, "programme "+typo+": "+repair.ErrNoProgramme.Error()) {
		t.Errorf("the mistyped id is not logged: %s", stderr)
	}

	repairtest.RefusesBlankProgramme(t, bin, table, []string{"-programme="}, []string{"-programme", "  "})

	out, stderr, code = repairtest.Exit(t, bin, table+"-not-there", "-programme", p.ID)
	if reports := repairtest.Reports[report](t, out); code != 1 || len(reports) != 1 || reports[0].ProgrammeID != p.ID ||
		!strings.Contains(reports[0].Error, "ResourceNotFound") || !strings.Contains(stderr, reports[0].Error) {
		t.Errorf("against a table not there: exit status %d, printed %s\n%s\nwant 1 and the error in the report", code, out, stderr)
	}
}
