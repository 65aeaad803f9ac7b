package export

import (
	"io"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// OutcomeSet is what the open outcome summary shows: a programme's projects
// and its running totals.
type OutcomeSet struct {
	Programme domain.Programme
	Projects  []domain.Project
	Totals    domain.Totals
}

// ProgrammeTotal names the last row of the outcome summary.
const ProgrammeTotal = "Programme total"

// OutcomeSummaryHeader is the header row of the outcome summary: the
// project, then one column per metric in domain.Metrics order, headed by
// its label in the metric catalogue (so a spreadsheet import can read the
// file back).
func OutcomeSummaryHeader() []string {
	h := []string{"Project"}
	for _, m := range domain.Metrics {
		h = append(h, m.Label())
	}
	return h
}

// OutcomeSummaryCSV writes the summary for publication: one row per project
// in the order given, then the programme total row, every count put through
// Disclose. The total row is controlled from the programme's true totals,
// so it is not the sum of the controlled rows above it.
func OutcomeSummaryCSV(w io.Writer, s OutcomeSet) error {
	row := func(name string, counts map[domain.Metric]int64) []string {
		r := []string{Text(name)}
		for _, m := range domain.Metrics {
			r = append(r, Disclose(counts[m]))
		}
		return r
	}
	rows := make([][]string, 0, len(s.Projects)+1)
	for _, p := range s.Projects {
		rows = append(rows, row(p.Name, s.Totals.ByProject[p.ID]))
	}
	rows = append(rows, row(ProgrammeTotal, s.Totals.Programme))
	return WriteCSV(w, OutcomeSummaryHeader(), rows)
}
