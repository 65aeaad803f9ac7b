package domain

import (
	"errors"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Spreadsheet imports (SPEC, "Spreadsheet import"): a sheet of outcome
// figures, one row per project and period, each row a submission made by
// the caller under every rule of the API. This file holds the rules that
// need no storage: reading the header, reading and checking each row,
// and deciding what a row does to the submissions already there.

// Limits and media types of an import.
const (
	// MaxImportBytes bounds a file: base64-encoded by API Gateway, 4 MiB
	// is about 5.6 MB, within Lambda's 6 MB request limit.
	MaxImportBytes = 4 << 20
	// MaxImportRows bounds the rows of figures (the header not counted).
	MaxImportRows = 5000
	// MaxTitleRows bounds the title rows a sheet may have above its header
	// ("West Yorkshire IPS figures"): see ImportHeader.
	MaxTitleRows = 3
	// MaxSheetRows bounds the rows (not blank) a sheet may have: titles,
	// the header and the rows of figures. A reader stops once it has read
	// one more, which ReadImport then refuses.
	MaxSheetRows = MaxTitleRows + 1 + MaxImportRows
	MediaCSV     = "text/csv"
	MediaXLSX    = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	// MediaText and MediaTSV are read as CSV is: Excel saves "Unicode
	// Text" as a .txt file (UTF-16, tab separated), sent as text/plain.
	MediaText = "text/plain"
	MediaTSV  = "text/tab-separated-values"
)

// Sheet is a spreadsheet's first sheet as read from a CSV file or a
// workbook: its rows in order, blank ones left out.
type Sheet struct {
	Rows []SheetRow
	// Date1904 says the workbook counts dates from 1904 (old Mac Excel)
	// rather than 1900.
	Date1904 bool
	// Name is a workbook sheet's name ("" for a CSV file): a header
	// problem names the sheet read, which may not be the one the user
	// looked at.
	Name string
	// Sheets is how many sheets the workbook has (0 for a CSV file): with
	// only one, there is no other sheet the figures could be on.
	Sheets int
	// DecimalComma marks a CSV file separated by semicolons, as Excel
	// saves "CSV" where the comma is the decimal mark (much of Europe):
	// there "1,000" may be one as well as a thousand, so a count written
	// so is refused (importCount).
	DecimalComma bool
	// What a workbook hides, and its reader left unread: figures no one
	// can see are never imported (audit import2 D2), and the answer says
	// what was passed over (SheetNotes). HiddenSheets are the names of the
	// hidden sheets before the one read (the first sheet shown), in order;
	// HiddenRows the numbers of the hidden rows that held anything;
	// HiddenColumns the hidden columns that did.
	HiddenSheets  []string
	HiddenRows    []int
	HiddenColumns []HiddenColumn
}

// HiddenColumn is a workbook column hidden from view: its cells are not
// read. Index counts from 0 (column A); Reads is the field name of the
// import column its heading names (ImportColumn), "" when none does.
type HiddenColumn struct {
	Index int
	Reads string
}

// CellFormat is the kind of value a workbook cell's number format shows
// its number as: "" for a plain number (General, 0, #,##0…).
type CellFormat string

// The cell formats an import tells apart: a figures column refuses a cell
// formatted as any of them, whose number is not what the user sees (a
// date's serial number of days, a time's fraction of a day, a percentage's
// hundredth).
const (
	FormatDate    CellFormat = "date"
	FormatTime    CellFormat = "time"
	FormatPercent CellFormat = "percentage"
)

// SheetRow is one row: Number is the spreadsheet's own row number (from
// 1), which every problem names.
type SheetRow struct {
	Number int
	Cells  []SheetCell
}

// SheetCell is one cell. Numeric marks a workbook cell stored as a number,
// Text then being the number as stored ("45748", "12"): a date-formatted
// cell is such a number of days (a serial date).
type SheetCell struct {
	Text    string
	Numeric bool
	// Format is the kind of value a Numeric cell's number format shows.
	Format CellFormat
	// Problem is what the reader found wrong with the cell itself,
	// whatever its column (a formula whose result the workbook did not
	// save, so Text "" is not an empty cell): reported under the cell.
	Problem string
	// Merged marks a copy of a merged range's value (its top-left cell's)
	// in another of its cells: a column with no heading ignores it, as the
	// merge only widened the cell there, and a metric column refuses it
	// (mergedFigure). MergedFrom is the row number of the range's top-left
	// cell.
	Merged     bool
	MergedFrom int
}

// ImportColumns says which of the columns fundtrack reads a sheet has.
type ImportColumns struct {
	Metrics []Metric // in the sheet's order
	Cohort  bool
	Notes   bool
	// Ignored are the headings, as written (shortened), of the columns
	// fundtrack does not read, in the sheet's order: real spreadsheets
	// carry totals and comments beside the figures.
	Ignored []string
}

// ImportRow is one row of figures, read and checked.
type ImportRow struct {
	Row         int // the spreadsheet's row number
	ProjectID   string
	ProjectName string // the project's name, as fundtrack has it
	CohortText  string // the cohort cell as written, until resolved
	CohortID    string
	CohortName  string // the cohort's name, once resolved
	PeriodStart Date
	PeriodEnd   Date
	Counts      map[Metric]int64 // one per metric column; an empty cell is 0
	Blank       map[Metric]bool  // the metric columns whose cell was empty
	Notes       string
	// ProjectDates are the dates of the row's project (zero when it has
	// none, or the row names no project), for NoReturnWarning.
	ProjectDates Period
	// checked marks a row read without a problem: only such a row can
	// repeat another, the rest being refused already.
	checked bool
}

// ImportFile is a sheet read: its columns and rows, and the problems found
// in it, keyed rows[N].column. Problems names at most MaxProblems; every
// problem goes through add (or AddProblems), which also counts the rows
// with one and the problems left unnamed past that, so a refusal can say
// how many rows have problems.
type ImportFile struct {
	Columns  ImportColumns
	Rows     []ImportRow
	Problems Problems
	// Notes say what of the sheet was not read, being hidden (SheetNotes).
	Notes []Warning
	// sheet names, for a workbook of several sheets, the sheet read
	// (" in its sheet 'Q4'"), so a refusal says which sheet its row
	// numbers are of; "" for a CSV file or a workbook of one sheet.
	sheet string
	// problemRows are the rows (by number) any problem was found in,
	// named in Problems or not; unnamed counts the problems Problems had
	// no room for.
	problemRows map[int]bool
	unnamed     int
}

// add records a problem with field, and counts its row.
func (f *ImportFile) add(field, problem string) {
	if f.Problems == nil {
		f.Problems = Problems{}
	}
	if f.problemRows == nil {
		f.problemRows = map[int]bool{}
	}
	if n, _, ok := ParseRowField(field); ok {
		f.problemRows[n] = true
	}
	if _, named := f.Problems[field]; !named && len(f.Problems) >= MaxProblems {
		f.unnamed++
	}
	f.Problems.Add(field, problem)
}

// AddProblems adds problems found with the file's rows outside ReadImport
// (rows the caller may not record figures for, periods the rules refuse),
// row by row as Problems.AddAll does, each counted as add counts it.
func (f *ImportFile) AddProblems(src Problems) {
	for _, field := range slices.SortedFunc(maps.Keys(src), compareFields) {
		f.add(field, src[field])
	}
}

// ProblemRows is how many of the file's rows have a problem, those past
// the MaxProblems that Problems names included.
func (f ImportFile) ProblemRows() int { return len(f.problemRows) }

// ImportResult is the answer to an import: how many rows it read and what
// each did, and the submission now holding each row's figures, in the
// sheet's order (none for a dry run).
type ImportResult struct {
	Rows        int      `json:"rows"`
	Created     int      `json:"created"`
	Corrected   int      `json:"corrected"`
	Unchanged   int      `json:"unchanged"`
	Submissions []string `json:"submissions"`
	DryRun      bool     `json:"dryRun"`
	// IgnoredColumns are the headings of the columns not imported.
	IgnoredColumns []string `json:"ignoredColumns"`
	// Warnings say what the import passes over or stores with a caveat,
	// each keyed by what it is about: "sheets", "rows" and "columns" of a
	// workbook left unread, being hidden (SheetNotes).
	Warnings []Warning `json:"warnings"`
	// Corrections say, for each row correcting figures already sent, in
	// the sheet's order, what it changes: an empty cell of fundtrack's own
	// template is 0 (SPEC), so "topping up" one figure through it zeroes
	// the others, and the preview must say so before anything is stored.
	Corrections []ImportCorrection `json:"corrections"`
	// Additions say, for a dry run, what each row adding a new submission
	// stores, in the sheet's order, and Columns which of the columns the
	// rows have: the web app's preview shows them, so the person sees all
	// that confirming stores (audit-a11y N6). They are not in the API's
	// answer, which an idempotent request keeps for a day (compressed, and
	// in parts past 64 kB: docs/dynamodb.md, "Idempotency records"): the
	// figures of a 5,000-row file would add megabytes to it.
	Additions []ImportAddition `json:"-"`
	Columns   ImportColumns    `json:"-"`
}

// ImportAddition is what a row adding a new submission stores: its
// project and cohort (by name), period, figures (one per metric column of
// the file, an empty cell 0) and notes.
type ImportAddition struct {
	Row         int // the spreadsheet's row number
	Project     string
	Cohort      string // "" for none
	PeriodStart Date
	PeriodEnd   Date
	Counts      map[Metric]int64
	Notes       string
}

// Addition is what row, planned by PlanRow as new, stores.
func Addition(row ImportRow) ImportAddition {
	return ImportAddition{Row: row.Row, Project: row.ProjectName, Cohort: row.CohortName,
		PeriodStart: row.PeriodStart, PeriodEnd: row.PeriodEnd, Counts: row.Counts, Notes: row.Notes}
}

// ImportCorrection is what a row correcting a submission changes in it.
type ImportCorrection struct {
	Row      int       `json:"row"`      // the spreadsheet's row number
	Corrects string    `json:"corrects"` // the submission corrected
	SentAt   time.Time `json:"sentAt"`   // when that was sent
	// SentBy is who sent it (their email, as the submission keeps it), so
	// the person importing sees whose figures the row replaces.
	SentBy string         `json:"sentBy"`
	Counts []ImportChange `json:"counts"` // the figures it changes, in the catalogue's order
	// Notes is "cleared" (an empty notes cell over notes sent), "changed",
	// or "" when the notes stay as they are.
	Notes string `json:"notes,omitempty"`
	// SentBack says the submission corrected was sent back for changes
	// (SentBackAt, when): the row sends its figures again, changed or
	// not, for review.
	SentBack   bool      `json:"sentBack"`
	SentBackAt time.Time `json:"sentBackAt,omitzero"`
	// Project (its name as the row gives it, or its id), Cohort and the
	// period name what the row corrects on the web app's preview (audit
	// walk3 N4); the API's answer names the row and the submission.
	Project     string `json:"-"`
	Cohort      string `json:"-"`
	PeriodStart Date   `json:"-"`
	PeriodEnd   Date   `json:"-"`
}

// ImportChange is a figure a correction changes; Blank when its cell was
// empty, so it becomes 0.
type ImportChange struct {
	Metric Metric `json:"metric"`
	From   int64  `json:"from"`
	To     int64  `json:"to"`
	Blank  bool   `json:"blank"`
}

// Correction is what row, planned by PlanRow as in correcting old, changes.
func Correction(row ImportRow, in OutcomeInput, old Outcome) ImportCorrection {
	c := ImportCorrection{Row: row.Row, Corrects: old.ID, SentAt: old.SubmittedAt, SentBy: old.SubmittedBy, Counts: []ImportChange{},
		SentBack: old.EffectiveStatus() == OutcomeChangesRequested,
		Project:  row.ProjectName, Cohort: row.CohortName, PeriodStart: row.PeriodStart, PeriodEnd: row.PeriodEnd}
	if c.SentBack && old.Review != nil {
		c.SentBackAt = old.Review.At
	}
	for _, m := range Metrics {
		if from, to := old.Counts[m], in.Counts[m]; from != to {
			c.Counts = append(c.Counts, ImportChange{Metric: m, From: from, To: to, Blank: row.Blank[m]})
		}
	}
	switch {
	case in.Notes == old.Notes:
	case in.Notes == "":
		c.Notes = "cleared"
	default:
		c.Notes = "changed"
	}
	return c
}

// The column names of an import, as field paths name them; metrics go by
// their API names.
const (
	ColProject     = "project"
	ColPeriodStart = "periodStart"
	ColPeriodEnd   = "periodEnd"
	ColCohort      = "cohort"
	ColNotes       = "notes"
)

// RowField is the field path of a problem with a column of a row.
func RowField(row int, column string) string {
	return "rows[" + strconv.Itoa(row) + "]." + column
}

// ParseRowField reads a field path RowField wrote: the row's number and
// the column; ok is false for a field of no row.
func ParseRowField(field string) (row int, column string, ok bool) {
	rest, ok := strings.CutPrefix(field, "rows[")
	if !ok {
		return 0, "", false
	}
	num, column, ok := strings.Cut(rest, "].")
	if !ok || num == "" || column == "" || strings.Trim(num, "0123456789") != "" {
		return 0, "", false
	}
	row, err := strconv.Atoi(num)
	return row, column, err == nil
}

// importFixed are an import's columns besides the metrics, by field name
// and label: the one table the template's headings, the reading of a
// heading, the guess at a misspelt one and the web's names of columns are
// made from. The template puts the metrics at importMetricsAt, after the
// period.
var importFixed = []struct{ Name, Label string }{
	{ColProject, "Project"}, {ColPeriodStart, "Period start"}, {ColPeriodEnd, "Period end"},
	{ColCohort, "Cohort"}, {ColNotes, "Notes"},
}

const importMetricsAt = 3

// ImportHeaders are the headings of an import's template: every column
// fundtrack reads, labelled as people read them.
func ImportHeaders() []string {
	var h []string
	for _, c := range importFixed[:importMetricsAt] {
		h = append(h, c.Label)
	}
	for _, d := range metricCatalogue {
		h = append(h, d.Label)
	}
	for _, c := range importFixed[importMetricsAt:] {
		h = append(h, c.Label)
	}
	return h
}

// ImportColumn reads a heading as the field name of the column it names:
// one of the fixed columns, or a metric by API name or label, in any case
// and spacing; false for a heading fundtrack does not read.
func ImportColumn(h string) (string, bool) {
	k := strings.ReplaceAll(metricKey(h), " ", "")
	for _, c := range importFixed {
		if k == strings.ToLower(c.Name) {
			return c.Name, true
		}
	}
	if m, ok := ParseMetric(h); ok {
		return string(m), true
	}
	return "", false
}

// ImportColumnLabel is how people read the column with field name name
// (as ImportColumn gives it): "Period start", a metric's label; false for
// a name that is no import column.
func ImportColumnLabel(name string) (string, bool) {
	for _, c := range importFixed {
		if name == c.Name {
			return c.Label, true
		}
	}
	if m := Metric(name); ValidMetric(m) {
		return m.Label(), true
	}
	return "", false
}

// ColumnLetter is a column's spreadsheet name from 0: A, B, … Z, AA,
// AB… Every reader of a sheet names a cell's column with it, so a
// problem's key (rows[N].C) is the same whichever found it.
func ColumnLetter(i int) string {
	s := ""
	for i++; i > 0; i = (i - 1) / 26 {
		s = string(rune('A'+(i-1)%26)) + s
	}
	return s
}

// ReadImport reads a sheet's header and rows against the programme's
// projects and checks every cell, so one answer names every bad one.
// Cohorts are resolved afterwards (ResolveCohorts), once the projects'
// cohorts are read.
func ReadImport(sh Sheet, projects []Project) ImportFile {
	f := ImportFile{Problems: Problems{}, problemRows: map[int]bool{}, Notes: SheetNotes(sh)}
	if sh.Name != "" && sh.Sheets > 1 && guarded(sh.Name, false) == "" {
		f.sheet = " in its sheet '" + shorten(sh.Name) + "'"
	}
	if len(sh.Rows) == 0 {
		f.add("rows", "the file is empty: the first row must be a header naming the columns (download the template)")
		return f
	}
	headerAt, problem := ImportHeader(sh)
	if problem != "" {
		f.add("rows", problem)
		return f
	}
	switch n := len(sh.Rows) - 1 - headerAt; {
	case len(sh.Rows) > MaxSheetRows: // the reader stopped: there are more
		f.add("rows", "the file has more than "+strconv.Itoa(MaxImportRows)+" rows of figures; send at most "+strconv.Itoa(MaxImportRows)+" at a time")
		return f
	case n > MaxImportRows:
		f.add("rows", "the file has "+strconv.Itoa(n)+" rows of figures; send at most "+strconv.Itoa(MaxImportRows)+" at a time")
		return f
	}
	header := sh.Rows[headerAt]
	cols := make([]string, len(header.Cells)) // "" for a column not read
	at := map[string]int{}
	for i, c := range header.Cells {
		h := strings.TrimSpace(c.Text)
		if h == "" || c.Merged {
			continue
		}
		name, ok := ImportColumn(h)
		field := RowField(header.Number, name)
		if !ok {
			// A heading is an imported cell too: personal data typed into
			// the header row is refused like any other, never quoted back,
			// and text that is not text (control or invisible characters)
			// is never shown back as a column's name.
			problem := guarded(h, true) // a heading may wrap onto lines
			if problem == "" {
				if near := nearColumn(h); near != "" {
					// A misspelt metric would otherwise be dropped quietly.
					problem = "the heading " + quoteCell(h) + " is not a column fundtrack reads: did you mean " + near +
						"? Correct the heading, or rename the column if it is not one fundtrack should read"
				}
			}
			if problem != "" {
				f.add(RowField(header.Number, ColumnLetter(i)), problem)
			} else {
				f.Columns.Ignored = append(f.Columns.Ignored, shorten(strings.Join(strings.Fields(h), " ")))
			}
			continue
		}
		if _, dup := at[name]; dup {
			f.add(field, "appears twice in the header (columns "+ColumnLetter(at[name])+" and "+ColumnLetter(i)+")")
			continue
		}
		at[name], cols[i] = i, name
		if m := Metric(name); ValidMetric(m) {
			f.Columns.Metrics = append(f.Columns.Metrics, m)
		}
	}
	_, f.Columns.Cohort = at[ColCohort]
	_, f.Columns.Notes = at[ColNotes]
	read := sheetRead(sh)
	for _, need := range []string{ColProject, ColPeriodStart, ColPeriodEnd} {
		if _, ok := at[need]; !ok {
			// Named as the template heads it, not by its field name.
			label, _ := ImportColumnLabel(need)
			problem := "missing: the header needs a column headed " + label + read
			if hidden := hiddenHeading(sh, need); hidden != "" {
				problem = "missing: the header needs a column headed " + label + hidden
			} else if need == ColProject {
				problem += oneColumnHeader(sh, header)
			}
			f.add(RowField(header.Number, need), problem)
		}
	}
	if len(f.Columns.Metrics) == 0 {
		f.add(RowField(header.Number, "metrics"), "the header names no metric: add a column per figure, such as People into work"+read)
	}
	if len(f.Problems) > 0 {
		return f // rows cannot be read without their columns
	}
	// A title row is read only by the guard: personal data typed into it
	// is refused as in any other cell, never quoted back.
	for _, tr := range sh.Rows[:headerAt] {
		for i, c := range tr.Cells {
			if problem := guarded(strings.TrimSpace(c.Text), true); problem != "" && !c.Merged {
				f.add(RowField(tr.Number, ColumnLetter(i)), problem)
			}
		}
	}
	names := newProjectNames(projects)
	byName, byID := names.byName, names.byID
	dates := map[string]Period{}
	for _, p := range projects {
		dates[p.ID] = Period{Start: p.StartDate, End: p.EndDate}
	}
	seen := map[string]int{} // rows without a cohort; ResolveCohorts checks the others
	for _, sr := range sh.Rows[headerAt+1:] {
		row := ImportRow{Row: sr.Number, Counts: map[Metric]int64{}, Blank: map[Metric]bool{}}
		p := Problems{}
		cell := func(name string) SheetCell {
			if i, ok := at[name]; ok && i < len(sr.Cells) {
				return sr.Cells[i]
			}
			return SheetCell{}
		}
		// A row holding a project's name and nothing fundtrack reads
		// besides is skipped as a blank row is: the template has one for
		// each project, and a lead fills in those that reported. The guard
		// still reads every cell of it.
		nameOnly := true
		for name, i := range at {
			if name != ColProject && i < len(sr.Cells) && strings.TrimSpace(sr.Cells[i].Text) != "" {
				nameOnly = false
				break
			}
		}
		// The guard reads every cell first, whatever its column (a date, a
		// count, one with no heading or an unknown one): personal data is
		// reported as such, never as a bad date or a stray value, so no
		// one shows the cell back (the web preview hides cells whose
		// problem says so), and the checks below cannot replace the report.
		for i, c := range sr.Cells {
			if kind := cellKind(c); kind != "" {
				p.Add(RowField(sr.Number, cellColumn(cols, i)), personalProblem(kind))
			}
		}
		cellProblems(p, sr, cols)
		for i, c := range sr.Cells {
			if (i >= len(cols) || cols[i] == "") && strings.TrimSpace(c.Text) != "" && !c.Merged {
				if i < len(header.Cells) && strings.TrimSpace(header.Cells[i].Text) != "" && !header.Cells[i].Merged {
					continue // a column not read: ignored, or its heading refused on the header row
				}
				p.Add(RowField(sr.Number, ColumnLetter(i)), "has a value, but its column has no heading")
			}
		}
		if nameOnly {
			f.AddProblems(p)
			continue
		}
		// A totals row under the figures ("Total", no dates, sums of the
		// columns) is not a project's figures: it is passed over, and the
		// answer says so, rather than refused as a project named "Total"
		// with two dates missing (audit import2 N4). fundtrack adds up the
		// figures itself.
		if name := strings.TrimSpace(cell(ColProject).Text); totalsLabel(name) && len(byName[ProjectNameKey(name)]) == 0 && !byID[name] &&
			strings.TrimSpace(cell(ColPeriodStart).Text) == "" && strings.TrimSpace(cell(ColPeriodEnd).Text) == "" {
			f.AddProblems(p)
			f.Notes = append(f.Notes, Warning{Field: RowField(sr.Number, ColProject), Message: "looks like a totals row (" + quoteCell(name) +
				", with no dates) and was not read: fundtrack adds up the figures itself"})
			continue
		}
		row.ProjectID = importProject(p, sr.Number, cell(ColProject).Text, names)
		row.ProjectName = names.names[row.ProjectID]
		row.ProjectDates = dates[row.ProjectID]
		row.PeriodStart = importDate(p, RowField(sr.Number, ColPeriodStart), cell(ColPeriodStart), sh.Date1904)
		row.PeriodEnd = importDate(p, RowField(sr.Number, ColPeriodEnd), cell(ColPeriodEnd), sh.Date1904)
		for _, m := range f.Columns.Metrics {
			if problem := mergedFigure(cell(string(m))); problem != "" {
				p.Add(RowField(sr.Number, string(m)), problem)
				continue
			}
			if problem := formattedFigure(cell(string(m)), ColumnLetter(at[string(m)])+strconv.Itoa(sr.Number), sh.Date1904); problem != "" {
				p.Add(RowField(sr.Number, string(m)), problem)
				continue
			}
			row.Counts[m] = importCount(p, RowField(sr.Number, string(m)), cell(string(m)), sh.DecimalComma)
			row.Blank[m] = strings.TrimSpace(cell(string(m)).Text) == ""
		}
		if f.Columns.Cohort {
			row.CohortText = importText(p, RowField(sr.Number, ColCohort), cell(ColCohort).Text, false, MaxNameLen)
		}
		if f.Columns.Notes {
			row.Notes = importText(p, RowField(sr.Number, ColNotes), cell(ColNotes).Text, true, MaxNotesLen)
		}
		// The API's own rules for a submission, named by column.
		in := OutcomeInput{PeriodStart: row.PeriodStart, PeriodEnd: row.PeriodEnd, Counts: row.Counts}
		var verr *Error
		if errors.As(in.Validate(), &verr) {
			for field, problem := range verr.Fields {
				p.Add(RowField(sr.Number, strings.TrimPrefix(field, "counts.")), problem)
			}
		}
		row.checked = len(p) == 0
		f.AddProblems(p)
		if row.checked && row.CohortText == "" {
			f.once(seen, row) // a row naming a cohort, once the cohort is resolved
		}
		f.Rows = append(f.Rows, row)
	}
	if len(f.Rows) == 0 {
		f.add("rows", "the file has a header but no rows of figures (a row with only a project's name is skipped)")
	}
	return f
}

// totalsLabel reports whether a project cell reads as a totals row's
// label: Total, Totals, Grand total, Sum, in any case, perhaps ending in a
// colon.
func totalsLabel(s string) bool {
	switch strings.TrimSuffix(metricKey(s), ":") {
	case "total", "totals", "grand total", "grand totals", "sum":
		return true
	}
	return false
}

// oneColumnHeader says, for a header missing its columns, that it was
// read as one column though tabs or semicolons separate its headings
// ("Projekt<tab>Start…"), "" otherwise. A CSV file is split at tabs or
// semicolons only when its header then reads headings fundtrack reads
// (sheet's separator), so a file of Excel's "Unicode Text" (tab separated)
// whose headings are all misspelt or in another language is one column,
// and "missing project" alone would not say why. A workbook's cells are
// never split (its Name is set).
func oneColumnHeader(sh Sheet, header SheetRow) string {
	if sh.Name != "" {
		return ""
	}
	var only string
	for _, c := range header.Cells {
		if strings.TrimSpace(c.Text) == "" {
			continue
		}
		if only != "" {
			return ""
		}
		only = c.Text
	}
	sep := ""
	switch {
	case strings.Contains(only, "\t"):
		sep = "tabs"
	case strings.Contains(only, ";"):
		sep = "semicolons"
	default:
		return ""
	}
	return " (the header row reads as one column, its headings separated by " + sep + ": a file is split at " + sep +
		" only when its header names a column fundtrack reads, such as Project or Period start; correct the headings, or download the template)"
}

// ImportHeader finds a sheet's header row: at is its index in sh.Rows.
// It is the first row, unless that is a title ("West Yorkshire IPS
// figures", a date range in words) and a row below it is clearly the
// header, naming the project and both period columns: then up to
// MaxTitleRows title rows above that header are passed over (audit N2). A
// title row holds text only: no figure, date or heading fundtrack reads,
// so a row of figures above the header is never passed over silently.
// A header found lower, or below a row that is no title, is a problem:
// the header must come first.
func ImportHeader(sh Sheet) (at int, problem string) {
	if len(sh.Rows) == 0 || clearHeader(sh.Rows[0]) {
		return 0, ""
	}
	for i, r := range sh.Rows[:min(len(sh.Rows), 2*MaxTitleRows+2)] {
		if !clearHeader(r) {
			continue
		}
		if i <= MaxTitleRows && !slices.ContainsFunc(sh.Rows[:i], func(r SheetRow) bool { return !titleRow(r) }) {
			return i, ""
		}
		return 0, "the header row must be the first row, with at most " + strconv.Itoa(MaxTitleRows) +
			" title rows (text only, no figures or dates) above it; found it on row " + strconv.Itoa(r.Number) +
			": delete the rows above it"
	}
	return 0, ""
}

// clearHeader reports whether a row names the project and both period
// columns: it is a header, whatever else it holds.
func clearHeader(r SheetRow) bool {
	need := map[string]bool{ColProject: true, ColPeriodStart: true, ColPeriodEnd: true}
	for _, c := range r.Cells {
		if name, ok := ImportColumn(strings.TrimSpace(c.Text)); ok && !c.Merged {
			delete(need, name)
		}
	}
	return len(need) == 0
}

// titleRow reports whether a row holds only text that is neither a figure
// nor a date nor a heading fundtrack reads, in cells read without a
// problem.
func titleRow(r SheetRow) bool {
	for _, c := range r.Cells {
		s := strings.TrimSpace(c.Text)
		switch {
		case c.Problem != "":
			return false
		case s == "" || c.Merged:
		case c.Numeric, decimal().MatchString(s), typedWhole().MatchString(s), pointGrouped().MatchString(s),
			IsImportHeading(s), textDate(s):
			return false
		}
	}
	return true
}

// textDate reports whether s is a date as importDate reads text.
func textDate(s string) bool {
	p := Problems{}
	importDate(p, "d", SheetCell{Text: s}, false)
	return len(p) == 0
}

// sheetRead says, for a header problem, which sheet of a workbook was read
// (" in the first sheet, 'Readme'"), "" for a CSV file: the figures may be
// on another tab, and a hidden first sheet is one the user cannot see.
func sheetRead(sh Sheet) string {
	if sh.Name == "" || sh.Sheets == 1 {
		return ""
	}
	s := " (fundtrack reads the workbook's first sheet"
	if len(sh.HiddenSheets) > 0 {
		s += " shown"
	}
	if guarded(sh.Name, false) == "" { // a name is quoted only if the guard passes it
		s += ", '" + shorten(sh.Name) + "'"
	}
	if len(sh.HiddenSheets) > 0 {
		s += "; hidden sheets are not read"
	}
	return s + ": move the figures' sheet first)"
}

// hiddenHeading says, for a header missing the column name, that the
// sheet has a hidden column headed so, whose cells are not read (" (column
// C, headed Period end, is hidden: …)"), or "".
func hiddenHeading(sh Sheet, name string) string {
	for _, hc := range sh.HiddenColumns {
		if hc.Reads == name {
			label, _ := ImportColumnLabel(name)
			return " (column " + ColumnLetter(hc.Index) + ", headed " + label + ", is hidden, and hidden columns are not read: " +
				"unhide it in Excel and upload the file again)"
		}
	}
	return ""
}

// SheetNotes say what of a workbook was not read because it is hidden
// (Sheet.HiddenSheets, HiddenRows, HiddenColumns), keyed "sheets", "rows"
// and "columns": the answer and the preview say it, so figures someone
// hid (an old copy of the sheet, a draft quarter, rows a filter hides) are
// neither imported unseen nor left out without a word.
func SheetNotes(sh Sheet) []Warning {
	var out []Warning
	if n := len(sh.HiddenSheets); n > 0 {
		var names []string
		for _, name := range sh.HiddenSheets {
			if guarded(name, false) == "" { // a name is quoted only if the guard passes it
				names = append(names, "'"+shorten(name)+"'")
			}
		}
		what := "the hidden sheet " + strings.Join(names, "")
		switch {
		case len(names) != n && n == 1:
			what = "a hidden sheet"
		case len(names) != n:
			what = strconv.Itoa(n) + " hidden sheets"
		case n > 1:
			what = "the hidden sheets " + strings.Join(names[:n-1], ", ") + " and " + names[n-1]
		}
		read := "the first sheet shown"
		if guarded(sh.Name, false) == "" {
			read += ", '" + shorten(sh.Name) + "'"
		}
		out = append(out, Warning{Field: "sheets", Message: what + " before it " + wasWere(n) + " not read: fundtrack read " + read +
			"; if the figures to import are on a hidden sheet, unhide it and move it first"})
	}
	if n := len(sh.HiddenRows); n > 0 {
		out = append(out, Warning{Field: "rows", Message: rowRanges(sh.HiddenRows) + " " + isAre(n) +
			" hidden (by hand or by a filter) and " + wasWere(n) + " not read: to import " + itsTheir(n) +
			" figures, unhide " + itThem(n) + " (or clear the filter) and upload the file again"})
	}
	if n := len(sh.HiddenColumns); n > 0 {
		var cols []string
		for _, hc := range sh.HiddenColumns {
			c := ColumnLetter(hc.Index)
			if label, ok := ImportColumnLabel(hc.Reads); ok {
				c += " (" + label + ")"
			}
			cols = append(cols, c)
		}
		what := "column " + cols[0]
		if n > 1 {
			what = "columns " + strings.Join(cols[:n-1], ", ") + " and " + cols[n-1]
		}
		out = append(out, Warning{Field: "columns", Message: what + " " + isAre(n) + " hidden and " + wasWere(n) +
			" not read: to import " + itsTheir(n) + " cells, unhide " + itThem(n) + " and upload the file again"})
	}
	return out
}

func isAre(n int) string    { return map[bool]string{true: "is", false: "are"}[n == 1] }
func wasWere(n int) string  { return map[bool]string{true: "was", false: "were"}[n == 1] }
func itsTheir(n int) string { return map[bool]string{true: "its", false: "their"}[n == 1] }
func itThem(n int) string   { return map[bool]string{true: "it", false: "them"}[n == 1] }

// rowRanges names rows (their numbers, ascending) in ranges: "row 5",
// "rows 5 to 7 and 12"; past 10 ranges, how many more.
func rowRanges(rows []int) string {
	var parts []string
	for i := 0; i < len(rows); {
		j := i
		for j+1 < len(rows) && rows[j+1] == rows[j]+1 {
			j++
		}
		part := strconv.Itoa(rows[i])
		if j > i {
			part += " to " + strconv.Itoa(rows[j])
		}
		parts = append(parts, part)
		i = j + 1
	}
	if len(rows) == 1 {
		return "row " + parts[0]
	}
	if len(parts) > 10 {
		more := len(parts) - 10
		parts = append(parts[:10], strconv.Itoa(more)+" more "+map[bool]string{true: "range", false: "ranges"}[more == 1])
	}
	if len(parts) == 1 {
		return "rows " + parts[0]
	}
	return "rows " + strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

// once refuses a row repeating an earlier row's project, cohort and
// period (seen holds the first row of each): two submissions for one
// period would count its figures twice.
func (f *ImportFile) once(seen map[string]int, r ImportRow) {
	key := r.ProjectID + "|" + r.CohortID + "|" + r.PeriodStart.String() + "|" + r.PeriodEnd.String()
	first, dup := seen[key]
	switch {
	case !dup:
		seen[key] = r.Row
	case r.CohortID != "":
		f.add(RowField(r.Row, ColPeriodStart), "row "+strconv.Itoa(first)+" already has this project, cohort and period; give each cohort's period one row")
	default:
		f.add(RowField(r.Row, ColPeriodStart), "row "+strconv.Itoa(first)+" already has this project and period; give each period one row")
	}
}

// nearColumn names the column a heading fundtrack does not read looks
// like a misspelling of ("People into work (peopleIntoWork)"), or "": its
// letters and digits, in any case, within two edits of a column's API
// name or label.
func nearColumn(h string) string {
	k := foldLetters(h)
	if k == "" {
		return ""
	}
	columns := slices.Clone(importFixed)
	for _, d := range metricCatalogue {
		columns = append(columns, struct{ Name, Label string }{string(d.Metric), d.Label})
	}
	best, bestD := "", 3
	for _, c := range columns {
		for _, s := range []string{c.Name, c.Label} {
			if d := editDistance(k, foldLetters(s), bestD); d < bestD {
				best, bestD = c.Label, d
				if !strings.EqualFold(c.Label, c.Name) {
					best = c.Label + " (" + c.Name + ")"
				}
			}
		}
	}
	return best
}

// foldLetters is s's letters and digits, in lower case.
func foldLetters(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// editDistance is the Levenshtein distance between a and b, by rune, or
// limit when it is at least limit.
func editDistance(a, b string, limit int) int {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d >= limit || -d >= limit {
		return limit
	}
	prev, cur := make([]int, len(rb)+1), make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			sub := prev[j-1]
			if ra[i-1] != rb[j-1] {
				sub++
			}
			cur[j] = min(sub, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return min(prev[len(rb)], limit)
}

// ImportFileName is an uploaded file's name as fundtrack may keep and show
// it, or "" (pages then say "your file"): a name is typed like any cell,
// and one holding personal data of the people supported ("Jane Doe 943
// 476 5919.csv") or characters that are not text is neither stored nor
// shown. The file itself is not refused for it: its name is not imported.
func ImportFileName(name string) string {
	if guarded(name, false) != "" {
		return ""
	}
	return name
}
