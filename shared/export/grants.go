package export

import (
	"io"
	"slices"
	"strings"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// GrantSet is what the grant exports show: grants of one programme (only
// those the caller may read, oldest first) with the programme, every
// funder and project those grants may name, and those grants' payments
// (oldest first). The payments CSV also has the programme's targets, to
// say which target a payment waits on.
type GrantSet struct {
	Programme domain.Programme
	Grants    []domain.Grant
	Funders   []domain.Funder
	Projects  []domain.Project
	Payments  []domain.Payment
	Targets   []domain.Target
	// Currents are, by target id, the figure now (over its window, on
	// counted figures) of each target a milestone tranche of Payments
	// still to be paid waits on, for the payments CSV to say whether its
	// threshold is met now; a target missing was not read.
	Currents map[string]int64
	// Selection names which of the programme's grants the set holds when
	// the caller may read only some (a funder's, a project's): "" for
	// every grant. A 360Giving package of a selection says so, under an
	// identifier of its own, rather than pass for the programme's.
	Selection string
	// SelectedFunders and SelectedProjects are whose grants a Selection
	// holds: the funders the caller acts for and the projects it leads.
	// A 360Giving package of a selection names its publisher from them.
	SelectedFunders, SelectedProjects []string
}

// GrantSelection is the Selection of a caller who reads the grants of
// funders and projects (ids in any order): "funders-<ids>" and
// "projects-<ids>", sorted, joined by "-"; "" for none.
func GrantSelection(funders, projects []string) string {
	var parts []string
	for _, x := range []struct {
		name string
		ids  []string
	}{{"funders", funders}, {"projects", projects}} {
		if len(x.ids) > 0 {
			ids := slices.Clone(x.ids)
			slices.Sort(ids)
			parts = append(parts, x.name+"-"+strings.Join(ids, "-"))
		}
	}
	return strings.Join(parts, "-")
}

func (s GrantSet) funders() map[string]domain.Funder {
	m := make(map[string]domain.Funder, len(s.Funders))
	for _, f := range s.Funders {
		m[f.ID] = f
	}
	return m
}

func (s GrantSet) projects() map[string]domain.Project {
	m := make(map[string]domain.Project, len(s.Projects))
	for _, p := range s.Projects {
		m[p.ID] = p
	}
	return m
}

// WholeProgramme is the "Recipient project" of a grant to the programme as
// a whole rather than to one of its projects.
const WholeProgramme = "Whole programme"

// GrantsCSVHeader is the header row of the grants CSV.
var GrantsCSVHeader = []string{"Grant ID", "Title", "Funder", "Funder org-id", "Recipient project",
	"Amount (£)", "Currency", "Award date", "Start date", "End date"}

// GrantsCSV writes the grants as CSV, one row per grant in the order given.
// Amounts are pounds with two decimals, dates YYYY-MM-DD, and every text
// cell is protected against formula injection.
func GrantsCSV(w io.Writer, s GrantSet) error {
	funders, projects := s.funders(), s.projects()
	rows := make([][]string, 0, len(s.Grants))
	for _, g := range s.Grants {
		funder := funders[g.FunderID]
		recipient := WholeProgramme
		if g.ProjectID != "" {
			recipient = projects[g.ProjectID].Name
		}
		rows = append(rows, []string{Text(g.ID), Text(g.Title), Text(funder.Name), Text(funder.OrgID), Text(recipient),
			PoundsPlain(g.AmountPence), Text(g.Currency), Date(g.AwardDate), Date(g.StartDate), Date(g.EndDate)})
	}
	return WriteCSV(w, GrantsCSVHeader, rows)
}
