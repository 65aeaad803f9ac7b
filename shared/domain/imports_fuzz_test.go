package domain_test

// FuzzReadImport fuzzes the reading of an imported sheet into outcome
// submissions (ReadImport, then ResolveCohorts, with the cell readers they
// call). Sheets are built from the fuzzer's text; what an accepted row must
// hold is restated here from the SPEC, not taken from imports.go. The seed
// corpus runs as an ordinary test; see docs/fuzzing.md.

import (
	"errors"
	"math/big"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/fundtrack/fundtrack/shared/domain"
)

// The programme's projects and their cohorts: two names that differ only
// in case, one with a double space, one a person might type with the
// apostrophe a spreadsheet keeps a formula character with.
var (
	fzProjects = []domain.Project{
		{ID: "01hq3v7k8m9n0p1q2r3s4t5v6a", Name: "Bradford IPS"},
		{ID: "01hq3v7k8m9n0p1q2r3s4t5v6b", Name: "Leeds  IPS"},
		{ID: "01hq3v7k8m9n0p1q2r3s4t5v6c", Name: "Twin"},
		{ID: "01hq3v7k8m9n0p1q2r3s4t5v6d", Name: "twin"},
		{ID: "01hq3v7k8m9n0p1q2r3s4t5v6e", Name: "=Sum"},
	}
	fzCohorts = map[string][]domain.Cohort{
		"01hq3v7k8m9n0p1q2r3s4t5v6a": {
			{ID: "01hq3v7k8m9n0p1q2r3s4t5v7a", Name: "Spring 2025"},
			{ID: "01hq3v7k8m9n0p1q2r3s4t5v7b", Name: "Autumn"},
			{ID: "01hq3v7k8m9n0p1q2r3s4t5v7c", Name: "autumn"},
		},
		"01hq3v7k8m9n0p1q2r3s4t5v6b": {{ID: "01hq3v7k8m9n0p1q2r3s4t5v7d", Name: "Spring 2025"}},
	}
)

// fzSheet builds a sheet from the fuzzer's text: a line per row, cells
// split at "|", the two characters \n in a cell a line break, and a cell
// starting with "#" a workbook's number (the rest its text, which need not
// be a number as stored: "#1,000" is a number cell handed over as it
// shows). Bit i of gaps
// set leaves a blank row, its number kept, before row i, as the readers do.
func fzSheet(s string, gaps uint64, date1904 bool) domain.Sheet {
	sh := domain.Sheet{Date1904: date1904}
	n := 0
	for i, line := range strings.Split(s, "\n") {
		if i == 60 {
			break
		}
		n++
		if i < 64 && gaps&(1<<i) != 0 {
			n++
		}
		row := domain.SheetRow{Number: n}
		for _, c := range strings.Split(line, "|") {
			c = strings.ReplaceAll(c, `\n`, "\n")
			numeric := strings.HasPrefix(c, "#")
			row.Cells = append(row.Cells, domain.SheetCell{Text: strings.TrimPrefix(c, "#"), Numeric: numeric})
		}
		sh.Rows = append(sh.Rows, row)
	}
	return sh
}

// fzFold compares names as people type them: case and runs of white space
// do not count.
func fzFold(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

var (
	fzProblemField = regexp.MustCompile(`^rows\[([0-9]+)\]\.(.+)$`)
	// A cell quoted in a message, as Go quotes a string.
	fzQuoted       = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)
	fzColumnLetter = regexp.MustCompile(`^[A-Z]{1,2}$`)
	// A count as people write it: a sign, digits (perhaps grouped in
	// thousands by commas), a fraction, an exponent; decimal only.
	fzDecimal = regexp.MustCompile(`^[+-]?([0-9]+|[0-9]{1,3}(,[0-9]{3})+)(\.[0-9]*)?([eE][+-]?[0-9]+)?$|^[+-]?\.[0-9]+([eE][+-]?[0-9]+)?$`)
	// A date as people type it, then perhaps a time of midnight.
	fzISODate = regexp.MustCompile(`^([0-9]{4})-([0-9]{2})-([0-9]{2})([ T0:]*)$`)
	fzUKDate  = regexp.MustCompile(`^([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})([ T0:]*)$`)
)

// fzExactDecimal is the exact value of a decimal number, or nil when it is
// too large or too small to be a count of people anyway.
func fzExactDecimal(s string) *big.Rat {
	s = strings.ReplaceAll(s, ",", "")
	mant, exp, hasExp := strings.Cut(strings.ToLower(s), "e")
	if hasExp {
		e, err := strconv.Atoi(exp)
		if err != nil || e > 50 || e < -50 {
			if strings.Trim(mant, "+-0.") == "" {
				return new(big.Rat)
			}
			return nil
		}
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return nil
	}
	return r
}

// fzCellDate is the date a cell names, if it names one: YYYY-MM-DD or
// DD/MM/YYYY (the UK's order) in text, perhaps with midnight after it, or a
// workbook's serial number of days, counted from 1899-12-30 (from
// 1899-12-31 below 61, since Excel counts a 29 February 1900 that never
// was) or, in a 1904 workbook, from 1904-01-01.
func fzCellDate(c domain.SheetCell, date1904 bool) (time.Time, bool) {
	s := strings.TrimSpace(c.Text)
	if c.Numeric {
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || f < 1 || f >= 3e6 {
			return time.Time{}, false
		}
		days := int(f)
		base := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
		switch {
		case date1904:
			base = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC)
		case days < 61:
			base = base.AddDate(0, 0, 1)
		}
		return base.AddDate(0, 0, days), true
	}
	var y, m, d string
	if p := fzISODate.FindStringSubmatch(s); p != nil {
		y, m, d = p[1], p[2], p[3]
	} else if p := fzUKDate.FindStringSubmatch(s); p != nil {
		y, m, d = p[3], p[2], p[1]
	} else {
		return time.Time{}, false
	}
	yi, _ := strconv.Atoi(y)
	mi, _ := strconv.Atoi(m)
	di, _ := strconv.Atoi(d)
	tm := time.Date(yi, time.Month(mi), di, 0, 0, 0, 0, time.UTC)
	if tm.Year() != yi || tm.Month() != time.Month(mi) || tm.Day() != di {
		return time.Time{}, false // 31/02: time.Date would roll it over
	}
	return tm, true
}

// FuzzReadImport: whatever the sheet, ReadImport and ResolveCohorts never
// panic. Every problem is keyed "rows" or rows[N].column, N a row number
// the sheet has and the column one of the import's, a metric's API name,
// "metrics" or a column letter, with a problem to say; no problem's message
// quotes a cell holding personal data, or a shortened quote holding some
// (the guard refuses such cells without echoing them).
// A sheet with a problem imports nothing: Err is a validation_failed
// naming exactly the problems, and nil only when there are none.
//
// A sheet with no problem has a row of figures for every row after the
// header, in order, numbered as the sheet numbers it, and each is a
// submission the API would take: the OutcomeInput validates; its project is
// one of the programme's, named in the cell by id or by name (case and
// spacing free, a leading apostrophe allowed); its cohort, if the row names
// one, is one of that project's, by id or name; its dates are the ones the
// cells name (checked with the test's own calendar) and read back through
// ParseDate; its counts are exactly the numbers written (0 for an empty
// cell), whole, from 0 to MaxCount, one for each metric column; its notes
// are the cell's, trimmed. No two rows have the same project, cohort and
// period.
func FuzzReadImport(f *testing.F) {
	header := strings.Join(domain.ImportHeaders(), "|")
	metrics := len(domain.ImportHeaders()) - 5
	row := func(cells ...string) string {
		for len(cells) < 3+metrics {
			cells = append(cells, "")
		}
		return strings.Join(cells, "|")
	}
	for _, s := range []string{
		"", "|", "Project", header, header + "\n",
		header + "\n" + row("Bradford IPS", "2025-04-01", "2025-06-30", "1", "2", "3"),
		header + "\n" + row("bradford  ips", "01/04/2025", "30/06/2025 00:00:00", "1,200", "1e3", "0", "+5") + "\n" +
			row("01hq3v7k8m9n0p1q2r3s4t5v6b", "1/7/2025", "2025-09-30T00:00:00", "", "", "", "100000"),
		header + "\n" + row("Bradford IPS", "#45748", "#45838", "#12", "#0") + "\n" + row("'=Sum", "#45748.5", "2025-06-30"),
		header + "\n" + row("Twin", "2025-04-01", "2025-06-30", "1") + "\n" + row("Nowhere", "2025-02-30", "31/02/2025", "-1", "1.5", "100001", "x"),
		header + "\n" + row("Leeds IPS", "2025-04-01", "2025-06-30", "1e400", "NaN", "Inf", "0x10", "1_000"),
		header + "\n" + row("Leeds IPS", "2025-04-01", "2025-06-30", "#4.0000000000000001", "#1E+3", "#-0", "#100000.0"),
		header + "\n" + row("Leeds IPS", "2025-04-01", "2025-06-30", "1.0e5", "0e-400", "5.", "-0.0", "+7", "0.00012e4"),
		header + "\n" + row("Leeds IPS", "2025-04-01", "2025-06-30", "#0,000", "#1,000", "0,000", "#1,000.00", "#-0,000", "#0,005"),
		header + "\n" + row("Bradford IPS", "2025-06-30", "2025-04-01", "1") + "\n" + row("Bradford IPS", "2024-01-01", "2025-06-30", "1"),
		header + "\n" + row("Bradford IPS", "2025-04-01", "2025-06-30", "1") + "\n" + row("bradford ips", "01/04/2025", "30/06/2025", "2"),
		"Project|Period start|Period end|Referrals|Cohort|Notes\nBradford IPS|2025-04-01|2025-06-30|3|spring  2025|a good\\nquarter\n" +
			"Bradford IPS|2025-04-01|2025-06-30|3|01hq3v7k8m9n0p1q2r3s4t5v7b|\nBradford IPS|2025-04-01|2025-06-30|3|Autumn|\nLeeds  IPS|2025-04-01|2025-06-30|3|Spring 2025|\n" +
			"Twin|2025-04-01|2025-06-30|3|Spring 2025|\nBradford IPS|2025-07-01|2025-09-30|3||call 943 476 5919",
		"project|periodStart|periodEnd|peopleIntoWork|jobStarts|PEOPLE INTO WORK\nBradford IPS|2025-04-01|2025-06-30|1|2|3",
		"Project|Period start|Period end|Peple into work|Referrals\nBradford IPS|2025-04-01|2025-06-30|1|2|stray",
		"Project|Period start|Period end|Referrals\n943 476 5919|2025-04-01|07700 900123|jo@example.org",
		"Project|Period start|Period end|Referrals|Notes|Cohort\nBradford\u200bIPS|2025-04-01|2025-06-30|1|\x1b[31m|a\\nb\n\u202eBradford|2025-04-01|2025-06-30|1||",
		"Project|Period start|Period end|Referrals\n\n\nBradford IPS|#1|#60|1\nBradford IPS|#61|#0.5|1\nBradford IPS|#-1|#3e6|1",
		"Project|Period start|Period end|Referrals\nBradford IPS|1899-12-31|2201-01-01|1\nBradford IPS|2200-12-01|2200-12-31|1",
		"\ufeffProject|Period start\nBradford IPS",
		"West Yorkshire IPS figures\n" + header + "\n" + row("Bradford IPS", "2025-04-01", "2025-06-30", "1"),
		"Quarterly return||\nApril to June|\n" + header + "\n" + row("Bradford IPS", "2025-04-01", "2025-06-30", "1"),
		"Bradford IPS|2025-04-01|2025-06-30|1\n" + header + "\n" + row("Bradford IPS", "2025-07-01", "2025-09-30", "1"),
	} {
		f.Add(s, uint64(0), false)
	}
	f.Add(header+"\n"+row("Bradford IPS", "#44287", "#44377", "#7"), uint64(0b101), true)
	f.Add("Project|Period start|Period end|Referrals\nBradford IPS|2025-04-01|2025-06-30|1\nBradford IPS|2025-07-01|2025-09-30|1|", uint64(0b110), false)
	f.Fuzz(func(t *testing.T, s string, gaps uint64, date1904 bool) {
		sh := fzSheet(s, gaps, date1904)
		file := domain.ReadImport(sh, fzProjects)
		file.ResolveCohorts(fzCohorts)
		fzImportProblems(t, sh, file)
		if len(file.Problems) == 0 {
			fzImportRows(t, sh, file)
		}
	})
}

// fzImportProblems checks what the problems name and that a sheet with
// any imports nothing.
func fzImportProblems(t *testing.T, sh domain.Sheet, file domain.ImportFile) {
	t.Helper()
	numbers := map[string]bool{}
	personal := map[string]bool{} // every cell, trimmed: whether it holds personal data
	for _, r := range sh.Rows {
		numbers[strconv.Itoa(r.Number)] = true
		for _, c := range r.Cells {
			s := strings.TrimSpace(c.Text)
			personal[s] = domain.CheckPersonalData("cell", s) != nil
		}
	}
	columns := map[string]bool{domain.ColProject: true, domain.ColPeriodStart: true, domain.ColPeriodEnd: true,
		domain.ColCohort: true, domain.ColNotes: true, "metrics": true}
	for _, m := range domain.Metrics {
		columns[string(m)] = true
	}
	for k, v := range file.Problems {
		if v == "" || !utf8.ValidString(v) {
			fzFail(t, "", "problem %q says %q", k, v)
		}
		for _, q := range fzQuoted.FindAllString(v, -1) {
			u, err := strconv.Unquote(q)
			if err != nil {
				fzFail(t, "", "the problem with %s quotes %s, not a Go string (%v)", k, q, err)
			}
			// A shortened quote is of a clean cell if any cell it could be
			// is clean: a prefix of one may look like personal data when
			// the whole is not (ten digits of a longer run).
			cut, shortened := strings.CutSuffix(u, "…")
			clean := !personal[u]
			if shortened {
				clean = false
				for c, p := range personal {
					// (a cell that is not UTF-8 is shortened by its runes, each bad byte a U+FFFD)
					clean = clean || !p && strings.HasPrefix(string([]rune(c)), cut)
				}
			}
			if !clean {
				fzFail(t, "", "the problem with %s quotes %s, which holds personal data: %q", k, q, v)
			}
		}
		if k == "rows" {
			continue
		}
		m := fzProblemField.FindStringSubmatch(k)
		if m == nil || !numbers[m[1]] || !columns[m[2]] && !fzColumnLetter.MatchString(m[2]) {
			fzFail(t, "", "problem field %q names no row and column of the sheet (%q)", k, v)
		}
	}
	err := file.Err()
	if len(file.Problems) == 0 {
		if err != nil {
			fzFail(t, "", "no problems, yet Err is %v", err)
		}
		return
	}
	var de *domain.Error
	if !errors.As(err, &de) || de.Code != domain.CodeValidation || de.Message == "" {
		fzFail(t, "", "a sheet with problems %v imports: Err is %v", file.Problems, err)
	}
	if len(de.Fields) != len(file.Problems) {
		fzFail(t, "", "Err names %v, the problems are %v", de.Fields, file.Problems)
	}
	for k, v := range file.Problems {
		if de.Fields[k] != v {
			fzFail(t, "", "Err says %q of %s, the problem is %q", de.Fields[k], k, v)
		}
	}
}

// fzImportRows checks the rows of a sheet read without a problem.
func fzImportRows(t *testing.T, sh domain.Sheet, file domain.ImportFile) {
	t.Helper()
	// The header is the first row naming the project and both periods;
	// any rows above it are titles, at most MaxTitleRows of them, holding
	// no figure and no date, so no row of figures is passed over.
	at := slices.IndexFunc(sh.Rows, func(r domain.SheetRow) bool {
		k := map[string]bool{}
		for _, c := range r.Cells {
			k[strings.ReplaceAll(fzFold(c.Text), " ", "")] = !c.Merged
		}
		return k["project"] && k["periodstart"] && k["periodend"]
	})
	if at < 0 || at > domain.MaxTitleRows {
		fzFail(t, "", "a clean sheet whose header is row index %d", at)
	}
	for _, r := range sh.Rows[:at] {
		for _, c := range r.Cells {
			if s := strings.TrimSpace(c.Text); c.Numeric || fzDecimal.MatchString(s) || fzISODate.MatchString(s) || fzUKDate.MatchString(s) {
				fzFail(t, "", "row %d, above the header, holds %q yet was passed over as a title", r.Number, c.Text)
			}
		}
	}
	header := sh.Rows[at]
	col := map[string]int{}
	read := map[int]bool{} // the columns read, project aside
	for i, c := range header.Cells {
		switch k := strings.ReplaceAll(fzFold(c.Text), " ", ""); k {
		case "project", "periodstart", "periodend", "cohort", "notes":
			col[k] = i
			read[i] = k != "project"
		}
		if _, ok := domain.ParseMetric(strings.TrimSpace(c.Text)); ok {
			read[i] = true
		}
	}
	// A row with nothing in a column read but its project is skipped, as
	// the template's rows left unfilled are; every other row is one of figures.
	var figures []domain.SheetRow
	for _, sr := range sh.Rows[at+1:] {
		for i, c := range sr.Cells {
			if read[i] && strings.TrimSpace(c.Text) != "" {
				figures = append(figures, sr)
				break
			}
		}
	}
	if len(file.Rows) == 0 || len(file.Rows) != len(figures) {
		fzFail(t, "", "a clean sheet of %d rows (%d of figures) read as %d rows of figures", len(sh.Rows), len(figures), len(file.Rows))
	}
	if len(col) < 3 {
		fzFail(t, "", "a header without project, period start and period end was read: %q", header.Cells)
	}
	cell := func(r domain.SheetRow, name string) domain.SheetCell {
		if i, ok := col[name]; ok && i < len(r.Cells) {
			return r.Cells[i]
		}
		return domain.SheetCell{}
	}
	seen := map[string]int{}
	for i, r := range file.Rows {
		sr := figures[i]
		if r.Row != sr.Number {
			fzFail(t, "", "row %d of figures is numbered %d, the sheet's row is %d", i, r.Row, sr.Number)
		}
		in := domain.OutcomeInput{PeriodStart: r.PeriodStart, PeriodEnd: r.PeriodEnd, CohortID: r.CohortID, Counts: r.Counts, Notes: r.Notes}
		if err := in.Validate(); err != nil {
			fzFail(t, "", "row %d was read into a submission the API refuses: %v\n%+v", r.Row, err, in)
		}
		if err := domain.CheckText(in); err != nil {
			fzFail(t, "", "row %d was read with personal data: %v", r.Row, err)
		}
		text := strings.TrimSpace(cell(sr, "project").Text)
		i := slices.IndexFunc(fzProjects, func(p domain.Project) bool { return p.ID == r.ProjectID })
		if i < 0 {
			fzFail(t, "", "row %d has project %q, not one of the programme's", r.Row, r.ProjectID)
		}
		if p := fzProjects[i]; text != p.ID && fzFold(text) != fzFold(p.Name) && fzFold(strings.TrimPrefix(text, "'")) != fzFold(p.Name) {
			fzFail(t, "", "row %d: the cell %q was read as project %+v", r.Row, text, p)
		}
		if r.CohortText != "" || r.CohortID != "" {
			ok := slices.ContainsFunc(fzCohorts[r.ProjectID], func(c domain.Cohort) bool {
				return c.ID == r.CohortID && (c.ID == r.CohortText || fzFold(c.Name) == fzFold(r.CohortText))
			})
			if !ok || r.CohortText != strings.TrimSpace(cell(sr, "cohort").Text) {
				fzFail(t, "", "row %d: the cohort cell %q was read as %q, cohort %q of project %s", r.Row, cell(sr, "cohort").Text, r.CohortText, r.CohortID, r.ProjectID)
			}
		}
		if r.Notes != strings.TrimSpace(cell(sr, "notes").Text) {
			fzFail(t, "", "row %d: notes %q read as %q", r.Row, cell(sr, "notes").Text, r.Notes)
		}
		for name, d := range map[string]domain.Date{"periodstart": r.PeriodStart, "periodend": r.PeriodEnd} {
			want, ok := fzCellDate(cell(sr, name), sh.Date1904)
			if !ok || !d.Time().Equal(want) {
				fzFail(t, "", "row %d: %s cell %+v read as %v", r.Row, name, cell(sr, name), d)
			}
			if back, err := domain.ParseDate(d.String()); err != nil || back != d {
				fzFail(t, "", "row %d: %s %v does not read back: %v", r.Row, name, d, err)
			}
		}
		if len(r.Counts) != len(file.Columns.Metrics) {
			fzFail(t, "", "row %d: counts %v for the metric columns %v", r.Row, r.Counts, file.Columns.Metrics)
		}
		for m, n := range r.Counts {
			if n < 0 || n > domain.MaxCount {
				fzFail(t, "", "row %d: %s = %d", r.Row, m, n)
			}
			fzCount(t, r.Row, m, n, fzMetricCell(header, sr, m))
		}
		key := r.ProjectID + "|" + r.CohortID + "|" + r.PeriodStart.String() + "|" + r.PeriodEnd.String()
		if first, dup := seen[key]; dup {
			fzFail(t, "", "rows %d and %d both have project %s, cohort %q, %v to %v", first, r.Row, r.ProjectID, r.CohortID, r.PeriodStart, r.PeriodEnd)
		}
		seen[key] = r.Row
	}
}

// fzMetricCell is a row's cell for a metric, found by heading.
func fzMetricCell(header, r domain.SheetRow, m domain.Metric) domain.SheetCell {
	for i, c := range header.Cells {
		if got, ok := domain.ParseMetric(strings.TrimSpace(c.Text)); ok && got == m && i < len(r.Cells) {
			return r.Cells[i]
		}
	}
	return domain.SheetCell{}
}

// fzCount checks a count is the number its cell holds: written in decimal,
// exactly that whole number for text (4.0000000000000001 is not 4, 1e-400
// not 0), or for a workbook's number as stored (no comma), the double it
// stores. A number cell whose text is not a number as stored ("#0,000":
// what a cell formatted 0,000 or #,##0 shows, not what it stores; the
// .xlsx reader marks no such cell Numeric) is worth what it shows, read
// exactly as that text would be: 0,000 is 0 and 1,000 is 1000, commas
// grouping thousands as everywhere else in fundtrack
// (FuzzReadImport/bug-grouped-number-cell).
func fzCount(t *testing.T, row int, m domain.Metric, n int64, c domain.SheetCell) {
	t.Helper()
	s := strings.TrimSpace(c.Text)
	if s == "" {
		if n != 0 {
			fzFail(t, "", "row %d: an empty %s cell read as %d", row, m, n)
		}
		return
	}
	if !fzDecimal.MatchString(s) {
		fzFail(t, "", "row %d: %s cell %q, not a decimal number, read as %d", row, m, s, n)
	}
	if c.Numeric && !strings.Contains(s, ",") {
		if f, err := strconv.ParseFloat(s, 64); err != nil || f != float64(n) {
			fzFail(t, "", "row %d: the workbook's number %q in %s read as %d", row, s, m, n)
		}
		return
	}
	if r := fzExactDecimal(s); r == nil || r.Cmp(new(big.Rat).SetInt64(n)) != 0 {
		fzFail(t, "", "row %d: %s cell %q is not exactly %d, yet read as %d", row, m, s, n, n)
	}
}
