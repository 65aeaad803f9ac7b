package domain

import (
	"math"
	"strconv"
	"strings"
)

// What the readers of a sheet (shared/sheet) need of an import's columns,
// and the problems they find in a cell themselves.

// IsImportHeading reports whether a heading names a column fundtrack
// reads (SPEC, "Spreadsheet import"), in any case and spacing: the CSV
// reader uses it to tell a file separated by semicolons or tabs.
func IsImportHeading(h string) bool {
	_, ok := ImportColumn(strings.TrimSpace(h))
	return ok
}

// cellProblems reports the problems a reader found with a row's cells
// (SheetCell.Problem) under each cell's column, its letter where it has
// no heading. They come before the checks of what the cells hold, so a
// cell that could not be read is never reported as empty.
func cellProblems(p Problems, sr SheetRow, cols []string) {
	for i, c := range sr.Cells {
		if c.Problem == "" {
			continue
		}
		p.Add(RowField(sr.Number, cellColumn(cols, i)), c.Problem)
	}
}

// cellColumn is how a problem with a row's i'th cell names its column:
// the column's name, or its letter when it has no heading (cols, the
// columns by position, may be shorter than the row).
func cellColumn(cols []string, i int) string {
	if i < len(cols) && cols[i] != "" {
		return cols[i]
	}
	return ColumnLetter(i)
}

// mergedFigure is the problem with a metric cell that is a merged range's
// copy of its top-left cell's figure, or "". Filling a merged range is
// right for a project's name, a cohort or a note merged down over the
// rows they belong to, but a figure the user typed once would be counted
// once per row (10 referrals merged over two quarters read as 20), and a
// count too high can trigger milestones and payments. The top-left row
// keeps its figure; the copies are refused rather than read as empty, so
// the user says which period the figure is for. An empty range merged
// over a metric column holds no figure to count twice.
func mergedFigure(c SheetCell) string {
	if !c.Merged || strings.TrimSpace(c.Text) == "" && c.Problem == "" {
		return ""
	}
	return "is part of a merged cell (from row " + strconv.Itoa(c.MergedFrom) + "): unmerge it and give each row its own figure"
}

// formattedFigure is the problem with a metric cell (ref, such as D2)
// whose number format shows it as a date, a time or a percentage, or "":
// its stored number is not what the user sees, and only its format gives
// it away. A date pasted one column out of place, or "5/3" typed into a
// figures cell, is stored as 46086 (days), under any plausibility limit;
// 1 formatted as a percentage shows "100%". Either read as a count would
// add people no one counted to totals, targets and milestones.
func formattedFigure(c SheetCell, ref string, date1904 bool) string {
	if !c.Numeric || c.Format == "" {
		return ""
	}
	shown := FormattedCell(c, date1904)
	return ref + " is formatted as a " + string(c.Format) + " (" + shown + "), not a count: type the number of people, formatted as a number"
}

// FormattedCell is a Numeric cell's number as its format shows it, in
// the UK's way: a date as 05/03/2026, a time as 14:30, a percentage as
// 100%; the number as stored for a cell of no such format, or one out of
// the format's range.
func FormattedCell(c SheetCell, date1904 bool) string {
	f, err := strconv.ParseFloat(strings.TrimSpace(c.Text), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return c.Text
	}
	switch c.Format {
	case FormatDate:
		if d, ok := SerialDate(c.Text, date1904); ok {
			return d.Time().Format("02/01/2006")
		}
	case FormatTime:
		if f >= 0 && f < 1e7 {
			minutes := int64(math.Round(f * 24 * 60))
			return strconv.FormatInt(minutes/60, 10) + ":" + pad2(strconv.FormatInt(minutes%60, 10))
		}
	case FormatPercent:
		return strconv.FormatFloat(math.Round(f*100*1e6)/1e6, 'f', -1, 64) + "%"
	}
	return c.Text
}
