package domain

import (
	"slices"
	"strconv"
	"strings"
)

// An import's rows once read: cohorts resolved, problems gathered, and each
// row planned against the submissions already held (unchanged, new or a
// correction).
// ResolveCohorts finds each row's cohort among its project's cohorts
// (cohorts by project id), by id or by name, and refuses a row whose
// cohort and period an earlier row has (the cohort named in one and given
// by id in the other).
func (f *ImportFile) ResolveCohorts(cohorts map[string][]Cohort) {
	// Only rows with a cohort: their keys never meet ReadImport's, whose
	// rows have none, so a cohort named in one row and given by id in
	// another is found here.
	seen := map[string]int{}
	for i := range f.Rows {
		r := &f.Rows[i]
		if r.CohortText == "" || r.ProjectID == "" {
			continue
		}
		var found []string
		for _, c := range cohorts[r.ProjectID] {
			if c.ID == r.CohortText {
				found = []string{c.ID}
				break
			}
			if metricKey(c.Name) == metricKey(r.CohortText) {
				found = append(found, c.ID)
			}
		}
		switch len(found) {
		case 1:
			r.CohortID = found[0]
			if r.checked {
				f.once(seen, *r)
			}
		case 0:
			f.add(RowField(r.Row, ColCohort), "no cohort named "+quoteCell(r.CohortText)+" in this row's project")
		default:
			f.add(RowField(r.Row, ColCohort), "more than one cohort is named "+quoteCell(r.CohortText)+": give the cohort's id instead")
		}
	}
}

// Err is the file's problems as one validation error, or nil. When there
// are more than the MaxProblems it names, it says so and how many rows
// have problems: a user who fixed only those named would be refused again
// for the rest (audit finding 4).
func (f ImportFile) Err() error {
	if len(f.Problems) == 0 {
		return nil
	}
	msg := "the file has problems" + f.sheet + ": nothing was imported; fix the cells named and send it again"
	if f.unnamed > 0 {
		counted := "the file has " + AtLeast("problems") + f.sheet
		if n := f.ProblemRows(); n > 0 {
			counted = "the file has problems in " + rowCount(n) + f.sheet + "; " + namedFirst()
		}
		msg = counted + ": nothing was imported; fix them and any others like them, and send it again"
	}
	return &Error{Code: CodeValidation, Message: msg, Fields: map[string]string(f.Problems)}
}

// Blank is a file of no rows and no problems, of the same sheet as f: for
// the problems found with f's rows once read (PeriodsErr).
func (f ImportFile) Blank() ImportFile { return ImportFile{sheet: f.sheet} }

// PeriodsErr is, for a file whose rows read without a problem, the
// problems of those whose periods cannot have figures (see Err), or nil.
func (f ImportFile) PeriodsErr() error {
	if len(f.Problems) == 0 {
		return nil
	}
	msg := "some rows" + f.sheet + " have figures for a period they cannot be recorded for"
	if f.unnamed > 0 {
		msg = rowCount(f.ProblemRows()) + f.sheet + " have figures for a period they cannot be recorded for; " + namedFirst()
	}
	return &Error{Code: CodeValidation, Message: msg + ": nothing was imported", Fields: map[string]string(f.Problems)}
}

// rowCount is n rows in words: "1 row", "2,500 rows".
func rowCount(n int) string {
	if n == 1 {
		return "1 row"
	}
	return Thousands(int64(n)) + " rows"
}

// namedFirst says, in a refusal whose count was made past the problems
// named (the rows with problems), that only the first MaxProblems are
// named.
func namedFirst() string {
	return "only the first " + strconv.Itoa(MaxProblems) + " problems found are named"
}

// SoundRows are the indexes of the rows read with no problem found in
// them: those a file refused for other rows' problems can still have
// planned, so that its one answer names every bad row, periods the rules
// refuse included.
func (f ImportFile) SoundRows() []int {
	var out []int
	for i, r := range f.Rows {
		// problemRows, not Problems: a row's problem may be past those named.
		if r.checked && !f.problemRows[r.Row] && (r.CohortText == "" || r.CohortID != "") {
			out = append(out, i)
		}
	}
	return out
}

// ImportAction is what a row does.
type ImportAction string

// Row actions.
const (
	ImportCreate    ImportAction = "created"
	ImportCorrect   ImportAction = "corrected"
	ImportUnchanged ImportAction = "unchanged"
)

// CurrentSubmissions are those of outcomes no other one corrects: the
// newest of each correction chain.
func CurrentSubmissions(outcomes []Outcome) []Outcome {
	replaced := map[string]bool{}
	for _, o := range outcomes {
		if o.Replaces != "" {
			replaced[o.Replaces] = true
		}
	}
	var out []Outcome
	for _, o := range outcomes {
		if !replaced[o.ID] {
			out = append(out, o)
		}
	}
	return out
}

// HeldTwice is the problem, keyed by the row's periodStart, of a row whose
// project and period (and cohort) already hold more than one current
// submission (separate submissions, not corrections of each other): which
// one the row's figures replace cannot be told, and replacing one while
// the other still counts would leave the period's total wrong while the
// import called the row unchanged. "" for any other row.
func HeldTwice(row ImportRow, current []Outcome) (field, problem string) {
	n := 0
	for _, o := range current {
		if o.ProjectID == row.ProjectID && o.CohortID == row.CohortID && o.PeriodStart == row.PeriodStart && o.PeriodEnd == row.PeriodEnd {
			n++
		}
	}
	if n < 2 {
		return "", ""
	}
	// A project with cohorts has a submission a period for each: the
	// cohort's are the ones to correct, and the row names it as written.
	of := ""
	if row.CohortID != "" {
		of = " for the cohort " + quoteCell(row.CohortText)
	}
	return RowField(row.Row, ColPeriodStart), "this period already has " + strconv.Itoa(n) +
		" submissions" + of + " in fundtrack; correct them in the app, then import this row"
}

// PlanRow decides what a row does, given its project's current
// submissions: unchanged when one for its period (and cohort) already has
// its figures, a correction of the newest such when none does, else a new
// submission. It returns the submission's figures (the row's, over what
// the corrected one holds in columns the sheet does not have: its measures
// and any metric the sheet has no column for) and the submission it
// corrects or that already holds them.
func PlanRow(row ImportRow, cols ImportColumns, current []Outcome) (ImportAction, OutcomeInput, *Outcome) {
	in := OutcomeInput{PeriodStart: row.PeriodStart, PeriodEnd: row.PeriodEnd, CohortID: row.CohortID,
		Counts: row.Counts, Notes: row.Notes}
	var newest *Outcome
	for i, o := range current {
		if o.ProjectID != row.ProjectID || o.CohortID != row.CohortID || o.PeriodStart != row.PeriodStart || o.PeriodEnd != row.PeriodEnd {
			continue
		}
		if sameFigures(row, cols, o) {
			return ImportUnchanged, in, &current[i]
		}
		if newest == nil || o.SubmittedAt.After(newest.SubmittedAt) || (o.SubmittedAt.Equal(newest.SubmittedAt) && o.ID > newest.ID) {
			newest = &current[i]
		}
	}
	if newest == nil {
		return ImportCreate, in, nil
	}
	counts := make(map[Metric]int64, len(newest.Counts)+len(row.Counts))
	for m, n := range newest.Counts {
		counts[m] = n
	}
	for _, m := range cols.Metrics {
		counts[m] = row.Counts[m]
	}
	in.Counts, in.Measures, in.Replaces = counts, slices.Clone(newest.Measures), newest.ID
	if !cols.Notes {
		in.Notes = newest.Notes
	}
	return ImportCorrect, in, newest
}

// sameFigures reports whether o holds the row's figures in every column
// the sheet has (a metric o lacks counts 0).
func sameFigures(row ImportRow, cols ImportColumns, o Outcome) bool {
	for _, m := range cols.Metrics {
		if o.Counts[m] != row.Counts[m] {
			return false
		}
	}
	return !cols.Notes || o.Notes == row.Notes
}

// MediaOf names a file's kind from its Content-Type (parameters ignored):
// MediaCSV, MediaXLSX, or "" for any other.
func MediaOf(contentType string) string {
	mt, _, _ := strings.Cut(contentType, ";")
	switch mt = strings.ToLower(strings.TrimSpace(mt)); mt {
	case MediaCSV, "application/csv":
		return MediaCSV
	case MediaXLSX:
		return MediaXLSX
	}
	return ""
}
