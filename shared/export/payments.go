package export

import (
	"bytes"
	"io"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// PaymentsCSVHeader is the header row of the payments CSV. The trigger's
// ids come after the columns a finance team reads, and each column added
// since comes last, so that columns which were there before keep their
// places.
var PaymentsCSVHeader = []string{"Payment ID", "Grant ID", "Grant title", "Funder", "Recipient project", "Amount (£)",
	"Trigger", "Due date", "Status", "Due since", "Paid date", "Reference", "Trigger target ID", "Trigger return ID",
	"Milestone on current figures"}

// The words of the last column (milestoneNow).
const (
	MilestoneMetCell         = "Met"
	MilestoneNotYetMetCell   = "Not met yet"
	MilestoneNoLongerMetCell = "No longer met: stays due until paid or cancelled"
)

// milestoneNow says, for a milestone tranche still to be paid, whether
// its target (as it is now, nil when not read) meets its threshold now on
// counted figures (currents, by target id): "Met"; "Not met yet" for one
// still scheduled; for one due, that its milestone is no longer met (the
// figures were corrected down, or the target raised, after it fell due)
// and that it stays due all the same (domain.Payment.FallDue). Empty for
// any other payment, or one not judged.
func milestoneNow(p domain.Payment, target *domain.Target, currents map[string]int64) string {
	if target == nil {
		return ""
	}
	current, read := currents[target.ID]
	met, ok := p.MilestoneMetNow(target, current)
	switch {
	case !read || !ok:
		return ""
	case met:
		return MilestoneMetCell
	case p.Status == domain.PaymentDue:
		return MilestoneNoLongerMetCell
	}
	return MilestoneNotYetMetCell
}

// PaymentsCSV writes the set's payments as CSV for finance teams, one row
// per payment in the order given (by grant, oldest first). Trigger says in
// words what makes the payment fall due, as its grant's page does ("When
// 50% of North IPS's target of 20 referrals is reached", "On 1 April
// 2026"); the target or return it waits on is in the two columns after
// the reference, by id. The last column says, for a milestone tranche
// still to be paid, whether its target meets its threshold now
// (milestoneNow): a due one whose figures were corrected down after it
// fell due is flagged "No longer met". Amounts are pounds with two
// decimals, dates YYYY-MM-DD (a milestone or return payment with no
// expected date has an empty due date), and every cell of text someone
// typed is protected against formula injection.
func PaymentsCSV(w io.Writer, s GrantSet) error {
	funders, projects := s.funders(), s.projects()
	grants := make(map[string]domain.Grant, len(s.Grants))
	for _, g := range s.Grants {
		grants[g.ID] = g
	}
	targets := make(map[string]*domain.Target, len(s.Targets))
	for i := range s.Targets {
		targets[s.Targets[i].ID] = &s.Targets[i]
	}
	projectNames := make(map[string]string, len(projects))
	for id, p := range projects {
		projectNames[id] = p.Name
	}
	rows := make([][]string, 0, len(s.Payments))
	for _, p := range s.Payments {
		g := grants[p.GrantID]
		recipient := WholeProgramme
		if g.ProjectID != "" {
			recipient = projects[g.ProjectID].Name
		}
		rows = append(rows, []string{Text(p.ID), Text(p.GrantID), Text(g.Title), Text(funders[g.FunderID].Name), Text(recipient),
			PoundsPlain(p.AmountPence), Text(p.DueWhen(targets[p.Trigger.TargetID], projectNames)), Date(p.Due()), string(p.Status),
			Date(p.DueSince), Date(p.PaidDate), Text(p.Reference), Text(p.Trigger.TargetID), Text(p.Trigger.ReturnID),
			milestoneNow(p, targets[p.Trigger.TargetID], s.Currents)})
	}
	return WriteCSV(w, PaymentsCSVHeader, rows)
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
