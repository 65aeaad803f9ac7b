package domain

import (
	"maps"
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
		var found []Cohort
		for _, c := range cohorts[r.ProjectID] {
			if c.ID == r.CohortText {
				found = []Cohort{c}
				break
			}
			if metricKey(c.Name) == metricKey(r.CohortText) {
				found = append(found, c)
			}
		}
		switch len(found) {
		case 1:
			r.CohortID, r.CohortName = found[0].ID, found[0].Name
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

// CurrentSubmissions are those of outcomes that stand: the newest of each
// correction chain (chainHeads), less those the store recorded as
// replaced all the same (CorrectedBy): a submission sent back for changes
// that new figures for its return took over (Outcome.TakesOver), which
// name nothing they replace, or one whose correction is not among
// outcomes. Each is the one to correct, and what an import's row or new
// figures for its period are weighed against; the one taken over is
// history (the project's list still shows it, replaced). outcomes are as
// stored, as those who write to the project read them: a funder's
// (AsApproved) carry no CorrectedBy.
func CurrentSubmissions(outcomes []Outcome) []Outcome {
	var out []Outcome
	for _, o := range chainHeads(outcomes) {
		if o.CorrectedBy == "" {
			out = append(out, o)
		}
	}
	return out
}

// chainHeads are those of outcomes no other among them corrects (names
// in Replaces): the newest of each correction chain, whether or not it
// was taken over since.
func chainHeads(outcomes []Outcome) []Outcome {
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

// nearDays is how far, at either end, a row's period may be from a
// return's for NoReturnWarning to take it for a typo of it: a day or two
// mistyped (30/12 for 31/12), not a month within a quarter.
const nearDays = 7

// minTypoDays is the shortest period OverlapProblem and CheckOverlaps take
// a few days' difference in for a typo: the shortest return's, a month
// of 28 days.
const minTypoDays = 28

// NoReturnWarning is the warning for a row of new figures that fills no
// return, and false when there is nothing to say (audit import2 W3): its
// period lies outside its project's dates (no return is expected then),
// or is within a few days of a return's period of a schedule covering its
// project (schedules) without being it, so looks like a typo of it. Either
// way the figures are stored and counted, but the return stays unsent,
// and the row sent again with the right dates would be another
// submission, counting the same people twice (OverlapProblem refuses
// that). Monthly figures in a programme of quarterly returns, or the like,
// are no typo: nothing is said of them.
func NoReturnWarning(row ImportRow, schedules []Schedule) (Warning, bool) {
	field := RowField(row.Row, ColPeriodStart)
	pd := row.ProjectDates
	if (!pd.Start.IsZero() || !pd.End.IsZero()) && !(Project{StartDate: pd.Start, EndDate: pd.End}).RunsDuring(Period{Start: row.PeriodStart, End: row.PeriodEnd}) {
		dates := "from " + pd.Start.String()
		switch {
		case pd.Start.IsZero():
			dates = "to " + pd.End.String()
		case !pd.End.IsZero():
			dates = pd.Start.String() + " to " + pd.End.String()
		}
		if pd.Start.IsZero() || pd.End.IsZero() {
			dates = "the project runs " + dates
		}
		return Warning{Field: field, Message: "is outside the project's dates (" + dates + "): the figures are stored and counted, " +
			"but fill no return; if the dates are a typo, correct them before importing"}, true
	}
	abs := func(n int) int { return max(n, -n) }
	for _, s := range schedules {
		if !s.Covers(row.ProjectID) {
			continue
		}
		for _, p := range s.Periods() {
			if p.Start == row.PeriodStart && p.End == row.PeriodEnd {
				return Warning{}, false // its return: filled, or not expected of the project
			}
			if abs(p.Start.DaysUntil(row.PeriodStart)) <= nearDays && abs(p.End.DaysUntil(row.PeriodEnd)) <= nearDays {
				return Warning{Field: field, Message: "is not the period of the return it looks meant for (" + p.Start.String() + " to " +
					p.End.String() + "), so it fills no return, which stays unsent: the figures are stored and counted all the same; " +
					"if the dates are a typo, correct them before importing"}, true
			}
		}
	}
	return Warning{}, false
}

// overlap reports whether two periods are one mistyped, sharing days and
// a few days apart at most at either end (nearDays: 1 October to 30
// December and to 31 December), and the two sets of figures count people
// in a metric both: together they would count the same people twice.
// Periods further apart that share days (a month's figures and its
// quarter's, which a project may send on purpose for different figures),
// and periods shorter than a month (no return's, where a few days are no
// typo), are left alone, as the API leaves them.
func overlap(aStart, aEnd, bStart, bEnd Date, a, b map[Metric]int64) bool {
	abs := func(n int) int { return max(n, -n) }
	if aStart.After(bEnd) || bStart.After(aEnd) || abs(aStart.DaysUntil(bStart)) > nearDays || abs(aEnd.DaysUntil(bEnd)) > nearDays ||
		min(aStart.DaysUntil(aEnd), bStart.DaysUntil(bEnd))+1 < minTypoDays {
		return false
	}
	for m, n := range a {
		if n > 0 && b[m] > 0 {
			return true
		}
	}
	return false
}

// OverlapProblem is the problem, keyed by the row's periodStart, of a row
// of new figures whose period is a few days off, and shares days with,
// the period of a current submission of its project (and cohort) counting
// people in one of the same metrics (overlap): both would count, the same
// people twice (audit import2 W3: a row sent again with its typo's dates
// put right). "" for any other row.
func OverlapProblem(row ImportRow, current []Outcome) (field, problem string) {
	for _, o := range current {
		if o.ProjectID != row.ProjectID || o.CohortID != row.CohortID || (o.PeriodStart == row.PeriodStart && o.PeriodEnd == row.PeriodEnd) {
			continue
		}
		if overlap(row.PeriodStart, row.PeriodEnd, o.PeriodStart, o.PeriodEnd, row.Counts, o.Counts) {
			return RowField(row.Row, ColPeriodStart), "is a few days off the period of figures already sent (" +
				o.PeriodStart.String() + " to " + o.PeriodEnd.String() + "), so the same people would be counted twice: " +
				"if that period's dates were a typo, correct its figures to 0 in the app (a correction keeps its period), then import this row; " +
				"if this row's dates are wrong, correct them"
		}
	}
	return "", ""
}

// CheckOverlaps refuses a row read without a problem whose period is a
// few days off, and shares days with, an earlier row's of the same project
// and cohort, the two counting people in one of the same metrics
// (overlap): together they would count the same people twice (a period
// typed twice, one date wrong). Rows of one period are once's to refuse.
// Called once cohorts are resolved.
func (f *ImportFile) CheckOverlaps() {
	type span struct {
		i          int
		start, end Date
	}
	groups := map[string][]span{}
	for i, r := range f.Rows {
		if !r.checked || r.ProjectID == "" || (r.CohortText != "" && r.CohortID == "") {
			continue
		}
		key := r.ProjectID + "|" + r.CohortID
		groups[key] = append(groups[key], span{i, r.PeriodStart, r.PeriodEnd})
	}
	for _, key := range slices.Sorted(maps.Keys(groups)) {
		spans := groups[key]
		// By start: a row overlaps an earlier-starting one only while
		// that one has not ended, so each is held against those still open.
		slices.SortStableFunc(spans, func(a, b span) int { return a.start.Time().Compare(b.start.Time()) })
		var open []span
		for _, sp := range spans {
			open = slices.DeleteFunc(open, func(o span) bool { return o.end.Before(sp.start) })
			r := f.Rows[sp.i]
			for _, o := range open {
				other := f.Rows[o.i]
				if (o.start == sp.start && o.end == sp.end) || !overlap(sp.start, sp.end, o.start, o.end, r.Counts, other.Counts) {
					continue
				}
				first, second := other, r
				if second.Row < first.Row {
					first, second = second, first
				}
				f.add(RowField(second.Row, ColPeriodStart), "is a few days off row "+strconv.Itoa(first.Row)+"'s period ("+
					first.PeriodStart.String()+" to "+first.PeriodEnd.String()+"), sharing days with it, so the same people would be "+
					"counted twice: correct the dates that are wrong")
				break
			}
			open = append(open, sp)
		}
	}
}

// PlanRow decides what a row does, given its project's current
// submissions: unchanged when one for its period (and cohort) already has
// its figures (and was not sent back for changes), a correction of the
// newest such when none does, else a new submission. It returns the submission's figures (the row's, over what
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
		// Figures sent back for changes are not left as they are: sent
		// again unchanged, they are the project's answer that they are
		// right, and go back for review (a correction of the same
		// figures), as the reporting cycle asks of figures sent back
		// (audit import2 W5: the return stayed sent back, nothing said).
		if sameFigures(row, cols, o) && o.EffectiveStatus() != OutcomeChangesRequested {
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

// KeptCountsProblem is the problem, keyed by the row's cell, of a row
// planned by PlanRow as a correction (in, the figures it will store) whose
// people into work would be more than its job starts once the one of the
// two the sheet has no column for is kept from the corrected submission
// (IntoWorkBeyondJobStarts); "", "" when there is none. A row's own
// figures are held to the rule when the file is read (ReadImport, as
// OutcomeInput.Validate): this is the rule on the figures as they will
// stand. Both kept, the row changes neither, and a sheet without either
// column cannot put them right: the row is not refused for them.
func KeptCountsProblem(row ImportRow, cols ImportColumns, in OutcomeInput) (field, problem string) {
	into, starts, beyond := IntoWorkBeyondJobStarts(in.Counts)
	if !beyond {
		return "", ""
	}
	hasInto, hasStarts := slices.Contains(cols.Metrics, MetricPeopleIntoWork), slices.Contains(cols.Metrics, MetricJobStarts)
	switch {
	case hasInto && !hasStarts:
		return RowField(row.Row, string(MetricPeopleIntoWork)),
			intoWorkProblem(into, starts, ", kept from the submission it corrects, as the sheet has no "+MetricJobStarts.Label()+" column")
	case hasStarts && !hasInto:
		return RowField(row.Row, string(MetricJobStarts)), "cannot be fewer than the people into work (" + strconv.FormatInt(into, 10) +
			", kept from the submission it corrects, as the sheet has no " + MetricPeopleIntoWork.Label() + " column) in the same " +
			"submission: everyone starting paid work for the first time also has a paid job start"
	}
	return "", ""
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
	case MediaCSV, "application/csv", MediaText, MediaTSV:
		// Excel's "Unicode Text" is a .txt file, tab separated, read as
		// a CSV file is (its separator found from its header).
		return MediaCSV
	case MediaXLSX:
		return MediaXLSX
	}
	return ""
}
