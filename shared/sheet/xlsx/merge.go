package xlsx

import (
	"bytes"
	"encoding/xml"
	"slices"
	"strings"

	"github.com/fundtrack/fundtrack/shared/domain"
	"github.com/fundtrack/fundtrack/shared/sheet"
)

// fillMerged fills each cell of the sheet's merged ranges with its range's
// top-left cell, as most importers do: Excel keeps a merged range's value
// in that cell only, so a project's name merged down over its months
// would otherwise leave every month but the first without a project, in a
// cell the user sees filled. A copy is marked Merged (a column with no
// heading ignores it: a merge across one only widened the cell).
//
// Only the rows read are filled (a row holding nothing of its own stays
// out, as a blank row does) and only as wide as the widest of them (at
// most sheet.MaxColumns), so a range over a million cells costs no more than the rows an
// import may hold: each cell is filled at most once unless the ranges
// overlap, which Excel never writes (it repairs such a workbook on
// opening), and a sheet whose ranges would fill more is refused.
//
// Ranges are <mergeCell ref="A2:A3"/> in <mergeCells>, which the schema
// puts after <sheetData>: only the part's tail after the rows is read
// again, not the rows. A damaged tail ends the ranges, as a damaged sheet
// ends its rows.
func fillMerged(sh *domain.Sheet, ws []byte) error {
	end := bytes.LastIndex(ws, []byte("sheetData>"))
	if end < 0 || len(sh.Rows) == 0 || !bytes.Contains(ws[end:], []byte("mergeCell")) {
		return nil
	}
	budget, width := len(sh.Rows)*sheet.MaxColumns, 0
	for _, r := range sh.Rows {
		width = max(width, len(r.Cells))
	}
	d := newDecoder(ws[end+len("sheetData>"):])
	for {
		tok, err := d.Token()
		if err != nil {
			// A row whose own cells a range covers shows only the range's
			// value: if that is empty, the row is blank, and left out.
			sh.Rows = slices.DeleteFunc(sh.Rows, blankRow)
			return nil
		}
		se, ok := tok.(xml.StartElement)
		if !ok || se.Name.Local != "mergeCell" {
			continue
		}
		for _, a := range se.Attr {
			if a.Name.Local == "ref" {
				if budget = fillRange(sh, a.Value, width, budget); budget < 0 {
					return sheet.FileProblem("its merged cells overlap: unmerge them, or open and save the workbook in Excel")
				}
			}
		}
	}
}

// fillRange fills one merged range (ref, such as A2:B3) within the
// sheet's width (its widest row: past it no column has a heading, which a
// copy would need to be read) and gives what is left of the budget of
// cells to fill, negative once it is spent. A ref that is not a range of
// two cells is no merge.
func fillRange(sh *domain.Sheet, ref string, width, budget int) int {
	from, to, ok := strings.Cut(ref, ":")
	if !ok {
		return budget
	}
	c1, r1, err1 := cellCoordinates(from)
	c2, r2, err2 := cellCoordinates(to)
	if err1 != nil || err2 != nil {
		return budget
	}
	c1, c2 = min(c1, c2), max(c1, c2)
	r1, r2 = min(r1, r2), max(r1, r2)
	if c2 = min(c2, width); c1 > c2 {
		return budget
	}
	at := func(n int) int {
		i, _ := slices.BinarySearchFunc(sh.Rows, n, func(r domain.SheetRow, n int) int { return r.Number - n })
		return i
	}
	var top domain.SheetCell
	if i := at(r1); i < len(sh.Rows) && sh.Rows[i].Number == r1 && c1 <= len(sh.Rows[i].Cells) {
		top = sh.Rows[i].Cells[c1-1]
	}
	top.Merged, top.MergedFrom = true, r1
	empty := top.Text == "" && top.Problem == ""
	for i := at(r1); i < len(sh.Rows) && sh.Rows[i].Number <= r2; i++ {
		row := &sh.Rows[i]
		for c := c1; c <= c2; c++ {
			if row.Number == r1 && c == c1 {
				continue
			}
			if c > len(row.Cells) {
				if empty {
					break // nothing to show past the row's own cells
				}
				row.Cells = append(row.Cells, make([]domain.SheetCell, c-len(row.Cells))...)
			}
			if budget--; budget < 0 {
				return budget
			}
			row.Cells[c-1] = top
		}
	}
	return budget
}

// blankRow reports whether a row shows nothing.
func blankRow(r domain.SheetRow) bool {
	for _, c := range r.Cells {
		if strings.TrimSpace(c.Text) != "" || c.Problem != "" {
			return false
		}
	}
	return true
}
