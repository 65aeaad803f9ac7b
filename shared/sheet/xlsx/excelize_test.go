package xlsx_test

import (
	"bytes"
	"errors"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/sheet"
	"github.com/fundtrack/fundtrack/shared/sheet/xlsx"
)

// excelizeRead is Workbooks.Read as it was with excelize (before the
// package read workbooks itself), kept as the oracle the differential test
// holds the reader to, with what the reader does on purpose since, asked
// of excelize cell by cell: a boolean cell reads as TRUE or FALSE (not the
// number 1 or 0), a formula with no saved result as a problem (excelize
// cannot tell an empty <v> from none, so the generators write no formula
// whose text result is empty: TestReadFormulaWithoutResult reads those), and merged ranges are filled from their top-left cell
// (oracleFillMerged).
func excelizeRead(data []byte) (domain.Sheet, error) {
	return excelizeReadFirst(data, nil)
}

// excelizeReadFirst is excelizeRead that also sets *first (when not nil)
// to the name of the workbook's first sheet, when excelize opened it.
func excelizeReadFirst(data []byte, first *string) (domain.Sheet, error) {
	if err := xlsx.Check(data); err != nil {
		return domain.Sheet{}, err
	}
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{
		UnzipSizeLimit: xlsx.MaxUnzipped, UnzipXMLSizeLimit: xlsx.MaxUnzipped,
	})
	if err != nil {
		// A damaged workbook: refused as the reader refuses it (a
		// problem with the file, 400), its wording kept to tell the
		// differential test what excelize could not open.
		return domain.Sheet{}, sheet.FileProblem("the workbook cannot be opened (" + oraclePlain(err) + ")")
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return domain.Sheet{}, sheet.FileProblem("the workbook has no sheet")
	}
	if first != nil {
		*first = sheets[0]
	}
	props, perr := f.GetWorkbookProps()
	sh := domain.Sheet{Date1904: perr == nil && props.Date1904 != nil && *props.Date1904}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		return domain.Sheet{}, sheet.FileProblem("its first sheet cannot be read (" + oraclePlain(err) + ")")
	}
	defer rows.Close()
	for n := 1; rows.Next(); n++ {
		cols, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return domain.Sheet{}, sheet.FileProblem("row " + strconv.Itoa(n) + " of its first sheet cannot be read (" + oraclePlain(err) + ")")
		}
		if len(cols) > sheet.MaxColumns {
			return domain.Sheet{}, sheet.FileProblem(sheet.TooWide(n))
		}
		row := domain.SheetRow{Number: n}
		empty := true
		for i, v := range cols {
			c := domain.SheetCell{Text: v, Numeric: oracleNumber.MatchString(v)}
			ref, _ := excelize.CoordinatesToCellName(i+1, n)
			typ, _ := f.GetCellType(sheets[0], ref)
			formula, _ := f.GetCellFormula(sheets[0], ref)
			if raw, _ := f.GetCellValue(sheets[0], ref, excelize.Options{RawCellValue: true}); raw != v {
				typ, formula = excelize.CellTypeUnset, "" // another cell: a row given twice, as no program writes
				if c.Numeric {
					c.Format = typeUnknown // a number, or text holding one: excelize cannot say
				}
			}
			// Only a number cell holds a number; text holding digits is text.
			c.Numeric = c.Numeric && (typ == excelize.CellTypeUnset || typ == excelize.CellTypeNumber)
			switch {
			case formula != "" && v == "":
				c = domain.SheetCell{Problem: xlsx.NoResult}
			case typ == excelize.CellTypeBool:
				c.Numeric = false
				c.Text = map[string]string{"1": "TRUE", "0": "FALSE"}[v]
				if c.Text == "" {
					c.Text = v
				}
			}
			row.Cells = append(row.Cells, c)
			empty = empty && strings.TrimSpace(v) == "" && c.Problem == ""
		}
		if empty {
			continue
		}
		sh.Rows = append(sh.Rows, row)
		if len(sh.Rows) > domain.MaxSheetRows {
			return sh, nil
		}
	}
	if err := rows.Error(); err != nil {
		return domain.Sheet{}, sheet.FileProblem("its first sheet cannot be read (" + oraclePlain(err) + ")")
	}
	merged, _ := f.GetMergeCells(sheets[0])
	oracleFillMerged(&sh, merged)
	return sh, nil
}

// oracleFillMerged fills the rows read within each merged range with a
// copy of its top-left cell (marked Merged, from its row), as wide as the widest row
// read; a row's own cells are extended only to hold a value.
func oracleFillMerged(sh *domain.Sheet, merged []excelize.MergeCell) {
	width := 0
	for _, r := range sh.Rows {
		width = max(width, len(r.Cells))
	}
	for _, m := range merged {
		c1, r1, err1 := excelize.CellNameToCoordinates(m.GetStartAxis())
		c2, r2, err2 := excelize.CellNameToCoordinates(m.GetEndAxis())
		if err1 != nil || err2 != nil {
			continue
		}
		var top domain.SheetCell
		for _, r := range sh.Rows {
			if r.Number == r1 && c1 <= len(r.Cells) {
				top = r.Cells[c1-1]
			}
		}
		top.Merged, top.MergedFrom = true, r1
		for i := range sh.Rows {
			row := &sh.Rows[i]
			if row.Number < r1 || row.Number > r2 {
				continue
			}
			for c := c1; c <= min(c2, width); c++ {
				if row.Number == r1 && c == c1 {
					continue
				}
				if c > len(row.Cells) {
					if top.Text == "" && top.Problem == "" {
						break
					}
					row.Cells = append(row.Cells, make([]domain.SheetCell, c-len(row.Cells))...)
				}
				row.Cells[c-1] = top
			}
		}
	}
	sh.Rows = slices.DeleteFunc(sh.Rows, func(r domain.SheetRow) bool {
		for _, c := range r.Cells {
			if strings.TrimSpace(c.Text) != "" || c.Problem != "" {
				return false
			}
		}
		return true
	})
}

var oracleNumber = regexp.MustCompile(`^-?\d+(\.\d+)?([Ee][+-]?\d+)?$`)

func oraclePlain(err error) string {
	for u := errors.Unwrap(err); u != nil; u = errors.Unwrap(u) {
		err = u
	}
	return err.Error()
}

// typeUnknown marks, in what excelizeRead gives, a cell holding a number
// whose type excelize could not be asked (in a sheet whose rows or cells
// repeat, GetCellType finds another cell): only a number cell is Numeric,
// and excelize's raw value does not say which it is. settleUnknown takes
// the reader's word for such cells.
const typeUnknown domain.CellFormat = "type unknown"

// settleUnknown gives want's cells of unknown type got's Numeric mark, and
// clears the marker.
func settleUnknown(got domain.Sheet, want *domain.Sheet) {
	for i, r := range want.Rows {
		for j, c := range r.Cells {
			if c.Format != typeUnknown {
				continue
			}
			r.Cells[j].Format = ""
			if i < len(got.Rows) && j < len(got.Rows[i].Cells) {
				r.Cells[j].Numeric = got.Rows[i].Cells[j].Numeric
			}
		}
	}
}
