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
// in the order given, then the programme total row. Each metric's column is
// controlled by DiscloseColumn: every count put through Disclose, the total
// from the programme's true total (so it is not the sum of the controlled
// rows above it), and the total Withheld where it would narrow a
// suppressed count. Columns are controlled one by one: the file states no
// relation between metrics.
func OutcomeSummaryCSV(w io.Writer, s OutcomeSet) error {
	rows := make([][]string, len(s.Projects)+1)
	for i, p := range s.Projects {
		rows[i] = []string{Text(p.Name)}
	}
	rows[len(s.Projects)] = []string{ProgrammeTotal}
	counts := make([]int64, len(s.Projects))
	for _, m := range domain.Metrics {
		for i, p := range s.Projects {
			counts[i] = s.Totals.ByProject[p.ID][m]
		}
		shown, total := DiscloseColumn(counts, s.Totals.Programme[m])
		for i, c := range shown {
			rows[i] = append(rows[i], c)
		}
		rows[len(s.Projects)] = append(rows[len(s.Projects)], total)
	}
	return WriteCSV(w, OutcomeSummaryHeader(), rows)
}
