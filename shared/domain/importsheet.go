package domain

import "strings"

// What the readers of a sheet (shared/sheet) need of an import's columns,
// and the problems they find in a cell themselves.

// IsImportHeading reports whether a heading names a column fundtrack
// reads (SPEC, "Spreadsheet import"), in any case and spacing: the CSV
// reader uses it to tell a file separated by semicolons or tabs.
func IsImportHeading(h string) bool {
	_, ok := importColumn(strings.TrimSpace(h))
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
		column := columnLetter(i)
		if i < len(cols) && cols[i] != "" {
			column = cols[i]
		}
		p.Add(RowField(sr.Number, column), c.Problem)
	}
}
