package export

import (
	"bytes"
	"io"
	"strconv"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// PaymentsCSVHeader is the header row of the payments CSV.
var PaymentsCSVHeader = []string{"Payment ID", "Grant ID", "Grant title", "Funder", "Recipient project", "Amount (£)",
	"Trigger", "Due date", "Status", "Due since", "Paid date", "Reference"}

// PaymentsCSV writes the set's payments as CSV for finance teams, one row
// per payment in the order given (by grant, oldest first). Amounts are
// pounds with two decimals, dates YYYY-MM-DD (a milestone or return
// payment with no expected date has an empty due date), and every cell of
// text someone typed is protected against formula injection.
func PaymentsCSV(w io.Writer, s GrantSet) error {
	funders, projects := s.funders(), s.projects()
	grants := make(map[string]domain.Grant, len(s.Grants))
	for _, g := range s.Grants {
		grants[g.ID] = g
	}
	rows := make([][]string, 0, len(s.Payments))
	for _, p := range s.Payments {
		g := grants[p.GrantID]
		recipient := WholeProgramme
		if g.ProjectID != "" {
			recipient = projects[g.ProjectID].Name
		}
		rows = append(rows, []string{Text(p.ID), Text(p.GrantID), Text(g.Title), Text(funders[g.FunderID].Name), Text(recipient),
			Pounds(p.AmountPence), Text(TriggerText(p.Trigger)), Date(p.Due()), string(p.Status), Date(p.DueSince), Date(p.PaidDate),
			Text(p.Reference)})
	}
	return WriteCSV(w, PaymentsCSVHeader, rows)
}

// TriggerText is a payment's trigger in one cell: "date", "milestone:
// 50% of target <id>", "return <id>".
func TriggerText(t domain.Trigger) string {
	switch t.Kind {
	case domain.TriggerMilestone:
		return "milestone: " + strconv.FormatInt(t.Threshold, 10) + "% of target " + t.TargetID
	case domain.TriggerReturn:
		return "return " + t.ReturnID
	}
	return string(t.Kind)
}

// PaymentsFile is the payments of the grants a caller may read, as a
// spreadsheet; with none, just its header row.
func PaymentsFile(s GrantSet) (File, error) {
	var buf bytes.Buffer
	if err := PaymentsCSV(&buf, s); err != nil {
		return File{}, err
	}
	return File{Name: Slug(s.Programme.Name) + "-payments.csv", ContentType: CSVContentType, Body: buf.Bytes()}, nil
}
